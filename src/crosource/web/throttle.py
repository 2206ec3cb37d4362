"""Sign-in throttling: too many failures for one email within a window blocks further tries."""

from __future__ import annotations

import threading
import time
from collections import defaultdict, deque


class LoginThrottle:
    """In-process counts; enough for the embedded single-process service (assumption: a
    multi-process deployment would keep them in the database)."""

    def __init__(self, attempts: int, window_seconds: float) -> None:
        self.attempts, self.window = attempts, window_seconds
        self._failures: dict[str, deque[float]] = defaultdict(deque)
        self._lock = threading.Lock()

    def _recent(self, key: str, now: float) -> deque[float]:
        failures = self._failures[key]
        while failures and now - failures[0] > self.window:
            failures.popleft()
        return failures

    def retry_after(self, key: str) -> int:
        """Seconds to wait before the next try is allowed, or 0."""
        now = time.monotonic()
        with self._lock:
            failures = self._recent(key, now)
            if len(failures) < self.attempts:
                return 0
            return max(1, int(self.window - (now - failures[0])) + 1)

    def failed(self, key: str) -> None:
        now = time.monotonic()
        with self._lock:
            self._recent(key, now).append(now)

    def succeeded(self, key: str) -> None:
        with self._lock:
            self._failures.pop(key, None)
