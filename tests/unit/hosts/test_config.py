"""Reservations from the configuration file as hosts, and hosts back to Kea's JSON."""

from __future__ import annotations

import asyncio
import json
from ipaddress import IPv4Address, IPv6Address, IPv6Network

from pukeko.config.load import load_config
from pukeko.config.model import Config
from pukeko.config.render import render
from pukeko.hosts.config import (
    hosts_from_config,
    kea_identifier_text,
    load_config_hosts,
    reservation_json,
)
from pukeko.hosts.memory import MemoryHostStore
from pukeko.hosts.model import SUBNET_ID_GLOBAL, Host, IdentifierType

DUID = IdentifierType.DUID
HW = IdentifierType.HW_ADDRESS
FLEX = IdentifierType.FLEX_ID

# Every reservation form of a DHCPv6 server, identifiers in the form Kea writes them back.
V6 = """{"Dhcp6": {
  "host-reservation-identifiers": ["duid", "hw-address", "flex-id"],
  "reservations": [
    {"duid": "00:03:00:01:aa:bb:cc:dd:ee:01", "ip-addresses": ["2001:db8:9::1"],
     "hostname": "global-one", "client-classes": ["gold"],
     "user-context": {"rack": 4, "tags": ["a", null]}}
  ],
  "shared-networks": [{"name": "net", "subnet6": [
    {"id": 7, "subnet": "2001:db8:7::/64",
     "reservations": [{"hw-address": "0a:0b:0c:0d:0e:0f", "hostname": "in-shared"}]}]}],
  "subnet6": [{"id": 1, "subnet": "2001:db8:1::/48",
    "pd-pools": [{"prefix": "2001:db8:1:8000::", "prefix-len": 49, "delegated-len": 64}],
    "reservations": [
      {"duid": "01:02:03:04:05:06",
       "ip-addresses": ["2001:db8:1::5", "2001:db8:1::6"],
       "prefixes": ["2001:db8:1:8000::/64", "2001:db8:1:9000::/56"],
       "hostname": "Multi.Example.Org", "client-classes": ["a", "b"],
       "option-data": [{"name": "dns-servers", "data": "2001:db8::1, 2001:db8::2"},
                       {"code": 23, "space": "dhcp6", "data": "20010db8000000000000000000000053",
                        "csv-format": false}]},
      {"hw-address": "aa:bb:cc:dd:ee:ff", "ip-addresses": ["2001:db8:1::7"]},
      {"flex-id": "6D7968", "prefixes": ["2001:db8:1:a000::/64"]}
    ]}]}}"""

V4 = """{"Dhcp4": {
  "host-reservation-identifiers": ["hw-address", "duid", "circuit-id", "client-id", "flex-id"],
  "reservations": [{"client-id": "01AABB", "ip-address": "10.0.0.5",
                    "next-server": "0.0.0.0", "server-hostname": "", "boot-file-name": ""}],
  "subnet4": [{"id": 5, "subnet": "192.0.2.0/24", "reservations": [
    {"hw-address": "aa:bb:cc:dd:ee:ff", "ip-address": "192.0.2.9", "hostname": "x",
     "next-server": "10.1.1.1", "server-hostname": "", "boot-file-name": "",
     "option-data": [{"name": "routers", "data": "192.0.2.1"}]},
    {"circuit-id": "636964", "server-hostname": "srv", "boot-file-name": "f",
     "next-server": "0.0.0.0", "client-classes": ["c1"]},
    {"duid": "01:02:03", "hostname": "d",
     "next-server": "0.0.0.0", "server-hostname": "", "boot-file-name": ""},
    {"flex-id": "0A0B", "hostname": "f", "user-context": {"k": "v"},
     "next-server": "0.0.0.0", "server-hostname": "", "boot-file-name": ""}]}]}}"""


def load(text: str, family: int) -> Config:
    return load_config(text, family=family).config


def by_identifier(hosts: list[Host]) -> dict[bytes, Host]:
    return {h.identifier: h for h in hosts}


