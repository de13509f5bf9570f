"""Kea-dialect JSON: comments, includes, positions, errors."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pukeko.config.errors import ConfigError, ConfigErrors, Position
from pukeko.config.jsonc import MAX_INCLUDE_DEPTH, MAX_NESTING, Document, parse_json


def parse(text: str, **files: str) -> Document:
    def read(path: str) -> tuple[str, str]:
        if path not in files:
            raise FileNotFoundError(f"No such file or directory: {path!r}")
        return path, files[path]

    return parse_json(text, source="main.json", read_include=read)


def errors_of(text: str, **files: str) -> list[ConfigError]:
    with pytest.raises(ConfigErrors) as info:
        parse(text, **files)
    return info.value.errors


def pos(line: int, column: int, file: str = "main.json") -> Position:
    return Position(file, line, column)


# -- plain JSON -----------------------------------------------------------------------------


def test_plain_values() -> None:
    doc = parse('{"a": [1, -2, 2.5, "s", true, false, null, {}, []]}')
    assert doc.value == {"a": [1, -2, 2.5, "s", True, False, None, {}, []]}
    assert doc.warnings == ()


def test_integer_and_real_follow_kea_lexer() -> None:
    doc = parse("[7, 007, -0, 1e3, 1.0, +2, .5]")
    assert doc.value == [7, 7, 0, 1000.0, 1.0, 2.0, 0.5]
    assert isinstance(doc.value, list)
    assert [type(v) for v in doc.value] == [int, int, int, float, float, float, float]


def test_string_escapes() -> None:
    doc = parse(r'["a\"b", "\\", "\/", "\b\f\n\r\t", "\u0041\u00e9"]')
    assert doc.value == ['a"b', "\\", "/", "\b\f\n\r\t", "A\u00e9"]


def test_unicode_escape_beyond_latin1_is_refused_like_kea() -> None:
    (error,) = errors_of('{"a": "\\u0100"}')
    assert "Unsupported unicode escape" in error.message
    assert error.position == pos(1, 7)


# -- comments -------------------------------------------------------------------------------


def test_three_comment_kinds() -> None:
    text = """# hash comment
{
  // slash comment
  "a": 1, /* block
  spanning lines */ "b": 2 # trailing
}
"""
    doc = parse(text)
    assert doc.value == {"a": 1, "b": 2}
    assert doc.positions[("b",)] == pos(5, 26)


def test_comment_markers_inside_strings_are_text() -> None:
    doc = parse('{"a": "x # y // z /* w */ v"}')
    assert doc.value == {"a": "x # y // z /* w */ v"}


def test_unclosed_block_comment() -> None:
    (error,) = errors_of('{\n "a": 1 /* never closed\n}')
    assert error.message == "Comment not closed. (/* in line 2)"
    assert error.position == pos(2, 9)


# -- positions ------------------------------------------------------------------------------


def test_positions_of_members_and_items() -> None:
    text = (
        '{\n  "Dhcp6": {\n    "subnet6": [\n      { "pools": [ { "pool": "a" } ] }\n    ]\n  }\n}'
    )
    doc = parse(text)
    assert doc.positions[()] == pos(1, 1)
    assert doc.positions[("Dhcp6",)] == pos(2, 12)
    assert doc.positions[("Dhcp6", "subnet6")] == pos(3, 16)
    assert doc.positions[("Dhcp6", "subnet6", 0)] == pos(4, 7)
    assert doc.positions[("Dhcp6", "subnet6", 0, "pools", 0)] == pos(4, 20)
    assert doc.positions[("Dhcp6", "subnet6", 0, "pools", 0, "pool")] == pos(4, 30)
    assert doc.key_positions[("Dhcp6", "subnet6", 0, "pools", 0, "pool")] == pos(4, 22)


def test_tabs_count_as_one_column() -> None:
    doc = parse('{\t"a":\t1}')
    assert doc.positions[("a",)] == pos(1, 8)


# -- trailing commas and duplicates ---------------------------------------------------------


def test_extra_commas_are_warnings_like_kea() -> None:
    doc = parse('{"a": [1, 2,], "b": 3,,"c": 4,}')
    assert doc.value == {"a": [1, 2], "b": 3, "c": 4}
    columns = [w.position.column for w in doc.warnings if w.position]
    assert columns == [12, 22, 30]
    assert all("Extraneous comma" in w.message for w in doc.warnings)


def test_leading_comma_is_an_error() -> None:
    (error,) = errors_of("[,1]")
    assert error.position == pos(1, 2)


def test_duplicate_keys_are_all_reported() -> None:
    errors = errors_of('{"a": 1, "b": {"x": 1, "x": 2}, "a": 3}')
    assert [(e.path, e.position) for e in errors] == [
        (("b", "x"), pos(1, 24)),
        (("a",), pos(1, 33)),
    ]
    assert errors[1].message == "duplicate a entries in map (previous at main.json:1:2)"


# -- syntax errors --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "line", "column", "fragment"),
    [
        ("", 1, 1, "unexpected end of file"),
        ("{", 1, 2, "unexpected end of file"),
        ('{"a" 1}', 1, 6, 'expecting ":"'),
        ('{"a": 1 "b": 2}', 1, 9, 'expecting "," or "}"'),
        ("[1 2]", 1, 4, 'expecting "," or "]"'),
        ('{\n  "a": tru\n}', 2, 8, "Invalid character"),
        ('{"a": True}', 1, 7, "lower case only"),
        ('{"a": "x', 1, 7, "unterminated string"),
        ('{"a": "x\ny"}', 1, 7, "Invalid control"),
        ('{"a": "\\q"}', 1, 7, "Bad escape"),
        ("99999999999999999999", 1, 1, "Failed to convert"),
        ("1.2.3", 1, 1, "Failed to convert"),
        ("{} {}", 1, 4, "expecting end of file"),
        ("{1: 2}", 1, 2, "expecting a string key"),
        ("@", 1, 1, "Invalid character"),
    ],
)
def test_syntax_errors_have_line_and_column(
    text: str, line: int, column: int, fragment: str
) -> None:
    (error,) = errors_of(text)
    assert error.position == pos(line, column)
    assert fragment in error.message


def test_deep_nesting_is_refused_not_crashing() -> None:
    (error,) = errors_of("[" * 100_000)
    assert "nesting too deep" in error.message
    assert error.position == pos(1, MAX_NESTING + 1)


def test_nesting_up_to_the_limit_is_fine() -> None:
    text = "[" * MAX_NESTING + "]" * MAX_NESTING
    doc = parse(text)
    assert isinstance(doc.value, list)


# -- includes -------------------------------------------------------------------------------


def test_include_splices_tokens_with_their_own_positions() -> None:
    doc = parse(
        '{\n  "a": <?include "part.json"?>,\n  "b": 2\n}',
        **{"part.json": '// part\n[1,\n  <?include "leaf.json"?> ]'},
        **{"leaf.json": '\n\n   "leaf"'},
    )
    assert doc.value == {"a": [1, "leaf"], "b": 2}
    assert doc.positions[("a",)] == pos(2, 1, "part.json")
    assert doc.positions[("a", 0)] == pos(2, 2, "part.json")
    assert doc.positions[("a", 1)] == pos(3, 4, "leaf.json")
    assert doc.positions[("b",)] == pos(3, 8)


def test_include_may_hold_map_members() -> None:
    doc = parse('{ <?include "members.json"?> }', **{"members.json": '"x": 1, "y": 2'})
    assert doc.value == {"x": 1, "y": 2}


def test_include_loop_is_detected() -> None:
    (error,) = errors_of(
        '<?include "a.json"?>',
        **{"a.json": '<?include "b.json"?>'},
        **{"b.json": '<?include "a.json"?>'},
    )
    assert "include loop" in error.message
    assert error.position == pos(1, 1, "b.json")


def test_include_depth_is_limited() -> None:
    files = {f"f{n}": f'<?include "f{n + 1}"?>' for n in range(MAX_INCLUDE_DEPTH + 2)}
    files[f"f{MAX_INCLUDE_DEPTH + 2}"] = "1"
    (error,) = errors_of('<?include "f0"?>', **files)
    assert error.message == "Too many nested include."


def test_include_depth_at_limit_is_fine() -> None:
    files = {f"f{n}": f'<?include "f{n + 1}"?>' for n in range(MAX_INCLUDE_DEPTH - 1)}
    files[f"f{MAX_INCLUDE_DEPTH - 1}"] = "[42]"
    assert parse('<?include "f0"?>', **files).value == [42]


def test_missing_include_file_is_a_config_error() -> None:
    (error,) = errors_of('{\n  "a": <?include "nope.json"?>\n}')
    assert error.message.startswith("Can't open include file nope.json")
    assert "No such file" in error.message
    assert error.position == pos(2, 8)


def test_reader_config_errors_propagate() -> None:
    def read(path: str) -> tuple[str, str]:
        raise ConfigErrors([ConfigError((), "permission denied")])

    with pytest.raises(ConfigErrors) as info:
        parse_json('<?include "x"?>', source="m", read_include=read)
    assert info.value.errors[0].message == "Can't open include file x: permission denied"


def test_include_without_reader_is_refused() -> None:
    with pytest.raises(ConfigErrors):
        parse_json('<?include "x"?>', source="m")


@pytest.mark.parametrize(
    "text", ['<?include "a.json"', '<?include "a.json" x', "<?inc", '<?include ""?>']
)
def test_unclosed_directive(text: str) -> None:
    errors = errors_of(text, **{"a.json": "1"})
    assert errors


def test_syntax_error_inside_include_names_the_included_file() -> None:
    (error,) = errors_of('[<?include "bad.json"?>]', **{"bad.json": '\n  {"a" }'})
    assert error.position == pos(2, 8, "bad.json")


# -- never anything but ConfigErrors --------------------------------------------------------


@settings(max_examples=300, deadline=None)
@given(
    st.text(
        alphabet=st.sampled_from(list('{}[],:"\\ /*#\n<?>include01-.eEtrufalsn\x00u')), max_size=60
    )
)
def test_arbitrary_text_raises_only_config_errors(text: str) -> None:
    try:
        parse(text, **{"x": "[1]"})
    except ConfigErrors as exc:
        assert exc.errors
