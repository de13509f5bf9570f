"""network6-* commands (subnet_cmds shared networks) against an in-process daemon."""

from __future__ import annotations

import json
from ipaddress import IPv6Address
from pathlib import Path
from typing import Any

import pytest
from tests.support.control_daemon6 import T0, Running, run_daemon

from pukeko.io.daemon_stats import commit_statistics
from pukeko.leases.model import ChangeKind, Lease6, LeaseChange, LeaseState, LeaseType

FLOOR1 = {
    "name": "floor1",
    "valid-lifetime": 600,
    "subnet6": [
        {"id": 10, "subnet": "2001:db8:a::/64", "pools": [{"pool": "2001:db8:a::/120"}]},
        {"id": 11, "subnet": "2001:db8:b::/64"},
    ],
}


def run(tmp: Path, test: Any) -> None:
    run_daemon(tmp, test, **{"shared-networks": [FLOOR1]})


def network_of(r: Running, subnet_id: int) -> str:
    sub = r.daemon.running_config().subnet(subnet_id)
    assert sub is not None
    return sub.shared_network


def test_list_and_get(tmp_path: Path) -> None:
    async def check(r: Running) -> None:
        assert await r.command("network6-list") == {
            "arguments": {"shared-networks": [{"name": "floor1"}]},
            "result": 0,
            "text": "1 IPv6 network found",
        }
        got = await r.command("network6-get", {"name": "floor1"})
        assert got["result"] == 0
        assert got["text"] == "Info about IPv6 shared network 'floor1' returned"
        net = got["arguments"]["shared-networks"][0]
        assert net["name"] == "floor1" and net["valid-lifetime"] == 600
        assert [s["id"] for s in net["subnet6"]] == [10, 11]
        assert all("reservations" not in s for s in net["subnet6"])

    run(tmp_path, check)


@pytest.mark.parametrize(
    ("arguments", "result", "text"),
    [
        (None, 1, "no arguments specified for the 'network6-get' command"),
        ({}, 1, "invalid 'network6-get': missing mandatory 'name' parameter"),
        ({"name": 3}, 1, "'name' parameter must be a string"),
        ({"name": "x"}, 3, "No 'x' shared network found"),
    ],
)
def test_get_errors(tmp_path: Path, arguments: Any, result: int, text: str) -> None:
    async def check(r: Running) -> None:
        assert await r.command("network6-get", arguments) == {"result": result, "text": text}

    run(tmp_path, check)


def test_list_empty(tmp_path: Path) -> None:
    async def check(r: Running) -> None:
        assert await r.command("network6-list") == {
            "arguments": {"shared-networks": []},
            "result": 3,
            "text": "0 IPv6 networks found",
        }

    run_daemon(tmp_path, check)


def test_add_network_with_subnets(tmp_path: Path) -> None:
    new = {
        "name": "floor13",
        "subnet6": [
            {"id": 100, "subnet": "2003:db8:1::/64", "pools": [{"pool": ""
             "2003:db8:1::1-2003:db8:1::ff"}]},
            {"id": 101, "subnet": "2003:db8:2::/64"},
        ],
    }  # fmt: skip

    async def check(r: Running) -> None:
        got = await r.command("network6-add", {"shared-networks": [new]})
        assert got == {
            "arguments": {"shared-networks": [{"name": "floor13"}]},
            "result": 0,
            "text": "A new IPv6 shared network 'floor13' added",
        }
        assert network_of(r, 100) == "floor13" and network_of(r, 10) == "floor1"
        assert r.stat("subnet[100].total-nas") == 255
        again = await r.command("network6-add", {"shared-networks": [new]})
        assert again == {
            "result": 1,
            "text": "duplicate network 'floor13' found in the configuration",
        }
        clash = {"name": "floor14", "subnet6": [{"id": 10, "subnet": "2003:db8:9::/64"}]}
        got = await r.command("network6-add", {"shared-networks": [clash]})
        assert got == {"result": 1, "text": "ID of the new IPv6 subnet '10' is already in use"}
        assert [n.name for n in r.daemon.running_config().shared_networks] == ["floor1", "floor13"]

    run(tmp_path, check)


