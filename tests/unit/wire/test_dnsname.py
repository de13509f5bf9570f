"""The one text parser of domain names, checked against Kea 2.2's ``isc::dns::Name``.

Every text below was checked with ``kea-dhcp6 -t`` on a configuration holding it as
``domain-search`` data (the empty text as the fqdn field of a record option): Kea accepts the
same texts and reports ``Name``'s own messages, which are the ones expected here.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pukeko.wire.buffer import Reader
from pukeko.wire.datatypes import WireContext, read_name
from pukeko.wire.dnsname import (
    NameTextError,
    name_bytes,
    name_text,
    parse_name,
    parse_name_bytes,
    raw_text,
    wire_length,
    wire_name,
)

L63 = "a" * 63
# Three 63-byte labels: 192 wire bytes; a fourth label of n bytes makes 192 + n + 2.
THREE = ".".join([L63] * 3)


@pytest.mark.parametrize(
    ("text", "labels"),
    [
        ("host.example.com", (b"host", b"example", b"com")),
        ("host.example.com.", (b"host", b"example", b"com")),
        (".", ()),
        ("@", ()),
        ("@.", (b"@",)),  # '@' is the root only alone
        ("@a", (b"@a",)),
        ("a.@", (b"a", b"@")),
        ("a\\.b", (b"a.b",)),
        ("a\\\\", (b"a\\",)),
        ("a\\065", (b"aA",)),
        ("\\046", (b".",)),
        ("a\\255", (b"a\xff",)),
        ("a\\[x", (b"a[x",)),  # '\[' only opens a bit-string label first in a label
        ("a b", (b"a b",)),
        ("Mixed.Case", (b"Mixed", b"Case")),  # case kept
        ("é.com", (b"\xc3\xa9", b"com")),  # UTF-8 bytes, as Kea reads a UTF-8 file
        ("\udce9.com", (b"\xe9", b"com")),  # an undecodable byte (surrogateescape)
        (L63, (b"a" * 63,)),
        ("a\\065" * 21 + "b", (b"aA" * 21 + b"b",)),  # 63 bytes written with escapes
    ],
)
def test_text_names_parse(text: str, labels: tuple[bytes, ...]) -> None:
    assert parse_name(text) == labels


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "incomplete textual name in <empty>"),
        ("..", "non terminating empty label in .."),
        (".a", "non terminating empty label in .a"),
        ("a..b", "duplicate period in a..b"),
        ("a..", "duplicate period in a.."),
        ("\\[x", "invalid label type in \\[x"),
        ("a.\\[x", "invalid label type in a.\\[x"),
        ("a\\", "incomplete textual name in a\\"),
        ("a\\25", "incomplete textual name in a\\25"),
        ("a\\25x", "mixture of escaped digit and non-digit in a\\25x"),
        ("a\\256", "escaped decimal is too large in a\\256"),
        ("a" * 64, "label is too long in " + "a" * 64),
        ("a\\065" * 32, "label is too long in " + "a\\065" * 32),
    ],
)
def test_bad_text_names_give_keas_message(text: str, message: str) -> None:
    with pytest.raises(NameTextError) as caught:
        parse_name(text)
    assert str(caught.value) == message


@pytest.mark.parametrize("tail", ["b" * 61, "b" * 61 + "."])
def test_a_name_of_exactly_255_wire_bytes_is_accepted(tail: str) -> None:
    labels = parse_name(f"{THREE}.{tail}")
    assert wire_length(labels) == 255
    assert len(wire_name(labels)) == 255


@pytest.mark.parametrize(
    "text",
    [
        f"{THREE}.{'b' * 62}",
        f"{THREE}.{'b' * 62}.",
        f"{THREE}.{'b' * 60}.c",
        f"{THREE}.{'b' * 61}.c",  # Kea: assertion "ndata.size() < Name::MAX_WIRE" failed
        f"{THREE}.{'b' * 61}.\\065",
        # Kea stops at 255 bytes, so a later bad label or escape is never reached:
        f"{THREE}.{'b' * 64}",
        f"{THREE}.{'b' * 60}.\\099",
        f"{THREE}.{L63}\\999",
    ],
)
def test_a_longer_name_is_too_long_before_any_later_error(text: str) -> None:
    with pytest.raises(NameTextError) as caught:
        parse_name(text)
    assert str(caught.value) == f"name is too long for termination in {text}"


@pytest.mark.parametrize("text", [f"{THREE}.{'b' * 61}\\", f"{THREE}.{'b' * 60}\\0"])
def test_an_unfinished_escape_under_the_limit_is_incomplete(text: str) -> None:
    with pytest.raises(NameTextError) as caught:
        parse_name(text)
    assert str(caught.value) == f"incomplete textual name in {text}"


def test_downcase_lowers_ascii_letters_only_even_escaped() -> None:
    assert parse_name("HoSt.EX\\065mple", downcase=True) == (b"host", b"example")
    assert parse_name("\\196\\201", downcase=True) == (b"\xc4\xc9",)


def test_bytes_parser_uses_the_given_text_in_messages() -> None:
    assert parse_name_bytes(b"a.\xff") == (b"a", b"\xff")
    with pytest.raises(NameTextError, match="duplicate period in shown"):
        parse_name_bytes(b"a..b", shown="shown")
    assert name_bytes("\udcffé") == b"\xff\xc3\xa9"


def test_text_escapes_specials_and_unprintables_like_kea() -> None:
    labels = (b"a.b", b'q"(x);@$\\', b"sp ace\x00\xff")
    assert name_text(labels) == 'a\\.b.q\\"\\(x\\)\\;\\@\\$\\\\.sp\\032ace\\000\\255.'
    assert name_text(labels, omit_final_dot=True).endswith("\\255")
    assert name_text(()) == "."
    assert name_text((), omit_final_dot=True) == "."


def test_raw_text_keeps_one_character_per_byte() -> None:
    assert raw_text((b"a.b", b"c")) == "a.b.c."
    raw = raw_text((b"caf\xc3\xa9",), omit_final_dot=True)
    assert len(raw) == 5  # a byte-wise scrubber sees both bytes of the é
    assert name_bytes(raw) == b"caf\xc3\xa9"
    assert raw_text(()) == "."


def test_wire_name_partial_leaves_out_the_root() -> None:
    assert wire_name((b"a", b"bc")) == b"\x01a\x02bc\x00"
    assert wire_name((b"a", b"bc"), absolute=False) == b"\x01a\x02bc"


_LABEL = st.binary(min_size=1, max_size=63)
_NAMES = st.lists(_LABEL, max_size=8).filter(lambda labels: wire_length(labels) <= 255)


@settings(max_examples=300, deadline=None)
@given(_NAMES)
def test_wire_to_text_to_wire_round_trip(labels: list[bytes]) -> None:
    wire = wire_name(labels)
    read = read_name(Reader(wire), WireContext(6))
    assert wire_name(parse_name(name_text(read))) == wire
    assert wire_name(parse_name(name_text(read, omit_final_dot=True))) == wire


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from("ab.\\0129[@ é\udcff"), max_size=40))
def test_any_text_parses_or_gives_name_text_error(text: str) -> None:
    try:
        labels = parse_name(text)
    except NameTextError:
        return
    assert wire_length(labels) <= 255
    assert all(0 < len(label) <= 63 for label in labels)
    assert parse_name(name_text(labels)) == labels
