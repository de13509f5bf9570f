"""The UNIX control socket: Kea's framing, timeouts and file handling, on a real socket."""

from __future__ import annotations

import asyncio
import json
import os
import socket
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from tests.support.control_fake import FakeServer, make_context

from pukeko.control.answers import Answer
from pukeko.control.unix import ControlSocketError, JsonFeed, UnixControlServer

# -- the JSON feed ------------------------------------------------------------------------------


def _feed_all(pieces: list[bytes], max_size: int = 1 << 20) -> JsonFeed:
    feed = JsonFeed(max_size)
    for piece in pieces:
        feed.feed(piece)
    return feed


def _bytewise(data: bytes) -> list[bytes]:
    return [data[i : i + 1] for i in range(len(data))]


COMMENTED = (
    b'  # leading comment\n// another\n/* block\n*/ {"command": /* c */ "x", # eol\n'
    b' "arguments": {"s": "a}\\"]#//", "l": [1, [2]]}}  trailing garbage'
)


@pytest.mark.parametrize("split", [lambda d: [d], _bytewise])
def test_feed_strips_comments_and_stops_at_end(split: Callable[[bytes], list[bytes]]) -> None:
    feed = _feed_all(split(COMMENTED))
    assert feed.done and not feed.error
    assert json.loads(feed.text) == {"command": "x", "arguments": {"s": 'a}"]#//', "l": [1, [2]]}}
    assert feed.text.endswith(b"}}")


@pytest.mark.parametrize("size", [2, 3, 5, 8, 13, 64])
def test_feed_same_result_for_any_split(size: int) -> None:
    pieces = [COMMENTED[i : i + size] for i in range(0, len(COMMENTED), size)]
    assert _feed_all(pieces).text == _feed_all([COMMENTED]).text


def test_feed_skips_long_whitespace() -> None:
    feed = _feed_all([b" \n" * 50_000, b'\t{"a": 1}'])
    assert feed.done and json.loads(feed.text) == {"a": 1}


def test_feed_block_comment_end_split_across_pieces() -> None:
    feed = _feed_all([b'{"a": 1 /* x *', b"/ }"])
    assert feed.done and json.loads(feed.text) == {"a": 1}
    feed = _feed_all([b'{"a": 1 /* x *', b"* still */ }"])
    assert feed.done and json.loads(feed.text) == {"a": 1}


def test_feed_needs_more_data_until_balanced() -> None:
    feed = _feed_all([b'{"command": ', b'"list-com'])
    assert not feed.finished
    assert feed.partial_size == len(b'{"command": "list-com')
    feed.feed(b'mands"}')
    assert feed.done


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"abc", "invalid first character a"),
        (b'"x"', 'invalid first character "'),
        (b" abc", "invalid character a"),
        (b"# c\nx", "invalid character x"),
        (b"/x", "invalid characters /x"),
        (b'{"a": 1 /x }', "invalid characters /x"),
    ],
)
def test_feed_rejects_like_kea(data: bytes, message: str) -> None:
    feed = _feed_all([data])
    assert feed.error == message and not feed.done


def test_feed_size_limit() -> None:
    feed = _feed_all([b'{"a": "' + b"x" * 200], max_size=100)
    assert feed.error == "command is larger than 100 bytes"
    feed = _feed_all([b"# " + b"x" * 200], max_size=100)  # comments count too
    assert feed.error


# -- the server ---------------------------------------------------------------------------------


async def _ask(path: Path, data: bytes, pieces: int = 0, pause: float = 0.0) -> bytes:
    reader, writer = await asyncio.open_unix_connection(str(path))
    if pieces:
        for i in range(0, len(data), pieces):
            writer.write(data[i : i + pieces])
            await writer.drain()
            await asyncio.sleep(pause)
    else:
        writer.write(data)
    reply = await asyncio.wait_for(reader.read(), 5)  # read to EOF: the server closes
    writer.close()
    return reply


