"""Everything the DHCPv6 engine precomputes from one configuration (Kea's CfgMgr view).

:class:`ConfigPlan` holds the compiled option levels (global, shared network, subnet, pool),
the subnet-selection topology, the client classes and the RSOO codes, and answers the option
lookup of a reply (Kea buildCfgOptionList): pools > subnet > shared network > classes > global.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from pukeko.classify.query import Query6
from pukeko.config.checks_options import standard_spaces
from pukeko.config.model import Config, OptionData, PdPool, Pool, Subnet
from pukeko.hosts.model import SUBNET_ID_GLOBAL
from pukeko.leases.model import LeaseType
from pukeko.server.dhcp6.classes6 import Classifier6
from pukeko.server.dhcp6.context import Exchange
from pukeko.server.dhcp6.options import (
    OPTION_ERP_LOCAL_DOMAIN_NAME,
    OptionLevel,
    OptionSet,
    chain,
)
from pukeko.server.dhcp6.pools import find_pool
from pukeko.server.dhcp6.select import Topology
from pukeko.wire.spaces import OptionSpaces


@dataclass(slots=True)
class ConfigPlan:
    """Everything precomputed from one configuration (options per level, topology, RSOO)."""

    config: Config
    topology: Topology
    global_level: OptionLevel
    subnet_sets: dict[int, OptionSet]
    pool_levels: dict[int, OptionLevel] = field(default_factory=dict)  # id(pool) -> level
    rsoo: frozenset[int] = frozenset({OPTION_ERP_LOCAL_DOMAIN_NAME})
    unicast_addresses: frozenset[str] = frozenset()
    classifier: Classifier6 | None = None  # None: no client-classes configured
    # subnet id -> (its own level, its shared network's level), for chains with classes
    subnet_levels: dict[int, tuple[OptionLevel, OptionLevel]] = field(default_factory=dict)
    chains: dict[tuple[object, ...], OptionSet] = field(default_factory=dict)
    spaces: OptionSpaces | None = None  # the standard spaces plus the configured option-defs
    # shared network name -> (its option data, its compiled level), for the next plan to reuse
    network_levels: dict[str, tuple[tuple[OptionData, ...], OptionLevel]] = field(
        default_factory=dict
    )

    @classmethod
    def build(
        cls,
        config: Config,
        rsoo_codes: Iterable[int] = (),
        log_matches: bool = True,
        *,
        previous: ConfigPlan | None = None,
        unchanged: frozenset[int] = frozenset(),
    ) -> ConfigPlan:
        """Compile the option levels and selection tables of ``config``.

        ``previous`` / ``unchanged``: the levels of these subnets (the same model objects, see
        ``io.daemon6.unchanged_subnets``) are taken from the running plan when the levels above
        them compile alike, so a subnet command does not recompile every subnet's options.
        """
        base = previous if _same_base(previous, config) else None
        if base is not None and base.spaces is not None:
            spaces, global_level = base.spaces, base.global_level
        else:
            spaces = standard_spaces(6).with_defs(d.definition for d in config.option_defs)
            global_level = OptionLevel.compile(config.option_data, spaces)
        network_levels = {
            net.name: _network_level(net.option_data, spaces, base, net.name)
            for net in config.shared_networks
        }
        subnet_sets: dict[int, OptionSet] = {}
        subnet_levels: dict[int, tuple[OptionLevel, OptionLevel]] = {}
        pool_levels: dict[int, OptionLevel] = {}
        for subnet in config.all_subnets:
            named = network_levels.get(subnet.shared_network)
            network = named[1] if named is not None else _NO_NETWORK
            if (
                base is not None
                and subnet.id in unchanged
                and base.subnet_levels.get(subnet.id, _NO_LEVELS)[1] is network
            ):
                subnet_sets[subnet.id] = base.subnet_sets[subnet.id]
                subnet_levels[subnet.id] = base.subnet_levels[subnet.id]
                for pool in (*subnet.pools, *subnet.pd_pools):
                    if id(pool) in base.pool_levels:
                        pool_levels[id(pool)] = base.pool_levels[id(pool)]
                continue
            own = OptionLevel.compile(subnet.option_data, spaces)
            subnet_sets[subnet.id] = chain([own, network, global_level])
            subnet_levels[subnet.id] = (own, network)
            pools: tuple[Pool | PdPool, ...] = (*subnet.pools, *subnet.pd_pools)
            for pool in pools:
                if pool.option_data:
                    pool_levels[id(pool)] = OptionLevel.compile(pool.option_data, spaces)
        rsoo = {*rsoo_codes, *_configured_rsoo(config)}
        unicast = frozenset(
            entry.split("/", 1)[1].lower() for entry in config.interfaces if "/" in entry
        )
        return cls(
            config,
            Topology.build(config),
            global_level,
            subnet_sets,
            pool_levels,
            frozenset({OPTION_ERP_LOCAL_DOMAIN_NAME, *rsoo}),
            unicast,
            Classifier6(config, spaces, log_matches) if config.client_classes else None,
            subnet_levels,
            spaces=spaces,
            network_levels=network_levels,
        )

    def options_for(self, ex: Exchange) -> OptionSet:
        """Kea buildCfgOptionList: host > pools > subnet > shared network > classes > global.

        The required classes are evaluated first (Kea requiredClassify runs after the leases
        are assigned and before the options are chosen); before them, in a shared network,
        the classes of the subnet reservation the client got (conditionallySetReserved...).
        """
        subnet = ex.subnet
        host = self._host_level(ex) if ex.hosts else None
        pools = self._pool_levels(ex, subnet) if subnet is not None else []
        if host is not None:
            pools.insert(0, host)
        query, classifier = ex.query, self.classifier
        classes: list[OptionLevel] = []
        if query is not None and classifier is not None:
            if ex.hosts:
                reserved_network_classes(ex, query)
            classifier.required(query, subnet, ex.allocated, ex.log, ex.debuglevel)
            classes = classifier.option_levels(query, ex.label, ex.log, ex.debuglevel)
        if classes:
            own, network = self.subnet_levels[subnet.id] if subnet is not None else _NO_LEVELS
            return self._chain([*pools, own, network, *classes, self.global_level])
        if subnet is None:
            return chain([*pools, self.global_level])
        base = self.subnet_sets[subnet.id]
        if not pools:
            return base
        # Host levels are few and long-lived: their chains are remembered; pool mixes are not.
        return self._chain([*pools, *base.levels]) if host else chain([*pools, *base.levels])

    @staticmethod
    def _host_level(ex: Exchange) -> OptionLevel | None:
        """The option level of the client's current host reservation, if it has options."""
        policy = ex.reservations
        host = ex.current_host()
        if policy is None or host is None or not host.option_data6:
            return None
        level = policy.option_level(host)
        return None if level.empty else level

    def _pool_levels(self, ex: Exchange, subnet: Subnet) -> list[OptionLevel]:
        """Option levels of the pools holding the leases given in this message."""
        levels: list[OptionLevel] = []
        if not self.pool_levels or not ex.allocated:
            return levels
        for address, prefix_len in ex.allocated:
            lease_type = LeaseType.NA if prefix_len == 128 else LeaseType.PD
            pool = find_pool(subnet, lease_type, address)
            level = self.pool_levels.get(id(pool)) if pool is not None else None
            if level is not None and level not in levels:
                levels.append(level)
        return levels

    def _chain(self, levels: list[OptionLevel]) -> OptionSet:
        """``chain(levels)``, remembered: few distinct level lists occur per configuration."""
        key = tuple(id(level) for level in levels)
        found = self.chains.get(key)
        if found is None:
            if len(self.chains) >= CHAIN_CACHE_LIMIT:
                self.chains.clear()
            found = self.chains[key] = chain(levels)
        return found


