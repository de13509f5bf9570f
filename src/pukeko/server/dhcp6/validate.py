"""Discard rules for received messages (RFC 8415 §16, as Kea 2.2 applies them).

Kea checks, in this order (Dhcpv6Srv::processPacket): a Server Identifier that is not ours
drops any message (testServerID); Solicit, Confirm, Rebind and Information-request sent
straight to a unicast address are dropped (testUnicast); then each type has Client-ID /
Server-ID requirements (sanityCheck) and any other type is dropped as unknown.

The table below states the per-type requirements (RFC 8415 §16.2-§16.12):

=====================  ==============  ==============
message                Client ID       Server ID
=====================  ==============  ==============
Solicit                exactly one     forbidden       (§16.2)
Request, Renew         exactly one     exactly one     (§16.4, §16.6)
Rebind, Confirm        exactly one     forbidden       (§16.5, §16.7)
Release, Decline       exactly one     exactly one     (§16.9, §16.10)
Information-request    at most one     at most one     (§16.12)
=====================  ==============  ==============
"""

from __future__ import annotations

from enum import Enum

from pukeko.wire.pkt6 import OPTION_CLIENTID, OPTION_SERVERID, MsgType6, Pkt6, kea_msg_name

KEA_MAX_DUID_LEN = 128  # Kea's DUID::MAX_DUID_LEN
MIN_DUID_LEN = 3  # two bytes of type and at least one of value (Kea sanityCheckDUID)


class Need(Enum):
    """How many instances of an identifier option a message type needs."""

    MANDATORY = "mandatory"
    OPTIONAL = "optional"
    FORBIDDEN = "forbidden"


# (client-id, server-id) requirement per message type (Kea Dhcpv6Srv::sanityCheck).
REQUIREMENTS: dict[int, tuple[Need, Need]] = {
    MsgType6.SOLICIT: (Need.MANDATORY, Need.FORBIDDEN),
    MsgType6.REBIND: (Need.MANDATORY, Need.FORBIDDEN),
    MsgType6.CONFIRM: (Need.MANDATORY, Need.FORBIDDEN),
    MsgType6.REQUEST: (Need.MANDATORY, Need.MANDATORY),
    MsgType6.RENEW: (Need.MANDATORY, Need.MANDATORY),
    MsgType6.RELEASE: (Need.MANDATORY, Need.MANDATORY),
    MsgType6.DECLINE: (Need.MANDATORY, Need.MANDATORY),
    MsgType6.INFORMATION_REQUEST: (Need.OPTIONAL, Need.OPTIONAL),
}

# Message types that must arrive by multicast when not relayed (Kea Dhcpv6Srv::testUnicast).
MULTICAST_ONLY = frozenset(
    {MsgType6.SOLICIT, MsgType6.CONFIRM, MsgType6.REBIND, MsgType6.INFORMATION_REQUEST}
)

# Types a client may unicast when the server allows it (RFC 8415 §18.4 UseMulticast).
UNICAST_ALLOWED_TYPES = frozenset(
    {MsgType6.REQUEST, MsgType6.RENEW, MsgType6.RELEASE, MsgType6.DECLINE}
)


# Enum members bound once: attribute access on an Enum class is slow on Python 3.11.
_MANDATORY = Need.MANDATORY
_OPTIONAL = Need.OPTIONAL


def server_id_mismatch(pkt: Pkt6, server_duid: bytes) -> bytes | None:
    """The received Server ID when it is present and is not ours, else None (testServerID)."""
    received = pkt.get(OPTION_SERVERID)
    if received is not None and received != server_duid:
        return received
    return None


_MULTICAST_PREFIXES = ("ff", "FF", "fF", "Ff")


def is_multicast(address: str) -> bool:
    """True for an IPv6 multicast address in text form (ff00::/8)."""
    return address.startswith(_MULTICAST_PREFIXES)


def unicast_forbidden(pkt: Pkt6, relayed: bool, destination: str) -> bool:
    """True when a multicast-only message reached us directly at a unicast address."""
    return pkt.msg_type in MULTICAST_ONLY and not relayed and not is_multicast(destination)


def sanity_problem(pkt: Pkt6) -> str | None:
    """Why the message fails its Client-ID / Server-ID requirements (Kea's text), or None.

    Unknown or server-only message types are not checked here: see :data:`REQUIREMENTS`.
    """
    need = REQUIREMENTS.get(pkt.msg_type)
    if need is None:
        return None
    client_ids: list[bytes] = []
    server_ids: list[bytes] = []
    for code, value in pkt.options:  # one pass for both identifiers
        if code == OPTION_CLIENTID:
            client_ids.append(value)
        elif code == OPTION_SERVERID:
            server_ids.append(value)
    problem = _check(client_ids, need[0], "client-id", pkt.msg_type)
    if problem is None:
        problem = _check(server_ids, need[1], "server-id", pkt.msg_type)
    return problem


def _check(found: list[bytes], need: Need, what: str, msg_type: int) -> str | None:
    count = len(found)
    if need is _MANDATORY:
        if count != 1:
            if what == "client-id":
                name = kea_msg_name(msg_type)
                return f"Exactly 1 client-id option expected in {name}, but {count} received"
            return (
                f"Invalid number of server-id options received ({count}),"
                f" exactly 1 expected in message {kea_msg_name(msg_type)}"
            )
        return _duid_problem(found[0], what)
    if need is _OPTIONAL:
        if count > 1:
            return f"Too many ({count}) {what} options received in {kea_msg_name(msg_type)}"
        return _duid_problem(found[0], what) if found else None
    if count:
        name = kea_msg_name(msg_type)
        return f"Server-id option was not expected, but {count} received in {name}"
    return None


def _duid_problem(duid: bytes, what: str) -> str | None:
    if MIN_DUID_LEN <= len(duid) <= KEA_MAX_DUID_LEN:
        return None
    return (
        f"Received invalid DUID for {what}, received {len(duid)} byte(s)."
        f" It must be at least {MIN_DUID_LEN} and no more than {KEA_MAX_DUID_LEN}"
    )
