"""The DHCPv6 packet loop: receive a batch -> process -> persist -> send (DESIGN.md principle 4).

Each wakeup of the service socket drains up to ``batch_size`` datagrams and runs them through
the engine in one synchronous pass. For each the engine decides an :class:`Outcome`. Its lease
changes are applied in memory at once (``reserve``), so the next packet already sees them. A
reply without lease changes leaves at once; the others wait for durability: the pass hands all
its reservations to the persistence as one group (``commit_group``: one future, one shared
write + fsync with whatever else is being written), and when that group is durable its replies
leave together, in the order their queries arrived. When the commit fails the changes are
rolled back (by the store, and by :class:`StorePersistence` for the allocator) and nothing is
sent. Statistics and log events of a pass (or of a finished group) are applied in one call each.

A persistence without ``commit_group`` (only ``reserve`` / ``commit``) gets one task per packet
awaiting its ``commit``, kept in ``in_flight``.

Bounds: at most ``max_in_flight`` packets wait for their commit; at that limit the loop stops
reading the socket (the kernel's receive buffer overflows instead of our memory) and resumes at
three quarters. At most ``batch_size`` datagrams are read per wakeup so commits keep flowing.

While the service is disabled (``dhcp-disable``) datagrams are counted in ``pkt6-received`` and
dropped with DHCP6_PACKET_DROP_DHCP_DISABLED, as Kea does.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Hashable, Iterable, Sequence
from functools import partial
from typing import Any, Generic, Protocol, TypeVar

from pukeko.ddns.sink import LoggingNameChangeSink, NameChangeSink
from pukeko.io.interfaces import Interface, list_interfaces
from pukeko.io.udp6 import (
    CLIENT_PORT,
    SERVER_PORT,
    Datagram,
    Dhcp6Socket,
    ListenConfig,
    ServiceSockets,
    reply_source,
)
from pukeko.leases.model import ChangeKind, Lease6, LeaseChange
from pukeko.leases.view import LeaseView6
from pukeko.server.outcome import LinkInfo, LogEvent, Outcome

DEFAULT_BATCH = 64
# A datagram that waited longer than this in the socket queue is dropped unread: its client has
# retransmitted already (RFC 8415 §15: SOL_TIMEOUT / REQ_TIMEOUT are 1 s), so answering it only
# delays the fresh ones. Without it an overloaded server spends its time on stale packets and
# serves fewer clients the more it is offered (measured: half its capacity at 1.3x overload).
DEFAULT_MAX_QUEUE_AGE = 0.5
STALE_DROP_LEVEL = 15  # Kea DBGLVL_PKT_HANDLING
DEFAULT_MAX_IN_FLIGHT = 2048
RECEIVE_DROP = "pkt6-receive-drop"
RECEIVED = "pkt6-received"
DISABLED_DROP_LEVEL = 15  # Kea's DBGLVL_PKT_HANDLING
Token = TypeVar("Token")


class Engine6(Protocol):
    """The sans-I/O DHCPv6 engine (pukeko.server.dhcp6)."""

    def process6(self, data: bytes, link: LinkInfo, now: float) -> Outcome:
        """Decide what to do with one datagram."""
        ...


class Persistence(Protocol[Token]):
    """Lease changes: applied in memory now, durable later (LeaseStore6's reserve / commit).

    When ``commit`` raises, the implementation has already undone the batch in memory (the
    lease store restores its index; :class:`StorePersistence` also resyncs the allocator).
    """

    def reserve(self, changes: Sequence[LeaseChange]) -> Token:
        """Apply ``changes`` in memory, all or nothing; a token for ``commit``."""
        ...

    async def commit(self, token: Token) -> None:
        """Make the reserved changes durable (raises when they could not be written)."""
        ...


class GroupPersistence(Persistence[Token], Protocol):
    """A persistence that commits the reservations of one pass together (StorePersistence)."""

    def commit_group(self, tokens: Sequence[Token]) -> asyncio.Future[None] | None:
        """One future for the durability of all of them (None: durable already); it fails,
        after the changes were undone, when they could not be written."""
        ...


class LeaseWriter6(Protocol[Token]):
    """The part of a lease store (pukeko.leases.store.LeaseStore6) the runtime writes with."""

    @property
    def view(self) -> LeaseView6:
        """Synchronous lookups."""
        ...

    def reserve(self, changes: Sequence[LeaseChange]) -> Token:
        """Apply a batch to the index now."""
        ...

    async def commit(self, reservation: Token) -> None:
        """Make it durable; the index is restored when this raises."""
        ...

    def commit_many(self, reservations: Sequence[Token]) -> asyncio.Future[None] | None:
        """Make several durable as one unit (None: they are); the index is restored for all
        when the future fails."""
        ...


class StorePersistence(Generic[Token]):
    """A lease store plus the allocator's occupancy, kept in step when a write fails.

    The engine tells the allocator about its changes as it decides them; when the store then
    refuses or fails to write them, the store puts its index back and this resyncs the
    allocator's view of the addresses involved from the index (``allocation_apply`` is
    ``AllocationState.apply`` / ``StateAllocation.apply``).
    """

    def __init__(
        self,
        store: LeaseWriter6[Token],
        allocation_apply: Callable[[Iterable[LeaseChange]], None] | None = None,
    ) -> None:
        self.store = store
        self.allocation_apply = allocation_apply

    def reserve(self, changes: Sequence[LeaseChange]) -> tuple[Token, Sequence[LeaseChange]]:
        """Reserve in the store (resync the allocator and re-raise when it refuses)."""
        try:
            return self.store.reserve(changes), changes
        except Exception:
            self.resync(changes)
            raise

    async def commit(self, token: tuple[Token, Sequence[LeaseChange]]) -> None:
        """Commit; when the write fails, resync the allocator and re-raise."""
        reservation, changes = token
        try:
            await self.store.commit(reservation)
        except Exception:
            self.resync(changes)
            raise

    def commit_group(
        self, tokens: Sequence[tuple[Token, Sequence[LeaseChange]]]
    ) -> asyncio.Future[None] | None:
        """Commit several reservations with one write; on failure the allocator is resynced
        (after the store restored its index) before the future's other callbacks run."""
        try:
            written = self.store.commit_many([reservation for reservation, _ in tokens])
        except Exception:
            self._resync_group(tokens)
            raise
        if written is not None:
            written.add_done_callback(partial(self._group_written, tokens))
        return written

    def _group_written(
        self, tokens: Sequence[tuple[Token, Sequence[LeaseChange]]], done: asyncio.Future[None]
    ) -> None:
        if done.cancelled() or done.exception() is not None:
            self._resync_group(tokens)

    def _resync_group(self, tokens: Sequence[tuple[Token, Sequence[LeaseChange]]]) -> None:
        self.resync([change for _, changes in tokens for change in changes])

    def resync(self, changes: Iterable[LeaseChange]) -> None:
        """Tell the allocator what the index holds now on every address ``changes`` touched."""
        if self.allocation_apply is None:
            return
        fixes = []
        for change in changes:
            lease = change.lease
            if not isinstance(lease, Lease6):
                continue
            current = self.store.view.get(lease.lease_type, lease.address)
            if current is None:
                fixes.append(LeaseChange(ChangeKind.DELETE, lease))
            else:
                fixes.append(LeaseChange(ChangeKind.UPDATE, current))
        self.allocation_apply(fixes)


