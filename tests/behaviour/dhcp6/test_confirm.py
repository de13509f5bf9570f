"""Confirm (RFC 8415 §18.3.3) and Information-request (§18.3.6), as Kea 2.2 answers them."""

from __future__ import annotations

from tests.support.dhcp6_client import (
    CONFIRM,
    INFORMATION_REQUEST,
    REPLY,
    IaSpec,
    duid_ll,
    message,
    wire,
)
from tests.support.dhcp6_harness import BASIC, SERVER_DUID, harness

DUID = duid_ll()


def test_confirm_on_link() -> None:
    h = harness(BASIC)
    spec = IaSpec(1, addresses=[("2001:db8:1::99", 0, 0)])
    reply = h.ask(wire(message(CONFIRM, DUID, [spec], oro=[23])))
    assert reply.msg_type == REPLY
    assert reply.codes() == [1, 2, 13, 23]
    assert reply.status() == (0, "All addresses are on-link")


def test_confirm_not_on_link() -> None:
    h = harness(BASIC)
    spec = IaSpec(1, addresses=[("2001:db8:1::99", 0, 0), ("2001:db8:5::1", 0, 0)])
    reply = h.ask(wire(message(CONFIRM, DUID, [spec])))
    assert reply.status() == (4, "Address 2001:db8:5::1 is not on link.")


def test_confirm_without_subnet() -> None:
    h = harness(BASIC)
    spec = IaSpec(1, addresses=[("2001:db8:1::99", 0, 0)])
    reply = h.ask(wire(message(CONFIRM, DUID, [spec])), interface="eth5")
    assert reply.status() == (4, "No subnet selected")


def test_confirm_without_addresses_gets_no_reply() -> None:
    h = harness(BASIC)
    assert h.send(wire(message(CONFIRM, DUID, [IaSpec(1)]))).reply is None
    assert h.send(wire(message(CONFIRM, DUID))).reply is None


def test_information_request_gets_options_only() -> None:
    h = harness(BASIC)
    reply = h.ask(wire(message(INFORMATION_REQUEST, DUID, oro=[23, 24])))
    assert reply.codes() == [1, 2, 23]
    assert reply.get(2) == SERVER_DUID
    assert reply.get(23) == bytes.fromhex("20010db8000000000000000000000053")
    assert h.outcomes[-1].lease_changes == ()
    assert h.stats(h.outcomes[-1])["pkt6-infrequest-received"] == 1


def test_option_precedence_pool_subnet_network_global_and_always_send() -> None:
    config = """
    {"Dhcp6": {
      "option-data": [{"name": "dns-servers", "data": "2001:db8::1"},
                      {"name": "domain-search", "data": "global.example"},
                      {"name": "preference", "data": "9", "always-send": true}],
      "shared-networks": [{"name": "net", "interface": "eth0",
        "option-data": [{"name": "domain-search", "data": "net.example"},
                        {"name": "sntp-servers", "data": "2001:db8::123"}],
        "subnet6": [{"id": 5, "subnet": "2001:db8:5::/64",
          "option-data": [{"name": "dns-servers", "data": "2001:db8::5"}],
          "pools": [{"pool": "2001:db8:5::10-2001:db8:5::20",
                     "option-data": [{"name": "sntp-servers", "data": "2001:db8::77"}]}]}]}]
    }}
    """
    h = harness(config)
    reply = h.ask(wire(message(1, DUID, [IaSpec(1)], oro=[23, 24, 31])))
    assert reply.codes() == [1, 2, 3, 7, 23, 24, 31]
    assert reply.get(7) == b"\x09"  # always-send preference
    assert reply.get(23) == bytes.fromhex("20010db8000000000000000000000005")  # subnet
    assert reply.get(24) == b"\x03net\x07example\x00"  # shared network over global
    assert reply.get(31) == bytes.fromhex("20010db8000000000000000000000077")  # pool
    info = h.ask(wire(message(INFORMATION_REQUEST, DUID, oro=[31])))
    assert info.get(31) == bytes.fromhex("20010db8000000000000000000000123")  # no lease: network
    assert info.get(2) == SERVER_DUID
