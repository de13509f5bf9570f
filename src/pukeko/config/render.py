"""Render a Config back to Kea JSON, the way Kea's ``config-get`` returns it.

Defaults are present (the model holds them), parameters derived into shared networks and subnets
appear there (as in Kea, where they are copied at parse time), and the deprecated
``reservation-mode`` comes back as the three ``reservations-*`` flags. Loading the result gives
an equal Config: ``load(render(load(x))) == load(x)``.
"""

from __future__ import annotations

from collections.abc import Mapping

from pukeko.config.model import (
    ClientClass,
    Config,
    ExpiredLeasesProcessing,
    Frozen,
    Lifetime,
    OptionData,
    OptionDefConfig,
    PdPool,
    Pool,
    Reservation,
    ServerId,
    SharedNetwork,
    Subnet,
    thaw,
)
from pukeko.hosts.model import IdentifierType, kea_identifier_text

Json = dict[str, object]


def _plain(value: Mapping[str, Frozen] | None) -> Json:
    out = thaw(value) if value is not None else {}
    return out if isinstance(out, dict) else {}


def render_option(option: OptionData) -> Json:
    """One option-data entry."""
    out: Json = {"space": option.space, "code": option.code}
    if option.name:
        out["name"] = option.name
    out.update(
        {"data": option.data, "csv-format": option.csv_format, "always-send": option.always_send}
    )
    out.update(_plain(option.extra))
    return out


def render_options(options: tuple[OptionData, ...]) -> list[object]:
    """An option-data list."""
    return [render_option(o) for o in options]


def render_option_def(entry: OptionDefConfig) -> Json:
    """One option-def entry."""
    d = entry.definition
    out: Json = {
        "name": d.name,
        "code": d.code,
        "type": d.type,
        "space": d.space,
        "array": d.array,
        "record-types": ", ".join(d.record_types),
        "encapsulate": d.encapsulate,
    }
    out.update(_plain(entry.extra))
    return out


def _lifetime(out: Json, name: str, value: Lifetime | None) -> None:
    if value is not None:
        out[name] = value.default
        out["min-" + name] = value.min
        out["max-" + name] = value.max


def _guards(out: Json, client_class: str, required: tuple[str, ...]) -> None:
    if client_class:
        out["client-class"] = client_class
    if required:
        out["require-client-classes"] = list(required)


def render_pool(pool: Pool) -> Json:
    """One address pool."""
    out: Json = {"pool": pool.text, "option-data": render_options(pool.option_data)}
    _guards(out, pool.client_class, pool.require_client_classes)
    out.update(_plain(pool.extra))
    return out


def render_pd_pool(pool: PdPool) -> Json:
    """One prefix delegation pool."""
    out: Json = {
        "prefix": str(pool.prefix.network_address),
        "prefix-len": pool.prefix.prefixlen,
        "delegated-len": pool.delegated_len,
        "option-data": render_options(pool.option_data),
    }
    if pool.excluded_prefix is not None:
        out["excluded-prefix"] = str(pool.excluded_prefix.network_address)
        out["excluded-prefix-len"] = pool.excluded_prefix.prefixlen
    _guards(out, pool.client_class, pool.require_client_classes)
    out.update(_plain(pool.extra))
    return out


def render_reservation(host: Reservation, family: int) -> Json:
    """One host reservation, its identifier as Kea's config-get prints it (canonical)."""
    kind = IdentifierType.from_kea_name(host.identifier_type)
    out: Json = {host.identifier_type: kea_identifier_text(kind, host.identifier)}
    if family == 6:
        out["ip-addresses"] = [str(a) for a in host.ip_addresses]
        out["prefixes"] = [str(p) for p in host.prefixes]
    elif host.ip_address is not None:
        out["ip-address"] = str(host.ip_address)
    out.update(
        {
            "hostname": host.hostname,
            "client-classes": list(host.client_classes),
            "option-data": render_options(host.option_data),
        }
    )
    out.update(_plain(host.extra))
    return out


def render_subnet(subnet: Subnet, family: int) -> Json:
    """One subnet with the parameters written (or derived) at its level."""
    out: Json = {"id": subnet.id, "subnet": str(subnet.prefix)}
    out.update(_plain(subnet.explicit))
    out["pools"] = [render_pool(p) for p in subnet.pools]
    if family == 6:
        out["pd-pools"] = [render_pd_pool(p) for p in subnet.pd_pools]
    out["option-data"] = render_options(subnet.option_data)
    out["reservations"] = [render_reservation(r, family) for r in subnet.reservations]
    if subnet.require_client_classes:
        out["require-client-classes"] = list(subnet.require_client_classes)
    out.update(_plain(subnet.extra))
    return out


