"""OpenAPI: every operation documents the JSON error bodies it can answer with."""

from drf_spectacular.openapi import AutoSchema

from forecasts.api.serializers import ErrorSerializer


class LedgerAutoSchema(AutoSchema):
    def _get_response_bodies(self, direction: str = "response") -> dict:
        responses = super()._get_response_bodies(direction)
        for code in self._error_codes():
            responses.setdefault(
                code, self._get_response_for_code(ErrorSerializer, code, direction=direction)
            )
        return responses

    def _error_codes(self) -> list[str]:
        codes = ["400"]  # a bad body or a bad query parameter
        if self.method not in ("GET", "HEAD", "OPTIONS"):
            codes += ["403", "409"]
        if "{" in self.path:
            codes.append("404")
        codes.append("429")
        return codes
