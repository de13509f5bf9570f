"""Checks of host reservations and client class definitions (Kea 2.2 rules).

Sources: Kea's HostReservationParser{4,6}, CfgHosts::add, ClientClassDefParser and the ARM
sections "Host Reservations in DHCPv6" and "Client Classification".
"""

from __future__ import annotations

from collections.abc import Callable
from ipaddress import IPv4Address

from pukeko.classify import ExpressionError, parse_expression
from pukeko.config.checks_base import (
    Collector,
    IPAddress,
    IPNetwork,
    as_list,
    decode_identifier,
    maps,
    parse_address,
    parse_prefix,
)
from pukeko.config.checks_params import Scope, check_triplet
from pukeko.config.errors import KeyPath

# Identifier keywords per family, in Kea's order (host-reservation-identifiers).
IDENTIFIERS: dict[int, tuple[str, ...]] = {
    6: ("hw-address", "duid", "flex-id"),
    4: ("hw-address", "duid", "circuit-id", "client-id", "flex-id"),
}
# HWAddr::MAX_HWADDR_LEN and DUID::MAX_DUID_LEN (RFC 8415 §11.1: DUID <= 128 octets + type).
MAX_IDENTIFIER_LEN = {"hw-address": 20, "duid": 130}
# Resources that make a reservation worth having (CfgHosts::add4).
RESOURCES = (
    "hostname",
    "ip-address",
    "ip-addresses",
    "prefixes",
    "next-server",
    "server-hostname",
    "boot-file-name",
    "option-data",
    "client-classes",
)

# ARM "Built-in Client Classes".
BUILTIN_CLASSES = ("ALL", "KNOWN", "UNKNOWN", "BOOTP")
BUILTIN_CLASS_PREFIXES = ("VENDOR_CLASS_", "HA_", "AFTER_", "EXTERNAL_")

OptionCode = Callable[[str], int | None]


def is_builtin_class(name: str) -> bool:
    """True for the classes the server assigns itself."""
    if name in BUILTIN_CLASSES:
        return True
    return any(name.startswith(p) and len(name) > len(p) for p in BUILTIN_CLASS_PREFIXES)


def reservation_identifier(entry: dict[str, object], family: int) -> tuple[str, str] | None:
    """The (identifier type, text) of a reservation map, when it has exactly one."""
    found = [(k, entry[k]) for k in IDENTIFIERS[family] if k in entry]
    if len(found) != 1 or not isinstance(found[0][1], str):
        return None
    return found[0][0], found[0][1]


class HostChecks:
    """Reservation checks; remembers identifiers and addresses per subnet id for duplicates."""

    def __init__(self, ip_unique: bool) -> None:
        self.ip_unique = ip_unique
        self.identifiers: dict[tuple[int, str, bytes], KeyPath] = {}
        self.addresses: dict[tuple[int, str], KeyPath] = {}

    def check_list(
        self,
        c: Collector,
        entries: object,
        path: KeyPath,
        net: IPNetwork | None,
        subnet_id: int,
    ) -> None:
        """Check the reservations of one subnet (``net``) or the global ones (subnet id 0)."""
        for i, entry in maps(entries):
            self._one(c, entry, (*path, i), net, subnet_id)

    def _one(
        self,
        c: Collector,
        entry: dict[str, object],
        path: KeyPath,
        net: IPNetwork | None,
        subnet_id: int,
    ) -> None:
        # Kea walks the map in key order and names the second identifier it meets.
        keys = sorted(k for k in IDENTIFIERS[c.family] if k in entry)
        if len(keys) > 1:
            c.error((*path, keys[1]), f"the '{keys[1]}' and '{keys[0]}' are mutually exclusive")
            return
        if not keys:
            c.error(
                path,
                "one of the supported identifiers must be specified for host "
                f"reservation: {', '.join(IDENTIFIERS[c.family])}",
            )
            return
        kind = keys[0]
        text = entry[kind]
        value = decode_identifier(text) if isinstance(text, str) else None
        if value is None:
            c.error((*path, kind), f"invalid host identifier value '{text}'")
            return
        limit = MAX_IDENTIFIER_LEN.get(kind)
        if limit is not None and len(value) > limit:
            c.error((*path, kind), f"{kind} is {len(value)} bytes long, at most {limit} allowed")
            return
        if not any(entry.get(k) not in (None, "", [], {}) for k in RESOURCES):
            c.error(
                path,
                f"specified reservation for {kind} {text} must include at least one "
                "resource, i.e. hostname, IPv4 address, IPv6 address/prefix, options",
            )
        ident = (subnet_id, kind, value)
        if ident in self.identifiers:
            c.error(
                (*path, kind),
                f"failed to add new host using the {kind} '{text}' to the "
                f"subnet id '{subnet_id}' as this host has already been added",
            )
        self.identifiers.setdefault(ident, path)
        if c.family == 6:
            self._v6_resources(c, entry, path, net, subnet_id)
        else:
            self._v4_resources(c, entry, path, net, subnet_id)

    def _reserve(self, c: Collector, path: KeyPath, subnet_id: int, key: str) -> None:
        # Kea keys reservations by address: an address and a prefix starting at it clash.
        address = key.split("/", 1)[0]
        if self.ip_unique and (subnet_id, address) in self.addresses:
            c.error(
                path,
                f"There's already a reservation for {key} (address/prefix {address}) in"
                f" subnet id '{subnet_id}'",
            )
        self.addresses.setdefault((subnet_id, address), path)

    def _v6_resources(
        self,
        c: Collector,
        entry: dict[str, object],
        path: KeyPath,
        net: IPNetwork | None,
        subnet_id: int,
    ) -> None:
        own: set[str] = set()
        for i, text in enumerate(as_list(entry.get("ip-addresses"))):
            apath = (*path, "ip-addresses", i)
            addr = parse_address(text, 6) if isinstance(text, str) else None
            if addr is None:
                c.error(apath, f"Failed to convert string to address '{text}'")
                continue
            if net is not None and addr not in net:
                c.error(
                    apath, f"specified reservation '{addr}' is not within the IPv6 subnet '{net}'"
                )
            self._own(c, apath, own, f"{addr}/128", subnet_id)
        for i, text in enumerate(as_list(entry.get("prefixes"))):
            ppath = (*path, "prefixes", i)
            if not isinstance(text, str) or "/" not in text:
                c.error(
                    ppath, f"prefix reservation requires prefix length be specified in '{text}'"
                )
                continue
            parsed = parse_prefix(text, 6)
            if parsed is None:
                c.error(ppath, f"invalid prefix '{text}' for new IPv6 reservation")
                continue
            self._own(c, ppath, own, f"{parsed[0]}/{parsed[1]}", subnet_id)

    def _own(self, c: Collector, path: KeyPath, own: set[str], key: str, subnet_id: int) -> None:
        if key in own:
            c.error(path, f"failed on attempt to add a duplicated host reservation for {key}")
            return
        own.add(key)
        self._reserve(c, path, subnet_id, key)

    def _v4_resources(
        self,
        c: Collector,
        entry: dict[str, object],
        path: KeyPath,
        net: IPNetwork | None,
        subnet_id: int,
    ) -> None:
        text = entry.get("ip-address")
        if isinstance(text, str):
            apath = (*path, "ip-address")
            addr = parse_address(text, 4)
            if addr is None:
                c.error(apath, f"address '{text}' is not a valid IPv4 address")
            elif addr in (IPv4Address(0), IPv4Address("255.255.255.255")):
                c.error(apath, f"must not make reservation for the '{addr}' address")
            elif net is not None and addr not in net:
                c.error(
                    apath, f"specified reservation '{addr}' is not within the IPv4 subnet '{net}'"
                )
            else:
                self._reserve(c, apath, subnet_id, str(addr))
        nxt = entry.get("next-server")
        if isinstance(nxt, str) and nxt and parse_address(nxt, 4) is None:
            c.error((*path, "next-server"), f"invalid next-server address '{nxt}'")


