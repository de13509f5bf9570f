"""Occupancy bitmaps / sets and the AllocationState kept in step with lease changes."""

from __future__ import annotations

import random
from dataclasses import replace
from ipaddress import IPv4Address, IPv6Address

from hypothesis import given, settings
from hypothesis import strategies as st

from pukeko.alloc.allocators import make_allocator
from pukeko.alloc.occupancy import BITMAP_LIMIT, AllocationState, Occupancy
from pukeko.alloc.pools import AddressRange, PrefixRange
from pukeko.config.load import load_config
from pukeko.config.model import Config
from pukeko.leases.model import ChangeKind, Lease4, Lease6, LeaseChange, LeaseState, LeaseType


def v6(text: str) -> int:
    return int(IPv6Address(text))


def lease(
    addr: int,
    lease_type: LeaseType = LeaseType.NA,
    plen: int = 128,
    subnet_id: int = 1,
    state: LeaseState = LeaseState.DEFAULT,
) -> Lease6:
    return Lease6(
        address=IPv6Address(addr),
        lease_type=lease_type,
        prefix_len=plen,
        duid=b"\x01",
        iaid=1,
        subnet_id=subnet_id,
        valid_lifetime=100,
        preferred_lifetime=50,
        cltt=1,
        state=state,
    )


def test_bitmap_marks_counts_and_wrapping_search() -> None:
    occ = Occupancy(AddressRange(100, 109))
    assert occ.bits is not None and occ.capacity == 10
    assert occ.next_free(0) == 0
    for addr in (100, 101, 105, 109):
        assert occ.mark_used(addr)
    occ.mark_used(105)  # twice: still one
    assert occ.used == 4 and occ.available == 6
    assert occ.is_used(105) and not occ.is_used(104)
    assert occ.next_free(0) == 2
    assert occ.next_free(5) == 6
    assert occ.next_free(9) == 2  # wraps
    assert occ.next_free_in(6, 9) == 6 and occ.next_free_in(9, 10) is None
    assert not occ.mark_used(99) and not occ.mark_used(110)
    occ.mark_free(105)
    occ.mark_free(105)
    assert occ.used == 3 and occ.next_free(5) == 5


def test_reserved_offsets_are_not_available_but_not_used() -> None:
    occ = Occupancy(AddressRange(0, 3))
    occ.reserve(1)
    occ.mark_used(1)  # the host's own lease on its reserved address
    occ.mark_free(1)
    assert occ.is_reserved(1) and not occ.is_used(1) and not occ.is_available(1)
    assert occ.used == 0 and occ.available == 3
    for addr in (0, 2, 3):
        occ.mark_used(addr)
    assert occ.next_free(0) is None and occ.available == 0
    occ.clear_leases()
    assert occ.used == 0 and occ.available == 3 and occ.is_reserved(1)


def test_large_pools_use_sets_and_probe() -> None:
    occ = Occupancy(AddressRange(0, 2**64 - 1))
    assert occ.bits is None and occ.capacity == 2**64
    for off in range(5):
        occ.mark_used(off)
    occ.reserve(5)
    assert occ.next_free(0) == 6
    assert occ.next_free(2**64 - 1) == 2**64 - 1
    occ.mark_used(2**64 - 1)
    assert occ.next_free(2**64 - 1) == 6  # wraps past the taken run
    assert occ.used == 6 and occ.available == 2**64 - 7
    rng = random.Random(3)
    picks = {occ.random_free(rng) for _ in range(20)}
    assert None not in picks and all(p is not None and p > 5 for p in picks)


def test_bitmap_limit_boundary() -> None:
    assert Occupancy(AddressRange(0, BITMAP_LIMIT - 1)).bits is not None
    assert Occupancy(AddressRange(0, BITMAP_LIMIT)).bits is None


def test_random_free_in_a_nearly_full_bitmap_is_uniform_over_free_offsets() -> None:
    occ = Occupancy(AddressRange(0, 9999))
    free = {13, 5000, 9999}
    for off in range(10000):
        if off not in free:
            occ.mark_used(off)
    rng = random.Random(11)
    counts = dict.fromkeys(free, 0)
    for _ in range(3000):
        drawn = occ.random_free(rng)
        assert drawn is not None and drawn in free
        counts[drawn] += 1
    assert min(counts.values()) > 850


def test_prefix_occupancy_counts_blocks() -> None:
    occ = Occupancy(PrefixRange(v6("3000::"), 48, 56))
    assert occ.capacity == 256
    occ.mark_used(v6("3000:0:0:100::"))
    assert occ.is_used(v6("3000:0:0:100::")) and occ.next_free(1) == 2


