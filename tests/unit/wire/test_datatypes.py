"""Per-type field codecs: text -> wire, wire -> value, value -> text, with byte fixtures."""

from __future__ import annotations

import ipaddress

import pytest

from pukeko.wire.buffer import FormError, Reader
from pukeko.wire.datatypes import (
    CODECS,
    OptionValueError,
    Psid,
    WireContext,
    codec_for,
    fqdn_to_wire,
    ipv6_text,
    parse_hex_digits,
    parse_kea_int,
)

V6 = WireContext(6)
V4 = WireContext(4)


def parse(kind: str, text: str, family: int = 6) -> bytes:
    return codec_for(kind).parse(text, family)


def read(kind: str, data: bytes, ctx: WireContext = V6) -> object:
    reader = Reader(data)
    value = codec_for(kind).read(reader, ctx)
    assert reader.remaining() == 0, "fixture must be consumed exactly"
    return value


def text(kind: str, value: object) -> str:
    return codec_for(kind).to_text(value)


# ---------------------------------------------------------------- integers


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        ("10", 10),
        ("+5", 5),
        ("-128", -128),
        ("0x1f", 31),
        ("0X1F", 31),
        ("1f", 31),  # Kea falls back to hexadecimal when decimal fails
        ("1e", 30),
        ("-0x10", -16),
    ],
)
def test_kea_integer_syntax(raw: str, value: int) -> None:
    assert parse_kea_int(raw) == value


@pytest.mark.parametrize("raw", ["", "0x", "1.0", "- 1", "1 2", "g", "0x1g"])
def test_kea_integer_syntax_refused(raw: str) -> None:
    with pytest.raises(OptionValueError, match="unable to convert"):
        parse_kea_int(raw)


@pytest.mark.parametrize(
    ("kind", "raw", "wire"),
    [
        ("uint8", "255", b"\xff"),
        ("int8", "-1", b"\xff"),
        ("int8", "-128", b"\x80"),
        ("uint16", "0x1234", b"\x12\x34"),
        ("int16", "-2", b"\xff\xfe"),
        ("uint32", "4294967295", b"\xff\xff\xff\xff"),
        ("int32", "-2147483648", b"\x80\x00\x00\x00"),
    ],
)
def test_integer_encode_and_decode(kind: str, raw: str, wire: bytes) -> None:
    assert parse(kind, raw) == wire
    assert read(kind, wire) == parse_kea_int(raw)


@pytest.mark.parametrize(
    ("kind", "raw", "bounds"),
    [
        ("uint8", "256", "0..255"),
        ("uint8", "-1", "0..255"),
        ("int8", "128", "-128..127"),
        ("uint16", "65536", "0..65535"),
        ("uint32", "4294967296", "0..4294967295"),
        ("int32", "-2147483649", "-2147483648..2147483647"),
    ],
)
def test_integer_range_errors_name_value_and_bounds(kind: str, raw: str, bounds: str) -> None:
    with pytest.raises(OptionValueError, match=rf"'{raw}'.*range of {bounds}"):
        parse(kind, raw)


def test_integer_text_is_decimal() -> None:
    assert text("int16", read("int16", b"\x80\x00")) == "-32768"
    assert text("uint32", read("uint32", b"\x00\x01\x00\x00")) == "65536"


def test_truncated_integer_is_form_error_with_offset() -> None:
    with pytest.raises(FormError) as info:
        read("uint32", b"\x00\x01")
    assert info.value.offset == 0


# ---------------------------------------------------------------- boolean


@pytest.mark.parametrize(
    ("raw", "wire"),
    [("true", b"\x01"), ("TRUE", b"\x01"), ("False", b"\x00"), ("1", b"\x01"), ("01", b"\x01")],
)
def test_boolean_text(raw: str, wire: bytes) -> None:
    assert parse("boolean", raw) == wire


@pytest.mark.parametrize("raw", ["2", "yes", "-1", ""])
def test_boolean_refused(raw: str) -> None:
    with pytest.raises(OptionValueError, match="boolean"):
        parse("boolean", raw)


def test_boolean_decode_and_render() -> None:
    assert read("boolean", b"\x01") is True
    assert text("boolean", read("boolean", b"\x00")) == "false"
    with pytest.raises(FormError, match="invalid boolean value 2"):
        read("boolean", b"\x02")


