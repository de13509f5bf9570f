"""Recursive-descent parser for Kea 2.2 classification expressions.

The language is the one accepted by Kea 2.2's ``src/lib/eval/parser.yy`` (ARM "Using
Expressions in Classification"); this parser is written from that grammar's rules:

* ``or`` binds loosest, then ``and``, then ``not``; ``and``/``or`` chains are left-assoc.
* ``==`` compares two string expressions and cannot be chained; ``+`` concatenates strings.
* A parenthesis in a boolean position may hold either a boolean or a string, so
  ``('a') == 'a'`` and ``('a' == 'a')`` both parse.
* Semantic checks run where Kea runs them, so the first error reported is Kea's: option code
  ranges (0..255 in DHCPv4, 0..65535 in DHCPv6), unknown option names, ``relay6`` nest level
  (-32..31, DHCPv6 only), ``relay4``/``pkt4`` only in DHCPv4, ``pkt6`` only in DHCPv6,
  ``uint32`` integers and enterprise-ids, ``uint8`` data indexes, defined member classes.

Error messages follow Kea's ("syntax error, unexpected X, expecting A or B"; the expected
tokens are listed only when there are at most four, as bison does) and carry the 0-based
position of the offending token.

Deliberate limit: nesting (parentheses, function calls, ``not``) deeper than
:data:`MAX_NESTING` levels is rejected; Kea has no such limit. Flat ``and``/``or``/``+``
chains of any length are fine.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping

from pukeko.classify.ast import (
    And,
    CaseFunc,
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
    TextFunc,
    ToText,
    VendorClassData,
    VendorClassEnterprise,
    VendorClassExists,
    VendorEnterprise,
    VendorExists,
    VendorOption,
    is_boolean,
)
from pukeko.classify.lexer import DISPLAY, ExpressionError, Lexer, T, Token, parse_address

MAX_NESTING = 100
HOP_COUNT_LIMIT = 32  # RFC 8415 §7.6: relay6 nest levels are -32..31

OptionResolver = Callable[[str], int | None]
ClassCheck = Callable[[str], bool]

_REPR = {T.TEXT: Repr.TEXT, T.HEX: Repr.HEX, T.EXISTS: Repr.EXISTS}
_PKT_META = {T.IFACE: PktMeta.IFACE, T.SRC: PktMeta.SRC, T.DST: PktMeta.DST, T.LEN: PktMeta.LEN}
_PKT4 = {
    T.MAC: Pkt4Field.MAC,
    T.HLEN: Pkt4Field.HLEN,
    T.HTYPE: Pkt4Field.HTYPE,
    T.CIADDR: Pkt4Field.CIADDR,
    T.GIADDR: Pkt4Field.GIADDR,
    T.YIADDR: Pkt4Field.YIADDR,
    T.SIADDR: Pkt4Field.SIADDR,
    T.MSGTYPE: Pkt4Field.MSGTYPE,
    T.TRANSID: Pkt4Field.TRANSID,
}
_PKT6 = {T.MSGTYPE: Pkt6Field.MSGTYPE, T.TRANSID: Pkt6Field.TRANSID}
_RELAY6 = {T.PEERADDR: Relay6Field.PEERADDR, T.LINKADDR: Relay6Field.LINKADDR}
_TO_TEXT = {
    T.ADDRTOTEXT: TextFunc.ADDRTOTEXT,
    T.INT8TOTEXT: TextFunc.INT8TOTEXT,
    T.INT16TOTEXT: TextFunc.INT16TOTEXT,
    T.INT32TOTEXT: TextFunc.INT32TOTEXT,
    T.UINT8TOTEXT: TextFunc.UINT8TOTEXT,
    T.UINT16TOTEXT: TextFunc.UINT16TOTEXT,
    T.UINT32TOTEXT: TextFunc.UINT32TOTEXT,
}
_CASE = {T.LCASE: CaseFunc.LCASE, T.UCASE: CaseFunc.UCASE}
_LITERALS = frozenset({T.STRING, T.HEXSTRING, T.IP_ADDRESS, T.INTEGER})
_MAX_LISTED = 4  # bison lists expected tokens only when there are at most four


def parse_expression(
    text: str,
    *,
    family: int,
    option_code: OptionResolver,
    want: str = "bool",
    class_defined: ClassCheck | None = None,
) -> Expression:
    """Parse ``text`` as Kea 2.2 does; raise :class:`ExpressionError` when Kea would reject it.

    ``family`` is 4 or 6. ``option_code`` maps an option name to its code in the family's
    top-level space (``dhcp4``/``dhcp6``, including runtime option-defs) or None when unknown.
    ``want`` is ``"bool"`` for a class ``test`` or ``"string"`` for string-valued uses (Kea's
    ``PARSER_STRING``). ``class_defined``, when given, is asked about every ``member('x')``
    name, as Kea asks its class dictionary; a False answer rejects the expression.
    """
    if family not in (4, 6):
        raise ValueError(f"family must be 4 or 6, not {family!r}")
    if want not in ("bool", "string"):
        raise ValueError(f"want must be 'bool' or 'string', not {want!r}")
    parser = _Parser(text, family, option_code, class_defined)
    return parser.parse_top(want == "bool")


def _plural_or(kinds: Iterable[T]) -> str:
    return " or ".join(DISPLAY[k] for k in sorted(set(kinds)))


class _Parser:
    """One parse of one text; methods follow the grammar's nonterminals."""

    def __init__(
        self,
        text: str,
        family: int,
        option_code: OptionResolver,
        class_defined: ClassCheck | None,
    ) -> None:
        self.lexer = Lexer(text)
        self.family = family
        self.resolve = option_code
        self.class_defined = class_defined
        self.ahead: Token | None = None
        self.depth = 0

    # --- token plumbing -------------------------------------------------------------------

    def peek(self) -> Token:
        if self.ahead is None:
            self.ahead = self.lexer.next_token()
        return self.ahead

    def take(self) -> Token:
        token = self.peek()
        self.ahead = None
        return token

    def expect(self, kind: T, *others: T) -> Token:
        """Take a token of ``kind``; otherwise report it, listing ``kind`` and ``others``."""
        token = self.peek()
        if token.kind is not kind:
            raise self.unexpected(token, (kind, *others))
        return self.take()

    def unexpected(self, token: Token, expected: Iterable[T] = ()) -> ExpressionError:
        """Kea's "syntax error, unexpected X[, expecting A or B]" for ``token``."""
        kinds = set(expected)
        message = f"syntax error, unexpected {DISPLAY[token.kind]}"
        if 0 < len(kinds) <= _MAX_LISTED:
            message += f", expecting {_plural_or(kinds)}"
        return self.error(message, token)

    def error(self, message: str, token: Token) -> ExpressionError:
        return self.lexer.error(message, token.start, token.end)

    # --- expressions ----------------------------------------------------------------------

    def parse_top(self, want_bool: bool) -> Expression:
        node = self.bool_expr() if want_bool else self.string_expr()
        self.expect(T.END)
        return node

    def bool_expr(self) -> Expression:
        """``bool_expr``: an ``or`` chain of ``and`` chains of boolean units."""
        return self.or_tail(self.bool_unit())

    def or_tail(self, first: Expression) -> Expression:
        operands = [self.and_tail(first)]
        while self.peek().kind is T.OR:
            self.take()
            operands.append(self.and_tail(self.bool_unit()))
        return operands[0] if len(operands) == 1 else Or(tuple(operands))

    def and_tail(self, first: Expression) -> Expression:
        operands = [first]
        while self.peek().kind is T.AND:
            self.take()
            operands.append(self.bool_unit())
        return operands[0] if len(operands) == 1 else And(tuple(operands))

    def bool_unit(self) -> Expression:
        """A boolean at ``not`` precedence: a boolean unit, or ``string == string``."""
        node = self.unit(allow_bool=True)
        if is_boolean(node):
            return node
        return self.comparison(node, (T.EQUAL, T.PLUS))

    def comparison(self, first: Expression, expected: tuple[T, ...]) -> Expression:
        left = self.sum_tail(first)
        token = self.peek()
        if token.kind is not T.EQUAL:
            raise self.unexpected(token, expected)
        self.take()
        return Equal(left, self.string_expr())

    def string_expr(self) -> Expression:
        """``string_expr``: a ``+`` chain of string units."""
        return self.sum_tail(self.unit(allow_bool=False))

    def sum_tail(self, first: Expression) -> Expression:
        parts = [first]
        while self.peek().kind is T.PLUS:
            self.take()
            parts.append(self.unit(allow_bool=False))
        return parts[0] if len(parts) == 1 else Concat(tuple(parts))

    def parenthesised(self, allow_bool: bool) -> Expression:
        """After ``(``: a string, or (in a boolean position) a boolean; then ``)``."""
        if not allow_bool:
            node = self.string_expr()
            self.expect(T.RPAREN, T.PLUS)
            return node
        node = self.unit(allow_bool=True)
        if not is_boolean(node):
            node = self.sum_tail(node)
            if self.peek().kind is T.RPAREN:
                self.take()
                return node
            node = self.comparison(node, (T.RPAREN, T.EQUAL, T.PLUS))
        node = self.or_tail(node)
        self.expect(T.RPAREN, T.AND, T.OR)
        return node

    def unit(self, allow_bool: bool) -> Expression:
        """One operand: a literal, a packet accessor, a function call, ``not``, or ``( )``."""
        token = self.peek()
        if self.depth >= MAX_NESTING:
            raise self.error(f"expression nested more than {MAX_NESTING} levels deep", token)
        self.depth += 1
        try:
            return self.unit_body(token, allow_bool)
        finally:
            self.depth -= 1

    def unit_body(self, token: Token, allow_bool: bool) -> Expression:
        kind = token.kind
        if kind in _LITERALS:
            return self.literal()
        if kind is T.LPAREN:
            self.take()
            return self.parenthesised(allow_bool)
        if allow_bool and kind is T.NOT:
            self.take()
            return Not(self.bool_unit())
        if allow_bool and kind is T.MEMBER:
            return self.member()
        handler = self.handlers.get(kind)
        if handler is None:
            raise self.unexpected(token)
        return handler(self, allow_bool)

    # --- literals and numbers -------------------------------------------------------------

    def literal(self) -> Const:
        token = self.take()
        match token.kind:
            case T.STRING:
                return Const(token.text.encode("utf-8", "surrogatepass"))
            case T.HEXSTRING:
                digits = token.text[2:]
                return Const(bytes.fromhex(digits.rjust(len(digits) + len(digits) % 2, "0")))
            case T.IP_ADDRESS:
                packed = parse_address(token.text)
                assert packed is not None  # the lexer rejected invalid addresses
                return Const(packed)
        return Const(self.uint32(token).to_bytes(4, "big"))

    def ranged(self, token: Token, low: int, high: int) -> int:
        """The integer ``token`` if within ``low..high``, else Kea's "Invalid value" error."""
        value = int(token.text)
        if not low <= value <= high:
            raise self.error(f"Invalid value in {token.text}. Allowed range: {low}..{high}", token)
        return value

    def uint32(self, token: Token) -> int:
        return self.ranged(token, 0, 0xFFFFFFFF)

    def code(self, token: Token) -> int:
        """An option code, checked against the family's range (Kea ``convertOptionCode``)."""
        value = int(token.text)
        prefix = f"Option code has invalid value in {token.text}"
        if not -(2**31) <= value < 2**31:  # Kea reads the code as a C int first
            raise self.error(prefix, token)
        high = 255 if self.family == 4 else 65535
        if not 0 <= value <= high:
            raise self.error(f"{prefix}. Allowed range: 0..{high}", token)
        return value

    def option_code(self) -> int:
        """``option_code``: an integer, or an option name of the family's top-level space."""
        token = self.peek()
        if token.kind is T.INTEGER:
            return self.code(self.take())
        if token.kind is not T.OPTION_NAME:
            raise self.unexpected(token, (T.INTEGER, T.OPTION_NAME))
        self.take()
        code = self.resolve(token.text)
        if code is None:
            raise self.error(f"option '{token.text}' is not defined", token)
        return code

    def sub_option_code(self) -> int:
        """``sub_option_code``: integers only (names are not looked up for sub-options)."""
        return self.code(self.expect(T.INTEGER))

    def nest_level(self) -> int:
        """``relay6[nest]``: an int8, then -32..31 in DHCPv6; never valid in DHCPv4."""
        token = self.expect(T.INTEGER)
        value = self.ranged(token, -128, 127)
        if self.family == 4:
            raise self.error("Nest level invalid for DHCPv4 packets", token)
        if not -HOP_COUNT_LIMIT <= value < HOP_COUNT_LIMIT:
            message = f"Nest level has invalid value in {token.text}. Allowed range: -32..31"
            raise self.error(message, token)
        return value

    def enterprise_id(self) -> int:
        """``[enterprise]``: a uint32 or ``*`` (any, stored as 0)."""
        token = self.peek()
        if token.kind is T.ANY:
            self.take()
            return 0
        if token.kind is not T.INTEGER:
            raise self.unexpected(token, (T.ANY, T.INTEGER))
        return self.uint32(self.take())

    def bracketed(self, read: Callable[[], int]) -> int:
        """``[ value ]`` read by ``read``."""
        self.expect(T.LBRACKET)
        value = read()
        self.expect(T.RBRACKET)
        return value

    def representation(self, allow_bool: bool, *others: T) -> Repr:
        """``.hex`` / ``.text`` (and ``.exists`` in a boolean position), after the dot."""
        token = self.peek()
        allowed = {T.TEXT, T.HEX} | ({T.EXISTS} if allow_bool else set())
        if token.kind not in allowed:
            raise self.unexpected(token, allowed | set(others))
        self.take()
        return _REPR[token.kind]

    def only_in(self, family: int, token: Token) -> None:
        """Kea's "X can only be used in DHCPv4/6." check, reported at the keyword."""
        if self.family != family:
            raise self.error(f"{token.text} can only be used in DHCPv{family}.", token)

    # --- packet accessors -----------------------------------------------------------------

    def option(self, allow_bool: bool) -> Expression:
        self.take()
        code = self.bracketed(self.option_code)
        self.expect(T.DOT)
        if self.peek().kind is not T.OPTION:
            return Option(code, self.representation(allow_bool, T.OPTION))
        self.take()
        sub_code = self.bracketed(self.sub_option_code)
        self.expect(T.DOT)
        return SubOption(code, sub_code, self.representation(allow_bool))

    def relay4(self, allow_bool: bool) -> Expression:
        keyword = self.take()
        sub_code = self.bracketed(self.sub_option_code)
        self.expect(T.DOT)
        rep = self.representation(allow_bool)
        self.only_in(4, keyword)
        return Relay4Option(sub_code, rep)

    def relay6(self, allow_bool: bool) -> Expression:
        self.take()
        nest = self.bracketed(self.nest_level)
        self.expect(T.DOT)
        token = self.peek()
        if token.kind in _RELAY6:
            self.take()
            return Relay6Header(nest, _RELAY6[token.kind])
        if token.kind is not T.OPTION:
            raise self.unexpected(token, (T.OPTION, *_RELAY6))
        self.take()
        code = self.bracketed(self.sub_option_code)
        self.expect(T.DOT)
        return Relay6Option(nest, code, self.representation(allow_bool))

    def field(self, table: Mapping[T, object]) -> T:
        """The field keyword after ``pkt.`` / ``pkt4.`` / ``pkt6.``."""
        self.expect(T.DOT)
        token = self.peek()
        if token.kind not in table:
            raise self.unexpected(token, table)
        return self.take().kind

    def pkt(self, allow_bool: bool) -> Expression:
        self.take()
        return Pkt(_PKT_META[self.field(_PKT_META)])

    def pkt4(self, allow_bool: bool) -> Expression:
        keyword = self.take()
        kind = self.field(_PKT4)
        self.only_in(4, keyword)
        return Pkt4(_PKT4[kind])

    def pkt6(self, allow_bool: bool) -> Expression:
        keyword = self.take()
        kind = self.field(_PKT6)
        self.only_in(6, keyword)
        return Pkt6(_PKT6[kind])

    def vendor(self, allow_bool: bool) -> Expression:
        self.take()
        if self.peek().kind is T.DOT:
            self.take()
            self.expect(T.ENTERPRISE)
            return VendorEnterprise()
        if self.peek().kind is not T.LBRACKET:
            raise self.unexpected(self.peek(), (T.LBRACKET, T.DOT))
        enterprise = self.bracketed(self.enterprise_id)
        self.expect(T.DOT)
        token = self.peek()
        if allow_bool and token.kind is T.EXISTS:
            self.take()
            return VendorExists(enterprise)
        if token.kind is not T.OPTION:
            raise self.unexpected(token, (T.OPTION, T.EXISTS) if allow_bool else (T.OPTION,))
        self.take()
        code = self.bracketed(self.sub_option_code)
        self.expect(T.DOT)
        return VendorOption(enterprise, code, self.representation(allow_bool))

    def vendor_class(self, allow_bool: bool) -> Expression:
        self.take()
        if self.peek().kind is T.DOT:
            self.take()
            self.expect(T.ENTERPRISE)
            return VendorClassEnterprise()
        if self.peek().kind is not T.LBRACKET:
            raise self.unexpected(self.peek(), (T.LBRACKET, T.DOT))
        enterprise = self.bracketed(self.enterprise_id)
        self.expect(T.DOT)
        token = self.peek()
        if allow_bool and token.kind is T.EXISTS:
            self.take()
            return VendorClassExists(enterprise)
        if token.kind is not T.DATA:
            raise self.unexpected(token, (T.EXISTS, T.DATA) if allow_bool else (T.DATA,))
        self.take()
        if self.peek().kind is not T.LBRACKET:
            return VendorClassData(enterprise, 0)
        self.take()
        token = self.expect(T.INTEGER)
        self.expect(T.RBRACKET)  # Kea range-checks the index only after the "]"
        return VendorClassData(enterprise, self.ranged(token, 0, 255))

    def member(self) -> Expression:
        self.take()
        self.expect(T.LPAREN)
        name = self.expect(T.STRING)
        self.expect(T.RPAREN)
        if self.class_defined is not None and not self.class_defined(name.text):
            raise self.error(f"Not defined client class '{name.text}'", name)
        return Member(name.text)

    # --- functions ------------------------------------------------------------------------

    def argument(self, last: bool) -> Expression:
        """A string argument followed by ``,`` (or by ``)`` when it is the ``last``)."""
        node = self.string_expr()
        self.expect(T.RPAREN if last else T.COMMA, T.PLUS)
        return node

    def integer_argument(self, last: bool) -> int:
        value = int(self.expect(T.INTEGER).text)
        self.expect(T.RPAREN if last else T.COMMA)
        return value

    def substring(self, allow_bool: bool) -> Expression:
        self.take()
        self.expect(T.LPAREN)
        operand = self.argument(last=False)
        start = self.integer_argument(last=False)
        token = self.peek()
        if token.kind not in (T.INTEGER, T.ALL):
            raise self.unexpected(token, (T.INTEGER, T.ALL))
        self.take()
        self.expect(T.RPAREN)
        return Substring(operand, start, None if token.kind is T.ALL else int(token.text))

    def split(self, allow_bool: bool) -> Expression:
        self.take()
        self.expect(T.LPAREN)
        operand = self.argument(last=False)
        delimiters = self.argument(last=False)
        return Split(operand, delimiters, self.integer_argument(last=True))

    def concat(self, allow_bool: bool) -> Expression:
        self.take()
        self.expect(T.LPAREN)
        left = self.argument(last=False)
        return Concat((left, self.argument(last=True)))

    def ifelse(self, allow_bool: bool) -> Expression:
        self.take()
        self.expect(T.LPAREN)
        condition = self.bool_expr()
        self.expect(T.COMMA, T.AND, T.OR)
        then = self.argument(last=False)
        return IfElse(condition, then, self.argument(last=True))

    def hexstring(self, allow_bool: bool) -> Expression:
        self.take()
        self.expect(T.LPAREN)
        operand = self.argument(last=False)
        return HexString(operand, self.argument(last=True))

    def to_text(self, allow_bool: bool) -> Expression:
        func = _TO_TEXT[self.take().kind]
        self.expect(T.LPAREN)
        return ToText(func, self.argument(last=True))

    def change_case(self, allow_bool: bool) -> Expression:
        """``lcase(s)`` / ``ucase(s)``: Kea 2.4 functions, accepted here as an extension."""
        func = _CASE[self.take().kind]
        self.expect(T.LPAREN)
        return ChangeCase(func, self.argument(last=True))

    handlers: dict[T, Callable[[_Parser, bool], Expression]] = {
        T.OPTION: option,
        T.RELAY4: relay4,
        T.RELAY6: relay6,
        T.PKT: pkt,
        T.PKT4: pkt4,
        T.PKT6: pkt6,
        T.VENDOR: vendor,
        T.VENDOR_CLASS: vendor_class,
        T.SUBSTRING: substring,
        T.SPLIT: split,
        T.CONCAT: concat,
        T.IFELSE: ifelse,
        T.HEXSTRING_FN: hexstring,
        **dict.fromkeys(_TO_TEXT, to_text),
        **dict.fromkeys(_CASE, change_case),
    }
