"""Atheris harness for the DHCPv6 engine: ``process6`` on arbitrary datagrams never raises.

Each input is one datagram handed to a real engine (config with address and prefix pools, a
relay-selected subnet, rapid commit), on a direct or a relayed link. The lease changes it returns
are applied to the real lease index and allocation state, as the runtime does, so later inputs
meet the state earlier ones built. Invariants checked on every input:

- ``process6`` returns an Outcome; anything it raises is a crash;
- a reply, when there is one, decodes with the packet codec;
- no address or prefix is ever held by two leases (the index refuses such a change).

Run: ``python fuzz/fuzz_process6.py -max_total_time=30`` (needs ``pip install atheris``).
"""

from __future__ import annotations

import sys

import atheris

with atheris.instrument_imports():
    from pukeko.config.load import load_config
    from pukeko.leases.index import LeaseIndex6
    from pukeko.server.dhcp6.alloc_adapter import allocation_for
    from pukeko.server.dhcp6.engine import Dhcp6Engine
    from pukeko.server.outcome import LinkInfo
    from pukeko.wire.pkt6 import decode6

CONFIG = """
{"Dhcp6": {"preferred-lifetime": 3000, "valid-lifetime": 4000,
  "option-data": [{"name": "dns-servers", "data": "2001:db8::53"}],
  "subnet6": [
    {"id": 1, "subnet": "2001:db8:1::/64", "interface": "eth0", "rapid-commit": true,
     "pools": [{"pool": "2001:db8:1::10 - 2001:db8:1::40"}],
     "pd-pools": [{"prefix": "2001:db8:8::", "prefix-len": 60, "delegated-len": 64,
                   "excluded-prefix": "2001:db8:8::", "excluded-prefix-len": 72}]},
    {"id": 2, "subnet": "2001:db8:2::/64", "rapid-commit": true,
     "relay": {"ip-addresses": ["2001:db8:2::1"]},
     "pools": [{"pool": "2001:db8:2::/120"}]}]}}
"""
DIRECT = LinkInfo("eth0", 2, "fe80::211:22ff:fe33:4455", 546, "ff02::1:2")
RELAYED = LinkInfo("eth0", 2, "2001:db8:2::1", 547, "2001:db8:1::1")
SERVER_DUID = bytes.fromhex("000100012a2b2c2d0a0b0c0d0e0f")
NOW = 1_700_000_000.0
SERVER_ID_OPTION = b"\x00\x02" + len(SERVER_DUID).to_bytes(2, "big") + SERVER_DUID

_config = load_config(CONFIG, family=6).config
_leases = LeaseIndex6()
_allocation = allocation_for(_config)
_engine = Dhcp6Engine(_config, _leases, SERVER_DUID, _allocation, apply_changes=_allocation.apply)


CLIENT_ID = b"\x00\x01\x00\x0a\x00\x03\x00\x01\x02\x00\x00\x00\x00"  # option 1, DUID-LL


def datagram(mode: int, body: bytes) -> bytes:
    """The body as a whole datagram, or (mode bit 1) as the options of a well-framed client message.

    The second form reaches allocation far more often: message type from the body's first byte,
    a client-id whose last byte varies, (mode bit 2) this server's id, then the fuzzed options.
    """
    if not mode & 2 or len(body) < 2:
        return body
    msg_type = body[0] % 13 + 1
    server_id = SERVER_ID_OPTION if mode & 4 else b""
    head = bytes([msg_type]) + b"\x00\x00\x01" + CLIENT_ID + bytes([body[1]])
    return head + server_id + body[2:]


def TestOneInput(data: bytes) -> None:  # the name atheris expects
    """One datagram: the first byte picks the link, framing and clock, the rest is the packet."""
    if not data:
        return
    link = RELAYED if data[0] & 1 else DIRECT
    now = NOW + (data[0] >> 3) * 1000.0  # lets leases expire between inputs
    outcome = _engine.process6(datagram(data[0], data[1:]), link, now)
    if outcome.lease_changes:
        _leases.release(_leases.reserve(outcome.lease_changes))
    if outcome.reply is not None:
        decode6(outcome.reply)


def main() -> None:
    """Start the fuzzer."""
    atheris.Setup(sys.argv, TestOneInput)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
