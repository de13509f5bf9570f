"""load_config: the whole pipeline, every error of every stage reported at once."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pukeko.config.errors import ConfigErrors, format_path
from pukeko.config.hooks import KEA_HOOKS, library_name
from pukeko.config.load import LoadResult, load_config

EXAMPLES = Path("/usr/share/doc/kea/examples")


def _examples() -> list[tuple[int, Path]]:
    return [(f, p) for f in (6, 4) for p in sorted((EXAMPLES / f"kea{f}").glob("*.json"))]


@pytest.mark.kea
@pytest.mark.parametrize(("family", "path"), _examples(), ids=lambda v: str(v)[-36:])
def test_every_kea_example_loads(family: int, path: Path) -> None:
    text = path.read_text()
    try:
        result = load_config(text, family=family, source=str(path))
    except ConfigErrors as exc:
        # Only an unknown hook library may stop an example (docs/compatibility.md).
        assert all(e.path[-1] == "library" for e in exc.errors), str(exc)
        assert any(library_name(str(e.message).split("'")[1]) not in KEA_HOOKS for e in exc.errors)
        return
    assert isinstance(result, LoadResult)
    assert result.config.family == family


def test_schema_and_semantic_errors_reported_together() -> None:
    text = """{"Dhcp6": {
  "valid-lifetim": 10,
  "subnet6": [{"subnet": "2001:db8::/64",
               "pools": [{"pool": "2001:db9::1-2001:db9::5"}]}],
  "renew-timer": "soon"
}}"""
    with pytest.raises(ConfigErrors) as info:
        load_config(text, family=6, source="x.json")
    found = {(format_path(e.path), e.position.line if e.position else 0) for e in info.value.errors}
    assert ("Dhcp6.valid-lifetim", 2) in found
    assert ("Dhcp6.subnet6[0].pools[0].pool", 4) in found
    assert ("Dhcp6.renew-timer", 5) in found
    assert all(str(e).startswith("x.json:") for e in info.value.errors)


def test_semantic_error_under_schema_error_is_not_repeated() -> None:
    text = '{"Dhcp4": {"subnet4": [{"subnet": "192.0.2.0/33", "id": -1}]}}'
    with pytest.raises(ConfigErrors) as info:
        load_config(text, family=4)
    paths = [format_path(e.path) for e in info.value.errors]
    assert "Dhcp4.subnet4[0].id" in paths
    assert "Dhcp4.subnet4[0].subnet" in paths
    assert len(paths) == len(set(paths))


def test_syntax_error_raises_config_errors() -> None:
    with pytest.raises(ConfigErrors) as info:
        load_config('{"Dhcp6": {"subnet6": [}', family=6, source="bad.json")
    assert info.value.errors[0].position is not None
    assert info.value.errors[0].position.file == "bad.json"


def test_includes_are_read_through_the_callback() -> None:
    files = {"subnets.json": '[{"subnet": "2001:db8::/64", "pools": [{"pool": "2001:db8::/96"}]}]'}

    def read(path: str) -> tuple[str, str]:
        return path, files[path]

    text = '{"Dhcp6": {"subnet6": <?include "subnets.json"?>}}'
    config = load_config(text, family=6, read_include=read).config
    assert str(config.subnets[0].prefix) == "2001:db8::/64"
    files["subnets.json"] = '[{"subnet": "2001:db8::/64", "pools": [{"pool": "2001:db9::/96"}]}]'
    with pytest.raises(ConfigErrors) as info:
        load_config(text, family=6, read_include=read)
    assert info.value.errors[0].position is not None
    assert info.value.errors[0].position.file == "subnets.json"


def test_planned_hook_library_is_a_warning() -> None:
    text = '{"Dhcp4": {"hooks-libraries": [{"library": "/x/libdhcp_lease_cmds.so"}]}}'
    result = load_config(text, family=4, source="h.json")
    assert [format_path(w.path) for w in result.warnings] == ["Dhcp4.hooks-libraries[0].library"]


@pytest.mark.parametrize("expression", ["", "option[18].hex ==", "substring(option[1].hex,0,"])
def test_flex_id_needs_a_valid_string_expression(expression: str) -> None:
    hook = {
        "library": "/usr/lib/kea/hooks/libdhcp_flex_id.so",
        "parameters": {"identifier-expression": expression},
    }
    text = json.dumps({"Dhcp6": {"hooks-libraries": [hook]}})
    with pytest.raises(ConfigErrors, match="identifier-expression"):
        load_config(text, family=6)
    hook["parameters"] = {"identifier-expression": "relay6[0].option[37].hex"}
    assert load_config(json.dumps({"Dhcp6": {"hooks-libraries": [hook]}}), family=6).warnings == ()


def test_unknown_hook_library_is_an_error() -> None:
    text = '{"Dhcp4": {"hooks-libraries": [{"library": "/opt/lib/charging.so"}]}}'
    with pytest.raises(ConfigErrors, match="unknown hook library"):
        load_config(text, family=4)


def test_wrong_family_root_is_refused() -> None:
    with pytest.raises(ConfigErrors):
        load_config('{"Dhcp4": {}}', family=6)
