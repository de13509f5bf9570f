"""Lexer for Kea 2.2 classification expressions, and the one error the package raises.

It reproduces the token rules of Kea 2.2's ``src/lib/eval/lexer.ll`` as flex applies them:
at each offset the longest match wins and ties go to the earlier rule. So ``option[exists]``
holds an *option name* (the name rule counts its trailing ``]``), ``optionx`` is the keyword
``option`` followed by a bad ``x``, and ``10.0.0.1`` is one address, not integers and dots.

Rules, in Kea's order:

====================  ==============================================  =================
kind                  pattern                                         notes
====================  ==============================================  =================
(skipped)             ``[ \\t]+`` and ``\\n+``                           no other blanks
STRING                ``'[^'\\n]*'``                                   no escapes at all
HEXSTRING             ``0[xX][0-9a-fA-F]+``
INTEGER               ``-?[0-9]+``                                     must fit int64
OPTION_NAME           ``[A-Za-z]([-_A-Za-z0-9]*[A-Za-z0-9])?``         only before ``]``
IP_ADDRESS            dotted quad, or hex/colon form with two ``:``   must be valid
keywords, operators   ``option`` ... ``==`` ``(`` ``)`` ``[`` ``]`` ...
anything else         error ``Invalid character: c``
====================  ==============================================  =================

Tokens are produced lazily (:meth:`Lexer.next_token`), so, as in Kea, a bad character after
a syntax error is never reported.
"""

from __future__ import annotations

import enum
import ipaddress
import re
from dataclasses import dataclass

INT64_MIN = -(2**63)
INT64_MAX = 2**63 - 1


class ExpressionError(ValueError):
    """A classification expression was rejected; ``position`` is the 0-based offset in the text.

    ``end`` is the offset just past the offending token (equal to ``position`` at end of text).
    ``str(error)`` is ``"<message> at position <position>"``; :meth:`kea_text` renders Kea's own
    form, e.g. ``<string>:1.8-9: option 'ab' is not defined``.
    """

    def __init__(self, message: str, position: int, end: int, text: str) -> None:
        self.message = message
        self.position = position
        self.end = max(end, position)
        self.text = text
        super().__init__(f"{message} at position {position}")

    def line_column(self) -> tuple[int, int]:
        """1-based (line, column) of ``position``, counting ``\\n`` as Kea's lexer does."""
        before = self.text[: self.position]
        line = before.count("\n") + 1
        return line, self.position - (before.rfind("\n") + 1) + 1

    def kea_text(self) -> str:
        """The message in Kea's ``<string>:line.col[-endcol]: message`` form."""
        line, column = self.line_column()
        last = column + (self.end - self.position) - 1
        span = f"{column}-{last}" if last > column else f"{column}"
        return f"<string>:{line}.{span}: {self.message}"


class T(enum.IntEnum):
    """Token kinds, numbered in the order of Kea's ``%token`` list.

    Kea's "expecting A or B" messages list tokens in this order, so ours do too.
    """

    END = 0
    LPAREN = enum.auto()
    RPAREN = enum.auto()
    NOT = enum.auto()
    AND = enum.auto()
    OR = enum.auto()
    EQUAL = enum.auto()
    OPTION = enum.auto()
    RELAY4 = enum.auto()
    RELAY6 = enum.auto()
    MEMBER = enum.auto()
    PEERADDR = enum.auto()
    LINKADDR = enum.auto()
    LBRACKET = enum.auto()
    RBRACKET = enum.auto()
    DOT = enum.auto()
    TEXT = enum.auto()
    HEX = enum.auto()
    EXISTS = enum.auto()
    PKT = enum.auto()
    IFACE = enum.auto()
    SRC = enum.auto()
    DST = enum.auto()
    LEN = enum.auto()
    PKT4 = enum.auto()
    MAC = enum.auto()
    HLEN = enum.auto()
    HTYPE = enum.auto()
    CIADDR = enum.auto()
    GIADDR = enum.auto()
    YIADDR = enum.auto()
    SIADDR = enum.auto()
    SUBSTRING = enum.auto()
    SPLIT = enum.auto()
    ALL = enum.auto()
    COMMA = enum.auto()
    CONCAT = enum.auto()
    PLUS = enum.auto()
    IFELSE = enum.auto()
    HEXSTRING_FN = enum.auto()
    ADDRTOTEXT = enum.auto()
    INT8TOTEXT = enum.auto()
    INT16TOTEXT = enum.auto()
    INT32TOTEXT = enum.auto()
    UINT8TOTEXT = enum.auto()
    UINT16TOTEXT = enum.auto()
    UINT32TOTEXT = enum.auto()
    PKT6 = enum.auto()
    MSGTYPE = enum.auto()
    TRANSID = enum.auto()
    VENDOR_CLASS = enum.auto()
    VENDOR = enum.auto()
    ANY = enum.auto()
    DATA = enum.auto()
    ENTERPRISE = enum.auto()
    STRING = enum.auto()
    INTEGER = enum.auto()
    HEXSTRING = enum.auto()
    OPTION_NAME = enum.auto()
    IP_ADDRESS = enum.auto()
    # Pukeko extension: Kea 2.4 string functions, not in Kea 2.2's token list.
    LCASE = enum.auto()
    UCASE = enum.auto()


