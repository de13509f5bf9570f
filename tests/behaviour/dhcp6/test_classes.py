"""Client classification in the DHCPv6 engine (ARM "Client Classification in DHCPv6").

Each test configures classes, sends real packets through the engine and checks what Kea 2.2
does with them: class option-data and its precedence, class-guarded subnets and pools, the
DROP class, only-if-required classes, KNOWN/UNKNOWN ordering and class lifetimes.
"""

from __future__ import annotations

import json
import struct

from tests.support.dhcp6_client import (
    ADVERTISE,
    IA_NA,
    REPLY,
    SOLICIT,
    IaSpec,
    addresses_of,
    duid_ll,
    message,
    read_reply,
    request_from,
    wire,
)
from tests.support.dhcp6_harness import harness

DUID = duid_ll()
DNS = 23
DOMAIN_SEARCH = 24
VENDOR_CLASS = 16
USER_CLASS = 15
SNTP = 31


def vendor_class(enterprise: int, *tuples: bytes) -> tuple[int, bytes]:
    """A Vendor Class option (RFC 8415 §21.16) with these data tuples."""
    body = struct.pack("!I", enterprise) + b"".join(struct.pack("!H", len(t)) + t for t in tuples)
    return VENDOR_CLASS, body


def user_class(text: bytes) -> tuple[int, bytes]:
    """A User Class option (RFC 8415 §21.15) with one tuple."""
    return USER_CLASS, struct.pack("!H", len(text)) + text


def config(
    classes: list[dict[str, object]],
    subnets: list[dict[str, object]] | None = None,
    **top: object,
) -> str:
    """A Dhcp6 document with these classes; one subnet by default."""
    doc: dict[str, object] = {
        "interfaces-config": {"interfaces": ["eth0"]},
        "preferred-lifetime": 3000,
        "valid-lifetime": 4000,
        "client-classes": classes,
        "subnet6": subnets
        if subnets is not None
        else [
            {
                "id": 1,
                "subnet": "2001:db8:1::/64",
                "interface": "eth0",
                "pools": [{"pool": "2001:db8:1::10-2001:db8:1::1f"}],
            }
        ],
    }
    doc.update(top)
    return json.dumps({"Dhcp6": doc})


def dns(address: str) -> list[dict[str, object]]:
    return [{"name": "dns-servers", "data": address}]


def dns_of(reply_options: bytes | None) -> str | None:
    if reply_options is None:
        return None
    import ipaddress

    return str(ipaddress.IPv6Address(reply_options[:16]))


# --- class option-data and precedence ---------------------------------------------------------


def test_class_options_reach_members_only() -> None:
    h = harness(
        config(
            [
                {
                    "name": "docsis",
                    "test": "substring(option[16].hex, 6, 9) == 'docsis3.0'",
                    "option-data": dns("2001:db8::cafe"),
                }
            ]
        )
    )
    member = h.ask(
        wire(
            message(SOLICIT, DUID, [IaSpec(1)], oro=[DNS], extra=[vendor_class(4491, b"docsis3.0")])
        )
    )
    other = h.ask(wire(message(SOLICIT, duid_ll("00:11:22:33:44:66"), [IaSpec(1)], oro=[DNS])))
    assert dns_of(member.get(DNS)) == "2001:db8::cafe"
    assert other.get(DNS) is None


def test_precedence_subnet_over_class_over_global() -> None:
    classes = [{"name": "all-members", "test": "member('ALL')", "option-data": dns("2001:db8::c")}]
    subnet = {
        "id": 1,
        "subnet": "2001:db8:1::/64",
        "interface": "eth0",
        "pools": [{"pool": "2001:db8:1::10-2001:db8:1::1f"}],
    }
    only_global = harness(config(classes, [subnet], **{"option-data": dns("2001:db8::9")}))
    reply = only_global.ask(wire(message(SOLICIT, DUID, [IaSpec(1)], oro=[DNS])))
    assert dns_of(reply.get(DNS)) == "2001:db8::c"  # class beats global

    with_subnet = dict(subnet, **{"option-data": dns("2001:db8::5")})
    h = harness(config(classes, [with_subnet], **{"option-data": dns("2001:db8::9")}))
    reply = h.ask(wire(message(SOLICIT, DUID, [IaSpec(1)], oro=[DNS])))
    assert dns_of(reply.get(DNS)) == "2001:db8::5"  # subnet beats class