@pytest.mark.parametrize(
    ("arguments", "text"),
    [
        ({"x": 1}, "missing 'shared-networks' argument for the 'network6-add' command"),
        ({"shared-networks": {}},
         "'shared-networks' argument specified for the 'network6-add' command is not a list"),
        ({"shared-networks": []},
         "invalid number of networks specified for the 'network6-add' command. Expected one "
          "network"),
        ({"shared-networks": [1]},
         "invalid network information specified for the'network6-add' command. Expected a map"),
        ({"shared-networks": [{"name": "n", "valid-lifetime": "x"}]},
         "shared-networks[0].valid-lifetime"),
    ],
)  # fmt: skip
def test_add_errors(tmp_path: Path, arguments: Any, text: str) -> None:
    async def check(r: Running) -> None:
        got = await r.command("network6-add", arguments)
        assert got["result"] == 1 and text in got["text"]

    run(tmp_path, check)


def test_del_keeps_or_deletes_subnets(tmp_path: Path) -> None:
    async def check(r: Running) -> None:
        got = await r.command("network6-del", {"name": "floor1"})
        assert got == {
            "arguments": {"shared-networks": [{"name": "floor1"}]},
            "result": 0,
            "text": "IPv6 shared network 'floor1' deleted",
        }
        assert network_of(r, 10) == "" and network_of(r, 11) == ""
        assert r.stat("subnet[10].total-nas") == 256
        add = {
            "shared-networks": [
                {"name": "n2", "subnet6": [{"id": 20, "subnet": "2001:db8:20::/64"}]}
            ]
        }
        assert (await r.command("network6-add", add))["result"] == 0
        got = await r.command("network6-del", {"name": "n2", "subnets-action": "delete"})
        assert got["result"] == 0
        assert sorted(r.daemon.running_config().subnets_by_id) == [1, 10, 11]

    run(tmp_path, check)


@pytest.mark.parametrize(
    ("arguments", "result", "text"),
    [
        ({"id": 1}, 1, "network name ('name') is required for the 'network6-del' command"),
        ({"name": 1}, 1, "network name ('name') specified for the 'network6-del' is not a string"),
        ({"name": "floor1", "subnets-action": "drop"}, 1,
         "Invalid value for subnets-action parameter: drop, Supported values: 'keep' and "
          "'delete'."),
        ({"name": "nope"}, 3, "no shared network with name 'nope' found"),
    ],
)  # fmt: skip
def test_del_errors(tmp_path: Path, arguments: Any, result: int, text: str) -> None:
    async def check(r: Running) -> None:
        assert await r.command("network6-del", arguments) == {"result": result, "text": text}

    run(tmp_path, check)


def test_subnet_add_and_del(tmp_path: Path) -> None:
    async def check(r: Running) -> None:
        got = await r.command("network6-subnet-add", {"name": "floor1", "id": 1})
        assert got == {
            "result": 0,
            "text": "IPv6 subnet 2001:db8:1::/64 (id 1) is now part of shared network 'floor1'",
        }
        assert network_of(r, 1) == "floor1"
        got = await r.command("network6-subnet-del", {"name": "floor1", "id": 10})
        assert got == {
            "result": 0,
            "text": "IPv6 subnet 2001:db8:a::/64 (id 10) is now removed from shared network "
            "'floor1'",
        }
        assert network_of(r, 10) == ""
        sub = r.daemon.running_config().subnet(10)
        assert sub is not None and sub.params.valid_lifetime.default == 600  # kept, as Kea
        assert r.stat("subnet[10].total-nas") == 256

    run(tmp_path, check)


