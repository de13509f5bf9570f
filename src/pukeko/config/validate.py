"""Check a parsed configuration against the keyword tables, and fill Kea's defaults.

:func:`check_schema` does what Kea 2.2's bison grammar checks: the one top-level object
(``Dhcp6`` or ``Dhcp4``; Kea 2.2 accepts no other top-level key), unknown keywords ("got
unexpected keyword"), value types, integer ranges, allowed strings, required keys ("missing
parameter"), maps that must not be empty, and the kinds of list items and nested maps. Every
error is collected with its key path and source position; nothing stops at the first error.

:func:`with_defaults` mirrors Kea's ``SimpleParser6/4::setAllDefaults``: it fills defaults only
where Kea does (globals, global option-def / option-data, subnets, shared networks,
interfaces-config, dhcp-ddns, and the created dhcp-queue-control / multi-threading /
sanity-checks maps). It does not copy global values into networks: that is inheritance.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pukeko.config.errors import ConfigError, KeyPath, Position
from pukeko.config.jsonc import Document
from pukeko.config.schema import NON_EMPTY, OBJECTS, ONE_OF, OPEN_KINDS, ROOT_KEY, ROOT_KIND, Key

# Kea's Element::typeToName (lib/cc/data.cc).
ELEMENT_TYPE_NAMES = {
    bool: "boolean",
    int: "integer",
    float: "real",
    str: "string",
    dict: "map",
    list: "list",
    type(None): "null",
}


def element_type_name(value: object) -> str:
    """The Kea Element type name of a decoded JSON value (``real`` for a float)."""
    return ELEMENT_TYPE_NAMES.get(type(value), type(value).__name__)


def _type_name(value: object) -> str:
    """The type of ``value`` as the schema errors name it (a float is "floating point")."""
    return "floating point" if isinstance(value, float) else element_type_name(value)


def _matches_type(value: object, type_: str) -> bool:
    """True when ``value`` has the JSON type Kea's grammar expects for ``type_``."""
    if type_ == "string":
        return isinstance(value, str)
    if type_ == "integer":
        return isinstance(value, int) and not isinstance(value, bool)
    if type_ == "boolean":
        return isinstance(value, bool)
    if type_ == "real":
        # Kea's grammar wants a FLOAT token here: "1" is refused, "1.0" accepted.
        return isinstance(value, float)
    if type_ == "map":
        return isinstance(value, dict)
    if type_ == "list":
        return isinstance(value, list)
    return True  # "any"


