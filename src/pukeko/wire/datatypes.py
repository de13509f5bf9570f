"""Per-type field codecs for option payloads: one row per Kea option data type.

Each :class:`FieldCodec` knows three things about one type (ARM "Custom DHCPv6 Options", table
"List of standard DHCP option types"):

* ``parse(text, family)``: one CSV token of ``option-data`` -> wire bytes (raises
  :class:`OptionValueError`);
* ``read(reader, ctx)``: wire bytes -> a typed Python value (raises only ``FormError``);
* ``to_text(value)``: a typed value -> the token text that ``parse`` accepts.

Python values: ``binary`` -> bytes, ``boolean`` -> bool, integers -> int, addresses ->
``ipaddress`` objects, ``ipv6-prefix`` -> ``IPv6Network``, ``psid`` -> :class:`Psid`, ``fqdn`` ->
absolute text name (``"example.com."``), ``string``/``tuple`` -> str (UTF-8, undecodable bytes
kept with ``surrogateescape``).

Wire formats (as Kea 2.2 writes them):

* ``ipv6-prefix``: 1 byte prefix length, then only the ``ceil(len/8)`` significant bytes of the
  prefix, bits past the length zeroed (RFC 7598 §4.1 style); text ``addr/len``.
* ``psid``: 1 byte PSID length (0..16), then 16 bits holding the PSID left-aligned (RFC 7597
  §5.1); text ``psid/len`` (PSID first), e.g. ``3/4`` -> ``04 30 00``.
* ``tuple``: a length then the data; the length is 1 byte in DHCPv4, 2 bytes in DHCPv6
  (RFC 8415 §21.16 opaque data tuples).
* ``fqdn``: DNS wire format, uncompressed labels (RFC 1035 §3.1); text names may be absolute or
  relative, both give the same wire form.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import NamedTuple

from pukeko.wire.buffer import FormError, Reader
from pukeko.wire.dnsname import Labels, NameTextError, parse_name, read_wire_name, wire_name
from pukeko.wire.dnsname import name_text as name_text
from pukeko.wire.hextext import decode_hex
from pukeko.wire.ipv6text import ipv6_int_text, parse_ipv6

# Kea's util::str::trim() removes exactly these characters.
KEA_BLANKS = " \t\n"
_DECIMAL = re.compile(r"[+-]?[0-9]+")
_HEXADECIMAL = re.compile(r"[+-]?(?:0[xX])?([0-9a-fA-F]+)")
_INT64_MIN = -(2**63)
_INT64_MAX = 2**63 - 1
_STRING_CODEC = ("utf-8", "surrogateescape")


class OptionValueError(ValueError):
    """An option value (CSV token, hex string or definition) that Kea would refuse."""


class Psid(NamedTuple):
    """A Port Set ID and its length in bits (RFC 7597 §5.1)."""

    psid: int
    length: int


@dataclass(frozen=True, slots=True)
class WireContext:
    """What a reader needs besides the bytes: the family and where name pointers may point."""

    family: int
    # Offset of the payload start when DNS compression pointers are allowed (DHCPv4 fqdn
    # arrays, RFC 3397 §2); None: the buffer begins at each name, so every pointer is refused.
    name_base: int | None = None


@dataclass(frozen=True, slots=True)
class FieldCodec:
    """How one Kea data type is parsed from text, read from the wire and rendered to text."""

    type_name: str
    fixed_size: int  # bytes on the wire, 0 when variable
    parse: Callable[[str, int], bytes]
    read: Callable[[Reader, WireContext], object]
    to_text: Callable[[object], str]


# ---------------------------------------------------------------- integers and booleans


def parse_kea_int(text: str) -> int:
    """Parse an integer as Kea does: decimal first, else hexadecimal with optional ``0x``."""
    if _DECIMAL.fullmatch(text):
        value = int(text, 10)
    else:
        match = _HEXADECIMAL.fullmatch(text)
        if match is None:
            raise OptionValueError(f"unable to convert the value '{text}' to integer data type")
        value = int(match.group(1), 16)
        if text.startswith("-"):
            value = -value
    if not _INT64_MIN <= value <= _INT64_MAX:
        raise OptionValueError(f"unable to convert the value '{text}' to integer data type")
    return value


def _int_codec(type_name: str, size: int, signed: bool) -> FieldCodec:
    low = -(1 << (8 * size - 1)) if signed else 0
    high = (1 << (8 * size - 1)) - 1 if signed else (1 << (8 * size)) - 1

    def parse(text: str, family: int) -> bytes:
        value = parse_kea_int(text)
        if not low <= value <= high:
            raise OptionValueError(
                f"unable to convert '{text}' to numeric type. This value is expected to be "
                f"in the range of {low}..{high}"
            )
        return value.to_bytes(size, "big", signed=signed)

    def read(reader: Reader, ctx: WireContext) -> object:
        return int.from_bytes(reader.get_bytes(size), "big", signed=signed)

    return FieldCodec(type_name, size, parse, read, str)


def _parse_bool(text: str, family: int) -> bytes:
    lowered = text.lower()
    if lowered in ("true", "false"):
        return b"\x01" if lowered == "true" else b"\x00"
    if not _DECIMAL.fullmatch(text):
        raise OptionValueError(f"unable to convert the value '{text}' to boolean data type")
    value = int(text, 10)
    if value not in (0, 1):
        raise OptionValueError(f"unable to convert '{text}' to boolean data type")
    return bytes([value])


def _read_bool(reader: Reader, ctx: WireContext) -> object:
    start = reader.pos
    octet = reader.get_u8()
    if octet > 1:
        raise FormError(f"invalid boolean value {octet}, expected 0 or 1", start)
    return octet == 1


def _bool_text(value: object) -> str:
    return "true" if value else "false"


# ---------------------------------------------------------------- binary, string, tuple


def parse_hex_digits(text: str) -> bytes:
    """A ``binary`` field's hex (Kea ``writeBinary``: ``decodeHex``); OptionValueError."""
    try:
        return decode_hex(text)
    except ValueError as exc:
        raise OptionValueError(f"unable to cast {text} to binary data type: {exc}") from None


