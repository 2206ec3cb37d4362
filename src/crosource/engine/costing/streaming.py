"""Distributions summarised as draws arrive, in constant memory whatever the number of draws.

Mean and standard deviation are exact (running sums). Quantiles and CVaR come from a fine
histogram whose range is set by the first chunk with a wide margin: with 2^16 bins they are
within about 1e-4 of the range of the sample; draws outside the range are kept in two end bins
with their exact sums, so the mean and CVaR stay exact when the tail leaves the range.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

BINS = 1 << 16


@dataclass
class Streaming:
    bins: int = BINS
    count: int = 0
    total: float = 0.0
    total_sq: float = 0.0  # of the draws less `shift`, against cancellation in the variance
    shift: float = 0.0
    low: float = np.inf
    high: float = -np.inf
    edges: np.ndarray | None = None
    counts: np.ndarray = field(default_factory=lambda: np.zeros(0))
    sums: np.ndarray = field(default_factory=lambda: np.zeros(0))

    def add(self, values: np.ndarray) -> None:
        values = np.asarray(values, dtype=float).ravel()
        values = values[np.isfinite(values)]
        if not values.size:
            return
        if self.edges is None:
            lo, hi = float(values.min()), float(values.max())
            span = max(hi - lo, abs(hi) * 1e-6, 1e-9)
            self.edges = np.linspace(lo - span, hi + span, self.bins + 1)
            self.shift = float(values.mean())
            self.counts = np.zeros(self.bins + 2)
            self.sums = np.zeros(self.bins + 2)
        lo, width = self.edges[0], self.edges[1] - self.edges[0]
        # Equal-width bins: the index is arithmetic (0 below the range, bins + 1 above it).
        index = np.clip(np.floor((values - lo) / width) + 1, 0, self.bins + 1).astype(np.int64)
        self.counts += np.bincount(index, minlength=self.bins + 2)
        self.sums += np.bincount(index, weights=values, minlength=self.bins + 2)
        self.count += values.size
        self.total += float(values.sum())
        self.total_sq += float(np.square(values - self.shift).sum())
        self.low, self.high = (
            min(self.low, float(values.min())),
            max(self.high, float(values.max())),
        )

    def empty_like(self) -> Streaming:
        """No draws yet, but this one's range and shift: parts of one run started from the same
        first batch bin their draws alike, so that they merge exactly."""
        fresh = Streaming(bins=self.bins, shift=self.shift)
        if self.edges is not None:
            fresh.edges = self.edges
            fresh.counts = np.zeros(self.bins + 2)
            fresh.sums = np.zeros(self.bins + 2)
        return fresh

    def merge(self, other: Streaming) -> None:
        """Add the draws summarised by `other` (binned on the same range): counts, extremes and
        so quantiles are those of one summary of all the draws; sums differ only by the order of
        additions (merge parts in a fixed order for reproducible numbers)."""
        if not other.count:
            return
        if self.edges is None and not self.count:
            self.bins, self.edges, self.shift = other.bins, other.edges, other.shift
            self.counts, self.sums = np.zeros(other.bins + 2), np.zeros(other.bins + 2)
        elif (
            other.edges is None
            or self.bins != other.bins
            or self.shift != other.shift
            or self.edges is None
            or not np.array_equal(self.edges, other.edges)
        ):
            raise ValueError("summaries binned on different ranges cannot be merged")
        self.counts = self.counts + other.counts
        self.sums = self.sums + other.sums
        self.count += other.count
        self.total += other.total
        self.total_sq += other.total_sq
        self.low, self.high = min(self.low, other.low), max(self.high, other.high)

    @property
    def mean(self) -> float:
        return self.total / self.count if self.count else float("nan")

    @property
    def std(self) -> float:
        if self.count < 2:
            return 0.0
        centred = self.mean - self.shift
        variance = (self.total_sq - self.count * centred**2) / (self.count - 1)
        return float(np.sqrt(max(variance, 0.0)))

    @property
    def stderr(self) -> float:
        return self.std / np.sqrt(self.count) if self.count else float("nan")

    def quantile(self, q: float) -> float:
        if not self.count or self.edges is None:
            return float("nan")
        target = q * self.count
        cumulative = np.cumsum(self.counts)
        i = int(np.searchsorted(cumulative, target, side="left"))
        if i == 0:
            return self.low
        if i >= self.bins + 1:
            return self.high
        before = cumulative[i - 1]
        inside = self.counts[i]
        fraction = (target - before) / inside if inside else 0.0
        left, right = self.edges[i - 1], self.edges[i]
        return float(min(max(left + fraction * (right - left), self.low), self.high))

    def cvar(self, level: float = 0.9) -> float:
        """Mean of the worst (highest) 1 − level share of the draws."""
        if not self.count:
            return float("nan")
        tail = (1 - level) * self.count
        taken, total = 0.0, 0.0
        for i in range(self.bins + 1, -1, -1):
            n = self.counts[i]
            if not n:
                continue
            take = min(n, tail - taken)
            total += self.sums[i] / n * take
            taken += take
            if taken >= tail:
                break
        return total / taken if taken else float("nan")

    def summary(self) -> dict[str, float]:
        return {
            "mean": self.mean,
            "p10": self.quantile(0.1),
            "p50": self.quantile(0.5),
            "p90": self.quantile(0.9),
            "cvar90": self.cvar(0.9),
            "std": self.std,
            "stderr": self.stderr,
            "min": self.low,
            "max": self.high,
        }

    def histogram(self, bins: int = 40) -> dict[str, list[float]]:
        """A coarse histogram for charts, between the 0.5% and 99.5% quantiles."""
        if not self.count or self.edges is None:
            return {"edges": [], "counts": []}
        lo, hi = self.quantile(0.005), self.quantile(0.995)
        if hi <= lo:
            hi = lo + max(abs(lo) * 1e-6, 1.0)
        coarse = np.linspace(lo, hi, bins + 1)
        centers = (self.edges[:-1] + self.edges[1:]) / 2
        counts, _ = np.histogram(centers, bins=coarse, weights=self.counts[1:-1])
        return {"edges": coarse.tolist(), "counts": counts.tolist()}


class StreamingColumns:
    """One streaming distribution per column of [draws, columns] batches of non-negative values
    (months), in fixed bins of `width` from 0, kept as arrays and updated together; `self[i]`
    gives column i as a `Streaming`. Means and spreads are exact; quantiles are within one bin;
    the extremes are those of the occupied bins. Bin sums are not kept (no CVaR)."""

    def __init__(self, columns: int, bins: int, width: float = 0.05) -> None:
        self.columns, self.bins, self.width = columns, bins, width
        self.counts = np.zeros((columns, bins + 2))
        self.count = 0
        self.total = np.zeros(columns)
        self.total_sq = np.zeros(columns)
        self.shift: np.ndarray | None = None

    def add(self, values: np.ndarray) -> None:
        values = np.asarray(values, dtype=float)
        if not self.columns or not values.size:
            return
        if not np.isfinite(values).all():  # a study that never ends: count it at the top
            values = np.where(np.isfinite(values), values, np.finfo(float).max / 4)
        if self.shift is None:
            self.shift = values.mean(axis=0)
        # Bin k + 1 holds [k·width, (k+1)·width); 0 and bins + 1 are below and above the range.
        index = (values * (1 / self.width)).astype(np.int32)
        np.clip(index, -1, self.bins, out=index)
        index += np.arange(1, self.columns * (self.bins + 2), self.bins + 2, dtype=np.int32)
        size = self.columns * (self.bins + 2)
        self.counts += np.bincount(index.ravel(), minlength=size).reshape(self.columns, -1)
        n = values.shape[0]
        centred = values - self.shift
        self.total += centred.sum(axis=0) + n * self.shift
        centred *= centred
        self.total_sq += centred.sum(axis=0)
        self.count += n

    def empty_like(self) -> StreamingColumns:
        """No draws yet, with this one's shift (see `Streaming.empty_like`)."""
        fresh = StreamingColumns(self.columns, self.bins, self.width)
        fresh.shift = self.shift
        return fresh

    def merge(self, other: StreamingColumns) -> None:
        """Add `other`'s draws (same columns, bins and shift): counts exactly, sums in order."""
        if not other.count:
            return
        if self.shift is None and not self.count:
            self.shift = other.shift
        same = (self.columns, self.bins, self.width) == (other.columns, other.bins, other.width)
        if (
            not same
            or self.shift is None
            or other.shift is None
            or not np.array_equal(self.shift, other.shift)
        ):
            raise ValueError("summaries binned differently cannot be merged")
        self.counts = self.counts + other.counts
        self.total = self.total + other.total
        self.total_sq = self.total_sq + other.total_sq
        self.count += other.count

    def __getitem__(self, i: int) -> Streaming:
        series = Streaming(bins=self.bins)
        if self.shift is not None:
            series.edges = self.width * np.arange(self.bins + 1)
            series.counts = self.counts[i]
            series.sums = np.zeros(self.bins + 2)
            series.count, series.total = self.count, float(self.total[i])
            series.total_sq, series.shift = float(self.total_sq[i]), float(self.shift[i])
            occupied = np.flatnonzero(self.counts[i])
            series.low = float(self.width * (occupied[0] - 1)) if occupied.size else 0.0
            series.high = float(self.width * occupied[-1]) if occupied.size else 0.0
        return series

    def __iter__(self):  # type: ignore[no-untyped-def]
        return (self[i] for i in range(self.columns))

    def __len__(self) -> int:
        return self.columns
