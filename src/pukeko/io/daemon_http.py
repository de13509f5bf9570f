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
"""

from __future__ import annotations

import asyncio
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

    async def discard(self) -> None:
        """Stop the servers started for this configuration and close the sockets bound for it."""
        await asyncio.gather(*(s.stop() for s in self.servers), return_exceptions=True)
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
        settings = listener_settings(spec, **self.limits)
        sock = self._sockets.get(spec.endpoint) or prepared.sockets.get(spec.endpoint)
        if sock is None:
            sock = bind_listener(spec.address, spec.port)
            prepared.bound.append(spec.endpoint)
        prepared.sockets[spec.endpoint] = sock
        server = HttpControlServer(settings, self.dispatch, root=self.root)
        await server.start(sock)
        prepared.servers.append(server)

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
        return old

    async def stop(self) -> None:
        """Stop every listener and close the sockets (shutdown)."""
        servers, self.servers = self.servers, []
        await asyncio.gather(*(s.stop() for s in servers), return_exceptions=True)
        for sock in self._sockets.values():
            sock.close()
        self._sockets = {}
