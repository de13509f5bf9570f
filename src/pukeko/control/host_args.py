"""Argument checks of the host_cmds commands (``reservation-*``), with Kea's texts.

Kea 2.2's host_cmds is an ISC premium library: the texts follow the Kea 2.2 ARM section
"host_cmds: Host Commands" and Kea's later open-source host_cmds (``getParameters``,
``getPageParameters``, ``getByIdParameters``, ``HostDataParser::parseWithSubnet``). Where Kea
would name a JSON position (``SimpleParser::getInteger``) Pukeko says the same without it.

``operation-target`` (Kea 2.3 and later) is accepted: ``memory`` (ARM: ``primary``) is the
configuration, ``database`` (ARM: ``alternate``) the hosts databases, which Pukeko does not have
yet, ``all`` both and ``default`` the command's default (reads: all; changes: Pukeko changes the
configuration, Kea the database).
"""

from __future__ import annotations

from dataclasses import dataclass
from ipaddress import IPv4Address, IPv6Address, ip_address
from typing import Any

from pukeko.config.checks_base import decode_identifier
from pukeko.config.validate import element_type_name
from pukeko.control.subnet_common import SUBNET_ID_MAX, ArgumentError, Json, is_int
from pukeko.hosts.model import IdentifierType

PAGE_LIMIT_MAX = 2**32 - 1  # Kea reads ``limit`` as a uint32
SOURCE_INDEX_MAX = 10  # Kea getPageParameters' bound on ``source-index``
MEMORY = "memory"  # the configuration (Kea's primary source)
DATABASE = "database"  # hosts databases (Kea's alternate sources)
ALL = "all"
TARGETS = {
    "memory": MEMORY,
    "primary": MEMORY,
    "database": DATABASE,
    "alternate": DATABASE,
    "all": ALL,
}
MISSING_SUBNET_ID = "Mandatory 'subnet-id' parameter missing."
NOT_A_MAP = "Parameters missing or are not a map."

Address = IPv4Address | IPv6Address


@dataclass(frozen=True, slots=True)
class Selector:
    """Which host a ``reservation-get`` / ``-del`` names: by address or by identifier."""

    subnet_id: int
    address: Address | None = None
    id_type: IdentifierType | None = None
    identifier: bytes = b""


@dataclass(frozen=True, slots=True)
class PageRequest:
    """The arguments of ``reservation-get-page``."""

    subnet_id: int | None
    source_index: int
    after: int  # Kea's ``from``: the position the previous page ended at (0: the start)
    limit: int


def parameters_map(arguments: Any) -> Json:
    """The arguments map of a query command (Kea's text when missing or not a map)."""
    if not isinstance(arguments, dict):
        raise ArgumentError(NOT_A_MAP)
    return arguments


def operation_target(args: Json, default: str) -> str:
    """``operation-target`` as MEMORY, DATABASE or ALL (``default`` when absent or default)."""
    raw = args.get("operation-target")
    if raw is None:
        return default
    if not isinstance(raw, str):
        raise ArgumentError("invalid type specified for parameter 'operation-target'")
    if raw == "default":
        return default
    target = TARGETS.get(raw)
    if target is None:
        raise ArgumentError(
            f"The 'operation-target' value ({raw}) is not within expected set: "
            "(memory, database, all, default)"
        )
    return target


def integer(args: Json, key: str, low: int, high: int) -> int:
    """An integer argument within [low, high] (Kea SimpleParser::getInteger's texts)."""
    value = args[key]
    if not is_int(value):
        raise ArgumentError(f"invalid type specified for parameter '{key}'")
    if not low <= value <= high:
        raise ArgumentError(f"out of range value ({value}) specified for parameter '{key}'")
    return int(value)


def subnet_id_of(args: Json) -> int:
    """The mandatory ``subnet-id`` (0: global reservations)."""
    if "subnet-id" not in args:
        raise ArgumentError(MISSING_SUBNET_ID)
    return integer(args, "subnet-id", 0, SUBNET_ID_MAX)


def optional_subnet_id(args: Json) -> int | None:
    """``subnet-id`` when given."""
    return integer(args, "subnet-id", 0, SUBNET_ID_MAX) if "subnet-id" in args else None


def parse_address(text: str) -> Address:
    """An IPv4 or IPv6 address (Kea IOAddress's text when invalid)."""
    try:
        return ip_address(text)
    except ValueError:
        raise ArgumentError(
            f"Failed to convert string to address '{text}': Invalid argument"
        ) from None


