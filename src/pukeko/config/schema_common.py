"""Keyword-table building blocks shared by the DHCPv4 and DHCPv6 schemas.

A :class:`Key` row says what one keyword of one object kind accepts. Kinds are named objects
("subnet6", "pool4", "lease-database", ...); a ``map`` key names the kind of its value in
``item`` and a ``list`` key names the kind (or scalar type) of its items in ``item``.

The rows come from Kea 2.2's bison grammars (``dhcp6_parser.yy``, ``dhcp4_parser.yy``: every
keyword accepted in each map context) and defaults from ``simple_parser6.cc`` /
``simple_parser4.cc`` / ``D2ClientConfigParser`` (ARM 9.2 / 8.2 "Configuration").
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace


class _NoDefault(enum.Enum):
    NO_DEFAULT = 0

    def __repr__(self) -> str:
        return "NO_DEFAULT"


NO_DEFAULT = _NoDefault.NO_DEFAULT

# Value types a Key may declare.
TYPES = frozenset({"string", "integer", "boolean", "real", "map", "list", "any"})

UINT8 = (0, 2**8 - 1)
UINT16 = (0, 2**16 - 1)
UINT32 = (0, 2**32 - 1)
INT64 = (-(2**63), 2**63 - 1)


@dataclass(frozen=True)
class Key:
    """One keyword of one object kind: its type, default, range, choices and item kind."""

    name: str
    type: str  # "string" | "integer" | "boolean" | "real" | "map" | "list" | "any"
    default: object = NO_DEFAULT
    minimum: int | None = None
    maximum: int | None = None
    # Allowed string values (for a list: allowed values of its string items).
    choices: tuple[str, ...] = ()
    # Compare ``choices`` ignoring case (Kea accepts "udp" / "UDP" for ncr-protocol).
    ignore_case: bool = False
    # For lists: the object kind or scalar type of the items; for maps: the object kind
    # (None: any JSON map, e.g. user-context).
    item: str | None = None
    # Kea's grammar requires this key in its map ("missing parameter 'subnet'").
    required: bool = False
    # Non-empty: a deprecation note Kea logs when the key is used.
    deprecated: str = ""

    @property
    def has_default(self) -> bool:
        """True when Kea fills this key with a default."""
        return self.default is not NO_DEFAULT


# -- short constructors (keep the tables readable) -------------------------------------------


def s(
    name: str,
    default: object = NO_DEFAULT,
    *,
    choices: tuple[str, ...] = (),
    ignore_case: bool = False,
    required: bool = False,
    deprecated: str = "",
) -> Key:
    """A string key."""
    return Key(
        name,
        "string",
        default,
        choices=choices,
        ignore_case=ignore_case,
        required=required,
        deprecated=deprecated,
    )


def i(
    name: str,
    bounds: tuple[int, int] = INT64,
    default: object = NO_DEFAULT,
    *,
    required: bool = False,
) -> Key:
    """An integer key within ``bounds`` (inclusive)."""
    return Key(name, "integer", default, bounds[0], bounds[1], required=required)


def b(
    name: str, default: object = NO_DEFAULT, *, required: bool = False, deprecated: str = ""
) -> Key:
    """A boolean key."""
    return Key(name, "boolean", default, required=required, deprecated=deprecated)


def r(name: str, default: object = NO_DEFAULT) -> Key:
    """A real (floating point) key; Kea's grammar refuses an integer literal here."""
    return Key(name, "real", default)


def m(name: str, kind: str | None = None) -> Key:
    """A map key whose value is an object of ``kind`` (None: any map)."""
    return Key(name, "map", item=kind)


def lst(name: str, item: str | None = None, *, choices: tuple[str, ...] = ()) -> Key:
    """A list key whose items are objects of kind ``item`` or scalars of that type."""
    return Key(name, "list", item=item, choices=choices)


def table(*groups: Iterable[Key]) -> Mapping[str, Key]:
    """Build one object kind's keyword table from groups of keys (later groups override)."""
    out: dict[str, Key] = {}
    for group in groups:
        for key in group:
            out[key.name] = key
    return out


def without(keys: Iterable[Key], *names: str) -> tuple[Key, ...]:
    """The keys minus those named."""
    return tuple(k for k in keys if k.name not in names)


def no_defaults(keys: Iterable[Key]) -> tuple[Key, ...]:
    """The same keys with their defaults removed (for levels where Kea fills none)."""
    return tuple(replace(k, default=NO_DEFAULT) for k in keys)


# -- groups shared by both families ------------------------------------------------------------

# Every object that Kea lets carry free-form metadata (ARM "Comments and User Context").
META = (m("user-context"), s("comment"))

