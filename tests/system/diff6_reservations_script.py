"""Configuration and script of the host-reservation differential test (issue 6).

Subnets are selected by the link: subnet 1 is the direct link, the others are reached through
a relay whose link-address lies in them. Each subnet shows one set of reservation rules:

1. reservations global and in subnet (the defaults plus ``reservations-global``): in-pool and
   out-of-pool addresses, several addresses, prefixes, hostnames, host options over pool,
   subnet, class and global options, host classes, hw-address identifiers, global hosts;
2. UNKNOWN, KNOWN (through a class testing it) and a class given only by reservations guard
   the pools;
3. ``reservations-out-of-pool``: an in-pool reservation is ignored, an out-of-pool one kept;
4. ``reservations-in-subnet`` and ``reservations-global`` off: no host at all;
5 and 6. a shared network: the reservation is in the sibling subnet 6, the relay names 5;
7. the older ``reservation-mode: global``.

The last exchanges play the conflict of spec 000: client A holds X (and prefix P); the
configuration is changed (``phase`` 1) to reserve X and P for client B; B asks, A renews (its
X comes back with lifetimes 0 and a new address), B asks again and gets X. The same with
Rebind for clients C and D. Reserved addresses stay literal in the normalised answers, so
the comparison checks the exact address, not just its pool.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from ipaddress import IPv6Network
from pathlib import Path
from typing import Any

from tests.support.dhcp6_client import (
    DECLINE,
    INFORMATION_REQUEST,
    REBIND,
    RELEASE,
    RENEW,
    REQUEST,
    SOLICIT,
    IaSpec,
    duid_of,
)
from tests.system.diff6_script import Session, Step, server_base
from tests.system.diff6_steps import SERVER_ID, Hops, Option, follow, msg, na, na_pd, sarr, send

# sip-addr, dns, domains, nis, nisp, nis-domain, sntp, bcmcs-dns
ORO = [22, 23, 24, 27, 28, 29, 31, 33]
OPTION_CLIENT_FQDN = 39
FQDN_S = 0x01
PHASES = (0, 1)


@dataclass
class ReconfigSession(Session):
    """A :class:`Session` that can switch the server to another configuration phase."""

    reconfigure: Callable[[int], None] = lambda phase: None


def duid_text(index: int) -> str:
    """The colon-hex of ``duid_of(index)`` as a reservation's ``duid``."""
    return duid_of(index).hex(":")


def mac_text(index: int) -> str:
    """The link-layer address inside ``duid_of(index)`` (a DUID-LL) as ``hw-address``."""
    return duid_of(index)[4:].hex(":")


MAC_OPT79 = bytes.fromhex("0a0000000079")  # in a relay's client link-layer address option
MAC_REMOTE_ID = bytes.fromhex("0a0000000037")  # the data of a relay's remote-id option
REMOTE_ENTERPRISE = 4491


def duid_en(index: int) -> bytes:
    """A DUID-EN (no link-layer address inside) per integer."""
    return bytes.fromhex("000200003039") + index.to_bytes(4, "big")


def _opt(name: str, data: str) -> dict[str, Any]:
    return {"name": name, "data": data}


# The conflict: A (201) and C (203) hold X1/P1 and X2 before phase 1 reserves them for B / D.
A, B, C, D = 201, 202, 203, 204
MOVED_107 = "2001:db8:1::171"
X1, P1, X2 = "2001:db8:1::1e0", "2001:db8:8:e0::", "2001:db8:1::1e1"

