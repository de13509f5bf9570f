"""Option-level codec: option-data text -> payload -> values -> text, definition checks, TLVs."""

from __future__ import annotations

import ipaddress
from ipaddress import IPv4Address, IPv6Address, IPv6Network

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pukeko.wire.buffer import FormError
from pukeko.wire.datatypes import Psid
from pukeko.wire.definitions import OptionDef
from pukeko.wire.optcodec import (
    OptionDataHexError,
    OptionValueError,
    SubOption,
    check_definition,
    decode_option_value,
    decode_tlvs,
    encode_option_data,
    encode_option_value,
    encode_tlvs,
    escape_csv_token,
    format_option_value,
    parse_hex_data,
    split_csv,
    values_to_text,
)
from pukeko.wire.spaces import OptionSpaces

S6 = OptionSpaces(6)
S4 = OptionSpaces(4)


def d6(type_: str, *, array: bool = False, rt: tuple[str, ...] = (), enc: str = "") -> OptionDef:
    return OptionDef("foo", 1000, type_, "dhcp6", array=array, record_types=rt, encapsulate=enc)


def d4(type_: str, *, array: bool = False, rt: tuple[str, ...] = (), enc: str = "") -> OptionDef:
    return OptionDef("foo", 200, type_, "dhcp4", array=array, record_types=rt, encapsulate=enc)


def enc(defn: OptionDef, text: str, spaces: OptionSpaces = S6, csv: bool = True) -> bytes:
    return encode_option_value(defn, text, csv_format=csv, spaces=spaces)


def dec(defn: OptionDef, payload: bytes, spaces: OptionSpaces = S6) -> tuple[object, ...]:
    return decode_option_value(defn, payload, spaces=spaces)


# ---------------------------------------------------------------- CSV splitting


@pytest.mark.parametrize(
    ("text", "tokens"),
    [
        ("a,b", ["a", "b"]),
        ("a, b ,c", ["a", " b ", "c"]),
        ("a,,b", ["a", "b"]),  # empty tokens vanish (Kea str::tokens)
        (",a,", ["a"]),
        ("", []),
        ("a\\,b", ["a,b"]),
        ("a\\\\,b", ["a\\", "b"]),
        ("a\\b", ["a\\b"]),  # an escaped ordinary character keeps its backslash
        ("a\\", ["a\\"]),
        (" , ", [" ", " "]),
    ],
)
def test_split_csv_like_kea(text: str, tokens: list[str]) -> None:
    assert split_csv(text) == tokens


@pytest.mark.parametrize("value", ["a,b", "a\\b", "\\,", "x\\", "", "plain"])
def test_escape_csv_token_round_trips(value: str) -> None:
    (token,) = split_csv(escape_csv_token(value))
    assert token.strip() == value


# ---------------------------------------------------------------- hex data (csv-format false)


@pytest.mark.parametrize(
    ("text", "data"),
    [
        ("0a0b", b"\x0a\x0b"),
        ("0x0a0b", b"\x0a\x0b"),
        ("0A0B", b"\x0a\x0b"),
        ("0a:0b", b"\x0a\x0b"),
        ("a:b", b"\x0a\x0b"),
        ("0a 0b", b"\x0a\x0b"),
        ("abc", b"\x0a\xbc"),  # odd length gets a leading zero
        ("0xabc", b"\x0a\xbc"),
        ("", b""),
        ("'hello'", b"hello"),
        (" ' x ' ", b"x"),  # quotes and the text inside them are trimmed
        ("0a0b\n\n", b"\x0a\x0b"),  # decodeHex skips whitespace that keeps parity
        (
            "20 01 0D B8 00 01 00 00 00 00 00 00 00 00 CA FE",
            bytes.fromhex("20010db80001" + "00" * 8 + "cafe"),
        ),
    ],
)
def test_parse_hex_data_accepts_kea_forms(text: str, data: bytes) -> None:
    assert parse_hex_data(text) == data


