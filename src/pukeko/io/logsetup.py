"""Kea's ``loggers`` configuration on Python logging (ARM "Logging").

Kea's rules (log4cplus through ``LoggerManagerImpl``, ``LogConfigParser``, ``LoggingInfo``):

* Loggers form a tree under the daemon's root ``kea-dhcp6``; a configured name outside the tree
  is placed under it (``packets`` -> ``kea-dhcp6.packets``). A logger without its own entry takes
  the severity of its nearest configured ancestor.
* ``severity`` is FATAL, ERROR, WARN, INFO, DEBUG or NONE; with DEBUG a message of debug level
  ``d`` is logged when the logger's ``debuglevel`` (0-99) is >= ``d``.
* ``output_options`` replace the logger's outputs and stop propagation to the parent: ``stdout``,
  ``stderr``, ``syslog``, ``syslog:name`` or a file path (``maxsize`` bytes, ``maxver`` old
  versions; rotation off when ``maxsize`` is 0), each with ``flush`` and a log4cplus ``pattern``.
  Defaults: maxsize 10240000, maxver 1, flush true.
* ``-d`` makes every logger DEBUG with debuglevel 99.
* Before the configuration is read the root logs INFO (DEBUG 99 with ``-d``) to
  ``$KEA_LOGGER_DESTINATION`` (default stdout); ``KEA_LOGGER_SEVERITY`` / ``KEA_LOGGER_DBGLEVEL``
  override the level. A configuration without ``loggers`` sends the root to stderr at INFO,
  as Kea 2.2 does, unless ``KEA_LOGGER_DESTINATION`` names a destination.

Pukeko differences: a configured logger without ``output_options`` keeps using its parent's
outputs (Kea drops its messages); ``-d`` is honoured without ``loggers`` too; ``flush: false``
still flushes every line.
"""

from __future__ import annotations

import logging
import logging.handlers
import os
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from pukeko.io.lognames import logger_for_message
from pukeko.io.logpattern import (
    DEFAULT_CONSOLE_PATTERN,
    DEFAULT_FILE_PATTERN,
    DEFAULT_SYSLOG_PATTERN,
    PatternFormatter,
)
from pukeko.server.outcome import LogEvent

ROOT_LOGGER = "kea-dhcp6"
MAX_DEBUG_LEVEL = 99
NONE_LEVEL = logging.CRITICAL + 10
PYTHON_LEVELS = {
    "FATAL": logging.CRITICAL,
    "ERROR": logging.ERROR,
    "WARN": logging.WARNING,
    "INFO": logging.INFO,
    "DEBUG": logging.DEBUG,
    "NONE": NONE_LEVEL,
}
DEFAULT_MAXSIZE = 10240000
DEFAULT_MAXVER = 1
ENV_DESTINATION = "KEA_LOGGER_DESTINATION"
ENV_SEVERITY = "KEA_LOGGER_SEVERITY"
ENV_DBGLEVEL = "KEA_LOGGER_DBGLEVEL"
SYSLOG_SOCKET = "/dev/log"


class LogSetupError(ValueError):
    """A ``loggers`` entry cannot be applied (bad value, or an output cannot be opened)."""


@dataclass(frozen=True, slots=True)
class OutputSpec:
    """One ``output_options`` entry."""

    output: str = "stdout"
    flush: bool = True
    maxsize: int = DEFAULT_MAXSIZE
    maxver: int = DEFAULT_MAXVER
    pattern: str = ""


@dataclass(frozen=True, slots=True)
class LoggerSpec:
    """One ``loggers`` entry, normalised."""

    name: str
    severity: str
    debuglevel: int = 0
    outputs: tuple[OutputSpec, ...] = ()

    def allows(self, severity: str, debuglevel: int) -> bool:
        """True when a message of this severity (and debug level) passes this logger."""
        if self.severity == "NONE":
            return False
        if severity == "DEBUG":
            return self.severity == "DEBUG" and debuglevel <= self.debuglevel
        return PYTHON_LEVELS.get(severity, logging.INFO) >= PYTHON_LEVELS[self.severity]


def expand_name(name: str, root: str = ROOT_LOGGER) -> str:
    """Kea's expandLoggerName: names outside the root's tree go under it."""
    if name == root or name.startswith(root + "."):
        return name
    return f"{root}.{name}"


def _int(entry: Mapping[str, object], key: str, default: int, low: int, high: int) -> int:
    value = entry.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise LogSetupError(f"Unsupported {key} value '{value}', expected {low}-{high}")
    return value


