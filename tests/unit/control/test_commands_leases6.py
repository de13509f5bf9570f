"""The DHCPv6 lease commands and stat-lease6-get against a real lease store (Kea 2.2 texts)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from ipaddress import IPv6Address
from pathlib import Path
from typing import Any

import pytest
from tests.support.control_fake import NOW
from tests.support.lease_fake import LeaseServer, dhcp6_config, lease_context, memfile

from pukeko.control.answers import to_kea_json
from pukeko.control.handle import CommandContext
from pukeko.leases.csvcodec import HEADER6
from pukeko.leases.model import LeaseType
from pukeko.leases.store import LeasePersistError

DUID = "01:02:03:04:05:06"
Ask = Callable[[str, Any], Awaitable[dict[str, Any]]]


def scenario(server: LeaseServer | None = None) -> Callable[..., Any]:
    """Run ``body(ask, ctx)`` in one event loop (the memfile store lives in it)."""

    def runner(body: Callable[[Ask, CommandContext], Awaitable[None]]) -> None:
        ctx = lease_context(server or LeaseServer())

        async def ask(name: str, arguments: Any = None) -> dict[str, Any]:
            command: dict[str, Any] = {"command": name}
            if arguments is not None:
                command["arguments"] = arguments
            return await ctx.registry.dispatch(command, ctx)

        async def main() -> None:
            store = ctx.server.lease_store6()  # type: ignore[attr-defined]
            await store.open()
            try:
                await body(ask, ctx)
            finally:
                await store.close()

        asyncio.run(main())

    return runner


def na(address: str = "2001:db8:1::20", **extra: Any) -> dict[str, Any]:
    return {"ip-address": address, "duid": DUID, "iaid": 7, **extra}


def stat(ctx: CommandContext, name: str) -> object:
    return ctx.stats.value(name)


def used(server: LeaseServer, address: str) -> bool:
    assert server.allocation is not None
    state = server.allocation.state
    for kind in (LeaseType.NA, LeaseType.PD):
        for ref in state.typed_pools(1, kind):
            occupancy = state.occupancy_of(ref)
            if occupancy.contains(int(IPv6Address(address))):
                return occupancy.is_used(int(IPv6Address(address)))
    raise AssertionError(f"{address} is in no pool")


# ---------------------------------------------------------------- lease6-add


def test_add_then_get_shows_kea_lease_json() -> None:
    async def body(ask: Ask, ctx: CommandContext) -> None:
        added = await ask(
            "lease6-add", na(hostname="h.example.org", **{"hw-address": "0A:0b:0c:0d:0e:0f"})
        )
        assert added == {
            "result": 0,
            "text": "Lease for address 2001:db8:1::20, subnet-id 1 added.",
        }
        got = await ask("lease6-get", {"ip-address": "2001:db8:1::20"})
        assert got["text"] == "IPv6 lease found."
        assert got["arguments"] == {
            "cltt": int(NOW),
            "duid": DUID,
            "fqdn-fwd": False,
            "fqdn-rev": False,
            "hostname": "h.example.org",
            "hw-address": "0a:0b:0c:0d:0e:0f",
            "iaid": 7,
            "ip-address": "2001:db8:1::20",
            "preferred-lft": 7200,  # Kea 2.2 defaults it to the subnet's valid lifetime
            "state": 0,
            "subnet-id": 1,
            "type": "IA_NA",
            "valid-lft": 7200,
        }

    scenario()(body)


def test_add_updates_statistics_and_allocation_state() -> None:
    server = LeaseServer()

    async def body(ask: Ask, ctx: CommandContext) -> None:
        await ask("lease6-add", na())
        await ask("lease6-add", na("2001:db8:1::21", state=1))
        await ask("lease6-add", na("2001:db8:1::22", state=2))
        await ask("lease6-add", na("3000:1::", type="IA_PD", **{"prefix-len": 64, "subnet-id": 1}))
        assert stat(ctx, "subnet[1].assigned-nas") == 2
        assert stat(ctx, "subnet[1].declined-addresses") == 1
        assert stat(ctx, "declined-addresses") == 1
        assert stat(ctx, "subnet[1].assigned-pds") == 1
        assert "subnet[1].cumulative-assigned-nas" not in ctx.stats  # Kea leaves it alone
        assert used(server, "2001:db8:1::20") and used(server, "3000:1::")
        await ask("lease6-del", {"ip-address": "2001:db8:1::21"})
        assert stat(ctx, "subnet[1].assigned-nas") == 1
        assert stat(ctx, "declined-addresses") == 0
        await ask("lease6-del", {"ip-address": "3000:1::", "type": "IA_PD"})
        assert stat(ctx, "subnet[1].assigned-pds") == 0
        assert not used(server, "3000:1::")

    scenario(server)(body)


def test_add_prefix_text_and_duplicate_error() -> None:
    async def body(ask: Ask, ctx: CommandContext) -> None:
        pd = na("3000:1::", type="IA_PD", **{"prefix-len": 64, "subnet-id": 1})
        assert (await ask("lease6-add", pd))["text"] == (
            "Lease for prefix 3000:1::/64, subnet-id 1 added."
        )
        assert await ask("lease6-add", pd) == {"result": 1, "text": "IPv6 lease already exists."}

    scenario()(body)


@pytest.mark.parametrize(
    ("arguments", "text"),
    [
        (None, "no parameters specified for the command"),
        ([1], "get(string) called on a non-map Element"),
        ({"duid": DUID}, "missing parameter 'ip-address' (<wire>:0:0)"),
        ({"ip-address": 5}, "invalid type specified for parameter 'ip-address' (<wire>:0:0)"),
        (
            {"ip-address": "zz"},
            "Failed to convert 'zz' to address: Failed to convert string to address 'zz': "
            "Invalid argument(<wire>:0:0)",
        ),
        ({"ip-address": "192.0.2.1"}, "Non-IPv6 address specified: 192.0.2.1"),
        ({"ip-address": "2001:db8:1::1", "duid": ""}, "Empty DUIDs are not allowed"),
        (
            {"ip-address": "2001:db8:1::1", "duid": "01::02"},
            "two consecutive separators (':') specified in a decoded string '01::02'",
        ),
        (
            na(type="IA_XX"),
            "Incorrect lease type: IA_XX, the only supported values are: na, ta and pd",
        ),
        (
            na(**{"subnet-id": 9}),
            "Invalid subnet-id: No IPv6 subnet with subnet-id=9 currently configured.",
        ),
        (
            na(**{"subnet-id": 2}),
            "The address 2001:db8:1::20 does not belong to subnet 2001:db8:2::/64, subnet-id=2",
        ),
        (
            na("2001:db8:9::1"),
            "subnet-id not specified and failed to find a subnet for address 2001:db8:9::1",
        ),
        (
            na("2001:db8:5::1"),  # subnet 5 requires a client class: no match without one
            "subnet-id not specified and failed to find a subnet for address 2001:db8:5::1",
        ),
        (
            na(type="IA_PD", **{"prefix-len": 64}),
            "Subnet-id is 0 or not specified. This is allowed for address leases only, "
            "not prefix leases.",
        ),
        (
            {"ip-address": "2001:db8:1::1", "duid": DUID},
            "missing parameter 'iaid' (<wire>:0:0)",
        ),
        (na(iaid=-1), "out of range value (-1) specified for parameter 'iaid' (<wire>:0:0)"),
        (
            na(**{"valid-lft": 100, "expire": 50}),
            "expiration time must be greater than valid lifetime for address 2001:db8:1::20",
        ),
        (na(expire=0), "expiration time must be positive for address 2001:db8:1::20"),
        (
            na(**{"fqdn-fwd": True}),
            "No hostname specified and either forward or reverse fqdn was set to true.",
        ),
        (
            na(state=3),
            "Invalid state value: 3, supported values are: 0 (default), 1 (declined) and "
            "2 (expired-reclaimed)",
        ),
        (
            na("3000:1::", type="IA_PD", state=1, **{"prefix-len": 64, "subnet-id": 1}),
            "Invalid declined state for PD prefix.",
        ),
        (na(**{"user-context": [1]}), "Invalid user context '[ 1 ]' is not a JSON map."),
        (
            na(comment="x", **{"user-context": {"comment": "y"}}),
            'Duplicated comment entry \'"x"\' in user context \'{ "comment": "y" }\'',
        ),
        (
            na(**{"force-create": 1}),
            "invalid type specified for parameter 'force-create' (<wire>:0:0)",
        ),
    ],
)
def test_add_argument_errors(arguments: Any, text: str) -> None:
    async def body(ask: Ask, ctx: CommandContext) -> None:
        assert await ask("lease6-add", arguments) == {"result": 1, "text": text}
        assert await ctx.server.lease_store6().page(None, 10) == []  # type: ignore[attr-defined]

    scenario()(body)


def test_add_expire_comment_and_subnet_lifetime() -> None:
    async def body(ask: Ask, ctx: CommandContext) -> None:
        await ask("lease6-add", na("2001:db8:2::5", expire=int(NOW) + 500, comment="hi"))
        got = (await ask("lease6-get", {"ip-address": "2001:db8:2::5"}))["arguments"]
        assert got["valid-lft"] == got["preferred-lft"] == 1000
        assert got["cltt"] == NOW + 500 - 1000
        assert got["user-context"] == {"comment": "hi"}
        assert got["subnet-id"] == 2

    scenario()(body)


# ---------------------------------------------------------------- lease6-get / -get-*


def test_get_by_identifier_and_errors() -> None:
    async def body(ask: Ask, ctx: CommandContext) -> None:
        await ask("lease6-add", na())
        by_id = {"identifier-type": "duid", "identifier": DUID, "iaid": 7, "subnet-id": 1}
        assert (await ask("lease6-get", by_id))["arguments"]["ip-address"] == "2001:db8:1::20"
        assert await ask("lease6-get", {**by_id, "iaid": 8}) == {
            "result": 3,
            "text": "Lease not found.",
        }
        assert (await ask("lease6-get", {"ip-address": "2001:db8:1::20", "type": "IA_PD"}))[
            "result"
        ] == 3
        cases = {
            "Parameters missing or are not a map.": None,
            "Mandatory 'subnet-id' parameter missing.": {},
            "'subnet-id' parameter is not integer.": {"subnet-id": "1"},
            "No 'ip-address' provided and 'identifier-type' is either missing or not a string.": {
                "subnet-id": 1
            },
            "Query by hw-address is not allowed in v6.": {
                "subnet-id": 1,
                "identifier-type": "hw-address",
                "identifier": "01:02",
            },
            "Incorrect identifier type: x, the only supported values are: address, "
            "hw-address, duid": {"subnet-id": 1, "identifier-type": "x", "identifier": "01"},
            "Invalid IPv6 address specified: 10.0.0.1": {"ip-address": "10.0.0.1"},
            "'ip-address' is not a string.": {"ip-address": None},
            "Invalid lease type specified: X, only supported values are: IA_NA, IA_TA, IA_PD "
            "and V4": {"ip-address": "::1", "type": "X"},
            "'update-ddns' is not a boolean": {"ip-address": "::1", "update-ddns": 1},
        }
        for text, arguments in cases.items():
            assert await ask("lease6-get", arguments) == {"result": 1, "text": text}, text

    scenario()(body)


def test_get_all_page_duid_hostname() -> None:
    async def body(ask: Ask, ctx: CommandContext) -> None:
        for n in range(3):
            await ask("lease6-add", na(f"2001:db8:1::{n + 0x20:x}", hostname=f"Host{n}"))
        await ask("lease6-add", {**na("2001:db8:2::1"), "duid": "aa:bb"})
        everything = await ask("lease6-get-all")
        assert everything["text"] == "4 IPv6 lease(s) found."
        assert len(everything["arguments"]["leases"]) == 4
        only2 = await ask("lease6-get-all", {"subnets": [2, 7]})
        assert [x["ip-address"] for x in only2["arguments"]["leases"]] == ["2001:db8:2::1"]
        assert await ask("lease6-get-all", {"subnets": [7]}) == {
            "arguments": {"leases": []},
            "result": 3,
            "text": "0 IPv6 lease(s) found.",
        }
        assert (await ask("lease6-get-all", {}))["text"] == "'subnets' parameter not specified"
        assert (await ask("lease6-get-all", {"subnets": ["1"]}))[
            "text"
        ] == "listed subnet identifiers must be numbers"
        page = await ask("lease6-get-page", {"from": "start", "limit": 2})
        assert page["arguments"]["count"] == 2
        last = page["arguments"]["leases"][-1]["ip-address"]
        rest = await ask("lease6-get-page", {"from": last, "limit": 10})
        assert [x["ip-address"] for x in rest["arguments"]["leases"]] == [
            "2001:db8:1::22",
            "2001:db8:2::1",
        ]
        end = await ask("lease6-get-page", {"from": "2001:db8:2::1", "limit": 10})
        assert end["result"] == 3 and end["arguments"] == {"count": 0, "leases": []}
        by_duid = await ask("lease6-get-by-duid", {"duid": "AA:BB"})
        assert by_duid["text"] == "1 IPv6 lease(s) found."
        by_name = await ask("lease6-get-by-hostname", {"hostname": "HOST1"})
        assert by_name["result"] == 3  # stored as given ("Host1"); Kea looks up in lower case
        await ask("lease6-add", na("2001:db8:1::30", hostname="lower"))
        assert (await ask("lease6-get-by-hostname", {"hostname": "LOWER"}))["result"] == 0

    scenario()(body)


@pytest.mark.parametrize(
    ("command", "arguments", "text"),
    [
        ("lease6-get-page", None, "no parameters specified for the lease6-get-page command"),
        ("lease6-get-page", {"limit": 1}, "'from' parameter not specified"),
        ("lease6-get-page", {"from": 1, "limit": 1}, "'from' parameter must be a string"),
        (
            "lease6-get-page",
            {"from": "x", "limit": 1},
            "'from' parameter value is neither 'start' keyword nor a valid IPv6 address",
        ),
        (
            "lease6-get-page",
            {"from": "10.0.0.1", "limit": 1},
            "'from' parameter value 10.0.0.1 is not an IPv6 address",
        ),
        ("lease6-get-page", {"from": "start"}, "'limit' parameter not specified"),
        ("lease6-get-page", {"from": "start", "limit": "1"}, "'limit' parameter must be a number"),
        (
            "lease6-get-page",
            {"from": "start", "limit": 0},
            "page size of retrieved leases must not be 0",
        ),
        (
            "lease6-get-page",
            {"from": "start", "limit": -1},
            "page size of retrieved leases must not be greater than 4294967295",
        ),
        ("lease6-get-by-duid", None, "Command arguments missing or a not a map."),
        ("lease6-get-by-duid", {}, "'duid' parameter not specified"),
        ("lease6-get-by-duid", {"duid": 1}, "'duid' parameter must be a string"),
        (
            "lease6-get-by-duid",
            {"duid": "xyz"},
            "'xyz' is not a valid string of hexadecimal digits",
        ),
        # checked against Kea 2.2: C whitespace counts for the odd-length rule
        (
            "lease6-get-by-duid",
            {"duid": "01\t02"},
            "'01\t02' is not a valid string of hexadecimal digits",
        ),
        ("lease6-get-by-duid", {"duid": "\t\t"}, "Empty DUIDs are not allowed"),
        (
            "lease6-get",
            {"identifier-type": "hw-address", "identifier": "0102", "subnet-id": 1},
            "invalid format of the decoded string '0102'",
        ),
        ("lease6-get-by-hostname", {"hostname": ""}, "'hostname' parameter is empty"),
        ("lease6-get-all", [1], "get(string) called on a non-map Element"),
        ("lease6-get-all", {"subnets": 1}, "'subnets' parameter must be a list"),
    ],
)
def test_query_errors(command: str, arguments: Any, text: str) -> None:
    async def body(ask: Ask, ctx: CommandContext) -> None:
        assert await ask(command, arguments) == {"result": 1, "text": text}

    scenario()(body)


# ---------------------------------------------------------------- lease6-update / lease6-del


def test_update_statistics_and_force_create() -> None:
    server = LeaseServer()

    async def body(ask: Ask, ctx: CommandContext) -> None:
        missing = await ask("lease6-update", na())
        assert missing == {
            "result": 1,
            "text": "failed to update the lease with address 2001:db8:1::20 either because the "
            "lease has been deleted or it has changed in the database, in both cases a retry "
            "might succeed",
        }
        assert await ask("lease6-update", na(**{"force-create": True})) == {
            "result": 0,
            "text": "IPv6 lease added.",
        }
        assert stat(ctx, "subnet[1].assigned-nas") == 1
        assert await ask("lease6-update", na(state=1, hostname="x")) == {
            "result": 0,
            "text": "IPv6 lease updated.",
        }
        assert stat(ctx, "declined-addresses") == 1
        assert stat(ctx, "subnet[1].assigned-nas") == 1
        got = (await ask("lease6-get", {"ip-address": "2001:db8:1::20"}))["arguments"]
        assert got["state"] == 1 and got["hostname"] == "x"
        await ask("lease6-update", na(state=0))
        assert stat(ctx, "declined-addresses") == 0
        await ask("lease6-update", na(state=2))  # Kea leaves assigned-nas as it was here
        assert stat(ctx, "subnet[1].assigned-nas") == 1
        await ask("lease6-update", na(state=0))  # ...and counts the lease again here
        assert stat(ctx, "subnet[1].assigned-nas") == 2
        assert used(server, "2001:db8:1::20")

    scenario(server)(body)


def test_delete_by_identifier_and_not_found() -> None:
    server = LeaseServer()

    async def body(ask: Ask, ctx: CommandContext) -> None:
        await ask("lease6-add", na())
        query = {"identifier-type": "duid", "identifier": DUID, "iaid": 7, "subnet-id": 1}
        assert await ask("lease6-del", query) == {"result": 0, "text": "IPv6 lease deleted."}
        assert not used(server, "2001:db8:1::20")
        assert stat(ctx, "subnet[1].assigned-nas") == 0
        assert await ask("lease6-del", query) == {"result": 3, "text": "IPv6 lease not found."}
        hw = {"identifier-type": "hw-address", "identifier": "01:02", "subnet-id": 1}
        assert await ask("lease6-del", hw) == {
            "result": 1,
            "text": "Delete by hw-address is not allowed in v6.",
        }

    scenario(server)(body)


def test_delete_with_update_ddns_queues_a_removal() -> None:
    server = LeaseServer(model=dhcp6_config(ddns=True))

    async def body(ask: Ask, ctx: CommandContext) -> None:
        await ask("lease6-add", na(hostname="h.example.org.", **{"fqdn-fwd": True}))
        await ask("lease6-del", {"ip-address": "2001:db8:1::20", "update-ddns": True})
        assert [r.change_type.name for r in server.sink.requests] == ["REMOVE"]

    scenario(server)(body)


# ---------------------------------------------------------------- memfile: durable when answered


def test_changes_are_in_the_lease_file_when_answered(tmp_path: Path) -> None:
    path = tmp_path / "leases6.csv"
    server = LeaseServer(store=memfile(path))

    async def body(ask: Ask, ctx: CommandContext) -> None:
        await ask("lease6-add", na())
        assert "2001:db8:1::20," in path.read_text()
        await ask("lease6-del", {"ip-address": "2001:db8:1::20"})
        rows = [r for r in path.read_text().splitlines() if r.startswith("2001:db8:1::20,")]
        assert len(rows) == 2 and rows[-1].split(",")[2] == "0"  # deletion row: valid 0

    scenario(server)(body)
    reloaded = LeaseServer(store=memfile(path))

    async def check(ask: Ask, ctx: CommandContext) -> None:
        assert (await ask("lease6-get-all"))["result"] == 3

    scenario(reloaded)(check)


def test_write_failure_leaves_nothing_changed(monkeypatch: pytest.MonkeyPatch) -> None:
    server = LeaseServer()

    async def body(ask: Ask, ctx: CommandContext) -> None:

        async def failing_commit(reservation: Any) -> None:
            server.store.rollback(reservation)
            raise LeasePersistError("disk full")

        monkeypatch.setattr(server.store, "commit", failing_commit)
        assert await ask("lease6-add", na()) == {"result": 1, "text": "disk full"}
        assert "subnet[1].assigned-nas" not in ctx.stats
        assert not used(server, "2001:db8:1::20")
        assert await server.store.get(IPv6Address("2001:db8:1::20")) is None

    scenario(server)(body)


# ---------------------------------------------------------------- lease6-wipe / bulk / ddns / write


def test_wipe_one_subnet_and_all() -> None:
    async def body(ask: Ask, ctx: CommandContext) -> None:
        await ask("lease6-add", na(state=1))
        await ask("lease6-add", na("2001:db8:2::1"))
        assert await ask("lease6-wipe", {"subnet-id": 1}) == {
            "result": 0,
            "text": "Deleted 1 IPv6 lease(s) from subnet(s) 1",
        }
        assert stat(ctx, "declined-addresses") == 0
        assert stat(ctx, "subnet[1].assigned-nas") == 0
        assert await ask("lease6-wipe") == {
            "result": 0,
            "text": "Deleted 1 IPv6 lease(s) from subnet(s) 1 2 5",
        }
        assert await ask("lease6-wipe") == {
            "result": 3,
            "text": "Deleted 0 IPv6 lease(s) from subnet(s) 1 2 5",
        }
        assert (await ask("lease6-wipe", {"subnet-id": "1"}))["text"] == (
            "invalid type specified for parameter 'subnet-id' (<wire>:0:0)"
        )

    scenario()(body)


def test_bulk_apply_answers_and_failures() -> None:
    async def body(ask: Ask, ctx: CommandContext) -> None:
        await ask("lease6-add", na())
        answer = await ask(
            "lease6-bulk-apply",
            {
                "deleted-leases": [
                    {"ip-address": "2001:db8:1::20"},
                    {"ip-address": "2001:db8:1::99"},
                    {"identifier-type": "duid", "identifier": "aa", "iaid": 1, "subnet-id": 1},
                ],
                "leases": [na("2001:db8:1::21"), na("2001:db8:1::22", hostname="b")],
            },
        )
        assert answer == {
            "arguments": {
                "failed-deleted-leases": [
                    {
                        "error-message": "lease not found",
                        "ip-address": "2001:db8:1::99",
                        "result": 3,
                        "type": "IA_NA",
                    }
                ]
            },
            "result": 0,
            "text": "Bulk apply of 3 IPv6 leases completed.",
        }
        assert stat(ctx, "subnet[1].assigned-nas") == 2
        nothing = await ask("lease6-bulk-apply", {"leases": []})
        assert nothing == {"result": 3, "text": "Bulk apply of 0 IPv6 leases completed."}
        bad = await ask("lease6-bulk-apply", {"leases": [na("2001:db8:1::23"), {"x": 1}]})
        assert bad == {"result": 1, "text": "missing parameter 'ip-address' (<wire>:0:0)"}
        assert (await ask("lease6-get", {"ip-address": "2001:db8:1::23"}))["result"] == 3
        assert (await ask("lease6-bulk-apply", {}))["text"] == (
            "neither 'deleted-leases' nor 'leases' parameter specified"
        )
        assert (await ask("lease6-bulk-apply", {"leases": 1}))["text"] == (
            "the 'leases' parameter must be a list"
        )

    scenario()(body)


def test_resend_ddns() -> None:
    enabled = LeaseServer(model=dhcp6_config(ddns=True))

    async def body(ask: Ask, ctx: CommandContext) -> None:
        await ask("lease6-add", na(hostname="h.example.org.", **{"fqdn-fwd": True}))
        await ask("lease6-add", na("2001:db8:1::21"))
        await ask("lease6-add", na("2001:db8:1::22", hostname="n.example.org."))
        ok = await ask("lease6-resend-ddns", {"ip-address": "2001:db8:1::20"})
        assert ok == {
            "result": 0,
            "text": "NCR generated for: 2001:db8:1::20, hostname: h.example.org.",
        }
        assert [r.fqdn for r in enabled.sink.requests] == ["h.example.org."]
        cases = [
            ({"ip-address": "2001:db8:1::99"}, 3, "No lease found for: 2001:db8:1::99"),
            (
                {"ip-address": "2001:db8:1::21"},
                1,
                "Lease for: 2001:db8:1::21, has no hostname, nothing to update",
            ),
            (
                {"ip-address": "2001:db8:1::22"},
                1,
                "Neither forward nor reverse updates enabled for lease for: 2001:db8:1::22",
            ),
            ({}, 1, "'ip-address' parameter is missing."),
            ({"ip-address": "x"}, 1, "'x' is not a valid IP address."),
            ({"ip-address": "10.1.1.1"}, 1, "Invalid IPv6 address specified: 10.1.1.1"),
        ]
        for arguments, result, text in cases:
            assert await ask("lease6-resend-ddns", arguments) == {"result": result, "text": text}

    scenario(enabled)(body)

    async def disabled(ask: Ask, ctx: CommandContext) -> None:
        answer = await ask("lease6-resend-ddns", {"ip-address": "2001:db8:1::20"})
        assert answer == {"result": 1, "text": "DDNS updating is not enabled"}

    scenario()(disabled)


def test_write(tmp_path: Path) -> None:
    target = tmp_path / "copy.csv"

    async def body(ask: Ask, ctx: CommandContext) -> None:
        await ask("lease6-add", na())
        answer = await ask("lease6-write", {"filename": str(target)})
        assert answer == {"result": 0, "text": f"IPv6 lease database into '{target}'."}
        lines = target.read_text().splitlines()
        assert lines[0] == HEADER6 and lines[1].startswith("2001:db8:1::20,01:02:03:04:05:06,")
        assert (await ask("lease6-write", {"filename": ""}))[
            "text"
        ] == "'filename' parameter is empty"
        assert (await ask("lease6-write", {}))["text"] == "'filename' parameter not specified"
        assert (await ask("lease6-write"))["text"] == "no parameters specified for the command"

    scenario()(body)


# ---------------------------------------------------------------- stat-lease6-get


def test_stat_lease6_get_result_set() -> None:
    async def body(ask: Ask, ctx: CommandContext) -> None:
        ctx.stats.set("subnet[1].total-nas", 240, NOW)
        ctx.stats.set("subnet[1].cumulative-assigned-nas", 9, NOW)
        await ask("lease6-add", na())
        await ask("lease6-add", na("2001:db8:1::21", state=1))
        await ask("lease6-add", na("2001:db8:1::22", state=2))
        await ask("lease6-add", na("3000:1::", type="IA_PD", **{"prefix-len": 64, "subnet-id": 1}))
        answer = await ask("stat-lease6-get", {"subnet-id": 1})
        assert to_kea_json(answer) == (
            '{ "arguments": { "result-set": { "columns": [ "subnet-id", "total-nas", '
            '"cumulative-assigned-nas", "assigned-nas", "declined-nas", "total-pds", '
            '"cumulative-assigned-pds", "assigned-pds" ], '
            '"rows": [ [ 1, 240, 9, 1, 1, 0, 0, 1 ] ], '
            '"timestamp": "2023-11-14 22:13:20.000000" } }, "result": 0, '
            '"text": "stat-lease6-get[subnet-id=1]: 1 rows found" }'
        )
        every = await ask("stat-lease6-get")
        assert [row[0] for row in every["arguments"]["result-set"]["rows"]] == [1, 2, 5]
        ranged = await ask(
            "stat-lease6-get", {"subnet-range": {"first-subnet-id": 2, "last-subnet-id": 9}}
        )
        assert ranged["text"] == "stat-lease6-get[subnets 2 through 9]: 2 rows found"
        assert await ask("stat-lease6-get", {"subnet-id": 3}) == {
            "arguments": {},
            "result": 3,
            "text": "stat-lease6-get[subnet-id=3]: no matching data, subnet-id: 3 does not exist",
        }
        empty = await ask(
            "stat-lease6-get", {"subnet-range": {"first-subnet-id": 6, "last-subnet-id": 9}}
        )
        assert empty["text"] == (
            "stat-lease6-get[subnets 6 through 9]: no matching data, selected ID range: "
            "6 through 9 includes no known subnets"
        )
        errors = {
            "'subnet-id' parameter is not integer": {"subnet-id": "1"},
            "'subnet-id' parameter must be > 0": {"subnet-id": 0},
            "cannot specify both subnet-id and subnet-range": {"subnet-id": 1, "subnet-range": {}},
            "subnet-range parameter is not a map": {"subnet-range": 1},
            "'first-subnet-id' parameter missing or not an integer": {"subnet-range": {}},
            "'last-subnet-id' must be greater than 'first-subnet-id'": {
                "subnet-range": {"first-subnet-id": 5, "last-subnet-id": 2}
            },
            "'arguments' parameter is not a map": [1],
        }
        for text, arguments in errors.items():
            assert await ask("stat-lease6-get", arguments) == {"result": 1, "text": text}

    scenario()(body)


def test_commands_need_their_hook_library() -> None:
    ctx = lease_context(LeaseServer())
    assert "lease6-add" in ctx.registry.names() and "stat-lease6-get" in ctx.registry.names()
    ctx.registry.set_hooks([])
    answer = asyncio.run(ctx.registry.dispatch({"command": "lease6-add"}, ctx))
    assert answer == {"result": 2, "text": "'lease6-add' command not supported."}


# ---------------------------------------------------------------- Kea's lease_cmds log lines

LEASE_LOGGER = "kea-dhcp6.lease-cmds-hooks"


def lease_log(caplog: pytest.LogCaptureFixture) -> list[tuple[str, str, str]]:
    """(level, Kea message ID, text) of every record on lease_cmds' logger, in order."""
    return [
        (r.levelname, getattr(r, "kea_message_id", ""), r.getMessage())
        for r in caplog.records
        if r.name == LEASE_LOGGER
    ]


