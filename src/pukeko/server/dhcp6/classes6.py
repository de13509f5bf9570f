"""Client classification in the DHCPv6 engine (Kea 2.2 Dhcpv6Srv classification steps).

* :meth:`Classifier6.early` — ``classifyPacket``: ``ALL``, the vendor class, then the classes
  not depending on ``KNOWN``/``UNKNOWN``; run after the server-id and unicast tests;
* :meth:`Classifier6.reserved` — ``initContext``: the classes of the client's host reservation
  (a global one, or one of a subnet outside shared networks) replace the evaluated classes,
  which are evaluated again (``removeDependentEvaluatedClasses``, ``setReservedClientClasses``);
* :meth:`Classifier6.late` — ``initContext``: ``KNOWN`` or ``UNKNOWN`` from the host lookup,
  then the classes depending on them;
* :meth:`Classifier6.required` — ``requiredClassify``: the ``require-client-classes`` of the
  shared network, the subnet and the pools of the leases given, once the leases are known;
* :meth:`Classifier6.option_levels` — the class level of ``buildCfgOptionList``: the option-data
  of each class the packet belongs to, in the order the packet joined them.

Every evaluation is logged as Kea logs it: ``EVAL_RESULT`` at INFO for a match, DEBUG for a
non-match, ERROR with the reason when the expression could not be evaluated.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from pukeko.classify.classes import (
    REQUIRED_UNDEFINED,
    REQUIRED_UNTESTABLE,
    ClassPlan,
)
from pukeko.classify.query import Query6
from pukeko.config.checks_hosts import is_builtin_class
from pukeko.config.model import Config, PdPool, Pool, Subnet
from pukeko.leases.model import LeaseType
from pukeko.server.dhcp6.frozen import deferred_event
from pukeko.server.dhcp6.identity import builtin_classes
from pukeko.server.dhcp6.messages import MESSAGES
from pukeko.server.dhcp6.options import OptionLevel
from pukeko.server.dhcp6.pools import find_pool
from pukeko.server.outcome import LogEvent
from pukeko.wire.pkt6 import Pkt6, Relay6
from pukeko.wire.spaces import OptionSpaces

EVAL_DEBUG_LEVEL = 50  # Kea DBG_DHCP6_DETAIL: a non-matching class
Emit = Callable[[str, tuple[object, ...]], None]


class Classifier6:
    """The classes of one configuration, with their option levels and required-class lists."""

    __slots__ = ("levels", "log_matches", "network_required", "plan")

    def __init__(self, config: Config, spaces: OptionSpaces, log_matches: bool = True) -> None:
        # False when no logger outputs INFO: matches are then not turned into events.
        self.log_matches = log_matches
        self.plan = ClassPlan.build(config.client_classes, 6, spaces)
        self.levels: dict[str, OptionLevel] = {
            c.name: OptionLevel.compile(c.option_data, spaces)
            for c in config.client_classes
            if c.option_data
        }
        self.network_required: dict[str, tuple[str, ...]] = {
            net.name: net.require_client_classes for net in config.shared_networks
        }

    def __bool__(self) -> bool:
        """True when the configuration defines any client class."""
        return bool(self.plan)

    def early(
        self,
        pkt: Pkt6,
        hops: list[Relay6],
        where: tuple[str, str, str, int],
        first: dict[int, bytes],
        log: list[LogEvent],
        debuglevel: int,
    ) -> Query6:
        """The packet's query with its built-in and early-evaluated classes."""
        iface, source, destination, length = where
        query = Query6(pkt, hops, iface, source, destination, length, {}, first)
        for name in builtin_classes(pkt):
            query.classes[name] = None
        self._evaluate(query, False, log, debuglevel)
        return query

    def reserved(
        self, query: Query6, names: Iterable[str], log: list[LogEvent], debuglevel: int
    ) -> None:
        """Drop every class with a test, add the reservation's classes, evaluate again."""
        classes = query.classes
        for entry in self.plan.ordered:
            if entry.test is not None:
                classes.pop(entry.name, None)
        for name in names:
            classes[name] = None
        self._evaluate(query, False, log, debuglevel)

    def late(self, query: Query6, known: bool, log: list[LogEvent], debuglevel: int) -> None:
        """Add ``KNOWN`` / ``UNKNOWN`` and evaluate the classes depending on them."""
        query.classes["KNOWN" if known else "UNKNOWN"] = None
        if self.plan.late:
            self._evaluate(query, True, log, debuglevel)

    def _evaluate(self, query: Query6, late: bool, log: list[LogEvent], debuglevel: int) -> None:
        every = self.log_matches or debuglevel >= EVAL_DEBUG_LEVEL
        self.plan.evaluate(query, late, _reporter(log, debuglevel), every)

    def required(
        self,
        query: Query6,
        subnet: Subnet | None,
        allocated: Iterable[tuple[int, int]],
        log: list[LogEvent],
        debuglevel: int,
    ) -> None:
        """Evaluate the classes the network, subnet and pools of given leases require."""
        if subnet is None:
            return
        names: list[str] = []
        if subnet.shared_network:
            names.extend(self.network_required.get(subnet.shared_network, ()))
        names.extend(subnet.require_client_classes)
        for address, prefix_len in allocated:
            lease_type = LeaseType.NA if prefix_len == 128 else LeaseType.PD
            pool: Pool | PdPool | None = find_pool(subnet, lease_type, address)
            if pool is not None:
                names.extend(pool.require_client_classes)
        if names:
            self.plan.require(query, names, _reporter(log, debuglevel))

    def option_levels(
        self, query: Query6, label: object, log: list[LogEvent], debuglevel: int
    ) -> list[OptionLevel]:
        """The option levels of the packet's classes, in membership order."""
        levels: list[OptionLevel] = []
        known = self.plan.by_name
        for name in query.classes:
            level = self.levels.get(name)
            if level is not None:
                levels.append(level)
            elif name not in known and not is_builtin_class(name) and debuglevel >= 40:
                log.append(_event("DHCP6_CLASS_UNCONFIGURED", (label, name)))
        return levels


def _event(message_id: str, args: tuple[object, ...]) -> LogEvent:
    severity, level, template = MESSAGES[message_id]
    return deferred_event(severity, message_id, template, args, level)


def _reporter(log: list[LogEvent], debuglevel: int) -> Callable[[str, bool | str], None]:
    """Log each class evaluation the way Kea's evaluateClasses / requiredClassify do."""
    template = MESSAGES["EVAL_RESULT"][2]

    def report(name: str, result: bool | str) -> None:
        if result is True:
            log.append(deferred_event("INFO", "EVAL_RESULT", template, (name, 1), 0))
        elif result is False:
            if debuglevel >= EVAL_DEBUG_LEVEL:
                log.append(
                    deferred_event("DEBUG", "EVAL_RESULT", template, (name, 0), EVAL_DEBUG_LEVEL)
                )
        elif result == REQUIRED_UNDEFINED:
            if debuglevel >= 40:
                log.append(_event("DHCP6_CLASS_UNDEFINED", (name,)))
        elif result == REQUIRED_UNTESTABLE:
            if debuglevel >= 40:
                log.append(_event("DHCP6_CLASS_UNTESTABLE", (name,)))
        else:
            log.append(deferred_event("ERROR", "EVAL_RESULT", template, (name, result), 0))

    return report
