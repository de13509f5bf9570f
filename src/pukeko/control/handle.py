"""What the control commands need from the running daemon, and what a command handler receives.

The daemon implements :class:`ServerHandle`; command handlers only talk to it, to the statistics
manager and to the registry, through a :class:`CommandContext`. Unlike Kea 2.2 (which exits when a
``config-set`` / ``config-reload`` fails after it began applying), a rejected configuration must
leave the running one serving: ``config_set`` / ``config_reload`` validate fully before changing
anything and return the errors instead.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import tzinfo
from typing import TYPE_CHECKING, Any, Protocol

from pukeko.server.stats import StatsManager

if TYPE_CHECKING:
    from pukeko.config.model import Config
    from pukeko.control.registry import Registry
    from pukeko.ddns.sink import NameChangeSink
    from pukeko.hosts.model import Host
    from pukeko.hosts.store import HostStore
    from pukeko.leases.model import LeaseChange
    from pukeko.leases.store import LeaseStore6

ORIGIN_USER = "user"  # dhcp-disable / dhcp-enable "origin" values accepted by Kea 2.2
ORIGIN_HA_PARTNER = "ha-partner"


class ServerHandle(Protocol):
    """The running daemon as the commands see it (implemented by the daemon runtime)."""

    @property
    def config_file(self) -> str:
        """The configuration file given with ``-c`` ("" when none)."""
        ...

    def config_get(self) -> dict[str, Any]:
        """The running configuration as Kea JSON: ``{"Dhcp6": {...}}`` with every default."""
        ...

    async def config_test(self, config: dict[str, Any]) -> Sequence[str]:
        """Check a whole configuration (``{"Dhcp6": {...}}``) without applying it; the errors."""
        ...

    async def config_set(self, config: dict[str, Any]) -> Sequence[str]:
        """Check, then apply, a whole configuration; on errors nothing changes. The errors."""
        ...

    async def config_reload(self) -> Sequence[str]:
        """Re-read and apply :attr:`config_file` like ``config_set``; the errors."""
        ...

    async def config_write(self, filename: str) -> tuple[str, int]:
        """Write the running configuration to ``filename``: (path, size); OSError on failure."""
        ...

    def set_configured_global(self, name: str, value: Any) -> None:
        """Record a global parameter in the running configuration (what config-get shows)."""
        ...

    def dhcp_disable(self, max_period: int | None, origin: str) -> None:
        """Stop answering clients (``origin`` "user" or "ha-partner"), for ``max_period`` s."""
        ...

    def dhcp_enable(self, origin: str) -> None:
        """Resume answering clients (``origin`` "user" or "ha-partner")."""
        ...

    async def leases_reclaim(self, remove: bool) -> None:
        """Reclaim every expired lease now; ``remove`` deletes instead of keeping them expired."""
        ...

    def shutdown(self, exit_value: int) -> None:
        """Begin a clean shutdown, exiting with ``exit_value``; the answer must still be sent."""
        ...

    def status(self) -> dict[str, Any]:
        """``status-get`` arguments (see :func:`status_arguments`)."""
        ...

    def version(self) -> str:
        """The short version text (``version-get`` text, ``-v``)."""
        ...

    def extended_version(self) -> str:
        """The extended version text (``version-get`` arguments.extended, ``-V``)."""
        ...

    def build_report(self) -> str:
        """The build report (``build-report`` text, ``-W``)."""
        ...

    # -- subnet_cmds / class_cmds (issue 7: subnet, shared-network and class commands) ----------

    def running_config(self) -> Config:
        """The running configuration's model (what :meth:`config_get` renders)."""
        ...

    async def config_apply(self, config: Config) -> Sequence[str]:
        """Switch to ``config`` (already checked) in one reconfiguration; the errors or [].

        Only the per-subnet statistics of subnets added, changed or removed are touched.
        """
        ...

    async def subnet_leases_delete(self, subnet_ids: Sequence[int]) -> int:
        """Delete every lease of these subnets (store, allocation state, statistics); how many."""
        ...

    # -- lease_cmds / stat_cmds (issue 7: DHCPv6 lease commands and stat-lease6-get) -----------
    # The subnet lookups use :meth:`running_config`.

    def lease_store6(self) -> LeaseStore6:
        """The DHCPv6 lease store (the lease commands' lookups)."""
        ...

    async def apply_lease_changes(self, changes: Sequence[LeaseChange]) -> None:
        """Reserve and commit ``changes`` as the engine's are (durable when this returns), the
        allocation state following. The store's errors (DuplicateLeaseError,
        LeaseNotFoundError, LeasePersistError) propagate with nothing changed; statistics are
        the caller's (Kea's lease commands count their own way)."""
        ...

    def name_change_sink(self) -> NameChangeSink:
        """Where name-change requests go once their lease changes are durable."""
        ...

    async def write_lease_file6(self, filename: str) -> None:
        """``lease6-write``: every DHCPv6 lease as a Kea CSV lease file at ``filename``
        (written atomically); OSError or ValueError (with Kea-like texts) on failure."""
        ...

    # -- host_cmds (issue 7: reservation commands; persistence of runtime changes) -------------
    # Reservations are part of the configuration; with ``pukeko-auto-write-config`` the daemon
    # writes every accepted change (this one, config_apply, config_set) to its file first.

    def host_store(self) -> HostStore:
        """The host store the engine reads (the reservation commands' lookups)."""
        ...

    async def hosts_apply(
        self, base: Config, config: Config, removed: Sequence[Host], added: Sequence[Host]
    ) -> Sequence[str]:
        """Switch from ``base`` (the running configuration the change was made on) to
        ``config`` (already checked), which differs from it only in reservations, by removing
        and adding these hosts in the live store; the errors or [] (nothing changed)."""
        ...


@dataclass
class CommandContext:
    """Everything a command handler may use; one per registry, shared by every transport."""

    family: int  # 6 or 4
    server: ServerHandle
    stats: StatsManager
    registry: Registry
    clock: Callable[[], float]  # seconds since the epoch; the only clock handlers read
    tz: tzinfo | None = None  # timestamps in statistics answers (None: local time, as Kea)

    @property
    def server_key(self) -> str:
        """The configuration's top-level key: ``Dhcp6`` or ``Dhcp4``."""
        return f"Dhcp{self.family}"


def status_arguments(
    *,
    pid: int,
    uptime: int | None,
    reload: int | None,
    multi_threading: bool = False,
    thread_pool_size: int = 0,
    packet_queue_size: int = 0,
    queue_statistics: Sequence[float] = (0.0, 0.0, 0.0),
    socket_errors: Sequence[str] = (),
    retrying: bool = False,
) -> dict[str, Any]:
    """``status-get`` arguments shaped as Kea 2.2 (ctrl_dhcp6_srv.cc commandStatusGetHandler)."""
    status: dict[str, Any] = {"pid": pid}
    if uptime is not None:
        status["uptime"] = uptime
    if reload is not None:
        status["reload"] = reload
    status["multi-threading-enabled"] = multi_threading
    if multi_threading:
        status["thread-pool-size"] = thread_pool_size
        status["packet-queue-size"] = packet_queue_size
        status["packet-queue-statistics"] = list(queue_statistics)
    sockets: dict[str, Any] = {"status": "ready"}
    if socket_errors:
        sockets = {"status": "retrying" if retrying else "failed", "errors": list(socket_errors)}
    status["sockets"] = sockets
    return status
