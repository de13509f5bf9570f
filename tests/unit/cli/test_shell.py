import base64
import io
import json
import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import Any

import pytest

from pukeko.cli import shell

ANSWER = [{"result": 0, "text": "ok", "arguments": {"x": 1}}]


class _Recorder(BaseHTTPRequestHandler):
    seen: list[dict[str, Any]] = []

    def do_POST(self) -> None:
        length = int(self.headers["Content-Length"])
        body = json.loads(self.rfile.read(length))
        self.seen.append({"path": self.path, "body": body, "auth": self.headers["Authorization"]})
        data = json.dumps(ANSWER).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def http_server() -> Iterator[HTTPServer]:
    _Recorder.seen = []
    server = HTTPServer(("127.0.0.1", 0), _Recorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def _run(monkeypatch: pytest.MonkeyPatch, argv: list[str], stdin: str) -> int:
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    return shell.main(argv)


def test_http_command_with_kea_shell_style_arguments(
    http_server: HTTPServer, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    port = http_server.server_address[1]
    argv = [
        "--port",
        str(port),
        "--service",
        "dhcp6",
        "--auth-user",
        "admin",
        "--auth-password",
        "s3cret",
        "lease6-get",
    ]
    assert _run(monkeypatch, argv, '"ip-address": "2001:db8::1"') == 0
    (seen,) = _Recorder.seen
    assert seen["body"] == {
        "command": "lease6-get",
        "service": ["dhcp6"],
        "arguments": {"ip-address": "2001:db8::1"},
    }
    assert seen["path"] == "/"
    assert base64.b64decode(seen["auth"].split()[1]) == b"admin:s3cret"
    assert json.loads(capsys.readouterr().out) == ANSWER


def test_whole_json_object_on_stdin_and_default_command(
    http_server: HTTPServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    port = http_server.server_address[1]
    assert _run(monkeypatch, ["--port", str(port)], "") == 0
    assert _Recorder.seen[0]["body"] == {"command": "list-commands"}
    assert _run(monkeypatch, ["--port", str(port), "x"], '{"a": [1, 2]}') == 0
    assert _Recorder.seen[1]["body"]["arguments"] == {"a": [1, 2]}


def test_unix_socket_channel(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    path = str(tmp_path / "ctrl.sock")
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(path)
    listener.listen(1)
    received: list[bytes] = []

    def serve() -> None:
        conn, _ = listener.accept()
        with conn:
            received.append(conn.recv(65536))
            conn.sendall(json.dumps({"result": 0, "text": "pong"}).encode())

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    assert _run(monkeypatch, ["--socket", path, "status-get"], "") == 0
    thread.join(5)
    listener.close()
    assert json.loads(received[0]) == {"command": "status-get"}
    assert json.loads(capsys.readouterr().out)["text"] == "pong"


def test_connection_failure_is_reported_not_raised(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    assert _run(monkeypatch, ["--socket", str(tmp_path / "none.sock")], "") == 1
    assert capsys.readouterr().out.startswith("Failed to run:")


def test_tls_option_rules_match_kea_shell(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _run(monkeypatch, ["--cert", "c.pem"], "") == 1
    assert "must be used together" in capsys.readouterr().out
    assert _run(monkeypatch, ["--cert", "c.pem", "--key", "k.pem"], "") == 1
    assert "HTTPS disabled" in capsys.readouterr().out


def test_bad_json_arguments_are_refused(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _run(monkeypatch, ["--port", "1", "x"], '"a": ') == 1
    assert "not valid JSON" in capsys.readouterr().out
