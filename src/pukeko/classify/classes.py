"""A configuration's client classes compiled once and applied to each packet.

Kea 2.2's classification passes (ARM "Client Classification", Dhcpv6Srv / Dhcpv4Srv):

1. *early*, right after the packet passes the server-id and unicast tests: ``ALL``, the vendor
   class, then every class with a ``test`` that is neither ``only-if-required`` nor dependent
   on ``KNOWN`` / ``UNKNOWN``, in definition order (:meth:`ClassPlan.evaluate`, ``late=False``);
2. *late*, after the host reservation lookup added ``KNOWN`` or ``UNKNOWN``: the classes whose
   test depends on them, directly or through ``member()`` of such a class (``late=True``);
3. *required*, after the leases are assigned: the classes named by ``require-client-classes``
   of the shared network, the subnet and the pools of the assigned leases, in that order, when
   their test holds (a required class without a test is never added: Kea logs it as
   untestable) — :meth:`ClassPlan.require`.

A class whose expression fails to evaluate is not added; the failure is reported like a result.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import partial

from pukeko.classify.ast import Expression, referenced_classes
from pukeko.classify.evaluate import Test, compile_test
from pukeko.classify.lexer import ExpressionError
from pukeko.classify.parser import parse_expression
from pukeko.classify.query import Query
from pukeko.classify.strfuncs import EvaluationError
from pukeko.config.model import ClientClass, Lifetime
from pukeko.wire.spaces import OptionSpaces

KNOWN_CLASSES = frozenset({"KNOWN", "UNKNOWN"})
DROP_CLASS = "DROP"

# Told about each evaluation: class name, then True / False, the error text, or one of these
# two words for a required class that has no definition / no test.
REQUIRED_UNDEFINED = "undefined"
REQUIRED_UNTESTABLE = "untestable"
Report = Callable[[str, "bool | str"], None]
LifetimePair = tuple[Lifetime | None, Lifetime | None]
NO_LIFETIMES: LifetimePair = (None, None)


@dataclass(frozen=True, slots=True)
class CompiledClass:
    """One ``client-classes`` entry with its test compiled."""

    name: str
    test: Test | None
    required: bool  # only-if-required
    depends_on_known: bool
    definition: ClientClass


class ClassPlan:
    """Every class of one configuration, in definition order, ready to evaluate."""

    __slots__ = ("_early_tests", "_late_tests", "by_name", "early", "late", "lifetimes", "ordered")

    def __init__(self, classes: Sequence[CompiledClass]) -> None:
        self.ordered = tuple(classes)
        self.by_name = {c.name: c for c in self.ordered}
        usable = [c for c in self.ordered if c.test is not None and not c.required]
        self.early = tuple(c for c in usable if not c.depends_on_known)
        self.late = tuple(c for c in usable if c.depends_on_known)
        self._early_tests = tuple((c.name, c.test) for c in self.early if c.test is not None)
        self._late_tests = tuple((c.name, c.test) for c in self.late if c.test is not None)
        # Classes setting a lifetime, for the per-lease lookup (Kea getLifetimes6).
        self.lifetimes: dict[str, LifetimePair] = {
            c.name: (c.definition.preferred_lifetime, c.definition.valid_lifetime)
            for c in self.ordered
            if c.definition.preferred_lifetime is not None
            or c.definition.valid_lifetime is not None
        }

    @classmethod
    def build(cls, classes: Iterable[ClientClass], family: int, spaces: OptionSpaces) -> ClassPlan:
        """Parse and compile every class test (the configuration was already checked)."""
        compiled: list[CompiledClass] = []
        known: dict[str, CompiledClass] = {}
        option_code = partial(spaces.code_of, "dhcp6" if family == 6 else "dhcp4")
        for definition in classes:
            expr = _parse(definition.test, family, option_code) if definition.test else None
            entry = CompiledClass(
                definition.name,
                compile_test(expr, family, spaces) if expr is not None else None,
                definition.only_if_required,
                expr is not None and _depends_on_known(expr, known),
                definition,
            )
            compiled.append(entry)
            known[entry.name] = entry
        return cls(compiled)

    def __bool__(self) -> bool:
        return bool(self.ordered)

    def evaluate(
        self, query: Query, late: bool, report: Report | None = None, every: bool = True
    ) -> None:
        """Run one classification pass (early or late) over ``query``.

        ``report`` is told about every evaluation, or only about failures when ``every`` is
        False (the hot path: one loop, no call besides the tests themselves).
        """
        classes = query.classes
        tests = self._late_tests if late else self._early_tests
        if report is None or not every:
            for name, test in tests:
                try:
                    if test(query):
                        classes[name] = None
                except EvaluationError as exc:
                    if report is not None:
                        report(name, str(exc))
            return
        for name, test in tests:
            try:
                matched = test(query)
            except EvaluationError as exc:
                report(name, str(exc))
                continue
            if matched:
                classes[name] = None
            report(name, matched)

    def require(self, query: Query, names: Iterable[str], report: Report | None = None) -> None:
        """Evaluate the required classes ``names`` (in order, each once) (requiredClassify)."""
        for name in dict.fromkeys(names):
            entry = self.by_name.get(name)
            if entry is None or entry.test is None:
                if report is not None:
                    report(name, REQUIRED_UNDEFINED if entry is None else REQUIRED_UNTESTABLE)
                continue
            _run(entry, query, report)

    def lifetimes_for(self, classes: Iterable[str]) -> LifetimePair:
        """(preferred, valid) of the first of ``classes`` setting each, or None."""
        table = self.lifetimes
        if not table:
            return NO_LIFETIMES
        preferred: Lifetime | None = None
        valid: Lifetime | None = None
        for name in classes:
            found = table.get(name)
            if found is None:
                continue
            preferred = preferred or found[0]
            valid = valid or found[1]
            if preferred is not None and valid is not None:
                break
        return preferred, valid


def _run(entry: CompiledClass, query: Query, report: Report | None) -> None:
    """Evaluate one class test and add the class when it holds."""
    assert entry.test is not None
    try:
        matched = entry.test(query)
    except EvaluationError as exc:
        if report is not None:
            report(entry.name, str(exc))
        return
    if matched:
        query.classes[entry.name] = None
    if report is not None:
        report(entry.name, matched)


def _parse(text: str, family: int, option_code: Callable[[str], int | None]) -> Expression:
    try:
        return parse_expression(text, family=family, option_code=option_code)
    except ExpressionError as exc:  # the configuration checks reject this first
        raise ValueError(f"client class test {text!r}: {exc}") from exc


def _depends_on_known(expr: Expression, earlier: dict[str, CompiledClass]) -> bool:
    """Kea: a test naming KNOWN/UNKNOWN, or a class that depends on them, runs late."""
    for name in referenced_classes(expr):
        if name in KNOWN_CLASSES:
            return True
        found = earlier.get(name)
        if found is not None and found.depends_on_known:
            return True
    return False