SUBNET1_HOSTS: list[dict[str, Any]] = [
    {"duid": duid_text(101), "ip-addresses": ["2001:db8:1::150"], "hostname": "resv-one"},
    {
        "duid": duid_text(102),
        "ip-addresses": ["2001:db8:1::10", "2001:db8:1::11"],
        "prefixes": ["2001:db8:7:100::/64", "2001:db8:7:200::/64"],
        "hostname": "resv-two.example.org",
        "option-data": [_opt("dns-servers", "2001:db8::1:53"), _opt("domain-search", "host.ex")],
    },
    {"hw-address": mac_text(103), "ip-addresses": ["2001:db8:1::12"]},
    {"duid": duid_text(104), "prefixes": ["2001:db8:8:80::/64"]},
    {
        "duid": duid_text(105),
        "ip-addresses": ["2001:db8:1::160"],
        "prefixes": ["2001:db8:8:90::/64"],
    },
    {"duid": duid_text(106), "client-classes": ["resv-class"]},
    {
        "duid": duid_text(107),
        "ip-addresses": ["2001:db8:1::170"],
        "option-data": [_opt("domain-search", "host7.ex"), _opt("sntp-servers", "2001:db8::7")],
        "client-classes": ["resv-class"],
    },
    {"hw-address": mac_text(108), "hostname": "by-mac", "client-classes": ["resv-class"]},
    {"duid": duid_text(115), "ip-addresses": ["2001:db8:1::30"], "hostname": "subnet-115"},
    {"hw-address": MAC_OPT79.hex(":"), "ip-addresses": ["2001:db8:1::31"]},
    {"hw-address": MAC_REMOTE_ID.hex(":"), "ip-addresses": ["2001:db8:1::32"]},
    {"duid": duid_text(116), "ip-addresses": ["2001:db8:1::190"]},
    {"hw-address": mac_text(118), "ip-addresses": ["2001:db8:1::40"]},
    {"duid": duid_text(118), "ip-addresses": ["2001:db8:1::41"]},
    {"duid": duid_text(119), "prefixes": ["2001:db8:7:300::/56"]},
    {"duid": duid_text(117), "ip-addresses": ["2001:db8:1::191"]},
    # never asks: its pool address and prefix must not go to the clients hinting at them
    {
        "duid": duid_text(114),
        "ip-addresses": ["2001:db8:1::180"],
        "prefixes": ["2001:db8:8:b0::/64"],
    },
]
GLOBAL_HOSTS: list[dict[str, Any]] = [
    {
        "duid": duid_text(115),
        "hostname": "global-115",
        "option-data": [_opt("nis-servers", "2001:db8::115")],
    },
    {
        "duid": duid_text(110),
        "ip-addresses": ["2001:db8:1::20"],
        "hostname": "global-host",
        "option-data": [_opt("nis-servers", "2001:db8::110")],
        "client-classes": ["resv-class"],
    },
    {"duid": duid_text(111), "hostname": "global-only"},
]
CONFLICT_HOSTS: list[dict[str, Any]] = [
    {"duid": duid_text(B), "ip-addresses": [X1], "prefixes": [f"{P1}/64"]},
    {"duid": duid_text(D), "ip-addresses": [X2]},
]
RESERVED = [
    "2001:db8:1::150",
    "2001:db8:1::10",
    "2001:db8:1::11",
    "2001:db8:7:100::",
    "2001:db8:7:200::",
    "2001:db8:1::12",
    "2001:db8:8:80::",
    "2001:db8:1::160",
    "2001:db8:8:90::",
    "2001:db8:1::170",
    MOVED_107,
    "2001:db8:1::30",
    "2001:db8:1::31",
    "2001:db8:1::32",
    "2001:db8:1::190",
    "2001:db8:1::40",
    "2001:db8:1::41",
    "2001:db8:7:300::",
    "2001:db8:1::191",
    "2001:db8:1::180",
    "2001:db8:8:b0::",
    "2001:db8:1::20",
    "2001:db8:3::10",
    "2001:db8:3::150",
    "2001:db8:4::10",
    "2001:db8:6::10",
    "2001:db8:7::10",
    X1,
    P1,
    X2,
]

POOLS: list[tuple[str, IPv6Network]] = [
    ("na-pool1", IPv6Network("2001:db8:1::100/120")),
    ("pd-pool1", IPv6Network("2001:db8:8::/56")),
    ("na-resv-class", IPv6Network("2001:db8:2::300/120")),
    ("na-known", IPv6Network("2001:db8:2::100/120")),
    ("na-unknown", IPv6Network("2001:db8:2::200/120")),
    ("na-pool3", IPv6Network("2001:db8:3::100/120")),
    ("na-pool4", IPv6Network("2001:db8:4::100/120")),
    ("na-pool5", IPv6Network("2001:db8:5::100/120")),
    ("na-pool6", IPv6Network("2001:db8:6::100/120")),
    ("na-pool7", IPv6Network("2001:db8:7::100/120")),
]

