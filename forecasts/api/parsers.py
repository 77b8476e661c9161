"""The API's request-body parsers: DRF's, with JSON nested too deeply to read as a 400.

Python's json module recurses once per level of nesting; a body of ten thousand nested
lists (20 KB) exhausts the interpreter's stack, and DRF's parser lets that RecursionError
through as a 500. Anything nested that deeply is not a request we understand.
"""

from typing import Any

from rest_framework import parsers
from rest_framework.exceptions import ParseError


class JSONParser(parsers.JSONParser):
    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError("JSON parse error - the body is nested too deeply to read.") from None
