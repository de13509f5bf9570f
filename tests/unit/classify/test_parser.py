"""Parser tests: every Kea 2.2 construct, Kea's verdicts, messages and error positions.

The expected messages and positions of the invalid table were produced by Kea 2.2 itself
(``kea-dhcp4/6 -t`` on a config holding the expression as a class ``test``); the valid table
mixes examples from the ARM classification chapter and Kea's ``context_unittest.cc``.
"""

from __future__ import annotations

import pytest

from pukeko.classify import (
    MAX_NESTING,
    ExpressionError,
    depends_on_known,
    is_boolean,
    parse_expression,
    referenced_classes,
    to_text,
)
from pukeko.classify.ast import (
    And,
    Concat,
    Const,
    Equal,
    Expression,
    HexString,
    IfElse,
    Member,
    Not,
    Option,
    Or,
    Pkt,
    Pkt4,
    Pkt4Field,
    Pkt6,
    Pkt6Field,
    PktMeta,
    Relay4Option,
    Relay6Field,
    Relay6Header,
    Relay6Option,
    Repr,
    Split,
    SubOption,
    Substring,
    TextFunc,
    ToText,
    VendorClassData,
    VendorClassEnterprise,
    VendorClassExists,
    VendorEnterprise,
    VendorExists,
    VendorOption,
)

# A few names of the standard spaces (the real tables live in pukeko.wire).
NAMES = {
    4: {"host-name": 12, "boot-size": 13, "vendor-encapsulated-options": 43},
    6: {"clientid": 1, "dns-servers": 23},
}
BUILT_IN = {"ALL", "KNOWN", "UNKNOWN", "BOOTP"}
BUILT_IN_PREFIXES = ("VENDOR_CLASS_", "HA_", "AFTER_", "EXTERNAL_")


def defined(name: str) -> bool:
    """Classes 'foo' and 'bar' are defined before the tested one, as in the Kea runs."""
    if name in {"foo", "bar"} | BUILT_IN:
        return True
    return any(name.startswith(p) and len(name) > len(p) for p in BUILT_IN_PREFIXES)


def parse(text: str, family: int = 4, want: str = "bool") -> Expression:
    return parse_expression(
        text, family=family, option_code=NAMES[family].get, want=want, class_defined=defined
    )


def u32(value: int) -> Const:
    return Const(value.to_bytes(4, "big"))


FOO = Const(b"foo")
X = Const(b"x")

