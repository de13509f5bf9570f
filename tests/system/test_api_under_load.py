"""Many concurrent management API clients do not stall DHCPv6 service (issue 7).

A real pukeko-dhcp6 in a network namespace serves a UNIX control socket and an HTTP listener on
its namespace's loopback. While 12 API workers (8 HTTP keep-alive, 4 UNIX) loop over a command
mix (two of them asking for every lease, 1,500 preloaded ones: large answers) and 4 slow clients
hold connections open without ever completing a request, a DHCP client completes 50
Solicit/Request exchanges for distinct DUIDs. Asserted: every exchange is answered (2 s per
message, at most one retransmission), every API answer is well-formed with an expected result
code, the slow clients are cut off by the server's timeouts while everyone else is served, and
at the end the lease count of the DHCP subnet (stat-lease6-get, lease6-get-all) equals the
leases granted. No throughput figures are asserted (bench/dhcp6/api_load.py measures them).
"""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any

import pytest
from tests.support.api_load_clients import (
    COMMAND_MIX,
    SUBNET_LIST,
    ApiError,
    ApiWorker,
    HttpCommandClient,
    MixEntry,
    WorkerState,
    http_sender,
    summarise,
    unix_command,
    unix_sender,
)
from tests.support.api_load_slow import SlowClient, slow_clients
from tests.support.control_socket import send_command
from tests.support.dhcp6_client import (
    ADVERTISE,
    IA_NA,
    REPLY,
    SOLICIT,
    IaSpec,
    addresses_of,
    duid_of,
    message,
    read_reply,
    request_from,
)
from tests.support.dhcp6_wire import WireClient
from tests.support.servers import running_server
from tests.system.diff6_play import _probe, namespace_pair
from tests.system.diff6_script import SERVER_ADDRESS
from tests.system.sysreq import pukeko_daemon_missing, require_netns

from pukeko.wire.pkt6 import Pkt6

HOOKS_DIR = "/usr/lib/x86_64-linux-gnu/kea/hooks"
HOOKS = [
    {"library": f"{HOOKS_DIR}/{name}"}
    for name in ("libdhcp_lease_cmds.so", "libdhcp_stat_cmds.so", "libdhcp_subnet_cmds.so")
]
HTTP_ADDRESS, HTTP_PORT = "127.0.0.1", 18480
DHCP_SUBNET, PRELOAD_SUBNET = 1, 2
PRELOADED = 1500
EXCHANGES = 50
SLOW_DEADLINE = 14.0  # the server's request timeouts are 10 s (Kea's)
MAX_LOOPS = 40  # a worker's bound when the DHCP client finishes late


def config(work: Path) -> dict[str, Any]:
    """One DHCP subnet on srv0 and one off-link subnet holding the preloaded leases."""
    return {
        "Dhcp6": {
            "interfaces-config": {"interfaces": [f"srv0/{SERVER_ADDRESS}"]},
            "lease-database": {"type": "memfile", "name": str(work / "leases6.csv")},
            "server-id": {"type": "LLT", "persist": False},
            "control-sockets": [
                {"socket-type": "unix", "socket-name": str(work / "ctrl.sock")},
                {"socket-type": "http", "socket-address": HTTP_ADDRESS, "socket-port": HTTP_PORT},
            ],
            "hooks-libraries": HOOKS,
            "subnet6": [
                {
                    "id": DHCP_SUBNET,
                    "subnet": "2001:db8:1::/64",
                    "interface": "srv0",
                    "pools": [{"pool": "2001:db8:1::1000-2001:db8:1::1fff"}],
                },
                {
                    "id": PRELOAD_SUBNET,
                    "subnet": "2001:db8:2::/64",
                    "pools": [{"pool": "2001:db8:2::1000-2001:db8:2::ffff"}],
                },
            ],
            "loggers": [
                {"name": "kea-dhcp6", "severity": "WARN", "output_options": [{"output": "stdout"}]}
            ],
        }
    }


