"""Arguments of the DHCPv6 lease commands, read and checked with Kea 2.2's exact error texts.

Kea's lease_cmds hook reads its arguments with ``Element`` accessors and ``SimpleParser``
getters (``lib/cc/data.cc``, ``lib/cc/simple_parser.cc``), ``Lease6Parser``
(``hooks/dhcp/lease_cmds/lease_parser.cc``) and ``LeaseCmdsImpl::getParameters``
(``lease_cmds.cc``); every failure there is answered with result 1 and the exception's text,
which this module reproduces as :class:`ArgumentError`. Leases are shown as
``Lease6::toElement`` shows them (``lib/dhcpsrv/lease.cc``).

Pukeko difference: Kea appends the JSON position of a bad parameter to SimpleParser texts
(``(<wire>:1:40)``); Pukeko's command arguments carry no positions, so it writes
``(<wire>:0:0)`` there (Kea's own text for an element without a position is similar).
"""

from __future__ import annotations

import contextlib
import ipaddress
import json
from dataclasses import dataclass
from ipaddress import IPv4Address, IPv6Address
from typing import Any

from pukeko.config.model import Config, Subnet
from pukeko.control.answers import to_kea_json
from pukeko.leases.model import Lease6, LeaseState, LeaseType
from pukeko.wire.duid import duid_from_text as wire_duid_from_text
from pukeko.wire.hextext import decode_separated_hex
from pukeko.wire.ipv6text import ipv6_int_text

POSITION = "<wire>:0:0"
MAX_DUID_LEN = 128  # dhcp/duid.h DUID::MAX_DUID_LEN
MAX_HWADDR_LEN = 20  # dhcp/hwaddr.h HWAddr::MAX_HWADDR_LEN
MIN_CLIENT_ID_LEN = 2  # dhcp/duid.h ClientId::MIN_CLIENT_ID_LEN
UINT32_MAX = 0xFFFFFFFF
_MISSING = object()
ZERO6 = IPv6Address(0)

# Lease::typeToText / the "type" values getParameters accepts (lease_cmds.cc).
TYPE_TEXT = {
    LeaseType.NA: "IA_NA",
    LeaseType.TA: "IA_TA",
    LeaseType.PD: "IA_PD",
    LeaseType.V4: "V4",
}
_QUERY_TYPES = {
    "IA_NA": LeaseType.NA,
    "0": LeaseType.NA,
    "IA_TA": LeaseType.TA,
    "1": LeaseType.TA,
    "IA_PD": LeaseType.PD,
    "2": LeaseType.PD,
    "V4": LeaseType.V4,
    "3": LeaseType.V4,
}


class ArgumentError(Exception):
    """A command argument Kea refuses; the text is Kea's exception text."""


# ---------------------------------------------------------------- Element accessors


def is_int(value: object) -> bool:
    """True for a JSON integer (not a boolean)."""
    return isinstance(value, int) and not isinstance(value, bool)


def element_get(scope: Any, name: str) -> Any:
    """``Element::get``: the value or ``_MISSING``; TypeError text on a non-map."""
    if not isinstance(scope, dict):
        raise ArgumentError("get(string) called on a non-map Element")
    return scope.get(name, _MISSING)


def present(value: Any) -> bool:
    """True when :func:`element_get` found the key."""
    return value is not _MISSING


def contains(scope: Any, name: str) -> bool:
    """``Element::contains``; TypeError text on a non-map."""
    if not isinstance(scope, dict):
        raise ArgumentError("contains(string) called on a non-map Element")
    return name in scope


def string_value(value: Any) -> str:
    """``Element::stringValue``."""
    if not isinstance(value, str):
        raise ArgumentError("stringValue() called on non-string Element")
    return value


def int_value(value: Any) -> int:
    """``Element::intValue``."""
    if not is_int(value):
        raise ArgumentError("intValue() called on non-integer Element")
    return int(value)


# ---------------------------------------------------------------- SimpleParser getters


def _typed(scope: Any, name: str, check: Any) -> Any:
    value = element_get(scope, name)
    if not present(value):
        raise ArgumentError(f"missing parameter '{name}' ({POSITION})")
    if not check(value):
        raise ArgumentError(f"invalid type specified for parameter '{name}' ({POSITION})")
    return value


def get_string(scope: Any, name: str) -> str:
    """``SimpleParser::getString``."""
    value: str = _typed(scope, name, lambda v: isinstance(v, str))
    return value


