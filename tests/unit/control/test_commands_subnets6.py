"""subnet6-* commands (subnet_cmds) against an in-process daemon: answers, config and statistics."""

from __future__ import annotations

import asyncio
import json
from ipaddress import IPv6Address
from pathlib import Path
from typing import Any

import pytest
from tests.support.control_daemon6 import T0, Clock, Running, new_daemon, run_daemon
from tests.support.kea import kea_binary, kea_check

from pukeko.hosts.model import IdentifierType
from pukeko.io.daemon_stats import commit_statistics
from pukeko.leases.model import ChangeKind, Lease6, LeaseChange, LeaseState, LeaseType


def subnet(i: int, **extra: Any) -> dict[str, Any]:
    """A subnet 2001:db8:<i>::/64 with a 16-address pool, a /56 PD pool and an option."""
    return {
        "id": i,
        "subnet": f"2001:db8:{i:x}::/64",
        "pools": [{"pool": f"2001:db8:{i:x}::100-2001:db8:{i:x}::10f"}],
        "pd-pools": [{"prefix": f"3000:{i:x}::", "prefix-len": 56, "delegated-len": 64}],
        "option-data": [{"name": "dns-servers", "data": "2001:db8::53"}],
        **extra,
    }


def lease(address: str, subnet_id: int, state: LeaseState = LeaseState.DEFAULT) -> Lease6:
    return Lease6(
        IPv6Address(address), LeaseType.NA, 128, b"\x00\x01\x02", 7, subnet_id, 3600, 1800,
        int(T0), state=state,
    )  # fmt: skip


def run(tmp: Path, test: Any, **overrides: Any) -> None:
    run_daemon(tmp, test, **overrides)


def ids(r: Running) -> list[int]:
    return sorted(r.daemon.running_config().subnets_by_id)


# -- list / get -------------------------------------------------------------------------------


def test_list_and_get(tmp_path: Path) -> None:
    async def check(r: Running) -> None:
        got = await r.command("subnet6-list")
        assert got == {
            "arguments": {"subnets": [{"id": 1, "subnet": "2001:db8:1::/64"}]},
            "result": 0,
            "text": "1 IPv6 subnet found",
        }
        by_id = await r.command("subnet6-get", {"id": 1})
        assert by_id["result"] == 0
        assert by_id["text"] == "Info about IPv6 subnet 2001:db8:1::/64 (id 1) returned"
        shown = by_id["arguments"]["subnet6"][0]
        assert shown["id"] == 1 and shown["pools"][0]["pool"] == "2001:db8:1::10 - 2001:db8:1::1f"
        assert "reservations" not in shown
        by_prefix = await r.command("subnet6-get", {"subnet": "2001:db8:1:0::/64"})
        assert by_prefix["arguments"] == by_id["arguments"]

    run(tmp_path, check)


@pytest.mark.parametrize(
    ("arguments", "result", "text"),
    [
        (None, 1, "no arguments specified for the 'subnet6-get' command"),
        ([1], 1, "arguments specified for the 'subnet6-get' command are not a map"),
        ({"id": 1, "subnet": "x"}, 1,
         "invalid number of arguments 2 for the 'subnet6-get' command. Expecting 'id' or 'subnet'"),
        ({"subnet": 5}, 1, "'subnet' parameter must be a string"),
        ({"id": "1"}, 1, "'id' parameter must be an integer"),
        ({"name": 1}, 1, "'id' or 'subnet' parameter required"),
        ({"id": 7}, 3, "No subnet with id 7 found"),
        ({"subnet": "2001:db8:9::/64"}, 3, "No 2001:db8:9::/64 subnet found"),
        ({"subnet": "10.0.0.0/8"}, 3, "No 10.0.0.0/8 subnet found"),
    ],
)  # fmt: skip
def test_get_errors(tmp_path: Path, arguments: Any, result: int, text: str) -> None:
    async def check(r: Running) -> None:
        assert await r.command("subnet6-get", arguments) == {"result": result, "text": text}

    run(tmp_path, check)


def test_list_without_subnets_is_empty(tmp_path: Path) -> None:
    async def check(r: Running) -> None:
        assert await r.command("subnet6-list") == {
            "arguments": {"subnets": []},
            "result": 3,
            "text": "0 IPv6 subnets found",
        }

    run(tmp_path, check, subnet6=[])


def test_commands_exist_only_with_the_hook(tmp_path: Path) -> None:
    async def check(r: Running) -> None:
        got = await r.command("subnet6-list")
        assert got == {"result": 2, "text": "'subnet6-list' command not supported."}
        assert "network6-add" not in r.daemon.registry.names()

    run(tmp_path, check, **{"hooks-libraries": []})


# -- add --------------------------------------------------------------------------------------


