"""The host reservation commands of Kea's host_cmds hook (ARM "host_cmds: Host Commands").

``reservation-add``, ``-get``, ``-get-all``, ``-get-page``, ``-get-by-hostname``, ``-get-by-id``,
``-del`` and ``-update`` exist while ``hooks-libraries`` names ``libdhcp_host_cmds.so``. The
handlers are family-neutral: the DHCPv4 server will use them as they are.

Where reservations live: Kea 2.2's host_cmds changes only hosts databases (without one,
``reservation-add`` fails). Pukeko has no hosts database yet, so a change goes into the
configuration itself, the way Kea 2.4+ does with ``"operation-target": "memory"``. The new
reservation alone is loaded with the configuration file's rules (:func:`checked_reservation`:
identifier, option data, address inside the subnet), the subnet's other reservations are checked
for a repeated identifier and, with ``ip-reservations-unique``, a repeated address or prefix
(the configuration checks' texts), then the daemon switches to the configuration with the
changed ``reservations`` list and changes its live host store in place
(``ServerHandle.hosts_apply``; the store refuses duplicates too, changing nothing). The cost
follows the change, not the number of reservations: no reconfiguration, no rebuilt store. So a
reservation added by command is served at the next packet, shows in ``config-get``, is written
by ``config-write`` (or automatically, see :mod:`pukeko.io.config_write`) and survives subnet
commands (they start from the running configuration). Lookups read the host store, then the
reservations kept (not served) from deleted subnets, which ``reservation-del`` also removes
(:mod:`pukeko.control.kept_reservations`).

Result codes (Kea 2.2 ARM and Kea's host_cmds): a lookup that finds nothing answers result 3
(``Host not found.``, ``0 IPv6 host(s) found.``); ``reservation-del`` of a missing host answers
result 1 ``Host not deleted (not found).`` as Kea 2.2 does (Kea 2.4+: result 3).
``reservation-update`` came with Kea 2.3 (not in 2.2); it is offered with Kea's later texts.
"""

from __future__ import annotations

import dataclasses
import functools
import logging
import re
from collections.abc import Awaitable, Callable, Sequence
from ipaddress import IPv4Address, IPv6Address
from types import MappingProxyType
from typing import Any

from pukeko.config.errors import ConfigError, ConfigErrors, format_path
from pukeko.config.load import load_value
from pukeko.config.model import Config, Reservation, Subnet
from pukeko.config.render import render
from pukeko.control.answers import (
    CONTROL_RESULT_EMPTY,
    Answer,
    answer,
    built_in_slices,
    error,
    errors_text,
    success,
    to_kea_json,
)
from pukeko.control.handle import CommandContext
from pukeko.control.host_args import (
    ALL,
    DATABASE,
    MEMORY,
    Selector,
    by_id_arguments,
    hostname_arguments,
    operation_target,
    page_request,
    parameters_map,
    reservation_argument,
    selector,
    subnet_id_of,
)
from pukeko.control.kept_reservations import (
    EntryFilter,
    KeptReservation,
    every_kept,
    kept_for,
    kept_list,
    set_kept,
    with_address,
    with_hostname,
    with_identifier,
)
from pukeko.control.registry import Command, log_message
from pukeko.control.subnet_common import (
    ArgumentError,
    Json,
    apply_patch,
    new_patch,
    protocol,
)
from pukeko.hosts.config import (
    config_ip_reservations_unique,
    host_from_reservation,
    reservation_json,
)
from pukeko.hosts.memory import subnet_of
from pukeko.hosts.model import SUBNET_ID_GLOBAL, Host, IdentifierType, kea_identifier_text

HOOK = "libdhcp_host_cmds.so"
PAGE_ALL = 2**62  # "every host" for reservation-get-all
MISSING = "(missing parameters)"
# A loader error about the reservation being changed: its path, relative to the DhcpN map.
RESERVATION_PATH = re.compile(
    r"^(?:shared-networks\[\d+\]\.)?(?:subnet[46]\[\d+\]\.)?reservations\[\d+\]"
)

Handler = Callable[[Any, CommandContext], Awaitable[Answer]]


