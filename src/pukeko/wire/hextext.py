"""Kea's hexadecimal text forms, decoded the way Kea 2.2 decodes them.

Three decoders, from the most to the least permissive (every failure is a ``ValueError`` whose
text is Kea's exception text):

* :func:`decode_formatted_hex` - ``util::str::decodeFormattedHexString`` (DUIDs, client ids,
  host identifiers, binary option data): octets separated by ``:`` (if the text has a colon) or
  by ``' '`` (if it has a space), else a run of digits with an optional lowercase ``0x``;
* :func:`decode_separated_hex` - ``decodeSeparatedHexString`` (``HWAddr::fromText`` uses it
  with ``:``): octets of one or two digits between separators;
* :func:`decode_hex` - ``util::encode::decodeHex`` (``server-id`` identifier): pairs of digits,
  C whitespace anywhere ignored, no prefix.
"""

from __future__ import annotations

C_SPACE = frozenset(" \t\n\v\f\r")  # isspace() in the C locale; Kea's decodeHex skips these
HEX_DIGITS = frozenset("0123456789abcdefABCDEF")  # isxdigit() in the C locale
PADDING = "="  # base-N padding; base16 allows none (util/encode/base_n.cc)


def decode_hex(text: str) -> bytes:
    """``decodeHex``: an even count of hex digits, C whitespace anywhere ignored."""
    digits = [char for char in text if char not in C_SPACE]
    if digits and digits[-1] == PADDING:
        raise ValueError(f"Too many base16 padding characters: {text}")
    for char in digits:
        if char == PADDING:
            raise ValueError("Intermediate padding found")
        if char not in HEX_DIGITS:
            raise ValueError("attempt to decode a value not in base16 char set")
    if len(digits) % 2:
        raise ValueError(f"Incomplete input for base16: {text}")
    return bytes.fromhex("".join(digits))


def decode_separated_hex(text: str, sep: str) -> bytes:
    """``decodeSeparatedHexString``: octets of one or two hex digits between ``sep``."""
    tokens = text.split(sep)
    out = bytearray()
    for token in tokens:
        # A leading or trailing separator is reported as two consecutive ones too.
        if len(tokens) > 1 and not token:
            raise ValueError(
                f"two consecutive separators ('{sep}') specified in a decoded string '{text}'"
            )
        # The length is checked before the digits (Kea's JSON reads "\u00e9" as one byte, and
        # a str character stands for one such byte here).
        if len(token) > 2:
            raise ValueError(f"invalid format of the decoded string '{text}'")
        for char in token:
            if char not in HEX_DIGITS:
                raise ValueError(
                    f"'{char}' is not a valid hexadecimal digit in decoded string '{text}'"
                )
        if token:
            out.append(int(token, 16))
    return bytes(out)


def decode_formatted_hex(text: str) -> bytes:
    """``decodeFormattedHexString``: ``01:02``, ``1 2``, ``0102``, ``0x102`` (odd gains a 0)."""
    if ":" in text:
        return decode_separated_hex(text, ":")
    if " " in text:
        return decode_separated_hex(text, " ")
    # Kea judges oddness on the whole text (prefix and whitespace included) and pads it before
    # dropping the prefix; decodeHex then skips whitespace, so "\t\t0102" is two octets.
    padding = "0" if len(text) % 2 else ""
    digits = text[2:] if len(text) > 2 and text.startswith("0x") else text
    try:
        return decode_hex(padding + digits)
    except ValueError:
        raise ValueError(f"'{text}' is not a valid string of hexadecimal digits") from None
