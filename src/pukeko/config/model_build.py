"""Build the typed model (``model.py``) from a checked configuration with Kea's defaults filled.

The input has passed ``check_schema`` and ``semantic_checks``; anything still malformed here is a
programming error upstream, so values are converted without further diagnostics.
"""

from __future__ import annotations

from collections.abc import Mapping
from ipaddress import IPv4Address, IPv6Network
from types import MappingProxyType

from pukeko.config.checks import server_map
from pukeko.config.checks_base import (
    as_list,
    as_map,
    assign_subnet_ids,
    decode_hex_digits,
    decode_identifier,
    maps,
    network_of,
    parse_prefix,
    subnet_entries,
    subnet_key,
)
from pukeko.config.checks_hosts import IDENTIFIERS
from pukeko.config.checks_networks import parse_pool_text
from pukeko.config.checks_options import compile_option, option_def_row
from pukeko.config.inherit import derive, inherited_names
from pukeko.config.model import (
    ClientClass,
    Config,
    ExpiredLeasesProcessing,
    HookLibrary,
    InterfacesConfig,
    IPNetwork,
    MultiThreading,
    OptionData,
    OptionDefConfig,
    PdPool,
    Pool,
    Reservation,
    ServerId,
    SharedNetwork,
    Subnet,
    frozen_map,
)
from pukeko.config.model_params import Levels, ParamBuilder, explicit_params, lifetime
from pukeko.wire.ipv6text import parse_ipv6
from pukeko.wire.spaces import OptionSpaces, SpaceError

# Kea's CfgExpiration defaults (ARM "Lease Reclamation Parameters").
EXPIRATION_DEFAULTS: Mapping[str, int] = {
    "reclaim-timer-wait-time": 10,
    "flush-reclaimed-timer-wait-time": 25,
    "hold-reclaimed-time": 3600,
    "max-reclaim-leases": 100,
    "max-reclaim-time": 250,
    "unwarned-reclaim-cycles": 5,
}
GLOBAL_TYPED = frozenset(
    {
        "decline-probation-period",
        "interfaces-config",
        "lease-database",
        "hosts-database",
        "hosts-databases",
        "option-data",
        "option-def",
        "client-classes",
        "shared-networks",
        "subnet6",
        "subnet4",
        "reservations",
        "expired-leases-processing",
        "control-socket",
        "dhcp-ddns",
        "sanity-checks",
        "server-id",
        "loggers",
        "hooks-libraries",
        "multi-threading",
        "user-context",
        "reservation-mode",
    }
)
SUBNET_TYPED = frozenset(
    {
        "id",
        "subnet",
        "pools",
        "pd-pools",
        "option-data",
        "reservations",
        "require-client-classes",
        "reservation-mode",
    }
)
SHARED_TYPED = frozenset(
    {"name", "subnet6", "subnet4", "option-data", "require-client-classes", "reservation-mode"}
)


def _extra(level: Mapping[str, object], typed: frozenset[str], family: int) -> Mapping[str, object]:
    skip = typed | set(inherited_names(family))
    return frozen_map({k: v for k, v in level.items() if k not in skip})


