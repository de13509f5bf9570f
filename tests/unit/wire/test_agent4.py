"""Relay agent information (option 82) sub-option framing: RFC 3046, 3527, 5107, 6925, 8357."""

from __future__ import annotations

import pytest

from pukeko.wire.agent4 import (
    AGENT4_SUBOPTION_NAMES,
    CIRCUIT_ID,
    REMOTE_ID,
    AgentInfo,
    decode_agent4,
    encode_agent4,
)
from pukeko.wire.buffer import FormError
from pukeko.wire.opts4 import build_options
from pukeko.wire.pkt4 import Pkt4, decode4, encode4

# Option 82 payload as a Cisco-style relay writes it, then the RFC 3527/5107/6925/8357 extras.
CISCO_82 = bytes.fromhex(
    "01 06 0004 0064 0103"  # circuit-id: VLAN 100, module 1, port 3
    "02 08 0006 001122334455"  # remote-id: type 0, length 6, switch MAC
    "05 04 0a000100"  # link-selection 10.0.1.0
    "0b 04 0a000001"  # server-id-override 10.0.0.1
    "0c 05 01 0a000001"  # relay-id (type 1 + address)
    "13 02 2710"  # relay-port 10000
    "06 05 7573657231"  # subscriber-id "user1"
)


def test_decode_named_suboptions() -> None:
    info = decode_agent4(CISCO_82)
    assert info.circuit_id == bytes.fromhex("000400640103")
    assert info.remote_id == bytes.fromhex("0006001122334455")
    assert info.link_selection == 0x0A000100
    assert info.server_id_override == 0x0A000001
    assert info.relay_id == bytes.fromhex("010a000001")
    assert info.relay_port == 10000
    assert info.subscriber_id == b"user1"
    assert [code for code, _ in info.suboptions] == [1, 2, 5, 11, 12, 19, 6]


def test_round_trip_is_byte_exact() -> None:
    info = decode_agent4(CISCO_82)
    assert info.encode() == CISCO_82
    assert encode_agent4(info.suboptions) == CISCO_82
    assert decode_agent4(info.encode()) == info


def test_absent_and_malformed_typed_values() -> None:
    info = decode_agent4(bytes.fromhex("05 03 0a0001 0b 00 13 01 27"))
    assert info.link_selection is None  # 3 bytes, not an address
    assert info.server_id_override is None
    assert info.relay_port is None
    assert info.get(5) == b"\x0a\x00\x01"
    empty = AgentInfo()
    assert empty.circuit_id is None and empty.remote_id is None and empty.relay_port is None


def test_pad_and_end_codes_are_ordinary_suboptions() -> None:
    info = decode_agent4(bytes.fromhex("00 01 aa ff 02 bbcc"))
    assert info.suboptions == ((0, b"\xaa"), (255, b"\xbb\xcc"))


def test_repeated_and_unknown_suboptions_are_kept() -> None:
    info = decode_agent4(bytes.fromhex("01 01 61 c8 02 0102 01 01 62"))
    assert info.get(CIRCUIT_ID) == b"a"
    assert info.get_all(CIRCUIT_ID) == [b"a", b"b"]
    assert info.get(200) == b"\x01\x02"
    assert info.get(REMOTE_ID) is None
    assert "circuit-id=61" in repr(info) and "200=0102" in repr(info)


def test_empty_payload() -> None:
    assert decode_agent4(b"").suboptions == ()
    assert encode_agent4([]) == b""


def test_names_table() -> None:
    assert AGENT4_SUBOPTION_NAMES[1] == "circuit-id"
    assert AGENT4_SUBOPTION_NAMES[2] == "remote-id"
    assert AGENT4_SUBOPTION_NAMES[5] == "link-selection"
    assert AGENT4_SUBOPTION_NAMES[6] == "subscriber-id"
    assert AGENT4_SUBOPTION_NAMES[11] == "server-id-override"
    assert AGENT4_SUBOPTION_NAMES[12] == "relay-id"


@pytest.mark.parametrize(
    ("payload", "offset"),
    [
        ("01", 100),  # no length byte
        ("01 02 61", 100),  # length past the end
        ("01 01 61 02 05 0102", 103),  # second one truncated
    ],
)
def test_truncated_suboption_raises_with_offset(payload: str, offset: int) -> None:
    with pytest.raises(FormError) as caught:
        decode_agent4(bytes.fromhex(payload), 100)
    assert caught.value.offset == offset


def test_lenient_drops_a_truncated_tail() -> None:
    info = decode_agent4(bytes.fromhex("01 01 61 02 05 0102"), strict=False)
    assert info.suboptions == ((1, b"a"),)
    assert decode_agent4(bytes.fromhex("01"), strict=False).suboptions == ()


def test_encode_rejects_oversized_and_bad_codes() -> None:
    with pytest.raises(ValueError):
        encode_agent4([(1, b"x" * 256)])
    with pytest.raises(ValueError):
        encode_agent4([(256, b"x")])


def test_long_option_82_split_and_rejoined_in_a_packet() -> None:
    # RFC 3396: an option 82 payload over 255 bytes travels as several option 82 instances.
    subs = [(1, b"c" * 200), (2, b"r" * 120)]
    payload = encode_agent4(subs)
    assert len(payload) == 324
    wire = encode4(Pkt4(giaddr=1, options=build_options([(53, b"\x01"), (82, payload)])))
    pkt = decode4(wire)
    assert len(pkt.get_all(82)) == 2
    joined = pkt.get(82)
    assert joined is not None
    assert decode_agent4(joined).suboptions == tuple(subs)
