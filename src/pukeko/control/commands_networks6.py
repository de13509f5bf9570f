"""The shared-network commands of Kea's subnet_cmds hook: ``network6-list``, ``-get``, ``-add``,
``-del``, ``-subnet-add``, ``-subnet-del`` (ARM "subnet_cmds", "network4-list, network6-list" ...).

Family-neutral handlers; texts and shapes as Kea's subnet_cmds library answers them (the list
text is "2 IPv6 networks found", as the library says, where the API reference shows
"network(s)"). As in Kea, a subnet moved into or out of a network keeps the parameters it shows
in ``subnet6-get`` rather than inheriting the network's ("does not fully handle parameter
inheritance").

``network6-del`` with ``subnets-action: delete`` removes the subnets with the network. Beyond
Kea 2.2, it then takes ``subnet6-del``'s ``leases-action`` and ``reservations-action`` (``keep``,
the default, or ``delete``) for those subnets: ``leases-action: delete`` removes their leases
from the lease store, the allocation state and the statistics; their reservations are kept in
the configuration (findable, and back with a subnet of the same id, as after ``subnet6-del``:
see :mod:`pukeko.control.kept_reservations`) unless ``reservations-action`` is ``delete``.
With ``subnets-action: keep`` the subnets stay (as plain subnets) with their leases and
reservations, whatever the other two say.
"""

from __future__ import annotations

from typing import Any

from pukeko.config.model import SharedNetwork
from pukeko.config.render import render_shared_network
from pukeko.config.validate import json_copy
from pukeko.control.answers import CONTROL_RESULT_EMPTY, Answer, answer, errors_text, success
from pukeko.control.commands_subnets6 import keep_deleted_reservations
from pukeko.control.config_patch import subnet_key
from pukeko.control.handle import CommandContext
from pukeko.control.kept_reservations import restore_kept
from pukeko.control.registry import Command
from pukeko.control.subnet_common import (
    DELETE,
    ArgumentError,
    Json,
    action_of,
    apply_patch,
    arguments_of,
    find_network,
    find_subnet,
    full_subnet,
    is_int,
    kea_command,
    maps_in,
    networks_of,
    new_patch,
    protocol,
    top_subnets,
)

HOOK = "libdhcp_subnet_cmds.so"
FAMILY6 = frozenset({6})


def network_view(network: SharedNetwork, family: int) -> Json:
    """A shared network as ``network6-get`` shows it: with its subnets, without reservations."""
    out = render_shared_network(network, family)
    for sub in maps_in(out.get(subnet_key(family))):
        sub.pop("reservations", None)
    return out


def _command(ctx: CommandContext, suffix: str) -> str:
    return f"network{ctx.family}-{suffix}"


async def network_list(arguments: Any, ctx: CommandContext) -> Answer:
    """``network6-list``: every shared network's name; result 3 when there is none."""
    networks = ctx.server.running_config().shared_networks
    count = len(networks)
    text = f"{count} {protocol(ctx.family)} network{'' if count == 1 else 's'} found"
    names = [{"name": n.name} for n in networks]
    return answer(0 if networks else CONTROL_RESULT_EMPTY, text, {"shared-networks": names})


def _name_argument(args: Json, command: str) -> str:
    """The ``name`` argument (Kea's network6-subnet-add / -del texts)."""
    if "name" not in args:
        raise ArgumentError(f"missing 'name' argument for the '{command}' command")
    if not isinstance(args["name"], str):
        raise ArgumentError(
            f"'name' argument specified for the '{command}' command is not a string"
        )
    return str(args["name"])


@kea_command
async def network_get(arguments: Any, ctx: CommandContext) -> Answer:
    """``network6-get``: one shared network with its subnets; result 3 when unknown."""
    command = _command(ctx, "get")
    args = arguments_of(arguments, command)
    if "name" not in args:
        raise ArgumentError(f"invalid '{command}': missing mandatory 'name' parameter")
    name = args["name"]
    if not isinstance(name, str):
        raise ArgumentError("'name' parameter must be a string")
    found = next((n for n in ctx.server.running_config().shared_networks if n.name == name), None)
    if found is None:
        return answer(CONTROL_RESULT_EMPTY, f"No '{name}' shared network found")
    text = f"Info about {protocol(ctx.family)} shared network '{name}' returned"
    return success(text, {"shared-networks": [network_view(found, ctx.family)]})


def _network_entry(arguments: Any, command: str) -> Json:
    args = arguments_of(arguments, command)
    entries = args.get("shared-networks")
    if entries is None:
        raise ArgumentError(f"missing 'shared-networks' argument for the '{command}' command")
    if not isinstance(entries, list):
        raise ArgumentError(
            f"'shared-networks' argument specified for the '{command}' command is not a list"
        )
    if len(entries) != 1:
        raise ArgumentError(
            f"invalid number of networks specified for the '{command}' command. "
            "Expected one network"
        )
    if not isinstance(entries[0], dict):
        raise ArgumentError(
            f"invalid network information specified for the'{command}' command. Expected a map"
        )
    entry = json_copy(entries[0])
    assert isinstance(entry, dict)
    return entry


@kea_command
async def network_add(arguments: Any, ctx: CommandContext) -> Answer:
    """``network6-add``: add one shared network (with its subnets) in one reconfiguration."""
    entry = _network_entry(arguments, _command(ctx, "add"))
    patch = new_patch(ctx)
    name = entry.get("name")
    if isinstance(name, str) and find_network(patch.server, name) is not None:
        raise ArgumentError(f"duplicate network '{name}' found in the configuration")
    subnets = maps_in(entry.get(subnet_key(ctx.family)))
    restore_kept(patch.server, subnets, ctx.server.running_config())
    networks_of(patch.server).append(entry)
    patch.networks.add(str(name))
    errors = await apply_patch(ctx, patch)
    if errors:
        return answer(1, errors_text(errors))
    text = f"A new {protocol(ctx.family)} shared network '{name}' added"
    return success(text, {"shared-networks": [{"name": name}]})


