"""Vendor option spaces Kea 2.2 defines out of the box, as data.

A vendor space is named ``vendor-<enterprise-number>`` in the configuration (ARM "DHCPv6
Vendor-Specific Options"); its options travel inside the Vendor-Specific Information option
(v6 option 17, RFC 8415 §21.17; v4 option 125, RFC 3925 §4). Kea 2.2 ships definitions for two
enterprises: CableLabs (4491, DOCSIS 3.0, v4 and v6) and ISC (2495, the DHCPv4-over-DHCPv6
"4o6" inter-process options, v6 only). Kea also accepts its internal names for these spaces
(``docsis3-v4``, ``docsis3-v6``, ``4o6``) in ``option-data``; the alias maps below record that.
It also holds the small indexing helper the std4/std6 tables share.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from pukeko.wire.definitions import OptionDef

VENDOR_SPACE_PREFIX = "vendor-"
ENTERPRISE_CABLELABS = 4491
ENTERPRISE_ISC = 2495
_UINT32_MAX = 0xFFFF_FFFF

CABLELABS_SPACE = f"{VENDOR_SPACE_PREFIX}{ENTERPRISE_CABLELABS}"
ISC_SPACE = f"{VENDOR_SPACE_PREFIX}{ENTERPRISE_ISC}"

# DOCSIS 3.0 DHCPv4 vendor sub-options (CableLabs CL-SP-CANN-DHCP-Reg, carried in option 125).
DOCSIS4_DEFS: tuple[OptionDef, ...] = (
    OptionDef("oro", 1, "uint8", CABLELABS_SPACE, array=True),
    OptionDef("tftp-servers", 2, "ipv4-address", CABLELABS_SPACE, array=True),
)

# DOCSIS 3.0 DHCPv6 vendor sub-options (CableLabs CL-SP-CANN-DHCP-Reg, carried in option 17).
# Note: the ARM's vendor-4491 table repeats the v4 rows; these are the v6 formats Kea 2.2 uses.
DOCSIS6_DEFS: tuple[OptionDef, ...] = (
    OptionDef("oro", 1, "uint16", CABLELABS_SPACE, array=True),
    OptionDef("device-type", 2, "string", CABLELABS_SPACE),
    OptionDef("vendor-type", 10, "string", CABLELABS_SPACE),
    OptionDef("tftp-servers", 32, "ipv6-address", CABLELABS_SPACE, array=True),
    OptionDef("config-file", 33, "string", CABLELABS_SPACE),
    OptionDef("syslog-servers", 34, "ipv6-address", CABLELABS_SPACE, array=True),
    OptionDef("device-id", 36, "binary", CABLELABS_SPACE),
    OptionDef("time-servers", 37, "ipv6-address", CABLELABS_SPACE, array=True),
    OptionDef("time-offset", 38, "int32", CABLELABS_SPACE),
    # Inserted by the CMTS acting as a relay agent: the cable modem's MAC address.
    OptionDef("cmts-cm-mac", 1026, "binary", CABLELABS_SPACE),
)

# ISC DHCPv4-over-DHCPv6 inter-process options (ARM "DHCPv6 Vendor-Specific Options", 4o6).
ISC6_DEFS: tuple[OptionDef, ...] = (
    OptionDef("4o6-interface", 60000, "string", ISC_SPACE),
    OptionDef("4o6-source-address", 60001, "ipv6-address", ISC_SPACE),
    OptionDef("4o6-source-port", 60002, "uint16", ISC_SPACE),
)

# Kea's internal space names, accepted in option-data, mapped to the configuration names.
KEA_SPACE_ALIASES4: Mapping[str, str] = MappingProxyType({"docsis3-v4": CABLELABS_SPACE})
KEA_SPACE_ALIASES6: Mapping[str, str] = MappingProxyType(
    {"docsis3-v6": CABLELABS_SPACE, "4o6": ISC_SPACE}
)


def vendor_space_name(enterprise_id: int) -> str:
    """The option space name Kea uses for an enterprise number: ``vendor-<id>``."""
    return f"{VENDOR_SPACE_PREFIX}{enterprise_id}"


def enterprise_id_of_space(space: str) -> int | None:
    """The enterprise number of a ``vendor-<id>`` space name, or None if it is not one.

    Like Kea, the suffix must be a decimal number that fits in 32 bits; 0 (IANA-reserved) is
    Kea's "no vendor" value, so ``vendor-0`` is not a vendor space either.
    """
    if not space.startswith(VENDOR_SPACE_PREFIX):
        return None
    digits = space[len(VENDOR_SPACE_PREFIX) :]
    if not digits.isascii() or not digits.isdigit():
        return None
    value = int(digits)
    return value if 0 < value <= _UINT32_MAX else None


def index_by_space(defs: tuple[OptionDef, ...]) -> Mapping[str, Mapping[int, OptionDef]]:
    """Group definitions by space, then by code, as read-only mappings."""
    spaces: dict[str, dict[int, OptionDef]] = {}
    for row in defs:
        spaces.setdefault(row.space, {})[row.code] = row
    return MappingProxyType({name: MappingProxyType(rows) for name, rows in spaces.items()})
