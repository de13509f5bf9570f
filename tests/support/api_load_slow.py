"""Slow management API clients: they connect and then send nothing, or dribble a request.

Each ``SlowClient`` is a thread holding one connection open as long as the server lets it, for
at most ``deadline`` seconds: it reads whatever the server sends and, when dribbling, sends one
byte of its request every ``pace`` seconds. It records what it received and when the server
closed the connection (``closed_after``, None when the deadline came first). A server with
request timeouts cuts every one of them off; it must keep serving everyone else meanwhile.
"""

from __future__ import annotations

import select
import socket
import threading
import time
from collections.abc import Callable
from pathlib import Path

from tests.support.api_load_clients import connect_tcp

Connect = Callable[[], socket.socket]

# A command that never completes: an HTTP request whose body stops short of its length ...
BODY = b'{"command": "status-get"}'
SLOW_BODY_HEAD = (
    b"POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
    b"Content-Length: " + str(len(BODY) + 1000).encode() + b"\r\n\r\n"
)
# ... and request headers that never end (one byte at a time, "slowloris").
SLOW_HEADERS = b"POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: " + b"a" * 1000


class SlowClient(threading.Thread):
    """One connection that sends ``first`` at once, then ``dribble`` one byte per ``pace``."""

    def __init__(
        self,
        label: str,
        connect: Connect,
        *,
        first: bytes = b"",
        dribble: bytes = b"",
        pace: float = 0.5,
        deadline: float = 15.0,
    ) -> None:
        super().__init__(name=label, daemon=True)
        self.label = label
        self.connect = connect
        self.first = first
        self.dribble = dribble
        self.pace = pace
        self.deadline = deadline
        self.received = b""
        self.sent = 0
        self.connected = threading.Event()
        self.closed_after: float | None = None
        self.error = ""

    def run(self) -> None:
        """Hold the connection until the server closes it or the deadline passes."""
        started = time.monotonic()
        try:
            sock = self.connect()
        except OSError as exc:
            self.error = f"cannot connect: {exc!r}"
            self.connected.set()
            return
        self.connected.set()
        with sock:
            sock.setblocking(False)
            if self._hold(sock, started):
                self.closed_after = time.monotonic() - started

    def _hold(self, sock: socket.socket, started: float) -> bool:
        """True when the server closed the connection before the deadline."""
        try:
            if self.first:
                sock.sendall(self.first)
            while (left := started + self.deadline - time.monotonic()) > 0:
                readable, _, _ = select.select([sock], [], [], min(self.pace, left))
                if readable:
                    chunk = sock.recv(65536)
                    if not chunk:
                        return True
                    self.received += chunk
                elif self.sent < len(self.dribble):
                    sock.send(self.dribble[self.sent : self.sent + 1])
                    self.sent += 1
        except OSError:  # reset or broken pipe: the server dropped us
            return True
        return False

    @property
    def cut_off(self) -> bool:
        """True when the server closed the connection."""
        return self.closed_after is not None


def http_connect(namespace: str | None, address: str, port: int) -> Connect:
    """A ``connect`` for a TCP listener reached from inside ``namespace``."""
    return lambda: connect_tcp(namespace, address, port, timeout=5.0)


def unix_connect(path: Path | str) -> Connect:
    """A ``connect`` for a UNIX control socket."""

    def connect() -> socket.socket:
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            sock.connect(str(path))
        except OSError:
            sock.close()
            raise
        return sock

    return connect


def slow_clients(
    namespace: str, address: str, port: int, unix_path: Path | str, deadline: float
) -> list[SlowClient]:
    """The four slow clients: HTTP silent, HTTP slow headers, HTTP slow body, UNIX partial."""
    http = http_connect(namespace, address, port)
    return [
        SlowClient("http-silent", http, deadline=deadline),
        SlowClient("http-slow-headers", http, dribble=SLOW_HEADERS, deadline=deadline),
        SlowClient(
            "http-slow-body",
            http,
            first=SLOW_BODY_HEAD + BODY,
            dribble=b" " * 999,
            deadline=deadline,
        ),
        SlowClient(
            "unix-partial", unix_connect(unix_path), first=b'{"command": "sta', deadline=deadline
        ),
    ]
