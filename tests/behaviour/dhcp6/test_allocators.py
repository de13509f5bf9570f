"""``allocator`` / ``pd-allocator`` (Kea 2.4 keywords; Pukeko's "hash" extension) per level."""

from __future__ import annotations

import json
from ipaddress import IPv6Address
from typing import Any

from tests.support.dhcp6_client import (
    REQUEST,
    SOLICIT,
    IaSpec,
    addresses_of,
    duid_of,
    message,
    wire,
)
from tests.support.dhcp6_harness import SERVER_DUID, Harness, harness

from pukeko.config.load import load_config
from pukeko.config.render import render


def config(**levels: Any) -> str:
    """Subnet 1 stands alone, subnet 2 is in network "net"; ``levels`` sets keys per level."""
    subnet1 = {"id": 1, "subnet": "2001:db8:1::/64", "interface": "eth0",
               "pools": [{"pool": "2001:db8:1::/112"}], **levels.get("subnet", {})}  # fmt: skip
    subnet2 = {"id": 2, "subnet": "2001:db8:2::/64", "pools": [{"pool": "2001:db8:2::/112"}]}
    network = {"name": "net", "interface": "eth1", "subnet6": [subnet2], **levels.get("net", {})}
    return json.dumps(
        {"Dhcp6": {**levels.get("global", {}), "subnet6": [subnet1], "shared-networks": [network]}}
    )


def granted(text: str, count: int, interface: str = "eth0") -> list[int]:
    """The addresses ``count`` new clients are given, in order, as integers."""
    h = harness(text)
    out = []
    for n in range(count):
        pkt = message(REQUEST, duid_of(n), [IaSpec(1)], server_id=SERVER_DUID)
        reply = h.ask(wire(pkt), interface=interface)
        ((address, _, _),) = addresses_of(reply.ias()[0])
        out.append(int(IPv6Address(address)))
    return out


def is_sequential(addresses: list[int]) -> bool:
    return addresses == list(range(addresses[0], addresses[0] + len(addresses)))


def test_iterative_is_the_default_and_hands_out_in_order() -> None:
    assert is_sequential(granted(config(), 12))


def test_random_at_subnet_level() -> None:
    picks = granted(config(subnet={"allocator": "random"}), 12)
    assert len(set(picks)) == 12 and not is_sequential(picks)
    base = int(IPv6Address("2001:db8:1::"))
    assert all(base <= a <= base + 0xFFFF for a in picks)


def test_network_level_applies_to_its_subnets_and_subnet_level_wins() -> None:
    text = config(net={"allocator": "random"})
    assert not is_sequential(granted(text, 12, interface="eth1"))
    assert is_sequential(granted(text, 12))  # subnet 1 is not in the network
    text = config(**{"global": {"allocator": "random"}, "subnet": {"allocator": "iterative"}})
    assert is_sequential(granted(text, 12))


def test_hash_allocator_gives_a_client_the_same_address_on_independent_servers() -> None:
    text = config(**{"global": {"allocator": "hash"}})
    first, second = harness(text), harness(text)
    clients = [3, 77, 1000]

    def offers(h: Harness, order: list[int]) -> dict[int, object]:
        return {
            n: addresses_of(h.ask(wire(message(SOLICIT, duid_of(n), [IaSpec(5)]))).ias()[0])
            for n in order
        }

    # Asked in opposite orders: an order-dependent allocator (iterative) would differ here.
    assert offers(first, clients) == offers(second, clients[::-1])
    assert offers(harness(config()), clients) != offers(harness(config()), clients[::-1])


def test_keywords_are_validated_and_rendered() -> None:
    text = config(subnet={"allocator": "random", "pd-allocator": "hash"})
    rendered = render(load_config(text, family=6).config)
    assert rendered["Dhcp6"]["subnet6"][0]["allocator"] == "random"
    assert rendered["Dhcp6"]["subnet6"][0]["pd-allocator"] == "hash"
    bad = config(subnet={"allocator": "clever"})
    try:
        load_config(bad, family=6)
    except ValueError as exc:
        assert "allocator" in str(exc)
    else:
        raise AssertionError("an unknown allocator was accepted")
