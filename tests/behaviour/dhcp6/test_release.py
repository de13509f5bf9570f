"""Release and Decline (RFC 8415 §18.3.7, §18.3.8) with Kea's status texts and statistics."""

from __future__ import annotations

from tests.support.dhcp6_client import (
    DECLINE,
    IA_NA,
    IA_PD,
    RELEASE,
    REQUEST,
    IaSpec,
    duid_ll,
    duid_of,
    ia_status,
    message,
    request_from,
    wire,
)
from tests.support.dhcp6_harness import BASIC, SERVER_DUID, harness

from pukeko.leases.model import ChangeKind, LeaseState

DUID = duid_ll()


def _bound():  # type: ignore[no-untyped-def]
    h = harness(BASIC)
    reply = h.ask(
        wire(message(REQUEST, DUID, [IaSpec(1), IaSpec(2, pd=True)], server_id=SERVER_DUID))
    )
    return h, reply


def test_release_deletes_leases_and_says_thanks() -> None:
    h, bound = _bound()
    reply = h.ask(wire(request_from(bound, DUID, RELEASE)))
    assert reply.codes() == [1, 2, 3, 13, 25]
    thanks = (0, "Lease released. Thank you, please come again.")
    assert ia_status(reply.ias(IA_NA)[0]) == thanks
    assert ia_status(reply.ias(IA_PD)[0]) == thanks
    assert reply.status() == (0, "Summary status for all processed IA_NAs")
    changes = h.outcomes[-1].lease_changes
    assert [c.kind for c in changes] == [ChangeKind.DELETE, ChangeKind.DELETE]
    assert h.leases.rows == {}
    stats = h.stats(h.outcomes[-1])
    assert stats["subnet[1].assigned-nas"] == -1 and stats["subnet[1].assigned-pds"] == -1


def test_release_of_someone_elses_address() -> None:
    h, bound = _bound()
    reply = h.ask(wire(request_from(bound, duid_of(7), RELEASE)))
    assert ia_status(reply.ias(IA_NA)[0]) == (
        3,
        "This address does not belong to you, you can't release it",
    )
    assert reply.status() == (3, "Summary status for all processed IA_NAs")
    assert h.outcomes[-1].lease_changes == ()


def test_release_wrong_iaid_and_missing_address() -> None:
    h, _ = _bound()
    wrong = IaSpec(9, addresses=[("2001:db8:1::10", 0, 0)])
    reply = h.ask(wire(message(RELEASE, DUID, [wrong, IaSpec(4)], server_id=SERVER_DUID)))
    first, second = reply.ias(IA_NA)
    assert ia_status(first) == (3, "This is your address, but you used wrong IAID")
    assert ia_status(second) == (3, "You did not include an address in your RELEASE")


def test_decline_marks_address_declined_for_probation() -> None:
    config = BASIC.replace('"renew-timer"', '"decline-probation-period": 600, "renew-timer"')
    h = harness(config)
    bound = h.ask(wire(message(REQUEST, DUID, [IaSpec(1)], server_id=SERVER_DUID)))
    reply = h.ask(wire(request_from(bound, DUID, DECLINE)))
    (ia,) = reply.ias(IA_NA)
    assert ia_status(ia) == (0, "Lease declined. Hopefully the next one will be better.")
    assert reply.status() is None
    (change,) = h.outcomes[-1].lease_changes
    lease = change.lease
    assert lease.state == LeaseState.DECLINED
    assert (lease.duid, lease.valid_lifetime, lease.preferred_lifetime) == (b"\x00", 600, 0)
    stats = h.stats(h.outcomes[-1])
    assert stats["declined-addresses"] == 1 and stats["subnet[1].declined-addresses"] == 1
    # The declined address is not offered to the next client.
    nxt = h.ask(wire(message(REQUEST, duid_of(3), [IaSpec(1)], server_id=SERVER_DUID)))
    assert str(nxt.ias(IA_NA)[0].addresses()[0].address.hex()) != lease.address.packed.hex()


def test_decline_unknown_and_empty() -> None:
    h = harness(BASIC)
    unknown = IaSpec(1, addresses=[("2001:db8:1::77", 0, 0)])
    reply = h.ask(wire(message(DECLINE, DUID, [unknown, IaSpec(2)], server_id=SERVER_DUID)))
    first, second = reply.ias(IA_NA)
    assert ia_status(first) == (3, "Server does not know about such an address.")
    assert ia_status(second) == (3, "No addresses sent in IA_NA")
