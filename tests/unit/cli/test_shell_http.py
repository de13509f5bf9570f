"""pukeko-shell against Pukeko's own HTTP(S) listener: TLS, client certificates, password files."""

from __future__ import annotations

import asyncio
import io
import json
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from tests.support.tls_certs import Pki, have_openssl, make_pki

from pukeko.cli import shell
from pukeko.config.control_sockets import HttpClient, HttpSocket
from pukeko.control.http import HttpControlServer
from pukeko.control.http_settings import listener_settings

pytestmark = pytest.mark.skipif(not have_openssl(), reason="openssl command not installed")
PASSWORD = "line one\r\n"  # a password file's content is the password, byte for byte


class Listener:
    """An HttpControlServer on its own event loop thread; records the commands it got."""

    def __init__(self, spec: HttpSocket) -> None:
        self.seen: list[Any] = []
        self.loop = asyncio.new_event_loop()
        self.server = HttpControlServer(listener_settings(spec), self._dispatch)
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        asyncio.run_coroutine_threadsafe(self.server.start(), self.loop).result(10)

    async def _dispatch(self, message: Any) -> dict[str, Any]:
        self.seen.append(message)
        return {"result": 0, "text": "done"}

    def close(self) -> None:
        asyncio.run_coroutine_threadsafe(self.server.stop(), self.loop).result(10)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(10)
        self.loop.close()


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> Pki:
    return make_pki(tmp_path_factory.mktemp("pki"))


@pytest.fixture
def listener(pki: Pki) -> Iterator[Listener]:
    spec = HttpSocket(
        "127.0.0.1",
        0,
        realm="r",
        clients=(HttpClient(user="admin", password=PASSWORD),),
        trust_anchor=str(pki.ca),
        cert_file=str(pki.server_cert),
        key_file=str(pki.server_key),
    )
    running = Listener(spec)
    yield running
    running.close()


def run(monkeypatch: pytest.MonkeyPatch, argv: list[str], stdin: str = "") -> int:
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    return shell.main(argv)


def tls(listener: Listener, pki: Pki) -> list[str]:
    return [
        "--port", str(listener.server.port), "--ca", str(pki.ca),
        "--cert", str(pki.client_cert), "--key", str(pki.client_key),
    ]  # fmt: skip


def test_password_file_client_certificate_and_path(
    listener: Listener,
    pki: Pki,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    secret = tmp_path / "pw"
    secret.write_bytes(PASSWORD.encode())
    argv = [
        *tls(listener, pki), "--auth-user", "admin", "--auth-password-file", str(secret),
        "--path", "kea", "--service", "dhcp6", "--timeout", "5", "lease6-get",
    ]  # fmt: skip
    assert run(monkeypatch, argv, '"ip-address": "2001:db8::1"') == 0
    assert json.loads(capsys.readouterr().out) == [{"result": 0, "text": "done"}]
    assert listener.seen == [
        {
            "command": "lease6-get",
            "service": ["dhcp6"],
            "arguments": {"ip-address": "2001:db8::1"},
        }
    ]


def test_wrong_password_and_missing_certificate_fail(
    listener: Listener,
    pki: Pki,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    argv = [*tls(listener, pki), "--auth-user", "admin", "--auth-password", "line one"]
    assert run(monkeypatch, argv) == 1
    assert capsys.readouterr().out.strip() == "Failed to run: HTTP Error 401: Unauthorized"
    no_cert = ["--port", str(listener.server.port), "--ca", str(pki.ca), "--auth-user", "admin"]
    assert run(monkeypatch, no_cert) == 1
    assert capsys.readouterr().out.startswith("Failed to run:")
    assert run(monkeypatch, [*argv, "--auth-password-file", str(tmp_path / "none")]) == 1
    assert "mutually exclusive" in capsys.readouterr().out
    missing = [*tls(listener, pki), "--auth-user", "a", "--auth-password-file", str(tmp_path / "x")]
    assert run(monkeypatch, missing) == 1
    assert capsys.readouterr().out.startswith("Failed to run:")
    assert listener.seen == []


def test_options_match_kea_shell() -> None:
    opts = shell.build_parser().parse_args([])
    assert (opts.host, opts.port, opts.path, opts.timeout) == ("127.0.0.1", 8000, "", 10)
    assert opts.command == "list-commands" and opts.auth_password_file == ""
