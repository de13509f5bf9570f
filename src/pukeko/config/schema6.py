"""Kea 2.2 DHCPv6 keyword tables (``dhcp6_parser.yy``; defaults from ``simple_parser6.cc``)."""

from __future__ import annotations

from collections.abc import Mapping

from pukeko.config.schema_common import (
    CLASS_GUARDS,
    CONTROL_KINDS,
    DDNS,
    GLOBAL_COMMON,
    META,
    OPTION_DATA_KEYS,
    PREFERRED_LIFETIMES,
    RESERVATION_FLAGS,
    TEE_AND_CACHE,
    TIMERS,
    UINT16,
    UINT32,
    VALID_LIFETIMES,
    Key,
    b,
    i,
    interfaces_config,
    lst,
    m,
    option_def,
    queue_control,
    r,
    s,
    table,
)

# SUBNET6_DEFAULTS: Kea caps subnet ids at 4294967294 ("not within expected range").
SUBNET_ID = i("id", (0, 2**32 - 2), 0)

# Allocation strategies: Kea 2.4's `allocator` / `pd-allocator` keywords (Kea 2.2 has only its
# iterative allocator and no keyword), plus Pukeko's "hash" (docs/compatibility.md).
ALLOCATORS = ("iterative", "random", "hash")

# Keys that global, shared-network and subnet levels all accept (inheritable parameters).
_NETWORK_COMMON = (
    s("allocator", choices=ALLOCATORS),
    s("pd-allocator", choices=ALLOCATORS),
    *PREFERRED_LIFETIMES,
    *VALID_LIFETIMES,
    *TIMERS,
    lst("option-data", "option-data6"),
    *RESERVATION_FLAGS,
    *TEE_AND_CACHE,
    *DDNS,
    *META,
)

# The subnet6 and shared-network6 maps (ARM 9.2.x "IPv6 Subnet Selection", "Shared Networks").
_NETWORK_ONLY = (
    s("interface", ""),
    s("interface-id", ""),
    b("rapid-commit", False),
    m("relay", "relay"),
    *CLASS_GUARDS,
)

SUBNET6 = table(
    _NETWORK_COMMON,
    _NETWORK_ONLY,
    (
        s("subnet", required=True),
        SUBNET_ID,
        lst("pools", "pool6"),
        lst("pd-pools", "pd-pool"),
        lst("reservations", "reservation6"),
        s("client-class", ""),
    ),
)

SHARED_NETWORK6 = table(
    _NETWORK_COMMON,
    _NETWORK_ONLY,
    (s("name"), lst("subnet6", "subnet6"), s("client-class", "")),
)

POOL6 = table((s("pool", required=True), lst("option-data", "option-data6"), *CLASS_GUARDS, *META))

# ARM 9.2.x "Subnet and Prefix Delegation Pools"; lengths are checked as uint8 and <= 128.
PD_POOL = table(
    (
        s("prefix", required=True),
        i("prefix-len", (0, 128), required=True),
        i("delegated-len", (0, 128), required=True),
        lst("option-data", "option-data6"),
        *CLASS_GUARDS,
        s("excluded-prefix"),
        i("excluded-prefix-len", (0, 128)),
        *META,
    )
)

OPTION_DATA6 = table(
    OPTION_DATA_KEYS,
    (i("code", UINT16), s("space", "dhcp6"), b("csv-format", True), b("always-send", False)),
)

CLIENT_CLASS6 = table(
    (
        s("name", required=True),
        s("test"),
        b("only-if-required"),
        lst("option-data", "option-data6"),
        *PREFERRED_LIFETIMES,
        *VALID_LIFETIMES,
        *META,
    )
)

RESERVATION6 = table(
    (
        s("duid"),
        s("hw-address"),
        s("flex-id"),
        lst("ip-addresses", "string"),
        lst("prefixes", "string"),
        s("hostname"),
        lst("client-classes", "string"),
        lst("option-data", "option-data6"),
        *META,
    )
)

# ARM 9.2.x "DHCPv6 Server Identifier (DUID)"; Kea's CfgDUID defaults: LLT, persisted.
SERVER_ID = table(
    (
        s("type", "LLT", choices=("LLT", "EN", "LL"), required=True),
        s("identifier"),
        i("time", UINT32),
        i("htype", UINT16),
        i("enterprise-id", UINT32),
        b("persist", True),
        *META,
    )
)

# ARM 9.2.x "MAC/Hardware Addresses in DHCPv6" (aliases: rfc6939, rfc4649, rfc4580).
MAC_SOURCES = (
    "any",
    "raw",
    "duid",
    "ipv6-link-local",
    "client-link-addr-option",
    "rfc6939",
    "remote-id",
    "rfc4649",
    "subscriber-id",
    "rfc4580",
    "docsis-cmts",
    "docsis-modem",
)

HOST_IDENTIFIERS6 = ("duid", "hw-address", "flex-id")

DHCP6 = table(
    _NETWORK_COMMON,
    (
        s("data-directory"),
        i("preferred-lifetime", UINT32, 3600),
        i("valid-lifetime", UINT32, 7200),
        i("decline-probation-period", UINT32, 86400),
        lst("subnet6", "subnet6"),
        lst("shared-networks", "shared-network6"),
        m("interfaces-config", "interfaces-config6"),
        m("lease-database", "lease-database"),
        m("hosts-database", "hosts-database"),
        lst("hosts-databases", "hosts-database"),
        lst("mac-sources", "string", choices=MAC_SOURCES),
        lst("relay-supplied-options", "string"),
        lst("host-reservation-identifiers", "string", choices=HOST_IDENTIFIERS6),
        lst("client-classes", "client-class6"),
        lst("option-def", "option-def6"),
        lst("hooks-libraries", "hooks-library"),
        m("expired-leases-processing", "expired-leases-processing"),
        m("server-id", "server-id"),
        i("dhcp4o6-port", UINT16, 0),
        m("control-socket", "control-socket"),
        lst("control-sockets", "control-socket"),
        m("dhcp-queue-control", "dhcp-queue-control6"),
        m("dhcp-ddns", "dhcp-ddns"),
        m("sanity-checks", "sanity-checks"),
        lst("reservations", "reservation6"),
        m("config-control", "config-control"),
        s("server-tag", ""),
        b("reservations-global", False),
        b("reservations-in-subnet", True),
        b("reservations-out-of-pool", False),
        b("calculate-tee-times", True),
        r("t1-percent", 0.5),
        r("t2-percent", 0.8),
        *GLOBAL_COMMON,
        m("compatibility", "compatibility6"),
        i("parked-packet-limit", UINT32, 256),
    ),
)

OBJECTS6: Mapping[str, Mapping[str, Key]] = {
    "dhcp6": DHCP6,
    "subnet6": SUBNET6,
    "shared-network6": SHARED_NETWORK6,
    "pool6": POOL6,
    "pd-pool": PD_POOL,
    "option-data6": OPTION_DATA6,
    "option-def6": option_def("dhcp6"),
    "client-class6": CLIENT_CLASS6,
    "reservation6": RESERVATION6,
    "interfaces-config6": interfaces_config(),
    "server-id": SERVER_ID,
    "dhcp-queue-control6": queue_control("kea-ring6"),
    "compatibility6": table((b("lenient-option-parsing"),)),
    **CONTROL_KINDS,
}