def host_logger(family: int) -> logging.Logger:
    """Kea's host_cmds logger under the daemon's root (``kea-dhcp6.host-cmds-hooks``)."""
    return logging.getLogger(f"kea-dhcp{family}.host-cmds-hooks")


def host_command(name: str) -> Callable[[Handler], Handler]:
    """Log Kea's HOST_CMDS_RESERV_* messages around a handler; ArgumentError answers result 1."""
    suffix = name.removeprefix("reservation-").upper().replace("-", "_")
    message_id = f"HOST_CMDS_RESERV_{suffix}"

    def wrap(handler: Handler) -> Handler:
        @functools.wraps(handler)
        async def run(arguments: Any, ctx: CommandContext) -> Answer:
            log = host_logger(ctx.family)
            text = to_kea_json(arguments) if arguments is not None else MISSING
            log_message(
                log, logging.INFO, message_id, f"{name} command called (parameters: {text})"
            )
            try:
                result = await handler(arguments, ctx)
            except ArgumentError as exc:
                reason = f"{name} command failed (parameters: {text}, reason: {exc})"
                log_message(log, logging.ERROR, f"{message_id}_FAILED", reason)
                return error(str(exc))
            done = f"{name} command success (parameters: {text})"
            log_message(log, logging.INFO, f"{message_id}_SUCCESS", done)
            return result

        return run

    return wrap


# -- answers ------------------------------------------------------------------------------------


def host_json(host: Host, family: int) -> Json:
    """A host as the commands show it: the reservation (Host::toElement6) plus ``subnet-id``."""
    out = reservation_json(host, family)
    out["subnet-id"] = subnet_of(host, family)
    return out


async def hosts_answer(hosts: list[Host], family: int, **extra: Any) -> Answer:
    """``N IPv6 host(s) found.`` with the hosts (result 3 when there are none); built in
    slices with turns for the event loop."""
    shown = await built_in_slices(hosts, lambda host: host_json(host, family))
    arguments: Json = {"hosts": shown, **extra}
    text = f"{len(hosts)} {protocol(family)} host(s) found."
    return answer(0 if hosts else CONTROL_RESULT_EMPTY, text, arguments)


def configured_subnet(config: Config, family: int, subnet_id: int) -> Subnet | None:
    """The subnet with this id (None for 0); Kea's text when a non-zero id is not configured."""
    if subnet_id == SUBNET_ID_GLOBAL:
        return None
    subnet = config.subnets_by_id.get(subnet_id)
    if subnet is None:
        raise ArgumentError(f"{protocol(family)} subnet with ID of '{subnet_id}' is not configured")
    return subnet


# -- lookups ------------------------------------------------------------------------------------


async def _find(ctx: CommandContext, where: Selector) -> Host | None:
    store = ctx.server.host_store()
    found: tuple[Host, ...] | list[Host] = ()
    if where.id_type is not None:
        host = await store.get_by_id(ctx.family, where.subnet_id, where.id_type, where.identifier)
        found = [host] if host is not None else []
    elif ctx.family == 6 and isinstance(where.address, IPv6Address):
        found = list(store.view6.by_resource6(where.subnet_id, where.address))
    elif ctx.family == 4 and isinstance(where.address, IPv4Address):
        found = list(store.view4.by_address4(where.subnet_id, where.address))
    if found:
        return found[0]
    kept = _kept_match(ctx.server.running_config(), where)
    return host_from_reservation(kept[0].model, ctx.family, where.subnet_id) if kept else None


# Reservations kept from deleted subnets (``subnet6-del`` / ``network6-del`` with
# ``reservations-action: keep``; see :mod:`pukeko.control.kept_reservations`) are not served,
# but found and deleted by these commands, as Kea's host store keeps hosts whatever the subnets.


def _kept_match(config: Config, where: Selector) -> list[KeptReservation]:
    """The kept reservations of ``where``'s (deleted) subnet that it names."""
    if where.subnet_id == SUBNET_ID_GLOBAL:
        return []
    if where.id_type is not None:
        wanted = with_identifier(config.family, where.id_type.kea_name, where.identifier)
    else:
        assert where.address is not None
        wanted = with_address(where.address)
    kept = kept_for(config, where.subnet_id, wanted)
    found = set(matching(tuple(k.model for k in kept), where))
    return [k for i, k in enumerate(kept) if i in found]


