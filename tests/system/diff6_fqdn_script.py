"""Configuration and script of the Client FQDN (option 39) differential test (issue 5).

One subnet per DDNS behaviour (all ``ddns-*`` keys are subnet-level in Kea 2.2), selected by the
relay link-address; subnet 1 is the direct link. Every exchange is a Solicit/Request carrying a
Client FQDN option with some flags and a full, partial or empty name. The configuration is
played twice: with ``dhcp-ddns.enable-updates`` true (no D2 runs: Kea still answers, its
name-change requests go nowhere) and false.
"""

from __future__ import annotations

from collections.abc import Callable
from ipaddress import IPv6Network
from pathlib import Path
from typing import Any

from tests.support.dhcp6_client import IaSpec, duid_of
from tests.system.diff6_script import Session, Step, server_base
from tests.system.diff6_steps import Hops, Option, sarr

OPTION_CLIENT_FQDN = 39
S, N = 0x01, 0x04  # RFC 4704 §4.1 flags (O is only set by servers)

POOLS: list[tuple[str, IPv6Network]] = [
    (f"na-{index}", IPv6Network(f"2001:db8:{index}::100/120")) for index in range(1, 8)
]

# subnet index -> its DDNS parameters (besides the pool)
SUBNET_DDNS: dict[int, dict[str, Any]] = {
    1: {"ddns-replace-client-name": "never"},
    2: {
        "ddns-replace-client-name": "always",
        "ddns-generated-prefix": "gen",
        "ddns-qualifying-suffix": "two.example",
    },
    3: {"ddns-replace-client-name": "when-present", "ddns-qualifying-suffix": "three.example"},
    4: {"ddns-replace-client-name": "when-not-present", "ddns-qualifying-suffix": "four.example"},
    5: {"ddns-override-client-update": True, "ddns-override-no-update": True},
    6: {"hostname-char-set": "[^A-Za-z0-9.-]", "hostname-char-replacement": "x"},
    7: {"ddns-send-updates": False},
}


def config_for(enable_updates: bool) -> Callable[[Path, str], dict[str, Any]]:
    """The configuration maker for one ``enable-updates`` setting."""

    def server_config(workdir: Path, kind: str) -> dict[str, Any]:
        subnets = [
            {
                "id": index,
                "subnet": f"2001:db8:{index}::/64",
                **({"interface": "srv0"} if index == 1 else {}),
                "pools": [{"pool": f"2001:db8:{index}::100 - 2001:db8:{index}::1ff"}],
                **params,
            }
            for index, params in SUBNET_DDNS.items()
        ]
        return {
            "Dhcp6": {
                **server_base(workdir / f"{kind}-leases6.csv"),
                "preferred-lifetime": 3000,
                "valid-lifetime": 4000,
                "dhcp-ddns": {"enable-updates": enable_updates},
                "ddns-qualifying-suffix": "example.com",
                "ddns-generated-prefix": "myhost",
                "subnet6": subnets,
                "loggers": [
                    {
                        "name": "kea-dhcp6",
                        "output_options": [{"output": "stdout"}],
                        "severity": "INFO",
                    }
                ],
            }
        }

    return server_config


def client_fqdn(flags: int, name: str | None) -> Option:
    """Option 39: flags, then the name in wire form; a trailing dot makes it fully qualified."""
    if not name:
        return OPTION_CLIENT_FQDN, bytes([flags])
    full = name.endswith(".")
    labels = [label.encode() for label in name.rstrip(".").split(".")]
    wire = b"".join(bytes([len(label)]) + label for label in labels)
    return OPTION_CLIENT_FQDN, bytes([flags]) + wire + (b"\x00" if full else b"")


def _hops(index: int) -> Hops | None:
    return None if index == 1 else [(f"2001:db8:{index}::1", f"fe80::{index}", [])]


# (exchange name, subnet, flags, name or None for no option)
CASES: list[tuple[str, int, int, str | None]] = [
    ("never_full_s", 1, S, "host-a.example.org."),
    ("never_partial_s", 1, S, "host-b"),
    ("never_partial_no_s", 1, 0, "host-c"),
    ("never_n_flag", 1, N, "host-d.example.org."),
    ("never_empty_name", 1, S, ""),
    ("never_no_option", 1, 0, None),
    ("always_full", 2, S, "host-e.example.org."),
    ("always_empty", 2, S, ""),
    ("when_present_partial", 3, S, "host-f"),
    ("when_present_empty", 3, S, ""),
    ("when_not_present_partial", 4, S, "host-g"),
    ("when_not_present_empty", 4, 0, ""),
    ("override_no_update", 5, N, "host-h.example.org."),
    ("override_client_update", 5, 0, "host-i.example.org."),
    ("sanitize_partial", 6, S, "My_Host!x"),
    ("sanitize_full", 6, S, "under_score.ex-ample.org."),
    ("send_updates_off", 7, S, "host-j.example.org."),
    ("uppercase_name", 1, S, "HOST-K.Example.ORG."),
]


def _exchange(index: int, subnet: int, flags: int, name: str | None) -> Callable[..., list[Step]]:
    def play(s: Session) -> list[Step]:
        extra = [] if name is None else [client_fqdn(flags, name)]
        return sarr(s, duid_of(index), [IaSpec(1)], _hops(subnet), extra=extra)

    return play


def _script() -> list[Callable[[Session], list[Step]]]:
    script = []
    for index, (exchange, subnet, flags, name) in enumerate(CASES, start=1):
        play = _exchange(index, subnet, flags, name)
        play.__name__ = exchange
        play.__doc__ = f"Subnet {subnet} ({SUBNET_DDNS[subnet]}), flags {flags:#x}, name {name!r}."
        script.append(play)
    return script


SCRIPT = _script()
EXPECTED: dict[str, list[str | None]] = {name: ["ADVERTISE", "REPLY"] for name, *_ in CASES}
DUID_OF_EXCHANGE = {name: duid_of(index) for index, (name, *_) in enumerate(CASES, start=1)}