def parse_output(entry: Mapping[str, object]) -> OutputSpec:
    """An ``output_options`` entry; LogSetupError when ``output`` is missing or values are bad."""
    output = entry.get("output")
    if not isinstance(output, str) or not output:
        raise LogSetupError("output_options entry does not have a mandatory 'output' element")
    flush = entry.get("flush", True)
    pattern = entry.get("pattern", "")
    if not isinstance(flush, bool) or not isinstance(pattern, str):
        raise LogSetupError(f"invalid flush or pattern for output {output}")
    maxsize = _int(entry, "maxsize", DEFAULT_MAXSIZE, 0, 2**63)
    maxver = _int(entry, "maxver", DEFAULT_MAXVER, 0, 2**31)
    return OutputSpec(output, flush, maxsize, maxver, pattern)


def parse_logger(entry: Mapping[str, object], verbose: bool, root: str = ROOT_LOGGER) -> LoggerSpec:
    """One ``loggers`` entry (LogConfigParser::parseConfigEntry)."""
    name = entry.get("name")
    severity = entry.get("severity")
    if not isinstance(name, str) or not name:
        raise LogSetupError("loggers entry does not have a mandatory 'name' element")
    if not isinstance(severity, str) or severity.upper() not in PYTHON_LEVELS:
        raise LogSetupError(f"Unsupported severity value '{severity}'")
    debuglevel = _int(entry, "debuglevel", 0, 0, MAX_DEBUG_LEVEL)
    raw_outputs = entry.get("output_options", ())
    if not isinstance(raw_outputs, list | tuple):
        raise LogSetupError("output_options must be a list")
    outputs = tuple(parse_output(o) for o in raw_outputs if isinstance(o, Mapping))
    level = severity.upper()
    if verbose:
        level, debuglevel = "DEBUG", MAX_DEBUG_LEVEL
    return LoggerSpec(expand_name(name, root), level, debuglevel, outputs)


def env_spec(
    env: Mapping[str, str], verbose: bool, fallback_output: str, root: str = ROOT_LOGGER
) -> LoggerSpec:
    """The root logger's spec from the environment (Kea's setDefaultLoggingOutput)."""
    severity = env.get(ENV_SEVERITY, "").upper()
    if severity not in PYTHON_LEVELS:
        severity = "DEBUG" if verbose else "INFO"
    try:
        debuglevel = min(max(int(env.get(ENV_DBGLEVEL, MAX_DEBUG_LEVEL)), 0), MAX_DEBUG_LEVEL)
    except ValueError:
        debuglevel = MAX_DEBUG_LEVEL
    output = env.get(ENV_DESTINATION) or fallback_output
    if output == "syslog:":
        output = "syslog"
    return LoggerSpec(root, severity, debuglevel, (OutputSpec(output=output, maxsize=0),))


class _SyslogHandler(logging.handlers.SysLogHandler):
    """Syslog through /dev/log with an ident, as log4cplus's SysLogAppender does."""

    def __init__(self, ident: str) -> None:
        super().__init__(address=SYSLOG_SOCKET, facility=self.LOG_USER)
        self.ident = f"{ident}[{os.getpid()}]: "

    def handleError(self, record: logging.LogRecord) -> None:
        """Drop the line silently when no syslog daemon listens, as syslog(3) does."""


def make_handler(spec: OutputSpec, root: str = ROOT_LOGGER) -> logging.Handler:
    """The Handler for one output (LogSetupError when it cannot be opened)."""
    output = spec.output
    handler: logging.Handler
    try:
        if output in ("stdout", "stderr"):
            handler = logging.StreamHandler(sys.stdout if output == "stdout" else sys.stderr)
            default = DEFAULT_CONSOLE_PATTERN
        elif output == "syslog" or output.startswith("syslog:"):
            handler = _SyslogHandler(output[len("syslog:") :] or root)
            default = DEFAULT_SYSLOG_PATTERN
        elif spec.maxsize > 0:
            handler = logging.handlers.RotatingFileHandler(
                output, maxBytes=spec.maxsize, backupCount=max(spec.maxver, 1)
            )
            default = DEFAULT_FILE_PATTERN
        else:
            handler = logging.FileHandler(output)
            default = DEFAULT_FILE_PATTERN
    except OSError as exc:
        raise LogSetupError(f"unable to open log output {output}: {exc}") from exc
    if isinstance(handler, logging.StreamHandler):
        handler.terminator = ""  # the pattern carries the newline, as in log4cplus
    handler.setFormatter(PatternFormatter(spec.pattern or default))
    return handler


