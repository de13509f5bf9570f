"""The DHCPv6 lease commands and stat-lease6-get: Kea 2.2 and Pukeko answer alike.

Both servers run with the same configuration (``libdhcp_lease_cmds.so`` and
``libdhcp_stat_cmds.so`` loaded, a memfile lease file each, DDNS off) in one network namespace,
and get the same command sequence over their UNIX control sockets. Answers are compared after
normalising what legitimately differs: ``cltt`` (the time each server handled the command),
the result-set timestamp, statistic sample timestamps, and the JSON positions Kea appends to
SimpleParser errors (Pukeko has none: ``<wire>:0:0``).
"""

from __future__ import annotations

import contextlib
import copy
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from tests.support.control_socket import send_command
from tests.support.kea import KEA_HOOKS_DIR, kea_namespace
from tests.support.servers import KEA, PUKEKO, pukeko_dhcp6_works, running_server

pytestmark = pytest.mark.kea

DUID = "01:02:03:04:05:06"
POSITION = re.compile(r"<wire>:\d+:\d+")
EXPIRE = 2_000_000_000


def _config(work: Path, kind: str) -> dict[str, Any]:
    hooks = [
        {"library": str(KEA_HOOKS_DIR / "libdhcp_lease_cmds.so")},
        {"library": str(KEA_HOOKS_DIR / "libdhcp_stat_cmds.so")},
    ]
    return {
        "Dhcp6": {
            "interfaces-config": {"interfaces": []},
            "server-id": {
                "type": "EN",
                "enterprise-id": 2495,
                "identifier": "0102",
                "persist": False,
            },
            "control-socket": {"socket-type": "unix", "socket-name": str(work / f"{kind}.sock")},
            "lease-database": {
                "type": "memfile",
                "name": str(work / f"{kind}-leases6.csv"),
                "lfc-interval": 0,
            },
            "hooks-libraries": hooks,
            "subnet6": [
                {
                    "id": 1,
                    "subnet": "2001:db8:1::/64",
                    "pools": [{"pool": "2001:db8:1::10-2001:db8:1::ff"}],
                    "pd-pools": [{"prefix": "3000:1::", "prefix-len": 48, "delegated-len": 64}],
                },
                {"id": 2, "subnet": "2001:db8:2::/64", "valid-lifetime": 1000},
                {"id": 7, "subnet": "2001:db8:7::/64"},
            ],
            "loggers": [
                {
                    "name": "kea-dhcp6",
                    "severity": "INFO",
                    "output_options": [{"output": str(work / f"{kind}.log")}],
                }
            ],
        }
    }


@pytest.fixture(scope="module")
def servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, Path]]:
    """Kea and Pukeko side by side: the paths of their control sockets."""
    if not (KEA_HOOKS_DIR / "libdhcp_lease_cmds.so").exists():
        pytest.skip("Kea's lease_cmds hook library is not installed")
    if not pukeko_dhcp6_works():
        pytest.skip("pukeko-dhcp6 is not installed in .venv")
    work = tmp_path_factory.mktemp("leasecmds")
    with kea_namespace([]) as ns, contextlib.ExitStack() as stack:
        sockets = []
        for kind in (KEA, PUKEKO):
            sock = work / f"{kind}.sock"
            config = _config(work, kind)
            stack.enter_context(
                running_server(kind, ns, config, work / kind, min_sockets=0, probe=sock.exists)
            )
            sockets.append(sock)
        yield sockets[0], sockets[1]


def _normal(value: Any) -> Any:
    """Answers with the server-specific parts made equal."""
    value = copy.deepcopy(value)
    if isinstance(value, dict):
        out = {}
        for key, item in value.items():
            if key == "cltt" and isinstance(item, int):
                out[key] = "<cltt>"
            elif key == "timestamp" and isinstance(item, str):
                out[key] = "<ts>"
            else:
                out[key] = _normal(item)
        return out
    if isinstance(value, list):
        return [_normal(item) for item in value]
    if isinstance(value, str):
        return POSITION.sub("<wire>", value)
    return value


def _samples_only(answer: dict[str, Any]) -> Any:
    """statistic-get's values, without their sample timestamps."""
    return {
        name: [sample[0] for sample in samples] for name, samples in answer["arguments"].items()
    }


def na(address: str, **extra: Any) -> dict[str, Any]:
    return {"ip-address": address, "duid": DUID, "iaid": 7, **extra}