def test_add_one_and_many_at_once(tmp_path: Path) -> None:
    async def check(r: Running) -> None:
        one = await r.command("subnet6-add", {"subnet6": [subnet(2)]})
        assert one == {
            "arguments": {"subnets": [{"id": 2, "subnet": "2001:db8:2::/64"}]},
            "result": 0,
            "text": "IPv6 subnet added",
        }
        many = await r.command("subnet6-add", {"subnet6": [subnet(i) for i in range(3, 53)]})
        assert many["result"] == 0 and many["text"] == "50 IPv6 subnets added"
        assert [s["id"] for s in many["arguments"]["subnets"]] == list(range(3, 53))
        assert ids(r) == list(range(1, 53))
        assert r.stat("subnet[2].total-nas") == 16
        assert r.stat("subnet[52].total-pds") == 256
        assert r.stat("subnet[52].assigned-nas") == 0
        assert r.stat("subnet[52].cumulative-assigned-pds") == 0
        shown = (await r.command("subnet6-get", {"id": 30}))["arguments"]["subnet6"][0]
        assert shown["option-data"][0]["code"] == 23
        assert shown["valid-lifetime"] == 7200  # the global default

    run(tmp_path, check)


def test_add_keeps_statistics_of_other_subnets(tmp_path: Path) -> None:
    async def check(r: Running) -> None:
        r.daemon.stats.set("subnet[1].cumulative-assigned-nas", 5, T0)
        assert (await r.command("subnet6-add", {"subnet6": [subnet(2)]}))["result"] == 0
        assert r.stat("subnet[1].cumulative-assigned-nas") == 5
        assert r.stat("subnet[1].total-nas") == 16

    run(tmp_path, check)


def test_add_assigns_missing_ids_above_those_in_use(tmp_path: Path) -> None:
    async def check(r: Running) -> None:
        entries = [
            subnet(7),
            {**subnet(8), "id": 0},
            {k: v for k, v in subnet(9).items() if k != "id"},
        ]
        got = await r.command("subnet6-add", {"subnet6": entries})
        assert [s["id"] for s in got["arguments"]["subnets"]] == [7, 8, 9]

    run(tmp_path, check)


def test_add_is_atomic_and_reports_every_error(tmp_path: Path) -> None:
    async def check(r: Running) -> None:
        bad = [
            subnet(2),
            subnet(3, pools=[{"pool": "nonsense"}]),
            subnet(4, **{"valid-lifetime": "x"}),
        ]
        got = await r.command("subnet6-add", {"subnet6": bad})
        assert got["result"] == 1
        lines = got["text"].split("\n")
        assert any(
            line.startswith("subnet6[1].pools[0].pool: invalid pool definition") for line in lines
        )
        assert any("subnet6[2].valid-lifetime" in line for line in lines)
        assert ids(r) == [1]  # nothing added
        assert r.stat("subnet[2].total-nas") is None

    run(tmp_path, check)


@pytest.mark.parametrize(
    ("entries", "text"),
    [
        ([subnet(1)], "ID of the new IPv6 subnet '1' is already in use"),
        ([subnet(5, subnet="2001:db8:1::/64", pools=[])],
         "subnet with the prefix of '2001:db8:1::/64' already exists"),
        ([subnet(5), subnet(5, subnet="2001:db8:6::/64", pools=[], **{"pd-pools": []})],
         "ID of the new IPv6 subnet '5' is already in use"),
    ],
)  # fmt: skip
def test_add_refuses_duplicates(tmp_path: Path, entries: list[Any], text: str) -> None:
    async def check(r: Running) -> None:
        got = await r.command("subnet6-add", {"subnet6": entries})
        assert got["result"] == 1 and text in got["text"]
        assert ids(r) == [1]

    run(tmp_path, check)


@pytest.mark.parametrize(
    ("arguments", "text"),
    [
        (None, "no arguments specified for the 'subnet6-add' command"),
        ("x", "arguments specified for the 'subnet6-add' command are not a map"),
        ({"subnet6": [], "x": 1},
         "invalid number of arguments 2 for the 'subnet6-add' command. Expecting 'subnet6' list"),
        ({"subnet4": []}, "missing 'subnet6' argument for the 'subnet6-add' command"),
        ({"subnet6": {}}, "'subnet6' argument specified for the 'subnet6-add' command is not a "
         "list"),
        ({"subnet6": []}, "invalid number of subnets specified for the 'subnet6-add' command. "
         "Expected at least one subnet"),
        ({"subnet6": [1]},
         "invalid subnet information specified for the'subnet6-add' command. Expected a map"),
        ({"subnet6": [subnet(2, reservations=[])]},
         "must not specify host reservations with 'subnet6-add'. Use 'reservation-add' to add "
         "a reservation to a subnet"),
    ],
)  # fmt: skip
def test_add_argument_errors(tmp_path: Path, arguments: Any, text: str) -> None:
    async def check(r: Running) -> None:
        assert await r.command("subnet6-add", arguments) == {"result": 1, "text": text}

    run(tmp_path, check)


