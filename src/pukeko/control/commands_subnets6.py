"""The subnet commands of Kea's subnet_cmds hook: ``subnet6-list``, ``-get``, ``-add``, ``-update``,
``-del``, ``-delta-add``, ``-delta-del`` (ARM "subnet_cmds: Subnet Commands"; wiki SubnetCommands).

The handlers are family-neutral (``subnet4-*`` will use them with the DHCPv4 server). Answer
shapes and texts follow Kea's subnet_cmds library: ``subnet6-get`` answers the subnet under
``subnet6`` and every other command under ``subnets`` (the ARM's examples disagree with each
other here: ``subnet6-add`` shows ``subnet6``, the API reference ``subnets``; the library's
behaviour is what clients see), ``subnet6-list`` / ``-get`` / ``-del`` answer result 3 when
nothing matches.

Beyond Kea 2.2:

* ``subnet6-add`` takes any number of subnets and applies them all, or none, in one
  reconfiguration (Kea: exactly one per command), answering every id and prefix; a subnet
  without ``id`` gets the lowest id above every id in use (Kea 2.2: its own counter);
* ``subnet6-del`` takes the wiki's ``leases-action`` and ``reservations-action`` (``keep``, the
  default, or ``delete``): ``delete`` removes the subnet's leases from the lease store, the
  allocation state and the statistics, or its reservations (those of the configuration file and
  those added with ``reservation-add`` alike). Kept reservations are not served, but
  the ``reservation-*`` lookups and ``reservation-del`` still find them, and they come back when
  a subnet with the same id is added again by ``subnet6-add`` or ``network6-add`` (as Kea's host
  store keeps hosts by subnet id). They are kept in the configuration's global
  ``user-context`` (:mod:`pukeko.control.kept_reservations`), changed in the same
  reconfiguration as the subnets, so ``config-write`` and a restart keep them;
* ``subnet6-get`` by ``subnet`` accepts any spelling of the prefix (Kea: the configured text);
* a refused change reports every error, not only the first.
"""

from __future__ import annotations

import logging
from ipaddress import ip_network
from typing import Any

from pukeko.config.model import Config, Subnet
from pukeko.config.render import render_subnet
from pukeko.config.validate import json_copy
from pukeko.control.answers import CONTROL_RESULT_EMPTY, Answer, answer, errors_text, success
from pukeko.control.config_patch import subnet_key
from pukeko.control.handle import CommandContext
from pukeko.control.kept_reservations import restore_kept, set_kept
from pukeko.control.registry import Command, log_message
from pukeko.control.subnet_common import (
    DELETE,
    SUBNET_ID_MAX,
    ArgumentError,
    Json,
    action_of,
    apply_patch,
    arguments_of,
    find_subnet,
    full_subnet,
    is_int,
    kea_command,
    new_patch,
    protocol,
    top_subnets,
    touch_subnet,
)
from pukeko.control.subnet_delta import SubnetMerger

HOOK = "libdhcp_subnet_cmds.so"
FAMILY6 = frozenset({6})
DEL_KEYS = frozenset({"id", "leases-action", "reservations-action"})
LOG_EACH_UP_TO = 10  # a larger subnet6-add logs one line, not one per subnet


def subnet_view(subnet: Subnet, family: int) -> Json:
    """A subnet as ``subnet6-get`` shows it: its configuration without host reservations."""
    out = render_subnet(subnet, family)
    out.pop("reservations", None)
    return out


def brief(subnet: Subnet) -> Json:
    """``{"id": ..., "subnet": ...}`` (the list, add, update and delete answers)."""
    return {"id": subnet.id, "subnet": str(subnet.prefix)}


async def subnet_list(arguments: Any, ctx: CommandContext) -> Answer:
    """``subnet6-list``: every subnet's id and prefix, by id; result 3 when there is none."""
    subnets = sorted(ctx.server.running_config().subnets_by_id.values(), key=lambda s: s.id)
    count = len(subnets)
    text = f"{count} {protocol(ctx.family)} subnet{'' if count == 1 else 's'} found"
    result = 0 if subnets else CONTROL_RESULT_EMPTY
    return answer(result, text, {"subnets": [brief(s) for s in subnets]})


@kea_command
async def subnet_get(arguments: Any, ctx: CommandContext) -> Answer:
    """``subnet6-get``: one subnet by ``id`` or by ``subnet`` (prefix); result 3 if none."""
    command = f"{subnet_key(ctx.family)}-get"
    args = arguments_of(arguments, command)
    if len(args) != 1:
        raise ArgumentError(
            f"invalid number of arguments {len(args)} for the '{command}' command. "
            "Expecting 'id' or 'subnet'"
        )
    config = ctx.server.running_config()
    if "subnet" in args:
        text = args["subnet"]
        if not isinstance(text, str):
            raise ArgumentError("'subnet' parameter must be a string")
        found = _by_prefix(config, text, ctx.family)
        missing = f"No {text} subnet found"
    elif "id" in args:
        if not is_int(args["id"]):
            raise ArgumentError("'id' parameter must be an integer")
        found = config.subnet(args["id"])
        missing = f"No subnet with id {args['id']} found"
    else:
        raise ArgumentError("'id' or 'subnet' parameter required")
    if found is None:
        return answer(CONTROL_RESULT_EMPTY, missing)
    text = f"Info about {protocol(ctx.family)} subnet {found.prefix} (id {found.id}) returned"
    return success(text, {subnet_key(ctx.family): [subnet_view(found, ctx.family)]})