# (family, text, expected tree)
TREES: list[tuple[int, str, Expression]] = [
    (4, "option[123].text == 'MSFT'", Equal(Option(123, Repr.TEXT), Const(b"MSFT"))),
    (4, "option[host-name].exists", Option(12, Repr.EXISTS)),
    (6, "option[dns-servers].hex == ''", Equal(Option(23, Repr.HEX), Const(b""))),
    (4, "option[1].option[2].exists", SubOption(1, 2, Repr.EXISTS)),
    (4, "relay4[13].hex == 'x'", Equal(Relay4Option(13, Repr.HEX), X)),
    (6, "relay6[-2].option[3].exists", Relay6Option(-2, 3, Repr.EXISTS)),
    (
        6,
        "relay6[1].peeraddr == ::1",
        Equal(Relay6Header(1, Relay6Field.PEERADDR), Const(bytes(15) + b"\1")),
    ),
    (4, "pkt.len == 513", Equal(Pkt(PktMeta.LEN), u32(513))),
    (4, "pkt4.giaddr == 10.0.0.1", Equal(Pkt4(Pkt4Field.GIADDR), Const(b"\x0a\0\0\x01"))),
    (6, "pkt6.transid == 0x010203", Equal(Pkt6(Pkt6Field.TRANSID), Const(b"\1\2\3"))),
    (4, "vendor.enterprise == 4491", Equal(VendorEnterprise(), u32(4491))),
    (6, "vendor-class.enterprise == 0", Equal(VendorClassEnterprise(), u32(0))),
    (4, "vendor[*].exists", VendorExists(0)),
    (4, "vendor[4491].option[2].text == 'x'", Equal(VendorOption(4491, 2, Repr.TEXT), X)),
    (6, "vendor-class[7].exists", VendorClassExists(7)),
    (6, "vendor-class[7].data == 'x'", Equal(VendorClassData(7, 0), X)),
    (4, "vendor-class[*].data[4] == 'x'", Equal(VendorClassData(0, 4), X)),
    (4, "member('KNOWN')", Member("KNOWN")),
    (4, "0x7 == 'foo'", Equal(Const(b"\x07"), FOO)),
    (4, "0X0102 == ''", Equal(Const(b"\1\2"), Const(b""))),
    (4, "substring('foo', -1, all) == 'o'", Equal(Substring(FOO, -1, None), Const(b"o"))),
    (4, "split('a.b', '.', 2) == 'b'", Equal(Split(Const(b"a.b"), Const(b"."), 2), Const(b"b"))),
    (
        4,
        "'a' + 'b' + 'c' == X".replace("X", "'abc'"),
        Equal(Concat((Const(b"a"), Const(b"b"), Const(b"c"))), Const(b"abc")),
    ),
    (4, "concat('a', 'b') == 'ab'", Equal(Concat((Const(b"a"), Const(b"b"))), Const(b"ab"))),
    (
        4,
        "ifelse(member('foo'), 'x', 'y') == 'x'",
        Equal(IfElse(Member("foo"), X, Const(b"y")), X),
    ),
    (4, "hexstring('x', ':') == '78'", Equal(HexString(X, Const(b":")), Const(b"78"))),
    (
        6,
        "addrtotext(::) == '::'",
        Equal(ToText(TextFunc.ADDRTOTEXT, Const(bytes(16))), Const(b"::")),
    ),
    (
        4,
        "uint16totext(0x0102) == '258'",
        Equal(ToText(TextFunc.UINT16TOTEXT, Const(b"\1\2")), Const(b"258")),
    ),
    (4, "not member('foo') and member('bar')", And((Not(Member("foo")), Member("bar")))),
    (
        4,
        "member('foo') or member('bar') and not member('ALL')",
        Or((Member("foo"), And((Member("bar"), Not(Member("ALL")))))),
    ),
    (4, "not ('x' == 'x' or member('foo'))", Not(Or((Equal(X, X), Member("foo"))))),
    (4, "('x') == ('x')", Equal(X, X)),
    (4, "'\u00e9' == 'x'", Equal(Const("\u00e9".encode()), X)),
]


@pytest.mark.parametrize(("family", "text", "expected"), TREES)
def test_tree(family: int, text: str, expected: Expression) -> None:
    assert parse(text, family) == expected


