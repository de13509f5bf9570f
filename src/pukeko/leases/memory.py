"""Lease stores built on an in-memory index, and the ``persist: false`` backend.

A store = an index (every lookup, answered from memory) + a journal (how a reserved batch is
made durable). The memory backend's journal does nothing, like Kea's memfile with
``"persist": false`` (ARM "Memfile - Basic Storage for Leases": for performance testing only);
the memfile backend's journal appends Kea CSV rows (:mod:`pukeko.leases.memfile`).

The index is updated *before* the write (``reserve``), so a second packet cannot be granted the
address the first is waiting to persist; the reply leaves only after ``commit`` returns.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from functools import partial
from ipaddress import IPv4Address, IPv6Address
from typing import Generic, Protocol, TypeVar

from pukeko.leases.index import LeaseIndex, LeaseIndex4, LeaseIndex6, LeaseReservation
from pukeko.leases.model import ChangeKind, Lease4, Lease6, LeaseChange, LeaseType
from pukeko.leases.store import LeaseStoreError, Reservation, ReservationStateError

L = TypeVar("L", Lease6, Lease4)
IndexT = TypeVar("IndexT", LeaseIndex6, LeaseIndex4)


class Journal(Protocol[L]):
    """How a store makes reserved batches durable."""

    async def load(self, index: LeaseIndex[L]) -> None:
        """Fill the index from storage."""
        ...

    def prepare(self, reservation: LeaseReservation[L]) -> None:
        """Check and encode a reservation (set its payload); LeaseStoreError if impossible."""
        ...

    def persist(self, reservation: LeaseReservation[L]) -> asyncio.Future[None] | None:
        """Queue a prepared reservation for writing: a future that completes once it is
        durable (or fails with LeasePersistError), or None when there is nothing to wait for."""
        ...

    def persist_many(
        self, reservations: Sequence[LeaseReservation[L]]
    ) -> asyncio.Future[None] | None:
        """Queue several prepared reservations as one unit: one future (or None) for them all;
        it fails when any of them could not be written."""
        ...

    async def maybe_run_lfc(self, now: float) -> bool:
        """Start housekeeping when due."""
        ...

    async def close(self) -> None:
        """Flush and release resources."""
        ...


def all_of(futures: Sequence[asyncio.Future[None]]) -> asyncio.Future[None] | None:
    """One future for several: done when all are, failed with the first failure seen."""
    if not futures:
        return None
    if len(futures) == 1:
        return futures[0]
    combined: asyncio.Future[None] = futures[0].get_loop().create_future()
    left = [len(futures)]
    failure: list[BaseException] = []

    def one_done(done: asyncio.Future[None]) -> None:
        if done.cancelled():
            failure.append(asyncio.CancelledError())
        elif (error := done.exception()) is not None:
            failure.append(error)
        left[0] -= 1
        if left[0] == 0 and not combined.done():
            if failure:
                combined.set_exception(failure[0])
            else:
                combined.set_result(None)

    for future in futures:
        future.add_done_callback(one_done)
    return combined


class NullJournal(Generic[L]):
    """Keeps nothing: ``persist: false``."""

    async def load(self, index: LeaseIndex[L]) -> None:
        """Nothing is stored, so nothing is loaded (Kea reads no file either)."""

    def prepare(self, reservation: LeaseReservation[L]) -> None:
        """Every lease the index accepts is fine."""

    def persist(self, reservation: LeaseReservation[L]) -> asyncio.Future[None] | None:
        """Nothing to write."""
        return None

    def persist_many(
        self, reservations: Sequence[LeaseReservation[L]]
    ) -> asyncio.Future[None] | None:
        """``persist`` each (a subclass may write); one future for them all, or None."""
        return all_of([w for r in reservations if (w := self.persist(r)) is not None])

    async def maybe_run_lfc(self, now: float) -> bool:
        """There is no file to clean up."""
        return False

    async def close(self) -> None:
        """Nothing to release."""


class IndexedLeaseStore(Generic[L, IndexT]):
    """The write side and shared queries of a store whose reads come from an index."""

    def __init__(self, index: IndexT, journal: Journal[L]) -> None:
        self._index: IndexT = index
        self._journal: Journal[L] = journal

    @property
    def view(self) -> IndexT:
        """The index: synchronous lookups for the engine (LeaseView6 / LeaseView4)."""
        return self._index

    @property
    def journal(self) -> Journal[L]:
        """The durability half of the store."""
        return self._journal

    def _as_index(self) -> LeaseIndex[L]:
        return self._index  # type: ignore[return-value]

    async def open(self) -> None:
        """Load the stored leases into the index."""
        await self._journal.load(self._as_index())

    def reserve(self, changes: Sequence[LeaseChange]) -> LeaseReservation[L]:
        """Apply ``changes`` to the index now, all or nothing (see pukeko.leases.store)."""
        index = self._as_index()
        reservation = index.reserve(changes)
        try:
            self._journal.prepare(reservation)
        except LeaseStoreError:
            index.rollback(reservation)
            raise
        return reservation

    async def commit(self, reservation: Reservation) -> None:
        """Make a reserved batch durable; on failure the index is restored and this raises.

        The outcome is settled by the write itself, so a cancelled caller cannot leave the
        reservation half done: the index is released or rolled back when the write ends.
        """
        held = self._own(reservation)
        if held.state != "open":
            raise ReservationStateError(f"reservation is already {held.state}")
        held.state = "writing"
        written = self._journal.persist(held)
        if written is None:
            self._as_index().release(held)
            return
        written.add_done_callback(lambda done: self._settle(held, done))
        await asyncio.shield(written)

    def _settle(self, held: LeaseReservation[L], done: asyncio.Future[None]) -> None:
        if held.state != "writing":
            return
        if done.cancelled() or done.exception() is not None:
            self._as_index().rollback(held)
        else:
            self._as_index().release(held)

    def commit_many(self, reservations: Sequence[Reservation]) -> asyncio.Future[None] | None:
        """Make several reserved batches durable as one unit (one write for them all).

        Returns None when they are durable already (nothing to write), else a future that
        completes once they are, or fails (LeasePersistError) after the index was restored for
        every one of them. The future is the caller's own: cancelling it leaves the write and
        the index alone. Raises ReservationStateError (changing nothing) when one is not open.
        """
        held = [self._own(r) for r in reservations]
        for one in held:
            if one.state != "open":
                raise ReservationStateError(f"reservation is already {one.state}")
        for one in held:
            one.state = "writing"
        written = self._journal.persist_many(held)
        index = self._as_index()
        if written is None:
            for one in held:
                index.release(one)
            return None
        outcome: asyncio.Future[None] = written.get_loop().create_future()
        written.add_done_callback(partial(self._settle_all, held, outcome))
        return outcome

    def _settle_all(
        self,
        held: list[LeaseReservation[L]],
        outcome: asyncio.Future[None],
        done: asyncio.Future[None],
    ) -> None:
        error = asyncio.CancelledError() if done.cancelled() else done.exception()
        index = self._as_index()
        for one in held:
            if one.state != "writing":
                continue
            if error is None:
                index.release(one)
            else:
                index.rollback(one)
        if outcome.done():
            return
        if error is None:
            outcome.set_result(None)
        else:
            outcome.set_exception(error)

    def rollback(self, reservation: Reservation) -> None:
        """Take a reserved, uncommitted batch back out of the index."""
        held = self._own(reservation)
        if held.state != "open":
            raise ReservationStateError(f"reservation is already {held.state}")
        self._as_index().rollback(held)

    async def apply(self, changes: Sequence[LeaseChange]) -> None:
        """Reserve and commit a batch."""
        await self.commit(self.reserve(changes))

    async def wipe(self, subnet_id: int) -> int:
        """Delete every lease of a subnet durably (Kea writes a deletion row for each)."""
        doomed = list(self._index.by_subnet(subnet_id))
        if doomed:
            await self.apply([LeaseChange(ChangeKind.DELETE, lease) for lease in doomed])
        return len(doomed)

    async def get_by_hostname(self, hostname: str) -> list[L]:
        """Leases whose hostname is exactly ``hostname``."""
        return self._as_index().by_hostname(hostname)

    async def expired(self, now: float, limit: int) -> list[L]:
        """Leases to reclaim, soonest expired first (``limit`` 0: all)."""
        return self._as_index().expired(now, limit)

    async def maybe_run_lfc(self, now: float) -> bool:
        """Start the journal's housekeeping when due."""
        return await self._journal.maybe_run_lfc(now)

    async def close(self) -> None:
        """Finish pending writes and housekeeping."""
        await self._journal.close()

    @staticmethod
    def _own(reservation: Reservation) -> LeaseReservation[L]:
        if not isinstance(reservation, LeaseReservation):
            raise LeaseStoreError("not a reservation made by this store")
        return reservation


