"""Kea 2.2 client classification expressions (pure: no I/O).

``parse_expression(text, family=..., option_code=..., want="bool")`` turns a class ``test``
into an immutable tree (:mod:`pukeko.classify.ast`) or raises :class:`ExpressionError` with
the 0-based ``position`` of the problem, rejecting exactly what Kea 2.2 rejects.

Output design: a typed AST of frozen dataclasses rather than Kea's postfix token program.
Literals are already folded to bytes, option names already resolved to codes, ``*``
enterprise-ids stored as 0, and ``and``/``or``/``+`` chains kept flat, so an evaluator is one
``match`` per node with no string handling left; :func:`to_text` renders a tree back.

Functions and accessors of Kea 2.2 (``src/lib/eval/parser.yy``):

==========================  ==========================================================
construct                   forms
==========================  ==========================================================
literals                    ``'text'`` (no escapes), ``0x1f``, ``123`` (uint32 -> 4 bytes),
                            ``10.0.0.1``, ``2001:db8::1``
booleans                    ``==``, ``not``, ``and``, ``or``, ``( )``, ``member('c')``
options                     ``option[code|name].hex|text|exists``,
                            ``option[c].option[sub].hex|text|exists``
relays                      ``relay4[sub].hex|text|exists`` (v4),
                            ``relay6[nest].option[c].hex|text|exists``,
                            ``relay6[nest].peeraddr|linkaddr`` (v6)
packet                      ``pkt.iface|src|dst|len``; ``pkt4.mac|hlen|htype|ciaddr|giaddr|
                            yiaddr|siaddr|msgtype|transid`` (v4); ``pkt6.msgtype|transid`` (v6)
vendor                      ``vendor.enterprise``, ``vendor[*|N].exists``,
                            ``vendor[*|N].option[c].hex|text|exists``
vendor-class                ``vendor-class.enterprise``, ``vendor-class[*|N].exists``,
                            ``vendor-class[*|N].data``, ``vendor-class[*|N].data[i]``
string functions            ``substring(s, start, len|all)``, ``split(s, delims, n)``,
                            ``concat(a, b)``, ``a + b``, ``ifelse(cond, a, b)``,
                            ``hexstring(s, sep)``
conversions                 ``addrtotext``, ``int8totext``, ``int16totext``, ``int32totext``,
                            ``uint8totext``, ``uint16totext``, ``uint32totext``
case (extension)            ``lcase(s)``, ``ucase(s)``: Kea 2.4 functions Pukeko accepts
==========================  ==========================================================

Deliberately absent because Kea 2.2 does not have them (later Kea versions or ARM text only):
``known``/``unknown`` keywords (the 2.2 ARM lists them but its lexer
rejects them: use ``member('KNOWN')``), ``pkt4.*``/``pkt6.*`` fields added after 2.2, string
escapes inside quotes, sub-option names (``option[1].option[name]``), negative integer
literals as values.
"""

from pukeko.classify.ast import (
    Expression,
    depends_on_known,
    is_boolean,
    referenced_classes,
    to_text,
)
from pukeko.classify.evaluate import Test, Value, compile_test, compile_value
from pukeko.classify.lexer import ExpressionError
from pukeko.classify.parser import MAX_NESTING, parse_expression
from pukeko.classify.strfuncs import EvaluationError

__all__ = [
    "MAX_NESTING",
    "EvaluationError",
    "Expression",
    "ExpressionError",
    "Test",
    "Value",
    "compile_test",
    "compile_value",
    "depends_on_known",
    "is_boolean",
    "parse_expression",
    "referenced_classes",
    "to_text",
]
