"""Option space registry: the definitions one family knows, by (space, code) and (space, name).

An :class:`OptionSpaces` is immutable. It is built from the standard rows (``std6.STD6_DEFS`` or
``std4.STD4_DEFS``) and grows by :meth:`OptionSpaces.with_defs` with a configuration's
``option-def`` list, which returns a new registry. The rules follow Kea 2.2's ``CfgOptionDef``:

* a code or a name may appear once per space among the configured definitions;
* a configured definition may not reuse the code or name of a standard option of the same
  space ("unable to override definition of option ... in standard option space"), except in
  vendor spaces: Kea keeps its vendor definitions under internal names (``docsis3-v6``, ``4o6``)
  so ``vendor-<n>`` definitions from the configuration are accepted and take precedence;
* "last resort" definitions (DHCPv4 option 43) are used only when nothing else matches and
  never block an ``option-def``.

Vendor spaces ``vendor-<enterprise-number>`` exist on demand (ARM "DHCPv6 Vendor-Specific
Options"). The family fixes the sub-option framing: DHCPv6 2-byte code and length (RFC 8415
§21.1), DHCPv4 1-byte code and length (RFC 2132 §2).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType

from pukeko.wire.definitions import OptionDef
from pukeko.wire.optcodec import check_definition
from pukeko.wire.stdvendor import enterprise_id_of_space, vendor_space_name


@dataclass(frozen=True, slots=True)
class TlvFraming:
    """Sizes of the code and length fields that frame one option of a family."""

    code_size: int
    length_size: int

    @property
    def max_code(self) -> int:
        """Largest option code the framing can carry."""
        return (1 << (8 * self.code_size)) - 1

    @property
    def max_length(self) -> int:
        """Largest payload length the framing can carry."""
        return (1 << (8 * self.length_size)) - 1


FRAMING: Mapping[int, TlvFraming] = MappingProxyType({4: TlvFraming(1, 1), 6: TlvFraming(2, 2)})


class SpaceError(ValueError):
    """Configured option definitions that cannot be added, as (index in the list, message)."""

    def __init__(self, problems: list[tuple[int, str]]) -> None:
        self.problems = tuple(problems)
        super().__init__("; ".join(f"option-def[{index}]: {text}" for index, text in problems))


@dataclass(frozen=True, slots=True)
class _Index:
    """Definitions of one layer (standard, configured or last resort) keyed two ways."""

    by_code: Mapping[tuple[str, int], OptionDef]
    by_name: Mapping[tuple[str, str], OptionDef]

    @staticmethod
    def build(defs: Iterable[OptionDef]) -> _Index:
        by_code: dict[tuple[str, int], OptionDef] = {}
        by_name: dict[tuple[str, str], OptionDef] = {}
        for row in defs:
            by_code.setdefault((row.space, row.code), row)
            by_name.setdefault((row.space, row.name), row)
        return _Index(MappingProxyType(by_code), MappingProxyType(by_name))

    def rows(self) -> tuple[OptionDef, ...]:
        return tuple(self.by_code.values())


class OptionSpaces:
    """Immutable registry of option definitions for one family (4 or 6)."""

    __slots__ = ("_custom", "_last_resort", "_standard", "family")
    family: int
    _custom: _Index
    _last_resort: _Index
    _standard: _Index

    def __init__(
        self,
        family: int,
        standard: Iterable[OptionDef] = (),
        *,
        last_resort: Iterable[OptionDef] = (),
    ) -> None:
        if family not in FRAMING:
            raise ValueError(f"family must be 4 or 6, not {family}")
        self._assign(family, _Index.build(standard), _Index.build(last_resort), _Index.build(()))

    def _assign(self, family: int, standard: _Index, last_resort: _Index, custom: _Index) -> None:
        object.__setattr__(self, "family", family)
        object.__setattr__(self, "_standard", standard)
        object.__setattr__(self, "_last_resort", last_resort)
        object.__setattr__(self, "_custom", custom)

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"OptionSpaces is immutable; cannot set {name!r}")

    @property
    def framing(self) -> TlvFraming:
        """How sub-options are framed in this family."""
        return FRAMING[self.family]

    def by_code(self, space: str, code: int) -> OptionDef | None:
        """The definition of ``code`` in ``space``: configured, then standard, then last resort."""
        key = (space, code)
        for layer in (self._custom, self._standard, self._last_resort):
            found = layer.by_code.get(key)
            if found is not None:
                return found
        return None

    def by_name(self, space: str, name: str) -> OptionDef | None:
        """The definition called ``name`` in ``space``, searched like :meth:`by_code`."""
        key = (space, name)
        for layer in (self._custom, self._standard, self._last_resort):
            found = layer.by_name.get(key)
            if found is not None:
                return found
        return None

    def code_of(self, space: str, name: str) -> int | None:
        """The code of the option called ``name`` in ``space`` (as :meth:`by_name`), or None."""
        found = self.by_name(space, name)
        return None if found is None else found.code

    def is_standard(self, defn: OptionDef) -> bool:
        """True when ``defn`` is one of the standard rows (not configured, not last resort)."""
        return self._standard.by_code.get((defn.space, defn.code)) == defn

    def defs_in(self, space: str) -> tuple[OptionDef, ...]:
        """Every definition visible in ``space``, ordered by code."""
        codes = {
            code for layer in self._layers() for (name, code) in layer.by_code if name == space
        }
        found = (self.by_code(space, code) for code in sorted(codes))
        return tuple(row for row in found if row is not None)

    def space_names(self) -> frozenset[str]:
        """Names of the spaces that hold at least one definition."""
        return frozenset(space for layer in self._layers() for (space, _code) in layer.by_code)

    def knows_space(self, space: str) -> bool:
        """True for a space with definitions and for any ``vendor-<n>`` space."""
        return space in self.space_names() or enterprise_id_of_space(space) is not None

    def custom_defs(self) -> tuple[OptionDef, ...]:
        """The configured (``option-def``) rows, in the order they were added."""
        return self._custom.rows()

    @staticmethod
    def vendor_space(enterprise_id: int) -> str:
        """The space name of an enterprise number: ``vendor-<id>``."""
        return vendor_space_name(enterprise_id)

    @staticmethod
    def vendor_of(space: str) -> int | None:
        """The enterprise number of a ``vendor-<id>`` space, else None."""
        return enterprise_id_of_space(space)

    def with_defs(self, extra: Iterable[OptionDef]) -> OptionSpaces:
        """A new registry with configured definitions added; SpaceError lists every problem."""
        rows = tuple(extra)
        accepted: list[OptionDef] = list(self._custom.rows())
        problems: list[tuple[int, str]] = []
        for index, row in enumerate(rows):
            found = check_definition(row, self.family) + self._clashes(row, accepted)
            problems.extend((index, text) for text in found)
            if not found:
                accepted.append(row)
        if problems:
            raise SpaceError(problems)
        clone = object.__new__(OptionSpaces)
        clone._assign(self.family, self._standard, self._last_resort, _Index.build(accepted))
        return clone

    def _clashes(self, row: OptionDef, accepted: list[OptionDef]) -> list[str]:
        space = row.space
        out = []
        if any(d.space == space and d.code == row.code for d in accepted):
            out.append(
                f"option definition with code '{row.code}' already exists in option space '{space}'"
            )
        if any(d.space == space and d.name == row.name for d in accepted):
            out.append(
                f"option definition with name '{row.name}' already exists in option space '{space}'"
            )
        if enterprise_id_of_space(space) is not None:
            return out
        if (space, row.code) in self._standard.by_code:
            out.append(
                f"unable to override definition of option '{row.code}' in standard "
                f"option space '{space}'"
            )
        if (space, row.name) in self._standard.by_name:
            out.append(
                f"unable to override definition of option '{row.name}' in standard "
                f"option space '{space}'"
            )
        return out

    def _layers(self) -> tuple[_Index, ...]:
        return (self._custom, self._standard, self._last_resort)
