"""check_schema against Kea's examples and mutations of them; with_defaults like setAllDefaults."""

from __future__ import annotations

import ast
import copy
import re
from pathlib import Path
from typing import Any

import pytest

from pukeko.config.errors import ConfigError, KeyPath
from pukeko.config.jsonc import Document, parse_json
from pukeko.config.validate import check_schema, with_defaults

EXAMPLES = Path("/usr/share/doc/kea/examples")


def _examples(family: int) -> list[Path]:
    folder = EXAMPLES / f"kea{family}"
    return sorted(folder.glob("*.json")) if folder.is_dir() else []


def _read_include(base: Path):  # type: ignore[no-untyped-def]
    def read(path: str) -> tuple[str, str]:
        target = base / path
        return str(target), target.read_text()

    return read


def load(text: str, source: str = "t.json") -> Document:
    return parse_json(text, source=source)


def check(text: str, family: int = 6) -> list[ConfigError]:
    return check_schema(load(text), family)


def line_of(text: str, needle: str) -> int:
    """1-based line number of the first line containing ``needle``."""
    for number, line in enumerate(text.splitlines(), 1):
        if needle in line:
            return number
    raise AssertionError(f"{needle!r} not in text")


# -- Kea's own example configurations --------------------------------------------------------


@pytest.mark.kea
@pytest.mark.parametrize("family", [6, 4])
def test_examples_directory_present(family: int) -> None:
    if not _examples(family):
        pytest.skip(f"{EXAMPLES}/kea{family} is not installed")
    assert len(_examples(family)) > 10


@pytest.mark.kea
@pytest.mark.parametrize(
    ("family", "path"),
    [(6, p) for p in _examples(6)] + [(4, p) for p in _examples(4)],
    ids=lambda v: v.name if isinstance(v, Path) else str(v),
)
def test_kea_example_passes(family: int, path: Path) -> None:
    doc = parse_json(path.read_text(), source=str(path), read_include=_read_include(path.parent))
    assert check_schema(doc, family) == []


KEA_SOURCE = Path("/work/kea-2.2/src/bin")


def _kea_test_configs(family: int) -> list[str]:
    """Configurations from Kea's get_config_unittest.cc (input and config-get output)."""
    source = KEA_SOURCE / f"dhcp{family}" / "tests" / "get_config_unittest.cc"
    if not source.is_file():
        return []
    text = source.read_text()
    configs: list[str] = []
    for table_name in ("EXTRACTED_CONFIGS", "UNPARSED_CONFIGS"):
        start = text.index(f"const char* {table_name}[] = {{")
        body = text[start : text.index("\n};", start)]
        for chunk in re.split(r"// CONFIGURATION \d+", body)[1:]:
            literals = re.findall(r'^"((?:[^"\\]|\\.)*)"', chunk, re.MULTILINE)
            configs.append("".join(ast.literal_eval(f'"{lit}"') for lit in literals))
    return configs


@pytest.mark.parametrize("family", [6, 4])
def test_kea_unit_test_configs_pass(family: int) -> None:
    configs = _kea_test_configs(family)
    if not configs:
        pytest.skip("Kea 2.2 source tree not available")
    assert len(configs) > 100
    key = f"Dhcp{family}"
    for index, config in enumerate(configs):
        doc = parse_json(f'{{"{key}": {config}}}', source=f"config-{index}")
        assert check_schema(doc, family) == [], index


def test_examples_are_found_or_skipped() -> None:
    if not EXAMPLES.is_dir():
        pytest.skip("Kea examples not installed")
    assert _examples(6) and _examples(4)


# -- mutations of a real configuration -------------------------------------------------------

SIMPLE6 = """{ "Dhcp6":
{
  "interfaces-config": {
    "interfaces": [ "eth0" ]
  },
  "lease-database": {
      "type": "memfile",
      "lfc-interval": 3600
  },
  "preferred-lifetime": 3000,
  "valid-lifetime": 4000,
  "renew-timer": 1000,
  "rebind-timer": 2000,
  "subnet6": [
    {
      "pools": [ { "pool": "2001:db8:1::/80" } ],
      "subnet": "2001:db8:1::/64",
      "interface": "eth0"
    }
  ],
  "loggers": [
    {
      "name": "kea-dhcp6",
      "output_options": [ { "output": "stdout" } ],
      "debuglevel": 0,
      "severity": "INFO"
    }
  ]
}
}
"""

