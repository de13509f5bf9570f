import pytest

from pukeko.wire.buffer import FormError, Reader, Writer


def test_reads_big_endian_integers_in_order() -> None:
    r = Reader(b"\x01\x02\x03\x04\x05\x06\x07")
    assert (r.get_u8(), r.get_u16(), r.get_u32()) == (1, 0x0203, 0x04050607)
    assert r.remaining() == 0


def test_short_read_raises_form_error_with_offset() -> None:
    r = Reader(b"\x00\x01\x02")
    r.get_u16()
    with pytest.raises(FormError) as info:
        r.get_u16()
    assert info.value.offset == 2


def test_restrict_to_limits_reads_and_requires_full_consumption() -> None:
    r = Reader(b"\x00\x02\xaa\xbb\xcc")
    n = r.get_u16()
    with r.restrict_to(n):
        assert r.get_rest() == b"\xaa\xbb"
    assert r.get_u8() == 0xCC
    r = Reader(b"\x00\x02\xaa\xbb\xcc")
    with pytest.raises(FormError) as info, r.restrict_to(r.get_u16()):
        r.get_u8()
    assert info.value.offset == 3


def test_restrict_beyond_end_is_form_error() -> None:
    r = Reader(b"\x05\x00")
    with pytest.raises(FormError), r.restrict_to(r.get_u8()):
        pass


def test_writer_round_trips_reader() -> None:
    w = Writer()
    w.put_u8(7)
    w.put_u16(513)
    w.put_u32(70000)
    w.put_bytes(b"xy")
    r = Reader(w.getvalue())
    assert (r.get_u8(), r.get_u16(), r.get_u32(), r.get_rest()) == (7, 513, 70000, b"xy")
    assert len(w) == 9
