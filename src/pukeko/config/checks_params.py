"""Checks of network parameters at one level (global, shared network, subnet) after inheritance.

A *scope* is the list of levels that give a network its values, most specific first, as
``(path, map)`` pairs: a subnet in a shared network has ``[subnet, shared network, global]``.
Kea derives the INHERIT_TO_SUBNET parameters into each level before checking it, so a global
``t1-percent`` that is too large fails in every subnet that inherits it; the error is reported
once, where the value is written.
"""

from __future__ import annotations

import re

from pukeko.config.checks_base import Collector
from pukeko.config.errors import KeyPath
from pukeko.config.inherit import is_set

Scope = list[tuple[KeyPath, dict[str, object]]]

# ARM "Host Reservations in DHCPv6": the legacy switch and what it means.
RESERVATION_MODES = ("disabled", "out-of-pool", "global", "all")
RESERVATION_FLAGS = ("reservations-global", "reservations-in-subnet", "reservations-out-of-pool")


def lookup(scope: Scope, name: str) -> tuple[KeyPath, object] | None:
    """The (path, value) of ``name`` from the most specific level that has it."""
    for path, level in scope:
        if is_set(name, level):
            return (*path, name), level[name]
    return None


def _int(scope: Scope, name: str) -> tuple[KeyPath, int] | None:
    found = lookup(scope, name)
    if found is None or not isinstance(found[1], int) or isinstance(found[1], bool):
        return None
    return found[0], found[1]


def _num(scope: Scope, name: str) -> tuple[KeyPath, float] | None:
    found = lookup(scope, name)
    if found is None or isinstance(found[1], bool) or not isinstance(found[1], int | float):
        return None
    return found[0], float(found[1])


def check_triplet(c: Collector, scope: Scope, name: str) -> None:
    """``min-X <= X <= max-X`` as Kea's parseIntTriplet requires (ARM "Lifetimes")."""
    value, low, high = _int(scope, name), _int(scope, "min-" + name), _int(scope, "max-" + name)
    if value is None:
        if low is not None and high is not None:
            c.error(low[0], f"have min-{name} and max-{name} but no {name} (default)")
        return
    if low is not None and low[1] > value[1]:
        c.error(
            low[0],
            f"the value of min-{name} ({low[1]}) is not less than (default) {name} ({value[1]})",
        )
    if high is not None and value[1] > high[1]:
        # Report where the user wrote something: a default value has no position.
        at = value[0] if c.given(value[0]) else high[0]
        c.error(
            at,
            f"the value of (default) {name} ({value[1]}) is not less than max-{name} ({high[1]})",
        )
    if low is not None and high is not None and low[1] > high[1]:
        c.error(
            low[0], f"the value of min-{name} ({low[1]}) is not less than max-{name} ({high[1]})"
        )


def check_timers(c: Collector, scope: Scope) -> None:
    """renew-timer must not exceed rebind-timer (RFC 8415 §21.4: T1 <= T2)."""
    renew, rebind = _int(scope, "renew-timer"), _int(scope, "rebind-timer")
    for found, name in ((renew, "renew-timer"), (rebind, "rebind-timer")):
        if found is not None and found[1] < 0:
            c.error(found[0], f"the value of {name} ({found[1]}) must be a positive number")
    if renew is not None and rebind is not None and renew[1] > rebind[1]:
        c.error(
            renew[0],
            f"the value of renew-timer ({renew[1]}) is greater than the value "
            f"of rebind-timer ({rebind[1]})",
        )


def check_tee_percents(c: Collector, scope: Scope) -> None:
    """With calculate-tee-times, 0 < t1-percent < t2-percent < 1 (ARM "Default Values...")."""
    calculate = lookup(scope, "calculate-tee-times")
    if calculate is None or calculate[1] is not True:
        return
    t1, t2 = _num(scope, "t1-percent"), _num(scope, "t2-percent")
    for found, name in ((t2, "t2-percent"), (t1, "t1-percent")):
        if found is not None and not 0.0 < found[1] < 1.0:
            c.error(
                found[0],
                f"{name}: {found[1]} is invalid, it must be greater than 0.0 and less than 1.0",
            )
    if t1 is not None and t2 is not None and t1[1] >= t2[1]:
        c.error(t1[0], f"t1-percent: {t1[1]} is invalid, it must be less than t2-percent: {t2[1]}")


def check_cache_threshold(c: Collector, scope: Scope) -> None:
    """cache-threshold is a fraction strictly between 0 and 1 (ARM "Lease Caching")."""
    found = _num(scope, "cache-threshold")
    if found is not None and not 0.0 < found[1] < 1.0:
        c.error(
            found[0],
            f"cache-threshold: {found[1]} is invalid, it must be greater than 0.0 "
            "and less than 1.0",
        )


def check_hostname_char_set(c: Collector, path: KeyPath, level: dict[str, object]) -> None:
    """hostname-char-set must be a valid regular expression (ARM "Sanitizing Client...")."""
    value = level.get("hostname-char-set")
    if not isinstance(value, str) or not value:
        return
    try:
        re.compile(value)
    except re.error:
        c.error(
            (*path, "hostname-char-set"),
            f"hostname-char-set '{value}' is not a valid regular expression",
        )


def check_reservation_mode(c: Collector, path: KeyPath, level: dict[str, object]) -> None:
    """reservation-mode (deprecated) and the reservations-* flags are mutually exclusive."""
    if "reservation-mode" not in level:
        return
    mode = level["reservation-mode"]
    given_flags = [f for f in RESERVATION_FLAGS if c.given((*path, f))]
    if given_flags:
        c.error(
            (*path, "reservation-mode"),
            "invalid use of both 'reservation-mode' and one of "
            "'reservations-global', 'reservations-in-subnet' or 'reservations-out-of-pool' "
            "parameters",
        )
    if isinstance(mode, str) and mode not in RESERVATION_MODES:
        c.error((*path, "reservation-mode"), f"invalid reservation-mode parameter: '{mode}'")


# Every key check_scope reads at the level it checks: a level writing none of them gets the
# verdict of its parents alone (the same for every subnet under the same parents).
SCOPE_KEYS = frozenset(
    {
        *(f"{prefix}{name}" for prefix in ("", "min-", "max-")
          for name in ("valid-lifetime", "preferred-lifetime")),
        "reservation-mode",
        *RESERVATION_FLAGS,
        "renew-timer",
        "rebind-timer",
        "calculate-tee-times",
        "t1-percent",
        "t2-percent",
        "cache-threshold",
        "hostname-char-set",
    }
)  # fmt: skip


def check_scope(c: Collector, scope: Scope, family: int, *, is_global: bool = False) -> None:
    """Every per-level parameter rule for the first level of ``scope``.

    At the global level Kea checks only the lifetimes; timers and percentages are checked in each
    shared network and subnet that inherits them.
    """
    path, level = scope[0]
    check_triplet(c, scope, "valid-lifetime")
    if family == 6:
        check_triplet(c, scope, "preferred-lifetime")
    check_reservation_mode(c, path, level)
    if is_global:
        return
    check_timers(c, scope)
    check_tee_percents(c, scope)
    check_cache_threshold(c, scope)
    check_hostname_char_set(c, path, level)
