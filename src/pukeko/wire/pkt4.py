"""DHCPv4 packets (RFC 2131 §2, RFC 951): the BOOTP header, the magic cookie and the options.

``decode4(data)`` reads the 236-byte fixed header with one ``struct`` call and indexes the options
without an object per option; ``encode4(pkt)`` writes it back. The options stay the raw bytes that
came off the wire (PADs, END and whatever follows END included), so ``encode4(decode4(b)) == b``
for every packet ``decode4`` accepts, and a reply's options area comes from ``build_options``.

Choices, with Kea 2.2 (``pkt4.cc``, ``libdhcp++.cc``) as the reference:

* Shorter than 236 bytes: :class:`FormError`, as Kea. Kea also refuses a packet without the magic
  cookie; here it decodes as plain BOOTP (``cookie`` false, the vendor area kept raw in
  ``options``, no options indexed) and the server decides.
* A missing END is tolerated, as Kea does; ``has_end`` tells. Bytes after END are kept raw.
* A truncated option (no length byte, or a length past the area end) raises :class:`FormError`.
  Kea instead keeps the options before it and ignores the tail; ``decode4(data, strict=False)``
  does that too (the tail stays in the raw bytes, ``has_end`` is false).
* Option overload (option 52, RFC 2132 §9.3): the options in ``file`` (value 1 or 3) then in
  ``sname`` (2 or 3) join the packet's options after the options field (RFC 3396 §7 order).
  Kea 2.2 ignores option 52 in received packets; ``overload=False`` does the same.
* Several instances of one code are one long option (RFC 3396): ``get`` concatenates them.
* Replies: ``build_options`` frames options in the order given (``sort_like_kea`` gives Kea's
  order), splits long ones (RFC 3396) and ends with END. Kea does not pad DHCP replies and does
  not overload sname/file when sending; only its BOOTP hook pads a BOOTP reply with zeros to
  300 bytes. So padding is opt-in: ``min_length=options_min_length(BOOTP_MIN_SIZE)``.
* A packet built in code is indexed on first option access, strictly: malformed ``options``
  given to the constructor surface as :class:`FormError` from ``get``.
"""

from __future__ import annotations

import struct

from pukeko.wire.buffer import FormError
from pukeko.wire.opts4 import (
    MESSAGE_TYPE,
    OPTION_OVERLOAD,
    Multi,
    index_tlvs,
    payload_at,
    walk_tlvs,
)

BOOTREQUEST = 1
BOOTREPLY = 2
HEADER_LENGTH = 236  # RFC 2131 §2, figure 1: op .. file
MAGIC_COOKIE = b"\x63\x82\x53\x63"  # 99.130.83.99, RFC 2131 §3
OPTIONS_OFFSET = HEADER_LENGTH + len(MAGIC_COOKIE)
BOOTP_MIN_SIZE = 300  # RFC 951 / RFC 1542 §2.1: a BOOTP message is at least 300 bytes
BROADCAST_FLAG = 0x8000  # RFC 2131 §2, figure 2

SNAME_OFFSET, SNAME_LENGTH = 44, 64
FILE_OFFSET, FILE_LENGTH = 108, 128
CHADDR_LENGTH = 16

# RFC 2132 §9.3 option overload values: which fields hold options.
OVERLOAD_FILE = 1
OVERLOAD_SNAME = 2
OVERLOAD_BOTH = 3

# Message types (RFC 2132 §9.6, RFC 4388, RFC 6926, RFC 7724), named as Kea's Pkt4::getName does.
DHCPDISCOVER, DHCPOFFER, DHCPREQUEST, DHCPDECLINE = 1, 2, 3, 4
DHCPACK, DHCPNAK, DHCPRELEASE, DHCPINFORM = 5, 6, 7, 8
MESSAGE_TYPE_NAMES: dict[int, str] = {
    1: "DHCPDISCOVER",
    2: "DHCPOFFER",
    3: "DHCPREQUEST",
    4: "DHCPDECLINE",
    5: "DHCPACK",
    6: "DHCPNAK",
    7: "DHCPRELEASE",
    8: "DHCPINFORM",
    10: "DHCPLEASEQUERY",
    11: "DHCPLEASEUNASSIGNED",
    12: "DHCPLEASEUNKNOWN",
    13: "DHCPLEASEACTIVE",
    14: "DHCPBULKLEASEQUERY",
    15: "DHCPLEASEQUERYDONE",
    17: "DHCPLEASEQUERYSTATUS",
    18: "DHCPTLS",
}

