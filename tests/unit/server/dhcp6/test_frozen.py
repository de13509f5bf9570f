"""outcome / lease_change / deferred_event build the same objects as the ordinary constructors."""

from __future__ import annotations

from dataclasses import FrozenInstanceError, fields
from ipaddress import IPv6Address

import pytest

from pukeko.leases.model import ChangeKind, Lease6, LeaseChange, LeaseType
from pukeko.server.dhcp6.frozen import (
    CHANGE_FIELDS,
    EVENT_SLOTS,
    OUTCOME_FIELDS,
    deferred_event,
    lease_change,
    outcome,
)
from pukeko.server.outcome import LogEvent, Outcome

LEASE = Lease6(IPv6Address("2001:db8::5"), LeaseType.NA, 128, b"\x00\x01\x02", 9, 1, 400, 300, 7)


def test_field_lists_match_the_models() -> None:
    assert tuple(f.name for f in fields(Outcome)) == OUTCOME_FIELDS
    assert tuple(f.name for f in fields(LeaseChange)) == CHANGE_FIELDS
    assert set(EVENT_SLOTS) == set(LogEvent.__slots__)


def test_outcome_equals_the_dataclass_constructor() -> None:
    change = LeaseChange(ChangeKind.ADD, LEASE)
    event = LogEvent("INFO", "X", "text", 0)
    args = (b"\x02\x00", "fe80::1", 546, (change,), (("pkt6-sent", 1),), (event,))
    made = outcome(*args)
    expected = Outcome(*args)
    assert type(made) is Outcome
    assert made == expected and hash(made) == hash(expected)
    assert [getattr(made, f) for f in OUTCOME_FIELDS] == [
        getattr(expected, f) for f in OUTCOME_FIELDS
    ]
    assert outcome(*args, dropped=True) == Outcome(*args, dropped=True) != expected
    with pytest.raises(FrozenInstanceError):
        made.reply = None  # type: ignore[misc]


def test_lease_change_equals_the_dataclass_constructor() -> None:
    for kind in ChangeKind:
        made = lease_change(kind, LEASE)
        assert type(made) is LeaseChange
        assert made == LeaseChange(kind, LEASE)
        assert (made.kind, made.lease) == (kind, LEASE)
    with pytest.raises(FrozenInstanceError):
        made.kind = ChangeKind.ADD  # type: ignore[misc]


def test_deferred_event_equals_logevent_deferred() -> None:
    args = ("duid=[00:01], tid=0x5", IPv6Address("2001:db8::5"), 9)
    template = "%1: lease for address %2 and iaid=%3 will be advertised"
    made = deferred_event("INFO", "DHCP6_LEASE_ADVERT", template, args, 0)
    expected = LogEvent.deferred("INFO", "DHCP6_LEASE_ADVERT", template, args, 0)
    assert type(made) is LogEvent
    assert (
        made.text
        == expected.text
        == ("duid=[00:01], tid=0x5: lease for address 2001:db8::5 and iaid=9 will be advertised")
    )
    assert made == expected and hash(made) == hash(expected)
    assert (made.severity, made.message_id, made.debuglevel) == ("INFO", "DHCP6_LEASE_ADVERT", 0)
    with pytest.raises(FrozenInstanceError):
        made.severity = "WARN"
