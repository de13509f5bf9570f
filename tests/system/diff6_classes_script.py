"""Configuration and script of the client-classification differential test (issue 5).

Every class that can match carries option-data with an option code of its own, and every
client asks for all of those codes (``ORO_ALL``), so the options of a reply show exactly which
classes the server put the client in. Global options (dns-servers, domain-search) show where a
class option overrides the global one. Pools and pd-pools are guarded by complementary classes
so each client's pool is deterministic; the placeholders of the normaliser name the pool.
"""

from __future__ import annotations

from ipaddress import IPv6Network
from pathlib import Path
from typing import Any

from tests.support.dhcp6_client import (
    INFORMATION_REQUEST,
    RENEW,
    SOLICIT,
    IaSpec,
    duid_of,
    message,
)
from tests.system.diff6_script import Session, Step, server_base
from tests.system.diff6_steps import (
    Hops,
    follow,
    interface_id,
    ipv6,
    msg,
    na,
    raw,
    remote_id,
    sarr,
    send,
    user_class,
    vendor_class,
    vendor_opts,
)

ORO_ALL = [21, 22, 23, 24, 27, 28, 29, 30, 31, 32, 33, 34, 40, 41, 42, 51, 64, 65]
DROPPED_DUID = duid_of(0xFF)
XID_CLASS = 77777
REMOTE_ENTERPRISE = 4567

POOLS: list[tuple[str, IPv6Network]] = [
    ("na-lab", IPv6Network("2001:db8:1::100/120")),
    ("na-other", IPv6Network("2001:db8:1::200/120")),
    ("na-remote", IPv6Network("2001:db8:2::100/120")),
    ("na-net3", IPv6Network("2001:db8:3::100/120")),
    ("pd-gold", IPv6Network("2001:db8:8::/56")),
    ("pd-plain", IPv6Network("2001:db8:9::/56")),
]


def _opt(name: str, data: str, **extra: Any) -> dict[str, Any]:
    return {"name": name, "data": data, **extra}


def _cls(name: str, test: str | None, *options: dict[str, Any], **extra: Any) -> dict[str, Any]:
    entry: dict[str, Any] = {"name": name, **extra}
    if test is not None:
        entry["test"] = test
    if options:
        entry["option-data"] = list(options)
    return entry


