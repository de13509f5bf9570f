"""Pool arithmetic on integers: address ranges, delegated-prefix ranges and pool references.

Every resource a pool hands out has an *offset*: addresses count from the pool's first address,
delegated prefixes count in blocks of ``2**(128 - delegated_len)`` from the pool's prefix. The
occupancy bitmaps and the allocators work on offsets; the engine sees ints (addresses, or a
prefix's first address for PD).

IA_TA (RFC 8415 §21.5): Kea 2.2 keeps a separate ``TYPE_TA`` pool collection per subnet
(``Subnet::pools_ta_``) but its configuration parser never fills it (``pools`` are ``TYPE_NA``,
``pd-pools`` are ``TYPE_PD``) and ``Dhcpv6Srv::assignLeases`` skips IA_TA ("@todo add support
for IA_TA"), so Kea 2.2 hands out no temporary addresses. Pukeko serves IA_TA from the same
``pools`` as IA_NA: :func:`pools_for` gives the address pools again with kind ``"ta"``, and
:class:`~pukeko.alloc.occupancy.AllocationState` shares one occupancy between the two kinds so
an address is never leased both as NA and TA.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from pukeko.config.model import PdPool, Pool, Subnet
from pukeko.leases.model import LeaseType

PoolKind = Literal["na", "ta", "pd", "v4"]

KIND_OF_TYPE: dict[LeaseType, PoolKind] = {
    LeaseType.NA: "na",
    LeaseType.TA: "ta",
    LeaseType.PD: "pd",
    LeaseType.V4: "v4",
}


@dataclass(frozen=True, slots=True)
class AddressRange:
    """A contiguous range of addresses ``first`` .. ``last`` (inclusive), as integers."""

    first: int
    last: int

    @property
    def capacity(self) -> int:
        """How many addresses the range holds."""
        return self.last - self.first + 1

    def contains(self, addr: int) -> bool:
        """True when ``addr`` lies in the range."""
        return self.first <= addr <= self.last

    def offset(self, addr: int) -> int:
        """The position of ``addr`` in the range (0 for ``first``)."""
        return addr - self.first

    def address(self, offset: int) -> int:
        """The address at ``offset``."""
        return self.first + offset


@dataclass(frozen=True, slots=True)
class PrefixRange:
    """The delegated prefixes of a pd-pool: ``prefix/prefix_len`` cut into ``/delegated_len``.

    ``excluded`` is the RFC 6603 excluded prefix ``(base, length)``; Kea 2.2 does not remove it
    from the pool (every delegated prefix carries the same PD-exclude option, see
    ``pukeko.server.dhcp6.pools.pd_exclude_tlv``), so it does not change the capacity here.
    """

    prefix: int
    prefix_len: int
    delegated_len: int
    excluded: tuple[int, int] | None = None

    @property
    def capacity(self) -> int:
        """How many delegated prefixes the pool holds (Kea Pool6 capacity)."""
        return 1 << (self.delegated_len - self.prefix_len)

    @property
    def step(self) -> int:
        """Distance between two consecutive delegated prefixes (one block)."""
        return 1 << (128 - self.delegated_len)

    @property
    def first(self) -> int:
        """The first address the pool covers."""
        return self.prefix

    @property
    def last(self) -> int:
        """The last address the pool covers."""
        return self.prefix + (1 << (128 - self.prefix_len)) - 1

    def contains(self, prefix_base: int) -> bool:
        """True when ``prefix_base`` lies inside the pool's prefix."""
        return self.prefix <= prefix_base <= self.last

    def offset(self, prefix_base: int) -> int:
        """The block number holding ``prefix_base`` (unaligned addresses round down)."""
        return (prefix_base - self.prefix) >> (128 - self.delegated_len)

    def prefix_at(self, offset: int) -> int:
        """The first address of delegated prefix number ``offset``."""
        return self.prefix + (offset << (128 - self.delegated_len))

    def address(self, offset: int) -> int:
        """Same as :meth:`prefix_at` (so both range kinds share one interface)."""
        return self.prefix_at(offset)

    def align(self, prefix_base: int) -> int:
        """The delegated prefix's base address holding ``prefix_base``."""
        return self.prefix_at(self.offset(prefix_base))


PoolRange = AddressRange | PrefixRange


@dataclass(frozen=True, slots=True)
class PoolRef:
    """One pool of one subnet: its position, kind, integer range and config object."""

    subnet_id: int
    index: int
    kind: PoolKind
    range: PoolRange
    pool: Pool | PdPool = field(compare=False, repr=False)
    # Identity of the pool's *occupancy*: TA shares the NA pool's (same addresses).
    key: tuple[int, str, int] = field(init=False, compare=False, repr=False)
    # Identity of the pool's allocator position (TA and NA move separately, as in Kea).
    cursor_key: tuple[int, str, int] = field(init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        shared = "na" if self.kind == "ta" else self.kind
        object.__setattr__(self, "key", (self.subnet_id, shared, self.index))
        object.__setattr__(self, "cursor_key", (self.subnet_id, self.kind, self.index))

    @property
    def prefix_len(self) -> int:
        """Prefix length of what the pool gives out (128 for IPv6 addresses, 32 for IPv4)."""
        if isinstance(self.range, PrefixRange):
            return self.range.delegated_len
        return 32 if self.kind == "v4" else 128

    @property
    def client_class(self) -> str:
        """The pool's ``client-class`` ("" when any client may use it)."""
        return self.pool.client_class

    def supports(self, classes: frozenset[str]) -> bool:
        """Kea Pool::clientSupported: no class guard, or the client is in the class."""
        return not self.pool.client_class or self.pool.client_class in classes


def address_range(pool: Pool) -> AddressRange:
    """The integer range of an address pool."""
    return AddressRange(int(pool.first), int(pool.last))


def prefix_range(pool: PdPool) -> PrefixRange:
    """The integer range of a pd-pool."""
    excluded = None
    if pool.excluded_prefix is not None:
        excluded = (int(pool.excluded_prefix.network_address), pool.excluded_prefix.prefixlen)
    return PrefixRange(
        int(pool.prefix.network_address), pool.prefix.prefixlen, pool.delegated_len, excluded
    )


def pools_of(subnet: Subnet) -> tuple[PoolRef, ...]:
    """Every pool of a subnet: address pools (``na``, or ``v4``), then pd-pools (``pd``)."""
    kind: PoolKind = "v4" if subnet.prefix.version == 4 else "na"
    refs = [PoolRef(subnet.id, i, kind, address_range(p), p) for i, p in enumerate(subnet.pools)]
    refs += [PoolRef(subnet.id, i, "pd", prefix_range(p), p) for i, p in enumerate(subnet.pd_pools)]
    return tuple(refs)


def pools_for(subnet: Subnet, lease_type: LeaseType) -> tuple[PoolRef, ...]:
    """The subnet's pools for one lease type, in configuration order (TA uses ``pools``)."""
    if lease_type == LeaseType.PD:
        return tuple(
            PoolRef(subnet.id, i, "pd", prefix_range(p), p) for i, p in enumerate(subnet.pd_pools)
        )
    kind = KIND_OF_TYPE[lease_type]
    return tuple(
        PoolRef(subnet.id, i, kind, address_range(p), p) for i, p in enumerate(subnet.pools)
    )


def find_pool(pools: tuple[PoolRef, ...], addr: int) -> PoolRef | None:
    """The first pool whose range holds ``addr`` (address, or prefix base for PD)."""
    for ref in pools:
        if ref.range.contains(addr):
            return ref
    return None