# -- update and delta -------------------------------------------------------------------------


def test_update_replaces_the_subnet_and_keeps_reservations(tmp_path: Path) -> None:
    host = {"duid": "01:02:03", "ip-addresses": ["2001:db8:1::99"]}
    first = {**subnet(1), "reservations": [host]}

    async def check(r: Running) -> None:
        got = await r.command("subnet6-update", {"subnet6": [subnet(1, **{"valid-lifetime": 900})]})
        assert got == {
            "arguments": {"subnets": [{"id": 1, "subnet": "2001:db8:1::/64"}]},
            "result": 0,
            "text": "IPv6 subnet updated",
        }
        running = r.daemon.running_config().subnet(1)
        assert running is not None and running.params.valid_lifetime.default == 900
        assert [str(a) for a in running.reservations[0].ip_addresses] == ["2001:db8:1::99"]
        assert r.stat("subnet[1].total-nas") == 16

    run(tmp_path, check, subnet6=[first])


@pytest.mark.parametrize(
    ("entry", "text"),
    [
        ({"subnet": "2001:db8:1::/64"}, "must specify subnet id with 'subnet6-update' command."),
        ({"id": 0, "subnet": "2001:db8:1::/64"},
         "The 'id' value (0) is not within expected range: (1 - 4294967294)"),
        ({"id": 9, "subnet": "2001:db8:9::/64"}, "Can't find subnet '9' to update"),
        ({"id": 1, "reservations": []}, "must not specify host reservations with "
         "'subnet6-update'."),
    ],
)  # fmt: skip
def test_update_errors(tmp_path: Path, entry: Any, text: str) -> None:
    async def check(r: Running) -> None:
        assert await r.command("subnet6-update", {"subnet6": [entry]}) == {
            "result": 1,
            "text": text,
        }
        many = await r.command("subnet6-update", {"subnet6": [subnet(1), subnet(1)]})
        assert many["text"].endswith("Expected one subnet")

    run(tmp_path, check)


def test_update_refused_by_the_checks_keeps_the_running_subnet(tmp_path: Path) -> None:
    async def check(r: Running) -> None:
        broken = subnet(1, pools=[{"pool": "2001:db8:2::1-2001:db8:2::5"}])
        got = await r.command("subnet6-update", {"subnet6": [broken]})
        assert got["result"] == 1 and "subnet6[0].pools[0]" in got["text"]
        pools = r.daemon.running_config().subnets_by_id[1].pools
        assert pools[0].text == "2001:db8:1::10 - 2001:db8:1::1f"

    run(tmp_path, check)


def test_delta_add_and_delta_del(tmp_path: Path) -> None:
    async def check(r: Running) -> None:
        change = {
            "id": 1,
            "subnet": "2001:db8:1::/64",
            "valid-lifetime": 120,
            "option-data": [{"name": "dns-servers", "data": "2001:db8::1"}],
            "pools": [
                {"pool": "2001:db8:1::10-2001:db8:1::1f",  # the running pool, other spelling
                 "option-data": [{"code": 31, "data": "2001:db8::123"}]},
                {"pool": "2001:db8:1::100/120"},
            ],
            "pd-pools": [{"prefix": "2001:db8:9::", "prefix-len": 56, "delegated-len": 60}],
        }  # fmt: skip
        got = await r.command("subnet6-delta-add", {"subnet6": [change]})
        assert got["result"] == 0 and got["text"] == "IPv6 subnet updated"
        sub = r.daemon.running_config().subnets_by_id[1]
        assert sub.params.valid_lifetime.default == 120
        assert [o.code for o in sub.option_data] == [23]
        assert len(sub.pools) == 2 and [o.code for o in sub.pools[0].option_data] == [31]
        assert len(sub.pd_pools) == 2
        assert r.stat("subnet[1].total-nas") == 16 + 256
        remove = {
            "id": 1,
            "subnet": "2001:db8:1::/64",
            "valid-lifetime": 0,
            "option-data": [{"name": "dns-servers"}],
            "pools": [
                {"pool": "2001:db8:1::10 - 2001:db8:1::1f", "option-data": [{"code": 31}]},
                {"pool": "2001:db8:1::100-2001:db8:1::1ff"},
            ],
            "pd-pools": [{"prefix": "2001:db8:9:0::", "prefix-len": 56, "delegated-len": 60}],
        }
        got = await r.command("subnet6-delta-del", {"subnet6": [remove]})
        assert got["result"] == 0, got
        sub = r.daemon.running_config().subnets_by_id[1]
        assert sub.params.valid_lifetime.default == 7200  # inherited again
        assert sub.option_data == () and len(sub.pools) == 1 and sub.pools[0].option_data == ()
        assert len(sub.pd_pools) == 1 and r.stat("subnet[1].total-nas") == 16

    run(tmp_path, check)