@kea_command
async def network_del(arguments: Any, ctx: CommandContext) -> Answer:
    """``network6-del``: remove a shared network; its subnets become plain or go too."""
    command = _command(ctx, "del")
    args = arguments_of(arguments, command)
    if "name" not in args:
        raise ArgumentError(f"network name ('name') is required for the '{command}' command")
    name = args["name"]
    if not isinstance(name, str):
        raise ArgumentError(f"network name ('name') specified for the '{command}' is not a string")
    action = action_of(args, "subnets-action", command)
    leases_action = action_of(args, "leases-action", command)  # Pukeko extensions
    reservations_action = action_of(args, "reservations-action", command)
    patch = new_patch(ctx)
    network = find_network(patch.server, name)
    if network is None:
        return answer(CONTROL_RESULT_EMPTY, f"no shared network with name '{name}' found")
    networks_of(patch.server).remove(network)
    subnets = maps_in(network.get(subnet_key(ctx.family)))
    deleted = [
        (int(entry["id"]), list(entry.get("reservations") or []))
        for entry in subnets
        if is_int(entry.get("id"))
    ]
    if action != DELETE:
        top_subnets(patch.server, ctx.family).extend(subnets)
        patch.subnets.update(int(s["id"]) for s in subnets)
    else:
        keep_deleted_reservations(patch.server, deleted, reservations_action)
    errors = await apply_patch(ctx, patch)
    if errors:
        return answer(1, errors_text(errors))
    if action == DELETE and leases_action == DELETE and deleted:
        await ctx.server.subnet_leases_delete([subnet_id for subnet_id, _ in deleted])
    text = f"{protocol(ctx.family)} shared network '{name}' deleted"
    return success(text, {"shared-networks": [{"name": name}]})


def _network_subnet_arguments(arguments: Any, command: str) -> tuple[str, int]:
    args = arguments_of(arguments, command)
    name = _name_argument(args, command)
    if "id" not in args:
        raise ArgumentError(f"missing 'id' argument for the '{command}' command")
    if not is_int(args["id"]):  # Kea's text names 'name' here too
        raise ArgumentError(
            f"'name' argument specified for the '{command}' command is not an integer"
        )
    return name, int(args["id"])


@kea_command
async def network_subnet_add(arguments: Any, ctx: CommandContext) -> Answer:
    """``network6-subnet-add``: move a plain subnet into a shared network."""
    command = _command(ctx, "subnet-add")
    name, subnet_id = _network_subnet_arguments(arguments, command)
    proto = protocol(ctx.family)
    patch = new_patch(ctx)
    network = find_network(patch.server, name)
    if network is None:
        return answer(CONTROL_RESULT_EMPTY, f"no {proto} shared network with name '{name}' found")
    place = find_subnet(patch.server, ctx.family, subnet_id)
    if place is None:
        return answer(CONTROL_RESULT_EMPTY, f"no {proto} subnet with id '{subnet_id}' found")
    if place.network is not None:
        raise ArgumentError(
            f"subnet {subnet_id} being added to a shared network already belongs to a shared "
            "network"
        )
    subnet = full_subnet(place, ctx.family)
    del place.entries[place.index]
    network.setdefault(subnet_key(ctx.family), []).append(subnet)
    patch.networks.add(name)
    errors = await apply_patch(ctx, patch)
    if errors:
        return answer(1, errors_text(errors))
    text = (
        f"{proto} subnet {subnet['subnet']} (id {subnet_id}) is now part of shared network '{name}'"
    )
    return success(text)


@kea_command
async def network_subnet_del(arguments: Any, ctx: CommandContext) -> Answer:
    """``network6-subnet-del``: move a subnet out of its shared network (it stays plain)."""
    command = _command(ctx, "subnet-del")
    name, subnet_id = _network_subnet_arguments(arguments, command)
    proto = protocol(ctx.family)
    patch = new_patch(ctx)
    network = find_network(patch.server, name)
    if network is None:
        return answer(CONTROL_RESULT_EMPTY, f"no {proto} shared network with name '{name}' found")
    place = find_subnet(patch.server, ctx.family, subnet_id)
    if place is None or place.network is not network:
        return answer(
            CONTROL_RESULT_EMPTY,
            f"The {proto} subnet with id {subnet_id} is not part of the shared network with "
            f"name '{name}' found",
        )
    subnet = place.entries.pop(place.index)
    top_subnets(patch.server, ctx.family).append(subnet)
    patch.networks.add(name)
    patch.subnets.add(subnet_id)
    errors = await apply_patch(ctx, patch)
    if errors:
        return answer(1, errors_text(errors))
    text = (
        f"{proto} subnet {subnet['subnet']} (id {subnet_id}) is now removed from shared network "
        f"'{name}'"
    )
    return success(text)


def _network_command(name: str, handler: Any) -> Command:
    return Command(f"network6-{name}", handler, FAMILY6, hook=HOOK)


NETWORK_COMMANDS: tuple[Command, ...] = (
    _network_command("list", network_list),
    _network_command("get", network_get),
    _network_command("add", network_add),
    _network_command("del", network_del),
    _network_command("subnet-add", network_subnet_add),
    _network_command("subnet-del", network_subnet_del),
)
