"""Codec benchmark: decode a realistic client message and encode its reply, per family.

Prints microseconds per decode+encode pair (best of several rounds) for
Solicit/Advertise (DHCPv6) and Discover/Offer (DHCPv4). Target (issue 3): <= 15 us for v6.
"""

from __future__ import annotations

import platform
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from v4 import bench_v4
from v6 import bench_v6

ROUNDS = 5
ITERATIONS = 20000


def best_of(bench: object) -> float:
    """The lowest microseconds-per-pair figure over ROUNDS runs."""
    assert callable(bench)
    return min(float(bench(ITERATIONS)) for _ in range(ROUNDS))


def main() -> None:
    """Run both benchmarks and print the figures."""
    print(f"python {platform.python_version()} on {platform.machine()}")
    v6 = best_of(bench_v6)
    v4 = best_of(bench_v4)
    print(f"DHCPv6 Solicit decode + Advertise encode: {v6:.2f} us/pair (target <= 15)")
    print(f"DHCPv4 Discover decode + Offer encode:    {v4:.2f} us/pair")


if __name__ == "__main__":
    main()
