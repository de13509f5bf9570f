"""Every DHCPv6 command over both channels of a real in-process daemon: the UNIX socket and HTTP.

A :class:`tests.support.control_daemon6` daemon (no DHCP sockets) with every hook library of the
registry opens Kea 2.2's ``control-socket`` (UNIX) and Kea 3's HTTP ``control-sockets`` listener
on 127.0.0.1 (an ephemeral port). :data:`STEPS` holds, for EVERY command the registry registers
(derived from it: a command without steps fails the coverage test), at least one success and one
error answer (result 1 for a wrong or missing argument, 3 for nothing found, 2 for unsupported,
where the command has them) with Kea's result code and text. The steps run in order against one
daemon per channel (the same start state, the same fixed clock), so each channel sees the same
history: the answers must match the table on both, and be the same on both once the HTTP list
wrapper is removed (paths of the daemons' own directories normalised).
"""

from __future__ import annotations

import asyncio
import json
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp
from tests.support.control_daemon6 import dhcp6, new_daemon

from pukeko.control import server_registry
from pukeko.io.daemon6 import Daemon6

HOOK_DIR = "/usr/lib/x86_64-linux-gnu/kea/hooks"
DUID = "01:02:03:04:05:06"
HOST_DUID = "0a:0b:0c:0d"
SUBNET1 = {
    "id": 1,
    "subnet": "2001:db8:1::/64",
    "pools": [{"pool": "2001:db8:1::10 - 2001:db8:1::ff"}],
    "pd-pools": [{"prefix": "2001:db8:8::", "prefix-len": 56, "delegated-len": 64}],
    "reservations": [{"duid": HOST_DUID, "ip-addresses": ["2001:db8:1::99"], "hostname": "h1"}],
}
NET1 = {
    "name": "net1",
    "subnet6": [{"id": 2, "subnet": "2001:db8:2::/64", "pools": [{"pool": "2001:db8:2::/120"}]}],
}
CLASS1 = {"name": "c1", "test": "member('ALL')"}


def hook_libraries() -> list[dict[str, str]]:
    """Every hook library a registered command needs (from the registry itself)."""
    hooks = sorted({c.hook for c in server_registry(6)._commands.values() if c.hook})
    return [{"library": f"{HOOK_DIR}/{name}"} for name in hooks]


def all_commands() -> list[str]:
    """Every command of a DHCPv6 daemon with every hook library loaded."""
    registry = server_registry(6)
    registry.set_hooks(h["library"] for h in hook_libraries())
    return registry.names()


# -- the channels ---------------------------------------------------------------------------------


async def over_unix(path: str, message: dict[str, Any]) -> Any:
    """The answer to one command on the UNIX socket (one command per connection, as Kea)."""
    reader, writer = await asyncio.open_unix_connection(path)
    try:
        writer.write(json.dumps(message).encode())
        await writer.drain()
        data = b""
        while chunk := await asyncio.wait_for(reader.read(65536), 10):
            data += chunk
            try:
                return json.loads(data)
            except ValueError:
                continue
        return json.loads(data)
    finally:
        writer.close()


async def over_http(session: aiohttp.ClientSession, port: int, message: dict[str, Any]) -> Any:
    """The answer to one command over HTTP (the body as sent, parsed)."""
    url = f"http://127.0.0.1:{port}/"
    async with session.post(url, json=message, timeout=aiohttp.ClientTimeout(10)) as response:
        assert response.status == 200, response.status
        return json.loads(await response.text())


class Channels:
    """A started daemon with a UNIX socket and an HTTP listener, and a way to send to either."""

    def __init__(self, daemon: Daemon6, directory: Path, session: aiohttp.ClientSession) -> None:
        self.daemon = daemon
        self.directory = directory
        self.session = session
        self.socket = str(directory / "ctl.sock")
        (endpoint, port), = daemon.http.ports.items()  # fmt: skip
        assert endpoint == ("127.0.0.1", 0) and port > 0
        self.port = port

    async def unix(self, message: dict[str, Any]) -> Any:
        return await over_unix(self.socket, message)

    async def http(self, message: dict[str, Any]) -> Any:
        return await over_http(self.session, self.port, message)


def client_session() -> aiohttp.ClientSession:
    """A session with one connection per command, as kea-shell makes (a reconfiguration
    replaces the listener, which closes kept-alive connections)."""
    return aiohttp.ClientSession(connector=aiohttp.TCPConnector(force_close=True))


