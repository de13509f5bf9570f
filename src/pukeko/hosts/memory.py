"""The in-memory host store: the configuration-file backend (Kea's ``CfgHosts``).

Every host gets a *slot*, a number that grows with each add and stays the same across
``update``; the slots give the paging order (insertion order) and the opaque positions of
``get_page``. The indexes, all updated at each change so the views answer in O(1):

* (family, subnet, identifier type, identifier) -> host, one table per family;
* (family, subnet, int(address)) -> hosts reserving that address, or a prefix starting at it
  (Kea keys DHCPv6 reservations by the prefix's first address: ``CfgHosts::add6``), in slot
  order, as a tuple the views hand out without copying;
* the slots per family and per (family, subnet), sorted, for paging and ``has_reservations``;
* (identifier type, identifier) and lower-cased hostname -> slots, for the admin queries;
* how many hosts of each family use each identifier type.

Kea's duplicate rules (``CfgHosts::add4`` / ``add6``): an identifier is unique within a subnet
of a family; with ``ip-reservations-unique`` an address or prefix is reserved at most once per
subnet of a family, without it several hosts may reserve it and lookups return them all.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import Counter
from collections.abc import Iterable, Sequence
from ipaddress import IPv4Address, IPv6Address
from typing import TYPE_CHECKING, TypeVar

from pukeko.hosts.model import Host, IdentifierType
from pukeko.hosts.store import DuplicateHostError, HostNotFoundError, HostStoreError
from pukeko.leases.ordered import SortedIntSet

if TYPE_CHECKING:
    from pukeko.config.model import Config

IdKey = tuple[int, IdentifierType, bytes]  # (subnet, type, identifier) within one family
ResourceKey = tuple[int, int, int]  # (family, subnet, int(address or prefix start))
FAMILIES = (4, 6)
K = TypeVar("K")


def subnet_of(host: Host, family: int) -> int | None:
    """The host's subnet id for a family (None: the host does not serve that family)."""
    return host.ipv6_subnet_id if family == 6 else host.ipv4_subnet_id


def families_of(host: Host) -> tuple[int, ...]:
    """The families a host serves."""
    return tuple(f for f in FAMILIES if subnet_of(host, f) is not None)


def resource_keys(host: Host) -> list[ResourceKey]:
    """The reserved addresses and prefixes of a host, as address-index keys (in host order)."""
    keys: list[ResourceKey] = []
    if host.ipv4_subnet_id is not None and host.ipv4_address is not None:
        keys.append((4, host.ipv4_subnet_id, int(host.ipv4_address)))
    if host.ipv6_subnet_id is not None:
        sid = host.ipv6_subnet_id
        keys.extend((6, sid, int(a)) for a in host.ip_addresses)
        keys.extend((6, sid, int(p.network_address)) for p in host.prefixes)
    return keys


def _describe(host: Host) -> str:
    return f"{host.identifier_type.kea_name} '{host.identifier_text}'"


