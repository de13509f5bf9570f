"""The host's network interfaces: name, index, flags, link-layer address and IPv6 addresses.

Everything is read in the calling thread's network namespace: names and indexes come from
``if_nameindex``, flags and the hardware address from ``ioctl`` on a socket, and IPv6 addresses
from ``/proc/thread-self/net/if_inet6`` (``/proc/net`` follows the process's first thread, which
matters when a test thread has entered another namespace with ``setns``). ``/sys/class/net`` is
avoided for the same reason: it shows the namespace sysfs was mounted in.
"""

from __future__ import annotations

import fcntl
import socket
import struct
from dataclasses import dataclass
from ipaddress import IPv6Address

# <linux/if.h>
IFF_UP = 0x1
IFF_LOOPBACK = 0x8
IFF_RUNNING = 0x40
IFF_MULTICAST = 0x1000
# <linux/sockios.h>
SIOCGIFFLAGS = 0x8913
SIOCGIFHWADDR = 0x8927
# <linux/if_addr.h> address flags, as printed in /proc/net/if_inet6
IFA_F_OPTIMISTIC = 0x04
IFA_F_DADFAILED = 0x08
IFA_F_TENTATIVE = 0x40
# <linux/if_arp.h> hardware types and the length of their link-layer addresses
ARPHRD_ETHER = 1
ARPHRD_LOOPBACK = 772
HWADDR_LEN_BY_TYPE: dict[int, int] = {
    ARPHRD_ETHER: 6,
    6: 6,  # ARPHRD_IEEE802
    ARPHRD_LOOPBACK: 6,
    801: 6,  # ARPHRD_IEEE80211
    802: 6,  # ARPHRD_IEEE80211_PRISM
    803: 6,  # ARPHRD_IEEE80211_RADIOTAP
}
SCOPE_LINK = 0x20
IF_INET6_PATHS = ("/proc/thread-self/net/if_inet6", "/proc/net/if_inet6")
_IFREQ_SIZE = 40


@dataclass(frozen=True, slots=True)
class Address6:
    """One IPv6 address of an interface, as the kernel lists it."""

    address: IPv6Address
    prefix_len: int
    scope: int
    flags: int

    @property
    def usable(self) -> bool:
        """True once duplicate address detection is over (a socket may use it as source)."""
        return not self.flags & (IFA_F_TENTATIVE | IFA_F_DADFAILED)


@dataclass(frozen=True, slots=True)
class Interface:
    """A network interface with what the DHCPv6 service needs to know about it."""

    name: str
    index: int
    flags: int
    hwtype: int
    mac: bytes
    addresses: tuple[Address6, ...] = ()

    @property
    def up(self) -> bool:
        """IFF_UP: administratively up."""
        return bool(self.flags & IFF_UP)

    @property
    def running(self) -> bool:
        """IFF_RUNNING: the link is operational."""
        return bool(self.flags & IFF_RUNNING)

    @property
    def multicast(self) -> bool:
        """IFF_MULTICAST: the interface supports multicast."""
        return bool(self.flags & IFF_MULTICAST)

    @property
    def loopback(self) -> bool:
        """IFF_LOOPBACK."""
        return bool(self.flags & IFF_LOOPBACK)

    @property
    def link_local(self) -> IPv6Address | None:
        """The first usable link-local address, if any (RFC 4291 §2.5.6)."""
        for entry in self.addresses:
            if entry.address.is_link_local and entry.usable:
                return entry.address
        return None

    def has_address(self, address: IPv6Address) -> bool:
        """True when ``address`` is one of this interface's usable addresses."""
        return any(e.address == address and e.usable for e in self.addresses)


def parse_if_inet6(text: str) -> dict[str, list[Address6]]:
    """Parse ``/proc/net/if_inet6``: ``addr ifindex plen scope flags name`` per line, in hex.

    Malformed lines are skipped.
    """
    out: dict[str, list[Address6]] = {}
    for line in text.splitlines():
        fields = line.split()
        if len(fields) != 6 or len(fields[0]) != 32:
            continue
        try:
            address = IPv6Address(bytes.fromhex(fields[0]))
            plen, scope, flags = (int(f, 16) for f in fields[2:5])
        except ValueError:
            continue
        out.setdefault(fields[5], []).append(Address6(address, plen, scope, flags))
    return out


def read_if_inet6() -> str:
    """The text of the kernel's IPv6 address list for this thread's namespace ("" if none)."""
    for path in IF_INET6_PATHS:
        try:
            with open(path, encoding="ascii") as handle:
                return handle.read()
        except OSError:
            continue
    return ""


def _ifreq(sock: socket.socket, request: int, name: str) -> bytes:
    buffer = struct.pack("16s24x", name.encode()[:15])
    return fcntl.ioctl(sock.fileno(), request, buffer)[16:_IFREQ_SIZE]


def _flags_and_hwaddr(sock: socket.socket, name: str) -> tuple[int, int, bytes] | None:
    try:
        (flags,) = struct.unpack_from("H", _ifreq(sock, SIOCGIFFLAGS, name))
        hw = _ifreq(sock, SIOCGIFHWADDR, name)
    except OSError:
        return None  # the interface vanished between the listing and the query
    (hwtype,) = struct.unpack_from("H", hw)
    mac = hw[2 : 2 + HWADDR_LEN_BY_TYPE.get(hwtype, 0)]
    return flags, hwtype, mac


def list_interfaces() -> list[Interface]:
    """Every interface of the calling thread's network namespace, in index order."""
    addresses = parse_if_inet6(read_if_inet6())
    out = []
    with socket.socket(socket.AF_INET6, socket.SOCK_DGRAM) as sock:
        for index, name in sorted(socket.if_nameindex()):
            details = _flags_and_hwaddr(sock, name)
            if details is None:
                continue
            flags, hwtype, mac = details
            addrs = tuple(addresses.get(name, ()))
            out.append(Interface(name, index, flags, hwtype, mac, addrs))
    return out


def interfaces_by_name() -> dict[str, Interface]:
    """:func:`list_interfaces` keyed by name."""
    return {iface.name: iface for iface in list_interfaces()}


def duid_hardware_address(interfaces: list[Interface]) -> tuple[int, bytes] | None:
    """The (hardware type, MAC) a generated DUID-LLT/LL uses, chosen as Kea does.

    Kea's DUIDFactory: skip addresses shorter than 6 bytes, loopback, down interfaces and
    all-zero addresses; keep the last candidate, but stop at the first Ethernet one.
    """
    chosen: tuple[int, bytes] | None = None
    for iface in interfaces:
        if len(iface.mac) < 6 or iface.loopback or not iface.up or not any(iface.mac):
            continue
        chosen = (iface.hwtype, iface.mac)
        if iface.hwtype == ARPHRD_ETHER and len(iface.mac) == 6:
            break
    return chosen


def wildcard_candidates(interfaces: list[Interface]) -> list[Interface]:
    """What ``"*"`` in ``interfaces-config`` selects: multicast-capable, non-loopback interfaces."""
    return [i for i in interfaces if i.multicast and not i.loopback]
