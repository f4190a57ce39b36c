"""The README documents every setting, every CLI command and the two commands."""

from pathlib import Path

from typer.main import get_command

from graphkit.cli import app
from graphkit.config import Settings

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")


def test_every_setting_is_documented():
    for name in Settings.model_fields:
        assert f"`{name}` (`GRAPHKIT_{name.upper()}`)" in README, name


def test_every_command_is_shown():
    for name in get_command(app).commands:
        assert f"graphkit {name}" in README, name


def test_the_two_commands_exist():
    root = Path(__file__).resolve().parents[1]
    assert "bash tools/demo" in README and "bash tools/test" in README
    assert (root / "tools" / "demo").exists() and (root / "tools" / "test").exists()
    assert "tools/test" in (root / ".ci" / "run").read_text()
