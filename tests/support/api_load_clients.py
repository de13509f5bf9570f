"""Concurrent management API clients for load tests: HTTP keep-alive and UNIX socket workers.

``HttpCommandClient`` speaks HTTP/1.1 with keep-alive to a daemon's HTTP control listener (its
socket is created inside a network namespace, so the listener may sit on the loopback of the
server's namespace); ``unix_command`` sends one command on a UNIX control socket and reads the
answer until the server closes the connection (Kea and Pukeko both close after the answer).
``ApiWorker`` loops a bounded number of times over a command mix (``COMMAND_MIX``), recording
each command's latency and every answer that is not well-formed or has an unexpected result
code. ``summarise`` turns the workers' samples into requests/s and p50/p99 latency.
"""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.support.netns_enter import entered

READ_CHUNK = 1 << 20
Send = Callable[[str, dict[str, Any] | None], dict[str, Any]]


class ApiError(RuntimeError):
    """An answer that is not a well-formed command answer (or no answer at all)."""


def answer_map(value: Any, *, http: bool) -> dict[str, Any]:
    """The command answer map of a decoded body; ApiError unless well-formed.

    Over HTTP the answer is a one-element list (Control Agent style); over a UNIX socket it
    is the map itself. A well-formed answer has an integer ``result`` and, when present, a
    string ``text`` and a map or list ``arguments``.
    """
    if http:
        if not (isinstance(value, list) and len(value) == 1):
            raise ApiError(f"HTTP answer is not a one-element list: {str(value)[:200]}")
        value = value[0]
    if not isinstance(value, dict) or not isinstance(value.get("result"), int):
        raise ApiError(f"answer has no integer result: {str(value)[:200]}")
    if "text" in value and not isinstance(value["text"], str):
        raise ApiError(f"answer text is not a string: {str(value)[:200]}")
    if "arguments" in value and not isinstance(value["arguments"], dict | list):
        raise ApiError(f"answer arguments are not a map or list: {str(value)[:200]}")
    return value


def _request(name: str, arguments: dict[str, Any] | None) -> bytes:
    command: dict[str, Any] = {"command": name}
    if arguments is not None:
        command["arguments"] = arguments
    return json.dumps(command).encode()


def unix_command(
    path: Path | str, name: str, arguments: dict[str, Any] | None = None, timeout: float = 30.0
) -> dict[str, Any]:
    """One command on a UNIX control socket; the answer read until the server closes."""
    deadline = time.monotonic() + timeout
    chunks: list[bytes] = []
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
        sock.settimeout(timeout)
        sock.connect(str(path))
        sock.sendall(_request(name, arguments))
        while time.monotonic() < deadline:
            chunk = sock.recv(READ_CHUNK)
            if not chunk:
                break
            chunks.append(chunk)
    try:
        value = json.loads(b"".join(chunks))
    except ValueError as exc:
        raise ApiError(f"{name}: answer is not JSON ({exc}): {b''.join(chunks)[:200]!r}") from exc
    return answer_map(value, http=False)


def connect_tcp(namespace: str | None, address: str, port: int, timeout: float) -> socket.socket:
    """A TCP connection to ``address``/``port`` made from inside ``namespace`` (None: here)."""

    def make() -> socket.socket:
        return socket.create_connection((address, port), timeout=timeout)

    if namespace is None:
        return make()
    with entered(namespace):
        return make()


