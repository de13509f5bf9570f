"""Host reservations in the DHCPv6 engine: who the client is, which hosts are its, who else's.

A reservation is a rule the server keeps, never a hint (spec 000, issue 6). This module holds
what the engine needs per configuration and host view (:class:`HostPolicy6`):

* the identifiers of a client in ``host-reservation-identifiers`` order (Kea 2.2
  Dhcpv6Srv::setHostIdentifiers; default ``hw-address``, ``duid``; ``auto`` is every DHCPv6
  type): the hardware address from ``mac-sources``, the DUID, and the flex-id, which is the
  ``identifier-expression`` of the ``libdhcp_flex_id.so`` hook evaluated over the packet;
* the lookup (AllocEngine::findReservation): the global host when the selected subnet serves
  global reservations (``reservations-global``), then the host of every subnet of the shared
  network the client may use that serves in-subnet reservations (``reservations-in-subnet``);
* the checks that keep a reserved address or prefix away from other clients: a candidate of
  the dynamic allocation (hint or allocator pick) reserved in its subnet, or globally, is
  skipped (Kea getIPv6Resrv); in-pool candidates skip the subnet lookup when
  ``reservations-out-of-pool`` says every in-subnet reservation lies outside the pools;
* each host's ``option-data`` compiled once (the top option level, Kea buildCfgOptionList).

Only identifier types some DHCPv6 host uses are looked up, and nothing at all happens while no
DHCPv6 host exists (:meth:`HostPolicy6.active`). Every lookup is a dict lookup in the view.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from ipaddress import IPv6Address

from pukeko.classify.evaluate import Value, compile_value
from pukeko.classify.lexer import ExpressionError
from pukeko.classify.parser import parse_expression
from pukeko.classify.query import Query6
from pukeko.classify.strfuncs import EvaluationError
from pukeko.config.hooks import library_name
from pukeko.config.model import Config, Subnet
from pukeko.hosts.config import config_ip_reservations_unique, hosts_from_config
from pukeko.hosts.memory import MemoryHostStore
from pukeko.hosts.model import SUBNET_ID_GLOBAL, Host, IdentifierType
from pukeko.hosts.store import HostStoreError, HostView6
from pukeko.leases.model import LeaseType
from pukeko.server.dhcp6.context import HwAddr
from pukeko.server.dhcp6.options import EMPTY_LEVEL, OptionLevel
from pukeko.server.dhcp6.select import Topology, client_supported
from pukeko.wire.buffer import FormError
from pukeko.wire.spaces import OptionSpaces

FLEX_ID_LIBRARY = "libdhcp_flex_id.so"
# Kea CfgHostOperations::createConfig6 and the "auto" expansion (Host::IdentifierType order).
DEFAULT_IDENTIFIERS6 = (IdentifierType.HW_ADDRESS, IdentifierType.DUID)
AUTO_IDENTIFIERS6 = (IdentifierType.HW_ADDRESS, IdentifierType.DUID, IdentifierType.FLEX_ID)
HOST_LEVEL_CACHE_LIMIT = 4096

Identifiers = list[tuple[IdentifierType, bytes]]
QueryFactory = Callable[[], Query6]
_PD = LeaseType.PD
_HW = IdentifierType.HW_ADDRESS
_DUID = IdentifierType.DUID
_FLEX = IdentifierType.FLEX_ID


def identifier_order(config: Config) -> tuple[IdentifierType, ...]:
    """``host-reservation-identifiers`` as identifier types (unknown names skipped)."""
    names = config.extra.get("host-reservation-identifiers")
    if not isinstance(names, tuple) or not names:
        return DEFAULT_IDENTIFIERS6
    if "auto" in names:
        return AUTO_IDENTIFIERS6
    order: list[IdentifierType] = []
    for name in names:
        try:
            kind = IdentifierType.from_kea_name(str(name))
        except ValueError:
            continue
        if kind in AUTO_IDENTIFIERS6 and kind not in order:
            order.append(kind)
    return tuple(order) or DEFAULT_IDENTIFIERS6


def flex_expression(config: Config, spaces: OptionSpaces) -> Value | None:
    """The flex_id hook's ``identifier-expression`` compiled, or None (no hook, bad text)."""
    for hook in config.hooks_libraries:
        if library_name(hook.library) != FLEX_ID_LIBRARY or hook.parameters is None:
            continue
        text = hook.parameters.get("identifier-expression")
        if not isinstance(text, str) or not text:
            return None
        option_code = partial(spaces.code_of, "dhcp6")
        try:
            expr = parse_expression(text, family=6, option_code=option_code, want="string")
        except ExpressionError:
            return None
        return compile_value(expr, 6, spaces)
    return None


