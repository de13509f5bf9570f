"""In-process benchmark of the DHCPv6 runtime around ``process6`` (no sockets, no perfdhcp).

Drives :class:`pukeko.io.runtime6.PacketLoop6` with the real engine on ``configs/bench6.json``,
the real memfile store (fsync'd, in a scratch directory), statistics and Kea logging (WARN, so
the engine's INFO events are suppressed), and a fake socket that records replies. Each client
does Solicit -> Advertise -> Request -> Reply; ``--batch`` clients are handed to the loop per
"wakeup" (1: every Request waits for its own fsync, as at low perfdhcp rates). Prints CPU
microseconds per lease (without the driver's own packet making): the whole process, the part
spent inside ``process6``, and the rest (the runtime's own cost, which this benchmark is for).

    .venv/bin/python bench/dhcp6/loop6.py --leases 3000 --batch 1
    .venv/bin/python bench/dhcp6/loop6.py --src /tmp/old/src   # e.g. git archive HEAD src
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import json
import pstats
import resource
import struct
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, cast

HERE = Path(__file__).resolve().parent
if "--src" in sys.argv:  # another source tree (e.g. an older commit's), before any import
    sys.path.insert(0, sys.argv[sys.argv.index("--src") + 1])
else:
    sys.path.insert(0, str(HERE.parents[1] / "src"))

from pukeko.config.load import load_config  # noqa: E402
from pukeko.io.logsetup import KeaLogging  # noqa: E402
from pukeko.io.runtime6 import PacketLoop6, StorePersistence  # noqa: E402
from pukeko.io.udp6 import Datagram, ServiceSockets  # noqa: E402
from pukeko.leases.memfile import memfile_store6, settings_from_config  # noqa: E402
from pukeko.server.dhcp6.alloc_adapter import allocation_for  # noqa: E402
from pukeko.server.dhcp6.engine import Dhcp6Engine  # noqa: E402
from pukeko.server.outcome import LinkInfo, Outcome  # noqa: E402
from pukeko.server.stats import StatsManager  # noqa: E402
from pukeko.wire.pkt6 import decode6  # noqa: E402

SERVER_DUID = bytes.fromhex("000100012a05d2000a0b0c0d0e0f")
LINK = LinkInfo("srv0", 2, "fe80::2", 546, "ff02::1:2", "fe80::1")


def tlvs(options: list[tuple[int, bytes]]) -> bytes:
    """Options as wire bytes."""
    return b"".join(struct.pack("!HH", code, len(value)) + value for code, value in options)


def solicit(n: int) -> bytes:
    """A Solicit from client ``n`` (DUID-LLT, one IA_NA)."""
    client_id = (1, bytes.fromhex("0001000100000000") + n.to_bytes(6, "big"))
    ia_na = (3, bytes.fromhex("000000010000000000000000"))
    return b"\x01" + n.to_bytes(3, "big") + tlvs([client_id, (8, b"\x00\x00"), ia_na])


def request(n: int, advertise: bytes) -> bytes:
    """The Request for an Advertise."""
    offered = dict(decode6(advertise).options)
    client_id = (1, bytes.fromhex("0001000100000000") + n.to_bytes(6, "big"))
    return (
        b"\x03"
        + n.to_bytes(3, "big")
        + tlvs([client_id, (2, offered[2]), (3, offered[3]), (8, b"\x00\x00")])
    )


class TimedEngine:
    """The engine, with the CPU time spent inside ``process6`` added up."""

    def __init__(self, engine: Dhcp6Engine) -> None:
        self.engine = engine
        self.cpu = 0.0

    def process6(self, data: bytes, link: LinkInfo, now: float) -> Outcome:
        """Time one call."""
        start = time.thread_time()
        try:
            return self.engine.process6(data, link, now)
        finally:
            self.cpu += time.thread_time() - start


class FakeSock:
    """Records replies by transaction id; wakes the driver when one arrives."""

    is_open = True

    def __init__(self) -> None:
        self.replies: dict[int, bytes] = {}
        self.arrived = asyncio.Event()

    def send(
        self, data: bytes, destination: str, port: int, ifindex: int, source: str = ""
    ) -> None:
        """Keep the reply."""
        self.replies[int.from_bytes(data[1:4], "big")] = data
        self.arrived.set()


class FakeSockets:
    """The ServiceSockets part the packet loop uses."""

    def __init__(self, sock: FakeSock) -> None:
        self.sock = sock

    def link_for(self, datagram: Datagram) -> LinkInfo | None:
        """Every datagram is on the one link."""
        return LINK


async def wait_for(sock: FakeSock, wanted: list[int]) -> None:
    """Until every transaction in ``wanted`` has its reply."""
    while any(x not in sock.replies for x in wanted):
        sock.arrived.clear()
        await sock.arrived.wait()


async def run(leases: int, batch: int, scratch: Path) -> tuple[float, float, float, int]:
    """Drive the loop; (total CPU, main thread CPU, process6 CPU, leases granted)."""
    config_data: dict[str, Any] = json.loads((HERE / "configs" / "bench6.json").read_text())
    config = load_config(json.dumps(config_data), family=6).config
    logging = KeaLogging(env={})
    logging.configure(config.loggers)
    store = memfile_store6(settings_from_config({"name": str(scratch / "l6.csv")}, 6))
    await store.open()
    allocation = allocation_for(config)
    engine = TimedEngine(
        Dhcp6Engine(
            config,
            store.view,
            SERVER_DUID,
            allocation,
            apply_changes=allocation.apply,
            debuglevel=logging.max_debuglevel(),
        )
    )
    sock = FakeSock()
    loop6 = PacketLoop6(
        engine,
        StorePersistence(store, allocation.apply),
        cast(ServiceSockets, FakeSockets(sock)),
        StatsManager(),
        logging.emit,
    )
    start = time.process_time()
    main_start = time.thread_time()
    usage = resource.getrusage(resource.RUSAGE_THREAD)
    driver = 0.0  # CPU spent making the clients' packets (not the server's)
    for first in range(1, leases + 1, batch):
        ids = list(range(first, min(first + batch, leases + 1)))
        mark = time.thread_time()
        offers = [Datagram(solicit(n), "fe80::2", 546, 2, "ff02::1:2") for n in ids]
        driver += time.thread_time() - mark
        loop6.handle_batch(offers, 0)
        await wait_for(sock, ids)
        mark = time.thread_time()
        asks = [request(n, sock.replies.pop(n)) for n in ids]
        requests = [Datagram(a, "fe80::2", 546, 2, "ff02::1:2") for a in asks]
        driver += time.thread_time() - mark
        loop6.handle_batch(requests, 0)
        await wait_for(sock, ids)
        for n in ids:
            assert sock.replies.pop(n)[0] == 7
    total = time.process_time() - start - driver
    main_thread = time.thread_time() - main_start - driver
    after = resource.getrusage(resource.RUSAGE_THREAD)
    print(
        f"main thread: user {(after.ru_utime - usage.ru_utime) / leases * 1e6:.1f} us/lease, "
        f"system {(after.ru_stime - usage.ru_stime) / leases * 1e6:.1f} us/lease, "
        f"switches {(after.ru_nvcsw - usage.ru_nvcsw) / leases:.2f} voluntary "
        f"{(after.ru_nivcsw - usage.ru_nivcsw) / leases:.2f} involuntary per lease"
    )
    await loop6.stop()
    await store.close()
    return total, main_thread, engine.cpu, leases


def main() -> int:
    """Run and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--leases", type=int, default=3000)
    parser.add_argument("--batch", type=int, default=1)
    parser.add_argument("--cprofile", type=int, metavar="TOP", help="print the TOP functions")
    parser.add_argument("--src", help="import pukeko from this source tree instead")
    args = parser.parse_args()
    profiler = cProfile.Profile(time.thread_time) if args.cprofile else None
    with tempfile.TemporaryDirectory(prefix="pukeko-loop6-") as scratch:
        wall = time.perf_counter()
        if profiler is not None:
            profiler.enable()
        total, main_thread, engine, leases = asyncio.run(
            run(args.leases, args.batch, Path(scratch))
        )
        if profiler is not None:
            profiler.disable()
        wall = time.perf_counter() - wall
    if profiler is not None:
        pstats.Stats(profiler).sort_stats("tottime").print_stats(args.cprofile)
    print(
        f"batch {args.batch}: {leases / wall:.0f} leases/s wall; CPU us/lease: "
        f"total {total / leases * 1e6:.1f} (main thread {main_thread / leases * 1e6:.1f}), "
        f"process6 {engine / leases * 1e6:.1f}, runtime {(total - engine) / leases * 1e6:.1f}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
