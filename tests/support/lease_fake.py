"""A fake daemon for the lease command tests: a real lease store, allocation state and config.

:class:`LeaseServer` extends :class:`tests.support.control_fake.FakeServer` with what the lease
commands use (``running_config``, ``lease_store6``, ``apply_lease_changes``,
``name_change_sink``, ``write_lease_file6``), wired like the daemon: changes are reserved in
the store and the allocation state, then committed through the store's journal.
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC
from typing import Any

from tests.support.control_fake import NOW, FakeServer

from pukeko.config.load import load_config
from pukeko.config.model import Config
from pukeko.control import server_registry
from pukeko.control.handle import CommandContext
from pukeko.ddns.ncr import NameChangeRequest
from pukeko.io.runtime6 import StorePersistence
from pukeko.leases.csvcodec import HEADER6, lease6_to_line
from pukeko.leases.memfile import MemfileSettings, memfile_store6
from pukeko.leases.memory import IndexedLeaseStore6, memory_store6
from pukeko.leases.model import LeaseChange
from pukeko.server.dhcp6.alloc_adapter import StateAllocation, allocation_for
from pukeko.server.stats import StatsManager

SUBNETS6: list[dict[str, Any]] = [
    {
        "id": 1,
        "subnet": "2001:db8:1::/64",
        "pools": [{"pool": "2001:db8:1::10-2001:db8:1::ff"}],
        "pd-pools": [{"prefix": "3000:1::", "prefix-len": 48, "delegated-len": 64}],
    },
    {"id": 2, "subnet": "2001:db8:2::/64", "valid-lifetime": 1000},
    {"id": 5, "subnet": "2001:db8:5::/64", "client-class": "special"},
]


def dhcp6_config(ddns: bool = False, **extra: Any) -> Config:
    """A DHCPv6 configuration with three subnets (ids 1, 2, 5), loaded like the daemon's."""
    server: dict[str, Any] = {"subnet6": SUBNETS6, **extra}
    if ddns:
        server["dhcp-ddns"] = {"enable-updates": True}
    return load_config(json.dumps({"Dhcp6": server}), family=6).config


@dataclass
class RecordingSink:
    """A name-change sink that keeps the requests."""

    requests: list[NameChangeRequest] = field(default_factory=list)

    def submit(self, requests: Sequence[NameChangeRequest], now: float) -> None:
        self.requests.extend(requests)


@dataclass
class LeaseServer(FakeServer):
    """FakeServer plus a real lease store, allocation state and configuration model."""

    model: Config = field(default_factory=dhcp6_config)
    store: IndexedLeaseStore6 = field(default_factory=memory_store6)
    sink: RecordingSink = field(default_factory=RecordingSink)
    allocation: StateAllocation | None = None
    persistence: StorePersistence[Any] | None = None

    def __post_init__(self) -> None:
        self.allocation = allocation_for(self.model)
        self.allocation.rebuild(self.store.view)
        self.persistence = StorePersistence(self.store, self.allocation.apply)

    def running_config(self) -> Config:
        return self.model

    def lease_store6(self) -> IndexedLeaseStore6:
        return self.store

    async def apply_lease_changes(self, changes: Sequence[LeaseChange]) -> None:
        assert self.persistence is not None and self.allocation is not None
        token = self.persistence.reserve(changes)
        self.allocation.apply(changes)
        await self.persistence.commit(token)

    def name_change_sink(self) -> RecordingSink:
        return self.sink

    async def write_lease_file6(self, filename: str) -> None:
        lines = [HEADER6 + "\n", *(lease6_to_line(lease) for lease in self.store.view)]
        with open(filename, "w", encoding="utf-8") as handle:
            handle.write("".join(lines))


def memfile(path: str | os.PathLike[str]) -> IndexedLeaseStore6:
    """A memfile store on ``path`` (open it before use)."""
    return memfile_store6(MemfileSettings(name=os.fspath(path), lfc_interval=0))


def lease_context(server: LeaseServer) -> CommandContext:
    """A DHCPv6 registry with the lease and stat hooks loaded, the clock fixed at NOW."""
    registry = server_registry(6)
    registry.set_hooks(["/usr/lib/kea/hooks/libdhcp_lease_cmds.so", "libdhcp_stat_cmds.so"])
    return CommandContext(6, server, StatsManager(), registry, lambda: NOW, UTC)