def preload(socket_path: Path) -> None:
    """``PRELOADED`` leases in the off-link subnet, so that lease6-get-all answers are large."""
    leases = [
        {
            "ip-address": f"2001:db8:2::{0x1000 + i:x}",
            "duid": f"01:02:03:04:{i >> 8:02x}:{i & 0xFF:02x}",
            "iaid": i,
            "subnet-id": PRELOAD_SUBNET,
            "hostname": f"preloaded-{i}.example.org",
        }
        for i in range(PRELOADED)
    ]
    done = send_command(socket_path, "lease6-bulk-apply", {"leases": leases}, timeout=60)
    assert done["result"] == 0, str(done)[:500]


def _dhcp_subnet(_state: WorkerState) -> dict[str, Any] | None:
    return {"subnets": [DHCP_SUBNET]}


def _dhcp_subnet_stats(_state: WorkerState) -> dict[str, Any] | None:
    return {"subnet-id": DHCP_SUBNET}


# Light workers ask for the DHCP subnet's leases only; heavy ones for all (large answers).
LIGHT_MIX = (
    *(e for e in COMMAND_MIX if e.name != "lease6-get-all"),
    MixEntry("lease6-get-all", _dhcp_subnet, frozenset({0, 3})),
    MixEntry("stat-lease6-get", _dhcp_subnet_stats, frozenset({0})),
    SUBNET_LIST,
)
HEAVY_MIX = COMMAND_MIX


def workers(server_ns: str, socket_path: Path, stop: threading.Event) -> list[ApiWorker]:
    """8 HTTP keep-alive workers and 4 UNIX ones; one of each kind is heavy (3 loops)."""
    out: list[ApiWorker] = []
    for i in range(8):
        client = HttpCommandClient(server_ns, HTTP_ADDRESS, HTTP_PORT, timeout=10.0)
        heavy = i == 0
        out.append(
            ApiWorker(
                f"http{i}",
                http_sender(client),
                mix=HEAVY_MIX if heavy else LIGHT_MIX,
                loops=3 if heavy else MAX_LOOPS,
                stop=stop,
            )
        )
    for i in range(4):
        heavy = i == 0
        out.append(
            ApiWorker(
                f"unix{i}",
                unix_sender(socket_path, timeout=10.0),
                mix=HEAVY_MIX if heavy else LIGHT_MIX,
                loops=3 if heavy else MAX_LOOPS,
                stop=stop,
            )
        )
    return out


def _answer(client: WireClient, pkt: Pkt6, expected: int) -> bytes | None:
    """The answer to ``pkt`` (sent again once after 2 s of silence), or None."""
    for _attempt in range(2):
        got = client.exchange(pkt, timeout=2.0)
        if got is not None and got.inner.msg_type == expected:
            return got.data
    return None


def lease_one(client: WireClient, index: int) -> str | None:
    """Solicit / Request for client ``index``; the address granted, or None if unanswered."""
    duid = duid_of(0x5000 + index)
    advertise = _answer(client, message(SOLICIT, duid, [IaSpec(1)], xid=0x1000 + index), ADVERTISE)
    if advertise is None:
        return None
    request = request_from(read_reply(advertise), duid, xid=0x2000 + index)
    reply = _answer(client, request, REPLY)
    if reply is None:
        return None
    granted = [a for a, _pref, valid in addresses_of(read_reply(reply).ias(IA_NA)[0]) if valid]
    return granted[0] if granted else None


def ready(client: WireClient, socket_path: Path) -> bool:
    """DHCP and the UNIX control socket both answer."""
    if not _probe(client):
        return False
    try:
        return bool(unix_command(socket_path, "status-get", timeout=2.0)["result"] == 0)
    except (OSError, ApiError):
        return False


