"""DNS domain names as Kea 2.2's ``isc::dns::Name`` reads and prints them (RFC 1035 §3.1).

A name is a tuple of labels (``bytes``, without the root label). Kea's names are always
absolute; whether a Client FQDN carries a *partial* name is a separate flag (RFC 4704 §4.1).

* wire form (:func:`read_wire_name`): length-prefixed labels up to a zero length; labels of
  64..191 bytes are unknown label types, and a compression pointer is never valid inside an
  option (Kea refuses every pointer that does not point before the name's first byte);
* text form (:func:`parse_text_name`, Kea's ``stringParse``): ``.``-separated labels with
  ``\\c`` and ``\\DDD`` escapes, ``.`` or ``@`` alone for the root; no empty label, labels of at
  most 63 bytes, at most 255 bytes on the wire;
* printing (:func:`name_text`, Kea's ``LabelSequence::toText``): ``"().;\\@$`` escaped with a
  backslash, bytes outside ``!``..``~`` as ``\\DDD``; :func:`raw_text` prints labels unescaped.

Text here is a ``str`` whose characters are bytes (latin-1), so names never fail to decode.
"""

from __future__ import annotations

from pukeko.wire.buffer import FormError

MAX_WIRE = 255  # RFC 1035 §2.3.4: a name takes at most 255 bytes on the wire
MAX_LABEL = 63  # RFC 1035 §2.3.4: a label is at most 63 bytes

Labels = tuple[bytes, ...]

_SPECIAL = frozenset(b'"().;\\@$')  # printed with a backslash (zone file specials)
_LOWER = bytes.maketrans(b"ABCDEFGHIJKLMNOPQRSTUVWXYZ", b"abcdefghijklmnopqrstuvwxyz")


class InvalidName(ValueError):
    """A domain name in text form that Kea's name parser refuses."""


def wire_length(labels: Labels) -> int:
    """Bytes the name takes on the wire with its root label."""
    return sum(len(label) + 1 for label in labels) + 1


def read_wire_name(data: bytes, downcase: bool = True) -> Labels:
    """The labels of a wire-format name that ends with a zero-length (root) label.

    Bytes after the root label are ignored, as Kea does. Raises :class:`FormError` for an
    unknown label type, a compression pointer, a name over 255 bytes or a missing root label.
    """
    labels: list[bytes] = []
    pos = 0
    used = 0
    end = len(data)
    while pos < end:
        length = data[pos]
        if length > MAX_LABEL:
            if length & 0xC0 == 0xC0:
                raise FormError("compression pointer in a domain name", pos)
            raise FormError(f"unknown label type {length:#x} in a domain name", pos)
        used += length + 1
        if used > MAX_WIRE:
            raise FormError(f"domain name is longer than {MAX_WIRE} bytes", pos)
        if length == 0:
            return tuple(labels)
        if pos + 1 + length > end:
            break
        label = data[pos + 1 : pos + 1 + length]
        labels.append(label.translate(_LOWER) if downcase else label)
        pos += 1 + length
    raise FormError("incomplete wire-format domain name", pos)


def wire_name(labels: Labels, absolute: bool = True) -> bytes:
    """The name on the wire; a partial name leaves out the root label (RFC 4704 §4.2)."""
    out = bytearray()
    for label in labels:
        out.append(len(label))
        out += label
    if absolute:
        out.append(0)
    return bytes(out)


def _label_text(label: bytes) -> str:
    parts: list[str] = []
    for c in label:
        if c in _SPECIAL:
            parts.append("\\" + chr(c))
        elif 0x20 < c < 0x7F:
            parts.append(chr(c))
        else:
            parts.append(f"\\{c:03d}")
    return "".join(parts)


def name_text(labels: Labels, omit_final_dot: bool = False) -> str:
    """Kea's ``Name::toText``: escaped labels joined by dots; the root prints as ``.``."""
    if not labels:
        return "."
    text = ".".join(_label_text(label) for label in labels)
    return text if omit_final_dot else text + "."


def raw_text(labels: Labels, omit_final_dot: bool = False) -> str:
    """Kea's ``Name::toRawText``: the labels unescaped (bytes as latin-1 characters)."""
    if not labels:
        return "."
    text = ".".join(label.decode("latin-1") for label in labels)
    return text if omit_final_dot else text + "."


def parse_text_name(text: str, downcase: bool = False) -> Labels:
    """The labels of a name in text form (Kea's ``Name(text, downcase)``); :class:`InvalidName`."""
    data = text_bytes(text)
    if not data:
        raise InvalidName("empty domain name")
    if data in (b".", b"@"):
        return ()
    labels: list[bytes] = []
    label = bytearray()
    pos, end = 0, len(data)
    while pos < end:
        c = data[pos]
        pos += 1
        if c == 0x2E:  # '.'
            if not label:
                raise InvalidName(f"empty label in {text!r}")
            labels.append(bytes(label))
            label = bytearray()
            continue
        if c == 0x5C:  # '\\'
            c, pos = _escape(data, pos, text, at_start=not label)
        if len(label) >= MAX_LABEL:
            raise InvalidName(f"label is too long in {text!r}")
        label.append(c)
    if label:
        labels.append(bytes(label))
    result = tuple(lbl.translate(_LOWER) if downcase else lbl for lbl in labels)
    if wire_length(result) > MAX_WIRE:
        raise InvalidName(f"domain name is too long: {text!r}")
    return result


def text_bytes(text: str) -> bytes:
    """The bytes of a name's text: latin-1 characters as bytes, anything else as UTF-8."""
    try:
        return text.encode("latin-1")
    except UnicodeEncodeError:
        return text.encode("utf-8")


def _escape(data: bytes, pos: int, text: str, at_start: bool) -> tuple[int, int]:
    """The byte a ``\\c`` or ``\\DDD`` escape stands for, and the position after it."""
    if pos >= len(data):
        raise InvalidName(f"incomplete escape in {text!r}")
    c = data[pos]
    if at_start and c == 0x5B:  # '\[' starts a bit-string label (RFC 2673), unsupported
        raise InvalidName(f"invalid label type in {text!r}")
    if not 0x30 <= c <= 0x39:
        return c, pos + 1
    digits = data[pos : pos + 3]
    if len(digits) < 3 or not digits.isdigit():
        raise InvalidName(f"incomplete decimal escape in {text!r}")
    value = int(digits)
    if value > 255:
        raise InvalidName(f"escaped decimal value is too large in {text!r}")
    return value, pos + 3


def canonical_text(text: str) -> str:
    """``text`` parsed and printed again, with its final dot (Kea ``Name(text).toText()``)."""
    return name_text(parse_text_name(text))
