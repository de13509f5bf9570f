"""The memfile backend: files, settings, load errors, and Lease File Cleanup crash safety."""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import Awaitable
from ipaddress import IPv6Address
from pathlib import Path
from typing import TypeVar

import pytest

from pukeko.leases.csvcodec import CODEC6, HEADER6, lease6_to_line
from pukeko.leases.memfile import (
    MemfileJournal,
    MemfileSettings,
    memfile_store6,
    settings_from_config,
)
from pukeko.leases.memfile_lfc import LfcPaths, cleanup, write_file
from pukeko.leases.memory import IndexedLeaseStore6, NullJournal
from pukeko.leases.model import ChangeKind, Lease6, LeaseChange, LeaseType
from pukeko.leases.store import InvalidLeaseError, LeaseLoadError

T = TypeVar("T")
NET = int(IPv6Address("2001:db8:1::"))
LOG = logging.getLogger("test.memfile")


def lease(n: int, cltt: int = 1_700_000_000) -> Lease6:
    return Lease6(
        IPv6Address(NET + n), LeaseType.NA, 128, bytes([0, 3, 0, 1, n]), 1, 1, 4000, 3000, cltt
    )


def run(coro: Awaitable[T]) -> T:
    async def main() -> T:
        return await coro

    return asyncio.run(main())


def store(path: Path, **kw: object) -> IndexedLeaseStore6:
    return memfile_store6(MemfileSettings(str(path), **kw))  # type: ignore[arg-type]


def journal(s: IndexedLeaseStore6) -> MemfileJournal[Lease6]:
    assert isinstance(s.journal, MemfileJournal)
    return s.journal


async def loaded(path: Path) -> list[Lease6]:
    s = store(path, lfc_interval=0)
    await s.open()
    leases = list(s.view)
    await s.close()
    return leases


def test_settings_follow_kea_defaults() -> None:
    default = settings_from_config({"type": "memfile"}, 6)
    assert default == MemfileSettings("/var/lib/pukeko/kea-leases6.csv", True, 3600, 0)
    custom = settings_from_config(
        {"name": "/tmp/x.csv", "persist": False, "lfc-interval": 0, "max-row-errors": 5},
        4,
        "/srv",
    )
    assert custom == MemfileSettings("/tmp/x.csv", False, 0, 5)
    assert settings_from_config({}, 4, "/srv").name == "/srv/kea-leases4.csv"
    assert isinstance(memfile_store6(custom).journal, NullJournal)


def test_a_new_file_gets_kea_header(tmp_path: Path) -> None:
    path = tmp_path / "leases6.csv"

    async def main() -> None:
        s = store(path)
        await s.open()
        await s.apply([LeaseChange(ChangeKind.ADD, lease(1))])
        await s.apply([LeaseChange(ChangeKind.DELETE, lease(1))])
        await s.close()

    run(main())
    deletion = lease6_to_line(lease(1)).replace(",4000,1700004000,1,3000,", ",0,1700000000,1,0,")
    assert path.read_text() == HEADER6 + "\n" + lease6_to_line(lease(1)) + deletion


def test_a_missing_data_directory_is_created(tmp_path: Path) -> None:
    path = tmp_path / "new" / "dir" / "leases6.csv"

    async def main() -> None:
        s = store(path)
        await s.open()
        await s.apply([LeaseChange(ChangeKind.ADD, lease(1))])
        await s.close()

    run(main())
    assert path.read_text() == HEADER6 + "\n" + lease6_to_line(lease(1))


def test_a_lease_kea_cannot_store_is_refused(tmp_path: Path) -> None:
    async def main() -> None:
        s = store(tmp_path / "l.csv")
        await s.open()
        no_duid = Lease6(IPv6Address(NET), LeaseType.NA, 128, b"", 1, 1, 10, 5, 0)
        with pytest.raises(InvalidLeaseError):
            s.reserve([LeaseChange(ChangeKind.ADD, no_duid)])
        assert len(s.view) == 0
        await s.close()

    run(main())


