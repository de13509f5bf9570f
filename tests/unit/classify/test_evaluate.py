"""Evaluation of classification expressions against real packets (Kea 2.2 token.cc semantics)."""

from __future__ import annotations

import glob
import re
from collections.abc import Callable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pukeko.classify import parse_expression
from pukeko.classify.evaluate import compile_test, compile_value, may_fail
from pukeko.classify.query import Query, Query4, Query6
from pukeko.classify.strfuncs import EvaluationError
from pukeko.wire.opts4 import build_options
from pukeko.wire.pkt4 import Pkt4, decode4, encode4
from pukeko.wire.pkt6 import Pkt6, Relay6, decode6, encode6, innermost, relay_hops, tlv
from pukeko.wire.spaces import OptionSpaces
from pukeko.wire.std4 import LAST_RESORT4_DEFS, STD4_DEFS
from pukeko.wire.std6 import STD6_DEFS

SPACES = {
    6: OptionSpaces(6, STD6_DEFS),
    4: OptionSpaces(4, STD4_DEFS, last_resort=LAST_RESORT4_DEFS),
}
TOP = {6: "dhcp6", 4: "dhcp4"}
A6 = bytes.fromhex("20010db8000100000000000000000001")  # 2001:db8:1::1
P6 = bytes.fromhex("fe800000000000000000000000000001")  # fe80::1
A6B = bytes.fromhex("20010db8000200000000000000000001")  # 2001:db8:2::1
P6B = bytes.fromhex("fe800000000000000000000000000002")  # fe80::2
DUID = bytes.fromhex("0002aabbccddeeff0011")


def resolver(family: int) -> Callable[[str], int | None]:
    def code(name: str) -> int | None:
        found = SPACES[family].by_name(TOP[family], name)
        return None if found is None else found.code

    return code


# --- packets (encoded, then decoded, as a server receives them) ------------------------------


def solicit(*extra: tuple[int, bytes], xid: int = 0x123456, msg_type: int = 1) -> Pkt6:
    options = [
        (1, DUID),
        (6, bytes.fromhex("00170018")),
        (8, b"\x00\x00"),
        (15, b"\x00\x04iPXE"),
        (16, (4491).to_bytes(4, "big") + b"\x00\x09docsis3.0\x00\x03abc"),
        (17, (4491).to_bytes(4, "big") + tlv(2, b"ECM") + tlv(1, b"\x00\x20\x00\x21")),
        (39, b"\x01\x04host\x07example\x03com\x00"),
        (1234, b"abc"),
        *extra,
    ]
    decoded = decode6(encode6(Pkt6(msg_type, xid, options)))
    assert isinstance(decoded, Pkt6)
    return decoded


def q6(pkt: Pkt6 | None = None, classes: tuple[str, ...] = (), iface: str = "eth0") -> Query6:
    return Query6(
        pkt or solicit(), [], iface, "fe80::1%eth0", "ff02::1:2", 0, dict.fromkeys(classes)
    )


def relayed(pkt: Pkt6 | None = None) -> Query6:
    inner = Relay6(12, 0, A6B, P6B, pkt or solicit(), [(18, b"port7")])
    outer = Relay6(12, 1, A6, P6, inner, [(18, b"eth1"), (37, b"\x00\x00\x0d\xe9remote")])
    wire = encode6(outer)
    msg = decode6(wire)
    return Query6(innermost(msg), relay_hops(msg), "eth1", "2001:db8::5", "2001:db8::1", len(wire))


def discover(*extra: tuple[int, bytes], xid: int = 0, msg: int = 1) -> Pkt4:
    options = [
        (53, bytes([msg])),
        (12, b"host\x00\x00"),
        (60, b"Aastra6731i"),
        (61, b"\x00\x07abc"),
        (82, b"\x01\x04ckt1\x02\x02\x01\x02"),
        (124, (4491).to_bytes(4, "big") + b"\x05hello"),
        (125, (4491).to_bytes(4, "big") + b"\x05\x02\x03\x0a\x00\x01"),
        *extra,
    ]
    pkt = Pkt4(
        xid=xid,
        chaddr=bytes.fromhex("010203040506"),
        giaddr=0x0A000001,
        ciaddr=0x0A000002,
        options=build_options(options),
    )
    return decode4(encode4(pkt))


