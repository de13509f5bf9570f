"""The host store interface every backend implements (configuration file now, SQL later).

Like leases (``pukeko.leases.store``), the engine's per-packet reads are synchronous and come
from memory through ``store.view`` (a :class:`HostView`); changes and administrative queries
are coroutines. Every lookup the engine makes is O(1): by identifier within a subnet, and by
reserved address or prefix within a subnet.

Subnet ids: :data:`~pukeko.hosts.model.SUBNET_ID_GLOBAL` (0) names the global reservations.
A DHCPv6 view answers about ``ipv6_subnet_id``, a DHCPv4 view about ``ipv4_subnet_id``.

Errors: :class:`DuplicateHostError` when a host with the same identifier already exists in
that subnet, or when ``ip-reservations-unique`` is on and the address or prefix is already
reserved in that subnet; :class:`HostNotFoundError` is never raised by lookups (they answer
None / empty), only by ``update`` of a host that does not exist.
"""

from __future__ import annotations

from collections.abc import Sequence
from ipaddress import IPv4Address, IPv6Address
from typing import Protocol

from pukeko.hosts.model import Host, IdentifierType


class HostStoreError(Exception):
    """Base of every host store error."""


class DuplicateHostError(HostStoreError):
    """A host with that identifier, or a reservation of that resource, exists already."""


class HostNotFoundError(HostStoreError):
    """An update of a host the store does not hold."""


class HostView6(Protocol):
    """Synchronous DHCPv6 reservation lookups (what the engine reads per packet)."""

    def get6(self, subnet_id: int, id_type: IdentifierType, identifier: bytes) -> Host | None:
        """The host with this identifier in a subnet (0: the global reservations)."""
        ...

    def by_resource6(self, subnet_id: int, address: IPv6Address | int) -> Sequence[Host]:
        """Hosts reserving this address, or a prefix starting at it, in a subnet (Kea getAll6).

        More than one only when ``ip-reservations-unique`` is off.
        """
        ...

    def has_reservations6(self, subnet_id: int) -> bool:
        """True when the subnet (0: global) has any DHCPv6 host, so lookups can be skipped."""
        ...

    def identifier_types6(self) -> frozenset[IdentifierType]:
        """The identifier types used by any DHCPv6 host (others need no lookup at all)."""
        ...


class HostView4(Protocol):
    """Synchronous DHCPv4 reservation lookups."""

    def get4(self, subnet_id: int, id_type: IdentifierType, identifier: bytes) -> Host | None:
        """The host with this identifier in a subnet (0: the global reservations)."""
        ...

    def by_address4(self, subnet_id: int, address: IPv4Address) -> Sequence[Host]:
        """Hosts reserving this address in a subnet."""
        ...

    def has_reservations4(self, subnet_id: int) -> bool:
        """True when the subnet (0: global) has any DHCPv4 host."""
        ...

    def identifier_types4(self) -> frozenset[IdentifierType]:
        """The identifier types used by any DHCPv4 host."""
        ...


class HostStore(Protocol):
    """A host backend: synchronous views for the engines, coroutines for changes and queries."""

    @property
    def view6(self) -> HostView6:
        """Lookups for the DHCPv6 engine."""
        ...

    @property
    def view4(self) -> HostView4:
        """Lookups for the DHCPv4 engine."""
        ...

    async def add(self, host: Host) -> None:
        """Add a host; DuplicateHostError as described in the module docstring."""
        ...

    async def update(self, host: Host) -> None:
        """Replace the host with the same identifier and subnet ids (HostNotFoundError)."""
        ...

    async def delete_by_id(
        self, family: int, subnet_id: int, id_type: IdentifierType, identifier: bytes
    ) -> bool:
        """Delete the host with this identifier in a subnet of a family; False if none."""
        ...

    async def delete_by_address(
        self, family: int, subnet_id: int, address: IPv4Address | IPv6Address
    ) -> int:
        """Delete every host reserving this address in a subnet of a family; how many."""
        ...

    async def get_by_id(
        self, family: int, subnet_id: int, id_type: IdentifierType, identifier: bytes
    ) -> Host | None:
        """The host with this identifier in a subnet of a family."""
        ...

    async def get_all_by_id(self, id_type: IdentifierType, identifier: bytes) -> list[Host]:
        """Every host with this identifier, in any subnet and family."""
        ...

    async def get_by_hostname(
        self, hostname: str, family: int | None = None, subnet_id: int | None = None
    ) -> list[Host]:
        """Hosts with this hostname (case-insensitive), optionally in one family / subnet."""
        ...

    async def get_page(
        self, family: int, subnet_id: int | None, after: int, limit: int
    ) -> tuple[list[Host], int]:
        """Up to ``limit`` hosts of a family (one subnet, or all when None) after the opaque
        position ``after`` (0: from the start), and the position to continue from."""
        ...

    async def close(self) -> None:
        """Release the backend's resources."""
        ...
