"""perfdhcp benchmark: Pukeko vs Kea 2.2 (single-threaded memfile), same config, same run.

Both servers run ``bench/dhcp6/configs/bench6.json`` (lease file and PID file in a scratch
directory) in a server namespace; perfdhcp -6 runs in a client namespace over a veth link
(Solicit-Advertise-Request-Reply, unique clients ``-R``, ``-g single``, ``-p`` seconds per step).
For each server the rate is searched (bounded number of steps) for the highest one that
completes with at most 1% drops. Printed per server: completed leases/s at that rate, latency
(perfdhcp's min/avg/max delay of both exchanges), server CPU microseconds per lease (utime +
stime from /proc/<pid>/stat over the step, divided by the Replies received), RSS (VmRSS) and
the Pukeko / Kea ratio. Needs root, kea-dhcp6 and perfdhcp; run ``python bench/dhcp6/run.py``.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

from tests.support.netns_enter import add_veth, ip, namespaces, wait_link_local  # noqa: E402
from tests.support.servers import (  # noqa: E402
    KEA,
    PUKEKO,
    RunningServer,
    cpu_ticks,
    rss_kib,
    start_server,
)

CONFIG = Path(__file__).resolve().parent / "configs" / "bench6.json"
TICK_US = 1_000_000 / os.sysconf("SC_CLK_TCK")
MAX_DROP = 0.01


@dataclass
class Step:
    """One perfdhcp run at a fixed rate."""

    rate: int
    seconds: float
    solicits_sent: int = 0
    advertises: int = 0
    requests_sent: int = 0
    replies: int = 0
    delay_ms: dict[str, tuple[float, float, float]] = field(default_factory=dict)
    cpu_us: float = 0.0

    @property
    def drop_ratio(self) -> float:
        """Exchanges started but not completed, over exchanges started."""
        if not self.solicits_sent:
            return 1.0
        return max(0.0, 1.0 - self.replies / self.solicits_sent)

    @property
    def leases_per_second(self) -> float:
        """Completed four-way exchanges per second."""
        return self.replies / self.seconds if self.seconds else 0.0

    @property
    def cpu_us_per_lease(self) -> float:
        """Server CPU time per completed exchange."""
        return self.cpu_us / self.replies if self.replies else float("inf")


@dataclass
class Result:
    """The best passing step of one server, and its memory."""

    server: str
    best: Step | None
    steps: list[Step]
    rss_kib: int
    log_tail: str = ""


def server_config(workdir: Path, source: Path = CONFIG) -> dict[str, Any]:
    """The benchmark configuration (``source``) with the lease file in ``workdir``."""
    config: dict[str, Any] = json.loads(source.read_text())
    config["Dhcp6"]["lease-database"]["name"] = str(workdir / "leases6.csv")
    return config


@contextmanager
def link() -> Iterator[tuple[str, str]]:
    """(server namespace, client namespace) joined by srv0 <-> cli0."""
    with namespaces(2) as (server_ns, client_ns):
        add_veth(server_ns, "srv0", client_ns, "cli0")
        ip("-n", server_ns, "addr", "add", "2001:db8:1::1/64", "dev", "srv0", "nodad")
        ip("-n", client_ns, "addr", "add", "2001:db8:1::2/64", "dev", "cli0", "nodad")
        wait_link_local(server_ns, "srv0")
        wait_link_local(client_ns, "cli0")
        yield server_ns, client_ns


_SECTION = re.compile(r"\*\*\*Statistics for: (\S+)\*\*\*(.*?)(?=\*\*\*Statistics for:|\Z)", re.S)


def _number(text: str, label: str) -> float:
    match = re.search(rf"^{label}: ([0-9.]+)", text, re.M)
    return float(match.group(1)) if match else 0.0


def parse_perfdhcp(output: str, step: Step) -> None:
    """Fill ``step`` from perfdhcp's final report."""
    for name, body in _SECTION.findall(output):
        sent, received = int(_number(body, "sent packets")), int(_number(body, "received packets"))
        delays = tuple(_number(body, label) for label in ("min delay", "avg delay", "max delay"))
        step.delay_ms[name] = delays  # type: ignore[assignment]
        if name == "SOLICIT-ADVERTISE":
            step.solicits_sent, step.advertises = sent, received
        elif name == "REQUEST-REPLY":
            step.requests_sent, step.replies = sent, received


