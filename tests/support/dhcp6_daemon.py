"""A real ``pukeko-dhcp6`` process in a network namespace, and a real ``dhclient -6`` beside it.

Used by tests/system: two namespaces joined by a veth pair (``pk-srv0`` with 2001:db8:1::1/64 in
the server namespace, ``pk-cli0`` in the client namespace), a configuration written into a short
work directory (UNIX socket paths must stay under 108 bytes), and helpers with bounded waits.
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
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.support.netns_enter import add_veth, ip, namespaces, wait_link_local

SERVER_IF = "pk-srv0"
CLIENT_IF = "pk-cli0"
SERVER_ADDRESS = "2001:db8:1::1/64"
PROCESS_TIMEOUT = 30.0

CLIENT_SCRIPT = """#!/bin/sh
{
  echo "reason=${reason}"
  [ -n "${new_ip6_address}" ] && echo "address=${new_ip6_address}"
  [ -n "${new_ip6_prefix}" ] && echo "prefix=${new_ip6_prefix}"
} >> "$(dirname "$0")/events.log"
exit 0
"""


def server_config(work: Path, **overrides: Any) -> dict[str, Any]:
    """The Dhcp6 map the system tests serve (address pool and pd-pool on pk-srv0)."""
    conf: dict[str, Any] = {
        "interfaces-config": {"interfaces": [SERVER_IF], "service-sockets-retry-wait-time": 500,
                              "service-sockets-max-retries": 10},
        "lease-database": {"type": "memfile", "name": str(work / "leases6.csv")},
        "data-directory": str(work),
        "control-socket": {"socket-type": "unix", "socket-name": str(work / "ctrl.sock")},
        "preferred-lifetime": 3000,
        "valid-lifetime": 4000,
        "renew-timer": 1000,
        "rebind-timer": 2000,
        "subnet6": [{
            "id": 1, "subnet": "2001:db8:1::/64", "interface": SERVER_IF,
            "pools": [{"pool": "2001:db8:1::100 - 2001:db8:1::1ff"}],
            "pd-pools": [{"prefix": "2001:db8:8::", "prefix-len": 56, "delegated-len": 64}],
        }],
        "loggers": [{"name": "kea-dhcp6", "severity": "INFO",
                     "output_options": [{"output": "stdout"}]}],
    }  # fmt: skip
    conf.update(overrides)
    return {"Dhcp6": conf}


def pukeko_command(*args: str) -> list[str]:
    """A Pukeko console script of this venv (``pukeko-dhcp6``, ``pukeko-shell``)."""
    name, *rest = args
    return [str(Path(sys.executable).with_name(name)), *rest]


@dataclass
class Link:
    """The two namespaces and the work directory of one test."""

    server_ns: str
    client_ns: str
    work: Path
    servers: list[subprocess.Popen[bytes]] = field(default_factory=list)

    @property
    def config_path(self) -> Path:
        """The configuration file of the server."""
        return self.work / "pukeko-dhcp6.conf"

    @property
    def log_path(self) -> Path:
        """Where the server's stdout and stderr go."""
        return self.work / "server.log"

    def write_config(self, **overrides: Any) -> Path:
        """Write the server configuration (with ``overrides``)."""
        self.config_path.write_text(json.dumps(server_config(self.work, **overrides), indent=2))
        return self.config_path

    def env(self) -> dict[str, str]:
        """The server's environment: PID file in the work directory."""
        return {**os.environ, "KEA_PIDFILE_DIR": str(self.work)}

    def start_server(self) -> subprocess.Popen[bytes]:
        """Start pukeko-dhcp6 on the configuration and wait for DHCP6_STARTED."""
        with open(self.log_path, "ab") as log:
            command = pukeko_command("pukeko-dhcp6", "-c", str(self.config_path))
            proc = subprocess.Popen(
                ["ip", "netns", "exec", self.server_ns, *command],
                stdout=log,
                stderr=subprocess.STDOUT,
                env=self.env(),
            )
        self.servers.append(proc)
        self.wait_log("DHCP6_STARTED", proc=proc)
        return proc

    def log(self) -> str:
        """The server's output so far."""
        with contextlib.suppress(OSError):
            return self.log_path.read_text(errors="replace")
        return ""

    def wait_log(
        self,
        text: str,
        timeout: float = PROCESS_TIMEOUT,
        proc: subprocess.Popen[bytes] | None = None,
    ) -> None:
        """Wait until the server logged ``text`` (AssertionError with the log on time-out)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if text in self.log():
                return
            if proc is not None and proc.poll() is not None:
                raise AssertionError(f"server exited with {proc.returncode}:\n{self.log()}")
            time.sleep(0.05)
        raise AssertionError(f"{text} not logged within {timeout} s:\n{self.log()}")

    def command(self, name: str, arguments: dict[str, Any] | None = None) -> dict[str, Any]:
        """Send a command with pukeko-shell over the control socket; the answer."""
        socket_path = str(self.work / "ctrl.sock")
        proc = subprocess.run(
            pukeko_command("pukeko-shell", "--socket", socket_path, name),
            input=json.dumps(arguments) if arguments is not None else "",
            capture_output=True,
            text=True,
            timeout=PROCESS_TIMEOUT,
            check=False,
        )
        assert proc.returncode == 0, proc.stdout + proc.stderr
        answer = json.loads(proc.stdout)
        return answer[0] if isinstance(answer, list) else answer  # type: ignore[no-any-return]

    def dhclient(self, *flags: str, timeout: float = 20) -> subprocess.CompletedProcess[str]:
        """``dhclient -6 -1 <flags>`` in the client namespace (stays behind to renew)."""
        script = self.work / "dhclient-script"
        if not script.exists():
            script.write_text(CLIENT_SCRIPT)
            script.chmod(0o755)
            (self.work / "dhclient.conf").write_text(f"timeout {int(timeout)};\n")
        command = [
            "ip", "netns", "exec", self.client_ns, "dhclient", "-6", "-1", "-v", *flags,
            "-cf", str(self.work / "dhclient.conf"), "-sf", str(script),
            "-lf", str(self.work / "dhclient.leases"), "-pf", str(self.work / "dhclient.pid"),
            CLIENT_IF,
        ]  # fmt: skip
        return subprocess.run(
            command, capture_output=True, text=True, timeout=timeout + 30, check=False
        )

    def client_leases(self) -> tuple[list[str], list[str]]:
        """(addresses, prefixes) in dhclient's lease file."""
        addresses, prefixes = [], []
        with contextlib.suppress(OSError):
            for line in (self.work / "dhclient.leases").read_text().splitlines():
                words = line.split()
                if len(words) >= 2 and words[0] == "iaaddr":
                    addresses.append(words[1])
                elif len(words) >= 2 and words[0] == "iaprefix":
                    prefixes.append(words[1])
        return addresses, prefixes

    def events(self) -> str:
        """What the dhclient script recorded."""
        with contextlib.suppress(OSError):
            return (self.work / "events.log").read_text()
        return ""

    def stop_all(self) -> None:
        """Stop every process this test started (servers, then anything left in the namespaces)."""
        for proc in self.servers:
            if proc.poll() is None:
                proc.terminate()
                try:
                    proc.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait(timeout=10)
        for namespace in (self.client_ns, self.server_ns):
            pids = subprocess.run(["ip", "netns", "pids", namespace], capture_output=True,
                                  text=True, check=False).stdout.split()  # fmt: skip
            for pid in pids:
                with contextlib.suppress(OSError, ValueError):
                    os.kill(int(pid), signal.SIGKILL)


@contextlib.contextmanager
def dhcp6_link(work: Path) -> Iterator[Link]:
    """Two fresh namespaces joined by pk-srv0 <-> pk-cli0, torn down afterwards."""
    with namespaces(2) as (server_ns, client_ns):
        add_veth(server_ns, SERVER_IF, client_ns, CLIENT_IF)
        ip("-n", server_ns, "addr", "add", SERVER_ADDRESS, "dev", SERVER_IF, "nodad")
        wait_link_local(server_ns, SERVER_IF)
        wait_link_local(client_ns, CLIENT_IF)
        link = Link(server_ns, client_ns, work)
        try:
            yield link
        finally:
            link.stop_all()


def have_dhclient() -> bool:
    """True when ``dhclient`` is installed."""
    return shutil.which("dhclient") is not None
