"""Kea 2.2's string functions of classification expressions (``src/lib/eval/token.cc``).

Each builder takes compiled operand closures and returns the closure of the function:
``substring``, ``split``, ``hexstring``, the ``*totext`` conversions and the ``lcase`` /
``ucase`` extension. Failures Kea reports by throwing raise :class:`EvaluationError`.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable
from typing import Any

from pukeko.classify.ast import CaseFunc, Const, Expression, TextFunc
from pukeko.wire.datatypes import ipv6_text

INT_MIN, INT_MAX = -(2**31), 2**31 - 1  # boost::lexical_cast<int> range
_Str = Callable[[Any], bytes]


class EvaluationError(Exception):
    """Kea's evaluation would throw here; the class does not match (log EVAL_RESULT)."""


def _int_error(value: int, what: str) -> EvaluationError:
    return EvaluationError(
        f"the parameter '{value}' for {what} couldn't be converted to an integer."
    )


def make_substring(operand: _Str, start: int, length: int | None) -> _Str:
    """Kea ``TokenSubstring``: negative start counts from the end, negative length goes left."""
    bad = None
    if not INT_MIN <= start <= INT_MAX:
        bad = _int_error(start, "the starting position of the substring")
    elif length is not None and not INT_MIN <= length <= INT_MAX:
        bad = _int_error(length, "the length of the substring")
    elif length == INT_MIN:
        bad = EvaluationError("basic_string::substr: __pos out of range")  # C int overflow

    def substring(query: Any) -> bytes:
        value = operand(query)
        if not value:
            return b""
        if bad is not None:
            raise bad
        size = len(value)
        if start < -size or start >= size:
            return b""
        first = start + size if start < 0 else start
        count = size if length is None else length
        if count < 0:
            count = -count
            if count <= first:
                first -= count
            else:
                count, first = first, 0
        return value[first : first + count]

    return substring


def make_split(operand: _Str, delimiters: _Str, delims_node: Expression, field: int) -> _Str:
    """Kea ``TokenSplit``: the 1-based field between any of the delimiter bytes."""
    bad = None if INT_MIN <= field <= INT_MAX else _int_error(field, "the field field for split")
    fixed = delims_node.value if isinstance(delims_node, Const) else None
    fixed_table = _split_table(fixed) if fixed else None

    def split(query: Any) -> bytes:
        value = operand(query)
        delims = delimiters(query) if fixed is None else fixed
        if not value:
            return b""
        if bad is not None:
            raise bad
        if not delims:
            return value
        table = fixed_table if fixed_table is not None else _split_table(delims)
        fields = value.translate(table).split(delims[:1])
        return fields[field - 1] if 1 <= field <= len(fields) else b""

    return split


def _split_table(delims: bytes) -> bytes:
    """A translation table mapping every delimiter byte to the first one."""
    return bytes.maketrans(delims, delims[:1] * len(delims))


def make_hexstring(operand: _Str, separator: _Str, sep_node: Expression) -> _Str:
    """Kea ``TokenToHexString``: lower-case hex digit pairs joined by the separator."""
    if isinstance(sep_node, Const):
        sep = sep_node.value

        def hex_const(query: Any) -> bytes:
            return _joined_hex(operand(query), sep)

        return hex_const

    return lambda query: _joined_hex(operand(query), separator(query))


def _joined_hex(value: bytes, sep: bytes) -> bytes:
    if len(sep) == 1 and sep[0] < 0x80:
        return value.hex(sep.decode("ascii")).encode("ascii")
    text = value.hex().encode("ascii")
    if not sep or len(value) < 2:
        return text
    return sep.join([text[at : at + 2] for at in range(0, len(text), 2)])


_INT_SIZES = {
    TextFunc.INT8TOTEXT: (1, True, "int8"),
    TextFunc.INT16TOTEXT: (2, True, "int16"),
    TextFunc.INT32TOTEXT: (4, True, "int32"),
    TextFunc.UINT8TOTEXT: (1, False, "uint8"),
    TextFunc.UINT16TOTEXT: (2, False, "uint16"),
    TextFunc.UINT32TOTEXT: (4, False, "uint32"),
}


def make_to_text(func: TextFunc, operand: _Str) -> _Str:
    """Kea's ``*ToText`` tokens: an empty operand stays empty, a wrong size is an error."""
    if func is TextFunc.ADDRTOTEXT:
        return lambda query: _address_text(operand(query))
    size, signed, name = _INT_SIZES[func]
    message = f"Can not convert to valid {name}."

    def int_to_text(query: Any) -> bytes:
        value = operand(query)
        if not value:
            return b""
        if len(value) != size:
            raise EvaluationError(message)
        return str(int.from_bytes(value, "big", signed=signed)).encode("ascii")

    return int_to_text


def _address_text(value: bytes) -> bytes:
    if not value:
        return b""
    if len(value) == 4:
        return str(ipaddress.IPv4Address(value)).encode("ascii")
    if len(value) == 16:
        return ipv6_text(ipaddress.IPv6Address(value)).encode("ascii")
    raise EvaluationError("Can not convert to valid address.")


_LOWER = bytes.maketrans(b"ABCDEFGHIJKLMNOPQRSTUVWXYZ", b"abcdefghijklmnopqrstuvwxyz")
_UPPER = bytes.maketrans(b"abcdefghijklmnopqrstuvwxyz", b"ABCDEFGHIJKLMNOPQRSTUVWXYZ")


def make_change_case(case: CaseFunc, operand: _Str) -> _Str:
    """``lcase``/``ucase``: ASCII letters only; other bytes are kept (Kea 2.4 semantics)."""
    table = _LOWER if case is CaseFunc.LCASE else _UPPER
    return lambda query: operand(query).translate(table)