class ModelBuilder:
    """Turns one checked DhcpN map into a Config."""

    def __init__(self, family: int, spaces: OptionSpaces) -> None:
        self.family = family
        self.spaces = spaces
        self.params = ParamBuilder(family)

    # -- options ----------------------------------------------------------------------------

    def options(
        self, entries: object, *, is_global: bool = False, spaces: OptionSpaces | None = None
    ) -> tuple[OptionData, ...]:
        """Compile an option-data list (checked already; entries that fail are skipped)."""
        out = []
        for _, entry in maps(entries):
            compiled = compile_option(entry, spaces or self.spaces, csv_default=is_global)
            if isinstance(compiled, tuple):
                continue
            rest = {
                k: v
                for k, v in entry.items()
                if k not in ("name", "code", "space", "csv-format", "always-send", "data")
            }
            data = entry.get("data", "")
            out.append(
                OptionData(
                    space=compiled.space,
                    code=compiled.code,
                    name=compiled.name,
                    payload=compiled.payload,
                    always_send=entry.get("always-send") is True,
                    csv_format=compiled.csv_format,
                    data=data if isinstance(data, str) else "",
                    extra=frozen_map(rest),
                )
            )
        return tuple(out)

    def option_defs(self, entries: object) -> tuple[OptionDefConfig, ...]:
        """The option-def list as compiled rows."""
        out = []
        for _, entry in maps(entries):
            row = option_def_row(entry, self.family)
            if row is not None:
                rest = {
                    k: v
                    for k, v in entry.items()
                    if k
                    not in ("name", "code", "type", "space", "array", "record-types", "encapsulate")
                }
                out.append(OptionDefConfig(row, frozen_map(rest)))
        return tuple(out)

    # -- pools, reservations ----------------------------------------------------------------

    def pool(self, entry: dict[str, object]) -> Pool | None:
        """One address pool."""
        text = entry.get("pool")
        parsed = parse_pool_text(text, self.family) if isinstance(text, str) else "missing"
        if isinstance(parsed, str) or not isinstance(text, str):
            return None
        return Pool(
            first=parsed[0],
            last=parsed[1],
            text=text.strip(),
            option_data=self.options(entry.get("option-data")),
            client_class=str(entry.get("client-class", "")),
            require_client_classes=_strings(entry.get("require-client-classes")),
            extra=frozen_map(
                {
                    k: v
                    for k, v in entry.items()
                    if k not in ("pool", "option-data", "client-class", "require-client-classes")
                }
            ),
        )

    def pd_pool(self, entry: dict[str, object]) -> PdPool:
        """One prefix delegation pool."""
        prefix = _network(str(entry["prefix"]), int(str(entry["prefix-len"])))
        excluded = None
        xtext, xlen = entry.get("excluded-prefix"), entry.get("excluded-prefix-len", 0)
        if isinstance(xtext, str) and isinstance(xlen, int) and xlen:
            excluded = _network(xtext, xlen)
        return PdPool(
            prefix=prefix,
            delegated_len=int(str(entry["delegated-len"])),
            excluded_prefix=excluded,
            option_data=self.options(entry.get("option-data")),
            client_class=str(entry.get("client-class", "")),
            require_client_classes=_strings(entry.get("require-client-classes")),
            extra=frozen_map(
                {
                    k: v
                    for k, v in entry.items()
                    if k
                    not in (
                        "prefix",
                        "prefix-len",
                        "delegated-len",
                        "excluded-prefix",
                        "excluded-prefix-len",
                        "option-data",
                        "client-class",
                        "require-client-classes",
                    )
                }
            ),
        )

    def reservation(self, entry: dict[str, object]) -> Reservation | None:
        """One host reservation."""
        kind = next((k for k in IDENTIFIERS[self.family] if k in entry), None)
        text = entry.get(kind) if kind else None
        value = decode_identifier(text) if isinstance(text, str) else None
        if kind is None or value is None or not isinstance(text, str):
            return None
        addresses = tuple(
            parse_ipv6(a.strip()) for a in as_list(entry.get("ip-addresses")) if isinstance(a, str)
        )
        prefixes = []
        for p in as_list(entry.get("prefixes")):
            parsed = parse_prefix(p, 6) if isinstance(p, str) else None
            if parsed is not None:
                prefixes.append(IPv6Network((int(parsed[0]), parsed[1]), strict=False))
        v4 = entry.get("ip-address")
        typed = {
            kind,
            "ip-addresses",
            "prefixes",
            "ip-address",
            "hostname",
            "client-classes",
            "option-data",
        }
        return Reservation(
            identifier_type=kind,
            identifier=value,
            ip_addresses=addresses,
            prefixes=tuple(prefixes),
            ip_address=IPv4Address(v4) if isinstance(v4, str) else None,
            hostname=str(entry.get("hostname", "")),
            client_classes=_strings(entry.get("client-classes")),
            option_data=self.options(entry.get("option-data")),
            extra=frozen_map({k: v for k, v in entry.items() if k not in typed}),
        )

    def reservations(self, entries: object) -> tuple[Reservation, ...]:
        """A reservations list."""
        built = (self.reservation(entry) for _, entry in maps(entries))
        return tuple(r for r in built if r is not None)

    # -- networks ---------------------------------------------------------------------------

    def subnet(
        self, entry: dict[str, object], subnet_id: int, levels: Levels, shared_name: str
    ) -> Subnet | None:
        """One subnet; ``levels`` are its parents' explicit parameters (network, global)."""
        text = entry.get("subnet")
        parsed = parse_prefix(text, self.family) if isinstance(text, str) else None
        if parsed is None:
            return None
        own = explicit_params(derive(levels[0], entry, self.family), self.family)
        pools = (self.pool(p) for _, p in maps(entry.get("pools")))
        pd_pools: tuple[PdPool, ...] = ()
        if self.family == 6:
            pd_pools = tuple(self.pd_pool(p) for _, p in maps(entry.get("pd-pools")))
        return Subnet(
            id=subnet_id,
            prefix=network_of(*parsed),
            shared_network=shared_name,
            params=self.params.build([own, *levels]),
            explicit=frozen_map(own),
            pools=tuple(p for p in pools if p is not None),
            pd_pools=pd_pools,
            option_data=self.options(entry.get("option-data")),
            reservations=self.reservations(entry.get("reservations")),
            require_client_classes=_strings(entry.get("require-client-classes")),
            extra=_extra(entry, SUBNET_TYPED, self.family),
        )

    def shared_network(
        self, net: dict[str, object], glob: dict[str, object], ids: dict[int, int], start: int
    ) -> SharedNetwork:
        """One shared network with its subnets (``ids``: subnet index -> assigned id)."""
        own = explicit_params(derive(glob, net, self.family), self.family)
        name = str(net.get("name", ""))
        subnets = []
        for i, entry in maps(net.get(subnet_key(self.family))):
            built = self.subnet(entry, ids[start + i], [own, glob], name)
            if built is not None:
                subnets.append(built)
        return SharedNetwork(
            name=name,
            params=self.params.build([own, glob]),
            explicit=frozen_map(own),
            subnets=tuple(subnets),
            option_data=self.options(net.get("option-data")),
            require_client_classes=_strings(net.get("require-client-classes")),
            extra=_extra(net, SHARED_TYPED, self.family),
        )

    # -- client classes ---------------------------------------------------------------------

    def client_class(self, entry: dict[str, object]) -> ClientClass:
        """One client class (its own option-defs extend the registry for its option data)."""
        defs = self.option_defs(entry.get("option-def"))
        spaces = self.spaces
        if defs:
            try:
                spaces = spaces.with_defs(d.definition for d in defs)
            except SpaceError:
                spaces = self.spaces
        typed = {
            "name",
            "test",
            "only-if-required",
            "option-data",
            "option-def",
            "valid-lifetime",
            "min-valid-lifetime",
            "max-valid-lifetime",
            "preferred-lifetime",
            "min-preferred-lifetime",
            "max-preferred-lifetime",
        }
        return ClientClass(
            name=str(entry.get("name", "")),
            test=str(entry.get("test", "")),
            only_if_required=entry.get("only-if-required") is True,
            option_data=self.options(entry.get("option-data"), spaces=spaces),
            option_defs=defs,
            valid_lifetime=lifetime([entry], "valid-lifetime", None),
            preferred_lifetime=lifetime([entry], "preferred-lifetime", None),
            extra=frozen_map({k: v for k, v in entry.items() if k not in typed}),
        )


