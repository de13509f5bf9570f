"""The standard DHCPv4 option table against the Kea ARM, Kea's own examples and Kea itself."""

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
from pukeko.wire.std4 import (
    LAST_RESORT4_DEFS,
    STD4_BY_CODE,
    STD4_BY_NAME,
    STD4_BY_SPACE,
    STD4_DEFS,
    STD4_OPEN_SPACES,
)
from pukeko.wire.stdvendor import KEA_SPACE_ALIASES4, enterprise_id_of_space

KEA4_ALL_OPTIONS = Path("/usr/share/doc/kea/examples/kea4/all-options.json")

# The ARM's "List of standard DHCPv4 options configurable by an administrator" (Kea 2.2 ARM,
# DHCPv4 chapter; multi-line cells joined), name | code | type | array.
ARM4_TABLE = """\
time-offset | 2 | int32 | false |
routers | 3 | ipv4-address | true |
time-servers | 4 | ipv4-address | true |
name-servers | 5 | ipv4-address | true |
domain-name-servers | 6 | ipv4-address | true |
log-servers | 7 | ipv4-address | true |
cookie-servers | 8 | ipv4-address | true |
lpr-servers | 9 | ipv4-address | true |
impress-servers | 10 | ipv4-address | true |
resource-location-servers | 11 | ipv4-address | true |
boot-size | 13 | uint16 | false |
merit-dump | 14 | string | false |
domain-name | 15 | fqdn | false |
swap-server | 16 | ipv4-address | false |
root-path | 17 | string | false |
extensions-path | 18 | string | false |
ip-forwarding | 19 | boolean | false |
non-local-source-routing | 20 | boolean | false |
policy-filter | 21 | ipv4-address | true |
max-dgram-reassembly | 22 | uint16 | false |
default-ip-ttl | 23 | uint8 | false |
path-mtu-aging-timeout | 24 | uint32 | false |
path-mtu-plateau-table | 25 | uint16 | true |
interface-mtu | 26 | uint16 | false |
all-subnets-local | 27 | boolean | false |
broadcast-address | 28 | ipv4-address | false |
perform-mask-discovery | 29 | boolean | false |
mask-supplier | 30 | boolean | false |
router-discovery | 31 | boolean | false |
router-solicitation-address | 32 | ipv4-address | false |
static-routes | 33 | ipv4-address | true |
trailer-encapsulation | 34 | boolean | false |
arp-cache-timeout | 35 | uint32 | false |
ieee802-3-encapsulation | 36 | boolean | false |
default-tcp-ttl | 37 | uint8 | false |
tcp-keepalive-interval | 38 | uint32 | false |
tcp-keepalive-garbage | 39 | boolean | false |
nis-domain | 40 | string | false |
nis-servers | 41 | ipv4-address | true |
ntp-servers | 42 | ipv4-address | true |
vendor-encapsulated-options | 43 | empty | false |
netbios-name-servers | 44 | ipv4-address | true |
netbios-dd-server | 45 | ipv4-address | true |
netbios-node-type | 46 | uint8 | false |
netbios-scope | 47 | string | false |
font-servers | 48 | ipv4-address | true |
x-display-manager | 49 | ipv4-address | true |
dhcp-option-overload | 52 | uint8 | false |
dhcp-server-identifier | 54 | ipv4-address | false |
dhcp-message | 56 | string | false |
dhcp-max-message-size | 57 | uint16 | false |
vendor-class-identifier | 60 | string | false |
nwip-domain-name | 62 | string | false |
nwip-suboptions | 63 | binary | false |
nisplus-domain-name | 64 | string | false |
nisplus-servers | 65 | ipv4-address | true |
tftp-server-name | 66 | string | false |
boot-file-name | 67 | string | false |
mobile-ip-home-agent | 68 | ipv4-address | true |
smtp-server | 69 | ipv4-address | true |
pop-server | 70 | ipv4-address | true |
nntp-server | 71 | ipv4-address | true |
www-server | 72 | ipv4-address | true |
finger-server | 73 | ipv4-address | true |
irc-server | 74 | ipv4-address | true |
streettalk-server | 75 | ipv4-address | true |
streettalk-directory-assistance-server | 76 | ipv4-address | true |
user-class | 77 | binary | false |
slp-directory-agent | 78 | record (boolean, ipv4-address) | true |
slp-service-scope | 79 | record (boolean, string) | false |
nds-server | 85 | ipv4-address | true |
nds-tree-name | 86 | string | false |
nds-context | 87 | string | false |
bcms-controller-names | 88 | fqdn | true |
bcms-controller-address | 89 | ipv4-address | true |
client-system | 93 | uint16 | true |
client-ndi | 94 | record (uint8, uint8, uint8) | false |
uuid-guid | 97 | record (uint8, binary) | false |
uap-servers | 98 | string | false |
geoconf-civic | 99 | binary | false |
pcode | 100 | string | false |
tcode | 101 | string | false |
v6-only-preferred | 108 | uint32 | false |
netinfo-server-address | 112 | ipv4-address | true |
netinfo-server-tag | 113 | string | false |
v4-captive-portal | 114 | string | false |
auto-config | 116 | uint8 | false |
name-service-search | 117 | uint16 | true |
domain-search | 119 | fqdn | true |
vivco-suboptions | 124 | record (uint32, binary) | false |
vivso-suboptions | 125 | uint32 | false |
pana-agent | 136 | ipv4-address | true |
v4-lost | 137 | fqdn | false |
capwap-ac-v4 | 138 | ipv4-address | true |
sip-ua-cs-domains | 141 | fqdn | true |
rdnss-selection | 146 | record (uint8, ipv4-address, ipv4-address, fqdn) | true |
v4-portparams | 159 | record (uint8, psid) | false |
option-6rd | 212 | record (uint8, uint8, ipv6-address, ipv4-address) | true |
v4-access-domain | 213 | fqdn | false |
"""

