"""DHCPv6 message codec: client/server messages, relay chains and raw option TLVs (RFC 8415 §8-9).

Model (sans-I/O, chosen for speed):

* :func:`decode6` returns a :class:`Pkt6` for a client/server message, or a :class:`Relay6` for a
  Relay-forward / Relay-reply. A ``Relay6`` holds its hop's header fields, its own options and the
  decoded message of its Relay Message option (9) in ``inner`` — which may itself be a ``Relay6``.
* Options are an ordered ``list[tuple[int, bytes]]`` of raw (code, payload) pairs: repeated and
  unknown options survive, and ``encode6(decode6(b)) == b`` for every well-formed packet. There
  is no object per option; typed access is lazy (``get``/``get_all``, helpers in ``ia6``/``duid``).
* Addresses (relay link/peer) are 16-byte ``bytes``; convert with :func:`addr6_text` for display.
* A relay's Relay Message option is not kept in ``options``; ``relay_msg_index`` records where it
  sits among them (-1: after all of them, which is where Kea and most relays put it).
* Hops are listed outermost first (index 0 = relay closest to the server), as Kea's ``relay_info_``.

Decoding raises only :class:`~pukeko.wire.buffer.FormError`, whose ``offset`` is absolute in the
buffer given to :func:`decode6`. Encoding our own objects raises ``ValueError`` on bad fields.
"""

from __future__ import annotations

import ipaddress
import struct
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import IntEnum

from pukeko.wire.buffer import FormError

Options = list[tuple[int, bytes]]


class MsgType6(IntEnum):
    """DHCPv6 message types (IANA "Message Types" registry; RFC 8415 §7.3 and later RFCs)."""

    SOLICIT = 1
    ADVERTISE = 2
    REQUEST = 3
    CONFIRM = 4
    RENEW = 5
    REBIND = 6
    REPLY = 7
    RELEASE = 8
    DECLINE = 9
    RECONFIGURE = 10
    INFORMATION_REQUEST = 11
    RELAY_FORW = 12
    RELAY_REPL = 13
    LEASEQUERY = 14  # RFC 5007
    LEASEQUERY_REPLY = 15
    LEASEQUERY_DONE = 16  # RFC 5460
    LEASEQUERY_DATA = 17
    RECONFIGURE_REQUEST = 18  # RFC 6977
    RECONFIGURE_REPLY = 19
    DHCPV4_QUERY = 20  # RFC 7341
    DHCPV4_RESPONSE = 21
    ACTIVELEASEQUERY = 22  # RFC 7653
    STARTTLS = 23
    BNDUPD = 24  # RFC 8156
    BNDREPLY = 25
    POOLREQ = 26
    POOLRESP = 27
    UPDREQ = 28
    UPDREQALL = 29
    UPDDONE = 30
    CONNECT = 31
    CONNECTREPLY = 32
    DISCONNECT = 33
    STATE = 34
    CONTACT = 35
    ADDR_REG_INFORM = 36  # RFC 9686
    ADDR_REG_REPLY = 37


# The names Kea prints in its log messages (Pkt6::getName); every other type is "UNKNOWN".
KEA_MSG_NAMES: dict[int, str] = {
    1: "SOLICIT",
    2: "ADVERTISE",
    3: "REQUEST",
    4: "CONFIRM",
    5: "RENEW",
    6: "REBIND",
    7: "REPLY",
    8: "RELEASE",
    9: "DECLINE",
    10: "RECONFIGURE",
    11: "INFORMATION_REQUEST",
    12: "RELAY_FORWARD",
    13: "RELAY_REPLY",
    14: "LEASEQUERY",
    15: "LEASEQUERY_REPLY",
    20: "DHCPV4_QUERY",
    21: "DHCPV4_RESPONSE",
}


def msg_type_name(msg_type: int) -> str:
    """The RFC name of a message type ("RELAY-FORW"), or "UNKNOWN(n)"."""
    try:
        return MsgType6(msg_type).name.replace("_", "-")
    except ValueError:
        return f"UNKNOWN({msg_type})"


