"""Subnet selection for a DHCPv6 message (ARM "DHCPv6 Relays", "Shared Networks in DHCPv6").

Kea 2.2 (CfgSubnets6::initSelector / selectSubnet), subnets tried in subnet-id order:

* a direct client: the subnet whose ``interface`` is the receiving interface, else the subnet
  whose prefix holds the client's source address;
* a relayed client: the subnet whose ``interface-id`` equals the Interface-Id option of the
  relay closest to the client, else the subnet (or shared network) listing the first usable
  link-address in ``relay.ip-addresses``, else the subnet whose prefix holds that link-address.
  The usable link-address is the first one, from the client side, that is neither ``::`` nor
  link-local (RFC 8415 §19.1.1).

A subnet restricted by ``client-class`` only matches members of the class. In a shared network
the allocation may move to any sibling subnet (:func:`network_order`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from ipaddress import IPv6Address

from pukeko.config.model import Config, Subnet
from pukeko.wire.pkt6 import OPTION_INTERFACE_ID, Relay6

_ZERO = bytes(16)


def client_supported(subnet: Subnet, classes: frozenset[str]) -> bool:
    """Kea's Network::clientSupported: no ``client-class`` or the client is a member."""
    wanted = subnet.params.client_class
    return not wanted or wanted in classes


@dataclass(frozen=True, slots=True)
class Topology:
    """Selection tables built once per configuration."""

    subnets: tuple[Subnet, ...]  # every v6 subnet, by subnet id
    siblings: dict[int, tuple[Subnet, ...]] = field(default_factory=dict)  # id -> network

    @classmethod
    def build(cls, config: Config) -> Topology:
        """Index the configuration's subnets and shared networks."""
        ordered = tuple(sorted(config.all_subnets, key=lambda s: s.id))
        siblings: dict[int, tuple[Subnet, ...]] = {}
        for network in config.shared_networks:
            members = tuple(sorted(network.subnets, key=lambda s: s.id))
            for subnet in members:
                siblings[subnet.id] = members
        return cls(ordered, siblings)

    def select(
        self,
        hops: Sequence[Relay6],
        interface: str,
        source: str,
        classes: frozenset[str],
    ) -> Subnet | None:
        """The subnet for a message received on ``interface`` from ``source`` via ``hops``."""
        link = first_relay_link_address(hops)
        if link is None:
            found = self.by_interface(interface, classes) if interface else None
            if found is None and source:
                found = self.by_address(_parse(source), classes)
            return found
        interface_id = hops[-1].get(OPTION_INTERFACE_ID)
        found = self.by_interface_id(interface_id, classes) if interface_id is not None else None
        if found is None:
            found = self.by_relay(IPv6Address(link), classes)
        return found

    def by_interface(self, interface: str, classes: frozenset[str]) -> Subnet | None:
        """The first subnet configured with this ``interface``."""
        for subnet in self.subnets:
            if subnet.params.interface == interface and client_supported(subnet, classes):
                return subnet
        return None

    def by_interface_id(self, interface_id: bytes, classes: frozenset[str]) -> Subnet | None:
        """The first subnet whose ``interface-id`` is these bytes."""
        for subnet in self.subnets:
            wanted = subnet.params.interface_id
            if wanted and wanted.encode() == interface_id and client_supported(subnet, classes):
                return subnet
        return None

    def by_relay(self, link: IPv6Address, classes: frozenset[str]) -> Subnet | None:
        """A subnet listing the relay's address in ``relay.ip-addresses``, else by prefix."""
        for subnet in self.subnets:
            if link in subnet.params.relay_addresses and client_supported(subnet, classes):
                return subnet
        return self.by_address(link, classes)

    def by_address(self, address: IPv6Address | None, classes: frozenset[str]) -> Subnet | None:
        """The first subnet whose prefix holds ``address``."""
        if address is None:
            return None
        for subnet in self.subnets:
            if address in subnet.prefix and client_supported(subnet, classes):
                return subnet
        return None

    def network_order(self, subnet: Subnet) -> tuple[Subnet, ...]:
        """``subnet`` then its shared-network siblings by id, wrapping (getNextSubnet)."""
        members = self.siblings.get(subnet.id)
        if members is None:
            return (subnet,)
        index = next(i for i, s in enumerate(members) if s.id == subnet.id)
        return members[index:] + members[:index]

    def in_network(self, subnet: Subnet) -> tuple[Subnet, ...]:
        """Every subnet of ``subnet``'s shared network (itself alone when it has none)."""
        return self.siblings.get(subnet.id, (subnet,))


def first_relay_link_address(hops: Sequence[Relay6]) -> bytes | None:
    """The link-address of the relay closest to the client that is not ``::`` or link-local."""
    for hop in reversed(hops):
        link = hop.link_address
        if link != _ZERO and not (link[0] == 0xFE and (link[1] & 0xC0) == 0x80):
            return link
    return None


def _parse(text: str) -> IPv6Address | None:
    try:
        address = IPv6Address(text.split("%", 1)[0])
    except ValueError:
        return None
    return None if address.is_unspecified else address
