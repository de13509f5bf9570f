"""Which Kea logger each message ID is written to (``kea-dhcp6.<child>``), as data.

Kea's DHCPv6 server logs on ``dhcp6``, ``packets``, ``bad-packets``, ``options``, ``ddns``,
``leases`` and ``hooks`` (``dhcp6_log.cc``); library messages go to ``dhcpsrv``,
``alloc-engine``, ``hosts``, ``commands``, ``dctl``, ``database``, ``eval`` ... The explicit table
lists the DHCPv6 messages whose logger does not follow from their prefix.
"""

from __future__ import annotations

# Message ID -> child logger, where the prefix rules below would be wrong.
LOGGER_BY_MESSAGE: dict[str, str] = {
    # the server logs each class evaluation on its main logger (Dhcpv6Srv::evaluateClasses)
    "EVAL_RESULT": "dhcp6",
    # packets
    "DHCP6_BUFFER_RECEIVED": "packets",
    "DHCP6_BUFFER_WAIT_SIGNAL": "packets",
    "DHCP6_PACKET_DROP_DROP_CLASS": "packets",
    "DHCP6_PACKET_DROP_DROP_CLASS2": "packets",
    "DHCP6_PACKET_DROP_DROP_CLASS_EARLY": "packets",
    "DHCP6_PACKET_PROCESS_EXCEPTION": "packets",
    "DHCP6_PACKET_PROCESS_STD_EXCEPTION": "packets",
    "DHCP6_PACKET_RECEIVED": "packets",
    "DHCP6_PACKET_RECEIVE_FAIL": "packets",
    "DHCP6_PACKET_SEND": "packets",
    "DHCP6_PACKET_SEND_FAIL": "packets",
    "DHCP6_QUERY_DATA": "packets",
    "DHCP6_RESPONSE_DATA": "packets",
    "DHCP6_SUBNET_DATA": "packets",
    "DHCP6_SUBNET_DYNAMICALLY_CHANGED": "packets",
    "DHCP6_SUBNET_SELECTED": "packets",
    "DHCP6_SUBNET_SELECTION_FAILED": "packets",
    "DHCP6_FLEX_ID": "packets",
    "DHCP6_HOOK_LEASES6_PARKING_LOT_FULL": "packets",
    # bad-packets
    "DHCP6_PACKET_PROCESS_FAIL": "bad-packets",
    "DHCP6_REQUIRED_OPTIONS_CHECK_FAIL": "bad-packets",
    "DHCP6_UNKNOWN_MSG_RECEIVED": "bad-packets",
    # options
    "DHCP6_ADD_GLOBAL_STATUS_CODE": "options",
    "DHCP6_ADD_STATUS_CODE_FOR_IA": "options",
    "DHCP6_BUFFER_UNPACK": "options",
    "DHCP6_PACKET_OPTIONS_SKIPPED": "options",
    "DHCP6_PACK_FAIL": "options",
    "DHCP6_RAPID_COMMIT": "options",
    # dhcp6 despite a lease-like prefix
    "DHCP6_RECLAIM_EXPIRED_LEASES_FAIL": "dhcp6",
}

# (prefix, child logger), first match wins.
LOGGER_BY_PREFIX: tuple[tuple[str, str], ...] = (
    ("DHCP6_PACKET_DROP_", "bad-packets"),
    ("DHCP6_HOOK_", "hooks"),
    ("DHCP6_DDNS_", "ddns"),
    ("DHCP6_LEASE_", "leases"),
    ("DHCP6_PD_LEASE_", "leases"),
    ("DHCP6_RELEASE_", "leases"),
    ("DHCP6_DECLINE_", "leases"),
    ("DHCP6_PROCESS_IA_", "leases"),
    ("DHCP6_", "dhcp6"),
    ("ALLOC_ENGINE_", "alloc-engine"),
    ("DHCPSRV_", "dhcpsrv"),
    ("HOSTS_", "hosts"),
    ("COMMAND_", "commands"),
    ("DCTL_", "dctl"),
    ("DATABASE_", "database"),
    ("EVAL_", "eval"),
    ("HOOKS_", "hooks"),
    ("HTTP_", "http"),
)


def logger_for_message(message_id: str, root: str = "kea-dhcp6") -> str:
    """The full logger name Kea writes ``message_id`` to (``kea-dhcp6.dhcp6`` by default)."""
    child = LOGGER_BY_MESSAGE.get(message_id)
    if child is None:
        child = next((c for p, c in LOGGER_BY_PREFIX if message_id.startswith(p)), "dhcp6")
    return f"{root}.{child}"
