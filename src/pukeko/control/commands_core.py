"""The daemon's own commands (ARM "Commands Supported by Both the DHCPv4 and DHCPv6 Servers").

Argument checks and texts follow Kea 2.2 ``bin/dhcp6/ctrl_dhcp6_srv.cc`` (and the DHCPv4 twin),
with the family put into the texts that name it. Where Kea 2.2 would exit after a failed
``config-set`` / ``config-reload``, Pukeko keeps the running configuration and says why.
"""

from __future__ import annotations

from typing import Any

from pukeko.control.answers import (
    CONTROL_RESULT_EMPTY,
    Answer,
    answer,
    error,
    errors_text,
    success,
)
from pukeko.control.handle import ORIGIN_HA_PARTNER, ORIGIN_USER, CommandContext
from pukeko.control.registry import Command, arguments_map

CONFIG_SET_OK = "Configuration successful."
CONFIG_TEST_OK = (
    "Configuration seems sane. Control-socket, hook-libraries, and D2 configuration were "
    "sanity checked, but not applied."
)


def _config_argument_problem(arguments: Any, key: str) -> str | None:
    """Kea's checks of ``{"Dhcp6": {...}}`` for config-set / config-test, or None when fine."""
    if arguments is None:
        return "Missing mandatory 'arguments' parameter."
    config = arguments_map(arguments).get(key)
    if config is None:
        return f"Missing mandatory '{key}' parameter."
    if not isinstance(config, dict):
        return f"'{key}' parameter expected to be a map."
    others = [name for name in sorted(arguments) if name != key]
    if not others:
        return None
    return (
        f"Unsupported '{others[0]}' parameter" + "".join(f" (and '{o}')" for o in others[1:]) + "."
    )


async def build_report(arguments: Any, ctx: CommandContext) -> Answer:
    """``build-report``: the -W report as the text."""
    return success(ctx.server.build_report())


async def config_get(arguments: Any, ctx: CommandContext) -> Answer:
    """``config-get``: the running configuration as the arguments."""
    return success(arguments=ctx.server.config_get())


async def config_test(arguments: Any, ctx: CommandContext) -> Answer:
    """``config-test``: check ``{"Dhcp6": {...}}`` without applying it."""
    problem = _config_argument_problem(arguments, ctx.server_key)
    if problem is not None:
        return error(problem)
    errors = list(await ctx.server.config_test(arguments))
    return error(errors_text(errors)) if errors else success(CONFIG_TEST_OK)


async def config_set(arguments: Any, ctx: CommandContext) -> Answer:
    """``config-set``: apply ``{"Dhcp6": {...}}``; a rejected one leaves the running one serving."""
    problem = _config_argument_problem(arguments, ctx.server_key)
    if problem is not None:
        return error(problem)
    errors = list(await ctx.server.config_set(arguments))
    return error(errors_text(errors)) if errors else success(CONFIG_SET_OK)


async def config_reload(arguments: Any, ctx: CommandContext) -> Answer:
    """``config-reload``: re-read the -c file; failures keep the running configuration."""
    file = ctx.server.config_file
    errors = list(await ctx.server.config_reload())
    if not errors:
        return success(CONFIG_SET_OK)
    reason = f"configuration error using file '{file}': {errors_text(errors)}"
    return error(f"Config reload failed: {reason}")


async def config_write(arguments: Any, ctx: CommandContext) -> Answer:
    """``config-write``: write the running configuration to ``filename`` (default: the -c file)."""
    if arguments is not None and not isinstance(arguments, dict):
        return error("Argument must be a map")
    filename = ""
    param = (arguments or {}).get("filename")
    if param is not None:
        if not isinstance(param, str):
            return error("passed parameter 'filename' is not a string")
        filename = param
    filename = filename or ctx.server.config_file
    if not filename:
        return error("Unable to determine filename.Please specify filename explicitly.")
    try:
        path, size = await ctx.server.config_write(filename)
    except OSError as exc:
        reason = exc.strerror or str(exc)
        return error(
            f"Error during write-config:Unable to open file {filename} for writing: {reason}"
        )
    if size == 0:
        return error(f"Error writing configuration to {path}")
    return success(f"Configuration written to {path} successful", {"filename": path, "size": size})


def _origin_problem(arguments: dict[str, Any]) -> tuple[str, str]:
    """(origin, error text or "") from the optional ``origin`` argument."""
    if "origin" not in arguments:
        return ORIGIN_USER, ""
    origin = arguments["origin"]
    if not isinstance(origin, str):
        return ORIGIN_USER, "'origin' argument must be a string"
    if origin in (ORIGIN_USER, ORIGIN_HA_PARTNER):
        return origin, ""
    return ORIGIN_USER, f"invalid value used for 'origin' parameter: {origin or '(empty string)'}"


