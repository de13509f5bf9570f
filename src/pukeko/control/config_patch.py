"""Check a changed configuration by loading only what changed (subnet, network and class commands).

A command edits a copy of the running configuration's JSON (``config-get`` shape, see
:func:`running_document`) and says which
subnets (by id) and shared networks (by name) it touched. :func:`load_patch` then loads a small
document, the global part plus only the touched networks and subnets, with the ordinary loader
(every schema and semantic check of :mod:`pukeko.config`), and splices the result into the
running :class:`Config`: untouched subnets and networks keep their model objects. The rules that
span several subnets (unique ids, unique prefixes, unique network names; Kea 2.2
``CfgSubnets6::add`` / ``CfgSharedNetworks::add``) are checked over the whole result.

This is what makes adding 1,000 subnets in one command cheap: the cost follows the size of the
change, not the size of the configuration (ARM subnet_cmds: "without needing to fully
reconfigure the server"). Errors name paths relative to the command's arguments
(``subnet6[3].pools[0].pool``), since the partial document's indexes are those of the touched
entries in order.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from types import MappingProxyType
from typing import Any

from pukeko.config.errors import ConfigError, ConfigErrors, format_path
from pukeko.config.load import load_value
from pukeko.config.model import Config, IPNetwork, SharedNetwork, Subnet
from pukeko.config.render import render, render_subnet

Json = dict[str, Any]


class SubnetStub(dict[str, Any]):
    """A running top-level subnet shown as ``{"id", "subnet"}`` only, until it is needed whole.

    Rendering every subnet of a large configuration for each command would cost more than the
    change itself; :func:`running_document` leaves them as stubs and :func:`expand` renders one.
    """

    def __init__(self, subnet: Subnet) -> None:
        super().__init__(id=subnet.id, subnet=prefix_text(subnet.prefix))
        self.model = subnet


@lru_cache(maxsize=1 << 16)
def prefix_text(prefix: IPNetwork) -> str:
    """``str(prefix)``, remembered: every command lists every running subnet's prefix."""
    return str(prefix)


def running_document(config: Config) -> Json:
    """The running configuration as ``config-get`` JSON, top-level subnets as stubs."""
    document = render(dataclasses.replace(config, subnets=()))
    server = document[f"Dhcp{config.family}"]
    assert isinstance(server, dict)
    server[subnet_key(config.family)] = [SubnetStub(s) for s in config.subnets]
    return document


def expand(entry: Json, family: int) -> Json:
    """A subnet map in full (a stub rendered; anything else as it is)."""
    return render_subnet(entry.model, family) if isinstance(entry, SubnetStub) else entry


@dataclass
class ConfigPatch:
    """A changed configuration document and what changed in it."""

    document: Json  # {"Dhcp6": {...}}: the running configuration with the change made
    family: int
    subnets: set[int] = field(default_factory=set)  # ids of top-level subnets added or changed
    networks: set[str] = field(default_factory=set)  # names of networks added or changed
    full: bool = False  # load the whole document (the global part changed)

    @property
    def server(self) -> Json:
        """The ``DhcpN`` map of the document."""
        server = self.document[f"Dhcp{self.family}"]
        assert isinstance(server, dict)
        return server


def subnet_key(family: int) -> str:
    """``subnet6`` or ``subnet4``."""
    return f"subnet{family}"


def load_patch(previous: Config, patch: ConfigPatch) -> Config | list[str]:
    """The configuration ``patch`` describes, checked; or every error found (one per line)."""
    try:
        if patch.full:
            return load_value(patch.document, family=patch.family).config
        partial = load_value(_partial_document(patch), family=patch.family)
    except ConfigErrors as exc:
        return [_error_text(error) for error in exc.errors]
    return _compose(previous, partial.config, patch)


def _error_text(error: ConfigError) -> str:
    """An error with its path relative to the ``DhcpN`` map (``subnet6[0].id: ...``)."""
    path = error.path[1:] if error.path and str(error.path[0]).startswith("Dhcp") else error.path
    return f"{format_path(path)}: {error.message}" if path else error.message


def _partial_document(patch: ConfigPatch) -> Json:
    """The global part of the document with only the touched networks and subnets."""
    server = patch.server
    key = subnet_key(patch.family)
    partial = {k: v for k, v in server.items() if k not in (key, "shared-networks")}
    partial["shared-networks"] = [
        net for net in _maps(server.get("shared-networks")) if net.get("name") in patch.networks
    ]
    partial[key] = [
        expand(sub, patch.family)
        for sub in _maps(server.get(key))
        if sub.get("id") in patch.subnets
    ]
    return {f"Dhcp{patch.family}": partial}


def _maps(value: object) -> list[Json]:
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def _compose(previous: Config, partial: Config, patch: ConfigPatch) -> Config | list[str]:
    """``partial``'s global part with every network and subnet in the document's order."""
    server = patch.server
    new_networks = {net.name: net for net in partial.shared_networks}
    old_networks = {net.name: net for net in previous.shared_networks}
    networks: list[SharedNetwork] = []
    for entry in _maps(server.get("shared-networks")):
        name = str(entry.get("name"))
        net = new_networks.get(name) if name in patch.networks else old_networks.get(name)
        if net is None:
            return [f"shared network '{name}' is missing from the running configuration"]
        networks.append(net)
    new_subnets = {s.id: s for s in partial.subnets}
    subnets: list[Subnet] = []
    for entry in _maps(server.get(subnet_key(patch.family))):
        sid = entry.get("id")
        if not isinstance(sid, int):
            return [f"subnet {sid} is missing from the running configuration"]
        sub = new_subnets.get(sid) if sid in patch.subnets else previous.subnets_by_id.get(sid)
        if sub is None:
            return [f"subnet {sid} is missing from the running configuration"]
        subnets.append(sub)
    errors = cross_subnet_errors(networks, subnets, patch.family)
    if errors:
        return errors
    every = [s for net in networks for s in net.subnets] + subnets
    return dataclasses.replace(
        partial,
        shared_networks=tuple(networks),
        subnets=tuple(subnets),
        subnets_by_id=MappingProxyType({s.id: s for s in every}),
        subnets_by_prefix=_by_prefix(every),
    )


def _by_prefix(subnets: Iterable[Subnet]) -> Mapping[IPNetwork, Subnet]:
    by_prefix: dict[IPNetwork, Subnet] = {}
    for sub in subnets:
        by_prefix.setdefault(sub.prefix, sub)
    return MappingProxyType(by_prefix)


def cross_subnet_errors(
    networks: Iterable[SharedNetwork], subnets: Iterable[Subnet], family: int
) -> list[str]:
    """Duplicate network names, subnet ids and subnet prefixes (Kea 2.2's texts)."""
    errors: list[str] = []
    names: set[str] = set()
    every: list[Subnet] = []
    for net in networks:
        if net.name in names:
            errors.append(f"A shared-network with name {net.name} defined twice.")
        names.add(net.name)
        every.extend(net.subnets)
    every.extend(subnets)
    ids: set[int] = set()
    prefixes: set[IPNetwork] = set()
    for sub in every:
        if sub.id in ids:
            errors.append(f"ID of the new IPv{family} subnet '{sub.id}' is already in use")
        if sub.prefix in prefixes:
            errors.append(f"subnet with the prefix of '{sub.prefix}' already exists")
        ids.add(sub.id)
        prefixes.add(sub.prefix)
    return errors
