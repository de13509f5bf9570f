"""The ``pukeko-dhcp6`` daemon: assembles configuration, logging, leases, engine, sockets, commands.

:class:`Daemon6` is the :class:`pukeko.control.handle.ServerHandle` the management commands use,
over the lifecycle of :class:`pukeko.io.daemon6_base.Daemon6Base` (startup, configurations,
timers, stop).

Startup, in this order (Kea 2.2 ``bin/dhcp6/main.cc`` and ``ControlledDhcpv6Srv``):

1. default logging (``KEA_LOGGER_*``), DHCP6_STARTING;
2. the configuration file is loaded; every error is printed and the daemon exits with 1;
3. the configuration's ``loggers`` are applied;
4. the PID file (``$KEA_PIDFILE_DIR``, ``<config>.pukeko-dhcp6.pid``): a live server on the same
   configuration makes this one stop with Kea's "already running?" text and exit 1;
5. the server DUID, kept in ``<data-directory>/kea-dhcp6-serverid`` (DHCP6_USING_SERVERID);
6. the lease store of ``lease-database`` (memfile, or memory with ``persist: false``); a lease
   file that cannot be loaded is fatal;
7. the allocator's occupancy from the leases, the engine, the statistics (:mod:`daemon_stats`);
8. the service sockets, the control socket, the timers (reclamation, flush, lease file cleanup);
9. DHCP6_STARTED. SIGHUP and ``config-reload`` re-read the file, ``config-set`` applies a map;
   SIGTERM, SIGINT and ``shutdown`` stop cleanly (DHCP6_SHUTDOWN) with the requested exit value.

Differences from Kea, on purpose:

* a new configuration (SIGHUP, ``config-reload``, ``config-set``) is prepared completely (lease
  store opened, server DUID made, control socket bound, loggers opened) before anything changes;
  when any step fails the running configuration keeps serving and the errors are logged or
  answered (Kea 2.2 exits). DHCP6_DYNAMIC_RECONFIGURATION_FAIL is therefore an ERROR, not FATAL;
* the lease store is reopened (and the lease file reloaded) only when ``lease-database`` or
  ``data-directory`` change, and the service sockets are reopened only when
  ``interfaces-config`` changes (Kea reopens both on every reconfiguration);
* only the ``memfile`` lease database type exists; another type is a configuration error;
* ``status-get`` reports multi-threading as disabled whatever ``multi-threading`` says, because
  Pukeko serves from one thread (with batched, asynchronous lease writes);
* the startup messages keep Kea's message IDs and wording with the product name changed:
  ``DHCP6_STARTING Pukeko DHCPv6 server version 0.1.0 (pukeko) starting``.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
from collections.abc import Sequence
from typing import Any

import pukeko
from pukeko.config.errors import ConfigErrors
from pukeko.config.model import Config
from pukeko.config.render import render
from pukeko.control.handle import status_arguments
from pukeko.ddns.sink import NameChangeSink
from pukeko.hosts.edit import replace_hosts
from pukeko.hosts.memory import MemoryHostStore
from pukeko.hosts.model import Host
from pukeko.io.config_write import apply_persisted, write_atomically, write_config_file
from pukeko.io.daemon6_base import FAMILY, Daemon6Base
from pukeko.io.daemon_parts import (
    StartupError,
    config_errors,
    lease_store_for,
)
from pukeko.leases.csvcodec import HEADER6, lease6_to_line
from pukeko.leases.memfile_lfc import ENCODING as LEASE_FILE_ENCODING
from pukeko.leases.memfile_lfc import ERRORS as LEASE_FILE_ERRORS
from pukeko.leases.memory import IndexedLeaseStore6
from pukeko.leases.model import ChangeKind, LeaseChange, LeaseState, LeaseType
from pukeko.leases.store import LeaseStoreError


class Daemon6(Daemon6Base):
    """One running DHCPv6 server; implements :class:`pukeko.control.handle.ServerHandle`."""

    # ------------------------------------------------------------------ running and stopping

    async def run(self) -> int:
        """Start, serve until shut down, stop; the process exit status."""
        try:
            await self.start()
        except StartupError as exc:
            print(exc, file=self.err)
            return 1
        from pukeko.io.signals import install_signal_handlers

        loop = asyncio.get_running_loop()
        remove = install_signal_handlers(loop, self.request_reload, lambda _s: self.shutdown(0))
        try:
            await self._stopping.wait()
        finally:
            remove()
            await self.stop()
        return self.exit_value

    def request_reload(self) -> None:
        """SIGHUP: re-read the configuration file in the background."""
        self._spawn(self.config_reload())

    # ------------------------------------------------------------------ ServerHandle

    @property
    def config_file(self) -> str:
        """The ``-c`` file."""
        return self._config_file

    def config_get(self) -> dict[str, Any]:
        """The running configuration with every default, as Kea's ``config-get`` shows it."""
        assert self.config is not None
        rendered = render(self.config)
        server = rendered["Dhcp6"]
        assert isinstance(server, dict)
        server.update(self.overrides)
        return rendered

    async def config_test(self, config: dict[str, Any]) -> Sequence[str]:
        """Check a ``{"Dhcp6": ...}`` map without applying it."""
        loaded = self._load_map(config, "<config-test>")
        if isinstance(loaded, list):
            return loaded
        try:
            lease_store_for(loaded.config)
        except LeaseStoreError as exc:
            return [f"Unable to open database: {exc}"]
        return []

    async def config_set(self, config: dict[str, Any]) -> Sequence[str]:
        """Check and apply a ``{"Dhcp6": ...}`` map; on errors the running one stays."""
        loaded = self._load_map(config, "<config-set>")
        errors = loaded if isinstance(loaded, list) else await self._apply_persisted(loaded.config)
        for error in errors:
            text = f"configuration error using file: <config-set>, reason: {error}"
            self._log("ERROR", "DHCP6_CONFIG_LOAD_FAIL", text)
        return errors

    async def config_reload(self) -> Sequence[str]:
        """Re-read the ``-c`` file and apply it; on errors the running configuration stays."""
        file = self._config_file
        text = (
            f"initiate server reconfiguration using file: {file}, "
            "after receiving SIGHUP signal or config-reload command"
        )
        self._log("INFO", "DHCP6_DYNAMIC_RECONFIGURATION", text)
        try:
            errors = await self._reconfigure(self.load_file().config)
        except OSError as exc:
            errors = [f"Unable to open file {file}: {exc.strerror or exc}"]
        except ConfigErrors as exc:
            errors = config_errors(exc)
        if not errors:
            text = f"dynamic server reconfiguration succeeded with file: {file}"
            self._log("INFO", "DHCP6_DYNAMIC_RECONFIGURATION_SUCCESS", text)
            return []
        for error in errors:
            text = f"configuration error using file: {file}, reason: {error}"
            self._log("ERROR", "DHCP6_CONFIG_LOAD_FAIL", text)
        text = f"dynamic server reconfiguration failed with file: {file}; keeping the running one"
        self._log("ERROR", "DHCP6_DYNAMIC_RECONFIGURATION_FAIL", text)
        return errors

    async def config_write(self, filename: str) -> tuple[str, int]:
        """Write the running configuration to ``filename`` (atomically); (path, size)."""
        size = await asyncio.to_thread(write_config_file, filename, self.config_get())
        return filename, size

    def set_configured_global(self, name: str, value: Any) -> None:
        """Show ``name`` with ``value`` in ``config-get`` until the next configuration."""
        self.overrides[name] = value

    def dhcp_disable(self, max_period: int | None, origin: str) -> None:
        """Stop answering clients for ``origin`` (for ``max_period`` seconds when given)."""
        self.state.disable(origin, self.clock(), max_period)
        if max_period:
            with contextlib.suppress(RuntimeError):
                loop = asyncio.get_running_loop()
                loop.call_later(max_period, self.service_enabled)

    def dhcp_enable(self, origin: str) -> None:
        """Resume answering clients for ``origin``."""
        self.state.enable(origin)

    def service_enabled(self) -> bool:
        """True when clients are answered now (a lapsed ``max-period`` re-enables)."""
        return self.state.enabled(self.clock())

    async def leases_reclaim(self, remove: bool) -> None:
        """``leases-reclaim``: reclaim every expired lease now, without limits."""
        await self.reclaim_expired(remove=remove, limits=False)

    def status(self) -> dict[str, Any]:
        """``status-get`` arguments."""
        now = self.clock()
        service = self.service
        return status_arguments(
            pid=os.getpid(),
            uptime=int(now - self.started_at),
            reload=int(now - self.reloaded_at),
            socket_errors=service.socket_errors if service is not None else (),
            retrying=service.retrying if service is not None else False,
        )

    def version(self) -> str:
        """The version (``-v``)."""
        return pukeko.__version__

    def extended_version(self) -> str:
        """The extended version (``-V``)."""
        from pukeko.cli.daemon import extended_version

        return extended_version()

    def build_report(self) -> str:
        """The build report (``-W``)."""
        from pukeko.cli.daemon import config_report

        return config_report()

    # -- subnet_cmds / class_cmds (issue 7: subnet, shared-network and class commands) ----------

    def running_config(self) -> Config:
        """The running configuration's model."""
        assert self.config is not None
        return self.config

    async def config_apply(self, config: Config) -> Sequence[str]:
        """Switch to an already checked ``config`` in one reconfiguration; the errors or [].

        Globals recorded with :meth:`set_configured_global` stay, and only the statistics of
        subnets added, changed or removed are touched (see :mod:`daemon_subnet_stats`).
        """
        overrides = dict(self.overrides)
        errors = await self._apply_persisted(config, overrides, changed_subnets_only=True)
        if not errors:
            self.overrides = overrides
        return errors

    async def subnet_leases_delete(self, subnet_ids: Sequence[int]) -> int:
        """Delete every lease of these subnets: durably, from the allocation state and counts."""
        assert self.store is not None
        async with self._lease_lock:
            view = self.store.view
            doomed = [lease for sid in subnet_ids for lease in list(view.by_subnet(sid))]
            if doomed:
                await self._write([LeaseChange(ChangeKind.DELETE, lease) for lease in doomed])
        if doomed and self.config is not None:
            declined = sum(
                view.count(sid, LeaseType.NA, LeaseState.DECLINED)
                for sid in self.config.subnets_by_id
            )
            self.stats.set("declined-addresses", declined, self.clock())
        return len(doomed)

    # -- lease_cmds / stat_cmds (issue 7: DHCPv6 lease commands and stat-lease6-get) -----------

    def lease_store6(self) -> IndexedLeaseStore6:
        """The lease store (the lease commands' lookups)."""
        assert self.store is not None
        return self.store

    async def apply_lease_changes(self, changes: Sequence[LeaseChange]) -> None:
        """Write lease changes made by a command as the engine's are written: reserved in the
        store and the allocation state, then committed (durable) before this returns."""
        async with self._lease_lock:
            await self._write(changes)

    def name_change_sink(self) -> NameChangeSink:
        """The sink reclamation uses (logs and counts requests until a D2 client exists)."""
        return self.reclaimer.name_changes

    async def write_lease_file6(self, filename: str) -> None:
        """``lease6-write``: every lease, as a Kea CSV lease file, written atomically."""
        assert self.store is not None
        journal = self.store.journal
        paths = getattr(journal, "paths", None)
        if paths is not None and os.path.realpath(filename) in {
            os.path.realpath(path) for path in (paths.current, paths.input, paths.previous)
        }:
            raise ValueError(f"'{filename}' is a lease file in use: write the copy elsewhere")
        lines = [HEADER6 + "\n", *(lease6_to_line(lease) for lease in self.store.view)]
        data = "".join(lines).encode(LEASE_FILE_ENCODING, LEASE_FILE_ERRORS)
        await asyncio.to_thread(write_atomically, filename, data)

    # -- host_cmds (issue 7: reservation commands; persistence of runtime changes) -------------

    def host_store(self) -> MemoryHostStore:
        """The host store the engine reads (rebuilt from the configuration at each change)."""
        assert self.hosts is not None
        return self.hosts

    async def hosts_apply(
        self, base: Config, config: Config, removed: Sequence[Host], added: Sequence[Host]
    ) -> list[str]:
        """Switch from ``base`` to ``config``, which differs from it only in reservations: the
        live host store changes in place, nothing is rebuilt (the engine reads reservations
        from the store only); written to the ``-c`` file first with auto-write. Refused when
        the running configuration is no longer ``base`` (a reload came in between)."""

        async def switch() -> list[str]:
            assert self.hosts is not None
            if self.config is not base:
                return ["the configuration changed while the command ran: try again"]
            problem = await replace_hosts(self.hosts, FAMILY, removed, added)
            if problem is not None:
                return [problem]
            self.config = config
            return []

        async with self._reconfig_lock:
            return await apply_persisted(
                self._config_file, config, lambda: self._document(config), switch, self._log
            )

    def _document(self, config: Config, overrides: dict[str, Any] | None = None) -> dict[str, Any]:
        """``config`` as ``config-get`` would show it once running (with the overrides)."""
        rendered = render(config)
        server = rendered["Dhcp6"]
        assert isinstance(server, dict)
        server.update(dict(self.overrides) if overrides is None else overrides)
        return rendered

    async def _apply_persisted(
        self,
        config: Config,
        overrides: dict[str, Any] | None = None,
        *,
        changed_subnets_only: bool = False,
    ) -> list[str]:
        """Switch to ``config``; with ``pukeko-auto-write-config`` it is written to the ``-c``
        file first, and a failed write refuses it (see :mod:`pukeko.io.config_write`)."""

        return await apply_persisted(
            self._config_file,
            config,
            lambda: self._document(config, overrides or {}),
            lambda: self._reconfigure(config, changed_subnets_only=changed_subnets_only),
            self._log,
        )


def run_daemon6(
    config_file: str, *, verbose: bool = False, server_port: int = 0, client_port: int = 0
) -> int:
    """Run ``pukeko-dhcp6 -c config_file`` until it stops; the exit status."""
    daemon = Daemon6(config_file, verbose=verbose, server_port=server_port, client_port=client_port)
    return asyncio.run(daemon.run())
