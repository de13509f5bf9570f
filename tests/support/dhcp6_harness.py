"""Run the DHCPv6 engine in tests: config text in, packets through, lease store kept in step.

The harness plays the runtime: it hands datagrams to ``process6`` with a fixed clock and applies
the returned lease changes to the lease index, as the runtime does after persisting them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from tests.support.dhcp6_client import Reply, read_reply

from pukeko.config.load import load_config
from pukeko.leases.index import LeaseIndex6
from pukeko.leases.model import Lease6, LeaseChange
from pukeko.server.dhcp6.alloc_adapter import allocation_for
from pukeko.server.dhcp6.engine import Dhcp6Engine
from pukeko.server.outcome import LinkInfo, Outcome

SERVER_DUID = bytes.fromhex("000100012a2b2c2d0a0b0c0d0e0f")
CLIENT_LL = "fe80::211:22ff:fe33:4455"
T0 = 1_700_000_000.0


class MemoryLeases(LeaseIndex6):
    """The real lease index (``pukeko.leases.index``) fed as the runtime feeds it."""

    @property
    def rows(self) -> dict[tuple[int, int], Lease6]:
        """Every lease keyed by (type, address as an int)."""
        return {(int(lease.lease_type), int(lease.address)): lease for lease in self}

    def apply(self, changes: Sequence[LeaseChange]) -> None:
        """Reserve a batch of changes and release it at once (written and durable)."""
        self.release(self.reserve(changes))

    def add(self, lease: Lease6) -> None:
        """Insert or replace a lease."""
        if self.at(lease.address) is None:
            super().add(lease)
        else:
            self.update(lease)


@dataclass
class Harness:
    """An engine, its lease store and a clock."""

    engine: Dhcp6Engine
    leases: MemoryLeases
    now: float = T0
    outcomes: list[Outcome] = field(default_factory=list)

    def send(
        self,
        data: bytes,
        *,
        interface: str = "eth0",
        source: str = CLIENT_LL,
        source_port: int = 546,
        destination: str = "ff02::1:2",
    ) -> Outcome:
        """Process one datagram and apply its lease changes to the store."""
        link = LinkInfo(interface, 2, source, source_port, destination)
        outcome = self.engine.process6(data, link, self.now)
        self.leases.apply(outcome.lease_changes)
        self.outcomes.append(outcome)
        return outcome

    def ask(self, data: bytes, **kw: object) -> Reply:
        """Process a datagram that must be answered; return the decoded reply."""
        outcome = self.send(data, **kw)  # type: ignore[arg-type]
        assert outcome.reply is not None, outcome
        return read_reply(outcome.reply)

    def stats(self, outcome: Outcome) -> dict[str, int]:
        """Statistic deltas of an outcome summed by name."""
        totals: dict[str, int] = {}
        for name, delta in outcome.stat_deltas:
            totals[name] = totals.get(name, 0) + delta
        return totals


def harness(config_text: str, **engine_kw: object) -> Harness:
    """An engine serving ``config_text`` (a Dhcp6 JSON document) with an empty lease store."""
    config = load_config(config_text, family=6).config
    leases = MemoryLeases()
    allocation = allocation_for(config)
    engine = Dhcp6Engine(
        config, leases, SERVER_DUID, allocation, apply_changes=allocation.apply, **engine_kw
    )  # type: ignore[arg-type]
    return Harness(engine, leases)


BASIC = """
{"Dhcp6": {
  "interfaces-config": {"interfaces": ["eth0"]},
  "preferred-lifetime": 3000, "valid-lifetime": 4000,
  "renew-timer": 1000, "rebind-timer": 2000,
  "option-data": [{"name": "dns-servers", "data": "2001:db8::53"}],
  "subnet6": [{
    "id": 1, "subnet": "2001:db8:1::/64", "interface": "eth0",
    "pools": [{"pool": "2001:db8:1::10-2001:db8:1::1f"}],
    "pd-pools": [{"prefix": "2001:db8:8::", "prefix-len": 48, "delegated-len": 56}]
  }]
}}
"""