def subnet_lease_count(socket_path: Path) -> tuple[int, set[str]]:
    """(assigned-nas of stat-lease6-get, addresses of lease6-get-all) for the DHCP subnet."""
    stat = send_command(socket_path, "stat-lease6-get", {"subnet-id": DHCP_SUBNET})
    assert stat["result"] == 0, stat
    result_set = stat["arguments"]["result-set"]
    row = dict(zip(result_set["columns"], result_set["rows"][0], strict=True))
    listed = unix_command(socket_path, "lease6-get-all", {"subnets": [DHCP_SUBNET]})
    assert listed["result"] == 0, str(listed)[:300]
    return row["assigned-nas"], {lease["ip-address"] for lease in listed["arguments"]["leases"]}


def check_slow(slow: list[SlowClient], served_until: float, slow_started: float) -> None:
    """Every slow client was cut off by the server, after everyone else had been served."""
    for client in slow:
        assert not client.error, f"{client.label}: {client.error}"
        assert client.cut_off, f"{client.label} was never disconnected: {client.received[:200]!r}"
        assert client.closed_after is not None
        assert slow_started + client.closed_after > served_until, (
            f"{client.label} cut off before the other clients were served"
        )
    by_label = {c.label: c for c in slow}
    assert by_label["http-slow-body"].received.startswith(b"HTTP/1.1 408"), by_label[
        "http-slow-body"
    ].received[:200]
    partial = by_label["unix-partial"].received
    assert b"timed out" in partial and b"discarded partial command" in partial, partial


def test_api_clients_do_not_stall_dhcp(work: Path) -> None:
    require_netns()
    missing = pukeko_daemon_missing()
    if missing:
        pytest.skip(missing)
    socket_path = work / "ctrl.sock"
    with namespace_pair() as (server_ns, client_ns):
        client = WireClient(client_ns, "cli0")
        try:
            with running_server(
                "pukeko",
                server_ns,
                config(work),
                work,
                probe=lambda: ready(client, socket_path),
                ready_timeout=20.0,
            ):
                client.drain()
                preload(socket_path)
                run_load(server_ns, client, socket_path)
        finally:
            client.close()


def run_load(server_ns: str, client: WireClient, socket_path: Path) -> None:
    """Slow clients, API workers and the DHCP client at once; then the checks."""
    slow = slow_clients(server_ns, HTTP_ADDRESS, HTTP_PORT, socket_path, SLOW_DEADLINE)
    slow_started = time.monotonic()
    for one in slow:
        one.start()
    for one in slow:
        assert one.connected.wait(5.0)
    stop = threading.Event()
    api = workers(server_ns, socket_path, stop)
    for worker in api:
        worker.start()
    try:
        granted = [lease_one(client, i) for i in range(EXCHANGES)]
    finally:
        stop.set()
        for worker in api:
            worker.join(timeout=30.0)
    served_until = time.monotonic()
    print(
        f"\nAPI under DHCP: {summarise(api)}, DHCP done after {served_until - slow_started:.1f} s"
    )
    for one in slow:
        one.join(timeout=SLOW_DEADLINE + 5.0)

    assert None not in granted, f"{granted.count(None)} of {EXCHANGES} exchanges unanswered"
    assert len(set(granted)) == EXCHANGES
    problems = [p for w in api for p in w.problems]
    assert not problems, "\n".join(problems[:10])
    assert all(not w.is_alive() for w in api)
    samples = {s.name for w in api for s in w.samples}
    assert {"lease6-get-all", "stat-lease6-get", "subnet6-list", "status-get"} <= samples
    heavy = [w for w in api if w.label in ("http0", "unix0")]
    large = [s for w in heavy for s in w.samples if s.name == "lease6-get-all"]
    assert large, "no large lease6-get-all answer was asked for"
    print("slow clients cut off after", {c.label: c.closed_after for c in slow})
    check_slow(slow, served_until, slow_started)

    assigned, listed = subnet_lease_count(socket_path)
    assert assigned == EXCHANGES
    assert listed == set(granted)
