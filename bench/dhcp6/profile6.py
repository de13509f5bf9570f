"""Profile Pukeko under a fixed perfdhcp load: where does the server's CPU go?

Starts ``pukeko-dhcp6`` on ``configs/bench6.json`` in a server namespace, runs perfdhcp -6
(Solicit-Advertise-Request-Reply, unique clients, ``-g single``) at ``--rate`` for
``--duration`` seconds from a client namespace, and measures the server's CPU per lease (user,
system, context switches). With ``--py-spy`` it samples the daemon with py-spy meanwhile
(``.venv/bin/py-spy``; only while a thread holds the GIL, so idle waits do not count) and prints
the functions with the most samples, self and inclusive; ``--svg`` also writes a flame graph.
With ``--cprofile FILE`` the daemon runs under cProfile (``cprofiled.py``) instead.

    sudo .venv/bin/python bench/dhcp6/profile6.py --rate 1000 --duration 10 --py-spy
"""

from __future__ import annotations

import argparse
import os
import pstats
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parents[1]))

import tests.support.servers as servers  # noqa: E402
from run import TICK_US, Step, link, parse_perfdhcp, server_config  # noqa: E402
from tests.support.servers import PUKEKO, cpu_ticks, start_server  # noqa: E402

PY_SPY = HERE.parents[1] / ".venv" / "bin" / "py-spy"
PYTHON = HERE.parents[1] / ".venv" / "bin" / "python"


def use_cprofile(output: Path) -> None:
    """Start the daemon under cProfile (``cprofiled.py``), its stats written to ``output``."""
    os.environ["PUKEKO_CPROFILE"] = str(output)
    plain = servers.command_for

    def command_for(kind: str, config_path: Path) -> list[str]:
        if kind != PUKEKO:
            return plain(kind, config_path)
        return [str(PYTHON), str(HERE / "cprofiled.py"), "-c", str(config_path)]

    servers.command_for = command_for


def perfdhcp_command(perfdhcp: str, client_ns: str, rate: int, seconds: int) -> list[str]:
    """perfdhcp at a fixed rate with fresh clients."""
    return [
        "ip", "netns", "exec", client_ns, perfdhcp, "-6", "-l", "cli0", "-g", "single",
        "-R", "100000000", "-b", "duid=00010001abcdef01000000000000", "-r", str(rate),
        "-p", str(seconds), "-W", "200000",
    ]  # fmt: skip


def cpu_split(pid: int) -> list[int]:
    """[utime ticks, stime ticks, voluntary switches, involuntary switches] of every thread."""
    totals = [0, 0, 0, 0]
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            stat = (task / "stat").read_text()
            status = (task / "status").read_text()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2 :].split()
        totals[0] += int(fields[11])
        totals[1] += int(fields[12])
        for line in status.splitlines():
            if line.startswith("voluntary_ctxt_switches:"):
                totals[2] += int(line.split()[1])
            elif line.startswith("nonvoluntary_ctxt_switches:"):
                totals[3] += int(line.split()[1])
    return totals


def summarise(raw: Path, top: int) -> str:
    """The functions with the most samples (self, then inclusive) from py-spy's raw output."""
    own: Counter[str] = Counter()
    inclusive: Counter[str] = Counter()
    total = 0
    for line in raw.read_text().splitlines():
        stack, _, count_text = line.rpartition(" ")
        if not stack:
            continue
        count = int(count_text)
        frames = stack.split(";")
        total += count
        own[frames[-1]] += count
        for frame in set(frames):
            inclusive[frame] += count
    lines = [f"samples: {total}", "", "self:"]
    lines += [f"  {n * 100 / total:5.1f}%  {f}" for f, n in own.most_common(top)]
    lines += ["", "inclusive:"]
    lines += [f"  {n * 100 / total:5.1f}%  {f}" for f, n in inclusive.most_common(top)]
    return "\n".join(lines)


def main() -> int:
    """Run one profiled load step."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rate", type=int, default=1000)
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--py-spy", action="store_true", help="sample the daemon with py-spy")
    parser.add_argument("--svg", type=Path, help="also write a py-spy flame graph here")
    parser.add_argument("--cprofile", type=Path, help="run the daemon under cProfile, stats here")
    parser.add_argument("--perf-trace", action="store_true", help="count syscalls (perf trace -s)")
    parser.add_argument("--top", type=int, default=40)
    args = parser.parse_args()
    if args.cprofile:
        use_cprofile(args.cprofile.resolve())
    perfdhcp = shutil.which("perfdhcp") or "/usr/sbin/perfdhcp"
    scratch = Path(tempfile.mkdtemp(prefix="pukeko-prof6-"))
    try:
        with link() as (server_ns, client_ns):
            server = start_server(
                PUKEKO, server_ns, server_config(scratch), scratch, ready_timeout=30
            )
            try:
                time.sleep(0.5)
                spies = []
                raw = scratch / "spy.txt"
                if args.py_spy:
                    spy = [str(PY_SPY), "record", "--pid", str(server.pid), "-r", "250"]
                    spy += ["-d", str(args.duration), "--nonblocking", "--gil"]
                    spies.append(subprocess.Popen([*spy, "-f", "raw", "-o", str(raw)]))
                    if args.svg:
                        spies.append(subprocess.Popen([*spy, "-o", str(args.svg)]))
                if args.perf_trace:
                    trace = ["perf", "trace", "-s", "-p", str(server.pid), "-o", str(scratch / "t")]
                    spies.append(subprocess.Popen([*trace, "--", "sleep", str(args.duration)]))
                before = cpu_ticks(server.pid)
                split_before = cpu_split(server.pid)
                cmd = perfdhcp_command(perfdhcp, client_ns, args.rate, args.duration)
                proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
                cpu_us = (cpu_ticks(server.pid) - before) * TICK_US
                split = [b - a for a, b in zip(split_before, cpu_split(server.pid), strict=True)]
                for spy_proc in spies:
                    spy_proc.wait(timeout=60)
            finally:
                log_tail = server.log()[-1200:]
                server.stop()
        step = Step(args.rate, float(args.duration), cpu_us=cpu_us)
        parse_perfdhcp(proc.stdout, step)
        print(
            f"rate {args.rate}/s: {step.leases_per_second:.1f} leases/s, "
            f"drops {step.drop_ratio * 100:.2f}%, cpu {step.cpu_us_per_lease:.1f} us/lease"
        )
        replies = max(step.replies, 1)
        print(
            f"  user {split[0] * TICK_US / replies:.1f} us/lease, "
            f"system {split[1] * TICK_US / replies:.1f} us/lease, "
            f"context switches {(split[2] + split[3]) / replies:.2f}/lease "
            f"(voluntary {split[2] / replies:.2f})"
        )
        if log_tail.strip():
            print("server log (tail):", log_tail, sep="\n")
        if args.py_spy and raw.exists():
            print(summarise(raw, args.top))
        if args.perf_trace and (scratch / "t").exists():
            print((scratch / "t").read_text()[-3000:])
        if args.cprofile and args.cprofile.exists():
            stats = pstats.Stats(str(args.cprofile))
            stats.sort_stats("tottime").print_stats(args.top)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
