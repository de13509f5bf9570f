"""What the server learns about the client from the packet: hardware address and built-in classes.

Hardware address (Kea Pkt::getMAC with the default ``mac-sources`` "any"): the Client
Link-Layer Address option (79, RFC 6939) of the relay closest to the client, then a DUID-LLT or
DUID-LL, then the EUI-64 link-local source address (the first relay's peer address when
relayed). Remote-id and DOCSIS sources are not used yet.

Built-in classes (Kea classifyPacket): every packet is in ``ALL``; a Vendor Class option (16)
adds ``VENDOR_CLASS_`` plus ``docsis3.0`` / ``erouter`` when a tuple is exactly that, else its
first tuple. ``KNOWN`` / ``UNKNOWN`` depend on host reservations: with none, ``UNKNOWN``.
"""

from __future__ import annotations

import struct
from collections.abc import Sequence
from ipaddress import IPv6Address

from pukeko.server.dhcp6.context import (
    HWADDR_SOURCE_CLIENT_ADDR_RELAY_OPTION,
    HWADDR_SOURCE_DUID,
    HWADDR_SOURCE_IPV6_LINK_LOCAL,
    HwAddr,
)
from pukeko.wire.pkt6 import OPTION_CLIENT_LINKLAYER_ADDR, OPTION_VENDOR_CLASS, Pkt6, Relay6

VENDOR_CLASS_PREFIX = "VENDOR_CLASS_"
DOCSIS3_CLASS_MODEM = "docsis3.0"
DOCSIS3_CLASS_EROUTER = "erouter"
HTYPE_ETHER = 1
_U16 = struct.Struct("!H")
DUID_LLT = b"\x00\x01"  # RFC 8415 §11.2: type, hardware type, time, link-layer address
DUID_LL = b"\x00\x03"  # RFC 8415 §11.4: type, hardware type, link-layer address
_new_tuple = tuple.__new__


def client_hwaddr(duid: bytes, hops: Sequence[Relay6], source: str) -> HwAddr | None:
    """The client's hardware address from the first source that has one."""
    if hops:
        option = hops[-1].get(OPTION_CLIENT_LINKLAYER_ADDR)
        if option is not None and len(option) >= 3:
            return HwAddr(
                _U16.unpack_from(option)[0], option[2:], HWADDR_SOURCE_CLIENT_ADDR_RELAY_OPTION
            )
    found = _from_duid(duid)
    if found is not None:
        return found
    peer = hops[-1].peer_address if hops else _packed(source)
    return _from_link_local(peer) if peer is not None else None


def _from_duid(duid: bytes) -> HwAddr | None:
    # HwAddr(...) built with tuple.__new__: a NamedTuple's own __new__ costs twice as much.
    if len(duid) >= 9 and duid.startswith(DUID_LLT):
        return _new_tuple(HwAddr, (_U16.unpack_from(duid, 2)[0], duid[8:], HWADDR_SOURCE_DUID))
    if len(duid) >= 5 and duid.startswith(DUID_LL):
        return _new_tuple(HwAddr, (_U16.unpack_from(duid, 2)[0], duid[4:], HWADDR_SOURCE_DUID))
    return None


def _from_link_local(address: bytes) -> HwAddr | None:
    """The MAC-48 inside an EUI-64 link-local address (RFC 4291 §2.5.1), if it is one."""
    if (
        address[0] == 0xFE
        and address[1] == 0x80
        and (address[8] & 3) == 2
        and address[11] == 0xFF
        and address[12] == 0xFE
    ):
        mac = bytes((address[8] ^ 2,)) + address[9:11] + address[13:16]
        return HwAddr(HTYPE_ETHER, mac, HWADDR_SOURCE_IPV6_LINK_LOCAL)
    return None


def _packed(text: str) -> bytes | None:
    try:
        return IPv6Address(text.split("%", 1)[0]).packed
    except ValueError:
        return None


def builtin_classes(pkt: Pkt6) -> list[str]:
    """``ALL`` and the vendor class of the packet, in Kea's order."""
    classes = ["ALL"]
    vendor_class = pkt.get(OPTION_VENDOR_CLASS)
    if vendor_class is not None:
        tuples = _vendor_tuples(vendor_class)
        if DOCSIS3_CLASS_MODEM.encode() in tuples:
            classes.append(VENDOR_CLASS_PREFIX + DOCSIS3_CLASS_MODEM)
        elif DOCSIS3_CLASS_EROUTER.encode() in tuples:
            classes.append(VENDOR_CLASS_PREFIX + DOCSIS3_CLASS_EROUTER)
        elif tuples:
            classes.append(VENDOR_CLASS_PREFIX + tuples[0].decode("utf-8", "replace"))
    return classes


ClassSets = tuple[frozenset[str], frozenset[str]]
_PLAIN_CLIENT: ClassSets = (frozenset({"ALL"}), frozenset({"ALL", "UNKNOWN"}))


def client_classes(pkt: Pkt6, vendor_class: bytes | None) -> ClassSets:
    """(built-in classes, the same plus ``UNKNOWN``) of a packet whose first option 16 is given.

    Every client is ``UNKNOWN`` (no host reservations yet). Without a Vendor Class option the
    answer is always the same pair of sets, made once.
    """
    if vendor_class is None:
        return _PLAIN_CLIENT
    builtin = builtin_classes(pkt)
    return frozenset(builtin), frozenset((*builtin, "UNKNOWN"))


def _vendor_tuples(payload: bytes) -> list[bytes]:
    """The opaque data tuples of a Vendor Class option (RFC 8415 §21.16)."""
    tuples = []
    pos = 4
    while pos + 2 <= len(payload):
        length = _U16.unpack_from(payload, pos)[0]
        pos += 2
        if pos + length > len(payload):
            break
        tuples.append(payload[pos : pos + length])
        pos += length
    return tuples
