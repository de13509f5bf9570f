"""Pool arithmetic: address ranges, delegated-prefix ranges, pool references from a config."""

from __future__ import annotations

from ipaddress import IPv6Address, IPv6Network

import pytest

from pukeko.alloc.pools import (
    AddressRange,
    PrefixRange,
    find_pool,
    pools_for,
    pools_of,
)
from pukeko.config.load import load_config
from pukeko.leases.model import LeaseType

CONFIG6 = """{"Dhcp6": {"subnet6": [{
  "id": 7, "subnet": "2001:db8:1::/48",
  "pools": [{"pool": "2001:db8:1::10 - 2001:db8:1::1f"}, {"pool": "2001:db8:1:1::/64"}],
  "pd-pools": [{"prefix": "2001:db8:8::", "prefix-len": 48, "delegated-len": 56,
                "excluded-prefix": "2001:db8:8:0:100::", "excluded-prefix-len": 72},
               {"prefix": "2001:db8:9::", "prefix-len": 62, "delegated-len": 64}]
}]}}"""

CONFIG4 = """{"Dhcp4": {"subnet4": [{"id": 3, "subnet": "192.0.2.0/24",
  "pools": [{"pool": "192.0.2.10 - 192.0.2.20"}]}]}}"""


def v6(text: str) -> int:
    return int(IPv6Address(text))


def test_address_range_boundaries() -> None:
    rng = AddressRange(v6("2001:db8::10"), v6("2001:db8::1f"))
    assert rng.capacity == 16
    assert rng.contains(v6("2001:db8::10")) and rng.contains(v6("2001:db8::1f"))
    assert not rng.contains(v6("2001:db8::f")) and not rng.contains(v6("2001:db8::20"))
    assert rng.offset(v6("2001:db8::1f")) == 15
    assert rng.address(0) == v6("2001:db8::10")
    assert rng.address(15) == v6("2001:db8::1f")


def test_single_address_range() -> None:
    rng = AddressRange(5, 5)
    assert rng.capacity == 1
    assert rng.offset(5) == 0 and rng.address(0) == 5


def test_huge_range_of_a_slash_64() -> None:
    net = IPv6Network("2001:db8:1:1::/64")
    rng = AddressRange(int(net.network_address), int(net.broadcast_address))
    assert rng.capacity == 2**64
    assert rng.address(2**64 - 1) == int(net.broadcast_address)


def test_prefix_range_arithmetic() -> None:
    rng = PrefixRange(v6("2001:db8:8::"), 48, 56)
    assert rng.capacity == 256
    assert rng.step == 2**72
    assert rng.prefix_at(0) == v6("2001:db8:8::")
    assert rng.prefix_at(1) == v6("2001:db8:8:100::")
    assert rng.prefix_at(255) == v6("2001:db8:8:ff00::")
    assert rng.offset(v6("2001:db8:8:ff00::")) == 255
    assert rng.contains(v6("2001:db8:8:ffff:ffff:ffff:ffff:ffff"))
    assert not rng.contains(v6("2001:db8:9::"))
    assert rng.last == v6("2001:db8:8:ffff:ffff:ffff:ffff:ffff")
    # An address inside a block belongs to that block and aligns down to its base.
    assert rng.offset(v6("2001:db8:8:1ff::1")) == 1
    assert rng.align(v6("2001:db8:8:1ff::1")) == v6("2001:db8:8:100::")


def test_prefix_range_equal_lengths_is_one_prefix() -> None:
    rng = PrefixRange(v6("3000::"), 64, 64)
    assert rng.capacity == 1
    assert rng.prefix_at(0) == v6("3000::")


def test_pools_of_a_v6_subnet() -> None:
    subnet = load_config(CONFIG6, family=6).config.all_subnets[0]
    refs = pools_of(subnet)
    assert [(r.kind, r.index) for r in refs] == [("na", 0), ("na", 1), ("pd", 0), ("pd", 1)]
    assert all(r.subnet_id == 7 for r in refs)
    assert refs[0].range == AddressRange(v6("2001:db8:1::10"), v6("2001:db8:1::1f"))
    assert refs[1].range.capacity == 2**64
    pd = refs[2].range
    assert isinstance(pd, PrefixRange)
    assert pd.capacity == 256
    # The excluded prefix is carried (for PD-exclude) but every /56 stays in the pool.
    assert pd.excluded == (v6("2001:db8:8:0:100::"), 72)
    assert refs[2].prefix_len == 56 and refs[0].prefix_len == 128
    assert refs[3].range.capacity == 4
    assert refs[2].pool is subnet.pd_pools[0]


def test_pools_of_a_v4_subnet() -> None:
    subnet = load_config(CONFIG4, family=4).config.all_subnets[0]
    (ref,) = pools_of(subnet)
    assert ref.kind == "v4" and ref.prefix_len == 32
    assert ref.range.capacity == 11


def test_ta_uses_the_address_pools_and_shares_their_occupancy_key() -> None:
    subnet = load_config(CONFIG6, family=6).config.all_subnets[0]
    na = pools_for(subnet, LeaseType.NA)
    ta = pools_for(subnet, LeaseType.TA)
    assert [r.range for r in ta] == [r.range for r in na]
    assert all(r.kind == "ta" for r in ta)
    assert [r.key for r in ta] == [r.key for r in na]
    assert [r.cursor_key for r in ta] != [r.cursor_key for r in na]
    assert [r.kind for r in pools_for(subnet, LeaseType.PD)] == ["pd", "pd"]


def test_find_pool() -> None:
    subnet = load_config(CONFIG6, family=6).config.all_subnets[0]
    refs = pools_of(subnet)
    assert find_pool(refs, v6("2001:db8:1::1f")) is refs[0]
    assert find_pool(refs, v6("2001:db8:1:1::abcd")) is refs[1]
    assert find_pool(refs, v6("2001:db8:9:3::")) is refs[3]
    assert find_pool(refs, v6("2001:db8:1::20")) is None


@pytest.mark.parametrize("ref_index", [0, 1, 2, 3])
def test_pool_refs_are_hashable_and_compare_by_position(ref_index: int) -> None:
    subnet = load_config(CONFIG6, family=6).config.all_subnets[0]
    a = pools_of(subnet)[ref_index]
    b = pools_of(subnet)[ref_index]
    assert a == b and hash(a) == hash(b)
    assert {a: 1}[b] == 1
