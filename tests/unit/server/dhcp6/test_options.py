"""Option level merging, ORO/always-send, vendor options and Kea's option order."""

from __future__ import annotations

from pukeko.config.model import OptionData
from pukeko.server.dhcp6.options import (
    OptionLevel,
    append_requested,
    append_vendor,
    chain,
    sorted_tlvs,
)


def _opt(code: int, payload: bytes, space: str = "dhcp6", always: bool = False) -> OptionData:
    return OptionData(space, code, "", payload, always, True, "")


def test_first_level_wins_and_always_send() -> None:
    high = OptionLevel.compile([_opt(23, b"H")])
    low = OptionLevel.compile([_opt(23, b"L"), _opt(7, b"\x05", always=True), _opt(24, b"D")])
    merged = chain([high, OptionLevel(), low])
    out: list[tuple[int, bytes]] = [(2, b"\x00\x02\x00\x00")]
    append_requested({2}, merged, [24, 23, 99], out)
    assert sorted_tlvs(out) == (
        b"\x00\x02\x00\x00" + b"\x00\x07\x00\x01\x05" + b"\x00\x17\x00\x01H" + b"\x00\x18\x00\x01D"
    )


def test_vendor_options_for_docsis_oro() -> None:
    level = OptionLevel.compile([_opt(32, b"T", space="vendor-4491")])
    query = [(17, b"\x00\x00\x11\x8b" + b"\x00\x01\x00\x02\x00\x20")]
    out: list[tuple[int, bytes]] = []
    append_vendor(query, chain([level]), out)
    assert out == [(17, b"\x00\x11\x00\x09\x00\x00\x11\x8b\x00\x20\x00\x01T")]
    none: list[tuple[int, bytes]] = []
    append_vendor([], chain([level]), none)
    assert none == []
