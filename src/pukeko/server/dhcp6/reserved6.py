"""Reserved leases for one IA: Kea 2.2's allocateReservedLeases6 and removeNonreservedLeases6.

A reservation is a rule (spec 000, issue 6):

* the client with a host gets one of its reserved addresses / prefixes per IA (Kea: one per
  IA, the first reservation no lease holds, subnet reservations of the shared network first,
  then the global host's) — whatever it asked for;
* a reserved resource another client still holds (a lease made before the reservation) is not
  given; the reserved client gets a dynamic resource meanwhile and the conflict is logged at
  WARN (``ALLOC_ENGINE_V6_HR_ADDR_CONFLICT``); the holder loses it on its next
  Request/Renew/Rebind (:meth:`~pukeko.server.dhcp6.allocate.Allocator6.kept`);
* an expired lease on the reserved resource does not block it: the reserved client takes it
  over at once (Kea 2.2 waits until the lease row is gone; see docs/compatibility.md);
* once the client holds a reserved lease, its other leases of the IA are taken away
  (removeNonreservedLeases6), keeping at least one.

A subnet host's address outside the subnet (possible only through a host store changed at run
time) is skipped with ``ALLOC_ENGINE_V6_HR_OUTSIDE_SUBNET``, never served.
"""

from __future__ import annotations

from collections.abc import Callable
from ipaddress import IPv6Address
from typing import TYPE_CHECKING

from pukeko.config.model import Subnet
from pukeko.hosts.model import Host
from pukeko.leases.model import Lease6, LeaseType
from pukeko.server.dhcp6.context import Exchange
from pukeko.server.dhcp6.ddns6 import use_reserved_hostname
from pukeko.server.dhcp6.hosts6 import host_label, host_reserves, reserved_resources
from pukeko.server.dhcp6.leasing import Granted, Hint
from pukeko.server.dhcp6.messages import Address6Text

if TYPE_CHECKING:
    from pukeko.server.dhcp6.allocate import Allocator6, IaResult

_PD = LeaseType.PD


def reserved_for_client(ex: Exchange, lease: Lease6) -> bool:
    """Kea hasGlobalReservation / ctx.hosts_[lease subnet]->hasReservation for a lease."""
    hosts = ex.hosts
    if not hosts:
        return False
    address = int(lease.address)
    length = lease.prefix_len if lease.lease_type == _PD else 0
    ghost = ex.global_host()
    if ghost is not None and host_reserves(ghost, lease.lease_type, address, length):
        return True
    host = hosts.get(lease.subnet_id)
    return host is not None and host_reserves(host, lease.lease_type, address, length)


def grant_reserved(
    alloc: Allocator6,
    ex: Exchange,
    lease_type: LeaseType,
    iaid: int,
    hint: Hint,
    existing: list[Lease6],
) -> Granted | None:
    """A new lease on one of the client's reservations, or None (it holds one already, or
    none is free): allocateReservedLeases6 then allocateGlobalReservedLeases6."""
    hosts = ex.hosts
    assert hosts and ex.subnet is not None
    for lease in existing:
        host = hosts.get(lease.subnet_id)
        if lease.valid_lifetime and host is not None and _holds(host, lease):
            if ex.host_subnet is None:
                sibling = alloc.subnet_by_id(lease.subnet_id)
                if sibling is not None and sibling.shared_network:
                    _remember_host_subnet(ex, sibling, host)
            return None
    for subnet in alloc.topology.network_order(ex.subnet):
        host = hosts.get(subnet.id)
        if host is None or not alloc.client_may_use(ex, subnet):
            continue
        params = subnet.params
        if not params.reservations_in_subnet:
            continue
        for address, length in reserved_resources(host, lease_type):
            if params.reservations_out_of_pool and alloc.in_pool(subnet, lease_type, address):
                continue  # only out-of-pool reservations are served in such a subnet
            if lease_type != _PD and IPv6Address(address) not in subnet.prefix:
                ex.emit(
                    "ALLOC_ENGINE_V6_HR_OUTSIDE_SUBNET",
                    ex.label,
                    Address6Text(address),
                    host_label(host),
                    subnet.prefix,
                    subnet.id,
                )
                continue
            found = _try(alloc, ex, subnet, lease_type, iaid, hint, address, length, host)
            if found is not None:
                return found
    return _grant_global(alloc, ex, lease_type, iaid, hint, existing)


def _grant_global(
    alloc: Allocator6,
    ex: Exchange,
    lease_type: LeaseType,
    iaid: int,
    hint: Hint,
    existing: list[Lease6],
) -> Granted | None:
    ghost = ex.global_host()
    if ghost is None:
        return None
    for lease in existing:
        if lease.valid_lifetime and _holds(ghost, lease):
            if ghost.hostname:
                use_reserved_hostname(ex, ghost.hostname)
            return None
    subnet = ex.subnet
    assert subnet is not None
    for address, length in reserved_resources(ghost, lease_type):
        found = _try(alloc, ex, subnet, lease_type, iaid, hint, address, length, ghost, True)
        if found is not None:
            return found
    return None


def _holds(host: Host, lease: Lease6) -> bool:
    length = lease.prefix_len if lease.lease_type == _PD else 0
    return host_reserves(host, lease.lease_type, int(lease.address), length)


