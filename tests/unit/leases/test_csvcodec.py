"""Kea 2.2 lease CSV rows <-> leases, with the rows of Kea's own unit tests as fixtures."""

from __future__ import annotations

import json
from dataclasses import replace
from ipaddress import IPv4Address, IPv6Address

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pukeko.leases.csvcodec import (
    CODEC4,
    CODEC6,
    HEADER4,
    HEADER6,
    HeaderError,
    RowError,
    SchemaState,
    TooManyRowErrors,
    WriteError,
    decode_hex,
    escape,
    lease4_from_fields,
    lease4_to_line,
    lease6_from_fields,
    lease6_to_line,
    read_header,
    read_leases,
    unescape,
)
from pukeko.leases.model import Lease4, Lease6, LeaseState, LeaseType

DUID0 = "00:01:02:03:04:05:06:0a:0b:0c:0d:0e:0f"

# csv_lease_file6_unittest.cc, parse(): six rows, two of them malformed.
KEA_FILE6 = (
    f"{HEADER6}\n"
    f"2001:db8:1::1,{DUID0},200,200,8,100,0,7,0,1,1,host.example.com,,1,,1,0\n"
    "2001:db8:1::1,,200,200,8,100,0,7,0,1,1,host.example.com,,1,,1,0\n"
    "2001:db8:2::10,01:01:01:01:0a:01:02:03:04:05,300,300,6,150,0,8,0,0,0,,,1,,1,0\n"
    f'3000:1::,{DUID0},0,200,8,0,2,16,64,0,0,,,1,{{ "foobar": true }},,1,0\n'
    "2001:db8:1::2,00,200,200,8,100,0,7,0,1,1,host.example.com,,0,,1,0\n"
    "2001:db8:1::3,00,200,200,8,100,0,7,0,1,1,host.example.com,,1,,1,0\n"
)

# csv_lease_file6_unittest.cc, downGrade(): a header from schema 1.0 and rows of later schemas.
KEA_FILE6_V1 = (
    "address,duid,valid_lifetime,expire,subnet_id,pref_lifetime,"
    "lease_type,iaid,prefix_len,fqdn_fwd,fqdn_rev,hostname\n"
    "2001:db8:1::1,00:01:02:03:04:05:06:0a:0b:0c:0d:0e:01,200,200,8,100,0,7,0,1,1,one.example.com\n"
    "2001:db8:1::2,00:01:02:03:04:05:06:0a:0b:0c:0d:0e:02,"
    "200,200,8,100,0,7,0,1,1,two.example.com,01:02:03:04:05\n"
    "2001:db8:1::3,00:01:02:03:04:05:06:0a:0b:0c:0d:0e:03,"
    "200,200,8,100,0,7,0,1,1,three.example.com,0a:0b:0c:0d:0e,1\n"
    "2001:db8:1::4,00:01:02:03:04:05:06:0a:0b:0c:0d:0e:03,"
    '200,200,8,100,0,7,0,1,1,three.example.com,0a:0b:0c:0d:0e,1,{ "foobar": true }\n'
)

# csv_lease_file4_unittest.cc, parse().
KEA_FILE4 = (
    f"{HEADER4}\n"
    "192.0.2.1,06:07:08:09:0a:bc,,200,200,8,1,1,host.example.com,0,\n"
    "192.0.2.2,,,200,200,8,1,1,host.example.com,0,\n"
    '192.0.2.3,dd:de:ba:0d:1b:2e:3e:4f,0a:00:01:04,100,100,7,0,0,,1,{ "foobar": true }\n'
    "192.0.2.4,,11:22:33:44:55:66,200,200,8,1,1,host.example.com,0,\n"
    "192.0.2.5,,,200,200,8,1,1,,1,\n"
)


def _read(text: str, codec=CODEC6, max_errors: int = 0):  # type: ignore[no-untyped-def]
    leases: dict[int, Lease6 | Lease4] = {}
    errors: list[tuple[int, str]] = []
    stats = read_leases(
        text.splitlines(keepends=True),
        codec,
        leases,
        max_errors,
        lambda n, m: errors.append((n, m)),
    )
    return leases, stats, errors


