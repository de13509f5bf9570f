"""The same control commands against Kea 2.2 and Pukeko: answers must have the same shape.

Kea runs as ``kea-dhcp6 -c`` in a network namespace with its control socket in a temporary
directory; Pukeko's handlers run through the registry with a fake daemon. Deterministic answers
must match byte for byte (Kea's JSON text included); timestamps, and the ``in (<wire>:l:c)``
positions Kea appends to type errors, are normalised away first.
"""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from tests.support.control_fake import NOW, FakeServer, make_context, run
from tests.support.kea import kea_binary, kea_namespace

from pukeko.control.answers import to_kea_json
from pukeko.control.handle import CommandContext

pytestmark = pytest.mark.kea

TIMESTAMP = re.compile(r'"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6}"')
POSITION = re.compile(r" in \(<wire>:\d+:\d+\)")
KEA_ONLY_COMMANDS = {"libreload"}  # C++ hook libraries: not something Pukeko loads


def _kea_config(directory: Path) -> dict[str, Any]:
    return {
        "Dhcp6": {
            "interfaces-config": {"interfaces": []},
            "server-id": {
                "type": "EN",
                "enterprise-id": 2495,
                "identifier": "0102",
                "persist": False,
            },
            "control-socket": {"socket-type": "unix", "socket-name": str(directory / "kea.sock")},
            "lease-database": {"type": "memfile", "persist": False},
            "subnet6": [
                {
                    "id": 1,
                    "subnet": "2001:db8:1::/64",
                    "pools": [{"pool": "2001:db8:1::10-2001:db8:1::ff"}],
                }
            ],
            "loggers": [
                {
                    "name": "kea-dhcp6",
                    "severity": "INFO",
                    "output_options": [{"output": str(directory / "kea.log")}],
                }
            ],
        }
    }


def _ask_unix(path: Path, data: bytes) -> bytes:
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
        sock.settimeout(15)
        sock.connect(str(path))
        sock.sendall(data)
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


KeaAsk = Callable[[dict[str, Any]], str]


@contextmanager
def _running_kea(directory: Path) -> Iterator[KeaAsk]:
    """Start kea-dhcp6 in a fresh namespace; yield a function sending one command; stop it."""
    if kea_binary(6) is None:
        pytest.skip("Kea 2.2 is not installed (make install installs it)")
    config = directory / "kea-dhcp6.json"
    config.write_text(json.dumps(_kea_config(directory)))
    sock = directory / "kea.sock"
    env = {**os.environ, "KEA_LOCKFILE_DIR": "none", "KEA_PIDFILE_DIR": str(directory)}
    with kea_namespace([]) as ns:
        cmd = ["ip", "netns", "exec", ns, str(kea_binary(6)), "-c", str(config)]
        proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        try:
            deadline = time.monotonic() + 15
            while not sock.exists():
                if proc.poll() is not None or time.monotonic() > deadline:
                    output = proc.stdout.read().decode() if proc.stdout else ""
                    pytest.fail(f"kea-dhcp6 did not open its control socket:\n{output}")
                time.sleep(0.05)
            yield lambda command: _ask_unix(sock, json.dumps(command).encode()).decode()
        finally:
            proc.terminate()
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


@pytest.fixture(scope="module")
def kea(tmp_path_factory: pytest.TempPathFactory) -> Iterator[KeaAsk]:
    """A kea-dhcp6 shared by the module's tests (none of them stops it)."""
    with _running_kea(tmp_path_factory.mktemp("kea")) as ask:
        yield ask


@pytest.fixture(scope="module")
def pukeko() -> CommandContext:
    """Pukeko's registry with a fake daemon, and the statistics Kea has at startup."""
    ctx = make_context(6, FakeServer())
    ctx.stats.set("pkt6-received", 0, NOW)
    ctx.stats.set("subnet[1].total-nas", 240, NOW)
    return ctx


def _normal(text: str) -> str:
    return POSITION.sub("", TIMESTAMP.sub('"<ts>"', text))


def _both(kea: KeaAsk, pukeko: CommandContext, command: dict[str, Any]) -> tuple[str, str]:
    return _normal(kea(command)), _normal(to_kea_json(run(pukeko, command)))


def _same(kea: KeaAsk, pukeko: CommandContext, command: dict[str, Any]) -> None:
    theirs, ours = _both(kea, pukeko, command)
    assert ours == theirs, command


def _cmd(name: str, arguments: Any = None) -> dict[str, Any]:
    return {"command": name} if arguments is None else {"command": name, "arguments": arguments}


def test_list_commands(kea: KeaAsk, pukeko: CommandContext) -> None:
    theirs = json.loads(kea(_cmd("list-commands")))
    ours = run(pukeko, _cmd("list-commands"))
    assert theirs["result"] == ours["result"] == 0
    assert sorted(set(theirs["arguments"]) - KEA_ONLY_COMMANDS) == ours["arguments"]


def test_version_get_shape(kea: KeaAsk, pukeko: CommandContext) -> None:
    theirs = json.loads(kea(_cmd("version-get")))
    ours = run(pukeko, _cmd("version-get"))
    assert theirs.keys() == ours.keys() == {"arguments", "result", "text"}
    assert theirs["arguments"].keys() == ours["arguments"].keys() == {"extended"}
    assert theirs["text"] == theirs["arguments"]["extended"].split("\n")[0]
    assert ours["text"] == ours["arguments"]["extended"].split("\n")[0]


