"""Print every outcome of a scripted DHCPv6 scenario as JSON, to diff two versions of the engine.

An optimisation must not change behaviour: run this on the tree before and after and compare.
Every message type, relays, hints, PD-exclude, exhaustion, rapid commit, unicast, a disabled
service and debug level 99 are covered; replies, lease changes, statistics and log texts are
printed.

    git archive HEAD src tests/support bench | tar -x -C /tmp/before
    .venv/bin/python bench/engine/trace.py /tmp/before > /tmp/before.json
    .venv/bin/python bench/engine/trace.py > /tmp/after.json && cmp /tmp/before.json /tmp/after.json
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

ROOT = sys.argv[1] if len(sys.argv) > 1 else str(Path(__file__).resolve().parents[2])
sys.path[:0] = [ROOT, ROOT + "/src"]

from tests.support.dhcp6_client import (  # noqa: E402
    CONFIRM,
    DECLINE,
    INFORMATION_REQUEST,
    REBIND,
    RELEASE,
    RENEW,
    REQUEST,
    SOLICIT,
    IaSpec,
    duid_of,
    message,
    read_reply,
    relayed,
    request_from,
    wire,
)
from tests.support.dhcp6_harness import SERVER_DUID, harness  # noqa: E402

CONFIG = """
{"Dhcp6": {"interfaces-config": {"interfaces": ["eth0"]},
  "preferred-lifetime": 3000, "valid-lifetime": 4000,
  "min-valid-lifetime": 1000, "max-valid-lifetime": 8000,
  "calculate-tee-times": true, "store-extended-info": true, "cache-threshold": 0.25,
  "option-data": [{"name": "dns-servers", "data": "2001:db8::53"},
                  {"name": "preference", "data": "7", "always-send": true}],
  "shared-networks": [{"name": "net", "interface": "eth0", "rapid-commit": true, "subnet6": [
    {"id": 1, "subnet": "2001:db8:1::/64", "pools": [{"pool": "2001:db8:1::10-2001:db8:1::13"}],
     "pd-pools": [{"prefix": "2001:db8:8::", "prefix-len": 48, "delegated-len": 56,
                   "excluded-prefix": "2001:db8:8:0:80::", "excluded-prefix-len": 72}]},
    {"id": 2, "subnet": "2001:db8:2::/64", "pools": [{"pool": "2001:db8:2::10-2001:db8:2::1f"}],
     "option-data": [{"name": "domain-search", "data": "example.org"}]}]}],
  "subnet6": [{"id": 3, "subnet": "2001:db8:3::/64", "interface": "eth1",
     "relay": {"ip-addresses": ["2001:db8:3::1"]},
     "pools": [{"pool": "2001:db8:3::100-2001:db8:3::1ff",
                "option-data": [{"name": "sntp-servers", "data": "2001:db8::123"}]}],
     "renew-timer": 100, "rebind-timer": 200}]
}}"""
UNICAST = "2001:db8:1::1"


class Trace:
    """An engine at one debug level and the outcomes it produced, as plain data."""

    def __init__(self, level: int) -> None:
        self.level = level
        self.h = harness(CONFIG, debuglevel=level)
        self.rows: list[dict[str, object]] = []

    def go(self, tag: str, pkt: Any, **kw: Any) -> Any:
        """Send one message and record its outcome."""
        o = self.h.send(wire(pkt), **kw)
        self.rows.append(
            {
                "tag": f"{self.level}:{tag}",
                "reply": o.reply.hex() if o.reply else None,
                "to": [o.destination, o.destination_port],
                "changes": [repr(c) for c in o.lease_changes],
                "stats": list(o.stat_deltas),
                "log": [(e.severity, e.message_id, e.text, e.debuglevel) for e in o.log],
                "dropped": o.dropped,
            }
        )
        return o


def lifecycle(t: Trace, i: int) -> None:
    """Solicit, Request, Renew twice (cache), Rebind, Confirm, and a Release or Decline."""
    duid = duid_of(i)
    ias = [IaSpec(1), IaSpec(2, pd=True)] if i % 2 else [IaSpec(1), IaSpec(7)]
    o = t.go(f"sol{i}", message(SOLICIT, duid, ias, oro=[23, 24, 67, 31]))
    if not o.reply:
        return
    o = t.go(f"req{i}", request_from(read_reply(o.reply), duid, oro=[23, 24, 67]))
    if not o.reply:
        return
    rep = read_reply(o.reply)
    t.h.now += 500
    t.go(f"renew{i}", request_from(rep, duid, RENEW, oro=[23]))
    t.go(f"renew-again{i}", request_from(rep, duid, RENEW, oro=[23]))
    t.go(f"rebind{i}", request_from(rep, duid, REBIND))
    t.go(f"confirm{i}", request_from(rep, duid, CONFIRM))
    if i == 3:
        t.go(f"release{i}", request_from(rep, duid, RELEASE))
    if i == 5:
        t.go(f"decline{i}", request_from(rep, duid, DECLINE))


def edge_cases(t: Trace) -> None:
    """Hints, rapid commit, exhaustion, discards, a relay chain, a disabled service, expiry."""
    hint = IaSpec(1, addresses=[("2001:db8:1::12", 100, 20000)])
    t.go("hint", message(SOLICIT, duid_of(50), [hint]))
    hint = IaSpec(1, addresses=[("2001:db8:2::15", 9000, 9000)])
    t.go("hint-req", message(REQUEST, duid_of(51), [hint], server_id=SERVER_DUID))
    t.go("rapid", message(SOLICIT, duid_of(52), [IaSpec(1)], rapid_commit=True))
    for j in range(30):  # exhaust the pools
        t.go(f"fill{j}", message(REQUEST, duid_of(100 + j), [IaSpec(1)], server_id=SERVER_DUID))
    t.go("inforeq", message(INFORMATION_REQUEST, duid_of(60), [], oro=[23, 24]))
    other = b"\x00\x01\x00\x01abcdef"
    t.go("badsid", message(REQUEST, duid_of(61), [IaSpec(1)], server_id=other))
    t.go("nosid", message(REQUEST, duid_of(62), [IaSpec(1)]))
    t.go("unicast-sol", message(SOLICIT, duid_of(63), [IaSpec(1)]), destination=UNICAST)
    req = message(REQUEST, duid_of(64), [IaSpec(1)], server_id=SERVER_DUID)
    t.go("unicast-req", req, destination=UNICAST)
    t.go("garbage", message(SOLICIT, duid_of(65), [IaSpec(1)], extra=[(3, b"\x00\x01")]))
    inner = message(SOLICIT, duid_of(66), [IaSpec(1), IaSpec(3, pd=True)], oro=[23, 31])
    hops = [
        ("2001:db8:3::1", "fe80::1", [(18, b"eth9"), (66, b"\x00\x41\x00\x03abc")]),
        ("::", "fe80::2", [(135, b"\x02\x23")]),
    ]
    t.go(
        "relayed", relayed(inner, hops), interface="eth1", source="2001:db8:ff::2", source_port=547
    )
    t.h.engine.enabled = False
    t.go("disabled", message(SOLICIT, duid_of(67), [IaSpec(1)]))
    t.h.engine.enabled = True
    t.h.now += 100000
    t.go("expired-reuse", message(REQUEST, duid_of(200), [IaSpec(1)], server_id=SERVER_DUID))


def main() -> None:
    rows: list[dict[str, object]] = []
    for level in (-1, 99):
        trace = Trace(level)
        for i in range(8):
            lifecycle(trace, i)
        edge_cases(trace)
        rows.extend(trace.rows)
    print(json.dumps(rows, indent=0))


if __name__ == "__main__":
    main()
