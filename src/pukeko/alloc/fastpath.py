"""The iterative allocator's common case in one function, without its layers.

:func:`next_iterative` returns what ``IterativeAllocator().pick_in_pools(state, pools, None,
is_free)`` returns and leaves the same cursors behind (``tests/unit/alloc/test_fastpath.py``
runs both on random pools, occupancies and refusals and compares them). It exists because that
call goes through five layers (strategy, hint check, start position, walk, occupancy search) for
what is, on almost every packet, one occupancy search and one ``is_free`` call.

How the general path starts (``IterativeAllocator.start`` and ``walk``): in the pool holding
the subnet's last pick (else the first pool), at the offset after that pool's own last pick,
its first candidate is the first available offset from there to the end of that pool. This
module computes that same first candidate and, when ``is_free`` accepts it, records it exactly
as ``IterativeAllocator._remember`` does. In every other case (no available offset before the
pool's end, or a candidate ``is_free`` refuses) it hands the call to the general path, which
starts from the same position (nothing was changed, and ``is_free`` has no side effects) and
so goes on exactly as if it had been called first.
"""

from __future__ import annotations

from collections.abc import Sequence

from pukeko.alloc.allocators import IsFree, IterativeAllocator, Pick
from pukeko.alloc.occupancy import AllocationState
from pukeko.alloc.pools import PoolRef

GENERAL = IterativeAllocator()


def next_iterative(
    state: AllocationState, pools: Sequence[PoolRef], is_free: IsFree
) -> Pick | None:
    """``IterativeAllocator().pick_in_pools(state, pools, None, is_free)``, fast when it can be."""
    if not pools:
        return None
    cursors = state.cursors
    index, offset = GENERAL.start(state, pools)
    ref = pools[index]
    occupancy = state.occupancy[ref.key]
    found = occupancy.next_free_in(offset, occupancy.capacity)
    if found is not None:
        address = ref.range.address(found)
        if is_free(address):
            cursors[("iterative", ref.subnet_id, ref.kind)] = address
            cursors[("iterative-pool", ref.cursor_key)] = found
            return ref, address
    return GENERAL.pick_in_pools(state, pools, None, is_free)
