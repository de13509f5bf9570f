"""The configuration and the scripted exchanges of the DHCPv6 differential test.

Both servers get the same configuration (documentation prefixes) and the same script, played
in order over a veth link: the client namespace holds ``cli0`` (2001:db8:1::2) and the server
namespace ``srv0`` (2001:db8:1::1, configured for unicast as ``srv0/2001:db8:1::1``). Direct
client messages go to ff02::1:2 from port 546; relayed ones come from a relay agent at
2001:db8:1::2 port 547 sent to the server's unicast address.

Each exchange is a function of a :class:`Session` returning its steps: (label, sent xid,
received bytes or None). ``EXPECTED`` holds the message type each step must produce (None: no
answer), which checks the script against Kea as much as it checks Pukeko.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from ipaddress import IPv6Address, IPv6Network
from pathlib import Path
from typing import Any

from tests.support.dhcp6_client import (
    CONFIRM,
    DECLINE,
    IA_NA,
    INFORMATION_REQUEST,
    REBIND,
    RELEASE,
    RENEW,
    REQUEST,
    SOLICIT,
    IaSpec,
    duid_of,
    message,
    read_reply,
    request_from,
)
from tests.support.dhcp6_wire import RelayClient, WireClient

from pukeko.wire.pkt6 import Pkt6

SERVER_ADDRESS = "2001:db8:1::1"


SERVER_ID = {
    "type": "LLT",
    "htype": 1,
    "identifier": "0a0b0c0d0e0f",
    "time": 705032704,
    "persist": False,
}


def server_base(lease_file: Path, interface: str = f"srv0/{SERVER_ADDRESS}") -> dict[str, Any]:
    """What every test server configuration shares: listener, fixed server DUID, lease file."""
    return {
        "interfaces-config": {"interfaces": [interface]},
        "server-id": dict(SERVER_ID),
        "lease-database": {
            "type": "memfile",
            "persist": True,
            "name": str(lease_file),
            "lfc-interval": 0,
        },
        "renew-timer": 1000,
        "rebind-timer": 2000,
    }


CLIENT_ADDRESS = "2001:db8:1::2"
SERVER_DUID_HEX = "000100012a05f2000a0b0c0d0e0f"  # DUID-LLT, htype 1, time 705032704
VENDOR_ENTERPRISE = 12345
INTERFACE_ID_SUBNET2 = "relay2-port"
SUBNET2_LINK = "2001:db8:2::1"
SUBNET3_LINK = "2001:db8:3::1"
OPTION_DNS, OPTION_DOMAINS, OPTION_SNTP, OPTION_VENDOR_OPTS = 23, 24, 31, 17
OPTION_PD_EXCLUDE, OPTION_INTERFACE_ID = 67, 18

# label -> network, most specific first (placeholders name the pool an address came from)
POOLS: list[tuple[str, IPv6Network]] = [
    ("na-pool1", IPv6Network("2001:db8:1::100/120")),
    ("na-pool2", IPv6Network("2001:db8:2::100/120")),
    ("pd-pool1", IPv6Network("2001:db8:8::/56")),
    ("pd-pool2-excl", IPv6Network("2001:db8:9::/56")),
    ("na-pool3", IPv6Network("2001:db8:3::10/127")),
    ("pd-pool3", IPv6Network("2001:db8:a::/63")),
    ("subnet1", IPv6Network("2001:db8:1::/64")),
    ("subnet2", IPv6Network("2001:db8:2::/64")),
]


def server_config(workdir: Path, kind: str) -> dict[str, Any]:
    """The Dhcp6 configuration both servers run (lease file and logs under ``workdir``)."""
    return {
        "Dhcp6": {
            **server_base(workdir / f"{kind}-leases6.csv"),
            "preferred-lifetime": 3000,
            "min-preferred-lifetime": 2000,
            "max-preferred-lifetime": 4000,
            "valid-lifetime": 4000,
            "min-valid-lifetime": 3000,
            "max-valid-lifetime": 5000,
            "option-def": [
                {"name": "foo", "code": 1, "space": f"vendor-{VENDOR_ENTERPRISE}", "type": "string"}
            ],
            "option-data": [
                {"name": "dns-servers", "data": "2001:db8::53, 2001:db8::54"},
                {"name": "domain-search", "data": "example.com, example.org"},
                {"name": "foo", "space": f"vendor-{VENDOR_ENTERPRISE}", "data": "hello"},
                {"name": "vendor-opts", "data": str(VENDOR_ENTERPRISE), "always-send": True},
                {"name": "sntp-servers", "data": "2001:db8::123", "always-send": True},
            ],
            "subnet6": [
                {
                    "id": 1,
                    "subnet": "2001:db8:1::/64",
                    "interface": "srv0",
                    "pools": [{"pool": "2001:db8:1::100 - 2001:db8:1::1ff"}],
                    "pd-pools": [{"prefix": "2001:db8:8::", "prefix-len": 56, "delegated-len": 64}],
                    "option-data": [{"name": "domain-search", "data": "sub1.example.com"}],
                },
                {
                    "id": 2,
                    "subnet": "2001:db8:2::/64",
                    "interface-id": INTERFACE_ID_SUBNET2,
                    "rapid-commit": True,
                    "renew-timer": 1500,
                    "rebind-timer": 2500,
                    "preferred-lifetime": 3500,
                    "valid-lifetime": 4500,
                    "pools": [{"pool": "2001:db8:2::100 - 2001:db8:2::1ff"}],
                    "pd-pools": [
                        {
                            "prefix": "2001:db8:9::",
                            "prefix-len": 56,
                            "delegated-len": 64,
                            "excluded-prefix": "2001:db8:9:0:cafe:80::",
                            "excluded-prefix-len": 72,
                        }
                    ],
                    "option-data": [{"name": "dns-servers", "data": "2001:db8:2::53"}],
                },
                {
                    "id": 3,
                    "subnet": "2001:db8:3::/64",
                    "pools": [{"pool": "2001:db8:3::10 - 2001:db8:3::11"}],
                    "pd-pools": [{"prefix": "2001:db8:a::", "prefix-len": 63, "delegated-len": 64}],
                },
            ],
            "loggers": [
                {
                    "name": "kea-dhcp6",
                    "output_options": [{"output": "stdout"}],
                    "severity": "INFO",
                }
            ],
        }
    }


Step = tuple[str, int, bytes | None]  # label, xid sent, raw answer
Hops = list[tuple[str, str, list[tuple[int, bytes]]]]


@dataclass
class Session:
    """A client and a relay agent in the client namespace, talking to one server."""

    client: WireClient
    relay: RelayClient
    timeout: float = 1.0
    drop_timeout: float = 0.6
    next_xid: int = 0x100
    literal: set[IPv6Address] = field(default_factory=set)
    server_link_local: str = "fe80::1"
    kept: dict[object, bytes | None] = field(default_factory=dict)  # answers later steps reuse

    def xid(self) -> int:
        """A fresh transaction id (the same sequence for every server)."""
        self.next_xid += 1
        return self.next_xid

    def send(self, label: str, pkt: Pkt6, expect_answer: bool = True) -> Step:
        """Send ``pkt`` to ff02::1:2 and wait for its answer."""
        got = self.client.exchange(
            pkt, timeout=self.timeout if expect_answer else self.drop_timeout
        )
        return label, pkt.transaction_id, None if got is None else got.data

    def send_to(self, label: str, pkt: Pkt6, destination: str, expect_answer: bool = True) -> Step:
        """Send ``pkt`` straight to ``destination`` (unicast)."""
        wait = self.timeout if expect_answer else self.drop_timeout
        got = self.client.exchange(pkt, destination=destination, timeout=wait)
        return label, pkt.transaction_id, None if got is None else got.data

    def via_relay(
        self,
        label: str,
        pkt: Pkt6,
        hops: list[tuple[str, str, list[tuple[int, bytes]]]],
        expect_answer: bool = True,
    ) -> Step:
        """Send ``pkt`` through Relay-forward hops (closest to the client first)."""
        wait = self.timeout if expect_answer else self.drop_timeout
        got = self.relay.relay(pkt, hops, timeout=wait)
        return label, pkt.transaction_id, None if got is None else got.data

    def hint(self, *addresses: str) -> None:
        """Keep these addresses literal in the normalised replies (the script chose them)."""
        self.literal.update(IPv6Address(a.split("/")[0]) for a in addresses)


def _msg(session: Session, kind: int, duid: bytes | None, ias: list[IaSpec], **kw: Any) -> Pkt6:
    return message(kind, duid, ias, xid=session.xid(), **kw)


def _follow(session: Session, answer: bytes | None, duid: bytes, kind: int, **kw: Any) -> Pkt6:
    """A Request/Renew/... echoing what the last answer granted (empty IAs when none)."""
    if answer is None:
        return _msg(session, kind, duid, [IaSpec(1)], **kw)
    reply = read_reply(answer)
    return request_from(reply, duid, msg_type=kind, xid=session.xid(), **kw)


def _na() -> list[IaSpec]:
    return [IaSpec(1)]


def _na_pd() -> list[IaSpec]:
    return [IaSpec(1), IaSpec(2, pd=True)]


ORO_STD = [OPTION_DNS, OPTION_DOMAINS]


def _sarr(session: Session, duid: bytes, ias: list[IaSpec], **kw: Any) -> list[Step]:
    adv = session.send("solicit", _msg(session, SOLICIT, duid, ias, **kw))
    req = _follow(session, adv[2], duid, REQUEST, **kw)
    return [adv, session.send("request", req)]


# --- the exchanges --------------------------------------------------------------------------


def solicit_na(s: Session) -> list[Step]:
    """Solicit with one IA_NA and the usual ORO."""
    return [s.send("solicit", _msg(s, SOLICIT, duid_of(1), _na(), oro=ORO_STD))]


def solicit_no_oro(s: Session) -> list[Step]:
    """Solicit without an ORO: only always-send options besides the IA."""
    return [s.send("solicit", _msg(s, SOLICIT, duid_of(2), _na()))]


def sarr_na(s: Session) -> list[Step]:
    """Solicit, Advertise, Request, Reply for one IA_NA."""
    return _sarr(s, duid_of(3), _na(), oro=ORO_STD)


def sarr_na_pd(s: Session) -> list[Step]:
    """Four-way exchange with an IA_NA and an IA_PD."""
    return _sarr(s, duid_of(4), _na_pd(), oro=ORO_STD)


def several_ias(s: Session) -> list[Step]:
    """Two IA_NA and two IA_PD in one message."""
    ias = [IaSpec(11), IaSpec(12), IaSpec(21, pd=True), IaSpec(22, pd=True)]
    return _sarr(s, duid_of(5), ias, oro=ORO_STD)


def renew(s: Session) -> list[Step]:
    """Request, then Renew the binding (sent to ff02::1:2, as a client does)."""
    duid = duid_of(6)
    steps = _sarr(s, duid, _na_pd(), oro=ORO_STD)
    return [*steps, s.send("renew", _follow(s, steps[1][2], duid, RENEW, oro=ORO_STD))]


def rebind(s: Session) -> list[Step]:
    """Request, then Rebind (no server id)."""
    duid = duid_of(7)
    steps = _sarr(s, duid, _na_pd(), oro=ORO_STD)
    return [*steps, s.send("rebind", _follow(s, steps[1][2], duid, REBIND, oro=ORO_STD))]


def release(s: Session) -> list[Step]:
    """Request, Release, then Renew the released binding."""
    duid = duid_of(8)
    steps = _sarr(s, duid, _na_pd())
    rel = s.send("release", _follow(s, steps[1][2], duid, RELEASE))
    again = s.send("renew-after-release", _follow(s, steps[1][2], duid, RENEW))
    return [*steps, rel, again]


def decline(s: Session) -> list[Step]:
    """Request an address, then Decline it; a new Solicit gets another one."""
    duid = duid_of(9)
    steps = _sarr(s, duid, _na())
    dec = s.send("decline", _follow(s, steps[1][2], duid, DECLINE))
    again = s.send("solicit-after-decline", _msg(s, SOLICIT, duid, _na()))
    return [*steps, dec, again]


def confirm_on_link(s: Session) -> list[Step]:
    """Confirm an address inside subnet 1: Success."""
    s.hint("2001:db8:1::123")
    ia = IaSpec(1, addresses=[("2001:db8:1::123", 0, 0)])
    return [s.send("confirm", _msg(s, CONFIRM, duid_of(10), [ia]))]


def confirm_off_link(s: Session) -> list[Step]:
    """Confirm an address of no configured subnet: NotOnLink."""
    s.hint("2001:db8:77::1")
    ia = IaSpec(1, addresses=[("2001:db8:77::1", 0, 0)])
    return [s.send("confirm", _msg(s, CONFIRM, duid_of(11), [ia]))]


def confirm_without_addresses(s: Session) -> list[Step]:
    """Confirm with an empty IA_NA: RFC 8415 §18.3.3 says no reply (Kea drops it)."""
    return [s.send("confirm", _msg(s, CONFIRM, duid_of(12), [IaSpec(1)]), expect_answer=False)]


def information_request(s: Session) -> list[Step]:
    """Information-request with and without an ORO, with and without a client id."""
    return [
        s.send("with-oro", _msg(s, INFORMATION_REQUEST, duid_of(13), [], oro=ORO_STD)),
        s.send("no-oro", _msg(s, INFORMATION_REQUEST, duid_of(13), [])),
        s.send("no-client-id", _msg(s, INFORMATION_REQUEST, None, [], oro=[OPTION_DNS])),
    ]


def rapid_commit_not_enabled(s: Session) -> list[Step]:
    """Rapid commit in subnet 1 (not enabled): an ordinary Advertise."""
    return [s.send("solicit", _msg(s, SOLICIT, duid_of(14), _na(), rapid_commit=True))]


def rapid_commit_relayed(s: Session) -> list[Step]:
    """Rapid commit through a relay with interface-id into subnet 2: a Reply at once."""
    hops = [(SUBNET2_LINK, "fe80::1234", [(OPTION_INTERFACE_ID, INTERFACE_ID_SUBNET2.encode())])]
    pkt = _msg(s, SOLICIT, duid_of(15), _na_pd(), rapid_commit=True, oro=ORO_STD)
    return [s.via_relay("solicit", pkt, hops)]


def relayed_unspecified_link_address(s: Session) -> list[Step]:
    """One hop with interface-id but link-address "::": Kea selects as for direct traffic."""
    hops = [("::", "fe80::1235", [(OPTION_INTERFACE_ID, INTERFACE_ID_SUBNET2.encode())])]
    pkt = _msg(s, SOLICIT, duid_of(38), _na(), rapid_commit=True, oro=ORO_STD)
    return [s.via_relay("solicit", pkt, hops)]


def relayed_two_hops(s: Session) -> list[Step]:
    """Four-way exchange over two relay hops, interface-id on both hops."""
    duid = duid_of(16)
    hops = [
        ("::", "fe80::16", [(OPTION_INTERFACE_ID, INTERFACE_ID_SUBNET2.encode())]),
        (CLIENT_ADDRESS, "2001:db8:1::77", [(OPTION_INTERFACE_ID, b"uplink-7")]),
    ]
    adv = s.via_relay("solicit", _msg(s, SOLICIT, duid, _na_pd(), oro=ORO_STD), hops)
    req = _follow(s, adv[2], duid, REQUEST, oro=ORO_STD)
    return [adv, s.via_relay("request", req, hops)]


def relayed_link_address(s: Session) -> list[Step]:
    """One relay hop without interface-id; the link-address selects subnet 1."""
    hops: Hops = [("2001:db8:1::5", "fe80::17", [])]
    return [s.via_relay("solicit", _msg(s, SOLICIT, duid_of(17), _na(), oro=ORO_STD), hops)]


def relayed_pd_exclude(s: Session) -> list[Step]:
    """IA_PD from the pool with an excluded prefix, with and without option 67 in the ORO."""
    hops = [(SUBNET2_LINK, "fe80::18", [(OPTION_INTERFACE_ID, INTERFACE_ID_SUBNET2.encode())])]
    plain = _msg(s, SOLICIT, duid_of(18), [IaSpec(1, pd=True)])
    asked = _msg(s, SOLICIT, duid_of(19), [IaSpec(1, pd=True)], oro=[OPTION_PD_EXCLUDE])
    return [s.via_relay("no-oro", plain, hops), s.via_relay("oro-67", asked, hops)]


def hints_in_pool(s: Session) -> list[Step]:
    """Address and prefix hints inside the pools are granted."""
    s.hint("2001:db8:1::1a0", "2001:db8:8:42::")
    ias = [
        IaSpec(1, addresses=[("2001:db8:1::1a0", 0, 0)]),
        IaSpec(2, pd=True, prefixes=[("2001:db8:8:42::", 64, 0, 0)]),
    ]
    return _sarr(s, duid_of(20), ias)


def hints_outside_pool(s: Session) -> list[Step]:
    """Hints outside the pools (in the subnet, and outside it) are not granted."""
    s.hint("2001:db8:1::5", "2001:db8:77::1", "2001:db8:77::")
    ias = [
        IaSpec(1, addresses=[("2001:db8:1::5", 0, 0)]),
        IaSpec(2, addresses=[("2001:db8:77::1", 0, 0)]),
        IaSpec(3, pd=True, prefixes=[("2001:db8:77::", 64, 0, 0)]),
    ]
    return [s.send("solicit", _msg(s, SOLICIT, duid_of(21), ias))]


def prefix_length_hint(s: Session) -> list[Step]:
    """An IA_PD hint with only a prefix length (::/60)."""
    s.hint("::")
    ias = [IaSpec(1, pd=True, prefixes=[("::", 60, 0, 0)])]
    return [s.send("solicit", _msg(s, SOLICIT, duid_of(22), ias))]


def lifetime_hints_above_max(s: Session) -> list[Step]:
    """Lifetime hints above max-* are clamped to the maximum."""
    ias = [
        IaSpec(1, addresses=[("::", 9000, 9999)]),
        IaSpec(2, pd=True, prefixes=[("::", 0, 9000, 9999)]),
    ]
    s.hint("::")
    return _sarr(s, duid_of(23), ias)


def lifetime_hints_below_min(s: Session) -> list[Step]:
    """Lifetime hints below min-* are raised to the minimum."""
    ias = [
        IaSpec(1, addresses=[("::", 100, 200)]),
        IaSpec(2, pd=True, prefixes=[("::", 0, 100, 200)]),
    ]
    s.hint("::")
    return _sarr(s, duid_of(24), ias)


def wrong_server_id(s: Session) -> list[Step]:
    """A Request naming another server is dropped."""
    other = bytes.fromhex("000100012a05f200deadbeef0001")
    pkt = _msg(s, REQUEST, duid_of(25), _na(), server_id=other)
    return [s.send("request", pkt, expect_answer=False)]


def renew_unknown_binding(s: Session) -> list[Step]:
    """Renew of an address the server never leased to this client."""
    s.hint("2001:db8:1::1fe")
    ia = IaSpec(1, addresses=[("2001:db8:1::1fe", 3000, 4000)])
    pkt = _msg(s, RENEW, duid_of(26), [ia], server_id=bytes.fromhex(SERVER_DUID_HEX))
    return [s.send("renew", pkt)]


def rebind_unknown_binding(s: Session) -> list[Step]:
    """Rebind of an address the server never leased to this client."""
    s.hint("2001:db8:1::1fd")
    ia = IaSpec(1, addresses=[("2001:db8:1::1fd", 3000, 4000)])
    return [s.send("rebind", _msg(s, REBIND, duid_of(27), [ia]))]


def release_unknown_binding(s: Session) -> list[Step]:
    """Release of an address the client does not hold."""
    s.hint("2001:db8:1::1fc")
    ia = IaSpec(1, addresses=[("2001:db8:1::1fc", 0, 0)])
    pkt = _msg(s, RELEASE, duid_of(28), [ia], server_id=bytes.fromhex(SERVER_DUID_HEX))
    return [s.send("release", pkt)]


def decline_unknown_binding(s: Session) -> list[Step]:
    """Decline of an address the client does not hold."""
    s.hint("2001:db8:1::1fb")
    ia = IaSpec(1, addresses=[("2001:db8:1::1fb", 0, 0)])
    pkt = _msg(s, DECLINE, duid_of(29), [ia], server_id=bytes.fromhex(SERVER_DUID_HEX))
    return [s.send("decline", pkt)]


def oro_variants(s: Session) -> list[Step]:
    """Information-requests with ORO variants: vendor option, unknown code, repeated codes."""
    return [
        s.send("oro-dns", _msg(s, INFORMATION_REQUEST, duid_of(30), [], oro=[OPTION_DNS])),
        s.send("oro-vendor", _msg(s, INFORMATION_REQUEST, duid_of(30), [], oro=[17, 24])),
        s.send("oro-unknown", _msg(s, INFORMATION_REQUEST, duid_of(30), [], oro=[999, 23])),
        s.send("oro-repeat", _msg(s, INFORMATION_REQUEST, duid_of(30), [], oro=[24, 23, 24])),
        s.send("oro-sntp", _msg(s, INFORMATION_REQUEST, duid_of(30), [], oro=[OPTION_SNTP])),
    ]


def solicit_without_ia(s: Session) -> list[Step]:
    """Solicit with no IA at all."""
    return [s.send("solicit", _msg(s, SOLICIT, duid_of(31), [], oro=ORO_STD))]


def solicit_ia_ta(s: Session) -> list[Step]:
    """Solicit with an IA_TA (temporary addresses)."""
    from pukeko.wire.ia6 import encode_ia

    pkt = _msg(s, SOLICIT, duid_of(32), [], extra=[(4, encode_ia(4, 7, 0, 0, []))])
    return [s.send("solicit", pkt)]


def request_unicast_configured(s: Session) -> list[Step]:
    """A Request unicast to the address interfaces-config names for unicast: answered."""
    duid = duid_of(33)
    adv = s.send("solicit", _msg(s, SOLICIT, duid, _na()))
    req = _follow(s, adv[2], duid, REQUEST)
    return [adv, s.send_to("request", req, SERVER_ADDRESS)]


def solicit_unicast(s: Session) -> list[Step]:
    """A Solicit sent straight to a unicast address is dropped (RFC 8415 §18.4)."""
    pkt = _msg(s, SOLICIT, duid_of(34), _na())
    return [s.send_to("solicit", pkt, SERVER_ADDRESS, expect_answer=False)]


def request_without_server_id(s: Session) -> list[Step]:
    """A Request without a server id is dropped (RFC 8415 §16.4)."""
    return [s.send("request", _msg(s, REQUEST, duid_of(35), _na()), expect_answer=False)]


def solicit_with_server_id(s: Session) -> list[Step]:
    """A Solicit carrying a server id is dropped (RFC 8415 §16.2)."""
    pkt = _msg(s, SOLICIT, duid_of(36), _na(), server_id=bytes.fromhex(SERVER_DUID_HEX))
    return [s.send("solicit", pkt, expect_answer=False)]


def resolicit_same_client(s: Session) -> list[Step]:
    """A client that already has a lease solicits again: it gets the same address."""
    duid = duid_of(37)
    steps = _sarr(s, duid, _na_pd())
    return [*steps, s.send("solicit-again", _msg(s, SOLICIT, duid, _na_pd()))]


def _relay3(s: Session, label: str, pkt: Pkt6, peer: str = "fe80::30") -> Step:
    return s.via_relay(label, pkt, [(SUBNET3_LINK, peer, [])])


def pool_exhaustion(s: Session) -> list[Step]:
    """Subnet 3 has two addresses and two prefixes: the third client gets NoAddrsAvail."""
    steps: list[Step] = []
    for index in range(3):
        duid = duid_of(40 + index)
        adv = _relay3(s, f"solicit-{index}", _msg(s, SOLICIT, duid, _na_pd()))
        req = _follow(s, adv[2], duid, REQUEST)
        steps += [adv, _relay3(s, f"request-{index}", req)]
    return steps


def request_address_of_another_client(s: Session) -> list[Step]:
    """A Request naming an address another client holds (subnet 3 is full)."""
    s.hint("2001:db8:3::10", "2001:db8:a::")
    ias = [
        IaSpec(1, addresses=[("2001:db8:3::10", 0, 0)]),
        IaSpec(2, pd=True, prefixes=[("2001:db8:a::", 64, 0, 0)]),
    ]
    pkt = _msg(s, REQUEST, duid_of(44), ias, server_id=bytes.fromhex(SERVER_DUID_HEX))
    return [_relay3(s, "request", pkt)]


def renew_with_other_address(s: Session) -> list[Step]:
    """Renew naming an address the client does not hold while it holds another."""
    duid = duid_of(45)
    steps = _sarr(s, duid, _na())
    s.hint("2001:db8:1::1f0")
    ia = IaSpec(1, addresses=[("2001:db8:1::1f0", 3000, 4000)])
    pkt = _msg(s, RENEW, duid, [ia], server_id=bytes.fromhex(SERVER_DUID_HEX))
    return [*steps, s.send("renew", pkt)]


def release_wrong_iaid(s: Session) -> list[Step]:
    """Release of the client's own address under another IAID."""
    duid = duid_of(46)
    steps = _sarr(s, duid, _na())
    reply = read_reply(steps[1][2]) if steps[1][2] else None
    addresses = [] if reply is None else reply.ias(IA_NA)[0].addresses()
    spec = IaSpec(99, addresses=[(str(IPv6Address(a.address)), 0, 0) for a in addresses])
    pkt = _msg(s, RELEASE, duid, [spec], server_id=bytes.fromhex(SERVER_DUID_HEX))
    return [*steps, s.send("release", pkt)]


