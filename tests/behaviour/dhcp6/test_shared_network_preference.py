"""Where allocation starts in a shared network, and whose options a failed allocation carries.

Kea 2.2 (``AllocEngine::allocateUnreservedLeases6``): each IA starts at
``SharedNetwork6::getPreferredSubnet`` — the last subnet, in network order, of the same client
class whose last-allocation stamp is newer than the selected subnet's — and the allocator stamps
every subnet it walks, found or not. When nothing is free the reply's options come from that
starting subnet (the differential suite ``network_exhausted_with_pd`` checks this against Kea).
"""

from __future__ import annotations

import json
from ipaddress import IPv6Address

from tests.support.dhcp6_client import REQUEST, SOLICIT, IaSpec, duid_of, message, wire
from tests.support.dhcp6_harness import SERVER_DUID, harness

from pukeko.leases.model import LeaseType

DNS = 23


def subnet(n: int) -> dict[str, object]:
    """Subnet ``n`` with a one-address pool and its own dns-servers value."""
    return {
        "id": n,
        "subnet": f"2001:db8:{n}::/64",
        "pools": [{"pool": f"2001:db8:{n}::10 - 2001:db8:{n}::10"}],
        "option-data": [{"name": "dns-servers", "data": f"2001:db8:{n}::53"}],
    }


CONFIG = json.dumps(
    {
        "Dhcp6": {
            "interfaces-config": {"interfaces": ["eth0"]},
            "shared-networks": [
                {"name": "net", "interface": "eth0", "subnet6": [subnet(1), subnet(2), subnet(3)]}
            ],
        }
    }
)


def dns_of(reply_options: bytes | None) -> str:
    assert reply_options is not None
    return str(IPv6Address(reply_options))


def test_failed_walks_stamp_every_subnet_they_visit() -> None:
    h = harness(CONFIG)
    for n in range(3):  # one address each: subnets 1, 2, 3 fill in order
        h.ask(wire(message(REQUEST, duid_of(n), [IaSpec(1)], server_id=SERVER_DUID)))
    # Start at 3 (stamped last), walk 3, 1, 2: nothing free, options of the start.
    first = h.ask(wire(message(SOLICIT, duid_of(10), [IaSpec(1)], oro=[DNS])))
    assert dns_of(first.get(DNS)) == "2001:db8:3::53"
    # That walk stamped 2 last: the next client starts there (stamping only successful picks
    # would start at 3 again).
    second = h.ask(wire(message(SOLICIT, duid_of(11), [IaSpec(1)], oro=[DNS])))
    assert dns_of(second.get(DNS)) == "2001:db8:2::53"
    # ...walking 2, 3, 1: subnet 1 (the selected one) is now the newest, nobody is preferred.
    third = h.ask(wire(message(SOLICIT, duid_of(12), [IaSpec(1)], oro=[DNS])))
    assert dns_of(third.get(DNS)) == "2001:db8:1::53"


def test_preferred_is_the_last_newer_sibling_not_the_newest() -> None:
    h = harness(CONFIG)
    allocator = h.engine.allocator
    config = h.engine.plan.config
    na = int(LeaseType.NA)
    allocator.usage.update({(1, na): 5, (2, na): 9, (3, na): 7})
    preferred = allocator._preferred_subnet(config.subnets_by_id[1], LeaseType.NA)
    assert preferred.id == 3  # 2 is newer still, but Kea keeps the last match in order
    assert allocator._preferred_subnet(config.subnets_by_id[2], LeaseType.NA).id == 2
