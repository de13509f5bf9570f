"""``make run``: a real ``dhclient -6`` gets an address and a prefix from ``pukeko-dhcp6``.

Run as root (``make run`` installs ``isc-dhcp-client`` first). The demo:

1. creates two network namespaces joined by a veth pair: ``pk-srv0`` (2001:db8:1::1/64, in
   ``pukeko-srv``) and ``pk-cli0`` (in ``pukeko-cli``), documentation addresses only;
2. starts ``pukeko-dhcp6 -c docs/examples/pukeko-dhcp6.conf`` in the server namespace (its files
   live in /tmp/pukeko-run);
3. runs ``dhclient -6 -N -P -1`` in the client namespace with its own configuration, lease file,
   PID file and script (the script only sets the address: the host's resolv.conf is left alone);
4. prints the leases dhclient obtained (its lease file and ``ip -6 addr``), the server's lease
   file and log;
5. keeps serving until Ctrl-C (or exits at once with ``--once`` / ``PUKEKO_RUN_ONCE=1``), then
   stops the processes and removes the namespaces and /tmp/pukeko-run, also after an error.

Every wait is bounded by a timeout.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from types import FrameType
from typing import TextIO

RUN_DIR = Path("/tmp/pukeko-run")
SERVER_NS = "pukeko-srv"
CLIENT_NS = "pukeko-cli"
SERVER_IF = "pk-srv0"
CLIENT_IF = "pk-cli0"
SERVER_ADDRESS = "2001:db8:1::1/64"  # RFC 3849 documentation prefix
DEFAULT_CONFIG = "docs/examples/pukeko-dhcp6.conf"
ONCE_ENV = "PUKEKO_RUN_ONCE"
START_TIMEOUT = 20.0
CLIENT_TIMEOUT = 20  # dhclient's own "timeout" for the initial exchange
STOP_TIMEOUT = 10.0

CLIENT_CONFIG = f"""# dhclient configuration of the Pukeko demo
timeout {CLIENT_TIMEOUT};
request dhcp6.name-servers, dhcp6.domain-search;
"""

# Only what the demo needs: set or remove the leased address, and record every event.
CLIENT_SCRIPT = """#!/bin/sh
{
  echo "reason=${reason} interface=${interface}"
  [ -n "${new_ip6_address}" ] && echo "  address ${new_ip6_address}"
  [ -n "${new_ip6_prefix}" ] && echo "  prefix ${new_ip6_prefix}"
  [ -n "${new_dhcp6_name_servers}" ] && echo "  name-servers ${new_dhcp6_name_servers}"
  [ -n "${new_dhcp6_domain_search}" ] && echo "  domain-search ${new_dhcp6_domain_search}"
} >> "$(dirname "$0")/dhclient-events.log"
case "${reason}" in
  BOUND6|RENEW6|REBIND6)
    if [ -n "${new_ip6_address}" ]; then
      ip -6 addr replace "${new_ip6_address}/128" dev "${interface}" scope global \\
        valid_lft "${new_max_life}" preferred_lft "${new_preferred_life}"
    fi ;;
  EXPIRE6|RELEASE6|STOP6)
    if [ -n "${old_ip6_address}" ]; then
      ip -6 addr del "${old_ip6_address}/128" dev "${interface}" 2>/dev/null
    fi ;;
esac
exit 0
"""


class DemoError(Exception):
    """The demo cannot go on; the text says why."""


def run(args: list[str], timeout: float = 30.0, check: bool = True) -> str:
    """Run a command; its output (DemoError with stderr when it fails and ``check``)."""
    try:
        proc = subprocess.run(args, capture_output=True, text=True, timeout=timeout, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise DemoError(f"{' '.join(args)}: {exc}") from exc
    if check and proc.returncode != 0:
        raise DemoError(f"{' '.join(args)} failed: {proc.stderr.strip() or proc.stdout.strip()}")
    return proc.stdout


def in_netns(namespace: str, *args: str) -> list[str]:
    """``args`` run inside ``namespace``."""
    return ["ip", "netns", "exec", namespace, *args]


def wait_link_local(namespace: str, ifname: str, timeout: float = 10.0) -> None:
    """Wait until the interface has a usable (not tentative) link-local address."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        out = run(
            ["ip", "-n", namespace, "-6", "-o", "addr", "show", "dev", ifname, "scope", "link"]
        )
        if out.strip() and "tentative" not in out:
            return
        time.sleep(0.1)
    raise DemoError(f"{ifname} in {namespace} got no link-local address within {timeout:.0f} s")


def server_command(config: str) -> list[str]:
    """``pukeko-dhcp6 -c config``: the console script beside this Python, else the module."""
    script = Path(sys.executable).with_name("pukeko-dhcp6")
    if script.exists():
        return [str(script), "-c", config]
    return [sys.executable, "-m", "pukeko.cli.dhcp6", "-c", config]


