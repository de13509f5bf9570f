"""Semantic checks: everything Kea 2.2 refuses in a configuration beyond syntax and types.

``semantic_checks`` runs over a schema-valid document (``{"Dhcp6": {...}}`` or the server map
itself) and returns *every* problem, each with its key path and the position of the offending
value. The rules are split by subject: network parameters (``checks_params``), subnets, pools
and shared networks (``checks_networks``), options (``checks_options``), reservations and client
classes (``checks_hosts``); the global sections are checked here.
"""

from __future__ import annotations

from collections.abc import Mapping

from pukeko.config.checks_base import (
    Collector,
    IPNetwork,
    as_list,
    as_map,
    decode_hex_digits,
    maps,
    parse_address,
)
from pukeko.config.checks_hosts import IDENTIFIERS, HostChecks, check_client_classes
from pukeko.config.checks_networks import HostCheck, NetworkChecks
from pukeko.config.checks_options import OptionChecks, add_option_defs, standard_spaces
from pukeko.config.control_sockets import check_control_sockets
from pukeko.config.errors import ConfigError, KeyPath, Position
from pukeko.wire.datatypes import KEA_BLANKS
from pukeko.wire.spaces import OptionSpaces

# Kea's DbAccessParser (ARM "Lease Storage", "Hosts Storage").
LEASE_DB_TYPES = ("memfile", "mysql", "postgresql")
# Kea 2.2's DbAccessParser takes the same three types for host databases (memfile is refused
# only when the server opens it, not by ``-t``).
HOST_DB_TYPES = LEASE_DB_TYPES
# CfgExpiration limits (ARM "Lease Reclamation Parameters").
EXPIRATION_LIMITS: Mapping[str, int] = {
    "reclaim-timer-wait-time": 0xFFFF,
    "flush-reclaimed-timer-wait-time": 0xFFFF,
    "hold-reclaimed-time": 0xFFFF_FFFF,
    "max-reclaim-leases": 0xFFFF_FFFF,
    "max-reclaim-time": 10000,
    "unwarned-reclaim-cycles": 0xFFFF,
}
# ARM "Server Identifier in DHCPv6".
DUID_TYPES = ("LLT", "EN", "LL")
LEASE_CHECKS = ("none", "warn", "fix", "fix-del", "del")
# ARM "MAC/Hardware Addresses in DHCPv6".
MAC_SOURCES = (
    "any",
    "raw",
    "duid",
    "ipv6-link-local",
    "client-link-addr-option",
    "rfc6939",
    "remote-id",
    "rfc4649",
    "subscriber-id",
    "rfc4580",
    "docsis-cmts",
    "docsis-modem",
)


def server_map(root: Mapping[str, object], family: int) -> tuple[dict[str, object], KeyPath]:
    """The ``DhcpN`` map of a document and its path (the root itself if it has none)."""
    key = f"Dhcp{family}"
    if key in root:
        return as_map(root[key]), (key,)
    return dict(root), ()


def semantic_checks(
    root: dict[str, object],
    family: int,
    positions: Mapping[KeyPath, Position],
    *,
    spaces: OptionSpaces | None = None,
) -> list[ConfigError]:
    """Every semantic error in a schema-valid configuration, in document order."""
    return run_checks(root, family, positions, spaces=spaces).errors


def run_checks(
    root: dict[str, object],
    family: int,
    positions: Mapping[KeyPath, Position],
    *,
    spaces: OptionSpaces | None = None,
) -> Collector:
    """Run every check; the collector holds the errors and the warnings."""
    c = Collector(family, positions)
    conf, base = server_map(root, family)
    registry = add_option_defs(
        c, spaces or standard_spaces(family), conf.get("option-def"), (*base, "option-def")
    )
    options = OptionChecks(registry, base)
    options.check_list(c, conf.get("option-data"), (*base, "option-data"))
    _check_classes(c, conf, base, options)
    hosts = HostChecks(conf.get("ip-reservations-unique", True) is not False)
    hosts.check_list(c, conf.get("reservations"), (*base, "reservations"), None, 0)
    for i, entry in maps(conf.get("reservations")):
        options.check_list(c, entry.get("option-data"), (*base, "reservations", i, "option-data"))
    NetworkChecks(c, options.check_list, _host_checker(hosts, options)).run(conf, base)
    _check_globals(c, conf, base)
    c.errors[:] = _unique(c.errors)
    return c


def _host_checker(hosts: HostChecks, options: OptionChecks) -> HostCheck:
    """Reservation checks plus the option data of each reservation."""

    def check(
        c: Collector, entries: object, path: KeyPath, net: IPNetwork | None, subnet_id: int
    ) -> None:
        hosts.check_list(c, entries, path, net, subnet_id)
        for i, entry in maps(entries):
            options.check_list(c, entry.get("option-data"), (*path, i, "option-data"))

    return check


