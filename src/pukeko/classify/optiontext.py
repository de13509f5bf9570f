"""Kea's view of one received option, for classification: ``.text``, sub-options, vendor data.

Kea 2.2 turns every received option into an object of a class chosen by its definition
(``OptionDefinition::optionFactory``), and ``option[..].text`` is that object's ``toString()``:
the plain value for a string option, otherwise the class's ``toText()`` line such as
``type=00007, len=00001: 255 (uint8)``. This module reproduces those texts from the option's
:class:`~pukeko.wire.definitions.OptionDef` (data), plus the object structure the evaluator
needs: which sub-options an option carries, the parts of vendor options, and which options
Kea drops while parsing (a string option holding only NULs).

Classes and their texts (``src/lib/dhcp/option*.cc``), by definition:

=========================  =================================================================
no definition, binary      ``type=NNN, len=NNN: 0a:0b`` (3 digits in DHCPv4, 5 in DHCPv6)
empty                      ``type=NNN, len=NNN: `` (``:`` and fields then sub-options if it
                           encapsulates a space)
string                     the value itself (trailing NULs removed)
int scalar                 ``...: 5 (uint8)`` then sub-options
int array                  ``...: 1(uint8) 2(uint8)`` (int16/int32 arrays print as unsigned)
address array              ``...: 10.0.0.1 10.0.0.2``
tuple array                ``type=N, len=N, data-len0=3, data0='abc'``
anything else              one `` value (type)`` per field: binary in upper-case hex, names and
                           strings in double quotes, ipv6-prefix with no value at all
=========================  =================================================================

Special classes: DHCPv6 IA_NA/IA_PD (3, 25), IAADDR (5), IAPREFIX (26), Status Code (13),
Client FQDN (39), Vendor Class (16), Vendor Options (17), Bootfile Params (60), PD Exclude (67);
DHCPv4 SLP Service Scope (78), Client FQDN (81), V-I Vendor Class (124) and Options (125).
A payload that does not decode by its definition (Kea drops such packets before they are
classified) is rendered as a generic option.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable, Sequence

from pukeko.wire.buffer import FormError, Reader
from pukeko.wire.datatypes import CODECS, Psid, ipv6_text, name_text
from pukeko.wire.definitions import DHCP4_SPACE, DHCP6_SPACE, OptionDef
from pukeko.wire.dnsname import read_wire_name
from pukeko.wire.optcodec import SubOption, decode_option_value, decode_tlvs
from pukeko.wire.pkt6 import parse_options
from pukeko.wire.spaces import OptionSpaces

Tlvs = list[tuple[int, bytes]]
VENDOR_OPTS = {6: 17, 4: 125}  # RFC 8415 §21.17, RFC 3925 §4
VENDOR_CLASS = {6: 16, 4: 124}  # RFC 8415 §21.16, RFC 3925 §3
TOP_SPACE = {6: DHCP6_SPACE, 4: DHCP4_SPACE}

# Option6StatusCode::getStatusCodeName (RFC 8415 §21.13 codes 0..10).
_STATUS_NAMES = (
    "Success",
    "UnspecFail",
    "NoAddrsAvail",
    "NoBinding",
    "NotOnLink",
    "UseMulticast",
    "NoPrefixAvail",
    "UnknownQueryType",
    "MalformedQuery",
    "NotConfigured",
    "NotAllowed",
)
# Kea's IA_NA/IA_PD, IAADDR and IAPREFIX classes always read "dhcp6" sub-options after their
# fixed fields (RFC 8415 §21.4, §21.6, §21.21, §21.22), whatever the definition says.
_IMPLICIT_SUBOPTIONS = {(DHCP6_SPACE, 3): 12, (DHCP6_SPACE, 25): 12, (DHCP6_SPACE, 5): 24}
_IMPLICIT_SUBOPTIONS[(DHCP6_SPACE, 26)] = 25
_INT_TYPES = frozenset({"int8", "int16", "int32", "uint8", "uint16", "uint32"})
# Kea builds int16/int32 arrays with its unsigned array class (OptionDefinition::optionFactory).
_ARRAY_INT_TYPE = {"int16": "uint16", "int32": "uint32"}
_STRING_CODEC = ("utf-8", "surrogateescape")


# ---------------------------------------------------------------- object structure


def kept_payload(defn: OptionDef | None, payload: bytes) -> bytes | None:
    """The payload Kea keeps for an option, or None when Kea's parser skips the option.

    Kea's OptionString drops trailing NULs and skips a string option left empty.
    """
    if defn is not None and defn.type == "string" and not defn.array:
        trimmed = payload.rstrip(b"\x00")
        return trimmed or None
    return payload


def needs_keeping(defn: OptionDef | None) -> bool:
    """True when :func:`kept_payload` may change a payload of this definition."""
    return defn is not None and defn.type == "string" and not defn.array


def vendor_parts(family: int, payload: bytes) -> tuple[int, Tlvs] | None:
    """Enterprise-id and sub-options of a vendor option (v6 17 / v4 125); None if malformed.

    DHCPv4 sub-options come in data-len chunks (RFC 3925 §4); like Kea's
    ``unpackVendorOptions4`` every chunk is read under the first enterprise-id.
    """
    if len(payload) < 4:
        return None
    enterprise = int.from_bytes(payload[:4], "big")
    try:
        if family == 6:
            return enterprise, parse_options(payload, 4)
        subs: Tlvs = []
        pos = 4
        while pos < len(payload):
            end = pos + 1 + payload[pos]
            if end > len(payload):
                return None
            subs.extend(_tlvs4(payload, pos + 1, end))
            pos = end
        return enterprise, subs
    except FormError:
        return None


def _tlvs4(data: bytes, pos: int, end: int) -> Tlvs:
    """One-byte code and length TLVs of ``data[pos:end]`` (no PAD/END); FormError if cut."""
    out: Tlvs = []
    while pos < end:
        after = pos + 2 + data[pos + 1] if pos + 1 < end else end + 1
        if after > end:
            raise FormError("truncated vendor sub-option", pos)
        out.append((data[pos], data[pos + 2 : after]))
        pos = after
    return out


def vendor_class_parts(family: int, payload: bytes) -> tuple[int, list[bytes]] | None:
    """Enterprise-id and opaque data items of a vendor-class option; None if malformed.

    DHCPv6 (RFC 8415 §21.16): 2-byte lengths. DHCPv4 (RFC 3925 §3): each item is preceded by
    an enterprise-id, and Kea keeps only the first one.
    """
    if len(payload) < 4:
        return None
    enterprise = int.from_bytes(payload[:4], "big")
    size = 2 if family == 6 else 1
    items: list[bytes] = []
    pos = 4
    while pos < len(payload):
        end = pos + size + int.from_bytes(payload[pos : pos + size], "big")
        if pos + size > len(payload) or end > len(payload):
            return None
        items.append(payload[pos + size : end])
        pos = end
        if family == 4 and pos != len(payload):
            pos += 4
            if pos + 1 >= len(payload):
                return None
    return enterprise, items


def sub_options(
    defn: OptionDef | None, family: int, payload: bytes, spaces: OptionSpaces
) -> tuple[str, Tlvs]:
    """The space and the sub-options Kea parses inside an option (none without encapsulation)."""
    if defn is None:
        return "", []
    if defn.space == TOP_SPACE[family] and defn.code == VENDOR_OPTS[family]:
        parts = vendor_parts(family, payload)
        if parts is None:
            return "", []
        return OptionSpaces.vendor_space(parts[0]), parts[1]
    fixed = _IMPLICIT_SUBOPTIONS.get((defn.space, defn.code))
    if fixed is not None:
        try:
            return DHCP6_SPACE, decode_tlvs(6, payload[fixed:]) if len(payload) >= fixed else []
        except FormError:
            return DHCP6_SPACE, []
    if not defn.encapsulate:
        return "", []
    try:
        values = decode_option_value(defn, payload, spaces=spaces)
    except FormError:
        return defn.encapsulate, []
    found = values[-1] if values else ()
    if not isinstance(found, tuple):
        return defn.encapsulate, []
    subs = [(item.code, item.payload) for item in found if isinstance(item, SubOption)]
    return defn.encapsulate, subs


# ---------------------------------------------------------------- text


def option_to_string(
    defn: OptionDef | None, code: int, payload: bytes, spaces: OptionSpaces
) -> bytes:
    """What Kea's ``Option::toString()`` returns for this received option (``.text``)."""
    if defn is not None and defn.type == "string" and not defn.array and not _special(defn):
        return payload.rstrip(b"\x00")
    return _Renderer(spaces).text(defn, code, payload, 0).encode(*_STRING_CODEC)


