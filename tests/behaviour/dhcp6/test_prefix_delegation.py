"""Prefix delegation (RFC 8415 §6.3) with an excluded prefix (RFC 6603) and hints."""

from __future__ import annotations

from tests.support.dhcp6_client import (
    IA_PD,
    IAPREFIX,
    REQUEST,
    SOLICIT,
    IaSpec,
    duid_ll,
    message,
    prefixes_of,
    wire,
)
from tests.support.dhcp6_harness import SERVER_DUID, harness

DUID = duid_ll()
PD = """
{"Dhcp6": {
  "preferred-lifetime": 3000, "valid-lifetime": 4000,
  "subnet6": [{"id": 1, "subnet": "2001:db8:1::/64", "interface": "eth0",
    "pd-pools": [{"prefix": "2001:db8:8::", "prefix-len": 48, "delegated-len": 56,
                  "excluded-prefix": "2001:db8:8:0:8000::", "excluded-prefix-len": 72}]}]
}}
"""


def test_pd_exclude_sent_only_when_requested() -> None:
    h = harness(PD)
    plain = h.ask(wire(message(SOLICIT, DUID, [IaSpec(1, pd=True)])))
    (ia,) = plain.ias(IA_PD)
    assert [c for c, _ in ia.prefixes()[0].options] == []
    asked = h.ask(wire(message(SOLICIT, DUID, [IaSpec(1, pd=True)], oro=[67])))
    (ia,) = asked.ias(IA_PD)
    (prefix,) = ia.prefixes()
    # RFC 6603 §4.2: excluded length 72, then the 16 bits after /56 of 2001:db8:8:0:8000::/72.
    assert prefix.options == [(67, b"\x48\x00\x80")]
    assert (ia.t1, ia.t2) == (1500, 2400)  # 50 % / 80 % of the preferred lifetime


def test_prefix_hint_is_honoured_when_free_and_aligned() -> None:
    h = harness(PD)
    spec = IaSpec(1, pd=True, prefixes=[("2001:db8:8:500::", 56, 0, 0)])
    reply = h.ask(wire(message(REQUEST, DUID, [spec], server_id=SERVER_DUID)))
    assert prefixes_of(reply.ias(IA_PD)[0]) == [("2001:db8:8:500::", 56, 3000, 4000)]
    unaligned = IaSpec(2, pd=True, prefixes=[("2001:db8:8:601::", 56, 0, 0)])
    reply = h.ask(wire(message(REQUEST, DUID, [unaligned], server_id=SERVER_DUID)))
    assert prefixes_of(reply.ias(IA_PD)[0])[0][0] == "2001:db8:8::"


def test_several_pd_ias_get_distinct_prefixes_in_one_advertise() -> None:
    h = harness(PD)
    reply = h.ask(wire(message(SOLICIT, DUID, [IaSpec(1, pd=True), IaSpec(2, pd=True)])))
    got = [prefixes_of(ia)[0][0] for ia in reply.ias(IA_PD)]
    assert got == ["2001:db8:8::", "2001:db8:8:100::"]
    assert IAPREFIX == 26
