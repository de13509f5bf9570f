"""The ``statistic-*`` commands (ARM "Commands for Manipulating Statistics").

Arguments, answers and texts follow Kea 2.2 ``lib/stats/stats_mgr.cc`` (the handlers and
getStatName / getStatDuration / getStatMaxSamples); the ``-set-all`` variants also record the new
default in the running configuration, as ``ctrl_dhcp6_srv.cc`` does.
"""

from __future__ import annotations

from typing import Any

from pukeko.control.answers import Answer, built_in_slices, error, success
from pukeko.control.handle import CommandContext
from pukeko.control.registry import Command, CommandError, arguments_map
from pukeko.server.stats import render_one, render_samples


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _stat_name(arguments: Any) -> tuple[str, str]:
    """(name, error text or "") from the mandatory ``name`` argument."""
    name = arguments_map(arguments).get("name")
    if name is None:
        return "", "Missing mandatory 'name' parameter."
    if not isinstance(name, str):
        return "", "'name' parameter expected to be a string."
    return name, ""


def _duration(arguments: Any) -> tuple[int, str]:
    """(seconds, error text or "") from the mandatory ``duration`` argument."""
    duration = arguments_map(arguments).get("duration")
    if duration is None:
        return 0, "Missing mandatory 'duration' parameter."
    if not _is_int(duration):  # Kea calls intValue(), which throws a TypeError
        raise CommandError("intValue() called on non-integer Element")
    return int(duration), ""


def _max_samples(arguments: Any) -> tuple[int, str]:
    """(max-samples as Kea's uint32, error text or "") from the mandatory ``max-samples``."""
    count = arguments_map(arguments).get("max-samples")
    if count is None:
        return 0, "Missing mandatory 'max-samples' parameter."
    if not _is_int(count):
        return 0, "'max-samples' parameter expected to be an integer."
    return int(count) & 0xFFFFFFFF, ""


def _not_found(name: str) -> Answer:
    return error(f"No '{name}' statistic found")


async def statistic_get(arguments: Any, ctx: CommandContext) -> Answer:
    """``statistic-get``: ``{name: [[value, timestamp], ...]}`` newest first, ``{}`` if unknown."""
    name, problem = _stat_name(arguments)
    if problem:
        return error(problem)
    return success(arguments=render_one(ctx.stats, name, ctx.tz))


async def statistic_get_all(arguments: Any, ctx: CommandContext) -> Answer:
    """``statistic-get-all``: every statistic's samples (built in slices: with thousands of
    subnets there are tens of thousands of statistics)."""
    every = ctx.stats.get_all()  # in name order, as Kea's std::map
    rendered = await built_in_slices(list(every.values()), lambda obs: render_samples(obs, ctx.tz))
    return success(arguments=dict(zip(every, rendered, strict=True)))


async def statistic_reset(arguments: Any, ctx: CommandContext) -> Answer:
    """``statistic-reset``: set one statistic back to its neutral value."""
    name, problem = _stat_name(arguments)
    if problem:
        return error(problem)
    if not ctx.stats.reset(name, ctx.clock()):
        return _not_found(name)
    return success(f"Statistic '{name}' reset.")


async def statistic_reset_all(arguments: Any, ctx: CommandContext) -> Answer:
    """``statistic-reset-all``: every statistic back to its neutral value."""
    ctx.stats.reset_all(ctx.clock())
    return success("All statistics reset to neutral values.")


async def statistic_remove(arguments: Any, ctx: CommandContext) -> Answer:
    """``statistic-remove``: forget one statistic."""
    name, problem = _stat_name(arguments)
    if problem:
        return error(problem)
    if not ctx.stats.remove(name):
        return _not_found(name)
    return success(f"Statistic '{name}' removed.")


async def statistic_remove_all(arguments: Any, ctx: CommandContext) -> Answer:
    """``statistic-remove-all`` (deprecated in Kea 2.2): forget every statistic."""
    ctx.stats.remove_all()
    return success("Warning: statistic-remove-all command is deprecated. All statistics removed.")


async def statistic_sample_age_set(arguments: Any, ctx: CommandContext) -> Answer:
    """``statistic-sample-age-set``: limit one statistic's history by age (seconds)."""
    name, problem = _stat_name(arguments)
    if problem:
        return error(problem)
    seconds, problem = _duration(arguments)
    if problem:
        return error(problem)
    if not ctx.stats.set_max_sample_age(name, seconds):
        return _not_found(name)
    return success(f"Statistic '{name}' duration limit is set.")


async def statistic_sample_count_set(arguments: Any, ctx: CommandContext) -> Answer:
    """``statistic-sample-count-set``: limit one statistic's history by sample count."""
    name, problem = _stat_name(arguments)
    if problem:
        return error(problem)
    count, problem = _max_samples(arguments)
    if problem:
        return error(problem)
    if not ctx.stats.set_max_sample_count(name, count):
        return _not_found(name)
    return success(f"Statistic '{name}' count limit is set.")


async def statistic_sample_age_set_all(arguments: Any, ctx: CommandContext) -> Answer:
    """``statistic-sample-age-set-all``: every statistic (and the default) limited by age."""
    seconds, problem = _duration(arguments)
    if problem:
        return error(problem)
    ctx.stats.set_max_sample_age_all(seconds)
    ctx.server.set_configured_global("statistic-default-sample-age", seconds)
    return success("All statistics duration limit are set.")


async def statistic_sample_count_set_all(arguments: Any, ctx: CommandContext) -> Answer:
    """``statistic-sample-count-set-all``: every statistic (and the default) limited by count."""
    count, problem = _max_samples(arguments)
    if problem:
        return error(problem)
    if count == 0:
        return error("'max-samples' parameter must not be zero")
    ctx.stats.set_max_sample_count_all(count)
    ctx.server.set_configured_global(
        "statistic-default-sample-count", ctx.stats.max_sample_count_default
    )
    return success("All statistics count limit are set.")


STATS_COMMANDS: tuple[Command, ...] = (
    Command("statistic-get", statistic_get),
    Command("statistic-get-all", statistic_get_all),
    Command("statistic-remove", statistic_remove),
    Command("statistic-remove-all", statistic_remove_all),
    Command("statistic-reset", statistic_reset),
    Command("statistic-reset-all", statistic_reset_all),
    Command("statistic-sample-age-set", statistic_sample_age_set),
    Command("statistic-sample-age-set-all", statistic_sample_age_set_all),
    Command("statistic-sample-count-set", statistic_sample_count_set),
    Command("statistic-sample-count-set-all", statistic_sample_count_set_all),
)
