"""Relayed clients: Relay-reply chains, interface-id echo, subnet selection, RSOO, extended info."""

from __future__ import annotations

import json

from tests.support.dhcp6_client import (
    IA_NA,
    INTERFACE_ID,
    RELAY_REPL,
    REQUEST,
    SOLICIT,
    IaSpec,
    addresses_of,
    duid_ll,
    message,
    read_reply,
    relayed,
    wire,
)
from tests.support.dhcp6_harness import SERVER_DUID, harness

DUID = duid_ll()
RELAYS = """
{"Dhcp6": {
  "relay-supplied-options": ["110"],
  "subnet6": [
    {"id": 1, "subnet": "2001:db8:1::/64", "pools": [{"pool": "2001:db8:1::100-2001:db8:1::1ff"}]},
    {"id": 2, "subnet": "2001:db8:2::/64", "interface-id": "port-7",
     "pools": [{"pool": "2001:db8:2::100-2001:db8:2::1ff"}]},
    {"id": 3, "subnet": "2001:db8:3::/64", "relay": {"ip-addresses": ["2001:db8:ffff::1"]},
     "store-extended-info": true,
     "pools": [{"pool": "2001:db8:3::100-2001:db8:3::1ff"}]}
  ]
}}
"""


def test_two_hop_chain_is_mirrored_with_interface_id() -> None:
    h = harness(RELAYS)
    inner = message(SOLICIT, DUID, [IaSpec(1)])
    pkt = relayed(
        inner,
        [
            ("2001:db8:1::1", "fe80::211:22ff:fe33:4455", [(INTERFACE_ID, b"eth1"), (37, b"x")]),
            ("::", "2001:db8:1::1", [(INTERFACE_ID, b"uplink")]),
        ],
    )
    outcome = h.send(wire(pkt), source="2001:db8:aa::1", source_port=547)
    assert outcome.reply is not None
    assert (outcome.destination, outcome.destination_port) == ("2001:db8:aa::1", 547)
    reply = read_reply(outcome.reply)
    assert [hop.msg_type for hop in reply.hops] == [RELAY_REPL, RELAY_REPL]
    assert [hop.hop_count for hop in reply.hops] == [1, 0]
    assert [hop.options for hop in reply.hops] == [
        [(INTERFACE_ID, b"uplink")],
        [(INTERFACE_ID, b"eth1")],  # remote-id (37) is not echoed
    ]
    assert addresses_of(reply.ias(IA_NA)[0])[0][0] == "2001:db8:1::100"  # link-address


def test_interface_id_selects_subnet_before_link_address() -> None:
    h = harness(RELAYS)
    pkt = relayed(
        message(SOLICIT, DUID, [IaSpec(1)]), [("2001:db8:1::1", "fe80::1", [(18, b"port-7")])]
    )
    reply = h.ask(wire(pkt), source="2001:db8:1::1", source_port=547)
    assert addresses_of(reply.ias(IA_NA)[0])[0][0] == "2001:db8:2::100"


def test_relay_ip_addresses_select_subnet_and_extended_info_is_stored() -> None:
    h = harness(RELAYS)
    pkt = relayed(
        message(REQUEST, DUID, [IaSpec(1)], server_id=SERVER_DUID),
        [("2001:db8:ffff::1", "fe80::1", [(37, b"\x00\x00\x00\x09ab")])],
    )
    reply = h.ask(wire(pkt), source="2001:db8:ffff::1", source_port=547)
    assert addresses_of(reply.ias(IA_NA)[0])[0][0] == "2001:db8:3::100"
    (change,) = h.outcomes[-1].lease_changes
    ctx = json.loads(change.lease.user_context)
    assert ctx == {
        "ISC": {
            "relays": [
                {
                    "hop": 0,
                    "link": "2001:db8:ffff::1",
                    "options": "0x0025000600000009" + "6162".upper(),
                    "peer": "fe80::1",
                }
            ]
        }
    }


def test_relay_source_port_is_honoured() -> None:
    h = harness(RELAYS)
    pkt = relayed(
        message(SOLICIT, DUID, [IaSpec(1)]), [("2001:db8:1::1", "fe80::1", [(135, b"\x00\x00")])]
    )
    outcome = h.send(wire(pkt), source="2001:db8:1::1", source_port=10547)
    assert outcome.destination_port == 10547
    reply = read_reply(outcome.reply or b"")
    assert reply.hops[0].options == [(135, b"\x00\x00")]


def test_rsoo_options_are_copied_when_enabled() -> None:
    h = harness(RELAYS)
    rsoo = b"\x00\x6e\x00\x02hi" + b"\x00\x17\x00\x10" + bytes(16)  # 110 enabled, 23 not
    pkt = relayed(message(SOLICIT, DUID, [IaSpec(1)]), [("2001:db8:1::1", "fe80::1", [(66, rsoo)])])
    reply = h.ask(wire(pkt), source="2001:db8:1::1", source_port=547)
    assert reply.get(110) == b"hi"
    assert reply.get(23) is None
