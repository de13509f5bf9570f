"""Reservations kept from deleted subnets, stored in the configuration itself.

``subnet6-del`` and ``network6-del`` with ``reservations-action: keep`` (the default) keep the
deleted subnets' reservations, as Kea's host store keeps hosts by subnet id whatever the
subnets: they are not served, ``reservation-get`` and the other lookups still find them, and
they come back when a subnet with the same id is added again.

They live in the global ``user-context`` (which Kea ignores), so ``config-get`` shows them,
``config-write`` and the automatic write keep them, and a restart, ``config-set`` or
``config-reload`` brings them back::

    "Dhcp6": {"user-context": {"pukeko-kept-reservations": {"7": [reservation maps]}}}

Keys are subnet ids in decimal; values are the subnet's ``reservations`` list as it was. The
running :class:`Config` is the only source: every change is made in a command's config patch
(:func:`set_kept`, :func:`restore_kept`) and applied with the command's own change in one
reconfiguration. The entries are not checked when a configuration is loaded (Kea does not look
inside ``user-context`` either): whatever cannot be read (a value that is not a map, a key that
is not a subnet id, a list item that is not a valid reservation) is ignored by the lookups,
never an error. Models are built on demand (lookups of kept reservations are rare).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from ipaddress import IPv4Address, IPv6Address, ip_address, ip_network
from typing import Any

from pukeko.config.checks_base import decode_identifier
from pukeko.config.checks_hosts import IDENTIFIERS
from pukeko.config.checks_options import standard_spaces
from pukeko.config.model import Config, Reservation, thaw
from pukeko.config.model_build import ModelBuilder
from pukeko.control.subnet_common import SUBNET_ID_MAX, Json, is_int
from pukeko.wire.spaces import OptionSpaces, SpaceError

KEPT_KEY = "pukeko-kept-reservations"
USER_CONTEXT = "user-context"

# A cheap test on a kept (frozen) map before it is copied and its model built (~50 us each).
EntryFilter = Callable[[Mapping[str, object]], bool]


@dataclass(frozen=True, slots=True)
class KeptReservation:
    """One readable kept reservation: its place in the kept list, its map and its model."""

    index: int
    entry: Json
    model: Reservation


def _subnet_id(key: str) -> int | None:
    """A decimal subnet id key (``"7"``; not ``"07"``, ``"0"`` or ``"x"``), or None."""
    if not key.isascii() or not key.isdigit() or key != str(int(key)):
        return None
    value = int(key)
    return value if 1 <= value <= SUBNET_ID_MAX else None


def _frozen_lists(config: Config) -> dict[int, Sequence[object]]:
    """Every kept list of ``config`` by subnet id, as loaded (read-only; nothing copied)."""
    context = config.user_context
    raw = context.get(KEPT_KEY) if context is not None else None
    if not isinstance(raw, Mapping):
        return {}
    return {
        subnet_id: entries
        for key, entries in raw.items()
        if (subnet_id := _subnet_id(str(key))) is not None and isinstance(entries, tuple)
    }


def kept_list(config: Config, subnet_id: int) -> list[Any] | None:
    """The kept list of one subnet id as JSON (every item as it is, maps or not), or None."""
    entries = _frozen_lists(config).get(subnet_id)
    return None if entries is None else [thaw(e) for e in entries]


def option_spaces(config: Config) -> OptionSpaces:
    """The option definitions ``config`` knows (standard plus its ``option-def``)."""
    spaces = standard_spaces(config.family)
    try:
        return spaces.with_defs(d.definition for d in config.option_defs)
    except SpaceError:
        return spaces


def kept_models(
    config: Config, entries: Sequence[object], wanted: EntryFilter | None = None
) -> list[KeptReservation]:
    """The readable reservations of a kept list (only maps ``wanted`` accepts), as models;
    bad entries are skipped."""
    builder = ModelBuilder(config.family, option_spaces(config))
    out = []
    for index, item in enumerate(entries):
        if not isinstance(item, Mapping) or (wanted is not None and not wanted(item)):
            continue
        entry = thaw(item)
        assert isinstance(entry, dict)
        try:
            model = builder.reservation(entry)
        except (ValueError, TypeError, KeyError, AttributeError, IndexError, OverflowError):
            model = None  # the builder expects checked input: an unreadable entry
        if model is not None:
            out.append(KeptReservation(index, entry, model))
    return out


def kept_for(
    config: Config, subnet_id: int, wanted: EntryFilter | None = None
) -> list[KeptReservation]:
    """The readable kept reservations of a subnet that is not configured (else none)."""
    if subnet_id in config.subnets_by_id:
        return []
    return kept_models(config, _frozen_lists(config).get(subnet_id, ()), wanted)


def every_kept(
    config: Config, wanted: EntryFilter | None = None
) -> list[tuple[int, KeptReservation]]:
    """(subnet id, reservation) of every readable kept reservation of unconfigured subnets;
    a configured id's kept list is stale and ignored."""
    lists = _frozen_lists(config)
    return [
        (subnet_id, kept)
        for subnet_id in sorted(lists)
        if subnet_id not in config.subnets_by_id
        for kept in kept_models(config, lists[subnet_id], wanted)
    ]


