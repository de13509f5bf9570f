"""Differential test of Client FQDN (option 39) replies and lease names against Kea 2.2.

``diff6_fqdn_script`` has one subnet per DDNS behaviour (replace-client-name modes, qualifying
suffix, generated prefix, override flags, hostname sanitizing, send-updates off). The script is
played with ``dhcp-ddns.enable-updates`` true and false; each server runs once per setting.
Besides the replies, the hostname and fqdn_fwd/fqdn_rev each server stored with the lease
(Kea's memfile CSV vs Pukeko's) must be the same.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from tests.system import diff6_fqdn_script as script
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

if not (Path(__file__).resolve().parents[2] / "src" / "pukeko" / "ddns").is_dir():
    pytest.skip(
        "the engine has no Client FQDN handling yet (src/pukeko/ddns is missing)",
        allow_module_level=True,
    )

# exchange -> description of a Pukeko engine bug that makes its answer differ from Kea's
ENGINE_BUGS: dict[str, str] = {}
ENGINE_BUGS_UPDATES_OFF: dict[str, str] = {}

SETTINGS = {"on": True, "off": False}
SUITES = {
    key: Suite(
        script.SCRIPT,
        script.config_for(enabled),
        script.EXPECTED,
        script.POOLS,
        ENGINE_BUGS if enabled else ENGINE_BUGS_UPDATES_OFF,
    )
    for key, enabled in SETTINGS.items()
}
LeaseNames = dict[str, tuple[str, str, str]]


def _runs(factory, tmp: pytest.TempPathFactory, kind: str) -> dict[str, Run]:  # type: ignore[no-untyped-def]
    return {key: factory(suite, tmp.mktemp(f"{kind}-{key}")) for key, suite in SUITES.items()}


@pytest.fixture(scope="module")
def kea(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Run]:
    """Kea 2.2's answers, updates on and off."""
    return _runs(kea_run, tmp_path_factory, "kea")


@pytest.fixture(scope="module")
def pukeko(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Run]:
    """The Pukeko daemon's answers, updates on and off."""
    return _runs(pukeko_run, tmp_path_factory, "pukeko")


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Run]:
    """The in-process engine's answers, updates on and off."""
    return _runs(engine_run, tmp_path_factory, "engine")


def _params() -> list[object]:
    params: list[object] = []
    for key, suite in SUITES.items():
        for param in comparison_params(suite):
            params.append(
                pytest.param(key, *param.values, marks=param.marks, id=f"{key}-{param.id}")
            )
    return params


@pytest.mark.parametrize("setting", list(SETTINGS))
@pytest.mark.parametrize("exchange", SUITES["on"].exchanges)
def test_kea_answers_as_scripted(kea: dict[str, Run], setting: str, exchange: str) -> None:
    """The script is right: Kea answers every step."""
    assert_kea_as_scripted(SUITES[setting], kea[setting], exchange)


@pytest.mark.parametrize(("setting", "exchange"), _params())
def test_pukeko_answers_like_kea(
    kea: dict[str, Run], pukeko: dict[str, Run], setting: str, exchange: str
) -> None:
    """The daemon's normalised answers equal Kea's."""
    assert_like_kea(kea[setting], pukeko[setting], exchange)


@pytest.mark.parametrize(("setting", "exchange"), _params())
def test_engine_answers_like_kea(
    kea: dict[str, Run], engine: dict[str, Run], setting: str, exchange: str
) -> None:
    """The engine's normalised answers equal Kea's."""
    assert_like_kea(kea[setting], engine[setting], exchange)


def _lease_names(run: Run) -> LeaseNames:
    """exchange -> (hostname, fqdn_fwd, fqdn_rev) of the last row of its client's lease."""
    path = run.workdir / f"{run.played.kind}-leases6.csv"
    by_duid: dict[str, tuple[str, str, str]] = {}
    with open(path, newline="") as handle:
        for row in csv.DictReader(handle):
            by_duid[row["duid"].replace(":", "")] = (
                row["hostname"],
                row["fqdn_fwd"],
                row["fqdn_rev"],
            )
    return {
        name: by_duid.get(duid.hex(), ("<no lease>", "", ""))
        for name, duid in script.DUID_OF_EXCHANGE.items()
    }


@pytest.mark.parametrize("setting", list(SETTINGS))
def test_lease_names_like_kea(kea: dict[str, Run], pukeko: dict[str, Run], setting: str) -> None:
    """The daemon stores the same hostname and forward/reverse flags as Kea in its lease file."""
    expected = _lease_names(kea[setting])
    got = _lease_names(pukeko[setting])
    differ = {name: (expected[name], got[name]) for name in expected if expected[name] != got[name]}
    assert not differ, f"(kea, pukeko) lease names differ: {differ}"


def test_kea_answers_option_39(kea: dict[str, Run]) -> None:
    """Kea answers option 39 either way: S kept with updates on, N and O set with them off."""
    on = kea["on"].answers["never_full_s"][1][1]
    off = kea["off"].answers["never_full_s"][1][1]
    name = ["host-a.example.org"]
    assert [39, {"flags": 0x01, "name": name}] in on["options"]
    assert [39, {"flags": 0x06, "name": name}] in off["options"]


def test_suite_is_consistent() -> None:
    """Expectations and bug entries name the script's exchanges."""
    for suite in SUITES.values():
        assert_suite_consistent(suite)
