"""The iterative fast path picks exactly what the general iterative allocator picks.

Both run on copies of the same random state (pools of several shapes, leased and reserved
offsets, allocator positions) with the same ``is_free`` refusals; the pick and the cursors left
behind must be the same. A second check drives the engine's allocation port through a long
sequence of allocations with and without the fast path.
"""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pukeko.alloc.allocators import IterativeAllocator
from pukeko.alloc.fastpath import next_iterative
from pukeko.alloc.occupancy import BITMAP_LIMIT, LEASED, RESERVED, AllocationState
from pukeko.config.load import load_config
from pukeko.config.model import Config
from pukeko.leases.model import LeaseType
from pukeko.server.dhcp6.alloc_adapter import allocation_for


def config6(subnet: str) -> Config:
    return load_config('{"Dhcp6": {"subnet6": [' + subnet + "]}}", family=6).config


LAYOUTS = [
    config6('{"id": 1, "subnet": "2001:db8:1::/64", "pools": [{"pool": "2001:db8:1::/124"}]}'),
    config6(
        '{"id": 1, "subnet": "2001:db8:1::/64", "pools": ['
        '{"pool": "2001:db8:1::10-2001:db8:1::14"}, {"pool": "2001:db8:1::20-2001:db8:1::20"},'
        '{"pool": "2001:db8:1::30-2001:db8:1::37"}]}'
    ),
    # A pool too large for a bitmap (kept as sets of taken offsets) next to a small one.
    config6(
        '{"id": 1, "subnet": "2001:db8:1::/64", "pools": ['
        '{"pool": "2001:db8:1::1:0:0/96"}, {"pool": "2001:db8:1::40-2001:db8:1::47"}]}'
    ),
    config6(
        '{"id": 1, "subnet": "2001:db8:1::/64", "pd-pools": ['
        '{"prefix": "3000::", "prefix-len": 48, "delegated-len": 52},'
        '{"prefix": "3001::", "prefix-len": 56, "delegated-len": 58}]}'
    ),
]


def random_state(config: Config, kind: str, rng: random.Random) -> AllocationState:
    """A state with random leased/reserved offsets and random allocator positions."""
    state = AllocationState(config)
    refs = [ref for ref in state.pools(1) if ref.kind == kind]
    for ref in refs:
        occupancy = state.occupancy_of(ref)
        window = min(occupancy.capacity, 48)  # offsets near the start, where cursors point
        assert occupancy.bits is not None or occupancy.capacity > BITMAP_LIMIT
        for offset in range(window):
            roll = rng.random()
            if roll < 0.45:
                occupancy.set_offset(offset, LEASED)
            elif roll < 0.55:
                occupancy.set_offset(offset, RESERVED)
        if rng.random() < 0.7:
            state.cursors[("iterative-pool", ref.cursor_key)] = rng.randrange(window)
    if rng.random() < 0.7:
        ref = rng.choice(refs)
        state.cursors[("iterative", 1, kind)] = ref.range.address(
            rng.randrange(min(ref.range.capacity, 48))
        )
    return state


@settings(max_examples=300, deadline=None)
@given(
    layout=st.integers(0, len(LAYOUTS) - 1),
    seed=st.integers(0, 2**32 - 1),
    refusal=st.sampled_from([0.0, 0.3, 0.9, 1.0]),
)
def test_next_iterative_equals_the_general_allocator(
    layout: int, seed: int, refusal: float
) -> None:
    config = LAYOUTS[layout]
    kind = "pd" if layout == 3 else "na"
    fast_state = random_state(config, kind, random.Random(seed))
    general_state = random_state(config, kind, random.Random(seed))  # the same, built again
    assert fast_state.cursors == general_state.cursors
    rng = random.Random(seed + 1)
    pools = tuple(ref for ref in fast_state.pools(1) if ref.kind == kind)
    decisions: dict[int, bool] = {}

    def is_free(address: int) -> bool:
        # The same answer for an address in both runs (is_free has no side effects).
        if address not in decisions:
            decisions[address] = rng.random() >= refusal
        return decisions[address]

    fast = next_iterative(fast_state, pools, is_free)
    general = IterativeAllocator().pick_in_pools(general_state, pools, None, is_free)
    assert fast == general
    assert fast_state.cursors == general_state.cursors


def test_next_iterative_on_no_pools_is_none() -> None:
    state = AllocationState(LAYOUTS[0])
    assert next_iterative(state, (), lambda address: True) is None


@pytest.mark.parametrize("config", LAYOUTS)
def test_port_gives_the_same_sequence_with_and_without_the_fast_path(config: Config) -> None:
    """StateAllocation.pick: the fast route and the general route pick alike, pick after pick."""
    lease_type = LeaseType.PD if config.all_subnets[0].pd_pools else LeaseType.NA
    subnet = config.all_subnets[0]
    fast, general = allocation_for(config), allocation_for(config)
    route = general._route(subnet.id, lease_type)
    assert route.fast  # iterative, no client-class guard
    general._routes[(subnet.id, lease_type)] = route._replace(fast=False)
    rng = random.Random(7)
    taken: set[int] = set()
    refused = {(addr * 7919) % 97 for addr in range(10)}

    def is_free(address: int) -> bool:
        return address not in taken and address % 97 not in refused

    for _ in range(60):
        picked = fast.pick(subnet, lease_type, 0, frozenset(), is_free)
        assert picked == general.pick(subnet, lease_type, 0, frozenset(), is_free)
        if picked is None:
            break
        if rng.random() < 0.8:
            taken.add(picked[0])
    assert fast._routes[(subnet.id, lease_type)].fast
    assert fast.state.cursors == general.state.cursors
