"""The audit trail: an append-only, hash-chained ``audit.jsonl`` of every run and export.

Each line is one JSON record saying who (the OS user) ran which command, for which purpose (the
case or operation reference), on which inputs (SHA-256 of each input file), under which rule set,
how many entities it exported and where. It never holds personal data: the fields are fixed
(:data:`AUDIT_FIELDS`) and none of them carries a name, a document number or a data value.

Every record carries ``prev_sha256``, the SHA-256 of the previous line's exact bytes (without its
line feed; 64 zeros for the first record), and ``sha256``, the SHA-256 of its own canonical JSON
without that field. Changing, removing or inserting any byte of a past record breaks the chain,
and :func:`verify_audit` names the line where it breaks. Appends take an exclusive ``fcntl`` lock
on the file and are fsynced, so concurrent runs never interleave or lose a record.

Examples
--------
>>> import tempfile
>>> from pathlib import Path
>>> log = Path(tempfile.mkdtemp()) / "audit.jsonl"
>>> first = append_audit(log, {"command": "score", "purpose": "OP-2026-17", "counts": {"EMPLOYER": 3}})
>>> first["prev_sha256"] == GENESIS, len(first["sha256"])
(True, 64)
>>> second = append_audit(log, {"command": "export-graph", "purpose": "OP-2026-17"})
>>> second["prev_sha256"] == hashlib.sha256(log.read_bytes().splitlines()[0]).hexdigest()
True
>>> verify_audit(log)[0]
True
>>> _ = log.write_bytes(log.read_bytes().replace(b"OP-2026-17", b"OP-2026-18", 1))
>>> verify_audit(log)
(False, 'line 1: its sha256 does not match its content (the record was changed after it was written)')
"""

from __future__ import annotations

import datetime as dt
import fcntl
import getpass
import hashlib
import json
import os
from pathlib import Path

from graphkit.config import Settings
from graphkit.errors import GraphkitError

GENESIS = "0" * 64
AUDIT_FIELDS = ("ts", "user", "command", "purpose", "run_id", "inputs", "rule_set_version", "counts", "output", "status",
                "prev_sha256", "sha256")


def default_audit_log() -> Path:
    """``$XDG_DATA_HOME/graphkit/audit.jsonl`` (``~/.local/share/graphkit/audit.jsonl`` without XDG).

    >>> default_audit_log().name
    'audit.jsonl'
    """
    base = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    return base / "graphkit" / "audit.jsonl"


