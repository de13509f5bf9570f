"""DHCPv6 message codec: byte fixtures, relay chains, malformed input with exact offsets."""

import pytest

from pukeko.wire.buffer import FormError
from pukeko.wire.pkt6 import (
    HOP_COUNT_LIMIT,
    OPTION_CLIENT_LINKLAYER_ADDR,
    OPTION_CLIENTID,
    OPTION_ELAPSED_TIME,
    OPTION_IA_NA,
    OPTION_IA_PD,
    OPTION_INTERFACE_ID,
    OPTION_RELAY_SOURCE_PORT,
    OPTION_REMOTE_ID,
    OPTION_SERVERID,
    MsgType6,
    Pkt6,
    Relay6,
    addr6_bytes,
    addr6_text,
    decode6,
    encode6,
    encode_message,
    encode_options,
    innermost,
    kea_msg_name,
    msg_type_name,
    parse_options,
    relay_hops,
    relay_reply,
    tlv,
)


def hexfix(text: str) -> bytes:
    """Bytes from annotated hex: '#' starts a comment, whitespace is ignored."""
    return bytes.fromhex("".join(line.split("#")[0] for line in text.splitlines()))


CLIENT_DUID = hexfix("00 01 00 01 2b 4c 5d 6e 08 00 27 fe 8f 95")  # DUID-LLT, Ethernet
SERVER_DUID = hexfix("00 01 00 01 2b 4c 00 00 52 54 00 12 34 56")

# A Solicit as ISC dhclient 4.4 sends it (hand-written from a capture's layout).
SOLICIT = hexfix(
    """
    01                          # msg-type SOLICIT
    d8 1e b8                    # transaction-id
    00 01 00 0e                 # OPTION_CLIENTID, 14 bytes
      00 01 00 01 2b 4c 5d 6e   #   DUID-LLT, hw type 1, time 0x2b4c5d6e
      08 00 27 fe 8f 95         #   MAC 08:00:27:fe:8f:95
    00 06 00 08                 # OPTION_ORO, 8 bytes
      00 17 00 18 00 1f 00 27   #   23 dns, 24 domain search, 31 sntp, 39 fqdn
    00 08 00 02 00 00           # OPTION_ELAPSED_TIME 0
    00 03 00 0c                 # OPTION_IA_NA, 12 bytes
      27 fe 8f 95               #   IAID (last 4 bytes of the MAC, as dhclient picks it)
      00 00 0e 10 00 00 15 18   #   T1 3600, T2 5400
    """
)

ADVERTISE = hexfix(
    """
    02 d8 1e b8                 # ADVERTISE, same transaction-id
    00 03 00 28                 # OPTION_IA_NA, 40 bytes
      27 fe 8f 95 00 00 03 e8 00 00 07 d0        # IAID, T1 1000, T2 2000
      00 05 00 18                                # OPTION_IAADDR, 24 bytes
        20 01 0d b8 00 01 00 00 00 00 00 00 00 00 01 00   # 2001:db8:1::100
        00 00 0b b8 00 00 0f a0                  # preferred 3000, valid 4000
    00 01 00 0e 00 01 00 01 2b 4c 5d 6e 08 00 27 fe 8f 95  # OPTION_CLIENTID
    00 02 00 0e 00 01 00 01 2b 4c 00 00 52 54 00 12 34 56  # OPTION_SERVERID
    00 07 00 01 ff                                         # OPTION_PREFERENCE 255
    00 17 00 10 20 01 0d b8 00 00 00 00 00 00 00 00 00 00 00 53  # DNS 2001:db8::53
    00 18 00 0d 07 65 78 61 6d 70 6c 65 03 6f 72 67 00     # domain search example.org.
    00 0d 00 09 00 00 53 75 63 63 65 73 73                 # STATUS_CODE 0 "Success"
    """
)

