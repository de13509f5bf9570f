"""In-memory lease indexes: every lookup the engine and the lease commands need, kept current.

One index per family. A lease is keyed by its address (``int(address)``; the first address of a
delegated prefix), exactly as Kea's memfile keys its storage, so a DHCPv6 address and a prefix
can never share a key. Secondary structures, all updated in O(1) or O(log n) per change:

* the addresses in order (globally and per subnet), for paging and ``by_subnet``;
* (DUID, IAID, type) and DUID (v6), hardware address and client-id (v4), hostname (both);
* a heap of (expiration, address) with lazy deletion for ``expired(now, limit)``: an entry is
  checked against the current lease when it reaches the top, stale ones are dropped, and the
  heap is rebuilt when stale entries outnumber live leases (amortised O(1));
* lease counts per (subnet, type, state), for the statistics.

Writes are ``reserve(changes)`` (all or nothing; refused changes raise the store errors) and
``rollback(reservation)``; see :mod:`pukeko.leases.store` for the contract.
"""

from __future__ import annotations

import heapq
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from ipaddress import IPv4Address, IPv6Address
from typing import Generic, TypeVar

from pukeko.leases.model import (
    INFINITE_LIFETIME,
    ChangeKind,
    Lease4,
    Lease6,
    LeaseChange,
    LeaseState,
    LeaseType,
)
from pukeko.leases.ordered import SortedIntSet
from pukeko.leases.store import (
    DuplicateLeaseError,
    LeaseNotFoundError,
    ReservationStateError,
)

L = TypeVar("L", Lease6, Lease4)
K = TypeVar("K")
Members = int | dict[int, None]  # one address, or several (insertion-ordered)
RECLAIMED = LeaseState.EXPIRED_RECLAIMED
_PENDING = ("open", "writing")  # reservation states that can still be released or undone
_TOTAL = -1  # the state slot of the per-(subnet, type) total in the counts table


def _link(table: dict[K, Members], key: K, address: int) -> None:
    members = table.get(key)
    if members is None:
        table[key] = address
    elif isinstance(members, int):
        if members != address:
            table[key] = {members: None, address: None}
    else:
        members[address] = None


def _unlink(table: dict[K, Members], key: K, address: int) -> None:
    members = table.get(key)
    if members is None:
        return
    if isinstance(members, int):
        if members == address:
            del table[key]
        return
    members.pop(address, None)
    if len(members) == 1:
        table[key] = next(iter(members))


def _addresses(members: Members | None) -> Iterable[int]:
    if members is None:
        return ()
    return (members,) if isinstance(members, int) else list(members)


def _reclaimable(lease: Lease6 | Lease4) -> bool:
    return lease.state != RECLAIMED and lease.valid_lifetime != INFINITE_LIFETIME


@dataclass(eq=False, slots=True)
class Step(Generic[L]):
    """One change to one address: the lease before and after (None: no lease)."""

    key: int
    before: L | None
    after: L | None
    superseded: bool = False  # a later reservation on this address became durable


@dataclass(eq=False)
class LeaseReservation(Generic[L]):
    """A batch applied to an index and not yet durable; see ``pukeko.leases.store``."""

    changes: Sequence[LeaseChange]
    steps: list[Step[L]] = field(default_factory=list)
    state: str = "open"  # open -> [writing ->] durable | undone
    payload: bytes = b""  # what the backend will write (memfile: CSV rows)