def test_delta_add_refused_leaves_subnet(tmp_path: Path) -> None:
    async def check(r: Running) -> None:
        change = {
            "id": 1,
            "subnet": "2001:db8:1::/64",
            "pools": [{"pool": "2001:db8:1::1-2001:db8:1::10"}],
        }
        got = await r.command("subnet6-delta-add", {"subnet6": [change]})
        assert got["result"] == 1  # overlaps the running pool
        assert len(r.daemon.running_config().subnets_by_id[1].pools) == 1
        missing = await r.command("subnet6-delta-del", {"subnet6": [{"id": 4}]})
        assert missing == {"result": 1, "text": "Can't find subnet '4' to update"}

    run(tmp_path, check)


# -- delete -----------------------------------------------------------------------------------


async def _add_leases(r: Running) -> None:
    await r.daemon._write(
        [
            LeaseChange(ChangeKind.ADD, lease("2001:db8:1::10", 1)),
            LeaseChange(ChangeKind.ADD, lease("2001:db8:1::11", 1, LeaseState.DECLINED)),
            LeaseChange(ChangeKind.ADD, lease("2001:db8:2::100", 2)),
        ]
    )
    assert r.daemon.store is not None
    commit_statistics(r.daemon.stats, r.daemon.running_config(), r.daemon.store.view, T0)


def test_del_keeps_leases_by_default(tmp_path: Path) -> None:
    async def check(r: Running) -> None:
        assert (await r.command("subnet6-add", {"subnet6": [subnet(2)]}))["result"] == 0
        await _add_leases(r)
        got = await r.command("subnet6-del", {"id": 1})
        assert got == {
            "arguments": {"subnets": [{"id": 1, "subnet": "2001:db8:1::/64"}]},
            "result": 0,
            "text": "IPv6 subnet 2001:db8:1::/64 (id 1) deleted",
        }
        assert ids(r) == [2]
        assert len(list(r.daemon.store.view.by_subnet(1))) == 2  # type: ignore[union-attr]
        assert r.stat("subnet[1].total-nas") is None
        assert r.stat("subnet[2].assigned-nas") == 1

    run(tmp_path, check)


def test_del_with_leases_action_delete(tmp_path: Path) -> None:
    async def check(r: Running) -> None:
        assert (await r.command("subnet6-add", {"subnet6": [subnet(2)]}))["result"] == 0
        await _add_leases(r)
        assert r.stat("declined-addresses") == 1
        got = await r.command("subnet6-del", {"id": 1, "leases-action": "delete"})
        assert got["result"] == 0
        assert list(r.daemon.store.view.by_subnet(1)) == []  # type: ignore[union-attr]
        assert len(list(r.daemon.store.view.by_subnet(2))) == 1  # type: ignore[union-attr]
        assert r.stat("declined-addresses") == 0
        assert r.stat("subnet[1].assigned-nas") is None

    run(tmp_path, check)


def test_del_reservations_kept_or_deleted(tmp_path: Path) -> None:
    host = {"duid": "01:02:03", "ip-addresses": ["2001:db8:1::99"]}

    async def check(r: Running) -> None:
        assert (await r.command("subnet6-del", {"id": 1}))["result"] == 0
        assert r.daemon.hosts is not None and len(r.daemon.hosts) == 0
        assert (await r.command("subnet6-add", {"subnet6": [subnet(1)]}))["result"] == 0
        assert len(r.daemon.hosts) == 1  # kept reservations come back with the id
        got = await r.command("subnet6-del", {"id": 1, "reservations-action": "delete"})
        assert got["result"] == 0
        assert (await r.command("subnet6-add", {"subnet6": [subnet(1)]}))["result"] == 0
        assert len(r.daemon.hosts) == 0

    run(tmp_path, check, subnet6=[{**subnet(1), "reservations": [host]}])


