"""Typed helpers for the options the DHCPv6 server engine reads and writes on every message.

IA_NA / IA_TA / IA_PD (RFC 8415 §21.4, §21.5, §21.21), IAADDR (§21.6), IAPREFIX (§21.22),
Status Code (§21.13), ORO (§21.7), Preference (§21.8), Elapsed Time (§21.9), Server Unicast
(§21.12). Addresses and prefixes are 16-byte ``bytes`` (cheapest to compare, hash and pack;
convert with :func:`pukeko.wire.pkt6.addr6_text`). Sub-options are raw ``(code, payload)`` lists,
like a message's options.

Every ``decode_*`` takes an option *payload* and an optional ``base`` (the payload's offset in the
packet, so FormError offsets are absolute) and raises only FormError. Every ``encode``/``encode_*``
returns a payload; frame it with :func:`pukeko.wire.pkt6.tlv` to nest it in another option.
Encoders raise ValueError on out-of-range fields. The ``*_tlv`` functions are fused fast paths
that return a whole framed option from one ``struct.pack``.

``decode_ia`` also validates the IAADDR / IAPREFIX / Status Code sub-options it carries, so a
malformed lease inside an IA is a FormError at its absolute offset; the typed accessors
(``Ia6.addresses()``, ``prefixes()``, ``status()``) decode again on demand.
"""

from __future__ import annotations

import struct
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import IntEnum

from pukeko.wire.buffer import FormError
from pukeko.wire.pkt6 import (
    OPTION_IA_NA,
    OPTION_IA_PD,
    OPTION_IA_TA,
    OPTION_IAADDR,
    OPTION_IAPREFIX,
    OPTION_STATUS_CODE,
    Options,
    all_options,
    encode_options,
    first_option,
    parse_options,
)

INFINITY = 0xFFFFFFFF  # RFC 8415 §7.7: a lifetime of 0xffffffff means "infinity"

_IA = struct.Struct("!III")  # iaid, T1, T2
_unpack_ia = _IA.unpack
_unpack_ia_from = _IA.unpack_from
_IA_TA = struct.Struct("!I")  # iaid
_IAADDR = struct.Struct("!16sII")  # address, preferred, valid
_IAPREFIX = struct.Struct("!IIB16s")  # preferred, valid, prefix-length, prefix
_U16 = struct.Struct("!H")
_U8 = struct.Struct("!B")
_STATUS_HDR = struct.Struct("!HHH")


class Status6(IntEnum):
    """DHCPv6 status codes (IANA "Status Codes" registry; RFC 8415 §21.13 and later RFCs)."""

    SUCCESS = 0
    UNSPEC_FAIL = 1
    NO_ADDRS_AVAIL = 2
    NO_BINDING = 3
    NOT_ON_LINK = 4
    USE_MULTICAST = 5
    NO_PREFIX_AVAIL = 6
    UNKNOWN_QUERY_TYPE = 7  # RFC 5007
    MALFORMED_QUERY = 8
    NOT_CONFIGURED = 9
    NOT_ALLOWED = 10
    QUERY_TERMINATED = 11  # RFC 5460
    DATA_MISSING = 12  # RFC 7653
    CATCH_UP_COMPLETE = 13
    NOT_SUPPORTED = 14
    TLS_CONNECTION_REFUSED = 15
    ADDRESS_IN_USE = 16  # RFC 8156
    CONFIGURATION_CONFLICT = 17
    MISSING_BINDING_INFORMATION = 18
    OUTDATED_BINDING_INFORMATION = 19
    SERVER_SHUTTING_DOWN = 20
    DNS_UPDATE_NOT_SUPPORTED = 21
    EXCESSIVE_TIME_SKEW = 22


# The registry's own spelling, as used in RFC text and in Kea's messages.
STATUS_NAMES: dict[int, str] = {
    0: "Success",
    1: "UnspecFail",
    2: "NoAddrsAvail",
    3: "NoBinding",
    4: "NotOnLink",
    5: "UseMulticast",
    6: "NoPrefixAvail",
    7: "UnknownQueryType",
    8: "MalformedQuery",
    9: "NotConfigured",
    10: "NotAllowed",
    11: "QueryTerminated",
    12: "DataMissing",
    13: "CatchUpComplete",
    14: "NotSupported",
    15: "TLSConnectionRefused",
    16: "AddressInUse",
    17: "ConfigurationConflict",
    18: "MissingBindingInformation",
    19: "OutdatedBindingInformation",
    20: "ServerShuttingDown",
    21: "DNSUpdateNotSupported",
    22: "ExcessiveTimeSkew",
}