CLIENT_CLASSES: list[dict[str, Any]] = [
    {
        "name": "resv-class",
        "option-data": [
            _opt("domain-search", "class.ex"),
            _opt("nis-domain-name", "class.ex"),
            _opt("sntp-servers", "2001:db8::c1"),
        ],
    },
    {"name": "known-plain", "test": "member('KNOWN') and not member('resv-class')"},
    {
        "name": "known-opt",
        "test": "member('KNOWN')",
        "option-data": [_opt("bcmcs-server-dns", "known.ex")],
    },
    {
        "name": "unknown-opt",
        "test": "member('UNKNOWN')",
        "option-data": [_opt("sip-server-addr", "2001:db8::5060")],
    },
    # tests a class only reservations give: evaluated before the host lookup in Kea 2.2
    {
        "name": "via-resv",
        "test": "member('resv-class')",
        "option-data": [_opt("nisp-servers", "2001:db8::28")],
    },
]


def _subnet(index: int, **extra: Any) -> dict[str, Any]:
    return {
        "id": index,
        "subnet": f"2001:db8:{index}::/64",
        "pools": [{"pool": f"2001:db8:{index}::100 - 2001:db8:{index}::1ff"}],
        **extra,
    }


def _phase_hosts(phase: int) -> list[dict[str, Any]]:
    """Subnet 1's hosts: phase 1 adds the conflict hosts, moves host 107's address to
    ::171 and drops host 104 (its in-pool prefix is no longer reserved)."""
    if not phase:
        return SUBNET1_HOSTS
    hosts = [h for h in SUBNET1_HOSTS if h.get("duid") != duid_text(104)]
    hosts = [
        {**h, "ip-addresses": [MOVED_107]} if h.get("duid") == duid_text(107) else h for h in hosts
    ]
    return hosts + CONFLICT_HOSTS


def _subnets(phase: int) -> list[dict[str, Any]]:
    hosts1 = _phase_hosts(phase)
    return [
        _subnet(
            1,
            interface="srv0",
            pools=[
                {
                    "pool": "2001:db8:1::100 - 2001:db8:1::1ff",
                    "option-data": [_opt("domain-search", "pool.ex")],
                }
            ],
            **{
                "pd-pools": [{"prefix": "2001:db8:8::", "prefix-len": 56, "delegated-len": 64}],
                "option-data": [_opt("domain-search", "subnet1.ex")],
                "reservations-global": True,
                "reservations-in-subnet": True,
                "reservations": hosts1,
            },
        ),
        _subnet(
            2,
            pools=[
                {"pool": "2001:db8:2::300 - 2001:db8:2::3ff", "client-class": "resv-class"},
                {"pool": "2001:db8:2::100 - 2001:db8:2::1ff", "client-class": "known-plain"},
                {"pool": "2001:db8:2::200 - 2001:db8:2::2ff", "client-class": "UNKNOWN"},
            ],
            reservations=[
                {"duid": duid_text(121), "hostname": "known-one"},
                {"duid": duid_text(122), "client-classes": ["resv-class"]},
            ],
        ),
        _subnet(
            3,
            **{
                "reservations-out-of-pool": True,
                "reservations": [
                    {"duid": duid_text(131), "ip-addresses": ["2001:db8:3::10"]},
                    {
                        "duid": duid_text(132),
                        "ip-addresses": ["2001:db8:3::150"],
                        "option-data": [_opt("domain-search", "in-pool-host.ex")],
                    },
                ],
            },
        ),
        _subnet(
            4,
            **{
                "reservations-in-subnet": False,
                "reservations-global": False,
                "reservations": [
                    {
                        "duid": duid_text(141),
                        "ip-addresses": ["2001:db8:4::10"],
                        "option-data": [_opt("domain-search", "ignored.ex")],
                    }
                ],
            },
        ),
        _subnet(
            7,
            **{"reservation-mode": "global"},
            reservations=[{"duid": duid_text(171), "ip-addresses": ["2001:db8:7::10"]}],
        ),
        _subnet(9, **{"client-class": "resv-class"}),
    ]


