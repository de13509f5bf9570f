"""Rapid commit (RFC 8415 §18.3.1, §21.14): a Reply to a Solicit, leases committed."""

from __future__ import annotations

from tests.support.dhcp6_client import (
    ADVERTISE,
    IA_NA,
    REPLY,
    SOLICIT,
    IaSpec,
    duid_ll,
    message,
    wire,
)
from tests.support.dhcp6_harness import BASIC, harness

DUID = duid_ll()
RAPID = BASIC.replace('"interface": "eth0",', '"interface": "eth0", "rapid-commit": true,')


def test_rapid_commit_reply_commits_the_lease() -> None:
    h = harness(RAPID)
    reply = h.ask(wire(message(SOLICIT, DUID, [IaSpec(1)], rapid_commit=True)))
    assert reply.msg_type == REPLY
    assert reply.codes() == [1, 2, 3, 14]
    assert reply.get(14) == b""
    assert len(h.outcomes[-1].lease_changes) == 1
    stats = h.stats(h.outcomes[-1])
    assert stats["pkt6-reply-sent"] == 1 and stats["subnet[1].assigned-nas"] == 1
    assert "DHCP6_LEASE_ALLOC" in [e.message_id for e in h.outcomes[-1].log]


def test_rapid_commit_ignored_when_subnet_disables_it() -> None:
    h = harness(BASIC)
    reply = h.ask(wire(message(SOLICIT, DUID, [IaSpec(1)], rapid_commit=True)))
    assert reply.msg_type == ADVERTISE and 14 not in reply.codes()
    assert h.outcomes[-1].lease_changes == ()
    assert reply.ias(IA_NA)[0].iaid == 1


def test_solicit_without_rapid_commit_option_is_advertised() -> None:
    h = harness(RAPID)
    assert h.ask(wire(message(SOLICIT, DUID, [IaSpec(1)]))).msg_type == ADVERTISE
