"""Load a configuration: parse, check schema, fill defaults, check semantics, build the model.

Every error of every stage is collected and raised together in one :class:`ConfigErrors`, each
naming its key path and the file:line:column of the offending value, so ``-t`` and
``config-test`` report everything at once (ARM "Configuration Files Inclusion", "-t").
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import partial

from pukeko.config.checks import run_checks, server_map
from pukeko.config.checks_options import standard_spaces
from pukeko.config.errors import ConfigError, ConfigErrors, KeyPath, Position
from pukeko.config.hooks import check_flex_id, check_hook_libraries
from pukeko.config.jsonc import Document, parse_json
from pukeko.config.model import Config, build_model
from pukeko.config.validate import check_schema, with_defaults

ReadInclude = Callable[[str], tuple[str, str]]


@dataclass(frozen=True, slots=True)
class LoadResult:
    """A loaded configuration and the non-fatal findings about it."""

    config: Config
    warnings: tuple[ConfigError, ...]


def load_config(
    text: str,
    *,
    family: int,
    source: str = "<string>",
    read_include: ReadInclude | None = None,
) -> LoadResult:
    """Load Kea-dialect JSON text for ``family`` (6 or 4); raise ConfigErrors with every error."""
    return load_document(parse_json(text, source=source, read_include=read_include), family=family)


def load_value(value: object, *, family: int) -> LoadResult:
    """Load an already decoded JSON value (no text, so no positions); raise ConfigErrors.

    The management commands use this for maps they built: it skips the text parser, which is
    about half of the cost of a load.
    """
    return load_document(Document(value, {}), family=family)


def load_document(doc: Document, *, family: int) -> LoadResult:
    """Load a parsed document for ``family``; raise ConfigErrors with every error."""
    errors = check_schema(doc, family)
    if not isinstance(doc.value, dict):
        raise ConfigErrors(errors)
    root = with_defaults(doc.value, family)
    spaces = standard_spaces(family)
    checked = run_checks(root, family, doc.positions, spaces=spaces)
    errors += _not_under(checked.errors, errors)
    conf, base = server_map(root, family)
    hook_errors, hook_warnings = check_hook_libraries(
        conf.get("hooks-libraries"), family, (*base, "hooks-libraries"), doc.positions
    )
    errors += _not_under(hook_errors, errors)
    if errors:
        raise ConfigErrors(errors)
    config = build_model(root, family, spaces)
    custom = spaces.with_defs(d.definition for d in config.option_defs)
    option_code = partial(custom.code_of, f"dhcp{family}")
    flex_errors = check_flex_id(
        conf.get("hooks-libraries"), family, (*base, "hooks-libraries"), doc.positions, option_code
    )
    if flex_errors:
        raise ConfigErrors(flex_errors)
    warnings = (*doc.warnings, *checked.warnings, *hook_warnings)
    return LoadResult(config, tuple(warnings))


def _not_under(found: list[ConfigError], earlier: list[ConfigError]) -> list[ConfigError]:
    """Drop findings at or below a path that an earlier stage already reported."""
    reported = [e.path for e in earlier]
    return [e for e in found if not any(_within(e.path, p) for p in reported)]


def _within(path: KeyPath, prefix: KeyPath) -> bool:
    return len(prefix) > 0 and path[: len(prefix)] == prefix


def position_of(positions: Mapping[KeyPath, Position], path: KeyPath) -> Position | None:
    """The position of ``path`` or of its nearest ancestor that has one."""
    while True:
        found = positions.get(path)
        if found is not None or not path:
            return found
        path = path[:-1]
