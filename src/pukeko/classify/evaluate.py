"""Evaluation of classification expressions, compiled once into nested closures (pure).

:func:`compile_test` turns a parsed class ``test`` into a ``Query -> bool`` function and
:func:`compile_value` a string expression into ``Query -> bytes``. All the work that does not
depend on the packet (dispatch on node types, option definitions, constant folding, integer
checks) happens at compile time; a packet only runs small closures over byte strings.

Semantics are Kea 2.2's (``src/lib/eval/token.cc``), observable behaviour included:

* Kea evaluates every token of the postfix program: ``and``/``or`` do not short-circuit and
  ``ifelse`` evaluates both branches. Only an error can tell the difference, so operands are
  short-circuited when no sub-expression can fail, and all evaluated (left to right) otherwise.
* A missing option is ``''`` (``.exists``: false). A string-typed option holding only NULs is
  missing (Kea's parser skips it); other string options lose their trailing NULs.
* Errors Kea raises while evaluating raise :class:`EvaluationError` with Kea's message: a
  ``*totext`` operand of the wrong size, ``substring``/``split`` numbers outside the C ``int``
  range (only for a non-empty string), and a final value that is not ``true``/``false``.

The query must be of the family the expression was compiled for (Kea would throw; here the
accessors would fail with AttributeError).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable, Sequence
from typing import Any

from pukeko.classify.ast import (
    And,
    ChangeCase,
    Concat,
    Const,
    Equal,
    Expression,
    HexString,
    IfElse,
    Member,
    Not,
    Option,
    Or,
    Pkt,
    Pkt4,
    Pkt4Field,
    Pkt6,
    Pkt6Field,
    PktMeta,
    Relay4Option,
    Relay6Field,
    Relay6Header,
    Relay6Option,
    Repr,
    Split,
    SubOption,
    Substring,
    ToText,
    VendorClassData,
    VendorClassEnterprise,
    VendorClassExists,
    VendorEnterprise,
    VendorExists,
    VendorOption,
    is_boolean,
    walk,
)
from pukeko.classify.optiontext import (
    TOP_SPACE,
    VENDOR_CLASS,
    VENDOR_OPTS,
    kept_payload,
    needs_keeping,
    option_to_string,
    sub_options,
    vendor_class_parts,
    vendor_parts,
)
from pukeko.classify.query import Query
from pukeko.classify.strfuncs import (
    INT_MAX,
    INT_MIN,
    EvaluationError,
    make_change_case,
    make_hexstring,
    make_split,
    make_substring,
    make_to_text,
)
from pukeko.wire.agent4 import decode_agent4
from pukeko.wire.definitions import OptionDef
from pukeko.wire.spaces import OptionSpaces

Test = Callable[[Query], bool]
Value = Callable[[Query], bytes]
# Internal closures take the family's query type (fixed at compile time), hence Any.
_Str = Callable[[Any], bytes]
_Bool = Callable[[Any], bool]
# A raw option getter: the payload Kea would hold, or None when absent.
_Get = Callable[[Any], "bytes | None"]
# Finds an option's definition and payload (what Kea builds its option object from).
_Locate = Callable[[Any], "tuple[OptionDef | None, bytes] | None"]

TRUE, FALSE = b"true", b"false"
AGENT_OPTION = 82  # RFC 3046
AGENT_SPACE = "dhcp-agent-options-space"
PKT4_HEADER = 236  # Kea's Pkt4::len counts the fixed header and each option, nothing else
PKT6_HEADER = 4
RELAY6_OVERHEAD = 34 + 4  # relay header + Relay Message option header (RFC 8415 §9)


def compile_test(expr: Expression, family: int, spaces: OptionSpaces) -> Test:
    """A function telling whether a query matches the boolean expression ``expr``."""
    compiler = _Compiler(family, spaces)
    if is_boolean(expr):
        return compiler.boolean(expr)
    value = compiler.string(expr)

    def string_as_test(query: Any) -> bool:
        return _to_bool(value(query))

    return string_as_test


def compile_value(expr: Expression, family: int, spaces: OptionSpaces) -> Value:
    """A function computing the string value of ``expr`` (Kea ``evaluateString``)."""
    return _Compiler(family, spaces).string(expr)


def may_fail(expr: Expression) -> bool:
    """True when evaluating ``expr`` can raise :class:`EvaluationError` for some packet."""
    return any(_node_may_fail(node) for node in walk(expr))


def _node_may_fail(node: Expression) -> bool:
    if isinstance(node, ToText):
        return True
    if isinstance(node, Substring):
        length = 0 if node.length is None else node.length
        return not (INT_MIN <= node.start <= INT_MAX and INT_MIN < length <= INT_MAX)
    if isinstance(node, Split):
        return not INT_MIN <= node.field <= INT_MAX
    return False


def _to_bool(value: bytes) -> bool:
    if value == TRUE:
        return True
    if value == FALSE:
        return False
    shown = value.decode("utf-8", "replace")
    raise EvaluationError(f'Incorrect boolean. Expected exactly "false" or "true", got "{shown}"')


def _const(value: bytes) -> _Str:
    def constant(query: Any) -> bytes:
        return value

    return constant


def _as_string(test: _Bool) -> _Str:
    def boolean_text(query: Any) -> bytes:
        return TRUE if test(query) else FALSE

    return boolean_text


class _Compiler:
    """Compiles nodes of one family; every method runs once per node, at compile time."""

    def __init__(self, family: int, spaces: OptionSpaces) -> None:
        if family not in (4, 6):
            raise ValueError(f"family must be 4 or 6, not {family!r}")
        self.family = family
        self.spaces = spaces
        self.top = TOP_SPACE[family]

    # --- dispatch ---------------------------------------------------------------------------

    def boolean(self, node: Expression) -> _Bool:
        """A closure for a boolean node (a string node is checked for "true"/"false")."""
        match node:
            case Equal(left=left, right=right):
                return self.equal(left, right)
            case Not(operand=operand):
                inner = self.boolean(operand)
                return lambda query: not inner(query)
            case And(operands=items):
                return self.junction(items, every=True)
            case Or(operands=items):
                return self.junction(items, every=False)
            case Member(name=name):
                return lambda query: name in query.classes
            case VendorExists(enterprise=ent):
                return self.vendor_exists(VENDOR_OPTS[self.family], ent, vendor_parts)
            case VendorClassExists(enterprise=ent):
                return self.vendor_exists(VENDOR_CLASS[self.family], ent, vendor_class_parts)
        if is_boolean(node):  # an option-like node with .exists
            getter = self.getter(node)
            return lambda query: getter(query) is not None
        value = self.string(node)
        return lambda query: _to_bool(value(query))

    def string(self, node: Expression) -> _Str:
        """A closure for a string node (a boolean node gives "true"/"false")."""
        if is_boolean(node):
            return _as_string(self.boolean(node))
        match node:
            case Const(value=value):
                return _const(value)
            case Option() | SubOption() | Relay4Option() | Relay6Option() | VendorOption():
                return self.option_value(node)
            case Relay6Header(nest=nest, field=field):
                return self.relay6_header(nest, field)
            case Pkt(field=meta):
                return self.pkt(meta)
            case Pkt4(field=field4):
                return _PKT4_FIELDS[field4]
            case Pkt6(field=field6):
                return _PKT6_FIELDS[field6]
            case VendorEnterprise():
                return self.enterprise(VENDOR_OPTS[self.family], vendor_parts)
            case VendorClassEnterprise():
                return self.enterprise(VENDOR_CLASS[self.family], vendor_class_parts)
            case VendorClassData(enterprise=ent, index=index):
                return self.vendor_class_data(ent, index)
        return self.function(node)

    def function(self, node: Expression) -> _Str:
        """Closures for the string functions."""
        match node:
            case Substring(operand=operand, start=start, length=length):
                return make_substring(self.string(operand), start, length)
            case Split(operand=operand, delimiters=delims, field=field):
                return make_split(self.string(operand), self.string(delims), delims, field)
            case Concat(parts=parts):
                return self.concat(parts)
            case IfElse(condition=cond, then=then, otherwise=otherwise):
                return self.ifelse(cond, then, otherwise)
            case HexString(operand=operand, separator=sep):
                return make_hexstring(self.string(operand), self.string(sep), sep)
            case ToText(func=func, operand=operand):
                return make_to_text(func, self.string(operand))
            case ChangeCase(func=case, operand=operand):
                return make_change_case(case, self.string(operand))
        raise TypeError(f"not an expression node: {node!r}")

    # --- booleans ---------------------------------------------------------------------------

    def equal(self, left: Expression, right: Expression) -> _Bool:
        if isinstance(left, Const) and not isinstance(right, Const):
            left, right = right, left
        if isinstance(right, Const):
            wanted = right.value
            if isinstance(left, Const):
                result = left.value == wanted
                return lambda query: result
            direct = self.direct_hex(left) if wanted else None
            if direct is not None:
                # None (absent) never equals a non-empty constant: one call per test.
                return lambda query: direct(query) == wanted
            value = self.string(left)
            return lambda query: value(query) == wanted
        first, second = self.string(left), self.string(right)
        return lambda query: first(query) == second(query)

    def junction(self, items: Sequence[Expression], every: bool) -> _Bool:
        tests = tuple(self.boolean(item) for item in items)
        if any(may_fail(item) for item in items):
            # Kea evaluates every operand, so a failing one fails the whole expression.
            if every:
                return lambda query: all([test(query) for test in tests])
            return lambda query: any([test(query) for test in tests])
        if len(tests) == 2:
            one, two = tests
            if every:
                return lambda query: one(query) and two(query)
            return lambda query: one(query) or two(query)
        if every:
            return lambda query: all(test(query) for test in tests)
        return lambda query: any(test(query) for test in tests)

    def vendor_exists(
        self, code: int, enterprise: int, parse: Callable[[int, bytes], object]
    ) -> _Bool:
        parts = self.parsed(code, parse)

        def vendor_present(query: Any) -> bool:
            found = parts(query)
            return found is not None and (enterprise == 0 or found[0] == enterprise)

        return vendor_present

    # --- options ----------------------------------------------------------------------------

    def top_def(self, code: int) -> OptionDef | None:
        return self.spaces.by_code(self.top, code)

    def top_getter(self, code: int) -> _Get:
        """The payload of the first top-level option ``code``, as Kea keeps it."""
        defn = self.top_def(code)
        get: _Get
        if self.family == 6:  # Query6.first: the first payload of each code, made once
            get = lambda query: query.first.get(code)  # noqa: E731
        else:
            get = lambda query: query.pkt.get(code)  # noqa: E731
        if not needs_keeping(defn):
            return get

        def kept(query: Any) -> bytes | None:
            raw = get(query)
            return None if raw is None else kept_payload(defn, raw)

        return kept

    def direct_hex(self, node: Expression) -> _Get | None:
        """A getter usable as the node's value when compared with a non-empty constant."""
        if isinstance(node, Option) and node.repr is Repr.HEX:
            return self.top_getter(node.code)
        return None

    def parsed(self, code: int, parse: Callable[[int, bytes], Any]) -> Callable[[Any], Any]:
        """The parts of top-level option ``code`` (vendor options), or None."""
        family = self.family
        get = self.top_getter(code)

        def parts(query: Any) -> Any:
            raw = get(query)
            return None if raw is None else parse(family, raw)

        return parts

    def getter(self, node: Expression) -> _Get:
        """The payload an option-like node designates, or None when Kea finds no option."""
        match node:
            case Option(code=code):
                return self.top_getter(code)
            case SubOption(code=code, sub_code=sub):
                return self.sub_getter(self.top_def(code), self.top_getter(code), sub)
            case Relay4Option(sub_code=sub):
                return self.relay4_getter(sub)
            case Relay6Option(nest=nest, code=code):
                return self.relay6_getter(nest, code)
            case VendorOption(enterprise=ent, code=code):
                return self.vendor_getter(ent, code)
        raise TypeError(f"not an option node: {node!r}")

    def sub_getter(self, parent: OptionDef | None, get: _Get, sub: int) -> _Get:
        locate = self.sub_locator(parent, get, sub)
        return lambda query: _payload(locate(query))

    def sub_locator(self, parent: OptionDef | None, get: _Get, sub: int) -> _Locate:
        """Definition and payload of sub-option ``sub`` of the option ``get`` finds."""
        family, spaces = self.family, self.spaces

        def sub_option(query: Any) -> tuple[OptionDef | None, bytes] | None:
            raw = get(query)
            if raw is None:
                return None
            space, subs = sub_options(parent, family, raw, spaces)
            return _located(subs, sub, spaces.by_code(space, sub) if space else None)

        return sub_option

    def relay4_getter(self, sub: int) -> _Get:
        get = self.top_getter(AGENT_OPTION)
        defn = self.spaces.by_code(AGENT_SPACE, sub)

        def agent_sub_option(query: Any) -> bytes | None:
            raw = get(query)
            if raw is None:
                return None
            return _first(decode_agent4(raw, strict=False).suboptions, sub, defn)

        return agent_sub_option

    def relay6_getter(self, nest: int, code: int) -> _Get:
        defn = self.top_def(code)

        def relay_option(query: Any) -> bytes | None:
            hop = _hop(query.hops, nest)
            return None if hop is None else _first(hop.options, code, defn)

        return relay_option

    def vendor_getter(self, enterprise: int, code: int) -> _Get:
        locate = self.vendor_locator(enterprise, code)
        return lambda query: _payload(locate(query))

    def vendor_locator(self, enterprise: int, code: int) -> _Locate:
        """Definition and payload of sub-option ``code`` of a matching vendor option."""
        parts = self.parsed(VENDOR_OPTS[self.family], vendor_parts)
        spaces = self.spaces

        def vendor_sub_option(query: Any) -> tuple[OptionDef | None, bytes] | None:
            found = parts(query)
            if found is None or (enterprise and found[0] != enterprise):
                return None
            defn = spaces.by_code(OptionSpaces.vendor_space(found[0]), code)
            return _located(found[1], code, defn)

        return vendor_sub_option

    def locator(self, node: Expression) -> _Locate:
        """Definition and payload of the option ``node`` designates (for ``.text``)."""
        match node:
            case SubOption(code=code, sub_code=sub):
                return self.sub_locator(self.top_def(code), self.top_getter(code), sub)
            case VendorOption(enterprise=ent, code=code):
                return self.vendor_locator(ent, code)
            case Relay4Option(sub_code=sub):
                defn = self.spaces.by_code(AGENT_SPACE, sub)
            case Option(code=code) | Relay6Option(code=code):
                defn = self.top_def(code)
        get = self.getter(node)

        def static_def(query: Any) -> tuple[OptionDef | None, bytes] | None:
            raw = get(query)
            return None if raw is None else (defn, raw)

        return static_def

    def option_value(
        self, node: Option | SubOption | Relay4Option | Relay6Option | VendorOption
    ) -> _Str:
        get = self.getter(node)
        if node.repr is Repr.HEX:
            return lambda query: get(query) or b""
        locate = self.locator(node)
        code = node.sub_code if isinstance(node, SubOption | Relay4Option) else node.code
        spaces = self.spaces

        def option_text(query: Any) -> bytes:
            found = locate(query)
            if found is None:
                return b""
            return option_to_string(found[0], code, found[1], spaces)

        return option_text

    # --- packet fields ------------------------------------------------------------------------

    def relay6_header(self, nest: int, field: Relay6Field) -> _Str:
        if field is Relay6Field.LINKADDR:

            def link_address(query: Any) -> bytes:
                hop = _hop(query.hops, nest)
                return b"" if hop is None else bytes(hop.link_address)

            return link_address

        def peer_address(query: Any) -> bytes:
            hop = _hop(query.hops, nest)
            return b"" if hop is None else bytes(hop.peer_address)

        return peer_address

    def pkt(self, meta: PktMeta) -> _Str:
        match meta:
            case PktMeta.IFACE:
                return lambda query: query.iface.encode("utf-8", "surrogateescape")
            case PktMeta.SRC:
                return lambda query: _address_bytes(query.src)
            case PktMeta.DST:
                return lambda query: _address_bytes(query.dst)
        return _pkt6_len if self.family == 6 else _pkt4_len

    def enterprise(self, code: int, parse: Callable[[int, bytes], Any]) -> _Str:
        parts = self.parsed(code, parse)

        def enterprise_id(query: Any) -> bytes:
            found = parts(query)
            return b"" if found is None else int(found[0]).to_bytes(4, "big")

        return enterprise_id

    def vendor_class_data(self, enterprise: int, index: int) -> _Str:
        parts = self.parsed(VENDOR_CLASS[self.family], vendor_class_parts)

        def class_data(query: Any) -> bytes:
            found = parts(query)
            if found is None or (enterprise and found[0] != enterprise):
                return b""
            items: list[bytes] = found[1]
            return items[index] if index < len(items) else b""

        return class_data

    # --- functions ----------------------------------------------------------------------------

    def concat(self, parts: Sequence[Expression]) -> _Str:
        values = tuple(self.string(part) for part in parts)
        if len(values) == 2:
            first, second = values
            return lambda query: first(query) + second(query)
        return lambda query: b"".join([value(query) for value in values])

    def ifelse(self, cond: Expression, then: Expression, otherwise: Expression) -> _Str:
        test, yes, no = self.boolean(cond), self.string(then), self.string(otherwise)
        if may_fail(then) or may_fail(otherwise):
            # Kea evaluates both branches before choosing.
            def eager(query: Any) -> bytes:
                chosen = test(query)
                first, second = yes(query), no(query)
                return first if chosen else second

            return eager
        return lambda query: yes(query) if test(query) else no(query)


