"""A private PostgreSQL cluster in a temporary folder, for fault tests and `scripts/fault_drill.py` (issue 13).

The shared test server must never be stopped or restarted; a cluster made here with initdb on a free
port may be, as often as a test likes. initdb and postgres refuse to run as root, so as root the
cluster runs as the ``postgres`` system user (runuser) in a folder it owns.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import shutil
import subprocess
import tempfile
from pathlib import Path

from tests.servers import free_port

PG_BIN = Path(os.environ.get("LIBRARY_PG_BIN", "/usr/lib/postgresql/15/bin"))
RUN_AS = "postgres"
"""The system user the cluster runs as when this process is root."""


def why_unavailable() -> str | None:
    """Why no private cluster can be made here, or None when one can."""
    if not (PG_BIN / "initdb").exists():
        return f"no initdb in {PG_BIN} (set LIBRARY_PG_BIN to PostgreSQL's bin folder)"
    if os.geteuid() == 0:
        try:
            pwd.getpwnam(RUN_AS)
        except KeyError:
            return f"running as root and there is no {RUN_AS!r} user to run PostgreSQL as"
        if shutil.which("runuser") is None:
            return "running as root and runuser is missing"
    return None


class PrivateCluster:
    """initdb in a temporary folder, served on 127.0.0.1 at a free port; a context manager that removes it."""

    def __init__(self, *, standby_of: PrivateCluster | None = None, listen: tuple[str, ...] = ("127.0.0.1",)) -> None:
        self.root = Path(tempfile.mkdtemp(prefix="library-pg-"))
        self.listen = listen
        self.data = self.root / "data"
        self.port = free_port()
        self._as_user: list[str] = []
        if os.geteuid() == 0:
            user = pwd.getpwnam(RUN_AS)
            os.chown(self.root, user.pw_uid, user.pw_gid)
            self._as_user = ["runuser", "-u", RUN_AS, "--"]
        self.running = False
        if standby_of is None:
            self._run("initdb", "-D", str(self.data), "-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-sync")
        else:  # a streaming replica: a base backup that writes its own primary_conninfo and standby.signal
            self._run("pg_basebackup", "-h", "127.0.0.1", "-p", str(standby_of.port), "-U", "postgres",
                      "-D", str(self.data), "-R", "-X", "stream", "-c", "fast", "--no-sync")

    def allow(self, network: str) -> None:
        """Let clients from ``network`` (``10.0.0.0/8``) in, without a password, from the next (re)start."""
        with (self.data / "pg_hba.conf").open("a") as hba:
            hba.write(f"host all all {network} trust\nhost replication all {network} trust\n")

    @classmethod
    def standby_of(cls, primary: PrivateCluster) -> PrivateCluster:
        """A hot standby of the running ``primary`` (pg_basebackup -R), on its own port; not started."""
        return cls(standby_of=primary)

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{database}"

    def start(self) -> None:
        self._pg_ctl("start")
        self.running = True

    def stop(self, mode: str = "fast") -> None:
        """Stop the server: ``fast`` ends every session (what an operator's restart does), ``immediate`` crashes."""
        self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "stop")
        self.running = False

    def restart(self) -> None:
        """What an operator does: ``pg_ctl restart -m fast`` (every session ends, the server comes back)."""
        self._pg_ctl("restart", "-m", "fast")
        self.running = True

    def _pg_ctl(self, action: str, *args: str) -> None:
        # fsync off: the cluster is thrown away; a stop or a restart is what is being tested, not durability.
        options = f"-p {self.port} -k {self.root} -c listen_addresses={','.join(self.listen)} -c fsync=off"
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.root / "server.log"), "-o", options, *args, "-w",
                  action)

    def create_database(self, name: str) -> str:
        """A new database on the cluster; returns its URL."""
        self._run("psql", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "-q", "-c",
                  f'CREATE DATABASE "{name}"')
        return self.url(name)

    def log_tail(self, lines: int = 20) -> str:
        try:
            return "\n".join((self.root / "server.log").read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""

    def remove(self) -> None:
        if self.running:
            with contextlib.suppress(RuntimeError):  # removed all the same
                self.stop("immediate")
        shutil.rmtree(self.root, ignore_errors=True)

    def _run(self, program: str, *args: str) -> None:
        binary = PG_BIN / program if (PG_BIN / program).exists() else Path(shutil.which(program) or program)
        done = subprocess.run([*self._as_user, str(binary), *args], capture_output=True, text=True, timeout=60)
        if done.returncode != 0:
            raise RuntimeError(f"{program} failed ({done.returncode}): {done.stderr.strip() or done.stdout.strip()}"
                               f"\n{self.log_tail()}")

    def __enter__(self) -> PrivateCluster:
        return self

    def __exit__(self, *exc) -> None:
        self.remove()
