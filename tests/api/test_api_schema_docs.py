"""The OpenAPI document: every operation described and with examples that fit its schemas.

Schemathesis sends the request examples; here each example is also checked against the
schema it illustrates, so the docs never show a body the API would not produce.
"""

import copy
import json
from typing import Any

import pytest
from django.core.management import call_command
from drf_spectacular.generators import SchemaGenerator
from jsonschema import Draft202012Validator

METHODS = ("get", "post", "put", "patch", "delete")


@pytest.fixture(scope="module")
def schema() -> dict:
    return SchemaGenerator().get_schema(request=None, public=True)


def operations(schema: dict) -> list[tuple[str, str, dict]]:
    return [
        (path, method, op)
        for path, item in schema["paths"].items()
        for method in METHODS
        if (op := item.get(method))
    ]


def examples_of(body: dict | None) -> dict[str, dict]:
    """{media type: examples} of a request body or a response."""
    content = (body or {}).get("content", {})
    return {media: spec.get("examples", {}) for media, spec in content.items()}


def as_json_schema(node: Any, direction: str) -> Any:
    """OpenAPI (refs, nullable, readOnly/writeOnly) → plain JSON Schema for one direction.
    Refs point into `$defs` (see with_defs), so recursive components (FieldErrors) work."""
    if isinstance(node, list):
        return [as_json_schema(n, direction) for n in node]
    if not isinstance(node, dict):
        return node
    if "$ref" in node:
        return {"$ref": "#/$defs/" + node["$ref"].rsplit("/", 1)[-1]}
    node = copy.copy(node)
    nullable = node.pop("nullable", False)
    hidden = "readOnly" if direction == "request" else "writeOnly"
    if "properties" in node:
        kept = {k: v for k, v in node["properties"].items() if not v.get(hidden)}
        node["properties"] = {k: as_json_schema(v, direction) for k, v in kept.items()}
        if "required" in node:
            node["required"] = [k for k in node["required"] if k in kept]
    for key in ("items", "additionalProperties", "oneOf", "anyOf", "allOf"):
        if key in node:
            node[key] = as_json_schema(node[key], direction)
    node.pop("readOnly", None)
    node.pop("writeOnly", None)
    return {"anyOf": [node, {"type": "null"}]} if nullable else node


def with_defs(node: Any, components: dict, direction: str) -> dict:
    defs = {name: as_json_schema(spec, direction) for name, spec in components.items()}
    return {**as_json_schema(node, direction), "$defs": defs}


def test_the_document_has_the_operations_we_serve(schema: dict) -> None:
    ops = operations(schema)
    assert len(ops) >= 32
    paths = {path for path, _, _ in ops}
    assert {"/api/extract/", "/api/sources/{id}/extract/", "/api/leaderboard/"} <= paths


def test_every_operation_has_a_description_and_an_example(schema: dict) -> None:
    missing = []
    for path, method, op in operations(schema):
        if not op.get("description", "").strip():
            missing.append(f"{method.upper()} {path}: no description")
        bodies = [op.get("requestBody"), *op.get("responses", {}).values()]
        if not any(any(examples_of(body).values()) for body in bodies):
            missing.append(f"{method.upper()} {path}: no example")
    assert not missing, "\n".join(missing)


def test_writes_have_request_examples_and_reads_response_examples(schema: dict) -> None:
    missing = []
    for path, method, op in operations(schema):
        if method == "get":
            ok_codes = [c for c in op["responses"] if c.startswith("2")]
            if not any(any(examples_of(op["responses"][c]).values()) for c in ok_codes):
                missing.append(f"GET {path}: no success response example")
        elif "requestBody" in op and not any(examples_of(op["requestBody"]).values()):
            missing.append(f"{method.upper()} {path}: no request example")
    assert not missing, "\n".join(missing)


def test_writes_show_what_a_refusal_looks_like(schema: dict) -> None:
    missing = []
    for path, method, op in operations(schema):
        if method == "get":
            continue
        for code in ("400", "401"):
            response = op["responses"].get(code)
            if code == "400" and "requestBody" not in op:
                continue
            if response is None or not any(examples_of(response).values()):
                missing.append(f"{method.upper()} {path}: no {code} example")
    assert not missing, "\n".join(missing)
    resolve = schema["paths"]["/api/questions/{id}/resolve/"]["post"]
    assert examples_of(resolve["responses"]["409"])["application/json"]


def test_every_example_fits_the_schema_it_illustrates(schema: dict) -> None:
    components = schema["components"]["schemas"]
    wrong = []

    def check(where: str, body: dict | None, direction: str) -> None:
        for media, spec in (body or {}).get("content", {}).items():
            if "schema" not in spec:
                continue
            validator = Draft202012Validator(with_defs(spec["schema"], components, direction))
            for name, example in spec.get("examples", {}).items():
                for error in validator.iter_errors(example["value"]):
                    path = "/".join(map(str, error.absolute_path))
                    wrong.append(f"{where} {media} {name!r} at {path}: {error.message}")

    for path, method, op in operations(schema):
        where = f"{method.upper()} {path}"
        check(f"{where} request", op.get("requestBody"), "request")
        for code, response in op.get("responses", {}).items():
            check(f"{where} {code}", response, "response")
    assert not wrong, "\n".join(wrong)


def test_probability_examples_show_numbers_percentages_and_words(schema: dict) -> None:
    create = schema["paths"]["/api/predictions/"]["post"]["requestBody"]
    values = [e["value"]["probability"] for e in examples_of(create)["application/json"].values()]
    assert {0.7, "70%", "is confident that"} <= set(values)
    text = json.dumps(schema["paths"])
    assert "Vera Ostrova" in text
    assert "Will the Harbour Bridge toll be abolished by 31 December 2027?" in text


def test_the_document_validates_without_warnings(tmp_path) -> None:
    out = tmp_path / "schema.yaml"
    call_command("spectacular", validate=True, fail_on_warn=True, file=str(out))
    assert out.read_text().startswith("openapi: 3")
