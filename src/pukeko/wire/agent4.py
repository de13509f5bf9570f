"""Relay Agent Information (DHCPv4 option 82, RFC 3046): sub-option framing.

Option 82's payload is a list of sub-options, each a one-byte code, a one-byte length and the
data (RFC 3046 §2.0). Unlike the top-level options there is no PAD or END: codes 0 and 255 are
ordinary sub-options (Kea's ``dhcp-agent-options-space`` parses them so). The raw sub-options are
kept in wire order; a server echoes the raw option 82 payload (RFC 3046 §2.2).

When option 82 itself was split into several options (RFC 3396), decode the concatenation
(``Pkt4.get(82)``); offsets in errors then count from the start of that concatenated payload
plus the ``offset`` given.
"""

from __future__ import annotations

from collections.abc import Iterable

from pukeko.wire.buffer import FormError

# Sub-option codes and their names (IANA "DHCP Relay Agent Sub-Option Codes").
CIRCUIT_ID = 1  # RFC 3046 §2.0
REMOTE_ID = 2  # RFC 3046 §2.0
LINK_SELECTION = 5  # RFC 3527 §3
SUBSCRIBER_ID = 6  # RFC 3993 §3
SERVER_ID_OVERRIDE = 11  # RFC 5107 §4
RELAY_ID = 12  # RFC 6925 §5
RELAY_PORT = 19  # RFC 8357 §5.1

AGENT4_SUBOPTION_NAMES: dict[int, str] = {
    1: "circuit-id",  # RFC 3046
    2: "remote-id",  # RFC 3046
    4: "docsis-device-class",  # RFC 3256
    5: "link-selection",  # RFC 3527
    6: "subscriber-id",  # RFC 3993
    7: "radius-attributes",  # RFC 4014
    8: "authentication",  # RFC 4030
    9: "vendor-specific-information",  # RFC 4243
    10: "relay-flags",  # RFC 5010
    11: "server-id-override",  # RFC 5107
    12: "relay-id",  # RFC 6925
    13: "access-technology-type",  # RFC 7839
    14: "access-network-name",  # RFC 7839
    15: "access-point-name",  # RFC 7839
    16: "access-point-bssid",  # RFC 7839
    17: "operator-id",  # RFC 7839
    18: "operator-realm",  # RFC 7839
    19: "relay-port",  # RFC 8357
    151: "virtual-subnet-selection",  # RFC 6607
    152: "virtual-subnet-selection-control",  # RFC 6607
}

_MAX_SUBOPTION = 255  # one-byte length


class AgentInfo:
    """The decoded option 82 payload: sub-options in wire order, with typed accessors."""

    __slots__ = ("suboptions",)

    def __init__(self, suboptions: Iterable[tuple[int, bytes]] = ()) -> None:
        self.suboptions: tuple[tuple[int, bytes], ...] = tuple(suboptions)

    def get(self, code: int) -> bytes | None:
        """The data of the first sub-option ``code``, or None."""
        for found, data in self.suboptions:
            if found == code:
                return data
        return None

    def get_all(self, code: int) -> list[bytes]:
        """The data of every sub-option ``code``, in wire order."""
        return [data for found, data in self.suboptions if found == code]

    @property
    def circuit_id(self) -> bytes | None:
        """Agent Circuit ID (sub-option 1, RFC 3046 §3.1), raw."""
        return self.get(CIRCUIT_ID)

    @property
    def remote_id(self) -> bytes | None:
        """Agent Remote ID (sub-option 2, RFC 3046 §3.2), raw."""
        return self.get(REMOTE_ID)

    @property
    def subscriber_id(self) -> bytes | None:
        """Subscriber-ID (sub-option 6, RFC 3993), raw (an NVT ASCII string)."""
        return self.get(SUBSCRIBER_ID)

    @property
    def relay_id(self) -> bytes | None:
        """Relay Agent Identifier (sub-option 12, RFC 6925), raw."""
        return self.get(RELAY_ID)

    @property
    def link_selection(self) -> int | None:
        """Link Selection address (sub-option 5, RFC 3527) as an int, None if not 4 bytes."""
        return _address(self.get(LINK_SELECTION))

    @property
    def server_id_override(self) -> int | None:
        """Server Identifier Override (sub-option 11, RFC 5107) as an int, None if not 4 bytes."""
        return _address(self.get(SERVER_ID_OVERRIDE))

    @property
    def relay_port(self) -> int | None:
        """Relay Source Port (sub-option 19, RFC 8357): the port, or None if absent or malformed."""
        data = self.get(RELAY_PORT)
        if data is None or len(data) != 2:
            return None
        return int.from_bytes(data, "big")

    def encode(self) -> bytes:
        """The option 82 payload (same as ``encode_agent4(self.suboptions)``)."""
        return encode_agent4(self.suboptions)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, AgentInfo):
            return NotImplemented
        return self.suboptions == other.suboptions

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        names = ", ".join(
            f"{AGENT4_SUBOPTION_NAMES.get(code, code)}={data.hex()}"
            for code, data in self.suboptions
        )
        return f"AgentInfo({names})"


def _address(data: bytes | None) -> int | None:
    if data is None or len(data) != 4:
        return None
    return int.from_bytes(data, "big")


def decode_agent4(payload: bytes, offset: int = 0, *, strict: bool = True) -> AgentInfo:
    """Split an option 82 payload into sub-options; raise :class:`FormError` if one is truncated.

    ``offset`` is the absolute position of ``payload`` in the packet, for error offsets. With
    ``strict=False`` a truncated last sub-option is dropped, as Kea's parser does.
    """
    found: list[tuple[int, bytes]] = []
    pos = 0
    end = len(payload)
    while pos < end:
        code = payload[pos]
        if pos + 1 >= end:
            if strict:
                raise FormError(f"agent sub-option {code} has no length byte", offset + pos)
            break
        after = pos + 2 + payload[pos + 1]
        if after > end:
            if strict:
                raise FormError(
                    f"agent sub-option {code} length {payload[pos + 1]} "
                    f"exceeds the {end - pos - 2} bytes left",
                    offset + pos,
                )
            break
        found.append((code, payload[pos + 2 : after]))
        pos = after
    return AgentInfo(found)


def encode_agent4(suboptions: Iterable[tuple[int, bytes]]) -> bytes:
    """The option 82 payload for ``(code, data)`` sub-options in order (each at most 255 bytes).

    A payload longer than 255 bytes is fine: ``build_options`` splits option 82 per RFC 3396.
    """
    parts: list[bytes] = []
    for code, data in suboptions:
        if not 0 <= code <= _MAX_SUBOPTION:
            raise ValueError(f"agent sub-option code {code} is not 0-255")
        if len(data) > _MAX_SUBOPTION:
            raise ValueError(f"agent sub-option {code} is {len(data)} bytes, at most 255 fit")
        parts.append(bytes((code, len(data))))
        parts.append(data)
    return b"".join(parts)
