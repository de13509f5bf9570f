"""Domain names in text form, read and printed as Kea 2.2's ``isc::dns::Name`` does.

Kea uses the same ``Name`` class for option values of type ``fqdn`` (``writeFqdn`` /
``readFqdn``), for the Client FQDN option and for DDNS, so Pukeko has one text parser and one
wire reader, here; :mod:`pukeko.wire.datatypes` and :mod:`pukeko.ddns.names` adapt them. A name
is a tuple of labels (``bytes``, without the root label).

Text form (RFC 1035 §5.1 master-file syntax, Kea ``stringParse``):

* labels separated by ``.``; a final ``.`` is optional (Kea's names are always absolute);
* ``.`` alone or ``@`` alone is the root; a ``.`` first followed by more text, and ``..``
  anywhere, are empty labels and refused;
* ``\\c`` stands for the byte ``c``; ``\\DDD`` (exactly three decimal digits, at most 255) for
  that byte; ``\\[`` opening a label is a bit-string label (RFC 2673, dropped) and refused;
* a label has at most 63 bytes and the name at most 255 bytes on the wire (RFC 1035 §2.3.4).
  Like Kea, the parser stops as soon as 255 bytes are used, so a long name reports "too long"
  before any later error;
* case is kept unless ``downcase`` (ASCII letters only).

Wire form (RFC 1035 §3.1 and §4.1.4, Kea ``Name(InputBuffer&, downcase)``):
:func:`read_wire_name`, errors as :class:`~pukeko.wire.buffer.FormError` with Kea's texts.

Strings hold UTF-8 text; a byte that is not UTF-8 is a lone surrogate (``surrogateescape``), as
configuration and lease-file text are decoded, so every ``str`` names exactly the bytes Kea sees.
"""

from __future__ import annotations

from collections.abc import Sequence

from pukeko.wire.buffer import FormError, Reader

MAX_WIRE = 255  # RFC 1035 §2.3.4: a name takes at most 255 bytes on the wire
MAX_LABEL = 63  # RFC 1035 §2.3.4: a label is at most 63 bytes
TEXT_CODEC = ("utf-8", "surrogateescape")

Labels = tuple[bytes, ...]

_DOT = 0x2E
_BACKSLASH = 0x5C
_OPEN_BRACKET = 0x5B
_DIGITS = frozenset(b"0123456789")
_SPECIAL = frozenset(b'"().;\\@$')  # printed with a backslash (master-file specials)
_POINTER = 0xC0  # RFC 1035 §4.1.4: the two top bits of a compression pointer
_LOWER = bytes.maketrans(b"ABCDEFGHIJKLMNOPQRSTUVWXYZ", b"abcdefghijklmnopqrstuvwxyz")


class NameTextError(ValueError):
    """A domain name in text form that Kea's name parser refuses (Kea's message)."""


def name_bytes(text: str) -> bytes:
    """The bytes a name's text stands for: UTF-8, undecodable bytes kept (surrogateescape)."""
    return text.encode(*TEXT_CODEC)


def parse_name(text: str, downcase: bool = False) -> Labels:
    """The labels of a name in text form (Kea ``Name(text, downcase)``); NameTextError."""
    return parse_name_bytes(name_bytes(text), downcase, text)


def parse_name_bytes(data: bytes, downcase: bool = False, shown: str | None = None) -> Labels:
    """The labels of a name whose text is ``data``; ``shown`` is the text for messages."""
    text = data.decode(*TEXT_CODEC) if shown is None else shown
    if not data:
        raise NameTextError("incomplete textual name in <empty>")
    if data in (b".", b"@"):
        return ()
    if data[0] == _DOT:
        raise NameTextError(f"non terminating empty label in {text}")
    return _NameScanner(text, downcase).scan(data)


class _NameScanner:
    """One pass over a name's bytes, counting the wire bytes used as Kea does."""

    def __init__(self, text: str, downcase: bool) -> None:
        self.text = text
        self.downcase = downcase
        self.labels: list[bytes] = []
        self.label = bytearray()
        self.used = 0  # wire bytes so far: a length byte per opened label plus label bytes
        self.opened = False  # the current label has a length byte (it has begun)
        self.escape: bytes | None = None  # digits after a backslash; None outside an escape
        self.escape_opens = False  # the pending escape is the first thing in its label

    def fail(self, what: str) -> NameTextError:
        return NameTextError(f"{what} in {self.text}")

    def scan(self, data: bytes) -> Labels:
        end = len(data)
        for pos, byte in enumerate(data):
            if self.used >= MAX_WIRE:
                raise self.fail("name is too long for termination")
            if self.escape is not None:
                self.escaped(byte)
            elif self.plain(byte) and pos + 1 == end:
                return tuple(self.labels)  # a final dot: the name is complete
        if self.used >= MAX_WIRE:
            raise self.fail("name is too long for termination")
        if self.escape is not None:
            raise self.fail("incomplete textual name")
        self.labels.append(bytes(self.label))
        return tuple(self.labels)

    def plain(self, byte: int) -> bool:
        """Take a byte outside an escape; True when it ends a label."""
        if not self.opened:
            self.opened = True
            self.used += 1
            if byte != _BACKSLASH and self.used >= MAX_WIRE:
                # Kea fails an assertion here ("ndata.size() < Name::MAX_WIRE").
                raise self.fail("name is too long for termination")
        if byte == _DOT:
            if not self.label:
                raise self.fail("duplicate period")
            self.labels.append(bytes(self.label))
            self.label = bytearray()
            self.opened = False
            return True
        if byte == _BACKSLASH:
            self.escape = b""
            self.escape_opens = not self.label
        else:
            self.add(byte)
        return False

    def escaped(self, byte: int) -> None:
        """Take a byte after a backslash: the escaped byte itself or a decimal digit."""
        assert self.escape is not None
        if byte not in _DIGITS:
            if self.escape:
                raise self.fail("mixture of escaped digit and non-digit")
            if byte == _OPEN_BRACKET and self.escape_opens:
                raise self.fail("invalid label type")  # RFC 2673 bit-string label
            self.escape = None
            self.add(byte)
            return
        self.escape += bytes((byte,))
        if len(self.escape) == 3:
            value = int(self.escape)
            if value > 255:
                raise self.fail("escaped decimal is too large")
            self.escape = None
            self.add(value)

    def add(self, byte: int) -> None:
        if len(self.label) >= MAX_LABEL:
            raise self.fail("label is too long")
        self.label.append(_LOWER[byte] if self.downcase else byte)
        self.used += 1


