"""Reply option assembly: configured options by precedence, the ORO, always-send, vendor, RSOO.

Kea 2.2 (buildCfgOptionList, appendRequestedOptions, appendRequestedVendorOptions,
processRSOO) looks an option up in an ordered list of configuration levels and takes the first
level that defines it:

    host reservation > pool(s) of the assigned leases > subnet > shared network > classes > global

An :class:`OptionLevel` is one level compiled once per configuration; :class:`OptionSet` is an
ordered chain of levels merged into a single first-wins table, cached per subnet for the common
case (no pool, class or host options), built on the fly otherwise. Host and class levels slot in
by passing them to :func:`chain` in their place.

The options the reply gets: every code of the ORO (RFC 8415 §21.7) plus every ``always-send``
code, each once, skipping codes the reply already carries. On the wire Kea orders a message's
options by code (its option container is a multimap keyed by code), which :func:`sorted_tlvs`
reproduces.
"""

from __future__ import annotations

import struct
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from operator import itemgetter

from pukeko.config.model import OptionData
from pukeko.wire.buffer import FormError
from pukeko.wire.ia6 import decode_oro
from pukeko.wire.pkt6 import OPTION_VENDOR_CLASS, OPTION_VENDOR_OPTS, parse_options, tlv
from pukeko.wire.spaces import OptionSpaces

DHCP6_SPACE = "dhcp6"
VENDOR_SPACE_PREFIX = "vendor-"
VENDOR_ID_CABLE_LABS = 4491
DOCSIS3_V6_ORO = 1  # sub-option 1 of vendor 4491: the DOCSIS option request
OPTION_RSOO = 66  # RFC 6422 Relay-Supplied Options option
OPTION_ERP_LOCAL_DOMAIN_NAME = 65  # RSOO-enabled by default in Kea (CfgRSOO)
_U32 = struct.Struct("!I")
_code = itemgetter(0)  # sort key of (code, TLV) pairs


@dataclass(frozen=True, slots=True)
class OptionLevel:
    """One configuration level: first TLV per code, always-send codes, vendor sub-options."""

    tlvs: dict[int, bytes] = field(default_factory=dict)
    persistent: tuple[int, ...] = ()
    vendor: dict[int, dict[int, bytes]] = field(default_factory=dict)  # vendor id -> code -> TLV
    vendor_persistent: dict[int, tuple[int, ...]] = field(default_factory=dict)

    @classmethod
    def compile(
        cls, options: Iterable[OptionData], spaces: OptionSpaces | None = None
    ) -> OptionLevel:
        """Compile one ``option-data`` list (first entry wins for a repeated code, as Kea).

        With ``spaces``, an option whose definition encapsulates an option space carries the
        options this same list configures in that space (Kea CfgOption::encapsulate).
        """
        options = tuple(options)
        nested = _Encapsulation(options, spaces) if spaces is not None else None
        tlvs: dict[int, bytes] = {}
        persistent: list[int] = []
        vendor: dict[int, dict[int, bytes]] = {}
        vendor_persistent: dict[int, list[int]] = {}
        for opt in options:
            if opt.space == DHCP6_SPACE:
                if opt.code not in tlvs:
                    payload = nested.payload(opt) if nested is not None else opt.payload
                    tlvs[opt.code] = tlv(opt.code, payload)
                if opt.always_send:
                    persistent.append(opt.code)
            elif opt.space.startswith(VENDOR_SPACE_PREFIX):
                vendor_id = _vendor_id(opt.space)
                if vendor_id is None:
                    continue
                found = vendor.setdefault(vendor_id, {})
                if opt.code not in found:
                    payload = nested.payload(opt) if nested is not None else opt.payload
                    found[opt.code] = tlv(opt.code, payload)
                if opt.always_send:
                    vendor_persistent.setdefault(vendor_id, []).append(opt.code)
        return cls(
            tlvs,
            tuple(persistent),
            vendor,
            {k: tuple(v) for k, v in vendor_persistent.items()},
        )

    @property
    def empty(self) -> bool:
        """True when the level defines no option at all."""
        return not self.tlvs and not self.vendor


EMPTY_LEVEL = OptionLevel()
TOP_LEVEL_SPACES = frozenset({"dhcp4", "dhcp6"})


