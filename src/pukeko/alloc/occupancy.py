"""Which addresses and prefixes of each pool are taken, so a free one is found without a scan.

**Representation.** A pool of up to ``BITMAP_LIMIT`` (2**22) resources keeps one byte per
resource in a ``bytearray``: bit ``LEASED`` is set while a lease holds it, bit ``RESERVED`` while
a host reservation names it. A resource is *available* when its byte is 0, and
``bytearray.find(0, start)`` finds the next one at C speed, so a 99 %-full pool of 65,536
addresses costs one ``find`` (microseconds), not a Python loop. 2**22 bytes is 4 MiB per pool at
most. Larger pools (a /64 of addresses: 2**64) cannot have a bitmap; they keep Python sets of the
taken offsets and search by probing. Such pools are never nearly full in practice (a million
leases in a /64 is a fill of 5e-14), so a probe almost always hits a free offset at once; the
probe loop is still bounded by the number of taken offsets, so it stays correct when they fill.

**State.** :class:`AllocationState` holds one :class:`Occupancy` per pool of every subnet, the
allocators' positions, and the reserved addresses, and is kept in step with the lease index:
``rebuild(leases)`` after a (re)configuration, ``apply(changes)`` for every lease change whatever
its source (engine, commands, reclamation). A lease in state EXPIRED_RECLAIMED and a deleted lease
free their resource; DEFAULT and DECLINED leases keep it (a declined address stays out of use
for the probation period, ARM "Duplicate Addresses (DHCPDECLINE Support)").

**Reservations** are strict (ARM 9.3 "Host Reservations", and the 2014 design mail
``000_…txt``: "a reserved resource goes only to its host"): a reserved address or prefix is never
picked for dynamic allocation, even with ``reservations-out-of-pool`` (which in Kea only skips
the check). Subnet reservations count when ``reservations-in-subnet`` is on, global ones when
``reservations-global`` is on, as in Kea.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Iterator
from dataclasses import replace

from pukeko.alloc.pools import PoolRange, PoolRef, PrefixRange, pools_of
from pukeko.config.model import Config, Reservation, Subnet
from pukeko.leases.model import (
    ChangeKind,
    Lease,
    Lease4,
    Lease6,
    LeaseChange,
    LeaseState,
    LeaseType,
)

BITMAP_LIMIT = 1 << 22
LEASED = 1
RESERVED = 2
_CHUNK = 1 << 16  # bytes counted at a time when looking for the k-th free offset
_PROBES = 64  # random probes before a large pool falls back to a sequential search
_KEEP_RESERVED = bytes(b & RESERVED for b in range(256))  # translate table: drop LEASED bits
# Enum members bound once: attribute access on an Enum class is slow on Python 3.11.
_PD = LeaseType.PD
_DELETE = ChangeKind.DELETE
_RECLAIMED = LeaseState.EXPIRED_RECLAIMED


class Occupancy:
    """Per-pool record of taken offsets (leased or reserved), with a fast free search."""

    __slots__ = ("_blocked", "_leased", "_reserved", "bits", "capacity", "range", "used")

    def __init__(self, pool_range: PoolRange) -> None:
        self.range = pool_range
        self.capacity: int = pool_range.capacity
        self.used = 0  # offsets held by a lease
        self._blocked = 0  # offsets not available (leased or reserved)
        self.bits: bytearray | None = None
        self._leased: set[int] = set()
        self._reserved: set[int] = set()
        if self.capacity <= BITMAP_LIMIT:
            self.bits = bytearray(self.capacity)

    # -- addresses --------------------------------------------------------------------------

    def _offset(self, addr: int) -> int | None:
        rng = self.range
        if not rng.contains(addr):
            return None
        return rng.offset(addr)

    def contains(self, addr: int) -> bool:
        """True when ``addr`` (an address, or a prefix base for PD) is in this pool."""
        return self.range.contains(addr)

    def mark_used(self, addr: int) -> bool:
        """Record a lease on ``addr``; False when it is outside the pool."""
        off = self._offset(addr)
        if off is None:
            return False
        self.set_offset(off, LEASED)
        return True

    def mark_free(self, addr: int) -> bool:
        """Record that no lease holds ``addr``; False when it is outside the pool."""
        off = self._offset(addr)
        if off is None:
            return False
        self.clear_offset(off, LEASED)
        return True

    def reserve(self, addr: int) -> bool:
        """Keep ``addr`` out of dynamic allocation (host reservation)."""
        off = self._offset(addr)
        if off is None:
            return False
        self.set_offset(off, RESERVED)
        return True

    def is_used(self, addr: int) -> bool:
        """True when a lease holds ``addr``."""
        off = self._offset(addr)
        return off is not None and self.offset_flags(off) & LEASED != 0

    def is_reserved(self, addr: int) -> bool:
        """True when a host reservation names ``addr``."""
        off = self._offset(addr)
        return off is not None and self.offset_flags(off) & RESERVED != 0

    def is_available(self, addr: int) -> bool:
        """True when ``addr`` is in the pool, not leased and not reserved."""
        off = self._offset(addr)
        return off is not None and self.offset_flags(off) == 0

    # -- offsets ----------------------------------------------------------------------------

    def offset_flags(self, off: int) -> int:
        """The LEASED / RESERVED bits of an offset."""
        if self.bits is not None:
            return self.bits[off]
        return (LEASED if off in self._leased else 0) | (RESERVED if off in self._reserved else 0)

    def set_offset(self, off: int, flag: int) -> None:
        """Set a flag on an offset, keeping the counters right."""
        bits = self.bits
        if bits is not None:
            before = bits[off]
            bits[off] = before | flag
        else:
            taken, other = (
                (self._leased, self._reserved) if flag == LEASED else (self._reserved, self._leased)
            )
            if off in taken:
                return  # already set: nothing changes
            taken.add(off)
            # _count(before, before | flag), worked out: the offset gains exactly ``flag``.
            if flag == LEASED:
                self.used += 1
            if off not in other:
                self._blocked += 1
            return
        self._count(before, before | flag)

    def clear_offset(self, off: int, flag: int) -> None:
        """Clear a flag on an offset, keeping the counters right."""
        bits = self.bits
        if bits is not None:
            before = bits[off]
            bits[off] = before & ~flag
        else:
            before = self.offset_flags(off)
            (self._leased if flag == LEASED else self._reserved).discard(off)
        self._count(before, before & ~flag)

    def _count(self, before: int, after: int) -> None:
        self.used += (after & LEASED) - (before & LEASED)
        if before == 0 and after != 0:
            self._blocked += 1
        elif before != 0 and after == 0:
            self._blocked -= 1

    def recount(self) -> None:
        """Recompute the counters from the bitmap (after direct writes to ``bits``)."""
        if self.bits is not None:
            self.used = self.bits.count(LEASED) + self.bits.count(LEASED | RESERVED)
            self._blocked = self.capacity - self.bits.count(0)

    @property
    def available(self) -> int:
        """How many offsets are neither leased nor reserved."""
        return self.capacity - self._blocked

    def clear_leases(self) -> None:
        """Forget every lease (reservations stay)."""
        if self.used == 0 and not self._leased:
            return  # nothing leased (a new pool): no pass over the bitmap
        if self.bits is not None:
            self.bits = bytearray(self.bits.translate(_KEEP_RESERVED))
            self._blocked = self.capacity - self.bits.count(0)
        else:
            self._blocked = len(self._reserved)
        self._leased.clear()
        self.used = 0

    def next_free(self, start: int) -> int | None:
        """The first available offset at or after ``start``, wrapping; None when none is left."""
        cap = self.capacity
        if cap == 0:
            return None
        start %= cap
        found = self.next_free_in(start, cap)
        if found is None and start:
            found = self.next_free_in(0, start)
        return found

    def next_free_in(self, lo: int, hi: int) -> int | None:
        """The first available offset in ``[lo, hi)`` (no wrapping), or None."""
        if hi > self.capacity:
            hi = self.capacity
        if lo >= hi:
            return None
        bits = self.bits
        if bits is not None:
            if self._blocked >= self.capacity:
                return None
            found = bits.find(0, lo, hi)
            return found if found >= 0 else None
        taken_l, taken_r = self._leased, self._reserved
        if lo not in taken_l and lo not in taken_r:
            return lo  # the usual answer in a large, sparsely used pool
        off = lo
        # At most len(taken) consecutive offsets can be taken, so this loop is bounded.
        for _ in range(len(taken_l) + len(taken_r) + 1):
            if off >= hi:
                return None
            if off not in taken_l and off not in taken_r:
                return off
            off += 1
        return None

    def random_free(self, rng: random.Random) -> int | None:
        """A uniformly random available offset, or None when none is left."""
        cap = self.capacity
        avail = self.available
        if avail <= 0:
            return None
        if self.bits is None:
            for _ in range(_PROBES):
                off = rng.randrange(cap)
                if off not in self._leased and off not in self._reserved:
                    return off
            return self.next_free(rng.randrange(cap))
        bits = self.bits
        # Rejection sampling is uniform; when the pool is nearly full, draw the k-th free
        # offset instead (also uniform), located by counting zero bytes chunk by chunk in C.
        if avail * 8 >= cap:
            for _ in range(32):
                off = rng.randrange(cap)
                if bits[off] == 0:
                    return off
        return self._kth_free(rng.randrange(avail))

    def _kth_free(self, k: int) -> int | None:
        bits = self.bits
        assert bits is not None
        base = 0
        while base < self.capacity:
            end = min(base + _CHUNK, self.capacity)
            zeros = bits.count(0, base, end)
            if k < zeros:
                # Halve the window, counting only the half on the left: ~2 chunk lengths.
                lo, hi = base, end
                while hi - lo > 64:
                    mid = (lo + hi) // 2
                    left = bits.count(0, lo, mid)
                    if k < left:
                        hi = mid
                    else:
                        k -= left
                        lo = mid
                pos = bits.find(0, lo, hi)
                for _ in range(k):
                    pos = bits.find(0, pos + 1, hi)
                return pos
            k -= zeros
            base = end
        return None

    def taken_offsets(self) -> Iterator[int]:
        """Offsets held by a lease, in no particular order (for sweeps and tests)."""
        if self.bits is not None:
            bits = self.bits
            pos = -1
            while True:
                pos = _find_nonzero(bits, pos + 1)
                if pos < 0:
                    return
                if bits[pos] & LEASED:
                    yield pos
        else:
            yield from self._leased


def _find_nonzero(bits: bytearray, start: int) -> int:
    """The first non-zero byte at or after ``start`` (-1 when none)."""
    n = len(bits)
    pos = start
    while pos < n:
        end = min(pos + _CHUNK, n)
        if bits.count(0, pos, end) != end - pos:
            while bits[pos] == 0:
                pos += 1
            return pos
        pos = end
    return -1


class AllocationState:
    """The occupancy of every pool of a configuration, allocator positions and reservations."""

    def __init__(
        self,
        config: Config,
        previous: AllocationState | None = None,
        unchanged: frozenset[int] = frozenset(),
    ) -> None:
        """``unchanged``: ids of subnets whose occupancy is taken over from ``previous`` as it
        is (the same subnet object, same global reservations: a subnet command changed others).
        """
        self.config = config
        self.occupancy: dict[tuple[int, str, int], Occupancy] = {}
        self.pools_by_subnet: dict[int, tuple[PoolRef, ...]] = {}
        self.cursors: dict[object, int] = {}  # allocator positions, keyed by the allocator
        self._reserved: set[tuple[str, int]] = set()  # ("addr" | "pd", value)
        self._typed: dict[tuple[int, LeaseType], tuple[PoolRef, ...]] = {}
        self._target_cache: dict[
            tuple[int, bool], tuple[tuple[int, int, Occupancy, PoolRef], ...]
        ] = {}
        for subnet in config.all_subnets:
            if previous is not None and subnet.id in unchanged:
                refs = previous.pools_by_subnet[subnet.id]
                for ref in refs:
                    self.occupancy[ref.key] = previous.occupancy[ref.key]
            else:
                refs = pools_of(subnet)
                for ref in refs:
                    self.occupancy[ref.key] = Occupancy(ref.range)
            self.pools_by_subnet[subnet.id] = refs
        self._all_refs = tuple(r for refs in self.pools_by_subnet.values() for r in refs)
        self._mark_reservations()

    # -- reservations -----------------------------------------------------------------------

    def _mark_reservations(self) -> None:
        for subnet in self.config.all_subnets:
            refs = self.pools_by_subnet[subnet.id]
            if subnet.params.reservations_in_subnet:
                for res in subnet.reservations:
                    self._reserve(res, refs)
            # Global reservations count in the subnets that look them up (Kea 1.9+ flags).
            if subnet.params.reservations_global:
                for res in self.config.reservations:
                    self._reserve(res, refs)

    def _reserve(self, res: Reservation, refs: tuple[PoolRef, ...]) -> None:
        addrs = [int(a) for a in res.ip_addresses]
        if res.ip_address is not None:
            addrs.append(int(res.ip_address))
        for addr in addrs:
            self._reserved.add(("addr", addr))
            for ref in refs:
                if ref.kind != "pd" and ref.range.contains(addr):
                    self.occupancy[ref.key].reserve(addr)
        for net in res.prefixes:
            base = int(net.network_address)
            self._reserved.add(("pd", base))
            for ref in refs:
                if ref.kind == "pd" and ref.range.contains(base):
                    self.occupancy[ref.key].reserve(base)

    def reserved(self, addr: int, *, prefix: bool = False) -> bool:
        """True when a host reservation names this address (or delegated prefix base)."""
        return ("pd" if prefix else "addr", addr) in self._reserved

    # -- lookups ----------------------------------------------------------------------------

    def pools(self, subnet_id: int) -> tuple[PoolRef, ...]:
        """Every pool of a subnet (``na``/``v4`` then ``pd``)."""
        return self.pools_by_subnet.get(subnet_id, ())

    def typed_pools(self, subnet_id: int, lease_type: LeaseType) -> tuple[PoolRef, ...]:
        """A subnet's pools for one lease type (IA_TA: the address pools, kind ``ta``)."""
        key = (subnet_id, lease_type)
        found = self._typed.get(key)
        if found is None:
            refs = self.pools_by_subnet.get(subnet_id, ())
            if lease_type == LeaseType.PD:
                found = tuple(r for r in refs if r.kind == "pd")
            elif lease_type == LeaseType.TA:
                found = tuple(replace(r, kind="ta") for r in refs if r.kind == "na")
            else:
                found = tuple(r for r in refs if r.kind != "pd")
            self._typed[key] = found
        return found

    def occupancy_of(self, ref: PoolRef) -> Occupancy:
        """The occupancy of a pool (IA_TA shares the IA_NA pool's)."""
        return self.occupancy[ref.key]

    def _targets(self, subnet_id: int, pd: bool) -> tuple[tuple[int, int, Occupancy, PoolRef], ...]:
        """(first, last, occupancy, pool) of a subnet's address pools or pd-pools (cached)."""
        key = (subnet_id, pd)
        found = self._target_cache.get(key)
        if found is None:
            found = tuple(
                (ref.range.first, ref.range.last, self.occupancy[ref.key], ref)
                for ref in self.pools_by_subnet.get(subnet_id, ())
                if (ref.kind == "pd") == pd
            )
            self._target_cache[key] = found
        return found

    def _refs_for(self, lease: Lease) -> list[PoolRef]:
        """Pools that may hold the lease: its subnet's, else any other (the config moved)."""
        pd = isinstance(lease, Lease6) and lease.lease_type == LeaseType.PD
        addr = int(lease.address)
        own = [t[3] for t in self._targets(lease.subnet_id, pd) if t[0] <= addr <= t[1]]
        if own:
            return own
        return [
            ref for ref in self._all_refs if (ref.kind == "pd") == pd and ref.range.contains(addr)
        ]

    # -- keeping in step with the lease index ------------------------------------------------

    def rebuild(self, leases: Iterable[Lease6 | Lease4]) -> None:
        """Recompute every pool's occupancy from the lease index (after config load/reload)."""
        for occ in self.occupancy.values():
            occ.clear_leases()
        self.mark_leases(leases)

    def mark_leases(self, leases: Iterable[Lease6 | Lease4]) -> None:
        """Mark the resources these leases hold (pools not cleared: new ones are empty)."""
        touched: dict[int, Occupancy] = {}  # by id: the pools whose bitmap bytes were set
        reclaimed = LeaseState.EXPIRED_RECLAIMED
        for lease in leases:
            if lease.state == reclaimed:
                continue
            if isinstance(lease, Lease6) and lease.lease_type == LeaseType.PD:
                self._mark(lease, True)
                continue
            # Fast path (a million leases at startup): set the bitmap byte, count afterwards.
            addr = int(lease.address)
            for first, last, occ, _ref in self._targets(lease.subnet_id, False):
                if first <= addr <= last and occ.bits is not None:
                    occ.bits[addr - first] |= LEASED
                    touched[id(occ)] = occ
                    break
            else:
                self._mark(lease, True)
        for occ in touched.values():
            occ.recount()

    def apply(self, changes: Iterable[LeaseChange]) -> None:
        """Follow lease changes: reclaimed or deleted leases free, others hold their resource."""
        for change in changes:
            lease = change.lease
            # holds_resource(lease), inline: this runs for every lease the engine writes.
            self._mark(lease, change.kind != _DELETE and lease.state != _RECLAIMED)

    def _mark(self, lease: Lease, used: bool) -> None:
        addr = int(lease.address)
        if not (isinstance(lease, Lease6) and lease.lease_type == _PD):
            # Fast path (every granted address): the address pools of the lease's own subnet.
            hit = False
            for first, last, occ, _ref in self._targets(lease.subnet_id, False):
                if first <= addr <= last:
                    if used:
                        occ.set_offset(addr - first, LEASED)
                    else:
                        occ.clear_offset(addr - first, LEASED)
                    hit = True
            if hit:
                return
        for ref in self._refs_for(lease):
            occ = self.occupancy[ref.key]
            rng = ref.range
            if isinstance(rng, PrefixRange) and isinstance(lease, Lease6):
                offsets: Iterable[int] = _blocks_of(rng, addr, lease.prefix_len)
            else:
                offsets = (rng.offset(addr),)
            for off in offsets:
                if used:
                    occ.set_offset(off, LEASED)
                else:
                    occ.clear_offset(off, LEASED)

    def subnet(self, subnet_id: int) -> Subnet | None:
        """The configured subnet with this id."""
        return self.config.subnet(subnet_id)


def holds_resource(lease: Lease) -> bool:
    """True while a lease keeps its address or prefix from others (not reclaimed)."""
    return lease.state != _RECLAIMED


def _blocks_of(rng: PrefixRange, base: int, prefix_len: int) -> range:
    """The pool blocks a delegated-prefix lease covers (several if shorter than the pool's)."""
    first = rng.offset(max(base, rng.prefix))
    if prefix_len >= rng.delegated_len:
        return range(first, first + 1)
    count = 1 << (rng.delegated_len - prefix_len)
    return range(first, min(first + count, rng.capacity))