CLIENT_CLASSES: list[dict[str, Any]] = [
    _cls("DROP", "option[1].hex == 0x000300010000000000ff"),
    _cls(
        "lab",
        "substring(option[15].hex, 2, 3) == 'lab'",
        _opt("sntp-servers", "2001:db8::123", **{"always-send": True}),
    ),
    _cls("not-lab", "not member('lab')"),
    _cls(
        "docsis",
        "vendor-class[4491].exists and substring(vendor-class[4491].data, 0, 6) == 'docsis'",
        _opt("domain-search", "docsis.example.com"),
    ),
    _cls("VENDOR_CLASS_eRouter1.0", None, _opt("pana-agent", "2001:db8::40")),
    _cls(
        "colour",
        "split(option[65000].text, ',', 2) == 'blue'",
        _opt("new-tzdb-timezone", "Europe/Paris"),
    ),
    _cls(
        "concat-if",
        "concat(substring(option[65000].text, 0, 3), ifelse(option[65001].exists, 'X', 'Y'))"
        " == 'redX'",
        _opt("new-posix-timezone", "CET-1"),
    ),
    _cls(
        "hexes",
        "hexstring(option[65002].hex, ':') == '01:02:03'"
        " and uint16totext(substring(option[65002].hex, 0, 2)) == '258'"
        " and int8totext(substring(option[65002].hex, 2, 1)) == '3'"
        " and uint32totext(option[65003].hex) == '16909060'"
        " and int16totext(0xfffe) == '-2'"
        " and addrtotext(option[65004].hex) == '2001:db8::1'",
        _opt("nis-servers", "2001:db8::27"),
    ),
    _cls(
        "relay-port",
        "relay6[0].option[18].hex == 'port-7' and relay6[0].peeraddr == fe80::77",
        _opt("nisp-servers", "2001:db8::28"),
    ),
    _cls(
        "remote",
        "relay6[0].option[37].hex == 0x000011d76162",
        _opt("aftr-name", "aftr.remote.example.com"),
    ),
    _cls(
        "link3",
        "relay6[0].linkaddr == 2001:db8:3::1",
        _opt("dns-servers", "2001:db8:3::53"),
    ),
    _cls(
        "vendor-opt",
        "vendor[12345].option[7].hex == 'abc' and vendor[*].exists and vendor[12345].exists",
        _opt("bcmcs-server-addr", "2001:db8::34"),
    ),
    _cls(
        "info-req",
        "pkt6.msgtype == 11 and pkt.iface == 'srv0'",
        _opt("information-refresh-time", "600"),
    ),
    _cls("xid", f"pkt6.transid == {XID_CLASS}", _opt("v6-lost", "lost.xid.example.com")),
    _cls(
        "chain",
        "member('lab') and member('docsis') or member('hexes')",
        _opt("sip-server-dns", "chain.example.com"),
    ),
    _cls("unknown", "member('UNKNOWN')", _opt("sip-server-addr", "2001:db8::5060")),
    _cls("known", "member('KNOWN')", _opt("sip-server-addr", "2001:db8::bad")),
    _cls(
        "req-subnet",
        "member('ALL')",
        _opt("nis-domain-name", "req.subnet.example"),
        **{"only-if-required": True},
    ),
    _cls(
        "req-pool",
        "option[1].exists",
        _opt("nisp-domain-name", "req.pool.example"),
        **{"only-if-required": True},
    ),
    _cls(
        "req-net",
        "not member('lab')",
        _opt("bcmcs-server-dns", "req.net.example"),
        **{"only-if-required": True},
    ),
    _cls(
        "req-untestable",
        None,
        _opt("erp-local-domain-name", "untestable.example"),
        **{"only-if-required": True},
    ),
    _cls(
        "long-life",
        "option[65005].exists",
        **{"valid-lifetime": 4500, "preferred-lifetime": 3500},
    ),
    _cls("pd-gold", "option[65006].exists"),
    _cls("not-gold", "not member('pd-gold')"),
    _cls("never-used-guard", "option[65007].exists"),
    _cls(
        "raw-text",
        "substring(option[65008].text, 0, 11) == 'type=65008,'",
        _opt("sip-server-addr", "2001:db8::6508"),
    ),
]


def server_config(workdir: Path, kind: str) -> dict[str, Any]:
    """The Dhcp6 configuration of the classification test."""
    return {
        "Dhcp6": {
            **server_base(workdir / f"{kind}-leases6.csv"),
            "preferred-lifetime": 3000,
            "valid-lifetime": 4000,
            "min-valid-lifetime": 3000,
            "max-valid-lifetime": 5000,
            "option-def": [{"name": "colour-text", "code": 65000, "type": "string"}],
            "option-data": [
                _opt("dns-servers", "2001:db8::53"),
                _opt("domain-search", "example.com"),
            ],
            "client-classes": CLIENT_CLASSES,
            "subnet6": [
                {
                    "id": 1,
                    "subnet": "2001:db8:1::/64",
                    "interface": "srv0",
                    "require-client-classes": ["req-subnet", "req-untestable", "no-such-class"],
                    "pools": [
                        {
                            "pool": "2001:db8:1::100 - 2001:db8:1::1ff",
                            "client-class": "lab",
                            "option-data": [_opt("domain-search", "pool-lab.example.com")],
                        },
                        {
                            "pool": "2001:db8:1::200 - 2001:db8:1::2ff",
                            "client-class": "not-lab",
                            "require-client-classes": ["req-pool"],
                        },
                    ],
                    "pd-pools": [
                        {
                            "prefix": "2001:db8:8::",
                            "prefix-len": 56,
                            "delegated-len": 64,
                            "client-class": "pd-gold",
                        },
                        {
                            "prefix": "2001:db8:9::",
                            "prefix-len": 56,
                            "delegated-len": 64,
                            "client-class": "not-gold",
                        },
                    ],
                },
                {
                    "id": 2,
                    "subnet": "2001:db8:2::/64",
                    "interface-id": "port-2",
                    "client-class": "remote",
                    "pools": [{"pool": "2001:db8:2::100 - 2001:db8:2::1ff"}],
                },
                {
                    "id": 5,
                    "subnet": "2001:db8:5::/64",
                    "client-class": "never-used-guard",
                    "pools": [{"pool": "2001:db8:5::100 - 2001:db8:5::1ff"}],
                },
            ],
            "shared-networks": [
                {
                    "name": "net3",
                    "require-client-classes": ["req-net"],
                    "subnet6": [
                        {
                            "id": 3,
                            "subnet": "2001:db8:3::/64",
                            "require-client-classes": ["req-subnet"],
                            "pools": [{"pool": "2001:db8:3::100 - 2001:db8:3::1ff"}],
                        }
                    ],
                }
            ],
            "loggers": [
                {"name": "kea-dhcp6", "output_options": [{"output": "stdout"}], "severity": "INFO"}
            ],
        }
    }


