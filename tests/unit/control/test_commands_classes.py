"""class-* commands (class_cmds) against an in-process daemon."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from tests.support.control_daemon6 import Running, run_daemon

CLASSES = [
    {"name": "voip", "test": "substring(option[1].hex, 0, 2) == 0x0001"},
    {"name": "known-voip", "test": "member('voip') and member('KNOWN')"},
]


def run(tmp: Path, test: Any, classes: list[Any] | None = None) -> None:
    run_daemon(tmp, test, **{"client-classes": CLASSES if classes is None else classes})


def names(r: Running) -> list[str]:
    return [c.name for c in r.daemon.running_config().client_classes]


def test_list_and_get(tmp_path: Path) -> None:
    async def check(r: Running) -> None:
        assert await r.command("class-list") == {
            "arguments": {"client-classes": [{"name": "voip"}, {"name": "known-voip"}]},
            "result": 0,
            "text": "2 classes found",
        }
        got = await r.command("class-get", {"name": "voip"})
        assert got == {
            "arguments": {"client-classes": [{**CLASSES[0], "option-data": []}]},
            "result": 0,
            "text": "Class 'voip' definition returned",
        }

    run(tmp_path, check)


def test_list_empty(tmp_path: Path) -> None:
    async def check(r: Running) -> None:
        assert await r.command("class-list") == {
            "arguments": {"client-classes": []},
            "result": 3,
            "text": "0 classes found",
        }

    run(tmp_path, check, [])


def test_add_update_del(tmp_path: Path) -> None:
    async def check(r: Running) -> None:
        new = {"name": "pxe", "test": "member('voip')", "option-data": [
            {"name": "dns-servers", "data": "2001:db8::53"}]}  # fmt: skip
        assert await r.command("class-add", {"client-classes": [new]}) == {
            "result": 0,
            "text": "Class 'pxe' added",
        }
        assert names(r) == ["voip", "known-voip", "pxe"]
        shown = (await r.command("class-get", {"name": "pxe"}))["arguments"]["client-classes"][0]
        assert shown["option-data"][0]["code"] == 23
        update = {"name": "voip", "test": "option[1].exists"}
        assert await r.command("class-update", {"client-classes": [update]}) == {
            "result": 0,
            "text": "Class 'voip' updated",
        }
        assert names(r) == ["voip", "known-voip", "pxe"]  # kept its place
        assert r.daemon.running_config().client_classes[0].test == "option[1].exists"
        assert await r.command("class-del", {"name": "pxe"}) == {
            "result": 0,
            "text": "Class 'pxe' deleted",
        }
        assert names(r) == ["voip", "known-voip"]

    run(tmp_path, check)


@pytest.mark.parametrize(
    ("arguments", "text"),
    [
        (None, "no arguments specified for the 'class-add' command"),
        ([], "arguments specified for the 'class-add' command are not a map"),
        ({}, "arguments must not be empty for the 'class-add' command"),
        ({"client-classes": [], "bogus": True},
         "invalid number of arguments 2 for the 'class-add' command. Expecting "
          "'client-classes' list"),
        ({"client-class": []}, "missing 'client-classes' argument for the 'class-add' command"),
        ({"client-classes": "foo"},
         "'client-classes' argument specified for the 'class-add' command is not a list"),
        ({"client-classes": []},
         "invalid number of classes specified for the 'class-add' command. Expected one class"),
        ({"client-classes": ["foobar"]},
         "invalid class definition specified for the 'class-add' command. Expected a map"),
        ({"client-classes": [{"name": "voip"}]},
         "Can't add class: Client Class: voip has already been defined"),
        ({"client-classes": [{"name": "KNOWN", "test": "option[1].exists"}]},
         "built-in class 'KNOWN' test expression must be empty"),
        ({"client-classes": [{"name": "x", "test": "member('later')"}]}, "member('later')"),
        ({"client-classes": [{"name": "x", "bogus-parameter": 1}]}, "bogus-parameter"),
    ],
)  # fmt: skip
def test_add_errors(tmp_path: Path, arguments: Any, text: str) -> None:
    async def check(r: Running) -> None:
        got = await r.command("class-add", arguments)
        assert got["result"] == 1 and text in got["text"], got
        assert names(r) == ["voip", "known-voip"]

    run(tmp_path, check)


def test_update_errors(tmp_path: Path) -> None:
    async def check(r: Running) -> None:
        unknown = {"client-classes": [{"name": "nope"}]}
        assert await r.command("class-update", unknown) == {
            "result": 3,
            "text": "Class 'nope' is not found",
        }
        nameless = {"client-classes": [{"test": "option[1].exists"}]}
        assert await r.command("class-update", nameless) == {
            "result": 1,
            "text": "the first class definition is missing a mandatory 'name' parameter",
        }
        known = {"client-classes": [{"name": "voip", "test": "member('UNKNOWN')"}]}
        got = await r.command("class-update", known)
        assert got["result"] == 1
        assert got["text"].startswith(
            "modification of the class 'voip' would affect its dependency"
        )
        later = {"client-classes": [{"name": "voip", "test": "member('known-voip')"}]}
        assert (await r.command("class-update", later))["result"] == 1
        assert r.daemon.running_config().client_classes[0].test == CLASSES[0]["test"]

    run(tmp_path, check)


@pytest.mark.parametrize(
    ("arguments", "result", "text"),
    [
        ({"name": "voip"}, 1, "Class 'voip' is used by class 'known-voip'"),
        ({"name": "ALL"}, 3, "Class 'ALL' not found"),
        ({"name": "nope"}, 3, "Class 'nope' not found"),
        ({"name": 1}, 1, "'name' argument specified for the 'class-del' command is not a string"),
        ({"id": 1}, 1, "missing 'name' argument for the 'class-del' command"),
        ({"name": "a", "id": 1}, 1,
         "invalid number of arguments 2 for the 'class-del' command. Expecting 'name' string"),
    ],
)  # fmt: skip
def test_del_errors(tmp_path: Path, arguments: Any, result: int, text: str) -> None:
    async def check(r: Running) -> None:
        assert await r.command("class-del", arguments) == {"result": result, "text": text}
        assert names(r) == ["voip", "known-voip"]

    run(tmp_path, check)


@pytest.mark.parametrize(
    ("arguments", "result", "text"),
    [
        ({"name": "nope"}, 3, "Class 'nope' not found"),
        ({"name": []}, 1, "'name' argument specified for the 'class-get' command is not a string"),
        (None, 1, "no arguments specified for the 'class-get' command"),
    ],
)
def test_get_errors(tmp_path: Path, arguments: Any, result: int, text: str) -> None:
    async def check(r: Running) -> None:
        assert await r.command("class-get", arguments) == {"result": result, "text": text}

    run(tmp_path, check)
