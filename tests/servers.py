"""Real `library serve` processes for the tests that need several processes or a signal."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

LIBRARY = Path(sys.executable).with_name("library")


def free_port() -> int:
    """A port the OS says is free now (tests may run while other servers use fixed ports)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Served:
    """A `library serve` subprocess on a free port; a context manager that stops it with SIGTERM."""

    def __init__(self, database_url: str, *args: str, host: str = "127.0.0.1", wrap: tuple[str, ...] = (),
                 port: int | None = None, **env: str) -> None:
        """``wrap`` goes before the command (``ip netns exec NAME`` serves from a network namespace, on
        ``host``, an address of that namespace)."""
        self.host = host
        self.port = port or free_port()
        self.process = subprocess.Popen(
            [*wrap, str(LIBRARY), "serve", "--host", host, "--port", str(self.port), "--log-level", "warning", *args],
            env={**os.environ, "LIBRARY_DATABASE_URL": database_url, **env},
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        )
        self._wait_until_up()

    def _wait_until_up(self, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"server exited: {self.process.stderr.read().decode()[-3000:]}")
            try:
                self.get("/api/v1/ping")
                return
            except OSError:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError("server did not answer within 30 s")

    @property
    def origin(self) -> str:
        return f"http://{self.host}:{self.port}"

    def get(self, path: str, **headers: str) -> tuple[int, dict]:
        request = urllib.request.Request(f"{self.origin}{path}", headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return response.status, json.loads(response.read() or b"null")
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read() or b"null")

    def terminate(self, timeout: float = 30) -> int:
        """SIGTERM, then wait for a graceful exit; returns the exit code."""
        self.process.send_signal(signal.SIGTERM)
        return self.process.wait(timeout=timeout)

    def stop(self) -> None:
        if self.process.poll() is None:
            try:
                self.terminate()
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process.stderr.close()

    def __enter__(self) -> Served:
        return self

    def __exit__(self, *exc) -> None:
        self.stop()
