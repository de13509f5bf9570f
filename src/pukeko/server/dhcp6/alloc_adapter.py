"""The engine's allocation port backed by ``pukeko.alloc`` (occupancy state + a strategy).

Kea 2.2 always allocates with its iterative allocator (``allocator`` / ``pd-allocator`` came in
2.3); the keywords are honoured when a configuration carries them. The client's hint is handled
by the engine (Kea's first pass over the network), so the strategy is asked without one.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterable

from pukeko.alloc.allocators import Allocator, client_key, make_allocator
from pukeko.alloc.occupancy import AllocationState
from pukeko.alloc.pools import KIND_OF_TYPE, PoolRef
from pukeko.config.model import Config, Subnet
from pukeko.leases.model import Lease6, LeaseChange, LeaseType

# Enum members bound once: attribute access on an Enum class is slow on Python 3.11.
_PD = LeaseType.PD
_TA = LeaseType.TA


class StateAllocation:
    """Picks free resources from an :class:`AllocationState` with one allocator per kind."""

    def __init__(self, state: AllocationState, addresses: Allocator, prefixes: Allocator) -> None:
        self.state = state
        self.addresses = addresses
        self.prefixes = prefixes
        # (subnet id, kind) -> the subnet's pools of that kind, and whether a class guards one
        self._pools: dict[tuple[int, str], tuple[tuple[PoolRef, ...], bool]] = {}

    def pick(
        self,
        subnet: Subnet,
        lease_type: LeaseType,
        hint: int,
        classes: frozenset[str],
        is_free: Callable[[int, int], bool],
        duid: bytes = b"",
        iaid: int = 0,
    ) -> tuple[int, int] | None:
        """A free (address, prefix length) of the subnet's pools the client may use."""
        kind = "na" if lease_type == _TA else KIND_OF_TYPE[lease_type]
        refs, guarded = self._pools_of(subnet.id, kind)
        if guarded:
            refs = tuple(ref for ref in refs if ref.supports(classes))
        if not refs:
            return None
        strategy = self.prefixes if lease_type == _PD else self.addresses
        # Only the hash strategy reads the client key; the others are spared building it.
        key = client_key(duid, iaid) if strategy.name == "hash" else b""
        found = strategy.pick_in_pools(
            self.state, refs, None, lambda address: is_free(address, 0), client_key=key
        )
        if found is None:
            return None
        ref, address = found
        return address, ref.prefix_len

    def _pools_of(self, subnet_id: int, kind: str) -> tuple[tuple[PoolRef, ...], bool]:
        key = (subnet_id, kind)
        found = self._pools.get(key)
        if found is None:
            refs = tuple(ref for ref in self.state.pools(subnet_id) if ref.kind == kind)
            found = self._pools[key] = (refs, any(ref.client_class for ref in refs))
        return found

    def apply(self, changes: Iterable[LeaseChange]) -> None:
        """Keep the occupancy in step with lease changes."""
        self.state.apply(changes)

    def rebuild(self, leases: Iterable[Lease6]) -> None:
        """Recompute the occupancy from every lease (after loading or reloading)."""
        self.state.rebuild(leases)


def allocation_for(config: Config, rng: random.Random | None = None) -> StateAllocation:
    """The allocation port for a configuration (``allocator``, ``pd-allocator``; iterative)."""
    names = config.extra
    address_name = str(names.get("allocator", "iterative"))
    prefix_name = str(names.get("pd-allocator", "iterative"))
    return StateAllocation(
        AllocationState(config),
        make_allocator(address_name, rng),
        make_allocator(prefix_name, rng),
    )
