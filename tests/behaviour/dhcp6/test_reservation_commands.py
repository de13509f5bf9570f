"""Reservations changed by command (host_cmds) rule the very next packet (issue 7, spec 000).

The daemon runs in-process without sockets; each client message goes through the engine the
packet loop calls (``daemon.slot``), relayed from the subnet's link.
"""

from __future__ import annotations

from pathlib import Path

from tests.support.control_daemon6 import SUBNET_HOOK, Running, run_daemon
from tests.support.dhcp6_client import (
    ADVERTISE,
    RENEW,
    REPLY,
    SOLICIT,
    IaSpec,
    Reply,
    addresses_of,
    duid_of,
    message,
    read_reply,
    relayed,
    wire,
)

from pukeko.server.outcome import LinkInfo

HOOKS = {
    "hooks-libraries": [
        SUBNET_HOOK,
        {"library": "/usr/lib/kea/hooks/libdhcp_host_cmds.so"},
        {"library": "/usr/lib/kea/hooks/libdhcp_lease_cmds.so"},
    ]
}
LINK = LinkInfo("eth0", 2, "fe80::2", 547, "2001:db8:1::2")
A, B, C = duid_of(1), duid_of(2), duid_of(3)
X = "2001:db8:1::10"  # the first pool address
OUT = "2001:db8:1::100"  # outside the pool


def ask(r: Running, duid: bytes, msg_type: int = SOLICIT, ia: IaSpec | None = None) -> Reply:
    """One client message, relayed from the subnet's link; the server's answer."""
    assert r.daemon.slot is not None and r.daemon.duid is not None
    server_id = r.daemon.duid.duid if msg_type != SOLICIT else None
    pkt = message(msg_type, duid, [ia or IaSpec(1)], server_id=server_id)
    data = wire(relayed(pkt, [("2001:db8:1::1", "fe80::1234", [])]))
    outcome = r.daemon.slot.process6(data, LINK, r.clock.now)
    assert outcome.reply is not None
    return read_reply(outcome.reply)


def offered(reply: Reply) -> list[tuple[str, int, int]]:
    (ia,) = reply.ias()
    return addresses_of(ia)


async def add(r: Running, duid: bytes, address: str) -> None:
    arguments = {"reservation": {"subnet-id": 1, "duid": duid.hex(":"), "ip-addresses": [address]}}
    assert (await r.command("reservation-add", arguments))["result"] == 0


def test_reservation_added_by_command_is_served_at_the_next_solicit(tmp_path: Path) -> None:
    async def check(r: Running) -> None:
        before = ask(r, C)
        assert before.msg_type == ADVERTISE and offered(before)[0][0] == X
        await add(r, C, OUT)
        after = ask(r, C)
        assert after.msg_type == ADVERTISE
        assert [a for a, _, _ in offered(after)] == [OUT]
        deleted = await r.command("reservation-del", {"subnet-id": 1, "ip-address": OUT})
        assert deleted["result"] == 0
        # Back to the pool (the iterative allocator has moved on since the first offer).
        ((again, _, _),) = offered(ask(r, C))
        assert again != OUT and again.startswith("2001:db8:1::1")

    run_daemon(tmp_path, check, **HOOKS)


def test_reserving_an_address_another_client_holds_follows_the_strict_rules(
    tmp_path: Path,
) -> None:
    async def check(r: Running) -> None:
        lease = {"subnet-id": 1, "ip-address": X, "duid": A.hex(":"), "iaid": 1}
        assert (await r.command("lease6-add", lease))["result"] == 0
        await add(r, B, X)
        # B asks: X is still A's, so B is offered another address.
        (b_address, _, _), *_ = offered(ask(r, B))
        assert b_address != X
        # A renews X: it is taken back (lifetimes 0) and A gets another address.
        renewed = ask(r, A, RENEW, IaSpec(1, addresses=[(X, 0, 0)]))
        assert renewed.msg_type == REPLY
        answer = dict((a, (p, v)) for a, p, v in offered(renewed))
        assert answer.pop(X) == (0, 0)
        assert answer and X not in answer

    run_daemon(tmp_path, check, **HOOKS)


def test_in_pool_address_reserved_by_command_is_never_offered_to_another_client(
    tmp_path: Path,
) -> None:
    async def check(r: Running) -> None:
        await add(r, B, X)
        ((a_offer, _, _),) = offered(ask(r, A))
        assert a_offer != X
        ((b_offer, _, _),) = offered(ask(r, B))
        assert b_offer == X

    run_daemon(tmp_path, check, **HOOKS)
