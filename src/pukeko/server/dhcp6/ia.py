"""IA_NA / IA_PD options of Advertise and Reply for Solicit, Request, Renew and Rebind.

Each IA is processed on its own (RFC 7550 §4): one without a lease gets its own NoAddrsAvail /
NoPrefixAvail status while the others get leases. Texts, logs and layout follow Kea 2.2
(assignIA_NA, assignIA_PD, extendIA_NA, extendIA_PD):

* Solicit/Request: IA_NA carries one IAADDR (the first lease); IA_PD one IAPREFIX per lease,
  each with the pool's PD-exclude option (RFC 6603) when the client's ORO asks for option 67;
* Renew/Rebind: extended leases with their lifetimes, retired leases and addresses the client
  sent that it may not keep with lifetimes 0 (RFC 8415 §18.3.4 / §18.3.5);
* T1/T2 (RFC 8415 §21.4, Kea setTeeTimes): ``renew-timer`` / ``rebind-timer`` when set, else
  ``t1-percent`` / ``t2-percent`` of the shortest non-zero preferred lifetime when
  ``calculate-tee-times`` is on, else 0; T1 is sent only when below T2.

Sub-options are laid out in option-code order (Kea's Option6IA multimap): IAADDR (5), Status
Code (13), IAPREFIX (26).
"""

from __future__ import annotations

import struct
from collections.abc import Sequence

from pukeko.config.model import PdPool, Subnet
from pukeko.leases.model import Lease6, LeaseType
from pukeko.server.dhcp6.allocate import Allocator6, IaResult
from pukeko.server.dhcp6.context import DiscardMessage as DiscardMessage
from pukeko.server.dhcp6.context import Exchange
from pukeko.server.dhcp6.leasing import NO_HINT, Granted, Hint
from pukeko.server.dhcp6.messages import Address6Text, lifetime_text
from pukeko.server.dhcp6.pools import find_pool, pd_exclude_tlv
from pukeko.wire.ia6 import Ia6, Status6, ia_na_tlv, status_tlv
from pukeko.wire.pkt6 import OPTION_IA_PD, OPTION_IAADDR, OPTION_IAPREFIX

_IA_HDR = struct.Struct("!HHIII")
_IAADDR = struct.Struct("!HH16sII")
_IAPREFIX = struct.Struct("!HHIIB16s")
MAX_U32 = 0xFFFFFFFF


# Enum members bound once: attribute access on an Enum class is slow on Python 3.11.
_PD = LeaseType.PD
_NA = LeaseType.NA


def ia_tlv(code: int, iaid: int, t1: int, t2: int, subs: list[tuple[int, bytes]]) -> bytes:
    """A whole IA option from framed sub-options, laid out in option-code order."""
    subs.sort(key=lambda item: item[0])
    body = b"".join(value for _, value in subs)
    return _IA_HDR.pack(code, 12 + len(body), iaid, t1, t2) + body


def iaaddr(address: bytes, preferred: int, valid: int) -> tuple[int, bytes]:
    """A framed IAADDR without sub-options."""
    return OPTION_IAADDR, _IAADDR.pack(OPTION_IAADDR, 24, address, preferred, valid)


def iaprefix(
    prefix: bytes, prefix_len: int, preferred: int, valid: int, exclude: bytes | None = None
) -> tuple[int, bytes]:
    """A framed IAPREFIX, with a PD-exclude sub-option when given."""
    extra = exclude or b""
    head = _IAPREFIX.pack(OPTION_IAPREFIX, 25 + len(extra), preferred, valid, prefix_len, prefix)
    return OPTION_IAPREFIX, head + extra


def status_only(code: int, iaid: int, status: int, text: str) -> bytes:
    """An IA holding only a Status Code (T1 = T2 = 0)."""
    return ia_tlv(code, iaid, 0, 0, [(13, status_tlv(status, text))])


def _hints(ia: Ia6) -> list[Hint]:
    if not ia.options:
        return []
    if ia.code == OPTION_IA_PD:
        return [
            Hint(int.from_bytes(p.prefix, "big"), p.prefix_len, p.preferred, p.valid)
            for p in ia.prefixes()
        ]
    return [
        Hint(int.from_bytes(a.address, "big"), 128, a.preferred, a.valid) for a in ia.addresses()
    ]


# --- Solicit / Request ---------------------------------------------------------------------


