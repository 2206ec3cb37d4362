"""`crosource serve`: a taken port is said plainly (exit 2), before anything is loaded."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path


def test_a_taken_port_exits_2_with_a_message(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        env = os.environ | {"CROSOURCE_DATABASE_URL": f"sqlite:///{tmp_path / 'c.db'}"}
        done = subprocess.run(
            [sys.executable, "-m", "crosource", "serve", "--port", str(port)],
            capture_output=True,
            text=True,
            timeout=120,
            env=env,
        )
    assert done.returncode == 2
    assert f"cannot listen on 127.0.0.1:{port}" in done.stderr
    assert "Traceback" not in done.stderr
    assert not (tmp_path / "c.db").exists()  # nothing was made
