"""Helpers for the DHCPv6 host reservation behaviour tests: configs, clients, log checks."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from tests.support.dhcp6_client import (
    IA_NA,
    IA_PD,
    REBIND,
    RENEW,
    REQUEST,
    SOLICIT,
    IaSpec,
    Reply,
    addresses_of,
    message,
    prefixes_of,
    request_from,
    wire,
)
from tests.support.dhcp6_harness import Harness, harness

from pukeko.config.load import load_config
from pukeko.server.outcome import LogEvent, Outcome

SUBNET = "2001:db8:1::/64"
POOL = "2001:db8:1::10-2001:db8:1::1f"


def config_text(
    reservations: Sequence[dict[str, Any]] = (),
    *,
    subnet_extra: dict[str, Any] | None = None,
    top: dict[str, Any] | None = None,
    pool: str = POOL,
    global_reservations: Sequence[dict[str, Any]] = (),
) -> str:
    """A one-subnet Dhcp6 configuration with these reservations (and extra keys)."""
    subnet: dict[str, Any] = {
        "id": 1,
        "subnet": SUBNET,
        "interface": "eth0",
        "pools": [{"pool": pool}],
        "pd-pools": [{"prefix": "2001:db8:8::", "prefix-len": 48, "delegated-len": 56}],
        "reservations": list(reservations),
    }
    subnet.update(subnet_extra or {})
    dhcp6: dict[str, Any] = {
        "interfaces-config": {"interfaces": ["eth0"]},
        "preferred-lifetime": 3000,
        "valid-lifetime": 4000,
        "renew-timer": 1000,
        "rebind-timer": 2000,
        "subnet6": [subnet],
    }
    if global_reservations:
        dhcp6["reservations"] = list(global_reservations)
    dhcp6.update(top or {})
    return json.dumps({"Dhcp6": dhcp6})


def serve(text: str) -> Harness:
    """A harness whose engine serves ``text`` (its reservations come from the config)."""
    return harness(text, strict_unicast=False)


def reconfigure(h: Harness, text: str) -> None:
    """Switch the running engine to another configuration (an operator's config-set)."""
    h.engine.reconfigure(load_config(text, family=6).config)


def hexid(duid: bytes) -> str:
    """A DUID as Kea's configuration writes it."""
    return duid.hex(":")


def solicit(h: Harness, duid: bytes, ias: Sequence[IaSpec] = (), **kw: Any) -> Reply:
    """Solicit -> Advertise."""
    return h.ask(wire(message(SOLICIT, duid, list(ias) or [IaSpec(1)], **kw)))


def acquire(h: Harness, duid: bytes, ias: Sequence[IaSpec] = (), **kw: Any) -> Reply:
    """Solicit then Request what was advertised; the Reply."""
    adv = solicit(h, duid, ias, **kw)
    return h.ask(wire(request_from(adv, duid, **kw)))


def renew(h: Harness, duid: bytes, held: Reply, rebind: bool = False, **kw: Any) -> Reply:
    """Renew (or Rebind) the IAs of an earlier Reply."""
    return h.ask(wire(request_from(held, duid, REBIND if rebind else RENEW, **kw)))


def request(h: Harness, duid: bytes, ias: Sequence[IaSpec], server: bytes, **kw: Any) -> Reply:
    """A Request with these IAs (hints) to the server."""
    return h.ask(wire(message(REQUEST, duid, list(ias), server_id=server, **kw)))


def na(reply: Reply, index: int = 0) -> list[tuple[str, int, int]]:
    """The (address, preferred, valid) of an IA_NA of a reply."""
    return addresses_of(reply.ias(IA_NA)[index])


def pd(reply: Reply, index: int = 0) -> list[tuple[str, int, int, int]]:
    """The (prefix, length, preferred, valid) of an IA_PD of a reply."""
    return prefixes_of(reply.ias(IA_PD)[index])


def events(outcome: Outcome, severity: str | None = None) -> list[tuple[str, str]]:
    """(severity, message id) of an outcome's log events (optionally of one severity)."""
    return [
        (e.severity, e.message_id)
        for e in outcome.log
        if severity is None or e.severity == severity
    ]


def find_event(outcome: Outcome, message_id: str) -> LogEvent:
    """The outcome's event with this ID (AssertionError when absent)."""
    for e in outcome.log:
        if e.message_id == message_id:
            return e
    raise AssertionError(f"{message_id} not logged: {events(outcome)}")


def last(h: Harness) -> Outcome:
    """The last outcome the harness saw."""
    return h.outcomes[-1]


def holder(h: Harness, address: str) -> bytes | None:
    """The DUID holding a lease on ``address`` (None: no lease)."""
    for lease in h.leases:
        if str(lease.address) == address:
            return lease.duid
    return None
