"""Option-data fixtures shared by the standard option table tests (v4 and v6)."""

from __future__ import annotations

import json
import re
import subprocess
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from pukeko.config.jsonc import parse_json
from pukeko.wire.definitions import OptionDef

# One valid CSV value per Kea option data type.
CSV_SAMPLE = {
    "ipv4-address": "192.0.2.1", "ipv6-address": "2001:db8::1", "ipv6-prefix": "2001:db8::/64",
    "fqdn": "example.org", "string": "x", "tuple": "x", "binary": "00", "boolean": "true",
    "psid": "3/4", "uint8": "255", "uint16": "65535", "uint32": "4294967295", "int8": "-128",
    "int16": "-32768", "int32": "-2147483648",
}  # fmt: skip
# Wire size of the fixed-size types.
FIXED_SIZE = {
    "uint8": 1, "int8": 1, "boolean": 1, "uint16": 2, "int16": 2, "uint32": 4, "int32": 4,
    "ipv4-address": 4, "ipv6-address": 16,
}  # fmt: skip


# A row of the ARM's option tables as the tests embed them: "name | code | type | array |"
# (the v6 table marks one name with a footnote, " (1)").
_ARM_ROW = re.compile(r"^([a-z0-9-]+)(?: \(1\))? \| (\d+) \| ([a-z0-9 (),-]+?) \| (true|false) \|$")


def parse_arm_rows(text: str) -> dict[str, tuple[int, str, bool, tuple[str, ...]]]:
    """Rows of an ARM option table: name -> (code, type, array, record field types)."""
    rows: dict[str, tuple[int, str, bool, tuple[str, ...]]] = {}
    for line in text.splitlines():
        match = _ARM_ROW.match(line.strip())
        if match is None:
            continue
        name, code, kind, array = match.groups()
        fields: tuple[str, ...] = ()
        if kind.startswith("record"):
            fields = tuple(f.strip() for f in kind[len("record") :].strip(" ()").split(","))
            kind = "record"
        rows[name] = (int(code), kind, array == "true", fields)
    return rows


def load_kea_json(path: Path) -> Any:
    """A Kea configuration file (comments allowed) as plain JSON values."""
    return parse_json(path.read_text(encoding="utf-8"), source=str(path)).value


def walk_option_lists(node: Any, key: str) -> Iterator[dict[str, Any]]:
    """Every entry of every list called ``key`` anywhere in a parsed configuration."""
    if isinstance(node, dict):
        for name, value in node.items():
            if name == key and isinstance(value, list):
                yield from value
            yield from walk_option_lists(value, key)
    elif isinstance(node, list):
        for item in node:
            yield from walk_option_lists(item, key)


def csv_option_data(row: OptionDef, overrides: Mapping[tuple[str, int], str]) -> dict[str, Any]:
    """An option-data entry naming ``row`` by name, code and space, with data of its format."""
    entry: dict[str, Any] = {"name": row.name, "code": row.code, "space": row.space}
    if (row.space, row.code) in overrides:
        entry["data"] = overrides[(row.space, row.code)]
    elif row.is_record:
        entry["data"] = ", ".join(CSV_SAMPLE[field] for field in row.record_types)
    elif row.type != "empty":
        entry["data"] = CSV_SAMPLE[row.type]
    return entry


def raw_option_data(rows: tuple[OptionDef, ...]) -> list[dict[str, Any]]:
    """Hex option data of exactly the fixed size of each fixed-size row."""
    return [
        {"name": r.name, "code": r.code, "space": r.space, "csv-format": False}
        | {"data": "01" * FIXED_SIZE[r.type]}
        for r in rows
        if r.type in FIXED_SIZE
    ]


def kea_accepts(family: int, option_data: list[dict[str, Any]], tmp_path: Path) -> tuple[bool, str]:
    """Run ``kea-dhcpN -t`` on a configuration holding only this option data."""
    path = tmp_path / f"kea{family}.json"
    config = {f"Dhcp{family}": {"option-data": option_data}}
    path.write_text(json.dumps(config), encoding="utf-8")
    done = subprocess.run(
        [f"kea-dhcp{family}", "-t", str(path)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    return done.returncode == 0, done.stdout[-600:] + done.stderr[-600:]
