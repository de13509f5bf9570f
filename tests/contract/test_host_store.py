"""The generic host store contract: every host backend must pass every test here.

Each test is a coroutine run against a fresh, empty store of every backend in
``tests.support.host_backends.HOST_BACKENDS`` (one event loop per test, so a SQL backend's
connections stay on one loop).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import replace
from ipaddress import IPv4Address, IPv6Address, IPv6Network

import pytest
from tests.support.host_backends import HOST_BACKENDS, HostBackend

from pukeko.hosts.model import SUBNET_ID_GLOBAL, Host, IdentifierType
from pukeko.hosts.store import (
    DuplicateHostError,
    HostNotFoundError,
    HostStore,
    HostStoreError,
)

DUID = IdentifierType.DUID
HW = IdentifierType.HW_ADDRESS
FLEX = IdentifierType.FLEX_ID
CLIENT_ID = IdentifierType.CLIENT_ID
CIRCUIT = IdentifierType.CIRCUIT_ID
Body = Callable[[HostStore], Awaitable[None]]


@pytest.fixture(params=sorted(HOST_BACKENDS))
def host_backend(request: pytest.FixtureRequest) -> HostBackend:
    """Every host store backend, one at a time."""
    return HOST_BACKENDS[request.param]


def run(backend: HostBackend, body: Body, unique: bool = True) -> None:
    """Run ``body`` against a fresh store (``ip-reservations-unique`` = ``unique``)."""

    async def main() -> None:
        store = await backend.make(unique)
        try:
            await body(store)
        finally:
            await store.close()

    asyncio.run(main())


def a6(n: int) -> IPv6Address:
    return IPv6Address(f"2001:db8:1::{n:x}")


def p6(text: str) -> IPv6Network:
    return IPv6Network(text)


def host6(n: int, subnet: int = 1, **kw: object) -> Host:
    base: dict[str, object] = {
        "identifier_type": DUID,
        "identifier": bytes([0, 3, 0, 1, 0xAA, n]),
        "ipv6_subnet_id": subnet,
        "ip_addresses": (a6(n),),
    }
    return Host(**{**base, **kw})  # type: ignore[arg-type]


def host4(n: int, subnet: int = 1, **kw: object) -> Host:
    base: dict[str, object] = {
        "identifier_type": HW,
        "identifier": bytes([0xAA, 0xBB, 0xCC, 0, 0, n]),
        "ipv4_subnet_id": subnet,
        "ipv4_address": IPv4Address(f"192.0.2.{n}"),
    }
    return Host(**{**base, **kw})  # type: ignore[arg-type]


# -- add and get ---------------------------------------------------------------------------------


def test_add_then_get6_by_identifier_in_its_subnet_only(host_backend: HostBackend) -> None:
    async def body(store: HostStore) -> None:
        host = host6(1, subnet=5, hostname="one")
        await store.add(host)
        assert store.view6.get6(5, DUID, host.identifier) == host
        assert await store.get_by_id(6, 5, DUID, host.identifier) == host
        assert store.view6.get6(6, DUID, host.identifier) is None
        assert store.view6.get6(SUBNET_ID_GLOBAL, DUID, host.identifier) is None
        assert store.view6.get6(5, HW, host.identifier) is None
        assert store.view6.get6(5, DUID, host.identifier + b"\x00") is None
        assert store.view4.get4(5, DUID, host.identifier) is None
        assert await store.get_by_id(4, 5, DUID, host.identifier) is None

    run(host_backend, body)


def test_add_then_get4_by_every_identifier_type(host_backend: HostBackend) -> None:
    async def body(store: HostStore) -> None:
        hosts = [
            host4(i + 1, identifier_type=t, identifier=b"\x01\x02" + bytes([i]))
            for i, t in enumerate(IdentifierType)
        ]
        for h in hosts:
            await store.add(h)
        for h in hosts:
            assert store.view4.get4(1, h.identifier_type, h.identifier) == h
            assert await store.get_by_id(4, 1, h.identifier_type, h.identifier) == h
            assert store.view6.get6(1, h.identifier_type, h.identifier) is None

    run(host_backend, body)


def test_global_and_subnet_hosts_with_one_identifier_are_distinct(
    host_backend: HostBackend,
) -> None:
    async def body(store: HostStore) -> None:
        in_subnet = host6(1, subnet=1, hostname="subnet")
        global_ = host6(1, subnet=SUBNET_ID_GLOBAL, hostname="global", ip_addresses=())
        await store.add(in_subnet)
        await store.add(global_)
        assert store.view6.get6(1, DUID, in_subnet.identifier) == in_subnet
        assert store.view6.get6(SUBNET_ID_GLOBAL, DUID, in_subnet.identifier) == global_

    run(host_backend, body)


def test_a_host_of_both_families_answers_in_both(host_backend: HostBackend) -> None:
    async def body(store: HostStore) -> None:
        both = host4(7, subnet=4, ipv6_subnet_id=6, ip_addresses=(a6(7),))
        await store.add(both)
        assert store.view4.get4(4, HW, both.identifier) == both
        assert store.view6.get6(6, HW, both.identifier) == both
        assert tuple(store.view4.by_address4(4, IPv4Address("192.0.2.7"))) == (both,)
        assert tuple(store.view6.by_resource6(6, a6(7))) == (both,)
        assert store.view6.get6(4, HW, both.identifier) is None

    run(host_backend, body)


def test_a_host_without_resources_is_stored(host_backend: HostBackend) -> None:
    async def body(store: HostStore) -> None:
        bare = Host(FLEX, b"flex", ipv6_subnet_id=3)
        named = Host(CLIENT_ID, b"\x01\x02", ipv4_subnet_id=3, hostname="only-a-name")
        await store.add(bare)
        await store.add(named)
        assert store.view6.get6(3, FLEX, b"flex") == bare
        assert store.view4.get4(3, CLIENT_ID, b"\x01\x02") == named
        assert store.view6.has_reservations6(3) and store.view4.has_reservations4(3)

    run(host_backend, body)


def test_a_host_for_no_family_is_refused(host_backend: HostBackend) -> None:
    async def body(store: HostStore) -> None:
        with pytest.raises(HostStoreError):
            await store.add(Host(DUID, b"\x00\x01", hostname="nowhere"))
        assert await store.get_all_by_id(DUID, b"\x00\x01") == []

    run(host_backend, body)


# -- duplicates ---------------------------------------------------------------------------------


def test_same_identifier_in_same_subnet_and_family_is_refused(host_backend: HostBackend) -> None:
    async def body(store: HostStore) -> None:
        first = host6(1, hostname="first")
        await store.add(first)
        second = host6(1, ip_addresses=(a6(99),), hostname="second")
        with pytest.raises(DuplicateHostError):
            await store.add(second)
        # Nothing of the refused host was kept.
        assert store.view6.get6(1, DUID, first.identifier) == first
        assert tuple(store.view6.by_resource6(1, a6(99))) == ()
        assert await store.get_by_hostname("second") == []

    run(host_backend, body)


def test_same_identifier_elsewhere_is_accepted(host_backend: HostBackend) -> None:
    async def body(store: HostStore) -> None:
        ident = bytes([0, 3, 0, 1, 0xAA, 1])
        await store.add(host6(1, subnet=1))
        await store.add(host6(1, subnet=2, ip_addresses=(a6(2),)))
        await store.add(Host(DUID, ident, ipv4_subnet_id=1, hostname="v4"))
        await store.add(Host(HW, ident, ipv6_subnet_id=1, hostname="other type"))
        assert len(await store.get_all_by_id(DUID, ident)) == 3
        assert await store.get_by_id(4, 1, DUID, ident) is not None

    run(host_backend, body)


def test_v4_duplicate_identifier_is_refused(host_backend: HostBackend) -> None:
    async def body(store: HostStore) -> None:
        await store.add(host4(1))
        with pytest.raises(DuplicateHostError):
            await store.add(host4(1, ipv4_address=IPv4Address("192.0.2.200")))
        assert tuple(store.view4.by_address4(1, IPv4Address("192.0.2.200"))) == ()

    run(host_backend, body)


def test_unique_refuses_a_second_reservation_of_an_address(host_backend: HostBackend) -> None:
    async def body(store: HostStore) -> None:
        owner = host6(1)
        await store.add(owner)
        with pytest.raises(DuplicateHostError):
            await store.add(host6(2, ip_addresses=(a6(2), a6(1))))
        assert tuple(store.view6.by_resource6(1, a6(1))) == (owner,)
        assert tuple(store.view6.by_resource6(1, a6(2))) == ()  # nothing half added
        assert store.view6.get6(1, DUID, host6(2).identifier) is None
        # Another subnet may reserve the same address.
        await store.add(host6(2, subnet=2, ip_addresses=(a6(1),)))
        assert len(store.view6.by_resource6(2, a6(1))) == 1

    run(host_backend, body)


def test_unique_refuses_a_second_reservation_of_a_prefix(host_backend: HostBackend) -> None:
    async def body(store: HostStore) -> None:
        await store.add(host6(1, prefixes=(p6("2001:db8:2::/48"),)))
        with pytest.raises(DuplicateHostError):
            await store.add(host6(2, prefixes=(p6("2001:db8:2::/48"),)))
        # Kea keys a prefix by its first address: a /56 there is the same resource.
        with pytest.raises(DuplicateHostError):
            await store.add(host6(3, prefixes=(p6("2001:db8:2::/56"),)))
        with pytest.raises(DuplicateHostError):
            await store.add(host6(4, ip_addresses=(IPv6Address("2001:db8:2::"),)))
        assert len(store.view6.by_resource6(1, IPv6Address("2001:db8:2::"))) == 1

    run(host_backend, body)


def test_unique_refuses_a_host_repeating_its_own_address(host_backend: HostBackend) -> None:
    async def body(store: HostStore) -> None:
        with pytest.raises(DuplicateHostError):
            await store.add(host6(1, ip_addresses=(a6(1), a6(1))))
        assert store.view6.get6(1, DUID, host6(1).identifier) is None
        assert tuple(store.view6.by_resource6(1, a6(1))) == ()

    run(host_backend, body)


def test_unique_refuses_a_second_reservation_of_a_v4_address(host_backend: HostBackend) -> None:
    async def body(store: HostStore) -> None:
        await store.add(host4(1))
        with pytest.raises(DuplicateHostError):
            await store.add(host4(2, ipv4_address=IPv4Address("192.0.2.1")))
        await store.add(host4(2, subnet=2, ipv4_address=IPv4Address("192.0.2.1")))
        assert len(store.view4.by_address4(1, IPv4Address("192.0.2.1"))) == 1
        assert len(store.view4.by_address4(2, IPv4Address("192.0.2.1"))) == 1

    run(host_backend, body)


def test_without_unique_every_reservation_is_kept(host_backend: HostBackend) -> None:
    async def body(store: HostStore) -> None:
        a, b = host6(1), host6(2, ip_addresses=(a6(1),))
        c = host6(3, ip_addresses=(), prefixes=(p6("2001:db8:1::1/128"),))
        for h in (a, b, c):
            await store.add(h)
        assert tuple(store.view6.by_resource6(1, a6(1))) == (a, b, c)
        v4a, v4b = host4(1), host4(2, ipv4_address=IPv4Address("192.0.2.1"))
        await store.add(v4a)
        await store.add(v4b)
        assert tuple(store.view4.by_address4(1, IPv4Address("192.0.2.1"))) == (v4a, v4b)
        # Identifiers stay unique even so.
        with pytest.raises(DuplicateHostError):
            await store.add(host6(1, ip_addresses=(a6(50),)))

    run(host_backend, body, unique=False)


# -- delete --------------------------------------------------------------------------------------


def test_delete_by_id_removes_the_host_from_every_lookup(host_backend: HostBackend) -> None:
    async def body(store: HostStore) -> None:
        host = host6(1, subnet=2, hostname="gone", prefixes=(p6("2001:db8:8::/64"),))
        keep = host6(2, subnet=2)
        await store.add(host)
        await store.add(keep)
        assert not await store.delete_by_id(4, 2, DUID, host.identifier)  # other family
        assert not await store.delete_by_id(6, 3, DUID, host.identifier)  # other subnet
        assert await store.delete_by_id(6, 2, DUID, host.identifier)
        assert store.view6.get6(2, DUID, host.identifier) is None
        assert tuple(store.view6.by_resource6(2, a6(1))) == ()
        assert tuple(store.view6.by_resource6(2, IPv6Address("2001:db8:8::"))) == ()
        assert await store.get_by_hostname("gone") == []
        assert await store.get_all_by_id(DUID, host.identifier) == []
        assert store.view6.get6(2, DUID, keep.identifier) == keep
        assert not await store.delete_by_id(6, 2, DUID, host.identifier)
        # The identifier and the address are free again.
        await store.add(host)
        assert store.view6.get6(2, DUID, host.identifier) == host

    run(host_backend, body)


def test_delete_by_id_of_a_v4_host(host_backend: HostBackend) -> None:
    async def body(store: HostStore) -> None:
        host = host4(9, identifier_type=CIRCUIT, identifier=b"port-9")
        await store.add(host)
        assert await store.delete_by_id(4, 1, CIRCUIT, b"port-9")
        assert store.view4.get4(1, CIRCUIT, b"port-9") is None
        assert tuple(store.view4.by_address4(1, IPv4Address("192.0.2.9"))) == ()

    run(host_backend, body)


def test_delete_by_address_removes_every_host_reserving_it(host_backend: HostBackend) -> None:
    async def body(store: HostStore) -> None:
        a, b, other = host6(1), host6(2, ip_addresses=(a6(1), a6(2))), host6(3)
        for h in (a, b, other):
            await store.add(h)
        assert await store.delete_by_address(6, 2, a6(1)) == 0  # other subnet
        assert await store.delete_by_address(4, 1, IPv4Address("192.0.2.1")) == 0
        assert await store.delete_by_address(6, 1, a6(1)) == 2
        assert tuple(store.view6.by_resource6(1, a6(1))) == ()
        assert tuple(store.view6.by_resource6(1, a6(2))) == ()  # b's other address too
        assert store.view6.get6(1, DUID, b.identifier) is None
        assert store.view6.get6(1, DUID, other.identifier) == other
        assert await store.delete_by_address(6, 1, a6(1)) == 0

    run(host_backend, body, unique=False)


def test_delete_by_address_finds_a_prefix_by_its_first_address(
    host_backend: HostBackend,
) -> None:
    async def body(store: HostStore) -> None:
        host = host6(1, ip_addresses=(), prefixes=(p6("2001:db8:9::/56"),))
        await store.add(host)
        assert await store.delete_by_address(6, 1, IPv6Address("2001:db8:9::1")) == 0
        assert await store.delete_by_address(6, 1, IPv6Address("2001:db8:9::")) == 1
        assert store.view6.get6(1, DUID, host.identifier) is None

    run(host_backend, body)


def test_delete_by_v4_address(host_backend: HostBackend) -> None:
    async def body(store: HostStore) -> None:
        await store.add(host4(1))
        await store.add(host4(2))
        assert await store.delete_by_address(4, 1, IPv4Address("192.0.2.1")) == 1
        assert store.view4.get4(1, HW, host4(1).identifier) is None
        assert store.view4.get4(1, HW, host4(2).identifier) == host4(2)

    run(host_backend, body)


# -- update --------------------------------------------------------------------------------------


def test_update_replaces_the_host_and_its_resources(host_backend: HostBackend) -> None:
    async def body(store: HostStore) -> None:
        old = host6(1, hostname="Old", prefixes=(p6("2001:db8:5::/64"),))
        await store.add(old)
        new = replace(old, hostname="new", ip_addresses=(a6(0x50),), prefixes=())
        await store.update(new)
        assert store.view6.get6(1, DUID, old.identifier) == new
        assert tuple(store.view6.by_resource6(1, a6(0x50))) == (new,)
        assert tuple(store.view6.by_resource6(1, a6(1))) == ()
        assert tuple(store.view6.by_resource6(1, IPv6Address("2001:db8:5::"))) == ()
        assert await store.get_by_hostname("old") == []
        assert await store.get_by_hostname("NEW") == [new]
        # The old address is free for another host.
        await store.add(host6(2, ip_addresses=(a6(1),)))

    run(host_backend, body)


def test_update_of_an_unknown_host_is_refused(host_backend: HostBackend) -> None:
    async def body(store: HostStore) -> None:
        await store.add(host6(1, subnet=1))
        with pytest.raises(HostNotFoundError):
            await store.update(host6(2))
        with pytest.raises(HostNotFoundError):
            await store.update(host6(1, subnet=2))  # same identifier, other subnet
        with pytest.raises(HostNotFoundError):
            await store.update(host4(1, identifier_type=DUID, identifier=host6(1).identifier))
        assert await store.get_by_id(6, 2, DUID, host6(2).identifier) is None

    run(host_backend, body)


def test_update_must_name_the_same_subnet_ids(host_backend: HostBackend) -> None:
    async def body(store: HostStore) -> None:
        both = host4(1, subnet=1, ipv6_subnet_id=2)
        await store.add(both)
        with pytest.raises(HostNotFoundError):
            await store.update(replace(both, ipv4_subnet_id=None, hostname="v6 only"))
        with pytest.raises(HostNotFoundError):
            await store.update(replace(both, ipv6_subnet_id=None, hostname="v4 only"))
        assert store.view4.get4(1, HW, both.identifier) == both
        assert store.view6.get6(2, HW, both.identifier) == both
        await store.update(replace(both, hostname="renamed"))
        renamed = store.view6.get6(2, HW, both.identifier)
        assert renamed is not None and renamed.hostname == "renamed"
        assert store.view4.get4(1, HW, both.identifier) == renamed

    run(host_backend, body)


def test_update_taking_a_reserved_address_is_refused(host_backend: HostBackend) -> None:
    async def body(store: HostStore) -> None:
        a, b = host6(1, hostname="a"), host6(2)
        await store.add(a)
        await store.add(b)
        with pytest.raises(DuplicateHostError):
            await store.update(replace(a, hostname="changed", ip_addresses=(a6(2),)))
        assert store.view6.get6(1, DUID, a.identifier) == a  # unchanged
        assert tuple(store.view6.by_resource6(1, a6(1))) == (a,)
        assert tuple(store.view6.by_resource6(1, a6(2))) == (b,)
        assert await store.get_by_hostname("a") == [a]

    run(host_backend, body)


def test_update_keeps_the_paging_position(host_backend: HostBackend) -> None:
    async def body(store: HostStore) -> None:
        hosts = [host6(n) for n in range(1, 6)]
        for h in hosts:
            await store.add(h)
        changed = replace(hosts[1], hostname="changed")
        await store.update(changed)
        page, _ = await store.get_page(6, None, 0, 10)
        assert page == [hosts[0], changed, *hosts[2:]]

    run(host_backend, body)


# -- admin queries ------------------------------------------------------------------------------


def test_get_all_by_id_spans_subnets_and_families(host_backend: HostBackend) -> None:
    async def body(store: HostStore) -> None:
        ident = b"\xaa\xbb\xcc\x00\x00\x01"
        found = [
            host4(1),
            host4(1, subnet=2),
            Host(HW, ident, ipv6_subnet_id=SUBNET_ID_GLOBAL, hostname="g"),
        ]
        for h in found:
            await store.add(h)
        await store.add(host4(2))
        await store.add(Host(DUID, ident, ipv6_subnet_id=1, hostname="other type"))
        assert sorted(map(repr, await store.get_all_by_id(HW, ident))) == sorted(map(repr, found))
        assert await store.get_all_by_id(FLEX, ident) == []

    run(host_backend, body)


def test_get_by_hostname_is_case_insensitive_and_filters(host_backend: HostBackend) -> None:
    async def body(store: HostStore) -> None:
        v6 = host6(1, subnet=1, hostname="Printer.Example.ORG")
        v6b = host6(2, subnet=2, hostname="printer.example.org")
        v4 = host4(3, subnet=1, hostname="PRINTER.example.org")
        await store.add(v6)
        await store.add(v6b)
        await store.add(v4)
        await store.add(host6(4, hostname="printer2.example.org"))
        every = await store.get_by_hostname("printer.EXAMPLE.org")
        assert sorted(map(repr, every)) == sorted(map(repr, [v6, v6b, v4]))
        stored = await store.get_by_id(6, 1, DUID, v6.identifier)
        assert stored is not None and stored.hostname == "Printer.Example.ORG"  # as written
        assert sorted(map(repr, await store.get_by_hostname("printer.example.org", 6))) == sorted(
            map(repr, [v6, v6b])
        )
        assert await store.get_by_hostname("printer.example.org", 4) == [v4]
        assert await store.get_by_hostname("printer.example.org", 6, 2) == [v6b]
        assert await store.get_by_hostname("printer.example.org", 4, 2) == []
        assert await store.get_by_hostname("printer.example") == []

    run(host_backend, body)


async def _page_all(store: HostStore, family: int, subnet: int | None, limit: int) -> list[Host]:
    seen: list[Host] = []
    after = 0
    for _ in range(1000):
        page, after_next = await store.get_page(family, subnet, after, limit)
        assert len(page) <= limit
        if not page:
            return seen
        seen.extend(page)
        after = after_next
    raise AssertionError("paging did not end")


def test_paging_covers_every_host_exactly_once(host_backend: HostBackend) -> None:
    async def body(store: HostStore) -> None:
        v6 = [host6(n, subnet=n % 3) for n in range(1, 24)]
        v4 = [host4(n, subnet=n % 2 + 1) for n in range(1, 11)]
        for h in [x for pair in zip(v6, v4, strict=False) for x in pair] + v6[len(v4) :]:
            await store.add(h)
        for limit in (1, 4, 7, 100):
            assert await _page_all(store, 6, None, limit) == v6
            assert await _page_all(store, 4, None, limit) == v4
        assert await _page_all(store, 6, 0, 5) == [h for h in v6 if h.ipv6_subnet_id == 0]
        assert await _page_all(store, 6, 2, 5) == [h for h in v6 if h.ipv6_subnet_id == 2]
        assert await _page_all(store, 4, 1, 3) == [h for h in v4 if h.ipv4_subnet_id == 1]
        assert await _page_all(store, 4, 9, 3) == []

    run(host_backend, body)


def test_paging_goes_on_across_deletions(host_backend: HostBackend) -> None:
    async def body(store: HostStore) -> None:
        hosts = [host6(n) for n in range(1, 11)]
        for h in hosts:
            await store.add(h)
        page, after = await store.get_page(6, None, 0, 3)
        assert page == hosts[:3]
        await store.delete_by_id(6, 1, DUID, hosts[2].identifier)  # the last one returned
        await store.delete_by_id(6, 1, DUID, hosts[3].identifier)  # the next one
        rest, _ = await store.get_page(6, None, after, 100)
        assert rest == hosts[4:]

    run(host_backend, body)


def test_a_page_of_an_empty_store(host_backend: HostBackend) -> None:
    async def body(store: HostStore) -> None:
        assert (await store.get_page(6, None, 0, 10))[0] == []
        assert (await store.get_page(4, 1, 0, 10))[0] == []
        await store.add(host6(1))
        page, after = await store.get_page(6, None, 0, 10)
        assert page == [host6(1)]
        assert (await store.get_page(6, None, after, 10))[0] == []
        assert (await store.get_page(4, None, 0, 10))[0] == []

    run(host_backend, body)


# -- views ----------------------------------------------------------------------------------------


def test_views_reflect_changes_at_once(host_backend: HostBackend) -> None:
    async def body(store: HostStore) -> None:
        view6, view4 = store.view6, store.view4  # taken before any change
        h6, h4 = host6(1), host4(1)
        await store.add(h6)
        await store.add(h4)
        assert view6.get6(1, DUID, h6.identifier) == h6
        assert tuple(view6.by_resource6(1, a6(1))) == (h6,)
        assert view4.get4(1, HW, h4.identifier) == h4
        assert tuple(view4.by_address4(1, IPv4Address("192.0.2.1"))) == (h4,)
        await store.update(replace(h6, ip_addresses=(a6(2),)))
        assert tuple(view6.by_resource6(1, a6(1))) == ()
        assert len(view6.by_resource6(1, a6(2))) == 1
        await store.delete_by_id(4, 1, HW, h4.identifier)
        assert view4.get4(1, HW, h4.identifier) is None

    run(host_backend, body)


def test_prefixes_are_found_by_their_first_address_only(host_backend: HostBackend) -> None:
    async def body(store: HostStore) -> None:
        host = host6(1, ip_addresses=(), prefixes=(p6("2001:db8:7::/48"), p6("2001:db8:8::/64")))
        await store.add(host)
        assert tuple(store.view6.by_resource6(1, IPv6Address("2001:db8:7::"))) == (host,)
        assert tuple(store.view6.by_resource6(1, IPv6Address("2001:db8:8::"))) == (host,)
        assert tuple(store.view6.by_resource6(1, IPv6Address("2001:db8:7::1"))) == ()
        assert tuple(store.view6.by_resource6(2, IPv6Address("2001:db8:7::"))) == ()
        assert host.reserves6(IPv6Address("2001:db8:7::"), 48)

    run(host_backend, body)


def test_has_reservations_follows_adds_and_deletes(host_backend: HostBackend) -> None:
    async def body(store: HostStore) -> None:
        v6, v4 = store.view6, store.view4
        assert not v6.has_reservations6(1) and not v6.has_reservations6(SUBNET_ID_GLOBAL)
        a, b = host6(1, subnet=1), host6(2, subnet=1)
        g = host6(3, subnet=SUBNET_ID_GLOBAL)
        for h in (a, b, g):
            await store.add(h)
        assert v6.has_reservations6(1) and v6.has_reservations6(SUBNET_ID_GLOBAL)
        assert not v6.has_reservations6(2)
        assert not v4.has_reservations4(1)  # DHCPv6 hosts only
        await store.delete_by_id(6, 1, DUID, a.identifier)
        assert v6.has_reservations6(1)
        await store.delete_by_address(6, 1, a6(2))
        assert not v6.has_reservations6(1)
        await store.delete_by_id(6, SUBNET_ID_GLOBAL, DUID, g.identifier)
        assert not v6.has_reservations6(SUBNET_ID_GLOBAL)
        await store.add(host4(1, subnet=7))
        assert v4.has_reservations4(7) and not v6.has_reservations6(7)

    run(host_backend, body)


def test_identifier_types_follow_adds_and_deletes(host_backend: HostBackend) -> None:
    async def body(store: HostStore) -> None:
        v6, v4 = store.view6, store.view4
        assert v6.identifier_types6() == frozenset() == v4.identifier_types4()
        duid_a, duid_b = host6(1), host6(2)
        flex = host6(3, identifier_type=FLEX, identifier=b"flex")
        for h in (duid_a, duid_b, flex):
            await store.add(h)
        await store.add(host4(1, identifier_type=CLIENT_ID))
        assert v6.identifier_types6() == {DUID, FLEX}
        assert v4.identifier_types4() == {CLIENT_ID}
        await store.delete_by_id(6, 1, DUID, duid_a.identifier)
        assert v6.identifier_types6() == {DUID, FLEX}  # duid_b still uses DUID
        await store.delete_by_id(6, 1, DUID, duid_b.identifier)
        assert v6.identifier_types6() == {FLEX}
        await store.update(replace(flex, hostname="x"))
        assert v6.identifier_types6() == {FLEX}
        await store.delete_by_address(6, 1, a6(3))
        assert v6.identifier_types6() == frozenset()
        assert v4.identifier_types4() == {CLIENT_ID}

    run(host_backend, body)
