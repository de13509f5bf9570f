"""Differential test: the same DHCPv6 exchanges against Kea 2.2 and Pukeko, compared field by field.

Each server runs the configuration of ``diff6_script.server_config`` in its own namespace pair
and answers the whole script of ``diff6_script.SCRIPT``. Every answer is decoded and normalised
(``diff6_normalise``: transaction id, server DUID and the addresses/prefixes the server chose
become placeholders, option order kept) and Pukeko's must equal Kea's. A difference Pukeko makes
on purpose is listed in ``DOCUMENTED_DIFFERENCES`` with the rewrite of Kea's answer it expects;
a difference that is a Pukeko bug is listed in ``ENGINE_BUGS`` (strict xfail, so it shows and
the test fails the day it is fixed, reminding to remove the entry).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from tests.support.servers import ServerStartError
from tests.system.diff6_engine import play_engine
from tests.system.diff6_normalise import Normaliser, readable_diff
from tests.system.diff6_play import Played, play
from tests.system.diff6_script import EXPECTED, POOLS, SCRIPT, SERVER_DUID_HEX
from tests.system.sysreq import pukeko_daemon_missing, require_kea, require_netns

EXCHANGES = [exchange.__name__ for exchange in SCRIPT]
Normalised = list[tuple[str, Any]]

USE_MULTICAST = [13, {"status": 5, "message": "Unicast is not allowed, please use multicast"}]


def _use_multicast_last(steps: Normalised) -> Normalised:
    """Kea's steps with the last answer replaced by Pukeko's UseMulticast Reply."""
    label, kea_answer = steps[-1]
    kept = [opt for opt in kea_answer["options"] if opt[0] in (1, 2)]
    return [*steps[:-1], (label, {**kea_answer, "options": [*kept, USE_MULTICAST]})]


# exchange -> (why Pukeko differs on purpose, rewrite of Kea's normalised steps into Pukeko's)
DOCUMENTED_DIFFERENCES: dict[str, tuple[str, Callable[[Normalised], Normalised]]] = {
    "renew_unicast_link_local": (
        "RFC 8415 §18.4: a Renew unicast to an address interfaces-config does not name for"
        " unicast is answered with UseMulticast (Kea 2.2 processes it); engine.Dhcp6Engine"
        " strict_unicast, the default",
        _use_multicast_last,
    ),
}

# exchange -> description of a Pukeko engine bug that makes its answer differ from Kea's
ENGINE_BUGS: dict[str, str] = {}


def _normalise(played: Played) -> dict[str, Normalised]:
    normaliser = Normaliser(bytes.fromhex(SERVER_DUID_HEX), POOLS, set(played.literal))  # type: ignore[arg-type]
    return {
        name: [(label, normaliser.message(data, xid)) for label, xid, data in steps]
        for name, steps in played.steps.items()
    }


def _types(steps: Normalised) -> list[str | None]:
    return [None if answer is None else answer.get("type") for _, answer in steps]


@pytest.fixture(scope="module")
def kea_run(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Normalised]:
    """Kea 2.2's normalised answers to the script."""
    require_netns()
    require_kea()
    return _normalise(play("kea", tmp_path_factory.mktemp("kea")))


@pytest.fixture(scope="module")
def pukeko_run(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Normalised]:
    """Pukeko's normalised answers to the script."""
    require_netns()
    missing = pukeko_daemon_missing()
    if missing:
        pytest.skip(missing)
    workdir: Path = tmp_path_factory.mktemp("pukeko")
    try:
        return _normalise(play("pukeko", workdir))
    except ServerStartError as exc:
        if "not part of this version" in str(exc):
            pytest.skip("pukeko-dhcp6 cannot serve yet")
        raise


@pytest.fixture(scope="module")
def engine_run(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Normalised]:
    """The sans-I/O engine's normalised answers (in this process, no daemon needed)."""
    return _normalise(play_engine(tmp_path_factory.mktemp("engine")))


@pytest.mark.parametrize("exchange", EXCHANGES)
def test_kea_answers_as_scripted(kea_run: dict[str, Normalised], exchange: str) -> None:
    """The script itself is right: Kea answers (or stays silent) where the script expects."""
    assert _types(kea_run[exchange]) == EXPECTED[exchange]


def _comparison_params() -> list[Any]:
    params: list[Any] = []
    for name in EXCHANGES:
        marks = []
        if name in ENGINE_BUGS:
            marks.append(pytest.mark.xfail(strict=True, reason=f"engine bug: {ENGINE_BUGS[name]}"))
        params.append(pytest.param(name, marks=marks, id=name))
    return params


@pytest.mark.parametrize("exchange", _comparison_params())
def test_pukeko_answers_like_kea(
    kea_run: dict[str, Normalised], pukeko_run: dict[str, Normalised], exchange: str
) -> None:
    """Pukeko's normalised answers equal Kea's, step by step and field by field."""
    expected = kea_run[exchange]
    if exchange in DOCUMENTED_DIFFERENCES:
        expected = DOCUMENTED_DIFFERENCES[exchange][1](expected)
    got = pukeko_run[exchange]
    assert _types(got) == EXPECTED[exchange], readable_diff(expected, got)
    assert got == expected, f"{exchange}: Pukeko differs from Kea 2.2\n" + readable_diff(
        expected, got
    )


@pytest.mark.parametrize("exchange", _comparison_params())
def test_engine_answers_like_kea(
    kea_run: dict[str, Normalised], engine_run: dict[str, Normalised], exchange: str
) -> None:
    """The engine alone (the daemon's core) answers like Kea, under the same expectations."""
    expected = kea_run[exchange]
    if exchange in DOCUMENTED_DIFFERENCES:
        expected = DOCUMENTED_DIFFERENCES[exchange][1](expected)
    got = engine_run[exchange]
    assert got == expected, f"{exchange}: the engine differs from Kea 2.2\n" + readable_diff(
        expected, got
    )


def test_both_servers_use_the_configured_duid(
    kea_run: dict[str, Normalised], pukeko_run: dict[str, Normalised]
) -> None:
    """The server-id option is the configured DUID-LLT on both servers (normalised as such)."""
    for run in (kea_run, pukeko_run):
        first = run["solicit_na"][0][1]
        assert [2, "<server-duid>"] in first["options"]


def test_documented_differences_are_named() -> None:
    """Every documented difference and bug entry names an exchange of the script."""
    assert set(DOCUMENTED_DIFFERENCES) <= set(EXCHANGES)
    assert set(ENGINE_BUGS) <= set(EXCHANGES)
    assert set(EXPECTED) == set(EXCHANGES)