def _read_rest(reader: Reader, ctx: WireContext) -> object:
    return reader.get_rest()


def _binary_text(value: object) -> str:
    assert isinstance(value, bytes)
    return value.hex().upper()


def _parse_string(text: str, family: int) -> bytes:
    return text.encode(*_STRING_CODEC)


def _read_string(reader: Reader, ctx: WireContext) -> object:
    # RFC 2132 §2: trailing NULs are not part of the string.
    start = reader.pos
    raw = reader.get_rest()
    trimmed = raw.rstrip(b"\x00")
    if raw and not trimmed:
        raise FormError("string value contains only NUL characters", start)
    return trimmed.decode(*_STRING_CODEC)


def _plain_text(value: object) -> str:
    assert isinstance(value, str)
    return value


def _tuple_len_size(family: int) -> int:
    return 1 if family == 4 else 2


def _parse_tuple(text: str, family: int) -> bytes:
    data = text.encode(*_STRING_CODEC)
    size = _tuple_len_size(family)
    if len(data) >= 1 << (8 * size):
        raise OptionValueError(
            f"invalid tuple value (size {len(data)} larger than {(1 << (8 * size)) - 1})"
        )
    return len(data).to_bytes(size, "big") + data


def _read_tuple(reader: Reader, ctx: WireContext) -> object:
    length = reader.get_u8() if ctx.family == 4 else reader.get_u16()
    return reader.get_bytes(length).decode(*_STRING_CODEC)


# ---------------------------------------------------------------- addresses


def _parse_ipv4(text: str, family: int) -> bytes:
    try:
        return ipaddress.IPv4Address(text).packed
    except ValueError:
        raise _address_error(text, 4) from None


def _parse_ipv6(text: str, family: int) -> bytes:
    try:
        return parse_ipv6(text).packed
    except ValueError:
        raise _address_error(text, 6) from None