def _special(defn: OptionDef) -> bool:
    key = (defn.space, defn.code)
    return key in _SPECIAL


class _Renderer:
    """Builds Kea's ``toText(indent)`` lines for one family."""

    def __init__(self, spaces: OptionSpaces) -> None:
        self.spaces = spaces
        self.family = spaces.family
        self.width = 3 if self.family == 4 else 5

    def header(self, code: int, length: int, indent: int, name: str = "") -> str:
        label = f"({name})" if name else ""
        pad = self.width
        return f"{' ' * indent}type={code:0{pad}d}{label}, len={length:0{pad}d}"

    def text(self, defn: OptionDef | None, code: int, payload: bytes, indent: int) -> str:
        """``toText(indent)`` of the object Kea builds for this option."""
        if defn is None or defn.type == "binary":
            return self.generic(code, payload, indent)
        special = _SPECIAL.get((defn.space, defn.code))
        try:
            if special is not None:
                return special(self, defn, payload, indent)
            return self.by_type(defn, payload, indent)
        except (FormError, ValueError, IndexError):
            return self.generic(code, payload, indent)

    def generic(self, code: int, payload: bytes, indent: int) -> str:
        body = ":".join(f"{b:02x}" for b in payload)
        return f"{self.header(code, len(payload), indent)}: {body}"

    def subs_text(self, defn: OptionDef, payload: bytes, indent: int) -> str:
        """Kea's ``suboptionsToText``: one line per sub-option, ordered by code."""
        space, subs = sub_options(defn, self.family, payload, self.spaces)
        if not subs:
            return ""
        lines = [",\noptions:"]
        for code, data in sorted(subs, key=lambda item: item[0]):
            sub_def = self.spaces.by_code(space, code)
            lines.append("\n" + self.sub_text(sub_def, code, data, indent))
        return "".join(lines)

    def sub_text(self, defn: OptionDef | None, code: int, payload: bytes, indent: int) -> str:
        if defn is not None and defn.type == "string" and not defn.array:
            value = payload.rstrip(b"\x00").decode(*_STRING_CODEC)
            return f'{self.header(code, len(payload), indent)}: "{value}" (string)'
        return self.text(defn, code, payload, indent)

    def by_type(self, defn: OptionDef, payload: bytes, indent: int) -> str:
        head = self.header(defn.code, len(payload), indent)
        kind = defn.type
        if kind == "empty" and not defn.encapsulate:
            return head + ": "
        if kind in _INT_TYPES and not defn.array:
            value = _int_at(kind, payload)
            return f"{head}: {value} ({kind})" + self.int_subs(defn, kind, payload, indent)
        if kind in _INT_TYPES:
            shown = _ARRAY_INT_TYPE.get(kind, kind)
            values = _int_array(shown, payload)
            return head + ":" + "".join(f" {v}({shown})" for v in values)
        if kind in ("ipv4-address", "ipv6-address") and defn.array:
            return head + ":" + "".join(f" {a}" for a in _addresses(kind, payload))
        if kind == "tuple" and defn.array:
            return self.tuples(defn.code, payload, indent, "data")
        return self.custom(defn, payload, indent)

    def int_subs(self, defn: OptionDef, kind: str, payload: bytes, indent: int) -> str:
        if defn.encapsulate:
            return self.subs_text(defn, payload, indent + 2)
        rest = payload[CODECS[kind].fixed_size :]
        if not rest:
            return ""
        # Kea's OptionInt parses trailing bytes as sub-options with no definitions.
        try:
            subs = decode_tlvs(self.family, rest)
        except FormError:
            return ""
        lines = [",\noptions:"]
        for code, data in sorted(subs, key=lambda item: item[0]):
            lines.append("\n" + self.generic(code, data, indent + 2))
        return "".join(lines)

    def custom(self, defn: OptionDef, payload: bytes, indent: int) -> str:
        """Kea's OptionCustom: `` value (type)`` per data field, then sub-options."""
        values = decode_option_value(defn, payload, spaces=self.spaces)
        fields = list(defn.record_types) if defn.is_record else [defn.type]
        if defn.type == "empty":
            fields = []
        items: list[tuple[str, object]] = []
        for index, kind in enumerate(fields):
            value = values[index]
            last = index == len(fields) - 1
            if defn.array and last and isinstance(value, list):
                items.extend((kind, item) for item in value)
            else:
                items.append((kind, value))
        head = self.header(defn.code, len(payload), indent) + ":"
        body = "".join(" " + _field_text(kind, value) for kind, value in items)
        return head + body + self.subs_text(defn, payload, indent + 2)

    def tuples(self, code: int, payload: bytes, indent: int, label: str) -> str:
        size = 1 if self.family == 4 else 2
        reader = Reader(payload)
        parts = [f"{' ' * indent}type={code}, len={len(payload)}"]
        index = 0
        while reader.remaining():
            length = reader.get_u8() if size == 1 else reader.get_u16()
            data = reader.get_bytes(length).decode(*_STRING_CODEC)
            parts.append(f", data-len{index}={length}, {label}{index}='{data}'")
            index += 1
        return "".join(parts)