def _canonical(record: dict) -> bytes:
    return json.dumps(record, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def _os_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no passwd entry (some containers): the numeric id still identifies
        return f"uid:{os.getuid()}"


def _last_line(fh) -> bytes | None:
    """The last complete line of an open binary file (without its line feed), or None if empty."""
    end = fh.seek(0, os.SEEK_END)
    if end == 0:
        return None
    fh.seek(end - 1)
    if fh.read(1) != b"\n":
        raise GraphkitError(f"{fh.name} ends in a partial record: check it with 'graphkit audit verify {fh.name}'")
    chunk, start = b"", end - 1
    while start > 0 and b"\n" not in chunk:
        step = min(65536, start)
        start -= step
        fh.seek(start)
        chunk = fh.read(step) + chunk
    return chunk.rsplit(b"\n", 1)[-1]


def _locked_append(path: Path, make_line) -> bytes:
    """Append ``make_line(last_line)`` + ``\\n`` under an exclusive lock, fsynced; returns the line."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a+b") as fh:
        fcntl.flock(fh.fileno(), fcntl.LOCK_EX)
        try:
            line = make_line(_last_line(fh))
            fh.write(line + b"\n")
            fh.flush()
            os.fsync(fh.fileno())
        finally:
            fcntl.flock(fh.fileno(), fcntl.LOCK_UN)
    return line


def append_jsonl(path: str | Path, record: dict) -> None:
    """Append ``record`` as one JSON line to ``path``, locked and fsynced (no hash chain).

    >>> import tempfile
    >>> from pathlib import Path
    >>> runs = Path(tempfile.mkdtemp()) / "runs.jsonl"
    >>> append_jsonl(runs, {"run_id": "r1", "status": "ok"})
    >>> runs.read_text()
    '{"run_id":"r1","status":"ok"}\\n'
    """
    _locked_append(Path(path), lambda _last: _canonical(record))


def append_audit(path: str | Path, record: dict) -> dict:
    """Append ``record`` to the audit log at ``path`` as the next link of its hash chain.

    Parameters
    ----------
    path : path-like
        The ``audit.jsonl`` file; created with its folder if missing.
    record : dict
        Any of :data:`AUDIT_FIELDS` except the two hashes; ``ts`` (UTC, now) and ``user`` (the OS
        user) are filled in when missing. Any other key is refused, so no personal data can slip in.

    Returns
    -------
    dict
        The record as written, with ``prev_sha256`` and ``sha256``.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> r = append_audit(Path(tempfile.mkdtemp()) / "audit.jsonl", {"command": "run", "purpose": "OP-1"})
    >>> sorted(r)
    ['command', 'prev_sha256', 'purpose', 'sha256', 'ts', 'user']
    >>> append_audit(Path(tempfile.mkdtemp()) / "audit.jsonl", {"command": "run", "full_name": "Li Wei"})
    Traceback (most recent call last):
    ...
    ValueError: audit records take only ts, user, command, purpose, run_id, inputs, rule_set_version, counts, output, status; not full_name
    """
    unknown = sorted(set(record) - set(AUDIT_FIELDS[:-2]))
    if unknown:
        raise ValueError(f"audit records take only {', '.join(AUDIT_FIELDS[:-2])}; not {', '.join(unknown)}")
    base = {"ts": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"), "user": _os_user(), **record}
    written: dict = {}

    def chained(last: bytes | None) -> bytes:
        written.update(base, prev_sha256=GENESIS if last is None else hashlib.sha256(last).hexdigest())
        written["sha256"] = hashlib.sha256(_canonical(written)).hexdigest()
        return _canonical(written)

    _locked_append(Path(path), chained)
    return written


def verify_audit(path: str | Path) -> tuple[bool, str]:
    """Check the hash chain of the audit log at ``path``; say where it breaks.

    Returns
    -------
    (bool, str)
        Whether every line is intact and linked to the one before, and a one-line message.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> log = Path(tempfile.mkdtemp()) / "audit.jsonl"
    >>> for purpose in ("OP-1", "OP-2", "OP-3"):
    ...     _ = append_audit(log, {"command": "run", "purpose": purpose})
    >>> verify_audit(log)[1][:30]
    'ok: 3 records, chain intact up'
    >>> lines = log.read_bytes().splitlines(keepends=True)
    >>> _ = log.write_bytes(lines[0] + lines[2])
    >>> verify_audit(log)
    (False, 'line 2: its prev_sha256 does not match line 1 (a record before it was changed, removed or inserted)')
    """
    path = Path(path)
    if not path.is_file():
        return False, f"no audit log at {path}"
    data = path.read_bytes()
    if data and not data.endswith(b"\n"):
        return False, f"line {len(data.splitlines())}: incomplete (no line end): the log was cut or appended to by hand"
    expected_prev = GENESIS
    lines = data.splitlines()
    for number, line in enumerate(lines, start=1):
        try:
            record = json.loads(line)
        except (UnicodeDecodeError, json.JSONDecodeError):
            return False, f"line {number}: not a JSON record"
        if not isinstance(record, dict) or "sha256" not in record or "prev_sha256" not in record:
            return False, f"line {number}: not an audit record (no sha256 / prev_sha256)"
        if record["prev_sha256"] != expected_prev:
            what = "the genesis hash" if number == 1 else f"line {number - 1}"
            return False, f"line {number}: its prev_sha256 does not match {what} (a record before it was changed, removed or inserted)"
        claimed = record.pop("sha256")
        if hashlib.sha256(_canonical(record)).hexdigest() != claimed:
            return False, f"line {number}: its sha256 does not match its content (the record was changed after it was written)"
        record["sha256"] = claimed
        if _canonical(record) != line:
            return False, f"line {number}: not in canonical form (its bytes were changed after it was written)"
        expected_prev = hashlib.sha256(line).hexdigest()
    return True, f"ok: {len(lines)} records, chain intact up to sha256 {expected_prev[:16]}"


def audit_export(output: str | Path, *, command: str = "export", manifest: dict | None = None,
                 counts: dict[str, int] | None = None, purpose: str | None = None,
                 settings: Settings | None = None) -> dict:
    """Record an export (or a scoring job) in the audit log the settings name; returns the record.

    Input hashes, the rule set, the run id and (unless ``counts`` is given) the counts of exported
    entities come from the run's ``manifest``; the purpose from ``purpose``, else the settings, else
    the manifest. The log is ``settings.audit_log``, else :func:`default_audit_log`.

    Examples
    --------
    >>> import tempfile, datetime
    >>> from pathlib import Path
    >>> from graphkit.datasets import tiny_path
    >>> from graphkit.jobs import run_score
    >>> tmp = Path(tempfile.mkdtemp())
    >>> settings = Settings(as_of=datetime.date(2026, 11, 1), audit_log=tmp / "audit.jsonl", purpose="OP-2026-17")
    >>> run = run_score(tiny_path(), tmp / "out", settings)
    >>> record = audit_export(tmp / "out", command="score", manifest=run.manifest, settings=settings)
    >>> record["purpose"], record["counts"]["EMPLOYER"], len(record["inputs"]["persons"])
    ('OP-2026-17', 3, 64)
    """
    settings = settings or Settings()
    manifest = manifest or {}
    record = {
        "command": command,
        "purpose": purpose or settings.purpose or manifest.get("purpose"),
        "run_id": manifest.get("run_id"),
        "inputs": {table: f["sha256"] for table, f in manifest.get("inputs", {}).items()},
        "rule_set_version": manifest.get("rule_set_version"),
        "counts": counts if counts is not None else manifest.get("scored", {}),
        "output": str(Path(output).resolve()),
        "status": "ok",
    }
    return append_audit(settings.audit_log or default_audit_log(), record)
