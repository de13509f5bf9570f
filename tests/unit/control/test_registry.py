"""The command registry: envelope checks, dispatch, failures turned into answers."""

from __future__ import annotations

import asyncio
import re
from typing import Any

import pytest
from tests.support.control_fake import make_context, run

from pukeko.control import server_registry
from pukeko.control.answers import answer, success
from pukeko.control.handle import CommandContext
from pukeko.control.registry import Command, DuplicateCommand, Registry, parse_command

KEA_DHCP6_COMMANDS = [  # kea-dhcp6 2.2 list-commands, minus libreload (no C++ hook libraries)
    "build-report",
    "config-backend-pull",
    "config-get",
    "config-reload",
    "config-set",
    "config-test",
    "config-write",
    "dhcp-disable",
    "dhcp-enable",
    "leases-reclaim",
    "list-commands",
    "server-tag-get",
    "shutdown",
    "statistic-get",
    "statistic-get-all",
    "statistic-remove",
    "statistic-remove-all",
    "statistic-reset",
    "statistic-reset-all",
    "statistic-sample-age-set",
    "statistic-sample-age-set-all",
    "statistic-sample-count-set",
    "statistic-sample-count-set-all",
    "status-get",
    "version-get",
]


async def _echo(arguments: Any, ctx: CommandContext) -> dict[str, Any]:
    return success("echo", {"got": arguments})


async def _boom(arguments: Any, ctx: CommandContext) -> dict[str, Any]:
    raise RuntimeError("handler exploded")


async def _not_an_answer(arguments: Any, ctx: CommandContext) -> dict[str, Any]:
    return {"text": "no result"}


def test_list_commands_is_the_registry_sorted() -> None:
    ctx = make_context()
    assert run(ctx, {"command": "list-commands"}) == {"arguments": KEA_DHCP6_COMMANDS, "result": 0}


def test_list_commands_reflects_additions_and_removals() -> None:
    ctx = make_context()
    ctx.registry.add(Command("aaa-echo", _echo))
    ctx.registry.remove("shutdown")
    names = run(ctx, {"command": "list-commands"})["arguments"]
    assert names[0] == "aaa-echo"
    assert "shutdown" not in names


def test_unknown_command_is_result_2() -> None:
    assert run(make_context(), {"command": "xyz"}) == {
        "result": 2,
        "text": "'xyz' command not supported.",
    }


def test_service_is_accepted_and_ignored() -> None:
    ctx = make_context()
    ctx.registry.add(Command("echo", _echo))
    got = run(ctx, {"command": "echo", "service": ["dhcp4"], "arguments": {"a": 1}})
    assert got == {"arguments": {"got": {"a": 1}}, "result": 0, "text": "echo"}
    got = run(ctx, {"command": "echo", "remote-address": "192.0.2.1"})
    assert got["arguments"] == {"got": None}


@pytest.mark.parametrize(
    ("command", "text"),
    [
        ([1], "Invalid command Element specified, expected map"),
        ({"x": 1}, "Invalid answer specified, does not contain mandatory 'command'"),
        ({"command": 1}, "'command' element in command message is not a string"),
        (
            {"command": "list-commands", "foo": 1},
            "Received command contains unsupported parameter 'foo'",
        ),
    ],
)
def test_bad_envelope_is_kea_processing_error(command: Any, text: str) -> None:
    got = run(make_context(), command)
    assert got == {"result": 1, "text": "Error during command processing: " + text}


def test_raw_bytes_and_text_are_parsed() -> None:
    ctx = make_context()
    assert run(ctx, b'{"command": "xyz"}')["result"] == 2
    assert run(ctx, '{"command": "xyz"}')["result"] == 2


@pytest.mark.parametrize(
    ("raw", "start"),
    [
        (b'{"command": "list-commands",}', "Expecting property name enclosed in double quotes"),
        (b"\xff\xfe", "command is not valid UTF-8"),
        (b"[" * 100_000 + b"]" * 100_000, "<wire>: JSON nested too deeply"),
    ],
)
def test_malformed_json_is_an_error_answer(raw: bytes, start: str) -> None:
    got = run(make_context(), raw)
    assert got["result"] == 1
    assert got["text"].startswith(start)


def test_handler_exception_becomes_result_1() -> None:
    ctx = make_context()
    ctx.registry.add(Command("boom", _boom))
    assert run(ctx, {"command": "boom"}) == {
        "result": 1,
        "text": "Error during command processing: handler exploded",
    }


def test_handler_without_result_gets_internal_error() -> None:
    ctx = make_context()
    ctx.registry.add(Command("bad", _not_an_answer))
    assert run(ctx, {"command": "bad"}) == {
        "result": 1,
        "text": "internal server error: no response generated",
    }


def test_argument_check_runs_before_handler() -> None:
    ctx = make_context()

    def needs_map(arguments: Any) -> str | None:
        return None if isinstance(arguments, dict) else "arguments must be a map"

    ctx.registry.add(Command("checked", _echo, check=needs_map))
    assert run(ctx, {"command": "checked", "arguments": [1]}) == {
        "result": 1,
        "text": "arguments must be a map",
    }
    assert run(ctx, {"command": "checked", "arguments": {}})["result"] == 0


def test_families_filter_commands() -> None:
    registry = Registry(4, [Command("v6-only", _echo, frozenset({6})), Command("both", _echo)])
    assert registry.names() == ["both"]
    assert server_registry(4).names() == KEA_DHCP6_COMMANDS


def test_duplicate_and_missing_names() -> None:
    registry = Registry(6, [Command("a", _echo)])
    duplicate = re.escape("Handler for command 'a' is already installed.")
    with pytest.raises(DuplicateCommand, match=duplicate):
        registry.add(Command("a", _echo))
    with pytest.raises(KeyError):
        registry.remove("zzz")
    with pytest.raises(ValueError, match="list-commands"):
        registry.remove("list-commands")


def test_commands_run_one_at_a_time() -> None:
    ctx = make_context()
    active: list[int] = []
    overlaps: list[int] = []

    async def slow(arguments: Any, context: CommandContext) -> dict[str, Any]:
        active.append(1)
        overlaps.append(len(active))
        await asyncio.sleep(0.01)
        active.pop()
        return answer(0)

    ctx.registry.add(Command("slow", slow))

    async def many() -> list[dict[str, Any]]:
        jobs = [ctx.registry.dispatch({"command": "slow"}, ctx) for _ in range(5)]
        return await asyncio.gather(*jobs)

    assert asyncio.run(many()) == [{"result": 0}] * 5
    assert overlaps == [1] * 5


def test_parse_command_returns_name_and_arguments() -> None:
    assert parse_command({"command": "x", "arguments": {"a": 1}}) == ("x", {"a": 1})
    assert parse_command({"command": "x"}) == ("x", None)


async def _hooked(arguments: object, context: object) -> dict[str, object]:
    return {"result": 0, "text": "hooked"}


def test_hook_commands_exist_only_while_their_library_is_configured() -> None:
    registry = Registry(6, [Command("lease6-get", _hooked, hook="libdhcp_lease_cmds.so")])
    assert "lease6-get" not in registry.names() and registry.get("lease6-get") is None
    registry.set_hooks(["/usr/lib/x86_64-linux-gnu/kea/hooks/libdhcp_lease_cmds.so"])
    assert "lease6-get" in registry.names() and registry.get("lease6-get") is not None
    registry.set_hooks([])
    assert registry.get("lease6-get") is None
