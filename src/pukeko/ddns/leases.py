"""Name-change requests for leases that already carry a name (Kea 2.2 ``queueNCR``).

Kea queues a removal (or an addition) from a lease row when the lease has a hostname and at
least one of its ``fqdn_fwd`` / ``fqdn_rev`` flags, and DDNS is enabled globally (dhcp-ddns
``enable-updates``; the subnet's ``ddns-send-updates`` is not consulted here). DHCPv6: only
address leases with a DUID (never IA_PD); the DHCID is made from the DUID and the hostname;
the TTL from the lease's valid lifetime, the expiration from its cltt plus that TTL.
"""

from __future__ import annotations

from pukeko.ddns.ncr import ChangeType, NameChangeRequest, ddns_ttl, dhcid_for_hostname
from pukeko.leases.model import Lease6, LeaseType


def lease6_label(duid: bytes, hwaddr: bytes = b"", hwtype: int = 1) -> str:
    """Kea ``Pkt6::makeLabel(duid, hwaddr)``: ``duid=[00:01:...], [hwtype=1 0a:0b:...]``."""
    label = f"duid=[{duid.hex(':') if duid else 'no info'}]"
    if hwaddr:
        label += f", [hwtype={hwtype} {hwaddr.hex(':')}]"
    return label


def has_dns_entries(lease: Lease6) -> bool:
    """True when the lease's name was (or would have been) put in the DNS."""
    return bool(lease.hostname) and (lease.fqdn_fwd or lease.fqdn_rev)


def lease6_request(
    change_type: ChangeType, lease: Lease6, use_conflict_resolution: bool = True
) -> NameChangeRequest | None:
    """The request for a DHCPv6 lease, or None when Kea skips it (PD, no DUID, no name/flags).

    Raises :class:`ValueError` (:class:`~pukeko.ddns.names.InvalidName`) when the hostname is
    not a domain name; Kea then logs DHCPSRV_QUEUE_NCR_FAILED.
    """
    if lease.lease_type == LeaseType.PD or not lease.duid or not has_dns_entries(lease):
        return None
    ttl = ddns_ttl(lease.valid_lifetime)
    return NameChangeRequest.build(
        change_type,
        lease.fqdn_fwd,
        lease.fqdn_rev,
        lease.hostname,
        lease.address.compressed,
        dhcid_for_hostname(lease.duid, lease.hostname),
        lease.cltt + ttl,
        ttl,
        use_conflict_resolution,
        lease6_label(lease.duid, lease.hwaddr, lease.hwtype),
    )