@pytest.mark.parametrize(
    "text",
    [
        "0X0a0b",
        "0a::0b",
        "0a:0b:",
        "0a:0b 0c",
        "0x",
        "''",
        "' '",
        "0a  0b",
        "0a\t0b",
        "zz",
        "0x0a:0b",
        # Python whitespace that C isspace() does not know (kea-dhcp6 -t refuses both).
        "\xa0\xa00102",
        "\x1c\x1c0102",
    ],
)
def test_parse_hex_data_refuses_like_kea(text: str) -> None:
    with pytest.raises(OptionDataHexError) as caught:
        parse_hex_data(text)
    # Kea's whole message (kea-dhcp6 -t adds only the position).
    assert str(caught.value) == f"option data is not a valid string of hexadecimal digits: {text}"


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=20))
def test_parse_hex_data_reads_the_three_hex_spellings(data: bytes) -> None:
    assert parse_hex_data(data.hex()) == data
    assert parse_hex_data(":".join(f"{b:x}" for b in data)) == data
    if data:
        assert parse_hex_data(" ".join(f"{b:02X}" for b in data)) == data
        assert parse_hex_data("0x" + data.hex()) == data


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from("0aF: x'\t\n\xa0\x1c=g"), max_size=12))
def test_parse_hex_data_gives_bytes_or_its_error(text: str) -> None:
    try:
        parse_hex_data(text)
    except OptionDataHexError as exc:
        assert str(exc).endswith(text)


# ---------------------------------------------------------------- scalars and arrays


def test_scalar_encode_decode_format() -> None:
    defn = d6("uint32")
    payload = enc(defn, "12345")
    assert payload == b"\x00\x00\x30\x39"
    assert dec(defn, payload) == (12345,)
    assert format_option_value(defn, payload, spaces=S6) == "12345"


def test_extra_values_of_a_non_array_option_are_ignored_like_kea() -> None:
    assert enc(d6("uint16"), "1,2") == b"\x00\x01"
    assert enc(d6("string"), "a,b") == b"a"


def test_missing_value_is_refused() -> None:
    with pytest.raises(OptionValueError, match=r"'dhcp6\.foo': no option value specified"):
        enc(d6("uint16"), "")
    with pytest.raises(OptionValueError, match="string option value is empty"):
        enc(d6("string"), " , ")  # one blank token trims to an empty string


def test_string_option_with_escaped_comma() -> None:
    # ARM: "EST5EDT4\\,M3.2.0/02:00\\,M11.1.0/02:00" in JSON is the text below.
    defn = d6("string")
    payload = enc(defn, "EST5EDT4\\,M3.2.0/02:00\\,M11.1.0/02:00")
    assert payload == b"EST5EDT4,M3.2.0/02:00,M11.1.0/02:00"
    assert format_option_value(defn, payload, spaces=S6) == (
        "EST5EDT4\\,M3.2.0/02:00\\,M11.1.0/02:00"
    )


def test_field_error_names_option_field_type_and_value() -> None:
    with pytest.raises(OptionValueError) as info:
        enc(d6("uint8", array=True), "1, 2, 300")
    message = str(info.value)
    assert "'dhcp6.foo' field 3 (uint8) value '300'" in message
    assert "range of 0..255" in message


def test_ipv6_address_array() -> None:
    defn = d6("ipv6-address", array=True)
    payload = enc(defn, "2001:db8::cafe, 2001:db8::babe")
    assert payload == bytes.fromhex("20010db8" + "00" * 10 + "cafe20010db8" + "00" * 10 + "babe")
    assert dec(defn, payload) == ([IPv6Address("2001:db8::cafe"), IPv6Address("2001:db8::babe")],)
    assert format_option_value(defn, payload, spaces=S6) == "2001:db8::cafe, 2001:db8::babe"


@pytest.mark.parametrize("kind", ["ipv6-address", "ipv4-address", "fqdn", "ipv6-prefix", "tuple"])
def test_empty_arrays_kea_allows(kind: str) -> None:
    assert enc(d6(kind, array=True), "") == b""
    assert dec(d6(kind, array=True), b"") == ([],)


@pytest.mark.parametrize("kind", ["uint8", "int32", "boolean", "psid"])
def test_empty_arrays_kea_refuses(kind: str) -> None:
    with pytest.raises(OptionValueError, match="empty"):
        enc(d6(kind, array=True), "")


def test_v4_fqdn_array_may_not_be_empty() -> None:
    with pytest.raises(OptionValueError, match="array of fqdn values is empty"):
        enc(d4("fqdn", array=True), "", S4)


