"""The reply to each client message type (Kea processSolicit ... processInfRequest).

Every handler gets the :class:`Exchange` and returns the reply's message type and its options
as (code, framed TLV) pairs, or None for no reply. The engine adds nothing but relay wrapping.
Which configured options each reply carries (RFC 8415 §18.3, Kea 2.2):

=====================  ==========================================================
Advertise / Reply      client-id, server-id, IAs, ORO + always-send options, vendor
(Solicit, Request,     options; rapid-commit (14) in the Reply to a rapid Solicit
Renew, Rebind)
Confirm                client-id, server-id, options, one top-level status
Release                client-id, server-id, IAs with status, top-level summary status
Decline                client-id, server-id, IA_NAs with status
Information-request    client-id (if sent), server-id, options (stateless, §18.3.6)
=====================  ==========================================================
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from ipaddress import IPv6Address

from pukeko.server.dhcp6 import ddns6
from pukeko.server.dhcp6.allocate import Allocator6
from pukeko.server.dhcp6.context import Exchange
from pukeko.server.dhcp6.ddns6 import DdnsService
from pukeko.server.dhcp6.ia import assign_ia, extend_ia
from pukeko.server.dhcp6.options import (
    OptionSet,
    append_vendor,
)
from pukeko.server.dhcp6.release import SUMMARY_TEXT, decline_ia, release_ia
from pukeko.wire.ia6 import Ia6, Status6, decode_ia, status_tlv
from pukeko.wire.pkt6 import (
    OPTION_CLIENTID,
    OPTION_IA_NA,
    OPTION_IA_PD,
    OPTION_ORO,
    OPTION_RAPID_COMMIT,
    OPTION_SERVERID,
    OPTION_VENDOR_CLASS,
    OPTION_VENDOR_OPTS,
    MsgType6,
    tlv,
)

OPTION_PD_EXCLUDE = 67
Tlvs = list[tuple[int, bytes]]


@dataclass(frozen=True, slots=True)
class Services:
    """What handlers use besides the exchange: allocation, server-id and option lookup."""

    allocator: Allocator6
    server_id_tlv: bytes
    options_for: Callable[[Exchange], OptionSet]
    decline_probation: int
    # dhcp-ddns with enable-updates on (``ddns6.ddns_service(config)``); None: DDNS is off.
    ddns: DdnsService | None = None


# Enum members bound once: attribute access on an Enum class is slow on Python 3.11.
_ADVERTISE = MsgType6.ADVERTISE
_REPLY = MsgType6.REPLY


def _base(ex: Exchange, svc: Services) -> Tlvs:
    """Client-id echo (Kea copyClientOptions) and server-id (appendDefaultOptions)."""
    out: Tlvs = []
    client_id = ex.first.get(OPTION_CLIENTID)
    if client_id is not None:
        out.append((OPTION_CLIENTID, tlv(OPTION_CLIENTID, client_id)))
    out.append((OPTION_SERVERID, svc.server_id_tlv))
    return out


def _ias(ex: Exchange, codes: tuple[int, ...]) -> list[Ia6]:
    """The IA options of ``codes`` in Kea's processing order (by code, then as received)."""
    if ex.ias is None:
        found = [decode_ia(c, v) for c, v in ex.pkt.options if c in codes]
    else:
        found = [ia for ia in ex.ias if ia.code in codes]
    if len(found) > 1:
        found.sort(key=_ia_code)  # stable: IAs of one type stay in received order
    return found


def _ia_code(ia: Ia6) -> int:
    return ia.code


def _configured(ex: Exchange, svc: Services, out: Tlvs) -> None:
    """ORO-requested and always-send options, then vendor options (only with a subnet)."""
    options = svc.options_for(ex)
    out.extend(options.requested(ex.first.get(OPTION_ORO), out))
    if ex.subnet is not None and _has_vendor(ex):
        append_vendor(ex.pkt.options, options, out)


def _has_vendor(ex: Exchange) -> bool:
    """True when the client sent a Vendor Class or Vendor-specific option (else no option 17)."""
    first = ex.first
    return OPTION_VENDOR_OPTS in first or OPTION_VENDOR_CLASS in first


def _pd_exclude_requested(ex: Exchange) -> bool:
    return OPTION_PD_EXCLUDE in ex.requested()


def solicit(ex: Exchange, svc: Services) -> tuple[int, Tlvs]:
    """Advertise, or Reply with rapid commit (RFC 8415 §18.3.1, RFC 8415 §21.14)."""
    out: Tlvs = []
    msg_type = _ADVERTISE
    if (
        ex.subnet is not None
        and ex.subnet.params.rapid_commit
        and ex.option(OPTION_RAPID_COMMIT) is not None
    ):
        ex.emit("DHCP6_RAPID_COMMIT", ex.label)
        msg_type = _REPLY
        out.append((OPTION_RAPID_COMMIT, tlv(OPTION_RAPID_COMMIT, b"")))
    ex.fake = msg_type == _ADVERTISE
    # Kea processSolicit: no generated name; an add request only with rapid commit.
    return msg_type, _assigning(ex, svc, out, generate=False, requests=not ex.fake)


def request(ex: Exchange, svc: Services) -> tuple[int, Tlvs]:
    """Reply committing leases (RFC 8415 §18.3.2)."""
    ex.fake = False
    return _REPLY, _assigning(ex, svc, [], generate=True, requests=True)


