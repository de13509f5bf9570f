"""Host reservations as the servers see them (Kea's ``Host``), for both address families.

A :class:`Host` is identified by one identifier (type + bytes) within one subnet, or globally
(subnet id :data:`SUBNET_ID_GLOBAL`). One row can serve both families, as in Kea's SQL host
databases: ``ipv4_subnet_id`` / ``ipv6_subnet_id`` say where it applies (None: not for that
family). Reservations are rules the server keeps (spec 000): a reserved address or prefix
goes to its host and to nobody else.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from ipaddress import IPv4Address, IPv6Address, IPv6Network
from types import MappingProxyType

from pukeko.config.model import OptionData

SUBNET_ID_GLOBAL = 0  # Kea SUBNET_ID_GLOBAL: a global reservation (``reservations`` at top level)
EMPTY: Mapping[str, object] = MappingProxyType({})


class IdentifierType(enum.IntEnum):
    """Kea's Host::IdentifierType (the numbers are those of Kea's SQL host schemas)."""

    HW_ADDRESS = 0
    DUID = 1
    CIRCUIT_ID = 2
    CLIENT_ID = 3
    FLEX_ID = 4

    @property
    def kea_name(self) -> str:
        """The configuration keyword: ``hw-address``, ``duid``, ``circuit-id``, ..."""
        return self.name.lower().replace("_", "-")

    @classmethod
    def from_kea_name(cls, name: str) -> IdentifierType:
        """The type of a configuration keyword (ValueError when unknown)."""
        try:
            return cls[name.upper().replace("-", "_")]
        except KeyError:
            raise ValueError(f"unknown host identifier type '{name}'") from None


@dataclass(frozen=True, slots=True)
class Host:
    """One host reservation."""

    identifier_type: IdentifierType
    identifier: bytes
    ipv4_subnet_id: int | None = None  # None: not a DHCPv4 reservation; 0: global
    ipv6_subnet_id: int | None = None  # None: not a DHCPv6 reservation; 0: global
    ipv4_address: IPv4Address | None = None
    ip_addresses: tuple[IPv6Address, ...] = ()  # reserved IA_NA addresses
    prefixes: tuple[IPv6Network, ...] = ()  # reserved IA_PD prefixes
    hostname: str = ""
    client_classes4: tuple[str, ...] = ()
    client_classes6: tuple[str, ...] = ()
    option_data4: tuple[OptionData, ...] = ()
    option_data6: tuple[OptionData, ...] = ()
    next_server: IPv4Address | None = None
    server_hostname: str = ""
    boot_file_name: str = ""
    user_context: Mapping[str, object] | None = None
    # Keys of the configuration entry Pukeko keeps but does not interpret (rendered back).
    extra: Mapping[str, object] = field(default_factory=lambda: EMPTY)

    @property
    def identifier_text(self) -> str:
        """The identifier as Kea prints it: colon-separated hex (``01:02:03``)."""
        return self.identifier.hex(":")

    def reserves6(self, address: IPv6Address, prefix_len: int = 128) -> bool:
        """True when this host reserves the address (128) or the prefix."""
        if prefix_len == 128:
            return address in self.ip_addresses
        return any(
            p.network_address == address and p.prefixlen == prefix_len for p in self.prefixes
        )


# Identifier types Kea prints as colon-separated hex (HWAddr::toText(false), DUID::toText);
# the others are printed with encodeHex: upper-case, no separators (Host::toElement4).
COLON_HEX_TYPES = frozenset({IdentifierType.HW_ADDRESS, IdentifierType.DUID})


def kea_identifier_text(id_type: IdentifierType, identifier: bytes) -> str:
    """The identifier as Kea's toElement writes it (``aa:bb:..`` or ``AABB..``)."""
    if id_type in COLON_HEX_TYPES:
        return identifier.hex(":")
    return identifier.hex().upper()