class IndexedLeaseStore6(IndexedLeaseStore[Lease6, LeaseIndex6]):
    """A DHCPv6 store (implements :class:`~pukeko.leases.store.LeaseStore6`)."""

    async def get(self, address: IPv6Address, lease_type: LeaseType | None = None) -> Lease6 | None:
        """The lease on an address or prefix (of that type, when given)."""
        lease = self._index.at(address)
        if lease is None or (lease_type is not None and lease.lease_type != lease_type):
            return None
        return lease

    async def get_by_client(self, duid: bytes, iaid: int, lease_type: LeaseType) -> list[Lease6]:
        """Leases of one IA of one client."""
        return self._index.by_client(duid, iaid, lease_type)

    async def get_by_duid(self, duid: bytes) -> list[Lease6]:
        """Every lease of a client."""
        return self._index.by_duid(duid)

    async def page(self, after: IPv6Address | None, limit: int) -> list[Lease6]:
        """Up to ``limit`` leases above ``after``, in address order."""
        return self._index.page_after(after, limit)


class IndexedLeaseStore4(IndexedLeaseStore[Lease4, LeaseIndex4]):
    """A DHCPv4 store (implements :class:`~pukeko.leases.store.LeaseStore4`)."""

    async def get(self, address: IPv4Address) -> Lease4 | None:
        """The lease on an address."""
        return self._index.get(address)

    async def get_by_hwaddr(self, hwaddr: bytes) -> list[Lease4]:
        """Leases held under a hardware address."""
        return self._index.by_hwaddr(hwaddr)

    async def get_by_client_id(self, client_id: bytes) -> list[Lease4]:
        """Leases held under a client identifier."""
        return self._index.by_client_id(client_id)

    async def page(self, after: IPv4Address | None, limit: int) -> list[Lease4]:
        """Up to ``limit`` leases above ``after``, in address order."""
        return self._index.page_after(after, limit)


def memory_store6() -> IndexedLeaseStore6:
    """A DHCPv6 store that keeps leases in memory only (``persist: false``)."""
    return IndexedLeaseStore6(LeaseIndex6(), NullJournal())


def memory_store4() -> IndexedLeaseStore4:
    """A DHCPv4 store that keeps leases in memory only (``persist: false``)."""
    return IndexedLeaseStore4(LeaseIndex4(), NullJournal())
