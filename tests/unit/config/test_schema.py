"""The keyword tables: Kea 2.2 defaults, internal consistency, family differences."""

from __future__ import annotations

import pytest

from pukeko.config.schema import (
    NO_DEFAULT,
    NON_EMPTY,
    OBJECTS,
    ONE_OF,
    OPEN_KINDS,
    ROOT_KIND,
    TYPES,
    Key,
    default,
)

SCALARS = {"string", "integer", "boolean", "real", "any"}


@pytest.mark.parametrize(
    ("kind", "key", "value"),
    [
        # SimpleParser6::GLOBAL6_DEFAULTS
        ("dhcp6", "preferred-lifetime", 3600),
        ("dhcp6", "valid-lifetime", 7200),
        ("dhcp6", "decline-probation-period", 86400),
        ("dhcp6", "dhcp4o6-port", 0),
        ("dhcp6", "calculate-tee-times", True),
        ("dhcp6", "t1-percent", 0.5),
        ("dhcp6", "t2-percent", 0.8),
        ("dhcp6", "ddns-replace-client-name", "never"),
        ("dhcp6", "ddns-generated-prefix", "myhost"),
        ("dhcp6", "hostname-char-set", "[^A-Za-z0-9.-]"),
        ("dhcp6", "reservations-in-subnet", True),
        ("dhcp6", "parked-packet-limit", 256),
        ("dhcp6", "statistic-default-sample-count", 20),
        # SimpleParser4::GLOBAL4_DEFAULTS
        ("dhcp4", "valid-lifetime", 7200),
        ("dhcp4", "calculate-tee-times", False),
        ("dhcp4", "t2-percent", 0.875),
        ("dhcp4", "echo-client-id", True),
        ("dhcp4", "match-client-id", True),
        ("dhcp4", "authoritative", False),
        ("dhcp4", "next-server", "0.0.0.0"),
        # per-object defaults
        ("subnet6", "id", 0),
        ("subnet6", "rapid-commit", False),
        ("subnet4", "4o6-interface", ""),
        ("shared-network6", "interface-id", ""),
        ("option-data6", "space", "dhcp6"),
        ("option-data4", "space", "dhcp4"),
        ("option-data6", "csv-format", True),
        ("option-def6", "array", False),
        ("option-def4", "space", "dhcp4"),
        ("interfaces-config6", "re-detect", True),
        ("dhcp-queue-control6", "queue-type", "kea-ring6"),
        ("dhcp-queue-control4", "queue-type", "kea-ring4"),
        ("multi-threading", "packet-queue-size", 64),
        ("sanity-checks", "lease-checks", "warn"),
        ("dhcp-ddns", "server-port", 53001),
        ("dhcp-ddns", "max-queue-size", 1024),
        ("expired-leases-processing", "hold-reclaimed-time", 3600),
    ],
)
def test_kea_defaults(kind: str, key: str, value: object) -> None:
    assert default(kind, key) == value
    assert type(default(kind, key)) is type(value)


@pytest.mark.parametrize(
    ("kind", "key"),
    [
        ("dhcp6", "renew-timer"),
        ("dhcp6", "rebind-timer"),
        ("dhcp4", "renew-timer"),
        ("dhcp6", "min-valid-lifetime"),
        ("subnet6", "valid-lifetime"),  # inherited, not defaulted, at subnet level
        ("option-def", "space"),
        ("dhcp-ddns", "enable-updates"),
    ],
)
def test_keys_without_default(kind: str, key: str) -> None:
    with pytest.raises(KeyError):
        default(kind, key)


def test_unknown_kind_or_key_raise_key_error() -> None:
    with pytest.raises(KeyError):
        default("nope", "x")
    with pytest.raises(KeyError):
        default("dhcp6", "nope")


def test_required_kinds_exist() -> None:
    expected = {
        "dhcp6", "dhcp4", "subnet6", "subnet4", "pool6", "pool4", "pd-pool", "shared-network6",
        "shared-network4", "option-data6", "option-data4", "option-def", "client-class6",
        "client-class4", "reservation6", "reservation4", "interfaces-config6",
        "interfaces-config4", "lease-database", "hosts-database", "expired-leases-processing",
        "control-socket", "dhcp-ddns", "sanity-checks", "multi-threading", "compatibility4",
        "compatibility6", "relay", "hooks-library", "logger", "output-option",
        "config-control", "server-id",
    }  # fmt: skip
    assert expected <= set(OBJECTS)
    assert set(ROOT_KIND.values()) <= set(OBJECTS)


