"""Every example configuration Debian's kea-doc ships gets the same verdict from Pukeko as from Kea.

Kea 2.2 runs in a network namespace holding the interfaces the examples name (eth0, eth1,
eth1961), with hook library paths pointed at the hooks Kea installs here, so that its verdict is
about the configuration and not about this machine. Where Kea still refuses only because a hook
library file is absent (ISC premium hooks), Pukeko accepts a library it recognises by name and
refuses any other (docs/compatibility.md, "Hook libraries").
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.support.kea import (
    EXAMPLES_DIR,
    kea_binary,
    kea_check,
    kea_namespace,
    use_installed_hooks,
)
from tests.support.netns import can_use_netns, namespace_with_interfaces

from pukeko.cli.daemon import load_file
from pukeko.config.errors import ConfigErrors
from pukeko.config.hooks import KEA_HOOKS, library_name
from pukeko.config.render import render

pytestmark = pytest.mark.kea

EXAMPLE_INTERFACES = ["eth0", "eth1", "eth1961"]


def _examples(family: int) -> list[Path]:
    return sorted((EXAMPLES_DIR / f"kea{family}").glob("*.json"))


EXAMPLES = [(4, p) for p in _examples(4)] + [(6, p) for p in _examples(6)]


@pytest.fixture(scope="module")
def kea_netns() -> Iterator[str]:
    with kea_namespace(EXAMPLE_INTERFACES, {"eth0": "2001:db8:1::1/64"}) as ns:
        yield ns


def _libraries(text: str) -> list[str]:
    return [library_name(m) for m in re.findall(r'"library"\s*:\s*"([^"]*)"', text)]


def test_kea_doc_examples_are_installed() -> None:
    assert len(_examples(6)) >= 20 and len(_examples(4)) >= 20, "kea-doc examples missing"


@pytest.mark.parametrize(("family", "path"), EXAMPLES, ids=lambda v: str(v)[-40:])
def test_example_verdict_matches_kea(
    family: int, path: Path, kea_netns: str, tmp_path: Path
) -> None:
    text = path.read_text()
    copy = tmp_path / path.name
    copy.write_text(use_installed_hooks(text))
    kea = kea_check(family, copy, kea_netns)
    try:
        load_file(family, str(path))
        pukeko_ok, errors = True, ""
    except ConfigErrors as exc:
        pukeko_ok, errors = False, str(exc)
    if kea.ok:
        assert pukeko_ok, f"Kea accepts {path.name}, Pukeko refuses:\n{errors}"
    elif kea.missing_hook_file:
        known = all(name in KEA_HOOKS for name in _libraries(text))
        assert pukeko_ok == known, f"hooks {_libraries(text)}: Pukeko said\n{errors}"
    else:
        assert not pukeko_ok, f"Kea refuses {path.name}, Pukeko accepts. Kea said:\n{kea.output}"


@pytest.mark.parametrize(("family", "path"), EXAMPLES, ids=lambda v: str(v)[-40:])
def test_rendered_example_loads_in_kea(
    family: int, path: Path, kea_netns: str, tmp_path: Path
) -> None:
    """What config-get / config-write give back for an example Kea accepts, Kea accepts too."""
    original = tmp_path / path.name
    original.write_text(use_installed_hooks(path.read_text()))
    if not kea_check(family, original, kea_netns).ok:
        pytest.skip("Kea refuses the example itself")
    rendered = tmp_path / f"rendered-{path.name}"
    text = json.dumps(render(load_file(family, str(path)).config))
    rendered.write_text(use_installed_hooks(text))
    verdict = kea_check(family, rendered, kea_netns)
    assert verdict.ok, f"Kea refuses the rendered {path.name}:\n{verdict.output}"


BUNDLED = Path(__file__).resolve().parents[2] / "docs" / "examples"


@pytest.mark.parametrize("family", [4, 6])
def test_bundled_default_config_is_valid_for_kea_and_pukeko(family: int) -> None:
    if not kea_binary(family):
        pytest.skip("Kea 2.2 is not installed")
    if not can_use_netns():
        pytest.skip("needs root to create a network namespace")
    path = BUNDLED / f"pukeko-dhcp{family}.conf"
    with namespace_with_interfaces(["pk-srv0"]) as ns:
        verdict = kea_check(family, path, ns)
    assert verdict.ok, verdict.output
    load_file(family, str(path))
