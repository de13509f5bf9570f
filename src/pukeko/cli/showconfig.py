"""``python -m pukeko.cli.showconfig FILE [4|6]``: print a configuration as Pukeko understands it.

The output is the configuration rendered back to Kea JSON with every default filled in — what
``config-get`` answers for it.
"""

from __future__ import annotations

import json
import sys

from pukeko.cli.daemon import load_file
from pukeko.config.errors import ConfigErrors
from pukeko.config.render import render


def main(argv: list[str] | None = None) -> int:
    """Load FILE (family from the second argument, else from its top-level key) and print it."""
    args = sys.argv[1:] if argv is None else argv
    if not args:
        print("usage: python -m pukeko.cli.showconfig FILE [4|6]", file=sys.stderr)
        return 1
    family = int(args[1]) if len(args) > 1 else (4 if "dhcp4" in args[0].lower() else 6)
    try:
        result = load_file(family, args[0])
    except (OSError, ConfigErrors) as exc:
        print(exc, file=sys.stderr)
        return 1
    print(json.dumps(render(result.config), indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
