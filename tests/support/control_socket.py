"""Send one command to a server's UNIX control socket (Kea 2.2 or Pukeko) and read the answer.

Both servers take ``{"command": ..., "arguments": ...}`` on a ``control-socket`` of type
``unix`` and answer one JSON map (Kea closes the connection after it; the answer is read until
it parses or the connection closes). A path socket works across network namespaces, so the
test process talks to a server running inside one.
"""

from __future__ import annotations

import json
import socket
import time
from pathlib import Path
from typing import Any


class ControlSocketError(RuntimeError):
    """The socket did not answer with a JSON map in time."""


def send_command(
    path: Path | str,
    command: str,
    arguments: dict[str, Any] | None = None,
    timeout: float = 15.0,
) -> dict[str, Any]:
    """The answer map of ``command`` (the first one when the server answers a list)."""
    request: dict[str, Any] = {"command": command}
    if arguments is not None:
        request["arguments"] = arguments
    deadline = time.monotonic() + timeout
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
        sock.settimeout(timeout)
        sock.connect(str(path))
        sock.sendall(json.dumps(request).encode())
        data = b""
        while time.monotonic() < deadline:
            chunk = sock.recv(65536)
            data += chunk
            answer = _parsed(data)
            if answer is not None:
                return answer
            if not chunk:
                break
    raise ControlSocketError(f"no answer to {command} on {path}: {data[:400]!r}")


def _parsed(data: bytes) -> dict[str, Any] | None:
    try:
        value = json.loads(data)
    except ValueError:
        return None
    if isinstance(value, list) and value:
        value = value[0]
    return value if isinstance(value, dict) else None


def config_set(path: Path | str, config: dict[str, Any], timeout: float = 20.0) -> None:
    """Apply ``config`` (a ``{"Dhcp6": ...}`` map) with ``config-set``; error unless result 0."""
    answer = send_command(path, "config-set", config, timeout)
    if answer.get("result") != 0:
        raise ControlSocketError(f"config-set refused: {answer}")
