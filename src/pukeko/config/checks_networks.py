"""Checks of subnets, pools, prefix delegation pools and shared networks (Kea 2.2 rules).

Sources: Kea's Subnet6ConfigParser / Subnet4ConfigParser, PoolParser, PdPoolParser,
SharedNetwork{4,6}Parser, CfgSubnets{4,6}::add and the shared-network sanity checks of
json_config_parser.cc (ARM "IPv6 Subnets", "Prefix Delegation", "Shared Networks").
"""

from __future__ import annotations

from collections.abc import Callable
from ipaddress import IPv4Address, IPv6Address

from pukeko.config.checks_base import (
    Collector,
    IPAddress,
    IPNetwork,
    SubnetEntry,
    as_list,
    assign_subnet_ids,
    maps,
    network_of,
    parse_address,
    parse_prefix,
    subnet_entries,
    subnet_key,
)
from pukeko.config.checks_params import SCOPE_KEYS, Scope, check_scope
from pukeko.config.errors import KeyPath
from pukeko.config.inherit import derive, effective

# Called with (collector, option-data list, path).
OptionCheck = Callable[[Collector, object, KeyPath], None]
# Called with (collector, reservations list, path, subnet network, subnet id).
HostCheck = Callable[[Collector, object, KeyPath, IPNetwork | None, int], None]

Range = tuple[int, int]

# Pkt4 sname / file field sizes minus the terminating NUL (RFC 2131 §2).
MAX_SNAME = 63
MAX_FILE = 127


def parse_pool_text(text: str, family: int) -> tuple[IPAddress, IPAddress] | str:
    """First and last address of a pool written ``a - b`` or ``prefix/len``; or an error."""
    compact = text.replace(" ", "").replace("\t", "")
    if "/" in compact:
        parsed = parse_prefix(compact, family)
        if parsed is None:
            return f"Failed to parse pool definition: {compact}"
        net = network_of(*parsed)
        return parsed[0], net.broadcast_address
    if "-" in compact:
        first_text, _, last_text = compact.partition("-")
        first, last = parse_address(first_text, family), parse_address(last_text, family)
        if first is None or last is None:
            return f"Failed to parse pool definition: {compact}"
        if int(last) < int(first):
            return f"Failed to create pool defined by: {compact}"
        return first, last
    return (
        f"invalid pool definition: {text}. There are two acceptable formats "
        "<min address-max address> or <prefix/len>"
    )


def parse_subnet_text(text: str, family: int) -> tuple[IPAddress, int] | str:
    """The prefix and length of a ``subnet`` value, or the error Kea gives."""
    addr_text, slash, len_text = text.partition("/")
    if not slash:
        return f"Invalid subnet syntax (prefix/len expected):{text}"
    if not len_text.isdigit():
        return f"prefix length: '{len_text}' is not an integer"
    addr = parse_address(addr_text, family)
    if addr is None:
        other = parse_address(addr_text, 10 - family)
        kind = "IPv6" if family == 6 else "IPv4"
        if other is not None:
            return f"Non {kind} prefix {addr_text} specified in subnet{family}"
        return f"Failed to convert '{addr_text}' to address"
    length = int(len_text)
    if length == 0 or length > addr.max_prefixlen:
        return f"Invalid prefix length specified for subnet: {length}"
    return addr, length