CONFIG = """{"Dhcp6": {
  "reservations": [{"duid": "0a:0b", "ip-addresses": ["2001:db8:2::12"]}],
  "subnet6": [
  {"id": 1, "subnet": "2001:db8:1::/48",
   "pools": [{"pool": "2001:db8:1::10 - 2001:db8:1::1f"}, {"pool": "2001:db8:1:1::/64"}],
   "pd-pools": [{"prefix": "3000::", "prefix-len": 48, "delegated-len": 56}],
   "reservations": [{"duid": "01:02", "ip-addresses": ["2001:db8:1::15"],
                     "prefixes": ["3000:0:0:300::/56"]}]},
  {"id": 2, "subnet": "2001:db8:2::/64", "pools": [{"pool": "2001:db8:2::10 - 2001:db8:2::1f"}],
   "reservations-global": true},
  {"id": 3, "subnet": "2001:db8:3::/64", "pools": [{"pool": "2001:db8:3::10 - 2001:db8:3::1f"}],
   "reservations-in-subnet": false,
   "reservations": [{"duid": "03", "ip-addresses": ["2001:db8:3::11"]}]}]}}"""


def config() -> Config:
    return load_config(CONFIG, family=6).config


def test_state_marks_reservations_strictly() -> None:
    state = AllocationState(config())
    assert state.reserved(v6("2001:db8:1::15"))
    assert state.reserved(v6("3000:0:0:300::"), prefix=True)
    na = state.typed_pools(1, LeaseType.NA)[0]
    pd = state.typed_pools(1, LeaseType.PD)[0]
    assert state.occupancy_of(na).is_reserved(v6("2001:db8:1::15"))
    assert state.occupancy_of(pd).is_reserved(v6("3000:0:0:300::"))
    # Global reservations are kept out of every pool holding them (global mode on here).
    assert state.reserved(v6("2001:db8:2::12"))
    # Subnet 3 has in-subnet reservations switched off: Kea would not honour them either.
    assert not state.reserved(v6("2001:db8:3::11"))


def test_rebuild_and_apply_follow_lease_states() -> None:
    state = AllocationState(config())
    na = state.typed_pools(1, LeaseType.NA)[0]
    occ = state.occupancy_of(na)
    a, b, c = v6("2001:db8:1::10"), v6("2001:db8:1::11"), v6("2001:db8:1::12")
    state.rebuild(
        [
            lease(a),
            lease(b, state=LeaseState.DECLINED),
            lease(c, state=LeaseState.EXPIRED_RECLAIMED),
        ]
    )
    assert occ.is_used(a) and occ.is_used(b) and not occ.is_used(c)
    assert occ.used == 2
    # Reclaimed: freed. Deleted: freed. Re-added: used.
    state.apply([LeaseChange(ChangeKind.UPDATE, lease(a, state=LeaseState.EXPIRED_RECLAIMED))])
    state.apply([LeaseChange(ChangeKind.DELETE, lease(b, state=LeaseState.DECLINED))])
    assert occ.used == 0
    state.apply([LeaseChange(ChangeKind.ADD, lease(c))])
    assert occ.is_used(c) and occ.used == 1
    # Rebuild starts over (reservations stay).
    state.rebuild([])
    assert occ.used == 0 and occ.is_reserved(v6("2001:db8:1::15"))


def test_ta_leases_take_from_the_shared_address_occupancy() -> None:
    state = AllocationState(config())
    ta = state.typed_pools(1, LeaseType.TA)[0]
    state.apply([LeaseChange(ChangeKind.ADD, lease(v6("2001:db8:1::10"), LeaseType.TA))])
    assert state.occupancy_of(state.typed_pools(1, LeaseType.NA)[0]) is state.occupancy_of(ta)
    assert state.occupancy_of(ta).is_used(v6("2001:db8:1::10"))


def test_pd_leases_with_other_lengths_cover_their_blocks() -> None:
    state = AllocationState(config())
    occ = state.occupancy_of(state.typed_pools(1, LeaseType.PD)[0])
    wide = lease(v6("3000:0:0:400::"), LeaseType.PD, 54)  # four /56 blocks
    narrow = lease(v6("3000:0:0:901::"), LeaseType.PD, 64)  # inside block 9
    state.apply([LeaseChange(ChangeKind.ADD, wide), LeaseChange(ChangeKind.ADD, narrow)])
    assert [occ.offset_flags(i) & 1 for i in range(3, 11)] == [0, 1, 1, 1, 1, 0, 1, 0]
    state.apply([LeaseChange(ChangeKind.DELETE, wide)])
    assert occ.used == 1


def test_a_lease_whose_subnet_id_moved_is_still_counted() -> None:
    state = AllocationState(config())
    occ2 = state.occupancy_of(state.typed_pools(2, LeaseType.NA)[0])
    state.rebuild([lease(v6("2001:db8:2::10"), subnet_id=99)])
    assert occ2.is_used(v6("2001:db8:2::10"))