class KeaLogging:
    """The daemon's logging: applies ``loggers`` configurations and emits Kea events."""

    def __init__(
        self, root: str = ROOT_LOGGER, verbose: bool = False, env: Mapping[str, str] | None = None
    ) -> None:
        self.root = root
        self.verbose = verbose
        self.env: Mapping[str, str] = os.environ if env is None else env
        self.specs: dict[str, LoggerSpec] = {}
        self._handlers: dict[str, list[logging.Handler]] = {}
        self._effective: dict[str, LoggerSpec] = {}
        # (message ID, severity, debug level) -> the logger that outputs it, "" when none does
        self._targets: dict[tuple[str, str, int], str] = {}
        self.apply([env_spec(self.env, verbose, "stdout", root)])

    def configure(self, loggers: Iterable[Mapping[str, object]]) -> None:
        """Apply a configuration's ``loggers`` (all or nothing: LogSetupError leaves it as is)."""
        specs = [parse_logger(entry, self.verbose, self.root) for entry in loggers]
        if not any(spec.name == self.root for spec in specs):
            specs.insert(0, self._root_default(bool(specs)))
        self.apply(specs)

    def _root_default(self, others: bool) -> LoggerSpec:
        if not others and self.env.get(ENV_DESTINATION):
            return env_spec(self.env, self.verbose, "stderr", self.root)
        level = "DEBUG" if self.verbose else "INFO"
        debuglevel = MAX_DEBUG_LEVEL if self.verbose else 0
        return LoggerSpec(self.root, level, debuglevel, (OutputSpec("stderr", maxsize=0),))

    def apply(self, specs: list[LoggerSpec]) -> None:
        """Install these specs, replacing every previous one (handlers are opened first)."""
        handlers = {spec.name: [make_handler(o, self.root) for o in spec.outputs] for spec in specs}
        self.close()
        for spec in specs:
            logger = logging.getLogger(spec.name)
            logger.setLevel(PYTHON_LEVELS[spec.severity])
            for handler in handlers[spec.name]:
                logger.addHandler(handler)
            logger.propagate = spec.name != self.root and not handlers[spec.name]
        self.specs = {spec.name: spec for spec in specs}
        self._handlers = handlers
        self._effective = {}
        self._targets = {}

    def close(self) -> None:
        """Detach and close every handler this object installed; reset configured levels."""
        for name, handlers in self._handlers.items():
            logger = logging.getLogger(name)
            for handler in handlers:
                logger.removeHandler(handler)
                handler.close()
            logger.setLevel(logging.NOTSET)
            logger.propagate = True
        self._handlers = {}

    def effective(self, name: str) -> LoggerSpec:
        """The spec that governs logger ``name``: its own or its nearest configured ancestor."""
        found = self._effective.get(name)
        if found is None:
            probe = name
            while probe not in self.specs and "." in probe:
                probe = probe.rsplit(".", 1)[0]
            found = self.specs.get(probe) or self.specs[self.root]
            self._effective[name] = found
        return found

    def max_debuglevel(self) -> int:
        """The highest debug level any logger outputs (-1: no DEBUG output at all).

        The engine's ``debuglevel`` argument: it builds no debug events above this.
        """
        levels = [s.debuglevel for s in self.specs.values() if s.severity == "DEBUG"]
        return max(levels, default=-1)

    def enabled(self, name: str, severity: str, debuglevel: int = 0) -> bool:
        """True when logger ``name`` would output a message of this severity and level."""
        return self.effective(name).allows(severity, debuglevel)

    def log(
        self, name: str, severity: str, message_id: str, text: str, debuglevel: int = 0
    ) -> None:
        """Log one Kea message on logger ``name`` (a child like ``kea-dhcp6.packets``)."""
        full = expand_name(name, self.root)
        if not self.enabled(full, severity, debuglevel):
            return
        self._output(full, severity, message_id, text, debuglevel)

    def _output(
        self, full: str, severity: str, message_id: str, text: str, debuglevel: int
    ) -> None:
        level = PYTHON_LEVELS.get(severity, logging.INFO)
        record = logging.LogRecord(full, level, "", 0, text, None, None)
        record.kea_message_id = message_id
        record.kea_severity = severity if severity in PYTHON_LEVELS else "INFO"
        record.kea_debuglevel = debuglevel
        logging.getLogger(full).handle(record)

    def _target(self, message_id: str, severity: str, debuglevel: int) -> str:
        """The logger that outputs this kind of event, "" when none does (cached)."""
        key = (message_id, severity, debuglevel)
        target = self._targets.get(key)
        if target is None:
            name = logger_for_message(message_id, self.root)
            target = name if self.enabled(name, severity, debuglevel) else ""
            self._targets[key] = target
        return target

    def emit(self, events: Iterable[LogEvent]) -> None:
        """Log engine events, each on the logger Kea uses for its message ID.

        An event no logger outputs costs a dictionary lookup: its text is never rendered.
        """
        targets = self._targets
        for event in events:
            severity, message_id, debuglevel = event.severity, event.message_id, event.debuglevel
            target = targets.get((message_id, severity, debuglevel))
            if target is None:
                target = self._target(message_id, severity, debuglevel)
            if target:
                self._output(target, severity, message_id, event.text, debuglevel)
