"""The DHCPv6 lease commands that touch many leases or leave the server: ``lease6-wipe``,
``lease6-bulk-apply``, ``lease6-resend-ddns`` and ``lease6-write`` (Kea 2.2 ``lease_cmds.cc``;
``lease6-write`` from Kea 2.4, where it first appears).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from ipaddress import IPv6Address
from typing import Any

from pukeko.control.answers import (
    CONTROL_RESULT_EMPTY,
    CONTROL_RESULT_ERROR,
    Answer,
    answer,
    error,
    success,
)
from pukeko.control.handle import CommandContext
from pukeko.control.lease6_args import (
    ArgumentError,
    Query,
    contains,
    element_get,
    failed_lease,
    get_uint,
    parse_address,
    parse_lease6,
    present,
    query_parameters,
)
from pukeko.control.lease6_ops import (
    add_or_update,
    by_address,
    by_identifier,
    delete,
    kea_hook,
    log_event,
    now_seconds,
    queue_ncr,
)
from pukeko.ddns.ncr import ChangeType
from pukeko.leases.model import ChangeKind, Lease6, LeaseChange, LeaseType
from pukeko.leases.store import LeaseStoreError
from pukeko.server.dhcp6 import stats6

# ---------------------------------------------------------------- lease6-wipe


async def _wipe_subnet(ctx: CommandContext, subnet_id: int) -> int:
    """Delete every lease of one subnet through the daemon; how many there were."""
    leases = list(ctx.server.lease_store6().view.by_subnet(subnet_id))
    if leases:
        await ctx.server.apply_lease_changes(
            [LeaseChange(ChangeKind.DELETE, one) for one in leases]
        )
    return len(leases)


def _zero_subnet_statistics(ctx: CommandContext, subnet_id: int, now: float) -> None:
    for name in (stats6.ASSIGNED_NAS, stats6.ASSIGNED_PDS, stats6.DECLINED_ADDRESSES):
        ctx.stats.set(stats6.subnet_stat(subnet_id, name), 0, now)


@kea_hook
async def lease6_wipe(arguments: Any, ctx: CommandContext) -> Answer:
    """``lease6-wipe`` (deprecated in Kea): delete the leases of one subnet, or of all."""
    subnet_id = 0
    if arguments is not None and contains(arguments, "subnet-id"):
        subnet_id = get_uint(arguments, "subnet-id", 32)
    now = ctx.clock()
    if subnet_id:
        count = await _wipe_subnet(ctx, subnet_id)
        ids = [subnet_id]
        declined = ctx.stats.value(stats6.subnet_stat(subnet_id, stats6.DECLINED_ADDRESSES))
        _zero_subnet_statistics(ctx, subnet_id, now)
        previous = declined if isinstance(declined, int) else 0
        ctx.stats.add(stats6.DECLINED_ADDRESSES, -previous, now)
    else:
        ids = sorted(subnet.id for subnet in ctx.server.running_config().all_subnets)
        count = 0
        for one in ids:
            count += await _wipe_subnet(ctx, one)
            _zero_subnet_statistics(ctx, one, now)
        ctx.stats.set(stats6.DECLINED_ADDRESSES, 0, now)
    listed = "".join(f" {one}" for one in ids)
    text = f"Deleted {count} IPv6 lease(s) from subnet(s){listed}"
    return answer(0 if count else CONTROL_RESULT_EMPTY, text)


# ---------------------------------------------------------------- lease6-bulk-apply


@dataclass(frozen=True, slots=True)
class _Deletion:
    """One ``deleted-leases`` entry: its query and the lease it found (None: skipped)."""

    query: Query
    lease: Lease6 | None
    known: bool  # False: nothing at that address (answered as not found)


def _deletion(ctx: CommandContext, params: Any) -> _Deletion:
    """``getParameters`` + ``getIPv6LeaseForDelete`` for one ``deleted-leases`` entry."""
    query = query_parameters(params)
    if query.by == "hw-address":
        raise ArgumentError("Delete by hw-address is not allowed in v6.")
    if query.by == "client-id":
        raise ArgumentError("Unknown query type: 3")
    if query.by == "duid":
        return _Deletion(query, by_identifier(ctx, query), True)
    lease = by_address(ctx, query.lease_type, query.address)
    return _Deletion(query, lease, lease is not None)


def _bulk_lists(arguments: Any) -> tuple[list[Any], list[Any]]:
    if not isinstance(arguments, dict):
        raise ArgumentError("Command arguments missing or a not a map.")
    deleted = arguments.get("deleted-leases")
    leases = arguments.get("leases")
    if "deleted-leases" not in arguments and "leases" not in arguments:
        raise ArgumentError("neither 'deleted-leases' nor 'leases' parameter specified")
    if "deleted-leases" in arguments and not isinstance(deleted, list):
        raise ArgumentError("the 'deleted-leases' parameter must be a list")
    if "leases" in arguments and not isinstance(leases, list):
        raise ArgumentError("the 'leases' parameter must be a list")
    return deleted or [], leases or []


async def _apply_deletion(
    ctx: CommandContext, one: _Deletion
) -> tuple[bool, dict[str, Any] | None]:
    """Delete one lease: (deleted, the failed-lease entry or None)."""
    query = one.query
    if one.lease is None and one.known:
        return False, None  # Kea: a DUID query that finds nothing is silently skipped
    try:
        if one.lease is not None and await delete(ctx, one.lease):
            return True, None
    except (LeaseStoreError, OSError) as exc:
        text = str(exc)
        return False, failed_lease(
            query.lease_type, query.address, query.duid, CONTROL_RESULT_ERROR, text
        )
    return False, failed_lease(
        query.lease_type, query.address, query.duid, CONTROL_RESULT_EMPTY, "lease not found"
    )


async def _apply_lease(ctx: CommandContext, lease: Lease6) -> dict[str, Any] | None:
    """Add or update one lease; the failed-lease entry, or None on success."""
    try:
        await add_or_update(ctx, lease, True)
    except (ArgumentError, LeaseStoreError, OSError) as exc:
        return failed_lease(
            lease.lease_type, lease.address, lease.duid, CONTROL_RESULT_ERROR, str(exc)
        )
    return None


@kea_hook
async def lease6_bulk_apply(arguments: Any, ctx: CommandContext) -> Answer:
    """``lease6-bulk-apply``: delete, then add or update, many leases; failures listed."""
    deleted, leases = _bulk_lists(arguments)
    # Everything is parsed before anything changes: a malformed entry fails the command.
    deletions = [_deletion(ctx, params) for params in deleted]
    config = ctx.server.running_config()
    parsed = [parse_lease6(config, params, now_seconds(ctx))[0] for params in leases]
    count = 0
    out: dict[str, Any] = {}
    for one in deletions:
        done, failure = await _apply_deletion(ctx, one)
        count += done
        if failure is not None:
            out.setdefault("failed-deleted-leases", []).append(failure)
    for lease in parsed:
        failure = await _apply_lease(ctx, lease)
        count += failure is None
        if failure is not None:
            out.setdefault("failed-leases", []).append(failure)
    text = f"Bulk apply of {count} IPv6 leases completed."
    return answer(0 if count else CONTROL_RESULT_EMPTY, text, out or None)


# ---------------------------------------------------------------- lease6-resend-ddns


def _address_param(arguments: Any, name: str) -> IPv6Address:
    """``getAddressParam(args, name, AF_INET6)``."""
    value = element_get(arguments if arguments is not None else {}, name)
    if not present(value):
        raise ArgumentError(f"'{name}' parameter is missing.")
    if not isinstance(value, str):
        raise ArgumentError(f"'{name}' is not a string.")
    try:
        address = parse_address(value)
    except ArgumentError:
        raise ArgumentError(f"'{value}' is not a valid IP address.") from None
    if not isinstance(address, IPv6Address):
        raise ArgumentError(f"Invalid IPv6 address specified: {value}")
    return address


def _resend(ctx: CommandContext, arguments: Any) -> tuple[int, str]:
    address = _address_param(arguments, "ip-address")
    if ctx.server.running_config().dhcp_ddns.get("enable-updates") is not True:
        return CONTROL_RESULT_ERROR, "DDNS updating is not enabled"
    lease = by_address(ctx, LeaseType.NA, address)
    if lease is None:
        return CONTROL_RESULT_EMPTY, f"No lease found for: {address}"
    if not lease.hostname:
        return CONTROL_RESULT_ERROR, f"Lease for: {address}, has no hostname, nothing to update"
    if not lease.fqdn_fwd and not lease.fqdn_rev:
        text = f"Neither forward nor reverse updates enabled for lease for: {address}"
        return CONTROL_RESULT_ERROR, text
    queue_ncr(ctx, ChangeType.ADD, lease)
    return 0, f"NCR generated for: {address}, hostname: {lease.hostname}"


async def lease6_resend_ddns(arguments: Any, ctx: CommandContext) -> Answer:
    """``lease6-resend-ddns``: ask for the DNS entries of an address lease again."""
    try:
        code, text = _resend(ctx, arguments)
    except ArgumentError as exc:
        code, text = CONTROL_RESULT_ERROR, str(exc)
    # Kea 2.2 lease_cmds.cc lease6ResendDdnsHandler: INFO on success, ERROR otherwise (also
    # when the lease is not found, answered with result 3).
    if code == 0:
        done = f"lease6-resend-ddns command successful: {text}"
        log_event(ctx, logging.INFO, "LEASE_CMDS_RESEND_DDNS6", done)
        return success(text)
    failed = f"lease6-resend-ddns command failed: {text}"
    log_event(ctx, logging.ERROR, "LEASE_CMDS_RESEND_DDNS6_FAILED", failed)
    return answer(code, text)


# ---------------------------------------------------------------- lease6-write


@kea_hook
async def lease6_write(arguments: Any, ctx: CommandContext) -> Answer:
    """``lease6-write``: write every lease to a Kea CSV lease file (Kea 2.4, memfile)."""
    if arguments is None:
        raise ArgumentError("no parameters specified for the command")
    filename = element_get(arguments, "filename")
    if not present(filename):
        raise ArgumentError("'filename' parameter not specified")
    if not isinstance(filename, str):
        raise ArgumentError("'filename' parameter must be a string")
    if not filename:
        raise ArgumentError("'filename' parameter is empty")
    try:
        await ctx.server.write_lease_file6(filename)
    except OSError as exc:
        return error(f"unable to open '{filename}': {exc.strerror or exc}")
    return success(f"IPv6 lease database into '{filename}'.")
