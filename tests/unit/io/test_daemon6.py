"""The daemon's lifecycle in-process: memory leases, no service sockets, an injected clock."""

from __future__ import annotations

import asyncio
import json
import os
from collections.abc import Awaitable, Callable
from ipaddress import IPv6Address
from pathlib import Path
from typing import Any

import pytest
from tests.support.control_daemon6 import HWADDR, T0, Clock, new_daemon
from tests.support.control_daemon6 import dhcp6 as support_dhcp6

from pukeko.io.daemon6 import Daemon6, StartupError
from pukeko.leases.model import ChangeKind, Lease6, LeaseChange, LeaseState, LeaseType
from pukeko.server.outcome import LinkInfo


def dhcp6(tmp: Path, **overrides: Any) -> dict[str, Any]:
    """The command tests' small configuration (tests.support.control_daemon6) with a control
    socket under ``tmp`` and no hook libraries."""
    control = {"socket-type": "unix", "socket-name": str(tmp / "ctrl.sock")}
    return support_dhcp6(tmp, **{"control-socket": control, "hooks-libraries": [], **overrides})


def make_daemon(tmp: Path, clock: Clock, **overrides: Any) -> Daemon6:
    path = tmp / "pukeko-dhcp6.conf"
    path.write_text(json.dumps(dhcp6(tmp, **overrides)))
    return new_daemon(path, tmp, clock)


