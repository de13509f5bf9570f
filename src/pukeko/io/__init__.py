"""The runtime: the only package with sockets, asyncio, signals, clocks and files (DESIGN.md).

``interfaces`` lists the host's interfaces, ``udp6`` owns the DHCPv6 socket, ``runtime6`` runs
the receive -> process -> persist -> send loop, ``logsetup`` maps Kea's ``loggers`` onto Python
logging, ``pidfile`` and ``serverid_file`` keep Kea's files, ``signals`` wires SIGHUP/SIGTERM.
"""
