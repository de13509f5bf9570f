"""Differential test of ``early-global-reservations-lookup``: Kea 2.2 and Pukeko answer alike.

See ``diff6_early_script`` for the configuration; each server runs once for the module and
``diff6_suite`` holds the comparison rules.
"""

from __future__ import annotations

from tests.system import diff6_early_script as script
from tests.system.diff6_suite import Suite, module_tests

SUITE = Suite(script.SCRIPT, script.server_config, script.EXPECTED, script.POOLS)

(
    kea,
    pukeko,
    engine,
    test_kea_answers_as_scripted,
    test_pukeko_answers_like_kea,
    test_engine_answers_like_kea,
    test_suite_is_consistent,
) = module_tests(SUITE)
