"""Relay-reply wrapping and reply addressing (RFC 8415 §19.3, RFC 8357, Kea copyRelayInfo).

For each Relay-forward hop the reply gets a Relay-reply hop with the same hop count, link and
peer addresses, echoing that hop's Interface-Id (18, RFC 8415 §19.3) and Relay Source Port (135,
RFC 8357 §5.2) options — the first of each, in option-code order, before the Relay Message
option, as Kea 2.2 packs them.

Destination: a direct client gets the reply at port 546; a relayed one goes back to the source
address, at the source port if the outermost relay sent Relay Source Port, else 547 (Kea
checkRelaySourcePort).
"""

from __future__ import annotations

import struct
from collections.abc import Sequence

from pukeko.wire.pkt6 import (
    OPTION_INTERFACE_ID,
    OPTION_RELAY_MSG,
    OPTION_RELAY_SOURCE_PORT,
    Relay6,
)

CLIENT_PORT = 546
SERVER_PORT = 547

ECHOED = (OPTION_INTERFACE_ID, OPTION_RELAY_SOURCE_PORT)  # already in option-code order
_OPT_HDR = struct.Struct("!HH")


def relay_headers(hops: Sequence[Relay6]) -> tuple[bytes, ...]:
    """Per hop, outermost first: Relay-reply header plus echoed options (no Relay Message)."""
    heads = []
    for hop in hops:
        parts = [bytes((13, hop.hop_count)), hop.link_address, hop.peer_address]
        for code in ECHOED:
            value = hop.get(code)
            if value is not None:
                parts.append(_OPT_HDR.pack(code, len(value)) + value)
        heads.append(b"".join(parts))
    return tuple(heads)


def wrap_reply(message: bytes, hops: Sequence[Relay6]) -> bytes:
    """Wrap an encoded reply in Relay-reply messages mirroring ``hops`` (outermost first)."""
    wrapped = message
    for head in reversed(relay_headers(hops)):
        wrapped = head + _OPT_HDR.pack(OPTION_RELAY_MSG, len(wrapped)) + wrapped
    return wrapped


def reply_port(hops: Sequence[Relay6], source_port: int) -> int:
    """The UDP port the reply goes to (RFC 8357 §5.2; RFC 8415 §7.2)."""
    if not hops:
        return CLIENT_PORT
    if hops[0].get(OPTION_RELAY_SOURCE_PORT) is not None:
        return source_port
    return SERVER_PORT
