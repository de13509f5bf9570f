"""The server DUID (ARM "Server Identifier in DHCPv6"): built from ``server-id`` and the host.

Kea's DUIDFactory rules, reproduced on values (the runtime reads and writes the
``kea-dhcp6-serverid`` file and finds a hardware address; nothing here does I/O):

* every field left at its default (``htype``/``time``/``enterprise-id`` 0, empty ``identifier``)
  is taken from the DUID persisted earlier when that one has the configured type;
* otherwise LLT/LL take the link-layer address and hardware type of an interface (``hwaddr``),
  LLT's time is "now" in DUID seconds (since 2000-01-01), EN's enterprise number is ISC's (2495)
  and its identifier 6 bytes of ``entropy``.
"""

from __future__ import annotations

import struct

from pukeko.config.model import ServerId
from pukeko.wire.duid import (
    DUID_EN,
    DUID_LL,
    DUID_LLT,
    duid_time,
    make_duid_en,
    make_duid_ll,
    make_duid_llt,
)
from pukeko.wire.hextext import decode_formatted_hex

ENTERPRISE_ID_ISC = 2495
HTYPE_ETHER = 1
EN_IDENTIFIER_LEN = 6  # Kea's DUID_EN_IDENTIFIER_LEN for a generated identifier

HwAddr = tuple[int, bytes]  # (hardware type, link-layer address)


class ServerIdError(ValueError):
    """No DUID can be made (LLT/LL without a usable hardware address)."""


def make_server_duid(
    config: ServerId | None,
    now: float,
    hwaddr: HwAddr | None,
    persisted: bytes | None = None,
    entropy: bytes = b"",
) -> bytes:
    """The server DUID for ``server-id`` (None means Kea's default: LLT)."""
    kind = config.type if config is not None else "LLT"
    htype = config.htype if config is not None else 0
    identifier = config.identifier if config is not None else b""
    if kind == "EN":
        enterprise = config.enterprise_id if config is not None else 0
        return _make_en(enterprise, identifier, persisted, entropy)
    if kind == "LL":
        return _make_ll(htype, identifier, hwaddr, persisted)
    time = config.time if config is not None else 0
    return _make_llt(htype, time, identifier, now, hwaddr, persisted)


def _make_llt(
    htype: int,
    time: int,
    identifier: bytes,
    now: float,
    hwaddr: HwAddr | None,
    persisted: bytes | None,
) -> bytes:
    cur_htype, cur_time, cur_ident = 0, 0, b""
    if persisted is not None and _type_of(persisted) == DUID_LLT and len(persisted) > 8:
        cur_htype, cur_time = struct.unpack_from("!HI", persisted, 2)
        cur_ident = persisted[8:]
    if time == 0:
        time = cur_time if cur_time != 0 else duid_time(now)
    htype, identifier = _link_layer(htype, identifier, cur_htype, cur_ident, hwaddr)
    return make_duid_llt(htype, time, identifier)


def _make_ll(
    htype: int, identifier: bytes, hwaddr: HwAddr | None, persisted: bytes | None
) -> bytes:
    cur_htype, cur_ident = 0, b""
    if persisted is not None and _type_of(persisted) == DUID_LL and len(persisted) > 4:
        cur_htype = struct.unpack_from("!H", persisted, 2)[0]
        cur_ident = persisted[4:]
    htype, identifier = _link_layer(htype, identifier, cur_htype, cur_ident, hwaddr)
    return make_duid_ll(htype, identifier)


def _link_layer(
    htype: int, identifier: bytes, cur_htype: int, cur_ident: bytes, hwaddr: HwAddr | None
) -> HwAddr:
    """Hardware type and address for LLT/LL, as DUIDFactory picks them."""
    if not identifier:
        if cur_ident:
            return cur_htype, cur_ident
        if hwaddr is None or not hwaddr[1]:
            raise ServerIdError("unable to find suitable interface for generating a DUID")
        return hwaddr
    if htype == 0:
        htype = cur_htype if cur_htype != 0 else HTYPE_ETHER
    return htype, identifier


def _make_en(enterprise: int, identifier: bytes, persisted: bytes | None, entropy: bytes) -> bytes:
    cur_enterprise, cur_ident = 0, b""
    if persisted is not None and _type_of(persisted) == DUID_EN and len(persisted) > 6:
        cur_enterprise = struct.unpack_from("!I", persisted, 2)[0]
        cur_ident = persisted[6:]
    if enterprise == 0:
        enterprise = cur_enterprise if cur_enterprise != 0 else ENTERPRISE_ID_ISC
    if not identifier:
        identifier = cur_ident or (entropy + bytes(EN_IDENTIFIER_LEN))[:EN_IDENTIFIER_LEN]
    return make_duid_en(enterprise, identifier)


def _type_of(duid: bytes) -> int:
    return (duid[0] << 8) | duid[1] if len(duid) >= 2 else -1


def parse_persisted_duid(text: str) -> bytes | None:
    """The DUID stored in a ``kea-dhcp6-serverid`` file, or None if the text is unusable.

    Kea reads the file word by word and concatenates the words, then parses the DUID text.
    """
    joined = "".join(text.split())
    if not joined:
        return None
    try:
        duid = decode_formatted_hex(joined)
    except ValueError:
        return None
    return duid if len(duid) >= 3 else None


def format_duid(duid: bytes) -> str:
    """The text written to the server DUID file: lowercase colon-separated hex octets."""
    return duid.hex(":")
