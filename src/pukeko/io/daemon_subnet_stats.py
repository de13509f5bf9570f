"""Statistics after a subnet / network / class command changed the configuration.

Kea 2.2's subnet_cmds keep the statistics of untouched subnets when a subnet is added
(``CfgSubnets6::updateStatistics`` only), and on a delete or update remove and recreate them all
(so cumulative counters of every subnet restart at 0). Pukeko is more careful: only subnets that
were added, changed or removed are touched, so the counters of the others carry on.

* a removed subnet loses every per-subnet statistic (``CfgSubnets6::removeStatistics`` list);
* an added or changed subnet gets ``total-nas`` / ``total-pds`` from its pools, its cumulative
  and reclaimed counters when missing, and its ``assigned-*`` / ``declined-addresses`` recounted
  from the lease store (as ``recountLeaseStats6`` does);
* the global ``declined-addresses`` is recounted over every subnet when any subnet changed.
"""

from __future__ import annotations

from pukeko.config.model import Config, Subnet
from pukeko.io.daemon_stats import REMOVED_PER_SUBNET, apply_sample_limits, pool_capacity
from pukeko.leases.model import LeaseState, LeaseType
from pukeko.leases.view import LeaseView6
from pukeko.server.dhcp6 import stats6
from pukeko.server.stats import StatsManager


def subnet_changes(config: Config, previous: Config) -> tuple[list[Subnet], list[int]]:
    """(subnets added or changed, ids of subnets removed) between two configurations."""
    old = previous.subnets_by_id
    new = config.subnets_by_id
    touched = [sub for sid, sub in new.items() if old.get(sid) is not sub]
    removed = [sid for sid in old if sid not in new]
    return touched, removed


def commit_subnet_changes(
    stats: StatsManager, config: Config, previous: Config, leases: LeaseView6, now: float
) -> None:
    """Update the statistics for the subnets that changed from ``previous`` to ``config``."""
    touched, removed = subnet_changes(config, previous)
    for sid in removed:
        for name in REMOVED_PER_SUBNET:
            stats.remove(stats6.subnet_stat(sid, name))
    if config.extra != previous.extra:
        apply_sample_limits(stats, config.extra)
    for sub in touched:
        _subnet_statistics(stats, sub, leases, now)
    if touched or removed:
        declined = sum(
            leases.count(sid, LeaseType.NA, LeaseState.DECLINED) for sid in config.subnets_by_id
        )
        stats.set(stats6.DECLINED_ADDRESSES, declined, now)


def _subnet_statistics(stats: StatsManager, sub: Subnet, leases: LeaseView6, now: float) -> None:
    sid = sub.id

    def name(stat: str) -> str:
        return stats6.subnet_stat(sid, stat)

    stats.set(name(stats6.TOTAL_NAS), pool_capacity(sub, "na"), now)
    stats.set(name(stats6.TOTAL_PDS), pool_capacity(sub, "pd"), now)
    for missing in (
        stats6.CUMULATIVE_ASSIGNED_NAS,
        stats6.CUMULATIVE_ASSIGNED_PDS,
        stats6.RECLAIMED_DECLINED_ADDRESSES,
        stats6.RECLAIMED_LEASES,
    ):
        if name(missing) not in stats:
            stats.set(name(missing), 0, now)
    default_nas = leases.count(sid, LeaseType.NA, LeaseState.DEFAULT)
    declined = leases.count(sid, LeaseType.NA, LeaseState.DECLINED)
    stats.set(name(stats6.ASSIGNED_NAS), default_nas + declined, now)
    stats.set(name(stats6.DECLINED_ADDRESSES), declined, now)
    stats.set(name(stats6.ASSIGNED_PDS), leases.count(sid, LeaseType.PD, LeaseState.DEFAULT), now)