def _address_error(text: str, version: int) -> OptionValueError:
    """Kea's IOAddress text for what is no address at all; ours for the other family's."""
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return OptionValueError(f"Failed to convert string to address '{text}': Invalid argument")
    return OptionValueError(f"'{text}' is not a valid IPv{version} address")


def _read_ipv4(reader: Reader, ctx: WireContext) -> object:
    return ipaddress.IPv4Address(reader.get_bytes(4))


def _read_ipv6(reader: Reader, ctx: WireContext) -> object:
    return ipaddress.IPv6Address(reader.get_bytes(16))


def ipv6_text(address: ipaddress.IPv6Address) -> str:
    """Render an IPv6 address as inet_ntop (glibc) does, with dotted IPv4 tails where it does."""
    return ipv6_int_text(int(address))


def _address_text(value: object) -> str:
    if isinstance(value, ipaddress.IPv6Address):
        return ipv6_text(value)
    return str(value)


# ---------------------------------------------------------------- ipv6-prefix and psid


def _split_slash(text: str, what: str) -> tuple[str, str]:
    compact = text.replace(" ", "").replace("\t", "")
    head, slash, tail = compact.partition("/")
    if not slash:
        raise OptionValueError(f"provided {what} '{text}' is not valid, expected '/'")
    return head, tail


def _parse_small_int(text: str, high: int, what: str) -> int:
    try:
        value = parse_kea_int(text)
    except OptionValueError:
        raise OptionValueError(f"provided {what} '{text}' is not valid") from None
    if not 0 <= value <= high:
        raise OptionValueError(f"provided {what} '{text}' is out of range 0..{high}")
    return value


def _prefix_bytes(packed: bytes, length: int) -> bytes:
    """The significant bytes of a prefix with the bits past ``length`` cleared."""
    nbytes = (length + 7) // 8
    if nbytes == 0:
        return b""
    value = int.from_bytes(packed[:nbytes], "big")
    spare = nbytes * 8 - length
    return ((value >> spare) << spare).to_bytes(nbytes, "big")


def _parse_prefix(text: str, family: int) -> bytes:
    address_text, length_text = _split_slash(text, "address/prefix")
    try:
        address = ipaddress.IPv6Address(address_text)
    except ValueError:
        raise OptionValueError(
            f"provided address '{address_text}' is not a valid IPv6 address"
        ) from None
    # Kea 2.2 accepts lengths up to 255 here and then reads past the address; we stop at 128.
    length = _parse_small_int(length_text, 128, "prefix length")
    return bytes([length]) + _prefix_bytes(address.packed, length)


