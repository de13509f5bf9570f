"""A differential DHCPv6 suite: one configuration and one script, run on Kea 2.2 and Pukeko.

The suites of issue 5 (classes, shared networks, option precedence, FQDN) each describe
themselves as a :class:`Suite` and reuse the functions here for their module-scoped fixtures
(each server runs once per module) and their parametrised comparisons: Kea's normalised
answers must match the script's expectations, and Pukeko's (daemon and in-process engine)
must equal Kea's field by field, except for the exchanges listed in ``engine_bugs`` (strict
xfail: the entry has to go the day the bug is fixed).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from ipaddress import IPv6Network
from pathlib import Path
from typing import Any

import pytest
from tests.support.servers import ServerStartError
from tests.system.diff6_normalise import Normaliser, readable_diff
from tests.system.diff6_play import ConfigFn, Played, play
from tests.system.diff6_script import SERVER_DUID_HEX, Session, Step
from tests.system.sysreq import pukeko_daemon_missing, require_kea, require_netns

# Rewrites a normalised exchange (a list of (label, answer) steps).
Rewrite = Callable[[list[tuple[str, Any]]], list[tuple[str, Any]]]

Normalised = list[tuple[str, Any]]
Answers = dict[str, Normalised]


@dataclass(frozen=True)
class Suite:
    """What one differential module plays: script, configuration, expectations, known bugs."""

    script: Sequence[Callable[[Session], list[Step]]]
    config: ConfigFn
    expected: dict[str, list[str | None]]
    pools: list[tuple[str, IPv6Network]]
    engine_bugs: dict[str, str] = field(default_factory=dict)
    # exchange -> (why Pukeko differs from Kea 2.2 on purpose, rewrite of Kea's answers into
    # the answers Pukeko must give); each is written down in docs/compatibility.md
    differences: dict[str, tuple[str, Rewrite]] = field(default_factory=dict)

    @property
    def exchanges(self) -> list[str]:
        """The exchange names, in script order."""
        return [exchange.__name__ for exchange in self.script]


@dataclass(frozen=True)
class Run:
    """One server's normalised answers and the work directory it ran in."""

    answers: Answers
    workdir: Path
    played: Played


def normalise(suite: Suite, played: Played) -> Answers:
    """Every step's answer in the comparable form (placeholders for chosen addresses)."""
    literal: set[Any] = set(played.literal)
    normaliser = Normaliser(bytes.fromhex(SERVER_DUID_HEX), suite.pools, literal)
    return {
        name: [(label, normaliser.message(data, xid)) for label, xid, data in steps]
        for name, steps in played.steps.items()
    }


def kea_run(suite: Suite, workdir: Path) -> Run:
    """Kea 2.2's answers to the suite (skips without root or Kea)."""
    require_netns()
    require_kea()
    played = play("kea", workdir, suite.script, suite.config)
    return Run(normalise(suite, played), workdir, played)


def pukeko_run(suite: Suite, workdir: Path) -> Run:
    """The Pukeko daemon's answers to the suite (skips when the daemon cannot run)."""
    require_netns()
    missing = pukeko_daemon_missing()
    if missing:
        pytest.skip(missing)
    try:
        played = play("pukeko", workdir, suite.script, suite.config)
    except ServerStartError as exc:
        if "not part of this version" in str(exc):
            pytest.skip("pukeko-dhcp6 cannot serve yet")
        raise
    return Run(normalise(suite, played), workdir, played)


def engine_run(suite: Suite, workdir: Path) -> Run:
    """The in-process engine's answers to the suite (no daemon, no namespaces)."""
    from tests.system.diff6_engine import play_engine

    played = play_engine(workdir, script=suite.script, config_fn=suite.config)
    return Run(normalise(suite, played), workdir, played)


def types(steps: Normalised) -> list[str | None]:
    """The message type of each step's answer (None: no answer)."""
    return [None if answer is None else answer.get("type") for _, answer in steps]


