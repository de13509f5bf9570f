"""Allocation (pure, sans-I/O): pools, occupancy, allocators, lifetimes and T1/T2, reclamation.

Nothing here reads a clock, a socket or a file: time is a parameter and lease changes are
returned as :class:`~pukeko.leases.model.LeaseChange` rows for the runtime to persist.
"""

from pukeko.alloc.allocators import (
    Allocator,
    HashAllocator,
    IterativeAllocator,
    RandomAllocator,
    SubnetAllocation,
    choose_pd_pool,
    client_key,
    make_allocator,
)
from pukeko.alloc.lifetimes import choose_lifetime, lifetimes6, tee_times4, tee_times6
from pukeko.alloc.occupancy import AllocationState, Occupancy
from pukeko.alloc.pools import AddressRange, PoolRef, PrefixRange, pools_for, pools_of
from pukeko.alloc.reclaim import decline, flush, reclaim

__all__ = [
    "AddressRange",
    "AllocationState",
    "Allocator",
    "HashAllocator",
    "IterativeAllocator",
    "Occupancy",
    "PoolRef",
    "PrefixRange",
    "RandomAllocator",
    "SubnetAllocation",
    "choose_lifetime",
    "choose_pd_pool",
    "client_key",
    "decline",
    "flush",
    "lifetimes6",
    "make_allocator",
    "pools_for",
    "pools_of",
    "reclaim",
    "tee_times4",
    "tee_times6",
]