class StatsSink(Protocol):
    """Where statistic deltas go (pukeko.server.stats.StatsManager)."""

    def apply(self, deltas: Iterable[tuple[str, int]], now: float) -> None:
        """Add each delta to its statistic."""
        ...


LogSink = Callable[[Iterable[LogEvent]], None]


class ServiceState:
    """``dhcp-disable`` / ``dhcp-enable`` per origin, with ``max-period`` (Kea's NetworkState).

    The service answers only while no origin holds it disabled; a disable with a max period
    lapses by itself at ``now + max_period``.
    """

    def __init__(self) -> None:
        self._disabled: dict[Hashable, float | None] = {}

    def disable(self, origin: Hashable, now: float, max_period: float | None = None) -> None:
        """Disable for ``origin``, for ever or until ``now + max_period``."""
        self._disabled[origin] = None if max_period is None else now + max_period

    def enable(self, origin: Hashable) -> None:
        """Lift ``origin``'s disable."""
        self._disabled.pop(origin, None)

    def enable_all(self) -> None:
        """Lift every disable (a new configuration, Kea's reset on reconfiguration)."""
        self._disabled.clear()

    def enabled(self, now: float) -> bool:
        """True when the service answers clients at ``now``."""
        if not self._disabled:
            return True
        expired = [o for o, until in self._disabled.items() if until is not None and until <= now]
        for origin in expired:
            del self._disabled[origin]
        return not self._disabled


