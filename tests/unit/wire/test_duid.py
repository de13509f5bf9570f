"""DUIDs: typed parsing, building, Kea's text forms."""

import pytest

from pukeko.wire.buffer import FormError
from pukeko.wire.duid import (
    DUID_TIME_EPOCH,
    DUID_TYPE_NAMES,
    DuidEn,
    DuidLl,
    DuidLlt,
    DuidUnknown,
    DuidUuid,
    duid_from_text,
    duid_hwaddr,
    duid_time,
    duid_to_text,
    make_duid_en,
    make_duid_ll,
    make_duid_llt,
    parse_duid,
)
from pukeko.wire.hextext import decode_formatted_hex

MAC = bytes.fromhex("080027fe8f95")
LLT = bytes.fromhex("00010001 2b4c5d6e 080027fe8f95")  # hw 1 (Ethernet), time 0x2b4c5d6e
EN = bytes.fromhex("0002 00000009 0c0400000000c00a")  # Cisco (9) + identifier
LL = bytes.fromhex("0003 0001 080027fe8f95")
UUID = bytes.fromhex("0004 6ba7b8109dad11d180b400c04fd430c8")


def test_parse_each_known_type() -> None:
    assert parse_duid(LLT) == DuidLlt(1, 0x2B4C5D6E, MAC)
    assert parse_duid(EN) == DuidEn(9, bytes.fromhex("0c0400000000c00a"))
    assert parse_duid(LL) == DuidLl(1, MAC)
    assert parse_duid(UUID) == DuidUuid(UUID[2:])


def test_unknown_type_is_kept_raw() -> None:
    duid = parse_duid(b"\x00\x09abc")
    assert isinstance(duid, DuidUnknown)
    assert duid.duid_type == 9
    assert duid.encode() == b"\x00\x09abc"


@pytest.mark.parametrize("raw", [LLT, EN, LL, UUID, b"\xff\xff\x01"])
def test_encode_returns_the_wire_form(raw: bytes) -> None:
    assert parse_duid(raw).encode() == raw


@pytest.mark.parametrize(
    "raw",
    [
        b"",  # empty
        b"\x00",  # shorter than the type code
        LLT[:7],  # DUID-LLT needs type, hw type and time
        b"\x00\x02\x00\x00\x00",  # DUID-EN needs the 4-byte enterprise number
        b"\x00\x03\x00",  # DUID-LL needs the hw type
        UUID[:-1],  # DUID-UUID is exactly 18 bytes
        UUID + b"\x00",
        b"\x00\x09" + bytes(129),  # longer than 130 bytes (RFC 8415 §11.1)
    ],
)
def test_malformed_duid_is_form_error(raw: bytes) -> None:
    with pytest.raises(FormError) as info:
        parse_duid(raw, base=8)
    assert info.value.offset == 8


def test_make_duid_llt_from_hw_type_time_and_mac() -> None:
    assert make_duid_llt(1, 0x2B4C5D6E, MAC) == LLT
    assert make_duid_ll(1, MAC) == LL
    assert make_duid_en(9, bytes.fromhex("0c0400000000c00a")) == EN


def test_duid_time_counts_from_2000_modulo_2_32() -> None:
    assert DUID_TIME_EPOCH == 946684800  # 2000-01-01T00:00:00Z
    assert duid_time(946684800) == 0
    assert duid_time(946684800 + 86400.9) == 86400
    assert duid_time(946684800 + (1 << 32) + 5) == 5
    assert duid_time(0) == (1 << 32) - 946684800


def test_hw_address_from_llt_and_ll_only() -> None:
    assert duid_hwaddr(LLT) == (1, MAC)
    assert duid_hwaddr(LL) == (1, MAC)
    assert duid_hwaddr(EN) is None
    assert duid_hwaddr(b"\x00\x01\x00") is None


def test_text_form_is_kea_style() -> None:
    assert duid_to_text(LLT) == "00:01:00:01:2b:4c:5d:6e:08:00:27:fe:8f:95"
    assert duid_to_text(b"\x0a") == "0a"
    assert DUID_TYPE_NAMES[1] == "DUID-LLT"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("00:01:00:01:2b:4c:5d:6e:08:00:27:fe:8f:95", LLT),
        ("00:01:00:01:2B:4C:5D:6E:08:00:27:FE:8F:95", LLT),
        ("0:1:0:1:2b:4c:5d:6e:8:0:27:fe:8f:95", LLT),  # one-digit octets
        ("00 01 00 01 2b 4c 5d 6e 08 00 27 fe 8f 95", LLT),
        ("000100012b4c5d6e080027fe8f95", LLT),
        ("0x000100012b4c5d6e080027fe8f95", LLT),
        ("102", b"\x01\x02"),  # odd digit count gains a leading zero
        ("0x102", b"\x01\x02"),
        ("a", b"\x0a"),
        ("\t\t0102", b"\x01\x02"),  # decodeHex skips C whitespace (Kea 2.2 accepts it)
    ],
)
def test_from_text_accepts_kea_forms(text: str, expected: bytes) -> None:
    assert duid_from_text(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "",  # empty DUIDs are refused
        "00::01",  # two consecutive separators
        "00:01:",  # trailing separator
        "000:01",  # more than two digits between separators
        "0g:01",
        "00  01",
        "0x",
        "xyz",
        "00:01 02",  # colon mode: "01 02" is not an octet
        ":".join(["ab"] * 129),  # longer than Kea's 128 bytes
    ],
)
def test_from_text_refuses_what_kea_refuses(text: str) -> None:
    with pytest.raises(ValueError):
        duid_from_text(text)


def test_text_round_trip() -> None:
    for raw in (LLT, EN, LL, UUID):
        assert duid_from_text(duid_to_text(raw)) == raw
    assert decode_formatted_hex("01:02") == b"\x01\x02"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "Empty DUIDs are not allowed"),
        ("\t\t", "Empty DUIDs are not allowed"),
        ("ab" * 129, "DUID size is 129 bytes, exceeds maximum of 128"),
        ("00::01", "two consecutive separators (':') specified in a decoded string '00::01'"),
    ],
)
def test_from_text_refuses_with_keas_text(text: str, message: str) -> None:
    with pytest.raises(ValueError) as caught:
        duid_from_text(text)
    assert str(caught.value) == message
