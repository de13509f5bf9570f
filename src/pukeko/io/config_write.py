"""Writing the running configuration to a file: ``config-write`` and the automatic write.

The file is what ``config-get`` shows (every runtime change included: reservations, subnets,
classes added or removed by command) as JSON, so the daemon loads it back unchanged at the next
start. It is written atomically: a temporary file in the same directory, written and
``fsync``'d, renamed over the target, then the directory ``fsync``'d so the rename itself is
durable. A crash at any point leaves either the old file or the new one, never a mix. An
existing file keeps its permission bits; a new one is created readable by its owner only
(configurations may hold database and control-socket passwords).

Automatic write (Pukeko's, beyond Kea): with ``"user-context": {"pukeko-auto-write-config":
true}`` at the top of ``Dhcp6`` (a place Kea accepts and ignores, so the file still loads in
Kea), every change a command makes to the configuration (reservation, subnet, shared-network
and class commands, ``config-set``) is written to the file the daemon was started with before
the command answers. The write comes first: when it fails the change is refused and nothing
changes, so an accepted change is never lost by a restart.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import stat
import tempfile
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from pukeko.config.model import Config

AUTO_WRITE_KEY = "pukeko-auto-write-config"
NEW_FILE_MODE = 0o600


def auto_write_enabled(config: Config) -> bool:
    """True when the configuration asks for every accepted change to be written."""
    context = config.user_context
    return context is not None and context.get(AUTO_WRITE_KEY) is True


def config_file_bytes(document: dict[str, Any]) -> bytes:
    """A configuration document as the file's bytes (indented JSON, one trailing newline)."""
    return (json.dumps(document, indent=4) + "\n").encode("utf-8")


def write_atomically(path: str, data: bytes) -> None:
    """Replace ``path`` with ``data``: temp file in the same directory, fsync, rename, fsync
    of the directory. OSError (nothing changed) on failure. A symbolic link is followed: the
    file it names is replaced, the link stays."""
    path = os.path.realpath(path)
    directory = os.path.dirname(path)
    mode = _mode_of(path)
    handle, temporary = tempfile.mkstemp(
        prefix=f".{os.path.basename(path)}.", suffix=".tmp", dir=directory
    )
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fchmod(out.fileno(), mode)
            os.fsync(out.fileno())
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
    fsync_directory(directory)


def _mode_of(path: str) -> int:
    """The permission bits to give the new file: the old file's, or owner-only."""
    try:
        return stat.S_IMODE(os.stat(path).st_mode)
    except FileNotFoundError:
        return NEW_FILE_MODE


def fsync_directory(directory: str) -> None:
    """Make a rename in ``directory`` durable (where the platform can)."""
    flags = os.O_RDONLY | getattr(os, "O_DIRECTORY", 0)
    fd = os.open(directory, flags)
    try:
        os.fsync(fd)
    except OSError:  # some file systems refuse fsync on a directory; the rename still stands
        pass
    finally:
        os.close(fd)


def write_config_file(path: str, document: dict[str, Any]) -> int:
    """Write a configuration document to ``path`` atomically; the size written."""
    data = config_file_bytes(document)
    write_atomically(path, data)
    return len(data)


LogFn = Callable[[str, str, str], None]  # (severity, message ID, text)


async def apply_persisted(
    path: str,
    config: Config,
    document: Callable[[], dict[str, Any]],
    apply: Callable[[], Awaitable[Sequence[str]]],
    log: LogFn,
    prefix: str = "DHCP6",
) -> list[str]:
    """Apply a configuration change, writing it to ``path`` first when ``config`` (the one
    about to run) asks for it; the errors or [].

    A failed write refuses the change (nothing applied). When the change itself then fails,
    the file's previous bytes are put back.
    """
    if not path or not auto_write_enabled(config):
        return list(await apply())
    # Rendering a large configuration takes a while: off the event loop, as the write is.
    data = await asyncio.to_thread(lambda: config_file_bytes(document()))
    try:
        previous = await asyncio.to_thread(_read_or_none, path)
        await asyncio.to_thread(write_atomically, path, data)
    except OSError as exc:
        text = f"cannot write the configuration file {path}: {exc.strerror or exc}"
        log("ERROR", f"{prefix}_CONFIG_AUTO_WRITE_FAIL", text)
        return [f"{text}; the change is not applied"]
    errors = list(await apply())
    if errors:
        await _restore(path, previous, log, prefix)
        return errors
    log(
        "INFO",
        f"{prefix}_CONFIG_AUTO_WRITE",
        f"configuration written to {path} ({len(data)} bytes)",
    )
    return []


def _read_or_none(path: str) -> bytes | None:
    try:
        with open(path, "rb") as handle:
            return handle.read()
    except FileNotFoundError:
        return None


async def _restore(path: str, previous: bytes | None, log: LogFn, prefix: str) -> None:
    """Put the file back as it was before a change that was then refused."""
    try:
        if previous is None:
            await asyncio.to_thread(os.unlink, path)
        else:
            await asyncio.to_thread(write_atomically, path, previous)
    except OSError as exc:
        text = f"cannot restore the configuration file {path}: {exc.strerror or exc}"
        log("ERROR", f"{prefix}_CONFIG_AUTO_WRITE_FAIL", text)