def server_config(workdir: Path, kind: str, phase: int = 0) -> dict[str, Any]:
    """The Dhcp6 configuration of the reservation test; phase 1 adds the conflict hosts."""
    return {
        "Dhcp6": {
            **server_base(workdir / f"{kind}-leases6.csv"),
            "preferred-lifetime": 3000,
            "valid-lifetime": 4000,
            "control-socket": {"socket-type": "unix", "socket-name": str(control_path(workdir))},
            "dhcp-ddns": {"enable-updates": True},
            "ddns-qualifying-suffix": "example.com",
            "option-data": [
                _opt("dns-servers", "2001:db8::53"),
                _opt("domain-search", "global.ex"),
                _opt("sntp-servers", "2001:db8::123"),
            ],
            "client-classes": CLIENT_CLASSES,
            "reservations": GLOBAL_HOSTS,
            "subnet6": _subnets(phase),
            "shared-networks": [
                {
                    "name": "net5",
                    "subnet6": [
                        _subnet(5, **{"option-data": [_opt("domain-search", "subnet5.ex")]}),
                        _subnet(
                            6,
                            **{"option-data": [_opt("domain-search", "subnet6.ex")]},
                            reservations=[
                                {"duid": duid_text(161), "ip-addresses": ["2001:db8:6::10"]},
                                {
                                    "duid": duid_text(163),
                                    "hostname": "h163",
                                    "option-data": [_opt("domain-search", "h163.ex")],
                                },
                            ],
                        ),
                    ],
                }
            ],
            "loggers": [
                {"name": "kea-dhcp6", "output_options": [{"output": "stdout"}], "severity": "INFO"}
            ],
        }
    }


def control_path(workdir: Path) -> Path:
    """The control socket of the server running in ``workdir``."""
    return workdir / "ctrl.sock"


def initial_config(workdir: Path, kind: str) -> dict[str, Any]:
    """The configuration the servers start with (phase 0)."""
    return server_config(workdir, kind, 0)


# --- exchange helpers -----------------------------------------------------------------------


def _hops(subnet: int, peer: int = 1) -> Hops | None:
    return None if subnet == 1 else [(f"2001:db8:{subnet}::1", f"fe80::{subnet}:{peer}", [])]


def _fqdn(name: str) -> Option:
    labels = [label.encode() for label in name.rstrip(".").split(".")]
    wire = b"".join(bytes([len(label)]) + label for label in labels)
    return OPTION_CLIENT_FQDN, bytes([FQDN_S]) + wire + (b"\x00" if name.endswith(".") else b"")


def _sarr(s: Session, index: int, ias: list[IaSpec], subnet: int = 1, **kw: Any) -> list[Step]:
    s.hint(*RESERVED)
    return sarr(s, duid_of(index), ias, _hops(subnet, index), oro=ORO, **kw)


def _solicit(s: Session, index: int, ias: list[IaSpec], subnet: int = 1, **kw: Any) -> Step:
    s.hint(*RESERVED)
    pkt = msg(s, SOLICIT, duid_of(index), ias, oro=ORO, **kw)
    return send(s, "solicit", pkt, _hops(subnet, index))


def _again(s: Session, label: str, answer: bytes | None, index: int, kind: int) -> Step:
    """A Renew/Rebind/Request of ``index`` echoing ``answer``, on subnet 1."""
    return send(s, label, follow(s, answer, duid_of(index), kind, oro=ORO), None)


# --- subnet 1: reservations global and in subnet ------------------------------------------


def in_pool_address(s: Session) -> list[Step]:
    """A DUID reservation of a pool address: granted; the pool's options apply."""
    steps = _sarr(s, 101, na())
    return [*steps, _again(s, "renew", steps[1][2], 101, RENEW)]


def out_of_pool_addresses_two_ias(s: Session) -> list[Step]:
    """Two reserved addresses and two prefixes, two IA_NA and two IA_PD: one per IA."""
    ias = [IaSpec(1), IaSpec(2), IaSpec(3, pd=True), IaSpec(4, pd=True)]
    steps = _sarr(s, 102, ias)
    return [*steps, _again(s, "renew", steps[1][2], 102, RENEW)]


