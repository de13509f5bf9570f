"""Network namespaces created by the tests themselves (root only)."""

from __future__ import annotations

import os
import subprocess
import uuid
from collections.abc import Iterator
from contextlib import contextmanager


def can_use_netns() -> bool:
    """True when this process may create network namespaces."""
    return (
        os.geteuid() == 0
        and subprocess.run(["ip", "netns", "list"], capture_output=True, check=False).returncode
        == 0
    )


def _ip(*args: str) -> None:
    subprocess.run(["ip", *args], check=True, capture_output=True)


@contextmanager
def namespace_with_interfaces(
    names: list[str], addresses: dict[str, str] | None = None
) -> Iterator[str]:
    """A fresh namespace holding veth interfaces called ``names`` (peers inside it too)."""
    ns = f"pk-{uuid.uuid4().hex[:8]}"
    _ip("netns", "add", ns)
    try:
        _ip("-n", ns, "link", "set", "lo", "up")
        for index, name in enumerate(names):
            peer = f"pkpeer{index}"
            _ip("-n", ns, "link", "add", name, "type", "veth", "peer", "name", peer)
            _ip("-n", ns, "link", "set", name, "up")
            _ip("-n", ns, "link", "set", peer, "up")
        for name, address in (addresses or {}).items():
            _ip("-n", ns, "addr", "add", address, "dev", name, "nodad")
        yield ns
    finally:
        subprocess.run(["ip", "netns", "del", ns], capture_output=True, check=False)
