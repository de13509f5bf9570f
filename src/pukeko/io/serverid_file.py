"""The persisted server DUID: Kea's ``<data-directory>/kea-dhcp6-serverid`` file.

Kea (``ControlledDhcpv6Srv``, ``DUIDFactory``) keeps the generated DUID in this file as colon
separated lowercase hex octets without a trailing newline, reads it back word by word, and
regenerates only the parts the ``server-id`` configuration leaves unspecified. Pukeko reads and
writes the same file, so a Pukeko server taking over from Kea answers with Kea's DUID. Pukeko
writes it atomically (temporary file, fsync, rename) where Kea truncates in place.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass

from pukeko.config.model import Config, ServerId
from pukeko.io.interfaces import duid_hardware_address, list_interfaces
from pukeko.leases.memfile import DEFAULT_DATA_DIR
from pukeko.server.dhcp6.serverid import format_duid, make_server_duid, parse_persisted_duid

SERVER_DUID_FILE = "kea-dhcp6-serverid"

ENTROPY_LEN = 6


@dataclass(frozen=True, slots=True)
class ServerDuid:
    """The DUID the server uses and the file it is kept in ("" when not persisted)."""

    duid: bytes
    path: str


def data_directory(config: Config) -> str:
    """The configured ``data-directory`` or Pukeko's default (the lease file's too)."""
    value = config.extra.get("data-directory")
    return value if isinstance(value, str) and value else DEFAULT_DATA_DIR


def server_duid_path(data_dir: str) -> str:
    """Where the server DUID is kept."""
    return os.path.join(data_dir, SERVER_DUID_FILE)


def read_server_duid(path: str) -> bytes | None:
    """The DUID stored at ``path``, or None when the file is missing or unusable."""
    try:
        with open(path, encoding="ascii", errors="replace") as handle:
            return parse_persisted_duid(handle.read())
    except OSError:
        return None


def write_server_duid(path: str, duid: bytes) -> None:
    """Store ``duid`` at ``path`` in Kea's format, durably (OSError on failure)."""
    directory = os.path.dirname(path) or "."
    os.makedirs(directory, exist_ok=True)
    temporary = f"{path}.{os.getpid()}.tmp"
    with open(temporary, "w", encoding="ascii") as handle:
        handle.write(format_duid(duid))
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, path)


HwAddrSource = Callable[[], tuple[int, bytes] | None]


def _host_hwaddr() -> tuple[int, bytes] | None:
    return duid_hardware_address(list_interfaces())


def load_server_duid(
    server_id: ServerId | None,
    data_dir: str,
    now: float,
    hwaddr_source: HwAddrSource = _host_hwaddr,
) -> ServerDuid:
    """The server DUID for this configuration: reuse the stored one, generate and store otherwise.

    Raises ServerIdError (no usable hardware address) or OSError (file not writable).
    """
    persist = server_id is None or server_id.persist
    path = server_duid_path(data_dir) if persist else ""
    stored = read_server_duid(path) if persist else None
    duid = make_server_duid(server_id, now, hwaddr_source(), stored, os.urandom(ENTROPY_LEN))
    if persist and duid != stored:
        write_server_duid(path, duid)
    return ServerDuid(duid, path)
