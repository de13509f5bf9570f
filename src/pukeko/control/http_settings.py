"""What an HTTP(S) control listener needs at run time, made from its configuration entry.

:func:`listener_settings` reads the authentication files and loads the TLS files of one
:class:`pukeko.config.control_sockets.HttpSocket`; anything missing or unreadable raises
:class:`HttpSetupError`, so the configuration that names it is refused (and the running one
stays). Files are read once, when the configuration is applied, as Kea does ("they are read
when the configuration is loaded in order to detect configuration errors as soon as possible",
Kea ARM "Control Agent Configuration").

Kea's rules, kept here: a file's whole content is the value, byte for byte (a trailing newline
is part of the password: Kea's ``file::getContent``); a ``password-file`` given without a user
holds ``user:password`` and is split at the first colon; the credential a client must send is
``base64(user ":" password)`` in UTF-8 (``BasicHttpAuth``).
"""

from __future__ import annotations

import base64
import os
import ssl
import stat
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from pukeko.config.control_sockets import HttpClient, HttpSocket

DEFAULT_MAX_BODY = 1024 * 1024  # bytes of one command; larger requests get 413
REQUEST_TIMEOUT = 10.0  # Kea TIMEOUT_AGENT_RECEIVE_COMMAND: a whole request must arrive in this
IDLE_TIMEOUT = 30.0  # Kea TIMEOUT_AGENT_IDLE_CONNECTION_TIMEOUT: keep-alive between requests
MAX_CONNECTIONS = 1000  # open connections per listener; more are closed at once
STOP_GRACE = 5.0  # seconds a request being answered gets when its listener stops


class HttpSetupError(Exception):
    """An authentication or TLS file of an HTTP control socket cannot be used."""


@dataclass(frozen=True)
class ListenerSettings:
    """One listener's configuration with its files read: credentials and the TLS context."""

    socket: HttpSocket
    credentials: Mapping[str, str] = field(default_factory=dict)  # base64 secret -> user id
    tls: ssl.SSLContext | None = None
    max_body: int = DEFAULT_MAX_BODY
    request_timeout: float = REQUEST_TIMEOUT
    idle_timeout: float = IDLE_TIMEOUT
    max_connections: int = MAX_CONNECTIONS
    stop_grace: float = STOP_GRACE

    @property
    def scheme(self) -> str:
        """ "HTTPS" or "HTTP" (as Kea's log messages name them)."""
        return "HTTPS" if self.tls is not None else "HTTP"


def listener_settings(spec: HttpSocket, **limits: Any) -> ListenerSettings:
    """Read ``spec``'s files; HttpSetupError with the reason when one cannot be used.

    ``limits`` may override ``max_body``, ``request_timeout``, ``idle_timeout``,
    ``max_connections`` and ``stop_grace`` (tests use short timeouts).
    """
    credentials = read_credentials(spec.clients)
    tls = server_tls_context(spec) if spec.tls else None
    return replace(ListenerSettings(spec, credentials, tls), **limits)


def read_credentials(clients: tuple[HttpClient, ...]) -> dict[str, str]:
    """The accepted ``Authorization: Basic`` secrets of ``clients`` (secret -> user id)."""
    out: dict[str, str] = {}
    for client in clients:
        user, password = _client_secret(client)
        secret = base64.b64encode(f"{user}:{password}".encode()).decode("ascii")
        out[secret] = user
    return out


def _client_secret(client: HttpClient) -> tuple[str, str]:
    """(user, password) of one client, reading its files (Kea ``BasicHttpAuthConfig::parse``)."""
    user, password = client.user, client.password
    if client.user_file:
        user = read_auth_file(client.user_file)
        if not user:
            raise HttpSetupError(f"user must not be empty from user-file '{client.user_file}'")
        if ":" in user:
            raise HttpSetupError(f"user must not contain a ':' from user-file '{client.user_file}'")
    if client.password_file:
        content = read_auth_file(client.password_file)
        if client.user or client.user_file:
            password = content
        else:
            user, colon, password = content.partition(":")
            if not colon:
                raise HttpSetupError(
                    f"can't find the user id part in password-file '{client.password_file}'"
                )
    return user, password


def read_auth_file(path: str) -> str:
    """The whole content of a regular file (Kea ``file::getContent``); HttpSetupError if not."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)  # a FIFO must not block the server
    except OSError as exc:
        raise HttpSetupError(f"can't open file '{path}': {exc.strerror or exc}") from exc
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise HttpSetupError(f"'{path}' must be a regular file")
        with os.fdopen(os.dup(fd), "rb") as handle:
            data = handle.read()
    except OSError as exc:
        raise HttpSetupError(f"can't read file '{path}': {exc.strerror or exc}") from exc
    finally:
        os.close(fd)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise HttpSetupError(f"file '{path}' is not UTF-8 text") from exc


def server_tls_context(spec: HttpSocket) -> ssl.SSLContext:
    """The server TLS context: our certificate and key, clients checked against the anchor.

    ``cert-required`` true (Kea's default) refuses a client without a certificate signed by
    ``trust-anchor``; false still verifies a certificate a client offers (Kea's TlsContext).
    """
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    try:
        if os.path.isdir(spec.trust_anchor):
            context.load_verify_locations(capath=spec.trust_anchor)
        else:
            context.load_verify_locations(cafile=spec.trust_anchor)
    except (OSError, ssl.SSLError) as exc:
        raise HttpSetupError(f"bad trust-anchor '{spec.trust_anchor}': {_reason(exc)}") from exc
    try:
        context.load_cert_chain(spec.cert_file, spec.key_file)
    except (OSError, ssl.SSLError) as exc:
        raise HttpSetupError(
            f"bad cert-file '{spec.cert_file}' or key-file '{spec.key_file}': {_reason(exc)}"
        ) from exc
    context.verify_mode = ssl.CERT_REQUIRED if spec.cert_required else ssl.CERT_OPTIONAL
    return context


def _reason(exc: BaseException) -> str:
    if isinstance(exc, ssl.SSLError) and exc.reason:
        return str(exc.reason)
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    return str(exc)
