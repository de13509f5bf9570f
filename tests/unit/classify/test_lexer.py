"""Lexer tests: flex's longest-match rules as Kea 2.2's lexer.ll applies them."""

from __future__ import annotations

import pytest

from pukeko.classify.lexer import DISPLAY, ExpressionError, Lexer, T, Token, tokenize


def kinds(text: str) -> list[T]:
    return [t.kind for t in tokenize(text)]


def test_spans_and_texts() -> None:
    assert tokenize("option[12].hex == 'ab'") == [
        Token(T.OPTION, "option", 0, 6),
        Token(T.LBRACKET, "[", 6, 7),
        Token(T.INTEGER, "12", 7, 9),
        Token(T.RBRACKET, "]", 9, 10),
        Token(T.DOT, ".", 10, 11),
        Token(T.HEX, "hex", 11, 14),
        Token(T.EQUAL, "==", 15, 17),
        Token(T.STRING, "ab", 18, 22),
        Token(T.END, "", 22, 22),
    ]


def test_option_name_needs_a_closing_bracket_and_beats_keywords() -> None:
    assert kinds("[exists]") == [T.LBRACKET, T.OPTION_NAME, T.RBRACKET, T.END]
    assert kinds("exists") == [T.EXISTS, T.END]
    name = tokenize("[ host-name \n ]")[1]
    assert (name.kind, name.text, name.start, name.end) == (T.OPTION_NAME, "host-name", 2, 14)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("vendor-class", [T.VENDOR_CLASS]),
        ("vendor", [T.VENDOR]),
        ("pkt4", [T.PKT4]),
        ("pkt", [T.PKT]),
        ("optionx]", [T.OPTION_NAME, T.RBRACKET]),
        ("hexstring", [T.HEXSTRING_FN]),
        ("0x1F", [T.HEXSTRING]),
        ("0X1f", [T.HEXSTRING]),
        ("-17", [T.INTEGER]),
        ("1-2", [T.INTEGER, T.INTEGER]),
        ("10.0.0.1", [T.IP_ADDRESS]),
        ("10.0.1", [T.INTEGER, T.DOT, T.INTEGER, T.DOT, T.INTEGER]),
        ("2001:db8::1", [T.IP_ADDRESS]),
        ("::ffff:10.0.0.1", [T.IP_ADDRESS]),
        ("substring(", [T.SUBSTRING, T.LPAREN]),
    ],
)
def test_longest_match(text: str, expected: list[T]) -> None:
    assert kinds(text) == [*expected, T.END]


def test_name_rule_does_not_swallow_inner_blanks() -> None:
    # "a" is followed by a blank then "and", not by "]": no name, so "a" is a bad character.
    with pytest.raises(ExpressionError) as caught:
        tokenize("a and b]")
    assert (caught.value.position, caught.value.message) == (0, "Invalid character: a")
    assert kinds("and b]") == [T.AND, T.OPTION_NAME, T.RBRACKET, T.END]


def test_strings_have_no_escapes() -> None:
    assert tokenize(r"'a\'")[0] == Token(T.STRING, "a\\", 0, 4)
    assert tokenize("''")[0] == Token(T.STRING, "", 0, 2)
    assert tokenize("'\u00e9t\u00e9'")[0].text == "\u00e9t\u00e9"


def test_blanks_are_space_tab_and_newline_only() -> None:
    assert kinds(" \t\n\n(\t)\n") == [T.LPAREN, T.RPAREN, T.END]
    with pytest.raises(ExpressionError) as caught:
        tokenize("(\r)")
    assert caught.value.message == "Invalid character: \r"
    assert caught.value.position == 1


@pytest.mark.parametrize(
    ("text", "position", "message"),
    [
        ("'abc", 0, "Invalid character: '"),
        ("'a\nb'", 0, "Invalid character: '"),
        ("=", 0, "Invalid character: ="),
        ("0x", 1, "Invalid character: x"),
        ("( $", 2, "Invalid character: $"),
        ("9223372036854775808", 0, "Failed to convert 9223372036854775808 to an integer."),
        ("-9223372036854775809", 0, "Failed to convert -9223372036854775809 to an integer."),
        ("9" * 5000, 0, f"Failed to convert {'9' * 5000} to an integer."),
        ("1.2.3.256", 0, "Failed to convert 1.2.3.256 to an IP address."),
        ("01.2.3.4", 0, "Failed to convert 01.2.3.4 to an IP address."),
        ("a:b:", 0, "Failed to convert a:b: to an IP address."),
        ("1::2::3", 0, "Failed to convert 1::2::3 to an IP address."),
    ],
)
def test_lexical_errors(text: str, position: int, message: str) -> None:
    with pytest.raises(ExpressionError) as caught:
        tokenize(text)
    assert (caught.value.position, caught.value.message) == (position, message)


def test_int64_bounds_are_accepted() -> None:
    assert tokenize("9223372036854775807")[0].kind is T.INTEGER
    assert tokenize("-9223372036854775808")[0].kind is T.INTEGER


def test_lexer_is_lazy_and_end_repeats() -> None:
    lexer = Lexer("( $")
    assert lexer.next_token().kind is T.LPAREN  # the bad "$" is not looked at yet
    with pytest.raises(ExpressionError):
        lexer.next_token()
    done = Lexer("")
    assert done.next_token().kind is T.END
    assert done.next_token().kind is T.END


def test_display_names_and_order_match_kea_messages() -> None:
    assert DISPLAY[T.COMMA] == '","'
    assert DISPLAY[T.END] == "end of file"
    assert DISPLAY[T.STRING] == "constant string"
    assert DISPLAY[T.HEXSTRING_FN] == "hexstring"
    assert T.RPAREN < T.AND < T.OR < T.EQUAL < T.COMMA < T.PLUS < T.STRING < T.INTEGER
