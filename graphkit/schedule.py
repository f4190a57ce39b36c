"""Scheduled runs: safe to leave to cron, with history, changes since the last run and an audit trail.

:func:`run_scheduled` is what ``graphkit run --config run.toml`` calls. Under ``output_root`` it keeps::

    .lock            the running run's pid, host and start time (O_CREAT|O_EXCL; a second run exits 3)
    runs/<run_id>/   one complete run: the contract outputs, changes.csv and a COMPLETE marker
    latest           symlink to the last complete run, switched atomically
    runs.jsonl       one line per run, ok or failed, with the one-line error
    audit.jsonl      the hash-chained audit trail (unless ``audit_log`` says otherwise)

A run writes into ``runs/.<run_id>.partial/``, fsyncs it, writes ``COMPLETE`` and renames it to
``runs/<run_id>/``: a folder under its run id is complete, whatever killed the run. Only then does
``latest`` move, so a run killed at any point leaves the previous ``latest`` intact. The next run
removes leftover ``.partial`` folders (and says so in the log). Changes are computed against the run
``latest`` points to (the last *published* run), so a lead is never lost to a run nobody saw.

Examples
--------
>>> import datetime, tempfile
>>> from pathlib import Path
>>> from graphkit.datasets import tiny_path
>>> root = Path(tempfile.mkdtemp())
>>> settings = Settings(input_dir=tiny_path(), output_root=root, purpose="OP-2026-17", as_of=datetime.date(2026, 11, 1))
>>> first = run_scheduled(settings)
>>> first["status"], first["changes"]["NEW"], (root / "latest").resolve().name == first["run_id"]
('ok', 17, True)
>>> second = run_scheduled(settings)
>>> second["changes"]["UNCHANGED"], second["previous_run_id"] == first["run_id"]
(17, True)
>>> sorted(p.name for p in (root / "latest").iterdir())[:4]
['COMPLETE', 'changes.csv', 'clusters.csv', 'entities.csv']
"""

from __future__ import annotations

import ctypes
import datetime as dt
import errno
import json
import logging
import os
import secrets
import shutil
import socket
import time
import tomllib
from contextlib import contextmanager
from pathlib import Path

import pandas as pd
import psutil
from pydantic import SecretStr

from graphkit.audit import append_audit, append_jsonl
from graphkit.changes import CHANGE_KINDS, compare_scores
from graphkit.config import Settings
from graphkit.errors import GraphkitError, RunLockedError
from graphkit.export.tables import atomic_write, read_csv, write_csv, write_json
from graphkit.manifest import new_run_id

log = logging.getLogger("graphkit")
PATH_KEYS = ("input_dir", "output_root", "audit_log")


def config_values(path: str | Path | None) -> dict:
    """Settings from a TOML run file, minus those a ``GRAPHKIT_*`` variable sets.

    Top-level keys are :class:`Settings` fields; the ``[neo4j]`` table's keys get the ``neo4j_``
    prefix (``uri``, ``user``, ``database``, ``password_env``). Relative paths are relative to the
    file's folder. Flags override these values; ``GRAPHKIT_*`` variables override the file.
    Secrets are refused: a password belongs in the environment, named by ``password_env``.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> cfg = Path(tempfile.mkdtemp()) / "run.toml"
    >>> _ = cfg.write_text('purpose = "OP-1"\\noutput_root = "out"\\n[neo4j]\\nuri = "bolt://db:7687"\\npassword_env = "NEO4J_PW"\\n')
    >>> values = config_values(cfg)
    >>> values["neo4j_password_env"], values["output_root"] == cfg.parent / "out"
    ('NEO4J_PW', True)
    >>> _ = cfg.write_text('[neo4j]\\npassword = "hunter2"\\n')
    >>> config_values(cfg)
    Traceback (most recent call last):
    ...
    graphkit.errors.GraphkitError: ... neo4j_password is a secret and does not belong in a file: ...
    """
    if path is None:
        return {}
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise GraphkitError(f"config file {path} not found") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise GraphkitError(f"{path}: not valid TOML: {exc}") from None
    values: dict = {}
    for key, value in data.items():
        if isinstance(value, dict):
            if key != "neo4j":
                raise GraphkitError(f"{path}: unknown table [{key}]; the only table is [neo4j]")
            values.update({f"neo4j_{k}": v for k, v in value.items()})
        else:
            values[key] = value
    for key in values:
        field = Settings.model_fields.get(key)
        if field is None:
            raise GraphkitError(f"{path}: unknown key {key!r}; keys are Settings fields (see graphkit run --help)")
        if field.annotation is SecretStr:
            raise GraphkitError(f"{path}: {key} is a secret and does not belong in a file: set it in the environment "
                                f"(the Neo4j password: name its variable with password_env in [neo4j])")
    for key in PATH_KEYS:
        if key in values:
            values[key] = path.parent / Path(values[key]).expanduser()
    env = {name.upper() for name in os.environ}
    return {k: v for k, v in values.items() if f"GRAPHKIT_{k}".upper() not in env}


