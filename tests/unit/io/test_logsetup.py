import logging
import os
import re
import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

import pukeko.io.logsetup as logsetup
from pukeko.io.lognames import logger_for_message
from pukeko.io.logpattern import PatternFormatter, format_date, parse_pattern
from pukeko.io.logsetup import KeaLogging, LogSetupError, expand_name, parse_logger
from pukeko.server.outcome import LogEvent

SIMPLE = "%p %c %m\n"


@pytest.fixture
def kea_logging() -> Iterator[list[KeaLogging]]:
    made: list[KeaLogging] = []
    yield made
    for item in made:
        item.close()


def make(made: list[KeaLogging], **kwargs: object) -> KeaLogging:
    env = kwargs.pop("env", {})
    item = KeaLogging(env=env, **kwargs)  # type: ignore[arg-type]
    made.append(item)
    return item


def to_file(path: Path, name: str = "kea-dhcp6", severity: str = "INFO", **extra: object) -> dict:
    output = {"output": str(path), "pattern": SIMPLE, **extra}
    return {"name": name, "severity": severity, "output_options": [output]}


def record(name: str = "kea-dhcp6.dhcp6", created: float = 1_700_000_000.25) -> logging.LogRecord:
    rec = logging.LogRecord(name, logging.INFO, "", 0, "server version 2.2.0 started", None, None)
    rec.kea_message_id = "DHCP6_STARTED"
    rec.kea_severity = "INFO"
    rec.created = created
    return rec


