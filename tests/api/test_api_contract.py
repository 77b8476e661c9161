"""The OpenAPI document says what the API does (issue 19): bodies, statuses, security, types,
and the behaviour behind them (401 with WWW-Authenticate, strict ordering, bounded pages)."""

import json

import pytest
from drf_spectacular.generators import SchemaGenerator
from openapi_spec_validator import validate
from rest_framework.test import APIClient

from forecasts.api.pagination import MAX_PAGE_SIZE
from tests.builders import make_question

METHODS = ("get", "post", "put", "patch", "delete")


@pytest.fixture(scope="module")
def schema() -> dict:
    return SchemaGenerator().get_schema(request=None, public=True)


def operations(schema: dict):
    for path, item in schema["paths"].items():
        for method in METHODS:
            if op := item.get(method):
                yield path, method, op


def param(op: dict, name: str) -> dict:
    return next(p for p in op["parameters"] if p["name"] == name)


def test_the_document_passes_openapi_spec_validator(schema: dict) -> None:
    validate(json.loads(json.dumps(schema)))


def test_bodies_are_json_and_multipart_only_where_a_file_is_uploaded(schema: dict) -> None:
    media = {
        f"{m.upper()} {p}": sorted(op["requestBody"]["content"])
        for p, m, op in operations(schema)
        if "requestBody" in op
    }
    uploads = {"POST /api/extract/", "POST /api/sources/{id}/extract/"}
    assert {k for k, v in media.items() if v != ["application/json"]} == uploads
    assert all(media[k] == ["application/json", "multipart/form-data"] for k in uploads)


def test_request_components_never_require_read_only_fields(schema: dict) -> None:
    components = schema["components"]["schemas"]
    assert components["ExpertRequest"]["required"] == ["name"]
    assert components["TopicRequest"]["required"] == ["name"]
    assert "slug" not in components["ExpertRequest"]["properties"]


def test_every_operation_lists_the_statuses_it_can_answer(schema: dict) -> None:
    missing = []
    for path, method, op in operations(schema):
        codes = set(op["responses"])
        needed = {"400", "401", "429"}
        if method != "get":
            needed |= {"403", "409"} | ({"413", "415"} if "requestBody" in op else set())
        if "{" in path or path.endswith("/") and "page" in json.dumps(op.get("parameters", [])):
            needed.add("404")
        if missing_codes := needed - codes:
            missing.append(f"{method.upper()} {path}: {sorted(missing_codes)}")
    assert not missing, "\n".join(missing)
    create = schema["paths"]["/api/predictions/"]["post"]
    assert {"409", "422"} <= set(create["responses"])
    assert param(create, "Idempotency-Key")["in"] == "header"
    assert "Location" in create["responses"]["201"]["headers"]
    assert set(schema["paths"]["/api/extract/"]["post"]["responses"]) >= {"413", "415", "422"}


def test_errors_are_typed_as_a_field_to_messages_map(schema: dict) -> None:
    components = schema["components"]["schemas"]
    errors = components["Error"]["properties"]["errors"]
    assert errors["allOf"] == [{"$ref": "#/components/schemas/FieldErrors"}]
    nested = components["FieldErrors"]["additionalProperties"]["anyOf"]
    assert {"type": "array", "items": {"type": "string"}} in nested
    assert {"$ref": "#/components/schemas/FieldErrors"} in nested


def test_a_duplicate_claims_409_body_is_described_by_the_error_component(schema: dict) -> None:
    """The 409 of POST /api/predictions/ carries `existing` (id, url): a client's model for
    Error must have it, or a generated client drops the link to the record already there."""
    components = schema["components"]["schemas"]
    existing = components["Error"]["properties"]["existing"]
    target = existing["allOf"][0]["$ref"].rsplit("/", 1)[-1]
    assert set(components[target]["properties"]) == {"id", "url"}


def test_anonymous_reads_are_declared_anonymous_and_writes_are_not(schema: dict) -> None:
    for path, method, op in operations(schema):
        anonymous = {} in op.get("security", [])
        if path.startswith("/api/auth/") or method != "get":
            assert not anonymous, f"{method} {path}"
        else:
            assert anonymous, f"{method} {path}"


def test_filters_have_their_real_types_and_enums_are_named_once(schema: dict) -> None:
    listing = schema["paths"]["/api/predictions/"]["get"]
    assert param(listing, "question")["schema"]["type"] == "integer"
    assert param(listing, "source")["schema"]["type"] == "integer"
    assert param(listing, "include_superseded")["schema"]["type"] == "boolean"
    assert param(listing, "made_on_after")["schema"]["format"] == "date"
    assert "-made_on" in param(listing, "ordering")["schema"]["enum"]
    assert param(listing, "page_size")["schema"]["maximum"] == MAX_PAGE_SIZE
    reviews = schema["paths"]["/api/reviews/"]["get"]
    assert "search" not in {p["name"] for p in reviews["parameters"]}  # reviews are not searched
    questions = schema["paths"]["/api/questions/"]["get"]
    assert param(questions, "status")["schema"]["items"] == {
        "$ref": "#/components/schemas/QuestionStatus"
    }
    text = json.dumps(schema)
    for leak in ("BlankEnum", "ListList", "StatusEnum", '"nullable"'):
        assert leak not in text


