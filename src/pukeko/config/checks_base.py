"""Shared helpers for the semantic checks: the error collector and small value parsers."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from ipaddress import (
    IPv4Address,
    IPv4Network,
    IPv6Address,
    IPv6Network,
    ip_address,
)

from pukeko.config.errors import ConfigError, KeyPath, Position
from pukeko.wire.datatypes import KEA_BLANKS
from pukeko.wire.hextext import decode_formatted_hex, decode_hex
from pukeko.wire.ipv6text import parse_ipv6

IPAddress = IPv4Address | IPv6Address
IPNetwork = IPv4Network | IPv6Network


@dataclass
class Collector:
    """Collects every error with its key path and the position of the nearest known value."""

    family: int
    positions: Mapping[KeyPath, Position]
    errors: list[ConfigError] = field(default_factory=list)
    warnings: list[ConfigError] = field(default_factory=list)

    def where(self, path: KeyPath) -> Position | None:
        """The position of ``path`` or, failing that, of its closest ancestor."""
        probe = path
        while True:
            pos = self.positions.get(probe)
            if pos is not None or not probe:
                return pos
            probe = probe[:-1]

    def given(self, path: KeyPath) -> bool:
        """True when ``path`` was written in the file (defaults added later have no position)."""
        return path in self.positions

    def error(self, path: KeyPath, message: str) -> None:
        """Record one error at ``path``."""
        self.errors.append(ConfigError(path, message, self.where(path)))

    def warn(self, path: KeyPath, message: str) -> None:
        """Record one warning at ``path``."""
        self.warnings.append(ConfigError(path, message, self.where(path)))


def as_map(value: object) -> dict[str, object]:
    """``value`` if it is a JSON object, else an empty one (schema errors come from elsewhere)."""
    return value if isinstance(value, dict) else {}


def as_list(value: object) -> list[object]:
    """``value`` if it is a JSON list, else an empty one."""
    return value if isinstance(value, list) else []


def maps(value: object) -> list[tuple[int, dict[str, object]]]:
    """The (index, object) pairs of a list of JSON objects."""
    return [(i, item) for i, item in enumerate(as_list(value)) if isinstance(item, dict)]


@lru_cache(maxsize=65536)
def parse_address(text: str, family: int) -> IPAddress | None:
    """An address of ``family`` from text, or None (remembered: checks and model both ask)."""
    text = text.strip()
    try:
        addr = parse_ipv6(text) if ":" in text else ip_address(text)
    except ValueError:
        return None
    return addr if addr.version == family else None


def parse_prefix(text: str, family: int) -> tuple[IPAddress, int] | None:
    """``address/len`` of ``family`` (host bits allowed, as Kea does), or None."""
    addr_text, slash, len_text = text.partition("/")
    if not slash or not len_text.strip().isdigit():
        return None
    addr = parse_address(addr_text, family)
    length = int(len_text)
    if addr is None or length > addr.max_prefixlen:
        return None
    return addr, length


@lru_cache(maxsize=65536)
def network_of(addr: IPAddress, length: int) -> IPNetwork:
    """The network containing ``addr`` with prefix ``length`` (host bits cleared)."""
    # ints: ipaddress would render an address object as text and parse it again
    if isinstance(addr, IPv4Address):
        return IPv4Network((int(addr), length), strict=False)
    return IPv6Network((int(addr), length), strict=False)


def decode_hex_text(text: str) -> bytes | None:
    """Kea's formatted hex (``01:02``, ``01 02``, ``0x0102``, ``102``), or None when invalid."""
    try:
        return decode_formatted_hex(text)
    except ValueError:
        return None


def decode_hex_digits(text: str) -> bytes | None:
    """Kea's ``decodeHex`` (pairs of digits, C whitespace ignored), or None when invalid."""
    try:
        return decode_hex(text)
    except ValueError:
        return None


def decode_identifier(text: str) -> bytes | None:
    """A host identifier: a 'quoted string' or formatted hex (Kea's Host::setIdentifier)."""
    # util/strutil.cc quotedStringToBinary: blanks around the quotes and inside them are dropped.
    trimmed = text.strip(KEA_BLANKS)
    if len(trimmed) >= 2 and trimmed[0] == "'" and trimmed[-1] == "'":
        inner = trimmed[1:-1].strip(KEA_BLANKS)
        # An empty quoted text falls back to hex, which never accepts a quote.
        # The file's bytes, as Kea keeps them (and as quoted option data is encoded); a
        # ``\u00XX`` escape above 0x7f becomes two UTF-8 bytes here, one byte in Kea.
        return inner.encode("utf-8", "surrogateescape") if inner else None
    decoded = decode_hex_text(text)
    return decoded if decoded else None


@dataclass(frozen=True)
class SubnetEntry:
    """One subnet map found in the configuration, with where it sits."""

    path: KeyPath
    subnet: dict[str, object]
    shared: dict[str, object] | None
    shared_path: KeyPath | None


def subnet_key(family: int) -> str:
    """``subnet6`` or ``subnet4``."""
    return f"subnet{family}"


def subnet_entries(conf: Mapping[str, object], family: int, base: KeyPath) -> list[SubnetEntry]:
    """Every subnet in Kea's parse order: shared networks' subnets first, then ``subnetN``."""
    key = subnet_key(family)
    out: list[SubnetEntry] = []
    for n, net in maps(conf.get("shared-networks")):
        net_path = (*base, "shared-networks", n)
        for i, sub in maps(net.get(key)):
            out.append(SubnetEntry((*net_path, key, i), sub, net, net_path))
    for i, sub in maps(conf.get(key)):
        out.append(SubnetEntry((*base, key, i), sub, None, None))
    return out


def assign_subnet_ids(entries: list[SubnetEntry]) -> list[int]:
    """Subnet ids as Kea 2.2 gives them: an id of 0 (or none) takes the next counter value."""
    counter = 1
    ids: list[int] = []
    for entry in entries:
        raw = entry.subnet.get("id", 0)
        value = raw if isinstance(raw, int) and not isinstance(raw, bool) else 0
        if value == 0:
            value = counter
            counter += 1
        ids.append(value)
    return ids