class _Checker:
    """Walks the document by the tables and collects errors."""

    def __init__(self, doc: Document) -> None:
        self.doc = doc
        self.errors: list[ConfigError] = []

    def where(self, path: KeyPath) -> Position | None:
        """The position of the value at ``path`` (or of its nearest ancestor)."""
        while True:
            position = self.doc.positions.get(path)
            if position is not None or not path:
                return position
            path = path[:-1]

    def key_where(self, path: KeyPath) -> Position | None:
        """The position of the key of the member at ``path``."""
        return self.doc.key_positions.get(path) or self.where(path)

    def error(self, path: KeyPath, message: str, position: Position | None = None) -> None:
        self.errors.append(ConfigError(path, message, position or self.where(path)))

    # -- objects --------------------------------------------------------------------------
    def check_object(self, value: object, kind: str, path: KeyPath) -> None:
        """Check one map of ``kind``."""
        if not isinstance(value, dict):
            self.error(path, f"expected a map ({kind}), got {_type_name(value)}")
            return
        table = OBJECTS[kind]
        context = _context_name(path)
        if not value and kind in NON_EMPTY:
            self.error(path, f"the {context} map must not be empty")
            return
        for name, member in value.items():
            row = table.get(name)
            if row is None:
                if kind not in OPEN_KINDS:
                    message = f'got unexpected keyword "{name}" in {context} map.'
                    self.error((*path, name), message, self.key_where((*path, name)))
                continue
            self.check_value(member, row, (*path, name))
        for row in table.values():
            if row.required and row.name not in value:
                self.error(path, f"missing parameter '{row.name}' in {context} map")
        self.check_one_of(value, kind, path, context)

    def check_one_of(self, value: dict[str, object], kind: str, path: KeyPath, ctx: str) -> None:
        """Kea's grammar takes only one key of some groups (relay: ip-address/ip-addresses)."""
        group = ONE_OF.get(kind)
        if group is None:
            return
        present = [name for name in group if name in value]
        if len(present) > 1:
            names = " and ".join(f'"{n}"' for n in present)
            self.error(path, f"{names} cannot both be given in the {ctx} map")

    # -- values ---------------------------------------------------------------------------
    def check_value(self, value: object, row: Key, path: KeyPath) -> None:
        """Check one member against its row: type, then range / choices / nested kinds."""
        if not _matches_type(value, row.type):
            expected = "floating point" if row.type == "real" else row.type
            self.error(path, f"expected {expected}, got {_type_name(value)}")
            return
        if isinstance(value, str):
            self.check_choice(value, row, path)
        elif isinstance(value, int) and not isinstance(value, bool):
            self.check_range(value, row, path)
        elif isinstance(value, dict) and row.item is not None:
            self.check_object(value, row.item, path)
        elif isinstance(value, list):
            self.check_items(value, row, path)

    def check_range(self, value: int, row: Key, path: KeyPath) -> None:
        """Integers must lie within the row's inclusive bounds."""
        low, high = row.minimum, row.maximum
        if (low is not None and value < low) or (high is not None and value > high):
            self.error(path, f"value {value} is out of range [{low}, {high}]")

    def check_choice(self, value: str, row: Key, path: KeyPath) -> None:
        """Strings restricted to a set of keywords."""
        if not row.choices:
            return
        allowed = row.choices
        folded = {c.lower() for c in allowed} if row.ignore_case else set(allowed)
        if (value.lower() if row.ignore_case else value) not in folded:
            names = ", ".join(allowed)
            self.error(path, f'unsupported value "{value}" for {row.name}: expected one of {names}')

    def check_items(self, items: list[object], row: Key, path: KeyPath) -> None:
        """Each list item is an object of kind ``row.item`` or a scalar of that type."""
        item = row.item
        if item is None or item == "any":
            return
        for index, value in enumerate(items):
            at = (*path, index)
            if item in OBJECTS:
                self.check_object(value, item, at)
            elif not _matches_type(value, item):
                self.error(at, f"expected {item} in {row.name}, got {_type_name(value)}")
            elif isinstance(value, str):
                self.check_choice(value, row, at)


def _context_name(path: KeyPath) -> str:
    """Kea names a map context after the key it sits under (``subnet6``, ``pools``...)."""
    for part in reversed(path):
        if isinstance(part, str):
            return part
    return "toplevel"


def check_schema(doc: Document, family: int) -> list[ConfigError]:
    """Check ``doc`` against Kea 2.2's keyword tables for ``family`` (6 or 4); return errors."""
    checker = _Checker(doc)
    root_key = ROOT_KEY[family]
    top = doc.value
    if not isinstance(top, dict):
        checker.error((), f"the configuration must be a map with {root_key}, got {_type_name(top)}")
        return checker.errors
    for name in top:
        if name != root_key:
            # Kea 2.2's grammar accepts only the server's own object at the top level.
            message = f'got unexpected keyword "{name}" at the top level (expected {root_key})'
            checker.error((name,), message, checker.key_where((name,)))
    if root_key not in top:
        checker.error((), f"missing parameter '{root_key}'")
    else:
        checker.check_object(top[root_key], ROOT_KIND[family], (root_key,))
    return checker.errors


# -- defaults -------------------------------------------------------------------------------

_ANY = "*"  # a path step matching every list item


@dataclass(frozen=True)
class _Place:
    """Where Kea's setAllDefaults fills one kind's defaults (a path under the global map)."""

    path: tuple[str, ...]
    kind: str
    only: tuple[str, ...] | None = None  # fill only these keys
    create: bool = False  # add the map when absent


