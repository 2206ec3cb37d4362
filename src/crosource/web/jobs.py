"""Kept for code that imported the runner from here: it lives in crosource.tasks.inprocess, out
of the web application, so that a worker process never imports the web app."""

from __future__ import annotations

from crosource.tasks.execute import Stopped
from crosource.tasks.inprocess import BEAT_SECONDS, JobRunner

__all__ = ["BEAT_SECONDS", "JobRunner", "Stopped"]