LAB = user_class(b"lab1")
DOCSIS = vendor_class(4491, b"docsis3.0")
EROUTER = vendor_class(4491, b"eRouter1.0")
HEXES = [
    raw(65002, b"\x01\x02\x03"),
    raw(65003, b"\x01\x02\x03\x04"),
    raw(65004, ipv6("2001:db8::1")),
]
RELAY_PORT7: Hops = [("2001:db8:1::5", "fe80::77", [interface_id("port-7")])]
RELAY_REMOTE: Hops = [
    ("2001:db8:2::1", "fe80::21", [interface_id("port-2"), remote_id(REMOTE_ENTERPRISE, b"ab")])
]
RELAY_NO_REMOTE: Hops = [("2001:db8:2::1", "fe80::22", [interface_id("port-2")])]
RELAY_LINK3: Hops = [("2001:db8:3::1", "fe80::33", [])]


def _solicit(
    s: Session, index: int, extra: list[tuple[int, bytes]], hops: Hops | None = None
) -> list[Step]:
    pkt = msg(s, SOLICIT, duid_of(index), na(), oro=ORO_ALL, extra=extra)
    return [send(s, "solicit", pkt, hops)]


def plain_sarr(s: Session) -> list[Step]:
    """A client of no test class: pool 'not-lab', required subnet and pool classes, UNKNOWN."""
    return sarr(s, duid_of(1), na(), oro=ORO_ALL)


def lab_sarr(s: Session) -> list[Step]:
    """User class 'lab1': the lab pool, its options and the always-send sntp of class lab."""
    return sarr(s, duid_of(2), na(), oro=ORO_ALL, extra=[LAB])


def lab_without_oro(s: Session) -> list[Step]:
    """A lab client asking for nothing: only the always-send class option comes back."""
    return [s.send("solicit", msg(s, SOLICIT, duid_of(3), na(), extra=[LAB]))]


def dropped_by_class(s: Session) -> list[Step]:
    """The DROP class matches this DUID: no answer, direct or relayed."""
    first = s.send("direct", msg(s, SOLICIT, DROPPED_DUID, na()), expect_answer=False)
    pkt = msg(s, INFORMATION_REQUEST, DROPPED_DUID, [], oro=ORO_ALL)
    return [first, send(s, "relayed", pkt, RELAY_LINK3, expect=False)]


def docsis_modem(s: Session) -> list[Step]:
    """Vendor class 4491 'docsis3.0': class docsis and built-in VENDOR_CLASS_docsis3.0."""
    return _solicit(s, 4, [DOCSIS])


def erouter(s: Session) -> list[Step]:
    """Vendor class 4491 'eRouter1.0': the configured VENDOR_CLASS_eRouter1.0 options."""
    return _solicit(s, 5, [EROUTER])


def vendor_class_other(s: Session) -> list[Step]:
    """Vendor class of another enterprise: VENDOR_CLASS_acme, no options configured for it."""
    return _solicit(s, 6, [vendor_class(9999, b"acme", b"second")])


def lab_and_docsis(s: Session) -> list[Step]:
    """User class lab and vendor class docsis: member() chain class 'chain' too."""
    return sarr(s, duid_of(7), na(), oro=ORO_ALL, extra=[LAB, DOCSIS])


def colour_split_concat(s: Session) -> list[Step]:
    """split() picks 'blue', concat/ifelse make 'redX' (65000 is a string option-def)."""
    return _solicit(s, 8, [raw(65000, "red,blue,green"), raw(65001, b"")])


def colour_no_match(s: Session) -> list[Step]:
    """'red,green,blue' without option 65001: neither colour nor concat-if."""
    return _solicit(s, 9, [raw(65000, "red,green,blue")])


