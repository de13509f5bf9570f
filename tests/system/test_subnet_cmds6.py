"""subnet_cmds against a real pukeko-dhcp6 over its UNIX control socket (spec 004's use case).

A daemon in a network namespace gets 1,000 subnets in one ``subnet6-add`` (the time is printed:
run with ``-s`` to see it), serves a relayed client from one of them at once, then
``subnet6-del`` with ``leases-action: delete`` removes the subnet and its lease: the lease file
records the deletion and the statistics no longer count it.
"""

from __future__ import annotations

import time
from ipaddress import IPv6Address
from pathlib import Path
from typing import Any

import pytest
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
from tests.support.dhcp6_wire import RelayClient, WireClient
from tests.support.servers import running_server
from tests.system.diff6_play import _probe, namespace_pair
from tests.system.diff6_script import CLIENT_ADDRESS, SERVER_ADDRESS
from tests.system.sysreq import pukeko_daemon_missing, require_netns

from pukeko.leases.csvcodec import lease6_from_fields

SUBNETS = 1000
FIRST_ID = 100
HOOK = {"library": "/usr/lib/x86_64-linux-gnu/kea/hooks/libdhcp_subnet_cmds.so"}
LEASE_CMDS = {"library": "/usr/lib/x86_64-linux-gnu/kea/hooks/libdhcp_lease_cmds.so"}


def new_subnet(i: int) -> dict[str, Any]:
    """Subnet ``FIRST_ID + i``: 2001:db9:<i>::/64 with a pool, a PD pool and an option."""
    return {
        "id": FIRST_ID + i,
        "subnet": f"2001:db9:{i:x}::/64",
        "pools": [{"pool": f"2001:db9:{i:x}::1000-2001:db9:{i:x}::1fff"}],
        "pd-pools": [{"prefix": f"3001:{i:x}::", "prefix-len": 48, "delegated-len": 56}],
        "option-data": [{"name": "dns-servers", "data": "2001:db8::53"}],
    }


def config(work: Path) -> dict[str, Any]:
    return {
        "Dhcp6": {
            "interfaces-config": {"interfaces": [f"srv0/{SERVER_ADDRESS}"]},  # unicast too
            "lease-database": {
                "type": "memfile",
                "name": str(work / "leases6.csv"),
                "lfc-interval": 0,
            },
            "data-directory": str(work),
            "server-id": {"type": "LLT", "persist": False},
            "control-socket": {"socket-type": "unix", "socket-name": str(work / "ctrl.sock")},
            "hooks-libraries": [HOOK, LEASE_CMDS],
            "subnet6": [
                {
                    "id": 1,
                    "subnet": "2001:db8:1::/64",
                    "interface": "srv0",
                    "pools": [{"pool": "2001:db8:1::100-2001:db8:1::1ff"}],
                }
            ],
            "loggers": [
                {"name": "kea-dhcp6", "severity": "WARN", "output_options": [{"output": "stdout"}]}
            ],
        }
    }


def lease_rows(path: Path) -> dict[str, int]:
    """The valid lifetime of each address's last row in the lease file (0: deleted)."""
    last: dict[str, int] = {}
    for line in path.read_text().splitlines()[1:]:
        if line.strip():
            lease = lease6_from_fields(line.split(","))
            last[str(lease.address)] = lease.valid_lifetime
    return last


def lease_from(relay: RelayClient, link: str, index: int) -> str:
    """Solicit / Request through the relay on ``link``; the address the server leased."""
    duid = duid_of(index)
    hops = [(link, "fe80::1", [])]
    solicit = message(SOLICIT, duid, [IaSpec(1)], xid=0x100 + index)
    advertise = relay.relay(solicit, hops, timeout=2.0)
    assert advertise is not None and advertise.inner.msg_type == ADVERTISE
    request = request_from(read_reply(advertise.data), duid, xid=0x200 + index)
    reply = relay.relay(request, hops, timeout=2.0)
    assert reply is not None and reply.inner.msg_type == REPLY
    leased = read_reply(reply.data).ias(IA_NA)
    addresses = addresses_of(leased[0])
    assert addresses, "no address leased"
    return addresses[0][0]


def test_thousand_subnets_then_delete_with_leases(work: Path) -> None:
    require_netns()
    missing = pukeko_daemon_missing()
    if missing:
        pytest.skip(missing)
    socket_path = work / "ctrl.sock"
    with namespace_pair() as (server_ns, client_ns):
        client = WireClient(client_ns, "cli0")
        relay = RelayClient(client_ns, "cli0", CLIENT_ADDRESS, SERVER_ADDRESS)
        try:
            with running_server(
                "pukeko", server_ns, config(work), work, probe=lambda: _probe(client)
            ):
                started = time.perf_counter()
                added = send_command(
                    socket_path,
                    "subnet6-add",
                    {"subnet6": [new_subnet(i) for i in range(SUBNETS)]},
                    timeout=60,
                )
                elapsed = time.perf_counter() - started
                print(f"\nsubnet6-add of {SUBNETS} subnets: {elapsed:.3f} s over the socket")
                assert added["result"] == 0, added
                assert added["text"] == f"{SUBNETS} IPv6 subnets added"
                listed = send_command(socket_path, "subnet6-list")
                assert len(listed["arguments"]["subnets"]) == SUBNETS + 1

                target = 500
                link = f"2001:db9:{target:x}::1"
                address = lease_from(relay, link, 1)
                assert IPv6Address(address) in [
                    IPv6Address(f"2001:db9:{target:x}::1000") + n for n in range(0x1000)
                ]
                sid = FIRST_ID + target
                stat = send_command(
                    socket_path, "statistic-get", {"name": f"subnet[{sid}].assigned-nas"}
                )
                assert stat["arguments"][f"subnet[{sid}].assigned-nas"][0][0] == 1
                assert lease_rows(work / "leases6.csv")[address] > 0

                deleted = send_command(
                    socket_path, "subnet6-del", {"id": sid, "leases-action": "delete"}
                )
                assert deleted["result"] == 0, deleted
                assert deleted["text"] == f"IPv6 subnet 2001:db9:{target:x}::/64 (id {sid}) deleted"
                assert lease_rows(work / "leases6.csv")[address] == 0  # deletion recorded
                gone = send_command(socket_path, "lease6-get", {"ip-address": address})
                assert gone["result"] == 3, gone
                stat = send_command(
                    socket_path, "statistic-get", {"name": f"subnet[{sid}].assigned-nas"}
                )
                assert stat["arguments"] == {}
                nearby = lease_from(relay, f"2001:db9:{target + 1:x}::1", 2)
                assert nearby.startswith(f"2001:db9:{target + 1:x}::")
        finally:
            client.close()
            relay.close()
