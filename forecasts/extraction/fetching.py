"""Fetch an article by URL without letting the server be used against its own network.

Only http(s); every address the host resolves to must be public (an attacker's DNS may
return one public and one private address); the connection goes to the checked address, not
to a second lookup (DNS rebinding); each redirect hop is checked again; size and time capped.

The time cap is a deadline for the whole fetch, redirects included: every wait for the
server (connecting, the TLS handshake, each read of the status line, headers and body) gets
what is left of TOTAL_TIMEOUT at most. A per-read timeout alone restarts with each byte, so a
server trickling one byte every few seconds would hold a worker for as long as it liked.
"""

import functools
import http.client
import io
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


# IPv6 prefixes whose addresses are delivered to an IPv4 address carried inside them.
NAT64_WELL_KNOWN = ipaddress.IPv6Network("64:ff9b::/96")  # RFC 6052
NAT64_LOCAL_USE = ipaddress.IPv6Network("64:ff9b:1::/48")  # RFC 8215


def embedded_ipv4(address: ipaddress.IPv6Address) -> list[ipaddress.IPv4Address]:
    """The IPv4 addresses an IPv6 address reaches through: IPv4-mapped (::ffff:0:0/96), 6to4
    (2002::/16), Teredo (2001::/32: its server and client) or NAT64; [] for none of these.

    A local-use NAT64 prefix (64:ff9b:1::/48) may be 48 to 96 bits long, which decides where
    the IPv4 address sits (RFC 6052, 2.2); we cannot know which, so every place counts.
    """
    if address.ipv4_mapped:
        return [address.ipv4_mapped]
    if address.sixtofour:
        return [address.sixtofour]
    if address.teredo:
        return list(address.teredo)
    packed = address.packed
    if address in NAT64_WELL_KNOWN:
        return [ipaddress.IPv4Address(packed[12:])]
    if address in NAT64_LOCAL_USE:
        without_u = packed[:8] + packed[9:]  # bits 64-71 are never part of the address
        return [ipaddress.IPv4Address(without_u[start : start + 4]) for start in (6, 7, 8, 11)]
    return []


def is_public_address(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    """Whether the address is on the public internet (not private, loopback, link-local,
    reserved, multicast or unspecified). An IPv6 address that carries an IPv4 address
    (embedded_ipv4) is judged by what it carries: every one must be public."""
    if isinstance(address, ipaddress.IPv6Address):
        embedded = embedded_ipv4(address)
        if embedded:
            return all(is_public_address(inner) for inner in embedded)
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


class _DeadlineReader(io.RawIOBase):
    """The socket as http.client reads it, every wait cut short at the fetch's deadline."""

    def __init__(self, sock: socket.socket, deadline: float, opened: io.BufferedReader) -> None:
        # `opened` is the sock.makefile() reader http.client made: while it is open, closing
        # the connection (as http.client does on "Connection: close") keeps the socket.
        self._sock, self._deadline, self._opened = sock, deadline, opened

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        left = self._deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError("the fetch's total time is up")
        self._sock.settimeout(min(READ_TIMEOUT, left))
        return self._sock.recv_into(buffer)

    def close(self) -> None:
        self._opened.close()
        super().close()


class _DeadlineResponse(http.client.HTTPResponse):
    """http.client's response, reading through _DeadlineReader instead of sock.makefile()."""

    def __init__(self, sock: socket.socket, *args: object, deadline: float, **kwargs: object):
        super().__init__(sock, *args, **kwargs)  # type: ignore[arg-type]
        self.fp = io.BufferedReader(_DeadlineReader(sock, deadline, self.fp))


def _connection(
    parts: urllib.parse.SplitResult, address: str, deadline: float
) -> urllib3.connection.HTTPConnection:
    timeout = min(CONNECT_TIMEOUT, max(deadline - time.monotonic(), 0.001))
    port = parts.port or (443 if parts.scheme.lower() == "https" else 80)
    if parts.scheme.lower() == "https":
        conn: urllib3.connection.HTTPConnection = urllib3.connection.HTTPSConnection(
            address,
            port,
            timeout=timeout,
            server_hostname=parts.hostname,
            assert_hostname=parts.hostname,
            cert_reqs="CERT_REQUIRED",
        )
    else:
        conn = urllib3.connection.HTTPConnection(address, port, timeout=timeout)
    conn.response_class = functools.partial(_DeadlineResponse, deadline=deadline)  # type: ignore[attr-defined]
    return conn


def _read_capped(response: urllib3.BaseHTTPResponse) -> bytes:
    declared = response.headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) > MAX_BYTES:
        raise InputTooLarge(f"The page is larger than {MAX_BYTES // (1024 * 1024)} MB.")
    body = bytearray()
    for chunk in response.stream(64 * 1024):
        body.extend(chunk)
        if len(body) > MAX_BYTES:
            raise InputTooLarge(f"The page is larger than {MAX_BYTES // (1024 * 1024)} MB.")
    return bytes(body)


def _too_slow() -> FetchFailed:
    return FetchFailed(f"The page took longer than {TOTAL_TIMEOUT:g} s to download.")


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


def _get(
    url: str, deadline: float
) -> tuple[urllib3.connection.HTTPConnection, urllib3.BaseHTTPResponse]:
    """(the connection, for the caller to close; the response, its body not read yet)."""
    parts, address = resolve_public(url)
    if time.monotonic() >= deadline:
        raise _too_slow()
    path = urllib.parse.urlunsplit(("", "", parts.path or "/", parts.query, ""))
    headers = {"Host": parts.netloc.rsplit("@", 1)[-1], "User-Agent": USER_AGENT}
    headers["Accept"] = "text/html,application/xhtml+xml,text/plain;q=0.9"
    conn = _connection(parts, address, deadline)
    try:
        conn.request("GET", path, headers=headers, preload_content=False)
        return conn, conn.getresponse()
    except (urllib3.exceptions.HTTPError, OSError) as exc:
        conn.close()
        if time.monotonic() >= deadline:
            raise _too_slow() from None
        raise FetchFailed(f"The page could not be fetched: {type(exc).__name__}.") from None


def fetch_url(url: str) -> FetchedPage:
    """GET a public page, following at most MAX_REDIRECTS redirects, each hop checked, all
    within TOTAL_TIMEOUT."""
    deadline = time.monotonic() + TOTAL_TIMEOUT
    for _hop in range(MAX_REDIRECTS + 1):
        conn, response = _get(url, deadline)
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
                body = _read_capped(response)
            except urllib3.exceptions.HTTPError as exc:
                if time.monotonic() >= deadline:
                    raise _too_slow() from None
                raise FetchFailed(f"The download failed: {type(exc).__name__}.") from None
            plain = "text/plain" if kind == "text/plain" else "text/html"
            return FetchedPage(url, plain, _decode(body, content_type))
        finally:
            response.close()
            conn.close()
    raise FetchFailed(f"The page redirects more than {MAX_REDIRECTS} times.")