def test_a_cut_short_last_row_is_not_glued_to_the_next(tmp_path: Path) -> None:
    path = tmp_path / "l.csv"
    path.write_text(HEADER6 + "\n" + lease6_to_line(lease(1)) + lease6_to_line(lease(2))[:20])

    async def main() -> None:
        s = store(path)
        await s.open()
        await s.apply([LeaseChange(ChangeKind.ADD, lease(3))])
        await s.close()

    run(main())
    assert [x.address for x in run(loaded(path))] == [lease(1).address, lease(3).address]


def test_too_many_bad_rows_abort_the_load(tmp_path: Path) -> None:
    path = tmp_path / "l.csv"
    path.write_text(HEADER6 + "\nbad\nbad\nbad\n" + lease6_to_line(lease(1)))
    with pytest.raises(LeaseLoadError):
        run(store(path, max_row_errors=2).open())
    assert run(loaded(path)) == [lease(1)]  # max-row-errors 0: every bad row is skipped


def test_a_bad_header_aborts_the_load(tmp_path: Path) -> None:
    path = tmp_path / "l.csv"
    path.write_text("address,BOGUS\n")
    with pytest.raises(LeaseLoadError):
        run(store(path).open())


def test_a_running_kea_lfc_blocks_the_load(tmp_path: Path) -> None:
    path = tmp_path / "l.csv"
    Path(str(path) + ".pid").write_text(f"{os.getppid()}\n")
    with pytest.raises(LeaseLoadError):
        run(store(path).open())
    Path(str(path) + ".pid").write_text("999999999\n")  # stale
    assert run(loaded(path)) == []


def test_lfc_runs_on_the_interval(tmp_path: Path) -> None:
    async def main() -> list[bool]:
        s = store(tmp_path / "l.csv", lfc_interval=10)
        await s.open()
        seen = []
        for now in (100.0, 105.0, 110.0, 115.0, 119.0, 120.0):
            seen.append(await s.maybe_run_lfc(now))
            await journal(s).wait_lfc()
        await s.close()
        return seen

    assert run(main()) == [False, False, True, False, False, True]


def test_lfc_disabled_by_zero_interval(tmp_path: Path) -> None:
    async def main() -> bool:
        s = store(tmp_path / "l.csv", lfc_interval=0)
        await s.open()
        ran = any([await s.maybe_run_lfc(t) for t in (0.0, 10**6, 10**9)])
        await s.close()
        return ran

    assert run(main()) is False


def test_an_old_schema_file_is_converted_at_once(tmp_path: Path) -> None:
    path = tmp_path / "l.csv"
    old_header = ",".join(HEADER6.split(",")[:12])
    path.write_text(f"{old_header}\n2001:db8:1::1,00:03:00:01:01,4000,9000,1,3000,0,1,128,0,0,\n")

    async def main() -> bool:
        s = store(path, lfc_interval=3600)
        await s.open()
        started = await s.maybe_run_lfc(0.0)
        await journal(s).wait_lfc()
        await s.close()
        return started

    assert run(main()) is True
    assert Path(str(path) + ".2").read_text().splitlines()[0] == HEADER6
    assert [x.address for x in run(loaded(path))] == [IPv6Address(NET + 1)]


def test_writes_during_a_cleanup_go_to_the_fresh_file(tmp_path: Path) -> None:
    path = tmp_path / "l.csv"

    async def main() -> None:
        s = store(path, lfc_interval=0)
        await s.open()
        await s.apply([LeaseChange(ChangeKind.ADD, lease(n)) for n in range(50)])
        task = await journal(s).start_lfc()
        await s.apply([LeaseChange(ChangeKind.UPDATE, lease(n, cltt=5)) for n in range(10)])
        assert await task is True
        await s.close()

    run(main())
    paths = LfcPaths(str(path))
    assert os.path.exists(paths.previous) and not os.path.exists(paths.input)
    assert len(Path(paths.previous).read_text().splitlines()) == 51
    assert len(path.read_text().splitlines()) == 11
    got = run(loaded(path))
    assert got == [lease(n, cltt=5) for n in range(10)] + [lease(n) for n in range(10, 50)]


