"""The HTTP(S) control listener (pukeko.control.http) on real sockets on 127.0.0.1."""

from __future__ import annotations

import asyncio
import base64
import json
import logging
import ssl
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from tests.support.control_fake import make_context
from tests.support.tls_certs import Pki, have_openssl, make_pki

from pukeko.config.control_sockets import HttpClient, HttpSocket
from pukeko.control.http import HttpControlServer, match_credentials
from pukeko.control.http_settings import (
    HttpSetupError,
    ListenerSettings,
    listener_settings,
    read_credentials,
)

ADMIN = HttpClient(user="admin", password="s3cret")
ADMIN_AUTH = "Basic " + base64.b64encode(b"admin:s3cret").decode()
LIST_COMMANDS = {"command": "list-commands"}


class Recorder:
    """A dispatcher that records what it got and answers success (or waits when told to)."""

    def __init__(self, delay: float = 0.0) -> None:
        self.seen: list[Any] = []
        self.delay = delay

    async def __call__(self, message: Any) -> dict[str, Any]:
        self.seen.append(message)
        if self.delay:
            await asyncio.sleep(self.delay)
        return {"result": 0, "text": "ok"}


@asynccontextmanager
async def serving(
    settings: ListenerSettings, dispatch: Callable[[Any], Awaitable[Any]]
) -> AsyncIterator[HttpControlServer]:
    server = HttpControlServer(settings, dispatch)
    await server.start()
    try:
        yield server
    finally:
        await server.stop()


def plain(**spec: Any) -> ListenerSettings:
    limits = {k: spec.pop(k) for k in list(spec) if k in ("max_body", "request_timeout")}
    return listener_settings(HttpSocket("127.0.0.1", 0, **spec), **limits)


async def post(
    port: int,
    body: bytes | dict[str, Any],
    *,
    headers: dict[str, str] | None = None,
    scheme: str = "http",
    context: ssl.SSLContext | None = None,
    path: str = "/",
) -> tuple[int, dict[str, str], Any]:
    data = json.dumps(body).encode() if isinstance(body, dict) else body
    sent = {"Content-Type": "application/json", **(headers or {})}
    async with (
        aiohttp.ClientSession() as session,
        session.post(
            f"{scheme}://127.0.0.1:{port}{path}", data=data, headers=sent, ssl=context or False
        ) as response,
    ):
        text = await response.text()
        return response.status, dict(response.headers), json.loads(text)


def run(coro: Awaitable[Any]) -> Any:
    async def main() -> Any:
        return await coro

    return asyncio.run(main())


# -- plain HTTP -----------------------------------------------------------------------------------


def test_command_is_answered_as_a_list_and_service_is_passed_on() -> None:
    recorder = Recorder()

    async def main() -> None:
        async with serving(plain(), recorder) as server:
            status, headers, answer = await post(
                server.port, {"command": "status-get", "service": ["dhcp6"]}
            )
            assert status == 200
            assert headers["Content-Type"].startswith("application/json")
            assert answer == [{"result": 0, "text": "ok"}]
            # any path is accepted (kea-shell --path behind a reverse proxy)
            status, _, answer = await post(server.port, LIST_COMMANDS, path="/kea/dhcp6")
            assert status == 200 and answer == [{"result": 0, "text": "ok"}]

    run(main())
    assert recorder.seen == [{"command": "status-get", "service": ["dhcp6"]}, LIST_COMMANDS]


def test_real_registry_answers_through_http() -> None:
    context = make_context()
    registry = context.registry

    async def main() -> None:
        async def dispatch(message: Any) -> Any:
            return await registry.dispatch(message, context)

        async with serving(plain(), dispatch) as server:
            _, _, answer = await post(server.port, {"command": "list-commands", "service": ["x"]})
            assert answer[0]["result"] == 0 and "list-commands" in answer[0]["arguments"]
            _, _, answer = await post(server.port, {"command": "no-such-thing"})
            assert answer == [{"result": 2, "text": "'no-such-thing' command not supported."}]
            _, _, answer = await post(server.port, b"[1, 2]")  # JSON, but not a map
            assert answer[0]["result"] == 1
            assert "expected map" in answer[0]["text"]

    run(main())


def test_bad_json_bad_method_and_wrong_content_type_get_400() -> None:
    recorder = Recorder()

    async def main() -> None:
        async with serving(plain(), recorder) as server:
            status, _, body = await post(server.port, b'{"command": ')
            assert (status, body) == (400, {"result": 400, "text": "Bad Request"})
            status, _, body = await post(
                server.port, LIST_COMMANDS, headers={"Content-Type": "text/plain"}
            )
            assert status == 400
            async with (
                aiohttp.ClientSession() as session,
                session.get(f"http://127.0.0.1:{server.port}/") as response,
            ):
                assert response.status == 400
                assert json.loads(await response.text())["result"] == 400

    run(main())
    assert recorder.seen == []


