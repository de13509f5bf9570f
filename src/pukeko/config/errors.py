"""Configuration errors: every problem is collected with its key path and source position."""

from __future__ import annotations

from dataclasses import dataclass

# A path from the top of the document: keys of objects and indices of lists,
# e.g. ("Dhcp6", "subnet6", 0, "pools", 1, "pool").
KeyPath = tuple[str | int, ...]


@dataclass(frozen=True, slots=True)
class Position:
    """Where a value starts in its source file (1-based line and column)."""

    file: str
    line: int
    column: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}"


def format_path(path: KeyPath) -> str:
    """Render a key path as Kea-style text: ``Dhcp6.subnet6[0].pools[1].pool``."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else part
    return out or "<root>"


@dataclass(frozen=True, slots=True)
class ConfigError:
    """One configuration problem."""

    path: KeyPath
    message: str
    position: Position | None = None

    def __str__(self) -> str:
        where = f"{self.position}: " if self.position else ""
        return f"{where}{format_path(self.path)}: {self.message}"


class ConfigErrors(ValueError):
    """Raised when a configuration is rejected; carries every error found, in document order."""

    def __init__(self, errors: list[ConfigError]) -> None:
        self.errors = sorted(errors, key=_sort_key)
        super().__init__("\n".join(str(e) for e in self.errors))


def _sort_key(error: ConfigError) -> tuple[str, int, int]:
    pos = error.position
    if pos is None:
        return ("\uffff", 0, 0)
    return (pos.file, pos.line, pos.column)
