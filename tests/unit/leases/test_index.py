"""The in-memory lease indexes: lookups, ordering, expiration, counts, reservations."""

from __future__ import annotations

import random
from dataclasses import replace
from ipaddress import IPv4Address, IPv6Address

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pukeko.leases.index import LeaseIndex4, LeaseIndex6, LeaseReservation
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
from pukeko.leases.view import LeaseView4, LeaseView6

NET = int(IPv6Address("2001:db8:1::"))


def lease6(n: int, **kw: object) -> Lease6:
    base = {
        "address": IPv6Address(NET + n),
        "lease_type": LeaseType.NA,
        "prefix_len": 128,
        "duid": bytes([0, 1, n % 256]),
        "iaid": 1,
        "subnet_id": 1,
        "valid_lifetime": 100,
        "preferred_lifetime": 50,
        "cltt": 1000 + n,
    }
    return Lease6(**{**base, **kw})  # type: ignore[arg-type]


def lease4(n: int, **kw: object) -> Lease4:
    base = {
        "address": IPv4Address(0xC0000200 + n),
        "hwaddr": bytes([0, 1, 2, 3, 4, n % 256]),
        "client_id": bytes([1, n % 256]),
        "subnet_id": 1,
        "valid_lifetime": 100,
        "cltt": 1000 + n,
    }
    return Lease4(**{**base, **kw})  # type: ignore[arg-type]


def add(lease: Lease6 | Lease4) -> LeaseChange:
    return LeaseChange(ChangeKind.ADD, lease)


def test_indexes_implement_the_engine_views() -> None:
    six: LeaseView6 = LeaseIndex6()
    four: LeaseView4 = LeaseIndex4()
    assert six.by_duid(b"x") == [] and four.by_hwaddr(b"x") == []


def test_v6_lookups() -> None:
    index = LeaseIndex6()
    a = lease6(1, duid=b"\x00\x01c", iaid=5)
    b = lease6(2, duid=b"\x00\x01c", iaid=5, hostname="h.example.org")
    pd = lease6(0x10000, lease_type=LeaseType.PD, prefix_len=64, duid=b"\x00\x01c", iaid=9)
    for lease in (a, b, pd):
        index.add(lease)
    assert index.get(LeaseType.NA, a.address) == a
    assert index.get(LeaseType.PD, a.address) is None  # the type must match
    assert index.get(LeaseType.PD, pd.address) == pd
    assert index.by_client(b"\x00\x01c", 5, LeaseType.NA) == [a, b]
    assert index.by_client(b"\x00\x01c", 9, LeaseType.PD) == [pd]
    assert index.by_client(b"\x00\x01c", 9, LeaseType.NA) == []
    assert sorted(index.by_duid(b"\x00\x01c"), key=lambda x: x.address) == [a, b, pd]
    assert index.by_hostname("h.example.org") == [b]
    index.delete(a)
    assert index.by_client(b"\x00\x01c", 5, LeaseType.NA) == [b]
    assert index.get(LeaseType.NA, a.address) is None


def test_duplicates_and_missing_leases_are_refused() -> None:
    index = LeaseIndex6()
    index.add(lease6(1))
    with pytest.raises(DuplicateLeaseError):
        index.add(lease6(1, duid=b"other"))
    # A prefix at the same address is the same key, as in Kea's storage.
    with pytest.raises(DuplicateLeaseError):
        index.add(lease6(1, lease_type=LeaseType.PD, prefix_len=64))
    with pytest.raises(LeaseNotFoundError):
        index.update(lease6(2))
    with pytest.raises(LeaseNotFoundError):
        index.delete(lease6(2))
    assert len(index) == 1


def test_v4_lookups_follow_updates() -> None:
    index = LeaseIndex4()
    first = lease4(1, hostname="a")
    index.add(first)
    index.add(lease4(2, client_id=b""))
    assert index.get(first.address) == first
    assert index.by_hwaddr(first.hwaddr) == [first]
    assert index.by_client_id(first.client_id) == [first]
    assert index.by_client_id(b"") == []  # an empty client-id is not indexed
    moved = replace(first, hwaddr=b"\x09" * 6, hostname="b")
    index.update(moved)
    assert index.by_hwaddr(first.hwaddr) == [] and index.by_hwaddr(moved.hwaddr) == [moved]
    assert index.by_hostname("a") == [] and index.by_hostname("b") == [moved]


