"""Excel workbooks: lossless round trips, equality with YAML, located errors, hostile files."""

from __future__ import annotations

import copy
import datetime as dt
import os
import re
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import openpyxl
import openpyxl.xml
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crosource.domain.portfolio import Portfolio
from crosource.io.errors import FileProblem, InvalidInput
from crosource.io.excel_io import read_workbook, write_template, write_workbook
from crosource.io.excel_sheets import SHEETS
from crosource.io.portfolio_io import load_portfolio, save_portfolio

EVERY_FUNCTION_USED = ("project_management", "site_management", "clinical_monitoring")
RICH: dict[str, Any] = {
    "schema": "crosource/portfolio@1",
    "currency": "EUR",
    "sponsor": {
        "name": "Example Bio",
        "stage": "clinical",
        "internal": {
            "biostatistics": {"fte": 2, "maturity": 3},
            "data_management": {"fte": 1.5, "maturity": 2},
        },
        "internal_cost_per_fte_month": 17500.5,
        "oversight_fte": 2.5,
        "preferences": {
            "control": "high",
            "sponsor_systems": True,
            "flexibility": "low",
            "own_investigator_relationships": True,
            "ai_maturity_required": "high",
        },
    },
    "programs": [
        {
            "id": "EX-101",
            "name": "EX-101 in NSCLC",
            "therapeutic_area": "oncology",
            "modality": "small_molecule",
            "value_of_a_day_usd": None,
        },
        {
            "id": "EX-202",
            "therapeutic_area": "rare_disease",
            "rare_disease": True,
            "commercial_intent": False,
            "value_of_a_day_usd": 250000.0,
        },
        {"id": "EX-303", "name": "  spaced  ", "therapeutic_area": "neurology"},
    ],
    "studies": [
        {
            "id": "EX-101-201",
            "program": "EX-101",
            "phase": "2",
            "start": "2027-03-01",
            "regions": {"north_america": 25, "western_europe": 15},
            "patients": 180,
            "enrollment_rate": 0.6,
            "treatment_followup_months": 6,
            "complexity": "high",
            "demand": {"project_management": 30, "clinical_monitoring": 160.5, "biostatistics": 12},
        },
        {
            "id": "EX-101-301",
            "program": "EX-101",
            "phase": "3",
            "start": "2028-09-15",
            "regions": {"north_america": 60, "asia_pacific": 40, "china": 10},
            "patients": 600,
            "enrollment_rate": 0.35,
            "pivotal": True,
            "adaptive_design": True,
            "demand": {
                "project_management": 80,
                "site_management": 90,
                "clinical_monitoring": 400,
                "data_management": 60,
                "biostatistics": 30,
            },
        },
        {
            "id": "EX-202-101",
            "program": "EX-202",
            "phase": "1",
            "start": "2027-01-10",
            "regions": {"western_europe": 3},
            "patients": 24,
            "enrollment_rate": 0.2,
            "feasibility_only": True,
            "demand": {"clinical_monitoring": 0},
        },
        {
            "id": "EX-303-P",
            "program": "EX-303",
            "phase": "preclinical",
            "start": "2026-06-01",
            "regions": {"north_america": 1},
            "patients": 1,
            "enrollment_rate": 1,
        },
    ],
    "providers": [
        {
            "id": "atlas",
            "name": "Atlas Clinical",
            "kind": "large_cro",
            "models": ["fso", "fsp"],
            "functions": [
                "project_management",
                "site_management",
                "clinical_monitoring",
                "data_management",
            ],
            "therapeutic_areas": {"oncology": 4, "rare_disease": 2.5},
            "regions": ["north_america", "western_europe", "asia_pacific", "china"],
            "capacity_fte": {"clinical_monitoring": 120},
            "rates_usd_per_fte_month": {
                "clinical_monitoring": {
                    "north_america": 22000,
                    "western_europe": 19000,
                    "default": 20000,
                },
                "project_management": {"default": 24000.5},
            },
            "scores": {"quality": 3, "ai_readiness": 2, "data_governance": 3.5},
        },
        {
            "id": "statwise",
            "name": "StatWise",
            "kind": "fsp_specialist",
            "models": ["fsp"],
            "functions": ["biostatistics", "data_management"],
            "rates_usd_per_fte_month": {"biostatistics": {"default": 18000}},
        },
        {
            "id": "rarepath",
            "kind": "boutique",
            "models": ["boutique"],
            "functions": ["clinical_monitoring"],
            "therapeutic_areas": {"rare_disease": 4},
            "regions": ["western_europe"],
        },
    ],
    "assumptions": {
        "learning_rate": 0.04,
        "vendor_management_usd_per_year": 100000,
        "oversight_share": {"in_house": 0, "fso": 0.06, "boutique": 0.07, "fsp": 0.1},
    },
    "plans": [
        {
            "name": "all-external",
            "assignments": [
                *(
                    {"study": "*", "function": f, "model": "fso", "provider": "atlas"}
                    for f in EVERY_FUNCTION_USED
                ),
                {"study": "*", "function": "data_management", "model": "in_house"},
                {"study": "*", "function": "biostatistics", "model": "fsp", "provider": "statwise"},
            ],
            "relationships": [{"program": "EX-101", "provider": "atlas", "type": "strategic"}],
        },
        {
            "name": "hybrid-a",
            "base": "recommended",
            "assignments": [
                {
                    "study": "EX-101-201",
                    "function": "clinical_monitoring",
                    "model": "fsp",
                    "provider": "atlas",
                },
                {"study": "*", "function": "biostatistics", "model": "in_house"},
            ],
            "relationships": [
                {"program": "EX-101", "provider": "atlas", "type": "strategic"},
                {"program": "EX-202", "provider": "rarepath", "type": "tactical"},
            ],
        },
        {"name": "just-the-recommendation", "base": "recommended"},
    ],
    "optimize": {
        "objective": "economic",
        "time_limit_s": 30,
        "gap": 0.01,
        "max_providers": 2,
        "max_share": 0.7,
        "locks": [{"study": "EX-101-301", "function": "biostatistics", "model": "in_house"}],
        "forbid": [
            {"study": "*", "function": "clinical_monitoring", "model": "fso", "provider": "atlas"}
        ],
    },
}
MINIMAL: dict[str, Any] = {
    "sponsor": {"name": "Tiny Bio"},
    "programs": [{"id": "T-1", "therapeutic_area": "other"}],
    "studies": [
        {
            "id": "T-1-101",
            "program": "T-1",
            "phase": "1",
            "start": "2027-01-01",
            "regions": {"china": 2},
            "patients": 10,
            "enrollment_rate": 0.5,
        }
    ],
}


