"""Option value codec: Kea ``option-data`` text <-> option payload bytes, driven by OptionDef rows.

Encoding follows Kea 2.2's ``OptionDataParser`` and ``OptionDefinition::optionFactory``:

* ``csv-format: true``: ``data`` is split on commas (``\\,`` keeps a comma, ``\\\\`` a
  backslash; empty tokens vanish), each token is trimmed of blanks and encoded by its field's
  type. A non-array option uses only the first token and a non-array record only as many
  tokens as it has fields; extra tokens are ignored, as Kea does. A record with ``array: true``
  repeats its last field for the extra tokens.
* ``csv-format: false``: ``data`` is hex (:func:`parse_hex_data`) or a single-quoted text.
* Either way the payload is then checked by decoding it against the definition, as Kea builds
  the option object from the bytes; a mismatch raises :class:`OptionValueError`.

Decoding mirrors Kea's option classes: fixed fields first, then, when the definition
encapsulates a space, sub-options of that space until the end. Bytes after the fields of a
non-array option that encapsulates nothing are ignored (Kea's OptionInt/OptionCustom do the
same); a partial array element is an error. The payload never includes the option's own
code/length header.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from pukeko.wire.buffer import FormError, Reader
from pukeko.wire.datatypes import (
    CODECS,
    KEA_BLANKS,
    TAIL_TYPES,
    OptionValueError,
    WireContext,
    codec_for,
)
from pukeko.wire.definitions import (
    DHCP4_SPACE,
    DHCP6_SPACE,
    OPTION_TYPES,
    RECORD_FIELD_TYPES,
    OptionDef,
)
from pukeko.wire.hextext import decode_formatted_hex

if TYPE_CHECKING:
    from pukeko.wire.spaces import OptionSpaces

__all__ = [
    "OptionDataHexError",
    "OptionValueError",
    "SubOption",
    "check_definition",
    "decode_option_value",
    "decode_tlvs",
    "encode_option_data",
    "encode_option_value",
    "encode_tlvs",
    "escape_csv_token",
    "format_option_value",
    "parse_hex_data",
    "split_csv",
    "values_to_text",
]

# Kea's OptionSpace::validateName() and OptionDefinition::validate() name rule.
_NAME = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9_-]*[A-Za-z0-9])?")
# Arrays that may hold no element at all (Kea's address lists, OptionCustom for prefixes and
# names, opaque data tuples); integer, boolean and psid arrays need at least one.
_EMPTY_ARRAY_OK = frozenset({"ipv4-address", "ipv6-address", "ipv6-prefix", "fqdn", "tuple"})
# Bounds the nesting of encapsulated spaces (two spaces may encapsulate each other).
_MAX_DEPTH = 8
# Vendor-specific information options: an enterprise number, then sub-options of space
# "vendor-<number>" (RFC 8415 §21.17; RFC 3925 §4 adds a data-len byte before each chunk).
_VENDOR_OPTIONS: frozenset[tuple[int, str, int]] = frozenset(
    {(6, DHCP6_SPACE, 17), (4, DHCP4_SPACE, 125)}
)


class OptionDataHexError(OptionValueError):
    """``csv-format: false`` data that is neither quoted text nor hex; Kea's message is whole.

    Kea reports it as is, not inside "option data does not match option definition".
    """


@dataclass(frozen=True, slots=True)
class SubOption:
    """One sub-option found in an encapsulating option's payload."""

    code: int
    payload: bytes
    defn: OptionDef | None
    # Decoded fields (as decode_option_value returns them), None without a definition.
    values: tuple[object, ...] | None


# ---------------------------------------------------------------- text helpers