def hexes_match(s: Session) -> list[Step]:
    """hexstring, uint16/int8/uint32/int16totext and addrtotext all match; 'chain' follows."""
    return _solicit(s, 10, HEXES)


def hexes_no_match(s: Session) -> list[Step]:
    """One byte differs: no 'hexes' and no 'chain'."""
    return _solicit(s, 11, [raw(65002, b"\x01\x02\x04"), *HEXES[1:]])


def relay_port(s: Session) -> list[Step]:
    """Relay with interface-id port-7 and peer fe80::77: class relay-port (subnet 1 by link)."""
    return sarr(s, duid_of(12), na(), RELAY_PORT7, oro=ORO_ALL)


def relay_port_wrong_peer(s: Session) -> list[Step]:
    """Same interface-id, another peer address: no relay-port class."""
    hops: Hops = [("2001:db8:1::5", "fe80::78", [interface_id("port-7")])]
    return _solicit(s, 13, [], hops)


def relay_two_hops(s: Session) -> list[Step]:
    """Two relays: relay6[0] names one of them; the class tells which one Kea means."""
    hops: Hops = [
        ("2001:db8:1::5", "fe80::77", [interface_id("port-7")]),
        ("2001:db8:3::1", "2001:db8:1::2", [interface_id("outer")]),
    ]
    return _solicit(s, 14, [], hops)


def remote_guarded_subnet(s: Session) -> list[Step]:
    """Remote-id matches class remote, which guards subnet 2 (selected by interface-id)."""
    steps = sarr(s, duid_of(15), na(), RELAY_REMOTE, oro=ORO_ALL)
    renew = follow(s, steps[1][2], duid_of(15), RENEW, oro=ORO_ALL)
    return [*steps, send(s, "renew", renew, RELAY_REMOTE)]


def remote_missing(s: Session) -> list[Step]:
    """No remote-id: subnet 2 is not allowed, no subnet is selected."""
    return _solicit(s, 16, [], RELAY_NO_REMOTE)


def remote_information_request(s: Session) -> list[Step]:
    """Information-request through the remote relay: subnet 2's classes and info-req."""
    pkt = msg(s, INFORMATION_REQUEST, duid_of(17), [], oro=ORO_ALL)
    return [send(s, "info-request", pkt, RELAY_REMOTE)]


def link3_shared_network(s: Session) -> list[Step]:
    """Relay link 2001:db8:3::1: class link3, network net3 requiring req-net and req-subnet."""
    steps = sarr(s, duid_of(18), na(), RELAY_LINK3, oro=ORO_ALL)
    renew = follow(s, steps[1][2], duid_of(18), RENEW, oro=ORO_ALL)
    return [*steps, send(s, "renew", renew, RELAY_LINK3)]


def link3_lab_not_req_net(s: Session) -> list[Step]:
    """A lab client on net3: the required class req-net evaluates false."""
    return _solicit(s, 19, [LAB], RELAY_LINK3)


def vendor_option_class(s: Session) -> list[Step]:
    """Vendor-opts 12345 with sub-option 7 'abc': class vendor-opt."""
    return _solicit(s, 20, [vendor_opts(12345, (7, b"abc"))])


def vendor_option_wrong_enterprise(s: Session) -> list[Step]:
    """Sub-option 7 'abc' under enterprise 54321: no class."""
    return _solicit(s, 21, [vendor_opts(54321, (7, b"abc"))])


def information_request(s: Session) -> list[Step]:
    """Direct Information-request: class info-req (msgtype 11, iface srv0)."""
    pkt = msg(s, INFORMATION_REQUEST, duid_of(22), [], oro=ORO_ALL)
    return [s.send("info-request", pkt)]


def transid_class(s: Session) -> list[Step]:
    """A Solicit with transaction id 77777: class xid."""
    pkt = message(SOLICIT, duid_of(23), na(), xid=XID_CLASS, oro=ORO_ALL)
    return [s.send("solicit", pkt)]


def long_life_sarr(s: Session) -> list[Step]:
    """Class lifetimes (valid 4500, preferred 3500) instead of the global ones, then Renew."""
    extra = [raw(65005, b"\x01")]
    steps = sarr(s, duid_of(24), na(), oro=ORO_ALL, extra=extra)
    renew = follow(s, steps[1][2], duid_of(24), RENEW, oro=ORO_ALL, extra=extra)
    return [*steps, s.send("renew", renew)]


