"""Host reservations are rules (spec 000, issue 6): the mail's scenario and the core rules.

Client A holds X, then X is reserved for client B: B gets a normal address (WARN), A loses X on
its next Renew/Rebind/Request (lifetimes 0, WARN with Kea's REVOKED ID) and gets another one,
then B gets X. A reserved client gets its reservation whatever it asks for.
"""

from __future__ import annotations

from tests.support.dhcp6_client import (
    ADVERTISE,
    IA_NA,
    REPLY,
    SERVERID,
    IaSpec,
    duid_of,
    request_from,
    wire,
)
from tests.support.dhcp6_harness import SERVER_DUID
from tests.support.reservations6 import (
    acquire,
    config_text,
    events,
    find_event,
    hexid,
    holder,
    last,
    na,
    reconfigure,
    renew,
    request,
    serve,
    solicit,
)

from pukeko.leases.model import ChangeKind

A, B, C = duid_of(1), duid_of(2), duid_of(3)
X = "2001:db8:1::10"  # the first pool address: what A gets first
OUT = "2001:db8:1::100"  # outside the pool


def reserve(duid: bytes, *addresses: str, **extra: object) -> dict[str, object]:
    """A reservation entry by DUID."""
    return {"duid": hexid(duid), "ip-addresses": list(addresses), **extra}


# --- the 7 steps of the mail ---------------------------------------------------------------


def test_mail_scenario_reservation_added_while_another_client_holds_the_address() -> None:
    # 1-2. no reservations; client A gets X.
    h = serve(config_text())
    held_a = acquire(h, A)
    assert [a for a, _, _ in na(held_a)] == [X]
    # 3. the administrator reserves X for client B (config-set / reload).
    reconfigure(h, config_text([reserve(B, X)]))
    # 4. B asks: X is A's, so B gets a normal address, and the conflict is logged at WARN.
    adv_b = solicit(h, B)
    assert adv_b.msg_type == ADVERTISE
    ((y, _, _),) = na(adv_b)
    assert y != X
    conflict = find_event(last(h), "ALLOC_ENGINE_V6_HR_ADDR_CONFLICT")
    assert conflict.severity == "WARN"
    assert X in conflict.text and hexid(A) in conflict.text
    held_b = h.ask(wire(request_from(adv_b, B)))
    assert na(held_b) == [(y, 3000, 4000)]
    assert ("WARN", "ALLOC_ENGINE_V6_HR_ADDR_CONFLICT") in events(last(h))
    assert holder(h, X) == A and holder(h, y) == B
    # 5-6. A renews: X comes back with lifetimes 0, plus a new address; WARN with Kea's ID.
    renewed_a = renew(h, A, held_a)
    assert renewed_a.msg_type == REPLY
    (z, _, _), (x, pref, valid) = sorted(na(renewed_a), key=lambda item: item[0] == X)
    assert (x, pref, valid) == (X, 0, 0) and z not in (X, y)
    revoked = find_event(last(h), "ALLOC_ENGINE_V6_REVOKED_ADDR_LEASE")
    assert revoked.severity == "WARN"
    assert revoked.text == (
        f"address {X} was revoked from client {hexid(A)} as it is reserved for client "
        f"duid={B.hex().upper()}"
    )
    kinds = sorted((c.kind, str(c.lease.address)) for c in last(h).lease_changes)
    assert kinds == [(ChangeKind.ADD, z), (ChangeKind.DELETE, X)]
    assert holder(h, X) is None
    # 7. B asks again and gets X; its dynamic address is taken away.
    adv_b = solicit(h, B)
    assert [a for a, _, _ in na(adv_b)] == [X]
    assert not last(h).lease_changes  # an Advertise deletes nothing
    final_b = h.ask(wire(request_from(adv_b, B)))
    assert [a for a, _, _ in na(final_b)] == [X]
    assert ("INFO", "ALLOC_ENGINE_V6_HR_ADDR_GRANTED") in events(last(h))
    assert holder(h, X) == B and holder(h, y) is None and holder(h, z) == A


def test_reserved_client_renewing_its_dynamic_address_gets_the_freed_reservation() -> None:
    h = serve(config_text())
    held_a = acquire(h, A)
    reconfigure(h, config_text([reserve(B, X)]))
    held_b = acquire(h, B)  # ::11, X still A's
    renew(h, A, held_a, rebind=True)  # Rebind revokes too
    assert ("WARN", "ALLOC_ENGINE_V6_REVOKED_ADDR_LEASE") in events(last(h))
    renewed_b = renew(h, B, held_b)
    assert sorted(na(renewed_b)) == [(X, 3000, 4000), ("2001:db8:1::11", 0, 0)]
    granted = find_event(last(h), "ALLOC_ENGINE_V6_HR_ADDR_GRANTED")
    assert granted.severity == "INFO"
    assert granted.text.startswith(f"reserved address {X} was assigned to client duid=[")
    assert holder(h, X) == B and holder(h, "2001:db8:1::11") is None


def test_holder_requesting_the_reserved_address_loses_it_and_gets_another() -> None:
    h = serve(config_text())
    acquire(h, A)
    reconfigure(h, config_text([reserve(B, X)]))
    reply = request(h, A, [IaSpec(1, addresses=[(X, 0, 0)])], SERVER_DUID)
    assert [a for a, _, _ in na(reply)] == ["2001:db8:1::11"]
    assert ("WARN", "ALLOC_ENGINE_V6_REVOKED_ADDR_LEASE") in events(last(h))
    assert holder(h, X) is None