# ---------------------------------------------------------------- binary, string, tuple


def test_binary_csv_is_plain_hex_even_length() -> None:
    assert parse("binary", "0102aB") == b"\x01\x02\xab"
    assert parse("binary", "01 02") == b"\x01\x02"  # whitespace is skipped like decodeHex
    assert parse("binary", "01\v02") == b"\x01\x02"  # C whitespace (kea-dhcp6 -t accepts)
    assert parse("binary", "") == b""


# Kea 2.2 (kea-dhcp6 -t, a csv-format option of a binary option-def) refuses each with
# "option data does not match option definition (...): " and this text.
BINARY_REFUSED = [
    ("010", "unable to cast 010 to binary data type: Incomplete input for base16: 010"),
    (
        "0102=",
        "unable to cast 0102= to binary data type: Too many base16 padding characters: 0102=",
    ),
    (
        "zz",
        "unable to cast zz to binary data type: attempt to decode a value not in base16 char set",
    ),
    # No prefix in CSV binary fields (decodeHex, not decodeFormattedHexString).
    (
        "0x0102",
        "unable to cast 0x0102 to binary data type: attempt to decode a value not in "
        "base16 char set",
    ),
    # Python whitespace that is not C whitespace is not skipped (no-break space, FS).
    (
        "\xa0\xa00102",
        "unable to cast \xa0\xa00102 to binary data type: attempt to decode a "
        "value not in base16 char set",
    ),
    (
        "\x1c\x1c0102",
        "unable to cast \x1c\x1c0102 to binary data type: attempt to decode a "
        "value not in base16 char set",
    ),
]


@pytest.mark.parametrize(("raw", "message"), BINARY_REFUSED)
def test_binary_csv_refused_with_keas_text(raw: str, message: str) -> None:
    with pytest.raises(OptionValueError) as caught:
        parse("binary", raw)
    assert str(caught.value) == message


def test_binary_reads_rest_and_renders_upper_hex() -> None:
    assert read("binary", b"\xde\xad") == b"\xde\xad"
    assert text("binary", b"\xde\xad\x0f") == "DEAD0F"
    assert parse_hex_digits("de AD") == b"\xde\xad"


def test_string_keeps_utf8_and_strips_trailing_nuls() -> None:
    assert parse("string", "héllo") == "héllo".encode()
    assert read("string", b"abc\x00\x00") == "abc"
    assert read("string", b"") == ""
    with pytest.raises(FormError, match="only NUL"):
        read("string", b"\x00\x00")


def test_string_with_invalid_utf8_round_trips_bytes() -> None:
    value = read("string", b"a\xffb")
    assert parse("string", text("string", value)) == b"a\xffb"


def test_tuple_length_field_depends_on_family() -> None:
    assert parse("tuple", "abc", 6) == b"\x00\x03abc"
    assert parse("tuple", "abc", 4) == b"\x03abc"
    assert parse("tuple", "", 6) == b"\x00\x00"
    assert read("tuple", b"\x00\x02hi", V6) == "hi"
    assert read("tuple", b"\x02hi", V4) == "hi"


def test_tuple_too_long_for_v4() -> None:
    assert len(parse("tuple", "x" * 255, 4)) == 256
    with pytest.raises(OptionValueError, match="larger than 255"):
        parse("tuple", "x" * 256, 4)


def test_tuple_truncated() -> None:
    with pytest.raises(FormError) as info:
        read("tuple", b"\x00\x03ab")
    assert info.value.offset == 2


# ---------------------------------------------------------------- addresses


def test_ipv4_address() -> None:
    assert parse("ipv4-address", "192.0.2.1") == bytes([192, 0, 2, 1])
    assert read("ipv4-address", b"\xc0\x00\x02\x01") == ipaddress.IPv4Address("192.0.2.1")
    assert text("ipv4-address", ipaddress.IPv4Address("10.0.0.1")) == "10.0.0.1"


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("10.0.0", "Failed to convert string to address '10.0.0': Invalid argument"),  # Kea's
        ("010.0.0.1", "Failed to convert string to address '010.0.0.1': Invalid argument"),
        ("host", "Failed to convert string to address 'host': Invalid argument"),
        # Kea 2.2 writes 16 bytes for an IPv6 text in an ipv4-address field; we refuse it.
        ("2001:db8::1", "'2001:db8::1' is not a valid IPv4 address"),
    ],
)
def test_ipv4_address_refused(raw: str, message: str) -> None:
    with pytest.raises(OptionValueError) as info:
        parse("ipv4-address", raw)
    assert str(info.value) == message


