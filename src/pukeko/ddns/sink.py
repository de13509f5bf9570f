"""Where name-change requests go once their lease changes are durable.

:class:`NameChangeSink` is the seam a D2 client (UDP to kea-dhcp-ddns, a later issue) plugs
into. Until then :class:`LoggingNameChangeSink` logs each request with the message ID Kea 2.2
logs when it creates one, at Kea's level and with the request's text, and counts it:

========================================  =====  ==========================================
Kea message ID                            level  when
========================================  =====  ==========================================
DHCP6_DDNS_CREATE_ADD_NAME_CHANGE_REQUEST  50    an add (the DHCPv6 server, from the reply)
DHCPSRV_QUEUE_NCR                          55    a removal (from a lease: release, decline,
                                                 renewal with a new name, reuse, reclamation)
========================================  =====  ==========================================

Statistics (Pukeko's own: Kea 2.2's DHCP servers keep none for NCRs; kea-dhcp-ddns counts
``ncr-received`` on its side): ``ncr-generated`` (every request), ``ncr-add`` and
``ncr-remove``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Protocol

from pukeko.ddns.ncr import ChangeType, NameChangeRequest
from pukeko.server.outcome import LogEvent

NCR_GENERATED = "ncr-generated"
NCR_ADD = "ncr-add"
NCR_REMOVE = "ncr-remove"
ADD_MESSAGE_ID = "DHCP6_DDNS_CREATE_ADD_NAME_CHANGE_REQUEST"
ADD_LEVEL = 50  # DBG_DHCP6_DETAIL
REMOVE_MESSAGE_ID = "DHCPSRV_QUEUE_NCR"
REMOVE_LEVEL = 55  # DHCPSRV_DBG_TRACE_DETAIL_DATA


class NameChangeSink(Protocol):
    """Takes the requests of one decision (a packet or a reclamation chunk)."""

    def submit(self, requests: Sequence[NameChangeRequest], now: float) -> None:
        """Hand over requests whose lease changes are durable."""


StatsApply = Callable[[Iterable[tuple[str, int]], float], None]
LogSink = Callable[[list[LogEvent]], None]


def request_event(request: NameChangeRequest, add_message_id: str = ADD_MESSAGE_ID) -> LogEvent:
    """The log line Kea writes for a request it creates."""
    if request.change_type == ChangeType.ADD:
        text = f"created name change request: {request.to_text()}"
        return LogEvent("DEBUG", add_message_id, text, ADD_LEVEL)
    text = f"{request.label}: Name change request to remove DNS entry queued: {request.to_text()}"
    return LogEvent("DEBUG", REMOVE_MESSAGE_ID, text, REMOVE_LEVEL)


def request_stats(requests: Sequence[NameChangeRequest]) -> list[tuple[str, int]]:
    """Statistic deltas for ``requests``."""
    adds = sum(1 for request in requests if request.change_type == ChangeType.ADD)
    deltas = [(NCR_GENERATED, len(requests))]
    if adds:
        deltas.append((NCR_ADD, adds))
    if len(requests) > adds:
        deltas.append((NCR_REMOVE, len(requests) - adds))
    return deltas


class LoggingNameChangeSink:
    """Logs and counts every request (no D2 client yet)."""

    def __init__(self, stats: StatsApply, log: LogSink) -> None:
        self.stats = stats
        self.log = log
        self.submitted = 0

    def submit(self, requests: Sequence[NameChangeRequest], now: float) -> None:
        """Log each request with Kea's message ID and count them."""
        if not requests:
            return
        self.submitted += len(requests)
        self.log([request_event(request) for request in requests])
        self.stats(request_stats(requests), now)