def split_csv(text: str) -> list[str]:
    """Split ``data`` on commas as Kea's ``str::tokens(text, ",", true)`` does."""
    tokens: list[str] = []
    token: list[str] = []
    in_token = escaped = False
    for char in text:
        if char == ",":
            if escaped:
                token.append(char)
                escaped = False
            elif in_token:
                if token:
                    tokens.append("".join(token))
                token, in_token = [], False
            continue
        in_token = True
        if char == "\\":
            if escaped:
                token.append(char)
            escaped = not escaped
            continue
        if escaped:
            token.append("\\")
            escaped = False
        token.append(char)
    if escaped:
        token.append("\\")
    if token:
        tokens.append("".join(token))
    return tokens


def escape_csv_token(text: str) -> str:
    """Escape one value so that :func:`split_csv` gives it back; an empty value becomes a blank."""
    escaped = text.replace("\\", "\\\\").replace(",", "\\,")
    return escaped or " "


def parse_hex_data(text: str) -> bytes:
    """Decode ``csv-format: false`` data like Kea 2.2: ``'quoted text'`` or formatted hex.

    Kea's ``OptionDataParser`` tries ``quotedStringToBinary`` (the trimmed text between single
    quotes; nothing when there are no quotes or nothing between them), then
    ``decodeFormattedHexString`` (:func:`pukeko.wire.hextext.decode_formatted_hex`). An empty
    string is an empty payload. A failure is :class:`OptionDataHexError` with Kea's text.
    """
    quoted = _quoted_text(text)
    if quoted:
        return quoted
    try:
        return decode_formatted_hex(text)
    except ValueError:
        # Kea drops the decoder's reason here.
        raise OptionDataHexError(
            f"option data is not a valid string of hexadecimal digits: {text}"
        ) from None


def _quoted_text(text: str) -> bytes:
    trimmed = text.strip(KEA_BLANKS)
    if len(trimmed) > 1 and trimmed[0] == "'" and trimmed[-1] == "'":
        return trimmed[1:-1].strip(KEA_BLANKS).encode("utf-8", "surrogateescape")
    return b""


# ---------------------------------------------------------------- definition checks


def check_definition(defn: OptionDef, family: int) -> list[str]:
    """Every reason Kea 2.2 would refuse this ``option-def`` (empty list when it is valid)."""
    return [
        *_check_code(defn, family),
        *_check_names(defn),
        *_check_encapsulation(defn),
        *_check_type(defn),
    ]


def _check_code(defn: OptionDef, family: int) -> list[str]:
    highest = 255 if family == 4 else 65535
    if defn.code < 0:
        return ["option code must not be negative"]
    if defn.code > highest:
        return [f"invalid option code '{defn.code}', it must not be greater than '{highest}'"]
    # RFC 2132 §3.1/§3.2: 0 is PAD and 255 is END; RFC 8415 §21.1: code 0 is reserved.
    if family == 4 and defn.space == DHCP4_SPACE and defn.code in (0, 255):
        what = "PAD" if defn.code == 0 else "END"
        return [f"invalid option code '{defn.code}': reserved for {what}"]
    if family == 6 and defn.space == DHCP6_SPACE and defn.code == 0:
        return ["invalid option code '0': reserved value"]
    return []


def _check_names(defn: OptionDef) -> list[str]:
    out = []
    if not _NAME.fullmatch(defn.name):
        out.append(f"invalid option name '{defn.name}'")
    if not _NAME.fullmatch(defn.space):
        out.append(f"invalid option space name '{defn.space}'")
    return out


def _check_encapsulation(defn: OptionDef) -> list[str]:
    if not defn.encapsulate:
        return []
    out = []
    if not _NAME.fullmatch(defn.encapsulate):
        out.append(f"invalid encapsulated option space name: '{defn.encapsulate}'")
    if defn.array:
        out.append(
            f"option '{defn.space}.{defn.name}', comprising an array of data fields may not "
            "encapsulate any option space"
        )
    if defn.encapsulate == defn.space:
        out.append(
            f"option must not encapsulate an option space it belongs to: "
            f"'{defn.space}.{defn.name}' is set to encapsulate '{defn.space}'"
        )
    return out