def q4(pkt: Pkt4 | None = None, classes: tuple[str, ...] = ()) -> Query4:
    return Query4(
        pkt or discover(), "eth0", "10.0.0.1", "255.255.255.255", 300, dict.fromkeys(classes)
    )


def bare6() -> Query6:
    return q6(Pkt6(3, 7, [(1, bytes.fromhex("00030001020304050607"))]))


def only4(*options: tuple[int, bytes]) -> Pkt4:
    pkt = Pkt4(chaddr=b"\xaa" * 6, options=build_options(options))
    return decode4(encode4(pkt))


def bare4() -> Query4:
    return q4(only4((53, b"\x03")))


# --- the table ---------------------------------------------------------------------------------

Result = bool | bytes | type[Exception]
CASES: list[tuple[str, int, Callable[[], Query], Result]] = [
    # ARM DHCPv6 chapter examples
    ("substring(option[1].hex,0,6) == 0x0002AABBCCDD", 6, q6, True),
    ("substring(option[1].hex,0,6) == 0x0002AABBCCDD", 6, bare6, False),
    ("member('ALL')", 6, lambda: q6(classes=("ALL",)), True),
    ("member('KNOWN')", 6, lambda: q6(classes=("ALL", "KNOWN")), True),
    ("member('KNOWN')", 6, lambda: q6(classes=("ALL", "UNKNOWN")), False),
    ("not member('reserved_class')", 6, lambda: q6(classes=("reserved_class",)), False),
    ("not member('reserved_class')", 6, q6, True),
    # literals, equality, logic
    ("'' == ''", 4, q4, True),
    ("'abc' == 0x616263", 6, q6, True),
    ("1 == 0x00000001", 6, q6, True),
    ("10.0.0.1 == 0x0a000001", 4, q4, True),
    ("('a' == 'a') and not ('a' == 'b')", 6, q6, True),
    ("'a' == 'b' or 'c' == 'c' or 'd' == 'e'", 6, q6, True),
    ("'a' == 'b' and 'c' == 'c' and 'd' == 'd'", 6, q6, False),
    ("option[1].exists and option[99].exists", 6, q6, False),
    # options
    ("option[1234].hex == 'abc'", 6, q6, True),
    ("option[1234].hex == ''", 6, bare6, True),
    ("option[1234].exists", 6, bare6, False),
    ("option[1234].text", 6, q6, b"type=01234, len=00003: 61:62:63"),
    ("option[1234].text", 6, bare6, b""),
    ("ifelse(option[1234].exists, 'y', 'n') + ifelse(option[99].exists, 'y', 'n')", 6, q6, b"yn"),
    ("option[oro].text", 6, q6, b"type=00006, len=00004: 23(uint16) 24(uint16)"),
    ("option[elapsed-time].text", 6, q6, b"type=00008, len=00002: 0 (uint16)"),
    ("option[1].text", 6, q6, b"type=00001, len=00010: 00:02:aa:bb:cc:dd:ee:ff:00:11"),
    (
        "option[16].text",
        6,
        q6,
        b"type=16, len=20,  enterprise id=0x118b, data-len0=9, "
        b"vendor-class-data0='docsis3.0', data-len1=3, vendor-class-data1='abc'",
    ),
    (
        "option[39].text",
        6,
        q6,
        b"type=39(CLIENT_FQDN), flags: (N=0, O=0, S=1), domain-name='host.example.com.' (full)",
    ),
    (
        "option[17].text",
        6,
        q6,
        b"type=00017, len=00019: 4491 (uint32),\noptions:\n"
        b'  type=00001, len=00004: 32(uint16) 33(uint16)\n  type=00002, len=00003: "ECM" (string)',
    ),
    ("option[12].hex == 'host'", 4, q4, True),  # string option: trailing NULs dropped
    ("option[12].text == 'host'", 4, q4, True),
    ("option[12].exists", 4, lambda: q4(discover((12, b"\x00\x00"))), True),  # first one wins
    ("option[66].exists", 4, lambda: q4(discover((66, b"\x00"))), False),  # only NULs: skipped
    ("option[61].hex == 0x0007", 4, q4, False),
    ("substring(option[61].hex,0,2) == 0x0007", 4, q4, True),
    (
        "option[domain-name-servers].text",
        4,
        lambda: q4(discover((6, b"\x0a\x00\x00\x01\x0a\x00\x00\x02"))),
        b"type=006, len=008: 10.0.0.1 10.0.0.2",
    ),
    (
        "option[51].text",
        4,
        lambda: q4(discover((51, b"\x00\x00\x0e\x10"))),
        b"type=051, len=004: 3600 (uint32)",
    ),
    (
        "option[82].text",
        4,
        q4,
        b"type=082, len=010:,\noptions:\n"
        b"  type=001, len=004: 63:6b:74:31\n  type=002, len=002: 01:02",
    ),
    # sub-options
    ("option[17].option[2].hex == 'ECM'", 6, q6, True),
    ("option[17].option[2].text", 6, q6, b"ECM"),
    ("option[17].option[3].exists", 6, q6, False),
    ("option[1234].option[1].exists", 6, q6, False),  # no definition: no sub-options
    ("option[82].option[1].hex == 'ckt1'", 4, q4, True),
    (
        "option[3].option[5].exists",
        6,
        lambda: q6(solicit((3, bytes(12) + tlv(5, A6 + bytes(8))))),
        True,
    ),
    (
        "option[3].option[5].text",
        6,
        lambda: q6(solicit((3, bytes(12) + tlv(5, A6 + bytes(4) + b"\0\0\0\x09")))),
        b"type=00005(IAADDR), len=00024: address=2001:db8:1::1, preferred-lft=0, valid-lft=9",
    ),
    (
        "option[3].text",
        6,
        lambda: q6(solicit((3, b"\0\0\0\x01\0\0\0\x02\0\0\0\x03"))),
        b"type=00003(IA_NA), len=00012: iaid=1, t1=2, t2=3",
    ),
    # relay4
    ("relay4[1].hex == 'ckt1'", 4, q4, True),
    ("relay4[2].hex", 4, q4, b"\x01\x02"),
    ("relay4[3].exists", 4, q4, False),
    ("relay4[1].exists", 4, bare4, False),
    ("relay4[1].hex", 4, bare4, b""),
    # relay6
    ("relay6[0].option[18].hex == 'eth1'", 6, relayed, True),
    ("relay6[1].option[18].hex == 'port7'", 6, relayed, True),
    ("relay6[-1].option[18].hex == 'port7'", 6, relayed, True),
    ("relay6[-2].option[18].hex == 'eth1'", 6, relayed, True),
    ("relay6[-3].option[18].exists", 6, relayed, False),
    ("relay6[2].option[18].exists", 6, relayed, False),
    ("relay6[0].option[18].exists", 6, q6, False),
    (
        "relay6[0].option[37].text",
        6,
        relayed,
        b"type=00037, len=00010: 3561 (uint32) 72656D6F7465 (binary)",
    ),
    ("relay6[0].linkaddr == 2001:db8:1::1", 6, relayed, True),
    ("relay6[1].peeraddr == fe80::2", 6, relayed, True),
    ("relay6[-1].linkaddr == 2001:db8:2::1", 6, relayed, True),
    ("relay6[-3].peeraddr", 6, relayed, b""),
    ("relay6[5].linkaddr", 6, relayed, b""),
    ("relay6[0].peeraddr", 6, q6, b""),
    # packet metadata
    ("pkt.iface == 'eth0'", 6, q6, True),
    ("pkt.iface == 'eth0'", 6, relayed, False),
    ("pkt.src == fe80::1", 6, q6, True),
    ("pkt.dst == ff02::1:2", 6, q6, True),
    ("pkt.src == 10.0.0.1", 4, q4, True),
    ("pkt.dst", 4, q4, b"\xff\xff\xff\xff"),
    ("pkt.len", 6, bare6, (4 + 4 + 10).to_bytes(4, "big")),
    ("pkt.len", 4, bare4, (236 + 3).to_bytes(4, "big")),  # no cookie, END or padding
    ("pkt6.msgtype == 1", 6, q6, True),
    ("pkt6.msgtype == 5", 6, lambda: q6(solicit(msg_type=5)), True),
    ("pkt6.msgtype == 5", 6, q6, False),
    ("pkt6.transid == 0x00123456", 6, q6, True),
    ("pkt6.transid", 6, relayed, b"\x00\x12\x34\x56"),
    ("pkt4.mac == 0x010203040506", 4, q4, True),
    ("pkt4.mac == 0x010203040506", 4, bare4, False),
    ("pkt4.hlen == 6", 4, q4, True),
    ("pkt4.htype == 1", 4, q4, True),
    ("pkt4.ciaddr == 10.0.0.2", 4, q4, True),
    ("pkt4.giaddr == 10.0.0.1", 4, q4, True),
    ("pkt4.yiaddr == 0.0.0.0", 4, q4, True),
    ("pkt4.siaddr", 4, q4, bytes(4)),
    ("pkt4.msgtype == 1", 4, q4, True),
    ("pkt4.msgtype == 3", 4, bare4, True),
    ("pkt4.transid == 0", 4, q4, True),
    ("pkt4.transid == 0", 4, lambda: q4(discover(xid=0xDEADBEEF)), False),
    ("pkt4.transid", 4, lambda: q4(discover(xid=0xDEADBEEF)), b"\xde\xad\xbe\xef"),
    # vendor / vendor-class
    ("vendor.enterprise == 4491", 6, q6, True),
    ("vendor.enterprise == 4491", 4, q4, True),
    ("vendor.enterprise", 6, bare6, b""),
    ("vendor[4491].exists", 6, q6, True),
    ("vendor[*].exists", 6, q6, True),
    ("vendor[1234].exists", 6, q6, False),
    ("vendor[*].exists", 6, bare6, False),
    ("vendor[4491].option[2].hex == 'ECM'", 6, q6, True),
    ("vendor[*].option[2].text", 6, q6, b"ECM"),
    ("vendor[1234].option[2].hex", 6, q6, b""),
    ("vendor[1234].option[2].exists", 6, q6, False),
    ("vendor[4491].option[3].exists", 6, q6, False),
    ("vendor[4491].option[2].hex", 4, q4, b"\x0a\x00\x01"),
    ("vendor[4491].option[2].exists", 4, q4, True),
    ("vendor-class.enterprise == 4491", 6, q6, True),
    ("vendor-class[4491].exists", 6, q6, True),
    ("vendor-class[99].exists", 6, q6, False),
    ("vendor-class[*].data == 'docsis3.0'", 6, q6, True),
    ("vendor-class[4491].data[1] == 'abc'", 6, q6, True),
    ("vendor-class[4491].data[2]", 6, q6, b""),
    ("vendor-class[99].data", 6, q6, b""),
    ("vendor-class[4491].data", 4, q4, b"hello"),
    ("vendor-class[4491].data[1]", 4, q4, b""),
    # substring
    ("substring('foobar', 0, 3)", 6, q6, b"foo"),
    ("substring('foobar', 3, all)", 6, q6, b"bar"),
    ("substring('foobar', 1, 20)", 6, q6, b"oobar"),
    ("substring('foobar', -3, 2)", 6, q6, b"ba"),
    ("substring('foobar', -1, -3)", 6, q6, b"oba"),
    ("substring('foobar', 4, -10)", 6, q6, b"foob"),
    ("substring('foobar', 6, 1)", 6, q6, b""),
    ("substring('foobar', -7, 1)", 6, q6, b""),
    ("substring('foobar', 0, 0)", 6, q6, b""),
    ("substring('', 0, 3)", 6, q6, b""),
    ("substring('foobar', 1, 3000000000) == 'x'", 6, q6, EvaluationError),
    ("substring(option[1234].hex, 1, 3000000000)", 6, bare6, b""),  # empty: checked no further
    # split
    ("split('one.two..four', '.', 2)", 6, q6, b"two"),
    ("split('one.two..four', '.', 3)", 6, q6, b""),
    ("split('one.two..four', '.', 4)", 6, q6, b"four"),
    ("split('one.two..four', '.', 5)", 6, q6, b""),
    ("split('one.two..four', '.', 0)", 6, q6, b""),
    ("split('a-b.c', '.-', 2)", 6, q6, b"b"),
    ("split('a-b.c', '', 7)", 6, q6, b"a-b.c"),
    ("split('', '.', 1)", 6, q6, b""),
    ("split('abc', '.', 1)", 6, q6, b"abc"),
    ("split('a.b', '.', 3000000000) == 'x'", 6, q6, EvaluationError),
    # concat, ifelse, hexstring
    ("concat('foo', 'bar') == 'foobar'", 6, q6, True),
    ("'a' + 'b' + 'c'", 6, q6, b"abc"),
    ("concat(option[1234].hex, option[99].hex)", 6, q6, b"abc"),
    ("ifelse(option[1234].exists, 'yes', 'no')", 6, q6, b"yes"),
    ("ifelse(option[1234].exists, 'yes', 'no')", 6, bare6, b"no"),
    ("hexstring(0x0a0b0c, ':')", 6, q6, b"0a:0b:0c"),
    ("hexstring(pkt4.mac, '-')", 4, q4, b"01-02-03-04-05-06"),
    ("hexstring('', ':')", 6, q6, b""),
    ("hexstring(0xff, ':')", 6, q6, b"ff"),
    ("hexstring(0x0102, '')", 6, q6, b"0102"),
    # conversions to text
    ("addrtotext(10.0.0.1)", 4, q4, b"10.0.0.1"),
    ("addrtotext(relay6[0].linkaddr)", 6, relayed, b"2001:db8:1::1"),
    ("addrtotext(::ffff:10.0.0.1)", 6, q6, b"::ffff:10.0.0.1"),
    ("addrtotext('')", 6, q6, b""),
    ("addrtotext(0x010203) == 'x'", 6, q6, EvaluationError),
    ("int8totext(0xff)", 6, q6, b"-1"),
    ("uint8totext(0xff)", 6, q6, b"255"),
    ("int16totext(0x8000)", 6, q6, b"-32768"),
    ("uint16totext(0x8000)", 6, q6, b"32768"),
    ("int32totext(0xffffffff)", 6, q6, b"-1"),
    ("uint32totext(0xffffffff)", 6, q6, b"4294967295"),
    ("uint32totext(pkt6.transid)", 6, q6, b"1193046"),
    ("uint8totext('')", 6, q6, b""),
    ("uint16totext(0x01) == 'x'", 6, q6, EvaluationError),
    ("int32totext(0x0102) == 'x'", 6, q6, EvaluationError),
    # Kea evaluates every operand: an error on either side of and/or/ifelse fails the test
    ("'a' == 'b' and uint16totext(0x01) == '1'", 6, q6, EvaluationError),
    ("'a' == 'a' or uint16totext(0x01) == '1'", 6, q6, EvaluationError),
    ("ifelse('a' == 'a', 'x', uint8totext(0x0102)) == 'x'", 6, q6, EvaluationError),
    ("'a' == 'b' and uint16totext(0x0001) == '1'", 6, q6, False),
    # lcase / ucase (Pukeko extension, Kea 2.4)
    ("lcase('AbC-1Z') == 'abc-1z'", 6, q6, True),
    ("ucase(option[1234].hex)", 6, q6, b"ABC"),
    ("ucase(0xc3a9)", 6, q6, b"\xc3\xa9"),
    # member of a class assigned earlier
    ("member('foo') and not member('bar')", 4, lambda: q4(classes=("ALL", "foo")), True),
    ("member('foo') and not member('bar')", 4, lambda: q4(classes=("foo", "bar")), False),
]