def test_add_logs_kea_messages(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger=LEASE_LOGGER)
    arguments = na()

    async def body(ask: Ask, ctx: CommandContext) -> None:
        assert (await ask("lease6-add", arguments))["result"] == 0
        assert (await ask("lease6-add", arguments))["result"] == 1
        assert (await ask("lease6-add", None))["result"] == 1
        await ask("lease6-del", {"ip-address": "2001:db8:1::20"})
        await ask("lease6-update", na(**{"valid-lft": 99}))
        await ask("lease6-wipe", {"subnet-id": 1})
        await ask("lease6-bulk-apply", {"leases": [na("2001:db8:1::30")]})

    scenario()(body)
    shown = to_kea_json(arguments)
    assert shown == '{ "duid": "01:02:03:04:05:06", "iaid": 7, "ip-address": "2001:db8:1::20" }'
    # Kea 2.2 logs only lease6-add and lease6-resend-ddns (lease_cmds.cc): LEASE_CMDS_DEL6 is
    # defined in its message file but never emitted; update, wipe and bulk-apply log nothing.
    assert lease_log(caplog) == [
        ("INFO", "LEASE_CMDS_ADD6", f"lease6-add command successful (parameters: {shown})"),
        (
            "ERROR",
            "LEASE_CMDS_ADD6_FAILED",
            f"Lease6-add command failed (parameters: {shown}, reason: IPv6 lease already exists.)",
        ),
        (
            "ERROR",
            "LEASE_CMDS_ADD6_FAILED",
            "Lease6-add command failed (parameters: (missing parameters), reason: no "
            "parameters specified for the command)",
        ),
    ]


def test_resend_ddns_logs_kea_messages(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger=LEASE_LOGGER)

    async def body(ask: Ask, ctx: CommandContext) -> None:
        await ask("lease6-add", na(hostname="h.example.org.", **{"fqdn-fwd": True}))
        caplog.clear()
        await ask("lease6-resend-ddns", {"ip-address": "2001:db8:1::20"})
        await ask("lease6-resend-ddns", {"ip-address": "2001:db8:1::99"})
        await ask("lease6-resend-ddns", {})

    scenario(LeaseServer(model=dhcp6_config(ddns=True)))(body)
    assert lease_log(caplog) == [
        (
            "INFO",
            "LEASE_CMDS_RESEND_DDNS6",
            "lease6-resend-ddns command successful: NCR generated for: 2001:db8:1::20, "
            "hostname: h.example.org.",
        ),
        (
            "ERROR",
            "LEASE_CMDS_RESEND_DDNS6_FAILED",
            "lease6-resend-ddns command failed: No lease found for: 2001:db8:1::99",
        ),
        (
            "ERROR",
            "LEASE_CMDS_RESEND_DDNS6_FAILED",
            "lease6-resend-ddns command failed: 'ip-address' parameter is missing.",
        ),
    ]
