"""Allocator strategies: Kea's iterative order, random, hash, hints, exhaustion, full pools."""

from __future__ import annotations

import random
from collections.abc import Callable
from ipaddress import IPv6Address

import pytest

from pukeko.alloc.allocators import (
    MAX_REJECTIONS,
    SWEEP_CALLS,
    HashAllocator,
    IterativeAllocator,
    RandomAllocator,
    SubnetAllocation,
    allocator_name,
    choose_pd_pool,
    client_key,
    hash_position,
    make_allocator,
    order_pd_pools,
)
from pukeko.alloc.occupancy import AllocationState
from pukeko.alloc.pools import PoolRef
from pukeko.config.load import load_config
from pukeko.config.model import Config
from pukeko.leases.model import ChangeKind, Lease6, LeaseChange, LeaseType


def v6(text: str) -> int:
    return int(IPv6Address(text))


def config6(subnet: str) -> Config:
    return load_config('{"Dhcp6": {"subnet6": [' + subnet + "]}}", family=6).config


TWO_POOLS = config6(
    '{"id": 1, "subnet": "2001:db8:1::/64", "pools": ['
    '{"pool": "2001:db8:1::10 - 2001:db8:1::12"}, {"pool": "2001:db8:1::20 - 2001:db8:1::21"}],'
    '"pd-pools": [{"prefix": "3000::", "prefix-len": 54, "delegated-len": 56},'
    '{"prefix": "3001::", "prefix-len": 60, "delegated-len": 64}],'
    '"reservations": [{"duid": "01:02:03", "ip-addresses": ["2001:db8:1::11"],'
    '"prefixes": ["3000:0:0:100::/56"]}]}'
)


def lease(addr: int, lease_type: LeaseType = LeaseType.NA, plen: int = 128) -> Lease6:
    return Lease6(
        address=IPv6Address(addr),
        lease_type=lease_type,
        prefix_len=plen,
        duid=b"\x01\x02",
        iaid=1,
        subnet_id=1,
        valid_lifetime=100,
        preferred_lifetime=50,
        cltt=1000,
    )


class Leases:
    """A stand-in for the lease index: a set of taken addresses, kept in step with the state."""

    def __init__(self, state: AllocationState) -> None:
        self.state = state
        self.taken: set[int] = set()
        self.calls = 0

    def is_free(self, addr: int) -> bool:
        self.calls += 1
        return addr not in self.taken

    def take(self, addr: int, lease_type: LeaseType = LeaseType.NA, plen: int = 128) -> None:
        self.taken.add(addr)
        self.state.apply([LeaseChange(ChangeKind.ADD, lease(addr, lease_type, plen))])

    def release(self, addr: int) -> None:
        self.taken.discard(addr)
        self.state.apply([LeaseChange(ChangeKind.DELETE, lease(addr))])


def na_pools(state: AllocationState) -> tuple[PoolRef, ...]:
    return state.typed_pools(1, LeaseType.NA)


def drain(
    alloc: IterativeAllocator | RandomAllocator | HashAllocator,
    state: AllocationState,
    pools: tuple[PoolRef, ...],
    leases: Leases,
    key: Callable[[int], bytes] = lambda i: b"",
) -> list[int]:
    got = []
    for i in range(100):
        found = alloc.pick_in_pools(state, pools, None, leases.is_free, client_key=key(i))
        if found is None:
            break
        ref, addr = found
        assert ref.range.contains(addr)
        leases.take(addr, LeaseType.PD if ref.kind == "pd" else LeaseType.NA, ref.prefix_len)
        got.append(addr)
    return got


def test_iterative_follows_keas_order_and_skips_reserved() -> None:
    state = AllocationState(TWO_POOLS)
    leases = Leases(state)
    got = drain(IterativeAllocator(), state, na_pools(state), leases)
    # First address first, then the next; pool after pool; ::11 is reserved for a host.
    assert got == [
        v6("2001:db8:1::10"),
        v6("2001:db8:1::12"),
        v6("2001:db8:1::20"),
        v6("2001:db8:1::21"),
    ]


def test_iterative_continues_after_the_last_pick_then_wraps() -> None:
    state = AllocationState(TWO_POOLS)
    leases = Leases(state)
    alloc = IterativeAllocator()
    pools = na_pools(state)
    drain(alloc, state, pools, leases)
    leases.release(v6("2001:db8:1::10"))
    leases.release(v6("2001:db8:1::20"))
    # The last pick was ::21, so the walk goes on from the end, wraps, and finds ::10 first.
    assert alloc.pick_in_pools(state, pools, None, leases.is_free) == (
        pools[0],
        v6("2001:db8:1::10"),
    )
    leases.take(v6("2001:db8:1::10"))
    assert alloc.pick_in_pools(state, pools, None, leases.is_free) == (
        pools[1],
        v6("2001:db8:1::20"),
    )


