"""The DHCPv6 engine: ``process6(data, link, now) -> Outcome`` (DESIGN.md "Key contracts").

Pipeline, in Kea 2.2's order (Dhcpv6Srv::run_one / processPacket / processDhcp6Query):

1. count ``pkt6-received``; drop everything while the service is disabled (``dhcp-disable``);
2. decode (leniently, like Kea's Pkt6::unpack); a malformed packet counts
   ``pkt6-parse-failed`` and ``pkt6-receive-drop``;
3. count the per-type ``pkt6-*-received``;
4. discard: a Server ID that is not ours, a multicast-only type sent to a unicast address, the
   Client-ID / Server-ID rules of RFC 8415 §16 and unknown types (``validate``);
5. a direct unicast Request/Renew/Release/Decline when unicast is not permitted is answered with
   UseMulticast (RFC 8415 §18.4; Kea 2.2 does not do this — see :class:`Dhcp6Engine`);
6. select the subnet, look the client's host reservations up (``hosts6``: KNOWN / UNKNOWN,
   reserved classes), run the handler of the message type, add relay-supplied options (RSOO),
   wrap in Relay-reply hops, count ``pkt6-sent`` and ``pkt6-<type>-sent``.

The engine reads no clock and does no I/O. Lease changes are returned, and also applied to the
allocation state at once so the next message never gets an address just given away.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from pukeko.classify.classes import DROP_CLASS
from pukeko.classify.query import Query6
from pukeko.config.model import Config, Subnet
from pukeko.ddns.fqdn6 import decode_client_fqdn
from pukeko.hosts.model import Host
from pukeko.hosts.store import HostView6
from pukeko.leases.model import LeaseChange
from pukeko.leases.view import LeaseView6
from pukeko.server.dhcp6 import stats6
from pukeko.server.dhcp6.allocate import Allocator6
from pukeko.server.dhcp6.context import Exchange, HwAddr, client_lookup, int_lookup
from pukeko.server.dhcp6.ddns6 import ddns_service
from pukeko.server.dhcp6.frozen import outcome
from pukeko.server.dhcp6.handlers import HANDLERS, Services
from pukeko.server.dhcp6.hosts6 import (
    HostPolicy6,
    Identifiers,
    config_hosts,
    initial_classes,
    mac_sources,
)
from pukeko.server.dhcp6.ia import DiscardMessage
from pukeko.server.dhcp6.identity import Finder, client_classes, client_hwaddr, hwaddr_finder
from pukeko.server.dhcp6.messages import MESSAGES, PacketLabel, event, pkt_label
from pukeko.server.dhcp6.options import (
    append_rsoo,
    sorted_tlvs,
)
from pukeko.server.dhcp6.plan import ConfigPlan
from pukeko.server.dhcp6.pools import Allocation
from pukeko.server.dhcp6.relay import reply_port, wrap_reply
from pukeko.server.dhcp6.validate import (
    UNICAST_ALLOWED_TYPES,
    is_multicast,
    sanity_problem,
    unicast_forbidden,
)
from pukeko.server.outcome import LinkInfo, LogEvent, Outcome
from pukeko.wire.buffer import FormError
from pukeko.wire.ia6 import Ia6, Status6, decode_ia, status_tlv
from pukeko.wire.pkt6 import (
    OPTION_CLIENT_FQDN,
    OPTION_CLIENTID,
    OPTION_IA_NA,
    OPTION_IA_PD,
    OPTION_IA_TA,
    OPTION_SERVERID,
    OPTION_VENDOR_CLASS,
    MsgType6,
    Pkt6,
    Relay6,
    decode6,
    encode_message,
    kea_msg_name,
    tlv,
)

USE_MULTICAST_TEXT = "Unicast is not allowed, please use multicast"
ApplyChanges = Callable[[Iterable[LeaseChange]], None]


class Dhcp6Engine:
    """The sans-I/O DHCPv6 server core for one configuration, lease view and server DUID.

    ``allocation`` picks free addresses (``pukeko.alloc``); ``apply_changes`` (optional) is
    told about every lease change at once so the allocator's occupancy stays current.
    ``strict_unicast`` answers unicast Request/Renew/Release/Decline with UseMulticast unless
    the address is one ``interfaces-config`` names for unicast (RFC 8415 §18.4); Kea 2.2 has
    no such check, so set it False for byte-for-byte Kea behaviour.
    ``hosts`` is the host store's view (the runtime's store, which host commands change); without
    one the engine serves the configuration's own reservations.
    ``previous`` / ``unchanged``: the running engine's plan and the ids of the subnets a subnet
    command left as they were (their compiled option levels are reused, see ConfigPlan.build).
    """

    def __init__(
        self,
        config: Config,
        leases: LeaseView6,
        server_duid: bytes,
        allocation: Allocation,
        *,
        apply_changes: ApplyChanges | None = None,
        rsoo_codes: Iterable[int] = (),
        strict_unicast: bool = True,
        debuglevel: int = -1,
        log_matches: bool = True,
        hosts: HostView6 | None = None,
        previous: ConfigPlan | None = None,
        unchanged: frozenset[int] = frozenset(),
    ) -> None:
        self.leases = leases  # also sets ``lookup`` and ``clients``
        self.server_duid = server_duid
        self.server_id_tlv = tlv(OPTION_SERVERID, server_duid)
        self.allocation = allocation
        self.apply_changes = apply_changes
        self.strict_unicast = strict_unicast
        self.debuglevel = debuglevel  # highest DEBUG level to produce; -1: no debug events
        self.enabled = True
        self.log_matches = log_matches  # INFO EVAL_RESULT events for matched classes
        self.plan = ConfigPlan.build(
            config, rsoo_codes, log_matches, previous=previous, unchanged=unchanged
        )
        self.allocator = Allocator6(self.plan.topology, allocation)
        self.services = self._services()
        self.host_policy = self._host_policy(hosts)
        self.find_hwaddr: Finder | None = hwaddr_finder(mac_sources(config))

    @property
    def leases(self) -> LeaseView6:
        """The lease view the engine reads."""
        return self._leases

    @leases.setter
    def leases(self, leases: LeaseView6) -> None:
        self._leases = leases
        self.lookup = int_lookup(leases)  # get by integer address
        self.clients = client_lookup(leases)  # by_client

    def reconfigure(
        self, config: Config, rsoo_codes: Iterable[int] = (), hosts: HostView6 | None = None
    ) -> None:
        """Serve a new configuration (and host view) from the next packet on."""
        self.plan = ConfigPlan.build(config, rsoo_codes, self.log_matches)
        self.allocator = Allocator6(self.plan.topology, self.allocation)
        self.services = self._services()
        self.host_policy = self._host_policy(hosts)
        self.find_hwaddr = hwaddr_finder(mac_sources(config))

    def _host_policy(self, hosts: HostView6 | None) -> HostPolicy6:
        plan = self.plan
        view = hosts if hosts is not None else config_hosts(plan.config).view6
        assert plan.spaces is not None
        return HostPolicy6.build(plan.config, view, plan.topology, plan.spaces)

    def _services(self) -> Services:
        return Services(
            self.allocator,
            self.server_id_tlv,
            self.plan.options_for,
            self.plan.config.decline_probation_period,
            ddns_service(self.plan.config),
        )

    @property
    def config(self) -> Config:
        """The configuration being served."""
        return self.plan.config

    # --- pipeline ------------------------------------------------------------------------

    def process6(self, data: bytes, link: LinkInfo, now: float) -> Outcome:
        """Decide what to do about one received datagram."""
        run = _Run(self, link)
        if run.tracing:
            run.debug(
                "DHCP6_BUFFER_RECEIVED",
                link.source,
                link.source_port,
                link.destination,
                547,
                link.interface,
            )
        run.stats.append((stats6.PKT6_RECEIVED, 1))
        if not self.enabled:
            run.debug("DHCP6_PACKET_DROP_DHCP_DISABLED", pkt_label(None, 0))
            return run.dropped(count=False)
        try:
            message = decode6(data, strict=False)
            pkt, hops = _split(message)
            ias = _decode_ias(pkt)
        except FormError as exc:
            run.debug(
                "DHCP6_PACKET_DROP_PARSE_FAIL",
                link.source,
                link.destination,
                link.interface,
                exc,
            )
            run.stat(stats6.PKT6_PARSE_FAILED)
            return run.dropped()
        return run.message(pkt, hops, ias, now, len(data))


def _split(message: Pkt6 | Relay6) -> tuple[Pkt6, list[Relay6]]:
    """The client message and the Relay-forward hops (a Relay-reply is not a client message)."""
    hops: list[Relay6] = []
    while isinstance(message, Relay6):
        if message.msg_type != MsgType6.RELAY_FORW:
            # Kea unpacks anything but Relay-forward as a plain message of that type.
            return Pkt6(message.msg_type, 0, []), hops
        hops.append(message)
        message = message.inner
    return message, hops


_IA_CODES = frozenset((OPTION_IA_NA, OPTION_IA_PD, OPTION_IA_TA))


def _decode_ias(pkt: Pkt6) -> list[Ia6]:
    """Decode the IA options once so a malformed one is a parse failure, as in Kea.

    A malformed Client FQDN option is a parse failure too (Kea's option factory throws).
    """
    ias: list[Ia6] = []
    for code, value in pkt.options:
        if code in _IA_CODES:
            ias.append(decode_ia(code, value))
        elif code == OPTION_CLIENT_FQDN:
            decode_client_fqdn(value)
    return ias


class _Run:
    """One pass through the pipeline: collects statistics and log events."""

    __slots__ = ("engine", "link", "log", "stats", "tracing")

    def __init__(self, engine: Dhcp6Engine, link: LinkInfo) -> None:
        self.engine = engine
        self.link = link
        self.stats: list[tuple[str, int]] = []
        self.log: list[LogEvent] = []
        self.tracing = engine.debuglevel >= 0  # any DEBUG event may be produced

    def stat(self, name: str, delta: int = 1) -> None:
        self.stats.append((name, delta))

    def debug(self, message_id: str, *args: object) -> None:
        """Log a DEBUG message when the engine's debug level asks for it."""
        if MESSAGES[message_id][1] <= self.engine.debuglevel:
            self.log.append(event(message_id, *args))

    def dropped(self, count: bool = True) -> Outcome:
        if count:
            self.stat(stats6.PKT6_RECEIVE_DROP)
        return Outcome(stat_deltas=tuple(self.stats), log=tuple(self.log), dropped=True)

    def message(
        self, pkt: Pkt6, hops: list[Relay6], ias: list[Ia6], now: float, length: int
    ) -> Outcome:
        engine, link, tracing = self.engine, self.link, self.tracing
        msg_type = pkt.msg_type
        self.stats.append((stats6.received_stat(msg_type), 1))
        first = dict(reversed(pkt.options))  # the first payload of each code
        client_id = first.get(OPTION_CLIENTID)
        label = PacketLabel(client_id, pkt.transaction_id)
        # testServerID (server_id_mismatch) on the first Server ID, already at hand.
        mismatch = first.get(OPTION_SERVERID)
        if mismatch is not None and mismatch != engine.server_duid:
            self.debug(
                "DHCP6_PACKET_DROP_SERVERID_MISMATCH",
                label,
                mismatch.hex(":"),
                engine.server_duid.hex(":"),
            )
            return self.dropped()
        if unicast_forbidden(pkt, bool(hops), link.destination):
            self.debug("DHCP6_PACKET_DROP_UNICAST", label, kea_msg_name(msg_type))
            return self.dropped()
        classifier = engine.plan.classifier
        query: Query6 | None = None
        if classifier is None:
            classes, known = client_classes(pkt, first.get(OPTION_VENDOR_CLASS))
        else:  # Kea classifyPacket
            where = (link.interface, link.source, link.destination, length)
            query = classifier.early(pkt, hops, where, first, self.log, engine.debuglevel)
            classes = frozenset(query.classes)
        if tracing:
            self.debug(
                "DHCP6_PACKET_RECEIVED",
                label,
                kea_msg_name(msg_type),
                msg_type,
                link.source,
                link.destination,
                link.interface,
            )
        if msg_type not in HANDLERS:
            self.debug("DHCP6_UNKNOWN_MSG_RECEIVED", msg_type, link.interface)
            return self.dropped()
        problem = sanity_problem(pkt)
        if problem is not None:
            self.debug(
                "DHCP6_REQUIRED_OPTIONS_CHECK_FAIL",
                kea_msg_name(msg_type),
                link.source,
                problem,
            )
            return self.dropped()
        if query is not None and DROP_CLASS in query.classes:
            self.debug("DHCP6_PACKET_DROP_DROP_CLASS", label)
            return self.dropped()
        duid = client_id or b""
        finder = engine.find_hwaddr
        if finder is None:
            hwaddr = client_hwaddr(duid, hops, link.source, pkt)
        else:
            hwaddr = finder(duid, hops, link.source, pkt)
        # Host reservations, only while any DHCPv6 host exists.
        policy: HostPolicy6 | None = engine.host_policy
        if policy is not None and not policy.view.identifier_types6():
            policy = None
        identifiers: Identifiers | None = None
        early_host: Host | None = None
        if policy is not None and policy.early_global:  # Kea earlyGHRLookup
            identifiers = self._identifiers(policy, classes, duid, hwaddr, pkt, hops, query, length)
            early_host = policy.global_host(identifiers)
            if early_host is not None:
                classes = self._early_classes(early_host, classes, query, label)
                if DROP_CLASS in classes:
                    self.debug("DHCP6_PACKET_DROP_DROP_CLASS_EARLY", label)
                    return self.dropped()
        subnet = engine.plan.topology.select(hops, link.interface, link.source, classes)
        if tracing:
            if subnet is not None:
                self.debug("DHCP6_SUBNET_SELECTED", label, subnet.id)
            else:
                self.debug("DHCP6_SUBNET_SELECTION_FAILED", label)
        # Kea initContext: the host lookup.
        hosts: dict[int, Host] | None = None
        if subnet is not None and policy is not None:
            if identifiers is None:
                identifiers = self._identifiers(
                    policy, classes, duid, hwaddr, pkt, hops, query, length
                )
            hosts = policy.find(subnet, classes, identifiers, early_host)
        else:
            policy = None
        if tracing:
            self.debug("DHCP6_CLASS_ASSIGNED", label, "KNOWN" if hosts else "UNKNOWN")
        early = policy is not None and policy.early_global
        if query is not None and classifier is not None:  # Kea initContext
            if hosts and subnet is not None:
                reserved = initial_classes(hosts, subnet, early)
                if reserved is not None:
                    classifier.reserved(query, reserved, self.log, engine.debuglevel)
            classifier.late(query, bool(hosts), self.log, engine.debuglevel)
            if DROP_CLASS in query.classes:
                self.debug("DHCP6_PACKET_DROP_DROP_CLASS2", label)
                return self.dropped()
            known = frozenset(query.classes)
        elif hosts and subnet is not None:
            reserved = initial_classes(hosts, subnet, early) or ()
            known = frozenset((*classes, *reserved, "KNOWN"))
        ex = Exchange(
            pkt,
            hops,
            engine.leases,
            now,
            label,
            duid,
            subnet,
            False,  # fake
            known,
            hwaddr,
            engine.debuglevel,
            ias,
            first,
            engine.lookup,
            self.stats,  # shared: the handlers' deltas and events land in order
            self.log,
            engine.clients,
        )
        if policy is not None:
            ex.reservations = policy
            ex.hosts = hosts
        if query is not None and classifier is not None:
            ex.query = query
            ex.class_lifetimes = classifier.plan.lifetimes_for(query.classes)
        return self._answer(ex)

    def _identifiers(
        self,
        policy: HostPolicy6,
        classes: frozenset[str],
        duid: bytes,
        hwaddr: HwAddr | None,
        pkt: Pkt6,
        hops: list[Relay6],
        query: Query6 | None,
        length: int,
    ) -> Identifiers:
        """Kea setHostIdentifiers: the client's identifiers in configured order."""
        link = self.link

        def packet_query() -> Query6:
            if query is not None:
                return query
            where = dict.fromkeys(classes)
            return Query6(pkt, hops, link.interface, link.source, link.destination, length, where)

        return policy.identifiers(duid, hwaddr, packet_query)

    def _early_classes(
        self, host: Host, classes: frozenset[str], query: Query6 | None, label: PacketLabel
    ) -> frozenset[str]:
        """Kea earlyGHRLookup: the global host's classes, then KNOWN, before subnet selection."""
        engine = self.engine
        classifier = engine.plan.classifier
        if query is None or classifier is None:
            return frozenset((*classes, *host.client_classes6, "KNOWN"))
        if host.client_classes6:
            classifier.reserved(query, host.client_classes6, self.log, engine.debuglevel)
        if self.tracing:
            self.debug("DHCP6_CLASS_ASSIGNED", label, "KNOWN")
        classifier.late(query, True, self.log, engine.debuglevel)
        return frozenset(query.classes)

    def _answer(self, ex: Exchange) -> Outcome:
        engine, link, pkt = self.engine, self.link, ex.pkt
        reply: tuple[int, list[tuple[int, bytes]]] | None
        if self._unicast_refused(ex):
            reply = self._use_multicast(ex)
        else:
            try:
                reply = HANDLERS[pkt.msg_type](ex, engine.services)
            except DiscardMessage as exc:
                # Kea drops the message; changes made for earlier IAs stay committed.
                self.debug(
                    "DHCP6_PACKET_PROCESS_FAIL", kea_msg_name(pkt.msg_type), link.source, exc
                )
                self.stat(stats6.PKT6_RECEIVE_DROP)
                return self._no_reply(ex, dropped=True)
        if reply is None:
            return self._no_reply(ex, dropped=False)
        msg_type, tlvs = reply
        if ex.hops:
            present = {code for code, _ in tlvs}
            append_rsoo([hop.options for hop in ex.hops], engine.plan.rsoo, present, tlvs)
        data = encode_message(msg_type, pkt.transaction_id, (), sorted_tlvs(tlvs))
        if ex.hops:
            data = wrap_reply(data, ex.hops)
        port = reply_port(ex.hops, link.source_port)
        if self.tracing:
            self.debug(
                "DHCP6_PACKET_SEND",
                ex.label,
                kea_msg_name(msg_type),
                msg_type,
                link.destination or "*",
                547,
                link.source,
                port,
                link.interface,
            )
        self.stats.extend(stats6.sent_stats(msg_type))
        self._apply(ex)
        return outcome(
            data,
            link.source,
            port,
            tuple(ex.changes),
            tuple(self.stats),
            tuple(self.log),
            name_changes=tuple(ex.name_changes),
        )

    def _no_reply(self, ex: Exchange, dropped: bool) -> Outcome:
        """The outcome of a message answered by nothing (its lease changes still stand)."""
        self._apply(ex)
        return Outcome(
            lease_changes=tuple(ex.changes),
            stat_deltas=tuple(self.stats),
            log=tuple(self.log),
            name_changes=tuple(ex.name_changes),
            dropped=dropped,
        )

    def _apply(self, ex: Exchange) -> None:
        if ex.changes and self.engine.apply_changes is not None:
            self.engine.apply_changes(ex.changes)

    def _unicast_refused(self, ex: Exchange) -> bool:
        """RFC 8415 §18.4: a direct unicast message the server does not accept by unicast."""
        if (
            not self.engine.strict_unicast
            or ex.hops
            or ex.pkt.msg_type not in UNICAST_ALLOWED_TYPES
            or is_multicast(self.link.destination)  # the usual case, decided before any copy
        ):
            return False
        destination = self.link.destination.split("%", 1)[0].lower()
        return (
            bool(destination)
            and not is_multicast(destination)
            and destination not in self.engine.plan.unicast_addresses
        )

    def _use_multicast(self, ex: Exchange) -> tuple[int, list[tuple[int, bytes]]]:
        """Reply with only client-id, server-id and UseMulticast (RFC 8415 §18.4)."""
        out: list[tuple[int, bytes]] = []
        client_id = ex.pkt.get(OPTION_CLIENTID)
        if client_id is not None:
            out.append((OPTION_CLIENTID, tlv(OPTION_CLIENTID, client_id)))
        out.append((OPTION_SERVERID, self.engine.server_id_tlv))
        out.append((13, status_tlv(Status6.USE_MULTICAST, USE_MULTICAST_TEXT)))
        return MsgType6.REPLY, out


def subnet_of(engine: Dhcp6Engine, subnet_id: int) -> Subnet | None:
    """A configured subnet by id (convenience for the runtime and tests)."""
    return engine.config.subnet(subnet_id)