def _check_type(defn: OptionDef) -> list[str]:
    if defn.type not in OPTION_TYPES:
        return [f"option type '{defn.type}' not supported"]
    if not defn.is_record:
        if defn.record_types:
            return [
                f"'record' option type must be used instead of '{defn.type}' to add data "
                "fields to the record"
            ]
        if defn.array and defn.type in ("string", "binary", "empty"):
            return [f"array of {defn.type} values is not a valid option definition"]
        return []
    return _check_record(defn)


def _check_record(defn: OptionDef) -> list[str]:
    fields = defn.record_types
    out = [
        f"attempted to add invalid data type '{field}' to the record"
        for field in fields
        if field not in RECORD_FIELD_TYPES
    ]
    if len(fields) < 2:
        out.append(
            f"invalid number of data fields: {len(fields)} specified for the option of type "
            "'record'. Expected at least 2 fields."
        )
    for field in fields[:-1]:
        if field in TAIL_TYPES:
            out.append(f"{field} data field can't be laid before data fields of other types")
            break
    if defn.array and fields and fields[-1] in TAIL_TYPES:
        out.append(f"array of {fields[-1]} values is not a valid option definition")
    return out


def _field_types(defn: OptionDef) -> tuple[str, ...]:
    if defn.is_record:
        return defn.record_types
    return () if defn.type == "empty" else (defn.type,)


# ---------------------------------------------------------------- encoding


def encode_option_value(
    defn: OptionDef, text: str, *, csv_format: bool, spaces: OptionSpaces
) -> bytes:
    """The payload for ``option-data`` ``text`` under ``defn``; OptionValueError when refused."""
    # Only the shape matters here: standard rows may break option-def-only rules (Kea's
    # lq-query encapsulates its own space, which an option-def may not).
    problems = _check_type(defn)
    if problems:
        raise OptionValueError(f"invalid definition of '{defn.space}.{defn.name}': {problems[0]}")
    if csv_format:
        payload = _encode_csv(defn, split_csv(text), spaces.family)
    else:
        payload = parse_hex_data(text)
    try:
        _decode_body(defn, Reader(payload), spaces, 0)
    except FormError as exc:
        raise OptionValueError(
            f"option data does not match option definition (space: {defn.space}, code: "
            f"{defn.code}): {exc.reason}"
        ) from None
    return payload


def encode_option_data(
    defn: OptionDef | None,
    text: str,
    *,
    csv_format: bool,
    spaces: OptionSpaces,
    space: str,
    code: int | None = None,
    name: str = "",
) -> bytes:
    """Like :func:`encode_option_value`, but also for an option without a definition.

    Kea 2.2 accepts an undefined option only with ``csv-format: false`` and a ``code``.
    """
    if defn is not None:
        return encode_option_value(defn, text, csv_format=csv_format, spaces=spaces)
    if csv_format:
        raise OptionValueError(
            f"definition for the option '{space}.{name}' having code '{code}' does not exist"
        )
    if code is None:
        raise OptionValueError(f"definition for the option '{space}.{name}' does not exist")
    return parse_hex_data(text)


def _encode_csv(defn: OptionDef, tokens: list[str], family: int) -> bytes:
    values = [token.strip(KEA_BLANKS) for token in tokens]
    fields = _field_types(defn)
    if defn.is_record:
        if len(values) < len(fields):
            raise OptionValueError(
                f"option '{defn.space}.{defn.name}' needs {len(fields)} values (one per "
                f"record field), {len(values)} given"
            )
        extra = len(values) - len(fields) if defn.array else 0
        types = fields + (fields[-1],) * extra
    elif defn.array:
        types = fields * len(values)
    elif not values:
        if defn.type == "empty":
            return b""
        raise OptionValueError(f"option '{defn.space}.{defn.name}': no option value specified")
    else:
        types = (defn.type,)
    return b"".join(
        _encode_field(defn, index, kind, value, family)
        for index, (kind, value) in enumerate(zip(types, values, strict=False))
    )


