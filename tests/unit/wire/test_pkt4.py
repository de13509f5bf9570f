"""DHCPv4 packet codec: byte fixtures (RFC 2131/2132/3396/3046) and malformed packets."""

from __future__ import annotations

import pytest

from pukeko.wire.buffer import FormError
from pukeko.wire.opts4 import build_options, frame_options, sort_like_kea, tlv_bytes
from pukeko.wire.pkt4 import (
    BOOTP_MIN_SIZE,
    BOOTREPLY,
    DHCPDISCOVER,
    DHCPOFFER,
    MAGIC_COOKIE,
    MESSAGE_TYPE_NAMES,
    Pkt4,
    decode4,
    encode4,
    encode_reply4,
    options_min_length,
)


def hexbytes(*chunks: str) -> bytes:
    """Join annotated hex chunks (spaces ignored)."""
    return bytes.fromhex("".join(chunks))


MAC = "525400123456"
ZERO_SNAME = "00" * 64
ZERO_FILE = "00" * 128

# A DHCPDISCOVER as ISC dhclient 4.4 sends it on Debian (broadcast, no previous lease).
DHCLIENT_DISCOVER = hexbytes(
    "01 01 06 00",  # op BOOTREQUEST, htype Ethernet, hlen 6, hops 0
    "5d1f2a9b",  # xid
    "0000 0000",  # secs 0, flags 0
    "00000000 00000000 00000000 00000000",  # ciaddr yiaddr siaddr giaddr
    MAC + "00" * 10,  # chaddr (16 bytes)
    ZERO_SNAME,
    ZERO_FILE,
    "63825363",  # magic cookie 99.130.83.99
    "35 01 01",  # 53 message type: DHCPDISCOVER
    "0c 06 64656269616e",  # 12 host name "debian"
    # 55 parameter request list: dhclient's default request list
    "37 0d 01 1c 02 03 0f 06 77 0c 2c 2f 1a 79 2a",
    "ff",  # END
    "00" * 33,  # dhclient pads to the 300-byte BOOTP minimum
)

# The DHCPOFFER a Kea-like server answers with (options in Kea's order: 53 first, then by code).
KEA_OFFER = hexbytes(
    "02 01 06 00",  # op BOOTREPLY
    "5d1f2a9b",
    "0000 0000",
    "00000000 c0000264 00000000 00000000",  # yiaddr 192.0.2.100
    MAC + "00" * 10,
    ZERO_SNAME,
    ZERO_FILE,
    "63825363",
    "35 01 02",  # DHCPOFFER
    "01 04 ffffff00",  # subnet mask
    "03 04 c0000201",  # router 192.0.2.1
    "06 08 c0000235 c0000335",  # DNS servers
    "0f 0b 6578616d706c652e6f7267",  # domain name "example.org"
    "33 04 00000fa0",  # lease time 4000
    "36 04 c0000202",  # server identifier 192.0.2.2
    "3a 04 000007d0",  # renewal time 2000
    "3b 04 00000dac",  # rebinding time 3500
    "ff",
)

CIRCUIT = "01 0c 657468302f312f333a313030"  # circuit-id "eth0/1/3:100"
REMOTE = "02 06 " + MAC  # remote-id: the CPE MAC
LINK_SELECTION = "05 04 0a000100"  # link-selection 10.0.1.0
# A DHCPREQUEST relayed by 10.0.0.1 with relay agent information (option 82) last.
RELAYED_REQUEST = hexbytes(
    "01 01 06 01",  # hops 1
    "00c0ffee",
    "0003 8000",  # secs 3, BROADCAST flag
    "00000000 00000000 00000000 0a000001",  # giaddr 10.0.0.1
    MAC + "00" * 10,
    ZERO_SNAME,
    ZERO_FILE,
    "63825363",
    "35 01 03",  # DHCPREQUEST
    "3d 07 01" + MAC,  # client identifier
    "32 04 0a000164",  # requested address 10.0.1.100
    "36 04 0a000002",  # server identifier 10.0.0.2
    "52 1c " + CIRCUIT + REMOTE + LINK_SELECTION,  # relay agent information, 28 bytes
    "ff",
)

