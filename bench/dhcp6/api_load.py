"""DHCPv6 throughput with and without concurrent management API clients (issue 7's load test).

For each server (Pukeko and Kea 2.2) perfdhcp -6 runs twice at one fixed offered rate for a
bounded duration (``run.py``'s namespaces, server start and perfdhcp invocation): (a) alone,
(b) while concurrent API clients loop a bounded number of times over a command mix
(statistic-get-all, lease6-get-all, which grows with the leases, lease6-get by address,
config-get, status-get). Pukeko serves a UNIX socket and an HTTP listener on the loopback of the
server namespace (Kea 3's ``control-sockets``); its clients are 8 HTTP keep-alive + 4 UNIX by
default. Kea 2.2 has no HTTP listener of its own (``kea-ctrl-agent`` is left out): 12 UNIX
clients. Each phase starts a fresh server with an empty lease file; both load lease_cmds and
stat_cmds. Printed: leases/s in (a) and (b), the ratio b/a, API requests/s, p50/p99 latency.

    sudo .venv/bin/python bench/dhcp6/api_load.py                    # both servers, ~1 minute
    sudo .venv/bin/python bench/dhcp6/api_load.py --servers pukeko --rate 500 --duration 5
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parents[1]))

from run import Step, link, run_step, server_config, usable_perfdhcp  # noqa: E402
from tests.support.api_load_clients import (  # noqa: E402
    ApiError,
    ApiSummary,
    ApiWorker,
    HttpCommandClient,
    http_sender,
    summarise,
    unix_command,
    unix_sender,
)
from tests.support.servers import KEA, PUKEKO, RunningServer, start_server  # noqa: E402

HOOKS_DIR = "/usr/lib/x86_64-linux-gnu/kea/hooks"
HOOKS = [
    {"library": f"{HOOKS_DIR}/libdhcp_lease_cmds.so"},
    {"library": f"{HOOKS_DIR}/libdhcp_stat_cmds.so"},
]
HTTP_ADDRESS = "127.0.0.1"  # the server namespace's own loopback


@dataclass
class Phase:
    """One perfdhcp run, with the API load that ran beside it (if any)."""

    step: Step
    api: ApiSummary | None
    problems: list[str]
    api_covered_run: bool = True  # the clients were still busy when perfdhcp ended


@dataclass
class ServerResult:
    """Phases (a) and (b) of one server."""

    server: str
    clients: str
    alone: Phase
    loaded: Phase

    @property
    def ratio(self) -> float:
        """Leases/s under API load over leases/s alone."""
        base = self.alone.step.leases_per_second
        return self.loaded.step.leases_per_second / base if base else 0.0


def api_config(kind: str, workdir: Path, http_port: int) -> dict[str, Any]:
    """``run.py``'s configuration plus the control channels and lease_cmds / stat_cmds."""
    config = server_config(workdir)
    dhcp6 = config["Dhcp6"]
    dhcp6["hooks-libraries"] = HOOKS
    unix = {"socket-type": "unix", "socket-name": str(workdir / "ctrl.sock")}
    if kind == PUKEKO:
        http = {"socket-type": "http", "socket-address": HTTP_ADDRESS, "socket-port": http_port}
        dhcp6["control-sockets"] = [unix, http]
    else:
        dhcp6["control-socket"] = unix
    return config


def _answers(path: Path) -> bool:
    try:
        return bool(unix_command(path, "status-get", timeout=2.0)["result"] == 0)
    except (OSError, ApiError):
        return False


def start(kind: str, server_ns: str, workdir: Path, http_port: int) -> RunningServer:
    """A fresh server whose UNIX control socket answers."""
    shutil.rmtree(workdir, ignore_errors=True)
    workdir.mkdir(parents=True)
    socket_path = workdir / "ctrl.sock"
    return start_server(
        kind,
        server_ns,
        api_config(kind, workdir, http_port),
        workdir,
        ready_timeout=30,
        probe=lambda: _answers(socket_path),
    )


def make_workers(
    kind: str, server_ns: str, workdir: Path, args: argparse.Namespace, stop: threading.Event
) -> list[ApiWorker]:
    """The API clients of one server: HTTP keep-alive ones (Pukeko) and UNIX ones."""
    workers: list[ApiWorker] = []
    http_count = args.http_clients if kind == PUKEKO else 0
    unix_count = args.unix_clients if kind == PUKEKO else args.kea_unix_clients
    for i in range(http_count):
        client = HttpCommandClient(server_ns, HTTP_ADDRESS, args.http_port)
        workers.append(ApiWorker(f"http{i}", http_sender(client), loops=args.loops, stop=stop))
    for i in range(unix_count):
        sender = unix_sender(workdir / "ctrl.sock")
        workers.append(ApiWorker(f"unix{i}", sender, loops=args.loops, stop=stop))
    return workers


