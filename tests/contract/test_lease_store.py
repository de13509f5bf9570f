"""The generic lease store contract: every backend must pass every test here."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import replace
from ipaddress import IPv4Address, IPv6Address
from typing import TypeVar

import pytest
from tests.support.lease_backends import Backend

from pukeko.leases.model import (
    ChangeKind,
    Lease4,
    Lease6,
    LeaseChange,
    LeaseState,
    LeaseType,
)
from pukeko.leases.store import (
    DuplicateLeaseError,
    LeaseNotFoundError,
    LeasePersistError,
    LeaseStore4,
    LeaseStore6,
    ReservationStateError,
)

T = TypeVar("T")
NET = int(IPv6Address("2001:db8:1::"))


def run(coro: Awaitable[T]) -> T:
    async def main() -> T:
        return await coro

    return asyncio.run(main())


def lease6(n: int, **kw: object) -> Lease6:
    base = {
        "address": IPv6Address(NET + n),
        "lease_type": LeaseType.NA,
        "prefix_len": 128,
        "duid": b"\x00\x03\x00\x01" + bytes([n % 256, 7]),
        "iaid": 1,
        "subnet_id": 1,
        "valid_lifetime": 4000,
        "preferred_lifetime": 3000,
        "cltt": 1_700_000_000 + n,
    }
    return Lease6(**{**base, **kw})  # type: ignore[arg-type]


def lease4(n: int, **kw: object) -> Lease4:
    base = {
        "address": IPv4Address(0xC0000200 + n),
        "hwaddr": bytes([0, 1, 2, 3, 4, n % 256]),
        "client_id": bytes([1, 0, 1, 2, 3, 4, n % 256]),
        "subnet_id": 1,
        "valid_lifetime": 4000,
        "cltt": 1_700_000_000 + n,
    }
    return Lease4(**{**base, **kw})  # type: ignore[arg-type]


def add(lease: Lease6 | Lease4) -> LeaseChange:
    return LeaseChange(ChangeKind.ADD, lease)


def update(lease: Lease6 | Lease4) -> LeaseChange:
    return LeaseChange(ChangeKind.UPDATE, lease)


def delete(lease: Lease6 | Lease4) -> LeaseChange:
    return LeaseChange(ChangeKind.DELETE, lease)


async def opened6(backend: Backend) -> LeaseStore6:
    store = backend.make6()
    await store.open()
    return store


async def opened4(backend: Backend) -> LeaseStore4:
    store = backend.make4()
    await store.open()
    return store


def with_store6(backend: Backend, body: Callable[[LeaseStore6], Awaitable[None]]) -> None:
    async def main() -> None:
        store = await opened6(backend)
        try:
            await body(store)
        finally:
            await store.close()

    asyncio.run(main())


def test_add_get_update_delete_v6(backend: Backend) -> None:
    async def body(store: LeaseStore6) -> None:
        first = lease6(1)
        await store.apply([add(first)])
        assert await store.get(first.address) == first
        assert await store.get(first.address, LeaseType.PD) is None
        assert store.view.get(LeaseType.NA, first.address) == first
        renewed = replace(first, cltt=first.cltt + 60, hostname="renewed.example.org")
        await store.apply([update(renewed)])
        assert await store.get(first.address) == renewed
        await store.apply([delete(renewed)])
        assert await store.get(first.address) is None

    with_store6(backend, body)


def test_add_get_update_delete_v4(backend: Backend) -> None:
    async def main() -> None:
        store = await opened4(backend)
        first = lease4(1)
        await store.apply([add(first)])
        assert await store.get(first.address) == first
        assert store.view.get(first.address) == first
        declined = replace(first, state=LeaseState.DECLINED, hwaddr=b"", client_id=b"")
        await store.apply([update(declined)])
        assert await store.get(first.address) == declined
        await store.apply([delete(declined)])
        assert await store.get(first.address) is None
        await store.close()

    run(main())


def test_duplicates_and_missing_leases_are_refused(backend: Backend) -> None:
    async def body(store: LeaseStore6) -> None:
        await store.apply([add(lease6(1))])
        with pytest.raises(DuplicateLeaseError):
            await store.apply([add(lease6(2)), add(lease6(1, iaid=9))])
        with pytest.raises(LeaseNotFoundError):
            await store.apply([update(lease6(3))])
        with pytest.raises(LeaseNotFoundError):
            await store.apply([delete(lease6(3))])
        assert await store.page(None, 10) == [lease6(1)]  # the refused batch left nothing

    with_store6(backend, body)


def test_by_client_queries_v6(backend: Backend) -> None:
    async def body(store: LeaseStore6) -> None:
        duid = b"\x00\x01\x00\x01\xaa\xbb"
        na = lease6(1, duid=duid, iaid=3)
        na2 = lease6(2, duid=duid, iaid=3, hostname="host.example.org")
        pd = lease6(0x10000, duid=duid, iaid=4, lease_type=LeaseType.PD, prefix_len=56)
        await store.apply([add(na), add(na2), add(pd), add(lease6(3))])
        assert await store.get_by_client(duid, 3, LeaseType.NA) == [na, na2]
        assert await store.get_by_client(duid, 4, LeaseType.PD) == [pd]
        assert store.view.by_client(duid, 4, LeaseType.NA) == []
        assert sorted(await store.get_by_duid(duid), key=lambda x: x.address) == [na, na2, pd]
        assert await store.get_by_hostname("host.example.org") == [na2]
        assert await store.get(pd.address, LeaseType.PD) == pd

    with_store6(backend, body)


def test_by_client_queries_v4(backend: Backend) -> None:
    async def main() -> None:
        store = await opened4(backend)
        one, two = lease4(1, hostname="a.example.org"), lease4(2, client_id=b"")
        await store.apply([add(one), add(two)])
        assert await store.get_by_hwaddr(one.hwaddr) == [one]
        assert await store.get_by_client_id(one.client_id) == [one]
        assert await store.get_by_hostname("a.example.org") == [one]
        assert await store.page(None, 5) == [one, two]
        await store.close()

    run(main())


def test_paging_by_address(backend: Backend) -> None:
    async def body(store: LeaseStore6) -> None:
        await store.apply([add(lease6(n, subnet_id=1 + n % 2)) for n in (9, 1, 5, 3, 7)])
        first = await store.page(None, 2)
        assert [x.address for x in first] == [IPv6Address(NET + 1), IPv6Address(NET + 3)]
        after = await store.page(first[-1].address, 10)
        assert [int(x.address) - NET for x in after] == [5, 7, 9]
        assert [int(x.address) - NET for x in store.view.by_subnet(2)] == [1, 3, 5, 7, 9]

    with_store6(backend, body)


def test_expired_soonest_first(backend: Backend) -> None:
    async def body(store: LeaseStore6) -> None:
        await store.apply(
            [
                add(lease6(1, cltt=3000, valid_lifetime=100)),
                add(lease6(2, cltt=1000, valid_lifetime=100)),
                add(lease6(3, cltt=2000, valid_lifetime=100)),
                add(lease6(4, cltt=0, valid_lifetime=100, state=LeaseState.EXPIRED_RECLAIMED)),
                add(lease6(5, cltt=9000, valid_lifetime=100)),
            ]
        )
        found = await store.expired(5000, 0)
        assert [int(x.address) - NET for x in found] == [2, 3, 1]
        assert [int(x.address) - NET for x in store.view.expired(5000, 1)] == [2]

    with_store6(backend, body)


def test_wipe_a_subnet(backend: Backend) -> None:
    async def body(store: LeaseStore6) -> None:
        await store.apply([add(lease6(n, subnet_id=1 + n % 2)) for n in range(10)])
        assert await store.wipe(2) == 5
        assert await store.wipe(2) == 0
        assert [int(x.address) - NET for x in await store.page(None, 20)] == [0, 2, 4, 6, 8]

    with_store6(backend, body)


def test_counts_follow_changes(backend: Backend) -> None:
    async def body(store: LeaseStore6) -> None:
        view = store.view
        await store.apply([add(lease6(1)), add(lease6(2)), add(lease6(3, subnet_id=2))])
        await store.apply([update(lease6(2, state=LeaseState.DECLINED))])
        assert view.count(1, LeaseType.NA) == 2
        assert view.count(1, LeaseType.NA, LeaseState.DECLINED) == 1
        assert view.count(2, LeaseType.NA) == 1 and view.count(1, LeaseType.PD) == 0
        await store.apply([delete(lease6(1))])
        assert view.count(1, LeaseType.NA, LeaseState.DEFAULT) == 0

    with_store6(backend, body)


def test_reserve_shows_at_once_and_rollback_undoes(backend: Backend) -> None:
    async def body(store: LeaseStore6) -> None:
        held = store.reserve([add(lease6(1))])
        assert store.view.get(LeaseType.NA, IPv6Address(NET + 1)) == lease6(1)
        with pytest.raises(DuplicateLeaseError):
            store.reserve([add(lease6(1, iaid=2))])  # a second packet cannot take it
        store.rollback(held)
        assert store.view.get(LeaseType.NA, IPv6Address(NET + 1)) is None
        with pytest.raises(ReservationStateError):
            await store.commit(held)
        kept = store.reserve([add(lease6(2))])
        await store.commit(kept)
        with pytest.raises(ReservationStateError):
            store.rollback(kept)
        assert await store.get(IPv6Address(NET + 2)) == lease6(2)

    with_store6(backend, body)


def test_concurrent_applies_all_land(backend: Backend) -> None:
    async def body(store: LeaseStore6) -> None:
        await asyncio.gather(*(store.apply([add(lease6(n))]) for n in range(200)))
        assert len(await store.page(None, 1000)) == 200

    with_store6(backend, body)


def test_leases_survive_reopening(backend: Backend) -> None:
    if not backend.persistent:
        pytest.skip("this backend keeps nothing across restarts")

    async def main() -> None:
        store = await opened6(backend)
        await store.apply([add(lease6(n, hostname=f"h,{n}&x")) for n in range(5)])
        await store.apply([update(lease6(1, cltt=5)), delete(lease6(2))])
        await store.close()
        again = await opened6(backend)
        got = await again.page(None, 10)
        assert got == [lease6(0, hostname="h,0&x"), lease6(1, cltt=5)] + [
            lease6(n, hostname=f"h,{n}&x") for n in (3, 4)
        ]
        await again.close()

    run(main())


def test_apply_is_durable_when_it_returns(backend: Backend) -> None:
    if not backend.persistent:
        pytest.skip("this backend keeps nothing across restarts")

    async def main() -> None:
        store = await opened6(backend)
        await store.apply([add(lease6(1))])
        fresh = await opened6(backend)  # the first store is still open and not closed
        assert await fresh.get(IPv6Address(NET + 1)) == lease6(1)
        await fresh.close()
        await store.close()

    run(main())


def test_group_commit_shares_fsyncs(backend: Backend) -> None:
    if not backend.persistent:
        pytest.skip("nothing is written")

    async def main() -> None:
        store = await opened6(backend)
        before = len(backend.fsyncs)
        await asyncio.gather(*(store.apply([add(lease6(n))]) for n in range(200)))
        used = len(backend.fsyncs) - before
        assert 1 <= used <= 10, used
        await store.close()

    run(main())


def test_failed_persist_raises_and_leaves_the_index_unchanged(backend: Backend) -> None:
    if not backend.persistent:
        pytest.skip("nothing is written")

    async def main() -> None:
        store = await opened6(backend)
        await store.apply([add(lease6(1))])
        backend.fail_fsync = True
        results = await asyncio.gather(
            store.apply([update(lease6(1, cltt=99))]),
            store.apply([add(lease6(2))]),
            return_exceptions=True,
        )
        assert all(isinstance(r, LeasePersistError) for r in results)
        assert await store.page(None, 10) == [lease6(1)]
        assert store.view.count(1, LeaseType.NA) == 1
        backend.fail_fsync = False
        await store.apply([add(lease6(3))])
        await store.close()
        again = await opened6(backend)
        assert await again.page(None, 10) == [lease6(1), lease6(3)]
        await again.close()

    run(main())
