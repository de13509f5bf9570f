"""Which parameters are inherited global -> shared network -> subnet -> pool, as a table.

Kea resolves a network parameter in two ways (ARM "Shared Networks in DHCPv6", "Parameter
Inheritance"):

* *Derived* parameters (Kea's ``SimpleParser6::INHERIT_TO_SUBNET6`` / ``SimpleParser4::
  INHERIT_TO_SUBNET4``) are copied into the lower level while the configuration is parsed, so
  ``config-get`` shows them in every subnet; the min/max lifetime checks see the copied values.
* *Run-time* parameters stay where they are written; the server looks them up subnet first,
  then the shared network, then the global scope, then the Kea default.

Pools only carry option data and class guards; their option data takes precedence over the
subnet's, which takes precedence over the shared network's and the global option data.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache

GLOBAL = "global"
SHARED = "shared-network"
SUBNET = "subnet"
POOL = "pool"

_NET = (GLOBAL, SHARED, SUBNET)
_LOCAL = (SHARED, SUBNET)
_V4 = frozenset({4})
_V6 = frozenset({6})
_BOTH = frozenset({4, 6})


@dataclass(frozen=True, slots=True)
class Inherited:
    """One inheritable parameter: where it may be written and how it reaches a subnet."""

    name: str
    families: frozenset[int]
    levels: tuple[str, ...]
    derived: bool  # copied down at parse time (INHERIT_TO_SUBNET) rather than looked up


def _row(name: str, families: frozenset[int], levels: tuple[str, ...], derived: bool) -> Inherited:
    return Inherited(name, families, levels, derived)


# Kea 2.2 src/lib/dhcpsrv/parsers/simple_parser6.cc / simple_parser4.cc and network.h.
INHERITED: tuple[Inherited, ...] = (
    # INHERIT_TO_SUBNET6 / INHERIT_TO_SUBNET4 (derived at parse time).
    _row("preferred-lifetime", _V6, _NET, True),
    _row("min-preferred-lifetime", _V6, _NET, True),
    _row("max-preferred-lifetime", _V6, _NET, True),
    _row("valid-lifetime", _BOTH, _NET, True),
    _row("min-valid-lifetime", _BOTH, _NET, True),
    _row("max-valid-lifetime", _BOTH, _NET, True),
    _row("renew-timer", _BOTH, _NET, True),
    _row("rebind-timer", _BOTH, _NET, True),
    _row("relay", _BOTH, _LOCAL, True),
    _row("calculate-tee-times", _BOTH, _NET, True),
    _row("t1-percent", _BOTH, _NET, True),
    _row("t2-percent", _BOTH, _NET, True),
    _row("store-extended-info", _BOTH, _NET, True),
    _row("cache-threshold", _BOTH, _NET, True),
    _row("cache-max-age", _BOTH, _NET, True),
    # Network::getProperty(..., Inheritance::ALL) (looked up at run time).
    _row("interface", _BOTH, _LOCAL, False),
    _row("interface-id", _V6, _LOCAL, False),
    _row("client-class", _BOTH, _LOCAL, False),
    _row("rapid-commit", _V6, _LOCAL, False),
    _row("reservations-global", _BOTH, _NET, False),
    _row("reservations-in-subnet", _BOTH, _NET, False),
    _row("reservations-out-of-pool", _BOTH, _NET, False),
    _row("ddns-send-updates", _BOTH, _NET, False),
    _row("ddns-override-no-update", _BOTH, _NET, False),
    _row("ddns-override-client-update", _BOTH, _NET, False),
    _row("ddns-replace-client-name", _BOTH, _NET, False),
    _row("ddns-generated-prefix", _BOTH, _NET, False),
    _row("ddns-qualifying-suffix", _BOTH, _NET, False),
    _row("ddns-update-on-renew", _BOTH, _NET, False),
    _row("ddns-use-conflict-resolution", _BOTH, _NET, False),
    _row("hostname-char-set", _BOTH, _NET, False),
    _row("hostname-char-replacement", _BOTH, _NET, False),
    _row("match-client-id", _V4, _NET, False),
    _row("authoritative", _V4, _NET, False),
    _row("next-server", _V4, _NET, False),
    _row("server-hostname", _V4, _NET, False),
    _row("boot-file-name", _V4, _NET, False),
)

# Values that mean "not set here" for string parameters Kea keeps as optional strings.
_UNSET_STRINGS = frozenset({"interface", "interface-id", "client-class"})


@lru_cache(maxsize=8)
def inherited_names(family: int, *, derived: bool | None = None) -> tuple[str, ...]:
    """Names of the inheritable parameters of ``family`` (all, or only derived / run-time)."""
    return tuple(
        row.name
        for row in INHERITED
        if family in row.families and (derived is None or row.derived == derived)
    )


def is_set(name: str, level: Mapping[str, object]) -> bool:
    """True when ``level`` gives ``name`` a value (an empty interface/class string does not)."""
    if name not in level:
        return False
    return not (name in _UNSET_STRINGS and level[name] == "")


def effective(name: str, *levels: Mapping[str, object], default: object = None) -> object:
    """The value of ``name`` from the most specific level that sets it (levels: specific first)."""
    for level in levels:
        if is_set(name, level):
            return level[name]
    return default


def derive(
    parent: Mapping[str, object], child: Mapping[str, object], family: int
) -> dict[str, object]:
    """``child`` with the parse-time derived parameters of ``parent`` copied in where missing."""
    out = dict(child)
    for name in inherited_names(family, derived=True):
        if name not in out and name in parent:
            out[name] = parent[name]
    return out


def merged_options(*levels: tuple[object, ...]) -> tuple[object, ...]:
    """Option data from several levels, most specific level first (pool, subnet, network, ...)."""
    out: list[object] = []
    for level in levels:
        out.extend(level)
    return tuple(out)