def rebind_off_link(s: Session) -> list[Step]:
    """Rebind of an address that is not on any configured link."""
    s.hint("2001:db8:77::5")
    ia = IaSpec(1, addresses=[("2001:db8:77::5", 3000, 4000)])
    return [s.send("rebind", _msg(s, REBIND, duid_of(47), [ia]))]


def confirm_mixed(s: Session) -> list[Step]:
    """Confirm with one on-link and one off-link address: NotOnLink."""
    s.hint("2001:db8:1::150", "2001:db8:77::9")
    ia = IaSpec(1, addresses=[("2001:db8:1::150", 0, 0), ("2001:db8:77::9", 0, 0)])
    return [s.send("confirm", _msg(s, CONFIRM, duid_of(48), [ia]))]


def several_hints_one_ia(s: Session) -> list[Step]:
    """One IA_NA carrying two address hints inside the pool."""
    s.hint("2001:db8:1::1c0", "2001:db8:1::1c1")
    ia = IaSpec(1, addresses=[("2001:db8:1::1c0", 0, 0), ("2001:db8:1::1c1", 0, 0)])
    return _sarr(s, duid_of(49), [ia])


def vendor_sub_option_request(s: Session) -> list[Step]:
    """A vendor-opts (17) ORO sub-option asking for vendor option 1 of enterprise 12345."""
    vendor = VENDOR_ENTERPRISE.to_bytes(4, "big") + b"\x00\x01\x00\x02\x00\x01"
    pkt = _msg(s, INFORMATION_REQUEST, duid_of(50), [], oro=[17], extra=[(17, vendor)])
    return [s.send("info-request", pkt)]


