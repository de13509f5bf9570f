"""Kea 2.2 configuration keyword tables for DHCPv6 and DHCPv4, as data.

``OBJECTS[kind][keyword]`` is a :class:`Key` row (type, default, range, choices, item kind).
The global maps are the kinds ``ROOT_KIND[6] == "dhcp6"`` and ``ROOT_KIND[4] == "dhcp4"``.
Sources: Kea 2.2 ``dhcp6_parser.yy`` / ``dhcp4_parser.yy`` (accepted keywords per map),
``simple_parser6.cc`` / ``simple_parser4.cc`` (defaults), the ARM chapters 8 and 9.
"""

from __future__ import annotations

from collections.abc import Mapping

from pukeko.config.schema4 import OBJECTS4
from pukeko.config.schema6 import OBJECTS6
from pukeko.config.schema_common import (
    COMPATIBILITY,
    CONFIG_CONTROL,
    CONTROL_SOCKET,
    DATABASE,
    DHCP_DDNS,
    EXPIRED_LEASES,
    HOOKS_LIBRARY,
    LOGGER,
    MULTI_THREADING,
    NO_DEFAULT,
    OUTPUT_OPTION,
    RELAY,
    SANITY_CHECKS,
    TYPES,
    Key,
    option_def,
)

__all__ = [
    "NON_EMPTY",
    "NO_DEFAULT",
    "OBJECTS",
    "ONE_OF",
    "OPEN_KINDS",
    "ROOT_KEY",
    "ROOT_KIND",
    "TYPES",
    "Key",
    "default",
    "keys_of",
]

ROOT_KIND = {6: "dhcp6", 4: "dhcp4"}
# The one top-level key of a Kea 2.2 server configuration file.
ROOT_KEY = {6: "Dhcp6", 4: "Dhcp4"}

_SHARED: Mapping[str, Mapping[str, Key]] = {
    "lease-database": DATABASE,
    "hosts-database": DATABASE,
    "config-database": DATABASE,
    "expired-leases-processing": EXPIRED_LEASES,
    "control-socket": CONTROL_SOCKET,
    "dhcp-ddns": DHCP_DDNS,
    "sanity-checks": SANITY_CHECKS,
    "multi-threading": MULTI_THREADING,
    "compatibility": COMPATIBILITY,
    "hooks-library": HOOKS_LIBRARY,
    "relay": RELAY,
    "config-control": CONFIG_CONTROL,
    "logger": LOGGER,
    "output-option": OUTPUT_OPTION,
    # Family-neutral option-def (no default space); option-def6 / option-def4 have one.
    "option-def": option_def(None),
}

OBJECTS: Mapping[str, Mapping[str, Key]] = {**_SHARED, **OBJECTS6, **OBJECTS4}

# Kinds whose map Kea's grammar refuses when empty ("syntax error, unexpected }").
NON_EMPTY = frozenset(
    {
        "dhcp6",
        "dhcp4",
        "subnet6",
        "subnet4",
        "shared-network6",
        "shared-network4",
        "pool6",
        "pool4",
        "pd-pool",
        "relay",
        "interfaces-config6",
        "interfaces-config4",
        "lease-database",
        "hosts-database",
        "config-database",
        "hooks-library",
        "expired-leases-processing",
        "server-id",
        "control-socket",
        "dhcp-queue-control6",
        "dhcp-queue-control4",
        "dhcp-ddns",
        "sanity-checks",
        "config-control",
        "logger",
        "output-option",
        "multi-threading",
        "compatibility",
        "compatibility6",
        "compatibility4",
    }
)

# Kinds that accept keys beyond their table (queue implementations take their own parameters).
OPEN_KINDS = frozenset({"dhcp-queue-control6", "dhcp-queue-control4"})

# Kinds whose grammar takes exactly one of a group of keys (relay: ip-address or ip-addresses).
ONE_OF: Mapping[str, tuple[str, ...]] = {"relay": ("ip-address", "ip-addresses")}


def keys_of(kind: str) -> Mapping[str, Key]:
    """The keyword table of an object kind (KeyError if the kind is unknown)."""
    return OBJECTS[kind]


def default(kind: str, key: str) -> object:
    """Kea 2.2's default for ``key`` in objects of ``kind``; KeyError when it has none."""
    row = OBJECTS[kind][key]
    if row.default is NO_DEFAULT:
        raise KeyError(f"{kind}.{key} has no default")
    return row.default
