"""Time ``process6`` on Solicit -> Advertise and Request -> Reply with 1000 leases in the store.

The lease store is the real index (:class:`pukeko.leases.index.LeaseIndex6`), written as the
runtime writes it: each outcome's changes reserved, then released once durable.

Run: ``.venv/bin/python bench/engine/solicit.py`` (prints microseconds per packet, best of
``--repeat`` runs, each on a fresh engine and index).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.support.dhcp6_client import REQUEST, SOLICIT, IaSpec, duid_of, message, wire
from tests.support.dhcp6_harness import SERVER_DUID, harness

from pukeko.server.outcome import LinkInfo

CONFIG = """
{"Dhcp6": {"preferred-lifetime": 3000, "valid-lifetime": 4000,
  "option-data": [{"name": "dns-servers", "data": "2001:db8::53"}],
  "subnet6": [{"id": 1, "subnet": "2001:db8:1::/64", "interface": "eth0",
    "pools": [{"pool": "2001:db8:1::/80"}]}]}}
"""
LINK = LinkInfo("eth0", 2, "fe80::211:22ff:fe33:4455", 546, "ff02::1:2")
PACKETS = 5000


CLASSES_CONFIG = Path(__file__).resolve().parents[1] / "dhcp6" / "configs" / "classes6.json"


def classes_config() -> str:
    """The perfdhcp bench's 20-class, 4-subnet shared network configuration, in memory."""
    doc = json.loads(CLASSES_CONFIG.read_text())
    dhcp6 = doc["Dhcp6"]
    dhcp6["lease-database"] = {"type": "memfile", "persist": False}
    dhcp6.pop("loggers", None)
    dhcp6["shared-networks"][0]["interface"] = "eth0"
    dhcp6["interfaces-config"]["interfaces"] = ["eth0"]
    return json.dumps(doc)


def run_once(config: str = CONFIG) -> dict[str, float]:
    """Microseconds per packet for each exchange, on a fresh engine with 1000 leases."""
    h = harness(config)
    for i in range(1000):  # 1000 leases in the index
        h.send(wire(message(REQUEST, duid_of(i), [IaSpec(1)], server_id=SERVER_DUID)))
    solicits = [
        wire(message(SOLICIT, duid_of(10_000 + i), [IaSpec(1)], oro=[23])) for i in range(PACKETS)
    ]
    requests = [
        wire(message(REQUEST, duid_of(20_000 + i), [IaSpec(1)], server_id=SERVER_DUID, oro=[23]))
        for i in range(PACKETS)
    ]
    process6, index, now = h.engine.process6, h.leases, h.now
    reserve, release = index.reserve, index.release
    timings: dict[str, float] = {}
    for name, packets in (("solicit->advertise", solicits), ("request->reply", requests)):
        start = time.perf_counter()
        for data in packets:
            outcome = process6(data, LINK, now)
            if outcome.lease_changes:
                release(reserve(outcome.lease_changes))
        timings[name] = (time.perf_counter() - start) / len(packets) * 1e6
    return timings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs; the best is printed")
    parser.add_argument(
        "--classes",
        action="store_true",
        help="serve bench/dhcp6/configs/classes6.json (20 classes, shared network of 4 subnets)",
    )
    args = parser.parse_args()
    config = classes_config() if args.classes else CONFIG
    best: dict[str, float] = {}
    for _ in range(args.repeat):
        for name, value in run_once(config).items():
            best[name] = min(value, best.get(name, value))
    for name, value in best.items():
        print(f"{name}: {value:.1f} us/packet ({PACKETS} packets, best of {args.repeat})")


if __name__ == "__main__":
    main()
