"""Per-message state shared by the IA handlers: who asks, where, what changed (Kea ClientContext6).

One :class:`Exchange` lives for one received message. Handlers read the client's identity and
the selected subnet from it and append lease changes, statistic deltas and log events; the engine
turns it into an :class:`~pukeko.server.outcome.Outcome`. Leases written earlier in the same
message are visible through :meth:`Exchange.lease_at` so two IAs never get one address.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from ipaddress import IPv6Address

from pukeko.config.model import Subnet
from pukeko.leases.model import ChangeKind, Lease6, LeaseChange, LeaseType
from pukeko.leases.view import LeaseView6
from pukeko.server.dhcp6.messages import MESSAGES, event
from pukeko.server.outcome import LogEvent
from pukeko.wire.pkt6 import Pkt6, Relay6

HWADDR_SOURCE_DUID = 0x02  # Kea HWAddr::HWADDR_SOURCE_* (lease CSV hwaddr_source column)
HWADDR_SOURCE_IPV6_LINK_LOCAL = 0x04
HWADDR_SOURCE_CLIENT_ADDR_RELAY_OPTION = 0x08


@dataclass(frozen=True, slots=True)
class HwAddr:
    """A client hardware address and where it was found."""

    htype: int
    address: bytes
    source: int


@dataclass(slots=True)
class Exchange:
    """Everything about one client message while it is processed."""

    pkt: Pkt6
    hops: list[Relay6]
    leases: LeaseView6
    now: float
    label: str
    duid: bytes
    subnet: Subnet | None
    fake: bool  # Kea's fake_allocation_: Advertise without committing leases
    classes: frozenset[str]
    hwaddr: HwAddr | None = None
    debuglevel: int = -1  # highest DEBUG level logged; -1: no debug events
    changes: list[LeaseChange] = field(default_factory=list)
    stats: list[tuple[str, int]] = field(default_factory=list)
    log: list[LogEvent] = field(default_factory=list)
    # Resources given in this message (address bytes, prefix length): pool options, hints.
    allocated: list[tuple[bytes, int]] = field(default_factory=list)
    pending: dict[tuple[int, int], Lease6 | None] = field(default_factory=dict)

    @property
    def cltt(self) -> int:
        """The client's last transaction time for leases written now."""
        return int(self.now)

    def emit(self, message_id: str, *args: object) -> None:
        """Log a Kea message (DEBUG ones only up to the configured debug level)."""
        severity, level, _ = MESSAGES[message_id]
        if severity != "DEBUG" or level <= self.debuglevel:
            self.log.append(event(message_id, *args))

    def stat(self, name: str, delta: int = 1) -> None:
        """Add to a statistic."""
        self.stats.append((name, delta))

    def lease_at(self, lease_type: LeaseType, address: int) -> Lease6 | None:
        """The lease on an address as this message left it (pending changes first)."""
        key = (int(lease_type), address)
        if key in self.pending:
            return self.pending[key]
        return self.leases.get(lease_type, IPv6Address(address))

    def claimed(self, lease_type: LeaseType, address: int) -> bool:
        """True when this message already placed a lease (even an advertised one) there."""
        return self.pending.get((int(lease_type), address)) is not None

    def record(self, kind: ChangeKind, lease: Lease6, commit: bool = True) -> None:
        """Note a lease change: visible to later IAs; persisted unless ``commit`` is False."""
        key = (int(lease.lease_type), int(lease.address))
        self.pending[key] = None if kind is ChangeKind.DELETE else lease
        if commit:
            self.changes.append(LeaseChange(kind, lease))