def test_iterative_does_not_go_back_to_a_freed_address_before_the_end() -> None:
    state = AllocationState(TWO_POOLS)
    leases = Leases(state)
    alloc = IterativeAllocator()
    pools = na_pools(state)
    first = alloc.pick_in_pools(state, pools, None, leases.is_free)
    assert first is not None
    # Kea hands out the next address even if the previous one was never leased.
    second = alloc.pick_in_pools(state, pools, None, leases.is_free)
    assert second == (pools[0], v6("2001:db8:1::12"))


def test_iterative_prefixes_step_by_delegated_block_and_skip_reserved() -> None:
    state = AllocationState(TWO_POOLS)
    leases = Leases(state)
    got = drain(IterativeAllocator(), state, state.typed_pools(1, LeaseType.PD), leases)
    # 3000::/54 cut into /56s, 3000:0:0:100::/56 reserved; then 3001::/60 cut into /64s.
    assert got[:3] == [v6("3000::"), v6("3000:0:0:200::"), v6("3000:0:0:300::")]
    assert len(got) == 3 + 16
    assert got[3:] == [v6("3001::") + (i << 64) for i in range(16)]


def test_exhaustion_returns_none_for_every_strategy() -> None:
    for alloc in (IterativeAllocator(), RandomAllocator(random.Random(1)), HashAllocator()):
        state = AllocationState(TWO_POOLS)
        leases = Leases(state)
        got = drain(alloc, state, na_pools(state), leases, key=lambda i: bytes([i]))
        assert sorted(got) == [
            v6(a) for a in ("2001:db8:1::10", "2001:db8:1::12", "2001:db8:1::20", "2001:db8:1::21")
        ]
        assert alloc.pick_in_pools(state, na_pools(state), None, leases.is_free) is None


def test_single_pool_pick_signature() -> None:
    state = AllocationState(TWO_POOLS)
    leases = Leases(state)
    pool = na_pools(state)[1]
    alloc = make_allocator("iterative", random.Random(0))
    assert alloc.pick(state, pool, None, leases.is_free) == v6("2001:db8:1::20")
    leases.take(v6("2001:db8:1::20"))
    assert alloc.pick(state, pool, None, leases.is_free) == v6("2001:db8:1::21")
    leases.take(v6("2001:db8:1::21"))
    assert alloc.pick(state, pool, None, leases.is_free) is None


BIG = config6('{"id": 1, "subnet": "2001:db8:1::/64", "pools": [{"pool": "2001:db8:1::/112"}]}')


@pytest.mark.parametrize("name", ["iterative", "random", "hash"])
def test_nearly_full_pool_costs_one_is_free_call_per_pick(name: str) -> None:
    state = AllocationState(BIG)
    (pool,) = na_pools(state)
    base = pool.range.first
    free_offsets = set(range(7, 65536, 100))  # 656 free: the pool is 99 % used
    used = [lease(base + off) for off in range(65536) if off not in free_offsets]
    state.rebuild(used)
    leases = Leases(state)
    leases.taken = {int(x.address) for x in used}
    alloc = make_allocator(name, random.Random(5))
    picked = set()
    for i in range(len(free_offsets)):
        addr = alloc.pick(state, pool, None, leases.is_free, client_key=i.to_bytes(4, "big"))
        assert addr is not None and addr - base in free_offsets and addr not in picked
        picked.add(addr)
        leases.take(addr)
    # One is_free call per pick: the occupancy skipped every taken address.
    assert leases.calls == len(free_offsets)
    leases.calls = 0
    assert alloc.pick(state, pool, None, leases.is_free) is None
    assert leases.calls <= SWEEP_CALLS


def test_random_picks_stay_in_the_pool_and_repeat_with_a_seed() -> None:
    def run(seed: int) -> list[int]:
        state = AllocationState(BIG)
        leases = Leases(state)
        alloc = RandomAllocator(random.Random(seed))
        out = []
        for _ in range(50):
            addr = alloc.pick(state, na_pools(state)[0], None, leases.is_free)
            assert addr is not None and na_pools(state)[0].range.contains(addr)
            leases.take(addr)
            out.append(addr)
        return out

    assert run(42) == run(42)
    assert run(42) != run(43)
    assert len(set(run(42))) == 50
    assert run(42) != sorted(run(42))