# Class tests of Kea's example configurations: (expression, family, matching, non-matching).
KEA_EXAMPLES: list[tuple[str, int, Callable[[], Query], Callable[[], Query]]] = [
    ("'' == ''", 4, q4, q4),
    ("member('ALL')", 6, lambda: q6(classes=("ALL",)), q6),
    ("member('HA_server1')", 4, lambda: q4(classes=("HA_server1",)), q4),
    ("member('HA_server2')", 4, lambda: q4(classes=("HA_server2",)), q4),
    (
        "member('VoIP') and member('KNOWN')",
        4,
        lambda: q4(classes=("VoIP", "KNOWN")),
        lambda: q4(classes=("VoIP", "UNKNOWN")),
    ),
    (
        "member('cable-modems') and member('KNOWN')",
        6,
        lambda: q6(classes=("cable-modems", "KNOWN")),
        lambda: q6(classes=("KNOWN",)),
    ),
    (
        "member('laptops') and member('HA_server1')",
        4,
        lambda: q4(classes=("laptops", "HA_server1")),
        lambda: q4(classes=("laptops", "HA_server2")),
    ),
    (
        "member('laptops') and member('HA_server2')",
        4,
        lambda: q4(classes=("laptops", "HA_server2")),
        lambda: q4(classes=("laptops",)),
    ),
    (
        "member('phones') and member('HA_server1')",
        4,
        lambda: q4(classes=("phones", "HA_server1")),
        lambda: q4(classes=("HA_server1",)),
    ),
    (
        "member('phones') and member('HA_server2')",
        4,
        lambda: q4(classes=("HA_server2", "phones")),
        lambda: q4(classes=("phones", "HA_server1")),
    ),
    ("not member('phones')", 4, q4, lambda: q4(classes=("phones",))),
    ("option[61].hex == 0x0007", 4, lambda: q4(only4((53, b"\x01"), (61, b"\x00\x07"))), q4),
    ("pkt.iface == 'eth0'", 6, q6, lambda: q6(iface="eth1")),
    ("pkt4.mac == 0x010203040506", 4, q4, bare4),
    ("pkt4.msgtype == 1", 4, q4, bare4),
    ("pkt4.transid == 0", 4, q4, lambda: q4(discover(xid=1))),
    ("pkt6.msgtype == 5", 6, lambda: q6(solicit(msg_type=5)), q6),
    ("substring(option[15].hex, 2, 4) == 'iPXE'", 6, q6, bare6),
    ("substring(option[60].hex,0,6) == 'Aastra'", 4, q4, bare4),
    ("substring(option[60].hex,0,9) == 'partial-content-of-option-60'", 4, q4, q4),
    ("vendor.enterprise == 4491", 6, q6, bare6),
]
NEVER_MATCHES = {"substring(option[60].hex,0,9) == 'partial-content-of-option-60'"}
ALWAYS_MATCHES = {"'' == ''"}