# -- hosts_from_config ---------------------------------------------------------------------------


def test_v6_reservations_become_v6_hosts() -> None:
    hosts = hosts_from_config(load(V6, 6))
    assert len(hosts) == 5
    assert all(h.ipv4_subnet_id is None for h in hosts)
    found = by_identifier(hosts)
    glob = found[bytes.fromhex("00030001aabbccddee01")]
    assert glob.identifier_type is DUID and glob.ipv6_subnet_id == SUBNET_ID_GLOBAL
    assert glob.ip_addresses == (IPv6Address("2001:db8:9::1"),)
    assert glob.client_classes6 == ("gold",) and glob.client_classes4 == ()
    assert glob.user_context == {"rack": 4, "tags": ("a", None)}
    shared = found[bytes.fromhex("0a0b0c0d0e0f")]
    assert shared.identifier_type is HW and shared.ipv6_subnet_id == 7
    multi = found[bytes.fromhex("010203040506")]
    assert multi.ipv6_subnet_id == 1 and multi.hostname == "Multi.Example.Org"
    assert multi.ip_addresses == (IPv6Address("2001:db8:1::5"), IPv6Address("2001:db8:1::6"))
    assert multi.prefixes == (
        IPv6Network("2001:db8:1:8000::/64"),
        IPv6Network("2001:db8:1:9000::/56"),
    )
    assert multi.client_classes6 == ("a", "b")
    assert [(o.code, o.payload) for o in multi.option_data6] == [
        (23, IPv6Address("2001:db8::1").packed + IPv6Address("2001:db8::2").packed),
        (23, IPv6Address("2001:db8::53").packed),
    ]
    assert multi.option_data4 == () and multi.user_context is None
    flex = found[b"myh"]
    assert flex.identifier_type is FLEX
    assert flex.prefixes == (IPv6Network("2001:db8:1:a000::/64"),)


def test_v4_reservations_become_v4_hosts_with_every_identifier_type() -> None:
    hosts = hosts_from_config(load(V4, 4))
    assert {h.identifier_type for h in hosts} == set(IdentifierType)
    assert all(h.ipv6_subnet_id is None and h.ip_addresses == () for h in hosts)
    found = by_identifier(hosts)
    client = found[bytes.fromhex("01aabb")]
    assert client.identifier_type is IdentifierType.CLIENT_ID
    assert client.ipv4_subnet_id == SUBNET_ID_GLOBAL
    assert client.ipv4_address == IPv4Address("10.0.0.5")
    hw = found[bytes.fromhex("aabbccddeeff")]
    assert hw.ipv4_subnet_id == 5 and hw.ipv4_address == IPv4Address("192.0.2.9")
    assert hw.next_server == IPv4Address("10.1.1.1")
    assert [(o.code, o.payload) for o in hw.option_data4] == [(3, bytes([192, 0, 2, 1]))]
    circuit = found[b"cid"]
    assert circuit.identifier_type is IdentifierType.CIRCUIT_ID
    assert (circuit.server_hostname, circuit.boot_file_name) == ("srv", "f")
    assert circuit.client_classes4 == ("c1",) and circuit.ipv4_address is None
    assert found[b"\x0a\x0b"].user_context == {"k": "v"}
    assert found[b"\x01\x02\x03"].identifier_type is DUID
    assert all(h.extra == {} for h in hosts)  # every key has a typed home


def test_quoted_identifiers_and_comments_are_read_like_kea() -> None:
    config = load(
        """{"Dhcp6": {"subnet6": [{"id": 3, "subnet": "2001:db8::/64", "reservations": [
            {"flex-id": "'abc'", "hostname": "q", "comment": "by hand",
             "user-context": {"x": 1}}]}]}}""",
        6,
    )
    (host,) = hosts_from_config(config)
    assert host.identifier == b"abc" and host.identifier_type is FLEX
    assert host.user_context == {"x": 1, "comment": "by hand"}
    assert "comment" not in host.extra