def long_life_hint_above_class(s: Session) -> list[Step]:
    """Lifetime hints above the class lifetimes."""
    ia = [IaSpec(1, addresses=[("::", 9000, 9999)])]
    s.hint("::")
    return _solicit_ias(s, 25, ia, [raw(65005, b"\x01")])


def _solicit_ias(
    s: Session, index: int, ias: list[IaSpec], extra: list[tuple[int, bytes]]
) -> list[Step]:
    return [s.send("solicit", msg(s, SOLICIT, duid_of(index), ias, oro=ORO_ALL, extra=extra))]


def pd_gold(s: Session) -> list[Step]:
    """Option 65006: the prefix comes from the pd-pool guarded by pd-gold."""
    return sarr(s, duid_of(26), [IaSpec(2, pd=True)], extra=[raw(65006, b"")])


def pd_plain(s: Session) -> list[Step]:
    """No option 65006: the prefix comes from the pd-pool guarded by not-gold."""
    return sarr(s, duid_of(27), [IaSpec(2, pd=True)])


def lab_renew_after_class_lost(s: Session) -> list[Step]:
    """A lab lease renewed by the same client without its user class (pool guard fails now)."""
    duid = duid_of(28)
    steps = sarr(s, duid, na(), oro=ORO_ALL, extra=[LAB])
    renew = follow(s, steps[1][2], duid, RENEW, oro=ORO_ALL)
    return [*steps, s.send("renew", renew)]


def unknown_option_text(s: Session) -> list[Step]:
    """``.text`` of an option without definition is Kea's dump 'type=65008, len=...'."""
    return _solicit(s, 31, [raw(65008, "plain")])


def guarded_subnet_never_matches(s: Session) -> list[Step]:
    """Relay link in subnet 5, whose guard class nobody matches: no subnet."""
    return _solicit(s, 29, [], [("2001:db8:5::1", "fe80::55", [])])


def guarded_subnet_matches(s: Session) -> list[Step]:
    """Relay link in subnet 5 with option 65007: the guard matches."""
    return _solicit(s, 30, [raw(65007, b"")], [("2001:db8:5::1", "fe80::56", [])])


SCRIPT = [
    plain_sarr,
    lab_sarr,
    lab_without_oro,
    dropped_by_class,
    docsis_modem,
    erouter,
    vendor_class_other,
    lab_and_docsis,
    colour_split_concat,
    colour_no_match,
    hexes_match,
    hexes_no_match,
    relay_port,
    relay_port_wrong_peer,
    relay_two_hops,
    remote_guarded_subnet,
    remote_missing,
    remote_information_request,
    link3_shared_network,
    link3_lab_not_req_net,
    vendor_option_class,
    vendor_option_wrong_enterprise,
    information_request,
    transid_class,
    long_life_sarr,
    long_life_hint_above_class,
    pd_gold,
    pd_plain,
    guarded_subnet_never_matches,
    guarded_subnet_matches,
    unknown_option_text,
    lab_renew_after_class_lost,  # last: it allocates one more address than a buggy server
]

A, R = "ADVERTISE", "REPLY"
EXPECTED: dict[str, list[str | None]] = {
    "plain_sarr": [A, R],
    "lab_sarr": [A, R],
    "lab_without_oro": [A],
    "dropped_by_class": [None, None],
    "docsis_modem": [A],
    "erouter": [A],
    "vendor_class_other": [A],
    "lab_and_docsis": [A, R],
    "colour_split_concat": [A],
    "colour_no_match": [A],
    "hexes_match": [A],
    "hexes_no_match": [A],
    "relay_port": [A, R],
    "relay_port_wrong_peer": [A],
    "relay_two_hops": [A],
    "remote_guarded_subnet": [A, R, R],
    "remote_missing": [A],
    "remote_information_request": [R],
    "link3_shared_network": [A, R, R],
    "link3_lab_not_req_net": [A],
    "vendor_option_class": [A],
    "vendor_option_wrong_enterprise": [A],
    "information_request": [R],
    "transid_class": [A],
    "long_life_sarr": [A, R, R],
    "long_life_hint_above_class": [A],
    "pd_gold": [A, R],
    "pd_plain": [A, R],
    "lab_renew_after_class_lost": [A, R, R],
    "guarded_subnet_never_matches": [A],
    "guarded_subnet_matches": [A],
    "unknown_option_text": [A],
}
