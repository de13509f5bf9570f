"""The DHCPv6 Client FQDN option codec (RFC 4704 §4), with real byte fixtures."""

from __future__ import annotations

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from pukeko.ddns.fqdn6 import FLAG_N, FLAG_O, FLAG_S, ClientFqdn, decode_client_fqdn
from pukeko.wire.buffer import FormError


def test_partial_name_has_no_root_label() -> None:
    fqdn = decode_client_fqdn(bytes.fromhex("01066d79686f7374"))
    assert fqdn == ClientFqdn(FLAG_S, (b"myhost",), full=False)
    assert fqdn.domain_name == "myhost"
    assert fqdn.to_text() == (
        "type=39(CLIENT_FQDN), flags: (N=0, O=0, S=1), domain-name='myhost' (partial)"
    )
    assert fqdn.encode() == bytes.fromhex("01066d79686f7374")


def test_full_name_ends_with_root_label_and_is_lowercased() -> None:
    payload = b"\x04\x06MyHost\x07example\x03com\x00"
    fqdn = decode_client_fqdn(payload)
    assert (fqdn.n, fqdn.o, fqdn.s, fqdn.full) == (True, False, False, True)
    assert fqdn.domain_name == "myhost.example.com."
    assert fqdn.encode() == payload.lower()
    assert fqdn.tlv() == b"\x00\x27\x00\x15" + payload.lower()


def test_flags_only_means_no_name() -> None:
    fqdn = decode_client_fqdn(b"\x00")
    assert fqdn.labels is None and fqdn.domain_name == ""
    assert fqdn.encode() == b"\x00"


def test_mbz_bits_are_accepted_and_root_only_is_a_full_name() -> None:
    fqdn = decode_client_fqdn(b"\xf9\x00")
    assert fqdn.s and fqdn.full and fqdn.labels == ()
    assert fqdn.domain_name == "."


@pytest.mark.parametrize(
    ("payload", "reason"),
    [
        (b"", "truncated"),
        (b"\x05\x03foo", "both the N and S"),
        (b"\x01\x03foo\xc0\x00", "compression pointer"),
        (b"\x01\x05fo\x00", "fully qualified"),
        (b"\x01\x41abc", "partial"),
    ],
)
def test_malformed_options_raise_form_error(payload: bytes, reason: str) -> None:
    with pytest.raises(FormError, match=reason):
        decode_client_fqdn(payload)


_label = st.binary(min_size=1, max_size=20)


@settings(max_examples=300, deadline=None)
@given(
    flags=st.sampled_from([0, FLAG_S, FLAG_N, FLAG_S | FLAG_O, FLAG_N | FLAG_O]),
    labels=st.lists(_label, min_size=1, max_size=5),
    full=st.booleans(),
)
def test_round_trip(flags: int, labels: list[bytes], full: bool) -> None:
    lowered = tuple(label.lower() for label in labels)
    fqdn = ClientFqdn(flags, lowered, full)
    # A partial name whose last byte is 0 reads as fully qualified (RFC 4704 has no other cue).
    assume(full or not fqdn.wire_domain().endswith(b"\x00"))
    assert decode_client_fqdn(fqdn.encode()) == fqdn


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=80))
def test_any_bytes_decode_or_raise_form_error(payload: bytes) -> None:
    try:
        fqdn = decode_client_fqdn(payload)
    except FormError:
        return
    assert fqdn.flags == payload[0]
    assert not (fqdn.n and fqdn.s)