def _by_prefix(config: Config, text: str, family: int) -> Subnet | None:
    try:
        prefix = ip_network(text, strict=False)
    except ValueError:
        return None
    return config.subnets_by_prefix.get(prefix) if prefix.version == family else None


def subnet_entries(arguments: Any, command: str, key: str, *, single: bool) -> list[Json]:
    """The subnet maps of ``{"subnet6": [...]}`` (copied), checked as Kea's subnet_cmds does."""
    args = arguments_of(arguments, command)
    if len(args) != 1:
        raise ArgumentError(
            f"invalid number of arguments {len(args)} for the '{command}' command. "
            f"Expecting '{key}' list"
        )
    entries = args.get(key)
    if entries is None:
        raise ArgumentError(f"missing '{key}' argument for the '{command}' command")
    if not isinstance(entries, list):
        raise ArgumentError(f"'{key}' argument specified for the '{command}' command is not a list")
    if (single and len(entries) != 1) or not entries:
        expected = "one subnet" if single else "at least one subnet"
        raise ArgumentError(
            f"invalid number of subnets specified for the '{command}' command. Expected {expected}"
        )
    for entry in entries:
        if not isinstance(entry, dict):
            raise ArgumentError(
                f"invalid subnet information specified for the'{command}' command. Expected a map"
            )
        if "reservations" in entry:
            tail = " Use 'reservation-add' to add a reservation to a subnet" if not single else ""
            raise ArgumentError(f"must not specify host reservations with '{command}'.{tail}")
    copied: list[Json] = json_copy(entries)
    return copied


def _assign_ids(entries: list[Json], config: Config) -> None:
    """Give each subnet without an ``id`` (or with 0) the next id above every id in use."""
    used = [*config.subnets_by_id, *(e["id"] for e in entries if is_int(e.get("id")))]
    next_id = max(used, default=0) + 1
    for entry in entries:
        if entry.get("id", 0) == 0:
            entry["id"] = next_id
            next_id += 1


@kea_command
async def subnet_add(arguments: Any, ctx: CommandContext) -> Answer:
    """``subnet6-add``: add one or more subnets atomically, in one reconfiguration."""
    key = subnet_key(ctx.family)
    entries = subnet_entries(arguments, f"{key}-add", key, single=False)
    config = ctx.server.running_config()
    _assign_ids(entries, config)
    patch = new_patch(ctx)
    restore_kept(patch.server, entries, config)
    for entry in entries:
        if is_int(entry["id"]):
            patch.subnets.add(entry["id"])
    top_subnets(patch.server, ctx.family).extend(entries)
    errors = await apply_patch(ctx, patch)
    if errors:
        return answer(1, errors_text(errors))
    running = ctx.server.running_config()
    added = [running.subnets_by_id[e["id"]] for e in entries]
    _log_added(ctx, added)
    count = len(added)
    text = f"{protocol(ctx.family)} subnet added" if count == 1 else (
        f"{count} {protocol(ctx.family)} subnets added"
    )  # fmt: skip
    return success(text, {"subnets": [brief(s) for s in added]})


def _log_added(ctx: CommandContext, added: list[Subnet]) -> None:
    """Kea's SUBNET_CMDS_SUBNET_ADD per subnet; one summary line for a large batch."""
    if len(added) > LOG_EACH_UP_TO:
        text = f"{len(added)} {protocol(ctx.family)} subnets added (ids {added[0].id}..)"
        log_message(ctx.registry.log, logging.INFO, "SUBNET_CMDS_SUBNET_ADD", text)
        return
    for sub in added:
        text = f"successfully added subnet {sub.prefix} having id {sub.id}"
        log_message(ctx.registry.log, logging.INFO, "SUBNET_CMDS_SUBNET_ADD", text)


def _update_id(entry: Json, command: str) -> int:
    """The mandatory ``id`` of an updated subnet (Kea: 1 to 4294967294)."""
    if "id" not in entry:
        raise ArgumentError(f"must specify subnet id with '{command}' command.")
    value = entry["id"]
    if not is_int(value):
        raise ArgumentError(f"invalid subnet id specified for the '{command}' command")
    if not 1 <= value <= SUBNET_ID_MAX:
        raise ArgumentError(
            f"The 'id' value ({value}) is not within expected range: (1 - {SUBNET_ID_MAX})"
        )
    return int(value)


