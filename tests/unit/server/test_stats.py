"""The statistics manager: values, sample limits, defaults and Kea's rendering."""

from __future__ import annotations

from datetime import UTC, timedelta, timezone

import pytest

from pukeko.server.stats import (
    DEFAULT_MAX_SAMPLE_COUNT,
    SampleLimit,
    StatsManager,
    StatTypeError,
    duration_text,
    render_one,
    render_samples,
    timestamp_text,
)

T0 = 1_700_000_000.0  # 2023-11-14 22:13:20 UTC


def _values(stats: StatsManager, name: str) -> list[object]:
    obs = stats.get(name)
    assert obs is not None
    return [value for value, _ in obs.samples]


def _times(stats: StatsManager, name: str) -> list[float]:
    obs = stats.get(name)
    assert obs is not None
    return [ts for _, ts in obs.samples]


def test_add_creates_then_accumulates_newest_first() -> None:
    stats = StatsManager()
    stats.add("pkt6-received", 1, T0)
    stats.add("pkt6-received", 2, T0 + 1)
    stats.add("pkt6-received", -1, T0 + 2)
    assert stats.value("pkt6-received") == 2
    assert _values(stats, "pkt6-received") == [2, 3, 1]
    assert _times(stats, "pkt6-received") == [T0 + 2, T0 + 1, T0]


def test_set_records_value_and_subnet_names_are_plain_strings() -> None:
    stats = StatsManager()
    stats.set("subnet[1].total-nas", 240, T0)
    stats.set("subnet[1].total-nas", 250, T0 + 1)
    assert _values(stats, "subnet[1].total-nas") == [250, 240]
    assert "subnet[1].total-nas" in stats
    assert stats.value("subnet[2].total-nas", -1) == -1


def test_default_keeps_twenty_samples() -> None:
    stats = StatsManager()
    for i in range(25):
        stats.set("x", i, T0 + i)
    assert DEFAULT_MAX_SAMPLE_COUNT == 20
    assert _values(stats, "x") == list(range(24, 4, -1))


def test_count_limit_trims_immediately_and_disables_age() -> None:
    stats = StatsManager()
    for i in range(10):
        stats.set("x", i, T0 + i)
    assert stats.set_max_sample_age("x", 100)
    assert stats.set_max_sample_count("x", 3)
    assert _values(stats, "x") == [9, 8, 7]
    stats.set("x", 10, T0 + 10)
    assert _values(stats, "x") == [10, 9, 8]
    obs = stats.get("x")
    assert obs is not None and obs.limit == SampleLimit(3, 100)


def test_age_limit_keeps_samples_within_duration_of_newest() -> None:
    stats = StatsManager()
    for i in range(10):
        stats.set("x", i, T0 + i)
    assert stats.set_max_sample_age("x", 3)
    assert _values(stats, "x") == [9, 8, 7, 6]
    for i in range(30):  # 0.1 s apart: the count limit of 20 no longer applies
        stats.set("x", 100 + i, T0 + 20 + i / 10)
    assert _values(stats, "x") == list(range(129, 99, -1))


def test_age_limit_zero_keeps_only_same_instant_samples() -> None:
    stats = StatsManager()
    stats.set("x", 1, T0)
    stats.set_max_sample_age("x", 0)
    stats.set("x", 2, T0 + 1)
    stats.set("x", 3, T0 + 1)
    assert _values(stats, "x") == [3, 2]


def test_limits_on_unknown_statistic_report_false() -> None:
    stats = StatsManager()
    assert not stats.set_max_sample_age("nope", 1)
    assert not stats.set_max_sample_count("nope", 1)
    assert not stats.reset("nope", T0)
    assert not stats.remove("nope")


def test_count_zero_keeps_newest_sample_so_the_value_survives() -> None:
    # Kea 2.2 empties the history and then fails on every read; Pukeko keeps the newest sample.
    stats = StatsManager()
    stats.set("x", 5, T0)
    stats.set("x", 6, T0 + 1)
    stats.set_max_sample_count("x", 0)
    assert _values(stats, "x") == [6]
    stats.add("x", 1, T0 + 2)
    stats.add("x", 1, T0 + 3)
    assert _values(stats, "x") == [8]
    obs = stats.get("x")
    assert obs is not None
    assert render_samples(obs, UTC) == [[8, "2023-11-14 22:13:23.000000"]]


def test_fast_and_slow_add_paths_agree() -> None:
    fast, slow = StatsManager(), StatsManager()
    fast.set("x", 0, T0)
    slow.set("x", 0, T0)
    slow.set_max_sample_age("x", 1000)  # the age path goes through the general code
    for i in range(30):
        fast.add("x", i, T0 + i)
        slow.add("x", i, T0 + i)
    assert _values(fast, "x") == _values(slow, "x")[:20]
    assert fast.value("x") == sum(range(30))


def test_negative_count_wraps_like_kea_uint32() -> None:
    stats = StatsManager()
    stats.set("x", 1, T0)
    stats.set_max_sample_count("x", -1)
    obs = stats.get("x")
    assert obs is not None and obs.limit.count == 0xFFFFFFFF


@pytest.mark.parametrize(
    ("value", "neutral"),
    [(7, 0), (2.5, 0.0), (timedelta(seconds=3), timedelta(0)), ("abc", "")],
)
def test_reset_records_neutral_value_only(value: object, neutral: object) -> None:
    stats = StatsManager()
    stats.set("x", value, T0)  # type: ignore[arg-type]
    stats.set("x", value, T0 + 1)  # type: ignore[arg-type]
    assert stats.reset("x", T0 + 5)
    assert _values(stats, "x") == [neutral]
    assert _times(stats, "x") == [T0 + 5]


