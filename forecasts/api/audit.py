"""GET /api/audit/dump/: the latest public audit dump, served from storage (docs/audit.md)."""

from typing import Any

from django.core.files.storage import default_storage
from django.http import FileResponse, HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework import permissions, renderers
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.views import APIView

from forecasts.api.permissions import MethodCheckedFirst
from forecasts.api.schema import LedgerAutoSchema
from forecasts.services.audit.publish import DOWNLOAD_NAME, latest_audit_dump

EXAMPLE_LINES = (
    '{"type":"manifest","format":"forecast-ledger-audit","format_version":1,"head":{"seq":86,'
    '"hash":"cb57…5251"},"scoring_version":"scoring-v1",…}\n'
    '{"type":"published_head","date":"2026-12-05","seq":86,"hash":"cb57…5251"}\n'
    '{"type":"ledger","seq":1,"kind":"question_revision","object_id":1,"prev_hash":"0000…0000",'
    '"hash":"e31e…b3aa","payload":"{\\"changed_at\\":…}"}\n'
)


class FileRenderer(renderers.BaseRenderer):
    """Lets `Accept: application/octet-stream` through; errors are still written as JSON.

    The file is gzip-compressed but served as application/octet-stream, the type generated
    clients (openapi-python-client) turn into a file download: given application/gzip they
    leave the operation out. The name it is saved under ends in .jsonl.gz."""

    media_type = "application/octet-stream"
    format = "gz"

    def render(self, data: Any, accepted_media_type: str | None = None, renderer_context=None):
        return renderers.JSONRenderer().render(data)


class AuditDumpView(MethodCheckedFirst, APIView):
    schema = LedgerAutoSchema()
    permission_classes = [permissions.AllowAny]
    renderer_classes = [renderers.JSONRenderer, FileRenderer]

    @extend_schema(
        operation_id="audit_dump",
        responses={
            (200, "application/octet-stream"): OpenApiResponse(
                OpenApiTypes.BINARY,
                description="gzip-compressed JSON Lines: the manifest, the ledger, every "
                "published row and figure (docs/audit.md). Check it with tools/verify_audit.py.",
                examples=[
                    OpenApiExample(
                        "First lines, decompressed",
                        value=EXAMPLE_LINES,
                        summary="The manifest, then the heads and the chain",
                    )
                ],
            ),
            404: OpenApiResponse(description="No dump has been built yet."),
        },
        description="Everything published, in one file anyone can check: built nightly, "
        "served as it was built (a request never rebuilds it). Open to everyone. The ETag is "
        "the file's SHA-256; X-Ledger-Head is the chain head it was built at.",
    )
    def get(self, request: Request) -> HttpResponse:
        dump = latest_audit_dump()
        if dump is None:
            raise NotFound(
                "No audit dump has been built yet: it is built nightly, or now with "
                "`python manage.py export_audit --publish`."
            )
        etag = f'"{dump.sha256}"'
        if _matches(request.headers.get("If-None-Match", ""), etag):
            return HttpResponse(status=304, headers={"ETag": etag})
        response = FileResponse(
            default_storage.open(dump.path, "rb"),
            as_attachment=True,
            filename=DOWNLOAD_NAME,
            content_type="application/octet-stream",
        )
        response["ETag"] = etag
        response["X-Ledger-Head"] = f"{dump.head_seq} {dump.head_hash}"
        response["Cache-Control"] = "public, max-age=300"
        return response


def _matches(if_none_match: str, etag: str) -> bool:
    """RFC 9110's weak comparison, as If-None-Match uses it: "*", or any tag of the list,
    with or without W/ (a proxy may weaken the tag; the file is the same)."""
    if if_none_match.strip() == "*":
        return True
    tags = (tag.strip().removeprefix("W/") for tag in if_none_match.split(","))
    return etag in tags
