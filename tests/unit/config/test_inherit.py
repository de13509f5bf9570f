"""Parameter inheritance: global -> shared network -> subnet -> pool, as Kea 2.2 resolves it."""

from __future__ import annotations

from pukeko.config.inherit import (
    INHERITED,
    derive,
    effective,
    inherited_names,
    is_set,
    merged_options,
)
from pukeko.config.load import load_config
from pukeko.config.model import Config, Lifetime


def load6(body: str) -> Config:
    return load_config('{"Dhcp6": {' + body + "}}", family=6).config


def load4(body: str) -> Config:
    return load_config('{"Dhcp4": {' + body + "}}", family=4).config


def test_table_matches_kea_inherit_to_subnet_lists() -> None:
    # SimpleParser6::INHERIT_TO_SUBNET6 and SimpleParser4::INHERIT_TO_SUBNET4.
    assert set(inherited_names(6, derived=True)) == {
        "preferred-lifetime",
        "min-preferred-lifetime",
        "max-preferred-lifetime",
        "rebind-timer",
        "relay",
        "renew-timer",
        "valid-lifetime",
        "min-valid-lifetime",
        "max-valid-lifetime",
        "calculate-tee-times",
        "t1-percent",
        "t2-percent",
        "store-extended-info",
        "cache-threshold",
        "cache-max-age",
    }
    assert set(inherited_names(4, derived=True)) == set(inherited_names(6, derived=True)) - {
        "preferred-lifetime",
        "min-preferred-lifetime",
        "max-preferred-lifetime",
    }


def test_family_specific_rows() -> None:
    assert "rapid-commit" in inherited_names(6) and "rapid-commit" not in inherited_names(4)
    assert "authoritative" in inherited_names(4) and "authoritative" not in inherited_names(6)
    assert len({row.name for row in INHERITED}) == len(INHERITED)


def test_effective_takes_most_specific_level() -> None:
    subnet, network, top = {"valid-lifetime": 10}, {"valid-lifetime": 20}, {"valid-lifetime": 30}
    assert effective("valid-lifetime", subnet, network, top) == 10
    assert effective("valid-lifetime", {}, network, top) == 20
    assert effective("valid-lifetime", {}, {}, top) == 30
    assert effective("valid-lifetime", {}, {}, {}, default=7200) == 7200


def test_empty_interface_string_means_unset() -> None:
    assert not is_set("interface", {"interface": ""})
    assert is_set("ddns-qualifying-suffix", {"ddns-qualifying-suffix": ""})
    assert effective("interface", {"interface": ""}, {"interface": "eth0"}) == "eth0"


def test_derive_copies_only_parse_time_parameters() -> None:
    parent = {"renew-timer": 100, "ddns-send-updates": False, "relay": {"ip-addresses": []}}
    child = derive(parent, {"rebind-timer": 200}, 6)
    assert child == {"rebind-timer": 200, "renew-timer": 100, "relay": {"ip-addresses": []}}
    assert derive(parent, {"renew-timer": 5}, 6)["renew-timer"] == 5


def test_merged_options_keep_pool_first() -> None:
    assert merged_options(("pool",), ("subnet",), (), ("global",)) == ("pool", "subnet", "global")


def test_global_to_shared_network_to_subnet() -> None:
    config = load6(
        '"valid-lifetime": 1000, "preferred-lifetime": 500, "renew-timer": 100,'
        '"rebind-timer": 200, "ddns-send-updates": false,'
        '"shared-networks": [{"name": "n", "valid-lifetime": 2000, "rapid-commit": true,'
        ' "subnet6": [{"subnet": "2001:db8:1::/64"},'
        ' {"subnet": "2001:db8:2::/64", "valid-lifetime": 3000, "renew-timer": 50}]}],'
        '"subnet6": [{"subnet": "2001:db8:9::/64"}]'
    )
    net = config.shared_networks[0]
    first, second = net.subnets
    lone = config.subnets[0]
    assert net.params.valid_lifetime == Lifetime(2000, 2000, 2000)
    assert first.params.valid_lifetime.default == 2000  # from the shared network
    assert second.params.valid_lifetime.default == 3000  # its own value
    assert lone.params.valid_lifetime.default == 1000  # from the global level
    assert first.params.preferred_lifetime == Lifetime(500, 500, 500)
    assert (first.params.renew_timer, second.params.renew_timer) == (100, 50)
    assert first.params.rebind_timer == 200
    assert first.params.rapid_commit and second.params.rapid_commit
    assert not lone.params.rapid_commit
    # Run-time inherited parameters resolve the same way.
    assert not first.params.ddns.send_updates and not lone.params.ddns.send_updates