def get_integer(scope: Any, name: str) -> int:
    """``SimpleParser::getInteger``."""
    value: int = _typed(scope, name, is_int)
    return value


def get_boolean(scope: Any, name: str) -> bool:
    """``SimpleParser::getBoolean``."""
    value: bool = _typed(scope, name, lambda v: isinstance(v, bool))
    return value


def get_uint(scope: Any, name: str, bits: int) -> int:
    """``SimpleParser::getUint32`` / ``getUint8`` (``getIntType``)."""
    value = get_integer(scope, name)
    if not 0 <= value < (1 << bits):
        raise ArgumentError(
            f"out of range value ({value}) specified for parameter '{name}' ({POSITION})"
        )
    return value


def parse_address(text: str) -> IPv6Address | IPv4Address:
    """``IOAddress(text)`` (boost ``address::from_string``)."""
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        raise ArgumentError(
            f"Failed to convert string to address '{text}': Invalid argument"
        ) from None


def get_address(scope: Any, name: str) -> IPv6Address | IPv4Address:
    """``SimpleParser::getAddress``."""
    text = get_string(scope, name)
    try:
        return parse_address(text)
    except ArgumentError as exc:
        raise ArgumentError(f"Failed to convert '{text}' to address: {exc}({POSITION})") from None


# ---------------------------------------------------------------- identifiers (util/strutil.cc)


def duid_from_text(text: str) -> bytes:
    """``DUID::fromText``."""
    try:
        return wire_duid_from_text(text, MAX_DUID_LEN)
    except ValueError as exc:
        raise ArgumentError(str(exc)) from None


def hwaddr_from_text(text: str) -> bytes:
    """``HWAddr::fromText``."""
    try:
        data = decode_separated_hex(text, ":")
    except ValueError as exc:
        raise ArgumentError(str(exc)) from None
    if len(data) > MAX_HWADDR_LEN:
        raise ArgumentError("address vector size exceeds MAX_HWADDR_LEN")
    return data


def client_id_from_text(text: str) -> bytes:
    """``ClientId::fromText``."""
    data = duid_from_text(text)
    if len(data) < MIN_CLIENT_ID_LEN:
        raise ArgumentError(
            f"client-id is too short ({len(data)}), at least {MIN_CLIENT_ID_LEN} is required"
        )
    return data


# ---------------------------------------------------------------- lease6-get / lease6-del


@dataclass(frozen=True, slots=True)
class Query:
    """``LeaseCmdsImpl::Parameters`` for DHCPv6: by address, or by DUID + IAID + subnet-id."""

    by: str  # "address", "duid", "hw-address" or "client-id"
    lease_type: LeaseType = LeaseType.NA
    address: IPv6Address = ZERO6
    duid: bytes = b""
    iaid: int = 0
    subnet_id: int = 0
    update_ddns: bool = False


def query_parameters(params: Any) -> Query:
    """``getParameters(v6=true, args)``: what lease6-get / lease6-del / bulk deletions ask."""
    if not isinstance(params, dict):
        raise ArgumentError("Parameters missing or are not a map.")
    update_ddns = False
    if "update-ddns" in params:
        if not isinstance(params["update-ddns"], bool):
            raise ArgumentError("'update-ddns' is not a boolean")
        update_ddns = params["update-ddns"]
    lease_type = LeaseType.NA
    if "type" in params:
        text = string_value(params["type"])
        if text not in _QUERY_TYPES:
            raise ArgumentError(
                f"Invalid lease type specified: {text}, only supported values are: "
                "IA_NA, IA_TA, IA_PD and V4"
            )
        lease_type = _QUERY_TYPES[text]
    if "ip-address" in params:
        text = params["ip-address"]
        if not isinstance(text, str):
            raise ArgumentError("'ip-address' is not a string.")
        address = parse_address(text)
        if not isinstance(address, IPv6Address):
            raise ArgumentError(f"Invalid IPv6 address specified: {text}")
        return Query("address", lease_type, address, update_ddns=update_ddns)
    return _identifier_query(params, lease_type, update_ddns)


