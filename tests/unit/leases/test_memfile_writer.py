"""The memfile write path: FileWriter (loop or thread), group writes, the fast row encoder."""

from __future__ import annotations

import asyncio
import os
import threading
from collections.abc import Callable
from ipaddress import IPv6Address
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pukeko.leases.csvcodec import HEADER6, WriteError, lease6_to_line
from pukeko.leases.memfile import FAST_CODEC6, FileWriter, MemfileJournal, memfile_store6
from pukeko.leases.memfile import MemfileSettings as Settings
from pukeko.leases.memory import IndexedLeaseStore6, all_of
from pukeko.leases.model import ChangeKind, Lease6, LeaseChange, LeaseState, LeaseType
from pukeko.leases.store import LeasePersistError, ReservationStateError

NET = int(IPv6Address("2001:db8:1::"))


def lease(n: int, cltt: int = 1_700_000_000) -> Lease6:
    return Lease6(
        IPv6Address(NET + n),
        LeaseType.NA,
        128,
        bytes([0, 3, 0, 1, n % 256]),
        1,
        1,
        4000,
        3000,
        cltt,
    )


def add(n: int) -> LeaseChange:
    return LeaseChange(ChangeKind.ADD, lease(n))


def journal(store: IndexedLeaseStore6) -> MemfileJournal[Lease6]:
    assert isinstance(store.journal, MemfileJournal)
    return store.journal


# ------------------------------------------------------------ FileWriter


def test_short_jobs_run_on_the_loop_while_fast_and_report_later() -> None:
    writer = FileWriter()
    ran_in: list[str] = []
    reported: list[object] = []

    async def main() -> None:
        loop = asyncio.get_running_loop()
        job = lambda: ran_in.append(threading.current_thread().name) or 7  # noqa: E731
        writer.submit(job, loop, lambda result, error: reported.append(result), short=True)
        assert ran_in == ["MainThread"] and reported == []  # done never runs inside submit
        await asyncio.sleep(0)
        assert reported == [7]

    asyncio.run(main())


def test_slow_short_jobs_and_long_jobs_go_to_the_thread() -> None:
    writer = FileWriter(inline_limit=0.001)
    writer.average = 0.005  # recent fsyncs were slow
    ran_in: list[str] = []

    async def main() -> None:
        loop = asyncio.get_running_loop()
        done: asyncio.Future[object] = loop.create_future()
        writer.submit(
            lambda: ran_in.append(threading.current_thread().name),
            loop,
            lambda result, error: done.set_result(error),
            short=True,
        )
        assert await done is None
        assert await writer.run(lambda: threading.current_thread().name) == writer.name
        with pytest.raises(ZeroDivisionError):
            await writer.run(lambda: 1 / 0)
        writer.stop()

    asyncio.run(main())
    assert ran_in == [writer.name]


def test_a_short_job_waits_behind_the_threads_work() -> None:
    """Order is kept: while the thread has a job, a short one queues behind it."""
    writer = FileWriter()
    order: list[str] = []
    gate = threading.Event()

    async def main() -> None:
        loop = asyncio.get_running_loop()
        long = writer.run(lambda: (gate.wait(5), order.append("long")))
        short: asyncio.Future[None] = loop.create_future()
        writer.submit(
            lambda: order.append("short"), loop, lambda r, e: short.set_result(None), short=True
        )
        assert order == []  # not run on the loop ahead of the long job
        gate.set()
        await long
        await short
        writer.stop()

    asyncio.run(main())
    assert order == ["long", "short"]


def test_the_running_average_switches_between_loop_and_thread() -> None:
    writer = FileWriter(inline_limit=0.001)
    for _ in range(20):
        writer._measured(0.010)
    assert writer.average > writer.inline_limit
    for _ in range(40):
        writer._measured(0.0001)
    assert writer.average < writer.inline_limit


# ------------------------------------------------------------ journal and store


def test_commit_many_is_one_write_and_one_fsync(tmp_path: Path) -> None:
    fsyncs: list[int] = []
    path = tmp_path / "l6.csv"

    def fsync(fd: int) -> None:
        fsyncs.append(fd)
        os.fsync(fd)

    async def main() -> None:
        store = memfile_store6(Settings(str(path)), fsync=fsync)
        await store.open()
        before = len(fsyncs)
        held = [store.reserve([add(n)]) for n in range(1, 6)]
        written = store.commit_many(held)
        assert written is not None
        with pytest.raises(ReservationStateError):
            store.commit_many(held)  # already being written
        await written
        assert len(fsyncs) - before == 1 and journal(store).batches_written == 1
        assert all(r.state == "durable" for r in held)
        await store.close()

    asyncio.run(main())
    lines = path.read_text().splitlines()
    assert lines[0] == HEADER6 and lines[1:] == [lease6_to_line(lease(n))[:-1] for n in range(1, 6)]


