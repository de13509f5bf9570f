"""Semantic checks: each rule Kea 2.2 enforces gives the expected error at the right path and line.

Every rejected fixture is also run through ``kea-dhcpN -t`` (tests marked ``kea``) to confirm that
Kea 2.2 refuses it as well; the fixtures use no interface other than ``lo`` and no hooks.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
from dataclasses import dataclass

import pytest
from tests.support.kea import kea_binary

from pukeko.config.checks import semantic_checks
from pukeko.config.errors import ConfigError, ConfigErrors, Position, format_path
from pukeko.config.load import load_config

LEASES = '"lease-database": {"type": "memfile", "persist": false},'


def document(family: int, body: str) -> str:
    """A DhcpN document; ``body`` starts on line 3."""
    body = body.rstrip().rstrip(",")
    return f'{{\n"Dhcp{family}": {{\n{body},\n{LEASES}\n"decline-probation-period": 86400\n}}\n}}\n'


def errors_of(family: int, body: str) -> list[ConfigError]:
    try:
        load_config(document(family, body), family=family, source="t.json")
    except ConfigErrors as exc:
        return exc.errors
    return []


def line_of(family: int, body: str, marker: str) -> int:
    text = document(family, body)
    index = text.index(marker)
    return text.count("\n", 0, index) + 1


@dataclass(frozen=True)
class Case:
    name: str
    family: int
    body: str
    path: str
    message: str
    marker: str  # text on the line where the error must be reported


S6 = '"subnet6": [{"subnet": "2001:db8:1::/64", "id": 1,\n'
S4 = '"subnet4": [{"subnet": "192.0.2.0/24", "id": 1,\n'

CASES = [
    Case(
        "subnet without length",
        6,
        '"subnet6": [{"subnet": "2001:db8::"}]',
        "Dhcp6.subnet6[0].subnet",
        "prefix/len expected",
        '"2001:db8::"',
    ),
    Case(
        "subnet prefix too long",
        6,
        '"subnet6": [{"subnet": "2001:db8::/129"}]',
        "Dhcp6.subnet6[0].subnet",
        "Invalid prefix length",
        "/129",
    ),
    Case(
        "v4 prefix in subnet6",
        6,
        '"subnet6": [{"subnet": "10.0.0.0/8"}]',
        "Dhcp6.subnet6[0].subnet",
        "Non IPv6 prefix",
        "10.0.0.0/8",
    ),
    Case(
        "duplicate prefix",
        6,
        '"subnet6": [{"subnet": "2001:db8:1::/64"},\n{"subnet": "2001:db8:1::/64"}]',
        "Dhcp6.subnet6[1].subnet",
        "already exists",
        '{"subnet": "2001:db8:1::/64"}]',
    ),
    Case(
        "duplicate id",
        6,
        '"subnet6": [{"subnet": "2001:db8:1::/64", "id": 5},\n'
        '{"subnet": "2001:db8:2::/64", "id": 5}]',
        "Dhcp6.subnet6[1].id",
        "'5' is already in use",
        '"2001:db8:2::/64"',
    ),
    Case(
        "auto id collides with explicit id",
        4,
        '"subnet4": [{"subnet": "192.0.2.0/24"},\n{"subnet": "198.51.100.0/24", "id": 1}]',
        "Dhcp4.subnet4[1].id",
        "'1' is already in use",
        "198.51.100.0",
    ),
    Case(
        "reversed pool",
        6,
        S6 + '"pools": [{"pool": "2001:db8:1::9 - 2001:db8:1::1"}]}]',
        "Dhcp6.subnet6[0].pools[0].pool",
        "Failed to create pool",
        '"pools"',
    ),
    Case(
        "pool without range",
        6,
        S6 + '"pools": [{"pool": "2001:db8:1::9"}]}]',
        "Dhcp6.subnet6[0].pools[0].pool",
        "two acceptable formats",
        '"pools"',
    ),
    Case(
        "pool outside subnet",
        4,
        S4 + '"pools": [{"pool": "192.0.3.1 - 192.0.3.9"}]}]',
        "Dhcp4.subnet4[0].pools[0].pool",
        "does not match the prefix",
        '"pools"',
    ),
    Case(
        "pool prefix outside subnet",
        6,
        S6 + '"pools": [{"pool": "2001:db8:2::/80"}]}]',
        "Dhcp6.subnet6[0].pools[0].pool",
        "does not match the prefix",
        '"pools"',
    ),
    Case(
        "overlapping pools",
        6,
        S6 + '"pools": [{"pool": "2001:db8:1::/80"},\n{"pool": "2001:db8:1::5-2001:db8:1::6"}]}]',
        "Dhcp6.subnet6[0].pools[1].pool",
        "overlaps",
        "2001:db8:1::5-",
    ),
    Case(
        "delegated shorter than prefix",
        6,
        S6 + '"pd-pools": [{"prefix": "3000::", "prefix-len": 64, "delegated-len": 56}]}]',
        "Dhcp6.subnet6[0].pd-pools[0].delegated-len",
        "must be longer",
        '"pd-pools"',
    ),
    Case(
        "pd pool overlaps address pool",
        6,
        S6 + '"pools": [{"pool": "2001:db8:1::/80"}],\n'
        '"pd-pools": [{"prefix": "2001:db8:1::", "prefix-len": 64, "delegated-len": 80}]}]',
        "Dhcp6.subnet6[0].pd-pools[0]",
        "overlaps",
        '"pd-pools"',
    ),
    Case(
        "excluded prefix not longer",
        6,
        S6 + '"pd-pools": [{"prefix": "3000::", "prefix-len": 48, "delegated-len": 56,\n'
        '"excluded-prefix": "3000::", "excluded-prefix-len": 56}]}]',
        "Dhcp6.subnet6[0].pd-pools[0].excluded-prefix-len",
        "must be greater",
        '"excluded-',
    ),
    Case(
        "excluded prefix elsewhere",
        6,
        S6 + '"pd-pools": [{"prefix": "3000::", "prefix-len": 48, "delegated-len": 56,\n'
        '"excluded-prefix": "4000::", "excluded-prefix-len": 60}]}]',
        "Dhcp6.subnet6[0].pd-pools[0].excluded-prefix",
        "common prefix",
        '"excluded-',
    ),
    Case(
        "excluded prefix without length",
        6,
        S6 + '"pd-pools": [{"prefix": "3000::", "prefix-len": 48, "delegated-len": 56,\n'
        '"excluded-prefix": "3000::"}]}]',
        "Dhcp6.subnet6[0].pd-pools[0].excluded-prefix",
        "invalid excluded prefix",
        '"excluded-',
    ),
    Case(
        "renew after rebind in subnet",
        6,
        S6 + '"renew-timer": 100, "rebind-timer": 50}]',
        "Dhcp6.subnet6[0].renew-timer",
        "greater than the value of rebind-timer",
        '"renew',
    ),
    Case(
        "global renew after rebind reaches a subnet",
        6,
        '"renew-timer": 100,\n"rebind-timer": 50,\n"subnet6": [{"subnet": "2001:db8::/64"}],',
        "Dhcp6.renew-timer",
        "greater than",
        '"renew-timer": 100',
    ),
    Case(
        "min-valid above valid in subnet",
        6,
        S6 + '"min-valid-lifetime": 8000}]',
        "Dhcp6.subnet6[0].min-valid-lifetime",
        "is not less than (default)",
        '"min-valid',
    ),
    Case(
        "global max below default valid",
        6,
        '"max-valid-lifetime": 3000,',
        "Dhcp6.max-valid-lifetime",
        "is not less than max-valid-lifetime",
        '"max-valid-lifetime"',
    ),
    Case(
        "preferred min and max without default",
        6,
        '"min-preferred-lifetime": 100,\n"max-preferred-lifetime": 50,',
        "Dhcp6.min-preferred-lifetime",
        "not less than max-preferred",
        '"min-preferred',
    ),
    Case(
        "t1 percent not below t2",
        6,
        '"t1-percent": 0.9,\n"subnet6": [{"subnet": "2001:db8::/64"}],',
        "Dhcp6.t1-percent",
        "must be less than t2-percent",
        '"t1-percent"',
    ),
    Case(
        "reservation-mode with new flags",
        6,
        '"reservation-mode": "global",\n"reservations-global": true,',
        "Dhcp6.reservation-mode",
        "invalid use of both",
        '"reservation-mode"',
    ),
    Case(
        "unknown option name",
        6,
        S6 + '"option-data": [{"name": "no-such-option", "data": "1"}]}]',
        "Dhcp6.subnet6[0].option-data[0].name",
        "does not exist",
        '"option-data"',
    ),
    Case(
        "bad option value",
        6,
        '"option-data": [{"name": "dns-servers",\n"data": "not-an-address"}],',
        "Dhcp6.option-data[0].data",
        "does not match option definition",
        '"not-an-address"',
    ),
    Case(
        "option name and code disagree",
        6,
        '"option-data": [{"name": "dns-servers", "code": 24,\n"data": "example.com"}],',
        "Dhcp6.option-data[0].name",
        "does not match the option definition",
        '"dns-servers"',
    ),
    Case(
        "global option code without definition",
        6,
        '"option-data": [{"code": 222, "data": "01"}],',
        "Dhcp6.option-data[0]",
        "does not exist",
        '"option-data"',
    ),
    Case(
        "v4 option code 255",
        4,
        '"option-data": [{"code": 255, "csv-format": false,\n"data": "01"}],',
        "Dhcp4.option-data[0].code",
        "reserved for END",
        '"option-data"',
    ),
    Case(
        "custom option value",
        6,
        '"option-def": [{"name": "foo", "code": 222, "type": "uint8"}],\n'
        '"option-data": [{"name": "foo",\n"data": "300"}],',
        "Dhcp6.option-data[0].data",
        "does not match",
        '"300"',
    ),
    Case(
        "duplicate option-def code",
        6,
        '"option-def": [{"name": "foo", "code": 222, "type": "uint8"},\n'
        '{"name": "bar", "code": 222, "type": "uint8"}],',
        "Dhcp6.option-def[1]",
        "already exists",
        '{"name": "bar"',
    ),
    Case(
        "standard option redefined",
        6,
        '"option-def": [{"name": "my-dns", "code": 23, "type": "ipv6-address"}],',
        "Dhcp6.option-def[0]",
        "unable to override",
        '"option-def"',
    ),
    Case(
        "duplicate client class",
        6,
        '"client-classes": [{"name": "a", "test": "pkt6.msgtype == 1"},\n'
        '{"name": "a", "test": "pkt6.msgtype == 3"}],',
        "Dhcp6.client-classes[1].name",
        "already been defined",
        '"pkt6.msgtype == 3"',
    ),
    Case(
        "built-in class with a test",
        6,
        '"client-classes": [{"name": "KNOWN",\n"test": "1 == 1"}],',
        "Dhcp6.client-classes[0].test",
        "test expression must be empty",
        '"1 == 1"',
    ),
    Case(
        "member of an undefined class",
        6,
        '"client-classes": [{"name": "a",\n"test": "member(\'b\')"}],',
        "Dhcp6.client-classes[0].test",
        "Not defined client class 'b'",
        "member(",
    ),
    Case(
        "duplicate shared network",
        6,
        '"shared-networks": [{"name": "net", "subnet6": []},\n{"name": "net", "subnet6": []}],',
        "Dhcp6.shared-networks[1].name",
        "defined twice",
        '{"name": "net", "subnet6": []}],',
    ),
    Case(
        "rapid-commit differs within a shared network",
        6,
        '"shared-networks": [{"name": "net", "subnet6": [\n'
        '{"subnet": "2001:db8:1::/64", "rapid-commit": true},\n'
        '{"subnet": "2001:db8:2::/64", "rapid-commit": false}]}],',
        "Dhcp6.shared-networks[0].subnet6[1]",
        "same rapid-commit",
        '"2001:db8:2::/64"',
    ),
    Case(
        "authoritative differs within a shared network",
        4,
        '"shared-networks": [{"name": "net", "authoritative": true, "subnet4": [\n'
        '{"subnet": "192.0.2.0/24", "authoritative": false}]}],',
        "Dhcp4.shared-networks[0].subnet4[0]",
        "different authoritative",
        '"192.0.2.0/24"',
    ),
    Case(
        "interface and interface-id",
        6,
        S6 + '"interface": "lo", "interface-id": "x"}]',
        "Dhcp6.subnet6[0].interface-id",
        "cannot be defined at the same time",
        '"interface"',
    ),
    Case(
        "reservation outside subnet",
        6,
        S6 + '"reservations": [{"duid": "01:02",\n"ip-addresses": ["2001:db9::1"]}]}]',
        "Dhcp6.subnet6[0].reservations[0].ip-addresses[0]",
        "not within",
        '"2001:db9::1"',
    ),
    Case(
        "v4 reservation outside subnet",
        4,
        S4 + '"reservations": [{"hw-address": "01:02:03:04:05:06",\n"ip-address": "10.0.1.1"}]}]',
        "Dhcp4.subnet4[0].reservations[0].ip-address",
        "not within",
        '"10.0.1.1"',
    ),
    Case(
        "duplicate host identifier",
        6,
        S6 + '"reservations": [{"duid": "01:02", "hostname": "a"},\n'
        '{"duid": "01:02", "hostname": "b"}]}]',
        "Dhcp6.subnet6[0].reservations[1].duid",
        "already been added",
        '"hostname": "b"',
    ),
    Case(
        "address reserved twice",
        4,
        S4 + '"reservations": [{"hw-address": "01:02:03:04:05:06", "ip-address": "192.0.2.9"},\n'
        '{"client-id": "01:aa", "ip-address": "192.0.2.9"}]}]',
        "Dhcp4.subnet4[0].reservations[1].ip-address",
        "already a reservation",
        '{"client-id"',
    ),
    Case(
        "bad duid",
        6,
        S6 + '"reservations": [{"duid": "0g:02",\n"hostname": "a"}]}]',
        "Dhcp6.subnet6[0].reservations[0].duid",
        "invalid host identifier",
        '"0g:02"',
    ),
    Case(
        "duid whose tab makes an odd digit count",
        6,
        S6 + '"reservations": [{"duid": "01\\t02",\n"hostname": "a"}]}]',
        "Dhcp6.subnet6[0].reservations[0].duid",
        "invalid host identifier value",
        '"01\\t02"',
    ),
    Case(
        "server-id identifier with colons (plain decodeHex)",
        6,
        '"server-id": {"type": "EN", "enterprise-id": 1,\n"identifier": "01:02"},',
        "Dhcp6.server-id.identifier",
        "identifier specified in the DUID configuration '01:02' is not a valid string of "
        "hexadecimal digits",
        '"identifier"',
    ),
    Case(
        "server-id identifier with a 0x prefix",
        6,
        '"server-id": {"type": "EN", "enterprise-id": 1,\n"identifier": " 0x0102 "},',
        "Dhcp6.server-id.identifier",
        "identifier specified in the DUID configuration '0x0102' is not",
        '"identifier"',
    ),
    Case(
        "server-id identifier with an odd digit count",
        6,
        '"server-id": {"type": "EN", "enterprise-id": 1,\n"identifier": "102"},',
        "Dhcp6.server-id.identifier",
        "'102' is not a valid string of hexadecimal digits",
        '"identifier"',
    ),
    Case(
        "two identifiers",
        6,
        S6 + '"reservations": [{"duid": "01:02", "hw-address": "01:02",\n"hostname": "a"}]}]',
        "Dhcp6.subnet6[0].reservations[0].hw-address",
        "mutually exclusive",
        '"duid": "01:02"',
    ),
    Case(
        "reservation without resources",
        6,
        S6 + '"reservations": [{"duid": "01:02"}]}]',
        "Dhcp6.subnet6[0].reservations[0]",
        "at least one resource",
        '"reservations"',
    ),
    Case(
        "hw-address too long",
        6,
        S6 + '"reservations": [{"hw-address": "' + ":".join(["01"] * 21) + '", "hostname": "a"}]}]',
        "Dhcp6.subnet6[0].reservations[0].hw-address",
        "at most 20",
        '"reservations"',
    ),
    Case(
        "prefix reservation without length",
        6,
        S6 + '"reservations": [{"duid": "01:02",\n"prefixes": ["2001:db9::"]}]}]',
        "Dhcp6.subnet6[0].reservations[0].prefixes[0]",
        "requires prefix length",
        '"2001:db9::"',
    ),
    Case(
        "wildcard interface twice",
        6,
        '"interfaces-config": {"interfaces": ["*",\n"*"]},',
        "Dhcp6.interfaces-config.interfaces[1]",
        "only be specified once",
        '"*"]',
    ),
]


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_rule_reports_error_at_path_and_line(case: Case) -> None:
    errors = errors_of(case.family, case.body)
    matching = [e for e in errors if format_path(e.path) == case.path and case.message in e.message]
    assert matching, f"expected {case.path}: {case.message}; got {[str(e) for e in errors]}"
    position = matching[0].position
    assert position is not None
    assert position.file == "t.json"
    assert position.line == line_of(case.family, case.body, case.marker)


def _kea_verdict(family: int, text: str) -> tuple[bool, str]:
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "c.json")
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(text)
        env = {**os.environ, "KEA_LOCKFILE_DIR": "none", "KEA_PIDFILE_DIR": tmp}
        binary = kea_binary(family)
        assert binary is not None
        proc = subprocess.run(
            [binary, "-t", path], capture_output=True, text=True, env=env, timeout=60, check=False
        )
    return proc.returncode == 0, proc.stdout + proc.stderr


@pytest.mark.kea
@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_kea_refuses_the_same_fixture(case: Case) -> None:
    if kea_binary(case.family) is None:
        pytest.skip("Kea 2.2 is not installed")
    ok, output = _kea_verdict(case.family, document(case.family, case.body))
    assert not ok, f"Kea accepts the fixture of {case.name!r}"
    assert "is not present in the system" not in output


ACCEPTED = [
    (
        6,
        "subnet option code without definition (no csv default there)",
        S6 + '"option-data": [{"code": 222, "data": "01"}]}]',
    ),
    (
        6,
        "overlapping subnets are allowed",
        '"subnet6": [{"subnet": "2001:db8::/64"},\n{"subnet": "2001:db8::/48"}]',
    ),
    (6, "preferred above valid is only a warning", '"preferred-lifetime": 9000,\n' + S6 + "}]"),
    (6, "global renew above rebind without subnets", '"renew-timer": 100, "rebind-timer": 50,'),
    (
        6,
        "pd pool outside the subnet",
        S6 + '"pd-pools": [{"prefix": "3000::", "prefix-len": 48, "delegated-len": 56}]}]',
    ),
    (
        6,
        "same identifier in two subnets",
        S6 + '"reservations": [{"duid": "01:02", "hostname": '
        '"a"}]},\n{"subnet": "2001:db8:2::/64", "id": 2, "reservations": '
        '[{"duid": "01:02", "hostname": "a"}]}]',
    ),
    (
        6,
        "flex-id as a quoted string",
        S6 + '"reservations": [{"flex-id": "\'abc\'", "hostname": "a"}]}]',
    ),
    (
        6,
        "host identifiers: quotes with blanks around and inside, hex with C whitespace",
        S6 + '"reservations": [{"flex-id": " \'abc\' ", "hostname": "a"},\n'
        '{"flex-id": "\' abd \'", "hostname": "b"},\n'
        '{"duid": "\\t\\t0102", "hostname": "c"},\n'
        '{"duid": "0x\\u000b\\f0103", "hostname": "d"}]}]',
    ),
    (
        6,
        "server-id identifier: spaces anywhere, blank means none",
        '"server-id": {"type": "EN", "enterprise-id": 1, "identifier": " 01 02\\t"},',
    ),
    (6, "server-id identifier blank", '"server-id": {"type": "LL", "identifier": "  "},'),
    (
        6,
        "custom option in the config's option-def",
        '"option-def": [{"name": "foo", "code": 222, "type": "uint8"}],\n'
        '"option-data": [{"name": "foo", "data": "200"}],',
    ),
    (
        6,
        "vendor space alias",
        S6 + '"option-data": [{"code": 2, "space": "docsis3-v6", "data": "ECM"}]}]',
    ),
    (4, "subnet with host bits", '"subnet4": [{"subnet": "10.0.0.5/24"}],'),
]


@pytest.mark.parametrize(("family", "name", "body"), ACCEPTED, ids=lambda v: str(v)[:40])
def test_configurations_kea_accepts_load(family: int, name: str, body: str) -> None:
    assert errors_of(family, body) == [], name


@pytest.mark.kea
@pytest.mark.parametrize(("family", "name", "body"), ACCEPTED, ids=lambda v: str(v)[:40])
def test_kea_accepts_the_same(family: int, name: str, body: str) -> None:
    if kea_binary(family) is None:
        pytest.skip("Kea 2.2 is not installed")
    ok, output = _kea_verdict(family, document(family, body))
    assert ok, output


def test_every_error_of_a_file_is_reported() -> None:
    body = (
        '"renew-timer": 100,\n"rebind-timer": 50,\n'
        '"subnet6": [{"subnet": "2001:db8::"},\n'
        '{"subnet": "2001:db8:1::/64", "pools": [{"pool": "2001:db8:9::/80"}]}],\n'
        '"option-data": [{"name": "no-such-option", "data": "1"}],\n'
        '"client-classes": [{"name": "ALL", "test": "1 == 1"}],'
    )
    errors = errors_of(6, body)
    paths = {format_path(e.path) for e in errors}
    assert {
        "Dhcp6.renew-timer",
        "Dhcp6.subnet6[0].subnet",
        "Dhcp6.subnet6[1].pools[0].pool",
        "Dhcp6.option-data[0].name",
        "Dhcp6.client-classes[0].test",
    } <= paths
    lines = [e.position.line for e in errors if e.position is not None]
    assert lines == sorted(lines)


def test_inherited_error_is_reported_once_where_written() -> None:
    body = (
        '"t1-percent": 0.95,\n"subnet6": [{"subnet": "2001:db8:1::/64"},\n'
        '{"subnet": "2001:db8:2::/64"}, {"subnet": "2001:db8:3::/64"}],'
    )
    errors = [e for e in errors_of(6, body) if "t1-percent" in e.message]
    assert len(errors) == 1
    assert format_path(errors[0].path) == "Dhcp6.t1-percent"


def test_semantic_checks_on_plain_dicts() -> None:
    root: dict[str, object] = {
        "Dhcp6": {
            "subnet6": [
                {"subnet": "2001:db8::/64", "pools": [{"pool": "2001:db8:1::1-2001:db8:1::9"}]}
            ]
        }
    }
    positions = {("Dhcp6", "subnet6", 0, "pools", 0, "pool"): Position("p.json", 7, 21)}
    errors = semantic_checks(root, 6, positions)
    assert [(format_path(e.path), e.position) for e in errors] == [
        ("Dhcp6.subnet6[0].pools[0].pool", Position("p.json", 7, 21))
    ]


def test_error_without_own_position_uses_nearest_ancestor() -> None:
    root: dict[str, object] = {
        "Dhcp4": {"subnet4": [{"subnet": "192.0.2.0/24"}, {"subnet": "192.0.2.0/24"}]}
    }
    positions = {("Dhcp4", "subnet4", 1): Position("p.json", 9, 5)}
    errors = semantic_checks(root, 4, positions)
    assert len(errors) == 1
    assert errors[0].position == Position("p.json", 9, 5)
    assert str(errors[0]).startswith("p.json:9:5: Dhcp4.subnet4[1].subnet:")


@pytest.mark.parametrize(
    "tree",
    [
        {"Dhcp6": {"subnet6": "x"}},
        {"Dhcp6": {"subnet6": [1, None, {"subnet": 5, "pools": {"a": 1}}]}},
        {"Dhcp6": {"shared-networks": [{"name": 3, "subnet6": [{"id": "x", "pd-pools": [{}]}]}]}},
        {"Dhcp6": {"option-data": [{"code": "x", "space": 4}], "option-def": [{"code": None}]}},
        {"Dhcp6": {"client-classes": [{"name": None}, "x"], "reservations": [{"duid": 5}]}},
        {"Dhcp4": {"interfaces-config": {"interfaces": [None, 3]}, "subnet4": [{"relay": 1}]}},
        {
            "Dhcp4": {
                "subnet4": [
                    {
                        "subnet": "192.0.2.0/24",
                        "valid-lifetime": "x",
                        "min-valid-lifetime": True,
                        "t1-percent": "y",
                    }
                ]
            }
        },
    ],
)
def test_malformed_trees_never_crash(tree: dict[str, object]) -> None:
    family = 6 if "Dhcp6" in tree else 4
    errors = semantic_checks(tree, family, {})
    assert all(isinstance(e, ConfigError) for e in errors)


def test_bad_hex_of_a_defined_option_is_reported_as_kea_reports_it() -> None:
    """Kea's createOption reports the hex text alone, not as a definition mismatch."""
    body = '"option-data": [{"name": "dns-servers", "csv-format": false,\n"data": "zz"}],'
    messages = [e.message for e in errors_of(6, body)]
    assert messages == ["option data is not a valid string of hexadecimal digits: zz"]


def test_an_inherited_bad_value_is_reported_once_not_per_subnet() -> None:
    subnets = ", ".join(f'{{"subnet": "2001:db8:{i}::/64", "id": {i}}}' for i in range(1, 4))
    body = f'"renew-timer": 500, "rebind-timer": 100,\n"subnet6": [{subnets}]'
    errors = [e for e in errors_of(6, body) if "renew-timer" in e.message]
    assert len(errors) == 1, errors
    assert errors[0].message == (
        "the value of renew-timer (500) is greater than the value of rebind-timer (100)"
    )
    # a subnet writing its own timers is still checked on its own
    body = body.replace('"id": 2}', '"id": 2, "renew-timer": 900, "rebind-timer": 800}')
    errors = [e for e in errors_of(6, body) if "renew-timer" in e.message]
    assert [str(e.path[-1]) for e in errors] == ["renew-timer", "renew-timer"], errors
