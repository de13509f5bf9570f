"""Property: a reservation is a rule (spec 000, issue 6) whatever clients do and admins change.

Random sequences of client messages (Solicit, Request, Renew, Rebind, Release, Decline from
four DUIDs, IA_NA and/or IA_PD, with or without hints) are interleaved with reservation
changes (a pool or out-of-pool address or prefix reserved for a client, moved to another
client, or a client's reservation removed), applied in one of two ways: by reconfiguring the
in-process engine with a new configuration text, or through the host store the engine reads
live (``MemoryHostStore`` add / delete_by_id, as host commands do). After every step, for the
reservations in force:

1. no Advertise/Reply carries, with a non-zero valid lifetime, an address or prefix reserved
   for another client;
2. no active lease in the lease store is on a resource reserved for another client, except a
   lease made before that reservation was added whose client has not since sent a
   Request/Renew/Rebind for that IA type (the server had no chance to take it back);
3. a reserved client that sends a Solicit or Request with an IA of the reservation's type
   while the resource is free (no lease row of anybody else, declined ones included) gets it.

The pools are tiny (eight addresses, eight prefixes) so clients collide often.
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass, field
from ipaddress import IPv6Address, IPv6Network
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.support.dhcp6_client import (
    DECLINE,
    IA_NA,
    IA_PD,
    REBIND,
    RELEASE,
    RENEW,
    REQUEST,
    SOLICIT,
    IaSpec,
    Reply,
    duid_of,
    message,
    read_reply,
    wire,
)
from tests.support.dhcp6_harness import SERVER_DUID, Harness, harness

from pukeko.config.load import load_config
from pukeko.hosts.memory import MemoryHostStore
from pukeko.hosts.model import Host, IdentifierType
from pukeko.leases.model import LeaseState, LeaseType

CLIENTS = (1, 2, 3, 4)
NA_POOL = [f"2001:db8:1::{n:x}" for n in range(0x10, 0x18)]
NA_OUT = ["2001:db8:1::5", "2001:db8:1::6"]
PD_POOL = [f"2001:db8:8:{n:x}::" for n in range(8)]  # 2001:db8:8::/61 in /64s
PD_OUT = ["2001:db8:9:1::"]
NA_CHOICES = NA_POOL + NA_OUT
PD_CHOICES = PD_POOL + PD_OUT
IAID = {IA_NA: 1, IA_PD: 2}
LEASE_TYPE = {IA_NA: LeaseType.NA, IA_PD: LeaseType.PD}
KIND_NAMES = {
    SOLICIT: "solicit",
    REQUEST: "request",
    RENEW: "renew",
    REBIND: "rebind",
    RELEASE: "release",
    DECLINE: "decline",
}

Resource = tuple[int, IPv6Address]  # (IA code, address or prefix start)


def config_text(reservations: dict[int, dict[int, str]]) -> str:
    """The server configuration with ``reservations``: client -> {IA code: resource}."""
    hosts: list[dict[str, Any]] = []
    for client, held in sorted(reservations.items()):
        host: dict[str, Any] = {"duid": duid_of(client).hex(":")}
        if IA_NA in held:
            host["ip-addresses"] = [held[IA_NA]]
        if IA_PD in held:
            host["prefixes"] = [f"{held[IA_PD]}/64"]
        if len(host) > 1:
            hosts.append(host)
    return json.dumps(
        {
            "Dhcp6": {
                "interfaces-config": {"interfaces": ["eth0"]},
                "preferred-lifetime": 3000,
                "valid-lifetime": 4000,
                "renew-timer": 1000,
                "rebind-timer": 2000,
                "decline-probation-period": 100000,
                "subnet6": [
                    {
                        "id": 1,
                        "subnet": "2001:db8:1::/64",
                        "interface": "eth0",
                        "pools": [{"pool": f"{NA_POOL[0]} - {NA_POOL[-1]}"}],
                        "pd-pools": [
                            {"prefix": "2001:db8:8::", "prefix-len": 61, "delegated-len": 64}
                        ],
                        "reservations": hosts,
                    }
                ],
            }
        }
    )


@dataclass
class Client:
    """What one client remembers: the resources it was last given, its last Advertise."""

    held: dict[int, set[str]] = field(default_factory=lambda: {IA_NA: set(), IA_PD: set()})
    advertise: Reply | None = None


@dataclass
class World:
    """The engine under test and the model the invariants are checked against."""

    h: Harness
    store: MemoryHostStore | None = None  # None: changes go through reconfigure
    reservations: dict[int, dict[int, str]] = field(default_factory=dict)
    clients: dict[int, Client] = field(default_factory=lambda: {c: Client() for c in CLIENTS})
    grandfathered: set[tuple[int, IPv6Address, bytes]] = field(default_factory=set)
    xid: int = 1

    def owner_of(self, resource: Resource) -> bytes | None:
        """The DUID the configuration in force reserves ``resource`` for."""
        code, address = resource
        for client, held in self.reservations.items():
            if code in held and IPv6Address(held[code]) == address:
                return duid_of(client)
        return None

    def leases(self) -> list[Any]:
        """Every lease row of the store."""
        return list(self.h.leases)


def _code_of(lease_type: LeaseType) -> int:
    return IA_NA if lease_type == LeaseType.NA else IA_PD


# --- reservation changes --------------------------------------------------------------------


def change_reservation(world: World, client: int, code: int, resource: str | None) -> None:
    """Reserve ``resource`` (moving it from whoever had it) or drop the client's one."""
    for other in world.reservations.values():
        if resource is not None and other.get(code) == resource:
            del other[code]
    held = world.reservations.setdefault(client, {})
    if resource is None:
        held.pop(code, None)
    else:
        held[code] = resource
    if world.store is not None:
        asyncio.run(replace_hosts(world.store, world.reservations))
    else:
        loaded = load_config(config_text(world.reservations), family=6)
        assert loaded.config is not None, loaded
        world.h.engine.reconfigure(loaded.config)
    for lease in world.leases():
        if lease.state != LeaseState.DEFAULT or lease.valid_lifetime == 0:
            continue
        owner = world.owner_of((_code_of(lease.lease_type), lease.address))
        if owner is not None and owner != lease.duid:
            world.grandfathered.add((_code_of(lease.lease_type), lease.address, lease.duid))


