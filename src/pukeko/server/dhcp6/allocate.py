"""Which leases one IA gets: Kea 2.2's allocateLeases6 / renewLeases6 decisions.

Request/Solicit (allocateLeases6): the client's leases for this IA in the selected subnet's
shared network are checked (removeNonmatchingReservedLeases6: one reserved for another client,
or outside every pool the client may use, is taken away) and the rest refreshed; a client
with host reservations first gets one of its reserved resources (``reserved6``) and loses its
other leases of the IA. Without a lease left, a new one is found — first the client's hint if
it lies in a pool the client may use, is free or expired and reserved for nobody (any subnet of
the network), then the allocator, starting in the network's most recently used subnet
(getPreferredSubnet), skipping candidates reserved for anyone. Failure counts
``v6-allocation-fail*`` and logs ALLOC_ENGINE_V6_ALLOC_FAIL*.

Renew/Rebind (renewLeases6): the same checks and reserved grants, then the IA's leases in the
network are extended (extendLease6); an address lease no longer inside its subnet (unless a
global reservation holds it) is deleted and answered with lifetimes 0; an IA without leases
gets a new one, as Kea does (RFC 8415 §18.3.4 lets the server create a binding).

Revocations of a resource reserved for another client are logged at WARN with Kea's
ALLOC_ENGINE_V6_REVOKED_* IDs. An Advertise never deletes anything (Kea 2.2 does; see
docs/compatibility.md): the leases it would take away are only left out of it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from ipaddress import IPv6Address

from pukeko.alloc.lifetimes import tee_times6
from pukeko.config.model import Subnet
from pukeko.hosts.model import Host
from pukeko.leases.model import ChangeKind, Lease6, LeaseState, LeaseType
from pukeko.server.dhcp6 import stats6
from pukeko.server.dhcp6.context import Exchange
from pukeko.server.dhcp6.ddns6 import (
    lease_names,
    names_differ,
    note_changed,
    queue_removal,
    retired,
    with_names,
)
from pukeko.server.dhcp6.hosts6 import HostPolicy6
from pukeko.server.dhcp6.lease_rows import evolve6
from pukeko.server.dhcp6.leasing import (
    NO_HINT,
    Granted,
    Hint,
    count_assignment,
    granted,
    lifetimes,
    new_lease,
    reclaim_stats,
    reusable,
    reuse_expired,
    with_extended_info,
)
from pukeko.server.dhcp6.messages import Address6Text
from pukeko.server.dhcp6.pools import (
    Allocation,
    capacity,
    delegated_len,
    find_pool,
    in_pool,
    pool_span,
    pools_for,
)
from pukeko.server.dhcp6.reserved6 import (
    drop_nonreserved,
    global_reserved,
    grant_reserved,
    log_revoked,
    reserved_for_client,
    unreserved,
)
from pukeko.server.dhcp6.select import Topology, client_supported

# Enum members bound once: attribute access on an Enum class is slow on Python 3.11.
_PD = LeaseType.PD
_RECLAIMED = LeaseState.EXPIRED_RECLAIMED
_DEFAULT = LeaseState.DEFAULT
_ADD = ChangeKind.ADD
_UPDATE = ChangeKind.UPDATE
_DELETE = ChangeKind.DELETE


TEE_CACHE_LIMIT = 4096


@dataclass(slots=True)
class IaResult:
    """What happened to one IA: leases to send and leases taken away (sent with lifetime 0)."""

    granted: list[Granted] = field(default_factory=list)
    retired: list[Lease6] = field(default_factory=list)


@dataclass(slots=True)
class Allocator6:
    """Allocation decisions over the topology, the allocator port and per-subnet usage order."""

    topology: Topology
    allocation: Allocation
    usage: dict[tuple[int, int], int] = field(default_factory=dict)  # (subnet, type) -> tick
    tick: int = 0
    # (subnet id, type) -> pool capacity for any client; absent while a pool has a client-class
    _capacity: dict[tuple[int, int], int] = field(default_factory=dict)
    _tee: dict[tuple[int, int], tuple[int, int]] = field(default_factory=dict)
    _spans: dict[tuple[int, int], tuple[tuple[int, int], ...]] = field(default_factory=dict)
    _by_id: dict[int, Subnet] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._by_id = {subnet.id: subnet for subnet in self.topology.subnets}

    def tee_times(self, subnet: Subnet, preferred: int) -> tuple[int, int]:
        """(T1, T2) for an IA whose shortest preferred lifetime is ``preferred`` (setTeeTimes).

        Remembered per subnet and lifetime: they depend on nothing else in a configuration.
        """
        key = (subnet.id, preferred)
        found = self._tee.get(key)
        if found is None:
            if len(self._tee) >= TEE_CACHE_LIMIT:
                self._tee.clear()  # hinted lifetimes can vary without bound
            found = self._tee[key] = tee_times6(subnet.params, preferred)
        return found

    # --- Solicit / Request -------------------------------------------------------------------

    def assign(self, ex: Exchange, lease_type: LeaseType, iaid: int, hint: Hint) -> IaResult:
        """Leases for one IA of a Solicit (``ex.fake``) or Request (allocateLeases6)."""
        assert ex.subnet is not None
        existing = self._client_leases(ex, ex.subnet, lease_type, iaid)
        if ex.hosts:
            return self._assign_reserved(ex, lease_type, iaid, hint, existing)
        if existing:
            result = IaResult()
            kept = [lease for lease in existing if self.kept(ex, lease, result, False)]
            if kept:
                return IaResult([self._refresh(ex, lease) for lease in kept])
        return self._allocate_new(ex, lease_type, iaid, hint)

    def _assign_reserved(
        self, ex: Exchange, lease_type: LeaseType, iaid: int, hint: Hint, existing: list[Lease6]
    ) -> IaResult:
        """allocateLeases6 cases 1 and 3: reserved lease first, then the checks."""
        result = IaResult()
        fresh = grant_reserved(self, ex, lease_type, iaid, hint, existing)
        leases = [lease for lease in existing if self.kept(ex, lease, result, False)]
        if fresh is not None:
            leases.append(fresh.lease)
        leases = drop_nonreserved(self, ex, leases, result, False)
        for lease in leases:
            if fresh is not None and lease is fresh.lease:
                result.granted.append(fresh)
            else:
                result.granted.append(self._refresh(ex, lease))
        if result.granted:
            return result
        return self._allocate_new(ex, lease_type, iaid, hint)

    def _client_leases(
        self, ex: Exchange, subnet: Subnet, lease_type: LeaseType, iaid: int
    ) -> list[Lease6]:
        found = ex.clients(ex.duid, iaid, lease_type)
        if not found:
            return found
        ids = [s.id for s in self.topology.network_order(subnet)]
        return [lease for sid in ids for lease in found if lease.subnet_id == sid]

    def _refresh(self, ex: Exchange, lease: Lease6) -> Granted:
        """Kea updateLeaseData: an existing lease handed out again (lifetimes unchanged)."""
        if ex.fake:
            return granted(lease)
        subnet = ex.subnet
        assert subnet is not None
        hostname, fqdn_fwd, fqdn_rev = lease_names(ex)
        updated = evolve6(
            lease, cltt=ex.cltt, hostname=hostname, fqdn_fwd=fqdn_fwd, fqdn_rev=fqdn_rev
        )
        if lease.state == _RECLAIMED:
            updated = evolve6(updated, state=_DEFAULT)
            owner = self.topology_subnet(lease.subnet_id) or subnet
            if in_pool(owner, lease.lease_type, int(lease.address)):
                count_assignment(ex, owner, updated)
        # A new name or new DNS flags for an address lease is a change: never from cache.
        if lease.lease_type == _PD or not names_differ(ex, lease):
            cached = reusable(subnet, lease, updated, lease.preferred_lifetime)
            if cached is not None:
                ex.record(_UPDATE, lease, commit=False)
                return Granted(lease, cached[0], cached[1], reused=True)
        ex.record(_UPDATE, updated)
        note_changed(ex, lease)
        return granted(updated)

    def topology_subnet(self, subnet_id: int) -> Subnet | None:
        """A subnet by id among the topology's subnets."""
        return self._by_id.get(subnet_id)

    subnet_by_id = topology_subnet

    def client_may_use(self, ex: Exchange, subnet: Subnet) -> bool:
        """Kea Network::clientSupported for the message's classes."""
        return client_supported(subnet, ex.classes)

    def _allocate_new(self, ex: Exchange, lease_type: LeaseType, iaid: int, hint: Hint) -> IaResult:
        found = self._from_hint(ex, lease_type, iaid, hint) if hint.address else None
        if found is None:
            found = self._from_pools(ex, lease_type, iaid, hint)
        return IaResult([] if found is None else [found], [])

    def _from_hint(
        self, ex: Exchange, lease_type: LeaseType, iaid: int, hint: Hint
    ) -> Granted | None:
        """The hinted address/prefix if a usable pool holds it and nobody holds it."""
        if hint.address == 0:
            return None
        assert ex.subnet is not None
        for subnet in self.topology.network_order(ex.subnet):
            if not client_supported(subnet, ex.classes):
                continue
            pool = find_pool(subnet, lease_type, hint.address, ex.classes)
            if pool is None:
                continue
            length = delegated_len(pool)
            if lease_type == _PD and hint.address & ((1 << (128 - length)) - 1):
                continue  # not the start of a delegated prefix: never overlap two prefixes
            current = ex.lease_at(lease_type, hint.address)
            if current is None and not ex.claimed(lease_type, hint.address):
                if self._hint_reserved(ex, subnet, lease_type, hint.address, False):
                    continue
                ex.subnet = subnet
                return self.commit_new(ex, subnet, lease_type, iaid, hint.address, length, hint)
            if current is not None and current.expired(ex.now):
                if self._hint_reserved(ex, subnet, lease_type, hint.address, True):
                    continue
                ex.subnet = subnet
                return self.take_over(ex, subnet, current, iaid, length, hint)
        return None

    def _hint_reserved(
        self, ex: Exchange, subnet: Subnet, lease_type: LeaseType, address: int, expired: bool
    ) -> bool:
        """Kea: a hint reserved for anyone is not used (the client's own were granted first)."""
        policy = ex.reservations
        if policy is None or not policy.reserved(subnet, lease_type, address, True):
            return False
        message_id = (
            "ALLOC_ENGINE_V6_EXPIRED_HINT_RESERVED" if expired else "ALLOC_ENGINE_V6_HINT_RESERVED"
        )
        ex.emit(message_id, ex.label, Address6Text(address))
        return True

    def _from_pools(
        self, ex: Exchange, lease_type: LeaseType, iaid: int, hint: Hint
    ) -> Granted | None:
        assert ex.subnet is not None
        start = self._preferred_subnet(ex.subnet, lease_type)
        ex.subnet = start
        with_leases = without_pools = attempts = 0
        is_free = self._is_free(ex, lease_type)
        for subnet in self.topology.network_order(start):
            if not client_supported(subnet, ex.classes):
                continue
            size = self._capacity_for(subnet, lease_type, ex.classes)
            if size == 0:
                without_pools += 1
                continue
            with_leases += 1
            # Kea's allocator stamps the subnet on every pick, found or not (Subnet::
            # setLastAllocated): the last subnet walked is the most recently used one.
            self.tick += 1
            self.usage[(subnet.id, lease_type)] = self.tick  # an IntEnum keys as its int
            picked = self.allocation.pick(
                subnet,
                lease_type,
                hint.address,
                ex.classes,
                is_free if ex.reservations is None else unreserved(ex, subnet, lease_type, is_free),
                ex.duid,
                iaid,
            )
            if picked is None:
                attempts += size
                continue
            address, length = picked
            attempts += 1
            ex.subnet = subnet
            current = ex.lease_at(lease_type, address)
            if current is not None:
                return self.take_over(ex, subnet, current, iaid, length, hint)
            return self.commit_new(ex, subnet, lease_type, iaid, address, length, hint)
        self._count_failure(ex, start, with_leases, without_pools, attempts)
        return None

    def in_pool(self, subnet: Subnet, lease_type: LeaseType, address: int) -> bool:
        """:func:`~pukeko.server.dhcp6.pools.in_pool` over pool spans kept per subnet and type."""
        key = (subnet.id, lease_type)
        spans = self._spans.get(key)
        if spans is None:
            spans = self._spans[key] = tuple(pool_span(p) for p in pools_for(subnet, lease_type))
        for first, last in spans:  # noqa: SIM110 -- a loop beats any(genexpr) on 3.11
            if first <= address <= last:
                return True
        return False

    def _capacity_for(self, subnet: Subnet, lease_type: LeaseType, classes: frozenset[str]) -> int:
        """:func:`capacity`, kept per subnet and type when no pool is guarded by a class."""
        key = (subnet.id, lease_type)
        size = self._capacity.get(key)
        if size is not None:
            return size
        size = capacity(subnet, lease_type, classes)
        if not any(pool.client_class for pool in pools_for(subnet, lease_type)):
            self._capacity[key] = size
        return size

    def _is_free(self, ex: Exchange, lease_type: LeaseType) -> Callable[[int], bool]:
        pending = ex.pending
        now = ex.now

        def is_free(address: int) -> bool:
            if pending.get((lease_type, address)) is not None:  # ex.claimed
                return False
            current = ex.lease_at(lease_type, address)
            return current is None or current.expired(now)

        return is_free

    def _preferred_subnet(self, subnet: Subnet, lease_type: LeaseType) -> Subnet:
        """Kea 2.2 SharedNetwork6::getPreferredSubnet: the last sibling (network order) of the
        same client class used more recently than ``subnet`` (not the most recent of all)."""
        if subnet.id not in self.topology.siblings:
            return subnet  # not in a shared network
        preferred = subnet
        own_tick = self.usage.get((subnet.id, int(lease_type)), 0)
        for sibling in self.topology.in_network(subnet):
            tick = self.usage.get((sibling.id, int(lease_type)), 0)
            if sibling.params.client_class == subnet.params.client_class and tick > own_tick:
                preferred = sibling
        return preferred

    def commit_new(
        self,
        ex: Exchange,
        subnet: Subnet,
        lease_type: LeaseType,
        iaid: int,
        address: int,
        length: int,
        hint: Hint,
    ) -> Granted:
        lease = new_lease(ex, subnet, lease_type, iaid, address, length, hint)
        ex.record(_ADD, lease, commit=not ex.fake)
        if not ex.fake:
            count_assignment(ex, subnet, lease, self.in_pool(subnet, lease_type, address))
        return granted(lease)

    def take_over(
        self, ex: Exchange, subnet: Subnet, expired: Lease6, iaid: int, length: int, hint: Hint
    ) -> Granted:
        lease = reuse_expired(ex, subnet, expired, iaid, length, hint)
        ex.record(_UPDATE, lease, commit=not ex.fake)
        if not ex.fake:
            count_assignment(ex, subnet, lease)
        return granted(lease)

    def _count_failure(
        self, ex: Exchange, subnet: Subnet, with_leases: int, without_pools: int, attempts: int
    ) -> None:
        """Kea's allocation failure statistics and warnings."""
        network = subnet.shared_network
        sid = subnet.id
        if network:
            ex.emit(
                "ALLOC_ENGINE_V6_ALLOC_FAIL_SHARED_NETWORK",
                ex.label,
                network,
                with_leases,
                without_pools,
            )
            names = [stats6.V6_ALLOCATION_FAIL_SHARED_NETWORK]
        else:
            ex.emit("ALLOC_ENGINE_V6_ALLOC_FAIL_SUBNET", ex.label, subnet.prefix, sid, "(none)")
            names = [stats6.V6_ALLOCATION_FAIL_SUBNET]
        if attempts == 0:
            ex.emit("ALLOC_ENGINE_V6_ALLOC_FAIL_NO_POOLS", ex.label)
            names.append(stats6.V6_ALLOCATION_FAIL_NO_POOLS)
        else:
            ex.emit("ALLOC_ENGINE_V6_ALLOC_FAIL", ex.label, attempts)
            names.append(stats6.V6_ALLOCATION_FAIL)
        if ex.classes:
            ex.emit("ALLOC_ENGINE_V6_ALLOC_FAIL_CLASSES", ex.label, class_text(ex.classes))
            names.append(stats6.V6_ALLOCATION_FAIL_CLASSES)
        for name in names:
            ex.stat(name)
            ex.stat(stats6.subnet_stat(sid, name))

    # --- Renew / Rebind ----------------------------------------------------------------------

    def renew(self, ex: Exchange, lease_type: LeaseType, iaid: int, hints: list[Hint]) -> IaResult:
        """Extend the IA's leases, or give it a new one (renewLeases6 / extendLease6)."""
        assert ex.subnet is not None
        first = hints[0] if hints else NO_HINT
        result = IaResult()
        existing = [
            lease
            for lease in self._client_leases(ex, ex.subnet, lease_type, iaid)
            if self.kept(ex, lease, result, True)
        ]
        fresh = None
        if ex.hosts:
            fresh = grant_reserved(self, ex, lease_type, iaid, first, existing)
            if fresh is not None:
                existing.append(fresh.lease)
            existing = drop_nonreserved(self, ex, existing, result, True)
            if fresh is not None:
                existing = [lease for lease in existing if lease is not fresh.lease]
        if not existing and fresh is None:
            new = self._allocate_new(ex, lease_type, iaid, first)
            new.retired[:0] = result.retired
            return new
        for lease in existing:
            self._extend(ex, lease, first, result)
        if fresh is not None:
            result.granted.append(fresh)
        return result

    def kept(self, ex: Exchange, lease: Lease6, result: IaResult, renewing: bool) -> bool:
        """Kea removeNonmatchingReservedLeases6: a lease reserved for another client, or (not
        reserved for this one and) outside every pool the client may use in the network, is
        taken away (deleted; on Renew/Rebind sent with lifetimes 0)."""
        if ex.hosts and reserved_for_client(ex, lease):
            return True
        policy = ex.reservations
        holders = self._holders(policy, ex, lease) if policy is not None else []
        if not holders and self._in_allowed_pool(ex, lease):
            return True
        if holders and not ex.fake:
            log_revoked(ex, lease, holders)
        self.take_away(ex, lease, result, renewing)
        return False

    def _holders(self, policy: HostPolicy6, ex: Exchange, lease: Lease6) -> list[Host]:
        owner = self._by_id.get(lease.subnet_id) or ex.subnet
        assert owner is not None
        return policy.holders(owner, lease.lease_type, int(lease.address))

    def _in_allowed_pool(self, ex: Exchange, lease: Lease6) -> bool:
        """Kea inAllowedPool: a pool the client may use, in any subnet it may use."""
        assert ex.subnet is not None
        address = int(lease.address)
        for subnet in self.topology.network_order(ex.subnet):
            if client_supported(subnet, ex.classes) and (
                find_pool(subnet, lease.lease_type, address, ex.classes) is not None
            ):
                return True
        return False

    def take_away(self, ex: Exchange, lease: Lease6, result: IaResult, renewing: bool) -> None:
        """Delete a lease the client may not keep (an Advertise only leaves it out)."""
        if ex.fake:
            return
        if renewing:
            self._revoke(ex, lease, result)
            return
        ex.record(_DELETE, lease)
        queue_removal(ex, lease)
        assigned = stats6.ASSIGNED_PDS if lease.lease_type == _PD else stats6.ASSIGNED_NAS
        ex.stat(stats6.subnet_stat(lease.subnet_id, assigned), -1)

    def _revoke(self, ex: Exchange, lease: Lease6, result: IaResult) -> None:
        """Delete a lease the client may no longer have; the reply sends it with lifetime 0."""
        ex.record(_DELETE, lease)
        queue_removal(ex, lease)
        assigned = stats6.ASSIGNED_PDS if lease.lease_type == _PD else stats6.ASSIGNED_NAS
        ex.stat(stats6.subnet_stat(lease.subnet_id, assigned), -1)
        result.retired.append(lease)
        retired(ex, lease)  # Kea extendIA_NA: a changed name is removed (again)

    def _extend(self, ex: Exchange, lease: Lease6, hint: Hint, result: IaResult) -> None:
        subnet = ex.subnet
        assert subnet is not None
        if subnet.id != lease.subnet_id:
            sibling = next(
                (s for s in self.topology.in_network(subnet) if s.id == lease.subnet_id), None
            )
            if sibling is not None:
                ex.subnet = subnet = sibling
        if (
            (lease.lease_type != _PD and IPv6Address(lease.address) not in subnet.prefix)
            or not client_supported(subnet, ex.classes)
        ) and not global_reserved(ex, lease):
            # No longer appropriate for the link (RFC 8415 §18.3.4): delete, send lifetime 0.
            self._revoke(ex, lease, result)
            return
        result.granted.append(self._extended(ex, subnet, lease, hint))

    def _extended(self, ex: Exchange, subnet: Subnet, lease: Lease6, hint: Hint) -> Granted:
        preferred, valid = lifetimes(subnet, hint, ex.class_lifetimes)
        hw = ex.hwaddr
        changed = preferred < lease.preferred_lifetime or valid < lease.valid_lifetime
        updated = evolve6(
            lease,
            preferred_lifetime=preferred,
            valid_lifetime=valid,
            cltt=ex.cltt,
            state=_DEFAULT,
        )
        if names_differ(ex, lease):
            changed = True
            updated = with_names(ex, updated)
        if hw is not None and (hw.address != lease.hwaddr or hw.htype != lease.hwtype):
            updated = evolve6(updated, hwaddr=hw.address, hwtype=hw.htype, hwaddr_source=hw.source)
            changed = True
        elif hw is None and lease.hwaddr:
            updated = evolve6(updated, hwaddr=b"", hwaddr_source=0)
            changed = True
        if lease.state != _DEFAULT:
            changed = True
        if lease.expired(ex.now):
            reclaim_stats(ex, lease)
            queue_removal(ex, lease)  # reclaimExpiredLease(old_data)
            if in_pool(subnet, lease.lease_type, int(lease.address)):
                count_assignment(ex, subnet, updated)
            changed = True
        updated, info_changed = with_extended_info(ex, subnet, updated)
        note_changed(ex, lease)  # Kea: changed_leases_ gets the old row, cached or not
        if not changed and not info_changed:
            cached = reusable(subnet, lease, updated, lease.preferred_lifetime)
            if cached is not None:
                ex.record(_UPDATE, lease, commit=False)
                return Granted(lease, cached[0], cached[1], reused=True)
        ex.record(_UPDATE, updated)
        return granted(updated)


def class_text(classes: frozenset[str]) -> str:
    """Kea ClientClasses::toText: the classes joined by ", " (ALL first)."""
    ordered = sorted(classes, key=lambda name: (name != "ALL", name))
    return ", ".join(ordered)
