"""`crosource worker` refuses SQLite plainly: the web application runs analyses itself there."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def test_a_worker_on_sqlite_says_it_needs_postgresql(tmp_path: Path) -> None:
    env = {**os.environ, "CROSOURCE_DATABASE_URL": f"sqlite:///{tmp_path / 'x.db'}"}
    done = subprocess.run(
        [sys.executable, "-m", "crosource", "worker"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2
    assert "workers need PostgreSQL" in done.stderr
    assert not (tmp_path / "x.db").exists()  # nothing was touched
