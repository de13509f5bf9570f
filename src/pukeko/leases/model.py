"""The lease model: one immutable row per lease, with Kea's fields, types and states.

Field names follow Kea's memfile CSV columns (``csv_lease_file6.cc`` / ``csv_lease_file4.cc``);
``cltt`` is the client's last transaction time, and ``expire = cltt + valid_lifetime`` as in Kea.
A change is a new row made with :func:`dataclasses.replace`; nothing mutates a lease in place.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import IntEnum
from ipaddress import IPv4Address, IPv6Address


class LeaseType(IntEnum):
    """Kea's ``Lease::Type`` values, as stored in the ``lease_type`` column."""

    NA = 0
    TA = 1
    PD = 2
    V4 = 3


class LeaseState(IntEnum):
    """Kea's lease states (``Lease::STATE_*``), as stored in the ``state`` column."""

    DEFAULT = 0
    DECLINED = 1
    EXPIRED_RECLAIMED = 2


INFINITE_LIFETIME = 0xFFFFFFFF


@dataclass(frozen=True, slots=True)
class Lease6:
    """A DHCPv6 lease on an address (IA_NA, IA_TA) or a delegated prefix (IA_PD)."""

    address: IPv6Address
    lease_type: LeaseType
    prefix_len: int  # 128 for addresses
    duid: bytes
    iaid: int
    subnet_id: int
    valid_lifetime: int
    preferred_lifetime: int
    cltt: int
    fqdn_fwd: bool = False
    fqdn_rev: bool = False
    hostname: str = ""
    hwaddr: bytes = b""
    hwtype: int = 1
    hwaddr_source: int = 0
    state: LeaseState = LeaseState.DEFAULT
    user_context: str = ""  # JSON text of the user context, "" when there is none

    @property
    def expire(self) -> int:
        """When the lease expires (seconds since the epoch), as Kea stores it."""
        return self.cltt + self.valid_lifetime

    def expired(self, now: float) -> bool:
        """True once ``now`` is past the lease's expiration (infinite leases never expire)."""
        return self.valid_lifetime != INFINITE_LIFETIME and self.expire < now


@dataclass(frozen=True, slots=True)
class Lease4:
    """A DHCPv4 lease."""

    address: IPv4Address
    hwaddr: bytes
    client_id: bytes
    subnet_id: int
    valid_lifetime: int
    cltt: int
    fqdn_fwd: bool = False
    fqdn_rev: bool = False
    hostname: str = ""
    state: LeaseState = LeaseState.DEFAULT
    user_context: str = ""
    hwtype: int = 1

    @property
    def expire(self) -> int:
        """When the lease expires (seconds since the epoch), as Kea stores it."""
        return self.cltt + self.valid_lifetime

    def expired(self, now: float) -> bool:
        """True once ``now`` is past the lease's expiration (infinite leases never expire)."""
        return self.valid_lifetime != INFINITE_LIFETIME and self.expire < now


Lease = Lease6 | Lease4


class ChangeKind(IntEnum):
    """What a lease change does to the store."""

    ADD = 0
    UPDATE = 1
    DELETE = 2


@dataclass(frozen=True, slots=True)
class LeaseChange:
    """One change the engine decided; the runtime persists it before the reply leaves."""

    kind: ChangeKind
    lease: Lease


LEASE6_FIELDS: tuple[str, ...] = tuple(Lease6.__dataclass_fields__)


def _lease6_builder() -> Callable[..., Lease6]:
    """A positional Lease6 constructor (fields in ``LEASE6_FIELDS`` order) that writes the slots
    directly: about twice as fast as the frozen dataclass ``__init__``, which matters when a
    million rows load or a lease is made per packet. The result equals ``Lease6(*values)``."""
    setters = [Lease6.__dict__[name].__set__ for name in LEASE6_FIELDS]
    (s0, s1, s2, s3, s4, s5, s6, s7, s8, s9, s10, s11, s12, s13, s14, s15, s16) = setters
    new = object.__new__

    def make(
        a0: object, a1: object, a2: object, a3: object, a4: object, a5: object, a6: object,
        a7: object, a8: object, a9: object, a10: object, a11: object, a12: object,
        a13: object, a14: object, a15: object, a16: object,
    ) -> Lease6:  # fmt: skip
        x: Lease6 = new(Lease6)
        s0(x, a0), s1(x, a1), s2(x, a2), s3(x, a3), s4(x, a4), s5(x, a5), s6(x, a6)
        s7(x, a7), s8(x, a8), s9(x, a9), s10(x, a10), s11(x, a11), s12(x, a12)
        s13(x, a13), s14(x, a14), s15(x, a15), s16(x, a16)
        return x

    return make


make_lease6 = _lease6_builder()
