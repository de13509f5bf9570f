"""Every reservation form: global vs in-subnet, prefixes, identifiers (hw-address from
mac-sources, duid, flex-id) and their order, the reservations-* flags, non-unique addresses and
host views with surprising content."""

from __future__ import annotations

from ipaddress import IPv6Address, IPv6Network
from typing import Any

from tests.support.dhcp6_client import (
    IA_PD,
    REQUEST,
    SOLICIT,
    IaSpec,
    duid_of,
    message,
    read_reply,
    relayed,
    request_from,
    wire,
)
from tests.support.dhcp6_harness import SERVER_DUID, Harness, harness
from tests.support.reservations6 import (
    acquire,
    config_text,
    events,
    find_event,
    hexid,
    holder,
    last,
    na,
    pd,
    reconfigure,
    renew,
    request,
    serve,
    solicit,
)

from pukeko.config.load import load_config
from pukeko.hosts.memory import MemoryHostStore
from pukeko.hosts.model import Host, IdentifierType
from pukeko.leases.model import ChangeKind, LeaseType
from pukeko.server.dhcp6.alloc_adapter import allocation_for
from pukeko.server.dhcp6.engine import Dhcp6Engine

A, B, C = duid_of(1), duid_of(2), duid_of(3)
X = "2001:db8:1::10"
OUT = "2001:db8:1::100"
OUT2 = "2001:db8:1::101"
RESERVED_PREFIX = "2001:db8:9::"  # outside the pd-pool 2001:db8:8::/48


def reserve(duid: bytes, *addresses: str, **extra: Any) -> dict[str, Any]:
    return {"duid": hexid(duid), "ip-addresses": list(addresses), **extra}


# --- global and in-subnet reservations -----------------------------------------------------

GLOBAL_ONLY = {"reservations-global": True, "reservations-in-subnet": False}


def test_global_reservation_is_served_when_reservations_global_is_on() -> None:
    h = serve(config_text(top=GLOBAL_ONLY, global_reservations=[reserve(B, OUT)]))
    assert na(acquire(h, B)) == [(OUT, 3000, 4000)]
    (lease,) = [lease for lease in h.leases if lease.duid == B]
    assert lease.subnet_id == 1


def test_global_reservation_is_ignored_by_default() -> None:
    h = serve(config_text(global_reservations=[reserve(B, OUT)]))
    assert [a for a, _, _ in na(acquire(h, B))] == [X]


def test_reservation_mode_global_is_the_same_as_the_flags() -> None:
    h = serve(
        config_text(top={"reservation-mode": "global"}, global_reservations=[reserve(B, OUT)])
    )
    assert na(acquire(h, B)) == [(OUT, 3000, 4000)]


def test_subnet_reservation_wins_over_the_global_one() -> None:
    both = {"reservations-global": True, "reservations-in-subnet": True}
    text = config_text(
        [reserve(B, OUT2, hostname="subnet-host")],
        top=both,
        global_reservations=[reserve(B, OUT, hostname="global-host")],
    )
    h = serve(text)
    reply = acquire(h, B)
    assert na(reply) == [(OUT2, 3000, 4000)]
    lease = h.leases.get(LeaseType.NA, IPv6Address(OUT2))
    assert lease is not None and lease.hostname == "subnet-host"
    # a second IA gets the global host's address (allocateGlobalReservedLeases6)
    reply = acquire(h, B, [IaSpec(1), IaSpec(2)])
    assert [na(reply, 0)[0][0], na(reply, 1)[0][0]] == [OUT2, OUT]


def test_global_reserved_in_pool_address_is_kept_from_other_clients() -> None:
    h = serve(config_text(top=GLOBAL_ONLY, global_reservations=[reserve(B, X)]))
    assert [a for a, _, _ in na(acquire(h, A))] == ["2001:db8:1::11"]
    assert na(acquire(h, B)) == [(X, 3000, 4000)]


def test_global_reservation_outside_the_subnet_is_renewed() -> None:
    elsewhere = "2001:db8:5::5"
    h = serve(config_text(top=GLOBAL_ONLY, global_reservations=[reserve(B, elsewhere)]))
    held = acquire(h, B)
    assert na(held) == [(elsewhere, 3000, 4000)]
    assert na(renew(h, B, held)) == [(elsewhere, 3000, 4000)]


def test_reservation_mode_disabled_ignores_reservations() -> None:
    h = serve(config_text([reserve(B, X)], subnet_extra={"reservation-mode": "disabled"}))
    assert [a for a, _, _ in na(acquire(h, A))] == [X]  # nobody checks the reservation
    assert [a for a, _, _ in na(acquire(h, B))] != [X]


