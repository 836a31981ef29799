"""A real varnishd with `scripts/varnish/library.vcl`, on free ports, in front of a test's app (issue 16).

The VCL is the one users take as is; only the backend's address is changed. Installed by
`scripts/ensure-varnish.sh` (Debian's varnish and varnish-modules), which `scripts/test.sh` runs.
"""

from __future__ import annotations

import glob
import http.client
import json
import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

from tests.servers import free_port

ROOT = Path(__file__).resolve().parent.parent.parent
VCL = ROOT / "scripts" / "varnish" / "library.vcl"
VARNISHD = Path(os.environ.get("LIBRARY_VARNISHD", "/usr/sbin/varnishd"))


def why_unavailable() -> str | None:
    """Why no varnishd with the xkey module can be started here, or None when one can."""
    if not VARNISHD.exists():
        return f"no varnishd at {VARNISHD} (bash scripts/ensure-varnish.sh installs Debian's varnish)"
    if not glob.glob("/usr/lib/*/varnish/vmods/libvmod_xkey.so") + glob.glob("/usr/lib/varnish/vmods/libvmod_xkey.so"):
        return "no xkey module (bash scripts/ensure-varnish.sh installs Debian's varnish-modules)"
    return None


class Answer:
    def __init__(self, status: int, headers: dict[str, str], body: bytes) -> None:
        self.status, self.headers, self.body = status, headers, body

    @property
    def hit(self) -> bool:
        return self.headers.get("x-cache") == "HIT"

    def json(self):
        return json.loads(self.body)


class Varnish:
    """varnishd in the foreground, in a temporary working folder; a context manager that stops it."""

    def __init__(self, backend_port: int, *, backend_host: str = "127.0.0.1", storage: str = "256m") -> None:
        self.root = Path(tempfile.mkdtemp(prefix="library-varnish-"))
        self.root.chmod(0o755)  # varnishd's worker runs as its own user and reads the compiled VCL here
        vcl = VCL.read_text().replace('.host = "127.0.0.1";', f'.host = "{backend_host}";')
        vcl = vcl.replace('.port = "8000";', f'.port = "{backend_port}";')
        (self.root / "library.vcl").write_text(vcl)
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/"
        self.process = subprocess.Popen(
            [str(VARNISHD), "-F", "-n", str(self.root / "work"), "-a", f"127.0.0.1:{self.port}",
             "-T", f"127.0.0.1:{free_port()}", "-f", str(self.root / "library.vcl"), "-s", f"malloc,{storage}",
             "-p", "default_grace=0"],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        self._wait_until_up()

    def _wait_until_up(self, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"varnishd exited: {self.process.stdout.read().decode()[-3000:]}")
            try:
                self.request("GET", "/api/v1/ping")
                return
            except OSError:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError("varnishd did not answer within 30 s")

    def request(self, method: str, path: str, headers: dict[str, str] | None = None) -> Answer:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=15)
        try:
            connection.request(method, path, headers=headers or {})
            response = connection.getresponse()
            return Answer(response.status, {k.lower(): v for k, v in response.getheaders()}, response.read())
        finally:
            connection.close()

    def get(self, path: str, **headers: str) -> Answer:
        return self.request("GET", path, {k.replace("_", "-"): v for k, v in headers.items()})

    def wait_until_backend(self, healthy: bool, timeout: float = 15) -> None:
        """Wait until the health probe says the app is (or is not) healthy."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            listed = subprocess.run([shutil.which("varnishadm") or "varnishadm", "-n", str(self.root / "work"),
                                     "backend.list"], capture_output=True, text=True, timeout=10).stdout
            lines = [line for line in listed.splitlines() if "library" in line]
            if lines and (("healthy" in lines[0].lower() and "sick" not in lines[0].lower()) == healthy):
                return
            time.sleep(0.2)
        raise AssertionError(f"varnish never saw the app {'healthy' if healthy else 'sick'}: {listed}")

    def stats(self) -> dict[str, int]:
        """Varnish's counters (cache_hit, cache_miss, ...), by short name."""
        done = subprocess.run([shutil.which("varnishstat") or "varnishstat", "-n", str(self.root / "work"), "-1",
                               "-j"], capture_output=True, text=True, timeout=10)
        data = json.loads(done.stdout)
        counters = data.get("counters", data)
        return {name.split(".", 1)[-1]: value["value"] for name, value in counters.items()
                if isinstance(value, dict) and "value" in value}

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self.process.stdout:
            self.process.stdout.close()
        shutil.rmtree(self.root, ignore_errors=True)

    def __enter__(self) -> Varnish:
        return self

    def __exit__(self, *exc) -> None:
        self.stop()
