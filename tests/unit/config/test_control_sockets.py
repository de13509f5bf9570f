"""control-socket / control-sockets: schema, Kea 3's HTTP rules, Pukeko's safety rule."""

from __future__ import annotations

import json
from typing import Any

import pytest

from pukeko.config.control_sockets import (
    HttpClient,
    HttpSocket,
    auth_file_path,
    http_sockets,
    unix_socket_name,
)
from pukeko.config.errors import ConfigErrors
from pukeko.config.load import load_config

ADMIN = {"user": "admin", "password": "1234"}
TLS = {
    "trust-anchor": "/etc/kea/ca.pem",
    "cert-file": "/etc/kea/c.pem",
    "key-file": "/etc/kea/k.pem",
}


def load(family: int = 6, **server: Any) -> Any:
    return load_config(json.dumps({f"Dhcp{family}": server}), family=family).config


def errors_of(*sockets: dict[str, Any], family: int = 6) -> list[str]:
    with pytest.raises(ConfigErrors) as caught:
        load(family, **{"control-sockets": list(sockets)})
    return [error.message for error in caught.value.errors]


def server_map(config: Any) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if config.control_socket is not None:
        out["control-socket"] = config.control_socket
    if "control-sockets" in config.extra:
        out["control-sockets"] = config.extra["control-sockets"]
    return out


@pytest.mark.parametrize("family", [6, 4])
def test_full_kea3_entry_is_accepted_and_read(family: int) -> None:
    entry = {
        "socket-type": "https",
        "socket-address": "::1",
        "socket-port": 8004,
        "authentication": {
            "type": "basic",
            "realm": "kea-dhcp",
            "directory": "/etc/kea",
            "clients": [ADMIN, {"user-file": "u", "password-file": "/p"}, {"password-file": "up"}],
            "comment": "who may ask",
        },
        **TLS,
        "cert-required": False,
        "http-headers": [{"name": "Strict-Transport-Security", "value": "max-age=31536000"}],
        "user-context": {"site": 3},
    }
    unix = {"socket-type": "unix", "socket-name": "/run/kea/kea6.sock"}
    config = load(family, **{"control-sockets": [unix, entry]})
    (spec,) = http_sockets(server_map(config))
    assert spec == HttpSocket(
        address="::1",
        port=8004,
        realm="kea-dhcp",
        clients=(
            HttpClient(user="admin", password="1234"),
            HttpClient(user_file="/etc/kea/u", password_file="/etc/kea/p"),
            HttpClient(password_file="/etc/kea/up"),
        ),
        trust_anchor="/etc/kea/ca.pem",
        cert_file="/etc/kea/c.pem",
        key_file="/etc/kea/k.pem",
        cert_required=False,
        headers=(("Strict-Transport-Security", "max-age=31536000"),),
    )
    assert spec.tls and spec.endpoint == ("::1", 8004)
    assert unix_socket_name(server_map(config)) == "/run/kea/kea6.sock"


def test_defaults_are_kea3s() -> None:
    config = load(**{"control-socket": {"socket-type": "http"}})
    (spec,) = http_sockets(server_map(config))
    assert (spec.address, spec.port, spec.cert_required, spec.tls) == (
        "127.0.0.1",
        8000,
        True,
        False,
    )
    # Kea 2.2's form keeps working: a UNIX socket, type optional
    config = load(**{"control-socket": {"socket-name": "/tmp/k.sock"}})
    assert unix_socket_name(server_map(config)) == "/tmp/k.sock"
    assert http_sockets(server_map(config)) == ()


def test_socket_name_is_an_alias_of_socket_address_for_http() -> None:
    config = load(**{"control-sockets": [{"socket-type": "http", "socket-name": "127.0.0.2"}]})
    (spec,) = http_sockets(server_map(config))
    assert spec.address == "127.0.0.2"
    assert unix_socket_name(server_map(config)) == ""