def config(directory: Path) -> dict[str, Any]:
    """Both control channels, every hook library, a subnet, a shared network, a class."""
    conf = dhcp6(
        directory,
        **{
            "hooks-libraries": hook_libraries(),
            "control-socket": {"socket-type": "unix", "socket-name": str(directory / "ctl.sock")},
            "control-sockets": [
                {"socket-type": "http", "socket-address": "127.0.0.1", "socket-port": 0}
            ],
            "subnet6": [SUBNET1],
            "shared-networks": [NET1],
            "client-classes": [CLASS1],
            "dhcp-ddns": {"enable-updates": True, "server-port": 1},
        },
    )
    return conf


async def started(
    directory: Path, session: aiohttp.ClientSession, **http_limits: float
) -> Channels:
    path = directory / "pukeko-dhcp6.conf"
    path.write_text(json.dumps(config(directory)))
    daemon = new_daemon(path, directory)
    daemon.http.limits.update(http_limits)
    await daemon.start()
    return Channels(daemon, directory, session)


def short_directory() -> tempfile.TemporaryDirectory[str]:
    """A directory with a short path (a UNIX socket path has at most 107 bytes)."""
    return tempfile.TemporaryDirectory(prefix="pk-ch-")


def normalised(answer: Any, directory: Path) -> Any:
    """``answer`` with the daemon's own directory written as <dir> (the channels' differ)."""
    return json.loads(json.dumps(answer).replace(str(directory), "<dir>"))


# -- the table ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Starts:
    """An answer text that starts with this (long or path-dependent texts)."""

    prefix: str


Text = str | Starts | None  # None: the answer has no text


@dataclass(frozen=True)
class Step:
    """One command sent, and the result code and text (``<dir>``: the daemon's directory)."""

    command: str
    arguments: Any  # JSON, or a function of the daemon's directory giving it
    result: int
    text: Text
    # The arguments the answer must have (None: no arguments), or a test of them.
    shown: Any = "(any)"
    before: Callable[[Path], None] | None = None  # done to the daemon's directory first

    @property
    def kind(self) -> str:
        """ "ok" for a success step, "error" for the others."""
        return "ok" if self.result == 0 else "error"


def ok(command: str, arguments: Any = None, text: Text = None, **more: Any) -> Step:
    return Step(command, arguments, 0, text, **more)


def fail(command: str, arguments: Any, result: int, text: Text, **more: Any) -> Step:
    return Step(command, arguments, result, text, **more)


def has(**keys: Any) -> Callable[[Any], bool]:
    """A test of answer arguments: a map with these values."""
    return lambda args: isinstance(args, dict) and all(args.get(k) == v for k, v in keys.items())


def in_dir(name: str, key: str = "filename") -> Callable[[Path], dict[str, str]]:
    """``{key: <directory>/<name>}``."""
    return lambda directory: {key: str(directory / name)}


def break_config_file(directory: Path) -> None:
    (directory / "pukeko-dhcp6.conf").write_text('{"Dhcp6": {"subnet6": 5}}')


def restore_config_file(directory: Path) -> None:
    (directory / "pukeko-dhcp6.conf").write_text(json.dumps(config(directory)))


NA = {"ip-address": "2001:db8:1::20", "duid": DUID, "iaid": 7, "subnet-id": 1}
NA_DDNS = {**NA, "hostname": "n.example.org.", "fqdn-fwd": True}
NA_40 = {**NA, "ip-address": "2001:db8:1::40", "iaid": 8}
LEASE_SHOWN = has(**{"ip-address": "2001:db8:1::20", "type": "IA_NA", "subnet-id": 1})
ONE_LEASE = "1 IPv6 lease(s) found."
NO_LEASE = "0 IPv6 lease(s) found."
HOST_ID = {"identifier-type": "duid", "identifier": HOST_DUID}
UNKNOWN_ID = {"identifier-type": "duid", "identifier": "0a:0b:0c:0f"}
NEW_HOST = {"subnet-id": 1, "duid": "0a:0b:0c:0e", "ip-addresses": ["2001:db8:1::98"]}
NEW_HOST_ID = {"subnet-id": 1, "identifier-type": "duid", "identifier": "0a:0b:0c:0e"}
ONE_HOST = "1 IPv6 host(s) found."
NO_HOST = "0 IPv6 host(s) found."
SUBNET3 = {"id": 3, "subnet": "2001:db8:3::/64"}
POOL3 = {**SUBNET3, "pools": [{"pool": "2001:db8:3::/120"}]}
SUBNET9 = {"id": 9, "subnet": "2001:db8:9::/64"}
BRIEF3 = {"subnets": [SUBNET3]}
NET2 = {"shared-networks": [{"name": "net2"}]}

