"""App hosts of their own on one machine: a Linux network namespace per host, joined to this one by a
veth pair (issue 16). A server in a namespace has its own addresses and sees the database only over
its link, as a second machine would; the test makes them and removes them.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import socket
import subprocess
import threading
from dataclasses import dataclass


def _ip(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(["ip", *args], capture_output=True, text=True, timeout=10)


def why_unavailable() -> str | None:
    """Why no network namespace can be made here (not root, no ``ip``, a container without the right),
    or None."""
    if shutil.which("ip") is None:
        return "the `ip` command (iproute2) is missing"
    if os.geteuid() != 0:
        return "making network namespaces needs root"
    name = f"lbprobe{secrets.token_hex(3)}"
    made = _ip("netns", "add", name)
    if made.returncode != 0:
        return f"`ip netns add` failed: {made.stderr.strip()}"
    _ip("netns", "del", name)
    return None


@dataclass(frozen=True)
class Host:
    """One namespace: ``address`` is the host's own, ``gateway`` this machine's end of its link."""

    namespace: str
    link: str
    address: str
    gateway: str

    @property
    def wrap(self) -> tuple[str, ...]:
        """The prefix that runs a command inside the namespace."""
        return ("ip", "netns", "exec", self.namespace)


class Hosts:
    """``count`` namespaces, each on a /30 of 10.231.N.0/24 (N random, so parallel runs do not clash)."""

    def __init__(self, count: int) -> None:
        self.hosts: list[Host] = []
        tag = secrets.token_hex(2)
        subnet = 1 + secrets.randbelow(250)
        try:
            for number in range(count):
                base = 4 * number
                host = Host(f"library-{tag}-{number}", f"lbv{tag}{number}", f"10.231.{subnet}.{base + 2}",
                            f"10.231.{subnet}.{base + 1}")
                self._make(host)
                self.hosts.append(host)
        except BaseException:
            self.remove()
            raise
        self.network = f"10.231.{subnet}.0/24"

    def _make(self, host: Host) -> None:
        inner = f"{host.link}i"
        for command in (("netns", "add", host.namespace),
                        ("link", "add", host.link, "type", "veth", "peer", "name", inner),
                        ("link", "set", inner, "netns", host.namespace),
                        ("addr", "add", f"{host.gateway}/30", "dev", host.link),
                        ("link", "set", host.link, "up"),
                        ("-n", host.namespace, "addr", "add", f"{host.address}/30", "dev", inner),
                        ("-n", host.namespace, "link", "set", inner, "up"),
                        ("-n", host.namespace, "link", "set", "lo", "up"),
                        ("-n", host.namespace, "route", "add", "default", "via", host.gateway)):
            done = _ip(*command)
            if done.returncode != 0:
                raise RuntimeError(f"ip {' '.join(command)}: {done.stderr.strip()}")

    def remove(self) -> None:
        for host in self.hosts:
            _ip("link", "del", host.link)  # takes its peer in the namespace with it
            _ip("netns", "del", host.namespace)
        self.hosts = []

    def __enter__(self) -> Hosts:
        return self

    def __exit__(self, *exc) -> None:
        self.remove()


class Forwarder:
    """A TCP relay from ``listen`` to ``target`` that a test can cut (every connection reset, new ones
    refused) and mend: a network path to the database that fails on demand."""

    def __init__(self, listen: tuple[str, int], target: tuple[str, int]) -> None:
        self.listen, self.target = listen, target
        self._server: socket.socket | None = None
        self._sockets: set[socket.socket] = set()
        self._lock = threading.Lock()
        self.mend()

    def mend(self) -> None:
        server = socket.create_server(self.listen, reuse_port=False)
        server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._server = server
        threading.Thread(target=self._accept, args=(server,), daemon=True).start()

    def cut(self) -> None:
        with self._lock:
            server, self._server = self._server, None
            sockets, self._sockets = self._sockets, set()
        if server is not None:
            with contextlib.suppress(OSError):
                server.shutdown(socket.SHUT_RDWR)
            server.close()
        for sock in sockets:
            with contextlib.suppress(OSError):
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
                sock.close()  # with linger 0: a reset, as a dropped link or a killed pooler gives

    def _accept(self, server: socket.socket) -> None:
        while True:
            try:
                client, _ = server.accept()
            except OSError:
                return
            try:
                upstream = socket.create_connection(self.target, timeout=5)
                upstream.settimeout(None)
            except OSError:
                client.close()
                continue
            with self._lock:
                self._sockets.update((client, upstream))
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    @staticmethod
    def _pipe(source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            with contextlib.suppress(OSError):
                sink.shutdown(socket.SHUT_WR)

    def close(self) -> None:
        self.cut()
