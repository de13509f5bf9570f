"""The daemon's own commands: Kea 2.2's argument checks, answers and texts."""

from __future__ import annotations

from typing import Any

import pytest
from tests.support.control_fake import FakeServer, make_context, run

from pukeko.control.commands_core import CONFIG_SET_OK, CONFIG_TEST_OK


def _call(
    command: str, arguments: Any = None, server: FakeServer | None = None, family: int = 6
) -> tuple[dict[str, Any], FakeServer]:
    server = server or FakeServer()
    ctx = make_context(family, server)
    message: dict[str, Any] = {"command": command}
    if arguments is not None:
        message["arguments"] = arguments
    return run(ctx, message), server


def test_build_report() -> None:
    got, _ = _call("build-report")
    assert got == {"result": 0, "text": "Pukeko configuration report"}


def test_version_get() -> None:
    got, _ = _call("version-get")
    assert got == {
        "arguments": {"extended": "0.1.0\nrelease\nlinked with:\nCPython 3.11"},
        "result": 0,
        "text": "0.1.0",
    }


def test_config_get_returns_running_config_without_text() -> None:
    got, _ = _call("config-get")
    assert got == {"arguments": {"Dhcp6": {"server-tag": "x"}}, "result": 0}


def test_status_get_kea_keys() -> None:
    got, _ = _call("status-get")
    assert got == {
        "arguments": {
            "multi-threading-enabled": False,
            "pid": 4242,
            "reload": 5,
            "sockets": {"status": "ready"},
            "uptime": 10,
        },
        "result": 0,
    }


def test_server_tag_get_and_config_backend_pull() -> None:
    assert _call("server-tag-get")[0] == {"arguments": {"server-tag": "x"}, "result": 0}
    assert _call("config-backend-pull")[0] == {"result": 3, "text": "No config backend."}


@pytest.mark.parametrize("command", ["config-set", "config-test"])
@pytest.mark.parametrize(
    ("arguments", "text"),
    [
        (None, "Missing mandatory 'arguments' parameter."),
        ({}, "Missing mandatory 'Dhcp6' parameter."),
        ({"Dhcp4": {}}, "Missing mandatory 'Dhcp6' parameter."),
        ({"Dhcp6": []}, "'Dhcp6' parameter expected to be a map."),
        ({"Dhcp6": {}, "b": 1, "a": 2}, "Unsupported 'a' parameter (and 'b')."),
        ({"Dhcp6": {}, "Logging": {}}, "Unsupported 'Logging' parameter."),
    ],
)
def test_config_set_and_test_argument_checks(command: str, arguments: Any, text: str) -> None:
    got, server = _call(command, arguments)
    assert got == {"result": 1, "text": text}
    assert server.calls == []  # nothing reached the daemon


def test_config_arguments_not_a_map() -> None:
    got, _ = _call("config-set", [1])
    assert got == {
        "result": 1,
        "text": "Error during command processing: get(string) called on a non-map Element",
    }


def test_config_test_success_and_failure() -> None:
    config: dict[str, Any] = {"Dhcp6": {"subnet6": []}}
    got, server = _call("config-test", config)
    assert got == {"result": 0, "text": CONFIG_TEST_OK}
    assert server.calls == [("config_test", config)]
    got, _ = _call("config-test", config, FakeServer(errors=["a: bad", "b: worse"]))
    assert got == {"result": 1, "text": "a: bad\nb: worse"}


def test_config_set_applies_or_keeps_running_config() -> None:
    server = FakeServer()
    new = {"Dhcp6": {"server-tag": "new"}}
    got, _ = _call("config-set", new, server)
    assert got == {"result": 0, "text": CONFIG_SET_OK}
    assert server.config == new
    server.errors = ["Dhcp6.subnet6[0].subnet: not a prefix"]
    got, _ = _call("config-set", {"Dhcp6": {"server-tag": "bad"}}, server)
    assert got == {"result": 1, "text": "Dhcp6.subnet6[0].subnet: not a prefix"}
    assert server.config == new  # the running configuration keeps serving


def test_dhcp4_uses_its_own_key() -> None:
    got, _ = _call("config-test", {"Dhcp6": {}}, family=4)
    assert got == {"result": 1, "text": "Missing mandatory 'Dhcp4' parameter."}
    assert _call("config-test", {"Dhcp4": {}}, family=4)[0]["result"] == 0


def test_config_reload() -> None:
    got, server = _call("config-reload")
    assert got == {"result": 0, "text": CONFIG_SET_OK}
    assert server.calls == [("config_reload",)]
    got, _ = _call("config-reload", None, FakeServer(errors=["x: y"]))
    assert got == {
        "result": 1,
        "text": "Config reload failed: configuration error using file "
        "'/etc/pukeko/pukeko-dhcp6.conf': x: y",
    }


