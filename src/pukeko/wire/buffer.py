"""Bounded byte reader and a byte writer for the wire codecs.

Every ``get_*`` checks the bytes remaining and raises :class:`FormError` with the absolute offset
of the failure; it never raises anything else. ``restrict_to(n)`` narrows the reader to the next
``n`` bytes (a TLV body) and checks on exit that they were all consumed.
"""

from __future__ import annotations

import struct
from collections.abc import Iterator
from contextlib import contextmanager

_U16 = struct.Struct("!H")
_U32 = struct.Struct("!I")


class FormError(ValueError):
    """Malformed wire data: the one error every decoder raises, with the byte offset."""

    def __init__(self, message: str, offset: int = 0) -> None:
        super().__init__(f"{message} (at byte {offset})")
        self.reason = message
        self.offset = offset


class Reader:
    """A cursor over immutable bytes that never reads past its current limit."""

    __slots__ = ("_data", "_end", "pos")

    def __init__(self, data: bytes, start: int = 0, end: int | None = None) -> None:
        self._data = data
        self.pos = start
        self._end = len(data) if end is None else end

    @property
    def data(self) -> bytes:
        """The whole underlying buffer."""
        return self._data

    def remaining(self) -> int:
        """Bytes left before the current limit."""
        return self._end - self.pos

    def _need(self, n: int) -> int:
        start = self.pos
        if n < 0 or start + n > self._end:
            raise FormError(f"need {n} bytes, {self._end - start} left", start)
        self.pos = start + n
        return start

    def get_u8(self) -> int:
        """Read one unsigned byte."""
        start = self._need(1)
        return self._data[start]

    def get_u16(self) -> int:
        """Read a big-endian unsigned 16-bit integer."""
        start = self._need(2)
        return int(_U16.unpack_from(self._data, start)[0])

    def get_u32(self) -> int:
        """Read a big-endian unsigned 32-bit integer."""
        start = self._need(4)
        return int(_U32.unpack_from(self._data, start)[0])

    def get_bytes(self, n: int) -> bytes:
        """Read exactly ``n`` bytes."""
        start = self._need(n)
        return self._data[start : start + n]

    def get_rest(self) -> bytes:
        """Read every byte up to the current limit."""
        return self.get_bytes(self.remaining())

    @contextmanager
    def restrict_to(self, n: int) -> Iterator[None]:
        """Limit reads to the next ``n`` bytes; on exit they must all have been consumed."""
        if n < 0 or self.pos + n > self._end:
            raise FormError(f"length {n} exceeds the {self._end - self.pos} bytes left", self.pos)
        saved_end = self._end
        self._end = self.pos + n
        try:
            yield
            if self.pos != self._end:
                raise FormError(f"{self._end - self.pos} trailing bytes in field", self.pos)
        finally:
            self._end = saved_end


class Writer:
    """Accumulates encoded bytes."""

    __slots__ = ("_buf",)

    def __init__(self) -> None:
        self._buf = bytearray()

    def put_u8(self, value: int) -> None:
        """Append one unsigned byte."""
        self._buf.append(value)

    def put_u16(self, value: int) -> None:
        """Append a big-endian unsigned 16-bit integer."""
        self._buf += _U16.pack(value)

    def put_u32(self, value: int) -> None:
        """Append a big-endian unsigned 32-bit integer."""
        self._buf += _U32.pack(value)

    def put_bytes(self, value: bytes) -> None:
        """Append raw bytes."""
        self._buf += value

    def __len__(self) -> int:
        return len(self._buf)

    def getvalue(self) -> bytes:
        """The bytes written so far."""
        return bytes(self._buf)