def config_hosts(config: Config) -> MemoryHostStore:
    """A store holding the configuration's reservations (the engine's default view).

    The configuration checks refuse duplicates; should one get through anyway, it is left out
    instead of failing the whole configuration.
    """
    try:
        return MemoryHostStore.from_config(config)
    except HostStoreError:
        store = MemoryHostStore(config_ip_reservations_unique(config))
        for host in hosts_from_config(config):
            try:
                store.add_now(host)
            except HostStoreError:
                continue
        return store


def first_hosts(hosts: dict[int, Host], subnet: Subnet) -> tuple[Host | None, Host | None]:
    """(current host, global host) right after the lookup (Kea currentHost / globalHost)."""
    params = subnet.params
    ghost = hosts.get(SUBNET_ID_GLOBAL) if params.reservations_global else None
    current = hosts.get(subnet.id) if params.reservations_in_subnet else None
    return (current or ghost), ghost


def initial_classes(
    hosts: dict[int, Host], subnet: Subnet, early: bool = False
) -> tuple[str, ...] | None:
    """The reservation classes Kea's initContext sets before KNOWN (None: it sets none).

    They are set when the global host has classes (unless the early global lookup set them
    already), or when the subnet is in no shared network (the client cannot move) and its
    current host has classes; they are the current host's.
    """
    current, ghost = first_hosts(hosts, subnet)
    if (not early and ghost is not None and ghost.client_classes6) or (
        not subnet.shared_network and current is not None and current.client_classes6
    ):
        return current.client_classes6 if current is not None else ()
    return None


def mac_sources(config: Config) -> tuple[str, ...]:
    """``mac-sources`` (Kea's default: "any")."""
    value = config.extra.get("mac-sources")
    if isinstance(value, tuple) and value:
        return tuple(str(v) for v in value)
    return ("any",)


