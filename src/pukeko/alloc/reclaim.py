"""Lease reclamation, reclaimed-lease flushing and decline probation, as Kea 2.2 decides them.

ARM 9.x "Lease Reclamation" / ``expired-leases-processing`` and Kea's
``AllocEngine::reclaimExpiredLeases6/4``, ``reclaimExpiredLease``, ``reclaimDeclined``,
``reclaimLeaseInDatabase`` and ``Memfile_LeaseMgr::deleteExpiredReclaimedLeases``:

* an expired lease is *reclaimed*: kept in state EXPIRED_RECLAIMED with its hostname and FQDN
  flags cleared (the DNS removal is queued first), or deleted at once when the flush timer is
  disabled (``flush-reclaimed-timer-wait-time`` = 0) or ``leases-reclaim`` asks ``remove``.
  ``hold-reclaimed-time`` does not affect reclamation itself: it is how long the *flush* keeps a
  reclaimed lease after its expiration (:func:`flush`);
* a DECLINED lease whose probation period ended is always deleted (it has no client identity
  left), and its address is "recovered": ``declined-addresses`` decreases and
  ``reclaimed-declined-addresses`` increases (global and per subnet);
* every reclaimed lease (declined ones included) decreases ``subnet[id].assigned-nas`` (IA_NA),
  ``subnet[id].assigned-pds`` (IA_PD) or ``subnet[id].assigned-addresses`` (DHCPv4), and
  increases ``reclaimed-leases`` and ``subnet[id].reclaimed-leases``. IA_TA leases change no
  assigned counter (Kea 2.2 has none for them).

Decline (RFC 8415 §18.3.8, ARM "Duplicate Addresses (DHCPDECLINE Support)", Kea
``Lease6::decline`` / ``Lease4::decline``): the lease leaves its client (DUID replaced by Kea's
empty DUID ``00``, hardware address cleared; DHCPv4: client-id and hardware address cleared),
hostname and FQDN flags cleared, cltt = now, valid lifetime = ``decline-probation-period``,
preferred lifetime 0, state DECLINED. ``declined-addresses`` increases; ``assigned-*`` does not
change until the address is recovered (Kea keeps pool utilisation honest that way).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

from pukeko.leases.model import (
    ChangeKind,
    Lease,
    Lease4,
    Lease6,
    LeaseChange,
    LeaseState,
    LeaseType,
)

# Kea's DUID::EMPTY(): a one-byte zero DUID marks a lease that belongs to nobody.
EMPTY_DUID = b"\x00"

StatDelta = tuple[str, int]


@dataclass(frozen=True, slots=True)
class Reclamation:
    """What a reclamation or flush pass decided: lease changes and statistic deltas."""

    changes: tuple[LeaseChange, ...]
    stats: tuple[StatDelta, ...]
    names_removed: tuple[Lease, ...] = ()  # leases whose DNS entries must be removed (NCRs)


def subnet_stat(subnet_id: int, name: str) -> str:
    """Kea's per-subnet statistic name (``StatsMgr::generateName``)."""
    return f"subnet[{subnet_id}].{name}"


def assigned_stat(lease: Lease) -> str | None:
    """The ``assigned-*`` statistic a lease counts in, or None (IA_TA)."""
    if isinstance(lease, Lease4):
        return subnet_stat(lease.subnet_id, "assigned-addresses")
    if lease.lease_type == LeaseType.NA:
        return subnet_stat(lease.subnet_id, "assigned-nas")
    if lease.lease_type == LeaseType.PD:
        return subnet_stat(lease.subnet_id, "assigned-pds")
    return None


def _reclaimed_stats(lease: Lease) -> list[StatDelta]:
    stats: list[StatDelta] = []
    if lease.state == LeaseState.DECLINED:
        stats += [
            (subnet_stat(lease.subnet_id, "declined-addresses"), -1),
            ("declined-addresses", -1),
            ("reclaimed-declined-addresses", 1),
            (subnet_stat(lease.subnet_id, "reclaimed-declined-addresses"), 1),
        ]
    assigned = assigned_stat(lease)
    if assigned is not None:
        stats.append((assigned, -1))
    stats += [("reclaimed-leases", 1), (subnet_stat(lease.subnet_id, "reclaimed-leases"), 1)]
    return stats


