"""Run ``pukeko-dhcp6`` (same arguments) under cProfile; the stats go to ``$PUKEKO_CPROFILE``.

Used by ``profile6.py --cprofile``; the daemon must exit cleanly (SIGTERM) for the file to appear.
"""

from __future__ import annotations

import cProfile
import os
import sys

from pukeko.cli.daemon import run_cli


def main() -> int:
    """Profile the daemon's main thread until it exits."""
    profiler = cProfile.Profile()
    try:
        return profiler.runcall(run_cli, 6, sys.argv[1:])
    finally:
        profiler.dump_stats(os.environ.get("PUKEKO_CPROFILE", "/tmp/pukeko-dhcp6.prof"))


if __name__ == "__main__":
    sys.exit(main())
