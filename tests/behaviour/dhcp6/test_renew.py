"""Renew / Rebind -> Reply (RFC 8415 §18.3.4, §18.3.5), lease caching, lifetimes 0."""

from __future__ import annotations

from tests.support.dhcp6_client import (
    IA_NA,
    IA_PD,
    REBIND,
    RENEW,
    REQUEST,
    IaSpec,
    addresses_of,
    duid_ll,
    ia_status,
    message,
    prefixes_of,
    read_reply,
    request_from,
    wire,
)
from tests.support.dhcp6_harness import BASIC, SERVER_DUID, harness

from pukeko.leases.model import ChangeKind

DUID = duid_ll()


def _bound(config: str = BASIC):  # type: ignore[no-untyped-def]
    h = harness(config)
    reply = h.ask(
        wire(message(REQUEST, DUID, [IaSpec(1), IaSpec(2, pd=True)], server_id=SERVER_DUID))
    )
    return h, reply


def test_renew_extends_lifetimes_and_moves_cltt() -> None:
    h, bound = _bound()
    h.now += 1000
    reply = h.ask(wire(request_from(bound, DUID, RENEW)))
    (ia,) = reply.ias(IA_NA)
    assert (ia.t1, ia.t2) == (1000, 2000)
    assert addresses_of(ia) == [("2001:db8:1::10", 3000, 4000)]
    assert prefixes_of(reply.ias(IA_PD)[0]) == [("2001:db8:8::", 56, 3000, 4000)]
    changes = h.outcomes[-1].lease_changes
    assert [c.kind for c in changes] == [ChangeKind.UPDATE, ChangeKind.UPDATE]
    assert all(c.lease.cltt == h.now for c in changes)
    assert [e.message_id for e in h.outcomes[-1].log] == [
        "DHCP6_LEASE_RENEW",
        "DHCP6_PD_LEASE_RENEW",
    ]


def test_rebind_extends_too() -> None:
    h, bound = _bound()
    reply = h.ask(wire(request_from(bound, DUID, REBIND)))
    assert addresses_of(reply.ias(IA_NA)[0]) == [("2001:db8:1::10", 3000, 4000)]
    assert h.stats(h.outcomes[-1])["pkt6-rebind-received"] == 1


def test_renew_of_unknown_address_gets_new_lease_and_zero_lifetimes() -> None:
    h = harness(BASIC)
    spec = IaSpec(1, addresses=[("2001:db8:99::1", 3000, 4000)])
    reply = h.ask(wire(message(RENEW, DUID, [spec], server_id=SERVER_DUID)))
    (ia,) = reply.ias(IA_NA)
    # Kea 2.2 allocates a new lease and tells the client to drop the old address.
    assert addresses_of(ia) == [("2001:db8:1::10", 3000, 4000), ("2001:db8:99::1", 0, 0)]


def test_renew_without_subnet_is_no_binding() -> None:
    h = harness(BASIC)
    spec = IaSpec(1, addresses=[("2001:db8:1::10", 0, 0)])
    data = wire(message(RENEW, DUID, [spec, IaSpec(2, pd=True)], server_id=SERVER_DUID))
    reply = h.ask(data, interface="eth9")
    assert ia_status(reply.ias(IA_NA)[0]) == (3, "Sorry, no known leases for this duid/iaid.")
    assert ia_status(reply.ias(IA_PD)[0]) == (3, "Sorry, no known PD leases for this duid/iaid.")


def test_rebind_prefix_without_subnet_is_discarded() -> None:
    h = harness(BASIC)
    data = wire(message(REBIND, DUID, [IaSpec(2, pd=True)]))
    outcome = h.send(data, interface="eth9")
    assert outcome.reply is None and outcome.dropped
    assert h.stats(outcome)["pkt6-receive-drop"] == 1


def test_cached_lease_is_returned_without_writing() -> None:
    config = BASIC.replace('"renew-timer": 1000,', '"renew-timer": 1000, "cache-threshold": 0.25,')
    h, bound = _bound(config)
    h.now += 600  # younger than 25 % of the 4000 s valid lifetime
    reply = h.ask(wire(request_from(bound, DUID, RENEW)))
    assert addresses_of(reply.ias(IA_NA)[0]) == [("2001:db8:1::10", 2400, 3400)]
    assert h.outcomes[-1].lease_changes == ()
    assert "DHCP6_LEASE_REUSE" in [e.message_id for e in h.outcomes[-1].log]
    h.now += 1000  # now older than the threshold: written again
    h.ask(wire(request_from(bound, DUID, RENEW)))
    assert len(h.outcomes[-1].lease_changes) == 2


def test_renew_reply_is_what_request_gave_for_read_back() -> None:
    h, bound = _bound()
    out = h.send(wire(request_from(bound, DUID, RENEW)))
    assert out.reply is not None
    assert read_reply(out.reply).ias(IA_NA)[0].iaid == 1