def test_partial_array_element_is_an_error() -> None:
    with pytest.raises(OptionValueError, match="does not match option definition"):
        enc(d6("uint16", array=True), "0a0b0c", csv=False)
    with pytest.raises(FormError) as info:
        dec(d6("uint16", array=True), b"\x00\x01\x00")
    assert info.value.offset == 2


def test_trailing_bytes_after_a_scalar_are_ignored_like_kea() -> None:
    # Kea accepts csv-format false "0a0b0c" for a uint16 option.
    assert enc(d6("uint16"), "0a0b0c", csv=False) == b"\x0a\x0b\x0c"
    assert dec(d6("uint16"), b"\x0a\x0b\x0c") == (0x0A0B,)
    assert format_option_value(d6("uint16"), b"\x0a\x0b\x0c", spaces=S6) == "2571"


def test_truncated_scalar() -> None:
    with pytest.raises(OptionValueError, match="need 2 bytes"):
        enc(d6("uint16"), "0a", csv=False)


def test_string_option_may_not_be_empty_or_nuls() -> None:
    for data in ("", "00"):
        with pytest.raises(OptionValueError):
            enc(d6("string"), data, csv=False)
    assert dec(d6("string"), b"a\x00") == ("a",)


def test_quoted_text_for_binary_option() -> None:
    assert enc(d6("binary"), "'convert this text to binary'", csv=False) == (
        b"convert this text to binary"
    )


def test_binary_option_csv_and_format() -> None:
    defn = d6("binary")
    assert enc(defn, "0102ff") == b"\x01\x02\xff"
    assert format_option_value(defn, b"\x01\x02\xff", spaces=S6) == "0102FF"
    # An empty binary renders as a blank token that parses back to nothing.
    assert enc(defn, format_option_value(defn, b"", spaces=S6)) == b""


def test_fqdn_array_v6_and_v4() -> None:
    defn6 = d6("fqdn", array=True)
    wire = b"\x01a\x01b\x00\x01c\x00"
    assert enc(defn6, "a.b, c.") == wire
    assert dec(defn6, wire) == (["a.b.", "c."],)
    assert enc(d4("fqdn", array=True), "a.b, c", S4) == wire


def test_v4_fqdn_list_decompresses_rfc3397_pointers() -> None:
    defn = d4("fqdn", array=True)
    payload = b"\x07example\x03com\x00\x03www\xc0\x00"
    assert dec(defn, payload, S4) == (["example.com.", "www.example.com."],)
    # The same pointer is refused in DHCPv6 (Kea reads each name from a buffer of its own).
    with pytest.raises(FormError, match=r"bad compression pointer \(out of range\): 0 "):
        dec(d6("fqdn", array=True), payload)


def test_prefix_and_psid_arrays() -> None:
    defn = d6("ipv6-prefix", array=True)
    payload = enc(defn, "2001:db8::/32, 2001:db9::/48")
    assert payload.hex() == "2020010db8" + "3020010db90000"
    assert format_option_value(defn, payload, spaces=S6) == "2001:db8::/32, 2001:db9::/48"
    psids = d6("psid", array=True)
    assert enc(psids, "1/2, 3/4").hex() == "024000" + "043000"
    assert dec(psids, bytes.fromhex("024000043000")) == ([Psid(1, 2), Psid(3, 4)],)


def test_tuple_array_keeps_empty_tuples() -> None:
    defn = d6("tuple", array=True)
    payload = b"\x00\x01a\x00\x00\x00\x01b"
    assert dec(defn, payload) == (["a", "", "b"],)
    text = format_option_value(defn, payload, spaces=S6)
    assert enc(defn, text) == payload
    lone = b"\x00\x00"
    assert enc(defn, format_option_value(defn, lone, spaces=S6)) == lone


def test_v4_tuple_array_needs_two_bytes_like_kea() -> None:
    defn = d4("tuple", array=True)
    for text in ("", " "):
        with pytest.raises(OptionValueError, match="shorter than 2 bytes"):
            enc(defn, text, S4)
    assert enc(defn, " , ", S4) == b"\x00\x00"
    assert enc(defn, "a", S4) == b"\x01a"


def test_boolean_array_and_bad_boolean_byte() -> None:
    defn = d6("boolean", array=True)
    assert enc(defn, "true, 0, FALSE, 1") == b"\x01\x00\x00\x01"
    assert format_option_value(defn, b"\x01\x00", spaces=S6) == "true, false"
    with pytest.raises(FormError, match="invalid boolean value 2"):
        dec(d6("boolean"), b"\x02")


