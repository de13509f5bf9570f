"""Option space registry: lookups, configured definitions, Kea's override rules, framing."""

from __future__ import annotations

import pytest

from pukeko.wire.definitions import OptionDef
from pukeko.wire.spaces import FRAMING, OptionSpaces, SpaceError

STANDARD = (
    OptionDef("dns-servers", 23, "ipv6-address", "dhcp6", array=True),
    OptionDef("preference", 7, "uint8", "dhcp6"),
    OptionDef("s46-br", 90, "ipv6-address", "s46-cont-mape-options"),
    OptionDef("tftp-servers", 32, "ipv6-address", "vendor-4491", array=True),
)
LAST_RESORT = (
    OptionDef(
        "vendor-encapsulated-options",
        43,
        "empty",
        "dhcp4",
        encapsulate="vendor-encapsulated-options-space",
    ),
)


@pytest.fixture
def spaces() -> OptionSpaces:
    return OptionSpaces(6, STANDARD)


def test_lookups_by_code_and_name(spaces: OptionSpaces) -> None:
    assert spaces.by_code("dhcp6", 23) is STANDARD[0]
    assert spaces.by_name("dhcp6", "preference") is STANDARD[1]
    assert spaces.by_code("s46-cont-mape-options", 90) is STANDARD[2]
    assert spaces.by_code("dhcp6", 90) is None
    assert spaces.by_name("s46-cont-mape-options", "dns-servers") is None


def test_code_of_resolves_a_name_in_its_space(spaces: OptionSpaces) -> None:
    assert spaces.code_of("dhcp6", "dns-servers") == 23
    assert spaces.code_of("s46-cont-mape-options", "s46-br") == 90
    assert spaces.code_of("dhcp6", "s46-br") is None  # names are per space
    assert spaces.code_of("dhcp6", "no-such-option") is None
    grown = spaces.with_defs([OptionDef("my-opt", 1000, "uint8", "dhcp6")])
    assert grown.code_of("dhcp6", "my-opt") == 1000
    assert spaces.code_of("dhcp6", "my-opt") is None  # the original registry is unchanged


def test_code_of_sees_configured_then_standard_then_last_resort() -> None:
    v4 = OptionSpaces(4, (), last_resort=LAST_RESORT)
    assert v4.code_of("dhcp4", "vendor-encapsulated-options") == 43
    vendor = OptionSpaces(6, STANDARD).with_defs(
        [OptionDef("tftp-servers", 40, "uint16", "vendor-4491")]
    )
    assert vendor.code_of("vendor-4491", "tftp-servers") == 40  # configured shadows standard


def test_with_defs_returns_a_new_registry(spaces: OptionSpaces) -> None:
    foo = OptionDef("foo", 1000, "uint32", "dhcp6")
    grown = spaces.with_defs([foo])
    assert grown.by_code("dhcp6", 1000) is foo
    assert grown.by_name("dhcp6", "foo") is foo
    assert spaces.by_code("dhcp6", 1000) is None  # the original is unchanged
    assert grown.custom_defs() == (foo,)
    assert grown.by_code("dhcp6", 23) is STANDARD[0]
    assert grown.is_standard(STANDARD[0]) and not grown.is_standard(foo)


def test_with_defs_accumulates(spaces: OptionSpaces) -> None:
    first = spaces.with_defs([OptionDef("a", 1001, "uint8", "dhcp6")])
    second = first.with_defs([OptionDef("b", 1002, "uint8", "dhcp6")])
    assert {d.name for d in second.custom_defs()} == {"a", "b"}
    with pytest.raises(SpaceError, match="code '1001' already exists"):
        second.with_defs([OptionDef("c", 1001, "uint8", "dhcp6")])


def test_duplicate_code_and_name_in_one_space(spaces: OptionSpaces) -> None:
    rows = [
        OptionDef("foo", 1000, "uint8", "dhcp6"),
        OptionDef("bar", 1000, "uint8", "dhcp6"),
        OptionDef("foo", 1001, "uint8", "dhcp6"),
        OptionDef("foo", 1000, "uint8", "other"),  # another space: fine
    ]
    with pytest.raises(SpaceError) as info:
        spaces.with_defs(rows)
    assert info.value.problems == (
        (1, "option definition with code '1000' already exists in option space 'dhcp6'"),
        (2, "option definition with name 'foo' already exists in option space 'dhcp6'"),
    )