def host_of(client: int, held: dict[int, str]) -> Host:
    """The subnet-1 host of ``client`` reserving ``held``."""
    prefixes = (IPv6Network(f"{held[IA_PD]}/64"),) if IA_PD in held else ()
    return Host(
        IdentifierType.DUID,
        duid_of(client),
        ipv6_subnet_id=1,
        ip_addresses=(IPv6Address(held[IA_NA]),) if IA_NA in held else (),
        prefixes=prefixes,
    )


async def replace_hosts(store: MemoryHostStore, reservations: dict[int, dict[int, str]]) -> None:
    """Make the store hold exactly ``reservations`` (delete every host first: a moved
    resource must be free before another host reserves it)."""
    for client in CLIENTS:
        await store.delete_by_id(6, 1, IdentifierType.DUID, duid_of(client))
    for client, held in sorted(reservations.items()):
        if held:
            await store.add(host_of(client, held))


# --- client messages ------------------------------------------------------------------------


def _ias(world: World, client: int, kind: int, codes: list[int], hint: str | None) -> list[IaSpec]:
    specs: list[IaSpec] = []
    for code in codes:
        mine = sorted(world.clients[client].held[code])
        if kind in (SOLICIT, REQUEST) and hint is not None:
            chosen = [hint] if (hint in NA_CHOICES) == (code == IA_NA) else []
        else:
            chosen = [] if kind in (SOLICIT, REQUEST) else mine
        if code == IA_NA:
            specs.append(IaSpec(IAID[code], addresses=[(a, 0, 0) for a in chosen]))
        else:
            specs.append(IaSpec(IAID[code], pd=True, prefixes=[(p, 64, 0, 0) for p in chosen]))
    return specs


