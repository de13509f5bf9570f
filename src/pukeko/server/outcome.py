"""What the engine receives with a packet and what it returns (DESIGN.md "Key contracts").

``process6(data, link, now) -> Outcome``: the runtime decodes nothing itself; it hands the engine
the datagram and where it came from, then persists ``lease_changes`` (awaiting durability),
applies ``stat_deltas``, sends ``reply`` to ``destination`` and logs ``log``.
"""

from __future__ import annotations

import re
from dataclasses import FrozenInstanceError, dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING

from pukeko.leases.model import LeaseChange

if TYPE_CHECKING:
    from pukeko.ddns.ncr import NameChangeRequest


@dataclass(frozen=True, slots=True)
class LinkInfo:
    """Where a datagram arrived: interface, addresses and ports (as text/ints, no sockets)."""

    interface: str
    interface_index: int
    source: str  # remote address (IPv6 text for v6, IPv4 text for v4)
    source_port: int
    destination: str  # local address the datagram was sent to (multicast group or unicast)
    local_address: str = ""  # an address of the interface (link-local for v6), when known


_PLACEHOLDER = re.compile(r"%(\d+)")
_set = object.__setattr__


@lru_cache(maxsize=1024)
def _pieces(template: str) -> tuple[str | tuple[int, str], ...]:
    """A Kea template cut into literal text and ``(argument index, placeholder)`` pieces."""
    pieces: list[str | tuple[int, str]] = []
    last = 0
    for match in _PLACEHOLDER.finditer(template):
        pieces.append(template[last : match.start()])
        pieces.append((int(match.group(1)) - 1, match.group(0)))
        last = match.end()
    pieces.append(template[last:])
    return tuple(pieces)


def render_template(template: str, args: tuple[object, ...]) -> str:
    """Substitute Kea's ``%1``..``%n`` with ``str(args[n - 1])`` (a missing one stays)."""
    count = len(args)
    parts: list[str] = []
    for piece in _pieces(template):
        if isinstance(piece, str):
            parts.append(piece)
        else:
            index, written = piece
            parts.append(str(args[index]) if 0 <= index < count else written)
    return "".join(parts)


class LogEvent:
    """One log line to emit, with Kea's message ID (e.g. ``DHCP6_LEASE_ADVERT``).

    Built with its text, or with :meth:`deferred` from a Kea template and its arguments: then
    the text is rendered the first time ``text`` is read, so an event that no logger emits
    costs no formatting. Immutable; equal when severity, ID, text and debug level are.
    """

    __slots__ = ("_args", "_template", "_text", "debuglevel", "message_id", "severity")

    severity: str  # FATAL, ERROR, WARN, INFO, DEBUG
    message_id: str
    debuglevel: int
    _text: str | None  # None until a deferred text is rendered
    _template: str
    _args: tuple[object, ...]

    def __init__(self, severity: str, message_id: str, text: str, debuglevel: int = 0) -> None:
        _set(self, "severity", severity)
        _set(self, "message_id", message_id)
        _set(self, "debuglevel", debuglevel)
        _set(self, "_text", text)
        _set(self, "_template", "")
        _set(self, "_args", ())

    @classmethod
    def deferred(
        cls,
        severity: str,
        message_id: str,
        template: str,
        args: tuple[object, ...],
        debuglevel: int = 0,
    ) -> LogEvent:
        """An event whose text is ``template`` with ``args`` substituted, rendered on demand."""
        event = cls.__new__(cls)
        _set(event, "severity", severity)
        _set(event, "message_id", message_id)
        _set(event, "debuglevel", debuglevel)
        _set(event, "_text", None)
        _set(event, "_template", template)
        _set(event, "_args", args)
        return event

    @property
    def text(self) -> str:
        """The log line's text (Kea's message template with its arguments)."""
        text: str | None = self._text
        if text is None:
            text = render_template(self._template, self._args)
            _set(self, "_text", text)
            _set(self, "_args", ())
        return text

    def _key(self) -> tuple[str, str, str, int]:
        return (self.severity, self.message_id, self.text, self.debuglevel)

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())

    def __repr__(self) -> str:
        return (
            f"LogEvent(severity={self.severity!r}, message_id={self.message_id!r},"
            f" text={self.text!r}, debuglevel={self.debuglevel!r})"
        )

    def __reduce__(self) -> tuple[type[LogEvent], tuple[str, str, str, int]]:
        return (LogEvent, self._key())

    def __setattr__(self, name: str, value: object) -> None:
        raise FrozenInstanceError(f"cannot assign to field {name!r}")

    def __delattr__(self, name: str) -> None:
        raise FrozenInstanceError(f"cannot delete field {name!r}")


@dataclass(frozen=True, slots=True)
class Outcome:
    """The engine's decision about one received datagram."""

    reply: bytes | None = None
    destination: str = ""  # address to send the reply to
    destination_port: int = 0
    lease_changes: tuple[LeaseChange, ...] = ()
    stat_deltas: tuple[tuple[str, int], ...] = ()  # (statistic name, increment)
    log: tuple[LogEvent, ...] = field(default_factory=tuple)
    dropped: bool = False
    # DNS updates to request once the lease changes are durable (pukeko.ddns.sink).
    name_changes: tuple[NameChangeRequest, ...] = ()