@pytest.mark.parametrize(
    ("arguments", "result", "text"),
    [
        (None, 1, "no arguments specified for the 'subnet6-del' command"),
        ({}, 1, "invalid number of arguments specified for the 'subnet6-del command. "
         "Expected subnet identifier"),
        ({"id": 1, "x": 2}, 1, "invalid number of arguments specified for the 'subnet6-del "
         "command. Expected subnet identifier"),
        ({"leases-action": "keep"}, 1, "subnet identifier is required for the 'subnet6-del' "
         "command"),
        ({"id": "1"}, 1, "subnet identifier specified for the 'subnet6-del' is not a number"),
        ({"id": 1, "leases-action": 1}, 1, "leases-action parameter for subnet6-del command must "
         "be a string. Supported values are: 'keep' and 'delete'."),
        ({"id": 1, "reservations-action": "expire"}, 1, "Invalid value for reservations-action "
         "parameter: expire, Supported values: 'keep' and 'delete'."),
        ({"id": 8}, 3, "no subnet with id 8 found"),
    ],
)  # fmt: skip
def test_del_errors(tmp_path: Path, arguments: Any, result: int, text: str) -> None:
    async def check(r: Running) -> None:
        assert await r.command("subnet6-del", arguments) == {"result": result, "text": text}
        assert ids(r) == [1]

    run(tmp_path, check)


def test_config_get_and_write_show_the_changes(tmp_path: Path) -> None:
    async def check(r: Running) -> None:
        r.daemon.set_configured_global("statistic-default-sample-age", 5)
        assert (await r.command("subnet6-add", {"subnet6": [subnet(2)]}))["result"] == 0
        shown = (await r.command("config-get"))["arguments"]["Dhcp6"]
        assert [s["id"] for s in shown["subnet6"]] == [1, 2]
        assert shown["statistic-default-sample-age"] == 5

    run(tmp_path, check)


# -- reservations-action with reservations added at runtime (reservation-add) ---------------------

HOST_HOOK = {"library": "/usr/lib/x86_64-linux-gnu/kea/hooks/libdhcp_host_cmds.so"}
RUNTIME_HOST = {"subnet-id": 1, "duid": "01:02:03:04", "ip-addresses": ["2001:db8:1::99"]}
BY_DUID = {"subnet-id": 1, "identifier-type": "duid", "identifier": "01:02:03:04"}
BY_ADDRESS = {"subnet-id": 1, "ip-address": "2001:db8:1::99"}


def run_with_hosts(tmp: Path, test: Any) -> None:
    hooks = [{"library": "/opt/libdhcp_subnet_cmds.so"}, HOST_HOOK]
    run_daemon(tmp, test, **{"hooks-libraries": hooks})


async def add_runtime_host(r: Running) -> None:
    got = await r.command("reservation-add", {"reservation": RUNTIME_HOST})
    assert got == {"result": 0, "text": "Host added."}
    assert r.daemon.hosts is not None and len(r.daemon.hosts) == 1


def test_del_deletes_runtime_reservations(tmp_path: Path) -> None:
    async def check(r: Running) -> None:
        await add_runtime_host(r)
        got = await r.command("subnet6-del", {"id": 1, "reservations-action": "delete"})
        assert got["result"] == 0
        assert r.daemon.hosts is not None and len(r.daemon.hosts) == 0
        assert await r.command("reservation-get", BY_DUID) == {
            "result": 3,
            "text": "Host not found.",
        }
        assert (await r.command("subnet6-add", {"subnet6": [subnet(1)]}))["result"] == 0
        assert len(r.daemon.hosts) == 0
        assert (await r.command("reservation-get", BY_DUID))["result"] == 3

    run_with_hosts(tmp_path, check)


def test_del_keeps_runtime_reservations_findable_and_restores_them(tmp_path: Path) -> None:
    async def check(r: Running) -> None:
        await add_runtime_host(r)
        assert (await r.command("subnet6-del", {"id": 1}))["result"] == 0
        assert r.daemon.hosts is not None and len(r.daemon.hosts) == 0  # not served
        for selector in (BY_DUID, BY_ADDRESS):
            got = await r.command("reservation-get", selector)
            assert got["result"] == 0 and got["text"] == "Host found."
            assert got["arguments"]["ip-addresses"] == ["2001:db8:1::99"]
            assert got["arguments"]["subnet-id"] == 1
        by_id = await r.command(
            "reservation-get-by-id", {"identifier-type": "duid", "identifier": "01:02:03:04"}
        )
        assert by_id["text"] == "1 IPv6 host(s) found."
        assert [h["subnet-id"] for h in by_id["arguments"]["hosts"]] == [1]
        assert (await r.command("subnet6-add", {"subnet6": [subnet(1)]}))["result"] == 0
        assert len(r.daemon.hosts) == 1  # served again
        host = await r.daemon.hosts.get_by_id(6, 1, IdentifierType.DUID, bytes.fromhex("01020304"))
        assert host is not None and host.ip_addresses == (IPv6Address("2001:db8:1::99"),)
        assert (await r.command("reservation-get", BY_DUID))["result"] == 0
        # now configured again: no second copy from the kept ones
        by_id = await r.command(
            "reservation-get-by-id", {"identifier-type": "duid", "identifier": "01:02:03:04"}
        )
        assert by_id["text"] == "1 IPv6 host(s) found."

    run_with_hosts(tmp_path, check)


