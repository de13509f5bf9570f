"""Client FQDN option (RFC 4704) and DDNS name-change requests, per message type (Kea 2.2)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from ipaddress import IPv6Address

import pytest
from tests.support.dhcp6_client import (
    DECLINE,
    INFORMATION_REQUEST,
    RELEASE,
    RENEW,
    REPLY,
    SOLICIT,
    IaSpec,
    Reply,
    addresses_of,
    duid_ll,
    message,
    request_from,
    wire,
)
from tests.support.dhcp6_harness import Harness, harness

from pukeko.ddns.fqdn6 import ClientFqdn, decode_client_fqdn
from pukeko.ddns.ncr import ChangeType, NameChangeRequest, dhcid_for_hostname
from pukeko.leases.model import Lease6, LeaseType
from pukeko.server.dhcp6 import handlers
from pukeko.server.dhcp6.context import Exchange

DUID = duid_ll()
OTHER = duid_ll("00:11:22:33:44:66")
FQDN = 39
ADDR = "2001:db8:1::10"


def config(ddns: str = '"enable-updates": true', subnet: str = "", **glob: object) -> str:
    """A Dhcp6 config with ``dhcp-ddns`` settings, extra global and subnet parameters."""
    extra = "".join(f'"{key.replace("_", "-")}": {json.dumps(v)}, ' for key, v in glob.items())
    return f"""
{{"Dhcp6": {{
  "interfaces-config": {{"interfaces": ["eth0"]}},
  "preferred-lifetime": 3000, "valid-lifetime": 4000, {extra}
  "dhcp-ddns": {{{ddns}}},
  "subnet6": [{{
    "id": 1, "subnet": "2001:db8:1::/64", "interface": "eth0", {subnet}
    "pools": [{{"pool": "2001:db8:1::10-2001:db8:1::1f"}}],
    "pd-pools": [{{"prefix": "2001:db8:8::", "prefix-len": 48, "delegated-len": 56}}]
  }}]
}}}}
"""


ENABLED = config(ddns_qualifying_suffix="example.com")
DISABLED = config(ddns='"enable-updates": false', ddns_qualifying_suffix="example.com")


@dataclass
class Run:
    """A harness plus the exchanges its handlers saw (for their name-change requests)."""

    h: Harness
    seen: list[Exchange] = field(default_factory=list)

    def ask(self, data: bytes) -> Reply:
        return self.h.ask(data)

    def ncrs(self) -> list[NameChangeRequest]:
        """The requests the last message made."""
        return list(self.seen[-1].name_changes)

    def lease(self, address: str = ADDR, lease_type: LeaseType = LeaseType.NA) -> Lease6:
        found = self.h.leases.get(lease_type, IPv6Address(address))
        assert found is not None
        return found


@pytest.fixture
def run(monkeypatch: pytest.MonkeyPatch) -> Iterator[Run]:
    """Build runs whose handler calls are recorded."""
    runs: list[Run] = []
    for msg_type, handler in list(handlers.HANDLERS.items()):

        def recording(ex: Exchange, svc: handlers.Services, handler=handler):  # type: ignore[no-untyped-def]
            runs[-1].seen.append(ex)
            return handler(ex, svc)

        monkeypatch.setitem(handlers.HANDLERS, msg_type, recording)

    def make(text: str = ENABLED) -> Run:
        runs.append(Run(harness(text)))
        return runs[-1]

    yield make  # type: ignore[misc]


def fqdn(flags: int, name: bytes = b"", full: bool = False) -> tuple[int, bytes]:
    """A Client FQDN option: flags and a text name (dot-separated)."""
    body = b"".join(bytes((len(p),)) + p for p in name.split(b".") if p)
    return FQDN, bytes((flags,)) + body + (b"\x00" if full else b"")


S, N = 0x01, 0x04  # RFC 4704 §4.1 flags
MYHOST = fqdn(S, b"myhost")


def server_fqdn(reply: Reply) -> ClientFqdn:
    payload = reply.get(FQDN)
    assert payload is not None
    return decode_client_fqdn(payload)


def bind(r: Run, *options: tuple[int, bytes], duid: bytes = DUID) -> Reply:
    adv = r.ask(wire(message(SOLICIT, duid, [IaSpec(1)], extra=list(options))))
    return r.ask(wire(request_from(adv, duid, extra=list(options))))


# --- Solicit / Advertise -------------------------------------------------------------------


def test_no_fqdn_no_option_no_name(run) -> None:  # type: ignore[no-untyped-def]
    r = run()
    reply = bind(r)
    assert reply.get(FQDN) is None
    lease = r.lease()
    assert (lease.hostname, lease.fqdn_fwd, lease.fqdn_rev) == ("", False, False)
    assert r.ncrs() == []


def test_advertise_carries_the_qualified_name_but_commits_nothing(run) -> None:  # type: ignore[no-untyped-def]
    r = run()
    adv = r.ask(wire(message(SOLICIT, DUID, [IaSpec(1)], extra=[MYHOST])))
    got = server_fqdn(adv)
    assert (got.n, got.o, got.s, got.domain_name) == (False, False, True, "myhost.example.com.")
    assert adv.get(FQDN) == b"\x01\x06myhost\x07example\x03com\x00"
    assert r.h.outcomes[-1].lease_changes == ()
    assert r.ncrs() == []


def test_information_request_gets_no_fqdn_option(run) -> None:  # type: ignore[no-untyped-def]
    r = run()
    reply = r.ask(wire(message(INFORMATION_REQUEST, DUID, extra=[MYHOST])))
    assert reply.get(FQDN) is None


def test_malformed_fqdn_drops_the_message(run) -> None:  # type: ignore[no-untyped-def]
    r = run()
    outcome = r.h.send(wire(message(SOLICIT, DUID, [IaSpec(1)], extra=[(FQDN, b"\x05\x01a")])))
    assert outcome.reply is None and outcome.dropped
    # Kea's option factory throws while the packet is unpacked: a parse failure.
    stats = r.h.stats(outcome)
    assert stats["pkt6-parse-failed"] == 1 and stats["pkt6-receive-drop"] == 1


# --- Request: leases and the add request ----------------------------------------------------


def test_request_stores_the_name_and_makes_an_add_request(run) -> None:  # type: ignore[no-untyped-def]
    r = run()
    reply = bind(r, MYHOST)
    assert server_fqdn(reply).domain_name == "myhost.example.com."
    lease = r.lease()
    assert (lease.hostname, lease.fqdn_fwd, lease.fqdn_rev) == ("myhost.example.com.", True, True)
    (ncr,) = r.ncrs()
    assert ncr.change_type == ChangeType.ADD
    assert (ncr.forward_change, ncr.reverse_change) == (True, True)
    assert (ncr.fqdn, ncr.ip_address) == ("myhost.example.com.", ADDR)
    assert ncr.dhcid == dhcid_for_hostname(DUID, "myhost.example.com.")
    assert (ncr.lease_expires_on, ncr.lease_length) == (0, 1333)
    assert ncr.use_conflict_resolution


def test_updates_disabled_echoes_n_and_keeps_the_name(run) -> None:  # type: ignore[no-untyped-def]
    r = run(DISABLED)
    reply = bind(r, MYHOST)
    got = server_fqdn(reply)
    assert (got.n, got.o, got.s) == (True, True, False)  # S overridden to 0
    assert got.domain_name == "myhost.example.com."
    lease = r.lease()
    assert (lease.hostname, lease.fqdn_fwd, lease.fqdn_rev) == ("myhost.example.com.", False, False)
    assert r.ncrs() == []


def test_send_updates_false_disables_updates_for_the_subnet(run) -> None:  # type: ignore[no-untyped-def]
    r = run(config(subnet='"ddns-send-updates": false,'))
    got = server_fqdn(bind(r, MYHOST))
    assert (got.n, got.s) == (True, False)
    assert r.ncrs() == []


def test_client_updates_forward_server_does_reverse(run) -> None:  # type: ignore[no-untyped-def]
    r = run()
    got = server_fqdn(bind(r, fqdn(0, b"host.example.org", full=True)))
    assert (got.n, got.o, got.s, got.domain_name) == (False, False, False, "host.example.org.")
    (ncr,) = r.ncrs()
    assert (ncr.forward_change, ncr.reverse_change) == (False, True)
    assert (r.lease().fqdn_fwd, r.lease().fqdn_rev) == (False, True)


def test_override_client_update(run) -> None:  # type: ignore[no-untyped-def]
    r = run(config(ddns_override_client_update=True))
    got = server_fqdn(bind(r, fqdn(0, b"host", full=False)))
    assert (got.n, got.o, got.s, got.domain_name) == (False, True, True, "host.")
    assert (r.ncrs()[0].forward_change, r.ncrs()[0].reverse_change) == (True, True)


def test_no_update_request_is_honoured_unless_overridden(run) -> None:  # type: ignore[no-untyped-def]
    r = run()
    got = server_fqdn(bind(r, fqdn(N, b"host")))
    assert (got.n, got.o, got.s) == (True, False, False)
    assert r.ncrs() == []
    r = run(config(ddns_override_no_update=True))
    got = server_fqdn(bind(r, fqdn(N, b"host")))
    assert (got.n, got.o, got.s) == (False, True, True)
    assert len(r.ncrs()) == 1


def test_sanitizing_and_conflict_resolution(run) -> None:  # type: ignore[no-untyped-def]
    r = run(config(hostname_char_set="[^a-z0-9.-]", hostname_char_replacement="x",
                   ddns_use_conflict_resolution=False))  # fmt: skip
    got = server_fqdn(bind(r, fqdn(S, b"my_host")))
    assert got.domain_name == "myxhost."
    assert r.lease().hostname == "myxhost."
    assert not r.ncrs()[0].use_conflict_resolution


@pytest.mark.parametrize("mode", ["always", "when-present"])
def test_replaced_name_is_generated_from_the_address(run, mode: str) -> None:  # type: ignore[no-untyped-def]
    r = run(config(ddns_replace_client_name=mode, ddns_generated_prefix="gen",
                   ddns_qualifying_suffix="example.com"))  # fmt: skip
    adv = r.ask(wire(message(SOLICIT, DUID, [IaSpec(1)], extra=[MYHOST])))
    assert adv.get(FQDN) == b"\x01"  # Advertise: flags only, the name comes with the Reply
    reply = r.ask(wire(request_from(adv, DUID, extra=[MYHOST])))
    name = "gen-2001-db8-1--10.example.com."
    assert server_fqdn(reply).domain_name == name
    assert r.lease().hostname == name
    assert r.ncrs()[0].fqdn == name


@pytest.mark.parametrize(
    ("mode", "named"),
    [("never", False), ("always", True), ("when-present", False), ("when-not-present", True)],
)
def test_client_without_fqdn_gets_one_only_in_fabricating_modes(
    run, mode: str, named: bool
) -> None:  # type: ignore[no-untyped-def]
    r = run(config(ddns_replace_client_name=mode, ddns_generated_prefix="gen"))
    reply = bind(r)
    if not named:
        assert reply.get(FQDN) is None and r.ncrs() == []
        return
    got = server_fqdn(reply)
    assert (got.n, got.o, got.s, got.domain_name) == (False, False, True, "gen-2001-db8-1--10.")
    assert r.lease().hostname == "gen-2001-db8-1--10."
    assert [n.change_type for n in r.ncrs()] == [ChangeType.ADD]


def test_empty_client_name_is_generated(run) -> None:  # type: ignore[no-untyped-def]
    r = run(config(ddns_generated_prefix="myhost"))
    reply = bind(r, fqdn(S))
    assert server_fqdn(reply).domain_name == "myhost-2001-db8-1--10."
    changes = r.h.outcomes[-1].lease_changes
    assert [c.lease.hostname for c in changes] == ["", "myhost-2001-db8-1--10."]


def test_prefix_leases_get_the_name_but_no_request(run) -> None:  # type: ignore[no-untyped-def]
    r = run()
    adv = r.ask(wire(message(SOLICIT, DUID, [IaSpec(2, pd=True)], extra=[MYHOST])))
    r.ask(wire(request_from(adv, DUID, extra=[MYHOST])))
    lease = r.lease("2001:db8:8::", LeaseType.PD)
    assert (lease.hostname, lease.fqdn_fwd) == ("myhost.example.com.", True)
    assert r.ncrs() == []


def test_rapid_commit_reply_makes_the_request(run) -> None:  # type: ignore[no-untyped-def]
    r = run(config(subnet='"rapid-commit": true,', ddns_qualifying_suffix="example.com"))
    reply = r.ask(wire(message(SOLICIT, DUID, [IaSpec(1)], rapid_commit=True, extra=[MYHOST])))
    assert reply.msg_type == REPLY
    assert [n.fqdn for n in r.ncrs()] == ["myhost.example.com."]


# --- Renew / Rebind ------------------------------------------------------------------------


def test_renew_with_the_same_name_makes_no_request(run) -> None:  # type: ignore[no-untyped-def]
    r = run()
    bound = bind(r, MYHOST)
    r.h.now += 100
    reply = r.ask(wire(request_from(bound, DUID, RENEW, extra=[MYHOST])))
    assert server_fqdn(reply).domain_name == "myhost.example.com."
    assert r.ncrs() == []


def test_renew_with_a_new_name_removes_the_old_and_adds_the_new(run) -> None:  # type: ignore[no-untyped-def]
    r = run()
    bound = bind(r, MYHOST)
    r.ask(wire(request_from(bound, DUID, RENEW, extra=[fqdn(S, b"other")])))
    remove, add = r.ncrs()
    assert (remove.change_type, remove.fqdn) == (ChangeType.REMOVE, "myhost.example.com.")
    assert remove.lease_expires_on == int(r.h.now) + 1333
    assert (add.change_type, add.fqdn) == (ChangeType.ADD, "other.example.com.")
    assert r.lease().hostname == "other.example.com."


def test_renew_without_fqdn_drops_the_name(run) -> None:  # type: ignore[no-untyped-def]
    r = run()
    bound = bind(r, MYHOST)
    r.ask(wire(request_from(bound, DUID, RENEW)))
    assert r.lease().hostname == ""
    assert r.ncrs() == []  # Kea: no FQDN option in the reply, no request at all


def test_update_on_renew_always_refreshes_the_dns(run) -> None:  # type: ignore[no-untyped-def]
    r = run(config(ddns_update_on_renew=True))
    bound = bind(r, fqdn(S, b"host.example.com", full=True))
    r.ask(wire(request_from(bound, DUID, RENEW, extra=[fqdn(S, b"host.example.com", full=True)])))
    assert [n.change_type for n in r.ncrs()] == [ChangeType.REMOVE, ChangeType.ADD]


def test_renewing_an_expired_named_lease_removes_its_entries(run) -> None:  # type: ignore[no-untyped-def]
    r = run()
    bound = bind(r, MYHOST)
    r.h.now += 5000
    r.ask(wire(request_from(bound, DUID, RENEW, extra=[MYHOST])))
    # Kea: reclaiming the old row removes the entries; same name and flags: no new add.
    assert [n.change_type for n in r.ncrs()] == [ChangeType.REMOVE]


def test_reusing_another_clients_expired_lease_removes_its_entries(run) -> None:  # type: ignore[no-untyped-def]
    r = run()
    bind(r, MYHOST)
    r.h.now += 5000
    hint = IaSpec(7, addresses=[(ADDR, 0, 0)])
    adv = r.ask(wire(message(SOLICIT, OTHER, [hint])))
    assert r.ncrs() == []  # Advertise: nothing reclaimed yet
    reply = r.ask(wire(request_from(adv, OTHER)))
    assert addresses_of(reply.ias()[0])[0][0] == ADDR
    (ncr,) = r.ncrs()
    assert (ncr.change_type, ncr.fqdn) == (ChangeType.REMOVE, "myhost.example.com.")
    assert ncr.dhcid == dhcid_for_hostname(DUID, "myhost.example.com.")


# --- Release / Decline ---------------------------------------------------------------------


def test_release_removes_the_entries(run) -> None:  # type: ignore[no-untyped-def]
    r = run()
    bound = bind(r, MYHOST)
    r.ask(wire(request_from(bound, DUID, RELEASE)))
    (ncr,) = r.ncrs()
    assert (ncr.change_type, ncr.ip_address, ncr.fqdn) == (
        ChangeType.REMOVE,
        ADDR,
        "myhost.example.com.",
    )


def test_decline_removes_the_entries(run) -> None:  # type: ignore[no-untyped-def]
    r = run()
    bound = bind(r, MYHOST)
    r.ask(wire(request_from(bound, DUID, DECLINE)))
    (ncr,) = r.ncrs()
    assert ncr.change_type == ChangeType.REMOVE
    assert r.lease().hostname == ""


def test_release_with_updates_disabled_makes_no_request(run) -> None:  # type: ignore[no-untyped-def]
    r = run(DISABLED)
    bound = bind(r, MYHOST)
    r.ask(wire(request_from(bound, DUID, RELEASE)))
    assert r.ncrs() == []


def test_outcome_carries_the_requests(run) -> None:  # type: ignore[no-untyped-def]
    r = run()
    bind(r, MYHOST)
    assert r.h.outcomes[-1].name_changes == tuple(r.ncrs())
    assert r.ncrs()
