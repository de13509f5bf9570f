"""The standard DHCPv6 option table against the Kea ARM, Kea's own examples and Kea itself."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from tests.support.optiondata import (
    csv_option_data,
    kea_accepts,
    load_kea_json,
    parse_arm_rows,
    raw_option_data,
    walk_option_lists,
)

from pukeko.wire.definitions import OPTION_TYPES, RECORD_FIELD_TYPES, OptionDef
from pukeko.wire.std6 import (
    STD6_BY_CODE,
    STD6_BY_NAME,
    STD6_BY_SPACE,
    STD6_DEFS,
    STD6_OPEN_SPACES,
)
from pukeko.wire.stdvendor import KEA_SPACE_ALIASES6, enterprise_id_of_space

ARM6_SPEC = Path("/work/shared/spec/001_1efb92db3783dce7.txt")
KEA6_ALL_OPTIONS = Path("/usr/share/doc/kea/examples/kea6/all-options.json")

# The ARM's "List of Standard DHCPv6 Options" table, verbatim (Kea 2.2 ARM, DHCPv6 chapter).
ARM6_TABLE = """\
preference | 7 | uint8 | false |
unicast | 12 | ipv6-address | false |
sip-server-dns | 21 | fqdn | true |
sip-server-addr | 22 | ipv6-address | true |
dns-servers | 23 | ipv6-address | true |
domain-search | 24 | fqdn | true |
nis-servers | 27 | ipv6-address | true |
nisp-servers | 28 | ipv6-address | true |
nis-domain-name | 29 | fqdn | true |
nisp-domain-name | 30 | fqdn | true |
sntp-servers | 31 | ipv6-address | true |
information-refresh-time | 32 | uint32 | false |
bcmcs-server-dns | 33 | fqdn | true |
bcmcs-server-addr | 34 | ipv6-address | true |
geoconf-civic | 36 | record (uint8, uint16, binary) | false |
remote-id | 37 | record (uint32, binary) | false |
subscriber-id | 38 | binary | false |
client-fqdn | 39 | record (uint8, fqdn) | false |
pana-agent | 40 | ipv6-address | true |
new-posix-timezone | 41 | string | false |
new-tzdb-timezone | 42 | string | false |
ero | 43 | uint16 | true |
lq-query (1) | 44 | record (uint8, ipv6-address) | false |
client-data (1) | 45 | empty | false |
clt-time (1) | 46 | uint32 | false |
lq-relay-data (1) | 47 | record (ipv6-address, binary) | false |
lq-client-link (1) | 48 | ipv6-address | true |
v6-lost | 51 | fqdn | false |
capwap-ac-v6 | 52 | ipv6-address | true |
relay-id | 53 | binary | false |
v6-access-domain | 57 | fqdn | false |
sip-ua-cs-list | 58 | fqdn | true |
bootfile-url | 59 | string | false |
bootfile-param | 60 | tuple | true |
client-arch-type | 61 | uint16 | true |
nii | 62 | record (uint8, uint8, uint8) | false |
aftr-name | 64 | fqdn | false |
erp-local-domain-name | 65 | fqdn | false |
rsoo | 66 | empty | false |
pd-exclude | 67 | binary | false |
rdnss-selection | 74 | record (ipv6-address, uint8, fqdn) | true |
client-linklayer-addr | 79 | binary | false |
link-address | 80 | ipv6-address | false |
solmax-rt | 82 | uint32 | false |
inf-max-rt | 83 | uint32 | false |
dhcp4o6-server-addr | 88 | ipv6-address | true |
s46-rule | 89 | record (uint8, uint8, uint8, ipv4-address, ipv6-prefix) | false |
s46-br | 90 | ipv6-address | false |
s46-dmr | 91 | ipv6-prefix | false |
s46-v4v6bind | 92 | record (ipv4-address, ipv6-prefix) | false |
s46-portparams | 93 | record(uint8, psid) | false |
s46-cont-mape | 94 | empty | false |
s46-cont-mapt | 95 | empty | false |
s46-cont-lw | 96 | empty | false |
v6-captive-portal | 103 | string | false |
ipv6-address-andsf | 143 | ipv6-address | true |
"""

# Where Kea 2.2 itself differs from its ARM table: Kea parses pd-exclude as a prefix (its own
# all-options.json example configures it as "2001:db8:1:1::/64", which a binary option refuses).
ARM6_KNOWN_DEVIATIONS = {"pd-exclude": ("ipv6-prefix", False, ())}


def find_def(name: str, code: int) -> OptionDef | None:
    """The definition with this name and code in any standard v6 space."""
    for row in STD6_DEFS:
        if row.name == name and row.code == code:
            return row
    return None


# --- (a) the ARM table --------------------------------------------------------------------


def test_arm_table_fixture_is_complete() -> None:
    rows = parse_arm_rows(ARM6_TABLE)
    assert len(rows) == 56
    assert rows["s46-portparams"] == (93, "record", False, ("uint8", "psid"))
    assert rows["lq-query"][0] == 44


@pytest.mark.parametrize(("name", "row"), sorted(parse_arm_rows(ARM6_TABLE).items()))
def test_every_arm_row_is_defined_with_the_same_format(
    name: str, row: tuple[int, str, bool, tuple[str, ...]]
) -> None:
    code, kind, array, fields = row
    found = find_def(name, code)
    assert found is not None, f"{name} ({code}) missing"
    expected = ARM6_KNOWN_DEVIATIONS.get(name, (kind, array, fields))
    assert (found.type, found.array, found.record_types) == expected


def test_arm_fixture_matches_the_spec_file() -> None:
    if not ARM6_SPEC.exists():
        pytest.skip(f"ARM DHCPv6 chapter not found at {ARM6_SPEC}")
    text = ARM6_SPEC.read_text(encoding="utf-8")
    start = text.index("Name | Code | Type | Array? |")
    end = text.index("Options marked with (1)", start)
    assert parse_arm_rows(text[start:end]) == parse_arm_rows(ARM6_TABLE)


def test_engine_managed_options_from_the_arm_are_defined() -> None:
    # ARM: options "returned by the Kea engine itself", with Kea's option names.
    engine = {
        "clientid": 1, "serverid": 2, "ia-na": 3, "ia-ta": 4, "iaaddr": 5, "oro": 6,
        "elapsed-time": 8, "relay-msg": 9, "auth": 11, "status-code": 13, "rapid-commit": 14,
        "user-class": 15, "vendor-class": 16, "vendor-opts": 17, "interface-id": 18,
        "ia-pd": 25, "iaprefix": 26,
    }  # fmt: skip
    assert {name: STD6_BY_NAME[name].code for name in engine} == engine


# --- (b)-(e) table integrity ------------------------------------------------------------------


def test_no_duplicate_code_or_name_within_a_space() -> None:
    codes = [(row.space, row.code) for row in STD6_DEFS]
    names = [(row.space, row.name) for row in STD6_DEFS]
    assert len(set(codes)) == len(codes)
    assert len(set(names)) == len(names)


def test_every_encapsulated_space_is_known() -> None:
    for row in STD6_DEFS:
        if row.encapsulate:
            known = row.encapsulate in STD6_BY_SPACE or row.encapsulate in STD6_OPEN_SPACES
            assert known or enterprise_id_of_space(row.encapsulate), row


def test_every_sub_space_is_reachable_from_dhcp6_or_vendor_opts() -> None:
    reachable = {"dhcp6"} | {row.encapsulate for row in STD6_DEFS if row.encapsulate}
    vendor = {space for space in STD6_BY_SPACE if enterprise_id_of_space(space)}
    assert set(STD6_BY_SPACE) == (reachable - STD6_OPEN_SPACES) | vendor


def test_record_types_exactly_on_records() -> None:
    for row in STD6_DEFS:
        assert row.is_record == bool(row.record_types), row
        assert len(row.record_types) != 1, row
        assert set(row.record_types) <= RECORD_FIELD_TYPES, row


def test_types_are_known_and_codes_fit_sixteen_bits() -> None:
    for row in STD6_DEFS:
        assert row.type in OPTION_TYPES, row
        assert 0 < row.code <= 0xFFFF, row
        assert not (row.array and row.type == "empty"), row


# --- (f) spot checks ------------------------------------------------------------------------

SPOT6 = [
    # name, code, type, array, record fields, encapsulate, space
    ("clientid", 1, "binary", False, (), "", "dhcp6"),
    ("ia-na", 3, "record", False, ("uint32", "uint32", "uint32"), "", "dhcp6"),
    ("iaaddr", 5, "record", False, ("ipv6-address", "uint32", "uint32"), "", "dhcp6"),
    ("oro", 6, "uint16", True, (), "", "dhcp6"),
    ("status-code", 13, "record", False, ("uint16", "string"), "", "dhcp6"),
    ("rapid-commit", 14, "empty", False, (), "", "dhcp6"),
    ("vendor-class", 16, "record", False, ("uint32", "binary"), "", "dhcp6"),
    ("vendor-opts", 17, "uint32", False, (), "", "dhcp6"),
    ("reconf-msg", 19, "uint8", False, (), "", "dhcp6"),
    ("dns-servers", 23, "ipv6-address", True, (), "", "dhcp6"),
    ("ia-pd", 25, "record", False, ("uint32", "uint32", "uint32"), "", "dhcp6"),
    ("iaprefix", 26, "record", False, ("uint32", "uint32", "uint8", "ipv6-address"), "", "dhcp6"),
    ("client-fqdn", 39, "record", False, ("uint8", "fqdn"), "", "dhcp6"),
    ("lq-query", 44, "record", False, ("uint8", "ipv6-address"), "dhcp6", "dhcp6"),
    ("client-data", 45, "empty", False, (), "dhcp6", "dhcp6"),
    ("bootfile-param", 60, "tuple", True, (), "", "dhcp6"),
    ("rsoo", 66, "empty", False, (), "rsoo-opts", "dhcp6"),
    ("pd-exclude", 67, "ipv6-prefix", False, (), "", "dhcp6"),
    ("dhcpv4-message", 87, "binary", False, (), "", "dhcp6"),
    ("s46-cont-mape", 94, "empty", False, (), "s46-cont-mape-options", "dhcp6"),
    ("s46-cont-mapt", 95, "empty", False, (), "s46-cont-mapt-options", "dhcp6"),
    ("s46-cont-lw", 96, "empty", False, (), "s46-cont-lw-options", "dhcp6"),
    ("relay-source-port", 135, "uint16", False, (), "", "dhcp6"),
    ("s46-br", 90, "ipv6-address", False, (), "", "s46-cont-mape-options"),
    ("s46-br", 90, "ipv6-address", False, (), "", "s46-cont-lw-options"),
    ("s46-dmr", 91, "ipv6-prefix", False, (), "", "s46-cont-mapt-options"),
    (
        "s46-rule", 89, "record", False,
        ("uint8", "uint8", "uint8", "ipv4-address", "ipv6-prefix"),
        "s46-rule-options", "s46-cont-mapt-options",
    ),
    (
        "s46-v4v6bind", 92, "record", False, ("ipv4-address", "ipv6-prefix"),
        "s46-v4v6bind-options", "s46-cont-lw-options",
    ),
    ("s46-portparams", 93, "record", False, ("uint8", "psid"), "", "s46-rule-options"),
    ("s46-portparams", 93, "record", False, ("uint8", "psid"), "", "s46-v4v6bind-options"),
    ("tftp-servers", 32, "ipv6-address", True, (), "", "vendor-4491"),
    ("cmts-cm-mac", 1026, "binary", False, (), "", "vendor-4491"),
    ("4o6-source-port", 60002, "uint16", False, (), "", "vendor-2495"),
]  # fmt: skip


@pytest.mark.parametrize(("name", "code", "kind", "array", "fields", "encap", "space"), SPOT6)
def test_spot_check(
    name: str,
    code: int,
    kind: str,
    array: bool,
    fields: tuple[str, ...],
    encap: str,
    space: str,
) -> None:
    assert STD6_BY_SPACE[space][code] == OptionDef(name, code, kind, space, array, fields, encap)


def test_main_space_maps_agree_with_the_tuple() -> None:
    main = [row for row in STD6_DEFS if row.space == "dhcp6"]
    assert len(STD6_BY_CODE) == len(STD6_BY_NAME) == len(main) == 72
    assert all(STD6_BY_NAME[row.name] is STD6_BY_CODE[row.code] for row in main)
    assert "s46-rule" not in STD6_BY_NAME  # lives in the S46 sub-spaces only


@pytest.mark.parametrize("code", [10, 35, 49, 56, 63, 68, 81, 84, 97, 111, 136, 142, 144])
def test_codes_kea_leaves_undefined_are_absent(code: int) -> None:
    assert code not in STD6_BY_CODE


# --- Kea's own example and Kea itself ---------------------------------------------------------


def test_every_standard_option_in_kea_all_options_example() -> None:
    if not KEA6_ALL_OPTIONS.exists():
        pytest.skip(f"Kea example {KEA6_ALL_OPTIONS} not installed (kea-doc)")
    config = load_kea_json(KEA6_ALL_OPTIONS)
    custom = {(d["space"], d["name"]) for d in walk_option_lists(config, "option-def")}
    checked = 0
    for entry in walk_option_lists(config, "option-data"):
        space = entry.get("space", "dhcp6")
        if (space, entry["name"]) in custom:
            continue
        space = KEA_SPACE_ALIASES6.get(space, space)
        by_name = {row.name: row for row in STD6_BY_SPACE[space].values()}
        assert by_name[entry["name"]].code == entry["code"], entry
        checked += 1
    assert checked >= 60


# Sample values chosen so a too-narrow or wrongly-typed definition makes Kea refuse them.
# Options Kea validates beyond their format (flags, nested tuples, prefix length).
CSV_OVERRIDES6 = {
    ("dhcp6", 16): "4294967295, 0001ff",
    ("dhcp6", 26): "4294967295, 4294967295, 64, 2001:db8::",
    ("dhcp6", 39): "0, example.org",
}


@pytest.mark.kea
def test_kea_accepts_every_definition_by_name_code_and_format(tmp_path: Path) -> None:
    if shutil.which("kea-dhcp6") is None:
        pytest.skip("kea-dhcp6 not installed")
    ok, output = kea_accepts(
        6, [csv_option_data(row, CSV_OVERRIDES6) for row in STD6_DEFS], tmp_path
    )
    assert ok, output
    # Raw payloads of exactly our size: Kea refuses them if its integer/address is wider.
    raw = raw_option_data(STD6_DEFS)
    ok, output = kea_accepts(6, raw, tmp_path)
    assert ok, output


@pytest.mark.kea
def test_kea_refuses_a_wrong_definition(tmp_path: Path) -> None:
    if shutil.which("kea-dhcp6") is None:
        pytest.skip("kea-dhcp6 not installed")
    wrong = OptionDef("elapsed-time", 8, "uint32", "dhcp6")
    assert not kea_accepts(6, [csv_option_data(wrong, CSV_OVERRIDES6)], tmp_path)[0]
    renamed = OptionDef("dns-servers", 24, "ipv6-address", "dhcp6", array=True)
    assert not kea_accepts(6, [csv_option_data(renamed, CSV_OVERRIDES6)], tmp_path)[0]
