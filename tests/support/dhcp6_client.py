"""A small DHCPv6 client-side packet builder and reply reader for tests.

Builds Solicit / Request / Renew / Rebind / Release / Decline / Confirm / Information-request
messages (optionally wrapped in Relay-forward hops) as wire bytes, and reads replies back into
plain values so tests can assert exact contents.
"""

from __future__ import annotations

import struct
from collections.abc import Sequence
from dataclasses import dataclass, field
from ipaddress import IPv6Address

from pukeko.wire.ia6 import (
    Ia6,
    decode_ia,
    decode_status,
    encode_ia,
    encode_iaaddr,
    encode_iaprefix,
    encode_oro,
)
from pukeko.wire.pkt6 import (
    Pkt6,
    Relay6,
    decode6,
    encode6,
    innermost,
    relay_hops,
)

CLIENTID, SERVERID, IA_NA, IA_TA, IAADDR, ORO = 1, 2, 3, 4, 5, 6
ELAPSED, STATUS, RAPID, IA_PD, IAPREFIX, INTERFACE_ID = 8, 13, 14, 25, 26, 18

SOLICIT, ADVERTISE, REQUEST, CONFIRM, RENEW, REBIND, REPLY = 1, 2, 3, 4, 5, 6, 7
RELEASE, DECLINE, INFORMATION_REQUEST, RELAY_FORW, RELAY_REPL = 8, 9, 11, 12, 13


def duid_ll(mac: str = "00:11:22:33:44:55") -> bytes:
    """A DUID-LL for an Ethernet MAC address."""
    return b"\x00\x03\x00\x01" + bytes.fromhex(mac.replace(":", ""))


def duid_of(index: int) -> bytes:
    """A distinct DUID-LL per integer (handy for many clients)."""
    return b"\x00\x03\x00\x01" + index.to_bytes(6, "big")


def addr(text: str) -> bytes:
    """16 bytes of an IPv6 address."""
    return IPv6Address(text).packed


@dataclass
class IaSpec:
    """An IA to put in a message: IA_NA (addresses) or IA_PD (prefixes) with hints."""

    iaid: int
    pd: bool = False
    addresses: list[tuple[str, int, int]] = field(default_factory=list)  # addr, pref, valid
    prefixes: list[tuple[str, int, int, int]] = field(default_factory=list)  # p, len, pref, valid
    t1: int = 0
    t2: int = 0

    def option(self) -> tuple[int, bytes]:
        """The (code, payload) of this IA."""
        subs: list[tuple[int, bytes]] = []
        for a, pref, valid in self.addresses:
            subs.append((IAADDR, encode_iaaddr(addr(a), pref, valid)))
        for p, plen, pref, valid in self.prefixes:
            subs.append((IAPREFIX, encode_iaprefix(pref, valid, plen, addr(p))))
        code = IA_PD if self.pd else IA_NA
        return code, encode_ia(code, self.iaid, self.t1, self.t2, subs)


def message(
    msg_type: int,
    duid: bytes | None,
    ias: Sequence[IaSpec] = (),
    *,
    xid: int = 0x123456,
    server_id: bytes | None = None,
    oro: Sequence[int] = (),
    rapid_commit: bool = False,
    extra: Sequence[tuple[int, bytes]] = (),
) -> Pkt6:
    """A client message object with the usual options (client-id, elapsed time, IAs...)."""
    options: list[tuple[int, bytes]] = []
    if duid is not None:
        options.append((CLIENTID, duid))
    if server_id is not None:
        options.append((SERVERID, server_id))
    options.append((ELAPSED, b"\x00\x00"))
    if oro:
        options.append((ORO, encode_oro(list(oro))))
    if rapid_commit:
        options.append((RAPID, b""))
    options.extend(ia.option() for ia in ias)
    options.extend(extra)
    return Pkt6(msg_type, xid, options)


def relayed(
    pkt: Pkt6 | Relay6,
    hops: Sequence[tuple[str, str, Sequence[tuple[int, bytes]]]],
) -> Pkt6 | Relay6:
    """Wrap ``pkt`` in Relay-forward hops given closest-to-client first: (link, peer, options)."""
    wrapped: Pkt6 | Relay6 = pkt
    for count, (link, peer, options) in enumerate(hops):
        wrapped = Relay6(RELAY_FORW, count, addr(link), addr(peer), wrapped, list(options))
    return wrapped


def wire(pkt: Pkt6 | Relay6) -> bytes:
    """Encode a message."""
    return encode6(pkt)


@dataclass
class Reply:
    """A decoded server message: type, xid, options and helpers."""

    msg: Pkt6
    hops: list[Relay6]

    @property
    def msg_type(self) -> int:
        return self.msg.msg_type

    @property
    def xid(self) -> int:
        return self.msg.transaction_id

    def codes(self) -> list[int]:
        """Option codes in wire order."""
        return [c for c, _ in self.msg.options]

    def get(self, code: int) -> bytes | None:
        return self.msg.get(code)

    def ias(self, code: int = IA_NA) -> list[Ia6]:
        return [decode_ia(c, v) for c, v in self.msg.options if c == code]

    def status(self) -> tuple[int, str] | None:
        payload = self.msg.get(STATUS)
        if payload is None:
            return None
        st = decode_status(payload)
        return st.code, st.message


def read_reply(data: bytes) -> Reply:
    """Decode a reply (with its Relay-reply hops, outermost first)."""
    decoded = decode6(data)
    return Reply(innermost(decoded), relay_hops(decoded))


def ia_status(ia: Ia6) -> tuple[int, str] | None:
    """An IA's status code and text, if any."""
    st = ia.status()
    return None if st is None else (st.code, st.message)


def addresses_of(ia: Ia6) -> list[tuple[str, int, int]]:
    """(address, preferred, valid) of each IAADDR."""
    return [(IPv6Address(a.address).compressed, a.preferred, a.valid) for a in ia.addresses()]


def prefixes_of(ia: Ia6) -> list[tuple[str, int, int, int]]:
    """(prefix, length, preferred, valid) of each IAPREFIX."""
    return [
        (IPv6Address(p.prefix).compressed, p.prefix_len, p.preferred, p.valid)
        for p in ia.prefixes()
    ]


def request_from(
    advertise: Reply, duid: bytes, msg_type: int = REQUEST, xid: int = 0x654321, **kw: object
) -> Pkt6:
    """A Request (or Renew/Rebind/Release/Decline) echoing the IAs an Advertise/Reply gave."""
    specs: list[IaSpec] = []
    for ia in advertise.ias(IA_NA):
        specs.append(IaSpec(ia.iaid, addresses=[(a, p, v) for a, p, v in addresses_of(ia)]))
    for ia in advertise.ias(IA_PD):
        specs.append(
            IaSpec(ia.iaid, pd=True, prefixes=[(p, n, a, b) for p, n, a, b in prefixes_of(ia)])
        )
    server_id = advertise.get(SERVERID) if msg_type not in (REBIND, CONFIRM) else None
    return message(msg_type, duid, specs, xid=xid, server_id=server_id, **kw)  # type: ignore[arg-type]


U16 = struct.Struct("!H")