# --- prefixes ------------------------------------------------------------------------------


def test_reserved_prefix_is_delegated() -> None:
    text = config_text([{"duid": hexid(B), "prefixes": [f"{RESERVED_PREFIX}/56"]}])
    h = serve(text)
    reply = acquire(h, B, [IaSpec(1, pd=True)])
    assert pd(reply) == [(RESERVED_PREFIX, 56, 3000, 4000)]
    granted = find_event(last(h), "ALLOC_ENGINE_V6_HR_PREFIX_GRANTED")
    assert granted.severity == "INFO"
    assert granted.text.startswith(f"reserved prefix {RESERVED_PREFIX}/56 was assigned")


def test_prefix_held_by_another_client_is_revoked_on_renew() -> None:
    h = serve(config_text())
    held_a = acquire(h, A, [IaSpec(1, pd=True)])
    ((prefix, length, _, _),) = pd(held_a)
    reconfigure(h, config_text([{"duid": hexid(B), "prefixes": [f"{prefix}/{length}"]}]))
    held_b = acquire(h, B, [IaSpec(1, pd=True)])
    assert pd(held_b)[0][0] != prefix
    assert ("WARN", "ALLOC_ENGINE_V6_HR_PREFIX_CONFLICT") in events(last(h))
    renewed = renew(h, A, held_a)
    assert (prefix, length, 0, 0) in pd(renewed)
    revoked = find_event(last(h), "ALLOC_ENGINE_V6_REVOKED_PREFIX_LEASE")
    assert revoked.severity == "WARN"
    assert revoked.text.startswith(f"prefix {prefix}/{length} was revoked from client {hexid(A)}")
    renewed_b = renew(h, B, held_b)
    assert (prefix, length, 3000, 4000) in pd(renewed_b)


def test_address_and_prefix_reservations_in_one_host() -> None:
    text = config_text(
        [{"duid": hexid(B), "ip-addresses": [OUT], "prefixes": [f"{RESERVED_PREFIX}/56"]}]
    )
    h = serve(text)
    reply = acquire(h, B, [IaSpec(1), IaSpec(2, pd=True)])
    assert na(reply) == [(OUT, 3000, 4000)]
    assert pd(reply) == [(RESERVED_PREFIX, 56, 3000, 4000)]
    assert {c.kind for c in last(h).lease_changes} == {ChangeKind.ADD}


# --- identifiers ---------------------------------------------------------------------------


def test_hw_address_reservation_matches_the_duid_ll_mac() -> None:
    text = config_text([{"hw-address": "00:00:00:00:00:02", "ip-addresses": [OUT]}])
    h = serve(text)
    assert na(acquire(h, B)) == [(OUT, 3000, 4000)]  # duid_of(2) is a DUID-LL of ...:02


def test_identifier_order_decides_between_two_hosts() -> None:
    hosts = [
        {"hw-address": "00:00:00:00:00:02", "ip-addresses": [OUT]},
        reserve(B, OUT2),
    ]
    h = serve(config_text(hosts))
    assert na(acquire(h, B)) == [(OUT, 3000, 4000)]  # default: hw-address first
    h = serve(config_text(hosts, top={"host-reservation-identifiers": ["duid", "hw-address"]}))
    assert na(acquire(h, B)) == [(OUT2, 3000, 4000)]
    h = serve(config_text([reserve(B, OUT2)], top={"host-reservation-identifiers": ["hw-address"]}))
    assert [a for a, _, _ in na(acquire(h, B))] == [X]  # duid not looked at


FLEX_HOOK = {
    "hooks-libraries": [
        {
            "library": "/usr/lib/kea/hooks/libdhcp_flex_id.so",
            "parameters": {"identifier-expression": "relay6[0].option[18].hex"},
        }
    ],
    "host-reservation-identifiers": ["flex-id", "duid"],
}


def _relayed_request(duid: bytes, interface_id: bytes, msg_type: int = SOLICIT) -> bytes:
    inner = message(
        msg_type, duid, [IaSpec(1)], server_id=SERVER_DUID if msg_type == REQUEST else None
    )
    hop = ("2001:db8:1::1", "fe80::1", [(18, interface_id)])
    return wire(relayed(inner, [hop]))


