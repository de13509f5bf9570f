"""The DHCPv6 service socket: one UDP socket on ``[::]:547`` for every configured interface.

The socket has IPV6_RECVPKTINFO, so each datagram carries the interface it arrived on and the
address it was sent to; the socket joins All_DHCP_Relay_Agents_and_Servers (ff02::1:2) and
All_DHCP_Servers (ff05::1:3) on each configured interface (RFC 8415 §7.1). A datagram is
accepted when it arrived on an active interface and was sent to one of those groups or to the
interface's link-local address, or when it was sent to a configured ``iface/address`` unicast
address. Replies leave with IPV6_PKTINFO naming the arrival interface (and, for a unicast query,
the address the query was sent to as the source). Which interfaces are active, and the retries
of ``service-sockets-*``, are :class:`ServiceSockets`'s job.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import socket
import struct
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from ipaddress import IPv6Address
from typing import Any, NamedTuple

from pukeko.config.model import InterfacesConfig
from pukeko.io.interfaces import Interface, list_interfaces, wildcard_candidates
from pukeko.server.outcome import LinkInfo, LogEvent

ALL_DHCP_RELAY_AGENTS_AND_SERVERS = "ff02::1:2"
ALL_DHCP_SERVERS = "ff05::1:3"
DHCP_GROUPS = (ALL_DHCP_RELAY_AGENTS_AND_SERVERS, ALL_DHCP_SERVERS)
SERVER_PORT = 547  # RFC 8415 §7.2
CLIENT_PORT = 546
MAX_DATAGRAM = 65535
RECEIVE_BUFFER = 4 * 1024 * 1024
_PKTINFO = struct.Struct("16sI")  # struct in6_pktinfo
# SO_TIMESTAMPNS: the kernel stamps each datagram with its arrival time (struct timespec), so
# the packet loop can tell how long it queued (Linux; 35 where Python lacks the constant).
SO_TIMESTAMPNS = getattr(socket, "SO_TIMESTAMPNS", 35)
_TIMESPEC = struct.Struct("qq")
_CMSG_SPACE = socket.CMSG_SPACE(_PKTINFO.size) + socket.CMSG_SPACE(_TIMESPEC.size)
_UNSPECIFIED = bytes(16)
_IPPROTO_IPV6 = socket.IPPROTO_IPV6
_IPV6_PKTINFO = socket.IPV6_PKTINFO
_SOL_SOCKET = socket.SOL_SOCKET
_CACHE_LIMIT = 4096  # entries per per-packet lookup cache before it is emptied
Ancillary = list[tuple[int, int, bytes]]


class Datagram(NamedTuple):
    """One received datagram with where it came from and where it went."""

    data: bytes
    source: str  # without a %zone suffix
    source_port: int
    ifindex: int
    destination: str
    received: float = 0.0  # kernel arrival time (seconds since the epoch), 0.0: unknown


def is_link_local(address: str) -> bool:
    """True for fe80::/10 text (fast test on canonical lower-case text)."""
    return address[:3] == "fe8" or address[:3] in ("fe9", "fea", "feb")


def _pktinfo(ancdata: list[tuple[int, int, bytes]]) -> tuple[str, int]:
    for level, kind, payload in ancdata:
        if level == socket.IPPROTO_IPV6 and kind == socket.IPV6_PKTINFO:
            address, ifindex = _PKTINFO.unpack_from(payload)
            return socket.inet_ntop(socket.AF_INET6, address), ifindex
    return "", 0


def _bounded(cache: dict[Any, Any]) -> None:
    if len(cache) >= _CACHE_LIMIT:
        cache.clear()


class Dhcp6Socket:
    """The UDP socket: bind, join and leave groups, receive in batches, send with PKTINFO."""

    def __init__(self, port: int = SERVER_PORT, receive_buffer: int = RECEIVE_BUFFER) -> None:
        self.port = port
        self.receive_buffer = receive_buffer
        self.sock: socket.socket | None = None
        self.joined: set[tuple[str, int]] = set()
        # per-packet work done once: PKTINFO bytes -> (destination, ifindex), and
        # (source, ifindex) -> the ancillary data of a reply
        self._arrivals: dict[bytes, tuple[str, int]] = {}
        self._replies: dict[tuple[str, int], Ancillary] = {}

    @property
    def is_open(self) -> bool:
        """True once bound."""
        return self.sock is not None

    def fileno(self) -> int:
        """The descriptor (for loop.add_reader)."""
        if self.sock is None:
            raise OSError(errno.EBADF, "socket not open")
        return self.sock.fileno()

    def open(self) -> None:
        """Create and bind the socket (OSError when the port cannot be bound)."""
        if self.sock is not None:
            return
        sock = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
        try:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
            sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_RECVPKTINFO, 1)
            with contextlib.suppress(OSError):  # without it no datagram is known to be stale
                sock.setsockopt(socket.SOL_SOCKET, SO_TIMESTAMPNS, 1)
            sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_MULTICAST_LOOP, 0)
            self._grow_receive_buffer(sock)
            sock.bind(("::", self.port))
            sock.setblocking(False)
        except OSError:
            sock.close()
            raise
        self.sock = sock

    def _grow_receive_buffer(self, sock: socket.socket) -> None:
        # Best effort: the kernel caps it at net.core.rmem_max.
        with contextlib.suppress(OSError):
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, self.receive_buffer)

    def join(self, ifindex: int) -> None:
        """Join the DHCPv6 groups on interface ``ifindex`` (already joined is fine)."""
        for group in DHCP_GROUPS:
            if (group, ifindex) in self.joined:
                continue
            self._membership(socket.IPV6_JOIN_GROUP, group, ifindex, errno.EADDRINUSE)
            self.joined.add((group, ifindex))

    def leave(self, ifindex: int) -> None:
        """Leave the groups on ``ifindex`` (the interface may be gone already)."""
        for group in DHCP_GROUPS:
            if (group, ifindex) not in self.joined:
                continue
            self.joined.discard((group, ifindex))
            with contextlib.suppress(OSError):
                self._membership(socket.IPV6_LEAVE_GROUP, group, ifindex, errno.EADDRNOTAVAIL)

    def _membership(self, option: int, group: str, ifindex: int, benign: int) -> None:
        if self.sock is None:
            raise OSError(errno.EBADF, "socket not open")
        mreq = socket.inet_pton(socket.AF_INET6, group) + struct.pack("@I", ifindex)
        try:
            self.sock.setsockopt(socket.IPPROTO_IPV6, option, mreq)
        except OSError as exc:
            if exc.errno != benign:
                raise

    def receive_batch(self, limit: int) -> list[Datagram]:
        """Up to ``limit`` datagrams that are waiting now (never blocks)."""
        out: list[Datagram] = []
        sock = self.sock
        if sock is None:
            return out
        recvmsg = sock.recvmsg
        arrivals = self._arrivals
        while len(out) < limit:
            try:
                data, ancdata, _flags, address = recvmsg(MAX_DATAGRAM, _CMSG_SPACE)
            except (BlockingIOError, InterruptedError):
                break
            key = b""
            received = 0.0
            for level, kind, payload in ancdata:
                if level == _IPPROTO_IPV6 and kind == _IPV6_PKTINFO:
                    key = payload
                elif level == _SOL_SOCKET and kind == SO_TIMESTAMPNS and len(payload) >= 16:
                    seconds, nanoseconds = _TIMESPEC.unpack_from(payload)
                    received = seconds + nanoseconds * 1e-9
            arrival = arrivals.get(key) if key else None
            if arrival is None:
                arrival = _pktinfo(ancdata)
                if key:
                    _bounded(arrivals)
                    arrivals[key] = arrival
            source = address[0]
            if "%" in source:
                source = source.partition("%")[0]
            out.append(Datagram(data, source, address[1], arrival[1], arrival[0], received))
        return out

    def send(
        self, data: bytes, destination: str, port: int, ifindex: int, source: str = ""
    ) -> None:
        """Send ``data`` out of interface ``ifindex`` (OSError when the kernel refuses)."""
        if self.sock is None:
            raise OSError(errno.EBADF, "socket not open")
        ancillary = self._replies.get((source, ifindex))
        if ancillary is None:
            local = socket.inet_pton(socket.AF_INET6, source) if source else _UNSPECIFIED
            info = _PKTINFO.pack(local, ifindex)
            ancillary = [(socket.IPPROTO_IPV6, socket.IPV6_PKTINFO, info)]
            _bounded(self._replies)
            self._replies[(source, ifindex)] = ancillary
        scope = ifindex if is_link_local(destination) else 0
        self.sock.sendmsg([data], ancillary, 0, (destination, port, 0, scope))

    def close(self) -> None:
        """Close the socket (memberships go with it)."""
        if self.sock is not None:
            self.sock.close()
        self.sock = None
        self.joined.clear()


def reply_source(query_destination: str) -> str:
    """The source address for a reply: the query's unicast destination, or "" for the kernel."""
    if not query_destination or query_destination[:2] == "ff":
        return ""
    return query_destination