def assign_ia(ex: Exchange, alloc: Allocator6, ia: Ia6, pd_exclude: bool) -> bytes:
    """The IA_NA / IA_PD answer to one IA of a Solicit or Request (assignIA_NA/assignIA_PD)."""
    is_pd = ia.code == OPTION_IA_PD
    hints = _hints(ia) if ia.options else []
    hint = hints[0] if hints else NO_HINT
    if ex.debuglevel >= 0:
        message_id = "DHCP6_PROCESS_IA_PD_REQUEST" if is_pd else "DHCP6_PROCESS_IA_NA_REQUEST"
        ex.emit(message_id, ex.label, ia.iaid, _hint_text(hints))
    if ex.subnet is None:
        if is_pd:
            return status_only(
                ia.code, ia.iaid, Status6.NO_PREFIX_AVAIL, "Sorry, no subnet available."
            )
        return status_only(
            ia.code,
            ia.iaid,
            Status6.NO_ADDRS_AVAIL,
            "Server could not select subnet for this client",
        )
    lease_type = _PD if is_pd else _NA
    result = alloc.assign(ex, lease_type, ia.iaid, hint)
    _note_allocated(ex, result)
    if not result.granted:
        prefix = "DHCP6_PD_LEASE" if is_pd else "DHCP6_LEASE"
        ex.emit(f"{prefix}_{'ADVERT' if ex.fake else 'ALLOC'}_FAIL", ex.label, ia.iaid)
        if is_pd:
            return status_only(
                ia.code, ia.iaid, Status6.NO_PREFIX_AVAIL, "Sorry, no prefixes could be allocated."
            )
        return status_only(
            ia.code, ia.iaid, Status6.NO_ADDRS_AVAIL, "Sorry, no address could be allocated."
        )
    if is_pd:
        return _assigned_pd(ex, alloc, ia.iaid, result.granted, pd_exclude)
    return _assigned_na(ex, alloc, ia.iaid, result.granted[0])


def _note_allocated(ex: Exchange, result: IaResult) -> None:
    """Remember the resources given (Kea addAllocatedResource) for pool-level options."""
    for item in result.granted:
        ex.allocated.append((int(item.lease.address), item.lease.prefix_len))


def _hint_text(hints: list[Hint]) -> Address6Text | str:
    return Address6Text(hints[0].address) if hints else "(no hint)"


def _assigned_na(ex: Exchange, alloc: Allocator6, iaid: int, granted: Granted) -> bytes:
    lease = granted.lease
    value = int(lease.address)
    address = Address6Text(value)
    if ex.fake:
        ex.emit("DHCP6_LEASE_ADVERT", ex.label, address, iaid)
    elif granted.reused:
        ex.emit("DHCP6_LEASE_REUSE", ex.label, address, iaid, lifetime_text(granted.valid))
    else:
        ex.emit("DHCP6_LEASE_ALLOC", ex.label, address, iaid, lifetime_text(granted.valid))
    assert ex.subnet is not None
    t1, t2 = alloc.tee_times(ex.subnet, granted.preferred)
    packed = value.to_bytes(16, "big")  # lease.address.packed
    return ia_na_tlv(iaid, t1, t2, packed, granted.preferred, granted.valid)


def _assigned_pd(
    ex: Exchange, alloc: Allocator6, iaid: int, granted: list[Granted], pd_exclude: bool
) -> bytes:
    subnet = ex.subnet
    assert subnet is not None
    shortest = granted[0].preferred
    subs: list[tuple[int, bytes]] = []
    for item in granted:
        lease = item.lease
        prefix = Address6Text(int(lease.address))
        if ex.fake:
            ex.emit("DHCP6_PD_LEASE_ADVERT", ex.label, prefix, lease.prefix_len, iaid)
        elif item.reused:
            ex.emit(
                "DHCP6_PD_LEASE_REUSE",
                ex.label,
                prefix,
                lease.prefix_len,
                iaid,
                lifetime_text(item.valid),
            )
        else:
            ex.emit(
                "DHCP6_PD_LEASE_ALLOC",
                ex.label,
                prefix,
                lease.prefix_len,
                iaid,
                lifetime_text(item.valid),
            )
        if 0 < item.preferred < shortest:
            shortest = item.preferred
        exclude = _exclude_for(subnet, lease) if pd_exclude else None
        subs.append(
            iaprefix(lease.address.packed, lease.prefix_len, item.preferred, item.valid, exclude)
        )
    t1, t2 = alloc.tee_times(subnet, shortest)
    return ia_tlv(OPTION_IA_PD, iaid, t1, t2, subs)


def _exclude_for(subnet: Subnet, lease: Lease6) -> bytes | None:
    pool = find_pool(subnet, _PD, int(lease.address))
    return pd_exclude_tlv(pool) if isinstance(pool, PdPool) else None


