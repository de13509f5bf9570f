"""Property tests for the DHCPv4 codec: round trips, RFC 3396 semantics, and no crash on junk."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pukeko.wire.agent4 import decode_agent4, encode_agent4
from pukeko.wire.buffer import FormError
from pukeko.wire.opts4 import build_options
from pukeko.wire.pkt4 import MAGIC_COOKIE, Pkt4, decode4, encode4

SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])

u8 = st.integers(0, 0xFF)
u16 = st.integers(0, 0xFFFF)
u32 = st.integers(0, 0xFFFFFFFF)
# Data option codes except 52 (overload changes where options live; tested separately).
codes = st.integers(1, 254).filter(lambda code: code != 52)
option_lists = st.lists(st.tuples(codes, st.binary(max_size=300)), max_size=12)


def _header() -> st.SearchStrategy[dict[str, object]]:
    return st.fixed_dictionaries(
        {
            "op": u8,
            "htype": u8,
            "hlen": u8,
            "hops": u8,
            "xid": u32,
            "secs": u16,
            "flags": u16,
            "ciaddr": u32,
            "yiaddr": u32,
            "siaddr": u32,
            "giaddr": u32,
            "chaddr": st.binary(min_size=16, max_size=16),
            "sname": st.binary(min_size=64, max_size=64),
            "file": st.binary(min_size=128, max_size=128),
        }
    )


def _expected(options: list[tuple[int, bytes]], code: int) -> bytes | None:
    """RFC 3396: the concatenation of every instance's payload, in order."""
    found = [payload for found_code, payload in options if found_code == code]
    return b"".join(found) if found else None


@SETTINGS
@given(
    header=_header(),
    options=option_lists,
    pad=st.integers(0, 80),
    trailer=st.binary(max_size=20),
)
def test_generated_packets_round_trip(
    header: dict[str, object], options: list[tuple[int, bytes]], pad: int, trailer: bytes
) -> None:
    area = build_options(options, min_length=pad) + trailer
    pkt = Pkt4(options=area, **header)  # type: ignore[arg-type]
    wire = encode4(pkt)
    decoded = decode4(wire)
    assert decoded == pkt
    assert encode4(decoded) == wire
    assert decoded.has_end
    for code in {code for code, _ in options} | {1, 53, 82}:
        assert decoded.get(code) == _expected(options, code)
    # every wire TLV is at most 255 bytes; joined per code they give back the payloads
    assert all(len(payload) <= 255 for _, payload in decoded.tlvs())


@SETTINGS
@given(
    header=_header(),
    options=option_lists,
    file_options=option_lists,
    sname_options=option_lists,
    value=st.sampled_from([1, 2, 3]),
)
def test_overloaded_packets_round_trip(
    header: dict[str, object],
    options: list[tuple[int, bytes]],
    file_options: list[tuple[int, bytes]],
    sname_options: list[tuple[int, bytes]],
    value: int,
) -> None:
    file_area = build_options(file_options)
    sname_area = build_options(sname_options)
    if len(file_area) > 128 or len(sname_area) > 64:
        return
    header = dict(header, file=file_area, sname=sname_area)
    pkt = Pkt4(options=build_options([(52, bytes([value])), *options]), **header)  # type: ignore[arg-type]
    wire = encode4(pkt)
    decoded = decode4(wire)
    assert decoded == pkt and encode4(decoded) == wire
    assert decoded.overload == value
    together = list(options)
    if value & 1:
        together += file_options
    if value & 2:
        together += sname_options
    for code in {code for code, _ in together}:
        assert decoded.get(code) == _expected(together, code)


@SETTINGS
@given(
    head=st.binary(min_size=236, max_size=236),
    cookie=st.booleans(),
    tail=st.binary(max_size=400),
    strict=st.booleans(),
)
def test_arbitrary_bytes_decode_or_raise_form_error(
    head: bytes, cookie: bool, tail: bytes, strict: bool
) -> None:
    data = head + (MAGIC_COOKIE if cookie else b"") + tail
    try:
        pkt = decode4(data, strict=strict)
    except FormError as exc:
        assert 0 <= exc.offset <= len(data)
        return
    assert encode4(pkt) == data
    for code, _ in pkt.tlvs():
        assert pkt.get(code) is not None
    assert pkt.message_type is None or 0 <= pkt.message_type <= 255


@SETTINGS
@given(st.binary(max_size=300))
def test_truncated_prefixes_decode_or_raise_form_error(data: bytes) -> None:
    try:
        pkt = decode4(data)
    except FormError:
        return
    assert encode4(pkt) == data


@SETTINGS
@given(st.lists(st.tuples(u8, st.binary(max_size=255)), max_size=10))
def test_agent_suboptions_round_trip(subs: list[tuple[int, bytes]]) -> None:
    payload = encode_agent4(subs)
    assert decode_agent4(payload).suboptions == tuple(subs)


@SETTINGS
@given(st.binary(max_size=300), st.booleans())
def test_agent_arbitrary_bytes(payload: bytes, strict: bool) -> None:
    try:
        info = decode_agent4(payload, strict=strict)
    except FormError as exc:
        assert 0 <= exc.offset < len(payload)
        return
    if strict:
        assert info.encode() == payload