@pytest.mark.parametrize(
    ("command", "arguments", "result", "text"),
    [
        ("network6-subnet-add", {"id": 1}, 1, "missing 'name' argument for the "
         "'network6-subnet-add' command"),
        ("network6-subnet-add", {"name": 1, "id": 1}, 1,
         "'name' argument specified for the 'network6-subnet-add' command is not a string"),
        ("network6-subnet-add", {"name": "floor1"}, 1,
         "missing 'id' argument for the 'network6-subnet-add' command"),
        ("network6-subnet-add", {"name": "floor1", "id": "1"}, 1,
         "'name' argument specified for the 'network6-subnet-add' command is not an integer"),
        ("network6-subnet-add", {"name": "x", "id": 1}, 3, "no IPv6 shared network with name "
         "'x' found"),
        ("network6-subnet-add", {"name": "floor1", "id": 9}, 3, "no IPv6 subnet with id '9' found"),
        ("network6-subnet-add", {"name": "floor1", "id": 10}, 1,
         "subnet 10 being added to a shared network already belongs to a shared network"),
        ("network6-subnet-del", {"name": "x", "id": 1}, 3, "no IPv6 shared network with name "
         "'x' found"),
        ("network6-subnet-del", {"name": "floor1", "id": 1}, 3,
         "The IPv6 subnet with id 1 is not part of the shared network with name 'floor1' found"),
    ],
)  # fmt: skip
def test_subnet_add_del_errors(
    tmp_path: Path, command: str, arguments: Any, result: int, text: str
) -> None:
    async def check(r: Running) -> None:
        assert await r.command(command, arguments) == {"result": result, "text": text}

    run(tmp_path, check)


# -- network6-del subnets-action delete with leases-action / reservations-action (Pukeko) -------

HOSTED = {
    "name": "hosted",
    "subnet6": [
        {
            "id": 30,
            "subnet": "2001:db8:30::/64",
            "pools": [{"pool": "2001:db8:30::/120"}],
            "reservations": [{"duid": "01:02:03", "ip-addresses": ["2001:db8:30::99"]}],
        },
        {"id": 31, "subnet": "2001:db8:31::/64", "pools": [{"pool": "2001:db8:31::/120"}]},
    ],
}
HOST_HOOK = {"library": "/usr/lib/x86_64-linux-gnu/kea/hooks/libdhcp_host_cmds.so"}


def na_lease(address: str, subnet_id: int, state: LeaseState = LeaseState.DEFAULT) -> Lease6:
    return Lease6(
        IPv6Address(address), LeaseType.NA, 128, b"\x00\x01\x02", 7, subnet_id, 3600, 1800,
        int(T0), state=state,
    )  # fmt: skip


async def lease_up(r: Running) -> None:
    """Leases in subnets 30 (one declined), 31 and 1; statistics recounted."""
    await r.daemon._write(
        [
            LeaseChange(ChangeKind.ADD, na_lease("2001:db8:30::10", 30)),
            LeaseChange(ChangeKind.ADD, na_lease("2001:db8:30::11", 30, LeaseState.DECLINED)),
            LeaseChange(ChangeKind.ADD, na_lease("2001:db8:31::10", 31)),
            LeaseChange(ChangeKind.ADD, na_lease("2001:db8:1::10", 1)),
        ]
    )
    assert r.daemon.store is not None
    commit_statistics(r.daemon.stats, r.daemon.running_config(), r.daemon.store.view, T0)


def leases_in(r: Running, subnet_id: int) -> int:
    assert r.daemon.store is not None
    return len(list(r.daemon.store.view.by_subnet(subnet_id)))


def run_hosted(tmp: Path, test: Any) -> None:
    hooks = [{"library": "/opt/libdhcp_subnet_cmds.so"}, HOST_HOOK]
    run_daemon(tmp, test, **{"shared-networks": [HOSTED], "hooks-libraries": hooks})


