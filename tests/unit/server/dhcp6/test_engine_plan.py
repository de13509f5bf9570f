"""Per-configuration caches of the engine stay right: rebuilt on reconfigure, debug gating exact."""

from __future__ import annotations

from tests.support.dhcp6_client import (
    IA_NA,
    SOLICIT,
    IaSpec,
    addresses_of,
    duid_ll,
    duid_of,
    ia_status,
    message,
    wire,
)
from tests.support.dhcp6_harness import BASIC, harness

from pukeko.config.load import load_config

CONFIG = """
{"Dhcp6": {"preferred-lifetime": %(pref)d, "valid-lifetime": %(valid)d,
  "renew-timer": %(t1)d, "rebind-timer": %(t2)d,
  "subnet6": [{"id": 1, "subnet": "2001:db8:1::/64", "interface": "eth0",
    "pools": [{"pool": "2001:db8:1::10-2001:db8:1::1f" %(guard)s}]}]}}
"""


def config_text(pref: int, valid: int, t1: int, t2: int, guard: str = "") -> str:
    return CONFIG % {"pref": pref, "valid": valid, "t1": t1, "t2": t2, "guard": guard}


def test_reconfigure_rebuilds_lifetimes_timers_and_pool_capacity() -> None:
    h = harness(config_text(3000, 4000, 1000, 2000))
    (ia,) = h.ask(wire(message(SOLICIT, duid_of(1), [IaSpec(1)]))).ias(IA_NA)
    assert (ia.t1, ia.t2, addresses_of(ia)) == (1000, 2000, [("2001:db8:1::10", 3000, 4000)])

    h.engine.reconfigure(load_config(config_text(300, 400, 100, 200), family=6).config)
    (ia,) = h.ask(wire(message(SOLICIT, duid_of(2), [IaSpec(1)]))).ias(IA_NA)
    # (the iterative allocator goes on after the address it advertised last)
    assert (ia.t1, ia.t2, addresses_of(ia)) == (100, 200, [("2001:db8:1::11", 300, 400)])

    # The pool now needs a class the client lacks: no capacity left for it.
    guarded = config_text(300, 400, 100, 200, ', "client-class": "VIP"')
    h.engine.reconfigure(load_config(guarded, family=6).config)
    (ia,) = h.ask(wire(message(SOLICIT, duid_of(3), [IaSpec(1)]))).ias(IA_NA)
    assert ia_status(ia) == (2, "Sorry, no address could be allocated.")


TEE = """
{"Dhcp6": {"preferred-lifetime": 3000, "min-preferred-lifetime": 1000,
  "max-preferred-lifetime": 5000, "valid-lifetime": 6000, "calculate-tee-times": true,
  "subnet6": [{"id": 1, "subnet": "2001:db8:1::/64", "interface": "eth0",
    "pools": [{"pool": "2001:db8:1::10-2001:db8:1::1f"}]}]}}
"""


def test_timers_follow_each_hinted_preferred_lifetime() -> None:
    h = harness(TEE)
    seen = []
    for index, preferred in enumerate((2000, 2500, 2000, 0)):
        hint = [("::", preferred, 6000)] if preferred else []
        spec = IaSpec(1, addresses=hint)
        (ia,) = h.ask(wire(message(SOLICIT, duid_of(index), [spec]))).ias(IA_NA)
        seen.append((ia.t1, ia.t2))
    # t1-percent 0.5 and t2-percent 0.8 of the preferred lifetime (3000 without a hint).
    assert seen == [(1000, 1600), (1250, 2000), (1000, 1600), (1500, 2400)]


def test_debug_events_are_produced_up_to_the_engine_level_with_kea_texts() -> None:
    label = "duid=[00:03:00:01:00:11:22:33:44:55], tid=0x123456"
    h = harness(BASIC, debuglevel=99)
    outcome = h.send(wire(message(SOLICIT, duid_ll(), [IaSpec(7)], oro=[23])))
    assert [(e.severity, e.message_id, e.debuglevel, e.text) for e in outcome.log] == [
        (
            "DEBUG",
            "DHCP6_BUFFER_RECEIVED",
            40,
            "received buffer from fe80::211:22ff:fe33:4455:546 to ff02::1:2:547"
            " over interface eth0",
        ),
        (
            "DEBUG",
            "DHCP6_PACKET_RECEIVED",
            45,
            f"{label}: SOLICIT (type 1) received from fe80::211:22ff:fe33:4455 to ff02::1:2"
            " on interface eth0",
        ),
        (
            "DEBUG",
            "DHCP6_SUBNET_SELECTED",
            45,
            f"{label}: the subnet with ID 1 was selected for client assignments",
        ),
        (
            "DEBUG",
            "DHCP6_CLASS_ASSIGNED",
            40,
            f"{label}: client packet has been assigned to the following class(es): UNKNOWN",
        ),
        (
            "DEBUG",
            "DHCP6_PROCESS_IA_NA_REQUEST",
            50,
            f"{label}: server is processing IA_NA option with iaid=7 and hint=(no hint)",
        ),
        (
            "INFO",
            "DHCP6_LEASE_ADVERT",
            0,
            f"{label}: lease for address 2001:db8:1::10 and iaid=7 will be advertised",
        ),
        (
            "DEBUG",
            "DHCP6_PACKET_SEND",
            40,
            f"{label}: trying to send packet ADVERTISE (type 2) from [ff02::1:2]:547"
            " to [fe80::211:22ff:fe33:4455]:546 on interface eth0",
        ),
    ]
    h = harness(BASIC, debuglevel=45)
    outcome = h.send(wire(message(SOLICIT, duid_ll(), [IaSpec(7)], oro=[23])))
    assert [e.message_id for e in outcome.log] == [
        "DHCP6_BUFFER_RECEIVED",
        "DHCP6_PACKET_RECEIVED",
        "DHCP6_SUBNET_SELECTED",
        "DHCP6_CLASS_ASSIGNED",
        "DHCP6_LEASE_ADVERT",
        "DHCP6_PACKET_SEND",
    ]
    h = harness(BASIC)  # default: no debug events at all
    outcome = h.send(wire(message(SOLICIT, duid_ll(), [IaSpec(7)], oro=[23])))
    assert [e.message_id for e in outcome.log] == ["DHCP6_LEASE_ADVERT"]


def test_hinted_address_text_is_rendered_lazily_but_exactly() -> None:
    h = harness(BASIC, debuglevel=50)
    spec = IaSpec(1, addresses=[("2001:db8:1::0:0:1f", 0, 0)])
    outcome = h.send(wire(message(SOLICIT, duid_ll(), [spec])))
    texts = [e.text for e in outcome.log if e.message_id == "DHCP6_PROCESS_IA_NA_REQUEST"]
    assert texts == [
        "duid=[00:03:00:01:00:11:22:33:44:55], tid=0x123456: server is processing IA_NA"
        " option with iaid=1 and hint=2001:db8:1::1f"
    ]
