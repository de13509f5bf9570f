"""Relay-reply wrapping bytes and reply ports."""

from __future__ import annotations

from pukeko.server.dhcp6.relay import reply_port, wrap_reply
from pukeko.wire.pkt6 import Pkt6, Relay6

LINK = bytes(15) + b"\x01"
PEER = bytes(15) + b"\x02"


def test_wrap_echoes_interface_id_before_relay_message() -> None:
    hop = Relay6(12, 3, LINK, PEER, Pkt6(1, 1, []), [(37, b"r"), (18, b"if")])
    wrapped = wrap_reply(b"\x07\x00\x00\x01", [hop])
    assert wrapped == (
        b"\x0d\x03" + LINK + PEER + b"\x00\x12\x00\x02if" + b"\x00\x09\x00\x04\x07\x00\x00\x01"
    )
    assert reply_port([hop], 1234) == 547
    assert reply_port([], 1234) == 546
