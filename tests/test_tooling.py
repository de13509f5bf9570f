"""The project's own checks run with the test suite: lint, strict typing, fuzz harnesses."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
HARNESSES = sorted((ROOT / "fuzz").glob("fuzz_*.py"))
FUZZ_RUNS = 3000


def _run(*cmd: str, timeout: int = 600) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        cmd, cwd=ROOT, capture_output=True, text=True, timeout=timeout, check=False
    )


def _tool(name: str) -> str:
    path = BIN / name
    if not path.exists():
        pytest.skip(f"{name} is installed by make install")
    return str(path)


def test_ruff_lint_and_format_are_clean() -> None:
    ruff = _tool("ruff")
    lint = _run(ruff, "check", "src", "tests", "fuzz", "bench")
    assert lint.returncode == 0, lint.stdout
    fmt = _run(ruff, "format", "--check", "src", "tests", "fuzz", "bench")
    assert fmt.returncode == 0, fmt.stdout


def test_mypy_strict_passes() -> None:
    result = _run(_tool("mypy"), "--strict", "src/pukeko")
    assert result.returncode == 0, result.stdout


def test_every_codec_and_the_config_reader_have_a_harness() -> None:
    assert {p.name for p in HARNESSES} >= {"fuzz_pkt6.py", "fuzz_pkt4.py", "fuzz_config.py"}


@pytest.mark.parametrize("harness", HARNESSES, ids=lambda p: p.name)
def test_fuzz_harness_runs_clean(harness: Path, tmp_path: Path) -> None:
    pytest.importorskip("atheris")
    result = _run(
        sys.executable,
        str(harness),
        f"-runs={FUZZ_RUNS}",
        "-seed=1",
        f"-artifact_prefix={tmp_path}/",
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert f"Done {FUZZ_RUNS} runs" in result.stderr
