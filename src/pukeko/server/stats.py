"""The statistics manager: named observations with sample history, as Kea's StatsMgr keeps them.

Pure: every mutating call takes ``now`` (seconds since the epoch, a float); nothing reads a clock.
Rules (Kea 2.2 ``lib/stats/observation.cc``, ARM "Statistics"):

- An observation has one type (integer, float, duration, string) fixed by its first value;
  ``add``/``set`` with another type is an error (:class:`StatTypeError`).
- Samples are kept newest first. A new sample is pushed at the front, then the history is cut
  either to ``max-sample-count`` samples, or so that the newest and the oldest samples are at most
  ``max-sample-age`` seconds apart. Exactly one of the two limits is active: setting one disables
  the other. New observations take the global defaults (count 20, age limit inactive).
  The newest sample is always kept (Kea 2.2 lets a count of 0 empty the history and then fails
  on every read or add of that statistic).
- ``reset`` clears the history and records the type's neutral value (0, 0.0, 00:00:00, "").
- Adding to a statistic that does not exist creates it with the increment as its value.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta, tzinfo
from enum import Enum

StatValue = int | float | timedelta | str
Sample = tuple[StatValue, float]

DEFAULT_MAX_SAMPLE_COUNT = 20  # Kea 2.2 Observation::default_max_sample_count_
UINT32_MASK = 0xFFFFFFFF


class StatKind(Enum):
    """Kea's observation types (``Observation::Type``), with Kea's ``typeToText`` names."""

    INTEGER = "integer(0)"
    FLOAT = "float(1)"
    DURATION = "duration(2)"
    STRING = "string(3)"


NEUTRAL: dict[StatKind, StatValue] = {
    StatKind.INTEGER: 0,
    StatKind.FLOAT: 0.0,
    StatKind.DURATION: timedelta(0),
    StatKind.STRING: "",
}


class StatTypeError(ValueError):
    """A value of one type was used with an observation of another type."""


def kind_of(value: StatValue) -> StatKind:
    """The observation type a Python value maps to (bool counts as integer)."""
    if isinstance(value, int):
        return StatKind.INTEGER
    if isinstance(value, float):
        return StatKind.FLOAT
    if isinstance(value, timedelta):
        return StatKind.DURATION
    if isinstance(value, str):
        return StatKind.STRING
    raise StatTypeError(f"unsupported statistic value type: {type(value).__name__}")


@dataclass(frozen=True, slots=True)
class SampleLimit:
    """Which history limit is active: ``count`` samples when set, else ``age`` seconds."""

    count: int | None = DEFAULT_MAX_SAMPLE_COUNT
    age: float = 0.0


@dataclass(slots=True)
class Observation:
    """One named statistic: its type, its samples (newest first) and its history limit."""

    name: str
    kind: StatKind
    limit: SampleLimit
    samples: deque[Sample] = field(default_factory=deque)

    @property
    def value(self) -> StatValue:
        """The newest value (the type's neutral value when the history is empty)."""
        return self.samples[0][0] if self.samples else NEUTRAL[self.kind]

    def record(self, value: StatValue, now: float) -> None:
        """Push a new sample at the front and trim the history to the active limit."""
        if kind_of(value) is not self.kind:
            raise StatTypeError(
                f"Invalid statistic type requested: {kind_of(value).value}, "
                f"but the actual type is {self.kind.value}"
            )
        self.samples.appendleft((value, now))
        self.trim()

    def trim(self) -> None:
        """Drop the oldest samples beyond the active limit, always keeping the newest one."""
        samples = self.samples
        count = self.limit.count
        if count is not None:
            # Kea 2.2 lets a limit of 0 empty the history, after which the statistic can no
            # longer be read or added to; Pukeko keeps the newest sample so the value stays right.
            keep = max(count, 1)
            while len(samples) > keep:
                samples.pop()
            return
        while len(samples) > 1 and samples[0][1] - samples[-1][1] > self.limit.age:
            samples.pop()


class StatsManager:
    """All statistics of one server, by name (``"pkt6-received"``, ``"subnet[1].assigned-nas"``)."""

    def __init__(self) -> None:
        self._stats: dict[str, Observation] = {}
        self._default = SampleLimit()

    # -- values ---------------------------------------------------------------------------------

    def set(self, name: str, value: StatValue, now: float) -> None:
        """Record ``value`` as the statistic's newest sample, creating it if needed."""
        obs = self._stats.get(name)
        if obs is None:
            obs = Observation(name, kind_of(value), self._default)
            self._stats[name] = obs
        obs.record(value, now)

    def add(self, name: str, delta: StatValue, now: float) -> None:
        """Add ``delta`` to the newest value (strings concatenate); creates a missing statistic."""
        obs = self._stats.get(name)
        if obs is None:
            self.set(name, delta, now)
            return
        samples = obs.samples
        count = obs.limit.count
        if type(delta) is int and obs.kind is StatKind.INTEGER and count is not None:
            # the per-packet fast path: an integer counter with a count limit
            current = samples[0][0] if samples else 0
            assert isinstance(current, int)  # an INTEGER observation holds ints only
            samples.appendleft((current + delta, now))
            if len(samples) > count and len(samples) > 1:
                samples.pop()
            return
        if kind_of(delta) is not obs.kind:
            obs.record(delta, now)  # raises the Kea-worded type error
        current = obs.value
        obs.record(current + delta, now)  # type: ignore[operator]

    def apply(self, deltas: Iterable[tuple[str, int]], now: float) -> None:
        """Apply an engine Outcome's ``stat_deltas`` (``(name, increment)`` pairs).

        Same effect as ``add`` for each pair; integer counters with a count limit (the
        per-packet case) are updated inline.
        """
        stats = self._stats
        integer = StatKind.INTEGER
        for name, delta in deltas:
            obs = stats.get(name)
            if obs is None or obs.kind is not integer or type(delta) is not int:
                self.add(name, delta, now)
                continue
            count = obs.limit.count
            if count is None:
                self.add(name, delta, now)
                continue
            samples = obs.samples
            samples.appendleft(((samples[0][0] if samples else 0) + delta, now))  # type: ignore[operator]
            if len(samples) > count and len(samples) > 1:
                samples.pop()

    def get(self, name: str) -> Observation | None:
        """The observation called ``name``, or None."""
        return self._stats.get(name)

    def value(self, name: str, default: StatValue = 0) -> StatValue:
        """The newest value of ``name``, or ``default`` when there is no such statistic."""
        obs = self._stats.get(name)
        return default if obs is None else obs.value

    def get_all(self) -> dict[str, Observation]:
        """Every observation by name, in name order (Kea's ``std::map`` order)."""
        return {name: self._stats[name] for name in sorted(self._stats)}

    def names(self) -> list[str]:
        """Every statistic name, sorted."""
        return sorted(self._stats)

    def __contains__(self, name: object) -> bool:
        return name in self._stats

    def __iter__(self) -> Iterator[str]:
        return iter(self.names())

    def __len__(self) -> int:
        return len(self._stats)

    def reset(self, name: str, now: float) -> bool:
        """Clear the history and record the neutral value; False when there is no such statistic."""
        obs = self._stats.get(name)
        if obs is None:
            return False
        obs.samples.clear()
        obs.record(NEUTRAL[obs.kind], now)
        return True

    def reset_all(self, now: float) -> None:
        """Reset every statistic."""
        for name in self._stats:
            self.reset(name, now)

    def remove(self, name: str) -> bool:
        """Forget a statistic; False when there is no such statistic."""
        return self._stats.pop(name, None) is not None

    def remove_all(self) -> None:
        """Forget every statistic."""
        self._stats.clear()

    # -- sample limits ----------------------------------------------------------------------------

    @property
    def default_limit(self) -> SampleLimit:
        """The limit new observations start with."""
        return self._default

    def set_max_sample_count(self, name: str, count: int) -> bool:
        """Keep at most ``count`` samples of ``name`` (disables its age limit)."""
        obs = self._stats.get(name)
        if obs is None:
            return False
        _limit_count(obs, count)
        return True

    def set_max_sample_age(self, name: str, seconds: float) -> bool:
        """Keep samples of ``name`` spanning at most ``seconds`` (disables its count limit)."""
        obs = self._stats.get(name)
        if obs is None:
            return False
        _limit_age(obs, seconds)
        return True

    def set_max_sample_count_default(self, count: int) -> None:
        """Default count limit for new observations; 0 switches the default to the age limit."""
        count &= UINT32_MASK
        self._default = SampleLimit(count or None, self._default.age)

    def set_max_sample_age_default(self, seconds: float) -> None:
        """Default age limit for new observations (in force only when the count default is 0)."""
        self._default = SampleLimit(self._default.count, seconds)

    @property
    def max_sample_count_default(self) -> int:
        """The default count limit, 0 when the default is the age limit."""
        return self._default.count or 0

    def set_max_sample_count_all(self, count: int) -> None:
        """``statistic-sample-count-set-all``: default and every observation keep ``count``."""
        self.set_max_sample_count_default(count)
        for obs in self._stats.values():
            _limit_count(obs, count)

    def set_max_sample_age_all(self, seconds: float) -> None:
        """``statistic-sample-age-set-all``: default and every observation limited by age."""
        self.set_max_sample_count_default(0)
        self.set_max_sample_age_default(seconds)
        for obs in self._stats.values():
            _limit_age(obs, seconds)

    def apply_config_defaults(self, sample_count: int | None, sample_age: int | None) -> None:
        """Apply ``statistic-default-sample-count`` / ``-age`` as Kea does on each (re)config."""
        # Kea 2.2 SrvConfig::updateStatistics.
        count = 0
        if sample_count is not None:
            count = sample_count
            self.set_max_sample_count_default(count)
            if count != 0:
                for obs in self._stats.values():
                    _limit_count(obs, count)
        if sample_age is not None:
            self.set_max_sample_age_default(sample_age)
            if count == 0:
                for obs in self._stats.values():
                    _limit_age(obs, sample_age)


def _limit_count(obs: Observation, count: int) -> None:
    obs.limit = SampleLimit(count & UINT32_MASK, obs.limit.age)
    obs.trim()


def _limit_age(obs: Observation, seconds: float) -> None:
    obs.limit = SampleLimit(None, seconds)
    obs.trim()


# -- rendering (Kea's getJSON and util/chrono_time_utils) --------------------------------------


def timestamp_text(timestamp: float, tz: tzinfo | None = None) -> str:
    """Kea's ``clockToText``: ``YYYY-MM-DD HH:MM:SS.ffffff`` in ``tz`` (local time when None)."""
    whole = math.floor(timestamp)
    micros = int((timestamp - whole) * 1_000_000)
    moment = datetime.fromtimestamp(whole, tz)
    return moment.strftime("%Y-%m-%d %H:%M:%S") + f".{micros:06d}"


def duration_text(value: timedelta) -> str:
    """Kea's ``durationToText``: ``HH:MM:SS.ffffff`` (hours not wrapped at 24)."""
    micros = value // timedelta(microseconds=1)
    secs, frac = divmod(micros, 1_000_000)
    hours, rest = divmod(secs, 3600)
    mins, secs = divmod(rest, 60)
    return f"{hours:02d}:{mins:02d}:{secs:02d}.{frac:06d}"


def render_value(value: StatValue) -> int | float | str:
    """A sample value as Kea puts it in JSON (durations become text)."""
    if isinstance(value, timedelta):
        return duration_text(value)
    return value


def render_samples(obs: Observation, tz: tzinfo | None = None) -> list[list[int | float | str]]:
    """An observation's samples as Kea's ``[[value, "timestamp"], ...]``, newest first."""
    return [[render_value(value), timestamp_text(ts, tz)] for value, ts in obs.samples]


def render_one(stats: StatsManager, name: str, tz: tzinfo | None = None) -> dict[str, object]:
    """``statistic-get`` arguments: ``{name: samples}``, or ``{}`` for an unknown name."""
    obs = stats.get(name)
    return {} if obs is None else {name: render_samples(obs, tz)}
