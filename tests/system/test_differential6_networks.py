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

# exchange -> description of a Pukeko engine bug that makes its answer differ from Kea's
ENGINE_BUGS: dict[str, str] = {
    "network_exhausted_with_pd": (
        "direct-net full (subnets 10 and 11 hold 2 leases each, 12 guarded by 'gold'), a client"
        " without gold sends Solicit then Request with an IA_NA and an IA_PD (no pd-pool in the"
        " network): both fail, and the reply's options come from the subnet the allocation"
        " engine ended on. Kea 2.2: Advertise carries subnet 10's options (dns 2001:db8:1::53,"
        " network sntp 2001:db8::a1), the Reply subnet 11's (global dns 2001:db8::53, sntp"
        " 2001:db8::b1); Pukeko answers subnet 11's in both. The NA-only Solicit just before"
        " (network_exhausted) matches Kea (subnet 11). Kea: allocateUnreservedLeases6 starts"
        " each IA at network->getPreferredSubnet(ctx.subnet_, lease type) (most recent"
        " last-allocated time per type among subnets of the same client-class) and leaves"
        " ctx.subnet_ there on failure (alloc_engine.cc ~1040-1060); the IA_PD pass after the"
        " IA_NA pass changes it. Pukeko: pukeko.server.dhcp6 allocate.py/leasing.py, subnet"
        " kept for options after a failed allocation in a shared network"
    ),
}

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
