"""Unit tests of the hardware address sources (``mac-sources``, Kea Pkt6::getMAC*)."""

from __future__ import annotations

from ipaddress import IPv6Address

from pukeko.server.dhcp6.context import HwAddr
from pukeko.server.dhcp6.identity import (
    cablelabs_suboption,
    client_hwaddr,
    hwaddr_finder,
)
from pukeko.wire.pkt6 import Pkt6, Relay6

DUID_LL = bytes.fromhex("00030001001122334455")
DUID_EN = bytes.fromhex("0002000009bf0102030405")
EUI64_LL = "fe80::211:22ff:fe33:4456"  # MAC 00:11:22:33:44:56
RELAY_MAC = bytes.fromhex("00010a0b0c0d0e0f")  # option 79: htype 1, then the MAC
CMTS = (4491).to_bytes(4, "big") + (1026).to_bytes(2, "big") + (6).to_bytes(2, "big") + b"\xaa" * 6
MODEM = (4491).to_bytes(4, "big") + (36).to_bytes(2, "big") + (6).to_bytes(2, "big") + b"\xbb" * 6


def hop(*options: tuple[int, bytes], peer: str = "2001:db8::77") -> Relay6:
    inner = Pkt6(1, 0, [])
    return Relay6(
        12, 0, IPv6Address("2001:db8::1").packed, IPv6Address(peer).packed, inner, list(options)
    )


def test_any_order_matches_kea() -> None:
    pkt = Pkt6(1, 0, [])
    assert client_hwaddr(DUID_LL, [hop((79, RELAY_MAC))], "", pkt) == HwAddr(
        1, bytes.fromhex("0a0b0c0d0e0f"), 0x08
    )
    assert client_hwaddr(DUID_LL, [], EUI64_LL, pkt) == HwAddr(
        1, bytes.fromhex("001122334455"), 0x02
    )
    assert client_hwaddr(DUID_EN, [], EUI64_LL, pkt) == HwAddr(
        1, bytes.fromhex("001122334456"), 0x04
    )
    assert client_hwaddr(DUID_EN, [hop((17, CMTS))], "", pkt) == HwAddr(1, b"\xaa" * 6, 0x40)
    modem = Pkt6(1, 0, [(17, MODEM)])
    assert client_hwaddr(DUID_EN, [], "2001:db8::5", modem) == HwAddr(1, b"\xbb" * 6, 0x80)
    assert client_hwaddr(DUID_EN, [], "2001:db8::5", pkt) is None
    # then the relay's Remote-ID (after the enterprise number), never the Subscriber-ID
    remote = [hop((37, b"\x00\x00\x0d\xe9abcdef"), (17, CMTS))]
    assert client_hwaddr(DUID_EN, remote, "", pkt) == HwAddr(1, b"abcdef", 0x10)
    assert client_hwaddr(DUID_EN, [hop((38, b"subscriber"))], "", pkt) is None


def test_configured_sources_are_tried_in_order() -> None:
    assert hwaddr_finder(()) is None and hwaddr_finder(("any",)) is None
    pkt = Pkt6(1, 0, [])
    only_duid = hwaddr_finder(("duid",))
    assert only_duid is not None
    assert only_duid(DUID_EN, [], EUI64_LL, pkt) is None
    link_first = hwaddr_finder(("ipv6-link-local", "duid"))
    assert link_first is not None
    assert link_first(DUID_LL, [], EUI64_LL, pkt) == HwAddr(1, bytes.fromhex("001122334456"), 0x04)
    then_any = hwaddr_finder(("remote-id", "any"))
    assert then_any is not None
    assert then_any(DUID_LL, [], "", pkt) == HwAddr(1, bytes.fromhex("001122334455"), 0x02)


def test_remote_id_and_subscriber_id_sources() -> None:
    pkt = Pkt6(1, 0, [])
    remote = hwaddr_finder(("rfc4649",))
    assert remote is not None
    relayed = [hop((37, (3561).to_bytes(4, "big") + b"\x01\x02\x03"))]
    assert remote(DUID_EN, relayed, "", pkt) == HwAddr(1, b"\x01\x02\x03", 0x10)
    assert remote(DUID_EN, [hop((37, b"\x00\x00\x0d\xe9"))], "", pkt) is None  # no data
    assert remote(DUID_EN, [], "", pkt) is None  # not relayed
    subscriber = hwaddr_finder(("subscriber-id",))
    assert subscriber is not None
    assert subscriber(DUID_EN, [hop((38, b"sub-1"))], "", pkt) == HwAddr(1, b"sub-1", 0x20)
    # the relay closest to the client (the last hop) is the one read
    two = [hop((38, b"outer")), hop((38, b"inner"))]
    assert subscriber(DUID_EN, two, "", pkt) == HwAddr(1, b"inner", 0x20)


def test_docsis_sources_need_the_cablelabs_vendor() -> None:
    pkt = Pkt6(1, 0, [])
    cmts = hwaddr_finder(("docsis-cmts",))
    assert cmts is not None
    other_vendor = (9).to_bytes(4, "big") + CMTS[4:]
    assert cmts(DUID_EN, [hop((17, other_vendor))], "", pkt) is None
    # searched from the client side: the innermost relay with a vendor option decides
    assert cmts(DUID_EN, [hop((17, CMTS)), hop((17, other_vendor))], "", pkt) is None
    assert cmts(DUID_EN, [hop((17, other_vendor)), hop((17, CMTS))], "", pkt) is not None


def test_cablelabs_suboption_is_bounded() -> None:
    assert cablelabs_suboption(CMTS, 1026) == b"\xaa" * 6
    assert cablelabs_suboption(CMTS, 36) is None
    assert cablelabs_suboption(CMTS[:-1], 1026) is None  # truncated sub-option
    assert cablelabs_suboption(b"\x00\x00", 1026) is None