# Fixed-text tokens: keywords (lexer.ll) and operators. "vendor-class" contains a hyphen.
FIXED: dict[str, T] = {
    "option": T.OPTION,
    "relay4": T.RELAY4,
    "relay6": T.RELAY6,
    "peeraddr": T.PEERADDR,
    "linkaddr": T.LINKADDR,
    "text": T.TEXT,
    "hex": T.HEX,
    "exists": T.EXISTS,
    "pkt": T.PKT,
    "iface": T.IFACE,
    "src": T.SRC,
    "dst": T.DST,
    "len": T.LEN,
    "pkt4": T.PKT4,
    "mac": T.MAC,
    "hlen": T.HLEN,
    "htype": T.HTYPE,
    "ciaddr": T.CIADDR,
    "giaddr": T.GIADDR,
    "yiaddr": T.YIADDR,
    "siaddr": T.SIADDR,
    "pkt6": T.PKT6,
    "msgtype": T.MSGTYPE,
    "transid": T.TRANSID,
    "vendor": T.VENDOR,
    "vendor-class": T.VENDOR_CLASS,
    "data": T.DATA,
    "enterprise": T.ENTERPRISE,
    "substring": T.SUBSTRING,
    "split": T.SPLIT,
    "all": T.ALL,
    "concat": T.CONCAT,
    "ifelse": T.IFELSE,
    "hexstring": T.HEXSTRING_FN,
    "addrtotext": T.ADDRTOTEXT,
    "int8totext": T.INT8TOTEXT,
    "int16totext": T.INT16TOTEXT,
    "int32totext": T.INT32TOTEXT,
    "uint8totext": T.UINT8TOTEXT,
    "uint16totext": T.UINT16TOTEXT,
    "uint32totext": T.UINT32TOTEXT,
    "lcase": T.LCASE,
    "ucase": T.UCASE,
    "not": T.NOT,
    "and": T.AND,
    "or": T.OR,
    "member": T.MEMBER,
    "==": T.EQUAL,
    ".": T.DOT,
    "(": T.LPAREN,
    ")": T.RPAREN,
    "[": T.LBRACKET,
    "]": T.RBRACKET,
    ",": T.COMMA,
    "*": T.ANY,
    "+": T.PLUS,
}
SPELLING: dict[T, str] = {kind: text for text, kind in FIXED.items()}

# How Kea's messages name each token (bison aliases; "," keeps its quotes).
DISPLAY: dict[T, str] = {
    **SPELLING,
    T.END: "end of file",
    T.COMMA: '","',
    T.STRING: "constant string",
    T.INTEGER: "integer",
    T.HEXSTRING: "constant hexstring",
    T.OPTION_NAME: "option name",
    T.IP_ADDRESS: "ip address",
}

_BLANKS = re.compile(r"[ \t]+|\n+")
_STRING = re.compile(r"'[^'\n]*'")
_HEX = re.compile(r"0[xX][0-9a-fA-F]+")
_INT = re.compile(r"-?[0-9]+")
_NAME = re.compile(r"[A-Za-z](?:[-_A-Za-z0-9]*[A-Za-z0-9])?")
_NAME_TAIL = re.compile(r"[ \t\n]*\]")
_ADDR4 = re.compile(r"[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+")
_ADDR6 = re.compile(r"[0-9a-fA-F]*:[0-9a-fA-F]*:[0-9a-fA-F:.]*")
# Longest spelling first, so the alternation finds the longest fixed token.
_FIXED_RE = re.compile("|".join(re.escape(f) for f in sorted(FIXED, key=len, reverse=True)))


