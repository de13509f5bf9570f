"""The pure packages (DESIGN.md) import no I/O, clock or concurrency modules and call no open()."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[2] / "src" / "pukeko"
PURE_PACKAGES = ["wire", "config", "classify", "alloc", "server", "ddns", "hosts"]
# Pure modules of packages that also hold I/O backends.
PURE_MODULES = [
    "leases/model.py", "leases/view.py", "leases/csvcodec.py", "leases/index.py",
    "leases/ordered.py", "leases/store.py", "leases/sanity.py",
]  # fmt: skip
FORBIDDEN_MODULES = {
    "asyncio",
    "os",
    "pathlib",
    "selectors",
    "shutil",
    "socket",
    "subprocess",
    "threading",
    "time",
}


def _pure_files() -> list[Path]:
    files = {p for pkg in PURE_PACKAGES for p in (SRC / pkg).rglob("*.py")}
    files |= {SRC / m for m in PURE_MODULES if (SRC / m).exists()}
    return sorted(files)


def _violations(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    found = []
    for node in ast.walk(tree):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module]
        elif isinstance(node, ast.Call) and getattr(node.func, "id", None) == "open":
            found.append(f"{path.name}:{node.lineno} calls open()")
        found += [
            f"{path.name}:{node.lineno} imports {n}"
            for n in names
            if n.split(".")[0] in FORBIDDEN_MODULES
        ]
    return found


def test_pure_packages_exist() -> None:
    assert len(_pure_files()) >= 5


@pytest.mark.parametrize("path", _pure_files(), ids=lambda p: str(p.relative_to(SRC)))
def test_no_io_in_pure_module(path: Path) -> None:
    assert _violations(path) == []


def test_checker_detects_a_violation(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text("import time\nfrom socket import socket\nopen('x')\n")
    assert len(_violations(bad)) == 3
