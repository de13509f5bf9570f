"""ClassPlan: Kea 2.2's classification passes over compiled class tests."""

from __future__ import annotations

import json

import pytest

from pukeko.classify.classes import (
    REQUIRED_UNDEFINED,
    REQUIRED_UNTESTABLE,
    ClassPlan,
)
from pukeko.classify.query import Query6
from pukeko.config.checks_hosts import is_builtin_class
from pukeko.config.checks_options import standard_spaces
from pukeko.config.load import load_config
from pukeko.config.model import ClientClass, Lifetime
from pukeko.wire.pkt6 import Pkt6

USER_CLASS = (15, b"\x00\x03lab")


def plan(classes: list[dict[str, object]]) -> ClassPlan:
    text = json.dumps({"Dhcp6": {"client-classes": classes}})
    config = load_config(text, family=6).config
    return ClassPlan.build(config.client_classes, 6, standard_spaces(6))


def query(*options: tuple[int, bytes]) -> Query6:
    q = Query6(Pkt6(1, 0x1234, list(options)), [], "eth0", "fe80::1", "ff02::1:2", 100)
    q.classes["ALL"] = None
    return q


def test_builtin_names_and_prefixes() -> None:
    # One definition serves the configuration checks and the engine (Kea isClientClassBuiltIn).
    assert is_builtin_class("ALL") and is_builtin_class("KNOWN") and is_builtin_class("BOOTP")
    assert is_builtin_class("VENDOR_CLASS_docsis3.0") and is_builtin_class("HA_server1")
    assert not is_builtin_class("VENDOR_CLASS_")  # a prefix alone is not a class name
    assert not is_builtin_class("DROP") and not is_builtin_class("lab")


def test_early_pass_in_definition_order_with_member_chains() -> None:
    p = plan(
        [
            {"name": "lab", "test": "option[15].exists"},
            {"name": "lab-too", "test": "member('lab')"},
            {"name": "no-test"},
        ]
    )
    q = query(USER_CLASS)
    p.evaluate(q, late=False)
    assert list(q.classes) == ["ALL", "lab", "lab-too"]


def test_known_dependency_is_transitive_and_waits_for_the_late_pass() -> None:
    p = plan(
        [
            {"name": "guest", "test": "member('UNKNOWN')"},
            {"name": "guest-lab", "test": "member('guest') and option[15].exists"},
            {"name": "lab", "test": "option[15].exists"},
        ]
    )
    assert [c.name for c in p.early] == ["lab"]
    assert [c.name for c in p.late] == ["guest", "guest-lab"]
    q = query(USER_CLASS)
    p.evaluate(q, late=False)
    assert "guest" not in q.classes
    q.classes["UNKNOWN"] = None
    p.evaluate(q, late=True)
    assert list(q.classes) == ["ALL", "lab", "UNKNOWN", "guest", "guest-lab"]


def test_only_if_required_runs_only_when_required() -> None:
    p = plan(
        [
            {"name": "extra", "test": "member('ALL')", "only-if-required": True},
            {"name": "untestable", "only-if-required": True},
        ]
    )
    q = query()
    p.evaluate(q, late=False)
    assert "extra" not in q.classes
    seen: list[tuple[str, object]] = []
    p.require(q, ["extra", "missing", "untestable", "extra"], lambda n, r: seen.append((n, r)))
    assert "extra" in q.classes and "untestable" not in q.classes
    assert seen == [
        ("extra", True),
        ("missing", REQUIRED_UNDEFINED),
        ("untestable", REQUIRED_UNTESTABLE),
    ]


def test_report_every_result_or_only_failures() -> None:
    p = plan(
        [
            {"name": "yes", "test": "member('ALL')"},
            {"name": "no", "test": "option[15].exists"},
            # A two-byte value is not a uint8: int8totext fails to evaluate (Kea throws).
            {"name": "broken", "test": "int8totext(0x0102) == '1'"},
        ]
    )
    seen: list[tuple[str, object]] = []
    p.evaluate(query(), False, lambda n, r: seen.append((n, r)))
    assert [(n, r) for n, r in seen if isinstance(r, bool)] == [("yes", True), ("no", False)]
    assert [n for n, r in seen if isinstance(r, str)] == ["broken"]
    seen.clear()
    q = query()
    p.evaluate(q, False, lambda n, r: seen.append((n, r)), every=False)
    assert [n for n, _ in seen] == ["broken"]
    assert "yes" in q.classes and "broken" not in q.classes


def test_lifetimes_of_the_first_classes_setting_them() -> None:
    p = plan(
        [
            {"name": "a", "valid-lifetime": 100},
            {"name": "b", "preferred-lifetime": 50, "valid-lifetime": 200},
            {"name": "c", "preferred-lifetime": 70},
        ]
    )
    preferred, valid = p.lifetimes_for(["ALL", "c", "a", "b"])
    assert (preferred, valid) == (Lifetime(70, 70, 70), Lifetime(100, 100, 100))
    assert p.lifetimes_for(["ALL"]) == (None, None)
    assert plan([]).lifetimes_for(["a"]) == (None, None)


def test_unparsable_test_is_refused_at_build() -> None:
    broken = ClientClass("x", "option[", False, (), (), None, None)
    with pytest.raises(ValueError, match="client class test"):
        ClassPlan.build([broken], 6, standard_spaces(6))
