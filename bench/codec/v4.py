"""Benchmark: decode a relayed DHCPDISCOVER and encode its DHCPOFFER (microseconds per pair).

Run ``python bench/codec/v4.py [iterations]``; ``bench/codec/run.py`` calls ``bench_v4``.
The timed pair is what a server does per Discover on the codec side: decode the query, read the
options it needs (message type, client-id, requested parameters, max size, host name, vendor
class, relay agent information), then build the reply header and options area and encode it.
"""

from __future__ import annotations

import sys
import time

from pukeko.wire.opts4 import build_options, frame_options
from pukeko.wire.pkt4 import Pkt4, decode4, encode4, encode_reply4

CHADDR = bytes.fromhex("000c29abcdef")
GIADDR = 0x0A000001  # 10.0.0.1, the relay
SERVER_ID = bytes([10, 0, 0, 2])


def discover_bytes() -> bytes:
    """A relayed Discover as a dhcpcd client and a relay agent (option 82) would send it."""
    options = build_options(
        [
            (53, b"\x01"),  # DHCPDISCOVER
            (61, b"\x01" + CHADDR),  # client-id: htype 1 + MAC
            (57, b"\x05\xdc"),  # max message size 1500
            (12, b"laptop-7"),  # host name
            (60, b"dhcpcd-9.4.1:Linux-6.1.0:x86_64:GenuineIntel"),  # vendor class
            (55, bytes([1, 121, 33, 3, 6, 12, 15, 26, 28, 42, 51, 54, 58, 59, 119])),
            (82, b"\x01\x0ceth0/1/3:100\x02\x06" + CHADDR),  # circuit-id, remote-id
        ]
    )
    query = Pkt4(xid=0x3903F326, hops=1, giaddr=GIADDR, chaddr=CHADDR, options=options)
    return encode4(query)


# The Offer's options in Kea's order (53 first, then by code; 82 is appended last).
OFFER_OPTIONS = [
    (53, b"\x02"),  # DHCPOFFER
    (1, b"\xff\xff\xff\x00"),  # subnet mask
    (3, b"\x0a\x00\x00\x01"),  # router
    (6, b"\x0a\x00\x00\x35\x0a\x00\x01\x35"),  # DNS servers
    (15, b"example.org"),  # domain name
    (51, b"\x00\x00\x0f\xa0"),  # lease time 4000
    (54, SERVER_ID),  # server identifier
    (58, b"\x00\x00\x07\xd0"),  # renewal (T1) 2000
    (59, b"\x00\x00\x0d\xac"),  # rebinding (T2) 3500
]
# What a server can frame once per subnet (DESIGN "Performance model").
OFFER_BLOCK = frame_options(OFFER_OPTIONS)
OFFERED = 0x0A000064  # 10.0.0.100


def decode_and_offer(wire: bytes) -> bytes:
    """The timed unit: decode a Discover, read its options, frame every Offer option, encode."""
    query = decode4(wire)
    assert query.message_type == 1
    query.get(61)
    query.get(55)
    query.get(57)
    query.get(12)
    query.get(60)
    agent = query.get(82)
    reply_options = list(OFFER_OPTIONS)
    if agent is not None:
        reply_options.append((82, agent))  # RFC 3046 §2.2: echo the relay agent information
    return encode_reply4(query, build_options(reply_options), yiaddr=OFFERED)


def decode_and_offer_precomputed(wire: bytes) -> bytes:
    """As ``decode_and_offer`` but with the Offer options framed once (per subnet) in advance."""
    query = decode4(wire)
    assert query.message_type == 1
    query.get(61)
    query.get(55)
    query.get(57)
    query.get(12)
    query.get(60)
    agent = query.get(82)
    tail = build_options([(82, agent)]) if agent is not None else b"\xff"
    return encode_reply4(query, OFFER_BLOCK + tail, yiaddr=OFFERED)


def bench_v4(iterations: int, *, precomputed: bool = False) -> float:
    """Microseconds per (decode Discover, encode Offer) pair, averaged over ``iterations``.

    ``precomputed`` uses Offer options framed once in advance, as a server does per subnet.
    """
    wire = discover_bytes()
    pair = decode_and_offer_precomputed if precomputed else decode_and_offer
    assert decode4(pair(wire)) == decode4(decode_and_offer(wire))
    for _ in range(min(iterations, 1000)):  # warm up
        pair(wire)
    start = time.perf_counter()
    for _ in range(iterations):
        pair(wire)
    elapsed = time.perf_counter() - start
    return elapsed / iterations * 1e6


def main(argv: list[str]) -> None:
    """Print microseconds per pair, best of three rounds, for both ways of building the Offer."""
    iterations = int(argv[1]) if len(argv) > 1 else 50_000
    framed = min(bench_v4(iterations) for _ in range(3))
    cached = min(bench_v4(iterations, precomputed=True) for _ in range(3))
    print(f"v4 decode Discover + encode Offer: {framed:.2f} us/pair ({iterations} iterations)")
    print(f"  same, Offer options framed in advance: {cached:.2f} us/pair")


if __name__ == "__main__":
    main(sys.argv)