def relay_supplied_options(s: Session) -> list[Step]:
    """A relay sends RSOO (66) with an ERP local domain name (65): echoed to the client."""
    erp = b"\x03erp\x07example\x00"
    rsoo = (66, (65).to_bytes(2, "big") + len(erp).to_bytes(2, "big") + erp)
    hops = [
        (SUBNET2_LINK, "fe80::51", [(OPTION_INTERFACE_ID, INTERFACE_ID_SUBNET2.encode()), rsoo])
    ]
    pkt = _msg(s, SOLICIT, duid_of(51), _na(), oro=[65])
    return [s.via_relay("solicit", pkt, hops)]


def relayed_information_request(s: Session) -> list[Step]:
    """Information-request through a relay into subnet 2: subnet 2's options."""
    hops = [(SUBNET2_LINK, "fe80::52", [(OPTION_INTERFACE_ID, INTERFACE_ID_SUBNET2.encode())])]
    pkt = _msg(s, INFORMATION_REQUEST, duid_of(52), [], oro=ORO_STD)
    return [s.via_relay("info-request", pkt, hops)]


def information_request_with_ia(s: Session) -> list[Step]:
    """Information-request carrying an IA_NA and our server id: the IA is ignored."""
    pkt = _msg(
        s,
        INFORMATION_REQUEST,
        duid_of(53),
        _na(),
        oro=[23],
        server_id=bytes.fromhex(SERVER_DUID_HEX),
    )
    return [s.send("info-request", pkt)]


