"""What the subnet, shared-network and class commands share: argument checks, the document, apply.

Kea's hook libraries answer a failed command with result 1 and the exception text, without the
"Error during command processing" prefix of the daemon's own commands; :func:`kea_command`
gives a handler that behaviour (a handler raises :class:`ArgumentError` with Kea's text). Every
change goes the ``config-set`` way: the running configuration's JSON is copied and changed, the
change is checked by :func:`pukeko.control.config_patch.load_patch`, and the daemon switches to
the result in one reconfiguration. A refused change leaves the running configuration as it was
and answers result 1 with every error, one per line.
"""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from pukeko.control.answers import Answer, error
from pukeko.control.config_patch import (
    ConfigPatch,
    expand,
    load_patch,
    running_document,
    subnet_key,
)
from pukeko.control.handle import CommandContext

Json = dict[str, Any]
SUBNET_ID_MAX = 4294967294  # Kea 2.2 SUBNET_ID_MAX
KEEP = "keep"
DELETE = "delete"


class ArgumentError(Exception):
    """A refused command: answered with result 1 and this text (Kea's hook library texts)."""


def kea_command(
    handler: Callable[[Any, CommandContext], Awaitable[Answer]],
) -> Callable[[Any, CommandContext], Awaitable[Answer]]:
    """Answer :class:`ArgumentError` with result 1 and its text, as Kea's callouts do."""

    @functools.wraps(handler)
    async def run(arguments: Any, ctx: CommandContext) -> Answer:
        try:
            return await handler(arguments, ctx)
        except ArgumentError as exc:
            return error(str(exc))

    return run


def protocol(family: int) -> str:
    """``IPv6`` or ``IPv4`` (Kea's texts name the family this way)."""
    return f"IPv{family}"


def is_int(value: object) -> bool:
    """True for a JSON integer (not a boolean)."""
    return isinstance(value, int) and not isinstance(value, bool)


def arguments_of(arguments: Any, command: str) -> Json:
    """The ``arguments`` map; Kea's texts when missing or not a map."""
    if arguments is None:
        raise ArgumentError(f"no arguments specified for the '{command}' command")
    if not isinstance(arguments, dict):
        raise ArgumentError(f"arguments specified for the '{command}' command are not a map")
    return arguments


def action_of(args: Json, key: str, command: str) -> str:
    """A ``keep`` / ``delete`` action argument (default keep; Kea's subnets-action texts)."""
    value = args.get(key, KEEP)
    if not isinstance(value, str):
        raise ArgumentError(
            f"{key} parameter for {command} command must be a string. Supported values are: "
            "'keep' and 'delete'."
        )
    if value not in (KEEP, DELETE):
        raise ArgumentError(
            f"Invalid value for {key} parameter: {value}, Supported values: 'keep' and 'delete'."
        )
    return value


@dataclass
class SubnetPlace:
    """Where a subnet sits in a configuration document."""

    entries: list[Json]  # the list holding it: DhcpN.subnet6 or a network's subnet6
    index: int
    network: Json | None  # the shared network holding it, if any

    @property
    def subnet(self) -> Json:
        """The subnet map."""
        return self.entries[self.index]


def server_map(document: Json, family: int) -> Json:
    """The ``DhcpN`` map of a configuration document."""
    server = document[f"Dhcp{family}"]
    assert isinstance(server, dict)
    return server


def maps_in(value: object) -> list[Json]:
    """The maps of a JSON list (nothing when it is not a list)."""
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def networks_of(server: Json) -> list[Json]:
    """The ``shared-networks`` list of a server map (created when missing)."""
    networks = server.setdefault("shared-networks", [])
    assert isinstance(networks, list)
    return networks


def top_subnets(server: Json, family: int) -> list[Json]:
    """The top-level ``subnet6`` list of a server map (created when missing)."""
    subnets = server.setdefault(subnet_key(family), [])
    assert isinstance(subnets, list)
    return subnets


def find_subnet(server: Json, family: int, subnet_id: int) -> SubnetPlace | None:
    """Where the subnet with ``subnet_id`` is, or None."""
    key = subnet_key(family)
    places: list[tuple[object, Json | None]] = [
        (net.get(key), net) for net in maps_in(server.get("shared-networks"))
    ]
    places.append((top_subnets(server, family), None))
    for entries, net in places:
        if not isinstance(entries, list):
            continue
        for index, sub in enumerate(entries):
            if isinstance(sub, dict) and sub.get("id") == subnet_id:
                return SubnetPlace(entries, index, net)
    return None


def find_network(server: Json, name: str) -> Json | None:
    """The shared network called ``name``, or None."""
    return next((n for n in maps_in(server.get("shared-networks")) if n.get("name") == name), None)


def new_patch(ctx: CommandContext) -> ConfigPatch:
    """A patch over a fresh copy of the running configuration's JSON (subnets as stubs)."""
    return ConfigPatch(running_document(ctx.server.running_config()), ctx.family)


def full_subnet(place: SubnetPlace, family: int) -> Json:
    """The subnet at ``place`` rendered in full (replacing its stub in the document)."""
    entry = expand(place.subnet, family)
    place.entries[place.index] = entry
    return entry


def touch_subnet(patch: ConfigPatch, place: SubnetPlace) -> None:
    """Mark the subnet at ``place`` (or its network) as changed."""
    if place.network is not None:
        patch.networks.add(str(place.network.get("name")))
    else:
        patch.subnets.add(int(place.subnet["id"]))


async def apply_patch(ctx: CommandContext, patch: ConfigPatch) -> list[str]:
    """Check ``patch`` and switch the daemon to it in one reconfiguration; the errors or []."""
    checked = load_patch(ctx.server.running_config(), patch)
    if isinstance(checked, list):
        return checked
    return list(await ctx.server.config_apply(checked))