def test_ipv6_address_refused_with_keas_text() -> None:
    with pytest.raises(OptionValueError) as info:
        parse("ipv6-address", "zz")
    assert str(info.value) == "Failed to convert string to address 'zz': Invalid argument"


def test_ipv6_address() -> None:
    wire = bytes.fromhex("20010db8000000000000000000000001")
    assert parse("ipv6-address", "2001:db8::1") == wire
    assert parse("ipv6-address", "fe80::1%eth0") == bytes.fromhex("fe80" + "00" * 13 + "01")
    assert read("ipv6-address", wire) == ipaddress.IPv6Address("2001:db8::1")
    with pytest.raises(OptionValueError, match="not a valid IPv6 address"):
        parse("ipv6-address", "10.0.0.1")


@pytest.mark.parametrize(
    ("address", "rendered"),
    [
        ("2001:db8::1", "2001:db8::1"),
        ("::ffff:1.2.3.4", "::ffff:1.2.3.4"),
        ("::1.2.3.4", "::1.2.3.4"),
        ("::1", "::1"),
        ("::", "::"),
        ("::ffff:0:0", "::ffff:0.0.0.0"),
    ],
)
def test_ipv6_text_like_inet_ntop(address: str, rendered: str) -> None:
    assert ipv6_text(ipaddress.IPv6Address(address)) == rendered


# ---------------------------------------------------------------- ipv6-prefix


@pytest.mark.parametrize(
    ("raw", "wire_hex"),
    [
        ("2001:db8::/32", "2020010db8"),
        ("2001:db8::1/32", "2020010db8"),  # host bits dropped
        ("2001:db8:ffff::/36", "2420010db8f0"),  # partial byte masked
        ("::/0", "00"),
        ("2001:db8::1/128", "8020010db8000000000000000000000001"),
        (" 2001:db8:: / 48 ", "3020010db80000"),
    ],
)
def test_prefix_encode(raw: str, wire_hex: str) -> None:
    assert parse("ipv6-prefix", raw).hex() == wire_hex


def test_prefix_decode_and_render() -> None:
    value = read("ipv6-prefix", bytes.fromhex("2420010db8ff"))
    assert value == ipaddress.IPv6Network("2001:db8:f000::/36")
    assert text("ipv6-prefix", value) == "2001:db8:f000::/36"
    assert read("ipv6-prefix", b"\x00") == ipaddress.IPv6Network("::/0")


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("2001:db8::", "expected '/'"),
        ("10.0.0.1/8", "not a valid IPv6 address"),
        ("2001:db8::/129", "out of range 0..128"),
        ("2001:db8::/x", "prefix length 'x' is not valid"),
    ],
)
def test_prefix_refused(raw: str, message: str) -> None:
    with pytest.raises(OptionValueError, match=message):
        parse("ipv6-prefix", raw)


def test_prefix_decode_errors() -> None:
    with pytest.raises(FormError, match="prefix length 129"):
        read("ipv6-prefix", bytes.fromhex("81") + b"\x00" * 17)
    with pytest.raises(FormError) as info:
        read("ipv6-prefix", bytes.fromhex("4020010db8"))
    assert info.value.offset == 1


# ---------------------------------------------------------------- psid


@pytest.mark.parametrize(
    ("raw", "wire_hex", "value"),
    [
        ("3/4", "043000", Psid(3, 4)),  # ARM: PSID-len=4 and PSID=12288 on the wire
        ("0x3f/6", "06fc00", Psid(63, 6)),
        ("65535/16", "10ffff", Psid(65535, 16)),
        ("0/0", "000000", Psid(0, 0)),
        ("5/0", "000000", Psid(0, 0)),  # PSID is ignored when its length is 0
    ],
)
def test_psid(raw: str, wire_hex: str, value: Psid) -> None:
    assert parse("psid", raw).hex() == wire_hex
    assert read("psid", bytes.fromhex(wire_hex)) == value


