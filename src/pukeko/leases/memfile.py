"""The memfile lease backend: Kea 2.2's CSV lease file, made durable with group commit.

Configuration (``lease-database`` with ``"type": "memfile"``; ARM "Memfile - Basic Storage for
Leases"): ``persist`` (default true; false keeps leases in memory only), ``name`` (default
``<data directory>/kea-leases6.csv`` / ``kea-leases4.csv``; Kea's data directory is
``/var/lib/kea``, Pukeko's default is ``/var/lib/pukeko``, and the caller may pass the
configured ``data-directory``), ``lfc-interval`` (seconds, default 3600, 0 disables the
cleanup) and ``max-row-errors`` (default 0: no limit).

Durability beyond Kea: Kea appends a row per change without fsync. Here a reserved batch is
appended and fsync'd before ``commit`` returns (DESIGN.md "Persist before reply"). Batches that
arrive while a write is in flight wait and then share the next single write() + fsync (group
commit). The blocking write runs in a worker thread, never on the event loop. A failed write
truncates the file back to its previous length (best effort), fails every batch that shared it
with LeasePersistError, and the store takes those changes back out of the index.

Lease File Cleanup runs in a worker thread with kea-lfc's file scheme (:mod:`memfile_lfc`); the
runtime's timer calls ``maybe_run_lfc(now)``.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
from collections.abc import Mapping
from dataclasses import dataclass, replace
from functools import partial
from ipaddress import IPv4Address, IPv6Address
from typing import Generic, TypeVar

from pukeko.leases.csvcodec import (
    CODEC4,
    CODEC6,
    CsvError,
    LeaseCodec,
    WriteError,
    lease4_from_fields,
    lease6_from_fields,
)
from pukeko.leases.index import LeaseIndex, LeaseIndex4, LeaseIndex6, LeaseReservation
from pukeko.leases.memfile_lfc import (
    ENCODING,
    ERRORS,
    Fsync,
    LfcPaths,
    cleanup,
    fsync_directory,
    lfc_running,
    read_file,
)
from pukeko.leases.memory import IndexedLeaseStore4, IndexedLeaseStore6, NullJournal
from pukeko.leases.model import Lease4, Lease6
from pukeko.leases.store import InvalidLeaseError, LeaseLoadError, LeasePersistError

L = TypeVar("L", Lease6, Lease4)
DEFAULT_DATA_DIR = "/var/lib/pukeko"
DEFAULT_LFC_INTERVAL = 3600  # ARM: "The default value of the lfc-interval is 3600"
LOGGER = logging.getLogger("pukeko.dhcpsrv")


def _fast_address6(text: str) -> IPv6Address:
    try:
        return IPv6Address(int.from_bytes(socket.inet_pton(socket.AF_INET6, text), "big"))
    except OSError:
        raise ValueError(text) from None


def _fast_address4(text: str) -> IPv4Address:
    try:
        return IPv4Address(int.from_bytes(socket.inet_pton(socket.AF_INET, text), "big"))
    except OSError:
        raise ValueError(text) from None


# The codecs with inet_pton address parsing (several times faster than ipaddress's parser).
FAST_CODEC6: LeaseCodec[Lease6] = replace(
    CODEC6, from_fields=partial(lease6_from_fields, parse_address=_fast_address6)
)
FAST_CODEC4: LeaseCodec[Lease4] = replace(
    CODEC4, from_fields=partial(lease4_from_fields, parse_address=_fast_address4)
)


@dataclass(frozen=True, slots=True)
class MemfileSettings:
    """The memfile parameters of ``lease-database``."""

    name: str
    persist: bool = True
    lfc_interval: int = DEFAULT_LFC_INTERVAL
    max_row_errors: int = 0


def default_lease_file(family: int, data_dir: str = DEFAULT_DATA_DIR) -> str:
    """Kea's default lease file name inside a data directory."""
    return os.path.join(data_dir, f"kea-leases{family}.csv")


def settings_from_config(
    database: Mapping[str, object], family: int, data_dir: str = DEFAULT_DATA_DIR
) -> MemfileSettings:
    """Memfile settings from a validated ``lease-database`` map."""
    name = database.get("name")
    interval = database.get("lfc-interval", DEFAULT_LFC_INTERVAL)
    errors = database.get("max-row-errors", 0)
    return MemfileSettings(
        name=name if isinstance(name, str) and name else default_lease_file(family, data_dir),
        persist=database.get("persist", True) is not False,
        lfc_interval=interval if isinstance(interval, int) else DEFAULT_LFC_INTERVAL,
        max_row_errors=errors if isinstance(errors, int) else 0,
    )


