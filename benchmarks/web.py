"""Web latency and throughput: pages and API calls of a workspace with the large example.

Run: .venv/bin/python benchmarks/web.py [--database postgresql|sqlite] [--processes 2]
     [--clients 1 10 20] [--requests 30] [--seconds 60]

It makes a fresh database (by default a PostgreSQL database of its own on 127.0.0.1:5432, dropped
afterwards; or an SQLite file in a temporary folder), loads the demo workspace (the three example
portfolios, among them examples/large-pharma.yaml with 64 studies and 19 providers, an evaluation
and an RFP with three bids) with an analyst account and a finished Monte Carlo run of the large
example, starts --processes `crosource serve` processes on free loopback ports (as a team
deployment runs them behind a proxy; SQLite allows one), and signs in one HTTP client per
concurrent user, the clients spread over the processes in turn. Each client walks the targets.
Per level of concurrency it prints, for every target, the requests made, requests per second,
p50 and p95 latency in milliseconds and the count of non-2xx answers; then the totals, and the
worst p95 of any target against the 300 ms target at 20 clients. The load generator runs on the
same machine and is included in what is measured. Traffic stays on 127.0.0.1; every level is
bounded by --requests per target per client (at most) and by --seconds.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import numpy as np

ROOT = Path(__file__).parents[1]
PASSWORD = "benchmark passphrase 42"
EMAIL = "bench@example.com"
TARGET_P95_MS = 300.0
TARGET_CLIENTS = 20
ADMIN_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def prepare(url: str) -> dict[str, int]:
    """The demo workspace, the analyst, a finished simulation of the large example; their ids."""
    from crosource.io.portfolio_io import load_portfolio
    from crosource.services import analyses
    from crosource.services.demo import demo_portfolio, load_demo
    from crosource.store import jobs, rfps
    from crosource.store.db import make_engine, session_factory
    from crosource.store.migrate import upgrade
    from crosource.store.users import add_member, create_user

    engine = make_engine(url)
    upgrade(engine)
    with session_factory(engine).begin() as session:
        space = load_demo(session, name="Bench", examples=ROOT / "examples")
        user = create_user(session, email=EMAIL, password=PASSWORD)
        add_member(session, user_id=user.id, workspace_id=space.id, role="analyst")
        portfolio = load_portfolio(ROOT / "examples" / "large-pharma.yaml")
        record = demo_portfolio(session, workspace_id=space.id, name=portfolio.sponsor.name)
        assert record is not None
        request = analyses.SimulateRequest(draws=2_000, sensitivity=True, sensitivity_draws=200)
        result = analyses.run(request, portfolio, lambda d, t: None, lambda s: None)
        job = jobs.create_job(
            session,
            workspace_id=space.id,
            kind="simulate",
            request=request.model_dump() | {"portfolio_version": record.version},
            user_id=user.id,
            portfolio_id=record.id,
        )
        jobs.finish(session, job.id, result)
        rfp = rfps.list_rfps(session, workspace_id=space.id)[0]
        ids = {"workspace": space.id, "portfolio": record.id, "job": job.id, "rfp": rfp.id}
    engine.dispose()
    return ids


def targets(ids: dict[str, int]) -> list[tuple[str, str]]:
    w, p, j, r = ids["workspace"], ids["portfolio"], ids["job"], ids["rfp"]
    api = f"/api/v1/workspaces/{w}"
    return [
        ("page: home", f"/w/{w}"),
        ("page: portfolios", f"/w/{w}/portfolios"),
        ("page: portfolio (64 studies)", f"/w/{w}/p/{p}"),
        ("page: recommendation", f"/w/{w}/p/{p}/recommendation"),
        ("page: providers", f"/w/{w}/p/{p}/providers"),
        ("page: scenarios", f"/w/{w}/p/{p}/scenarios"),
        ("page: Monte Carlo result", f"/w/{w}/jobs/{j}"),
        ("page: RFPs", f"/w/{w}/rfps"),
        ("page: RFP with 3 bids compared", f"/w/{w}/rfps/{r}"),
        ("api: me", "/api/v1/me"),
        ("api: portfolios", f"{api}/portfolios"),
        ("api: portfolio document", f"{api}/portfolios/{p}"),
        ("api: job", f"{api}/jobs/{j}"),
        ("api: RFP", f"{api}/rfps/{r}"),
        ("api: bids compared", f"{api}/rfps/{r}/comparison"),
    ]


def start_server(url: str, port: int) -> subprocess.Popen[bytes]:
    env = os.environ | {"CROSOURCE_DATABASE_URL": url}
    server = subprocess.Popen(
        [str(Path(sys.executable).with_name("crosource")), "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/login", timeout=2).status_code == 200:
                return server
        except httpx.TransportError:
            time.sleep(0.2)
    server.kill()
    raise SystemExit("the server did not start within 60 s")


class Browser:
    """One signed-in user on one kept-alive connection. The standard library's client costs a
    fraction of httpx's CPU per request, and the load generator shares the server's two cores:
    what it spends is measured as server latency."""

    def __init__(self, base: str) -> None:
        address = urlsplit(base)
        self.connection = http.client.HTTPConnection(address.hostname, address.port, timeout=30)
        body = json.dumps({"email": EMAIL, "password": PASSWORD})
        self.cookie = ""
        status, headers = self._send("POST", "/api/v1/session", body)
        if status != 200:
            raise SystemExit(f"sign-in failed with {status}")
        self.cookie = "; ".join(
            value.split(";", 1)[0] for name, value in headers if name.lower() == "set-cookie"
        )

    def _send(self, method: str, path: str, body: str | None = None) -> tuple[int, list[Any]]:
        headers = {"Cookie": self.cookie} if self.cookie else {}
        if body is not None:
            headers["Content-Type"] = "application/json"
        self.connection.request(method, path, body=body, headers=headers)
        answer = self.connection.getresponse()
        answer.read()
        return answer.status, answer.getheaders()

    def get(self, path: str) -> int:
        return self._send("GET", path)[0]

    def close(self) -> None:
        self.connection.close()


def signed_in(base: str) -> Browser:
    return Browser(base)


def run_level(
    bases: list[str], paths: list[tuple[str, str]], clients: int, per_target: int, seconds: float
) -> tuple[dict[str, list[float]], dict[str, int], float]:
    # Clients spread over the processes in turn, as a proxy would spread users.
    sessions = [signed_in(bases[i % len(bases)]) for i in range(clients)]
    timings: dict[str, list[float]] = {name: [] for name, _ in paths}
    errors: dict[str, int] = dict.fromkeys(timings, 0)
    lock = threading.Lock()
    stop_at = time.monotonic() + seconds

    def work(index: int, client: Browser) -> None:
        for round_ in range(per_target):
            for k in range(len(paths)):
                name, path = paths[(k + index + round_) % len(paths)]
                if time.monotonic() > stop_at:
                    return
                began = time.perf_counter()
                status = client.get(path)
                elapsed = (time.perf_counter() - began) * 1000
                with lock:
                    timings[name].append(elapsed)
                    if not 200 <= status < 300:
                        errors[name] += 1

    threads = [threading.Thread(target=work, args=(i, c)) for i, c in enumerate(sessions)]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - began
    for client in sessions:
        client.close()
    return timings, errors, wall


def report(
    clients: int, timings: dict[str, list[float]], errors: dict[str, int], wall: float
) -> float:
    print(f"\n== {clients} concurrent client(s), {wall:.1f} s")
    print(f"{'target':32} {'n':>5} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'non-2xx':>8}")
    every: list[float] = []
    pages: list[float] = []
    for name, values in timings.items():
        if not values:
            continue
        every += values
        if name.startswith("page"):
            pages += values
        p50, p95 = np.percentile(values, [50, 95])
        rate = len(values) / wall
        print(f"{name:32} {len(values):5d} {rate:8.1f} {p50:8.1f} {p95:8.1f} {errors[name]:8d}")
    total_p50, total_p95 = np.percentile(every, [50, 95])
    page_p95 = float(np.percentile(pages, 95)) if pages else float("nan")
    worst = max(
        ((float(np.percentile(v, 95)), name) for name, v in timings.items() if v),
        default=(float("nan"), "none"),
    )
    print(
        f"{'all':32} {len(every):5d} {len(every) / wall:8.1f} {total_p50:8.1f} "
        f"{total_p95:8.1f} {sum(errors.values()):8d}"
    )
    print(f"pages p95: {page_p95:.1f} ms; worst target p95: {worst[0]:.1f} ms ({worst[1]})")
    return worst[0]


def _fresh_database(kind: str, folder: str) -> tuple[str, str | None]:
    """The URL of an empty database, and the name of a PostgreSQL database to drop after."""
    if kind == "sqlite":
        return f"sqlite:///{Path(folder) / 'bench.db'}", None
    from sqlalchemy import create_engine, text

    name = f"crosource_bench_{os.getpid()}"
    admin = create_engine(ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return ADMIN_URL.rsplit("/", 1)[0] + f"/{name}", name


def _drop_database(name: str | None) -> None:
    if name is None:
        return
    from sqlalchemy import create_engine, text

    admin = create_engine(ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", choices=["postgresql", "sqlite"], default="postgresql")
    parser.add_argument("--processes", type=int, default=None, help="web processes (2 on PG)")
    parser.add_argument("--clients", type=int, nargs="+", default=[1, 10, TARGET_CLIENTS])
    parser.add_argument("--requests", type=int, default=30, help="rounds per client, at most")
    parser.add_argument("--seconds", type=float, default=60.0, help="time limit per level")
    args = parser.parse_args()
    processes = args.processes or (2 if args.database == "postgresql" else 1)
    if args.database == "sqlite" and processes != 1:
        raise SystemExit("--processes: the embedded SQLite default runs one web process")
    with tempfile.TemporaryDirectory() as folder:
        url, dropped = _fresh_database(args.database, folder)
        servers: list[subprocess.Popen[bytes]] = []
        try:
            print(
                f"Preparing on {args.database}: the demo workspace and a finished Monte Carlo "
                "run of the large example ...",
                flush=True,
            )
            ids = prepare(url)
            ports = [_free_port() for _ in range(processes)]
            servers = [start_server(url, port) for port in ports]
            bases = [f"http://127.0.0.1:{port}" for port in ports]
            print(f"{processes} web process(es) on {args.database}", flush=True)
            paths = targets(ids)
            for base in bases:  # first views fill each process's caches; not measured
                warm = signed_in(base)
                for _, path in paths:
                    warm.get(path)
                warm.close()
            at_target = None
            for clients in args.clients:
                rounds = max(1, args.requests // max(1, clients // 5))
                timings, errors, wall = run_level(bases, paths, clients, rounds, args.seconds)
                worst = report(clients, timings, errors, wall)
                if clients == TARGET_CLIENTS:
                    at_target = worst
            if at_target is not None:
                verdict = "met" if at_target < TARGET_P95_MS else "NOT met"
                print(
                    f"\nTarget: every page and API call p95 < {TARGET_P95_MS:.0f} ms at "
                    f"{TARGET_CLIENTS} clients: worst {at_target:.1f} ms, ratio "
                    f"{at_target / TARGET_P95_MS:.2f} ({verdict})"
                )
        finally:
            for server in servers:
                server.terminate()
            for server in servers:
                server.wait(timeout=30)
            _drop_database(dropped)


if __name__ == "__main__":
    main()
