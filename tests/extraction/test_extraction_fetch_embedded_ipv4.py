"""IPv6 addresses that carry an IPv4 address (IPv4-mapped, 6to4, Teredo, NAT64) are judged by
the address they carry: a host resolving to 6to4 for 127.0.0.1 is as local as 127.0.0.1.

Pure address checks, plus the fetch refusing such a host before any connection is made.
"""

import ipaddress
import socket

import pytest

from forecasts.extraction import fetching
from forecasts.extraction.errors import FetchRefused


def teredo(server: str, client: str) -> str:
    """A Teredo address: 2001:0::/32, the server's IPv4, flags and port, the client's IPv4
    with every bit flipped (RFC 4380)."""
    server_bits = int(ipaddress.IPv4Address(server))
    client_bits = int(ipaddress.IPv4Address(client)) ^ 0xFFFFFFFF
    bits = (0x20010000 << 96) | (server_bits << 64) | (0x8000_FFFF << 32) | client_bits
    return str(ipaddress.IPv6Address(bits))


NOT_PUBLIC = {
    "6to4 of loopback": "2002:7f00:1::1",
    "6to4 of 10.0.0.1": "2002:a00:1::",
    "6to4 of cloud metadata": "2002:a9fe:a9fe::1",
    "Teredo, client loopback": teredo("93.184.215.14", "127.0.0.1"),
    "Teredo, client private": teredo("93.184.215.14", "192.168.1.10"),
    "Teredo, server private": teredo("10.0.0.1", "93.184.215.14"),
    "NAT64 of loopback": "64:ff9b::127.0.0.1",
    "NAT64 of cloud metadata": "64:ff9b::169.254.169.254",
    "NAT64 of 10.1.2.3": "64:ff9b::a01:203",
    "local NAT64 /96 of loopback": "64:ff9b:1::7f00:1",
    "local NAT64 /48 of 10.0.0.1": "64:ff9b:1:a00:1::",
    "local NAT64 /64 of 192.168.0.1": "64:ff9b:1:0:c0:a800:100:0",
    "IPv4-mapped loopback": "::ffff:127.0.0.1",
}

PUBLIC = {
    "6to4 of a public host": "2002:5db8:d70e::1",
    "Teredo, both public": teredo("93.184.215.14", "151.101.1.69"),
    "NAT64 of a public host": "64:ff9b::93.184.215.14",
    "IPv4-mapped public host": "::ffff:93.184.215.14",
    "plain global IPv6": "2606:4700::1",
}


@pytest.mark.parametrize("address", NOT_PUBLIC.values(), ids=NOT_PUBLIC.keys())
def test_an_ipv6_address_carrying_a_private_ipv4_is_not_public(address: str) -> None:
    assert not fetching.is_public_address(ipaddress.ip_address(address))


@pytest.mark.parametrize("address", PUBLIC.values(), ids=PUBLIC.keys())
def test_an_ipv6_address_carrying_a_public_ipv4_is_public(address: str) -> None:
    assert fetching.is_public_address(ipaddress.ip_address(address))


def test_teredo_is_judged_by_its_client_and_its_server() -> None:
    address = ipaddress.IPv6Address(teredo("93.184.215.14", "127.0.0.1"))
    assert fetching.embedded_ipv4(address) == [
        ipaddress.IPv4Address("93.184.215.14"),
        ipaddress.IPv4Address("127.0.0.1"),
    ]


def test_a_local_nat64_address_counts_every_place_its_ipv4_may_sit() -> None:
    # The /48 place holds a public address, the /96 place 0.0.0.0: refused, since the
    # operator's prefix length (which decides the place) is unknown to us.
    address = ipaddress.IPv6Address("64:ff9b:1:5db8:d7:e00::")
    assert ipaddress.IPv4Address("93.184.215.14") in fetching.embedded_ipv4(address)
    assert not fetching.is_public_address(address)


@pytest.mark.parametrize("address", ["2002:7f00:1::1", "64:ff9b::a9fe:a9fe"])
def test_a_host_resolving_to_such_an_address_is_refused_before_connecting(
    monkeypatch: pytest.MonkeyPatch, address: str
) -> None:
    def resolve(host: str, port: int, **kwargs: object) -> list:
        return [(socket.AF_INET6, socket.SOCK_STREAM, 6, "", (address, port, 0, 0))]

    def no_connection(*args: object, **kwargs: object) -> None:
        raise AssertionError("a refused address must not be connected to")

    monkeypatch.setattr(fetching.socket, "getaddrinfo", resolve)
    monkeypatch.setattr(fetching, "_connection", no_connection)
    with pytest.raises(FetchRefused, match="private or local address"):
        fetching.fetch_url("https://news.example/article")
