"""The API's request-body parsers: DRF's, with two kinds of JSON refused as a 400.

- Nested too deeply: Python's json module recurses once per level of nesting; a body of ten
  thousand nested lists (20 KB) exhausts the interpreter's stack, and DRF's parser lets that
  RecursionError through as a 500. Anything nested that deeply is not a request we understand.
- A NUL character in any string or key: PostgreSQL text cannot hold one, so a value that
  reaches a query (a slug looked up, say) raised a DataError, a 500.
"""

from typing import Any

from rest_framework import parsers
from rest_framework.exceptions import ParseError


class JSONParser(parsers.JSONParser):
    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError("JSON parse error - the body is nested too deeply to read.") from None
        if _holds_nul(data):
            raise ParseError("The body holds a NUL character (\\u0000), which no field accepts.")
        return data


def _holds_nul(value: Any) -> bool:
    """Whether a NUL is in any string of this parsed JSON (depth already bounded above)."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if "\x00" in item:
                return True
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return False