_HEADER = struct.Struct("!BBBBIHHIIII16s64s128s")
assert _HEADER.size == HEADER_LENGTH
_NO_SNAME = bytes(SNAME_LENGTH)
_NO_FILE = bytes(FILE_LENGTH)


def options_min_length(min_packet_size: int) -> int:
    """Bytes the options area (after the cookie) needs for the packet to reach that size."""
    return max(0, min_packet_size - OPTIONS_OFFSET)


def _fixed(value: bytes, size: int, name: str) -> bytes:
    """Zero-pad a fixed-size field; refuse values that do not fit."""
    if len(value) == size:
        return bytes(value)  # a bytearray or memoryview becomes immutable bytes
    if len(value) > size:
        raise ValueError(f"{name} is {len(value)} bytes, at most {size} fit")
    return bytes(value).ljust(size, b"\x00")


class Pkt4:
    """One DHCPv4/BOOTP packet: header fields as ints/bytes, options as raw bytes plus an index.

    Addresses (``ciaddr`` .. ``giaddr``) are 32-bit ints in network order. ``options`` holds the
    bytes after the magic cookie, or, when ``cookie`` is false, the raw BOOTP vendor area.
    Header fields are plain attributes; changing ``options``, ``sname``, ``file`` or ``cookie``
    re-indexes lazily (strictly, with overload). Not hashable (mutable).
    """

    __slots__ = (
        "_buf",
        "_chaddr",
        "_cookie",
        "_file",
        "_index",
        "_multi",
        "_options",
        "_overload",
        "_sname",
        "_stop",
        "ciaddr",
        "flags",
        "giaddr",
        "hlen",
        "hops",
        "htype",
        "op",
        "secs",
        "siaddr",
        "xid",
        "yiaddr",
    )

    _buf: bytes  # the wire image the index points into (valid while _index is not None)
    _index: dict[int, int] | None
    _multi: Multi | None
    _stop: int
    _overload: int

    def __init__(
        self,
        *,
        op: int = BOOTREQUEST,
        htype: int = 1,
        hlen: int = 6,
        hops: int = 0,
        xid: int = 0,
        secs: int = 0,
        flags: int = 0,
        ciaddr: int = 0,
        yiaddr: int = 0,
        siaddr: int = 0,
        giaddr: int = 0,
        chaddr: bytes = b"",
        sname: bytes = b"",
        file: bytes = b"",
        options: bytes = b"\xff",
        cookie: bool = True,
    ) -> None:
        self.op = op
        self.htype = htype
        self.hlen = hlen
        self.hops = hops
        self.xid = xid
        self.secs = secs
        self.flags = flags
        self.ciaddr = ciaddr
        self.yiaddr = yiaddr
        self.siaddr = siaddr
        self.giaddr = giaddr
        self._chaddr = (
            chaddr if len(chaddr) == CHADDR_LENGTH else _fixed(chaddr, CHADDR_LENGTH, "chaddr")
        )
        self._sname = _fixed(sname, SNAME_LENGTH, "sname") if sname else _NO_SNAME
        self._file = _fixed(file, FILE_LENGTH, "file") if file else _NO_FILE
        self._options = options
        self._cookie = cookie
        if not cookie:
            self._check_vendor_area()
        self._buf = b""
        self._index = None
        self._multi = None
        self._stop = 0
        self._overload = 0

    # -- raw fields that the option index depends on -------------------------------------------

    @property
    def chaddr(self) -> bytes:
        """The 16-byte client hardware address field."""
        return self._chaddr

    @chaddr.setter
    def chaddr(self, value: bytes) -> None:
        self._chaddr = _fixed(value, CHADDR_LENGTH, "chaddr")

    @property
    def sname(self) -> bytes:
        """The raw 64-byte server host name field (may hold options, see ``overload``)."""
        return self._sname

    @sname.setter
    def sname(self, value: bytes) -> None:
        self._sname = _fixed(value, SNAME_LENGTH, "sname")
        self._forget_index()

    @property
    def file(self) -> bytes:
        """The raw 128-byte boot file name field (may hold options, see ``overload``)."""
        return self._file

    @file.setter
    def file(self, value: bytes) -> None:
        self._file = _fixed(value, FILE_LENGTH, "file")
        self._forget_index()

    @property
    def options(self) -> bytes:
        """Raw bytes after the magic cookie (or the whole vendor area when there is no cookie)."""
        return self._options

    @options.setter
    def options(self, value: bytes) -> None:
        self._options = bytes(value)
        self._check_vendor_area()
        self._forget_index()

    @property
    def cookie(self) -> bool:
        """True when the vendor area starts with the magic cookie (DHCP rather than BOOTP)."""
        return self._cookie

    @cookie.setter
    def cookie(self, value: bool) -> None:
        self._cookie = value
        self._check_vendor_area()
        self._forget_index()

    def _check_vendor_area(self) -> None:
        if not self._cookie and self._options[:4] == MAGIC_COOKIE:
            raise ValueError("a vendor area without cookie must not start with the magic cookie")

    def _forget_index(self) -> None:
        self._buf = b""
        self._index = None
        self._multi = None
        self._stop = 0
        self._overload = 0

    def _ensure_index(self) -> dict[int, int]:
        """Index a packet built in code (decoded packets are indexed by ``decode4``)."""
        index = self._index
        if index is None:
            _index_into(self, encode4(self), strict=True, overload=True)
            index = self._index
            assert index is not None
        return index

    # -- option access ---------------------------------------------------------------------------

    def get(self, code: int) -> bytes | None:
        """The payload of option ``code``: all its instances concatenated (RFC 3396), or None."""
        index = self._index
        if index is None:
            index = self._ensure_index()
        start = index.get(code)
        if start is None:
            return None
        buf = self._buf
        if self._multi is None or code not in self._multi:
            return buf[start : start + buf[start - 1]]
        return b"".join([payload_at(buf, at) for at in self._multi[code]])

    def get_all(self, code: int) -> list[bytes]:
        """The payload of each instance of option ``code``, in RFC 3396 order."""
        index = self._ensure_index()
        buf = self._buf
        multi = self._multi
        if multi is not None and code in multi:
            return [payload_at(buf, at) for at in multi[code]]
        start = index.get(code)
        return [] if start is None else [payload_at(buf, start)]

    def __contains__(self, code: int) -> bool:
        return code in self._ensure_index()

    def codes(self) -> list[int]:
        """The distinct option codes present, in order of first appearance."""
        self._ensure_index()
        buf = self._buf
        return list(dict.fromkeys(buf[at - 2] for at in self._starts()))

    def tlvs(self) -> list[tuple[int, bytes]]:
        """Every option as it appears on the wire, ``(code, payload)``, in RFC 3396 order."""
        self._ensure_index()
        buf = self._buf
        return [(buf[at - 2], payload_at(buf, at)) for at in self._starts()]

    def _starts(self) -> list[int]:
        index = self._ensure_index()
        starts = set(index.values())
        if self._multi is not None:
            for more in self._multi.values():
                starts.update(more)
        return sorted(starts, key=_region_order)

    @property
    def message_type(self) -> int | None:
        """The DHCP message type (option 53), or None for BOOTP or a missing/empty option."""
        index = self._index
        if index is None:
            index = self._ensure_index()
        if self._multi is not None and MESSAGE_TYPE in self._multi:
            value = self.get(MESSAGE_TYPE)  # RFC 3396: instances concatenated
            return value[0] if value else None
        start = index.get(MESSAGE_TYPE)
        if start is None or self._buf[start - 1] == 0:
            return None
        return self._buf[start]

    @property
    def has_end(self) -> bool:
        """True when the options field holds an END option (Kea tolerates its absence)."""
        self._ensure_index()
        buf = self._buf
        return self._cookie and self._stop < len(buf) and buf[self._stop] == 0xFF

    @property
    def overload(self) -> int:
        """The option overload value applied when indexing (0, or 1/2/3 per RFC 2132 §9.3)."""
        self._ensure_index()
        return self._overload

    @property
    def hwaddr(self) -> bytes:
        """The hardware address: the first ``hlen`` bytes of chaddr (at most 16)."""
        return self._chaddr[: self.hlen]

    @property
    def broadcast(self) -> bool:
        """The BROADCAST bit of ``flags`` (RFC 2131 §4.1)."""
        return bool(self.flags & BROADCAST_FLAG)

    def encode(self) -> bytes:
        """The packet's wire bytes (same as ``encode4(self)``)."""
        return encode4(self)

    def _key(self) -> tuple[object, ...]:
        return (
            self.op,
            self.htype,
            self.hlen,
            self.hops,
            self.xid,
            self.secs,
            self.flags,
            self.ciaddr,
            self.yiaddr,
            self.siaddr,
            self.giaddr,
            self._chaddr,
            self._sname,
            self._file,
            self._cookie,
            self._options,
        )

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Pkt4):
            return NotImplemented
        return self._key() == other._key()

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        kind = MESSAGE_TYPE_NAMES.get(self.message_type or 0, "BOOTP" if not self._cookie else "?")
        return (
            f"Pkt4({kind} op={self.op} xid=0x{self.xid:08x} chaddr={self.hwaddr.hex(':')} "
            f"giaddr={self.giaddr:#010x} options={len(self._options)}B)"
        )


