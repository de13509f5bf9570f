"""Standard DHCPv6 option definitions (what Kea 2.2 knows without any ``option-def``), as data.

One row per option, grouped by the RFC that defines it. Codes are IANA's ("Dynamic Host
Configuration Protocol for IPv6 (DHCPv6)" registry); names, types and array flags are Kea's
(ARM "DHCPv6 Server", "List of Standard DHCPv6 Options"). Where the ARM table and Kea 2.2's
behaviour disagree, the rows follow Kea 2.2 (pd-exclude is ``ipv6-prefix``, not ``binary``).

Besides the top-level ``dhcp6`` space this holds the Softwire46 sub-spaces (RFC 7598) and the
vendor spaces Kea 2.2 ships (``vendor-4491`` DOCSIS, ``vendor-2495`` ISC 4o6).
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from pukeko.wire.definitions import DHCP6_SPACE, OptionDef
from pukeko.wire.stdvendor import DOCSIS6_DEFS, ISC6_DEFS, index_by_space

_D6 = DHCP6_SPACE

# Softwire46 option spaces (RFC 7598), as Kea names them.
MAPE_SPACE = "s46-cont-mape-options"
MAPT_SPACE = "s46-cont-mapt-options"
LW_SPACE = "s46-cont-lw-options"
S46_RULE_SPACE = "s46-rule-options"
S46_V4V6BIND_SPACE = "s46-v4v6bind-options"
# RFC 6422 Relay-Supplied Options: the container Kea defines, with no standard sub-options.
RSOO_SPACE = "rsoo-opts"

# Spaces that a standard option encapsulates but for which Kea 2.2 has no standard definitions;
# an ``option-def`` in the configuration may fill them.
STD6_OPEN_SPACES: frozenset[str] = frozenset({RSOO_SPACE})

_DHCP6_DEFS: tuple[OptionDef, ...] = (
    # RFC 8415 (DHCPv6; formerly RFC 3315, 3633 prefix delegation, 4242, 7083)
    OptionDef("clientid", 1, "binary", _D6),
    OptionDef("serverid", 2, "binary", _D6),
    OptionDef("ia-na", 3, "record", _D6, record_types=("uint32", "uint32", "uint32")),
    OptionDef("ia-ta", 4, "uint32", _D6),
    OptionDef("iaaddr", 5, "record", _D6, record_types=("ipv6-address", "uint32", "uint32")),
    OptionDef("oro", 6, "uint16", _D6, array=True),
    OptionDef("preference", 7, "uint8", _D6),
    OptionDef("elapsed-time", 8, "uint16", _D6),
    OptionDef("relay-msg", 9, "binary", _D6),
    # auth holds a 64-bit replay-detection field no record type can express: kept opaque.
    OptionDef("auth", 11, "binary", _D6),
    OptionDef("unicast", 12, "ipv6-address", _D6),
    OptionDef("status-code", 13, "record", _D6, record_types=("uint16", "string")),
    OptionDef("rapid-commit", 14, "empty", _D6),
    OptionDef("user-class", 15, "binary", _D6),
    OptionDef("vendor-class", 16, "record", _D6, record_types=("uint32", "binary")),
    # vendor-opts: the enterprise number; its sub-options live in space "vendor-<number>".
    OptionDef("vendor-opts", 17, "uint32", _D6),
    OptionDef("interface-id", 18, "binary", _D6),
    OptionDef("reconf-msg", 19, "uint8", _D6),
    OptionDef("reconf-accept", 20, "empty", _D6),
    OptionDef("ia-pd", 25, "record", _D6, record_types=("uint32", "uint32", "uint32")),
    OptionDef(
        "iaprefix", 26, "record", _D6, record_types=("uint32", "uint32", "uint8", "ipv6-address")
    ),
    OptionDef("information-refresh-time", 32, "uint32", _D6),
    OptionDef("solmax-rt", 82, "uint32", _D6),
    OptionDef("inf-max-rt", 83, "uint32", _D6),
    # RFC 3319 (SIP servers)
    OptionDef("sip-server-dns", 21, "fqdn", _D6, array=True),
    OptionDef("sip-server-addr", 22, "ipv6-address", _D6, array=True),
    # RFC 3646 (DNS configuration)
    OptionDef("dns-servers", 23, "ipv6-address", _D6, array=True),
    OptionDef("domain-search", 24, "fqdn", _D6, array=True),
    # RFC 3898 (NIS configuration)
    OptionDef("nis-servers", 27, "ipv6-address", _D6, array=True),
    OptionDef("nisp-servers", 28, "ipv6-address", _D6, array=True),
    OptionDef("nis-domain-name", 29, "fqdn", _D6, array=True),
    OptionDef("nisp-domain-name", 30, "fqdn", _D6, array=True),
    # RFC 4075 (SNTP)
    OptionDef("sntp-servers", 31, "ipv6-address", _D6, array=True),
    # RFC 4280 (BCMCS controllers)
    OptionDef("bcmcs-server-dns", 33, "fqdn", _D6, array=True),
    OptionDef("bcmcs-server-addr", 34, "ipv6-address", _D6, array=True),
    # RFC 4776 (civic location)
    OptionDef("geoconf-civic", 36, "record", _D6, record_types=("uint8", "uint16", "binary")),
    # RFC 4649 (relay agent remote-id)
    OptionDef("remote-id", 37, "record", _D6, record_types=("uint32", "binary")),
    # RFC 4580 (relay agent subscriber-id)
    OptionDef("subscriber-id", 38, "binary", _D6),
    # RFC 4704 (client FQDN)
    OptionDef("client-fqdn", 39, "record", _D6, record_types=("uint8", "fqdn")),
    # RFC 5192 (PANA authentication agent)
    OptionDef("pana-agent", 40, "ipv6-address", _D6, array=True),
    # RFC 4833 (timezones)
    OptionDef("new-posix-timezone", 41, "string", _D6),
    OptionDef("new-tzdb-timezone", 42, "string", _D6),
    # RFC 4994 (relay agent echo request)
    OptionDef("ero", 43, "uint16", _D6, array=True),
    # RFC 5007 (leasequery); lq-query and client-data carry dhcp6 options after their fields
    OptionDef(
        "lq-query", 44, "record", _D6, record_types=("uint8", "ipv6-address"), encapsulate=_D6
    ),
    OptionDef("client-data", 45, "empty", _D6, encapsulate=_D6),
    OptionDef("clt-time", 46, "uint32", _D6),
    OptionDef("lq-relay-data", 47, "record", _D6, record_types=("ipv6-address", "binary")),
    OptionDef("lq-client-link", 48, "ipv6-address", _D6, array=True),
    # RFC 5223 (LoST server)
    OptionDef("v6-lost", 51, "fqdn", _D6),
    # RFC 5417 (CAPWAP access controllers)
    OptionDef("capwap-ac-v6", 52, "ipv6-address", _D6, array=True),
    # RFC 5460 (bulk leasequery relay-id)
    OptionDef("relay-id", 53, "binary", _D6),
    # RFC 5986 (access network domain name)
    OptionDef("v6-access-domain", 57, "fqdn", _D6),
    # RFC 6011 (SIP UA configuration service domains)
    OptionDef("sip-ua-cs-list", 58, "fqdn", _D6, array=True),
    # RFC 5970 (network boot)
    OptionDef("bootfile-url", 59, "string", _D6),
    OptionDef("bootfile-param", 60, "tuple", _D6, array=True),
    OptionDef("client-arch-type", 61, "uint16", _D6, array=True),
    OptionDef("nii", 62, "record", _D6, record_types=("uint8", "uint8", "uint8")),
    # RFC 6334 (DS-Lite AFTR name)
    OptionDef("aftr-name", 64, "fqdn", _D6),
    # RFC 6440 (ERP local domain name)
    OptionDef("erp-local-domain-name", 65, "fqdn", _D6),
    # RFC 6422 (relay-supplied options)
    OptionDef("rsoo", 66, "empty", _D6, encapsulate=RSOO_SPACE),
    # RFC 6603 (prefix exclude)
    OptionDef("pd-exclude", 67, "ipv6-prefix", _D6),
    # RFC 6731 (RDNSS selection)
    OptionDef(
        "rdnss-selection",
        74,
        "record",
        _D6,
        array=True,
        record_types=("ipv6-address", "uint8", "fqdn"),
    ),
    # RFC 6939 (client link-layer address)
    OptionDef("client-linklayer-addr", 79, "binary", _D6),
    # RFC 6977 (relay-supplied link address)
    OptionDef("link-address", 80, "ipv6-address", _D6),
    # RFC 7341 (DHCPv4-over-DHCPv6)
    OptionDef("dhcpv4-message", 87, "binary", _D6),
    OptionDef("dhcp4o6-server-addr", 88, "ipv6-address", _D6, array=True),
    # RFC 7598 (Softwire46 containers; their contents are in the sub-spaces below)
    OptionDef("s46-cont-mape", 94, "empty", _D6, encapsulate=MAPE_SPACE),
    OptionDef("s46-cont-mapt", 95, "empty", _D6, encapsulate=MAPT_SPACE),
    OptionDef("s46-cont-lw", 96, "empty", _D6, encapsulate=LW_SPACE),
    # RFC 8910 (captive portal; formerly RFC 7710)
    OptionDef("v6-captive-portal", 103, "string", _D6),
    # RFC 8357 (relay source port)
    OptionDef("relay-source-port", 135, "uint16", _D6),
    # RFC 6153 (ANDSF)
    OptionDef("ipv6-address-andsf", 143, "ipv6-address", _D6, array=True),
)

# RFC 7598 §4.1: S46 Rule = flags, ea-len, prefix4-len, ipv4-prefix, ipv6-prefix.
_S46_RULE_FIELDS = ("uint8", "uint8", "uint8", "ipv4-address", "ipv6-prefix")
# RFC 7598 §4.4: S46 IPv4/IPv6 Address Binding = ipv4-address, bindprefix6.
_S46_V4V6BIND_FIELDS = ("ipv4-address", "ipv6-prefix")
# RFC 7598 §4.5: S46 Port Parameters = offset, PSID-len + PSID.
_S46_PORTPARAMS_FIELDS = ("uint8", "psid")

_S46_DEFS: tuple[OptionDef, ...] = (
    # RFC 7598 §5.1: MAP-E container holds S46 Rule and S46 BR options
    OptionDef("s46-br", 90, "ipv6-address", MAPE_SPACE),
    OptionDef(
        "s46-rule",
        89,
        "record",
        MAPE_SPACE,
        record_types=_S46_RULE_FIELDS,
        encapsulate=S46_RULE_SPACE,
    ),
    # RFC 7598 §5.2: MAP-T container holds S46 Rule and S46 DMR options
    OptionDef(
        "s46-rule",
        89,
        "record",
        MAPT_SPACE,
        record_types=_S46_RULE_FIELDS,
        encapsulate=S46_RULE_SPACE,
    ),
    OptionDef("s46-dmr", 91, "ipv6-prefix", MAPT_SPACE),
    # RFC 7598 §5.3: Lightweight 4over6 container holds S46 BR and S46 V4V6Bind options
    OptionDef("s46-br", 90, "ipv6-address", LW_SPACE),
    OptionDef(
        "s46-v4v6bind",
        92,
        "record",
        LW_SPACE,
        record_types=_S46_V4V6BIND_FIELDS,
        encapsulate=S46_V4V6BIND_SPACE,
    ),
    # RFC 7598 §4.1, §4.4: S46 Rule and V4V6Bind may carry S46 Port Parameters
    OptionDef("s46-portparams", 93, "record", S46_RULE_SPACE, record_types=_S46_PORTPARAMS_FIELDS),
    OptionDef(
        "s46-portparams", 93, "record", S46_V4V6BIND_SPACE, record_types=_S46_PORTPARAMS_FIELDS
    ),
)

STD6_DEFS: tuple[OptionDef, ...] = _DHCP6_DEFS + _S46_DEFS + DOCSIS6_DEFS + ISC6_DEFS


# Every standard space (dhcp6, S46 sub-spaces, vendor spaces) -> code -> definition.
STD6_BY_SPACE: Mapping[str, Mapping[int, OptionDef]] = index_by_space(STD6_DEFS)
# The top-level "dhcp6" space, by code and by name.
STD6_BY_CODE: Mapping[int, OptionDef] = STD6_BY_SPACE[_D6]
STD6_BY_NAME: Mapping[str, OptionDef] = MappingProxyType(
    {row.name: row for row in STD6_BY_CODE.values()}
)
