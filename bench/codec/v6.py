"""Benchmark: decode a DHCPv6 Solicit and encode its Advertise (microseconds per pair).

Run ``python bench/codec/v6.py [iterations]``; ``bench/codec/run.py`` calls ``bench_v6``.
The timed pair is what a server does per Solicit on the codec side: decode the message, read the
options it needs (client-id, IA_NA, IA_PD, ORO, elapsed time, rapid commit, vendor class) with the
typed helpers, then build the Advertise (server-id, client-id, IA_NA with an IAADDR, IA_PD with an
IAPREFIX, preference, DNS servers, domain search, status) and encode it.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable

from pukeko.wire.duid import make_duid_llt
from pukeko.wire.ia6 import (
    decode_elapsed_time,
    decode_ia,
    decode_oro,
    encode_ia,
    encode_iaaddr,
    encode_iaprefix,
    encode_status,
    ia_na_tlv,
    ia_pd_tlv,
)
from pukeko.wire.pkt6 import (
    OPTION_CLIENTID,
    OPTION_DNS_SERVERS,
    OPTION_DOMAIN_LIST,
    OPTION_ELAPSED_TIME,
    OPTION_IA_NA,
    OPTION_IA_PD,
    OPTION_IAADDR,
    OPTION_IAPREFIX,
    OPTION_ORO,
    OPTION_PREFERENCE,
    OPTION_RAPID_COMMIT,
    OPTION_SERVERID,
    OPTION_STATUS_CODE,
    OPTION_VENDOR_CLASS,
    Pkt6,
    addr6_bytes,
    decode6,
    encode6,
    encode_message,
    tlv,
)

CLIENT_DUID = make_duid_llt(1, 0x2A3B4C5D, bytes.fromhex("000c29abcdef"))
SERVER_DUID = make_duid_llt(1, 0x1F2E3D4C, bytes.fromhex("525400123456"))
# Precomputed per subnet, as a server would hold them.
DNS_SERVERS = addr6_bytes("2001:db8::53") + addr6_bytes("2001:db8::54")
DOMAIN_SEARCH = b"\x07example\x03org\x00"
ADDRESS = addr6_bytes("2001:db8:1::1234")
PREFIX = addr6_bytes("2001:db8:8000:100::")
# What the engine precomputes once per subnet/class: framed server-id, preference, DNS servers,
# domain search and a Success status (DESIGN "Performance model": precomputed option bytes).
PRECOMPUTED_HEAD = tlv(OPTION_SERVERID, SERVER_DUID)
_PREFERENCE = tlv(OPTION_PREFERENCE, b"\xff")
_DNS = tlv(OPTION_DNS_SERVERS, DNS_SERVERS)
_DOMAIN = tlv(OPTION_DOMAIN_LIST, DOMAIN_SEARCH)
_SUCCESS = tlv(OPTION_STATUS_CODE, encode_status(0, "Success"))
# Keyed by (DNS servers requested, domain search requested), as the ORO selects them.
PRECOMPUTED_TAILS = {
    (dns, domain): _PREFERENCE + (_DNS if dns else b"") + (_DOMAIN if domain else b"") + _SUCCESS
    for dns in (False, True)
    for domain in (False, True)
}


def solicit_bytes() -> bytes:
    """A Solicit as dhclient/dhcpcd sends it when asking for an address and a prefix."""
    options = [
        (OPTION_CLIENTID, CLIENT_DUID),
        (OPTION_IA_NA, encode_ia(OPTION_IA_NA, 0x29ABCDEF)),
        (OPTION_IA_PD, encode_ia(OPTION_IA_PD, 0x29ABCDF0)),
        (OPTION_ORO, b"\x00\x17\x00\x18\x00\x27\x00\x52"),  # 23, 24, 39, 82
        (OPTION_ELAPSED_TIME, b"\x00\x00"),
        (OPTION_VENDOR_CLASS, b"\x00\x00\x0d\xe9\x00\x0bdhcpcd-9.4"),
    ]
    return encode6(Pkt6(1, 0x6C3B21, options))


def decode_and_advertise(wire: bytes) -> bytes:
    """The timed unit: decode a Solicit, read its options, encode the Advertise."""
    query = decode6(wire)
    assert isinstance(query, Pkt6)
    client_id = query.get(OPTION_CLIENTID)
    assert client_id is not None
    ia_na_payload = query.get(OPTION_IA_NA)
    ia_pd_payload = query.get(OPTION_IA_PD)
    assert ia_na_payload is not None and ia_pd_payload is not None
    ia_na = decode_ia(OPTION_IA_NA, ia_na_payload)
    ia_pd = decode_ia(OPTION_IA_PD, ia_pd_payload)
    oro_payload = query.get(OPTION_ORO)
    requested = decode_oro(oro_payload) if oro_payload is not None else []
    elapsed = query.get(OPTION_ELAPSED_TIME)
    if elapsed is not None:
        decode_elapsed_time(elapsed)
    query.has(OPTION_RAPID_COMMIT)
    query.get(OPTION_VENDOR_CLASS)
    options = [
        (OPTION_SERVERID, SERVER_DUID),
        (OPTION_CLIENTID, client_id),
        (
            OPTION_IA_NA,
            encode_ia(
                OPTION_IA_NA,
                ia_na.iaid,
                1000,
                2000,
                [(OPTION_IAADDR, encode_iaaddr(ADDRESS, 3000, 4000))],
            ),
        ),
        (
            OPTION_IA_PD,
            encode_ia(
                OPTION_IA_PD,
                ia_pd.iaid,
                1000,
                2000,
                [(OPTION_IAPREFIX, encode_iaprefix(3000, 4000, 56, PREFIX))],
            ),
        ),
        (OPTION_PREFERENCE, b"\xff"),
    ]
    if OPTION_DNS_SERVERS in requested:
        options.append((OPTION_DNS_SERVERS, DNS_SERVERS))
    if OPTION_DOMAIN_LIST in requested:
        options.append((OPTION_DOMAIN_LIST, DOMAIN_SEARCH))
    options.append((OPTION_STATUS_CODE, encode_status(0, "Success")))
    return encode6(Pkt6(2, query.transaction_id, options))


def decode_and_advertise_fast(wire: bytes) -> bytes:
    """The timed unit on the engine's fast path: same reads, precomputed and fused TLVs."""
    query = decode6(wire)
    assert isinstance(query, Pkt6)
    client_id = query.get(OPTION_CLIENTID)
    ia_na_payload = query.get(OPTION_IA_NA)
    ia_pd_payload = query.get(OPTION_IA_PD)
    assert client_id is not None and ia_na_payload is not None and ia_pd_payload is not None
    ia_na = decode_ia(OPTION_IA_NA, ia_na_payload)
    ia_pd = decode_ia(OPTION_IA_PD, ia_pd_payload)
    oro_payload = query.get(OPTION_ORO)
    requested = decode_oro(oro_payload) if oro_payload is not None else []
    elapsed = query.get(OPTION_ELAPSED_TIME)
    if elapsed is not None:
        decode_elapsed_time(elapsed)
    query.has(OPTION_RAPID_COMMIT)
    query.get(OPTION_VENDOR_CLASS)
    framed = (
        PRECOMPUTED_HEAD
        + tlv(OPTION_CLIENTID, client_id)
        + ia_na_tlv(ia_na.iaid, 1000, 2000, ADDRESS, 3000, 4000)
        + ia_pd_tlv(ia_pd.iaid, 1000, 2000, 56, PREFIX, 3000, 4000)
        + PRECOMPUTED_TAILS[OPTION_DNS_SERVERS in requested, OPTION_DOMAIN_LIST in requested]
    )
    return encode_message(2, query.transaction_id, (), framed)


