"""Every management command answers garbage arguments with a Kea answer, never a crash.

The parity table's steps (tests/unit/control/test_channels_parity.py) are the seeds: hypothesis
replaces, removes, adds or nests random JSON into their arguments (or replaces them whole) and
sends them to one in-process daemon with every hook library loaded. Each answer must be a map
with a result of 0-3 and a text, and no handler may have raised (the registry turns a raised
exception into result 1, and logs it at ERROR with its trace: that log is what this test
watches).
Commands that write files at a path they are given are left out (config-write, lease6-write).
"""

from __future__ import annotations

import asyncio
import json
import logging
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.support.control_daemon6 import new_daemon
from tests.unit.control.test_channels_parity import STEPS, config

from pukeko.io.daemon6 import Daemon6

WRITES_FILES = frozenset({"config-write", "lease6-write"})
SEEDS = [
    (step.command, step.arguments)
    for step in STEPS
    if step.command not in WRITES_FILES and not callable(step.arguments)
]
COMMANDS = sorted({command for command, _ in SEEDS})

JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=12)
    | st.sampled_from(["", "2001:db8:1::20", "01:02:03", "all", "delete", "keep", "1"]),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner),
    max_leaves=12,
)


@st.composite
def mutated(draw: st.DrawFn) -> tuple[str, Any]:
    """A seed command with its arguments damaged one way or another."""
    command, arguments = draw(st.sampled_from(SEEDS))
    if draw(st.booleans()) or not isinstance(arguments, dict) or not arguments:
        return draw(st.sampled_from([command, *COMMANDS])), draw(JSON)
    changed = json.loads(json.dumps(arguments))
    key = draw(st.sampled_from(sorted(changed)))
    how = draw(st.sampled_from(["replace", "remove", "add", "nest"]))
    if how == "replace":
        changed[key] = draw(JSON)
    elif how == "remove":
        del changed[key]
    elif how == "add":
        changed[draw(st.text(max_size=12))] = draw(JSON)
    else:
        changed[key] = [changed[key], draw(JSON)] if draw(st.booleans()) else {key: changed[key]}
    return command, changed


class DaemonThread:
    """One daemon on an event loop of its own thread; commands sent from the test's thread."""

    def __init__(self, directory: Path) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        path = directory / "pukeko-dhcp6.conf"
        path.write_text(json.dumps(config(directory)))

        async def make() -> Daemon6:
            daemon = new_daemon(path, directory)
            await daemon.start()
            return daemon

        self.daemon = self.call(make())

    def call(self, work: Any) -> Any:
        return asyncio.run_coroutine_threadsafe(work, self.loop).result(timeout=30)

    def send(self, command: str, arguments: Any) -> Any:
        message: dict[str, Any] = {"command": command}
        if arguments is not None:
            message["arguments"] = arguments
        return self.call(self.daemon.registry.dispatch(message, self.daemon.context))

    def close(self) -> None:
        self.call(self.daemon.stop())
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(timeout=10)
        self.loop.close()


class Crashes(logging.Handler):
    """Collects what the registry logs when a handler raised something unexpected (an ERROR
    with the exception attached; a CommandError is a WARNING without one)."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.exc_info:
            self.lines.append(record.getMessage())


@pytest.fixture(scope="module")
def running() -> Iterator[tuple[DaemonThread, Crashes]]:
    with tempfile.TemporaryDirectory(prefix="pk-rb-") as name:
        daemon = DaemonThread(Path(name))
        crashes = Crashes()
        daemon.daemon.registry.log.addHandler(crashes)
        try:
            yield daemon, crashes
        finally:
            daemon.daemon.registry.log.removeHandler(crashes)
            daemon.close()


@settings(
    max_examples=600,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(mutated())
def test_damaged_arguments_get_an_answer(
    running: tuple[DaemonThread, Crashes], case: tuple[str, Any]
) -> None:
    daemon, crashes = running
    command, arguments = case
    before = len(crashes.lines)
    answer = daemon.send(command, arguments)
    assert isinstance(answer, dict) and answer.get("result") in (0, 1, 2, 3), answer
    assert isinstance(answer.get("text", ""), str), answer
    assert len(crashes.lines) == before, f"{command} {arguments!r:.300}: {crashes.lines[-1]}"


def test_the_daemon_still_serves_afterwards(running: tuple[DaemonThread, Crashes]) -> None:
    daemon, _ = running
    assert daemon.send("status-get", None)["result"] == 0
