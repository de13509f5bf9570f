"""Pool lookups the engine needs from the configuration, and the allocator port it calls.

Config-side facts (no allocation here): which ``pools`` / ``pd-pools`` entry holds an address
or prefix (Kea Subnet::getPool / inPool), a pool's size (getPoolCapacity), and the RFC 6603
PD-exclude option a pd-pool sends (Kea Pool6: computed once from the pool's prefix, delegated
length and excluded prefix, so every prefix of the pool carries the same option).

Choosing a free address is the allocator's job (``pukeko.alloc``), reached through the
:class:`Allocation` protocol so the engine does not depend on a strategy.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from pukeko.config.model import PdPool, Pool, Subnet
from pukeko.leases.model import LeaseType
from pukeko.wire.pkt6 import tlv

OPTION_PD_EXCLUDE = 67  # RFC 6603

ConfigPool = Pool | PdPool


# Enum members bound once: attribute access on an Enum class is slow on Python 3.11.
_PD = LeaseType.PD


class Allocation(Protocol):
    """What the engine asks of the allocator for one subnet and lease type."""

    def pick(
        self,
        subnet: Subnet,
        lease_type: LeaseType,
        hint: int,
        classes: frozenset[str],
        is_free: Callable[[int], bool],
        duid: bytes = b"",
        iaid: int = 0,
    ) -> tuple[int, int] | None:
        """A free (address, prefix length) from the subnet's pools, or None when exhausted.

        ``is_free(address)`` (a prefix's first address for PD) is the engine's final word.
        """
        ...


def pool_span(pool: ConfigPool) -> tuple[int, int]:
    """First and last address (as integers) a pool covers."""
    if isinstance(pool, PdPool):
        net = pool.prefix
        return int(net.network_address), int(net.broadcast_address)
    return int(pool.first), int(pool.last)


def pools_for(subnet: Subnet, lease_type: LeaseType) -> tuple[ConfigPool, ...]:
    """The subnet's address pools (NA/TA) or prefix pools (PD)."""
    return subnet.pd_pools if lease_type == _PD else subnet.pools


def pool_supported(pool: ConfigPool, classes: frozenset[str]) -> bool:
    """Kea Pool::clientSupported: no ``client-class`` or the client is a member."""
    return not pool.client_class or pool.client_class in classes


def find_pool(
    subnet: Subnet, lease_type: LeaseType, address: int, classes: frozenset[str] | None = None
) -> ConfigPool | None:
    """The pool holding ``address`` (restricted to pools the client may use when given)."""
    for pool in pools_for(subnet, lease_type):
        first, last = pool_span(pool)
        if first <= address <= last and (classes is None or pool_supported(pool, classes)):
            return pool
    return None


def in_pool(subnet: Subnet, lease_type: LeaseType, address: int) -> bool:
    """Kea Subnet::inPool: the address lies in one of the subnet's pools of this type."""
    return find_pool(subnet, lease_type, address) is not None


def capacity(subnet: Subnet, lease_type: LeaseType, classes: frozenset[str]) -> int:
    """How many leases the client could get from the subnet (getPoolCapacity)."""
    total = 0
    for pool in pools_for(subnet, lease_type):
        if not pool_supported(pool, classes):
            continue
        if isinstance(pool, PdPool):
            total += 1 << max(pool.delegated_len - pool.prefix.prefixlen, 0)
        else:
            first, last = pool_span(pool)
            total += last - first + 1
    return total


def delegated_len(pool: ConfigPool) -> int:
    """Prefix length of the leases a pool gives (128 for address pools)."""
    return pool.delegated_len if isinstance(pool, PdPool) else 128


def pd_exclude_tlv(pool: PdPool) -> bytes | None:
    """The PD-exclude option (RFC 6603 §4.2) of a pd-pool with an excluded prefix, or None.

    Payload: the excluded prefix length, then the bits of the excluded prefix that follow the
    delegated length, in ``(excluded - delegated - 1) // 8 + 1`` bytes, zero-padded.
    """
    excluded = pool.excluded_prefix
    if excluded is None or excluded.prefixlen <= pool.delegated_len:
        return None
    length = excluded.prefixlen
    shift = pool.delegated_len
    count = (length - shift - 1) // 8 + 1
    bits = (int(excluded.network_address) << shift) & ((1 << 128) - 1)
    subnet_id = (bits >> (128 - 8 * count)).to_bytes(count, "big")
    spare = (length - shift) % 8
    if spare:
        subnet_id = subnet_id[:-1] + bytes((subnet_id[-1] & (0xFF << (8 - spare)) & 0xFF,))
    return tlv(OPTION_PD_EXCLUDE, bytes((length,)) + subnet_id)
