"""Fast construction of :class:`~pukeko.leases.model.Lease6` rows for the engine's hot path.

``Lease6`` is a frozen dataclass: its generated ``__init__`` sets each of its 17 fields through
``object.__setattr__`` looked up anew per field, and :func:`dataclasses.replace` adds a field
scan and a keyword call on top (several microseconds per row, on every packet that grants or
extends a lease). The functions here make the *same* objects by writing the slots through their
descriptors directly; the results compare equal to (and are indistinguishable from) rows built
the ordinary way, which ``tests/unit/server/dhcp6/test_lease_rows.py`` checks field by field.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import MISSING, fields
from ipaddress import IPv6Address
from operator import attrgetter
from typing import Any, cast

from pukeko.leases.model import Lease6, LeaseType

_Setter = Callable[[Lease6, object], None]
FIELD_NAMES: tuple[str, ...] = tuple(f.name for f in fields(Lease6))
# The order the slot writers below follow; a change to Lease6 must be mirrored here.
EXPECTED_FIELDS = (
    "address",
    "lease_type",
    "prefix_len",
    "duid",
    "iaid",
    "subnet_id",
    "valid_lifetime",
    "preferred_lifetime",
    "cltt",
    "fqdn_fwd",
    "fqdn_rev",
    "hostname",
    "hwaddr",
    "hwtype",
    "hwaddr_source",
    "state",
    "user_context",
)
if FIELD_NAMES != EXPECTED_FIELDS:  # pragma: no cover - guards an edit of the lease model
    raise ImportError(f"Lease6 fields changed to {FIELD_NAMES}: update lease_rows")

_INDEX = {name: index for index, name in enumerate(FIELD_NAMES)}
_read_all = attrgetter(*FIELD_NAMES)
_new = object.__new__


def _setter(name: str) -> _Setter:
    """The slot descriptor's ``__set__`` for a field (bypasses the frozen ``__setattr__``)."""
    return cast(_Setter, Lease6.__dict__[name].__set__)


_DEFAULTS = {f.name: f.default for f in fields(Lease6) if f.default is not MISSING}
_FQDN_FWD, _FQDN_REV, _HOSTNAME, _STATE, _USER_CONTEXT = (
    _DEFAULTS[name] for name in ("fqdn_fwd", "fqdn_rev", "hostname", "state", "user_context")
)
(
    _SET_ADDRESS,
    _SET_LEASE_TYPE,
    _SET_PREFIX_LEN,
    _SET_DUID,
    _SET_IAID,
    _SET_SUBNET_ID,
    _SET_VALID,
    _SET_PREFERRED,
    _SET_CLTT,
    _SET_FQDN_FWD,
    _SET_FQDN_REV,
    _SET_HOSTNAME,
    _SET_HWADDR,
    _SET_HWTYPE,
    _SET_HWADDR_SOURCE,
    _SET_STATE,
    _SET_USER_CONTEXT,
) = (_setter(name) for name in FIELD_NAMES)


def _row(values: Sequence[Any]) -> Lease6:
    """A Lease6 holding ``values`` in field order (the frozen ``__init__``, minus its cost)."""
    lease = _new(Lease6)
    _SET_ADDRESS(lease, values[0])
    _SET_LEASE_TYPE(lease, values[1])
    _SET_PREFIX_LEN(lease, values[2])
    _SET_DUID(lease, values[3])
    _SET_IAID(lease, values[4])
    _SET_SUBNET_ID(lease, values[5])
    _SET_VALID(lease, values[6])
    _SET_PREFERRED(lease, values[7])
    _SET_CLTT(lease, values[8])
    _SET_FQDN_FWD(lease, values[9])
    _SET_FQDN_REV(lease, values[10])
    _SET_HOSTNAME(lease, values[11])
    _SET_HWADDR(lease, values[12])
    _SET_HWTYPE(lease, values[13])
    _SET_HWADDR_SOURCE(lease, values[14])
    _SET_STATE(lease, values[15])
    _SET_USER_CONTEXT(lease, values[16])
    return lease


def new_lease6(
    address: IPv6Address,
    lease_type: LeaseType,
    prefix_len: int,
    duid: bytes,
    iaid: int,
    subnet_id: int,
    valid_lifetime: int,
    preferred_lifetime: int,
    cltt: int,
    hwaddr: bytes,
    hwtype: int,
    hwaddr_source: int,
) -> Lease6:
    """``Lease6(...)`` with these fields and the defaults for the others (no FQDN, no context)."""
    lease = _new(Lease6)
    _SET_ADDRESS(lease, address)
    _SET_LEASE_TYPE(lease, lease_type)
    _SET_PREFIX_LEN(lease, prefix_len)
    _SET_DUID(lease, duid)
    _SET_IAID(lease, iaid)
    _SET_SUBNET_ID(lease, subnet_id)
    _SET_VALID(lease, valid_lifetime)
    _SET_PREFERRED(lease, preferred_lifetime)
    _SET_CLTT(lease, cltt)
    _SET_FQDN_FWD(lease, _FQDN_FWD)
    _SET_FQDN_REV(lease, _FQDN_REV)
    _SET_HOSTNAME(lease, _HOSTNAME)
    _SET_HWADDR(lease, hwaddr)
    _SET_HWTYPE(lease, hwtype)
    _SET_HWADDR_SOURCE(lease, hwaddr_source)
    _SET_STATE(lease, _STATE)
    _SET_USER_CONTEXT(lease, _USER_CONTEXT)
    return lease


def evolve6(lease: Lease6, **changes: object) -> Lease6:
    """``dataclasses.replace(lease, **changes)`` for a Lease6, without its overhead."""
    values = list(_read_all(lease))
    for name, value in changes.items():
        index = _INDEX.get(name)
        if index is None:
            raise TypeError(f"Lease6 has no field {name!r}")
        values[index] = value
    return _row(values)
