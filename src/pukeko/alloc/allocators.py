"""Allocator strategies: which free address or prefix of a subnet's pools a new lease gets.

Kea's ``allocator`` / ``pd-allocator`` keywords (values ``iterative`` and ``random``) appeared in
Kea 2.3.x; Kea 2.2 has neither keyword and always uses its IterativeAllocator (its Random and
Hashed allocator classes throw "not implemented", ``alloc_engine.cc``). Pukeko implements:

* ``iterative`` — Kea's IterativeAllocator order: the first address of the first pool, then the
  next one, ..., across the pools of the subnet in configuration order, continuing after the
  last allocated one and wrapping to the first pool at the end. Prefixes step by one
  delegated-length block (Kea ``increasePrefix``).
* ``random`` — a uniformly random free address of the subnet's pools (the pool is drawn with a
  weight equal to its free count, then a uniform free offset in it). The random source is
  injected (``random.Random``), so tests can seed it.
* ``hash`` (Pukeko extension, DESIGN.md "Allocator") — the start position is a hash of the
  client's DUID and IAID over the concatenated pools, then the next free one. Deterministic, so
  several servers sharing a pool hand a client the same address without talking to each other
  (``002_…txt``: "hashing based off of the DUID or IAID ... the checks to see if an address is
  already in use should cover [collisions]").

Every strategy uses the pools' :class:`~pukeko.alloc.occupancy.Occupancy` to skip taken and
reserved resources (a C-speed search), and calls the engine's ``is_free`` only on candidates;
``is_free`` is the final word (lease index: free or expired-reusable, and not reserved for
another client). When the occupancy says the pools are full, a bounded *sweep* offers
``is_free`` a few leased resources per call, so leases that expired without being reclaimed yet
(reclamation disabled or behind) are found again, as Kea's allocator finds them.

Hints (RFC 8415 §18.3.2 / Kea allocateUnreservedLeases6): a hinted address or prefix in one of
the pools and not reserved is offered to ``is_free`` first (a PD hint is aligned down to its
delegated block). Kea 2.2 ignores a PD hint's prefix length when choosing a pool (only the
address part is matched, and ``::/56`` lies in no pool); :func:`order_pd_pools` keeps that order
by default and offers Kea 2.3+'s rule (equal length, then shorter pools, then longer) as an
option.
"""

from __future__ import annotations

import hashlib
import random
from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping, Sequence
from typing import Protocol

from pukeko.alloc.occupancy import LEASED, AllocationState
from pukeko.alloc.pools import PoolRef, PrefixRange, find_pool
from pukeko.config.model import Config, Subnet
from pukeko.leases.model import LeaseType

IsFree = Callable[[int], bool]
Pick = tuple[PoolRef, int]

# Candidates the occupancy thinks free but ``is_free`` refuses (a host-database reservation
# for another client, or an index the occupancy has not caught up with) before a walk gives
# up. Kea's bound is the pools' capacity, unbounded for a /64; this keeps a packet's cost finite.
MAX_REJECTIONS = 1 << 16
SWEEP_CALLS = 16  # is_free calls a full-pool sweep may make per pick
SWEEP_SCAN = 4096  # offsets a full-pool sweep may look at per pick

ALLOCATOR_NAMES = ("iterative", "random", "hash")


class Allocator(Protocol):
    """A strategy that picks a free address (or prefix base) from pools."""

    name: str

    def pick(
        self,
        state: AllocationState,
        pool: PoolRef,
        hint: int | None,
        is_free: IsFree,
        *,
        client_key: bytes = b"",
    ) -> int | None:
        """A free address of one pool, or None when the pool is exhausted."""
        ...

    def pick_in_pools(
        self,
        state: AllocationState,
        pools: Sequence[PoolRef],
        hint: int | None,
        is_free: IsFree,
        *,
        client_key: bytes = b"",
    ) -> Pick | None:
        """A free (pool, address) from several pools of one subnet, or None when all are full."""
        ...


class AllocationError(Exception):
    """An unknown allocator name."""