def _kept_hosts(
    config: Config, subnet_id: int | None, wanted: EntryFilter | None = None
) -> list[Host]:
    """The kept reservations of a deleted subnet (None: of every deleted subnet), as hosts."""
    if subnet_id is None:
        pairs = every_kept(config, wanted)
    else:
        pairs = [(subnet_id, k) for k in kept_for(config, subnet_id, wanted)]
    return [host_from_reservation(k.model, config.family, sid) for sid, k in pairs]


def kept_or_configured(config: Config, family: int, subnet_id: int) -> list[Host] | None:
    """The kept reservations (as hosts) of a deleted subnet that has some; None for a
    configured subnet (or 0); Kea's "not configured" text for any other id."""
    if subnet_id == SUBNET_ID_GLOBAL or subnet_id in config.subnets_by_id:
        return None
    hosts = _kept_hosts(config, subnet_id)
    if not hosts:
        configured_subnet(config, family, subnet_id)  # raises ArgumentError
    return hosts


async def _delete_kept(ctx: CommandContext, where: Selector) -> bool:
    """Forget the kept reservations ``where`` names (one reconfiguration, so the change is
    written like any other); False when it names none."""
    config = ctx.server.running_config()
    match = _kept_match(config, where)
    if not match:
        return False
    gone = {k.index for k in match}
    entries = kept_list(config, where.subnet_id) or []
    patch = new_patch(ctx)
    set_kept(patch.server, where.subnet_id, [e for i, e in enumerate(entries) if i not in gone])
    errors = await apply_patch(ctx, patch)
    if errors:
        raise ArgumentError(errors_text(errors))
    return True


@host_command("reservation-get")
async def reservation_get(arguments: Any, ctx: CommandContext) -> Answer:
    """``reservation-get``: one host by (subnet-id, ip-address) or by identifier."""
    where = selector(arguments)
    target = operation_target(arguments, ALL)
    host = await _find(ctx, where) if target != DATABASE else None
    if host is None:
        return answer(CONTROL_RESULT_EMPTY, "Host not found.")
    return success("Host found.", host_json(host, ctx.family))


@host_command("reservation-get-all")
async def reservation_get_all(arguments: Any, ctx: CommandContext) -> Answer:
    """``reservation-get-all``: every host of one subnet (0: the global ones; a deleted
    subnet: its kept reservations)."""
    args = parameters_map(arguments)
    subnet_id = subnet_id_of(args)
    target = operation_target(args, ALL)
    kept = kept_or_configured(ctx.server.running_config(), ctx.family, subnet_id)
    hosts: list[Host] = []
    if target != DATABASE:
        if kept is not None:
            hosts = kept
        else:
            hosts, _ = await ctx.server.host_store().get_page(ctx.family, subnet_id, 0, PAGE_ALL)
    return await hosts_answer(hosts, ctx.family)


@host_command("reservation-get-page")
async def reservation_get_page(arguments: Any, ctx: CommandContext) -> Answer:
    """``reservation-get-page``: a page of hosts, all or of one subnet; ``next`` continues.

    A deleted subnet's kept reservations are paged by their place in the kept list."""
    request = page_request(arguments)
    kept = None
    if request.subnet_id is not None:
        config = ctx.server.running_config()
        kept = kept_or_configured(config, ctx.family, request.subnet_id)
    hosts: list[Host] = []
    position = request.after
    if request.source_index == 0 and kept is not None:  # 0: the configuration
        hosts = kept[request.after : request.after + request.limit]
        position = request.after + len(hosts)
    elif request.source_index == 0:  # 1.. would be hosts databases
        store = ctx.server.host_store()
        hosts, position = await store.get_page(
            ctx.family, request.subnet_id, request.after, request.limit
        )
    extra: Json = {"count": len(hosts)}
    if hosts:
        extra["next"] = {"from": position, "source-index": request.source_index}
    return await hosts_answer(hosts, ctx.family, **extra)