def test_kea_v6_fixture_reads_like_kea() -> None:
    leases, stats, errors = _read(KEA_FILE6)
    assert [n for n, _ in errors] == [2, 5]
    assert "Empty DUID is only valid for declined" in errors[1][1]
    assert (stats.reads, stats.leases, stats.errors) == (6, 4, 2)
    first = leases[int(IPv6Address("2001:db8:1::1"))]
    assert isinstance(first, Lease6)
    assert first.duid == bytes.fromhex(DUID0.replace(":", ""))
    assert (first.valid_lifetime, first.cltt, first.subnet_id) == (200, 0, 8)
    assert (first.preferred_lifetime, first.iaid, first.prefix_len) == (100, 7, 0)
    assert (first.fqdn_fwd, first.fqdn_rev, first.hostname) == (True, True, "host.example.com")
    assert first.state is LeaseState.DECLINED and first.hwaddr == b""
    # The PD row has valid lifetime 0: as the first row for its address it is not stored.
    assert int(IPv6Address("3000:1::")) not in leases
    declined = leases[int(IPv6Address("2001:db8:1::3"))]
    assert declined.duid == b"\x00" and declined.state is LeaseState.DECLINED


def test_kea_v6_write_fixture_matches_kea_bytes() -> None:
    # csv_lease_file6_unittest.cc, recreate(): the exact lines Kea writes.
    duid = bytes.fromhex(DUID0.replace(":", ""))
    lease = Lease6(
        IPv6Address("2001:db8:1::1"), LeaseType.NA, 128, duid, 7, 8, 200, 100, 0,
        True, True, "host.example.com",
    )  # fmt: skip
    assert lease6_to_line(lease) == (
        f"2001:db8:1::1,{DUID0},200,200,8,100,0,7,128,1,1,host.example.com,,0,,,\n"
    )
    pd = Lease6(
        IPv6Address("3000:1:1::"), LeaseType.PD, 64, duid, 7, 10, 300, 150, 0,
        user_context='{ "foobar": true }',
    )  # fmt: skip
    assert lease6_to_line(pd) == (
        f'3000:1:1::,{DUID0},300,300,10,150,2,7,64,0,0,,,0,{{ "foobar": true }},,\n'
    )
    declined = Lease6(
        IPv6Address("2001:db8:2::10"), LeaseType.NA, 128, b"\x00", 8, 6, 300, 150, 0,
        state=LeaseState.DECLINED,
    )  # fmt: skip
    assert lease6_to_line(declined) == "2001:db8:2::10,00,300,300,6,150,0,8,128,0,0,,,1,,,\n"
    with pytest.raises(WriteError):
        lease6_to_line(Lease6(IPv6Address("2001:db8:2::10"), LeaseType.NA, 128, b"", 8, 6, 1, 1, 0))


def test_old_v6_schema_is_upgraded_with_defaults() -> None:
    leases, stats, errors = _read(KEA_FILE6_V1)
    assert errors == [] and stats.schema is SchemaState.NEEDS_UPGRADE and stats.needs_conversion
    one, two, three, four = (leases[int(IPv6Address(f"2001:db8:1::{i}"))] for i in range(1, 5))
    assert one.hwaddr == b"" and one.state is LeaseState.DEFAULT and one.prefix_len == 0
    assert two.hwaddr == bytes.fromhex("0102030405") and two.hwtype == 1
    assert two.hwaddr_source == 0 and two.state is LeaseState.DEFAULT
    assert three.state is LeaseState.DECLINED and three.user_context == ""
    assert four.user_context == '{ "foobar": true }'


def test_newer_schema_columns_are_ignored() -> None:
    text = (
        f"{HEADER6},FUTURE_COLUMN\n"
        "2001:db8:1::3,00:01:02:03:04:05:06:0a:0b:0c:0d:0e:03,200,200,8,100,0,7,0,1,1,"
        'three.example.com,0a:0b:0c:0d:0e,1,{ "foobar": true },1,0,FUTURE_VALUE\n'
    )
    leases, stats, errors = _read(text)
    assert errors == [] and stats.schema is SchemaState.NEEDS_DOWNGRADE
    assert leases[int(IPv6Address("2001:db8:1::3"))].hwaddr == bytes.fromhex("0a0b0c0d0e")


@pytest.mark.parametrize(
    "header",
    [
        # Too few columns (csv_lease_file6_unittest.cc tooFewHeaderColumns).
        "address,duid,valid_lifetime,expire,subnet_id,pref_lifetime,"
        "lease_type,iaid,prefix_len,fqdn_fwd,fqdn_rev",
        # An invalid column name (invalidHeaderColumn).
        "address,BOGUS,valid_lifetime,expire,subnet_id,pref_lifetime,"
        "lease_type,iaid,prefix_len,fqdn_fwd,fqdn_rev,hostname,hwaddr,state,user_context",
    ],
)
def test_bad_headers_make_the_file_unreadable(header: str) -> None:
    with pytest.raises(HeaderError):
        _read(header + "\n")


