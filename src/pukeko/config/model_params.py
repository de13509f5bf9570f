"""Effective network parameters of one level, resolved from the levels above it.

``explicit_params`` picks the inheritable parameters written at a level (turning the deprecated
``reservation-mode`` into the three ``reservations-*`` flags, as Kea 2.2 does), and
``ParamBuilder`` resolves a :class:`NetworkParams` from a list of levels, most specific first,
falling back to Kea's global defaults.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from ipaddress import IPv4Address, IPv6Address

from pukeko.config.checks_base import as_list, as_map, parse_address
from pukeko.config.inherit import effective, inherited_names
from pukeko.config.model import DdnsParams, Lifetime, NetworkParams
from pukeko.config.schema import ROOT_KIND, default

Levels = list[dict[str, object]]

# What the deprecated reservation-mode means in the newer flags (global, in-subnet, out-of-pool).
RESERVATION_MODE_FLAGS: Mapping[str, tuple[bool, bool, bool]] = {
    "disabled": (False, False, False),
    "out-of-pool": (False, True, True),
    "global": (True, False, False),
    "all": (False, True, False),
}
# Keys of the DhcpN map that the model holds in typed fields (everything else goes to extra).


@lru_cache(maxsize=512)
def _global_default(family: int, key: str, fallback: object) -> object:
    try:
        return default(ROOT_KIND[family], key)
    except KeyError:
        return fallback


def explicit_params(level: Mapping[str, object], family: int) -> dict[str, object]:
    """The inheritable parameters written at one level; reservation-mode becomes the flags."""
    out = {k: level[k] for k in inherited_names(family) if k in level}
    mode = level.get("reservation-mode")
    if isinstance(mode, str) and mode in RESERVATION_MODE_FLAGS:
        flags = RESERVATION_MODE_FLAGS[mode]
        for name, flag in zip(
            ("reservations-global", "reservations-in-subnet", "reservations-out-of-pool"),
            flags,
            strict=True,
        ):
            out[name] = flag
    return out


def lifetime(levels: Levels, name: str, fallback: int | None) -> Lifetime | None:
    """Kea's triplet for ``name`` from the levels (parseIntTriplet's completion rules)."""
    value, low, high = (effective(n, *levels) for n in (name, "min-" + name, "max-" + name))
    if value is None and low is None and high is None:
        return None if fallback is None else Lifetime(fallback, fallback, fallback)
    v = value if isinstance(value, int) else None
    lo = low if isinstance(low, int) else None
    hi = high if isinstance(high, int) else None
    base = v if v is not None else (lo if lo is not None else hi)
    assert base is not None
    return Lifetime(base, lo if lo is not None else base, hi if hi is not None else base)


class ParamBuilder:
    """Resolves NetworkParams for a list of levels (most specific first)."""

    def __init__(self, family: int) -> None:
        self.family = family
        # Resolved params by (own parameters, identity of the parent levels): a thousand subnets
        # under one global level with nothing of their own resolve once. The entry holds the
        # parent maps, so no other map can take their ids while the entry exists.
        self._resolved: dict[tuple[object, ...], tuple[NetworkParams, Levels]] = {}

    def _get(self, levels: Levels, name: str, fallback: object) -> object:
        return effective(name, *levels, default=_global_default(self.family, name, fallback))

    def _bool(self, levels: Levels, name: str, fallback: bool) -> bool:
        return self._get(levels, name, fallback) is True

    def _str(self, levels: Levels, name: str, fallback: str = "") -> str:
        value = self._get(levels, name, fallback)
        return value if isinstance(value, str) else fallback

    def _opt_int(self, levels: Levels, name: str) -> int | None:
        value = effective(name, *levels)
        return value if isinstance(value, int) and not isinstance(value, bool) else None

    def _float(self, levels: Levels, name: str, fallback: float) -> float:
        value = self._get(levels, name, fallback)
        return float(value) if isinstance(value, int | float) else fallback

    def build(self, levels: Levels) -> NetworkParams:
        """Effective parameters of the first level of ``levels``."""
        key = _levels_key(levels)
        if key is None:
            return self._build(levels)
        found = self._resolved.get(key)
        if found is None:
            found = self._resolved[key] = (self._build(levels), levels)
        return found[0]

    def _build(self, levels: Levels) -> NetworkParams:
        valid = lifetime(levels, "valid-lifetime", 7200)
        assert valid is not None
        preferred = lifetime(levels, "preferred-lifetime", 3600) if self.family == 6 else None
        threshold = effective("cache-threshold", *levels)
        nxt = self._str(levels, "next-server", "0.0.0.0")
        return NetworkParams(
            valid_lifetime=valid,
            preferred_lifetime=preferred,
            renew_timer=self._opt_int(levels, "renew-timer"),
            rebind_timer=self._opt_int(levels, "rebind-timer"),
            calculate_tee_times=self._bool(levels, "calculate-tee-times", self.family == 6),
            t1_percent=self._float(levels, "t1-percent", 0.5),
            t2_percent=self._float(levels, "t2-percent", 0.8 if self.family == 6 else 0.875),
            rapid_commit=self._bool(levels, "rapid-commit", False),
            interface=self._str(levels, "interface"),
            interface_id=self._str(levels, "interface-id"),
            client_class=self._str(levels, "client-class"),
            relay_addresses=relay_addresses(effective("relay", *levels), self.family),
            reservations_global=self._bool(levels, "reservations-global", False),
            reservations_in_subnet=self._bool(levels, "reservations-in-subnet", True),
            reservations_out_of_pool=self._bool(levels, "reservations-out-of-pool", False),
            store_extended_info=self._bool(levels, "store-extended-info", False),
            cache_threshold=float(threshold) if isinstance(threshold, int | float) else None,
            cache_max_age=self._opt_int(levels, "cache-max-age"),
            ddns=self._ddns(levels),
            match_client_id=self._bool(levels, "match-client-id", True),
            authoritative=self._bool(levels, "authoritative", False),
            next_server=IPv4Address(nxt) if self.family == 4 and nxt else None,
            server_hostname=self._str(levels, "server-hostname"),
            boot_file_name=self._str(levels, "boot-file-name"),
        )

    def _ddns(self, levels: Levels) -> DdnsParams:
        return DdnsParams(
            send_updates=self._bool(levels, "ddns-send-updates", True),
            override_no_update=self._bool(levels, "ddns-override-no-update", False),
            override_client_update=self._bool(levels, "ddns-override-client-update", False),
            replace_client_name=self._str(levels, "ddns-replace-client-name", "never"),
            generated_prefix=self._str(levels, "ddns-generated-prefix", "myhost"),
            qualifying_suffix=self._str(levels, "ddns-qualifying-suffix"),
            update_on_renew=self._bool(levels, "ddns-update-on-renew", False),
            use_conflict_resolution=self._bool(levels, "ddns-use-conflict-resolution", True),
            hostname_char_set=self._str(levels, "hostname-char-set", "[^A-Za-z0-9.-]"),
            hostname_char_replacement=self._str(levels, "hostname-char-replacement"),
        )


def _levels_key(levels: Levels) -> tuple[object, ...] | None:
    """The first level by value (typed: ``True`` is not ``1``), the others by identity."""
    own = tuple((k, type(v), v) for k, v in sorted(levels[0].items()))
    key = (own, *(id(level) for level in levels[1:]))
    try:
        hash(key)
    except TypeError:  # a list or map value (relay): resolve it each time
        return None
    return key


def relay_addresses(relay: object, family: int) -> tuple[IPv4Address | IPv6Address, ...]:
    """The addresses of a ``relay`` map (``ip-addresses`` or the older ``ip-address``)."""
    relay_map = as_map(relay)
    texts = as_list(relay_map.get("ip-addresses"))
    if "ip-address" in relay_map:
        texts = [relay_map["ip-address"]]
    out = []
    for text in texts:
        addr = parse_address(text, family) if isinstance(text, str) else None
        if addr is not None:
            out.append(addr)
    return tuple(out)
