"""Checks of ``option-def`` and ``option-data`` entries, and their compilation to payloads.

Rules from Kea 2.2's OptionDefParser, OptionDataParser and CfgOptionDef (ARM "Standard DHCPv6
Options", "Custom DHCPv6 Options"). Option data is compiled with the same codec the server uses,
so a value Kea would refuse is refused here with the codec's reason.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from pukeko.config.checks_base import Collector, maps
from pukeko.config.errors import KeyPath
from pukeko.wire.definitions import DHCP4_SPACE, DHCP6_SPACE, OptionDef
from pukeko.wire.optcodec import (
    OptionDataHexError,
    OptionValueError,
    encode_option_value,
    parse_hex_data,
)
from pukeko.wire.spaces import OptionSpaces, SpaceError
from pukeko.wire.std4 import LAST_RESORT4_DEFS, STD4_DEFS
from pukeko.wire.std6 import STD6_DEFS
from pukeko.wire.stdvendor import KEA_SPACE_ALIASES4, KEA_SPACE_ALIASES6

# Kea's OptionSpace::validateName: letters, digits, '-' and '_', not starting or ending with
# '-' or '_'.
_SPACE_NAME = re.compile(r"^[A-Za-z0-9]([A-Za-z0-9_-]*[A-Za-z0-9])?$")


@lru_cache(maxsize=2)
def standard_spaces(family: int) -> OptionSpaces:
    """The registry of the standard option definitions of ``family`` (immutable, shared)."""
    if family == 6:
        return OptionSpaces(6, STD6_DEFS)
    return OptionSpaces(4, STD4_DEFS, last_resort=LAST_RESORT4_DEFS)


def family_space(family: int) -> str:
    """The top-level option space of ``family``."""
    return DHCP6_SPACE if family == 6 else DHCP4_SPACE


@dataclass(frozen=True, slots=True)
class CompiledOption:
    """An option-data entry resolved against the definitions."""

    space: str
    code: int
    name: str
    payload: bytes
    csv_format: bool


def option_def_row(entry: dict[str, object], family: int) -> OptionDef | None:
    """The OptionDef an ``option-def`` map describes (None when fields are missing)."""
    name, code, kind = entry.get("name"), entry.get("code"), entry.get("type")
    if not isinstance(name, str) or not isinstance(code, int) or not isinstance(kind, str):
        return None
    records = entry.get("record-types", "")
    record_types = tuple(
        t.strip() for t in (records.split(",") if isinstance(records, str) else []) if t.strip()
    )
    space = entry.get("space", family_space(family))
    encapsulate = entry.get("encapsulate", "")
    return OptionDef(
        name=name,
        code=code,
        type=kind,
        space=space if isinstance(space, str) else family_space(family),
        array=entry.get("array") is True,
        record_types=record_types,
        encapsulate=encapsulate if isinstance(encapsulate, str) else "",
    )


def add_option_defs(
    c: Collector, spaces: OptionSpaces, entries: object, path: KeyPath
) -> OptionSpaces:
    """``spaces`` plus the valid definitions of an ``option-def`` list; errors for the rest."""
    rows: list[tuple[int, OptionDef]] = []
    for i, entry in maps(entries):
        row = option_def_row(entry, c.family)
        if row is None:
            c.error((*path, i), "option definition requires 'name', 'code' and 'type'")
            continue
        if not _SPACE_NAME.match(row.space):
            c.error((*path, i, "space"), f"invalid option space name '{row.space}'")
            continue
        rows.append((i, row))
    try:
        return spaces.with_defs(row for _, row in rows)
    except SpaceError as exc:
        bad = {index for index, _ in exc.problems}
        for index, text in exc.problems:
            c.error((*path, rows[index][0]), text)
        good = [row for k, (_, row) in enumerate(rows) if k not in bad]
        try:
            return spaces.with_defs(good)
        except SpaceError:
            return spaces


_OPTION_KEYS = ("space", "name", "code", "csv-format", "data")
_OptionKey = tuple[tuple[str, type, object], ...]


def compile_option(
    entry: dict[str, object], spaces: OptionSpaces, *, csv_default: bool
) -> CompiledOption | tuple[str, str]:
    """Resolve and encode one option-data map; on failure (key, message).

    Remembered by value: the checks and the model builder both compile every entry, and large
    configurations repeat the same few options in every subnet.
    """
    key = _option_key(entry)
    if key is None:
        return _compile(entry, spaces, csv_default)
    return _compile_remembered(spaces, key, csv_default)


def _option_key(entry: dict[str, object]) -> _OptionKey | None:
    """The fields that decide the compiled option, typed (``True`` is not ``1``); None if odd."""
    key = []
    for name in _OPTION_KEYS:
        if name in entry:
            value = entry[name]
            if not isinstance(value, str | int | None):  # bool is an int
                return None
            key.append((name, type(value), value))
    return tuple(key)


@lru_cache(maxsize=4096)
def _compile_remembered(
    spaces: OptionSpaces, key: _OptionKey, csv_default: bool
) -> CompiledOption | tuple[str, str]:
    return _compile({name: value for name, _, value in key}, spaces, csv_default)


def _compile(
    entry: dict[str, object], spaces: OptionSpaces, csv_default: bool
) -> CompiledOption | tuple[str, str]:
    """Resolve and encode one option-data map (see :func:`compile_option`)."""
    family = spaces.family
    space_value = entry.get("space", family_space(family))
    space = space_value if isinstance(space_value, str) else family_space(family)
    problem = _space_problem(space, family)
    if problem:
        return "space", problem
    # Kea's internal names of the vendor spaces it defines (docsis3-v6 = vendor-4491).
    space = (KEA_SPACE_ALIASES6 if family == 6 else KEA_SPACE_ALIASES4).get(space, space)
    raw_name, raw_code = entry.get("name"), entry.get("code")
    name = raw_name if isinstance(raw_name, str) else None
    code = raw_code if isinstance(raw_code, int) and not isinstance(raw_code, bool) else None
    if name is not None and " " in name:
        return "name", f"invalid option name '{name}', space character is not allowed"
    if name is None and code is None:
        return "", "option data configuration requires one of 'code' or 'name' parameters"
    defn = spaces.by_code(space, code) if code is not None else spaces.by_name(space, str(name))
    csv_given = entry.get("csv-format")
    data = entry.get("data", "")
    text = data if isinstance(data, str) else ""
    if defn is None:
        return _compile_undefined(space, name, code, text, csv_given, csv_default)
    if name is not None and name != defn.name:
        return "name", (
            f"specified option name '{name}' does not match the option definition: "
            f"'{space}.{defn.name}'"
        )
    use_csv = csv_given is not False
    try:
        payload = encode_option_value(defn, text, csv_format=use_csv, spaces=spaces)
    except OptionDataHexError as exc:  # Kea reports the hex text alone (createOption)
        return "data", str(exc)
    except (OptionValueError, ValueError) as exc:
        return "data", (
            f"option data does not match option definition (space: {space}, "
            f"code: {defn.code}): {exc}"
        )
    return _reserved(CompiledOption(space, defn.code, defn.name, payload, use_csv))


def _compile_undefined(
    space: str,
    name: str | None,
    code: int | None,
    text: str,
    csv_given: object,
    csv_default: bool,
) -> CompiledOption | tuple[str, str]:
    csv = csv_given if isinstance(csv_given, bool) else csv_default
    if csv or code is None:
        label = f"'{space}.{name or ''}'" + (f" having code '{code}'" if code is not None else "")
        return "name", f"definition for the option {label} does not exist"
    try:
        payload = parse_hex_data(text)
    except (OptionValueError, ValueError):
        return "data", f"option data is not a valid string of hexadecimal digits: {text}"
    return _reserved(CompiledOption(space, code, name or "", payload, False))


def _reserved(option: CompiledOption) -> CompiledOption | tuple[str, str]:
    """PAD/END in dhcp4 (RFC 2132 §3.1-3.2) and code 0 in dhcp6 (RFC 8415 §21.1) are reserved."""
    if option.space == DHCP4_SPACE and option.code in (0, 255):
        which = "PAD" if option.code == 0 else "END"
        return "code", f"invalid option code '{option.code}': reserved for {which}"
    if option.space == DHCP6_SPACE and option.code == 0:
        return "code", "invalid option code '0': reserved value"
    return option


def _space_problem(space: str, family: int) -> str:
    if not _SPACE_NAME.match(space):
        return f"invalid option space name '{space}'"
    if space == DHCP4_SPACE and family == 6:
        return "'dhcp4' option space name is reserved for DHCPv4 server"
    if space == DHCP6_SPACE and family == 4:
        return "'dhcp6' option space name is reserved for DHCPv6 server"
    return ""


class OptionChecks:
    """Checks option-data lists against one registry (the config's option-defs included)."""

    def __init__(self, spaces: OptionSpaces, global_path: KeyPath) -> None:
        self.spaces = spaces
        self.global_path = global_path

    def check_list(self, c: Collector, entries: object, path: KeyPath) -> None:
        """Report every option-data entry of ``entries`` that does not compile."""
        self.check_with(c, entries, path, self.spaces)

    def check_with(
        self, c: Collector, entries: object, path: KeyPath, spaces: OptionSpaces
    ) -> None:
        """Like :meth:`check_list` with another registry (a class's own option-defs)."""
        # Kea sets csv-format's default (true) only on the global option-data list.
        csv_default = path == (*self.global_path, "option-data")
        for i, entry in maps(entries):
            result = compile_option(entry, spaces, csv_default=csv_default)
            if isinstance(result, tuple):
                key, message = result
                c.error((*path, i, key) if key and key in entry else (*path, i), message)
