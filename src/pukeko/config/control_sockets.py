"""Control sockets of a configuration: Kea 2.2's ``control-socket`` and Kea 3's ``control-sockets``.

Both name the channels the management API is served on. ``socket-type`` "unix" (the default)
takes ``socket-name``; "http" and "https" take ``socket-address`` (``socket-name`` is its alias,
as in Kea 3's ``HttpCommandConfig``; default 127.0.0.1), ``socket-port`` (default 8000),
``authentication`` (basic HTTP authentication: ``realm``, ``directory``, ``clients``),
``trust-anchor`` / ``cert-file`` / ``key-file`` / ``cert-required`` (TLS: all three files or
none; "https" needs them) and ``http-headers`` (added to every answer).

Rules beyond Kea (docs/compatibility.md):

- an HTTP(S) listener without authentication clients on an address that is not loopback is
  refused unless the entry says ``"pukeko-allow-unauthenticated": true``;
- at most one UNIX socket (the daemon serves one), and no two HTTP listeners on one address
  and port;
- header names must be HTTP tokens and values must not contain line breaks.

This module is pure: it never reads the password files (the runtime does, when the
configuration is applied: :mod:`pukeko.control.http_settings`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from ipaddress import ip_address

from pukeko.config.checks_base import Collector, as_map, maps
from pukeko.config.errors import KeyPath

SOCKET_TYPES = ("unix", "http", "https")
DEFAULT_ADDRESS = "127.0.0.1"  # Kea 3 HttpCommandConfig::DEFAULT_SOCKET_ADDRESS
DEFAULT_PORT = 8000  # Kea 3 HttpCommandConfig::DEFAULT_SOCKET_PORT
ALLOW_UNAUTHENTICATED = "pukeko-allow-unauthenticated"
_TOKEN = re.compile(r"^[!#$%&'*+.^_`|~0-9A-Za-z-]+$")  # RFC 9110 §5.6.2 token


@dataclass(frozen=True)
class HttpClient:
    """One ``authentication.clients`` entry: the user id and password or the files holding them.

    ``user_file`` / ``password_file`` are full paths (``directory`` already joined, as Kea's
    ``BasicHttpAuthConfig::getFileContent`` does). A ``password_file`` without any user holds
    ``user:password`` (Kea: "the whole basic HTTP authentication secret").
    """

    user: str = ""
    user_file: str = ""
    password: str = ""
    password_file: str = ""


@dataclass(frozen=True)
class HttpSocket:
    """One HTTP or HTTPS control listener, as configured."""

    address: str
    port: int
    realm: str = ""
    clients: tuple[HttpClient, ...] = ()
    trust_anchor: str = ""
    cert_file: str = ""
    key_file: str = ""
    cert_required: bool = True  # Kea's default
    headers: tuple[tuple[str, str], ...] = ()
    allow_unauthenticated: bool = False

    @property
    def tls(self) -> bool:
        """True when the listener speaks HTTPS (Kea: a cert-file is configured)."""
        return bool(self.cert_file)

    @property
    def endpoint(self) -> tuple[str, int]:
        """(address, port): what identifies the listener across reconfigurations."""
        return self.address, self.port


def socket_entries(conf: Mapping[str, object]) -> list[tuple[KeyPath, Mapping[str, object]]]:
    """Every control socket map with its path below the server map, in file order."""
    out: list[tuple[KeyPath, Mapping[str, object]]] = []
    single = conf.get("control-socket")
    if isinstance(single, Mapping):
        out.append((("control-socket",), single))
    many = conf.get("control-sockets")
    if isinstance(many, list | tuple):
        out.extend(
            (("control-sockets", i), entry)
            for i, entry in enumerate(many)
            if isinstance(entry, Mapping)
        )
    return out


def socket_type(entry: Mapping[str, object]) -> str:
    """The entry's ``socket-type`` ("unix" when absent, as Pukeko has always read it)."""
    kind = entry.get("socket-type", "unix")
    return kind if isinstance(kind, str) else ""