@dataclass(frozen=True, slots=True)
class ListenConfig:
    """Where to listen, from ``interfaces-config`` (ARM "Interface Configuration")."""

    wildcard: bool = False
    names: tuple[str, ...] = ()  # explicitly named interfaces, unicast entries' included
    unicasts: tuple[tuple[str, str], ...] = ()  # (interface, address) from "iface/address"
    require_all: bool = False  # service-sockets-require-all
    retry_wait_ms: int = 5000  # service-sockets-retry-wait-time
    max_retries: int = 0  # service-sockets-max-retries

    @property
    def empty(self) -> bool:
        """True when nothing is to be opened."""
        return not (self.wildcard or self.names or self.unicasts)


def _setting(extra: Mapping[str, object], key: str, default: int) -> int:
    value = extra.get(key, default)
    return value if isinstance(value, int) and not isinstance(value, bool) else default


def listen_config(interfaces: InterfacesConfig) -> ListenConfig:
    """The ListenConfig of ``interfaces-config`` (``eth0``, ``*``, ``eth0/2001:db8::1``)."""
    names: list[str] = []
    unicasts: list[tuple[str, str]] = []
    wildcard = False
    for entry in interfaces.interfaces:
        name, _, address = entry.partition("/")
        if name == "*":
            wildcard = True
            continue
        names.append(name)
        if address:
            unicasts.append((name, str(IPv6Address(address))))
    extra = interfaces.extra
    return ListenConfig(
        wildcard=wildcard,
        names=tuple(dict.fromkeys(names)),
        unicasts=tuple(unicasts),
        require_all=extra.get("service-sockets-require-all") is True,
        retry_wait_ms=_setting(extra, "service-sockets-retry-wait-time", 5000),
        max_retries=_setting(extra, "service-sockets-max-retries", 0),
    )