# --- helpers run per packet -------------------------------------------------------------------


def _first(options: Any, code: int, defn: OptionDef | None) -> bytes | None:
    """The first ``(code, payload)`` of ``options`` with ``code``, as Kea keeps it."""
    for found, payload in options:
        if found == code:
            return kept_payload(defn, payload)
    return None


def _located(
    options: Any, code: int, defn: OptionDef | None
) -> tuple[OptionDef | None, bytes] | None:
    """Like :func:`_first`, with the definition the payload is read by."""
    payload = _first(options, code, defn)
    return None if payload is None else (defn, payload)


def _payload(found: tuple[OptionDef | None, bytes] | None) -> bytes | None:
    return None if found is None else found[1]


def _hop(hops: Sequence[Any], nest: int) -> Any:
    """The relay hop ``relay6[nest]`` designates (negative: from the client side), or None."""
    level = nest if nest >= 0 else len(hops) + nest
    return hops[level] if 0 <= level < len(hops) else None


def _address_bytes(text: str) -> bytes:
    """The 4 or 16 bytes of an address given as text (a ``%zone`` suffix is ignored)."""
    bare = text.partition("%")[0]
    try:
        return ipaddress.ip_address(bare).packed
    except ValueError:
        return b""


def _pkt6_len(query: Any) -> bytes:
    """Kea's ``Pkt6::len()``: the message as Kea would re-encode it, relay hops included."""
    size = PKT6_HEADER + sum(4 + len(payload) for _code, payload in query.pkt.options)
    for hop in query.hops:
        size += RELAY6_OVERHEAD + sum(4 + len(payload) for _code, payload in hop.options)
    return size.to_bytes(4, "big")


