"""LogEvent: deferred text renders exactly as the eager Kea template substitution did."""

from __future__ import annotations

import pickle
import re
from dataclasses import FrozenInstanceError

import pytest

from pukeko.server.outcome import LogEvent, render_template

_PLACEHOLDER = re.compile(r"%(\d+)")


def reference_render(template: str, args: tuple[object, ...]) -> str:
    """The engine's former renderer (re.sub per event), kept here as the oracle."""

    def swap(match: re.Match[str]) -> str:
        index = int(match.group(1)) - 1
        return str(args[index]) if 0 <= index < len(args) else match.group(0)

    return _PLACEHOLDER.sub(swap, template)


CASES = [
    ("%1: lease for address %2 and iaid=%3", ("duid=[00:01], tid=0x1", "2001:db8::1", 7)),
    ("no placeholders at all", ()),
    ("%1 %2 %3", ("only one",)),  # missing arguments stay as written
    ("%0 and %01 and %1%1", ("x",)),  # %0 is no argument; %01 is the first
    ("%10 of %2", tuple(range(1, 11))),  # two-digit placeholder
    ("100% sure, %1%", ("yes",)),  # a bare % is text
    ("", ()),
]


@pytest.mark.parametrize(("template", "args"), CASES)
def test_render_template_matches_the_former_regex_renderer(
    template: str, args: tuple[object, ...]
) -> None:
    assert render_template(template, args) == reference_render(template, args)


@pytest.mark.parametrize(("template", "args"), CASES)
def test_deferred_event_equals_the_eager_one(template: str, args: tuple[object, ...]) -> None:
    deferred = LogEvent.deferred("INFO", "DHCP6_X", template, args, 0)
    eager = LogEvent("INFO", "DHCP6_X", reference_render(template, args))
    assert deferred == eager and hash(deferred) == hash(eager)
    assert deferred.text == eager.text == reference_render(template, args)
    assert repr(deferred) == repr(eager)


def test_arguments_are_rendered_once_and_only_when_read() -> None:
    calls: list[int] = []

    class Counting:
        def __str__(self) -> str:
            calls.append(1)
            return "counted"

    event = LogEvent.deferred("DEBUG", "DHCP6_X", "value %1", (Counting(),), 40)
    assert calls == []
    assert event.text == "value counted" and event.text == "value counted"
    assert calls == [1]


def test_event_keeps_the_public_shape() -> None:
    event = LogEvent("WARN", "ALLOC_ENGINE_V6_ALLOC_FAIL", "failed", 5)
    assert (event.severity, event.message_id, event.text, event.debuglevel) == (
        "WARN",
        "ALLOC_ENGINE_V6_ALLOC_FAIL",
        "failed",
        5,
    )
    assert LogEvent("INFO", "A", "t").debuglevel == 0
    assert event != LogEvent("WARN", "ALLOC_ENGINE_V6_ALLOC_FAIL", "failed", 6)
    assert len({event, LogEvent("WARN", "ALLOC_ENGINE_V6_ALLOC_FAIL", "failed", 5)}) == 1


def test_event_is_immutable_and_pickles_with_its_text() -> None:
    event = LogEvent.deferred("INFO", "DHCP6_X", "a %1", ("b",))
    with pytest.raises(FrozenInstanceError):
        event.severity = "ERROR"  # type: ignore[misc]
    with pytest.raises(FrozenInstanceError):
        del event.message_id
    copy = pickle.loads(pickle.dumps(event))
    assert copy == event and copy.text == "a b"
