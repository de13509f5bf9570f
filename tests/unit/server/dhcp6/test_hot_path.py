"""Per-packet shortcuts of the engine answer as the slow forms they replace.

* OptionSet.requested (a bounded cache) == append_requested;
* Exchange's lease lookup by integer, with or without the view's ``get_int``;
* client_classes == the built-in classes (plus UNKNOWN); granted() == Granted(...).
"""

from __future__ import annotations

from collections.abc import Iterator
from ipaddress import IPv6Address

from hypothesis import given, settings
from hypothesis import strategies as st

from pukeko.config.model import OptionData
from pukeko.leases.index import LeaseIndex6
from pukeko.leases.model import ChangeKind, Lease6, LeaseChange, LeaseType
from pukeko.server.dhcp6.context import Exchange, int_lookup
from pukeko.server.dhcp6.identity import builtin_classes, client_classes
from pukeko.server.dhcp6.leasing import Granted, granted
from pukeko.server.dhcp6.options import (
    ANSWER_CACHE_LIMIT,
    OptionLevel,
    append_requested,
    chain,
    oro_codes,
    requested_codes,
)
from pukeko.wire.ia6 import encode_oro
from pukeko.wire.pkt6 import Pkt6

CODES = st.integers(1, 40)


def _opt(code: int, always: bool) -> OptionData:
    return OptionData("dhcp6", code, "", bytes((code,)), always, True, "")


@settings(max_examples=300, deadline=None)
@given(
    high=st.lists(st.tuples(CODES, st.booleans()), max_size=6),
    low=st.lists(st.tuples(CODES, st.booleans()), max_size=6),
    oro=st.one_of(st.none(), st.lists(CODES, max_size=8).map(encode_oro), st.binary(max_size=5)),
    present=st.lists(CODES, max_size=4),
)
def test_requested_equals_append_requested(
    high: list[tuple[int, bool]],
    low: list[tuple[int, bool]],
    oro: bytes | None,
    present: list[int],
) -> None:
    options = chain([OptionLevel.compile([_opt(c, a) for c, a in level]) for level in (high, low)])
    out = [(code, b"x") for code in present]
    expected: list[tuple[int, bytes]] = []
    append_requested({code for code, _ in out}, options, requested_codes(oro), expected)
    assert list(options.requested(oro, out)) == expected
    assert list(options.requested(oro, out)) == expected  # the cached answer
    assert oro_codes(oro) == tuple(requested_codes(oro))


def test_requested_cache_is_bounded_and_keeps_recent_answers() -> None:
    options = chain([OptionLevel.compile([_opt(23, False)])])
    hot = encode_oro([23])
    for n in range(ANSWER_CACHE_LIMIT * 2):
        options.requested(hot, [])  # used all along: never the least recently used
        options.requested(encode_oro([100 + n]), [])
    assert len(options.answers) <= ANSWER_CACHE_LIMIT
    assert (hot, ()) in options.answers
    assert options.requested(hot, []) == ((23, b"\x00\x17\x00\x01\x17"),)


class ViewWithoutGetInt:
    """A LeaseView6 with only the protocol's get (no get_int)."""

    def __init__(self, index: LeaseIndex6) -> None:
        self.index = index
        self.asked: list[IPv6Address] = []

    def get(self, lease_type: LeaseType, address: IPv6Address) -> Lease6 | None:
        self.asked.append(address)
        return self.index.get(lease_type, address)

    def by_client(self, duid: bytes, iaid: int, lease_type: LeaseType) -> list[Lease6]:
        return self.index.by_client(duid, iaid, lease_type)

    def by_duid(self, duid: bytes) -> list[Lease6]:
        return self.index.by_duid(duid)

    def by_subnet(self, subnet_id: int) -> Iterator[Lease6]:
        return self.index.by_subnet(subnet_id)

    def expired(self, now: float, limit: int) -> list[Lease6]:
        return self.index.expired(now, limit)

    def count(self, subnet_id: int, lease_type: LeaseType, state: int | None = None) -> int:
        return self.index.count(subnet_id, lease_type, state)


def test_lease_at_with_and_without_get_int() -> None:
    index = LeaseIndex6()
    held = Lease6(IPv6Address("2001:db8::7"), LeaseType.NA, 128, b"\x00\x01\x02", 1, 1, 40, 30, 1)
    index.add(held)
    view = ViewWithoutGetInt(index)
    assert int_lookup(index) == index.get_int
    for leases in (index, view):
        ex = Exchange(Pkt6(1, 5, []), [], leases, 0.0, "l", b"", None, True, frozenset())
        assert ex.lease_at(LeaseType.NA, int(held.address)) is held
        assert ex.lease_at(LeaseType.PD, int(held.address)) is None
        assert ex.lease_at(LeaseType.NA, int(held.address) + 1) is None
        ex.record(ChangeKind.DELETE, held)
        assert ex.lease_at(LeaseType.NA, int(held.address)) is None  # pending change first
    assert view.asked == [
        IPv6Address("2001:db8::7"),
        IPv6Address("2001:db8::7"),
        IPv6Address("2001:db8::8"),
    ]
    assert ex.changes == [LeaseChange(ChangeKind.DELETE, held)]


def test_client_classes_are_the_builtin_ones_plus_unknown() -> None:
    vendor = (16, b"\x00\x00\x11\x8b\x00\x09docsis3.0")
    for options in ([], [vendor], [(16, b"\x00\x00\x00\x09\x00\x03abc")]):
        pkt = Pkt6(1, 1, list(options))
        builtin, known = client_classes(pkt, pkt.get(16))
        assert builtin == frozenset(builtin_classes(pkt))
        assert known == builtin | {"UNKNOWN"}
    assert "VENDOR_CLASS_docsis3.0" in client_classes(Pkt6(1, 1, [vendor]), vendor[1])[0]


def test_granted_equals_the_namedtuple_constructor() -> None:
    held = Lease6(IPv6Address("2001:db8::7"), LeaseType.NA, 128, b"\x00\x01\x02", 1, 1, 40, 30, 1)
    made = granted(held)
    assert type(made) is Granted
    assert made == Granted(held, 30, 40) and made.reused is False