def test_holder_soliciting_is_offered_another_address_without_losing_its_lease_yet() -> None:
    h = serve(config_text())
    acquire(h, A)
    reconfigure(h, config_text([reserve(B, X)]))
    adv = solicit(h, A)
    assert [a for a, _, _ in na(adv)] == ["2001:db8:1::11"]
    assert not last(h).lease_changes and holder(h, X) == A


# --- the reserved client always gets its reservation ---------------------------------------


def test_reserved_client_gets_its_out_of_pool_address_whatever_it_hints() -> None:
    h = serve(config_text([reserve(B, OUT)]))
    reply = request(h, B, [IaSpec(1, addresses=[("2001:db8:1::15", 0, 0)])], SERVER_DUID)
    assert na(reply) == [(OUT, 3000, 4000)]
    (change,) = last(h).lease_changes
    assert (change.kind, str(change.lease.address)) == (ChangeKind.ADD, OUT)
    # out of pool: no assigned-nas statistic (Kea createLease6 counts in-pool leases only)
    assert "subnet[1].assigned-nas" not in h.stats(last(h))


def test_reserved_client_holding_a_dynamic_lease_is_moved_to_its_reservation() -> None:
    h = serve(config_text())
    held_b = acquire(h, B)
    assert [a for a, _, _ in na(held_b)] == [X]
    reconfigure(h, config_text([reserve(B, OUT)]))
    reply = request(h, B, [IaSpec(1, addresses=[(X, 0, 0)])], SERVER_DUID)
    assert na(reply) == [(OUT, 3000, 4000)]
    kinds = sorted((c.kind, str(c.lease.address)) for c in last(h).lease_changes)
    assert kinds == [(ChangeKind.ADD, OUT), (ChangeKind.DELETE, X)]
    assert h.stats(last(h))["subnet[1].assigned-nas"] == -1


def test_client_keeps_its_reserved_lease_on_request_and_renew() -> None:
    h = serve(config_text([reserve(B, OUT)]))
    held = acquire(h, B)
    assert na(held) == [(OUT, 3000, 4000)]
    again = acquire(h, B)
    assert na(again) == [(OUT, 3000, 4000)]
    renewed = renew(h, B, held)
    assert na(renewed) == [(OUT, 3000, 4000)]
    assert "ALLOC_ENGINE_V6_HR_ADDR_GRANTED" not in [m for _, m in events(last(h))]


def test_reservation_removed_takes_the_out_of_pool_address_away_on_renew() -> None:
    h = serve(config_text([reserve(B, OUT)]))
    held = acquire(h, B)
    reconfigure(h, config_text())
    renewed = renew(h, B, held)
    assert sorted(na(renewed)) == [(X, 3000, 4000), (OUT, 0, 0)]
    assert holder(h, OUT) is None


def test_reserved_address_is_never_given_to_another_client() -> None:
    h = serve(config_text([reserve(B, X, "2001:db8:1::11")]))
    for i in range(10, 20):
        reply = acquire(h, duid_of(i))
        assert [a for a, _, _ in na(reply)] not in ([X], ["2001:db8:1::11"])
    # hinting it does not help either (Kea ALLOC_ENGINE_V6_HINT_RESERVED)
    reply = request(h, C, [IaSpec(1, addresses=[(X, 0, 0)])], SERVER_DUID)
    assert [a for a, _, _ in na(reply)] != [X]
    assert holder(h, X) is None


def test_hint_reserved_is_logged_at_debug() -> None:
    h = serve(config_text([reserve(B, X)]))
    h.engine.debuglevel = 99
    request(h, C, [IaSpec(1, addresses=[(X, 0, 0)])], SERVER_DUID)
    found = find_event(last(h), "ALLOC_ENGINE_V6_HINT_RESERVED")
    assert (found.severity, found.debuglevel) == ("DEBUG", 40)


def test_pool_of_reserved_addresses_only_is_exhausted_for_others() -> None:
    tiny = "2001:db8:1::10-2001:db8:1::11"
    h = serve(config_text([reserve(B, X), reserve(C, "2001:db8:1::11")], pool=tiny))
    reply = acquire(h, A)
    assert reply.ias(IA_NA)[0].status() is not None  # NoAddrsAvail
    assert ("WARN", "ALLOC_ENGINE_V6_ALLOC_FAIL") in events(last(h))
    assert na(acquire(h, B)) == [(X, 3000, 4000)]


def test_two_ias_get_two_reserved_addresses() -> None:
    h = serve(config_text([reserve(B, OUT, "2001:db8:1::101")]))
    reply = acquire(h, B, [IaSpec(1), IaSpec(2)])
    assert [na(reply, 0)[0][0], na(reply, 1)[0][0]] == [OUT, "2001:db8:1::101"]
    # a third IA gets a dynamic address (one reservation per IA, as Kea)
    reply = acquire(h, B, [IaSpec(1), IaSpec(2), IaSpec(3)])
    assert [na(reply, i)[0][0] for i in range(3)] == [OUT, "2001:db8:1::101", X]


def test_expired_lease_on_reserved_address_is_taken_over_at_once() -> None:
    h = serve(config_text())
    acquire(h, A)
    reconfigure(h, config_text([reserve(B, X)]))
    h.now += 5000  # A's lease expired (valid 4000) but is still in the store
    reply = acquire(h, B)
    assert na(reply) == [(X, 3000, 4000)]
    assert holder(h, X) == B


def test_advertise_of_reserved_address_is_not_committed() -> None:
    h = serve(config_text([reserve(B, OUT)]))
    adv = solicit(h, B)
    assert na(adv) == [(OUT, 3000, 4000)] and adv.get(SERVERID) == SERVER_DUID
    assert not last(h).lease_changes and holder(h, OUT) is None
    assert ("INFO", "ALLOC_ENGINE_V6_HR_ADDR_GRANTED") in events(last(h))  # as Kea
