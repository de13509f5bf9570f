"""Atomic configuration writes, config-write with runtime changes, the automatic write, restart."""

from __future__ import annotations

import asyncio
import errno
import json
import os
import stat
from pathlib import Path
from typing import Any

import pytest
from tests.support.control_daemon6 import HWADDR, SUBNET_HOOK, Clock, Running, dhcp6, run_daemon

from pukeko.config.model import Config
from pukeko.io import config_write
from pukeko.io.config_write import (
    AUTO_WRITE_KEY,
    apply_persisted,
    auto_write_enabled,
    write_atomically,
    write_config_file,
)
from pukeko.io.daemon6 import Daemon6

HOST_HOOK = {"library": "/opt/kea/hooks/libdhcp_host_cmds.so"}
HOOKS = {"hooks-libraries": [SUBNET_HOOK, HOST_HOOK]}
AUTO = {"user-context": {AUTO_WRITE_KEY: True}}
DUID = "00:03:00:01:00:00:00:00:00:07"
ADD = {"reservation": {"subnet-id": 1, "duid": DUID, "ip-addresses": ["2001:db8:1::77"]}}


def leftovers(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir() if p.name.endswith(".tmp"))


# -- write_atomically ---------------------------------------------------------------------------


def test_write_replaces_the_file_keeps_its_mode_and_syncs_file_and_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "kea.conf"
    target.write_text("old")
    target.chmod(0o640)
    synced: list[bool] = []
    real_fsync = os.fsync

    def fsync(fd: int) -> None:
        synced.append(stat.S_ISDIR(os.fstat(fd).st_mode))
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", fsync)
    write_atomically(str(target), b'{"Dhcp6": {}}\n')
    assert target.read_bytes() == b'{"Dhcp6": {}}\n'
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    assert synced == [False, True]  # the data, then the directory holding the rename
    assert leftovers(tmp_path) == []


def test_new_file_is_owner_only(tmp_path: Path) -> None:
    target = tmp_path / "new.conf"
    assert write_config_file(str(target), {"Dhcp6": {"a": 1}}) == len(target.read_bytes())
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert json.loads(target.read_text()) == {"Dhcp6": {"a": 1}}


