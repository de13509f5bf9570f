"""The DHCPv6 daemon's lifecycle: startup, (re)configuration, lease writes, timers and stop.

:class:`Daemon6Base` holds the running parts (configuration, lease store, engine, statistics,
sockets, control listeners) and applies configurations; :class:`pukeko.io.daemon6.Daemon6` adds
the :class:`pukeko.control.handle.ServerHandle` the management commands use. See
:mod:`pukeko.io.daemon6` for the startup order and the differences from Kea.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import json
import logging
import os
import sys
import time
from collections.abc import Awaitable, Callable, Coroutine, Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any, TextIO, cast

import pukeko
from pukeko.config.errors import ConfigErrors
from pukeko.config.load import LoadResult, load_config
from pukeko.config.model import Config
from pukeko.control import server_registry
from pukeko.control.handle import CommandContext

if TYPE_CHECKING:
    from pukeko.control.handle import ServerHandle
from pukeko.control.unix import ControlSocketError, UnixControlServer
from pukeko.hosts.memory import MemoryHostStore
from pukeko.hosts.store import HostStoreError
from pukeko.io.daemon_http import HttpListeners, http_specs
from pukeko.io.daemon_parts import (
    EngineSlot,
    PreparedConfig,
    StartupError,
    config_errors,
    config_summary,
    control_path,
    lease_store_for,
    store_key,
)
from pukeko.io.daemon_reclaim import Reclaimer
from pukeko.io.daemon_stats import commit_statistics, set_startup_statistics
from pukeko.io.daemon_subnet_stats import commit_subnet_changes
from pukeko.io.lognames import logger_for_message
from pukeko.io.logsetup import KeaLogging, LogSetupError
from pukeko.io.pidfile import PidFile, PidFileExists, already_running_text, daemon_pid_file
from pukeko.io.runtime6 import Service6, ServiceState, StorePersistence
from pukeko.io.serverid_file import HwAddrSource, ServerDuid, data_directory, load_server_duid
from pukeko.io.udp6 import SERVER_PORT, listen_config
from pukeko.leases.memory import IndexedLeaseStore6
from pukeko.leases.model import Lease6, LeaseChange
from pukeko.leases.sanity import check_leases
from pukeko.leases.store import LeaseStoreError
from pukeko.server.dhcp6.alloc_adapter import StateAllocation, allocation_for
from pukeko.server.dhcp6.ddns6 import ddns_service
from pukeko.server.dhcp6.engine import Dhcp6Engine
from pukeko.server.dhcp6.serverid import ServerIdError
from pukeko.server.outcome import LogEvent
from pukeko.server.stats import StatsManager

PROCESS_NAME = "pukeko-dhcp6"
FAMILY = 6
VERSION_TYPE = "pukeko"
LFC_CHECK_SECONDS = 60.0  # how often the lease file cleanup is asked whether it is due
DBG_BASIC = 40  # Kea DBG_DHCP6_BASIC
LEASE_PAGE = 10_000  # leases read per page for the sanity checks at load


@contextlib.contextmanager
def bulk_load() -> Iterator[None]:
    """No cyclic garbage collection while a lease file loads, and none of it afterwards.

    Loading creates millions of long-lived objects and no cycles: each automatic collection
    would rescan all of them. Afterwards ``gc.freeze()`` moves them out of the collector's sight,
    so later collections (per packet) do not walk the whole lease table either.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if was_enabled:
            gc.enable()