def _int_at(kind: str, data: bytes) -> int:
    size = CODECS[kind].fixed_size
    if len(data) < size:
        raise FormError(f"{kind} value truncated", 0)
    return int.from_bytes(data[:size], "big", signed=not kind.startswith("u"))


def _int_array(kind: str, data: bytes) -> list[int]:
    size = CODECS[kind].fixed_size
    if len(data) % size:
        raise FormError(f"{kind} array has a partial element", 0)
    return [_int_at(kind, data[at : at + size]) for at in range(0, len(data), size)]


def _addresses(kind: str, data: bytes) -> list[str]:
    size = 4 if kind == "ipv4-address" else 16
    if len(data) % size:
        raise FormError("address list has a partial address", 0)
    chunks = [data[at : at + size] for at in range(0, len(data), size)]
    if size == 4:
        return [str(ipaddress.IPv4Address(chunk)) for chunk in chunks]
    return [ipv6_text(ipaddress.IPv6Address(chunk)) for chunk in chunks]


def _field_text(kind: str, value: object) -> str:
    """Kea's ``OptionCustom::dataFieldToText``: the value (if Kea prints one) and its type."""
    shown = ""
    if kind == "binary" and isinstance(value, bytes):
        shown = value.hex().upper()
    elif kind == "boolean":
        shown = "true" if value else "false"
    elif kind in _INT_TYPES or kind == "ipv4-address":
        shown = str(value)
    elif kind == "ipv6-address" and isinstance(value, ipaddress.IPv6Address):
        shown = ipv6_text(value)
    elif kind in ("fqdn", "tuple", "string"):
        shown = f'"{value}"'
    elif kind == "psid" and isinstance(value, Psid):
        shown = f"len={value.length},psid={value.psid}"
    # ipv6-prefix: Kea 2.2 prints no value, only the type name.
    return f"{shown} ({kind})"


