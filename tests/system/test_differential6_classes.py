"""Differential test of client classification: Kea 2.2 and Pukeko answer the same script alike.

The configuration (``diff6_classes_script``) defines ~25 client classes using most of Kea's
expression language, class option-data, ``only-if-required`` classes required by a shared
network, a subnet and a pool, class-guarded subnets, pools and pd-pools, ``DROP``,
``KNOWN``/``UNKNOWN``, the ``VENDOR_CLASS_`` built-in class and class lifetimes. Each server
runs once for the module; see ``diff6_suite`` for the comparison rules.
"""

from __future__ import annotations

from typing import Any

from tests.system import diff6_classes_script as script
from tests.system.diff6_suite import (
    Run,
    Suite,
    module_tests,
)

# exchange -> description of a Pukeko engine bug that makes its answer differ from Kea's
ENGINE_BUGS: dict[str, str] = {}


def _class_lifetimes_on_renew(steps: list[tuple[str, Any]]) -> list[tuple[str, Any]]:
    """Kea's answers with the Renew Reply's preferred lifetime the class's 3500, not 3000."""
    label, answer = steps[2]
    options = []
    for option in answer["options"]:
        if option[0] == 3:  # IA_NA: the IAADDRs it holds
            ia = dict(option[1])
            ia["options"] = [
                [5, {**sub[1], "preferred": 3500}] if sub[0] == 5 else sub for sub in ia["options"]
            ]
            option = [3, ia]
        options.append(option)
    return [*steps[:2], (label, {**answer, "options": options})]


# exchange -> (why Pukeko differs from Kea 2.2 on purpose, rewrite of Kea's answers)
DIFFERENCES = {
    "long_life_sarr": (
        "Kea 2.2 extends a lease with the subnet's lifetimes, ignoring the class's (extendLease6),"
        " so the class preferred-lifetime 3500 becomes 3000 on Renew; Kea 2.4 uses the class"
        " lifetimes there (getLifetimes6), as Pukeko does (docs/compatibility.md)",
        _class_lifetimes_on_renew,
    ),
}

SUITE = Suite(
    script.SCRIPT, script.server_config, script.EXPECTED, script.POOLS, ENGINE_BUGS, DIFFERENCES
)


(
    kea,
    pukeko,
    engine,
    test_kea_answers_as_scripted,
    test_pukeko_answers_like_kea,
    test_engine_answers_like_kea,
    test_suite_is_consistent,
) = module_tests(SUITE)


def _codes(answer: Any) -> list[int]:
    return [option[0] for option in answer["options"]]


def test_script_reaches_the_classes(kea: Run) -> None:
    """The classes the script aims at do match on Kea (so a comparison checks something)."""
    hits = {
        "lab_without_oro": 31,  # lab (always-send)
        "erouter": 40,  # VENDOR_CLASS_eRouter1.0
        "colour_split_concat": 42,  # colour
        "hexes_match": 27,  # hexes
        "relay_port": 28,  # relay-port
        "vendor_option_class": 34,  # vendor-opt
        "information_request": 32,  # info-req
        "transid_class": 51,  # xid
        "plain_sarr": 22,  # unknown
    }
    for exchange, code in hits.items():
        answer = kea.answers[exchange][0][1]
        assert code in _codes(answer), exchange