# Relay-forward from two relays: the one near the client (inner) and an aggregation relay.
RELAY_FORW_2 = hexfix(
    """
    0c 01                                           # RELAY-FORW, hop-count 1 (outer relay)
    20 01 0d b8 ff ff 00 00 00 00 00 00 00 00 00 01 # link-address 2001:db8:ffff::1
    20 01 0d b8 00 01 00 00 00 00 00 00 00 00 00 01 # peer-address 2001:db8:1::1 (inner relay)
    00 12 00 08 67 65 2d 30 2f 30 2f 31             # OPTION_INTERFACE_ID "ge-0/0/1"
    00 09 00 80                                     # OPTION_RELAY_MSG, 128 bytes:
      0c 00                                           # RELAY-FORW, hop-count 0 (inner relay)
      20 01 0d b8 00 01 00 00 00 00 00 00 00 00 00 01 # link-address 2001:db8:1::1
      fe 80 00 00 00 00 00 00 0a 00 27 ff fe fe 8f 95 # peer-address fe80::a00:27ff:fefe:8f95
      00 12 00 04 65 74 68 30                         # OPTION_INTERFACE_ID "eth0"
      00 09 00 38                                     # OPTION_RELAY_MSG, 56 bytes: the Solicit
        01 d8 1e b8 00 01 00 0e 00 01 00 01 2b 4c 5d 6e 08 00 27 fe 8f 95
        00 06 00 08 00 17 00 18 00 1f 00 27 00 08 00 02 00 00
        00 03 00 0c 27 fe 8f 95 00 00 0e 10 00 00 15 18
      00 25 00 0a 00 00 0d e9 70 6f 72 74 2d 37       # OPTION_REMOTE_ID ent 3561 "port-7"
      00 4f 00 08 00 01 08 00 27 fe 8f 95             # OPTION_CLIENT_LINKLAYER_ADDR type 1
    """
)

REPLY_PD = hexfix(
    """
    07 5a 1f 02                                     # REPLY, transaction-id 0x5a1f02
    00 19 00 46                                     # OPTION_IA_PD, 70 bytes
      00 00 00 0a 00 00 07 08 00 00 0b 40           # IAID 10, T1 1800, T2 2880
      00 1a 00 19 00 00 0e 10 00 00 1c 20 38        # OPTION_IAPREFIX pref 3600 valid 7200 /56
        20 01 0d b8 80 00 01 00 00 00 00 00 00 00 00 00   # 2001:db8:8000:100::
      00 1a 00 19 00 00 0e 10 00 00 1c 20 40        # OPTION_IAPREFIX /64
        20 01 0d b8 80 00 02 00 00 00 00 00 00 00 00 00   # 2001:db8:8000:200::
    00 01 00 0e 00 01 00 01 2b 4c 5d 6e 08 00 27 fe 8f 95  # OPTION_CLIENTID
    00 02 00 0e 00 01 00 01 2b 4c 00 00 52 54 00 12 34 56  # OPTION_SERVERID
    """
)


# --- well-formed fixtures ---------------------------------------------------------------------


def test_solicit_fixture_decodes_fields_and_options_in_order() -> None:
    msg = decode6(SOLICIT)
    assert isinstance(msg, Pkt6)
    assert msg.msg_type == MsgType6.SOLICIT
    assert msg.transaction_id == 0xD81EB8
    assert [code for code, _ in msg.options] == [1, 6, 8, 3]
    assert msg.get(OPTION_CLIENTID) == CLIENT_DUID
    assert msg.get(OPTION_ELAPSED_TIME) == b"\x00\x00"
    assert msg.get(OPTION_SERVERID) is None
    assert msg.has(OPTION_IA_NA) and not msg.has(OPTION_IA_PD)
    assert msg.name == "SOLICIT"


@pytest.mark.parametrize("wire", [SOLICIT, ADVERTISE, RELAY_FORW_2, REPLY_PD])
def test_fixtures_re_encode_byte_for_byte(wire: bytes) -> None:
    assert encode6(decode6(wire)) == wire


