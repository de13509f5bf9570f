"""log4cplus ``PatternLayout`` patterns (Kea's ``output_options.pattern``) as a logging Formatter.

Supported conversions: ``%d{fmt}`` (UTC) and ``%D{fmt}`` (local time) with strftime codes plus
``%q`` (milliseconds) and ``%Q`` (milliseconds with microseconds), ``%p`` severity, ``%c{n}``
logger name (last ``n`` components), ``%i`` process id, ``%t`` thread id, ``%T`` native thread id,
``%m`` message, ``%n`` newline, ``%%``, ``%l`` ``%F`` ``%b`` ``%L`` ``%M`` location, ``%h``
``%H`` host name, ``%r`` milliseconds since start, ``%E{VAR}`` environment, ``%x``/``%X`` (empty).
Format modifiers as in log4cplus: ``%-5p`` (left justify, minimum width), ``%.30m`` (maximum
width, extra characters removed from the beginning).
"""

from __future__ import annotations

import logging
import os
import re
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass

# Kea's defaults (output_option.cc).
DEFAULT_CONSOLE_PATTERN = "%D{%Y-%m-%d %H:%M:%S.%q} %-5p [%c/%i.%t] %m\n"
DEFAULT_FILE_PATTERN = DEFAULT_CONSOLE_PATTERN
DEFAULT_SYSLOG_PATTERN = "%-5p [%c.%t] %m\n"
ISO8601_DATE = "%Y-%m-%d %H:%M:%S,%q"

KEA_SEVERITY_BY_LEVEL = {50: "FATAL", 40: "ERROR", 30: "WARN", 20: "INFO", 10: "DEBUG"}

_CONVERSION = re.compile(r"%(-?)(\d*)(?:\.(\d+))?([a-zA-Z%])(?:\{([^}]*)\})?")


@dataclass(frozen=True, slots=True)
class Conversion:
    """One ``%`` specifier of a pattern, with its modifiers."""

    char: str
    option: str
    left: bool
    min_width: int
    max_width: int

    def pad(self, text: str) -> str:
        """Apply the maximum then the minimum width."""
        if self.max_width and len(text) > self.max_width:
            text = text[len(text) - self.max_width :]
        if len(text) < self.min_width:
            text = text.ljust(self.min_width) if self.left else text.rjust(self.min_width)
        return text


Segment = str | Conversion


def parse_pattern(pattern: str) -> list[Segment]:
    """Split a pattern into literal text and conversions; unknown ``%`` text stays literal."""
    out: list[Segment] = []
    pos = 0
    for match in _CONVERSION.finditer(pattern):
        if match.start() > pos:
            out.append(pattern[pos : match.start()])
        left, width, precision, char, option = match.groups()
        if char == "%":
            out.append("%")
        elif char == "n":
            out.append("\n")
        else:
            conv = Conversion(char, option or "", bool(left), int(width or 0), int(precision or 0))
            out.append(conv)
        pos = match.end()
    if pos < len(pattern):
        out.append(pattern[pos:])
    return _merge_literals(out)


def _merge_literals(segments: list[Segment]) -> list[Segment]:
    merged: list[Segment] = []
    for segment in segments:
        if isinstance(segment, str) and merged and isinstance(merged[-1], str):
            merged[-1] += segment
        else:
            merged.append(segment)
    return merged


def format_date(created: float, fmt: str, utc: bool) -> str:
    """strftime ``fmt`` for the time ``created``, with log4cplus's ``%q`` and ``%Q``."""
    fraction = created - int(created)
    millis = int(fraction * 1000)
    micros = int(fraction * 1_000_000) % 1000
    fmt = fmt.replace("%q", f"{millis:03d}").replace("%Q", f"{millis:03d}.{micros:03d}")
    parts = time.gmtime(created) if utc else time.localtime(created)
    return time.strftime(fmt, parts)


def severity_name(record: logging.LogRecord) -> str:
    """Kea's severity word for a record (FATAL, ERROR, WARN, INFO, DEBUG)."""
    name = getattr(record, "kea_severity", None)
    if isinstance(name, str):
        return name
    level = max((lv for lv in KEA_SEVERITY_BY_LEVEL if lv <= record.levelno), default=10)
    return KEA_SEVERITY_BY_LEVEL[level]


def message_text(record: logging.LogRecord) -> str:
    """``MESSAGE_ID text`` for Kea events, the plain message otherwise."""
    message_id = getattr(record, "kea_message_id", "")
    text = record.getMessage()
    return f"{message_id} {text}" if message_id else text


def _logger_name(record: logging.LogRecord, option: str) -> str:
    if option.isdigit() and int(option) > 0:
        return ".".join(record.name.split(".")[-int(option) :])
    return record.name


_START = time.time()
Renderer = Callable[[logging.LogRecord, str], str]
RENDERERS: dict[str, Renderer] = {
    "d": lambda r, o: format_date(r.created, o or ISO8601_DATE, utc=True),
    "D": lambda r, o: format_date(r.created, o or ISO8601_DATE, utc=False),
    "p": lambda r, o: severity_name(r),
    "c": _logger_name,
    "i": lambda r, o: str(r.process),
    "t": lambda r, o: str(r.thread),
    "T": lambda r, o: str(getattr(r, "native_thread_id", r.thread)),
    "m": lambda r, o: message_text(r),
    "l": lambda r, o: f"{r.pathname}:{r.lineno}",
    "F": lambda r, o: r.pathname,
    "b": lambda r, o: r.filename,
    "L": lambda r, o: str(r.lineno),
    "M": lambda r, o: r.funcName,
    "h": lambda r, o: socket.gethostname(),
    "H": lambda r, o: socket.getfqdn(),
    "r": lambda r, o: str(int((r.created - _START) * 1000)),
    "E": lambda r, o: os.environ.get(o, ""),
    "x": lambda r, o: "",
    "X": lambda r, o: "",
}


class PatternFormatter(logging.Formatter):
    """A Formatter that renders a log4cplus pattern (the pattern supplies its own newline)."""

    def __init__(self, pattern: str) -> None:
        super().__init__()
        self.pattern = pattern
        self.segments = parse_pattern(pattern)

    def format(self, record: logging.LogRecord) -> str:
        """Render one record."""
        out = []
        for segment in self.segments:
            if isinstance(segment, str):
                out.append(segment)
                continue
            render = RENDERERS.get(segment.char)
            text = render(record, segment.option) if render else f"%{segment.char}"
            out.append(segment.pad(text))
        if record.exc_info:
            out.append(self.formatException(record.exc_info) + "\n")
        return "".join(out)
