"""The DHCPv6 lease commands of Kea's lease_cmds hook (ARM "lease_cmds: Lease Commands").

Available while ``hooks-libraries`` names ``libdhcp_lease_cmds.so``. Arguments, texts, result
codes (0 success, 1 error, 3 empty / not found) and answer shapes follow Kea 2.2
``hooks/dhcp/lease_cmds/lease_cmds.cc``; the argument checks are in :mod:`lease6_args`.
Every change goes through the daemon as the engine's do (``apply_lease_changes``: reserved,
committed durably, allocation state following) before the answer; statistics then move as
Kea's lease commands move them (:mod:`lease6_stats`).

Pukeko differences: ``lease6-write`` (Kea 2.4's memfile command, not in Kea 2.2) writes the
copy atomically and refuses the live lease file; results listed per subnet, DUID or hostname
come in address order (Kea's memfile gives its insertion order); a bulk deletion by address of
a lease held under another type counts as not found (Kea 2.2 would delete it by address).
"""

from __future__ import annotations

import logging
import sys
from ipaddress import IPv6Address
from typing import Any

from pukeko.control.answers import (
    CONTROL_RESULT_EMPTY,
    Answer,
    answer,
    error,
    success,
    to_kea_json,
)
from pukeko.control.commands_leases6_bulk import (
    lease6_bulk_apply,
    lease6_resend_ddns,
    lease6_wipe,
    lease6_write,
)
from pukeko.control.handle import CommandContext
from pukeko.control.lease6_args import (
    UINT32_MAX,
    ArgumentError,
    duid_from_text,
    element_get,
    is_int,
    lease6_element,
    parse_address,
    parse_lease6,
    present,
    query_parameters,
)
from pukeko.control.lease6_ops import (
    FAMILY6,
    HOOK,
    add,
    add_or_update,
    delete,
    found_answer,
    found_answer_yielding,
    kea_hook,
    log_event,
    lookup,
    now_seconds,
    queue_ncr,
)
from pukeko.control.registry import Command
from pukeko.ddns.ncr import ChangeType
from pukeko.leases.model import Lease6, LeaseType
from pukeko.leases.store import DuplicateLeaseError, LeaseStoreError

MISSING_PARAMETERS = "(missing parameters)"  # Kea's log text for a command without arguments
# What the lease handlers (lease6_ops.kea_hook) answer with result 1 and the exception's text.
HOOK_ERRORS = (ArgumentError, LeaseStoreError, OSError, ValueError)

# ---------------------------------------------------------------- lease6-add / -update / -del


async def _add6(arguments: Any, ctx: CommandContext) -> str:
    """Add the lease ``arguments`` describe; the success text."""
    if arguments is None:
        raise ArgumentError("no parameters specified for the command")
    lease, _force = parse_lease6(ctx.server.running_config(), arguments, now_seconds(ctx))
    try:
        await add(ctx, lease)
    except DuplicateLeaseError:
        raise ArgumentError("IPv6 lease already exists.") from None
    if lease.lease_type == LeaseType.NA:
        return f"Lease for address {lease.address}, subnet-id {lease.subnet_id} added."
    return (
        f"Lease for prefix {lease.address}/{lease.prefix_len}, subnet-id {lease.subnet_id} added."
    )


async def lease6_add(arguments: Any, ctx: CommandContext) -> Answer:
    """``lease6-add``: add one lease (an address already leased is an error).

    Logs Kea's LEASE_CMDS_ADD6 (INFO) or LEASE_CMDS_ADD6_FAILED (ERROR) with the arguments as
    Kea renders them (lease_cmds.cc leaseAddHandler; "Lease6-add" capitalised as in Kea 2.2).
    """
    parameters = to_kea_json(arguments) if arguments is not None else MISSING_PARAMETERS
    try:
        text = await _add6(arguments, ctx)
    except Exception as exc:
        reason = str(exc) or type(exc).__name__
        failed = f"Lease6-add command failed (parameters: {parameters}, reason: {reason})"
        log_event(ctx, logging.ERROR, "LEASE_CMDS_ADD6_FAILED", failed)
        if isinstance(exc, HOOK_ERRORS):
            return error(reason)
        raise
    done = f"lease6-add command successful (parameters: {parameters})"
    log_event(ctx, logging.INFO, "LEASE_CMDS_ADD6", done)
    return success(text)


@kea_hook
async def lease6_update(arguments: Any, ctx: CommandContext) -> Answer:
    """``lease6-update``: replace a lease (``force-create`` adds a missing one)."""
    if arguments is None:
        raise ArgumentError("no parameters specified for lease6-update command")
    lease, force = parse_lease6(ctx.server.running_config(), arguments, now_seconds(ctx))
    added = await add_or_update(ctx, lease, force)
    return success("IPv6 lease added." if added else "IPv6 lease updated.")


@kea_hook
async def lease6_del(arguments: Any, ctx: CommandContext) -> Answer:
    """``lease6-del``: delete by address (+type) or by DUID + IAID + subnet-id."""
    query = query_parameters(arguments)
    if query.by == "client-id":
        raise ArgumentError("Unknown query type: 3")
    lease = lookup(ctx, query, "Delete")
    if lease is None:
        return answer(CONTROL_RESULT_EMPTY, "IPv6 lease not found.")
    deleted = await delete(ctx, lease)
    if query.update_ddns:
        queue_ncr(ctx, ChangeType.REMOVE, lease)
    if not deleted:
        return answer(CONTROL_RESULT_EMPTY, "IPv6 lease not found.")
    return success("IPv6 lease deleted.")


