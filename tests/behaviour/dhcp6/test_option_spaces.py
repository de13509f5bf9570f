"""Options of encapsulated spaces (ARM "Nested DHCPv6 Options", Kea CfgOption::encapsulate)."""

from __future__ import annotations

import json
from ipaddress import IPv6Address

from tests.support.dhcp6_client import SOLICIT, IaSpec, duid_ll, message, wire
from tests.support.dhcp6_harness import harness

from pukeko.wire.pkt6 import parse_options

CONTAINER = 102
ISC_DEFS = [
    {"name": "subopt1", "code": 1, "space": "isc", "type": "ipv6-address"},
    {"name": "subopt2", "code": 2, "space": "isc", "type": "string"},
    {"name": "container", "code": 102, "space": "dhcp6", "type": "empty", "encapsulate": "isc"},
]


def config(option_data: list[dict[str, object]], subnet_options: list[dict[str, object]]) -> str:
    return json.dumps(
        {
            "Dhcp6": {
                "interfaces-config": {"interfaces": ["eth0"]},
                "option-def": ISC_DEFS,
                "option-data": option_data,
                "subnet6": [
                    {
                        "id": 1,
                        "subnet": "2001:db8:1::/64",
                        "interface": "eth0",
                        "pools": [{"pool": "2001:db8:1::10-2001:db8:1::1f"}],
                        "option-data": subnet_options,
                    }
                ],
            }
        }
    )


def sub_options(payload: bytes | None) -> list[tuple[int, bytes]]:
    assert payload is not None
    return parse_options(payload, 0, None, strict=True)


def test_container_carries_its_space_in_code_order() -> None:
    # The ARM example: the sub-options are listed before the container, in reverse code order.
    options = [
        {"name": "subopt2", "space": "isc", "data": "Hello world"},
        {"name": "subopt1", "space": "isc", "data": "2001:db8::abcd"},
        {"name": "container", "space": "dhcp6"},
    ]
    h = harness(config(options, []))
    reply = h.ask(wire(message(SOLICIT, duid_ll(), [IaSpec(1)], oro=[CONTAINER])))
    assert sub_options(reply.get(CONTAINER)) == [
        (1, IPv6Address("2001:db8::abcd").packed),
        (2, b"Hello world"),
    ]


def test_sub_options_come_from_the_containers_own_level() -> None:
    # Kea encapsulates per configuration level: a subnet's container does not take global
    # sub-options, and the subnet's container wins over the global one.
    global_options = [
        {"name": "subopt2", "space": "isc", "data": "global"},
        {"name": "container", "space": "dhcp6"},
    ]
    subnet_options = [
        {"name": "subopt1", "space": "isc", "data": "2001:db8::1"},
        {"name": "container", "space": "dhcp6"},
    ]
    h = harness(config(global_options, subnet_options))
    reply = h.ask(wire(message(SOLICIT, duid_ll(), [IaSpec(1)], oro=[CONTAINER])))
    subs = sub_options(reply.get(CONTAINER))
    assert [code for code, _ in subs] == [1]


def test_sub_options_alone_are_not_sent() -> None:
    options = [{"name": "subopt2", "space": "isc", "data": "lonely"}]
    h = harness(config(options, []))
    reply = h.ask(wire(message(SOLICIT, duid_ll(), [IaSpec(1)], oro=[CONTAINER])))
    assert reply.get(CONTAINER) is None
    assert b"lonely" not in (h.outcomes[-1].reply or b"")
