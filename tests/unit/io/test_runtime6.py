"""The packet loop with a fake engine, store and socket: persist before reply, group commit."""

import asyncio
import json
import os
import socket
import struct
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from ipaddress import IPv6Address
from pathlib import Path
from typing import cast

import pytest
from tests.support.netns import can_use_netns
from tests.support.netns_enter import add_veth, entered, in_namespace, namespaces, wait_link_local

from pukeko.config.load import load_config
from pukeko.io.interfaces import list_interfaces
from pukeko.io.runtime6 import PacketLoop6, Service6, ServiceState, StorePersistence
from pukeko.io.udp6 import Datagram, ServiceSockets, listen_config
from pukeko.leases.index import LeaseIndex6, LeaseReservation
from pukeko.leases.memfile import memfile_store6, settings_from_config
from pukeko.leases.memory import IndexedLeaseStore6, NullJournal, memory_store6
from pukeko.leases.model import ChangeKind, Lease6, LeaseChange, LeaseType
from pukeko.leases.store import DuplicateLeaseError, LeasePersistError
from pukeko.server.dhcp6.alloc_adapter import allocation_for
from pukeko.server.dhcp6.engine import Dhcp6Engine
from pukeko.server.outcome import LinkInfo, LogEvent, Outcome
from pukeko.server.stats import StatsManager
from pukeko.wire.pkt6 import decode6

LINK = LinkInfo("eth0", 2, "fe80::2", 546, "ff02::1:2", "fe80::1")
NOW = 1_700_000_000.0


def lease(n: int) -> Lease6:
    return Lease6(
        IPv6Address(f"2001:db8::{n:x}"), LeaseType.NA, 128, b"\x00\x03", n, 1, 4000, 3000, 0
    )


class Engine:
    """Answers ``grant:N`` with a lease and a Reply, ``info`` with a Reply only."""

    def __init__(self, journal: list[str]) -> None:
        self.journal = journal

    def process6(self, data: bytes, link: LinkInfo, now: float) -> Outcome:
        text = data.decode()
        if text == "boom":
            raise ValueError("engine bug")
        if text == "drop":
            return Outcome(
                stat_deltas=(("pkt6-received", 1), ("pkt6-receive-drop", 1)), dropped=True
            )
        stats = (
            ("pkt6-received", 1),
            ("pkt6-request-received", 1),
            ("pkt6-sent", 1),
            ("pkt6-reply-sent", 1),
        )
        log = (LogEvent("INFO", "DHCP6_LEASE_ALLOC", text),)
        if text == "info":
            return Outcome(
                reply=b"reply:info",
                destination=link.source,
                destination_port=546,
                stat_deltas=stats,
                log=log,
            )
        n = int(text.split(":")[1])
        change = LeaseChange(ChangeKind.ADD, lease(n))
        stats += (("subnet[1].assigned-nas", 1),)
        self.journal.append(f"decide {n}")
        return Outcome(
            reply=f"reply:{n}".encode(),
            destination=link.source,
            destination_port=546,
            lease_changes=(change,),
            stat_deltas=stats,
            log=log,
        )


class Store:
    """Reserve in memory; commits wait for flush(), which writes them all at once."""

    def __init__(self, journal: list[str]) -> None:
        self.journal = journal
        self.memory: set[IPv6Address] = set()
        self.waiting: list[asyncio.Future[None]] = []
        self.flushes = 0
        self.fail = False
        self.rolled_back: list[int] = []

    def reserve(self, changes: Sequence[LeaseChange]) -> object:
        for change in changes:
            assert isinstance(change.lease, Lease6)
            assert change.lease.address not in self.memory, "two leases for one address"
            self.memory.add(change.lease.address)
        return [c.lease.address for c in changes]

    async def commit(self, token: object) -> None:
        future = asyncio.get_running_loop().create_future()
        self.waiting.append(future)
        try:
            await future
        except OSError:  # like LeaseStore6: the index is restored before the error surfaces
            for address in cast(list[IPv6Address], token):
                self.memory.discard(address)
                self.rolled_back.append(int(address) & 0xFFFF)
            raise
        self.journal.append(f"durable {token}")

    def flush(self) -> None:
        self.flushes += 1
        waiting, self.waiting = self.waiting, []
        for future in waiting:
            if self.fail:
                future.set_exception(OSError(28, "No space left on device"))
            else:
                future.set_result(None)


