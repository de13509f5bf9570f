"""What the engine may read about leases: synchronous lookups served from memory.

The sans-I/O engine (``pukeko.server``, ``pukeko.alloc``) reads leases only through these
protocols; it never waits on storage. Every backend keeps an in-memory index (memfile) or a
write-through cache (SQL) that implements them. Writes go the other way: the engine returns
:class:`~pukeko.leases.model.LeaseChange` rows and the runtime applies them to the index and
persists them through the backend's ``LeaseStore`` before the reply leaves.
"""

from __future__ import annotations

from collections.abc import Iterator
from ipaddress import IPv4Address, IPv6Address
from typing import Protocol

from pukeko.leases.model import Lease4, Lease6, LeaseType


class LeaseView6(Protocol):
    """Synchronous DHCPv6 lease lookups."""

    def get(self, lease_type: LeaseType, address: IPv6Address) -> Lease6 | None:
        """The lease on an address (NA/TA) or on a prefix's first address (PD)."""
        ...

    def by_client(self, duid: bytes, iaid: int, lease_type: LeaseType) -> list[Lease6]:
        """Leases of one IA of one client (DUID, IAID, type)."""
        ...

    def by_duid(self, duid: bytes) -> list[Lease6]:
        """Every lease of a client."""
        ...

    def by_subnet(self, subnet_id: int) -> Iterator[Lease6]:
        """Leases in a subnet, in address order."""
        ...

    def expired(self, now: float, limit: int) -> list[Lease6]:
        """Up to ``limit`` leases, not yet reclaimed, whose expiration is before ``now``."""
        ...

    def count(self, subnet_id: int, lease_type: LeaseType, state: int | None = None) -> int:
        """How many leases of a type a subnet holds (optionally only in one state)."""
        ...


class LeaseView4(Protocol):
    """Synchronous DHCPv4 lease lookups."""

    def get(self, address: IPv4Address) -> Lease4 | None:
        """The lease on an address."""
        ...

    def by_hwaddr(self, hwaddr: bytes) -> list[Lease4]:
        """Leases held under a hardware address."""
        ...

    def by_client_id(self, client_id: bytes) -> list[Lease4]:
        """Leases held under a client identifier."""
        ...

    def by_subnet(self, subnet_id: int) -> Iterator[Lease4]:
        """Leases in a subnet, in address order."""
        ...

    def expired(self, now: float, limit: int) -> list[Lease4]:
        """Up to ``limit`` leases, not yet reclaimed, whose expiration is before ``now``."""
        ...
