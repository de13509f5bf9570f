"""A real pukeko-dhcp6 driven over HTTPS with basic authentication by Debian's ``kea-shell``
(Kea 2.2, from the kea-ctrl-agent package) and by ``pukeko-shell``, run inside the server's
network namespace against its loopback listener.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from tests.support.dhcp6_daemon import Link, pukeko_command
from tests.support.tls_certs import Pki, have_openssl, make_pki

PORT = 18443
PASSWORD = "k3a-Sh3ll pass"  # a space, to check quoting end to end

pytestmark = pytest.mark.skipif(not have_openssl(), reason="openssl command not installed")


def kea_shell() -> str | None:
    """Debian's kea-shell (kea-ctrl-agent package), or None."""
    return shutil.which("kea-shell") or (
        "/usr/sbin/kea-shell" if Path("/usr/sbin/kea-shell").exists() else None
    )


def https_entry(pki: Pki, work: Path, **extra: Any) -> dict[str, Any]:
    return {
        "socket-type": "https",
        "socket-address": "127.0.0.1",
        "socket-port": PORT,
        "authentication": {
            "type": "basic",
            "realm": "pukeko-test",
            "directory": str(work),
            "clients": [{"user": "admin", "password-file": "admin.pw"}],
        },
        "trust-anchor": str(pki.ca),
        "cert-file": str(pki.server_cert),
        "key-file": str(pki.server_key),
        "cert-required": True,
        "http-headers": [{"name": "X-Pukeko-Test", "value": "yes"}],
        **extra,
    }


def start(link: Link) -> Pki:
    pki = make_pki(link.work / "pki")
    (link.work / "admin.pw").write_text(PASSWORD)  # no newline: Kea reads the file verbatim
    # control-socket (Kea 2.2's UNIX socket, from server_config) beside Kea 3's control-sockets
    link.write_config(**{"control-sockets": [https_entry(pki, link.work)]})
    link.start_server()
    link.wait_log("HTTP_COMMAND_MGR_SERVICE_STARTED")
    return pki


def in_namespace(
    link: Link, command: list[str], stdin: str = ""
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["ip", "netns", "exec", link.server_ns, *command],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def tls_options(pki: Pki, *, client_cert: bool = True) -> list[str]:
    options = ["--host", "127.0.0.1", "--port", str(PORT), "--ca", str(pki.ca)]
    if client_cert:
        options += ["--cert", str(pki.client_cert), "--key", str(pki.client_key)]
    return options


def answer_of(proc: subprocess.CompletedProcess[str]) -> dict[str, Any]:
    assert proc.returncode == 0, proc.stdout + proc.stderr
    answer = json.loads(proc.stdout)
    assert isinstance(answer, list) and len(answer) == 1, answer
    return answer[0]  # type: ignore[no-any-return]


def test_kea_shell_drives_pukeko_over_https_with_authentication(link: Link) -> None:
    shell = kea_shell()
    if shell is None:
        pytest.skip("kea-shell is not installed (make install installs kea-ctrl-agent)")
    pki = start(link)
    auth = ["--auth-user", "admin", "--auth-password", PASSWORD]
    base = [shell, *tls_options(pki), *auth]

    status = answer_of(in_namespace(link, [*base, "--service", "dhcp6", "status-get"]))
    assert status["result"] == 0 and status["arguments"]["pid"] > 0

    # arguments on stdin, kea-shell style (the inside of a map)
    stat = answer_of(in_namespace(link, [*base, "statistic-get"], '"name": "pkt6-received"'))
    assert stat["result"] == 0 and "pkt6-received" in stat["arguments"]

    got = answer_of(in_namespace(link, [*base, "config-get"]))
    sockets = got["arguments"]["Dhcp6"]["control-sockets"]
    assert sockets[0]["socket-type"] == "https"

    wrong = in_namespace(link, [shell, *tls_options(pki), "--auth-user", "admin", "status-get"])
    assert wrong.returncode == 1
    assert "401" in wrong.stdout

    no_cert = in_namespace(link, [shell, *tls_options(pki, client_cert=False), *auth, "status-get"])
    assert no_cert.returncode == 1 and no_cert.stdout.startswith("Failed to run")
    assert "HTTP_CLIENT_REQUEST_NOT_AUTHORIZED" in link.log()


def test_pukeko_shell_drives_pukeko_over_https_and_survives_reconfiguration(link: Link) -> None:
    pki = start(link)
    shell = [
        *pukeko_command("pukeko-shell"),
        *tls_options(pki),
        "--auth-user",
        "admin",
        "--auth-password-file",
        str(link.work / "admin.pw"),
    ]
    status = answer_of(in_namespace(link, [*shell, "--service", "dhcp6", "status-get"]))
    assert status["result"] == 0

    # a whole JSON object on stdin; the reload replaces the listener that carries it
    reload = answer_of(in_namespace(link, [*shell, "config-reload"], "{}"))
    assert reload["result"] == 0, reload

    # a configuration whose listener cannot be set up is refused; the running one stays
    config = answer_of(in_namespace(link, [*shell, "config-get"]))["arguments"]
    broken = https_entry(pki, link.work, **{"socket-port": PORT + 1})
    broken["authentication"]["clients"] = [{"user": "x", "password-file": "missing.pw"}]
    config["Dhcp6"]["control-sockets"].append(broken)
    refused = answer_of(in_namespace(link, [*shell, "config-set"], json.dumps(config)))
    assert refused["result"] == 1 and "missing.pw" in refused["text"]
    assert answer_of(in_namespace(link, [*shell, "status-get"]))["result"] == 0

    # wrong password file content, and no client certificate: refused
    (link.work / "wrong.pw").write_text("guess")
    wrong = [*shell[:-1], str(link.work / "wrong.pw"), "status-get"]
    proc = in_namespace(link, wrong)
    assert proc.returncode == 1 and "401" in proc.stdout
    anonymous = [*pukeko_command("pukeko-shell"), *tls_options(pki, client_cert=False)]
    proc = in_namespace(link, [*anonymous, "--auth-user", "admin", "status-get"])
    assert proc.returncode == 1 and proc.stdout.startswith("Failed to run")

    # the UNIX socket still answers beside HTTPS
    assert link.command("status-get")["result"] == 0