def test_random_is_spread_over_the_pools() -> None:
    conf = config6(
        '{"id": 1, "subnet": "2001:db8:1::/64", "pools": ['
        '{"pool": "2001:db8:1::/120"}, {"pool": "2001:db8:1::1:0/120"}]}'
    )
    state = AllocationState(conf)
    alloc = RandomAllocator(random.Random(7))
    pools = na_pools(state)
    counts = [0, 0]
    for _ in range(400):
        found = alloc.pick_in_pools(state, pools, None, lambda a: True)
        assert found is not None
        counts[pools.index(found[0])] += 1
    assert min(counts) > 150


def test_hash_is_deterministic_across_servers_and_spreads_clients() -> None:
    picks = []
    for _ in range(2):  # two independent servers with their own state
        state = AllocationState(BIG)
        alloc = HashAllocator()
        picks.append(
            [
                alloc.pick(
                    state,
                    na_pools(state)[0],
                    None,
                    lambda a: True,
                    client_key=client_key(b"\x00\x01" + bytes([i]), 7),
                )
                for i in range(20)
            ]
        )
    assert picks[0] == picks[1]
    assert len(set(picks[0])) == 20
    assert client_key(b"\xaa", 1) == b"\xaa\x00\x00\x00\x01"
    assert hash_position(b"abc", 1000) == hash_position(b"abc", 1000) < 1000


def test_hash_collision_moves_to_the_next_free() -> None:
    state = AllocationState(BIG)
    leases = Leases(state)
    alloc = HashAllocator()
    pool = na_pools(state)[0]
    first = alloc.pick(state, pool, None, leases.is_free, client_key=b"k")
    assert first is not None
    leases.take(first)
    again = alloc.pick(state, pool, None, leases.is_free, client_key=b"k")
    assert again == (first + 1 if first != pool.range.last else pool.range.first)


def test_hint_in_pool_is_honoured_unless_taken_or_reserved() -> None:
    state = AllocationState(TWO_POOLS)
    leases = Leases(state)
    alloc = IterativeAllocator()
    pools = na_pools(state)
    hint = v6("2001:db8:1::20")
    assert alloc.pick_in_pools(state, pools, hint, leases.is_free) == (pools[1], hint)
    leases.take(hint)
    # Taken: the normal walk (from the start, the hint path left no cursor).
    assert alloc.pick_in_pools(state, pools, hint, leases.is_free) == (
        pools[0],
        v6("2001:db8:1::10"),
    )
    # Reserved for another host: never given.
    got = alloc.pick_in_pools(state, pools, v6("2001:db8:1::11"), leases.is_free)
    assert got is not None and got[1] != v6("2001:db8:1::11")
    # Out of the pools: ignored.
    got = alloc.pick_in_pools(state, pools, v6("2001:db8:1::99"), leases.is_free)
    assert got is not None and got[1] != v6("2001:db8:1::99")


def test_hint_on_an_expired_lease_is_offered_to_is_free() -> None:
    state = AllocationState(TWO_POOLS)
    leases = Leases(state)
    hint = v6("2001:db8:1::12")
    leases.take(hint)
    reusable = {hint}
    got = IterativeAllocator().pick_in_pools(
        state, na_pools(state), hint, lambda a: a in reusable or a not in leases.taken
    )
    assert got == (na_pools(state)[0], hint)


def test_pd_hint_is_aligned_to_its_block() -> None:
    state = AllocationState(TWO_POOLS)
    pools = state.typed_pools(1, LeaseType.PD)
    got = RandomAllocator(random.Random(0)).pick_in_pools(
        state, pools, v6("3000:0:0:2ff::1"), lambda a: True
    )
    assert got == (pools[0], v6("3000:0:0:200::"))


def test_full_pool_sweep_finds_an_expired_unreclaimed_lease() -> None:
    state = AllocationState(TWO_POOLS)
    leases = Leases(state)
    alloc = IterativeAllocator()
    pools = na_pools(state)
    drain(alloc, state, pools, leases)
    # ::20's lease expired but was not reclaimed: the index says it may be reused.
    expired = v6("2001:db8:1::20")
    got = alloc.pick_in_pools(state, pools, None, lambda a: a == expired)
    assert got == (pools[1], expired)


