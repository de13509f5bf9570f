"""Configuration and script of the option-precedence differential test (issue 5).

The same options are defined at every level with a value naming the level (``a`` pool,
``e`` subnet, ``d`` shared network, ``c`` class, ``f`` global), each level leaving out one more
option, so one reply shows the whole precedence (ARM "DHCPv6 options": pool > subnet > shared
network > class > global). Also: ``always-send`` (set at one level, value from another), the
ORO with unknown and unconfigured codes, a custom option encapsulating a custom space,
vendor options (Cable Labs 4491 with its ORO sub-option, and a custom vendor space),
``csv-format: false`` data, and custom option-defs.
"""

from __future__ import annotations

from ipaddress import IPv6Network
from pathlib import Path
from typing import Any

from tests.support.dhcp6_client import INFORMATION_REQUEST, SOLICIT, IaSpec, duid_of
from tests.system.diff6_script import Session, Step, server_base
from tests.system.diff6_steps import (
    Hops,
    msg,
    na,
    raw,
    sarr,
    send,
    vendor_class,
    vendor_opts,
)

# dns, domain-search, sntp, nis-domain, nisp-domain, my-int, new-posix-timezone
ORO_LEVELS = [23, 24, 31, 29, 30, 65101, 41]
CLASS = raw(65110, b"")
POOL_P1 = raw(65111, b"")
CUSTOM_ENTERPRISE = 32473
SUBNET2: Hops = [("2001:db8:2::1", "fe80::2", [])]

POOLS: list[tuple[str, IPv6Network]] = [
    ("na-p1", IPv6Network("2001:db8:1::100/120")),
    ("na-p2", IPv6Network("2001:db8:1::200/120")),
    ("na-s2", IPv6Network("2001:db8:2::100/120")),
    ("pd-s1", IPv6Network("2001:db8:8::/56")),
]


def _opt(name: str, data: str, **extra: Any) -> dict[str, Any]:
    return {"name": name, "data": data, **extra}


def _level(tag: str, names: list[str]) -> list[dict[str, Any]]:
    """Option-data naming its level: addresses end in the tag's code, names start with it."""
    values = {
        "dns-servers": f"2001:db8::{tag}53",
        "domain-search": f"{tag.lower()}.example.com",
        "sntp-servers": f"2001:db8::{tag}123",
        "nis-domain-name": f"{tag.lower()}.nis.example",
        "nisp-domain-name": f"{tag.lower()}.nisp.example",
    }
    return [_opt(name, values[name]) for name in names]


OPTION_DEFS: list[dict[str, Any]] = [
    {"name": "container", "code": 65100, "type": "empty", "encapsulate": "cspace"},
    {"name": "c-str", "code": 1, "space": "cspace", "type": "string"},
    {"name": "c-addr", "code": 2, "space": "cspace", "type": "ipv6-address"},
    {"name": "my-int", "code": 65101, "type": "uint32"},
    {"name": "my-list", "code": 65102, "type": "ipv6-address", "array": True},
    {"name": "v-str", "code": 5, "space": f"vendor-{CUSTOM_ENTERPRISE}", "type": "string"},
    {"name": "v-int", "code": 6, "space": f"vendor-{CUSTOM_ENTERPRISE}", "type": "uint16"},
]

GLOBAL_OPTIONS: list[dict[str, Any]] = [
    *_level("f", ["dns-servers", "domain-search", "sntp-servers", "nis-domain-name"]),
    _opt("nisp-domain-name", "g.nisp.example"),
    _opt("my-int", "1"),
    _opt("new-posix-timezone", "GLOBAL0", **{"always-send": True}),
    _opt("container", ""),
    _opt("c-str", "global-str", space="cspace"),
    _opt("c-addr", "2001:db8::c1", space="cspace"),
    _opt("tftp-servers", "2001:db8::f1", space="vendor-4491"),
    _opt("config-file", "boot.cfg", space="vendor-4491"),
    _opt("v-str", "hello", space=f"vendor-{CUSTOM_ENTERPRISE}", **{"always-send": True}),
    _opt("v-int", "7", space=f"vendor-{CUSTOM_ENTERPRISE}"),
    {"code": 65103, "csv-format": False, "data": "0A0B0C"},
    {"name": "sip-server-dns", "csv-format": False, "data": "0x03736970076578616d706c6500"},
    {"name": "my-list", "data": "2001:db8::1, 2001:db8::2", "always-send": False},
]