def test_empty_option() -> None:
    defn = d6("empty")
    assert enc(defn, "") == b""
    assert dec(defn, b"") == ()
    assert format_option_value(defn, b"", spaces=S6) == ""
    with pytest.raises(OptionValueError, match="takes no value"):
        enc(defn, "x")


# ---------------------------------------------------------------- records


def test_arm_record_example() -> None:
    defn = d6("record", rt=("ipv6-address", "uint16", "boolean", "string"))
    payload = enc(defn, "2001:db8:1::10, 123, false, Hello World")
    assert payload == (
        bytes.fromhex("20010db8000100000000000000000010") + b"\x00\x7b\x00Hello World"
    )
    assert dec(defn, payload) == (IPv6Address("2001:db8:1::10"), 123, False, "Hello World")
    assert format_option_value(defn, payload, spaces=S6) == (
        "2001:db8:1::10, 123, false, Hello World"
    )


def test_record_needs_a_value_per_field() -> None:
    defn = d6("record", rt=("uint8", "uint16"))
    with pytest.raises(OptionValueError, match=r"needs 2 values .* 1 given"):
        enc(defn, "1")
    assert enc(defn, "1, 2, 3") == b"\x01\x00\x02"  # extra values ignored when not an array


def test_record_with_array_tail() -> None:
    defn = d6("record", array=True, rt=("ipv6-address", "uint16"))
    payload = enc(defn, "2001:db8::1, 1, 2, 3")
    assert payload == bytes.fromhex("20010db8" + "00" * 11 + "01" + "000100020003")
    assert dec(defn, payload) == (IPv6Address("2001:db8::1"), [1, 2, 3])
    assert format_option_value(defn, payload, spaces=S6) == "2001:db8::1, 1, 2, 3"
    single = enc(defn, "2001:db8::1, 7")
    assert dec(defn, single) == (IPv6Address("2001:db8::1"), [7])


def test_record_with_variable_fields() -> None:
    defn = d6("record", rt=("uint8", "ipv6-prefix", "tuple", "fqdn", "binary"))
    payload = enc(defn, "1, 2001:db8::/33, hi, a.b, 00ff")
    assert payload.hex() == "01" + "2120010db800" + "00026869" + "0161016200" + "00ff"
    assert dec(defn, payload) == (1, IPv6Network("2001:db8::/33"), "hi", "a.b.", b"\x00\xff")


def test_record_string_tail_may_be_empty() -> None:
    defn = d6("record", rt=("uint16", "string"))
    assert dec(defn, b"\x00\x05") == (5, "")
    text = format_option_value(defn, b"\x00\x05", spaces=S6)
    assert enc(defn, text) == b"\x00\x05"


def test_record_string_tail_with_comma_round_trips() -> None:
    defn = d6("record", rt=("uint8", "string"))
    payload = enc(defn, "1, a\\,b, c")  # Kea: the non-array record ignores the third token
    assert payload == b"\x01a,b"
    assert enc(defn, format_option_value(defn, payload, spaces=S6)) == payload


def test_record_truncated_reports_offset() -> None:
    defn = d6("record", rt=("uint8", "ipv4-address"))
    with pytest.raises(FormError) as info:
        dec(defn, b"\x01\x0a\x00")
    assert info.value.offset == 1


# ---------------------------------------------------------------- encapsulation

CONTAINER = OptionDef("box", 1000, "empty", "dhcp6", encapsulate="inner")
INNER = (
    OptionDef("num", 1, "uint16", "inner"),
    OptionDef("deep", 2, "uint8", "inner", encapsulate="deepest"),
    OptionDef("name", 1, "string", "deepest"),
)
NESTED = S6.with_defs((CONTAINER, *INNER))


def test_empty_container_with_sub_options() -> None:
    payload = encode_tlvs(6, [(1, b"\x00\x07"), (2, b"\x09" + encode_tlvs(6, [(1, b"hi")]))])
    values = dec(CONTAINER, payload, NESTED)
    assert len(values) == 1
    subs = values[0]
    assert isinstance(subs, tuple)
    first, second = subs
    assert first == SubOption(1, b"\x00\x07", INNER[0], (7,))
    assert second.code == 2
    assert second.values == (9, (SubOption(1, b"hi", INNER[2], ("hi",)),))