# Commands that take no arguments, or ignore them as Kea does, and cannot fail.
NO_ERROR_CASE = frozenset(
    {
        "build-report",
        "config-get",
        "list-commands",
        "server-tag-get",
        "statistic-get-all",
        "statistic-remove-all",
        "statistic-reset-all",
        "status-get",
        "version-get",
    }
)

# Commands that cannot succeed here: no configuration backend exists (Kea 2.2 answers the same).
NO_SUCCESS_CASE = frozenset({"config-backend-pull"})

# In order: later steps see what earlier ones did (the same on both channels).
STEPS: tuple[Step, ...] = (
    # -- the daemon's own commands
    ok("build-report", None, Starts("Pukeko configuration report\n"), shown=None),
    ok("version-get", None, "0.1.0", shown=lambda a: a["extended"].startswith("0.1.0\n")),
    ok("status-get", None, None, shown=has(reload=0, uptime=0)),
    ok("server-tag-get", None, None, shown={"server-tag": ""}),
    ok("list-commands", None, None, shown=lambda a: a == all_commands()),
    fail("no-such-command", None, 2, "'no-such-command' command not supported."),
    fail("config-backend-pull", None, 3, "No config backend."),
    ok("config-get", None, None, shown=lambda a: a["Dhcp6"]["subnet6"][0]["id"] == 1),
    ok(
        "config-test",
        config,
        "Configuration seems sane. Control-socket, hook-libraries, and "
        "D2 configuration were sanity checked, but not applied.",
    ),
    fail("config-test", None, 1, "Missing mandatory 'arguments' parameter."),
    ok("config-set", config, "Configuration successful."),
    fail(
        "config-set",
        {"Dhcp6": {"subnet6": "x"}},
        1,
        "<config-set>:1:23: Dhcp6.subnet6: expected list, got string",
    ),
    ok("config-reload", None, "Configuration successful."),
    fail("config-reload", None, 1, Starts("Config reload failed: "), before=break_config_file),
    ok("config-reload", None, "Configuration successful.", before=restore_config_file),
    ok(
        "config-write",
        in_dir("written.json"),
        "Configuration written to <dir>/written.json successful",
        shown=has(filename="<dir>/written.json"),
    ),
    fail(
        "config-write",
        {"filename": "/nonexistent/dir/x.json"},
        1,
        "Error during write-config:"
        "Unable to open file /nonexistent/dir/x.json for writing: No such file or directory",
    ),
    ok("dhcp-disable", {"max-period": 5}, "DHCPv6 service disabled for 5 seconds"),
    fail("dhcp-disable", {"max-period": "x"}, 1, "'max-period' argument must be a number"),
    ok("dhcp-enable", None, "DHCP service successfully enabled"),
    fail("dhcp-enable", {"origin": "me"}, 1, "invalid value used for 'origin' parameter: me"),
    ok("leases-reclaim", {"remove": True}, "Reclamation of expired leases is complete."),
    fail("leases-reclaim", None, 1, "Missing mandatory 'remove' parameter."),
    # -- lease_cmds
    ok("lease6-add", NA_DDNS, "Lease for address 2001:db8:1::20, subnet-id 1 added."),
    fail("lease6-add", NA, 1, "IPv6 lease already exists."),
    fail("lease6-add", None, 1, "no parameters specified for the command"),
    ok("lease6-get", {"ip-address": "2001:db8:1::20"}, "IPv6 lease found.", shown=LEASE_SHOWN),
    fail("lease6-get", {"ip-address": "2001:db8:1::21"}, 3, "Lease not found."),
    fail("lease6-get", {}, 1, "Mandatory 'subnet-id' parameter missing."),
    ok("lease6-get-all", None, ONE_LEASE),
    fail("lease6-get-all", {"subnets": [7]}, 3, NO_LEASE, shown={"leases": []}),
    fail("lease6-get-all", {"subnets": "x"}, 1, "'subnets' parameter must be a list"),
    ok("lease6-get-page", {"from": "start", "limit": 10}, ONE_LEASE, shown=has(count=1)),
    fail(
        "lease6-get-page",
        {"from": "2001:db8:1::20", "limit": 10},
        3,
        NO_LEASE,
        shown={"count": 0, "leases": []},
    ),
    fail("lease6-get-page", {"from": "start"}, 1, "'limit' parameter not specified"),
    ok("lease6-get-by-duid", {"duid": DUID}, ONE_LEASE),
    fail("lease6-get-by-duid", {"duid": "01:02:03"}, 3, NO_LEASE, shown={"leases": []}),
    fail("lease6-get-by-duid", {}, 1, "'duid' parameter not specified"),
    ok("lease6-get-by-hostname", {"hostname": "N.example.org."}, ONE_LEASE),
    fail("lease6-get-by-hostname", {"hostname": "x"}, 3, NO_LEASE, shown={"leases": []}),
    fail("lease6-get-by-hostname", {"hostname": ""}, 1, "'hostname' parameter is empty"),
    ok("lease6-update", {**NA_DDNS, "valid-lft": 7200}, "IPv6 lease updated."),
    fail(
        "lease6-update",
        {**NA, "ip-address": "2001:db8:1::30"},
        1,
        "failed to update the lease "
        "with address 2001:db8:1::30 either because the lease has been deleted or it has "
        "changed in the database, in both cases a retry might succeed",
    ),
    fail("lease6-update", None, 1, "no parameters specified for lease6-update command"),
    ok(
        "lease6-resend-ddns",
        {"ip-address": "2001:db8:1::20"},
        "NCR generated for: 2001:db8:1::20, hostname: n.example.org.",
    ),
    fail(
        "lease6-resend-ddns",
        {"ip-address": "2001:db8:1::21"},
        3,
        "No lease found for: 2001:db8:1::21",
    ),
    fail("lease6-resend-ddns", {}, 1, "'ip-address' parameter is missing."),
    ok("lease6-write", in_dir("leases.csv"), "IPv6 lease database into '<dir>/leases.csv'."),
    fail("lease6-write", {}, 1, "'filename' parameter not specified"),
    ok("lease6-bulk-apply", {"leases": [NA_40]}, "Bulk apply of 1 IPv6 leases completed."),
    fail(
        "lease6-bulk-apply",
        {"deleted-leases": [{"ip-address": "2001:db8:1::41"}]},
        3,
        "Bulk apply of 0 IPv6 leases completed.",
        shown={
            "failed-deleted-leases": [
                {
                    "error-message": "lease not found",
                    "ip-address": "2001:db8:1::41",
                    "result": 3,
                    "type": "IA_NA",
                }
            ]
        },
    ),
    fail("lease6-bulk-apply", {}, 1, "neither 'deleted-leases' nor 'leases' parameter specified"),
    ok("lease6-del", {"ip-address": "2001:db8:1::40"}, "IPv6 lease deleted."),
    fail("lease6-del", {"ip-address": "2001:db8:1::40"}, 3, "IPv6 lease not found."),
    fail(
        "lease6-del",
        {"ip-address": "x"},
        1,
        "Failed to convert string to address 'x': Invalid argument",
    ),
    # -- stat_cmds (one lease left in subnet 1)
    ok(
        "stat-lease6-get",
        {"subnet-id": 1},
        "stat-lease6-get[subnet-id=1]: 1 rows found",
        shown=lambda a: a["result-set"]["rows"] == [[1, 240, 0, 1, 0, 256, 0, 0]],
    ),
    fail(
        "stat-lease6-get",
        {"subnet-id": 9},
        3,
        "stat-lease6-get[subnet-id=9]: no matching data, subnet-id: 9 does not exist",
        shown={},
    ),
    fail("stat-lease6-get", {"subnet-id": 0}, 1, "'subnet-id' parameter must be > 0"),
    ok("lease6-wipe", {"subnet-id": 1}, "Deleted 1 IPv6 lease(s) from subnet(s) 1"),
    fail("lease6-wipe", {"subnet-id": 1}, 3, "Deleted 0 IPv6 lease(s) from subnet(s) 1"),
    fail(
        "lease6-wipe",
        {"subnet-id": "x"},
        1,
        "invalid type specified for parameter 'subnet-id' (<wire>:0:0)",
    ),
    # -- host_cmds
    ok(
        "reservation-get",
        {"subnet-id": 1, **HOST_ID},
        "Host found.",
        shown=has(hostname="h1", **{"ip-addresses": ["2001:db8:1::99"]}),
    ),
    fail("reservation-get", {"subnet-id": 1, **UNKNOWN_ID}, 3, "Host not found."),
    fail(
        "reservation-get",
        {"subnet-id": 1},
        1,
        "No 'ip-address' provided and 'identifier-type' is either missing or not a string.",
    ),
    ok("reservation-get-all", {"subnet-id": 1}, ONE_HOST),
    fail("reservation-get-all", {"subnet-id": 2}, 3, NO_HOST, shown={"hosts": []}),
    fail("reservation-get-all", {}, 1, "Mandatory 'subnet-id' parameter missing."),
    ok(
        "reservation-get-page",
        {"limit": 10},
        ONE_HOST,
        shown=has(count=1, next={"from": 1, "source-index": 0}),
    ),
    fail(
        "reservation-get-page",
        {"limit": 10, "subnet-id": 2},
        3,
        NO_HOST,
        shown={"count": 0, "hosts": []},
    ),
    fail("reservation-get-page", {}, 1, "Mandatory 'limit' parameter missing."),
    ok("reservation-get-by-hostname", {"hostname": "H1"}, ONE_HOST),
    fail("reservation-get-by-hostname", {"hostname": "zz"}, 3, NO_HOST, shown={"hosts": []}),
    fail("reservation-get-by-hostname", {}, 1, "Mandatory 'hostname' parameter missing."),
    ok("reservation-get-by-id", HOST_ID, ONE_HOST),
    fail("reservation-get-by-id", UNKNOWN_ID, 3, NO_HOST, shown={"hosts": []}),
    fail("reservation-get-by-id", {}, 1, "'identifier-type' is either missing or not a string."),
    ok("reservation-add", {"reservation": NEW_HOST}, "Host added."),
    fail(
        "reservation-add",
        {"reservation": NEW_HOST},
        1,
        "reservation.duid: failed to add new "
        "host using the duid '0a:0b:0c:0e' to the subnet id '1' as this host has already been "
        "added",
    ),
    fail("reservation-add", {}, 1, "reservation must be specified"),
    ok("reservation-update", {"reservation": {**NEW_HOST, "hostname": "h2"}}, "Host updated."),
    fail(
        "reservation-update",
        {"reservation": {**NEW_HOST, "duid": "0a:0b:0c:01"}},
        1,
        "Host not updated (not found).",
    ),
    ok("reservation-del", NEW_HOST_ID, "Host deleted."),
    fail("reservation-del", NEW_HOST_ID, 1, "Host not deleted (not found)."),
    fail("reservation-del", {}, 1, "Mandatory 'subnet-id' parameter missing."),
    # -- class_cmds
    ok("class-list", None, "1 class found", shown={"client-classes": [{"name": "c1"}]}),
    ok("class-get", {"name": "c1"}, "Class 'c1' definition returned"),
    fail("class-get", {"name": "zz"}, 3, "Class 'zz' not found"),
    fail("class-get", {}, 1, "arguments must not be empty for the 'class-get' command"),
    ok(
        "class-add",
        {"client-classes": [{"name": "c2", "test": "member('c1')"}]},
        "Class 'c2' added",
    ),
    fail(
        "class-add",
        {"client-classes": [{"name": "c2"}]},
        1,
        "Can't add class: Client Class: c2 has already been defined",
    ),
    fail("class-add", {}, 1, "arguments must not be empty for the 'class-add' command"),
    ok(
        "class-update",
        {"client-classes": [{"name": "c2", "test": "member('ALL')"}]},
        "Class 'c2' updated",
    ),
    fail("class-update", {"client-classes": [{"name": "c9"}]}, 3, "Class 'c9' is not found"),
    fail("class-update", {}, 1, "arguments must not be empty for the 'class-update' command"),
    ok("class-del", {"name": "c2"}, "Class 'c2' deleted"),
    fail("class-del", {"name": "c2"}, 3, "Class 'c2' not found"),
    fail("class-del", {}, 1, "arguments must not be empty for the 'class-del' command"),
    # -- subnet_cmds: subnets
    ok("subnet6-list", None, "2 IPv6 subnets found"),
    ok("subnet6-get", {"id": 1}, "Info about IPv6 subnet 2001:db8:1::/64 (id 1) returned"),
    fail("subnet6-get", {"id": 9}, 3, "No subnet with id 9 found"),
    fail(
        "subnet6-get",
        {},
        1,
        "invalid number of arguments 0 for the 'subnet6-get' command. Expecting 'id' or 'subnet'",
    ),
    ok("subnet6-add", {"subnet6": [SUBNET3]}, "IPv6 subnet added", shown=BRIEF3),
    fail(
        "subnet6-add",
        {"subnet6": [SUBNET3]},
        1,
        "subnet6[1].id: ID of the new IPv6 subnet '3' "
        "is already in use\nsubnet6[1].subnet: subnet with the prefix of '2001:db8:3::/64' "
        "already exists",
    ),
    fail(
        "subnet6-add",
        {},
        1,
        "invalid number of arguments 0 for the 'subnet6-add' command. Expecting 'subnet6' list",
    ),
    ok(
        "subnet6-update",
        {"subnet6": [{**SUBNET3, "valid-lifetime": 900}]},
        "IPv6 subnet updated",
        shown=BRIEF3,
    ),
    fail("subnet6-update", {"subnet6": [SUBNET9]}, 1, "Can't find subnet '9' to update"),
    ok("subnet6-delta-add", {"subnet6": [POOL3]}, "IPv6 subnet updated", shown=BRIEF3),
    fail(
        "subnet6-delta-add",
        {"subnet6": [{"subnet": "2001:db8:3::/64"}]},
        1,
        "must specify subnet id with 'subnet6-delta-add' command.",
    ),
    ok("subnet6-delta-del", {"subnet6": [POOL3]}, "IPv6 subnet updated", shown=BRIEF3),
    fail("subnet6-delta-del", {"subnet6": [SUBNET9]}, 1, "Can't find subnet '9' to update"),
    ok("subnet6-del", {"id": 3}, "IPv6 subnet 2001:db8:3::/64 (id 3) deleted", shown=BRIEF3),
    fail("subnet6-del", {"id": 3}, 3, "no subnet with id 3 found"),
    fail(
        "subnet6-del",
        {},
        1,
        "invalid number of arguments specified for the 'subnet6-del "
        "command. Expected subnet identifier",
    ),
    # -- subnet_cmds: shared networks
    ok(
        "network6-list", None, "1 IPv6 network found", shown={"shared-networks": [{"name": "net1"}]}
    ),
    ok("network6-get", {"name": "net1"}, "Info about IPv6 shared network 'net1' returned"),
    fail("network6-get", {"name": "zz"}, 3, "No 'zz' shared network found"),
    fail("network6-get", {}, 1, "invalid 'network6-get': missing mandatory 'name' parameter"),
    ok("network6-add", NET2, "A new IPv6 shared network 'net2' added", shown=NET2),
    fail("network6-add", NET2, 1, "duplicate network 'net2' found in the configuration"),
    fail(
        "network6-add", {}, 1, "missing 'shared-networks' argument for the 'network6-add' command"
    ),
    ok(
        "network6-subnet-add",
        {"name": "net2", "id": 1},
        "IPv6 subnet 2001:db8:1::/64 (id 1) is now part of shared network 'net2'",
    ),
    fail(
        "network6-subnet-add",
        {"name": "zz", "id": 1},
        3,
        "no IPv6 shared network with name 'zz' found",
    ),
    fail(
        "network6-subnet-add",
        {"name": "net2"},
        1,
        "missing 'id' argument for the 'network6-subnet-add' command",
    ),
    ok(
        "network6-subnet-del",
        {"name": "net2", "id": 1},
        "IPv6 subnet 2001:db8:1::/64 (id 1) is now removed from shared network 'net2'",
    ),
    fail(
        "network6-subnet-del",
        {"name": "net2", "id": 1},
        3,
        "The IPv6 subnet with id 1 is not part of the shared network with name 'net2' found",
    ),
    fail(
        "network6-subnet-del",
        {"name": "net2"},
        1,
        "missing 'id' argument for the 'network6-subnet-del' command",
    ),
    ok("network6-del", {"name": "net2"}, "IPv6 shared network 'net2' deleted", shown=NET2),
    fail("network6-del", {"name": "net2"}, 3, "no shared network with name 'net2' found"),
    fail("network6-del", {}, 1, "network name ('name') is required for the 'network6-del' command"),
    # -- statistics (they change every statistic: late)
    ok(
        "statistic-get",
        {"name": "pkt6-received"},
        None,
        shown=lambda a: a["pkt6-received"][0][0] == 0,
    ),
    fail("statistic-get", None, 1, "Missing mandatory 'name' parameter."),
    ok("statistic-reset", {"name": "pkt6-received"}, "Statistic 'pkt6-received' reset."),
    fail("statistic-reset", {"name": "nope"}, 1, "No 'nope' statistic found"),
    ok(
        "statistic-sample-age-set",
        {"name": "pkt6-received", "duration": 5},
        "Statistic 'pkt6-received' duration limit is set.",
    ),
    fail(
        "statistic-sample-age-set",
        {"name": "pkt6-received"},
        1,
        "Missing mandatory 'duration' parameter.",
    ),
    ok(
        "statistic-sample-count-set",
        {"name": "pkt6-received", "max-samples": 5},
        "Statistic 'pkt6-received' count limit is set.",
    ),
    fail(
        "statistic-sample-count-set",
        {"name": "pkt6-received"},
        1,
        "Missing mandatory 'max-samples' parameter.",
    ),
    ok("statistic-sample-age-set-all", {"duration": 5}, "All statistics duration limit are set."),
    fail("statistic-sample-age-set-all", None, 1, "Missing mandatory 'duration' parameter."),
    ok("statistic-sample-count-set-all", {"max-samples": 5}, "All statistics count limit are set."),
    fail("statistic-sample-count-set-all", None, 1, "Missing mandatory 'max-samples' parameter."),
    ok("statistic-get-all", None, None, shown=lambda a: "pkt6-received" in a),
    ok("statistic-reset-all", None, "All statistics reset to neutral values."),
    ok("statistic-remove", {"name": "pkt6-received"}, "Statistic 'pkt6-received' removed."),
    fail("statistic-remove", {"name": "pkt6-received"}, 1, "No 'pkt6-received' statistic found"),
    ok(
        "statistic-remove-all",
        None,
        "Warning: statistic-remove-all command is deprecated. All statistics removed.",
    ),
    # -- nothing left to list: result 3
    ok("subnet6-del", {"id": 1}, "IPv6 subnet 2001:db8:1::/64 (id 1) deleted"),
    ok(
        "network6-del",
        {"name": "net1", "subnets-action": "delete"},
        "IPv6 shared network 'net1' deleted",
    ),
    fail("subnet6-list", None, 3, "0 IPv6 subnets found", shown={"subnets": []}),
    fail("network6-list", None, 3, "0 IPv6 networks found", shown={"shared-networks": []}),
    ok("class-del", {"name": "c1"}, "Class 'c1' deleted"),
    fail("class-list", None, 3, "0 classes found", shown={"client-classes": []}),
    # -- last: the daemon begins to stop (the answer is still sent)
    fail("shutdown", {"exit-value": "x"}, 1, "parameter 'exit-value' is not an integer"),
    ok("shutdown", None, "Shutting down."),
)