def client_key(duid: bytes, iaid: int) -> bytes:
    """The bytes the hash allocator hashes: the DUID, then the IAID (4 bytes, network order)."""
    return duid + (iaid & 0xFFFFFFFF).to_bytes(4, "big")


# -- building blocks ----------------------------------------------------------------------------


def hint_pick(
    state: AllocationState, pools: Sequence[PoolRef], hint: int | None, is_free: IsFree
) -> Pick | None:
    """The hinted address/prefix when it is in a pool, not reserved, and ``is_free`` agrees."""
    if hint is None or hint == 0:
        return None
    for ref in pools:
        rng = ref.range
        if not rng.contains(hint):
            continue
        base = rng.align(hint) if isinstance(rng, PrefixRange) else hint
        occ = state.occupancy_of(ref)
        # A leased hint is still offered: an expired lease on it may be reused (Kea does).
        if occ.offset_flags(rng.offset(base)) & ~LEASED == 0 and is_free(base):
            return ref, base
        return None
    return None


def walk(
    state: AllocationState,
    pools: Sequence[PoolRef],
    start_index: int,
    start_offset: int,
    is_free: IsFree,
) -> Pick | None:
    """The first free candidate in pool order from (pool, offset), wrapping around once."""
    count = len(pools)
    rejected = 0
    occupancy = state.occupancy
    for step in range(count + 1):
        ref = pools[(start_index + step) % count]
        occ = occupancy[ref.key]  # state.occupancy_of(ref)
        lo = start_offset if step == 0 else 0
        hi = occ.capacity if step < count else start_offset
        off = occ.next_free_in(lo, hi)
        while off is not None:
            addr = ref.range.address(off)
            if is_free(addr):
                return ref, addr
            rejected += 1
            if rejected >= MAX_REJECTIONS:
                return None
            off = occ.next_free_in(off + 1, hi)
    return None


def sweep(state: AllocationState, pools: Sequence[PoolRef], is_free: IsFree) -> Pick | None:
    """Offer a few leased resources to ``is_free`` (expired, not yet reclaimed), resuming later."""
    key = ("sweep", tuple(ref.key for ref in pools))
    position = state.cursors.get(key, 0)
    total = sum(state.occupancy_of(ref).capacity for ref in pools)
    if total == 0:
        return None
    calls = 0
    for _ in range(min(SWEEP_SCAN, total)):
        ref, off = _locate(state, pools, position % total)
        position = (position + 1) % total
        if state.occupancy_of(ref).offset_flags(off) != LEASED:
            continue
        addr = ref.range.address(off)
        calls += 1
        if is_free(addr):
            state.cursors[key] = position
            return ref, addr
        if calls >= SWEEP_CALLS:
            break
    state.cursors[key] = position
    return None


def _locate(state: AllocationState, pools: Sequence[PoolRef], position: int) -> tuple[PoolRef, int]:
    """The (pool, offset) at a position of the concatenated pools."""
    for ref in pools:
        cap = state.occupancy_of(ref).capacity
        if position < cap:
            return ref, position
        position -= cap
    return pools[-1], state.occupancy_of(pools[-1]).capacity - 1


# -- strategies ---------------------------------------------------------------------------------


class _PoolsAllocator(ABC):
    """What every strategy shares: the hint first, then the strategy's own choice; picking in
    one pool is picking in a list of one."""

    def pick_in_pools(
        self,
        state: AllocationState,
        pools: Sequence[PoolRef],
        hint: int | None,
        is_free: IsFree,
        *,
        client_key: bytes = b"",
    ) -> Pick | None:
        """A free (pool, address) from several pools of one subnet, or None when all are full."""
        if not pools:
            return None
        found = hint_pick(state, pools, hint, is_free) if hint else None
        if found is not None:
            return found
        return self._choose(state, pools, is_free, client_key)

    @abstractmethod
    def _choose(
        self, state: AllocationState, pools: Sequence[PoolRef], is_free: IsFree, client_key: bytes
    ) -> Pick | None:
        """The strategy's own pick when there is no usable hint."""

    def pick(
        self,
        state: AllocationState,
        pool: PoolRef,
        hint: int | None,
        is_free: IsFree,
        *,
        client_key: bytes = b"",
    ) -> int | None:
        """A free address of one pool, by the strategy's rule, or None when it is exhausted."""
        found = self.pick_in_pools(state, (pool,), hint, is_free, client_key=client_key)
        return None if found is None else found[1]