def test_kea_default_line_format() -> None:
    line = PatternFormatter("%D{%Y-%m-%d %H:%M:%S.%q} %-5p [%c/%i.%t] %m\n").format(record())
    expected = (
        r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.250 INFO  \[kea-dhcp6\.dhcp6/"
        rf"{os.getpid()}\.{threading.get_ident()}\] DHCP6_STARTED server version 2\.2\.0 started\n"
    )
    assert re.fullmatch(expected, line)


def test_dates_and_modifiers() -> None:
    assert format_date(1_700_000_000.123456, "%H:%M:%S.%q", utc=True) == "22:13:20.123"
    assert format_date(1_700_000_000.123456, "%S %Q", utc=True) == "20 123.456"
    text = PatternFormatter("[%5p|%-6p|%.4c|%c{1}|%%|%d{%Y}]%n").format(record())
    assert text == "[ INFO|INFO  |hcp6|dhcp6|%|2023]\n"


def test_parse_pattern_keeps_unknown_text() -> None:
    segments = parse_pattern("a%-5p b %z{x}c")
    assert segments[0] == "a" and segments[2] == " b "
    assert PatternFormatter("%z!").format(record()) == "%z!"


def test_severity_and_debuglevel_decide(tmp_path: Path, kea_logging: list[KeaLogging]) -> None:
    log = make(kea_logging)
    entry = to_file(tmp_path / "a.log", severity="DEBUG")
    entry["debuglevel"] = 40
    log.configure([entry])
    log.emit(
        [
            LogEvent("DEBUG", "DHCP6_BUFFER_RECEIVED", "at 40", 40),
            LogEvent("DEBUG", "DHCP6_PACKET_RECEIVED", "at 45", 45),
            LogEvent("INFO", "DHCP6_LEASE_ALLOC", "allocated"),
            LogEvent("WARN", "DHCPSRV_OPEN_SOCKET_FAIL", "no socket"),
        ]
    )
    assert (tmp_path / "a.log").read_text().splitlines() == [
        "DEBUG kea-dhcp6.packets DHCP6_BUFFER_RECEIVED at 40",
        "INFO kea-dhcp6.leases DHCP6_LEASE_ALLOC allocated",
        "WARN kea-dhcp6.dhcpsrv DHCPSRV_OPEN_SOCKET_FAIL no socket",
    ]


def test_children_inherit_or_own_outputs(tmp_path: Path, kea_logging: list[KeaLogging]) -> None:
    log = make(kea_logging)
    packets = to_file(tmp_path / "packets.log", name="packets", severity="DEBUG")
    packets["debuglevel"] = 99
    quiet = {"name": "kea-dhcp6.leases", "severity": "WARN"}
    log.configure([to_file(tmp_path / "main.log"), packets, quiet])
    log.log("kea-dhcp6.packets", "DEBUG", "DHCP6_PACKET_RECEIVED", "p", 45)
    log.log("kea-dhcp6.dhcp6", "DEBUG", "DHCP6_X", "not shown", 0)
    log.log("kea-dhcp6.leases", "INFO", "DHCP6_LEASE_ALLOC", "filtered by child")
    log.log("kea-dhcp6.leases", "ERROR", "DHCP6_LEASE_Y", "via parent outputs")
    log.log("kea-dhcp6.dhcp6", "INFO", "DHCP6_STARTED", "root")
    assert (
        tmp_path / "packets.log"
    ).read_text() == "DEBUG kea-dhcp6.packets DHCP6_PACKET_RECEIVED p\n"
    assert (tmp_path / "main.log").read_text().splitlines() == [
        "ERROR kea-dhcp6.leases DHCP6_LEASE_Y via parent outputs",
        "INFO kea-dhcp6.dhcp6 DHCP6_STARTED root",
    ]


def test_max_debuglevel_tells_the_engine_how_deep_to_go(
    tmp_path: Path, kea_logging: list[KeaLogging]
) -> None:
    log = make(kea_logging)
    log.configure([to_file(tmp_path / "a.log")])
    assert log.max_debuglevel() == -1
    packets = {"name": "packets", "severity": "DEBUG", "debuglevel": 45}
    log.configure([to_file(tmp_path / "a.log"), packets])
    assert log.max_debuglevel() == 45
    assert make(kea_logging, verbose=True).max_debuglevel() == 99


def test_none_silences_and_verbose_overrides(tmp_path: Path, kea_logging: list[KeaLogging]) -> None:
    log = make(kea_logging)
    log.configure([to_file(tmp_path / "n.log", severity="NONE")])
    log.log("kea-dhcp6.dhcp6", "FATAL", "DHCP6_X", "dropped")
    assert (tmp_path / "n.log").read_text() == ""
    verbose = make(kea_logging, verbose=True)
    verbose.configure([to_file(tmp_path / "v.log", severity="ERROR")])
    verbose.log("kea-dhcp6.dhcp6", "DEBUG", "DHCP6_Y", "deep", 99)
    assert (tmp_path / "v.log").read_text() == "DEBUG kea-dhcp6.dhcp6 DHCP6_Y deep\n"


def test_rotation_by_maxsize_and_maxver(tmp_path: Path, kea_logging: list[KeaLogging]) -> None:
    log = make(kea_logging)
    path = tmp_path / "r.log"
    log.configure([to_file(path, maxsize=200, maxver=2)])
    for n in range(40):
        log.log("kea-dhcp6.dhcp6", "INFO", "DHCP6_LINE", f"line {n:03d}")
    assert path.exists() and (tmp_path / "r.log.1").exists() and (tmp_path / "r.log.2").exists()
    assert not (tmp_path / "r.log.3").exists()
    assert path.stat().st_size <= 200
    assert "line 039" in path.read_text()


def test_console_outputs(capsys: pytest.CaptureFixture[str], kea_logging: list[KeaLogging]) -> None:
    log = make(kea_logging)
    out = {"name": "kea-dhcp6", "severity": "INFO", "output_options": [{"output": "stdout"}]}
    err = {
        "name": "bad-packets",
        "severity": "DEBUG",
        "debuglevel": 15,
        "output_options": [{"output": "stderr", "pattern": SIMPLE}],
    }
    log.configure([out, err])
    log.emit(
        [
            LogEvent("INFO", "DHCP6_STARTED", "Kea DHCPv6 server version 2.2.0 started"),
            LogEvent("DEBUG", "DHCP6_PACKET_DROP_PARSE_FAIL", "bad", 15),
        ]
    )
    captured = capsys.readouterr()
    assert re.search(r" INFO  \[kea-dhcp6\.dhcp6/\d+\.\d+\] DHCP6_STARTED Kea DHCPv6", captured.out)
    assert captured.err == "DEBUG kea-dhcp6.bad-packets DHCP6_PACKET_DROP_PARSE_FAIL bad\n"


def test_environment_destination(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], kea_logging: list[KeaLogging]
) -> None:
    target = tmp_path / "env.log"
    log = make(kea_logging, env={"KEA_LOGGER_DESTINATION": str(target)})
    log.log("kea-dhcp6.dhcp6", "INFO", "DHCP6_STARTING", "before config")
    log.configure([])
    log.log("kea-dhcp6.dhcp6", "INFO", "DHCP6_STARTED", "after config")
    log.log("kea-dhcp6.dhcp6", "DEBUG", "DHCP6_Z", "debug is off", 0)
    lines = target.read_text().splitlines()
    assert len(lines) == 2 and "DHCP6_STARTING" in lines[0] and "DHCP6_STARTED" in lines[1]
    assert capsys.readouterr() == ("", "")