def test_failed_write_leaves_the_old_file_and_no_temporary(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "kea.conf"
    target.write_text("old")

    def no_space(fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", no_space)
    with pytest.raises(OSError, match="No space"):
        write_atomically(str(target), b"new")
    assert target.read_text() == "old"
    assert leftovers(tmp_path) == []


def test_write_into_a_missing_directory_fails(tmp_path: Path) -> None:
    with pytest.raises(OSError):
        write_atomically(str(tmp_path / "nowhere" / "kea.conf"), b"x")


# -- apply_persisted ----------------------------------------------------------------------------


def config_with(context: dict[str, Any] | None) -> Config:
    from pukeko.config.load import load_value

    server: dict[str, Any] = {"subnet6": []}
    if context is not None:
        server["user-context"] = context
    return load_value({"Dhcp6": server}, family=6).config


def test_auto_write_switch() -> None:
    assert auto_write_enabled(config_with({AUTO_WRITE_KEY: True}))
    assert not auto_write_enabled(config_with({AUTO_WRITE_KEY: "yes"}))
    assert not auto_write_enabled(config_with({"other": 1}))
    assert not auto_write_enabled(config_with(None))


def test_a_refused_change_puts_the_file_back(tmp_path: Path) -> None:
    target = tmp_path / "kea.conf"
    target.write_text("original")
    logged: list[tuple[str, str, str]] = []

    async def refuse() -> list[str]:
        assert json.loads(target.read_text()) == {"Dhcp6": {"new": True}}  # written first
        return ["no"]

    errors = asyncio.run(
        apply_persisted(
            str(target),
            config_with({AUTO_WRITE_KEY: True}),
            lambda: {"Dhcp6": {"new": True}},
            refuse,
            lambda *entry: logged.append(entry),
        )
    )
    assert errors == ["no"]
    assert target.read_text() == "original"
    assert logged == []


def test_a_failed_write_refuses_the_change(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    applied: list[bool] = []
    logged: list[tuple[str, str, str]] = []

    def full_disk(path: str, data: bytes) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    async def apply() -> list[str]:
        applied.append(True)
        return []

    monkeypatch.setattr(config_write, "write_atomically", full_disk)
    path = str(tmp_path / "kea.conf")
    errors = asyncio.run(
        apply_persisted(
            path, config_with(AUTO["user-context"]), lambda: {}, apply, lambda *e: logged.append(e)
        )
    )
    assert errors == [
        f"cannot write the configuration file {path}: No space left on device; "
        "the change is not applied"
    ]
    assert applied == []
    assert logged[0][:2] == ("ERROR", "DHCP6_CONFIG_AUTO_WRITE_FAIL")


# -- through the daemon -------------------------------------------------------------------------


def conf_path(tmp: Path) -> Path:
    return tmp / "pukeko-dhcp6.conf"  # where tests.support.control_daemon6 writes it


def test_config_write_includes_reservations_added_by_command(tmp_path: Path) -> None:
    written = tmp_path / "written.conf"

    async def check(r: Running) -> None:
        assert (await r.command("reservation-add", ADD))["result"] == 0
        got = await r.command("config-write", {"filename": str(written)})
        assert got["result"] == 0 and got["arguments"]["filename"] == str(written)
        assert got["arguments"]["size"] == len(written.read_bytes())
        assert json.loads(written.read_text()) == r.daemon.config_get()
        assert leftovers(tmp_path) == []

    run_daemon(tmp_path, check, **HOOKS)
    subnet = json.loads(written.read_text())["Dhcp6"]["subnet6"][0]
    assert [(h["duid"], h["ip-addresses"]) for h in subnet["reservations"]] == [
        (DUID, ["2001:db8:1::77"])
    ]


def test_without_auto_write_the_file_is_left_alone(tmp_path: Path) -> None:
    async def check(r: Running) -> None:
        before = conf_path(tmp_path).read_text()
        assert (await r.command("reservation-add", ADD))["result"] == 0
        assert conf_path(tmp_path).read_text() == before

    run_daemon(tmp_path, check, **HOOKS)


def test_auto_write_then_restart_loads_the_changes_back(tmp_path: Path) -> None:
    async def change(r: Running) -> None:
        assert (await r.command("reservation-add", ADD))["result"] == 0
        on_disk = json.loads(conf_path(tmp_path).read_text())
        assert on_disk == r.daemon.config_get()
        added = await r.command(
            "subnet6-add", {"subnet6": [{"id": 2, "subnet": "2001:db8:2::/64"}]}
        )
        assert added["result"] == 0
        on_disk = json.loads(conf_path(tmp_path).read_text())
        assert [s["id"] for s in on_disk["Dhcp6"]["subnet6"]] == [1, 2]
        assert leftovers(tmp_path) == []

    run_daemon(tmp_path, change, **HOOKS, **AUTO)

    async def restart() -> None:
        daemon = Daemon6(
            str(conf_path(tmp_path)),
            clock=Clock(),
            env={"KEA_PIDFILE_DIR": str(tmp_path)},
            open_sockets=False,
            hwaddr_source=lambda: HWADDR,
        )
        await daemon.start()
        try:
            running = Running(daemon, Clock())
            got = await running.command(
                "reservation-get", {"subnet-id": 1, "ip-address": "2001:db8:1::77"}
            )
            assert got["result"] == 0 and got["arguments"]["duid"] == DUID
            assert sorted(daemon.running_config().subnets_by_id) == [1, 2]
        finally:
            await daemon.stop()

    asyncio.run(restart())


def test_auto_write_failure_refuses_the_reservation(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def full_disk(path: str, data: bytes) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    async def check(r: Running) -> None:
        before = conf_path(tmp_path).read_text()
        monkeypatch.setattr(config_write, "write_atomically", full_disk)
        got = await r.command("reservation-add", ADD)
        assert got["result"] == 1
        assert "No space left on device; the change is not applied" in got["text"]
        assert len(r.daemon.host_store()) == 0
        assert r.daemon.config_get()["Dhcp6"]["subnet6"][0]["reservations"] == []
        assert conf_path(tmp_path).read_text() == before

    run_daemon(tmp_path, check, **HOOKS, **AUTO)


def test_config_set_is_written_when_the_new_configuration_asks(tmp_path: Path) -> None:
    async def check(r: Running) -> None:
        new = dhcp6(tmp_path, **HOOKS, **AUTO)
        new["Dhcp6"]["subnet6"][0]["reservations"] = [{"duid": DUID, "hostname": "set"}]
        assert await r.daemon.config_set(new) == []
        on_disk = json.loads(conf_path(tmp_path).read_text())
        assert on_disk["Dhcp6"]["subnet6"][0]["reservations"][0]["hostname"] == "set"

    run_daemon(tmp_path, check, **HOOKS)


def test_a_symbolic_link_is_followed_and_kept(tmp_path: Path) -> None:
    real = tmp_path / "real" / "kea.conf"
    real.parent.mkdir()
    real.write_text("old")
    link = tmp_path / "kea.conf"
    link.symlink_to(real)
    write_atomically(str(link), b"new")
    assert link.is_symlink() and real.read_text() == "new"
    assert leftovers(real.parent) == []
