"""The analysts' notebooks run top to bottom in a real Jupyter kernel on the 20,000-person scenario.

01, 02 and 04 run on the memory backend with no server reachable (a newcomer's first run); 01 and
03 (which is about Neo4j itself) run on the session's real Neo4j, which the kernel finds through
the ``GRAPHKIT_NEO4J_*`` variables the test sets. A cell that raises fails the test; so does a
notebook slower than ``NOTEBOOK_LIMIT``. Executed copies go to ``test-output/notebooks/``.
"""

from __future__ import annotations

import re
import sys
import time
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

pytestmark = pytest.mark.notebook

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = ROOT / "notebooks"
EXECUTED = ROOT / "test-output" / "notebooks"
CELL_TIMEOUT = 300  # seconds per cell
NOTEBOOK_LIMIT = 120  # seconds per notebook; the goal is 60 on a developer machine
PERSONS, SEED = 20_000, 7

NAMES = ("01_quickstart", "02_employer_investigation", "03_neo4j_and_cypher", "04_networks")
# 03 is about Neo4j itself: it has no memory run
RUNS = [("01_quickstart", "memory"), ("01_quickstart", "neo4j"), ("02_employer_investigation", "memory"),
        ("03_neo4j_and_cypher", "neo4j"), ("04_networks", "memory")]


def parameters_index(nb) -> int:
    return next(i for i, c in enumerate(nb.cells) if "parameters" in c.metadata.get("tags", []))


def inject(nb, values: dict) -> None:
    """Papermill's convention: a cell tagged ``injected-parameters`` right after the ``parameters`` cell."""
    source = "# Parameters injected by tests/integration/test_notebooks.py\n" + "\n".join(f"{k} = {v!r}" for k, v in values.items())
    cell = nbformat.v4.new_code_cell(source)
    cell.metadata["tags"] = ["injected-parameters"]
    nb.cells.insert(parameters_index(nb) + 1, cell)


def execute(nb, name: str) -> float:
    """Run every cell in a ``python3`` kernel; write the executed copy even when a cell fails."""
    client = NotebookClient(nb, kernel_name="python3", timeout=CELL_TIMEOUT, resources={"metadata": {"path": str(NOTEBOOKS)}})
    started = time.perf_counter()
    try:
        client.execute()
    finally:
        elapsed = time.perf_counter() - started
        EXECUTED.mkdir(parents=True, exist_ok=True)
        nbformat.write(nb, EXECUTED / f"{name}.ipynb")
    return elapsed


@pytest.fixture
def neo4j_env(request, monkeypatch):
    """Point ``GRAPHKIT_NEO4J_*`` at the session's emptied server, for the kernel to inherit."""
    server = request.getfixturevalue("neo4j_server")
    request.getfixturevalue("neo4j_clean")
    monkeypatch.setenv("GRAPHKIT_NEO4J_URI", server.uri)
    monkeypatch.setenv("GRAPHKIT_NEO4J_USER", server.user)
    monkeypatch.setenv("GRAPHKIT_NEO4J_PASSWORD", server.password.get_secret_value())
    monkeypatch.setenv("GRAPHKIT_NEO4J_DATABASE", "neo4j")


@pytest.fixture
def no_server_env(monkeypatch):
    """A memory run must not need a server: any Neo4j setting points nowhere."""
    monkeypatch.setenv("GRAPHKIT_NEO4J_URI", "bolt://127.0.0.1:9")
    monkeypatch.delenv("GRAPHKIT_NEO4J_PASSWORD", raising=False)
    monkeypatch.delenv("GRAPHKIT_BACKEND", raising=False)