# Lifetimes and timers (uint32 seconds). Kea 2.2 reads them as 32-bit values.
VALID_LIFETIMES = (
    i("valid-lifetime", UINT32),
    i("min-valid-lifetime", UINT32),
    i("max-valid-lifetime", UINT32),
)
PREFERRED_LIFETIMES = (
    i("preferred-lifetime", UINT32),
    i("min-preferred-lifetime", UINT32),
    i("max-preferred-lifetime", UINT32),
)
TIMERS = (i("renew-timer", UINT32), i("rebind-timer", UINT32))

RESERVATION_MODES = ("all", "out-of-pool", "global", "disabled")
RESERVATION_FLAGS = (
    s(
        "reservation-mode",
        choices=RESERVATION_MODES,
        deprecated="use reservations-global, reservations-in-subnet, reservations-out-of-pool",
    ),
    b("reservations-global"),
    b("reservations-in-subnet"),
    b("reservations-out-of-pool"),
)

# ARM 9.2.4x "Default Values of T1 and T2" / caching ("cache-threshold", "cache-max-age").
TEE_AND_CACHE = (
    b("calculate-tee-times"),
    r("t1-percent"),
    r("t2-percent"),
    r("cache-threshold"),
    i("cache-max-age", UINT32),
)

REPLACE_CLIENT_NAME = ("when-present", "never", "always", "when-not-present")

# Per-network DDNS behaviour (ARM "DDNS for DHCPv6" / "DDNS for DHCPv4").
DDNS = (
    b("ddns-send-updates"),
    b("ddns-override-no-update"),
    b("ddns-override-client-update"),
    s("ddns-replace-client-name", choices=REPLACE_CLIENT_NAME),
    s("ddns-generated-prefix"),
    s("ddns-qualifying-suffix"),
    b("ddns-update-on-renew"),
    b("ddns-use-conflict-resolution"),
    s("hostname-char-set"),
    s("hostname-char-replacement"),
    b("store-extended-info"),
)

CLASS_GUARDS = (s("client-class"), lst("require-client-classes", "string"))

OPTION_DATA_KEYS = (
    s("name"),
    s("data"),
    i("code", INT64),
    s("space"),
    b("csv-format"),
    b("always-send"),
    *META,
)

OPTION_DEF_KEYS = (
    s("name", required=True),
    i("code", INT64, required=True),
    s("type", required=True),
    s("record-types", ""),
    s("space"),
    s("encapsulate", ""),
    b("array", False),
    *META,
)

DATABASE = table(
    (
        s("type", choices=("memfile", "mysql", "postgresql"), required=True),
        s("user"),
        s("password"),
        s("host"),
        i("port", UINT16),
        s("name"),
        b("persist"),
        i("lfc-interval", UINT32),
        b("readonly"),
        i("connect-timeout", UINT32),
        i("max-reconnect-tries", UINT32),
        i("reconnect-wait-time", UINT32),
        s("on-fail", choices=("stop-retry-exit", "serve-retry-exit", "serve-retry-continue")),
        i("max-row-errors", UINT32),
        s("trust-anchor"),
        s("cert-file"),
        s("key-file"),
        s("cipher-list"),
    )
)

# Kea's CfgExpiration defaults (ARM "Lease Reclamation").
EXPIRED_LEASES = table(
    (
        i("reclaim-timer-wait-time", UINT32, 10),
        i("flush-reclaimed-timer-wait-time", UINT32, 25),
        i("hold-reclaimed-time", UINT32, 3600),
        i("max-reclaim-leases", UINT32, 100),
        i("max-reclaim-time", UINT32, 250),
        i("unwarned-reclaim-cycles", UINT32, 5),
    )
)

# ``control-socket`` (Kea 2.2: UNIX only) and each entry of Kea 3's ``control-sockets`` list:
# ``socket-type`` "unix" (``socket-name``) or "http" / "https" (``socket-address``, ``socket-port``,
# ``authentication``, TLS files, ``http-headers``); Kea 3 ARM "Management API", HttpCommandConfig.
# ``pukeko-allow-unauthenticated`` is Pukeko's: it permits an HTTP(S) listener without
# ``authentication`` clients on a non-loopback address (docs/compatibility.md).
CONTROL_SOCKET = table(
    (
        s("socket-type"),
        s("socket-name"),
        s("socket-address"),
        i("socket-port", UINT16),
        m("authentication", "http-authentication"),
        s("trust-anchor"),
        s("cert-file"),
        s("key-file"),
        b("cert-required"),
        lst("http-headers", "http-header"),
        b("pukeko-allow-unauthenticated"),
        *META,
    )
)

# Basic HTTP authentication (Kea ``BasicHttpAuthConfig``: ARM "Control Agent Configuration").
HTTP_AUTHENTICATION = table(
    (s("type"), s("realm"), s("directory"), lst("clients", "http-client"), *META)
)
HTTP_CLIENT = table((s("user"), s("user-file"), s("password"), s("password-file"), *META))
HTTP_HEADER = table((s("name", required=True), s("value", required=True), *META))