def test_from_config_builds_a_store_with_every_reservation() -> None:
    config = load(V6, 6)
    store = MemoryHostStore.from_config(config)
    assert len(store) == 5 and store.ip_reservations_unique
    multi = store.get6(1, DUID, bytes.fromhex("010203040506"))
    assert multi is not None and multi.hostname == "Multi.Example.Org"
    assert store.by_resource6(1, IPv6Address("2001:db8:1:9000::")) == (multi,)
    assert store.get6(7, HW, bytes.fromhex("0a0b0c0d0e0f")) is not None
    assert store.has_reservations6(SUBNET_ID_GLOBAL) and not store.has_reservations6(2)
    assert store.identifier_types6() == {DUID, HW, FLEX}
    assert store.identifier_types4() == frozenset()


def test_from_config_follows_ip_reservations_unique() -> None:
    text = """{"Dhcp4": {"ip-reservations-unique": false, "subnet4": [
        {"id": 1, "subnet": "192.0.2.0/24", "reservations": [
          {"hw-address": "00:00:00:00:00:01", "ip-address": "192.0.2.10"},
          {"hw-address": "00:00:00:00:00:02", "ip-address": "192.0.2.10"}]}]}}"""
    store = MemoryHostStore.from_config(load(text, 4))
    assert not store.ip_reservations_unique
    owners = store.by_address4(1, IPv4Address("192.0.2.10"))
    assert [h.identifier[-1] for h in owners] == [1, 2]


def test_load_config_hosts_adds_them_to_any_store() -> None:
    store = MemoryHostStore()
    count = asyncio.run(load_config_hosts(store, load(V4, 4)))
    assert count == 5 == len(store)
    assert store.get4(5, IdentifierType.CIRCUIT_ID, b"cid") is not None


# -- reservation_json ----------------------------------------------------------------------------


def _rendered_reservations(config: Config) -> dict[int, list[object]]:
    """render.py's reservations per subnet id (0: the global ones)."""
    server = render(config)[f"Dhcp{config.family}"]
    assert isinstance(server, dict)
    out: dict[int, list[object]] = {SUBNET_ID_GLOBAL: server["reservations"]}
    subnets = [s for n in server["shared-networks"] for s in n[f"subnet{config.family}"]]
    for subnet in subnets + server[f"subnet{config.family}"]:
        out[subnet["id"]] = subnet["reservations"]
    return out


def _json_reservations(config: Config) -> dict[int, list[object]]:
    family = config.family
    out: dict[int, list[object]] = {SUBNET_ID_GLOBAL: []}
    out.update({s.id: [] for s in config.all_subnets})
    for host in hosts_from_config(config):
        subnet = host.ipv6_subnet_id if family == 6 else host.ipv4_subnet_id
        assert subnet is not None
        out[subnet].append(reservation_json(host, family))
    return out


def test_reservation_json_equals_the_rendered_config_v6() -> None:
    config = load(V6, 6)
    assert _json_reservations(config) == _rendered_reservations(config)


def test_reservation_json_equals_the_rendered_config_v4() -> None:
    config = load(V4, 4)
    assert _json_reservations(config) == _rendered_reservations(config)


def test_reservation_json_loads_back_to_the_same_hosts() -> None:
    for text, family in ((V6, 6), (V4, 4)):
        config = load(text, family)
        doc = json.loads(json.dumps(render(config)))
        server = doc[f"Dhcp{family}"]
        by_subnet = _json_reservations(config)
        server["reservations"] = by_subnet[SUBNET_ID_GLOBAL]
        for subnet in server[f"subnet{family}"]:
            subnet["reservations"] = by_subnet[subnet["id"]]
        again = load(json.dumps(doc), family)
        assert hosts_from_config(again) == hosts_from_config(config)


