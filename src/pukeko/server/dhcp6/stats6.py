"""DHCPv6 statistics as data: Kea's names (ARM "DHCPv6 Statistics"), per message type and subnet.

The engine only returns ``(name, increment)`` deltas; the runtime owns the values, the sample
limits and the reset on reload. Names are exactly Kea 2.2's (``dhcp6_srv.cc``
processStatsReceived / processStatsSent, ``alloc_engine.cc``); Kea 2.2 has no pool-level v6
statistics.
"""

from __future__ import annotations

from functools import lru_cache

from pukeko.wire.pkt6 import MsgType6

PKT6_RECEIVED = "pkt6-received"
PKT6_RECEIVE_DROP = "pkt6-receive-drop"
PKT6_PARSE_FAILED = "pkt6-parse-failed"
PKT6_SENT = "pkt6-sent"
PKT6_UNKNOWN_RECEIVED = "pkt6-unknown-received"

# Kea: processStatsReceived; any other type counts as pkt6-unknown-received.
RECEIVED_BY_TYPE: dict[int, str] = {
    MsgType6.SOLICIT: "pkt6-solicit-received",
    MsgType6.ADVERTISE: "pkt6-advertise-received",
    MsgType6.REQUEST: "pkt6-request-received",
    MsgType6.CONFIRM: "pkt6-confirm-received",
    MsgType6.RENEW: "pkt6-renew-received",
    MsgType6.REBIND: "pkt6-rebind-received",
    MsgType6.REPLY: "pkt6-reply-received",
    MsgType6.RELEASE: "pkt6-release-received",
    MsgType6.DECLINE: "pkt6-decline-received",
    MsgType6.RECONFIGURE: "pkt6-reconfigure-received",
    MsgType6.INFORMATION_REQUEST: "pkt6-infrequest-received",
    MsgType6.DHCPV4_QUERY: "pkt6-dhcpv4-query-received",
    MsgType6.DHCPV4_RESPONSE: "pkt6-dhcpv4-response-received",
}

# Kea: processStatsSent.
SENT_BY_TYPE: dict[int, str] = {
    MsgType6.ADVERTISE: "pkt6-advertise-sent",
    MsgType6.REPLY: "pkt6-reply-sent",
    MsgType6.DHCPV4_RESPONSE: "pkt6-dhcpv4-response-sent",
}

# Global packet statistics Kea sets to 0 at startup (setPacketStatisticsDefaults).
PACKET_STATISTICS: tuple[str, ...] = (
    PKT6_RECEIVED,
    "pkt6-solicit-received",
    "pkt6-advertise-received",
    "pkt6-request-received",
    "pkt6-reply-received",
    "pkt6-renew-received",
    "pkt6-rebind-received",
    "pkt6-decline-received",
    "pkt6-release-received",
    "pkt6-infrequest-received",
    "pkt6-dhcpv4-query-received",
    "pkt6-dhcpv4-response-received",
    PKT6_UNKNOWN_RECEIVED,
    PKT6_SENT,
    "pkt6-advertise-sent",
    "pkt6-reply-sent",
    "pkt6-dhcpv4-response-sent",
    PKT6_PARSE_FAILED,
    PKT6_RECEIVE_DROP,
)

# Lease statistics: global names, and the per-subnet ``subnet[id].<name>`` forms.
CUMULATIVE_ASSIGNED_NAS = "cumulative-assigned-nas"
CUMULATIVE_ASSIGNED_PDS = "cumulative-assigned-pds"
DECLINED_ADDRESSES = "declined-addresses"
RECLAIMED_DECLINED_ADDRESSES = "reclaimed-declined-addresses"
RECLAIMED_LEASES = "reclaimed-leases"
TOTAL_NAS = "total-nas"
ASSIGNED_NAS = "assigned-nas"
TOTAL_PDS = "total-pds"
ASSIGNED_PDS = "assigned-pds"

# Allocation failures (alloc_engine.cc allocateUnreservedLeases6), global and per subnet.
V6_ALLOCATION_FAIL = "v6-allocation-fail"
V6_ALLOCATION_FAIL_SHARED_NETWORK = "v6-allocation-fail-shared-network"
V6_ALLOCATION_FAIL_SUBNET = "v6-allocation-fail-subnet"
V6_ALLOCATION_FAIL_NO_POOLS = "v6-allocation-fail-no-pools"
V6_ALLOCATION_FAIL_CLASSES = "v6-allocation-fail-classes"

GLOBAL_LEASE_STATISTICS: tuple[str, ...] = (
    CUMULATIVE_ASSIGNED_NAS,
    CUMULATIVE_ASSIGNED_PDS,
    DECLINED_ADDRESSES,
    RECLAIMED_DECLINED_ADDRESSES,
    RECLAIMED_LEASES,
    V6_ALLOCATION_FAIL,
    V6_ALLOCATION_FAIL_SHARED_NETWORK,
    V6_ALLOCATION_FAIL_SUBNET,
    V6_ALLOCATION_FAIL_NO_POOLS,
    V6_ALLOCATION_FAIL_CLASSES,
)

SUBNET_STATISTICS: tuple[str, ...] = (
    TOTAL_NAS,
    ASSIGNED_NAS,
    CUMULATIVE_ASSIGNED_NAS,
    TOTAL_PDS,
    ASSIGNED_PDS,
    CUMULATIVE_ASSIGNED_PDS,
    DECLINED_ADDRESSES,
    RECLAIMED_DECLINED_ADDRESSES,
    RECLAIMED_LEASES,
    V6_ALLOCATION_FAIL,
    V6_ALLOCATION_FAIL_SHARED_NETWORK,
    V6_ALLOCATION_FAIL_SUBNET,
    V6_ALLOCATION_FAIL_NO_POOLS,
    V6_ALLOCATION_FAIL_CLASSES,
)


@lru_cache(maxsize=4096)
def subnet_stat(subnet_id: int, name: str) -> str:
    """Kea's per-subnet statistic name (StatsMgr::generateName): ``subnet[1].assigned-nas``."""
    return f"subnet[{subnet_id}].{name}"


def received_stat(msg_type: int) -> str:
    """The per-type received counter for a message type."""
    return RECEIVED_BY_TYPE.get(msg_type, PKT6_UNKNOWN_RECEIVED)


def sent_stats(msg_type: int) -> tuple[tuple[str, int], ...]:
    """Deltas for one sent message: pkt6-sent plus the per-type counter (if Kea has one)."""
    specific = SENT_BY_TYPE.get(msg_type)
    if specific is None:
        return ((PKT6_SENT, 1),)
    return ((PKT6_SENT, 1), (specific, 1))


def assigned_stat(is_pd: bool) -> str:
    """``assigned-pds`` for prefixes, ``assigned-nas`` for addresses."""
    return ASSIGNED_PDS if is_pd else ASSIGNED_NAS


def cumulative_stat(is_pd: bool) -> str:
    """``cumulative-assigned-pds`` or ``cumulative-assigned-nas``."""
    return CUMULATIVE_ASSIGNED_PDS if is_pd else CUMULATIVE_ASSIGNED_NAS


@lru_cache(maxsize=4096)
def assignment_deltas(subnet_id: int, is_pd: bool) -> tuple[tuple[str, int], ...]:
    """What Kea adds when it assigns a lease inside a pool of the subnet (createLease6)."""
    return (
        (subnet_stat(subnet_id, assigned_stat(is_pd)), 1),
        (subnet_stat(subnet_id, cumulative_stat(is_pd)), 1),
        (cumulative_stat(is_pd), 1),
    )