def _request_from_advertise(advertise: Reply, codes: list[int]) -> list[IaSpec]:
    specs: list[IaSpec] = []
    for code in codes:
        spec = IaSpec(IAID[code], pd=code == IA_PD)
        for ia in advertise.ias(code):
            spec.addresses = [(str(IPv6Address(a.address)), 0, 0) for a in ia.addresses()]
            spec.prefixes = [
                (str(IPv6Address(p.prefix)), p.prefix_len, 0, 0) for p in ia.prefixes()
            ]
        specs.append(spec)
    return specs


def granted(reply: Reply) -> list[tuple[Resource, int]]:
    """Every (resource, valid lifetime) in the reply's IA_NA and IA_PD options."""
    found: list[tuple[Resource, int]] = []
    for ia in reply.ias(IA_NA):
        found += [((IA_NA, IPv6Address(a.address)), a.valid) for a in ia.addresses()]
    for ia in reply.ias(IA_PD):
        found += [((IA_PD, IPv6Address(p.prefix)), p.valid) for p in ia.prefixes()]
    return found


def free_for(world: World, client: int, resource: Resource) -> bool:
    """True when no lease row of anybody else (declined rows included) sits on ``resource``."""
    code, address = resource
    for lease in world.leases():
        if lease.address != address or _code_of(lease.lease_type) != code:
            continue
        if lease.state == LeaseState.EXPIRED_RECLAIMED:
            continue
        if lease.state == LeaseState.DECLINED or lease.duid != duid_of(client):
            return False
    return True


def client_message(
    world: World, client: int, kind: int, codes: list[int], hint: str | None
) -> None:
    """Send one message, check the reply against the invariants, update the client model."""
    state = world.clients[client]
    if kind == DECLINE:
        codes = [IA_NA]
    if kind == REQUEST and state.advertise is not None and hint is None:
        ias = _request_from_advertise(state.advertise, codes)
    else:
        ias = _ias(world, client, kind, codes, hint)
    due: list[Resource] = []
    if kind in (SOLICIT, REQUEST):
        mine = world.reservations.get(client, {})
        due = [
            (code, IPv6Address(mine[code]))
            for code in codes
            if code in mine and free_for(world, client, (code, IPv6Address(mine[code])))
        ]
    server_id = None if kind in (SOLICIT, REBIND) else SERVER_DUID
    world.xid += 1
    pkt = message(kind, duid_of(client), ias, xid=world.xid, server_id=server_id)
    outcome = world.h.send(wire(pkt))
    world.h.now += 1
    if kind in (REQUEST, RENEW, REBIND):
        world.grandfathered = {
            g for g in world.grandfathered if not (g[2] == duid_of(client) and g[0] in codes)
        }
    reply = None if outcome.reply is None else read_reply(outcome.reply)
    given_now = [] if reply is None else granted(reply)
    context = f"{KIND_NAMES[kind]} from client {client} (IAs {codes}, hint {hint})"
    for resource, valid in given_now:
        owner = world.owner_of(resource)
        assert valid == 0 or owner is None or owner == duid_of(client), (
            f"{context}: {resource} reserved for {owner!r} given with lifetime {valid}"
        )
    live = {resource for resource, valid in given_now if valid}
    for resource in due:
        assert resource in live, f"{context}: reserved {resource} was free but not given"
    _remember(state, kind, codes, reply, given_now)
    check_store(world, context)


def _remember(
    state: Client, kind: int, codes: list[int], reply: Reply | None, given_now: list[Any]
) -> None:
    if reply is None:
        return
    if kind == SOLICIT:
        state.advertise = reply
        return
    for code in codes:
        if kind in (RELEASE, DECLINE):
            state.held[code] = set()
            continue
        state.held[code] -= {str(r[1]) for r, valid in given_now if r[0] == code and not valid}
        state.held[code] |= {str(r[1]) for r, valid in given_now if r[0] == code and valid}