class Demo:
    """One demo run; :meth:`cleanup` removes whatever it created."""

    def __init__(self, config: str, run_dir: Path = RUN_DIR, out: TextIO = sys.stdout) -> None:
        self.config = config
        self.run_dir = run_dir
        self.out = out
        self.namespaces: list[str] = []
        self.server: subprocess.Popen[bytes] | None = None
        self.server_log: TextIO | None = None
        self.log_shown = 0  # characters of the server log printed so far

    def say(self, text: str) -> None:
        """Print one line of the demo's narration."""
        print(text, file=self.out, flush=True)

    # -- setting up ---------------------------------------------------------------------------

    def prepare_files(self) -> None:
        """A fresh run directory with the client's configuration and script."""
        shutil.rmtree(self.run_dir, ignore_errors=True)
        self.run_dir.mkdir(parents=True)
        (self.run_dir / "dhclient6.conf").write_text(CLIENT_CONFIG)
        script = self.run_dir / "dhclient-script"
        script.write_text(CLIENT_SCRIPT)
        script.chmod(0o755)

    def setup_network(self) -> None:
        """Two namespaces joined by a veth pair, DAD off so link-local addresses work at once."""
        for name in (SERVER_NS, CLIENT_NS):
            run(["ip", "netns", "del", name], check=False)  # left over by an interrupted run
            run(["ip", "netns", "add", name])
            self.namespaces.append(name)
            run(["ip", "-n", name, "link", "set", "lo", "up"])
            for key in ("all", "default"):
                run(in_netns(name, "sysctl", "-qw", f"net.ipv6.conf.{key}.accept_dad=0"))
        run(["ip", "-n", SERVER_NS, "link", "add", SERVER_IF, "type", "veth", "peer", "name",
             CLIENT_IF, "netns", CLIENT_NS])  # fmt: skip
        run(["ip", "-n", SERVER_NS, "addr", "add", SERVER_ADDRESS, "dev", SERVER_IF, "nodad"])
        run(["ip", "-n", SERVER_NS, "link", "set", SERVER_IF, "up"])
        run(["ip", "-n", CLIENT_NS, "link", "set", CLIENT_IF, "up"])
        wait_link_local(SERVER_NS, SERVER_IF)
        wait_link_local(CLIENT_NS, CLIENT_IF)
        self.say(f"network: {SERVER_NS}/{SERVER_IF} ({SERVER_ADDRESS}) <-veth-> "
                 f"{CLIENT_NS}/{CLIENT_IF}")  # fmt: skip

    def start_server(self) -> None:
        """Start pukeko-dhcp6 in the server namespace and wait for DHCP6_STARTED."""
        env = {**os.environ, "KEA_PIDFILE_DIR": str(self.run_dir)}
        self.server_log = open(self.run_dir / "pukeko-dhcp6.log", "w")  # noqa: SIM115
        command = in_netns(SERVER_NS, *server_command(self.config))
        self.say(f"server: {' '.join(command)}")
        self.server = subprocess.Popen(
            command, stdout=self.server_log, stderr=subprocess.STDOUT, env=env
        )
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.server.poll() is not None:
                raise DemoError(f"pukeko-dhcp6 exited with {self.server.returncode}")
            if "DHCP6_STARTED" in self.log_text():
                return
            time.sleep(0.1)
        raise DemoError(f"pukeko-dhcp6 did not start within {START_TIMEOUT:.0f} s")

    def log_text(self) -> str:
        """What the server logged so far."""
        with contextlib.suppress(OSError):
            return (self.run_dir / "pukeko-dhcp6.log").read_text(errors="replace")
        return ""

    def run_client(self) -> None:
        """``dhclient -6 -N -P -1``: an address and a prefix (it stays running to renew)."""
        d = self.run_dir
        command = in_netns(
            CLIENT_NS, "dhclient", "-6", "-N", "-P", "-v", "-1",
            "-cf", str(d / "dhclient6.conf"), "-sf", str(d / "dhclient-script"),
            "-lf", str(d / "dhclient6.leases"), "-pf", str(d / "dhclient6.pid"), CLIENT_IF,
        )  # fmt: skip
        self.say(f"client: {' '.join(command)}")
        try:
            proc = subprocess.run(
                command, capture_output=True, text=True, timeout=CLIENT_TIMEOUT + 30, check=False
            )
        except subprocess.TimeoutExpired as exc:
            raise DemoError("dhclient did not finish in time") from exc
        self.section("dhclient output", proc.stdout + proc.stderr)
        if proc.returncode != 0:
            raise DemoError(f"dhclient got no lease (exit status {proc.returncode})")

    # -- showing ------------------------------------------------------------------------------

    def section(self, title: str, text: str) -> None:
        """Print a titled block."""
        self.say(f"\n===== {title} =====\n{text.rstrip()}")

    def leases_obtained(self) -> tuple[list[str], list[str]]:
        """(addresses, prefixes) from dhclient's lease file."""
        text = (self.run_dir / "dhclient6.leases").read_text(errors="replace")
        addresses, prefixes = [], []
        for line in text.splitlines():
            words = line.split()
            if len(words) >= 2 and words[0] == "iaaddr":
                addresses.append(words[1])
            elif len(words) >= 2 and words[0] == "iaprefix":
                prefixes.append(words[1])
        return addresses, prefixes

    def show(self) -> None:
        """Print the leases (client and server side) and the server's log."""
        addresses, prefixes = self.leases_obtained()
        self.section("leases obtained", f"address: {', '.join(addresses) or '(none)'}\n"
                     f"prefix:  {', '.join(prefixes) or '(none)'}")  # fmt: skip
        self.section("dhclient lease file", (self.run_dir / "dhclient6.leases").read_text())
        addr = run(["ip", "-n", CLIENT_NS, "-6", "addr", "show", "dev", CLIENT_IF])
        self.section(f"ip -6 addr show dev {CLIENT_IF} (in {CLIENT_NS})", addr)
        server_leases = self.run_dir / "pukeko-leases6.csv"
        if server_leases.exists():
            self.section("server lease file", server_leases.read_text())
        self.show_log("server log")
        if not addresses or not prefixes:
            raise DemoError("dhclient did not get both an address and a prefix")

    def show_log(self, title: str) -> None:
        """Print what the server logged since the last time."""
        text = self.log_text()
        if text[self.log_shown :].strip():
            self.section(title, text[self.log_shown :])
        self.log_shown = len(text)

    def serve(self) -> None:
        """Keep serving until Ctrl-C (or SIGTERM), or until the server stops by itself."""
        self.say("\npukeko-dhcp6 keeps serving; press Ctrl-C to stop and clean up.")
        while self.server is not None and self.server.poll() is None:
            time.sleep(0.5)
        if self.server is not None:
            self.say(f"pukeko-dhcp6 exited with status {self.server.returncode}")

    # -- cleaning up --------------------------------------------------------------------------

    def cleanup(self) -> None:
        """Stop the client and the server, remove the namespaces and the run directory."""
        self.stop_client()
        self.stop_server()
        self.show_log("server log (shutdown)")
        for name in self.namespaces:
            for pid in run(["ip", "netns", "pids", name], check=False).split():
                with contextlib.suppress(OSError, ValueError):
                    os.kill(int(pid), signal.SIGKILL)  # anything still running in our namespace
            run(["ip", "netns", "del", name], check=False)
        self.namespaces = []
        if self.server_log is not None:
            self.server_log.close()
        shutil.rmtree(self.run_dir, ignore_errors=True)
        self.say("cleaned up: namespaces, processes and /tmp/pukeko-run removed")

    def stop_client(self) -> None:
        """Stop the dhclient that went to the background, by its PID file."""
        with contextlib.suppress(OSError, ValueError):
            pid = int((self.run_dir / "dhclient6.pid").read_text().split()[0])
            os.kill(pid, signal.SIGTERM)

    def stop_server(self) -> None:
        """SIGTERM, then SIGKILL after a bounded wait."""
        server, self.server = self.server, None
        if server is None or server.poll() is not None:
            return
        server.terminate()
        try:
            server.wait(timeout=STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=STOP_TIMEOUT)