def _time_pairs(pair: Callable[[bytes], bytes], iterations: int, rounds: int = 5) -> float:
    """Best of ``rounds`` rounds (each ``iterations / rounds`` pairs), as timeit does, so that
    other processes on a shared machine inflate the figure less."""
    wire = solicit_bytes()
    for _ in range(min(iterations, 1000)):  # warm up
        pair(wire)
    per_round = max(1, iterations // rounds)
    best = float("inf")
    for _ in range(rounds):
        start = time.perf_counter()
        for _ in range(per_round):
            pair(wire)
        best = min(best, time.perf_counter() - start)
    return best / per_round * 1e6


def bench_v6(iterations: int) -> float:
    """Microseconds per (decode Solicit, encode Advertise) pair on the engine's fast path."""
    return _time_pairs(decode_and_advertise_fast, iterations)


def bench_v6_generic(iterations: int) -> float:
    """Microseconds per pair through the generic objects (Pkt6 lists, Ia6 payload encoders)."""
    return _time_pairs(decode_and_advertise, iterations)


def main(argv: list[str]) -> None:
    """Print microseconds per pair, for the fast path and the generic path."""
    iterations = int(argv[1]) if len(argv) > 1 else 200_000
    assert decode6(decode_and_advertise_fast(solicit_bytes())) == decode6(
        decode_and_advertise(solicit_bytes())
    ), "both paths must produce the same Advertise"
    fast = bench_v6(iterations)
    generic = bench_v6_generic(iterations)
    print(f"v6 decode Solicit + encode Advertise: {fast:.2f} us/pair ({iterations} iterations)")
    print(f"v6 same pair via generic objects:     {generic:.2f} us/pair")


if __name__ == "__main__":
    main(sys.argv)
