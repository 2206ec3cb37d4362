"""`crosource price` and `crosource simulate` as a user meets them: the JSON contract of issue
"Design and price", seeds, exit codes and located errors."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).parents[1]
SMALL = ROOT / "tests" / "engine" / "costing" / "small.yaml"
MIDSIZE = ROOT / "examples" / "midsize-hybrid.yaml"
COMPONENTS = {
    "fees",
    "oversight",
    "vendor_management",
    "coordination",
    "transitions",
    "quality",
    "amendments",
    "value_of_time",
}
SUMMARY = {"mean", "p10", "p50", "p90", "cvar90"}


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "crosource", *args],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=ROOT,
    )


def run_json(*args: str) -> dict[str, Any]:
    done = cli(*args, "--format", "json")
    assert done.returncode == 0, done.stderr
    document: dict[str, Any] = json.loads(done.stdout)
    return document


@pytest.mark.parametrize(
    "example", sorted((ROOT / "examples").glob("*.yaml")), ids=lambda p: p.stem
)
def test_price_json_contract(example: Path) -> None:
    document = run_json("price", str(example))
    assert document["command"] == "price"
    scenarios = document["result"]["scenarios"]
    assert scenarios and scenarios[0]["name"] == "recommended"
    for scenario in scenarios:
        assert set(scenario["components_usd"]) == COMPONENTS
        cash = sum(v for k, v in scenario["components_usd"].items() if k != "value_of_time")
        assert scenario["cash_tco_usd"] == pytest.approx(cash, rel=1e-12)
        assert scenario["economic_cost_usd"] == pytest.approx(
            cash + scenario["components_usd"]["value_of_time"], rel=1e-12
        )
        for study in scenario["studies"]:
            assert {"id", "expected_duration_months", "cash_tco_usd"} <= set(study)
            assert study["expected_duration_months"] > 0


def test_price_selected_scenarios_in_order() -> None:
    document = run_json("price", str(SMALL), "--scenario", "hand", "--scenario", "all_fso:A")
    assert [s["name"] for s in document["result"]["scenarios"]] == ["hand", "all_fso:A"]


def test_simulate_json_contract_and_seed() -> None:
    args = ("simulate", str(SMALL), "--draws", "3000", "--seed", "5", "--sensitivity-draws", "200")
    first, second = run_json(*args), run_json(*args)
    assert first["result"] == second["result"]
    result = first["result"]
    assert result["draws"] == 3000 and result["seed"] == 5
    for scenario in result["scenarios"]:
        assert set(scenario["cash_tco_usd"]) >= SUMMARY
        assert set(scenario["economic_cost_usd"]) >= SUMMARY
        s = scenario["cash_tco_usd"]
        assert s["p10"] <= s["p50"] <= s["p90"] <= s["cvar90"]
    names = [s["name"] for s in result["scenarios"]]
    pairs = {(c["a"], c["b"]) for c in result["comparisons"]}
    assert len(pairs) == len(names) * (len(names) - 1) // 2
    for comparison in result["comparisons"]:
        assert 0 <= comparison["probability_a_cheaper"] <= 1
    sensitivity = result["sensitivity"]
    assert sensitivity["tornado"] and set(sensitivity["variance_shares"]) == {
        "effort",
        "startup",
        "enrollment",
        "quality",
        "amendments",
    }
    assert sum(sensitivity["variance_shares"].values()) == pytest.approx(1.0)
    other = run_json("simulate", str(SMALL), "--draws", "3000", "--seed", "6", "--no-sensitivity")
    assert other["result"]["scenarios"][0]["cash_tco_usd"] != result["scenarios"][0]["cash_tco_usd"]
    assert "sensitivity" not in other["result"]


def test_unknown_scenario_exits_2_with_the_choices() -> None:
    done = cli("price", str(SMALL), "--scenario", "cheapest")
    assert done.returncode == 2
    assert "unknown scenario 'cheapest'" in done.stderr and "fsp_core" in done.stderr
    assert "Traceback" not in done.stderr


def test_a_plan_that_cannot_be_delivered_names_its_line(tmp_path: Path) -> None:
    tail = "\n    rates_usd_per_fte_month: {clinical_monitoring"
    text = SMALL.read_text().replace(
        "regions: [north_america, western_europe]" + tail, "regions: [north_america]" + tail
    )
    bad = tmp_path / "bad.yaml"
    bad.write_text(text)
    done = cli("price", str(bad), "--scenario", "hand")
    assert done.returncode == 2
    assert "plans[0].assignments[3]" in done.stderr and "line " in done.stderr


def test_invalid_draws_exit_2() -> None:
    done = cli("simulate", str(SMALL), "--draws", "-5")
    assert done.returncode == 2 and "Traceback" not in done.stderr


@pytest.mark.parametrize("command", ["price", "simulate"])
def test_table_and_html_outputs(command: str, tmp_path: Path) -> None:
    extra = ("--draws", "2000", "--sensitivity-draws", "200") if command == "simulate" else ()
    table = cli(command, str(SMALL), *extra)
    assert table.returncode == 0, table.stderr
    assert "recommended" in table.stdout
    out = tmp_path / "report.html"
    html = cli(command, str(SMALL), *extra, "--format", "html", "--out", str(out))
    assert html.returncode == 0, html.stderr
    text = out.read_text()
    assert "<svg" in text and "recommended" in text
    assert "<script src=" not in text and "<link " not in text


def test_optimize_json_contract_and_check() -> None:
    document = run_json("optimize", str(SMALL), "--check-draws", "2000")
    result = document["result"]
    assert result["status"] == "optimal"
    assert {
        "status",
        "objective_usd",
        "bound_usd",
        "gap",
        "solve_seconds",
        "plan",
        "components_usd",
        "binding",
    } <= set(result)
    planned = {(p["study"], p["function"]) for p in result["plan"]}
    assert planned == {
        ("S1", "project_management"),
        ("S1", "clinical_monitoring"),
        ("S1", "biostatistics"),
        ("S2", "project_management"),
        ("S2", "clinical_monitoring"),
        ("S2", "biostatistics"),
    }
    assert set(result["components_usd"]) == COMPONENTS
    names = [s["name"] for s in result["check"]["scenarios"]]
    assert names == ["recommended", "optimized"]
    recommended = result["check"]["scenarios"][0]["expected"]["cash_tco_usd"]
    assert result["cash_tco_usd"] <= recommended * (1 + 1e-9)


def test_optimize_infeasible_is_an_answer(tmp_path: Path) -> None:
    text = SMALL.read_text().replace("oversight_fte: 1", "oversight_fte: 0.01")
    bad = tmp_path / "tight.yaml"
    bad.write_text(text)
    done = cli("optimize", str(bad), "--format", "json")
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)["result"]
    assert result["status"] == "infeasible" and result["plan"] == []
    first = result["infeasibility"][0]
    assert "oversight staff in" in first["constraint"] and first["shortfall"] > 0
    relaxed = run_json("optimize", str(bad), "--no-oversight-limit", "--check-draws", "0")
    assert relaxed["result"]["status"] == "optimal"


def test_simulate_accepts_the_optimized_scenario() -> None:
    document = run_json(
        "simulate",
        str(SMALL),
        "-s",
        "recommended",
        "-s",
        "optimized",
        "--draws",
        "1000",
        "--no-sensitivity",
    )
    assert [s["name"] for s in document["result"]["scenarios"]] == ["recommended", "optimized"]


@pytest.mark.parametrize("fmt", ["table", "html"])
def test_optimize_table_and_html(fmt: str, tmp_path: Path) -> None:
    out = tmp_path / f"optimize.{fmt}"
    done = cli("optimize", str(SMALL), "--check-draws", "1000", "--format", fmt, "--out", str(out))
    assert done.returncode == 0, done.stderr
    text = out.read_text()
    assert "optimal" in text and "recommended" in text


def test_evaluate_json_contract() -> None:
    document = run_json("evaluate", str(ROOT / "examples" / "evaluations" / "rare-disease.yaml"))
    result = document["result"]
    assert sum(result["weights"].values()) == pytest.approx(1.0)
    assert result["excluded"] == {"aldergate": ["gcp_inspections"]}
    assert set(result["consistency"]) >= {"head_of_clinops", "procurement", "group"}
    for name in ("weighted_sum", "topsis", "smaa"):
        method = result["methods"][name]
        assert sorted(method["ranks"].values()) == [1, 2, 3]
    acceptability = result["methods"]["smaa"]["acceptability"]
    assert all(sum(row) == pytest.approx(1.0) for row in acceptability.values())
    assert {s["criterion"] for s in result["sensitivity"]} == set(result["weights"])


def test_evaluate_bad_file_exits_2(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("criteria: [{id: quality}]\nweights: {quality: 1}\nalternatives: []\n")
    done = cli("evaluate", str(bad))
    assert done.returncode == 2 and "Traceback" not in done.stderr


def test_evaluate_html(tmp_path: Path) -> None:
    out = tmp_path / "evaluation.html"
    done = cli(
        "evaluate",
        str(ROOT / "examples" / "evaluations" / "rare-disease.yaml"),
        "--format",
        "html",
        "--out",
        str(out),
    )
    assert done.returncode == 0, done.stderr
    text = out.read_text()
    assert text.count("<svg") == 3 and "orphan-bridge" in text and "aldergate" in text
    assert "<script src=" not in text


def test_bids_json_and_errors() -> None:
    args = (
        "bids",
        str(MIDSIZE),
        "--study",
        "CRV-310-201",
        "--grid",
        str(ROOT / "examples" / "bids" / "CRV-310-201.csv"),
    )
    result = run_json(*args)["result"]
    assert {b["provider"] for b in result["bids"]} == {"meridian", "tessera", "kestrel"}
    assert result["cheapest_quote"] == "kestrel" and result["cheapest_normalized"] == "tessera"
    wrong = cli(
        "bids",
        str(MIDSIZE),
        "--study",
        "NOPE",
        "--grid",
        str(ROOT / "examples" / "bids" / "CRV-310-201.csv"),
    )
    assert wrong.returncode == 2 and "has no study 'NOPE'" in wrong.stderr


def test_evaluate_a_portfolio_with_bids() -> None:
    result = run_json(
        "evaluate",
        str(MIDSIZE),
        "--study",
        "CRV-310-201",
        "--grid",
        str(ROOT / "examples" / "bids" / "CRV-310-201.csv"),
    )["result"]
    assert "cost" in result["weights"] and sum(result["weights"].values()) == pytest.approx(1)
    assert set(result["methods"]["topsis"]["ranks"]) == {"meridian", "tessera", "kestrel"}
    missing = cli("evaluate", str(MIDSIZE), "--study", "CRV-310-201")
    assert missing.returncode == 2 and "--grid" in missing.stderr


def test_bids_html(tmp_path: Path) -> None:
    out = tmp_path / "bids.html"
    done = cli(
        "bids",
        str(MIDSIZE),
        "--study",
        "CRV-310-201",
        "--grid",
        str(ROOT / "examples" / "bids" / "CRV-310-201.csv"),
        "--format",
        "html",
        "--out",
        str(out),
    )
    assert done.returncode == 0, done.stderr
    text = out.read_text()
    assert "<svg" in text and "cheapest quote is kestrel" in text