def test_a_bad_or_missing_token_is_a_401_that_names_the_scheme(db) -> None:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token not-a-key")
    for response in (client.get("/api/experts/"), APIClient().post("/api/topics/", {})):
        assert response.status_code == 401
        assert response["WWW-Authenticate"] == "Token"
        assert response.json()["detail"]


def test_ordering_takes_the_listed_fields_and_refuses_others_by_name(db) -> None:
    make_question("Will A?")
    assert APIClient().get("/api/questions/?ordering=-deadline,created_at").status_code == 200
    response = APIClient().get("/api/questions/?ordering=bogus")
    assert response.status_code == 400
    assert "deadline" in response.json()["errors"]["ordering"][0]


LISTS = [
    "/api/experts/",
    "/api/sources/",
    "/api/topics/",
    "/api/questions/",
    "/api/predictions/",
    "/api/reviews/",
    "/api/track-records/",
    "/api/leaderboard/",
]


@pytest.mark.parametrize("path", LISTS)
def test_every_list_refuses_an_unknown_ordering_naming_the_values_it_takes(
    db, schema: dict, path: str
) -> None:
    allowed = param(schema["paths"][path]["get"], "ordering")["schema"]["enum"]
    response = APIClient().get(path, {"ordering": "bogus"})
    assert response.status_code == 400, response.content
    detail = response.json()["detail"]
    assert detail.startswith("ordering: Order by one of: ")
    assert all(value in detail for value in allowed), (allowed, detail)
    assert APIClient().get(path, {"ordering": allowed[0]}).status_code == 200


def test_the_leaderboard_takes_its_one_order_by_name(db) -> None:
    assert APIClient().get("/api/leaderboard/?ordering=rank").status_code == 200
    refused = APIClient().get("/api/leaderboard/?ordering=-brier")
    assert refused.json()["errors"] == {"ordering": ["Order by one of: rank (got '-brier')."]}


def test_the_csv_export_says_it_takes_no_ordering(db) -> None:
    response = APIClient().get("/api/predictions.csv?ordering=made_on")
    assert response.status_code == 400
    assert response.json()["detail"] == (
        "ordering: This list comes in one order and takes no ordering (got 'made_on')."
    )


def test_rows_tied_on_the_ordering_are_paged_once_each(db) -> None:
    # Five questions with one deadline: ordered by deadline alone, a page boundary between
    # tied rows could repeat one and skip another. Ties go newest first.
    made = [make_question(f"Will tie {i} happen?").pk for i in range(5)]
    seen = []
    for page in range(1, 6):
        body = (
            APIClient()
            .get("/api/questions/", {"ordering": "deadline", "page_size": 1, "page": page})
            .json()
        )
        seen += [row["id"] for row in body["results"]]
    assert seen == sorted(made, reverse=True)


def test_a_bad_date_bound_is_reported_under_its_own_parameter(db) -> None:
    response = APIClient().get("/api/predictions/?made_on_after=yesterday")
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["made_on_after"]


@pytest.mark.parametrize("size", ["0", str(MAX_PAGE_SIZE + 1), "ten"])
def test_page_size_outside_its_bounds_is_a_400(db, size: str) -> None:
    response = APIClient().get(f"/api/topics/?page_size={size}")
    assert response.status_code == 400
    assert "page_size" in response.json()["errors"]


def test_page_size_and_a_page_past_the_last(db) -> None:
    make_question("Will A?")
    make_question("Will B?")
    page = APIClient().get("/api/questions/?page_size=1&page=2").json()
    assert [q["title"] for q in page["results"]] == ["Will B?"]
    past = APIClient().get("/api/questions/?page=999")
    assert past.status_code == 404
    assert past["Content-Type"] == "application/json"


@pytest.mark.parametrize(
    "path", ["/api/feeds/experts/nobody/", "/api/questions/1%0A/", "/api/nothing%0A"]
)
def test_every_404_under_the_api_is_json(db, path: str) -> None:
    response = APIClient().put(path, {}, format="json")
    assert response.status_code in (404, 405)
    assert response["Content-Type"] == "application/json"


def test_a_bad_token_is_told_where_to_find_the_current_key(db) -> None:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token not-a-key")
    assert "/api/auth/token/" in client.get("/api/topics/").json()["detail"]
