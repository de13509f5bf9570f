"""A sorted set of integers (addresses) with logarithmic search and cheap inserts and removals.

The set is a list of sorted chunks plus the list of each chunk's largest value (the layout of
the ``sortedcontainers`` package, written here without the dependency). Finding a value is a
bisect over the chunk maxima then one inside a chunk; inserting or removing moves at most one
chunk's worth of pointers, so every operation stays fast at a million members.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right, insort
from collections.abc import Iterable, Iterator

CHUNK = 1000  # a chunk splits in two when it grows past twice this


class SortedIntSet:
    """Distinct integers kept in ascending order."""

    __slots__ = ("_chunks", "_len", "_maxes")

    def __init__(self, values: Iterable[int] = ()) -> None:
        ordered = sorted(set(values))
        self._chunks: list[list[int]] = [
            ordered[i : i + CHUNK] for i in range(0, len(ordered), CHUNK)
        ]
        self._maxes: list[int] = [chunk[-1] for chunk in self._chunks]
        self._len = len(ordered)

    def __len__(self) -> int:
        return self._len

    def __contains__(self, value: int) -> bool:
        pos = bisect_left(self._maxes, value)
        if pos == len(self._maxes):
            return False
        chunk = self._chunks[pos]
        index = bisect_left(chunk, value)
        return chunk[index] == value

    def add(self, value: int) -> None:
        """Insert ``value`` (no effect when it is already present)."""
        maxes = self._maxes
        if not maxes:
            self._chunks.append([value])
            maxes.append(value)
            self._len = 1
            return
        pos = bisect_left(maxes, value)
        if pos == len(maxes):
            pos -= 1
            self._chunks[pos].append(value)
            maxes[pos] = value
        else:
            chunk = self._chunks[pos]
            index = bisect_left(chunk, value)
            if chunk[index] == value:
                return
            insort(chunk, value)
        self._len += 1
        if len(self._chunks[pos]) > 2 * CHUNK:
            self._split(pos)

    def discard(self, value: int) -> None:
        """Remove ``value`` if it is present."""
        maxes = self._maxes
        pos = bisect_left(maxes, value)
        if pos == len(maxes):
            return
        chunk = self._chunks[pos]
        index = bisect_left(chunk, value)
        if chunk[index] != value:
            return
        del chunk[index]
        self._len -= 1
        if not chunk:
            del self._chunks[pos]
            del maxes[pos]
        elif index == len(chunk):
            maxes[pos] = chunk[-1]

    def iter_after(self, after: int | None = None) -> Iterator[int]:
        """Values greater than ``after`` (all when None), ascending; safe across mutations."""
        last = after
        while True:
            pos = 0 if last is None else bisect_right(self._maxes, last)
            if pos >= len(self._chunks):
                return
            chunk = self._chunks[pos]
            start = 0 if last is None else bisect_right(chunk, last)
            batch = chunk[start:]
            if not batch:
                return
            yield from batch
            last = batch[-1]

    def __iter__(self) -> Iterator[int]:
        return self.iter_after(None)

    def _split(self, pos: int) -> None:
        chunk = self._chunks[pos]
        half = len(chunk) // 2
        self._chunks[pos : pos + 1] = [chunk[:half], chunk[half:]]
        self._maxes[pos : pos + 1] = [chunk[half - 1], chunk[-1]]