def _rows() -> list[tuple[str, Key]]:
    return [(kind, row) for kind, table in OBJECTS.items() for row in table.values()]


def test_rows_are_consistent() -> None:
    for kind, row in _rows():
        assert OBJECTS[kind][row.name] is row
        assert row.type in TYPES, (kind, row)
        if row.item is not None:
            assert row.type in ("list", "map"), (kind, row)
            assert row.item in OBJECTS or row.item in SCALARS, (kind, row)
        if row.type == "list" and row.item is None:
            pytest.fail(f"{kind}.{row.name}: list without item kind")
        if row.minimum is not None or row.maximum is not None:
            assert row.type == "integer", (kind, row)
        if row.choices:
            assert row.type == "string" or row.item == "string", (kind, row)


def test_defaults_satisfy_their_own_rows() -> None:
    python_type = {"string": str, "integer": int, "boolean": bool, "real": float}
    for kind, row in _rows():
        if row.default is NO_DEFAULT:
            continue
        assert type(row.default) is python_type[row.type], (kind, row)
        if row.choices:
            assert row.default in row.choices, (kind, row)
        if isinstance(row.default, int) and not isinstance(row.default, bool):
            assert row.minimum is not None and row.maximum is not None
            assert row.minimum <= row.default <= row.maximum, (kind, row)


def test_metadata_keys_everywhere_kea_accepts_them() -> None:
    with_meta = {
        "dhcp6", "dhcp4", "subnet6", "subnet4", "pool6", "pool4", "pd-pool",
        "shared-network6", "shared-network4", "option-data6", "option-data4", "option-def",
        "client-class6", "client-class4", "reservation6", "reservation4",
        "interfaces-config6", "interfaces-config4", "control-socket", "dhcp-ddns",
        "multi-threading", "logger", "server-id", "dhcp-queue-control6",
    }  # fmt: skip
    for kind in with_meta:
        assert OBJECTS[kind]["user-context"].type == "map"
        assert OBJECTS[kind]["comment"].type == "string"
    # Kea's grammar has no user-context in these maps.
    for kind in ("lease-database", "relay", "hooks-library", "output-option", "sanity-checks"):
        assert "user-context" not in OBJECTS[kind]


def test_family_differences() -> None:
    v6, v4 = OBJECTS["dhcp6"], OBJECTS["dhcp4"]
    for only6 in ("preferred-lifetime", "subnet6", "mac-sources", "server-id", "data-directory"):
        assert only6 in v6 and only6 not in v4
    for only4 in ("subnet4", "echo-client-id", "next-server", "boot-file-name", "authoritative"):
        assert only4 in v4 and only4 not in v6
    assert "pd-pools" in OBJECTS["subnet6"] and "pd-pools" not in OBJECTS["subnet4"]
    assert "4o6-subnet" in OBJECTS["subnet4"]
    assert OBJECTS["option-data6"]["code"].maximum == 65535
    assert OBJECTS["option-data4"]["code"].maximum == 255
    assert "ip-address" in OBJECTS["reservation4"] and "ip-addresses" in OBJECTS["reservation6"]
    assert "option-def" in OBJECTS["client-class4"] and "option-def" not in OBJECTS["client-class6"]


def test_required_keys_follow_the_grammar() -> None:
    required = {kind: {r.name for r in t.values() if r.required} for kind, t in OBJECTS.items()}
    assert required["subnet6"] == {"subnet"}
    assert required["pd-pool"] == {"prefix", "prefix-len", "delegated-len"}
    assert required["option-def6"] == {"name", "code", "type"}
    assert required["client-class4"] == {"name"}
    assert required["hooks-library"] == {"library"}
    assert required["lease-database"] == {"type"}
    assert required["dhcp-ddns"] == {"enable-updates"}
    assert required["option-data6"] == set()


def test_structure_tables_name_real_kinds() -> None:
    assert set(OBJECTS) >= NON_EMPTY
    assert set(OBJECTS) >= OPEN_KINDS
    for kind, group in ONE_OF.items():
        assert set(group) <= set(OBJECTS[kind])


def test_deprecated_keys_say_what_to_use() -> None:
    assert "reservations-global" in OBJECTS["dhcp6"]["reservation-mode"].deprecated
    assert OBJECTS["dhcp6"]["valid-lifetime"].deprecated == ""
