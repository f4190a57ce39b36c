"""The scheduling recipes in docs/recipes: each parses, calls `graphkit run --config`, and the run file is valid."""

import ast
import configparser
import os
import py_compile
import re
import shutil
import subprocess
import sys
from pathlib import Path

from graphkit.cli import make_settings
from graphkit.schedule import config_values

RECIPES = Path(__file__).resolve().parents[1] / "docs" / "recipes"
CRON_FIELD = re.compile(r"^(\*|\d+(-\d+)?)(/\d+)?(,(\*|\d+(-\d+)?)(/\d+)?)*$")
CRON_RANGES = [(0, 59), (0, 23), (1, 31), (1, 12), (0, 7)]


def unit(name: str) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(interpolation=None, strict=True)
    parser.optionxform = str  # systemd keys are case-sensitive
    parser.read_string((RECIPES / name).read_text())
    return parser


def test_crontab_line_has_five_schedule_fields_and_runs_graphkit_with_a_config():
    lines = [ln for ln in (RECIPES / "graphkit.crontab").read_text().splitlines() if ln.strip() and not ln.startswith("#")]
    jobs = [ln for ln in lines if not re.match(r"^[A-Z_]+=", ln)]
    assert len(jobs) == 1
    fields = jobs[0].split(None, 5)
    assert len(fields) == 6
    for field, (low, high) in zip(fields[:5], CRON_RANGES):
        assert CRON_FIELD.match(field), field
        assert all(low <= int(n) <= high for n in re.findall(r"\d+", field.split("/")[0])), field
    assert re.search(r"graphkit run --config \S+\.toml", fields[5])
    assert "%" not in fields[5], "cron turns % into a newline"


def test_systemd_units_parse_and_have_the_keys_that_make_them_work(tmp_path: Path):
    service, timer = unit("graphkit-run.service"), unit("graphkit-run.timer")
    assert service["Service"]["Type"] == "oneshot"
    assert re.search(r"graphkit run --config \S+\.toml", service["Service"]["ExecStart"])
    assert service["Unit"]["Description"] and service["Service"]["User"]
    assert timer["Timer"]["OnCalendar"] and timer["Timer"]["Unit"] == "graphkit-run.service"
    assert timer["Install"]["WantedBy"] == "timers.target"
    analyze = shutil.which("systemd-analyze")
    if analyze:  # verify needs ExecStart to exist: point it at this checkout's graphkit
        graphkit = Path(sys.executable).with_name("graphkit")
        for name in ("graphkit-run.service", "graphkit-run.timer"):
            text = (RECIPES / name).read_text().replace("/opt/graphkit/.venv/bin/graphkit", str(graphkit))
            (tmp_path / name).write_text(text)
        proc = subprocess.run([analyze, "verify", str(tmp_path / "graphkit-run.service"), str(tmp_path / "graphkit-run.timer")],
                              capture_output=True, text=True)
        assert proc.returncode == 0 and not proc.stderr.strip(), proc.stderr


def test_airflow_dag_compiles_and_runs_graphkit_with_a_config(tmp_path: Path):
    path = RECIPES / "airflow_graphkit_dag.py"
    py_compile.compile(str(path), cfile=str(tmp_path / "dag.pyc"), doraise=True)
    strings = [n.value for n in ast.walk(ast.parse(path.read_text())) if isinstance(n, ast.Constant) and isinstance(n.value, str)]
    assert any(re.search(r"graphkit run --config \S+\.toml", s) for s in strings)
    proc = subprocess.run([sys.executable, str(path)], capture_output=True, text=True)  # imports cleanly without Airflow
    assert proc.returncode == 0, proc.stderr


def test_the_recipes_all_name_the_same_password_variable_and_the_run_file_is_valid(monkeypatch):
    for name in [k for k in os.environ if k.startswith("GRAPHKIT_")]:
        monkeypatch.delenv(name)
    settings = make_settings(**config_values(RECIPES / "run.toml"))
    assert settings.purpose and settings.backend == "neo4j" and settings.band_high == 70
    variable = settings.neo4j_password_env
    for name in ("graphkit.crontab", "graphkit-run.service", "airflow_graphkit_dag.py"):
        assert variable in (RECIPES / name).read_text(), name
