"""Fast construction of the frozen rows every packet returns: Outcome, LeaseChange, LogEvent.

A frozen dataclass's generated ``__init__`` sets each field through ``object.__setattr__``
looked up anew per field (about 2.5 us for an :class:`~pukeko.server.outcome.Outcome` here).
As in :mod:`pukeko.server.dhcp6.lease_rows`, these functions write the slots through their
descriptors instead; the objects are the same ones (equal, same type, same fields), which
``tests/unit/server/dhcp6/test_frozen.py`` checks.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import fields
from typing import Any, cast

from pukeko.ddns.ncr import NameChangeRequest
from pukeko.leases.model import ChangeKind, Lease, LeaseChange
from pukeko.server.outcome import LogEvent, Outcome

_new = object.__new__
OUTCOME_FIELDS = (
    "reply",
    "destination",
    "destination_port",
    "lease_changes",
    "stat_deltas",
    "log",
    "dropped",
    "name_changes",
)
CHANGE_FIELDS = ("kind", "lease")
if (
    tuple(f.name for f in fields(Outcome)) != OUTCOME_FIELDS
    or tuple(f.name for f in fields(LeaseChange)) != CHANGE_FIELDS
):  # pragma: no cover - guards an edit of the models
    raise ImportError("Outcome or LeaseChange fields changed: update pukeko.server.dhcp6.frozen")


def _setters(cls: type, names: tuple[str, ...]) -> tuple[Callable[[Any, object], None], ...]:
    """Each field's slot descriptor ``__set__`` (bypasses the frozen ``__setattr__``)."""
    return tuple(cast(Callable[[Any, object], None], cls.__dict__[n].__set__) for n in names)


(
    _SET_REPLY,
    _SET_DESTINATION,
    _SET_PORT,
    _SET_CHANGES,
    _SET_STATS,
    _SET_LOG,
    _SET_DROPPED,
    _SET_NAME_CHANGES,
) = _setters(Outcome, OUTCOME_FIELDS)
_SET_KIND, _SET_LEASE = _setters(LeaseChange, CHANGE_FIELDS)
# LogEvent.deferred's slots, in the order it writes them.
EVENT_SLOTS = ("severity", "message_id", "debuglevel", "_text", "_template", "_args")
if set(LogEvent.__slots__) != set(EVENT_SLOTS):  # pragma: no cover - guards an edit of LogEvent
    raise ImportError("LogEvent slots changed: update pukeko.server.dhcp6.frozen")
(
    _SET_SEVERITY,
    _SET_MESSAGE_ID,
    _SET_DEBUGLEVEL,
    _SET_TEXT,
    _SET_TEMPLATE,
    _SET_ARGS,
) = _setters(LogEvent, EVENT_SLOTS)


def outcome(
    reply: bytes | None,
    destination: str,
    destination_port: int,
    lease_changes: tuple[LeaseChange, ...],
    stat_deltas: tuple[tuple[str, int], ...],
    log: tuple[LogEvent, ...],
    dropped: bool = False,
    name_changes: tuple[NameChangeRequest, ...] = (),
) -> Outcome:
    """``Outcome(...)`` with every field given (positional, in field order)."""
    made = _new(Outcome)
    _SET_REPLY(made, reply)
    _SET_DESTINATION(made, destination)
    _SET_PORT(made, destination_port)
    _SET_CHANGES(made, lease_changes)
    _SET_STATS(made, stat_deltas)
    _SET_LOG(made, log)
    _SET_DROPPED(made, dropped)
    _SET_NAME_CHANGES(made, name_changes)
    return made


def deferred_event(
    severity: str, message_id: str, template: str, args: tuple[object, ...], debuglevel: int
) -> LogEvent:
    """``LogEvent.deferred(severity, message_id, template, args, debuglevel)``."""
    made = _new(LogEvent)
    _SET_SEVERITY(made, severity)
    _SET_MESSAGE_ID(made, message_id)
    _SET_DEBUGLEVEL(made, debuglevel)
    _SET_TEXT(made, None)
    _SET_TEMPLATE(made, template)
    _SET_ARGS(made, args)
    return made


def lease_change(kind: ChangeKind, lease: Lease) -> LeaseChange:
    """``LeaseChange(kind, lease)``."""
    made = _new(LeaseChange)
    _SET_KIND(made, kind)
    _SET_LEASE(made, lease)
    return made