def _check_classes(
    c: Collector, conf: dict[str, object], base: KeyPath, options: OptionChecks
) -> None:
    path = (*base, "client-classes")
    root_space = f"dhcp{c.family}"

    def option_code(name: str) -> int | None:
        found = options.spaces.by_name(root_space, name)
        return None if found is None else found.code

    for cpath, entry in check_client_classes(c, conf.get("client-classes"), path, option_code):
        registry = options.spaces
        if "option-def" in entry:
            registry = add_option_defs(c, registry, entry["option-def"], (*cpath, "option-def"))
        options.check_with(c, entry.get("option-data"), (*cpath, "option-data"), registry)


def _unique(errors: list[ConfigError]) -> list[ConfigError]:
    """Drop repeats: a value inherited by many subnets is reported once where it is written."""
    seen: set[tuple[KeyPath, str]] = set()
    out = []
    for error in errors:
        key = (error.path, error.message)
        if key not in seen:
            seen.add(key)
            out.append(error)
    return out


def _check_globals(c: Collector, conf: dict[str, object], base: KeyPath) -> None:
    _interfaces(c, as_map(conf.get("interfaces-config")), (*base, "interfaces-config"))
    _database(c, conf.get("lease-database"), (*base, "lease-database"), LEASE_DB_TYPES)
    _database(c, conf.get("hosts-database"), (*base, "hosts-database"), HOST_DB_TYPES)
    for i, db in maps(conf.get("hosts-databases")):
        _database(c, db, (*base, "hosts-databases", i), HOST_DB_TYPES)
    _expiration(
        c, as_map(conf.get("expired-leases-processing")), (*base, "expired-leases-processing")
    )
    _identifiers(
        c, conf.get("host-reservation-identifiers"), (*base, "host-reservation-identifiers")
    )
    sanity = as_map(conf.get("sanity-checks")).get("lease-checks")
    if isinstance(sanity, str) and sanity not in LEASE_CHECKS:
        c.error(
            (*base, "sanity-checks", "lease-checks"),
            f"Unsupported lease-checks value: "
            f"{sanity}, supported values are: {', '.join(LEASE_CHECKS)}",
        )
    if c.family == 6:
        _server_id(c, as_map(conf.get("server-id")), (*base, "server-id"))
        _mac_sources(c, conf.get("mac-sources"), (*base, "mac-sources"))
    _dhcp_ddns(c, as_map(conf.get("dhcp-ddns")), (*base, "dhcp-ddns"))
    check_control_sockets(c, conf, base)


def _interfaces(c: Collector, cfg: dict[str, object], path: KeyPath) -> None:
    """Entries are ``name``, ``name/address`` or ``*`` (ARM "Interface Configuration")."""
    names: set[str] = set()
    pairs: set[tuple[str, str]] = set()
    wildcard = False
    for i, entry in enumerate(as_list(cfg.get("interfaces"))):
        ipath = (*path, "interfaces", i)
        if not isinstance(entry, str):
            continue
        name, slash, addr_text = (part.strip() for part in entry.partition("/"))
        if not name:
            c.error(ipath, "Failed to select interface: empty interface name used in configuration")
        elif slash:
            _interface_address(c, ipath, name, addr_text, names, pairs)
        elif name == "*":
            if wildcard:
                c.error(
                    ipath,
                    "Failed to select interface: the wildcard interface '*' can only "
                    "be specified once",
                )
            wildcard = True
        elif name in names:
            c.error(
                ipath, f"Failed to select interface: interface '{name}' has already been specified"
            )
        else:
            names.add(name)
    if c.family == 6:
        for key in ("dhcp-socket-type", "outbound-interface"):
            if key in cfg and c.given((*path, key)):
                c.error((*path, key), f"{key} is not supported in DHCPv6")


def _interface_address(
    c: Collector,
    path: KeyPath,
    name: str,
    addr_text: str,
    names: set[str],
    pairs: set[tuple[str, str]],
) -> None:
    if name == "*":
        c.error(
            path,
            "Failed to select interface: wildcard interface name '*' must not be "
            "used in conjunction with an address",
        )
        return
    if not addr_text:
        c.error(
            path,
            "Failed to select interface: empty address specified in the interface configuration",
        )
        return
    addr = parse_address(addr_text, c.family)
    if addr is None or addr.is_multicast:
        kind = "IPv6 unicast" if c.family == 6 else "IPv4"
        c.error(
            path, f"Failed to select interface: address '{addr_text}' is not a valid {kind} address"
        )
        return
    if c.family == 4 and name in names:
        c.error(path, f"Failed to select interface: interface '{name}' has already been selected")
    if (name, str(addr)) in pairs:
        c.error(
            path,
            f"Failed to select interface: must not select address '{addr}' for "
            f"interface '{name}' because this address is already selected",
        )
    pairs.add((name, str(addr)))


