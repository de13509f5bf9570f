"""Building blocks for differential scripts: messages, follow-ups, four-way exchanges, options.

Every function takes the :class:`Session` so transaction ids follow the same sequence on every
server. Option payload builders return (code, bytes) pairs ready for ``extra=`` or relay hops.
"""

from __future__ import annotations

import struct
from ipaddress import IPv6Address
from typing import Any

from tests.support.dhcp6_client import REQUEST, SOLICIT, IaSpec, message, read_reply, request_from
from tests.system.diff6_script import SERVER_DUID_HEX, Session, Step

from pukeko.wire.pkt6 import Pkt6

SERVER_ID = bytes.fromhex(SERVER_DUID_HEX)
Hops = list[tuple[str, str, list[tuple[int, bytes]]]]
Option = tuple[int, bytes]

OPT_ORO, OPT_USER_CLASS, OPT_VENDOR_CLASS, OPT_VENDOR_OPTS = 6, 15, 16, 17
OPT_INTERFACE_ID, OPT_REMOTE_ID = 18, 37


def msg(s: Session, kind: int, duid: bytes | None, ias: list[IaSpec], **kw: Any) -> Pkt6:
    """A client message with the session's next transaction id."""
    return message(kind, duid, ias, xid=s.xid(), **kw)


def follow(s: Session, answer: bytes | None, duid: bytes, kind: int, **kw: Any) -> Pkt6:
    """A Request/Renew/Rebind echoing what ``answer`` granted (an empty IA_NA when no answer)."""
    if answer is None:
        return msg(s, kind, duid, [IaSpec(1)], **kw)
    return request_from(read_reply(answer), duid, msg_type=kind, xid=s.xid(), **kw)


def sarr(
    s: Session, duid: bytes, ias: list[IaSpec], hops: Hops | None = None, **kw: Any
) -> list[Step]:
    """Solicit then Request (direct, or through ``hops``), the Request echoing the Advertise."""
    adv = send(s, "solicit", msg(s, SOLICIT, duid, ias, **kw), hops)
    req = follow(s, adv[2], duid, REQUEST, **kw)
    return [adv, send(s, "request", req, hops)]


def send(s: Session, label: str, pkt: Pkt6, hops: Hops | None, expect: bool = True) -> Step:
    """Send direct to ff02::1:2 when ``hops`` is None, else through the relay hops."""
    if hops is None:
        return s.send(label, pkt, expect_answer=expect)
    return s.via_relay(label, pkt, hops, expect_answer=expect)


def na(iaid: int = 1) -> list[IaSpec]:
    """One empty IA_NA."""
    return [IaSpec(iaid)]


def na_pd() -> list[IaSpec]:
    """An empty IA_NA (IAID 1) and IA_PD (IAID 2)."""
    return [IaSpec(1), IaSpec(2, pd=True)]


def user_class(*items: bytes) -> Option:
    """User Class option (15): each item as a 2-byte length and its bytes (RFC 8415 §21.15)."""
    return OPT_USER_CLASS, b"".join(struct.pack("!H", len(i)) + i for i in items)


def vendor_class(enterprise: int, *items: bytes) -> Option:
    """Vendor Class option (16): enterprise number, then length-prefixed items (§21.16)."""
    body = b"".join(struct.pack("!H", len(i)) + i for i in items)
    return OPT_VENDOR_CLASS, struct.pack("!I", enterprise) + body


def vendor_opts(enterprise: int, *subs: Option) -> Option:
    """Vendor-specific Information option (17) with its sub-options (§21.17)."""
    body = b"".join(struct.pack("!HH", c, len(v)) + v for c, v in subs)
    return OPT_VENDOR_OPTS, struct.pack("!I", enterprise) + body


def interface_id(text: str) -> Option:
    """Interface-Id option (18) for a relay hop."""
    return OPT_INTERFACE_ID, text.encode()


def remote_id(enterprise: int, data: bytes) -> Option:
    """Relay Agent Remote-ID option (37, RFC 4649)."""
    return OPT_REMOTE_ID, struct.pack("!I", enterprise) + data


def raw(code: int, data: bytes | str) -> Option:
    """Any option with the given payload (text is encoded as ASCII)."""
    return code, data.encode() if isinstance(data, str) else data


def ipv6(text: str) -> bytes:
    """The 16 bytes of an IPv6 address."""
    return IPv6Address(text).packed
