"""Parts of the ``pukeko-dhcp6`` daemon: the lease store of a configuration, the engine slot the
packet loop calls, what a new configuration prepares before it is applied, and file writing.
"""

from __future__ import annotations

import json
import logging
from typing import TYPE_CHECKING

from pukeko.config.control_sockets import unix_socket_name
from pukeko.config.errors import ConfigErrors
from pukeko.config.model import Config
from pukeko.control.unix import UnixControlServer
from pukeko.io.serverid_file import ServerDuid, data_directory
from pukeko.leases.memfile import memfile_store6, settings_from_config
from pukeko.leases.memory import IndexedLeaseStore6
from pukeko.leases.store import LeaseStoreError
from pukeko.server.dhcp6.engine import Dhcp6Engine
from pukeko.server.outcome import LinkInfo, Outcome

if TYPE_CHECKING:
    from pukeko.io.daemon_http import PreparedHttp

FAMILY = 6


class StartupError(Exception):
    """The daemon cannot start: the text goes to stderr and the exit status is 1."""


def config_errors(exc: ConfigErrors) -> list[str]:
    """One line per configuration error."""
    return [str(error) for error in exc.errors]


def lease_store_for(config: Config) -> IndexedLeaseStore6:
    """The (not yet opened) lease store of ``lease-database``; LeaseStoreError when unsupported."""
    database = config.lease_database
    kind = database.get("type", "memfile")
    if kind != "memfile":
        raise LeaseStoreError(f"lease database type '{kind}' is not supported (memfile only)")
    settings = settings_from_config(database, FAMILY, data_directory(config))
    return memfile_store6(settings, logger=logging.getLogger("kea-dhcp6.dhcpsrv"))


def config_summary(config: Config) -> str:
    """Kea's configuration summary (SrvConfig::getConfigSummary for DHCPv6)."""
    ddns = "enabled" if config.dhcp_ddns.get("enable-updates") is True else "disabled"
    return f"added IPv6 subnets: {len(config.all_subnets)}; DDNS: {ddns}"


def control_path(config: Config | None) -> str:
    """The UNIX control socket of ``control-socket`` / ``control-sockets`` ('' for none)."""
    if config is None:
        return ""
    sockets = {
        "control-socket": config.control_socket,
        "control-sockets": config.extra.get("control-sockets"),
    }
    return unix_socket_name(sockets)


def store_key(config: Config | None) -> object:
    if config is None:
        return None
    return (json.dumps(dict(config.lease_database), sort_keys=True), data_directory(config))


class EngineSlot:
    """The engine the packet loop calls; swapped for a new one on reconfiguration."""

    def __init__(self, engine: Dhcp6Engine) -> None:
        self.engine = engine

    def process6(self, data: bytes, link: LinkInfo, now: float) -> Outcome:
        """Hand the datagram to the current engine."""
        return self.engine.process6(data, link, now)


class PreparedConfig:
    """What a new configuration needs that may fail, made before anything running changes."""

    def __init__(self) -> None:
        self.duid: ServerDuid | None = None
        self.store: IndexedLeaseStore6 | None = None
        self.control: UnixControlServer | None = None
        self.control_path = ""
        self.http: PreparedHttp | None = None  # HTTP(S) control listeners (io.daemon_http)
        # ids of subnets a subnet command left as they were: their allocation state carries over
        self.unchanged_subnets: frozenset[int] | None = None

    async def discard(self) -> None:
        """Undo: close what was opened for a configuration that is not applied."""
        if self.control is not None:
            await self.control.stop()
        if self.http is not None:
            await self.http.discard()
        if self.store is not None:
            await self.store.close()
