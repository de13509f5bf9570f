"""Kea's JSON dialect: JSON plus comments and ``<?include "file"?>`` directives.

The rules follow Kea 2.2's configuration lexer (ARM "JSON Syntax" / "Comments and User Context"):

* ``#`` and ``//`` start a comment that runs to the end of the line; ``/* ... */`` is a block
  comment. Inside a string these characters are ordinary text.
* ``<?include "path"?>`` splices the tokens of another file in place. The included text comes
  from the caller's ``read_include`` callback (this package does no file I/O). Includes nest
  up to :data:`MAX_INCLUDE_DEPTH` levels and a file that includes itself (directly or not) is an
  error. Positions inside included text name the included file.
* A trailing comma in a map or list is accepted with a warning ("Extraneous comma"), as Kea
  2.2 does.
* Duplicate keys in any map are rejected, as Kea 2.2 does ("duplicate X entries in ... map
  (previous at ...)"); unlike Kea, every duplicate is reported, not only the first.
* Numbers follow Kea's lexer: ``-?[0-9]+`` is a 64-bit signed integer, anything else that looks
  numeric (``1.5``, ``1e3``, ``+2``) is a real number.
* Strings accept the JSON escapes; like Kea only ``\\u0000``-``\\u00ff`` is supported.
* ``true``/``false``/``null`` are lower case only.

Syntax errors raise :class:`ConfigErrors` with the position (line:column, 1-based) of the
offending token. Nothing else is ever raised for any ``str`` input.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from pukeko.config.errors import ConfigError, ConfigErrors, KeyPath, Position

# Kea refuses more than 10 nested includes ("Too many nested include.").
MAX_INCLUDE_DEPTH = 10
# Deeper nesting than this is refused instead of exhausting the Python stack.
MAX_NESTING = 200

INT64_MIN = -(2**63)
INT64_MAX = 2**63 - 1

ReadInclude = Callable[[str], tuple[str, str]]


@dataclass(frozen=True)
class Document:
    """A parsed configuration: the plain value and where each map member / list item starts."""

    value: object
    positions: Mapping[KeyPath, Position]
    # Where each map member's key starts (Kea reports unknown keywords there).
    key_positions: Mapping[KeyPath, Position] = field(default_factory=dict)
    # Non-fatal findings, e.g. Kea's "Extraneous comma" warning.
    warnings: tuple[ConfigError, ...] = ()


def parse_json(text: str, *, source: str, read_include: ReadInclude | None = None) -> Document:
    """Parse Kea-dialect JSON text into a :class:`Document`; raise :class:`ConfigErrors`."""
    parser = _Parser(_Lexer(text, source, read_include))
    try:
        return parser.parse_document()
    except _Abort as abort:
        raise ConfigErrors([*parser.errors, abort.error]) from None
    except RecursionError:  # pragma: no cover - guarded by MAX_NESTING
        raise ConfigErrors([ConfigError((), "nesting too deep")]) from None


class _Abort(Exception):
    """Internal: a fatal syntax error that stops the parse."""

    def __init__(self, error: ConfigError) -> None:
        super().__init__(str(error))
        self.error = error


# Token kinds.
_PUNCT = "{}[],:"
_STRING = "string"
_NUMBER = "number"
_LITERAL = "literal"
_EOF = "end of file"

_LITERALS: dict[str, object] = {"true": True, "false": False, "null": None}
_ESCAPES = {'"': '"', "\\": "\\", "/": "/", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t"}
_NUMBER_CHARS = frozenset("0123456789+-.eE")
_WORD_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_")


@dataclass(frozen=True, slots=True)
class _Token:
    kind: str  # one of _PUNCT characters, _STRING, _NUMBER, _LITERAL, _EOF
    value: object
    position: Position
    text: str


@dataclass(slots=True)
class _Frame:
    """One source being scanned (the main text or an included file)."""

    name: str
    text: str
    pos: int = 0
    line: int = 1
    line_start: int = 0

    def position(self, at: int | None = None) -> Position:
        at = self.pos if at is None else at
        return Position(self.name, self.line, at - self.line_start + 1)


class _Lexer:
    """Turns the text (and the included texts) into tokens."""

    def __init__(self, text: str, source: str, read_include: ReadInclude | None) -> None:
        self._frames = [_Frame(source, text)]
        self._read_include = read_include

    # -- helpers ---------------------------------------------------------------------------
    def _fail(self, message: str, position: Position | None = None) -> _Abort:
        return _Abort(ConfigError((), message, position or self._frames[-1].position()))

    def _skip_blank(self, frame: _Frame) -> None:
        """Skip white space and comments in the current frame."""
        text = frame.text
        while frame.pos < len(text):
            ch = text[frame.pos]
            if ch == "\n":
                frame.pos += 1
                frame.line += 1
                frame.line_start = frame.pos
            elif ch in " \t\r":
                frame.pos += 1
            elif ch == "#" or text.startswith("//", frame.pos):
                end = text.find("\n", frame.pos)
                frame.pos = len(text) if end < 0 else end
            elif text.startswith("/*", frame.pos):
                self._skip_block_comment(frame)
            else:
                return

    def _skip_block_comment(self, frame: _Frame) -> None:
        start = frame.position()
        end = frame.text.find("*/", frame.pos + 2)
        if end < 0:
            raise self._fail(f"Comment not closed. (/* in line {start.line})", start)
        body_lines = frame.text.count("\n", frame.pos, end)
        if body_lines:
            frame.line += body_lines
            frame.line_start = frame.text.rfind("\n", frame.pos, end) + 1
        frame.pos = end + 2

    # -- includes --------------------------------------------------------------------------
    def _enter_include(self, frame: _Frame) -> None:
        """Handle ``<?include "path"`` (the closing ``?>`` is checked when the file ends)."""
        start = frame.position()
        frame.pos += 2
        self._skip_spaces(frame)
        if not frame.text.startswith("include", frame.pos):
            raise self._fail("Directive not closed.", start)
        frame.pos += len("include")
        self._skip_spaces(frame)
        path = self._directive_path(frame, start)
        if len(self._frames) > MAX_INCLUDE_DEPTH:
            raise self._fail("Too many nested include.", start)
        name, text = self._load_include(path, start)
        if any(f.name == name for f in self._frames):
            raise self._fail(f"include loop: {name} includes itself", start)
        self._frames.append(_Frame(name, text))

    def _skip_spaces(self, frame: _Frame) -> None:
        while frame.pos < len(frame.text) and frame.text[frame.pos] in " \t\r\n":
            if frame.text[frame.pos] == "\n":
                frame.line += 1
                frame.line_start = frame.pos + 1
            frame.pos += 1

    def _directive_path(self, frame: _Frame, start: Position) -> str:
        text = frame.text
        if not text.startswith('"', frame.pos):
            raise self._fail('expected a quoted file name after "<?include"', frame.position())
        end = frame.pos + 1
        while end < len(text) and text[end] not in '"\n':
            end += 1
        if end >= len(text) or text[end] != '"' or end == frame.pos + 1:
            raise self._fail("Directive not closed.", start)
        path = text[frame.pos + 1 : end]
        frame.pos = end + 1
        return path

    def _load_include(self, path: str, start: Position) -> tuple[str, str]:
        if self._read_include is None:
            raise self._fail(f"Can't open include file {path}: includes are not allowed", start)
        try:
            name, text = self._read_include(path)
        except ConfigErrors as errors:
            first = errors.errors[0] if errors.errors else None
            detail = f": {first.message}" if first else ""
            raise self._fail(f"Can't open include file {path}{detail}", start) from None
        except Exception as exc:  # the callback is foreign code: report, never crash
            raise self._fail(f"Can't open include file {path}: {exc}", start) from None
        if not isinstance(name, str) or not isinstance(text, str):
            raise self._fail(f"Can't open include file {path}: reader returned no text", start)
        return name, text

    def _leave_include(self) -> None:
        """At the end of an included file: resume the includer and require ``?>``."""
        self._frames.pop()
        frame = self._frames[-1]
        self._skip_spaces(frame)
        if not frame.text.startswith("?>", frame.pos):
            raise self._fail("Directive not closed.", frame.position())
        frame.pos += 2

    # -- tokens ----------------------------------------------------------------------------
    def next_token(self) -> _Token:
        """Return the next token, following includes."""
        while True:
            frame = self._frames[-1]
            self._skip_blank(frame)
            if frame.pos >= len(frame.text):
                if len(self._frames) == 1:
                    return _Token(_EOF, None, frame.position(), "")
                self._leave_include()
                continue
            if frame.text.startswith("<?", frame.pos):
                self._enter_include(frame)
                continue
            return self._scan(frame)

    def _scan(self, frame: _Frame) -> _Token:
        ch = frame.text[frame.pos]
        start = frame.position()
        if ch in _PUNCT:
            frame.pos += 1
            return _Token(ch, None, start, ch)
        if ch == '"':
            return self._scan_string(frame, start)
        if ch in _NUMBER_CHARS:
            return self._scan_number(frame, start)
        if ch in _WORD_CHARS:
            return self._scan_word(frame, start)
        raise self._fail(f"Invalid character: {ch!r}", start)

    def _scan_word(self, frame: _Frame, start: Position) -> _Token:
        end = frame.pos
        while end < len(frame.text) and frame.text[end] in _WORD_CHARS:
            end += 1
        word = frame.text[frame.pos : end]
        if word in _LITERALS:
            frame.pos = end
            return _Token(_LITERAL, _LITERALS[word], start, word)
        if word.lower() in _LITERALS:
            raise self._fail(f"JSON {word.lower()} reserved keyword is lower case only", start)
        raise self._fail(f"Invalid character: {word[0]!r}", start)

    def _scan_number(self, frame: _Frame, start: Position) -> _Token:
        text = frame.text
        end = frame.pos
        while end < len(text) and text[end] in _NUMBER_CHARS:
            end += 1
        raw = text[frame.pos : end]
        frame.pos = end
        digits = raw[1:] if raw.startswith("-") else raw
        if digits.isdigit() and digits.isascii():
            number = int(raw)
            if not INT64_MIN <= number <= INT64_MAX:
                raise self._fail(f"Failed to convert {raw} to an integer.", start)
            return _Token(_NUMBER, number, start, raw)
        try:
            real = float(raw)
        except ValueError:
            raise self._fail(f"Failed to convert {raw} to a floating point.", start) from None
        if real != real or real in (float("inf"), float("-inf")):
            raise self._fail(f"Failed to convert {raw} to a floating point.", start)
        return _Token(_NUMBER, real, start, raw)

    def _scan_string(self, frame: _Frame, start: Position) -> _Token:
        text = frame.text
        pos = frame.pos + 1
        out: list[str] = []
        while True:
            if pos >= len(text):
                raise self._fail("unterminated string", start)
            ch = text[pos]
            if ch == '"':
                break
            if ch < " ":
                raise self._fail(f"Invalid control in string (code {ord(ch)})", start)
            if ch == "\\":
                decoded, pos = self._escape(text, pos, start)
                out.append(decoded)
                continue
            out.append(ch)
            pos += 1
        raw = text[frame.pos : pos + 1]
        frame.pos = pos + 1
        return _Token(_STRING, "".join(out), start, raw)

    def _escape(self, text: str, pos: int, start: Position) -> tuple[str, int]:
        """Decode the escape at ``text[pos] == '\\'``; return it and the next position."""
        kind = text[pos + 1 : pos + 2]
        if kind in _ESCAPES:
            return _ESCAPES[kind], pos + 2
        if kind != "u":
            raise self._fail(f"Bad escape in string: \\{kind}", start)
        hex4 = text[pos + 2 : pos + 6]
        if len(hex4) != 4 or not all(c in "0123456789abcdefABCDEF" for c in hex4):
            raise self._fail("Bad unicode escape in string", start)
        if not hex4.startswith("00"):
            # Kea 2.2 supports only \u0000 to \u00ff.
            raise self._fail(f"Unsupported unicode escape \\u{hex4} in string", start)
        return chr(int(hex4, 16)), pos + 6


def _describe(token: _Token) -> str:
    if token.kind == _EOF:
        return "end of file"
    if token.kind == _STRING:
        return "constant string"
    if token.kind == _NUMBER:
        return "integer" if isinstance(token.value, int) else "floating point"
    return token.text


class _Parser:
    """Recursive descent over the lexer's tokens, with a nesting limit."""

    def __init__(self, lexer: _Lexer) -> None:
        self._lexer = lexer
        self._token = _Token(_EOF, None, Position("", 0, 0), "")
        self.errors: list[ConfigError] = []
        self._warnings: list[ConfigError] = []
        self._positions: dict[KeyPath, Position] = {}
        self._key_positions: dict[KeyPath, Position] = {}

    def _advance(self) -> _Token:
        token = self._token
        self._token = self._lexer.next_token()
        return token

    def _unexpected(self, path: KeyPath, expecting: str) -> _Abort:
        token = self._token
        message = f"syntax error, unexpected {_describe(token)}, expecting {expecting}"
        return _Abort(ConfigError(path, message, token.position))

    def parse_document(self) -> Document:
        """Parse one value followed by the end of the text."""
        self._advance()
        self._positions[()] = self._token.position
        value = self._value((), 0)
        if self._token.kind != _EOF:
            raise self._unexpected((), "end of file")
        if self.errors:
            raise ConfigErrors(self.errors)
        return Document(value, self._positions, self._key_positions, tuple(self._warnings))

    def _value(self, path: KeyPath, depth: int) -> object:
        token = self._token
        if token.kind in (_STRING, _NUMBER, _LITERAL):
            self._advance()
            return token.value
        if token.kind in ("{", "["):
            if depth >= MAX_NESTING:
                message = f"nesting too deep (more than {MAX_NESTING} levels)"
                raise _Abort(ConfigError(path, message, token.position))
            if token.kind == "{":
                return self._map(path, depth + 1)
            return self._list(path, depth + 1)
        raise self._unexpected(path, "a value")

    def _extra_comma(self, path: KeyPath, comma: _Token) -> None:
        message = "Extraneous comma. A piece of configuration may have been omitted."
        self._warnings.append(ConfigError(path, message, comma.position))

    def _commas(self, path: KeyPath, closer: str) -> None:
        """Consume a separating comma; extra ones (``,,`` or ``,}``) only warn, as in Kea 2.2."""
        comma = self._advance()
        while self._token.kind in (",", closer):
            self._extra_comma(path, comma)
            if self._token.kind == closer:
                return
            comma = self._advance()

    def _map(self, path: KeyPath, depth: int) -> dict[str, object]:
        self._advance()  # '{'
        result: dict[str, object] = {}
        while self._token.kind != "}":
            key_token = self._token
            if key_token.kind != _STRING:
                raise self._unexpected(path, 'a string key or "}"')
            self._advance()
            key = str(key_token.value)
            if self._token.kind != ":":
                raise self._unexpected((*path, key), '":"')
            self._advance()
            member = (*path, key)
            value_position = self._token.position
            value = self._value(member, depth)
            if key in result:
                previous = self._key_positions[member]
                message = f"duplicate {key} entries in map (previous at {previous})"
                self.errors.append(ConfigError(member, message, key_token.position))
            else:
                result[key] = value
                self._positions[member] = value_position
                self._key_positions[member] = key_token.position
            if self._token.kind == ",":
                self._commas(path, "}")
            elif self._token.kind != "}":
                raise self._unexpected(path, '"," or "}"')
        self._advance()  # '}'
        return result

    def _list(self, path: KeyPath, depth: int) -> list[object]:
        self._advance()  # '['
        result: list[object] = []
        while self._token.kind != "]":
            item = (*path, len(result))
            self._positions[item] = self._token.position
            result.append(self._value(item, depth))
            if self._token.kind == ",":
                self._commas(path, "]")
            elif self._token.kind != "]":
                raise self._unexpected(path, '"," or "]"')
        self._advance()  # ']'
        return result