def test_rows_with_wrong_column_counts_are_errors() -> None:
    text = f"{HEADER6}\n2001:db8:1::1,{DUID0},200,200,8,100,0,7,0,1,1,h,,0\n"
    _, _, errors = _read(text)
    assert len(errors) == 1 and "columns" in errors[0][1]
    old = read_header(",".join(HEADER6.split(",")[:12]), CODEC6.columns)
    with pytest.raises(RowError):
        old.fit(["x"] * 11)  # fewer than the file's own valid columns


def test_duplicate_rows_later_wins_and_lifetime_zero_deletes() -> None:
    text = (
        f"{HEADER4}\n"
        "192.0.2.1,06:07:08:09:0a:bc,,200,200,8,1,1,first,0,\n"
        "192.0.2.2,06:07:08:09:0a:bd,,200,200,8,1,1,other,0,\n"
        "\n"
        "192.0.2.1,06:07:08:09:0a:bc,,300,400,8,1,1,second,0,\n"
        "192.0.2.2,06:07:08:09:0a:bd,,0,200,8,1,1,other,0,\n"
    )
    leases, stats, errors = _read(text, CODEC4)
    assert errors == [] and stats.reads == 4
    assert list(leases) == [int(IPv4Address("192.0.2.1"))]
    kept = leases[int(IPv4Address("192.0.2.1"))]
    assert (kept.hostname, kept.valid_lifetime, kept.cltt) == ("second", 300, 100)


def test_max_row_errors_aborts_only_past_the_limit() -> None:
    text = f"{HEADER4}\nbad\nbad\n192.0.2.5,,,200,200,8,1,1,,1,\n"
    leases, stats, _ = _read(text, CODEC4, max_errors=2)
    assert stats.errors == 2 and len(leases) == 1
    with pytest.raises(TooManyRowErrors):
        _read(text + "bad\n", CODEC4, max_errors=2)
    _, unlimited, _ = _read(text + "bad\n" * 5, CODEC4, max_errors=0)
    assert unlimited.errors == 7


def test_kea_v4_fixture_reads_like_kea() -> None:
    leases, stats, errors = _read(KEA_FILE4, CODEC4)
    assert [n for n, _ in errors] == [2]  # no hwaddr, no client-id, not declined
    assert stats.leases == 4
    third = leases[int(IPv4Address("192.0.2.3"))]
    assert isinstance(third, Lease4)
    assert third.client_id == bytes.fromhex("0a000104") and third.state is LeaseState.DECLINED
    assert third.user_context == '{ "foobar": true }' and third.hostname == ""
    assert leases[int(IPv4Address("192.0.2.5"))].state is LeaseState.DECLINED


def test_kea_v4_write_fixture_matches_kea_bytes() -> None:
    # csv_lease_file4_unittest.cc, recreate().
    first = Lease4(
        IPv4Address("192.0.3.2"), bytes.fromhex("000102030405"), b"", 8, 200, 0,
        True, True, "host.example.com", LeaseState.EXPIRED_RECLAIMED,
    )  # fmt: skip
    second = Lease4(
        IPv4Address("192.0.3.10"), bytes.fromhex("0d0e0a0d0b0e0e0f"), bytes.fromhex("01020304"),
        7, 100, 0, user_context='{ "foobar": true }',
    )  # fmt: skip
    assert lease4_to_line(first) == (
        "192.0.3.2,00:01:02:03:04:05,,200,200,8,1,1,host.example.com,2,\n"
    )
    assert lease4_to_line(second) == (
        '192.0.3.10,0d:0e:0a:0d:0b:0e:0e:0f,01:02:03:04,100,100,7,0,0,,0,{ "foobar": true }\n'
    )
    with pytest.raises(WriteError):
        lease4_to_line(Lease4(IPv4Address("192.0.3.3"), b"", b"", 1, 1, 0))


def test_escaping_matches_kea() -> None:
    # csv_lease_file6_unittest.cc embeddedCommas / embeddedEscapes.
    assert escape("host,example,com") == "host&#x2cexample&#x2ccom"
    assert escape("host&#xexample&#x2ccom") == "host&#x26#xexample&#x26#x2ccom"
    assert unescape("host&#x26#xexample&#x26#x2ccom") == "host&#xexample&#x2ccom"
    assert unescape("a&#xzzb") == "a&#xzzb"  # not two hex digits: kept as is
    assert unescape("a&#x2C") == "a,"
    assert unescape("ab&#x") == "ab\x00"  # Kea's quirk for a tag at the very end
    assert unescape("&#xe9") == "\udce9"  # a raw byte, kept through surrogateescape


