"""Atheris harness for the DHCPv6 codec: decode, re-encode, compare bytes; FormError is expected.

Also runs the typed helpers (IA_NA/IA_TA/IA_PD with their IAADDR/IAPREFIX, Status Code, ORO,
DUIDs) on whatever options the message carries: they may refuse with FormError, and what they
accept must re-encode to the same payload. Anything else is a crash.

Run: ``python fuzz/fuzz_pkt6.py -max_total_time=30`` (needs ``pip install atheris``).
"""

from __future__ import annotations

import sys

import atheris

with atheris.instrument_imports():
    from pukeko.wire.buffer import FormError
    from pukeko.wire.duid import parse_duid
    from pukeko.wire.ia6 import decode_ia, decode_iaaddr, decode_iaprefix, decode_oro, decode_status
    from pukeko.wire.pkt6 import Pkt6, decode6, encode6, innermost, relay_hops

_IA_CODES = (3, 4, 25)


def check_ia(code: int, payload: bytes) -> None:
    """Typed IA decode: FormError or an exact re-encoding, sub-options included."""
    try:
        ia = decode_ia(code, payload)
    except FormError:
        return
    if ia.encode() != payload:
        raise AssertionError(f"IA {code} re-encoding differs: {payload.hex()}")
    for sub_code, sub in ia.options:
        try:
            if sub_code == 5:
                if decode_iaaddr(sub).encode() != sub:
                    raise AssertionError("IAADDR re-encoding differs")
            elif sub_code == 26:
                if decode_iaprefix(sub).encode() != sub:
                    raise AssertionError("IAPREFIX re-encoding differs")
            elif sub_code == 13 and decode_status(sub).encode() != sub:
                raise AssertionError("status re-encoding differs")
        except FormError:
            continue


def check_options(msg: Pkt6) -> None:
    """Run the typed helpers over a client/server message's options."""
    for code, payload in msg.options:
        try:
            if code in _IA_CODES:
                check_ia(code, payload)
            elif code == 6:
                decode_oro(payload)
            elif code in (1, 2) and parse_duid(payload).encode() != payload:
                raise AssertionError("DUID re-encoding differs")
        except FormError:
            continue


def check_packet(data: bytes) -> None:
    """Decode; on success the re-encoding must give back the same bytes."""
    try:
        msg = decode6(data)
    except FormError:
        return
    again = encode6(msg)
    if again != data:
        raise AssertionError(f"re-encoding differs: {data.hex()} -> {again.hex()}")
    if len(relay_hops(msg)) > 32:
        raise AssertionError("relay chain deeper than HOP_COUNT_LIMIT accepted")
    check_options(innermost(msg))


def TestOneInput(data: bytes) -> None:  # the name atheris expects
    """One fuzz case: the first byte picks a framing, the rest is the packet."""
    if not data:
        return
    mode, packet = data[0], data[1:]
    check_packet(packet)
    if mode & 1:
        # Favour relay paths: wrap the input in a Relay-forward header and a Relay Message.
        header = b"\x0c\x00" + bytes(32) + b"\x00\x09" + (len(packet) & 0xFFFF).to_bytes(2, "big")
        check_packet(header + packet)


def main() -> None:
    """Start the fuzzer."""
    atheris.Setup(sys.argv, TestOneInput)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