def status_name(code: int) -> str:
    """Registry name of a status code ("NoAddrsAvail"), or "Unknown(n)"."""
    return STATUS_NAMES.get(code, f"Unknown({code})")


# --- Status Code ---------------------------------------------------------------------------------


@dataclass(slots=True)
class StatusCode:
    """Status Code option (13): a status number and a UTF-8 message for humans."""

    code: int
    message: str = ""

    @property
    def name(self) -> str:
        """Registry name of the status."""
        return status_name(self.code)

    def encode(self) -> bytes:
        """Option payload."""
        return encode_status(self.code, self.message)


def decode_status(payload: bytes, base: int = 0) -> StatusCode:
    """Decode a Status Code payload (RFC 8415 §21.13)."""
    if len(payload) < 2:
        raise FormError(f"status code option of {len(payload)} bytes (minimum 2)", base)
    try:
        message = payload[2:].decode()
    except UnicodeDecodeError as exc:
        raise FormError("status message is not UTF-8", base + 2 + exc.start) from None
    return StatusCode(_U16.unpack_from(payload)[0], message)


def encode_status(code: int, message: str = "") -> bytes:
    """Status Code payload from its fields."""
    try:
        return _U16.pack(code) + message.encode()
    except struct.error as exc:
        raise ValueError(f"status code {code} does not fit 16 bits") from exc


# --- IAADDR / IAPREFIX ---------------------------------------------------------------------------


@dataclass(slots=True)
class IaAddr:
    """IA Address option (5): a 16-byte address, lifetimes and sub-options."""

    address: bytes
    preferred: int
    valid: int
    options: Options = field(default_factory=list)

    def status(self) -> StatusCode | None:
        """The Status Code sub-option, if any (first one wins)."""
        return _status_of(self.options)

    def encode(self) -> bytes:
        """Option payload."""
        return encode_iaaddr(self.address, self.preferred, self.valid, self.options)


def decode_iaaddr(payload: bytes, base: int = 0) -> IaAddr:
    """Decode an IA Address payload (RFC 8415 §21.6)."""
    if len(payload) < 24:
        raise FormError(f"IA address option of {len(payload)} bytes (minimum 24)", base)
    address, preferred, valid = _IAADDR.unpack_from(payload)
    return IaAddr(address, preferred, valid, _sub_options(payload, 24, base))


def encode_iaaddr(
    address: bytes, preferred: int, valid: int, options: Sequence[tuple[int, bytes]] = ()
) -> bytes:
    """IA Address payload from its fields."""
    if len(address) != 16:
        raise ValueError("an IA address must be 16 bytes")
    try:
        head = _IAADDR.pack(address, preferred, valid)
    except struct.error as exc:
        raise ValueError(f"IA address field out of range: {exc}") from None
    return head + encode_options(options) if options else head


@dataclass(slots=True)
class IaPrefix:
    """IA Prefix option (26): lifetimes, a prefix length, a 16-byte prefix and sub-options."""

    preferred: int
    valid: int
    prefix_len: int
    prefix: bytes
    options: Options = field(default_factory=list)

    def status(self) -> StatusCode | None:
        """The Status Code sub-option, if any (first one wins)."""
        return _status_of(self.options)

    def encode(self) -> bytes:
        """Option payload."""
        return encode_iaprefix(
            self.preferred, self.valid, self.prefix_len, self.prefix, self.options
        )


def decode_iaprefix(payload: bytes, base: int = 0) -> IaPrefix:
    """Decode an IA Prefix payload (RFC 8415 §21.22)."""
    if len(payload) < 25:
        raise FormError(f"IA prefix option of {len(payload)} bytes (minimum 25)", base)
    preferred, valid, prefix_len, prefix = _IAPREFIX.unpack_from(payload)
    if prefix_len > 128:
        raise FormError(f"prefix length {prefix_len} exceeds 128", base + 8)
    return IaPrefix(preferred, valid, prefix_len, prefix, _sub_options(payload, 25, base))


