"""Time ``process6`` on Solicit -> Advertise and Request -> Reply with 1000 leases in the store.

Run: ``.venv/bin/python bench/engine/solicit.py`` (prints microseconds per packet).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.support.dhcp6_client import REQUEST, SOLICIT, IaSpec, duid_of, message, wire
from tests.support.dhcp6_harness import SERVER_DUID, harness

CONFIG = """
{"Dhcp6": {"preferred-lifetime": 3000, "valid-lifetime": 4000,
  "option-data": [{"name": "dns-servers", "data": "2001:db8::53"}],
  "subnet6": [{"id": 1, "subnet": "2001:db8:1::/64", "interface": "eth0",
    "pools": [{"pool": "2001:db8:1::/80"}]}]}}
"""


def main() -> None:
    h = harness(CONFIG)
    for i in range(1000):  # 1000 leases in the index
        h.send(wire(message(REQUEST, duid_of(i), [IaSpec(1)], server_id=SERVER_DUID)))
    solicits = [
        wire(message(SOLICIT, duid_of(10_000 + i), [IaSpec(1)], oro=[23])) for i in range(5000)
    ]
    requests = [
        wire(message(REQUEST, duid_of(20_000 + i), [IaSpec(1)], server_id=SERVER_DUID, oro=[23]))
        for i in range(5000)
    ]
    engine, link_now = h.engine, h.now
    from pukeko.server.outcome import LinkInfo

    link = LinkInfo("eth0", 2, "fe80::211:22ff:fe33:4455", 546, "ff02::1:2")
    for name, packets in (("solicit->advertise", solicits), ("request->reply", requests)):
        start = time.perf_counter()
        for data in packets:
            outcome = engine.process6(data, link, link_now)
            h.leases.apply(outcome.lease_changes)
        elapsed = time.perf_counter() - start
        print(f"{name}: {elapsed / len(packets) * 1e6:.1f} us/packet ({len(packets)} packets)")


if __name__ == "__main__":
    main()