def _region_order(start: int) -> tuple[int, int]:
    """RFC 3396 §7 order of an option payload offset: options field, then file, then sname."""
    if start >= OPTIONS_OFFSET:
        return (0, start)
    if start >= FILE_OFFSET:
        return (1, start)
    return (2, start)


def _index_into(pkt: Pkt4, buf: bytes, strict: bool, overload: bool) -> None:
    """Walk the options of the wire image ``buf`` of ``pkt`` and store the index on it."""
    index: dict[int, int] = {}
    stop = len(buf)
    if pkt._cookie:
        stop, count = index_tlvs(buf, OPTIONS_OFFSET, stop, index)
        if stop < 0 or count != len(index) or (overload and OPTION_OVERLOAD in index):
            _index_carefully(pkt, buf, strict, overload)
            return
    pkt._buf = buf
    pkt._index = index
    pkt._multi = None
    pkt._stop = stop
    pkt._overload = 0


def _index_carefully(pkt: Pkt4, buf: bytes, strict: bool, overload: bool) -> None:
    """The slow path: repeated codes (RFC 3396), truncated options, option overload."""
    index: dict[int, int] = {}
    stop, multi = walk_tlvs(buf, OPTIONS_OFFSET, len(buf), index, None, strict)
    applied = 0
    if overload and OPTION_OVERLOAD in index:
        applied = _overload_value(buf, index, multi, strict)
        # RFC 2131 §4.1: the file field is read before sname.
        if applied & OVERLOAD_FILE:
            end = FILE_OFFSET + FILE_LENGTH
            multi = walk_tlvs(buf, FILE_OFFSET, end, index, multi, strict)[1]
        if applied & OVERLOAD_SNAME:
            end = SNAME_OFFSET + SNAME_LENGTH
            multi = walk_tlvs(buf, SNAME_OFFSET, end, index, multi, strict)[1]
    pkt._buf = buf
    pkt._index = index
    pkt._multi = multi
    pkt._stop = stop
    pkt._overload = applied