def _max_period_problem(arguments: dict[str, Any]) -> tuple[int, str]:
    """(max-period or 0, error text or "") from the optional ``max-period`` argument."""
    if "max-period" not in arguments:
        return 0, ""
    period = arguments["max-period"]
    if not isinstance(period, int) or isinstance(period, bool):
        return 0, "'max-period' argument must be a number"
    if period <= 0:
        return 0, "'max-period' must be positive integer"
    return period, ""


async def dhcp_disable(arguments: Any, ctx: CommandContext) -> Answer:
    """``dhcp-disable``: stop answering clients, optionally for ``max-period`` seconds."""
    if arguments is not None and not isinstance(arguments, dict):
        return error("arguments for the 'dhcp-disable' command must be a map")
    args = arguments or {}
    max_period, period_problem = _max_period_problem(args)
    origin, origin_problem = _origin_problem(args)
    message = period_problem + origin_problem  # Kea streams both texts into one message
    if message:
        return error(message)
    ctx.server.dhcp_disable(max_period or None, origin)
    text = f"DHCPv{ctx.family} service disabled"
    if max_period:
        text += f" for {max_period} seconds"
    return success(text)


async def dhcp_enable(arguments: Any, ctx: CommandContext) -> Answer:
    """``dhcp-enable``: resume answering clients."""
    if arguments is not None and not isinstance(arguments, dict):
        return error("arguments for the 'dhcp-enable' command must be a map")
    origin, problem = _origin_problem(arguments or {})
    if problem:
        return error(problem)
    ctx.server.dhcp_enable(origin)
    return success("DHCP service successfully enabled")


async def leases_reclaim(arguments: Any, ctx: CommandContext) -> Answer:
    """``leases-reclaim``: reclaim every expired lease now (``remove``: delete them)."""
    if arguments is None:
        return error("Missing mandatory 'remove' parameter.")
    remove = arguments_map(arguments).get("remove")
    if remove is None:
        return error("Missing mandatory 'remove' parameter.")
    if not isinstance(remove, bool):
        return error("'remove' parameter expected to be a boolean.")
    await ctx.server.leases_reclaim(remove)
    return success("Reclamation of expired leases is complete.")


async def list_commands(arguments: Any, ctx: CommandContext) -> Answer:
    """``list-commands``: every registered command name, sorted."""
    return success(arguments=ctx.registry.names())


async def shutdown(arguments: Any, ctx: CommandContext) -> Answer:
    """``shutdown``: begin a clean shutdown, exiting with ``exit-value`` (default 0)."""
    exit_value = 0
    if arguments is not None:
        if not isinstance(arguments, dict):
            return error("Argument must be a map")
        if "exit-value" in arguments:
            exit_value = arguments["exit-value"]
            if not isinstance(exit_value, int) or isinstance(exit_value, bool):
                return error("parameter 'exit-value' is not an integer")
    ctx.server.shutdown(exit_value)
    return success("Shutting down.")


async def status_get(arguments: Any, ctx: CommandContext) -> Answer:
    """``status-get``: pid, uptime, reload, multi-threading and socket state."""
    return success(arguments=ctx.server.status())


async def version_get(arguments: Any, ctx: CommandContext) -> Answer:
    """``version-get``: the version as the text, the extended version in the arguments."""
    return success(ctx.server.version(), {"extended": ctx.server.extended_version()})


async def server_tag_get(arguments: Any, ctx: CommandContext) -> Answer:
    """``server-tag-get``: the configured ``server-tag`` ("" when none)."""
    config = ctx.server.config_get().get(ctx.server_key, {})
    return success(arguments={"server-tag": config.get("server-tag", "")})


async def config_backend_pull(arguments: Any, ctx: CommandContext) -> Answer:
    """``config-backend-pull``: Pukeko has no configuration backends (Kea's empty answer)."""
    return answer(CONTROL_RESULT_EMPTY, "No config backend.")


CORE_COMMANDS: tuple[Command, ...] = (
    Command("build-report", build_report),
    Command("config-backend-pull", config_backend_pull),
    Command("config-get", config_get),
    Command("config-reload", config_reload),
    Command("config-set", config_set),
    Command("config-test", config_test),
    Command("config-write", config_write),
    Command("dhcp-disable", dhcp_disable),
    Command("dhcp-enable", dhcp_enable),
    Command("leases-reclaim", leases_reclaim),
    Command("list-commands", list_commands),
    Command("server-tag-get", server_tag_get),
    Command("shutdown", shutdown),
    Command("status-get", status_get),
    Command("version-get", version_get),
)
