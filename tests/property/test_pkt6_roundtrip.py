"""Property tests for the DHCPv6 codec: round trips and 'FormError or success' on any input."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pukeko.wire.buffer import FormError
from pukeko.wire.pkt6 import HOP_COUNT_LIMIT, Pkt6, Relay6, decode6, encode6

codes = st.one_of(st.integers(0, 100), st.integers(0, 0xFFFF))
options = st.lists(st.tuples(codes, st.binary(max_size=24)), max_size=6)
relay_options = st.lists(
    st.tuples(codes.filter(lambda c: c != 9), st.binary(max_size=24)), max_size=4
)
client_types = st.integers(0, 255).filter(lambda t: t not in (12, 13))

client_messages = st.builds(Pkt6, client_types, st.integers(0, 0xFFFFFF), options)


@st.composite
def relay_of(draw: st.DrawFn, inner: st.SearchStrategy[Pkt6 | Relay6]) -> Relay6:
    """One relay hop around ``inner``, option 9 at a random place among its options."""
    opts = draw(relay_options)
    index = draw(st.integers(-1, max(len(opts) - 1, -1)))
    return Relay6(
        draw(st.sampled_from([12, 13])),
        draw(st.integers(0, 255)),
        draw(st.binary(min_size=16, max_size=16)),
        draw(st.binary(min_size=16, max_size=16)),
        draw(inner),
        opts,
        index,
    )


messages = st.recursive(client_messages, relay_of, max_leaves=5)


@settings(max_examples=400, deadline=None)
@given(messages)
def test_decode_of_encode_is_identity(msg: Pkt6 | Relay6) -> None:
    wire = encode6(msg)
    assert decode6(wire) == msg


@settings(max_examples=300, deadline=None)
@given(messages)
def test_encode_of_decode_reproduces_the_bytes(msg: Pkt6 | Relay6) -> None:
    wire = encode6(msg)
    assert encode6(decode6(wire)) == wire


def _check_any_bytes(data: bytes) -> None:
    try:
        lenient = decode6(data, strict=False)
    except FormError as exc:
        assert 0 <= exc.offset <= len(data)
        lenient = None
    try:
        msg = decode6(data)
    except FormError as exc:
        assert 0 <= exc.offset <= len(data)
        return
    assert encode6(msg) == data  # whatever decodes is well formed, so it re-encodes exactly
    assert lenient == msg  # leniency only changes the outcome for malformed input


@settings(max_examples=500, deadline=None)
@given(st.binary(max_size=200))
def test_arbitrary_bytes_decode_or_raise_form_error(data: bytes) -> None:
    _check_any_bytes(data)


@settings(max_examples=500, deadline=None)
@given(messages, st.data())
def test_mutated_packets_decode_or_raise_form_error(
    msg: Pkt6 | Relay6, data: st.DataObject
) -> None:
    wire = bytearray(encode6(msg))
    for _ in range(data.draw(st.integers(1, 4))):
        action = data.draw(st.sampled_from(["flip", "cut", "insert"]))
        pos = data.draw(st.integers(0, len(wire)))
        if action == "flip" and pos < len(wire):
            wire[pos] = data.draw(st.integers(0, 255))
        elif action == "cut":
            del wire[pos:]
        else:
            wire[pos:pos] = data.draw(st.binary(min_size=1, max_size=4))
    _check_any_bytes(bytes(wire))


@settings(max_examples=50, deadline=None)
@given(client_messages, st.integers(1, HOP_COUNT_LIMIT + 3))
def test_deep_relay_chains_accepted_up_to_the_limit(inner: Pkt6, depth: int) -> None:
    wire = encode6(inner)
    for _ in range(depth):
        wire = b"\x0c\x00" + bytes(32) + b"\x00\x09" + len(wire).to_bytes(2, "big") + wire
    if depth <= HOP_COUNT_LIMIT:
        assert encode6(decode6(wire)) == wire
    else:
        with pytest.raises(FormError):
            decode6(wire)