def portfolio(data: dict[str, Any], **changes: Any) -> Portfolio:
    return Portfolio.model_validate({**copy.deepcopy(data), **changes})


def round_trip(p: Portfolio, file: Path) -> Portfolio:
    write_workbook(p, file)
    return load_portfolio(file)


def problems_of(file: Path) -> list[FileProblem]:
    with pytest.raises(InvalidInput) as raised:
        load_portfolio(file)
    return raised.value.problems


def has(problems: list[FileProblem], where: str, *words: str) -> bool:
    return any(p.where == where and all(w in p.message for w in words) for p in problems)


def edited(tmp_path: Path, change: Callable[[Any], None], data: dict[str, Any] = RICH) -> Path:
    """A workbook of `data`, changed the way a person would change it in Excel."""
    file = tmp_path / "edited.xlsx"
    write_workbook(portfolio(data), file)
    book = openpyxl.load_workbook(file)
    change(book)
    book.save(file)
    return file


def put(book: Any, sheet: str, row: int, column: str, value: Any) -> None:
    header = [c.value for c in book[sheet][1]]
    book[sheet].cell(row=row, column=header.index(column) + 1).value = value


# --- round trips -------------------------------------------------------------------------------


def test_rich_portfolio_round_trips(tmp_path: Path) -> None:
    original = portfolio(RICH)
    again = round_trip(original, tmp_path / "rich.xlsx")
    assert again == original
    assert again.optimize == original.optimize
    assert [p.base for p in again.plans] == [None, "recommended", "recommended"]


@pytest.mark.parametrize(
    "changes",
    [
        {},  # optional lists empty, optimize absent
        {"optimize": {}},  # optimize present with every default
        {
            "optimize": {
                "locks": [],
                "forbid": [
                    {"study": "*", "function": "biostatistics", "model": "fsp", "provider": "p"}
                ],
            },
            "providers": [
                {
                    "id": "p",
                    "kind": "boutique",
                    "models": ["fsp"],
                    "functions": ["biostatistics", "biostatistics"],
                    "rates_usd_per_fte_month": {"biostatistics": {}},
                }
            ],
        },
        {"assumptions": {"oversight_share": {}, "learning_max": 0.2}},
    ],
)
def test_edge_portfolios_round_trip(tmp_path: Path, changes: dict[str, Any]) -> None:
    original = portfolio(MINIMAL, **changes)
    assert round_trip(original, tmp_path / "edge.xlsx") == original