def test_unauthenticated_listener_on_non_loopback_is_refused() -> None:
    (message,) = errors_of({"socket-type": "http", "socket-address": "0.0.0.0"})
    assert "0.0.0.0 has no authentication clients" in message
    assert "pukeko-allow-unauthenticated" in message
    (message,) = errors_of(
        {"socket-type": "http", "socket-address": "2001:db8::1", "authentication": {"clients": []}}
    )
    assert "2001:db8::1 has no authentication clients" in message


def test_unauthenticated_listener_allowed_on_loopback_or_when_asked() -> None:
    for entry in (
        {"socket-type": "http", "socket-address": "127.0.0.1"},
        {"socket-type": "http", "socket-address": "::1", "socket-port": 8001},
        {
            "socket-type": "http",
            "socket-address": "0.0.0.0",
            "socket-port": 8002,
            "pukeko-allow-unauthenticated": True,
        },
        {
            "socket-type": "http",
            "socket-address": "0.0.0.0",
            "socket-port": 8003,
            "authentication": {"type": "basic", "clients": [ADMIN]},
        },
    ):
        load(**{"control-sockets": [entry]})


def test_tls_files_all_or_none_and_https_needs_them() -> None:
    assert errors_of({"socket-type": "https"}) == ["no TLS setup for a HTTPS control socket"]
    messages = errors_of({"socket-type": "http", "cert-file": "/c.pem"})
    assert messages == [
        "trust-anchor parameter is missing or empty: all or none of TLS parameters must be set",
        "key-file parameter is missing or empty: all or none of TLS parameters must be set",
    ]


def test_authentication_client_rules_follow_kea() -> None:
    messages = errors_of(
        {
            "socket-type": "http",
            "authentication": {
                "type": "digest",
                "clients": [
                    {"user": "a", "user-file": "f", "password": "x", "password-file": "p"},
                    {"password": "nobody"},
                    {"user": ""},
                    {"user": "a:b"},
                ],
            },
        }
    )
    assert messages == [
        "only basic HTTP authentication is supported: type is digest",
        "password and password-file are mutually exclusive",
        "user and user-file are mutually exclusive",
        "user is required in clients items",
        "user must not be empty",
        "user must not contain a ':': 'a:b'",
    ]


def test_bad_type_address_duplicates_and_headers() -> None:
    messages = errors_of(
        {"socket-type": "tcp"},
        {"socket-type": "http", "socket-address": "not-an-address"},
        {"socket-type": "http", "socket-address": "127.0.0.1", "socket-name": "127.0.0.1"},
        {"socket-type": "http"},
        {"socket-type": "http", "socket-address": "127.0.0.1", "socket-port": 8000},
        {"socket-type": "unix"},
        {"socket-type": "unix", "socket-name": "/a"},
        {"socket-type": "unix", "socket-name": "/a"},  # the same socket twice is one socket
        {"socket-type": "unix", "socket-name": "/b"},
        {
            "socket-type": "http",
            "socket-port": 9000,
            "http-headers": [{"name": "Bad Header", "value": "x"}, {"name": "X", "value": "a\nb"}],
        },
    )
    assert messages == [
        "unsupported 'socket-type' 'tcp' not 'unix', 'http' or 'https'",
        "failed to convert 'not-an-address' to address",
        "specify both 'socket-name' and 'socket-address' is forbidden",
        "a second HTTP control socket on 127.0.0.1 port 8000",
        "Mandatory 'socket-name' parameter missing",
        "only one UNIX control socket is supported",
        "invalid HTTP header name 'Bad Header'",
        "an HTTP header value must not contain line breaks",
    ]


def test_schema_types_are_checked() -> None:
    with pytest.raises(ConfigErrors) as caught:
        load(**{"control-sockets": [{"socket-type": "http", "socket-port": 70000}]})
    assert "socket-port" in str(caught.value)
    with pytest.raises(ConfigErrors) as caught:
        load(**{"control-sockets": [{"socket-type": "http", "authentication": {"clientz": []}}]})
    assert "clientz" in str(caught.value)


def test_auth_file_path_joins_like_kea() -> None:
    assert auth_file_path("", "pw") == "/pw"
    assert auth_file_path("/etc/kea", "pw") == "/etc/kea/pw"
    assert auth_file_path("/etc/kea/", "/pw") == "/etc/kea/pw"