# SimpleParser6::setAllDefaults (Kea 2.2 src/lib/dhcpsrv/parsers/simple_parser6.cc) and
# D2ClientConfigParser::setAllDefaults for dhcp-ddns.
_PLACES6 = (
    _Place((), "dhcp6"),
    _Place(("option-def", _ANY), "option-def6"),
    _Place(("option-data", _ANY), "option-data6"),
    _Place(("subnet6", _ANY), "subnet6"),
    _Place(("interfaces-config",), "interfaces-config6"),
    _Place(("shared-networks", _ANY), "shared-network6"),
    # SHARED_SUBNET6_DEFAULTS: a subnet in a shared network gets only its id default.
    _Place(("shared-networks", _ANY, "subnet6", _ANY), "subnet6", only=("id",)),
    _Place(("dhcp-queue-control",), "dhcp-queue-control6", create=True),
    _Place(("multi-threading",), "multi-threading", create=True),
    _Place(("sanity-checks",), "sanity-checks", create=True),
    _Place(("dhcp-ddns",), "dhcp-ddns"),
)

# SimpleParser4::setAllDefaults, plus client-class option-def (ClientClassDefParser).
_PLACES4 = (
    _Place((), "dhcp4"),
    _Place(("option-def", _ANY), "option-def4"),
    _Place(("option-data", _ANY), "option-data4"),
    _Place(("subnet4", _ANY), "subnet4"),
    _Place(("interfaces-config",), "interfaces-config4"),
    _Place(("shared-networks", _ANY), "shared-network4"),
    _Place(
        ("shared-networks", _ANY, "subnet4", _ANY),
        "subnet4",
        only=("id", "4o6-interface", "4o6-interface-id", "4o6-subnet"),
    ),
    _Place(("client-classes", _ANY, "option-def", _ANY), "option-def4"),
    _Place(("dhcp-queue-control",), "dhcp-queue-control4", create=True),
    _Place(("multi-threading",), "multi-threading", create=True),
    _Place(("sanity-checks",), "sanity-checks", create=True),
    _Place(("dhcp-ddns",), "dhcp-ddns"),
)

DEFAULT_PLACES: Mapping[int, tuple[_Place, ...]] = {6: _PLACES6, 4: _PLACES4}


def json_copy(value: Any) -> Any:
    """A deep copy of a JSON value (dicts, lists, scalars): copy.deepcopy without its memo."""
    if isinstance(value, dict):
        return {key: json_copy(item) for key, item in value.items()}
    if isinstance(value, list):
        return [json_copy(item) for item in value]
    return value


def with_defaults(value: dict[str, object], family: int) -> dict[str, object]:
    """A deep copy of ``value`` with Kea 2.2's defaults filled in where Kea fills them.

    ``value`` may be the whole document (``{"Dhcp6": {...}}``) or the global map itself; the
    result has the same shape. Parts of the wrong type are left alone (check them first).
    """
    result: dict[str, object] = json_copy(value)
    root_key = ROOT_KEY[family]
    inner = result.get(root_key) if root_key in result else result
    if isinstance(inner, dict):
        for place in DEFAULT_PLACES[family]:
            for target in _find_maps(inner, place):
                _fill(target, place)
    return result


def _find_maps(top: dict[str, object], place: _Place) -> list[dict[str, object]]:
    """The maps at ``place.path`` below ``top`` (creating the last one when asked)."""
    current: list[object] = [top]
    for depth, step in enumerate(place.path):
        last = depth == len(place.path) - 1
        found: list[object] = []
        for node in current:
            if step == _ANY:
                if isinstance(node, list):
                    found.extend(node)
            elif isinstance(node, dict):
                if step not in node and last and place.create:
                    node[step] = {}
                if step in node:
                    found.append(node[step])
        current = found
    return [node for node in current if isinstance(node, dict)]


def _fill(target: dict[str, object], place: _Place) -> None:
    """Add the kind's defaults for keys absent from ``target``."""
    for name, row in OBJECTS[place.kind].items():
        if not row.has_default or name in target:
            continue
        if place.only is not None and name not in place.only:
            continue
        target[name] = json_copy(row.default)
