"""Lease rows as Kea 2.2's allocation engine writes them (alloc_engine.cc).

* lifetimes (getLifetimes6): the subnet's preferred/valid, or the client's non-zero hints
  clamped into ``[min, max]`` (Triplet::get);
* a new lease (createLease6), an expired lease taken over (reuseExpiredLease: reclaimed first,
  with Kea's reclamation statistics), an existing lease refreshed on Request (updateLeaseData:
  lifetimes kept, cltt moved) or extended on Renew/Rebind (extendLease6);
* lease caching (setLeaseReusable, ARM "Lease Caching"): when a refresh changes nothing and the
  lease is younger than ``cache-max-age`` and ``cache-threshold`` x valid lifetime, the stored
  lease is left alone and the reply carries its remaining lifetimes;
* ``store-extended-info`` (updateLease6ExtendedInfo): the relay chain goes into the lease's user
  context as ``{"ISC": {"relays": [{"hop", "link", "options", "peer"}, ...]}}``.
"""

from __future__ import annotations

import json
from ipaddress import IPv6Address
from typing import NamedTuple

from pukeko.alloc.lifetimes import lifetimes6
from pukeko.config.model import Lifetime, Subnet
from pukeko.leases.model import INFINITE_LIFETIME, Lease6, LeaseState, LeaseType
from pukeko.server.dhcp6 import stats6
from pukeko.server.dhcp6.context import Exchange
from pukeko.server.dhcp6.ddns6 import lease_names, queue_removal, with_names
from pukeko.server.dhcp6.lease_rows import evolve6, new_lease6
from pukeko.server.dhcp6.pools import in_pool
from pukeko.wire.pkt6 import Relay6, encode_options

# Enum members bound once: attribute access on an Enum class is slow on Python 3.11.
_PD = LeaseType.PD
_NA = LeaseType.NA
_RECLAIMED = LeaseState.EXPIRED_RECLAIMED
_DECLINED = LeaseState.DECLINED
_DEFAULT = LeaseState.DEFAULT


class Hint(NamedTuple):
    """What the client asked for in one IA: an address/prefix and lifetimes (0 = no wish)."""

    address: int = 0
    prefix_len: int = 0
    preferred: int = 0
    valid: int = 0


NO_HINT = Hint()
NO_HWADDR = (1, b"", 0)  # (htype, address, source) written when the client's is unknown


class Granted(NamedTuple):
    """A lease for the reply, with the lifetimes to send (cached leases send what is left)."""

    lease: Lease6
    preferred: int
    valid: int
    reused: bool = False  # Kea's reuseable_valid_lft_ != 0: the store was not written


_new_tuple = tuple.__new__


def granted(lease: Lease6) -> Granted:
    """``Granted(lease, lease.preferred_lifetime, lease.valid_lifetime)`` (on every grant).

    Built with ``tuple.__new__``: a NamedTuple's generated ``__new__`` costs twice as much.
    """
    return _new_tuple(Granted, (lease, lease.preferred_lifetime, lease.valid_lifetime, False))


def lifetimes(
    subnet: Subnet, hint: Hint, by_class: tuple[Lifetime | None, Lifetime | None] = (None, None)
) -> tuple[int, int]:
    """(preferred, valid) for a new or extended lease (getLifetimes6, hints clamped).

    ``by_class``: the preferred and valid lifetimes of the first of the client's classes
    defining each (Kea takes them over the subnet's).
    """
    params = subnet.params
    class_preferred, class_valid = by_class
    if not hint.preferred and not hint.valid and class_preferred is None and class_valid is None:
        return (
            params.preferred_lifetime or params.valid_lifetime
        ).default, params.valid_lifetime.default
    return lifetimes6(params, hint.preferred, hint.valid, class_preferred, class_valid)


def new_lease(
    ex: Exchange,
    subnet: Subnet,
    lease_type: LeaseType,
    iaid: int,
    address: int,
    prefix_len: int,
    hint: Hint,
) -> Lease6:
    """A fresh lease row for the client (createLease6)."""
    preferred, valid = lifetimes(subnet, hint, ex.class_lifetimes)
    htype, hwaddr, source = ex.hwaddr or NO_HWADDR
    lease = new_lease6(
        IPv6Address(address),
        lease_type,
        128 if lease_type != _PD else prefix_len,
        ex.duid,
        iaid,
        subnet.id,
        valid,
        preferred,
        int(ex.now),  # ex.cltt
        hwaddr,
        htype,
        source,
    )
    if ex.ddns is not None:  # the client's FQDN (Kea ctx.hostname_, fwd/rev_dns_update_)
        lease = with_names(ex, lease)
    if not ex.fake:
        lease = with_extended_info(ex, subnet, lease)[0]
    return lease


def count_assignment(
    ex: Exchange, subnet: Subnet, lease: Lease6, inside: bool | None = None
) -> None:
    """Kea's assigned/cumulative statistics when a lease inside a pool is committed.

    ``inside`` is whether the lease lies in one of the subnet's pools, when already known.
    """
    if inside is None:
        inside = in_pool(subnet, lease.lease_type, int(lease.address))
    if inside:
        ex.stats.extend(stats6.assignment_deltas(subnet.id, lease.lease_type == _PD))