PD = {"ip-address": "3000:1::", "type": "IA_PD", "prefix-len": 64, "subnet-id": 1}
SEQUENCE: list[tuple[str, Any]] = [
    ("lease6-get-all", None),
    ("stat-lease6-get", None),
    (
        "lease6-add",
        na(
            "2001:db8:1::20",
            hostname="one.example.org",
            **{"hw-address": "0a:0b:0c:0d:0e:0f", "user-context": {"a": [1, 2]}},
        ),
    ),
    ("lease6-add", na("2001:db8:1::20")),
    ("lease6-add", na("2001:db8:1::21", state=1, expire=EXPIRE, comment="declined one")),
    ("lease6-add", {**na("3000:1::"), **PD, "valid-lft": 500, "expire": EXPIRE}),
    ("lease6-add", na("2001:db8:2::5", duid="aa:bb", hostname="two.example.org")),
    ("lease6-add", None),
    ("lease6-add", {"duid": DUID}),
    ("lease6-add", na("zz")),
    ("lease6-add", na("192.0.2.1")),
    ("lease6-add", {"ip-address": "2001:db8:1::30", "duid": "xyz", "iaid": 1}),
    ("lease6-add", na("2001:db8:1::30", **{"subnet-id": 9})),
    ("lease6-add", na("2001:db8:1::30", **{"subnet-id": 2})),
    ("lease6-add", na("2001:db8:9::1")),
    ("lease6-add", {**na("3000:1:0:1::"), "type": "IA_PD", "prefix-len": 64}),
    ("lease6-add", na("2001:db8:1::30", state=5)),
    ("lease6-add", na("2001:db8:1::30", iaid=-1)),
    ("lease6-add", na("2001:db8:1::30", expire=10, **{"valid-lft": 100})),
    ("lease6-add", na("2001:db8:1::30", **{"fqdn-fwd": True})),
    ("lease6-add", na("2001:db8:1::30", **{"user-context": 5})),
    ("lease6-get", {"ip-address": "2001:db8:1::20"}),
    ("lease6-get", {"ip-address": "3000:1::", "type": "IA_PD"}),
    ("lease6-get", {"ip-address": "3000:1::"}),
    ("lease6-get", {"identifier-type": "duid", "identifier": DUID, "iaid": 7, "subnet-id": 1}),
    ("lease6-get", {"identifier-type": "duid", "identifier": "aa:bb", "iaid": 7, "subnet-id": 1}),
    ("lease6-get", {"identifier-type": "hw-address", "identifier": "01:02", "subnet-id": 1}),
    ("lease6-get", {"identifier-type": "foo", "identifier": "01:02", "subnet-id": 1}),
    ("lease6-get", {"subnet-id": 1}),
    ("lease6-get", {}),
    ("lease6-get", {"ip-address": "10.0.0.1"}),
    ("lease6-get", {"ip-address": "::1", "type": "XX"}),
    ("lease6-get", None),
    ("lease6-get-all", None),
    ("lease6-get-all", {"subnets": [2, 7]}),
    ("lease6-get-all", {"subnets": [7]}),
    ("lease6-get-all", {}),
    ("lease6-get-all", {"subnets": ["1"]}),
    ("lease6-get-page", {"from": "start", "limit": 2}),
    ("lease6-get-page", {"from": "2001:db8:1::21", "limit": 2}),
    ("lease6-get-page", {"from": "3000:1::", "limit": 2}),
    ("lease6-get-page", {"from": "start", "limit": 0}),
    ("lease6-get-page", {"from": "bogus", "limit": 1}),
    ("lease6-get-page", {"from": "10.0.0.1", "limit": 1}),
    ("lease6-get-page", {"limit": 1}),
    ("lease6-get-by-duid", {"duid": DUID}),
    ("lease6-get-by-duid", {"duid": "ff:ff"}),
    ("lease6-get-by-duid", {}),
    ("lease6-get-by-hostname", {"hostname": "ONE.example.org"}),
    ("lease6-get-by-hostname", {"hostname": ""}),
    ("stat-lease6-get", None),
    ("stat-lease6-get", {"subnet-id": 1}),
    ("stat-lease6-get", {"subnet-id": 3}),
    ("stat-lease6-get", {"subnet-range": {"first-subnet-id": 2, "last-subnet-id": 9}}),
    ("stat-lease6-get", {"subnet-range": {"first-subnet-id": 8, "last-subnet-id": 9}}),
    ("stat-lease6-get", {"subnet-id": 0}),
    ("stat-lease6-get", {"subnet-id": 1, "subnet-range": {}}),
    ("statistic-get", {"name": "subnet[1].assigned-nas"}),
    ("statistic-get", {"name": "declined-addresses"}),
    ("lease6-update", na("2001:db8:1::20", hostname="renamed", expire=EXPIRE)),
    ("lease6-update", na("2001:db8:1::40", expire=EXPIRE)),
    ("lease6-update", na("2001:db8:1::40", expire=EXPIRE, **{"force-create": True})),
    ("lease6-update", na("2001:db8:1::21", state=0, expire=EXPIRE)),
    ("lease6-update", None),
    ("lease6-get", {"ip-address": "2001:db8:1::20"}),
    ("statistic-get", {"name": "subnet[1].assigned-nas"}),
    ("statistic-get", {"name": "declined-addresses"}),
    ("lease6-del", {"ip-address": "2001:db8:1::40"}),
    ("lease6-del", {"ip-address": "2001:db8:1::40"}),
    ("lease6-del", {"identifier-type": "duid", "identifier": "aa:bb", "iaid": 7, "subnet-id": 2}),
    ("lease6-del", {"identifier-type": "hw-address", "identifier": "01:02", "subnet-id": 1}),
    ("lease6-del", {"ip-address": "3000:1::"}),
    (
        "lease6-bulk-apply",
        {
            "deleted-leases": [
                {"ip-address": "2001:db8:1::21"},
                {"ip-address": "2001:db8:1::99"},
                {"identifier-type": "duid", "identifier": "dd", "iaid": 1, "subnet-id": 1},
            ],
            "leases": [
                na("2001:db8:1::50", expire=EXPIRE),
                na("2001:db8:1::20", hostname="again", expire=EXPIRE),
            ],
        },
    ),
    ("lease6-bulk-apply", {"leases": []}),
    ("lease6-bulk-apply", {}),
    ("lease6-bulk-apply", {"leases": [na("2001:db8:1::60"), {"x": 1}]}),
    ("lease6-bulk-apply", {"deleted-leases": 1}),
    ("lease6-get-all", None),
    ("lease6-resend-ddns", {"ip-address": "2001:db8:1::20"}),
    ("lease6-resend-ddns", {"ip-address": "bogus"}),
    ("statistic-get", {"name": "subnet[1].assigned-nas"}),
    ("statistic-get", {"name": "subnet[1].assigned-pds"}),
    ("lease6-wipe", {"subnet-id": 2}),
    ("lease6-wipe", {"subnet-id": "x"}),
    ("lease6-wipe", {"subnet-id": 1}),
    ("lease6-add", na("2001:db8:2::9")),
    ("lease6-wipe", None),
    ("lease6-wipe", None),
    ("statistic-get", {"name": "subnet[1].assigned-nas"}),
    ("statistic-get", {"name": "subnet[2].assigned-nas"}),
    ("statistic-get", {"name": "declined-addresses"}),
    ("stat-lease6-get", None),
    ("lease6-get-all", None),
]