def test_del_subnets_with_leases_action_delete(tmp_path: Path) -> None:
    async def check(r: Running) -> None:
        await lease_up(r)
        assert r.stat("declined-addresses") == 1 and r.stat("subnet[30].assigned-nas") == 2
        arguments = {"name": "hosted", "subnets-action": "delete", "leases-action": "delete"}
        got = await r.command("network6-del", arguments)
        assert got == {
            "arguments": {"shared-networks": [{"name": "hosted"}]},
            "result": 0,
            "text": "IPv6 shared network 'hosted' deleted",
        }
        assert sorted(r.daemon.running_config().subnets_by_id) == [1]
        assert leases_in(r, 30) == leases_in(r, 31) == 0
        assert leases_in(r, 1) == 1
        assert r.stat("declined-addresses") == 0
        assert r.stat("subnet[30].assigned-nas") is None
        assert r.stat("subnet[31].assigned-nas") is None
        assert r.stat("subnet[1].assigned-nas") == 1

    run_hosted(tmp_path, check)


def test_del_subnets_keeps_leases_and_reservations_by_default(tmp_path: Path) -> None:
    async def check(r: Running) -> None:
        await lease_up(r)
        got = await r.command("network6-del", {"name": "hosted", "subnets-action": "delete"})
        assert got["result"] == 0
        assert leases_in(r, 30) == 2 and leases_in(r, 31) == 1
        assert r.daemon.hosts is not None and len(r.daemon.hosts) == 0
        by_duid = {"subnet-id": 30, "identifier-type": "duid", "identifier": "01:02:03"}
        assert (await r.command("reservation-get", by_duid))["result"] == 0
        # the kept reservation comes back with a network bringing subnet 30 again
        again = {"shared-networks": [{"name": "again", "subnet6": [HOSTED["subnet6"][1]]}]}
        assert (await r.command("network6-add", again))["result"] == 0
        assert len(r.daemon.hosts) == 0  # subnet 31 had none
        back = {"name": "back", "subnet6": [{"id": 30, "subnet": "2001:db8:30::/64"}]}
        assert (await r.command("network6-add", {"shared-networks": [back]}))["result"] == 0
        assert len(r.daemon.hosts) == 1
        assert (await r.command("reservation-get", by_duid))["text"] == "Host found."

    run_hosted(tmp_path, check)


def test_del_subnets_with_reservations_action_delete(tmp_path: Path) -> None:
    async def check(r: Running) -> None:
        arguments = {"name": "hosted", "subnets-action": "delete", "reservations-action": "delete"}
        assert (await r.command("network6-del", arguments))["result"] == 0
        assert (await r.command("subnet6-add", {"subnet6": [HOSTED["subnet6"][1]]}))["result"] == 0
        plain = {"id": 30, "subnet": "2001:db8:30::/64"}
        assert (await r.command("subnet6-add", {"subnet6": [plain]}))["result"] == 0
        assert r.daemon.hosts is not None and len(r.daemon.hosts) == 0

    run_hosted(tmp_path, check)


def test_del_keeping_subnets_ignores_leases_action(tmp_path: Path) -> None:
    async def check(r: Running) -> None:
        await lease_up(r)
        arguments = {"name": "hosted", "leases-action": "delete", "reservations-action": "delete"}
        assert (await r.command("network6-del", arguments))["result"] == 0
        assert sorted(r.daemon.running_config().subnets_by_id) == [1, 30, 31]
        assert leases_in(r, 30) == 2 and leases_in(r, 31) == 1
        assert r.daemon.hosts is not None and len(r.daemon.hosts) == 1
        assert r.stat("subnet[30].assigned-nas") == 2  # a declined lease counts too (Kea)
        assert r.stat("declined-addresses") == 1

    run_hosted(tmp_path, check)