def _identifier_query(params: dict[str, Any], lease_type: LeaseType, ddns: bool) -> Query:
    if "subnet-id" not in params:
        raise ArgumentError("Mandatory 'subnet-id' parameter missing.")
    if not is_int(params["subnet-id"]):
        raise ArgumentError("'subnet-id' parameter is not integer.")
    subnet_id = params["subnet-id"] & UINT32_MAX
    iaid = int_value(params["iaid"]) & UINT32_MAX if "iaid" in params else 0
    kind = params.get("identifier-type")
    ident = params.get("identifier")
    if not isinstance(kind, str):
        raise ArgumentError(
            "No 'ip-address' provided and 'identifier-type' is either missing or not a string."
        )
    if not isinstance(ident, str):
        raise ArgumentError(
            "No 'ip-address' provided and 'identifier' is either missing or not a string."
        )
    if kind == "duid":
        duid = duid_from_text(ident)
        return Query(
            "duid", lease_type, duid=duid, iaid=iaid, subnet_id=subnet_id, update_ddns=ddns
        )
    if kind == "hw-address":
        hwaddr_from_text(ident)
    elif kind == "client-id":
        client_id_from_text(ident)
    elif kind != "address":
        raise ArgumentError(
            f"Incorrect identifier type: {kind}, the only supported values are: "
            "address, hw-address, duid"
        )
    return Query(kind, lease_type, iaid=iaid, subnet_id=subnet_id, update_ddns=ddns)


# ---------------------------------------------------------------- Lease6Parser


def select_subnet(config: Config, address: IPv6Address) -> Subnet | None:
    """``CfgSubnets6::selectSubnet(address)`` with no client classes: lowest id in range."""
    for subnet in sorted(config.all_subnets, key=lambda s: s.id):
        if address in subnet.prefix and not subnet.params.client_class:
            return subnet
    return None


def _lease_type(info: Any) -> tuple[LeaseType, int]:
    if not contains(info, "type"):
        return LeaseType.NA, 128
    text = get_string(info, "type")
    if text == "IA_NA":
        return LeaseType.NA, 128
    if text == "IA_TA":
        return LeaseType.TA, 128
    if text == "IA_PD":
        return LeaseType.PD, get_uint(info, "prefix-len", 8)
    raise ArgumentError(
        f"Incorrect lease type: {text}, the only supported values are: na, ta and pd"
    )


def _lease_subnet(config: Config, info: Any, address: IPv6Address, kind: LeaseType) -> Subnet:
    subnet_id = get_uint(info, "subnet-id", 32) if contains(info, "subnet-id") else 0
    if subnet_id:
        subnet = config.subnet(subnet_id)
        if subnet is None:
            raise ArgumentError(
                f"Invalid subnet-id: No IPv6 subnet with subnet-id={subnet_id} currently "
                "configured."
            )
        if kind == LeaseType.NA and address not in subnet.prefix:
            raise ArgumentError(
                f"The address {address} does not belong to subnet {subnet.prefix}, "
                f"subnet-id={subnet_id}"
            )
        return subnet
    if kind != LeaseType.NA:
        raise ArgumentError(
            "Subnet-id is 0 or not specified. This is allowed for address leases only, "
            "not prefix leases."
        )
    found = select_subnet(config, address)
    if found is None:
        raise ArgumentError(
            f"subnet-id not specified and failed to find a subnet for address {address}"
        )
    return found


def _cltt(info: Any, address: IPv6Address, valid: int, now: int) -> int:
    if not contains(info, "expire"):
        return now
    expire = get_integer(info, "expire")
    if expire <= 0:
        raise ArgumentError(f"expiration time must be positive for address {address}")
    if expire < valid:
        raise ArgumentError(
            f"expiration time must be greater than valid lifetime for address {address}"
        )
    return expire - valid


def _names(info: Any) -> tuple[bool, bool, str]:
    fwd = get_boolean(info, "fqdn-fwd") if contains(info, "fqdn-fwd") else False
    rev = get_boolean(info, "fqdn-rev") if contains(info, "fqdn-rev") else False
    hostname = get_string(info, "hostname") if contains(info, "hostname") else ""
    if not hostname and (fwd or rev):
        raise ArgumentError(
            "No hostname specified and either forward or reverse fqdn was set to true."
        )
    return fwd, rev, hostname


def _state(info: Any, kind: LeaseType) -> LeaseState:
    state = get_uint(info, "state", 8) if contains(info, "state") else 0
    if state > LeaseState.EXPIRED_RECLAIMED:
        raise ArgumentError(
            f"Invalid state value: {state}, supported values are: 0 (default), "
            "1 (declined) and 2 (expired-reclaimed)"
        )
    if state == LeaseState.DECLINED and kind == LeaseType.PD:
        raise ArgumentError("Invalid declined state for PD prefix.")
    return LeaseState(state)