def _remember_host_subnet(ex: Exchange, subnet: Subnet, host: Host) -> None:
    """Kea ctx.host_subnet_: the hostname, classes and options come from this reservation."""
    ex.host_subnet = subnet
    if host.hostname:
        use_reserved_hostname(ex, host.hostname)


def _try(
    alloc: Allocator6,
    ex: Exchange,
    subnet: Subnet,
    lease_type: LeaseType,
    iaid: int,
    hint: Hint,
    address: int,
    length: int,
    host: Host,
    is_global: bool = False,
) -> Granted | None:
    """The reserved resource as a lease for this IA, unless someone holds it.

    Before the lease is made the reservation's hostname is taken (Kea sets ctx.hostname_
    before createLease6); a subnet reservation also becomes ctx.host_subnet_.
    """
    if (address, length) in ex.allocated:
        return None  # given to an earlier IA of this message
    current = ex.lease_at(lease_type, address)
    if current is not None:
        if current.duid == ex.duid:
            return None  # the client's own (another IA, or this message's advertised lease)
        if not current.expired(ex.now):
            _conflict(ex, lease_type, address, length, current)
            return None
    ex.subnet = subnet
    if is_global:
        if host.hostname:
            use_reserved_hostname(ex, host.hostname)
    elif ex.host_subnet is None:
        _remember_host_subnet(ex, subnet, host)
    if current is None:
        found = alloc.commit_new(ex, subnet, lease_type, iaid, address, length, hint)
    else:
        found = alloc.take_over(ex, subnet, current, iaid, length, hint)
    if lease_type == _PD:
        ex.emit("ALLOC_ENGINE_V6_HR_PREFIX_GRANTED", Address6Text(address), length, ex.label)
    else:
        ex.emit("ALLOC_ENGINE_V6_HR_ADDR_GRANTED", Address6Text(address), ex.label)
    return found


def _conflict(ex: Exchange, lease_type: LeaseType, address: int, length: int, held: Lease6) -> None:
    """The reserved resource is leased to another client: say so, loudly."""
    holder = held.duid.hex(":")
    if lease_type == _PD:
        ex.emit(
            "ALLOC_ENGINE_V6_HR_PREFIX_CONFLICT", ex.label, Address6Text(address), length, holder
        )
    else:
        ex.emit("ALLOC_ENGINE_V6_HR_ADDR_CONFLICT", ex.label, Address6Text(address), holder)


def drop_nonreserved(
    alloc: Allocator6, ex: Exchange, leases: list[Lease6], result: IaResult, renewing: bool
) -> list[Lease6]:
    """Kea removeNonreservedLeases6: with more than one lease in the IA, those not reserved
    for the client go (at least one stays)."""
    total = len(leases)
    if total <= 1:
        return leases
    kept: list[Lease6] = []
    for lease in leases:
        if total > 1 and not reserved_for_client(ex, lease):
            alloc.take_away(ex, lease, result, renewing)
            total -= 1
            continue
        kept.append(lease)
    return kept


def global_reserved(ex: Exchange, lease: Lease6) -> bool:
    """Kea hasGlobalReservation(lease): the global host reserves the lease's resource."""
    ghost = ex.global_host() if ex.hosts else None
    if ghost is None:
        return False
    length = lease.prefix_len if lease.lease_type == _PD else 0
    return host_reserves(ghost, lease.lease_type, int(lease.address), length)


def unreserved(
    ex: Exchange, subnet: Subnet, lease_type: LeaseType, is_free: Callable[[int], bool]
) -> Callable[[int], bool]:
    """``is_free`` that also refuses candidates reserved for anyone (Kea getIPv6Resrv), or
    ``is_free`` itself when the subnet needs no lookup (no reservations that could apply;
    in-pool candidates with ``reservations-out-of-pool``)."""
    policy = ex.reservations
    assert policy is not None
    reserved = policy.candidate_check(subnet, lease_type, True)
    if reserved is None:
        return is_free

    if policy.lookup_first:

        def free_first(address: int) -> bool:
            return not reserved(address) and is_free(address)

        return free_first

    def free(address: int) -> bool:
        return is_free(address) and not reserved(address)

    return free


def log_revoked(ex: Exchange, lease: Lease6, holders: list[Host]) -> None:
    """ALLOC_ENGINE_V6_REVOKED_* (WARN here, INFO in Kea: issue 6 wants it loud)."""
    address = Address6Text(int(lease.address))
    duid = ex.duid.hex(":")
    if lease.lease_type == _PD:
        if len(holders) == 1:
            ex.emit(
                "ALLOC_ENGINE_V6_REVOKED_PREFIX_LEASE",
                address,
                lease.prefix_len,
                duid,
                host_label(holders[0]),
            )
        else:
            ex.emit(
                "ALLOC_ENGINE_V6_REVOKED_SHARED_PREFIX_LEASE",
                address,
                lease.prefix_len,
                duid,
                len(holders),
            )
    elif len(holders) == 1:
        ex.emit("ALLOC_ENGINE_V6_REVOKED_ADDR_LEASE", address, duid, host_label(holders[0]))
    else:
        ex.emit("ALLOC_ENGINE_V6_REVOKED_SHARED_ADDR_LEASE", address, duid, len(holders))
