"""Typed, immutable syntax tree of a Kea 2.2 classification expression.

Every node is a frozen, slotted dataclass that compares by value, so two parses of equivalent
text give equal trees. Nodes mirror Kea's evaluation tokens (``src/lib/eval/token.h``) one to
one, so an evaluator is a plain ``match`` over these classes:

* string-valued nodes produce ``bytes`` (Kea evaluates everything as byte strings);
* boolean-valued nodes are :class:`Equal`, :class:`Not`, :class:`And`, :class:`Or`,
  :class:`Member`, :class:`VendorExists`, :class:`VendorClassExists`, and the option-like nodes
  whose ``repr`` is :attr:`Repr.EXISTS`. :func:`is_boolean` tells them apart.

Literals are folded at parse time into :class:`Const` (the bytes Kea would push): a quoted
string gives its UTF-8 bytes, ``0x..`` its decoded bytes (odd digit counts get a leading 0),
an IPv4/IPv6 literal its 4/16 network-order bytes, and an integer its 4-byte big-endian
``uint32`` form (ARM "List of classification values").
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import TypeAlias


class Repr(enum.Enum):
    """How an option-like node returns its option (Kea ``TokenOption::RepresentationType``)."""

    HEX = "hex"  # raw payload bytes
    TEXT = "text"  # payload rendered as text by the option's definition
    EXISTS = "exists"  # boolean: is the option present


class PktMeta(enum.Enum):
    """Packet metadata reachable as ``pkt.<field>`` (both families)."""

    IFACE = "iface"
    SRC = "src"
    DST = "dst"
    LEN = "len"


class Pkt4Field(enum.Enum):
    """DHCPv4 header fields reachable as ``pkt4.<field>`` (DHCPv4 only)."""

    MAC = "mac"
    HLEN = "hlen"
    HTYPE = "htype"
    CIADDR = "ciaddr"
    GIADDR = "giaddr"
    YIADDR = "yiaddr"
    SIADDR = "siaddr"
    MSGTYPE = "msgtype"
    TRANSID = "transid"


class Pkt6Field(enum.Enum):
    """DHCPv6 header fields reachable as ``pkt6.<field>`` (DHCPv6 only)."""

    MSGTYPE = "msgtype"
    TRANSID = "transid"


class Relay6Field(enum.Enum):
    """Relay-forward header fields reachable as ``relay6[nest].<field>`` (DHCPv6 only)."""

    PEERADDR = "peeraddr"
    LINKADDR = "linkaddr"


class TextFunc(enum.Enum):
    """The binary-to-text conversion functions of Kea 2.2 (ARM "conversion-to-text")."""

    ADDRTOTEXT = "addrtotext"
    INT8TOTEXT = "int8totext"
    INT16TOTEXT = "int16totext"
    INT32TOTEXT = "int32totext"
    UINT8TOTEXT = "uint8totext"
    UINT16TOTEXT = "uint16totext"
    UINT32TOTEXT = "uint32totext"


class CaseFunc(enum.Enum):
    """ASCII case conversions (Kea 2.4 ``lcase``/``ucase``; a Pukeko extension over Kea 2.2)."""

    LCASE = "lcase"
    UCASE = "ucase"


# --- string-valued leaves -------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Const:
    """A literal folded to the bytes Kea pushes for it."""

    value: bytes


@dataclass(frozen=True, slots=True)
class Option:
    """``option[code].hex|text|exists`` on the packet's top-level options."""

    code: int
    repr: Repr


@dataclass(frozen=True, slots=True)
class SubOption:
    """``option[code].option[sub_code].hex|text|exists``."""

    code: int
    sub_code: int
    repr: Repr


@dataclass(frozen=True, slots=True)
class Relay4Option:
    """``relay4[sub_code].hex|text|exists``: a sub-option of RAI option 82 (DHCPv4 only)."""

    sub_code: int
    repr: Repr


@dataclass(frozen=True, slots=True)
class Relay6Option:
    """``relay6[nest].option[code].hex|text|exists`` (DHCPv6 only; nest -32..31)."""

    nest: int
    code: int
    repr: Repr


@dataclass(frozen=True, slots=True)
class Relay6Header:
    """``relay6[nest].peeraddr|linkaddr`` (DHCPv6 only)."""

    nest: int
    field: Relay6Field


@dataclass(frozen=True, slots=True)
class Pkt:
    """``pkt.iface|src|dst|len``."""

    field: PktMeta


@dataclass(frozen=True, slots=True)
class Pkt4:
    """``pkt4.<field>`` (DHCPv4 only)."""

    field: Pkt4Field


@dataclass(frozen=True, slots=True)
class Pkt6:
    """``pkt6.msgtype|transid`` (DHCPv6 only)."""

    field: Pkt6Field


@dataclass(frozen=True, slots=True)
class VendorEnterprise:
    """``vendor.enterprise``: enterprise-id of the first vendor option (125 / 17)."""