def test_advertise_fixture_matches_a_constructed_message() -> None:
    built = Pkt6(
        MsgType6.ADVERTISE,
        0xD81EB8,
        [
            (OPTION_IA_NA, ADVERTISE[8:48]),
            (OPTION_CLIENTID, CLIENT_DUID),
            (OPTION_SERVERID, SERVER_DUID),
            (7, b"\xff"),
            (23, addr6_bytes("2001:db8::53")),
            (24, b"\x07example\x03org\x00"),
            (13, b"\x00\x00Success"),
        ],
    )
    assert encode6(built) == ADVERTISE
    assert decode6(ADVERTISE) == built


def test_reply_with_ia_pd_keeps_its_payload() -> None:
    msg = decode6(REPLY_PD)
    assert isinstance(msg, Pkt6)
    assert msg.msg_type == MsgType6.REPLY
    assert msg.transaction_id == 0x5A1F02
    ia_pd = msg.get(OPTION_IA_PD)
    assert ia_pd is not None and len(ia_pd) == 70
    assert parse_options(ia_pd, 12) == [(26, ia_pd[16:41]), (26, ia_pd[45:70])]


def test_two_hop_relay_forward_exposes_hops_outermost_first() -> None:
    msg = decode6(RELAY_FORW_2)
    hops = relay_hops(msg)
    assert [h.hop_count for h in hops] == [1, 0]
    assert [addr6_text(h.link_address) for h in hops] == ["2001:db8:ffff::1", "2001:db8:1::1"]
    assert addr6_text(hops[1].peer_address) == "fe80::a00:27ff:fefe:8f95"
    assert hops[0].interface_id == b"ge-0/0/1"
    assert hops[1].interface_id == b"eth0"
    assert hops[1].get(OPTION_REMOTE_ID) == b"\x00\x00\x0d\xe9port-7"
    assert hops[1].get(OPTION_CLIENT_LINKLAYER_ADDR) == b"\x00\x01\x08\x00\x27\xfe\x8f\x95"
    # Option 9 sits between interface-id and remote-id in the inner hop; last in the outer one.
    assert hops[1].relay_msg_index == 1
    assert hops[0].relay_msg_index == -1
    assert innermost(msg) == decode6(SOLICIT)
    assert msg.name == "RELAY-FORW"


def test_direct_message_has_no_hops() -> None:
    msg = decode6(SOLICIT)
    assert relay_hops(msg) == []
    assert innermost(msg) is msg


def test_repeated_and_unknown_options_survive_in_order() -> None:
    options = [(65000, b"x"), (OPTION_IA_NA, b"a" * 12), (OPTION_IA_NA, b"b" * 12), (0, b"")]
    wire = encode_message(MsgType6.REQUEST, 1, options)
    msg = decode6(wire)
    assert msg.options == options
    assert msg.get_all(OPTION_IA_NA) == [b"a" * 12, b"b" * 12]
    assert encode6(msg) == wire


def test_unknown_message_type_uses_the_client_format() -> None:
    wire = bytes([200, 0, 0, 7]) + tlv(1, b"\x00\x01")
    msg = decode6(wire)
    assert isinstance(msg, Pkt6)
    assert (msg.msg_type, msg.transaction_id, msg.options) == (200, 7, [(1, b"\x00\x01")])
    assert msg_type_name(200) == "UNKNOWN(200)"


def test_header_only_message_is_valid() -> None:
    msg = decode6(b"\x0b\x00\x00\x01")
    assert msg == Pkt6(MsgType6.INFORMATION_REQUEST, 1, [])


def test_decode_accepts_bytearray_and_memoryview() -> None:
    assert decode6(bytearray(SOLICIT)) == decode6(SOLICIT)
    assert decode6(memoryview(SOLICIT)) == decode6(SOLICIT)


def test_message_type_names() -> None:
    assert len(MsgType6) >= 36
    assert (int(MsgType6.DHCPV4_QUERY), int(MsgType6.DHCPV4_RESPONSE)) == (20, 21)
    assert msg_type_name(11) == "INFORMATION-REQUEST"
    assert msg_type_name(13) == "RELAY-REPL"
    assert kea_msg_name(12) == "RELAY_FORWARD"
    assert kea_msg_name(16) == "UNKNOWN"


