"""The HTTP and HTTPS control channel served by the daemon itself (as Kea 3's daemons do).

A request is ``POST`` (any path: a reverse proxy may add one) with ``Content-Type:
application/json`` and one command as its body; the answer is JSON. Behaviour follows Kea's
HTTP command listener (Kea 3 ``HttpCommandResponseCreator``, Kea 2.2 ``BasicHttpAuthConfig``,
``HttpResponseJson``):

- the answer is always a JSON *list* holding the command's answer map: Kea's Control Agent wraps
  every answer in a list (it may speak for several daemons) and Kea 3's daemons emulate it, so
  ``kea-shell`` and scripts written for the Control Agent work unchanged. ``service`` in the
  command is accepted and ignored (the daemon answers for itself);
- with ``authentication`` clients configured, a request without a matching ``Authorization:
  Basic`` header gets ``401`` with ``WWW-Authenticate: Basic realm="<realm>"``;
- errors carry Kea's stock JSON body ``{ "result": <status>, "text": "<reason>" }``: ``400`` for
  a request that is not a POST of JSON or whose body is not JSON, ``401``, ``408`` when the body
  does not arrive in time, ``413`` for a body over the limit (a Pukeko addition), ``500``;
- ``http-headers`` are added to every answer.

Pukeko's limits (Kea has none of the first and third): a body of at most ``max_body`` bytes
(1 MiB), a request must arrive completely within ``request_timeout`` seconds of the connection
or of the previous answer on a kept-alive connection (then ``idle_timeout``), and at most
``max_connections`` connections per listener. Commands run one at a time (the registry
serialises them); connections never block the packet loop: everything here is asynchronous.

TLS: each connection's handshake runs in :class:`_TlsAcceptor` (plain TCP first, then
``start_tls``) so that a failed one is logged as Kea logs it (HTTP_CONNECTION_HANDSHAKE_FAILED,
INFO: no client certificate while one is required, an unknown issuer, plain HTTP sent to an HTTPS
port, a timeout) while the listener keeps serving; handshakes in progress count towards
``max_connections``.
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import json
import logging
import socket
import ssl
from collections.abc import Awaitable, Callable
from http import HTTPStatus
from ipaddress import ip_address
from typing import Any

from aiohttp import web
from aiohttp.web_protocol import RequestHandler

from pukeko.control.answers import Answer, to_kea_json, to_kea_json_yielding
from pukeko.control.http_settings import ListenerSettings
from pukeko.control.registry import log_message

# The command as parsed JSON (a map), or the raw body when it is not a map.
HttpDispatcher = Callable[[Any], Awaitable[Answer]]
JSON_TYPE = "application/json"
BACKLOG = 128
READ_CHUNK = 65536
LINGER = 1.0  # seconds an unread request body is drained before the connection is closed


class _BodyTooLarge(Exception):
    """The request body grew past the limit while it was read."""


def bind_listener(address: str, port: int) -> socket.socket:
    """A listening TCP socket on ``address``/``port`` (OSError when it cannot be bound)."""
    family = socket.AF_INET6 if ip_address(address).version == 6 else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        if family == socket.AF_INET6:
            sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
        sock.bind((address, port))
        sock.listen(BACKLOG)
        sock.setblocking(False)
    except OSError:
        sock.close()
        raise
    return sock


class _GuardedServer(web.Server):
    """aiohttp's low-level server plus Pukeko's per-connection deadline and connection cap."""

    def __init__(
        self,
        handler: Callable[[web.BaseRequest], Awaitable[web.StreamResponse]],
        settings: ListenerSettings,
        log: logging.Logger,
    ) -> None:
        super().__init__(
            handler,
            keepalive_timeout=settings.idle_timeout,
            lingering_time=LINGER,
            access_log=None,
        )
        self.settings = settings
        self.log = log
        self._deadlines: dict[RequestHandler, asyncio.TimerHandle] = {}

    def connection_made(self, handler: RequestHandler, transport: asyncio.Transport) -> None:
        """A client connected: refuse it over the cap, else give it ``request_timeout``."""
        super().connection_made(handler, transport)
        if len(self._connections) > self.settings.max_connections:
            text = f"{_peer_of(transport)}: more than {self.settings.max_connections} connections"
            log_message(self.log, logging.WARNING, "HTTP_CONNECTION_STOP", text)
            transport.abort()
            return
        self._arm(handler, transport, self.settings.request_timeout)

    def connection_lost(self, handler: RequestHandler, exc: BaseException | None = None) -> None:
        """Forget the connection's deadline."""
        self._disarm(handler)
        super().connection_lost(handler, exc)

    def request_started(self, handler: RequestHandler) -> None:
        """A request's headers arrived: its body is timed by the handler itself."""
        self._disarm(handler)

    def request_finished(self, handler: RequestHandler) -> None:
        """An answer was made: the next request must arrive within ``idle_timeout``."""
        transport = handler.transport
        if isinstance(transport, asyncio.Transport) and not transport.is_closing():
            self._arm(handler, transport, self.settings.idle_timeout)

    def _arm(self, handler: RequestHandler, transport: asyncio.Transport, seconds: float) -> None:
        self._disarm(handler)
        loop = asyncio.get_running_loop()
        self._deadlines[handler] = loop.call_later(seconds, self._expire, handler, transport)

    def _disarm(self, handler: RequestHandler) -> None:
        timer = self._deadlines.pop(handler, None)
        if timer is not None:
            timer.cancel()

    def _expire(self, handler: RequestHandler, transport: asyncio.Transport) -> None:
        self._deadlines.pop(handler, None)
        text = f"closing persistent connection with {_peer_of(transport)} as a result of a timeout"
        log_message(self.log, logging.DEBUG, "HTTP_IDLE_CONNECTION_TIMEOUT_OCCURRED", text)
        transport.abort()


