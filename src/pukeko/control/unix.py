"""The UNIX stream control socket (``control-socket``: ``socket-type`` unix, ``socket-name``).

Behaviour of Kea 2.2 (``lib/config/command_mgr.cc``, ``lib/cc/json_feed.cc``):

- A connection carries one command: bytes are read (in any number of pieces) until one complete
  JSON map or list has arrived, counting brackets outside strings; ``#``, ``//`` and ``/* */``
  comments are dropped. Anything after it is ignored. The answer is written, then the connection
  is closed.
- Text that cannot start JSON (``invalid first character x``), bad comments, or a JSON parse error
  get a result 1 answer with the reason; the server goes on.
- A connection idle for 10 s (reset on every read) gets ``Connection over control channel timed
  out`` (plus ``, discarded partial command of N bytes``) and is closed. Command processing is
  not timed.
- The socket file is guarded by ``<socket-name>.lock`` (an exclusive ``flock``): a second server
  on the same name is refused; a stale socket file left by a dead server is replaced. Both files
  are removed on stop.

Pukeko additions: a command larger than ``max_command_size`` bytes is refused with an answer
(Kea has no limit); an existing path that is not a socket is never deleted; on stop, commands
already being processed get ``stop_grace`` seconds to send their answer (so ``shutdown`` is
answered), idle connections are closed at once.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import fcntl
import logging
import os
import re
import stat
from collections.abc import Awaitable, Callable

from pukeko.control.answers import Answer, error, to_kea_json, to_kea_json_yielding
from pukeko.control.registry import log_message

READ_CHUNK = 32768  # Kea's BUF_SIZE
IDLE_TIMEOUT = 10.0  # Kea TIMEOUT_DHCP_SERVER_RECEIVE_COMMAND (ms 10000)
DEFAULT_MAX_COMMAND_SIZE = 64 * 1024 * 1024
STOP_GRACE = 5.0
MAX_SOCKET_PATH = 107  # sizeof(sockaddr_un.sun_path) - 1 on Linux (ARM "Management API")

Dispatcher = Callable[[bytes], Awaitable[Answer]]


class ControlSocketError(OSError):
    """The control socket cannot be opened (locked by another server, bad path, bind failure)."""


# -- the JSON feed (sans-I/O) -------------------------------------------------------------------

_INNER_SPECIAL = re.compile(rb'[\[\]{}"#/]')
# The next bracket, or what needs the character-level states (a string that does not end in
# this piece, a comment start), after skipping other characters and whole strings in C.
# Anchored and possessive, ending at the data's end when no token is left: linear time.
_INNER_TOKEN = re.compile(rb'(?:[^"\[\]{}#/]++|"(?:[^"\\]|\\.)*+")*+([\[\]{}"#/]|\Z)', re.DOTALL)
_OPEN, _CLOSE = frozenset(b"[{"), frozenset(b"]}")
_STRING_SPECIAL = re.compile(rb'["\\]')
_NOT_SPACE = re.compile(rb"[^ \t\r\n]")
_State = Callable[[bytes, int], int]


class JsonFeed:
    """Collects one JSON command from pieces of a byte stream, as Kea's JSONFeed does."""

    def __init__(self, max_size: int = DEFAULT_MAX_COMMAND_SIZE) -> None:
        self.max_size = max_size
        self.received = 0
        self.error = ""
        self.done = False
        self._out = bytearray()
        self._state: _State = self._before
        self._first = True
        self._depth = 0

    @property
    def finished(self) -> bool:
        """True once a whole command arrived or the input was rejected."""
        return self.done or bool(self.error)

    @property
    def text(self) -> bytes:
        """The command with comments removed (complete once :attr:`done`)."""
        return bytes(self._out)

    @property
    def partial_size(self) -> int:
        """Bytes of command text kept so far (Kea's "partial command of N bytes")."""
        return len(self._out)

    def feed(self, data: bytes) -> None:
        """Consume the next piece of the stream (ignored once finished)."""
        if self.finished:
            return
        pos = 0
        while pos < len(data) and not self.finished:
            pos = self._state(data, pos)
        self.received += len(data) if not self.finished else pos  # bytes up to the command's end
        if not self.error and self.received > self.max_size:
            self.done = False
            self.error = f"command is larger than {self.max_size} bytes"

    def _fail(self, text: str) -> int:
        self.error = text
        return 0

    # before the JSON starts: whitespace and comments
    def _before(self, data: bytes, pos: int) -> int:
        char = data[pos : pos + 1]
        first, self._first = self._first, False
        if char in (b" ", b"\t", b"\r", b"\n"):
            match = _NOT_SPACE.search(data, pos)
            return len(data) if match is None else match.start()
        if char in (b"{", b"["):
            self._out += char
            self._depth = 1
            self._state = self._inner
        elif char == b"#":
            self._state = self._before_line_comment
        elif char == b"/":
            self._state = self._before_slash
        else:
            return self._fail(f"invalid {'first ' if first else ''}character {_show(char)}")
        return pos + 1

    def _before_line_comment(self, data: bytes, pos: int) -> int:
        end = data.find(b"\n", pos)
        if end < 0:
            return len(data)
        self._state = self._before
        return end + 1

    def _before_slash(self, data: bytes, pos: int) -> int:
        return self._slash(data, pos, self._before_line_comment, self._before_block)

    def _before_block(self, data: bytes, pos: int) -> int:
        return self._block(data, pos, self._before, keep_newlines=False)

    # inside the JSON
    def _inner(self, data: bytes, pos: int) -> int:
        """Brackets counted and whole strings skipped in bulk; the rest by :meth:`_inner_char`."""
        depth = self._depth
        scan = pos
        while (match := _INNER_TOKEN.match(data, scan)) is not None and match.group(1):
            at = match.start(1)
            scan = at + 1
            char = data[at]
            if char in _OPEN:
                depth += 1
            elif char in _CLOSE:
                depth -= 1
                if depth == 0:
                    self._out += data[pos : at + 1]
                    self._depth, self.done = 0, True
                    return at + 1
            else:  # an unfinished string or a comment
                self._out += data[pos:at]
                self._depth = depth
                return self._inner_char(data, at)
        self._out += data[pos:]
        self._depth = depth
        return len(data)

    def _inner_char(self, data: bytes, pos: int) -> int:
        match = _INNER_SPECIAL.search(data, pos)
        if match is None:
            self._out += data[pos:]
            return len(data)
        at = match.start()
        self._out += data[pos:at]
        char = data[at : at + 1]
        if char in (b"{", b"["):
            self._out += char
            self._depth += 1
        elif char in (b"}", b"]"):
            self._out += char
            self._depth -= 1
            self.done = self._depth == 0
        elif char == b'"':
            self._out += char
            self._state = self._string
        elif char == b"#":
            self._state = self._line_comment
        else:
            self._state = self._slash_inner
        return at + 1

    def _string(self, data: bytes, pos: int) -> int:
        match = _STRING_SPECIAL.search(data, pos)
        if match is None:
            self._out += data[pos:]
            return len(data)
        self._out += data[pos : match.end()]
        self._state = self._inner if data[match.start()] == ord('"') else self._escape
        return match.end()

    def _escape(self, data: bytes, pos: int) -> int:
        self._out += data[pos : pos + 1]
        self._state = self._string
        return pos + 1

    def _line_comment(self, data: bytes, pos: int) -> int:
        end = data.find(b"\n", pos)
        if end < 0:
            return len(data)
        self._out += b"\n"  # keeps line numbers of parse errors right
        self._state = self._inner
        return end + 1

    def _slash_inner(self, data: bytes, pos: int) -> int:
        return self._slash(data, pos, self._line_comment, self._inner_block)

    def _inner_block(self, data: bytes, pos: int) -> int:
        return self._block(data, pos, self._inner, keep_newlines=True)

    # shared comment helpers
    def _slash(self, data: bytes, pos: int, line: _State, block: _State) -> int:
        char = data[pos : pos + 1]
        if char == b"/":
            self._state = line
        elif char == b"*":
            self._state = block
        else:
            return self._fail(f"invalid characters /{_show(char)}")
        return pos + 1

    def _block(self, data: bytes, pos: int, after: _State, *, keep_newlines: bool) -> int:
        """Inside ``/* ... */``: find the closing ``*/`` (possibly split across pieces)."""
        end = data.find(b"*/", pos)
        stop = len(data) if end < 0 else end + 2
        if keep_newlines:
            self._out += b"\n" * data.count(b"\n", pos, stop)
        if end >= 0:
            self._state = after
            return stop
        if data.endswith(b"*"):  # "*" now, maybe "/" in the next piece
            self._state = lambda d, p: self._block_star(d, p, after, keep_newlines)
        return len(data)

    def _block_star(self, data: bytes, pos: int, after: _State, keep_newlines: bool) -> int:
        if data[pos : pos + 1] == b"/":
            self._state = after
            return pos + 1
        self._state = lambda d, p: self._block(d, p, after, keep_newlines=keep_newlines)
        return pos