class HostPolicy6:
    """The reservation rules of one configuration over one host view."""

    __slots__ = (
        "_levels",
        "early_global",
        "flex",
        "lookup_first",
        "order",
        "spaces",
        "topology",
        "view",
    )

    def __init__(
        self,
        view: HostView6,
        topology: Topology,
        order: tuple[IdentifierType, ...] = DEFAULT_IDENTIFIERS6,
        flex: Value | None = None,
        spaces: OptionSpaces | None = None,
        lookup_first: bool = False,
        early_global: bool = False,
    ) -> None:
        self.view = view
        self.topology = topology
        self.order = order
        self.flex = flex
        self.spaces = spaces
        # reservations-lookup-first: Kea's order of the lease and reservation checks of a pool
        # candidate; both are in-memory lookups here, so only the order changes.
        self.lookup_first = lookup_first
        # early-global-reservations-lookup (Kea 2.2 Dhcpv6Srv::earlyGHRLookup): the global host
        # is looked up before the subnet is selected, so its classes and KNOWN can select it.
        self.early_global = early_global
        self._levels: dict[int, tuple[Host, OptionLevel]] = {}

    @classmethod
    def build(
        cls, config: Config, view: HostView6, topology: Topology, spaces: OptionSpaces
    ) -> HostPolicy6:
        """The policy of ``config`` over ``view``."""
        return cls(
            view,
            topology,
            identifier_order(config),
            flex_expression(config, spaces),
            spaces,
            config.extra.get("reservations-lookup-first") is True,
            config.extra.get("early-global-reservations-lookup") is True,
        )

    def active(self) -> bool:
        """True while any DHCPv6 host exists (else no lookup at all)."""
        return bool(self.view.identifier_types6())

    # --- who the client is (setHostIdentifiers) -------------------------------------------

    def identifiers(self, duid: bytes, hwaddr: HwAddr | None, query: QueryFactory) -> Identifiers:
        """The client's identifiers of the types some host uses, in configured order."""
        used = self.view.identifier_types6()
        found: Identifiers = []
        for kind in self.order:
            if kind not in used:
                continue
            if kind == _DUID:
                if duid:
                    found.append((kind, duid))
            elif kind == _HW:
                if hwaddr is not None and hwaddr.address:
                    found.append((kind, hwaddr.address))
            elif kind == _FLEX and self.flex is not None:
                value = self._flex_id(query)
                if value:
                    found.append((kind, value))
        return found

    def _flex_id(self, query: QueryFactory) -> bytes:
        assert self.flex is not None
        try:
            return self.flex(query())
        except (EvaluationError, FormError, ValueError):
            return b""

    # --- which hosts are the client's (findReservation) -----------------------------------

    def global_host(self, identifiers: Identifiers) -> Host | None:
        """The client's global host (Kea AllocEngine::findGlobalReservation)."""
        if not identifiers or not self.view.has_reservations6(SUBNET_ID_GLOBAL):
            return None
        return self._first(SUBNET_ID_GLOBAL, identifiers)

    def find(
        self,
        subnet: Subnet,
        classes: frozenset[str],
        identifiers: Identifiers,
        early_host: Host | None = None,
    ) -> dict[int, Host]:
        """The client's hosts by subnet id (0: global), as Kea's ctx.hosts_.

        With the early global lookup the global host found then stays whatever the subnet's
        ``reservations-global`` says, and only in-subnet hosts are looked up here (Kea 2.2
        findReservation returns at once when the subnet has no in-subnet reservations).
        """
        hosts: dict[int, Host] = {}
        if not identifiers:
            return hosts
        view = self.view
        params = subnet.params
        if self.early_global:
            if early_host is not None:
                hosts[SUBNET_ID_GLOBAL] = early_host
            if not params.reservations_in_subnet:
                return hosts
        elif params.reservations_global and view.has_reservations6(SUBNET_ID_GLOBAL):
            host = self._first(SUBNET_ID_GLOBAL, identifiers)
            if host is not None:
                hosts[SUBNET_ID_GLOBAL] = host
                if not params.reservations_in_subnet:
                    return hosts
        for sibling in self.topology.network_order(subnet):
            if (
                sibling.params.reservations_in_subnet
                and view.has_reservations6(sibling.id)
                and client_supported(sibling, classes)
            ):
                host = self._first(sibling.id, identifiers)
                if host is not None:
                    hosts[sibling.id] = host
        return hosts

    def _first(self, subnet_id: int, identifiers: Identifiers) -> Host | None:
        get6 = self.view.get6
        for kind, value in identifiers:
            host = get6(subnet_id, kind, value)
            if host is not None:
                return host
        return None

    # --- who else's (getIPv6Resrv) -----------------------------------------------------------

    def reserved(self, subnet: Subnet, lease_type: LeaseType, address: int, in_pool: bool) -> bool:
        """True when a candidate of the dynamic allocation is reserved (for anyone).

        Kea skips such a candidate whoever it is reserved for: the client's own reservations
        were granted before the dynamic allocation runs.
        """
        check = self.candidate_check(subnet, lease_type, in_pool)
        return check is not None and check(address)

    def candidate_check(
        self, subnet: Subnet, lease_type: LeaseType, in_pool: bool
    ) -> Callable[[int], bool] | None:
        """A function telling whether a candidate of ``subnet`` is reserved, or None when no
        reservation can apply (nothing to look up: the allocator's fast path)."""
        view = self.view
        params = subnet.params
        local = (
            params.reservations_in_subnet
            and not (in_pool and params.reservations_out_of_pool)
            and view.has_reservations6(subnet.id)
        )
        glob = params.reservations_global and view.has_reservations6(SUBNET_ID_GLOBAL)
        if not local and not glob:
            return None
        by_resource6 = view.by_resource6
        scopes = ((subnet.id,) if local else ()) + ((SUBNET_ID_GLOBAL,) if glob else ())

        def is_reserved(address: int) -> bool:
            for scope in scopes:
                for host in by_resource6(scope, address):
                    if host_reserves(host, lease_type, address):
                        return True
            return False

        return is_reserved

    def holders(
        self, subnet: Subnet, lease_type: LeaseType, address: int, in_pool: bool = False
    ) -> list[Host]:
        """Hosts reserving the address (NA) or a prefix starting there (PD) in ``subnet`` (if
        it serves in-subnet reservations) or globally (if it serves global ones).

        With ``reservations-out-of-pool`` an in-pool address skips the subnet lookup (Kea's
        fast path); global reservations are checked whatever the flag says (strictness: Kea 2.2
        does not check them at all, see docs/compatibility.md).
        """
        view = self.view
        params = subnet.params
        found: list[Host] = []
        ip: IPv6Address | None = None
        if (
            params.reservations_in_subnet
            and not (in_pool and params.reservations_out_of_pool)
            and view.has_reservations6(subnet.id)
        ):
            ip = IPv6Address(address)
            found.extend(view.by_resource6(subnet.id, ip))
        if params.reservations_global and view.has_reservations6(SUBNET_ID_GLOBAL):
            found.extend(view.by_resource6(SUBNET_ID_GLOBAL, ip or IPv6Address(address)))
        if not found:
            return found
        return [host for host in found if host_reserves(host, lease_type, address)]

    # --- option-data of a host (buildCfgOptionList) -------------------------------------------

    def option_level(self, host: Host) -> OptionLevel:
        """The host's ``option-data`` compiled once (an empty level if it cannot be)."""
        if not host.option_data6:
            return EMPTY_LEVEL
        cached = self._levels.get(id(host))
        if cached is not None and cached[0] is host:
            return cached[1]
        try:
            level = OptionLevel.compile(host.option_data6, self.spaces)
        except (FormError, ValueError, KeyError):
            level = EMPTY_LEVEL
        if len(self._levels) >= HOST_LEVEL_CACHE_LIMIT:
            self._levels.clear()
        self._levels[id(host)] = (host, level)
        return level