def _serve(
    tmp_path: Path,
    scenario: Callable[[UnixControlServer, Path], Awaitable[None]],
    *,
    server: FakeServer | None = None,
    dispatch: Callable[[bytes], Awaitable[Answer]] | None = None,
    **options: Any,
) -> None:
    path = tmp_path / "ctl.sock"
    ctx = make_context(6, server or FakeServer())

    async def main() -> None:
        async def registry_dispatch(raw: bytes) -> Answer:
            return await ctx.registry.dispatch(raw, ctx)

        control = UnixControlServer(str(path), dispatch or registry_dispatch, **options)
        await control.start()
        try:
            await scenario(control, path)
        finally:
            await control.stop()

    asyncio.run(main())


UNKNOWN = b'{ "result": 2, "text": "\'xyz\' command not supported." }'


def test_one_command_kea_text_then_close(tmp_path: Path) -> None:
    async def scenario(control: UnixControlServer, path: Path) -> None:
        assert await _ask(path, b'{"command": "xyz"}') == UNKNOWN
        reply = await _ask(path, b'{"command": "version-get"}')
        assert reply == (
            b'{ "arguments": { "extended": "0.1.0\\nrelease\\nlinked with:\\nCPython 3.11" }, '
            b'"result": 0, "text": "0.1.0" }'
        )

    _serve(tmp_path, scenario)


def test_command_in_tiny_pieces(tmp_path: Path) -> None:
    async def scenario(control: UnixControlServer, path: Path) -> None:
        data = b'{ "command" : "xyz", "arguments": {"a": "}]"} }'
        assert await _ask(path, data, pieces=1, pause=0.001) == UNKNOWN

    _serve(tmp_path, scenario)


def test_malformed_input_answers_and_server_goes_on(tmp_path: Path) -> None:
    async def scenario(control: UnixControlServer, path: Path) -> None:
        assert await _ask(path, b"abc") == b'{ "result": 1, "text": "invalid first character a" }'
        reply = json.loads(await _ask(path, b'{"command": "x",}'))
        assert reply["result"] == 1 and "<wire>:1:17" in reply["text"]
        reply = json.loads(await _ask(path, b"[1, 2]"))
        assert reply == {
            "result": 1,
            "text": "Error during command processing: Invalid command Element specified, "
            "expected map",
        }
        assert await _ask(path, b'{"command": "xyz"}') == UNKNOWN

    _serve(tmp_path, scenario)


def test_many_concurrent_clients(tmp_path: Path) -> None:
    async def scenario(control: UnixControlServer, path: Path) -> None:
        names = [f"c{i}" for i in range(60)]
        jobs = [
            _ask(path, json.dumps({"command": name}).encode(), pieces=7, pause=0.001)
            for name in names
        ]
        replies = await asyncio.gather(*jobs)
        for name, reply in zip(names, replies, strict=True):
            assert json.loads(reply) == {"result": 2, "text": f"'{name}' command not supported."}

    _serve(tmp_path, scenario)


def test_idle_connection_times_out_with_kea_text(tmp_path: Path) -> None:
    async def scenario(control: UnixControlServer, path: Path) -> None:
        reply = await _ask(path, b'{"command": # c\n "list')
        assert json.loads(reply) == {
            "result": 1,
            "text": "Connection over control channel timed out, "
            "discarded partial command of 19 bytes",
        }
        reader, writer = await asyncio.open_unix_connection(str(path))
        assert json.loads(await asyncio.wait_for(reader.read(), 5)) == {
            "result": 1,
            "text": "Connection over control channel timed out",
        }
        writer.close()

    _serve(tmp_path, scenario, idle_timeout=0.2)


def test_client_closing_early_gets_no_answer(tmp_path: Path) -> None:
    async def scenario(control: UnixControlServer, path: Path) -> None:
        reader, writer = await asyncio.open_unix_connection(str(path))
        writer.write(b'{"command": ')
        writer.write_eof()
        assert await asyncio.wait_for(reader.read(), 5) == b""
        writer.close()
        assert await _ask(path, b'{"command": "xyz"}') == UNKNOWN

    _serve(tmp_path, scenario)


