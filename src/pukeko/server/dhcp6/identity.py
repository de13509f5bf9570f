"""What the server learns about the client from the packet: hardware address and built-in classes.

Hardware address (Kea Dhcpv6Srv::getMAC / Pkt::getMAC, ARM "MAC/Hardware Addresses in
DHCPv6"): the configured ``mac-sources`` are tried in order and the first that yields an address
wins. The default "any" is Kea's fixed order: the Client Link-Layer Address option (79, RFC 6939)
of the relay closest to the client, then a DUID-LLT or DUID-LL, then the EUI-64 link-local source
address (the first relay's peer address when relayed), then the Remote-ID option (37, RFC
4649) of the relay closest to the client (its bytes after the enterprise number, at most 20),
then the DOCSIS CMTS cable-modem MAC (relay vendor option 4491, sub-option 1026), then the
DOCSIS modem's device-id (client vendor option 4491, sub-option 36). ``subscriber-id`` (option
38 of the relay closest to the client, its whole content) is used only when named: Kea 2.2 has
no code for it and never gets an address from it (see docs/compatibility.md). Kea gives the
Remote-ID address the receiving interface's hardware type; Pukeko gives it Ethernet (1).

Built-in classes (Kea classifyPacket): every packet is in ``ALL``; a Vendor Class option (16)
adds ``VENDOR_CLASS_`` plus ``docsis3.0`` / ``erouter`` when a tuple is exactly that, else its
first tuple. ``KNOWN`` / ``UNKNOWN`` come from the host lookup (``hosts6``, the engine).
"""

from __future__ import annotations

import struct
from collections.abc import Callable, Mapping, Sequence
from ipaddress import IPv6Address

from pukeko.server.dhcp6.context import (
    HWADDR_SOURCE_CLIENT_ADDR_RELAY_OPTION,
    HWADDR_SOURCE_DOCSIS_CMTS,
    HWADDR_SOURCE_DOCSIS_MODEM,
    HWADDR_SOURCE_DUID,
    HWADDR_SOURCE_IPV6_LINK_LOCAL,
    HWADDR_SOURCE_REMOTE_ID,
    HWADDR_SOURCE_SUBSCRIBER_ID,
    HwAddr,
)
from pukeko.wire.pkt6 import (
    OPTION_CLIENT_LINKLAYER_ADDR,
    OPTION_REMOTE_ID,
    OPTION_SUBSCRIBER_ID,
    OPTION_VENDOR_CLASS,
    OPTION_VENDOR_OPTS,
    Pkt6,
    Relay6,
)

VENDOR_CLASS_PREFIX = "VENDOR_CLASS_"
DOCSIS3_CLASS_MODEM = "docsis3.0"
DOCSIS3_CLASS_EROUTER = "erouter"
HTYPE_ETHER = 1
_U16 = struct.Struct("!H")
DUID_LLT = b"\x00\x01"  # RFC 8415 §11.2: type, hardware type, time, link-layer address
DUID_LL = b"\x00\x03"  # RFC 8415 §11.4: type, hardware type, link-layer address
VENDOR_ID_CABLE_LABS = 4491
DOCSIS3_V6_DEVICE_ID = 36  # in the client's vendor option: the modem's MAC
DOCSIS3_V6_CMTS_CM_MAC = 1026  # in a relay's vendor option: the cable modem's MAC
HTYPE_DOCSIS = 1  # Kea HTYPE_DOCSIS
MAX_HWADDR_LEN = 20  # Kea HWAddr::MAX_HWADDR_LEN
_new_tuple = tuple.__new__


def client_hwaddr(
    duid: bytes, hops: Sequence[Relay6], source: str, pkt: Pkt6 | None = None
) -> HwAddr | None:
    """The client's hardware address from the first source of Kea's "any" order."""
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
    found = _from_link_local(peer) if peer is not None else None
    if found is not None or pkt is None:
        return found
    # Kea's "any" goes on with remote-id, (subscriber-id: no code in Kea 2.2), DOCSIS.
    return (
        _from_remote_id(duid, hops, source, pkt)
        or _from_docsis_cmts(duid, hops, source, pkt)
        or _from_docsis_modem(duid, hops, source, pkt)
    )


Finder = Callable[[bytes, Sequence[Relay6], str, Pkt6], "HwAddr | None"]


def hwaddr_finder(sources: Sequence[str]) -> Finder | None:
    """A function trying ``mac-sources`` in order, or None for "any" (:func:`client_hwaddr`).

    Unknown names are ignored (the configuration checks refuse them).
    """
    if not sources or tuple(sources) == ("any",):
        return None
    finders = tuple(_FINDERS.get(name, client_hwaddr) for name in sources if name != "raw")

    def find(duid: bytes, hops: Sequence[Relay6], source: str, pkt: Pkt6) -> HwAddr | None:
        for finder in finders:
            found = finder(duid, hops, source, pkt)
            if found is not None:
                return found
        return None

    return find


