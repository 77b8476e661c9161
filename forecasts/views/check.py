"""The "Check our numbers" page: what the audit dump holds, how to verify it, the heads."""

from django.conf import settings
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from forecasts.services.audit.publish import latest_audit_dump
from forecasts.services.ledger.verify import published_heads

VERIFIER = settings.BASE_DIR / "tools" / "verify_audit.py"
HEADS_SHOWN = 366  # a year of daily heads; the file and the dump hold them all


def check_our_numbers(request: HttpRequest) -> HttpResponse:
    heads = [
        {"date": date, "seq": seq, "hash": digest}
        for seq, (date, digest) in sorted(published_heads().items(), reverse=True)
    ]
    return render(
        request,
        "forecasts/check.html",
        {
            "dump": latest_audit_dump(),
            "dump_url": request.build_absolute_uri(reverse("api:audit-dump")),
            "verifier_url": request.build_absolute_uri(reverse("audit-verifier")),
            "latest_head": heads[0] if heads else None,
            "heads": heads[:HEADS_SHOWN],
            "heads_total": len(heads),
        },
    )


def verifier_download(request: HttpRequest) -> FileResponse:
    """tools/verify_audit.py as it is in this release: one file, standard library only."""
    return FileResponse(
        VERIFIER.open("rb"),
        as_attachment=True,
        filename="verify_audit.py",
        content_type="text/x-python",
    )
