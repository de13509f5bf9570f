"""Kea 2.2 DHCPv4 keyword tables (``dhcp4_parser.yy``; defaults from ``simple_parser4.cc``)."""

from __future__ import annotations

from collections.abc import Mapping

from pukeko.config.schema_common import (
    CLASS_GUARDS,
    CONTROL_KINDS,
    DDNS,
    GLOBAL_COMMON,
    META,
    OPTION_DATA_KEYS,
    RESERVATION_FLAGS,
    TEE_AND_CACHE,
    TIMERS,
    UINT8,
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

SUBNET_ID = i("id", (0, 2**32 - 2), 0)

# BOOTP/DHCPv4 header fields a network, class or host may set (ARM 8.2.x "Next Server").
_BOOT_FIELDS = (s("next-server"), s("server-hostname"), s("boot-file-name"))

# Keys that global, shared-network and subnet levels all accept (inheritable parameters).
_NETWORK_COMMON = (
    *VALID_LIFETIMES,
    *TIMERS,
    lst("option-data", "option-data4"),
    *RESERVATION_FLAGS,
    b("match-client-id"),
    b("authoritative"),
    *_BOOT_FIELDS,
    *TEE_AND_CACHE,
    *DDNS,
    *META,
)

_NETWORK_ONLY = (s("interface", ""), m("relay", "relay"), *CLASS_GUARDS)

# ARM 8.2.x "DHCPv4-over-DHCPv6" subnet selectors; SUBNET4_DEFAULTS fills them with "".
_FOUR_O_SIX = (s("4o6-interface", ""), s("4o6-interface-id", ""), s("4o6-subnet", ""))

SUBNET4 = table(
    _NETWORK_COMMON,
    _NETWORK_ONLY,
    (
        s("subnet", required=True),
        SUBNET_ID,
        lst("pools", "pool4"),
        lst("reservations", "reservation4"),
        s("client-class", ""),
        *_FOUR_O_SIX,
    ),
)

SHARED_NETWORK4 = table(
    _NETWORK_COMMON,
    _NETWORK_ONLY,
    (s("name"), lst("subnet4", "subnet4"), s("client-class", "")),
)

POOL4 = table((s("pool", required=True), lst("option-data", "option-data4"), *CLASS_GUARDS, *META))

OPTION_DATA4 = table(
    OPTION_DATA_KEYS,
    (i("code", UINT8), s("space", "dhcp4"), b("csv-format", True), b("always-send", False)),
)

CLIENT_CLASS4 = table(
    (
        s("name", required=True),
        s("test"),
        b("only-if-required"),
        lst("option-data", "option-data4"),
        lst("option-def", "option-def4"),
        *VALID_LIFETIMES,
        *_BOOT_FIELDS,
        *META,
    )
)

RESERVATION4 = table(
    (
        s("duid"),
        s("hw-address"),
        s("client-id"),
        s("circuit-id"),
        s("flex-id"),
        s("ip-address"),
        s("hostname"),
        lst("client-classes", "string"),
        lst("option-data", "option-data4"),
        *_BOOT_FIELDS,
        *META,
    )
)

HOST_IDENTIFIERS4 = ("hw-address", "duid", "circuit-id", "client-id", "flex-id")

# ARM 8.2.x "Interface Configuration": raw sockets by default on Linux.
INTERFACES_CONFIG4 = interfaces_config(
    (
        s("dhcp-socket-type", choices=("raw", "udp")),
        s("outbound-interface", choices=("same-as-inbound", "use-routing")),
    )
)

DHCP4 = table(
    _NETWORK_COMMON,
    (
        i("valid-lifetime", UINT32, 7200),
        i("decline-probation-period", UINT32, 86400),
        lst("subnet4", "subnet4"),
        lst("shared-networks", "shared-network4"),
        m("interfaces-config", "interfaces-config4"),
        m("lease-database", "lease-database"),
        m("hosts-database", "hosts-database"),
        lst("hosts-databases", "hosts-database"),
        lst("host-reservation-identifiers", "string", choices=HOST_IDENTIFIERS4),
        lst("client-classes", "client-class4"),
        lst("option-def", "option-def4"),
        lst("hooks-libraries", "hooks-library"),
        m("expired-leases-processing", "expired-leases-processing"),
        i("dhcp4o6-port", UINT16, 0),
        m("control-socket", "control-socket"),
        lst("control-sockets", "control-socket"),
        m("dhcp-queue-control", "dhcp-queue-control4"),
        m("dhcp-ddns", "dhcp-ddns"),
        b("echo-client-id", True),
        b("match-client-id", True),
        b("authoritative", False),
        s("next-server", "0.0.0.0"),
        s("server-hostname", ""),
        s("boot-file-name", ""),
        m("sanity-checks", "sanity-checks"),
        lst("reservations", "reservation4"),
        m("config-control", "config-control"),
        s("server-tag", ""),
        b("reservations-global", False),
        b("reservations-in-subnet", True),
        b("reservations-out-of-pool", False),
        b("calculate-tee-times", False),
        r("t1-percent", 0.5),
        r("t2-percent", 0.875),
        *GLOBAL_COMMON,
        m("compatibility", "compatibility4"),
        i("parked-packet-limit", UINT32, 256),
    ),
)

OBJECTS4: Mapping[str, Mapping[str, Key]] = {
    "dhcp4": DHCP4,
    "subnet4": SUBNET4,
    "shared-network4": SHARED_NETWORK4,
    "pool4": POOL4,
    "option-data4": OPTION_DATA4,
    "option-def4": option_def("dhcp4"),
    "client-class4": CLIENT_CLASS4,
    "reservation4": RESERVATION4,
    "interfaces-config4": INTERFACES_CONFIG4,
    "dhcp-queue-control4": queue_control("kea-ring4"),
    "compatibility4": table((b("lenient-option-parsing"),)),
    **CONTROL_KINDS,
}