# ---------------------------------------------------------------- special classes


def _u32(data: bytes, at: int) -> int:
    if len(data) < at + 4:
        raise FormError("truncated field", at)
    return int.from_bytes(data[at : at + 4], "big")


def _ia(r: _Renderer, defn: OptionDef, payload: bytes, indent: int) -> str:
    name = "IA_NA" if defn.code == 3 else "IA_PD"
    head = r.header(defn.code, len(payload), indent, name)
    iaid, t1, t2 = _u32(payload, 0), _u32(payload, 4), _u32(payload, 8)
    return f"{head}: iaid={iaid}, t1={t1}, t2={t2}" + r.subs_text(defn, payload, indent + 2)


def _iaaddr(r: _Renderer, defn: OptionDef, payload: bytes, indent: int) -> str:
    head = r.header(defn.code, len(payload), indent, "IAADDR")
    if len(payload) < 24:
        raise FormError("IAADDR truncated", 0)
    address = ipv6_text(ipaddress.IPv6Address(payload[:16]))
    preferred, valid = _u32(payload, 16), _u32(payload, 20)
    body = f": address={address}, preferred-lft={preferred}, valid-lft={valid}"
    return head + body + r.subs_text(defn, payload, indent + 2)


def _iaprefix(r: _Renderer, defn: OptionDef, payload: bytes, indent: int) -> str:
    head = r.header(defn.code, len(payload), indent, "IAPREFIX")
    if len(payload) < 25:
        raise FormError("IAPREFIX truncated", 0)
    preferred, valid = _u32(payload, 0), _u32(payload, 4)
    prefix = ipv6_text(ipaddress.IPv6Address(payload[9:25]))
    body = f": prefix={prefix}/{payload[8]}, preferred-lft={preferred}, valid-lft={valid}"
    return head + body + r.subs_text(defn, payload, indent + 2)


def _status(r: _Renderer, defn: OptionDef, payload: bytes, indent: int) -> str:
    if len(payload) < 2:
        raise FormError("status code truncated", 0)
    code = int.from_bytes(payload[:2], "big")
    name = _STATUS_NAMES[code] if code < len(_STATUS_NAMES) else "(unknown status code)"
    message = payload[2:].decode(*_STRING_CODEC)
    shown = f'"{message}"' if message else "(no status message)"
    return f"{r.header(defn.code, len(payload), indent)}: {name}({code}) {shown}"


def _fqdn_name(data: bytes, wire: bool) -> tuple[str, str]:
    """Domain name text and "full"/"partial" of a Client FQDN option's name field."""
    if not data:
        return "", "partial"
    if not wire:
        text = data.decode(*_STRING_CODEC)
        return text, "full" if text.endswith(".") else "partial"
    # Kea's Option6ClientFqdn reads the name lowercased (dns::Name(buffer, true)).
    if data[-1] == 0:
        return name_text(read_wire_name(Reader(data), downcase=True)), "full"
    labels = read_wire_name(Reader(data + b"\x00"), downcase=True)
    return name_text(labels)[:-1], "partial"