@host_command("reservation-get-by-hostname")
async def reservation_get_by_hostname(arguments: Any, ctx: CommandContext) -> Answer:
    """``reservation-get-by-hostname``: hosts with this hostname (any case), optionally in a
    subnet; kept reservations of deleted subnets too."""
    hostname, subnet_id = hostname_arguments(arguments)
    target = operation_target(arguments, ALL)
    config = ctx.server.running_config()
    kept = kept_or_configured(config, ctx.family, subnet_id) if subnet_id is not None else None
    hosts: list[Host] = []
    if target != DATABASE:
        if kept is None:
            store = ctx.server.host_store()
            hosts = await store.get_by_hostname(hostname, ctx.family, subnet_id)
            if subnet_id is None:
                kept = _kept_hosts(config, None, with_hostname(hostname))
        hosts += [h for h in kept or [] if h.hostname.lower() == hostname]
    return await hosts_answer(hosts, ctx.family)


@host_command("reservation-get-by-id")
async def reservation_get_by_id(arguments: Any, ctx: CommandContext) -> Answer:
    """``reservation-get-by-id``: every host with this identifier, in any subnet (kept
    reservations of deleted subnets too)."""
    id_type, identifier = by_id_arguments(arguments)
    target = operation_target(arguments, ALL)
    hosts: list[Host] = []
    if target != DATABASE:
        found = await ctx.server.host_store().get_all_by_id(id_type, identifier)
        hosts = [h for h in found if subnet_of(h, ctx.family) is not None]
        config = ctx.server.running_config()
        hosts += _kept_hosts(
            config, None, with_identifier(ctx.family, id_type.kea_name, identifier)
        )
    return await hosts_answer(hosts, ctx.family)


# -- changes ------------------------------------------------------------------------------------


def model_reservations(config: Config, subnet_id: int) -> tuple[Reservation, ...]:
    """The configured reservations of a subnet (0: the global ones)."""
    if subnet_id == SUBNET_ID_GLOBAL:
        return config.reservations
    subnet = config.subnets_by_id.get(subnet_id)
    return subnet.reservations if subnet is not None else ()


def with_reservations(
    config: Config, subnet_id: int, reservations: tuple[Reservation, ...]
) -> Config:
    """``config`` with the reservations of one subnet (0: the global ones) replaced."""
    if subnet_id == SUBNET_ID_GLOBAL:
        return dataclasses.replace(config, reservations=reservations)
    old = config.subnets_by_id[subnet_id]
    new = dataclasses.replace(old, reservations=reservations)

    def swap(subnets: tuple[Subnet, ...]) -> tuple[Subnet, ...]:
        return tuple(new if s is old else s for s in subnets)

    networks = tuple(
        dataclasses.replace(n, subnets=swap(n.subnets)) if any(s is old for s in n.subnets) else n
        for n in config.shared_networks
    )
    return dataclasses.replace(
        config,
        subnets=swap(config.subnets),
        shared_networks=networks,
        subnets_by_id=MappingProxyType({**config.subnets_by_id, subnet_id: new}),
        subnets_by_prefix=MappingProxyType(
            {p: new if s is old else s for p, s in config.subnets_by_prefix.items()}
        ),
    )


def reserves(reservation: Reservation, address: IPv4Address | IPv6Address) -> bool:
    """True when a configured reservation names this address (or a prefix starting at it)."""
    if isinstance(address, IPv4Address):
        return reservation.ip_address == address
    return address in reservation.ip_addresses or any(
        p.network_address == address for p in reservation.prefixes
    )


def matching(reservations: tuple[Reservation, ...], where: Selector) -> list[int]:
    """Indexes of the reservations ``where`` names."""
    if where.address is not None:
        address = where.address
        return [i for i, r in enumerate(reservations) if reserves(r, address)]
    assert where.id_type is not None
    kind = where.id_type.kea_name
    return [
        i
        for i, r in enumerate(reservations)
        if r.identifier_type == kind and r.identifier == where.identifier
    ]