def test_text_and_numbers_that_excel_would_change_round_trip(tmp_path: Path) -> None:
    tricky = copy.deepcopy(MINIMAL)
    tricky["sponsor"]["name"] = '=HYPERLINK("x")'  # text, never a formula
    tricky["programs"][0] |= {"name": "a\r\nb\x01 _x000D_ ünï", "modality": "007"}
    tricky["studies"][0] |= {"id": "101", "patients": 2**60, "start": "1899-12-31"}
    original = portfolio(tricky)
    assert round_trip(original, tmp_path / "tricky.xlsx") == original


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(name=st.text(max_size=40), sponsor=st.text(min_size=1, max_size=40).filter(str.strip))
def test_any_text_round_trips(tmp_path: Path, name: str, sponsor: str) -> None:
    original = portfolio(
        MINIMAL,
        sponsor={"name": sponsor},
        programs=[{"id": "T-1", "name": name, "therapeutic_area": "other"}],
    )
    assert round_trip(original, tmp_path / "text.xlsx") == original


def test_save_portfolio_writes_excel_atomically(tmp_path: Path) -> None:
    file = tmp_path / "out" / "rich.xlsx"
    save_portfolio(portfolio(RICH), file)
    assert load_portfolio(file) == portfolio(RICH)
    assert [f.name for f in file.parent.iterdir()] == ["rich.xlsx"]


# --- YAML and Excel give the same portfolio ----------------------------------------------------

YAML = """
schema: crosource/portfolio@1
sponsor:
  name: Example Bio
  internal: {biostatistics: {fte: 2, maturity: 3}}
  preferences: {control: high, sponsor_systems: true}
programs:
  - {id: EX-101, name: EX-101 in NSCLC, therapeutic_area: oncology, modality: small_molecule}
studies:
  - id: EX-101-201
    program: EX-101
    phase: 2
    start: 2027-03-01
    regions: {north_america: 25, western_europe: 15}
    patients: 180
    enrollment_rate: 0.6
    adaptive_design: true
    demand: {project_management: 30, clinical_monitoring: 160, biostatistics: 10}
providers:
  - id: atlas
    name: Atlas Clinical
    kind: large_cro
    models: [fso, fsp]
    functions: [project_management, clinical_monitoring]
    therapeutic_areas: {oncology: 4}
    regions: [north_america, western_europe]
    capacity_fte: {clinical_monitoring: 120}
    rates_usd_per_fte_month:
      clinical_monitoring: {north_america: 22000, default: 20000}
    scores: {quality: 3}
assumptions: {learning_rate: 0.04, oversight_share: {fso: 0.06, fsp: 0.1}}
plans:
  - name: hybrid-a
    base: recommended
    assignments:
      - {study: EX-101-201, function: clinical_monitoring, model: fsp, provider: atlas}
      - {study: "*", function: biostatistics, model: in_house}
    relationships:
      - {program: EX-101, provider: atlas, type: strategic}
optimize:
  objective: economic
  locks:
    - {study: EX-101-201, function: biostatistics, model: in_house}
"""

