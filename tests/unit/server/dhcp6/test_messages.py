"""Log events of the engine: every Kea template renders as before; lazy arguments print right."""

from __future__ import annotations

import re
from ipaddress import IPv6Address

import pytest

from pukeko.server.dhcp6.messages import MESSAGES, Address6Text, PacketLabel, event, pkt_label

_PLACEHOLDER = re.compile(r"%(\d+)")


def reference_render(template: str, args: tuple[object, ...]) -> str:
    """The engine's former eager renderer (re.sub per event), as the oracle."""

    def swap(match: re.Match[str]) -> str:
        index = int(match.group(1)) - 1
        return str(args[index]) if 0 <= index < len(args) else match.group(0)

    return _PLACEHOLDER.sub(swap, template)


ARGS = ("duid=[00:03:00:01:00:11:22:33:44:55], tid=0x123456", "2001:db8::10", 7, 4000, "x", 5, 6, 8)


@pytest.mark.parametrize("message_id", sorted(MESSAGES))
def test_every_message_renders_like_the_eager_renderer(message_id: str) -> None:
    severity, level, template = MESSAGES[message_id]
    found = event(message_id, *ARGS)
    assert (found.severity, found.message_id, found.debuglevel) == (severity, message_id, level)
    assert found.text == reference_render(template, ARGS)


def test_address_and_label_render_as_the_strings_they_replace() -> None:
    address = int(IPv6Address("2001:db8:1::10"))
    assert str(Address6Text(address)) == IPv6Address(address).compressed == "2001:db8:1::10"
    duid = bytes.fromhex("000300010011223344 55".replace(" ", ""))
    assert str(PacketLabel(duid, 0x1A2B)) == pkt_label(duid, 0x1A2B)
    assert str(PacketLabel(None, 0)) == pkt_label(None, 0) == "duid=[no info], tid=0x0"
    text = event("DHCP6_LEASE_ADVERT", PacketLabel(duid, 1), Address6Text(address), 3).text
    assert text == (
        "duid=[00:03:00:01:00:11:22:33:44:55], tid=0x1: lease for address 2001:db8:1::10"
        " and iaid=3 will be advertised"
    )
