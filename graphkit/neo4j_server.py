"""Assemble, start, stop and watch a local Neo4j Community server built from Maven Central jars.

The server's jars are fetched once by ``tools/neo4j/pom.xml`` into a cached *home*
(:func:`default_home`); each *data dir* holds its own ``conf/``, ``data/``, ``logs/`` and ``run/``,
so throw-away test servers and a persistent analyst server share one home. The server listens on
127.0.0.1 only, with auth on. The password is never logged, printed or written by this module.

Examples
--------
>>> from graphkit import neo4j_server
>>> neo4j_server.default_home().name.startswith(f"neo4j-{neo4j_server.NEO4J_VERSION}")
True
>>> neo4j_server.status("/nonexistent/graphkit-data")["state"]
'stopped'
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import shutil
import signal
import socket
import subprocess
import time
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path

import psutil
from pydantic import SecretStr

from graphkit.errors import GraphkitError, Neo4jServerError

NEO4J_VERSION = "5.26.30"
"""Neo4j Community version assembled; keep equal to ``neo4j.version`` in tools/neo4j/pom.xml."""

USER = "neo4j"
_POM = Path(__file__).resolve().parents[1] / "tools" / "neo4j" / "pom.xml"
_MARKER = ".assembled"
_PID_FILE = "neo4j.pid"
_START_FILE = "graphkit-server.json"
_ENTRY_POINT = "org.neo4j.server.CommunityEntryPoint"
_JAVA_17 = Path("/usr/lib/jvm/java-17-openjdk-amd64")
_JVM_FLAGS = [
    "-XX:+UseG1GC",
    "-XX:+ExitOnOutOfMemoryError",
    "-XX:-OmitStackTraceInFastThrow",
    # without these opens Neo4j 5 dies at start-up on Java 17 (LinkageError on java.nio)
    "--add-opens=java.base/java.nio=ALL-UNNAMED",
    "--add-opens=java.base/java.io=ALL-UNNAMED",
    "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
    "-Dio.netty.tryReflectionSetAccessible=true",
    "-Djdk.nio.maxCachedBufferSize=1024",
    "-Dlog4j2.disable.jmx=true",
    "-Dfile.encoding=UTF-8",
]


@dataclass(frozen=True)
class Neo4jServer:
    """A running server started by :func:`start`; ``repr`` never shows the password.

    Attributes
    ----------
    uri : str
        Bolt URI, ``bolt://127.0.0.1:<port>``.
    user, password : str, SecretStr
        Credentials; read the password with ``password.get_secret_value()``.
    pid : int
        Process id of the Java server.
    data_dir, log_path : Path
        The instance's folder and its console log.
    """

    uri: str
    user: str
    password: SecretStr = field(repr=False)
    pid: int
    data_dir: Path
    log_path: Path
    _process: subprocess.Popen | None = field(default=None, repr=False, compare=False)

    @property
    def auth(self) -> tuple[str, str]:
        """``(user, password)`` for ``neo4j.GraphDatabase.driver(uri, auth=...)``."""
        return (self.user, self.password.get_secret_value())

    def stop(self, timeout: float = 60) -> None:
        """Stop the server: SIGTERM, then SIGKILL after `timeout` seconds."""
        _terminate(self.pid, self.data_dir, timeout)
        (self.data_dir / _PID_FILE).unlink(missing_ok=True)
        if self._process is not None:
            self._process.poll()  # let Popen see the exit that psutil reaped


def default_home() -> Path:
    """Folder holding the assembled server (``lib/``), shared by all data dirs.

    ``$GRAPHKIT_NEO4J_HOME`` if set, else ``$XDG_CACHE_HOME/graphkit/neo4j-<assembly>``
    (``~/.cache`` when ``XDG_CACHE_HOME`` is unset), where ``<assembly>`` is the version and a
    hash of ``tools/neo4j/pom.xml``: a home assembled from another artifact list is never reused.
    """
    if os.environ.get("GRAPHKIT_NEO4J_HOME"):
        return Path(os.environ["GRAPHKIT_NEO4J_HOME"]).expanduser()
    cache = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(cache).expanduser() / "graphkit" / f"neo4j-{_assembly()}"


def _assembly() -> str:
    """``<version>-<pom hash>``: what a home was assembled from (the version alone without the pom)."""
    if not _POM.is_file():
        return NEO4J_VERSION
    return f"{NEO4J_VERSION}-{hashlib.sha256(_POM.read_bytes()).hexdigest()[:8]}"


def assemble(home: str | os.PathLike | None = None) -> Path:
    """Fetch the server's jars into ``<home>/lib`` with Maven, unless already done.

    A marker file is written only after Maven succeeds, so an interrupted assembly is redone
    from scratch; a completed one makes this call instant. Needs ``mvn`` and network access to
    Maven Central the first time (about 125 MB).

    Returns
    -------
    Path
        The home folder, ready for :func:`start`.
    """
    home = Path(home or default_home()).expanduser().resolve()
    marker = home / _MARKER
    if _is_assembled(marker):
        return home
    if not _POM.is_file():
        raise Neo4jServerError(
            f"{_POM} not found: assemble Neo4j from a graphkit source checkout "
            "(tools/neo4j/pom.xml), or point GRAPHKIT_NEO4J_HOME at an assembled home"
        )
    mvn = shutil.which("mvn")
    if mvn is None:
        raise Neo4jServerError("Maven (mvn) not found on PATH: install it (apt-get install maven)")
    home.mkdir(parents=True, exist_ok=True)
    with open(home / ".assemble.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # a concurrent assembly finishes before we look again
        if _is_assembled(marker):
            return home
        shutil.rmtree(home / "lib", ignore_errors=True)
        env = {**os.environ, "JAVA_HOME": str(_java().parents[1])}
        cmd = [mvn, "-B", "-q", "-f", str(_POM), "package", f"-Dneo4j.home={home}",
               f"-Dneo4j.version={NEO4J_VERSION}"]
        done = subprocess.run(cmd, env=env, capture_output=True, text=True)
        if done.returncode != 0:
            raise Neo4jServerError(
                f"Maven could not assemble Neo4j {NEO4J_VERSION} into {home}: "
                f"{_tail(done.stdout + done.stderr)}"
            )
        marker.write_text(_assembly() + "\n")
    return home


def free_port() -> int:
    """A TCP port on 127.0.0.1 that is free right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(
    data_dir: str | os.PathLike,
    port: int,
    password: str | SecretStr,
    home: str | os.PathLike | None = None,
    heap: str = "512m",
    pagecache: str = "256m",
    timeout: float = 120,
) -> Neo4jServer:
    """Start a server on ``127.0.0.1:<port>`` with its files under `data_dir`; wait until ready.

    Assembles the home first if needed. On a new data dir the default ``neo4j/neo4j`` password
    is changed to `password`; on an existing one `password` must be the one set back then.

    Parameters
    ----------
    data_dir : path
        Instance folder (created); gets ``conf/neo4j.conf``, ``data/``, ``logs/``, ``run/``.
    port : int
        Bolt port.
    password : str or SecretStr
        Password of user ``neo4j``, 8 characters or more.
    home : path, optional
        Assembled home, default :func:`default_home`.
    heap, pagecache : str
        JVM heap (``-Xms``/``-Xmx``) and page cache size, e.g. ``"4g"``.
    timeout : float
        Seconds to wait for Bolt to answer ``RETURN 1``.

    Returns
    -------
    Neo4jServer
    """
    password = password if isinstance(password, SecretStr) else SecretStr(password)
    if len(password.get_secret_value()) < 8:
        raise GraphkitError("Neo4j password too short: use 8 characters or more")
    home = assemble(home)
    data_dir = Path(data_dir).expanduser().resolve()
    running = status(data_dir)
    if running["state"] != "stopped":
        raise Neo4jServerError(
            f"Neo4j already running for {data_dir} (pid {running['pid']}): stop it first"
        )
    if not _port_free(port):
        raise Neo4jServerError(f"port {port} on 127.0.0.1 is in use: choose another Bolt port")
    fresh = not (data_dir / "data" / "databases" / "system").exists()
    conf_dir = _write_conf(data_dir, port, pagecache)
    log_path = data_dir / "logs" / "console.log"
    cmd = [str(_java()), f"-Xms{heap}", f"-Xmx{heap}", *_JVM_FLAGS, "-cp", f"{home / 'lib'}/*",
           _ENTRY_POINT, f"--home-dir={home}", f"--config-dir={conf_dir}", "--console-mode"]
    with open(log_path, "w") as log:
        proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                                cwd=data_dir, start_new_session=True)
    (data_dir / _PID_FILE).write_text(f"{proc.pid}\n")
    # how this instance runs, so a bulk import (graphkit.store.neo4j_import) can restart it alike
    (data_dir / _START_FILE).write_text(json.dumps({"port": port, "heap": heap, "pagecache": pagecache}) + "\n")
    server = Neo4jServer(f"bolt://127.0.0.1:{port}", USER, password, proc.pid, data_dir, log_path,
                         proc)
    try:
        _wait_ready(server, proc, fresh, time.monotonic() + timeout)
    except BaseException:
        server.stop(timeout=10)
        raise
    return server


