"""The client class commands of Kea's class_cmds hook: ``class-add``, ``-get``, ``-list``,
``-update``, ``-del`` (ARM "class_cmds: Class Commands").

Texts and shapes follow Kea's class_cmds library (``Class 'x' added``: the ARM's examples end
these texts with a period, the library does not). A class is checked with every rule of a
configuration file (``client-classes`` in :mod:`pukeko.config`) and applied in one
reconfiguration; a refused one answers result 1 with every error. As in Kea: ``class-add``
appends the class (it may use only classes defined before it), ``class-update`` keeps its place,
must not change whether the class depends on ``KNOWN`` / ``UNKNOWN`` (directly or through other
classes), and answers result 3 for an unknown class; ``class-del`` refuses a class another
class uses in ``member()``, and answers result 3 for an unknown (or built-in, undefined) class.
"""

from __future__ import annotations

from typing import Any

from pukeko.classify import ExpressionError, parse_expression, referenced_classes
from pukeko.config.model import ClientClass
from pukeko.config.render import render_client_class
from pukeko.config.validate import json_copy
from pukeko.control.answers import CONTROL_RESULT_EMPTY, Answer, answer, errors_text, success
from pukeko.control.handle import CommandContext
from pukeko.control.registry import Command
from pukeko.control.subnet_common import (
    ArgumentError,
    Json,
    apply_patch,
    kea_command,
    maps_in,
    new_patch,
)

HOOK = "libdhcp_class_cmds.so"
KNOWN_CLASSES = frozenset({"KNOWN", "UNKNOWN"})


def _arguments(arguments: Any, command: str) -> Json:
    """Kea 2.2 ``parseCommandWithArgs``: a non-empty ``arguments`` map."""
    if arguments is None:
        raise ArgumentError(f"no arguments specified for the '{command}' command")
    if not isinstance(arguments, dict):
        raise ArgumentError(f"arguments specified for the '{command}' command are not a map")
    if not arguments:
        raise ArgumentError(f"arguments must not be empty for the '{command}' command")
    return arguments


def _class_entry(arguments: Any, command: str) -> Json:
    """The one class map of ``{"client-classes": [...]}`` (copied)."""
    args = _arguments(arguments, command)
    if len(args) != 1:
        raise ArgumentError(
            f"invalid number of arguments {len(args)} for the '{command}' command. "
            "Expecting 'client-classes' list"
        )
    entries = args.get("client-classes")
    if entries is None:
        raise ArgumentError(f"missing 'client-classes' argument for the '{command}' command")
    if not isinstance(entries, list):
        raise ArgumentError(
            f"'client-classes' argument specified for the '{command}' command is not a list"
        )
    if len(entries) != 1:
        raise ArgumentError(
            f"invalid number of classes specified for the '{command}' command. Expected one class"
        )
    if not isinstance(entries[0], dict):
        raise ArgumentError(
            f"invalid class definition specified for the '{command}' command. Expected a map"
        )
    entry = json_copy(entries[0])
    assert isinstance(entry, dict)
    return entry


def _name_argument(arguments: Any, command: str) -> str:
    """The ``name`` of ``class-get`` / ``class-del``."""
    args = _arguments(arguments, command)
    if len(args) != 1:
        raise ArgumentError(
            f"invalid number of arguments {len(args)} for the '{command}' command. "
            "Expecting 'name' string"
        )
    if "name" not in args:
        raise ArgumentError(f"missing 'name' argument for the '{command}' command")
    if not isinstance(args["name"], str):
        raise ArgumentError(
            f"'name' argument specified for the '{command}' command is not a string"
        )
    return str(args["name"])


def _classes(ctx: CommandContext) -> tuple[ClientClass, ...]:
    return ctx.server.running_config().client_classes


async def _apply_classes(ctx: CommandContext, change: Any) -> list[str]:
    """Run ``change`` over the document's ``client-classes`` list and apply the result."""
    patch = new_patch(ctx)
    classes = patch.server.setdefault("client-classes", [])
    change(classes)
    return await apply_patch(ctx, patch)


@kea_command
async def class_add(arguments: Any, ctx: CommandContext) -> Answer:
    """``class-add``: append one client class."""
    entry = _class_entry(arguments, "class-add")
    name = entry.get("name")
    if isinstance(name, str) and any(c.name == name for c in _classes(ctx)):
        raise ArgumentError(f"Can't add class: Client Class: {name} has already been defined")
    errors = await _apply_classes(ctx, lambda classes: classes.append(entry))
    if errors:
        return answer(1, errors_text(errors))
    return success(f"Class '{name}' added")