def test_flex_id_from_the_identifier_expression() -> None:
    text = config_text([{"flex-id": "'port-7'", "ip-addresses": [OUT]}], top=FLEX_HOOK)
    h = serve(text)
    reply = read_reply(h.send(_relayed_request(A, b"port-7"), source="fe80::1").reply or b"")
    assert na(reply) == [(OUT, 3000, 4000)]
    other = read_reply(h.send(_relayed_request(C, b"port-8"), source="fe80::1").reply or b"")
    assert [a for a, _, _ in na(other)] != [OUT]


def test_flex_id_needs_the_hook() -> None:
    top = {"host-reservation-identifiers": ["flex-id", "duid"]}
    h = serve(config_text([{"flex-id": "'port-7'", "ip-addresses": [OUT]}], top=top))
    reply = read_reply(h.send(_relayed_request(A, b"port-7"), source="fe80::1").reply or b"")
    assert [a for a, _, _ in na(reply)] != [OUT]


def _remote_id_solicit(duid: bytes, remote: bytes, msg_type: int = SOLICIT) -> bytes:
    inner = message(
        msg_type, duid, [IaSpec(1)], server_id=SERVER_DUID if msg_type == REQUEST else None
    )
    options = [(37, (3561).to_bytes(4, "big") + remote)]
    return wire(relayed(inner, [("2001:db8:1::1", "2001:db8:1::77", options)]))


def test_mac_sources_remote_id_gives_the_hardware_address() -> None:
    remote = bytes.fromhex("aabbccddeeff")
    text = config_text(
        [{"hw-address": "aa:bb:cc:dd:ee:ff", "ip-addresses": [OUT]}],
        top={"mac-sources": ["remote-id"]},
    )
    h = serve(text)
    reply = read_reply(
        h.send(_remote_id_solicit(A, remote, REQUEST), source="fe80::1").reply or b""
    )
    assert na(reply) == [(OUT, 3000, 4000)]
    (lease,) = [lease for lease in h.leases if lease.duid == A]
    assert (lease.hwaddr, lease.hwaddr_source) == (remote, 0x10)
    # the default "any" takes the DUID-LL's MAC first: no reservation
    h = serve(config_text([{"hw-address": "aa:bb:cc:dd:ee:ff", "ip-addresses": [OUT]}]))
    reply = read_reply(h.send(_remote_id_solicit(A, remote), source="fe80::1").reply or b"")
    assert [a for a, _, _ in na(reply)] != [OUT]


def test_mac_sources_order_and_single_source() -> None:
    duid_en = bytes.fromhex("0002000009bf0102030405")  # DUID-EN: no MAC inside
    text = config_text(top={"mac-sources": ["duid"]})
    h = serve(text)
    acquire(h, duid_en)
    (lease,) = list(h.leases)
    assert lease.hwaddr == b""  # the EUI-64 link-local source is not a configured source
    h = serve(config_text(top={"mac-sources": ["duid", "ipv6-link-local"]}))
    acquire(h, duid_en)
    (lease,) = list(h.leases)
    assert (lease.hwaddr, lease.hwaddr_source) == (bytes.fromhex("001122334455"), 0x04)


# --- reservations-out-of-pool --------------------------------------------------------------


def test_out_of_pool_mode_serves_only_out_of_pool_reservations() -> None:
    flags = {"reservations-out-of-pool": True}
    h = serve(config_text([reserve(B, X), reserve(C, OUT)], subnet_extra=flags))
    # the in-pool reservation is not served (Kea), and the allocation state keeps configured
    # reservations out of the free set whatever the flag says
    assert [a for a, _, _ in na(acquire(h, B))] == ["2001:db8:1::11"]
    assert "ALLOC_ENGINE_V6_HR_ADDR_GRANTED" not in [m for _, m in events(last(h))]
    assert [a for a, _, _ in na(acquire(h, A))] == ["2001:db8:1::12"]
    assert na(acquire(h, C)) == [(OUT, 3000, 4000)]


def test_out_of_pool_mode_skips_the_lookup_for_in_pool_candidates() -> None:
    store = MemoryHostStore()  # a host the allocation state does not know (host commands)
    store.add_now(Host(IdentifierType.DUID, B, ipv6_subnet_id=1, ip_addresses=(IPv6Address(X),)))
    h = _engine_with(store, config_text(subnet_extra={"reservations-out-of-pool": True}))
    assert [a for a, _, _ in na(acquire(h, A))] == [X]  # Kea's fast path: no lookup
    h = _engine_with(store, config_text())
    assert [a for a, _, _ in na(acquire(h, A))] == ["2001:db8:1::11"]


