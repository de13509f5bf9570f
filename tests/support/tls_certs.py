"""A throw-away certificate authority for TLS tests, made with the ``openssl`` command.

``make_pki(directory)`` writes a CA, a server certificate for 127.0.0.1 / localhost and a client
certificate, all signed by the CA, plus a second CA (``other-ca.pem``) that signed nothing we
use, and a client certificate signed by that other CA (for "wrong issuer" cases).
"""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

CURVE = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
CA_EXTENSIONS = [
    "-addext",
    "basicConstraints=critical,CA:TRUE",
    "-addext",
    "keyUsage=critical,keyCertSign,cRLSign",
]


@dataclass(frozen=True)
class Pki:
    """Paths of the files :func:`make_pki` wrote."""

    ca: Path
    server_cert: Path
    server_key: Path
    client_cert: Path
    client_key: Path
    other_ca: Path
    stranger_cert: Path
    stranger_key: Path


def have_openssl() -> bool:
    """True when the ``openssl`` command is installed."""
    return shutil.which("openssl") is not None


def _run(*args: str, cwd: Path) -> None:
    subprocess.run(["openssl", *args], cwd=cwd, check=True, capture_output=True, timeout=60)


def _make_ca(directory: Path, name: str) -> None:
    _run(
        "req", "-x509", *CURVE, *CA_EXTENSIONS, "-keyout", f"{name}.key", "-out", f"{name}.pem",
        "-days", "3", "-subj", f"/CN={name}", cwd=directory,
    )  # fmt: skip


def _make_leaf(directory: Path, name: str, ca: str, extensions: str) -> None:
    _run(
        "req", *CURVE, "-keyout", f"{name}.key", "-out", f"{name}.csr", "-subj", f"/CN={name}",
        cwd=directory,
    )  # fmt: skip
    ext = directory / f"{name}.ext"
    ext.write_text(extensions + "\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n")
    _run(
        "x509", "-req", "-in", f"{name}.csr", "-CA", f"{ca}.pem", "-CAkey", f"{ca}.key",
        "-CAcreateserial", "-out", f"{name}.pem", "-days", "3", "-extfile", ext.name,
        cwd=directory,
    )  # fmt: skip


def make_pki(directory: Path) -> Pki:
    """Write the CAs and certificates into ``directory``."""
    directory.mkdir(parents=True, exist_ok=True)
    _make_ca(directory, "ca")
    _make_ca(directory, "other-ca")
    server = "subjectAltName=IP:127.0.0.1,IP:::1,DNS:localhost\nextendedKeyUsage=serverAuth"
    _make_leaf(directory, "server", "ca", server)
    _make_leaf(directory, "client", "ca", "extendedKeyUsage=clientAuth")
    _make_leaf(directory, "stranger", "other-ca", "extendedKeyUsage=clientAuth")
    return Pki(
        ca=directory / "ca.pem",
        server_cert=directory / "server.pem",
        server_key=directory / "server.key",
        client_cert=directory / "client.pem",
        client_key=directory / "client.key",
        other_ca=directory / "other-ca.pem",
        stranger_cert=directory / "stranger.pem",
        stranger_key=directory / "stranger.key",
    )
