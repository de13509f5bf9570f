"""Shared skips for the system tests (root, namespaces, Kea, perfdhcp, the Pukeko daemon)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from tests.support.netns import can_use_netns
from tests.support.servers import PUKEKO_DHCP6, REPO, kea_dhcp6


def require_netns() -> None:
    """Skip unless this process may create network namespaces."""
    if not can_use_netns():
        pytest.skip("needs root to create network namespaces")


def require_kea() -> None:
    """Skip unless kea-dhcp6 (Kea 2.2) is installed."""
    if kea_dhcp6() is None:
        pytest.skip("kea-dhcp6 (Kea 2.2) is not installed (apt-get install kea-dhcp6-server)")


def require_perfdhcp() -> str:
    """Path of perfdhcp; skip when absent."""
    path = shutil.which("perfdhcp") or (
        "/usr/sbin/perfdhcp" if Path("/usr/sbin/perfdhcp").exists() else None
    )
    if path is None:
        pytest.skip("perfdhcp is not installed (apt-get install kea-admin / isc-kea-perfdhcp)")
    return path


def pukeko_daemon_missing() -> str | None:
    """Why the Pukeko DHCPv6 daemon cannot run yet, or None when it can."""
    if not PUKEKO_DHCP6.exists():
        return f"{PUKEKO_DHCP6} is not installed"
    if not (REPO / "src" / "pukeko" / "io" / "daemon6.py").exists():
        return "the pukeko-dhcp6 service (src/pukeko/io/daemon6.py) is not built yet"
    return None