class _Encapsulation:
    """Sub-options of one ``option-data`` list, by the space they belong to.

    Kea adds to an option every option of the same list in the space its definition
    encapsulates (if the option has no sub-option of that code yet), recursively; options
    encapsulating a top-level space are left alone (Kea's guard against endless recursion;
    Pukeko also skips the top-level case, see docs/compatibility.md). Sub-options are packed
    in code order, as Kea's option container packs them.
    """

    __slots__ = ("by_space", "spaces")

    def __init__(self, options: Sequence[OptionData], spaces: OptionSpaces) -> None:
        self.spaces = spaces
        self.by_space: dict[str, dict[int, OptionData]] = {}
        for opt in options:
            if opt.space != DHCP6_SPACE:
                self.by_space.setdefault(opt.space, {}).setdefault(opt.code, opt)

    def payload(self, opt: OptionData, depth: int = 0) -> bytes:
        """The option's data followed by the sub-options it encapsulates."""
        definition = self.spaces.by_code(opt.space, opt.code)
        inner = definition.encapsulate if definition is not None else ""
        if not inner or inner in TOP_LEVEL_SPACES or depth > MAX_ENCAPSULATION_DEPTH:
            return opt.payload
        subs = self.by_space.get(inner)
        if not subs:
            return opt.payload
        parts = [tlv(code, self.payload(sub, depth + 1)) for code, sub in sorted(subs.items())]
        return opt.payload + b"".join(parts)


MAX_ENCAPSULATION_DEPTH = 8  # a space encapsulating itself stops here instead of looping


def _vendor_id(space: str) -> int | None:
    digits = space[len(VENDOR_SPACE_PREFIX) :]
    return int(digits) if digits.isdigit() else None


Tlvs = list[tuple[int, bytes]]
ANSWER_CACHE_LIMIT = 256  # distinct (ORO, codes already in the reply) answers kept per set


@dataclass(frozen=True, slots=True)
class OptionSet:
    """Levels merged first-wins: what a reply may draw from, in precedence order.

    ``answers`` remembers :meth:`requested` results (least recently used dropped first): a
    subnet's set lives as long as its configuration and clients send few distinct ORO options.
    """

    tlvs: dict[int, bytes]
    persistent: tuple[int, ...]
    levels: tuple[OptionLevel, ...]
    answers: dict[tuple[bytes | None, tuple[int, ...]], tuple[tuple[int, bytes], ...]] = field(
        default_factory=dict, compare=False, repr=False
    )

    def requested(self, oro: bytes | None, out: Tlvs) -> tuple[tuple[int, bytes], ...]:
        """What :func:`append_requested` adds to ``out`` for the ORO payload ``oro`` (cached)."""
        key = (oro, tuple([code for code, _ in out]))
        answers = self.answers
        found = answers.pop(key, None)
        if found is None:
            added: Tlvs = []
            append_requested({code for code, _ in out}, self, oro_codes(oro), added)
            found = tuple(added)
            if len(answers) >= ANSWER_CACHE_LIMIT:
                del answers[next(iter(answers))]  # the least recently used
        answers[key] = found
        return found

    def vendor_tlv(self, vendor_id: int, code: int) -> bytes | None:
        """The vendor sub-option ``code`` of the first level defining it."""
        for level in self.levels:
            found = level.vendor.get(vendor_id)
            if found is not None and code in found:
                return found[code]
        return None

    def vendor_persistent(self, vendor_id: int) -> list[int]:
        """Always-send vendor sub-option codes, level by level."""
        codes: list[int] = []
        for level in self.levels:
            codes.extend(level.vendor_persistent.get(vendor_id, ()))
        return codes


def chain(levels: Sequence[OptionLevel]) -> OptionSet:
    """Merge levels given from highest to lowest precedence (empty ones are skipped)."""
    used = tuple(level for level in levels if not level.empty)
    tlvs: dict[int, bytes] = {}
    persistent: list[int] = []
    for level in used:
        for code, value in level.tlvs.items():
            tlvs.setdefault(code, value)
        persistent.extend(level.persistent)
    return OptionSet(tlvs, tuple(persistent), used)


@lru_cache(maxsize=1024)
def oro_codes(oro: bytes | None) -> tuple[int, ...]:
    """:func:`requested_codes` as a tuple, remembered per ORO payload."""
    return tuple(requested_codes(oro))


