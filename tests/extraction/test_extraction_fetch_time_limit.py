"""The URL fetch's total time limit holds while reading: a server that trickles its answer a
byte at a time, each byte well inside the per-read timeout, is cut off at TOTAL_TIMEOUT.

A real socket server on 127.0.0.1 trickles; the limit is lowered so the test runs fast. No
assertion is on time: the fetch ends with the limit's error, or the body (hours long at this
pace) would have been read to the end.
"""

import ipaddress
import socket
import threading
from collections.abc import Iterator

import pytest

from forecasts.extraction import fetching
from forecasts.extraction.errors import FetchFailed

BYTE_EVERY = 0.05  # seconds between two trickled bytes: far inside READ_TIMEOUT
HEADERS = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 100000\r\n\r\n"


class TricklingServer:
    """Answers one request per connection: `head` at once, then `trickle` one byte at a time."""

    def __init__(self, head: bytes, trickle: bytes) -> None:
        self.head, self.trickle = head, trickle
        self.stop = threading.Event()
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.listener.settimeout(0.2)
        self.bytes_sent = 0
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.listener.getsockname()[1]}/slow"

    def _serve(self) -> None:
        while not self.stop.is_set():
            try:
                conn, _ = self.listener.accept()
            except TimeoutError:
                continue
            with conn:
                self._answer(conn)

    def _answer(self, conn: socket.socket) -> None:
        request = b""
        while b"\r\n\r\n" not in request:
            request += conn.recv(4096) or b"\r\n\r\n"
        try:
            conn.sendall(self.head)
            for byte in self.trickle:
                if self.stop.wait(BYTE_EVERY):
                    return
                conn.sendall(bytes([byte]))
                self.bytes_sent += 1
        except OSError:
            return  # the client hung up: what the limit is for

    def close(self) -> None:
        self.stop.set()
        self.thread.join()
        self.listener.close()


@pytest.fixture
def trickling(monkeypatch: pytest.MonkeyPatch) -> Iterator[type[TricklingServer]]:
    """Servers on 127.0.0.1, which counts as public for this test only; a 0.5 s total limit."""
    real_check = fetching.is_public_address
    monkeypatch.setattr(
        fetching,
        "is_public_address",
        lambda address: address == ipaddress.ip_address("127.0.0.1") or real_check(address),
    )
    monkeypatch.setattr(fetching, "TOTAL_TIMEOUT", 0.5)
    started: list[TricklingServer] = []

    def start(head: bytes, trickle: bytes) -> TricklingServer:
        started.append(TricklingServer(head, trickle))
        return started[-1]

    yield start
    for server in started:
        server.close()


def test_a_body_trickled_a_byte_at_a_time_is_cut_at_the_total_limit(trickling) -> None:
    server = trickling(HEADERS, b"<p>" + b"a" * 99_997)
    with pytest.raises(FetchFailed, match="took longer than 0.5 s") as caught:
        fetching.fetch_url(server.url)
    assert caught.value.status == 422
    assert 0 < server.bytes_sent < 100_000


def test_headers_trickled_a_byte_at_a_time_are_cut_at_the_total_limit(trickling) -> None:
    server = trickling(b"", HEADERS + b"<p>hello</p>")
    with pytest.raises(FetchFailed, match="took longer than 0.5 s"):
        fetching.fetch_url(server.url)
    assert 0 < server.bytes_sent < len(HEADERS)


def test_a_page_sent_in_time_is_read_whole(trickling) -> None:
    body = b"<html><body><p>The ferry runs again.</p></body></html>"
    head = f"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: {len(body)}\r\n\r\n"
    server = trickling(head.encode() + body, b"")
    page = fetching.fetch_url(server.url)
    assert "ferry runs again" in page.text