def status(data_dir: str | os.PathLike) -> dict:
    """State of the server of `data_dir`, from its pid file.

    Returns
    -------
    dict
        ``state`` ('running', 'starting' while Bolt does not accept connections yet, or
        'stopped'), ``pid``, ``uri``, ``data_dir`` and ``log_path``.
    """
    data_dir = Path(data_dir).expanduser().resolve()
    pid = _live_pid(data_dir)
    port = _conf_port(data_dir)
    state = "stopped"
    if pid is not None:
        state = "running" if port and not _port_free(port) else "starting"
    return {
        "state": state,
        "pid": pid,
        "uri": f"bolt://127.0.0.1:{port}" if port else None,
        "data_dir": str(data_dir),
        "log_path": str(data_dir / "logs" / "console.log"),
    }


def start_options(data_dir: str | os.PathLike) -> dict | None:
    """``port``, ``heap`` and ``pagecache`` of the last :func:`start` of `data_dir`, or None."""
    try:
        return json.loads((Path(data_dir).expanduser().resolve() / _START_FILE).read_text())
    except (OSError, ValueError):
        return None


def default_data_dir() -> Path:
    """The instance folder ``graphkit neo4j ...`` uses: ``$XDG_DATA_HOME/graphkit/neo4j``
    (``~/.local/share`` when ``XDG_DATA_HOME`` is unset)."""
    base = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    return base / "graphkit" / "neo4j"