# Where Kea 2.2 itself differs from its ARM table (checked with kea-dhcp4 -t): domain-name is a
# plain string (Kea accepts "not a valid..fqdn"), and option 85 is named "nds-servers".
ARM4_KNOWN_DEVIATIONS: dict[str, tuple[str, int, str, bool, tuple[str, ...]]] = {
    "domain-name": ("domain-name", 15, "string", False, ()),
    "nds-server": ("nds-servers", 85, "ipv4-address", True, ()),
}


def lookup4(name: str) -> OptionDef | None:
    """A dhcp4 definition by name, including the last-resort option 43."""
    last_resort = {row.name: row for row in LAST_RESORT4_DEFS}
    return STD4_BY_NAME.get(name) or last_resort.get(name)


# --- the ARM table ----------------------------------------------------------------------------


def test_arm_table_fixture_is_complete() -> None:
    rows = parse_arm_rows(ARM4_TABLE)
    assert len(rows) == 99
    assert rows["option-6rd"] == (
        212,
        "record",
        True,
        ("uint8", "uint8", "ipv6-address", "ipv4-address"),
    )


@pytest.mark.parametrize(("name", "row"), sorted(parse_arm_rows(ARM4_TABLE).items()))
def test_every_arm_row_is_defined_with_the_same_format(
    name: str, row: tuple[int, str, bool, tuple[str, ...]]
) -> None:
    code, kind, array, fields = row
    name, code, kind, array, fields = ARM4_KNOWN_DEVIATIONS.get(
        name, (name, code, kind, array, fields)
    )
    found = lookup4(name)
    assert found is not None, f"{name} missing"
    assert (found.code, found.type, found.array, found.record_types) == (code, kind, array, fields)


def test_option_43_is_only_a_last_resort_definition() -> None:
    assert 43 not in STD4_BY_CODE
    assert "vendor-encapsulated-options" not in STD4_BY_NAME
    assert (
        OptionDef(
            "vendor-encapsulated-options",
            43,
            "empty",
            "dhcp4",
            encapsulate="vendor-encapsulated-options-space",
        ),
    ) == LAST_RESORT4_DEFS


# --- table integrity --------------------------------------------------------------------------


def test_no_duplicate_code_or_name_within_a_space() -> None:
    codes = [(row.space, row.code) for row in STD4_DEFS + LAST_RESORT4_DEFS]
    names = [(row.space, row.name) for row in STD4_DEFS + LAST_RESORT4_DEFS]
    assert len(set(codes)) == len(codes)
    assert len(set(names)) == len(names)