def test_container_csv_holds_only_its_own_fields() -> None:
    assert enc(CONTAINER, "", NESTED) == b""
    holder = OptionDef("deep", 2, "uint8", "inner", encapsulate="deepest")
    assert enc(holder, "5", NESTED) == b"\x05"
    assert format_option_value(holder, b"\x05\x00\x01\x00\x01x", spaces=NESTED) == "5"


def test_csv_false_payload_with_sub_options_is_checked() -> None:
    good = "0001 0002 0007".replace(" ", "")
    assert enc(CONTAINER, good, NESTED, csv=False) == bytes.fromhex(good)
    with pytest.raises(OptionValueError, match="does not match"):
        enc(CONTAINER, "000100020007ff", NESTED, csv=False)
    with pytest.raises(OptionValueError, match="does not match"):
        enc(CONTAINER, "0001000107", NESTED, csv=False)  # sub-option 1 is a uint16


def test_undefined_sub_option_kept_raw() -> None:
    values = dec(CONTAINER, b"\x00\x63\x00\x01\xaa", NESTED)
    assert values == ((SubOption(99, b"\xaa", None, None),),)


def test_truncated_sub_option_reports_offset() -> None:
    with pytest.raises(FormError) as info:
        dec(CONTAINER, b"\x00\x01\x00\x05\x00", NESTED)
    assert info.value.offset == 4


def test_mutually_encapsulating_spaces_are_bounded() -> None:
    ping = OptionDef("ping", 1, "empty", "a", encapsulate="b")
    pong = OptionDef("pong", 1, "empty", "b", encapsulate="a")
    spaces = S6.with_defs((ping, pong))
    payload = b""
    for _ in range(12):
        payload = b"\x00\x01" + len(payload).to_bytes(2, "big") + payload
    with pytest.raises(FormError, match="nested too deeply"):
        dec(ping, payload, spaces)


def test_v4_sub_options_skip_pad_and_stop_at_end() -> None:
    box = OptionDef("box", 200, "empty", "dhcp4", encapsulate="sub")
    num = OptionDef("num", 1, "uint8", "sub")
    spaces = S4.with_defs((box, num))
    values = dec(box, b"\x00\x01\x01\x07\x00\xff\x01\x01\x08", spaces)
    assert values == ((SubOption(1, b"\x07", num, (7,)),),)


def test_v4_code_255_defined_in_space_is_not_end() -> None:
    box = OptionDef("box", 200, "empty", "dhcp4", encapsulate="sub")
    last = OptionDef("last", 255, "uint8", "sub")
    spaces = S4.with_defs((box, last))
    assert dec(box, b"\xff\x01\x05", spaces) == ((SubOption(255, b"\x05", last, (5,)),),)


# ---------------------------------------------------------------- options without definition


def test_undefined_option_needs_csv_false_and_code() -> None:
    assert encode_option_data(
        None, "0102", csv_format=False, spaces=S6, space="dhcp6", code=1000
    ) == (b"\x01\x02")
    with pytest.raises(OptionValueError, match=r"'dhcp6\.' having code '1000' does not exist"):
        encode_option_data(None, "0102", csv_format=True, spaces=S6, space="dhcp6", code=1000)
    with pytest.raises(OptionValueError, match=r"'dhcp6\.zork' does not exist"):
        encode_option_data(None, "01", csv_format=False, spaces=S6, space="dhcp6", name="zork")


def test_encode_option_data_with_definition_delegates() -> None:
    out = encode_option_data(d6("uint8"), "7", csv_format=True, spaces=S6, space="dhcp6")
    assert out == b"\x07"


# ---------------------------------------------------------------- definition checks


