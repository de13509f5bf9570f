"""LeaseIndex6.get_int and client_leases answer exactly as get and by_client."""

from __future__ import annotations

from dataclasses import replace
from ipaddress import IPv6Address

from pukeko.leases.index import LeaseIndex6
from pukeko.leases.model import ChangeKind, Lease6, LeaseChange, LeaseType


def lease(text: str, lease_type: LeaseType, prefix_len: int = 128) -> Lease6:
    return Lease6(IPv6Address(text), lease_type, prefix_len, b"\x00\x01\x02", 1, 1, 400, 300, 9)


def test_get_int_follows_get_through_changes() -> None:
    index = LeaseIndex6()
    na = lease("2001:db8::10", LeaseType.NA)
    pd = lease("2001:db8:8::", LeaseType.PD, 56)
    index.release(index.reserve([LeaseChange(ChangeKind.ADD, na), LeaseChange(ChangeKind.ADD, pd)]))
    probes = [
        (lease_type, IPv6Address(text))
        for lease_type in LeaseType
        for text in ("2001:db8::10", "2001:db8:8::", "2001:db8::11")
    ]
    for lease_type, address in probes:
        assert index.get_int(lease_type, int(address)) == index.get(lease_type, address)
    assert index.get_int(LeaseType.NA, int(na.address)) is na
    assert index.get_int(LeaseType.PD, int(na.address)) is None  # another type on that key
    assert index.get_int(LeaseType.PD, int(pd.address)) is pd
    index.delete(na)
    assert index.get_int(LeaseType.NA, int(na.address)) is None


def test_client_leases_equals_by_client() -> None:
    index = LeaseIndex6()
    one = lease("2001:db8::10", LeaseType.NA)
    two = replace(one, address=IPv6Address("2001:db8::11"))
    other_iaid = replace(one, address=IPv6Address("2001:db8::12"), iaid=2)
    keys = [(one.duid, 1, LeaseType.NA), (one.duid, 2, LeaseType.NA), (one.duid, 1, LeaseType.PD)]
    steps = [
        (ChangeKind.ADD, one),
        (ChangeKind.ADD, other_iaid),
        (ChangeKind.ADD, two),
        (ChangeKind.DELETE, one),
        (ChangeKind.DELETE, two),
    ]
    for kind, row in steps:
        index.release(index.reserve([LeaseChange(kind, row)]))
        for key in keys:
            assert index.client_leases(*key) == index.by_client(*key)
    index.add(one)
    index.add(two)
    assert index.client_leases(one.duid, 1, LeaseType.NA) == [one, two]
