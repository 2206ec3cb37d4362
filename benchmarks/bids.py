"""Bid comparison timings (evaluation.md, "Bids"): grids of 1,000 and 5,000 lines a bid.

Run: .venv/bin/python benchmarks/bids.py [--lines 1000 5000] [--bids 3] [--repeat 3]

For each size, seconds (best of --repeat) to read the grids from CSV (the CLI's and the web
upload's reader), compare the bids at the sponsor's quantities, and render the comparison as
the RFP page shows it. The comparison is linear in the lines (five times the lines should cost
about five times as long); 5,000 lines is the limit of one bid (MAX_BID_LINES).
"""

from __future__ import annotations

import argparse
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

from crosource.engine.evaluate.bids import compare
from crosource.io.bids_io import COLUMNS, MAX_BID_LINES, load_bids
from crosource.io.portfolio_io import load_portfolio
from crosource.report.bids_html import bids_html

ROOT = Path(__file__).resolve().parents[1]
PORTFOLIO = ROOT / "examples" / "midsize-hybrid.yaml"
STUDY = "CRV-310-201"
DRIVERS = ("per_site", "per_patient_enrolled", "per_month", "per_visit", "fixed")


def best_of(repeat: int, run: Callable[[], object]) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return min(times)


def grid(path: Path, providers: list[str], lines: int) -> Path:
    rows = [",".join(COLUMNS)]
    for n, provider in enumerate(providers):
        rows += [
            f"{provider},line {i},,{DRIVERS[i % len(DRIVERS)]},{100 + (i * 7 + n * 13) % 900},3"
            for i in range(lines)
        ]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, nargs="+", default=[1000, MAX_BID_LINES])
    parser.add_argument("--bids", type=int, default=3)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    portfolio = load_portfolio(PORTFOLIO)
    study = next(s for s in portfolio.studies if s.id == STUDY)
    providers = [p.id for p in portfolio.providers][: args.bids]
    print(f"{len(providers)} bids for {STUDY}; seconds, best of {args.repeat}")
    print(f"{'lines a bid':>12} {'read':>8} {'compare':>8} {'render':>8} {'total':>8}")
    with tempfile.TemporaryDirectory() as folder:
        for lines in args.lines:
            path = grid(Path(folder) / f"grid-{lines}.csv", providers, lines)
            bids = load_bids(path)
            result = compare(portfolio, study, bids)
            read = best_of(args.repeat, partial(load_bids, path))
            compared = best_of(args.repeat, partial(compare, portfolio, study, bids))
            render = best_of(args.repeat, partial(bids_html, result))
            total = read + compared + render
            print(f"{lines:>12,} {read:>8.3f} {compared:>8.3f} {render:>8.3f} {total:>8.3f}")


if __name__ == "__main__":
    main()
