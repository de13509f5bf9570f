"""Lease reclamation and flushing of reclaimed leases, run by the daemon's timers and commands.

Kea 2.2 ``AllocEngine::reclaimExpiredLeases6`` / ``deleteExpiredReclaimedLeases6`` and
``CfgExpiration::setupTimers`` (ARM "Lease Reclamation"):

* a pass fetches at most ``max-reclaim-leases`` + 1 expired leases (0: all); the extra one tells
  that the pass cannot finish everything ("incomplete");
* leases are reclaimed until ``max-reclaim-time`` milliseconds have passed (0: no limit); leases
  left over make the pass incomplete too;
* after ``unwarned-reclaim-cycles`` incomplete passes in a row (0: never) the server warns with
  ALLOC_ENGINE_V6_LEASES_RECLAMATION_SLOW and starts counting again; a complete pass resets the
  count and logs ALLOC_ENGINE_V6_NO_MORE_EXPIRED_LEASES;
* reclaimed leases are kept (state expired-reclaimed) unless the flush timer is disabled
  (``flush-reclaimed-timer-wait-time`` 0) or ``leases-reclaim`` asks ``remove``; the flush deletes
  reclaimed leases that expired more than ``hold-reclaimed-time`` seconds ago.

The decisions are :mod:`pukeko.alloc.reclaim`'s; this module writes them through the lease store
(durably, like a packet's changes), keeps the allocator in step and updates the statistics.
A reclaimed lease with a hostname and DNS flags gets a removal name-change request (Kea
``reclaimExpiredLease`` -> ``queueNCR(CHG_REMOVE)``) once the chunk is written, while
``ddns`` is set (dhcp-ddns ``enable-updates`` on: ``ddns6.ddns_service(config)``).
Pukeko works in chunks of ``CHUNK`` leases so that packets are served between chunks.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable, Iterable, Sequence

from pukeko.alloc.reclaim import flush, reclaim
from pukeko.ddns.leases import lease6_label, lease6_request
from pukeko.ddns.ncr import ChangeType, NameChangeRequest
from pukeko.ddns.sink import LoggingNameChangeSink, NameChangeSink
from pukeko.leases.model import Lease, Lease6, LeaseChange
from pukeko.leases.view import LeaseView6
from pukeko.server.dhcp6.ddns6 import DdnsService
from pukeko.server.outcome import LogEvent
from pukeko.server.stats import StatsManager

CHUNK = 256
TRACE = 40  # Kea ALLOC_ENGINE_DBG_TRACE (DBGLVL_TRACE_BASIC)

Writer = Callable[[Sequence[LeaseChange]], Awaitable[None]]
LogSink = Callable[[list[LogEvent]], None]


def duration_text(seconds: float) -> str:
    """Kea's Stopwatch log format: milliseconds with three decimals, ``"12.345 ms"``."""
    micros = int(seconds * 1_000_000)
    return f"{micros // 1000}.{micros % 1000:03d} ms"


def _current(leases: LeaseView6, stale: Sequence[Lease6]) -> list[Lease6]:
    """The leases as the store holds them now (packets may have renewed some meanwhile)."""
    found = (leases.get(lease.lease_type, lease.address) for lease in stale)
    return [lease for lease in found if lease is not None]


def _debug(message_id: str, text: str) -> LogEvent:
    return LogEvent("DEBUG", message_id, text, TRACE)


