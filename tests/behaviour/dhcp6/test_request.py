"""Request -> Reply (RFC 8415 §18.3.2), several IAs (RFC 7550), lease changes and statistics."""

from __future__ import annotations

from ipaddress import IPv6Address

from tests.support.dhcp6_client import (
    IA_NA,
    IA_PD,
    REPLY,
    REQUEST,
    SOLICIT,
    IaSpec,
    addresses_of,
    duid_ll,
    duid_of,
    ia_status,
    message,
    prefixes_of,
    request_from,
    wire,
)
from tests.support.dhcp6_harness import BASIC, SERVER_DUID, harness

from pukeko.leases.model import ChangeKind, LeaseState, LeaseType

DUID = duid_ll()

TINY = BASIC.replace("2001:db8:1::10-2001:db8:1::1f", "2001:db8:1::10-2001:db8:1::11")


def test_request_commits_advertised_address() -> None:
    h = harness(BASIC)
    adv = h.ask(wire(message(SOLICIT, DUID, [IaSpec(1)])))
    outcome = h.send(wire(request_from(adv, DUID)))
    reply = h.ask(wire(request_from(adv, DUID, xid=0x111111)))  # repeated Request: same lease
    assert reply.msg_type == REPLY and reply.xid == 0x111111
    (change,) = outcome.lease_changes
    assert change.kind == ChangeKind.ADD
    lease = change.lease
    assert lease.address == IPv6Address("2001:db8:1::10")
    assert (lease.duid, lease.iaid, lease.subnet_id) == (DUID, 1, 1)
    assert (lease.preferred_lifetime, lease.valid_lifetime, lease.cltt) == (3000, 4000, h.now)
    assert lease.hwaddr == bytes.fromhex("001122334455")  # from the DUID-LL (Kea getMAC)
    assert addresses_of(reply.ias(IA_NA)[0]) == [("2001:db8:1::10", 3000, 4000)]
    assert h.stats(outcome) == {
        "pkt6-received": 1,
        "pkt6-request-received": 1,
        "pkt6-sent": 1,
        "pkt6-reply-sent": 1,
        "subnet[1].assigned-nas": 1,
        "subnet[1].cumulative-assigned-nas": 1,
        "cumulative-assigned-nas": 1,
    }
    assert [e.message_id for e in outcome.log] == ["DHCP6_LEASE_ALLOC"]
    assert outcome.log[0].text.endswith("has been allocated for 4000 seconds")


def test_request_for_another_clients_address_gets_a_different_one() -> None:
    h = harness(BASIC)
    adv = h.ask(wire(message(SOLICIT, DUID, [IaSpec(1)])))
    h.send(wire(request_from(adv, DUID)))
    other = duid_of(2)
    hinted = message(
        REQUEST, other, [IaSpec(1, addresses=[("2001:db8:1::10", 0, 0)])], server_id=SERVER_DUID
    )
    reply = h.ask(wire(hinted))
    assert addresses_of(reply.ias(IA_NA)[0]) == [("2001:db8:1::11", 3000, 4000)]


def test_hint_lifetimes_are_clamped_between_min_and_max() -> None:
    config = BASIC.replace(
        '"preferred-lifetime": 3000, "valid-lifetime": 4000,',
        '"preferred-lifetime": 3000, "min-preferred-lifetime": 2000,'
        ' "max-preferred-lifetime": 3500, "valid-lifetime": 4000,'
        ' "min-valid-lifetime": 3600, "max-valid-lifetime": 5000,',
    )
    h = harness(config)
    spec = IaSpec(1, addresses=[("2001:db8:1::15", 100, 9000)])
    reply = h.ask(wire(message(REQUEST, DUID, [spec], server_id=SERVER_DUID)))
    assert addresses_of(reply.ias(IA_NA)[0]) == [("2001:db8:1::15", 2000, 5000)]


def test_each_ia_on_its_own_when_pool_runs_out_rfc7550() -> None:
    h = harness(TINY)
    ias = [IaSpec(1), IaSpec(2), IaSpec(3), IaSpec(4, pd=True)]
    reply = h.ask(wire(message(REQUEST, DUID, ias, server_id=SERVER_DUID)))
    na = reply.ias(IA_NA)
    assert [ia.iaid for ia in na] == [1, 2, 3]
    assert addresses_of(na[0]) == [("2001:db8:1::10", 3000, 4000)]
    assert addresses_of(na[1]) == [("2001:db8:1::11", 3000, 4000)]
    assert addresses_of(na[2]) == []
    assert ia_status(na[2]) == (2, "Sorry, no address could be allocated.")
    assert (na[2].t1, na[2].t2) == (0, 0)
    assert prefixes_of(reply.ias(IA_PD)[0]) == [("2001:db8:8::", 56, 3000, 4000)]
    outcome = h.outcomes[-1]
    assert len(outcome.lease_changes) == 3
    stats = h.stats(outcome)
    assert stats["v6-allocation-fail"] == 1
    assert stats["v6-allocation-fail-subnet"] == 1
    assert stats["subnet[1].v6-allocation-fail"] == 1
    assert stats["v6-allocation-fail-classes"] == 1
    assert "ALLOC_ENGINE_V6_ALLOC_FAIL_SUBNET" in [e.message_id for e in outcome.log]


def test_advertise_when_pools_are_empty_rfc7550() -> None:
    h = harness(TINY)
    h.ask(wire(message(REQUEST, duid_of(1), [IaSpec(1), IaSpec(2)], server_id=SERVER_DUID)))
    reply = h.ask(wire(message(SOLICIT, DUID, [IaSpec(9)])))
    (ia,) = reply.ias(IA_NA)
    assert ia_status(ia) == (2, "Sorry, no address could be allocated.")


def test_no_subnet_means_no_addrs_avail_with_kea_text() -> None:
    h = harness(BASIC)
    msg = message(SOLICIT, DUID, [IaSpec(1), IaSpec(2, pd=True)], oro=[23])
    reply = h.ask(wire(msg), interface="eth9")
    assert ia_status(reply.ias(IA_NA)[0]) == (2, "Server could not select subnet for this client")
    assert ia_status(reply.ias(IA_PD)[0]) == (6, "Sorry, no subnet available.")
    assert reply.codes() == [1, 2, 3, 23, 25]  # global options still apply


def test_expired_lease_of_another_client_is_reused_with_reclaim_stats() -> None:
    h = harness(TINY)
    h.ask(wire(message(REQUEST, duid_of(1), [IaSpec(1), IaSpec(2)], server_id=SERVER_DUID)))
    h.now += 10_000  # both leases expired, not reclaimed
    reply = h.ask(wire(message(REQUEST, DUID, [IaSpec(5)], server_id=SERVER_DUID)))
    (ia,) = reply.ias(IA_NA)
    assert ia_status(ia) is None
    (change,) = h.outcomes[-1].lease_changes
    assert change.kind == ChangeKind.UPDATE
    assert change.lease.duid == DUID and change.lease.state == LeaseState.DEFAULT
    stats = h.stats(h.outcomes[-1])
    assert stats["reclaimed-leases"] == 1
    assert stats["subnet[1].assigned-nas"] == 0  # -1 on reclaim, +1 on reuse


def test_prefix_lease_row() -> None:
    h = harness(BASIC)
    h.ask(wire(message(REQUEST, DUID, [IaSpec(3, pd=True)], server_id=SERVER_DUID)))
    (change,) = h.outcomes[-1].lease_changes
    assert change.lease.lease_type == LeaseType.PD
    assert change.lease.prefix_len == 56
    assert h.stats(h.outcomes[-1])["subnet[1].assigned-pds"] == 1