# --- option access ----------------------------------------------------------------------------


def test_option_editing_methods() -> None:
    msg = Pkt6(MsgType6.REPLY, 5)
    msg.add(1, b"a")
    msg.add(2, b"b")
    msg.add(1, b"c")
    msg.replace(1, b"z")
    assert msg.options == [(1, b"z"), (2, b"b")]
    msg.replace(3, b"new")
    assert msg.options[-1] == (3, b"new")
    assert msg.remove(2) == 1
    assert msg.remove(2) == 0
    assert msg.options == [(1, b"z"), (3, b"new")]


def test_encode_options_and_tlv() -> None:
    assert tlv(18, b"eth0") == b"\x00\x12\x00\x04eth0"
    assert encode_options([(1, b""), (2, b"\xaa")]) == b"\x00\x01\x00\x00\x00\x02\x00\x01\xaa"
    with pytest.raises(ValueError):
        tlv(1, b"x" * 65536)


# --- building relays --------------------------------------------------------------------------


def test_relay_reply_mirrors_hops_and_echoes_interface_id_and_source_port() -> None:
    forward = decode6(RELAY_FORW_2)
    assert isinstance(forward, Relay6)
    forward.inner.options.append((OPTION_RELAY_SOURCE_PORT, b"\x02\x23"))  # inner hop
    reply = decode6(ADVERTISE)
    assert isinstance(reply, Pkt6)
    wrapped = relay_reply(forward, reply)
    hops = relay_hops(wrapped)
    assert [h.msg_type for h in hops] == [MsgType6.RELAY_REPL] * 2
    assert [h.hop_count for h in hops] == [1, 0]
    assert [h.link_address for h in hops] == [h.link_address for h in relay_hops(forward)]
    assert hops[0].options == [(OPTION_INTERFACE_ID, b"ge-0/0/1")]
    assert hops[1].options == [
        (OPTION_INTERFACE_ID, b"eth0"),
        (OPTION_RELAY_SOURCE_PORT, b"\x02\x23"),
    ]
    assert innermost(wrapped) is reply
    wire = encode6(wrapped)
    assert wire[0] == 13 and decode6(wire) == wrapped
    assert wire.endswith(ADVERTISE)  # option 9 goes last, as Kea packs it


def test_relay_msg_index_places_option_9() -> None:
    inner = Pkt6(1, 2)
    relay = Relay6(12, 0, bytes(16), bytes(16), inner, [(18, b"i"), (37, b"r")], 0)
    wire = encode6(relay)
    assert wire[34:36] == b"\x00\x09"
    assert decode6(wire) == relay
    relay.relay_msg_index = 5  # past the end: treated as last
    assert encode6(relay).endswith(tlv(9, b"\x01\x00\x00\x02"))
    built = Relay6(12, 0, bytes(16), bytes(16), inner, [(18, b"i")], 1)
    assert built.relay_msg_index == -1  # "after the last option" has one spelling
    assert decode6(encode6(built)) == built


def test_encoder_refuses_invalid_fields() -> None:
    with pytest.raises(ValueError):
        encode6(Pkt6(12, 0))  # a relay type needs Relay6
    with pytest.raises(ValueError):
        encode6(Pkt6(1, 1 << 24))
    with pytest.raises(ValueError):
        encode6(Pkt6(256, 0))
    with pytest.raises(ValueError):
        encode6(Relay6(12, 0, bytes(15), bytes(16), Pkt6(1, 0)))
    with pytest.raises(ValueError):
        encode6(Relay6(1, 0, bytes(16), bytes(16), Pkt6(1, 0)))
    with pytest.raises(ValueError):
        encode6(Relay6(12, 256, bytes(16), bytes(16), Pkt6(1, 0)))


# --- malformed input: FormError with the byte offset ------------------------------------------


def _relay(inner_wire: bytes, options: bytes = b"", msg_type: int = 12) -> bytes:
    return bytes([msg_type, 0]) + bytes(32) + options + tlv(9, inner_wire)