@pytest.mark.parametrize(
    ("defn", "family", "message"),
    [
        (OptionDef("foo", 1000, "bogus", "dhcp6"), 6, "option type 'bogus' not supported"),
        (OptionDef("-foo", 1000, "uint8", "dhcp6"), 6, "invalid option name '-foo'"),
        (OptionDef("foo bar", 1000, "uint8", "dhcp6"), 6, "invalid option name"),
        (OptionDef("f.o", 1000, "uint8", "dhcp6"), 6, "invalid option name"),
        (OptionDef("foo", 1, "uint8", "sp@ce"), 6, "invalid option space name 'sp@ce'"),
        (OptionDef("foo", 0, "uint8", "dhcp6"), 6, "'0': reserved value"),
        (OptionDef("foo", 65536, "uint8", "dhcp6"), 6, "must not be greater than '65535'"),
        (OptionDef("foo", -1, "uint8", "dhcp6"), 6, "must not be negative"),
        (OptionDef("foo", 256, "uint8", "dhcp4"), 4, "must not be greater than '255'"),
        (OptionDef("foo", 0, "uint8", "dhcp4"), 4, "reserved for PAD"),
        (OptionDef("foo", 255, "uint8", "dhcp4"), 4, "reserved for END"),
        (d6("uint8", array=True, enc="bar"), 6, "array of data fields may not encapsulate"),
        (d6("uint8", enc="dhcp6"), 6, "must not encapsulate an option space it belongs to"),
        (d6("uint8", enc="b@r"), 6, "invalid encapsulated option space name"),
        (d6("uint8", rt=("uint8", "uint16")), 6, "'record' option type must be used"),
        (d6("string", array=True), 6, "array of string values"),
        (d6("binary", array=True), 6, "array of binary values"),
        (d6("empty", array=True), 6, "array of empty values"),
        (d6("record", rt=("uint8",)), 6, "Expected at least 2 fields"),
        (d6("record"), 6, "invalid number of data fields: 0"),
        (d6("record", rt=("string", "uint8")), 6, "string data field can't be laid before"),
        (d6("record", rt=("binary", "uint8")), 6, "binary data field can't be laid before"),
        (d6("record", rt=("uint8", "record")), 6, "invalid data type 'record'"),
        (d6("record", rt=("uint8", "empty")), 6, "invalid data type 'empty'"),
        (d6("record", array=True, rt=("uint8", "string")), 6, "array of string values"),
    ],
)
def test_check_definition_refusals(defn: OptionDef, family: int, message: str) -> None:
    problems = check_definition(defn, family)
    assert any(message in problem for problem in problems), problems


@pytest.mark.parametrize(
    "defn",
    [
        d6("record", rt=("uint8", "string")),
        d6("record", rt=("uint8", "binary")),
        d6("record", array=True, rt=("uint8", "tuple")),
        d6("record", rt=("uint8", "fqdn", "uint8")),
        d6("empty", enc="bar"),
        d6("fqdn", array=True),
        OptionDef("foo", 0, "uint8", "custom"),  # code 0 is fine outside dhcp6
        OptionDef("a_b-c9", 5, "psid", "my-space_2", array=True),
    ],
)
def test_check_definition_accepts(defn: OptionDef) -> None:
    assert check_definition(defn, 6) == []


def test_check_definition_reports_every_problem() -> None:
    bad = OptionDef("-x", 70000, "record", "sp ace", array=True, record_types=("string",))
    problems = check_definition(bad, 6)
    assert len(problems) >= 4


def test_encoding_with_broken_definition_is_refused() -> None:
    with pytest.raises(OptionValueError, match="invalid definition"):
        enc(d6("record", rt=("uint8",)), "1")


def test_decoding_with_unknown_type_is_form_error() -> None:
    with pytest.raises(FormError):
        dec(d6("bogus"), b"\x01")


# ---------------------------------------------------------------- TLV framing


def test_tlvs_v6() -> None:
    data = encode_tlvs(6, [(1, b"ab"), (513, b"")])
    assert data == b"\x00\x01\x00\x02ab\x02\x01\x00\x00"
    assert decode_tlvs(6, data) == [(1, b"ab"), (513, b"")]


def test_tlvs_v4() -> None:
    data = encode_tlvs(4, [(1, b"ab"), (2, b"")])
    assert data == b"\x01\x02ab\x02\x00"
    assert decode_tlvs(4, data) == [(1, b"ab"), (2, b"")]
    assert decode_tlvs(4, b"\x00\x01\x01x\xff\x02", pad=True, end=True) == [(1, b"x")]
    assert decode_tlvs(4, b"\x00\x00") == [(0, b"")]


@pytest.mark.parametrize(
    ("family", "data", "offset"),
    [
        (6, b"\x00\x01\x00\x03ab", 4),
        (6, b"\x00\x01\x00", 2),
        (4, b"\x01\x03ab", 2),
        (4, b"\x01", 1),
    ],
)
def test_truncated_tlvs(family: int, data: bytes, offset: int) -> None:
    with pytest.raises(FormError) as info:
        decode_tlvs(family, data)
    assert info.value.offset == offset


