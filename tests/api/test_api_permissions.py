"""The permission matrix: every endpoint × role × method gives the expected status."""

import datetime as dt
from dataclasses import dataclass, field

import pytest
from django.contrib.auth.models import User
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from forecasts.services import (
    create_expert,
    create_question,
    get_or_create_source,
    get_or_create_topic,
    record_prediction,
)
from forecasts.services.reviews.verdicts import resolve_question
from tests.builders import due_question

ROLES = ("anonymous", "member", "editor", "reviewer", "admin")
EVERYONE = frozenset(ROLES)
SIGNED_IN = EVERYONE - {"anonymous"}
EDITORS = frozenset({"editor", "admin"})
REVIEWERS = frozenset({"reviewer", "admin"})
NOBODY: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Case:
    method: str
    path: str  # formatted with the world's ids
    allowed: frozenset[str]
    ok: int = 200
    body: dict = field(default_factory=dict)

    @property
    def denied(self) -> int:
        return 405 if not self.allowed else 403


READS = [
    Case("get", path, EVERYONE)
    for path in [
        "/api/experts/",
        "/api/experts/?search=vera",
        "/api/experts/{expert}/",
        "/api/sources/",
        "/api/sources/{source}/",
        "/api/topics/",
        "/api/topics/{topic}/",
        "/api/questions/",
        "/api/questions/{question}/",
        "/api/predictions/",
        "/api/predictions/{prediction}/",
        "/api/predictions.csv",
        "/api/reviews/",
        "/api/reviews/{review}/",
        "/api/track-records/",
        "/api/leaderboard/",
        "/api/schema/",
        "/api/docs/",
        "/api/feeds/predictions/",
        "/api/feeds/resolutions/",
        "/api/feeds/experts/{expert}/",
    ]
]
WRITES = [
    Case("post", "/api/experts/", EDITORS, 201, {"name": "New Pundit"}),
    Case("patch", "/api/experts/{expert}/", EDITORS, 200, {"bio": "Columnist."}),
    Case("put", "/api/experts/{expert}/", EDITORS, 200, {"name": "Vera Ostrova", "bio": "x"}),
    Case("delete", "/api/experts/{expert}/", NOBODY),
    Case("post", "/api/sources/", EDITORS, 201, {"title": "Op-ed", "url": "https://e.org/new"}),
    Case("patch", "/api/sources/{source}/", EDITORS, 200, {"outlet": "Daily"}),
    Case("delete", "/api/sources/{source}/", NOBODY),
    Case("post", "/api/topics/", EDITORS, 201, {"name": "Energy"}),
    Case("patch", "/api/topics/{topic}/", NOBODY, body={"name": "Other"}),
    Case("delete", "/api/topics/{topic}/", NOBODY),
    Case(
        "post",
        "/api/questions/",
        EDITORS,
        201,
        {
            "title": "Will it rain?",
            "resolution_criteria": "YES if it rains.",
            "deadline": "2099-01-01",
        },
    ),
    Case(
        "patch",
        "/api/questions/{question}/",
        EDITORS,
        200,
        {"consensus_source": "Market", "reason": "Named the market."},
    ),
    Case("delete", "/api/questions/{question}/", NOBODY),
    Case(
        "post",
        "/api/questions/{due}/resolve/",
        REVIEWERS,
        201,
        {
            "outcome": "yes",
            "evidence_url": "https://e.org/evidence",
        },
    ),
    Case("get", "/api/questions/{due}/resolve/", NOBODY),
    Case(
        "post",
        "/api/predictions/",
        EDITORS,
        201,
        {
            "expert": "{expert}",
            "question": "{question}",
            "probability": "likely",
            "made_on": "{today}",
        },
    ),
    Case("put", "/api/predictions/{prediction}/", NOBODY, body={"probability": 0.9}),
    Case("patch", "/api/predictions/{prediction}/", NOBODY, body={"probability": 0.9}),
    Case("delete", "/api/predictions/{prediction}/", NOBODY),
    Case(
        "post",
        "/api/predictions/{prediction}/corrections/",
        EDITORS,
        201,
        {
            "probability": 0.9,
            "reason": "Misquoted",
        },
    ),
    Case("post", "/api/reviews/", NOBODY, body={"outcome": "yes"}),
    Case("post", "/api/leaderboard/", NOBODY),
    Case("post", "/api/track-records/", NOBODY),
    Case("get", "/api/auth/token/", SIGNED_IN),
    Case("post", "/api/auth/token/", SIGNED_IN, 201),
]


@pytest.fixture
def world(alice, bob, carol, today) -> dict[str, object]:
    expert = create_expert(name="Vera Ostrova")
    topic = get_or_create_topic(name="South Caucasus")
    source = get_or_create_source(title="Interview", url="https://e.org/interview")
    question = create_question(
        title="Will the bridge open?",
        resolution_criteria="YES if it opens to traffic.",
        deadline=today + dt.timedelta(days=60),
        topics=[topic],
    )
    prediction = record_prediction(
        expert=expert, question=question, probability=0.7, made_on=today, source=source
    )
    settled = due_question("Was the dam finished?")
    review = resolve_question(
        question=settled, outcome="no", resolved_by=carol, evidence_url="https://e.org/dam"
    )
    return {
        "expert": expert.slug,
        "topic": topic.slug,
        "source": source.pk,
        "question": question.pk,
        "prediction": prediction.pk,
        "review": review.pk,
        "due": due_question("Did the ferry start?", reviewers=[bob]).pk,
        "today": today.isoformat(),
    }


def _client(role: str, alice, bob, carol) -> APIClient:
    users = {"editor": alice, "reviewer": bob, "admin": carol}
    client = APIClient()
    if role == "member":
        users["member"] = User.objects.create_user("mallory", password="pw-mallory")
    if role != "anonymous":
        token = Token.objects.create(user=users[role])
        client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


def _fill(value, world: dict):
    if isinstance(value, str):
        filled = value.format(**world)
        return int(filled) if filled.isdigit() else filled
    return value


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("case", READS + WRITES, ids=lambda c: f"{c.method} {c.path}")
def test_permission_matrix(case: Case, role: str, world, alice, bob, carol):
    client = _client(role, alice, bob, carol)
    body = {key: _fill(value, world) for key, value in case.body.items()}
    response = getattr(client, case.method)(case.path.format(**world), body or None, format="json")
    expected = case.ok if role in case.allowed else case.denied
    if expected == 403 and role == "anonymous":
        expected = 401  # not logged in; a 403 is a role refusal
    assert response.status_code == expected, response.content[:300]
    if expected == 401:
        assert response["WWW-Authenticate"] == "Token"
    if response.status_code >= 400:
        assert response.json()["detail"]
