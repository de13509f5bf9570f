"""Configurations Kea 2.2 refuses are refused by Pukeko too, naming the key path and position.

Each case is checked against Kea itself first (so the expectation is Kea's, not ours), then
against Pukeko, whose message must name the key path and the file:line:column of the culprit.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from tests.support.kea import kea_check, kea_namespace

from pukeko.cli.daemon import load_file
from pukeko.config.errors import ConfigErrors

pytestmark = pytest.mark.kea

SUBNET6 = {
    "id": 1,
    "subnet": "2001:db8:1::/64",
    "pools": [{"pool": "2001:db8:1::10-2001:db8:1::ff"}],
}
IP4 = ["192.0.2.5", "192.0.2.6"]
SUBNET4 = {"id": 1, "subnet": "192.0.2.0/24", "pools": [{"pool": "192.0.2.10 - 192.0.2.99"}]}


def v6(**globals_: Any) -> dict[str, Any]:
    return {"Dhcp6": {"interfaces-config": {"interfaces": ["eth0"]}, **globals_}}


def v4(**globals_: Any) -> dict[str, Any]:
    return {"Dhcp4": {"interfaces-config": {"interfaces": ["eth0"]}, **globals_}}


def sub6(**changes: Any) -> dict[str, Any]:
    return {**SUBNET6, **changes}


def sub4(**changes: Any) -> dict[str, Any]:
    return {**SUBNET4, **changes}


# (family, name, config, a fragment the reported key path must contain)
CASES: list[tuple[int, str, dict[str, Any], str]] = [
    (6, "unknown-global-key", v6(**{"valid-lifetme": 10}), "valid-lifetme"),
    (6, "string-for-integer", v6(**{"valid-lifetime": "long"}), "valid-lifetime"),
    (6, "subnet-not-a-prefix", v6(subnet6=[sub6(subnet="2001:db8:1::/129")]), "subnet6[0]"),
    (
        6,
        "pool-outside-subnet",
        v6(subnet6=[sub6(pools=[{"pool": "2001:db8:2::1-2001:db8:2::9"}])]),
        "subnet6[0].pools[0]",
    ),
    (
        6,
        "overlapping-pools",
        v6(subnet6=[sub6(pools=[{"pool": "2001:db8:1::/80"}, {"pool": "2001:db8:1::5/128"}])]),
        "subnet6[0].pools[1]",
    ),
    (
        6,
        "duplicate-subnet-id",
        v6(subnet6=[SUBNET6, sub6(subnet="2001:db8:2::/64", pools=[])]),
        "subnet6[1]",
    ),
    (6, "duplicate-subnet-prefix", v6(subnet6=[SUBNET6, sub6(id=2, pools=[])]), "subnet6[1]"),
    (
        6,
        "bad-option-value",
        v6(**{"option-data": [{"name": "dns-servers", "data": "not-an-address"}]}),
        "option-data[0]",
    ),
    (
        6,
        "unknown-option-name",
        v6(**{"option-data": [{"name": "no-such-opt", "data": "1"}]}),
        "option-data[0]",
    ),
    (
        6,
        "pd-delegated-shorter-than-prefix",
        v6(
            subnet6=[
                sub6(
                    **{
                        "pd-pools": [
                            {"prefix": "2001:db8:8::", "prefix-len": 56, "delegated-len": 48}
                        ]
                    }
                )
            ]
        ),
        "subnet6[0].pd-pools[0]",
    ),
    (
        6,
        "bad-option-def-type",
        v6(**{"option-def": [{"name": "foo", "code": 222, "type": "wrong"}]}),
        "option-def[0]",
    ),
    (
        6,
        "reservation-bad-duid",
        v6(subnet6=[sub6(reservations=[{"duid": "zz:zz", "ip-addresses": ["2001:db8:1::100"]}])]),
        "subnet6[0].reservations[0]",
    ),
    (4, "unknown-subnet-key", v4(subnet4=[sub4(**{"pool": "x"})]), "subnet4[0]"),
    (
        4,
        "pool-outside-subnet",
        v4(subnet4=[sub4(pools=[{"pool": "198.51.100.1 - 198.51.100.9"}])]),
        "subnet4[0].pools[0]",
    ),
    (
        4,
        "duplicate-subnet-id",
        v4(subnet4=[SUBNET4, sub4(subnet="198.51.100.0/24", pools=[])]),
        "subnet4[1]",
    ),
    (
        4,
        "bad-routers-option",
        v4(**{"option-data": [{"name": "routers", "data": "192.0.2.300"}]}),
        "option-data[0]",
    ),
    (
        4,
        "renew-after-rebind",
        v4(**{"renew-timer": 3000, "rebind-timer": 2000}, subnet4=[SUBNET4]),
        "renew-timer",
    ),
    (
        4,
        "duplicate-hw-address-reservation",
        v4(
            subnet4=[
                sub4(
                    reservations=[
                        {"hw-address": "aa:bb:cc:dd:ee:ff", "ip-address": "192.0.2.5"},
                        {"hw-address": "aa:bb:cc:dd:ee:ff", "ip-address": "192.0.2.6"},
                    ]
                )
            ]
        ),
        "subnet4[0].reservations",
    ),
    (
        6,
        "address-and-prefix-at-one-start-in-one-host",
        v6(
            subnet6=[
                sub6(
                    reservations=[
                        {
                            "duid": "01:02:03",
                            "ip-addresses": ["2001:db8:1::100"],
                            "prefixes": ["2001:db8:1::100/120"],
                        }
                    ]
                )
            ]
        ),
        "reservations[0].prefixes[0]",
    ),
    (
        6,
        "address-and-prefix-at-one-start-in-two-hosts",
        v6(
            subnet6=[
                sub6(
                    reservations=[
                        {"duid": "01:02:03", "ip-addresses": ["2001:db8:1::100"]},
                        {"duid": "01:02:04", "prefixes": ["2001:db8:1::100/120"]},
                    ]
                )
            ]
        ),
        "reservations[1].prefixes[0]",
    ),
]


@pytest.fixture(scope="module")
def kea_netns() -> Iterator[str]:
    with kea_namespace(["eth0"]) as ns:
        yield ns


@pytest.mark.parametrize(("family", "name", "config", "where"), CASES, ids=[c[1] for c in CASES])
def test_refused_like_kea(
    family: int, name: str, config: dict[str, Any], where: str, kea_netns: str, tmp_path: Path
) -> None:
    path = tmp_path / f"{name}.json"
    path.write_text(json.dumps(config, indent=2))
    kea = kea_check(family, path, kea_netns)
    assert not kea.ok, f"fixture error: Kea accepts {name}"
    with pytest.raises(ConfigErrors) as info:
        load_file(family, str(path))
    messages = [str(e) for e in info.value.errors]
    assert any(where in m and f"{path}:" in m for m in messages), messages


def test_all_errors_are_reported_at_once(tmp_path: Path) -> None:
    config = v6(**{"valid-lifetme": 1, "renew-timer": "x"}, subnet6=[sub6(subnet="bad")])
    path = tmp_path / "many.json"
    path.write_text(json.dumps(config, indent=2))
    with pytest.raises(ConfigErrors) as info:
        load_file(6, str(path))
    text = str(info.value)
    assert "valid-lifetme" in text and "renew-timer" in text and "subnet6[0]" in text
