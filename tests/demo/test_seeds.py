"""Seed data (load_seeds) and demo logins (create_demo_accounts)."""

import datetime as dt
from collections import Counter

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.core.management.base import CommandError

from forecasts.models import Expert, Prediction, Question, Review, Source, TrackRecord
from forecasts.selectors.search import search_experts
from seeds.loader import SEED_USERNAME, load_seeds

# Distinctive wording of the seed article. The project never copies its sentences, and tests
# must not read ../shared, so a few tell-tale fragments stand in for the whole text.
ARTICLE_FRAGMENTS = (
    "catastrophically collapsed",
    "heavy stone",
    "instrumentalise",
    "fiasco of historic proportions",
    "self-respecting country",
    "no meanness",
    "keep up the good work",
    "synchronise its policy",
)

MEGRABYAN_READINGS = [
    # (phrase stored, probability, basis), one per forward-looking claim.
    ("is confident that", 0.80, "verbal"),
    ("is confident that", 0.80, "verbal"),
    ("will", 0.95, "bare_assertion"),
    ("believes … will", 0.70, "verbal"),
    ("is unable to (bare assertion)", 0.95, "bare_assertion"),
]


def _snapshot() -> dict[str, list[tuple]]:
    """Everything a re-run could touch, as comparable rows."""
    return {
        "experts": list(Expert.objects.values_list("id", "name", "slug", "affiliation", "bio")),
        "sources": list(Source.objects.values_list("id", "title", "outlet", "via", "url")),
        "questions": list(
            Question.objects.values_list("id", "title", "deadline", "status", "outcome", "version")
        ),
        "predictions": list(
            Prediction.objects.values_list(
                "id", "probability", "phrase", "version", "superseded_at"
            )
        ),
        "reviews": list(Review.objects.values_list("id", "outcome", "round")),
        "track_records": list(TrackRecord.objects.values_list("id", "updated_at")),
        "users": list(User.objects.values_list("id", "username", "password", "is_active")),
    }


def _resolved_counts() -> Counter:
    """Resolved (scorable) current predictions per expert name."""
    rows = Prediction.objects.current().filter(question__status=Question.Status.RESOLVED)
    return Counter(rows.values_list("expert__name", flat=True))


@pytest.fixture
def seeded(db) -> dict[str, int]:
    return load_seeds()


@pytest.fixture
def megrabyan(seeded) -> Expert:
    return Expert.objects.get(name="Ruben Megrabyan")


def test_second_load_creates_nothing_and_changes_nothing(seeded):
    before = _snapshot()
    again = load_seeds()
    assert set(again) == set(seeded)
    assert all(count == 0 for count in again.values()), again
    assert _snapshot() == before


def test_first_load_reports_what_it_created(seeded):
    assert seeded["experts"] == Expert.objects.count() == 6
    assert seeded["sources"] == Source.objects.count() == 6
    assert seeded["questions"] == Question.objects.count() == 25
    assert seeded["predictions"] == 51
    assert seeded["corrections"] == 1
    assert seeded["resolutions"] == Review.objects.count() == 17


def test_load_seeds_command_is_idempotent(db, capsys):
    call_command("load_seeds")
    assert "Seed data loaded" in capsys.readouterr().out
    call_command("load_seeds")
    assert "nothing to do" in capsys.readouterr().out


def test_megrabyan_forecasts_keep_the_confidence_he_expressed(megrabyan):
    predictions = list(megrabyan.predictions.current())
    readings = sorted((p.phrase, p.probability, p.basis) for p in predictions)
    assert readings == sorted(MEGRABYAN_READINGS)
    assert {p.table_version for p in predictions} == {"v2"}
    assert {p.made_on for p in predictions} == {dt.date(2025, 6, 1)}


def test_megrabyan_source_is_the_gaze_citing_freedom_tv(megrabyan):
    sources = {p.source for p in megrabyan.predictions.all()}
    assert len(sources) == 1
    source = sources.pop()
    assert (source.kind, source.outlet, source.via) == (
        "article",
        "The Gaze",
        "FREEDOM TV (broadcast)",
    )
    assert source.published_on == dt.date(2025, 6, 1)
    assert source.url == ""
    assert source.text == ""  # The article is not stored: we keep our own words only.