def _database(c: Collector, value: object, path: KeyPath, types: tuple[str, ...]) -> None:
    if not isinstance(value, dict):
        return
    kind = value.get("type")
    if kind is None:
        c.error(
            path,
            "database access parameters must include the keyword 'type' to "
            "determine type of database to be accessed",
        )
    elif isinstance(kind, str) and kind not in types:
        c.error((*path, "type"), f"unknown backend database type: {kind}")
    for key, limit in (
        ("lfc-interval", 0xFFFF_FFFF),
        ("connect-timeout", 0xFFFF_FFFF),
        ("port", 0xFFFF),
        ("max-row-errors", 0xFFFF_FFFF),
        ("reconnect-wait-time", 0xFFFF_FFFF),
        ("max-reconnect-tries", 2**63),
    ):
        number = value.get(key)
        if isinstance(number, int) and not isinstance(number, bool) and not 0 <= number <= limit:
            c.error(
                (*path, key), f"{key} value: {number} is out of range, expected value: 0..{limit}"
            )


def _expiration(c: Collector, cfg: dict[str, object], path: KeyPath) -> None:
    for key, limit in EXPIRATION_LIMITS.items():
        value = cfg.get(key)
        if isinstance(value, int) and not isinstance(value, bool) and not 0 <= value <= limit:
            c.error((*path, key), f"value {value} for '{key}' is out of range (0..{limit})")


def _identifiers(c: Collector, value: object, path: KeyPath) -> None:
    """host-reservation-identifiers: known names, or ``auto`` alone, never empty."""
    if not isinstance(value, list):
        return
    if not value:
        c.error(path, "'host-reservation-identifiers' list must not be empty")
    allowed = IDENTIFIERS[c.family]
    for i, name in enumerate(value):
        if name == "auto":
            if len(value) > 1:
                c.error(
                    (*path, i),
                    "if 'auto' keyword is used, no other values can be "
                    "specified within 'host-reservation-identifiers' list",
                )
        elif name not in allowed:
            c.error((*path, i), f"unsupported identifier '{name}'")


def _server_id(c: Collector, cfg: dict[str, object], path: KeyPath) -> None:
    kind = cfg.get("type")
    if isinstance(kind, str) and kind not in DUID_TYPES:
        c.error((*path, "type"), f"unsupported DUID type '{kind}'. Expected: LLT, EN or LL")
    ident = cfg.get("identifier")
    # dhcpsrv/cfg_duid.cc CfgDUID::setIdentifier: trimmed, then plain decodeHex (no separators,
    # no "0x", an even digit count); a blank identifier means "none".
    if isinstance(ident, str) and decode_hex_digits(ident.strip(KEA_BLANKS)) is None:
        c.error(
            (*path, "identifier"),
            f"identifier specified in the DUID configuration '{ident.strip(KEA_BLANKS)}' "
            "is not a valid string of hexadecimal digits",
        )


def _mac_sources(c: Collector, value: object, path: KeyPath) -> None:
    if not isinstance(value, list):
        return
    if not value:
        c.error(path, "If specified, MAC Sources cannot be empty")
    seen: set[str] = set()
    for i, name in enumerate(value):
        if not isinstance(name, str):
            continue
        if name not in MAC_SOURCES:
            c.error((*path, i), f"Failed to convert '{name}' to any recognized MAC source")
        elif name in seen:
            c.error((*path, i), f"The mac-sources value '{name}' was specified twice")
        seen.add(name)


def _dhcp_ddns(c: Collector, cfg: dict[str, object], path: KeyPath) -> None:
    """D2 client settings (ARM "DDNS for DHCPv6"): addresses of one family, distinct ends."""
    server, sender = cfg.get("server-ip"), cfg.get("sender-ip")
    server_addr = (
        parse_address(server, 4) or parse_address(server, 6) if isinstance(server, str) else None
    )
    if isinstance(server, str) and server_addr is None:
        c.error(
            (*path, "server-ip"), f"invalid address ({server}) specified for parameter 'server-ip'"
        )
    if isinstance(sender, str) and sender:
        sender_addr = parse_address(sender, 4) or parse_address(sender, 6)
        if sender_addr is None:
            c.error(
                (*path, "sender-ip"),
                f"invalid address ({sender}) specified for parameter 'sender-ip'",
            )
        elif server_addr is not None and sender_addr.version != server_addr.version:
            c.error(
                (*path, "sender-ip"),
                "D2ClientConfig error: address family mismatch: "
                f"server-ip: {server_addr} sender-ip: {sender_addr}",
            )
        elif server_addr == sender_addr and cfg.get("server-port") == cfg.get("sender-port"):
            c.error(
                (*path, "sender-ip"),
                "D2ClientConfig error: server and sender cannot share "
                "the exact same IP address/port",
            )
    for key, allowed in (("ncr-protocol", ("UDP",)), ("ncr-format", ("JSON",))):
        value = cfg.get(key)
        if isinstance(value, str) and value.upper() not in allowed and c.given((*path, key)):
            c.error((*path, key), f"D2ClientConfig error: {key} {value} is not supported")