def evaluate(text: str, family: int, query: Query, result: object) -> object:
    """Evaluate ``text`` as a test when ``result`` is a bool (or an error), else as a value."""
    want = "string" if isinstance(result, bytes) else "bool"
    tree = parse_expression(text, family=family, option_code=resolver(family), want=want)
    if want == "bool":
        return compile_test(tree, family, SPACES[family])(query)
    return compile_value(tree, family, SPACES[family])(query)


@pytest.mark.parametrize(("text", "family", "build", "expected"), CASES)
def test_expression_table(
    text: str, family: int, build: Callable[[], Query], expected: Result
) -> None:
    query = build()
    if isinstance(expected, type):
        with pytest.raises(expected):
            evaluate(text, family, query, None)
        return
    assert evaluate(text, family, query, expected) == expected


def test_pkt_len_relayed() -> None:
    query = relayed()
    assert evaluate("pkt.len", 6, query, b"") == query.length.to_bytes(4, "big")


def test_pkt_len_counts_each_v4_option_once() -> None:
    # RFC 3396: two instances of option 12 are one option to Kea (fused), header counted once.
    raw = b"\x35\x01\x01\x0c\x02ab\x0c\x01c\xff" + bytes(20)
    query = q4(decode4(encode4(Pkt4(options=raw))))
    assert evaluate("pkt.len", 4, query, b"") == (236 + 3 + 5).to_bytes(4, "big")
    assert evaluate("option[12].hex", 4, query, b"") == b"abc"


