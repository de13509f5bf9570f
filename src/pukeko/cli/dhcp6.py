"""``pukeko-dhcp6``: the DHCPv6 server daemon's command line."""

import sys

from pukeko.cli.daemon import run_cli


def main() -> None:
    """Run ``pukeko-dhcp6`` with the process arguments."""
    sys.exit(run_cli(6, sys.argv[1:]))


if __name__ == "__main__":
    main()