def test_body_over_the_limit_gets_413_without_dispatch() -> None:
    recorder = Recorder()

    async def main() -> None:
        async with serving(plain(max_body=1000), recorder) as server:
            big = {"command": "x", "arguments": {"pad": "a" * 2000}}
            status, _, body = await post(server.port, big)
            assert status == 413 and body["result"] == 413
            status, _, _ = await post(server.port, {"command": "small"})
            assert status == 200

    run(main())
    assert recorder.seen == [{"command": "small"}]


def test_chunked_body_over_the_limit_is_refused_too() -> None:
    async def main() -> None:
        async with serving(plain(max_body=100), Recorder()) as server:
            reader, writer = await asyncio.open_connection("127.0.0.1", server.port)
            head = (
                b"POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                b"Transfer-Encoding: chunked\r\n\r\n"
            )
            chunk = b"a" * 150
            writer.write(head + b"%x\r\n" % len(chunk) + chunk + b"\r\n0\r\n\r\n")
            await writer.drain()
            reply = await asyncio.wait_for(reader.read(), 5)
            assert reply.startswith(b"HTTP/1.1 413")
            writer.close()

    run(main())


def test_http_headers_are_added_to_answers_and_errors() -> None:
    settings = plain(headers=(("Strict-Transport-Security", "max-age=31536000"),))

    async def main() -> None:
        async with serving(settings, Recorder()) as server:
            _, headers, _ = await post(server.port, LIST_COMMANDS)
            assert headers["Strict-Transport-Security"] == "max-age=31536000"
            status, headers, _ = await post(server.port, b"nope")
            assert status == 400
            assert headers["Strict-Transport-Security"] == "max-age=31536000"

    run(main())


# -- authentication -----------------------------------------------------------------------------


def test_basic_authentication_ok_wrong_and_missing() -> None:
    recorder = Recorder()
    settings = plain(realm="pukeko", clients=(ADMIN,))

    async def main() -> None:
        async with serving(settings, recorder) as server:
            status, _, answer = await post(
                server.port, LIST_COMMANDS, headers={"Authorization": ADMIN_AUTH}
            )
            assert status == 200 and answer == [{"result": 0, "text": "ok"}]
            # scheme in any case, extra spaces (Kea trims)
            lax = "  bAsIc   " + ADMIN_AUTH.split()[1] + " "
            status, _, _ = await post(server.port, LIST_COMMANDS, headers={"Authorization": lax})
            assert status == 200
            wrong = "Basic " + base64.b64encode(b"admin:guess").decode()
            for headers in ({"Authorization": wrong}, {}, {"Authorization": "Bearer abcdefgh"}):
                status, got, body = await post(server.port, LIST_COMMANDS, headers=headers)
                assert status == 401
                assert got["WWW-Authenticate"] == 'Basic realm="pukeko"'
                assert body == {"result": 401, "text": "Unauthorized"}

    run(main())
    assert len(recorder.seen) == 2


def test_match_credentials_rules() -> None:
    known = read_credentials((ADMIN,))
    assert match_credentials(ADMIN_AUTH, known) == ("admin", "")
    assert match_credentials("Basic", known) == (None, "header content is too short")
    assert match_credentials("Digest abcdefgh", known) == (None, "not basic authentication")
    assert match_credentials("Basic YWRtaW46eA==", known) == (None, "")


def test_password_files_are_read_verbatim_as_kea_does(tmp_path: Path) -> None:
    (tmp_path / "user").write_text("alice")
    (tmp_path / "pw").write_text("wonder\n")  # the newline is part of the password (Kea)
    (tmp_path / "both").write_text("bob:builder")
    (tmp_path / "nocolon").write_text("bob")
    clients = (
        HttpClient(user_file=str(tmp_path / "user"), password_file=str(tmp_path / "pw")),
        HttpClient(password_file=str(tmp_path / "both")),
    )
    credentials = read_credentials(clients)
    assert credentials == {
        base64.b64encode(b"alice:wonder\n").decode(): "alice",
        base64.b64encode(b"bob:builder").decode(): "bob",
    }
    with pytest.raises(HttpSetupError, match="can't find the user id part"):
        read_credentials((HttpClient(password_file=str(tmp_path / "nocolon")),))
    with pytest.raises(HttpSetupError, match="can't open file"):
        read_credentials((HttpClient(user="x", password_file=str(tmp_path / "missing")),))
    with pytest.raises(HttpSetupError, match="must be a regular file"):
        read_credentials((HttpClient(user="x", password_file=str(tmp_path)),))
    (tmp_path / "colon-user").write_text("a:b")
    with pytest.raises(HttpSetupError, match="must not contain a ':'"):
        read_credentials((HttpClient(user_file=str(tmp_path / "colon-user")),))