@kea_command
async def class_get(arguments: Any, ctx: CommandContext) -> Answer:
    """``class-get``: one class's definition; result 3 when unknown."""
    name = _name_argument(arguments, "class-get")
    found = next((c for c in _classes(ctx) if c.name == name), None)
    if found is None:
        return answer(CONTROL_RESULT_EMPTY, f"Class '{name}' not found")
    view = render_client_class(found, ctx.family)
    return success(f"Class '{name}' definition returned", {"client-classes": [view]})


async def class_list(arguments: Any, ctx: CommandContext) -> Answer:
    """``class-list``: every class name, in configuration order; result 3 when none."""
    names = [{"name": c.name} for c in _classes(ctx)]
    count = len(names)
    text = f"{count} class{'' if count == 1 else 'es'} found"
    return answer(0 if names else CONTROL_RESULT_EMPTY, text, {"client-classes": names})


def _class_uses(classes: list[Json], family: int) -> dict[str, set[str]]:
    """For each class, the classes its ``test`` names in ``member()``."""
    uses: dict[str, set[str]] = {}
    for entry in classes:
        test = entry.get("test")
        name = str(entry.get("name"))
        uses[name] = set()
        if not isinstance(test, str) or not test:
            continue
        try:
            expr = parse_expression(test, family=family, option_code=lambda _name: 0)
        except ExpressionError:
            continue
        uses[name] = set(referenced_classes(expr))
    return uses


def _depends_on_known(
    name: str, uses: dict[str, set[str]], seen: frozenset[str] = frozenset()
) -> bool:
    """True when class ``name`` uses KNOWN / UNKNOWN, directly or through other classes."""
    direct = uses.get(name, set())
    if direct & KNOWN_CLASSES:
        return True
    return any(_depends_on_known(n, uses, seen | {name}) for n in direct - seen - {name})


@kea_command
async def class_update(arguments: Any, ctx: CommandContext) -> Answer:
    """``class-update``: replace one class in place; result 3 when unknown."""
    entry = _class_entry(arguments, "class-update")
    if "name" not in entry:
        raise ArgumentError("the first class definition is missing a mandatory 'name' parameter")
    name = entry["name"]
    if not any(c.name == name for c in _classes(ctx)):
        return answer(CONTROL_RESULT_EMPTY, f"Class '{name}' is not found")
    patch = new_patch(ctx)
    classes = maps_in(patch.server.get("client-classes"))
    before = _depends_on_known(name, _class_uses(classes, ctx.family))
    replaced = [entry if c.get("name") == name else c for c in classes]
    if _depends_on_known(name, _class_uses(replaced, ctx.family)) != before:
        raise ArgumentError(
            f"modification of the class '{name}' would affect its dependency on the KNOWN "
            "and/or UNKNOWN built-in classes. Such modification is not allowed because there "
            "may be other classes depending on those built-ins via the updated class"
        )
    patch.server["client-classes"] = replaced
    errors = await apply_patch(ctx, patch)
    if errors:
        return answer(1, errors_text(errors))
    return success(f"Class '{name}' updated")


@kea_command
async def class_del(arguments: Any, ctx: CommandContext) -> Answer:
    """``class-del``: remove a class no other class uses; result 3 when unknown."""
    name = _name_argument(arguments, "class-del")
    if not any(c.name == name for c in _classes(ctx)):
        return answer(CONTROL_RESULT_EMPTY, f"Class '{name}' not found")
    patch = new_patch(ctx)
    classes = maps_in(patch.server.get("client-classes"))
    for user, used in _class_uses(classes, ctx.family).items():
        if user != name and name in used:
            raise ArgumentError(f"Class '{name}' is used by class '{user}'")
    patch.server["client-classes"] = [c for c in classes if c.get("name") != name]
    errors = await apply_patch(ctx, patch)
    if errors:
        return answer(1, errors_text(errors))
    return success(f"Class '{name}' deleted")


CLASS_COMMANDS: tuple[Command, ...] = (
    Command("class-add", class_add, hook=HOOK),
    Command("class-get", class_get, hook=HOOK),
    Command("class-list", class_list, hook=HOOK),
    Command("class-update", class_update, hook=HOOK),
    Command("class-del", class_del, hook=HOOK),
)
