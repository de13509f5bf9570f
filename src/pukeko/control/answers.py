"""Kea's control-channel answers: result codes, the answer map, and Kea's JSON text rendering.

An answer is ``{"result": int, "text": str, "arguments": ...}``; ``text`` is left out when empty
and ``arguments`` when absent, and a failure must carry a text (Kea 2.2
``lib/cc/command_interpreter.cc`` createAnswer). Kea sends ``Element::str()`` text: map keys in
sorted order, ``{ "a": 1 }`` / ``[ 1, 2 ]`` spacing, non-ASCII bytes as ``\\u00XX``.
"""

from __future__ import annotations

import asyncio
import math
from collections.abc import Callable, Sequence
from functools import lru_cache
from typing import Any, TypeVar

T = TypeVar("T")
R = TypeVar("R")

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


def errors_text(errors: list[str]) -> str:
    """Every error of a refused change, one per line (Kea reports only the first)."""
    return "\n".join(errors)


def to_kea_json(value: Any) -> str:
    """Render JSON exactly as Kea's ``Element::str()`` does (lib/cc/data.cc toJSON)."""
    return _text(value)


# Items of a long list rendered between two yields to the event loop (~5 ms of leases).
RENDER_SLICE = 200


async def built_in_slices(items: Sequence[T], build: Callable[[T], R]) -> list[R]:
    """``[build(item) for item in items]``, with a turn for the event loop between slices of
    :data:`RENDER_SLICE` (the answer maps of thousands of leases or hosts)."""
    out: list[R] = []
    for start in range(0, len(items), RENDER_SLICE):
        if start:
            await asyncio.sleep(0)
        out.extend(build(item) for item in items[start : start + RENDER_SLICE])
    return out


async def to_kea_json_yielding(value: Any) -> str:
    """:func:`to_kea_json`, giving the event loop a turn every :data:`RENDER_SLICE` items of
    a long list in the answer's top levels (``arguments.leases`` of ten thousand leases), so
    DHCP traffic is served while a large answer is rendered."""
    return await _text_yielding(value, depth=0)


async def _text_yielding(value: Any, depth: int) -> str:
    if isinstance(value, dict) and depth < 2:
        if not value:
            return "{  }"
        items: list[str] = []
        for index, key in enumerate(sorted(value)):
            if index and index % RENDER_SLICE == 0:
                await asyncio.sleep(0)  # statistic-get-all: a map of thousands of statistics
            items.append(_key_text(key) + await _text_yielding(value[key], depth + 1))
        return "{ " + ", ".join(items) + " }"
    if isinstance(value, list | tuple) and len(value) > RENDER_SLICE:
        texts: list[str] = []
        for start in range(0, len(value), RENDER_SLICE):
            if start:
                await asyncio.sleep(0)
            texts.extend(_text(item) for item in value[start : start + RENDER_SLICE])
        return "[ " + ", ".join(texts) + " ]"
    return _text(value)


def _text(value: Any) -> str:
    """One JSON value as Kea prints it (exact types first, then their subclasses)."""
    render = _BY_TYPE.get(type(value))
    if render is not None:
        return render(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return _double_text(value)
    if isinstance(value, str):
        return _string_text(value)
    if isinstance(value, dict):
        return _map_text(value)
    if isinstance(value, list | tuple):
        return _list_text(value)
    raise TypeError(f"cannot render {type(value).__name__} as JSON")


def _map_text(value: dict[Any, Any]) -> str:
    if not value:
        return "{  }"
    return "{ " + ", ".join([_key_text(key) + _text(value[key]) for key in sorted(value)]) + " }"


def _list_text(value: list[Any] | tuple[Any, ...]) -> str:
    if not value:
        return "[  ]"
    return "[ " + ", ".join([_text(item) for item in value]) + " ]"


@lru_cache(maxsize=4096)
def _key_text(key: object) -> str:
    """``"key": `` (map keys repeat in every lease, host or subnet of an answer)."""
    return _string_text(str(key)) + ": "


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


_BY_TYPE: dict[type, Callable[[Any], str]] = {
    str: lambda v: _string_text(v),
    int: str,
    bool: lambda v: "true" if v else "false",
    type(None): lambda v: "null",
    float: lambda v: _double_text(v),
    dict: _map_text,
    list: _list_text,
    tuple: _list_text,
}
