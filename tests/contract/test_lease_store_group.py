"""The lease store contract for ``commit_many``: several reservations, one unit, every backend."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from ipaddress import IPv6Address

import pytest
from tests.support.lease_backends import Backend

from pukeko.leases.model import ChangeKind, Lease6, LeaseChange, LeaseType
from pukeko.leases.store import LeasePersistError, LeaseStore6, ReservationStateError

NET = int(IPv6Address("2001:db8:1::"))


def lease6(n: int, cltt: int = 1_700_000_000) -> Lease6:
    duid = b"\x00\x03\x00\x01" + bytes([n % 256, 7])
    return Lease6(IPv6Address(NET + n), LeaseType.NA, 128, duid, 1, 1, 4000, 3000, cltt)


def add(n: int) -> LeaseChange:
    return LeaseChange(ChangeKind.ADD, lease6(n))


async def settled(written: Awaitable[None] | None) -> None:
    if written is not None:
        await written


def test_commit_many_makes_every_batch_durable(backend: Backend) -> None:
    async def main() -> None:
        store: LeaseStore6 = backend.make6()
        await store.open()
        before = len(backend.fsyncs)
        held = [store.reserve([add(n)]) for n in range(1, 11)]
        held.append(store.reserve([LeaseChange(ChangeKind.UPDATE, lease6(3, cltt=5))]))
        await settled(store.commit_many(held))
        assert len(backend.fsyncs) - before <= 1  # one shared write (none without a file)
        with pytest.raises(ReservationStateError):
            store.commit_many(held[:1])
        with pytest.raises(ReservationStateError):
            store.rollback(held[0])
        assert await store.get(IPv6Address(NET + 3)) == lease6(3, cltt=5)
        await store.close()
        if backend.persistent:
            again = backend.make6()
            await again.open()
            assert len(await again.page(None, 100)) == 10
            assert await again.get(IPv6Address(NET + 3)) == lease6(3, cltt=5)
            await again.close()

    asyncio.run(main())


def test_a_failed_commit_many_restores_the_index(backend: Backend) -> None:
    if not backend.persistent:
        pytest.skip("nothing is written")

    async def main() -> None:
        store = backend.make6()
        await store.open()
        await store.apply([add(1)])
        backend.fail_fsync = True
        held = [
            store.reserve([LeaseChange(ChangeKind.UPDATE, lease6(1, cltt=99))]),
            store.reserve([add(2)]),
        ]
        with pytest.raises(LeasePersistError):
            await settled(store.commit_many(held))
        assert await store.page(None, 10) == [lease6(1)]
        assert store.view.count(1, LeaseType.NA) == 1
        backend.fail_fsync = False
        await store.close()

    asyncio.run(main())