# -- running the table ----------------------------------------------------------------------------


def message_of(step: Step, directory: Path) -> dict[str, Any]:
    message: dict[str, Any] = {"command": step.command}
    arguments = step.arguments(directory) if callable(step.arguments) else step.arguments
    if arguments is not None:
        message["arguments"] = arguments
    return message


def problems_of(step: Step, answer: Any) -> list[str]:
    """How ``answer`` (normalised) differs from what ``step`` expects."""
    out: list[str] = []
    if not isinstance(answer, dict) or answer.get("result") != step.result:
        return [f"result: expected {step.result}, got {answer!r:.300}"]
    text = answer.get("text")
    if isinstance(step.text, Starts):
        if not isinstance(text, str) or not text.startswith(step.text.prefix):
            out.append(f"text: expected to start with {step.text.prefix!r}, got {text!r}")
    elif text != step.text:
        out.append(f"text: expected {step.text!r}, got {text!r}")
    shown = answer.get("arguments")
    if callable(step.shown):
        if not step.shown(shown):
            out.append(f"arguments: {shown!r:.300}")
    elif step.shown != "(any)" and shown != step.shown:
        out.append(f"arguments: expected {step.shown!r}, got {shown!r:.300}")
    return out


async def run_table(channel: str) -> list[Any]:
    """Every step on a fresh daemon over ``channel`` ("unix" or "http"): the answers
    (normalised, unwrapped), after checking each against the table."""
    answers: list[Any] = []
    failures: list[str] = []
    with short_directory() as name:
        directory = Path(name)
        async with client_session() as session:
            channels = await started(directory, session)
            try:
                for index, step in enumerate(STEPS):
                    if step.before is not None:
                        step.before(directory)
                    message = message_of(step, directory)
                    if channel == "unix":
                        answer = await channels.unix(message)
                    else:
                        wrapped = await channels.http(message)
                        assert isinstance(wrapped, list) and len(wrapped) == 1, wrapped
                        answer = wrapped[0]
                    answer = normalised(answer, directory)
                    answers.append(answer)
                    failures += [
                        f"{channel} step {index} {step.command}: {p}"
                        for p in problems_of(step, answer)
                    ]
            finally:
                await channels.daemon.stop()
    assert not failures, "\n".join(failures)
    return answers