def test_encode_tlvs_limits() -> None:
    with pytest.raises(OptionValueError, match="exceeds 255"):
        encode_tlvs(4, [(1, b"x" * 256)])
    with pytest.raises(OptionValueError, match="does not fit"):
        encode_tlvs(4, [(256, b"")])
    assert len(encode_tlvs(6, [(65535, b"x" * 65535)])) == 65539


def test_values_to_text_of_decoded_values() -> None:
    defn = d6("record", array=True, rt=("ipv4-address", "psid"))
    values = (IPv4Address("192.0.2.1"), [Psid(1, 2), Psid(0, 0)])
    text = values_to_text(defn, values)
    assert text == "192.0.2.1, 1/2, 0/0"
    assert dec(defn, enc(defn, text)) == values


# ---------------------------------------------------------------- with the standard tables


@pytest.fixture(scope="module")
def std6() -> OptionSpaces:
    module = pytest.importorskip("pukeko.wire.std6")
    return OptionSpaces(6, module.STD6_DEFS)


@pytest.fixture(scope="module")
def std4() -> OptionSpaces:
    module = pytest.importorskip("pukeko.wire.std4")
    return OptionSpaces(4, module.STD4_DEFS, last_resort=module.LAST_RESORT4_DEFS)


def _std(spaces: OptionSpaces, space: str, name: str) -> OptionDef:
    defn = spaces.by_name(space, name)
    assert defn is not None, f"{space}.{name} missing from the standard table"
    return defn


def test_std6_dns_servers(std6: OptionSpaces) -> None:
    defn = _std(std6, "dhcp6", "dns-servers")
    text = "2001:db8::cafe, 2001:db8::babe"
    hex_text = "20 01 0D B8 00 00 00 00 00 00 00 00 00 00 CA FE"
    assert enc(defn, text, std6)[:16] == parse_hex_data(hex_text)


def test_std6_s46_portparams_arm_example(std6: OptionSpaces) -> None:
    defn = _std(std6, "s46-rule-options", "s46-portparams")
    payload = enc(defn, "2, 3/4", std6)
    assert payload == b"\x02\x04\x30\x00"  # PSID-len=4 and PSID=12288
    assert format_option_value(defn, payload, spaces=std6) == "2, 3/4"


def test_std6_s46_rule_with_nested_portparams(std6: OptionSpaces) -> None:
    rule = _std(std6, "s46-cont-mape-options", "s46-rule")
    fields = enc(rule, "128, 0, 24, 192.0.2.0, 2001:db8::/64", std6)
    assert fields.hex() == "800018c0000200" + "4020010db800000000"
    payload = fields + encode_tlvs(6, [(93, b"\x02\x04\x30\x00")])
    values = dec(rule, payload, std6)
    assert values[:5] == (128, 0, 24, IPv4Address("192.0.2.0"), IPv6Network("2001:db8::/64"))
    subs = values[5]
    assert isinstance(subs, tuple)
    (portparams,) = subs
    assert portparams.values == (2, Psid(3, 4))


def test_std6_status_code_and_client_fqdn(std6: OptionSpaces) -> None:
    status = _std(std6, "dhcp6", "status-code")
    assert dec(status, b"\x00\x02no addrs", std6) == (2, "no addrs")
    fqdn = _std(std6, "dhcp6", "client-fqdn")
    assert enc(fqdn, "1, host.example.org", std6) == b"\x01\x04host\x07example\x03org\x00"


def test_std6_vendor_space_accepts_config_definitions(std6: OptionSpaces) -> None:
    spaces = std6.with_defs([OptionDef("mine", 2, "uint8", "vendor-4491")])
    mine = spaces.by_code("vendor-4491", 2)
    assert mine is not None and mine.name == "mine"
    assert enc(mine, "7", spaces) == b"\x07"


def test_std6_lq_query_encapsulating_dhcp6_still_encodes(std6: OptionSpaces) -> None:
    lq = std6.by_name("dhcp6", "lq-query")
    if lq is None:
        pytest.skip("lq-query not in the table")
    payload = enc(lq, "1, 2001:db8::1", std6)
    assert payload[0] == 1 and len(payload) == 17