@dataclass(frozen=True, slots=True)
class ActiveInterface:
    """An interface the service listens on."""

    name: str
    index: int
    local_address: str  # its link-local address ("" for loopback)


def _event(severity: str, message_id: str, text: str, debuglevel: int = 0) -> LogEvent:
    return LogEvent(severity, message_id, text, debuglevel)


class ServiceSockets:
    """Opens the service on the configured interfaces and retries what failed (Kea's CfgIface).

    Kea's rules: the first attempt is not a retry; while errors remain and retries are left, try
    the failed parts again after ``retry_wait_ms``; once they run out with errors left, log
    DHCP6_OPEN_SOCKETS_FAILED and, with ``require_all``, stop the server (``on_fatal``).
    """

    def __init__(
        self,
        sock: Dhcp6Socket,
        config: ListenConfig,
        loop: asyncio.AbstractEventLoop,
        log: Callable[[list[LogEvent]], None],
        on_fatal: Callable[[str], None],
        on_open: Callable[[], None] = lambda: None,
        detect: Callable[[], list[Interface]] = list_interfaces,
    ) -> None:
        self.sock = sock
        self.config = config
        self.loop = loop
        self.log = log
        self.on_fatal = on_fatal
        self.on_open = on_open
        self.detect = detect
        self.active: dict[int, ActiveInterface] = {}
        self.unicast: dict[str, str] = {}  # address -> interface name
        self.names_by_index: dict[int, str] = {}
        self.retries_left = config.max_retries
        self.last_errors: list[str] = []
        self._timer: asyncio.TimerHandle | None = None
        # (ifindex, source, source port, destination) -> link; emptied whenever the interfaces
        # or unicast addresses listened on change
        self._links: dict[tuple[int, str, int, str], LinkInfo | None] = {}

    def start(self) -> None:
        """The initial attempt; retries are scheduled on the loop as configured."""
        self.cancel_retry()
        self.retries_left = self.config.max_retries
        self.log(
            [
                _event(
                    "DEBUG",
                    "DHCP6_OPEN_SOCKET",
                    f"opening service sockets on port {self.sock.port}",
                )
            ]
        )
        self._run()
        if not self.active and not self.unicast:
            self.log(
                [
                    _event(
                        "WARN",
                        "DHCPSRV_NO_SOCKETS_OPEN",
                        "no interface configured to listen to DHCP traffic",
                    )
                ]
            )

    def reconfigure(self, config: ListenConfig) -> None:
        """Switch to a new configuration: leave every group, then start again."""
        self.cancel_retry()
        for index in list(self.active):
            self.sock.leave(index)
        self.active.clear()
        self.unicast.clear()
        self._links.clear()
        self.config = config
        self.start()

    def stop(self) -> None:
        """Cancel retries and close the socket."""
        self.cancel_retry()
        self.active.clear()
        self.unicast.clear()
        self._links.clear()
        self.sock.close()

    def cancel_retry(self) -> None:
        """Forget a pending retry."""
        if self._timer is not None:
            self._timer.cancel()
        self._timer = None

    @property
    def retry_pending(self) -> bool:
        """True while a retry is scheduled."""
        return self._timer is not None

    def _run(self) -> None:
        self._timer = None
        errors = self.attempt()
        self.last_errors = errors
        self.log(
            [
                _event("WARN", "DHCPSRV_OPEN_SOCKET_FAIL", f"failed to open socket: {e}")
                for e in errors
            ]
        )
        if not errors:
            return
        if self.retries_left > 0:
            self.retries_left -= 1
            self._timer = self.loop.call_later(self.config.retry_wait_ms / 1000, self._run)
            return
        text = (
            f"maximum number of open service sockets attempts: {self.config.max_retries}, "
            "has been exhausted without success"
        )
        self.log([_event("INFO", "DHCP6_OPEN_SOCKETS_FAILED", text)])
        if self.config.require_all:
            self.on_fatal(text)

    def attempt(self) -> list[str]:
        """Open what is not open yet; the reasons for what still fails."""
        self._links.clear()
        if self.config.empty:
            return []
        if not self.sock.is_open:
            try:
                self.sock.open()
            except OSError as exc:
                return [f"Failed to bind socket to port {self.sock.port}: {exc.strerror or exc}"]
            self.on_open()
        interfaces = {iface.name: iface for iface in self.detect()}
        self.names_by_index = {iface.index: name for name, iface in interfaces.items()}
        errors = [e for name in self._wanted(interfaces) if (e := self._activate(name, interfaces))]
        for name, address in self.config.unicasts:
            if address not in self.unicast and (e := self._add_unicast(name, address, interfaces)):
                errors.append(e)
        return errors

    def _wanted(self, interfaces: dict[str, Interface]) -> list[str]:
        names = list(self.config.names)
        if self.config.wildcard:
            names += [i.name for i in wildcard_candidates(list(interfaces.values()))]
        return list(dict.fromkeys(names))

    def _activate(self, name: str, interfaces: dict[str, Interface]) -> str:
        iface = interfaces.get(name)
        if iface is None:
            return f"the interface {name} does not exist"
        known = self.active.get(iface.index)
        if known is not None and known.name == name:
            return ""
        if not iface.up:
            return f"the interface {name} is down"
        if not iface.running:
            return f"the interface {name} is not running"
        local = iface.link_local
        if local is None and not iface.loopback:
            reason = "no usable link-local address (missing or still tentative)"
            return f"Failed to open multicast socket on interface {name}, reason: {reason}"
        try:
            self.sock.join(iface.index)
        except OSError as exc:
            if not iface.loopback:
                reason = exc.strerror or str(exc)
                return f"Failed to open multicast socket on interface {name}, reason: {reason}"
        self.active[iface.index] = ActiveInterface(name, iface.index, str(local or ""))
        return ""

    def _add_unicast(self, name: str, address: str, interfaces: dict[str, Interface]) -> str:
        iface = interfaces.get(name)
        if iface is None or not iface.has_address(IPv6Address(address)):
            return (
                f"Failed to open unicast socket on interface {name}, "
                f"reason: address {address} is not available"
            )
        self.unicast[address] = name
        return ""

    def link_for(self, datagram: Datagram) -> LinkInfo | None:
        """Where a received datagram belongs, or None when this service must not take it."""
        key = (datagram.ifindex, datagram.source, datagram.source_port, datagram.destination)
        try:
            return self._links[key]
        except KeyError:
            pass
        link = self._find_link(datagram)
        _bounded(self._links)
        self._links[key] = link
        return link

    def _find_link(self, datagram: Datagram) -> LinkInfo | None:
        destination = datagram.destination
        active = self.active.get(datagram.ifindex)
        if active is not None and (destination in DHCP_GROUPS or is_link_local(destination)):
            return LinkInfo(
                active.name,
                active.index,
                datagram.source,
                datagram.source_port,
                destination,
                active.local_address,
            )
        name = self.unicast.get(destination)
        if name is None:
            return None
        arrival = self.names_by_index.get(datagram.ifindex, name)
        local = active.local_address if active is not None else ""
        return LinkInfo(
            arrival, datagram.ifindex, datagram.source, datagram.source_port, destination, local
        )
