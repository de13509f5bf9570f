import os
import subprocess
from pathlib import Path

import pytest

from pukeko.io.pidfile import (
    DEFAULT_PID_DIR,
    PidFile,
    PidFileExists,
    already_running_text,
    config_base_name,
    daemon_pid_file,
    pid_file_dir,
    pid_file_path,
)


@pytest.mark.parametrize(
    ("config", "base"),
    [
        ("/etc/kea/kea-dhcp6.conf", "kea-dhcp6"),
        ("kea.json", "kea"),
        ("/etc/kea.d/dhcp6", "dhcp6"),
        ("a.b.json", "a.b"),
        ("/etc/kea/.json", ""),
    ],
)
def test_config_base_name_like_kea_filename(config: str, base: str) -> None:
    assert config_base_name(config) == base


def test_pid_file_path_uses_kea_scheme_with_pukeko_name() -> None:
    path = pid_file_path("/etc/kea/kea-dhcp6.conf", "pukeko-dhcp6", "/run/x")
    assert path == "/run/x/kea-dhcp6.pukeko-dhcp6.pid"
    with pytest.raises(ValueError, match="missing file name"):
        pid_file_path("/etc/.conf", "pukeko-dhcp6", "/run/x")


def test_pid_dir_from_environment() -> None:
    assert pid_file_dir({"KEA_PIDFILE_DIR": "/tmp/p"}) == "/tmp/p"
    assert pid_file_dir({}) == DEFAULT_PID_DIR
    pid = daemon_pid_file("/x/server.json", env={"KEA_PIDFILE_DIR": "/tmp/p"})
    assert pid.path == "/tmp/p/server.pukeko-dhcp6.pid"


def test_acquire_writes_pid_and_remove_deletes(tmp_path: Path) -> None:
    pid = PidFile(str(tmp_path / "sub" / "k.pukeko-dhcp6.pid"))
    pid.acquire()
    assert Path(pid.path).read_text() == f"{os.getpid()}\n"
    pid.remove()
    assert not Path(pid.path).exists()
    pid.remove()  # twice is fine


def test_second_server_refused_while_first_lives(tmp_path: Path) -> None:
    path = tmp_path / "k.pukeko-dhcp6.pid"
    with subprocess.Popen(["sleep", "30"]) as other:
        try:
            path.write_text(f"{other.pid}\n")
            mine = PidFile(str(path))
            with pytest.raises(PidFileExists) as caught:
                mine.acquire()
            assert caught.value.pid == other.pid
            assert path.read_text() == f"{other.pid}\n"
            text = already_running_text("pukeko-dhcp6", caught.value)
            assert text.startswith("pukeko-dhcp6 already running? ")
            assert f"PID: {other.pid} exists, PID file: {path}" in text
            mine.remove()  # not ours: must stay
            assert path.exists()
        finally:
            other.kill()
            other.wait()
    PidFile(str(path)).acquire()  # the holder is gone: stale
    assert path.read_text() == f"{os.getpid()}\n"


@pytest.mark.parametrize(
    "content", ["", "garbage\n", "OWN", "999999999\n"], ids=["empty", "garbage", "own", "gone"]
)
def test_stale_or_unreadable_files_are_replaced(tmp_path: Path, content: str) -> None:
    path = tmp_path / "k.pid"
    path.write_text(f"{os.getpid()}\n" if content == "OWN" else content)
    pid = PidFile(str(path))
    assert pid.check() == 0
    pid.acquire()
    assert path.read_text() == f"{os.getpid()}\n"
