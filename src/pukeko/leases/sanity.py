"""Lease sanity checks on load (``sanity-checks`` / ``lease-checks``), as Kea 2.2 applies them.

ARM "Sanity Checks in DHCPv6": a lease read from storage whose subnet-id does not match the
subnet its address belongs to is, per ``lease-checks``:

- ``none``: kept as it is, silently;
- ``warn``: kept, with ``DHCPSRV_LEASE_SANITY_FAIL``;
- ``fix``: given the right subnet-id when one is configured (``DHCPSRV_LEASE_SANITY_FIXED``),
  otherwise kept with a warning;
- ``fix-del``: fixed when possible, otherwise dropped (``DHCPSRV_LEASE_SANITY_FAIL_DISCARD``);
- ``del``: dropped.

Like Kea, only DHCPv6 IA_NA leases are checked (and every DHCPv4 lease).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from ipaddress import IPv4Address, IPv6Address

from pukeko.config.model import Config, Subnet
from pukeko.leases.model import ChangeKind, Lease, Lease6, LeaseChange, LeaseType
from pukeko.server.outcome import LogEvent

LEASE_CHECKS = ("none", "warn", "fix", "fix-del", "del")
DEFAULT_LEASE_CHECKS = "warn"


@dataclass(frozen=True, slots=True)
class SanityResult:
    """What the checks decided for a set of loaded leases."""

    changes: tuple[LeaseChange, ...]
    log: tuple[LogEvent, ...]


def lease_checks_mode(config: Config) -> str:
    """The configured ``sanity-checks.lease-checks`` value (Kea's default is ``warn``)."""
    mode = config.sanity_checks.get("lease-checks", DEFAULT_LEASE_CHECKS)
    return mode if isinstance(mode, str) and mode in LEASE_CHECKS else DEFAULT_LEASE_CHECKS


class SubnetLocator:
    """Finds the subnet an address belongs to (Kea's ``selectSubnet(address)``)."""

    def __init__(self, subnets: Iterable[Subnet]) -> None:
        self._by_id = {s.id: s for s in subnets}
        self._all = tuple(self._by_id.values())

    def in_subnet(self, subnet_id: int, address: IPv4Address | IPv6Address) -> bool:
        """True when ``subnet_id`` is configured and contains ``address``."""
        subnet = self._by_id.get(subnet_id)
        return subnet is not None and address in subnet.prefix

    def subnet_id_of(self, address: IPv4Address | IPv6Address) -> int:
        """The id of the first configured subnet containing ``address``, or 0."""
        for subnet in self._all:
            if address in subnet.prefix:
                return subnet.id
        return 0


def check_leases(leases: Iterable[Lease], config: Config) -> SanityResult:
    """Apply ``lease-checks`` to loaded leases; returns the changes to store and what to log."""
    mode = lease_checks_mode(config)
    if mode == "none":
        return SanityResult((), ())
    locator = SubnetLocator(config.all_subnets)
    changes: list[LeaseChange] = []
    log: list[LogEvent] = []
    for lease in leases:
        if isinstance(lease, Lease6) and lease.lease_type != LeaseType.NA:
            continue
        if locator.in_subnet(lease.subnet_id, lease.address):
            continue
        _decide(lease, locator.subnet_id_of(lease.address), mode, changes, log)
    return SanityResult(tuple(changes), tuple(log))


def _decide(
    lease: Lease, right_id: int, mode: str, changes: list[LeaseChange], log: list[LogEvent]
) -> None:
    if lease.subnet_id == right_id:
        return
    reason = (
        f"the lease should have subnet-id {right_id}"
        if right_id
        else "the lease IP address did not belong to a configured subnet"
    )
    can_fix = mode in ("fix", "fix-del") and right_id != 0
    if can_fix:
        changes.append(LeaseChange(ChangeKind.UPDATE, replace(lease, subnet_id=right_id)))
        log.append(_fixed(lease, right_id))
    elif mode == "del" or mode == "fix-del":
        changes.append(LeaseChange(ChangeKind.DELETE, lease))
        log.append(
            _event("INFO", "DHCPSRV_LEASE_SANITY_FAIL_DISCARD", lease, reason, " and was dropped")
        )
    else:  # warn, or fix without a better subnet
        log.append(_event("WARN", "DHCPSRV_LEASE_SANITY_FAIL", lease, reason, ""))


def _event(severity: str, message_id: str, lease: Lease, reason: str, tail: str) -> LogEvent:
    text = (
        f"The lease {lease.address} with subnet-id {lease.subnet_id} failed subnet-id checks "
        f"({reason}){tail}."
    )
    return LogEvent(severity, message_id, text)


def _fixed(lease: Lease, right_id: int) -> LogEvent:
    text = (
        f"The lease {lease.address} with subnet-id {lease.subnet_id} failed subnet-id checks, "
        f"but was corrected to subnet-id {right_id}."
    )
    return LogEvent("INFO", "DHCPSRV_LEASE_SANITY_FIXED", text)