def _from_relay_option(
    duid: bytes, hops: Sequence[Relay6], source: str, pkt: Pkt6
) -> HwAddr | None:
    """RFC 6939 Client Link-Layer Address option of the relay closest to the client."""
    if not hops:
        return None
    option = hops[-1].get(OPTION_CLIENT_LINKLAYER_ADDR)
    if option is None or len(option) < 3:
        return None
    return HwAddr(_U16.unpack_from(option)[0], option[2:], HWADDR_SOURCE_CLIENT_ADDR_RELAY_OPTION)


def _from_duid_source(duid: bytes, hops: Sequence[Relay6], source: str, pkt: Pkt6) -> HwAddr | None:
    return _from_duid(duid)


def _from_link_local_source(
    duid: bytes, hops: Sequence[Relay6], source: str, pkt: Pkt6
) -> HwAddr | None:
    peer = hops[-1].peer_address if hops else _packed(source)
    return _from_link_local(peer) if peer is not None else None


def _from_remote_id(duid: bytes, hops: Sequence[Relay6], source: str, pkt: Pkt6) -> HwAddr | None:
    """RFC 4649 Remote-ID of the relay closest to the client: the bytes after the enterprise
    number (at most 20), hardware type Ethernet."""
    if not hops:
        return None
    option = hops[-1].get(OPTION_REMOTE_ID)
    if option is None or len(option) < 5:
        return None
    return HwAddr(HTYPE_ETHER, option[4 : 4 + MAX_HWADDR_LEN], HWADDR_SOURCE_REMOTE_ID)


def _from_subscriber_id(
    duid: bytes, hops: Sequence[Relay6], source: str, pkt: Pkt6
) -> HwAddr | None:
    """RFC 4580 Subscriber-ID of the relay closest to the client (at most 20 bytes)."""
    if not hops:
        return None
    option = hops[-1].get(OPTION_SUBSCRIBER_ID)
    if not option:
        return None
    return HwAddr(HTYPE_ETHER, option[:MAX_HWADDR_LEN], HWADDR_SOURCE_SUBSCRIBER_ID)


def _from_docsis_cmts(duid: bytes, hops: Sequence[Relay6], source: str, pkt: Pkt6) -> HwAddr | None:
    """The cable modem MAC a CMTS adds: the first relay vendor option, from the client side."""
    for hop in reversed(hops):
        vendor = hop.get(OPTION_VENDOR_OPTS)
        if vendor is not None:
            found = cablelabs_suboption(vendor, DOCSIS3_V6_CMTS_CM_MAC)
            if found:
                return HwAddr(HTYPE_DOCSIS, found, HWADDR_SOURCE_DOCSIS_CMTS)
            return None
    return None


def _from_docsis_modem(
    duid: bytes, hops: Sequence[Relay6], source: str, pkt: Pkt6
) -> HwAddr | None:
    """The device-id a DOCSIS modem sends in its own vendor option."""
    vendor = pkt.get(OPTION_VENDOR_OPTS)
    found = cablelabs_suboption(vendor, DOCSIS3_V6_DEVICE_ID) if vendor is not None else None
    return HwAddr(HTYPE_DOCSIS, found, HWADDR_SOURCE_DOCSIS_MODEM) if found else None


def cablelabs_suboption(payload: bytes, code: int) -> bytes | None:
    """A sub-option of a CableLabs (4491) Vendor-specific option (RFC 8415 §21.17), or None."""
    if len(payload) < 4 or int.from_bytes(payload[:4], "big") != VENDOR_ID_CABLE_LABS:
        return None
    pos = 4
    while pos + 4 <= len(payload):
        sub, length = _U16.unpack_from(payload, pos)[0], _U16.unpack_from(payload, pos + 2)[0]
        pos += 4
        if pos + length > len(payload):
            return None
        if sub == code:
            return payload[pos : pos + length]
        pos += length
    return None


# Kea CfgMACSource names (with their RFC aliases); "raw" has no DHCPv6 source in Kea.
_FINDERS: Mapping[str, Finder] = {
    "client-link-addr-option": _from_relay_option,
    "rfc6939": _from_relay_option,
    "duid": _from_duid_source,
    "ipv6-link-local": _from_link_local_source,
    "remote-id": _from_remote_id,
    "rfc4649": _from_remote_id,
    "subscriber-id": _from_subscriber_id,
    "rfc4580": _from_subscriber_id,
    "docsis-cmts": _from_docsis_cmts,
    "docsis-modem": _from_docsis_modem,
}


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

    The engine replaces ``UNKNOWN`` when the client has a host. Without a Vendor Class option the
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