def test_reservation_json_is_what_kea_config_get_answers() -> None:
    # Kea 2.2's config-get for these reservations (run by hand, sorted keys): identifiers in
    # their canonical form, the comment inside user-context, DHCPv4 boot fields always shown.
    v6 = load(
        """{"Dhcp6": {"reservations": [
             {"flex-id": "'abc'", "ip-addresses": ["2001:db8:9::1"],
              "user-context": {"x": 1}, "comment": "hi"}],
           "subnet6": [{"id": 5, "subnet": "2001:db8:1::/64", "reservations": [
             {"hw-address": "AA:BB:cc:dd:ee:ff", "hostname": "h2"},
             {"flex-id": "01 02 03", "hostname": "h3"},
             {"duid": "010203040506", "prefixes": ["2001:db8:2::/64"]}]}]}}""",
        6,
    )
    assert [reservation_json(h, 6) for h in hosts_from_config(v6)] == [
        {
            "client-classes": [],
            "flex-id": "616263",
            "hostname": "",
            "ip-addresses": ["2001:db8:9::1"],
            "option-data": [],
            "prefixes": [],
            "user-context": {"comment": "hi", "x": 1},
        },
        {
            "client-classes": [],
            "hostname": "h2",
            "hw-address": "aa:bb:cc:dd:ee:ff",
            "ip-addresses": [],
            "option-data": [],
            "prefixes": [],
        },
        {
            "client-classes": [],
            "flex-id": "010203",
            "hostname": "h3",
            "ip-addresses": [],
            "option-data": [],
            "prefixes": [],
        },
        {
            "client-classes": [],
            "duid": "01:02:03:04:05:06",
            "hostname": "",
            "ip-addresses": [],
            "option-data": [],
            "prefixes": ["2001:db8:2::/64"],
        },
    ]
    v4 = load(
        """{"Dhcp4": {"subnet4": [{"id": 5, "subnet": "192.0.2.0/24", "reservations": [
             {"circuit-id": "'cid'", "server-hostname": "srv", "boot-file-name": "f"},
             {"client-id": "01:aa:bb", "ip-address": "192.0.2.5"}]}]}}""",
        4,
    )
    assert [reservation_json(h, 4) for h in hosts_from_config(v4)] == [
        {
            "boot-file-name": "f",
            "circuit-id": "636964",
            "client-classes": [],
            "hostname": "",
            "next-server": "0.0.0.0",
            "option-data": [],
            "server-hostname": "srv",
        },
        {
            "boot-file-name": "",
            "client-classes": [],
            "client-id": "01AABB",
            "hostname": "",
            "ip-address": "192.0.2.5",
            "next-server": "0.0.0.0",
            "option-data": [],
            "server-hostname": "",
        },
    ]


def test_reservation_json_of_a_host_of_both_families() -> None:
    host = Host(
        HW,
        bytes.fromhex("0102030405ff"),
        ipv4_subnet_id=1,
        ipv6_subnet_id=2,
        ipv4_address=IPv4Address("192.0.2.1"),
        ip_addresses=(IPv6Address("2001:db8::1"),),
        hostname="both",
        client_classes4=("v4",),
        client_classes6=("v6",),
    )
    v4, v6 = reservation_json(host, 4), reservation_json(host, 6)
    assert v4["ip-address"] == "192.0.2.1" and "ip-addresses" not in v4
    assert v6["ip-addresses"] == ["2001:db8::1"] and "ip-address" not in v6
    assert "next-server" not in v6
    assert (v4["client-classes"], v6["client-classes"]) == (["v4"], ["v6"])
    assert v4["hw-address"] == v6["hw-address"] == "01:02:03:04:05:ff"


def test_kea_identifier_text_per_type() -> None:
    raw = b"\x0a\xbc"
    assert kea_identifier_text(HW, raw) == "0a:bc"
    assert kea_identifier_text(DUID, raw) == "0a:bc"
    for kind in (FLEX, IdentifierType.CIRCUIT_ID, IdentifierType.CLIENT_ID):
        assert kea_identifier_text(kind, raw) == "0ABC"