def kea_msg_name(msg_type: int) -> str:
    """The name Kea uses for a message type in log messages ("RELAY_FORWARD"), or "UNKNOWN"."""
    return KEA_MSG_NAMES.get(msg_type, "UNKNOWN")


# Option codes the codec and its typed helpers use (IANA names, RFC 8415 §21 and others).
OPTION_CLIENTID = 1
OPTION_SERVERID = 2
OPTION_IA_NA = 3
OPTION_IA_TA = 4
OPTION_IAADDR = 5
OPTION_ORO = 6
OPTION_PREFERENCE = 7
OPTION_ELAPSED_TIME = 8
OPTION_RELAY_MSG = 9
OPTION_AUTH = 11
OPTION_UNICAST = 12
OPTION_STATUS_CODE = 13
OPTION_RAPID_COMMIT = 14
OPTION_USER_CLASS = 15
OPTION_VENDOR_CLASS = 16
OPTION_VENDOR_OPTS = 17
OPTION_INTERFACE_ID = 18
OPTION_RECONF_MSG = 19
OPTION_RECONF_ACCEPT = 20
OPTION_DNS_SERVERS = 23
OPTION_DOMAIN_LIST = 24
OPTION_IA_PD = 25
OPTION_IAPREFIX = 26
OPTION_REMOTE_ID = 37  # RFC 4649
OPTION_SUBSCRIBER_ID = 38  # RFC 4580
OPTION_CLIENT_FQDN = 39  # RFC 4704
OPTION_ERO = 43  # RFC 4994
OPTION_CLIENT_LINKLAYER_ADDR = 79  # RFC 6939
OPTION_RELAY_SOURCE_PORT = 135  # RFC 8357

HEADER_LEN = 4  # msg-type + transaction-id (RFC 8415 §8)
RELAY_HEADER_LEN = 34  # msg-type + hop-count + link-address + peer-address (RFC 8415 §9)
HOP_COUNT_LIMIT = 32  # RFC 8415 §7.6
RELAY_TYPES = frozenset({MsgType6.RELAY_FORW, MsgType6.RELAY_REPL})

_OPT_HDR = struct.Struct("!HH")
_unpack_opt_hdr = _OPT_HDR.unpack_from
_pack_opt_hdr = _OPT_HDR.pack
_U32 = struct.Struct("!I")
_unpack_u32 = _U32.unpack_from
_pack_u32 = _U32.pack
_pack_header = struct.Struct("!BHB").pack


# --- option TLV framing (RFC 8415 §21.1) -------------------------------------------------------


def parse_options(
    data: bytes, pos: int = 0, end: int | None = None, strict: bool = True
) -> Options:
    """Split ``data[pos:end]`` into (code, payload) pairs; FormError offsets are absolute.

    With ``strict=False`` a truncated last option (or stray trailing bytes) is dropped instead,
    as Kea's LibDHCP::unpackOptions6 does.
    """
    if end is not None and end != len(data):
        data = data[:end]
    end = len(data)
    options: Options = []
    append = options.append
    unpack = _unpack_opt_hdr
    try:
        # Hot loop: a truncated header makes unpack_from fail, an overlong length leaves pos > end.
        while pos < end:
            code, length = unpack(data, pos)
            pos += 4 + length
            append((code, data[pos - length : pos]))
    except struct.error:
        if strict:
            raise FormError(f"truncated option header ({end - pos} bytes)", pos) from None
        return options
    if pos != end:
        if not strict:
            options.pop()
            return options
        _raise_overrun(data, options, end)
    return options


def _raise_overrun(data: bytes, options: Options, end: int) -> None:
    """Raise FormError for the last option of ``options``, whose length runs past ``end``."""
    code, payload = options.pop()
    start = end - len(payload) - 4
    length = _unpack_opt_hdr(data, start)[1]
    raise FormError(f"option {code} length {length} exceeds the {len(payload)} bytes left", start)


