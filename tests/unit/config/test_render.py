"""Rendering a Config back to Kea JSON: defaults shown, and load(render(load(x))) == load(x)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pukeko.config.errors import ConfigErrors
from pukeko.config.load import load_config
from pukeko.config.model import Config
from pukeko.config.render import render

EXAMPLES = Path("/usr/share/doc/kea/examples")


def _examples() -> list[tuple[int, Path]]:
    return [(f, p) for f in (6, 4) for p in sorted((EXAMPLES / f"kea{f}").glob("*.json"))]


def round_trip(config: Config) -> Config:
    text = json.dumps(render(config))
    return load_config(text, family=config.family, source="rendered").config


@pytest.mark.kea
@pytest.mark.parametrize(("family", "path"), _examples(), ids=lambda v: str(v)[-36:])
def test_example_round_trip(family: int, path: Path) -> None:
    try:
        config = load_config(path.read_text(), family=family, source=str(path)).config
    except ConfigErrors:
        pytest.skip("refused on purpose (unknown hook library, see test_load)")
    assert round_trip(config) == config


def test_examples_are_available() -> None:
    if not EXAMPLES.exists():
        pytest.skip("kea-doc examples are not installed")
    assert len(_examples()) >= 40


def test_render_shows_defaults_and_derived_parameters() -> None:
    config = load_config(
        '{"Dhcp6": {"renew-timer": 100, "subnet6": [{"subnet": "2001:db8::/64",'
        ' "pools": [{"pool": "2001:db8::1-2001:db8::9"}]}]}}',
        family=6,
    ).config
    out = render(config)["Dhcp6"]
    assert isinstance(out, dict)
    assert out["valid-lifetime"] == 7200 and out["preferred-lifetime"] == 3600
    assert out["t1-percent"] == 0.5 and out["decline-probation-period"] == 86400
    subnet = out["subnet6"][0]  # type: ignore[index]
    assert subnet["id"] == 1 and subnet["subnet"] == "2001:db8::/64"
    assert subnet["renew-timer"] == 100  # derived into the subnet, as Kea's config-get shows
    assert subnet["pools"][0]["pool"] == "2001:db8::1-2001:db8::9"
    assert "ddns-send-updates" not in subnet  # run-time inherited: stays global
    assert out["expired-leases-processing"]["max-reclaim-leases"] == 100  # type: ignore[index]


def test_render_converts_reservation_mode() -> None:
    config = load_config(
        '{"Dhcp4": {"subnet4": [{"subnet": "192.0.2.0/24", "reservation-mode": "disabled"}]}}',
        family=4,
    ).config
    subnet = render(config)["Dhcp4"]["subnet4"][0]  # type: ignore[index]
    assert "reservation-mode" not in subnet
    assert (
        subnet["reservations-global"],
        subnet["reservations-in-subnet"],
        subnet["reservations-out-of-pool"],
    ) == (False, False, False)
    assert round_trip(config) == config


def test_render_options_and_reservations() -> None:
    text = """{"Dhcp6": {
      "option-def": [{"name": "foo", "code": 222, "type": "uint16", "array": true}],
      "subnet6": [{"subnet": "2001:db8::/64",
        "option-data": [{"name": "foo", "data": "1, 2"},
                        {"code": 250, "data": "0a0b", "csv-format": false}],
        "pd-pools": [{"prefix": "3000::", "prefix-len": 48, "delegated-len": 64}],
        "reservations": [{"hw-address": "aa:bb:cc:dd:ee:ff", "prefixes": ["3001::/56"]}]}]}}"""
    config = load_config(text, family=6).config
    subnet = render(config)["Dhcp6"]["subnet6"][0]  # type: ignore[index]
    foo, raw = subnet["option-data"]
    assert foo == {
        "space": "dhcp6",
        "code": 222,
        "name": "foo",
        "data": "1, 2",
        "csv-format": True,
        "always-send": False,
    }
    assert raw["code"] == 250 and raw["csv-format"] is False and "name" not in raw
    assert subnet["pd-pools"][0]["prefix"] == "3000::"
    assert subnet["reservations"][0]["hw-address"] == "aa:bb:cc:dd:ee:ff"
    assert round_trip(config) == config


def test_render_is_json_serialisable_and_stable() -> None:
    config = load_config('{"Dhcp4": {"user-context": {"a": [1, {"b": null}]}}}', family=4).config
    first = json.dumps(render(config), sort_keys=True)
    assert json.dumps(render(round_trip(config)), sort_keys=True) == first
    assert render(config)["Dhcp4"]["user-context"] == {"a": [1, {"b": None}]}  # type: ignore[index]


def test_reservation_identifiers_are_rendered_as_kea_prints_them() -> None:
    """config-get shows identifiers canonical (Kea Host::toElement), whatever the spelling."""
    text = json.dumps(
        {
            "Dhcp6": {
                "subnet6": [
                    {
                        "id": 1,
                        "subnet": "2001:db8:1::/64",
                        "reservations": [
                            {"duid": "0x000102030405", "hostname": "a"},
                            {"hw-address": "0A 0B 0C 0D 0E 0F", "hostname": "b"},
                            {"flex-id": "'abc'", "hostname": "c"},
                        ],
                    }
                ]
            }
        }
    )
    config = load_config(text, family=6).config
    rendered = render(config)["Dhcp6"]["subnet6"][0]["reservations"]  # type: ignore[index]
    assert [r.get("duid") or r.get("hw-address") or r.get("flex-id") for r in rendered] == [
        "00:01:02:03:04:05",
        "0a:0b:0c:0d:0e:0f",
        "616263",
    ]
    assert round_trip(config) == config