async def _update(arguments: Any, ctx: CommandContext, mode: str) -> Answer:
    """``subnet6-update`` (mode ""), ``-delta-add`` ("add") and ``-delta-del`` ("del")."""
    key = subnet_key(ctx.family)
    command = f"{key}-{'delta-' + mode if mode else 'update'}"
    entry = subnet_entries(arguments, command, key, single=True)[0]
    subnet_id = _update_id(entry, command)
    patch = new_patch(ctx)
    place = find_subnet(patch.server, ctx.family, subnet_id)
    if place is None:
        raise ArgumentError(f"Can't find subnet '{subnet_id}' to update")
    running = full_subnet(place, ctx.family)
    if mode:
        merger = SubnetMerger(ctx.family)
        (merger.add if mode == "add" else merger.delete)(running, entry)
        entry = running
    else:
        entry["reservations"] = running.get("reservations", [])
    place.entries[place.index] = entry
    touch_subnet(patch, place)
    errors = await apply_patch(ctx, patch)
    if errors:
        return answer(1, errors_text(errors))
    updated = ctx.server.running_config().subnets_by_id[subnet_id]
    return success(f"{protocol(ctx.family)} subnet updated", {"subnets": [brief(updated)]})


@kea_command
async def subnet_update(arguments: Any, ctx: CommandContext) -> Answer:
    """``subnet6-update``: replace one subnet (its reservations stay)."""
    return await _update(arguments, ctx, "")


@kea_command
async def subnet_delta_add(arguments: Any, ctx: CommandContext) -> Answer:
    """``subnet6-delta-add``: add or overwrite parts of one subnet."""
    return await _update(arguments, ctx, "add")


@kea_command
async def subnet_delta_del(arguments: Any, ctx: CommandContext) -> Answer:
    """``subnet6-delta-del``: remove parts of one subnet."""
    return await _update(arguments, ctx, "del")


def _del_arguments(arguments: Any, command: str) -> tuple[int, str, str]:
    """(id, leases-action, reservations-action) of ``subnet6-del``."""
    args = arguments_of(arguments, command)
    if not args or any(name not in DEL_KEYS for name in args):
        raise ArgumentError(
            f"invalid number of arguments specified for the '{command} command. "
            "Expected subnet identifier"
        )
    if "id" not in args:
        raise ArgumentError(f"subnet identifier is required for the '{command}' command")
    if not is_int(args["id"]):
        raise ArgumentError(f"subnet identifier specified for the '{command}' is not a number")
    leases = action_of(args, "leases-action", command)
    reservations = action_of(args, "reservations-action", command)
    return int(args["id"]) & 0xFFFFFFFF, leases, reservations


@kea_command
async def subnet_del(arguments: Any, ctx: CommandContext) -> Answer:
    """``subnet6-del``: remove a subnet; optionally its leases and reservations too."""
    command = f"{subnet_key(ctx.family)}-del"
    subnet_id, leases_action, reservations_action = _del_arguments(arguments, command)
    gone = ctx.server.running_config().subnet(subnet_id)
    patch = new_patch(ctx)
    place = find_subnet(patch.server, ctx.family, subnet_id)
    if gone is None or place is None:
        return answer(CONTROL_RESULT_EMPTY, f"no subnet with id {subnet_id} found")
    reservations = full_subnet(place, ctx.family).get("reservations") or []
    del place.entries[place.index]
    if place.network is not None:
        patch.networks.add(str(place.network.get("name")))
    keep_deleted_reservations(patch.server, [(gone.id, reservations)], reservations_action)
    errors = await apply_patch(ctx, patch)
    if errors:
        return answer(1, errors_text(errors))
    if leases_action == DELETE:
        await ctx.server.subnet_leases_delete([gone.id])
    text = f"{protocol(ctx.family)} subnet {gone.prefix} (id {gone.id}) deleted"
    return success(text, {"subnets": [brief(gone)]})


def keep_deleted_reservations(
    server: Json, deleted: list[tuple[int, list[Json]]], reservations_action: str
) -> None:
    """In a patch's ``DhcpN`` map: keep (or, with ``delete``, drop) deleted subnets' reservations.

    ``deleted``: each subnet's id with its ``reservations`` JSON as configured. A kept list
    already there for the id is replaced (a configured id's list is stale).
    """
    for subnet_id, entries in deleted:
        set_kept(server, subnet_id, entries if reservations_action != DELETE else [])


def _subnet_command(name: str, handler: Any) -> Command:
    return Command(f"subnet6-{name}", handler, FAMILY6, hook=HOOK)


SUBNET_COMMANDS: tuple[Command, ...] = (
    _subnet_command("list", subnet_list),
    _subnet_command("get", subnet_get),
    _subnet_command("add", subnet_add),
    _subnet_command("update", subnet_update),
    _subnet_command("del", subnet_del),
    _subnet_command("delta-add", subnet_delta_add),
    _subnet_command("delta-del", subnet_delta_del),
)