def test_pool_over_subnet_and_first_class_wins() -> None:
    classes = [
        {"name": "a", "test": "member('ALL')", "option-data": dns("2001:db8::a")},
        {
            "name": "b",
            "test": "member('ALL')",
            "option-data": [*dns("2001:db8::b"), {"name": "sntp-servers", "data": "2001:db8::123"}],
        },
    ]
    subnet = {
        "id": 1,
        "subnet": "2001:db8:1::/64",
        "interface": "eth0",
        "pools": [
            {
                "pool": "2001:db8:1::10-2001:db8:1::1f",
                "option-data": [{"name": "domain-search", "data": "pool.example.org"}],
            }
        ],
        "option-data": [{"name": "domain-search", "data": "subnet.example.org"}],
    }
    h = harness(config(classes, [subnet]))
    reply = h.ask(wire(message(SOLICIT, DUID, [IaSpec(1)], oro=[DNS, DOMAIN_SEARCH, SNTP])))
    assert dns_of(reply.get(DNS)) == "2001:db8::a"  # the first class the packet joined
    assert reply.get(SNTP) is not None  # a later class still adds what earlier ones lack
    assert b"pool" in (reply.get(DOMAIN_SEARCH) or b"")


def test_always_send_class_option_without_oro() -> None:
    h = harness(
        config(
            [
                {
                    "name": "all",
                    "test": "member('ALL')",
                    "option-data": [
                        {"name": "dns-servers", "data": "2001:db8::d", "always-send": True}
                    ],
                }
            ]
        )
    )
    reply = h.ask(wire(message(SOLICIT, DUID, [IaSpec(1)])))
    assert dns_of(reply.get(DNS)) == "2001:db8::d"


def test_information_request_gets_class_options_without_subnet() -> None:
    h = harness(
        config(
            [{"name": "all", "test": "member('ALL')", "option-data": dns("2001:db8::e")}],
            subnets=[],
        )
    )
    reply = h.ask(wire(message(11, DUID, oro=[DNS])))
    assert reply.msg_type == REPLY
    assert dns_of(reply.get(DNS)) == "2001:db8::e"


# --- guards ------------------------------------------------------------------------------------


def two_subnets(guard: str) -> list[dict[str, object]]:
    return [
        {
            "id": 1,
            "subnet": "2001:db8:1::/64",
            "interface": "eth0",
            "client-class": guard,
            "pools": [{"pool": "2001:db8:1::10-2001:db8:1::1f"}],
        },
        {
            "id": 2,
            "subnet": "2001:db8:2::/64",
            "interface": "eth0",
            "pools": [{"pool": "2001:db8:2::10-2001:db8:2::1f"}],
        },
    ]


def test_class_guarded_subnet() -> None:
    classes = [{"name": "lab", "test": "option[15].hex == 0x00036c6162"}]  # user-class "lab"
    h = harness(config(classes, two_subnets("lab")))
    member = h.ask(wire(message(SOLICIT, DUID, [IaSpec(1)], extra=[user_class(b"lab")])))
    other = h.ask(wire(message(SOLICIT, duid_ll("00:11:22:33:44:66"), [IaSpec(1)])))
    assert addresses_of(member.ias(IA_NA)[0])[0][0] == "2001:db8:1::10"
    assert addresses_of(other.ias(IA_NA)[0])[0][0] == "2001:db8:2::10"


def test_class_guarded_pool() -> None:
    subnet = {
        "id": 1,
        "subnet": "2001:db8:1::/64",
        "interface": "eth0",
        "pools": [
            {"pool": "2001:db8:1::10-2001:db8:1::1f", "client-class": "lab"},
            {"pool": "2001:db8:1::100-2001:db8:1::10f"},
        ],
    }
    classes = [{"name": "lab", "test": "option[15].exists"}]
    h = harness(config(classes, [subnet]))
    member = h.ask(wire(message(SOLICIT, DUID, [IaSpec(1)], extra=[user_class(b"x")])))
    other = h.ask(wire(message(SOLICIT, duid_ll("00:11:22:33:44:66"), [IaSpec(1)])))
    assert addresses_of(member.ias(IA_NA)[0])[0][0] == "2001:db8:1::10"
    assert addresses_of(other.ias(IA_NA)[0])[0][0] == "2001:db8:1::100"


def test_pool_guarded_by_unknown_uses_the_late_pass() -> None:
    # Pools may use classes depending on KNOWN/UNKNOWN: they are evaluated before allocation.
    subnet = {
        "id": 1,
        "subnet": "2001:db8:1::/64",
        "interface": "eth0",
        "pools": [
            {"pool": "2001:db8:1::10-2001:db8:1::1f", "client-class": "guests"},
            {"pool": "2001:db8:1::100-2001:db8:1::10f"},
        ],
    }
    classes = [{"name": "guests", "test": "member('UNKNOWN')"}]
    h = harness(config(classes, [subnet]))
    reply = h.ask(wire(message(SOLICIT, DUID, [IaSpec(1)])))
    assert addresses_of(reply.ias(IA_NA)[0])[0][0] == "2001:db8:1::10"