def encode_iaprefix(
    preferred: int,
    valid: int,
    prefix_len: int,
    prefix: bytes,
    options: Sequence[tuple[int, bytes]] = (),
) -> bytes:
    """IA Prefix payload from its fields."""
    if len(prefix) != 16 or not 0 <= prefix_len <= 128:
        raise ValueError("an IA prefix needs 16 bytes and a length of 0..128")
    try:
        head = _IAPREFIX.pack(preferred, valid, prefix_len, prefix)
    except struct.error as exc:
        raise ValueError(f"IA prefix field out of range: {exc}") from None
    return head + encode_options(options) if options else head


# --- IA_NA / IA_TA / IA_PD -----------------------------------------------------------------------


@dataclass(slots=True)
class Ia6:
    """An identity association: IA_NA (3), IA_TA (4, no T1/T2: kept as 0) or IA_PD (25)."""

    code: int
    iaid: int
    t1: int = 0
    t2: int = 0
    options: Options = field(default_factory=list)

    def addresses(self) -> list[IaAddr]:
        """Decoded IAADDR sub-options (IA_NA, IA_TA)."""
        return [decode_iaaddr(p) for p in all_options(self.options, OPTION_IAADDR)]

    def prefixes(self) -> list[IaPrefix]:
        """Decoded IAPREFIX sub-options (IA_PD)."""
        return [decode_iaprefix(p) for p in all_options(self.options, OPTION_IAPREFIX)]

    def status(self) -> StatusCode | None:
        """The Status Code sub-option, if any (first one wins)."""
        return _status_of(self.options)

    def encode(self) -> bytes:
        """Option payload."""
        return encode_ia(self.code, self.iaid, self.t1, self.t2, self.options)


def decode_ia(code: int, payload: bytes, base: int = 0) -> Ia6:
    """Decode an IA_NA, IA_TA or IA_PD payload (RFC 8415 §21.4, §21.5, §21.21)."""
    if code in (OPTION_IA_NA, OPTION_IA_PD):
        size = len(payload)
        if size == 12:  # the usual Solicit: no address/prefix hints
            iaid, t1, t2 = _unpack_ia(payload)
            return Ia6(code, iaid, t1, t2, [])
        if size < 12:
            raise FormError(f"IA option {code} of {size} bytes (minimum 12)", base)
        iaid, t1, t2 = _unpack_ia_from(payload)
        return Ia6(code, iaid, t1, t2, _checked_sub_options(code, payload, 12, base))
    if code == OPTION_IA_TA:
        if len(payload) < 4:
            raise FormError(f"IA_TA option of {len(payload)} bytes (minimum 4)", base)
        iaid = _IA_TA.unpack_from(payload)[0]
        options = _checked_sub_options(code, payload, 4, base) if len(payload) > 4 else []
        return Ia6(code, iaid, 0, 0, options)
    raise ValueError(f"option {code} is not an IA option")


def _checked_sub_options(code: int, payload: bytes, start: int, base: int) -> Options:
    """Sub-options of an IA, each IAADDR / IAPREFIX / Status Code decoded once to validate it."""
    options = _sub_options(payload, start, base)
    offset = base + start
    for sub_code, sub in options:
        # RFC 8415 §21.4/§21.21: IA_NA/IA_TA carry IAADDRs, IA_PD carries IAPREFIXes.
        if sub_code == OPTION_IAADDR and code != OPTION_IA_PD:
            decode_iaaddr(sub, offset + 4)
        elif sub_code == OPTION_IAPREFIX and code == OPTION_IA_PD:
            decode_iaprefix(sub, offset + 4)
        elif sub_code == OPTION_STATUS_CODE:
            decode_status(sub, offset + 4)
        offset += 4 + len(sub)
    return options


def encode_ia(
    code: int, iaid: int, t1: int = 0, t2: int = 0, options: Sequence[tuple[int, bytes]] = ()
) -> bytes:
    """IA_NA / IA_TA / IA_PD payload from its fields (T1/T2 are omitted for IA_TA)."""
    try:
        head = _IA_TA.pack(iaid) if code == OPTION_IA_TA else _IA.pack(iaid, t1, t2)
    except struct.error as exc:
        raise ValueError(f"IA field out of range: {exc}") from None
    return head + encode_options(options) if options else head


# --- fused fast paths: one struct.pack for the common one-lease IA, returning a framed TLV ------

# IA_NA header (code, len, iaid, T1, T2) + IAADDR (code, len, address, preferred, valid).
_IA_NA_ADDR = struct.Struct("!HHIIIHH16sII")
# IA_PD header + IAPREFIX (code, len, preferred, valid, prefix-length, prefix).
_IA_PD_PREFIX = struct.Struct("!HHIIIHHIIB16s")


