"""Name-change requests after the engine: the runtime's sink and lease reclamation."""

from __future__ import annotations

import asyncio
from collections.abc import Iterable, Sequence
from ipaddress import IPv6Address

from pukeko.config.load import load_config
from pukeko.ddns.ncr import ChangeType, NameChangeRequest
from pukeko.io.daemon_reclaim import Reclaimer
from pukeko.io.runtime6 import PacketLoop6
from pukeko.leases.index import LeaseIndex6
from pukeko.leases.model import Lease6, LeaseChange, LeaseState, LeaseType
from pukeko.server.dhcp6.ddns6 import ddns_service
from pukeko.server.outcome import LinkInfo, LogEvent, Outcome

DUID = bytes.fromhex("00030001001122334455")
CONFIG = """
{"Dhcp6": {
  "dhcp-ddns": {"enable-updates": true},
  "subnet6": [{"id": 1, "subnet": "2001:db8:1::/64", "ddns-use-conflict-resolution": false,
               "pools": [{"pool": "2001:db8:1::10-2001:db8:1::1f"}]}]
}}
"""


class Stats:
    def __init__(self) -> None:
        self.values: dict[str, int] = {}

    def apply(self, deltas: Iterable[tuple[str, int]], now: float) -> None:
        for name, n in deltas:
            self.values[name] = self.values.get(name, 0) + n


def _lease(address: str, hostname: str = "h.example.com.", **kw: object) -> Lease6:
    base: dict[str, object] = dict(
        address=IPv6Address(address), lease_type=LeaseType.NA, prefix_len=128, duid=DUID,
        iaid=1, subnet_id=1, valid_lifetime=100, preferred_lifetime=50, cltt=1000,
        fqdn_fwd=True, fqdn_rev=True, hostname=hostname,
    )  # fmt: skip
    base.update(kw)
    return Lease6(**base)  # type: ignore[arg-type]


def test_runtime_logs_and_counts_the_requests_of_an_outcome() -> None:
    ncr = NameChangeRequest.build(
        ChangeType.ADD, True, True, "h.example.com", "2001:db8:1::10", b"\x00\x02\x01", 0, 600
    )

    class Engine:
        def process6(self, data: bytes, link: LinkInfo, now: float) -> Outcome:
            return Outcome(name_changes=(ncr,))

    stats, events = Stats(), []
    loop = PacketLoop6(Engine(), None, None, stats, events.extend)  # type: ignore[arg-type]
    loop.handle(b"x", LinkInfo("eth0", 2, "fe80::1", 546, "ff02::1:2"), 5.0)
    assert stats.values == {"ncr-generated": 1, "ncr-add": 1}
    assert [e.message_id for e in events] == ["DHCP6_DDNS_CREATE_ADD_NAME_CHANGE_REQUEST"]
    assert "FQDN: [h.example.com.]" in events[0].text


def _reclaim(ddns: bool) -> tuple[list[NameChangeRequest], list[LogEvent]]:
    config = load_config(CONFIG, family=6).config
    index = LeaseIndex6()
    for lease in (
        _lease("2001:db8:1::10"),
        _lease("2001:db8:1::11", hostname=""),
        _lease("2001:db8:1::12", fqdn_fwd=False, fqdn_rev=False),
        _lease("2001:db8:8::", lease_type=LeaseType.PD, prefix_len=56),
    ):
        index.add(lease)
    written: list[LeaseChange] = []
    sent: list[NameChangeRequest] = []
    events: list[LogEvent] = []

    async def write(changes: Sequence[LeaseChange]) -> None:
        written.extend(changes)

    class Sink:
        def submit(self, requests: Sequence[NameChangeRequest], now: float) -> None:
            sent.extend(requests)

    from pukeko.server.stats import StatsManager

    reclaimer = Reclaimer(write, StatsManager(), events.extend, lambda: 5000.0, name_changes=Sink())
    reclaimer.ddns = ddns_service(config) if ddns else None
    assert asyncio.run(reclaimer.reclaim(index)) == 4
    assert all(c.lease.state == LeaseState.EXPIRED_RECLAIMED for c in written)
    assert all(c.lease.hostname == "" for c in written)
    return sent, events


def test_reclamation_removes_the_entries_of_named_address_leases() -> None:
    sent, _ = _reclaim(ddns=True)
    (ncr,) = sent
    assert (ncr.change_type, ncr.ip_address, ncr.fqdn) == (
        ChangeType.REMOVE,
        "2001:db8:1::10",
        "h.example.com.",
    )
    assert (ncr.lease_expires_on, ncr.lease_length) == (1600, 600)
    assert not ncr.use_conflict_resolution  # from the lease's subnet


def test_reclamation_without_ddns_makes_no_request() -> None:
    sent, _ = _reclaim(ddns=False)
    assert sent == []
