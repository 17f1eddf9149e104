"""A throwaway Virtuoso Open Source 7 server (Debian's `virtuoso-opensource`) for the tests and the benchmarks.

No pytest here, so bench/ can use it too::

    with VirtuosoServer(folder, memory_mb=2000) as server:
        push(kg, server.store)
        api.query("cross-sector-links", endpoint=server.query)
"""

from __future__ import annotations

import shutil
import subprocess
import time
from pathlib import Path

from lianjian.errors import DataError
from lianjian.remote import remote_select
from tests.falkordb_server import free_port

__all__ = ["VIRTUOSO", "ISQL", "INI", "GRANTS", "VirtuosoServer", "free_port"]

VIRTUOSO = shutil.which("virtuoso-t")
ISQL = shutil.which("isql-vt") or shutil.which("isql")
COUNT_PER_GRAPH = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"

#: The whole configuration (docs/scale-out.md shows it): a database in one folder, two ports, answers of any size.
INI = """\
[Database]
DatabaseFile       = {dir}/virtuoso.db
ErrorLogFile       = {dir}/virtuoso.log
LockFile           = {dir}/virtuoso.lck
TransactionFile    = {dir}/virtuoso.trx
xa_persistent_file = {dir}/virtuoso.pxa
TempStorage        = TempDatabase

[TempDatabase]
DatabaseFile    = {dir}/virtuoso-temp.db
TransactionFile = {dir}/virtuoso-temp.trx

[Parameters]
ServerPort         = {sql_port}
DisableUnixSocket  = 1
DirsAllowed        = ., {dir}
NumberOfBuffers    = {buffers}
MaxDirtyBuffers    = {dirty}
CheckpointInterval = 0
VectorSize         = 1
AdjustVectorSize   = 0

[HTTPServer]
ServerPort    = {http_port}
ServerRoot    = {dir}
ServerThreads = 4

[SPARQL]
ResultSetMaxRows           = 1000000
MaxQueryExecutionTime      = 600
MaxQueryCostEstimationTime = 0
"""

#: Lets the anonymous SPARQL user write through the Graph Store endpoint (`push`).
GRANTS = 'GRANT SPARQL_UPDATE TO "SPARQL";'


class VirtuosoServer:
    """`virtuoso-t` on free 127.0.0.1 ports with a fresh database in `folder`; a context manager that stops it.

    `store` is the Graph Store URL for `push`, `query` the SPARQL endpoint. About 85 buffers of 8 kB fit a
    megabyte, so `memory_mb` sets `NumberOfBuffers` (Virtuoso's page cache).
    """

    def __init__(self, folder: Path, memory_mb: int = 200, startup: float = 120):
        if not VIRTUOSO or not ISQL:
            raise RuntimeError("virtuoso-t and isql-vt are needed (Debian package virtuoso-opensource)")
        self.folder = Path(folder).resolve()
        self.folder.mkdir(parents=True, exist_ok=True)
        self.sql_port, self.http_port = free_port(), free_port()
        buffers = max(2000, memory_mb * 85)
        ini = self.folder / "virtuoso.ini"
        ini.write_text(INI.format(dir=self.folder, sql_port=self.sql_port, http_port=self.http_port,
                                  buffers=buffers, dirty=buffers * 3 // 4), encoding="utf-8")
        self.query = f"http://127.0.0.1:{self.http_port}/sparql"
        self.store = f"http://127.0.0.1:{self.http_port}/sparql-graph-crud"
        self.out = open(self.folder / "virtuoso.out", "ab")
        self.proc: subprocess.Popen | None = None
        try:
            self.start(startup)
            self.isql(GRANTS)
        except BaseException:
            self.stop()
            raise

    def start(self, startup: float = 120) -> None:
        """Start the server on its database (creating it the first time) and wait until both ports answer."""
        self.proc = subprocess.Popen([VIRTUOSO, "+foreground", "+configfile", str(self.folder / "virtuoso.ini")],
                                     cwd=self.folder, stdout=self.out, stderr=subprocess.STDOUT)
        self._wait(startup)

    def _wait(self, startup: float) -> None:
        deadline = time.monotonic() + startup
        while True:
            if self.proc.poll() is not None:
                raise RuntimeError(f"virtuoso-t exited ({self.proc.returncode}): {self.log()}")
            try:
                remote_select(self.query, "ASK {}", timeout=2)
                self.isql("SELECT 1;")
                return
            except (DataError, RuntimeError):
                if time.monotonic() > deadline:
                    raise RuntimeError(f"virtuoso-t did not answer within {startup:g} s: {self.log()}") from None
                time.sleep(0.1)

    def isql(self, statements: str, timeout: float = 60) -> str:
        """Run SQL statements as `dba` (default password on a fresh database); an error raises RuntimeError."""
        done = subprocess.run([ISQL, f"127.0.0.1:{self.sql_port}", "dba", "dba", "VERBOSE=OFF", "BANNER=OFF",
                               "ERRORS=STDOUT"], input=statements + "\n", capture_output=True, text=True,
                              timeout=timeout)
        if done.returncode or "*** Error" in done.stdout:
            raise RuntimeError(f"isql: {(done.stdout + done.stderr).strip()}")
        return done.stdout

    def counts(self) -> dict[str, int]:
        """Triples per named graph on the server (Virtuoso's own system graphs included)."""
        return {str(g): int(n) for g, n in remote_select(self.query, COUNT_PER_GRAPH).rows}

    def log(self) -> str:
        """The end of the server's log, for a failure message."""
        text = "".join(p.read_text(errors="replace") for p in (self.folder / "virtuoso.out",) if p.exists())
        return text.strip()[-2000:] or "(no output)"

    def restart(self, startup: float = 120) -> None:
        """Stop the server and start it again on the same database and ports."""
        self._halt()
        self.start(startup)

    def stop(self) -> None:
        self._halt()
        self.out.close()

    def _halt(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    def __enter__(self) -> "VirtuosoServer":
        return self

    def __exit__(self, *exc) -> None:
        self.stop()
