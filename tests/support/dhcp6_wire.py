"""A small UDP DHCPv6 client for system tests, usable inside a network namespace.

``WireClient`` sends client messages from port 546 to ff02::1:2 (or any address) over one
interface and collects the server's answers with a timeout. ``RelayClient`` plays a relay agent:
it wraps client messages in Relay-forward hops (tests.support.dhcp6_client.relayed) and sends
them from port 547 to the server's unicast address, then unwraps the Relay-reply.

Sockets are created with the calling thread inside the namespace (netns_enter.entered); a
socket keeps its namespace afterwards, so one test process can drive several namespaces.
"""

from __future__ import annotations

import select
import socket
import time
from collections.abc import Sequence
from dataclasses import dataclass

from tests.support.dhcp6_client import relayed
from tests.support.netns_enter import entered

from pukeko.wire.buffer import FormError
from pukeko.wire.pkt6 import Pkt6, Relay6, decode6, encode6, innermost

ALL_DHCP_RELAY_AGENTS_AND_SERVERS = "ff02::1:2"
CLIENT_PORT = 546
SERVER_PORT = 547
RELAY_FORW = 12


@dataclass(frozen=True)
class Received:
    """One datagram from the server: raw bytes, decoded message, and where it came from."""

    data: bytes
    message: Pkt6 | Relay6
    source: str
    source_port: int

    @property
    def inner(self) -> Pkt6:
        """The client/server message (inside any Relay-reply hops)."""
        return innermost(self.message)


def _open(namespace: str, ifname: str, bind_address: str, port: int) -> tuple[socket.socket, int]:
    with entered(namespace):
        sock = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
        try:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
            index = socket.if_nametoindex(ifname)
            sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_MULTICAST_IF, index)
            sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_MULTICAST_LOOP, 0)
            scope = index if bind_address.lower().startswith("fe80") else 0
            sock.bind((bind_address, port, 0, scope))
        except OSError:
            sock.close()
            raise
    sock.setblocking(False)
    return sock, index


class _Endpoint:
    """Shared socket handling: send, receive with a deadline, match by transaction id."""

    def __init__(self, sock: socket.socket, index: int) -> None:
        self.sock = sock
        self.index = index
        self.pending: list[Received] = []

    def close(self) -> None:
        """Close the socket."""
        self.sock.close()

    def __enter__(self) -> _Endpoint:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def send_bytes(self, data: bytes, destination: str, port: int = SERVER_PORT) -> None:
        """Send one datagram (link-local and multicast destinations use this interface)."""
        scope = self.index if destination.lower().startswith(("fe80", "ff02")) else 0
        self.sock.sendto(data, (destination, port, 0, scope))

    def receive(self, timeout: float) -> Received | None:
        """The next decodable datagram within ``timeout`` seconds, or None."""
        if self.pending:
            return self.pending.pop(0)
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            ready, _, _ = select.select([self.sock], [], [], left)
            if not ready:
                return None
            got = self._read_one()
            if got is not None:
                return got

    def _read_one(self) -> Received | None:
        try:
            data, peer = self.sock.recvfrom(65535)
        except BlockingIOError:
            return None
        try:
            message = decode6(data, strict=False)
        except FormError:
            return None
        return Received(data, message, str(peer[0]).split("%", 1)[0], int(peer[1]))

    def drain(self) -> list[Received]:
        """Everything already queued on the socket (no waiting)."""
        out = list(self.pending)
        self.pending.clear()
        while True:
            got = self._read_one()
            if got is None:
                return out
            out.append(got)

    def wait_for(self, xid: int, timeout: float) -> Received | None:
        """The first datagram whose inner transaction id is ``xid`` (others stay queued)."""
        deadline = time.monotonic() + timeout
        while True:
            for got in self.pending:
                if got.inner.transaction_id == xid:
                    self.pending.remove(got)
                    return got
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            ready, _, _ = select.select([self.sock], [], [], left)
            if ready:
                fresh = self._read_one()
                if fresh is not None:
                    self.pending.append(fresh)


class WireClient(_Endpoint):
    """A DHCPv6 client socket on ``ifname`` in ``namespace`` (port 546 by default)."""

    def __init__(
        self, namespace: str, ifname: str, bind_address: str = "::", port: int = CLIENT_PORT
    ) -> None:
        sock, index = _open(namespace, ifname, bind_address, port)
        super().__init__(sock, index)

    def exchange(
        self,
        pkt: Pkt6,
        destination: str = ALL_DHCP_RELAY_AGENTS_AND_SERVERS,
        timeout: float = 1.0,
    ) -> Received | None:
        """Send ``pkt`` and return the answer with its transaction id, or None on timeout."""
        self.send_bytes(encode6(pkt), destination)
        return self.wait_for(pkt.transaction_id, timeout)


class RelayClient(_Endpoint):
    """A relay agent: sends Relay-forward from ``relay_address``:547 to the server's address."""

    def __init__(
        self, namespace: str, ifname: str, relay_address: str, server_address: str
    ) -> None:
        sock, index = _open(namespace, ifname, relay_address, SERVER_PORT)
        super().__init__(sock, index)
        self.server_address = server_address

    def exchange(self, relayed_message: Relay6, timeout: float = 1.0) -> Received | None:
        """Send an already wrapped Relay-forward; return the matching Relay-reply or None."""
        if relayed_message.msg_type != RELAY_FORW:
            raise ValueError("RelayClient sends Relay-forward messages only")
        self.send_bytes(encode6(relayed_message), self.server_address)
        return self.wait_for(innermost(relayed_message).transaction_id, timeout)

    def relay(
        self,
        pkt: Pkt6,
        hops: Sequence[tuple[str, str, Sequence[tuple[int, bytes]]]],
        timeout: float = 1.0,
    ) -> Received | None:
        """Wrap ``pkt`` in ``hops`` (closest to the client first) and exchange it."""
        wrapped = relayed(pkt, hops)
        assert isinstance(wrapped, Relay6), "at least one hop is needed"
        return self.exchange(wrapped, timeout)