class IterativeAllocator(_PoolsAllocator):
    """Kea's IterativeAllocator: continue after the last allocated resource, pool after pool."""

    name = "iterative"

    def _choose(
        self, state: AllocationState, pools: Sequence[PoolRef], is_free: IsFree, client_key: bytes
    ) -> Pick | None:
        """The next free resource after the subnet's last allocated one (Kea order)."""
        index, offset = self.start(state, pools)
        found = walk(state, pools, index, offset, is_free) or sweep(state, pools, is_free)
        if found is not None:
            self._remember(state, found)
        return found

    @staticmethod
    def _subnet_key(ref: PoolRef) -> tuple[str, int, str]:
        return ("iterative", ref.subnet_id, ref.kind)

    def start(self, state: AllocationState, pools: Sequence[PoolRef]) -> tuple[int, int]:
        """(pool index, offset) where the search for the next resource begins."""
        # Kea: the pool holding the subnet's last allocated address, else the first allowed
        # pool; in it, the position after that pool's own last allocated address.
        index = 0
        last = state.cursors.get(self._subnet_key(pools[0])) if len(pools) > 1 else None
        if last is not None:
            for i, ref in enumerate(pools):
                if ref.range.contains(last):
                    index = i
                    break
        ref = pools[index]
        own = state.cursors.get(("iterative-pool", ref.cursor_key))
        return index, (own + 1 if own is not None else 0)

    def _remember(self, state: AllocationState, found: Pick) -> None:
        ref, addr = found
        state.cursors[self._subnet_key(ref)] = addr
        state.cursors[("iterative-pool", ref.cursor_key)] = ref.range.offset(addr)


class RandomAllocator(_PoolsAllocator):
    """A uniformly random free resource of the pools (``random.Random`` injected)."""

    name = "random"

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    def _choose(
        self, state: AllocationState, pools: Sequence[PoolRef], is_free: IsFree, client_key: bytes
    ) -> Pick | None:
        """A uniformly random free resource over all the pools."""
        chosen = self._draw(state, pools)
        if chosen is None:
            return sweep(state, pools, is_free)
        index, offset = chosen
        ref = pools[index]
        addr = ref.range.address(offset)
        if is_free(addr):
            return ref, addr
        # The index disagrees with the occupancy about this one: go on from there in order.
        return walk(state, pools, index, offset + 1, is_free) or sweep(state, pools, is_free)

    def _draw(self, state: AllocationState, pools: Sequence[PoolRef]) -> tuple[int, int] | None:
        occs = [state.occupancy_of(ref) for ref in pools]
        weights = [occ.available for occ in occs]
        total = sum(weights)
        if total <= 0:
            return None
        point = self.rng.randrange(total)
        for index, (occ, weight) in enumerate(zip(occs, weights, strict=True)):
            if point < weight:
                offset = occ.random_free(self.rng)
                return None if offset is None else (index, offset)
            point -= weight
        return None


class HashAllocator(_PoolsAllocator):
    """Pukeko extension: start at hash(DUID, IAID) over the pools, then the next free one."""

    name = "hash"

    def _choose(
        self, state: AllocationState, pools: Sequence[PoolRef], is_free: IsFree, client_key: bytes
    ) -> Pick | None:
        """The client's hashed position over the concatenated pools, or the next free one."""
        total = sum(state.occupancy_of(ref).capacity for ref in pools)
        if total == 0:
            return None
        ref, offset = _locate(state, pools, hash_position(client_key, total))
        index = pools.index(ref)
        return walk(state, pools, index, offset, is_free) or sweep(state, pools, is_free)


def hash_position(key: bytes, total: int) -> int:
    """A stable position in ``[0, total)`` for a client key (BLAKE2b, the same on every host)."""
    digest = hashlib.blake2b(key, digest_size=16, person=b"pukeko-alloc").digest()
    return int.from_bytes(digest, "big") % total