def test_standard_option_cannot_be_redefined(spaces: OptionSpaces) -> None:
    with pytest.raises(SpaceError) as info:
        spaces.with_defs(
            [
                OptionDef("mine", 23, "uint8", "dhcp6"),
                OptionDef("dns-servers", 1000, "uint8", "dhcp6"),
                OptionDef("x", 90, "uint8", "s46-cont-mape-options"),
            ]
        )
    assert info.value.problems == (
        (0, "unable to override definition of option '23' in standard option space 'dhcp6'"),
        (
            1,
            "unable to override definition of option 'dns-servers' in standard option space "
            "'dhcp6'",
        ),
        (
            2,
            "unable to override definition of option '90' in standard option space "
            "'s46-cont-mape-options'",
        ),
    )


def test_vendor_space_definitions_may_shadow_standard_ones(spaces: OptionSpaces) -> None:
    mine = OptionDef("my-servers", 32, "uint16", "vendor-4491")
    grown = spaces.with_defs([mine])
    assert grown.by_code("vendor-4491", 32) is mine
    assert grown.by_name("vendor-4491", "tftp-servers") is STANDARD[3]


def test_invalid_definitions_are_reported_with_their_index(spaces: OptionSpaces) -> None:
    with pytest.raises(SpaceError) as info:
        spaces.with_defs(
            [OptionDef("ok", 1000, "uint8", "dhcp6"), OptionDef("bad", 1001, "bogus", "dhcp6")]
        )
    assert info.value.problems == ((1, "option type 'bogus' not supported"),)
    assert "option-def[1]" in str(info.value)


def test_family_rules_apply() -> None:
    v4 = OptionSpaces(4)
    with pytest.raises(SpaceError, match="must not be greater than '255'"):
        v4.with_defs([OptionDef("big", 300, "uint8", "dhcp4")])
    with pytest.raises(SpaceError, match="reserved for END"):
        v4.with_defs([OptionDef("end", 255, "uint8", "dhcp4")])
    assert v4.with_defs([OptionDef("sub", 255, "uint8", "custom")]).by_code("custom", 255)


def test_last_resort_is_used_only_when_nothing_else_matches() -> None:
    v4 = OptionSpaces(4, (), last_resort=LAST_RESORT)
    assert v4.by_code("dhcp4", 43) is LAST_RESORT[0]
    mine = OptionDef("my-43", 43, "binary", "dhcp4")
    grown = v4.with_defs([mine])  # Kea accepts an option-def for 43
    assert grown.by_code("dhcp4", 43) is mine
    assert grown.by_name("dhcp4", "vendor-encapsulated-options") is LAST_RESORT[0]


def test_vendor_spaces_exist_on_demand(spaces: OptionSpaces) -> None:
    assert spaces.knows_space("vendor-12345")
    assert spaces.knows_space("dhcp6")
    assert not spaces.knows_space("nowhere")
    assert not spaces.knows_space("vendor-0")
    assert spaces.by_code("vendor-12345", 1) is None
    assert OptionSpaces.vendor_space(4491) == "vendor-4491"
    assert OptionSpaces.vendor_of("vendor-2495") == 2495
    assert OptionSpaces.vendor_of("dhcp6") is None


def test_defs_in_and_space_names(spaces: OptionSpaces) -> None:
    grown = spaces.with_defs([OptionDef("foo", 1, "uint8", "custom")])
    assert [d.code for d in grown.defs_in("dhcp6")] == [7, 23]
    assert grown.defs_in("custom")[0].name == "foo"
    assert "custom" in grown.space_names()
    assert grown.defs_in("none") == ()


def test_framing_per_family() -> None:
    assert OptionSpaces(6).framing == FRAMING[6]
    assert (FRAMING[6].code_size, FRAMING[6].max_code, FRAMING[6].max_length) == (2, 65535, 65535)
    assert (FRAMING[4].length_size, FRAMING[4].max_code, FRAMING[4].max_length) == (1, 255, 255)
    with pytest.raises(ValueError, match="family must be 4 or 6"):
        OptionSpaces(5)


def test_real_tables_build_without_clashes() -> None:
    std6 = pytest.importorskip("pukeko.wire.std6")
    std4 = pytest.importorskip("pukeko.wire.std4")
    v6 = OptionSpaces(6, std6.STD6_DEFS)
    v4 = OptionSpaces(4, std4.STD4_DEFS, last_resort=std4.LAST_RESORT4_DEFS)
    assert v6.by_name("dhcp6", "dns-servers") is not None
    assert v4.by_name("dhcp4", "routers") is not None
    with pytest.raises(SpaceError, match="standard option space 'dhcp6'"):
        v6.with_defs([OptionDef("dns-servers", 1000, "uint8", "dhcp6")])
    # Kea 2.2: option-def for codes it leaves open (e.g. 43, 224) is accepted.
    assert v4.with_defs([OptionDef("site", 224, "string", "dhcp4")]).by_code("dhcp4", 224)


def test_registry_is_immutable(spaces: OptionSpaces) -> None:
    with pytest.raises(AttributeError, match="immutable"):
        spaces.family = 4
