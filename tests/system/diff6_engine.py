"""Play the differential script against Pukeko's sans-I/O engine in this process.

The same :class:`Session` drives the engine through stand-ins for the client and relay sockets:
each datagram goes to ``Dhcp6Engine.process6`` with the LinkInfo the daemon would build (client
at a link-local address port 546 on ``srv0``; the relay at 2001:db8:1::2 port 547 sending to the
server's unicast address). Lease changes are applied to an in-memory view, as the runtime does.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from tests.support.dhcp6_client import relayed
from tests.support.dhcp6_harness import MemoryLeases
from tests.system.diff6_play import ConfigFn, Played, Script
from tests.system.diff6_script import (
    CLIENT_ADDRESS,
    SCRIPT,
    SERVER_ADDRESS,
    SERVER_DUID_HEX,
    Session,
    Step,
    server_config,
)

from pukeko.config.load import load_config
from pukeko.server.dhcp6.alloc_adapter import allocation_for
from pukeko.server.dhcp6.engine import Dhcp6Engine
from pukeko.server.outcome import LinkInfo
from pukeko.wire.pkt6 import Pkt6, encode6

CLIENT_LINK_LOCAL = "fe80::99"
SERVER_LINK_LOCAL = "fe80::1"
START = 1_700_000_000.0


@dataclass(frozen=True)
class _Answer:
    data: bytes


class _EngineLink:
    """Hands datagrams to the engine and keeps the lease view in step."""

    def __init__(self, engine: Dhcp6Engine, leases: MemoryLeases) -> None:
        self.engine = engine
        self.leases = leases
        self.now = START

    def run(self, data: bytes, link: LinkInfo) -> _Answer | None:
        outcome = self.engine.process6(data, link, self.now)
        self.leases.apply(outcome.lease_changes)
        self.now += 0.01
        return None if outcome.reply is None else _Answer(outcome.reply)


class _Client:
    def __init__(self, link: _EngineLink) -> None:
        self.link = link

    def exchange(
        self, pkt: Pkt6, destination: str = "ff02::1:2", timeout: float = 1.0
    ) -> _Answer | None:
        info = LinkInfo("srv0", 2, CLIENT_LINK_LOCAL, 546, destination, SERVER_LINK_LOCAL)
        return self.link.run(encode6(pkt), info)


class _Relay:
    def __init__(self, link: _EngineLink) -> None:
        self.link = link

    def relay(
        self,
        pkt: Pkt6,
        hops: list[tuple[str, str, list[tuple[int, bytes]]]],
        timeout: float = 1.0,
    ) -> _Answer | None:
        info = LinkInfo("srv0", 2, CLIENT_ADDRESS, 547, SERVER_ADDRESS, SERVER_LINK_LOCAL)
        return self.link.run(encode6(relayed(pkt, hops)), info)


def play_engine(
    workdir: Path,
    strict_unicast: bool = True,
    script: Script = SCRIPT,
    config_fn: ConfigFn = server_config,
) -> Played:
    """Play ``script`` against a fresh engine serving ``config_fn`` (the differential one)."""
    text = json.dumps(config_fn(workdir, "pukeko"))
    config = load_config(text, family=6).config
    assert config is not None
    leases = MemoryLeases()
    allocation = allocation_for(config)
    engine = Dhcp6Engine(
        config,
        leases,
        bytes.fromhex(SERVER_DUID_HEX),
        allocation,
        apply_changes=allocation.apply,
        strict_unicast=strict_unicast,
    )
    link = _EngineLink(engine, leases)
    session = Session(_Client(link), _Relay(link))  # type: ignore[arg-type]
    session.server_link_local = SERVER_LINK_LOCAL
    steps: dict[str, list[Step]] = {exchange.__name__: exchange(session) for exchange in script}
    return Played("pukeko-engine", steps, set(session.literal), "")
