"""Per-message state shared by the IA handlers: who asks, where, what changed (Kea ClientContext6).

One :class:`Exchange` lives for one received message. Handlers read the client's identity and
the selected subnet from it and append lease changes, statistic deltas and log events; the engine
turns it into an :class:`~pukeko.server.outcome.Outcome`. Leases written earlier in the same
message are visible through :meth:`Exchange.lease_at` so two IAs never get one address.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from ipaddress import IPv6Address
from typing import TYPE_CHECKING, NamedTuple

from pukeko.classify.query import Query6
from pukeko.config.model import Lifetime, Subnet
from pukeko.hosts.model import SUBNET_ID_GLOBAL, Host
from pukeko.leases.model import ChangeKind, Lease6, LeaseChange, LeaseType
from pukeko.leases.view import LeaseView6
from pukeko.server.dhcp6.frozen import deferred_event, lease_change
from pukeko.server.dhcp6.messages import MESSAGES, PacketLabel
from pukeko.server.dhcp6.options import oro_codes
from pukeko.server.outcome import LogEvent
from pukeko.wire.ia6 import Ia6
from pukeko.wire.pkt6 import OPTION_ORO, Pkt6, Relay6

if TYPE_CHECKING:
    from pukeko.ddns.ncr import NameChangeRequest
    from pukeko.server.dhcp6.ddns6 import DdnsService, Names6
    from pukeko.server.dhcp6.hosts6 import HostPolicy6

HWADDR_SOURCE_DUID = 0x02  # Kea HWAddr::HWADDR_SOURCE_* (lease CSV hwaddr_source column)
HWADDR_SOURCE_IPV6_LINK_LOCAL = 0x04
HWADDR_SOURCE_CLIENT_ADDR_RELAY_OPTION = 0x08
HWADDR_SOURCE_REMOTE_ID = 0x10
HWADDR_SOURCE_SUBSCRIBER_ID = 0x20
HWADDR_SOURCE_DOCSIS_CMTS = 0x40
HWADDR_SOURCE_DOCSIS_MODEM = 0x80


class HwAddr(NamedTuple):
    """A client hardware address and where it was found."""

    htype: int
    address: bytes
    source: int


NO_CLASS_LIFETIMES: tuple[Lifetime | None, Lifetime | None] = (None, None)

# Enum members bound once: attribute access on an Enum class is slow on Python 3.11.
_DELETE = ChangeKind.DELETE


class DiscardMessage(Exception):
    """Kea's DHCPv6DiscardMessageError: drop the whole message (RFC 8415 §18.3.5)."""


Lookup = Callable[[LeaseType, int], "Lease6 | None"]


def int_lookup(leases: LeaseView6) -> Lookup:
    """``leases.get`` taking the address as an integer (the index's ``get_int`` when it has one)."""
    fast: Lookup | None = getattr(leases, "get_int", None)
    if fast is not None:
        return fast

    def lookup(lease_type: LeaseType, address: int) -> Lease6 | None:
        return leases.get(lease_type, IPv6Address(address))

    return lookup


ClientLookup = Callable[[bytes, int, LeaseType], "list[Lease6]"]


def client_lookup(leases: LeaseView6) -> ClientLookup:
    """``leases.by_client`` (the index's quicker ``client_leases`` when it has one)."""
    fast: ClientLookup | None = getattr(leases, "client_leases", None)
    return fast if fast is not None else leases.by_client