class _Formatter(logging.Formatter):
    """``ts level event run_id key=value ...`` lines, or the same as one JSON object per line."""

    def __init__(self, as_json: bool) -> None:
        super().__init__()
        self.as_json = as_json

    def format(self, record: logging.LogRecord) -> str:
        ts = dt.datetime.fromtimestamp(record.created, dt.timezone.utc).isoformat(timespec="milliseconds")
        event = getattr(record, "event", record.getMessage())
        fields = getattr(record, "fields", {})
        if self.as_json:
            return json.dumps({"ts": ts, "level": record.levelname, "event": event, "run_id": getattr(record, "run_id", None),
                               **fields}, default=str, ensure_ascii=False)
        pairs = " ".join(f"{k}={json.dumps(v) if isinstance(v, (dict, list)) else v}" for k, v in fields.items())
        return f"{ts} {record.levelname} {event} run_id={getattr(record, 'run_id', '-')} {pairs}".rstrip()


def configure_logging(log_format: str = "text") -> None:
    """Send graphkit's log lines to stderr as text or JSON lines (``ts, level, event, run_id`` + fields)."""
    handler = logging.StreamHandler()
    handler.setFormatter(_Formatter(log_format == "json"))
    log.handlers[:] = [handler]
    log.setLevel(logging.INFO)
    log.propagate = False


def _log(level: int, event: str, run_id: str, **fields) -> None:
    log.log(level, event, extra={"event": event, "run_id": run_id, "fields": fields})


def _lock_is_stale(info: dict) -> bool:
    """True when the lock's process is gone from this host (a pid reused by another process counts as gone)."""
    if info.get("host") != socket.gethostname():
        return False
    try:
        process = psutil.Process(info["pid"])
        return process.status() == psutil.STATUS_ZOMBIE or abs(process.create_time() - info["process_started"]) > 1
    except psutil.NoSuchProcess:
        return True


def _take_over(lock: Path, stale: bytes) -> bool:
    """Move the stale lock aside by rename: of two starters only one can move the same file.

    If what we moved is not the stale lock we judged (another starter took over and locked first),
    it goes straight back.
    """
    claim = lock.with_name(f"{lock.name}.takeover.{os.getpid()}.{secrets.token_hex(4)}")
    try:
        os.rename(lock, claim)
    except FileNotFoundError:
        return False
    if claim.read_bytes() == stale:
        claim.unlink()
        return True
    try:
        os.link(claim, lock)
    except FileExistsError:  # a third starter locked in the microseconds between: it wins, as O_EXCL decides
        pass
    claim.unlink()
    return False