SIMPLE4 = """{ "Dhcp4": {
  "interfaces-config": { "interfaces": [ "eth0" ], "dhcp-socket-type": "raw" },
  "valid-lifetime": 4000,
  "subnet4": [
    {
      "pools": [ { "pool": "192.0.2.1 - 192.0.2.200" } ],
      "subnet": "192.0.2.0/24",
      "option-data": [ { "name": "routers", "data": "192.0.2.1" } ]
    }
  ]
} }
"""


def test_base_configs_are_clean() -> None:
    assert check(SIMPLE6, 6) == []
    assert check(SIMPLE4, 4) == []


def _single(errors: list[ConfigError]) -> ConfigError:
    assert len(errors) == 1, errors
    return errors[0]


def test_unknown_key_in_subnet() -> None:
    text = SIMPLE6.replace('"interface": "eth0"', '"interface": "eth0", "colour": "blue"')
    error = _single(check(text))
    assert error.path == ("Dhcp6", "subnet6", 0, "colour")
    assert error.message == 'got unexpected keyword "colour" in subnet6 map.'
    assert error.position is not None
    assert error.position.line == line_of(text, '"colour"')
    assert error.position.column == text.splitlines()[error.position.line - 1].index('"colour"') + 1


def test_string_where_integer_belongs() -> None:
    text = SIMPLE6.replace('"renew-timer": 1000', '"renew-timer": "1000"')
    error = _single(check(text))
    assert error.path == ("Dhcp6", "renew-timer")
    assert error.message == "expected integer, got string"
    assert error.position is not None and error.position.line == line_of(text, "renew-timer")


def test_value_out_of_range() -> None:
    text = SIMPLE6.replace('"valid-lifetime": 4000', '"valid-lifetime": 4294967296')
    error = _single(check(text))
    assert error.path == ("Dhcp6", "valid-lifetime")
    assert error.message == "value 4294967296 is out of range [0, 4294967295]"
    assert error.position is not None and error.position.line == line_of(text, "valid-lifetime")


def test_nested_pool_and_logger_errors_are_all_collected() -> None:
    text = (
        SIMPLE6.replace('"pool": "2001:db8:1::/80"', '"pool": 7')
        .replace('"debuglevel": 0', '"debuglevel": 100')
        .replace('"type": "memfile"', '"type": "cassandra"')
    )
    errors = check(text)
    got = {(e.path, e.position.line if e.position else 0) for e in errors}
    assert got == {
        (("Dhcp6", "lease-database", "type"), line_of(text, "cassandra")),
        (("Dhcp6", "subnet6", 0, "pools", 0, "pool"), line_of(text, '"pool": 7')),
        (("Dhcp6", "loggers", 0, "debuglevel"), line_of(text, "debuglevel")),
    }


def test_v4_specific_keys() -> None:
    text = SIMPLE4.replace('"raw"', '"tcp"')
    error = _single(check(text, 4))
    assert error.path == ("Dhcp4", "interfaces-config", "dhcp-socket-type")
    assert "expected one of raw, udp" in error.message
    # a v6-only keyword is unknown in Dhcp4
    text = SIMPLE4.replace('"valid-lifetime": 4000', '"preferred-lifetime": 4000')
    assert _single(check(text, 4)).path == ("Dhcp4", "preferred-lifetime")


def test_v4_option_code_range() -> None:
    text = SIMPLE4.replace('"name": "routers"', '"code": 256')
    error = _single(check(text, 4))
    assert error.path == ("Dhcp4", "subnet4", 0, "option-data", 0, "code")
    assert "out of range [0, 255]" in error.message


