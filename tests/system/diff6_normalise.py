"""Normalise DHCPv6 server replies so two servers' answers compare field by field.

A reply becomes a nested structure of plain values (lists and dicts, option order kept):
the transaction id is checked against the query and replaced by ``<xid>``, the server DUID
by ``<server-duid>``, and every address or prefix the server chose by a placeholder named
after the pool (or subnet) it belongs to and numbered by first appearance in the run
(``<na:2001:db8:1::/64#3>``), so two servers that pick different addresses in the same pool
compare equal while an address from the wrong pool, a repeated or a missing one does not.
Addresses the script itself sent (hints, Confirm addresses) stay literal.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from ipaddress import IPv6Address, IPv6Network
from typing import Any

from pukeko.wire.buffer import FormError
from pukeko.wire.ia6 import decode_ia, decode_iaaddr, decode_iaprefix, decode_oro, decode_status
from pukeko.wire.pkt6 import Pkt6, Relay6, decode6, kea_msg_name, parse_options

IA_CODES = (3, 4, 25)
ADDRESS_LIST_OPTIONS = (23, 22, 31, 21)  # dns-servers, sip-server-addr, sntp, sip-dns
DOMAIN_LIST_OPTIONS = (24, 21)


def _domains(payload: bytes) -> list[str]:
    names: list[str] = []
    labels: list[str] = []
    index = 0
    while index < len(payload):
        size = payload[index]
        index += 1
        if size == 0:
            names.append(".".join(labels))
            labels = []
            continue
        labels.append(payload[index : index + size].decode("ascii", "replace"))
        index += size
    if labels:
        names.append(".".join(labels) + " (partial)")
    return names


@dataclass
class Normaliser:
    """Per-run placeholder state for one server."""

    server_duid: bytes | None
    pools: list[tuple[str, IPv6Network]]  # (label, network), most specific first
    literal: set[IPv6Address] = field(default_factory=set)
    seen: dict[tuple[str, IPv6Address, int], str] = field(default_factory=dict)
    counters: dict[str, int] = field(default_factory=dict)

    def address(self, address: IPv6Address, length: int = 128) -> str:
        """A placeholder for a chosen address/prefix (literal when the script sent it)."""
        if address in self.literal:
            return address.compressed if length == 128 else f"{address.compressed}/{length}"
        label = "outside-any-pool"
        for name, network in self.pools:
            if address in network:
                label = name
                break
        key = (label, address, length)
        if key not in self.seen:
            self.counters[label] = self.counters.get(label, 0) + 1
            self.seen[key] = f"<{label}#{self.counters[label]}>"
        return self.seen[key]

    # --- messages ----------------------------------------------------------------------

    def message(self, data: bytes | None, sent_xid: int | None) -> Any:
        """The normalised form of one received datagram (None stays None: no answer)."""
        if data is None:
            return None
        try:
            decoded = decode6(data, strict=True)
        except FormError as exc:
            return {"undecodable": str(exc), "hex": data.hex()}
        hops: list[Any] = []
        while isinstance(decoded, Relay6):
            hops.append(self._relay(decoded))
            decoded = decoded.inner
        return (
            {"relay-hops": hops, **self._pkt(decoded, sent_xid)}
            if hops
            else self._pkt(decoded, sent_xid)
        )

    def _relay(self, relay: Relay6) -> Any:
        return {
            "type": kea_msg_name(relay.msg_type),
            "hop-count": relay.hop_count,
            "link-address": IPv6Address(relay.link_address).compressed,
            "peer-address": IPv6Address(relay.peer_address).compressed,
            "options": [self.option(code, value) for code, value in relay.options if code != 9],
            "relay-msg-index": relay.relay_msg_index,
        }

    def _pkt(self, pkt: Pkt6, sent_xid: int | None) -> Any:
        xid: Any = pkt.transaction_id
        if sent_xid is not None:
            xid = "<xid>" if pkt.transaction_id == sent_xid else f"WRONG {pkt.transaction_id:#x}"
        return {
            "type": kea_msg_name(pkt.msg_type),
            "xid": xid,
            "options": [self.option(code, value) for code, value in pkt.options],
        }

    # --- options -----------------------------------------------------------------------

    def option(self, code: int, value: bytes) -> Any:
        """One option as (code, decoded value)."""
        try:
            return [code, self._value(code, value)]
        except (FormError, ValueError, IndexError) as exc:
            return [code, {"malformed": str(exc), "hex": value.hex()}]

    def _value(self, code: int, value: bytes) -> Any:
        if code == 2 and self.server_duid is not None and value == self.server_duid:
            return "<server-duid>"
        if code in IA_CODES:
            return self._ia(code, value)
        if code == 13:
            status = decode_status(value)
            return {"status": status.code, "message": status.message}
        if code == 6:
            return {"oro": decode_oro(value)}
        if code in ADDRESS_LIST_OPTIONS and len(value) % 16 == 0 and value:
            return [IPv6Address(value[i : i + 16]).compressed for i in range(0, len(value), 16)]
        if code in DOMAIN_LIST_OPTIONS:
            return _domains(value)
        if code == 18:
            return {"interface-id": value.decode("latin-1")}
        if code == 39 and value:  # Client FQDN (RFC 4704): flags, then a full or partial name
            return {"flags": value[0], "name": _domains(value[1:])}
        return value.hex()

    def _ia(self, code: int, value: bytes) -> Any:
        ia = decode_ia(code, value)
        return {
            "iaid": ia.iaid,
            "t1": ia.t1,
            "t2": ia.t2,
            "options": [self._ia_sub(c, v) for c, v in ia.options],
        }

    def _ia_sub(self, code: int, value: bytes) -> Any:
        if code == 5:
            address = decode_iaaddr(value)
            return [
                code,
                {
                    "address": self.address(IPv6Address(address.address)),
                    "preferred": address.preferred,
                    "valid": address.valid,
                    "options": [self._ia_sub(c, v) for c, v in address.options],
                },
            ]
        if code == 26:
            prefix = decode_iaprefix(value)
            return [
                code,
                {
                    "prefix": self.address(IPv6Address(prefix.prefix), prefix.prefix_len),
                    "length": prefix.prefix_len,
                    "preferred": prefix.preferred,
                    "valid": prefix.valid,
                    "options": [self._ia_sub(c, v) for c, v in prefix.options],
                },
            ]
        return self.option(code, value)


def sub_options(value: bytes) -> list[tuple[int, bytes]]:
    """Plain (code, payload) list of an options area."""
    return list(parse_options(value, 0, len(value)))


def render(value: Any) -> list[str]:
    """Stable, line-per-field JSON text for diffs."""
    return json.dumps(value, indent=1, sort_keys=False, default=str).splitlines()


def readable_diff(left: Any, right: Any, names: Iterable[str] = ("kea", "pukeko")) -> str:
    """A unified diff of two normalised exchanges."""
    a, b = list(names)
    return "\n".join(difflib.unified_diff(render(left), render(right), a, b, lineterm="", n=6))
