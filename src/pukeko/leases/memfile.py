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
commit). Writes run one at a time in the order given (:class:`FileWriter`): an append + fsync
right on the event loop while fsyncs are fast (a few milliseconds at most: cheaper than any
thread handoff, and the datagrams arriving meanwhile share the next fsync), otherwise,
like the rotation of a cleanup, in the journal's own writer thread. A failed write truncates the
file back to its previous length (best effort), fails every batch that shared it with
LeasePersistError, and the store takes those changes back out of the index.

Lease File Cleanup runs in a worker thread with kea-lfc's file scheme (:mod:`memfile_lfc`); the
runtime's timer calls ``maybe_run_lfc(now)``.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import queue
import socket
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from functools import partial
from ipaddress import IPv4Address, IPv6Address
from typing import Any, Generic, TypeVar

from pukeko.leases.csvcodec import (
    CODEC4,
    CODEC6,
    EMPTY_DUID,
    CsvError,
    LeaseCodec,
    WriteError,
    encode_hex,
    escape,
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
from pukeko.leases.model import Lease4, Lease6, LeaseState
from pukeko.leases.store import InvalidLeaseError, LeaseLoadError, LeasePersistError
from pukeko.wire.pkt6 import int6_text

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


def _address6_text(address: IPv6Address) -> str:
    """``str(address)``, fast: the C ``inet_ntop`` unless the first 80 bits are zero (there
    ``inet_ntop`` writes an IPv4 tail, ``ipaddress`` does not)."""
    value = int(address)
    if value >> 48:
        return socket.inet_ntop(socket.AF_INET6, value.to_bytes(16, "big"))
    return int6_text(value)


def _fast_lease6_to_line(lease: Lease6) -> str:
    """``csvcodec.lease6_to_line`` with a faster writer of the same address text."""
    duid = lease.duid
    if (not duid or duid == EMPTY_DUID) and lease.state != LeaseState.DECLINED:
        raise WriteError(f"Lease6: {lease.address} has no DUID")
    hw = lease.hwaddr
    return (
        f"{_address6_text(lease.address)},{encode_hex(duid or EMPTY_DUID)},"
        f"{lease.valid_lifetime},{lease.cltt + lease.valid_lifetime},{lease.subnet_id},"
        f"{lease.preferred_lifetime},{int(lease.lease_type)},{lease.iaid},{lease.prefix_len},"
        f"{int(lease.fqdn_fwd)},{int(lease.fqdn_rev)},{escape(lease.hostname)},"
        f"{encode_hex(hw)},{int(lease.state)},{escape(lease.user_context)},"
        f"{lease.hwtype if hw else ''},{lease.hwaddr_source if hw else ''}\n"
    )


# The codecs with inet_pton address parsing (several times faster than ipaddress's parser)
# and, for v6 rows, the fast address text.
FAST_CODEC6: LeaseCodec[Lease6] = replace(
    CODEC6,
    from_fields=partial(lease6_from_fields, parse_address=_fast_address6),
    to_line=_fast_lease6_to_line,
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


Done = Callable[[Any, BaseException | None], None]  # (result, error), called on the loop
_Job = tuple[Callable[[], Any], asyncio.AbstractEventLoop, Done]
# Seconds: a short job whose recent runs took less on average runs on the loop. A local disk's
# fdatasync takes well under a millisecond, a network block device's one or two; a slower disk
# gets the thread, so the loop keeps deciding packets while the platters turn.
INLINE_LIMIT = 0.004
_SMOOTHING = 0.25  # weight of the newest duration in the running average


class FileWriter:
    """Runs file jobs one at a time, in the order given, and reports each back on the loop.

    A short job (``submit(..., short=True)``: an append + fsync) runs right on the event loop
    while such jobs have been fast (a running average under ``inline_limit``; a local disk's
    fdatasync takes a fraction of a millisecond): no thread handoff, no wakeups, and the
    datagrams that arrive meanwhile wait in the socket and share the next fsync. Slow storage,
    and every long job (the rotation of a cleanup), go to the writer thread so the loop keeps
    serving; a short job given while the thread has work waits its turn behind it. Either way
    ``done(result, error)`` runs later on the loop, never inside ``submit``. The thread (a
    daemon) is started on its first job and stopped by :meth:`stop`.
    """

    def __init__(
        self, inline_limit: float = INLINE_LIMIT, name: str = "pukeko-lease-writer"
    ) -> None:
        self.inline_limit = inline_limit
        self.name = name
        self.average = 0.0  # seconds, running average of the short jobs' durations
        self._jobs: queue.SimpleQueue[_Job | None] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self._queued = 0  # jobs given to the thread whose ``done`` has not run yet

    def submit(
        self,
        job: Callable[[], Any],
        loop: asyncio.AbstractEventLoop,
        done: Done,
        short: bool = False,
    ) -> None:
        """Run ``job`` (here when short and fast, else in the thread); then ``done`` on ``loop``."""
        if short and not self._queued and self.average < self.inline_limit:
            result: Any = None
            error: BaseException | None = None
            started = time.perf_counter()
            try:
                result = job()
            except Exception as exc:  # reported through ``done``, as from the thread
                error = exc
            self._measured(time.perf_counter() - started)
            loop.call_soon(done, result, error)
            return
        if self._thread is None:
            self._thread = threading.Thread(target=self._main, name=self.name, daemon=True)
            self._thread.start()
        self._queued += 1
        self._jobs.put((job, loop, partial(self._finished, done, short)))

    def _finished(
        self, done: Done, short: bool, outcome: tuple[Any, float], error: BaseException | None
    ) -> None:
        self._queued -= 1
        result, elapsed = outcome
        if short:
            self._measured(elapsed)
        done(result, error)

    def _measured(self, elapsed: float) -> None:
        self.average += (elapsed - self.average) * _SMOOTHING

    def run(self, job: Callable[[], Any]) -> asyncio.Future[Any]:
        """Run a long ``job`` in the thread; a future of its result (or its exception)."""
        loop = asyncio.get_running_loop()
        future: asyncio.Future[Any] = loop.create_future()

        def done(result: Any, error: BaseException | None) -> None:
            if future.done():
                return
            if error is None:
                future.set_result(result)
            else:
                future.set_exception(error)

        self.submit(job, loop, done)
        return future

    def _main(self) -> None:
        jobs = self._jobs
        while (item := jobs.get()) is not None:
            job, loop, done = item
            result: Any = None
            error: BaseException | None = None
            started = time.perf_counter()
            try:
                result = job()
            except BaseException as exc:  # handed to the loop, never lost in the thread
                error = exc
            outcome = (result, time.perf_counter() - started)
            with contextlib.suppress(RuntimeError):  # the loop was closed meanwhile
                loop.call_soon_threadsafe(done, outcome, error)

    def stop(self) -> None:
        """Let the thread finish the jobs given so far, then end (no wait)."""
        if self._thread is not None:
            self._jobs.put(None)
            self._thread = None


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
        self._fd: int | None = None  # used in the writer thread once loaded
        self._size = 0
        self._writer = FileWriter()
        self._queue: list[tuple[bytes, asyncio.Future[None]]] = []  # waiting for the next write
        self._writing: list[tuple[bytes, asyncio.Future[None]]] | None = None  # being written
        self._idle: list[asyncio.Future[None]] = []  # close() waiting for the writes to end
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
        return self.persist_many((reservation,))

    def persist_many(
        self, reservations: Sequence[LeaseReservation[L]]
    ) -> asyncio.Future[None] | None:
        """Queue the rows of several reservations as one unit: one future, all or nothing."""
        payload = b"".join([r.payload for r in reservations])
        if not payload:
            return None
        loop = asyncio.get_running_loop()
        done: asyncio.Future[None] = loop.create_future()
        self._queue.append((payload, done))
        if self._writing is None:
            self._start_write(loop)
        return done

    def _start_write(self, loop: asyncio.AbstractEventLoop) -> None:
        """Hand everything queued to the writer as one write() + fsync."""
        batch, self._queue = self._queue, []
        self._writing = batch
        data = batch[0][0] if len(batch) == 1 else b"".join([payload for payload, _ in batch])
        self._writer.submit(partial(self._write_job, data), loop, self._written, short=True)

    def _write_job(self, data: bytes) -> str | None:
        """Append and fsync (on the loop or in the writer thread); why that failed, or None."""
        fd = self._fd
        if fd is None:
            return f"lease file {self.paths.current} is not open"
        try:
            self._append(fd, data)
        except OSError as error:
            return f"writing {self.paths.current} failed: {error}"
        return None

    def _written(self, problem: str | None, error: BaseException | None) -> None:
        """On the loop: settle the batch that was written, then start the next one."""
        batch, self._writing = self._writing or [], None
        if error is not None:
            problem = f"writing {self.paths.current} failed: {error}"
        if problem is None:
            self.batches_written += 1
        for _, done in batch:
            if done.done():
                continue
            if problem is None:
                done.set_result(None)
            else:
                done.set_exception(LeasePersistError(problem))
        if self._queue:
            self._start_write(asyncio.get_running_loop())
            return
        idle, self._idle = self._idle, []
        for waiter in idle:
            if not waiter.done():
                waiter.set_result(None)

    async def _drain(self) -> None:
        """Until nothing is queued or being written."""
        while self._writing is not None or self._queue:
            waiter: asyncio.Future[None] = asyncio.get_running_loop().create_future()
            self._idle.append(waiter)
            await waiter

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
        # In the writer thread: after every write handed over so far, before the next one.
        ready: bool = await self._writer.run(self._rotate)
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
        await self._drain()
        await self.wait_lfc()
        await self._drain()
        self._writer.stop()
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