def check_store(world: World, context: str) -> None:
    """Invariant 2 over the whole lease store."""
    for lease in world.leases():
        if lease.state != LeaseState.DEFAULT or lease.valid_lifetime == 0:
            continue
        code = _code_of(lease.lease_type)
        owner = world.owner_of((code, lease.address))
        if owner is None or owner == lease.duid:
            continue
        assert (code, lease.address, lease.duid) in world.grandfathered, (
            f"after {context}: lease of {lease.address}/{lease.prefix_len} for "
            f"{lease.duid.hex()} is reserved for {owner.hex()}"
        )


# --- strategies -----------------------------------------------------------------------------

IA_SETS = [[IA_NA], [IA_PD], [IA_NA, IA_PD]]
messages = st.tuples(
    st.just("message"),
    st.sampled_from(CLIENTS),
    st.sampled_from([SOLICIT, REQUEST, REQUEST, RENEW, REBIND, RELEASE, DECLINE]),
    st.sampled_from(IA_SETS),
    st.one_of(st.none(), st.sampled_from(NA_CHOICES + PD_CHOICES)),
)
changes = st.tuples(
    st.just("reserve"),
    st.sampled_from(CLIENTS),
    st.sampled_from([IA_NA, IA_PD]),
    st.one_of(st.none(), st.sampled_from(NA_CHOICES)),
    st.one_of(st.none(), st.sampled_from(PD_CHOICES)),
)
steps = st.lists(st.one_of(messages, messages, messages, changes), min_size=1, max_size=40)


def run(sequence: list[tuple[Any, ...]], live: bool = False) -> World:
    """Play ``sequence`` on a fresh engine, checking the invariants after every step;
    ``live``: reservation changes go through a host store the engine reads."""
    if live:
        store = MemoryHostStore()
        world = World(harness(config_text({}), hosts=store.view6), store)
    else:
        world = World(harness(config_text({})))
    for step in sequence:
        if step[0] == "message":
            _, client, kind, codes, hint = step
            client_message(world, client, kind, list(codes), hint)
        else:
            _, client, code, address, prefix = step
            change_reservation(world, client, code, address if code == IA_NA else prefix)
    return world


@settings(
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(steps)
def test_reservations_are_strict(sequence: list[tuple[Any, ...]]) -> None:
    """The three invariants of the module docstring hold after every step (reconfigure)."""
    run(sequence)


@settings(
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(steps)
def test_reservations_are_strict_live_store(sequence: list[tuple[Any, ...]]) -> None:
    """The same invariants when hosts are added and deleted in the engine's live store."""
    run(sequence, live=True)


@pytest.mark.parametrize("live", [False, True], ids=["reconfigure", "live-store"])
def test_conflict_of_spec_000(live: bool) -> None:
    """The mail's sequence: A holds X, X reserved for B, B waits, A renews, B gets X."""
    world = run(
        [
            ("message", 1, SOLICIT, (IA_NA,), NA_POOL[3]),
            ("message", 1, REQUEST, (IA_NA,), None),
        ],
        live,
    )
    x = IPv6Address(NA_POOL[3])
    assert world.clients[1].held[IA_NA] == {str(x)}
    change_reservation(world, 2, IA_NA, str(x))
    assert (IA_NA, x, duid_of(1)) in world.grandfathered
    client_message(world, 2, SOLICIT, [IA_NA], None)
    assert world.clients[2].advertise is not None
    assert (IA_NA, x) not in {r for r, v in granted(world.clients[2].advertise) if v}
    client_message(world, 1, RENEW, [IA_NA], None)
    assert str(x) not in world.clients[1].held[IA_NA] and world.clients[1].held[IA_NA]
    client_message(world, 2, SOLICIT, [IA_NA], None)
    client_message(world, 2, REQUEST, [IA_NA], None)
    assert world.clients[2].held[IA_NA] == {str(x)}