def test_v4_state() -> None:
    conf = load_config(
        '{"Dhcp4": {"subnet4": [{"id": 5, "subnet": "192.0.2.0/24",'
        '"pools": [{"pool": "192.0.2.10 - 192.0.2.12"}],'
        '"reservations": [{"hw-address": "01:02:03:04:05:06", "ip-address": "192.0.2.11"}]}]}}',
        family=4,
    ).config
    state = AllocationState(conf)
    (ref,) = state.typed_pools(5, LeaseType.V4)
    l4 = Lease4(
        address=IPv4Address("192.0.2.10"),
        hwaddr=b"\x01",
        client_id=b"",
        subnet_id=5,
        valid_lifetime=10,
        cltt=0,
    )
    state.apply([LeaseChange(ChangeKind.ADD, l4)])
    occ = state.occupancy_of(ref)
    assert occ.is_used(int(IPv4Address("192.0.2.10")))
    assert state.reserved(int(IPv4Address("192.0.2.11")))
    alloc = make_allocator("iterative")
    assert alloc.pick(state, ref, None, lambda a: True) == int(IPv4Address("192.0.2.12"))


# -- property: the occupancy agrees with a set model, and nothing is picked twice -----------

SMALL = load_config(
    '{"Dhcp6": {"subnet6": [{"id": 1, "subnet": "2001:db8:1::/64",'
    '"pools": [{"pool": "2001:db8:1::/124"}, {"pool": "2001:db8:1::100/126"}],'
    '"reservations": [{"duid": "01", "ip-addresses": ["2001:db8:1::3"]}]}]}}',
    family=6,
).config
ADDRS = [v6("2001:db8:1::") + i for i in range(16)] + [v6("2001:db8:1::100") + i for i in range(4)]
RESERVED = v6("2001:db8:1::3")

OPS = st.lists(
    st.tuples(
        st.sampled_from(["add", "update", "reclaim", "decline", "delete", "pick"]),
        st.sampled_from(ADDRS),
        st.sampled_from(["iterative", "random", "hash"]),
    ),
    max_size=60,
)


@settings(max_examples=300, deadline=None)
@given(OPS, st.integers(0, 2**16))
def test_occupancy_agrees_with_a_set_model(ops: list[tuple[str, int, str]], seed: int) -> None:
    state = AllocationState(SMALL)
    pools = state.typed_pools(1, LeaseType.NA)
    allocators = {
        n: make_allocator(n, random.Random(seed)) for n in ("iterative", "random", "hash")
    }
    model: set[int] = set()
    for op, addr, name in ops:
        if op == "pick":
            found = allocators[name].pick_in_pools(
                state, pools, None, lambda a: a not in model, client_key=addr.to_bytes(16, "big")
            )
            free_left = set(ADDRS) - model - {RESERVED}
            if found is None:
                assert not free_left
                continue
            picked = found[1]
            assert picked not in model and picked != RESERVED
            op, addr = "add", picked
        base = lease(addr)
        if op in ("add", "update"):
            state.apply([LeaseChange(ChangeKind.ADD if op == "add" else ChangeKind.UPDATE, base)])
            model.add(addr)
        elif op == "decline":
            state.apply([LeaseChange(ChangeKind.UPDATE, replace(base, state=LeaseState.DECLINED))])
            model.add(addr)
        elif op == "reclaim":
            reclaimed = replace(base, state=LeaseState.EXPIRED_RECLAIMED)
            state.apply([LeaseChange(ChangeKind.UPDATE, reclaimed)])
            model.discard(addr)
        else:
            state.apply([LeaseChange(ChangeKind.DELETE, base)])
            model.discard(addr)
        for a in ADDRS:
            ref = pools[0] if pools[0].range.contains(a) else pools[1]
            assert state.occupancy_of(ref).is_used(a) == (a in model)
        assert sum(state.occupancy_of(p).used for p in pools) == len(model)


class _SetMode(Occupancy):
    """The large-pool representation forced onto a small range (for a differential check)."""

    def __init__(self, rng: AddressRange) -> None:
        super().__init__(rng)
        self.bits = None


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.tuples(st.sampled_from(["use", "free", "reserve"]), st.integers(0, 11)), max_size=40
    ),
    st.integers(0, 11),
)
def test_bitmap_and_set_representations_agree(ops: list[tuple[str, int]], start: int) -> None:
    rng = AddressRange(1000, 1011)
    bitmap, sets = Occupancy(rng), _SetMode(rng)
    assert bitmap.bits is not None and sets.bits is None
    for op, off in ops:
        for occ in (bitmap, sets):
            {"use": occ.mark_used, "free": occ.mark_free, "reserve": occ.reserve}[op](1000 + off)
    assert bitmap.used == sets.used
    assert bitmap.available == sets.available
    assert bitmap.next_free(start) == sets.next_free(start)
    assert [bitmap.offset_flags(i) for i in range(12)] == [sets.offset_flags(i) for i in range(12)]
    assert sorted(bitmap.taken_offsets()) == sorted(sets.taken_offsets())
    bitmap.clear_leases()
    sets.clear_leases()
    assert bitmap.available == sets.available and bitmap.used == sets.used == 0
