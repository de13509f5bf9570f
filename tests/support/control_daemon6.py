"""An in-process Daemon6 (memory leases, no service sockets) driven through its registry."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from pukeko.io.daemon6 import Daemon6

T0 = 1_700_000_000.0
HWADDR = (1, bytes.fromhex("0a0b0c0d0e0f"))
SUBNET_HOOK = {"library": "/usr/lib/x86_64-linux-gnu/kea/hooks/libdhcp_subnet_cmds.so"}
CLASS_HOOK = {"library": "/opt/kea/lib/kea/hooks/libdhcp_class_cmds.so"}


class Clock:
    """A settable clock."""

    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> float:
        return self.now


def dhcp6(tmp: Path, **overrides: Any) -> dict[str, Any]:
    """A Dhcp6 configuration with the subnet_cmds and class_cmds hooks and one subnet."""
    conf: dict[str, Any] = {
        "interfaces-config": {"interfaces": []},
        "lease-database": {"type": "memfile", "persist": False},
        "data-directory": str(tmp),
        "server-id": {"type": "LLT", "persist": False},
        "expired-leases-processing": {"reclaim-timer-wait-time": 0},
        "loggers": [{"name": "kea-dhcp6", "severity": "WARN", "output_options": []}],
        "hooks-libraries": [SUBNET_HOOK, CLASS_HOOK],
        "subnet6": [
            {
                "id": 1,
                "subnet": "2001:db8:1::/64",
                "pools": [{"pool": "2001:db8:1::10 - 2001:db8:1::1f"}],
                "pd-pools": [{"prefix": "2001:db8:8::", "prefix-len": 56, "delegated-len": 64}],
            }
        ],
    }
    conf.update(overrides)
    return {"Dhcp6": conf}


class Running:
    """A started daemon and a way to send it commands."""

    def __init__(self, daemon: Daemon6, clock: Clock) -> None:
        self.daemon = daemon
        self.clock = clock

    async def command(self, name: str, arguments: Any = None, **extra: Any) -> dict[str, Any]:
        """The answer to one command (``arguments`` left out when None)."""
        message: dict[str, Any] = {"command": name, **extra}
        if arguments is not None:
            message["arguments"] = arguments
        return await self.daemon.registry.dispatch(json.dumps(message), self.daemon.context)

    def stat(self, name: str) -> object:
        """A statistic's current value (None when missing)."""
        return self.daemon.stats.value(name, None)


def new_daemon(path: Path, directory: Path, clock: Clock | None = None) -> Daemon6:
    """An in-process daemon (not started) on the configuration file ``path``: memory or file
    leases as configured, no service sockets, its PID file in ``directory``."""
    return Daemon6(
        str(path),
        clock=clock or Clock(),
        env={"KEA_PIDFILE_DIR": str(directory)},
        open_sockets=False,
        hwaddr_source=lambda: HWADDR,
    )


def run_daemon(tmp: Path, test: Callable[[Running], Awaitable[None]], **overrides: Any) -> None:
    """Start a daemon on :func:`dhcp6` (with ``overrides``), run ``test``, stop it."""

    async def main() -> None:
        clock = Clock()
        path = tmp / "pukeko-dhcp6.conf"
        path.write_text(json.dumps(dhcp6(tmp, **overrides)))
        daemon = new_daemon(path, tmp, clock)
        await daemon.start()
        try:
            await test(Running(daemon, clock))
        finally:
            await daemon.stop()

    asyncio.run(main())
