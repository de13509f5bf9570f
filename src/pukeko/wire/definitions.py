"""Option definitions as data: one frozen row per option, as Kea's ``option-def`` describes it.

The standard tables (``std6``, ``std4``) and every ``option-def`` of a configuration produce rows
of this one shape; the codec engine (``optcodec``) encodes and decodes option payloads from them.
"""

from __future__ import annotations

from dataclasses import dataclass

# Kea's option data types (ARM "Custom DHCPv6 Options", table of types).
SCALAR_TYPES: frozenset[str] = frozenset(
    {
        "binary",
        "boolean",
        "empty",
        "fqdn",
        "ipv4-address",
        "ipv6-address",
        "ipv6-prefix",
        "psid",
        "string",
        "tuple",
        "int8",
        "int16",
        "int32",
        "uint8",
        "uint16",
        "uint32",
    }
)
RECORD = "record"
OPTION_TYPES: frozenset[str] = SCALAR_TYPES | {RECORD}
# Types allowed as a field of a record (Kea refuses empty, record and binary inside records,
# except that the last field of a record may be binary or string of variable length).
RECORD_FIELD_TYPES: frozenset[str] = OPTION_TYPES - {"empty", RECORD}

DHCP6_SPACE = "dhcp6"
DHCP4_SPACE = "dhcp4"


@dataclass(frozen=True, slots=True)
class OptionDef:
    """One option definition: what Kea calls an ``OptionDefinition``."""

    name: str
    code: int
    type: str
    space: str
    array: bool = False
    record_types: tuple[str, ...] = ()
    encapsulate: str = ""

    @property
    def is_record(self) -> bool:
        """True when the option payload is a record of several fields."""
        return self.type == RECORD
