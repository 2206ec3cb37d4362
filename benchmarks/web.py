"""Web latency and throughput: main pages and API calls of a workspace with the large example.

Run: .venv/bin/python benchmarks/web.py [--clients 1 10 50] [--requests 30] [--seconds 60]

It makes a fresh SQLite database in a temporary folder, loads examples/large-pharma.yaml (64
studies, 19 providers) into a workspace with an analyst account and a finished Monte Carlo run,
starts `crosource serve` on a free loopback port (one uvicorn process, as `make demo` does), and
signs in one HTTP client per concurrent user. Each client walks the targets in turn. Per level of
concurrency it prints, for every target, the requests made, requests per second, p50 and p95
latency in milliseconds and the count of non-2xx answers; then the totals, and the p95 of the main
pages against the 200 ms target at 10 clients. Traffic stays on 127.0.0.1; every level is bounded
by --requests per target per client (at most) and by --seconds.
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx
import numpy as np

ROOT = Path(__file__).parents[1]
PASSWORD = "benchmark passphrase 42"
EMAIL = "bench@example.com"
TARGET_P95_MS = 200.0


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def prepare(url: str) -> dict[str, int]:
    """The workspace, the analyst, the large portfolio and a finished simulation; their ids."""
    from crosource.io.portfolio_io import load_portfolio
    from crosource.services import analyses
    from crosource.store import jobs, portfolios
    from crosource.store.db import make_engine, session_factory
    from crosource.store.migrate import upgrade
    from crosource.store.users import add_member, create_user
    from crosource.store.workspaces import create_workspace

    engine = make_engine(url)
    upgrade(engine)
    with session_factory(engine).begin() as session:
        space = create_workspace(session, name="Bench")
        user = create_user(session, email=EMAIL, password=PASSWORD)
        add_member(session, user_id=user.id, workspace_id=space.id, role="analyst")
        portfolio = load_portfolio(ROOT / "examples" / "large-pharma.yaml")
        record = portfolios.add_portfolio(
            session, workspace_id=space.id, name="Large", portfolio=portfolio
        )
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
        ids = {"workspace": space.id, "portfolio": record.id, "job": job.id}
    engine.dispose()
    return ids


def targets(ids: dict[str, int]) -> list[tuple[str, str]]:
    w, p, j = ids["workspace"], ids["portfolio"], ids["job"]
    api = f"/api/v1/workspaces/{w}"
    return [
        ("page: home", f"/w/{w}"),
        ("page: portfolios", f"/w/{w}/portfolios"),
        ("page: portfolio (64 studies)", f"/w/{w}/p/{p}"),
        ("page: recommendation", f"/w/{w}/p/{p}/recommendation"),
        ("page: providers", f"/w/{w}/p/{p}/providers"),
        ("page: scenarios", f"/w/{w}/p/{p}/scenarios"),
        ("page: Monte Carlo result", f"/w/{w}/jobs/{j}"),
        ("api: me", "/api/v1/me"),
        ("api: portfolios", f"{api}/portfolios"),
        ("api: portfolio document", f"{api}/portfolios/{p}"),
        ("api: job", f"{api}/jobs/{j}"),
    ]


def start_server(url: str, port: int) -> subprocess.Popen[bytes]:
    env = os.environ | {"CROSOURCE_DATABASE_URL": url, "CROSOURCE_SECRET_KEY": "bench"}
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


def signed_in(base: str) -> httpx.Client:
    client = httpx.Client(base_url=base, timeout=30)
    answer = client.post("/api/v1/session", json={"email": EMAIL, "password": PASSWORD})
    answer.raise_for_status()
    return client


def run_level(
    base: str, paths: list[tuple[str, str]], clients: int, per_target: int, seconds: float
) -> tuple[dict[str, list[float]], dict[str, int], float]:
    sessions = [signed_in(base) for _ in range(clients)]
    timings: dict[str, list[float]] = {name: [] for name, _ in paths}
    errors: dict[str, int] = dict.fromkeys(timings, 0)
    lock = threading.Lock()
    stop_at = time.monotonic() + seconds

    def work(index: int, client: httpx.Client) -> None:
        for round_ in range(per_target):
            for k in range(len(paths)):
                name, path = paths[(k + index + round_) % len(paths)]
                if time.monotonic() > stop_at:
                    return
                began = time.perf_counter()
                status = client.get(path).status_code
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
    print(
        f"{'all':32} {len(every):5d} {len(every) / wall:8.1f} {total_p50:8.1f} "
        f"{total_p95:8.1f} {sum(errors.values()):8d}"
    )
    print(f"main pages p95: {page_p95:.1f} ms")
    return page_p95


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, nargs="+", default=[1, 10, 50])
    parser.add_argument("--requests", type=int, default=30, help="rounds per client, at most")
    parser.add_argument("--seconds", type=float, default=60.0, help="time limit per level")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'bench.db'}"
        print("Preparing: the large example and a finished Monte Carlo run ...", flush=True)
        ids = prepare(url)
        port = _free_port()
        server = start_server(url, port)
        base = f"http://127.0.0.1:{port}"
        paths = targets(ids)
        try:
            warm = signed_in(base)
            for _, path in paths:  # first views fill the caches; they are not measured
                warm.get(path)
            warm.close()
            at_ten = None
            for clients in args.clients:
                rounds = max(1, args.requests // max(1, clients // 5))
                timings, errors, wall = run_level(base, paths, clients, rounds, args.seconds)
                page_p95 = report(clients, timings, errors, wall)
                if clients == 10:
                    at_ten = page_p95
            if at_ten is not None:
                verdict = "met" if at_ten < TARGET_P95_MS else "NOT met"
                print(
                    f"\nTarget: main pages p95 < {TARGET_P95_MS:.0f} ms at 10 clients: "
                    f"{at_ten:.1f} ms, ratio {at_ten / TARGET_P95_MS:.2f} ({verdict})"
                )
        finally:
            server.terminate()
            server.wait(timeout=30)


if __name__ == "__main__":
    main()
