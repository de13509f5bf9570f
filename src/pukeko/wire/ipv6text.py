"""IPv6 address text, read and written fast for the common forms (RFC 4291 §2.2, RFC 5952).

``ipaddress.IPv6Address(text)`` validates in pure Python at ~15 us an address; loading a
configuration of thousands of subnets parses tens of thousands of them. The plain forms (hex
groups with at most one ``::``) are parsed here with one regular expression and ``int``; the
rare forms (an embedded IPv4 tail, a ``%scope``) go to :mod:`ipaddress`, so what is accepted or
refused is exactly what :mod:`ipaddress` accepts or refuses.
"""

from __future__ import annotations

import re
from ipaddress import IPv6Address

_PLAIN = re.compile(r"[0-9A-Fa-f:]{2,39}")  # hex digits and colons only: int(g, 16) is safe
_GROUPS = 8


def parse_ipv6(text: str) -> IPv6Address:
    """``IPv6Address(text)``, faster; ValueError when ``text`` is not an IPv6 address."""
    if not _PLAIN.fullmatch(text):
        return IPv6Address(text)  # IPv4 tail, scope id, or invalid: ipaddress decides
    return IPv6Address(_plain_int(text))


def _plain_int(text: str) -> int:
    head, gap, tail = text.partition("::")
    if gap and "::" in tail:
        raise ValueError(f"At most one '::' permitted in {text!r}")
    left = head.split(":") if head else []
    right = tail.split(":") if tail else []
    if gap:
        missing = _GROUPS - len(left) - len(right)
        if missing < 1:
            raise ValueError(f"Expected at most 7 other parts with '::' in {text!r}")
    elif len(left) != _GROUPS:
        raise ValueError(f"Exactly 8 parts expected without '::' in {text!r}")
    else:
        missing = 0
    value = 0
    for group in left:
        value = (value << 16) | _group(group, text)
    value <<= 16 * missing
    for group in right:
        value = (value << 16) | _group(group, text)
    return value


def _group(group: str, text: str) -> int:
    if not 0 < len(group) <= 4:
        raise ValueError(f"Bad group {group!r} in {text!r}")
    return int(group, 16)


_SHIFTS = (112, 96, 80, 64, 48, 32, 16, 0)


def ipv6_int_text(value: int) -> str:
    """The address ``value`` as glibc's inet_ntop writes it (Kea IOAddress::toText): the first
    longest run of two or more zero groups as ``::``; ``::ffff:a.b.c.d`` and ``::a.b.c.d`` for
    the IPv4-mapped and -compatible forms. Several times faster than ``ipaddress``."""
    high = value >> 32
    if high == 0xFFFF or (high == 0 and value >> 16):
        dotted = ".".join(str((value >> s) & 0xFF) for s in (24, 16, 8, 0))
        return ("::ffff:" if high else "::") + dotted
    words = [(value >> s) & 0xFFFF for s in _SHIFTS]
    best, best_len, run = -1, 1, -1
    for index, word in enumerate(words):
        if word:
            run = -1
            continue
        if run < 0:
            run = index
        if index - run + 1 > best_len:
            best, best_len = run, index - run + 1
    if best < 0:
        return ":".join(f"{word:x}" for word in words)
    head = ":".join(f"{word:x}" for word in words[:best])
    tail = ":".join(f"{word:x}" for word in words[best + best_len :])
    return f"{head}::{tail}"