def comparison_params(suite: Suite) -> list[Any]:
    """One pytest param per exchange; engine bugs are strict xfails carrying their description."""
    params: list[Any] = []
    for name in suite.exchanges:
        marks = []
        if name in suite.engine_bugs:
            reason = f"engine bug: {suite.engine_bugs[name]}"
            marks.append(pytest.mark.xfail(strict=True, reason=reason))
        params.append(pytest.param(name, marks=marks, id=name))
    return params


def assert_kea_as_scripted(suite: Suite, kea: Run, exchange: str) -> None:
    """Kea answers (or stays silent) where the script expects: the script itself is right."""
    assert types(kea.answers[exchange]) == suite.expected[exchange], readable_diff(
        suite.expected[exchange], kea.answers[exchange], ("expected", "kea")
    )


def assert_like_kea(kea: Run, other: Run, exchange: str, suite: Suite | None = None) -> None:
    """``other``'s normalised answers equal Kea's, step by step and field by field.

    With ``suite``, an exchange listed in its ``differences`` is compared with Kea's answers
    rewritten the way Pukeko differs on purpose.
    """
    expected = kea.answers[exchange]
    if suite is not None and exchange in suite.differences:
        expected = suite.differences[exchange][1](expected)
    got = other.answers[exchange]
    assert got == expected, f"{exchange}: {other.played.kind} differs from Kea 2.2\n" + (
        readable_diff(expected, got)
    )


def assert_suite_consistent(suite: Suite) -> None:
    """Every expectation and bug entry names an exchange of the script, and names are unique."""
    assert len(set(suite.exchanges)) == len(suite.exchanges)
    assert set(suite.expected) == set(suite.exchanges)
    assert set(suite.engine_bugs) <= set(suite.exchanges)
    assert set(suite.differences) <= set(suite.exchanges)
    assert not set(suite.differences) & set(suite.engine_bugs)


def module_tests(suite: Suite) -> tuple[Callable[..., Any], ...]:
    """The fixtures and tests every differential module runs for its ``suite``.

    A module binds them to module-level names (pytest collects them from there)::

        (kea, pukeko, engine, test_kea_answers_as_scripted, test_pukeko_answers_like_kea,
         test_engine_answers_like_kea, test_suite_is_consistent) = module_tests(SUITE)
    """

    @pytest.fixture(scope="module")
    def kea(tmp_path_factory: pytest.TempPathFactory) -> Run:
        """Kea 2.2's answers."""
        return kea_run(suite, tmp_path_factory.mktemp("kea"))

    @pytest.fixture(scope="module")
    def pukeko(tmp_path_factory: pytest.TempPathFactory) -> Run:
        """The Pukeko daemon's answers."""
        return pukeko_run(suite, tmp_path_factory.mktemp("pukeko"))

    @pytest.fixture(scope="module")
    def engine(tmp_path_factory: pytest.TempPathFactory) -> Run:
        """The in-process engine's answers."""
        return engine_run(suite, tmp_path_factory.mktemp("engine"))

    @pytest.mark.parametrize("exchange", suite.exchanges)
    def test_kea_answers_as_scripted(kea: Run, exchange: str) -> None:
        """The script is right: Kea answers (or stays silent) where it expects."""
        assert_kea_as_scripted(suite, kea, exchange)

    @pytest.mark.parametrize("exchange", comparison_params(suite))
    def test_pukeko_answers_like_kea(kea: Run, pukeko: Run, exchange: str) -> None:
        """The daemon's normalised answers equal Kea's."""
        assert_like_kea(kea, pukeko, exchange, suite)

    @pytest.mark.parametrize("exchange", comparison_params(suite))
    def test_engine_answers_like_kea(kea: Run, engine: Run, exchange: str) -> None:
        """The engine's normalised answers equal Kea's."""
        assert_like_kea(kea, engine, exchange, suite)

    def test_suite_is_consistent() -> None:
        """Expectations, bug and difference entries name the script's exchanges."""
        assert_suite_consistent(suite)

    return (
        kea,
        pukeko,
        engine,
        test_kea_answers_as_scripted,
        test_pukeko_answers_like_kea,
        test_engine_answers_like_kea,
        test_suite_is_consistent,
    )