class MemoryHostStore:
    """Hosts in memory; implements HostStore, HostView6 and HostView4."""

    def __init__(self, ip_reservations_unique: bool = True) -> None:
        self.ip_reservations_unique = ip_reservations_unique
        self._next_slot = 1
        self._hosts: dict[int, Host] = {}
        self._by_id: dict[int, dict[IdKey, Host]] = {4: {}, 6: {}}
        self._slot_of: dict[int, dict[IdKey, int]] = {4: {}, 6: {}}
        self._by_resource: dict[ResourceKey, tuple[Host, ...]] = {}
        self._resource_slots: dict[ResourceKey, tuple[int, ...]] = {}  # same order
        self._family_slots: dict[int, SortedIntSet] = {4: SortedIntSet(), 6: SortedIntSet()}
        self._subnet_slots: dict[tuple[int, int], SortedIntSet] = {}
        self._by_identifier: dict[tuple[IdentifierType, bytes], dict[int, None]] = {}
        self._by_hostname: dict[str, dict[int, None]] = {}
        self._type_counts: Counter[tuple[int, IdentifierType]] = Counter()
        self._types: dict[int, frozenset[IdentifierType]] = {4: frozenset(), 6: frozenset()}

    @classmethod
    def from_hosts(
        cls, hosts: Iterable[Host], ip_reservations_unique: bool = True
    ) -> MemoryHostStore:
        """A store holding ``hosts`` (DuplicateHostError as ``add``)."""
        store = cls(ip_reservations_unique)
        for host in hosts:
            store.add_now(host)
        return store

    @classmethod
    def from_config(cls, config: Config) -> MemoryHostStore:
        """The configuration file's reservations (global and per subnet) of one server."""
        from pukeko.hosts.config import config_ip_reservations_unique, hosts_from_config

        return cls.from_hosts(hosts_from_config(config), config_ip_reservations_unique(config))

    def __len__(self) -> int:
        return len(self._hosts)

    # -- views (synchronous, per packet) ------------------------------------------------------

    @property
    def view6(self) -> MemoryHostStore:
        """Lookups for the DHCPv6 engine (this store)."""
        return self

    @property
    def view4(self) -> MemoryHostStore:
        """Lookups for the DHCPv4 engine (this store)."""
        return self

    def get6(self, subnet_id: int, id_type: IdentifierType, identifier: bytes) -> Host | None:
        """The DHCPv6 host with this identifier in a subnet (0: global)."""
        return self._by_id[6].get((subnet_id, id_type, identifier))

    def by_resource6(self, subnet_id: int, address: IPv6Address | int) -> Sequence[Host]:
        """Hosts reserving this address, or a prefix starting at it, in a subnet (an int is
        taken as the address: the allocator's candidates are ints)."""
        return self._by_resource.get((6, subnet_id, int(address)), ())

    def has_reservations6(self, subnet_id: int) -> bool:
        """True when the subnet (0: global) has any DHCPv6 host."""
        return (6, subnet_id) in self._subnet_slots

    def identifier_types6(self) -> frozenset[IdentifierType]:
        """The identifier types of the DHCPv6 hosts."""
        return self._types[6]

    def get4(self, subnet_id: int, id_type: IdentifierType, identifier: bytes) -> Host | None:
        """The DHCPv4 host with this identifier in a subnet (0: global)."""
        return self._by_id[4].get((subnet_id, id_type, identifier))

    def by_address4(self, subnet_id: int, address: IPv4Address) -> Sequence[Host]:
        """Hosts reserving this address in a subnet."""
        return self._by_resource.get((4, subnet_id, int(address)), ())

    def has_reservations4(self, subnet_id: int) -> bool:
        """True when the subnet (0: global) has any DHCPv4 host."""
        return (4, subnet_id) in self._subnet_slots

    def identifier_types4(self) -> frozenset[IdentifierType]:
        """The identifier types of the DHCPv4 hosts."""
        return self._types[4]

    # -- changes --------------------------------------------------------------------------------

    def add_now(self, host: Host) -> None:
        """``add`` without a coroutine (loading a configuration)."""
        self._check_new(host)
        self._insert(host, self._next_slot)
        self._next_slot += 1

    async def add(self, host: Host) -> None:
        """Add a host; DuplicateHostError when its identifier or a resource is taken."""
        self.add_now(host)

    async def update(self, host: Host) -> None:
        """Replace the host with the same identifier and subnet ids, keeping its position."""
        slot = self._existing_slot(host)
        old = self._hosts[slot]
        self._remove(slot)
        try:
            self._check_new(host)
        except HostStoreError:
            self._insert(old, slot)
            raise
        self._insert(host, slot)

    async def delete_by_id(
        self, family: int, subnet_id: int, id_type: IdentifierType, identifier: bytes
    ) -> bool:
        """Delete the host with this identifier in a subnet of a family; False if none."""
        slot = self._slot_of[family].get((subnet_id, id_type, identifier))
        if slot is None:
            return False
        self._remove(slot)
        return True

    async def delete_by_address(
        self, family: int, subnet_id: int, address: IPv4Address | IPv6Address
    ) -> int:
        """Delete every host reserving this address (or prefix start) in a subnet."""
        hosts = self._by_resource.get((family, subnet_id, int(address)), ())
        slots = [self._slot_of_host(h, family) for h in hosts]
        for slot in slots:
            self._remove(slot)
        return len(slots)

    # -- queries ----------------------------------------------------------------------------------

    async def get_by_id(
        self, family: int, subnet_id: int, id_type: IdentifierType, identifier: bytes
    ) -> Host | None:
        """The host with this identifier in a subnet of a family."""
        return self._by_id[family].get((subnet_id, id_type, identifier))

    async def get_all_by_id(self, id_type: IdentifierType, identifier: bytes) -> list[Host]:
        """Every host with this identifier, in any subnet and family (insertion order)."""
        slots = self._by_identifier.get((id_type, identifier), {})
        return [self._hosts[s] for s in sorted(slots)]

    async def get_by_hostname(
        self, hostname: str, family: int | None = None, subnet_id: int | None = None
    ) -> list[Host]:
        """Hosts with this hostname, case-insensitive (Kea's lower-case hostname index).

        With a family, only hosts of that family (and of ``subnet_id`` when given); with a
        subnet id alone, hosts in that subnet of either family.
        """
        slots = self._by_hostname.get(hostname.lower(), {})
        families = FAMILIES if family is None else (family,)
        found = []
        for slot in sorted(slots):
            host = self._hosts[slot]
            subnets = {subnet_of(host, f) for f in families} - {None}
            if subnets if subnet_id is None else subnet_id in subnets:
                found.append(host)
        return found

    async def get_page(
        self, family: int, subnet_id: int | None, after: int, limit: int
    ) -> tuple[list[Host], int]:
        """Up to ``limit`` hosts after position ``after``, in insertion order, and the next
        position (``after`` itself when nothing is left)."""
        if subnet_id is None:
            slots = self._family_slots[family]
        else:
            slots = self._subnet_slots.get((family, subnet_id), SortedIntSet())
        page: list[Host] = []
        position = after
        for slot in slots.iter_after(after):
            if len(page) >= limit:
                break
            page.append(self._hosts[slot])
            position = slot
        return page, position

    async def close(self) -> None:
        """Nothing to release."""

    # -- index maintenance --------------------------------------------------------------------

    def _check_new(self, host: Host) -> None:
        families = families_of(host)
        if not families:
            raise HostStoreError(f"host {_describe(host)} has neither a DHCPv4 nor a DHCPv6 subnet")
        for family in families:
            key = (subnet_of(host, family) or 0, host.identifier_type, host.identifier)
            if key in self._by_id[family]:
                raise DuplicateHostError(
                    f"a host with {_describe(host)} exists already in DHCPv{family} subnet {key[0]}"
                )
        if not self.ip_reservations_unique:
            return
        keys = resource_keys(host)
        for i, rkey in enumerate(keys):
            if rkey in self._by_resource or rkey in keys[:i]:
                raise DuplicateHostError(
                    f"host {_describe(host)}: {self._resource_text(rkey)} is already reserved "
                    f"in DHCPv{rkey[0]} subnet {rkey[1]}"
                )

    @staticmethod
    def _resource_text(key: ResourceKey) -> str:
        return str(IPv4Address(key[2]) if key[0] == 4 else IPv6Address(key[2]))

    def _existing_slot(self, host: Host) -> int:
        slots = {
            self._slot_of[f].get((subnet_of(host, f) or 0, host.identifier_type, host.identifier))
            for f in families_of(host)
        }
        slot = slots.pop() if len(slots) == 1 else None
        if slot is None or families_of(self._hosts[slot]) != families_of(host):
            raise HostNotFoundError(f"no host with {_describe(host)} and these subnet ids")
        return slot

    def _slot_of_host(self, host: Host, family: int) -> int:
        key = (subnet_of(host, family) or 0, host.identifier_type, host.identifier)
        return self._slot_of[family][key]

    def _insert(self, host: Host, slot: int) -> None:
        self._hosts[slot] = host
        for family in families_of(host):
            subnet = subnet_of(host, family) or 0
            key = (subnet, host.identifier_type, host.identifier)
            self._by_id[family][key] = host
            self._slot_of[family][key] = slot
            self._family_slots[family].add(slot)
            self._subnet_slots.setdefault((family, subnet), SortedIntSet()).add(slot)
            self._count_type(family, host.identifier_type, +1)
        for rkey in dict.fromkeys(resource_keys(host)):
            # Kept in slot order, so an updated host keeps its place among the others.
            slots = self._resource_slots.get(rkey, ())
            at = bisect_left(slots, slot)
            hosts = self._by_resource.get(rkey, ())
            self._resource_slots[rkey] = (*slots[:at], slot, *slots[at:])
            self._by_resource[rkey] = (*hosts[:at], host, *hosts[at:])
        ident = (host.identifier_type, host.identifier)
        self._by_identifier.setdefault(ident, {})[slot] = None
        if host.hostname:
            self._by_hostname.setdefault(host.hostname.lower(), {})[slot] = None

    def _remove(self, slot: int) -> None:
        host = self._hosts.pop(slot)
        for family in families_of(host):
            subnet = subnet_of(host, family) or 0
            key = (subnet, host.identifier_type, host.identifier)
            del self._by_id[family][key]
            del self._slot_of[family][key]
            self._family_slots[family].discard(slot)
            subnet_slots = self._subnet_slots[(family, subnet)]
            subnet_slots.discard(slot)
            if not len(subnet_slots):
                del self._subnet_slots[(family, subnet)]
            self._count_type(family, host.identifier_type, -1)
        for rkey in dict.fromkeys(resource_keys(host)):
            slots = self._resource_slots[rkey]
            if len(slots) == 1:
                del self._resource_slots[rkey], self._by_resource[rkey]
                continue
            at = slots.index(slot)
            hosts = self._by_resource[rkey]
            self._resource_slots[rkey] = slots[:at] + slots[at + 1 :]
            self._by_resource[rkey] = hosts[:at] + hosts[at + 1 :]
        _unlink(self._by_identifier, (host.identifier_type, host.identifier), slot)
        if host.hostname:
            _unlink(self._by_hostname, host.hostname.lower(), slot)

    def _count_type(self, family: int, id_type: IdentifierType, delta: int) -> None:
        key = (family, id_type)
        before = self._type_counts[key]
        self._type_counts[key] = before + delta
        if self._type_counts[key] <= 0:
            del self._type_counts[key]
        if (before == 0) != (self._type_counts[key] == 0):
            self._types[family] = frozenset(t for f, t in self._type_counts if f == family)


def _unlink(table: dict[K, dict[int, None]], key: K, slot: int) -> None:
    slots = table.get(key)
    if slots is None:
        return
    slots.pop(slot, None)
    if not slots:
        del table[key]
