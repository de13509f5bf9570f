"""MemoryHostStore against a naive model: random changes, then every lookup compared.

The model is a list of hosts searched linearly with Kea's rules written out plainly; the store
must answer every view lookup and admin query the same way after each step.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field, replace
from ipaddress import IPv4Address, IPv6Address, IPv6Network

from hypothesis import given, settings
from hypothesis import strategies as st

from pukeko.hosts.memory import MemoryHostStore, resource_keys, subnet_of
from pukeko.hosts.model import Host, IdentifierType
from pukeko.hosts.store import DuplicateHostError, HostNotFoundError, HostStoreError

TYPES = (IdentifierType.DUID, IdentifierType.HW_ADDRESS, IdentifierType.FLEX_ID)
SUBNETS = (0, 1, 2)
V6 = [IPv6Address(f"2001:db8::{n}") for n in range(1, 5)]
PREFIXES = [IPv6Network("2001:db8::1/128"), IPv6Network("2001:db8:1::/64")]
V4 = [IPv4Address(f"192.0.2.{n}") for n in range(1, 4)]
NAMES = ("", "a.example", "A.Example", "b.example")


@st.composite
def hosts(draw: st.DrawFn) -> Host:
    """Small hosts that collide often: few identifiers, subnets and addresses."""
    v4 = draw(st.sampled_from((None, *SUBNETS)))
    v6 = draw(st.sampled_from((None, *SUBNETS)) if v4 is not None else st.sampled_from(SUBNETS))
    return Host(
        identifier_type=draw(st.sampled_from(TYPES)),
        identifier=bytes([draw(st.integers(1, 3))]),
        ipv4_subnet_id=v4,
        ipv6_subnet_id=v6,
        ipv4_address=draw(st.sampled_from((None, *V4))),
        ip_addresses=tuple(draw(st.lists(st.sampled_from(V6), max_size=2))),
        prefixes=tuple(draw(st.lists(st.sampled_from(PREFIXES), max_size=1))),
        hostname=draw(st.sampled_from(NAMES)),
    )


def same_slot(a: Host, b: Host) -> bool:
    """Same identifier in a subnet of a family both serve."""
    if (a.identifier_type, a.identifier) != (b.identifier_type, b.identifier):
        return False
    return any(subnet_of(a, f) is not None and subnet_of(a, f) == subnet_of(b, f) for f in (4, 6))


@dataclass
class Model:
    """The reference: a plain list, rules checked by linear search."""

    unique: bool
    hosts: list[Host] = field(default_factory=list)

    def refuses(self, host: Host, others: list[Host]) -> bool:
        if subnet_of(host, 4) is None and subnet_of(host, 6) is None:
            return True
        if any(same_slot(host, o) for o in others):
            return True
        if not self.unique:
            return False
        mine = resource_keys(host)
        taken = {k for o in others for k in resource_keys(o)}
        return len(set(mine)) != len(mine) or bool(taken & set(mine))

    def add(self, host: Host) -> bool:
        if self.refuses(host, self.hosts):
            return False
        self.hosts.append(host)
        return True

    def update(self, host: Host) -> str:
        matches = [
            i
            for i, h in enumerate(self.hosts)
            if (h.identifier_type, h.identifier) == (host.identifier_type, host.identifier)
            and (h.ipv4_subnet_id, h.ipv6_subnet_id) == (host.ipv4_subnet_id, host.ipv6_subnet_id)
        ]
        if not matches:
            return "missing"
        others = [h for i, h in enumerate(self.hosts) if i != matches[0]]
        if self.refuses(host, others):
            return "duplicate"
        self.hosts[matches[0]] = host
        return "ok"

    def lookup(
        self, family: int, subnet: int, id_type: IdentifierType, ident: bytes
    ) -> Host | None:
        found = [
            h
            for h in self.hosts
            if subnet_of(h, family) == subnet
            and (h.identifier_type, h.identifier) == (id_type, ident)
        ]
        return found[0] if found else None

    def by_resource(self, family: int, subnet: int, value: int) -> list[Host]:
        return [h for h in self.hosts if (family, subnet, value) in resource_keys(h)]

    def delete(self, victims: list[Host]) -> None:
        self.hosts = [h for h in self.hosts if not any(h is v for v in victims)]


Op = tuple[str, Host]
ops = st.lists(
    st.tuples(st.sampled_from(("add", "add", "update", "del_id", "del_addr")), hosts()),
    max_size=14,
)


async def check_all(store: MemoryHostStore, model: Model) -> None:
    for id_type in TYPES:
        for n in (1, 2, 3):
            ident = bytes([n])
            for subnet in SUBNETS:
                assert store.get6(subnet, id_type, ident) == model.lookup(6, subnet, id_type, ident)
                assert store.get4(subnet, id_type, ident) == model.lookup(4, subnet, id_type, ident)
            assert await store.get_all_by_id(id_type, ident) == [
                h for h in model.hosts if (h.identifier_type, h.identifier) == (id_type, ident)
            ]
    for subnet in SUBNETS:
        for a6 in [*V6, IPv6Address("2001:db8:1::")]:
            assert list(store.by_resource6(subnet, a6)) == model.by_resource(6, subnet, int(a6))
        for a4 in V4:
            assert list(store.by_address4(subnet, a4)) == model.by_resource(4, subnet, int(a4))
        for family in (4, 6):
            has = store.has_reservations6 if family == 6 else store.has_reservations4
            assert has(subnet) == any(subnet_of(h, family) == subnet for h in model.hosts)
            page, _ = await store.get_page(family, subnet, 0, 1000)
            assert page == [h for h in model.hosts if subnet_of(h, family) == subnet]
    for family in (4, 6):
        types = store.identifier_types6() if family == 6 else store.identifier_types4()
        assert types == {h.identifier_type for h in model.hosts if subnet_of(h, family) is not None}
    for name in NAMES[1:]:
        expected = [h for h in model.hosts if h.hostname.lower() == name.lower()]
        assert await store.get_by_hostname(name) == expected
    assert len(store) == len(model.hosts)


async def play(unique: bool, steps: list[Op]) -> None:
    store, model = MemoryHostStore(unique), Model(unique)
    for kind, host in steps:
        if kind == "add":
            try:
                await store.add(host)
                added = True
            except HostStoreError:
                added = False
            assert added == model.add(host)
        elif kind == "update":
            # Update an existing host's resources when there is one with that identifier.
            target = next((h for h in model.hosts if same_slot(h, host)), None)
            new = (
                replace(target, ip_addresses=host.ip_addresses, hostname=host.hostname)
                if target
                else host
            )
            expected = model.update(new)
            try:
                await store.update(new)
                outcome = "ok"
            except HostNotFoundError:
                outcome = "missing"
            except DuplicateHostError:
                outcome = "duplicate"
            assert outcome == expected
        elif kind == "del_id":
            family = 6 if host.ipv6_subnet_id is not None else 4
            subnet = subnet_of(host, family)
            assert subnet is not None
            victim = model.lookup(family, subnet, host.identifier_type, host.identifier)
            deleted = await store.delete_by_id(
                family, subnet, host.identifier_type, host.identifier
            )
            assert deleted == (victim is not None)
            model.delete([victim] if victim else [])
        else:
            keys = resource_keys(host)
            if not keys:
                continue
            family, subnet, value = keys[0]
            address = IPv6Address(value) if family == 6 else IPv4Address(value)
            victims = model.by_resource(family, subnet, value)
            assert await store.delete_by_address(family, subnet, address) == len(victims)
            model.delete(victims)
        await check_all(store, model)


@settings(max_examples=200, deadline=None)
@given(st.booleans(), ops)
def test_store_matches_the_naive_model(unique: bool, steps: list[Op]) -> None:
    asyncio.run(play(unique, steps))
