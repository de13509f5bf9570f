"""Differential test of shared networks: Kea 2.2 and Pukeko answer the same script alike.

The configuration (``diff6_networks_script``) has three shared networks selected by interface,
by relay address (network and subnet level ``relay.ip-addresses``) and by interface-id, with
network-level lifetimes, timers, rapid-commit, options and client-class; tiny pools make
allocation move on to the next subnet, and clients come back to leases held in whichever subnet
gave them. Each server runs once for the module; see ``diff6_suite`` for the comparison rules.
"""

from __future__ import annotations

from tests.system import diff6_networks_script as script
from tests.system.diff6_suite import (
    Suite,
    module_tests,
)

# exchange -> description of a Pukeko engine bug that makes its answer differ from Kea's.
# network_exhausted_with_pd was one until the allocator stamped every subnet it walks and chose
# the preferred subnet by Kea's rule (SharedNetwork6::getPreferredSubnet).
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