@dataclass(frozen=True, slots=True)
class Token:
    """One token: its kind, its text (string contents without quotes), and its span."""

    kind: T
    text: str
    start: int
    end: int


class Lexer:
    """Hands out the tokens of one expression on demand; ``END`` repeats at end of text."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0

    def error(self, message: str, start: int, end: int) -> ExpressionError:
        """An :class:`ExpressionError` for this text."""
        return ExpressionError(message, start, end, self.text)

    def next_token(self) -> Token:
        """The next token, or raise :class:`ExpressionError` for a lexical error."""
        text = self.text
        blanks = _BLANKS.match(text, self.pos)
        while blanks:
            self.pos = blanks.end()
            blanks = _BLANKS.match(text, self.pos)
        start = self.pos
        if start >= len(text):
            return Token(T.END, "", start, start)
        kind, length = self._longest(start)
        end = start + length
        self.pos = end
        if kind is None:
            raise self.error(f"Invalid character: {text[start]}", start, start + 1)
        return self._finish(kind, start, end)

    def _longest(self, start: int) -> tuple[T | None, int]:
        """The rule with the longest match at ``start``; ties go to the earlier rule."""
        text = self.text
        best: tuple[T | None, int] = (None, 1)
        best_len = 0
        for kind, pattern in ((T.STRING, _STRING), (T.HEXSTRING, _HEX), (T.INTEGER, _INT)):
            found = pattern.match(text, start)
            if found and found.end() - start > best_len:
                best, best_len = (kind, found.end() - start), found.end() - start
        name = _NAME.match(text, start)
        tail = _NAME_TAIL.match(text, name.end()) if name else None
        if name and tail and tail.end() - start > best_len:
            # flex counts the trailing context "]" towards the match length.
            # The token spans the name and its trailing blanks, as Kea's location does.
            best, best_len = (T.OPTION_NAME, tail.end() - 1 - start), tail.end() - start
        for pattern in (_ADDR4, _ADDR6):
            found = pattern.match(text, start)
            if found and found.end() - start > best_len:
                best, best_len = (T.IP_ADDRESS, found.end() - start), found.end() - start
        fixed = _FIXED_RE.match(text, start)
        if fixed and fixed.end() - start > best_len:
            return FIXED[fixed.group()], fixed.end() - start
        return best

    def _finish(self, kind: T, start: int, end: int) -> Token:
        """Validate the lexeme as Kea's lexer does and build its token."""
        lexeme = self.text[start:end]
        if kind is T.STRING:
            return Token(kind, lexeme[1:-1], start, end)
        if kind is T.OPTION_NAME:
            return Token(kind, lexeme.rstrip(" \t\n"), start, end)
        if kind is T.INTEGER and not _fits_int64(lexeme):
            raise self.error(f"Failed to convert {lexeme} to an integer.", start, end)
        if kind is T.IP_ADDRESS and parse_address(lexeme) is None:
            raise self.error(f"Failed to convert {lexeme} to an IP address.", start, end)
        return Token(kind, lexeme, start, end)


def _fits_int64(lexeme: str) -> bool:
    """Whether an integer lexeme fits Kea's ``int64_t`` (checked before ``int()`` on long text)."""
    digits = lexeme.lstrip("-").lstrip("0")
    return len(digits) <= 19 and INT64_MIN <= int(lexeme) <= INT64_MAX


def parse_address(lexeme: str) -> bytes | None:
    """The 4 or 16 network-order bytes of an address literal, or None if it is not valid."""
    try:
        if ":" in lexeme:
            return ipaddress.IPv6Address(lexeme).packed
        return ipaddress.IPv4Address(lexeme).packed
    except ValueError:
        return None


def tokenize(text: str) -> list[Token]:
    """All tokens of ``text`` up to and including ``END`` (raises on the first bad one)."""
    lexer = Lexer(text)
    out = [lexer.next_token()]
    while out[-1].kind is not T.END:
        out.append(lexer.next_token())
    return out
