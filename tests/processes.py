"""Real processes for the tests that need them: a Celery worker or beat on the test database,
a private Redis server. Each is started in its own session so that it can be killed whole."""

import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[1]


def database_url() -> str:
    """The test database, as a URL another process can open."""
    db = connection.settings_dict
    if db["ENGINE"].endswith("postgresql"):
        return f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
    return f"sqlite:///{db['NAME']}"


def process_env(**overrides) -> dict:
    """This test run's environment pointed at the test database; ``None`` removes a name."""
    env = dict(os.environ, DATABASE_URL=database_url())
    if env.get("DATABASE_REPLICA_URL"):  # the replica alias reads the test database too
        env["DATABASE_REPLICA_URL"] = env["DATABASE_URL"]
    for name, value in overrides.items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = str(value)
    return env


def start(args: list[str], env: dict) -> subprocess.Popen:
    """Start ``python -m *args``; what it prints is collected as it comes (``printed``)."""
    return start_program([sys.executable, "-m", *args], env)


def start_program(command: list, env: dict) -> subprocess.Popen:
    """Start a program (a script of ``scripts/``, say) as ``start`` does."""
    proc = subprocess.Popen(
        command,
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    proc.lines = []
    proc.reader = threading.Thread(target=_collect, args=(proc,), daemon=True)
    proc.reader.start()
    return proc


def _collect(proc: subprocess.Popen) -> None:
    for line in proc.stdout:
        proc.lines.append(line.decode(errors="replace"))


def printed(proc: subprocess.Popen) -> str:
    """What the process has printed so far, while it runs."""
    return "".join(proc.lines)


def stop(proc: subprocess.Popen, *, timeout: float = 20) -> str:
    """Stop the process and its children; returns what it printed."""
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    proc.reader.join(timeout=5)
    return printed(proc)


def start_worker(
    *, name: str, queue: str, env: dict, pool: str = "solo", extra: list[str] = ()
) -> subprocess.Popen:
    args = ["celery", "-A", "liaison", "worker", "-l", "info", "-n", name, "-Q", queue]
    args += ["--pool", pool, "--concurrency", "1", *extra]
    return start(args, env)


def wait_for_worker(proc: subprocess.Popen, name: str, *, timeout: float = 90, app=None) -> None:
    """Wait for this worker to answer a broadcast ping, as SETUP-NOTES advises (through
    ``app``'s broker; the project's app by default)."""
    if app is None:
        from liaison.celery import app

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail("worker exited: " + stop(proc))
        if app.control.ping(destination=[name], timeout=1.0):
            return
    pytest.fail("worker did not answer a ping in time:\n" + stop(proc))


def wait_until(predicate, *, timeout: float = 60, every: float = 0.2, what: str = "") -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(every)
    pytest.fail(f"timed out waiting for {what or predicate}")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class PrivateRedis:
    """A redis-server of the test's own on a free port, which the test may stop and start
    without disturbing anything else on the machine."""

    def __init__(self, tmp_path: Path):
        self.binary = shutil.which("redis-server")
        if not self.binary:
            pytest.skip("redis-server is not installed")
        self.port = free_port()
        self.dir = tmp_path
        self.proc: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.proc = subprocess.Popen(
            [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", ""]
            + ["--appendonly", "no", "--dir", str(self.dir)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        wait_until(self.answers, timeout=20, what="redis-server to start")

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        wait_until(lambda: not self.answers(), timeout=10, what="redis-server to stop")

    def answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as sock:
                sock.sendall(b"PING\r\n")
                return sock.recv(16).startswith(b"+PONG")
        except OSError:
            return False
