"""Host reservations from the configuration file, and hosts back to Kea's JSON.

``reservations`` lists sit in subnets and at the top level (global reservations, subnet id
:data:`~pukeko.hosts.model.SUBNET_ID_GLOBAL`); ARM "Host Reservations in DHCPv6" / "in DHCPv4".
A configuration describes one family, so each reservation becomes a :class:`Host` of that
family only.

:func:`reservation_json` is Kea's ``Host::toElement6`` / ``toElement4``: the shape of a
``reservations`` entry in ``config-get`` and of the host_cmds answers (``reservation-get`` ...,
which add ``subnet-id`` themselves). Like Kea it writes identifiers in their canonical form
(hw-address and duid as colon-separated lower-case hex, the others as upper-case hex), always
writes a DHCPv4 host's ``next-server`` / ``server-hostname`` / ``boot-file-name``, and keeps a
reservation's ``comment`` inside its ``user-context`` (Kea 2.2 ``config-get``, checked).
"""

from __future__ import annotations

from collections.abc import Mapping
from ipaddress import IPv4Address
from types import MappingProxyType
from typing import TYPE_CHECKING

from pukeko.config.model import Config, Reservation, thaw
from pukeko.config.render import render_options
from pukeko.hosts.model import (
    SUBNET_ID_GLOBAL,
    Host,
    IdentifierType,
    kea_identifier_text,
)

if TYPE_CHECKING:
    from pukeko.hosts.store import HostStore

Json = dict[str, object]
# DHCPv4 reservation keys Host keeps as typed fields (ARM "Reserving Next Server, Server
# Hostname, and Boot File Name"); Kea's config-get always shows them, empty or 0.0.0.0.
BOOT_KEYS = ("next-server", "server-hostname", "boot-file-name")
META_KEYS = ("user-context", "comment")


def config_ip_reservations_unique(config: Config) -> bool:
    """The global ``ip-reservations-unique`` (default true)."""
    return config.extra.get("ip-reservations-unique", True) is not False


def hosts_from_config(config: Config) -> list[Host]:
    """Every reservation of a configuration as a Host: the global ones, then each subnet's."""
    family = config.family
    hosts = [host_from_reservation(r, family, SUBNET_ID_GLOBAL) for r in config.reservations]
    for subnet in config.all_subnets:
        hosts.extend(host_from_reservation(r, family, subnet.id) for r in subnet.reservations)
    return hosts


def host_from_reservation(reservation: Reservation, family: int, subnet_id: int) -> Host:
    """One configured reservation as a Host of ``family`` in ``subnet_id`` (0: global)."""
    extra = dict(reservation.extra)
    user_context = _user_context(extra.pop("user-context", None), extra.pop("comment", None))
    common = {
        "identifier_type": IdentifierType.from_kea_name(reservation.identifier_type),
        "identifier": reservation.identifier,
        "hostname": reservation.hostname,
        "user_context": user_context,
    }
    if family == 6:
        return Host(
            **common,  # type: ignore[arg-type]
            ipv6_subnet_id=subnet_id,
            ip_addresses=reservation.ip_addresses,
            prefixes=reservation.prefixes,
            client_classes6=reservation.client_classes,
            option_data6=reservation.option_data,
            extra=MappingProxyType(extra),
        )
    next_server = extra.pop("next-server", "")
    return Host(
        **common,  # type: ignore[arg-type]
        ipv4_subnet_id=subnet_id,
        ipv4_address=reservation.ip_address,
        client_classes4=reservation.client_classes,
        option_data4=reservation.option_data,
        next_server=IPv4Address(next_server)
        if isinstance(next_server, str) and next_server
        else None,
        server_hostname=str(extra.pop("server-hostname", "")),
        boot_file_name=str(extra.pop("boot-file-name", "")),
        extra=MappingProxyType(extra),
    )


def _user_context(context: object, comment: object) -> Mapping[str, object] | None:
    """Kea moves a map's ``comment`` into its user context (SimpleParser / UserContext)."""
    if comment is None:
        return context if isinstance(context, Mapping) else None
    merged = dict(context) if isinstance(context, Mapping) else {}
    merged["comment"] = comment
    return MappingProxyType(merged)


def reservation_json(host: Host, family: int) -> Json:
    """The Kea JSON of a host's reservation for one family (Host::toElement6 / toElement4)."""
    out: Json = {
        host.identifier_type.kea_name: kea_identifier_text(host.identifier_type, host.identifier)
    }
    if family == 6:
        out["ip-addresses"] = [str(a) for a in host.ip_addresses]
        out["prefixes"] = [str(p) for p in host.prefixes]
        classes, options = host.client_classes6, host.option_data6
    else:
        if host.ipv4_address is not None:
            out["ip-address"] = str(host.ipv4_address)
        out["next-server"] = str(host.next_server or IPv4Address(0))
        out["server-hostname"] = host.server_hostname
        out["boot-file-name"] = host.boot_file_name
        classes, options = host.client_classes4, host.option_data4
    out["hostname"] = host.hostname
    out["client-classes"] = list(classes)
    out["option-data"] = render_options(options)
    if host.user_context is not None:
        out["user-context"] = thaw(host.user_context)
    out.update({str(k): thaw(v) for k, v in host.extra.items()})
    return out


async def load_config_hosts(store: HostStore, config: Config) -> int:
    """Add a configuration's reservations to a store (DuplicateHostError as ``add``)."""
    hosts = hosts_from_config(config)
    for host in hosts:
        await store.add(host)
    return len(hosts)
