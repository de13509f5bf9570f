"""What a reservation carries besides addresses: hostname (lease and Client FQDN), option-data
(the top option level), client-classes (with Kea's re-evaluation), KNOWN / UNKNOWN, and shared
networks where the client moves to the subnet holding its reservation."""

from __future__ import annotations

import json
from ipaddress import IPv6Address
from typing import Any

from tests.support.dhcp6_client import (
    INFORMATION_REQUEST,
    IaSpec,
    duid_of,
    message,
    request_from,
    wire,
)
from tests.support.reservations6 import (
    acquire,
    config_text,
    events,
    hexid,
    na,
    serve,
    solicit,
)

from pukeko.ddns.fqdn6 import decode_client_fqdn
from pukeko.leases.model import LeaseType

A, B = duid_of(1), duid_of(2)
X = "2001:db8:1::10"
OUT = "2001:db8:1::100"
DNS = 23
FQDN = 39


def fqdn_option(name: str, flags: int = 0x01) -> tuple[int, bytes]:
    """A Client FQDN option (S flag by default) with a fully qualified name."""
    body = b"".join(bytes((len(p),)) + p.encode() for p in name.split(".") if p)
    return FQDN, bytes((flags,)) + body + b"\x00"


def dns_servers(reply: Any) -> list[str]:
    payload = reply.get(DNS) or b""
    return [str(IPv6Address(payload[i : i + 16])) for i in range(0, len(payload), 16)]


def lease_at(h: Any, address: str) -> Any:
    lease = h.leases.get(LeaseType.NA, IPv6Address(address))
    assert lease is not None
    return lease


# --- hostname ------------------------------------------------------------------------------


def test_reserved_hostname_goes_to_the_lease_without_fqdn() -> None:
    h = serve(config_text([{"duid": hexid(B), "ip-addresses": [OUT], "hostname": "printer"}]))
    acquire(h, B)
    assert lease_at(h, OUT).hostname == "printer"


def test_reserved_hostname_is_qualified_for_a_reserved_lease() -> None:
    top = {"ddns-qualifying-suffix": "example.org"}
    host = {"duid": hexid(B), "ip-addresses": [OUT], "hostname": "printer"}
    h = serve(config_text([host], top=top))
    acquire(h, B)
    assert lease_at(h, OUT).hostname == "printer.example.org"  # Kea qualifyName, no final dot


def test_reserved_hostname_without_addresses_names_a_dynamic_lease() -> None:
    h = serve(config_text([{"duid": hexid(B), "hostname": "laptop"}]))
    reply = acquire(h, B)
    assert lease_at(h, na(reply)[0][0]).hostname == "laptop"


def test_reserved_hostname_replaces_the_client_fqdn() -> None:
    top = {"ddns-qualifying-suffix": "example.org", "dhcp-ddns": {"enable-updates": True}}
    host = {"duid": hexid(B), "ip-addresses": [OUT], "hostname": "printer"}
    h = serve(config_text([host], top=top))
    reply = acquire(h, B, extra=[fqdn_option("whatever.client.net")])
    server = decode_client_fqdn(reply.get(FQDN) or b"")
    assert server.domain_name == "printer.example.org."
    lease = lease_at(h, OUT)
    assert (lease.hostname, lease.fqdn_fwd, lease.fqdn_rev) == ("printer.example.org.", True, True)
    (ncr,) = h.outcomes[-1].name_changes
    assert ncr.fqdn == "printer.example.org." and ncr.ip_address == OUT


# --- option-data ---------------------------------------------------------------------------


HOST_DNS = [{"name": "dns-servers", "data": "2001:db8::99"}]


def test_host_options_take_precedence_over_every_other_level() -> None:
    host = {"duid": hexid(B), "ip-addresses": [X], "option-data": HOST_DNS}
    subnet = {
        "option-data": [{"name": "dns-servers", "data": "2001:db8::1"}],
        "pools": [
            {
                "pool": "2001:db8:1::10-2001:db8:1::1f",
                "option-data": [{"name": "dns-servers", "data": "2001:db8::2"}],
            }
        ],
    }
    top = {"option-data": [{"name": "dns-servers", "data": "2001:db8::53"}]}
    h = serve(config_text([host], subnet_extra=subnet, top=top))
    assert dns_servers(acquire(h, B, oro=[DNS])) == ["2001:db8::99"]
    assert dns_servers(acquire(h, A, oro=[DNS])) == ["2001:db8::2"]  # the pool's


def test_host_options_in_information_request() -> None:
    host = {"duid": hexid(B), "option-data": HOST_DNS}
    top = {"option-data": [{"name": "dns-servers", "data": "2001:db8::53"}]}
    h = serve(config_text([host], top=top))
    info = h.ask(wire(message(INFORMATION_REQUEST, B, oro=[DNS])))
    assert dns_servers(info) == ["2001:db8::99"]
    info = h.ask(wire(message(INFORMATION_REQUEST, A, oro=[DNS])))
    assert dns_servers(info) == ["2001:db8::53"]


# --- client classes, KNOWN / UNKNOWN -------------------------------------------------------


def classes(*entries: dict[str, Any]) -> dict[str, Any]:
    return {"client-classes": list(entries)}