def test_every_encapsulated_space_is_known() -> None:
    for row in STD4_DEFS + LAST_RESORT4_DEFS:
        if row.encapsulate:
            known = row.encapsulate in STD4_BY_SPACE or row.encapsulate in STD4_OPEN_SPACES
            assert known or enterprise_id_of_space(row.encapsulate), row


def test_open_spaces_are_the_ones_encapsulated_without_definitions() -> None:
    encapsulated = {row.encapsulate for row in STD4_DEFS + LAST_RESORT4_DEFS if row.encapsulate}
    assert encapsulated - set(STD4_BY_SPACE) == STD4_OPEN_SPACES
    assert set(STD4_BY_SPACE) == {"dhcp4", "vendor-4491"}


def test_record_types_exactly_on_records() -> None:
    for row in STD4_DEFS + LAST_RESORT4_DEFS:
        assert row.is_record == bool(row.record_types), row
        assert len(row.record_types) != 1, row
        assert set(row.record_types) <= RECORD_FIELD_TYPES, row


def test_types_are_known_and_codes_fit_one_octet() -> None:
    for row in STD4_DEFS + LAST_RESORT4_DEFS:
        assert row.type in OPTION_TYPES, row
        assert 0 < row.code < 255, row  # RFC 2132 §3.1/§3.2: 0 is Pad, 255 is End
        assert not (row.array and row.type == "empty"), row


def test_main_space_maps_agree_with_the_tuple() -> None:
    main = [row for row in STD4_DEFS if row.space == "dhcp4"]
    assert len(STD4_BY_CODE) == len(STD4_BY_NAME) == len(main) == 113
    assert all(STD4_BY_NAME[row.name] is STD4_BY_CODE[row.code] for row in main)


# --- spot checks ------------------------------------------------------------------------------

SPOT4 = [
    # name, code, type, array, record fields, encapsulate, space
    ("subnet-mask", 1, "ipv4-address", False, (), "", "dhcp4"),
    ("time-offset", 2, "int32", False, (), "", "dhcp4"),
    ("routers", 3, "ipv4-address", True, (), "", "dhcp4"),
    ("domain-name-servers", 6, "ipv4-address", True, (), "", "dhcp4"),
    ("host-name", 12, "string", False, (), "", "dhcp4"),
    ("domain-name", 15, "string", False, (), "", "dhcp4"),
    ("ip-forwarding", 19, "boolean", False, (), "", "dhcp4"),
    ("path-mtu-plateau-table", 25, "uint16", True, (), "", "dhcp4"),
    ("dhcp-requested-address", 50, "ipv4-address", False, (), "", "dhcp4"),
    ("dhcp-lease-time", 51, "uint32", False, (), "", "dhcp4"),
    ("dhcp-option-overload", 52, "uint8", False, (), "", "dhcp4"),
    ("dhcp-message-type", 53, "uint8", False, (), "", "dhcp4"),
    ("dhcp-server-identifier", 54, "ipv4-address", False, (), "", "dhcp4"),
    ("dhcp-parameter-request-list", 55, "uint8", True, (), "", "dhcp4"),
    ("dhcp-max-message-size", 57, "uint16", False, (), "", "dhcp4"),
    ("dhcp-renewal-time", 58, "uint32", False, (), "", "dhcp4"),
    ("dhcp-rebinding-time", 59, "uint32", False, (), "", "dhcp4"),
    ("vendor-class-identifier", 60, "string", False, (), "", "dhcp4"),
    ("dhcp-client-identifier", 61, "binary", False, (), "", "dhcp4"),
    ("user-class", 77, "binary", False, (), "", "dhcp4"),
    ("fqdn", 81, "record", False, ("uint8", "uint8", "uint8", "fqdn"), "", "dhcp4"),
    ("dhcp-agent-options", 82, "empty", False, (), "dhcp-agent-options-space", "dhcp4"),
    ("authenticate", 90, "binary", False, (), "", "dhcp4"),
    ("client-last-transaction-time", 91, "uint32", False, (), "", "dhcp4"),
    ("associated-ip", 92, "ipv4-address", True, (), "", "dhcp4"),
    ("v6-only-preferred", 108, "uint32", False, (), "", "dhcp4"),
    ("v4-captive-portal", 114, "string", False, (), "", "dhcp4"),
    ("subnet-selection", 118, "ipv4-address", False, (), "", "dhcp4"),
    ("domain-search", 119, "fqdn", True, (), "", "dhcp4"),
    ("vivso-suboptions", 125, "uint32", False, (), "", "dhcp4"),
    ("v4-portparams", 159, "record", False, ("uint8", "psid"), "", "dhcp4"),
    ("oro", 1, "uint8", True, (), "", "vendor-4491"),
    ("tftp-servers", 2, "ipv4-address", True, (), "", "vendor-4491"),
]  # fmt: skip