# (family, text, canonical rendering of the parsed tree); every text is accepted by Kea 2.2.
VALID: list[tuple[int, str, str]] = [
    (6, "option[123].text == 'MSFT'", "option[123].text == 'MSFT'"),
    (4, "substring(option[61].hex,0,3) == 'foo'", "substring(option[61].hex, 0, 3) == 'foo'"),
    (
        6,
        "substring(option[1].hex,0,6) == 0x0002AABBCCDD",
        "substring(option[1].hex, 0, 6) == 0x0002aabbccdd",
    ),
    (4, "option[host-name].text == 'foo'", "option[12].text == 'foo'"),
    (4, "option[  host-name  ].text == 'foo'", "option[12].text == 'foo'"),
    (4, "option[\n host-name \n ].text == \n'foo'", "option[12].text == 'foo'"),
    (4, "option[vendor-encapsulated-options].hex == ''", "option[43].hex == ''"),
    (4, "option[100].option[200].exists", "option[100].option[200].exists"),
    (4, "option[123].option[234].hex == 0x666F6F", "option[123].option[234].hex == 'foo'"),
    (6, "option[65535].option[65535].text == 'x'", "option[65535].option[65535].text == 'x'"),
    (4, "option[255].hex == ''", "option[255].hex == ''"),
    (4, "relay4[13].exists", "relay4[13].exists"),
    (4, "relay4[1].text == 'a'", "relay4[1].text == 'a'"),
    (6, "relay6[0].option[123].text == 'foo'", "relay6[0].option[123].text == 'foo'"),
    (6, "relay6[-32].option[1].exists", "relay6[-32].option[1].exists"),
    (6, "relay6[31].peeraddr == 2001:db8::1", "relay6[31].peeraddr == 0x20010db8" + "0" * 23 + "1"),
    (6, "relay6[-1].linkaddr == ::", "relay6[-1].linkaddr == 0x" + "0" * 32),
    (4, "pkt.iface == 'eth0'", "pkt.iface == 'eth0'"),
    (6, "pkt.src == fe80::1", "pkt.src == 0xfe80" + "0" * 27 + "1"),
    (4, "pkt.dst == 255.255.255.255", "pkt.dst == 0xffffffff"),
    (4, "pkt4.mac == 0x010203040506", "pkt4.mac == 0x010203040506"),
    (4, "pkt4.hlen == 6", "pkt4.hlen == 0x00000006"),
    (4, "pkt4.htype == 1", "pkt4.htype == 0x00000001"),
    (4, "pkt4.ciaddr == 192.0.2.1", "pkt4.ciaddr == 0xc0000201"),
    (4, "pkt4.yiaddr == 10.0.0.1", "pkt4.yiaddr == 0x0a000001"),
    (4, "pkt4.siaddr == 10.0.0.2", "pkt4.siaddr == 0x0a000002"),
    (4, "pkt4.msgtype == 1", "pkt4.msgtype == 0x00000001"),
    (4, "pkt4.transid == 12345", "pkt4.transid == 0x00003039"),
    (6, "pkt6.msgtype == 1", "pkt6.msgtype == 0x00000001"),
    (6, "vendor[4491].exists", "vendor[4491].exists"),
    (6, "vendor[4491].option[1].exists", "vendor[4491].option[1].exists"),
    (4, "vendor[4491].option[1].hex == 'docsis3.0'", "vendor[4491].option[1].hex == 'docsis3.0'"),
    (6, "vendor[0].option[1].text == 'x'", "vendor[*].option[1].text == 'x'"),
    (4, "vendor-class[*].exists", "vendor-class[*].exists"),
    (6, "vendor-class[4491].data == 'docsis3.0'", "vendor-class[4491].data[0] == 'docsis3.0'"),
    (4, "vendor-class[4294967295].data[255] == ''", "vendor-class[4294967295].data[255] == ''"),
    (6, "member('KNOWN')", "member('KNOWN')"),
    (4, "not member('UNKNOWN')", "not member('UNKNOWN')"),
    (
        4,
        "member('ALL') and member('VENDOR_CLASS_docsis')",
        "member('ALL') and member('VENDOR_CLASS_docsis')",
    ),
    (4, "0x666f6f == 'foo'", "'foo' == 'foo'"),
    (4, "0X7 == 'foo'", "0x07 == 'foo'"),
    (4, "10.0.0.1 == 'foo'", "0x0a000001 == 'foo'"),
    (6, "::10.0.0.1 == 'foo'", "0x" + "0" * 24 + "0a000001 == 'foo'"),
    (4, "1 == 2", "0x00000001 == 0x00000002"),
    (4, "4294967295 == 0xffffffff", "0xffffffff == 0xffffffff"),
    (4, "substring('foobar', 3, all) == 'bar'", "substring('foobar', 3, all) == 'bar'"),
    (4, "substring('foobar', -1, -3) == 'oba'", "substring('foobar', -1, -3) == 'oba'"),
    (4, "substring('foobar', 99999999999, 2) == ''", "substring('foobar', 99999999999, 2) == ''"),
    (6, "split ('a', '', -5) == ''", "split('a', '', -5) == ''"),
    (4, "'a' + ('b' + 'c') == 'abc'", "'a' + ('b' + 'c') == 'abc'"),
    (4, "concat(concat('a', 'b'), 'c') == 'abc'", "('a' + 'b') + 'c' == 'abc'"),
    (
        4,
        "ifelse(option[230].exists, option[230].hex, 'none') == 'x'",
        "ifelse(option[230].exists, option[230].hex, 'none') == 'x'",
    ),
    (4, "hexstring(pkt4.mac, ':') == '01:02'", "hexstring(pkt4.mac, ':') == '01:02'"),
    (4, "addrtotext(192.10.0.1) == '192.10.0.1'", "addrtotext(0xc00a0001) == '192.10.0.1'"),
    (4, "int8totext(255) == '-1'", "int8totext(0x000000ff) == '-1'"),
    (4, "int16totext(65535) == '-1'", "int16totext(0x0000ffff) == '-1'"),
    (4, "int32totext(4294967295) == '-1'", "int32totext(0xffffffff) == '-1'"),
    (4, "uint8totext(255) == '255'", "uint8totext(0x000000ff) == '255'"),
    (6, "uint32totext(4294967295) == '4294967295'", "uint32totext(0xffffffff) == '4294967295'"),
    (
        4,
        "(option[1].exists or option[2].exists) and option[3].exists",
        "(option[1].exists or option[2].exists) and option[3].exists",
    ),
    (4, "not not option[1].exists", "not not option[1].exists"),
    (4, "(('a')) == ('a')", "'a' == 'a'"),
    (4, "('a' == 'b')", "'a' == 'b'"),
    (4, "(not 'a' == 'b')", "not 'a' == 'b'"),
    (4, "('a') + 'b' == 'ab'", "'a' + 'b' == 'ab'"),
    (
        4,
        "(('a' == 'b') or member('foo')) and not ('x' == 'y')",
        "('a' == 'b' or member('foo')) and not 'x' == 'y'",
    ),
    (4, "'a' == 'b' + 'c'", "'a' == 'b' + 'c'"),
    (4, "'a\\b' == 'x'", "'a\\b' == 'x'"),  # no escapes: the backslash is data
    (4, "'\t' == ' '", "0x09 == ' '"),
    (4, "\n\n'a'\n==\n'b'\n", "'a' == 'b'"),
]