def test_status_get_shape(kea: KeaAsk, pukeko: CommandContext) -> None:
    theirs = json.loads(kea(_cmd("status-get")))
    ours = run(pukeko, _cmd("status-get"))
    assert theirs.keys() == ours.keys() == {"arguments", "result"}
    types = {key: type(value) for key, value in theirs["arguments"].items()}
    assert types == {key: type(value) for key, value in ours["arguments"].items()}
    assert theirs["arguments"]["sockets"] == ours["arguments"]["sockets"] == {"status": "ready"}


def test_build_report_and_server_tag_shapes(kea: KeaAsk, pukeko: CommandContext) -> None:
    theirs = json.loads(kea(_cmd("build-report")))
    assert theirs.keys() == run(pukeko, _cmd("build-report")).keys() == {"result", "text"}
    pukeko.server.config_get()["Dhcp6"]["server-tag"] = ""
    _same(kea, pukeko, _cmd("server-tag-get"))
    _same(kea, pukeko, _cmd("config-backend-pull"))


@pytest.mark.parametrize(
    "command",
    [
        {"command": "xyz"},
        {"command": "list-commands", "foo": 1},
        {"command": 1},
        {"x": 1},
        {"command": "config-test", "arguments": {"Dhcp6": {}}},
        {"command": "config-test"},
        {"command": "config-test", "arguments": {}},
        {"command": "config-test", "arguments": {"Dhcp6": []}},
        {"command": "config-test", "arguments": {"Dhcp6": {}, "b": 1, "a": 2}},
        {"command": "config-set", "arguments": {"Dhcp6": {}, "Logging": {}}},
        {"command": "config-set", "arguments": [1]},
        {"command": "config-write", "arguments": {"filename": 5}},
        {"command": "config-write", "arguments": [1]},
        {"command": "dhcp-disable", "arguments": {"max-period": "x", "origin": 5}},
        {"command": "dhcp-disable", "arguments": {"max-period": -1, "origin": ""}},
        {"command": "dhcp-disable", "arguments": {"origin": "me"}},
        {"command": "dhcp-disable", "arguments": {"max-period": 60}},
        {"command": "dhcp-enable", "arguments": {"origin": "ha-partner"}},
        {"command": "dhcp-enable", "arguments": 5},
        {"command": "dhcp-enable"},
        {"command": "leases-reclaim"},
        {"command": "leases-reclaim", "arguments": {"remove": 1}},
        {"command": "leases-reclaim", "arguments": []},
        {"command": "leases-reclaim", "arguments": {"remove": True}},
        {"command": "shutdown", "arguments": {"exit-value": "a"}},
        {"command": "shutdown", "arguments": [1]},
    ],
    ids=lambda c: json.dumps(c),
)
def test_same_answer(kea: KeaAsk, pukeko: CommandContext, command: dict[str, Any]) -> None:
    _same(kea, pukeko, command)


STATISTIC_SEQUENCE: list[dict[str, Any]] = [
    _cmd("statistic-get", {"name": "pkt6-received"}),
    _cmd("statistic-get", {"name": "nope"}),
    _cmd("statistic-get"),
    _cmd("statistic-get", {"name": 1}),
    _cmd("statistic-get", [1]),
    _cmd("statistic-reset", {"name": "pkt6-received"}),
    _cmd("statistic-reset", {"name": "nope"}),
    _cmd("statistic-get", {"name": "pkt6-received"}),
    _cmd("statistic-sample-count-set", {"name": "pkt6-received", "max-samples": 5}),
    _cmd("statistic-sample-count-set", {"name": "pkt6-received", "max-samples": "5"}),
    _cmd("statistic-sample-count-set", {"name": "nope", "max-samples": 5}),
    _cmd("statistic-sample-age-set", {"name": "pkt6-received", "duration": 5}),
    _cmd("statistic-sample-age-set", {"name": "pkt6-received", "duration": "x"}),
    _cmd("statistic-sample-age-set", {"name": "pkt6-received"}),
    _cmd("statistic-sample-count-set-all", {"max-samples": 0}),
    _cmd("statistic-sample-count-set-all", {"max-samples": True}),
    _cmd("statistic-sample-count-set-all"),
    _cmd("statistic-sample-count-set-all", {"max-samples": 3}),
    _cmd("statistic-sample-age-set-all", {"duration": "x"}),
    _cmd("statistic-sample-age-set-all", {}),
    _cmd("statistic-sample-age-set-all", {"duration": 10}),
    _cmd("statistic-remove", {"name": "pkt6-received"}),
    _cmd("statistic-remove", {"name": "pkt6-received"}),
    _cmd("statistic-get", {"name": "pkt6-received"}),
    _cmd("statistic-reset-all"),
    _cmd("statistic-remove-all"),
    _cmd("statistic-get-all"),
]


def test_statistic_commands_in_sequence(kea: KeaAsk, pukeko: CommandContext) -> None:
    all_theirs = json.loads(kea(_cmd("statistic-get-all")))["arguments"]
    all_ours = run(pukeko, _cmd("statistic-get-all"))["arguments"]
    for samples in (*all_theirs.values(), *all_ours.values()):  # [[int, "timestamp"], ...]
        assert [[type(v), bool(TIMESTAMP.fullmatch(f'"{t}"'))] for v, t in samples] == [
            [int, True]
        ] * len(samples)
    assert "pkt6-received" in all_theirs and "subnet[1].total-nas" in all_theirs
    for command in STATISTIC_SEQUENCE:
        _same(kea, pukeko, command)


def test_shutdown(tmp_path: Path) -> None:
    with _running_kea(tmp_path) as own_kea:
        _same(own_kea, make_context(6, FakeServer()), _cmd("shutdown", {"exit-value": 0}))
