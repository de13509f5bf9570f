"""Crash test: SIGKILL pukeko-dhcp6 under perfdhcp load; every granted lease is in the lease file.

perfdhcp (-6, unique clients) loads the server from the client namespace over the veth link
while a Python load generator (tests/system/load6.py) runs four-way exchanges for its own
unique clients and records every lease a Reply granted. The server is killed with SIGKILL in
the middle, restarted on the same configuration and lease file, and serves on. Then:

- every lease the generator was granted (before and after the kill) is in the CSV lease file,
  read with pukeko.leases.csvcodec, for the same DUID, IAID and type, unexpired;
- no address or prefix was granted to two clients;
- the restarted server renews a lease granted before the kill with the same address.
"""

from __future__ import annotations

import re
import subprocess
import time
from collections.abc import Iterator
from ipaddress import IPv6Address
from pathlib import Path
from typing import Any

import pytest
from tests.support.dhcp6_client import INFORMATION_REQUEST, RENEW, IaSpec, message, read_reply
from tests.support.dhcp6_wire import WireClient
from tests.support.netns_enter import ip
from tests.support.servers import PUKEKO, RunningServer, start_server
from tests.system.diff6_play import namespace_pair
from tests.system.diff6_script import server_base
from tests.system.load6 import Grant, LoadGenerator
from tests.system.sysreq import pukeko_daemon_missing, require_netns, require_perfdhcp

from pukeko.leases.csvcodec import CODEC6, read_leases
from pukeko.leases.model import Lease6, LeaseType

SERVER_DUID_HEX = "000100012a05f2000a0b0c0d0e0f"
# Servers answer clients at port 546 whatever their source port, so perfdhcp and the generator
# share the port: the generator sends from a second link-local address of its own.
GENERATOR_ADDRESS = "fe80::beef"


def crash_config(workdir: Path) -> dict[str, Any]:
    """A server with large pools and a memfile lease file in ``workdir``."""
    return {
        "Dhcp6": {
            **server_base(workdir / "leases6.csv", "srv0"),
            "preferred-lifetime": 3000,
            "valid-lifetime": 4000,
            "subnet6": [
                {
                    "id": 1,
                    "subnet": "2001:db8:1::/64",
                    "interface": "srv0",
                    "pools": [{"pool": "2001:db8:1::1:0/112"}],
                    "pd-pools": [
                        {"prefix": "2001:db8:100::", "prefix-len": 40, "delegated-len": 64}
                    ],
                }
            ],
            "loggers": [
                {"name": "kea-dhcp6", "output_options": [{"output": "stdout"}], "severity": "WARN"}
            ],
        }
    }


def _probe(client: WireClient) -> bool:
    pkt = message(INFORMATION_REQUEST, None, [], xid=0xFFFFF1)
    return client.exchange(pkt, timeout=0.3) is not None


def _wait(condition: Any, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.02)
    return False


def _lease_file(path: Path) -> dict[int, Lease6]:
    leases: dict[int, Lease6] = {}
    with open(path) as handle:
        read_leases(handle, CODEC6, leases)
    return leases


def _missing(grants: list[Grant], leases: dict[int, Lease6], now: float) -> list[str]:
    problems: list[str] = []
    for grant in grants:
        lease = leases.get(int(grant.address))
        kind = LeaseType.NA if grant.kind == "na" else LeaseType.PD
        if lease is None:
            problems.append(f"{grant.address}/{grant.prefix_len} ({grant.duid.hex()}) not in file")
        elif (lease.duid, lease.iaid, lease.lease_type) != (grant.duid, grant.iaid, kind):
            problems.append(f"{grant.address} belongs to {lease.duid.hex()}/{lease.iaid} in file")
        elif lease.expired(now):
            problems.append(f"{grant.address} is expired in the file")
    return problems


@pytest.fixture
def perfdhcp() -> str:
    """perfdhcp's path (skips without root, perfdhcp or the daemon)."""
    require_netns()
    path = require_perfdhcp()
    missing = pukeko_daemon_missing()
    if missing:
        pytest.skip(missing)
    return path