def test_embedded_commas_round_trip_through_a_row() -> None:
    context = '{ "bar": true, "foo": false, "x": "fac&#x2ctor" }'
    lease = Lease6(
        IPv6Address("2001:db8:1::1"), LeaseType.NA, 128, b"\x00\x01", 7, 8, 0xFFFFFFFF, 100, 5,
        True, True, "host,example,com", user_context=context,
    )  # fmt: skip
    line = lease6_to_line(lease)
    assert line.count(",") == 16
    assert lease6_from_fields(line.rstrip("\n").split(",")) == lease


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("0a:1:ff", b"\x0a\x01\xff"),
        ("0a 01", b"\x0a\x01"),
        ("0x0a01", b"\x0a\x01"),
        ("abc", b"\x0a\xbc"),
        ("", b""),
    ],
)
def test_hex_text_forms(text: str, expected: bytes) -> None:
    assert decode_hex(text) == expected


@pytest.mark.parametrize("text", ["0a::01", "0ab:01", "zz", "0a:0g"])
def test_bad_hex_text(text: str) -> None:
    with pytest.raises(RowError):
        decode_hex(text)


@pytest.mark.parametrize(
    ("column", "value"),
    [
        (0, "not-an-address"),
        (0, "fe80::1%eth0"),
        (2, "-1"),
        (2, "4294967296"),
        (2, " 200"),
        (6, "3"),
        (9, "2"),
        (13, "7"),
        (14, "[1, 2]"),
        (14, "{bad json"),
    ],
)
def test_bad_v6_values_are_row_errors(column: int, value: str) -> None:
    fields = f"2001:db8:1::1,{DUID0},200,200,8,100,0,7,128,0,0,,,0,,,".split(",")
    fields[column] = value
    with pytest.raises(RowError):
        lease6_from_fields(fields)


def test_bad_v6_hardware_address_is_dropped_not_fatal() -> None:
    fields = f"2001:db8:1::1,{DUID0},200,200,8,100,0,7,128,0,0,,zz:1,0,,1,0".split(",")
    assert lease6_from_fields(fields).hwaddr == b""


_text = st.text(alphabet=st.sampled_from("ab,&#x2c;é0"), max_size=20)
_leases6 = st.builds(
    Lease6,
    address=st.integers(0, 2**128 - 1).map(IPv6Address),
    lease_type=st.sampled_from([LeaseType.NA, LeaseType.TA, LeaseType.PD]),
    prefix_len=st.integers(0, 128),
    duid=st.binary(min_size=2, max_size=128),
    iaid=st.integers(0, 2**32 - 1),
    subnet_id=st.integers(0, 2**32 - 1),
    valid_lifetime=st.integers(0, 2**32 - 1),
    preferred_lifetime=st.integers(0, 2**32 - 1),
    cltt=st.integers(0, 2**40),
    fqdn_fwd=st.booleans(),
    fqdn_rev=st.booleans(),
    hostname=_text,
    hwaddr=st.binary(max_size=20),
    hwtype=st.integers(0, 0xFFFF),
    hwaddr_source=st.integers(0, 2**32 - 1),
    state=st.sampled_from(list(LeaseState)),
    user_context=st.one_of(st.just(""), _text.map(lambda t: json.dumps({"k": t}))),
)


@settings(max_examples=300, deadline=None)
@given(_leases6)
def test_v6_rows_round_trip(lease: Lease6) -> None:
    if not lease.hwaddr:  # without a hardware address its type and source are not stored
        lease = replace(lease, hwtype=1, hwaddr_source=0)
    assert lease6_from_fields(lease6_to_line(lease).rstrip("\n").split(",")) == lease


@settings(max_examples=300, deadline=None)
@given(
    st.builds(
        Lease4,
        address=st.integers(0, 2**32 - 1).map(IPv4Address),
        hwaddr=st.binary(min_size=1, max_size=20),
        client_id=st.one_of(st.just(b""), st.binary(min_size=2, max_size=128)),
        subnet_id=st.integers(0, 2**32 - 1),
        valid_lifetime=st.integers(0, 2**32 - 1),
        cltt=st.integers(0, 2**40),
        fqdn_fwd=st.booleans(),
        fqdn_rev=st.booleans(),
        hostname=_text,
        state=st.sampled_from(list(LeaseState)),
    )
)
def test_v4_rows_round_trip(lease: Lease4) -> None:
    assert lease4_from_fields(lease4_to_line(lease).rstrip("\n").split(",")) == lease
