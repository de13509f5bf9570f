"""Standard DHCPv4 option definitions (what Kea 2.2 knows without any ``option-def``), as data.

One row per option, grouped by the RFC that defines it. Codes are IANA's ("BOOTP Vendor
Extensions and DHCP Options" registry); names, types and array flags are Kea 2.2's (ARM "DHCPv4
Server", "List of standard DHCPv4 options"). Where the ARM and Kea 2.2's behaviour disagree,
the rows follow Kea 2.2: domain-name (15) is ``string``, option 85 is ``nds-servers``.

Kea 2.2 defines no standard sub-options for relay agent information (82) nor for vendor
encapsulated options (43); those spaces are open to ``option-def``. Codes Kea 2.2 leaves
undefined (e.g. 121 classless-static-route) are deliberately absent.

Option 43 is special (ARM "DHCPv4 Vendor-Specific Options"): it has no standard definition,
only a "last resort" one used when neither the configuration nor a client class defines it.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from pukeko.wire.definitions import DHCP4_SPACE, OptionDef
from pukeko.wire.stdvendor import DOCSIS4_DEFS, index_by_space

_D4 = DHCP4_SPACE

# RFC 3046: relay agent information sub-options (no standard definitions in Kea 2.2).
AGENT_OPTIONS_SPACE = "dhcp-agent-options-space"
# RFC 2132 §8.4: vendor specific information sub-options (last-resort encapsulation of 43).
VENDOR_ENCAPSULATED_SPACE = "vendor-encapsulated-options-space"

# Spaces that a standard option encapsulates but for which Kea 2.2 has no standard definitions;
# an ``option-def`` in the configuration may fill them.
STD4_OPEN_SPACES: frozenset[str] = frozenset({AGENT_OPTIONS_SPACE, VENDOR_ENCAPSULATED_SPACE})

_DHCP4_DEFS: tuple[OptionDef, ...] = (
    # RFC 2132 (DHCP options and BOOTP vendor extensions)
    OptionDef("subnet-mask", 1, "ipv4-address", _D4),
    OptionDef("time-offset", 2, "int32", _D4),
    OptionDef("routers", 3, "ipv4-address", _D4, array=True),
    OptionDef("time-servers", 4, "ipv4-address", _D4, array=True),
    OptionDef("name-servers", 5, "ipv4-address", _D4, array=True),
    OptionDef("domain-name-servers", 6, "ipv4-address", _D4, array=True),
    OptionDef("log-servers", 7, "ipv4-address", _D4, array=True),
    OptionDef("cookie-servers", 8, "ipv4-address", _D4, array=True),
    OptionDef("lpr-servers", 9, "ipv4-address", _D4, array=True),
    OptionDef("impress-servers", 10, "ipv4-address", _D4, array=True),
    OptionDef("resource-location-servers", 11, "ipv4-address", _D4, array=True),
    OptionDef("host-name", 12, "string", _D4),
    OptionDef("boot-size", 13, "uint16", _D4),
    OptionDef("merit-dump", 14, "string", _D4),
    OptionDef("domain-name", 15, "string", _D4),
    OptionDef("swap-server", 16, "ipv4-address", _D4),
    OptionDef("root-path", 17, "string", _D4),
    OptionDef("extensions-path", 18, "string", _D4),
    OptionDef("ip-forwarding", 19, "boolean", _D4),
    OptionDef("non-local-source-routing", 20, "boolean", _D4),
    OptionDef("policy-filter", 21, "ipv4-address", _D4, array=True),
    OptionDef("max-dgram-reassembly", 22, "uint16", _D4),
    OptionDef("default-ip-ttl", 23, "uint8", _D4),
    OptionDef("path-mtu-aging-timeout", 24, "uint32", _D4),
    OptionDef("path-mtu-plateau-table", 25, "uint16", _D4, array=True),
    OptionDef("interface-mtu", 26, "uint16", _D4),
    OptionDef("all-subnets-local", 27, "boolean", _D4),
    OptionDef("broadcast-address", 28, "ipv4-address", _D4),
    OptionDef("perform-mask-discovery", 29, "boolean", _D4),
    OptionDef("mask-supplier", 30, "boolean", _D4),
    OptionDef("router-discovery", 31, "boolean", _D4),
    OptionDef("router-solicitation-address", 32, "ipv4-address", _D4),
    OptionDef("static-routes", 33, "ipv4-address", _D4, array=True),
    OptionDef("trailer-encapsulation", 34, "boolean", _D4),
    OptionDef("arp-cache-timeout", 35, "uint32", _D4),
    OptionDef("ieee802-3-encapsulation", 36, "boolean", _D4),
    OptionDef("default-tcp-ttl", 37, "uint8", _D4),
    OptionDef("tcp-keepalive-interval", 38, "uint32", _D4),
    OptionDef("tcp-keepalive-garbage", 39, "boolean", _D4),
    OptionDef("nis-domain", 40, "string", _D4),
    OptionDef("nis-servers", 41, "ipv4-address", _D4, array=True),
    OptionDef("ntp-servers", 42, "ipv4-address", _D4, array=True),
    # 43 vendor-encapsulated-options: see LAST_RESORT4_DEFS
    OptionDef("netbios-name-servers", 44, "ipv4-address", _D4, array=True),
    OptionDef("netbios-dd-server", 45, "ipv4-address", _D4, array=True),
    OptionDef("netbios-node-type", 46, "uint8", _D4),
    OptionDef("netbios-scope", 47, "string", _D4),
    OptionDef("font-servers", 48, "ipv4-address", _D4, array=True),
    OptionDef("x-display-manager", 49, "ipv4-address", _D4, array=True),
    OptionDef("dhcp-requested-address", 50, "ipv4-address", _D4),
    OptionDef("dhcp-lease-time", 51, "uint32", _D4),
    OptionDef("dhcp-option-overload", 52, "uint8", _D4),
    OptionDef("dhcp-message-type", 53, "uint8", _D4),
    OptionDef("dhcp-server-identifier", 54, "ipv4-address", _D4),
    OptionDef("dhcp-parameter-request-list", 55, "uint8", _D4, array=True),
    OptionDef("dhcp-message", 56, "string", _D4),
    OptionDef("dhcp-max-message-size", 57, "uint16", _D4),
    OptionDef("dhcp-renewal-time", 58, "uint32", _D4),
    OptionDef("dhcp-rebinding-time", 59, "uint32", _D4),
    OptionDef("vendor-class-identifier", 60, "string", _D4),
    OptionDef("dhcp-client-identifier", 61, "binary", _D4),
    OptionDef("nisplus-domain-name", 64, "string", _D4),
    OptionDef("nisplus-servers", 65, "ipv4-address", _D4, array=True),
    OptionDef("tftp-server-name", 66, "string", _D4),
    OptionDef("boot-file-name", 67, "string", _D4),
    OptionDef("mobile-ip-home-agent", 68, "ipv4-address", _D4, array=True),
    OptionDef("smtp-server", 69, "ipv4-address", _D4, array=True),
    OptionDef("pop-server", 70, "ipv4-address", _D4, array=True),
    OptionDef("nntp-server", 71, "ipv4-address", _D4, array=True),
    OptionDef("www-server", 72, "ipv4-address", _D4, array=True),
    OptionDef("finger-server", 73, "ipv4-address", _D4, array=True),
    OptionDef("irc-server", 74, "ipv4-address", _D4, array=True),
    OptionDef("streettalk-server", 75, "ipv4-address", _D4, array=True),
    OptionDef("streettalk-directory-assistance-server", 76, "ipv4-address", _D4, array=True),
    # RFC 2242 (NetWare/IP)
    OptionDef("nwip-domain-name", 62, "string", _D4),
    OptionDef("nwip-suboptions", 63, "binary", _D4),
    # RFC 3004 (user class)
    OptionDef("user-class", 77, "binary", _D4),
    # RFC 2610 (SLP directory agent and service scope)
    OptionDef(
        "slp-directory-agent",
        78,
        "record",
        _D4,
        array=True,
        record_types=("boolean", "ipv4-address"),
    ),
    OptionDef("slp-service-scope", 79, "record", _D4, record_types=("boolean", "string")),
    # RFC 4702 (client FQDN): flags, rcode1, rcode2, domain name
    OptionDef("fqdn", 81, "record", _D4, record_types=("uint8", "uint8", "uint8", "fqdn")),
    # RFC 3046 (relay agent information)
    OptionDef("dhcp-agent-options", 82, "empty", _D4, encapsulate=AGENT_OPTIONS_SPACE),
    # RFC 2241 (Novell Directory Services)
    OptionDef("nds-servers", 85, "ipv4-address", _D4, array=True),
    OptionDef("nds-tree-name", 86, "string", _D4),
    OptionDef("nds-context", 87, "string", _D4),
    # RFC 4280 (BCMCS controllers)
    OptionDef("bcms-controller-names", 88, "fqdn", _D4, array=True),
    OptionDef("bcms-controller-address", 89, "ipv4-address", _D4, array=True),
    # RFC 3118 (authentication; its 64-bit replay-detection field is kept opaque)
    OptionDef("authenticate", 90, "binary", _D4),
    # RFC 4388 (leasequery)
    OptionDef("client-last-transaction-time", 91, "uint32", _D4),
    OptionDef("associated-ip", 92, "ipv4-address", _D4, array=True),
    # RFC 4578 (PXE client system, network interface, machine identifier)
    OptionDef("client-system", 93, "uint16", _D4, array=True),
    OptionDef("client-ndi", 94, "record", _D4, record_types=("uint8", "uint8", "uint8")),
    OptionDef("uuid-guid", 97, "record", _D4, record_types=("uint8", "binary")),
    # RFC 2485 (user authentication protocol)
    OptionDef("uap-servers", 98, "string", _D4),
    # RFC 4776 (civic location)
    OptionDef("geoconf-civic", 99, "binary", _D4),
    # RFC 4833 (timezones)
    OptionDef("pcode", 100, "string", _D4),
    OptionDef("tcode", 101, "string", _D4),
    # RFC 8925 (IPv6-only preferred)
    OptionDef("v6-only-preferred", 108, "uint32", _D4),
    # RFC 3679 (NetInfo, Apple)
    OptionDef("netinfo-server-address", 112, "ipv4-address", _D4, array=True),
    OptionDef("netinfo-server-tag", 113, "string", _D4),
    # RFC 8910 (captive portal; formerly RFC 7710)
    OptionDef("v4-captive-portal", 114, "string", _D4),
    # RFC 2563 (auto-configure)
    OptionDef("auto-config", 116, "uint8", _D4),
    # RFC 2937 (name service search)
    OptionDef("name-service-search", 117, "uint16", _D4, array=True),
    # RFC 3011 (subnet selection)
    OptionDef("subnet-selection", 118, "ipv4-address", _D4),
    # RFC 3397 (domain search)
    OptionDef("domain-search", 119, "fqdn", _D4, array=True),
    # RFC 3925 (vendor-identifying vendor class and vendor-specific information); vivso holds
    # the enterprise number, its sub-options live in space "vendor-<number>"
    OptionDef("vivco-suboptions", 124, "record", _D4, record_types=("uint32", "binary")),
    OptionDef("vivso-suboptions", 125, "uint32", _D4),
    # RFC 5192 (PANA authentication agent)
    OptionDef("pana-agent", 136, "ipv4-address", _D4, array=True),
    # RFC 5223 (LoST server)
    OptionDef("v4-lost", 137, "fqdn", _D4),
    # RFC 5417 (CAPWAP access controllers)
    OptionDef("capwap-ac-v4", 138, "ipv4-address", _D4, array=True),
    # RFC 6011 (SIP UA configuration service domains)
    OptionDef("sip-ua-cs-domains", 141, "fqdn", _D4, array=True),
    # RFC 6731 (RDNSS selection): flags, primary, secondary, domains
    OptionDef(
        "rdnss-selection",
        146,
        "record",
        _D4,
        array=True,
        record_types=("uint8", "ipv4-address", "ipv4-address", "fqdn"),
    ),
    # RFC 7618 (port parameters): offset, PSID-len + PSID
    OptionDef("v4-portparams", 159, "record", _D4, record_types=("uint8", "psid")),
    # RFC 5969 (6rd): IPv4 mask len, 6rd prefix len, 6rd prefix, border relay addresses
    OptionDef(
        "option-6rd",
        212,
        "record",
        _D4,
        array=True,
        record_types=("uint8", "uint8", "ipv6-address", "ipv4-address"),
    ),
    # RFC 5986 (access network domain name)
    OptionDef("v4-access-domain", 213, "fqdn", _D4),
)

STD4_DEFS: tuple[OptionDef, ...] = _DHCP4_DEFS + DOCSIS4_DEFS

# RFC 2132 §8.4 vendor specific information: Kea's definition used only when nothing else
# defines option 43 (ARM "DHCPv4 Vendor-Specific Options").
LAST_RESORT4_DEFS: tuple[OptionDef, ...] = (
    OptionDef(
        "vendor-encapsulated-options", 43, "empty", _D4, encapsulate=VENDOR_ENCAPSULATED_SPACE
    ),
)

# Every standard space (dhcp4, vendor spaces) -> code -> definition.
STD4_BY_SPACE: Mapping[str, Mapping[int, OptionDef]] = index_by_space(STD4_DEFS)
# The top-level "dhcp4" space, by code and by name (option 43 is not in them).
STD4_BY_CODE: Mapping[int, OptionDef] = STD4_BY_SPACE[_D4]
STD4_BY_NAME: Mapping[str, OptionDef] = MappingProxyType(
    {row.name: row for row in STD4_BY_CODE.values()}
)