class Stats:
    def __init__(self) -> None:
        self.values: dict[str, int] = {}

    def apply(self, deltas: Iterable[tuple[str, int]], now: float) -> None:
        for name, n in deltas:
            self.values[name] = self.values.get(name, 0) + n


@dataclass
class FakeSock:
    journal: list[str]
    sent: list[tuple[bytes, str, int, int, str]] = field(default_factory=list)
    queue: list[Datagram] = field(default_factory=list)
    error: OSError | None = None
    is_open: bool = True

    def __post_init__(self) -> None:
        self.read_fd, self.write_fd = os.pipe()
        os.write(self.write_fd, b"x")  # always readable: the loop keeps calling us

    def fileno(self) -> int:
        return self.read_fd

    def receive_batch(self, limit: int) -> list[Datagram]:
        batch, self.queue = self.queue[:limit], self.queue[limit:]
        return batch

    def send(
        self, data: bytes, destination: str, port: int, ifindex: int, source: str = ""
    ) -> None:
        if self.error is not None:
            raise self.error
        self.journal.append(f"send {data.decode()}")
        self.sent.append((data, destination, port, ifindex, source))

    def close(self) -> None:
        os.close(self.read_fd)
        os.close(self.write_fd)


class FakeSockets:
    def __init__(self, sock: FakeSock) -> None:
        self.sock = sock

    def link_for(self, datagram: Datagram) -> LinkInfo | None:
        return LINK if datagram.ifindex == LINK.interface_index else None


@dataclass
class World:
    journal: list[str] = field(default_factory=list)
    logged: list[LogEvent] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.engine = Engine(self.journal)
        self.store = Store(self.journal)
        self.stats = Stats()
        self.sock = FakeSock(self.journal)

    def packet_loop(self, **kwargs: object) -> PacketLoop6:
        sockets = cast(ServiceSockets, FakeSockets(self.sock))
        return PacketLoop6(
            self.engine,
            self.store,
            sockets,
            self.stats,
            self.logged.extend,
            clock=lambda: NOW,
            **kwargs,
        )  # type: ignore[arg-type]

    def ids(self) -> list[str]:
        return [e.message_id for e in self.logged]


def datagram(text: str, ifindex: int = 2) -> Datagram:
    return Datagram(text.encode(), "fe80::2", 546, ifindex, "ff02::1:2")


async def settle() -> None:
    for _ in range(5):
        await asyncio.sleep(0)


def test_reply_only_after_the_lease_is_durable() -> None:
    world = World()

    async def scenario() -> None:
        loop6 = world.packet_loop()
        loop6.handle_batch([datagram("grant:1")], NOW)
        await settle()
        assert world.sock.sent == [] and IPv6Address("2001:db8::1") in world.store.memory
        assert "subnet[1].assigned-nas" not in world.stats.values
        world.store.flush()
        await settle()

    asyncio.run(scenario())
    assert world.journal == ["decide 1", "durable [IPv6Address('2001:db8::1')]", "send reply:1"]
    assert world.sock.sent == [(b"reply:1", "fe80::2", 546, 2, "")]
    assert world.stats.values["pkt6-reply-sent"] == 1
    assert world.stats.values["subnet[1].assigned-nas"] == 1
    assert world.ids() == ["DHCP6_LEASE_ALLOC"]