def test_subnet_guarded_by_unknown_dependent_class_is_not_selected() -> None:
    # Subnet selection happens before KNOWN/UNKNOWN exist (ARM "Using Static Host
    # Reservations In Classification"): such a guard never matches at selection time.
    classes = [{"name": "guests", "test": "member('UNKNOWN')"}]
    h = harness(config(classes, two_subnets("guests")))
    reply = h.ask(wire(message(SOLICIT, DUID, [IaSpec(1)])))
    assert addresses_of(reply.ias(IA_NA)[0])[0][0] == "2001:db8:2::10"


def test_member_of_an_earlier_class() -> None:
    classes = [
        {"name": "lab", "test": "option[15].exists"},
        {"name": "not-lab", "test": "not member('lab')", "option-data": dns("2001:db8::f")},
    ]
    h = harness(config(classes))
    lab = h.ask(wire(message(SOLICIT, DUID, [IaSpec(1)], oro=[DNS], extra=[user_class(b"x")])))
    plain = h.ask(wire(message(SOLICIT, duid_ll("00:11:22:33:44:66"), [IaSpec(1)], oro=[DNS])))
    assert lab.get(DNS) is None
    assert dns_of(plain.get(DNS)) == "2001:db8::f"


def test_vendor_builtin_class() -> None:
    classes = [
        {"name": "VENDOR_CLASS_docsis3.0", "option-data": dns("2001:db8::3")},
    ]
    h = harness(config(classes))
    reply = h.ask(
        wire(
            message(SOLICIT, DUID, [IaSpec(1)], oro=[DNS], extra=[vendor_class(4491, b"docsis3.0")])
        )
    )
    assert dns_of(reply.get(DNS)) == "2001:db8::3"


# --- DROP ----------------------------------------------------------------------------------------


def test_drop_class_drops_and_counts() -> None:
    h = harness(config([{"name": "DROP", "test": "option[15].exists"}]))
    outcome = h.send(wire(message(SOLICIT, DUID, [IaSpec(1)], extra=[user_class(b"x")])))
    assert outcome.dropped and outcome.reply is None
    assert h.stats(outcome)["pkt6-receive-drop"] == 1
    served = h.send(wire(message(SOLICIT, DUID, [IaSpec(1)])))
    assert served.reply is not None


def test_drop_class_after_unknown() -> None:
    h = harness(config([{"name": "DROP", "test": "member('UNKNOWN') and option[15].exists"}]))
    outcome = h.send(wire(message(SOLICIT, DUID, [IaSpec(1)], extra=[user_class(b"x")])))
    assert outcome.dropped
    assert h.stats(outcome)["pkt6-receive-drop"] == 1


# --- required classes ----------------------------------------------------------------------------


def test_only_if_required_class_applies_where_required() -> None:
    classes = [
        {
            "name": "extra",
            "test": "member('ALL')",
            "only-if-required": True,
            "option-data": dns("2001:db8::aa"),
        }
    ]
    plain = harness(config(classes))
    reply = plain.ask(wire(message(SOLICIT, DUID, [IaSpec(1)], oro=[DNS])))
    assert reply.get(DNS) is None  # never evaluated without a require-client-classes

    subnet = {
        "id": 1,
        "subnet": "2001:db8:1::/64",
        "interface": "eth0",
        "require-client-classes": ["extra"],
        "pools": [{"pool": "2001:db8:1::10-2001:db8:1::1f"}],
    }
    h = harness(config(classes, [subnet]))
    reply = h.ask(wire(message(SOLICIT, DUID, [IaSpec(1)], oro=[DNS])))
    assert dns_of(reply.get(DNS)) == "2001:db8::aa"


def test_pool_required_class_only_for_leases_from_that_pool() -> None:
    classes = [
        {
            "name": "pool-a",
            "test": "member('ALL')",
            "only-if-required": True,
            "option-data": dns("2001:db8::a1"),
        }
    ]
    subnet = {
        "id": 1,
        "subnet": "2001:db8:1::/64",
        "interface": "eth0",
        "pools": [
            {"pool": "2001:db8:1::10-2001:db8:1::10", "require-client-classes": ["pool-a"]},
            {"pool": "2001:db8:1::20-2001:db8:1::2f"},
        ],
    }
    h = harness(config(classes, [subnet]))
    first = h.ask(wire(message(SOLICIT, DUID, [IaSpec(1)], oro=[DNS])))
    assert addresses_of(first.ias(IA_NA)[0])[0][0] == "2001:db8:1::10"
    assert dns_of(first.get(DNS)) == "2001:db8::a1"
    h.ask(wire(request_from(first, DUID)))  # commit ::10
    second = h.ask(wire(message(SOLICIT, duid_ll("00:11:22:33:44:66"), [IaSpec(1)], oro=[DNS])))
    assert addresses_of(second.ias(IA_NA)[0])[0][0] == "2001:db8:1::20"
    assert second.get(DNS) is None