class HttpCommandClient:
    """An HTTP/1.1 keep-alive client for one control listener (reconnects when closed)."""

    def __init__(
        self, namespace: str | None, address: str, port: int, timeout: float = 30.0
    ) -> None:
        self.namespace = namespace
        self.address = address
        self.port = port
        self.timeout = timeout
        self.connections = 0
        self._sock: socket.socket | None = None
        self._buffer = b""

    def close(self) -> None:
        """Close the connection (the next command opens a new one)."""
        if self._sock is not None:
            self._sock.close()
        self._sock = None
        self._buffer = b""

    def command(self, name: str, arguments: dict[str, Any] | None = None) -> dict[str, Any]:
        """Send one command; its answer map (ApiError when malformed or not HTTP 200)."""
        if self._sock is None:
            self._sock = connect_tcp(self.namespace, self.address, self.port, self.timeout)
            self.connections += 1
        body = _request(name, arguments)
        head = (
            f"POST / HTTP/1.1\r\nHost: {self.address}\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\nConnection: keep-alive\r\n\r\n"
        )
        try:
            self._sock.sendall(head.encode() + body)
            status, headers, payload = self._response()
        except (OSError, ApiError):
            self.close()
            raise
        if headers.get("connection", "").lower() == "close":
            self.close()
        if status != 200:
            raise ApiError(f"{name}: HTTP status {status}: {payload[:200]!r}")
        try:
            value = json.loads(payload)
        except ValueError as exc:
            raise ApiError(f"{name}: body is not JSON ({exc})") from exc
        return answer_map(value, http=True)

    def _response(self) -> tuple[int, dict[str, str], bytes]:
        while b"\r\n\r\n" not in self._buffer:
            self._fill()
        head, _, self._buffer = self._buffer.partition(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        parts = lines[0].split(" ", 2)
        if len(parts) < 2 or not parts[1].isdigit():
            raise ApiError(f"bad status line {lines[0]!r}")
        headers = {}
        for line in lines[1:]:
            key, _, value = line.partition(":")
            headers[key.strip().lower()] = value.strip()
        length = int(headers.get("content-length", "-1"))
        if length < 0:
            raise ApiError("answer without Content-Length")
        while len(self._buffer) < length:
            self._fill()
        payload, self._buffer = self._buffer[:length], self._buffer[length:]
        return int(parts[1]), headers, payload

    def _fill(self) -> None:
        assert self._sock is not None
        chunk = self._sock.recv(READ_CHUNK)
        if not chunk:
            raise ApiError("connection closed before the whole answer arrived")
        self._buffer += chunk


# -- the command mix ----------------------------------------------------------------------------


@dataclass(frozen=True)
class MixEntry:
    """One command of the mix: its name, how to make its arguments, accepted result codes."""

    name: str
    arguments: Callable[[WorkerState], dict[str, Any] | None]
    results: frozenset[int]


@dataclass
class WorkerState:
    """What a worker learnt from earlier answers (an address a lease6-get may ask for)."""

    address: str


def _no_arguments(_state: WorkerState) -> dict[str, Any] | None:
    return None


def _by_address(state: WorkerState) -> dict[str, Any] | None:
    return {"ip-address": state.address}


# result 3 ("empty"): no lease yet, or the address asked for is not leased (Kea's codes)
COMMAND_MIX: tuple[MixEntry, ...] = (
    MixEntry("statistic-get-all", _no_arguments, frozenset({0})),
    MixEntry("lease6-get-all", _no_arguments, frozenset({0, 3})),
    MixEntry("lease6-get", _by_address, frozenset({0, 3})),
    MixEntry("config-get", _no_arguments, frozenset({0})),
    MixEntry("status-get", _no_arguments, frozenset({0})),
)
SUBNET_LIST = MixEntry("subnet6-list", _no_arguments, frozenset({0}))


@dataclass(frozen=True)
class Sample:
    """One command sent: its name, result code (-1: failed), and latency in seconds."""

    name: str
    result: int
    seconds: float


class ApiWorker(threading.Thread):
    """Loops ``loops`` times over ``mix`` (or until ``stop`` is set), sending through ``send``."""

    def __init__(
        self,
        label: str,
        send: Send,
        *,
        mix: Sequence[MixEntry] = COMMAND_MIX,
        loops: int = 10,
        stop: threading.Event | None = None,
        first_address: str = "2001:db8:1::1:0:0",
    ) -> None:
        super().__init__(name=label, daemon=True)
        self.label = label
        self.send = send
        self.mix = tuple(mix)
        self.loops = loops
        self.stop = stop or threading.Event()
        self.state = WorkerState(first_address)
        self.samples: list[Sample] = []
        self.problems: list[str] = []
        self.started_at = 0.0
        self.finished_at = 0.0

    def run(self) -> None:
        """Send the mix ``loops`` times; every failure is recorded, none stops the worker."""
        self.started_at = time.monotonic()
        try:
            for _ in range(self.loops):
                for entry in self.mix:
                    if self.stop.is_set():
                        return
                    self._one(entry)
        finally:
            self.finished_at = time.monotonic()

    def _one(self, entry: MixEntry) -> None:
        started = time.monotonic()
        try:
            answer = self.send(entry.name, entry.arguments(self.state))
        except (OSError, ApiError) as exc:
            self.samples.append(Sample(entry.name, -1, time.monotonic() - started))
            self.problems.append(f"{self.label} {entry.name}: {exc!r}")
            return
        self.samples.append(Sample(entry.name, answer["result"], time.monotonic() - started))
        if answer["result"] not in entry.results:
            self.problems.append(f"{self.label} {entry.name}: unexpected answer {answer}")
        elif entry.name == "lease6-get-all":
            self._remember_address(answer)

    def _remember_address(self, answer: dict[str, Any]) -> None:
        leases = answer.get("arguments", {}).get("leases") or []
        if leases and isinstance(leases[-1], dict) and "ip-address" in leases[-1]:
            self.state.address = str(leases[-1]["ip-address"])


def http_sender(client: HttpCommandClient) -> Send:
    """A worker's ``send`` over one keep-alive HTTP connection."""
    return client.command


def unix_sender(path: Path | str, timeout: float = 30.0) -> Send:
    """A worker's ``send`` over the UNIX socket (one connection per command)."""

    def send(name: str, arguments: dict[str, Any] | None) -> dict[str, Any]:
        return unix_command(path, name, arguments, timeout)

    return send


# -- summary ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ApiSummary:
    """Requests, failures, throughput and latency percentiles of a set of workers."""

    requests: int
    failures: int
    seconds: float
    p50_ms: float
    p99_ms: float
    max_ms: float
    by_command: dict[str, int]

    @property
    def per_second(self) -> float:
        """Requests answered per second over the workers' span."""
        return self.requests / self.seconds if self.seconds > 0 else 0.0


def percentile(values: Sequence[float], fraction: float) -> float:
    """The nearest-rank percentile of ``values`` (0.0 when empty)."""
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = max(0, min(len(ordered) - 1, round(fraction * len(ordered) + 0.5) - 1))
    return ordered[rank]


def summarise(workers: Sequence[ApiWorker]) -> ApiSummary:
    """The summary of every sample the workers took."""
    samples = [s for w in workers for s in w.samples]
    latencies = [s.seconds * 1000 for s in samples]
    started = min((w.started_at for w in workers if w.started_at), default=0.0)
    finished = max((w.finished_at for w in workers), default=0.0)
    counts: dict[str, int] = {}
    for s in samples:
        counts[s.name] = counts.get(s.name, 0) + 1
    return ApiSummary(
        requests=len(samples),
        failures=sum(1 for w in workers for _ in w.problems),
        seconds=max(0.0, finished - started),
        p50_ms=percentile(latencies, 0.50),
        p99_ms=percentile(latencies, 0.99),
        max_ms=max(latencies, default=0.0),
        by_command=counts,
    )