# -- individual rules ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "path", "fragment"),
    [
        ('"t1-percent": 1', ("Dhcp6", "t1-percent"), "expected floating point, got integer"),
        ('"rapid-commit": 1', ("Dhcp6", "rapid-commit"), "unexpected keyword"),
        ('"subnet6": [ { "id": 1 } ]', ("Dhcp6", "subnet6", 0), "missing parameter 'subnet'"),
        ('"subnet6": [ {} ]', ("Dhcp6", "subnet6", 0), "must not be empty"),
        ('"subnet6": {}', ("Dhcp6", "subnet6"), "expected list, got map"),
        ('"subnet6": [ 1 ]', ("Dhcp6", "subnet6", 0), "expected a map (subnet6), got integer"),
        ('"mac-sources": [ "any", "foo" ]', ("Dhcp6", "mac-sources", 1), 'unsupported value "foo"'),
        (
            '"host-reservation-identifiers": [ "circuit-id" ]',
            ("Dhcp6", "host-reservation-identifiers", 0),
            "unsupported",
        ),
        (
            '"interfaces-config": { "interfaces": [ 1 ] }',
            ("Dhcp6", "interfaces-config", "interfaces", 0),
            "expected string",
        ),
        ('"comment": 1', ("Dhcp6", "comment"), "expected string"),
        ('"user-context": []', ("Dhcp6", "user-context"), "expected map"),
        (
            '"dhcp-ddns": { "server-ip": "127.0.0.1" }',
            ("Dhcp6", "dhcp-ddns"),
            "missing parameter 'enable-updates'",
        ),
        (
            '"lease-database": { "name": "x" }',
            ("Dhcp6", "lease-database"),
            "missing parameter 'type'",
        ),
        (
            '"option-def": [ { "name": "a", "code": 1 } ]',
            ("Dhcp6", "option-def", 0),
            "missing parameter 'type'",
        ),
        (
            '"subnet6": [ { "subnet": "::/0", "id": 4294967295 } ]',
            ("Dhcp6", "subnet6", 0, "id"),
            "out of range",
        ),
        (
            '"subnet6": [ { "subnet": "::/0", "pd-pools": [ '
            '{ "prefix": "::", "prefix-len": 129, "delegated-len": 64 } ] } ]',
            ("Dhcp6", "subnet6", 0, "pd-pools", 0, "prefix-len"),
            "out of range",
        ),
        (
            '"subnet6": [ { "subnet": "::/0", '
            '"relay": { "ip-address": "::1", "ip-addresses": [] } } ]',
            ("Dhcp6", "subnet6", 0, "relay"),
            "cannot both",
        ),
        ('"server-id": { "type": "XYZ" }', ("Dhcp6", "server-id", "type"), "unsupported value"),
        (
            '"hooks-libraries": [ { "library": "x.so", "foo": 1 } ]',
            ("Dhcp6", "hooks-libraries", 0, "foo"),
            "unexpected keyword",
        ),
        (
            '"multi-threading": { "thread-pool-size": 4 }',
            ("Dhcp6", "multi-threading"),
            "missing parameter 'enable-multi-threading'",
        ),
    ],
)
def test_rule(body: str, path: KeyPath, fragment: str) -> None:
    error = _single(check('{"Dhcp6": {' + body + "}}"))
    assert error.path == path
    assert fragment in error.message


@pytest.mark.parametrize(
    "body",
    [
        '"dhcp-queue-control": { "enable-queue": true, "queue-type": "x", "my-param": [1] }',
        '"user-context": { "anything": [1, {"b": null}] }',
        '"dhcp-ddns": { "enable-updates": false, "ncr-protocol": "udp", "ncr-format": "json" }',
        '"subnet6": [ { "subnet": "::/0", "relay": { "ip-addresses": [ "::1" ] } } ]',
        '"option-data": [ { "name": "dns-servers", "data": "::1", "code": 23, "space": "dhcp6" } ]',
        '"reservation-mode": "out-of-pool"',
        '"t1-percent": 0.4',
        '"valid-lifetime": 0',
    ],
)
def test_accepted(body: str) -> None:
    assert check('{"Dhcp6": {' + body + "}}") == []


def test_top_level_rules() -> None:
    assert _single(check("[]")).message.startswith("the configuration must be a map")
    assert _single(check("{}")).message == "missing parameter 'Dhcp6'"
    wrong_family = check('{"Dhcp6": {"valid-lifetime": 1}}', 4)
    assert [(e.path, e.message) for e in wrong_family] == [
        (("Dhcp6",), 'got unexpected keyword "Dhcp6" at the top level (expected Dhcp4)'),
        ((), "missing parameter 'Dhcp4'"),
    ]
    error = _single(check('{"Dhcp6": {"valid-lifetime": 1}, "Logging": {}}'))
    assert error.path == ("Logging",)
    assert "top level" in error.message
    assert _single(check('{"Dhcp6": {}}')).message == "the Dhcp6 map must not be empty"


