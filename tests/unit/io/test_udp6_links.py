"""ServiceSockets.link_for's cache: the same answers as without it, and emptied on every change."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest

from pukeko.io.udp6 import ActiveInterface, Datagram, Dhcp6Socket, ListenConfig, ServiceSockets
from pukeko.server.outcome import LinkInfo, LogEvent


@pytest.fixture
def service() -> Iterator[ServiceSockets]:
    loop = asyncio.new_event_loop()
    events: list[LogEvent] = []
    svc = ServiceSockets(Dhcp6Socket(0), ListenConfig(), loop, events.extend, lambda text: None)
    yield svc
    loop.close()


def test_links_are_cached_and_follow_changes(service: ServiceSockets) -> None:
    multicast = Datagram(b"x", "fe80::2", 546, 2, "ff02::1:2")
    unicast = Datagram(b"x", "2001:db8::9", 547, 2, "2001:db8::1")
    assert service.link_for(multicast) is None
    service.active[2] = ActiveInterface("eth0", 2, "fe80::1")
    service.attempt()  # a (re)try: what is listened on may have changed
    first = service.link_for(multicast)
    assert first == LinkInfo("eth0", 2, "fe80::2", 546, "ff02::1:2", "fe80::1")
    assert service.link_for(multicast) is first
    assert service.link_for(unicast) is None
    service.unicast["2001:db8::1"] = "eth0"
    service.names_by_index[2] = "eth0"
    service.attempt()
    assert service.link_for(unicast) == LinkInfo(
        "eth0", 2, "2001:db8::9", 547, "2001:db8::1", "fe80::1"
    )
    service.reconfigure(ListenConfig())
    assert service.link_for(multicast) is None and service.link_for(unicast) is None


def test_datagram_fields() -> None:
    datagram = Datagram(b"abc", "fe80::2", 546, 3, "ff02::1:2")
    assert (datagram.data, datagram.source, datagram.source_port) == (b"abc", "fe80::2", 546)
    assert (datagram.ifindex, datagram.destination) == (3, "ff02::1:2")