def _assigning(ex: Exchange, svc: Services, out: Tlvs, generate: bool, requests: bool) -> Tlvs:
    first_subnet = ex.subnet
    reserved = ddns6.reserved_hostname(ex) if ex.hosts else None
    names = ddns6.start(ex, svc.ddns, out, reserved)  # Kea processClientFqdn (RFC 4704)
    for ia in _ias(ex, (OPTION_IA_NA, OPTION_IA_PD)):
        if names is not None:
            ddns6.next_ia(ex)
        exclude = ia.code == OPTION_IA_PD and _pd_exclude_requested(ex)  # only IA_PD uses it
        out.append((ia.code, assign_ia(ex, svc.allocator, ia, exclude)))
    out.extend(_base(ex, svc))
    _configured(ex, svc, out)
    if names is not None or ex.subnet is not first_subnet:
        ddns6.finish(ex, out, first_subnet, generate=generate, requests=requests)
    return out


def renew(ex: Exchange, svc: Services) -> tuple[int, Tlvs]:
    """Reply extending leases (RFC 8415 §18.3.4)."""
    return _REPLY, _extending(ex, svc, rebind=False)


def rebind(ex: Exchange, svc: Services) -> tuple[int, Tlvs]:
    """Reply extending leases (RFC 8415 §18.3.5)."""
    return _REPLY, _extending(ex, svc, rebind=True)


def _extending(ex: Exchange, svc: Services, rebind: bool) -> Tlvs:
    ex.fake = False
    exclude = _pd_exclude_requested(ex)
    out: Tlvs = []
    first_subnet = ex.subnet
    reserved = ddns6.reserved_hostname(ex) if ex.hosts else None
    names = ddns6.start(ex, svc.ddns, out, reserved)  # Kea processClientFqdn (RFC 4704)
    for ia in _ias(ex, (OPTION_IA_NA, OPTION_IA_PD)):
        if names is not None:
            ddns6.next_ia(ex)
        out.append((ia.code, extend_ia(ex, svc.allocator, ia, rebind, exclude)))
    out.extend(_base(ex, svc))
    _configured(ex, svc, out)
    if names is not None or ex.subnet is not first_subnet:
        ddns6.finish(ex, out, first_subnet, generate=True, requests=True)
    return out


def confirm(ex: Exchange, svc: Services) -> tuple[int, Tlvs] | None:
    """Reply telling whether the addresses are on link (RFC 8415 §18.3.3), or no reply."""
    ias = _ias(ex, (OPTION_IA_NA,))
    if not ias:
        return None
    out = _base(ex, svc)
    _configured(ex, svc, out)
    verified = False
    for ia in ias:
        for iaaddr in ia.addresses():
            address = IPv6Address(iaaddr.address)
            if ex.subnet is not None and address not in ex.subnet.prefix:
                text = f"Address {address.compressed} is not on link."
                out.append((13, status_tlv(Status6.NOT_ON_LINK, text)))
                return _REPLY, out
            verified = True
    if not verified:
        return None  # RFC 8415 §18.3.3: no addresses to confirm
    if ex.subnet is not None:
        out.append((13, status_tlv(Status6.SUCCESS, "All addresses are on-link")))
    else:
        out.append((13, status_tlv(Status6.NOT_ON_LINK, "No subnet selected")))
    return _REPLY, out


def release(ex: Exchange, svc: Services) -> tuple[int, Tlvs]:
    """Reply to a Release (RFC 8415 §18.3.7): per-IA status plus a summary status."""
    ex.fake = False
    ex.d2 = svc.ddns  # removal requests for released leases with names
    out = _base(ex, svc)
    general: int = Status6.SUCCESS
    for ia in _ias(ex, (OPTION_IA_NA, OPTION_IA_PD)):
        answer, status = release_ia(ex, ia)
        out.append((ia.code, answer))
        if status != Status6.SUCCESS:
            general = status
    out.append((13, status_tlv(general, SUMMARY_TEXT)))
    return _REPLY, out


def decline(ex: Exchange, svc: Services) -> tuple[int, Tlvs]:
    """Reply to a Decline (RFC 8415 §18.3.8): IA_NAs with their status."""
    ex.fake = False
    ex.d2 = svc.ddns  # removal requests for declined leases with names
    out = _base(ex, svc)
    for ia in _ias(ex, (OPTION_IA_NA,)):
        out.append((ia.code, decline_ia(ex, ia, svc.decline_probation)))
    return _REPLY, out


def information_request(ex: Exchange, svc: Services) -> tuple[int, Tlvs]:
    """Reply with configuration options only (RFC 8415 §18.3.6)."""
    out = _base(ex, svc)
    _configured(ex, svc, out)
    return _REPLY, out


Handler = Callable[[Exchange, Services], "tuple[int, Tlvs] | None"]

HANDLERS: dict[int, Handler] = {
    MsgType6.SOLICIT: solicit,
    MsgType6.REQUEST: request,
    MsgType6.RENEW: renew,
    MsgType6.REBIND: rebind,
    MsgType6.CONFIRM: confirm,
    MsgType6.RELEASE: release,
    MsgType6.DECLINE: decline,
    MsgType6.INFORMATION_REQUEST: information_request,
}