def render_shared_network(net: SharedNetwork, family: int) -> Json:
    """One shared network and its subnets."""
    out: Json = {"name": net.name}
    out.update(_plain(net.explicit))
    out[f"subnet{family}"] = [render_subnet(s, family) for s in net.subnets]
    out["option-data"] = render_options(net.option_data)
    if net.require_client_classes:
        out["require-client-classes"] = list(net.require_client_classes)
    out.update(_plain(net.extra))
    return out


def render_client_class(cls: ClientClass, family: int) -> Json:
    """One client class."""
    out: Json = {"name": cls.name}
    if cls.test:
        out["test"] = cls.test
    if cls.only_if_required:
        out["only-if-required"] = True
    out["option-data"] = render_options(cls.option_data)
    if family == 4 and cls.option_defs:
        out["option-def"] = [render_option_def(d) for d in cls.option_defs]
    _lifetime(out, "valid-lifetime", cls.valid_lifetime)
    _lifetime(out, "preferred-lifetime", cls.preferred_lifetime)
    out.update(_plain(cls.extra))
    return out


def _server_id(sid: ServerId) -> Json:
    out: Json = {
        "type": sid.type,
        "identifier": sid.identifier.hex(),
        "htype": sid.htype,
        "time": sid.time,
        "enterprise-id": sid.enterprise_id,
        "persist": sid.persist,
    }
    out.update(_plain(sid.extra))
    return out


def _expiration(exp: ExpiredLeasesProcessing) -> Json:
    out: Json = {
        "reclaim-timer-wait-time": exp.reclaim_timer_wait_time,
        "flush-reclaimed-timer-wait-time": exp.flush_reclaimed_timer_wait_time,
        "hold-reclaimed-time": exp.hold_reclaimed_time,
        "max-reclaim-leases": exp.max_reclaim_leases,
        "max-reclaim-time": exp.max_reclaim_time,
        "unwarned-reclaim-cycles": exp.unwarned_reclaim_cycles,
    }
    out.update(_plain(exp.extra))
    return out


def render_server(config: Config) -> Json:
    """The ``DhcpN`` map of a configuration."""
    fam = config.family
    out: Json = _plain(config.explicit)
    out["decline-probation-period"] = config.decline_probation_period
    interfaces: Json = {
        "interfaces": list(config.interfaces.interfaces),
        "re-detect": config.interfaces.re_detect,
    }
    interfaces.update(_plain(config.interfaces.extra))
    out["interfaces-config"] = interfaces
    out["lease-database"] = _plain(config.lease_database)
    if config.hosts_databases:
        out["hosts-databases"] = [_plain(db) for db in config.hosts_databases]
    out["option-def"] = [render_option_def(d) for d in config.option_defs]
    out["option-data"] = render_options(config.option_data)
    if config.client_classes:  # Kea's grammar refuses an empty list (SrvConfig::toElement)
        out["client-classes"] = [render_client_class(c, fam) for c in config.client_classes]
    out["shared-networks"] = [render_shared_network(n, fam) for n in config.shared_networks]
    out[f"subnet{fam}"] = [render_subnet(s, fam) for s in config.subnets]
    out["reservations"] = [render_reservation(r, fam) for r in config.reservations]
    out["expired-leases-processing"] = _expiration(config.expired_leases_processing)
    if config.control_socket is not None:
        out["control-socket"] = _plain(config.control_socket)
    for key, value in (("dhcp-ddns", config.dhcp_ddns), ("sanity-checks", config.sanity_checks)):
        if value:
            out[key] = _plain(value)
    if config.server_id is not None:
        out["server-id"] = _server_id(config.server_id)
    if config.loggers:
        out["loggers"] = [_plain(x) for x in config.loggers]
    out["hooks-libraries"] = [
        {
            "library": h.library,
            **({"parameters": _plain(h.parameters)} if h.parameters is not None else {}),
            **_plain(h.extra),
        }
        for h in config.hooks_libraries
    ]
    mt: Json = {
        "enable-multi-threading": config.multi_threading.enable_multi_threading,
        "thread-pool-size": config.multi_threading.thread_pool_size,
        "packet-queue-size": config.multi_threading.packet_queue_size,
    }
    mt.update(_plain(config.multi_threading.extra))
    out["multi-threading"] = mt
    if config.user_context is not None:
        out["user-context"] = _plain(config.user_context)
    out.update(_plain(config.extra))
    return out


def render(config: Config) -> Json:
    """The configuration as a Kea JSON document: ``{"Dhcp6": {...}}`` or ``{"Dhcp4": {...}}``."""
    return {f"Dhcp{config.family}": render_server(config)}