# Option overload (52 = 3): more options in file, then in sname (RFC 2132 §9.3, RFC 3396 §7).
OVERLOAD_FILE_AREA = "0c 04 686f7374" + "3c 03 616263" + "ff"  # host "host", vendor class "abc"
OVERLOAD_SNAME_AREA = "3d 07 01" + MAC + "0c 02 2d32" + "ff"  # client id, host name part "-2"
OVERLOADED_DISCOVER = hexbytes(
    "01 01 06 00",
    "01020304",
    "0000 0000",
    "00000000 00000000 00000000 00000000",
    MAC + "00" * 10,
    OVERLOAD_SNAME_AREA + "00" * (64 - len(bytes.fromhex(OVERLOAD_SNAME_AREA))),
    OVERLOAD_FILE_AREA + "00" * (128 - len(bytes.fromhex(OVERLOAD_FILE_AREA))),
    "63825363",
    "35 01 01",
    "34 01 03",  # option overload: both file and sname
    "0c 02 6d79",  # host name "my" (continued in file and sname)
    "ff",
)


def test_hexbytes_fixture_lengths() -> None:
    assert len(DHCLIENT_DISCOVER) == BOOTP_MIN_SIZE
    assert len(OVERLOADED_DISCOVER) == 240 + 3 + 3 + 4 + 1
    assert DHCLIENT_DISCOVER[236:240] == MAGIC_COOKIE


def test_decode_dhclient_discover_header() -> None:
    pkt = decode4(DHCLIENT_DISCOVER)
    assert (pkt.op, pkt.htype, pkt.hlen, pkt.hops) == (1, 1, 6, 0)
    assert pkt.xid == 0x5D1F2A9B
    assert (pkt.secs, pkt.flags, pkt.broadcast) == (0, 0, False)
    assert (pkt.ciaddr, pkt.yiaddr, pkt.siaddr, pkt.giaddr) == (0, 0, 0, 0)
    assert pkt.hwaddr == bytes.fromhex(MAC)
    assert pkt.chaddr == bytes.fromhex(MAC) + bytes(10)
    assert pkt.cookie and pkt.has_end


def test_decode_dhclient_discover_options() -> None:
    pkt = decode4(DHCLIENT_DISCOVER)
    assert pkt.message_type == DHCPDISCOVER
    assert MESSAGE_TYPE_NAMES[DHCPDISCOVER] == "DHCPDISCOVER"
    assert pkt.get(12) == b"debian"
    assert pkt.get(55) == bytes([1, 28, 2, 3, 15, 6, 119, 12, 44, 47, 26, 121, 42])
    assert pkt.get(61) is None
    assert 55 in pkt and 61 not in pkt
    assert pkt.codes() == [53, 12, 55]
    assert [code for code, _ in pkt.tlvs()] == [53, 12, 55]
    assert pkt.get_all(12) == [b"debian"]
    assert pkt.get_all(99) == []


def test_dhclient_discover_round_trips_with_padding() -> None:
    pkt = decode4(DHCLIENT_DISCOVER)
    assert pkt.options.endswith(b"\xff" + bytes(33))
    assert encode4(pkt) == DHCLIENT_DISCOVER
    assert pkt.encode() == DHCLIENT_DISCOVER