def test_oversized_command_is_refused(tmp_path: Path) -> None:
    async def scenario(control: UnixControlServer, path: Path) -> None:
        data = b'{"command": "x", "arguments": "' + b"y" * 5000 + b'"}'
        reply = json.loads(await _ask(path, data))
        assert reply == {"result": 1, "text": "command is larger than 1000 bytes"}

    _serve(tmp_path, scenario, max_command_size=1000)


def test_big_answer_is_sent_whole(tmp_path: Path) -> None:
    server = FakeServer(config={"Dhcp6": {"user-context": {"blob": "z" * 300_000}}})

    async def scenario(control: UnixControlServer, path: Path) -> None:
        reply = json.loads(await _ask(path, b'{"command": "config-get"}'))
        assert len(reply["arguments"]["Dhcp6"]["user-context"]["blob"]) == 300_000

    _serve(tmp_path, scenario, server=server)


def test_failing_dispatcher_still_answers(tmp_path: Path) -> None:
    async def broken(raw: bytes) -> Answer:
        raise RuntimeError("bug")

    async def scenario(control: UnixControlServer, path: Path) -> None:
        assert json.loads(await _ask(path, b'{"command": "x"}')) == {
            "result": 1,
            "text": "internal server error: no response generated",
        }

    _serve(tmp_path, scenario, dispatch=broken)


def test_stop_lets_a_running_command_answer(tmp_path: Path) -> None:
    server = FakeServer(command_delay=0.3)

    async def scenario(control: UnixControlServer, path: Path) -> None:
        ask = asyncio.create_task(
            _ask(path, b'{"command": "leases-reclaim", "arguments": {"remove": true}}')
        )
        reader, writer = await asyncio.open_unix_connection(str(path))  # idle connection
        for _ in range(100):  # until the command runs (not a fixed time)
            if server.commands_begun:
                break
            await asyncio.sleep(0.01)
        await control.stop()
        assert not path.exists()
        assert json.loads(await ask) == {
            "result": 0,
            "text": "Reclamation of expired leases is complete.",
        }
        assert await asyncio.wait_for(reader.read(), 5) == b""  # closed without an answer
        writer.close()

    _serve(tmp_path, scenario, server=server)


def test_files_created_replaced_and_removed(tmp_path: Path) -> None:
    path = tmp_path / "ctl.sock"
    stale = socket.socket(socket.AF_UNIX)
    stale.bind(str(path))  # a socket file left by a dead server
    stale.close()

    async def answer_nothing(raw: bytes) -> Answer:
        return {"result": 0}

    async def main() -> None:
        control = UnixControlServer(str(path), answer_nothing)
        await control.start()
        assert path.is_socket() and Path(control.lock_path).exists()
        second = UnixControlServer(str(path), answer_nothing)
        with pytest.raises(ControlSocketError, match="cannot lock socket lockfile"):
            await second.start()
        assert await _ask(path, b'{"command": "x"}') == b'{ "result": 0 }'
        await control.stop()
        assert not path.exists() and not Path(control.lock_path).exists()
        await control.stop()  # twice is harmless

    asyncio.run(main())


def test_regular_file_is_never_deleted(tmp_path: Path) -> None:
    path = tmp_path / "precious.json"
    path.write_text("{}")

    async def nothing(raw: bytes) -> Answer:
        return {"result": 0}

    async def main() -> None:
        with pytest.raises(ControlSocketError, match="exists and is not a socket"):
            await UnixControlServer(str(path), nothing).start()

    asyncio.run(main())
    assert path.read_text() == "{}"
    assert not Path(str(path) + ".lock").exists() or os.path.getsize(str(path) + ".lock") == 0


def test_socket_name_too_long(tmp_path: Path) -> None:
    async def nothing(raw: bytes) -> Answer:
        return {"result": 0}

    async def main() -> None:
        long_name = str(tmp_path / ("s" * 120))
        with pytest.raises(ControlSocketError, match="longer than 107"):
            await UnixControlServer(long_name, nothing).start()

    asyncio.run(main())