@contextmanager
def run_lock(root: Path, run_id: str, name: str = ".lock"):
    """Hold ``root/<name>`` for the run; :class:`RunLockedError` (exit 3) if a live run holds it.

    The lock file says who holds it: pid, host, start time and run id. A lock whose process is no
    longer alive on this host is taken over (see :func:`_take_over`); a lock from another host is
    never, since its process cannot be checked from here. Yields the taken-over lock's contents
    (a dict), or None.

    >>> import tempfile
    >>> from pathlib import Path
    >>> root = Path(tempfile.mkdtemp())
    >>> with run_lock(root, "r1"):
    ...     with run_lock(root, "r2"):
    ...         pass
    Traceback (most recent call last):
    ...
    graphkit.errors.RunLockedError: run r1 (pid ...) holds .../.lock since ...: this run did nothing; ...
    >>> (root / ".lock").exists()
    False
    """
    lock = root / name
    me = psutil.Process()
    content = json.dumps({"run_id": run_id, "pid": me.pid, "host": socket.gethostname(),
                          "started": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
                          "process_started": me.create_time()}).encode()
    stale = None
    for _attempt in range(5):  # the lock may be released or taken over between our looks: look again
        try:
            fd = os.open(lock, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
        except FileExistsError:
            try:
                held = lock.read_bytes()
            except FileNotFoundError:
                continue
            try:
                info = json.loads(held)
            except ValueError:
                raise RunLockedError(f"{lock} is unreadable (a run died while taking it?): remove it if no graphkit run is active") from None
            if not _lock_is_stale(info):
                raise RunLockedError(f"run {info.get('run_id')} (pid {info.get('pid')} on {info.get('host')}) holds {lock} "
                                     f"since {info.get('started')}: this run did nothing; try again when it has finished")
            if _take_over(lock, held):
                _log(logging.WARNING, "stale_lock_taken_over", run_id, stale_run_id=info.get("run_id"), stale_pid=info.get("pid"))
                stale = info
            continue
        with os.fdopen(fd, "wb") as fh:
            fh.write(content)
            fh.flush()
            os.fsync(fh.fileno())
        break
    else:
        raise RunLockedError(f"{lock} keeps changing hands: another run is starting; this run did nothing")
    try:
        yield stale
    finally:
        try:
            if lock.read_bytes() == content:
                lock.unlink()
        except FileNotFoundError:
            pass


def _pause_for_kill_test(stage: str, root: Path) -> None:
    """Hold the run at ``stage`` if ``GRAPHKIT_TEST_PAUSE_AT`` names it. Exists only for the kill tests.

    The run makes the FIFO ``root/.test-pause-<stage>`` (the test's sign that the run is there) and
    blocks reading it until the test kills the run, or opens and closes the FIFO to let it go on.
    """
    if os.environ.get("GRAPHKIT_TEST_PAUSE_AT") != stage:
        return
    fifo = root / f".test-pause-{stage}"
    fifo.unlink(missing_ok=True)
    os.mkfifo(fifo)
    with open(fifo, "rb") as fh:
        fh.read()
    fifo.unlink()


class _RunStore:
    """The run's store as :func:`graphkit.jobs.run_score` sees it: what it writes back carries this
    run's id and purpose (the ``(:ScoringRun)`` node), and the kill tests' pause points sit in its
    load (``load``), read-back before the analysis (``score``) and write-back between the CSVs and
    the manifest (``export``)."""

    def __init__(self, store, run_id: str, purpose: str, root: Path) -> None:
        self._store, self._run_id, self._purpose, self._root = store, run_id, purpose, root

    def __getattr__(self, name):
        return getattr(self._store, name)

    def load(self, tables):
        _pause_for_kill_test("load", self._root)
        return self._store.load(tables)

    def tables(self):
        _pause_for_kill_test("score", self._root)
        return self._store.tables()

    def write_scores(self, scores, run: dict) -> int:
        _pause_for_kill_test("export", self._root)
        return self._store.write_scores(scores, {**run, "run_id": self._run_id, "purpose": self._purpose})


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_tree(folder: Path) -> None:
    for dirpath, _dirs, files in os.walk(folder):
        for name in files:
            with open(Path(dirpath) / name, "rb") as fh:
                os.fsync(fh.fileno())
        _fsync_dir(Path(dirpath))


_RENAME_EXCHANGE = 2  # linux/fs.h: swap two paths in one step


def _exchange(a: Path, b: Path) -> bool:
    """Swap two folders atomically with ``renameat2(RENAME_EXCHANGE)``; False where unsupported."""
    renameat2 = getattr(ctypes.CDLL(None, use_errno=True), "renameat2", None)
    if renameat2 is None:
        return False
    at_fdcwd = -100
    if renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    if ctypes.get_errno() in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP):
        return False
    raise OSError(ctypes.get_errno(), os.strerror(ctypes.get_errno()), str(a))


def _remove(path: Path) -> None:
    path.unlink() if path.is_symlink() else shutil.rmtree(path)


@contextmanager
def built_aside(target: Path, run_id: str):
    """Build a folder's new contents aside and swap them in only when complete.

    Yields ``.<name>.<run_id>.partial`` beside ``target``; when the block ends without error its
    files are fsynced and it replaces ``target`` whole (an atomic exchange where the filesystem
    offers one), so ``target`` always holds one complete set of outputs -- the earlier one or the
    new one, never a mix, and nothing of the earlier run survives the swap (old graph pages). On
    an error the partial folder is removed. Leftover partials of killed builds are removed first;
    the caller holds the lock that makes that safe.

    >>> import tempfile
    >>> target = Path(tempfile.mkdtemp()) / "out"
    >>> target.mkdir(); _ = (target / "old.html").write_text("earlier run")
    >>> with built_aside(target, "r1") as aside:
    ...     _ = (aside / "scores.csv").write_text("new")
    >>> sorted(p.name for p in target.iterdir()), sorted(p.name for p in target.parent.iterdir())
    (['scores.csv'], ['out'])
    """
    target = Path(target).absolute()
    for left in target.parent.glob(f".{target.name}.*.partial"):
        shutil.rmtree(left)
    partial = target.with_name(f".{target.name}.{run_id}.partial")
    partial.mkdir(parents=True)
    try:
        yield partial
        _fsync_tree(partial)
        _pause_for_kill_test("swap", target.parent)
        if target.exists() and _exchange(partial, target):
            _remove(partial)  # now the earlier outputs (or the symlink that pointed at them)
        else:
            if target.exists():
                earlier = target.with_name(f".{target.name}.{run_id}.earlier.partial")
                os.rename(target, earlier)
                os.rename(partial, target)
                _remove(earlier)
            else:
                os.rename(partial, target)
        _fsync_dir(target.parent)
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise


def latest_run(root: str | Path) -> Path | None:
    """The run folder ``root/latest`` points to, if it is a complete run.

    >>> import tempfile
    >>> latest_run(tempfile.mkdtemp()) is None
    True
    """
    target = Path(root) / "latest"
    if not target.is_symlink():
        return None
    folder = target.resolve()
    return folder if (folder / "COMPLETE").is_file() else None


def _switch_latest(root: Path, run_id: str) -> None:
    temp = root / f".latest.{run_id}.tmp"
    temp.unlink(missing_ok=True)
    os.symlink(Path("runs") / run_id, temp)
    os.replace(temp, root / "latest")
    _fsync_dir(root)


def _remove_leftovers(root: Path, run_id: str) -> None:
    """Remove what killed runs left: ``.partial`` folders and temporary ``latest`` links."""
    for partial in sorted((root / "runs").glob(".*.partial")):
        shutil.rmtree(partial)
        _log(logging.WARNING, "removed_partial_run", run_id, folder=str(partial))
    for temp in root.glob(".latest.*.tmp"):
        temp.unlink()


def _read_scores(path: Path) -> pd.DataFrame:
    frame = read_csv(path)
    return frame.assign(score=pd.to_numeric(frame["score"]), rank=pd.to_numeric(frame["rank"]))


def _with_password(settings: Settings) -> Settings:
    """Settings with the Neo4j password read from the variable ``neo4j_password_env`` names."""
    name = settings.neo4j_password_env
    if not name:
        return settings
    value = os.environ.get(name)
    if not value:
        raise GraphkitError(f"neo4j password_env names the environment variable {name}, which is not set")
    return settings.model_copy(update={"neo4j_password": SecretStr(value)})


def _one_line(exc: BaseException, settings: Settings) -> str:
    text = str(exc).splitlines()[0] if str(exc) else ""
    if not isinstance(exc, GraphkitError):
        text = f"internal error: {type(exc).__name__}: {text}".rstrip(": ")
    for secret in (settings.neo4j_password, settings.pseudonym_key):
        if secret.get_secret_value():
            text = text.replace(secret.get_secret_value(), "**********")
    return text


def _execute(settings: Settings, root: Path, run_id: str) -> dict:
    """Score into ``runs/.<run_id>.partial``, add changes.csv, publish as ``runs/<run_id>``, move ``latest``."""
    from graphkit.jobs import open_store, score_into

    runs = root / "runs"
    partial, final = runs / f".{run_id}.partial", runs / run_id
    previous = latest_run(root)
    started = time.perf_counter()
    try:
        partial.mkdir()
        store = _RunStore(open_store(settings), run_id, settings.purpose, root)
        try:
            run = score_into(settings.input_dir, partial, settings, store=store)
        finally:
            if getattr(store, "driver", None) is not None:
                store.driver.close()
        manifest = {**run.manifest, "run_id": run_id, "purpose": settings.purpose}
        _log(logging.INFO, "scored", run_id, scored=manifest["scored"], rule_set_version=manifest["rule_set_version"],
             seconds=round(time.perf_counter() - started, 3))
        before = None
        if previous is not None:
            before = _read_scores(previous / "scores.csv")
            earlier = json.loads((previous / "manifest.json").read_text(encoding="utf-8")).get("rule_set_version")
            if earlier != manifest["rule_set_version"]:
                _log(logging.WARNING, "rule_set_changed", run_id, before=earlier, now=manifest["rule_set_version"],
                     note="changes since the last run also reflect the new rules")
        changes = compare_scores(before, _read_scores(partial / "scores.csv"), settings)
        write_csv(changes, partial / "changes.csv")
        counts = {kind: int((changes["change"] == kind).sum()) for kind in CHANGE_KINDS}
        manifest["changes"] = {"previous_run_id": previous.name if previous else None, "counts": counts}
        write_json(manifest, partial / "manifest.json")
        if (partial / "report.html").exists():
            from graphkit.export.report import render_report

            render_report(partial, top=settings.report_top)  # again, now that changes.csv and the run id are there
        atomic_write(partial / "COMPLETE", f"{run_id}\n")
        _fsync_tree(partial)
    except BaseException:
        if partial.exists():
            shutil.rmtree(partial)
            _log(logging.WARNING, "removed_partial_run", run_id, folder=str(partial))
        raise
    os.rename(partial, final)
    _fsync_dir(runs)
    _pause_for_kill_test("publish", root)
    _switch_latest(root, run_id)
    _log(logging.INFO, "changes", run_id, previous_run_id=manifest["changes"]["previous_run_id"], **counts)
    rows = manifest["rows"].values()
    return {
        "folder": f"runs/{run_id}",
        "inputs": {table: f["sha256"] for table, f in manifest["inputs"].items()},
        "rows": {k: sum(r[k] for r in rows) for k in ("read", "accepted", "rejected")},
        "scored": manifest["scored"],
        "clusters": manifest["clusters"],
        "changes": counts,
        "previous_run_id": manifest["changes"]["previous_run_id"],
        "rule_set_version": manifest["rule_set_version"],
    }


