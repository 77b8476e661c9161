"""Login rate limiting glue for django-axes (settings in config/settings.py, "Login rate limiting").

Every login that arrives over the network comes with its request: the admin login view and
DRF's authentication classes pass it to authenticate(). A call without one (the test client's
login(), a shell) cannot be counted per client and is not reachable by an attacker, so it is
let through to the next backend rather than refused.
"""

from typing import Any

from axes.backends import AxesStandaloneBackend
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


class LoginAttemptsBackend(AxesStandaloneBackend):
    """Refuses logins from a locked-out client; authenticates nobody itself."""

    def authenticate(self, request: HttpRequest | None, *args: Any, **kwargs: Any) -> None:
        if request is None:
            return None
        return super().authenticate(request, *args, **kwargs)


def client_ip(request: HttpRequest) -> str | None:
    """The client's address, taking X-Forwarded-For only from the NUM_PROXIES proxies we run.

    Each proxy appends the address it received the request from, so with n proxies the client
    is the n-th entry from the right; anything further left was written by the client.
    """
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    proxies = settings.NUM_PROXIES
    if proxies and forwarded:
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if hops:
            return hops[-min(proxies, len(hops))]
    return request.META.get("REMOTE_ADDR")


def lockout_response(request: HttpRequest, *_args: Any) -> HttpResponse:
    """The 429 page a locked-out client gets, saying how long to wait (also in Retry-After)."""
    seconds = int(settings.AXES_COOLOFF_TIME.total_seconds())
    context = {"failure_limit": settings.AXES_FAILURE_LIMIT, "minutes": max(1, seconds // 60)}
    response = render(request, "forecasts/login_locked_out.html", context, status=429)
    response["Retry-After"] = str(seconds)
    return response