def test_subnet_iteration_and_paging_are_in_address_order() -> None:
    index = LeaseIndex6()
    numbers = list(range(0, 5000, 3))
    random.Random(7).shuffle(numbers)
    for n in numbers:
        index.add(lease6(n, subnet_id=1 + n % 2))
    odd = [int(x.address) - NET for x in index.by_subnet(2)]
    assert odd == sorted(n for n in numbers if n % 2)
    assert list(index.by_subnet(99)) == []
    assert index.subnet_ids() == [1, 2]
    page = index.page_after(None, 4)
    assert [int(x.address) - NET for x in page] == [0, 3, 6, 9]
    rest = index.page_after(IPv6Address(NET + 4), 2)
    assert [int(x.address) - NET for x in rest] == [6, 9]
    assert index.page_after(IPv6Address(NET + 4999), 10) == []


def test_expired_is_soonest_first_and_skips_reclaimed_and_infinite() -> None:
    index = LeaseIndex6()
    index.add(lease6(1, cltt=500))  # expires 600
    index.add(lease6(2, cltt=100))  # expires 200
    index.add(lease6(3, cltt=100, state=LeaseState.EXPIRED_RECLAIMED))
    index.add(lease6(4, cltt=0, valid_lifetime=INFINITE_LIFETIME))
    index.add(lease6(5, cltt=100, state=LeaseState.DECLINED, valid_lifetime=50))  # 150
    assert [x.address for x in index.expired(1000, 0)] == [
        IPv6Address(NET + 5),
        IPv6Address(NET + 2),
        IPv6Address(NET + 1),
    ]
    assert len(index.expired(1000, 2)) == 2
    assert index.expired(200, 10) == [
        lease6(5, cltt=100, state=LeaseState.DECLINED, valid_lifetime=50)
    ]
    # Renewing a lease moves it; reclaiming it removes it; both leave stale heap entries.
    index.update(lease6(2, cltt=900))
    index.update(replace(lease6(1, cltt=500), state=LeaseState.EXPIRED_RECLAIMED))
    assert [x.address for x in index.expired(1000, 0)] == [IPv6Address(NET + 5)]
    assert [x.address for x in index.expired(1001, 0)][-1] == IPv6Address(NET + 2)


def test_expired_heap_stays_bounded_under_churn() -> None:
    index = LeaseIndex6()
    index.add(lease6(1))
    for cltt in range(20000):
        index.update(lease6(1, cltt=cltt))
    assert len(index._heap) <= 2 * len(index) + 1024
    assert index.expired(10**9, 0) == [lease6(1, cltt=19999)]


def test_counts_per_subnet_type_and_state() -> None:
    index = LeaseIndex6()
    index.add(lease6(1))
    index.add(lease6(2, state=LeaseState.DECLINED))
    index.add(lease6(3, lease_type=LeaseType.PD, prefix_len=64))
    index.add(lease6(4, subnet_id=2))
    assert index.count(1, LeaseType.NA) == 2
    assert index.count(1, LeaseType.NA, LeaseState.DECLINED) == 1
    assert index.count(1, LeaseType.PD) == 1 and index.count(2, LeaseType.NA) == 1
    index.update(lease6(2))
    assert index.count(1, LeaseType.NA, LeaseState.DECLINED) == 0
    index.delete(lease6(1))
    assert index.count(1, LeaseType.NA) == 1 and index.count(3, LeaseType.NA) == 0
    four = LeaseIndex4()
    four.add(lease4(1))
    assert four.count(1, LeaseType.V4) == 1