# -- timeouts and many clients --------------------------------------------------------------------


def test_slow_request_headers_are_cut_off() -> None:
    async def main() -> None:
        async with serving(plain(request_timeout=0.3), Recorder()) as server:
            reader, writer = await asyncio.open_connection("127.0.0.1", server.port)
            writer.write(b"POST / HTTP/1.1\r\nHost: x\r\n")  # headers never finish
            await writer.drain()
            assert await asyncio.wait_for(reader.read(), 3) == b""  # closed by the server
            writer.close()

    run(main())


def test_slow_body_gets_408() -> None:
    async def main() -> None:
        async with serving(plain(request_timeout=0.3), Recorder()) as server:
            reader, writer = await asyncio.open_connection("127.0.0.1", server.port)
            writer.write(
                b"POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                b"Content-Length: 50\r\n\r\n{"
            )
            await writer.drain()
            reply = await asyncio.wait_for(reader.read(), 3)
            assert reply.startswith(b"HTTP/1.1 408")
            assert b'"text": "Request Timeout"' in reply
            writer.close()

    run(main())


def test_many_concurrent_clients_are_all_answered() -> None:
    recorder = Recorder(delay=0.01)

    async def main() -> None:
        async with serving(plain(), recorder) as server:
            jobs = [post(server.port, {"command": f"c{i}"}) for i in range(100)]
            replies = await asyncio.gather(*jobs)
            assert all(status == 200 for status, _, _ in replies)

    run(main())
    assert sorted(m["command"] for m in recorder.seen) == sorted(f"c{i}" for i in range(100))


def test_stop_lets_a_request_in_progress_finish() -> None:
    recorder = Recorder(delay=0.3)

    async def main() -> None:
        server = HttpControlServer(plain(), recorder)
        await server.start()
        request = asyncio.create_task(post(server.port, LIST_COMMANDS))
        for _ in range(100):  # until the request is being answered (not a fixed time)
            if recorder.seen:
                break
            await asyncio.sleep(0.01)
        await server.stop()
        status, _, answer = await request
        assert status == 200 and answer == [{"result": 0, "text": "ok"}]
        assert not server.serving

    run(main())


def test_listener_on_a_busy_port_fails_to_start() -> None:
    async def main() -> None:
        async with serving(plain(), Recorder()) as first:
            second = HttpControlServer(
                listener_settings(HttpSocket("127.0.0.1", first.port)), Recorder()
            )
            with pytest.raises(OSError):
                await second.start()

    run(main())


# -- TLS ----------------------------------------------------------------------------------------

needs_openssl = pytest.mark.skipif(not have_openssl(), reason="openssl command not installed")


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> Pki:
    return make_pki(tmp_path_factory.mktemp("pki"))


def tls_spec(pki: Pki, *, required: bool = True) -> HttpSocket:
    return HttpSocket(
        "127.0.0.1",
        0,
        trust_anchor=str(pki.ca),
        cert_file=str(pki.server_cert),
        key_file=str(pki.server_key),
        cert_required=required,
        clients=(ADMIN,),
    )


def client_context(pki: Pki, cert: Path | None = None, key: Path | None = None) -> ssl.SSLContext:
    context = ssl.create_default_context(cafile=str(pki.ca))
    if cert is not None:
        context.load_cert_chain(str(cert), str(key))
    return context


@needs_openssl
def test_https_with_client_certificate_and_authentication(pki: Pki) -> None:
    settings = listener_settings(tls_spec(pki))
    assert settings.scheme == "HTTPS"
    good = client_context(pki, pki.client_cert, pki.client_key)

    async def main() -> None:
        async with serving(settings, Recorder()) as server:
            auth = {"Authorization": ADMIN_AUTH}
            status, _, answer = await post(
                server.port, LIST_COMMANDS, headers=auth, scheme="https", context=good
            )
            assert status == 200 and answer == [{"result": 0, "text": "ok"}]
            status, _, _ = await post(server.port, LIST_COMMANDS, scheme="https", context=good)
            assert status == 401  # TLS is not a substitute for the password
            for refused in (
                client_context(pki),  # no client certificate
                client_context(pki, pki.stranger_cert, pki.stranger_key),  # wrong issuer
            ):
                with pytest.raises((aiohttp.ClientError, ssl.SSLError, ConnectionError)):
                    await post(
                        server.port, LIST_COMMANDS, headers=auth, scheme="https", context=refused
                    )
            with pytest.raises(aiohttp.ClientError):  # plain HTTP to an HTTPS listener
                await post(server.port, LIST_COMMANDS, headers=auth)

    run(main())


@needs_openssl
def test_https_without_required_client_certificate(pki: Pki) -> None:
    settings = listener_settings(tls_spec(pki, required=False))

    async def main() -> None:
        async with serving(settings, Recorder()) as server:
            auth = {"Authorization": ADMIN_AUTH}
            status, _, _ = await post(
                server.port,
                LIST_COMMANDS,
                headers=auth,
                scheme="https",
                context=client_context(pki),
            )
            assert status == 200

    run(main())


@needs_openssl
def test_unusable_tls_files_refuse_the_settings(pki: Pki, tmp_path: Path) -> None:
    spec = tls_spec(pki)
    (tmp_path / "junk.pem").write_text("not a certificate")
    bad = (
        replace(spec, trust_anchor=str(tmp_path / "none")),
        replace(spec, trust_anchor=str(tmp_path / "junk.pem")),
        replace(spec, cert_file=str(tmp_path / "junk.pem")),
        replace(spec, key_file=str(pki.client_key)),  # not the certificate's key
    )
    for candidate in bad:
        with pytest.raises(HttpSetupError):
            listener_settings(candidate)
    # a directory of CA certificates is a trust anchor too (Kea accepts a file or a directory)
    assert listener_settings(replace(spec, trust_anchor=str(pki.ca.parent))).tls is not None


def handshake_failures(caplog: pytest.LogCaptureFixture) -> list[tuple[str, str]]:
    """(level, text) of every HTTP_CONNECTION_HANDSHAKE_FAILED record."""
    return [
        (r.levelname, r.getMessage())
        for r in caplog.records
        if getattr(r, "kea_message_id", "") == "HTTP_CONNECTION_HANDSHAKE_FAILED"
    ]


@needs_openssl
def test_failed_tls_handshakes_are_logged_and_the_listener_keeps_serving(
    pki: Pki, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="kea-dhcp6.http")
    settings = listener_settings(tls_spec(pki))
    good = client_context(pki, pki.client_cert, pki.client_key)
    auth = {"Authorization": ADMIN_AUTH}

    async def main() -> None:
        async with serving(settings, Recorder()) as server:
            with pytest.raises((aiohttp.ClientError, ssl.SSLError, ConnectionError)):
                await post(  # no client certificate while cert-required
                    server.port, LIST_COMMANDS, headers=auth, scheme="https",
                    context=client_context(pki),
                )  # fmt: skip
            with pytest.raises(aiohttp.ClientError):  # plain HTTP to the HTTPS port
                await post(server.port, LIST_COMMANDS, headers=auth)
            with pytest.raises((aiohttp.ClientError, ssl.SSLError, ConnectionError)):
                await post(  # a certificate from another CA
                    server.port, LIST_COMMANDS, headers=auth, scheme="https",
                    context=client_context(pki, pki.stranger_cert, pki.stranger_key),
                )  # fmt: skip
            for _ in range(50):  # the server side finishes its handshake on its own time
                if len(handshake_failures(caplog)) >= 3:
                    break
                await asyncio.sleep(0.02)
            # still serving, answers a good client on the same listener
            status, _, answer = await post(
                server.port, LIST_COMMANDS, headers=auth, scheme="https", context=good
            )
            assert status == 200 and answer == [{"result": 0, "text": "ok"}]
            assert not server._handshakes  # nothing left half-open

    run(main())
    failures = handshake_failures(caplog)
    assert [level for level, _ in failures] == ["INFO"] * 3
    texts = [text for _, text in failures]
    assert all(t.startswith("TLS handshake with 127.0.0.1 failed with ") for t in texts)
    assert texts[0].endswith("peer did not return a certificate")
    assert texts[1].endswith("http request")
    assert "certificate verify failed" in texts[2] or texts[2].endswith("unknown ca")


@needs_openssl
def test_tls_handshake_timeout_and_dropped_client_are_logged(
    pki: Pki, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="kea-dhcp6.http")
    settings = replace(listener_settings(tls_spec(pki)), request_timeout=0.2)

    async def main() -> None:
        async with serving(settings, Recorder()) as server:
            _, silent = await asyncio.open_connection("127.0.0.1", server.port)
            _, dropped = await asyncio.open_connection("127.0.0.1", server.port)
            dropped.close()
            await asyncio.sleep(0.6)
            silent.close()
            assert not server._handshakes

    run(main())
    texts = sorted(text for _, text in handshake_failures(caplog))
    assert len(texts) == 2, texts
    assert any("connection closed by the client" in t for t in texts)
    assert any("SSL handshake is taking longer than 0.2 seconds" in t for t in texts)
