"""`crosource serve`: a taken port is said plainly (exit 2), before anything is loaded."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest


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


def test_a_second_process_on_a_new_database_prints_no_second_link(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import uvicorn

    from crosource.cli_serve import serve

    monkeypatch.setenv("CROSOURCE_DATABASE_URL", f"sqlite:///{tmp_path / 'c.db'}")
    monkeypatch.setattr(uvicorn, "run", lambda *args, **kwargs: None)  # started, not stopped
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    serve(port=port)
    first = capsys.readouterr().err
    assert f"127.0.0.1:{port}/setup/" in first
    serve(port=port)
    second = capsys.readouterr().err
    assert "/setup/" not in second
    assert "Another crosource process on this database printed the setup link" in second
    assert "crosource user add EMAIL --role owner" in second