def requested_codes(oro: bytes | None) -> list[int]:
    """Codes of an ORO payload (an odd-length ORO is read up to its last whole code)."""
    if not oro:
        return []
    try:
        return decode_oro(oro[: len(oro) & ~1])
    except FormError:
        return []


def append_requested(
    present: set[int], options: OptionSet, oro: Sequence[int], out: list[tuple[int, bytes]]
) -> None:
    """Add the TLV of each ORO or always-send code the reply does not carry yet."""
    tlvs = options.tlvs
    for code in (*oro, *options.persistent):
        if code not in present:
            value = tlvs.get(code)
            if value is not None:
                out.append((code, value))
                present.add(code)


def append_vendor(
    query_options: Sequence[tuple[int, bytes]],
    options: OptionSet,
    out: list[tuple[int, bytes]],
) -> None:
    """Kea's appendRequestedVendorOptions: option 17 for the client's vendor, if any applies."""
    vendor_id, vendor_req = _client_vendor(query_options)
    if vendor_id == 0:
        return
    index = next((i for i, (c, _) in enumerate(out) if c == OPTION_VENDOR_OPTS), -1)
    present_subs: set[int] = set()
    if index >= 0:
        present_vendor = _u32(out[index][1][4:])
        if present_vendor:
            vendor_id = present_vendor
        present_subs = {c for c, _ in _sub_options(out[index][1][8:])}
    requested: list[int] = []
    if vendor_id == VENDOR_ID_CABLE_LABS and vendor_req is not None:
        for code, value in vendor_req:
            if code == DOCSIS3_V6_ORO:
                requested = requested_codes(value)
                break
    requested.extend(options.vendor_persistent(vendor_id))
    added: list[tuple[int, bytes]] = []
    for code in requested:
        if code in present_subs:
            continue
        found = options.vendor_tlv(vendor_id, code)
        if found is not None:
            added.append((code, found))
            present_subs.add(code)
    if not added:
        return
    added.sort(key=lambda item: item[0])
    if index >= 0:
        old = out[index][1]
        out[index] = (OPTION_VENDOR_OPTS, tlv(OPTION_VENDOR_OPTS, old[4:] + _join(added)))
        return
    out.append((OPTION_VENDOR_OPTS, tlv(OPTION_VENDOR_OPTS, _U32.pack(vendor_id) + _join(added))))


def _client_vendor(
    query_options: Sequence[tuple[int, bytes]],
) -> tuple[int, list[tuple[int, bytes]] | None]:
    """Vendor id from the client's option 17 (with its sub-options) or else option 16."""
    for code, value in query_options:
        if code == OPTION_VENDOR_OPTS and len(value) >= 4:
            return _u32(value), _sub_options(value[4:])
    for code, value in query_options:
        if code == OPTION_VENDOR_CLASS and len(value) >= 4:
            return _u32(value), None
    return 0, None


def _u32(data: bytes) -> int:
    return int(_U32.unpack_from(data)[0]) if len(data) >= 4 else 0


def _sub_options(data: bytes) -> list[tuple[int, bytes]]:
    return parse_options(data, 0, None, strict=False)


def _join(tlvs: Iterable[tuple[int, bytes]]) -> bytes:
    return b"".join(value for _, value in tlvs)


def append_rsoo(
    relay_options: Sequence[Sequence[tuple[int, bytes]]],
    enabled: frozenset[int],
    present: set[int],
    out: list[tuple[int, bytes]],
) -> None:
    """RFC 6422 §6 (Kea processRSOO): copy enabled relay-supplied options the reply lacks.

    ``relay_options`` are the hops' option lists, outermost first; they are walked from the
    relay closest to the client outwards, as the message travelled.
    """
    for hop_options in reversed(relay_options):
        for code, value in hop_options:
            if code != OPTION_RSOO:
                continue
            subs = sorted(_sub_options(value), key=lambda item: item[0])
            for sub_code, sub_value in subs:
                if sub_code in enabled and sub_code not in present:
                    out.append((sub_code, tlv(sub_code, sub_value)))
                    present.add(sub_code)


def sorted_tlvs(tlvs: list[tuple[int, bytes]]) -> bytes:
    """Concatenate (code, TLV) pairs in option-code order, stable within a code (Kea pack)."""
    tlvs.sort(key=_code)
    return b"".join([value for _, value in tlvs])