def make_allocator(name: str, rng: random.Random | None = None) -> Allocator:
    """The allocator for an ``allocator`` / ``pd-allocator`` value."""
    if name == "iterative":
        return IterativeAllocator()
    if name == "random":
        return RandomAllocator(rng if rng is not None else random.Random())
    if name == "hash":
        return HashAllocator()
    raise AllocationError(f"unknown allocator '{name}' (expected one of {ALLOCATOR_NAMES})")


def order_pd_pools(
    pools: Sequence[PoolRef], hint_len: int | None, *, by_length: bool = False
) -> tuple[PoolRef, ...]:
    """The pd-pools in the order a prefix-length hint asks for.

    Kea 2.2 (the default, ``by_length=False``): configuration order, the hint's length ignored.
    ``by_length=True`` follows Kea 2.3+ (``Allocator::isValidPrefixPool``): pools whose delegated
    length equals the hint first, then pools delegating shorter prefixes (bigger), then longer.
    """
    if not by_length or not hint_len:
        return tuple(pools)

    def length(ref: PoolRef) -> int:
        return ref.prefix_len

    equal = [p for p in pools if length(p) == hint_len]
    shorter = [p for p in pools if length(p) < hint_len]
    longer = [p for p in pools if length(p) > hint_len]
    return (*equal, *shorter, *longer)


def choose_pd_pool(
    pools: Sequence[PoolRef],
    hint_len: int | None,
    state: AllocationState | None = None,
    *,
    by_length: bool = False,
) -> PoolRef | None:
    """The first pd-pool to allocate from for a prefix-length hint (with room, given a state)."""
    for ref in order_pd_pools(pools, hint_len, by_length=by_length):
        if state is None or state.occupancy_of(ref).available > 0:
            return ref
    return None


class SubnetAllocation:
    """The engine-facing port (``pukeko.server.dhcp6.pools.Allocation``) over a state.

    Picks from the subnet's pools of the lease type that the client's classes allow, with the
    allocator configured for the subnet (``allocator`` for addresses, ``pd-allocator`` for
    prefixes; ``iterative`` when unset, as Kea 2.2 always does).
    """

    def __init__(self, state: AllocationState, rng: random.Random | None = None) -> None:
        self.state = state
        self.rng = rng if rng is not None else random.Random()
        self._allocators: dict[str, Allocator] = {}

    def allocator_for(self, subnet: Subnet, lease_type: LeaseType) -> Allocator:
        """The subnet's allocator for a lease type (shared per name)."""
        name = allocator_name(subnet, lease_type, self.state.config)
        found = self._allocators.get(name)
        if found is None:
            found = make_allocator(name, self.rng)
            self._allocators[name] = found
        return found

    def pick(
        self,
        subnet: Subnet,
        lease_type: LeaseType,
        hint: int,
        classes: frozenset[str],
        is_free: Callable[[int, int], bool],
        *,
        client_key: bytes = b"",
    ) -> tuple[int, int] | None:
        """A free (address, prefix length) from the subnet's pools, or None when exhausted."""
        pools = tuple(
            p for p in self.state.typed_pools(subnet.id, lease_type) if p.supports(classes)
        )
        if not pools:
            return None

        def check(addr: int) -> bool:
            ref = find_pool(pools, addr)
            return ref is not None and is_free(addr, ref.prefix_len)

        allocator = self.allocator_for(subnet, lease_type)
        found = allocator.pick_in_pools(
            self.state, pools, hint or None, check, client_key=client_key
        )
        return None if found is None else (found[1], found[0].prefix_len)


def allocator_name(subnet: Subnet, lease_type: LeaseType, config: Config | None = None) -> str:
    """The ``allocator`` (or ``pd-allocator`` for IA_PD) set for a subnet, else ``iterative``."""
    key = "pd-allocator" if lease_type == LeaseType.PD else "allocator"
    sources: list[Mapping[str, object]] = [subnet.explicit, subnet.extra]
    if config is not None:
        sources += [config.explicit, config.extra]
    for source in sources:
        value = source.get(key)
        if isinstance(value, str) and value in ALLOCATOR_NAMES:
            return value
    return "iterative"
