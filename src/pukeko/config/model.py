"""The immutable, typed configuration model a server runs from.

Every object is a frozen dataclass with slots; sequences are tuples and free-form parts
(user-context, database settings, logger entries, keys Pukeko does not interpret) are read-only
mappings (``types.MappingProxyType``) of frozen JSON values. Network objects carry their
*effective* parameters (after Kea's inheritance, ``inherit.py``) in ``params`` and the raw values
written at their own level in ``explicit``, so ``render`` can give the configuration back the way
Kea's ``config-get`` does.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from ipaddress import IPv4Address, IPv4Network, IPv6Address, IPv6Network
from types import MappingProxyType
from typing import TYPE_CHECKING

from pukeko.wire.definitions import OptionDef

if TYPE_CHECKING:
    from pukeko.wire.spaces import OptionSpaces

IPAddress = IPv4Address | IPv6Address
IPNetwork = IPv4Network | IPv6Network
# A JSON value made immutable: MappingProxyType for objects, tuple for lists, or a scalar.
Frozen = object
EMPTY: Mapping[str, object] = MappingProxyType({})


@dataclass(frozen=True, slots=True)
class Lifetime:
    """A lifetime with its client-hint bounds (Kea's Triplet: min <= default <= max)."""

    default: int
    min: int
    max: int


@dataclass(frozen=True, slots=True)
class DdnsParams:
    """The DDNS behaviour parameters of one network level (ARM "DDNS for DHCPv6")."""

    send_updates: bool
    override_no_update: bool
    override_client_update: bool
    replace_client_name: str
    generated_prefix: str
    qualifying_suffix: str
    update_on_renew: bool
    use_conflict_resolution: bool
    hostname_char_set: str
    hostname_char_replacement: str


@dataclass(frozen=True, slots=True)
class NetworkParams:
    """Effective network parameters at one level (global, shared network or subnet)."""

    valid_lifetime: Lifetime
    preferred_lifetime: Lifetime | None  # DHCPv6 only
    renew_timer: int | None
    rebind_timer: int | None
    calculate_tee_times: bool
    t1_percent: float
    t2_percent: float
    rapid_commit: bool
    interface: str
    interface_id: str
    client_class: str
    relay_addresses: tuple[IPAddress, ...]
    reservations_global: bool
    reservations_in_subnet: bool
    reservations_out_of_pool: bool
    store_extended_info: bool
    cache_threshold: float | None
    cache_max_age: int | None
    ddns: DdnsParams
    # DHCPv4 only (None / defaults for DHCPv6).
    match_client_id: bool = True
    authoritative: bool = False
    next_server: IPv4Address | None = None
    server_hostname: str = ""
    boot_file_name: str = ""


@dataclass(frozen=True, slots=True)
class OptionData:
    """One configured option, compiled to its wire payload."""

    space: str
    code: int
    name: str
    payload: bytes
    always_send: bool
    csv_format: bool
    data: str
    extra: Mapping[str, Frozen] = field(default_factory=lambda: EMPTY)


@dataclass(frozen=True, slots=True)
class OptionDefConfig:
    """One ``option-def`` entry: the compiled definition plus its free-form parts."""

    definition: OptionDef
    extra: Mapping[str, Frozen] = field(default_factory=lambda: EMPTY)


@dataclass(frozen=True, slots=True)
class ClientClass:
    """One ``client-classes`` entry (the test expression is kept as text)."""

    name: str
    test: str
    only_if_required: bool
    option_data: tuple[OptionData, ...]
    option_defs: tuple[OptionDefConfig, ...]
    valid_lifetime: Lifetime | None
    preferred_lifetime: Lifetime | None
    extra: Mapping[str, Frozen] = field(default_factory=lambda: EMPTY)


@dataclass(frozen=True, slots=True)
class Pool:
    """An address pool: ``first`` to ``last`` inclusive."""

    first: IPAddress
    last: IPAddress
    text: str
    option_data: tuple[OptionData, ...]
    client_class: str
    require_client_classes: tuple[str, ...]
    extra: Mapping[str, Frozen] = field(default_factory=lambda: EMPTY)

    def __contains__(self, address: object) -> bool:
        if not isinstance(address, IPv4Address | IPv6Address):
            return False
        if address.version != self.first.version:
            return False
        return int(self.first) <= int(address) <= int(self.last)


@dataclass(frozen=True, slots=True)
class PdPool:
    """A prefix delegation pool (RFC 8415 §6.3), optionally with RFC 6603 excluded prefix."""

    prefix: IPv6Network
    delegated_len: int
    excluded_prefix: IPv6Network | None
    option_data: tuple[OptionData, ...]
    client_class: str
    require_client_classes: tuple[str, ...]
    extra: Mapping[str, Frozen] = field(default_factory=lambda: EMPTY)


@dataclass(frozen=True, slots=True)
class Reservation:
    """A host reservation, identified by one of Kea's identifier types."""

    identifier_type: str  # hw-address, duid, circuit-id, client-id, flex-id
    identifier: bytes
    ip_addresses: tuple[IPv6Address, ...]
    prefixes: tuple[IPv6Network, ...]
    ip_address: IPv4Address | None
    hostname: str
    client_classes: tuple[str, ...]
    option_data: tuple[OptionData, ...]
    extra: Mapping[str, Frozen] = field(default_factory=lambda: EMPTY)


@dataclass(frozen=True, slots=True)
class Subnet:
    """A subnet with its effective parameters."""

    id: int
    prefix: IPNetwork
    shared_network: str
    params: NetworkParams
    explicit: Mapping[str, Frozen]
    pools: tuple[Pool, ...]
    pd_pools: tuple[PdPool, ...]
    option_data: tuple[OptionData, ...]
    reservations: tuple[Reservation, ...]
    require_client_classes: tuple[str, ...]
    extra: Mapping[str, Frozen] = field(default_factory=lambda: EMPTY)


@dataclass(frozen=True, slots=True)
class SharedNetwork:
    """A shared network: several subnets on one link."""

    name: str
    params: NetworkParams
    explicit: Mapping[str, Frozen]
    subnets: tuple[Subnet, ...]
    option_data: tuple[OptionData, ...]
    require_client_classes: tuple[str, ...]
    extra: Mapping[str, Frozen] = field(default_factory=lambda: EMPTY)


@dataclass(frozen=True, slots=True)
class InterfacesConfig:
    """``interfaces-config``: where to listen (entries like ``eth0``, ``eth0/2001:db8::1``)."""

    interfaces: tuple[str, ...]
    re_detect: bool
    extra: Mapping[str, Frozen] = field(default_factory=lambda: EMPTY)

    def __iter__(self) -> Iterator[str]:
        return iter(self.interfaces)


@dataclass(frozen=True, slots=True)
class ExpiredLeasesProcessing:
    """Lease reclamation settings (ARM "Lease Reclamation")."""

    reclaim_timer_wait_time: int
    flush_reclaimed_timer_wait_time: int
    hold_reclaimed_time: int
    max_reclaim_leases: int
    max_reclaim_time: int
    unwarned_reclaim_cycles: int
    extra: Mapping[str, Frozen] = field(default_factory=lambda: EMPTY)


@dataclass(frozen=True, slots=True)
class ServerId:
    """DHCPv6 ``server-id``: how the server DUID is generated (ARM "Server Identifier")."""

    type: str
    identifier: bytes
    htype: int
    time: int
    enterprise_id: int
    persist: bool
    extra: Mapping[str, Frozen] = field(default_factory=lambda: EMPTY)


@dataclass(frozen=True, slots=True)
class HookLibrary:
    """One ``hooks-libraries`` entry."""

    library: str
    parameters: Mapping[str, Frozen] | None
    extra: Mapping[str, Frozen] = field(default_factory=lambda: EMPTY)


@dataclass(frozen=True, slots=True)
class MultiThreading:
    """``multi-threading`` settings."""

    enable_multi_threading: bool
    thread_pool_size: int
    packet_queue_size: int
    extra: Mapping[str, Frozen] = field(default_factory=lambda: EMPTY)


@dataclass(frozen=True, slots=True)
class Config:
    """A whole DHCPv6 or DHCPv4 server configuration."""

    family: int
    params: NetworkParams
    explicit: Mapping[str, Frozen]
    decline_probation_period: int
    interfaces: InterfacesConfig
    lease_database: Mapping[str, Frozen]
    hosts_databases: tuple[Mapping[str, Frozen], ...]
    option_data: tuple[OptionData, ...]
    option_defs: tuple[OptionDefConfig, ...]
    client_classes: tuple[ClientClass, ...]
    shared_networks: tuple[SharedNetwork, ...]
    subnets: tuple[Subnet, ...]  # subnets outside shared networks
    reservations: tuple[Reservation, ...]  # global reservations
    expired_leases_processing: ExpiredLeasesProcessing
    control_socket: Mapping[str, Frozen] | None
    dhcp_ddns: Mapping[str, Frozen]
    sanity_checks: Mapping[str, Frozen]
    server_id: ServerId | None
    loggers: tuple[Mapping[str, Frozen], ...]
    hooks_libraries: tuple[HookLibrary, ...]
    multi_threading: MultiThreading
    user_context: Mapping[str, Frozen] | None
    extra: Mapping[str, Frozen]
    # Lookup tables over every subnet, built once by ``build_model``.
    subnets_by_id: Mapping[int, Subnet] = field(compare=False, repr=False)
    subnets_by_prefix: Mapping[IPNetwork, Subnet] = field(compare=False, repr=False)

    @property
    def all_subnets(self) -> tuple[Subnet, ...]:
        """Every subnet, those in shared networks first (Kea's parse order)."""
        inside = tuple(s for net in self.shared_networks for s in net.subnets)
        return inside + self.subnets

    @property
    def interface_names(self) -> tuple[str, ...]:
        """Every interface the configuration names: interfaces-config, then networks' own."""
        names = [entry.split("/", 1)[0] for entry in self.interfaces.interfaces]
        for net in self.shared_networks:
            names.append(net.params.interface)
        names.extend(s.params.interface for s in self.all_subnets)
        return tuple(dict.fromkeys(n for n in names if n))

    def subnet(self, subnet_id: int) -> Subnet | None:
        """The subnet with this id, if any."""
        return self.subnets_by_id.get(subnet_id)


def freeze(value: object) -> Frozen:
    """A deep read-only copy of a JSON value (dict -> MappingProxyType, list -> tuple)."""
    if isinstance(value, dict):
        return MappingProxyType({str(k): freeze(v) for k, v in value.items()})
    if isinstance(value, list | tuple):
        return tuple(freeze(v) for v in value)
    return value


def thaw(value: object) -> object:
    """A plain JSON value (dict / list) from a frozen one."""
    if isinstance(value, Mapping):
        return {str(k): thaw(v) for k, v in value.items()}
    if isinstance(value, tuple):
        return [thaw(v) for v in value]
    return value


def frozen_map(value: Mapping[str, object]) -> Mapping[str, Frozen]:
    """A read-only deep copy of a JSON object."""
    return MappingProxyType({str(k): freeze(v) for k, v in value.items()})


def build_model(root: dict[str, object], family: int, spaces: OptionSpaces) -> Config:
    """Build the typed model from a checked, defaulted configuration document."""
    from pukeko.config.model_build import build_config  # here: model_build imports this module

    return build_config(root, family, spaces)