@pytest.mark.parametrize(("name", "code", "kind", "array", "fields", "encap", "space"), SPOT4)
def test_spot_check(
    name: str,
    code: int,
    kind: str,
    array: bool,
    fields: tuple[str, ...],
    encap: str,
    space: str,
) -> None:
    assert STD4_BY_SPACE[space][code] == OptionDef(name, code, kind, space, array, fields, encap)


# Codes Kea 2.2 has no definition for (it refuses option-data naming them without option-def);
# 121 classless-static-route only arrived in later Kea versions.
@pytest.mark.parametrize("code", [43, 80, 83, 84, 95, 96, 120, 121, 122, 123, 139, 142, 150, 220])
def test_codes_kea_leaves_undefined_are_absent(code: int) -> None:
    assert code not in STD4_BY_CODE
    assert "classless-static-route" not in STD4_BY_NAME


# --- Kea's own example and Kea itself ---------------------------------------------------------


def test_every_standard_option_in_kea_all_options_example() -> None:
    if not KEA4_ALL_OPTIONS.exists():
        pytest.skip(f"Kea example {KEA4_ALL_OPTIONS} not installed (kea-doc)")
    config = load_kea_json(KEA4_ALL_OPTIONS)
    custom = {(d["space"], d["name"]) for d in walk_option_lists(config, "option-def")}
    checked = 0
    for entry in walk_option_lists(config, "option-data"):
        space = entry.get("space", "dhcp4")
        if (space, entry["name"]) in custom:
            continue
        space = KEA_SPACE_ALIASES4.get(space, space)
        by_name = {row.name: row for row in STD4_BY_SPACE[space].values()}
        if space == "dhcp4":
            by_name |= {row.name: row for row in LAST_RESORT4_DEFS}
        assert by_name[entry["name"]].code == entry["code"], entry
        checked += 1
    assert checked >= 95


# Sample values chosen so a too-narrow or wrongly-typed definition makes Kea refuse them.
# Options Kea validates beyond their format (RFC 4702 flag rules, RFC 3925 nested tuples).
CSV_OVERRIDES4 = {("dhcp4", 81): "0, 0, 0, example.org", ("dhcp4", 124): "4294967295, 01ff"}


@pytest.mark.kea
def test_kea_accepts_every_definition_by_name_code_and_format(tmp_path: Path) -> None:
    if shutil.which("kea-dhcp4") is None:
        pytest.skip("kea-dhcp4 not installed")
    rows = STD4_DEFS + LAST_RESORT4_DEFS
    ok, output = kea_accepts(4, [csv_option_data(row, CSV_OVERRIDES4) for row in rows], tmp_path)
    assert ok, output
    # Raw payloads of exactly our size: Kea refuses them if its integer/address is wider.
    raw = raw_option_data(rows)
    ok, output = kea_accepts(4, raw, tmp_path)
    assert ok, output


@pytest.mark.kea
def test_kea_refuses_a_wrong_definition(tmp_path: Path) -> None:
    if shutil.which("kea-dhcp4") is None:
        pytest.skip("kea-dhcp4 not installed")
    wrong = OptionDef("interface-mtu", 26, "uint32", "dhcp4")
    assert not kea_accepts(4, [csv_option_data(wrong, CSV_OVERRIDES4)], tmp_path)[0]
    undefined = OptionDef("classless-static-route", 121, "binary", "dhcp4")
    assert not kea_accepts(4, [csv_option_data(undefined, CSV_OVERRIDES4)], tmp_path)[0]