def _user_context(info: Any) -> str:
    """The lease's user context as Kea JSON text ("" when none); ``comment`` merged in."""
    context = element_get(info, "user-context")
    if present(context) and not isinstance(context, dict):
        raise ArgumentError(f"Invalid user context '{to_kea_json(context)}' is not a JSON map.")
    comment = element_get(info, "comment")
    if present(comment):
        if present(context) and "comment" in context:
            raise ArgumentError(
                f"Duplicated comment entry '{to_kea_json(comment)}' in user context "
                f"'{to_kea_json(context)}'"
            )
        context = {**(context if present(context) else {}), "comment": comment}
    return to_kea_json(context) if present(context) else ""


def parse_lease6(config: Config, info: Any, now: int) -> tuple[Lease6, bool]:
    """``Lease6Parser::parse``: the lease an add / update / bulk entry describes, and its
    ``force-create`` flag. ``now`` is the cltt when no ``expire`` is given."""
    address = get_address(info, "ip-address")
    if isinstance(address, IPv4Address):
        raise ArgumentError(f"Non-IPv6 address specified: {address}")
    duid = duid_from_text(get_string(info, "duid"))
    kind, prefix_len = _lease_type(info)
    subnet = _lease_subnet(config, info, address, kind)
    iaid = get_uint(info, "iaid", 32)
    hwaddr = (
        hwaddr_from_text(get_string(info, "hw-address")) if contains(info, "hw-address") else b""
    )
    default_valid = subnet.params.valid_lifetime.default
    valid = get_uint(info, "valid-lft", 32) if contains(info, "valid-lft") else default_valid
    # Kea 2.2 defaults the preferred lifetime to the subnet's *valid* lifetime.
    preferred = (
        get_uint(info, "preferred-lft", 32) if contains(info, "preferred-lft") else default_valid
    )
    cltt = _cltt(info, address, valid, now)
    fwd, rev, hostname = _names(info)
    state = _state(info, kind)
    context = _user_context(info)
    force = get_boolean(info, "force-create") if contains(info, "force-create") else False
    lease = Lease6(
        address, kind, prefix_len, duid, iaid, subnet.id, valid, preferred, cltt,
        fwd, rev, hostname, hwaddr, 1, 0, state, context,
    )  # fmt: skip
    return lease, force


# ---------------------------------------------------------------- Lease6::toElement


def lease6_element(lease: Lease6) -> dict[str, Any]:
    """A lease as Kea's ``Lease6::toElement`` shows it."""
    out: dict[str, Any] = {}
    if lease.user_context:
        # an unreadable stored context is left out rather than failing the command
        with contextlib.suppress(ValueError):
            out["user-context"] = json.loads(lease.user_context)
    out["ip-address"] = ipv6_int_text(int(lease.address))  # inet_ntop, as Kea's toText
    out["type"] = TYPE_TEXT.get(lease.lease_type, f"unknown ({int(lease.lease_type)})")
    if lease.lease_type == LeaseType.PD:
        out["prefix-len"] = lease.prefix_len
    out["iaid"] = lease.iaid
    out["duid"] = lease.duid.hex(":")
    out["subnet-id"] = lease.subnet_id
    out["cltt"] = lease.cltt
    out["preferred-lft"] = lease.preferred_lifetime
    out["valid-lft"] = lease.valid_lifetime
    out["fqdn-fwd"] = lease.fqdn_fwd
    out["fqdn-rev"] = lease.fqdn_rev
    out["hostname"] = lease.hostname
    if lease.hwaddr:
        out["hw-address"] = lease.hwaddr.hex(":")
    out["state"] = int(lease.state)
    return out


def failed_lease(
    lease_type: LeaseType, address: IPv6Address, duid: bytes, result: int, text: str
) -> dict[str, Any]:
    """``createFailedLeaseMap``: one entry of a bulk apply's failed lists."""
    out: dict[str, Any] = {"type": TYPE_TEXT.get(lease_type, f"unknown ({int(lease_type)})")}
    if int(address):
        out["ip-address"] = address.compressed
    elif duid:
        out["duid"] = duid.hex(":")
    out["result"] = result
    out["error-message"] = text
    return out