def test_a_failed_group_write_rolls_every_reservation_back(tmp_path: Path) -> None:
    fail = [False]

    def fsync(fd: int) -> None:
        if fail[0]:
            raise OSError(5, "injected I/O error")

    async def main() -> None:
        store = memfile_store6(Settings(str(tmp_path / "l6.csv")), fsync=fsync)
        await store.open()
        fail[0] = True
        held = [store.reserve([add(n)]) for n in (1, 2)]
        written = store.commit_many(held)
        assert written is not None
        written.cancel()  # the caller's future: cancelling it leaves the write alone
        written = store.commit_many([store.reserve([add(3)])])
        assert written is not None
        with pytest.raises(LeasePersistError, match="injected I/O error"):
            await written
        await asyncio.sleep(0)
        assert [r.state for r in held] == ["undone", "undone"]
        assert len(store.view) == 0
        fail[0] = False
        await store.apply([add(4)])
        await store.close()

    asyncio.run(main())
    rows = (tmp_path / "l6.csv").read_text().splitlines()
    assert rows == [HEADER6, lease6_to_line(lease(4))[:-1]]  # the failed rows were cut back out


def test_all_of_waits_for_all_and_keeps_the_first_failure() -> None:
    async def main() -> None:
        loop = asyncio.get_running_loop()
        assert all_of([]) is None
        one: asyncio.Future[None] = loop.create_future()
        assert all_of([one]) is one
        futures: list[asyncio.Future[None]] = [loop.create_future() for _ in range(3)]
        combined = all_of(futures)
        assert combined is not None
        futures[1].set_exception(LeasePersistError("first"))
        futures[0].set_result(None)
        await asyncio.sleep(0)
        assert not combined.done()
        futures[2].set_exception(LeasePersistError("second"))
        with pytest.raises(LeasePersistError, match="first"):
            await combined

    asyncio.run(main())


# ------------------------------------------------------------ the fast row encoder


def from_hextets(hextets: list[int]) -> int:
    value = 0
    for hextet in hextets:
        value = (value << 16) | hextet
    return value


addresses = st.one_of(
    st.integers(0, 2**128 - 1),
    st.lists(st.sampled_from([0, 0, 0, 1, 0xFFFF, 0x2001]), min_size=8, max_size=8).map(
        from_hextets
    ),  # zero runs of every length and place
    st.integers(0, 2**80 - 1),  # first 80 bits zero (``inet_ntop`` would write an IPv4 tail)
    st.integers(0, 2**48).map(lambda low: (0xFFFF << 32) | (low & 0xFFFFFFFF)),  # v4-mapped
    st.integers(0, 2**64).map(lambda low: (0x20010DB8 << 96) | low),
)


@settings(max_examples=300, deadline=None)
@given(
    address=addresses,
    duid=st.binary(min_size=1, max_size=20),
    hostname=st.text(max_size=12),
    hwaddr=st.binary(max_size=8),
    state=st.sampled_from(list(LeaseState)),
    lease_type=st.sampled_from([LeaseType.NA, LeaseType.TA, LeaseType.PD]),
)
def test_fast_rows_equal_the_codecs_rows(
    address: int,
    duid: bytes,
    hostname: str,
    hwaddr: bytes,
    state: LeaseState,
    lease_type: LeaseType,
) -> None:
    row = Lease6(
        IPv6Address(address),
        lease_type,
        128 if lease_type != LeaseType.PD else 56,
        duid,
        7,
        3,
        4000,
        3000,
        1_700_000_000,
        hostname=hostname,
        hwaddr=hwaddr,
        hwtype=1,
        hwaddr_source=4,
        state=state,
    )
    assert written(FAST_CODEC6.to_line, row) == written(lease6_to_line, row)


def written(encode: Callable[[Lease6], str], row: Lease6) -> str:
    """The row's line, or the refusal's text (a DUID-less lease is refused by both)."""
    try:
        return encode(row)
    except WriteError as error:
        return f"refused: {error}"