def test_build_offer_matches_kea_layout() -> None:
    query = decode4(DHCLIENT_DISCOVER)
    shuffled = [
        (54, bytes([192, 0, 2, 2])),
        (3, bytes([192, 0, 2, 1])),
        (59, (3500).to_bytes(4, "big")),
        (1, b"\xff\xff\xff\x00"),
        (6, bytes([192, 0, 2, 53, 192, 0, 3, 53])),
        (51, (4000).to_bytes(4, "big")),
        (15, b"example.org"),
        (58, (2000).to_bytes(4, "big")),
        (53, bytes([DHCPOFFER])),
    ]
    offer = Pkt4(
        op=BOOTREPLY,
        xid=query.xid,
        yiaddr=0xC0000264,
        chaddr=query.hwaddr,  # padded to 16 bytes
        options=build_options(sort_like_kea(shuffled)),
    )
    assert encode4(offer) == KEA_OFFER
    assert decode4(KEA_OFFER) == offer
    assert offer.message_type == DHCPOFFER
    assert offer.get(54) == bytes([192, 0, 2, 2])  # lazily indexed built packet


def test_encode_reply4_copies_the_query_fields() -> None:
    query = decode4(RELAYED_REQUEST)
    area = build_options([(53, b"\x05"), (82, query.get(82) or b"")])
    wire = encode_reply4(
        query, area, yiaddr=0x0A000164, siaddr=0x0A000002, sname=b"tftp", file=b"boot.img"
    )
    reply = decode4(wire)
    assert reply.op == BOOTREPLY and reply.secs == 0
    assert (reply.htype, reply.hlen, reply.hops) == (1, 6, 1)
    assert (reply.xid, reply.flags, reply.giaddr) == (0x00C0FFEE, 0x8000, 0x0A000001)
    assert (reply.ciaddr, reply.yiaddr, reply.siaddr) == (0, 0x0A000164, 0x0A000002)
    assert reply.chaddr == query.chaddr
    assert reply.sname == b"tftp" + bytes(60) and reply.file == b"boot.img" + bytes(120)
    assert reply.message_type == 5 and reply.get(82) == query.get(82)
    same = Pkt4(
        op=BOOTREPLY,
        hops=1,
        xid=query.xid,
        flags=query.flags,
        yiaddr=0x0A000164,
        siaddr=0x0A000002,
        giaddr=query.giaddr,
        chaddr=query.chaddr,
        sname=b"tftp",
        file=b"boot.img",
        options=area,
    )
    assert encode4(same) == wire
    with pytest.raises(ValueError):
        encode_reply4(query, area, yiaddr=-1)
    with pytest.raises(ValueError):
        encode_reply4(query, area, file=b"f" * 129)


def test_sort_like_kea_puts_agent_last_and_keeps_repeats_in_order() -> None:
    ordered = sort_like_kea([(82, b"r"), (6, b"b"), (53, b"\x05"), (6, b"a"), (1, b"m")])
    assert ordered == [(53, b"\x05"), (1, b"m"), (6, b"b"), (6, b"a"), (82, b"r")]


def test_relayed_request_with_option_82() -> None:
    pkt = decode4(RELAYED_REQUEST)
    assert pkt.hops == 1 and pkt.giaddr == 0x0A000001
    assert pkt.secs == 3 and pkt.broadcast
    assert pkt.message_type == 3
    assert pkt.get(50) == bytes([10, 0, 1, 100])
    assert pkt.get(82) == hexbytes(CIRCUIT, REMOTE, LINK_SELECTION)
    assert pkt.codes()[-1] == 82
    assert encode4(pkt) == RELAYED_REQUEST


def test_overload_reads_file_then_sname() -> None:
    pkt = decode4(OVERLOADED_DISCOVER)
    assert pkt.overload == 3
    # RFC 3396 §7: options field, then file, then sname; instances are concatenated.
    assert pkt.get(12) == b"myhost-2"
    assert pkt.get_all(12) == [b"my", b"host", b"-2"]


def test_overload_fixture_details() -> None:
    pkt = decode4(OVERLOADED_DISCOVER)
    assert pkt.get(60) == b"abc"  # found only in file
    assert pkt.get(61) == b"\x01" + bytes.fromhex(MAC)  # found only in sname
    assert [code for code, _ in pkt.tlvs()] == [53, 52, 12, 12, 60, 61, 12]
    assert pkt.codes() == [53, 52, 12, 60, 61]
    assert pkt.sname.startswith(bytes.fromhex("3d07"))  # raw field kept
    assert encode4(pkt) == OVERLOADED_DISCOVER


