"""The daemon's HTTP(S) control listeners across (re)configurations.

Each configuration gets fresh :class:`HttpControlServer` objects (new credentials, TLS files and
headers take effect at once), made before anything running changes: :meth:`HttpListeners.prepare`
binds the listening sockets of new endpoints and starts the new servers; a socket that cannot be
bound or a file that cannot be read fails the new configuration and the running one stays
(:class:`StartupError`). An endpoint (address, port) kept from the running configuration keeps
its bound socket: the new server accepts on a copy of it, so the port is never released.
:meth:`HttpListeners.commit` makes the new servers current and hands back the old ones, which
stop accepting at once and get their grace time for requests in progress (a ``config-set`` sent
over HTTP is answered by the server it replaced). Kea 3 reuses a listener for the same address
and port too, but refuses to switch it between HTTP and HTTPS; Pukeko allows that.

A listener whose settings are unchanged (same configuration, and its password and TLS files not
modified since they were read) is kept as it is, so a ``config-set`` or a subnet command does not
cut the kept-alive connections of API clients.
"""

from __future__ import annotations

import asyncio
import os
import socket
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from pukeko.config.control_sockets import HttpSocket, http_sockets
from pukeko.config.model import Config
from pukeko.control.http import HttpControlServer, HttpDispatcher, bind_listener
from pukeko.control.http_settings import HttpSetupError, listener_settings
from pukeko.io.daemon_parts import StartupError

Endpoint = tuple[str, int]
FileStamps = tuple[tuple[str, int, int], ...]  # (path, mtime_ns, size) of each file read


def control_sockets_map(config: Config | None) -> dict[str, Any]:
    """The server map's ``control-socket`` and ``control-sockets`` of a configuration."""
    if config is None:
        return {}
    out: dict[str, Any] = {}
    if config.control_socket is not None:
        out["control-socket"] = config.control_socket
    many = config.extra.get("control-sockets")
    if many is not None:
        out["control-sockets"] = many
    return out


def http_specs(config: Config | None) -> tuple[HttpSocket, ...]:
    """The HTTP(S) listeners a configuration asks for."""
    return http_sockets(control_sockets_map(config))


@dataclass
class PreparedHttp:
    """The listeners of a configuration not applied yet, and the sockets bound for them."""

    servers: list[HttpControlServer] = field(default_factory=list)
    sockets: dict[Endpoint, socket.socket] = field(default_factory=dict)  # all endpoints in use
    bound: list[Endpoint] = field(default_factory=list)  # endpoints bound for this configuration
    kept: list[HttpControlServer] = field(default_factory=list)  # running ones taken over
    stamps: dict[Endpoint, FileStamps | None] = field(default_factory=dict)

    async def discard(self) -> None:
        """Stop the servers started for this configuration and close the sockets bound for it."""
        started = [s for s in self.servers if s not in self.kept]
        await asyncio.gather(*(s.stop() for s in started), return_exceptions=True)
        for endpoint in self.bound:
            self.sockets[endpoint].close()
        self.servers.clear()
        self.bound.clear()


class HttpListeners:
    """The HTTP(S) control listeners of one daemon."""

    def __init__(self, dispatch: HttpDispatcher, *, root: str = "kea-dhcp6", **limits: Any) -> None:
        self.dispatch = dispatch
        self.root = root
        self.limits = limits  # passed to listener_settings (tests shorten timeouts)
        self.servers: list[HttpControlServer] = []
        self._sockets: dict[Endpoint, socket.socket] = {}
        self._stamps: dict[Endpoint, FileStamps] = {}

    @property
    def ports(self) -> Mapping[Endpoint, int]:
        """Configured endpoint -> the port really listened on (differs for port 0)."""
        return {s.settings.socket.endpoint: s.port for s in self.servers if s.serving}

    async def prepare(self, specs: tuple[HttpSocket, ...]) -> PreparedHttp:
        """Bind and start the listeners of ``specs``; StartupError (nothing left open) if not."""
        prepared = PreparedHttp()
        for spec in specs:
            try:
                await self._prepare_one(spec, prepared)
            except (OSError, HttpSetupError) as exc:
                await self.discard(prepared)
                where = f"{spec.address} port {spec.port}"
                reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
                text = f"unable to open the HTTP control socket on {where}: {reason}"
                raise StartupError(text) from exc
        return prepared

    async def _prepare_one(self, spec: HttpSocket, prepared: PreparedHttp) -> None:
        stamps = file_stamps(spec)
        running = self._unchanged(spec, stamps)
        if running is not None and running not in prepared.servers:
            prepared.servers.append(running)
            prepared.kept.append(running)
            prepared.sockets[spec.endpoint] = self._sockets[spec.endpoint]
            prepared.stamps[spec.endpoint] = stamps
            return
        settings = listener_settings(spec, **self.limits)
        prepared.stamps[spec.endpoint] = stamps
        sock = self._sockets.get(spec.endpoint) or prepared.sockets.get(spec.endpoint)
        if sock is None:
            sock = bind_listener(spec.address, spec.port)
            prepared.bound.append(spec.endpoint)
        prepared.sockets[spec.endpoint] = sock
        server = HttpControlServer(settings, self.dispatch, root=self.root)
        await server.start(sock)
        prepared.servers.append(server)

    def _unchanged(self, spec: HttpSocket, stamps: FileStamps | None) -> HttpControlServer | None:
        """The running server of exactly ``spec`` whose files are as they were read, if any."""
        if stamps is None or self._stamps.get(spec.endpoint) != stamps:
            return None
        for server in self.servers:
            if server.settings.socket == spec and server.serving:
                return server
        return None

    async def discard(self, prepared: PreparedHttp) -> None:
        """Undo :meth:`prepare`: stop its servers, close the sockets it bound."""
        await prepared.discard()

    def commit(self, prepared: PreparedHttp) -> list[HttpControlServer]:
        """Make ``prepared`` current; the replaced servers (the caller stops them)."""
        old, self.servers = self.servers, list(prepared.servers)
        for endpoint, sock in self._sockets.items():
            if endpoint not in prepared.sockets:
                sock.close()  # the old server's copy keeps it open until that server stops
        self._sockets = dict(prepared.sockets)
        self._stamps = {e: s for e, s in prepared.stamps.items() if s is not None}
        return [server for server in old if server not in prepared.kept]

    async def stop(self) -> None:
        """Stop every listener and close the sockets (shutdown)."""
        servers, self.servers = self.servers, []
        await asyncio.gather(*(s.stop() for s in servers), return_exceptions=True)
        for sock in self._sockets.values():
            sock.close()
        self._sockets = {}


def file_stamps(spec: HttpSocket) -> FileStamps | None:
    """(path, mtime, size) of every file ``spec`` reads; None when one cannot be examined."""
    paths = [spec.trust_anchor, spec.cert_file, spec.key_file]
    for client in spec.clients:
        paths += [client.user_file, client.password_file]
    out = []
    for path in paths:
        if path:
            try:
                info = os.stat(path)
            except OSError:
                return None
            out.append((path, info.st_mtime_ns, info.st_size))
    return tuple(out)
