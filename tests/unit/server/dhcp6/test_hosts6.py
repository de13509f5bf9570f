"""Unit tests of pukeko.server.dhcp6.hosts6: identifiers, lookups, reservation checks."""

from __future__ import annotations

import json
from ipaddress import IPv6Address, IPv6Network
from typing import Any

from pukeko.classify.query import Query6
from pukeko.config.checks_options import standard_spaces
from pukeko.config.load import load_config
from pukeko.config.model import Config, OptionData
from pukeko.hosts.memory import MemoryHostStore
from pukeko.hosts.model import Host, IdentifierType
from pukeko.leases.model import LeaseType
from pukeko.server.dhcp6.context import HwAddr
from pukeko.server.dhcp6.hosts6 import (
    AUTO_IDENTIFIERS6,
    DEFAULT_IDENTIFIERS6,
    HostPolicy6,
    config_hosts,
    first_hosts,
    flex_expression,
    host_label,
    host_reserves,
    identifier_order,
    initial_classes,
    mac_sources,
    reserved_resources,
)
from pukeko.server.dhcp6.select import Topology
from pukeko.wire.pkt6 import Pkt6

DUID = bytes.fromhex("000300010a0b0c0d0e0f")
MAC = bytes.fromhex("0a0b0c0d0e0f")
HW, DU, FLEX = IdentifierType.HW_ADDRESS, IdentifierType.DUID, IdentifierType.FLEX_ID


def load(**top: Any) -> Config:
    subnets = top.pop(
        "subnet6",
        [
            {
                "id": 1,
                "subnet": "2001:db8:1::/64",
                "pools": [{"pool": "2001:db8:1::10-2001:db8:1::1f"}],
            }
        ],
    )
    doc = {"Dhcp6": {"subnet6": subnets, **top}}
    return load_config(json.dumps(doc), family=6).config


def policy(config: Config, store: MemoryHostStore | None = None) -> HostPolicy6:
    view = (store if store is not None else config_hosts(config)).view6
    return HostPolicy6.build(config, view, Topology.build(config), standard_spaces(6))


def query() -> Query6:
    return Query6(Pkt6(1, 0, [(1, DUID), (18, b"port-1")]), [], "eth0", "fe80::1", "ff02::1:2", 40)


# --- configuration -------------------------------------------------------------------------


def test_identifier_order_default_auto_and_explicit() -> None:
    assert identifier_order(load()) == DEFAULT_IDENTIFIERS6 == (HW, DU)
    explicit = load(**{"host-reservation-identifiers": ["duid", "flex-id"]})
    assert identifier_order(explicit) == (DU, FLEX)
    assert AUTO_IDENTIFIERS6 == (HW, DU, FLEX)  # Kea's "auto" (Host::IdentifierType order)


def test_mac_sources_default_is_any() -> None:
    assert mac_sources(load()) == ("any",)
    assert mac_sources(load(**{"mac-sources": ["duid", "rfc6939"]})) == ("duid", "rfc6939")


def test_flex_expression_needs_the_hook_and_a_valid_expression() -> None:
    spaces = standard_spaces(6)
    assert flex_expression(load(), spaces) is None
    hook: dict[str, object] = {
        "library": "/x/libdhcp_flex_id.so",
        "parameters": {"identifier-expression": "option[18].hex"},
    }
    value = flex_expression(load(**{"hooks-libraries": [hook]}), spaces)
    assert value is not None and value(query()) == b"port-1"


# --- identifiers and lookups ---------------------------------------------------------------


def test_identifiers_only_of_types_in_use_in_configured_order() -> None:
    config = load(**{"host-reservation-identifiers": ["duid", "hw-address"]})
    store = MemoryHostStore()
    p = policy(config, store)
    hwaddr = HwAddr(1, MAC, 2)
    assert p.identifiers(DUID, hwaddr, query) == []  # no host at all: nothing to look up
    assert not p.active()
    store.add_now(Host(HW, MAC, ipv6_subnet_id=1))
    assert p.identifiers(DUID, hwaddr, query) == [(HW, MAC)]
    store.add_now(Host(DU, b"\x00\x01", ipv6_subnet_id=1))
    assert p.identifiers(DUID, hwaddr, query) == [(DU, DUID), (HW, MAC)]
    assert p.identifiers(DUID, None, query) == [(DU, DUID)]
    assert p.active()


def test_flex_identifier_is_evaluated_lazily() -> None:
    hook = {
        "library": "libdhcp_flex_id.so",
        "parameters": {"identifier-expression": "option[18].hex"},
    }
    config = load(**{"hooks-libraries": [hook], "host-reservation-identifiers": ["flex-id"]})
    store = MemoryHostStore()
    p = policy(config, store)
    calls: list[int] = []

    def counting() -> Query6:
        calls.append(1)
        return query()

    assert p.identifiers(DUID, None, counting) == [] and not calls
    store.add_now(Host(FLEX, b"port-1", ipv6_subnet_id=1))
    assert p.identifiers(DUID, None, counting) == [(FLEX, b"port-1")] and calls == [1]


SHARED = [
    {
        "name": "net",
        "subnet6": [
            {"id": 1, "subnet": "2001:db8:1::/64"},
            {"id": 2, "subnet": "2001:db8:2::/64", "client-class": "gold"},
            {"id": 3, "subnet": "2001:db8:3::/64", "reservations-in-subnet": False},
        ],
    }
]