@pytest.mark.parametrize(("family", "text", "canonical"), VALID)
def test_valid(family: int, text: str, canonical: str) -> None:
    tree = parse(text, family)
    assert to_text(tree) == canonical
    assert parse(canonical, family) == tree


# (family, text, 0-based position, Kea 2.2's message)
INVALID: list[tuple[int, str, int, str]] = [
    (4, "", 0, "syntax error, unexpected end of file"),
    (4, " ", 1, "syntax error, unexpected end of file"),
    (4, "'", 0, "Invalid character: '"),
    (4, "'\n'", 0, "Invalid character: '"),
    (4, "0x123h", 5, "Invalid character: h"),
    (4, ":1", 0, "Invalid character: :"),
    (4, "=", 0, "Invalid character: ="),
    (4, "subtring", 0, "Invalid character: s"),
    (4, "known", 0, "Invalid character: k"),
    (4, "0x", 1, "Invalid character: x"),
    (4, "10.0.1", 2, "syntax error, unexpected ., expecting == or +"),
    (4, "10.256.0.1", 0, "Failed to convert 10.256.0.1 to an IP address."),
    (4, ":::", 0, "Failed to convert ::: to an IP address."),
    (4, "===", 0, "syntax error, unexpected =="),
    (4, "option[-1].text", 7, "Option code has invalid value in -1. Allowed range: 0..255"),
    (4, "option[256].text", 7, "Option code has invalid value in 256. Allowed range: 0..255"),
    (6, "option[65536].text", 7, "Option code has invalid value in 65536. Allowed range: 0..65535"),
    (
        6,
        "option[12345678901234567890].text",
        7,
        "Failed to convert 12345678901234567890 to an integer.",
    ),
    (4, "option[123]", 11, "syntax error, unexpected end of file, expecting ."),
    (4, "option[0ab].text", 8, "syntax error, unexpected option name, expecting ]"),
    (4, "option[ab_].hex", 7, "Invalid character: a"),
    (4, "option[ab].text == 'foo'", 7, "option 'ab' is not defined"),
    (4, "option[exists].exists", 7, "option 'exists' is not defined"),
    (6, "option[host-name].exists", 7, "option 'host-name' is not defined"),
    (4, "option[10].bin", 11, "Invalid character: b"),
    (4, "option[10].exists == 'foo'", 18, "syntax error, unexpected ==, expecting end of file"),
    (4, "substring('foobar') == 'f'", 18, 'syntax error, unexpected ), expecting "," or +'),
    (4, "substring('foobar',3) == 'bar'", 20, 'syntax error, unexpected ), expecting ","'),
    (
        4,
        "substring('foobar','3',3) == 'bar'",
        19,
        "syntax error, unexpected constant string, expecting integer",
    ),
    (
        4,
        "substring('foobar',1,'x') == 'foo'",
        21,
        "syntax error, unexpected constant string, expecting all or integer",
    ),
    (4, "concat('foo','bar','') == 'foobar'", 18, 'syntax error, unexpected ",", expecting ) or +'),
    (4, "ifelse('foobar','foo','bar')", 15, 'syntax error, unexpected ",", expecting == or +'),
    (
        4,
        "ifelse('a'=='b' 'c', 'd')",
        16,
        'syntax error, unexpected constant string, expecting and or or or ","',
    ),
    (4, "'foo' and", 6, "syntax error, unexpected and, expecting == or +"),
    (4, "'foo' (", 6, "syntax error, unexpected (, expecting == or +"),
    (4, "not", 3, "syntax error, unexpected end of file"),
    (4, "not 'foo'", 9, "syntax error, unexpected end of file, expecting == or +"),
    (4, "('foo' == 'bar'", 15, "syntax error, unexpected end of file, expecting ) or and or or"),
    (4, "('foo' == 'bar') == 'false'", 17, "syntax error, unexpected ==, expecting end of file"),
    (
        4,
        "(not('foo' 'bar')",
        11,
        "syntax error, unexpected constant string, expecting ) or == or +",
    ),
    (4, "'a' + == 'a'", 6, "syntax error, unexpected =="),
    (4, "'a' ++ 'b' == 'ab'", 5, "syntax error, unexpected +"),
    (4, "'a' == 'b' == 'c'", 11, "syntax error, unexpected ==, expecting end of file"),
    (6, "relay4[13].hex == 'thirteen'", 0, "relay4 can only be used in DHCPv4."),
    (4, "relay6[0].peeraddr == ::", 7, "Nest level invalid for DHCPv4 packets"),
    (
        6,
        "relay6[32].linkaddr == ::",
        7,
        "Nest level has invalid value in 32. Allowed range: -32..31",
    ),
    (
        6,
        "relay6[-33].option[1].exists",
        7,
        "Nest level has invalid value in -33. Allowed range: -32..31",
    ),
    (6, "relay6[200].option[1].exists", 7, "Invalid value in 200. Allowed range: -128..127"),
    (6, "pkt4.mac == 0x01", 0, "pkt4 can only be used in DHCPv4."),
    (4, "pkt6.msgtype == 1", 0, "pkt6 can only be used in DHCPv6."),
    (4, "pkt4.ziaddr == 1.2.3.4", 5, "Invalid character: z"),
    (4, "pkt.foo == 'x'", 4, "Invalid character: f"),
    (6, "pkt6.mac == 0x01", 5, "syntax error, unexpected mac, expecting msgtype or transid"),
    (4, "vendor[-1].exists", 7, "Invalid value in -1. Allowed range: 0..4294967295"),
    (
        4,
        "vendor[4294967296].exists",
        7,
        "Invalid value in 4294967296. Allowed range: 0..4294967295",
    ),
    (4, "vendor[1].data == 'x'", 10, "syntax error, unexpected data, expecting option or exists"),
    (4, "vendor-class[1].data[256] == 'x'", 21, "Invalid value in 256. Allowed range: 0..255"),
    (
        4,
        "vendor-class[1].option[1].hex == 'x'",
        16,
        "syntax error, unexpected option, expecting exists or data",
    ),
    (4, "vendor-class.data == 'x'", 13, "syntax error, unexpected data, expecting enterprise"),
    (4, "member('zz')", 7, "Not defined client class 'zz'"),
    (4, "member('VENDOR_CLASS_')", 7, "Not defined client class 'VENDOR_CLASS_'"),
    (4, "member(foo)", 7, "Invalid character: f"),
    (4, "member('foo') == 'x'", 14, "syntax error, unexpected ==, expecting end of file"),
    (
        4,
        "substring(option[1].exists, 0, 1) == 'x'",
        20,
        "syntax error, unexpected exists, expecting option or text or hex",
    ),
    (4, "substring(member('foo'), 0, 1) == 'x'", 10, "syntax error, unexpected member"),
    (4, "-1 == 'x'", 0, "Invalid value in -1. Allowed range: 0..4294967295"),
    (4, "4294967296 == 'x'", 0, "Invalid value in 4294967296. Allowed range: 0..4294967295"),
    (
        6,
        "option[1].option[65536].hex == ''",
        17,
        "Option code has invalid value in 65536. Allowed range: 0..65535",
    ),
    (
        4,
        "option[1].option[host-name].exists",
        17,
        "syntax error, unexpected option name, expecting integer",
    ),
    (4, "'a' == 'b'\n)", 11, "syntax error, unexpected ), expecting end of file"),
    (
        4,
        "option[1].exists 'x'",
        17,
        "syntax error, unexpected constant string, expecting end of file",
    ),
    (4, "vendor-class[1]. == 'x'", 17, "syntax error, unexpected ==, expecting exists or data"),
    (
        6,
        "relay6[0].pkt == 'x'",
        10,
        "syntax error, unexpected pkt, expecting option or peeraddr or linkaddr",
    ),
    (4, "hexstring('a') == 'x'", 13, 'syntax error, unexpected ), expecting "," or +'),
    (
        4,
        "split('a', 'b', 'c') == 'x'",
        16,
        "syntax error, unexpected constant string, expecting integer",
    ),
    (4, "uint8totext('a', 'b') == 'x'", 15, 'syntax error, unexpected ",", expecting ) or +'),
    (4, "option[1].hex == 'x' and", 24, "syntax error, unexpected end of file"),
]