def encode_options(options: Iterable[tuple[int, bytes]]) -> bytes:
    """Frame (code, payload) pairs as consecutive TLVs."""
    parts: list[bytes] = []
    append = parts.append
    pack = _pack_opt_hdr
    try:
        for code, value in options:
            append(pack(code, len(value)) + value)
    except struct.error as exc:
        raise ValueError(f"option does not fit a DHCPv6 TLV: {exc}") from None
    return b"".join(parts)


def tlv(code: int, payload: bytes) -> bytes:
    """One option TLV: code (2) + length (2) + payload."""
    try:
        return _pack_opt_hdr(code, len(payload)) + payload
    except struct.error as exc:
        raise ValueError(f"option {code} does not fit a DHCPv6 TLV: {exc}") from None


def first_option(options: Options, code: int) -> bytes | None:
    """Payload of the first option with ``code``, or None."""
    for c, value in options:
        if c == code:
            return value
    return None


def all_options(options: Options, code: int) -> list[bytes]:
    """Payloads of every option with ``code``, in order."""
    return [value for c, value in options if c == code]


class _OptionAccess:
    """Lazy typed access over an ``options`` list (mixin for Pkt6 and Relay6)."""

    __slots__ = ()
    options: Options

    def get(self, code: int) -> bytes | None:
        """Payload of the first option with ``code``, or None."""
        for c, value in self.options:
            if c == code:
                return value
        return None

    def get_all(self, code: int) -> list[bytes]:
        """Payloads of every option with ``code``, in order."""
        return [value for c, value in self.options if c == code]

    def has(self, code: int) -> bool:
        """True when at least one option with ``code`` is present."""
        for c, _ in self.options:  # noqa: SIM110 -- a loop beats any(genexpr) on 3.11
            if c == code:
                return True
        return False

    def add(self, code: int, payload: bytes) -> None:
        """Append an option."""
        self.options.append((code, payload))

    def remove(self, code: int) -> int:
        """Delete every option with ``code``; return how many were removed."""
        before = len(self.options)
        self.options[:] = [item for item in self.options if item[0] != code]
        return before - len(self.options)

    def replace(self, code: int, payload: bytes) -> None:
        """Set a single option ``code`` in place of the first one (appended if absent)."""
        for i, (c, _) in enumerate(self.options):
            if c == code:
                self.options[i] = (code, payload)
                self.options[i + 1 :] = [x for x in self.options[i + 1 :] if x[0] != code]
                return
        self.options.append((code, payload))


@dataclass(slots=True)
class Pkt6(_OptionAccess):
    """A client/server message: type, 24-bit transaction id, options (RFC 8415 §8)."""

    msg_type: int
    transaction_id: int
    options: Options = field(default_factory=list)

    @property
    def name(self) -> str:
        """RFC name of the message type."""
        return msg_type_name(self.msg_type)


@dataclass(slots=True)
class Relay6(_OptionAccess):
    """One relay hop (RFC 8415 §9): header, its options, and the relayed message in ``inner``."""

    msg_type: int
    hop_count: int
    link_address: bytes
    peer_address: bytes
    inner: Pkt6 | Relay6
    options: Options = field(default_factory=list)
    relay_msg_index: int = -1  # where option 9 sits among ``options``; -1 = last

    def __post_init__(self) -> None:
        # One spelling for "after every option", so decoded and built relays compare equal.
        if not 0 <= self.relay_msg_index < len(self.options):
            self.relay_msg_index = -1

    @property
    def name(self) -> str:
        """RFC name of the message type."""
        return msg_type_name(self.msg_type)

    @property
    def interface_id(self) -> bytes | None:
        """The Interface-Id option (18) this relay added, or None."""
        return self.get(OPTION_INTERFACE_ID)


Message6 = Pkt6 | Relay6


# --- decoding -----------------------------------------------------------------------------------