def test_failed_commit_rolls_back_and_sends_nothing() -> None:
    world = World()
    world.store.fail = True

    async def scenario() -> None:
        loop6 = world.packet_loop()
        loop6.handle_batch([datagram("grant:7")], NOW)
        await settle()
        world.store.flush()
        await settle()
        assert loop6.in_flight == set()

    asyncio.run(scenario())
    assert world.sock.sent == [] and world.store.rolled_back == [7] and world.store.memory == set()
    assert world.stats.values == {
        "pkt6-received": 1,
        "pkt6-request-received": 1,
        "pkt6-receive-drop": 1,
    }
    assert world.ids() == ["DHCP6_PACKET_PROCESS_STD_EXCEPTION"]
    assert "No space left on device" in world.logged[0].text and world.logged[0].severity == "ERROR"


def test_concurrent_packets_share_one_commit() -> None:
    world = World()

    async def scenario() -> None:
        loop6 = world.packet_loop()
        loop6.handle_batch([datagram(f"grant:{n}") for n in range(1, 51)], NOW)
        await settle()
        assert len(loop6.in_flight) == 50 and len(world.store.waiting) == 50
        world.store.flush()
        await settle()
        assert loop6.in_flight == set()

    asyncio.run(scenario())
    assert world.store.flushes == 1
    assert sorted(int(s[0].split(b":")[1]) for s in world.sock.sent) == list(range(1, 51))
    assert world.stats.values["subnet[1].assigned-nas"] == 50


def test_no_lease_change_means_immediate_reply_and_client_port_override() -> None:
    world = World()
    loop6 = world.packet_loop(client_port=1546)
    loop6.handle_batch([datagram("info"), datagram("drop"), datagram("info", ifindex=9)], NOW)
    assert world.sock.sent == [(b"reply:info", "fe80::2", 1546, 2, "")]
    assert world.stats.values["pkt6-received"] == 2 and world.stats.values["pkt6-receive-drop"] == 1
    assert loop6.ignored == 1


def test_datagrams_that_queued_too_long_are_dropped_unread() -> None:
    world = World()
    loop6 = world.packet_loop(max_queue_age=0.5)
    fresh = datagram("info")._replace(received=NOW - 0.2)
    stale = datagram("info")._replace(received=NOW - 0.8)
    unknown = datagram("info")  # no kernel timestamp: always processed
    loop6.handle_batch([stale, fresh, unknown], NOW)
    assert len(world.sock.sent) == 2 and loop6.stale == 1
    assert world.stats.values["pkt6-received"] == 3
    assert world.stats.values["pkt6-receive-drop"] == 1
    assert world.ids().count("DHCP6_PACKET_QUEUE_FULL") == 1
    assert "800 ms" in world.logged[world.ids().index("DHCP6_PACKET_QUEUE_FULL")].text
    off = World().packet_loop(max_queue_age=0)
    off.handle_batch([stale], NOW)
    assert off.stale == 0


def test_disabled_service_drops_until_max_period_lapses() -> None:
    world = World()
    state = ServiceState()
    state.disable("user", NOW, max_period=30)
    loop6 = world.packet_loop(state=state)
    loop6.handle_batch([datagram("info")], NOW + 10)
    assert world.sock.sent == [] and world.stats.values == {"pkt6-received": 1}
    assert world.ids() == ["DHCP6_PACKET_DROP_DHCP_DISABLED"]
    assert world.logged[0].debuglevel == 15 and "[fe80::2]:546" in world.logged[0].text
    loop6.handle_batch([datagram("info")], NOW + 31)
    assert len(world.sock.sent) == 1


def test_service_state_origins() -> None:
    state = ServiceState()
    state.disable("user", NOW)
    state.disable("ha-partner", NOW, 5)
    assert not state.enabled(NOW + 100)  # user's disable has no end
    state.enable("user")
    assert state.enabled(NOW + 100)
    state.disable("user", NOW)
    state.enable_all()
    assert state.enabled(NOW)