def identifier_of(args: Json, prefix: str = "") -> tuple[IdentifierType, bytes]:
    """(``identifier-type``, decoded ``identifier``) with Kea's texts, ``prefix`` before them."""
    kind = args.get("identifier-type")
    ident = args.get("identifier")
    if not isinstance(kind, str):
        raise ArgumentError(f"{prefix}'identifier-type' is either missing or not a string.")
    if not isinstance(ident, str):
        raise ArgumentError(f"{prefix}'identifier' is either missing or not a string.")
    value = decode_identifier(ident) if ident else b""
    if value is None:
        raise ArgumentError("Unable to parse 'identifier' value.")
    if not value:
        raise ArgumentError("Unable to query for empty 'identifier'.")
    try:
        return IdentifierType.from_kea_name(kind), value
    except ValueError:
        raise ArgumentError("Value of 'identifier-type' was not recognized.") from None


def selector(arguments: Any) -> Selector:
    """(subnet-id, ip-address) or (subnet-id, identifier-type, identifier): get and del."""
    args = parameters_map(arguments)
    subnet_id = subnet_id_of(args)
    if "ip-address" in args:
        text = args["ip-address"]
        if not isinstance(text, str):
            raise ArgumentError("'ip-address' is not a string.")
        return Selector(subnet_id, address=parse_address(text))
    id_type, identifier = identifier_of(args, "No 'ip-address' provided and ")
    return Selector(subnet_id, id_type=id_type, identifier=identifier)


def by_id_arguments(arguments: Any) -> tuple[IdentifierType, bytes]:
    """``reservation-get-by-id``: the identifier; ``subnet-id`` is refused."""
    args = parameters_map(arguments)
    if not isinstance(args.get("identifier-type"), str):
        raise ArgumentError("'identifier-type' is either missing or not a string.")
    if not isinstance(args.get("identifier"), str):
        raise ArgumentError("'identifier' is either missing or not a string.")
    if "subnet-id" in args:
        raise ArgumentError("'subnet-id' is forbidden in reservation-get-by-id")
    return identifier_of(args)


def page_request(arguments: Any) -> PageRequest:
    """``reservation-get-page``: mandatory ``limit``; ``subnet-id``, ``source-index``, ``from``."""
    args = parameters_map(arguments)
    if "limit" not in args:
        raise ArgumentError("Mandatory 'limit' parameter missing.")
    limit = integer(args, "limit", 0, PAGE_LIMIT_MAX)
    if limit == 0:
        raise ArgumentError("page size of retrieved hosts must not be zero")
    source = integer(args, "source-index", 0, SOURCE_INDEX_MAX) if "source-index" in args else 0
    after = integer(args, "from", 0, 2**63 - 1) if "from" in args else 0
    return PageRequest(optional_subnet_id(args), source, after, limit)


def hostname_arguments(arguments: Any) -> tuple[str, int | None]:
    """``reservation-get-by-hostname``: (lower-cased hostname, optional subnet id)."""
    args = parameters_map(arguments)
    hostname = args.get("hostname")
    if hostname is None:
        raise ArgumentError("Mandatory 'hostname' parameter missing.")
    if not isinstance(hostname, str):
        raise ArgumentError("invalid type specified for parameter 'hostname'")
    if not hostname:
        raise ArgumentError("Empty hostname")
    return hostname.lower(), optional_subnet_id(args)


def reservation_argument(arguments: Any, command: str) -> tuple[int, Json]:
    """``reservation-add`` / ``-update``: (subnet id, the reservation without ``subnet-id``)."""
    if arguments is None:
        raise ArgumentError("no parameters specified for the command")
    if not isinstance(arguments, dict):
        raise ArgumentError(
            "invalid command: expected 'arguments' to be a map, got "
            f"{element_type_name(arguments)} instead"
        )
    reservation = arguments.get("reservation")
    if reservation is None:
        raise ArgumentError("reservation must be specified")
    if not isinstance(reservation, dict):
        raise ArgumentError(
            "invalid command: expected 'reservation' to be a map, got "
            f"{element_type_name(reservation)} instead"
        )
    if "subnet-id" not in reservation:
        raise ArgumentError(MISSING_SUBNET_ID)
    subnet_id = reservation["subnet-id"]
    if not is_int(subnet_id):
        raise ArgumentError("'subnet-id' parameter is not integer.")
    if not 0 <= subnet_id <= SUBNET_ID_MAX:
        raise ArgumentError(
            f"subnet-id: {subnet_id} is invalid, must be between 0 and {SUBNET_ID_MAX} (inclusive)."
        )
    entry = {key: value for key, value in reservation.items() if key != "subnet-id"}
    return int(subnet_id), entry
