"""Per-message state shared by the IA handlers: who asks, where, what changed (Kea ClientContext6).

One :class:`Exchange` lives for one received message. Handlers read the client's identity and
the selected subnet from it and append lease changes, statistic deltas and log events; the engine
turns it into an :class:`~pukeko.server.outcome.Outcome`. Leases written earlier in the same
message are visible through :meth:`Exchange.lease_at` so two IAs never get one address.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from ipaddress import IPv6Address
from typing import NamedTuple

from pukeko.config.model import Subnet
from pukeko.leases.model import ChangeKind, Lease6, LeaseChange, LeaseType
from pukeko.leases.view import LeaseView6
from pukeko.server.dhcp6.messages import MESSAGES, PacketLabel
from pukeko.server.dhcp6.options import requested_codes
from pukeko.server.outcome import LogEvent
from pukeko.wire.ia6 import Ia6
from pukeko.wire.pkt6 import OPTION_ORO, Pkt6, Relay6

HWADDR_SOURCE_DUID = 0x02  # Kea HWAddr::HWADDR_SOURCE_* (lease CSV hwaddr_source column)
HWADDR_SOURCE_IPV6_LINK_LOCAL = 0x04
HWADDR_SOURCE_CLIENT_ADDR_RELAY_OPTION = 0x08


class HwAddr(NamedTuple):
    """A client hardware address and where it was found."""

    htype: int
    address: bytes
    source: int


# Enum members bound once: attribute access on an Enum class is slow on Python 3.11.
_DELETE = ChangeKind.DELETE


@dataclass(slots=True)
class Exchange:
    """Everything about one client message while it is processed."""

    pkt: Pkt6
    hops: list[Relay6]
    leases: LeaseView6
    now: float
    label: PacketLabel | str
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
    ias: list[Ia6] | None = None  # the IA options decoded once, as received (None: decode here)
    first: dict[int, bytes] | None = None  # first payload of each option code, when known
    _oro: list[int] | None = None
    _looked: tuple[tuple[int, int], Lease6 | None] | None = None  # last lease view answer

    @property
    def cltt(self) -> int:
        """The client's last transaction time for leases written now."""
        return int(self.now)

    def emit(self, message_id: str, *args: object) -> None:
        """Log a Kea message (DEBUG ones only up to the configured debug level)."""
        severity, level, template = MESSAGES[message_id]
        if severity != "DEBUG" or level <= self.debuglevel:
            self.log.append(LogEvent.deferred(severity, message_id, template, args, level))

    def stat(self, name: str, delta: int = 1) -> None:
        """Add to a statistic."""
        self.stats.append((name, delta))

    def option(self, code: int) -> bytes | None:
        """Payload of the message's first option with ``code``, or None."""
        first = self.first
        return first.get(code) if first is not None else self.pkt.get(code)

    def requested(self) -> list[int]:
        """Codes of the client's Option Request option (decoded once per message)."""
        oro = self._oro
        if oro is None:
            oro = self._oro = requested_codes(self.option(OPTION_ORO))
        return oro

    def lease_at(self, lease_type: LeaseType, address: int) -> Lease6 | None:
        """The lease on an address as this message left it (pending changes first)."""
        # An IntEnum hashes and compares as its value: no int() needed for the key.
        key = (lease_type, address)
        pending = self.pending
        if key in pending:
            return pending[key]
        # The lease view does not change while a message is processed: the answer for the
        # last address asked (the allocator's candidate, then the pick) is reused.
        looked = self._looked
        if looked is not None and looked[0] == key:
            return looked[1]
        lease = self.leases.get(lease_type, IPv6Address(address))
        self._looked = (key, lease)
        return lease

    def claimed(self, lease_type: LeaseType, address: int) -> bool:
        """True when this message already placed a lease (even an advertised one) there."""
        return self.pending.get((lease_type, address)) is not None

    def record(self, kind: ChangeKind, lease: Lease6, commit: bool = True) -> None:
        """Note a lease change: visible to later IAs; persisted unless ``commit`` is False."""
        key = (int(lease.lease_type), int(lease.address))
        self.pending[key] = None if kind is _DELETE else lease
        if commit:
            self.changes.append(LeaseChange(kind, lease))