def test_every_command_has_a_success_and_an_error_step() -> None:
    commands = all_commands()
    kinds = {(step.command, step.kind) for step in STEPS}
    missing = [
        f"{name} ({kind})"
        for name in commands
        for kind in ("ok", "error")
        if (name, kind) not in kinds
        and not (kind == "error" and name in NO_ERROR_CASE)
        and not (kind == "ok" and name in NO_SUCCESS_CASE)
    ]
    assert not missing, f"commands without a table row: {missing}"
    assert set(commands) >= NO_ERROR_CASE | NO_SUCCESS_CASE
    assert len(commands) >= 64  # every hook library is loaded
    unknown = {step.command for step in STEPS} - set(commands)
    assert unknown == {"no-such-command"}


def test_every_command_answers_the_same_over_unix_and_http() -> None:
    async def main() -> tuple[list[Any], list[Any]]:
        return await run_table("unix"), await run_table("http")

    unix, http = asyncio.run(main())
    assert len(unix) == len(http) == len(STEPS)
    differ = [
        f"step {i} {step.command}: unix {a!r:.200} http {b!r:.200}"
        for i, (step, a, b) in enumerate(zip(STEPS, unix, http, strict=True))
        if a != b
    ]
    assert not differ, "\n".join(differ)


def test_unknown_command_and_service_argument_on_both_channels() -> None:
    async def main() -> None:
        with short_directory() as name:
            directory = Path(name)
            async with client_session() as session:
                channels = await started(directory, session)
                try:
                    unknown = {"command": "foo-bar"}
                    expected = {"result": 2, "text": "'foo-bar' command not supported."}
                    assert await channels.unix(unknown) == expected
                    assert await channels.http(unknown) == [expected]
                    # Kea 2's Control Agent clients (kea-shell) send "service": ["dhcp6"]
                    plain = {"command": "subnet6-list"}
                    routed = {**plain, "service": ["dhcp6"]}
                    via_unix = await channels.unix(plain)
                    assert via_unix["result"] == 0 and via_unix["text"] == "2 IPv6 subnets found"
                    assert await channels.http(routed) == [via_unix]
                    assert await channels.unix(routed) == via_unix
                    get = {"command": "lease6-get", "arguments": {"ip-address": "2001:db8:1::5"}}
                    lost = {"result": 3, "text": "Lease not found."}
                    assert await channels.http({**get, "service": ["dhcp6"]}) == [lost]
                finally:
                    await channels.daemon.stop()

    asyncio.run(main())


