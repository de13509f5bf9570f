"""A real ``dhclient -6`` against a real ``pukeko-dhcp6`` process, across a veth pair."""

from __future__ import annotations

import signal
import subprocess
import time
from ipaddress import IPv6Address, IPv6Network

from tests.support.dhcp6_daemon import PROCESS_TIMEOUT, Link, pukeko_command

POOL = (IPv6Address("2001:db8:1::100"), IPv6Address("2001:db8:1::1ff"))
PD_POOL = IPv6Network("2001:db8:8::/56")


def _assert_lease(link: Link) -> tuple[str, str]:
    addresses, prefixes = link.client_leases()
    assert addresses and prefixes, link.events() + link.log()
    assert POOL[0] <= IPv6Address(addresses[-1]) <= POOL[1]
    prefix = IPv6Network(prefixes[-1])
    assert prefix.prefixlen == 64 and prefix.subnet_of(PD_POOL)
    return addresses[-1], prefixes[-1]


def test_dhclient_gets_an_address_and_a_prefix(link: Link) -> None:
    link.write_config()
    link.start_server()
    result = link.dhclient("-N", "-P")
    assert result.returncode == 0, result.stdout + result.stderr + link.log()
    address, prefix = _assert_lease(link)
    rows = (link.work / "leases6.csv").read_text().splitlines()
    assert rows[0].startswith("address,duid,valid_lifetime")
    assert any(row.startswith(address + ",") for row in rows[1:])
    assert any(row.startswith(prefix.split("/")[0] + ",") for row in rows[1:])
    assert "DHCP6_LEASE_ALLOC" in link.log() and "DHCP6_PD_LEASE_ALLOC" in link.log()
    stats = link.command("statistic-get", {"name": "subnet[1].assigned-nas"})
    assert stats["arguments"]["subnet[1].assigned-nas"][0][0] == 1


def test_dhclient_renews_with_short_timers(link: Link) -> None:
    link.write_config(**{"renew-timer": 2, "rebind-timer": 3, "preferred-lifetime": 5,
                         "valid-lifetime": 8})  # fmt: skip
    link.start_server()
    result = link.dhclient("-N")
    assert result.returncode == 0, result.stdout + result.stderr + link.log()
    deadline = time.monotonic() + 20
    renewed = 0
    while time.monotonic() < deadline and not renewed:
        answer = link.command("statistic-get", {"name": "pkt6-renew-received"})
        renewed = answer["arguments"]["pkt6-renew-received"][0][0]
        time.sleep(0.5)
    assert renewed >= 1, link.log()
    deadline = time.monotonic() + 10
    while "RENEW6" not in link.events() and time.monotonic() < deadline:
        time.sleep(0.2)
    assert "reason=RENEW6" in link.events(), link.events()


def test_shutdown_over_the_control_socket(link: Link) -> None:
    link.write_config()
    server = link.start_server()
    answer = link.command("shutdown", {"exit-value": 0})
    assert answer == {"result": 0, "text": "Shutting down."}
    assert server.wait(timeout=PROCESS_TIMEOUT) == 0
    assert "DHCP6_SHUTDOWN server shutdown" in link.log()
    assert not (link.work / "ctrl.sock").exists()
    assert not list(link.work.glob("*.pid"))


def test_sighup_with_a_broken_config_keeps_serving(link: Link) -> None:
    link.write_config()
    server = link.start_server()
    link.config_path.write_text('{"Dhcp6": {"valid-lifetime": "forever", "subnet6": [ }')
    server.send_signal(signal.SIGHUP)
    link.wait_log("DHCP6_DYNAMIC_RECONFIGURATION_FAIL")
    assert "DHCP6_CONFIG_LOAD_FAIL" in link.log()
    assert server.poll() is None
    result = link.dhclient("-N", "-P")
    assert result.returncode == 0, result.stdout + result.stderr + link.log()
    _assert_lease(link)


def test_second_instance_on_the_same_config_refuses_to_start(link: Link) -> None:
    link.write_config()
    first = link.start_server()
    command = pukeko_command("pukeko-dhcp6", "-c", str(link.config_path))
    second = subprocess.run(
        ["ip", "netns", "exec", link.server_ns, *command],
        capture_output=True,
        text=True,
        env=link.env(),
        timeout=PROCESS_TIMEOUT,
        check=False,
    )
    assert second.returncode == 1
    assert f"pukeko-dhcp6 already running? Daemon::createPIDFile: PID: {first.pid} exists" in (
        second.stderr
    )
    assert first.poll() is None
