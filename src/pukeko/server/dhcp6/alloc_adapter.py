"""The engine's allocation port backed by ``pukeko.alloc`` (occupancy state + a strategy).

Kea 2.2 always allocates with its iterative allocator (``allocator`` / ``pd-allocator`` came in
Kea 2.4); the keywords are honoured when a configuration carries them, at the subnet, shared
network or global level (the nearest wins, as for Kea's other inherited parameters). The client's
hint is handled by the engine (Kea's first pass over the network), so the strategy is asked
without one.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterable, Mapping
from typing import NamedTuple

from pukeko.alloc.allocators import Allocator, IterativeAllocator, client_key, make_allocator
from pukeko.alloc.fastpath import next_iterative
from pukeko.alloc.occupancy import AllocationState
from pukeko.alloc.pools import KIND_OF_TYPE, PoolRef
from pukeko.config.model import Config, SharedNetwork, Subnet
from pukeko.leases.model import Lease6, LeaseChange, LeaseType
from pukeko.leases.view import LeaseView6

# Enum members bound once: attribute access on an Enum class is slow on Python 3.11.
_PD = LeaseType.PD
_TA = LeaseType.TA


class Route(NamedTuple):
    """How one subnet's pools of one kind are searched (worked out once per configuration)."""

    pools: tuple[PoolRef, ...]
    guarded: bool  # a pool has a ``client-class``: filter per client
    strategy: Allocator
    fast: bool  # iterative, no guard: :func:`~pukeko.alloc.fastpath.next_iterative`


class StateAllocation:
    """Picks free resources from an :class:`AllocationState` with one allocator per kind."""

    def __init__(
        self,
        state: AllocationState,
        addresses: Allocator,
        prefixes: Allocator,
        per_subnet: Mapping[int, tuple[Allocator, Allocator]] | None = None,
    ) -> None:
        self.state = state
        self.addresses = addresses
        self.prefixes = prefixes
        self.per_subnet = per_subnet or {}  # subnet id -> (address, prefix) strategies
        self._routes: dict[tuple[int, LeaseType], Route] = {}

    def pick(
        self,
        subnet: Subnet,
        lease_type: LeaseType,
        hint: int,
        classes: frozenset[str],
        is_free: Callable[[int], bool],
        duid: bytes = b"",
        iaid: int = 0,
    ) -> tuple[int, int] | None:
        """A free (address, prefix length) of the subnet's pools the client may use."""
        route = self._routes.get((subnet.id, lease_type))
        if route is None:
            route = self._route(subnet.id, lease_type)
        if route.fast:
            found = next_iterative(self.state, route.pools, is_free)
        else:
            found = self._general(route, classes, is_free, duid, iaid)
        if found is None:
            return None
        ref, address = found
        return address, ref.prefix_len

    def _general(
        self,
        route: Route,
        classes: frozenset[str],
        is_free: Callable[[int], bool],
        duid: bytes,
        iaid: int,
    ) -> tuple[PoolRef, int] | None:
        refs = route.pools
        if route.guarded:
            refs = tuple(ref for ref in refs if ref.supports(classes))
        if not refs:
            return None
        strategy = route.strategy
        # Only the hash strategy reads the client key; the others are spared building it.
        key = client_key(duid, iaid) if strategy.name == "hash" else b""
        return strategy.pick_in_pools(self.state, refs, None, is_free, client_key=key)

    def _route(self, subnet_id: int, lease_type: LeaseType) -> Route:
        # IA_TA allocates from the address pools, with the IA_NA pools' positions.
        kind = "na" if lease_type == _TA else KIND_OF_TYPE[lease_type]
        refs = tuple(ref for ref in self.state.pools(subnet_id) if ref.kind == kind)
        guarded = any(ref.client_class for ref in refs)
        addresses, prefixes = self.per_subnet.get(subnet_id, (self.addresses, self.prefixes))
        strategy = prefixes if lease_type == _PD else addresses
        fast = not guarded and isinstance(strategy, IterativeAllocator)
        route = self._routes[(subnet_id, lease_type)] = Route(refs, guarded, strategy, fast)
        return route

    def apply(self, changes: Iterable[LeaseChange]) -> None:
        """Keep the occupancy in step with lease changes."""
        self.state.apply(changes)

    def rebuild(self, leases: Iterable[Lease6]) -> None:
        """Recompute the occupancy from every lease (after loading or reloading)."""
        self.state.rebuild(leases)

    def rebuild_subnets(self, view: LeaseView6, subnet_ids: Iterable[int]) -> None:
        """Mark the leases of these (new or changed) subnets; the others' were taken over."""
        for subnet_id in subnet_ids:
            self.state.mark_leases(view.by_subnet(subnet_id))


DEFAULT_ALLOCATOR = "iterative"


def allocator_names(
    config: Config, subnet: Subnet, key: str, networks: Mapping[str, SharedNetwork]
) -> str:
    """The ``allocator`` / ``pd-allocator`` in force for a subnet: subnet, network (``networks``:
    the configuration's by name), global."""
    network = networks.get(subnet.shared_network) if subnet.shared_network else None
    for level in (subnet.extra, network.extra if network else {}, config.extra):
        value = level.get(key)
        if isinstance(value, str):
            return value
    return DEFAULT_ALLOCATOR


def allocation_for(
    config: Config,
    rng: random.Random | None = None,
    *,
    previous: StateAllocation | None = None,
    unchanged: frozenset[int] = frozenset(),
) -> StateAllocation:
    """The allocation port for a configuration, one strategy instance per allocator name.

    ``previous`` / ``unchanged``: the pools of these subnets keep their occupancy from the
    running allocation (see :class:`AllocationState`); only the others need their leases marked.
    """
    made: dict[str, Allocator] = {}

    def strategy(name: str) -> Allocator:
        if name not in made:
            made[name] = make_allocator(name, rng)
        return made[name]

    networks = {n.name: n for n in config.shared_networks}
    per_subnet = {
        subnet.id: (
            strategy(allocator_names(config, subnet, "allocator", networks)),
            strategy(allocator_names(config, subnet, "pd-allocator", networks)),
        )
        for subnet in config.all_subnets
    }
    default = strategy(DEFAULT_ALLOCATOR)
    state = AllocationState(config, previous.state if previous else None, unchanged)
    return StateAllocation(state, default, default, per_subnet)
