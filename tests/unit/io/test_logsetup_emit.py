"""KeaLogging.emit: a suppressed event costs no rendering; the decision follows reconfiguration."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from pukeko.io.logsetup import KeaLogging
from pukeko.server.outcome import LogEvent


class Counted:
    """An argument that counts how often it is turned into text."""

    def __init__(self) -> None:
        self.rendered = 0

    def __str__(self) -> str:
        self.rendered += 1
        return "2001:db8::1"


@pytest.fixture
def kea_logging() -> Iterator[KeaLogging]:
    item = KeaLogging(env={})
    yield item
    item.close()


def configure(logging: KeaLogging, path: Path, severity: str, debuglevel: int = 0) -> None:
    output = {"output": str(path), "pattern": "%p %c %m\n"}
    logging.configure(
        [
            {
                "name": "kea-dhcp6",
                "severity": severity,
                "debuglevel": debuglevel,
                "output_options": [output],
            }
        ]
    )


def test_suppressed_events_are_never_rendered(tmp_path: Path, kea_logging: KeaLogging) -> None:
    log = tmp_path / "kea.log"
    configure(kea_logging, log, "WARN")
    address = Counted()
    alloc = LogEvent.deferred("INFO", "DHCP6_LEASE_ALLOC", "lease %1 allocated", (address,))
    debug = LogEvent.deferred("DEBUG", "DHCP6_PACKET_SEND", "sent %1", (address,), 40)
    for _ in range(3):
        kea_logging.emit([alloc, debug])
    assert address.rendered == 0 and log.read_text() == ""
    kea_logging.emit([LogEvent("WARN", "DHCP6_LEASE_ALLOC", "warned")])
    assert log.read_text() == "WARN kea-dhcp6.leases DHCP6_LEASE_ALLOC warned\n"


def test_the_decision_follows_a_new_configuration(tmp_path: Path, kea_logging: KeaLogging) -> None:
    log = tmp_path / "kea.log"
    configure(kea_logging, log, "WARN")
    address = Counted()
    event = LogEvent.deferred("DEBUG", "DHCP6_PACKET_SEND", "sent %1", (address,), 40)
    kea_logging.emit([event])
    configure(kea_logging, log, "DEBUG", debuglevel=39)
    kea_logging.emit([event])
    assert address.rendered == 0 and log.read_text() == ""
    configure(kea_logging, log, "DEBUG", debuglevel=40)
    kea_logging.emit([event, event])
    assert address.rendered == 1  # rendered once, then kept by the event
    expected = "DEBUG kea-dhcp6.packets DHCP6_PACKET_SEND sent 2001:db8::1\n"
    assert log.read_text() == expected * 2