@pytest.mark.parametrize(("text", "family", "good", "bad"), KEA_EXAMPLES)
def test_kea_example_class_tests(
    text: str, family: int, good: Callable[[], Query], bad: Callable[[], Query]
) -> None:
    assert evaluate(text, family, good(), True) is (text not in NEVER_MATCHES)
    assert evaluate(text, family, bad(), True) is (text in ALWAYS_MATCHES)


def test_table_covers_every_kea_example_test() -> None:
    files = glob.glob("/usr/share/doc/kea/examples/kea[46]/*.json")
    if not files:
        pytest.skip("Kea examples are not installed")
    found = set()
    for name in files:
        with open(name, encoding="utf-8") as handle:
            found.update(re.findall(r'"test"\s*:\s*"([^"]*)"', handle.read()))
    assert found <= {text for text, *_ in KEA_EXAMPLES}


def test_string_result_as_test_must_be_a_boolean_word() -> None:
    tree = parse_expression("'true'", family=6, option_code=resolver(6), want="string")
    assert compile_test(tree, 6, SPACES[6])(q6()) is True
    tree = parse_expression("option[1234].hex", family=6, option_code=resolver(6), want="string")
    with pytest.raises(EvaluationError, match='got "abc"'):
        compile_test(tree, 6, SPACES[6])(q6())