def run_scheduled(settings: Settings) -> dict:
    """One scheduled run under ``settings.output_root``: lock, score, compare, publish, record.

    Needs ``input_dir``, ``output_root`` and ``purpose`` (the case or operation reference). Every
    run that got the lock, ok or failed, adds a line to ``runs.jsonl`` and a record to the audit
    log (``settings.audit_log``, default ``output_root/audit.jsonl``); a run that was killed gets its
    ``failed`` line from the run that takes over its stale lock. A run that finds the lock held by
    a live run raises :class:`RunLockedError` having touched nothing.

    Returns
    -------
    dict
        The run's ``runs.jsonl`` record: ``run_id``, ``status``, ``folder``, ``inputs`` (SHA-256
        per table), ``rows``, ``scored``, ``changes`` (count per kind), ``previous_run_id``, ...
    """
    for key in ("purpose", "input_dir", "output_root"):
        if not getattr(settings, key):
            what = " (the case or operation reference this run serves)" if key == "purpose" else ""
            raise GraphkitError(f"{key} is required{what}: set it in the config file, with --{key.replace('_', '-')} or GRAPHKIT_{key.upper()}")
    settings = _with_password(settings)
    root = Path(settings.output_root).absolute()
    if root.exists() and not root.is_dir():
        raise GraphkitError(f"output_root {root} is a file, not a folder")
    root.mkdir(parents=True, exist_ok=True)
    run_id = new_run_id()
    record: dict = {"run_id": run_id, "started_at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
                    "purpose": settings.purpose, "backend": settings.backend, "as_of": settings.as_of_date().isoformat()}
    with run_lock(root, run_id) as stale:
        _log(logging.INFO, "run_started", run_id, input_dir=str(settings.input_dir), output_root=str(root),
             backend=settings.backend, as_of=record["as_of"], purpose=settings.purpose)
        if stale:
            append_jsonl(root / "runs.jsonl", {"run_id": stale.get("run_id"), "started_at": stale.get("started"), "status": "failed",
                                               "exit_code": None, "error": f"killed: its stale lock was taken over by run {run_id}"})
        try:
            (root / "runs").mkdir(exist_ok=True)
            _remove_leftovers(root, run_id)
            record.update(_execute(settings, root, run_id))
            record.update(status="ok", exit_code=0, error=None)
        except BaseException as exc:
            record.update(status="failed", exit_code=getattr(exc, "exit_code", 1), error=_one_line(exc, settings))
            _log(logging.ERROR, "run_failed", run_id, error=record["error"], exit_code=record["exit_code"])
            raise
        finally:
            record["finished_at"] = dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")
            append_jsonl(root / "runs.jsonl", record)
            append_audit(settings.audit_log or root / "audit.jsonl", {
                "command": "run", "purpose": settings.purpose, "run_id": run_id, "inputs": record.get("inputs", {}),
                "rule_set_version": record.get("rule_set_version"), "counts": record.get("scored", {}),
                "output": str(root / record["folder"]) if "folder" in record else None, "status": record["status"],
            })
    _log(logging.INFO, "run_complete", run_id, folder=str(root / record["folder"]), latest=str(root / "latest"))
    return record
