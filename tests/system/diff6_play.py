"""Play the differential script against one server in a fresh namespace pair."""

from __future__ import annotations

import socket
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.support.dhcp6_client import INFORMATION_REQUEST, message
from tests.support.dhcp6_wire import RelayClient, WireClient
from tests.support.netns_enter import add_veth, ip, namespaces, wait_link_local
from tests.support.servers import running_server
from tests.system.diff6_script import (
    CLIENT_ADDRESS,
    SCRIPT,
    SERVER_ADDRESS,
    Session,
    Step,
    server_config,
)

Script = Sequence[Callable[[Session], list[Step]]]
ConfigFn = Callable[[Path, str], dict[str, Any]]


@dataclass
class Played:
    """What one server answered to the whole script."""

    kind: str
    steps: dict[str, list[Step]]
    literal: set[object]
    log: str


@contextmanager
def namespace_pair() -> Iterator[tuple[str, str]]:
    """(server namespace with srv0, client namespace with cli0), linked by a veth pair."""
    with namespaces(2) as (server_ns, client_ns):
        add_veth(server_ns, "srv0", client_ns, "cli0")
        ip("-n", server_ns, "addr", "add", f"{SERVER_ADDRESS}/64", "dev", "srv0", "nodad")
        ip("-n", client_ns, "addr", "add", f"{CLIENT_ADDRESS}/64", "dev", "cli0", "nodad")
        wait_link_local(client_ns, "cli0")
        yield server_ns, client_ns


def _probe(client: WireClient) -> bool:
    pkt = message(INFORMATION_REQUEST, None, [], xid=0xFFFFF0)
    try:
        return client.exchange(pkt, timeout=0.3) is not None
    except OSError:
        return False


def play(
    kind: str, workdir: Path, script: Script = SCRIPT, config_fn: ConfigFn = server_config
) -> Played:
    """Start ``kind`` with ``config_fn`` (the differential one by default) and play ``script``."""
    workdir.mkdir(parents=True, exist_ok=True)
    with namespace_pair() as (server_ns, client_ns):
        client = WireClient(client_ns, "cli0")
        relay = RelayClient(client_ns, "cli0", CLIENT_ADDRESS, SERVER_ADDRESS)
        try:
            with running_server(
                kind,
                server_ns,
                config_fn(workdir, kind),
                workdir,
                probe=lambda: _probe(client),
                ready_timeout=20.0,
            ) as server:
                client.drain()
                session = Session(client, relay)
                session.server_link_local = wait_link_local(server_ns, "srv0")
                steps: dict[str, list[Step]] = {}
                for exchange in script:
                    steps[exchange.__name__] = exchange(session)
                log = server.log()
        finally:
            client.close()
            relay.close()
    return Played(kind, steps, set(session.literal), log)


__all__ = ["Played", "namespace_pair", "play", "socket"]