def test_overload_ignored_like_kea_when_disabled() -> None:
    pkt = decode4(OVERLOADED_DISCOVER, overload=False)
    assert pkt.overload == 0
    assert pkt.get(60) is None and pkt.get(61) is None
    assert pkt.get_all(12) == [b"my"]


def test_overload_only_file() -> None:
    data = bytearray(OVERLOADED_DISCOVER)
    data[240 + 5] = 1  # overload value 1: file only
    pkt = decode4(bytes(data))
    assert pkt.overload == 1
    assert pkt.get(60) == b"abc" and pkt.get(61) is None


def test_overload_only_sname() -> None:
    data = bytearray(OVERLOADED_DISCOVER)
    data[240 + 5] = 2
    pkt = decode4(bytes(data))
    assert pkt.get(60) is None and pkt.get(61) is not None


def test_long_option_split_per_rfc3396() -> None:
    vendor = bytes(range(256)) + bytes(range(44))  # 300 bytes
    area = build_options([(53, b"\x01"), (43, vendor)])
    assert area[3:5] == b"\x2b\xff" and area[260:262] == b"\x2b\x2d"
    assert len(area) == 3 + 2 + 255 + 2 + 45 + 1
    pkt = decode4(encode4(Pkt4(chaddr=bytes.fromhex(MAC), options=area)))
    assert pkt.get(43) == vendor
    assert pkt.get_all(43) == [vendor[:255], vendor[255:]]
    assert pkt.tlvs() == [(53, b"\x01"), (43, vendor[:255]), (43, vendor[255:])]
    assert pkt.codes() == [53, 43]


def test_repeated_message_type_is_concatenated() -> None:
    area = hexbytes("35 00", "35 01 05", "ff")
    pkt = Pkt4(options=area)
    assert pkt.message_type == 5
    assert Pkt4(options=hexbytes("35 00 ff")).message_type is None
    assert Pkt4(options=hexbytes("ff")).message_type is None


@pytest.mark.parametrize(
    ("size", "chunks"),
    [(0, [0]), (1, [1]), (255, [255]), (256, [255, 1]), (510, [255, 255]), (511, [255, 255, 1])],
)
def test_tlv_split_sizes(size: int, chunks: list[int]) -> None:
    framed = tlv_bytes(77, b"x" * size)
    lengths = []
    pos = 0
    while pos < len(framed):
        assert framed[pos] == 77
        lengths.append(framed[pos + 1])
        pos += 2 + framed[pos + 1]
    assert lengths == chunks


def test_build_options_rejects_pad_and_end_codes() -> None:
    for code in (0, 255, 256, -1):
        with pytest.raises(ValueError):
            build_options([(code, b"x")])


def test_bootp_minimum_padding() -> None:
    area = build_options([(53, b"\x05")], min_length=options_min_length(BOOTP_MIN_SIZE))
    wire = encode4(Pkt4(op=BOOTREPLY, options=area))
    assert len(wire) == BOOTP_MIN_SIZE
    assert wire[240:244] == b"\x35\x01\x05\xff" and set(wire[244:]) == {0}
    big = build_options([(12, b"h" * 100)], min_length=60)
    assert len(big) == 103  # already long enough: no padding
    assert frame_options([(1, b"ab")]) + b"\xff" == build_options([(1, b"ab")])


def test_plain_bootp_without_cookie_keeps_vendor_area_raw() -> None:
    vend = b"\x01\x02\x03\x04" + b"vendor-specific!" + bytes(44)  # RFC 951 vend, 64 bytes
    data = hexbytes("01 01 06 00 0000abcd 0000 0000", "00" * 16, MAC + "00" * 10) + bytes(192)
    data += vend
    assert len(data) == BOOTP_MIN_SIZE
    pkt = decode4(data)
    assert not pkt.cookie and pkt.options == vend
    assert pkt.message_type is None and pkt.get(1) is None and pkt.tlvs() == []
    assert not pkt.has_end
    assert encode4(pkt) == data


