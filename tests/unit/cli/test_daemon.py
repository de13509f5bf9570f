import subprocess
import sys
from pathlib import Path

import pytest

import pukeko
from pukeko.cli.daemon import Options, UsageError, include_reader, parse_args, run_cli

GOOD6 = """// comment
{ "Dhcp6": { "subnet6": [ { "id": 1, "subnet": "2001:db8:1::/64" } ] } }
"""
BAD6 = """{ "Dhcp6": {
  "valid-lifetme": 5,
  "subnet6": [ { "id": 1, "subnet": "2001:db8:1::/64", "interface": "nosuchif0" } ]
} }
"""


def test_version_flags_print_and_stop() -> None:
    assert parse_args(6, ["-v"]) == pukeko.__version__
    extended = parse_args(6, ["-V"])
    assert isinstance(extended, str) and extended.startswith(pukeko.__version__ + "\n")
    report = parse_args(4, ["-W"])
    assert isinstance(report, str) and "Version:" in report


def test_check_mode_and_ports() -> None:
    opts = parse_args(6, ["-d", "-t", "kea.conf", "-p", "1547", "-P", "1546"])
    assert opts == Options(6, "kea.conf", True, True, 1547, 1546)


@pytest.mark.parametrize(
    "argv",
    [
        [],
        ["-c"],
        ["-c", "x", "extra"],
        ["-p", "0", "-c", "x"],
        ["-P", "70000", "-c", "x"],
        ["-p", "abc", "-c", "x"],
        ["-x"],
    ],
)
def test_usage_errors(argv: list[str]) -> None:
    with pytest.raises(UsageError):
        parse_args(6, argv)


def test_usage_error_exits_one_with_usage(capsys: pytest.CaptureFixture[str]) -> None:
    assert run_cli(6, ["-p", "0", "-c", "x"]) == 1
    err = capsys.readouterr().err
    assert "Failed to parse server port number: [0], 1-65535 allowed." in err
    assert "Usage: pukeko-dhcp6" in err


def test_check_good_config_exits_zero(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "good.json"
    path.write_text(GOOD6)
    assert run_cli(6, ["-d", "-t", str(path)]) == 0
    assert "Syntax check OK" in capsys.readouterr().err


def test_check_bad_config_lists_errors_and_warns_missing_interface(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "bad.json"
    path.write_text(BAD6)
    assert run_cli(6, ["-t", str(path)]) == 1
    err = capsys.readouterr().err
    assert f"{path}:2:" in err and "valid-lifetme" in err
    path.write_text(BAD6.replace('"valid-lifetme": 5,', ""))
    assert run_cli(6, ["-t", str(path)]) == 0
    assert "DHCPSRV_INTERFACE_MISSING interface nosuchif0" in capsys.readouterr().err


def test_missing_file_exits_one(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert run_cli(4, ["-t", str(tmp_path / "absent.json")]) == 1
    assert "Unable to open file" in capsys.readouterr().err


def test_includes_resolve_beside_the_main_file(tmp_path: Path) -> None:
    (tmp_path / "part.json").write_text('{"a": 1}')
    read = include_reader(str(tmp_path / "main.json"))
    name, text = read("part.json")
    assert text == '{"a": 1}' and name.endswith("part.json")
    with pytest.raises(OSError):
        read("absent.json")


def test_console_script_runs(tmp_path: Path) -> None:
    path = tmp_path / "good.json"
    path.write_text(GOOD6)
    exe = Path(sys.executable).parent / "pukeko-dhcp6"
    if not exe.exists():
        pytest.skip("console scripts are installed by make install")
    proc = subprocess.run([str(exe), "-t", str(path)], capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stderr


def test_showconfig_prints_the_rendered_configuration(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import json

    from pukeko.cli.showconfig import main as showconfig

    path = tmp_path / "good.json"
    path.write_text(GOOD6)
    assert showconfig([str(path), "6"]) == 0
    rendered = json.loads(capsys.readouterr().out)
    assert rendered["Dhcp6"]["valid-lifetime"] == 7200  # Kea's default, filled in
    assert rendered["Dhcp6"]["subnet6"][0]["subnet"] == "2001:db8:1::/64"
    assert showconfig([str(tmp_path / "absent.json"), "6"]) == 1
