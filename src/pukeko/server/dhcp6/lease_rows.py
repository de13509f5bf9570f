"""Fast construction of :class:`~pukeko.leases.model.Lease6` rows for the engine's hot path.

``Lease6`` is a frozen dataclass: its generated ``__init__`` sets each of its 17 fields through
``object.__setattr__`` looked up anew per field, and :func:`dataclasses.replace` adds a field
scan and a keyword call on top (several microseconds per row, on every packet that grants or
extends a lease). The functions here make the *same* objects through
:func:`pukeko.leases.model.make_lease6`, which writes the slots directly (the lease file loader
uses it too); ``tests/unit/server/dhcp6/test_lease_rows.py`` checks the rows field by field.
"""

from __future__ import annotations

from dataclasses import MISSING, fields
from ipaddress import IPv6Address
from operator import attrgetter

from pukeko.leases.model import LEASE6_FIELDS, Lease6, LeaseType, make_lease6

_INDEX = {name: index for index, name in enumerate(LEASE6_FIELDS)}
_read_all = attrgetter(*LEASE6_FIELDS)
_DEFAULTS = {f.name: f.default for f in fields(Lease6) if f.default is not MISSING}
_FQDN_FWD, _FQDN_REV, _HOSTNAME, _STATE, _USER_CONTEXT = (
    _DEFAULTS[name] for name in ("fqdn_fwd", "fqdn_rev", "hostname", "state", "user_context")
)


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
    return make_lease6(
        address, lease_type, prefix_len, duid, iaid, subnet_id, valid_lifetime,
        preferred_lifetime, cltt, _FQDN_FWD, _FQDN_REV, _HOSTNAME, hwaddr, hwtype,
        hwaddr_source, _STATE, _USER_CONTEXT,
    )  # fmt: skip


def evolve6(lease: Lease6, **changes: object) -> Lease6:
    """``dataclasses.replace(lease, **changes)`` for a Lease6, without its overhead."""
    values = list(_read_all(lease))
    for name, value in changes.items():
        index = _INDEX.get(name)
        if index is None:
            raise TypeError(f"Lease6 has no field {name!r}")
        values[index] = value
    return make_lease6(*values)
