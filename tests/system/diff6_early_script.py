"""Configuration and script of the early global reservations lookup differential test.

With ``early-global-reservations-lookup`` (Kea 2.2 Dhcpv6Srv::earlyGHRLookup) the global host is
looked up before the subnet is selected: its classes, and KNOWN, take part in subnet selection.
The direct link carries one shared network whose first subnet is guarded by ``gold`` (a class a
global host gives), the second by ``known-client`` (a class testing KNOWN), the third open to
all; subnet 4, through a relay, turns ``reservations-global`` off (the early host stays in the
context: the client is KNOWN there although its global host is not used for addresses); subnet 5
has in-subnet hosts, looked up as usual after the early global one.
"""

from __future__ import annotations

from ipaddress import IPv6Network
from pathlib import Path
from typing import Any

from tests.support.dhcp6_client import SOLICIT, IaSpec, duid_of
from tests.system.diff6_script import Session, Step, server_base
from tests.system.diff6_steps import Hops, msg, sarr, send

ORO = [23]  # dns-servers: each subnet gives its own

POOLS: list[tuple[str, IPv6Network]] = [
    (f"na-{index}", IPv6Network(f"2001:db8:{index}::100/120")) for index in range(1, 6)
]

GOLD, KNOWN_ONLY, PLAIN, GLOBAL_OFF, IN_SUBNET = 1, 2, 3, 4, 5


def _subnet(index: int, **extra: Any) -> dict[str, Any]:
    return {
        "id": index,
        "subnet": f"2001:db8:{index}::/64",
        "pools": [{"pool": f"2001:db8:{index}::100 - 2001:db8:{index}::1ff"}],
        "option-data": [{"name": "dns-servers", "data": f"2001:db8:{index}::53"}],
        **extra,
    }


def _host(index: int, **extra: Any) -> dict[str, Any]:
    return {"duid": duid_of(index).hex(":"), **extra}


def server_config(workdir: Path, kind: str) -> dict[str, Any]:
    """Both servers' configuration."""
    return {
        "Dhcp6": {
            **server_base(workdir / f"{kind}-leases6.csv"),
            "preferred-lifetime": 3000,
            "valid-lifetime": 4000,
            "early-global-reservations-lookup": True,
            "reservations-global": True,
            "reservations-in-subnet": True,
            "client-classes": [
                {"name": "gold"},
                {"name": "known-client", "test": "member('KNOWN')"},
                {"name": "not-gold", "test": "not member('gold')"},
            ],
            "shared-networks": [
                {
                    "name": "direct",
                    "interface": "srv0",
                    "subnet6": [
                        _subnet(GOLD, **{"client-class": "gold"}),
                        _subnet(KNOWN_ONLY, **{"client-class": "known-client"}),
                        _subnet(PLAIN),
                    ],
                }
            ],
            "subnet6": [
                _subnet(GLOBAL_OFF, **{"reservations-global": False}),
                _subnet(
                    IN_SUBNET,
                    reservations=[_host(6, **{"ip-addresses": ["2001:db8:5::77"]})],
                ),
            ],
            "reservations": [
                _host(1, **{"client-classes": ["gold"]}),
                _host(2, hostname="known-two"),
                _host(3, **{"client-classes": ["DROP"]}),
                _host(4, **{"ip-addresses": ["2001:db8:4::44"]}),
                _host(7, **{"client-classes": ["gold"], "ip-addresses": ["2001:db8:1::11"]}),
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


def _relay(index: int) -> Hops:
    return [(f"2001:db8:{index}::1", f"fe80::{index}", [])]


def global_host_class_selects_subnet(s: Session) -> list[Step]:
    """The global host gives ``gold``: the gold-only subnet is selected."""
    return sarr(s, duid_of(1), [IaSpec(1)], oro=ORO)


def known_selects_subnet(s: Session) -> list[Step]:
    """A global host without classes: KNOWN makes ``known-client`` select subnet 2."""
    return sarr(s, duid_of(2), [IaSpec(1)], oro=ORO)


def unknown_client(s: Session) -> list[Step]:
    """No host: neither gold nor KNOWN; the open subnet 3."""
    return sarr(s, duid_of(10), [IaSpec(1)], oro=ORO)


def global_host_drop_class(s: Session) -> list[Step]:
    """A global host giving DROP: dropped before subnet selection."""
    return [send(s, "solicit", msg(s, SOLICIT, duid_of(3), [IaSpec(1)], oro=ORO), None, False)]


def global_off_subnet(s: Session) -> list[Step]:
    """Subnet 4 serves no global reservations: the reserved address is not given."""
    return sarr(s, duid_of(4), [IaSpec(1)], _relay(GLOBAL_OFF), oro=ORO)


def in_subnet_host_after_early_lookup(s: Session) -> list[Step]:
    """No global host; the in-subnet host of subnet 5 is found as usual."""
    return sarr(s, duid_of(6), [IaSpec(1)], _relay(IN_SUBNET), oro=ORO)


def global_address_and_class(s: Session) -> list[Step]:
    """A global host with gold and an address in the gold subnet: both apply."""
    return sarr(s, duid_of(7), [IaSpec(1)], oro=ORO)


SCRIPT = [
    global_host_class_selects_subnet,
    known_selects_subnet,
    unknown_client,
    global_host_drop_class,
    global_off_subnet,
    in_subnet_host_after_early_lookup,
    global_address_and_class,
]
A, R = "ADVERTISE", "REPLY"
EXPECTED: dict[str, list[str | None]] = {
    "global_host_class_selects_subnet": [A, R],
    "known_selects_subnet": [A, R],
    "unknown_client": [A, R],
    "global_host_drop_class": [None],
    "global_off_subnet": [A, R],
    "in_subnet_host_after_early_lookup": [A, R],
    "global_address_and_class": [A, R],
}