def _overload_value(buf: bytes, index: dict[int, int], multi: Multi | None, strict: bool) -> int:
    """The option overload value (RFC 2132 §9.3: one byte, 1 to 3), or 0 when lenient."""
    start = index[OPTION_OVERLOAD]
    if multi is not None and OPTION_OVERLOAD in multi:
        value = b"".join([payload_at(buf, at) for at in multi[OPTION_OVERLOAD]])
    else:
        value = payload_at(buf, start)
    if len(value) == 1 and OVERLOAD_FILE <= value[0] <= OVERLOAD_BOTH:
        return value[0]
    if strict:
        raise FormError(f"option overload value {value.hex()} is not 1, 2 or 3", start)
    return 0


def decode4(
    data: bytes | bytearray | memoryview, *, strict: bool = True, overload: bool = True
) -> Pkt4:
    """Decode a DHCPv4 or BOOTP packet; raise :class:`FormError` (with the offset) if malformed.

    ``strict=False`` keeps the options before a truncated one (Kea's behaviour) instead of
    raising; ``overload=False`` ignores option 52 (Kea 2.2's behaviour). See the module docstring.
    """
    if not isinstance(data, bytes):
        data = bytes(data)
    if len(data) < HEADER_LENGTH:
        raise FormError(
            f"truncated BOOTP header: {len(data)} bytes, {HEADER_LENGTH} needed", len(data)
        )
    pkt = Pkt4.__new__(Pkt4)
    (
        pkt.op,
        pkt.htype,
        pkt.hlen,
        pkt.hops,
        pkt.xid,
        pkt.secs,
        pkt.flags,
        pkt.ciaddr,
        pkt.yiaddr,
        pkt.siaddr,
        pkt.giaddr,
        pkt._chaddr,
        pkt._sname,
        pkt._file,
    ) = _HEADER.unpack_from(data)
    cookie = data[HEADER_LENGTH:OPTIONS_OFFSET] == MAGIC_COOKIE
    pkt._cookie = cookie
    pkt._options = data[OPTIONS_OFFSET:] if cookie else data[HEADER_LENGTH:]
    _index_into(pkt, data, strict, overload)
    return pkt


