"""DHCPv6 statistics the daemon sets at startup and on every (re)configuration, as Kea 2.2 does.

Kea's sequence (``Dhcpv6Srv`` constructor, ``CfgMgr::commit``, ``CfgSubnets6::removeStatistics`` /
``updateStatistics``, ``SrvConfig::updateStatistics``, ``LeaseMgr::recountLeaseStats6``):

1. at startup only, every ``pkt6-*`` counter and the global ``v6-allocation-fail*`` counters are
   set to 0 (``setPacketStatisticsDefaults``);
2. on each configuration commit the per-subnet statistics of the *previous* configuration are
   deleted (the new one may have other subnets or ids), so per-subnet cumulative and reclaimed
   counters start again at 0, as in Kea;
3. ``statistic-default-sample-count`` / ``-age`` are applied to every statistic;
4. per subnet: ``total-nas`` / ``total-pds`` = pool capacity, ``cumulative-assigned-*`` = 0 when
   missing;
5. when there are subnets, the lease statistics are recounted from the lease store: global
   ``declined-addresses`` = 0 (the other global counters are created at 0 when missing, never
   zeroed), per subnet ``assigned-nas`` / ``assigned-pds`` / ``declined-addresses`` = 0
   (``reclaimed-*`` created when missing), then per subnet: NA leases in state DEFAULT or DECLINED
   count in ``assigned-nas``, DECLINED ones also in ``declined-addresses`` (subnet and global), PD
   leases in state DEFAULT in ``assigned-pds``. Expired, not yet reclaimed leases still count
   (Kea's memfile query counts by state only).

Pukeko differences: a pool capacity above 2**63 - 1 is shown as 2**63 - 1 (Kea 2.2 saturates at
2**64 - 1 and casts it to a signed 64-bit value, so a /64 address pool shows -1); leases whose
subnet id is not configured are not counted (Kea creates ``subnet[id]`` statistics for them).
"""

from __future__ import annotations

from collections.abc import Mapping

from pukeko.alloc.pools import PoolKind, address_range, prefix_range
from pukeko.config.model import Config, Subnet
from pukeko.leases.model import LeaseState, LeaseType
from pukeko.leases.view import LeaseView6
from pukeko.server.dhcp6 import stats6
from pukeko.server.stats import StatsManager

INT64_MAX = (1 << 63) - 1
SAMPLE_COUNT_KEY = "statistic-default-sample-count"
SAMPLE_AGE_KEY = "statistic-default-sample-age"

# Kea 2.2 setPacketStatisticsDefaults (dhcp6_srv.cc ``dhcp6_statistics``).
STARTUP_STATISTICS: tuple[str, ...] = (
    *stats6.PACKET_STATISTICS,
    stats6.V6_ALLOCATION_FAIL,
    stats6.V6_ALLOCATION_FAIL_SHARED_NETWORK,
    stats6.V6_ALLOCATION_FAIL_SUBNET,
    stats6.V6_ALLOCATION_FAIL_NO_POOLS,
    stats6.V6_ALLOCATION_FAIL_CLASSES,
)

# CfgSubnets6::removeStatistics: what a configuration commit deletes per old subnet.
REMOVED_PER_SUBNET: tuple[str, ...] = (
    stats6.TOTAL_NAS,
    stats6.ASSIGNED_NAS,
    stats6.CUMULATIVE_ASSIGNED_NAS,
    stats6.TOTAL_PDS,
    stats6.ASSIGNED_PDS,
    stats6.CUMULATIVE_ASSIGNED_PDS,
    stats6.DECLINED_ADDRESSES,
    stats6.RECLAIMED_DECLINED_ADDRESSES,
    stats6.RECLAIMED_LEASES,
)

# recountLeaseStats6: global counters created at 0 when missing, never zeroed.
KEPT_GLOBALS: tuple[str, ...] = (
    stats6.RECLAIMED_DECLINED_ADDRESSES,
    stats6.RECLAIMED_LEASES,
    stats6.CUMULATIVE_ASSIGNED_NAS,
    stats6.CUMULATIVE_ASSIGNED_PDS,
)


