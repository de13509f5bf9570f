"""Discard rules (RFC 8415 §16, Kea testServerID / testUnicast / sanityCheck) and bad input."""

from __future__ import annotations

import pytest
from tests.support.dhcp6_client import (
    CONFIRM,
    DECLINE,
    INFORMATION_REQUEST,
    REBIND,
    RELEASE,
    RENEW,
    REQUEST,
    SOLICIT,
    IaSpec,
    duid_ll,
    message,
    read_reply,
    wire,
)
from tests.support.dhcp6_harness import BASIC, SERVER_DUID, harness

DUID = duid_ll()
OTHER_SERVER = bytes.fromhex("0003000100aabbccddee")


def _dropped(data: bytes, **kw: object) -> dict[str, int]:
    h = harness(BASIC)
    outcome = h.send(data, **kw)  # type: ignore[arg-type]
    assert outcome.reply is None and outcome.dropped
    assert outcome.lease_changes == ()
    return h.stats(outcome)


@pytest.mark.parametrize("msg_type", [SOLICIT, REBIND, CONFIRM])
def test_server_id_forbidden(msg_type: int) -> None:
    stats = _dropped(wire(message(msg_type, DUID, [IaSpec(1)], server_id=SERVER_DUID)))
    assert stats["pkt6-receive-drop"] == 1


@pytest.mark.parametrize("msg_type", [REQUEST, RENEW, RELEASE, DECLINE])
def test_server_id_required(msg_type: int) -> None:
    _dropped(wire(message(msg_type, DUID, [IaSpec(1)])))


@pytest.mark.parametrize("msg_type", [SOLICIT, REQUEST, RENEW, RELEASE, INFORMATION_REQUEST])
def test_other_servers_id_is_dropped(msg_type: int) -> None:
    stats = _dropped(wire(message(msg_type, DUID, [IaSpec(1)], server_id=OTHER_SERVER)))
    assert stats["pkt6-receive-drop"] == 1


@pytest.mark.parametrize("msg_type", [SOLICIT, REQUEST, RENEW, REBIND, RELEASE, DECLINE, CONFIRM])
def test_client_id_required(msg_type: int) -> None:
    sid = SERVER_DUID if msg_type in (REQUEST, RENEW, RELEASE, DECLINE) else None
    _dropped(wire(message(msg_type, None, [IaSpec(1)], server_id=sid)))


def test_two_client_ids_and_short_duid() -> None:
    _dropped(wire(message(SOLICIT, DUID, [IaSpec(1)], extra=[(1, DUID)])))
    _dropped(wire(message(SOLICIT, b"\x00\x01", [IaSpec(1)])))


def test_information_request_rules() -> None:
    _dropped(wire(message(INFORMATION_REQUEST, DUID, extra=[(2, SERVER_DUID), (2, SERVER_DUID)])))
    h = harness(BASIC)
    assert h.send(wire(message(INFORMATION_REQUEST, None))).reply is not None


@pytest.mark.parametrize("msg_type", [SOLICIT, CONFIRM, REBIND, INFORMATION_REQUEST])
def test_multicast_only_types_sent_to_unicast(msg_type: int) -> None:
    _dropped(wire(message(msg_type, DUID, [IaSpec(1)])), destination="2001:db8:1::1")


def test_unicast_request_gets_use_multicast() -> None:
    h = harness(BASIC)
    data = wire(message(REQUEST, DUID, [IaSpec(1)], server_id=SERVER_DUID))
    outcome = h.send(data, destination="fe80::1")
    assert outcome.reply is not None
    reply = read_reply(outcome.reply)
    assert reply.codes() == [1, 2, 13]
    assert reply.status() is not None and reply.status()[0] == 5  # type: ignore[index]
    assert outcome.lease_changes == ()


def test_unknown_types_are_dropped() -> None:
    for msg_type in (2, 7, 10, 30):
        stats = _dropped(wire(message(msg_type, DUID)))
        assert stats["pkt6-receive-drop"] == 1


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"\x01",
        b"\x0c\x00" + bytes(10),
        b"\x01\x00\x00\x01\x00\x03\x00\x02ab",
        b"\x01\x00\x00\x01\x00\x03\x00\x04abcd",
    ],
)
def test_malformed_packets_count_parse_failures(data: bytes) -> None:
    stats = _dropped(data)
    assert stats["pkt6-parse-failed"] == 1 and stats["pkt6-receive-drop"] == 1


def test_disabled_service_drops_everything() -> None:
    h = harness(BASIC)
    h.engine.enabled = False
    outcome = h.send(wire(message(SOLICIT, DUID, [IaSpec(1)])))
    assert outcome.dropped and outcome.reply is None
    assert h.stats(outcome) == {"pkt6-received": 1}
