"""Kea's control-channel answers: result codes, the answer map, and Kea's JSON text rendering.

An answer is ``{"result": int, "text": str, "arguments": ...}``; ``text`` is left out when empty
and ``arguments`` when absent, and a failure must carry a text (Kea 2.2
``lib/cc/command_interpreter.cc`` createAnswer). Kea sends ``Element::str()`` text: map keys in
sorted order, ``{ "a": 1 }`` / ``[ 1, 2 ]`` spacing, non-ASCII bytes as ``\\u00XX``.
"""

from __future__ import annotations

import asyncio
import math
from typing import Any

# Kea 2.2 lib/cc/command_interpreter.h
CONTROL_RESULT_SUCCESS = 0
CONTROL_RESULT_ERROR = 1
CONTROL_RESULT_COMMAND_UNSUPPORTED = 2
CONTROL_RESULT_EMPTY = 3

CONTROL_COMMAND = "command"
CONTROL_RESULT = "result"
CONTROL_TEXT = "text"
CONTROL_ARGUMENTS = "arguments"
CONTROL_SERVICE = "service"
CONTROL_REMOTE_ADDRESS = "remote-address"

Answer = dict[str, Any]


def answer(result: int, text: str = "", arguments: Any = None) -> Answer:
    """Build an answer map; a non-zero ``result`` needs a ``text`` (as Kea insists)."""
    if result != CONTROL_RESULT_SUCCESS and not text:
        raise ValueError("Text has to be provided for status_code != 0")
    out: Answer = {}
    if arguments is not None:
        out[CONTROL_ARGUMENTS] = arguments
    out[CONTROL_RESULT] = result
    if text:
        out[CONTROL_TEXT] = text
    return out


def success(text: str = "", arguments: Any = None) -> Answer:
    """A result 0 answer."""
    return answer(CONTROL_RESULT_SUCCESS, text, arguments)


def error(text: str) -> Answer:
    """A result 1 answer with ``text``."""
    return answer(CONTROL_RESULT_ERROR, text)


def is_answer(value: object) -> bool:
    """True when ``value`` has an answer's shape (a map with an integer ``result``)."""
    if not isinstance(value, dict):
        return False
    result = value.get(CONTROL_RESULT)
    return isinstance(result, int) and not isinstance(result, bool)


def to_kea_json(value: Any) -> str:
    """Render JSON exactly as Kea's ``Element::str()`` does (lib/cc/data.cc toJSON)."""
    parts: list[str] = []
    _render(value, parts)
    return "".join(parts)


# Items of a long list rendered between two yields to the event loop (~5 ms of leases).
RENDER_SLICE = 200


async def to_kea_json_yielding(value: Any) -> str:
    """:func:`to_kea_json`, giving the event loop a turn every :data:`RENDER_SLICE` items of
    a long list in the answer's top levels (``arguments.leases`` of ten thousand leases), so
    DHCP traffic is served while a large answer is rendered."""
    parts: list[str] = []
    await _render_yielding(value, parts, depth=0)
    return "".join(parts)


async def _render_yielding(value: Any, out: list[str], depth: int) -> None:
    if isinstance(value, dict) and depth < 2:
        out.append("{ ")
        for index, key in enumerate(sorted(value)):
            if index:
                out.append(", ")
            out.append(_string_text(str(key)) + ": ")
            await _render_yielding(value[key], out, depth + 1)
        out.append(" }")
    elif isinstance(value, list | tuple) and len(value) > RENDER_SLICE:
        out.append("[ ")
        for index, item in enumerate(value):
            if index:
                out.append(", ")
                if index % RENDER_SLICE == 0:
                    await asyncio.sleep(0)
            _render(item, out)
        out.append(" ]")
    else:
        _render(value, out)


def _render(value: Any, out: list[str]) -> None:
    if value is None:
        out.append("null")
    elif isinstance(value, bool):
        out.append("true" if value else "false")
    elif isinstance(value, int):
        out.append(str(value))
    elif isinstance(value, float):
        out.append(_double_text(value))
    elif isinstance(value, str):
        out.append(_string_text(value))
    elif isinstance(value, dict):
        _render_map(value, out)
    elif isinstance(value, list | tuple):
        _render_list(value, out)
    else:
        raise TypeError(f"cannot render {type(value).__name__} as JSON")


def _render_map(value: dict[Any, Any], out: list[str]) -> None:
    out.append("{ ")
    for index, key in enumerate(sorted(value)):
        if index:
            out.append(", ")
        out.append(_string_text(str(key)) + ": ")
        _render(value[key], out)
    out.append(" }")


def _render_list(value: list[Any] | tuple[Any, ...], out: list[str]) -> None:
    out.append("[ ")
    for index, item in enumerate(value):
        if index:
            out.append(", ")
        _render(item, out)
    out.append(" ]")


_ESCAPES = {'"': '\\"', "\\": "\\\\", "\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r"}
_ESCAPES["\t"] = "\\t"


def _string_text(text: str) -> str:
    """Kea escapes control characters and every byte >= 0x7f of the UTF-8 text as \\u00XX."""
    if text.isascii() and text.isprintable() and '"' not in text and "\\" not in text:
        return f'"{text}"'
    chars: list[str] = []
    for byte in text.encode("utf-8", "surrogatepass"):
        char = chr(byte)
        if char in _ESCAPES:
            chars.append(_ESCAPES[char])
        elif byte < 0x20 or byte >= 0x7F:
            chars.append(f"\\u{byte:04x}")
        else:
            chars.append(char)
    return '"' + "".join(chars) + '"'


def _double_text(value: float) -> str:
    """C++ ``ostream << double`` (6 significant digits), plus ``.0`` when there is no dot."""
    if math.isnan(value):
        text = "nan" if math.copysign(1.0, value) > 0 else "-nan"
    elif math.isinf(value):
        text = "inf" if value > 0 else "-inf"
    else:
        text = f"{value:g}"
    return text if "." in text else text + ".0"
