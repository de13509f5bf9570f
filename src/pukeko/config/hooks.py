"""Kea hook libraries that Pukeko recognises in ``hooks-libraries``.

Pukeko loads no shared objects: each Kea hook library named in a configuration maps to a feature
built into Pukeko, whatever directory the ``library`` path names, so Kea configurations work
unchanged. A library that is not in this table is a configuration error (see
docs/compatibility.md, "Hook libraries").
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from pukeko.classify import ExpressionError, parse_expression
from pukeko.config.errors import ConfigError, KeyPath, Position

AVAILABLE = "available"
PLANNED = "planned"


@dataclass(frozen=True, slots=True)
class HookFeature:
    """What a Kea hook library corresponds to in Pukeko."""

    feature: str
    status: str
    families: frozenset[int] = frozenset({4, 6})
    # AVAILABLE only in these families (the others warn as PLANNED); None: every family.
    available_in: frozenset[int] | None = None


_BOTH = frozenset({4, 6})
_V4 = frozenset({4})
_V6 = frozenset({6})

# Kea 2.2 hook libraries (open source and ISC premium/subscriber), by file name.
KEA_HOOKS: Mapping[str, HookFeature] = {
    "libdhcp_lease_cmds.so": HookFeature("lease commands", AVAILABLE, available_in=_V6),
    "libdhcp_host_cmds.so": HookFeature("host reservation commands", AVAILABLE),
    "libdhcp_subnet_cmds.so": HookFeature("subnet commands", AVAILABLE),
    "libdhcp_stat_cmds.so": HookFeature("statistics commands", AVAILABLE, available_in=_V6),
    "libdhcp_class_cmds.so": HookFeature("client class commands", AVAILABLE),
    "libdhcp_cb_cmds.so": HookFeature("configuration backend commands", PLANNED),
    "libdhcp_ha.so": HookFeature("high availability", PLANNED),
    "libdhcp_mysql_cb.so": HookFeature("MySQL configuration backend", PLANNED),
    "libdhcp_pgsql_cb.so": HookFeature("PostgreSQL configuration backend", PLANNED),
    "libdhcp_radius.so": HookFeature("RADIUS", PLANNED),
    "libdhcp_host_cache.so": HookFeature("host cache", PLANNED),
    "libdhcp_flex_id.so": HookFeature("flexible identifier", AVAILABLE),
    "libdhcp_flex_option.so": HookFeature("flexible option", PLANNED),
    "libdhcp_lease_query.so": HookFeature("lease query", PLANNED),
    "libdhcp_legal_log.so": HookFeature("forensic logging", PLANNED),
    "libdhcp_limits.so": HookFeature("rate and lease limits", PLANNED),
    "libdhcp_run_script.so": HookFeature("run script", PLANNED),
    "libdhcp_bootp.so": HookFeature("BOOTP", PLANNED, _V4),
    "libdhcp_ddns_gss_tsig.so": HookFeature("GSS-TSIG for DDNS", PLANNED),
}


def library_name(path: str) -> str:
    """The file name of a hook library path (``/any/dir/libdhcp_ha.so`` -> ``libdhcp_ha.so``)."""
    return path.rsplit("/", 1)[-1]


def check_hook_libraries(
    libraries: object, family: int, base: KeyPath, positions: Mapping[KeyPath, Position]
) -> tuple[list[ConfigError], list[ConfigError]]:
    """Errors and warnings for a ``hooks-libraries`` list (schema-valid entries assumed)."""
    errors: list[ConfigError] = []
    warnings: list[ConfigError] = []
    if not isinstance(libraries, list):
        return errors, warnings
    for index, entry in enumerate(libraries):
        if not isinstance(entry, dict) or not isinstance(entry.get("library"), str):
            continue
        path: KeyPath = (*base, index, "library")
        position = positions.get(path)
        name = library_name(entry["library"])
        hook = KEA_HOOKS.get(name)
        if hook is None or family not in hook.families:
            errors.append(ConfigError(path, f"unknown hook library '{entry['library']}'", position))
        elif hook.status == PLANNED or (
            hook.available_in is not None and family not in hook.available_in
        ):
            warnings.append(
                ConfigError(
                    path,
                    f"hook library {name} accepted for compatibility; its feature "
                    f"({hook.feature}) is not available in this version of Pukeko yet",
                    position,
                )
            )
    return errors, warnings


FLEX_ID_LIBRARY = "libdhcp_flex_id.so"


def check_flex_id(
    libraries: object,
    family: int,
    base: KeyPath,
    positions: Mapping[KeyPath, Position],
    option_code: Callable[[str], int | None],
) -> list[ConfigError]:
    """The flex_id hook's ``identifier-expression`` must parse as a string expression.

    Kea refuses to load the library otherwise, which fails the configuration.
    """
    errors: list[ConfigError] = []
    if not isinstance(libraries, list):
        return errors
    for index, entry in enumerate(libraries):
        if not isinstance(entry, dict) or not isinstance(entry.get("library"), str):
            continue
        if library_name(entry["library"]) != FLEX_ID_LIBRARY:
            continue
        params = entry.get("parameters")
        text = params.get("identifier-expression") if isinstance(params, dict) else None
        path: KeyPath = (*base, index, "parameters", "identifier-expression")
        if not isinstance(text, str) or not text:
            errors.append(
                ConfigError(
                    path,
                    "flex_id: identifier-expression (a string) is required",
                    positions.get(path),
                )
            )
            continue
        try:
            parse_expression(text, family=family, option_code=option_code, want="string")
        except ExpressionError as exc:
            errors.append(
                ConfigError(
                    path,
                    f"flex_id: identifier-expression [{text}] error: {exc.kea_text()}",
                    positions.get(path),
                )
            )
    return errors