def test_find_walks_the_shared_network_with_flags_and_classes() -> None:
    config = load(**{"shared-networks": SHARED, "subnet6": []})
    store = MemoryHostStore()
    for sid in (1, 2, 3):
        store.add_now(Host(DU, DUID, ipv6_subnet_id=sid, hostname=f"h{sid}"))
    store.add_now(Host(DU, DUID, ipv6_subnet_id=0, hostname="global"))
    p = policy(config, store)
    subnet = config.subnet(1)
    assert subnet is not None
    ids = [(DU, DUID)]
    assert sorted(p.find(subnet, frozenset({"ALL"}), ids)) == [1]
    assert sorted(p.find(subnet, frozenset({"ALL", "gold"}), ids)) == [1, 2]
    assert p.find(subnet, frozenset(), []) == {}


def test_find_global_only_stops_after_the_global_host() -> None:
    flags = {"reservations-global": True, "reservations-in-subnet": False}
    config = load(**flags)
    store = MemoryHostStore()
    store.add_now(Host(DU, DUID, ipv6_subnet_id=0))
    store.add_now(Host(DU, DUID, ipv6_subnet_id=1))
    subnet = config.subnet(1)
    assert subnet is not None
    hosts = policy(config, store).find(subnet, frozenset(), [(DU, DUID)])
    assert list(hosts) == [0]
    current, ghost = first_hosts(hosts, subnet)
    assert current is ghost is hosts[0]


def test_holders_by_type_flag_and_scope() -> None:
    config = load(**{"reservations-global": True})
    store = MemoryHostStore()
    addr = IPv6Address("2001:db8:1::15")
    store.add_now(Host(DU, b"\x01", ipv6_subnet_id=1, ip_addresses=(addr,)))
    store.add_now(
        Host(DU, b"\x02", ipv6_subnet_id=0, prefixes=(IPv6Network("2001:db8:1::15/128"),))
    )
    p = policy(config, store)
    subnet = config.subnet(1)
    assert subnet is not None
    na_holders = p.holders(subnet, LeaseType.NA, int(addr))
    assert [h.identifier for h in na_holders] == [b"\x01"]
    assert [h.identifier for h in p.holders(subnet, LeaseType.PD, int(addr))] == [b"\x02"]
    assert p.reserved(subnet, LeaseType.NA, int(addr), True)
    assert not p.reserved(subnet, LeaseType.NA, int(addr) + 1, True)
    oop = load(**{"reservations-out-of-pool": True})
    subnet_oop = oop.subnet(1)
    assert subnet_oop is not None
    p = policy(oop, store)
    assert not p.reserved(subnet_oop, LeaseType.NA, int(addr), True)  # in-pool: skipped
    assert p.reserved(subnet_oop, LeaseType.NA, int(addr), False)


def test_option_level_is_compiled_once_per_host() -> None:
    option = OptionData(
        "dhcp6", 23, "dns-servers", IPv6Address("2001:db8::1").packed, False, True, ""
    )
    host = Host(DU, DUID, ipv6_subnet_id=1, option_data6=(option,))
    p = policy(load())
    level = p.option_level(host)
    assert level.tlvs[23] == b"\x00\x17\x00\x10" + IPv6Address("2001:db8::1").packed
    assert p.option_level(host) is level
    assert p.option_level(Host(DU, DUID, ipv6_subnet_id=1)).empty


def test_host_helpers() -> None:
    host = Host(
        HW,
        MAC,
        ipv6_subnet_id=1,
        ip_addresses=(IPv6Address("2001:db8::1"),),
        prefixes=(IPv6Network("2001:db8:9::/56"),),
    )
    assert host_label(host) == "hwaddr=0A0B0C0D0E0F"
    assert host_label(Host(DU, b"\x00\x01")) == "duid=0001"
    prefix = int(IPv6Address("2001:db8:9::"))
    assert host_reserves(host, LeaseType.PD, prefix)
    assert host_reserves(host, LeaseType.PD, prefix, 56)
    assert not host_reserves(host, LeaseType.PD, prefix, 64)
    assert not host_reserves(host, LeaseType.NA, prefix)
    assert reserved_resources(host, LeaseType.PD) == [(prefix, 56)]
    assert reserved_resources(host, LeaseType.NA) == [(int(IPv6Address("2001:db8::1")), 128)]


def test_initial_classes_follow_kea_init_context() -> None:
    config = load(
        **{"shared-networks": SHARED, "subnet6": [{"id": 9, "subnet": "2001:db8:9::/64"}]}
    )
    alone, shared = config.subnet(9), config.subnet(1)
    assert alone is not None and shared is not None
    with_classes = Host(DU, DUID, ipv6_subnet_id=9, client_classes6=("a",))
    assert initial_classes({9: with_classes}, alone) == ("a",)
    in_network = Host(DU, DUID, ipv6_subnet_id=1, client_classes6=("b",))
    assert initial_classes({1: in_network}, shared) is None  # set after allocation instead
    assert initial_classes({9: Host(DU, DUID, ipv6_subnet_id=9)}, alone) is None


def test_config_hosts_skips_nothing_of_a_valid_configuration() -> None:
    config = load(
        subnet6=[
            {
                "id": 1,
                "subnet": "2001:db8:1::/64",
                "reservations": [{"duid": "00:01", "ip-addresses": ["2001:db8:1::5"]}],
            }
        ],
        reservations=[{"duid": "00:02", "hostname": "g"}],
    )
    store = config_hosts(config)
    assert len(store) == 2
    assert store.get6(1, DU, b"\x00\x01") is not None and store.has_reservations6(0)
