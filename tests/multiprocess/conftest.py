"""Several processes on one PostgreSQL schema: `crosource serve` web processes and `crosource
worker` processes started as a deployment would, reached over HTTP.

`cluster` (per module: starting processes takes seconds) gives two web processes and two workers
named w1 and w2 on a fresh schema, an owner account and signed-in HTTP clients; every process is
killed at the end, whatever happened. Checks of other shared state across web processes
(sign-in, throttle, setup link) can use it as it is.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import httpx
import pytest
from sqlalchemy import Engine

from crosource.store.db import make_engine
from tests.conftest import POSTGRES_URL, _admin

START_SECONDS = 60.0
OWNER, PASSWORD, WORKSPACE = "owner@multi.test", "correct horse battery staple", "Multi"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Process:
    name: str
    popen: subprocess.Popen[bytes]
    log: Path
    handle: IO[bytes]

    def tail(self, lines: int = 30) -> str:
        self.handle.flush()
        text = self.log.read_text(errors="replace").splitlines()
        return f"--- {self.name} ---\n" + "\n".join(text[-lines:])

    def stop(self) -> None:
        if self.popen.poll() is None:
            self.popen.send_signal(signal.SIGTERM)
            try:
                self.popen.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.popen.kill()
                self.popen.wait(timeout=5)
        self.handle.close()


@dataclass
class Cluster:
    url: str  # the schema's database URL (SQLAlchemy form)
    folder: Path
    env: dict[str, str]
    webs: list[str] = field(default_factory=list)  # base URLs of the web processes
    processes: dict[str, Process] = field(default_factory=dict)
    engine: Engine | None = None

    def start(self, name: str, *args: str) -> Process:
        log = self.folder / f"{name}.log"
        handle = log.open("wb")
        command = [sys.executable, "-m", "crosource", *args]
        popen = subprocess.Popen(
            command, env=self.env, stdout=handle, stderr=subprocess.STDOUT, cwd=self.folder
        )
        process = Process(name, popen, log, handle)
        self.processes[name] = process
        return process

    def start_web(self) -> str:
        port = free_port()
        self.start(f"web{len(self.webs) + 1}", "serve", "--port", str(port))
        base = f"http://127.0.0.1:{port}"
        self.webs.append(base)
        return base

    def start_worker(self, name: str, stalled_after: float = 6.0) -> Process:
        args = ("worker", "--name", name, "--stalled-after", str(stalled_after))
        return self.start(name, *args)

    def wait_for_webs(self) -> None:
        deadline = time.monotonic() + START_SECONDS
        for index, base in enumerate(self.webs):
            while True:
                process = self.processes[f"web{index + 1}"]
                assert process.popen.poll() is None, process.tail()
                try:
                    httpx.get(f"{base}/api/v1/me", timeout=2)
                    break
                except httpx.TransportError:
                    assert time.monotonic() < deadline, process.tail()
                    time.sleep(0.2)

    def add_user(self, email: str, role: str, workspace: str, password: str) -> None:
        self.adding_user(email, role, workspace, password).wait(timeout=START_SECONDS)

    def adding_user(self, email: str, role: str, workspace: str, password: str) -> Adding:
        """`crosource user add` started (the password on its standard input); `wait` for it."""
        command = [sys.executable, "-m", "crosource", "user", "add", email]
        command += ["--role", role, "--workspace", workspace]
        popen = subprocess.Popen(
            command,
            env=self.env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        assert popen.stdin is not None
        popen.stdin.write(f"{password}\n".encode())
        popen.stdin.close()
        return Adding(popen)

    def client(self, index: int, email: str = OWNER, password: str = PASSWORD) -> Client:
        """An HTTP client of web process `index`, signed in through the API (its cookie jar
        keeps the session)."""
        http = httpx.Client(base_url=self.webs[index], timeout=30)
        answer = http.post("/api/v1/session", json={"email": email, "password": password})
        assert answer.status_code == 200, answer.text
        body = answer.json()
        return Client(http, body.get("csrf_token") or "", body)

    def logs(self) -> str:
        return "\n".join(p.tail() for p in self.processes.values())

    def stop(self) -> None:
        for process in self.processes.values():
            process.stop()


@dataclass
class Adding:
    popen: subprocess.Popen[bytes]

    def wait(self, timeout: float) -> None:
        try:
            self.popen.wait(timeout=timeout)  # it prints a line or two: no pipe fills up
        finally:
            if self.popen.poll() is None:
                self.popen.kill()
        assert self.popen.stdout is not None
        output = self.popen.stdout.read()
        self.popen.stdout.close()
        assert self.popen.returncode == 0, output.decode(errors="replace")


@dataclass
class Client:
    http: httpx.Client
    csrf: str
    me: dict[str, Any]

    def workspace(self, name: str = WORKSPACE) -> int:
        found: int = self.me["memberships"][0]["workspace_id"]
        return found

    def post(self, path: str, **kwargs: Any) -> httpx.Response:
        headers = {"X-CSRF-Token": self.csrf, **kwargs.pop("headers", {})}
        return self.http.post(path, headers=headers, **kwargs)

    def get(self, path: str, **kwargs: Any) -> httpx.Response:
        return self.http.get(path, **kwargs)


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    schema = f"t_{uuid.uuid4().hex[:12]}"
    _admin(f'CREATE SCHEMA "{schema}"')
    url = f"{POSTGRES_URL}?options=-csearch_path%3D{schema}"
    env = {
        **os.environ,
        "CROSOURCE_DATABASE_URL": url,
        "CROSOURCE_JOB_BACKEND": "procrastinate",
        "PYTHONUNBUFFERED": "1",
    }
    running = Cluster(url, tmp_path_factory.mktemp("cluster"), env)
    try:
        # All at once: migrations and the queue's schema are applied by whoever comes first.
        running.start_web()
        running.start_web()
        running.start_worker("w1")
        running.start_worker("w2")
        adding = running.adding_user(OWNER, "owner", WORKSPACE, PASSWORD)
        running.wait_for_webs()
        adding.wait(timeout=START_SECONDS)
        running.engine = make_engine(url)
        yield running
    finally:
        running.stop()
        if running.engine is not None:
            running.engine.dispose()
        _admin(f'DROP SCHEMA "{schema}" CASCADE')