def ia_na_tlv(iaid: int, t1: int, t2: int, address: bytes, preferred: int, valid: int) -> bytes:
    """A whole IA_NA option (header included) holding one IAADDR without sub-options."""
    if len(address) != 16:
        raise ValueError("an IA address must be 16 bytes")
    try:
        return _IA_NA_ADDR.pack(
            OPTION_IA_NA, 40, iaid, t1, t2, OPTION_IAADDR, 24, address, preferred, valid
        )
    except struct.error as exc:
        raise ValueError(f"IA_NA field out of range: {exc}") from None


def ia_pd_tlv(
    iaid: int, t1: int, t2: int, prefix_len: int, prefix: bytes, preferred: int, valid: int
) -> bytes:
    """A whole IA_PD option (header included) holding one IAPREFIX without sub-options."""
    if len(prefix) != 16 or not 0 <= prefix_len <= 128:
        raise ValueError("an IA prefix needs 16 bytes and a length of 0..128")
    try:
        return _IA_PD_PREFIX.pack(
            OPTION_IA_PD,
            41,
            iaid,
            t1,
            t2,
            OPTION_IAPREFIX,
            25,
            preferred,
            valid,
            prefix_len,
            prefix,
        )
    except struct.error as exc:
        raise ValueError(f"IA_PD field out of range: {exc}") from None


def status_tlv(code: int, message: str = "") -> bytes:
    """A whole Status Code option (header included)."""
    text = message.encode()
    return _STATUS_HDR.pack(OPTION_STATUS_CODE, len(text) + 2, code) + text


def _sub_options(payload: bytes, start: int, base: int) -> Options:
    """TLVs of ``payload[start:]`` with FormError offsets shifted by ``base``."""
    try:
        return parse_options(payload, start)
    except FormError as exc:
        raise FormError(exc.reason, base + exc.offset) from None


def _status_of(options: Options) -> StatusCode | None:
    payload = first_option(options, OPTION_STATUS_CODE)
    return None if payload is None else decode_status(payload)


# --- small fixed-format options ------------------------------------------------------------------


_ORO_STRUCTS: dict[int, struct.Struct] = {n: struct.Struct(f"!{n}H") for n in range(33)}


def decode_oro(payload: bytes, base: int = 0) -> list[int]:
    """Option Request option (6): a list of 16-bit option codes (RFC 8415 §21.7)."""
    count = len(payload) >> 1
    if len(payload) & 1:
        raise FormError(f"option request of odd length {len(payload)}", base)
    unpacker = _ORO_STRUCTS.get(count) or struct.Struct(f"!{count}H")
    return list(unpacker.unpack(payload))


def encode_oro(codes: list[int] | tuple[int, ...]) -> bytes:
    """Option Request payload."""
    return struct.pack(f"!{len(codes)}H", *codes)


def decode_u16_option(payload: bytes, base: int = 0) -> int:
    """A 2-byte option such as Elapsed Time (8, hundredths of a second, RFC 8415 §21.9)."""
    if len(payload) != 2:
        raise FormError(f"2-byte option has {len(payload)} bytes", base)
    return int(_U16.unpack(payload)[0])


decode_elapsed_time = decode_u16_option


def encode_elapsed_time(hundredths: int) -> bytes:
    """Elapsed Time payload; values above 0xffff are sent as 0xffff (RFC 8415 §21.9)."""
    return _U16.pack(min(hundredths, 0xFFFF))


def decode_preference(payload: bytes, base: int = 0) -> int:
    """Preference option (7): one byte, 0..255 (RFC 8415 §21.8)."""
    if len(payload) != 1:
        raise FormError(f"preference option has {len(payload)} bytes", base)
    return payload[0]


def encode_preference(value: int) -> bytes:
    """Preference payload."""
    return _U8.pack(value)


def decode_unicast(payload: bytes, base: int = 0) -> bytes:
    """Server Unicast option (12): a 16-byte server address (RFC 8415 §21.12)."""
    if len(payload) != 16:
        raise FormError(f"server unicast option has {len(payload)} bytes", base)
    return payload


def decode_empty(payload: bytes, base: int = 0) -> bool:
    """An option with no payload, such as Rapid Commit (14, RFC 8415 §21.14)."""
    if payload:
        raise FormError(f"empty option carries {len(payload)} bytes", base)
    return True