def reclaimed(lease: Lease) -> Lease:
    """The lease as Kea keeps it after reclamation (state EXPIRED_RECLAIMED, no DNS data)."""
    return replace(
        lease, state=LeaseState.EXPIRED_RECLAIMED, hostname="", fqdn_fwd=False, fqdn_rev=False
    )


def reclaim_one(lease: Lease, *, remove: bool) -> tuple[LeaseChange, list[StatDelta]]:
    """The change and statistics for reclaiming one expired lease."""
    stats = _reclaimed_stats(lease)
    if remove or lease.state == LeaseState.DECLINED:
        return LeaseChange(ChangeKind.DELETE, lease), stats
    return LeaseChange(ChangeKind.UPDATE, reclaimed(lease)), stats


def reclaim(
    expired: Iterable[Lease], now: float, *, remove: bool = False, limit: int = 0
) -> Reclamation:
    """Reclaim the leases that have expired by ``now`` (at most ``limit``; 0 = all).

    ``remove`` is Kea's ``remove_lease``: true when ``flush-reclaimed-timer-wait-time`` is 0
    (see :func:`remove_on_reclaim`) or when ``leases-reclaim`` is called with ``"remove": true``.
    Leases already reclaimed, or not expired yet, are left alone.
    """
    changes: list[LeaseChange] = []
    stats: list[StatDelta] = []
    names: list[Lease] = []
    for lease in expired:
        if limit and len(changes) >= limit:
            break
        if lease.state == LeaseState.EXPIRED_RECLAIMED or not lease.expired(now):
            continue
        change, deltas = reclaim_one(lease, remove=remove)
        changes.append(change)
        stats += deltas
        if lease.fqdn_fwd or lease.fqdn_rev:
            names.append(lease)
    return Reclamation(tuple(changes), merge_stats(stats), tuple(names))


def remove_on_reclaim(flush_reclaimed_timer_wait_time: int) -> bool:
    """Kea: with the flush timer disabled, reclaimed leases are deleted instead of kept."""
    return flush_reclaimed_timer_wait_time == 0


def flush(reclaimed_leases: Iterable[Lease], now: float, hold_reclaimed_time: int) -> Reclamation:
    """Delete reclaimed leases whose expiration is more than ``hold-reclaimed-time`` ago.

    Kea's memfile deletes every EXPIRED_RECLAIMED lease with ``expire < now - hold`` (the
    ``expired-leases-processing`` flush timer, ``deleteExpiredReclaimedLeases``); no statistic
    changes (they changed at reclamation).
    """
    cutoff = now - hold_reclaimed_time
    changes = tuple(
        LeaseChange(ChangeKind.DELETE, lease)
        for lease in reclaimed_leases
        if lease.state == LeaseState.EXPIRED_RECLAIMED and lease.expire < cutoff
    )
    return Reclamation(changes, ())


def decline(lease: Lease6, now: int, probation_period: int) -> Lease6:
    """The lease moved to DECLINED for the probation period (Kea Lease6::decline)."""
    return replace(
        lease,
        duid=EMPTY_DUID,
        hwaddr=b"",
        preferred_lifetime=0,
        valid_lifetime=probation_period,
        cltt=now,
        hostname="",
        fqdn_fwd=False,
        fqdn_rev=False,
        state=LeaseState.DECLINED,
    )


def decline4(lease: Lease4, now: int, probation_period: int) -> Lease4:
    """The DHCPv4 lease moved to DECLINED for the probation period (Kea Lease4::decline)."""
    return replace(
        lease,
        hwaddr=b"",
        client_id=b"",
        cltt=now,
        hostname="",
        fqdn_fwd=False,
        fqdn_rev=False,
        state=LeaseState.DECLINED,
        valid_lifetime=probation_period,
    )


def decline_stats(lease: Lease) -> tuple[StatDelta, ...]:
    """Statistics a decline changes: ``declined-addresses`` (per subnet and global) + 1."""
    return ((subnet_stat(lease.subnet_id, "declined-addresses"), 1), ("declined-addresses", 1))


def merge_stats(deltas: Sequence[StatDelta]) -> tuple[StatDelta, ...]:
    """Deltas summed per statistic name, in first-seen order."""
    total: dict[str, int] = {}
    for name, delta in deltas:
        total[name] = total.get(name, 0) + delta
    return tuple(total.items())