def test_load_builds_the_same_indexes_as_adds() -> None:
    leases = [lease6(n, subnet_id=n % 3, iaid=n % 2, hostname=f"h{n % 4}") for n in range(300)]
    built, loaded = LeaseIndex6(), LeaseIndex6()
    for lease in leases:
        built.add(lease)
    loaded.load({int(x.address): x for x in reversed(leases)})
    assert list(built) == list(loaded) == leases
    for subnet in range(3):
        assert list(built.by_subnet(subnet)) == list(loaded.by_subnet(subnet))
        assert built.count(subnet, LeaseType.NA) == loaded.count(subnet, LeaseType.NA)
    assert loaded.by_hostname("h1") == built.by_hostname("h1")
    assert loaded.by_client(leases[5].duid, 1, LeaseType.NA) == [leases[5], leases[261]]
    assert sorted(loaded.by_duid(leases[5].duid), key=lambda x: x.address) == [
        leases[5],
        leases[261],
    ]
    assert loaded.expired(10**6, 0) == built.expired(10**6, 0)


def test_reserve_is_all_or_nothing() -> None:
    index = LeaseIndex6()
    index.add(lease6(1))
    with pytest.raises(DuplicateLeaseError):
        index.reserve([add(lease6(2)), add(lease6(3)), add(lease6(1))])
    assert list(index) == [lease6(1)] and index.count(1, LeaseType.NA) == 1


def test_rollback_restores_and_hands_over_to_later_reservations() -> None:
    index = LeaseIndex6()
    original = lease6(1)
    index.add(original)
    first = index.reserve([LeaseChange(ChangeKind.UPDATE, lease6(1, cltt=5000))])
    second = index.reserve([LeaseChange(ChangeKind.DELETE, lease6(1))])
    third = index.reserve([add(lease6(1, cltt=7000))])
    index.rollback(first)  # superseded: later reservations keep their result
    assert index.at(original.address) == lease6(1, cltt=7000)
    index.rollback(third)
    assert index.at(original.address) is None
    index.rollback(second)  # restores what was there before the undone first one
    assert index.at(original.address) == original
    with pytest.raises(ReservationStateError):
        index.rollback(second)


def test_rollback_after_a_later_durable_change_keeps_it() -> None:
    index = LeaseIndex6()
    first = index.reserve([add(lease6(1))])
    second = index.reserve([LeaseChange(ChangeKind.DELETE, lease6(1))])
    index.release(second)
    index.rollback(first)
    assert index.at(lease6(1).address) is None and len(index) == 0
    with pytest.raises(ReservationStateError):
        index.release(second)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 3), st.integers(0, 5), st.booleans()), max_size=30))
def test_any_rollback_order_matches_replaying_the_durable_ones(
    ops: list[tuple[int, int, bool]],
) -> None:
    """Reserve random batches, then make each durable or undo it in a shuffled order; the
    index must equal replaying only the durable batches in reservation order."""
    index = LeaseIndex6()
    reserved: list[tuple[LeaseReservation[Lease6], LeaseChange]] = []
    for kind, n, _ in ops:
        current = index.at(IPv6Address(NET + n))
        if current is None:
            change = add(lease6(n, cltt=len(reserved)))
        elif kind % 2:
            change = LeaseChange(ChangeKind.DELETE, current)
        else:
            change = LeaseChange(ChangeKind.UPDATE, lease6(n, cltt=len(reserved)))
        reserved.append((index.reserve([change]), change))
    order = list(range(len(reserved)))
    random.Random(len(ops)).shuffle(order)
    for position in order:
        if ops[position][2]:
            index.release(reserved[position][0])
        else:
            index.rollback(reserved[position][0])
    replay: dict[int, Lease6] = {}
    for (_, change), (_, _, keep) in zip(reserved, ops, strict=True):
        if keep:
            key = int(change.lease.address)
            if change.kind is ChangeKind.DELETE:
                replay.pop(key, None)
            else:
                replay[key] = change.lease  # type: ignore[assignment]
    assert {int(x.address): x for x in index} == replay


def test_sorted_int_set_keeps_order_through_splits() -> None:
    values = list(range(0, 30000, 7))
    random.Random(3).shuffle(values)
    ordered = SortedIntSet()
    for v in values:
        ordered.add(v)
    ordered.add(values[0])
    assert list(ordered) == sorted(values) and len(ordered) == len(values)
    for v in values[::2]:
        ordered.discard(v)
    ordered.discard(-1)
    assert list(ordered) == sorted(values[1::2])
    assert values[1] in ordered and values[0] not in ordered
    assert list(ordered.iter_after(sorted(values[1::2])[-2])) == [sorted(values[1::2])[-1]]