class MemfileJournal(Generic[L]):
    """Appends Kea CSV rows for reserved batches, loads the files, and runs the cleanup."""

    def __init__(
        self,
        settings: MemfileSettings,
        codec: LeaseCodec[L],
        fsync: Fsync = os.fdatasync,
        logger: logging.Logger = LOGGER,
    ) -> None:
        self.settings = settings
        self.paths = LfcPaths(settings.name)
        self._codec: LeaseCodec[L] = codec
        self._fsync = fsync
        self._log = logger
        self._fd: int | None = None
        self._size = 0
        self._queue: list[tuple[bytes, asyncio.Future[None]]] = []
        self._flusher: asyncio.Task[None] | None = None
        self._file_lock = asyncio.Lock()
        self._lfc_task: asyncio.Task[bool] | None = None
        self._lfc_due: float | None = None
        self._convert = False
        self.batches_written = 0

    # ------------------------------------------------------------ loading

    async def load(self, index: LeaseIndex[L]) -> None:
        """Read the files in Kea's order into the index and open the lease file for appends."""
        leases = await asyncio.to_thread(self._load_files)
        index.load(leases)

    def _load_files(self) -> dict[int, L]:
        if lfc_running(self.paths):
            raise LeaseLoadError(
                "unable to load leases from files while the lease file cleanup is in progress"
            )
        leases: dict[int, L] = {}
        for path in self.paths.load_order():
            if path != self.paths.current or os.path.exists(path):
                try:
                    stats = read_file(
                        path, self._codec, leases, self.settings.max_row_errors, self._log
                    )
                except (CsvError, OSError) as error:
                    raise LeaseLoadError(f"{path}: {error}") from error
                self._convert = self._convert or stats.needs_conversion
        try:
            self._open_current()
        except OSError as error:
            raise LeaseLoadError(f"{self.paths.current}: {error}") from error
        if self._convert:
            self._log.warning(
                "DHCPSRV_MEMFILE_CONVERTING_LEASE_FILES running LFC now to convert lease files "
                "to the current schema: %s",
                self._codec.columns[-1].version,
            )
        return leases

    def _open_current(self) -> None:
        """Open the lease file for appends, creating it with a header when missing or empty."""
        path = self.paths.current
        os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_CLOEXEC, 0o644)
        try:
            size = os.fstat(fd).st_size
            prefix = b""
            if size == 0:
                prefix = (self._codec.header + "\n").encode(ENCODING)
            elif not self._ends_with_newline(path, size):
                prefix = b"\n"  # a crash cut the last row short: never glue a row onto it
            if prefix:
                self._write_all(fd, prefix)
                self._fsync(fd)
                size += len(prefix)
            fsync_directory(path, os.fsync)
        except OSError:
            os.close(fd)
            raise
        self._fd, self._size = fd, size

    @staticmethod
    def _ends_with_newline(path: str, size: int) -> bool:
        with open(path, "rb") as handle:
            handle.seek(size - 1)
            return handle.read(1) == b"\n"

    # ------------------------------------------------------------ writing

    def prepare(self, reservation: LeaseReservation[L]) -> None:
        """Encode the reservation's rows (a deletion is the old lease with lifetime 0)."""
        codec = self._codec
        try:
            lines = [
                codec.to_line(step.after)
                if step.after is not None
                else codec.to_line(codec.deletion(step.before))  # type: ignore[arg-type]
                for step in reservation.steps
            ]
        except WriteError as error:
            raise InvalidLeaseError(str(error)) from error
        reservation.payload = "".join(lines).encode(ENCODING, ERRORS)

    def persist(self, reservation: LeaseReservation[L]) -> asyncio.Future[None] | None:
        """Queue the rows; the future completes when they are written and fsync'd."""
        if not reservation.payload:
            return None
        loop = asyncio.get_running_loop()
        done: asyncio.Future[None] = loop.create_future()
        self._queue.append((reservation.payload, done))
        if self._flusher is None:
            self._flusher = loop.create_task(self._flush())
        return done

    async def _flush(self) -> None:
        try:
            while self._queue:
                batch, self._queue = self._queue, []
                data = b"".join(payload for payload, _ in batch)
                async with self._file_lock:
                    error = await self._write_batch(data)
                for _, done in batch:
                    if done.done():
                        continue
                    if error is None:
                        done.set_result(None)
                    else:
                        done.set_exception(LeasePersistError(error))
        finally:
            self._flusher = None

    async def _write_batch(self, data: bytes) -> str | None:
        fd = self._fd
        if fd is None:
            return f"lease file {self.paths.current} is not open"
        try:
            await asyncio.to_thread(self._append, fd, data)
        except OSError as error:
            return f"writing {self.paths.current} failed: {error}"
        self.batches_written += 1
        return None

    def _append(self, fd: int, data: bytes) -> None:
        try:
            self._write_all(fd, data)
            self._fsync(fd)
        except OSError:
            with contextlib.suppress(OSError):
                os.ftruncate(fd, self._size)  # take the partial batch back out
            raise
        self._size += len(data)

    @staticmethod
    def _write_all(fd: int, data: bytes) -> None:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]

    # ------------------------------------------------------------ lease file cleanup

    async def maybe_run_lfc(self, now: float) -> bool:
        """Start a cleanup when ``lfc-interval`` has passed (at once after a schema upgrade)."""
        interval = self.settings.lfc_interval
        if self._lfc_task is not None and not self._lfc_task.done():
            return False
        if self._lfc_due is None:
            self._lfc_due = now + interval
            if not self._convert:
                return False
        elif interval == 0 or now < self._lfc_due:
            return False
        self._convert = False
        self._lfc_due = now + interval
        await self.start_lfc()
        return True

    async def start_lfc(self) -> asyncio.Task[bool]:
        """Rotate the lease file and start the cleanup in a worker thread."""
        self._log.info("DHCPSRV_MEMFILE_LFC_START starting Lease File Cleanup")
        async with self._file_lock:
            ready = await asyncio.to_thread(self._rotate)
        task = asyncio.get_running_loop().create_task(self._cleanup(ready))
        self._lfc_task = task
        return task

    async def run_lfc(self) -> bool:
        """Run one whole cleanup now; True when it completed."""
        return await (await self.start_lfc())

    async def _cleanup(self, ready: bool) -> bool:
        if not ready:
            return False
        return await asyncio.to_thread(cleanup, self.paths, self._codec, self._log, os.fsync)

    def _rotate(self) -> bool:
        """``Memfile_LeaseMgr::lfcExecute``: move ``name`` to ``name.1`` unless a cleanup is
        unfinished, and reopen a fresh ``name``; False when the cleanup must not run."""
        paths = self.paths
        if os.path.exists(paths.finish) or os.path.exists(paths.input):
            return True  # a previous cleanup did not finish: let this one finish it
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None
        ready = True
        try:
            os.rename(paths.current, paths.input)
        except OSError as error:
            self._log.error(
                "DHCPSRV_MEMFILE_LFC_LEASE_FILE_RENAME_FAIL failed to rename the current lease "
                "file %s to %s, reason: %s",
                paths.current,
                paths.input,
                error,
            )
            ready = False
        try:
            self._open_current()
        except OSError as error:
            self._log.error(
                "DHCPSRV_MEMFILE_LFC_LEASE_FILE_REOPEN_FAIL failed to reopen lease file %s after "
                "preparing input file for lease file cleanup, reason: %s, new leases will not "
                "persist!",
                paths.current,
                error,
            )
            return False
        return ready

    async def wait_lfc(self) -> bool | None:
        """Wait for a running cleanup; its result, or None when none ran."""
        if self._lfc_task is None:
            return None
        return await self._lfc_task

    async def close(self) -> None:
        """Finish queued writes and a running cleanup, then close the lease file."""
        while self._flusher is not None:
            await asyncio.shield(self._flusher)
        await self.wait_lfc()
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None