def test_psid_text_is_psid_slash_length() -> None:
    assert text("psid", Psid(3, 4)) == "3/4"


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("16/4", "invalid PSID value 16 for a specified PSID length 4"),
        ("3/17", "invalid value 17 of PSID length"),
        ("3", "expected '/'"),
        ("70000/16", "PSID '70000' is out of range"),
    ],
)
def test_psid_refused(raw: str, message: str) -> None:
    with pytest.raises(OptionValueError, match=message):
        parse("psid", raw)


def test_psid_decode_errors() -> None:
    with pytest.raises(FormError, match="PSID length 17"):
        read("psid", bytes.fromhex("110000"))
    with pytest.raises(FormError, match="beyond PSID length"):
        read("psid", bytes.fromhex("043001"))


# ---------------------------------------------------------------- fqdn


EXAMPLE_COM = b"\x07example\x03com\x00"


@pytest.mark.parametrize("raw", ["example.com", "example.com."])
def test_fqdn_relative_and_absolute_give_same_wire(raw: str) -> None:
    assert parse("fqdn", raw) == EXAMPLE_COM


def test_fqdn_keeps_case_and_escapes() -> None:
    assert fqdn_to_wire("A\\.b.c") == b"\x03A.b\x01c\x00"
    assert fqdn_to_wire("a\\032b.") == b"\x03a b\x00"
    assert text("fqdn", read("fqdn", b"\x03A.b\x01c\x00")) == "A\\.b.c."
    assert read("fqdn", b"\x03a b\x00") == "a\\032b."


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("a..b", "^duplicate period in a..b$"),
        (".a", "^non terminating empty label in .a$"),
        ("a" * 64 + ".com", "label is too long"),
        (".".join(["a" * 63] * 4), "name is too long for termination"),
        ("a\\", "incomplete textual name"),
        ("a\\25", "incomplete textual name"),
        ("a\\25x", "mixture"),
        ("a\\256", "too large"),
        ("\\[x", "invalid label type"),
        ("a.\\[x", "invalid label type"),
        (".", "root name"),
        ("", "^incomplete textual name in <empty>$"),
    ],
)
def test_fqdn_refused(raw: str, message: str) -> None:
    with pytest.raises(OptionValueError, match=message):
        parse("fqdn", raw)


def test_fqdn_decode() -> None:
    assert read("fqdn", EXAMPLE_COM) == "example.com."


@pytest.mark.parametrize(
    ("wire", "message"),
    [
        (b"\x07example\x03com", "^incomplete wire-format name"),
        (b"\x00", "root name"),
        (b"\x41abc\x00", "^unknown label character: 65 "),
        # Kea reads each fqdn field from a buffer of its own: every pointer is out of range.
        (b"\xc0\x00", r"^bad compression pointer \(out of range\): 0 "),
        (b"", "^incomplete wire-format name"),
    ],
)
def test_fqdn_decode_errors(wire: bytes, message: str) -> None:
    with pytest.raises(FormError, match=message):
        read("fqdn", wire)


def test_fqdn_compression_pointer_when_allowed() -> None:
    data = EXAMPLE_COM + b"\x03www\xc0\x00"
    reader = Reader(data, len(EXAMPLE_COM))
    assert codec_for("fqdn").read(reader, WireContext(4, name_base=0)) == "www.example.com."
    assert reader.remaining() == 0


def test_fqdn_forward_pointer_refused() -> None:
    reader = Reader(b"\xc0\x02\x01a\x00")
    with pytest.raises(FormError, match="bad compression pointer"):
        codec_for("fqdn").read(reader, WireContext(4, name_base=0))


# ---------------------------------------------------------------- table


def test_table_covers_every_scalar_type() -> None:
    from pukeko.wire.definitions import SCALAR_TYPES

    assert set(CODECS) == set(SCALAR_TYPES)
    assert CODECS["psid"].fixed_size == 3
    assert CODECS["ipv6-prefix"].fixed_size == 0


def test_unknown_type() -> None:
    with pytest.raises(OptionValueError, match="'bogus' not supported"):
        codec_for("bogus")


def test_empty_type_takes_no_value() -> None:
    with pytest.raises(OptionValueError, match="takes no value"):
        parse("empty", "x")
