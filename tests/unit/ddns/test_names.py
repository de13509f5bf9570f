"""DNS names as Kea's isc::dns::Name reads and prints them."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pukeko.ddns.names import (
    InvalidName,
    canonical_text,
    name_text,
    parse_text_name,
    raw_text,
    read_wire_name,
    wire_name,
)
from pukeko.wire.buffer import FormError


def test_wire_name_is_read_lowercased_up_to_the_root_label() -> None:
    data = b"\x06MyHost\x07Example\x03com\x00trailing"
    assert read_wire_name(data) == (b"myhost", b"example", b"com")
    assert read_wire_name(data, downcase=False) == (b"MyHost", b"Example", b"com")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "incomplete wire-format name (at byte 0)"),
        (b"\x03foo", "incomplete wire-format name (at byte 4)"),  # no root label
        (b"\x05fo\x00", "incomplete wire-format name (at byte 4)"),  # label runs past the end
        (b"\x40" + b"a" * 64 + b"\x00", "unknown label character: 64 (at byte 0)"),
        (b"\x03foo\x80\x00", "unknown label character: 128 (at byte 4)"),
        # Kea's Client FQDN reads the name from a buffer of its own: no pointer is in range.
        (b"\x03foo\xc0\x00", "bad compression pointer (out of range): 0 (at byte 4)"),
        (b"\x03foo\xc0", "incomplete wire-format name (at byte 5)"),
        (
            b"\x3f" + b"a" * 63 + b"\x3f" + b"b" * 63 + b"\x3f" + b"c" * 63 + b"\x3f" + b"d" * 63,
            "wire name is too long: 256 bytes (at byte 192)",  # judged before the label's bytes
        ),
    ],
)
def test_malformed_wire_names_raise_keas_form_error(data: bytes, message: str) -> None:
    with pytest.raises(FormError) as caught:
        read_wire_name(data)
    assert str(caught.value) == message


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=300))
def test_any_option_bytes_give_lowercase_labels_or_form_error(data: bytes) -> None:
    try:
        labels = read_wire_name(data)
    except FormError:
        return
    assert all(label == label.lower() and 0 < len(label) <= 63 for label in labels)
    assert wire_name(labels) == data[: len(wire_name(labels))].lower()


def test_a_name_of_exactly_255_bytes_is_accepted() -> None:
    labels = (b"a" * 63, b"b" * 63, b"c" * 63, b"d" * 61)
    data = wire_name(labels)
    assert len(data) == 255
    assert read_wire_name(data) == labels


def test_text_escapes_specials_and_unprintables_like_kea() -> None:
    labels = (b"a.b", b'q"(x);@$\\', b"sp ace\x00\xff")
    assert name_text(labels) == 'a\\.b.q\\"\\(x\\)\\;\\@\\$\\\\.sp\\032ace\\000\\255.'
    assert name_text(labels, omit_final_dot=True).endswith("\\255")
    assert parse_text_name(name_text(labels)) == labels
    assert name_text(()) == "."
    assert raw_text((b"a.b", b"c")) == "a.b.c."


@pytest.mark.parametrize(
    ("text", "labels"),
    [
        ("host.example.com", (b"host", b"example", b"com")),
        ("host.example.com.", (b"host", b"example", b"com")),
        (".", ()),
        ("@", ()),
        ("a\\.b", (b"a.b",)),
        ("a\\065", (b"aA",)),
    ],
)
def test_text_names_parse(text: str, labels: tuple[bytes, ...]) -> None:
    assert parse_text_name(text) == labels


@pytest.mark.parametrize(
    "text",
    ["", "a..b", ".a", "a" * 64, "a\\", "a\\25", "a\\256", "\\[x", ("a" * 63 + ".") * 4],
)
def test_bad_text_names_are_refused(text: str) -> None:
    with pytest.raises(InvalidName):
        parse_text_name(text)


def test_parse_downcases_only_when_asked() -> None:
    assert parse_text_name("HoSt.Example", downcase=True) == (b"host", b"example")
    assert parse_text_name("HoSt") == (b"HoSt",)
    assert canonical_text("Host.Example") == "Host.Example."


def test_invalid_name_is_the_text_parsers_error_with_keas_message() -> None:
    with pytest.raises(InvalidName) as caught:
        parse_text_name(".a")
    assert str(caught.value) == "non terminating empty label in .a"
    assert issubclass(InvalidName, ValueError)


@pytest.mark.parametrize(
    ("text", "canonical"),
    [
        # Kea reads the UTF-8 bytes of reservation and lease-file text (not latin-1).
        ("café.example", "caf\\195\\169.example."),
        # An undecodable lease-file byte (surrogateescape) is that byte, not a crash.
        ("caf\udce9.example", "caf\\233.example."),
        ("ğ.example", "\\196\\159.example."),
    ],
)
def test_non_ascii_text_stands_for_its_utf8_bytes(text: str, canonical: str) -> None:
    assert canonical_text(text) == canonical


def test_raw_text_then_parse_gives_the_same_bytes() -> None:
    labels = (b"caf\xc3\xa9", b"\xff", b"example")
    assert parse_text_name(raw_text(labels)) == labels
