"""The logging and counting name-change sink."""

from __future__ import annotations

from collections.abc import Iterable

from pukeko.ddns.ncr import ChangeType, NameChangeRequest
from pukeko.ddns.sink import LoggingNameChangeSink, request_stats
from pukeko.server.outcome import LogEvent


def _request(kind: ChangeType) -> NameChangeRequest:
    return NameChangeRequest.build(
        kind, True, True, "h.example.com", "2001:db8::1", b"\x00\x02\x01", 0, 600, True, "duid=[01]"
    )


def test_sink_logs_kea_message_ids_and_counts() -> None:
    events: list[LogEvent] = []
    stats: list[tuple[str, int]] = []

    def log(batch: Iterable[LogEvent]) -> None:
        events.extend(batch)

    def apply(deltas: Iterable[tuple[str, int]], now: float) -> None:
        stats.extend(deltas)

    sink = LoggingNameChangeSink(apply, log)
    sink.submit([_request(ChangeType.ADD), _request(ChangeType.REMOVE)], 5.0)
    sink.submit([], 6.0)
    add, remove = events
    assert (add.message_id, add.severity, add.debuglevel) == (
        "DHCP6_DDNS_CREATE_ADD_NAME_CHANGE_REQUEST",
        "DEBUG",
        50,
    )
    assert add.text.startswith("created name change request: Type: 0 (CHG_ADD)\n")
    assert (remove.message_id, remove.debuglevel) == ("DHCPSRV_QUEUE_NCR", 55)
    assert remove.text.startswith(
        "duid=[01]: Name change request to remove DNS entry queued: Type: 1 (CHG_REMOVE)"
    )
    assert stats == [("ncr-generated", 2), ("ncr-add", 1), ("ncr-remove", 1)]
    assert sink.submitted == 2


def test_request_stats_without_adds() -> None:
    assert request_stats([_request(ChangeType.REMOVE)]) == [("ncr-generated", 1), ("ncr-remove", 1)]