def with_identifier(family: int, kind: str, identifier: bytes) -> EntryFilter:
    """Accepts the maps reserving for this identifier (``kind``: Kea's name, ``duid``...)."""

    def wanted(entry: Mapping[str, object]) -> bool:
        found = next((k for k in IDENTIFIERS[family] if k in entry), None)
        text = entry.get(kind) if found == kind else None
        return isinstance(text, str) and decode_identifier(text) == identifier

    return wanted


def with_address(address: IPv4Address | IPv6Address) -> EntryFilter:
    """Accepts the maps that may reserve this address (or a prefix starting at it)."""

    def names(text: object, prefix: bool) -> bool:
        if not isinstance(text, str):
            return False
        try:
            found = ip_network(text.strip(), strict=False).network_address if prefix else None
            return (found or ip_address(text.strip())) == address
        except ValueError:
            return False

    def listed(value: object) -> tuple[object, ...]:
        return value if isinstance(value, tuple) else ()

    def wanted(entry: Mapping[str, object]) -> bool:
        return (
            names(entry.get("ip-address"), False)
            or any(names(t, False) for t in listed(entry.get("ip-addresses")))
            or any(names(t, True) for t in listed(entry.get("prefixes")))
        )

    return wanted


def with_hostname(hostname: str) -> EntryFilter:
    """Accepts the maps with this hostname (``hostname`` lower-case; any case matches)."""

    def wanted(entry: Mapping[str, object]) -> bool:
        return str(entry.get("hostname", "")).lower() == hostname

    return wanted


# -- changes, made in a config patch's DhcpN map ------------------------------------------------


def set_kept(server: Json, subnet_id: int, entries: list[Any]) -> None:
    """In a ``DhcpN`` map: keep ``entries`` for ``subnet_id``, or forget the id when empty.

    Other ``user-context`` keys stay; the kept map goes when it becomes empty, and the
    ``user-context`` map too when nothing else is in it. A kept value that is not a map
    (written by hand) is replaced when something is kept.
    """
    context = server.get(USER_CONTEXT)
    kept = context.get(KEPT_KEY) if isinstance(context, dict) else None
    if entries:
        if not isinstance(context, dict):
            context = server[USER_CONTEXT] = {}
        if not isinstance(kept, dict):
            kept = context[KEPT_KEY] = {}
        kept[str(subnet_id)] = list(entries)
        return
    if not isinstance(context, dict) or not isinstance(kept, dict):
        return
    kept.pop(str(subnet_id), None)
    if not kept:
        del context[KEPT_KEY]
        if not context:
            del server[USER_CONTEXT]


def restore_kept(server: Json, entries: list[Json], config: Config) -> list[int]:
    """Give new subnet maps (ids not in ``config``) their kept reservations, in ``server``.

    Only the readable entries come back (the others were never found either). The kept lists
    of every new id are forgotten: they are served from the subnet now (or, when the map
    brings its own reservations, replaced by them). Returns the restored ids.
    """
    lists = _frozen_lists(config)
    restored = []
    for entry in entries:
        subnet_id = entry.get("id")
        if not is_int(subnet_id) or subnet_id in config.subnets_by_id or subnet_id not in lists:
            continue
        readable = [kept.entry for kept in kept_models(config, lists[subnet_id])]
        if readable and "reservations" not in entry:
            entry["reservations"] = readable
            restored.append(int(subnet_id))
        set_kept(server, int(subnet_id), [])
    return restored
