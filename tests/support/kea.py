"""Run Kea 2.2 (the reference implementation) beside Pukeko in the tests."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from tests.support.netns import can_use_netns, namespace_with_interfaces

KEA_HOOKS_DIR = Path("/usr/lib/x86_64-linux-gnu/kea/hooks")
EXAMPLES_DIR = Path("/usr/share/doc/kea/examples")
_LIBRARY = re.compile(r'("library"\s*:\s*")([^"]*)(")')


def kea_binary(family: int) -> str | None:
    """Path of kea-dhcp4 / kea-dhcp6, or None when Kea is not installed."""
    return shutil.which(f"kea-dhcp{family}")


def use_installed_hooks(text: str) -> str:
    """Point every hook library whose file Kea ships here at the installed copy."""

    def swap(match: re.Match[str]) -> str:
        local = KEA_HOOKS_DIR / os.path.basename(match.group(2))
        path = str(local) if local.exists() else match.group(2)
        return match.group(1) + path + match.group(3)

    return _LIBRARY.sub(swap, text)


@dataclass(frozen=True)
class KeaVerdict:
    """What ``kea-dhcpN -t`` said about a file."""

    ok: bool
    output: str

    @property
    def missing_hook_file(self) -> bool:
        """Kea refused only because a hook library file is not on this machine."""
        return "HOOKS_OPEN_ERROR" in self.output and "cannot open shared object" in self.output


def kea_check(family: int, path: Path, netns: str | None) -> KeaVerdict:
    """Run ``kea-dhcpN -t path`` (inside ``netns`` when given) and return its verdict."""
    binary = kea_binary(family)
    assert binary is not None
    cmd = [binary, "-t", str(path)]
    if netns:
        cmd = ["ip", "netns", "exec", netns, *cmd]
    env = {**os.environ, "KEA_LOCKFILE_DIR": "none", "KEA_PIDFILE_DIR": str(path.parent)}
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=60, env=env, check=False)
    return KeaVerdict(proc.returncode == 0, proc.stdout + proc.stderr)


@contextmanager
def kea_namespace(interfaces: list[str], addresses: dict[str, str] | None = None) -> Iterator[str]:
    """A namespace holding these interfaces for Kea; skips the test without Kea or root."""
    if not (kea_binary(4) and kea_binary(6)):
        pytest.skip("Kea 2.2 is not installed (make install installs it)")
    if not can_use_netns():
        pytest.skip("needs root to create a network namespace")
    with namespace_with_interfaces(interfaces, addresses) as ns:
        yield ns
