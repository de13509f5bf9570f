"""Write the benchmark configuration with host reservations (issue 6): bench6.json + N hosts.

The hosts are reserved for DUIDs perfdhcp really sends in ``run.py``: each step ``i`` (from 1)
uses ``-b duid=00010001<i as 8 hex digits>000000000000`` with ``-R`` clients, and perfdhcp
builds client ``k``'s DUID from that template by replacing its last six bytes with the MAC
template (default 00:0c:01:02:03:04) to which the bytes of ``k`` are added octet by octet,
least significant last, without carry (Kea 2.2 perfdhcp ``TestControl::generateMacAddress``,
clients numbered 0, 1, 2, ... by its sequential generator). Every ``--stride``-th client of the
first ``--stride`` x ``--per-step`` clients of each step gets a host; half of the hosts reserve
an address inside the pool (spread over its start, so dynamic allocation walks over them),
half an address outside it. ``run.py --config`` takes the file::

    python bench/dhcp6/configs/gen_reservations6.py /tmp/res6.json
    sudo .venv/bin/python bench/dhcp6/run.py --config /tmp/res6.json

Defaults: 8 steps x 1250 hosts = 10,000 reservations.
"""

from __future__ import annotations

import argparse
import json
import sys
from ipaddress import IPv6Address
from pathlib import Path
from typing import Any

BASE_CONFIG = Path(__file__).resolve().parent / "bench6.json"
MAC_TEMPLATE = bytes.fromhex("000c01020304")  # perfdhcp's default -b mac=...
POOL_START = IPv6Address("2001:db8:1::1:0:0")  # the /96 pool of bench6.json
OUT_OF_POOL_START = IPv6Address("2001:db8:1::2:0:0")  # same subnet, outside the pool


def perfdhcp_duid(step: int, client: int) -> bytes:
    """The DUID perfdhcp sends for client number ``client`` of run.py's step ``step``."""
    template = bytes.fromhex(f"00010001{step:08x}000000000000")
    mac = bytearray(MAC_TEMPLATE)
    value = client
    for index in range(len(mac) - 1, -1, -1):
        mac[index] = (mac[index] + value) & 0xFF
        if value < 256:
            break
        value >>= 8
    return template[: len(template) - len(mac)] + bytes(mac)


def hosts(steps: int, per_step: int, stride: int) -> list[dict[str, Any]]:
    """``steps`` x ``per_step`` reservations, alternately in and out of the pool."""
    entries: list[dict[str, Any]] = []
    for step in range(1, steps + 1):
        for slot in range(per_step):
            number = len(entries)
            # even: every other pool address from its start; odd: outside the pool
            address = (POOL_START if number % 2 == 0 else OUT_OF_POOL_START) + number
            duid = perfdhcp_duid(step, slot * stride)
            entries.append({"duid": duid.hex(":"), "ip-addresses": [str(address)]})
    return entries


def config(steps: int, per_step: int, stride: int, base: Path = BASE_CONFIG) -> dict[str, Any]:
    """bench6.json with the reservations in its only subnet."""
    document: dict[str, Any] = json.loads(base.read_text())
    subnet = document["Dhcp6"]["subnet6"][0]
    subnet["reservations"] = hosts(steps, per_step, stride)
    return document


def main(argv: list[str] | None = None) -> int:
    """Write the configuration file; print how many hosts it holds."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("output", type=Path, help="where to write the JSON configuration")
    parser.add_argument("--steps", type=int, default=8, help="run.py steps covered (--steps)")
    parser.add_argument("--per-step", type=int, default=1250, help="hosts per step")
    parser.add_argument("--stride", type=int, default=4, help="one client in STRIDE has a host")
    args = parser.parse_args(sys.argv[1:] if argv is None else argv)
    document = config(args.steps, args.per_step, args.stride)
    args.output.write_text(json.dumps(document, indent=1))
    count = len(document["Dhcp6"]["subnet6"][0]["reservations"])
    print(f"{args.output}: {count} reservations")
    return 0


if __name__ == "__main__":
    sys.exit(main())