@dataclass(frozen=True, slots=True)
class VendorClassEnterprise:
    """``vendor-class.enterprise``: enterprise-id of the first vendor-class option (124 / 16)."""


@dataclass(frozen=True, slots=True)
class VendorOption:
    """``vendor[enterprise].option[code].hex|text|exists``; enterprise 0 (or ``*``) is any."""

    enterprise: int
    code: int
    repr: Repr


@dataclass(frozen=True, slots=True)
class VendorClassData:
    """``vendor-class[enterprise].data[index]`` (``.data`` alone is index 0)."""

    enterprise: int
    index: int


# --- boolean leaves -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class VendorExists:
    """``vendor[enterprise].exists``; enterprise 0 (or ``*``) is any."""

    enterprise: int


@dataclass(frozen=True, slots=True)
class VendorClassExists:
    """``vendor-class[enterprise].exists``; enterprise 0 (or ``*``) is any."""

    enterprise: int


@dataclass(frozen=True, slots=True)
class Member:
    """``member('name')``: the packet already belongs to client class ``name``."""

    name: str


# --- string functions -----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Substring:
    """``substring(operand, start, length|all)``; ``length`` None means ``all``.

    Kea keeps start/length as text and converts them to ``int`` at evaluation time, where a
    value outside the C ``int`` range makes the evaluation fail (ARM "Substring").
    """

    operand: Expression
    start: int
    length: int | None


@dataclass(frozen=True, slots=True)
class Split:
    """``split(operand, delimiters, field)``: the 1-based ``field`` after splitting."""

    operand: Expression
    delimiters: Expression
    field: int


@dataclass(frozen=True, slots=True)
class Concat:
    """``concat(a, b)`` or ``a + b + ...``: a ``+`` chain is one node with 2+ parts."""

    parts: tuple[Expression, ...]


@dataclass(frozen=True, slots=True)
class IfElse:
    """``ifelse(condition, then, otherwise)``."""

    condition: Expression
    then: Expression
    otherwise: Expression


@dataclass(frozen=True, slots=True)
class HexString:
    """``hexstring(operand, separator)``: hex digit pairs joined by ``separator``."""

    operand: Expression
    separator: Expression


@dataclass(frozen=True, slots=True)
class ToText:
    """``addrtotext(x)`` / ``[u]int{8,16,32}totext(x)``."""

    func: TextFunc
    operand: Expression


@dataclass(frozen=True, slots=True)
class ChangeCase:
    """``lcase(x)`` / ``ucase(x)``: ASCII letters of ``x`` in lower / upper case."""

    func: CaseFunc
    operand: Expression


# --- boolean operators ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Equal:
    """``left == right``: byte-wise equality of two strings."""

    left: Expression
    right: Expression


@dataclass(frozen=True, slots=True)
class Not:
    """``not operand``."""

    operand: Expression


@dataclass(frozen=True, slots=True)
class And:
    """``a and b and ...``: one node with 2+ operands (a chain stays flat)."""

    operands: tuple[Expression, ...]


@dataclass(frozen=True, slots=True)
class Or:
    """``a or b or ...``: one node with 2+ operands (a chain stays flat)."""

    operands: tuple[Expression, ...]


Expression: TypeAlias = (
    Const
    | Option
    | SubOption
    | Relay4Option
    | Relay6Option
    | Relay6Header
    | Pkt
    | Pkt4
    | Pkt6
    | VendorEnterprise
    | VendorClassEnterprise
    | VendorOption
    | VendorClassData
    | VendorExists
    | VendorClassExists
    | Member
    | Substring
    | Split
    | Concat
    | IfElse
    | HexString
    | ToText
    | ChangeCase
    | Equal
    | Not
    | And
    | Or
)

_OPTION_LIKE = (Option, SubOption, Relay4Option, Relay6Option, VendorOption)
_ALWAYS_BOOLEAN = (Equal, Not, And, Or, Member, VendorExists, VendorClassExists)


def is_boolean(node: Expression) -> bool:
    """True when ``node`` evaluates to a boolean rather than to a byte string."""
    if isinstance(node, _ALWAYS_BOOLEAN):
        return True
    return isinstance(node, _OPTION_LIKE) and node.repr is Repr.EXISTS


def children(node: Expression) -> tuple[Expression, ...]:
    """The direct sub-expressions of ``node``, left to right."""
    match node:
        case Substring(operand=x) | ToText(operand=x) | ChangeCase(operand=x) | Not(operand=x):
            return (x,)
        case Split(operand=x, delimiters=y) | HexString(operand=x, separator=y):
            return (x, y)
        case Equal(left=x, right=y):
            return (x, y)
        case Concat(parts=items) | And(operands=items) | Or(operands=items):
            return items
        case IfElse(condition=c, then=t, otherwise=o):
            return (c, t, o)
    return ()