class LeaseIndex(Generic[L]):
    """The family-independent part of an index; subclasses add their own lookups."""

    def __init__(self) -> None:
        self._by_addr: dict[int, L] = {}
        self._ordered = SortedIntSet()
        self._subnets: dict[int, SortedIntSet] = {}
        self._hostnames: dict[str, Members] = {}
        self._heap: list[tuple[int, int]] = []
        self._counts: Counter[tuple[int, int, int]] = Counter()
        self._open: dict[LeaseReservation[L], None] = {}

    # ------------------------------------------------------------ hooks for the family

    def _type_of(self, lease: L) -> int:
        raise TypeError("LeaseIndex is abstract")  # pragma: no cover

    def _link_family(self, key: int, lease: L) -> None:
        """Add a lease to the family's own secondary indexes."""

    def _unlink_family(self, key: int, lease: L) -> None:
        """Remove a lease from the family's own secondary indexes."""

    def _clear_family(self) -> None:
        """Empty the family's own secondary indexes."""

    # ------------------------------------------------------------ maintenance

    def _link_lease(self, key: int, lease: L) -> None:
        self._by_addr[key] = lease
        self._ordered.add(key)
        subnet = self._subnets.get(lease.subnet_id)
        if subnet is None:
            subnet = self._subnets[lease.subnet_id] = SortedIntSet()
        subnet.add(key)
        if lease.hostname:
            _link(self._hostnames, lease.hostname, key)
        kind = self._type_of(lease)
        self._counts[(lease.subnet_id, kind, int(lease.state))] += 1
        self._counts[(lease.subnet_id, kind, _TOTAL)] += 1
        self._link_family(key, lease)

    def _unlink_lease(self, key: int, lease: L) -> None:
        del self._by_addr[key]
        self._ordered.discard(key)
        subnet = self._subnets.get(lease.subnet_id)
        if subnet is not None:
            subnet.discard(key)
            if not subnet:
                del self._subnets[lease.subnet_id]
        if lease.hostname:
            _unlink(self._hostnames, lease.hostname, key)
        kind = self._type_of(lease)
        for slot in ((lease.subnet_id, kind, int(lease.state)), (lease.subnet_id, kind, _TOTAL)):
            self._counts[slot] -= 1
            if not self._counts[slot]:
                del self._counts[slot]
        self._unlink_family(key, lease)

    def _put(self, key: int, before: L | None, after: L | None) -> None:
        """Replace ``before`` (the current lease at ``key``, or None) by ``after``."""
        if before is not None:
            self._unlink_lease(key, before)
        if after is not None:
            self._link_lease(key, after)
            fresh = before is None or not _reclaimable(before) or before.expire != after.expire
            if _reclaimable(after) and fresh:
                heapq.heappush(self._heap, (after.expire, key))
        if len(self._heap) > 2 * len(self._by_addr) + 1024:
            self._rebuild_heap()

    def _rebuild_heap(self) -> None:
        self._heap = [(x.expire, k) for k, x in self._by_addr.items() if _reclaimable(x)]
        heapq.heapify(self._heap)

    def load(self, leases: dict[int, L]) -> None:
        """Replace the contents with ``leases`` (address key -> lease; the dict is taken over)."""
        self._by_addr = leases
        keys = sorted(leases)
        self._ordered = SortedIntSet(keys)
        per_subnet: dict[int, list[int]] = {}
        self._hostnames = {}
        self._clear_family()
        counts: Counter[tuple[int, int, int]] = Counter()
        type_of, link_family = self._type_of, self._link_family
        for key in keys:
            lease = leases[key]
            bucket = per_subnet.get(lease.subnet_id)
            if bucket is None:
                bucket = per_subnet[lease.subnet_id] = []
            bucket.append(key)
            counts[(lease.subnet_id, type_of(lease), int(lease.state))] += 1
            if lease.hostname:
                _link(self._hostnames, lease.hostname, key)
            link_family(key, lease)
        for (subnet_id, kind, _state), number in list(counts.items()):
            counts[(subnet_id, kind, _TOTAL)] += number
        self._counts = counts
        self._subnets = {s: SortedIntSet(ks) for s, ks in per_subnet.items()}
        self._rebuild_heap()
        self._open = {}

    # ------------------------------------------------------------ writes

    def _step(self, change: LeaseChange) -> Step[L]:
        lease: L = change.lease  # type: ignore[assignment]
        key = int(lease.address)
        current = self._by_addr.get(key)
        if change.kind is ChangeKind.ADD:
            if current is not None:
                raise DuplicateLeaseError(f"a lease for {lease.address} already exists")
            return Step(key, None, lease)
        if current is None:
            raise LeaseNotFoundError(f"no lease for {lease.address}")
        return Step(key, current, None if change.kind is ChangeKind.DELETE else lease)

    def reserve(self, changes: Sequence[LeaseChange]) -> LeaseReservation[L]:
        """Apply a batch now, all or nothing; DuplicateLeaseError / LeaseNotFoundError."""
        reservation: LeaseReservation[L] = LeaseReservation(changes)
        try:
            for change in changes:
                step = self._step(change)
                self._put(step.key, step.before, step.after)
                reservation.steps.append(step)
        except Exception:
            for step in reversed(reservation.steps):
                self._put(step.key, step.after, step.before)
            raise
        self._open[reservation] = None
        return reservation

    def release(self, reservation: LeaseReservation[L]) -> None:
        """Mark a reservation durable: it can no longer be rolled back."""
        if reservation.state not in _PENDING:
            raise ReservationStateError(f"reservation is already {reservation.state}")
        reservation.state = "durable"
        if next(iter(self._open), None) is reservation:  # the oldest (commits end in order)
            del self._open[reservation]
            return
        earlier = list(self._open)
        del self._open[reservation]
        earlier = earlier[: earlier.index(reservation)]
        if earlier:
            keys = {step.key for step in reservation.steps}
            for other in earlier:
                for step in other.steps:
                    if step.key in keys:
                        step.superseded = True

    def rollback(self, reservation: LeaseReservation[L]) -> None:
        """Undo a reservation; a change that a later open reservation built on is handed over."""
        if reservation.state not in _PENDING:
            raise ReservationStateError(f"reservation is already {reservation.state}")
        reservation.state = "undone"
        later = list(self._open)
        del self._open[reservation]
        later = later[later.index(reservation) + 1 :]
        for step in reversed(reservation.steps):
            if step.superseded or self._hand_over(later, step):
                continue
            self._put(step.key, self._by_addr.get(step.key), step.before)

    @staticmethod
    def _hand_over(later: list[LeaseReservation[L]], step: Step[L]) -> bool:
        # A later open reservation changed this address on top of ours: when it is undone in
        # its turn, it must restore what was there before ours.
        for reservation in later:
            for other in reservation.steps:
                if other.key == step.key:
                    other.before = step.before
                    return True
        return False

    def add(self, lease: L) -> None:
        """Add a lease at once (no reservation); DuplicateLeaseError if the address is taken."""
        self.release(self.reserve([LeaseChange(ChangeKind.ADD, lease)]))

    def update(self, lease: L) -> None:
        """Replace the lease at the same address at once; LeaseNotFoundError if none."""
        self.release(self.reserve([LeaseChange(ChangeKind.UPDATE, lease)]))

    def delete(self, lease: L) -> None:
        """Remove the lease at that address at once; LeaseNotFoundError if none."""
        self.release(self.reserve([LeaseChange(ChangeKind.DELETE, lease)]))

    # ------------------------------------------------------------ reads

    def __len__(self) -> int:
        return len(self._by_addr)

    def __iter__(self) -> Iterator[L]:
        return self._leases(self._ordered.iter_after(None))

    def at(self, address: IPv6Address | IPv4Address) -> L | None:
        """The lease keyed by this address, whatever its type."""
        return self._by_addr.get(int(address))

    def _leases(self, keys: Iterable[int]) -> Iterator[L]:
        by_addr = self._by_addr
        for key in keys:
            lease = by_addr.get(key)
            if lease is not None:
                yield lease

    def page_after(self, after: IPv6Address | IPv4Address | None, limit: int) -> list[L]:
        """Up to ``limit`` leases with an address above ``after`` (None: from the start)."""
        keys = self._ordered.iter_after(None if after is None else int(after))
        out: list[L] = []
        for lease in self._leases(keys):
            if len(out) >= limit:
                break
            out.append(lease)
        return out

    def by_subnet(self, subnet_id: int) -> Iterator[L]:
        """Leases in a subnet, in address order."""
        keys = self._subnets.get(subnet_id)
        return self._leases(keys.iter_after(None)) if keys is not None else iter(())

    def subnet_ids(self) -> list[int]:
        """The subnets that hold at least one lease."""
        return sorted(self._subnets)

    def by_hostname(self, hostname: str) -> list[L]:
        """Leases whose hostname is exactly ``hostname``."""
        return list(self._leases(_addresses(self._hostnames.get(hostname))))

    def expired(self, now: float, limit: int) -> list[L]:
        """Up to ``limit`` (0: all) unreclaimed leases expired before ``now``, soonest first."""
        heap, by_addr = self._heap, self._by_addr
        found: list[L] = []
        keep: list[tuple[int, int]] = []
        seen: set[tuple[int, int]] = set()
        while heap and heap[0][0] < now and (limit <= 0 or len(found) < limit):
            entry = heapq.heappop(heap)
            lease = by_addr.get(entry[1])
            if lease is None or lease.expire != entry[0] or not _reclaimable(lease):
                continue  # stale: the lease changed or went away since the entry was pushed
            if entry in seen:
                continue
            seen.add(entry)
            keep.append(entry)
            found.append(lease)
        for entry in keep:
            heapq.heappush(heap, entry)
        return found

    def count(self, subnet_id: int, lease_type: LeaseType, state: int | None = None) -> int:
        """How many leases of a type a subnet holds (optionally only in one state)."""
        slot = _TOTAL if state is None else int(state)
        return self._counts.get((subnet_id, int(lease_type), slot), 0)


