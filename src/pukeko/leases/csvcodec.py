"""Kea 2.2's memfile lease CSV format: columns, escaping, rows <-> leases, and file reading.

The rules come from Kea 2.2 (``csv_lease_file6.cc``, ``csv_lease_file4.cc``, ``csv_file.cc``,
``versioned_csv_file.cc``, ``lease_file_loader.h``) and the ARM section "Memfile - Basic Storage
for Leases":

* a header line names the columns; a file with fewer columns than today's (an older Kea) is
  upgraded on load (missing columns take their defaults), one with more (a newer Kea) has the
  extra columns ignored; a header with an unknown column or fewer than the columns up to
  ``hostname`` makes the whole file unreadable;
* one lease per line, values split on every comma; ``hostname`` and ``user_context`` escape
  ``,`` and ``&`` as ``&#x2c`` / ``&#x26``; blank lines are skipped;
* a row that cannot be read is logged and skipped; ``max-row-errors`` (0 = no limit) stops the
  load once exceeded;
* rows are applied in file order: a later row for an address replaces the earlier lease, and a
  row with ``valid_lifetime`` 0 deletes it (that is how Kea records a deletion).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import IntEnum
from ipaddress import IPv4Address, IPv6Address
from typing import Generic, TypeVar

from pukeko.leases.model import Lease4, Lease6, LeaseState, LeaseType, make_lease6

L = TypeVar("L", Lease6, Lease4)


class CsvError(ValueError):
    """Base of the lease-file format errors."""


class RowError(CsvError):
    """A lease row that cannot be read (Kea logs DHCPSRV_MEMFILE_LEASE_LOAD_ROW_ERROR)."""


class HeaderError(CsvError):
    """A lease file whose header Kea would refuse (the whole file is unreadable)."""


class TooManyRowErrors(CsvError):
    """More unreadable rows than ``max-row-errors`` allows (Kea aborts the load)."""


class WriteError(CsvError):
    """A lease that Kea's CSV writer refuses (no DUID, or no hardware address nor client-id)."""


@dataclass(frozen=True, slots=True)
class Column:
    """One CSV column: its name, the schema version that added it, its upgrade default."""

    name: str
    version: str
    default: str = ""


# csv_lease_file6.cc initColumns(): name, schema version, default when upgrading.
COLUMNS6: tuple[Column, ...] = (
    Column("address", "1.0"),
    Column("duid", "1.0"),
    Column("valid_lifetime", "1.0"),
    Column("expire", "1.0"),
    Column("subnet_id", "1.0"),
    Column("pref_lifetime", "1.0"),
    Column("lease_type", "1.0"),
    Column("iaid", "1.0"),
    Column("prefix_len", "1.0"),
    Column("fqdn_fwd", "1.0"),
    Column("fqdn_rev", "1.0"),
    Column("hostname", "1.0"),
    Column("hwaddr", "2.0"),
    Column("state", "3.0", "0"),
    Column("user_context", "3.1"),
    Column("hwtype", "4.0"),
    Column("hwaddr_source", "4.0"),
)

# csv_lease_file4.cc initColumns().
COLUMNS4: tuple[Column, ...] = (
    Column("address", "1.0"),
    Column("hwaddr", "1.0"),
    Column("client_id", "1.0"),
    Column("valid_lifetime", "1.0"),
    Column("expire", "1.0"),
    Column("subnet_id", "1.0"),
    Column("fqdn_fwd", "1.0"),
    Column("fqdn_rev", "1.0"),
    Column("hostname", "1.0"),
    Column("state", "2.0", "0"),
    Column("user_context", "2.1"),
)

HEADER6 = ",".join(c.name for c in COLUMNS6)
HEADER4 = ",".join(c.name for c in COLUMNS4)

MAX_DUID_LEN = 128  # duid.h DUID::MAX_DUID_LEN
MIN_CLIENT_ID_LEN = 2  # duid.h ClientId::MIN_CLIENT_ID_LEN
MAX_HWADDR_LEN = 20  # hwaddr.h HWAddr::MAX_HWADDR_LEN
EMPTY_DUID = b"\x00"  # DUID::EMPTY(), carried by declined DHCPv6 leases
_U16, _U32, _U64 = 0xFFFF, 0xFFFFFFFF, 0xFFFFFFFFFFFFFFFF
_HEX = frozenset("0123456789abcdefABCDEF")
_TYPES6 = {"0": LeaseType.NA, "1": LeaseType.TA, "2": LeaseType.PD}
_STATES = {str(int(s)): s for s in LeaseState}
_BOOLS = {"0": False, "1": True}