@pytest.mark.parametrize(("family", "text", "position", "message"), INVALID)
def test_invalid(family: int, text: str, position: int, message: str) -> None:
    with pytest.raises(ExpressionError) as caught:
        parse(text, family)
    assert (caught.value.position, caught.value.message) == (position, message)


def test_family_specific_constructs_are_accepted_in_their_family() -> None:
    assert parse("relay4[1].exists", 4) == Relay4Option(1, Repr.EXISTS)
    assert parse("pkt4.mac == ''", 4) == Equal(Pkt4(Pkt4Field.MAC), Const(b""))
    assert parse("relay6[0].linkaddr == ''", 6) == Equal(
        Relay6Header(0, Relay6Field.LINKADDR), Const(b"")
    )
    assert parse("pkt6.msgtype == ''", 6) == Equal(Pkt6(Pkt6Field.MSGTYPE), Const(b""))


def test_option_code_range_depends_on_family() -> None:
    assert parse("option[65535].exists", 6) == Option(65535, Repr.EXISTS)
    with pytest.raises(ExpressionError, match=r"Allowed range: 0\.\.255"):
        parse("option[1].option[256].exists", 4)
    with pytest.raises(ExpressionError) as caught:
        parse("option[2147483648].exists", 6)  # beyond a C int: Kea gives no range
    assert caught.value.message == "Option code has invalid value in 2147483648"


