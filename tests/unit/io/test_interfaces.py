import socket
from ipaddress import IPv6Address

import pytest
from tests.support.netns import can_use_netns
from tests.support.netns_enter import add_veth, in_namespace, namespaces, wait_link_local

from pukeko.io.interfaces import (
    ARPHRD_ETHER,
    ARPHRD_LOOPBACK,
    IFF_LOOPBACK,
    IFF_MULTICAST,
    IFF_RUNNING,
    IFF_UP,
    Address6,
    Interface,
    duid_hardware_address,
    list_interfaces,
    parse_if_inet6,
    wildcard_candidates,
)

# A real /proc/net/if_inet6: loopback, a global and a link-local on eth0, and a tentative
# link-local on a freshly created veth (flags 0xc0 = permanent | tentative).
IF_INET6 = """\
00000000000000000000000000000001 01 80 10 80       lo
fd000000000000000000000000000002 04 40 00 82     eth0
fe8000000000000000fc00fffe000001 04 40 20 80     eth0
fe8000000000000008379dfffe184a51 02 40 20 c0       b0
"""

ETH = IFF_UP | IFF_RUNNING | IFF_MULTICAST
MAC = bytes.fromhex("02fc00000001")


def test_parse_if_inet6_reads_every_field() -> None:
    table = parse_if_inet6(IF_INET6)
    assert sorted(table) == ["b0", "eth0", "lo"]
    glob, link = table["eth0"]
    assert glob == Address6(IPv6Address("fd00::2"), 64, 0x00, 0x82)
    assert link.address == IPv6Address("fe80::fc:ff:fe00:1") and link.scope == 0x20
    assert table["lo"][0].address == IPv6Address("::1") and table["lo"][0].prefix_len == 128
    assert link.usable and not table["b0"][0].usable  # tentative


def test_parse_if_inet6_skips_garbage_lines() -> None:
    text = "nonsense\nzz000000000000000000000000000001 01 80 10 80 lo\n" + IF_INET6.splitlines()[0]
    assert list(parse_if_inet6(text)) == ["lo"]
    assert parse_if_inet6("") == {}


def test_interface_flags_and_link_local() -> None:
    addrs = tuple(parse_if_inet6(IF_INET6)["eth0"])
    eth = Interface("eth0", 4, ETH, ARPHRD_ETHER, MAC, addrs)
    assert eth.up and eth.running and eth.multicast and not eth.loopback
    assert eth.link_local == IPv6Address("fe80::fc:ff:fe00:1")
    assert eth.has_address(IPv6Address("fd00::2"))
    assert not eth.has_address(IPv6Address("fd00::3"))
    tentative = Interface("b0", 2, ETH, ARPHRD_ETHER, MAC, tuple(parse_if_inet6(IF_INET6)["b0"]))
    assert tentative.link_local is None


def test_duid_hardware_address_follows_kea_choice() -> None:
    lo = Interface("lo", 1, IFF_UP | IFF_LOOPBACK, ARPHRD_LOOPBACK, bytes(6))
    down = Interface("eth9", 2, IFF_MULTICAST, ARPHRD_ETHER, bytes.fromhex("020000000009"))
    zero = Interface("dummy", 3, ETH, ARPHRD_ETHER, bytes(6))
    ib = Interface("ib0", 4, ETH, 32, bytes(range(1, 9)))
    eth = Interface("eth0", 5, ETH, ARPHRD_ETHER, MAC)
    later = Interface("eth1", 6, ETH, ARPHRD_ETHER, bytes.fromhex("020000000001"))
    assert duid_hardware_address([lo, down, zero]) is None
    assert duid_hardware_address([lo, ib]) == (32, bytes(range(1, 9)))
    assert duid_hardware_address([ib, eth, later]) == (ARPHRD_ETHER, MAC)


def test_wildcard_excludes_loopback_and_non_multicast() -> None:
    lo = Interface("lo", 1, IFF_UP | IFF_LOOPBACK | IFF_MULTICAST, ARPHRD_LOOPBACK, bytes(6))
    tun = Interface("tun0", 2, IFF_UP | IFF_RUNNING, 0xFFFE, b"")
    eth = Interface("eth0", 3, ETH, ARPHRD_ETHER, MAC)
    assert wildcard_candidates([lo, tun, eth]) == [eth]


def test_list_interfaces_on_this_host() -> None:
    found = list_interfaces()
    names = {iface.name for iface in found}
    assert names == {name for _, name in socket.if_nameindex()}
    lo = next(iface for iface in found if iface.name == "lo")
    assert lo.loopback and lo.up and lo.hwtype == ARPHRD_LOOPBACK


@pytest.mark.skipif(not can_use_netns(), reason="needs root to create network namespaces")
def test_list_interfaces_in_another_namespace_from_this_thread() -> None:
    with namespaces(2) as (left, right):
        add_veth(left, "pkv0", right, "pkv1")
        ip_text = wait_link_local(left, "pkv0")
        found = {i.name: i for i in in_namespace(left, list_interfaces)}
        assert set(found) == {"lo", "pkv0"}
        veth = found["pkv0"]
        assert veth.up and veth.multicast and veth.hwtype == ARPHRD_ETHER and len(veth.mac) == 6
        assert veth.link_local == IPv6Address(ip_text)