def _pkt4_len(query: Any) -> bytes:
    """Kea's ``Pkt4::len()``: 236 + each option (merged per code), no cookie, END or padding."""
    pkt = query.pkt
    size = PKT4_HEADER + sum(2 + len(pkt.get(code) or b"") for code in pkt.codes())
    return size.to_bytes(4, "big")


def _u32(value: int) -> bytes:
    return (value & 0xFFFFFFFF).to_bytes(4, "big")


_PKT4_FIELDS: dict[Pkt4Field, _Str] = {
    Pkt4Field.MAC: lambda query: bytes(query.pkt.hwaddr),
    Pkt4Field.HLEN: lambda query: _u32(len(query.pkt.hwaddr)),
    Pkt4Field.HTYPE: lambda query: _u32(query.pkt.htype),
    Pkt4Field.CIADDR: lambda query: _u32(query.pkt.ciaddr),
    Pkt4Field.GIADDR: lambda query: _u32(query.pkt.giaddr),
    Pkt4Field.YIADDR: lambda query: _u32(query.pkt.yiaddr),
    Pkt4Field.SIADDR: lambda query: _u32(query.pkt.siaddr),
    Pkt4Field.MSGTYPE: lambda query: _u32(query.pkt.message_type or 0),
    Pkt4Field.TRANSID: lambda query: _u32(query.pkt.xid),
}
_PKT6_FIELDS: dict[Pkt6Field, _Str] = {
    Pkt6Field.MSGTYPE: lambda query: _u32(query.pkt.msg_type),
    Pkt6Field.TRANSID: lambda query: _u32(query.pkt.transaction_id),
}
