"""Name-change requests (NCRs) for the DHCP-DDNS server, as Kea 2.2's ``NameChangeRequest``.

An NCR asks kea-dhcp-ddns (D2) to add or remove the DNS entries of one lease. Its JSON form is
what Kea's servers send D2 (``NameChangeRequest::toJSON``), key for key and byte for byte::

    {"change-type":0,"forward-change":true,"reverse-change":true,"fqdn":"host.example.com.",
     "ip-address":"2001:db8:1::10","dhcid":"000201...","lease-expires-on":"20231114221320",
     "lease-length":1333,"use-conflict-resolution":true}

* ``change-type`` 0 adds, 1 removes; ``fqdn`` always ends with a dot (Kea prints the parsed name);
* ``dhcid`` (RFC 4701 §3.3): identifier type (2 bytes; 2 = DUID for DHCPv6, RFC 4701 §3.3),
  digest type 1 (SHA-256), then SHA-256(identifier || FQDN in wire form), as uppercase hex;
* ``lease-expires-on``: ``YYYYMMDDHHmmSS`` (UTC); ``lease-length``: the DNS TTL, a third of the
  lease's valid lifetime but at least 600 s (RFC 4702 §5, Kea ``calculateDdnsTtl``).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import IntEnum

from pukeko.ddns.names import InvalidName, canonical_text, parse_text_name, wire_name

DHCID_ID_HWADDR = 0  # RFC 4701 §3.3 identifier types
DHCID_ID_CLIENT_ID = 1
DHCID_ID_DUID = 2
DHCID_DIGEST_SHA256 = 1  # RFC 4701 §3.4
MIN_DDNS_TTL = 600  # RFC 4702 §5: at least 10 minutes
_EPOCH = datetime(1970, 1, 1)


class ChangeType(IntEnum):
    """Kea's ``NameChangeType``."""

    ADD = 0
    REMOVE = 1


def ddns_ttl(valid_lifetime: int) -> int:
    """The DNS TTL for a lease: a third of its lifetime, at least 600 s (calculateDdnsTtl)."""
    if valid_lifetime < 1800:
        return MIN_DDNS_TTL
    return valid_lifetime // 3


def dhcid(identifier_type: int, identifier: bytes, wire_fqdn: bytes) -> bytes:
    """The DHCID RDATA (RFC 4701 §3): type, digest type 1, SHA-256(identifier + FQDN)."""
    if not wire_fqdn:
        raise ValueError("empty FQDN used to create DHCID")
    if not identifier:
        raise ValueError("empty DUID used to create DHCID")
    digest = hashlib.sha256(identifier + wire_fqdn).digest()
    return identifier_type.to_bytes(2, "big") + bytes((DHCID_DIGEST_SHA256,)) + digest


def dhcid_from_duid(duid: bytes, wire_fqdn: bytes) -> bytes:
    """The DHCID of a DHCPv6 client (RFC 4701 §3.3, identifier type 2: the DUID)."""
    return dhcid(DHCID_ID_DUID, duid, wire_fqdn)


def dhcid_for_hostname(duid: bytes, hostname: str) -> bytes:
    """The DHCID of a lease's hostname (Kea ``writeFqdn(hostname, downcase=true)``)."""
    return dhcid_from_duid(duid, wire_name(parse_text_name(hostname, downcase=True)))


def time_text(seconds: int) -> str:
    """Kea ``timeToText64``: ``YYYYMMDDHHmmSS`` in UTC."""
    if seconds < 0:
        raise ValueError(f"time value {seconds} is negative")
    moment = _EPOCH + timedelta(seconds=seconds)
    return moment.strftime("%Y%m%d%H%M%S").rjust(14, "0")


@dataclass(frozen=True, slots=True)
class NameChangeRequest:
    """One request to add or remove the DNS entries of a lease (Kea's fields, in its order).

    ``label`` is not part of the request: it names the client in log lines (Kea's label).
    """

    change_type: ChangeType
    forward_change: bool
    reverse_change: bool
    fqdn: str
    ip_address: str
    dhcid: bytes
    lease_expires_on: int
    lease_length: int
    use_conflict_resolution: bool = True
    label: str = field(default="", compare=False)

    def __post_init__(self) -> None:
        # Kea NameChangeRequest::validateContent.
        if not self.fqdn:
            raise InvalidName("FQDN cannot be blank")
        if not self.dhcid:
            raise ValueError("DHCID cannot be blank")
        if not self.forward_change and not self.reverse_change:
            raise ValueError("Invalid Request, forward and reverse flags are both false")

    @classmethod
    def build(
        cls,
        change_type: ChangeType,
        forward: bool,
        reverse: bool,
        fqdn: str,
        ip_address: str,
        dhcid_bytes: bytes,
        lease_expires_on: int,
        lease_length: int,
        use_conflict_resolution: bool = True,
        label: str = "",
    ) -> NameChangeRequest:
        """A request with ``fqdn`` normalized as Kea's ``setFqdn`` does (final dot added)."""
        return cls(
            change_type,
            forward,
            reverse,
            canonical_text(fqdn),
            ip_address,
            dhcid_bytes,
            lease_expires_on,
            lease_length,
            use_conflict_resolution,
            label,
        )

    @property
    def dhcid_text(self) -> str:
        """The DHCID as Kea prints it (uppercase hex)."""
        return self.dhcid.hex().upper()

    def to_json(self) -> str:
        """The request as Kea's servers send it to D2 (``NameChangeRequest::toJSON``)."""
        return (
            f'{{"change-type":{int(self.change_type)},'
            f'"forward-change":{_json_bool(self.forward_change)},'
            f'"reverse-change":{_json_bool(self.reverse_change)},'
            f'"fqdn":"{self.fqdn}",'
            f'"ip-address":"{self.ip_address}",'
            f'"dhcid":"{self.dhcid_text}",'
            f'"lease-expires-on":"{time_text(self.lease_expires_on)}",'
            f'"lease-length":{self.lease_length},'
            f'"use-conflict-resolution":{_json_bool(self.use_conflict_resolution)}}}'
        )

    def to_text(self) -> str:
        """Kea's ``NameChangeRequest::toText`` (the text of its NCR log messages)."""
        kind = "CHG_ADD" if self.change_type == ChangeType.ADD else "CHG_REMOVE"
        return (
            f"Type: {int(self.change_type)} ({kind})\n"
            f"Forward Change: {_yes(self.forward_change)}\n"
            f"Reverse Change: {_yes(self.reverse_change)}\n"
            f"FQDN: [{self.fqdn}]\n"
            f"IP Address: [{self.ip_address}]\n"
            f"DHCID: [{self.dhcid_text}]\n"
            f"Lease Expires On: {time_text(self.lease_expires_on)}\n"
            f"Lease Length: {self.lease_length}\n"
            f"Conflict Resolution: {_yes(self.use_conflict_resolution)}\n"
        )

    def __str__(self) -> str:
        return self.to_text()


def _json_bool(value: bool) -> str:
    return "true" if value else "false"


def _yes(value: bool) -> str:
    return "yes" if value else "no"
