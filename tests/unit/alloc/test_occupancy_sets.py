"""A pool kept as sets of taken offsets counts exactly as a bitmap pool does."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pukeko.alloc import occupancy as occupancy_module
from pukeko.alloc.occupancy import LEASED, RESERVED, Occupancy
from pukeko.alloc.pools import AddressRange

OPS = st.lists(
    st.tuples(st.booleans(), st.sampled_from([LEASED, RESERVED]), st.integers(0, 31)),
    max_size=80,
)


@settings(max_examples=300, deadline=None)
@given(ops=OPS)
def test_set_and_bitmap_pools_agree(ops: list[tuple[bool, int, int]]) -> None:
    pool = AddressRange(100, 131)
    bitmap = Occupancy(pool)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(occupancy_module, "BITMAP_LIMIT", 0)  # too large for a bitmap
        sets = Occupancy(pool)
    assert bitmap.bits is not None and sets.bits is None
    for setting, flag, offset in ops:
        for occ in (bitmap, sets):
            if setting:
                occ.set_offset(offset, flag)
            else:
                occ.clear_offset(offset, flag)
        assert (sets.used, sets.available) == (bitmap.used, bitmap.available)
    assert [sets.offset_flags(o) for o in range(32)] == [bitmap.offset_flags(o) for o in range(32)]
    assert [sets.next_free_in(o, 32) for o in range(33)] == [
        bitmap.next_free_in(o, 32) for o in range(33)
    ]
