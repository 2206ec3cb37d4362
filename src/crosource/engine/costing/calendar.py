"""Dates of a study's end, and the calendar years a provider is active, from month counts."""

from __future__ import annotations

import datetime as dt

import numpy as np

from crosource.engine.costing.params import DAYS_PER_MONTH

FIRST_YEAR, LAST_YEAR = 1900, 2300
_JAN1 = np.array(
    [dt.date(y, 1, 1).toordinal() for y in range(FIRST_YEAR, LAST_YEAR + 1)], dtype=float
)


def end_ordinal(start_ordinal: np.ndarray, months: np.ndarray) -> np.ndarray:
    """The day a study ends: its start plus its duration at 365.25/12 days a month."""
    return start_ordinal + months * DAYS_PER_MONTH


_YEAR_OF_DAY = np.repeat(np.arange(FIRST_YEAR, LAST_YEAR), np.diff(_JAN1).astype(np.int64))


def year_of(ordinal: np.ndarray) -> np.ndarray:
    """Calendar year of (fractional) day ordinals, vectorised: a lookup by day."""
    day = np.clip(np.floor(ordinal), _JAN1[0], _JAN1[-1] - 1).astype(np.int64) - int(_JAN1[0])
    years: np.ndarray = _YEAR_OF_DAY[day]
    return years


def end_year(start_ordinal: np.ndarray, months: np.ndarray) -> np.ndarray:
    """The calendar year each study ends in, computed in place (the Monte Carlo's hot path)."""
    days = months * DAYS_PER_MONTH
    days += start_ordinal - _JAN1[0]
    years: np.ndarray = np.take(_YEAR_OF_DAY, days.astype(np.int32), mode="clip")
    return years


def date_of(ordinal: float) -> dt.date:
    return dt.date.fromordinal(int(np.floor(min(max(ordinal, _JAN1[0]), _JAN1[-1]))))


def _gap_free(starts: np.ndarray, ends: np.ndarray) -> bool:
    """Whether the union of the [start, end] year spans leaves no year out between them."""
    order = np.argsort(starts, kind="stable")
    reach = np.maximum.accumulate(ends[order])
    return bool(np.all(starts[order][1:] <= reach[:-1] + 1))


def active_years(start_year: np.ndarray, end_year: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Calendar years in which a provider has at least one active study.

    start_year: [studies]; end_year: [..., studies]; mask: [providers, studies] (the provider's
    studies). Returns [..., providers]: the count of distinct years covered by the union of its
    studies' [start year, end year] spans.

    Ends only ever lengthen spans, so when the spans with every study's earliest end in these
    draws leave no gap, none of the draws does: the count is then the latest end less the first
    start plus one, and only the studies that can end after the others' earliest ends are read.
    Otherwise each study's span is a bit mask of years and the provider's years are the bits
    set in the OR of its studies' masks.
    """
    lead = end_year.shape[:-1]
    providers = mask.shape[0]
    out = np.zeros((*lead, providers))
    if not mask.size or not mask.any():
        return out
    ends = end_year.reshape(-1, end_year.shape[-1])
    earliest, latest = ends.min(axis=0), ends.max(axis=0)
    flat = np.zeros((ends.shape[0], providers))
    slow = []
    for p in range(providers):
        mine = np.flatnonzero(mask[p])
        if not mine.size:
            continue
        if not _gap_free(start_year[mine], earliest[mine]):
            slow.append(p)
            continue
        floor = int(earliest[mine].max())
        later = mine[latest[mine] > floor]
        last = ends[:, later].max(axis=1) if later.size else np.full(ends.shape[0], floor)
        flat[:, p] = np.maximum(last, floor) - int(start_year[mine].min()) + 1
    if slow:
        flat[:, slow] = _bit_years(start_year, ends, mask[slow])
    out[...] = flat.reshape(out.shape)
    return out


def _bit_years(start_year: np.ndarray, ends: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Years per provider from bit masks of years: the bits set in the OR of its studies'."""
    base = int(start_year.min())
    horizon = int(ends.max()) - base if ends.size else 0
    # One bit a year, in the narrowest integer that holds the horizon: less memory to reduce.
    kind = np.int16 if horizon < 15 else np.int32 if horizon < 31 else np.int64
    offsets = np.ascontiguousarray((ends - base).astype(kind).T)  # studies first: rows
    np.clip(offsets, -1, 62, out=offsets)
    first = np.clip(start_year - base, 0, 62).astype(kind)[:, None]
    one = np.ones(1, dtype=kind)
    spans = ((one << (offsets + one)) - one) & ~((one << first) - one)
    flat = np.zeros((ends.shape[0], mask.shape[0]))
    for p in range(mask.shape[0]):
        mine = np.flatnonzero(mask[p])
        if mine.size:
            flat[:, p] = np.bitwise_count(np.bitwise_or.reduce(spans[mine], axis=0))
    return flat