def _show(char: bytes) -> str:
    return char.decode("latin-1")


# -- the server ---------------------------------------------------------------------------------


class UnixControlServer:
    """Accepts control connections on a UNIX socket and answers one command per connection."""

    def __init__(
        self,
        path: str,
        dispatch: Dispatcher,
        *,
        idle_timeout: float = IDLE_TIMEOUT,
        max_command_size: int = DEFAULT_MAX_COMMAND_SIZE,
        stop_grace: float = STOP_GRACE,
        logger: logging.Logger | None = None,
    ) -> None:
        self.path = path
        self.dispatch = dispatch
        self.idle_timeout = idle_timeout
        self.max_command_size = max_command_size
        self.stop_grace = stop_grace
        self.log = logger or logging.getLogger("kea-dhcp6.commands")
        self._server: asyncio.AbstractServer | None = None
        self._lock_fd = -1
        self._idle: set[asyncio.Task[None]] = set()
        self._busy: set[asyncio.Task[None]] = set()

    @property
    def lock_path(self) -> str:
        """Kea's lock file beside the socket."""
        return self.path + ".lock"

    @property
    def serving(self) -> bool:
        """True between :meth:`start` and :meth:`stop`."""
        return self._server is not None

    async def start(self) -> None:
        """Take the lock, replace a stale socket file, and start accepting connections."""
        if self._server is not None:
            return
        if len(os.fsencode(self.path)) > MAX_SOCKET_PATH:
            raise ControlSocketError(
                errno.ENAMETOOLONG,
                f"socket-name '{self.path}' is longer than {MAX_SOCKET_PATH} characters",
            )
        self._lock_fd = _take_lock(self.lock_path)
        try:
            _remove_stale_socket(self.path)
            self._server = await asyncio.start_unix_server(self._serve, path=self.path)
        except OSError as exc:
            self._release_lock()
            if isinstance(exc, ControlSocketError):
                raise
            raise ControlSocketError(exc.errno, f"cannot open {self.path}: {exc.strerror}") from exc
        log_message(
            self.log,
            logging.INFO,
            "COMMAND_ACCEPTOR_START",
            f"Starting to accept connections via unix domain socket bound to {self.path}",
        )

    async def stop(self) -> None:
        """Stop accepting, close idle connections, let busy ones answer, remove the files."""
        server, self._server = self._server, None
        if server is None:
            return
        server.close()
        with contextlib.suppress(FileNotFoundError):
            os.unlink(self.path)
        with contextlib.suppress(FileNotFoundError):
            os.unlink(self.lock_path)
        self._release_lock()
        for task in list(self._idle):
            task.cancel()
        busy = list(self._busy)
        if busy:
            _done, pending = await asyncio.wait(busy, timeout=self.stop_grace)
            for task in pending:
                task.cancel()
        remaining = list(self._idle | self._busy)
        if remaining:
            await asyncio.wait(remaining, timeout=1.0)
        with contextlib.suppress(Exception):
            await asyncio.wait_for(server.wait_closed(), timeout=1.0)

    def _release_lock(self) -> None:
        if self._lock_fd >= 0:
            os.close(self._lock_fd)  # closing the descriptor releases the flock
            self._lock_fd = -1

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._idle.add(task)
        try:
            reply = await self._receive_and_answer(reader, task)
            if reply is not None:
                writer.write(reply.encode("ascii"))
                await asyncio.wait_for(writer.drain(), self.idle_timeout)
        except (OSError, TimeoutError) as exc:
            log_message(self.log, logging.ERROR, "COMMAND_SOCKET_WRITE_FAIL", str(exc))
        except Exception as exc:  # a bug here must cost one connection, never the server
            log_message(self.log, logging.ERROR, "COMMAND_PROCESS_ERROR1", repr(exc))
        finally:
            self._idle.discard(task)
            self._busy.discard(task)
            writer.close()
            with contextlib.suppress(Exception):
                await writer.wait_closed()

    async def _receive_and_answer(
        self, reader: asyncio.StreamReader, task: asyncio.Task[None]
    ) -> str | None:
        """Read one command and return the answer text; None when the client went away."""
        feed = JsonFeed(self.max_command_size)
        while not feed.finished:
            try:
                data = await asyncio.wait_for(reader.read(READ_CHUNK), self.idle_timeout)
            except TimeoutError:
                return to_kea_json(error(_timeout_text(feed)))
            if not data:
                log_message(
                    self.log,
                    logging.INFO,
                    "COMMAND_SOCKET_CLOSED_BY_FOREIGN_HOST",
                    _closed_text(feed),
                )
                return None
            feed.feed(data)
        if feed.error:
            log_message(self.log, logging.WARNING, "COMMAND_PROCESS_ERROR1", feed.error)
            return to_kea_json(error(feed.error))
        self._idle.discard(task)
        self._busy.add(task)
        try:
            result = await self.dispatch(feed.text)
            return await to_kea_json_yielding(result)
        except Exception as exc:  # the dispatcher should never raise; never let it crash us
            log_message(self.log, logging.ERROR, "COMMAND_PROCESS_ERROR1", str(exc))
            return to_kea_json(error("internal server error: no response generated"))