def stop(data_dir: str | os.PathLike, timeout: float = 60) -> bool:
    """Stop the server of `data_dir` (SIGTERM, SIGKILL after `timeout` s).

    Returns
    -------
    bool
        True if a server was running and is now stopped, False if none was running.
    """
    data_dir = Path(data_dir).expanduser().resolve()
    pid = _live_pid(data_dir)
    if pid is not None:
        _terminate(pid, data_dir, timeout)
    (data_dir / _PID_FILE).unlink(missing_ok=True)
    return pid is not None


def _is_assembled(marker: Path) -> bool:
    return marker.is_file() and marker.read_text().strip() == _assembly()


def _java() -> Path:
    """The Java 17 binary: ``$JAVA_HOME`` if it is a Java 17, else the Debian package's."""
    candidates = [Path(os.environ["JAVA_HOME"])] if os.environ.get("JAVA_HOME") else []
    candidates += [_JAVA_17, *sorted(Path("/usr/lib/jvm").glob("java-17-openjdk-*"))]
    for java_home in candidates:
        release = java_home / "release"
        if (java_home / "bin" / "java").is_file() and release.is_file() and \
                'JAVA_VERSION="17' in release.read_text(errors="replace"):
            return java_home / "bin" / "java"
    raise Neo4jServerError(
        "Java 17 not found (Neo4j 5.26 needs it): apt-get install openjdk-17-jre-headless, "
        "or set JAVA_HOME to a Java 17"
    )


def _write_conf(data_dir: Path, port: int, pagecache: str) -> Path:
    for sub in ("conf", "data", "logs", "run", "import"):
        (data_dir / sub).mkdir(parents=True, exist_ok=True)
    settings = {
        "server.default_listen_address": "127.0.0.1",
        "server.bolt.enabled": "true",
        "server.bolt.listen_address": f"127.0.0.1:{port}",
        "server.http.enabled": "false",
        "server.https.enabled": "false",
        "dbms.security.auth_enabled": "true",
        "dbms.usage_report.enabled": "false",
        "server.memory.pagecache.size": pagecache,
        "server.directories.data": data_dir / "data",
        "server.directories.logs": data_dir / "logs",
        "server.directories.run": data_dir / "run",
        "server.directories.import": data_dir / "import",
        "db.tx_log.rotation.retention_policy": "1 files",
        # a new database otherwise writes a 256 MB log file up front
        "db.tx_log.preallocate": "false",
        # query parameters may carry secrets (the password change) and cost time in bulk loads
        "db.logs.query.enabled": "OFF",
        # Bolt otherwise idles 5 s twice at shutdown, after the databases are already closed
        "internal.server.bolt.thread_pool_shutdown_wait_time": "1s",
        "internal.server.bolt.connection_shutdown_wait_time": "1s",
    }
    conf = data_dir / "conf" / "neo4j.conf"
    conf.write_text("".join(f"{key}={value}\n" for key, value in settings.items()))
    return conf.parent