def read_wire_name(
    reader: Reader, *, downcase: bool = False, pointer_base: int | None = None
) -> Labels:
    """One wire-format name from ``reader`` (Kea ``Name(InputBuffer&, downcase)``); FormError.

    ``pointer_base`` is where the buffer that compression pointers count from begins (the
    payload of a DHCPv4 name list, RFC 3397 §2). ``None`` means a buffer that begins at the
    name, as Kea reads every other option field and the Client FQDN name, so every pointer is
    out of range. A pointer must point before the name and before every earlier target (which
    also rules out loops). The reader ends after the root label or after the first pointer;
    later bytes are not read. ASCII letters are lowered when ``downcase``.
    """
    start = reader.pos
    end = start + reader.remaining()
    base = start if pointer_base is None else pointer_base
    state = _WireWalk(reader.data, end, start)
    resume = None  # where the name ends in the reader: after its first pointer, if any
    while state.pos is not None:
        pointer_end = state.step(base)
        if resume is None and pointer_end is not None:
            resume = pointer_end
    reader.get_bytes((state.stop if resume is None else resume) - start)
    labels = state.labels
    return tuple(label.translate(_LOWER) for label in labels) if downcase else tuple(labels)


class _WireWalk:
    """The position, labels and limits of one wire-name read (Kea's ``fw_*`` states)."""

    def __init__(self, data: bytes, end: int, start: int) -> None:
        self.data = data
        self.end = end
        self.pos: int | None = start  # None once the root label has been read
        self.stop = start  # the byte after the root label
        self.lowest = start  # every pointer must point below this (Kea's biggest_pointer)
        self.used = 0  # wire bytes of the labels so far, length bytes included
        self.labels: list[bytes] = []

    def step(self, base: int) -> int | None:
        """Take one label or pointer; the byte after a pointer, else None."""
        pos = self.pos
        assert pos is not None
        if pos >= self.end:
            raise FormError("incomplete wire-format name", pos)
        length = self.data[pos]
        if length <= MAX_LABEL:
            self.label(pos, length)
            return None
        if length & _POINTER != _POINTER:
            # 0x40 (RFC 2671 extended labels, retired by RFC 6891) and 0x80 (reserved).
            raise FormError(f"unknown label character: {length}", pos)
        if pos + 2 > self.end:
            raise FormError("incomplete wire-format name", self.end)
        offset = (length & ~_POINTER) << 8 | self.data[pos + 1]
        if base + offset >= self.lowest:
            raise FormError(f"bad compression pointer (out of range): {offset}", pos)
        self.pos = self.lowest = base + offset
        return pos + 2

    def label(self, pos: int, length: int) -> None:
        self.used += length + 1
        if self.used > MAX_WIRE:
            raise FormError(f"wire name is too long: {self.used} bytes", pos)
        if length == 0:
            self.pos, self.stop = None, pos + 1
            return
        if pos + 1 + length > self.end:
            raise FormError("incomplete wire-format name", self.end)
        self.labels.append(self.data[pos + 1 : pos + 1 + length])
        self.pos = pos + 1 + length


def wire_length(labels: Sequence[bytes]) -> int:
    """Bytes the name takes on the wire with its root label."""
    return sum(len(label) + 1 for label in labels) + 1


def wire_name(labels: Sequence[bytes], absolute: bool = True) -> bytes:
    """The name on the wire, uncompressed (RFC 1035 §3.1); ``absolute=False`` drops the root."""
    out = bytearray()
    for label in labels:
        out.append(len(label))
        out += label
    if absolute:
        out.append(0)
    return bytes(out)


def _label_text(label: bytes) -> str:
    parts: list[str] = []
    for byte in label:
        if byte in _SPECIAL:
            parts.append("\\" + chr(byte))
        elif 0x20 < byte < 0x7F:
            parts.append(chr(byte))
        else:
            parts.append(f"\\{byte:03d}")
    return "".join(parts)


def name_text(labels: Sequence[bytes], omit_final_dot: bool = False) -> str:
    """Kea's ``Name::toText``: escaped labels joined by dots; the root prints as ``.``.

    Specials ``"().;\\@$`` get a backslash, bytes outside ``!``..``~`` become ``\\DDD``, so the
    text is ASCII and :func:`parse_name` gives the labels back.
    """
    if not labels:
        return "."
    text = ".".join(_label_text(label) for label in labels)
    return text if omit_final_dot else text + "."


def raw_text(labels: Sequence[bytes], omit_final_dot: bool = False) -> str:
    """Kea's ``Name::toRawText``: the labels unescaped, one character per byte.

    Bytes above 0x7f are lone surrogates, so a byte-wise regular expression (Kea scrubs
    ``std::string`` bytes) sees one character per byte and :func:`name_bytes` restores them.
    """
    if not labels:
        return "."
    text = ".".join(label.decode("ascii", "surrogateescape") for label in labels)
    return text if omit_final_dot else text + "."
