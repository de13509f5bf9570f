"""Host store backends for the generic contract suite (tests/contract/test_host_store.py).

A backend is a name and a coroutine that makes an empty store with a given
``ip-reservations-unique`` setting (a SQL backend would open a fresh schema there). SQL
backends join by adding an entry to :data:`HOST_BACKENDS`.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from pukeko.hosts.memory import MemoryHostStore
from pukeko.hosts.store import HostStore


@dataclass(frozen=True)
class HostBackend:
    """How to make empty stores of one backend."""

    name: str
    make: Callable[[bool], Awaitable[HostStore]]


async def _memory(ip_reservations_unique: bool) -> HostStore:
    return MemoryHostStore(ip_reservations_unique)


HOST_BACKENDS: dict[str, HostBackend] = {
    "memory": HostBackend("memory", _memory),
}