# The same portfolio as a person would type it: numbers as numbers, a yes, an ISO date as text,
# a differently cased header, sheets in another order, the sheets it does not need left out.
WORKBOOK: dict[str, list[list[Any]]] = {
    "Studies": [
        [
            "ID",
            "program",
            "phase",
            "start",
            "regions",
            "patients",
            "enrollment_rate",
            "adaptive_design",
        ],
        [
            "EX-101-201",
            "EX-101",
            2,
            dt.datetime(2027, 3, 1),
            "north_america:25; western_europe: 15",
            180,
            0.6,
            "yes",
        ],
    ],
    "Sponsor": [
        ["field", "value"],
        ["name", "Example Bio"],
        ["preferences.control", "high"],
        ["preferences.sponsor_systems", True],
    ],
    "Internal": [["function", "fte", "maturity"], ["biostatistics", 2, 3]],
    "Programs": [
        ["id", "name", "therapeutic_area", "modality"],
        ["EX-101", "EX-101 in NSCLC", "oncology", "small_molecule"],
    ],
    "Demand": [
        ["study", "function", "fte_months"],
        ["EX-101-201", "project_management", 30],
        [None],
        ["EX-101-201", "clinical_monitoring", "160"],
        ["EX-101-201", "biostatistics", 10],
    ],
    "Providers": [
        ["id", "name", "kind", "models", "regions", "therapeutic_areas"],
        [
            "atlas",
            "Atlas Clinical",
            "large_cro",
            "fso;fsp",
            "north_america; western_europe",
            "oncology: 4",
        ],
    ],
    "ProviderFunctions": [
        ["provider", "function", "capacity_fte"],
        ["atlas", "project_management"],
        ["atlas", "clinical_monitoring", 120],
    ],
    "Rates": [
        ["provider", "function", "region", "usd"],
        ["atlas", "clinical_monitoring", "north_america", 22000],
        ["atlas", "clinical_monitoring", "default", 20000],
    ],
    "Scores": [["provider", "criterion", "score"], ["atlas", "quality", 3]],
    "Assumptions": [
        ["id", "value"],
        ["learning_rate", 0.04],
        ["oversight_share", "fso: 0.06; fsp: 0.1"],
    ],
    "Plans": [
        ["plan", "base", "study", "function", "model", "provider"],
        ["hybrid-a", "recommended", "EX-101-201", "clinical_monitoring", "fsp", "atlas"],
        ["hybrid-a", None, "*", "biostatistics", "in_house"],
    ],
    "Relationships": [
        ["plan", "program", "provider", "type"],
        ["hybrid-a", "EX-101", "atlas", "strategic"],
    ],
    "Optimize": [["field", "value"], ["objective", "economic"]],
    "OptimizeRules": [
        ["kind", "study", "function", "model", "provider"],
        ["lock", "EX-101-201", "biostatistics", "in_house"],
    ],
}


def typed_workbook(file: Path, sheets: dict[str, list[list[Any]]]) -> Path:
    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    book.save(file)
    return file


def test_yaml_and_excel_of_the_same_portfolio_are_equal(tmp_path: Path) -> None:
    (tmp_path / "p.yaml").write_text(YAML, encoding="utf-8")
    from_yaml = load_portfolio(tmp_path / "p.yaml")
    from_excel = load_portfolio(typed_workbook(tmp_path / "p.xlsx", WORKBOOK))
    assert from_excel == from_yaml
    written = tmp_path / "written.xlsx"
    write_workbook(from_yaml, written)
    assert load_portfolio(written) == from_yaml


def test_read_workbook_gives_the_data_of_the_yaml(tmp_path: Path) -> None:
    data, _ = read_workbook(typed_workbook(tmp_path / "p.xlsx", WORKBOOK))
    assert data["studies"][0]["regions"] == {"north_america": 25, "western_europe": 15}
    assert data["providers"][0]["functions"] == ["project_management", "clinical_monitoring"]
    assert data["plans"][0]["base"] == "recommended"
    assert data["optimize"]["locks"][0]["model"] == "in_house"


# --- template ----------------------------------------------------------------------------------


def test_template_has_every_sheet_and_a_readme_that_names_them(tmp_path: Path) -> None:
    file = tmp_path / "template.xlsx"
    write_template(file)
    book = openpyxl.load_workbook(file)
    assert book.sheetnames == ["README", *(s.name for s in SHEETS)]
    readme = [row[0] for row in book["README"].iter_rows(values_only=True)]
    assert all(s.name in readme for s in SHEETS)
    text = " ".join(str(v) for row in book["README"].iter_rows(values_only=True) for v in row)
    assert "clinical_monitoring" in text and "central_eastern_europe" in text
    assert "recommended" in text and "lock or forbid" in text
    for spec in SHEETS:
        sheet = book[spec.name]
        assert [c.value for c in sheet[1]] == list(spec.column_names)
        assert sheet.freeze_panes == "A2" and sheet["A1"].font.bold
    assert [r[0] for r in book["Sponsor"].iter_rows(min_row=2, values_only=True)][:3] == [
        "schema",
        "currency",
        "name",
    ]
    assert all(r[1] is None for r in book["Sponsor"].iter_rows(min_row=2, values_only=True))
    # Empty, it is a workbook with its problems, not a broken file.
    assert has(problems_of(file), "sheet Sponsor, row 4, column value", "required field")


# --- problems, each where a person finds it ----------------------------------------------------