# --- Renew / Rebind ------------------------------------------------------------------------


def extend_ia(ex: Exchange, alloc: Allocator6, ia: Ia6, rebind: bool, pd_exclude: bool) -> bytes:
    """The IA answer to one IA of a Renew or Rebind (extendIA_NA / extendIA_PD)."""
    is_pd = ia.code == OPTION_IA_PD
    ex.emit(f"DHCP6_PROCESS_IA_{'PD' if is_pd else 'NA'}_EXTEND", ex.label, ia.iaid)
    if ex.subnet is None:
        if not is_pd:
            return status_only(
                ia.code, ia.iaid, Status6.NO_BINDING, "Sorry, no known leases for this duid/iaid."
            )
        if rebind:
            # RFC 8415 §18.3.5: without a binding or a link, the Rebind is discarded.
            raise DiscardMessage(
                f"no subnet found for the client sending Rebind to extend lifetime of the"
                f" prefix (DUID={ex.duid.hex(':')}, IAID={ia.iaid})"
            )
        return status_only(
            ia.code, ia.iaid, Status6.NO_BINDING, "Sorry, no known PD leases for this duid/iaid."
        )
    hints = _hints(ia)
    lease_type = _PD if is_pd else _NA
    result = alloc.renew(ex, lease_type, ia.iaid, hints)
    _note_allocated(ex, result)
    subs = _extended_subs(ex, ia, result, hints, pd_exclude)
    if result.granted:
        shortest = MAX_U32
        for item in result.granted:
            if 0 < item.preferred < shortest:
                shortest = item.preferred
        t1, t2 = alloc.tee_times(ex.subnet, shortest)
        return ia_tlv(ia.code, ia.iaid, t1, t2, subs)
    if is_pd:
        subs.append(
            (
                13,
                status_tlv(
                    Status6.NO_PREFIX_AVAIL, "Sorry, no prefixes could be assigned at this time."
                ),
            )
        )
    else:
        subs.append(
            (
                13,
                status_tlv(
                    Status6.NO_ADDRS_AVAIL, "Sorry, no addresses could be assigned at this time."
                ),
            )
        )
    return ia_tlv(ia.code, ia.iaid, 0, 0, subs)


def _extended_subs(
    ex: Exchange, ia: Ia6, result: IaResult, hints: Sequence[Hint], pd_exclude: bool
) -> list[tuple[int, bytes]]:
    is_pd = ia.code == OPTION_IA_PD
    left = [(h.address, h.prefix_len) for h in hints]
    subs: list[tuple[int, bytes]] = []
    for item in result.granted:
        lease = item.lease
        text = Address6Text(int(lease.address))
        if item.reused:
            if is_pd:
                ex.emit(
                    "DHCP6_PD_LEASE_REUSE",
                    ex.label,
                    text,
                    lease.prefix_len,
                    ia.iaid,
                    lifetime_text(item.valid),
                )
            else:
                ex.emit("DHCP6_LEASE_REUSE", ex.label, text, ia.iaid, lifetime_text(item.valid))
        elif is_pd:
            ex.emit("DHCP6_PD_LEASE_RENEW", ex.label, text, lease.prefix_len, ia.iaid)
        else:
            ex.emit("DHCP6_LEASE_RENEW", ex.label, text, ia.iaid)
        subs.append(_lease_sub(ex, lease, item.preferred, item.valid, pd_exclude))
        _forget(left, int(lease.address), lease.prefix_len)
    for lease in result.retired:
        if lease.duid == ex.duid:
            subs.append(_lease_sub(ex, lease, 0, 0, False))
        _forget(left, int(lease.address), lease.prefix_len if is_pd else 128)
    for address, length in left:
        if is_pd:
            if address:
                subs.append(iaprefix(address.to_bytes(16, "big"), length, 0, 0))
        else:
            subs.append(iaaddr(address.to_bytes(16, "big"), 0, 0))
    return subs


def _lease_sub(
    ex: Exchange, lease: Lease6, preferred: int, valid: int, pd_exclude: bool
) -> tuple[int, bytes]:
    if lease.lease_type == _PD:
        exclude = None
        if pd_exclude and ex.subnet is not None:
            exclude = _exclude_for(ex.subnet, lease)
        return iaprefix(lease.address.packed, lease.prefix_len, preferred, valid, exclude)
    return iaaddr(lease.address.packed, preferred, valid)


def _forget(left: list[tuple[int, int]], address: int, length: int) -> None:
    left[:] = [item for item in left if item != (address, length)]
