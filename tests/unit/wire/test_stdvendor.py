"""Vendor option spaces Kea 2.2 ships (CableLabs DOCSIS, ISC 4o6) and vendor space names."""

from __future__ import annotations

import pytest

from pukeko.wire.definitions import OPTION_TYPES, OptionDef
from pukeko.wire.stdvendor import (
    CABLELABS_SPACE,
    DOCSIS4_DEFS,
    DOCSIS6_DEFS,
    ISC6_DEFS,
    ISC_SPACE,
    KEA_SPACE_ALIASES4,
    KEA_SPACE_ALIASES6,
    enterprise_id_of_space,
    index_by_space,
    vendor_space_name,
)

ALL_VENDOR_TABLES = (DOCSIS4_DEFS, DOCSIS6_DEFS, ISC6_DEFS)


def test_space_names_follow_kea_vendor_naming() -> None:
    assert CABLELABS_SPACE == "vendor-4491"
    assert ISC_SPACE == "vendor-2495"
    assert vendor_space_name(12345) == "vendor-12345"


@pytest.mark.parametrize(
    ("space", "expected"),
    [
        ("vendor-4491", 4491),
        ("vendor-1", 1),
        ("vendor-4294967295", 0xFFFF_FFFF),
        ("vendor-4294967296", None),  # does not fit the 32-bit enterprise number
        ("vendor-0", None),  # Kea's "no vendor"
        ("vendor-", None),
        ("vendor-12a", None),
        ("vendor--5", None),
        ("vendor-٣", None),  # a non-ASCII digit is not a decimal number here
        ("dhcp6", None),
        ("Vendor-4491", None),
        ("s46-rule-options", None),
    ],
)
def test_enterprise_id_of_space(space: str, expected: int | None) -> None:
    assert enterprise_id_of_space(space) == expected


def test_round_trip_of_space_name_and_enterprise_id() -> None:
    for enterprise in (1, 311, 2495, 4491, 0xFFFF_FFFF):
        assert enterprise_id_of_space(vendor_space_name(enterprise)) == enterprise


def test_docsis_v4_sub_options() -> None:
    # CableLabs DHCPv4 vendor sub-options 1 (ORO, one octet per code) and 2 (TFTP servers).
    assert (
        OptionDef("oro", 1, "uint8", "vendor-4491", array=True),
        OptionDef("tftp-servers", 2, "ipv4-address", "vendor-4491", array=True),
    ) == DOCSIS4_DEFS


@pytest.mark.parametrize(
    ("code", "name", "kind", "array"),
    [
        (1, "oro", "uint16", True),
        (2, "device-type", "string", False),
        (10, "vendor-type", "string", False),
        (32, "tftp-servers", "ipv6-address", True),
        (33, "config-file", "string", False),
        (34, "syslog-servers", "ipv6-address", True),
        (36, "device-id", "binary", False),
        (37, "time-servers", "ipv6-address", True),
        (38, "time-offset", "int32", False),
        (1026, "cmts-cm-mac", "binary", False),
    ],
)
def test_docsis_v6_sub_options(code: int, name: str, kind: str, array: bool) -> None:
    by_code = {row.code: row for row in DOCSIS6_DEFS}
    assert by_code[code] == OptionDef(name, code, kind, "vendor-4491", array=array)


def test_docsis_v6_table_has_exactly_kea_codes() -> None:
    assert sorted(row.code for row in DOCSIS6_DEFS) == [1, 2, 10, 32, 33, 34, 36, 37, 38, 1026]


def test_isc_4o6_options() -> None:
    # ARM "DHCPv6 Vendor-Specific Options": vendor-2495 codes 60000..60002.
    assert (
        OptionDef("4o6-interface", 60000, "string", "vendor-2495"),
        OptionDef("4o6-source-address", 60001, "ipv6-address", "vendor-2495"),
        OptionDef("4o6-source-port", 60002, "uint16", "vendor-2495"),
    ) == ISC6_DEFS


@pytest.mark.parametrize("table", ALL_VENDOR_TABLES)
def test_vendor_tables_are_well_formed(table: tuple[OptionDef, ...]) -> None:
    assert len({row.code for row in table}) == len(table)
    assert len({row.name for row in table}) == len(table)
    for row in table:
        assert row.type in OPTION_TYPES
        assert enterprise_id_of_space(row.space) in (4491, 2495)
        assert not row.record_types
        assert not row.encapsulate


def test_kea_internal_space_aliases() -> None:
    assert dict(KEA_SPACE_ALIASES4) == {"docsis3-v4": "vendor-4491"}
    assert dict(KEA_SPACE_ALIASES6) == {"docsis3-v6": "vendor-4491", "4o6": "vendor-2495"}


def test_index_by_space_groups_by_space_then_code_read_only() -> None:
    first = OptionDef("a", 1, "uint8", "x")
    second = OptionDef("b", 1, "uint16", "y")
    third = OptionDef("c", 2, "string", "x")
    index = index_by_space((first, second, third))
    assert {space: dict(rows) for space, rows in index.items()} == {
        "x": {1: first, 2: third},
        "y": {1: second},
    }
    with pytest.raises(TypeError):
        index["x"][3] = first  # type: ignore[index]
