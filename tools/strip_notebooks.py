"""Strip outputs, execution counts and widget state from notebooks, so git holds only their source.

    .venv/bin/python tools/strip_notebooks.py            # every notebooks/*.ipynb, in place
    .venv/bin/python tools/strip_notebooks.py a.ipynb    # the notebooks named
    .venv/bin/python tools/strip_notebooks.py --check    # change nothing; exit 1 naming any that carry outputs

tests/integration/test_notebooks.py fails on a committed notebook with outputs; run this before committing.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import nbformat

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"


def strip(nb) -> bool:
    """Remove outputs, execution counts and widget state in place; True if anything was removed."""
    changed = False
    for cell in nb.cells:
        if cell.cell_type == "code" and (cell.outputs or cell.execution_count is not None):
            cell.outputs, cell.execution_count = [], None
            changed = True
        for key in ("execution", "collapsed", "scrolled"):
            if key in cell.metadata:
                del cell.metadata[key]
                changed = True
    if "widgets" in nb.metadata:
        del nb.metadata["widgets"]
        changed = True
    return changed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="*", type=Path, help="notebooks (default: notebooks/*.ipynb)")
    parser.add_argument("--check", action="store_true", help="only report notebooks that carry outputs")
    args = parser.parse_args(argv)
    dirty = []
    for path in args.paths or sorted(NOTEBOOKS.glob("*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        if strip(nb):
            dirty.append(path)
            if not args.check:
                nbformat.write(nb, path)
    for path in dirty:
        print(f"{path}: {'carries outputs' if args.check else 'stripped'}")
    return 1 if args.check and dirty else 0


if __name__ == "__main__":
    sys.exit(main())
