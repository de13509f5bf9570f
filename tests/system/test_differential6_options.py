"""Differential test of option precedence: Kea 2.2 and Pukeko answer the same script alike.

The configuration (``diff6_options_script``) defines the same options at the pool, subnet,
shared-network, class and global levels, ``always-send`` set at one level and the value at
another, a custom option encapsulating a custom space, Cable Labs and custom vendor options,
``csv-format: false`` data, and ORO codes nobody configured. Each server runs once for the
module; see ``diff6_suite`` for the comparison rules.
"""

from __future__ import annotations

import pytest
from tests.system import diff6_options_script as script
from tests.system.diff6_suite import (
    Run,
    Suite,
    assert_kea_as_scripted,
    assert_like_kea,
    assert_suite_consistent,
    comparison_params,
    engine_run,
    kea_run,
    pukeko_run,
)

# exchange -> description of a Pukeko engine bug that makes its answer differ from Kea's
ENGINE_BUGS: dict[str, str] = {}

SUITE = Suite(script.SCRIPT, script.server_config, script.EXPECTED, script.POOLS, ENGINE_BUGS)


@pytest.fixture(scope="module")
def kea(tmp_path_factory: pytest.TempPathFactory) -> Run:
    """Kea 2.2's answers."""
    return kea_run(SUITE, tmp_path_factory.mktemp("kea"))


@pytest.fixture(scope="module")
def pukeko(tmp_path_factory: pytest.TempPathFactory) -> Run:
    """The Pukeko daemon's answers."""
    return pukeko_run(SUITE, tmp_path_factory.mktemp("pukeko"))


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory) -> Run:
    """The in-process engine's answers."""
    return engine_run(SUITE, tmp_path_factory.mktemp("engine"))


@pytest.mark.parametrize("exchange", SUITE.exchanges)
def test_kea_answers_as_scripted(kea: Run, exchange: str) -> None:
    """The script is right: Kea answers (or stays silent) where it expects."""
    assert_kea_as_scripted(SUITE, kea, exchange)


@pytest.mark.parametrize("exchange", comparison_params(SUITE))
def test_pukeko_answers_like_kea(kea: Run, pukeko: Run, exchange: str) -> None:
    """The daemon's normalised answers equal Kea's."""
    assert_like_kea(kea, pukeko, exchange)


@pytest.mark.parametrize("exchange", comparison_params(SUITE))
def test_engine_answers_like_kea(kea: Run, engine: Run, exchange: str) -> None:
    """The engine's normalised answers equal Kea's."""
    assert_like_kea(kea, engine, exchange)


def test_suite_is_consistent() -> None:
    """Expectations and bug entries name the script's exchanges."""
    assert_suite_consistent(SUITE)
