"""Kea's hex text decoders: every edge case here was checked against Kea 2.2.

Verdicts come from ``kea-dhcp6 -t`` on a host reservation ``"duid": <text>`` (formatted hex),
a ``server-id`` ``"identifier": <text>`` (decodeHex) and the lease commands of a live Kea
(error texts, see tests/compat/test_lease_commands_vs_kea.py).
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pukeko.wire.hextext import decode_formatted_hex, decode_hex, decode_separated_hex

FORMATTED_OK = [
    ("0102", b"\x01\x02"),
    ("01:02", b"\x01\x02"),
    ("1:2", b"\x01\x02"),
    ("01 02", b"\x01\x02"),
    ("1 a", b"\x01\x0a"),
    ("AB:cd", b"\xab\xcd"),
    ("0x0102", b"\x01\x02"),
    ("0x1", b"\x01"),  # odd length: a 0 is put before the digits, the prefix dropped
    ("abc", b"\x0a\xbc"),
    ("0xabc", b"\x0a\xbc"),
    ("", b""),
    ("01", b"\x01"),
    # decodeHex skips C whitespace, but the odd-length rule counts it
    ("\t\t0102", b"\x01\x02"),
    ("0102\n\n", b"\x01\x02"),
    ("0102\t\n", b"\x01\x02"),
    ("\r\n0102", b"\x01\x02"),
    ("\v\f0102", b"\x01\x02"),
    ("0x\t\t0102", b"\x01\x02"),
    ("\t\t", b""),
]

NOT_HEX = "is not a valid string of hexadecimal digits"
FORMATTED_REFUSED = [
    ("01\t02", f"'01\t02' {NOT_HEX}"),  # 5 characters: "001\t02" has 5 digits
    ("0102\n", f"'0102\n' {NOT_HEX}"),
    ("0x\t102", f"'0x\t102' {NOT_HEX}"),
    ("\t", f"'\t' {NOT_HEX}"),
    ("1\t", f"'1\t' {NOT_HEX}"),
    ("0102=", f"'0102=' {NOT_HEX}"),  # base16 has no padding
    ("12=\t", f"'12=\t' {NOT_HEX}"),
    ("0x", f"'0x' {NOT_HEX}"),  # the prefix needs digits after it
    ("0X12", f"'0X12' {NOT_HEX}"),  # only a lowercase x is a prefix
    ("0x0x12", f"'0x0x12' {NOT_HEX}"),
    ("\t\t0x0102", f"'\t\t0x0102' {NOT_HEX}"),  # the prefix must come first
    ("0g", f"'0g' {NOT_HEX}"),
    ("\xa00102", f"'\xa00102' {NOT_HEX}"),  # no-break space is not C whitespace
    ("12\x00", f"'12\x00' {NOT_HEX}"),
    ("\u0661\u0662", f"'\u0661\u0662' {NOT_HEX}"),  # only ASCII digits
    (":01", "two consecutive separators (':') specified in a decoded string ':01'"),
    ("01:", "two consecutive separators (':') specified in a decoded string '01:'"),
    ("01::02", "two consecutive separators (':') specified in a decoded string '01::02'"),
    ("01 ", "two consecutive separators (' ') specified in a decoded string '01 '"),
    ("0102 ", "invalid format of the decoded string '0102 '"),  # tokens are judged in order
    (" 01", "two consecutive separators (' ') specified in a decoded string ' 01'"),
    ("01  02", "two consecutive separators (' ') specified in a decoded string '01  02'"),
    ("001:02", "invalid format of the decoded string '001:02'"),
    ("01 :02", "invalid format of the decoded string '01 :02'"),  # a colon wins over spaces
    ("0x01:02", "invalid format of the decoded string '0x01:02'"),
    ("1 :2", "' ' is not a valid hexadecimal digit in decoded string '1 :2'"),
    ("zz:01", "'z' is not a valid hexadecimal digit in decoded string 'zz:01'"),
    ("01:\xe9\xe9", "'\xe9' is not a valid hexadecimal digit in decoded string '01:\xe9\xe9'"),
    ("0x:12", "'x' is not a valid hexadecimal digit in decoded string '0x:12'"),
]


@pytest.mark.parametrize(("text", "expected"), FORMATTED_OK)
def test_formatted_hex_accepts_what_kea_accepts(text: str, expected: bytes) -> None:
    assert decode_formatted_hex(text) == expected


@pytest.mark.parametrize(("text", "message"), FORMATTED_REFUSED)
def test_formatted_hex_refuses_with_keas_text(text: str, message: str) -> None:
    with pytest.raises(ValueError) as caught:
        decode_formatted_hex(text)
    assert str(caught.value) == message


@pytest.mark.parametrize(
    ("text", "expected"),
    [("01:02", b"\x01\x02"), ("a:b:c", b"\x0a\x0b\x0c"), ("", b""), ("ff", b"\xff")],
)
def test_separated_hex_accepts_octets(text: str, expected: bytes) -> None:
    assert decode_separated_hex(text, ":") == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("0102", "invalid format of the decoded string '0102'"),  # HWAddr::fromText: no run
        ("01 02", "invalid format of the decoded string '01 02'"),
        ("\t\t", "'\t' is not a valid hexadecimal digit in decoded string '\t\t'"),
        ("0x01", "invalid format of the decoded string '0x01'"),
    ],
)
def test_separated_hex_refuses_with_keas_text(text: str, message: str) -> None:
    with pytest.raises(ValueError) as caught:
        decode_separated_hex(text, ":")
    assert str(caught.value) == message


# server-id "identifier" (CfgDUID::setIdentifier): only plain digit pairs, whitespace anywhere.
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("0102", b"\x01\x02"),
        ("0102AB", b"\x01\x02\xab"),
        (" 0102 ", b"\x01\x02"),
        ("01 02", b"\x01\x02"),
        ("\t0102", b"\x01\x02"),
        ("0102\r\n", b"\x01\x02"),
        ("01\v02", b"\x01\x02"),
        ("", b""),
        ("  ", b""),
    ],
)
def test_decode_hex_accepts_what_kea_accepts(text: str, expected: bytes) -> None:
    assert decode_hex(text) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("01:02", "attempt to decode a value not in base16 char set"),
        ("0x0102", "attempt to decode a value not in base16 char set"),
        ("102", "Incomplete input for base16: 102"),
        ("0102=", "Too many base16 padding characters: 0102="),
        ("01=02", "Intermediate padding found"),
    ],
)
def test_decode_hex_refuses(text: str, message: str) -> None:
    with pytest.raises(ValueError) as caught:
        decode_hex(text)
    assert str(caught.value) == message


SPELLINGS = {
    "colon": lambda data: data.hex(":"),
    "colon-short": lambda data: ":".join(f"{octet:x}" for octet in data),
    "space": lambda data: data.hex(" "),
    "plain": lambda data: data.hex(),
    "prefixed": lambda data: "0x" + data.hex() if data else "",
}


@pytest.mark.parametrize("spelling", sorted(SPELLINGS))
@settings(max_examples=200, deadline=None)
@given(data=st.binary(max_size=40))
def test_formatted_hex_round_trip(spelling: str, data: bytes) -> None:
    assert decode_formatted_hex(SPELLINGS[spelling](data)) == data


@settings(max_examples=300, deadline=None)
@given(text=st.text(alphabet=st.sampled_from("0123456789abcdefxX: \t\n=g"), max_size=12))
def test_formatted_hex_raises_only_value_error(text: str) -> None:
    try:
        decoded = decode_formatted_hex(text)
    except ValueError:
        return
    assert len(decoded) <= len(text)