@pytest.mark.parametrize(
    ("arguments", "text"),
    [
        ({"name": "hosted", "leases-action": 1}, "leases-action parameter for network6-del "
         "command must be a string. Supported values are: 'keep' and 'delete'."),
        ({"name": "hosted", "reservations-action": "x"}, "Invalid value for reservations-action "
         "parameter: x, Supported values: 'keep' and 'delete'."),
    ],
)  # fmt: skip
def test_del_action_errors(tmp_path: Path, arguments: Any, text: str) -> None:
    async def check(r: Running) -> None:
        assert await r.command("network6-del", arguments) == {"result": 1, "text": text}
        assert sorted(r.daemon.running_config().subnets_by_id) == [1, 30, 31]

    run_hosted(tmp_path, check)


# -- kept reservations live in the configuration (user-context) ---------------------------------

KEPT = "pukeko-kept-reservations"


async def kept_shown(r: Running) -> Any:
    """config-get's kept reservations (None when there are none)."""
    shown = (await r.command("config-get"))["arguments"]["Dhcp6"]
    return shown.get("user-context", {}).get(KEPT)


def test_del_subnets_keeps_reservations_in_the_configuration(tmp_path: Path) -> None:
    written = tmp_path / "written.json"

    async def check(r: Running) -> None:
        got = await r.command("network6-del", {"name": "hosted", "subnets-action": "delete"})
        assert got["result"] == 0
        kept = await kept_shown(r)
        assert list(kept) == ["30"]  # subnet 31 had no reservations
        assert [(h["duid"], h["ip-addresses"]) for h in kept["30"]] == [
            ("01:02:03", ["2001:db8:30::99"])
        ]
        assert (await r.command("config-write", {"filename": str(written)}))["result"] == 0
        on_disk = json.loads(written.read_text())["Dhcp6"]
        assert on_disk["user-context"][KEPT] == kept
        back = {"name": "back", "subnet6": [{"id": 30, "subnet": "2001:db8:30::/64"}]}
        assert (await r.command("network6-add", {"shared-networks": [back]}))["result"] == 0
        assert r.daemon.hosts is not None and len(r.daemon.hosts) == 1
        assert await kept_shown(r) is None

    run_hosted(tmp_path, check)


def test_del_subnets_with_reservations_action_delete_keeps_nothing(tmp_path: Path) -> None:
    async def check(r: Running) -> None:
        arguments = {"name": "hosted", "subnets-action": "delete", "reservations-action": "delete"}
        assert (await r.command("network6-del", arguments))["result"] == 0
        assert await kept_shown(r) is None

    run_hosted(tmp_path, check)


def test_add_with_its_own_reservations_replaces_the_kept_ones(tmp_path: Path) -> None:
    own = {"duid": "0a:0b:0c", "ip-addresses": ["2001:db8:30::77"]}

    async def check(r: Running) -> None:
        assert (await r.command("network6-del", {"name": "hosted", "subnets-action": "delete"}))[
            "result"
        ] == 0
        sub = {"id": 30, "subnet": "2001:db8:30::/64", "reservations": [own]}
        back = {"name": "back", "subnet6": [sub]}
        assert (await r.command("network6-add", {"shared-networks": [back]}))["result"] == 0
        assert await kept_shown(r) is None
        by_old = {"subnet-id": 30, "identifier-type": "duid", "identifier": "01:02:03"}
        assert (await r.command("reservation-get", by_old))["result"] == 3
        by_own = {"subnet-id": 30, "identifier-type": "duid", "identifier": "0a:0b:0c"}
        assert (await r.command("reservation-get", by_own))["result"] == 0

    run_hosted(tmp_path, check)


def test_refused_network_add_changes_no_kept_reservations(tmp_path: Path) -> None:
    async def check(r: Running) -> None:
        assert (await r.command("network6-del", {"name": "hosted", "subnets-action": "delete"}))[
            "result"
        ] == 0
        before = await kept_shown(r)
        bad = {"name": "back", "subnet6": [{"id": 30, "subnet": "2001:db8:30::/64"}, {"id": 1}]}
        assert (await r.command("network6-add", {"shared-networks": [bad]}))["result"] == 1
        assert await kept_shown(r) == before

    run_hosted(tmp_path, check)
