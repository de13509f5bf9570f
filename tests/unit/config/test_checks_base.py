"""Host identifier text (Kea Host::setIdentifier): quoted text as the file's bytes, or hex."""

from __future__ import annotations

import pytest

from pukeko.config.checks_base import decode_identifier


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("'abc'", b"abc"),
        (" 'abc' ", b"abc"),  # Kea trims blanks around the quotes and inside them
        ("' abc '", b"abc"),
        ("'café'", "café".encode()),  # UTF-8, as the bytes of a UTF-8 file (not latin-1)
        ("'Ω'", b"\xce\xa9"),  # a character above U+00FF is not replaced by '?'
        ("01:02:03", b"\x01\x02\x03"),
        ("0x010203", b"\x01\x02\x03"),
        ("''", None),  # empty quoted text falls back to hex, which refuses it
        ("zz", None),
    ],
)
def test_identifier_text(text: str, expected: bytes | None) -> None:
    assert decode_identifier(text) == expected
