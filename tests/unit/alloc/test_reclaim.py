"""Reclamation, flush and decline decisions (Kea reclaimExpiredLease / Lease6::decline)."""

from __future__ import annotations

from dataclasses import replace
from ipaddress import IPv4Address, IPv6Address

from pukeko.alloc.reclaim import (
    EMPTY_DUID,
    decline,
    decline4,
    decline_stats,
    flush,
    merge_stats,
    reclaim,
    remove_on_reclaim,
)
from pukeko.leases.model import ChangeKind, Lease4, Lease6, LeaseState, LeaseType

NOW = 10_000


def lease6(
    addr: str = "2001:db8:1::10",
    lease_type: LeaseType = LeaseType.NA,
    cltt: int = 1000,
    valid: int = 3600,
    subnet_id: int = 1,
) -> Lease6:
    return Lease6(
        address=IPv6Address(addr),
        lease_type=lease_type,
        prefix_len=56 if lease_type == LeaseType.PD else 128,
        duid=b"\x00\x03\x00\x01abcdef",
        iaid=42,
        subnet_id=subnet_id,
        valid_lifetime=valid,
        preferred_lifetime=valid // 2,
        cltt=cltt,
        fqdn_fwd=True,
        fqdn_rev=True,
        hostname="host.example.org.",
        hwaddr=b"\x00\x11\x22\x33\x44\x55",
    )


def test_expired_lease_is_kept_reclaimed_without_dns_data() -> None:
    old = lease6()
    result = reclaim([old], NOW)
    (change,) = result.changes
    assert change.kind == ChangeKind.UPDATE
    new = change.lease
    assert isinstance(new, Lease6)
    assert new.state == LeaseState.EXPIRED_RECLAIMED
    assert (new.hostname, new.fqdn_fwd, new.fqdn_rev) == ("", False, False)
    # Client identity, lifetimes and cltt stay as they were (Kea reclaimLeaseInDatabase).
    assert (new.duid, new.iaid, new.cltt, new.valid_lifetime) == (old.duid, 42, 1000, 3600)
    assert dict(result.stats) == {
        "subnet[1].assigned-nas": -1,
        "reclaimed-leases": 1,
        "subnet[1].reclaimed-leases": 1,
    }
    assert result.names_removed == (old,)


def test_remove_deletes_and_counts_the_same() -> None:
    result = reclaim([lease6(), lease6("2001:db8:1::11")], NOW, remove=True)
    assert [c.kind for c in result.changes] == [ChangeKind.DELETE, ChangeKind.DELETE]
    assert dict(result.stats)["reclaimed-leases"] == 2
    assert dict(result.stats)["subnet[1].assigned-nas"] == -2


def test_remove_follows_the_flush_timer() -> None:
    assert remove_on_reclaim(0) is True
    assert remove_on_reclaim(25) is False


def test_pd_and_ta_statistics() -> None:
    pd = reclaim([lease6("3000::", LeaseType.PD, subnet_id=9)], NOW)
    assert dict(pd.stats) == {
        "subnet[9].assigned-pds": -1,
        "reclaimed-leases": 1,
        "subnet[9].reclaimed-leases": 1,
    }
    ta = reclaim([lease6(lease_type=LeaseType.TA)], NOW)
    assert dict(ta.stats) == {"reclaimed-leases": 1, "subnet[1].reclaimed-leases": 1}


def test_only_expired_unreclaimed_leases_and_the_limit() -> None:
    live = lease6(cltt=NOW - 10)
    done = replace(lease6("2001:db8:1::12"), state=LeaseState.EXPIRED_RECLAIMED)
    infinite = lease6("2001:db8:1::13", valid=0xFFFFFFFF, cltt=0)
    many = [lease6(f"2001:db8:1::{i:x}") for i in range(0x20, 0x25)]
    result = reclaim([live, done, infinite, *many], NOW, limit=3)
    assert [c.lease.address for c in result.changes] == [x.address for x in many[:3]]


def test_decline_clears_the_client_and_starts_probation() -> None:
    old = lease6()
    new = decline(old, NOW, 86400)
    assert new.state == LeaseState.DECLINED
    assert new.duid == EMPTY_DUID == b"\x00"
    assert new.hwaddr == b""
    assert (new.preferred_lifetime, new.valid_lifetime, new.cltt) == (0, 86400, NOW)
    assert (new.hostname, new.fqdn_fwd, new.fqdn_rev) == ("", False, False)
    assert (new.address, new.iaid, new.subnet_id) == (old.address, old.iaid, old.subnet_id)
    assert dict(decline_stats(new)) == {"subnet[1].declined-addresses": 1, "declined-addresses": 1}
    # Still in probation: nothing to reclaim.
    assert reclaim([new], NOW + 86400).changes == ()


def test_declined_lease_is_recovered_at_the_end_of_probation() -> None:
    declined = decline(lease6(), NOW, 60)
    result = reclaim([declined], NOW + 61)  # kept-reclaimed mode, but declined leases go
    (change,) = result.changes
    assert change.kind == ChangeKind.DELETE
    assert dict(result.stats) == {
        "subnet[1].declined-addresses": -1,
        "declined-addresses": -1,
        "reclaimed-declined-addresses": 1,
        "subnet[1].reclaimed-declined-addresses": 1,
        "subnet[1].assigned-nas": -1,
        "reclaimed-leases": 1,
        "subnet[1].reclaimed-leases": 1,
    }
    assert result.names_removed == ()  # decline already cleared the DNS flags


def test_decline4() -> None:
    old = Lease4(
        address=IPv4Address("192.0.2.5"),
        hwaddr=b"\x01\x02\x03\x04\x05\x06",
        client_id=b"\x01abc",
        subnet_id=3,
        valid_lifetime=100,
        cltt=5,
        hostname="a.example.",
        fqdn_fwd=True,
    )
    new = decline4(old, NOW, 3600)
    assert (new.hwaddr, new.client_id, new.hostname, new.fqdn_fwd) == (b"", b"", "", False)
    assert (new.state, new.valid_lifetime, new.cltt) == (LeaseState.DECLINED, 3600, NOW)
    result = reclaim([new], NOW + 3601)
    assert dict(result.stats)["subnet[3].assigned-addresses"] == -1
    assert dict(result.stats)["reclaimed-declined-addresses"] == 1


def test_flush_honours_hold_reclaimed_time() -> None:
    expired_at = 1000 + 3600
    kept = reclaim([lease6()], NOW).changes[0].lease
    assert kept.expire == expired_at
    assert flush([kept], expired_at + 100, hold_reclaimed_time=100).changes == ()
    (gone,) = flush([kept], expired_at + 101, hold_reclaimed_time=100).changes
    assert gone.kind == ChangeKind.DELETE
    # Only reclaimed leases are flushed.
    assert flush([lease6(cltt=0)], NOW, 0).changes == ()
    assert flush([kept], expired_at + 1, 0).stats == ()


def test_merge_stats() -> None:
    assert merge_stats([("a", 1), ("b", -1), ("a", 2)]) == (("a", 3), ("b", -1))