def test_kept_reservation_can_be_deleted_while_its_subnet_is_gone(tmp_path: Path) -> None:
    async def check(r: Running) -> None:
        await add_runtime_host(r)
        assert (await r.command("subnet6-del", {"id": 1}))["result"] == 0
        got = await r.command("reservation-del", BY_ADDRESS)
        assert got == {"result": 0, "text": "Host deleted."}
        assert (await r.command("reservation-get", BY_DUID))["result"] == 3
        assert (await r.command("reservation-del", BY_DUID)) == {
            "result": 1,
            "text": "Host not deleted (not found).",
        }
        assert (await r.command("subnet6-add", {"subnet6": [subnet(1)]}))["result"] == 0
        assert r.daemon.hosts is not None and len(r.daemon.hosts) == 0

    run_with_hosts(tmp_path, check)


# -- kept reservations live in the configuration (user-context) ---------------------------------

KEPT = "pukeko-kept-reservations"
KEPT_HOST = {"duid": "01:02:03:04", "ip-addresses": ["2001:db8:1::99"], "hostname": "kept"}


def kept_of(document: dict[str, Any]) -> Any:
    """The kept reservations of a config-get / config-write document (None when absent)."""
    return document["Dhcp6"].get("user-context", {}).get(KEPT)


def run_on_file(tmp: Path, path: Path, test: Any) -> None:
    """Start a fresh daemon on the configuration file ``path`` and run ``test``."""

    async def main() -> None:
        daemon = new_daemon(path, tmp)
        await daemon.start()
        try:
            await test(Running(daemon, Clock()))
        finally:
            await daemon.stop()

    asyncio.run(main())


def run_kept(tmp: Path, test: Any, subnets: Any = None, **overrides: Any) -> None:
    """A daemon with subnet 1 holding KEPT_HOST and the subnet and host hooks."""
    hooks = [{"library": "/opt/libdhcp_subnet_cmds.so"}, HOST_HOOK]
    subnets = subnets if subnets is not None else [{**subnet(1), "reservations": [KEPT_HOST]}]
    run_daemon(tmp, test, **{"hooks-libraries": hooks, "subnet6": subnets, **overrides})


def test_kept_reservations_survive_config_write_and_a_restart(tmp_path: Path) -> None:
    written = tmp_path / "written.json"

    async def keep(r: Running) -> None:
        assert (await r.command("subnet6-del", {"id": 1}))["result"] == 0
        assert r.daemon.hosts is not None and len(r.daemon.hosts) == 0  # not served
        kept = kept_of((await r.command("config-get"))["arguments"])
        assert list(kept) == ["1"] and len(kept["1"]) == 1
        assert kept["1"][0]["duid"] == "01:02:03:04"
        assert kept["1"][0]["ip-addresses"] == ["2001:db8:1::99"]
        assert kept["1"][0]["hostname"] == "kept"
        got = await r.command("config-write", {"filename": str(written)})
        assert got["result"] == 0
        assert kept_of(json.loads(written.read_text())) == kept

    async def restarted(r: Running) -> None:
        assert r.daemon.running_config().subnets_by_id == {}
        assert r.daemon.hosts is not None and len(r.daemon.hosts) == 0
        got = await r.command("reservation-get", BY_DUID)
        assert got["result"] == 0 and got["arguments"]["hostname"] == "kept"
        assert (await r.command("subnet6-add", {"subnet6": [subnet(1)]}))["result"] == 0
        assert len(r.daemon.hosts) == 1  # served again
        host = await r.daemon.hosts.get_by_id(6, 1, IdentifierType.DUID, bytes.fromhex("01020304"))
        assert host is not None and host.hostname == "kept"
        shown = (await r.command("config-get"))["arguments"]
        assert "user-context" not in shown["Dhcp6"]  # made for the kept ones only
        assert shown["Dhcp6"]["subnet6"][0]["reservations"][0]["duid"] == "01:02:03:04"
        assert (await r.command("reservation-get", BY_DUID))["result"] == 0

    (tmp_path / "a").mkdir()
    run_kept(tmp_path / "a", keep)
    run_on_file(tmp_path, written, restarted)


def test_config_set_brings_kept_reservations_back(tmp_path: Path) -> None:
    async def check(r: Running) -> None:
        assert (await r.command("subnet6-del", {"id": 1}))["result"] == 0
        saved = (await r.command("config-get"))["arguments"]
        assert (await r.command("reservation-del", BY_DUID)) == {
            "result": 0,
            "text": "Host deleted.",
        }
        assert kept_of((await r.command("config-get"))["arguments"]) is None
        assert (await r.command("reservation-get", BY_DUID))["result"] == 3
        assert (await r.command("config-set", saved))["result"] == 0
        assert (await r.command("reservation-get", BY_DUID))["result"] == 0
        assert r.daemon.hosts is not None and len(r.daemon.hosts) == 0  # found, not served
        assert (await r.command("config-reload"))["result"] == 0  # the -c file: subnet 1 back
        assert kept_of((await r.command("config-get"))["arguments"]) is None
        assert len(r.daemon.hosts) == 1

    run_kept(tmp_path, check)


