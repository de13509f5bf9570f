"""The statistic-* commands: Kea 2.2's arguments, answer shapes and texts."""

from __future__ import annotations

from typing import Any

import pytest
from tests.support.control_fake import NOW, FakeServer, make_context, run

from pukeko.control.handle import CommandContext

TS0 = "2023-11-14 22:13:20.000000"  # NOW in UTC
TS1 = "2023-11-14 22:13:21.000000"


@pytest.fixture
def ctx() -> CommandContext:
    context = make_context(6, FakeServer())
    context.stats.set("pkt6-received", 0, NOW)
    context.stats.add("pkt6-received", 5, NOW + 1)
    context.stats.set("subnet[1].total-nas", 240, NOW)
    return context


def _cmd(ctx: CommandContext, command: str, arguments: Any = None) -> dict[str, Any]:
    message: dict[str, Any] = {"command": command}
    if arguments is not None:
        message["arguments"] = arguments
    return run(ctx, message)


def test_get_returns_samples_newest_first(ctx: CommandContext) -> None:
    got = _cmd(ctx, "statistic-get", {"name": "pkt6-received"})
    assert got == {"arguments": {"pkt6-received": [[5, TS1], [0, TS0]]}, "result": 0}


def test_get_unknown_is_empty_map(ctx: CommandContext) -> None:
    assert _cmd(ctx, "statistic-get", {"name": "nope"}) == {"arguments": {}, "result": 0}


def test_get_all(ctx: CommandContext) -> None:
    assert _cmd(ctx, "statistic-get-all") == {
        "arguments": {
            "pkt6-received": [[5, TS1], [0, TS0]],
            "subnet[1].total-nas": [[240, TS0]],
        },
        "result": 0,
    }


@pytest.mark.parametrize(
    "command",
    [
        "statistic-get",
        "statistic-reset",
        "statistic-remove",
        "statistic-sample-age-set",
        "statistic-sample-count-set",
    ],
)
@pytest.mark.parametrize(
    ("arguments", "text"),
    [
        (None, "Missing mandatory 'name' parameter."),
        ({}, "Missing mandatory 'name' parameter."),
        ({"name": 1}, "'name' parameter expected to be a string."),
        ([1], "Error during command processing: get(string) called on a non-map Element"),
    ],
)
def test_name_checks(ctx: CommandContext, command: str, arguments: Any, text: str) -> None:
    assert _cmd(ctx, command, arguments) == {"result": 1, "text": text}


@pytest.mark.parametrize(
    ("command", "extra"),
    [
        ("statistic-reset", {}),
        ("statistic-remove", {}),
        ("statistic-sample-age-set", {"duration": 5}),
        ("statistic-sample-count-set", {"max-samples": 5}),
    ],
)
def test_unknown_name_not_found(ctx: CommandContext, command: str, extra: dict[str, Any]) -> None:
    got = _cmd(ctx, command, {"name": "nope", **extra})
    assert got == {"result": 1, "text": "No 'nope' statistic found"}


def test_reset(ctx: CommandContext) -> None:
    got = _cmd(ctx, "statistic-reset", {"name": "pkt6-received"})
    assert got == {"result": 0, "text": "Statistic 'pkt6-received' reset."}
    assert _cmd(ctx, "statistic-get", {"name": "pkt6-received"})["arguments"] == {
        "pkt6-received": [[0, TS0]]
    }


def test_reset_all(ctx: CommandContext) -> None:
    got = _cmd(ctx, "statistic-reset-all")
    assert got == {"result": 0, "text": "All statistics reset to neutral values."}
    assert ctx.stats.value("subnet[1].total-nas") == 0


def test_remove_and_remove_all(ctx: CommandContext) -> None:
    got = _cmd(ctx, "statistic-remove", {"name": "pkt6-received"})
    assert got == {"result": 0, "text": "Statistic 'pkt6-received' removed."}
    assert ctx.stats.names() == ["subnet[1].total-nas"]
    got = _cmd(ctx, "statistic-remove-all")
    assert got == {
        "result": 0,
        "text": "Warning: statistic-remove-all command is deprecated. All statistics removed.",
    }
    assert _cmd(ctx, "statistic-get-all") == {"arguments": {}, "result": 0}


def test_sample_count_set(ctx: CommandContext) -> None:
    got = _cmd(ctx, "statistic-sample-count-set", {"name": "pkt6-received", "max-samples": 1})
    assert got == {"result": 0, "text": "Statistic 'pkt6-received' count limit is set."}
    assert _cmd(ctx, "statistic-get", {"name": "pkt6-received"})["arguments"] == {
        "pkt6-received": [[5, TS1]]
    }


def test_sample_age_set(ctx: CommandContext) -> None:
    got = _cmd(ctx, "statistic-sample-age-set", {"name": "pkt6-received", "duration": 0})
    assert got == {"result": 0, "text": "Statistic 'pkt6-received' duration limit is set."}
    obs = ctx.stats.get("pkt6-received")
    assert obs is not None and len(obs.samples) == 1


@pytest.mark.parametrize("command", ["statistic-sample-age-set", "statistic-sample-age-set-all"])
def test_duration_checks(ctx: CommandContext, command: str) -> None:
    base = {"name": "pkt6-received"}
    assert _cmd(ctx, command, base) == {
        "result": 1,
        "text": "Missing mandatory 'duration' parameter.",
    }
    assert _cmd(ctx, command, {**base, "duration": "x"}) == {
        "result": 1,
        "text": "Error during command processing: intValue() called on non-integer Element",
    }


@pytest.mark.parametrize(
    "command", ["statistic-sample-count-set", "statistic-sample-count-set-all"]
)
def test_max_samples_checks(ctx: CommandContext, command: str) -> None:
    base = {"name": "pkt6-received"}
    assert _cmd(ctx, command, base) == {
        "result": 1,
        "text": "Missing mandatory 'max-samples' parameter.",
    }
    assert _cmd(ctx, command, {**base, "max-samples": True}) == {
        "result": 1,
        "text": "'max-samples' parameter expected to be an integer.",
    }


def test_set_all_without_arguments(ctx: CommandContext) -> None:
    assert _cmd(ctx, "statistic-sample-age-set-all")["text"] == (
        "Missing mandatory 'duration' parameter."
    )
    assert _cmd(ctx, "statistic-sample-count-set-all")["text"] == (
        "Missing mandatory 'max-samples' parameter."
    )


def test_count_set_all(ctx: CommandContext) -> None:
    server = ctx.server
    assert isinstance(server, FakeServer)
    got = _cmd(ctx, "statistic-sample-count-set-all", {"max-samples": 0})
    assert got == {"result": 1, "text": "'max-samples' parameter must not be zero"}
    got = _cmd(ctx, "statistic-sample-count-set-all", {"max-samples": 1})
    assert got == {"result": 0, "text": "All statistics count limit are set."}
    obs = ctx.stats.get("pkt6-received")
    assert obs is not None and len(obs.samples) == 1
    assert server.globals_set == {"statistic-default-sample-count": 1}


def test_age_set_all(ctx: CommandContext) -> None:
    server = ctx.server
    assert isinstance(server, FakeServer)
    got = _cmd(ctx, "statistic-sample-age-set-all", {"duration": 0})
    assert got == {"result": 0, "text": "All statistics duration limit are set."}
    obs = ctx.stats.get("pkt6-received")
    assert obs is not None and len(obs.samples) == 1
    assert ctx.stats.max_sample_count_default == 0
    assert server.globals_set == {"statistic-default-sample-age": 0}