def unix_socket_name(conf: Mapping[str, object]) -> str:
    """The ``socket-name`` of the (first) UNIX control socket, or ''."""
    for _path, entry in socket_entries(conf):
        name = entry.get("socket-name")
        if socket_type(entry) == "unix" and isinstance(name, str):
            return name
    return ""


def http_sockets(conf: Mapping[str, object]) -> tuple[HttpSocket, ...]:
    """The HTTP(S) listeners of a checked configuration's server map."""
    return tuple(
        http_socket(entry)
        for _path, entry in socket_entries(conf)
        if socket_type(entry) in ("http", "https")
    )


def http_socket(entry: Mapping[str, object]) -> HttpSocket:
    """One checked HTTP(S) entry as an :class:`HttpSocket`."""
    auth = _as_mapping(entry.get("authentication"))
    directory = _text(auth.get("directory"))
    clients = tuple(_client(c, directory) for c in _mappings(auth.get("clients")))
    headers = tuple(
        (_text(h.get("name")), _text(h.get("value"))) for h in _mappings(entry.get("http-headers"))
    )
    return HttpSocket(
        address=_address_text(entry),
        port=_port(entry),
        realm=_text(auth.get("realm")),
        clients=clients,
        trust_anchor=_text(entry.get("trust-anchor")),
        cert_file=_text(entry.get("cert-file")),
        key_file=_text(entry.get("key-file")),
        cert_required=entry.get("cert-required", True) is not False,
        headers=headers,
        allow_unauthenticated=entry.get(ALLOW_UNAUTHENTICATED) is True,
    )


def auth_file_path(directory: str, name: str) -> str:
    """Kea's path of an authentication file: ``directory`` + '/' + ``name`` (one slash)."""
    path = directory if directory.endswith("/") else directory + "/"
    return path + (name[1:] if name.startswith("/") else name)


# -- checks -------------------------------------------------------------------------------------


def check_control_sockets(c: Collector, conf: Mapping[str, object], base: KeyPath) -> None:
    """Every error in the control socket entries of one server map."""
    unix_seen = ""
    endpoints: dict[tuple[str, int], KeyPath] = {}
    for sub, entry in socket_entries(conf):
        path = (*base, *sub)
        kind = socket_type(entry)
        if kind not in SOCKET_TYPES:
            c.error(
                (*path, "socket-type"),
                f"unsupported 'socket-type' '{kind}' not 'unix', 'http' or 'https'",
            )
            continue
        if kind == "unix":
            unix_seen = _check_unix(c, entry, path, unix_seen)
            continue
        if not _check_http(c, entry, path, kind):
            continue
        endpoint = (_address_text(entry), _port(entry))
        if endpoint in endpoints:
            c.error(path, f"a second HTTP control socket on {endpoint[0]} port {endpoint[1]}")
        endpoints[endpoint] = path


def _check_unix(c: Collector, entry: Mapping[str, object], path: KeyPath, seen: str) -> str:
    """The UNIX entry rules; the socket name served so far ('' for none)."""
    name = entry.get("socket-name")
    if not isinstance(name, str) or not name:
        c.error(path, "Mandatory 'socket-name' parameter missing")
        return seen
    if seen and name != seen:
        c.error(path, "only one UNIX control socket is supported")
        return seen
    return name


def _check_http(c: Collector, entry: Mapping[str, object], path: KeyPath, kind: str) -> bool:
    """The HTTP(S) rules; False when the address is unusable (no endpoint to compare)."""
    ok = _check_address(c, entry, path)
    _check_tls(c, entry, path, require=kind == "https")
    auth = entry.get("authentication")
    clients = 0
    if isinstance(auth, Mapping):
        clients = _check_auth(c, auth, (*path, "authentication"))
    _check_headers(c, entry.get("http-headers"), (*path, "http-headers"))
    if ok and clients == 0 and entry.get(ALLOW_UNAUTHENTICATED) is not True:
        address = _address_text(entry)
        if not ip_address(address).is_loopback:
            c.error(
                path,
                f"HTTP control socket on {address} has no authentication clients: anyone who "
                f"can reach it controls the server (add 'authentication' clients, or set "
                f"'{ALLOW_UNAUTHENTICATED}': true)",
            )
    return ok


