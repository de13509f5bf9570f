"""StatsManager.apply: the inline path leaves exactly what ``add`` per delta leaves."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pukeko.server.stats import StatsManager, StatTypeError

NAMES = ["pkt6-received", "pkt6-sent", "subnet[1].assigned-nas", "ratio", "label"]

deltas = st.lists(st.tuples(st.sampled_from(NAMES[:3]), st.integers(-3, 5)), max_size=40)


def manager(count: int | None, age: float) -> StatsManager:
    stats = StatsManager()
    stats.set("ratio", 0.5, 0.0)
    stats.set("label", "a", 0.0)
    stats.set("pkt6-received", 0, 0.0)
    if count is None:
        stats.set_max_sample_age("pkt6-received", age)
    else:
        stats.set_max_sample_count("pkt6-received", count)
    return stats


@settings(max_examples=300, deadline=None)
@given(
    batches=st.lists(deltas, max_size=6),
    count=st.one_of(st.none(), st.integers(0, 5)),
    age=st.floats(0, 3),
)
def test_apply_equals_add_per_delta(
    batches: list[list[tuple[str, int]]], count: int | None, age: float
) -> None:
    applied, added = manager(count, age), manager(count, age)
    for moment, batch in enumerate(batches):
        applied.apply(batch, float(moment))
        for name, delta in batch:
            added.add(name, delta, float(moment))
    assert applied.names() == added.names()
    for name in applied.names():
        left, right = applied.get(name), added.get(name)
        assert left is not None and right is not None
        assert list(left.samples) == list(right.samples) and left.limit == right.limit


def test_apply_reaches_other_kinds_through_add() -> None:
    stats = manager(20, 0.0)
    stats.apply([("ratio", 0.25), ("new", 2)], 1.0)  # type: ignore[list-item]
    assert stats.value("ratio") == 0.75 and stats.value("new") == 2
    with pytest.raises(StatTypeError, match="actual type is float"):
        stats.apply([("ratio", 1)], 2.0)