def walk(node: Expression) -> list[Expression]:
    """Every node of the tree in pre-order (iterative, so deep trees do not recurse)."""
    out: list[Expression] = []
    stack = [node]
    while stack:
        current = stack.pop()
        out.append(current)
        stack.extend(reversed(children(current)))
    return out


def referenced_classes(expr: Expression) -> frozenset[str]:
    """Names of the client classes used by ``member(...)`` anywhere in ``expr``."""
    return frozenset(n.name for n in walk(expr) if isinstance(n, Member))


def depends_on_known(expr: Expression) -> bool:
    """True when ``expr`` uses ``member('KNOWN')`` or ``member('UNKNOWN')`` directly.

    Kea defers such classes until after host reservation lookup (ARM "member").
    """
    return not referenced_classes(expr).isdisjoint({"KNOWN", "UNKNOWN"})


# --- rendering back to expression text ------------------------------------------------------

_PLAIN = frozenset(range(0x20, 0x7F)) - {ord("'")}


def _literal_text(value: bytes) -> str:
    """A literal that parses back to ``value``: quoted when plain ASCII, else ``0x`` hex."""
    if all(b in _PLAIN for b in value):
        return "'" + value.decode("ascii") + "'"
    return "0x" + value.hex()


def _enterprise_text(enterprise: int) -> str:
    return "*" if enterprise == 0 else str(enterprise)


def _member_text(name: str) -> str:
    if "'" in name or "\n" in name:
        raise ValueError(f"class name {name!r} cannot be written in an expression")
    return f"member('{name}')"


def _grouped(node: Expression, *kinds: type) -> str:
    """``node`` as text, in parentheses when it is one of ``kinds``."""
    text = to_text(node)
    return f"({text})" if isinstance(node, kinds) else text


def _leaf_text(node: Expression) -> str | None:
    """Text of a node without sub-expressions, or None for an inner node."""
    match node:
        case Const(value=value):
            return _literal_text(value)
        case Option(code=code, repr=rep):
            return f"option[{code}].{rep.value}"
        case SubOption(code=code, sub_code=sub, repr=rep):
            return f"option[{code}].option[{sub}].{rep.value}"
        case Relay4Option(sub_code=sub, repr=rep):
            return f"relay4[{sub}].{rep.value}"
        case Relay6Option(nest=nest, code=code, repr=rep):
            return f"relay6[{nest}].option[{code}].{rep.value}"
        case Relay6Header(nest=nest, field=field):
            return f"relay6[{nest}].{field.value}"
        case Pkt(field=meta):
            return f"pkt.{meta.value}"
        case Pkt4(field=field4):
            return f"pkt4.{field4.value}"
        case Pkt6(field=field6):
            return f"pkt6.{field6.value}"
        case VendorEnterprise():
            return "vendor.enterprise"
        case VendorClassEnterprise():
            return "vendor-class.enterprise"
        case VendorOption(enterprise=ent, code=code, repr=rep):
            return f"vendor[{_enterprise_text(ent)}].option[{code}].{rep.value}"
        case VendorClassData(enterprise=ent, index=index):
            return f"vendor-class[{_enterprise_text(ent)}].data[{index}]"
        case VendorExists(enterprise=ent):
            return f"vendor[{_enterprise_text(ent)}].exists"
        case VendorClassExists(enterprise=ent):
            return f"vendor-class[{_enterprise_text(ent)}].exists"
        case Member(name=name):
            return _member_text(name)
    return None


def to_text(node: Expression) -> str:
    """Render ``node`` as expression text that parses back to an equal tree."""
    leaf = _leaf_text(node)
    if leaf is not None:
        return leaf
    match node:
        case Substring(operand=x, start=start, length=length):
            size = "all" if length is None else str(length)
            return f"substring({to_text(x)}, {start}, {size})"
        case Split(operand=x, delimiters=d, field=field):
            return f"split({to_text(x)}, {to_text(d)}, {field})"
        case Concat(parts=parts):
            return " + ".join(_grouped(p, Concat) for p in parts)
        case IfElse(condition=c, then=t, otherwise=o):
            return f"ifelse({to_text(c)}, {to_text(t)}, {to_text(o)})"
        case HexString(operand=x, separator=sep):
            return f"hexstring({to_text(x)}, {to_text(sep)})"
        case ToText(func=func, operand=x):
            return f"{func.value}({to_text(x)})"
        case ChangeCase(func=case, operand=x):
            return f"{case.value}({to_text(x)})"
        case Equal(left=left, right=right):
            return f"{to_text(left)} == {to_text(right)}"
        case Not(operand=x):
            return "not " + _grouped(x, And, Or)
        case And(operands=items):
            return " and ".join(_grouped(x, And, Or) for x in items)
        case Or(operands=items):
            return " or ".join(_grouped(x, Or) for x in items)
    raise TypeError(f"not an expression node: {node!r}")