def _encode_field(defn: OptionDef, index: int, kind: str, value: str, family: int) -> bytes:
    try:
        return codec_for(kind).parse(value, family)
    except OptionValueError as exc:
        raise OptionValueError(
            f"option '{defn.space}.{defn.name}' field {index + 1} ({kind}) value '{value}': {exc}"
        ) from None


# ---------------------------------------------------------------- decoding


def decode_option_value(
    defn: OptionDef, payload: bytes, *, spaces: OptionSpaces
) -> tuple[object, ...]:
    """Typed field values of ``payload`` (arrays as lists); FormError when malformed.

    Scalar options give ``(value,)``, scalar arrays ``([v1, v2, ...],)``, records one item per
    field with an array record's last field as a list. When ``defn`` encapsulates a space, one
    more item follows: the tuple of :class:`SubOption` found after the fields. The vendor
    options (v6 17, v4 125) give ``(enterprise, sub-options of "vendor-<enterprise>")``.
    """
    return _decode_body(defn, Reader(payload), spaces, 0)


def format_option_value(defn: OptionDef, payload: bytes, *, spaces: OptionSpaces) -> str:
    """``payload`` as Kea CSV ``data`` text (sub-options are not part of the text)."""
    values = decode_option_value(defn, payload, spaces=spaces)
    return values_to_text(defn, values)


def values_to_text(defn: OptionDef, values: Sequence[object]) -> str:
    """Render decoded field values as CSV text that :func:`encode_option_value` accepts."""
    fields = _field_types(defn)
    tokens: list[str] = []
    for index, kind in enumerate(fields):
        value = values[index]
        repeated = defn.array and index == len(fields) - 1
        items = value if repeated and isinstance(value, list) else [value]
        to_text = CODECS[kind].to_text
        tokens.extend(escape_csv_token(to_text(item)) for item in items)
    return ", ".join(tokens)


def _decode_body(
    defn: OptionDef, reader: Reader, spaces: OptionSpaces, depth: int
) -> tuple[object, ...]:
    family = spaces.family
    if (family, defn.space, defn.code) in _VENDOR_OPTIONS and defn.type == "uint32":
        return _read_vendor_option(reader, spaces, depth)
    # RFC 3397 §2: DHCPv4 name lists may be compressed, pointers relative to the payload.
    compressed = family == 4 and defn.type == "fqdn" and defn.array
    ctx = WireContext(family, reader.pos if compressed else None)
    values = _read_fields(defn, reader, ctx)
    if defn.encapsulate:
        values.append(_read_suboptions(defn.encapsulate, reader, spaces, depth))
    return tuple(values)


def _read_fields(defn: OptionDef, reader: Reader, ctx: WireContext) -> list[object]:
    fields = _field_types(defn)
    if not fields:
        return []
    if not defn.array:
        values = [_read_one(kind, reader, ctx) for kind in fields]
        if not defn.is_record and defn.type == "string" and not values[0]:
            raise FormError("string option value is empty", reader.pos)
        return values
    if not defn.is_record:
        # Kea's OptionOpaqueDataTuples wants at least 2 bytes in DHCPv4 (none in DHCPv6).
        if defn.type == "tuple" and ctx.family == 4 and reader.remaining() < 2:
            raise FormError("DHCPv4 tuple array shorter than 2 bytes", reader.pos)
        return [_read_array(defn.type, reader, ctx)]
    head = [_read_one(kind, reader, ctx) for kind in fields]
    tail = _read_array(fields[-1], reader, ctx) if reader.remaining() else []
    head[-1] = [head[-1], *tail]
    return head


def _read_one(kind: str, reader: Reader, ctx: WireContext) -> object:
    codec = CODECS.get(kind)
    if codec is None or kind == "empty":
        raise FormError(f"no codec for a field of type '{kind}'", reader.pos)
    return codec.read(reader, ctx)


