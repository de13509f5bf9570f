"""int6_text: the fast IPv6 text form is exactly what ``ipaddress`` prints."""

from __future__ import annotations

from ipaddress import IPv6Address

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pukeko.wire.pkt6 import int6_text

SPECIAL = [
    "::",
    "::1",
    "1::",
    "2001:db8::",
    "2001:db8:1::5",
    "fe80::211:22ff:fe33:4455",
    "1:0:0:1:0:0:0:1",  # the longer run wins
    "1:0:0:1:0:0:1:1",  # equal runs: the first wins
    "1:0:1:0:1:0:1:0",  # single zero hextets are not compressed
    "::ffff:1.2.3.4",  # IPv4-mapped: Python 3.11 prints hex hextets
    "::1.2.3.4",
    "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
    "0:1:0:0:0:0:0:0",
]


@pytest.mark.parametrize("text", SPECIAL)
def test_special_addresses(text: str) -> None:
    value = int(IPv6Address(text))
    assert int6_text(value) == str(IPv6Address(value))


hextet = st.sampled_from([0, 0, 0, 1, 0xFFFF]) | st.integers(0, 0xFFFF)


@settings(max_examples=500, deadline=None)
@given(st.lists(hextet, min_size=8, max_size=8))
def test_any_address(hextets: list[int]) -> None:
    value = int.from_bytes(b"".join(h.to_bytes(2, "big") for h in hextets), "big")
    assert int6_text(value) == str(IPv6Address(value)) == IPv6Address(value).compressed
