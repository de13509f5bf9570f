"""Differential test of option precedence: Kea 2.2 and Pukeko answer the same script alike.

The configuration (``diff6_options_script``) defines the same options at the pool, subnet,
shared-network, class and global levels, ``always-send`` set at one level and the value at
another, a custom option encapsulating a custom space, Cable Labs and custom vendor options,
``csv-format: false`` data, and ORO codes nobody configured. Each server runs once for the
module; see ``diff6_suite`` for the comparison rules.
"""

from __future__ import annotations

from tests.system import diff6_options_script as script
from tests.system.diff6_suite import (
    Suite,
    module_tests,
)

# exchange -> description of a Pukeko engine bug that makes its answer differ from Kea's
ENGINE_BUGS: dict[str, str] = {}

SUITE = Suite(script.SCRIPT, script.server_config, script.EXPECTED, script.POOLS, ENGINE_BUGS)


(
    kea,
    pukeko,
    engine,
    test_kea_answers_as_scripted,
    test_pukeko_answers_like_kea,
    test_engine_answers_like_kea,
    test_suite_is_consistent,
) = module_tests(SUITE)
