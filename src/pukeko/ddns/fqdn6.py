"""The DHCPv6 Client FQDN option (option 39, RFC 4704 §4), as Kea 2.2's Option6ClientFqdn.

RFC 4704 §4.1::

      0 1 2 3 4 5 6 7
     +-+-+-+-+-+-+-+-+
     |  MBZ    |N|O|S|
     +-+-+-+-+-+-+-+-+

followed by the domain name in DNS wire format (RFC 4704 §4.2). A *partial* name (the client
asks the server to complete it) leaves out the terminating zero-length label; Kea tells the two
apart by the option's last byte (zero: fully qualified). Names are lowercased when read.

Malformed (a :class:`~pukeko.wire.buffer.FormError`, and Kea drops the whole packet): an empty
option (no flags byte), N and S both set ("if the N bit is 1, the S bit MUST be 0"), or a name
that does not parse. MBZ bits are accepted on input and never sent.
"""

from __future__ import annotations

from dataclasses import dataclass

from pukeko.ddns.names import Labels, name_text, read_wire_name, wire_name
from pukeko.wire.buffer import FormError

OPTION_CLIENT_FQDN = 39
FLAG_S = 0x01  # the server should perform the AAAA (forward) update
FLAG_O = 0x02  # the server has overridden the client's S bit
FLAG_N = 0x04  # no server updates at all
FLAG_MASK = FLAG_S | FLAG_O | FLAG_N


@dataclass(frozen=True, slots=True)
class ClientFqdn:
    """A Client FQDN option: flags and an optional name (``labels`` None: no name)."""

    flags: int
    labels: Labels | None = None
    full: bool = False  # fully qualified (sent with its root label); False: partial

    @property
    def s(self) -> bool:
        """The S flag."""
        return bool(self.flags & FLAG_S)

    @property
    def o(self) -> bool:
        """The O flag."""
        return bool(self.flags & FLAG_O)

    @property
    def n(self) -> bool:
        """The N flag."""
        return bool(self.flags & FLAG_N)

    @property
    def domain_name(self) -> str:
        """Kea's ``getDomainName``: text with a final dot when fully qualified; "" if none."""
        if self.labels is None:
            return ""
        return name_text(self.labels, omit_final_dot=not self.full)

    def to_text(self) -> str:
        """Kea's ``Option6ClientFqdn::toText`` (used in its log messages)."""
        return (
            f"type=39(CLIENT_FQDN), flags: (N={int(self.n)}, O={int(self.o)}, S={int(self.s)}),"
            f" domain-name='{self.domain_name}' ({'full' if self.full else 'partial'})"
        )

    def __str__(self) -> str:
        return self.to_text()

    def wire_domain(self) -> bytes:
        """The name as packed in the option (Kea ``packDomainName``): no root if partial."""
        if self.labels is None:
            return b""
        return wire_name(self.labels, absolute=self.full)

    def encode(self) -> bytes:
        """The option payload: the flags byte, then the name."""
        return bytes((self.flags & 0xFF,)) + self.wire_domain()

    def tlv(self) -> bytes:
        """The whole option: code, length, payload."""
        payload = self.encode()
        return OPTION_CLIENT_FQDN.to_bytes(2, "big") + len(payload).to_bytes(2, "big") + payload


def decode_client_fqdn(payload: bytes) -> ClientFqdn:
    """Read an option 39 payload; raises :class:`FormError` when Kea would refuse it."""
    if not payload:
        raise FormError("Client FQDN option is truncated: no flags field", 0)
    flags = payload[0]
    if flags & FLAG_N and flags & FLAG_S:
        # RFC 4704 §4.1: if the N bit is 1, the S bit MUST be 0.
        raise FormError("Client FQDN option has both the N and S flags set", 0)
    data = payload[1:]
    if not data:
        return ClientFqdn(flags)
    full = data[-1] == 0
    try:
        labels = read_wire_name(data if full else data + b"\x00")
    except FormError as exc:
        kind = "fully qualified" if full else "partial"
        raise FormError(
            f"Client FQDN option: bad {kind} domain-name: {exc.reason}", 1 + exc.offset
        ) from exc
    return ClientFqdn(flags, labels, full)
