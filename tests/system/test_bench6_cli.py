"""Smoke tests of bench/dhcp6/run.py (the benchmark itself is not part of the suite)."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
RUN = REPO / "bench" / "dhcp6" / "run.py"

PERFDHCP_REPORT = """Running: perfdhcp -6 -l cli0 -R 1000 -r 50 -p 2
***Rate statistics***
Rate: 49.4816 4-way exchanges/second, expected rate: 50

***Statistics for: SOLICIT-ADVERTISE***
sent packets: 99
received packets: 98
drops: 1
drops ratio: 1.01 %
orphans: 0

min delay: 0.316 ms
avg delay: 0.524 ms
max delay: 2.154 ms
std deviation: 0.207 ms
collected packets: 0

***Statistics for: REQUEST-REPLY***
sent packets: 98
received packets: 97
drops: 1
drops ratio: 1.020 %
orphans: 0

min delay: 1.154 ms
avg delay: 1.523 ms
max delay: 2.358 ms
std deviation: 0.209 ms
collected packets: 0
"""


def test_help_works() -> None:
    """``run.py --help`` prints its usage and exits 0."""
    proc = subprocess.run(
        [sys.executable, str(RUN), "--help"], capture_output=True, text=True, timeout=60
    )
    assert proc.returncode == 0, proc.stderr
    assert "--duration" in proc.stdout and "--servers" in proc.stdout


def test_perfdhcp_report_is_parsed() -> None:
    """Counts and delays come out of perfdhcp's final report."""
    spec = importlib.util.spec_from_file_location("bench_dhcp6_run", RUN)
    assert spec is not None and spec.loader is not None
    bench = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = bench  # dataclasses look their module up there
    try:
        spec.loader.exec_module(bench)
    finally:
        del sys.modules[spec.name]
    step = bench.Step(50, 2.0)
    bench.parse_perfdhcp(PERFDHCP_REPORT, step)
    assert (step.solicits_sent, step.advertises) == (99, 98)
    assert (step.requests_sent, step.replies) == (98, 97)
    assert step.delay_ms["REQUEST-REPLY"] == (1.154, 1.523, 2.358)
    assert step.leases_per_second == pytest.approx(48.5)
    assert step.drop_ratio == pytest.approx(2 / 99)