def encode4(pkt: Pkt4) -> bytes:
    """The wire bytes of ``pkt``: header, magic cookie (for DHCP) and the raw options area."""
    try:
        head = _HEADER.pack(
            pkt.op,
            pkt.htype,
            pkt.hlen,
            pkt.hops,
            pkt.xid,
            pkt.secs,
            pkt.flags,
            pkt.ciaddr,
            pkt.yiaddr,
            pkt.siaddr,
            pkt.giaddr,
            pkt._chaddr,
            pkt._sname,
            pkt._file,
        )
    except struct.error as exc:
        raise ValueError(f"header field out of range: {exc}") from exc
    if pkt._cookie:
        return head + MAGIC_COOKIE + pkt._options
    return head + pkt._options


def encode_reply4(
    query: Pkt4,
    options: bytes,
    *,
    yiaddr: int = 0,
    siaddr: int = 0,
    ciaddr: int = 0,
    sname: bytes = b"",
    file: bytes = b"",
) -> bytes:
    """Encode a BOOTREPLY to ``query`` without building a :class:`Pkt4` (the reply fast path).

    Copies htype, hlen, hops, xid, flags, giaddr and chaddr from the query, as Kea's
    ``Dhcpv4Exchange::initResponse`` does (RFC 2131 §4.3.1, table 3); secs is 0. ``options`` is
    an options area from ``build_options``; the packet carries the magic cookie.
    """
    try:
        head = _HEADER.pack(
            BOOTREPLY,
            query.htype,
            query.hlen,
            query.hops,
            query.xid,
            0,
            query.flags,
            ciaddr,
            yiaddr,
            siaddr,
            query.giaddr,
            query._chaddr,
            _fixed(sname, SNAME_LENGTH, "sname") if sname else _NO_SNAME,
            _fixed(file, FILE_LENGTH, "file") if file else _NO_FILE,
        )
    except struct.error as exc:
        raise ValueError(f"header field out of range: {exc}") from exc
    return head + MAGIC_COOKIE + options
