import json
import os
import shutil
import signal
import subprocess
import time
from pathlib import Path

import pytest
from tests.support.netns import can_use_netns
from tests.support.netns_enter import add_veth, namespaces, wait_link_local

from pukeko.config.model import ServerId
from pukeko.io.serverid_file import (
    SERVER_DUID_FILE,
    load_server_duid,
    read_server_duid,
    server_duid_path,
    write_server_duid,
)
from pukeko.server.dhcp6.serverid import ServerIdError

# What Kea 2.2 leaves in <data-directory>/kea-dhcp6-serverid: colon hex, no newline.
KEA_FILE = "00:01:00:01:2e:c4:5b:1a:02:fc:00:00:00:01"
KEA_DUID = bytes.fromhex("000100012ec45b1a02fc00000001")
HW = (1, bytes.fromhex("0242ac110002"))
NOW = 1_700_000_000.0


def llt(persist: bool = True) -> ServerId:
    return ServerId("LLT", b"", 0, 0, 0, persist)


def test_file_name_and_format(tmp_path: Path) -> None:
    path = server_duid_path(str(tmp_path))
    assert path == str(tmp_path / SERVER_DUID_FILE)
    write_server_duid(path, KEA_DUID)
    assert Path(path).read_text() == KEA_FILE
    assert read_server_duid(path) == KEA_DUID


def test_unusable_files_read_as_none(tmp_path: Path) -> None:
    path = tmp_path / SERVER_DUID_FILE
    assert read_server_duid(str(path)) is None
    path.write_text("not hex at all")
    assert read_server_duid(str(path)) is None
    path.write_text("00:01:00:01:2e:c4:\n5b:1a:02:fc:00:00:00:01\n")  # words joined, like Kea
    assert read_server_duid(str(path)) == KEA_DUID


def test_kea_duid_is_kept_when_taking_over(tmp_path: Path) -> None:
    (tmp_path / SERVER_DUID_FILE).write_text(KEA_FILE)
    result = load_server_duid(llt(), str(tmp_path), NOW, lambda: HW)
    assert result.duid == KEA_DUID
    assert (tmp_path / SERVER_DUID_FILE).read_text() == KEA_FILE


def test_generated_once_then_reused(tmp_path: Path) -> None:
    first = load_server_duid(llt(), str(tmp_path / "data"), NOW, lambda: HW)
    assert first.duid[:4] == bytes.fromhex("00010001") and first.duid.endswith(HW[1])
    assert Path(first.path).read_text() == first.duid.hex(":")
    later = load_server_duid(llt(), str(tmp_path / "data"), NOW + 5000, lambda: None)
    assert later.duid == first.duid


def test_not_persisted_reads_and_writes_nothing(tmp_path: Path) -> None:
    (tmp_path / SERVER_DUID_FILE).write_text(KEA_FILE)
    result = load_server_duid(llt(persist=False), str(tmp_path), NOW, lambda: HW)
    assert result.path == "" and result.duid != KEA_DUID and result.duid.endswith(HW[1])
    assert (tmp_path / SERVER_DUID_FILE).read_text() == KEA_FILE


def test_no_hardware_address_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ServerIdError):
        load_server_duid(llt(), str(tmp_path), NOW, lambda: None)
    assert not (tmp_path / SERVER_DUID_FILE).exists()


def test_en_type_generates_and_persists(tmp_path: Path) -> None:
    result = load_server_duid(ServerId("EN", b"", 0, 0, 0, True), str(tmp_path), NOW, lambda: None)
    assert result.duid[:6] == bytes.fromhex("0002000009bf")  # DUID-EN, ISC's 2495
    assert read_server_duid(result.path) == result.duid


@pytest.mark.kea
@pytest.mark.skipif(
    not can_use_netns() or shutil.which("kea-dhcp6") is None, reason="needs root and kea-dhcp6"
)
def test_file_written_by_kea_is_read_back(tmp_path: Path) -> None:
    config = tmp_path / "k.json"
    dhcp6 = {
        "interfaces-config": {"interfaces": []},
        "data-directory": str(tmp_path),
        "lease-database": {"type": "memfile", "persist": False},
        "subnet6": [],
    }
    config.write_text(json.dumps({"Dhcp6": dhcp6}))
    env = {**os.environ, "KEA_PIDFILE_DIR": str(tmp_path), "KEA_LOCKFILE_DIR": str(tmp_path)}
    with namespaces(2) as (left, right):
        add_veth(left, "pkv0", right, "pkv1")
        wait_link_local(left, "pkv0")
        cmd = ["ip", "netns", "exec", left, "kea-dhcp6", "-c", str(config), "-p", "5547"]
        with subprocess.Popen(
            cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        ) as kea:
            target = tmp_path / SERVER_DUID_FILE
            deadline = time.monotonic() + 10
            while not target.exists() and time.monotonic() < deadline:
                time.sleep(0.05)
            kea.send_signal(signal.SIGTERM)
            kea.wait(timeout=10)
    text = target.read_text()
    duid = read_server_duid(str(target))
    assert duid is not None and duid.hex(":") == text
    again = load_server_duid(llt(), str(tmp_path), time.time() + 86400, lambda: HW)
    assert again.duid == duid
