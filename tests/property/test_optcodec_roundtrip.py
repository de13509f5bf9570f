"""Property tests: for generated definitions and values, text -> payload -> values round-trips."""

from __future__ import annotations

import ipaddress

from hypothesis import given, settings
from hypothesis import strategies as st

from pukeko.wire.buffer import FormError
from pukeko.wire.datatypes import Psid, name_text
from pukeko.wire.definitions import RECORD_FIELD_TYPES, SCALAR_TYPES, OptionDef
from pukeko.wire.optcodec import (
    check_definition,
    decode_option_value,
    encode_option_value,
    format_option_value,
    values_to_text,
)
from pukeko.wire.spaces import OptionSpaces

INNER = (
    OptionDef("a", 1, "uint16", "inner"),
    OptionDef("b", 2, "fqdn", "inner", array=True),
    OptionDef("c", 3, "record", "inner", record_types=("uint8", "string")),
    OptionDef("d", 4, "empty", "inner", encapsulate="custom"),
)
SPACES = {4: OptionSpaces(4).with_defs(INNER), 6: OptionSpaces(6).with_defs(INNER)}
TAIL = ("string", "binary")
ARRAYABLE = sorted(SCALAR_TYPES - {"string", "binary", "empty"})
FIELD_TYPES = sorted(RECORD_FIELD_TYPES - set(TAIL))
# Kea trims these from every CSV token, so generated texts neither start nor end with them.
BLANKS = " \t\n"
# Arrays that Kea accepts empty (see optcodec._EMPTY_ARRAY_OK).
EMPTY_OK = {"ipv4-address", "ipv6-address", "ipv6-prefix", "fqdn", "tuple"}

PROPERTY = settings(max_examples=300, deadline=None)


def _text(min_size: int) -> st.SearchStrategy[str]:
    chars = st.characters(blacklist_characters="\x00", blacklist_categories=["Cs"])
    return st.text(chars, min_size=min_size, max_size=20).filter(
        lambda s: s == s.strip(BLANKS) and len(s) >= min_size
    )


def _prefix() -> st.SearchStrategy[ipaddress.IPv6Network]:
    return st.tuples(st.ip_addresses(v=6), st.integers(0, 128)).map(
        lambda pair: ipaddress.IPv6Network(pair, strict=False)
    )


def _psid() -> st.SearchStrategy[Psid]:
    return st.integers(0, 16).flatmap(
        lambda n: st.builds(Psid, st.integers(0, (1 << n) - 1 if n else 0), st.just(n))
    )


def _fqdn() -> st.SearchStrategy[str]:
    label = st.binary(min_size=1, max_size=20)
    labels = st.lists(label, min_size=1, max_size=6)
    return labels.map(name_text)


def _int(bits: int, signed: bool) -> st.SearchStrategy[int]:
    if signed:
        return st.integers(-(1 << (bits - 1)), (1 << (bits - 1)) - 1)
    return st.integers(0, (1 << bits) - 1)


def value_strategy(kind: str, family: int, *, whole_option: bool) -> st.SearchStrategy[object]:
    """Values of one field; ``whole_option`` marks a non-record string (must not be empty)."""
    table: dict[str, st.SearchStrategy[object]] = {
        "binary": st.binary(max_size=20),
        "boolean": st.booleans(),
        "int8": _int(8, True),
        "int16": _int(16, True),
        "int32": _int(32, True),
        "uint8": _int(8, False),
        "uint16": _int(16, False),
        "uint32": _int(32, False),
        "ipv4-address": st.ip_addresses(v=4),
        "ipv6-address": st.ip_addresses(v=6),
        "ipv6-prefix": _prefix(),
        "psid": _psid(),
        "string": _text(1 if whole_option else 0),
        "tuple": _text(0),
        "fqdn": _fqdn(),
    }
    return table[kind]


@st.composite
def definitions(draw: st.DrawFn) -> tuple[int, OptionDef]:
    family = draw(st.sampled_from([4, 6]))
    shape = draw(st.sampled_from(["scalar", "array", "record"]))
    if shape == "scalar":
        kind = draw(st.sampled_from(sorted(SCALAR_TYPES)))
        defn = OptionDef("opt", 200, kind, "custom")
    elif shape == "array":
        defn = OptionDef("opt", 200, draw(st.sampled_from(ARRAYABLE)), "custom", array=True)
    else:
        head = draw(st.lists(st.sampled_from(FIELD_TYPES), min_size=1, max_size=3))
        array = draw(st.booleans())
        last = draw(st.sampled_from(FIELD_TYPES if array else FIELD_TYPES + list(TAIL)))
        defn = OptionDef("opt", 200, "record", "custom", array=array, record_types=(*head, last))
    if not defn.array and draw(st.booleans()):
        defn = OptionDef(
            defn.name, defn.code, defn.type, defn.space, False, defn.record_types, "inner"
        )
    assert check_definition(defn, family) == []
    return family, defn


@st.composite
def defs_and_values(draw: st.DrawFn) -> tuple[int, OptionDef, tuple[object, ...]]:
    family, defn = draw(definitions())
    if defn.type == "empty":
        return family, defn, ()
    if not defn.is_record:
        strategy = value_strategy(defn.type, family, whole_option=True)
        if not defn.array:
            return family, defn, (draw(strategy),)
        minimum = 0 if defn.type in EMPTY_OK and not (defn.type == "fqdn" and family == 4) else 1
        items = st.lists(strategy, min_size=minimum, max_size=5)
        if defn.type == "tuple" and family == 4:
            items = items.filter(lambda xs: xs not in ([], [""]))  # Kea: at least 2 bytes
        return family, defn, (draw(items),)
    values: list[object] = [
        draw(value_strategy(kind, family, whole_option=False)) for kind in defn.record_types
    ]
    if defn.array:
        strategy = value_strategy(defn.record_types[-1], family, whole_option=False)
        values[-1] = [values[-1], *draw(st.lists(strategy, max_size=4))]
    return family, defn, tuple(values)


@PROPERTY
@given(defs_and_values())
def test_text_encode_decode_round_trip(case: tuple[int, OptionDef, tuple[object, ...]]) -> None:
    family, defn, values = case
    spaces = SPACES[family]
    text = values_to_text(defn, values)
    payload = encode_option_value(defn, text, csv_format=True, spaces=spaces)
    # An encapsulating option decodes one more item: its (here absent) sub-options.
    expected = (*values, ()) if defn.encapsulate else values
    assert decode_option_value(defn, payload, spaces=spaces) == expected


@PROPERTY
@given(defs_and_values())
def test_format_then_parse_gives_the_same_payload(
    case: tuple[int, OptionDef, tuple[object, ...]],
) -> None:
    family, defn, values = case
    spaces = SPACES[family]
    payload = encode_option_value(
        defn, values_to_text(defn, values), csv_format=True, spaces=spaces
    )
    text = format_option_value(defn, payload, spaces=spaces)
    assert encode_option_value(defn, text, csv_format=True, spaces=spaces) == payload
    as_hex = encode_option_value(defn, payload.hex(), csv_format=False, spaces=spaces)
    assert as_hex == payload


@PROPERTY
@given(definitions(), st.binary(max_size=64))
def test_decoding_arbitrary_bytes_raises_only_form_error(
    case: tuple[int, OptionDef], payload: bytes
) -> None:
    family, defn = case
    try:
        text = format_option_value(defn, payload, spaces=SPACES[family])
    except FormError:
        return
    assert isinstance(text, str)
