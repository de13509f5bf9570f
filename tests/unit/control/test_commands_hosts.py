"""reservation-* commands (host_cmds) against an in-process daemon: answers, store and config."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from tests.support.control_daemon6 import SUBNET_HOOK, Running, run_daemon

from pukeko.hosts.model import IdentifierType

HOST_HOOK = {"library": "/usr/lib/x86_64-linux-gnu/kea/hooks/libdhcp_host_cmds.so"}
DUID_A = "00:03:00:01:00:00:00:00:00:01"
DUID_B = "00:03:00:01:00:00:00:00:00:02"
SECOND_SUBNET = {"id": 2, "subnet": "2001:db8:2::/64"}


def run(tmp: Path, test: Any, **overrides: Any) -> None:
    overrides.setdefault("hooks-libraries", [SUBNET_HOOK, HOST_HOOK])
    run_daemon(tmp, test, **overrides)


def reservation(subnet_id: int = 1, duid: str = DUID_A, **extra: Any) -> dict[str, Any]:
    return {"reservation": {"subnet-id": subnet_id, "duid": duid, **extra}}


def shown(duid: str, subnet_id: int = 1, **extra: Any) -> dict[str, Any]:
    """A host as the commands show it (Kea's toElement6 keys plus subnet-id)."""
    base: dict[str, Any] = {
        "duid": duid,
        "ip-addresses": [],
        "prefixes": [],
        "hostname": "",
        "client-classes": [],
        "option-data": [],
        "subnet-id": subnet_id,
    }
    base.update(extra)
    return base


async def add(r: Running, subnet_id: int = 1, duid: str = DUID_A, **extra: Any) -> None:
    got = await r.command("reservation-add", reservation(subnet_id, duid, **extra))
    assert got == {"result": 0, "text": "Host added."}


# -- registration -----------------------------------------------------------------------------


def test_commands_exist_only_with_the_hook(tmp_path: Path) -> None:
    async def without(r: Running) -> None:
        names = (await r.command("list-commands"))["arguments"]
        assert not [n for n in names if n.startswith("reservation-")]
        got = await r.command("reservation-get-all", {"subnet-id": 1})
        assert got == {"result": 2, "text": "'reservation-get-all' command not supported."}

    async def with_hook(r: Running) -> None:
        names = (await r.command("list-commands"))["arguments"]
        assert [n for n in names if n.startswith("reservation-")] == [
            "reservation-add",
            "reservation-del",
            "reservation-get",
            "reservation-get-all",
            "reservation-get-by-hostname",
            "reservation-get-by-id",
            "reservation-get-page",
            "reservation-update",
        ]

    for sub in ("a", "b"):
        (tmp_path / sub).mkdir()
    run(tmp_path / "a", without, **{"hooks-libraries": [SUBNET_HOOK]})
    run(tmp_path / "b", with_hook)


# -- reservation-add ----------------------------------------------------------------------------


def test_add_is_served_from_the_store_and_shows_in_config_get(tmp_path: Path) -> None:
    async def check(r: Running) -> None:
        got = await r.command(
            "reservation-add",
            reservation(
                **{"ip-addresses": ["2001:db8:1::5"], "prefixes": ["3000:1::/64"]},
                hostname="Host.Example.Org",
            ),
        )
        assert got == {"result": 0, "text": "Host added."}
        store = r.daemon.host_store()
        host = store.get6(1, IdentifierType.DUID, bytes.fromhex(DUID_A.replace(":", "")))
        assert host is not None and str(host.ip_addresses[0]) == "2001:db8:1::5"
        subnet = r.daemon.config_get()["Dhcp6"]["subnet6"][0]
        assert subnet["reservations"] == [
            {
                "duid": DUID_A,
                "ip-addresses": ["2001:db8:1::5"],
                "prefixes": ["3000:1::/64"],
                "hostname": "Host.Example.Org",
                "client-classes": [],
                "option-data": [],
            }
        ]

    run(tmp_path, check)


def test_add_global_reservation_with_subnet_id_zero(tmp_path: Path) -> None:
    async def check(r: Running) -> None:
        await add(r, 0, hostname="global.example.org")
        assert r.daemon.config_get()["Dhcp6"]["reservations"][0]["duid"] == DUID_A
        got = await r.command("reservation-get-all", {"subnet-id": 0})
        assert got == {
            "arguments": {"hosts": [shown(DUID_A, 0, hostname="global.example.org")]},
            "result": 0,
            "text": "1 IPv6 host(s) found.",
        }

    run(tmp_path, check)


@pytest.mark.parametrize(
    ("arguments", "text"),
    [
        (None, "no parameters specified for the command"),
        ([1], "invalid command: expected 'arguments' to be a map, got list instead"),
        ({}, "reservation must be specified"),
        (
            {"reservation": "x"},
            "invalid command: expected 'reservation' to be a map, got string instead",
        ),
        ({"reservation": {"duid": DUID_A}}, "Mandatory 'subnet-id' parameter missing."),
        (
            {"reservation": {"subnet-id": "1", "duid": DUID_A}},
            "'subnet-id' parameter is not integer.",
        ),
        (
            {"reservation": {"subnet-id": -1, "duid": DUID_A}},
            "subnet-id: -1 is invalid, must be between 0 and 4294967294 (inclusive).",
        ),
        (reservation(7, hostname="x"), "IPv6 subnet with ID of '7' is not configured"),
        (
            reservation(**{"ip-addresses": ["2001:db8:9::1"]}),
            "specified reservation '2001:db8:9::1' is not matching the IPv6 subnet prefix "
            "'2001:db8:1::/64'",
        ),
        (
            reservation(**{"ip-addresses": ["nonsense"]}),
            "reservation.ip-addresses[0]: Failed to convert string to address 'nonsense'",
        ),
        (
            {"reservation": {"subnet-id": 1, "hostname": "x"}},
            "reservation: one of the supported identifiers must be specified for host "
            "reservation: hw-address, duid, flex-id",
        ),
        (
            {"reservation": {"subnet-id": 1, "circuit-id": "01", "hostname": "x"}},
            'reservation.circuit-id: got unexpected keyword "circuit-id" in reservations map.\n'
            "reservation: one of the supported identifiers must be specified for host "
            "reservation: hw-address, duid, flex-id",
        ),
        (
            {**reservation(hostname="x"), "operation-target": "database"},
            "Host database not available, cannot add host.",
        ),
        (
            {**reservation(hostname="x"), "operation-target": "nowhere"},
            "The 'operation-target' value (nowhere) is not within expected set: "
            "(memory, database, all, default)",
        ),
    ],
)
def test_add_errors(tmp_path: Path, arguments: Any, text: str) -> None:
    async def check(r: Running) -> None:
        got = await r.command("reservation-add", arguments)
        assert got == {"result": 1, "text": text}
        assert len(r.daemon.host_store()) == 0
        assert r.daemon.config_get()["Dhcp6"]["subnet6"][0]["reservations"] == []

    run(tmp_path, check)


def test_add_refuses_duplicates_as_the_configuration_file_does(tmp_path: Path) -> None:
    async def check(r: Running) -> None:
        await add(r, **{"ip-addresses": ["2001:db8:1::5"]})
        same_id = await r.command("reservation-add", reservation(hostname="other"))
        assert same_id == {
            "result": 1,
            "text": f"reservation.duid: failed to add new host using the duid '{DUID_A}' to the "
            "subnet id '1' as this host has already been added",
        }
        same_address = await r.command(
            "reservation-add", reservation(duid=DUID_B, **{"ip-addresses": ["2001:db8:1::5"]})
        )
        assert same_address["result"] == 1
        assert same_address["text"].startswith(
            "reservation.ip-addresses[0]: There's already a reservation for 2001:db8:1::5/128"
        )
        # The same identifier in another scope is another host.
        await add(r, 0, hostname="global")
        assert len(r.daemon.host_store()) == 2

    run(tmp_path, check)


def test_add_same_address_twice_with_ip_reservations_unique_off(tmp_path: Path) -> None:
    async def check(r: Running) -> None:
        await add(r, **{"ip-addresses": ["2001:db8:1::5"]})
        await add(r, duid=DUID_B, **{"ip-addresses": ["2001:db8:1::5"]})
        got = await r.command("reservation-get-all", {"subnet-id": 1})
        assert got["text"] == "2 IPv6 host(s) found."

    run(tmp_path, check, **{"ip-reservations-unique": False})


# -- reservation-get ----------------------------------------------------------------------------


def test_get_by_address_prefix_and_identifier(tmp_path: Path) -> None:
    async def check(r: Running) -> None:
        await add(r, **{"ip-addresses": ["2001:db8:1::5"], "prefixes": ["3000:1::/64"]})
        expected = {
            "arguments": shown(
                DUID_A, **{"ip-addresses": ["2001:db8:1::5"]}, prefixes=["3000:1::/64"]
            ),
            "result": 0,
            "text": "Host found.",
        }
        by_address = await r.command(
            "reservation-get", {"subnet-id": 1, "ip-address": "2001:db8:1::5"}
        )
        assert by_address == expected
        by_prefix = await r.command("reservation-get", {"subnet-id": 1, "ip-address": "3000:1::"})
        assert by_prefix == expected
        by_id = await r.command(
            "reservation-get",
            {"subnet-id": 1, "identifier-type": "duid", "identifier": DUID_A.upper()},
        )
        assert by_id == expected
        missing = await r.command(
            "reservation-get", {"subnet-id": 0, "ip-address": "2001:db8:1::5"}
        )
        assert missing == {"result": 3, "text": "Host not found."}
        database = await r.command(
            "reservation-get",
            {"subnet-id": 1, "ip-address": "2001:db8:1::5", "operation-target": "database"},
        )
        assert database == {"result": 3, "text": "Host not found."}

    run(tmp_path, check)


@pytest.mark.parametrize(
    ("arguments", "text"),
    [
        (None, "Parameters missing or are not a map."),
        ({"ip-address": "2001:db8:1::5"}, "Mandatory 'subnet-id' parameter missing."),
        (
            {"subnet-id": "1", "ip-address": "::1"},
            "invalid type specified for parameter 'subnet-id'",
        ),
        (
            {"subnet-id": 1},
            "No 'ip-address' provided and 'identifier-type' is either missing or not a string.",
        ),
        (
            {"subnet-id": 1, "identifier-type": "duid"},
            "No 'ip-address' provided and 'identifier' is either missing or not a string.",
        ),
        ({"subnet-id": 1, "ip-address": 5}, "'ip-address' is not a string."),
        (
            {"subnet-id": 1, "ip-address": "bogus"},
            "Failed to convert string to address 'bogus': Invalid argument",
        ),
        (
            {"subnet-id": 1, "identifier-type": "duid", "identifier": "zz:zz"},
            "Unable to parse 'identifier' value.",
        ),
        (
            {"subnet-id": 1, "identifier-type": "duid", "identifier": ""},
            "Unable to query for empty 'identifier'.",
        ),
        (
            {"subnet-id": 1, "identifier-type": "serial", "identifier": "01"},
            "Value of 'identifier-type' was not recognized.",
        ),
    ],
)
def test_get_errors(tmp_path: Path, arguments: Any, text: str) -> None:
    async def check(r: Running) -> None:
        assert await r.command("reservation-get", arguments) == {"result": 1, "text": text}

    run(tmp_path, check)


# -- reservation-get-all / -get-page ------------------------------------------------------------


def test_get_all(tmp_path: Path) -> None:
    async def check(r: Running) -> None:
        empty = await r.command("reservation-get-all", {"subnet-id": 1})
        assert empty == {"arguments": {"hosts": []}, "result": 3, "text": "0 IPv6 host(s) found."}
        await add(r, hostname="a")
        await add(r, duid=DUID_B, hostname="b")
        got = await r.command("reservation-get-all", {"subnet-id": 1})
        assert got["arguments"]["hosts"] == [
            shown(DUID_A, hostname="a"),
            shown(DUID_B, hostname="b"),
        ]
        unknown = await r.command("reservation-get-all", {"subnet-id": 9})
        assert unknown == {"result": 1, "text": "IPv6 subnet with ID of '9' is not configured"}
        missing = await r.command("reservation-get-all", {})
        assert missing == {"result": 1, "text": "Mandatory 'subnet-id' parameter missing."}

    run(tmp_path, check)


def test_get_page_walks_every_host_then_answers_empty(tmp_path: Path) -> None:
    async def check(r: Running) -> None:
        duids = [f"00:03:00:01:00:00:00:00:01:{i:02x}" for i in range(5)]
        for duid in duids:
            await add(r, duid=duid, hostname="h")
        await add(r, 0, duid=DUID_B, hostname="global")
        seen: list[str] = []
        arguments: dict[str, Any] = {"limit": 2}
        while True:
            page = await r.command("reservation-get-page", arguments)
            if page["result"] == 3:
                assert page == {
                    "arguments": {"count": 0, "hosts": []},
                    "result": 3,
                    "text": "0 IPv6 host(s) found.",
                }
                break
            assert page["result"] == 0
            assert page["arguments"]["count"] == len(page["arguments"]["hosts"]) <= 2
            assert page["text"] == f"{page['arguments']['count']} IPv6 host(s) found."
            seen += [h["duid"] for h in page["arguments"]["hosts"]]
            arguments = {"limit": 2, **page["arguments"]["next"]}
        assert sorted(seen) == sorted([*duids, DUID_B])
        one_subnet = await r.command("reservation-get-page", {"subnet-id": 0, "limit": 10})
        assert [h["duid"] for h in one_subnet["arguments"]["hosts"]] == [DUID_B]
        assert one_subnet["arguments"]["hosts"][0]["subnet-id"] == 0
        databases = await r.command("reservation-get-page", {"limit": 10, "source-index": 1})
        assert databases["result"] == 3

    run(tmp_path, check)


@pytest.mark.parametrize(
    ("arguments", "text"),
    [
        (None, "Parameters missing or are not a map."),
        ({}, "Mandatory 'limit' parameter missing."),
        ({"limit": 0}, "page size of retrieved hosts must not be zero"),
        ({"limit": "5"}, "invalid type specified for parameter 'limit'"),
        (
            {"limit": 5, "source-index": 11},
            "out of range value (11) specified for parameter 'source-index'",
        ),
        ({"limit": 5, "subnet-id": 4}, "IPv6 subnet with ID of '4' is not configured"),
    ],
)
def test_get_page_errors(tmp_path: Path, arguments: Any, text: str) -> None:
    async def check(r: Running) -> None:
        assert await r.command("reservation-get-page", arguments) == {"result": 1, "text": text}

    run(tmp_path, check)


# -- reservation-get-by-hostname / -get-by-id ---------------------------------------------------


def test_get_by_hostname_ignores_case_and_filters_by_subnet(tmp_path: Path) -> None:
    async def check(r: Running) -> None:
        await add(r, hostname="Printer.Example.Org")
        await add(r, 0, duid=DUID_B, hostname="printer.example.org")
        both = await r.command("reservation-get-by-hostname", {"hostname": "PRINTER.example.org"})
        assert sorted((h["duid"], h["subnet-id"]) for h in both["arguments"]["hosts"]) == [
            (DUID_A, 1),
            (DUID_B, 0),
        ]
        assert both["text"] == "2 IPv6 host(s) found."
        one = await r.command(
            "reservation-get-by-hostname", {"hostname": "printer.example.org", "subnet-id": 0}
        )
        assert [h["duid"] for h in one["arguments"]["hosts"]] == [DUID_B]
        none = await r.command("reservation-get-by-hostname", {"hostname": "fax"})
        assert none == {"arguments": {"hosts": []}, "result": 3, "text": "0 IPv6 host(s) found."}
        for arguments, text in (
            ({}, "Mandatory 'hostname' parameter missing."),
            ({"hostname": ""}, "Empty hostname"),
            ({"hostname": "a", "subnet-id": 5}, "IPv6 subnet with ID of '5' is not configured"),
        ):
            got = await r.command("reservation-get-by-hostname", arguments)
            assert got == {"result": 1, "text": text}

    run(tmp_path, check)


def test_get_by_id_looks_in_every_subnet(tmp_path: Path) -> None:
    async def check(r: Running) -> None:
        await add(r, hostname="in-subnet")
        await add(r, 0, hostname="global")
        got = await r.command(
            "reservation-get-by-id", {"identifier-type": "duid", "identifier": DUID_A}
        )
        assert (got["result"], got["text"]) == (0, "2 IPv6 host(s) found.")
        assert sorted(got["arguments"]["hosts"], key=lambda h: h["subnet-id"]) == [
            shown(DUID_A, 0, hostname="global"),
            shown(DUID_A, 1, hostname="in-subnet"),
        ]
        other = await r.command(
            "reservation-get-by-id", {"identifier-type": "hw-address", "identifier": DUID_A}
        )
        assert other["result"] == 3
        for arguments, text in (
            ({"identifier": DUID_A}, "'identifier-type' is either missing or not a string."),
            ({"identifier-type": "duid"}, "'identifier' is either missing or not a string."),
            (
                {"identifier-type": "duid", "identifier": DUID_A, "subnet-id": 1},
                "'subnet-id' is forbidden in reservation-get-by-id",
            ),
        ):
            assert await r.command("reservation-get-by-id", arguments) == {
                "result": 1,
                "text": text,
            }

    run(tmp_path, check)


# -- reservation-del / -update ------------------------------------------------------------------


def test_del_by_address_and_by_identifier(tmp_path: Path) -> None:
    async def check(r: Running) -> None:
        await add(r, **{"ip-addresses": ["2001:db8:1::5"]})
        await add(r, duid=DUID_B, prefixes=["3000:2::/64"])
        by_address = await r.command(
            "reservation-del", {"subnet-id": 1, "ip-address": "2001:db8:1::5"}
        )
        assert by_address == {"result": 0, "text": "Host deleted."}
        by_prefix = await r.command("reservation-del", {"subnet-id": 1, "ip-address": "3000:2::"})
        assert by_prefix == {"result": 0, "text": "Host deleted."}
        assert len(r.daemon.host_store()) == 0
        assert r.daemon.config_get()["Dhcp6"]["subnet6"][0]["reservations"] == []
        await add(r, 0, hostname="g")
        by_id = await r.command(
            "reservation-del", {"subnet-id": 0, "identifier-type": "duid", "identifier": DUID_A}
        )
        assert by_id == {"result": 0, "text": "Host deleted."}
        again = await r.command(
            "reservation-del", {"subnet-id": 0, "identifier-type": "duid", "identifier": DUID_A}
        )
        assert again == {"result": 1, "text": "Host not deleted (not found)."}
        database = await r.command(
            "reservation-del",
            {"subnet-id": 0, "ip-address": "::1", "operation-target": "database"},
        )
        assert database == {
            "result": 1,
            "text": "Unable to delete a host because there is no hosts-database configured.",
        }
        missing = await r.command("reservation-del", {"subnet-id": 1})
        assert missing["result"] == 1

    run(tmp_path, check)


def test_update_replaces_the_whole_reservation(tmp_path: Path) -> None:
    async def check(r: Running) -> None:
        await add(r, hostname="old", **{"ip-addresses": ["2001:db8:1::5"]})
        got = await r.command(
            "reservation-update", reservation(**{"ip-addresses": ["2001:db8:1::6"]})
        )
        assert got == {"result": 0, "text": "Host updated."}
        now = await r.command("reservation-get-all", {"subnet-id": 1})
        assert now["arguments"]["hosts"] == [shown(DUID_A, **{"ip-addresses": ["2001:db8:1::6"]})]
        freed = await r.command("reservation-get", {"subnet-id": 1, "ip-address": "2001:db8:1::5"})
        assert freed["result"] == 3
        missing = await r.command("reservation-update", reservation(duid=DUID_B, hostname="x"))
        assert missing == {"result": 1, "text": "Host not updated (not found)."}
        outside = await r.command(
            "reservation-update", reservation(**{"ip-addresses": ["2001:db8:5::1"]})
        )
        assert outside["result"] == 1 and "not matching the IPv6 subnet prefix" in outside["text"]
        no_id = await r.command("reservation-update", {"reservation": {"subnet-id": 1}})
        assert no_id["text"].startswith("reservation: one of the supported identifiers must be")
        assert (await r.command("reservation-update", None))["result"] == 1

    run(tmp_path, check)


def test_reservations_survive_subnet_commands(tmp_path: Path) -> None:
    async def check(r: Running) -> None:
        await add(r, **{"ip-addresses": ["2001:db8:1::5"]})
        added = await r.command("subnet6-add", {"subnet6": [SECOND_SUBNET]})
        assert added["result"] == 0
        got = await r.command("reservation-get", {"subnet-id": 1, "ip-address": "2001:db8:1::5"})
        assert got["result"] == 0
        await add(r, 2, duid=DUID_B, **{"ip-addresses": ["2001:db8:2::9"]})
        assert len(r.daemon.host_store()) == 2

    run(tmp_path, check)


def test_update_refuses_an_address_another_host_reserves(tmp_path: Path) -> None:
    async def check(r: Running) -> None:
        await add(r, **{"ip-addresses": ["2001:db8:1::5"]})
        await add(r, duid=DUID_B, **{"ip-addresses": ["2001:db8:1::6"]})
        got = await r.command(
            "reservation-update", reservation(duid=DUID_B, **{"ip-addresses": ["2001:db8:1::5"]})
        )
        assert got == {
            "result": 1,
            "text": "reservation.ip-addresses[0]: There's already a reservation for "
            "2001:db8:1::5/128 (address/prefix 2001:db8:1::5) in subnet id '1'",
        }
        # Its own address is no conflict.
        same = await r.command(
            "reservation-update",
            reservation(duid=DUID_B, hostname="b", **{"ip-addresses": ["2001:db8:1::6"]}),
        )
        assert same == {"result": 0, "text": "Host updated."}

    run(tmp_path, check)


def test_a_change_made_on_a_replaced_configuration_is_refused(tmp_path: Path) -> None:
    async def check(r: Running) -> None:
        base = r.daemon.running_config()
        await add(r, hostname="meanwhile")  # the running configuration moves on
        errors = await r.daemon.hosts_apply(base, base, [], [])
        assert errors == ["the configuration changed while the command ran: try again"]
        assert r.daemon.running_config() is not base
        assert len(r.daemon.host_store()) == 1

    run(tmp_path, check)


# -- reservations kept from a deleted subnet (in the configuration's user-context) -----------------

KEPT = "pukeko-kept-reservations"
DUIDS = [f"00:03:00:01:00:00:00:00:02:{i:02x}" for i in range(5)]
HOSTED = {
    "id": 2,
    "subnet": "2001:db8:2::/64",
    "reservations": [
        {
            "duid": d,
            "ip-addresses": [f"2001:db8:2::{i + 1:x}"],
            "prefixes": [f"3000:{i}::/56"],
            "hostname": f"Host{i % 2}",
        }
        for i, d in enumerate(DUIDS)
    ],
}
LOOKUPS: list[tuple[str, dict[str, Any]]] = [
    ("reservation-get-all", {"subnet-id": 2}),
    ("reservation-get-page", {"subnet-id": 2, "limit": 10}),
    ("reservation-get-by-hostname", {"hostname": "HOST1", "subnet-id": 2}),
    ("reservation-get-by-hostname", {"hostname": "host0"}),
    ("reservation-get-by-id", {"identifier-type": "duid", "identifier": DUIDS[3]}),
    ("reservation-get", {"subnet-id": 2, "ip-address": "2001:db8:2::3"}),
    ("reservation-get", {"subnet-id": 2, "ip-address": "3000:1::"}),
    ("reservation-get", {"subnet-id": 2, "identifier-type": "duid", "identifier": DUIDS[4]}),
]


def run_hosted(tmp: Path, test: Any, **overrides: Any) -> None:
    subnets = [{"id": 1, "subnet": "2001:db8:1::/64"}, HOSTED]
    run(tmp, test, subnet6=subnets, **overrides)


async def kept_shown(r: Running) -> Any:
    """config-get's kept reservations (None when there are none)."""
    shown = (await r.command("config-get"))["arguments"]["Dhcp6"]
    return shown.get("user-context", {}).get(KEPT)


def test_lookups_of_a_deleted_subnet_answer_as_for_a_configured_one(tmp_path: Path) -> None:
    async def check(r: Running) -> None:
        before = [await r.command(name, arguments) for name, arguments in LOOKUPS]
        assert all(got["result"] == 0 for got in before)
        assert (await r.command("subnet6-del", {"id": 2}))["result"] == 0
        assert r.daemon.hosts is not None and len(r.daemon.hosts) == 0  # none served
        after = [await r.command(name, arguments) for name, arguments in LOOKUPS]
        assert after == before

    run_hosted(tmp_path, check)


def test_get_page_walks_the_kept_reservations(tmp_path: Path) -> None:
    async def check(r: Running) -> None:
        assert (await r.command("subnet6-del", {"id": 2}))["result"] == 0
        seen: list[str] = []
        arguments: dict[str, Any] = {"subnet-id": 2, "limit": 2}
        while True:
            page = await r.command("reservation-get-page", arguments)
            if page["result"] == 3:
                assert page["arguments"] == {"count": 0, "hosts": []}
                break
            assert page["arguments"]["count"] == len(page["arguments"]["hosts"]) <= 2
            seen += [h["duid"] for h in page["arguments"]["hosts"]]
            arguments = {"subnet-id": 2, "limit": 2, **page["arguments"]["next"]}
        assert seen == DUIDS
        other = await r.command("reservation-get-page", {"subnet-id": 7, "limit": 2})
        assert other == {"result": 1, "text": "IPv6 subnet with ID of '7' is not configured"}
        wrong = await r.command("reservation-get-page", {"subnet-id": 2, "limit": 2, "from": 99})
        assert wrong["result"] == 3

    run_hosted(tmp_path, check)


def test_del_of_a_kept_reservation_persists(tmp_path: Path) -> None:
    context = {"pukeko-auto-write-config": True}
    path = tmp_path / "pukeko-dhcp6.conf"

    async def check(r: Running) -> None:
        assert (await r.command("subnet6-del", {"id": 2}))["result"] == 0
        by_address = {"subnet-id": 2, "ip-address": "2001:db8:2::3"}
        assert await r.command("reservation-del", by_address) == {
            "result": 0,
            "text": "Host deleted.",
        }
        remaining = [DUIDS[0], DUIDS[1], DUIDS[3], DUIDS[4]]
        assert [h["duid"] for h in (await kept_shown(r))["2"]] == remaining
        on_disk = json.loads(path.read_text())["Dhcp6"]["user-context"]
        assert [h["duid"] for h in on_disk[KEPT]["2"]] == remaining
        assert (await r.command("reservation-get", by_address))["result"] == 3
        running = r.daemon.running_config()
        missing = await r.command("reservation-del", by_address)
        assert missing == {"result": 1, "text": "Host not deleted (not found)."}
        assert r.daemon.running_config() is running  # nothing found: nothing changed
        for duid in remaining:
            where = {"subnet-id": 2, "identifier-type": "duid", "identifier": duid}
            assert (await r.command("reservation-del", where))["result"] == 0
        assert await kept_shown(r) is None
        assert json.loads(path.read_text())["Dhcp6"]["user-context"] == context

    run_hosted(tmp_path, check, **{"user-context": context})


def test_kept_reservations_of_a_configured_id_are_not_shown(tmp_path: Path) -> None:
    stale = {"2": [{"duid": "0a:0b", "hostname": "stale"}], "3": [{"duid": "0a:0b"}]}

    async def check(r: Running) -> None:
        by_id = await r.command(
            "reservation-get-by-id", {"identifier-type": "duid", "identifier": "0a:0b"}
        )
        assert [h["subnet-id"] for h in by_id["arguments"]["hosts"]] == [3]
        by_name = await r.command("reservation-get-by-hostname", {"hostname": "stale"})
        assert by_name["result"] == 3
        got = await r.command("reservation-get-all", {"subnet-id": 2})
        assert len(got["arguments"]["hosts"]) == len(DUIDS)

    run_hosted(tmp_path, check, **{"user-context": {KEPT: stale}})