def _strings(value: object) -> tuple[str, ...]:
    return tuple(v for v in as_list(value) if isinstance(v, str))


def _int(value: object, fallback: int) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else fallback


def _server_id(value: object) -> ServerId:
    cfg = as_map(value)
    ident = cfg.get("identifier", "")
    raw = decode_hex_digits(ident) if isinstance(ident, str) else None
    typed = {"type", "identifier", "htype", "time", "enterprise-id", "persist"}
    return ServerId(
        type=str(cfg.get("type", "LLT")),
        identifier=raw or b"",
        htype=_int(cfg.get("htype"), 0),
        time=_int(cfg.get("time"), 0),
        enterprise_id=_int(cfg.get("enterprise-id"), 0),
        persist=cfg.get("persist") is not False,
        extra=frozen_map({k: v for k, v in cfg.items() if k not in typed}),
    )


def _expiration(value: object) -> ExpiredLeasesProcessing:
    cfg = as_map(value)
    get = {k: _int(cfg.get(k), d) for k, d in EXPIRATION_DEFAULTS.items()}
    return ExpiredLeasesProcessing(
        reclaim_timer_wait_time=get["reclaim-timer-wait-time"],
        flush_reclaimed_timer_wait_time=get["flush-reclaimed-timer-wait-time"],
        hold_reclaimed_time=get["hold-reclaimed-time"],
        max_reclaim_leases=get["max-reclaim-leases"],
        max_reclaim_time=get["max-reclaim-time"],
        unwarned_reclaim_cycles=get["unwarned-reclaim-cycles"],
        extra=frozen_map({k: v for k, v in cfg.items() if k not in EXPIRATION_DEFAULTS}),
    )


def _interfaces(value: object) -> InterfacesConfig:
    cfg = as_map(value)
    return InterfacesConfig(
        interfaces=_strings(cfg.get("interfaces")),
        re_detect=cfg.get("re-detect") is not False,
        extra=frozen_map({k: v for k, v in cfg.items() if k not in ("interfaces", "re-detect")}),
    )