def test_derived_parameters_appear_in_subnet_explicit_map() -> None:
    config = load6('"renew-timer": 100, "subnet6": [{"subnet": "2001:db8::/64"}]')
    subnet = config.subnets[0]
    assert subnet.explicit["renew-timer"] == 100
    # Run-time parameters are not copied: they stay where they are written.
    assert "ddns-send-updates" not in subnet.explicit
    assert subnet.params.ddns.send_updates is True


def test_lifetime_bounds_complete_like_kea() -> None:
    config = load6(
        '"min-valid-lifetime": 100, "valid-lifetime": 200,'
        '"subnet6": [{"subnet": "2001:db8::/64", "max-valid-lifetime": 900}]'
    )
    assert config.params.valid_lifetime == Lifetime(200, 100, 200)
    assert config.subnets[0].params.valid_lifetime == Lifetime(200, 100, 900)


def test_reservation_mode_becomes_flags_at_its_level() -> None:
    config = load6(
        '"subnet6": [{"subnet": "2001:db8::/64", "reservation-mode": "out-of-pool"},'
        '{"subnet": "2001:db8:1::/64", "reservation-mode": "global"}]'
    )
    a, b = config.subnets
    assert (
        a.params.reservations_global,
        a.params.reservations_in_subnet,
        a.params.reservations_out_of_pool,
    ) == (False, True, True)
    assert (b.params.reservations_global, b.params.reservations_in_subnet) == (True, False)
    assert config.params.reservations_in_subnet is True


def test_interface_inherited_from_shared_network() -> None:
    config = load6(
        '"shared-networks": [{"name": "n", "interface": "lo",'
        ' "subnet6": [{"subnet": "2001:db8::/64"}]}]'
    )
    assert config.shared_networks[0].subnets[0].params.interface == "lo"


def test_v4_parameters_inherit() -> None:
    config = load4(
        '"next-server": "192.0.2.1", "match-client-id": false, "t1-percent": 0.4,'
        '"calculate-tee-times": true,'
        '"shared-networks": [{"name": "n", "boot-file-name": "/pxe",'
        ' "subnet4": [{"subnet": "192.0.2.0/24", "next-server": "192.0.2.2"}]}],'
        '"subnet4": [{"subnet": "198.51.100.0/24"}]'
    )
    inner = config.shared_networks[0].subnets[0]
    outer = config.subnets[0]
    assert str(inner.params.next_server) == "192.0.2.2"
    assert str(outer.params.next_server) == "192.0.2.1"
    assert inner.params.boot_file_name == "/pxe" and outer.params.boot_file_name == ""
    assert not inner.params.match_client_id
    assert inner.params.t1_percent == 0.4 and inner.params.calculate_tee_times
    assert outer.params.t2_percent == 0.875


def test_pool_option_data_is_kept_per_level() -> None:
    config = load6(
        '"option-data": [{"name": "preference", "data": "1"}],'
        '"subnet6": [{"subnet": "2001:db8::/64",'
        ' "option-data": [{"name": "preference", "data": "2"}],'
        ' "pools": [{"pool": "2001:db8::1-2001:db8::9",'
        '   "option-data": [{"name": "preference", "data": "3"}]}]}]'
    )
    subnet = config.subnets[0]
    chain = merged_options(subnet.pools[0].option_data, subnet.option_data, config.option_data)
    payloads = [o.payload for o in chain]  # type: ignore[attr-defined]
    assert payloads == [b"\x03", b"\x02", b"\x01"]