def check_client_classes(
    c: Collector,
    entries: object,
    path: KeyPath,
    option_code: OptionCode,
) -> list[tuple[KeyPath, dict[str, object]]]:
    """Name, built-in, expression and lifetime rules of ``client-classes``; the valid entries."""
    seen: set[str] = set()
    valid: list[tuple[KeyPath, dict[str, object]]] = []
    for i, entry in maps(entries):
        cpath = (*path, i)
        name = entry.get("name")
        if not isinstance(name, str) or not name:
            c.error(cpath, "not empty parameter 'name' is required")
            continue
        if name in seen:
            c.error(
                (*cpath, "name"), f"Can't add class: Client Class: {name} has already been defined"
            )
            continue
        _class_rules(c, entry, cpath, name, seen)
        _check_test_expression(c, entry, cpath, seen, option_code)
        seen.add(name)
        valid.append((cpath, entry))
    return valid


def _check_test_expression(
    c: Collector, entry: dict[str, object], path: KeyPath, known: set[str], option_code: OptionCode
) -> None:
    """Parse ``test`` with Kea's grammar (ARM "Using Expressions in Classification").

    ``member()`` may name only built-in classes and classes defined earlier in the list.
    """
    test = entry.get("test")
    if not isinstance(test, str) or not test:
        return

    def defined(name: str) -> bool:
        return name == "DROP" or is_builtin_class(name) or name in known

    try:
        parse_expression(test, family=c.family, option_code=option_code, class_defined=defined)
    except ExpressionError as exc:
        c.error((*path, "test"), f"expression: [{test}] error: {exc.kea_text()}")


def _class_rules(
    c: Collector, entry: dict[str, object], path: KeyPath, name: str, known: set[str]
) -> None:
    required = entry.get("only-if-required") is True
    test = entry.get("test", "")
    if name in BUILTIN_CLASSES:
        if required:
            c.error(
                (*path, "only-if-required"),
                f"built-in class '{name}' only-if-required flag must be false",
            )
        if test:
            c.error((*path, "test"), f"built-in class '{name}' test expression must be empty")
    if name == "DROP" and required:
        c.error(
            (*path, "only-if-required"),
            f"special class '{name}' only-if-required flag must be false",
        )
    scope: Scope = [(path, entry)]
    check_triplet(c, scope, "valid-lifetime")
    if c.family == 6:
        check_triplet(c, scope, "preferred-lifetime")
    if c.family == 4:
        nxt = entry.get("next-server")
        addr: IPAddress | None = parse_address(nxt, 4) if isinstance(nxt, str) else None
        if isinstance(nxt, str) and nxt and (addr is None or addr == IPv4Address(2**32 - 1)):
            c.error((*path, "next-server"), f"Invalid next-server value: '{nxt}'")
        for key, limit in (("server-hostname", 63), ("boot-file-name", 127)):
            value = entry.get(key)
            if isinstance(value, str) and len(value.encode()) > limit:
                c.error(
                    (*path, key),
                    f"{key} must be at most {limit} bytes long, it is {len(value.encode())}",
                )
