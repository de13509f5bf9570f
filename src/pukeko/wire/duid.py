"""DHCP Unique Identifiers (RFC 8415 §11): typed parsing, building and Kea's text forms.

A DUID is a 2-byte type followed by type-specific data. In messages it stays raw ``bytes``
(Client/Server Identifier payloads); :func:`parse_duid` gives a typed view when the engine or an
operator needs one. Kea prints DUIDs as lowercase colon-separated hex ("00:01:00:01:...").
"""

from __future__ import annotations

import struct
from dataclasses import dataclass

from pukeko.wire.buffer import FormError
from pukeko.wire.hextext import decode_formatted_hex

DUID_LLT = 1  # RFC 8415 §11.2: link-layer address plus time
DUID_EN = 2  # §11.3: enterprise number plus identifier
DUID_LL = 3  # §11.4: link-layer address
DUID_UUID = 4  # §11.5 / RFC 6355: 16-byte UUID

DUID_TYPE_NAMES: dict[int, str] = {
    DUID_LLT: "DUID-LLT",
    DUID_EN: "DUID-EN",
    DUID_LL: "DUID-LL",
    DUID_UUID: "DUID-UUID",
}

# RFC 8415 §11.2: DUID-LLT time counts seconds since midnight (UTC), January 1, 2000, mod 2^32.
DUID_TIME_EPOCH = 946684800  # that instant in Unix seconds
MAX_DUID_LEN = 130  # RFC 8415 §11.1, type code included
KEA_MAX_DUID_LEN = 128  # Kea's DUID::MAX_DUID_LEN (duid.h), also used for text forms

_LLT = struct.Struct("!HHI")
_LL = struct.Struct("!HH")
_EN = struct.Struct("!HI")


@dataclass(frozen=True, slots=True)
class DuidLlt:
    """DUID-LLT: hardware type, time (seconds since 2000-01-01 mod 2^32), link-layer address."""

    hw_type: int
    time: int
    link_layer: bytes

    def encode(self) -> bytes:
        """Wire form."""
        return _LLT.pack(DUID_LLT, self.hw_type, self.time) + self.link_layer


@dataclass(frozen=True, slots=True)
class DuidEn:
    """DUID-EN: IANA enterprise number and a vendor-assigned identifier."""

    enterprise: int
    identifier: bytes

    def encode(self) -> bytes:
        """Wire form."""
        return _EN.pack(DUID_EN, self.enterprise) + self.identifier


@dataclass(frozen=True, slots=True)
class DuidLl:
    """DUID-LL: hardware type and link-layer address."""

    hw_type: int
    link_layer: bytes

    def encode(self) -> bytes:
        """Wire form."""
        return _LL.pack(DUID_LL, self.hw_type) + self.link_layer


@dataclass(frozen=True, slots=True)
class DuidUuid:
    """DUID-UUID: a 16-byte UUID (RFC 6355)."""

    uuid: bytes

    def encode(self) -> bytes:
        """Wire form."""
        return b"\x00\x04" + self.uuid


@dataclass(frozen=True, slots=True)
class DuidUnknown:
    """A DUID of an unassigned type, kept raw (type code included)."""

    raw: bytes

    @property
    def duid_type(self) -> int:
        """The type code."""
        return int.from_bytes(self.raw[:2], "big")

    def encode(self) -> bytes:
        """Wire form."""
        return self.raw


Duid = DuidLlt | DuidEn | DuidLl | DuidUuid | DuidUnknown


def parse_duid(data: bytes, base: int = 0) -> Duid:
    """Typed view of a DUID; FormError if it is empty, too long or too short for its type."""
    size = len(data)
    if size < 2:
        raise FormError(f"DUID of {size} bytes is shorter than its type code", base)
    if size > MAX_DUID_LEN:
        raise FormError(f"DUID of {size} bytes exceeds {MAX_DUID_LEN}", base)
    duid_type = (data[0] << 8) | data[1]
    if duid_type == DUID_LLT:
        _need(data, 8, "DUID-LLT", base)
        _, hw_type, time = _LLT.unpack_from(data)
        return DuidLlt(hw_type, time, bytes(data[8:]))
    if duid_type == DUID_EN:
        _need(data, 6, "DUID-EN", base)
        return DuidEn(_EN.unpack_from(data)[1], bytes(data[6:]))
    if duid_type == DUID_LL:
        _need(data, 4, "DUID-LL", base)
        return DuidLl(_LL.unpack_from(data)[1], bytes(data[4:]))
    if duid_type == DUID_UUID:
        if size != 18:
            raise FormError(f"DUID-UUID of {size} bytes (must be 18)", base)
        return DuidUuid(bytes(data[2:]))
    return DuidUnknown(bytes(data))


def _need(data: bytes, minimum: int, what: str, base: int) -> None:
    if len(data) < minimum:
        raise FormError(f"{what} of {len(data)} bytes (minimum {minimum})", base)


def duid_time(unix_seconds: float) -> int:
    """DUID-LLT time for a Unix timestamp: seconds since 2000-01-01 UTC, mod 2^32 (§11.2)."""
    return (int(unix_seconds) - DUID_TIME_EPOCH) % (1 << 32)


def make_duid_llt(hw_type: int, time: int, link_layer: bytes) -> bytes:
    """Build a DUID-LLT; ``time`` is already in DUID seconds (see :func:`duid_time`)."""
    return _LLT.pack(DUID_LLT, hw_type, time % (1 << 32)) + bytes(link_layer)


def make_duid_ll(hw_type: int, link_layer: bytes) -> bytes:
    """Build a DUID-LL."""
    return _LL.pack(DUID_LL, hw_type) + bytes(link_layer)


def make_duid_en(enterprise: int, identifier: bytes) -> bytes:
    """Build a DUID-EN."""
    return _EN.pack(DUID_EN, enterprise) + bytes(identifier)


def duid_hwaddr(data: bytes) -> tuple[int, bytes] | None:
    """(hardware type, link-layer address) carried in a DUID-LLT or DUID-LL, else None."""
    if len(data) >= 8 and data[:2] == b"\x00\x01":
        return (data[2] << 8) | data[3], bytes(data[8:])
    if len(data) >= 4 and data[:2] == b"\x00\x03":
        return (data[2] << 8) | data[3], bytes(data[4:])
    return None


def duid_to_text(data: bytes) -> str:
    """Kea's text form: lowercase two-digit hex octets joined by colons (DUID::toText)."""
    return data.hex(":")


def duid_from_text(text: str, max_len: int = KEA_MAX_DUID_LEN) -> bytes:
    """Parse a DUID the way Kea's DUID::fromText does; ValueError when Kea would refuse it.

    The text is Kea's formatted hex (:func:`pukeko.wire.hextext.decode_formatted_hex`).
    """
    data = decode_formatted_hex(text)
    # dhcp/duid.cc DUID::DUID: the size is checked before emptiness; the texts are Kea's.
    if len(data) > max_len:
        raise ValueError(f"DUID size is {len(data)} bytes, exceeds maximum of {max_len}")
    if not data:
        raise ValueError("Empty DUIDs are not allowed")
    return data