def decode6(data: bytes | bytearray | memoryview, strict: bool = True) -> Pkt6 | Relay6:
    """Decode one DHCPv6 message (client/server or relay); raises FormError only.

    ``strict=False`` follows Kea (Pkt6::unpack): a truncated last option or trailing bytes of an
    options area are ignored rather than refused; the result then re-encodes without them.
    """
    if type(data) is not bytes:
        return decode6(bytes(data), strict)
    if len(data) >= HEADER_LEN and data[0] != 12 and data[0] != 13:
        # Fast path: a client/server message (RFC 8415 §8).
        xid = _unpack_u32(data, 0)[0] & 0xFFFFFF
        return Pkt6(data[0], xid, parse_options(data, 4, None, strict))
    return _decode_at(data, 0, len(data), 0, strict)


def _decode_at(data: bytes, start: int, end: int, depth: int, strict: bool) -> Pkt6 | Relay6:
    if end - start < HEADER_LEN:
        raise FormError(f"message of {end - start} bytes is shorter than its 4-byte header", start)
    msg_type = data[start]
    if msg_type == 12 or msg_type == 13:
        return _decode_relay(data, start, end, depth, strict)
    xid = _unpack_u32(data, start)[0] & 0xFFFFFF
    return Pkt6(msg_type, xid, parse_options(data, start + 4, end, strict))


def _decode_relay(data: bytes, start: int, end: int, depth: int, strict: bool) -> Relay6:
    # RFC 8415 §7.6 HOP_COUNT_LIMIT: no path has more than 32 relays.
    if depth >= HOP_COUNT_LIMIT:
        raise FormError(f"relay messages nested deeper than {HOP_COUNT_LIMIT}", start)
    if end - start < RELAY_HEADER_LEN:
        raise FormError(f"relay message of {end - start} bytes is shorter than 34", start)
    options: Options = []
    inner: Pkt6 | Relay6 | None = None
    relay_msg_index = -1
    pos = start + RELAY_HEADER_LEN
    while pos < end:
        if pos + 4 > end:
            if not strict:
                break
            raise FormError(f"truncated option header ({end - pos} bytes)", pos)
        code, length = _unpack_opt_hdr(data, pos)
        body = pos + 4
        nxt = body + length
        if nxt > end:
            if not strict:
                break
            raise FormError(
                f"option {code} length {length} exceeds the {end - body} bytes left", pos
            )
        if code == OPTION_RELAY_MSG:
            if inner is not None:
                raise FormError("more than one Relay Message option", pos)
            inner = _decode_at(data, body, nxt, depth + 1, strict)
            relay_msg_index = len(options)
        else:
            options.append((code, data[body:nxt]))
        pos = nxt
    if inner is None:
        # RFC 8415 §9.1: a Relay-forward carries the client's message in option 9.
        raise FormError("relay message without a Relay Message option", start)
    return Relay6(
        data[start],
        data[start + 1],
        data[start + 2 : start + 18],
        data[start + 18 : start + 34],
        inner,
        options,
        relay_msg_index,
    )


# --- encoding -----------------------------------------------------------------------------------


def encode6(msg: Pkt6 | Relay6) -> bytes:
    """Encode a message (with its relay chain, if any) to wire bytes."""
    if isinstance(msg, Relay6):
        return _encode_relay(msg, 0)
    return encode_message(msg.msg_type, msg.transaction_id, msg.options)


def encode_message(
    msg_type: int, transaction_id: int, options: Iterable[tuple[int, bytes]], framed: bytes = b""
) -> bytes:
    """Encode a client/server message from its fields (no Pkt6 object needed).

    ``framed`` is appended as is: already-encoded option TLVs, such as the per-subnet options a
    server precomputes once (DESIGN "Performance model").
    """
    if msg_type == 12 or msg_type == 13:
        raise ValueError(f"message type {msg_type} is a relay message: use Relay6")
    try:
        # "!BHB" range-checks the type (8 bits) and the transaction id (16 + 8 bits).
        parts = [_pack_header(msg_type, transaction_id >> 8, transaction_id & 0xFF)]
        append = parts.append
        pack = _pack_opt_hdr
        for code, value in options:
            append(pack(code, len(value)) + value)
    except struct.error as exc:
        raise ValueError(f"message field out of range: {exc}") from None
    append(framed)
    return b"".join(parts)