class LeaseIndex6(LeaseIndex[Lease6]):
    """DHCPv6 leases; implements :class:`~pukeko.leases.view.LeaseView6`."""

    def __init__(self) -> None:
        super().__init__()
        self._clients: dict[tuple[bytes, int, int], Members] = {}
        self._duids: dict[bytes, Members] = {}

    def _type_of(self, lease: Lease6) -> int:
        return int(lease.lease_type)

    def _link_family(self, key: int, lease: Lease6) -> None:
        _link(self._clients, (lease.duid, lease.iaid, lease.lease_type), key)
        _link(self._duids, lease.duid, key)

    def _unlink_family(self, key: int, lease: Lease6) -> None:
        _unlink(self._clients, (lease.duid, lease.iaid, lease.lease_type), key)
        _unlink(self._duids, lease.duid, key)

    def _clear_family(self) -> None:
        self._clients = {}
        self._duids = {}

    def get(self, lease_type: LeaseType, address: IPv6Address) -> Lease6 | None:
        """The lease on an address (NA/TA) or on a prefix's first address (PD)."""
        lease = self._by_addr.get(int(address))
        return lease if lease is not None and lease.lease_type == lease_type else None

    def get_int(self, lease_type: LeaseType, address: int) -> Lease6 | None:
        """:meth:`get` with the address as an integer (the engine's hot path builds no object)."""
        lease = self._by_addr.get(address)
        return lease if lease is not None and lease.lease_type == lease_type else None

    def by_client(self, duid: bytes, iaid: int, lease_type: LeaseType) -> list[Lease6]:
        """Leases of one IA of one client (DUID, IAID, type)."""
        members = self._clients.get((duid, iaid, lease_type))
        return list(self._leases(_addresses(members)))

    def client_leases(self, duid: bytes, iaid: int, lease_type: LeaseType) -> list[Lease6]:
        """:meth:`by_client`, quicker for the usual answers (none, or one lease)."""
        members = self._clients.get((duid, iaid, lease_type))
        if members is None:
            return []
        if isinstance(members, int):
            lease = self._by_addr.get(members)
            return [] if lease is None else [lease]
        return list(self._leases(list(members)))

    def by_duid(self, duid: bytes) -> list[Lease6]:
        """Every lease of a client."""
        return list(self._leases(_addresses(self._duids.get(duid))))