# ------------------------------------------------------------ crash safety of the cleanup
#
# Leases: 1..3 were compacted into name.2 by an earlier cleanup; then the server changed
# 1 (renewed), deleted 2 and added 4 (rows now in name.1, the rotated file); after rotation
# it added 5 to the fresh name. Every state a crash can leave must load {1', 3, 4, 5}.

RENEWED = lease(1, cltt=1_800_000_000)
EXPECTED = [RENEWED, lease(3), lease(4), lease(5)]


def _stage(tmp_path: Path, state: str) -> LfcPaths:
    paths = LfcPaths(str(tmp_path / "kea-leases6.csv"))
    old = {int(x.address): x for x in (lease(1), lease(2), lease(3))}
    compacted = {int(x.address): x for x in (RENEWED, lease(3), lease(4))}
    rotated = (
        HEADER6
        + "\n"
        + "".join(lease6_to_line(x) for x in (RENEWED, CODEC6.deletion(lease(2)), lease(4)))
    )

    def write(path: str, leases: dict[int, Lease6]) -> None:
        write_file(path, CODEC6, leases, os.fsync)

    files = {
        # kea-lfc has not run yet: server rotated name -> name.1
        "rotated": ["previous", "input"],
        # crashed while writing name.output (a partial file is left)
        "writing": ["previous", "input", "partial_output"],
        # name.output renamed to name.completed, nothing removed yet
        "completed": ["previous", "input", "finish"],
        # name.2 removed
        "removed_previous": ["input", "finish"],
        # name.1 removed
        "removed_input": ["finish"],
        # name.completed renamed to name.2: the cleanup is done
        "done": ["compacted_previous"],
    }[state]
    if "previous" in files:
        write(paths.previous, old)
    if "input" in files:
        Path(paths.input).write_text(rotated)
    if "partial_output" in files:
        Path(paths.output).write_text(HEADER6 + "\n" + lease6_to_line(lease(1))[:30])
    if "finish" in files:
        write(paths.finish, compacted)
    if "compacted_previous" in files:
        write(paths.previous, compacted)
    Path(paths.current).write_text(HEADER6 + "\n" + lease6_to_line(lease(5)))
    return paths


STATES = ["rotated", "writing", "completed", "removed_previous", "removed_input", "done"]


@pytest.mark.parametrize("state", STATES)
def test_startup_recovers_every_lease_from_each_cleanup_state(tmp_path: Path, state: str) -> None:
    paths = _stage(tmp_path, state)
    assert run(loaded(Path(paths.current))) == EXPECTED


@pytest.mark.parametrize("state", STATES)
def test_the_next_cleanup_finishes_from_each_state(tmp_path: Path, state: str) -> None:
    paths = _stage(tmp_path, state)

    async def main() -> bool:
        s = store(Path(paths.current), lfc_interval=0)
        await s.open()
        done = await journal(s).run_lfc()
        await s.close()
        return done

    assert run(main()) is True
    for leftover in (paths.input, paths.output, paths.finish):
        assert not os.path.exists(leftover), leftover
    assert run(loaded(Path(paths.current))) == EXPECTED


def test_cleanup_alone_mirrors_kea_lfc(tmp_path: Path) -> None:
    paths = _stage(tmp_path, "rotated")
    assert cleanup(paths, CODEC6, LOG) is True
    rows = Path(paths.previous).read_text().splitlines()
    assert rows[0] == HEADER6
    assert rows[1:] == [lease6_to_line(x).rstrip("\n") for x in (RENEWED, lease(3), lease(4))]
