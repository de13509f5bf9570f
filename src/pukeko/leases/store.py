"""The lease store interface every backend implements (memory, memfile, and later SQL).

Reads the engine needs while deciding are synchronous and served from memory through
``store.view`` (a :class:`~pukeko.leases.view.LeaseView6` / ``LeaseView4``). Writes go through
``reserve`` -> ``commit`` (or ``apply``, which does both):

* ``reserve(changes)`` applies a batch to the in-memory index *at once*, all or nothing, so a
  second packet can never be granted an address that the first one holds while its write is
  still in flight. It refuses an ADD on an address that holds a lease and an UPDATE / DELETE of
  a lease that is not there.
* ``await commit(reservation)`` makes the batch durable (memfile: rows appended and fsync'd,
  shared with every other commit waiting at the same time: group commit). When it returns, a
  restarted server will load the change; only then may the reply leave (DESIGN.md "Persist
  before reply"). When the write fails it raises :class:`LeasePersistError` and the index is
  put back as it was (changes reserved later on the same addresses are kept).
* ``commit_many(reservations)`` is ``commit`` for several batches at once, without a coroutine
  per batch (the packet loop hands over every reservation of one pass this way): one shared
  write, and one future for them all (None when they are durable already). When the write fails
  the future fails and every batch is taken back out of the index, as ``commit`` does.
* ``rollback(reservation)`` abandons a batch that was reserved but should not be committed.

Query coroutines (``get``, ``get_by_*``, ``page``, ``expired``) exist for the lease commands;
a backend that keeps everything in memory answers them from the index.
"""

from __future__ import annotations

from collections.abc import Awaitable, Sequence
from ipaddress import IPv4Address, IPv6Address
from typing import Protocol

from pukeko.leases.model import Lease4, Lease6, LeaseChange, LeaseType
from pukeko.leases.view import LeaseView4, LeaseView6


class LeaseStoreError(Exception):
    """Base of every lease store error."""


class DuplicateLeaseError(LeaseStoreError):
    """An ADD for an address (or prefix) that already holds a lease."""


class LeaseNotFoundError(LeaseStoreError):
    """An UPDATE or DELETE of a lease that the store does not hold."""


class InvalidLeaseError(LeaseStoreError):
    """A lease the backend cannot store (e.g. a DHCPv6 lease without a DUID in memfile)."""


class LeasePersistError(LeaseStoreError):
    """Writing a batch failed; its changes were taken back out of the index."""


class ReservationStateError(LeaseStoreError):
    """A reservation committed or rolled back twice, or committed after it was undone."""


class LeaseLoadError(LeaseStoreError):
    """The stored leases cannot be loaded (unreadable header, too many bad rows, I/O)."""


class Reservation(Protocol):
    """A batch of changes applied to the index and not yet durable (see ``reserve``)."""

    @property
    def changes(self) -> Sequence[LeaseChange]:
        """The changes, in the order they were applied."""
        ...


class LeaseWriter(Protocol):
    """The family-independent half of a lease store: lifecycle and durable writes."""

    async def open(self) -> None:
        """Load the stored leases into the index (memfile: Kea's file order)."""
        ...

    def reserve(self, changes: Sequence[LeaseChange]) -> Reservation:
        """Apply ``changes`` to the index now, all or nothing."""
        ...

    async def commit(self, reservation: Reservation) -> None:
        """Make a reserved batch durable; LeasePersistError (index restored) on failure."""
        ...

    def commit_many(self, reservations: Sequence[Reservation]) -> Awaitable[None] | None:
        """``commit`` for several batches as one unit: an asyncio future (None: durable
        already) that the caller may cancel without cancelling the write."""
        ...

    def rollback(self, reservation: Reservation) -> None:
        """Take a reserved, uncommitted batch back out of the index."""
        ...

    async def apply(self, changes: Sequence[LeaseChange]) -> None:
        """``reserve`` then ``commit``."""
        ...

    async def wipe(self, subnet_id: int) -> int:
        """Delete (durably) every lease of a subnet; returns how many there were."""
        ...

    async def maybe_run_lfc(self, now: float) -> bool:
        """Start housekeeping (memfile: lease file cleanup) when due; True when started."""
        ...

    async def close(self) -> None:
        """Finish pending writes and housekeeping and release files."""
        ...


class LeaseStore6(LeaseWriter, Protocol):
    """A DHCPv6 lease store."""

    @property
    def view(self) -> LeaseView6:
        """Synchronous lookups for the engine."""
        ...

    async def get(self, address: IPv6Address, lease_type: LeaseType | None = None) -> Lease6 | None:
        """The lease on an address or prefix (of that type, when given)."""
        ...

    async def get_by_client(self, duid: bytes, iaid: int, lease_type: LeaseType) -> list[Lease6]:
        """Leases of one IA of one client."""
        ...

    async def get_by_duid(self, duid: bytes) -> list[Lease6]:
        """Every lease of a client."""
        ...

    async def get_by_hostname(self, hostname: str) -> list[Lease6]:
        """Leases whose hostname is exactly ``hostname``."""
        ...

    async def page(self, after: IPv6Address | None, limit: int) -> list[Lease6]:
        """Up to ``limit`` leases with an address above ``after``, in address order."""
        ...

    async def expired(self, now: float, limit: int) -> list[Lease6]:
        """Leases to reclaim, soonest expired first."""
        ...


class LeaseStore4(LeaseWriter, Protocol):
    """A DHCPv4 lease store."""

    @property
    def view(self) -> LeaseView4:
        """Synchronous lookups for the engine."""
        ...

    async def get(self, address: IPv4Address) -> Lease4 | None:
        """The lease on an address."""
        ...

    async def get_by_hwaddr(self, hwaddr: bytes) -> list[Lease4]:
        """Leases held under a hardware address."""
        ...

    async def get_by_client_id(self, client_id: bytes) -> list[Lease4]:
        """Leases held under a client identifier."""
        ...

    async def get_by_hostname(self, hostname: str) -> list[Lease4]:
        """Leases whose hostname is exactly ``hostname``."""
        ...

    async def page(self, after: IPv4Address | None, limit: int) -> list[Lease4]:
        """Up to ``limit`` leases with an address above ``after``, in address order."""
        ...

    async def expired(self, now: float, limit: int) -> list[Lease4]:
        """Leases to reclaim, soonest expired first."""
        ...