# The object kinds of the HTTP control channel, shared by both families.
CONTROL_KINDS: Mapping[str, Mapping[str, Key]] = {
    "http-authentication": HTTP_AUTHENTICATION,
    "http-client": HTTP_CLIENT,
    "http-header": HTTP_HEADER,
}

# D2ClientConfigParser::D2_CLIENT_CONFIG_DEFAULTS (ARM "DDNS for DHCPv6").
DHCP_DDNS = table(
    (
        b("enable-updates", required=True),
        s("server-ip", "127.0.0.1"),
        i("server-port", UINT16, 53001),
        s("sender-ip", ""),
        i("sender-port", UINT16, 0),
        i("max-queue-size", UINT32, 1024),
        s("ncr-protocol", "UDP", choices=("UDP", "TCP"), ignore_case=True),
        s("ncr-format", "JSON", choices=("JSON",), ignore_case=True),
        # Deprecated in 2.0+ (moved to the global ddns-* keywords); still accepted.
        b("override-no-update", deprecated="use ddns-override-no-update"),
        b("override-client-update", deprecated="use ddns-override-client-update"),
        s(
            "replace-client-name",
            choices=REPLACE_CLIENT_NAME,
            deprecated="use ddns-replace-client-name",
        ),
        s("generated-prefix", deprecated="use ddns-generated-prefix"),
        s("qualifying-suffix", deprecated="use ddns-qualifying-suffix"),
        s("hostname-char-set", deprecated="use global hostname-char-set"),
        s("hostname-char-replacement", deprecated="use global hostname-char-replacement"),
        *META,
    )
)

# Global keys both daemons take with the same defaults (Kea's SimpleParser4/6 GLOBAL defaults).
GLOBAL_COMMON = (
    lst("loggers", "logger"),
    b("ddns-send-updates", True),
    b("ddns-override-no-update", False),
    b("ddns-override-client-update", False),
    s("ddns-replace-client-name", "never", choices=REPLACE_CLIENT_NAME),
    s("ddns-generated-prefix", "myhost"),
    s("ddns-qualifying-suffix", ""),
    b("ddns-update-on-renew", False),
    b("ddns-use-conflict-resolution", True),
    s("hostname-char-set", "[^A-Za-z0-9.-]"),
    s("hostname-char-replacement", ""),
    b("store-extended-info", False),
    i("statistic-default-sample-count", UINT32, 20),
    i("statistic-default-sample-age", UINT32, 0),
    m("multi-threading", "multi-threading"),
    b("early-global-reservations-lookup", False),
    b("ip-reservations-unique", True),
    b("reservations-lookup-first", False),
)

SANITY_CHECKS = table(
    (s("lease-checks", "warn", choices=("none", "warn", "fix", "fix-del", "del")),)
)

MULTI_THREADING = table(
    (
        b("enable-multi-threading", False, required=True),
        i("thread-pool-size", UINT32, 0),
        i("packet-queue-size", UINT32, 64),
        *META,
    )
)

COMPATIBILITY = table((b("lenient-option-parsing"),))

HOOKS_LIBRARY = table((s("library", required=True), m("parameters")))

RELAY = table((s("ip-address"), lst("ip-addresses", "string")))

CONFIG_CONTROL = table(
    (lst("config-databases", "config-database"), i("config-fetch-wait-time", UINT32))
)

LOGGER = table(
    (
        s("name"),
        lst("output_options", "output-option"),
        i("debuglevel", (0, 99)),
        s("severity"),
        *META,
    )
)

OUTPUT_OPTION = table(
    (s("output"), b("flush"), i("maxsize", INT64), i("maxver", INT64), s("pattern"))
)


def queue_control(default_queue: str) -> Mapping[str, Key]:
    """``dhcp-queue-control``: known keys; Kea also accepts any other key (queue parameters)."""
    return table(
        (
            b("enable-queue", False, required=True),
            s("queue-type", default_queue),
            i("capacity", UINT32, 64),
            *META,
        )
    )


def interfaces_config(extra: Iterable[Key] = ()) -> Mapping[str, Key]:
    """``interfaces-config`` keys common to both families plus ``extra``."""
    return table(
        (
            lst("interfaces", "string"),
            b("re-detect", True),
            b("service-sockets-require-all"),
            i("service-sockets-retry-wait-time", UINT32),
            i("service-sockets-max-retries", UINT32),
            *META,
        ),
        extra,
    )


def option_def(space: str | None) -> Mapping[str, Key]:
    """``option-def`` entries; ``space`` is the default option space (None: no default)."""
    return table(OPTION_DEF_KEYS, () if space is None else (s("space", space),))
