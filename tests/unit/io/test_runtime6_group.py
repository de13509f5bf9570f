"""The packet loop's group path: one commit per pass, replies only after the shared fsync."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Iterable, Sequence
from ipaddress import IPv6Address
from pathlib import Path
from typing import Any, cast

from pukeko.io.runtime6 import PacketLoop6, StorePersistence
from pukeko.io.udp6 import Datagram, ServiceSockets
from pukeko.leases.csvcodec import HEADER6
from pukeko.leases.index import LeaseIndex6, LeaseReservation
from pukeko.leases.memfile import MemfileSettings, memfile_store6
from pukeko.leases.memory import IndexedLeaseStore6, NullJournal, memory_store6
from pukeko.leases.model import ChangeKind, Lease6, LeaseChange, LeaseType
from pukeko.leases.store import LeasePersistError
from pukeko.server.outcome import LinkInfo, LogEvent, Outcome

LINK = LinkInfo("eth0", 2, "fe80::2", 546, "ff02::1:2", "fe80::1")
NOW = 1_700_000_000.0


def lease(n: int) -> Lease6:
    return Lease6(
        IPv6Address(f"2001:db8::{n:x}"), LeaseType.NA, 128, b"\x00\x03\x00\x01", n, 1, 4000, 3000, 0
    )


class Engine:
    """``grant:N`` -> a lease and a Reply; ``info`` -> a Reply only; ``boom`` raises."""

    def process6(self, data: bytes, link: LinkInfo, now: float) -> Outcome:
        text = data.decode()
        if text == "boom":
            raise ValueError("engine bug")
        stats = (("pkt6-received", 1), ("pkt6-sent", 1))
        log = (LogEvent("INFO", "DHCP6_LEASE_ALLOC", text),)
        if text == "info":
            return Outcome(reply=b"reply:info", stat_deltas=stats, log=log)
        n = int(text.split(":")[1])
        return Outcome(
            reply=f"reply:{n}".encode(),
            lease_changes=(LeaseChange(ChangeKind.ADD, lease(n)),),
            stat_deltas=(*stats, ("subnet[1].assigned-nas", 1)),
            log=log,
        )


class Sock:
    """Records replies, and whether the lease file held the lease when each one left."""

    is_open = True

    def __init__(self, lease_file: Path | None = None) -> None:
        self.lease_file = lease_file
        self.sent: list[bytes] = []
        self.on_disk: list[bool] = []

    def send(
        self, data: bytes, destination: str, port: int, ifindex: int, source: str = ""
    ) -> None:
        self.sent.append(data)
        if self.lease_file is not None and data != b"reply:info":
            n = int(data.split(b":")[1])
            self.on_disk.append(f"2001:db8::{n:x}," in self.lease_file.read_text())


class Sockets:
    def __init__(self, sock: Sock) -> None:
        self.sock = sock

    def link_for(self, datagram: Datagram) -> LinkInfo | None:
        return LINK if datagram.ifindex == 2 else None


class Calls:
    """Counts the sink calls: one statistics call and one log call per pass or group."""

    def __init__(self) -> None:
        self.stats: list[list[tuple[str, int]]] = []
        self.logs: list[list[LogEvent]] = []

    def apply(self, deltas: Iterable[tuple[str, int]], now: float) -> None:
        self.stats.append(list(deltas))

    def log(self, events: Iterable[LogEvent]) -> None:
        self.logs.append(list(events))

    def total(self, name: str) -> int:
        return sum(n for batch in self.stats for key, n in batch if key == name)


def datagram(text: str, ifindex: int = 2) -> Datagram:
    return Datagram(text.encode(), "fe80::2", 546, ifindex, "ff02::1:2")


def packet_loop(store: Any, sock: Sock, calls: Calls, told: list[LeaseChange]) -> PacketLoop6:
    return PacketLoop6(
        Engine(),
        StorePersistence(store, told.extend),
        cast(ServiceSockets, Sockets(sock)),
        calls,
        calls.log,
        clock=lambda: NOW,
    )


def test_one_pass_is_one_group_commit_with_one_fsync(tmp_path: Path) -> None:
    """A batch of Requests: one fsync, every Reply after it, in arrival order."""
    lease_file = tmp_path / "l6.csv"
    fsyncs: list[int] = []
    sock, calls, told = Sock(lease_file), Calls(), []

    def fsync(fd: int) -> None:
        fsyncs.append(fd)

    async def scenario() -> None:
        store = memfile_store6(MemfileSettings(str(lease_file)), fsync=fsync)
        await store.open()
        before = len(fsyncs)
        loop6 = packet_loop(store, sock, calls, told)
        loop6.handle_batch([datagram(f"grant:{n}") for n in range(1, 21)] + [datagram("info")], NOW)
        assert sock.sent == [b"reply:info"]  # no lease change: it leaves at once
        assert loop6.busy == 20 and len(loop6.groups) == 1 and not loop6.in_flight
        await loop6.settle()
        assert len(fsyncs) - before == 1
        assert loop6.busy == 0 and not loop6.groups
        await store.close()

    asyncio.run(scenario())
    assert sock.sent[1:] == [f"reply:{n}".encode() for n in range(1, 21)]
    assert sock.on_disk == [True] * 20
    assert calls.total("subnet[1].assigned-nas") == 20 and calls.total("pkt6-sent") == 21
    assert len(calls.stats) == 2 and len(calls.logs) == 2  # the pass, then the group
    assert lease_file.read_text().splitlines()[0] == HEADER6
    assert told == []


class FailingJournal(NullJournal[Lease6]):
    """Every write fails, as on a full disk."""

    def persist(self, reservation: LeaseReservation[Lease6]) -> asyncio.Future[None] | None:
        loop = asyncio.get_running_loop()
        future: asyncio.Future[None] = loop.create_future()
        loop.call_soon(future.set_exception, LeasePersistError("No space left on device"))
        return future


def test_a_failed_group_sends_nothing_and_undoes_every_change() -> None:
    store = IndexedLeaseStore6(LeaseIndex6(), FailingJournal())
    sock, calls, told = Sock(), Calls(), []

    async def scenario() -> None:
        loop6 = packet_loop(store, sock, calls, told)
        loop6.handle_batch([datagram("grant:1"), datagram("grant:2"), datagram("boom")], NOW)
        assert store.view.get(LeaseType.NA, lease(2).address) == lease(2)  # reserved already
        await loop6.settle()

    asyncio.run(scenario())
    assert sock.sent == []
    assert store.view.get(LeaseType.NA, lease(1).address) is None
    assert store.view.get(LeaseType.NA, lease(2).address) is None
    assert told == [LeaseChange(ChangeKind.DELETE, lease(n)) for n in (1, 2)]
    assert calls.total("pkt6-receive-drop") == 3 and calls.total("pkt6-received") == 3
    assert calls.total("pkt6-sent") == 0 and calls.total("subnet[1].assigned-nas") == 0
    ids = [e.message_id for batch in calls.logs for e in batch]
    assert ids == ["DHCP6_PACKET_PROCESS_STD_EXCEPTION"] * 3
    assert "No space left on device" in calls.logs[-1][0].text


def test_nothing_to_write_means_replies_in_the_same_pass() -> None:
    """``persist: false``: the group is durable at once, no future, no waiting."""
    store = memory_store6()
    sock, calls, told = Sock(), Calls(), []
    loop6 = packet_loop(store, sock, calls, told)
    loop6.handle_batch([datagram("grant:1"), datagram("grant:2"), datagram("nowhere", 9)], NOW)
    assert sock.sent == [b"reply:1", b"reply:2"] and loop6.busy == 0 and loop6.ignored == 1
    assert store.view.get(LeaseType.NA, lease(2).address) == lease(2)


class SlowStore:
    """A LeaseWriter6 whose group commits complete only when told."""

    def __init__(self) -> None:
        self.view = LeaseIndex6()
        self.pending: list[asyncio.Future[None]] = []

    def reserve(self, changes: Sequence[LeaseChange]) -> object:
        return list(changes)

    async def commit(self, reservation: object) -> None:
        raise AssertionError("the group path commits with commit_many")

    def commit_many(self, reservations: Sequence[object]) -> asyncio.Future[None] | None:
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self.pending.append(future)
        return future


def test_reading_pauses_while_groups_hold_the_in_flight_limit() -> None:
    store = SlowStore()
    calls, told = Calls(), []
    queue = [datagram(f"grant:{n}") for n in range(1, 11)]

    class QueueSock(Sock):
        def fileno(self) -> int:
            return reader

        def receive_batch(self, limit: int) -> list[Datagram]:
            nonlocal queue
            batch, queue = queue[:limit], queue[limit:]
            return batch

    reader, writer = os.pipe()
    os.write(writer, b"x")  # always readable
    qsock = QueueSock()

    async def scenario() -> None:
        loop6 = PacketLoop6(
            Engine(),
            StorePersistence(store, told.extend),
            cast(ServiceSockets, Sockets(qsock)),
            calls,
            calls.log,
            clock=lambda: NOW,
            max_in_flight=4,
            batch_size=2,
        )
        loop6.start(asyncio.get_running_loop())
        await asyncio.sleep(0.05)
        assert loop6.busy == 4 and len(queue) == 6  # paused at the limit
        store.pending.pop(0).set_result(None)
        await asyncio.sleep(0.05)
        assert qsock.sent == [b"reply:1", b"reply:2"] and loop6.busy == 4 and len(queue) == 4
        while store.pending or queue:
            for future in store.pending:
                future.set_result(None)
            store.pending.clear()
            await asyncio.sleep(0.01)
        await loop6.stop()

    try:
        asyncio.run(scenario())
    finally:
        os.close(reader)
        os.close(writer)
    assert qsock.sent == [f"reply:{n}".encode() for n in range(1, 11)]


def test_stop_waits_for_groups_and_cancelling_it_leaves_them_alone() -> None:
    store = SlowStore()
    sock, calls, told = Sock(), Calls(), []

    async def scenario() -> None:
        loop6 = packet_loop(store, sock, calls, told)
        loop6.handle_batch([datagram("grant:4")], NOW)
        stopping = asyncio.create_task(loop6.stop())
        await asyncio.sleep(0)
        stopping.cancel()
        await asyncio.sleep(0)
        assert not store.pending[0].cancelled()  # the commit goes on
        stopping = asyncio.create_task(loop6.stop())
        await asyncio.sleep(0)
        assert not stopping.done()
        store.pending[0].set_result(None)
        await stopping

    asyncio.run(scenario())
    assert sock.sent == [b"reply:4"]
