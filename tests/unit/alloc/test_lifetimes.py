"""Lifetimes (Kea getLifetimes6 / getValidLft, Triplet::get) and T1/T2 (setTeeTimes)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from pukeko.alloc.lifetimes import (
    choose_lifetime,
    clamp,
    class_lifetimes,
    lifetimes6,
    min_preferred,
    tee_times4,
    tee_times6,
)
from pukeko.config.load import load_config
from pukeko.config.model import Lifetime, NetworkParams

SUBNET = Lifetime(default=1000, min=500, max=1500)
VALID_ONE = Lifetime(default=100, min=50, max=150)
VALID_TWO = Lifetime(default=250, min=200, max=300)


# Kea alloc_engine6_unittest.cc getValidLifetime: (classes' triplet, hint, expected).
@pytest.mark.parametrize(
    ("class_lifetime", "hint", "expected"),
    [
        (None, 0, 1000),  # no classes, no hint
        (None, 550, 550),  # no classes, hint
        (None, 450, 500),  # hint too small
        (None, 1550, 1500),  # hint too big
        (VALID_ONE, 0, 100),  # class, no hint
        (VALID_TWO, 0, 250),
        (VALID_ONE, 75, 75),  # class plus hint
        (VALID_ONE, 25, 50),  # class plus hint too small
        (VALID_ONE, 175, 150),  # class plus hint too big
        (None, None, 1000),
        (None, 500, 500),  # exactly at the bounds
        (None, 1500, 1500),
    ],
)
def test_choose_lifetime_matches_keas_table(
    class_lifetime: Lifetime | None, hint: int | None, expected: int
) -> None:
    assert choose_lifetime(SUBNET, hint, class_lifetime) == expected


def test_clamp_is_triplet_get() -> None:
    assert clamp(SUBNET, 1) == 500
    assert clamp(SUBNET, 999) == 999
    assert clamp(SUBNET, 10**9) == 1500


CLASSES_CONFIG = """{"Dhcp6": {
  "preferred-lifetime": 3000, "valid-lifetime": 4000,
  "client-classes": [
    {"name": "unspec"},
    {"name": "one", "valid-lifetime": 100, "min-valid-lifetime": 50, "max-valid-lifetime": 150},
    {"name": "two", "valid-lifetime": 250, "preferred-lifetime": 200}
  ],
  "subnet6": [{"id": 1, "subnet": "2001:db8:1::/64"}]}}"""


def test_first_class_setting_a_lifetime_wins() -> None:
    conf = load_config(CLASSES_CONFIG, family=6).config
    defs = conf.client_classes
    assert class_lifetimes(["unspec"], defs) == (None, None)
    pref, valid = class_lifetimes(["unspec", "one"], defs)
    assert pref is None and valid == Lifetime(100, 50, 150)
    pref, valid = class_lifetimes(["two", "one"], defs)
    assert valid is not None and valid.default == 250
    assert pref is not None and pref.default == 200
    params = conf.all_subnets[0].params
    assert lifetimes6(params, 0, 0) == (3000, 4000)
    assert lifetimes6(params, 0, 120, None, Lifetime(100, 50, 150)) == (3000, 120)
    assert lifetimes6(params, 0, 0, Lifetime(200, 200, 200), None) == (200, 4000)


TEE_BASE = """{"Dhcp6": {EXTRA "preferred-lifetime": 3000, "valid-lifetime": 4000,
  "subnet6": [{"id": 1, "subnet": "2001:db8:1::/48", "pools": [{"pool": "2001:db8:1::/64"}]}]}}"""


def params6(extra: str = "") -> NetworkParams:
    return load_config(TEE_BASE.replace("EXTRA", extra), family=6).config.all_subnets[0].params


# Kea src/bin/dhcp6/tests/tee_times_unittest.cc TEE_CONFIGS[0..2].
@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        ('"renew-timer": 1000, "rebind-timer": 2000,', (1000, 2000)),  # explicitTimers
        ("", (1500, 2400)),  # defaultTimers: calculate-tee-times defaults on, .5 / .8
        ('"t1-percent": .45, "t2-percent": .70,', (1350, 2100)),  # calculateTimers
    ],
)
def test_tee_times6_matches_kea_tests(extra: str, expected: tuple[int, int]) -> None:
    assert tee_times6(params6(extra), 3000, 4000) == expected


def test_tee_times6_rules() -> None:
    base = params6()
    # No explicit timers and no calculation: 0 lets the client decide.
    off = replace(base, calculate_tee_times=False, renew_timer=None, rebind_timer=None)
    assert tee_times6(off, 3000) == (0, 0)
    # T1 not below T2 is not sent; T2 is sent whatever its value.
    assert tee_times6(replace(base, renew_timer=500, rebind_timer=500), 3000) == (0, 500)
    assert tee_times6(replace(base, renew_timer=900, rebind_timer=None), 1000) == (0, 800)
    # Only one explicit: the other is calculated.
    assert tee_times6(replace(base, renew_timer=100, rebind_timer=None), 1000) == (100, 800)
    # The timers follow the preferred lifetime (not the valid one).
    assert tee_times6(base, 100, 99999) == (50, 80)
    # Infinite preferred lifetime: same arithmetic, as in Kea.
    assert tee_times6(base, 0xFFFFFFFF) == (2147483648, 3435973836)


def test_tee_times_round_half_away_from_zero() -> None:
    base = params6()
    # 0.5 * 5 = 2.5 -> 3 (C round), where Python's round() would give 2.
    assert tee_times6(base, 5) == (3, 4)


def params4(extra: str = "") -> NetworkParams:
    text = (
        '{"Dhcp4": {' + extra + ' "valid-lifetime": 4000, '
        '"subnet4": [{"id": 1, "subnet": "192.0.2.0/24"}]}}'
    )
    return load_config(text, family=4).config.all_subnets[0].params


def test_tee_times4_rules() -> None:
    # DHCPv4 calculate-tee-times defaults off: explicit timers or nothing.
    assert tee_times4(params4(), 4000) == (None, None)
    assert tee_times4(params4('"renew-timer": 1000, "rebind-timer": 2000,'), 4000) == (1000, 2000)
    calc = params4('"calculate-tee-times": true,')
    assert tee_times4(calc, 4000) == (2000, 3500)  # .5 and .875 of the valid lifetime
    # T2 not below valid is not sent; T1 then only has to be below valid.
    assert tee_times4(params4('"renew-timer": 1000, "rebind-timer": 5000,'), 4000) == (1000, None)
    # T1 not below the T2 sent is not sent.
    insane = replace(params4(), renew_timer=3000, rebind_timer=2000)
    assert tee_times4(insane, 4000) == (None, 2000)


def test_min_preferred_as_kea_computes_it() -> None:
    assert min_preferred([3000, 1000, 2000]) == 1000
    assert min_preferred([3000, 0, 2000]) == 2000
    assert min_preferred([0, 1000]) == 0  # granting: starts from the first lease
    assert min_preferred([0, 1000], renewing=True) == 1000
    assert min_preferred([], renewing=True) == 0xFFFFFFFF
    assert min_preferred([]) == 0