def _fqdn6(r: _Renderer, defn: OptionDef, payload: bytes, indent: int) -> str:
    if not payload:
        raise FormError("client FQDN truncated", 0)
    flags = payload[0]
    name, kind = _fqdn_name(payload[1:], wire=True)
    bits = f"N={flags >> 2 & 1}, O={flags >> 1 & 1}, S={flags & 1}"
    return f"{' ' * indent}type=39(CLIENT_FQDN), flags: ({bits}), domain-name='{name}' ({kind})"


def _fqdn4(r: _Renderer, defn: OptionDef, payload: bytes, indent: int) -> str:
    if len(payload) < 3:
        raise FormError("client FQDN truncated", 0)
    flags = payload[0]
    name, kind = _fqdn_name(payload[3:], wire=bool(flags & 4))
    bits = f"N={flags >> 3 & 1}, E={flags >> 2 & 1}, O={flags >> 1 & 1}, S={flags & 1}"
    return f"{' ' * indent}type=81 (CLIENT_FQDN), flags: ({bits}), domain-name='{name}' ({kind})"


def _vendor(r: _Renderer, defn: OptionDef, payload: bytes, indent: int) -> str:
    parts = vendor_parts(r.family, payload)
    if parts is None:
        raise FormError("vendor option malformed", 0)
    text = f"{r.header(defn.code, len(payload), indent)}: {parts[0]} (uint32)"
    if r.family == 4:
        data_len = sum(2 + len(data) for _code, data in parts[1])
        text += f" {data_len} (uint8)"
    return text + r.subs_text(defn, payload, indent + 2)


def _vendor_class(r: _Renderer, defn: OptionDef, payload: bytes, indent: int) -> str:
    parts = vendor_class_parts(r.family, payload)
    if parts is None:
        raise FormError("vendor class option malformed", 0)
    enterprise, items = parts
    out = [f"{' ' * indent}type={defn.code}, len={len(payload)},  enterprise id=0x{enterprise:x}"]
    for index, item in enumerate(items):
        if r.family == 4 and index:
            out.append(f", enterprise id=0x{enterprise:x}")
        data = item.decode(*_STRING_CODEC)
        out.append(f", data-len{index}={len(item)}, vendor-class-data{index}='{data}'")
    return "".join(out)


def _bootfile(r: _Renderer, defn: OptionDef, payload: bytes, indent: int) -> str:
    return r.tuples(defn.code, payload, indent, "data")


def _pd_exclude(r: _Renderer, defn: OptionDef, payload: bytes, indent: int) -> str:
    if len(payload) < 2:
        raise FormError("PD exclude truncated", 0)
    head = r.header(defn.code, len(payload), indent)
    return f"{head}: excluded-prefix-len={payload[0]}, subnet-id=0x{payload[1:].hex().upper()}"


def _slp_scope(r: _Renderer, defn: OptionDef, payload: bytes, indent: int) -> str:
    if not payload:
        raise FormError("SLP service scope truncated", 0)
    scopes = payload[1:].decode(*_STRING_CODEC)
    head = r.header(defn.code, len(payload), indent)
    return f'{head}: mandatory:{1 if payload[0] else 0}, scope-list:"{scopes}"'


_Special = Callable[[_Renderer, OptionDef, bytes, int], str]
_SPECIAL: dict[tuple[str, int], _Special] = {
    (DHCP6_SPACE, 3): _ia,
    (DHCP6_SPACE, 25): _ia,
    (DHCP6_SPACE, 5): _iaaddr,
    (DHCP6_SPACE, 26): _iaprefix,
    (DHCP6_SPACE, 13): _status,
    (DHCP6_SPACE, 39): _fqdn6,
    (DHCP6_SPACE, 16): _vendor_class,
    (DHCP6_SPACE, 17): _vendor,
    (DHCP6_SPACE, 60): _bootfile,
    (DHCP6_SPACE, 67): _pd_exclude,
    (DHCP4_SPACE, 78): _slp_scope,
    (DHCP4_SPACE, 81): _fqdn4,
    (DHCP4_SPACE, 124): _vendor_class,
    (DHCP4_SPACE, 125): _vendor,
}


def special_codes(family: int) -> Sequence[int]:
    """Top-level codes Kea parses with a dedicated option class in ``family``."""
    space = TOP_SPACE[family]
    return sorted(code for (name, code) in _SPECIAL if name == space)
