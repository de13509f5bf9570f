"""Properties of the classification parser: it never fails except with ExpressionError, and
any tree it can produce renders to text that parses back to the same tree."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from pukeko.classify import ExpressionError, is_boolean, parse_expression, to_text
from pukeko.classify.ast import (
    And,
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
)

NAMES = {"host-name": 12, "dns-servers": 23, "exists": 99}
INT64 = st.integers(-(2**63), 2**63 - 1)
UINT32 = st.integers(0, 2**32 - 1)
VALUE_REPR = st.sampled_from([Repr.HEX, Repr.TEXT])

# Pieces of the language, so random texts often get deep into the grammar.
VOCABULARY = [
    "(",
    ")",
    "[",
    "]",
    ".",
    ",",
    "==",
    "+",
    "*",
    "not",
    "and",
    "or",
    "'x'",
    "''",
    "0x1f",
    "1",
    "-1",
    "300",
    "70000",
    "all",
    "option",
    "exists",
    "hex",
    "text",
    "member",
    "'foo'",
    "substring",
    "ifelse",
    "concat",
    "split",
    "hexstring",
    "addrtotext",
    "int8totext",
    "relay4",
    "relay6",
    "peeraddr",
    "linkaddr",
    "pkt",
    "pkt4",
    "pkt6",
    "mac",
    "iface",
    "msgtype",
    "transid",
    "vendor",
    "vendor-class",
    "data",
    "enterprise",
    "10.0.0.1",
    "::1",
    "1.2.3.999",
    "host-name",
    "dns-servers",
    "nope",
    "\n",
    "$",
]


def resolve(name: str) -> int | None:
    return NAMES.get(name)


def check_any_text(text: str, family: int, want: str) -> None:
    try:
        tree = parse_expression(text, family=family, option_code=resolve, want=want)
    except ExpressionError as error:
        assert 0 <= error.position <= error.end <= len(text)
        assert error.message
        return
    assert is_boolean(tree) == (want == "bool")
    assert parse_expression(to_text(tree), family=family, option_code=resolve, want=want) == tree


FAMILY = st.sampled_from([4, 6])
WANT = st.sampled_from(["bool", "string"])


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=60), FAMILY, WANT)
def test_arbitrary_text_only_raises_expression_error(text: str, family: int, want: str) -> None:
    check_any_text(text, family, want)


@settings(max_examples=400, deadline=None)
@given(
    st.lists(st.sampled_from(VOCABULARY), max_size=25),
    st.sampled_from([" ", ""]),
    FAMILY,
    WANT,
)
def test_token_soup_only_raises_expression_error(
    words: list[str], separator: str, family: int, want: str
) -> None:
    check_any_text(separator.join(words), family, want)


def string_leaves(family: int) -> st.SearchStrategy[Expression]:
    code = st.integers(0, 255 if family == 4 else 65535)
    common: list[st.SearchStrategy[Expression]] = [
        st.builds(Const, st.binary(max_size=6)),
        st.builds(
            Const,
            st.text(st.characters(min_codepoint=32, max_codepoint=126), max_size=6).map(str.encode),
        ),
        st.builds(Option, code, VALUE_REPR),
        st.builds(SubOption, code, code, VALUE_REPR),
        st.builds(Pkt, st.sampled_from(PktMeta)),
        st.just(VendorEnterprise()),
        st.just(VendorClassEnterprise()),
        st.builds(VendorOption, UINT32, code, VALUE_REPR),
        st.builds(VendorClassData, UINT32, st.integers(0, 255)),
    ]
    if family == 4:
        common += [
            st.builds(Relay4Option, code, VALUE_REPR),
            st.builds(Pkt4, st.sampled_from(Pkt4Field)),
        ]
    else:
        nest = st.integers(-32, 31)
        common += [
            st.builds(Relay6Option, nest, code, VALUE_REPR),
            st.builds(Relay6Header, nest, st.sampled_from(Relay6Field)),
            st.builds(Pkt6, st.sampled_from(Pkt6Field)),
        ]
    return st.one_of(common)


def bool_leaves(family: int) -> st.SearchStrategy[Expression]:
    code = st.integers(0, 255 if family == 4 else 65535)
    exists = st.just(Repr.EXISTS)
    name = st.text(st.characters(codec="utf-8", exclude_characters="'\n"), max_size=8)
    leaves: list[st.SearchStrategy[Expression]] = [
        st.builds(Option, code, exists),
        st.builds(SubOption, code, code, exists),
        st.builds(VendorOption, UINT32, code, exists),
        st.builds(VendorExists, UINT32),
        st.builds(VendorClassExists, UINT32),
        st.builds(Member, name),
    ]
    if family == 4:
        leaves.append(st.builds(Relay4Option, code, exists))
    else:
        leaves.append(st.builds(Relay6Option, st.integers(-32, 31), code, exists))
    return st.one_of(leaves)


def trees(family: int) -> tuple[st.SearchStrategy[Expression], st.SearchStrategy[Expression]]:
    """(string trees, boolean trees) valid in ``family``."""
    blf = bool_leaves(family)

    def grow_strings(inner: st.SearchStrategy[Expression]) -> st.SearchStrategy[Expression]:
        condition = st.one_of(blf, st.builds(Equal, inner, inner))
        return st.one_of(
            st.builds(Substring, inner, INT64, st.none() | INT64),
            st.builds(Split, inner, inner, INT64),
            st.builds(Concat, st.lists(inner, min_size=2, max_size=3).map(tuple)),
            st.builds(IfElse, condition, inner, inner),
            st.builds(HexString, inner, inner),
            st.builds(ToText, st.sampled_from(TextFunc), inner),
        )

    strings = st.recursive(string_leaves(family), grow_strings, max_leaves=10)

    def grow_bools(inner: st.SearchStrategy[Expression]) -> st.SearchStrategy[Expression]:
        return st.one_of(
            st.builds(Not, inner),
            st.builds(And, st.lists(inner, min_size=2, max_size=3).map(tuple)),
            st.builds(Or, st.lists(inner, min_size=2, max_size=3).map(tuple)),
        )

    bools = st.recursive(blf | st.builds(Equal, strings, strings), grow_bools, max_leaves=8)
    return strings, bools


TREES = {4: trees(4), 6: trees(6)}


@st.composite
def family_and_tree(draw: st.DrawFn) -> tuple[int, str, Expression]:
    family = draw(FAMILY)
    strings, bools = TREES[family]
    if draw(st.booleans()):
        return family, "bool", draw(bools)
    return family, "string", draw(strings)


@settings(max_examples=400, deadline=None)
@given(family_and_tree())
def test_rendered_trees_parse_back_to_the_same_tree(case: tuple[int, str, Expression]) -> None:
    family, want, tree = case
    text = to_text(tree)
    assert parse_expression(text, family=family, option_code=resolve, want=want) == tree