@pytest.mark.parametrize(
    ("name", "backend"),
    [pytest.param(n, b, id=f"{n}[{b}]", marks=[pytest.mark.neo4j] if b == "neo4j" else []) for n, b in RUNS],
)
def test_notebook_runs_top_to_bottom(name, backend, request, tmp_path):
    request.getfixturevalue("neo4j_env" if backend == "neo4j" else "no_server_env")
    nb = nbformat.read(NOTEBOOKS / f"{name}.ipynb", as_version=4)
    inject(nb, {"backend": backend, "persons": PERSONS, "seed": SEED, "workdir": str(tmp_path / "work")})
    elapsed = execute(nb, f"{name}[{backend}]")
    with request.getfixturevalue("capsys").disabled():  # past pytest's capture: CI's log names each notebook run
        print(f"\nnotebook {name}[{backend}]: executed in {elapsed:.1f} s ({PERSONS:,} persons)")
    assert elapsed <= NOTEBOOK_LIMIT, f"{name}[{backend}] took {elapsed:.0f} s; the limit is {NOTEBOOK_LIMIT} s"
    if name == "01_quickstart":
        assert_graph_inline(nb)
    if backend == "neo4j":
        password = request.getfixturevalue("neo4j_server").password.get_secret_value()
        assert password not in (EXECUTED / f"{name}[{backend}].ipynb").read_text(encoding="utf-8")


def assert_graph_inline(nb) -> None:
    """The newcomer's goal: a flagged employer's graph drawn in the notebook, offline."""
    frames = [o["data"]["text/html"] for c in nb.cells if c.cell_type == "code" for o in c.outputs
              if "text/html" in o.get("data", {}) and "<iframe srcdoc=" in o["data"]["text/html"]]
    assert len(frames) == 1
    assert 'title="graph of employers:' in frames[0] and "vis-network" in frames[0]
    assert not re.search(r"(src|href)=(\"|&quot;)(https?:)?//", frames[0])


def test_kernel_is_this_environment():
    """``python3`` resolves to the interpreter running the tests (the project's .venv), not a system one."""
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("import sys, graphkit\nprint(sys.prefix)\nprint(graphkit.__file__)")]
    NotebookClient(nb, kernel_name="python3", timeout=60).execute()
    prefix, package = nb.cells[0].outputs[0]["text"].split()
    assert prefix == sys.prefix
    assert Path(package).resolve().is_relative_to(ROOT)


@pytest.mark.parametrize("name", NAMES)
def test_committed_notebook_is_clean(name):
    """Outputs stripped, a first code cell tagged ``parameters`` with the defaults a newcomer runs."""
    nb = nbformat.read(NOTEBOOKS / f"{name}.ipynb", as_version=4)
    nbformat.validate(nb)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(c.outputs == [] and c.execution_count is None for c in code), "strip outputs: python tools/strip_notebooks.py"
    assert "widgets" not in nb.metadata
    assert code[0].metadata.get("tags") == ["parameters"]
    defaults = {}
    exec(code[0].source, {}, defaults)
    assert defaults["workdir"] is None and defaults["persons"] == PERSONS and defaults["seed"] == SEED
    assert defaults["backend"] == ("neo4j" if name.startswith("03") else "memory")
    assert nb.metadata["kernelspec"]["name"] == "python3"


@pytest.mark.parametrize("name", NAMES)
def test_notebook_reads_like_an_investigation(name):
    """Markdown explains the steps and says what a score is; code uses only the public API."""
    nb = nbformat.read(NOTEBOOKS / f"{name}.ipynb", as_version=4)
    text = " ".join(c.source for c in nb.cells if c.cell_type == "markdown")
    code = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    assert nb.cells[0].cell_type == "markdown" and nb.cells[0].source.startswith("# ")
    assert sum(c.cell_type == "markdown" for c in nb.cells) >= 6
    assert re.search(r"leads? for (human )?review", text) and re.search(r"not (a )?findings?", text)
    assert "exploited" in text
    assert not re.search(r"\._[A-Za-z]|import _|from graphkit\S* import .*\b_[a-z]", code), "a notebook uses a private name"
    assert not re.search(r"password\s*=|auth\s*=", code), "credentials come from GRAPHKIT_NEO4J_* through Settings"
