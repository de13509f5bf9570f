"""Atheris harness for the config reader: parse_json + check_schema + with_defaults.

Any text may be rejected, but only with ConfigErrors; check_schema and with_defaults must
return normally on whatever parse_json accepted. Includes resolve to a few fixed snippets
(and to a self-include, to exercise loop detection).

Run: ``python fuzz/fuzz_config.py -max_total_time=30`` (needs ``pip install atheris``).
"""

from __future__ import annotations

import sys

import atheris

with atheris.instrument_imports():
    from pukeko.config.errors import ConfigErrors
    from pukeko.config.jsonc import parse_json
    from pukeko.config.validate import check_schema, with_defaults

_INCLUDES = {
    "a.json": '"valid-lifetime": 100, "renew-timer": 50',
    "b.json": '[ { "subnet": "2001:db8::/64", "pools": [ { "pool": "2001:db8::/80" } ] } ]',
    "loop.json": '<?include "loop.json"?>',
}


def _read_include(path: str) -> tuple[str, str]:
    if path not in _INCLUDES:
        raise FileNotFoundError(path)
    return path, _INCLUDES[path]


def check_text(text: str) -> None:
    """Parse and validate one text for both families; only ConfigErrors may escape."""
    try:
        doc = parse_json(text, source="fuzz.json", read_include=_read_include)
    except ConfigErrors as errors:
        if not errors.errors:
            raise AssertionError("ConfigErrors without errors") from None
        return
    for family in (6, 4):
        errors = check_schema(doc, family)
        if not isinstance(errors, list):
            raise AssertionError("check_schema must return a list")
        if isinstance(doc.value, dict):
            with_defaults(doc.value, family)


def TestOneInput(data: bytes) -> None:  # the name atheris expects
    """One fuzz case: half the time wrap the text in a Dhcp6 map to reach the tables."""
    fdp = atheris.FuzzedDataProvider(data)
    wrap = fdp.ConsumeBool()
    text = fdp.ConsumeUnicodeNoSurrogates(len(data))
    check_text('{"Dhcp6": {' + text + "}}" if wrap else text)


def main() -> None:
    """Start the fuzzer with the command-line arguments."""
    atheris.Setup(sys.argv, TestOneInput)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
