"""The typed, immutable configuration model built from a checked configuration."""

from __future__ import annotations

import dataclasses
from ipaddress import IPv4Address, IPv4Network, IPv6Address, IPv6Network
from types import MappingProxyType

import pytest

from pukeko.config.checks_options import standard_spaces
from pukeko.config.load import load_config
from pukeko.config.model import Config, build_model, freeze, thaw
from pukeko.config.validate import with_defaults

V6 = """{"Dhcp6": {
  "server-id": {"type": "EN", "enterprise-id": 2495, "identifier": "0102AB"},
  "option-def": [{"name": "foo", "code": 222, "type": "record", "record-types": "uint8, string"}],
  "option-data": [{"name": "dns-servers", "data": "2001:db8::1, 2001:db8::2"},
                  {"name": "foo", "data": "7, hi", "always-send": true}],
  "hooks-libraries": [{"library": "/usr/lib/kea/hooks/libdhcp_lease_cmds.so"}],
  "user-context": {"site": {"rack": [1, 2]}},
  "subnet6": [{
    "subnet": "2001:db8:1::/64",
    "interface": "lo",
    "pools": [{"pool": "2001:db8:1::10 - 2001:db8:1::ff"}, {"pool": "2001:db8:1:0:1::/80"}],
    "pd-pools": [{"prefix": "3000::", "prefix-len": 48, "delegated-len": 56,
                  "excluded-prefix": "3000::1000", "excluded-prefix-len": 64}],
    "reservations": [{"duid": "01:02:03", "ip-addresses": ["2001:db8:1::5"],
                      "prefixes": ["3001::/56"], "hostname": "h1"}],
    "relay": {"ip-addresses": ["2001:db8::ff"]}
  }, {"subnet": "2001:db8:2::/64", "id": 77}, {"subnet": "2001:db8:3::/64"}]
}}"""


@pytest.fixture(scope="module")
def config() -> Config:
    return load_config(V6, family=6).config


def test_objects_are_frozen(config: Config) -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        config.family = 4  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        config.subnets[0].id = 9  # type: ignore[misc]
    assert isinstance(config.subnets, tuple)
    assert isinstance(config.user_context, MappingProxyType)
    with pytest.raises(TypeError):
        config.user_context["x"] = 1  # type: ignore[index]
    assert config.user_context["site"]["rack"] == (1, 2)  # type: ignore[index]


def test_network_values_use_ipaddress_types(config: Config) -> None:
    subnet = config.subnets[0]
    assert subnet.prefix == IPv6Network("2001:db8:1::/64")
    first, second = subnet.pools
    assert (first.first, first.last) == (
        IPv6Address("2001:db8:1::10"),
        IPv6Address("2001:db8:1::ff"),
    )
    assert second.last == IPv6Address("2001:db8:1:0:1:ffff:ffff:ffff")
    assert IPv6Address("2001:db8:1::20") in first and IPv6Address("2001:db8:1::1") not in first
    pd = subnet.pd_pools[0]
    assert pd.prefix == IPv6Network("3000::/48") and pd.delegated_len == 56
    assert pd.excluded_prefix == IPv6Network("3000::1000/64", strict=False)
    assert subnet.params.relay_addresses == (IPv6Address("2001:db8::ff"),)
    assert subnet.params.interface == "lo"


def test_subnet_ids_auto_assigned_like_kea(config: Config) -> None:
    assert [s.id for s in config.subnets] == [1, 77, 2]
    assert config.subnet(77) is config.subnets[1]
    assert config.subnet(3) is None
    assert config.subnets_by_prefix[IPv6Network("2001:db8:3::/64")].id == 2


def test_option_data_compiled_to_payloads(config: Config) -> None:
    dns, foo = config.option_data
    assert (dns.space, dns.code, dns.name) == ("dhcp6", 23, "dns-servers")
    assert dns.payload == IPv6Address("2001:db8::1").packed + IPv6Address("2001:db8::2").packed
    assert not dns.always_send and dns.csv_format
    assert (foo.code, foo.payload, foo.always_send) == (222, b"\x07hi", True)
    definition = config.option_defs[0].definition
    assert definition.record_types == ("uint8", "string") and definition.space == "dhcp6"


