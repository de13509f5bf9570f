"""``pukeko-shell``: send one management command, like Kea's ``kea-shell``.

Same options as ``kea-shell`` (``--host``, ``--port``, ``--path``, ``--ca``, ``--cert``, ``--key``,
``--timeout``, ``--service``, ``--auth-user``, ``--auth-password``, Kea 3's
``--auth-password-file``, ``-v``, the command, and the arguments read from standard input), plus
``--socket PATH`` to talk to a daemon's UNIX control socket directly. Arguments on stdin may be the
inside of a JSON map (what ``kea-shell`` expects, e.g. ``"ip-address": "192.0.2.1"``) or a whole
JSON object. ``--auth-password-file`` reads the password as the whole file content, byte for byte,
as Kea's servers read a ``password-file`` (so one file serves both sides). An HTTP error status
(401, 400, ...) prints ``Failed to run: HTTP Error 401: Unauthorized`` and exits 1, as kea-shell.
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import socket
import ssl
import sys
import urllib.error
import urllib.request
from typing import Any

import pukeko

UNIX_READ_CHUNK = 65536


def build_parser() -> argparse.ArgumentParser:
    """The command line of kea-shell, with --socket added."""
    parser = argparse.ArgumentParser(
        prog="pukeko-shell",
        description="Text client for the Pukeko (and Kea) management API.",
    )
    parser.add_argument("--host", default="127.0.0.1", help="host to connect to")
    parser.add_argument("--port", type=int, default=8000, help="TCP port (default: 8000)")
    parser.add_argument("--path", default="", help='path of the URL (default: "")')
    parser.add_argument("--ca", default="", help="CA file or directory; enables HTTPS")
    parser.add_argument("--cert", default="", help="client certificate file")
    parser.add_argument("--key", default="", help="client private key file")
    parser.add_argument("--timeout", type=int, default=10, help="timeout in seconds")
    parser.add_argument("--service", nargs="?", action="append", help="target service")
    parser.add_argument("--auth-user", default="", help="basic HTTP authentication user")
    parser.add_argument("--auth-password", default="", help="basic HTTP authentication password")
    parser.add_argument(
        "--auth-password-file", default="", help="file holding the basic authentication password"
    )
    parser.add_argument("--socket", default="", help="UNIX control socket path (instead of HTTP)")
    parser.add_argument("command", nargs="?", default="list-commands", help="command to run")
    parser.add_argument("-v", action="store_true", help="print version")
    return parser


def parse_arguments(text: str) -> Any:
    """Command arguments from stdin text: a JSON object, or the inside of one (kea-shell style)."""
    text = text.strip()
    if not text:
        return None
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        return json.loads("{" + text + "}")


def build_command(
    command: str, services: list[str | None] | None, arguments: Any
) -> dict[str, Any]:
    """The JSON command object sent to the server."""
    body: dict[str, Any] = {"command": command}
    chosen = [s for s in (services or []) if s]
    if chosen:
        body["service"] = chosen
    if arguments is not None:
        body["arguments"] = arguments
    return body


def send_http(opts: argparse.Namespace, body: bytes) -> str:
    """POST the command over HTTP(S) and return the response text."""
    scheme = "https" if opts.ca else "http"
    host = f"[{opts.host}]" if ":" in opts.host and not opts.host.startswith("[") else opts.host
    url = f"{scheme}://{host}:{opts.port}/{opts.path.lstrip('/')}"
    headers = {
        "User-Agent": f"Pukeko-shell/{pukeko.__version__}",
        "Accept": "*/*",
        "Content-Type": "application/json",
    }
    if opts.auth_user:
        password = read_password_file(opts.auth_password_file) or opts.auth_password
        secret = f"{opts.auth_user}:{password}".encode()
        headers["Authorization"] = "Basic " + base64.b64encode(secret).decode("ascii")
    context = None
    if opts.ca:
        context = ssl.create_default_context(ssl.Purpose.SERVER_AUTH)
        if os.path.isdir(opts.ca):
            context.load_verify_locations(capath=opts.ca)
        else:
            context.load_verify_locations(cafile=opts.ca)
        if opts.cert:
            context.load_cert_chain(opts.cert, opts.key)
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    with urllib.request.urlopen(request, timeout=opts.timeout, context=context) as response:
        return str(response.read().decode("utf-8"))


def send_unix(path: str, body: bytes, timeout: float) -> str:
    """Send the command over a UNIX stream socket and read the answer until the server closes."""
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
        sock.settimeout(timeout)
        sock.connect(path)
        sock.sendall(body)
        chunks = []
        while chunk := sock.recv(UNIX_READ_CHUNK):
            chunks.append(chunk)
            if _complete_json(b"".join(chunks)):
                break
    return b"".join(chunks).decode("utf-8")


def _complete_json(data: bytes) -> bool:
    try:
        json.loads(data)
    except ValueError:
        return False
    return True


def read_password_file(path: str) -> str:
    """The whole content of ``--auth-password-file`` ('' when not given); OSError if unreadable."""
    if not path:
        return ""
    with open(path, encoding="utf-8", newline="") as handle:  # no newline translation
        return handle.read()


def check_tls_options(opts: argparse.Namespace) -> str:
    """Kea-shell's rules for --cert/--key/--ca (and the password options); an error text or ''."""
    if opts.auth_password and opts.auth_password_file:
        return "--auth-password and --auth-password-file are mutually exclusive"
    if bool(opts.cert) != bool(opts.key):
        return "--cert and --key must be used together"
    if opts.cert and not opts.ca:
        return "--cert and --key with HTTPS disabled (no --ca)"
    return ""


def main(argv: list[str] | None = None) -> int:
    """Run one command; print the server's answer. Exit 0 on a delivered command, 1 otherwise."""
    opts = build_parser().parse_args(argv)
    if opts.v:
        print(pukeko.__version__)
        return 0
    problem = check_tls_options(opts)
    if problem:
        print(problem)
        return 1
    try:
        arguments = parse_arguments(sys.stdin.read() if not sys.stdin.isatty() else "")
    except json.JSONDecodeError as exc:
        print(f"Failed to run: arguments on stdin are not valid JSON: {exc}")
        return 1
    body = json.dumps(build_command(opts.command, opts.service, arguments)).encode()
    try:
        if opts.socket:
            answer = send_unix(opts.socket, body, opts.timeout)
        else:
            answer = send_http(opts, body)
    except (OSError, urllib.error.URLError, ValueError) as exc:
        print(f"Failed to run: {exc}")
        return 1
    print(answer)
    return 0


if __name__ == "__main__":
    sys.exit(main())
