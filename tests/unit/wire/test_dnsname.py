"""The one text parser and wire reader of domain names, checked against Kea 2.2's ``Name``.

Every text below was checked with ``kea-dhcp6 -t`` on a configuration holding it as
``domain-search`` data (the empty text as the fqdn field of a record option): Kea accepts the
same texts and reports ``Name``'s own messages, which are the ones expected here.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pukeko.wire.buffer import FormError, Reader
from pukeko.wire.datatypes import WireContext, read_name
from pukeko.wire.dnsname import (
    NameTextError,
    name_bytes,
    name_text,
    parse_name,
    parse_name_bytes,
    raw_text,
    read_wire_name,
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


# ---------------------------------------------------------------- wire form (Name(InputBuffer&))

EXAMPLE_COM = b"\x07example\x03com\x00"


def read_at(
    data: bytes, start: int = 0, base: int | None = None, downcase: bool = False
) -> tuple[tuple[bytes, ...], int]:
    reader = Reader(data, start)
    labels = read_wire_name(reader, downcase=downcase, pointer_base=base)
    return labels, reader.pos


def test_wire_name_stops_after_its_root_label_and_keeps_case() -> None:
    assert read_at(b"\x01a\x01B\x00rest") == ((b"a", b"B"), 5)
    assert read_at(b"\x01a\x01B\x00rest", downcase=True) == ((b"a", b"b"), 5)
    assert read_at(b"\x00") == ((), 1)
    # Only ASCII letters are lowered (Kea's maptolower).
    assert read_at(b"\x02\xc4Z\x00", downcase=True) == ((b"\xc4z",), 4)


def test_pointer_back_into_the_buffer_ends_the_name_after_the_pointer() -> None:
    data = EXAMPLE_COM + b"\x03www\xc0\x00" + b"\x03ftp\xc0\x0d"
    assert read_at(data, 13, base=0) == ((b"www", b"example", b"com"), 19)
    # A pointer to a pointer, each target below the last (www.example.com. again).
    assert read_at(data, 19, base=0) == ((b"ftp", b"www", b"example", b"com"), 25)
    # Pointers count from the base, not from the start of the bytes.
    assert read_at(b"junk" + data, 17, base=4)[0] == (b"www", b"example", b"com")


@pytest.mark.parametrize(
    ("data", "start", "base", "message"),
    [
        # Kea: a pointer must point before the name (and before every earlier target).
        (b"\x01a\x00\x01b\xc0\x03", 3, 0, "bad compression pointer (out of range): 3 (at byte 5)"),
        (b"\xc0\x02\x01a\x00", 0, 0, "bad compression pointer (out of range): 2 (at byte 0)"),
        (b"\xc0\x00", 0, 0, "bad compression pointer (out of range): 0 (at byte 0)"),
        # Into the middle of the name's own label: a zero byte there would end it, but Kea
        # refuses the pointer (Pukeko accepted it before: the target was below the pointer).
        (b"\x02\x00\x00\xc0\x01", 0, 0, "bad compression pointer (out of range): 1 (at byte 3)"),
        # The second pointer goes up from the first target (3 -> 5): refused.
        (
            b"\x01a\x00\xc0\x05\x01c\x00\xc0\x03",
            8,
            0,
            "bad compression pointer (out of range): 5 (at byte 3)",
        ),
        # No base: Kea reads the field from a buffer of its own, every pointer is refused.
        (
            EXAMPLE_COM + b"\x03www\xc0\x00",
            13,
            None,
            "bad compression pointer (out of range): 0 (at byte 17)",
        ),
        (b"\x03www\xc0", 0, None, "incomplete wire-format name (at byte 5)"),
        (b"\x03www", 0, None, "incomplete wire-format name (at byte 4)"),
        (b"\x03ww", 0, None, "incomplete wire-format name (at byte 3)"),
        (b"", 0, None, "incomplete wire-format name (at byte 0)"),
        (b"\x41abc\x00", 0, None, "unknown label character: 65 (at byte 0)"),
        (b"\xbf\x00", 0, None, "unknown label character: 191 (at byte 0)"),
    ],
)
def test_malformed_wire_names_raise_keas_text(
    data: bytes, start: int, base: int | None, message: str
) -> None:
    with pytest.raises(FormError) as caught:
        read_at(data, start, base)
    assert str(caught.value) == message


def test_wire_length_limit_counts_the_labels_reached_through_pointers() -> None:
    # Three 63-byte labels (192 bytes), then a pointer to a 61-byte label: 255 bytes with the
    # root, accepted. To a 62-byte label the root makes 256; to a 63-byte one the label does.
    head = b"\x3d" + b"x" * 61 + b"\x00" + b"\x3e" + b"y" * 62 + b"\x00"
    head += b"\x3f" + b"z" * 63 + b"\x00"
    body = (b"\x3f" + b"a" * 63) * 3
    labels, end = read_at(head + body + b"\xc0\x00", len(head), base=0)
    assert wire_length(labels) == 255
    assert end == len(head + body) + 2
    with pytest.raises(FormError, match=r"^wire name is too long: 256 bytes \(at byte 126\)$"):
        read_at(head + body + b"\xc0\x3f", len(head), base=0)
    with pytest.raises(FormError, match=r"^wire name is too long: 256 bytes \(at byte 127\)$"):
        read_at(head + body + b"\xc0\x7f", len(head), base=0)


@settings(max_examples=400, deadline=None)
@given(st.binary(max_size=80), st.integers(0, 80), st.integers(0, 80), st.booleans())
def test_random_bytes_give_a_valid_name_or_form_error(
    data: bytes, start: int, base: int, downcase: bool
) -> None:
    start = min(start, len(data))
    reader = Reader(data, start)
    try:
        labels = read_wire_name(reader, downcase=downcase, pointer_base=min(base, start))
    except FormError:
        return
    assert wire_length(labels) <= 255
    assert all(0 < len(label) <= 63 for label in labels)
    assert start < reader.pos <= len(data)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from([b"\x00", b"\x01", b"\x3f", b"\xc0", b"\x03", b"a"]), max_size=40))
def test_pointer_heavy_bytes_give_a_valid_name_or_form_error(parts: list[bytes]) -> None:
    data = b"".join(parts)
    for start in range(len(data) + 1):
        try:
            labels, end = read_at(data, start, base=0)
        except FormError:
            continue
        assert wire_length(labels) <= 255
        assert start < end <= len(data)
