"""DNS domain names as Kea 2.2's ``isc::dns::Name`` reads and prints them (RFC 1035 §3.1).

A name is a tuple of labels (``bytes``, without the root label). Kea's names are always
absolute; whether a Client FQDN carries a *partial* name is a separate flag (RFC 4704 §4.1).

* wire form (:func:`read_wire_name`): the one wire reader of :mod:`pukeko.wire.dnsname`
  (Kea's ``Name(InputBuffer&)``), lowercased as the Client FQDN option reads it; a compression
  pointer is never valid there (Kea refuses every pointer not before the name's first byte);
* text form (:func:`parse_text_name`): the one text parser of :mod:`pukeko.wire.dnsname`
  (Kea's ``stringParse``), its errors raised as :class:`InvalidName`;
* printing (:func:`name_text`, :func:`raw_text`): re-exported from :mod:`pukeko.wire.dnsname`.

Text is a ``str`` of UTF-8 text with undecodable bytes as lone surrogates (``surrogateescape``):
configuration text, lease-file text and :func:`raw_text` all follow that rule.
"""

from __future__ import annotations

from pukeko.wire.buffer import Reader
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
from pukeko.wire.dnsname import read_wire_name as _read_wire

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


def read_wire_name(data: bytes, downcase: bool = True) -> Labels:
    """The labels of the wire-format name at the start of ``data`` (Kea ``Name(buffer, true)``).

    Kea's Client FQDN option reads its name from a buffer of its own, so a compression pointer
    is always out of range; bytes after the root label are ignored. Raises :class:`FormError`
    with Kea's text (:func:`pukeko.wire.dnsname.read_wire_name`).
    """
    return _read_wire(Reader(data), downcase=downcase)


def parse_text_name(text: str, downcase: bool = False) -> Labels:
    """The labels of a name in text form (Kea's ``Name(text, downcase)``); :class:`InvalidName`."""
    return parse_name(text, downcase)


def canonical_text(text: str) -> str:
    """``text`` parsed and printed again, with its final dot (Kea ``Name(text).toText()``)."""
    return name_text(parse_name(text))