def test_same_answers_as_kea(servers: tuple[Path, Path]) -> None:
    kea_socket, pukeko_socket = servers
    mismatches = []
    for name, arguments in SEQUENCE:
        theirs = send_command(kea_socket, name, arguments)
        ours = send_command(pukeko_socket, name, arguments)
        if name == "statistic-get":
            theirs, ours = _samples_only(theirs), _samples_only(ours)
        if _normal(theirs) != _normal(ours):
            mismatches.append(f"{name} {arguments}:\n  kea:    {theirs}\n  pukeko: {ours}")
    assert not mismatches, "\n".join(mismatches)


def test_lease_commands_listed_like_kea(servers: tuple[Path, Path]) -> None:
    kea_socket, pukeko_socket = servers
    theirs = set(send_command(kea_socket, "list-commands")["arguments"])
    ours = set(send_command(pukeko_socket, "list-commands")["arguments"])
    lease6 = {name for name in theirs if name.startswith(("lease6-", "stat-lease6"))}
    assert lease6 <= ours
    assert {n for n in ours if n.startswith(("lease6-", "stat-lease6"))} - lease6 == {
        "lease6-write"  # Kea 2.4's, not in Kea 2.2
    }


def test_lease_file_has_every_change(servers: tuple[Path, Path]) -> None:
    """The lease file Pukeko wrote (durably, before each answer) loads to what it serves."""
    _kea_socket, pukeko_socket = servers
    copy_path = pukeko_socket.parent / "copy.csv"
    answer = send_command(pukeko_socket, "lease6-write", {"filename": str(copy_path)})
    assert answer == {"result": 0, "text": f"IPv6 lease database into '{copy_path}'."}
    assert copy_path.read_text().startswith("address,duid,valid_lifetime,expire,subnet_id")
