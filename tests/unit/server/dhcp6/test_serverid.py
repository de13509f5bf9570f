"""Server DUID generation and the persisted-DUID text (Kea DUIDFactory rules)."""

from __future__ import annotations

import pytest

from pukeko.config.model import ServerId
from pukeko.server.dhcp6.serverid import (
    ServerIdError,
    format_duid,
    make_server_duid,
    parse_persisted_duid,
)

MAC = bytes.fromhex("0a0b0c0d0e0f")
NOW = 946684800 + 1000  # 1000 s after the DUID epoch


def _cfg(kind: str, **kw: object) -> ServerId:
    fields = {"identifier": b"", "htype": 0, "time": 0, "enterprise_id": 0, "persist": True}
    fields.update(kw)
    return ServerId(type=kind, **fields)  # type: ignore[arg-type]


def test_default_is_llt_from_interface_and_now() -> None:
    duid = make_server_duid(None, NOW, (1, MAC))
    assert duid == bytes.fromhex("00010001000003e8") + MAC


def test_persisted_llt_is_reused() -> None:
    stored = bytes.fromhex("000100010000abcd") + bytes.fromhex("112233445566")
    assert make_server_duid(_cfg("LLT"), NOW, (1, MAC), stored) == stored


def test_configured_fields_win() -> None:
    cfg = _cfg("LLT", identifier=b"\x01\x02\x03", htype=8, time=5)
    assert make_server_duid(cfg, NOW, (1, MAC)) == bytes.fromhex("0001000800000005010203")


def test_en_defaults_to_isc_and_entropy() -> None:
    duid = make_server_duid(_cfg("EN"), NOW, None, entropy=b"\xaa" * 6)
    assert duid == bytes.fromhex("0002000009bf") + b"\xaa" * 6


def test_ll_needs_hardware_address() -> None:
    assert make_server_duid(_cfg("LL"), NOW, (1, MAC)) == bytes.fromhex("00030001") + MAC
    with pytest.raises(ServerIdError):
        make_server_duid(_cfg("LL"), NOW, None)


def test_persisted_text_round_trip() -> None:
    duid = bytes.fromhex("000100012a2b2c2d0a0b0c0d0e0f")
    text = format_duid(duid)
    assert text == "00:01:00:01:2a:2b:2c:2d:0a:0b:0c:0d:0e:0f"
    assert parse_persisted_duid(text + "\n") == duid
    assert parse_persisted_duid("") is None
    assert parse_persisted_duid("zz:zz") is None