class Daemon6Base:
    """One DHCPv6 server's running parts and how configurations are applied to them."""

    def __init__(
        self,
        config_file: str,
        *,
        verbose: bool = False,
        server_port: int = SERVER_PORT,
        client_port: int = 0,
        clock: Callable[[], float] = time.time,
        env: dict[str, str] | None = None,
        open_sockets: bool = True,
        hwaddr_source: HwAddrSource | None = None,
        err: TextIO | None = None,
    ) -> None:
        self._config_file = config_file
        self.verbose = verbose
        self.server_port = server_port or SERVER_PORT
        self.client_port = client_port
        self.clock = clock
        self.env: dict[str, str] = dict(os.environ) if env is None else env
        self.open_sockets = open_sockets
        self.hwaddr_source = hwaddr_source
        self.err = err or sys.stderr
        self.logging = KeaLogging(verbose=verbose, env=self.env)
        self.stats = StatsManager()
        self.state = ServiceState()
        self.registry = server_registry(FAMILY)
        # Daemon6 (pukeko.io.daemon6), the ServerHandle, is the only class ever instantiated.
        handle = cast("ServerHandle", self)
        self.context = CommandContext(FAMILY, handle, self.stats, self.registry, clock)
        self.reclaimer = Reclaimer(self._write, self.stats, self._emit, clock)
        self.config: Config | None = None
        self.pid_file: PidFile | None = None
        self.duid: ServerDuid | None = None
        self.store: IndexedLeaseStore6 | None = None
        # The host reservations served (the configuration's, rebuilt on each (re)configure).
        self.hosts: MemoryHostStore | None = None
        self._prepared_hosts: MemoryHostStore | None = None
        self.allocation: StateAllocation | None = None
        self.persistence: StorePersistence[Any] | None = None
        self.slot: EngineSlot | None = None
        self.service: Service6 | None = None
        self.control: UnixControlServer | None = None
        # HTTP(S) control listeners (control-socket / control-sockets of type http, https).
        self.http = HttpListeners(lambda m: self.registry.dispatch(m, self.context))
        self.exit_value = 0
        self.started_at = self.reloaded_at = clock()
        self.overrides: dict[str, Any] = {}
        self._timers: list[asyncio.Task[None]] = []
        self._background: set[asyncio.Task[Any]] = set()
        self._stopping = asyncio.Event()
        self._stopped = False
        self._reconfig_lock = asyncio.Lock()
        self._lease_lock = asyncio.Lock()

    # ------------------------------------------------------------------ logging

    def _emit(self, events: Iterable[LogEvent]) -> None:
        self.logging.emit(events)

    def _log(self, severity: str, message_id: str, text: str, debuglevel: int = 0) -> None:
        self.logging.emit([LogEvent(severity, message_id, text, debuglevel)])

    # ------------------------------------------------------------------ startup

    async def start(self) -> None:
        """Run the startup sequence; StartupError (after logging why) when it cannot finish."""
        try:
            await self._start()
        except StartupError:
            self.logging.close()
            raise

    async def _start(self) -> None:
        version = pukeko.__version__
        text = f"Pukeko DHCPv6 server version {version} ({VERSION_TYPE}) starting"
        self._log("INFO", "DHCP6_STARTING", text)
        config = self._startup_config()
        try:
            self.logging.configure(config.loggers)
        except LogSetupError as exc:
            raise StartupError(f"{PROCESS_NAME}: {self._prepare_error(exc)}") from exc
        self._acquire_pid_file()
        prepared = PreparedConfig()
        try:
            await self._prepare(config, None, prepared)
        except StartupError:
            await prepared.discard()
            self._release_pid_file()
            raise
        self._commit(config, None, prepared)
        set_startup_statistics(self.stats, self.clock())
        assert self.store is not None
        commit_statistics(self.stats, config, self.store.view, self.clock())
        if self.open_sockets:
            self._start_service(config)
        self.started_at = self.reloaded_at = self.clock()
        self._log("INFO", "DHCP6_STARTED", f"Pukeko DHCPv6 server version {version} started")

    def _startup_config(self) -> Config:
        try:
            result = self.load_file()
        except OSError as exc:
            text = f"Unable to open file {self._config_file}: {exc.strerror or exc}"
            self._log("ERROR", "DHCP6_INIT_FAIL", f"failed to initialize Kea server: {text}")
            raise StartupError(f"{PROCESS_NAME}: {text}") from exc
        except ConfigErrors as exc:
            lines = config_errors(exc)
            reason = f"configuration error using file: {self._config_file}, reason: {lines[0]}"
            self._log("ERROR", "DHCP6_CONFIG_LOAD_FAIL", reason)
            head = f"Error encountered: {len(lines)} error(s) in {self._config_file}"
            raise StartupError("\n  ".join([head, *lines])) from exc
        for warning in result.warnings:
            text = f"configuration syntax warning: {warning}"
            self._log("WARN", "DHCP6_CONFIG_SYNTAX_WARNING", text)
        return result.config

    def _acquire_pid_file(self) -> None:
        pid_file = daemon_pid_file(self._config_file, PROCESS_NAME, self.env)
        try:
            pid_file.acquire()
        except PidFileExists as exc:
            self._log("FATAL", "DHCP6_ALREADY_RUNNING", f"{PROCESS_NAME} already running? {exc}")
            raise StartupError(already_running_text(PROCESS_NAME, exc)) from exc
        except OSError as exc:
            text = f"cannot write the PID file {pid_file.path}: {exc.strerror or exc}"
            self._log("FATAL", "DHCP6_SERVER_FAILED", f"server failed: {text}")
            raise StartupError(f"{PROCESS_NAME}: Fatal error during start up: {text}") from exc
        self.pid_file = pid_file

    def _release_pid_file(self) -> None:
        if self.pid_file is not None:
            self.pid_file.remove()
            self.pid_file = None

    def _start_service(self, config: Config) -> None:
        assert self.slot is not None and self.persistence is not None
        self.service = Service6(
            self.slot,
            self.persistence,
            self.stats,
            self._emit,
            listen_config(config.interfaces),
            on_fatal=self._sockets_failed,
            server_port=self.server_port,
            client_port=self.client_port,
            state=self.state,
        )
        self.service.start(asyncio.get_running_loop())

    def _sockets_failed(self, text: str) -> None:
        self._log("ERROR", "DHCP6_OPEN_SOCKETS_FAILED", text)
        self.shutdown(1)

    # ------------------------------------------------------------------ configuration

    def load_file(self) -> LoadResult:
        """Read and load the ``-c`` file (OSError, ConfigErrors)."""
        from pukeko.cli.daemon import load_file  # the CLI module owns include resolution

        return load_file(FAMILY, self._config_file)

    async def _prepare(
        self,
        config: Config,
        previous: Config | None,
        out: PreparedConfig,
    ) -> None:
        """Make everything of ``config`` that may fail; StartupError with the reason."""
        try:
            if (
                previous is None
                or previous.server_id != config.server_id
                or (data_directory(previous) != data_directory(config))
            ):
                out.duid = self._make_duid(config)
            if store_key(previous) != store_key(config):
                out.store = lease_store_for(config)
                with bulk_load():
                    await out.store.open()
                await self._check_loaded_leases(out.store, config)
            self._prepared_hosts = self._host_store(config)
            out.control_path = control_path(config)
            if out.control_path and out.control_path != control_path(previous):
                control = self._control_server(out.control_path)
                await control.start()
                out.control = control
            # unchanged listeners are kept (daemon_http): kept-alive API connections stay
            out.http = await self.http.prepare(http_specs(config))
            if previous is not None:
                self.logging.configure(config.loggers)
        except (LeaseStoreError, OSError, ServerIdError, LogSetupError) as exc:
            raise StartupError(self._prepare_error(exc)) from exc

    @staticmethod
    def _host_store(config: Config) -> MemoryHostStore:
        """The configuration's reservations (a bad one refuses the configuration)."""
        try:
            return MemoryHostStore.from_config(config)
        except HostStoreError as exc:
            raise StartupError(f"host reservations: {exc}") from exc

    async def _check_loaded_leases(self, store: IndexedLeaseStore6, config: Config) -> None:
        """Kea's ``sanity-checks`` on the leases just loaded; fixes and drops are stored."""
        leases: list[Lease6] = []
        after = None
        while page := await store.page(after, LEASE_PAGE):
            leases.extend(page)
            after = page[-1].address
        result = check_leases(leases, config)
        self.logging.emit(result.log)
        if result.changes:
            await store.apply(result.changes)

    def _make_duid(self, config: Config) -> ServerDuid:
        data_dir = data_directory(config)
        if self.hwaddr_source is None:
            duid = load_server_duid(config.server_id, data_dir, self.clock())
        else:
            duid = load_server_duid(config.server_id, data_dir, self.clock(), self.hwaddr_source)
        where = duid.path or "(not persisted)"
        text = f"server is using server-id {duid.duid.hex(':')} and stores in the file {where}"
        self._log("INFO", "DHCP6_USING_SERVERID", text)
        return duid

    @staticmethod
    def _prepare_error(exc: BaseException) -> str:
        if isinstance(exc, LeaseStoreError):
            return f"Unable to open database: {exc}"
        if isinstance(exc, ServerIdError):
            return f"unable to configure server identifier: {exc}"
        if isinstance(exc, ControlSocketError):
            return f"unable to open the control socket: {exc.strerror or exc}"
        if isinstance(exc, LogSetupError):
            return f"unable to configure logging: {exc}"
        assert isinstance(exc, OSError)
        return f"{exc.strerror or exc}" + (f": {exc.filename}" if exc.filename else "")

    def _control_server(self, path: str) -> UnixControlServer:
        async def dispatch(raw: bytes) -> Any:
            return await self.registry.dispatch(raw, self.context)

        return UnixControlServer(path, dispatch, logger=logging.getLogger("kea-dhcp6.commands"))

    def _commit(self, config: Config, previous: Config | None, prepared: PreparedConfig) -> None:
        """Switch to ``config`` (nothing here may fail: ``_prepare`` did the fallible parts)."""
        old_store = None
        if prepared.duid is not None:
            self.duid = prepared.duid
        if prepared.store is not None:
            old_store, self.store = self.store, prepared.store
        assert self.store is not None and self.duid is not None
        unchanged = prepared.unchanged_subnets
        if unchanged is not None and self.allocation is not None and prepared.store is None:
            allocation = allocation_for(config, previous=self.allocation, unchanged=unchanged)
            changed = (s.id for s in config.all_subnets if s.id not in unchanged)
            allocation.rebuild_subnets(self.store.view, changed)
        else:
            allocation = allocation_for(config)
            allocation.rebuild(self.store.view)
        if self._prepared_hosts is not None:
            self.hosts, self._prepared_hosts = self._prepared_hosts, None
        engine = Dhcp6Engine(
            config,
            self.store.view,
            self.duid.duid,
            allocation,
            apply_changes=allocation.apply,
            debuglevel=self.logging.max_debuglevel(),
            log_matches=self.logging.enabled(
                logger_for_message("EVAL_RESULT", self.logging.root), "INFO"
            ),
            hosts=self.hosts.view6 if self.hosts is not None else None,
            previous=self.slot.engine.plan if unchanged is not None and self.slot else None,
            unchanged=unchanged or frozenset(),
        )
        self.allocation = allocation
        if self.persistence is None:
            self.persistence = StorePersistence(self.store, allocation.apply)
        self.persistence.store = self.store
        self.persistence.allocation_apply = allocation.apply
        if self.slot is None:
            self.slot = EngineSlot(engine)
        self.slot.engine = engine
        self._switch_control(prepared)
        self.config = config
        self.overrides = {}
        self.reclaimer.ddns = ddns_service(config)
        self.registry.set_hooks(hook.library for hook in config.hooks_libraries)
        self._start_timers(config)
        if old_store is not None:
            self._spawn(old_store.close())
        text = f"DHCPv6 server has completed configuration: {config_summary(config)}"
        self._log("INFO", "DHCP6_CONFIG_COMPLETE", text)

    def _switch_control(self, prepared: PreparedConfig) -> None:
        old = self.control
        if prepared.control is not None:
            self.control = prepared.control
        elif not prepared.control_path:
            self.control = None
        if old is not None and old is not self.control:
            # In a task of its own: the command that asked for this may still be answering.
            self._spawn(old.stop())
        if prepared.http is not None:
            for replaced in self.http.commit(prepared.http):
                self._spawn(replaced.stop())

    async def _reconfigure(
        self, config: Config, *, changed_subnets_only: bool = False
    ) -> list[str]:
        """Apply ``config`` to the running server; the errors (nothing changed) or [].

        ``changed_subnets_only``: the statistics of unchanged subnets are kept (subnet commands).
        """
        async with self._reconfig_lock:
            previous = self.config
            prepared = PreparedConfig()
            if changed_subnets_only and previous is not None:
                prepared.unchanged_subnets = unchanged_subnets(previous, config)
            try:
                await self._prepare(config, previous, prepared)
            except StartupError as exc:
                await prepared.discard()
                return [str(exc)]
            async with self._lease_lock:
                if prepared.store is not None:
                    await self._drain()
                self._commit(config, previous, prepared)
            assert self.store is not None
            if changed_subnets_only and previous is not None:
                commit_subnet_changes(self.stats, config, previous, self.store.view, self.clock())
            else:
                commit_statistics(self.stats, config, self.store.view, self.clock(), previous)
            if self.service is not None and (
                previous is None or previous.interfaces != config.interfaces
            ):
                self.service.reconfigure(listen_config(config.interfaces))
            self.reloaded_at = self.clock()
            return []

    async def _drain(self) -> None:
        """Wait until no packet waits for a lease write (before the store is replaced)."""
        packets = self.service.packets if self.service is not None else None
        if packets is not None:
            await packets.settle()

    def _load_map(self, config: dict[str, Any], source: str) -> LoadResult | list[str]:
        try:
            return load_config(json.dumps(config), family=FAMILY, source=source)
        except ConfigErrors as exc:
            return config_errors(exc)

    # ------------------------------------------------------------------ lease writes and timers

    async def _write(self, changes: Sequence[LeaseChange]) -> None:
        """Write lease changes made outside packet processing (reclamation, flush)."""
        assert self.persistence is not None
        token = self.persistence.reserve(changes)
        if self.persistence.allocation_apply is not None:
            self.persistence.allocation_apply(changes)
        await self.persistence.commit(token)

    async def reclaim_expired(self, *, remove: bool | None = None, limits: bool = True) -> int:
        """One reclamation pass with the configured limits (or none, for ``leases-reclaim``)."""
        assert self.config is not None and self.store is not None
        exp = self.config.expired_leases_processing
        if remove is None:
            remove = exp.flush_reclaimed_timer_wait_time == 0
        async with self._lease_lock:
            return await self.reclaimer.reclaim(
                self.store.view,
                max_leases=exp.max_reclaim_leases if limits else 0,
                timeout_ms=exp.max_reclaim_time if limits else 0,
                remove=remove,
                unwarned_cycles=exp.unwarned_reclaim_cycles if limits else 0,
            )

    async def flush_reclaimed(self) -> int:
        """Delete reclaimed leases older than ``hold-reclaimed-time``."""
        assert self.config is not None and self.store is not None
        hold = self.config.expired_leases_processing.hold_reclaimed_time
        async with self._lease_lock:
            view = self.store.view
            return await self.reclaimer.flush(view, list(view), hold)

    async def run_lfc(self) -> bool:
        """Start the lease file cleanup when ``lfc-interval`` says it is due."""
        assert self.store is not None
        return await self.store.maybe_run_lfc(self.clock())

    def _start_timers(self, config: Config) -> None:
        for task in self._timers:
            task.cancel()
        self._timers = []
        with contextlib.suppress(RuntimeError):  # no running loop: nothing to schedule
            asyncio.get_running_loop()
            exp = config.expired_leases_processing
            if exp.reclaim_timer_wait_time > 0:
                self._timers.append(self._every(exp.reclaim_timer_wait_time, self.reclaim_expired))
            if exp.flush_reclaimed_timer_wait_time > 0:
                wait = exp.flush_reclaimed_timer_wait_time
                self._timers.append(self._every(wait, self.flush_reclaimed))
            self._timers.append(self._every(LFC_CHECK_SECONDS, self.run_lfc, at_once=True))

    def _every(
        self, seconds: float, action: Callable[[], Awaitable[object]], at_once: bool = False
    ) -> asyncio.Task[None]:
        async def repeat() -> None:
            if not at_once:
                await asyncio.sleep(seconds)
            while True:
                try:
                    await action()
                except asyncio.CancelledError:
                    raise
                except Exception as exc:  # a timer must never stop the server
                    text = f"{action.__name__}: {exc}"
                    self._log("ERROR", "DHCP6_RECLAIM_EXPIRED_LEASES_FAIL", text)
                await asyncio.sleep(seconds)

        return asyncio.get_running_loop().create_task(repeat())

    def _spawn(self, work: Coroutine[Any, Any, Any]) -> None:
        task = asyncio.get_running_loop().create_task(work)
        self._background.add(task)
        task.add_done_callback(self._background.discard)

    def shutdown(self, exit_value: int) -> None:
        """Begin a clean shutdown; the process exits with ``exit_value``."""
        self._log("DEBUG", "DHCP6_SHUTDOWN_REQUEST", "shutdown of server requested", DBG_BASIC)
        self.exit_value = exit_value
        self._stopping.set()

    async def wait_stopping(self) -> None:
        """Return once a shutdown was requested."""
        await self._stopping.wait()

    async def stop(self) -> None:
        """Stop serving, finish lease writes, close the store, remove the PID file (idempotent)."""
        if self._stopped:
            return
        self._stopped = True
        for task in self._timers:
            task.cancel()
        await asyncio.gather(*self._timers, return_exceptions=True)
        if self.service is not None:
            await self.service.stop()
        if self.control is not None:
            await self.control.stop()
        await self.http.stop()
        if self._background:
            await asyncio.wait(list(self._background), timeout=10.0)
        if self.store is not None:
            await self.store.close()
        self._release_pid_file()
        self._log("INFO", "DHCP6_SHUTDOWN", "server shutdown")
        self.logging.close()


def unchanged_subnets(previous: Config, config: Config) -> frozenset[int] | None:
    """Ids of the subnets ``config`` took over from ``previous`` as they were (the same model
    objects); None when the global reservations changed (every pool's reservations may have)."""
    if config.reservations != previous.reservations:
        return None
    old = previous.subnets_by_id
    return frozenset(sid for sid, sub in config.subnets_by_id.items() if old.get(sid) is sub)
