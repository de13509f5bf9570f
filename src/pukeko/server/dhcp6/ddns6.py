"""Client FQDN handling of the DHCPv6 server, in Kea 2.2's order (RFC 4704, ARM "DDNS for DHCPv6").

Per Solicit / Request / Renew / Rebind (Kea ``processClientFqdn`` ... ``createNameChangeRequests``):

1. :func:`start` — before the IAs: the client's Client FQDN option (or, when updates are on and
   ``ddns-replace-client-name`` is ``always`` / ``when-not-present``, an empty one with S = 1 made
   up for it) gives the server's flags and name; the reply carries the server's option 39 and
   every lease the message grants gets the hostname and the forward/reverse flags;
2. :func:`finish` — after the IAs: if allocation moved to another subnet of the shared network
   the names are worked out again with that subnet's parameters (``checkDynamicSubnetChange``);
   a name still empty is generated from the first address of the first IA_NA (Request, Renew,
   Rebind only: an Advertise carries the empty name) and written to that lease; then, for a
   Reply, one add request for the first IA_NA holding an address, unless the lease was only
   extended with the same name and flags (and ``ddns-update-on-renew`` is off), and a removal
   request for that lease's old name when it changed.

Removals from lease rows (:func:`queue_removal`, Kea ``queueNCR``) happen on Release, Decline,
renewal of an expired lease, reuse of another client's expired lease and when a renewed lease
no longer fits its subnet. A message without option 39 costs one dict lookup here while
``enable-updates`` is off.

Information-request: Kea 2.2 does not process the Client FQDN option there (no option 39 in
the Reply), nor does Confirm.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace

from pukeko.config.model import Config, Subnet
from pukeko.ddns.fqdn6 import FLAG_N, FLAG_O, FLAG_S, OPTION_CLIENT_FQDN, ClientFqdn
from pukeko.ddns.fqdn6 import decode_client_fqdn as _decode
from pukeko.ddns.leases import lease6_label, lease6_request
from pukeko.ddns.names import InvalidName
from pukeko.ddns.ncr import ChangeType, NameChangeRequest, ddns_ttl, dhcid_from_duid
from pukeko.ddns.policy import (
    NO_SUBNET,
    DdnsPolicy,
    adjusted_name,
    domain_labels,
    generated_name,
    policy_for,
    qualify_name,
    server_flags,
    update_directions,
)
from pukeko.leases.model import ChangeKind, Lease6, LeaseType
from pukeko.server.dhcp6.context import DiscardMessage, Exchange
from pukeko.server.dhcp6.lease_rows import evolve6
from pukeko.wire.buffer import FormError
from pukeko.wire.ia6 import decode_ia
from pukeko.wire.pkt6 import OPTION_CLIENTID, OPTION_IA_NA, int6_text

Tlvs = list[tuple[int, bytes]]
NO_NAMES = ("", False, False)  # (hostname, fqdn_fwd, fqdn_rev) of a lease without a name

# Enum members bound once: attribute access on an Enum class is slow on Python 3.11.
_NA = LeaseType.NA
_PD = LeaseType.PD
_UPDATE = ChangeKind.UPDATE


@dataclass(frozen=True, slots=True)
class DdnsService:
    """What DDNS needs from the configuration while dhcp-ddns ``enable-updates`` is on."""

    subnets: Mapping[int, Subnet]

    def use_conflict_resolution(self, subnet_id: int) -> bool:
        """The lease's subnet's ``ddns-use-conflict-resolution`` (True without a subnet)."""
        subnet = self.subnets.get(subnet_id)
        return True if subnet is None else subnet.params.ddns.use_conflict_resolution


def ddns_service(config: Config) -> DdnsService | None:
    """The DDNS service of a configuration, or None when ``enable-updates`` is not true."""
    if config.dhcp_ddns.get("enable-updates") is not True:
        return None
    return DdnsService(config.subnets_by_id)


class Names6:
    """The names decided for one message (Kea's ctx hostname_, fwd/rev_dns_update_)."""

    __slots__ = ("changed", "fwd", "hostname", "policy", "response", "rev")

    def __init__(
        self,
        policy: DdnsPolicy,
        response: ClientFqdn | None,
        hostname: str,
        fwd: bool,
        rev: bool,
    ) -> None:
        self.policy = policy
        self.response = response  # the server's option 39 (None: the reply carries none)
        self.hostname = hostname
        self.fwd = fwd
        self.rev = rev
        # Old rows of the leases of the IA processed last that this message updated
        # (Kea currentIA().changed_leases_): they decide between "extended only" and a
        # removal of the old name.
        self.changed: list[Lease6] = []

    @property
    def values(self) -> tuple[str, bool, bool]:
        """(hostname, fqdn_fwd, fqdn_rev) for the leases."""
        return self.hostname, self.fwd, self.rev


def lease_names(ex: Exchange) -> tuple[str, bool, bool]:
    """(hostname, fqdn_fwd, fqdn_rev) the message's leases get."""
    names = ex.ddns
    return NO_NAMES if names is None else (names.hostname, names.fwd, names.rev)


def with_names(ex: Exchange, lease: Lease6) -> Lease6:
    """``lease`` carrying the message's hostname and DNS flags."""
    hostname, fwd, rev = lease_names(ex)
    if lease.hostname == hostname and lease.fqdn_fwd == fwd and lease.fqdn_rev == rev:
        return lease
    return evolve6(lease, hostname=hostname, fqdn_fwd=fwd, fqdn_rev=rev)


def names_differ(ex: Exchange, lease: Lease6) -> bool:
    """True when the lease's name or DNS flags differ from the message's."""
    hostname, fwd, rev = lease_names(ex)
    return lease.hostname != hostname or lease.fqdn_fwd != fwd or lease.fqdn_rev != rev


def note_changed(ex: Exchange, old: Lease6) -> None:
    """Remember a lease's row before this message updated it (for the add/remove decision)."""
    names = ex.ddns
    if names is not None:
        names.changed.append(old)


def next_ia(ex: Exchange) -> None:
    """A new IA is processed: forget the previous IA's updated leases (Kea currentIA())."""
    names = ex.ddns
    if names is not None and names.changed:
        names.changed = []


def policy_of(ex: Exchange) -> DdnsPolicy:
    """The DDNS policy of the message's subnet."""
    subnet = ex.subnet
    if subnet is None:
        return NO_SUBNET
    return policy_for(subnet.params.ddns, ex.d2 is not None)


# --- before the IAs (processClientFqdn) ----------------------------------------------------


def start(
    ex: Exchange, ddns: DdnsService | None, out: Tlvs, reserved: str | None = None
) -> Names6 | None:
    """Decide the client's names and add the server's option 39 to ``out``.

    ``reserved`` is the hostname of the client's host reservation (:func:`reserved_hostname`;
    None: no reservation or no hostname in it): it replaces the client's name.
    """
    ex.d2 = ddns
    if ddns is None and reserved is None and OPTION_CLIENT_FQDN not in ex.first:
        return None
    return _process(ex, out, reserved)


def _process(ex: Exchange, out: Tlvs, reserved: str | None) -> Names6 | None:
    policy = policy_of(ex)
    payload = ex.first.get(OPTION_CLIENT_FQDN)
    if payload is None:
        if not policy.fabricates:
            if reserved:  # no FQDN: the lease takes the reserved hostname as it is
                ex.ddns = Names6(policy, None, reserved, False, False)
            return ex.ddns
        # Kea: an empty partial name with S = 1; the flags are adjusted below.
        client = ClientFqdn(FLAG_S)
        ex.emit("DHCP6_DDNS_GENERATE_FQDN", ex.label)
    else:
        client = decode(payload)
    ex.emit("DHCP6_DDNS_RECEIVE_FQDN", ex.label, client)
    s, n, o = server_flags(client.s, client.n, policy)
    fwd, rev = update_directions(s, n)
    try:
        if reserved:
            suffix = policy.qualifying_suffix
            labels = domain_labels(qualify_name(reserved, suffix, trailing_dot=True), True)
        else:
            labels = adjusted_name(client.labels, client.full, policy)
    except InvalidName as exc:
        raise DiscardMessage(f"invalid domain-name for the Client FQDN option: {exc}") from exc
    flags = (FLAG_S if s else 0) | (FLAG_N if n else 0) | (FLAG_O if o else 0)
    response = ClientFqdn(flags, labels, labels is not None)
    ex.emit("DHCP6_DDNS_RESPONSE_FQDN_DATA", ex.label, response)
    out.append((OPTION_CLIENT_FQDN, response.tlv()))
    names = ex.ddns = Names6(policy, response, response.domain_name, fwd, rev)
    return names


def reserved_hostname(ex: Exchange) -> str | None:
    """The hostname of the client's current host reservation, or None (Kea currentHost())."""
    if not ex.hosts:
        return None
    host = ex.current_host()
    return host.hostname if host is not None and host.hostname else None


def use_reserved_hostname(ex: Exchange, hostname: str) -> None:
    """Kea allocateReservedLeases6: leases take the reservation's hostname, qualified with
    ``ddns-qualifying-suffix`` (with a final dot when the client sent option 39)."""
    policy = policy_of(ex)
    name = qualify_name(hostname, policy.qualifying_suffix, OPTION_CLIENT_FQDN in ex.first)
    names = ex.ddns
    if names is None:
        ex.ddns = Names6(policy, None, name, False, False)
    else:
        names.hostname = name


def decode(payload: bytes) -> ClientFqdn:
    """The client's option 39; a malformed one drops the message (Kea: unpack failure)."""
    try:
        return _decode(payload)
    except FormError as exc:
        raise DiscardMessage(str(exc)) from exc


# --- after the IAs ---------------------------------------------------------------------------


def finish(
    ex: Exchange, out: Tlvs, first_subnet: Subnet | None, *, generate: bool, requests: bool
) -> None:
    """Redo the names for a new subnet, generate an empty name, make the add request."""
    subnet = ex.subnet
    names = ex.ddns
    if subnet is not None and first_subnet is not None and subnet.id != first_subnet.id:
        names = _subnet_changed(ex, out, names)
    if names is None or names.response is None:
        return
    if ex.hosts:
        _update_reserved_fqdn(ex, out, names)
    if generate and names.response.labels is None:
        _generate(ex, out, names)
    if requests:
        _add_request(ex, out, names)


def _replace_fqdn(out: Tlvs, tlv: bytes | None) -> None:
    """Replace (or, with None, drop) the option 39 in ``out``."""
    out[:] = [item for item in out if item[0] != OPTION_CLIENT_FQDN]
    if tlv is not None:
        out.append((OPTION_CLIENT_FQDN, tlv))


def _subnet_changed(ex: Exchange, out: Tlvs, names: Names6 | None) -> Names6 | None:
    """Kea checkDynamicSubnetChange: the new subnet's DDNS parameters decide again."""
    before = names.values if names is not None else NO_NAMES
    _replace_fqdn(out, None)
    ex.ddns = None
    fresh = _process(ex, out, reserved_hostname(ex))
    if fresh is not None and names is not None:
        fresh.changed = names.changed
    after = fresh.values if fresh is not None else NO_NAMES
    if not ex.fake and after != before:
        for lease in _granted_leases(ex):
            ex.record(_UPDATE, with_names(ex, lease))
    return fresh


def _update_reserved_fqdn(ex: Exchange, out: Tlvs, names: Names6) -> None:
    """Kea updateReservedFqdn: the option 39 carries the current reservation's hostname (it
    may come from another subnet of the shared network than the one first selected)."""
    hostname = reserved_hostname(ex)
    response = names.response
    if hostname is None or response is None:
        return
    wanted = qualify_name(hostname, policy_of(ex).qualifying_suffix, trailing_dot=True)
    if wanted == response.domain_name:
        return
    try:
        labels = domain_labels(wanted, True)
    except InvalidName as exc:
        raise DiscardMessage(f"invalid reserved hostname for the Client FQDN: {exc}") from exc
    names.response = replace(response, labels=labels, full=True)
    _replace_fqdn(out, names.response.tlv())


def _granted_leases(ex: Exchange) -> list[Lease6]:
    """The leases this message grants (Kea ctx.new_leases_), as it left them."""
    found: list[Lease6] = []
    for address, prefix_len in ex.allocated:
        lease = ex.pending.get((_NA if prefix_len == 128 else _PD, address))
        if lease is not None:
            found.append(lease)
    return found


def _first_iaaddr(out: Tlvs) -> tuple[int, int] | None:
    """(address, valid lifetime) of the first IAADDR of the reply's first IA_NA."""
    for code, tlv in out:
        if code == OPTION_IA_NA:
            addresses = decode_ia(OPTION_IA_NA, tlv[4:]).addresses()
            if not addresses:
                return None
            return int.from_bytes(addresses[0].address, "big"), addresses[0].valid
    return None


def _generate(ex: Exchange, out: Tlvs, names: Names6) -> None:
    """Kea generateFqdn: name the client after its first address; store it in that lease."""
    found = _first_iaaddr(out)
    if found is None:
        return
    address = found[0]
    text = int6_text(address)
    name = generated_name(text, names.policy)
    ex.emit("DHCP6_DDNS_FQDN_GENERATED", ex.label, name)
    try:
        labels = domain_labels(name, True)
    except InvalidName as exc:
        ex.emit("DHCP6_DDNS_GENERATED_FQDN_UPDATE_FAIL", ex.label, text, exc)
        return
    if not ex.fake:
        lease = ex.pending.get((_NA, address)) if (address, 128) in ex.allocated else None
        if lease is None:
            reason = (
                f"there is no lease in the database  for address {text}, so as it is impossible"
                " to update FQDN data. This is a programmatic error as the given address is now"
                " being handed to the client"
            )
            ex.emit("DHCP6_DDNS_GENERATED_FQDN_UPDATE_FAIL", ex.label, text, reason)
            return
        ex.record(_UPDATE, evolve6(lease, hostname=name))
    assert names.response is not None
    names.response = replace(names.response, labels=labels, full=True)
    names.hostname = names.response.domain_name
    _replace_fqdn(out, names.response.tlv())


def _add_request(ex: Exchange, out: Tlvs, names: Names6) -> None:
    """Kea createNameChangeRequests: one add for the first IA_NA that holds an address."""
    policy = names.policy
    response = names.response
    if not policy.enable_updates or response is None:
        return
    fwd, rev = update_directions(response.s, response.n)
    try:
        dhcid = dhcid_from_duid(ex.first.get(OPTION_CLIENTID) or b"", response.wire_domain())
    except ValueError as exc:  # Kea: DhcidRdataComputeError, the message is dropped
        raise DiscardMessage(str(exc)) from exc
    fqdn = response.domain_name
    for code, tlv in out:
        if code != OPTION_IA_NA:
            continue
        addresses = decode_ia(OPTION_IA_NA, tlv[4:]).addresses()
        if not addresses:
            continue
        address = int.from_bytes(addresses[0].address, "big")
        extended_only = False
        for old in names.changed:
            if int(old.address) == address:
                if (
                    not policy.update_on_renew
                    and old.hostname == fqdn
                    and old.fqdn_fwd == fwd
                    and old.fqdn_rev == rev
                ):
                    extended_only = True
                else:
                    queue_removal(ex, old)
                break
        if extended_only or not (fwd or rev):
            continue
        ttl = ddns_ttl(addresses[0].valid)
        request = NameChangeRequest.build(
            ChangeType.ADD,
            fwd,
            rev,
            fqdn,
            int6_text(address),
            dhcid,
            0,
            ttl,
            policy.use_conflict_resolution,
        )
        add_request(ex, request)
        return  # Kea: one request, for the first address only


# --- removals from lease rows (queueNCR) -----------------------------------------------------


class _LeaseLabel:
    """Kea's lease label, rendered only if the log line is written."""

    __slots__ = ("lease",)

    def __init__(self, lease: Lease6) -> None:
        self.lease = lease

    def __str__(self) -> str:
        lease = self.lease
        return lease6_label(lease.duid, lease.hwaddr, lease.hwtype)


def add_request(ex: Exchange, request: NameChangeRequest) -> None:
    """Add a request to the message's outcome."""
    made = ex.name_changes
    if isinstance(made, list):
        made.append(request)
    else:
        ex.name_changes = [request]


def queue_removal(ex: Exchange, lease: Lease6) -> None:
    """Request removal of a lease's DNS entries, if it has any (Kea ``queueNCR(CHG_REMOVE)``)."""
    if lease.lease_type == _PD or not lease.duid:
        return
    if ex.d2 is None or not lease.hostname or not (lease.fqdn_fwd or lease.fqdn_rev):
        if ex.debuglevel >= 50:
            ex.emit("DHCPSRV_QUEUE_NCR_SKIP", _LeaseLabel(lease), lease.address)
        return
    try:
        use_cr = ex.d2.use_conflict_resolution(lease.subnet_id)
        request = lease6_request(ChangeType.REMOVE, lease, use_cr)
    except ValueError as exc:
        ex.emit("DHCPSRV_QUEUE_NCR_FAILED", _LeaseLabel(lease), "remove", lease.address, exc)
        return
    if request is not None:
        add_request(ex, request)


def retired(ex: Exchange, lease: Lease6) -> None:
    """A renewed IA_NA lost a lease: remove its old name if it differs (Kea extendIA_NA)."""
    if lease.lease_type != _NA or not names_differ(ex, lease):
        return
    hostname, fwd, rev = lease_names(ex)
    if ex.debuglevel >= 50:
        ex.emit(
            "DHCP6_DDNS_REMOVE_OLD_LEASE_FQDN",
            ex.label,
            lease.address,
            hostname,
            "true" if rev else "false",
            "true" if fwd else "false",
        )
    queue_removal(ex, lease)
