"""Management commands: the registry, the command modules and the control-channel transports."""

from __future__ import annotations

from pukeko.control.commands_core import CORE_COMMANDS
from pukeko.control.commands_stats import STATS_COMMANDS
from pukeko.control.registry import Registry


def server_registry(family: int) -> Registry:
    """The registry of a DHCP server daemon (``family`` 6 or 4): core and statistic commands."""
    return Registry(family, (*CORE_COMMANDS, *STATS_COMMANDS))
