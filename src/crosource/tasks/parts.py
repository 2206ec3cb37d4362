"""A large Monte Carlo split into parts that several workers run at once, merged into the numbers
of one run (crosource.engine.costing.simulate.partition).

Part 0, the first batch of the summaries, runs first (in the job's own task): it fixes the
histograms' ranges. It then queues the other parts, in the same transaction that stores its
summaries. Each part simulates its chunks binned like part 0 and stores its summaries; the part
that finishes last, seen under a lock of the job's row, merges all of them in part order and
writes the job's result (with the tornado, when asked). Parts are keyed (job, part): a part run
twice (a retried task) writes the same row with the same numbers.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy.orm import Session, sessionmaker

from crosource.domain.portfolio import Portfolio
from crosource.engine.costing.compiled import Compiled
from crosource.engine.costing.simulate import CHUNK, partition, simulate
from crosource.services import analyses, costing
from crosource.services.analyses import AnalysisRequest, SimulateRequest
from crosource.store import job_parts, jobs, portfolios
from crosource.store.tables import Job
from crosource.tasks.codec import pack, unpack
from crosource.tasks.execute import Claimed, Reporter

PART_DRAWS = 96_000  # assumption: a few seconds of work per part on the examples
MAX_ATTEMPTS = 3  # starts of one part before the job is given up (a part that kills workers)
CHANGED = "the portfolio changed while this run was split across workers; run it again"
Defer = Callable[[Session, int, int], int]  # (session, job id, part) -> the queue's id


def split_of(request: AnalysisRequest) -> list[range] | None:
    """The parts of a run worth splitting (at least two after the first), else None. The
    optimized scenario is computed by the optimizer, once: such a run stays whole."""
    if not isinstance(request, SimulateRequest) or "optimized" in request.scenarios:
        return None
    parts = partition(request.draws, part_draws=PART_DRAWS)
    return parts if len(parts) > 2 else None


class _Plans:
    """Compiled plans kept per process for the few jobs it works on: compiling the large example
    takes seconds, and a worker runs several parts of the same job."""

    def __init__(self, size: int = 4) -> None:
        self.found: OrderedDict[tuple[int, int], list[Compiled]] = OrderedDict()
        self.size = size
        self.lock = threading.Lock()

    def get(self, job_id: int, version: int, make: Callable[[], list[Compiled]]) -> list[Compiled]:
        key = (job_id, version)
        with self.lock:
            if key in self.found:
                self.found.move_to_end(key)
                return self.found[key]
        plans = make()
        with self.lock:
            self.found[key] = plans
            while len(self.found) > self.size:
                self.found.popitem(last=False)
        return plans


PLANS = _Plans()


@dataclass(frozen=True)
class Inputs:
    request: SimulateRequest
    portfolio: Portfolio
    plans: list[Compiled]
    version: int


def _inputs(session: Session, job: Job) -> Inputs:
    request = analyses.parse(job.request)
    assert isinstance(request, SimulateRequest) and job.portfolio_id is not None
    record = portfolios.get_record(
        session, workspace_id=job.workspace_id, portfolio_id=job.portfolio_id
    )
    portfolio = portfolios.document_to_portfolio(record.document, f"portfolio {record.id}")
    plans = PLANS.get(
        job.id, record.version, lambda: costing.compile_plans(portfolio, request.scenarios)
    )
    return Inputs(request, portfolio, plans, record.version)


def _reporter(
    sessions: sessionmaker[Session], job_id: int, part: int, stopping: Callable[[], bool]
) -> Reporter:
    def record(session: Session, done: int) -> float:
        return job_parts.record_done(session, job_id, part, done)

    reporter = Reporter(sessions, job_id, stopping, record)
    reporter.current = "Simulating in parts"
    return reporter


def run_first(
    sessions: sessionmaker[Session],
    claimed: Claimed,
    parts: list[range],
    worker: str | None,
    defer: Defer,
    stopping: Callable[[], bool] = lambda: False,
) -> None:
    """Part 0 of a split run, then the other parts queued (nothing to do when a retried task
    finds part 0 done: its parts were queued with it)."""
    job_id = claimed.job_id
    with sessions.begin() as session:
        first = job_parts.get_part(session, job_id, 0)
        if first is not None and first.state == "done":
            return
        job = session.get(Job, job_id)
        assert job is not None
        inputs = _inputs(session, job)
        request = inputs.request
        draws = [min(CHUNK * p.stop, request.draws) - CHUNK * p.start for p in parts]
        rows = job_parts.add_parts(session, job_id, parts, draws, inputs.version)
        job_parts.start_part(session, rows[0], worker)
    reporter = _reporter(sessions, job_id, 0, stopping)
    reporter.stage(f"Simulating in {len(parts)} parts")
    simulation = simulate(
        inputs.plans, request.draws, request.seed, chunks=parts[0], progress=reporter.progress
    )
    with sessions.begin() as session:
        job_parts.finish_part(session, job_id, 0, pack(simulation))
        for row in job_parts.list_parts(session, job_id)[1:]:
            if row.queue_id is None:
                row.queue_id = defer(session, job_id, row.part)


def run_part(
    sessions: sessionmaker[Session],
    job_id: int,
    part: int,
    worker: str | None,
    stopping: Callable[[], bool] = lambda: False,
) -> None:
    """One part after the first; the last one done merges. Raises Cancelled when the job is
    asked to stop (checked at the start and at every progress report)."""
    from crosource.tasks.execute import Cancelled

    with sessions.begin() as session:
        job = session.get(Job, job_id)
        row = job_parts.get_part(session, job_id, part)
        if job is None or row is None or job.state not in jobs.ACTIVE:
            return
        if job.cancel_requested_at is not None:
            raise Cancelled
        if row.state != "done":
            if row.attempts >= MAX_ATTEMPTS:
                jobs.fail(
                    session,
                    job_id,
                    f"part {part} of this run stopped its worker {row.attempts} times; "
                    "run it again, or with fewer draws",
                )
                return
            job_parts.start_part(session, row, worker)
        inputs = _inputs(session, job)
        if inputs.version != row.portfolio_version:
            jobs.fail(session, job_id, CHANGED)
            return
        done_already = row.state == "done"
        chunks = range(row.first_chunk, row.end_chunk)
        first = job_parts.get_part(session, job_id, 0)
        summary_of_first = first.summary if first is not None else None
    # A part found done was run by a task that died before merging: merge if all are done.
    last = done_already and job_parts_done(sessions, job_id)
    if not done_already:
        if summary_of_first is None:
            raise RuntimeError(f"part 0 of job {job_id} has no summaries to bin part {part} like")
        reporter = _reporter(sessions, job_id, part, stopping)
        request = inputs.request
        simulation = simulate(
            inputs.plans,
            request.draws,
            request.seed,
            chunks=chunks,
            like=unpack(summary_of_first),
            progress=reporter.progress,
        )
        with sessions.begin() as session:
            last = job_parts.finish_part(session, job_id, part, pack(simulation))
    if last:
        merge(sessions, job_id, inputs, stopping)


def job_parts_done(sessions: sessionmaker[Session], job_id: int) -> bool:
    with sessions.begin() as session:
        return job_parts.all_done(session, job_id)


def merge(
    sessions: sessionmaker[Session],
    job_id: int,
    inputs: Inputs,
    stopping: Callable[[], bool] = lambda: False,
) -> None:
    """Every part's summaries merged in part order, then the job's result (and its tornado)."""
    reporter = Reporter(sessions, job_id, stopping)
    reporter.stage("Merging the parts")
    with sessions.begin() as session:
        packed = job_parts.summaries(session, job_id)
    merged = unpack(packed[0])
    for data in packed[1:]:
        merged.merge(unpack(data))
    request = inputs.request
    result = costing.simulation_result(
        inputs.portfolio,
        inputs.plans,
        merged,
        sensitivity=request.sensitivity,
        sensitivity_draws=request.sensitivity_draws,
        stage=reporter.stage,
    )
    with sessions.begin() as session:
        job_parts.drop_summaries(session, job_id)  # locks the job's row first
        jobs.finish(session, job_id, result)
