"""A fake running daemon for the control-command tests: records what the commands asked for."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC
from typing import Any

from pukeko.control import server_registry
from pukeko.control.handle import CommandContext, status_arguments
from pukeko.control.registry import Registry
from pukeko.server.stats import StatsManager

NOW = 1_700_000_000.0  # 2023-11-14 22:13:20 UTC


@dataclass
class FakeServer:
    """Implements pukeko.control.handle.ServerHandle in memory."""

    config: dict[str, Any] = field(default_factory=lambda: {"Dhcp6": {"server-tag": "x"}})
    config_file: str = "/etc/pukeko/pukeko-dhcp6.conf"
    errors: list[str] = field(default_factory=list)  # what config_test/set/reload report
    written: dict[str, int] = field(default_factory=dict)
    write_error: OSError | None = None
    calls: list[tuple[Any, ...]] = field(default_factory=list)
    globals_set: dict[str, Any] = field(default_factory=dict)
    command_delay: float = 0.0
    commands_begun: int = 0  # delayed commands that have started (tests wait on it)

    def config_get(self) -> dict[str, Any]:
        return self.config

    async def config_test(self, config: dict[str, Any]) -> Sequence[str]:
        self.calls.append(("config_test", config))
        return list(self.errors)

    async def config_set(self, config: dict[str, Any]) -> Sequence[str]:
        self.calls.append(("config_set", config))
        if not self.errors:
            self.config = config
        return list(self.errors)

    async def config_reload(self) -> Sequence[str]:
        self.calls.append(("config_reload",))
        return list(self.errors)

    async def config_write(self, filename: str) -> tuple[str, int]:
        self.calls.append(("config_write", filename))
        if self.write_error is not None:
            raise self.write_error
        self.written[filename] = 123
        return filename, 123

    def set_configured_global(self, name: str, value: Any) -> None:
        self.globals_set[name] = value

    def dhcp_disable(self, max_period: int | None, origin: str) -> None:
        self.calls.append(("dhcp_disable", max_period, origin))

    def dhcp_enable(self, origin: str) -> None:
        self.calls.append(("dhcp_enable", origin))

    async def leases_reclaim(self, remove: bool) -> None:
        self.commands_begun += 1
        if self.command_delay:
            await asyncio.sleep(self.command_delay)
        self.calls.append(("leases_reclaim", remove))

    def shutdown(self, exit_value: int) -> None:
        self.calls.append(("shutdown", exit_value))

    def status(self) -> dict[str, Any]:
        return status_arguments(pid=4242, uptime=10, reload=5)

    def version(self) -> str:
        return "0.1.0"

    def extended_version(self) -> str:
        return "0.1.0\nrelease\nlinked with:\nCPython 3.11"

    def build_report(self) -> str:
        return "Pukeko configuration report"


def make_context(family: int = 6, server: FakeServer | None = None) -> CommandContext:
    """A registry with every server command and a fake daemon behind it, clock fixed at NOW."""
    registry: Registry = server_registry(family)
    return CommandContext(
        family=family,
        server=server or FakeServer(),
        stats=StatsManager(),
        registry=registry,
        clock=lambda: NOW,
        tz=UTC,
    )


def run(context: CommandContext, command: dict[str, Any] | bytes | str) -> dict[str, Any]:
    """Dispatch one command synchronously (a fresh event loop) and return the answer."""
    return asyncio.run(context.registry.dispatch(command, context))