def test_config_write_default_and_explicit_file() -> None:
    got, _ = _call("config-write")
    assert got == {
        "arguments": {"filename": "/etc/pukeko/pukeko-dhcp6.conf", "size": 123},
        "result": 0,
        "text": "Configuration written to /etc/pukeko/pukeko-dhcp6.conf successful",
    }
    got, server = _call("config-write", {"filename": "/tmp/x.json"})
    assert got["arguments"] == {"filename": "/tmp/x.json", "size": 123}
    assert server.calls == [("config_write", "/tmp/x.json")]


@pytest.mark.parametrize(
    ("arguments", "text"),
    [
        ([1], "Argument must be a map"),
        ({"filename": 5}, "passed parameter 'filename' is not a string"),
    ],
)
def test_config_write_bad_arguments(arguments: Any, text: str) -> None:
    assert _call("config-write", arguments)[0] == {"result": 1, "text": text}


def test_config_write_without_any_filename() -> None:
    got, _ = _call("config-write", {}, FakeServer(config_file=""))
    assert got == {
        "result": 1,
        "text": "Unable to determine filename.Please specify filename explicitly.",
    }


def test_config_write_io_error() -> None:
    server = FakeServer(write_error=PermissionError(13, "Permission denied"))
    got, _ = _call("config-write", {"filename": "/root/x"}, server)
    assert got == {
        "result": 1,
        "text": "Error during write-config:Unable to open file /root/x for writing: "
        "Permission denied",
    }


def test_dhcp_disable_plain_and_with_period() -> None:
    got, server = _call("dhcp-disable")
    assert got == {"result": 0, "text": "DHCPv6 service disabled"}
    assert server.calls == [("dhcp_disable", None, "user")]
    got, server = _call("dhcp-disable", {"max-period": 5, "origin": "ha-partner"})
    assert got == {"result": 0, "text": "DHCPv6 service disabled for 5 seconds"}
    assert server.calls == [("dhcp_disable", 5, "ha-partner")]
    assert _call("dhcp-disable", family=4)[0]["text"] == "DHCPv4 service disabled"


@pytest.mark.parametrize(
    ("arguments", "text"),
    [
        ([1], "arguments for the 'dhcp-disable' command must be a map"),
        ({"max-period": "x"}, "'max-period' argument must be a number"),
        ({"max-period": True}, "'max-period' argument must be a number"),
        ({"max-period": 0}, "'max-period' must be positive integer"),
        ({"origin": 5}, "'origin' argument must be a string"),
        ({"origin": "me"}, "invalid value used for 'origin' parameter: me"),
        # Kea streams both problems into one text, without a separator
        (
            {"max-period": "x", "origin": 5},
            "'max-period' argument must be a number'origin' argument must be a string",
        ),
        (
            {"max-period": -1, "origin": ""},
            "'max-period' must be positive integerinvalid value used for 'origin' parameter: "
            "(empty string)",
        ),
    ],
)
def test_dhcp_disable_errors(arguments: Any, text: str) -> None:
    got, server = _call("dhcp-disable", arguments)
    assert got == {"result": 1, "text": text}
    assert server.calls == []


def test_dhcp_enable() -> None:
    got, server = _call("dhcp-enable", {"origin": "ha-partner"})
    assert got == {"result": 0, "text": "DHCP service successfully enabled"}
    assert server.calls == [("dhcp_enable", "ha-partner")]
    assert _call("dhcp-enable", [1])[0] == {
        "result": 1,
        "text": "arguments for the 'dhcp-enable' command must be a map",
    }
    assert _call("dhcp-enable", {"origin": ""})[0]["text"] == (
        "invalid value used for 'origin' parameter: (empty string)"
    )


@pytest.mark.parametrize(
    ("arguments", "text"),
    [
        (None, "Missing mandatory 'remove' parameter."),
        ({}, "Missing mandatory 'remove' parameter."),
        ({"remove": 1}, "'remove' parameter expected to be a boolean."),
        ([], "Error during command processing: get(string) called on a non-map Element"),
    ],
)
def test_leases_reclaim_errors(arguments: Any, text: str) -> None:
    got, server = _call("leases-reclaim", arguments)
    assert got == {"result": 1, "text": text}
    assert server.calls == []


@pytest.mark.parametrize("remove", [True, False])
def test_leases_reclaim(remove: bool) -> None:
    got, server = _call("leases-reclaim", {"remove": remove})
    assert got == {"result": 0, "text": "Reclamation of expired leases is complete."}
    assert server.calls == [("leases_reclaim", remove)]


def test_shutdown() -> None:
    got, server = _call("shutdown")
    assert got == {"result": 0, "text": "Shutting down."}
    assert server.calls == [("shutdown", 0)]
    got, server = _call("shutdown", {"exit-value": 3})
    assert server.calls == [("shutdown", 3)]
    assert _call("shutdown", [1])[0] == {"result": 1, "text": "Argument must be a map"}
    got, server = _call("shutdown", {"exit-value": "a"})
    assert got == {"result": 1, "text": "parameter 'exit-value' is not an integer"}
    assert server.calls == []