def test_out_of_pool_mode_still_revokes_conflicting_leases() -> None:
    h = serve(config_text())
    held_a = request(h, A, [IaSpec(1, addresses=[(X, 0, 0)])], SERVER_DUID)
    reconfigure(h, config_text([reserve(B, OUT)], subnet_extra={"reservations-out-of-pool": True}))
    assert na(acquire(h, B)) == [(OUT, 3000, 4000)]
    assert na(renew(h, A, held_a)) == [(X, 3000, 4000)]


# --- ip-reservations-unique false ----------------------------------------------------------


def test_non_unique_reservation_goes_to_the_first_asker_and_others_wait() -> None:
    text = config_text([reserve(B, OUT), reserve(C, OUT)], top={"ip-reservations-unique": False})
    h = serve(text)
    assert na(acquire(h, B)) == [(OUT, 3000, 4000)]
    reply = acquire(h, C)
    assert [a for a, _, _ in na(reply)] != [OUT]
    assert ("WARN", "ALLOC_ENGINE_V6_HR_ADDR_CONFLICT") in events(last(h))


def test_revocation_for_several_reserved_clients_uses_the_shared_message() -> None:
    h = serve(config_text(top={"ip-reservations-unique": False}))
    held_a = acquire(h, A)
    text = config_text([reserve(B, X), reserve(C, X)], top={"ip-reservations-unique": False})
    reconfigure(h, text)
    renew(h, A, held_a)
    revoked = find_event(last(h), "ALLOC_ENGINE_V6_REVOKED_SHARED_ADDR_LEASE")
    assert revoked.severity == "WARN"
    assert (
        revoked.text
        == f"address {X} was revoked from client {hexid(A)} as it is reserved for 2 other clients"
    )


# --- host views with surprising content ----------------------------------------------------


def _engine_with(store: MemoryHostStore, text: str) -> Harness:
    h = harness(text)
    config = load_config(text, family=6).config
    allocation = allocation_for(config)
    h.engine = Dhcp6Engine(
        config, h.leases, SERVER_DUID, allocation, apply_changes=allocation.apply, hosts=store.view6
    )
    return h


def test_reserved_address_outside_the_subnet_is_skipped_with_a_warning() -> None:
    store = MemoryHostStore()
    store.add_now(
        Host(IdentifierType.DUID, B, ipv6_subnet_id=1, ip_addresses=(IPv6Address("2001:db8:5::1"),))
    )
    h = _engine_with(store, config_text())
    reply = acquire(h, B)
    assert [a for a, _, _ in na(reply)] == [X]
    skipped = find_event(last(h), "ALLOC_ENGINE_V6_HR_OUTSIDE_SUBNET")
    assert skipped.severity == "WARN" and "2001:db8:5::1" in skipped.text


def test_host_added_to_the_store_at_run_time_applies_to_the_next_packet() -> None:
    store = MemoryHostStore()
    h = _engine_with(store, config_text())
    held_a = acquire(h, A)
    assert holder(h, X) == A
    store.add_now(Host(IdentifierType.DUID, B, ipv6_subnet_id=1, ip_addresses=(IPv6Address(X),)))
    assert [a for a, _, _ in na(acquire(h, B))] != [X]
    renew(h, A, held_a)
    assert ("WARN", "ALLOC_ENGINE_V6_REVOKED_ADDR_LEASE") in events(last(h))
    assert [a for a, _, _ in na(acquire(h, B))] == [X]


def test_store_host_prefix_reservation_is_delegated() -> None:
    store = MemoryHostStore()
    store.add_now(
        Host(
            IdentifierType.DUID,
            B,
            ipv6_subnet_id=1,
            prefixes=(IPv6Network(f"{RESERVED_PREFIX}/56"),),
        )
    )
    h = _engine_with(store, config_text())
    reply = acquire(h, B, [IaSpec(1, pd=True)])
    assert reply.ias(IA_PD) and pd(reply) == [(RESERVED_PREFIX, 56, 3000, 4000)]


def test_solicit_does_not_drop_a_reserved_clients_dynamic_lease() -> None:
    h = serve(config_text())
    held = acquire(h, B)
    reconfigure(h, config_text([reserve(B, OUT)]))
    assert na(solicit(h, B)) == [(OUT, 3000, 4000)]
    assert not last(h).lease_changes and holder(h, X) == B
    reply = h.ask(wire(request_from(solicit(h, B), B)))
    assert na(reply) == [(OUT, 3000, 4000)] and holder(h, X) is None
    assert held is not None