@pytest.mark.parametrize("extra", [b"", b"\x63", b"\x63\x82\x53"])
def test_header_only_or_short_vendor_area(extra: bytes) -> None:
    data = DHCLIENT_DISCOVER[:236] + extra
    pkt = decode4(data)
    assert not pkt.cookie and pkt.options == extra
    assert encode4(pkt) == data


def test_cookie_with_no_options_has_no_end() -> None:
    pkt = decode4(DHCLIENT_DISCOVER[:240])
    assert pkt.cookie and pkt.options == b"" and not pkt.has_end and pkt.message_type is None


def test_missing_end_is_tolerated() -> None:
    data = DHCLIENT_DISCOVER[: 240 + 3 + 8 + 15]  # no END, no padding
    pkt = decode4(data)
    assert not pkt.has_end
    assert pkt.get(55) is not None and pkt.message_type == DHCPDISCOVER
    assert encode4(pkt) == data


def test_pad_between_options_and_bytes_after_end() -> None:
    area = hexbytes("00 00 35 01 01 00 0c 01 61 00 00 00 ff", "deadbeef 3d 40")
    data = DHCLIENT_DISCOVER[:240] + area
    pkt = decode4(data)
    assert pkt.codes() == [53, 12] and pkt.get(12) == b"a"
    assert pkt.get(61) is None  # after END: not an option
    assert pkt.has_end
    assert encode4(pkt) == data


def test_pad_run_without_end() -> None:
    data = DHCLIENT_DISCOVER[:240] + hexbytes("35 01 01") + bytes(57)
    pkt = decode4(data)
    assert pkt.message_type == DHCPDISCOVER and not pkt.has_end
    assert encode4(pkt) == data


def test_zero_length_host_name_is_kept() -> None:
    # Kea drops an empty host name option at parse time; the codec keeps the TLV, the server
    # layer decides.
    pkt = decode4(DHCLIENT_DISCOVER[:240] + hexbytes("35 01 01 0c 00 ff"))
    assert pkt.get(12) == b""


def test_accepts_bytearray_and_memoryview() -> None:
    assert decode4(bytearray(RELAYED_REQUEST)) == decode4(RELAYED_REQUEST)
    assert decode4(memoryview(RELAYED_REQUEST)).get(82) is not None


def test_changing_options_reindexes() -> None:
    pkt = decode4(DHCLIENT_DISCOVER)
    pkt.options = build_options([(53, b"\x03"), (50, b"\x0a\x00\x00\x05")])
    assert pkt.message_type == 3 and pkt.get(12) is None and pkt.get(50) == b"\x0a\x00\x00\x05"
    pkt.file = b"pxelinux.0"
    assert pkt.file == b"pxelinux.0" + bytes(118)
    assert decode4(encode4(pkt)) == pkt


def test_header_fields_are_mutable_and_encoded() -> None:
    pkt = decode4(RELAYED_REQUEST)
    pkt.yiaddr = 0x0A000164
    pkt.op = BOOTREPLY
    again = decode4(encode4(pkt))
    assert again.yiaddr == 0x0A000164 and again.op == BOOTREPLY
    assert again.get(82) == pkt.get(82)


def test_equality_and_repr() -> None:
    one, two = decode4(RELAYED_REQUEST), decode4(RELAYED_REQUEST)
    assert one == two and one != decode4(DHCLIENT_DISCOVER)
    assert one.__eq__(object()) is NotImplemented
    assert "DHCPREQUEST" in repr(one) and "xid=0x00c0ffee" in repr(one)
    assert "BOOTP" in repr(decode4(DHCLIENT_DISCOVER[:236]))


