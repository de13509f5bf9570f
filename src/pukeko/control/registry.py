"""The command registry: commands are data (name, handler, families, argument check).

One registry per daemon serves every transport (UNIX socket, later HTTP). :meth:`Registry.dispatch`
checks the envelope the way Kea 2.2's ``parseCommand`` does (lib/cc/command_interpreter.cc): a map
with a string ``command``; only ``command``, ``arguments``, ``service`` and ``remote-address`` keys.
``service`` is accepted and ignored: the Control Agent routes on it, a daemon answers for itself.
``arguments`` is handed to the handler as is (each command checks its own, as Kea's handlers do).
Nothing a client sends, and nothing a handler raises, escapes ``dispatch``: it always answers.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from pukeko.control.answers import (
    CONTROL_ARGUMENTS,
    CONTROL_COMMAND,
    CONTROL_REMOTE_ADDRESS,
    CONTROL_RESULT_COMMAND_UNSUPPORTED,
    CONTROL_SERVICE,
    Answer,
    answer,
    error,
    is_answer,
)

if TYPE_CHECKING:
    from pukeko.control.handle import CommandContext

Handler = Callable[[Any, "CommandContext"], Awaitable[Answer]]
ArgumentCheck = Callable[[Any], str | None]

ENVELOPE_KEYS = frozenset(
    {CONTROL_COMMAND, CONTROL_ARGUMENTS, CONTROL_SERVICE, CONTROL_REMOTE_ADDRESS}
)
BOTH_FAMILIES = frozenset({4, 6})
PROCESSING_ERROR = "Error during command processing: "  # Kea BaseCommandMgr::processCommand


def command_logger(family: int) -> logging.Logger:
    """Kea's ``commands`` logger under the daemon's root (``kea-dhcp6.commands``)."""
    return logging.getLogger(f"kea-dhcp{family}.commands")


def log_message(logger: logging.Logger, level: int, message_id: str, text: str) -> None:
    """Log ``text`` with a Kea message ID (rendered by pukeko.io.logpattern)."""
    logger.log(level, "%s", text, extra={"kea_message_id": message_id})


class CommandError(Exception):
    """Raised by a handler for a failure Kea reports as a processing error (result 1)."""


class JsonError(CommandError):
    """The command text is not JSON (answered without Kea's processing-error prefix)."""


class NotAMapError(CommandError):
    """Kea's TypeError when a handler reads a key from ``arguments`` that are not a map."""

    def __init__(self) -> None:
        super().__init__("get(string) called on a non-map Element")


@dataclass(frozen=True, slots=True)
class Command:
    """One command: its name, async handler, the server families it exists in, an argument check.

    ``check`` (optional) looks at the raw ``arguments`` before the handler runs and returns an
    error text (answered with result 1) or None. ``hook`` names the Kea hook library that
    provides the command in Kea (``libdhcp_lease_cmds.so``): such a command exists only while
    the configuration's ``hooks-libraries`` lists that library (any directory), as in Kea.
    """

    name: str
    handler: Handler
    families: frozenset[int] = BOTH_FAMILIES
    check: ArgumentCheck | None = None
    hook: str = ""


class DuplicateCommand(ValueError):
    """A command name registered twice."""


class Registry:
    """The commands one daemon (family 4 or 6) answers, and the envelope checks in front of them."""

    def __init__(self, family: int, commands: Iterable[Command] = ()) -> None:
        self.family = family
        self._commands: dict[str, Command] = {}
        self._serial = asyncio.Lock()  # Kea runs one command at a time; so do we
        self.hooks: frozenset[str] = frozenset()  # hook library file names configured now
        self.log = command_logger(family)
        for command in commands:
            self.add(command)

    def add(self, command: Command) -> None:
        """Register ``command`` if it exists for this family; a duplicate name is an error."""
        if self.family not in command.families:
            return
        if command.name in self._commands:
            raise DuplicateCommand(f"Handler for command '{command.name}' is already installed.")
        self._commands[command.name] = command

    def remove(self, name: str) -> None:
        """Deregister a command (``list-commands`` stays, as in Kea)."""
        if name == "list-commands":
            raise ValueError("Can't uninstall internal command 'list-commands'")
        if self._commands.pop(name, None) is None:
            raise KeyError(f"Handler for command '{name}' not found.")

    def set_hooks(self, libraries: Iterable[str]) -> None:
        """The hook libraries the configuration loads (paths or file names)."""
        self.hooks = frozenset(path.rsplit("/", 1)[-1] for path in libraries)

    def names(self) -> list[str]:
        """The available command names, sorted (``list-commands`` order)."""
        return sorted(name for name, command in self._commands.items() if self._enabled(command))

    def get(self, name: str) -> Command | None:
        """The available command called ``name``, or None."""
        command = self._commands.get(name)
        return command if command is not None and self._enabled(command) else None

    def _enabled(self, command: Command) -> bool:
        return not command.hook or command.hook in self.hooks

    async def dispatch(self, raw: bytes | str | dict[str, Any], context: CommandContext) -> Answer:
        """Parse and run one command; always returns an answer map, never raises."""
        try:
            message = parse_json(raw) if isinstance(raw, bytes | str) else raw
            name, arguments = parse_command(message)
        except CommandError as exc:
            log_message(self.log, logging.WARNING, "COMMAND_PROCESS_ERROR2", _error_text(exc))
            return error(str(exc) if isinstance(exc, JsonError) else PROCESSING_ERROR + str(exc))
        log_message(self.log, logging.INFO, "COMMAND_RECEIVED", f"Received command '{name}'")
        command = self.get(name)
        if command is None:
            return answer(CONTROL_RESULT_COMMAND_UNSUPPORTED, f"'{name}' command not supported.")
        async with self._serial:
            return await self._run(command, arguments, context)

    async def _run(self, command: Command, arguments: Any, context: CommandContext) -> Answer:
        """Run the check and the handler, turning any failure into a result 1 answer."""
        try:
            if command.check is not None:
                problem = command.check(arguments)
                if problem is not None:
                    return error(problem)
            result = await command.handler(arguments, context)
        except CommandError as exc:  # a failure the handler reports as Kea does
            log_message(self.log, logging.WARNING, "COMMAND_PROCESS_ERROR2", _error_text(exc))
            return error(PROCESSING_ERROR + (str(exc) or type(exc).__name__))
        except Exception as exc:  # a handler bug: answered the same, logged loudly with its trace
            self.log.error(
                "%s",
                _error_text(exc),
                exc_info=exc,
                extra={"kea_message_id": "COMMAND_PROCESS_ERROR2"},
            )
            return error(PROCESSING_ERROR + (str(exc) or type(exc).__name__))
        if not is_answer(result):
            log_message(
                self.log,
                logging.WARNING,
                "COMMAND_RESPONSE_ERROR",
                f"no response for '{command.name}'",
            )
            return error("internal server error: no response generated")
        return result


def _error_text(exc: BaseException) -> str:
    return f"Error while processing command: {str(exc) or type(exc).__name__}"


def parse_json(raw: bytes | str) -> Any:
    """Decode a command's JSON text; CommandError with the reason when it is not JSON."""
    try:
        text = raw.decode("utf-8") if isinstance(raw, bytes) else raw
        return json.loads(text)
    except UnicodeDecodeError as exc:
        raise JsonError(f"command is not valid UTF-8: {exc.reason}") from exc
    except json.JSONDecodeError as exc:
        raise JsonError(f"{exc.msg} in <wire>:{exc.lineno}:{exc.colno}") from exc
    except RecursionError as exc:
        raise JsonError("<wire>: JSON nested too deeply") from exc


def parse_command(message: Any) -> tuple[str, Any]:
    """Kea's ``parseCommand``: (command name, arguments or None); CommandError when invalid."""
    if not isinstance(message, dict):
        raise CommandError("Invalid command Element specified, expected map")
    if CONTROL_COMMAND not in message:
        raise CommandError("Invalid answer specified, does not contain mandatory 'command'")
    for key in message:
        if key not in ENVELOPE_KEYS:
            raise CommandError(f"Received command contains unsupported parameter '{key}'")
    name = message[CONTROL_COMMAND]
    if not isinstance(name, str):
        raise CommandError("'command' element in command message is not a string")
    return name, message.get(CONTROL_ARGUMENTS)


def arguments_map(arguments: Any) -> dict[str, Any]:
    """``arguments`` as a map for reading keys; a non-map raises Kea's TypeError text."""
    if arguments is None:
        return {}
    if not isinstance(arguments, dict):
        raise NotAMapError()
    return arguments