class Reclaimer:
    """Reclaims expired leases and flushes reclaimed ones for one daemon."""

    def __init__(
        self,
        write: Writer,
        stats: StatsManager,
        log: LogSink,
        clock: Callable[[], float] = time.time,
        stopwatch: Callable[[], float] = time.monotonic,
        name_changes: NameChangeSink | None = None,
    ) -> None:
        self.write = write
        self.stats = stats
        self.log = log
        self.name_changes: NameChangeSink = name_changes or LoggingNameChangeSink(stats.apply, log)
        self.ddns: DdnsService | None = None  # set per configuration; None: DDNS is off
        self.clock = clock
        self.stopwatch = stopwatch
        self.incomplete_passes = 0

    async def reclaim(
        self,
        leases: LeaseView6,
        *,
        max_leases: int = 0,
        timeout_ms: int = 0,
        remove: bool = False,
        unwarned_cycles: int = 0,
    ) -> int:
        """One reclamation pass; returns how many leases were reclaimed."""
        text = f"starting reclamation of expired leases (limit = {max_leases} leases or "
        self.log([_debug("ALLOC_ENGINE_V6_LEASES_RECLAMATION_START", f"{text}{timeout_ms} ms)")])
        started = self.stopwatch()
        now = self.clock()
        expired = leases.expired(now, max_leases + 1 if max_leases > 0 else 0)
        incomplete = max_leases > 0 and len(expired) > max_leases
        if incomplete:
            expired = expired[:max_leases]
        done = 0
        for first in range(0, len(expired), CHUNK):
            chunk = _current(leases, expired[first : first + CHUNK])
            done += await self._reclaim_chunk(chunk, now, remove)
            if timeout_ms and (self.stopwatch() - started) * 1000 >= timeout_ms:
                incomplete = incomplete or first + CHUNK < len(expired)
                text = f"timeout of {timeout_ms} ms reached while reclaiming IPv6 leases"
                self.log([_debug("ALLOC_ENGINE_V6_LEASES_RECLAMATION_TIMEOUT", text)])
                break
        elapsed = duration_text(self.stopwatch() - started)
        text = f"reclaimed {done} leases in {elapsed}"
        self.log([_debug("ALLOC_ENGINE_V6_LEASES_RECLAMATION_COMPLETE", text)])
        self._count_pass(incomplete, unwarned_cycles)
        return done

    async def _reclaim_chunk(self, chunk: Sequence[Lease6], now: float, remove: bool) -> int:
        decided = reclaim(chunk, now, remove=remove)
        if not decided.changes:
            return 0
        try:
            await self.write(decided.changes)
        except Exception as exc:  # Kea logs each failed lease and goes on
            for change in decided.changes:
                text = f"failed to reclaim the lease {change.lease.address}: {exc}"
                self.log([LogEvent("ERROR", "ALLOC_ENGINE_V6_LEASE_RECLAMATION_FAILED", text)])
            return 0
        self.stats.apply(decided.stats, now)
        if self.ddns is not None and decided.names_removed:
            self.name_changes.submit(self._removals(decided.names_removed, self.ddns), now)
        return len(decided.changes)

    def _removals(self, leases: Sequence[Lease], ddns: DdnsService) -> list[NameChangeRequest]:
        """Removal requests for reclaimed leases that had DNS entries (Kea ``queueNCR``)."""
        requests: list[NameChangeRequest] = []
        for lease in leases:
            if not isinstance(lease, Lease6):
                continue
            try:
                use_cr = ddns.use_conflict_resolution(lease.subnet_id)
                request = lease6_request(ChangeType.REMOVE, lease, use_cr)
            except ValueError as exc:
                label = lease6_label(lease.duid, lease.hwaddr, lease.hwtype)
                text = f"{label}: queuing remove name change request failed for lease"
                text += f" {lease.address}: {exc}"
                self.log([LogEvent("ERROR", "DHCPSRV_QUEUE_NCR_FAILED", text)])
                continue
            if request is not None:
                requests.append(request)
        return requests

    def _count_pass(self, incomplete: bool, unwarned_cycles: int) -> None:
        if not incomplete:
            self.incomplete_passes = 0
            text = "all expired leases have been reclaimed"
            self.log([_debug("ALLOC_ENGINE_V6_NO_MORE_EXPIRED_LEASES", text)])
            return
        self.incomplete_passes += 1
        if unwarned_cycles > 0 and self.incomplete_passes > unwarned_cycles:
            text = f"expired leases still exist after {unwarned_cycles} reclamations"
            self.log([LogEvent("WARN", "ALLOC_ENGINE_V6_LEASES_RECLAMATION_SLOW", text)])
            self.incomplete_passes = 0

    async def flush(
        self, leases: LeaseView6, candidates: Iterable[Lease6], hold_reclaimed_time: int
    ) -> int:
        """Delete reclaimed leases expired more than ``hold_reclaimed_time`` s ago; how many.

        ``candidates`` are the leases to look at (every lease of the store); each chunk is read
        again from ``leases`` right before it is deleted, so a lease reused meanwhile stays.
        """
        text = f"begin deletion of reclaimed leases expired more than {hold_reclaimed_time} "
        self.log([_debug("ALLOC_ENGINE_V6_RECLAIMED_LEASES_DELETE", text + "seconds ago")])
        now = self.clock()
        doomed = list(flush(candidates, now, hold_reclaimed_time).changes)
        deleted = 0
        try:
            for first in range(0, len(doomed), CHUNK):
                part = doomed[first : first + CHUNK]
                stale = [change.lease for change in part if isinstance(change.lease, Lease6)]
                chunk = flush(_current(leases, stale), now, hold_reclaimed_time).changes
                if chunk:
                    await self.write(chunk)
                    deleted += len(chunk)
        except Exception as exc:
            text = f"deletion of expired-reclaimed leases failed: {exc}"
            self.log([LogEvent("ERROR", "ALLOC_ENGINE_V6_RECLAIMED_LEASES_DELETE_FAILED", text)])
        text = f"successfully deleted {deleted} expired-reclaimed leases"
        self.log([_debug("ALLOC_ENGINE_V6_RECLAIMED_LEASES_DELETE_COMPLETE", text)])
        return deleted