def test_known_and_unknown_pools() -> None:
    subnet = {
        "pools": [
            {"pool": "2001:db8:1::10-2001:db8:1::1f", "client-class": "KNOWN"},
            {"pool": "2001:db8:1::20-2001:db8:1::2f", "client-class": "UNKNOWN"},
        ]
    }
    h = serve(config_text([{"duid": hexid(B), "hostname": "b"}], subnet_extra=subnet))
    assert na(acquire(h, B))[0][0] == X
    assert na(acquire(h, A))[0][0] == "2001:db8:1::20"


def test_known_class_from_the_lookup_drives_class_tests() -> None:
    top = classes(
        {
            "name": "known-clients",
            "test": "member('KNOWN')",
            "option-data": [{"name": "dns-servers", "data": "2001:db8::7"}],
        }
    )
    h = serve(config_text([{"duid": hexid(B), "hostname": "b"}], top=top))
    assert dns_servers(acquire(h, B, oro=[DNS])) == ["2001:db8::7"]
    assert ("INFO", "EVAL_RESULT") in events(h.outcomes[-1])
    assert dns_servers(acquire(h, A, oro=[DNS])) == []


def test_reserved_classes_replace_evaluated_ones() -> None:
    top = classes(
        {"name": "first", "option-data": [{"name": "dns-servers", "data": "2001:db8::f1"}]},
        {
            "name": "second",
            "test": "not member('first')",
            "option-data": [{"name": "dns-servers", "data": "2001:db8::f2"}],
        },
    )
    host = {"duid": hexid(B), "ip-addresses": [OUT], "client-classes": ["first"]}
    h = serve(config_text([host], top=top))
    assert dns_servers(acquire(h, B, oro=[DNS])) == ["2001:db8::f1"]
    assert dns_servers(acquire(h, A, oro=[DNS])) == ["2001:db8::f2"]


def test_reserved_class_opens_a_guarded_pool() -> None:
    top = classes({"name": "vip"})
    subnet = {"pools": [{"pool": "2001:db8:1::50-2001:db8:1::5f", "client-class": "vip"}]}
    h = serve(
        config_text([{"duid": hexid(B), "client-classes": ["vip"]}], subnet_extra=subnet, top=top)
    )
    assert na(acquire(h, B))[0][0] == "2001:db8:1::50"
    reply = acquire(h, A)
    assert reply.ias()[0].status() is not None  # NoAddrsAvail: not in the class


def test_reserved_classes_without_any_class_definition() -> None:
    subnet = {"pools": [{"pool": "2001:db8:1::50-2001:db8:1::5f", "client-class": "vip"}]}
    h = serve(config_text([{"duid": hexid(B), "client-classes": ["vip"]}], subnet_extra=subnet))
    assert na(acquire(h, B))[0][0] == "2001:db8:1::50"


# --- shared networks -----------------------------------------------------------------------


def shared_config(reservations2: list[dict[str, Any]], **top: Any) -> str:
    network = {
        "name": "net",
        "interface": "eth0",
        "subnet6": [
            {
                "id": 1,
                "subnet": "2001:db8:1::/64",
                "pools": [{"pool": "2001:db8:1::10-2001:db8:1::1f"}],
            },
            {
                "id": 2,
                "subnet": "2001:db8:2::/64",
                "pools": [{"pool": "2001:db8:2::10-2001:db8:2::1f"}],
                "reservations": reservations2,
            },
        ],
    }
    dhcp6 = {
        "interfaces-config": {"interfaces": ["eth0"]},
        "preferred-lifetime": 3000,
        "valid-lifetime": 4000,
        "shared-networks": [network],
        **top,
    }
    return json.dumps({"Dhcp6": dhcp6})


def test_client_moves_to_the_subnet_holding_its_reservation() -> None:
    host = {"duid": hexid(B), "ip-addresses": ["2001:db8:2::100"], "hostname": "moved"}
    h = serve(shared_config([host]))
    reply = acquire(h, B)
    assert na(reply) == [("2001:db8:2::100", 3000, 4000)]
    lease = lease_at(h, "2001:db8:2::100")
    assert (lease.subnet_id, lease.hostname) == (2, "moved")
    assert [a for a, _, _ in na(acquire(h, A))] == ["2001:db8:1::10"]


def test_shared_network_reservation_classes_and_options_after_allocation() -> None:
    top = {
        "client-classes": [
            {"name": "gold", "option-data": [{"name": "dns-servers", "data": "2001:db8::60"}]}
        ]
    }
    host = {"duid": hexid(B), "ip-addresses": ["2001:db8:2::100"], "client-classes": ["gold"]}
    h = serve(shared_config([host], **top))
    assert dns_servers(acquire(h, B, oro=[DNS])) == ["2001:db8::60"]
    host_opts = {
        "duid": hexid(B),
        "ip-addresses": ["2001:db8:2::100"],
        "option-data": [{"name": "dns-servers", "data": "2001:db8::61"}],
    }
    h = serve(shared_config([host_opts]))
    assert dns_servers(acquire(h, B, oro=[DNS])) == ["2001:db8::61"]


def test_shared_network_renew_keeps_the_reserved_lease_of_the_sibling() -> None:
    host = {"duid": hexid(B), "ip-addresses": ["2001:db8:2::100"]}
    h = serve(shared_config([host]))
    held = acquire(h, B)
    renewed = h.ask(wire(request_from(held, B, 5)))
    assert na(renewed) == [("2001:db8:2::100", 3000, 4000)]
    adv = solicit(h, B, [IaSpec(1)])
    assert na(adv) == [("2001:db8:2::100", 3000, 4000)]
