"""Fetch an article by URL without letting the server be used against its own network.

Only http(s); every address the host resolves to must be public (an attacker's DNS may
return one public and one private address); the connection goes to the checked address, not
to a second lookup (DNS rebinding); each redirect hop is checked again; size and time capped.
"""

import ipaddress
import re
import socket
import time
import urllib.parse
from dataclasses import dataclass

import urllib3

from forecasts.extraction.errors import (
    FetchFailed,
    FetchRefused,
    InputTooLarge,
    UnsupportedInput,
)

CONNECT_TIMEOUT = 5.0
READ_TIMEOUT = 10.0
TOTAL_TIMEOUT = 20.0  # a server trickling bytes must not hold a worker for long
MAX_BYTES = 2 * 1024 * 1024
MAX_REDIRECTS = 3
ACCEPTED_TYPES = ("text/html", "application/xhtml+xml", "text/plain")
USER_AGENT = "ForecastLedger-ExtractionAssistant/1.0 (+editor-initiated fetch)"
_CHARSET_RE = re.compile(rb"""<meta[^>]+charset=["']?([\w-]+)""", re.IGNORECASE)


@dataclass(frozen=True)
class FetchedPage:
    url: str  # after redirects
    content_type: str  # "text/html" or "text/plain"
    text: str


def is_public_address(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    """Whether the address is on the public internet (not private, loopback, link-local,
    reserved, multicast or unspecified, including IPv4 mapped into IPv6)."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    return address.is_global and not (
        address.is_private
        or address.is_loopback
        or address.is_link_local
        or address.is_reserved
        or address.is_multicast
        or address.is_unspecified
    )


def resolve_public(url: str) -> tuple[urllib.parse.SplitResult, str]:
    """(the parsed URL, one checked address to connect to); FetchRefused if any is not public."""
    parts = urllib.parse.urlsplit(url.strip())
    if parts.scheme.lower() not in {"http", "https"}:
        raise FetchRefused("Only http:// and https:// URLs can be fetched.")
    try:
        port = parts.port or (443 if parts.scheme.lower() == "https" else 80)
    except ValueError:
        raise FetchRefused("The URL has an invalid port.") from None
    if not parts.hostname:
        raise FetchRefused("The URL has no host name.")
    try:
        infos = socket.getaddrinfo(parts.hostname, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        raise FetchFailed(f"The host {parts.hostname!r} could not be found.") from None
    addresses = [info[4][0] for info in infos]
    for address in addresses:
        if not is_public_address(ipaddress.ip_address(address.split("%")[0])):
            raise FetchRefused(
                f"The host {parts.hostname!r} resolves to a private or local address "
                f"({address}); only public web pages can be fetched."
            )
    return parts, addresses[0]


def _pool(parts: urllib.parse.SplitResult, address: str) -> urllib3.HTTPConnectionPool:
    timeout = urllib3.Timeout(connect=CONNECT_TIMEOUT, read=READ_TIMEOUT)
    port = parts.port or (443 if parts.scheme.lower() == "https" else 80)
    if parts.scheme.lower() == "https":
        return urllib3.HTTPSConnectionPool(
            address,
            port,
            timeout=timeout,
            retries=False,
            server_hostname=parts.hostname,
            assert_hostname=parts.hostname,
            cert_reqs="CERT_REQUIRED",
        )
    return urllib3.HTTPConnectionPool(address, port, timeout=timeout, retries=False)


def _read_capped(response: urllib3.BaseHTTPResponse, started: float) -> bytes:
    declared = response.headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) > MAX_BYTES:
        raise InputTooLarge(f"The page is larger than {MAX_BYTES // (1024 * 1024)} MB.")
    body = bytearray()
    for chunk in response.stream(64 * 1024):
        body.extend(chunk)
        if len(body) > MAX_BYTES:
            raise InputTooLarge(f"The page is larger than {MAX_BYTES // (1024 * 1024)} MB.")
        if time.monotonic() - started > TOTAL_TIMEOUT:
            raise FetchFailed(f"The page took longer than {TOTAL_TIMEOUT:.0f} s to download.")
    return bytes(body)


def _decode(body: bytes, content_type: str) -> str:
    if b"\x00" in body[:4096]:
        raise UnsupportedInput("The URL points to a binary file, not a web page.")
    declared = re.search(r"charset=([\w-]+)", content_type, re.IGNORECASE)
    meta = _CHARSET_RE.search(body[:4096])
    charset = (declared and declared[1]) or (meta and meta[1].decode("ascii")) or "utf-8"
    try:
        return body.decode(charset)
    except (LookupError, UnicodeDecodeError):
        raise UnsupportedInput(f"The page is not readable as {charset} text.") from None


def _get(url: str) -> urllib3.BaseHTTPResponse:
    parts, address = resolve_public(url)
    path = urllib.parse.urlunsplit(("", "", parts.path or "/", parts.query, ""))
    headers = {"Host": parts.netloc.rsplit("@", 1)[-1], "User-Agent": USER_AGENT}
    headers["Accept"] = "text/html,application/xhtml+xml,text/plain;q=0.9"
    try:
        return _pool(parts, address).urlopen(
            "GET", path, headers=headers, redirect=False, preload_content=False
        )
    except urllib3.exceptions.HTTPError as exc:
        raise FetchFailed(f"The page could not be fetched: {type(exc).__name__}.") from None


def fetch_url(url: str) -> FetchedPage:
    """GET a public page, following at most MAX_REDIRECTS redirects, each hop checked."""
    started = time.monotonic()
    for _hop in range(MAX_REDIRECTS + 1):
        response = _get(url)
        try:
            if response.status in {301, 302, 303, 307, 308}:
                location = response.headers.get("Location", "")
                if not location:
                    raise FetchFailed("The page redirects without saying where to.")
                url = urllib.parse.urljoin(url, location)
                continue
            if response.status >= 400:
                raise FetchFailed(f"The page answered HTTP {response.status}.")
            content_type = response.headers.get("Content-Type", "").lower()
            kind = next((t for t in ACCEPTED_TYPES if content_type.startswith(t)), None)
            if kind is None:
                raise UnsupportedInput(
                    f"The URL is not a web page (Content-Type {content_type or 'missing'})."
                )
            try:
                body = _read_capped(response, started)
            except urllib3.exceptions.HTTPError as exc:
                raise FetchFailed(f"The download failed: {type(exc).__name__}.") from None
            plain = "text/plain" if kind == "text/plain" else "text/html"
            return FetchedPage(url, plain, _decode(body, content_type))
        finally:
            response.release_conn()
    raise FetchFailed(f"The page redirects more than {MAX_REDIRECTS} times.")
