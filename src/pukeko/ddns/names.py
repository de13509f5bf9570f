"""DNS domain names as Kea 2.2's ``isc::dns::Name`` reads and prints them (RFC 1035 §3.1).

A name is a tuple of labels (``bytes``, without the root label). Kea's names are always
absolute; whether a Client FQDN carries a *partial* name is a separate flag (RFC 4704 §4.1).

* wire form (:func:`read_wire_name`): length-prefixed labels up to a zero length; labels of
  64..191 bytes are unknown label types, and a compression pointer is never valid inside an
  option (Kea refuses every pointer that does not point before the name's first byte);
* text form (:func:`parse_text_name`): the one text parser of :mod:`pukeko.wire.dnsname`
  (Kea's ``stringParse``), its errors raised as :class:`InvalidName`;
* printing (:func:`name_text`, :func:`raw_text`): re-exported from :mod:`pukeko.wire.dnsname`.

Text is a ``str`` of UTF-8 text with undecodable bytes as lone surrogates (``surrogateescape``):
configuration text, lease-file text and :func:`raw_text` all follow that rule.
"""

from __future__ import annotations

from pukeko.wire.buffer import FormError
from pukeko.wire.dnsname import (
    MAX_LABEL,
    MAX_WIRE,
    Labels,
    NameTextError,
    name_text,
    parse_name,
    raw_text,
    wire_length,
    wire_name,
)

__all__ = [
    "MAX_LABEL",
    "MAX_WIRE",
    "InvalidName",
    "Labels",
    "canonical_text",
    "name_text",
    "parse_text_name",
    "raw_text",
    "read_wire_name",
    "wire_length",
    "wire_name",
]

# DDNS code raises and catches the text parser's own error: Kea's messages, one error type.
InvalidName = NameTextError

_LOWER = bytes.maketrans(b"ABCDEFGHIJKLMNOPQRSTUVWXYZ", b"abcdefghijklmnopqrstuvwxyz")


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


def parse_text_name(text: str, downcase: bool = False) -> Labels:
    """The labels of a name in text form (Kea's ``Name(text, downcase)``); :class:`InvalidName`."""
    return parse_name(text, downcase)


def canonical_text(text: str) -> str:
    """``text`` parsed and printed again, with its final dot (Kea ``Name(text).toText()``)."""
    return name_text(parse_name(text))