class _TlsAcceptor(asyncio.Protocol):
    """One HTTPS connection: runs its TLS handshake, logs a failure, then hands it to ``app``.

    The handshake is started on the plain TCP transport with ``loop.start_tls`` (this object
    becomes the protocol behind the TLS transport and forwards to ``app``): a handshake the
    event loop runs itself (``create_server(ssl=...)``) fails silently.
    """

    def __init__(self, app: asyncio.Protocol, owner: HttpControlServer) -> None:
        self.app = app
        self.owner = owner
        self.peer = "(unknown)"
        self._raw: asyncio.Transport | None = None
        self._tls: asyncio.BaseTransport | None = None
        self._task: asyncio.Task[None] | None = None
        self._early: list[bytes] = []  # decrypted data that came before ``app`` was connected
        self._early_eof = False

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        """A client connected: start the handshake (refused over the connection cap)."""
        assert isinstance(transport, asyncio.Transport)
        self._raw = transport
        self.peer = _peer_of(transport)
        transport.pause_reading()  # the client's hello waits for the TLS layer
        if not self.owner.handshake_started(self):
            transport.abort()
            return
        self._task = asyncio.get_running_loop().create_task(self._handshake(transport))

    async def _handshake(self, raw: asyncio.Transport) -> None:
        settings = self.owner.settings
        assert settings.tls is not None
        loop = asyncio.get_running_loop()
        try:
            tls = await loop.start_tls(
                raw,
                self,
                settings.tls,
                server_side=True,
                ssl_handshake_timeout=settings.request_timeout,
            )
        except (OSError, ValueError) as exc:
            self._failed(raw, handshake_error_text(exc))
            return
        finally:
            self.owner.handshake_ended(self)
        if tls is None:  # the client went away during the handshake
            self._failed(raw, "connection closed by the client")
            return
        self._tls = tls
        self.app.connection_made(tls)
        early, self._early = self._early, []
        for data in early:
            self.app.data_received(data)
        if self._early_eof:
            self.app.eof_received()

    def _failed(self, raw: asyncio.Transport, reason: str) -> None:
        """Kea's HTTP_CONNECTION_HANDSHAKE_FAILED (http_messages.mes), then close."""
        text = f"TLS handshake with {self.peer} failed with {reason}"
        log_message(self.owner.http_log, logging.INFO, "HTTP_CONNECTION_HANDSHAKE_FAILED", text)
        raw.abort()

    def abort(self) -> None:
        """Drop a connection whose handshake is still running (the listener stops)."""
        if self._task is not None:
            self._task.cancel()
        if self._raw is not None:
            self._raw.abort()

    # -- forwarded to ``app`` once the handshake is done ---------------------------------------

    def data_received(self, data: bytes) -> None:
        """Decrypted request bytes."""
        if self._tls is None:
            self._early.append(data)
        else:
            self.app.data_received(data)

    def eof_received(self) -> bool | None:
        """The client closed its side."""
        if self._tls is None:
            self._early_eof = True
            return None
        return self.app.eof_received()

    def connection_lost(self, exc: Exception | None) -> None:
        """The connection closed (after the handshake: ``app`` is told)."""
        if self._tls is not None:
            self.app.connection_lost(exc)

    def pause_writing(self) -> None:
        """Flow control from the TLS transport."""
        if self._tls is not None:
            self.app.pause_writing()

    def resume_writing(self) -> None:
        """Flow control from the TLS transport."""
        if self._tls is not None:
            self.app.resume_writing()


