"""``stat-lease6-get`` of Kea's stat_cmds hook (ARM "stat_cmds: Statistics Commands").

Available while ``hooks-libraries`` names ``libdhcp_stat_cmds.so``. Kea 2.2
``hooks/dhcp/stat_cmds/stat_cmds.cc``: one result-set row per configured subnet selected (all,
``subnet-id``, or ``subnet-range``), in subnet-id order. ``total-*`` and
``cumulative-assigned-*`` come from the statistics, the other columns are counted from the
lease store as Kea's memfile query counts them: ``assigned-nas`` are address leases in the
default state (expired but not reclaimed ones included), ``declined-nas`` address leases in
the declined state, ``assigned-pds`` prefix leases in the default state. The timestamp is the
current UTC time in Kea's ``ptimeToText`` form.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from pukeko.control.answers import CONTROL_RESULT_EMPTY, Answer, answer, error
from pukeko.control.handle import CommandContext
from pukeko.control.registry import Command
from pukeko.leases.model import LeaseState, LeaseType
from pukeko.server.dhcp6 import stats6

HOOK = "libdhcp_stat_cmds.so"
COLUMNS6 = (
    "subnet-id",
    "total-nas",
    "cumulative-assigned-nas",
    "assigned-nas",
    "declined-nas",
    "total-pds",
    "cumulative-assigned-pds",
    "assigned-pds",
)


class _BadValue(Exception):
    """An argument Kea refuses (``BadValue``)."""


class _NotFound(Exception):
    """No configured subnet is selected."""


def _positive(value: Any, name: str, missing: str) -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        raise _BadValue(missing)
    if value <= 0:
        raise _BadValue(f"'{name}' parameter must be > 0")
    return value


def selection(arguments: Any) -> tuple[int, int, str]:
    """(first id, last id, mode text) from the arguments (``getParameters``)."""
    if arguments is None:
        return 0, 0, "[all subnets]"
    if not isinstance(arguments, dict):
        raise _BadValue("'arguments' parameter is not a map")
    first = last = 0
    mode = "[all subnets]"
    if "subnet-id" in arguments:
        first = _positive(
            arguments["subnet-id"], "subnet-id", "'subnet-id' parameter is not integer"
        )
        mode = f"[subnet-id={first}]"
    if "subnet-range" in arguments:
        if "subnet-id" in arguments:
            raise _BadValue("cannot specify both subnet-id and subnet-range")
        scope = arguments["subnet-range"]
        if not isinstance(scope, dict):
            raise _BadValue("subnet-range parameter is not a map")
        first = _positive(
            scope.get("first-subnet-id"),
            "first-subnet-id",
            "'first-subnet-id' parameter missing or not an integer",
        )
        last = _positive(
            scope.get("last-subnet-id"),
            "last-subnet-id",
            "'last-subnet-id' parameter missing or not an integer",
        )
        if last < first:
            raise _BadValue("'last-subnet-id' must be greater than 'first-subnet-id'")
        mode = f"[subnets {first} through {last}]"
    return first, last, mode


def _selected_ids(ctx: CommandContext, first: int, last: int, mode: str) -> list[int]:
    ids = sorted(subnet.id for subnet in ctx.server.running_config().all_subnets)
    if mode.startswith("[subnet-id="):
        if first not in ids:
            raise _NotFound(f"subnet-id: {first} does not exist")
        ids = [first]
    elif last:
        ids = [one for one in ids if first <= one <= last]
    if not ids:
        raise _NotFound(f"selected ID range: {first} through {last} includes no known subnets")
    return ids


def _stat(ctx: CommandContext, subnet_id: int, name: str) -> int:
    value = ctx.stats.value(stats6.subnet_stat(subnet_id, name))
    return value if isinstance(value, int) else 0


def _row(ctx: CommandContext, subnet_id: int) -> list[int]:
    view = ctx.server.lease_store6().view
    return [
        subnet_id,
        _stat(ctx, subnet_id, stats6.TOTAL_NAS),
        _stat(ctx, subnet_id, stats6.CUMULATIVE_ASSIGNED_NAS),
        view.count(subnet_id, LeaseType.NA, LeaseState.DEFAULT),
        view.count(subnet_id, LeaseType.NA, LeaseState.DECLINED),
        _stat(ctx, subnet_id, stats6.TOTAL_PDS),
        _stat(ctx, subnet_id, stats6.CUMULATIVE_ASSIGNED_PDS),
        view.count(subnet_id, LeaseType.PD, LeaseState.DEFAULT),
    ]


def ptime_text(now: float) -> str:
    """Kea's ``ptimeToText`` of a UTC time: ``2023-11-14 22:13:20.000000``."""
    return datetime.fromtimestamp(now, UTC).strftime("%Y-%m-%d %H:%M:%S.%f")


async def stat_lease6_get(arguments: Any, ctx: CommandContext) -> Answer:
    """``stat-lease6-get``: per-subnet lease statistics as a result set."""
    try:
        first, last, mode = selection(arguments)
    except _BadValue as exc:
        return error(str(exc))
    try:
        ids = _selected_ids(ctx, first, last, mode)
    except _NotFound as exc:
        text = f"stat-lease6-get{mode}: no matching data, {exc}"
        return answer(CONTROL_RESULT_EMPTY, text, {})
    rows = [_row(ctx, one) for one in ids]
    result_set = {"columns": list(COLUMNS6), "rows": rows, "timestamp": ptime_text(ctx.clock())}
    text = f"stat-lease6-get{mode}: {len(rows)} rows found"
    return answer(0, text, {"result-set": result_set})


STAT_LEASE_COMMANDS: tuple[Command, ...] = (
    Command("stat-lease6-get", stat_lease6_get, frozenset({6}), hook=HOOK),
)