def server_config(workdir: Path, kind: str) -> dict[str, Any]:
    """The Dhcp6 configuration of the option-precedence test."""
    subnet1: dict[str, Any] = {
        "id": 1,
        "subnet": "2001:db8:1::/64",
        "option-data": [
            *_level("e", ["dns-servers", "domain-search"]),
            _opt("sntp-servers", "2001:db8::e123"),
        ],
        "pools": [
            {
                "pool": "2001:db8:1::100 - 2001:db8:1::1ff",
                "client-class": "p1",
                "option-data": _level("a", ["dns-servers"]),
            },
            {"pool": "2001:db8:1::200 - 2001:db8:1::2ff", "client-class": "not-p1"},
        ],
        "pd-pools": [
            {
                "prefix": "2001:db8:8::",
                "prefix-len": 56,
                "delegated-len": 64,
                "option-data": [_opt("domain-search", "pd.example.com")],
            }
        ],
    }
    return {
        "Dhcp6": {
            **server_base(workdir / f"{kind}-leases6.csv"),
            "preferred-lifetime": 3000,
            "valid-lifetime": 4000,
            "option-def": OPTION_DEFS,
            "option-data": GLOBAL_OPTIONS,
            "client-classes": [
                {
                    "name": "cl",
                    "test": "option[65110].exists",
                    "option-data": [
                        *_level("c", ["dns-servers", "domain-search", "sntp-servers"]),
                        *_level("c", ["nis-domain-name", "nisp-domain-name"]),
                        _opt("my-int", "2"),
                        _opt("c-str", "class-str", space="cspace"),
                        _opt("container", ""),
                    ],
                },
                {"name": "p1", "test": "option[65111].exists"},
                {"name": "not-p1", "test": "not member('p1')"},
            ],
            "shared-networks": [
                {
                    "name": "net",
                    "interface": "srv0",
                    "option-data": [
                        *_level("d", ["dns-servers", "domain-search"]),
                        _opt("sntp-servers", "2001:db8::d123", **{"always-send": True}),
                        _opt("nis-domain-name", "d.nis.example"),
                        _opt("c-str", "network-str", space="cspace"),
                    ],
                    "subnet6": [subnet1],
                }
            ],
            "subnet6": [
                {
                    "id": 2,
                    "subnet": "2001:db8:2::/64",
                    "pools": [{"pool": "2001:db8:2::100 - 2001:db8:2::1ff"}],
                }
            ],
            "loggers": [
                {"name": "kea-dhcp6", "output_options": [{"output": "stdout"}], "severity": "INFO"}
            ],
        }
    }


def _solicit(s: Session, index: int, hops: Hops | None = None, **kw: Any) -> list[Step]:
    return [send(s, "solicit", msg(s, SOLICIT, duid_of(index), na(), **kw), hops)]


def _inform(s: Session, index: int, hops: Hops | None = None, **kw: Any) -> list[Step]:
    return [send(s, "info-request", msg(s, INFORMATION_REQUEST, duid_of(index), [], **kw), hops)]


def pool_precedence(s: Session) -> list[Step]:
    """Pool p1 + class cl: dns from the pool, domain from the subnet, nis from the network."""
    return sarr(s, duid_of(1), na(), oro=ORO_LEVELS, extra=[CLASS, POOL_P1])


def subnet_precedence(s: Session) -> list[Step]:
    """Pool p2 (no options) + class cl: dns from the subnet."""
    return sarr(s, duid_of(2), na(), oro=ORO_LEVELS, extra=[CLASS])


def without_class(s: Session) -> list[Step]:
    """No class: nisp-domain-name and my-int fall back to global."""
    return _solicit(s, 3, oro=ORO_LEVELS)


def class_over_global(s: Session) -> list[Step]:
    """Subnet 2 (no options, no network) with class cl: the class values beat the globals."""
    return _solicit(s, 4, SUBNET2, oro=ORO_LEVELS, extra=[CLASS])


def global_only(s: Session) -> list[Step]:
    """Subnet 2 without class: global values only."""
    return _solicit(s, 5, SUBNET2, oro=ORO_LEVELS)


def always_send_without_oro(s: Session) -> list[Step]:
    """No ORO: the global always-send option and the network's always-send sntp (value from
    the subnet, which defines sntp without always-send)."""
    return _solicit(s, 6)


def always_send_other_subnet(s: Session) -> list[Step]:
    """No ORO in subnet 2: the network's always-send does not apply there."""
    return _solicit(s, 7, SUBNET2)


def oro_unknown_and_unconfigured(s: Session) -> list[Step]:
    """ORO with an unknown code, a csv-format false option, custom ones and unconfigured ones."""
    return _inform(s, 8, oro=[999, 65103, 65101, 65102, 22, 21, 40])