def test_order_and_choice_of_pd_pools_for_a_length_hint() -> None:
    conf = config6(
        '{"id": 1, "subnet": "2001:db8:1::/64", "pd-pools": ['
        '{"prefix": "3000::", "prefix-len": 48, "delegated-len": 64},'
        '{"prefix": "3001::", "prefix-len": 48, "delegated-len": 56},'
        '{"prefix": "3002::", "prefix-len": 48, "delegated-len": 60}]}'
    )
    state = AllocationState(conf)
    pools = state.typed_pools(1, LeaseType.PD)
    # Kea 2.2: the hint's length does not change the order.
    assert order_pd_pools(pools, 56) == pools
    assert choose_pd_pool(pools, 56) is pools[0]
    # Kea 2.3+ rule, on request: equal, then shorter (bigger) prefixes, then longer.
    assert [p.prefix_len for p in order_pd_pools(pools, 60, by_length=True)] == [60, 56, 64]
    assert choose_pd_pool(pools, 56, state, by_length=True) is pools[1]


def test_subnet_allocation_port_filters_pools_by_class() -> None:
    conf = config6(
        '{"id": 1, "subnet": "2001:db8:1::/64", "pools": ['
        '{"pool": "2001:db8:1::10/128", "client-class": "gold"},'
        '{"pool": "2001:db8:1::20/128"}],'
        '"pd-pools": [{"prefix": "3000::", "prefix-len": 56, "delegated-len": 56}]}'
    )
    port = SubnetAllocation(AllocationState(conf), random.Random(0))
    subnet = conf.all_subnets[0]
    seen: list[tuple[int, int]] = []

    def is_free(addr: int, plen: int) -> bool:
        seen.append((addr, plen))
        return True

    assert port.pick(subnet, LeaseType.NA, 0, frozenset(), is_free) == (v6("2001:db8:1::20"), 128)
    assert port.pick(subnet, LeaseType.NA, 0, frozenset({"gold"}), is_free) == (
        v6("2001:db8:1::10"),
        128,
    )
    assert port.pick(subnet, LeaseType.PD, 0, frozenset(), is_free) == (v6("3000::"), 56)
    assert seen[-1] == (v6("3000::"), 56)
    assert allocator_name(subnet, LeaseType.NA, conf) == "iterative"


def test_ta_and_na_never_share_an_address() -> None:
    conf = config6(
        '{"id": 1, "subnet": "2001:db8:1::/64", "pools": [{"pool": "2001:db8:1::10/127"}]}'
    )
    state = AllocationState(conf)
    port = SubnetAllocation(state)
    subnet = conf.all_subnets[0]
    na = port.pick(subnet, LeaseType.NA, 0, frozenset(), lambda a, p: True)
    assert na is not None
    state.apply([LeaseChange(ChangeKind.ADD, lease(na[0]))])
    ta = port.pick(subnet, LeaseType.TA, 0, frozenset(), lambda a, p: True)
    assert ta is not None and ta[0] != na[0]
    state.apply([LeaseChange(ChangeKind.ADD, lease(ta[0], LeaseType.TA))])
    assert (
        port.pick(subnet, LeaseType.TA, 0, frozenset(), lambda a, p: a not in (na[0], ta[0]))
        is None
    )


def test_unknown_allocator_name() -> None:
    with pytest.raises(Exception, match="unknown allocator"):
        make_allocator("bogus", random.Random(0))


def test_a_refusing_is_free_cannot_make_a_huge_pool_walk_forever() -> None:
    conf = config6('{"id": 1, "subnet": "2001:db8:1::/64", "pools": [{"pool": "2001:db8:1::/64"}]}')
    state = AllocationState(conf)
    calls = 0

    def never(addr: int) -> bool:
        nonlocal calls
        calls += 1
        return False

    assert IterativeAllocator().pick(state, na_pools(state)[0], None, never) is None
    assert calls <= MAX_REJECTIONS + SWEEP_CALLS


def test_random_and_hash_in_a_slash_64_pool() -> None:
    conf = config6('{"id": 1, "subnet": "2001:db8:1::/64", "pools": [{"pool": "2001:db8:1::/64"}]}')
    state = AllocationState(conf)
    (pool,) = na_pools(state)
    leases = Leases(state)
    rnd = RandomAllocator(random.Random(9))
    got = set()
    for _ in range(200):
        addr = rnd.pick(state, pool, None, leases.is_free)
        assert addr is not None and pool.range.contains(addr) and addr not in got
        got.add(addr)
        leases.take(addr)
    assert state.occupancy_of(pool).used == 200
    assert state.occupancy_of(pool).available == 2**64 - 200
    h = HashAllocator().pick(state, pool, None, leases.is_free, client_key=b"x")
    assert h is not None and h not in got