def run_step(
    perfdhcp: str, client_ns: str, server: RunningServer, rate: int, seconds: int, base: int
) -> Step:
    """One perfdhcp run at ``rate``; server CPU measured over it."""
    step = Step(rate, float(seconds))
    before = cpu_ticks(server.pid)
    started = time.monotonic()
    cmd = [
        "ip", "netns", "exec", client_ns, perfdhcp, "-6", "-l", "cli0", "-g", "single",
        "-R", "100000000", "-b", f"duid=00010001{base:08x}000000000000", "-r", str(rate),
        "-p", str(seconds), "-W", "200000",
    ]  # fmt: skip
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=seconds + 30, check=False)
    step.seconds = max(float(seconds), 1e-3)
    step.cpu_us = (cpu_ticks(server.pid) - before) * TICK_US
    parse_perfdhcp(proc.stdout, step)
    if not step.solicits_sent:
        print(proc.stdout[-2000:], proc.stderr[-2000:], file=sys.stderr)
    del started
    return step


def search(
    perfdhcp: str, client_ns: str, server: RunningServer, args: argparse.Namespace
) -> list[Step]:
    """Raise the rate while drops stay <= 1%, then bisect; at most ``args.steps`` runs."""
    steps: list[Step] = []
    low, high = 0, 0
    rate = args.start_rate
    for index in range(args.steps):
        step = run_step(perfdhcp, client_ns, server, rate, args.duration, base=index + 1)
        steps.append(step)
        ok = step.drop_ratio <= MAX_DROP
        print(
            f"  {server.kind:7} rate {rate:6d}/s: {step.leases_per_second:8.1f} leases/s, "
            f"drops {step.drop_ratio * 100:5.2f}%, cpu {step.cpu_us_per_lease:7.1f} us/lease",
            flush=True,
        )
        if ok:
            low = max(low, rate)
        else:
            high = rate if not high else min(high, rate)
        if high and high - low <= max(50, low // 20):
            break
        rate = (low + high) // 2 if high else int(rate * args.growth)
    return steps


@contextmanager
def python_path(source: str | None) -> Iterator[None]:
    """``PYTHONPATH`` set to ``source`` for the block (a server started then imports it)."""
    if source is None:
        yield
        return
    saved = os.environ.get("PYTHONPATH")
    os.environ["PYTHONPATH"] = source
    try:
        yield
    finally:
        if saved is None:
            del os.environ["PYTHONPATH"]
        else:
            os.environ["PYTHONPATH"] = saved


def bench_server(
    kind: str,
    perfdhcp: str,
    args: argparse.Namespace,
    scratch: Path,
    label: str | None = None,
    source: str | None = None,
) -> Result:
    """Start ``kind`` fresh (Pukeko from ``source`` when given), search its rate, report."""
    label = label or kind
    workdir = scratch / label
    workdir.mkdir(parents=True, exist_ok=True)
    with link() as (server_ns, client_ns), python_path(source):
        server = start_server(
            kind, server_ns, server_config(workdir, args.config), workdir, ready_timeout=30
        )
        server.kind = label
        try:
            time.sleep(0.5)
            steps = search(perfdhcp, client_ns, server, args)
            rss = rss_kib(server.pid)
            log_tail = server.log()[-1500:]
        finally:
            server.stop()
    passing = [s for s in steps if s.drop_ratio <= MAX_DROP]
    best = max(passing, key=lambda s: s.leases_per_second) if passing else None
    return Result(label, best, steps, rss, log_tail)


def _row(result: Result) -> list[str]:
    best = result.best
    if best is None:
        return [result.server, "none <=1% drops", "-", "-", f"{result.rss_kib / 1024:.1f}"]
    sa = best.delay_ms.get("SOLICIT-ADVERTISE", (0.0, 0.0, 0.0))
    rr = best.delay_ms.get("REQUEST-REPLY", (0.0, 0.0, 0.0))
    return [
        result.server,
        f"{best.leases_per_second:.0f} (rate {best.rate}, drops {best.drop_ratio * 100:.2f}%)",
        f"SA {sa[0]:.2f}/{sa[1]:.2f}/{sa[2]:.2f}  RR {rr[0]:.2f}/{rr[1]:.2f}/{rr[2]:.2f}",
        f"{best.cpu_us_per_lease:.0f}",
        f"{result.rss_kib / 1024:.1f}",
    ]


def report(results: list[Result]) -> str:
    """The comparison table and the Pukeko / Kea ratios."""
    header = ["server", "leases/s at <=1% drops", "delay ms min/avg/max", "CPU us/lease", "RSS MiB"]
    rows = [header, *(_row(r) for r in results)]
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    lines = ["  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row)) for row in rows]
    by_kind = {r.server: r for r in results}
    kea = by_kind.get(KEA)
    for pukeko in results:
        if pukeko.server == KEA or not (kea and kea.best and pukeko.best):
            continue
        ratio = pukeko.best.leases_per_second / kea.best.leases_per_second
        cpu = pukeko.best.cpu_us_per_lease / kea.best.cpu_us_per_lease
        name = "Pukeko" if pukeko.server == PUKEKO else f"Pukeko ({pukeko.server})"
        lines.append(
            f"ratio {name} / Kea: throughput {ratio:.2f}, CPU per lease {cpu:.2f}, "
            f"RSS {pukeko.rss_kib / max(kea.rss_kib, 1):.2f}"
        )
    return "\n".join(lines)


def parse_args(argv: list[str]) -> argparse.Namespace:
    """Command line."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--servers", default="kea,pukeko", help="comma list: kea, pukeko")
    parser.add_argument("--duration", type=int, default=5, help="seconds per perfdhcp step")
    parser.add_argument("--start-rate", type=int, default=500, help="first rate (exchanges/s)")
    parser.add_argument("--growth", type=float, default=2.0, help="rate factor while passing")
    parser.add_argument("--steps", type=int, default=8, help="most perfdhcp runs per server")
    parser.add_argument(
        "--variant",
        action="append",
        default=[],
        metavar="LABEL=SRC",
        help="also benchmark Pukeko imported from source tree SRC (e.g. an older commit's src)",
    )
    parser.add_argument(
        "--config",
        type=Path,
        default=CONFIG,
        help="server configuration (default configs/bench6.json; configs/classes6.json has"
        " 20 client classes and a shared network of 4 subnets)",
    )
    parser.add_argument("--json", type=Path, help="also write the results here")
    parser.add_argument("--keep", action="store_true", help="keep the scratch directory")
    return parser.parse_args(argv)


def usable_perfdhcp() -> str | None:
    """perfdhcp's path when this process can run it (root), else None (the reason printed)."""
    perfdhcp = shutil.which("perfdhcp") or "/usr/sbin/perfdhcp"
    if os.geteuid() != 0 or not Path(perfdhcp).exists():
        print("needs root and perfdhcp (apt-get install kea-admin or isc-kea-perfdhcp)")
        return None
    return perfdhcp


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark; 0 on success, 2 when it cannot run here."""
    args = parse_args(sys.argv[1:] if argv is None else argv)
    perfdhcp = usable_perfdhcp()
    if perfdhcp is None:
        return 2
    scratch = Path(tempfile.mkdtemp(prefix="pukeko-bench6-"))
    results: list[Result] = []
    try:
        for kind in [k.strip() for k in args.servers.split(",") if k.strip()]:
            print(f"{kind}:", flush=True)
            results.append(bench_server(kind, perfdhcp, args, scratch))
        for variant in args.variant:
            label, _, source = variant.partition("=")
            print(f"{label} ({source}):", flush=True)
            results.append(bench_server(PUKEKO, perfdhcp, args, scratch, label, source))
    finally:
        if not args.keep:
            shutil.rmtree(scratch, ignore_errors=True)
    print(report(results))
    if args.json:
        args.json.write_text(json.dumps([asdict(r) for r in results], indent=1, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