class Exchange:
    """Everything about one client message while it is processed.

    Built once per message with ``__slots__`` and no default factories (it is on every
    packet's path). ``stats`` and ``log`` may be lists the caller already collects into.
    """

    __slots__ = (
        "_looked",
        "allocated",
        "changes",
        "class_lifetimes",
        "classes",
        "clients",
        "d2",
        "ddns",
        "debuglevel",
        "duid",
        "fake",
        "first",
        "hops",
        "host_subnet",
        "hosts",
        "hwaddr",
        "ias",
        "label",
        "leases",
        "log",
        "lookup",
        "name_changes",
        "now",
        "pending",
        "pkt",
        "query",
        "reservations",
        "stats",
        "subnet",
    )

    def __init__(
        self,
        pkt: Pkt6,
        hops: list[Relay6],
        leases: LeaseView6,
        now: float,
        label: PacketLabel | str,
        duid: bytes,
        subnet: Subnet | None,
        fake: bool,
        classes: frozenset[str],
        hwaddr: HwAddr | None = None,
        debuglevel: int = -1,
        ias: list[Ia6] | None = None,
        first: dict[int, bytes] | None = None,
        lookup: Lookup | None = None,
        stats: list[tuple[str, int]] | None = None,
        log: list[LogEvent] | None = None,
        clients: ClientLookup | None = None,
    ) -> None:
        self.pkt = pkt
        self.hops = hops
        self.leases = leases
        self.lookup: Lookup = lookup if lookup is not None else int_lookup(leases)
        self.clients: ClientLookup = clients if clients is not None else client_lookup(leases)
        self.now = now
        self.label = label
        self.duid = duid
        self.subnet = subnet
        self.fake = fake  # Kea's fake_allocation_: Advertise without committing leases
        self.classes = classes
        # (preferred, valid) of the first classes defining them (Kea getLifetimes6).
        self.query: Query6 | None = None  # the ordered classes, when classes are configured
        self.class_lifetimes: tuple[Lifetime | None, Lifetime | None] = NO_CLASS_LIFETIMES
        self.hwaddr = hwaddr
        self.debuglevel = debuglevel  # highest DEBUG level logged; -1: no debug events
        self.ias = ias  # the IA options decoded once, as received (None: decode here)
        # The first payload of each option code (decoded here unless the caller has it).
        self.first: dict[int, bytes] = dict(reversed(pkt.options)) if first is None else first
        self.changes: list[LeaseChange] = []
        self.stats: list[tuple[str, int]] = [] if stats is None else stats
        self.log: list[LogEvent] = [] if log is None else log
        # Resources given in this message (address, prefix length): pool options, hints.
        self.allocated: list[tuple[int, int]] = []
        self.pending: dict[tuple[int, int], Lease6 | None] = {}
        self._looked: tuple[tuple[int, int], Lease6 | None] | None = None  # last lookup
        # DDNS (pukeko.server.dhcp6.ddns6): the client's names for this message (None: no
        # FQDN), the DDNS service when dhcp-ddns enable-updates is on (set by the handlers)
        # and the name-change requests made (a list once there is one).
        self.ddns: Names6 | None = None
        self.d2: DdnsService | None = None
        self.name_changes: Sequence[NameChangeRequest] = ()
        # Host reservations (pukeko.server.dhcp6.hosts6): the policy while any DHCPv6 host
        # exists (None: no reservation anywhere, nothing to look up), the client's hosts by
        # subnet id (0: its global host; Kea ctx.hosts_) and the subnet whose reservation
        # was granted (Kea ctx.host_subnet_).
        self.reservations: HostPolicy6 | None = None
        self.hosts: dict[int, Host] | None = None
        self.host_subnet: Subnet | None = None

    def current_host(self) -> Host | None:
        """Kea ClientContext6::currentHost: the host of the reservation subnet (or of the
        selected one) when it serves in-subnet reservations, else the global host."""
        hosts = self.hosts
        if not hosts:
            return None
        subnet = self.host_subnet or self.subnet
        if subnet is not None and subnet.params.reservations_in_subnet:
            host = hosts.get(subnet.id)
            if host is not None:
                return host
        return self.global_host()

    def global_host(self) -> Host | None:
        """Kea ClientContext6::globalHost: the global host when the subnet serves global
        reservations (Kea reads the flag of the selected subnet)."""
        hosts = self.hosts
        subnet = self.subnet
        if not hosts or subnet is None or not subnet.params.reservations_global:
            return None
        return hosts.get(SUBNET_ID_GLOBAL)

    @property
    def cltt(self) -> int:
        """The client's last transaction time for leases written now."""
        return int(self.now)

    def emit(self, message_id: str, *args: object) -> None:
        """Log a Kea message (DEBUG ones only up to the configured debug level)."""
        severity, level, template = MESSAGES[message_id]
        if severity != "DEBUG" or level <= self.debuglevel:
            self.log.append(deferred_event(severity, message_id, template, args, level))

    def stat(self, name: str, delta: int = 1) -> None:
        """Add to a statistic."""
        self.stats.append((name, delta))

    def option(self, code: int) -> bytes | None:
        """Payload of the message's first option with ``code``, or None."""
        return self.first.get(code)

    def requested(self) -> tuple[int, ...]:
        """Codes of the client's Option Request option."""
        return oro_codes(self.first.get(OPTION_ORO))

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
        lease = self.lookup(lease_type, address)
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
            self.changes.append(lease_change(kind, lease))
