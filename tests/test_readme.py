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


def test_the_repository_stands_alone():
    """The contract lives in the repo and nothing in the repo reaches outside it (issue 12.9)."""
    import re
    import subprocess

    root = Path(__file__).resolve().parents[1]
    contract = root / "docs" / "DATA_CONTRACT.md"
    assert "## Inputs: one folder, one table per file" in contract.read_text(encoding="utf-8")
    assert "docs/DATA_CONTRACT.md" in README
    tracked = subprocess.run(["git", "ls-files"], cwd=root, capture_output=True, text=True, check=True).stdout.split()
    outside = re.compile(r"/w[o]rk/|\.\./shared|parents\[(?:[2-9])\]\s*/\s*\"shared\"|\"shared\"\s*/\s*\"DATA_CONTRACT")
    for name in tracked:
        path = root / name
        if path.suffix not in {".py", ".md", ".yaml", ".toml", ".cypher", ".ipynb", ".sh", ""} or not path.is_file():
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        assert not outside.search(text), f"{name} refers outside the repository"


def test_packaging_metadata_uses_an_spdx_license():
    import tomllib

    meta = tomllib.loads((Path(__file__).resolve().parents[1] / "pyproject.toml").read_text(encoding="utf-8"))
    assert meta["project"]["license"] == "Apache-2.0"
    assert any(r.replace(" ", "").startswith("setuptools>=77") for r in meta["build-system"]["requires"])
