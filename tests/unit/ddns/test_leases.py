"""Requests made from lease rows (Kea queueNCR)."""

from __future__ import annotations

from ipaddress import IPv6Address

from pukeko.ddns.leases import lease6_label, lease6_request
from pukeko.ddns.ncr import ChangeType, dhcid_for_hostname
from pukeko.leases.model import Lease6, LeaseType

DUID = bytes.fromhex("00030001001122334455")


def _lease(**kw: object) -> Lease6:
    base: dict[str, object] = dict(
        address=IPv6Address("2001:db8:1::10"), lease_type=LeaseType.NA, prefix_len=128,
        duid=DUID, iaid=1, subnet_id=1, valid_lifetime=4000, preferred_lifetime=3000,
        cltt=1_700_000_000, fqdn_fwd=True, fqdn_rev=True, hostname="host.example.com.",
    )  # fmt: skip
    base.update(kw)
    return Lease6(**base)  # type: ignore[arg-type]


def test_removal_request_from_a_named_lease() -> None:
    request = lease6_request(ChangeType.REMOVE, _lease(fqdn_rev=False), False)
    assert request is not None
    assert (request.forward_change, request.reverse_change) == (True, False)
    assert request.lease_length == 1333 and request.lease_expires_on == 1_700_001_333
    assert request.dhcid == dhcid_for_hostname(DUID, "host.example.com.")
    assert request.ip_address == "2001:db8:1::10" and not request.use_conflict_resolution
    assert request.label == "duid=[00:03:00:01:00:11:22:33:44:55]"


def test_kea_skips_leases_without_name_flags_duid_or_that_are_prefixes() -> None:
    assert lease6_request(ChangeType.REMOVE, _lease(hostname="")) is None
    assert lease6_request(ChangeType.REMOVE, _lease(fqdn_fwd=False, fqdn_rev=False)) is None
    assert lease6_request(ChangeType.REMOVE, _lease(duid=b"")) is None
    assert lease6_request(ChangeType.REMOVE, _lease(lease_type=LeaseType.PD)) is None


def test_label_with_hardware_address() -> None:
    assert lease6_label(b"\x00\x01", bytes.fromhex("0a0b0c0d0e0f")) == (
        "duid=[00:01], [hwtype=1 0a:0b:0c:0d:0e:0f]"
    )