def set_startup_statistics(stats: StatsManager, now: float) -> None:
    """Set the packet and allocation-failure counters to 0 (once, when the server starts)."""
    for name in STARTUP_STATISTICS:
        stats.set(name, 0, now)


def pool_capacity(subnet: Subnet, kind: PoolKind) -> int:
    """The number of addresses (``na``) or delegated prefixes (``pd``) of a subnet's pools."""
    if kind == "pd":
        total = sum(prefix_range(pool).capacity for pool in subnet.pd_pools)
    elif kind == ("v4" if subnet.prefix.version == 4 else "na"):
        total = sum(address_range(pool).capacity for pool in subnet.pools)
    else:
        total = 0
    return min(total, INT64_MAX)


def remove_subnet_statistics(stats: StatsManager, config: Config) -> None:
    """Delete the per-subnet statistics of a configuration that is being replaced."""
    for subnet in config.all_subnets:
        for name in REMOVED_PER_SUBNET:
            stats.remove(stats6.subnet_stat(subnet.id, name))


def apply_sample_limits(stats: StatsManager, extra: Mapping[str, object]) -> None:
    """``statistic-default-sample-count`` / ``-age`` of the configuration (SrvConfig)."""
    count = extra.get(SAMPLE_COUNT_KEY)
    age = extra.get(SAMPLE_AGE_KEY)
    stats.apply_config_defaults(
        count if isinstance(count, int) else None, age if isinstance(age, int) else None
    )


def _set_if_missing(stats: StatsManager, name: str, now: float) -> None:
    if name not in stats:
        stats.set(name, 0, now)


def update_subnet_totals(stats: StatsManager, config: Config, now: float) -> None:
    """Per subnet: pool capacities, and cumulative counters created at 0 when missing."""
    for subnet in config.all_subnets:
        name = stats6.subnet_stat
        stats.set(name(subnet.id, stats6.TOTAL_NAS), pool_capacity(subnet, "na"), now)
        stats.set(name(subnet.id, stats6.TOTAL_PDS), pool_capacity(subnet, "pd"), now)
        _set_if_missing(stats, name(subnet.id, stats6.CUMULATIVE_ASSIGNED_NAS), now)
        _set_if_missing(stats, name(subnet.id, stats6.CUMULATIVE_ASSIGNED_PDS), now)


def recount_lease_statistics(
    stats: StatsManager, config: Config, leases: LeaseView6, now: float
) -> None:
    """Recount the assigned and declined statistics from the lease store (recountLeaseStats6)."""
    subnets = config.all_subnets
    if not subnets:
        return
    stats.set(stats6.DECLINED_ADDRESSES, 0, now)
    for name in KEPT_GLOBALS:
        _set_if_missing(stats, name, now)
    declined_total = 0
    for subnet in subnets:
        sid = subnet.id
        default_nas = leases.count(sid, LeaseType.NA, LeaseState.DEFAULT)
        declined = leases.count(sid, LeaseType.NA, LeaseState.DECLINED)
        pds = leases.count(sid, LeaseType.PD, LeaseState.DEFAULT)
        stats.set(stats6.subnet_stat(sid, stats6.ASSIGNED_NAS), default_nas + declined, now)
        stats.set(stats6.subnet_stat(sid, stats6.DECLINED_ADDRESSES), declined, now)
        stats.set(stats6.subnet_stat(sid, stats6.ASSIGNED_PDS), pds, now)
        _set_if_missing(stats, stats6.subnet_stat(sid, stats6.RECLAIMED_DECLINED_ADDRESSES), now)
        _set_if_missing(stats, stats6.subnet_stat(sid, stats6.RECLAIMED_LEASES), now)
        declined_total += declined
    if declined_total:
        stats.add(stats6.DECLINED_ADDRESSES, declined_total, now)


def commit_statistics(
    stats: StatsManager,
    config: Config,
    leases: LeaseView6,
    now: float,
    previous: Config | None = None,
) -> None:
    """Everything Kea does to the statistics when a configuration is committed."""
    if previous is not None:
        remove_subnet_statistics(stats, previous)
    apply_sample_limits(stats, config.extra)
    update_subnet_totals(stats, config, now)
    recount_lease_statistics(stats, config, leases, now)
