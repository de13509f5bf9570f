"""System tests: real processes in network namespaces (root, iproute2 and dhclient needed)."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.support.dhcp6_daemon import Link, dhcp6_link, have_dhclient
from tests.support.netns import can_use_netns


@pytest.fixture
def work() -> Iterator[Path]:
    """A short work directory (UNIX socket paths are limited to 107 bytes)."""
    path = Path(tempfile.mkdtemp(prefix="pkst-"))
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


@pytest.fixture
def link(work: Path) -> Iterator[Link]:
    """A server and a client namespace joined by a veth pair; skips without root or dhclient."""
    if not can_use_netns():
        pytest.skip("needs root to create network namespaces")
    if not have_dhclient():
        pytest.skip("dhclient is not installed (make run installs isc-dhcp-client)")
    with dhcp6_link(work) as pair:
        yield pair
