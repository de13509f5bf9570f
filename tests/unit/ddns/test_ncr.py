"""NameChangeRequest: DHCID (RFC 4701), TTL, Kea's JSON and text forms."""

from __future__ import annotations

import base64

import pytest

from pukeko.ddns.names import InvalidName, parse_text_name, wire_name
from pukeko.ddns.ncr import (
    ChangeType,
    NameChangeRequest,
    ddns_ttl,
    dhcid,
    dhcid_for_hostname,
    dhcid_from_duid,
    time_text,
)


def _wire(text: str) -> bytes:
    return wire_name(parse_text_name(text))


def test_rfc4701_3_5_1_duid_example() -> None:
    duid = bytes.fromhex("000100064 12df1660102030405 06".replace(" ", ""))
    got = dhcid_from_duid(duid, _wire("chi6.example.com"))
    assert base64.b64encode(got).decode() == "AAIBY2/AuCccgoJbsaxcQc9TUapptP69lOjxfNuVAA2kjEA="


def test_rfc4701_3_5_2_client_id_example() -> None:
    got = dhcid(1, bytes.fromhex("010708090a0b0c"), _wire("chi.example.com"))
    assert base64.b64encode(got).decode() == "AAEBOSD+XR3Os/0LozeXVqcNc7FwCfQdWL3b/NaiUDlW2No="


def test_rfc4701_3_5_3_hwaddr_example() -> None:
    got = dhcid(0, bytes.fromhex("01010203040506"), _wire("client.example.com"))
    assert base64.b64encode(got).decode() == "AAABxLmlskllE0MVjd57zHcWmEH3pCQ6VytcKD//7es/deY="


def test_hostname_dhcid_is_case_insensitive_and_needs_data() -> None:
    duid = bytes.fromhex("000100064 12df1660102030405 06".replace(" ", ""))
    assert dhcid_for_hostname(duid, "CHI6.example.com.") == dhcid_from_duid(
        duid, _wire("chi6.example.com")
    )
    with pytest.raises(ValueError, match="empty FQDN"):
        dhcid_from_duid(duid, b"")
    with pytest.raises(ValueError, match="empty DUID"):
        dhcid_from_duid(b"", b"\x00")


@pytest.mark.parametrize(
    ("valid", "ttl"),
    [(100, 600), (1799, 600), (1800, 600), (1803, 601), (4000, 1333), (0xFFFFFFFF, 1431655765)],
)
def test_ddns_ttl(valid: int, ttl: int) -> None:
    assert ddns_ttl(valid) == ttl


def test_time_text() -> None:
    assert time_text(0) == "19700101000000"
    assert time_text(1_700_001_333) == "20231114223533"


def _request(**kw: object) -> NameChangeRequest:
    args: dict[str, object] = dict(
        change_type=ChangeType.ADD, forward=True, reverse=False, fqdn="Host.Example.com",
        ip_address="2001:db8:1::10", dhcid_bytes=bytes.fromhex("0002010a0b"),
        lease_expires_on=0, lease_length=1333, use_conflict_resolution=True,
    )  # fmt: skip
    args.update(kw)
    return NameChangeRequest.build(**args)  # type: ignore[arg-type]


def test_json_is_kea_d2_format_byte_for_byte() -> None:
    assert _request().to_json() == (
        '{"change-type":0,"forward-change":true,"reverse-change":false,'
        '"fqdn":"Host.Example.com.","ip-address":"2001:db8:1::10","dhcid":"0002010A0B",'
        '"lease-expires-on":"19700101000000","lease-length":1333,'
        '"use-conflict-resolution":true}'
    )
    removal = _request(
        change_type=ChangeType.REMOVE,
        reverse=True,
        lease_expires_on=1_700_001_333,
        use_conflict_resolution=False,
    )
    assert '"change-type":1' in removal.to_json()
    assert '"lease-expires-on":"20231114223533"' in removal.to_json()
    assert removal.to_json().endswith('"use-conflict-resolution":false}')


def test_text_is_kea_to_text() -> None:
    assert _request().to_text() == (
        "Type: 0 (CHG_ADD)\nForward Change: yes\nReverse Change: no\n"
        "FQDN: [Host.Example.com.]\nIP Address: [2001:db8:1::10]\nDHCID: [0002010A0B]\n"
        "Lease Expires On: 19700101000000\nLease Length: 1333\nConflict Resolution: yes\n"
    )


def test_requests_kea_refuses() -> None:
    with pytest.raises(ValueError, match="both false"):
        _request(forward=False)
    with pytest.raises(InvalidName):
        _request(fqdn="")
    with pytest.raises(ValueError, match="DHCID"):
        _request(dhcid_bytes=b"")


def test_label_is_not_part_of_equality() -> None:
    assert _request(label="a") == _request(label="b")
