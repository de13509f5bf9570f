"""A Python DHCPv6 load generator that records every lease a server granted.

Many clients (one DUID each) run the four-way exchange over one socket, ``in_flight`` at a
time, with retransmission; every Reply's IA_NA addresses and IA_PD prefixes with a non-zero
valid lifetime are recorded as granted. It runs in a thread until its deadline or until
``stop`` is set, and survives the server disappearing and coming back.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from ipaddress import IPv6Address

from tests.support.dhcp6_client import (
    ADVERTISE,
    IA_NA,
    IA_PD,
    REPLY,
    REQUEST,
    SERVERID,
    SOLICIT,
    IaSpec,
    message,
)
from tests.support.dhcp6_wire import WireClient

from pukeko.wire.buffer import FormError
from pukeko.wire.ia6 import decode_ia
from pukeko.wire.pkt6 import encode6


@dataclass(frozen=True)
class Grant:
    """One lease a Reply granted: client, IA, type and address/prefix."""

    duid: bytes
    iaid: int
    kind: str  # "na" or "pd"
    address: IPv6Address
    prefix_len: int
    valid: int
    granted_at: float


@dataclass
class _Client:
    duid: bytes
    xid: int
    state: int = SOLICIT
    server_id: bytes | None = None
    ias: list[IaSpec] = field(default_factory=list)
    sent_at: float = 0.0
    tries: int = 0


@dataclass
class LoadStats:
    """Counters of one load run."""

    started: int = 0
    completed: int = 0
    retransmits: int = 0
    abandoned: int = 0


class LoadGenerator(threading.Thread):
    """Solicit/Request for unique clients, several in flight, recording every grant."""

    def __init__(
        self,
        client: WireClient,
        *,
        first_client: int = 1,
        in_flight: int = 16,
        with_pd: bool = True,
        timeout: float = 0.4,
        max_tries: int = 6,
        deadline: float = 30.0,
    ) -> None:
        super().__init__(daemon=True)
        self.client = client
        self.next_index = first_client
        self.in_flight = in_flight
        self.with_pd = with_pd
        self.timeout = timeout
        self.max_tries = max_tries
        self.deadline = time.monotonic() + deadline
        self.stop = threading.Event()
        self.pause_new = threading.Event()
        self.grants: list[Grant] = []
        self.stats = LoadStats()
        self.active: dict[int, _Client] = {}
        self.errors: list[str] = []
        self.lock = threading.Lock()

    def _new_client(self) -> None:
        index = self.next_index
        self.next_index += 1
        duid = b"\x00\x03\x00\x01\x02" + index.to_bytes(5, "big")
        xid = (index * 2) & 0xFFFFFF
        ias = [IaSpec(1)] + ([IaSpec(2, pd=True)] if self.with_pd else [])
        client = _Client(duid, xid, ias=ias)
        self.active[xid] = client
        self.stats.started += 1
        self._send(client)

    def _send(self, client: _Client) -> None:
        pkt = message(
            client.state, client.duid, client.ias, xid=client.xid, server_id=client.server_id
        )
        client.sent_at = time.monotonic()
        client.tries += 1
        try:
            self.client.send_bytes(encode6(pkt), "ff02::1:2")
        except OSError as exc:  # e.g. ENOBUFS under load: retransmission covers it
            self.errors.append(str(exc))

    def run(self) -> None:
        """Drive clients until the deadline or ``stop``."""
        try:
            while not self.stop.is_set() and time.monotonic() < self.deadline:
                while len(self.active) < self.in_flight and not self.pause_new.is_set():
                    self._new_client()
                got = self.client.receive(0.02)
                while got is not None:
                    self._handle(got.inner)
                    got = self.client.receive(0)
                self._retransmit()
        except Exception as exc:
            self.errors.append(f"load generator crashed: {exc!r}")

    def _retransmit(self) -> None:
        now = time.monotonic()
        for xid, client in list(self.active.items()):
            if now - client.sent_at < self.timeout:
                continue
            if client.tries >= self.max_tries:
                del self.active[xid]
                self.stats.abandoned += 1
                continue
            self.stats.retransmits += 1
            self._send(client)

    def _handle(self, pkt: object) -> None:
        msg_type = getattr(pkt, "msg_type", None)
        client = self.active.get(getattr(pkt, "transaction_id", -1))
        if client is None:
            return
        options = pkt.options  # type: ignore[attr-defined]
        if msg_type == ADVERTISE and client.state == SOLICIT:
            self._advertised(client, options)
        elif msg_type == REPLY and client.state == REQUEST:
            self._replied(client, options)

    def _advertised(self, client: _Client, options: list[tuple[int, bytes]]) -> None:
        server_id = next((v for c, v in options if c == SERVERID), None)
        specs = self._echo(options)
        if server_id is None or not specs:
            return
        client.state, client.server_id, client.ias, client.tries = REQUEST, server_id, specs, 0
        client.xid = (client.xid + 1) & 0xFFFFFF
        del self.active[(client.xid - 1) & 0xFFFFFF]
        self.active[client.xid] = client
        self._send(client)

    def _echo(self, options: list[tuple[int, bytes]]) -> list[IaSpec]:
        specs: list[IaSpec] = []
        for code, value in options:
            if code not in (IA_NA, IA_PD):
                continue
            try:
                ia = decode_ia(code, value)
            except FormError:
                continue
            if code == IA_NA:
                addrs = [(str(IPv6Address(a.address)), 0, 0) for a in ia.addresses()]
                specs.append(IaSpec(ia.iaid, addresses=addrs))
            else:
                prefixes = [(str(IPv6Address(p.prefix)), p.prefix_len, 0, 0) for p in ia.prefixes()]
                specs.append(IaSpec(ia.iaid, pd=True, prefixes=prefixes))
        return specs

    def _replied(self, client: _Client, options: list[tuple[int, bytes]]) -> None:
        now = time.time()
        for code, value in options:
            if code not in (IA_NA, IA_PD):
                continue
            ia = decode_ia(code, value)
            with self.lock:
                for a in ia.addresses():
                    if a.valid:
                        self.grants.append(
                            Grant(
                                client.duid,
                                ia.iaid,
                                "na",
                                IPv6Address(a.address),
                                128,
                                a.valid,
                                now,
                            )
                        )
                for p in ia.prefixes():
                    if p.valid:
                        self.grants.append(
                            Grant(
                                client.duid,
                                ia.iaid,
                                "pd",
                                IPv6Address(p.prefix),
                                p.prefix_len,
                                p.valid,
                                now,
                            )
                        )
        del self.active[client.xid]
        self.stats.completed += 1
