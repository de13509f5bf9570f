"""Pool lookups and the RFC 6603 PD-exclude option (Kea Option6PDExclude)."""

from __future__ import annotations

from ipaddress import IPv6Network

from pukeko.config.model import PdPool
from pukeko.server.dhcp6.pools import pd_exclude_tlv


def _pool(excluded: str | None, delegated: int = 56) -> PdPool:
    net = IPv6Network(excluded, strict=False) if excluded else None
    return PdPool(IPv6Network("2001:db8::/48"), delegated, net, (), "", ())


def test_pd_exclude_bytes() -> None:
    # 2001:db8:0:0:8000::/72 after a /56: 16 bits 0x0080.
    assert pd_exclude_tlv(_pool("2001:db8:0:0:8000::/72")) == b"\x00\x43\x00\x03\x48\x00\x80"
    # /60 after /56: one byte, the 4 low bits masked off.
    assert pd_exclude_tlv(_pool("2001:db8:0:f0::/60")) == b"\x00\x43\x00\x02\x3c\xf0"
    # /64 after /56: one byte.
    assert pd_exclude_tlv(_pool("2001:db8:0:12::/64")) == b"\x00\x43\x00\x02\x40\x12"


def test_no_exclude() -> None:
    assert pd_exclude_tlv(_pool(None)) is None