def _multi_threading(value: object) -> MultiThreading:
    cfg = as_map(value)
    typed = ("enable-multi-threading", "thread-pool-size", "packet-queue-size")
    return MultiThreading(
        enable_multi_threading=cfg.get("enable-multi-threading") is True,
        thread_pool_size=_int(cfg.get("thread-pool-size"), 0),
        packet_queue_size=_int(cfg.get("packet-queue-size"), 64),
        extra=frozen_map({k: v for k, v in cfg.items() if k not in typed}),
    )


def _hooks(value: object) -> tuple[HookLibrary, ...]:
    out = []
    for _, entry in maps(value):
        params = entry.get("parameters")
        out.append(
            HookLibrary(
                library=str(entry.get("library", "")),
                parameters=frozen_map(params) if isinstance(params, dict) else None,
                extra=frozen_map(
                    {k: v for k, v in entry.items() if k not in ("library", "parameters")}
                ),
            )
        )
    return tuple(out)


def _hosts_databases(conf: Mapping[str, object]) -> tuple[Mapping[str, object], ...]:
    if isinstance(conf.get("hosts-database"), dict):
        return (frozen_map(as_map(conf["hosts-database"])),)
    return tuple(frozen_map(db) for _, db in maps(conf.get("hosts-databases")))


def _optional_map(value: object) -> Mapping[str, object] | None:
    return frozen_map(value) if isinstance(value, dict) else None


def build_config(root: dict[str, object], family: int, spaces: OptionSpaces) -> Config:
    """The Config of a checked, defaulted document (``{"DhcpN": {...}}`` or the map itself)."""
    conf, base = server_map(root, family)
    b = ModelBuilder(family, spaces)
    option_defs = b.option_defs(conf.get("option-def"))
    try:
        b.spaces = spaces.with_defs(d.definition for d in option_defs)
    except SpaceError:
        b.spaces = spaces
    glob = explicit_params(conf, family)
    entries = subnet_entries(conf, family, base)
    ids = assign_subnet_ids(entries)
    id_at = dict(enumerate(ids))
    networks, start = [], 0
    for _, net in maps(conf.get("shared-networks")):
        networks.append(b.shared_network(net, glob, id_at, start))
        start += len(maps(net.get(subnet_key(family))))
    subnets = []
    for i, entry in maps(conf.get(subnet_key(family))):
        built = b.subnet(entry, id_at[start + i], [glob], "")
        if built is not None:
            subnets.append(built)
    every = [s for net in networks for s in net.subnets] + subnets
    by_prefix: dict[IPNetwork, Subnet] = {}
    for s in every:
        by_prefix.setdefault(s.prefix, s)
    return Config(
        family=family,
        params=b.params.build([glob]),
        explicit=frozen_map(glob),
        decline_probation_period=_int(conf.get("decline-probation-period"), 86400),
        interfaces=_interfaces(conf.get("interfaces-config")),
        # Without lease-database Kea uses memfile with its defaults (ARM "Memfile").
        lease_database=frozen_map(as_map(conf.get("lease-database")) or {"type": "memfile"}),
        hosts_databases=_hosts_databases(conf),
        option_data=b.options(conf.get("option-data"), is_global=True),
        option_defs=option_defs,
        client_classes=tuple(b.client_class(e) for _, e in maps(conf.get("client-classes"))),
        shared_networks=tuple(networks),
        subnets=tuple(subnets),
        reservations=b.reservations(conf.get("reservations")),
        expired_leases_processing=_expiration(conf.get("expired-leases-processing")),
        control_socket=_optional_map(conf.get("control-socket")),
        dhcp_ddns=frozen_map(as_map(conf.get("dhcp-ddns"))),
        sanity_checks=frozen_map(as_map(conf.get("sanity-checks"))),
        server_id=_server_id(conf.get("server-id")) if family == 6 else None,
        loggers=tuple(frozen_map(x) for _, x in maps(conf.get("loggers"))),
        hooks_libraries=_hooks(conf.get("hooks-libraries")),
        multi_threading=_multi_threading(conf.get("multi-threading")),
        user_context=_optional_map(conf.get("user-context")),
        extra=_extra(conf, GLOBAL_TYPED, family),
        subnets_by_id=MappingProxyType({s.id: s for s in every}),
        subnets_by_prefix=MappingProxyType(by_prefix),
    )


def _network(text: str, length: int) -> IPv6Network:
    """``text/length`` (checked already) as a network, host bits cleared."""
    return IPv6Network((int(parse_ipv6(text.strip())), length), strict=False)