def test_engine_exception_and_send_failure_do_not_crash() -> None:
    world = World()
    loop6 = world.packet_loop()
    loop6.handle_batch([datagram("boom")], NOW)
    assert world.ids() == ["DHCP6_PACKET_PROCESS_STD_EXCEPTION"]
    assert world.stats.values == {"pkt6-received": 1, "pkt6-receive-drop": 1}
    world.sock.error = OSError(101, "Network is unreachable")
    loop6.handle_batch([datagram("info")], NOW)
    assert world.ids()[-1] == "DHCP6_PACKET_SEND_FAIL"
    assert "pkt6-sent" not in world.stats.values and world.stats.values["pkt6-received"] == 2


def test_reading_pauses_at_the_in_flight_limit() -> None:
    world = World()
    world.sock.queue = [datagram(f"grant:{n}") for n in range(1, 11)]

    async def scenario() -> None:
        loop6 = world.packet_loop(max_in_flight=4, batch_size=2)
        loop6.start(asyncio.get_running_loop())
        await asyncio.sleep(0.05)
        assert len(loop6.in_flight) == 4 and len(world.sock.queue) == 6
        world.store.flush()
        await asyncio.sleep(0.05)
        assert len(world.sock.sent) == 4 and len(loop6.in_flight) == 4
        while world.store.waiting or world.sock.queue:
            world.store.flush()
            await asyncio.sleep(0.01)
        await loop6.stop()

    asyncio.run(scenario())
    world.sock.close()
    assert len(world.sock.sent) == 10


def test_stop_lets_pending_commits_finish() -> None:
    world = World()

    async def scenario() -> None:
        loop6 = world.packet_loop()
        loop6.start(asyncio.get_running_loop())
        loop6.handle_batch([datagram("grant:3")], NOW)
        stopping = asyncio.create_task(loop6.stop())
        await settle()
        assert not stopping.done()
        world.store.flush()
        await stopping

    asyncio.run(scenario())
    world.sock.close()
    assert world.sock.sent[0][0] == b"reply:3"


class FailingJournal(NullJournal[Lease6]):
    """Writes nothing and fails every batch, as a full disk would."""

    def persist(self, reservation: LeaseReservation[Lease6]) -> asyncio.Future[None] | None:
        loop = asyncio.get_running_loop()
        future: asyncio.Future[None] = loop.create_future()
        loop.call_soon(future.set_exception, LeasePersistError("No space left on device"))
        return future


def test_store_persistence_undoes_index_and_allocator_on_failure() -> None:
    store = IndexedLeaseStore6(LeaseIndex6(), FailingJournal())
    told: list[LeaseChange] = []
    persistence = StorePersistence(store, told.extend)
    world = World()
    kept = lease(1)
    seed(store, kept)

    async def scenario() -> None:
        loop6 = PacketLoop6(
            world.engine,
            persistence,
            cast(ServiceSockets, FakeSockets(world.sock)),
            world.stats,
            world.logged.extend,
            clock=lambda: NOW,
        )
        loop6.handle_batch([datagram("grant:2")], NOW)
        assert store.view.get(LeaseType.NA, IPv6Address("2001:db8::2")) is not None
        await settle()

    asyncio.run(scenario())
    assert world.sock.sent == [] and world.ids() == ["DHCP6_PACKET_PROCESS_STD_EXCEPTION"]
    assert store.view.get(LeaseType.NA, IPv6Address("2001:db8::2")) is None
    assert store.view.get(LeaseType.NA, kept.address) == kept
    assert told == [LeaseChange(ChangeKind.DELETE, lease(2))]


def test_store_persistence_refused_reserve_is_resynced() -> None:
    store = memory_store6()
    told: list[LeaseChange] = []
    persistence = StorePersistence(store, told.extend)
    seed(store, lease(5))
    duplicate = LeaseChange(ChangeKind.ADD, replace(lease(5), iaid=99))
    with pytest.raises(DuplicateLeaseError):
        persistence.reserve([duplicate])
    assert told == [LeaseChange(ChangeKind.UPDATE, lease(5))]


