"""DHCPv4 option framing: the TLV walk, RFC 3396 long options, and the reply option builder.

A DHCPv4 option is a one-byte code, a one-byte length and that many payload bytes, except PAD (0)
and END (255), which are one byte long (RFC 2132 §3.1, §3.2). This module only frames options;
the option *values* (addresses, strings, records) belong to ``optcodec``.

The walk does not create an object per option: it records, for each option code, the absolute
offset of the first payload byte in a ``dict`` (the length is the byte just before it), and keeps
the offsets of every instance only for the rare codes that appear more than once (RFC 3396).
``index_tlvs`` is the fast path for well-formed areas without repeats; anything unusual
(a repeated code, a truncated option) falls back to the careful ``walk_tlvs``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from pukeko.wire.buffer import FormError

PAD = 0
END = 255
OPTION_OVERLOAD = 52  # RFC 2132 §9.3
MESSAGE_TYPE = 53  # RFC 2132 §9.6
AGENT_INFORMATION = 82  # RFC 3046

MAX_PAYLOAD = 255  # one-byte length field
_END_BYTE = b"\xff"
_NON_PAD = re.compile(rb"[^\x00]")
_ONE_BYTE = tuple(bytes((value,)) for value in range(256))

# Offsets of the first payload byte of every instance of each option code that occurs more than
# once, in RFC 3396 order (options field, then file, then sname).
Multi = dict[int, list[int]]


def index_tlvs(buf: bytes, pos: int, end: int, index: dict[int, int]) -> tuple[int, int]:
    """Fast walk: map each code in ``buf[pos:end]`` to its payload offset; return (stop, count).

    ``stop`` is the offset of END, or ``end`` when the area has no END, or -1 when an option is
    truncated; ``count`` is the number of options seen. A code seen twice keeps its *last* offset
    here, so a caller that sees fewer distinct codes than options re-walks with ``walk_tlvs``.
    """
    count = 0
    while pos < end:
        code = buf[pos]
        if 0 < code < 255:  # literals: this is the hot loop
            try:
                after = pos + 2 + buf[pos + 1]
            except IndexError:
                return -1, count
            if after > end:
                return -1, count
            index[code] = pos + 2
            count += 1
            pos = after
        elif code:
            return pos, count
        else:
            # RFC 2132 §3.1: PAD may appear anywhere; skip a run of them at once.
            found = _NON_PAD.search(buf, pos, end)
            if found is None:
                return end, count
            pos = found.start()
    return end, count


def walk_tlvs(
    buf: bytes, pos: int, end: int, index: dict[int, int], multi: Multi | None, strict: bool
) -> tuple[int, Multi | None]:
    """Careful walk of ``buf[pos:end]``: index first offsets, collect repeats, check lengths.

    Returns (stop offset, multi-instance offsets). The stop offset is the offset of the END
    option, ``end`` when the area has no END (tolerated, as Kea's ``LibDHCP::unpackOptions4``
    does), or, when ``strict`` is false, the offset of a truncated option where the walk gave up
    (Kea silently ignores such a tail). With ``strict`` a truncated option raises
    :class:`FormError` at the option's first byte.
    """
    setdefault = index.setdefault
    while pos < end:
        code = buf[pos]
        if code == PAD:
            pos += 1
            continue
        if code == END:
            return pos, multi
        if pos + 1 >= end:
            if strict:
                raise FormError(f"option {code} has no length byte", pos)
            return pos, multi
        start = pos + 2
        after = start + buf[pos + 1]
        if after > end:
            if strict:
                raise FormError(
                    f"option {code} length {buf[pos + 1]} exceeds the {end - start} bytes left",
                    pos,
                )
            return pos, multi
        first = setdefault(code, start)
        if first != start:
            # RFC 3396 §7: several instances of one code form a single long option.
            if multi is None:
                multi = {}
            starts = multi.get(code)
            if starts is None:
                multi[code] = [first, start]
            else:
                starts.append(start)
        pos = after
    return end, multi


def payload_at(buf: bytes, start: int) -> bytes:
    """The payload of the option whose first payload byte is at ``start``."""
    return buf[start : start + buf[start - 1]]


def tlv_bytes(code: int, payload: bytes) -> bytes:
    """Frame one option, split into consecutive same-code options when over 255 bytes (RFC 3396)."""
    if not PAD < code < END:
        raise ValueError(f"option code {code} is not a data option code (1-254)")
    size = len(payload)
    if size <= MAX_PAYLOAD:
        return bytes((code, size)) + payload
    # RFC 3396 §6: the agent splits a long option into chunks of at most 255 bytes, in order.
    parts: list[bytes] = []
    for at in range(0, size, MAX_PAYLOAD):
        chunk = payload[at : at + MAX_PAYLOAD]
        parts.append(bytes((code, len(chunk))))
        parts.append(chunk)
    return b"".join(parts)


def frame_options(options: Iterable[tuple[int, bytes]]) -> bytes:
    """The TLVs for ``(code, payload)`` pairs in order, without END (e.g. a per-subnet block).

    Payloads over 255 bytes are split into consecutive options of the same code (RFC 3396).
    """
    parts: list[bytes] = []
    append = parts.append
    one_byte = _ONE_BYTE
    for code, payload in options:
        size = len(payload)
        if size <= MAX_PAYLOAD and PAD < code < END:
            append(one_byte[code])
            append(one_byte[size])
            append(payload)
        else:
            append(tlv_bytes(code, payload))
    return b"".join(parts)


def build_options(options: Iterable[tuple[int, bytes]], *, min_length: int = 0) -> bytes:
    """The options area for ``(code, payload)`` pairs in the given order: TLVs, END, zero padding.

    Payloads over 255 bytes are split per RFC 3396. ``min_length`` pads the area with PAD bytes
    after END up to that many bytes (a BOOTP reply padded to 300 bytes needs
    ``pkt4.options_min_length(pkt4.BOOTP_MIN_SIZE)``, i.e. 60, as Kea's BOOTP hook pads).
    """
    area = frame_options(options) + _END_BYTE
    short = min_length - len(area)
    return area + bytes(short) if short > 0 else area


def _kea_rank(item: tuple[int, bytes]) -> int:
    code = item[0]
    if code == MESSAGE_TYPE:
        return -1
    if code == AGENT_INFORMATION:
        return 256
    return code


def sort_like_kea(options: Iterable[tuple[int, bytes]]) -> list[tuple[int, bytes]]:
    """Order options as Kea's ``LibDHCP::packOptions4`` emits them.

    Message type (53) first, then by ascending code (instances of one code keep their order),
    relay agent information (82) last, just before END (RFC 3046 §2.1 asks for that).
    """
    return sorted(options, key=_kea_rank)