def test_defaults_without_loggers(
    capsys: pytest.CaptureFixture[str], kea_logging: list[KeaLogging]
) -> None:
    log = make(kea_logging)
    log.log("kea-dhcp6.dhcp6", "INFO", "DHCP6_STARTING", "initial output is stdout")
    log.configure([])
    log.log("kea-dhcp6.dhcp6", "INFO", "DHCP6_STARTED", "then stderr, as Kea 2.2")
    captured = capsys.readouterr()
    assert "DHCP6_STARTING" in captured.out and "DHCP6_STARTED" not in captured.out
    assert "DHCP6_STARTED" in captured.err


def test_bad_configuration_keeps_previous(tmp_path: Path, kea_logging: list[KeaLogging]) -> None:
    log = make(kea_logging)
    log.configure([to_file(tmp_path / "ok.log")])
    bad = [
        [{"name": "kea-dhcp6", "severity": "LOUD"}],
        [{"name": "kea-dhcp6", "severity": "DEBUG", "debuglevel": 100}],
        [{"severity": "INFO"}],
        [{"name": "x", "severity": "INFO", "output_options": [{"flush": True}]}],
        [to_file(tmp_path / "missing-dir" / "x.log")],
    ]
    for loggers in bad:
        with pytest.raises(LogSetupError):
            log.configure(loggers)
    log.log("kea-dhcp6.dhcp6", "INFO", "DHCP6_STILL", "here")
    assert (tmp_path / "ok.log").read_text() == "INFO kea-dhcp6.dhcp6 DHCP6_STILL here\n"


def test_reconfigure_closes_old_outputs(tmp_path: Path, kea_logging: list[KeaLogging]) -> None:
    log = make(kea_logging)
    log.configure([to_file(tmp_path / "one.log")])
    (old,) = logging.getLogger("kea-dhcp6").handlers
    log.configure([to_file(tmp_path / "two.log")])
    assert isinstance(old, logging.FileHandler) and old.stream is None
    log.log("kea-dhcp6.dhcp6", "INFO", "DHCP6_A", "new file")
    assert (tmp_path / "one.log").read_text() == ""
    assert "DHCP6_A" in (tmp_path / "two.log").read_text()
    assert len(logging.getLogger("kea-dhcp6").handlers) == 1


def test_syslog_output(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, kea_logging: list[KeaLogging]
) -> None:
    address = str(tmp_path / "log.sock")
    monkeypatch.setattr(logsetup, "SYSLOG_SOCKET", address)
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as server:
        server.bind(address)
        server.settimeout(2)
        log = make(kea_logging)
        entry = {
            "name": "kea-dhcp6",
            "severity": "INFO",
            "output_options": [{"output": "syslog:pk"}],
        }
        log.configure([entry])
        log.log("kea-dhcp6.dhcp6", "WARN", "DHCP6_W", "to syslog")
        data = server.recv(4096).decode()
    assert re.fullmatch(
        rf"<12>pk\[{os.getpid()}\]: WARN  \[kea-dhcp6\.dhcp6\.\d+\] DHCP6_W to syslog\n\x00", data
    )


def test_message_ids_go_to_kea_loggers() -> None:
    assert logger_for_message("DHCP6_LEASE_ALLOC") == "kea-dhcp6.leases"
    assert logger_for_message("DHCP6_PD_LEASE_ADVERT") == "kea-dhcp6.leases"
    assert logger_for_message("DHCP6_PACKET_DROP_SERVERID_MISMATCH") == "kea-dhcp6.bad-packets"
    assert logger_for_message("DHCP6_PACKET_DROP_DROP_CLASS") == "kea-dhcp6.packets"
    assert logger_for_message("DHCP6_BUFFER_RECEIVED") == "kea-dhcp6.packets"
    assert logger_for_message("DHCP6_RAPID_COMMIT") == "kea-dhcp6.options"
    assert logger_for_message("DHCP6_STARTED") == "kea-dhcp6.dhcp6"
    assert logger_for_message("ALLOC_ENGINE_V6_ALLOC_FAIL") == "kea-dhcp6.alloc-engine"
    assert logger_for_message("DHCPSRV_MEMFILE_DB") == "kea-dhcp6.dhcpsrv"
    assert logger_for_message("SOMETHING") == "kea-dhcp6.dhcp6"


def test_names_and_entries() -> None:
    assert expand_name("packets") == "kea-dhcp6.packets"
    assert expand_name("kea-dhcp6.leases") == "kea-dhcp6.leases"
    assert expand_name("kea-dhcp4") == "kea-dhcp6.kea-dhcp4"
    spec = parse_logger(
        {"name": "kea-dhcp6", "severity": "debug", "output_options": [{"output": "/tmp/x.log"}]},
        verbose=False,
    )
    assert spec.severity == "DEBUG" and spec.debuglevel == 0
    (out,) = spec.outputs
    assert (out.maxsize, out.maxver, out.flush, out.pattern) == (10240000, 1, True, "")
