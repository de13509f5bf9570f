"""Answer maps and Kea's JSON text rendering."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Coroutine
from typing import Any, TypeVar

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pukeko.control.answers import (
    CONTROL_RESULT_COMMAND_UNSUPPORTED,
    CONTROL_RESULT_EMPTY,
    CONTROL_RESULT_ERROR,
    CONTROL_RESULT_SUCCESS,
    RENDER_SLICE,
    answer,
    built_in_slices,
    error,
    is_answer,
    success,
    to_kea_json,
    to_kea_json_yielding,
)


def test_result_codes_are_keas() -> None:
    assert (
        CONTROL_RESULT_SUCCESS,
        CONTROL_RESULT_ERROR,
        CONTROL_RESULT_COMMAND_UNSUPPORTED,
        CONTROL_RESULT_EMPTY,
    ) == (0, 1, 2, 3)


def test_answer_leaves_out_empty_parts() -> None:
    assert answer(0) == {"result": 0}
    assert success("ok") == {"result": 0, "text": "ok"}
    assert success(arguments=[]) == {"arguments": [], "result": 0}
    assert answer(3, "No config backend.") == {"result": 3, "text": "No config backend."}
    assert error("bad") == {"result": 1, "text": "bad"}


def test_failure_needs_text() -> None:
    with pytest.raises(ValueError, match="Text has to be provided"):
        answer(1)


@pytest.mark.parametrize(
    ("value", "ok"),
    [({"result": 0}, True), ({"result": True}, False), ({"text": "x"}, False), ([], False)],
)
def test_is_answer(value: Any, ok: bool) -> None:
    assert is_answer(value) is ok


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (
            {"text": "x", "result": 0, "arguments": {}},
            '{ "arguments": {  }, "result": 0, "text": "x" }',
        ),
        ({"a": [1, [2, []], None, True, False]}, '{ "a": [ 1, [ 2, [  ] ], null, true, false ] }'),
        (
            {"f": [1.0, 0.5, 1e6, 123456789.0, 1e-7]},
            '{ "f": [ 1.0, 0.5, 1e+06.0, 1.23457e+08, 1e-07.0 ] }',
        ),
        ({"s": 'q"b\\s\n\t\x01/'}, '{ "s": "q\\"b\\\\s\\n\\t\\u0001/" }'),
        ({"s": "é\x7f"}, '{ "s": "\\u00c3\\u00a9\\u007f" }'),
    ],
)
def test_kea_json_text(value: Any, text: str) -> None:
    assert to_kea_json(value) == text


def test_kea_json_is_json_for_ascii() -> None:
    value = {"z": {"b": [1, "two", {"c": None}]}, "a": -3}
    assert json.loads(to_kea_json(value)) == value


def test_kea_json_rejects_unknown_types() -> None:
    with pytest.raises(TypeError):
        to_kea_json({"x": object()})


R = TypeVar("R")

JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=5), inner),
    max_leaves=30,
)


@settings(max_examples=200, deadline=None)
@given(JSON)
def test_yielding_render_is_the_same_text(value: object) -> None:
    assert asyncio.run(to_kea_json_yielding(value)) == to_kea_json(value)


def with_turns_counted(work: Coroutine[Any, Any, R]) -> tuple[R, int]:
    """``work``'s result, and how often another task ran while it did."""

    async def main() -> tuple[R, int]:
        turns = 0
        done = False

        async def count() -> None:
            nonlocal turns
            while not done:
                turns += 1
                await asyncio.sleep(0)

        counter = asyncio.create_task(count())
        await asyncio.sleep(0)
        result = await work
        done = True
        await counter
        return result, turns

    return asyncio.run(main())


def test_yielding_render_gives_the_loop_turns_during_a_long_list() -> None:
    leases = [{"ip-address": f"2001:db8::{i:x}", "valid-lft": 3600} for i in range(1000)]
    answer = {"result": 0, "text": "1000 IPv6 lease(s) found.", "arguments": {"leases": leases}}
    text, turns = with_turns_counted(to_kea_json_yielding(answer))
    assert text == to_kea_json(answer)
    assert turns >= 1000 // RENDER_SLICE  # the other task ran between slices


def reference(value: object) -> str:
    """Kea's Element::str() written plainly (lib/cc/data.cc): the renderer's specification."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        return (
            json.dumps(value)[1:-1].join('""')
            if value.isascii() and value.isprintable()
            else ('"' + "".join(_kea_char(b) for b in value.encode("utf-8", "surrogatepass")) + '"')
        )
    if isinstance(value, dict):
        return (
            "{ "
            + ", ".join(f"{reference(str(k))}: {reference(value[k])}" for k in sorted(value))
            + " }"
        )
    assert isinstance(value, list)
    return "[ " + ", ".join(reference(v) for v in value) + " ]"


def _kea_char(byte: int) -> str:
    named = {0x22: '\\"', 0x5C: "\\\\", 0x08: "\\b", 0x0C: "\\f", 0x0A: "\\n", 0x0D: "\\r"}
    named[0x09] = "\\t"
    if byte in named:
        return named[byte]
    return f"\\u{byte:04x}" if byte < 0x20 or byte >= 0x7F else chr(byte)


@settings(max_examples=300, deadline=None)
@given(JSON)
def test_render_matches_keas_element_text(value: object) -> None:
    assert to_kea_json(value) == reference(value)


def test_built_in_slices_gives_the_loop_turns_and_keeps_order() -> None:
    built, turns = with_turns_counted(built_in_slices(list(range(1000)), lambda n: n * 2))
    assert built == [n * 2 for n in range(1000)]
    assert turns >= 1000 // RENDER_SLICE
