"""Atheris harness for the DHCPv4 codec: decode, re-encode, compare bytes; FormError is expected.

Run: ``python fuzz/fuzz_pkt4.py -max_total_time=30`` (needs ``pip install atheris``).
"""

from __future__ import annotations

import sys

import atheris

with atheris.instrument_imports():
    from pukeko.wire.agent4 import decode_agent4
    from pukeko.wire.buffer import FormError
    from pukeko.wire.pkt4 import decode4, encode4


def check_packet(data: bytes, strict: bool, overload: bool) -> None:
    """Decode; on success the re-encoding must give back the same bytes."""
    try:
        pkt = decode4(data, strict=strict, overload=overload)
    except FormError:
        return
    again = encode4(pkt)
    if again != data:
        raise AssertionError(f"re-encoding differs: {data.hex()} -> {again.hex()}")
    for code, _ in pkt.tlvs():
        if pkt.get(code) is None:
            raise AssertionError(f"option {code} listed but not found")
    agent = pkt.get(82)
    if agent is not None:
        try:
            info = decode_agent4(agent)
        except FormError:
            return
        if info.encode() != agent:
            raise AssertionError("option 82 re-encoding differs")


def TestOneInput(data: bytes) -> None:
    """One fuzz case: the first byte picks the decode mode, the rest is the packet."""
    if not data:
        return
    mode, packet = data[0], data[1:]
    check_packet(packet, strict=not mode & 1, overload=not mode & 2)
    if mode & 4:
        # Favour DHCP packets: give the options area a real header and cookie in front.
        check_packet(bytes(236) + b"\x63\x82\x53\x63" + packet, strict=True, overload=True)


def main() -> None:
    """Start the fuzzer."""
    atheris.Setup(sys.argv, TestOneInput)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