class LeaseIndex4(LeaseIndex[Lease4]):
    """DHCPv4 leases; implements :class:`~pukeko.leases.view.LeaseView4`."""

    def __init__(self) -> None:
        super().__init__()
        self._hwaddrs: dict[bytes, Members] = {}
        self._client_ids: dict[bytes, Members] = {}

    def _type_of(self, lease: Lease4) -> int:
        return int(LeaseType.V4)

    def _link_family(self, key: int, lease: Lease4) -> None:
        if lease.hwaddr:
            _link(self._hwaddrs, lease.hwaddr, key)
        if lease.client_id:
            _link(self._client_ids, lease.client_id, key)

    def _unlink_family(self, key: int, lease: Lease4) -> None:
        if lease.hwaddr:
            _unlink(self._hwaddrs, lease.hwaddr, key)
        if lease.client_id:
            _unlink(self._client_ids, lease.client_id, key)

    def _clear_family(self) -> None:
        self._hwaddrs = {}
        self._client_ids = {}

    def get(self, address: IPv4Address) -> Lease4 | None:
        """The lease on an address."""
        return self._by_addr.get(int(address))

    def by_hwaddr(self, hwaddr: bytes) -> list[Lease4]:
        """Leases held under a hardware address."""
        return list(self._leases(_addresses(self._hwaddrs.get(hwaddr))))

    def by_client_id(self, client_id: bytes) -> list[Lease4]:
        """Leases held under a client identifier."""
        return list(self._leases(_addresses(self._client_ids.get(client_id))))