def _timeout_text(feed: JsonFeed) -> str:
    text = "Connection over control channel timed out"
    if feed.partial_size:
        text += f", discarded partial command of {feed.partial_size} bytes"
    return text


def _closed_text(feed: JsonFeed) -> str:
    if feed.partial_size:
        return f"discarding partial command of {feed.partial_size} bytes"
    return "no input data to discard"


def _take_lock(lock_path: str) -> int:
    """Open and exclusively lock ``<socket>.lock``; refuse when another server holds it."""
    try:
        fd = os.open(lock_path, os.O_RDONLY | os.O_CREAT, 0o600)
    except OSError as exc:
        raise ControlSocketError(
            exc.errno, f"cannot create socket lockfile, {lock_path}, : {exc.strerror}"
        ) from exc
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError as exc:
        os.close(fd)
        raise ControlSocketError(
            exc.errno, f"cannot lock socket lockfile, {lock_path}, : {exc.strerror}"
        ) from exc
    return fd


def _remove_stale_socket(path: str) -> None:
    """Remove a socket file left behind (we hold the lock, so nobody serves it); keep others."""
    try:
        mode = os.lstat(path).st_mode
    except FileNotFoundError:
        return
    if not stat.S_ISSOCK(mode):
        raise ControlSocketError(errno.EEXIST, f"{path} exists and is not a socket")
    os.unlink(path)
