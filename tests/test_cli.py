"""The command line as a user meets it: real processes, exit codes, no tracebacks, the JSON
contract of issue "Foundation" on every example."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).parents[1]
EXAMPLES = sorted((ROOT / "examples").glob("*.yaml"))
MODELS = {"in_house", "fso", "fsp", "boutique"}


def cli(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "crosource", *args],
        capture_output=True,
        text=True,
        input=stdin,
        timeout=300,
        cwd=ROOT,
    )


def _decision(obj: dict[str, Any], options: set[str]) -> None:
    assert obj["choice"] in options
    assert set(obj["scores"]) == options
    assert all(isinstance(v, int | float) for v in obj["scores"].values())
    assert obj["reasons"] and all({"rule", "text"} <= set(r) for r in obj["reasons"])
    for cf in obj["counterfactuals"]:
        assert {"input", "to", "choice"} <= set(cf)
        assert cf["choice"] != obj["choice"]


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.stem)
def test_recommend_json_contract(example: Path) -> None:
    done = cli("recommend", str(example), "--format", "json")
    assert done.returncode == 0, done.stderr
    document = json.loads(done.stdout)
    assert document["command"] == "recommend" and document["input"] == str(example)
    assert isinstance(document["crosource"], str)
    result = document["result"]
    for program in result["programs"]:
        assert program["id"]
        _decision(program["relationship"], {"strategic", "tactical"})
        _decision(program["model"], {"fso", "fsp", "hybrid"})
    assert result["assignments"]
    for item in result["assignments"]:
        assert {
            "study",
            "function",
            "choice",
            "provider",
            "scores",
            "reasons",
            "counterfactuals",
        } <= set(item)
        _decision(item, MODELS)
        assert (item["provider"] is None) or isinstance(item["provider"], str)
        if item["choice"] == "in_house":
            assert item["provider"] is None
    assert all(isinstance(q, str) and q for q in result["questions_for_providers"])


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.stem)
def test_recommend_table_and_html(example: Path, tmp_path: Path) -> None:
    table = cli("recommend", str(example))
    assert table.returncode == 0 and "Relationship" in table.stdout
    out = tmp_path / "report.html"
    html = cli("recommend", str(example), "--format", "html", "--out", str(out))
    assert html.returncode == 0
    text = out.read_text()
    assert text.startswith("<!doctype html>") and "Rules cited" in text
    assert "http://" not in text and "https://" not in text  # self-contained


def test_validate_reports_every_problem_and_exits_2(tmp_path: Path) -> None:
    source = (ROOT / "tests" / "golden" / "case6_hybrid.yaml").read_text()
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        source.replace("patients: 240", "patients: -3").replace("program: MB-5", "program: MB-9")
    )
    done = cli("validate", str(bad))
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert "studies[0].patients" in done.stderr and "studies[0].program" in done.stderr
    assert "2 problems" in done.stderr


def test_validate_accepts_each_example() -> None:
    for example in EXAMPLES:
        done = cli("validate", str(example))
        assert done.returncode == 0 and "valid" in done.stdout


@pytest.mark.parametrize(
    "args",
    [
        ("recommend", "missing.yaml"),
        ("recommend", "README.md"),
        ("recommend", "examples/midsize-hybrid.yaml", "--format", "xml"),
        ("validate",),
        ("frobnicate",),
    ],
)
def test_bad_invocations_exit_2_without_traceback(args: tuple[str, ...]) -> None:
    done = cli(*args)
    assert done.returncode == 2
    assert "Traceback" not in done.stderr + done.stdout


def test_failed_run_writes_nothing(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("schema: crosource/portfolio@1\n")
    out = tmp_path / "report.html"
    done = cli("recommend", str(bad), "--format", "html", "--out", str(out))
    assert done.returncode == 2 and not out.exists()


def test_assess_writes_a_portfolio_that_recommends(tmp_path: Path) -> None:
    answers = [
        "Acme Bio",
        "clinical",
        *["0"] * 12,
        "2",
        "3",
        "18000",
        "1.5",
        "high",
        "medium",
        "high",
        "medium",
        "high",
        "low",
        "low",
        "n",
        "n",
        "y",
        "1",
        "AC-1",
        "Acme one",
        "rare_disease",
        "y",
        "y",
        "1",
        "AC-1-201",
        "2",
        "2027-03-01",
        "north_america:10, western_europe:5",
        "60",
        "0.2",
        "6",
        "high",
        "n",
        "n",
        "n",
    ]
    out = tmp_path / "acme.yaml"
    done = cli("assess", "--out", str(out), stdin="\n".join(answers) + "\n")
    assert done.returncode == 0, done.stderr + done.stdout
    recommended = cli("recommend", str(out), "--format", "json")
    assert recommended.returncode == 0
    result = json.loads(recommended.stdout)["result"]
    assert result["programs"][0]["id"] == "AC-1"
    assert any(a["function"] == "clinical_monitoring" for a in result["assignments"])


def test_assess_asks_again_after_an_invalid_answer(tmp_path: Path) -> None:
    answers = ["Acme", "galactic", "clinical"]  # an invalid stage, then a valid one
    done = cli("assess", "--out", str(tmp_path / "x.yaml"), stdin="\n".join(answers) + "\n")
    assert "expected one of: preclinical, clinical, commercial" in done.stdout
    assert "Traceback" not in done.stderr + done.stdout
    assert not (tmp_path / "x.yaml").exists()  # answers ran out: nothing written