def _check_address(c: Collector, entry: Mapping[str, object], path: KeyPath) -> bool:
    if "socket-name" in entry and "socket-address" in entry:
        c.error(path, "specify both 'socket-name' and 'socket-address' is forbidden")
        return False
    key = "socket-name" if "socket-name" in entry else "socket-address"
    try:
        ip_address(_address_text(entry))
    except ValueError:
        text = entry.get(key)
        c.error((*path, key), f"failed to convert '{text}' to address")
        return False
    return True


def _check_tls(c: Collector, entry: Mapping[str, object], path: KeyPath, *, require: bool) -> None:
    """Kea 3 ``HttpCommandConfig::checkTlsSetup``: all three TLS files or none."""
    names = ("trust-anchor", "cert-file", "key-file")
    given = [bool(_text(entry.get(name))) for name in names]
    if not any(given):
        if require:
            c.error(path, "no TLS setup for a HTTPS control socket")
        return
    for name, present in zip(names, given, strict=True):
        if not present:
            c.error(
                path,
                f"{name} parameter is missing or empty: all or none of TLS parameters must be set",
            )


def _check_auth(c: Collector, auth: Mapping[str, object], path: KeyPath) -> int:
    """Kea's ``BasicHttpAuthConfig::parse`` rules; the number of clients."""
    kind = auth.get("type", "basic")
    if kind != "basic":
        c.error(
            (*path, "type"), "only basic HTTP authentication is supported: type is " + str(kind)
        )
    count = 0
    for i, client in maps(auth.get("clients")):
        _check_client(c, client, (*path, "clients", i))
        count += 1
    return count


def _check_client(c: Collector, client: dict[str, object], path: KeyPath) -> None:
    if "password" in client and "password-file" in client:
        c.error(path, "password and password-file are mutually exclusive")
    if "user" in client and "user-file" in client:
        c.error(path, "user and user-file are mutually exclusive")
    if "user" not in client and "user-file" not in client and "password-file" not in client:
        c.error(path, "user is required in clients items")
    user = client.get("user")
    if isinstance(user, str):
        if not user:
            c.error((*path, "user"), "user must not be empty")
        elif ":" in user:
            c.error((*path, "user"), f"user must not contain a ':': '{user}'")


def _check_headers(c: Collector, headers: object, path: KeyPath) -> None:
    for i, header in maps(headers):
        name, value = _text(header.get("name")), _text(header.get("value"))
        if not _TOKEN.match(name):
            c.error((*path, i, "name"), f"invalid HTTP header name '{name}'")
        if "\r" in value or "\n" in value:
            c.error((*path, i, "value"), "an HTTP header value must not contain line breaks")


# -- small readers ------------------------------------------------------------------------------


def _client(entry: Mapping[str, object], directory: str) -> HttpClient:
    user_file = _text(entry.get("user-file"))
    password_file = _text(entry.get("password-file"))
    return HttpClient(
        user=_text(entry.get("user")),
        user_file=auth_file_path(directory, user_file) if user_file else "",
        password=_text(entry.get("password")),
        password_file=auth_file_path(directory, password_file) if password_file else "",
    )


def _address_text(entry: Mapping[str, object]) -> str:
    raw = entry.get("socket-name", entry.get("socket-address", DEFAULT_ADDRESS))
    text = raw.strip() if isinstance(raw, str) else ""
    try:
        return str(ip_address(text))
    except ValueError:
        return text


def _port(entry: Mapping[str, object]) -> int:
    port = entry.get("socket-port", DEFAULT_PORT)
    return port if isinstance(port, int) and not isinstance(port, bool) else DEFAULT_PORT


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""


def _as_mapping(value: object) -> Mapping[str, object]:
    return value if isinstance(value, Mapping) else as_map(None)


def _mappings(value: object) -> list[Mapping[str, object]]:
    if not isinstance(value, list | tuple):
        return []
    return [item for item in value if isinstance(item, Mapping)]