def test_reservations_typed(config: Config) -> None:
    host = config.subnets[0].reservations[0]
    assert (host.identifier_type, host.identifier) == ("duid", b"\x01\x02\x03")
    assert host.ip_addresses == (IPv6Address("2001:db8:1::5"),)
    assert host.prefixes == (IPv6Network("3001::/56"),)
    assert host.hostname == "h1"


def test_globals_with_defaults(config: Config) -> None:
    assert config.params.valid_lifetime.default == 7200
    assert config.params.preferred_lifetime is not None
    assert config.params.t2_percent == 0.8 and config.params.calculate_tee_times
    assert config.decline_probation_period == 86400
    assert config.server_id is not None
    assert (config.server_id.type, config.server_id.identifier) == ("EN", b"\x01\x02\xab")
    assert config.server_id.enterprise_id == 2495
    assert config.hooks_libraries[0].library.endswith("libdhcp_lease_cmds.so")
    assert config.lease_database["type"] == "memfile"
    assert config.expired_leases_processing.max_reclaim_time == 250
    assert config.multi_threading.packet_queue_size == 64
    assert config.sanity_checks["lease-checks"] == "warn"


def test_build_model_from_plain_dict() -> None:
    root = with_defaults(
        {
            "Dhcp4": {
                "subnet4": [
                    {
                        "subnet": "192.0.2.0/24",
                        "pools": [{"pool": "192.0.2.10-192.0.2.20"}],
                        "reservations": [
                            {"hw-address": "aa:bb:cc:dd:ee:ff", "ip-address": "192.0.2.5"}
                        ],
                        "option-data": [{"name": "routers", "data": "192.0.2.1"}],
                    }
                ]
            }
        },
        4,
    )
    config = build_model(root, 4, standard_spaces(4))
    subnet = config.subnets[0]
    assert subnet.prefix == IPv4Network("192.0.2.0/24")
    assert subnet.pools[0].first == IPv4Address("192.0.2.10")
    assert subnet.reservations[0].ip_address == IPv4Address("192.0.2.5")
    assert subnet.option_data[0].payload == bytes([192, 0, 2, 1])
    assert subnet.params.match_client_id and config.server_id is None
    assert config.params.t2_percent == 0.875 and not config.params.calculate_tee_times


def test_freeze_and_thaw_are_inverse() -> None:
    value = {"a": [1, {"b": [True, None, "x"]}], "c": 1.5}
    frozen = freeze(value)
    assert isinstance(frozen, MappingProxyType)
    assert thaw(frozen) == value


def test_equal_configs_compare_equal(config: Config) -> None:
    again = load_config(V6, family=6).config
    assert again == config
    assert load_config(V6.replace('"h1"', '"h2"'), family=6).config != config


def test_interface_names_cover_networks(config: Config) -> None:
    assert config.interface_names == ("lo",)
    text = (
        '{"Dhcp6": {"interfaces-config": {"interfaces": ["eth0/2001:db8::1", "*"]},'
        ' "subnet6": [{"subnet": "2001:db8::/64", "interface": "eth9"}]}}'
    )
    assert load_config(text, family=6).config.interface_names == ("eth0", "*", "eth9")


def test_identifiers_decoded_as_kea_does() -> None:
    """server-id takes plain decodeHex; host identifiers take quoted text or formatted hex."""
    text = """{"Dhcp6": {
      "server-id": {"type": "EN", "enterprise-id": 9, "identifier": " 01 0a\\tff "},
      "subnet6": [{"id": 1, "subnet": "2001:db8:1::/64", "reservations": [
        {"flex-id": " ' abc ' ", "hostname": "a"},
        {"duid": "0x\\t\\t0102", "hostname": "b"},
        {"duid": "1 2 3", "hostname": "c"}]}]}}"""
    config = load_config(text, family=6).config
    assert config.server_id is not None
    assert config.server_id.identifier == b"\x01\x0a\xff"
    hosts = config.subnets[0].reservations
    assert [h.identifier for h in hosts] == [b"abc", b"\x01\x02", b"\x01\x02\x03"]