def seed(store: IndexedLeaseStore6, held: Lease6) -> None:
    """Put a lease in the index directly, as loading a lease file does."""
    index = store.view
    index.release(index.reserve([LeaseChange(ChangeKind.ADD, held)]))


CONFIG6 = {
    "Dhcp6": {
        "interfaces-config": {"interfaces": ["pks0"]},
        "subnet6": [
            {
                "id": 1,
                "subnet": "2001:db8:1::/64",
                "interface": "pks0",
                "pools": [{"pool": "2001:db8:1::10-2001:db8:1::20"}],
            }
        ],
    }
}
SERVER_DUID = bytes.fromhex("000100012ec45b1a02fc00000001")


def _tlvs(options: list[tuple[int, bytes]]) -> bytes:
    return b"".join(struct.pack("!HH", code, len(value)) + value for code, value in options)


def _client_messages() -> tuple[bytes, Callable[[bytes], bytes]]:
    client_id = (1, bytes.fromhex("00030001020000000001"))
    ia_na = (3, bytes.fromhex("000000010000000000000000"))
    solicit = b"\x01\xab\xcd\xef" + _tlvs([client_id, (8, b"\x00\x00"), ia_na])

    def request(advertise: bytes) -> bytes:
        offered = dict(decode6(advertise).options)
        return b"\x03\x00\x00\x07" + _tlvs(
            [client_id, (2, offered[2]), (3, offered[3]), (8, b"\x00\x00")]
        )

    return solicit, request


@pytest.mark.skipif(not can_use_netns(), reason="needs root for network namespaces")
def test_real_engine_and_memfile_over_a_veth_link(tmp_path: Path) -> None:
    """Solicit/Advertise then Request/Reply: the lease is in the CSV file before the Reply."""
    lease_file = tmp_path / "kea-leases6.csv"
    seen_in_file: list[bool] = []

    async def scenario(server_ns: str, client_ns: str) -> tuple[bytes, bytes]:
        config = load_config(json.dumps(CONFIG6), family=6).config
        store = memfile_store6(settings_from_config({"name": str(lease_file)}, 6))
        await store.open()
        allocation = allocation_for(config)
        engine = Dhcp6Engine(
            config, store.view, SERVER_DUID, allocation, apply_changes=allocation.apply
        )
        stats = StatsManager()
        fatal: list[str] = []
        service = Service6(
            engine,
            StorePersistence(store, allocation.apply),
            stats,
            lambda events: None,
            listen_config(config.interfaces),
            on_fatal=fatal.append,
            detect=lambda: in_namespace(server_ns, list_interfaces),
        )
        loop = asyncio.get_running_loop()
        with entered(server_ns):
            service.start(loop)
        with entered(client_ns):
            client = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
            index = socket.if_nametoindex("pkc0")
        with client:
            client.bind(("::", 546))
            client.setblocking(False)
            solicit, request = _client_messages()
            client.sendto(solicit, ("ff02::1:2", 547, 0, index))
            advertise = await asyncio.wait_for(loop.sock_recv(client, 2000), 3)
            client.sendto(request(advertise), ("ff02::1:2", 547, 0, index))
            reply = await asyncio.wait_for(loop.sock_recv(client, 2000), 3)
            seen_in_file.append("2001:db8:1::10," in lease_file.read_text())
        await service.stop()
        await store.close()
        assert fatal == [] and stats.value("pkt6-reply-sent") == 1
        return advertise, reply

    with namespaces(2) as (server_ns, client_ns):
        add_veth(server_ns, "pks0", client_ns, "pkc0")
        wait_link_local(server_ns, "pks0")
        wait_link_local(client_ns, "pkc0")
        advertise, reply = asyncio.run(scenario(server_ns, client_ns))
    assert decode6(advertise).msg_type == 2 and decode6(reply).msg_type == 7
    assert dict(decode6(reply).options)[2] == SERVER_DUID
    assert seen_in_file == [True]