def test_every_error_is_collected() -> None:
    body = '"a": 1, "b": 2, "valid-lifetime": "x", "subnet6": [ { "subnet": 1, "c": 3 } ]'
    errors = check('{"Dhcp6": {' + body + "}}")
    assert [e.path for e in errors] == [
        ("Dhcp6", "a"),
        ("Dhcp6", "b"),
        ("Dhcp6", "valid-lifetime"),
        ("Dhcp6", "subnet6", 0, "subnet"),
        ("Dhcp6", "subnet6", 0, "c"),
    ]
    assert all(e.position is not None for e in errors)


def test_check_schema_never_raises_on_odd_values() -> None:
    odd: list[object] = [None, 1, "s", [], [None], {"x": None}, 1.5, True]
    for value in odd:
        for key in ("Dhcp6", "Dhcp4"):
            doc = Document({key: {"subnet6": value, "subnet4": value, "option-data": value}}, {})
            assert isinstance(check_schema(doc, 6), list)
            assert isinstance(check_schema(doc, 4), list)


# -- defaults --------------------------------------------------------------------------------


def test_with_defaults_fills_globals_and_created_maps_v6() -> None:
    value = load(SIMPLE6).value
    assert isinstance(value, dict)
    original = copy.deepcopy(value)
    filled = with_defaults(value, 6)
    assert value == original  # the input is untouched
    dhcp6: Any = filled["Dhcp6"]
    assert dhcp6["valid-lifetime"] == 4000  # present values win
    assert dhcp6["decline-probation-period"] == 86400
    assert dhcp6["t2-percent"] == 0.8
    assert dhcp6["calculate-tee-times"] is True
    assert "renew-timer" in dhcp6 and dhcp6["renew-timer"] == 1000
    assert dhcp6["dhcp-queue-control"] == {
        "enable-queue": False,
        "queue-type": "kea-ring6",
        "capacity": 64,
    }
    assert dhcp6["multi-threading"]["packet-queue-size"] == 64
    assert dhcp6["sanity-checks"] == {"lease-checks": "warn"}
    assert dhcp6["interfaces-config"]["re-detect"] is True
    subnet = dhcp6["subnet6"][0]
    assert subnet["id"] == 0 and subnet["rapid-commit"] is False and subnet["interface"] == "eth0"
    assert "valid-lifetime" not in subnet  # no inheritance here
    assert "dhcp-ddns" not in dhcp6


def test_with_defaults_v4_and_inner_map() -> None:
    value = load(SIMPLE4).value
    assert isinstance(value, dict)
    inner: Any = with_defaults(value["Dhcp4"], 4)
    assert inner["t2-percent"] == 0.875
    assert inner["calculate-tee-times"] is False
    assert inner["next-server"] == "0.0.0.0"
    assert inner["subnet4"][0]["4o6-subnet"] == ""
    # option-data in a subnet is left alone (Kea fills only global option-data)
    assert inner["subnet4"][0]["option-data"][0] == {"name": "routers", "data": "192.0.2.1"}
    assert "renew-timer" not in inner


def test_with_defaults_shared_network_subnets_get_only_id() -> None:
    text = """{"Dhcp6": {"shared-networks": [ {"name": "n", "subnet6": [ {"subnet": "::/0"} ] } ],
        "option-data": [ {"name": "dns-servers", "data": "::1"} ],
        "option-def": [ {"name": "o", "code": 300, "type": "uint8"} ],
        "dhcp-ddns": {"enable-updates": true}}}"""
    dhcp6: Any = with_defaults(load(text).value, 6)["Dhcp6"]  # type: ignore[arg-type]
    network = dhcp6["shared-networks"][0]
    assert network["rapid-commit"] is False and network["interface-id"] == ""
    assert network["subnet6"][0] == {"subnet": "::/0", "id": 0}
    assert dhcp6["option-data"][0]["space"] == "dhcp6"
    assert dhcp6["option-data"][0]["csv-format"] is True
    assert dhcp6["option-def"][0] == {
        "name": "o",
        "code": 300,
        "type": "uint8",
        "record-types": "",
        "space": "dhcp6",
        "encapsulate": "",
        "array": False,
    }
    assert dhcp6["dhcp-ddns"]["server-port"] == 53001
    assert dhcp6["dhcp-ddns"]["ncr-protocol"] == "UDP"


def test_with_defaults_tolerates_wrong_types() -> None:
    filled: Any = with_defaults(
        {"Dhcp6": {"subnet6": 5, "shared-networks": [1, {"subnet6": "x"}]}}, 6
    )
    assert filled["Dhcp6"]["subnet6"] == 5