def test_string_top_level() -> None:
    assert parse("'a' + pkt.iface", want="string") == Concat((Const(b"a"), Pkt(PktMeta.IFACE)))
    assert parse("ifelse(member('foo'), 'a', 'b')", want="string") == IfElse(
        Member("foo"), Const(b"a"), Const(b"b")
    )
    with pytest.raises(ExpressionError) as caught:
        parse("'a' == 'b'", want="string")
    assert caught.value.position == 4
    assert caught.value.message == "syntax error, unexpected ==, expecting end of file"
    with pytest.raises(ExpressionError, match="unexpected exists, expecting option or text or hex"):
        parse("option[1].exists", want="string")


def test_member_without_class_check_accepts_any_name() -> None:
    tree = parse_expression("member('later')", family=4, option_code=NAMES[4].get)
    assert tree == Member("later")


def test_option_name_resolver_receives_the_bare_name() -> None:
    asked: list[str] = []

    def resolver(name: str) -> int | None:
        asked.append(name)
        return 77

    assert parse_expression(
        "option[ my-opt \n].hex == ''", family=6, option_code=resolver
    ) == Equal(Option(77, Repr.HEX), Const(b""))
    assert asked == ["my-opt"]


def test_lexical_error_after_a_syntax_error_is_not_reported() -> None:
    with pytest.raises(ExpressionError) as caught:
        parse("member('foo') ) $")
    assert caught.value.message == "syntax error, unexpected ), expecting end of file"