def oro_order_and_repeats(s: Session) -> list[Step]:
    """ORO order reversed, with repeated codes."""
    return _inform(s, 9, oro=[41, 31, 24, 23, 24, 31])


def encapsulated_custom_space(s: Session) -> list[Step]:
    """Container 65100 encapsulating cspace: global container and sub-options."""
    return _inform(s, 10, oro=[65100])


def encapsulated_with_class(s: Session) -> list[Step]:
    """Class cl defines its own container and c-str: the class container wins over global."""
    return _inform(s, 11, oro=[65100], extra=[CLASS])


def encapsulated_in_subnet2(s: Session) -> list[Step]:
    """Container requested from subnet 2 (no network): global container."""
    return _inform(s, 12, SUBNET2, oro=[65100])


def vendor_cablelabs_oro(s: Session) -> list[Step]:
    """Vendor-opts 4491 with its ORO sub-option naming 32 and 33: both vendor options."""
    oro = (1, b"\x00\x20\x00\x21")
    return _inform(s, 13, oro=[17], extra=[vendor_opts(4491, oro)])


def vendor_cablelabs_partial_oro(s: Session) -> list[Step]:
    """Vendor-opts 4491 asking for 33 only (Solicit, subnet selected)."""
    return _solicit(s, 14, oro=[17], extra=[vendor_opts(4491, (1, b"\x00\x21"))])


def vendor_custom_by_vendor_class(s: Session) -> list[Step]:
    """Only a vendor class of enterprise 32473: the always-send option of that vendor space."""
    return _inform(s, 15, extra=[vendor_class(CUSTOM_ENTERPRISE, b"box")])


def vendor_custom_with_oro(s: Session) -> list[Step]:
    """Vendor-opts 32473 with an ORO sub-option naming 6: only Cable Labs honours that ORO."""
    return _inform(s, 16, oro=[17], extra=[vendor_opts(CUSTOM_ENTERPRISE, (1, b"\x00\x06"))])


def vendor_unknown_enterprise(s: Session) -> list[Step]:
    """Vendor-opts of an enterprise nobody configured."""
    return _inform(s, 17, oro=[17], extra=[vendor_opts(9, (1, b"\x00\x01"))])


def pd_pool_options(s: Session) -> list[Step]:
    """IA_PD only: the pd-pool's domain-search."""
    return sarr(s, duid_of(18), [IaSpec(2, pd=True)], oro=ORO_LEVELS)


def na_and_pd_pool_options(s: Session) -> list[Step]:
    """IA_NA in pool p1 and IA_PD: pool options of both resources (NA pool first)."""
    ias = [IaSpec(1), IaSpec(2, pd=True)]
    return sarr(s, duid_of(19), ias, oro=ORO_LEVELS, extra=[POOL_P1])


def information_request_levels(s: Session) -> list[Step]:
    """Information-request (no lease, no pool): subnet, network, class, global."""
    return _inform(s, 20, oro=ORO_LEVELS, extra=[CLASS, POOL_P1])


SCRIPT = [
    pool_precedence,
    subnet_precedence,
    without_class,
    class_over_global,
    global_only,
    always_send_without_oro,
    always_send_other_subnet,
    oro_unknown_and_unconfigured,
    oro_order_and_repeats,
    encapsulated_custom_space,
    encapsulated_with_class,
    encapsulated_in_subnet2,
    vendor_cablelabs_oro,
    vendor_cablelabs_partial_oro,
    vendor_custom_by_vendor_class,
    vendor_custom_with_oro,
    vendor_unknown_enterprise,
    pd_pool_options,
    na_and_pd_pool_options,
    information_request_levels,
]

A, R = "ADVERTISE", "REPLY"
EXPECTED: dict[str, list[str | None]] = {
    "pool_precedence": [A, R],
    "subnet_precedence": [A, R],
    "without_class": [A],
    "class_over_global": [A],
    "global_only": [A],
    "always_send_without_oro": [A],
    "always_send_other_subnet": [A],
    "oro_unknown_and_unconfigured": [R],
    "oro_order_and_repeats": [R],
    "encapsulated_custom_space": [R],
    "encapsulated_with_class": [R],
    "encapsulated_in_subnet2": [R],
    "vendor_cablelabs_oro": [R],
    "vendor_cablelabs_partial_oro": [A],
    "vendor_custom_by_vendor_class": [R],
    "vendor_custom_with_oro": [R],
    "vendor_unknown_enterprise": [R],
    "pd_pool_options": [A, R],
    "na_and_pd_pool_options": [A, R],
    "information_request_levels": [R],
}
