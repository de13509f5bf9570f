"""Lease files cross between Pukeko and Kea 2.2: each reads what the other writes.

Kea's side is the installed ``kea-lfc`` (it reads lease files with Kea's own CSV reader and
writes them with Kea's own writer) and ``kea-dhcp6`` started on a Pukeko file.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import shutil
import subprocess
import time
from dataclasses import replace
from ipaddress import IPv4Address, IPv6Address
from pathlib import Path
from typing import Any

import pytest

from pukeko.leases.csvcodec import CODEC4, CODEC6, read_leases
from pukeko.leases.memfile import MemfileSettings, memfile_store4, memfile_store6
from pukeko.leases.memfile_lfc import LfcPaths, cleanup
from pukeko.leases.model import ChangeKind, Lease4, Lease6, LeaseChange, LeaseState, LeaseType

pytestmark = [
    pytest.mark.kea,
    pytest.mark.skipif(shutil.which("kea-lfc") is None, reason="kea-lfc is not installed"),
]
DUID = bytes.fromhex("000100011f2e3d4c5b6a79880102")
T0 = 1_900_000_000


def _v6_history() -> tuple[list[list[LeaseChange]], list[Lease6]]:
    """Batches a server could write, and the leases they leave."""
    na = Lease6(IPv6Address("2001:db8:1::10"), LeaseType.NA, 128, DUID, 7, 1, 4000, 3000, T0)
    odd = replace(
        na,
        address=IPv6Address("2001:db8:1::11"),
        hostname="host,with&#x2ccommas.example.org",
        fqdn_fwd=True,
        hwaddr=bytes.fromhex("0a0b0c0d0e0f"),
        hwtype=6,
        hwaddr_source=4,
        user_context='{ "a": 1, "b": "x,y" }',
    )
    pd = replace(
        na,
        address=IPv6Address("2001:db8:8000::"),
        lease_type=LeaseType.PD,
        prefix_len=56,
        iaid=9,
        user_context='{ "foobar": true }',
    )
    ta = replace(na, address=IPv6Address("2001:db8:1::12"), lease_type=LeaseType.TA, iaid=3)
    declined = replace(
        na, address=IPv6Address("2001:db8:1::13"), duid=b"\x00", state=LeaseState.DECLINED
    )
    forever = replace(na, address=IPv6Address("2001:db8:1::14"), valid_lifetime=0xFFFFFFFF)
    gone = replace(na, address=IPv6Address("2001:db8:1::15"))
    renewed = replace(na, cltt=T0 + 100, state=LeaseState.EXPIRED_RECLAIMED)
    adds = [na, odd, pd, ta, declined, forever, gone]
    batches = [
        [LeaseChange(ChangeKind.ADD, x) for x in adds],
        [LeaseChange(ChangeKind.UPDATE, renewed), LeaseChange(ChangeKind.DELETE, gone)],
    ]
    final = sorted([renewed, odd, pd, ta, declined, forever], key=lambda x: x.address)
    return batches, final


def _v4_history() -> tuple[list[list[LeaseChange]], list[Lease4]]:
    hw = Lease4(IPv4Address("192.0.2.10"), bytes.fromhex("000102030405"), b"", 1, 4000, T0)
    cid = Lease4(
        IPv4Address("192.0.2.11"), b"", bytes.fromhex("01000102030406"), 1, 4000, T0,
        True, True, "a,b&c.example.org", user_context='{ "foobar": true }',
    )  # fmt: skip
    declined = Lease4(IPv4Address("192.0.2.12"), b"", b"", 1, 4000, T0, state=LeaseState.DECLINED)
    gone = replace(hw, address=IPv4Address("192.0.2.13"))
    moved = replace(hw, cltt=T0 + 50, hostname="renewed")
    batches = [
        [LeaseChange(ChangeKind.ADD, x) for x in (hw, cid, declined, gone)],
        [LeaseChange(ChangeKind.UPDATE, moved), LeaseChange(ChangeKind.DELETE, gone)],
    ]
    return batches, sorted([moved, cid, declined], key=lambda x: x.address)


def _write_with_pukeko(path: Path, family: int, batches: list[list[LeaseChange]]) -> None:
    async def main() -> None:
        settings = MemfileSettings(str(path), lfc_interval=0)
        store = memfile_store6(settings) if family == 6 else memfile_store4(settings)
        await store.open()
        for batch in batches:
            await store.apply(batch)
        await store.close()

    asyncio.run(main())


def _kea_lfc(family: int, source: Path, work: Path) -> tuple[Path, str]:
    """Run kea-lfc on a copy of ``source``; the file it wrote and its log."""
    copy = work / "input.csv"
    shutil.copy(source, copy)
    config = work / "lfc.json"
    config.write_text("{}")
    out = work / "previous.csv"
    cmd = [
        "kea-lfc", f"-{family}", "-d",
        "-p", str(work / "lfc.pid"), "-x", str(out), "-i", str(copy),
        "-o", str(work / "output.csv"), "-f", str(work / "finish.csv"), "-c", str(config),
    ]  # fmt: skip
    env = {**os.environ, "KEA_LOCKFILE_DIR": "none"}
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=60, check=False)
    log = proc.stdout + proc.stderr
    assert proc.returncode == 0, log
    assert out.exists(), log
    return out, log


def _read(path: Path, codec: Any) -> list[object]:
    leases: dict[int, object] = {}
    errors: list[str] = []
    with open(path, encoding="utf-8", errors="surrogateescape", newline="\n") as handle:
        read_leases(handle, codec, leases, 0, lambda n, m: errors.append(m))
    assert errors == []
    return [leases[k] for k in sorted(leases)]


@pytest.mark.parametrize("family", [6, 4])
def test_kea_reads_a_pukeko_file_and_pukeko_reads_keas_output(family: int, tmp_path: Path) -> None:
    batches, final = _v6_history() if family == 6 else _v4_history()
    codec: Any = CODEC6 if family == 6 else CODEC4
    ours = tmp_path / "pukeko.csv"
    _write_with_pukeko(ours, family, batches)
    kea_file, log = _kea_lfc(family, ours, tmp_path)
    rows = sum(len(b) for b in batches)
    assert f"LFC_READ_STATS Leases: {rows}, attempts: {rows + 1}, errors: 0." in log
    assert f"LFC_WRITE_STATS Leases: {len(final)}," in log
    assert _read(kea_file, codec) == final
    # Pukeko's own cleanup of the same file writes the very same bytes as kea-lfc.
    paths = LfcPaths(str(tmp_path / "mine.csv"))
    shutil.copy(ours, paths.input)
    assert cleanup(paths, codec, logging.getLogger("test"))
    assert Path(paths.previous).read_bytes() == kea_file.read_bytes()


def test_kea_dhcp6_starts_on_a_pukeko_file(tmp_path: Path) -> None:
    if shutil.which("kea-dhcp6") is None:
        pytest.skip("kea-dhcp6 is not installed")
    batches, final = _v6_history()
    leases = tmp_path / "kea-leases6.csv"
    _write_with_pukeko(leases, 6, batches)
    config = tmp_path / "kea6.json"
    dhcp6 = {
        "data-directory": str(tmp_path),
        "interfaces-config": {"interfaces": []},
        "lease-database": {"type": "memfile", "name": str(leases), "lfc-interval": 0},
        "subnet6": [{"id": 1, "subnet": "2001:db8::/32"}],
        "loggers": [
            {
                "name": "kea-dhcp6",
                "severity": "DEBUG",
                "debuglevel": 99,
                "output_options": [{"output": "stdout"}],
            }
        ],
    }
    config.write_text(json.dumps({"Dhcp6": dhcp6}))
    env = {**os.environ, "KEA_LOCKFILE_DIR": "none", "KEA_PIDFILE_DIR": str(tmp_path)}
    out = tmp_path / "kea.log"
    with open(out, "w") as sink:
        proc = subprocess.Popen(["kea-dhcp6", "-c", str(config)], stdout=sink, stderr=sink, env=env)
        try:
            deadline = time.monotonic() + 30
            while "DHCP6_STARTED" not in out.read_text() and time.monotonic() < deadline:
                assert proc.poll() is None, out.read_text()
                time.sleep(0.1)
        finally:
            proc.terminate()
            proc.wait(timeout=10)
    log = out.read_text()
    assert "DHCP6_STARTED" in log, log
    assert "ROW_ERROR" not in log and "READ_HWADDR_FAIL" not in log
    # Kea parsed every row (one debug line per lease row), deletions included.
    assert log.count("DHCPSRV_MEMFILE_LEASE_LOAD loading lease") == sum(len(b) for b in batches)
    for lease in final:
        assert f"Address:       {lease.address}" in log