# ---------------------------------------------------------------- queries


@kea_hook
async def lease6_get(arguments: Any, ctx: CommandContext) -> Answer:
    """``lease6-get``: one lease by address (+type) or by DUID + IAID + subnet-id."""
    lease = lookup(ctx, query_parameters(arguments), "Query")
    if lease is None:
        return answer(CONTROL_RESULT_EMPTY, "Lease not found.")
    return success("IPv6 lease found.", lease6_element(lease))


@kea_hook
async def lease6_get_all(arguments: Any, ctx: CommandContext) -> Answer:
    """``lease6-get-all``: every lease, or the leases of the listed subnets."""
    view = ctx.server.lease_store6().view
    if arguments is None:
        return await found_answer_yielding(await ctx.server.lease_store6().page(None, sys.maxsize))
    subnets = element_get(arguments, "subnets")
    if not present(subnets):
        raise ArgumentError("'subnets' parameter not specified")
    if not isinstance(subnets, list):
        raise ArgumentError("'subnets' parameter must be a list")
    leases: list[Lease6] = []
    for subnet_id in subnets:
        if not is_int(subnet_id):
            raise ArgumentError("listed subnet identifiers must be numbers")
        leases.extend(view.by_subnet(subnet_id & UINT32_MAX))
    return await found_answer_yielding(leases)


def _page_start(arguments: Any) -> IPv6Address:
    start = element_get(arguments, "from")
    if not present(start):
        raise ArgumentError("'from' parameter not specified")
    if not isinstance(start, str):
        raise ArgumentError("'from' parameter must be a string")
    try:
        address = IPv6Address(0) if start == "start" else parse_address(start)
    except ArgumentError:
        raise ArgumentError(
            "'from' parameter value is neither 'start' keyword nor a valid IPv6 address"
        ) from None
    if not isinstance(address, IPv6Address):
        raise ArgumentError(f"'from' parameter value {address} is not an IPv6 address")
    return address


def _page_limit(arguments: Any) -> int:
    limit = element_get(arguments, "limit")
    if not present(limit):
        raise ArgumentError("'limit' parameter not specified")
    if not is_int(limit):
        raise ArgumentError("'limit' parameter must be a number")
    size = int(limit) % (1 << 64)  # Kea casts to size_t
    if size == 0:
        raise ArgumentError("page size of retrieved leases must not be 0")
    if size > UINT32_MAX:
        raise ArgumentError(f"page size of retrieved leases must not be greater than {UINT32_MAX}")
    return size


@kea_hook
async def lease6_get_page(arguments: Any, ctx: CommandContext) -> Answer:
    """``lease6-get-page``: up to ``limit`` leases after ``from`` (an address or "start")."""
    if arguments is None:
        raise ArgumentError("no parameters specified for the lease6-get-page command")
    start = _page_start(arguments)
    limit = _page_limit(arguments)
    # The page starts after ``from`` ("start" is ::, itself excluded as in Kea's memfile).
    leases = await ctx.server.lease_store6().page(start, limit)
    return found_answer(leases, {"count": len(leases)})


def _string_argument(arguments: Any, name: str) -> str:
    if not isinstance(arguments, dict):
        raise ArgumentError("Command arguments missing or a not a map.")
    if name not in arguments:
        raise ArgumentError(f"'{name}' parameter not specified")
    value = arguments[name]
    if not isinstance(value, str):
        raise ArgumentError(f"'{name}' parameter must be a string")
    return value


@kea_hook
async def lease6_get_by_duid(arguments: Any, ctx: CommandContext) -> Answer:
    """``lease6-get-by-duid``: every lease of a client."""
    duid = duid_from_text(_string_argument(arguments, "duid"))
    return found_answer(await ctx.server.lease_store6().get_by_duid(duid))


@kea_hook
async def lease6_get_by_hostname(arguments: Any, ctx: CommandContext) -> Answer:
    """``lease6-get-by-hostname``: leases whose hostname matches (case-insensitively)."""
    hostname = _string_argument(arguments, "hostname")
    if not hostname:
        raise ArgumentError("'hostname' parameter is empty")
    return found_answer(await ctx.server.lease_store6().get_by_hostname(hostname.lower()))


LEASE6_COMMANDS: tuple[Command, ...] = tuple(
    Command(name, handler, FAMILY6, hook=HOOK)
    for name, handler in (
        ("lease6-add", lease6_add),
        ("lease6-bulk-apply", lease6_bulk_apply),
        ("lease6-del", lease6_del),
        ("lease6-get", lease6_get),
        ("lease6-get-all", lease6_get_all),
        ("lease6-get-by-duid", lease6_get_by_duid),
        ("lease6-get-by-hostname", lease6_get_by_hostname),
        ("lease6-get-page", lease6_get_page),
        ("lease6-resend-ddns", lease6_resend_ddns),
        ("lease6-update", lease6_update),
        ("lease6-wipe", lease6_wipe),
        ("lease6-write", lease6_write),
    )
)