def test_text_in_patients_names_sheet_row_and_column(tmp_path: Path) -> None:
    file = edited(tmp_path, lambda b: put(b, "Studies", 3, "patients", "many"))
    assert has(problems_of(file), "sheet Studies, row 3, column patients", "whole number", "many")


def test_unknown_function_in_demand_names_sheet_and_row(tmp_path: Path) -> None:
    file = edited(tmp_path, lambda b: put(b, "Demand", 4, "function", "biostats"))
    assert has(problems_of(file), "sheet Demand, row 4, column function", "unknown id 'biostats'")


def test_validation_problems_are_reported_together(tmp_path: Path) -> None:
    def change(book: Any) -> None:
        put(book, "Studies", 2, "patients", "many")
        put(book, "Demand", 3, "fte_months", -4)
        put(book, "Rates", 2, "region", "mars")
        put(book, "Rates", 3, "usd", "cheap")
        put(book, "Sponsor", 4, "value", None)
        put(book, "Plans", 3, "provider", "nobody")

    found = problems_of(edited(tmp_path, change))
    assert has(found, "sheet Studies, row 2, column patients", "whole number")
    assert has(found, "sheet Demand, row 3, column fte_months", "at least 0")
    assert has(found, "sheet Rates, row 2, column region", "unknown region 'mars'")
    assert has(found, "sheet Rates, row 3, column usd", "expected a number")
    assert has(found, "sheet Sponsor, row 4, column value", "required field 'name' is missing")
    assert has(found, "sheet Plans, row 3, column provider", "unknown provider 'nobody'")


def test_excel_problems_are_reported_together(tmp_path: Path) -> None:
    def change(book: Any) -> None:
        put(book, "Studies", 2, "regions", "north_america:abc")
        put(book, "Demand", 2, "study", "EX-999")
        book["Studies"].cell(row=1, column=13, value="sites")
        book["Plans"].cell(row=2, column=9, value="note")
        put(book, "Relationships", 2, "plan", "plan-z")
        put(book, "OptimizeRules", 2, "kind", "keep")
        put(book, "Assumptions", 2, "value", None)
        book.create_sheet("Notes")

    found = problems_of(edited(tmp_path, change))
    assert has(
        found, "sheet Studies, row 2, column regions", "'abc' is not a number", "north_america:25"
    )
    assert has(found, "sheet Demand, row 2, column study", "'EX-999' is not on the Studies")
    assert has(found, "sheet Studies, row 1, column M", "unknown column 'sites'")
    assert has(found, "sheet Plans, row 2, column I", "without a name in row 1")
    assert has(found, "sheet Relationships, row 2, column plan", "'plan-z' is not on the Plans")
    assert has(found, "sheet OptimizeRules, row 2, column kind", "lock or forbid", "'keep'")
    assert has(found, "sheet Assumptions, row 2, column value", "is empty")
    assert has(found, "sheet Notes", "unknown sheet")
    assert len(found) == 8


def test_missing_column_and_missing_sheet(tmp_path: Path) -> None:
    def change(book: Any) -> None:
        book["Studies"].delete_cols(6)  # patients
        del book["Programs"]

    found = problems_of(edited(tmp_path, change))
    assert has(found, "sheet Studies", "missing column patients")
    assert has(found, "", "has no sheet Programs")


def test_repeated_rows_and_conflicting_base(tmp_path: Path) -> None:
    def change(book: Any) -> None:
        book["Demand"].append(["EX-101-201", "clinical_monitoring", 5])
        book["Rates"].append(["atlas", "clinical_monitoring", "default", 1])
        put(book, "Plans", 8, "base", "none")

    found = problems_of(edited(tmp_path, change))
    assert has(found, "sheet Demand, row 11, column function", "repeats row 3")
    assert has(found, "sheet Rates, row 7, column region", "repeats row 4")
    assert has(found, "sheet Plans, row 8, column base", "base 'recommended' on row 7")


def test_provider_without_functions_and_rate_for_a_function_not_offered(tmp_path: Path) -> None:
    def change(book: Any) -> None:
        book["ProviderFunctions"].delete_rows(8)  # rarepath's only function
        put(book, "ProviderFunctions", 6, "function", "medical_writing")  # was biostatistics

    found = problems_of(edited(tmp_path, change))
    where = "sheet ProviderFunctions, rows of provider rarepath"
    assert has(found, where, "needs at least 1 entry")
    assert has(found, "sheet Rates, row 6, column function", "'biostatistics' is not among")
    assert has(found, "sheet Plans, row 6, column function", "does not offer biostatistics")


