"""new_lease6 / evolve6 make the same Lease6 rows as the dataclass constructor and replace()."""

from __future__ import annotations

import dataclasses
from dataclasses import FrozenInstanceError, fields
from ipaddress import IPv6Address

import pytest

from pukeko.leases.model import LEASE6_FIELDS, Lease6, LeaseState, LeaseType, make_lease6
from pukeko.server.dhcp6.lease_rows import evolve6, new_lease6

ADDRESS = IPv6Address("2001:db8:1::10")


def built() -> Lease6:
    return new_lease6(
        ADDRESS, LeaseType.NA, 128, b"\x00\x03\x00\x01ab", 7, 1, 4000, 3000, 1700, b"ab", 1, 2
    )


def test_field_list_is_the_one_the_writers_follow() -> None:
    assert tuple(f.name for f in fields(Lease6)) == LEASE6_FIELDS
    values = [getattr(built(), name) for name in LEASE6_FIELDS]
    assert make_lease6(*values) == Lease6(*values)


def test_new_lease6_equals_the_dataclass_constructor_field_by_field() -> None:
    expected = Lease6(
        address=ADDRESS,
        lease_type=LeaseType.NA,
        prefix_len=128,
        duid=b"\x00\x03\x00\x01ab",
        iaid=7,
        subnet_id=1,
        valid_lifetime=4000,
        preferred_lifetime=3000,
        cltt=1700,
        hwaddr=b"ab",
        hwtype=1,
        hwaddr_source=2,
    )
    lease = built()
    for name in LEASE6_FIELDS:
        assert getattr(lease, name) == getattr(expected, name), name
        assert type(getattr(lease, name)) is type(getattr(expected, name)), name
    assert lease == expected and hash(lease) == hash(expected) and repr(lease) == repr(expected)
    assert type(lease) is Lease6 and lease.expire == 5700


@pytest.mark.parametrize(
    "changes",
    [
        {"cltt": 9, "hostname": "", "fqdn_fwd": False, "fqdn_rev": False},
        {"state": LeaseState.DECLINED, "duid": b"\x00", "preferred_lifetime": 0},
        {"user_context": '{ "ISC": {  } }'},
        {},
    ],
)
def test_evolve6_equals_dataclasses_replace(changes: dict[str, object]) -> None:
    lease = built()
    evolved = evolve6(lease, **changes)
    assert evolved == dataclasses.replace(lease, **changes)  # type: ignore[arg-type]
    assert evolved is not lease and lease == built()  # the original is untouched


def test_evolve6_refuses_unknown_fields_like_replace() -> None:
    with pytest.raises(TypeError):
        evolve6(built(), colour="red")


def test_rows_stay_frozen() -> None:
    with pytest.raises(FrozenInstanceError):
        built().cltt = 5  # type: ignore[misc]
