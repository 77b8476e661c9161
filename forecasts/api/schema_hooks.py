"""Post-processing of the OpenAPI document, so that a generated client reads well and strict
validators accept every real response (issue 19). Runs after drf-spectacular's enum hook.

- An enum that may also be blank (a question's outcome before it resolves) is one component,
  `<Name>OrBlank`, with member names for every value (`x-enum-varnames`), not `BlankEnum`.
- Query parameters whose values are a component enum's refer to it, not a copy per parameter.
- A URL that may be blank is `anyOf` (`""` matched both branches of `oneOf`).
- `Error.errors` is a map of field → messages, nested where the body nests (FieldErrors).
"""

from typing import Any

FIELD_ERRORS = {
    "type": "object",
    "description": "Field name (or list index) → the messages about it; a nested object where "
    "the request nests (e.g. `new_question`, an item of `links`).",
    "additionalProperties": {
        "anyOf": [
            {"type": "array", "items": {"type": "string"}},
            {"$ref": "#/components/schemas/FieldErrors"},
        ]
    },
}


def tidy_for_clients(result: dict, generator: Any, request: Any, public: bool) -> dict:
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas["FieldErrors"] = FIELD_ERRORS
    _merge_blank_enums(result, schemas)
    _walk(result, _url_or_blank)
    _reuse_enums_in_parameters(result, schemas)
    return result


def _walk(node: Any, visit: Any) -> None:
    if isinstance(node, dict):
        visit(node)
        for value in list(node.values()):
            _walk(value, visit)
    elif isinstance(node, list):
        for value in node:
            _walk(value, visit)


def _url_or_blank(node: dict) -> None:
    branches = node.get("oneOf")
    if (
        isinstance(branches, list)
        and len(branches) == 2
        and branches[0].get("format") == "uri"
        and branches[1].get("maxLength") == 0
    ):
        node["anyOf"] = node.pop("oneOf")


def _merge_blank_enums(result: dict, schemas: dict) -> None:
    blank_ref = "#/components/schemas/BlankEnum"

    def visit(node: dict) -> None:
        branches = node.get("oneOf")
        if not isinstance(branches, list) or {"$ref": blank_ref} not in branches:
            return
        named = [b["$ref"] for b in branches if "$ref" in b and b["$ref"] != blank_ref]
        if len(named) != 1 or len(branches) != 2:
            return
        name = named[0].rsplit("/", 1)[-1]
        merged = f"{name}OrBlank"
        if merged not in schemas:
            values = ["", *schemas[name]["enum"]]
            schemas[merged] = {
                "type": "string",
                "enum": values,
                "x-enum-varnames": ["BLANK", *(str(v).upper() for v in values[1:])],
                "description": f"{schemas[name].get('description', '')}\n* `` - blank".strip(),
            }
        del node["oneOf"]
        node["$ref"] = f"#/components/schemas/{merged}"

    _walk(result["paths"], visit)
    _walk(list(schemas.values()), visit)
    schemas.pop("BlankEnum", None)


def _reuse_enums_in_parameters(result: dict, schemas: dict) -> None:
    by_values = {
        tuple(sorted(map(str, spec["enum"]))): name
        for name, spec in schemas.items()
        if "enum" in spec and "" not in spec["enum"]
    }

    def as_ref(schema: dict) -> dict:
        name = by_values.get(tuple(sorted(map(str, schema.get("enum", [])))))
        return {"$ref": f"#/components/schemas/{name}"} if name else schema

    for item in result["paths"].values():
        for op in item.values():
            for param in op.get("parameters", []) if isinstance(op, dict) else []:
                schema = param.get("schema", {})
                if "enum" in schema:
                    param["schema"] = as_ref(schema)
                elif "enum" in schema.get("items", {}):
                    schema["items"] = as_ref(schema["items"])