def test_megrabyan_questions_are_left_for_reviewers(megrabyan):
    questions = Question.objects.filter(predictions__expert=megrabyan).distinct()
    assert questions.count() == 5
    for question in questions:
        assert question.outcome == ""
        assert not question.is_settled
        assert question.topics.exists()
        for marker in ("YES", "NO", "ANNULLED"):
            assert marker in question.resolution_criteria


def test_seed_text_is_in_our_own_words(seeded):
    quotes = list(Prediction.objects.values_list("quote", flat=True))
    assert quotes
    assert all(quote.startswith("Paraphrase") for quote in quotes)
    texts = [
        *quotes,
        *Question.objects.values_list("title", flat=True),
        *Question.objects.values_list("resolution_criteria", flat=True),
        *Source.objects.values_list("title", flat=True),
        *Expert.objects.values_list("bio", flat=True),
    ]
    for text in texts:
        for fragment in ARTICLE_FRAGMENTS:
            assert fragment not in text.lower(), (fragment, text)


def test_demo_record_ranks_some_experts_and_leaves_one_provisional(seeded):
    counts = _resolved_counts()
    fictional = Expert.objects.filter(affiliation="Fictional demo pundit")
    assert fictional.count() == 5
    resolved = [counts[name] for name in fictional.values_list("name", flat=True)]
    assert sum(n >= 5 for n in resolved) >= 3
    assert any(0 < n < 5 for n in resolved)
    assert all("fictional" in bio.lower() for bio in fictional.values_list("bio", flat=True))


def test_first_load_fills_the_leaderboard_without_a_worker(seeded):
    overall = TrackRecord.objects.filter(prospective_only=False, topic__isnull=True)
    resolved = dict(overall.values_list("expert__name", "resolved_count"))
    assert resolved == dict(_resolved_counts())
    assert sum(n >= 5 for n in resolved.values()) >= 3
    assert overall.filter(peer_count__gt=0).count() >= 3
    assert overall.filter(consensus_count__gt=0).exists()


def test_the_prospective_only_board_ranks_someone_on_the_demo(seeded, client):
    """Most seed forecasts are logged long after their deadline (hindsight); a few are logged
    before their question's deadline and settle after they are recorded: prospective."""
    prospective = [
        p
        for p in Prediction.objects.current().filter(question__status=Question.Status.RESOLVED)
        if not p.hindsight
    ]
    assert len(prospective) >= 10
    for prediction in prospective:  # SCORING.md's rule, spelled out
        question = prediction.question
        assert prediction.recorded_at.date() < question.deadline
        assert prediction.recorded_at < question.first_resolved_at
    board = client.get("/api/leaderboard/", {"record": "prospective"}).json()
    rows = board["results"] if isinstance(board, dict) else board
    ranked = [row for row in rows if row["rank"] is not None]
    assert ranked, rows
    assert all(row["resolved_count"] >= 5 for row in ranked)
    assert len([row for row in rows if row["resolved_count"] > 0]) >= 3
    page = client.get("/", {"record": "prospective"}).content.decode()
    assert "No ranked experts for these filters" not in page
    # The real article's forecasts stay open, and the other demo forecasts hindsight.
    assert not any(p.expert.name == "Ruben Megrabyan" for p in prospective)


def test_demo_record_covers_peers_consensus_annulment_and_open_questions(seeded):
    today = dt.date(2026, 11, 27)
    resolved = Question.objects.filter(status=Question.Status.RESOLVED)
    shared = [q for q in resolved if q.predictions.current().count() >= 2]
    assert len(shared) >= 5
    assert resolved.filter(consensus_probability__isnull=False).count() >= 2
    assert Question.objects.filter(status=Question.Status.ANNULLED, outcome="annulled").count() == 1
    open_future = Question.objects.filter(status=Question.Status.OPEN, deadline__gt=today)
    assert open_future.filter(title__icontains="fictional").count() >= 3
    assert all(
        r.evidence_url.startswith("https://example.org/")
        for r in Review.objects.exclude(outcome="annulled")
    )