def _interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """The demo's command line."""
    parser = argparse.ArgumentParser(prog="pukeko-demo", description=__doc__.splitlines()[0])
    parser.add_argument("--config", default=DEFAULT_CONFIG, help="pukeko-dhcp6 configuration")
    parser.add_argument(
        "--once", action="store_true", help=f"exit after showing the leases (or {ONCE_ENV}=1)"
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    """Run the demo; 0 when the client got an address and a prefix."""
    args = parse_args(argv)
    once = args.once or os.environ.get(ONCE_ENV, "") not in ("", "0")
    if os.geteuid() != 0:
        print("make run needs root (it creates network namespaces)", file=sys.stderr)
        return 1
    for tool in ("ip", "dhclient"):
        if shutil.which(tool) is None:
            print(f"{tool} is missing (make run installs isc-dhcp-client)", file=sys.stderr)
            return 1
    signal.signal(signal.SIGTERM, _interrupt)
    demo = Demo(args.config)
    status = 0
    try:
        demo.prepare_files()
        demo.setup_network()
        demo.start_server()
        demo.run_client()
        demo.show()
        if not once:
            demo.serve()
    except KeyboardInterrupt:
        demo.say("\ninterrupted")
    except DemoError as exc:
        demo.show_log("server log")
        print(f"make run failed: {exc}", file=sys.stderr)
        status = 1
    finally:
        demo.cleanup()
    return status


if __name__ == "__main__":
    sys.exit(main())
