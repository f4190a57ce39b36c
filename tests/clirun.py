"""Run the ``graphkit`` command in-process, as a user would, with its exit code and output captured.

Faster than a subprocess (no interpreter start, imports shared), so corpus tests can afford it;
``main()`` is the real entry point, including its turning of errors into one line and an exit code.
"""

from __future__ import annotations

import io
import sys
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import dataclass

from graphkit.cli import main


@dataclass
class Outcome:
    code: int
    stdout: str
    stderr: str


def invoke(*args: str) -> Outcome:
    """``graphkit ARGS...`` in this process."""
    out, err = io.StringIO(), io.StringIO()
    argv = sys.argv
    sys.argv = ["graphkit", *map(str, args)]
    code = 0
    try:
        with redirect_stdout(out), redirect_stderr(err):
            main()
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    finally:
        sys.argv = argv
    return Outcome(code, out.getvalue(), err.getvalue())
