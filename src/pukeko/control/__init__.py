"""Management commands: the registry, the command modules and the control-channel transports."""

from __future__ import annotations

from pukeko.control.commands_classes import CLASS_COMMANDS
from pukeko.control.commands_core import CORE_COMMANDS
from pukeko.control.commands_hosts import HOST_COMMANDS
from pukeko.control.commands_leases6 import LEASE6_COMMANDS
from pukeko.control.commands_networks6 import NETWORK_COMMANDS
from pukeko.control.commands_statlease import STAT_LEASE_COMMANDS
from pukeko.control.commands_stats import STATS_COMMANDS
from pukeko.control.commands_subnets6 import SUBNET_COMMANDS
from pukeko.control.registry import Registry


def server_registry(family: int) -> Registry:
    """The registry of a DHCP server daemon (``family`` 6 or 4): core and statistic commands."""
    return Registry(
        family,
        (
            *CORE_COMMANDS,
            *STATS_COMMANDS,
            *LEASE6_COMMANDS,
            *STAT_LEASE_COMMANDS,
            *SUBNET_COMMANDS,  # subnet_cmds: subnets
            *NETWORK_COMMANDS,  # subnet_cmds: shared networks
            *CLASS_COMMANDS,  # class_cmds
            *HOST_COMMANDS,  # host_cmds
        ),
    )
