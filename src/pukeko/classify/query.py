"""What a classification expression may read of a received message (Kea's Pkt for eval).

One :class:`Query6` or :class:`Query4` is built per received message, cheaply: it only points
at the decoded packet, its relay hops and where it arrived. ``classes`` is the packet's ordered
set of client classes (Kea ClientClasses keeps insertion order); evaluation reads it for
``member('name')`` and classification adds to it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from pukeko.wire.pkt4 import Pkt4
from pukeko.wire.pkt6 import Pkt6, Relay6


@dataclass(slots=True)
class Query6:
    """A DHCPv6 client message with its relay hops (outermost, server side, first)."""

    pkt: Pkt6
    hops: Sequence[Relay6]
    iface: str
    src: str  # remote address as text (may carry a %zone)
    dst: str  # local address the datagram was sent to, as text
    length: int  # size of the whole received datagram in bytes
    classes: dict[str, None] = field(default_factory=dict)
    # The first payload of each option code of ``pkt`` (made here unless the caller has it).
    first: dict[int, bytes] | None = None

    family = 6

    def __post_init__(self) -> None:
        if self.first is None:
            self.first = dict(reversed(self.pkt.options))

    def add_class(self, name: str) -> None:
        """Make the packet a member of ``name`` (kept in insertion order)."""
        self.classes[name] = None

    def in_class(self, name: str) -> bool:
        """True when the packet belongs to ``name``."""
        return name in self.classes


@dataclass(slots=True)
class Query4:
    """A DHCPv4 message as received."""

    pkt: Pkt4
    iface: str
    src: str
    dst: str
    length: int
    classes: dict[str, None] = field(default_factory=dict)

    family = 4

    def add_class(self, name: str) -> None:
        """Make the packet a member of ``name`` (kept in insertion order)."""
        self.classes[name] = None

    def in_class(self, name: str) -> bool:
        """True when the packet belongs to ``name``."""
        return name in self.classes


Query = Query6 | Query4