def host_reserves(host: Host, lease_type: LeaseType, address: int, prefix_len: int = 0) -> bool:
    """True when the host reserves the address (NA) or a prefix starting at it (PD).

    ``prefix_len`` (PD only, 0: any length) must match too when given.
    """
    if lease_type == _PD:
        for prefix in host.prefixes:
            if int(prefix.network_address) == address and (
                not prefix_len or prefix.prefixlen == prefix_len
            ):
                return True
        return False
    for reserved in host.ip_addresses:  # noqa: SIM110 -- a loop beats any(genexpr) on 3.11
        if int(reserved) == address:
            return True
    return False


def reserved_resources(host: Host, lease_type: LeaseType) -> list[tuple[int, int]]:
    """The host's reserved (address, prefix length) of one lease type, in host order."""
    if lease_type == _PD:
        return [(int(p.network_address), p.prefixlen) for p in host.prefixes]
    return [(int(a), 128) for a in host.ip_addresses]


def host_label(host: Host) -> str:
    """Kea Host::getIdentifierAsText: ``duid=000102...`` / ``hwaddr=...`` (upper-case hex)."""
    kind = "hwaddr" if host.identifier_type == _HW else host.identifier_type.kea_name
    return f"{kind}={host.identifier.hex().upper() or '(null)'}"
