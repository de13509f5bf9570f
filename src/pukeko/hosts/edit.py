"""Changing the hosts of a running store as one step: remove some, add others, or nothing at all.

Used when a command changes reservations (``reservation-add`` / ``-del`` / ``-update``): the
engine reads the store's live view, so the change is served at the next packet, and a change the
store refuses (a duplicate identifier, an address reserved twice with ``ip-reservations-unique``)
leaves the store exactly as it was.
"""

from __future__ import annotations

from collections.abc import Sequence

from pukeko.hosts.memory import subnet_of
from pukeko.hosts.model import Host
from pukeko.hosts.store import HostStore, HostStoreError


async def replace_hosts(
    store: HostStore, family: int, removed: Sequence[Host], added: Sequence[Host]
) -> str | None:
    """Delete ``removed`` and add ``added`` (hosts of ``family``); the store's error text, with
    nothing changed, or None."""
    for host in removed:
        await _delete(store, family, host)
    done: list[Host] = []
    try:
        for host in added:
            await store.add(host)
            done.append(host)
    except HostStoreError as exc:
        for host in done:
            await _delete(store, family, host)
        for host in removed:
            await store.add(host)
        return str(exc)
    return None


async def _delete(store: HostStore, family: int, host: Host) -> None:
    subnet_id = subnet_of(host, family)
    assert subnet_id is not None
    await store.delete_by_id(family, subnet_id, host.identifier_type, host.identifier)
