"""Lease store backends for the generic contract suite (tests/contract): how to make each."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from pukeko.leases.memfile import MemfileSettings, memfile_store4, memfile_store6
from pukeko.leases.memory import memory_store4, memory_store6
from pukeko.leases.store import LeaseStore4, LeaseStore6


@dataclass
class Backend:
    """How to make stores of one backend, and its instruments."""

    name: str
    persistent: bool
    make6: Callable[[], LeaseStore6]
    make4: Callable[[], LeaseStore4]
    fsyncs: list[int] = field(default_factory=list)
    fail_fsync: bool = False

    def fsync(self, fd: int) -> None:
        """The injected fsync: counts calls and can be told to fail."""
        self.fsyncs.append(fd)
        if self.fail_fsync:
            raise OSError(5, "injected I/O error")
        os.fsync(fd)


def memory_backend() -> Backend:
    """Leases in memory only (``persist: false``)."""
    return Backend("memory", False, memory_store6, memory_store4)


def memfile_backend(tmp_path: Path) -> Backend:
    """Kea CSV lease files in ``tmp_path``, with a counting fsync."""
    backend = Backend("memfile", True, memory_store6, memory_store4)

    def settings(family: int) -> MemfileSettings:
        return MemfileSettings(str(tmp_path / f"kea-leases{family}.csv"), lfc_interval=0)

    backend.make6 = lambda: memfile_store6(settings(6), fsync=backend.fsync)
    backend.make4 = lambda: memfile_store4(settings(4), fsync=backend.fsync)
    return backend
