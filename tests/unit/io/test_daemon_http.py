"""The daemon's HTTP control listeners across start, reconfiguration and shutdown (in-process)."""

from __future__ import annotations

import asyncio
import base64
import json
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from pukeko.io.daemon6 import Daemon6, StartupError
from pukeko.io.daemon_http import http_specs
from pukeko.io.daemon_parts import control_path

AUTH = {"Authorization": "Basic " + base64.b64encode(b"admin:pw").decode()}


def http_entry(**extra: Any) -> dict[str, Any]:
    return {
        "socket-type": "http",
        "socket-address": "127.0.0.1",
        "socket-port": 0,
        "authentication": {"type": "basic", "clients": [{"user": "admin", "password": "pw"}]},
        **extra,
    }


def dhcp6(tmp: Path, **overrides: Any) -> dict[str, Any]:
    conf: dict[str, Any] = {
        "interfaces-config": {"interfaces": []},
        "lease-database": {"type": "memfile", "persist": False},
        "data-directory": str(tmp),
        "server-id": {"type": "EN", "enterprise-id": 2495, "identifier": "0102", "persist": False},
        "control-sockets": [http_entry()],
        "expired-leases-processing": {"reclaim-timer-wait-time": 0},
        "loggers": [{"name": "kea-dhcp6", "severity": "WARN", "output_options": []}],
        "subnet6": [],
    }
    conf.update(overrides)
    return {"Dhcp6": conf}


async def post(port: int, command: dict[str, Any], headers: dict[str, str] | None = None) -> Any:
    async with (
        aiohttp.ClientSession() as session,
        session.post(
            f"http://127.0.0.1:{port}/", json=command, headers=AUTH if headers is None else headers
        ) as response,
    ):
        return response.status, json.loads(await response.text())


def only_port(daemon: Daemon6) -> int:
    (port,) = daemon.http.ports.values()
    return port


def running(tmp: Path, test: Callable[[Daemon6], Awaitable[None]], **overrides: Any) -> None:
    async def main() -> None:
        path = tmp / "pukeko-dhcp6.conf"
        path.write_text(json.dumps(dhcp6(tmp, **overrides)))
        daemon = Daemon6(str(path), env={"KEA_PIDFILE_DIR": str(tmp)}, open_sockets=False)
        await daemon.start()
        try:
            await test(daemon)
        finally:
            await daemon.stop()

    asyncio.run(main())


def test_commands_over_http_and_reload_keeps_the_port(tmp_path: Path) -> None:
    async def test(daemon: Daemon6) -> None:
        port = only_port(daemon)
        status, answer = await post(port, {"command": "status-get", "service": ["dhcp6"]})
        assert status == 200 and answer[0]["result"] == 0 and "pid" in answer[0]["arguments"]
        status, answer = await post(port, {"command": "status-get"}, headers={})
        assert status == 401
        # the listener that carries config-reload is itself replaced: the answer still comes
        status, answer = await post(port, {"command": "config-reload"})
        assert answer[0]["result"] == 0, answer
        assert only_port(daemon) == port  # same bound socket, new server
        status, answer = await post(port, {"command": "list-commands"})
        assert status == 200 and "config-reload" in answer[0]["arguments"]

    running(tmp_path, test)


def test_failed_reconfiguration_keeps_the_running_listener(tmp_path: Path) -> None:
    async def test(daemon: Daemon6) -> None:
        port = only_port(daemon)
        bad = dhcp6(tmp_path)
        clients = [{"user": "admin", "password-file": str(tmp_path / "missing")}]
        second = http_entry(**{"socket-port": 0, "authentication": {"clients": clients}})
        second["socket-address"] = "127.0.0.2"
        bad["Dhcp6"]["control-sockets"].append(second)
        status, answer = await post(port, {"command": "config-set", "arguments": bad})
        assert status == 200 and answer[0]["result"] == 1
        assert "unable to open the HTTP control socket on 127.0.0.2 port 0" in answer[0]["text"]
        assert "missing" in answer[0]["text"]
        status, answer = await post(port, {"command": "status-get"})
        assert status == 200 and answer[0]["result"] == 0
        assert list(daemon.http.ports) == [("127.0.0.1", 0)]

    running(tmp_path, test)


def test_removing_the_listener_closes_the_port_after_answering(tmp_path: Path) -> None:
    async def test(daemon: Daemon6) -> None:
        port = only_port(daemon)
        unix = {"socket-type": "unix", "socket-name": str(tmp_path / "c.sock")}
        new = dhcp6(tmp_path, **{"control-sockets": [unix]})
        _, answer = await post(port, {"command": "config-set", "arguments": new})
        assert answer[0]["result"] == 0, answer
        assert daemon.http.ports == {}
        assert daemon.control is not None and daemon.control.path == str(tmp_path / "c.sock")
        # The replaced server stops in the background, once the config-set answer has left:
        # wait for it (bounded) rather than for a fixed time, which a loaded machine outlasts.
        with pytest.raises(aiohttp.ClientConnectionError):
            for _ in range(50):
                await asyncio.sleep(0.1)
                await post(port, {"command": "status-get"})

    running(tmp_path, test)


def test_shutdown_over_http_is_answered(tmp_path: Path) -> None:
    async def test(daemon: Daemon6) -> None:
        status, answer = await post(only_port(daemon), {"command": "shutdown"})
        assert status == 200 and answer[0]["result"] == 0
        await asyncio.wait_for(daemon.wait_stopping(), 5)

    running(tmp_path, test)


def test_busy_port_fails_startup(tmp_path: Path) -> None:
    async def main() -> None:
        blocker = await asyncio.start_server(lambda r, w: None, "127.0.0.1", 0)
        port = blocker.sockets[0].getsockname()[1]
        path = tmp_path / "pukeko-dhcp6.conf"
        conf = dhcp6(tmp_path, **{"control-sockets": [http_entry(**{"socket-port": port})]})
        path.write_text(json.dumps(conf))
        daemon = Daemon6(str(path), env={"KEA_PIDFILE_DIR": str(tmp_path)}, open_sockets=False)
        try:
            with pytest.raises(StartupError, match=f"HTTP control socket on 127.0.0.1 port {port}"):
                await daemon.start()
        finally:
            blocker.close()

    asyncio.run(main())


def test_unix_and_http_entries_are_told_apart(tmp_path: Path) -> None:
    from pukeko.config.load import load_config

    conf = dhcp6(
        tmp_path,
        **{
            "control-socket": {"socket-type": "https", **_tls_names()},
            "control-sockets": [
                {"socket-type": "unix", "socket-name": "/run/k.sock"},
                http_entry(**{"socket-port": 8001}),
            ],
        },
    )
    config = load_config(json.dumps(conf), family=6).config
    assert control_path(config) == "/run/k.sock"
    assert [(s.address, s.port, s.tls) for s in http_specs(config)] == [
        ("127.0.0.1", 8000, True),
        ("127.0.0.1", 8001, False),
    ]


def _tls_names() -> dict[str, str]:
    return {"trust-anchor": "/ca.pem", "cert-file": "/c.pem", "key-file": "/k.pem"}