def check_addresses(subnet: Subnet | None, entry: Json, family: int) -> None:
    """host_cmds' own check: reserved addresses inside the subnet (prefixes may be anywhere)."""
    if subnet is None:
        return
    texts = entry.get("ip-addresses") if family == 6 else [entry.get("ip-address")]
    for text in texts if isinstance(texts, list) else []:
        if not isinstance(text, str):
            continue
        try:
            address = IPv6Address(text) if family == 6 else IPv4Address(text)
        except ValueError:
            continue  # the configuration checks name it
        if address not in subnet.prefix:
            raise ArgumentError(
                f"specified reservation '{address}' is not matching the {protocol(family)} "
                f"subnet prefix '{subnet.prefix}'"
            )


def error_text(error: ConfigError) -> str:
    """A loader error, its path relative to the reservation (``reservation.duid: ...``)."""
    path = error.path[1:] if error.path and str(error.path[0]).startswith("Dhcp") else error.path
    line = f"{format_path(path)}: {error.message}" if path else error.message
    return RESERVATION_PATH.sub("reservation", line, count=1)


def checked_reservation(config: Config, subnet_id: int, entry: Json) -> Reservation:
    """A reservation map checked with the configuration file's rules, as a model object.

    Only the reservation is loaded, with the global part of the running configuration (option
    definitions, classes...) and, for a subnet, a stub with its id and prefix: the cost follows
    the change, not the number of reservations. Duplicates are the host store's to refuse.
    """
    family = config.family
    bare = dataclasses.replace(config, subnets=(), shared_networks=(), reservations=())
    document = render(bare)
    server = document[f"Dhcp{family}"]
    assert isinstance(server, dict)
    if subnet_id == SUBNET_ID_GLOBAL:
        server["reservations"] = [entry]
    else:
        prefix = str(config.subnets_by_id[subnet_id].prefix)
        stub = {"id": subnet_id, "subnet": prefix, "reservations": [entry]}
        server[f"subnet{family}"] = [stub]
    try:
        loaded = load_value(document, family=family).config
    except ConfigErrors as exc:
        raise ArgumentError("\n".join(error_text(e) for e in exc.errors)) from None
    holder = (
        loaded.reservations if subnet_id == SUBNET_ID_GLOBAL else loaded.subnets[0].reservations
    )
    return holder[0]


def duplicate_problem(
    current: Sequence[Reservation], new: Reservation, subnet_id: int, unique: bool
) -> str | None:
    """The configuration checks' text when ``new`` repeats an identifier of ``current``, or
    (with ``ip-reservations-unique``) one of its addresses or prefixes; else None."""
    kind = new.identifier_type
    if any(r.identifier_type == kind and r.identifier == new.identifier for r in current):
        return (
            f"reservation.{kind}: failed to add new host using the {kind} "
            f"'{kea_identifier_text(IdentifierType.from_kea_name(kind), new.identifier)}' to the "
            f"subnet id '{subnet_id}' as this host has already "
            "been added"
        )
    if not unique:
        return None
    taken = {int(a) for r in current for a in r.ip_addresses}
    taken.update(int(p.network_address) for r in current for p in r.prefixes)
    taken.update(int(r.ip_address) for r in current if r.ip_address is not None)
    resources: list[tuple[str, int, str, IPv4Address | IPv6Address]] = [
        ("ip-addresses", i, f"{a}/128", a) for i, a in enumerate(new.ip_addresses)
    ]
    resources += [("prefixes", i, str(p), p.network_address) for i, p in enumerate(new.prefixes)]
    if new.ip_address is not None:
        resources.append(("ip-address", -1, str(new.ip_address), new.ip_address))
    for key, index, text, address in resources:
        if int(address) in taken:
            where = f"{key}[{index}]" if index >= 0 else key
            return (
                f"reservation.{where}: There's already a reservation for {text} "
                f"(address/prefix {address}) in subnet id '{subnet_id}'"
            )
    return None


