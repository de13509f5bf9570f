"""The DHCPv6 socket with real sockets across a veth link between two network namespaces."""

import asyncio
import socket
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import pytest
from tests.support.netns import can_use_netns
from tests.support.netns_enter import (
    add_veth,
    entered,
    in_namespace,
    ip,
    namespaces,
    wait_link_local,
)

from pukeko.config.model import InterfacesConfig
from pukeko.io.interfaces import list_interfaces
from pukeko.io.udp6 import (
    Datagram,
    Dhcp6Socket,
    ListenConfig,
    ServiceSockets,
    listen_config,
    reply_source,
)
from pukeko.server.outcome import LogEvent

# A Solicit: type 1, transaction id, Client Identifier (DUID-LL), Elapsed Time.
SOLICIT = bytes.fromhex("01abcdef0001000a00030001020000000001000800020000")
PORT = 547

needs_root = pytest.mark.skipif(not can_use_netns(), reason="needs root for network namespaces")


def test_listen_config_from_interfaces_config() -> None:
    extra = {
        "service-sockets-require-all": True,
        "service-sockets-retry-wait-time": 250,
        "service-sockets-max-retries": 4,
    }
    entries = ("eth0", "*", "eth1/2001:DB8::0001", "eth0")
    config = listen_config(InterfacesConfig(entries, True, extra))
    assert config == ListenConfig(True, ("eth0", "eth1"), (("eth1", "2001:db8::1"),), True, 250, 4)
    default = listen_config(InterfacesConfig((), True))
    assert default.empty and default.retry_wait_ms == 5000 and default.max_retries == 0
    assert not default.require_all


def test_reply_source() -> None:
    assert reply_source("ff02::1:2") == "" and reply_source("ff05::1:3") == ""
    assert reply_source("2001:db8::1") == "2001:db8::1"
    assert reply_source("fe80::1") == "fe80::1"


@dataclass
class Harness:
    """A server namespace with ServiceSockets, a client namespace with a plain socket."""

    server_ns: str
    client_ns: str
    events: list[LogEvent] = field(default_factory=list)
    fatal: list[str] = field(default_factory=list)

    def service(self, config: ListenConfig, loop: asyncio.AbstractEventLoop) -> ServiceSockets:
        detect: Callable[[], list] = lambda: in_namespace(self.server_ns, list_interfaces)  # noqa: E731
        svc = ServiceSockets(
            Dhcp6Socket(PORT), config, loop, self.events.extend, self.fatal.append, detect=detect
        )
        with entered(self.server_ns):
            svc.start()
        return svc

    def client(self, ifname: str, port: int = 546) -> tuple[socket.socket, int]:
        with entered(self.client_ns):
            sock = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
            index = socket.if_nametoindex(ifname)
        sock.bind(("::", port))
        sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_MULTICAST_IF, index)
        sock.settimeout(2)
        return sock, index

    def ids(self) -> list[str]:
        return [e.message_id for e in self.events]


@pytest.fixture
def harness() -> Iterator[Harness]:
    with namespaces(2) as (server_ns, client_ns):
        yield Harness(server_ns, client_ns)


async def receive(svc: ServiceSockets, timeout: float = 2.0) -> list[Datagram]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        batch = svc.sock.receive_batch(16)
        if batch:
            return batch
        await asyncio.sleep(0.01)
    return []


@needs_root
def test_multicast_query_and_reply_to_link_local(harness: Harness) -> None:
    add_veth(harness.server_ns, "pks0", harness.client_ns, "pkc0")
    server_ll = wait_link_local(harness.server_ns, "pks0")
    client_ll = wait_link_local(harness.client_ns, "pkc0")
    server_index = in_namespace(harness.server_ns, lambda: socket.if_nametoindex("pks0"))

    async def scenario() -> None:
        svc = harness.service(ListenConfig(names=("pks0",)), asyncio.get_running_loop())
        client, index = harness.client("pkc0")
        with client:
            for group in ("ff02::1:2", "ff05::1:3"):
                client.sendto(SOLICIT, (group, PORT, 0, index))
                (datagram,) = await receive(svc)
                link = svc.link_for(datagram)
                assert datagram.data == SOLICIT
                assert 0 <= time.time() - datagram.received < 5  # the kernel's arrival stamp
                assert link is not None
                assert (link.interface, link.interface_index) == ("pks0", server_index)
                assert (link.source, link.source_port) == (client_ll, 546)
                assert (link.destination, link.local_address) == (group, server_ll)
                source = reply_source(link.destination)
                svc.sock.send(b"reply", link.source, 546, link.interface_index, source)
                data, address = client.recvfrom(1500)
                assert data == b"reply"
                assert address[0].split("%")[0] == server_ll and address[1] == PORT
        svc.stop()

    asyncio.run(scenario())
    assert harness.fatal == [] and "DHCPSRV_OPEN_SOCKET_FAIL" not in harness.ids()