def test_formula_without_a_saved_value_is_named(tmp_path: Path) -> None:
    file = edited(tmp_path, lambda b: put(b, "Studies", 2, "patients", "=10*18"))
    assert has(
        problems_of(file), "sheet Studies, row 2, column patients", "formula without a value"
    )


def test_unknown_assumption_and_criterion_point_at_their_ids(tmp_path: Path) -> None:
    def change(book: Any) -> None:
        put(book, "Assumptions", 2, "id", "learning_speed")
        put(book, "Scores", 2, "criterion", "charm")

    found = problems_of(edited(tmp_path, change))
    assert has(found, "sheet Assumptions, row 2, column id", "unknown assumption id")
    assert has(found, "sheet Scores, row 2, column criterion", "unknown criterion 'charm'")


# --- hostile files -----------------------------------------------------------------------------


def refusal(file: Path) -> str:
    with pytest.raises(InvalidInput) as raised:
        read_workbook(file)
    return str(raised.value)


def test_openpyxl_parses_with_defusedxml() -> None:
    assert openpyxl.xml.DEFUSEDXML


def test_random_bytes_are_not_a_workbook(tmp_path: Path) -> None:
    file = tmp_path / "random.xlsx"
    file.write_bytes(os.urandom(4096))
    assert "is not an Excel workbook (.xlsx) or is damaged" in refusal(file)


def test_a_zip_that_is_not_a_workbook(tmp_path: Path) -> None:
    file = tmp_path / "other.xlsx"
    with zipfile.ZipFile(file, "w") as archive:
        archive.writestr("hello.txt", "hello")
    assert "is not an Excel workbook" in refusal(file)


def test_oversized_file_is_refused_before_reading(tmp_path: Path) -> None:
    file = tmp_path / "big.xlsx"
    with file.open("wb") as f:
        f.truncate(21 * 1024 * 1024)  # sparse: no disk used
    assert "the limit for a workbook is 20,971,520 bytes" in refusal(file)


def zip_of_zeros(file: Path, megabytes: int) -> Path:
    block = bytes(1024 * 1024)
    with (
        zipfile.ZipFile(file, "w", zipfile.ZIP_DEFLATED) as archive,
        archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as member,
    ):
        for _ in range(megabytes):
            member.write(block)
    return file


def test_zip_bomb_is_refused_before_unpacking(tmp_path: Path) -> None:
    file = zip_of_zeros(tmp_path / "bomb.xlsx", 300)
    assert file.stat().st_size < 2 * 1024 * 1024
    assert "unpacks to 314,572,800 bytes; the limit is 209,715,200" in refusal(file)


def test_absurd_compression_ratio_is_refused(tmp_path: Path) -> None:
    message = refusal(zip_of_zeros(tmp_path / "ratio.xlsx", 20))
    assert re.search(r"its part xl/worksheets/sheet1.xml is compressed [\d,]+ to 1", message)


def replace_member(file: Path, member: str, change: Callable[[bytes], bytes]) -> Path:
    out = file.with_name("changed.xlsx")
    with zipfile.ZipFile(file) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            content = source.read(info)
            target.writestr(info, change(content) if info.filename == member else content)
    return out


def test_entity_expansion_is_refused(tmp_path: Path) -> None:
    file = tmp_path / "p.xlsx"
    write_workbook(portfolio(MINIMAL), file)
    laughs = (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
    )
    bomb = replace_member(
        file, "xl/worksheets/sheet2.xml", lambda xml: laughs + xml.replace(b"Tiny Bio", b"&lol2;")
    )
    assert "it declares XML entities" in refusal(bomb)


def test_too_many_rows_is_refused(tmp_path: Path) -> None:
    file = typed_workbook(tmp_path / "long.xlsx", {"Studies": [["id"]]})
    book = openpyxl.load_workbook(file)
    book["Studies"].cell(row=100_002, column=1, value="x")
    book.save(file)
    assert "has 100,002 rows; the limit is 100,000" in refusal(file)
    # Without the declared size, reading stops at the limit.
    undeclared = replace_member(
        file, "xl/worksheets/sheet1.xml", lambda xml: re.sub(rb"<dimension [^>]*/>", b"", xml)
    )
    assert "has more than 100,000 rows" in refusal(undeclared)
