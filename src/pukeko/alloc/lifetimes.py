"""Lease lifetimes and renewal timers (T1/T2) as Kea 2.2 computes them.

Lifetimes (``AllocEngine::getLifetimes6`` / ``getValidLft``, ``Triplet::get``): the first client
class (in the client's class order) that sets a lifetime wins over the subnet's; a client hint
of 0 (or none) gives the default; a non-zero hint is bounded by ``[min, max]`` (a hint equal to
a bound gives that bound). Kea 2.2 does not lower a preferred lifetime above the valid one.
ARM 9.2 "Preferred and Valid Lifetimes".

Timers (ARM "Setting Fixed Lifetimes / T1 and T2", ``Dhcpv6Srv::setTeeTimes`` /
``Dhcpv4Srv::setTeeTimes``): an explicit ``renew-timer`` / ``rebind-timer`` is used as is;
otherwise, with ``calculate-tee-times``, T1 = round(t1-percent x L) and T2 = round(t2-percent x
L), where L is the *preferred* lifetime in DHCPv6 (the smallest non-zero preferred lifetime of
the IA's leases) and the *valid* lifetime in DHCPv4. Rounding is C ``round`` (half away from
zero). DHCPv6 sends any T2 and sends T1 only when T1 < T2 (else 0: the client decides, RFC 8415
§21.4). DHCPv4 sends T2 only when 0 < T2 < valid, and T1 only when 0 < T1 < (the T2 sent, or
valid). Infinite lifetimes (0xffffffff) go through the same arithmetic, as in Kea.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

from pukeko.config.model import ClientClass, Lifetime, NetworkParams

UINT32_MAX = 0xFFFFFFFF


def clamp(lifetime: Lifetime, hint: int) -> int:
    """Kea Triplet::get(hint): ``hint`` bounded by ``[min, max]``."""
    if hint <= lifetime.min:
        return lifetime.min
    if hint >= lifetime.max:
        return lifetime.max
    return hint


def choose_lifetime(
    lifetime: Lifetime, hint: int | None, class_lifetime: Lifetime | None = None
) -> int:
    """The lifetime to grant: the class's triplet over the subnet's, the hint clamped into it."""
    triplet = class_lifetime if class_lifetime is not None else lifetime
    if not hint:
        return triplet.default
    return clamp(triplet, hint)


def class_lifetimes(
    classes: Iterable[str], definitions: Iterable[ClientClass]
) -> tuple[Lifetime | None, Lifetime | None]:
    """(preferred, valid) set by the client's classes: the first class setting each wins."""
    by_name = {c.name: c for c in definitions}
    preferred: Lifetime | None = None
    valid: Lifetime | None = None
    for name in classes:
        cls = by_name.get(name)
        if cls is None:
            continue
        if preferred is None and cls.preferred_lifetime is not None:
            preferred = cls.preferred_lifetime
        if valid is None and cls.valid_lifetime is not None:
            valid = cls.valid_lifetime
        if preferred is not None and valid is not None:
            break
    return preferred, valid


def lifetimes6(
    params: NetworkParams,
    preferred_hint: int | None,
    valid_hint: int | None,
    class_preferred: Lifetime | None = None,
    class_valid: Lifetime | None = None,
) -> tuple[int, int]:
    """(preferred, valid) for a DHCPv6 lease (Kea getLifetimes6)."""
    preferred_cfg = params.preferred_lifetime or params.valid_lifetime
    preferred = choose_lifetime(preferred_cfg, preferred_hint, class_preferred)
    valid = choose_lifetime(params.valid_lifetime, valid_hint, class_valid)
    return preferred, valid


def _c_round(value: float) -> int:
    """C ``round``: halves away from zero (Python's ``round`` rounds halves to even)."""
    return math.floor(value + 0.5) if value >= 0 else -math.floor(-value + 0.5)


def _timer(explicit: int | None, calculate: bool, percent: float, base: int) -> int:
    if explicit is not None:
        return explicit
    if calculate:
        return _c_round(percent * base) & UINT32_MAX
    return 0


def tee_times6(params: NetworkParams, preferred: int, valid: int = 0) -> tuple[int, int]:
    """(T1, T2) for an IA_NA / IA_PD reply (Kea Dhcpv6Srv::setTeeTimes; valid is unused)."""
    t2 = _timer(params.rebind_timer, params.calculate_tee_times, params.t2_percent, preferred)
    t1 = _timer(params.renew_timer, params.calculate_tee_times, params.t1_percent, preferred)
    # RFC 8415 §21.4 / Kea: T1 is sent only when less than T2; 0 lets the client choose.
    return (t1 if t1 < t2 else 0), t2


def tee_times4(params: NetworkParams, valid: int) -> tuple[int | None, int | None]:
    """(T1, T2) options for a DHCPv4 ACK/OFFER, None when not sent (Dhcpv4Srv::setTeeTimes)."""
    t2 = _timer(params.rebind_timer, params.calculate_tee_times, params.t2_percent, valid)
    ceiling = valid
    sent_t2: int | None = None
    if 0 < t2 < ceiling:
        sent_t2 = t2
        ceiling = t2
    t1 = _timer(params.renew_timer, params.calculate_tee_times, params.t1_percent, valid)
    sent_t1 = t1 if 0 < t1 < ceiling else None
    return sent_t1, sent_t2


def min_preferred(preferred_lifetimes: Iterable[int], *, renewing: bool = False) -> int:
    """The IA's timer base: the smallest non-zero preferred lifetime, as Kea computes it.

    Kea starts from the first lease's preferred lifetime when granting (Solicit/Request, so a
    first lease with preferred 0 gives 0) and from 0xffffffff when extending (Renew/Rebind).
    """
    values = list(preferred_lifetimes)
    base = UINT32_MAX if renewing else (values[0] if values else 0)
    for value in values:
        if 0 < value < base:
            base = value
    return base
