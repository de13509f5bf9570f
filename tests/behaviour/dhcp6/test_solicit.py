"""Solicit -> Advertise (RFC 8415 §18.3.1), as Kea 2.2 answers it."""

from __future__ import annotations

from tests.support.dhcp6_client import (
    ADVERTISE,
    CLIENTID,
    IA_NA,
    IA_PD,
    SERVERID,
    SOLICIT,
    IaSpec,
    addresses_of,
    duid_ll,
    message,
    prefixes_of,
    wire,
)
from tests.support.dhcp6_harness import BASIC, SERVER_DUID, harness

DUID = duid_ll()


def test_advertise_offers_first_pool_address_without_committing() -> None:
    h = harness(BASIC)
    reply = h.ask(wire(message(SOLICIT, DUID, [IaSpec(1)], xid=0xABCDEF, oro=[23])))
    assert reply.msg_type == ADVERTISE
    assert reply.xid == 0xABCDEF
    assert reply.get(CLIENTID) == DUID
    assert reply.get(SERVERID) == SERVER_DUID
    # Kea orders options by code: client-id, server-id, IA_NA, dns-servers.
    assert reply.codes() == [1, 2, 3, 23]
    (ia,) = reply.ias(IA_NA)
    assert (ia.iaid, ia.t1, ia.t2) == (1, 1000, 2000)
    assert addresses_of(ia) == [("2001:db8:1::10", 3000, 4000)]
    assert h.outcomes[-1].lease_changes == ()
    assert h.leases.rows == {}


def test_advertise_statistics_and_log() -> None:
    h = harness(BASIC)
    outcome = h.send(wire(message(SOLICIT, DUID, [IaSpec(7)])))
    assert h.stats(outcome) == {
        "pkt6-received": 1,
        "pkt6-solicit-received": 1,
        "pkt6-sent": 1,
        "pkt6-advertise-sent": 1,
    }
    ids = [e.message_id for e in outcome.log]
    assert ids == ["DHCP6_LEASE_ADVERT"]
    assert outcome.log[0].text == (
        "duid=[00:03:00:01:00:11:22:33:44:55], tid=0x123456: lease for address"
        " 2001:db8:1::10 and iaid=7 will be advertised"
    )
    assert outcome.destination_port == 546


def test_advertise_prefix() -> None:
    h = harness(BASIC)
    reply = h.ask(wire(message(SOLICIT, DUID, [IaSpec(1), IaSpec(2, pd=True)])))
    (pd,) = reply.ias(IA_PD)
    assert prefixes_of(pd) == [("2001:db8:8::", 56, 3000, 4000)]
    assert reply.codes() == [1, 2, 3, 25]