def out_of_pool_one_ia(s: Session) -> list[Step]:
    """The same host with one IA_NA and one IA_PD: the first reservation of each kind."""
    return [_solicit(s, 102, na_pd())]


def hostname_with_fqdn(s: Session) -> list[Step]:
    """A Client FQDN option naming another host: the reserved hostname wins, qualified."""
    return _sarr(s, 101, na(), extra=[_fqdn("client-picked")])


def hostname_full_with_fqdn(s: Session) -> list[Step]:
    """A reserved name with dots (no trailing dot) and a fully qualified client name."""
    return [_solicit(s, 102, na(), extra=[_fqdn("other.example.net.")])]


def hostname_without_fqdn_option(s: Session) -> list[Step]:
    """A hw-address host with a hostname and a class, no FQDN option: nothing about names."""
    return _sarr(s, 108, na())


def hw_address_reservation(s: Session) -> list[Step]:
    """A hw-address reservation (the MAC inside a DUID-LL): the reserved address."""
    return _sarr(s, 103, na())


def in_pool_prefix(s: Session) -> list[Step]:
    """A reserved prefix inside the pd-pool, with an IA_NA that gets a dynamic address."""
    return _sarr(s, 104, na_pd())


def reserved_client_hints_other(s: Session) -> list[Step]:
    """A reserved client asking for other (free, in-pool) resources gets its reservations."""
    s.hint("2001:db8:1::1a0", "2001:db8:8:a0::")
    ias = [
        IaSpec(1, addresses=[("2001:db8:1::1a0", 0, 0)]),
        IaSpec(2, pd=True, prefixes=[("2001:db8:8:a0::", 64, 0, 0)]),
    ]
    steps = _sarr(s, 105, ias)
    return [*steps, _again(s, "renew", steps[1][2], 105, RENEW)]


def someone_else_hints_reserved(s: Session) -> list[Step]:
    """An unreserved client hinting at a reserved (free) pool address and prefix: others."""
    ias = [
        IaSpec(1, addresses=[("2001:db8:1::180", 0, 0)]),
        IaSpec(2, pd=True, prefixes=[("2001:db8:8:b0::", 64, 0, 0)]),
    ]
    return _sarr(s, 109, ias)


def someone_else_requests_reserved(s: Session) -> list[Step]:
    """A Request naming a reserved (free) pool address and prefix it never got: others."""
    s.hint(*RESERVED)
    ias = [
        IaSpec(1, addresses=[("2001:db8:1::180", 0, 0)]),
        IaSpec(2, pd=True, prefixes=[("2001:db8:8:b0::", 64, 0, 0)]),
    ]
    pkt = msg(s, REQUEST, duid_of(112), ias, oro=ORO, server_id=SERVER_ID)
    return [send(s, "request", pkt, None)]


def host_class_options(s: Session) -> list[Step]:
    """A host with only a class: class options below pool and subnet, above global."""
    return _sarr(s, 106, na())


def host_options_over_pool(s: Session) -> list[Step]:
    """An in-pool reservation with options: host over pool, subnet, class and global."""
    return _sarr(s, 107, na())


def global_reservation(s: Session) -> list[Step]:
    """A global host: its address, options, class and hostname (with an FQDN option)."""
    return _sarr(s, 110, na(), extra=[_fqdn("ignored")])


def global_hostname_only(s: Session) -> list[Step]:
    """A global host with only a hostname: a dynamic address, the reserved name."""
    return [_solicit(s, 111, na(), extra=[_fqdn("picked")])]


def unreserved_client(s: Session) -> list[Step]:
    """No reservation: global, subnet and pool options, class unknown-opt."""
    return _sarr(s, 113, na_pd())


def global_and_subnet_host(s: Session) -> list[Step]:
    """A client with a global host and a subnet-1 host: the subnet host's address and name."""
    return _sarr(s, 115, na(), extra=[_fqdn("mine")])


RELAY_SUBNET1 = "2001:db8:1::5"