class NetworkChecks:
    """Runs the subnet / shared-network rules over one server configuration."""

    def __init__(self, c: Collector, check_options: OptionCheck, check_hosts: HostCheck) -> None:
        self.c = c
        self.family = c.family
        self.check_options = check_options
        self.check_hosts = check_hosts
        # parents (shared network map or none) whose scope a subnet writing nothing of its own
        # was checked under: the next such subnet would only repeat the same findings
        self._scopes_checked: set[int] = set()

    def run(self, conf: dict[str, object], base: KeyPath) -> None:
        """Check every shared network and subnet under ``conf`` (at ``base``)."""
        global_scope: Scope = [(base, conf)]
        check_scope(self.c, global_scope, self.family, is_global=True)
        self._shared_networks(conf, base)
        entries = subnet_entries(conf, self.family, base)
        ids = assign_subnet_ids(entries)
        seen_ids: dict[int, KeyPath] = {}
        seen_prefixes: dict[tuple[IPAddress, int], KeyPath] = {}
        for entry, subnet_id in zip(entries, ids, strict=True):
            parsed = self._subnet(entry, conf, base, subnet_id)
            if subnet_id in seen_ids:
                self.c.error(
                    (*entry.path, "id") if "id" in entry.subnet else entry.path,
                    f"ID of the new IPv{self.family} subnet '{subnet_id}' is already in use",
                )
            seen_ids.setdefault(subnet_id, entry.path)
            if parsed is not None:
                if parsed in seen_prefixes:
                    self.c.error(
                        (*entry.path, "subnet"),
                        f"subnet with the prefix of '{parsed[0]}/{parsed[1]}' already exists",
                    )
                seen_prefixes.setdefault(parsed, entry.path)

    # -- subnets ----------------------------------------------------------------------------

    def _subnet(
        self, entry: SubnetEntry, conf: dict[str, object], base: KeyPath, subnet_id: int
    ) -> tuple[IPAddress, int] | None:
        sub, path = entry.subnet, entry.path
        scope: Scope = [(path, sub)]
        if entry.shared is not None and entry.shared_path is not None:
            parent = derive(conf, entry.shared, self.family)
            scope.append((entry.shared_path, parent))
        scope.append((base, conf))
        parents = id(entry.shared) if entry.shared is not None else 0
        if not SCOPE_KEYS.isdisjoint(sub):
            check_scope(self.c, scope, self.family)
        elif parents not in self._scopes_checked:
            self._scopes_checked.add(parents)
            check_scope(self.c, scope, self.family)
        self._interface_pair(path, sub)
        self._relay(path, sub)
        self._v4_fields(path, sub)
        self._class_names(path, sub)
        self.check_options(self.c, sub.get("option-data"), (*path, "option-data"))
        text = sub.get("subnet")
        if not isinstance(text, str):
            self.c.error(
                path, "mandatory 'subnet' parameter is missing for a subnet being configured"
            )
            return None
        parsed = parse_subnet_text(text, self.family)
        if isinstance(parsed, str):
            self.c.error((*path, "subnet"), parsed)
            self.check_hosts(
                self.c, sub.get("reservations"), (*path, "reservations"), None, subnet_id
            )
            return None
        net = network_of(*parsed)
        self._pools(path, sub, net)
        self.check_hosts(self.c, sub.get("reservations"), (*path, "reservations"), net, subnet_id)
        return parsed

    def _pools(self, path: KeyPath, sub: dict[str, object], net: IPNetwork) -> None:
        taken: list[tuple[Range, KeyPath]] = []
        for i, pool in maps(sub.get("pools")):
            pool_path = (*path, "pools", i)
            self._class_names(pool_path, pool)
            self.check_options(self.c, pool.get("option-data"), (*pool_path, "option-data"))
            text = pool.get("pool")
            if not isinstance(text, str):
                self.c.error(pool_path, "Mandatory 'pool' entry missing in definition")
                continue
            parsed = parse_pool_text(text, self.family)
            if isinstance(parsed, str):
                self.c.error((*pool_path, "pool"), parsed)
                continue
            first, last = parsed
            if first not in net or last not in net:
                self.c.error(
                    (*pool_path, "pool"),
                    f"a pool with the following address range: "
                    f"{first}-{last} does not match the prefix of a subnet: {net}",
                )
                continue
            self._no_overlap(taken, (int(first), int(last)), (*pool_path, "pool"), net)
        if self.family == 6:
            for i, pd in maps(sub.get("pd-pools")):
                pd_path = (*path, "pd-pools", i)
                span = self._pd_pool(pd_path, pd)
                if span is not None:
                    self._no_overlap(taken, span, pd_path, net)

    def _no_overlap(
        self, taken: list[tuple[Range, KeyPath]], span: Range, path: KeyPath, net: IPNetwork
    ) -> None:
        for other, other_path in taken:
            if span[0] <= other[1] and other[0] <= span[1]:
                kind = IPv6Address if self.family == 6 else IPv4Address
                self.c.error(
                    path,
                    f"a pool with the following address range: "
                    f"{kind(span[0])}-{kind(span[1])} overlaps with an existing pool "
                    f"in the subnet: {net} (at {'.'.join(map(str, other_path[-2:]))})",
                )
                return
        taken.append((span, path))

    def _pd_pool(self, path: KeyPath, pd: dict[str, object]) -> Range | None:
        """RFC 8415 §6.3 delegation pool and RFC 6603 §4.2 excluded prefix rules."""
        self._class_names(path, pd)
        self.check_options(self.c, pd.get("option-data"), (*path, "option-data"))
        prefix, plen, dlen = pd.get("prefix"), pd.get("prefix-len"), pd.get("delegated-len")
        if not isinstance(prefix, str) or not isinstance(plen, int) or not isinstance(dlen, int):
            self.c.error(path, "pd-pool requires 'prefix', 'prefix-len' and 'delegated-len'")
            return None
        addr = parse_address(prefix, 6)
        if addr is None:
            self.c.error((*path, "prefix"), f"Failed to convert string to address '{prefix}'")
            return None
        if not 0 < plen <= 128:
            self.c.error((*path, "prefix-len"), f"Invalid prefix length: {plen}")
            return None
        if dlen < plen or dlen > 128:
            self.c.error(
                (*path, "delegated-len"),
                f"Delegated length ({dlen}) must be longer than or equal to prefix length ({plen})",
            )
            return None
        self._excluded_prefix(path, pd, addr, dlen)
        net = network_of(addr, plen)
        return int(addr), int(net.broadcast_address)

    def _excluded_prefix(
        self, path: KeyPath, pd: dict[str, object], addr: IPAddress, dlen: int
    ) -> None:
        text = pd.get("excluded-prefix", "::")
        xlen = pd.get("excluded-prefix-len", 0)
        if not isinstance(text, str) or not isinstance(xlen, int):
            return
        xaddr = parse_address(text, 6)
        if xaddr is None:
            self.c.error(
                (*path, "excluded-prefix"), f"Failed to convert string to address '{text}'"
            )
            return
        if (int(xaddr) == 0) != (xlen == 0):
            self.c.error((*path, "excluded-prefix"), f"invalid excluded prefix {xaddr}/{xlen}")
            return
        if xlen == 0:
            return
        delegated = network_of(addr, dlen)
        if xlen > 128 or xlen <= dlen:
            self.c.error(
                (*path, "excluded-prefix-len"),
                f"length of the excluded prefix "
                f"{xaddr}/{xlen} must be greater than the length of the delegated "
                f"prefix {delegated}",
            )
        elif xaddr not in delegated:
            self.c.error(
                (*path, "excluded-prefix"),
                f"excluded prefix {xaddr}/{xlen} must have "
                f"the same common prefix part of {dlen} as the delegated prefix "
                f"{delegated}",
            )

    # -- per-level fields -------------------------------------------------------------------

    def _interface_pair(self, path: KeyPath, level: dict[str, object]) -> None:
        """interface (local link) and interface-id (relayed) exclude each other (DHCPv6)."""
        if self.family == 6 and level.get("interface") and level.get("interface-id"):
            self.c.error(
                (*path, "interface-id"),
                "interface (defined for locally reachable "
                "subnets) and interface-id (defined for subnets reachable via relays) "
                "cannot be defined at the same time",
            )

    def _relay(self, path: KeyPath, level: dict[str, object]) -> None:
        relay = level.get("relay")
        if not isinstance(relay, dict):
            return
        rpath = (*path, "relay")
        if "ip-address" in relay and "ip-addresses" in relay:
            self.c.error(rpath, "specify either ip-address or ip-addresses, not both")
            return
        if "ip-address" in relay:
            values: list[tuple[KeyPath, object]] = [((*rpath, "ip-address"), relay["ip-address"])]
        else:
            values = [
                ((*rpath, "ip-addresses", i), v)
                for i, v in enumerate(as_list(relay.get("ip-addresses")))
            ]
        for vpath, value in values:
            if not isinstance(value, str) or parse_address(value, self.family) is None:
                self.c.error(vpath, f"address {value} is not a valid IPv{self.family} address")

    def _v4_fields(self, path: KeyPath, level: dict[str, object]) -> None:
        """BOOTP header fields of DHCPv4 networks (RFC 2131 §2: siaddr, sname, file)."""
        if self.family != 4:
            return
        nxt = level.get("next-server")
        if isinstance(nxt, str) and nxt and parse_address(nxt, 4) is None:
            self.c.error((*path, "next-server"), f"invalid parameter next-server : {nxt}")
        for key, limit in (("server-hostname", MAX_SNAME), ("boot-file-name", MAX_FILE)):
            value = level.get(key)
            if isinstance(value, str) and len(value.encode()) > limit:
                self.c.error(
                    (*path, key),
                    f"{key} must be at most {limit} bytes long, it is {len(value.encode())}",
                )
        for key in ("4o6-subnet",):
            value = level.get(key)
            if isinstance(value, str) and value and parse_prefix(value, 6) is None:
                self.c.error(
                    (*path, key),
                    f"Invalid 4o6-subnet parameter: {value}, expected format: prefix6/length",
                )

    def _class_names(self, path: KeyPath, level: dict[str, object]) -> None:
        for i, name in enumerate(as_list(level.get("require-client-classes"))):
            if not isinstance(name, str) or not name:
                self.c.error((*path, "require-client-classes", i), "invalid class name")

    # -- shared networks --------------------------------------------------------------------

    def _shared_networks(self, conf: dict[str, object], base: KeyPath) -> None:
        names: dict[str, KeyPath] = {}
        for n, net in maps(conf.get("shared-networks")):
            path = (*base, "shared-networks", n)
            name = net.get("name")
            if not isinstance(name, str) or not name:
                self.c.error(path, "Shared-network is missing mandatory 'name' parameter")
            elif name in names:
                self.c.error((*path, "name"), f"A shared-network with name {name} defined twice.")
            else:
                names[name] = path
            check_scope(self.c, [(path, derive(conf, net, self.family)), (base, conf)], self.family)
            self._interface_pair(path, net)
            self._relay(path, net)
            self._v4_fields(path, net)
            self._class_names(path, net)
            self.check_options(self.c, net.get("option-data"), (*path, "option-data"))
            self._shared_consistency(path, net, conf)

    def _shared_consistency(
        self, path: KeyPath, net: dict[str, object], conf: dict[str, object]
    ) -> None:
        """Subnets of one link share interface, rapid-commit (v6) and authoritative (v4)."""
        key = subnet_key(self.family)
        iface = net.get("interface") if isinstance(net.get("interface"), str) else ""
        first_rapid: object = None
        for i, sub in maps(net.get(key)):
            spath = (*path, key, i)
            if self.family == 6:
                rapid = effective("rapid-commit", sub, net, default=False)
                if i == 0 or first_rapid is None:
                    first_rapid = rapid
                elif rapid != first_rapid:
                    self.c.error(
                        spath,
                        "All subnets in a shared network must have the same "
                        f"rapid-commit value. Subnet has specified rapid-commit {rapid}, "
                        f"but earlier subnet in the same shared-network or the "
                        f"shared-network itself used rapid-commit {first_rapid}",
                    )
            else:
                auth = effective("authoritative", sub, net, conf, default=False)
                net_auth = effective("authoritative", net, conf, default=False)
                if auth != net_auth:
                    self.c.error(
                        spath,
                        f"Subnet has different authoritative setting {auth} "
                        f"than the shared-network itself: {net_auth}",
                    )
            sub_iface = sub.get("interface")
            if not isinstance(sub_iface, str) or not sub_iface:
                continue
            if not iface:
                iface = sub_iface
            elif sub_iface != iface:
                self.c.error(
                    (*spath, "interface"),
                    f"Subnet has specified interface {sub_iface}, "
                    "but earlier subnet in the same shared-network or the "
                    f"shared-network itself used {iface}",
                )