def test_kept_alive_http_connection_survives_reconfiguration_unless_its_listener_changes() -> None:
    """Unchanged listener settings keep the listener and its connections; a change renews it."""

    async def main() -> None:
        with short_directory() as name:
            directory = Path(name)
            opened: list[int] = []

            async def on_open(*_: object) -> None:
                opened.append(1)

            tracing = aiohttp.TraceConfig()
            tracing.on_connection_create_end.append(on_open)
            connector = aiohttp.TCPConnector(limit=1)  # one kept-alive connection, reused
            async with aiohttp.ClientSession(
                connector=connector, trace_configs=[tracing]
            ) as session:
                channels = await started(directory, session, stop_grace=0.5)

                async def send(message: dict[str, Any]) -> Any:
                    url = f"http://127.0.0.1:{channels.port}/"
                    async with session.post(url, json=message) as response:
                        return json.loads(await response.text())

                try:
                    await send({"command": "subnet6-list"})
                    added = await send(
                        {
                            "command": "subnet6-add",
                            "arguments": {"subnet6": [{"id": 77, "subnet": "2001:db8:77::/64"}]},
                        }
                    )
                    assert added[0]["result"] == 0, added
                    await send({"command": "subnet6-list"})
                    assert len(opened) == 1  # the same connection throughout
                    running = (await channels.unix({"command": "config-get"}))["arguments"]
                    same = await send({"command": "config-set", "arguments": running})
                    assert same[0]["result"] == 0, same
                    await send({"command": "subnet6-list"})
                    assert len(opened) == 1  # unchanged listener settings: kept as well
                    socket_map = running["Dhcp6"]["control-sockets"][0]
                    socket_map["http-headers"] = [{"name": "X-Site", "value": "north"}]
                    changed = await send({"command": "config-set", "arguments": running})
                    assert changed[0]["result"] == 0, changed
                    try:
                        await send({"command": "subnet6-list"})
                    except aiohttp.ServerDisconnectedError:  # closed by the replaced listener
                        await send({"command": "subnet6-list"})
                    assert len(opened) == 2
                finally:
                    await session.close()  # no kept-alive connection for the stop to wait on
                    await channels.daemon.stop()

    asyncio.run(main())
