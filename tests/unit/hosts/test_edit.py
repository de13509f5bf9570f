"""replace_hosts: removing and adding hosts in a live store as one step."""

from __future__ import annotations

import asyncio
from ipaddress import IPv6Address

from pukeko.hosts.edit import replace_hosts
from pukeko.hosts.memory import MemoryHostStore
from pukeko.hosts.model import Host, IdentifierType

DUID = IdentifierType.DUID


def host(ident: bytes, address: str, subnet_id: int = 1) -> Host:
    return Host(DUID, ident, ipv6_subnet_id=subnet_id, ip_addresses=(IPv6Address(address),))


def test_replace_swaps_hosts() -> None:
    old, new = host(b"\x01", "2001:db8::1"), host(b"\x01", "2001:db8::2")
    store = MemoryHostStore.from_hosts([old])
    assert asyncio.run(replace_hosts(store, 6, [old], [new])) is None
    assert store.get6(1, DUID, b"\x01") == new
    assert store.by_resource6(1, IPv6Address("2001:db8::1")) == ()


def test_refused_addition_leaves_the_store_as_it_was() -> None:
    keep, old = host(b"\x01", "2001:db8::1"), host(b"\x02", "2001:db8::2")
    store = MemoryHostStore.from_hosts([keep, old])
    first, clash = host(b"\x03", "2001:db8::3"), host(b"\x04", "2001:db8::1")
    problem = asyncio.run(replace_hosts(store, 6, [old], [first, clash]))
    assert problem is not None and "2001:db8::1 is already reserved" in problem
    assert store.get6(1, DUID, b"\x02") == old  # put back
    assert store.get6(1, DUID, b"\x03") is None  # taken out again
    assert store.get6(1, DUID, b"\x04") is None
    assert len(store) == 2