def test_demo_record_shows_a_corrected_prediction(seeded):
    corrected = Prediction.objects.get(supersedes__isnull=False)
    assert corrected.correction_reason
    assert corrected.probability == 0.25
    assert corrected.supersedes.probability == 0.75
    assert corrected.supersedes.superseded_at is not None


def test_look_alike_spellings_are_aliases_of_one_expert(seeded):
    ana = Expert.objects.get(name="Ana Li")
    assert ana.aliases == ["Ana-Li", "Ана Ли"]
    assert not Expert.objects.filter(slug__startswith="ana-li-").exists()
    assert search_experts(Expert.objects.all(), "Ана Ли").get() == ana
    megrabyan = Expert.objects.get(name="Ruben Megrabyan")
    for spelling in ("Mehrabyan", "Меграбян"):
        assert search_experts(Expert.objects.all(), spelling).get() == megrabyan


def test_seed_reviewer_cannot_log_in(seeded):
    user = User.objects.get(username=SEED_USERNAME)
    assert not user.is_active
    assert not user.has_usable_password()
    assert Review.objects.exclude(reviewer=user).count() == 0


# --- create_demo_accounts -------------------------------------------------------------------


def _accounts() -> list[tuple]:
    users = User.objects.filter(username__in=["editor", "reviewer", "reviewer2", "admin"])
    return sorted(
        (
            u.username,
            u.email,
            u.is_staff,
            u.is_superuser,
            u.password,
            tuple(u.groups.values_list("name", flat=True)),
        )
        for u in users
    )


def test_demo_accounts_have_their_roles_and_survive_a_rerun(db, settings, monkeypatch, capsys):
    settings.DEBUG = True
    monkeypatch.delenv("DEMO_PASSWORD", raising=False)
    call_command("create_demo_accounts")
    first = _accounts()
    call_command("create_demo_accounts")
    assert _accounts() == first
    roles = {
        username: (staff, superuser, groups) for username, _, staff, superuser, _, groups in first
    }
    assert roles == {
        "admin": (True, True, ()),
        "editor": (True, False, ("Editors",)),
        "reviewer": (True, False, ("Reviewers",)),
        "reviewer2": (True, False, ("Reviewers",)),
    }
    assert User.objects.get(username="editor").email == "editor@example.org"
    assert User.objects.get(username="reviewer2").check_password("reviewer2-demo")
    out = capsys.readouterr().out
    assert "editor-demo" in out
    assert "/admin/" in out


def test_demo_password_can_come_from_the_environment(db, settings, monkeypatch):
    settings.DEBUG = True
    monkeypatch.setenv("DEMO_PASSWORD", "correct-horse-battery")
    call_command("create_demo_accounts")
    assert User.objects.get(username="admin").check_password("correct-horse-battery")


def test_demo_accounts_are_refused_when_debug_is_off(db, settings, monkeypatch):
    monkeypatch.delenv("DEMO_PASSWORD", raising=False)
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG is off"):
        call_command("create_demo_accounts")
    assert not User.objects.filter(username="admin").exists()


def test_force_creates_demo_accounts_even_when_debug_is_off(db, settings):
    settings.DEBUG = False
    call_command("create_demo_accounts", force=True)
    assert User.objects.filter(username="admin", is_superuser=True).exists()


def test_with_debug_off_a_strong_demo_password_of_ones_own_needs_no_force(
    db, settings, monkeypatch, capsys
):
    settings.DEBUG = False
    monkeypatch.setenv("DEMO_PASSWORD", "staging-ferry-lantern-4417")
    call_command("create_demo_accounts")
    assert User.objects.get(username="admin").check_password("staging-ferry-lantern-4417")
    out = capsys.readouterr().out
    assert "staging-ferry-lantern-4417" not in out  # not echoed into a production log
    assert "(DEMO_PASSWORD)" in out


def test_with_debug_off_a_weak_demo_password_is_refused(db, settings, monkeypatch):
    settings.DEBUG = False
    monkeypatch.setenv("DEMO_PASSWORD", "password")
    with pytest.raises(CommandError, match="DEMO_PASSWORD is too weak"):
        call_command("create_demo_accounts")
    assert not User.objects.filter(username="admin").exists()