def mac_from_relay_option(s: Session) -> list[Step]:
    """hw-address from the relay's client link-layer address option (79, RFC 6939)."""
    s.hint(*RESERVED)
    hops: Hops = [(RELAY_SUBNET1, "fe80::1:79", [(79, b"\x00\x01" + MAC_OPT79)])]
    steps = sarr(s, duid_en(1), na(), hops, oro=ORO)
    return steps


def mac_from_remote_id(s: Session) -> list[Step]:
    """hw-address from the relay's remote-id (37) when nothing earlier gives one."""
    s.hint(*RESERVED)
    remote = (37, REMOTE_ENTERPRISE.to_bytes(4, "big") + MAC_REMOTE_ID)
    hops: Hops = [(RELAY_SUBNET1, "fe80::1:37", [remote])]
    return sarr(s, duid_en(2), na(), hops, oro=ORO)


def information_request_reserved(s: Session) -> list[Step]:
    """An Information-request from a reserved client: the host's options."""
    pkt = msg(s, INFORMATION_REQUEST, duid_of(102), [], oro=ORO)
    return [send(s, "info-request", pkt, None)]


def reserved_address_other_iaid(s: Session) -> list[Step]:
    """A reserved client holding its address under IAID 1 asks with IAID 7 as well."""
    steps = _sarr(s, 116, na())
    return [*steps, _solicit(s, 116, [IaSpec(1), IaSpec(7)])]


def release_then_again(s: Session) -> list[Step]:
    """A reserved client releases its address, then gets it again."""
    steps = _sarr(s, 117, na())
    release = _again(s, "release", steps[1][2], 117, RELEASE)
    return [*steps, release, *_sarr(s, 117, na())]


def decline_reserved(s: Session) -> list[Step]:
    """A reserved client declines its address, then solicits: the address is in probation."""
    steps = _sarr(s, 101, na())
    decline = _again(s, "decline", steps[1][2], 101, DECLINE)
    return [*steps, decline, _solicit(s, 101, na())]


def identifier_order(s: Session) -> list[Step]:
    """A hw-address host and a DUID host for one client: hw-address comes first (default
    host-reservation-identifiers)."""
    return _sarr(s, 118, na())


def reserved_prefix_length_hint(s: Session) -> list[Step]:
    """A reserved /56 while the client hints at a /64 length: the reservation."""
    s.hint("::")
    return _sarr(s, 119, [IaSpec(1), IaSpec(2, pd=True, prefixes=[("::", 64, 0, 0)])])


def class_testing_reserved_class(s: Session) -> list[Step]:
    """A class testing member('resv-class') for a client given resv-class by its host."""
    return [_solicit(s, 106, na())]


def subnet_guarded_by_reserved_class(s: Session) -> list[Step]:
    """Subnet 9 is guarded by a class only reservations give (global host 110 has it)."""
    return [_solicit(s, 110, na(), 9)]


def global_address_other_subnet(s: Session) -> list[Step]:
    """reservation-mode global in subnet 7; the global host's address lies in subnet 1."""
    return [_solicit(s, 110, na(), 7)]


# --- subnet 2: KNOWN / UNKNOWN and reservation-only classes guarding pools ------------------


def known_pool(s: Session) -> list[Step]:
    """A host without resources is KNOWN: the known-plain pool and the known-opt class."""
    return _sarr(s, 121, na(), 2)


def reserved_class_pool(s: Session) -> list[Step]:
    """A host giving class resv-class: the pool only that class may use."""
    return _sarr(s, 122, na(), 2)


def unknown_pool(s: Session) -> list[Step]:
    """No host: UNKNOWN pool, unknown-opt class."""
    return _sarr(s, 123, na(), 2)


def global_host_known_elsewhere(s: Session) -> list[Step]:
    """A global host in subnet 2 (reservations-global off there): UNKNOWN."""
    return [_solicit(s, 110, na(), 2)]


# --- subnets 3, 4, 7: reservation flags ---------------------------------------------------


def out_of_pool_flag_outside(s: Session) -> list[Step]:
    """reservations-out-of-pool: an out-of-pool reservation is granted."""
    return _sarr(s, 131, na(), 3)


def out_of_pool_flag_inside(s: Session) -> list[Step]:
    """reservations-out-of-pool: an in-pool reservation is not used (a dynamic address)."""
    return _sarr(s, 132, na(), 3)


