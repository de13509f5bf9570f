"""Start and stop a DHCPv6 server process (Kea 2.2 or Pukeko) inside a network namespace.

``running_server`` writes the configuration to a work directory, starts ``kea-dhcp6 -c`` or
``pukeko-dhcp6 -c`` with ``ip netns exec``, waits (bounded) until the process has a UDP socket
on port 547 in that namespace, and always stops it at the end: SIGTERM, then SIGKILL after a
grace period. Its stdout/stderr go to ``server.log`` in the work directory, shown on failure.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
PUKEKO_DHCP6 = REPO / ".venv" / "bin" / "pukeko-dhcp6"
KEA = "kea"
PUKEKO = "pukeko"
SERVER_PORT_HEX = f"{547:04X}"


class ServerStartError(RuntimeError):
    """The server exited or never bound its socket in time (the message holds its log)."""


def kea_dhcp6() -> str | None:
    """Path of kea-dhcp6, or None."""
    return shutil.which("kea-dhcp6") or (
        "/usr/sbin/kea-dhcp6" if os.path.exists("/usr/sbin/kea-dhcp6") else None
    )


def pukeko_dhcp6_works() -> bool:
    """True when the Pukeko daemon is installed and answers ``-v``."""
    if not PUKEKO_DHCP6.exists():
        return False
    try:
        proc = subprocess.run(
            [str(PUKEKO_DHCP6), "-v"], capture_output=True, timeout=20, check=False
        )
    except (OSError, subprocess.TimeoutExpired):
        return False
    return proc.returncode == 0


def command_for(kind: str, config_path: Path) -> list[str]:
    """The command line starting server ``kind`` on ``config_path``."""
    if kind == KEA:
        binary = kea_dhcp6()
        if binary is None:
            raise ServerStartError("kea-dhcp6 is not installed")
        return [binary, "-c", str(config_path)]
    if kind == PUKEKO:
        return [str(PUKEKO_DHCP6), "-c", str(config_path)]
    raise ValueError(f"unknown server kind {kind!r}")


@dataclass
class RunningServer:
    """A server process started by :func:`running_server`."""

    kind: str
    namespace: str
    workdir: Path
    config_path: Path
    proc: subprocess.Popen[bytes]
    log_path: Path
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def pid(self) -> int:
        """The server's process id."""
        return self.proc.pid

    def log(self) -> str:
        """What the server wrote so far (stdout and stderr)."""
        try:
            return self.log_path.read_text(errors="replace")
        except OSError:
            return ""

    def alive(self) -> bool:
        """True while the process runs."""
        return self.proc.poll() is None

    def bound_547(self) -> int:
        """How many UDP sockets on port 547 exist in the server's namespace."""
        count = 0
        for table in ("udp6", "udp"):
            try:
                text = Path(f"/proc/{self.pid}/net/{table}").read_text()
            except OSError:
                return 0
            for line in text.splitlines()[1:]:
                local = line.split()[1]
                if local.rsplit(":", 1)[1] == SERVER_PORT_HEX:
                    count += 1
        return count

    def kill(self) -> None:
        """SIGKILL the process now and reap it."""
        if self.alive():
            self.proc.send_signal(signal.SIGKILL)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.proc.wait(timeout=10)

    def stop(self, grace: float = 5.0) -> None:
        """SIGTERM, then SIGKILL after ``grace`` seconds."""
        if self.alive():
            self.proc.send_signal(signal.SIGTERM)
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.proc.wait(timeout=grace)
        self.kill()


def start_server(
    kind: str,
    namespace: str,
    config: dict[str, Any] | str,
    workdir: Path,
    *,
    ready_timeout: float = 15.0,
    min_sockets: int = 1,
    probe: Callable[[], bool] | None = None,
    config_name: str | None = None,
) -> RunningServer:
    """Start ``kind`` in ``namespace`` and wait until it is ready; raises ServerStartError."""
    workdir.mkdir(parents=True, exist_ok=True)
    config_path = workdir / (config_name or f"{kind}-dhcp6.json")
    text = config if isinstance(config, str) else json.dumps(config, indent=2)
    config_path.write_text(text)
    log_path = workdir / f"{kind}-server.log"
    env = {
        **os.environ,
        "KEA_LOCKFILE_DIR": str(workdir),
        "KEA_PIDFILE_DIR": str(workdir),
        "PYTHONUNBUFFERED": "1",
    }
    env.pop("KEA_LOGGER_DESTINATION", None)
    # A stale PID file would make the second start refuse (Kea's and Pukeko's own check).
    for stale in workdir.glob("*.pid"):
        stale.unlink(missing_ok=True)
    with open(log_path, "ab") as log:
        proc = subprocess.Popen(
            ["ip", "netns", "exec", namespace, *command_for(kind, config_path)],
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            env=env,
            cwd=str(workdir),
        )
    server = RunningServer(kind, namespace, workdir, config_path, proc, log_path)
    try:
        _wait_ready(server, ready_timeout, min_sockets, probe)
    except BaseException:
        server.stop(grace=2.0)
        raise
    return server


def _wait_ready(
    server: RunningServer, timeout: float, min_sockets: int, probe: Callable[[], bool] | None
) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not server.alive():
            raise ServerStartError(
                f"{server.kind} exited with {server.proc.returncode}:\n{server.log()[-4000:]}"
            )
        if server.bound_547() >= min_sockets and (probe is None or probe()):
            return
        time.sleep(0.05)
    raise ServerStartError(f"{server.kind} not ready after {timeout}s:\n{server.log()[-4000:]}")


@contextmanager
def running_server(
    kind: str,
    namespace: str,
    config: dict[str, Any] | str,
    workdir: Path,
    **kwargs: Any,
) -> Iterator[RunningServer]:
    """A started server for the block; stopped (killed if need be) afterwards."""
    server = start_server(kind, namespace, config, workdir, **kwargs)
    try:
        yield server
    finally:
        server.stop()
        if server.proc.returncode not in (0, -signal.SIGTERM, None):
            print(f"{kind} exit status {server.proc.returncode}", file=sys.stderr)


def cpu_ticks(pid: int) -> int:
    """utime + stime of ``pid`` in clock ticks (/proc/<pid>/stat)."""
    stat = Path(f"/proc/{pid}/stat").read_text()
    fields = stat[stat.rindex(")") + 2 :].split()
    return int(fields[11]) + int(fields[12])


def rss_kib(pid: int) -> int:
    """Resident set size of ``pid`` in KiB (/proc/<pid>/status VmRSS)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0
