"""Lease file reading and Lease File Cleanup (LFC) with Kea 2.2's crash-safe file scheme.

The files (``Memfile_LeaseMgr::appendSuffix``; ARM "The LFC Process"):

* ``name``            the file the server appends to;
* ``name.1``          "input" / copy: the server renamed ``name`` to this when the LFC began;
* ``name.2``          "previous": the output of the last completed cleanup;
* ``name.output``     the cleanup's output while it is being written;
* ``name.completed``  the finished output, before it replaces ``name.2``;
* ``name.pid``        the PID file of a running ``kea-lfc``.

A cleanup (``kea-lfc``, ``LFCController::launch``): unless ``name.completed`` exists, read
``name.2`` then ``name.1`` (later rows win, lifetime-0 rows delete), write the survivors to
``name.output`` and rename it to ``name.completed``; then remove ``name.2`` and ``name.1`` and
rename ``name.completed`` to ``name.2``. A crash at any point leaves files from which startup
(``Memfile_LeaseMgr::loadLeasesFromFiles``) rebuilds every lease: ``name.completed`` when it
exists, else ``name.2`` then ``name.1``; and always ``name`` last.

Unlike kea-lfc, every file written here is fsync'd, and so is the directory after each rename.
"""

from __future__ import annotations

import errno
import logging
import os
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from pukeko.leases.csvcodec import CsvError, LeaseCodec, ReadStats, read_leases
from pukeko.leases.model import Lease4, Lease6

L = TypeVar("L", Lease6, Lease4)
LFC_MAX_ROW_ERRORS = 100  # lfc_controller.cc MAX_LEASE_ERRORS
ENCODING = "utf-8"
ERRORS = "surrogateescape"  # lease files are bytes; keep any byte through a round trip
Fsync = Callable[[int], None]


@dataclass(frozen=True, slots=True)
class LfcPaths:
    """The lease file and the files its cleanup uses."""

    current: str

    @property
    def input(self) -> str:
        """``name.1``: the rotated lease file the cleanup reads."""
        return self.current + ".1"

    @property
    def previous(self) -> str:
        """``name.2``: the previous cleanup's output."""
        return self.current + ".2"

    @property
    def output(self) -> str:
        """``name.output``: the cleanup's output being written."""
        return self.current + ".output"

    @property
    def finish(self) -> str:
        """``name.completed``: the finished output."""
        return self.current + ".completed"

    @property
    def pid(self) -> str:
        """``name.pid``: a running kea-lfc's PID file."""
        return self.current + ".pid"

    def load_order(self) -> list[str]:
        """The files startup reads, in order (only those that exist, ``current`` always)."""
        if os.path.exists(self.finish):
            first = [self.finish]
        else:
            first = [p for p in (self.previous, self.input) if os.path.exists(p)]
        return [*first, self.current]


def fsync_directory(path: str, fsync: Fsync = os.fsync) -> None:
    """Make renames and creations in ``path``'s directory durable."""
    fd = os.open(os.path.dirname(os.path.abspath(path)), os.O_RDONLY | os.O_DIRECTORY)
    try:
        fsync(fd)
    finally:
        os.close(fd)


def lfc_running(paths: LfcPaths) -> bool:
    """True when ``name.pid`` names a live process (Kea then refuses to load the files)."""
    try:
        with open(paths.pid, encoding="ascii") as handle:
            pid = int(handle.read().split()[0])
    except (OSError, ValueError, IndexError):
        return False
    if pid == os.getpid():
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def read_file(
    path: str,
    codec: LeaseCodec[L],
    into: dict[int, L],
    max_errors: int,
    log: logging.Logger,
) -> ReadStats:
    """Apply one lease file to ``into``; CsvError (header, too many errors) or OSError."""
    log.info("DHCPSRV_MEMFILE_LEASE_FILE_LOAD loading leases from file %s", path)

    def row_error(row: int, message: str) -> None:
        log.error("DHCPSRV_MEMFILE_LEASE_LOAD_ROW_ERROR discarding row %d, error: %s", row, message)

    with open(path, encoding=ENCODING, errors=ERRORS, newline="\n") as handle:
        stats = read_leases(handle, codec, into, max_errors, row_error)
    if stats.needs_conversion:
        schema = codec.columns[-1].version
        direction = "UPGRADING" if stats.schema == 1 else "DOWNGRADING"
        relation = "earlier" if stats.schema == 1 else "later"
        log.warning(
            "DHCPSRV_MEMFILE_NEEDS_%s version of lease file: %s schema is %s than version %s",
            direction,
            path,
            relation,
            schema,
        )
    return stats


def write_file(path: str, codec: LeaseCodec[L], leases: dict[int, L], fsync: Fsync) -> int:
    """Write a complete lease file (header, leases in address order), fsync'd; the count."""
    lines = [codec.header + "\n"]
    lines += [codec.to_line(leases[key]) for key in sorted(leases)]
    data = "".join(lines).encode(ENCODING, ERRORS)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_CLOEXEC, 0o644)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
        fsync(fd)
    finally:
        os.close(fd)
    return len(lines) - 1


def _remove(path: str) -> None:
    try:
        os.remove(path)
    except OSError as error:
        if error.errno != errno.ENOENT:
            raise


def cleanup(
    paths: LfcPaths,
    codec: LeaseCodec[L],
    log: logging.Logger,
    fsync: Fsync = os.fsync,
) -> bool:
    """Run one cleanup over ``name.2`` + ``name.1`` as kea-lfc does; True when it completed."""
    log.info("LFC_START Starting lease file cleanup")
    if not os.path.exists(paths.finish):
        log.info("LFC_PROCESSING Previous file: %s, copy file: %s", paths.previous, paths.input)
        try:
            leases: dict[int, L] = {}
            for path in (paths.previous, paths.input):
                if os.path.exists(path):
                    read_file(path, codec, leases, LFC_MAX_ROW_ERRORS, log)
            written = write_file(paths.output, codec, leases, fsync)
            log.info("LFC_WRITE_STATS Leases: %d, attempts: %d, errors: 0.", written, written)
            os.rename(paths.output, paths.finish)
            fsync_directory(paths.finish, fsync)
        except (CsvError, OSError) as error:
            log.critical("LFC_FAIL_PROCESS : %s", error)
            return False
    log.info("LFC_ROTATING LFC rotating files")
    try:
        _remove(paths.previous)
        _remove(paths.input)
        os.rename(paths.finish, paths.previous)
        fsync_directory(paths.previous, fsync)
    except OSError as error:
        log.critical("LFC_FAIL_ROTATE : %s", error)
        return False
    log.info("LFC_TERMINATE LFC finished processing")
    return True