def lease(n: int, cltt: int, lifetime: int = 100, lease_type: LeaseType = LeaseType.NA) -> Lease6:
    base = "2001:db8:1::" if lease_type == LeaseType.NA else "2001:db8:8:"
    address = IPv6Address(f"{base}{n:x}" if lease_type == LeaseType.NA else f"{base}{n:x}::")
    prefix_len = 128 if lease_type == LeaseType.NA else 64
    return Lease6(address, lease_type, prefix_len, b"\x00\x03\x00\x01" + bytes([n]) * 6, n, 1,
                  lifetime, lifetime // 2, cltt)  # fmt: skip


def running(tmp: Path, test: Callable[[Daemon6, Clock], Awaitable[None]], **overrides: Any) -> None:
    """Start a daemon, run ``test`` against it, stop it."""

    async def main() -> None:
        clock = Clock()
        daemon = make_daemon(tmp, clock, **overrides)
        await daemon.start()
        try:
            await test(daemon, clock)
        finally:
            await daemon.stop()

    asyncio.run(main())


def stat(daemon: Daemon6, name: str) -> object:
    return daemon.stats.value(name, None)


def test_startup_sets_kea_statistics_and_files(tmp_path: Path) -> None:
    async def check(daemon: Daemon6, clock: Clock) -> None:
        assert stat(daemon, "pkt6-received") == 0
        assert stat(daemon, "v6-allocation-fail") == 0
        assert stat(daemon, "subnet[1].total-nas") == 16
        assert stat(daemon, "subnet[1].total-pds") == 256
        assert stat(daemon, "subnet[1].assigned-nas") == 0
        assert stat(daemon, "cumulative-assigned-nas") == 0
        assert (tmp_path / "pukeko-dhcp6.pukeko-dhcp6.pid").read_text() == f"{os.getpid()}\n"
        assert (tmp_path / "ctrl.sock").exists()
        assert daemon.status()["sockets"] == {"status": "ready"}

    running(tmp_path, check)
    assert not (tmp_path / "pukeko-dhcp6.pukeko-dhcp6.pid").exists()
    assert not (tmp_path / "ctrl.sock").exists()


def test_config_errors_stop_startup(tmp_path: Path) -> None:
    path = tmp_path / "bad.conf"
    path.write_text('{"Dhcp6": {"valid-lifetime": "x", "subnet6": [{"subnet": "nope"}]}}')
    daemon = Daemon6(str(path), env={"KEA_PIDFILE_DIR": str(tmp_path)}, open_sockets=False)
    with pytest.raises(StartupError) as caught:
        asyncio.run(daemon.start())
    text = str(caught.value)
    assert "2 error(s)" in text or "error(s)" in text
    assert "valid-lifetime" in text and "subnet" in text
    assert not list(tmp_path.glob("*.pid"))


def test_second_instance_on_the_same_config_is_refused(tmp_path: Path) -> None:
    async def check(daemon: Daemon6, clock: Clock) -> None:
        second = make_daemon(tmp_path, clock)
        with pytest.raises(StartupError, match=r"pukeko-dhcp6 already running\? .*PID: \d+"):
            await second.start()

    # The PID file names this process, which the check treats as stale; a child holds it here.
    async def with_other_holder(daemon: Daemon6, clock: Clock) -> None:
        proc = await asyncio.create_subprocess_exec("sleep", "30")
        try:
            assert daemon.pid_file is not None
            daemon.pid_file.write(proc.pid)
            await check(daemon, clock)
        finally:
            proc.kill()
            await proc.wait()

    running(tmp_path, with_other_holder)


def test_unloadable_lease_file_is_fatal(tmp_path: Path) -> None:
    leases = tmp_path / "leases6.csv"
    leases.write_text("this is not a lease file header\n")
    database = {"type": "memfile", "name": str(leases), "lfc-interval": 0}
    path = tmp_path / "d.conf"
    path.write_text(json.dumps(dhcp6(tmp_path, **{"lease-database": database})))
    daemon = Daemon6(str(path), env={"KEA_PIDFILE_DIR": str(tmp_path)}, open_sockets=False,
                     hwaddr_source=lambda: HWADDR)  # fmt: skip
    with pytest.raises(StartupError, match="Unable to open database"):
        asyncio.run(daemon.start())
    assert not list(tmp_path.glob("*.pid"))


def test_config_get_returns_the_rendered_running_config(tmp_path: Path) -> None:
    async def check(daemon: Daemon6, clock: Clock) -> None:
        got = daemon.config_get()["Dhcp6"]
        assert got["subnet6"][0]["subnet"] == "2001:db8:1::/64"
        assert got["valid-lifetime"] == 7200  # a default filled in
        daemon.set_configured_global("statistic-default-sample-age", 5)
        assert daemon.config_get()["Dhcp6"]["statistic-default-sample-age"] == 5
        path, size = await daemon.config_write(str(tmp_path / "out.json"))
        assert path == str(tmp_path / "out.json")
        assert size == len((tmp_path / "out.json").read_bytes())
        assert json.loads((tmp_path / "out.json").read_text()) == daemon.config_get()

    running(tmp_path, check)


def test_config_set_bad_config_reports_errors_and_keeps_serving(tmp_path: Path) -> None:
    async def check(daemon: Daemon6, clock: Clock) -> None:
        before = daemon.config
        engine = daemon.slot.engine if daemon.slot else None
        bad = dhcp6(tmp_path, **{"valid-lifetime": -1, "subnet6": [{"id": 1, "subnet": "x"}]})
        errors = await daemon.config_set(bad)
        assert len(errors) >= 2
        assert daemon.config is before
        assert daemon.slot is not None and daemon.slot.engine is engine

    running(tmp_path, check)


def test_config_set_good_config_takes_effect(tmp_path: Path) -> None:
    async def check(daemon: Daemon6, clock: Clock) -> None:
        new = dhcp6(tmp_path, **{"valid-lifetime": 1234})
        new["Dhcp6"]["subnet6"][0]["pools"] = [{"pool": "2001:db8:1::100 - 2001:db8:1::1ff"}]
        assert list(await daemon.config_set(new)) == []
        assert daemon.config_get()["Dhcp6"]["valid-lifetime"] == 1234
        assert stat(daemon, "subnet[1].total-nas") == 256
        assert daemon.slot is not None and daemon.slot.engine.config is daemon.config
        assert list(await daemon.config_test(dhcp6(tmp_path))) == []
        assert daemon.config_get()["Dhcp6"]["valid-lifetime"] == 1234  # test did not apply

    running(tmp_path, check)


def test_config_reload_with_broken_file_keeps_the_running_config(tmp_path: Path) -> None:
    async def check(daemon: Daemon6, clock: Clock) -> None:
        before = daemon.config
        Path(daemon.config_file).write_text('{"Dhcp6": {"subnet6": [ }')
        errors = await daemon.config_reload()
        assert errors and daemon.config is before
        good = dhcp6(tmp_path, **{"valid-lifetime": 99, "preferred-lifetime": 50})
        Path(daemon.config_file).write_text(json.dumps(good))
        assert list(await daemon.config_reload()) == []
        assert daemon.config is not None and daemon.config.params.valid_lifetime.default == 99

    running(tmp_path, check)


def test_dhcp_disable_with_max_period_lapses_with_the_clock(tmp_path: Path) -> None:
    async def check(daemon: Daemon6, clock: Clock) -> None:
        daemon.dhcp_disable(30, "user")
        assert not daemon.service_enabled()
        clock.now += 29
        assert not daemon.service_enabled()
        clock.now += 2
        assert daemon.service_enabled()
        daemon.dhcp_disable(None, "user")
        clock.now += 10_000
        assert not daemon.service_enabled()
        daemon.dhcp_enable("user")
        assert daemon.service_enabled()

    running(tmp_path, check)


async def _add(daemon: Daemon6, leases: list[Lease6]) -> None:
    assert daemon.store is not None
    changes = [LeaseChange(ChangeKind.ADD, item) for item in leases]
    await daemon.store.apply(changes)
    assert daemon.allocation is not None
    daemon.allocation.apply(changes)


def test_leases_reclaim_reclaims_expired_leases_and_updates_statistics(tmp_path: Path) -> None:
    async def check(daemon: Daemon6, clock: Clock) -> None:
        cltt = int(T0)
        await _add(daemon, [lease(0x10, cltt), lease(0x11, cltt), lease(0x12, cltt, 10_000)])
        assert await daemon.config_set(dhcp6(tmp_path)) == []  # recount from the store
        assert stat(daemon, "subnet[1].assigned-nas") == 3
        clock.now = T0 + 500
        await daemon.leases_reclaim(remove=False)
        assert stat(daemon, "subnet[1].assigned-nas") == 1
        assert stat(daemon, "reclaimed-leases") == 2
        assert stat(daemon, "subnet[1].reclaimed-leases") == 2
        assert daemon.store is not None
        kept = daemon.store.view.get(LeaseType.NA, IPv6Address("2001:db8:1::10"))
        assert kept is not None and kept.state == LeaseState.EXPIRED_RECLAIMED
        # the flush deletes reclaimed leases once hold-reclaimed-time has passed
        clock.now = T0 + 100 + 3600 + 1
        assert await daemon.flush_reclaimed() == 2
        assert daemon.store.view.get(LeaseType.NA, IPv6Address("2001:db8:1::10")) is None
        await daemon.leases_reclaim(remove=True)
        assert stat(daemon, "reclaimed-leases") == 2

    running(tmp_path, check)


def test_reclamation_respects_max_reclaim_leases_and_warns_when_slow(tmp_path: Path) -> None:
    processing = {
        "reclaim-timer-wait-time": 0,
        "max-reclaim-leases": 2,
        "unwarned-reclaim-cycles": 1,
        "flush-reclaimed-timer-wait-time": 0,
    }

    async def check(daemon: Daemon6, clock: Clock) -> None:
        await _add(daemon, [lease(0x10 + i, int(T0)) for i in range(5)])
        clock.now = T0 + 500
        seen: list[str] = []
        daemon.reclaimer.log = lambda events: seen.extend(e.message_id for e in events)
        assert await daemon.reclaim_expired() == 2
        assert await daemon.reclaim_expired() == 2
        assert "ALLOC_ENGINE_V6_LEASES_RECLAMATION_SLOW" in seen
        assert await daemon.reclaim_expired() == 1
        assert seen[-1] == "ALLOC_ENGINE_V6_NO_MORE_EXPIRED_LEASES"
        assert daemon.store is not None and len(daemon.store.view) == 0  # flush timer off: removed

    running(tmp_path, check, **{"expired-leases-processing": processing})


def test_statistics_right_after_reload(tmp_path: Path) -> None:
    async def check(daemon: Daemon6, clock: Clock) -> None:
        declined = Lease6(IPv6Address("2001:db8:1::13"), LeaseType.NA, 128, b"\x00", 9, 1,
                          86400, 0, int(T0), state=LeaseState.DECLINED)  # fmt: skip
        pd = lease(0x20, int(T0), 10_000, LeaseType.PD)
        await _add(daemon, [lease(0x10, int(T0), 10_000), declined, pd])
        daemon.stats.add("cumulative-assigned-nas", 7, clock.now)
        daemon.stats.add("pkt6-received", 3, clock.now)
        reloaded = dhcp6(tmp_path)
        reloaded["Dhcp6"]["subnet6"].append({"id": 2, "subnet": "2001:db8:2::/64",
                                             "pools": [{"pool": "2001:db8:2::/120"}]})  # fmt: skip
        assert await daemon.config_set(reloaded) == []
        assert stat(daemon, "subnet[1].assigned-nas") == 2  # declined counts as assigned
        assert stat(daemon, "subnet[1].declined-addresses") == 1
        assert stat(daemon, "declined-addresses") == 1
        assert stat(daemon, "subnet[1].assigned-pds") == 1
        assert stat(daemon, "subnet[2].total-nas") == 256
        assert stat(daemon, "subnet[2].assigned-nas") == 0
        assert stat(daemon, "cumulative-assigned-nas") == 7  # global counters survive
        assert stat(daemon, "pkt6-received") == 3
        assert await daemon.config_set(dhcp6(tmp_path)) == []
        assert stat(daemon, "subnet[2].total-nas") is None  # removed with its subnet

    running(tmp_path, check)


def test_engine_serves_from_the_store_after_reconfiguration(tmp_path: Path) -> None:
    async def check(daemon: Daemon6, clock: Clock) -> None:
        await _add(daemon, [lease(0x10, int(T0), 10_000)])
        assert await daemon.config_set(dhcp6(tmp_path)) == []
        assert daemon.allocation is not None
        ref = daemon.allocation.state.pools(1)[0]
        occupancy = daemon.allocation.state.occupancy_of(ref)
        assert occupancy.is_used(int(IPv6Address("2001:db8:1::10")))
        link = LinkInfo("eth0", 2, "fe80::1", 546, "ff02::1:2")
        assert daemon.slot is not None
        outcome = daemon.slot.process6(b"\x01\x00\x00\x01", link, clock.now)
        assert outcome.dropped  # a Solicit without a client id is discarded

    running(tmp_path, check)


def test_shutdown_sets_the_exit_value_and_run_returns_it(tmp_path: Path) -> None:
    async def main() -> int:
        daemon = make_daemon(tmp_path, Clock())

        async def stop_soon() -> None:
            await asyncio.sleep(0.05)
            daemon.shutdown(3)

        task = asyncio.get_running_loop().create_task(stop_soon())
        status = await daemon.run()
        await task
        return status

    assert asyncio.run(main()) == 3
    assert not list(tmp_path.glob("*.pid"))


def test_loaded_leases_get_kea_sanity_checks(tmp_path: Path) -> None:
    from pukeko.leases.csvcodec import HEADER6, lease6_to_line

    leases = tmp_path / "leases6.csv"
    misfiled = Lease6(IPv6Address("2001:db8:1::15"), LeaseType.NA, 128, b"\x01" * 8, 1, 9,
                      4000, 3000, int(T0))  # fmt: skip
    nowhere = Lease6(IPv6Address("2001:db8:99::1"), LeaseType.NA, 128, b"\x02" * 8, 1, 1,
                     4000, 3000, int(T0))  # fmt: skip
    leases.write_text(HEADER6 + "\n" + lease6_to_line(misfiled) + lease6_to_line(nowhere))
    database = {"type": "memfile", "name": str(leases), "lfc-interval": 0}

    async def check(daemon: Daemon6, clock: Clock) -> None:
        assert daemon.store is not None
        view = daemon.store.view
        fixed = view.get(LeaseType.NA, misfiled.address)
        assert fixed is not None and fixed.subnet_id == 1
        assert view.get(LeaseType.NA, nowhere.address) is None

    running(
        tmp_path,
        check,
        **{"lease-database": database, "sanity-checks": {"lease-checks": "fix-del"}},
    )
    rows = leases.read_text().splitlines()
    assert rows[-2].startswith("2001:db8:1::15,") and ",1,3000,0," in rows[-2]
    deleted = rows[-1].split(",")
    assert deleted[0] == "2001:db8:99::1" and deleted[2] == "0"  # valid_lifetime 0: a deletion