def run_phase(
    kind: str, perfdhcp: str, args: argparse.Namespace, workdir: Path, *, loaded: bool
) -> Phase:
    """Start ``kind`` fresh; perfdhcp at the fixed rate, with API clients when ``loaded``."""
    with link() as (server_ns, client_ns):
        server = start(kind, server_ns, workdir, args.http_port)
        stop = threading.Event()
        workers = make_workers(kind, server_ns, workdir, args, stop) if loaded else []
        try:
            time.sleep(0.5)
            for worker in workers:
                worker.start()
            step = run_step(
                perfdhcp, client_ns, server, args.rate, args.duration, base=2 if loaded else 1
            )
            covered = all(w.is_alive() for w in workers)
            stop.set()
            for worker in workers:
                worker.join(timeout=args.duration + 60)
        finally:
            stop.set()
            server.stop()
    problems = [p for w in workers for p in w.problems]
    return Phase(step, summarise(workers) if workers else None, problems, covered)


def bench(kind: str, perfdhcp: str, args: argparse.Namespace, scratch: Path) -> ServerResult:
    """Phases (a) and (b) of one server."""
    workdir = scratch / kind
    alone = run_phase(kind, perfdhcp, args, workdir, loaded=False)
    print(f"  {kind:7} alone:    {_step_text(alone.step)}", flush=True)
    loaded = run_phase(kind, perfdhcp, args, workdir, loaded=True)
    print(f"  {kind:7} API load: {_step_text(loaded.step)}", flush=True)
    if kind == PUKEKO:
        clients = f"{args.http_clients} HTTP + {args.unix_clients} UNIX"
    else:
        clients = f"{args.kea_unix_clients} UNIX"
    return ServerResult(kind, clients, alone, loaded)


def _step_text(step: Step) -> str:
    return (
        f"{step.leases_per_second:8.1f} leases/s, drops {step.drop_ratio * 100:5.2f}%, "
        f"cpu {step.cpu_us_per_lease:7.1f} us/lease"
    )


def report(results: list[ServerResult], rate: int, seconds: int) -> str:
    """One table row per server, then any API problems seen."""
    header = [
        "server",
        "API clients",
        "leases/s alone",
        "leases/s API load",
        "ratio",
        "API req/s",
        "API p50/p99/max ms",
        "API failures",
    ]
    rows = [header]
    notes: list[str] = [f"perfdhcp -6 at {rate}/s for {seconds} s per phase"]
    for r in results:
        api = r.loaded.api
        rows.append(
            [
                r.server,
                r.clients,
                f"{r.alone.step.leases_per_second:.0f}",
                f"{r.loaded.step.leases_per_second:.0f}",
                f"{r.ratio:.2f}",
                f"{api.per_second:.0f}" if api else "-",
                f"{api.p50_ms:.1f}/{api.p99_ms:.1f}/{api.max_ms:.0f}" if api else "-",
                str(api.failures) if api else "-",
            ]
        )
        if not r.loaded.api_covered_run:
            notes.append(f"{r.server}: some API clients finished their loops before perfdhcp")
        notes.extend(f"{r.server}: {p}" for p in r.loaded.problems[:5])
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    lines = ["  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row)) for row in rows]
    return "\n".join([*lines, *notes])


def parse_args(argv: list[str]) -> argparse.Namespace:
    """Command line."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--servers", default="pukeko,kea", help="comma list: pukeko, kea")
    parser.add_argument("--rate", type=int, default=1000, help="offered exchanges/s")
    parser.add_argument("--duration", type=int, default=10, help="seconds per perfdhcp run")
    parser.add_argument("--http-clients", type=int, default=8, help="Pukeko HTTP keep-alive")
    parser.add_argument("--unix-clients", type=int, default=4, help="Pukeko UNIX clients")
    parser.add_argument("--kea-unix-clients", type=int, default=12, help="Kea UNIX clients")
    parser.add_argument("--loops", type=int, default=1000, help="most mix loops per client")
    parser.add_argument("--http-port", type=int, default=18080, help="Pukeko HTTP port")
    parser.add_argument("--json", type=Path, help="also write the results here")
    parser.add_argument("--keep", action="store_true", help="keep the scratch directory")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    """Run both phases for each server; 0 on success, 2 when it cannot run here."""
    args = parse_args(sys.argv[1:] if argv is None else argv)
    perfdhcp = usable_perfdhcp()
    if perfdhcp is None:
        return 2
    scratch = Path(tempfile.mkdtemp(prefix="pukeko-apiload-"))
    results: list[ServerResult] = []
    try:
        for kind in [k.strip() for k in args.servers.split(",") if k.strip()]:
            if kind not in (PUKEKO, KEA):
                raise SystemExit(f"unknown server {kind!r}")
            print(f"{kind}:", flush=True)
            results.append(bench(kind, perfdhcp, args, scratch))
    finally:
        if not args.keep:
            shutil.rmtree(scratch, ignore_errors=True)
    print(report(results, args.rate, args.duration))
    if args.json:
        args.json.write_text(json.dumps([asdict(r) for r in results], indent=1, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
