"""Fetching an article by URL: only public http(s) pages, small, quick, each redirect checked.

No test reaches the internet: refusals happen before any connection, and fetches go to a
local server, with the public-address check relaxed for 127.0.0.1 only in those tests.
"""

import ipaddress
import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from forecasts.extraction import fetching
from forecasts.extraction.errors import FetchFailed, FetchRefused, InputTooLarge, UnsupportedInput
from forecasts.extraction.service import extract

ARTICLE = (
    "<html><head><title>Harbour</title></head><body><article><h1>Ferry plans</h1>"
    "<p>The harbour council met on Monday to discuss the new ferry timetable for the island "
    "and the repairs to the old pier after the winter storms.</p>"
    "<p>“The new pier will open by the end of 2027,” said harbour engineer Lotte Brenner.</p>"
    "</article></body></html>"
)


class Handler(BaseHTTPRequestHandler):
    routes: dict[str, tuple[int, dict[str, str], bytes]] = {
        "/article": (200, {"Content-Type": "text/html; charset=utf-8"}, ARTICLE.encode()),
        "/image": (200, {"Content-Type": "image/png"}, b"\x89PNG\r\n\x1a\n\x00\x00"),
        "/huge": (200, {"Content-Type": "text/html"}, b"<p>" + b"a" * (fetching.MAX_BYTES + 10)),
        "/missing": (404, {"Content-Type": "text/html"}, b"not here"),
        "/to-article": (302, {"Location": "/article"}, b""),
        "/to-private": (302, {"Location": "http://10.0.0.1/secret"}, b""),
        "/loop": (302, {"Location": "/loop"}, b""),
    }

    def do_GET(self) -> None:
        status, headers, body = self.routes[self.path]
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        """Quiet."""


@pytest.fixture
def server(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A local page server; 127.0.0.1 counts as public for this test only."""
    real_check = fetching.is_public_address
    monkeypatch.setattr(
        fetching,
        "is_public_address",
        lambda address: address == ipaddress.ip_address("127.0.0.1") or real_check(address),
    )
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


@pytest.mark.parametrize(
    "url", ["ftp://example.org/a", "file:///etc/passwd", "javascript:alert(1)", "//example.org"]
)
def test_only_http_and_https_urls_are_fetched(url: str) -> None:
    with pytest.raises(FetchRefused, match="Only http"):
        fetching.fetch_url(url)


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/",
        "http://localhost:8000/admin/",
        "http://10.0.0.5/",
        "http://192.168.1.1/",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::1]/",
        "http://[::ffff:127.0.0.1]/",
        "http://0.0.0.0/",
    ],
)
def test_private_loopback_and_link_local_addresses_are_refused(url: str) -> None:
    with pytest.raises(FetchRefused, match="private or local address") as caught:
        fetching.fetch_url(url)
    assert caught.value.status == 400


def test_a_host_resolving_to_any_private_address_is_refused(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def resolve(host: str, port: int, **kwargs: object) -> list:
        return [
            (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("93.184.215.14", port)),
            (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("10.1.2.3", port)),
        ]

    monkeypatch.setattr(fetching.socket, "getaddrinfo", resolve)
    with pytest.raises(FetchRefused, match="10.1.2.3"):
        fetching.fetch_url("https://news.example/article")


def test_a_public_page_is_fetched_and_its_candidates_proposed(server: str) -> None:
    page = fetching.fetch_url(f"{server}/to-article")
    assert page.url.endswith("/article")
    assert page.content_type == "text/html"
    extraction = extract(url=f"{server}/article")
    assert [(c.speaker, c.suggested_deadline) for c in extraction.candidates] == [
        ("Lotte Brenner", "2027-12-31")
    ]


def test_a_redirect_to_a_private_address_is_refused_at_that_hop(server: str) -> None:
    with pytest.raises(FetchRefused, match="10.0.0.1"):
        fetching.fetch_url(f"{server}/to-private")


@pytest.mark.parametrize(
    ("path", "error", "message"),
    [
        ("/image", UnsupportedInput, "not a web page"),
        ("/huge", InputTooLarge, "larger than 2 MB"),
        ("/missing", FetchFailed, "HTTP 404"),
        ("/loop", FetchFailed, "redirects more than 3 times"),
    ],
)
def test_bad_pages_get_a_clear_4xx_error(server: str, path: str, error: type, message: str) -> None:
    with pytest.raises(error, match=message) as caught:
        fetching.fetch_url(server + path)
    assert 400 <= caught.value.status < 500


def test_an_unreachable_server_is_a_fetch_failure(server: str) -> None:
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(FetchFailed, match="could not be fetched"):
        fetching.fetch_url(f"http://127.0.0.1:{port}/")