def reclaim_stats(ex: Exchange, lease: Lease6) -> None:
    """Statistics of reclaiming an expired lease before reuse (reclaimExpiredLease)."""
    if lease.state == _RECLAIMED:
        return
    if lease.state == _DECLINED:
        ex.stat(stats6.subnet_stat(lease.subnet_id, stats6.DECLINED_ADDRESSES), -1)
        ex.stat(stats6.DECLINED_ADDRESSES, -1)
        ex.stat(stats6.RECLAIMED_DECLINED_ADDRESSES)
        ex.stat(stats6.subnet_stat(lease.subnet_id, stats6.RECLAIMED_DECLINED_ADDRESSES))
    if lease.lease_type in (_NA, _PD):
        name = stats6.assigned_stat(lease.lease_type == _PD)
        ex.stat(stats6.subnet_stat(lease.subnet_id, name), -1)
    ex.stat(stats6.RECLAIMED_LEASES)
    ex.stat(stats6.subnet_stat(lease.subnet_id, stats6.RECLAIMED_LEASES))


def reuse_expired(
    ex: Exchange, subnet: Subnet, expired: Lease6, iaid: int, prefix_len: int, hint: Hint
) -> Lease6:
    """Take over an expired lease for this client (reuseExpiredLease)."""
    if not ex.fake:
        reclaim_stats(ex, expired)
        queue_removal(ex, expired)  # reclaimExpiredLease: the old owner's DNS entries go
    preferred, valid = lifetimes(subnet, hint, ex.class_lifetimes)
    hw = ex.hwaddr
    hostname, fqdn_fwd, fqdn_rev = lease_names(ex)
    lease = evolve6(
        expired,
        iaid=iaid,
        duid=ex.duid,
        preferred_lifetime=preferred,
        valid_lifetime=valid,
        cltt=ex.cltt,
        subnet_id=subnet.id,
        hostname=hostname,
        fqdn_fwd=fqdn_fwd,
        fqdn_rev=fqdn_rev,
        prefix_len=prefix_len if expired.lease_type == _PD else 128,
        state=_DEFAULT,
        hwaddr=hw.address if hw else b"",
        hwtype=hw.htype if hw else 1,
        hwaddr_source=hw.source if hw else 0,
    )
    if not ex.fake:
        lease = with_extended_info(ex, subnet, lease)[0]
    return lease


def reusable(
    subnet: Subnet, old: Lease6, new: Lease6, current_preferred: int
) -> tuple[int, int] | None:
    """Remaining (preferred, valid) if the lease may be served from cache (setLeaseReusable)."""
    if new.state != _DEFAULT or new.cltt < old.cltt:
        return None
    age = new.cltt - old.cltt
    if age >= old.valid_lifetime:
        return None
    params = subnet.params
    max_age = 0
    if params.cache_max_age is not None:
        max_age = params.cache_max_age
        if max_age == 0 or age > max_age:
            return None
    if params.cache_threshold is not None:
        threshold = params.cache_threshold
        if threshold <= 0.0 or threshold > 1.0:
            return None
        max_age = int(new.valid_lifetime * threshold)
        if age > max_age:
            return None
    if max_age == 0:
        return None
    if current_preferred in (INFINITE_LIFETIME, 0):
        preferred = current_preferred
    elif current_preferred > age:
        preferred = current_preferred - age
    else:
        return None
    if old.valid_lifetime == INFINITE_LIFETIME:
        return preferred, INFINITE_LIFETIME
    return preferred, old.valid_lifetime - age


def relay_info(hops: list[Relay6]) -> list[dict[str, object]]:
    """Kea's relay list for the extended info: hop, link, peer and the options in hex."""
    relays: list[dict[str, object]] = []
    for hop in hops:
        entry: dict[str, object] = {
            "hop": hop.hop_count,
            "link": IPv6Address(hop.link_address).compressed,
            "peer": IPv6Address(hop.peer_address).compressed,
        }
        if hop.options:
            ordered = sorted(hop.options, key=lambda item: item[0])
            entry["options"] = "0x" + encode_options(ordered).hex().upper()
        relays.append(entry)
    return relays


def with_extended_info(ex: Exchange, subnet: Subnet, lease: Lease6) -> tuple[Lease6, bool]:
    """Lease with ``ISC.relays`` stored when ``store-extended-info`` is on; changed flag."""
    if not subnet.params.store_extended_info or not ex.hops:
        return lease, False
    try:
        context = json.loads(lease.user_context) if lease.user_context else {}
    except ValueError:
        context = {}
    if not isinstance(context, dict):
        context = {}
    extended = {"relays": relay_info(ex.hops)}
    if context.get("ISC") == extended:
        return lease, False
    context["ISC"] = extended
    return evolve6(lease, user_context=kea_json(context)), True


def kea_json(value: object) -> str:
    """JSON text the way Kea's Element::str prints it (maps sorted, ", " and ": " separators)."""
    if isinstance(value, dict):
        items = ", ".join(f"{json.dumps(str(k))}: {kea_json(v)}" for k, v in sorted(value.items()))
        return "{ " + items + " }" if items else "{  }"
    if isinstance(value, list):
        inner = ", ".join(kea_json(v) for v in value)
        return "[ " + inner + " ]" if inner else "[  ]"
    return json.dumps(value)
