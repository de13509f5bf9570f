"""A subnet command carries the allocation state of untouched subnets over (no full rebuild)."""

from __future__ import annotations

import dataclasses
import json
from ipaddress import IPv6Address
from pathlib import Path

from tests.support.control_daemon6 import SUBNET_HOOK, Running, run_daemon

from pukeko.config.load import load_config
from pukeko.config.model import Config
from pukeko.io.daemon6_base import unchanged_subnets

LEASE_HOOK = {"library": "/usr/lib/x86_64-linux-gnu/kea/hooks/libdhcp_lease_cmds.so"}


def subnet2(pool: str = "2001:db8:2::10 - 2001:db8:2::13") -> dict[str, object]:
    return {"id": 2, "subnet": "2001:db8:2::/64", "pools": [{"pool": pool}]}


def lease(address: str, subnet_id: int, n: int) -> dict[str, object]:
    return {"ip-address": address, "subnet-id": subnet_id, "duid": f"01:02:03:{n:02x}", "iaid": n}


def used(r: Running, subnet_id: int) -> list[int]:
    state = r.daemon.allocation.state  # type: ignore[union-attr]
    return [state.occupancy_of(ref).used for ref in state.pools(subnet_id)]


def test_untouched_subnets_keep_their_occupancy_and_new_ones_get_their_leases(
    tmp_path: Path,
) -> None:
    async def body(r: Running) -> None:
        assert (await r.command("subnet6-add", {"subnet6": [subnet2()]}))["result"] == 0
        for n, (address, sid) in enumerate(
            [("2001:db8:1::10", 1), ("2001:db8:1::11", 1), ("2001:db8:2::10", 2)]
        ):
            assert (await r.command("lease6-add", lease(address, sid, n)))["result"] == 0
        state = r.daemon.allocation.state  # type: ignore[union-attr]
        first_pool = state.occupancy_of(state.pools(1)[0])
        assert used(r, 1) == [2, 0] and used(r, 2) == [1]

        # subnet 2 goes (its lease stays) and comes back with a wider pool: subnet 1's
        # occupancy is the same object, subnet 2's is new and holds the lease again
        assert (await r.command("subnet6-del", {"id": 2}))["result"] == 0
        added = await r.command("subnet6-add", {"subnet6": [subnet2("2001:db8:2::/120")]})
        assert added["result"] == 0
        state = r.daemon.allocation.state  # type: ignore[union-attr]
        assert state.occupancy_of(state.pools(1)[0]) is first_pool
        assert used(r, 1) == [2, 0] and used(r, 2) == [1]

        # a lease added now is counted in the carried-over pool as before
        assert (await r.command("lease6-add", lease("2001:db8:1::12", 1, 9)))["result"] == 0
        assert used(r, 1) == [3, 0]

        # config-set (a full reconfiguration) rebuilds everything and finds the same counts
        running = (await r.command("config-get"))["arguments"]
        assert (await r.command("config-set", running))["result"] == 0
        state = r.daemon.allocation.state  # type: ignore[union-attr]
        assert state.occupancy_of(state.pools(1)[0]) is not first_pool
        assert used(r, 1) == [3, 0] and used(r, 2) == [1]

    run_daemon(tmp_path, body, **{"hooks-libraries": [SUBNET_HOOK, LEASE_HOOK]})


def test_changed_global_reservations_mean_nothing_carries_over() -> None:
    def config(reservations: list[dict[str, object]]) -> Config:
        text = json.dumps({"Dhcp6": {"subnet6": [subnet2()], "reservations": reservations}})
        return load_config(text, family=6).config

    plain = config([])
    assert unchanged_subnets(plain, plain) == frozenset({2})
    assert unchanged_subnets(plain, config([])) == frozenset()  # other subnet objects
    host = {"duid": "01:02:03:04", "ip-addresses": ["2001:db8:2::11"]}
    assert (
        unchanged_subnets(
            plain, dataclasses.replace(plain, reservations=config([host]).reservations)
        )
        is None
    )


def test_untouched_subnets_keep_their_compiled_options(tmp_path: Path) -> None:
    async def body(r: Running) -> None:
        plan = r.daemon.slot.engine.plan  # type: ignore[union-attr]
        before = plan.subnet_sets[1]
        assert before.tlvs[23].endswith(IPv6Address("2001:db8::53").packed)
        assert (await r.command("subnet6-add", {"subnet6": [subnet2()]}))["result"] == 0
        plan = r.daemon.slot.engine.plan  # type: ignore[union-attr]
        assert plan.subnet_sets[1] is before  # taken over, not recompiled
        assert plan.subnet_sets[2].tlvs[23] == before.tlvs[23]  # the new one: global option
        running = (await r.command("config-get"))["arguments"]
        running["Dhcp6"]["option-data"][0]["data"] = "2001:db8::54"
        assert (await r.command("config-set", running))["result"] == 0
        plan = r.daemon.slot.engine.plan  # type: ignore[union-attr]
        assert plan.subnet_sets[1].tlvs[23].endswith(IPv6Address("2001:db8::54").packed)
        assert (await r.command("subnet6-del", {"id": 2}))["result"] == 0
        plan = r.daemon.slot.engine.plan  # type: ignore[union-attr]
        assert plan.subnet_sets[1].tlvs[23].endswith(IPv6Address("2001:db8::54").packed)

    options = {"option-data": [{"name": "dns-servers", "data": "2001:db8::53"}]}
    run_daemon(tmp_path, body, **{"hooks-libraries": [SUBNET_HOOK, LEASE_HOOK]}, **options)