def in_subnet_off(s: Session) -> list[Step]:
    """reservations-in-subnet off: the subnet's host is ignored (address and options)."""
    return _sarr(s, 141, na(), 4)


def global_off(s: Session) -> list[Step]:
    """reservations-global off: the global host's options and class are not used."""
    return [_solicit(s, 110, na(), 4)]


def reservation_mode_global(s: Session) -> list[Step]:
    """reservation-mode global: the subnet's own host is ignored, a global one is used."""
    return [_solicit(s, 171, na(), 7), _solicit(s, 111, na(), 7, extra=[_fqdn("x")])]


# --- subnets 5 and 6: shared network ------------------------------------------------------


def shared_network_sibling(s: Session) -> list[Step]:
    """The relay names subnet 5; the host is in subnet 6: its address and subnet 6's options."""
    return _sarr(s, 161, na(), 5)


def shared_network_sibling_host_no_address(s: Session) -> list[Step]:
    """A host in subnet 6 without address, the relay names subnet 5: KNOWN, whose options?"""
    return _sarr(s, 163, na(), 5, extra=[_fqdn("x163")])


def shared_network_unreserved(s: Session) -> list[Step]:
    """An unreserved client on the same link: subnet 5."""
    return _sarr(s, 162, na(), 5)


# --- the conflict of spec 000 ---------------------------------------------------------------


def conflict_a_holds_x(s: Session) -> list[Step]:
    """Client A gets X and P (hints, nothing reserved yet); client C gets X2."""
    s.hint(*RESERVED)
    ias = [
        IaSpec(1, addresses=[(X1, 0, 0)]),
        IaSpec(2, pd=True, prefixes=[(P1, 64, 0, 0)]),
    ]
    steps = sarr(s, duid_of(A), ias, None, oro=ORO)
    c_steps = sarr(s, duid_of(C), [IaSpec(1, addresses=[(X2, 0, 0)])], None, oro=ORO)
    s.kept[A] = steps[1][2]
    s.kept[C] = c_steps[1][2]
    return [*steps, *c_steps]


def reconfigure(s: Session, phase: int) -> None:
    """Switch the server under ``s`` to the configuration of ``phase``."""
    assert isinstance(s, ReconfigSession), "this script needs a ReconfigSession"
    s.reconfigure(phase)


def conflict_b_asks_while_taken(s: Session) -> list[Step]:
    """X and P are now reserved for B (phase 1) but A holds them: B gets other resources."""
    reconfigure(s, 1)
    steps = _sarr(s, B, na_pd())
    s.kept[B] = steps[1][2]
    return steps


def conflict_a_renews(s: Session) -> list[Step]:
    """A renews: X and P come back with lifetimes 0, and A gets a new address and prefix."""
    step = _again(s, "renew", s.kept[A], A, RENEW)
    return [step, _again(s, "renew-again", step[2], A, RENEW)]


def conflict_b_asks_again(s: Session) -> list[Step]:
    """B renews what it got, then solicits and requests: now X and P are its."""
    renew = _again(s, "renew", s.kept[B], B, RENEW)
    return [renew, *_sarr(s, B, na_pd())]


def reservation_moved(s: Session) -> list[Step]:
    """Host 107's address moved in phase 1: Renew gives the new one, the old one at 0."""
    pkt = msg(
        s,
        RENEW,
        duid_of(107),
        [IaSpec(1, addresses=[("2001:db8:1::170", 0, 0)])],
        oro=ORO,
        server_id=SERVER_ID,
    )
    return [send(s, "renew", pkt, None)]


def reservation_removed(s: Session) -> list[Step]:
    """Host 104 removed in phase 1: its (in-pool) prefix is renewed as a dynamic one."""
    ias = [IaSpec(2, pd=True, prefixes=[("2001:db8:8:80::", 64, 0, 0)])]
    pkt = msg(s, RENEW, duid_of(104), ias, oro=ORO, server_id=SERVER_ID)
    return [send(s, "renew", pkt, None)]