# ---------------------------------------------------------------- escaping (csv_file.cc)

ESCAPE_TAG = "&#x"


def escape(text: str) -> str:
    """Escape the separator and ``&`` as Kea's ``CSVRow::escapeCharacters`` does."""
    if "&" not in text and "," not in text:
        return text
    return text.replace("&", "&#x26").replace(",", "&#x2c")


def _char_of_byte(value: int) -> str:
    # A file is decoded with "surrogateescape", so a byte above 0x7f is U+DC80..U+DCFF.
    return chr(value) if value < 0x80 else chr(0xDC00 + value)


def unescape(text: str) -> str:
    """Undo :func:`escape` exactly as ``CSVRow::unescapeCharacters`` does (quirks included)."""
    pos = text.find(ESCAPE_TAG)
    if pos < 0:
        return text
    out: list[str] = []
    start = 0
    while pos >= 0:
        out.append(text[start:pos])
        digits = pos + len(ESCAPE_TAG)
        pair = text[digits : digits + 2]
        if digits > len(text) - 2:
            # Kea converts a tag without room for two digits into a NUL character.
            out.append("\x00")
            pos = digits
        elif pair[0] in _HEX and pair[1] in _HEX:
            out.append(_char_of_byte(int(pair, 16)))
            pos = digits + 2
        else:
            out.append(ESCAPE_TAG)
            pos = digits
        start = pos
        pos = text.find(ESCAPE_TAG, start)
    out.append(text[start:])
    return "".join(out)


# ---------------------------------------------------------------- field conversions


def _uint(text: str, limit: int, column: str) -> int:
    if not (text.isascii() and text.isdigit()):
        raise RowError(f"{column}: '{text}' is not an unsigned integer")
    value = int(text)
    if value > limit:
        raise RowError(f"{column}: {value} is out of range")
    return value


def _bool(text: str, column: str) -> bool:
    value = _BOOLS.get(text)
    if value is None:
        raise RowError(f"{column}: '{text}' is not 0 or 1")
    return value


def _state(text: str) -> LeaseState:
    state = _STATES.get(text)
    if state is None:
        raise RowError(f"state: '{text}' is not a lease state")
    return state


