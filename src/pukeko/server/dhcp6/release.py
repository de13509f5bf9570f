"""Release and Decline of leases (RFC 8415 §18.3.7, §18.3.8; Kea releaseIA_NA/PD, declineIA).

Both look each address up in the lease store (Kea's "approach 1") and check it belongs to the
client (DUID) and to this IA (IAID). A released lease is deleted; a declined address becomes a
DECLINED lease without owner for ``decline-probation-period`` seconds (Kea Lease6::decline) and
is counted in ``declined-addresses`` (``assigned-nas`` stays, ARM "Decline"). Both request the
removal of the lease's DNS entries when it has a name and DNS flags (Kea ``queueNCR``).
"""

from __future__ import annotations

from pukeko.alloc.reclaim import decline
from pukeko.leases.model import ChangeKind, LeaseType
from pukeko.server.dhcp6 import stats6
from pukeko.server.dhcp6.context import Exchange
from pukeko.server.dhcp6.ddns6 import queue_removal
from pukeko.server.dhcp6.ia import ia_tlv
from pukeko.wire.ia6 import Ia6, Status6, status_tlv
from pukeko.wire.pkt6 import OPTION_IA_PD

SUMMARY_TEXT = "Summary status for all processed IA_NAs"


def release_ia(ex: Exchange, ia: Ia6) -> tuple[bytes, int]:
    """The IA answer to one IA of a Release and its status code (releaseIA_NA/releaseIA_PD)."""
    is_pd = ia.code == OPTION_IA_PD
    if not is_pd:
        ex.emit("DHCP6_PROCESS_IA_NA_RELEASE", ex.label, ia.iaid)
    if is_pd:
        prefixes = ia.prefixes()
        if not prefixes:
            return _status(ia, Status6.NO_BINDING, "You did not include a prefix in your RELEASE")
        address, length = prefixes[0].prefix, prefixes[0].prefix_len
    else:
        addresses = ia.addresses()
        if not addresses:
            return _status(ia, Status6.NO_BINDING, "You did not include an address in your RELEASE")
        address, length = addresses[0].address, 128
    lease_type = LeaseType.PD if is_pd else LeaseType.NA
    lease = ex.lease_at(lease_type, int.from_bytes(address, "big"))
    if lease is None:
        return _status(
            ia, Status6.NO_BINDING, "Sorry, no known leases for this duid/iaid, can't release."
        )
    text = lease.address.compressed
    if lease.duid != ex.duid:
        if is_pd:
            ex.emit("DHCP6_RELEASE_PD_FAIL_WRONG_DUID", ex.label, text, length, lease.duid.hex(":"))
        else:
            ex.emit("DHCP6_RELEASE_NA_FAIL_WRONG_DUID", ex.label, text, lease.duid.hex(":"))
        return _status(
            ia, Status6.NO_BINDING, "This address does not belong to you, you can't release it"
        )
    if lease.iaid != ia.iaid:
        if is_pd:
            ex.emit("DHCP6_RELEASE_PD_FAIL_WRONG_IAID", ex.label, text, length, lease.iaid, ia.iaid)
        else:
            ex.emit("DHCP6_RELEASE_NA_FAIL_WRONG_IAID", ex.label, text, lease.iaid, ia.iaid)
        return _status(ia, Status6.NO_BINDING, "This is your address, but you used wrong IAID")
    ex.record(ChangeKind.DELETE, lease)
    if is_pd:
        ex.emit("DHCP6_RELEASE_PD", ex.label, text, lease.prefix_len, lease.iaid)
    else:
        ex.emit("DHCP6_RELEASE_NA", ex.label, text, lease.iaid)
    ex.stat(stats6.subnet_stat(lease.subnet_id, stats6.assigned_stat(is_pd)), -1)
    if not is_pd:
        queue_removal(ex, lease)  # Kea releaseIA_NA: remove the lease's DNS entries
    return _status(ia, Status6.SUCCESS, "Lease released. Thank you, please come again.")


def _status(ia: Ia6, code: int, text: str) -> tuple[bytes, int]:
    return ia_tlv(ia.code, ia.iaid, 0, 0, [(13, status_tlv(code, text))]), code


def decline_ia(ex: Exchange, ia: Ia6, probation: int) -> bytes:
    """The IA_NA answer to one IA_NA of a Decline (declineIA / declineLease)."""
    ex.emit("DHCP6_DECLINE_PROCESS_IA", ex.label, ia.iaid)
    subs: list[tuple[int, bytes]] = []
    total = 0
    for iaaddr in ia.addresses():
        total += 1
        address = int.from_bytes(iaaddr.address, "big")
        lease = ex.lease_at(LeaseType.NA, address)
        text = _text(iaaddr.address)
        if lease is None:
            ex.emit("DHCP6_DECLINE_FAIL_NO_LEASE", ex.label, text)
            _set_status(subs, Status6.NO_BINDING, "Server does not know about such an address.")
            continue
        if lease.duid != ex.duid:
            ex.emit("DHCP6_DECLINE_FAIL_DUID_MISMATCH", ex.label, text, lease.duid.hex(":"))
            subs.append(
                (
                    13,
                    status_tlv(
                        Status6.NO_BINDING,
                        "This address does not belong to you, you can't decline it",
                    ),
                )
            )
            continue
        if lease.iaid != ia.iaid:
            ex.emit("DHCP6_DECLINE_FAIL_IAID_MISMATCH", ex.label, text, ia.iaid, lease.iaid)
            _set_status(subs, Status6.NO_BINDING, "This is your address, but you used wrong IAID")
            continue
        ex.record(ChangeKind.UPDATE, decline(lease, ex.cltt, probation))
        queue_removal(ex, lease)  # Kea declineLease: the old name's DNS entries go
        ex.stat(stats6.subnet_stat(lease.subnet_id, stats6.DECLINED_ADDRESSES))
        ex.stat(stats6.DECLINED_ADDRESSES)
        ex.emit("DHCP6_DECLINE_LEASE", ex.label, text, probation)
        subs.append(
            (
                13,
                status_tlv(
                    Status6.SUCCESS, "Lease declined. Hopefully the next one will be better."
                ),
            )
        )
    if total == 0:
        _set_status(subs, Status6.NO_BINDING, "No addresses sent in IA_NA")
    return ia_tlv(ia.code, ia.iaid, 0, 0, subs)


def _set_status(subs: list[tuple[int, bytes]], code: int, text: str) -> None:
    """Kea setStatusCode: drop every Status Code of the IA, then add this one."""
    subs[:] = [item for item in subs if item[0] != 13]
    subs.append((13, status_tlv(code, text)))


def _text(address: bytes) -> str:
    from ipaddress import IPv6Address

    return IPv6Address(address).compressed