async def apply(
    ctx: CommandContext,
    config: Config,
    subnet_id: int,
    reservations: tuple[Reservation, ...],
    removed: list[Reservation],
    added: list[Reservation],
) -> None:
    """Switch the daemon from ``config`` to the new reservations of one subnet; ArgumentError
    when refused."""

    def hosts(items: list[Reservation]) -> list[Host]:
        return [host_from_reservation(r, ctx.family, subnet_id) for r in items]

    new = with_reservations(config, subnet_id, reservations)
    errors = list(await ctx.server.hosts_apply(config, new, hosts(removed), hosts(added)))
    if errors:
        raise ArgumentError("\n".join(errors))


def no_database(target: str, text: str) -> None:
    """Refuse a change aimed at the hosts databases only (Pukeko has none yet)."""
    if target == DATABASE:
        raise ArgumentError(text)


@host_command("reservation-add")
async def reservation_add(arguments: Any, ctx: CommandContext) -> Answer:
    """``reservation-add``: a new reservation in a subnet (0: global), served at once."""
    subnet_id, entry = reservation_argument(arguments, "reservation-add")
    target = operation_target(arguments, MEMORY)
    no_database(target, "Host database not available, cannot add host.")
    config = ctx.server.running_config()
    check_addresses(configured_subnet(config, ctx.family, subnet_id), entry, ctx.family)
    added = checked_reservation(config, subnet_id, entry)
    current = model_reservations(config, subnet_id)
    problem = duplicate_problem(current, added, subnet_id, config_ip_reservations_unique(config))
    if problem is not None:
        raise ArgumentError(problem)
    reservations = (*current, added)
    await apply(ctx, config, subnet_id, reservations, [], [added])
    return success("Host added.")


@host_command("reservation-update")
async def reservation_update(arguments: Any, ctx: CommandContext) -> Answer:
    """``reservation-update`` (Kea 2.3+): replace the reservation with the same identifier."""
    subnet_id, entry = reservation_argument(arguments, "reservation-update")
    target = operation_target(arguments, MEMORY)
    no_database(target, "host database not available, cannot update host")
    config = ctx.server.running_config()
    check_addresses(configured_subnet(config, ctx.family, subnet_id), entry, ctx.family)
    new = checked_reservation(config, subnet_id, entry)
    where = Selector(
        subnet_id,
        id_type=IdentifierType.from_kea_name(new.identifier_type),
        identifier=new.identifier,
    )
    current = model_reservations(config, subnet_id)
    found = matching(current, where)
    if not found:
        raise ArgumentError("Host not updated (not found).")
    index = found[0]
    others = (*current[:index], *current[index + 1 :])
    problem = duplicate_problem(others, new, subnet_id, config_ip_reservations_unique(config))
    if problem is not None:
        raise ArgumentError(problem)
    reservations = (*current[:index], new, *current[index + 1 :])
    await apply(ctx, config, subnet_id, reservations, [current[index]], [new])
    return success("Host updated.")


@host_command("reservation-del")
async def reservation_del(arguments: Any, ctx: CommandContext) -> Answer:
    """``reservation-del``: delete by (subnet-id, ip-address) or by identifier."""
    where = selector(arguments)
    target = operation_target(arguments, MEMORY)
    no_database(target, "Unable to delete a host because there is no hosts-database configured.")
    config = ctx.server.running_config()
    current = model_reservations(config, where.subnet_id)
    found = set(matching(current, where))
    if not found and await _delete_kept(ctx, where):
        return success("Host deleted.")
    if not found:
        raise ArgumentError("Host not deleted (not found).")
    kept = tuple(r for i, r in enumerate(current) if i not in found)
    gone = [r for i, r in enumerate(current) if i in found]
    await apply(ctx, config, where.subnet_id, kept, gone, [])
    return success("Host deleted.")


def _host_command(name: str, handler: Handler) -> Command:
    return Command(name, handler, hook=HOOK)


HOST_COMMANDS: tuple[Command, ...] = (
    _host_command("reservation-add", reservation_add),
    _host_command("reservation-del", reservation_del),
    _host_command("reservation-get", reservation_get),
    _host_command("reservation-get-all", reservation_get_all),
    _host_command("reservation-get-by-hostname", reservation_get_by_hostname),
    _host_command("reservation-get-by-id", reservation_get_by_id),
    _host_command("reservation-get-page", reservation_get_page),
    _host_command("reservation-update", reservation_update),
)