class HttpControlServer:
    """One HTTP(S) control listener answering management commands."""

    def __init__(
        self, settings: ListenerSettings, dispatch: HttpDispatcher, *, root: str = "kea-dhcp6"
    ) -> None:
        self.settings = settings
        self.dispatch = dispatch
        self.http_log = logging.getLogger(f"{root}.http")
        self.auth_log = logging.getLogger(f"{root}.auth")
        self.command_log = logging.getLogger(f"{root}.commands")
        self._web: _GuardedServer | None = None
        self._server: asyncio.Server | None = None
        self._handshakes: set[_TlsAcceptor] = set()  # HTTPS connections still shaking hands

    @property
    def serving(self) -> bool:
        """True between :meth:`start` and :meth:`stop`."""
        return self._server is not None

    @property
    def port(self) -> int:
        """The TCP port listened on (the real one when the configuration said 0)."""
        assert self._server is not None and self._server.sockets
        return int(self._server.sockets[0].getsockname()[1])

    async def start(self, sock: socket.socket | None = None) -> None:
        """Listen on a copy of ``sock`` (kept by the caller) or on a socket bound here."""
        if self._server is not None:
            return
        spec = self.settings.socket
        listening = sock.dup() if sock is not None else bind_listener(spec.address, spec.port)
        web_server = self._web = _GuardedServer(self._handle, self.settings, self.http_log)
        factory: Callable[[], asyncio.BaseProtocol] = web_server
        if self.settings.tls is not None:

            def factory() -> asyncio.BaseProtocol:
                return _TlsAcceptor(web_server(), self)

        try:
            self._server = await asyncio.get_running_loop().create_server(factory, sock=listening)
        except BaseException:
            listening.close()
            raise
        text = f"{self.settings.scheme} service bound to address {spec.address} port {self.port}"
        log_message(self.command_log, logging.INFO, "HTTP_COMMAND_MGR_SERVICE_STARTED", text)

    async def stop(self) -> None:
        """Stop accepting; requests being answered get ``stop_grace`` seconds, then close."""
        server, self._server = self._server, None
        if server is None:
            return
        spec = self.settings.socket
        text = f"{self.settings.scheme} service bound to address {spec.address} port {spec.port}"
        log_message(self.command_log, logging.INFO, "HTTP_COMMAND_MGR_SERVICE_STOPPING", text)
        server.close()
        for acceptor in list(self._handshakes):
            acceptor.abort()
        self._handshakes.clear()
        if self._web is not None:
            with contextlib.suppress(Exception):
                await self._web.shutdown(self.settings.stop_grace)
        with contextlib.suppress(Exception):
            await asyncio.wait_for(server.wait_closed(), timeout=1.0)

    def handshake_started(self, acceptor: _TlsAcceptor) -> bool:
        """Count a TLS handshake; False (logged) when the connection cap is reached."""
        open_now = len(self._handshakes) + (len(self._web.connections) if self._web else 0)
        if open_now >= self.settings.max_connections:
            text = f"{acceptor.peer}: more than {self.settings.max_connections} connections"
            log_message(self.http_log, logging.WARNING, "HTTP_CONNECTION_STOP", text)
            return False
        self._handshakes.add(acceptor)
        return True

    def handshake_ended(self, acceptor: _TlsAcceptor) -> None:
        """A TLS handshake finished, either way."""
        self._handshakes.discard(acceptor)

    # -- one request ----------------------------------------------------------------------------

    async def _handle(self, request: web.BaseRequest) -> web.StreamResponse:
        guard = self._web
        protocol = request.protocol
        if guard is not None:
            guard.request_started(protocol)
        try:
            response = await self._respond(request)
        except Exception as exc:  # a bug must cost one request, never the listener
            text = f"{_peer(request)}: {exc!r}"
            log_message(self.http_log, logging.ERROR, "HTTP_BAD_CLIENT_REQUEST_RECEIVED", text)
            response = stock_response(HTTPStatus.INTERNAL_SERVER_ERROR)
        finally:
            if guard is not None:
                guard.request_finished(protocol)
        for name, value in self.settings.socket.headers:
            response.headers[name] = value
        return response

    async def _respond(self, request: web.BaseRequest) -> web.Response:
        peer = _peer(request)
        text = f"received HTTP request from {peer}"
        log_message(self.http_log, logging.DEBUG, "HTTP_CLIENT_REQUEST_RECEIVED", text)
        denied = self._authenticate(request)
        if denied is not None:
            return denied
        problem = request_problem(request)
        if problem:
            return self._bad_request(peer, problem)
        limit = self.settings.max_body
        if request.content_length is not None and request.content_length > limit:
            return self._too_large(peer)
        try:
            body = await asyncio.wait_for(read_body(request, limit), self.settings.request_timeout)
        except TimeoutError:
            text = f"HTTP request timeout occurred when communicating with {peer}"
            log_message(self.http_log, logging.DEBUG, "HTTP_CLIENT_REQUEST_TIMEOUT_OCCURRED", text)
            response = stock_response(HTTPStatus.REQUEST_TIMEOUT)
            response.force_close()
            return response
        except _BodyTooLarge:
            return self._too_large(peer)
        try:
            message = json.loads(body.decode("utf-8"))
        except (ValueError, RecursionError) as exc:
            return self._bad_request(peer, f"body is not JSON: {exc}")
        answer = await self.dispatch(message if isinstance(message, dict) else body)
        # the agent's list of one answer, rendered with turns for the event loop
        text = "[ " + await to_kea_json_yielding(answer) + " ]"
        return web.Response(status=HTTPStatus.OK, text=text, content_type=JSON_TYPE)

    def _authenticate(self, request: web.BaseRequest) -> web.Response | None:
        """None when the request may proceed, else the 401 answer (Kea ``checkAuth``)."""
        credentials = self.settings.credentials
        if not credentials:
            return None
        value = request.headers.get("Authorization")
        if value is None:
            text = "received HTTP request without required authentication header"
            log_message(self.auth_log, logging.INFO, "HTTP_CLIENT_REQUEST_NO_AUTH_HEADER", text)
            return self._unauthorized()
        user, problem = match_credentials(value, credentials)
        if user is not None:
            text = f"received HTTP request authorized for '{user}'"
            log_message(self.auth_log, logging.INFO, "HTTP_CLIENT_REQUEST_AUTHORIZED", text)
            return None
        if problem:
            text = f"received HTTP request with malformed authentication header: {problem}"
            log_message(self.auth_log, logging.INFO, "HTTP_CLIENT_REQUEST_BAD_AUTH_HEADER", text)
        else:
            text = "received HTTP request with not matching authentication header"
            log_message(self.auth_log, logging.INFO, "HTTP_CLIENT_REQUEST_NOT_AUTHORIZED", text)
        return self._unauthorized()

    def _unauthorized(self) -> web.Response:
        response = stock_response(HTTPStatus.UNAUTHORIZED)
        response.headers["WWW-Authenticate"] = f'Basic realm="{self.settings.socket.realm}"'
        return response

    def _bad_request(self, peer: str, reason: str) -> web.Response:
        text = f"bad request received from {peer}: {reason}"
        log_message(self.http_log, logging.DEBUG, "HTTP_BAD_CLIENT_REQUEST_RECEIVED", text)
        return stock_response(HTTPStatus.BAD_REQUEST)

    def _too_large(self, peer: str) -> web.Response:
        reason = f"body larger than {self.settings.max_body} bytes"
        text = f"bad request received from {peer}: {reason}"
        log_message(self.http_log, logging.INFO, "HTTP_BAD_CLIENT_REQUEST_RECEIVED", text)
        response = stock_response(HTTPStatus.REQUEST_ENTITY_TOO_LARGE)
        response.force_close()  # the rest of the body is not read
        return response


