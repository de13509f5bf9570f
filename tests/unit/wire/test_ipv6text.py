"""The fast IPv6 text parser accepts and refuses exactly what ``ipaddress`` does."""

from __future__ import annotations

from ipaddress import IPv4Address, IPv6Address

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pukeko.wire.ipv6text import ipv6_int_text, parse_ipv6


def reference(text: str) -> int | None:
    try:
        return int(IPv6Address(text))
    except ValueError:
        return None


def ours(text: str) -> int | None:
    try:
        return int(parse_ipv6(text))
    except ValueError:
        return None


@pytest.mark.parametrize(
    "text",
    [
        "::",
        "::1",
        "1::",
        "2001:db8::53",
        "2001:DB8:0:0:0:0:0:1",
        "1:2:3:4:5:6:7::",
        "::2:3:4:5:6:7:8",
        "0000:0000:0000:0000:0000:0000:0000:0001",
        "::ffff:192.0.2.1",
        "fe80::1%eth0",
    ],
)
def test_valid_forms_match_ipaddress(text: str) -> None:
    assert parse_ipv6(text) == IPv6Address(text)


@pytest.mark.parametrize(
    "text",
    [
        "",
        ":",
        ":::",
        "1:::2",
        "1::2::3",
        ":1::",
        "1:2:3:4:5:6:7:8:9",
        "1:2:3:4:5:6:7",
        "1:2:3:4:5:6:7:8::",
        "12345::",
        "0x1::",
        "1_0::",
        " ::1",
        "g::",
        "192.0.2.1",
    ],
)
def test_invalid_forms_are_refused_like_ipaddress(text: str) -> None:
    assert reference(text) is None
    with pytest.raises(ValueError):
        parse_ipv6(text)


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet="0123456789abcdefABCDEF:.%x_ ", max_size=45))
def test_any_text_is_judged_as_ipaddress_judges_it(text: str) -> None:
    assert ours(text) == reference(text)


@settings(max_examples=500, deadline=None)
@given(st.integers(min_value=0, max_value=(1 << 128) - 1), st.booleans())
def test_every_address_round_trips(value: int, exploded: bool) -> None:
    address = IPv6Address(value)
    text = address.exploded if exploded else address.compressed
    assert int(parse_ipv6(text)) == value


def reference_text(value: int) -> str:
    """glibc inet_ntop: ``ipaddress``'s compression, dotted tails for the IPv4 forms."""
    address = IPv6Address(value)
    words = [value >> s & 0xFFFF for s in range(112, -1, -16)]
    if words[:5] == [0] * 5 and words[5] == 0xFFFF:
        return f"::ffff:{IPv4Address(address.packed[12:])}"
    if words[:6] == [0] * 6 and words[6] != 0:
        return f"::{IPv4Address(address.packed[12:])}"
    return address.compressed


@pytest.mark.parametrize(
    "text",
    ["::", "::1", "::2", "1::", "2001:db8::53", "2001:db8:0:1:0:0:0:1", "1:0:0:2:0:0:0:3",
     "::ffff:192.0.2.1", "::192.0.2.1", "::ffff:0:1", "fe80::1:0:0:1", "1:2:3:4:5:6:7:8",
     "0:1:0:1:0:1:0:1", "::1:0:0:0:1"],
)  # fmt: skip
def test_text_as_inet_ntop(text: str) -> None:
    value = int(IPv6Address(text))
    assert ipv6_int_text(value) == reference_text(value)


@settings(max_examples=500, deadline=None)
@given(
    st.lists(
        st.sampled_from([0, 0, 0, 1, 0xFFFF, 0x2001, 0xDB8]) | st.integers(0, 0xFFFF),
        min_size=8,
        max_size=8,
    )
)
def test_any_address_text_as_inet_ntop(words: list[int]) -> None:
    value = int.from_bytes(b"".join(w.to_bytes(2, "big") for w in words), "big")
    assert ipv6_int_text(value) == reference_text(value)