def _read_array(kind: str, reader: Reader, ctx: WireContext) -> list[object]:
    start = reader.pos
    items = []
    while reader.remaining():
        items.append(_read_one(kind, reader, ctx))
    empty_ok = kind in _EMPTY_ARRAY_OK and not (kind == "fqdn" and ctx.family == 4)
    if not items and not empty_ok:
        raise FormError(f"array of {kind} values is empty", start)
    return items


def _read_vendor_option(reader: Reader, spaces: OptionSpaces, depth: int) -> tuple[object, ...]:
    enterprise = reader.get_u32()
    space = f"vendor-{enterprise}"
    if spaces.family == 6:
        return (enterprise, _read_suboptions(space, reader, spaces, depth))
    found: list[SubOption] = []
    # Kea's unpackVendorOptions4 reads every following chunk under the same enterprise.
    while reader.remaining():
        with reader.restrict_to(reader.get_u8()):
            found.extend(_read_suboptions(space, reader, spaces, depth, pad_end=False))
    return (enterprise, tuple(found))


def _read_suboptions(
    space: str, reader: Reader, spaces: OptionSpaces, depth: int, *, pad_end: bool = True
) -> tuple[SubOption, ...]:
    if depth >= _MAX_DEPTH:
        raise FormError("encapsulated options nested too deeply", reader.pos)
    # Kea unpackOptions4: 0 is PAD and 255 is END in a sub-space unless defined there.
    v4 = spaces.family == 4 and pad_end
    pad = v4 and spaces.by_code(space, 0) is None
    end = v4 and spaces.by_code(space, 255) is None
    out = []
    for code, start, length in _walk_tlvs(reader, spaces.family, pad, end):
        sub_def = spaces.by_code(space, code)
        values = None
        if sub_def is not None:
            values = _decode_body(
                sub_def, Reader(reader.data, start, start + length), spaces, depth + 1
            )
        out.append(SubOption(code, reader.data[start : start + length], sub_def, values))
    return tuple(out)


# ---------------------------------------------------------------- sub-option framing


def _walk_tlvs(reader: Reader, family: int, pad: bool, end: bool) -> Iterator[tuple[int, int, int]]:
    """Yield (code, payload start, payload length) for each TLV up to the reader's limit."""
    while reader.remaining():
        if family == 6:
            code = reader.get_u16()
            length = reader.get_u16()
        else:
            code = reader.get_u8()
            if pad and code == 0:
                continue
            if end and code == 255:
                reader.get_rest()
                return
            length = reader.get_u8()
        start = reader.pos
        reader.get_bytes(length)
        yield code, start, length


def decode_tlvs(
    family: int, data: bytes, *, pad: bool = False, end: bool = False
) -> list[tuple[int, bytes]]:
    """Split sub-options: v6 2-byte code + 2-byte length, v4 1 + 1; FormError if truncated.

    For DHCPv4, ``pad`` skips code 0 bytes and ``end`` stops at code 255 (RFC 2132 §3).
    """
    reader = Reader(data)
    return [
        (code, data[start : start + length])
        for code, start, length in _walk_tlvs(reader, family, pad and family == 4, end)
    ]


def encode_tlvs(family: int, options: Sequence[tuple[int, bytes]]) -> bytes:
    """Frame sub-options for ``family``; OptionValueError when a code or length does not fit."""
    size = 2 if family == 6 else 1
    limit = (1 << (8 * size)) - 1
    out = bytearray()
    for code, payload in options:
        if not 0 <= code <= limit:
            raise OptionValueError(f"option code {code} does not fit DHCPv{family} framing")
        if len(payload) > limit:
            raise OptionValueError(
                f"option {code} payload of {len(payload)} bytes exceeds {limit} bytes"
            )
        out += code.to_bytes(size, "big") + len(payload).to_bytes(size, "big") + payload
    return bytes(out)