def _wait_ready(server: Neo4jServer, proc: subprocess.Popen, fresh: bool, deadline: float) -> None:
    """Poll Bolt every 0.5 s until ``RETURN 1`` works; set the password on a new data dir."""
    import neo4j
    from neo4j.exceptions import AuthError, ServiceUnavailable, SessionExpired, TransientError

    password = server.password.get_secret_value()
    change, tried_default = fresh, fresh
    while True:
        if proc.poll() is not None:
            raise Neo4jServerError(
                f"Neo4j exited with code {proc.returncode} during start-up; "
                f"{server.log_path}: {_tail(server.log_path.read_text(errors='replace'))}"
            )
        if time.monotonic() > deadline:
            raise Neo4jServerError(
                f"Neo4j did not answer on {server.uri} in time; see {server.log_path}"
            )
        try:
            # session.run, not execute_query: its own retries would hide a dead process
            if change:
                with neo4j.GraphDatabase.driver(server.uri, auth=(USER, "neo4j"),
                                                connection_timeout=2) as driver, \
                        driver.session(database="system") as session:
                    session.run("ALTER CURRENT USER SET PASSWORD FROM 'neo4j' TO $pw",
                                pw=password).consume()
                change = False
            with neo4j.GraphDatabase.driver(server.uri, auth=server.auth,
                                            connection_timeout=2) as driver, \
                    driver.session() as session:
                session.run("RETURN 1").consume()
            return
        except AuthError:
            if change or tried_default:
                raise Neo4jServerError(
                    f"Neo4j in {server.data_dir} refused the password: a data dir keeps the "
                    "password set at its first start; use that one, or a new data dir"
                ) from None
            # an existing data dir whose first start died before its password was changed
            change = tried_default = True
        except (ServiceUnavailable, SessionExpired, TransientError, OSError):
            time.sleep(0.5)


def _terminate(pid: int, data_dir: Path, timeout: float) -> None:
    try:
        process = psutil.Process(pid)
        if not _is_our_server(process, data_dir):
            return
        process.send_signal(signal.SIGTERM)
        if not _ended(process, timeout):
            process.kill()
            _ended(process, 10)
    except psutil.NoSuchProcess:
        pass


def _ended(process: psutil.Process, timeout: float) -> bool:
    """Wait until the process is gone or a zombie: a server started by another process (a test
    session, a notebook) stays a zombie until that process reaps it, yet it is stopped."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            process.wait(0.2)
            return True
        except psutil.TimeoutExpired:
            try:
                if process.status() == psutil.STATUS_ZOMBIE and _reap(process.pid):
                    return True
            except psutil.NoSuchProcess:
                return True
    return False


def _reap(pid: int) -> bool:
    """Collect a zombie that is our own child; True once collected, or when it is another's to reap.

    A JVM's main thread shows as a zombie while its other threads still shut down: the process is
    not collectable yet (``waitpid`` gives 0), so the caller keeps waiting.
    """
    try:
        return os.waitpid(pid, os.WNOHANG)[0] != 0
    except ChildProcessError:
        return True


def _live_pid(data_dir: Path) -> int | None:
    """Pid from the pid file if that process is still this data dir's Neo4j."""
    try:
        pid = int((data_dir / _PID_FILE).read_text().strip())
        process = psutil.Process(pid)
        if _is_our_server(process, data_dir) and process.status() != psutil.STATUS_ZOMBIE:
            return pid
    except (OSError, ValueError, psutil.Error):
        pass
    return None


def _is_our_server(process: psutil.Process, data_dir: Path) -> bool:
    """Guard against a recycled pid: the process must be Neo4j with this data dir's config."""
    try:
        cmdline = process.cmdline()
    except psutil.Error:
        return False
    return _ENTRY_POINT in cmdline and f"--config-dir={data_dir / 'conf'}" in cmdline


def _conf_port(data_dir: Path) -> int | None:
    try:
        for line in (data_dir / "conf" / "neo4j.conf").read_text().splitlines():
            if line.startswith("server.bolt.listen_address="):
                return int(line.rsplit(":", 1)[1])
    except (OSError, ValueError):
        pass
    return None


def _port_free(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) != 0


def _tail(text: str, lines: int = 3) -> str:
    """The first error line of a log, else its last lines, as one line for an error message."""
    for line in text.splitlines():
        if " ERROR " in line or line.startswith("Exception in thread"):
            return line.strip()[:400]
    last = deque((line.strip() for line in text.splitlines() if line.strip()), maxlen=lines)
    return " | ".join(last)[-600:] or "(empty log)"