def test_std4_routers_and_domain_search(std4: OptionSpaces) -> None:
    routers = _std(std4, "dhcp4", "routers")
    assert enc(routers, "192.0.2.1, 192.0.2.2", std4) == bytes([192, 0, 2, 1, 192, 0, 2, 2])
    search = _std(std4, "dhcp4", "domain-search")
    payload = b"\x07example\x03com\x00\x03www\xc0\x00"
    assert format_option_value(search, payload, spaces=std4) == "example.com., www.example.com."


def test_std4_vendor_encapsulated_last_resort(std4: OptionSpaces) -> None:
    option43 = std4.by_code("dhcp4", 43)
    assert option43 is not None and option43.encapsulate
    assert dec(option43, b"\x01\x01\x05", std4) == ((SubOption(1, b"\x05", None, None),),)


def test_every_standard_definition_has_a_working_codec(
    std6: OptionSpaces, std4: OptionSpaces
) -> None:
    for spaces in (std6, std4):
        for space in spaces.space_names():
            for defn in spaces.defs_in(space):
                fields = [f for f in (defn.record_types or (defn.type,)) if f != "empty"]
                payload = b"".join(_sample(kind, spaces.family) for kind in fields)
                values = dec(defn, payload, spaces)
                assert enc(defn, values_to_text(defn, values), spaces) == payload, defn


def _sample(kind: str, family: int) -> bytes:
    samples = {
        "binary": b"\x01",
        "boolean": b"\x01",
        "int8": b"\xff",
        "int16": b"\xff\xfe",
        "int32": b"\x00\x00\x00\x05",
        "uint8": b"\x07",
        "uint16": b"\x00\x08",
        "uint32": b"\x00\x00\x00\x09",
        "ipv4-address": ipaddress.IPv4Address("192.0.2.1").packed,
        "ipv6-address": ipaddress.IPv6Address("2001:db8::1").packed,
        "ipv6-prefix": b"\x20\x20\x01\x0d\xb8",
        "psid": b"\x04\x30\x00",
        "string": b"text",
        "tuple": b"\x02hi" if family == 4 else b"\x00\x02hi",
        "fqdn": b"\x01a\x00",
    }
    return samples[kind]


# ---------------------------------------------------------------- vendor options

VENDOR6 = OptionDef("vendor-opts", 17, "uint32", "dhcp6")
VENDOR4 = OptionDef("vivso-suboptions", 125, "uint32", "dhcp4")
TFTP6 = OptionDef("tftp-servers", 32, "ipv6-address", "vendor-4491", array=True)
TFTP4 = OptionDef("tftp-servers", 2, "ipv4-address", "vendor-4491", array=True)


def test_v6_vendor_option_sub_options_use_the_enterprise_space() -> None:
    spaces = OptionSpaces(6, (VENDOR6, TFTP6))
    assert enc(VENDOR6, "4491", spaces) == b"\x00\x00\x11\x8b"
    address = IPv6Address("2001:db8::1")
    payload = b"\x00\x00\x11\x8b" + encode_tlvs(6, [(32, address.packed), (99, b"x")])
    assert dec(VENDOR6, payload, spaces) == (
        4491,
        (SubOption(32, address.packed, TFTP6, ([address],)), SubOption(99, b"x", None, None)),
    )
    assert format_option_value(VENDOR6, payload, spaces=spaces) == "4491"


def test_v4_vendor_option_has_data_len_chunks() -> None:
    spaces = OptionSpaces(4, (VENDOR4, TFTP4))
    chunk = encode_tlvs(4, [(2, bytes([192, 0, 2, 1]))])
    payload = b"\x00\x00\x11\x8b" + bytes([len(chunk)]) + chunk + b"\x03\x01\x01\x00"
    values = dec(VENDOR4, payload, spaces)
    assert values == (
        4491,
        (
            SubOption(2, bytes([192, 0, 2, 1]), TFTP4, ([IPv4Address("192.0.2.1")],)),
            SubOption(1, b"\x00", None, None),  # no PAD/END inside vendor chunks
        ),
    )
    with pytest.raises(FormError) as info:
        dec(VENDOR4, b"\x00\x00\x11\x8b\x05\x02\x01", spaces)
    assert info.value.offset == 5
    with pytest.raises(FormError):
        dec(VENDOR4, b"\x00\x00\x11", spaces)
