"""Partial subnet updates: Kea 2.2's ``subnet6-delta-add`` / ``subnet6-delta-del`` merge rules.

The running subnet (as ``subnet6-get`` shows it) is merged with the subnet the command sends
(Kea's ``mergeDiffAdd`` / ``mergeDiffDel`` over the subnet hierarchy, ARM subnet_cmds
"subnet6-delta-add", "subnet6-delta-del"):

* entries of ``pools``, ``pd-pools`` and ``option-data`` lists (in the subnet, and
  ``option-data`` inside pools) are matched by their keys: ``pool`` (the same address range,
  whatever its spelling), ``prefix`` + ``prefix-len`` + ``delegated-len``, and option ``space``
  (default ``dhcp6`` / ``dhcp4``) with ``code`` or else ``name``;
* add: a matched entry is merged into, an unmatched one appended; a scalar replaces the running
  value; a map merges; items of other lists are appended;
* delete: an entry that names only its keys is removed whole, otherwise the parts it names are
  removed from it (an option left with nothing but its keys goes, a pool stays: the ARM's
  example keeps the pool whose option is removed, where Kea's merge would drop it); a scalar
  the command names is removed from the subnet whatever value it carries (only its presence
  counts), so the subnet inherits it again; items of other lists are removed when equal. Keys
  that identify an entry (``id``, ``subnet``, ``pool``...) stay while it holds anything else.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from ipaddress import ip_address
from typing import Any

from pukeko.config.checks_networks import parse_pool_text

Json = dict[str, Any]
Match = Callable[[Json, Json], bool]


@dataclass(frozen=True, slots=True)
class EntryRules:
    """How one kind of list entry is matched, told apart from its keys, and emptied."""

    match: Match
    keys: frozenset[str]
    empty_when_keys_only: frozenset[str]  # lists that may stay (empty) in a key-only entry
    bare_goes: bool  # an entry left with only its keys is removed (options) or kept (pools)


class SubnetMerger:
    """Kea's subnet hierarchy for one family, and the add / delete merges over it."""

    def __init__(self, family: int) -> None:
        self.family = family
        self.space = f"dhcp{family}"
        option_keys = frozenset({"space", "code", "name"})
        options = EntryRules(self._same_option, option_keys, frozenset(), bare_goes=True)
        pools = EntryRules(self._same_pool, frozenset({"pool"}), frozenset({"option-data"}), False)
        pd_keys = frozenset({"prefix", "prefix-len", "delegated-len"})
        pd_pools = EntryRules(_same_pd_pool, pd_keys, frozenset({"option-data"}), False)
        subnet = EntryRules(_same_id, frozenset({"id", "subnet"}), frozenset(), False)
        # Level 0: the subnet; 1: lists in the subnet; 2: option-data inside pools.
        self.levels: tuple[dict[str, EntryRules], ...] = (
            {"subnet": subnet},
            {"pools": pools, "pd-pools": pd_pools, "option-data": options},
            {"option-data": options},
        )

    def rules(self, key: str, level: int) -> EntryRules | None:
        """The rules for entries of list ``key`` at ``level`` of the hierarchy, if any."""
        return self.levels[level].get(key) if level < len(self.levels) else None

    # -- matching ----------------------------------------------------------------------------

    def _same_option(self, left: Json, right: Json) -> bool:
        if left.get("space", self.space) != right.get("space", self.space):
            return False
        if "code" in left and "code" in right:
            return bool(left["code"] == right["code"])
        if "name" in left and "name" in right:
            return bool(left["name"] == right["name"])
        return False

    def _same_pool(self, left: Json, right: Json) -> bool:
        return _pool_range(left.get("pool"), self.family) == _pool_range(
            right.get("pool"), self.family
        ) and isinstance(left.get("pool"), str)

    # -- add ---------------------------------------------------------------------------------

    def add(self, running: Json, change: Json) -> None:
        """Merge ``change`` into the ``running`` subnet map (in place): Kea's mergeDiffAdd."""
        self._add_map(running, change, 0)

    def _add_map(self, running: Json, change: Json, level: int) -> None:
        for key, value in change.items():
            if value is None:
                continue
            current = running.get(key)
            if isinstance(value, list) and isinstance(current, list):
                self._add_list(current, value, key, level + 1)
            elif isinstance(value, dict) and isinstance(current, dict):
                self._add_map(current, value, level + 1)
            else:
                running[key] = value

    def _add_list(self, running: list[Any], change: list[Any], key: str, level: int) -> None:
        rules = self.rules(key, level)
        fresh: list[Any] = []
        for item in change:
            matched = False
            if rules is not None and isinstance(item, dict):
                for current in running:
                    if isinstance(current, dict) and rules.match(current, item):
                        matched = True
                        self._add_map(current, item, level)
            if not matched:
                fresh.append(item)
        running.extend(fresh)

    # -- delete ------------------------------------------------------------------------------

    def delete(self, running: Json, change: Json) -> None:
        """Remove what ``change`` names from the ``running`` subnet (in place): mergeDiffDel."""
        self._del_map(running, change, "subnet", 0)

    def _del_map(self, running: Json, change: Json, owner: str, level: int) -> None:
        rules = self.rules(owner, level)
        kept_keys: Json = {}
        for key, value in change.items():
            if value is None or key not in running:
                continue
            current = running[key]
            if isinstance(current, dict | list):
                if isinstance(value, type(current)):
                    self._del_nested(current, value, key, level + 1)
                if not current:
                    del running[key]
                continue
            if rules is not None and key in rules.keys:
                kept_keys[key] = current
            del running[key]
        if running:
            running.update(kept_keys)

    def _del_nested(self, current: Json | list[Any], value: Any, key: str, level: int) -> None:
        if isinstance(current, dict):
            self._del_map(current, value, key, level)
        else:
            self._del_list(current, value, key, level)

    def _del_list(self, running: list[Any], change: list[Any], key: str, level: int) -> None:
        rules = self.rules(key, level)
        for item in change:
            index = 0
            while index < len(running):
                current = running[index]
                if rules is None or not isinstance(current, dict) or not isinstance(item, dict):
                    remove = current == item
                elif not rules.match(current, item):
                    remove = False
                elif _keys_only(item, rules):
                    remove = True
                else:
                    remove = self._del_entry(current, item, key, level, rules)
                if remove:
                    del running[index]
                else:
                    index += 1

    def _del_entry(
        self, current: Json, item: Json, key: str, level: int, rules: EntryRules
    ) -> bool:
        """Remove ``item``'s parts from a matched entry; True when the entry itself goes.

        A pool stripped of everything it held stays (with its keys), as the ARM's example
        intends ("removing the pool level option 31 in pool ..."); an option goes.
        """
        keys = {k: v for k, v in current.items() if k in rules.keys}
        self._del_map(current, item, key, level)
        if not current or _keys_only(current, rules):
            if rules.bare_goes:
                return True
            current.update(keys)
        return False


def _keys_only(entry: Json, rules: EntryRules) -> bool:
    """True when ``entry`` names only its keys (and empty lists allowed there): remove it whole."""
    for key, value in entry.items():
        if key in rules.keys:
            continue
        if key in rules.empty_when_keys_only and isinstance(value, list) and not value:
            continue
        return False
    return True


def _same_id(left: Json, right: Json) -> bool:
    return bool(left.get("id") == right.get("id"))


def _same_pd_pool(left: Json, right: Json) -> bool:
    lengths = ("prefix-len", "delegated-len")
    same_lengths = all(left.get(k) == right.get(k) for k in lengths)
    return same_lengths and _address(left.get("prefix")) == _address(right.get("prefix"))


def _address(text: object) -> object:
    """An address in canonical form (``3000:1:0::`` equals ``3000:1::``), else the value."""
    try:
        return ip_address(text) if isinstance(text, str) else text
    except ValueError:
        return text


def _pool_range(text: object, family: int) -> object:
    """A pool's (first, last) addresses, so ``a-b``, ``a - b`` and ``prefix/len`` compare equal."""
    if not isinstance(text, str):
        return None
    parsed = parse_pool_text(text, family)
    return text if isinstance(parsed, str) else (int(parsed[0]), int(parsed[1]))