def test_add_for_float_duration_string() -> None:
    stats = StatsManager()
    stats.add("f", 1.5, T0)
    stats.add("f", 1.0, T0)
    stats.add("d", timedelta(seconds=1), T0)
    stats.add("d", timedelta(seconds=2), T0)
    stats.add("s", "ab", T0)
    stats.add("s", "cd", T0)
    assert (stats.value("f"), stats.value("d"), stats.value("s")) == (
        2.5,
        timedelta(seconds=3),
        "abcd",
    )


def test_type_mismatch_raises_with_kea_wording() -> None:
    stats = StatsManager()
    stats.set("x", 1, T0)
    with pytest.raises(
        StatTypeError, match=r"requested: float\(1\), but the actual type is integer"
    ):
        stats.add("x", 1.5, T0)
    with pytest.raises(StatTypeError):
        stats.set("x", "text", T0)
    assert _values(stats, "x") == [1]


def test_reset_all_and_remove_all() -> None:
    stats = StatsManager()
    stats.set("a", 3, T0)
    stats.set("b", "z", T0)
    stats.reset_all(T0 + 1)
    assert (stats.value("a"), stats.value("b")) == (0, "")
    assert stats.remove("a")
    assert stats.names() == ["b"]
    stats.remove_all()
    assert len(stats) == 0


def test_count_set_all_changes_default_and_every_statistic() -> None:
    stats = StatsManager()
    for i in range(5):
        stats.set("a", i, T0 + i)
    stats.set_max_sample_count_all(2)
    assert _values(stats, "a") == [4, 3]
    for i in range(5):
        stats.set("new", i, T0 + i)
    assert _values(stats, "new") == [4, 3]
    assert stats.max_sample_count_default == 2


def test_age_set_all_switches_default_to_age() -> None:
    stats = StatsManager()
    for i in range(5):
        stats.set("a", i, T0 + i)
    stats.set_max_sample_age_all(1)
    assert _values(stats, "a") == [4, 3]
    assert stats.max_sample_count_default == 0
    for i in range(30):
        stats.set("new", i, T0 + i / 100)
    assert len(_values(stats, "new")) == 30  # no count limit any more


def test_config_defaults_count() -> None:
    stats = StatsManager()
    for i in range(5):
        stats.set("a", i, T0 + i)
    stats.apply_config_defaults(1, None)
    assert _values(stats, "a") == [4]
    stats.set("b", 1, T0)
    stats.set("b", 2, T0)
    assert _values(stats, "b") == [2]


def test_config_defaults_count_zero_uses_age() -> None:
    stats = StatsManager()
    for i in range(5):
        stats.set("a", i, T0 + i)
    stats.apply_config_defaults(0, 2)
    assert _values(stats, "a") == [4, 3, 2]
    assert stats.default_limit == SampleLimit(None, 2)


def test_config_defaults_age_alone_limits_existing_but_not_the_default() -> None:
    # Kea 2.2 SrvConfig::updateStatistics: without a count the age goes to every statistic,
    # while new statistics keep the count default.
    stats = StatsManager()
    for i in range(5):
        stats.set("a", i, T0 + i)
    stats.apply_config_defaults(None, 1)
    assert _values(stats, "a") == [4, 3]
    assert stats.default_limit == SampleLimit(20, 1)


def test_config_kea_defaults_keep_twenty() -> None:
    stats = StatsManager()
    for i in range(25):
        stats.set("a", i, T0 + i)
    stats.apply_config_defaults(20, 0)
    assert len(_values(stats, "a")) == 20


def test_apply_engine_deltas() -> None:
    stats = StatsManager()
    stats.apply([("pkt6-received", 1), ("pkt6-solicit-received", 1), ("pkt6-received", 1)], T0)
    assert stats.value("pkt6-received") == 2
    assert stats.value("pkt6-solicit-received") == 1
    assert list(stats) == ["pkt6-received", "pkt6-solicit-received"]


def test_timestamp_text_truncates_microseconds() -> None:
    assert timestamp_text(T0 + 0.123456, UTC) == "2023-11-14 22:13:20.123456"
    assert timestamp_text(T0 + 0.9999995, UTC) == "2023-11-14 22:13:20.999999"
    assert timestamp_text(T0, timezone(timedelta(hours=13))) == "2023-11-15 11:13:20.000000"


def test_duration_text() -> None:
    assert duration_text(timedelta(0)) == "00:00:00.000000"
    assert duration_text(timedelta(hours=26, minutes=3, seconds=4, microseconds=5)) == (
        "26:03:04.000005"
    )


def test_render_one_and_all_match_kea_shapes() -> None:
    stats = StatsManager()
    stats.set("b", 1, T0)
    stats.set("b", 2, T0 + 1.5)
    stats.set("a", timedelta(seconds=61), T0)
    assert render_one(stats, "b", UTC) == {
        "b": [[2, "2023-11-14 22:13:21.500000"], [1, "2023-11-14 22:13:20.000000"]]
    }
    assert render_one(stats, "zzz", UTC) == {}
    everything = {name: render_samples(obs, UTC) for name, obs in stats.get_all().items()}
    assert list(everything) == ["a", "b"]
    assert everything["a"] == [["00:01:01.000000", "2023-11-14 22:13:20.000000"]]