def decode_hex(text: str) -> bytes:
    """Bytes from Kea's hex text (``decodeFormattedHexString``): ``0a:1:ff``, ``0x0a01``."""
    count = len(text)
    if count % 3 == 2 and text[2::3] == ":" * (count // 3) and " " not in text:
        try:
            return bytes.fromhex(text.replace(":", ""))  # fast path: "aa:bb:cc"
        except ValueError:
            raise RowError(f"'{text}' is not a valid hex string") from None
    separator = ":" if ":" in text else " " if " " in text else ""
    if separator:
        tokens = text.split(separator)
        out = bytearray()
        for token in tokens:
            if not token or len(token) > 2 or not all(c in _HEX for c in token):
                raise RowError(f"'{text}' is not a valid hex string")
            out.append(int(token, 16))
        return bytes(out)
    digits = text[2:] if len(text) > 2 and text.startswith("0x") else text
    digits = "0" + digits if count % 2 else digits
    if not all(c in _HEX for c in digits):
        raise RowError(f"'{text}' is not a valid hex string")
    return bytes.fromhex(digits)


def encode_hex(data: bytes) -> str:
    """Kea's text for a DUID, client-id or hardware address: ``0a:0b:0c``."""
    return data.hex(":")


def _duid(text: str) -> bytes:
    duid = decode_hex(text)
    if not duid or len(duid) > MAX_DUID_LEN:
        raise RowError(f"duid: '{text}' must be 1 to {MAX_DUID_LEN} bytes")
    return duid


def _context(text: str) -> str:
    context = unescape(text)
    if not context:
        return ""
    try:
        value = json.loads(context)
    except ValueError:
        raise RowError(f"user context '{context}' is not valid JSON") from None
    if not isinstance(value, dict):
        raise RowError(f"user context '{context}' is not a JSON map")
    return context


def _address6(text: str) -> IPv6Address:
    if "%" in text:
        raise RowError(f"address: '{text}' is not an IPv6 address")
    try:
        return IPv6Address(text)
    except ValueError:
        raise RowError(f"address: '{text}' is not an IPv6 address") from None


def _address4(text: str) -> IPv4Address:
    try:
        return IPv4Address(text)
    except ValueError:
        raise RowError(f"address: '{text}' is not an IPv4 address") from None


AddressParser6 = Callable[[str], IPv6Address]
AddressParser4 = Callable[[str], IPv4Address]

# ---------------------------------------------------------------- DHCPv6 rows


def _hwaddr6(fields: list[str]) -> tuple[bytes, int, int]:
    # CSVLeaseFile6::readHWAddr: a bad hardware address is logged and dropped, not an error.
    try:
        hwtype = _uint(fields[15], _U16, "hwtype") if fields[15] else 1
        hwaddr = decode_hex(fields[12]) if fields[12] else b""
        source = _uint(fields[16], _U32, "hwaddr_source") if fields[16] else 0
    except RowError:
        return b"", 1, 0
    if not hwaddr or len(hwaddr) > MAX_HWADDR_LEN:
        return b"", 1, 0
    return hwaddr, hwtype, source


def lease6_from_fields(fields: list[str], parse_address: AddressParser6 = _address6) -> Lease6:
    """A DHCPv6 lease from one row's 17 values (already upgraded to the current schema)."""
    lease = _plain_lease6(fields, parse_address)
    return lease if lease is not None else _checked_lease6(fields, parse_address)


def _plain_lease6(fields: list[str], parse_address: AddressParser6) -> Lease6 | None:
    """The fast path for the usual row (plain numbers, no hardware address, no context);
    None sends anything else to the careful path."""
    (address, duid, valid, expire, subnet, pref, kind, iaid, plen, fwd, rev) = fields[:11]
    hostname, hwaddr, state, context = fields[11], fields[12], fields[13], fields[14]
    digits = valid + expire + subnet + pref + iaid + plen
    if not (
        digits.isascii()
        and digits.isdigit()
        and valid
        and expire
        and subnet
        and pref
        and iaid
        and plen
        and not hwaddr
        and not context
        and len(duid) % 3 == 2
        and duid[2::3] == ":" * (len(duid) // 3)
    ):
        return None
    lease_type, fqdn_fwd, fqdn_rev = _TYPES6.get(kind), _BOOLS.get(fwd), _BOOLS.get(rev)
    lease_state = _STATES.get(state)
    values = (int(valid), int(subnet), int(pref), int(iaid), int(plen))
    if (
        lease_type is None
        or fqdn_fwd is None
        or fqdn_rev is None
        or lease_state is None
        or max(values) > _U32
        or values[4] > 0xFF
        or len(duid) > 3 * MAX_DUID_LEN
    ):
        return None
    try:
        raw_duid = bytes.fromhex(duid.replace(":", ""))
        ip = parse_address(address)
    except ValueError:
        return None
    if raw_duid == EMPTY_DUID and lease_state != LeaseState.DECLINED:
        return None
    return make_lease6(
        ip,
        lease_type,
        values[4],
        raw_duid,
        values[3],
        values[1],
        values[0],
        values[2],
        int(expire) - values[0],
        fqdn_fwd,
        fqdn_rev,
        unescape(hostname) if "&#x" in hostname else hostname,
        b"",
        1,
        0,
        lease_state,
        "",
    )


def _checked_lease6(fields: list[str], parse_address: AddressParser6) -> Lease6:
    try:
        address = parse_address(fields[0])
    except ValueError:
        raise RowError(f"address: '{fields[0]}' is not an IPv6 address") from None
    lease_type = _TYPES6.get(fields[6])
    if lease_type is None:
        raise RowError(f"lease_type: '{fields[6]}' is not 0, 1 or 2")
    duid = _duid(fields[1])
    valid = _uint(fields[2], _U32, "valid_lifetime")
    state = _state(fields[13])
    if duid == EMPTY_DUID and state != LeaseState.DECLINED:
        raise RowError("The Empty DUID is only valid for declined leases")
    hwaddr, hwtype, source = _hwaddr6(fields)
    return make_lease6(
        address,
        lease_type,
        _uint(fields[8], 0xFF, "prefix_len"),
        duid,
        _uint(fields[7], _U32, "iaid"),
        _uint(fields[4], _U32, "subnet_id"),
        valid,
        _uint(fields[5], _U32, "pref_lifetime"),
        _uint(fields[3], _U64, "expire") - valid,
        _bool(fields[9], "fqdn_fwd"),
        _bool(fields[10], "fqdn_rev"),
        unescape(fields[11]),
        hwaddr,
        hwtype,
        source,
        state,
        _context(fields[14]) if fields[14] else "",
    )


def lease6_to_line(lease: Lease6) -> str:
    """The CSV line (with its newline) Kea 2.2 would append for a DHCPv6 lease."""
    duid = lease.duid
    if (not duid or duid == EMPTY_DUID) and lease.state != LeaseState.DECLINED:
        raise WriteError(f"Lease6: {lease.address} has no DUID")
    hw = lease.hwaddr
    return (
        f"{lease.address},{encode_hex(duid or EMPTY_DUID)},{lease.valid_lifetime},"
        f"{lease.cltt + lease.valid_lifetime},{lease.subnet_id},{lease.preferred_lifetime},"
        f"{int(lease.lease_type)},{lease.iaid},{lease.prefix_len},{int(lease.fqdn_fwd)},"
        f"{int(lease.fqdn_rev)},{escape(lease.hostname)},{encode_hex(hw)},{int(lease.state)},"
        f"{escape(lease.user_context)},{lease.hwtype if hw else ''},"
        f"{lease.hwaddr_source if hw else ''}\n"
    )


def deletion6(lease: Lease6) -> Lease6:
    """The row Kea appends when it deletes a lease: the lease with both lifetimes 0."""
    return Lease6(
        lease.address,
        lease.lease_type,
        lease.prefix_len,
        lease.duid,
        lease.iaid,
        lease.subnet_id,
        0,
        0,
        lease.cltt,
        lease.fqdn_fwd,
        lease.fqdn_rev,
        lease.hostname,
        lease.hwaddr,
        lease.hwtype,
        lease.hwaddr_source,
        lease.state,
        lease.user_context,
    )


# ---------------------------------------------------------------- DHCPv4 rows


def lease4_from_fields(fields: list[str], parse_address: AddressParser4 = _address4) -> Lease4:
    """A DHCPv4 lease from one row's 11 values (already upgraded to the current schema)."""
    try:
        address = parse_address(fields[0])
    except ValueError:
        raise RowError(f"address: '{fields[0]}' is not an IPv4 address") from None
    client_id = decode_hex(fields[2]) if fields[2] else b""
    if client_id and not MIN_CLIENT_ID_LEN <= len(client_id) <= MAX_DUID_LEN:
        raise RowError(f"client_id: '{fields[2]}' must be 2 to {MAX_DUID_LEN} bytes")
    hwaddr = decode_hex(fields[1]) if fields[1] else b""
    if len(hwaddr) > MAX_HWADDR_LEN:
        raise RowError(f"hwaddr: '{fields[1]}' is longer than {MAX_HWADDR_LEN} bytes")
    state = _state(fields[9])
    if not hwaddr and not client_id and state != LeaseState.DECLINED:
        raise RowError(f"Lease4: {address} has neither hardware address or client id")
    context = _context(fields[10]) if fields[10] else ""
    valid = _uint(fields[3], _U32, "valid_lifetime")
    return Lease4(
        address,
        hwaddr,
        client_id,
        _uint(fields[5], _U32, "subnet_id"),
        valid,
        _uint(fields[4], _U64, "expire") - valid,
        _bool(fields[6], "fqdn_fwd"),
        _bool(fields[7], "fqdn_rev"),
        unescape(fields[8]),
        state,
        context,
    )


def lease4_to_line(lease: Lease4) -> str:
    """The CSV line (with its newline) Kea 2.2 would append for a DHCPv4 lease."""
    if not lease.hwaddr and not lease.client_id and lease.state != LeaseState.DECLINED:
        raise WriteError(f"Lease4: {lease.address} has neither hardware address or client id")
    return (
        f"{lease.address},{encode_hex(lease.hwaddr)},{encode_hex(lease.client_id)},"
        f"{lease.valid_lifetime},{lease.cltt + lease.valid_lifetime},{lease.subnet_id},"
        f"{int(lease.fqdn_fwd)},{int(lease.fqdn_rev)},{escape(lease.hostname)},"
        f"{int(lease.state)},{escape(lease.user_context)}\n"
    )


def deletion4(lease: Lease4) -> Lease4:
    """The row Kea appends when it deletes a DHCPv4 lease: the lease with valid lifetime 0."""
    return Lease4(
        lease.address,
        lease.hwaddr,
        lease.client_id,
        lease.subnet_id,
        0,
        lease.cltt,
        lease.fqdn_fwd,
        lease.fqdn_rev,
        lease.hostname,
        lease.state,
        lease.user_context,
        lease.hwtype,
    )


# ---------------------------------------------------------------- the header and schema versions


class SchemaState(IntEnum):
    """How a file's header compares to today's columns (``VersionedCSVFile``)."""

    CURRENT = 0
    NEEDS_UPGRADE = 1
    NEEDS_DOWNGRADE = 2


@dataclass(frozen=True, slots=True)
class FileSchema:
    """What a file's header says: how many columns it has and how rows are fitted to today's."""

    columns: tuple[Column, ...]
    input_count: int  # columns in the file's header
    valid_count: int  # leading header columns that match today's names
    state: SchemaState

    def fit(self, fields: list[str]) -> list[str]:
        """The row's values fitted to today's columns, or RowError.

        Kea's lease readers ignore ``VersionedCSVFile::next``'s column-count verdict and read
        values by position: extra values are ignored in every schema state, a short row of an
        older file is padded with the defaults, and any other short row fails (Kea would still
        accept a DHCPv6 row missing only ``hwtype``/``hwaddr_source``, dropping its hardware
        address; Pukeko rejects it).
        """
        count, wanted = len(fields), len(self.columns)
        if count >= wanted:
            return fields if count == wanted else fields[:wanted]
        if self.state is SchemaState.NEEDS_UPGRADE and self.valid_count <= count:
            return fields + [c.default for c in self.columns[count:]]
        raise RowError(f"Invalid number of columns: {count}, expected {wanted}")


def read_header(line: str, columns: tuple[Column, ...]) -> FileSchema:
    """Check a header line against today's columns (``VersionedCSVFile::validateHeader``)."""
    names = line.split(",")
    valid = 0
    for name, column in zip(names, columns, strict=False):
        if name != column.name:
            raise HeaderError(f"header contains an invalid column: '{name}'")
        valid += 1
    minimum = [c.name for c in columns].index("hostname") + 1
    if valid < minimum:
        raise HeaderError(
            f"header has only {valid} valid column(s), it must have at least {minimum}"
        )
    if valid < len(columns):
        state = SchemaState.NEEDS_UPGRADE
    elif len(names) > len(columns):
        state = SchemaState.NEEDS_DOWNGRADE
    else:
        state = SchemaState.CURRENT
    return FileSchema(columns, len(names), valid, state)


# ---------------------------------------------------------------- one family's codec


@dataclass(frozen=True, slots=True)
class LeaseCodec(Generic[L]):
    """Everything family-specific about a lease file, as data."""

    family: int
    columns: tuple[Column, ...]
    header: str
    from_fields: Callable[[list[str]], L]
    to_line: Callable[[L], str]
    deletion: Callable[[L], L]


CODEC6: LeaseCodec[Lease6] = LeaseCodec(
    6, COLUMNS6, HEADER6, lease6_from_fields, lease6_to_line, deletion6
)
CODEC4: LeaseCodec[Lease4] = LeaseCodec(
    4, COLUMNS4, HEADER4, lease4_from_fields, lease4_to_line, deletion4
)


@dataclass(slots=True)
class ReadStats:
    """What reading one file found (Kea's CSVLeaseFile read statistics)."""

    reads: int = 0  # rows attempted
    leases: int = 0  # rows read into leases
    errors: int = 0  # rows skipped
    schema: SchemaState = SchemaState.CURRENT

    @property
    def needs_conversion(self) -> bool:
        """True when the file was written with another schema version (Kea then runs LFC)."""
        return self.schema is not SchemaState.CURRENT


RowErrorSink = Callable[[int, str], None]  # (row number, message)


def read_leases(
    lines: Iterable[str],
    codec: LeaseCodec[L],
    into: dict[int, L],
    max_errors: int = 0,
    on_error: RowErrorSink | None = None,
) -> ReadStats:
    """Apply one file's rows to ``into`` (address -> lease), as ``LeaseFileLoader::load`` does.

    ``lines`` are the file's lines (the header first; blank lines are skipped). Raises
    HeaderError for an unreadable header and TooManyRowErrors past ``max_errors`` (0: no limit).
    """
    stats = ReadStats()
    rows = (line for line in lines if line and line != "\n")
    header = next(rows, None)
    if header is None:
        return stats  # an empty file: Kea writes the header into it
    schema = read_header(header.rstrip("\n"), codec.columns)
    stats.schema = schema.state
    width = len(codec.columns)
    from_fields, fit = codec.from_fields, schema.fit
    for line in rows:
        stats.reads += 1
        fields = line.rstrip("\n").split(",")
        try:
            lease = from_fields(fields if len(fields) == width else fit(fields))
        except RowError as error:
            stats.errors += 1
            if on_error is not None:
                on_error(stats.reads, str(error))
            if max_errors and stats.errors > max_errors:
                raise TooManyRowErrors(
                    f"exceeded maximum number of failures {max_errors} to read a lease"
                ) from error
            continue
        stats.leases += 1
        key = int(lease.address)
        if lease.valid_lifetime:
            into[key] = lease
        else:
            into.pop(key, None)
    return stats