def memfile_store6(
    settings: MemfileSettings, fsync: Fsync = os.fdatasync, logger: logging.Logger = LOGGER
) -> IndexedLeaseStore6:
    """A DHCPv6 store for these settings (in memory only when ``persist`` is false)."""
    if not settings.persist:
        logger.warning(
            "DHCPSRV_MEMFILE_NO_STORAGE running in non-persistent mode, "
            "leases will be lost after restart"
        )
        return IndexedLeaseStore6(LeaseIndex6(), NullJournal())
    return IndexedLeaseStore6(LeaseIndex6(), MemfileJournal(settings, FAST_CODEC6, fsync, logger))


def memfile_store4(
    settings: MemfileSettings, fsync: Fsync = os.fdatasync, logger: logging.Logger = LOGGER
) -> IndexedLeaseStore4:
    """A DHCPv4 store for these settings (in memory only when ``persist`` is false)."""
    if not settings.persist:
        logger.warning(
            "DHCPSRV_MEMFILE_NO_STORAGE running in non-persistent mode, "
            "leases will be lost after restart"
        )
        return IndexedLeaseStore4(LeaseIndex4(), NullJournal())
    return IndexedLeaseStore4(LeaseIndex4(), MemfileJournal(settings, FAST_CODEC4, fsync, logger))
