"""Configuration and script of the shared-network differential test (issue 5).

Three shared networks, each selected another way:

* ``direct-net`` by interface (srv0): network-level lifetimes, timers, rapid-commit and options;
  subnets 10 and 11 have two addresses each (so allocation moves on when one is full), subnet 11
  overrides valid-lifetime, subnet 12 is guarded by class ``gold``;
* ``relay-net`` by relay address (``relay.ip-addresses`` at network level, 2001:db8:20::1, and at
  subnet level for subnet 21, 2001:db8:21::1); subnet 20 has a single address;
* ``ifid-net`` by interface-id ``port-net``, guarded by class ``net-member`` at network level.

The script runs in order: pools fill up, a release frees an address, clients renew or re-request
leases held in whichever subnet gave them.
"""

from __future__ import annotations

from ipaddress import IPv6Network
from pathlib import Path
from typing import Any

from tests.support.dhcp6_client import (
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
from tests.system.diff6_steps import Hops, follow, interface_id, msg, na, raw, sarr, send

ORO = [21, 23, 24, 31]
GOLD = raw(65010, b"")
MEMBER = raw(65011, b"")

POOLS: list[tuple[str, IPv6Network]] = [
    ("na-10", IPv6Network("2001:db8:1::10/127")),
    ("na-11", IPv6Network("2001:db8:11::10/127")),
    ("na-12", IPv6Network("2001:db8:12::10/124")),
    ("na-20", IPv6Network("2001:db8:20::10/128")),
    ("na-21", IPv6Network("2001:db8:21::10/124")),
    ("na-30", IPv6Network("2001:db8:30::10/124")),
    ("na-31", IPv6Network("2001:db8:31::10/124")),
    ("pd-30", IPv6Network("2001:db8:30:100::/56")),
]


def _opt(name: str, data: str) -> dict[str, Any]:
    return {"name": name, "data": data}


def _subnet(ident: int, prefix: str, pool: str, **extra: Any) -> dict[str, Any]:
    return {"id": ident, "subnet": prefix, "pools": [{"pool": pool}], **extra}


def _direct_net() -> dict[str, Any]:
    return {
        "name": "direct-net",
        "interface": "srv0",
        "rapid-commit": True,
        "renew-timer": 1100,
        "rebind-timer": 2200,
        "preferred-lifetime": 3300,
        "valid-lifetime": 4400,
        "option-data": [
            _opt("domain-search", "net.direct.example"),
            _opt("sntp-servers", "2001:db8::a1"),
        ],
        "subnet6": [
            _subnet(
                10,
                "2001:db8:1::/64",
                "2001:db8:1::10 - 2001:db8:1::11",
                **{"option-data": [_opt("dns-servers", "2001:db8:1::53")]},
            ),
            _subnet(
                11,
                "2001:db8:11::/64",
                "2001:db8:11::10 - 2001:db8:11::11",
                **{"valid-lifetime": 4800, "option-data": [_opt("sntp-servers", "2001:db8::b1")]},
            ),
            _subnet(
                12,
                "2001:db8:12::/64",
                "2001:db8:12::10 - 2001:db8:12::1f",
                **{"client-class": "gold"},
            ),
        ],
    }


def _relay_net() -> dict[str, Any]:
    return {
        "name": "relay-net",
        "relay": {"ip-addresses": ["2001:db8:20::1"]},
        "option-data": [_opt("dns-servers", "2001:db8:20::53")],
        "subnet6": [
            _subnet(20, "2001:db8:20::/64", "2001:db8:20::10 - 2001:db8:20::10"),
            _subnet(
                21,
                "2001:db8:21::/64",
                "2001:db8:21::10 - 2001:db8:21::1f",
                relay={"ip-addresses": ["2001:db8:21::1"]},
                **{"option-data": [_opt("domain-search", "sub21.example")]},
            ),
        ],
    }


def _ifid_net() -> dict[str, Any]:
    sub30 = _subnet(30, "2001:db8:30::/64", "2001:db8:30::10 - 2001:db8:30::1f")
    sub30["pd-pools"] = [{"prefix": "2001:db8:30:100::", "prefix-len": 56, "delegated-len": 64}]
    return {
        "name": "ifid-net",
        "interface-id": "port-net",
        "client-class": "net-member",
        "preferred-lifetime": 3100,
        "option-data": [_opt("sip-server-dns", "sip.ifid.example")],
        "subnet6": [
            sub30,
            _subnet(31, "2001:db8:31::/64", "2001:db8:31::10 - 2001:db8:31::1f"),
        ],
    }


def server_config(workdir: Path, kind: str) -> dict[str, Any]:
    """The Dhcp6 configuration of the shared-network test."""
    return {
        "Dhcp6": {
            **server_base(workdir / f"{kind}-leases6.csv"),
            "preferred-lifetime": 3000,
            "valid-lifetime": 4000,
            "max-valid-lifetime": 6000,
            "option-data": [_opt("dns-servers", "2001:db8::53")],
            "client-classes": [
                {"name": "gold", "test": "option[65010].exists"},
                {"name": "net-member", "test": "option[65011].exists"},
            ],
            "shared-networks": [_direct_net(), _relay_net(), _ifid_net()],
            "loggers": [
                {"name": "kea-dhcp6", "output_options": [{"output": "stdout"}], "severity": "INFO"}
            ],
        }
    }


RELAY_NET: Hops = [("2001:db8:20::1", "fe80::20", [])]
RELAY_SUB21: Hops = [("2001:db8:21::1", "fe80::21", [])]
RELAY_IN_21: Hops = [("2001:db8:21::99", "fe80::22", [])]
IFID: Hops = [("2001:db8:99::1", "fe80::30", [interface_id("port-net")])]
SERVER_ID = bytes.fromhex("000100012a05f2000a0b0c0d0e0f")


def _keep(s: Session, index: int, steps: list[Step]) -> list[Step]:
    """Remember client ``index``'s last answer for the exchanges where it comes back."""
    s.kept[index] = steps[-1][2]
    return steps


def rapid_commit_from_network(s: Session) -> list[Step]:
    """Solicit with rapid commit: network-level rapid-commit answers a Reply (subnet 10)."""
    pkt = msg(s, SOLICIT, duid_of(1), na(), oro=ORO, rapid_commit=True)
    return _keep(s, 1, [s.send("solicit", pkt)])


def fill_first_subnet(s: Session) -> list[Step]:
    """The second client takes subnet 10's last address (no rapid commit: Advertise)."""
    return _keep(s, 2, sarr(s, duid_of(2), na(), oro=ORO))


def next_subnet_when_full(s: Session) -> list[Step]:
    """Subnet 10 is full: the client gets subnet 11 (its valid-lifetime and sntp option)."""
    return _keep(s, 3, sarr(s, duid_of(3), na(), oro=ORO))


def fill_second_subnet(s: Session) -> list[Step]:
    """Subnet 11's last address."""
    return _keep(s, 4, sarr(s, duid_of(4), na(), oro=ORO))


def network_exhausted(s: Session) -> list[Step]:
    """Subnets 10 and 11 are full and 12 is guarded: NoAddrsAvail."""
    return [s.send("solicit", msg(s, SOLICIT, duid_of(5), na(), oro=ORO))]


def network_exhausted_with_pd(s: Session) -> list[Step]:
    """Full network, IA_NA and IA_PD (no pd-pool in direct-net): which subnet's options?"""
    return sarr(s, duid_of(9), [IaSpec(1), IaSpec(2, pd=True)], oro=ORO)


def guarded_subnet_in_network(s: Session) -> list[Step]:
    """Class gold opens subnet 12 (with rapid commit, then with a four-way exchange)."""
    pkt = msg(s, SOLICIT, duid_of(6), na(), oro=ORO, rapid_commit=True, extra=[GOLD])
    first = s.send("solicit-rapid", pkt)
    return [first, *sarr(s, duid_of(7), na(), oro=ORO, extra=[GOLD])]


def renew_in_second_subnet(s: Session) -> list[Step]:
    """Client 3 renews its subnet-11 lease: same address, subnet 11 parameters."""
    pkt = follow(s, s.kept[3], duid_of(3), RENEW, oro=ORO)
    return [s.send("renew", pkt)]


def release_in_first_subnet(s: Session) -> list[Step]:
    """Client 1 releases its subnet-10 address."""
    return [s.send("release", follow(s, s.kept[1], duid_of(1), RELEASE))]


def request_again_keeps_subnet(s: Session) -> list[Step]:
    """Subnet 10 has room again; client 3 solicits and requests: it keeps its subnet-11 lease."""
    adv = s.send("solicit", msg(s, SOLICIT, duid_of(3), na(), oro=ORO))
    return [adv, s.send("request", follow(s, adv[2], duid_of(3), REQUEST, oro=ORO))]


def new_client_takes_freed_address(s: Session) -> list[Step]:
    """A new client gets the address client 1 released (subnet 10)."""
    return sarr(s, duid_of(8), na(), oro=ORO)


def rebind_in_second_subnet(s: Session) -> list[Step]:
    """Client 4 rebinds its subnet-11 lease."""
    return [s.send("rebind", follow(s, s.kept[4], duid_of(4), REBIND, oro=ORO))]


def renew_with_class_now_gold(s: Session) -> list[Step]:
    """Client 2 renews carrying the gold option: its lease stays in subnet 10."""
    pkt = follow(s, s.kept[2], duid_of(2), RENEW, oro=ORO, extra=[GOLD])
    return [s.send("renew", pkt)]


def relay_network_address(s: Session) -> list[Step]:
    """Relay 2001:db8:20::1 names relay-net: subnet 20 (one address), network options."""
    return _keep(s, 20, sarr(s, duid_of(20), na(), RELAY_NET, oro=ORO))


def relay_network_next_subnet(s: Session) -> list[Step]:
    """Subnet 20 is full: the next client through that relay gets subnet 21."""
    return sarr(s, duid_of(21), na(), RELAY_NET, oro=ORO)


def relay_subnet_address(s: Session) -> list[Step]:
    """Relay 2001:db8:21::1 is subnet 21's relay address."""
    return sarr(s, duid_of(22), na(), RELAY_SUB21, oro=ORO)


def relay_link_in_subnet_prefix(s: Session) -> list[Step]:
    """A relay link-address inside subnet 21's prefix (not a listed relay address)."""
    return [send(s, "solicit", msg(s, SOLICIT, duid_of(23), na(), oro=ORO), RELAY_IN_21)]


def relay_renew_first_subnet(s: Session) -> list[Step]:
    """The subnet-20 client renews through the relay."""
    return [send(s, "renew", follow(s, s.kept[20], duid_of(20), RENEW, oro=ORO), RELAY_NET)]


def relay_information_request(s: Session) -> list[Step]:
    """Information-request through the network relay: network and global options."""
    pkt = msg(s, INFORMATION_REQUEST, duid_of(24), [], oro=ORO)
    return [send(s, "info-request", pkt, RELAY_NET)]


def interface_id_not_member(s: Session) -> list[Step]:
    """Interface-id port-net, but the network's client-class does not match: no subnet."""
    pkt = msg(s, SOLICIT, duid_of(30), [IaSpec(1), IaSpec(2, pd=True)], oro=ORO)
    return [send(s, "solicit", pkt, IFID)]


def interface_id_member(s: Session) -> list[Step]:
    """With class net-member: subnet 30 (address and prefix), network preferred-lifetime."""
    return sarr(s, duid_of(31), [IaSpec(1), IaSpec(2, pd=True)], IFID, oro=ORO, extra=[MEMBER])


def interface_id_information_request(s: Session) -> list[Step]:
    """Information-request through the interface-id relay, member and not."""
    member = msg(s, INFORMATION_REQUEST, duid_of(32), [], oro=ORO, extra=[MEMBER])
    other = msg(s, INFORMATION_REQUEST, duid_of(33), [], oro=ORO)
    return [send(s, "member", member, IFID), send(s, "not-member", other, IFID)]


def direct_information_request(s: Session) -> list[Step]:
    """Direct Information-request: direct-net's options (first subnet's dns-servers)."""
    return [s.send("info-request", msg(s, INFORMATION_REQUEST, duid_of(40), [], oro=ORO))]


def renew_unknown_in_network(s: Session) -> list[Step]:
    """Renew of a subnet-11 address this client never had (another client holds it)."""
    s.hint("2001:db8:11::10", "2001:db8:11::11")
    ia = IaSpec(1, addresses=[("2001:db8:11::10", 3000, 4000)])
    pkt = msg(s, RENEW, duid_of(41), [ia], server_id=SERVER_ID, oro=ORO)
    return [s.send("renew", pkt)]


SCRIPT = [
    rapid_commit_from_network,
    fill_first_subnet,
    next_subnet_when_full,
    fill_second_subnet,
    network_exhausted,
    network_exhausted_with_pd,
    guarded_subnet_in_network,
    renew_in_second_subnet,
    release_in_first_subnet,
    request_again_keeps_subnet,
    new_client_takes_freed_address,
    rebind_in_second_subnet,
    renew_with_class_now_gold,
    relay_network_address,
    relay_network_next_subnet,
    relay_subnet_address,
    relay_link_in_subnet_prefix,
    relay_renew_first_subnet,
    relay_information_request,
    interface_id_not_member,
    interface_id_member,
    interface_id_information_request,
    direct_information_request,
    renew_unknown_in_network,
]

A, R = "ADVERTISE", "REPLY"
EXPECTED: dict[str, list[str | None]] = {
    "rapid_commit_from_network": [R],
    "fill_first_subnet": [A, R],
    "next_subnet_when_full": [A, R],
    "fill_second_subnet": [A, R],
    "network_exhausted": [A],
    "network_exhausted_with_pd": [A, R],
    "guarded_subnet_in_network": [R, A, R],
    "renew_in_second_subnet": [R],
    "release_in_first_subnet": [R],
    "request_again_keeps_subnet": [A, R],
    "new_client_takes_freed_address": [A, R],
    "rebind_in_second_subnet": [R],
    "renew_with_class_now_gold": [R],
    "relay_network_address": [A, R],
    "relay_network_next_subnet": [A, R],
    "relay_subnet_address": [A, R],
    "relay_link_in_subnet_prefix": [A],
    "relay_renew_first_subnet": [R],
    "relay_information_request": [R],
    "interface_id_not_member": [A],
    "interface_id_member": [A, R],
    "interface_id_information_request": [R, R],
    "direct_information_request": [R],
    "renew_unknown_in_network": [R],
}
