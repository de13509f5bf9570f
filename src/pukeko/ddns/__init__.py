"""DDNS for the DHCP servers: Client FQDN option, name policy and name-change requests.

Family-neutral and pure (no I/O): :mod:`~pukeko.ddns.names` (DNS names as Kea's
``isc::dns::Name`` reads and prints them), :mod:`~pukeko.ddns.fqdn6` (DHCPv6 Client FQDN
option, RFC 4704), :mod:`~pukeko.ddns.policy` (the ``ddns-*`` parameters: flags, sanitizing,
qualifying and generated names), :mod:`~pukeko.ddns.ncr` (NameChangeRequest, DHCID per
RFC 4701) and :mod:`~pukeko.ddns.sink` (where requests go: logged and counted until a D2
client sends them).
"""
