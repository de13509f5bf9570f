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
from pukeko.alloc.pools import KIND_OF_TYPE
from pukeko.config.model import Config, Subnet
from pukeko.leases.model import Lease6, LeaseChange, LeaseType


class StateAllocation:
    """Picks free resources from an :class:`AllocationState` with one allocator per kind."""

    def __init__(self, state: AllocationState, addresses: Allocator, prefixes: Allocator) -> None:
        self.state = state
        self.addresses = addresses
        self.prefixes = prefixes

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
        kind = "na" if lease_type == LeaseType.TA else KIND_OF_TYPE[lease_type]
        refs = [
            ref for ref in self.state.pools(subnet.id) if ref.kind == kind and ref.supports(classes)
        ]
        if not refs:
            return None
        strategy = self.prefixes if lease_type == LeaseType.PD else self.addresses
        found = strategy.pick_in_pools(
            self.state,
            refs,
            None,
            lambda address: is_free(address, 0),
            client_key=client_key(duid, iaid),
        )
        if found is None:
            return None
        ref, address = found
        return address, ref.prefix_len

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
