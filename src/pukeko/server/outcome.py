"""What the engine receives with a packet and what it returns (DESIGN.md "Key contracts").

``process6(data, link, now) -> Outcome``: the runtime decodes nothing itself; it hands the engine
the datagram and where it came from, then persists ``lease_changes`` (awaiting durability),
applies ``stat_deltas``, sends ``reply`` to ``destination`` and logs ``log``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from pukeko.leases.model import LeaseChange


@dataclass(frozen=True, slots=True)
class LinkInfo:
    """Where a datagram arrived: interface, addresses and ports (as text/ints, no sockets)."""

    interface: str
    interface_index: int
    source: str  # remote address (IPv6 text for v6, IPv4 text for v4)
    source_port: int
    destination: str  # local address the datagram was sent to (multicast group or unicast)
    local_address: str = ""  # an address of the interface (link-local for v6), when known


@dataclass(frozen=True, slots=True)
class LogEvent:
    """One log line to emit, with Kea's message ID (e.g. ``DHCP6_LEASE_ADVERT``)."""

    severity: str  # FATAL, ERROR, WARN, INFO, DEBUG
    message_id: str
    text: str
    debuglevel: int = 0


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