def test_del_keeps_other_user_context_keys_and_replaces_a_stale_entry(tmp_path: Path) -> None:
    stale = {"duid": "0a:0b", "ip-addresses": ["2001:db8:1::5"]}
    context = {"note": "mine", KEPT: {"1": [stale], "9": [{"duid": "09:09"}]}}

    async def check(r: Running) -> None:
        assert (await r.command("subnet6-del", {"id": 1}))["result"] == 0
        shown = (await r.command("config-get"))["arguments"]["Dhcp6"]["user-context"]
        assert shown["note"] == "mine"
        assert [h["duid"] for h in shown[KEPT]["1"]] == ["01:02:03:04"]  # the subnet's own
        assert shown[KEPT]["9"] == [{"duid": "09:09"}]

    run_kept(tmp_path, check, **{"user-context": context})


def test_del_with_reservations_action_delete_drops_a_kept_entry(tmp_path: Path) -> None:
    context = {"note": "mine", KEPT: {"1": [{"duid": "0a:0b"}]}}

    async def check(r: Running) -> None:
        got = await r.command("subnet6-del", {"id": 1, "reservations-action": "delete"})
        assert got["result"] == 0
        shown = (await r.command("config-get"))["arguments"]["Dhcp6"]
        assert shown["user-context"] == {"note": "mine"}
        assert (await r.command("reservation-get", BY_DUID))["result"] == 3
        by_old = {"subnet-id": 1, "identifier-type": "duid", "identifier": "0a:0b"}
        assert (await r.command("reservation-get", by_old))["result"] == 3

    run_kept(tmp_path, check, **{"user-context": context})


def test_auto_write_writes_kept_reservations_and_their_return(tmp_path: Path) -> None:
    context = {"pukeko-auto-write-config": True}
    path = tmp_path / "pukeko-dhcp6.conf"

    async def check(r: Running) -> None:
        assert (await r.command("subnet6-del", {"id": 1}))["result"] == 0
        on_disk = json.loads(path.read_text())
        assert on_disk["Dhcp6"]["user-context"]["pukeko-auto-write-config"] is True
        assert [h["duid"] for h in kept_of(on_disk)["1"]] == ["01:02:03:04"]
        assert (await r.command("config-reload"))["result"] == 0  # the written file
        assert ids(r) == []
        assert (await r.command("reservation-get", BY_DUID))["result"] == 0
        assert (await r.command("reservation-del", BY_ADDRESS))["result"] == 0
        assert json.loads(path.read_text())["Dhcp6"]["user-context"] == context
        assert (await r.command("subnet6-add", {"subnet6": [subnet(1)]}))["result"] == 0
        on_disk = json.loads(path.read_text())
        assert on_disk["Dhcp6"]["user-context"] == context
        assert (
            "reservations" not in on_disk["Dhcp6"]["subnet6"][0]
            or not (on_disk["Dhcp6"]["subnet6"][0]["reservations"])
        )

    run_kept(tmp_path, check, **{"user-context": context})


def test_add_without_id_takes_kept_reservations_of_the_id_it_gets(tmp_path: Path) -> None:
    async def check(r: Running) -> None:
        assert (await r.command("subnet6-del", {"id": 1}))["result"] == 0
        fresh = {k: v for k, v in subnet(1).items() if k != "id"}
        got = await r.command("subnet6-add", {"subnet6": [fresh]})
        assert got["arguments"]["subnets"] == [{"id": 1, "subnet": "2001:db8:1::/64"}]
        assert r.daemon.hosts is not None and len(r.daemon.hosts) == 1
        assert kept_of((await r.command("config-get"))["arguments"]) is None

    run_kept(tmp_path, check)


def test_refused_add_leaves_the_kept_reservations(tmp_path: Path) -> None:
    async def check(r: Running) -> None:
        assert (await r.command("subnet6-del", {"id": 1}))["result"] == 0
        elsewhere = {"id": 1, "subnet": "2001:db8:77::/64"}  # the reserved address is outside
        got = await r.command("subnet6-add", {"subnet6": [elsewhere]})
        assert got["result"] == 1 and "reservations[0]" in got["text"]
        assert [h["duid"] for h in kept_of((await r.command("config-get"))["arguments"])["1"]] == [
            "01:02:03:04"
        ]
        assert (await r.command("reservation-get", BY_DUID))["result"] == 0

    run_kept(tmp_path, check)


