"""What the DHCPv6 lease commands share: Kea's error answers, lookups and lease changes.

Lookups are Kea 2.2's ``LeaseMgr`` calls the lease_cmds hook makes (``lease_cmds.cc``);
changes go through the daemon (``ServerHandle.apply_lease_changes``: reserved, committed
durably, allocation state following) and then move the statistics as Kea's lease commands do.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from functools import wraps
from ipaddress import IPv6Address
from typing import Any

from pukeko.control.answers import CONTROL_RESULT_EMPTY, Answer, answer, built_in_slices, error
from pukeko.control.handle import CommandContext
from pukeko.control.lease6_args import ArgumentError, Query, lease6_element
from pukeko.control.lease6_stats import on_add, on_delete, on_update
from pukeko.control.registry import log_message
from pukeko.ddns.leases import lease6_request
from pukeko.ddns.ncr import ChangeType
from pukeko.leases.model import ChangeKind, Lease6, LeaseChange, LeaseType
from pukeko.leases.store import DuplicateLeaseError, LeaseNotFoundError, LeaseStoreError

HOOK = "libdhcp_lease_cmds.so"
FAMILY6 = frozenset({6})
Handler = Callable[[Any, CommandContext], Awaitable[Answer]]


def kea_hook(handler: Handler) -> Handler:
    """Answer an argument or store failure with result 1 and its text, as Kea's handlers do."""

    @wraps(handler)
    async def run(arguments: Any, ctx: CommandContext) -> Answer:
        try:
            return await handler(arguments, ctx)
        except (ArgumentError, LeaseStoreError, OSError, ValueError) as exc:
            return error(str(exc) or type(exc).__name__)

    return run


def now_seconds(ctx: CommandContext) -> int:
    return int(ctx.clock())


def found_answer(leases: Sequence[Lease6], extra: dict[str, Any] | None = None) -> Answer:
    """``N IPv6 lease(s) found.`` with the leases: result 0, or 3 when there are none."""
    return _found(leases, [lease6_element(lease) for lease in leases], extra)


async def found_answer_yielding(leases: Sequence[Lease6]) -> Answer:
    """:func:`found_answer`, giving the event loop a turn every ``RENDER_SLICE`` leases."""
    return _found(leases, await built_in_slices(leases, lease6_element), None)


def _found(
    leases: Sequence[Lease6], elements: list[dict[str, Any]], extra: dict[str, Any] | None
) -> Answer:
    arguments: dict[str, Any] = {"leases": elements}
    arguments.update(extra or {})
    code = 0 if leases else CONTROL_RESULT_EMPTY
    return answer(code, f"{len(leases)} IPv6 lease(s) found.", arguments)


def log_event(ctx: CommandContext, level: int, message_id: str, text: str) -> None:
    log_message(
        logging.getLogger(f"kea-dhcp{ctx.family}.lease-cmds-hooks"), level, message_id, text
    )


# ---------------------------------------------------------------- store access


def by_address(ctx: CommandContext, lease_type: LeaseType, address: IPv6Address) -> Lease6 | None:
    return ctx.server.lease_store6().view.get(lease_type, address)


def by_identifier(ctx: CommandContext, query: Query) -> Lease6 | None:
    """``LeaseMgr::getLease6(type, duid, iaid, subnet-id)``: at most one lease."""
    view = ctx.server.lease_store6().view
    found = [
        lease
        for lease in view.by_client(query.duid, query.iaid, query.lease_type)
        if lease.subnet_id == query.subnet_id
    ]
    if len(found) > 1:
        raise ArgumentError(
            f"More than one lease found for type {int(query.lease_type)}, duid "
            f"{query.duid.hex(':')}, iaid {query.iaid} and subnet-id {query.subnet_id}"
        )
    return found[0] if found else None


def lookup(ctx: CommandContext, query: Query, what: str) -> Lease6 | None:
    """The lease a lease6-get / lease6-del query names (``what``: "Query" or "Delete")."""
    if query.by == "address":
        return by_address(ctx, query.lease_type, query.address)
    if query.by == "duid":
        return by_identifier(ctx, query)
    if query.by == "hw-address":
        raise ArgumentError(f"{what} by hw-address is not allowed in v6.")
    if query.by == "client-id":
        raise ArgumentError("Query by client-id is not allowed in v6.")
    return by_address(ctx, query.lease_type, IPv6Address(0))  # identifier-type "address"


async def change(ctx: CommandContext, kind: ChangeKind, lease: Lease6) -> None:
    await ctx.server.apply_lease_changes([LeaseChange(kind, lease)])


async def add(ctx: CommandContext, lease: Lease6) -> None:
    await change(ctx, ChangeKind.ADD, lease)
    ctx.stats.apply(on_add(lease), ctx.clock())


async def delete(ctx: CommandContext, lease: Lease6) -> bool:
    """Delete a lease; False when it is not (or no longer) there."""
    try:
        await change(ctx, ChangeKind.DELETE, lease)
    except LeaseNotFoundError:
        return False
    ctx.stats.apply(on_delete(lease), ctx.clock())
    return True


async def add_or_update(ctx: CommandContext, lease: Lease6, force_create: bool) -> bool:
    """``addOrUpdate6``: True when the lease was added (only with ``force_create``)."""
    existing = by_address(ctx, lease.lease_type, lease.address)
    if existing is None and force_create:
        try:
            await add(ctx, lease)
        except DuplicateLeaseError:
            raise ArgumentError("lost race between calls to get and add") from None
        return True
    if existing is None:
        raise ArgumentError(
            f"failed to update the lease with address {lease.address} either because the "
            "lease has been deleted or it has changed in the database, in both cases a "
            "retry might succeed"
        )
    await change(ctx, ChangeKind.UPDATE, lease)
    ctx.stats.apply(on_update(existing, lease), ctx.clock())
    return False


def queue_ncr(ctx: CommandContext, change: ChangeType, lease: Lease6) -> bool:
    """Kea's ``queueNCR``: hand a request for ``lease`` to the sink when DDNS is enabled."""
    config = ctx.server.running_config()
    if config.dhcp_ddns.get("enable-updates") is not True:
        return False
    subnet = config.subnet(lease.subnet_id)
    resolution = True if subnet is None else subnet.params.ddns.use_conflict_resolution
    try:
        request = lease6_request(change, lease, resolution)
    except ValueError as exc:
        text = f"{lease.address}: queueNCR failed: {exc}"
        log_event(ctx, logging.ERROR, "DHCPSRV_QUEUE_NCR_FAILED", text)
        return False
    if request is None:
        return False
    ctx.server.name_change_sink().submit([request], ctx.clock())
    return True