@pytest.fixture
def processes() -> Iterator[list[subprocess.Popen[bytes] | RunningServer]]:
    """Everything started by the test, stopped at the end whatever happens."""
    started: list[subprocess.Popen[bytes] | RunningServer] = []
    yield started
    for item in reversed(started):
        if isinstance(item, RunningServer):
            item.stop(grace=3.0)
        elif item.poll() is None:
            item.kill()
            item.wait(timeout=10)


def test_sigkill_under_load_loses_no_granted_lease(
    perfdhcp: str, tmp_path: Path, processes: list[Any]
) -> None:
    """Kill -9 mid-run, restart on the same lease file: every granted lease is there."""
    config = crash_config(tmp_path)
    with namespace_pair() as (server_ns, client_ns):
        ip("-n", client_ns, "addr", "add", f"{GENERATOR_ADDRESS}/64", "dev", "cli0", "nodad")
        client = WireClient(client_ns, "cli0", bind_address=GENERATOR_ADDRESS)
        try:
            first = start_server(PUKEKO, server_ns, config, tmp_path, probe=lambda: _probe(client))
            processes.append(first)
            perf_log = open(tmp_path / "perfdhcp.log", "wb")  # noqa: SIM115 - closed below
            perf = subprocess.Popen(
                ["ip", "netns", "exec", client_ns, perfdhcp, "-6", "-l", "cli0",
                 "-R", "1000000", "-r", "300", "-p", "6",
                 "-e", "address-and-prefix"],
                stdout=perf_log, stderr=subprocess.STDOUT,
            )  # fmt: skip
            processes.append(perf)
            load = LoadGenerator(client, in_flight=16, deadline=25.0)
            load.start()
            assert _wait(lambda: load.stats.completed >= 150, 10.0), load.stats
            first.kill()  # SIGKILL in the middle of the load
            killed_at_grants = len(load.grants)
            time.sleep(0.3)
            second = start_server(PUKEKO, server_ns, config, tmp_path, min_sockets=1)
            processes.append(second)
            done_before = load.stats.completed
            assert _wait(lambda: load.stats.completed >= done_before + 150, 12.0), load.stats
            load.stop.set()
            load.join(timeout=10)
            assert not load.is_alive()
            perf.wait(timeout=30)
            perf_log.close()
            grants = list(load.grants)
            renewed = _renew_first_grant(client, grants[0])
        finally:
            client.close()
    perf_out = (tmp_path / "perfdhcp.log").read_text(errors="replace")
    received = re.search(r"received packets: (\d+)", perf_out)
    assert received is not None and int(received.group(1)) > 0, perf_out[-2000:]
    assert killed_at_grants > 0 and len(grants) > killed_at_grants
    assert not load.errors or all("crashed" not in e for e in load.errors), load.errors
    problems = _missing(grants, _lease_file(tmp_path / "leases6.csv"), time.time())
    assert problems == [], f"{len(problems)} granted leases lost: {problems[:10]}"
    owners: dict[tuple[IPv6Address, int], bytes] = {}
    for grant in grants:
        owner = owners.setdefault((grant.address, grant.prefix_len), grant.duid)
        assert owner == grant.duid, f"{grant.address} granted to two clients"
    assert renewed == grants[0].address


def _renew_first_grant(client: WireClient, grant: Grant) -> IPv6Address | None:
    """Renew one pre-kill grant with the restarted server; the address it confirms."""
    client.drain()
    if grant.kind == "na":
        ia = IaSpec(grant.iaid, addresses=[(str(grant.address), 0, 0)])
    else:
        ia = IaSpec(grant.iaid, pd=True, prefixes=[(str(grant.address), grant.prefix_len, 0, 0)])
    pkt = message(RENEW, grant.duid, [ia], xid=0xABCDE, server_id=bytes.fromhex(SERVER_DUID_HEX))
    got = client.exchange(pkt, timeout=2.0)
    if got is None:
        return None
    reply = read_reply(got.data)
    for code in (3, 25):
        for ia_reply in reply.ias(code):
            for address in ia_reply.addresses():
                if address.valid:
                    return IPv6Address(address.address)
            for prefix in ia_reply.prefixes():
                if prefix.valid:
                    return IPv6Address(prefix.prefix)
    return None