# -- helpers (no state) -------------------------------------------------------------------------


def match_credentials(value: str, credentials: dict[str, str] | Any) -> tuple[str | None, str]:
    """(user, '') when ``value`` carries a known Basic secret; (None, why) when malformed."""
    value = value.strip()
    if len(value) < 8:
        return None, "header content is too short"
    if value[:5].lower() != "basic":
        return None, "not basic authentication"
    secret = value[5:].strip()
    for known, user in credentials.items():
        if hmac.compare_digest(known.encode(), secret.encode()):
            return user, ""
    return None, ""


def request_problem(request: web.BaseRequest) -> str:
    """Why Kea would refuse this request as a command (not a POST of JSON), or ''."""
    if request.method != "POST":
        return f"unsupported method {request.method}"
    if request.content_type != JSON_TYPE:
        return f"Content-Type is '{request.content_type}', not '{JSON_TYPE}'"
    return ""


async def read_body(request: web.BaseRequest, limit: int) -> bytes:
    """The whole body; _BodyTooLarge as soon as it passes ``limit`` bytes."""
    chunks: list[bytes] = []
    size = 0
    while chunk := await request.content.read(READ_CHUNK):
        size += len(chunk)
        if size > limit:
            raise _BodyTooLarge()
        chunks.append(chunk)
    return b"".join(chunks)


def json_response(value: Any, status: int = HTTPStatus.OK) -> web.Response:
    """A JSON answer rendered as Kea renders JSON."""
    return web.Response(status=status, text=to_kea_json(value), content_type=JSON_TYPE)


def stock_response(status: HTTPStatus) -> web.Response:
    """Kea's stock error answer: ``{ "result": <code>, "text": "<reason>" }``."""
    return json_response({"result": int(status), "text": status.phrase}, status)


def handshake_error_text(exc: BaseException) -> str:
    """Why a TLS handshake failed, worded as OpenSSL's reason strings (Kea logs those)."""
    if isinstance(exc, ssl.SSLError) and exc.reason:
        return str(exc.reason).lower().replace("_", " ")
    if isinstance(exc, ConnectionResetError) and not str(exc):
        return "connection closed by the client"
    return str(exc) or type(exc).__name__


def _peer(request: web.BaseRequest) -> str:
    return request.remote or "(unknown)"


def _peer_of(transport: asyncio.BaseTransport) -> str:
    peer = transport.get_extra_info("peername")
    return str(peer[0]) if isinstance(peer, tuple) and peer else "(unknown)"