def test_constructor_rejects_bad_fields() -> None:
    with pytest.raises(ValueError):
        Pkt4(chaddr=bytes(17))
    with pytest.raises(ValueError):
        Pkt4(sname=b"s" * 65)
    with pytest.raises(ValueError):
        Pkt4(file=b"f" * 129)
    with pytest.raises(ValueError):
        Pkt4(cookie=False, options=MAGIC_COOKIE + b"\xff")
    pkt = Pkt4()
    pkt.chaddr = b"\x01\x02"
    assert pkt.chaddr == b"\x01\x02" + bytes(14) and pkt.hwaddr == b"\x01\x02" + bytes(4)
    with pytest.raises(ValueError):
        pkt.chaddr = bytes(17)
    with pytest.raises(ValueError):
        pkt.cookie = False  # default options b"\xff" is fine, so this works ...
        pkt.options = MAGIC_COOKIE  # ... but a raw vendor area must not look like a cookie


def test_encode_rejects_out_of_range_header_values() -> None:
    with pytest.raises(ValueError):
        encode4(Pkt4(xid=1 << 32))
    with pytest.raises(ValueError):
        encode4(Pkt4(op=256))


# -- malformed packets: FormError with the byte offset -----------------------------------------


def test_truncated_header() -> None:
    with pytest.raises(FormError) as caught:
        decode4(DHCLIENT_DISCOVER[:235])
    assert caught.value.offset == 235
    with pytest.raises(FormError) as caught:
        decode4(b"")
    assert caught.value.offset == 0


def test_option_length_past_the_end() -> None:
    data = bytearray(DHCLIENT_DISCOVER[: 240 + 3 + 8 + 15])
    data[240 + 3 + 8 + 1] = 14  # option 55 claims 14 bytes, 13 are there
    with pytest.raises(FormError) as caught:
        decode4(bytes(data))
    assert caught.value.offset == 240 + 3 + 8
    assert "option 55" in caught.value.reason


def test_option_without_length_byte() -> None:
    with pytest.raises(FormError) as caught:
        decode4(DHCLIENT_DISCOVER[:240] + hexbytes("35 01 01 37"))
    assert caught.value.offset == 243
    assert "no length byte" in caught.value.reason


def test_lenient_mode_keeps_options_before_a_truncated_one() -> None:
    data = DHCLIENT_DISCOVER[:240] + hexbytes("35 01 01 0c 06 6465 62")
    pkt = decode4(data, strict=False)
    assert pkt.message_type == DHCPDISCOVER and pkt.get(12) is None
    assert not pkt.has_end
    assert encode4(pkt) == data


@pytest.mark.parametrize("value", ["34 01 00", "34 01 04", "34 02 0101", "34 00"])
def test_bad_overload_value(value: str) -> None:
    data = DHCLIENT_DISCOVER[:240] + hexbytes("35 01 01", value, "ff")
    with pytest.raises(FormError) as caught:
        decode4(data)
    assert caught.value.offset == 245  # the option 52 payload
    lenient = decode4(data, strict=False)
    assert lenient.overload == 0 and lenient.message_type == DHCPDISCOVER


def test_overload_pointing_to_garbage_file() -> None:
    data = bytearray(OVERLOADED_DISCOVER)
    data[108:236] = b"\x0c\xf0" + b"garbage".ljust(126, b"x")  # length 240 > 128-byte field
    with pytest.raises(FormError) as caught:
        decode4(bytes(data))
    assert caught.value.offset == 108
    assert decode4(bytes(data), overload=False).get(60) is None


def test_overload_option_may_not_run_past_its_field() -> None:
    data = bytearray(OVERLOADED_DISCOVER)
    data[108:236] = bytes(125) + b"\x0c\x05a"  # at 233: wants 5 bytes, field ends at 236
    with pytest.raises(FormError) as caught:
        decode4(bytes(data))
    assert caught.value.offset == 233


def test_overload_sname_garbage() -> None:
    data = bytearray(OVERLOADED_DISCOVER)
    data[44:108] = b"\x0c" * 64  # every option claims 12 bytes, the last one overruns
    with pytest.raises(FormError) as caught:
        decode4(bytes(data))
    assert 44 <= caught.value.offset < 108