def test_may_fail_marks_only_error_capable_trees() -> None:
    def tree(text: str) -> object:
        return parse_expression(text, family=6, option_code=resolver(6))

    assert not may_fail(tree("substring(option[1].hex, -5, all) == 'x'"))  # type: ignore[arg-type]
    assert may_fail(tree("uint8totext(option[1].hex) == '1'"))  # type: ignore[arg-type]


def test_runtime_option_def_drives_text() -> None:
    from pukeko.wire.definitions import OptionDef

    spaces = SPACES[6].with_defs([OptionDef("my-name", 1234, "string", "dhcp6")])
    tree = parse_expression(
        "option[my-name].text == 'abc'",
        family=6,
        option_code=lambda n: 1234 if n == "my-name" else None,
    )
    assert compile_test(tree, 6, spaces)(q6())


# --- property test against a reference model ---------------------------------------------


def reference_substring(value: bytes, start: int, length: int | None) -> bytes:
    size = len(value)
    if not size or not -size <= start < size:
        return b""
    pos = start % size
    if length is None:
        return value[pos:]
    if length >= 0:
        return value[pos : pos + length]
    return value[max(0, pos + length) : pos]


def literal(value: bytes) -> str:
    return "0x" + value.hex() if value else "''"


@settings(max_examples=300, deadline=None)
@given(
    st.binary(max_size=12),
    st.binary(max_size=6),
    st.integers(-15, 15),
    st.one_of(st.none(), st.integers(-15, 15)),
    st.binary(max_size=3),
)
def test_string_functions_match_reference(
    first: bytes, second: bytes, start: int, length: int | None, sep: bytes
) -> None:
    size = "all" if length is None else str(length)
    text = f"substring({literal(first)}, {start}, {size})"
    assert evaluate(text, 6, q6(), b"") == reference_substring(first, start, length)
    assert evaluate(f"concat({literal(first)}, {literal(second)})", 6, q6(), b"") == first + second
    expected = sep.join(bytes(f"{b:02x}", "ascii") for b in first)
    assert evaluate(f"hexstring({literal(first)}, {literal(sep)})", 6, q6(), b"") == expected


def test_lcase_ucase_parse_and_render() -> None:
    from pukeko.classify import to_text
    from pukeko.classify.ast import CaseFunc, ChangeCase, Const, Equal

    tree = parse_expression("lcase('A') == ucase(0x61)", family=4, option_code=resolver(4))
    assert tree == Equal(
        ChangeCase(CaseFunc.LCASE, Const(b"A")), ChangeCase(CaseFunc.UCASE, Const(b"a"))
    )
    assert parse_expression(to_text(tree), family=4, option_code=resolver(4)) == tree
    assert compile_test(tree, 4, SPACES[4])(q4()) is False


def test_client_fqdn_text_is_lowercase_as_kea_reads_the_name() -> None:
    """Kea's Option6ClientFqdn reads its name with dns::Name(buffer, true): lowercased."""
    fqdn = (39, b"\x01\x04HoSt\x07Example\x03COM\x00")
    pkt = decode6(encode6(Pkt6(1, 0x1, [(1, DUID), fqdn])))
    assert isinstance(pkt, Pkt6)
    text = evaluate("option[39].text", 6, q6(pkt), b"")
    assert text == (
        b"type=39(CLIENT_FQDN), flags: (N=0, O=0, S=1), domain-name='host.example.com.' (full)"
    )