def _received_only(deltas: Iterable[tuple[str, int]]) -> list[tuple[str, int]]:
    return [(name, n) for name, n in deltas if name.endswith("-received")]


def _not_sent(deltas: Iterable[tuple[str, int]]) -> list[tuple[str, int]]:
    return [(name, n) for name, n in deltas if not name.endswith("-sent")]


def _error(message_id: str, text: str) -> LogEvent:
    return LogEvent("ERROR", message_id, text)


Waiting = tuple[Any, Outcome, LinkInfo]  # (persistence token, outcome, link) of one packet


class _Pass:
    """What one synchronous pass (or one finished group) collects to apply in one go."""

    __slots__ = ("deltas", "events", "group")

    def __init__(self) -> None:
        self.deltas: list[tuple[str, int]] = []
        self.events: list[LogEvent] = []
        self.group: list[Waiting] = []


class PacketLoop6:
    """Reads the service socket on the event loop and runs every datagram through the engine."""

    def __init__(
        self,
        engine: Engine6,
        persistence: Persistence[Any],
        sockets: ServiceSockets,
        stats: StatsSink,
        log: LogSink,
        *,
        state: ServiceState | None = None,
        clock: Callable[[], float] = time.time,
        batch_size: int = DEFAULT_BATCH,
        max_in_flight: int = DEFAULT_MAX_IN_FLIGHT,
        client_port: int = 0,
        name_changes: NameChangeSink | None = None,
        max_queue_age: float = DEFAULT_MAX_QUEUE_AGE,
    ) -> None:
        self.engine = engine
        self.max_queue_age = max_queue_age  # seconds; 0 turns the check off
        self.stale = 0  # datagrams dropped because they queued too long
        self.persistence = persistence
        self.sockets = sockets
        self.stats = stats
        self.log = log
        # Where the engine's DNS name-change requests go once their leases are durable.
        self.name_changes: NameChangeSink = name_changes or LoggingNameChangeSink(stats.apply, log)
        self.state = state or ServiceState()
        self.clock = clock
        self.batch_size = batch_size
        self.max_in_flight = max_in_flight
        self.client_port = client_port
        self.in_flight: set[asyncio.Task[None]] = set()  # per-packet commits (no commit_group)
        self.groups: set[asyncio.Future[None]] = set()  # group commits under way
        self.waiting = 0  # packets in those groups
        self.ignored = 0  # datagrams for no configured interface or address
        self._loop: asyncio.AbstractEventLoop | None = None
        self._reading = False
        self._paused = False

    @property
    def sock(self) -> Dhcp6Socket:
        """The service socket."""
        return self.sockets.sock

    @property
    def busy(self) -> int:
        """Packets waiting for their commit."""
        return len(self.in_flight) + self.waiting

    def start(self, loop: asyncio.AbstractEventLoop) -> None:
        """Begin reading (now if the socket is open, else once ServiceSockets opens it)."""
        self._loop = loop
        self._reading = True
        self._attach()

    def socket_opened(self) -> None:
        """ServiceSockets' ``on_open`` hook: the socket exists now, watch it."""
        self._attach()

    def _attach(self) -> None:
        if self._loop is not None and self._reading and not self._paused and self.sock.is_open:
            self._loop.add_reader(self.sock.fileno(), self._on_readable)

    def _detach(self) -> None:
        if self._loop is not None and self.sock.is_open:
            self._loop.remove_reader(self.sock.fileno())

    async def stop(self) -> None:
        """Stop reading, then let every packet already in flight finish (commit and reply)."""
        self._reading = False
        self._detach()
        await self.settle()

    async def settle(self) -> None:
        """Until no packet waits for its commit (those arriving meanwhile included)."""
        while self.in_flight or self.groups:
            # asyncio.wait, not gather: waiting here must never cancel a commit.
            await asyncio.wait([*self.in_flight, *self.groups])

    def _on_readable(self) -> None:
        room = self.max_in_flight - self.busy
        batch = self.sock.receive_batch(min(self.batch_size, room))
        if batch:
            self.handle_batch(batch, self.clock())
        if self.busy >= self.max_in_flight and not self._paused:
            self._paused = True
            self._detach()

    def handle_batch(self, batch: Sequence[Datagram], now: float) -> None:
        """Process received datagrams in one pass (all at the same ``now``)."""
        done = _Pass()
        link_for = self.sockets.link_for
        oldest = now - self.max_queue_age if self.max_queue_age > 0 else 0.0
        try:
            for datagram in batch:
                link = link_for(datagram)
                if link is None:
                    self.ignored += 1
                    continue
                if 0.0 < datagram.received < oldest:
                    self._drop_stale(link, now - datagram.received, done)
                    continue
                self._decide(datagram.data, link, now, done)
        finally:  # whatever happened, what was reserved gets committed (or undone)
            self._end_pass(done)

    def handle(self, data: bytes, link: LinkInfo, now: float) -> None:
        """One datagram from ``link``: decide, then reply now or after the commit."""
        done = _Pass()
        try:
            self._decide(data, link, now, done)
        finally:
            self._end_pass(done)

    def _decide(self, data: bytes, link: LinkInfo, now: float, done: _Pass) -> None:
        if not self.state.enabled(now):
            self._drop_disabled(link, now, done)
            return
        try:
            outcome = self.engine.process6(data, link, now)
        except Exception as exc:  # never crash on input (DESIGN.md principle 6)
            done.deltas += ((RECEIVED, 1), (RECEIVE_DROP, 1))
            done.events.append(_error("DHCP6_PACKET_PROCESS_STD_EXCEPTION", _text(exc)))
            return
        if not outcome.lease_changes:
            self._finish(outcome, link, done)
            return
        try:
            token = self.persistence.reserve(outcome.lease_changes)
        except Exception as exc:
            self._fail(outcome, exc, done)
            return
        if hasattr(self.persistence, "commit_group"):
            done.group.append((token, outcome, link))
            return
        loop = self._loop or asyncio.get_running_loop()
        task = loop.create_task(self._commit_then_send(token, outcome, link))
        self.in_flight.add(task)
        task.add_done_callback(self._task_done)

    def _end_pass(self, done: _Pass) -> None:
        """Hand the pass's reservations over as one group; apply its statistics and logs."""
        if done.group:
            self._commit_group(done.group, done)
        self._apply(done)

    def _apply(self, done: _Pass) -> None:
        if done.deltas:
            self.stats.apply(done.deltas, self.clock())
        if done.events:
            self.log(done.events)

    def _commit_group(self, group: list[Waiting], done: _Pass) -> None:
        persistence: GroupPersistence[Any] = self.persistence  # type: ignore[assignment]
        try:
            written = persistence.commit_group([token for token, _, _ in group])
        except Exception as exc:  # the store refused before writing: nothing is durable
            for _, outcome, _ in group:
                self._fail(outcome, exc, done)
            return
        if written is None:
            for _, outcome, link in group:
                self._finish(outcome, link, done)
            return
        self.groups.add(written)
        self.waiting += len(group)
        written.add_done_callback(partial(self._group_done, group))

    def _group_done(self, group: list[Waiting], written: asyncio.Future[None]) -> None:
        """A group is durable (send its replies) or failed (undone already: send nothing)."""
        self.groups.discard(written)
        self.waiting -= len(group)
        done = _Pass()
        error = asyncio.CancelledError() if written.cancelled() else written.exception()
        try:
            if error is None:
                for _, outcome, link in group:
                    self._finish(outcome, link, done)
            else:
                for _, outcome, _ in group:
                    self._fail(outcome, error, done)
            self._apply(done)
        finally:
            self._maybe_resume()

    async def _commit_then_send(self, token: object, outcome: Outcome, link: LinkInfo) -> None:
        try:
            await self.persistence.commit(token)
        except Exception as exc:  # the persistence has undone the batch already
            done = _Pass()
            self._fail(outcome, exc, done)
            self._apply(done)
            return
        done = _Pass()
        self._finish(outcome, link, done)
        self._apply(done)

    def _task_done(self, task: asyncio.Task[None]) -> None:
        self.in_flight.discard(task)
        self._maybe_resume()

    def _maybe_resume(self) -> None:
        if self._paused and self.busy <= self.max_in_flight * 3 // 4:
            self._paused = False
            self._attach()

    def _drop_stale(self, link: LinkInfo, age: float, done: _Pass) -> None:
        """A datagram that queued too long: counted as received and dropped, not processed."""
        self.stale += 1
        done.deltas.append((RECEIVED, 1))
        done.deltas.append((RECEIVE_DROP, 1))
        text = (
            f"[{link.source}]:{link.source_port}: packet dropped unread after {age * 1000:.0f} ms"
            " in the receive queue (the server is overloaded)"
        )
        done.events.append(LogEvent("DEBUG", "DHCP6_PACKET_QUEUE_FULL", text, STALE_DROP_LEVEL))

    def _drop_disabled(self, link: LinkInfo, now: float, done: _Pass) -> None:
        done.deltas.append((RECEIVED, 1))
        label = f"[{link.source}]:{link.source_port}"
        text = f"{label}: DHCP service is globally disabled"
        done.events.append(
            LogEvent("DEBUG", "DHCP6_PACKET_DROP_DHCP_DISABLED", text, DISABLED_DROP_LEVEL)
        )

    @staticmethod
    def _fail(outcome: Outcome, exc: BaseException, done: _Pass) -> None:
        """Persistence failed: no reply, count the drop, log why."""
        done.deltas += _received_only(outcome.stat_deltas)
        done.deltas.append((RECEIVE_DROP, 1))
        text = f"lease update not stored: {_text(exc)}"
        done.events.append(_error("DHCP6_PACKET_PROCESS_STD_EXCEPTION", text))

    def _finish(self, outcome: Outcome, link: LinkInfo, done: _Pass) -> None:
        if outcome.name_changes:  # the leases are durable: the DNS may follow
            self.name_changes.submit(outcome.name_changes, self.clock())
        if outcome.reply is not None:
            problem = self._send(outcome, link)
            if problem:
                done.deltas += _not_sent(outcome.stat_deltas)
                done.events += outcome.log
                done.events.append(_error("DHCP6_PACKET_SEND_FAIL", problem))
                return
        done.deltas += outcome.stat_deltas
        done.events += outcome.log

    def _send(self, outcome: Outcome, link: LinkInfo) -> str:
        assert outcome.reply is not None
        destination = outcome.destination or link.source
        port = outcome.destination_port or link.source_port
        if self.client_port and port == CLIENT_PORT:
            port = self.client_port  # -P: the client port used for testing
        source = reply_source(link.destination)
        try:
            self.sock.send(outcome.reply, destination, port, link.interface_index, source)
        except OSError as exc:
            return f"{exc.strerror or exc} (to [{destination}]:{port} on {link.interface})"
        return ""