def request_rapid_commit_subnet1(s: Session) -> list[Step]:
    """A Request carrying rapid commit: the option is not echoed."""
    return _sarr(s, duid_of(54), _na(), rapid_commit=True)


def oversized_duid(s: Session) -> list[Step]:
    """A client id longer than 128 bytes is refused (dropped)."""
    duid = b"\x00\x02" + bytes(200)
    return [s.send("solicit", _msg(s, SOLICIT, duid, _na()), expect_answer=False)]


def renew_unicast_link_local(s: Session) -> list[Step]:
    """Renew unicast to the server's link-local address (not configured for unicast)."""
    duid = duid_of(55)
    steps = _sarr(s, duid, _na())
    pkt = _follow(s, steps[1][2], duid, RENEW)
    return [*steps, s.send_to("renew", pkt, s.server_link_local)]


def decline_prefix(s: Session) -> list[Step]:
    """Decline naming a delegated prefix (Decline is for addresses only)."""
    duid = duid_of(56)
    steps = _sarr(s, duid, [IaSpec(2, pd=True)])
    return [*steps, s.send("decline", _follow(s, steps[1][2], duid, DECLINE))]


SCRIPT: list[Callable[[Session], list[Step]]] = [
    solicit_na,
    solicit_no_oro,
    sarr_na,
    sarr_na_pd,
    several_ias,
    renew,
    rebind,
    release,
    decline,
    confirm_on_link,
    confirm_off_link,
    confirm_without_addresses,
    information_request,
    rapid_commit_not_enabled,
    rapid_commit_relayed,
    relayed_unspecified_link_address,
    relayed_two_hops,
    relayed_link_address,
    relayed_pd_exclude,
    hints_in_pool,
    hints_outside_pool,
    prefix_length_hint,
    lifetime_hints_above_max,
    lifetime_hints_below_min,
    wrong_server_id,
    renew_unknown_binding,
    rebind_unknown_binding,
    release_unknown_binding,
    decline_unknown_binding,
    oro_variants,
    solicit_without_ia,
    solicit_ia_ta,
    request_unicast_configured,
    solicit_unicast,
    request_without_server_id,
    solicit_with_server_id,
    resolicit_same_client,
    pool_exhaustion,
    request_address_of_another_client,
    renew_with_other_address,
    release_wrong_iaid,
    rebind_off_link,
    confirm_mixed,
    several_hints_one_ia,
    vendor_sub_option_request,
    relay_supplied_options,
    relayed_information_request,
    information_request_with_ia,
    request_rapid_commit_subnet1,
    oversized_duid,
    renew_unicast_link_local,
    decline_prefix,
]

