"""Enter a network namespace from the current thread only (setns), and veth links across two.

``setns(CLONE_NEWNET)`` moves the calling thread alone; a socket keeps the namespace it was
created in, so a test can create sockets in several namespaces and drive them all from one event
loop. Python 3.11 has no ``os.setns``: libc's is called through ctypes.
"""

from __future__ import annotations

import ctypes
import os
import subprocess
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

CLONE_NEWNET = 0x40000000
T = TypeVar("T")
_libc = ctypes.CDLL(None, use_errno=True)


def _setns(fd: int) -> None:
    if _libc.setns(fd, CLONE_NEWNET) != 0:
        err = ctypes.get_errno()
        raise OSError(err, os.strerror(err))


@contextmanager
def entered(namespace: str) -> Iterator[None]:
    """Run the block with this thread in ``namespace`` (a name under /var/run/netns)."""
    home = os.open("/proc/thread-self/ns/net", os.O_RDONLY)
    target = os.open(f"/var/run/netns/{namespace}", os.O_RDONLY)
    try:
        _setns(target)
        try:
            yield
        finally:
            _setns(home)
    finally:
        os.close(target)
        os.close(home)


def in_namespace(namespace: str, fn: Callable[[], T]) -> T:
    """Call ``fn`` with this thread in ``namespace``."""
    with entered(namespace):
        return fn()


def ip(*args: str) -> None:
    """Run ``ip`` (raises CalledProcessError with its stderr on failure)."""
    subprocess.run(["ip", *args], check=True, capture_output=True)


def _no_dad(namespace: str) -> None:
    for key in ("all", "default"):
        subprocess.run(
            [
                "ip",
                "netns",
                "exec",
                namespace,
                "sysctl",
                "-qw",
                f"net.ipv6.conf.{key}.accept_dad=0",
            ],
            check=True,
            capture_output=True,
        )


def new_namespace() -> str:
    """A fresh namespace with lo up and duplicate address detection off."""
    name = f"pkio-{uuid.uuid4().hex[:8]}"
    ip("netns", "add", name)
    ip("-n", name, "link", "set", "lo", "up")
    _no_dad(name)
    return name


def add_veth(left_ns: str, left: str, right_ns: str, right: str) -> None:
    """A veth pair ``left`` (in left_ns) <-> ``right`` (in right_ns), both up."""
    ip("-n", left_ns, "link", "add", left, "type", "veth", "peer", "name", right, "netns", right_ns)
    ip("-n", left_ns, "link", "set", left, "up")
    ip("-n", right_ns, "link", "set", right, "up")


def wait_link_local(namespace: str, ifname: str, timeout: float = 5.0) -> str:
    """The interface's link-local address once usable (not tentative)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        out = subprocess.run(
            ["ip", "-n", namespace, "-6", "-o", "addr", "show", "dev", ifname, "scope", "link"],
            capture_output=True,
            text=True,
            check=False,
        ).stdout
        for line in out.splitlines():
            if "tentative" not in line:
                return line.split()[3].split("/")[0]
        time.sleep(0.05)
    raise TimeoutError(f"no usable link-local address on {ifname} in {namespace}")


@contextmanager
def namespaces(count: int) -> Iterator[list[str]]:
    """``count`` fresh namespaces, deleted afterwards."""
    names: list[str] = []
    try:
        for _ in range(count):
            names.append(new_namespace())
        yield names
    finally:
        for name in names:
            subprocess.run(["ip", "netns", "del", name], capture_output=True, check=False)