CHAIN_CACHE_LIMIT = 1024


def reserved_network_classes(ex: Exchange, query: Query6) -> None:
    """Kea conditionallySetReservedClientClasses: in a shared network, the classes of the
    subnet reservation of the client's final subnet join the packet (after allocation)."""
    subnet = ex.subnet
    if subnet is None or not subnet.shared_network:
        return
    host = ex.current_host()
    if host is not None and host.ipv6_subnet_id != SUBNET_ID_GLOBAL:
        for name in host.client_classes6:
            query.classes[name] = None


_NO_LEVELS = (OptionLevel(), OptionLevel())
_NO_NETWORK = OptionLevel()  # the network level of a subnet outside any shared network


def _same_base(previous: ConfigPlan | None, config: Config) -> bool:
    """True when ``previous``'s option definitions and global options are ``config``'s."""
    return (
        previous is not None
        and previous.config.option_defs == config.option_defs
        and previous.config.option_data == config.option_data
    )


def _network_level(
    data: tuple[OptionData, ...], spaces: OptionSpaces, base: ConfigPlan | None, name: str
) -> tuple[tuple[OptionData, ...], OptionLevel]:
    """A shared network's compiled level; the running plan's when its option data is the same."""
    kept = base.network_levels.get(name) if base is not None else None
    if kept is not None and kept[0] == data:
        return kept
    return data, OptionLevel.compile(data, spaces)


def _configured_rsoo(config: Config) -> set[int]:
    """Option codes of ``relay-supplied-options`` (codes or standard option names)."""
    entries = config.extra.get("relay-supplied-options", ())
    codes: set[int] = set()
    if not isinstance(entries, tuple):
        return codes
    spaces = standard_spaces(6)
    for entry in entries:
        text = str(entry).strip()
        if text.isdigit():
            codes.add(int(text))
            continue
        definition = spaces.by_name("dhcp6", text)
        if definition is not None:
            codes.add(definition.code)
    return codes
