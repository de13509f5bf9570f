"""The daemon's PID file, with Kea's naming and "already running?" semantics.

Kea (``Daemon::makePIDFileName``) names the file ``<dir>/<config base name>.<process>.pid``
where the base name is the configuration file's name without directory and last extension, and
``<dir>`` is ``$KEA_PIDFILE_DIR`` or the build's run directory. Pukeko keeps that scheme with its
own process name (``pukeko-dhcp6``), so a Pukeko and a Kea server on the same configuration do not
mistake each other's files, and defaults to ``/run/pukeko``.

Differences from Kea, on purpose: a PID file that cannot be parsed is treated as stale (Kea
refuses to start), a PID naming this very process is stale (a container restarted with the same
PID), and a live process owned by another user (EPERM) counts as running (Kea thinks it is gone).
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Mapping

DEFAULT_PID_DIR = "/run/pukeko"
PID_DIR_ENV = "KEA_PIDFILE_DIR"


class PidFileExists(Exception):
    """Another live process holds the PID file (Kea's DaemonPIDExists)."""

    def __init__(self, pid: int, path: str) -> None:
        super().__init__(f"Daemon::createPIDFile: PID: {pid} exists, PID file: {path}")
        self.pid = pid
        self.path = path


def config_base_name(config_file: str) -> str:
    """The configuration file's name without directory and last extension (Kea's Filename)."""
    name = os.path.basename(config_file)
    stem, dot, _ = name.rpartition(".")
    return stem if dot else name


def pid_file_dir(env: Mapping[str, str] | None = None) -> str:
    """``$KEA_PIDFILE_DIR`` when set, else Pukeko's run directory."""
    environ = os.environ if env is None else env
    return environ.get(PID_DIR_ENV) or DEFAULT_PID_DIR


def pid_file_path(config_file: str, process_name: str, directory: str) -> str:
    """``<directory>/<config base name>.<process name>.pid``; ValueError without a base name."""
    base = config_base_name(config_file)
    if not base:
        raise ValueError(f"config file: {config_file} is missing file name")
    return os.path.join(directory, f"{base}.{process_name}.pid")


def process_alive(pid: int) -> bool:
    """True when a process with this PID exists (even one we may not signal)."""
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class PidFile:
    """One PID file: check for a live owner, write ours, remove it on a clean exit."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.owned = False

    def check(self) -> int:
        """The PID of a live process named in the file, or 0 (no file, stale or unreadable)."""
        try:
            with open(self.path, encoding="ascii") as handle:
                pid = int(handle.read().split()[0])
        except (OSError, ValueError, IndexError, UnicodeDecodeError):
            return 0
        if pid == os.getpid() or not process_alive(pid):
            return 0
        return pid

    def write(self, pid: int | None = None) -> None:
        """Write ``pid`` (default: this process) atomically, as ``<pid>\\n`` like Kea."""
        directory = os.path.dirname(self.path) or "."
        os.makedirs(directory, exist_ok=True)
        temporary = f"{self.path}.{os.getpid()}.tmp"
        with open(temporary, "w", encoding="ascii") as handle:
            handle.write(f"{os.getpid() if pid is None else pid}\n")
        os.replace(temporary, self.path)
        self.owned = True

    def acquire(self) -> None:
        """Refuse (PidFileExists) when a live process holds the file, else write ours."""
        holder = self.check()
        if holder:
            raise PidFileExists(holder, self.path)
        self.write()

    def remove(self) -> None:
        """Delete the file if this process wrote it (missing is fine)."""
        if not self.owned:
            return
        with contextlib.suppress(FileNotFoundError):
            os.unlink(self.path)
        self.owned = False


def daemon_pid_file(
    config_file: str, process_name: str = "pukeko-dhcp6", env: Mapping[str, str] | None = None
) -> PidFile:
    """The PidFile of a daemon started on ``config_file`` (not yet acquired)."""
    return PidFile(pid_file_path(config_file, process_name, pid_file_dir(env)))


def already_running_text(program: str, error: PidFileExists) -> str:
    """What goes to stderr when another server holds the PID file (Kea's main.cc wording)."""
    return f"{program} already running? {error}"
