"""How Kea 2.2's lease commands change the lease statistics (``lease_cmds.cc`` updateStatsOn*).

Kea's lease commands do not recount: each added, updated or deleted lease moves the subnet's
``assigned-nas`` / ``assigned-pds`` and the subnet and global ``declined-addresses`` by one,
following its state; ``cumulative-assigned-*`` are never touched. These are the deltas, as
``(name, increment)`` pairs for :meth:`pukeko.server.stats.StatsManager.apply`.
Kea's quirks are kept on purpose (statistics must read as Kea's do): an update names the
*new* lease's type for the old lease too, and an update that keeps the subnet and moves a
lease to ``expired-reclaimed`` leaves ``assigned-*`` unchanged.
"""

from __future__ import annotations

from pukeko.leases.model import Lease6, LeaseState, LeaseType
from pukeko.server.dhcp6 import stats6

Deltas = list[tuple[str, int]]


def _assigned(subnet_id: int, lease_type: LeaseType) -> str:
    kind = stats6.ASSIGNED_NAS if lease_type == LeaseType.NA else stats6.ASSIGNED_PDS
    return stats6.subnet_stat(subnet_id, kind)


def _declined(subnet_id: int, delta: int) -> Deltas:
    return [
        (stats6.DECLINED_ADDRESSES, delta),
        (stats6.subnet_stat(subnet_id, stats6.DECLINED_ADDRESSES), delta),
    ]


def _counted(lease: Lease6) -> bool:
    return lease.state != LeaseState.EXPIRED_RECLAIMED


def on_add(lease: Lease6) -> Deltas:
    """``updateStatsOnAdd``."""
    if not _counted(lease):
        return []
    out = [(_assigned(lease.subnet_id, lease.lease_type), 1)]
    if lease.state == LeaseState.DECLINED:
        out += _declined(lease.subnet_id, 1)
    return out


def on_delete(lease: Lease6) -> Deltas:
    """``updateStatsOnDelete``."""
    return [(name, -delta) for name, delta in on_add(lease)]


def on_update(existing: Lease6, lease: Lease6) -> Deltas:
    """``updateStatsOnUpdate`` (the assigned statistic is the new lease's type for both)."""
    if not _counted(existing):
        return on_add(lease)
    out: Deltas = []
    moved = existing.subnet_id != lease.subnet_id
    if moved:
        out.append((_assigned(existing.subnet_id, lease.lease_type), -1))
    if existing.state == LeaseState.DECLINED:
        out += _declined(existing.subnet_id, -1)
    if _counted(lease):
        if moved:
            out.append((_assigned(lease.subnet_id, lease.lease_type), 1))
        if lease.state == LeaseState.DECLINED:
            out += _declined(lease.subnet_id, 1)
    return out