def _text(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"


class Service6:
    """The DHCPv6 service socket and packet loop, wired together (what a daemon starts)."""

    def __init__(
        self,
        engine: Engine6,
        persistence: Persistence[Any],
        stats: StatsSink,
        log: LogSink,
        listen: ListenConfig,
        *,
        on_fatal: Callable[[str], None],
        server_port: int = SERVER_PORT,
        client_port: int = 0,
        state: ServiceState | None = None,
        detect: Callable[[], list[Interface]] = list_interfaces,
    ) -> None:
        self.listen = listen
        self.server_port = server_port
        self.on_fatal = on_fatal
        self.detect = detect
        self.sockets: ServiceSockets | None = None
        self.packets: PacketLoop6 | None = None
        self._parts = (engine, persistence, stats, log, client_port, state)

    def start(self, loop: asyncio.AbstractEventLoop) -> None:
        """Open the sockets (retrying as configured) and start answering."""
        engine, persistence, stats, log, client_port, state = self._parts
        sock = Dhcp6Socket(self.server_port)
        sockets = ServiceSockets(sock, self.listen, loop, log, self.on_fatal, detect=self.detect)
        packets = PacketLoop6(
            engine, persistence, sockets, stats, log, state=state, client_port=client_port
        )
        sockets.on_open = packets.socket_opened
        packets.start(loop)
        sockets.start()
        self.sockets, self.packets = sockets, packets

    def reconfigure(self, listen: ListenConfig) -> None:
        """Listen where a new configuration says (Kea reopens sockets on reconfiguration)."""
        self.listen = listen
        if self.sockets is not None:
            self.sockets.reconfigure(listen)

    @property
    def socket_errors(self) -> list[str]:
        """Why some sockets are not open (``status-get`` "sockets")."""
        return list(self.sockets.last_errors) if self.sockets is not None else []

    @property
    def retrying(self) -> bool:
        """True while a socket retry is scheduled."""
        return self.sockets is not None and self.sockets.retry_pending

    async def stop(self) -> None:
        """Stop reading, finish the packets in flight (commit, reply), close the socket."""
        if self.packets is not None:
            await self.packets.stop()
        if self.sockets is not None:
            self.sockets.stop()