MALFORMED = [
    "junk",
    ["1"],
    {
        "x": [KEPT_HOST],
        "01": [KEPT_HOST],
        "0": [KEPT_HOST],
        "3": "not a list",
        "2": [
            5,
            "text",
            {"hostname": "no identifier"},
            {"duid": "zz:zz"},
            {"duid": "02:02", "ip-addresses": ["not-an-address"]},
            {"duid": 5},
            {"duid": "0a", "ip-address": "300.1.1.1"},
            {**KEPT_HOST, "ip-addresses": ["2001:db8:2::99"]},
        ],
    },
]


@pytest.mark.parametrize("value", MALFORMED, ids=["string", "list", "bad-entries"])
def test_malformed_kept_value_loads_and_is_ignored(tmp_path: Path, value: Any) -> None:
    by_duid = {"subnet-id": 2, "identifier-type": "duid", "identifier": "01:02:03:04"}
    readable = isinstance(value, dict)

    async def check(r: Running) -> None:
        for sid in (2, 3, 1):
            got = await r.command("reservation-get-all", {"subnet-id": sid})
            if sid == 2 and readable:
                assert got["text"] == "1 IPv6 host(s) found."
            elif sid != 1:
                assert got == {
                    "result": 1,
                    "text": f"IPv6 subnet with ID of '{sid}' is not configured",
                }
        by_id = await r.command(
            "reservation-get-by-id", {"identifier-type": "duid", "identifier": "01:02:03:04"}
        )
        assert [h["subnet-id"] for h in by_id["arguments"]["hosts"]] == [1, 2][: 1 + readable]
        assert (await r.command("reservation-get", by_duid))["result"] == (0 if readable else 3)
        for duid in ("02:02", "0a"):
            gone = {"subnet-id": 2, "identifier-type": "duid", "identifier": duid}
            assert (await r.command("reservation-get", gone))["result"] == 3
            assert (await r.command("reservation-del", gone))["result"] == 1
        added = await r.command("subnet6-add", {"subnet6": [subnet(2)]})
        assert added["result"] == 0
        assert r.daemon.hosts is not None and len(r.daemon.hosts) == 1 + readable
        assert (await r.command("subnet6-del", {"id": 1}))["result"] == 0
        kept = kept_of((await r.command("config-get"))["arguments"])
        assert [h["duid"] for h in kept["1"]] == ["01:02:03:04"]
        assert "2" not in kept

    run_kept(tmp_path, check, **{"user-context": {KEPT: value}})


def test_readable_but_invalid_kept_entry_refuses_the_add_until_deleted(tmp_path: Path) -> None:
    bad = {"duid": "05:05", "option-data": [{"name": "dns-servers", "data": "not-an-address"}]}
    context = {KEPT: {"2": [bad, {**KEPT_HOST, "ip-addresses": ["2001:db8:2::99"]}]}}
    by_bad = {"subnet-id": 2, "identifier-type": "duid", "identifier": "05:05"}

    async def check(r: Running) -> None:
        got = await r.command("subnet6-add", {"subnet6": [subnet(2)]})
        assert got["result"] == 1 and "reservations[0].option-data[0]" in got["text"]
        assert len(kept_of((await r.command("config-get"))["arguments"])["2"]) == 2  # unchanged
        assert (await r.command("reservation-get", by_bad))["result"] == 0
        assert (await r.command("reservation-del", by_bad))["result"] == 0
        assert (await r.command("subnet6-add", {"subnet6": [subnet(2)]}))["result"] == 0
        assert r.daemon.hosts is not None and len(r.daemon.hosts) == 2

    run_kept(tmp_path, check, **{"user-context": context})


@pytest.mark.kea
def test_kea_loads_a_file_written_with_kept_reservations(tmp_path: Path) -> None:
    if kea_binary(6) is None:
        pytest.skip("Kea 2.2 is not installed")
    written = tmp_path / "written.json"

    async def check(r: Running) -> None:
        assert (await r.command("subnet6-del", {"id": 1}))["result"] == 0
        assert (await r.command("config-write", {"filename": str(written)}))["result"] == 0

    run_kept(tmp_path, check, **{"client-classes": [{"name": "lab"}]})
    document = json.loads(written.read_text())
    assert kept_of(document)["1"][0]["duid"] == "01:02:03:04"
    # Not about kept reservations: host_cmds / subnet_cmds are ISC premium hooks (not
    # installed) and the test daemon's logger has an empty output_options list.
    del document["Dhcp6"]["hooks-libraries"], document["Dhcp6"]["loggers"]
    for_kea = tmp_path / "for-kea.json"
    for_kea.write_text(json.dumps(document))
    verdict = kea_check(6, for_kea, None)
    assert verdict.ok, verdict.output