A, R = "ADVERTISE", "REPLY"
# exchange -> the message type of each step's answer (None: the server must not answer)
EXPECTED: dict[str, list[str | None]] = {
    "solicit_na": [A],
    "solicit_no_oro": [A],
    "sarr_na": [A, R],
    "sarr_na_pd": [A, R],
    "several_ias": [A, R],
    "renew": [A, R, R],
    "rebind": [A, R, R],
    "release": [A, R, R, R],
    "decline": [A, R, R, A],
    "confirm_on_link": [R],
    "confirm_off_link": [R],
    "confirm_without_addresses": [None],
    "information_request": [R, R, R],
    "rapid_commit_not_enabled": [A],
    "rapid_commit_relayed": [R],
    "relayed_unspecified_link_address": [A],
    "relayed_two_hops": [A, R],
    "relayed_link_address": [A],
    "relayed_pd_exclude": [A, A],
    "hints_in_pool": [A, R],
    "hints_outside_pool": [A],
    "prefix_length_hint": [A],
    "lifetime_hints_above_max": [A, R],
    "lifetime_hints_below_min": [A, R],
    "wrong_server_id": [None],
    "renew_unknown_binding": [R],
    "rebind_unknown_binding": [R],
    "release_unknown_binding": [R],
    "decline_unknown_binding": [R],
    "oro_variants": [R, R, R, R, R],
    "solicit_without_ia": [A],
    "solicit_ia_ta": [A],
    "request_unicast_configured": [A, R],
    "solicit_unicast": [None],
    "request_without_server_id": [None],
    "solicit_with_server_id": [None],
    "resolicit_same_client": [A, R, A],
    "pool_exhaustion": [A, R, A, R, A, R],
    "request_address_of_another_client": [R],
    "renew_with_other_address": [A, R, R],
    "release_wrong_iaid": [A, R, R],
    "rebind_off_link": [R],
    "confirm_mixed": [R],
    "several_hints_one_ia": [A, R],
    "vendor_sub_option_request": [R],
    "relay_supplied_options": [A],
    "relayed_information_request": [R],
    "information_request_with_ia": [R],
    "request_rapid_commit_subnet1": [A, R],
    "oversized_duid": [None],
    "renew_unicast_link_local": [A, R, R],
    "decline_prefix": [A, R, R],
}
