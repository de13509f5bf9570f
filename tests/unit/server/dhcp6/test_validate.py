"""Kea's sanity-check texts and the unicast rule."""

from __future__ import annotations

from pukeko.server.dhcp6.validate import sanity_problem, server_id_mismatch, unicast_forbidden
from pukeko.wire.pkt6 import Pkt6

DUID = b"\x00\x03\x00\x01abcdef"


def test_texts() -> None:
    assert (
        sanity_problem(Pkt6(1, 1, []))
        == "Exactly 1 client-id option expected in SOLICIT, but 0 received"
    )
    assert sanity_problem(Pkt6(1, 1, [(1, DUID), (2, DUID)])) == (
        "Server-id option was not expected, but 1 received in SOLICIT"
    )
    assert sanity_problem(Pkt6(3, 1, [(1, DUID)])) == (
        "Invalid number of server-id options received (0), exactly 1 expected in message REQUEST"
    )
    assert sanity_problem(Pkt6(11, 1, [(1, DUID), (1, DUID)])) == (
        "Too many (2) client-id options received in INFORMATION_REQUEST"
    )
    assert sanity_problem(Pkt6(1, 1, [(1, b"\x00\x01")])) == (
        "Received invalid DUID for client-id, received 2 byte(s). It must be at least 3 and no"
        " more than 128"
    )
    assert sanity_problem(Pkt6(3, 1, [(1, DUID), (2, DUID)])) is None


def test_server_id_and_unicast() -> None:
    assert server_id_mismatch(Pkt6(3, 1, [(2, b"other")]), DUID) == b"other"
    assert server_id_mismatch(Pkt6(3, 1, [(2, DUID)]), DUID) is None
    assert unicast_forbidden(Pkt6(1, 1, []), False, "2001:db8::1")
    assert not unicast_forbidden(Pkt6(1, 1, []), True, "2001:db8::1")
    assert not unicast_forbidden(Pkt6(1, 1, []), False, "ff02::1:2")
    assert not unicast_forbidden(Pkt6(3, 1, []), False, "2001:db8::1")