@needs_root
def test_unicast_entries_and_foreign_destinations(harness: Harness) -> None:
    add_veth(harness.server_ns, "pks0", harness.client_ns, "pkc0")
    ip("-n", harness.server_ns, "addr", "add", "2001:db8::1/64", "dev", "pks0", "nodad")
    ip("-n", harness.server_ns, "addr", "add", "2001:db8::9/64", "dev", "pks0", "nodad")
    ip("-n", harness.client_ns, "addr", "add", "2001:db8::2/64", "dev", "pkc0", "nodad")
    server_ll = wait_link_local(harness.server_ns, "pks0")
    wait_link_local(harness.client_ns, "pkc0")
    config = ListenConfig(names=("pks0",), unicasts=(("pks0", "2001:db8::1"),))

    async def scenario() -> None:
        svc = harness.service(config, asyncio.get_running_loop())
        client, index = harness.client("pkc0")
        with client:
            client.sendto(b"to-unicast", ("2001:db8::1", PORT))
            (datagram,) = await receive(svc)
            link = svc.link_for(datagram)
            assert link is not None and link.destination == "2001:db8::1"
            assert link.source == "2001:db8::2" and link.interface == "pks0"
            svc.sock.send(b"r", link.source, 546, link.interface_index, reply_source("2001:db8::1"))
            assert client.recvfrom(100)[1][:2] == ("2001:db8::1", PORT)
            client.sendto(b"to-link-local", (server_ll, PORT, 0, index))
            (datagram,) = await receive(svc)
            assert svc.link_for(datagram) is not None
            client.sendto(b"to-other-address", ("2001:db8::9", PORT))
            (datagram,) = await receive(svc)
            assert svc.link_for(datagram) is None
        svc.stop()

    asyncio.run(scenario())


@needs_root
def test_missing_interface_opens_on_retry(harness: Harness) -> None:
    config = ListenConfig(names=("pks0",), retry_wait_ms=100, max_retries=50)

    async def scenario() -> None:
        svc = harness.service(config, asyncio.get_running_loop())
        assert svc.active == {} and svc.retry_pending
        assert svc.last_errors == ["the interface pks0 does not exist"]
        add_veth(harness.server_ns, "pks0", harness.client_ns, "pkc0")
        deadline = time.monotonic() + 5
        while not svc.active and time.monotonic() < deadline:
            await asyncio.sleep(0.05)
        assert [a.name for a in svc.active.values()] == ["pks0"]
        assert not svc.retry_pending and svc.last_errors == []
        wait_link_local(harness.client_ns, "pkc0")
        client, index = harness.client("pkc0")
        with client:
            client.sendto(SOLICIT, ("ff02::1:2", PORT, 0, index))
            (datagram,) = await receive(svc)
            assert svc.link_for(datagram) is not None
        svc.stop()

    asyncio.run(scenario())
    assert "DHCPSRV_OPEN_SOCKET_FAIL" in harness.ids()
    assert harness.fatal == []


async def settled(done: Callable[[], bool], limit: float = 5.0) -> None:
    """Wait until ``done()`` (the retries have run out), at most ``limit`` seconds: a loaded
    machine runs the 20 ms retry timers late, so no fixed sleep is long enough."""
    for _ in range(int(limit / 0.02)):
        if done():
            return
        await asyncio.sleep(0.02)


@needs_root
@pytest.mark.parametrize("retries", [0, 2])
def test_require_all_stops_the_server_when_retries_run_out(harness: Harness, retries: int) -> None:
    config = ListenConfig(
        names=("nosuch0",), require_all=True, retry_wait_ms=20, max_retries=retries
    )

    async def scenario() -> None:
        svc = harness.service(config, asyncio.get_running_loop())
        await settled(lambda: not svc.retry_pending)
        assert not svc.retry_pending
        svc.stop()

    asyncio.run(scenario())
    assert harness.ids().count("DHCPSRV_OPEN_SOCKET_FAIL") == retries + 1
    assert len(harness.fatal) == 1 and f"attempts: {retries}," in harness.fatal[0]


@needs_root
def test_without_require_all_the_server_keeps_serving(harness: Harness) -> None:
    add_veth(harness.server_ns, "pks0", harness.client_ns, "pkc0")
    wait_link_local(harness.server_ns, "pks0")
    ns = harness.server_ns
    ip("-n", ns, "link", "add", "pkd0", "type", "veth", "peer", "name", "pkd1")  # both down
    ip("-n", ns, "link", "add", "pke0", "type", "veth", "peer", "name", "pke1")
    ip("-n", ns, "link", "set", "pke0", "up")  # up, but no carrier: its peer is down
    names = ("pks0", "pkd0", "pke0", "nosuch0")
    config = ListenConfig(names=names, retry_wait_ms=20, max_retries=1)

    async def scenario() -> None:
        svc = harness.service(config, asyncio.get_running_loop())
        await settled(lambda: not svc.retry_pending)
        assert [a.name for a in svc.active.values()] == ["pks0"]
        assert sorted(svc.last_errors) == [
            "the interface nosuch0 does not exist",
            "the interface pkd0 is down",
            "the interface pke0 is not running",
        ]
        svc.stop()

    asyncio.run(scenario())
    assert harness.fatal == [] and "DHCP6_OPEN_SOCKETS_FAILED" in harness.ids()


@needs_root
def test_wildcard_takes_multicast_interfaces_not_loopback(harness: Harness) -> None:
    add_veth(harness.server_ns, "pks0", harness.client_ns, "pkc0")
    add_veth(harness.server_ns, "pks1", harness.client_ns, "pkc1")
    wait_link_local(harness.server_ns, "pks0")
    wait_link_local(harness.server_ns, "pks1")

    async def scenario() -> None:
        svc = harness.service(ListenConfig(wildcard=True), asyncio.get_running_loop())
        assert sorted(a.name for a in svc.active.values()) == ["pks0", "pks1"]
        svc.reconfigure(ListenConfig(names=("pks1",)))
        assert [a.name for a in svc.active.values()] == ["pks1"]
        assert {index for _, index in svc.sock.joined} == set(svc.active)
        svc.stop()

    asyncio.run(scenario())