def _read_prefix(reader: Reader, ctx: WireContext) -> object:
    start = reader.pos
    length = reader.get_u8()
    if length > 128:
        raise FormError(f"invalid IPv6 prefix length {length}", start)
    significant = reader.get_bytes((length + 7) // 8)
    packed = _prefix_bytes(significant, length).ljust(16, b"\x00")
    return ipaddress.IPv6Network((ipaddress.IPv6Address(packed), length))


def _prefix_text(value: object) -> str:
    assert isinstance(value, ipaddress.IPv6Network)
    return f"{ipv6_text(value.network_address)}/{value.prefixlen}"


def _parse_psid(text: str, family: int) -> bytes:
    psid_text, length_text = _split_slash(text, "PSID value")
    psid = _parse_small_int(psid_text, 0xFFFF, "PSID")
    length = _parse_small_int(length_text, 0xFF, "PSID length")
    if length > 16:
        raise OptionValueError(f"invalid value {length} of PSID length, expected 0..16")
    if length and psid > 0xFFFF >> (16 - length):
        raise OptionValueError(f"invalid PSID value {psid} for a specified PSID length {length}")
    aligned = (psid << (16 - length)) & 0xFFFF if length else 0
    return bytes([length]) + aligned.to_bytes(2, "big")


def _read_psid(reader: Reader, ctx: WireContext) -> object:
    start = reader.pos
    length = reader.get_u8()
    raw = reader.get_u16()
    if length > 16:
        raise FormError(f"invalid PSID length {length}, expected 0..16", start)
    if length == 0:
        return Psid(0, 0)
    if raw & (0xFFFF >> length):
        raise FormError(f"PSID bits set beyond PSID length {length}", start)
    return Psid(raw >> (16 - length), length)


def _psid_text(value: object) -> str:
    assert isinstance(value, Psid)
    return f"{value.psid}/{value.length}"


# ---------------------------------------------------------------- fqdn (RFC 1035 §3.1)


def fqdn_to_wire(text: str) -> bytes:
    """Encode a text domain name (absolute or relative) into uncompressed DNS wire format.

    The text is parsed by :func:`pukeko.wire.dnsname.parse_name` (Kea ``writeFqdn``: case kept);
    its errors become :class:`OptionValueError` with Kea's message.
    """
    try:
        return wire_name(parse_name(text))
    except NameTextError as exc:
        raise OptionValueError(str(exc)) from None


def _parse_fqdn(text: str, family: int) -> bytes:
    wire = fqdn_to_wire(text)
    if wire == b"\x00":
        # Kea 2.2's OptionCustom sizes an fqdn field as len(toText()) + 1, one byte too many
        # for the root: it refuses a root field ("option buffer truncated") but, as the last
        # item of an array, accepts it and drops it. Pukeko refuses the root everywhere.
        raise OptionValueError("the root name '.' is not a valid fqdn value")
    return wire


def read_name(reader: Reader, ctx: WireContext) -> Labels:
    """One wire-format name (Kea ``readFqdn``: case kept); pointers only where ctx allows."""
    return read_wire_name(reader, pointer_base=ctx.name_base)


def _read_fqdn(reader: Reader, ctx: WireContext) -> object:
    start = reader.pos
    labels = read_name(reader, ctx)
    if not labels:
        raise FormError("the root name is not a valid fqdn value", start)
    return name_text(labels)


# ---------------------------------------------------------------- the table


def _no_value(text: str, family: int) -> bytes:
    raise OptionValueError("a field of type 'empty' takes no value")


def _read_nothing(reader: Reader, ctx: WireContext) -> object:
    return None


def _empty_text(value: object) -> str:
    return ""


_ROWS: tuple[FieldCodec, ...] = (
    FieldCodec("empty", 0, _no_value, _read_nothing, _empty_text),
    FieldCodec("binary", 0, lambda text, family: parse_hex_digits(text), _read_rest, _binary_text),
    FieldCodec("boolean", 1, _parse_bool, _read_bool, _bool_text),
    _int_codec("int8", 1, True),
    _int_codec("int16", 2, True),
    _int_codec("int32", 4, True),
    _int_codec("uint8", 1, False),
    _int_codec("uint16", 2, False),
    _int_codec("uint32", 4, False),
    FieldCodec("ipv4-address", 4, _parse_ipv4, _read_ipv4, _address_text),
    FieldCodec("ipv6-address", 16, _parse_ipv6, _read_ipv6, _address_text),
    FieldCodec("ipv6-prefix", 0, _parse_prefix, _read_prefix, _prefix_text),
    FieldCodec("psid", 3, _parse_psid, _read_psid, _psid_text),
    FieldCodec("string", 0, _parse_string, _read_string, _plain_text),
    FieldCodec("tuple", 0, _parse_tuple, _read_tuple, _plain_text),
    FieldCodec("fqdn", 0, _parse_fqdn, _read_fqdn, _plain_text),
)

CODECS: Mapping[str, FieldCodec] = MappingProxyType({row.type_name: row for row in _ROWS})
# Types that take the rest of the payload, so they may only come last (Kea validate()).
TAIL_TYPES: frozenset[str] = frozenset({"binary", "string"})


def codec_for(type_name: str) -> FieldCodec:
    """The codec of a field type; OptionValueError for an unknown type."""
    try:
        return CODECS[type_name]
    except KeyError:
        raise OptionValueError(f"option type '{type_name}' not supported") from None