def conflict_c_rebinds(s: Session) -> list[Step]:
    """D asks while C holds X2 (dynamic), C rebinds (X2 revoked), D asks again (X2)."""
    first = _solicit(s, D, na())
    rebind = _again(s, "rebind", s.kept[C], C, REBIND)
    return [first, rebind, *_sarr(s, D, na())]


SCRIPT: list[Callable[[Session], list[Step]]] = [
    in_pool_address,
    out_of_pool_addresses_two_ias,
    out_of_pool_one_ia,
    hostname_with_fqdn,
    hostname_full_with_fqdn,
    hostname_without_fqdn_option,
    hw_address_reservation,
    in_pool_prefix,
    reserved_client_hints_other,
    global_and_subnet_host,
    mac_from_relay_option,
    information_request_reserved,
    reserved_address_other_iaid,
    release_then_again,
    identifier_order,
    reserved_prefix_length_hint,
    class_testing_reserved_class,
    subnet_guarded_by_reserved_class,
    global_address_other_subnet,
    someone_else_hints_reserved,
    someone_else_requests_reserved,
    host_class_options,
    host_options_over_pool,
    global_reservation,
    global_hostname_only,
    unreserved_client,
    known_pool,
    reserved_class_pool,
    unknown_pool,
    global_host_known_elsewhere,
    out_of_pool_flag_outside,
    out_of_pool_flag_inside,
    in_subnet_off,
    global_off,
    reservation_mode_global,
    shared_network_sibling,
    shared_network_sibling_host_no_address,
    shared_network_unreserved,
    conflict_a_holds_x,
    conflict_b_asks_while_taken,
    conflict_a_renews,
    conflict_b_asks_again,
    conflict_c_rebinds,
    reservation_moved,
    reservation_removed,
    decline_reserved,  # the declined address stays in probation
    mac_from_remote_id,  # last: a server missing the host takes one more pool address
]

AD, R = "ADVERTISE", "REPLY"
EXPECTED: dict[str, list[str | None]] = {
    "in_pool_address": [AD, R, R],
    "out_of_pool_addresses_two_ias": [AD, R, R],
    "out_of_pool_one_ia": [AD],
    "hostname_with_fqdn": [AD, R],
    "hostname_full_with_fqdn": [AD],
    "hostname_without_fqdn_option": [AD, R],
    "hw_address_reservation": [AD, R],
    "in_pool_prefix": [AD, R],
    "reserved_client_hints_other": [AD, R, R],
    "someone_else_hints_reserved": [AD, R],
    "someone_else_requests_reserved": [R],
    "host_class_options": [AD, R],
    "host_options_over_pool": [AD, R],
    "global_reservation": [AD, R],
    "global_hostname_only": [AD],
    "unreserved_client": [AD, R],
    "known_pool": [AD, R],
    "reserved_class_pool": [AD, R],
    "unknown_pool": [AD, R],
    "global_host_known_elsewhere": [AD],
    "out_of_pool_flag_outside": [AD, R],
    "out_of_pool_flag_inside": [AD, R],
    "in_subnet_off": [AD, R],
    "global_off": [AD],
    "reservation_mode_global": [AD, AD],
    "shared_network_sibling": [AD, R],
    "shared_network_unreserved": [AD, R],
    "conflict_a_holds_x": [AD, R, AD, R],
    "conflict_b_asks_while_taken": [AD, R],
    "conflict_a_renews": [R, R],
    "conflict_b_asks_again": [R, AD, R],
    "conflict_c_rebinds": [AD, R, AD, R],
    "global_and_subnet_host": [AD, R],
    "mac_from_relay_option": [AD, R],
    "mac_from_remote_id": [AD, R],
    "information_request_reserved": [R],
    "reserved_address_other_iaid": [AD, R, AD],
    "release_then_again": [AD, R, R, AD, R],
    "decline_reserved": [AD, R, R, AD],
    "reservation_moved": [R],
    "reservation_removed": [R],
    "identifier_order": [AD, R],
    "reserved_prefix_length_hint": [AD, R],
    "class_testing_reserved_class": [AD],
    "subnet_guarded_by_reserved_class": [AD],
    "global_address_other_subnet": [AD],
    "shared_network_sibling_host_no_address": [AD, R],
}