def _encode_relay(relay: Relay6, depth: int) -> bytes:
    if depth >= HOP_COUNT_LIMIT:
        raise ValueError(f"relay chain deeper than {HOP_COUNT_LIMIT}")
    if relay.msg_type not in RELAY_TYPES:
        raise ValueError(f"message type {relay.msg_type} is not a relay message")
    if len(relay.link_address) != 16 or len(relay.peer_address) != 16:
        raise ValueError("relay link and peer addresses must be 16 bytes")
    if not 0 <= relay.hop_count <= 255:
        raise ValueError(f"hop count {relay.hop_count} does not fit one byte")
    inner = relay.inner
    inner_bytes = (
        _encode_relay(inner, depth + 1)
        if isinstance(inner, Relay6)
        else encode_message(inner.msg_type, inner.transaction_id, inner.options)
    )
    relay_msg = tlv(OPTION_RELAY_MSG, inner_bytes)
    options = relay.options
    index = relay.relay_msg_index
    if index < 0 or index >= len(options):
        body = encode_options(options) + relay_msg
    else:
        body = encode_options(options[:index]) + relay_msg + encode_options(options[index:])
    header = bytes((relay.msg_type, relay.hop_count))
    return header + relay.link_address + relay.peer_address + body


# --- relay chains -------------------------------------------------------------------------------


def innermost(msg: Pkt6 | Relay6) -> Pkt6:
    """The client/server message at the bottom of a relay chain (the message itself if direct)."""
    while isinstance(msg, Relay6):
        msg = msg.inner
    return msg


def relay_hops(msg: Pkt6 | Relay6) -> list[Relay6]:
    """The relay hops, outermost (closest to the server) first; empty for a direct message."""
    hops: list[Relay6] = []
    while isinstance(msg, Relay6):
        hops.append(msg)
        msg = msg.inner
    return hops


# Options a server copies from each Relay-forward into its Relay-reply (RFC 8415 §19.3
# Interface-Id; RFC 8357 §5.2 Relay Source Port), as Kea's Pkt6::copyRelayInfo does.
ECHOED_RELAY_OPTIONS: tuple[int, ...] = (OPTION_INTERFACE_ID, OPTION_RELAY_SOURCE_PORT)


def relay_reply(
    forward: Pkt6 | Relay6, reply: Pkt6, echo: tuple[int, ...] = ECHOED_RELAY_OPTIONS
) -> Pkt6 | Relay6:
    """Wrap ``reply`` in Relay-reply hops mirroring the Relay-forward chain of ``forward``."""
    result: Pkt6 | Relay6 = reply
    for hop in reversed(relay_hops(forward)):
        echoed = [(c, v) for c, v in hop.options if c in echo]
        result = Relay6(
            MsgType6.RELAY_REPL, hop.hop_count, hop.link_address, hop.peer_address, result, echoed
        )
    return result


def addr6_text(address: bytes) -> str:
    """Text form of a 16-byte IPv6 address ("2001:db8::1")."""
    return ipaddress.IPv6Address(address).compressed


_HEXTETS = struct.Struct("!8H")
# ":0:0:...:0:" for runs of 8 down to 2 zero hextets: the longest run is found first.
_ZERO_RUNS = tuple(":" + "0:" * count for count in range(8, 1, -1))


def int6_text(value: int) -> str:
    """RFC 5952 text of an IPv6 address given as an integer (fast; same as ``ipaddress``).

    The longest run of two or more zero hextets (the first of equal runs) becomes "::".
    """
    text = ":%x:%x:%x:%x:%x:%x:%x:%x:" % _HEXTETS.unpack(value.to_bytes(16, "big"))  # noqa: UP031 -- %-format is the fastest
    for run in _ZERO_RUNS:
        at = text.find(run)
        if at >= 0:
            return text[1:at] + "::" + text[at + len(run) : -1]
    return text[1:-1]


def addr6_bytes(text: str) -> bytes:
    """16-byte form of an IPv6 address given as text; ValueError if invalid."""
    return ipaddress.IPv6Address(text).packed
