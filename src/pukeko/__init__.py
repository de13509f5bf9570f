"""Pukeko: a Kea-compatible DHCPv4/DHCPv6 server suite."""

__version__ = "0.1.0"