def _nested(depth: int) -> bytes:
    wire = SOLICIT
    for _ in range(depth):
        wire = _relay(wire)
    return wire


@pytest.mark.parametrize(
    ("wire", "offset"),
    [
        (b"", 0),  # empty packet
        (b"\x01\x00\x00", 0),  # shorter than the 4-byte header
        (b"\x01\x00\x00\x01\x00\x01\x00", 4),  # truncated option header
        (b"\x01\x00\x00\x01\x00\x01\x00\x05\xaa\xbb", 4),  # length runs past the end
        (SOLICIT + b"\x00", len(SOLICIT)),  # trailing garbage (1 byte)
        (SOLICIT + b"\x00\x07\x00", len(SOLICIT)),  # trailing garbage (3 bytes)
        (SOLICIT[:-1], 40),  # last option (IA_NA at 40) truncated
        (b"\x0c" + bytes(20), 0),  # relay shorter than its 34-byte header
        (bytes([12, 0]) + bytes(32), 0),  # relay without option 9
        (bytes([13, 0]) + bytes(32) + tlv(18, b"x"), 0),  # relay-repl without option 9
        (_relay(b""), 38),  # option 9 empty: inner message shorter than 4 bytes
        (_relay(b"\x01\x00"), 38),  # option 9 too short for a header
        (_relay(SOLICIT) + tlv(9, SOLICIT), 34 + 4 + len(SOLICIT)),  # two relay messages
        (_relay(SOLICIT)[:-1], 34),  # option 9 length runs past the end
        (_relay(SOLICIT + b"\x00\x01\x00\x09"), 38 + 56),  # inner option overruns
        (_relay(_relay(b"\x01\x02\x03\x04" + b"\x00\x01")), 38 + 38 + 4),  # 2 hops deep
    ],
)
def test_malformed_raises_form_error_at_offset(wire: bytes, offset: int) -> None:
    with pytest.raises(FormError) as info:
        decode6(wire)
    assert info.value.offset == offset


def test_relay_nesting_up_to_hop_count_limit_is_accepted() -> None:
    msg = decode6(_nested(HOP_COUNT_LIMIT))
    assert len(relay_hops(msg)) == HOP_COUNT_LIMIT
    assert encode6(msg) == _nested(HOP_COUNT_LIMIT)


def test_relay_nesting_deeper_than_hop_count_limit_is_form_error() -> None:
    with pytest.raises(FormError) as info:
        decode6(_nested(HOP_COUNT_LIMIT + 1))
    assert info.value.offset == HOP_COUNT_LIMIT * 38  # start of the 33rd relay header
    msg = decode6(_nested(HOP_COUNT_LIMIT))
    with pytest.raises(ValueError):
        encode6(Relay6(12, 0, bytes(16), bytes(16), msg))


def test_form_error_message_names_the_offset() -> None:
    with pytest.raises(FormError, match=r"at byte 4"):
        decode6(b"\x01\x00\x00\x01\x00\x01\x00\x05\xaa\xbb")


def test_parse_options_with_bounds_uses_absolute_offsets() -> None:
    data = b"HEAD" + tlv(1, b"ab") + b"\x00\x02\x00\x09TAIL"
    assert parse_options(data, 4, 10) == [(1, b"ab")]
    with pytest.raises(FormError) as info:
        parse_options(data, 4, 16)
    assert info.value.offset == 10


def test_lenient_mode_drops_a_truncated_tail_like_kea() -> None:
    full = decode6(SOLICIT)
    assert isinstance(full, Pkt6)
    assert decode6(SOLICIT + b"\x00\x07", strict=False) == full
    cut = decode6(SOLICIT[:-1], strict=False)
    assert isinstance(cut, Pkt6)
    assert cut.options == full.options[:-1]  # the truncated IA_NA is dropped
    relayed = decode6(_relay(SOLICIT[:-1]) + b"\x00", strict=False)
    assert innermost(relayed).options == full.options[:-1]
    with pytest.raises(FormError):
        decode6(_relay(SOLICIT)[:-1], strict=False)  # option 9 itself is lost: still an error
