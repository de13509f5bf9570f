from dataclasses import replace
from ipaddress import IPv4Address, IPv6Address

import pytest

from pukeko.config.load import load_config
from pukeko.leases.model import ChangeKind, Lease4, Lease6, LeaseType
from pukeko.leases.sanity import check_leases

CONFIG6 = """{"Dhcp6": {"sanity-checks": {"lease-checks": "%s"}, "subnet6": [
  {"id": 1, "subnet": "2001:db8:1::/64"}, {"id": 2, "subnet": "2001:db8:2::/64"}]}}"""
CONFIG4 = """{"Dhcp4": {"sanity-checks": {"lease-checks": "%s"}, "subnet4": [
  {"id": 7, "subnet": "192.0.2.0/24"}]}}"""

GOOD = Lease6(IPv6Address("2001:db8:1::5"), LeaseType.NA, 128, b"\x01", 1, 1, 4000, 3000, 0)
WRONG_ID = replace(GOOD, address=IPv6Address("2001:db8:2::5"))  # belongs to subnet 2
NOWHERE = replace(GOOD, address=IPv6Address("2001:db8:9::5"))
PREFIX = replace(NOWHERE, lease_type=LeaseType.PD, prefix_len=64)


def run(mode: str) -> tuple[list[tuple[ChangeKind, int]], list[str]]:
    config = load_config(CONFIG6 % mode, family=6).config
    result = check_leases([GOOD, WRONG_ID, NOWHERE, PREFIX], config)
    changes = [(c.kind, c.lease.subnet_id) for c in result.changes]
    return changes, [e.message_id for e in result.log]


@pytest.mark.parametrize(
    ("mode", "changes", "messages"),
    [
        ("none", [], []),
        ("warn", [], ["DHCPSRV_LEASE_SANITY_FAIL"] * 2),
        (
            "fix",
            [(ChangeKind.UPDATE, 2)],
            ["DHCPSRV_LEASE_SANITY_FIXED", "DHCPSRV_LEASE_SANITY_FAIL"],
        ),
        (
            "fix-del",
            [(ChangeKind.UPDATE, 2), (ChangeKind.DELETE, 1)],
            ["DHCPSRV_LEASE_SANITY_FIXED", "DHCPSRV_LEASE_SANITY_FAIL_DISCARD"],
        ),
        (
            "del",
            [(ChangeKind.DELETE, 1), (ChangeKind.DELETE, 1)],
            ["DHCPSRV_LEASE_SANITY_FAIL_DISCARD"] * 2,
        ),
    ],
)
def test_lease_checks_follow_kea(mode: str, changes: list[object], messages: list[str]) -> None:
    assert run(mode) == (changes, messages)


def test_messages_use_kea_wording() -> None:
    config = load_config(CONFIG6 % "fix", family=6).config
    fixed, failed = check_leases([WRONG_ID, NOWHERE], config).log
    assert fixed.text == (
        "The lease 2001:db8:2::5 with subnet-id 1 failed subnet-id checks, "
        "but was corrected to subnet-id 2."
    )
    assert failed.text == (
        "The lease 2001:db8:9::5 with subnet-id 1 failed subnet-id checks "
        "(the lease IP address did not belong to a configured subnet)."
    )


def test_default_is_warn_and_v4_leases_are_checked() -> None:
    config = load_config('{"Dhcp4": {"subnet4": [{"id": 7, "subnet": "192.0.2.0/24"}]}}', family=4)
    lease = Lease4(IPv4Address("192.0.2.9"), b"\xaa" * 6, b"", 3, 4000, 0)
    result = check_leases([lease], config.config)
    assert [e.message_id for e in result.log] == ["DHCPSRV_LEASE_SANITY_FAIL"]
    config = load_config(CONFIG4 % "fix", family=4).config
    (change,) = check_leases([lease], config).changes
    assert change.lease.subnet_id == 7