def test_referenced_classes_and_known_dependency() -> None:
    tree = parse("member('foo') or ifelse(member('KNOWN'), 'a', 'b') == 'a' and not member('bar')")
    assert referenced_classes(tree) == frozenset({"foo", "KNOWN", "bar"})
    assert depends_on_known(tree)
    assert not depends_on_known(parse("member('foo')"))
    assert referenced_classes(parse("option[1].exists")) == frozenset()


def test_is_boolean() -> None:
    assert is_boolean(parse("option[1].exists"))
    assert is_boolean(parse("vendor-class[1].exists"))
    assert not is_boolean(parse("option[1].hex", want="string"))
    assert not is_boolean(parse("vendor-class[1].data", want="string"))


def test_nesting_limit() -> None:
    deep_ok = "(" * (MAX_NESTING - 1) + "member('foo')" + ")" * (MAX_NESTING - 1)
    assert parse(deep_ok) == Member("foo")
    with pytest.raises(ExpressionError, match="nested more than") as caught:
        parse("not " * (MAX_NESTING + 5) + "member('foo')")
    assert caught.value.position == 4 * MAX_NESTING


def test_long_flat_chains_are_fine() -> None:
    text = " or ".join(f"pkt4.mac == 0x0000000000{i:02x}" for i in range(300))
    tree = parse(text)
    assert isinstance(tree, Or) and len(tree.operands) == 300
    assert parse(to_text(tree)) == tree


def test_error_text_forms() -> None:
    with pytest.raises(ExpressionError) as caught:
        parse("option[\nhost-nam].hex == ''")
    error = caught.value
    assert isinstance(error, ValueError)
    assert error.position == 8
    assert error.line_column() == (2, 1)
    assert error.kea_text() == "<string>:2.1-8: option 'host-nam' is not defined"
    assert str(error) == "option 'host-nam' is not defined at position 8"


def test_bad_arguments_are_programming_errors() -> None:
    with pytest.raises(ValueError, match="family"):
        parse_expression("member('a')", family=5, option_code=NAMES[4].get)
    with pytest.raises(ValueError, match="want"):
        parse_expression("member('a')", family=4, option_code=NAMES[4].get, want="int")


def test_subexpression_types_are_checked() -> None:
    tree = parse("ifelse(member('foo') and 'a' == 'a', 'x', 'y') == 'x'")
    assert tree == Equal(
        IfElse(And((Member("foo"), Equal(Const(b"a"), Const(b"a")))), X, Const(b"y")), X
    )
    assert parse("vendor[1].option[2].exists") == VendorOption(1, 2, Repr.EXISTS)
