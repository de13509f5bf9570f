"""Command line of ``pukeko-dhcp6`` / ``pukeko-dhcp4``, with Kea's options and exit codes.

Kea's daemons take ``-[v|V|W] [-d] [-{c|t} cfgfile] [-p number] [-P number]`` (parsed with
getopt ``dvVWc:p:P:t:``); exit status 0 on success, 1 on any failure or usage error.
"""

from __future__ import annotations

import getopt
import os
import platform
import socket
import sys
from collections.abc import Callable
from dataclasses import dataclass
from typing import TextIO

import pukeko
from pukeko.config.errors import ConfigErrors
from pukeko.config.load import LoadResult, load_config

EXIT_SUCCESS = 0
EXIT_FAILURE = 1
DEFAULT_SERVER_PORT = {6: 547, 4: 67}


@dataclass
class Options:
    """What the command line asked for."""

    family: int
    config_file: str = ""
    check_only: bool = False
    debug: bool = False
    server_port: int = 0
    client_port: int = 0


class UsageError(Exception):
    """A command line Kea would refuse, with the reason to print before the usage text."""


def program_name(family: int) -> str:
    """``pukeko-dhcp6`` or ``pukeko-dhcp4``."""
    return f"pukeko-dhcp{family}"


def usage_text(family: int) -> str:
    """The usage message, worded like Kea's."""
    name = program_name(family)
    return (
        f"Pukeko DHCPv{family} server, version {pukeko.__version__}\n\n"
        f"Usage: {name} -[v|V|W] [-d] [-{{c|t}} cfgfile] [-p number] [-P number]\n"
        "  -v: print version number and exit\n"
        "  -V: print extended version and exit\n"
        "  -W: display the configuration report and exit\n"
        "  -d: debug mode with extra verbosity (former -v)\n"
        "  -c file: specify configuration file\n"
        "  -t file: check the configuration file syntax and exit\n"
        "  -p number: specify non-standard server port number 1-65535 (useful for testing only)\n"
        "  -P number: specify non-standard client port number 1-65535 (useful for testing only)\n"
    )


def extended_version() -> str:
    """What ``-V`` prints: the version, then what Pukeko runs on."""
    return (
        f"{pukeko.__version__}\nrelease\nlinked with:\n"
        f"{platform.python_implementation()} {platform.python_version()}\n"
        "database:\nMemfile backend (Kea CSV format)"
    )


def config_report() -> str:
    """What ``-W`` prints: how this Pukeko was built and where it runs."""
    lines = [
        "Pukeko configuration report",
        "",
        " Package:",
        "   Name:              pukeko",
        f"   Version:           {pukeko.__version__}",
        f"   Installed at:      {os.path.dirname(pukeko.__file__)}",
        "",
        " Python:",
        f"   Implementation:    {platform.python_implementation()}",
        f"   Version:           {platform.python_version()}",
        f"   Executable:        {sys.executable}",
        "",
        " Platform:",
        f"   System:            {platform.system()} {platform.release()}",
        f"   Machine:           {platform.machine()}",
    ]
    return "\n".join(lines)


def _port(value: str, which: str) -> int:
    try:
        number = int(value)
    except ValueError:
        number = 0
    if not 1 <= number <= 65535:
        raise UsageError(f"Failed to parse {which} port number: [{value}], 1-65535 allowed.")
    return number


def parse_args(family: int, argv: list[str]) -> Options | str:
    """Parse Kea's options; returns Options, or the text to print for -v/-V/-W."""
    try:
        pairs, rest = getopt.getopt(argv, "dvVWc:p:P:t:")
    except getopt.GetoptError as exc:
        raise UsageError(str(exc)) from exc
    opts = Options(family=family)
    for flag, value in pairs:
        if flag == "-v":
            return pukeko.__version__
        if flag == "-V":
            return extended_version()
        if flag == "-W":
            return config_report()
        if flag == "-d":
            opts.debug = True
        elif flag in ("-t", "-c"):
            opts.check_only = opts.check_only or flag == "-t"
            opts.config_file = value
        elif flag == "-p":
            opts.server_port = _port(value, "server")
        elif flag == "-P":
            opts.client_port = _port(value, "client")
    if rest:
        raise UsageError(f"unexpected argument: {rest[0]}")
    if not opts.config_file:
        raise UsageError("Configuration file not specified.")
    return opts


def include_reader(config_file: str) -> Callable[[str], tuple[str, str]]:
    """A ``read_include`` for the config loader: paths as written (like Kea), then beside the file.

    Kea opens an include path relative to the current directory only; Pukeko also tries the
    directory of the main configuration file when that fails (docs/compatibility.md).
    """
    base = os.path.dirname(os.path.abspath(config_file))

    def read(path: str) -> tuple[str, str]:
        candidates = [path] if os.path.isabs(path) else [path, os.path.join(base, path)]
        for candidate in candidates:
            if os.path.isfile(candidate):
                with open(candidate, encoding="utf-8") as handle:
                    return candidate, handle.read()
        raise OSError(f"Can't open include file {path}")

    return read


def load_file(family: int, config_file: str) -> LoadResult:
    """Read and load one configuration file; raises ConfigErrors (or OSError) on failure."""
    with open(config_file, encoding="utf-8") as handle:
        text = handle.read()
    reader = include_reader(config_file)
    return load_config(text, family=family, source=config_file, read_include=reader)


def interface_warnings(names: list[str]) -> list[str]:
    """Warn about configured interfaces that do not exist on this host (not an error, see docs)."""
    present = {name for _, name in socket.if_nameindex()}
    out = []
    for entry in names:
        name = entry.split("/", 1)[0]
        if name != "*" and name not in present:
            out.append(
                f"WARN  DHCPSRV_INTERFACE_MISSING interface {name} does not exist on this host;"
                " the server will keep trying to open it"
            )
    return out


def check_config(opts: Options, err: TextIO) -> int:
    """``-t``: load the file, print every error (or warning) and return Kea's exit code."""
    try:
        result = load_file(opts.family, opts.config_file)
    except OSError as exc:
        print(f"Syntax check failed with: Unable to open file {opts.config_file}: {exc}", file=err)
        return EXIT_FAILURE
    except ConfigErrors as exc:
        print(f"Error encountered: {len(exc.errors)} error(s) in {opts.config_file}", file=err)
        for error in exc.errors:
            print(f"  {error}", file=err)
        return EXIT_FAILURE
    for warning in result.warnings:
        print(f"WARN  {warning}", file=err)
    for line in interface_warnings(list(result.config.interface_names)):
        print(line, file=err)
    if opts.debug:
        print("Syntax check OK", file=err)
    return EXIT_SUCCESS


def run_cli(family: int, argv: list[str]) -> int:
    """Entry point shared by both daemons; returns the process exit status."""
    try:
        parsed = parse_args(family, argv)
    except UsageError as exc:
        print(exc, file=sys.stderr)
        print(usage_text(family), file=sys.stderr, end="")
        return EXIT_FAILURE
    if isinstance(parsed, str):
        print(parsed)
        return EXIT_SUCCESS
    if parsed.check_only:
        return check_config(parsed, sys.stderr)
    if family == 6:
        from pukeko.io.daemon6 import run_daemon6  # the runtime is loaded only to serve

        return run_daemon6(
            parsed.config_file,
            verbose=parsed.debug,
            server_port=parsed.server_port,
            client_port=parsed.client_port,
        )
    print(
        f"{program_name(family)}: the DHCPv{family} service is not part of this version yet; "
        f"use -t to check a configuration",
        file=sys.stderr,
    )
    return EXIT_FAILURE
