"""OpenAPI: every operation lists every status it can answer, each error with the Error body.

- 400 a bad body or query parameter; 401 a missing or bad token (everywhere: a bad token is
  refused even on a public read); 429 throttled.
- Writes: 403 a role refusal, 409 a conflict; with a body also 413 (too large) and 415 (not
  JSON, or multipart where a file is taken); creates 422 (an Idempotency-Key reused with
  another body).
- 404: a path with an id or slug, and every list (a page past the last).

Security per operation matches the permission classes: reads open to everyone list `{}`.
"""

from typing import Any

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiParameter
from rest_framework import permissions

from forecasts.api.serializers import ErrorSerializer

IDEMPOTENCY_KEY = OpenApiParameter(
    "Idempotency-Key",
    str,
    OpenApiParameter.HEADER,
    description="Any unique string (a UUID) per intended create, up to 255 characters. A retry "
    "with the same key and body answers the first response again (nothing is created twice); "
    "the same key with another body is a 422. Keys are kept 24 hours.",
)

# Permission classes that let anyone read (GET, HEAD, OPTIONS).
OPEN_READS = (
    permissions.AllowAny,
    permissions.IsAuthenticatedOrReadOnly,
    permissions.DjangoModelPermissionsOrAnonReadOnly,
)


def is_idempotent_create(view: Any) -> bool:
    """Whether the view's handler for this request takes an Idempotency-Key (see
    forecasts/api/idempotency.py)."""
    action = getattr(view, "action", None)
    handler = getattr(view, action, None) if action else getattr(view, "post", None)
    return bool(getattr(handler, "takes_idempotency_key", False))


class LedgerAutoSchema(AutoSchema):
    def _get_response_bodies(self, direction: str = "response") -> dict:
        responses = super()._get_response_bodies(direction)
        for code in self._error_codes():
            responses.setdefault(
                code, self._get_response_for_code(ErrorSerializer, code, direction=direction)
            )
        if self.method == "POST" and "201" in responses and is_idempotent_create(self.view):
            responses["201"].setdefault("headers", {})["Location"] = {
                "description": "The URL of the record created.",
                "schema": {"type": "string"},
            }
        return responses

    def _error_codes(self) -> list[str]:
        codes = ["400", "401"]
        write = self.method not in permissions.SAFE_METHODS
        if write:
            codes += ["403", "409"]
            if self._takes_a_body():
                codes += ["413", "415"]
            if is_idempotent_create(self.view):
                codes.append("422")
        if "{" in self.path or self._is_list_view():
            codes.append("404")
        codes.append("429")
        return codes

    def _takes_a_body(self) -> bool:
        return self.method in ("POST", "PUT", "PATCH") and self.get_request_serializer() is not None

    def get_override_parameters(self) -> list:
        params = list(super().get_override_parameters())
        if self.method == "POST" and is_idempotent_create(self.view):
            params.append(IDEMPOTENCY_KEY)
        return params

    def get_auth(self) -> list[dict[str, Any]]:
        auths = super().get_auth()
        perms = self.view.get_permissions()
        open_read = self.method in permissions.SAFE_METHODS and all(
            isinstance(p, OPEN_READS) for p in perms
        )
        if open_read and {} not in auths:
            auths.append({})
        return auths