def test_required_class_with_false_test_is_not_added() -> None:
    classes = [
        {
            "name": "never",
            "test": "option[15].exists",
            "only-if-required": True,
            "option-data": dns("2001:db8::bb"),
        }
    ]
    subnet = {
        "id": 1,
        "subnet": "2001:db8:1::/64",
        "interface": "eth0",
        "require-client-classes": ["never", "undefined-class"],
        "pools": [{"pool": "2001:db8:1::10-2001:db8:1::1f"}],
    }
    h = harness(config(classes, [subnet]))
    reply = h.ask(wire(message(SOLICIT, DUID, [IaSpec(1)], oro=[DNS])))
    assert reply.get(DNS) is None


# --- lifetimes and logging -----------------------------------------------------------------------


def test_class_lifetimes_override_subnet() -> None:
    classes = [
        {
            "name": "short",
            "test": "option[15].exists",
            "valid-lifetime": 600,
            "preferred-lifetime": 300,
        },
    ]
    h = harness(config(classes))
    reply = h.ask(wire(message(SOLICIT, DUID, [IaSpec(1)], extra=[user_class(b"x")])))
    assert addresses_of(reply.ias(IA_NA)[0]) == [("2001:db8:1::10", 300, 600)]
    plain = h.ask(wire(message(SOLICIT, duid_ll("00:11:22:33:44:66"), [IaSpec(1)])))
    assert addresses_of(plain.ias(IA_NA)[0])[0][1:] == (3000, 4000)


def test_request_commits_class_lifetime() -> None:
    classes = [
        {"name": "short", "test": "member('ALL')", "valid-lifetime": 900, "preferred-lifetime": 500}
    ]
    h = harness(config(classes))
    first = h.ask(wire(message(SOLICIT, DUID, [IaSpec(1)])))
    reply = h.ask(wire(request_from(first, DUID)))
    assert reply.msg_type == REPLY
    (lease,) = h.leases.rows.values()
    assert (lease.preferred_lifetime, lease.valid_lifetime) == (500, 900)


def test_match_is_logged_as_kea_does() -> None:
    h = harness(config([{"name": "all-of-them", "test": "member('ALL')"}]))
    outcome = h.send(wire(message(SOLICIT, DUID, [IaSpec(1)])))
    texts = [(e.message_id, e.severity, e.text) for e in outcome.log]
    assert ("EVAL_RESULT", "INFO", "Expression all-of-them evaluated to 1") in texts


def test_non_member_is_logged_only_at_debug() -> None:
    h = harness(config([{"name": "lab", "test": "option[15].exists"}]), debuglevel=99)
    outcome = h.send(wire(message(SOLICIT, DUID, [IaSpec(1)])))
    found = [(e.severity, e.text) for e in outcome.log if e.message_id == "EVAL_RESULT"]
    assert found == [("DEBUG", "Expression lab evaluated to 0")]
    reply = h.ask(wire(message(SOLICIT, DUID, [IaSpec(1)])))
    assert reply.msg_type == ADVERTISE


def test_renew_from_a_pool_the_client_left_gets_a_new_address() -> None:
    # Kea removeNonmatchingReservedNoHostLeases6: the old lease is deleted and sent with
    # lifetime 0, a new one comes from a pool the client may use.
    subnet = {
        "id": 1,
        "subnet": "2001:db8:1::/64",
        "interface": "eth0",
        "pools": [
            {"pool": "2001:db8:1::10-2001:db8:1::1f", "client-class": "lab"},
            {"pool": "2001:db8:1::100-2001:db8:1::10f"},
        ],
    }
    h = harness(config([{"name": "lab", "test": "option[15].exists"}], [subnet]))
    lab = [user_class(b"x")]
    first = h.ask(wire(message(SOLICIT, DUID, [IaSpec(1)], extra=lab)))
    h.ask(wire(request_from(first, DUID, extra=lab)))
    bound = h.ask(wire(request_from(first, DUID, extra=lab)))
    renew = h.send(wire(request_from(bound, DUID, 5)))  # Renew without the user class
    reply = read_reply(renew.reply or b"")
    assert addresses_of(reply.ias(IA_NA)[0]) == [
        ("2001:db8:1::100", 3000, 4000),
        ("2001:db8:1::10", 0, 0),
    ]
    assert sorted(str(lease.address) for lease in h.leases) == ["2001:db8:1::100"]
    assert h.stats(renew)["subnet[1].assigned-nas"] == 0  # one gone, one new
