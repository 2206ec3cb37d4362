"""Write examples/large-pharma.yaml: a large sponsor's portfolio, generated from a fixed seed.

The YAML is the committed artefact; this script documents how it was made and regenerates it
byte for byte (`python scripts/make_large_example.py [--seed N] [--out PATH]`). Standard library
and PyYAML only. The demand per function is sized from each study's sites, patients, duration and
complexity with the rules of thumb in `size_demand` (FTE-months), with +/-10% noise.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
from pathlib import Path
from typing import Any

import yaml

SEED = 20270101
OUT = Path(__file__).resolve().parent.parent / "examples" / "large-pharma.yaml"

REGIONS = [
    "north_america",
    "latin_america",
    "western_europe",
    "central_eastern_europe",
    "asia_pacific",
    "china",
    "middle_east_africa",
]
FUNCTIONS = [
    "project_management",
    "site_management",
    "clinical_monitoring",
    "regulatory_affairs",
    "data_management",
    "biostatistics",
    "statistical_programming",
    "medical_writing",
    "pharmacovigilance",
    "medical_monitoring",
    "quality_assurance",
    "real_world_evidence",
]
CORE = FUNCTIONS[:-1]

# --------------------------------------------------------------------------------------------
# Sponsor
# --------------------------------------------------------------------------------------------

SPONSOR: dict[str, Any] = {
    "name": "Aurelian Pharmaceuticals",
    "stage": "commercial",
    "internal": {
        "project_management": {"fte": 30, "maturity": 4},
        "site_management": {"fte": 12, "maturity": 3},
        "clinical_monitoring": {"fte": 45, "maturity": 3},
        "regulatory_affairs": {"fte": 28, "maturity": 4},
        "data_management": {"fte": 60, "maturity": 4},
        "biostatistics": {"fte": 40, "maturity": 4},
        "statistical_programming": {"fte": 50, "maturity": 3},
        "medical_writing": {"fte": 22, "maturity": 3},
        "pharmacovigilance": {"fte": 35, "maturity": 4},
        "medical_monitoring": {"fte": 25, "maturity": 4},
        "quality_assurance": {"fte": 20, "maturity": 4},
        "real_world_evidence": {"fte": 15, "maturity": 3},
    },
    "internal_cost_per_fte_month": 20000,
    "oversight_fte": 40,
    "preferences": {
        "control": "high",
        "sponsor_systems": True,
        "central_data_management": True,
        "own_investigator_relationships": True,
        "flexibility": "medium",
        "budget_pressure": "medium",
        "risk_sharing": "medium",
        "senior_attention": "low",
        "ai_maturity_required": "high",
        "portfolio_growth": "medium",
    },
}

# --------------------------------------------------------------------------------------------
# Programs and the shape of their studies
# --------------------------------------------------------------------------------------------

# Per therapeutic-area profile, by phase: (patients low, high), (sites low, high), enrollment rate
# (patients per site per month), treatment + follow-up months, complexity, number of regions
# (low, high), and `touch`: how much per-patient work (visits, data, safety) a patient brings.
PROFILES: dict[str, dict[str, Any]] = {
    "oncology": {
        "touch": 1.2,
        "1": ((40, 120), (6, 15), 0.3, 12, "high", (1, 3)),
        "2": ((120, 300), (35, 80), 0.3, 18, "high", (3, 4)),
        "3": ((500, 900), (150, 300), 0.2, 24, "high", (5, 6)),
        "4": ((200, 500), (50, 120), 0.3, 12, "medium", (2, 3)),
    },
    "immunology": {
        "touch": 1.0,
        "1": ((30, 60), (2, 5), 1.2, 3, "low", (1, 1)),
        "2": ((150, 300), (40, 90), 0.5, 6, "medium", (3, 4)),
        "3": ((400, 900), (120, 280), 0.4, 12, "medium", (4, 6)),
        "4": ((300, 800), (60, 150), 0.5, 12, "low", (2, 3)),
    },
    "neurology": {
        "touch": 1.0,
        "1": ((30, 60), (3, 8), 0.8, 3, "medium", (1, 1)),
        "2": ((150, 350), (40, 90), 0.4, 12, "high", (3, 4)),
        "3": ((600, 1500), (150, 300), 0.3, 18, "high", (4, 6)),
        "4": ((300, 800), (60, 150), 0.5, 12, "medium", (2, 3)),
    },
    "neurology_episodic": {  # migraine: outpatient, diary endpoints, fast enrollment
        "touch": 0.7,
        "1": ((30, 60), (3, 6), 0.8, 3, "low", (1, 1)),
        "2": ((200, 400), (40, 70), 0.6, 3, "medium", (2, 3)),
        "3": ((700, 1200), (120, 200), 0.55, 6, "medium", (3, 5)),
        "4": ((300, 800), (60, 150), 0.6, 12, "low", (2, 3)),
    },
    "cardiometabolic": {
        "touch": 0.6,
        "1": ((30, 80), (2, 6), 1.2, 3, "low", (1, 1)),
        "2": ((200, 500), (40, 90), 0.8, 9, "medium", (2, 4)),
        "3": ((1000, 3000), (150, 350), 0.9, 18, "medium", (5, 7)),
        "4": ((400, 1200), (80, 200), 0.8, 12, "low", (2, 4)),
    },
    "respiratory": {
        "touch": 0.8,
        "1": ((30, 60), (2, 5), 1.0, 3, "low", (1, 1)),
        "2": ((200, 450), (50, 110), 0.5, 12, "medium", (3, 4)),
        "3": ((800, 1800), (200, 400), 0.35, 12, "medium", (5, 6)),
        "4": ((400, 900), (80, 180), 0.5, 12, "low", (2, 3)),
    },
    "infectious_disease": {
        "touch": 0.25,  # vaccines: many healthy volunteers, light per-participant follow-up
        "1": ((60, 150), (3, 8), 1.5, 6, "low", (1, 1)),
        "2": ((400, 1000), (20, 45), 1.5, 12, "medium", (1, 3)),
        "3": ((3000, 6000), (150, 280), 1.5, 12, "medium", (4, 6)),
        "4": ((1500, 4000), (60, 150), 1.2, 12, "low", (2, 3)),
    },
    "cell_gene_therapy": {
        "touch": 2.0,
        "1": ((9, 15), (3, 5), 0.12, 24, "high", (1, 2)),
        "2": ((20, 40), (8, 14), 0.12, 24, "high", (2, 3)),
        "3": ((50, 90), (18, 30), 0.1, 18, "high", (3, 4)),
        "4": ((60, 150), (20, 40), 0.1, 24, "medium", (2, 3)),
    },
}

# id, name, therapeutic area, rare disease, modality, phases of its studies, first start (year,
# month), whether China and Latin America are part of late-phase footprints.
PROGRAMS: list[dict[str, Any]] = [
    {
        "id": "AUR-1021",
        "name": "AUR-1021 (KRAS G12D inhibitor) in pancreatic and colorectal cancer",
        "ta": "oncology",
        "modality": "small_molecule",
        "phases": "11122233",
        "first": (2026, 9),
        "china": True,
        "feasibility": "1-03",
    },
    {
        "id": "AUR-2290",
        "name": "AUR-2290 (BCMAxCD3 bispecific) in multiple myeloma",
        "ta": "oncology",
        "modality": "bispecific_antibody",
        "phases": "1122334",
        "first": (2026, 11),
        "china": True,
    },
    {
        "id": "AUR-3105",
        "name": "AUR-3105 (anti-IL-23p19) in psoriasis, Crohn's disease and UC",
        "ta": "immunology",
        "modality": "monoclonal_antibody",
        "phases": "2233344",
        "first": (2026, 10),
        "latam": True,
    },
    {
        "id": "AUR-3560",
        "name": "AUR-3560 (anti-IFNAR) in systemic lupus erythematosus",
        "ta": "immunology",
        "modality": "monoclonal_antibody",
        "phases": "1223",
        "first": (2027, 3),
        "latam": True,
    },
    {
        "id": "AUR-4410",
        "name": "AUR-4410 (anti-tau antibody) in early Alzheimer's disease",
        "ta": "neurology",
        "modality": "monoclonal_antibody",
        "phases": "12334",
        "first": (2026, 12),
    },
    {
        "id": "AUR-4620",
        "name": "AUR-4620 (oral CGRP antagonist) in migraine prevention",
        "ta": "neurology",
        "profile": "neurology_episodic",
        "modality": "small_molecule",
        "phases": "123344",
        "first": (2027, 1),
    },
    {
        "id": "AUR-5150",
        "name": "AUR-5150 (oral GLP-1 receptor agonist) in obesity and type 2 diabetes",
        "ta": "cardiometabolic",
        "modality": "small_molecule",
        "phases": "1112233334",
        "first": (2026, 9),
        "china": True,
        "latam": True,
        "feasibility": "1-03",
    },
    {
        "id": "AUR-5380",
        "name": "AUR-5380 (siRNA against Lp(a)) in cardiovascular risk reduction",
        "ta": "cardiometabolic",
        "modality": "sirna",
        "phases": "123",
        "first": (2027, 2),
        "latam": True,
        "cvot": True,
    },
    {
        "id": "AUR-6200",
        "name": "AUR-6200 (anti-TSLP) in COPD and severe asthma",
        "ta": "respiratory",
        "modality": "monoclonal_antibody",
        "phases": "22334",
        "first": (2027, 1),
        "china": True,
    },
    {
        "id": "AUR-7030",
        "name": "AUR-7030 (RSV prefusion F vaccine) in adults 60 and over",
        "ta": "infectious_disease",
        "modality": "vaccine",
        "phases": "123334",
        "first": (2026, 10),
        "latam": True,
    },
    {
        "id": "AUR-8801",
        "name": "AUR-8801 (AAV gene therapy) in Duchenne muscular dystrophy",
        "ta": "cell_gene_therapy",
        "modality": "aav_gene_therapy",
        "phases": "123",
        "first": (2027, 4),
        "rare": True,
    },
]

REGION_WEIGHT = {
    "north_america": 0.34,
    "western_europe": 0.25,
    "central_eastern_europe": 0.16,
    "asia_pacific": 0.12,
    "china": 0.07,
    "latin_america": 0.06,
    "middle_east_africa": 0.03,
}

STARTUP = {"1": 4, "2": 5.5, "3": 6, "4": 5}
CX = {"low": 0.8, "medium": 1.0, "high": 1.25}


def size_demand(
    phase: str,
    regions: dict[str, int],
    patients: int,
    rate: float,
    follow: float,
    complexity: str,
    touch: float,
    pivotal: bool,
    adaptive: bool,
    rwe: bool,
) -> dict[str, float]:
    """FTE-months per function; rules of thumb for a study of this size and duration."""
    sites = sum(regions.values())
    c = CX[complexity]
    enroll = patients / (sites * 0.89 * rate) + 1.5
    duration = STARTUP[phase] + enroll + follow + 3
    monitoring_intensity = 0.6 if phase == "4" else 1.0
    biostat = ({"1": 6, "2": 10, "3": 18, "4": 6}[phase] + min(patients, 3000) * 0.01) * c
    demand = {
        "project_management": duration * (0.5 + 0.5 * (sites / 10) ** 0.5) * c,
        "site_management": sites * c + duration * 0.3,
        "clinical_monitoring": (
            sites * (enroll + 0.5 * follow) * 0.12 * c + patients * 0.5 * c * touch
        )
        * monitoring_intensity,
        "regulatory_affairs": len(regions) * 3 + sites * 0.15 + (20 if pivotal else 0),
        "data_management": duration * 0.8 + patients * 0.08 * c * touch,
        "biostatistics": biostat * (1.3 if adaptive else 1.0),
        "statistical_programming": biostat * (1.3 if adaptive else 1.0) * 1.5,
        "medical_writing": ({"1": 6, "2": 9, "3": 16, "4": 7}[phase] + (8 if pivotal else 0)) * c,
        "pharmacovigilance": patients * 0.05 * touch + duration * 0.1,
        "medical_monitoring": duration * 0.35 * c + patients * 0.02 * touch,
        "quality_assurance": 2 + sites * 0.12 + (6 if pivotal else 0),
    }
    if rwe:
        demand["real_world_evidence"] = 18 + patients * 0.01
    return demand


def pick_regions(rng: random.Random, program: dict[str, Any], phase: str, count: int) -> list[str]:
    if phase == "1":
        pool = ["north_america", "western_europe", "asia_pacific"]
        chosen = ["north_america", *rng.sample(pool[1:], count - 1)]
        return [r for r in REGIONS if r in chosen]
    pool = ["western_europe", "central_eastern_europe", "asia_pacific"]
    if program.get("latam"):
        pool.append("latin_america")
    if program.get("china") and phase in ("3", "4"):
        pool.append("china")
    if phase == "3" and program["ta"] in ("cardiometabolic", "infectious_disease"):
        pool.append("middle_east_africa")
    chosen = ["north_america", *rng.sample(pool, min(count - 1, len(pool)))]
    return [r for r in REGIONS if r in chosen]


def split_sites(rng: random.Random, regions: list[str], sites: int) -> dict[str, int]:
    weights = [REGION_WEIGHT[r] * rng.uniform(0.7, 1.3) for r in regions]
    total = sum(weights)
    split = {r: max(2, round(sites * w / total)) for r, w in zip(regions, weights, strict=True)}
    return split


def add_months(year: int, month: int, months: int) -> dt.date:
    index = year * 12 + (month - 1) + months
    return dt.date(index // 12, index % 12 + 1, 1)


def make_studies(rng: random.Random) -> list[dict[str, Any]]:
    studies: list[dict[str, Any]] = []
    last_start = dt.date(2030, 12, 1)
    for program in PROGRAMS:
        profile = PROFILES[program.get("profile", program["ta"])]
        offset = 0
        numbers: dict[str, int] = {}
        for i, phase in enumerate(program["phases"]):
            (p_lo, p_hi), (s_lo, s_hi), rate, follow, complexity, (r_lo, r_hi) = profile[phase]
            numbers[phase] = numbers.get(phase, 0) + 1
            study_id = f"{program['id']}-{phase}{numbers[phase]:02d}"
            if i > 0:
                same_phase = program["phases"][i - 1] == phase
                offset += rng.randint(2, 6) if same_phase else rng.randint(6, 12)
            year, month = program["first"]
            start = min(add_months(year, month, offset), last_start)
            start = start.replace(day=rng.choice([1, 1, 15]))
            cvot = bool(program.get("cvot")) and phase == "3"
            # A small biomarker or formulation pilot, flagged as feasibility work.
            feasibility = program.get("feasibility") == f"{phase}-{numbers[phase]:02d}"
            patients = 8000 if cvot else rng.randrange(p_lo, p_hi + 1, 5 if p_hi > 50 else 1)
            sites = 600 if cvot else rng.randint(s_lo, s_hi)
            n_regions = 7 if cvot else rng.randint(r_lo, r_hi)
            if feasibility:
                patients, sites, n_regions = rng.randrange(12, 25, 4), rng.randint(3, 5), 1
            regions = split_sites(rng, pick_regions(rng, program, phase, n_regions), sites)
            enrollment = round(min(1.5, rate * rng.uniform(0.8, 1.2)), 2)
            if program.get("rare"):
                enrollment = round(rng.uniform(0.1, 0.18), 2)
            if feasibility:
                enrollment = max(enrollment, 0.5)
            followup = 36 if cvot else min(follow, 6) if feasibility else follow
            pivotal = phase == "3" and (numbers[phase] <= 2 or cvot)
            adaptive = phase == "2" and rng.random() < 0.3
            rwe = phase == "4" and rng.random() < 0.6
            demand = size_demand(
                phase,
                regions,
                patients,
                enrollment,
                followup,
                "high" if cvot else complexity,
                profile["touch"],
                pivotal,
                adaptive,
                rwe,
            )
            demand = {f: float(round(v * rng.uniform(0.9, 1.1))) for f, v in demand.items()}
            studies.append(
                {
                    "id": study_id,
                    "program": program["id"],
                    "phase": phase,
                    "start": start,
                    "regions": regions,
                    "patients": patients,
                    "enrollment_rate": enrollment,
                    "treatment_followup_months": followup,
                    "complexity": "high" if cvot else complexity,
                    "adaptive_design": adaptive,
                    "pivotal": bool(pivotal),
                    "feasibility_only": feasibility,
                    "demand": demand,
                }
            )
    return studies


# --------------------------------------------------------------------------------------------
# Providers
# --------------------------------------------------------------------------------------------

# North American list price of a large CRO, by function (USD per FTE-month).
BASE_RATE = {
    "project_management": 26000,
    "site_management": 20500,
    "clinical_monitoring": 21500,
    "regulatory_affairs": 24000,
    "data_management": 15500,
    "biostatistics": 25000,
    "statistical_programming": 16000,
    "medical_writing": 20000,
    "pharmacovigilance": 14500,
    "medical_monitoring": 28000,
    "quality_assurance": 19500,
    "real_world_evidence": 21000,
}
# Cost of a local FTE relative to North America, for functions delivered where the sites are.
REGION_INDEX = {
    "north_america": 1.0,
    "western_europe": 0.87,
    "central_eastern_europe": 0.54,
    "asia_pacific": 0.6,
    "china": 0.57,
    "latin_america": 0.53,
    "middle_east_africa": 0.6,
}
LOCAL = {
    "project_management",
    "site_management",
    "clinical_monitoring",
    "regulatory_affairs",
    "medical_monitoring",
}
# Office functions delivered from hubs: one rate, with an offshore discount for FSP specialists.
OFFICE_LEVEL = {"large_cro": 1.0, "midsize_cro": 0.9, "boutique": 0.97, "fsp_specialist": 0.68}
PRICE_LEVEL = {"large_cro": 1.0, "midsize_cro": 0.9, "boutique": 0.97, "fsp_specialist": 0.78}

KIND_SCORES = {
    "large_cro": {
        "quality": 3,
        "ai_readiness": 3,
        "data_governance": 4,
        "compliance_controls": 4,
        "automation": 3,
        "real_time_analytics": 3,
        "scalability": 4,
        "global_reach": 4,
        "senior_access": 1,
        "interoperability": 3,
        "collaboration": 2,
        "financial_stability": 4,
    },
    "midsize_cro": {
        "quality": 3,
        "ai_readiness": 2,
        "data_governance": 3,
        "compliance_controls": 3,
        "automation": 2,
        "real_time_analytics": 2,
        "scalability": 2,
        "global_reach": 2,
        "senior_access": 3,
        "interoperability": 3,
        "collaboration": 3,
        "financial_stability": 3,
    },
    "boutique": {
        "quality": 4,
        "ai_readiness": 1,
        "data_governance": 3,
        "compliance_controls": 3,
        "scalability": 1,
        "global_reach": 1,
        "senior_access": 4,
        "interoperability": 3,
        "collaboration": 4,
        "functional_excellence": 4,
        "financial_stability": 2,
    },
    "fsp_specialist": {
        "quality": 3,
        "ai_readiness": 3,
        "data_governance": 3,
        "compliance_controls": 3,
        "automation": 3,
        "scalability": 4,
        "global_reach": 2,
        "senior_access": 2,
        "interoperability": 4,
        "collaboration": 3,
        "functional_excellence": 3,
        "financial_stability": 3,
    },
}

ALL = REGIONS
FULL = CORE
PROVIDERS: list[dict[str, Any]] = [
    # Large full-service CROs
    {
        "id": "meridian",
        "name": "Meridian Global Research",
        "kind": "large_cro",
        "functions": [*FULL, "real_world_evidence"],
        "regions": ALL,
        "ta": {
            "oncology": 4,
            "immunology": 3,
            "neurology": 3,
            "cardiometabolic": 3,
            "respiratory": 3,
            "infectious_disease": 3,
            "rare_disease": 2,
            "cell_gene_therapy": 2,
        },
        "scores": {"senior_access": 1, "collaboration": 2},
        "level": 1.02,
    },
    {
        "id": "aldergate",
        "name": "Aldergate Clinical Sciences",
        "kind": "large_cro",
        "functions": FULL,
        "regions": ALL,
        "ta": {
            "oncology": 4,
            "immunology": 4,
            "respiratory": 3,
            "infectious_disease": 3,
            "cardiometabolic": 3,
            "rare_disease": 2,
        },
        "scores": {
            "ai_readiness": 4,
            "automation": 4,
            "real_time_analytics": 4,
            "interoperability": 2,
        },
        "capacity": {"clinical_monitoring": 450},
    },
    {
        "id": "solstice",
        "name": "Solstice Health Research",
        "kind": "large_cro",
        "functions": [*FULL, "real_world_evidence"],
        "regions": ALL,
        "ta": {
            "cardiometabolic": 4,
            "infectious_disease": 4,
            "respiratory": 3,
            "neurology": 3,
            "immunology": 3,
            "oncology": 3,
        },
        "scores": {"quality": 3, "ai_readiness": 3, "global_reach": 4},
        "level": 0.97,
    },
    {
        "id": "vantage",
        "name": "Vantage Clinical International",
        "kind": "large_cro",
        "functions": FULL,
        "regions": [r for r in ALL if r != "china"],
        "ta": {
            "neurology": 4,
            "oncology": 3,
            "immunology": 3,
            "cardiometabolic": 3,
            "rare_disease": 3,
            "cell_gene_therapy": 3,
        },
        "scores": {"quality": 4, "senior_access": 2, "global_reach": 3},
        "level": 0.99,
        "capacity": {"clinical_monitoring": 300},
    },
    # Mid-size full-service CROs
    {
        "id": "tessera",
        "name": "Tessera Clinical Research",
        "kind": "midsize_cro",
        "functions": FULL,
        "regions": [
            "north_america",
            "latin_america",
            "western_europe",
            "central_eastern_europe",
            "asia_pacific",
        ],
        "ta": {"immunology": 3, "oncology": 3, "dermatology": 3, "rare_disease": 2},
        "scores": {"global_reach": 3},
        "capacity": {"clinical_monitoring": 120, "project_management": 25},
    },
    {
        "id": "northbridge",
        "name": "Northbridge Clinical",
        "kind": "midsize_cro",
        "functions": FULL,
        "regions": ["north_america", "western_europe", "central_eastern_europe"],
        "ta": {"neurology": 3, "immunology": 3, "cardiometabolic": 2, "respiratory": 2},
        "capacity": {"clinical_monitoring": 80, "project_management": 15},
    },
    {
        "id": "kestrel",
        "name": "Kestrel Clinical Asia",
        "kind": "midsize_cro",
        "functions": [
            "project_management",
            "site_management",
            "clinical_monitoring",
            "regulatory_affairs",
            "data_management",
            "medical_monitoring",
            "pharmacovigilance",
        ],
        "regions": ["asia_pacific", "china"],
        "ta": {"oncology": 3, "infectious_disease": 3, "immunology": 2, "cardiometabolic": 2},
        "scores": {"global_reach": 1},
        "capacity": {"clinical_monitoring": 90},
        "level": 0.95,
    },
    {
        "id": "baltica",
        "name": "Baltica Research Group",
        "kind": "midsize_cro",
        "functions": [
            "project_management",
            "site_management",
            "clinical_monitoring",
            "regulatory_affairs",
            "data_management",
            "biostatistics",
            "statistical_programming",
            "pharmacovigilance",
            "quality_assurance",
        ],
        "regions": ["western_europe", "central_eastern_europe", "middle_east_africa"],
        "ta": {"cardiometabolic": 3, "respiratory": 3, "immunology": 3, "infectious_disease": 2},
        "capacity": {"clinical_monitoring": 100},
        "level": 0.95,
    },
    # Boutiques
    {
        "id": "helix",
        "name": "Helix Oncology Research",
        "kind": "boutique",
        "functions": [
            "project_management",
            "site_management",
            "clinical_monitoring",
            "regulatory_affairs",
            "biostatistics",
            "medical_writing",
            "medical_monitoring",
        ],
        "regions": ["north_america", "western_europe", "central_eastern_europe"],
        "ta": {"oncology": 4, "cell_gene_therapy": 3},
        "capacity": {"clinical_monitoring": 35, "project_management": 10, "medical_monitoring": 6},
    },
    {
        "id": "orphan-bridge",
        "name": "OrphanBridge Clinical",
        "kind": "boutique",
        "functions": [
            "project_management",
            "site_management",
            "clinical_monitoring",
            "regulatory_affairs",
            "medical_writing",
            "medical_monitoring",
        ],
        "regions": ["north_america", "western_europe", "central_eastern_europe"],
        "ta": {"rare_disease": 4, "cell_gene_therapy": 4, "neurology": 3},
        "capacity": {"clinical_monitoring": 20, "medical_monitoring": 5},
        "level": 1.02,
    },
    {
        "id": "synapse",
        "name": "Synapse CNS Partners",
        "kind": "boutique",
        "functions": [
            "project_management",
            "site_management",
            "clinical_monitoring",
            "regulatory_affairs",
            "biostatistics",
            "medical_writing",
            "medical_monitoring",
        ],
        "regions": ["north_america", "western_europe"],
        "ta": {"neurology": 4, "rare_disease": 2},
        "capacity": {"clinical_monitoring": 18, "medical_monitoring": 4},
    },
    {
        "id": "respira",
        "name": "Respira Clinical Partners",
        "kind": "boutique",
        "functions": [
            "project_management",
            "site_management",
            "clinical_monitoring",
            "medical_writing",
            "medical_monitoring",
        ],
        "regions": ["north_america", "western_europe", "central_eastern_europe"],
        "ta": {"respiratory": 4, "immunology": 2},
        "scores": {"quality": 3},
        "capacity": {"clinical_monitoring": 30},
        "level": 0.93,
    },
    {
        "id": "cardia",
        "name": "CardiaTrials Research",
        "kind": "boutique",
        "functions": [
            "project_management",
            "site_management",
            "clinical_monitoring",
            "regulatory_affairs",
            "biostatistics",
            "statistical_programming",
            "medical_monitoring",
        ],
        "regions": ["north_america", "latin_america", "western_europe"],
        "ta": {"cardiometabolic": 4},
        "scores": {"scalability": 2},
        "capacity": {"clinical_monitoring": 40},
    },
    # FSP specialists
    {
        "id": "pulse",
        "name": "Pulse Monitoring Partners",
        "kind": "fsp_specialist",
        "functions": ["clinical_monitoring", "site_management"],
        "regions": [
            "north_america",
            "latin_america",
            "western_europe",
            "central_eastern_europe",
            "asia_pacific",
        ],
        "ta": {
            "oncology": 3,
            "immunology": 3,
            "neurology": 2,
            "cardiometabolic": 3,
            "respiratory": 2,
        },
        "scores": {"global_reach": 3},
        "capacity": {"clinical_monitoring": 300, "site_management": 70},
    },
    {
        "id": "apex",
        "name": "Apex FSP Solutions",
        "kind": "fsp_specialist",
        "functions": [
            "clinical_monitoring",
            "data_management",
            "biostatistics",
            "statistical_programming",
            "pharmacovigilance",
        ],
        "regions": [
            "north_america",
            "latin_america",
            "western_europe",
            "central_eastern_europe",
            "asia_pacific",
            "china",
        ],
        "ta": {
            "oncology": 3,
            "immunology": 3,
            "cardiometabolic": 3,
            "infectious_disease": 3,
            "respiratory": 2,
            "neurology": 2,
        },
        "scores": {"global_reach": 3, "ai_readiness": 4, "automation": 4},
        "level": 1.04,
        "capacity": {
            "clinical_monitoring": 400,
            "data_management": 200,
            "statistical_programming": 150,
        },
    },
    {
        "id": "quantis",
        "name": "Quantis Data Sciences",
        "kind": "fsp_specialist",
        "functions": [
            "data_management",
            "biostatistics",
            "statistical_programming",
            "medical_writing",
        ],
        "regions": ["north_america", "western_europe", "central_eastern_europe", "asia_pacific"],
        "ta": {"oncology": 3, "immunology": 2, "neurology": 2, "cardiometabolic": 2},
        "capacity": {"data_management": 120, "statistical_programming": 100, "biostatistics": 30},
    },
    {
        "id": "sentinel",
        "name": "Sentinel Safety Services",
        "kind": "fsp_specialist",
        "functions": ["pharmacovigilance", "medical_monitoring"],
        "regions": [
            "north_america",
            "western_europe",
            "central_eastern_europe",
            "asia_pacific",
            "china",
        ],
        "ta": {
            "oncology": 3,
            "immunology": 2,
            "neurology": 2,
            "cardiometabolic": 2,
            "infectious_disease": 3,
        },
        "scores": {"compliance_controls": 4},
        "capacity": {"pharmacovigilance": 80},
    },
    {
        "id": "lumen",
        "name": "Lumen RWE Analytics",
        "kind": "fsp_specialist",
        "functions": ["real_world_evidence", "biostatistics", "statistical_programming"],
        "regions": ["north_america", "western_europe", "asia_pacific"],
        "ta": {"cardiometabolic": 3, "oncology": 3, "immunology": 3, "respiratory": 2},
        "scores": {"ai_readiness": 4, "data_governance": 4, "real_time_analytics": 3},
        "capacity": {"real_world_evidence": 25},
    },
    {
        "id": "scriptum",
        "name": "Scriptum Regulatory & Medical Writing",
        "kind": "fsp_specialist",
        "functions": ["medical_writing", "regulatory_affairs", "quality_assurance"],
        "regions": ["north_america", "western_europe", "central_eastern_europe", "asia_pacific"],
        "ta": {
            "oncology": 3,
            "immunology": 3,
            "neurology": 3,
            "cardiometabolic": 3,
            "respiratory": 2,
            "rare_disease": 2,
        },
        "scores": {"functional_excellence": 4},
        "capacity": {"medical_writing": 40},
    },
]

MODELS = {
    "large_cro": ["fso", "fsp"],
    "midsize_cro": ["fso", "fsp"],
    "boutique": ["boutique"],
    "fsp_specialist": ["fsp"],
}


def round_rate(value: float) -> int:
    return int(max(9000, min(28000, round(value / 100) * 100)))


def make_rates(rng: random.Random, spec: dict[str, Any]) -> dict[str, dict[str, int]]:
    kind = spec["kind"]
    level = spec.get("level", 1.0)
    rates: dict[str, dict[str, int]] = {}
    for function in spec["functions"]:
        jitter = rng.uniform(0.97, 1.03)
        base = BASE_RATE[function] * level * jitter
        if function in LOCAL:
            local = base * PRICE_LEVEL[kind]
            by_region = {r: round_rate(local * REGION_INDEX[r]) for r in spec["regions"]}
            weight = sum(REGION_WEIGHT[r] for r in spec["regions"])
            by_region["default"] = round_rate(
                sum(REGION_WEIGHT[r] * v for r, v in by_region.items()) / weight
            )
            rates[function] = by_region
        elif function == "biostatistics" and "north_america" in spec["regions"]:
            office = base * OFFICE_LEVEL[kind]
            rates[function] = {
                "north_america": round_rate(office),
                "default": round_rate(office * 0.88),
            }
        else:
            rates[function] = {"default": round_rate(base * OFFICE_LEVEL[kind])}
    return rates


def make_providers(rng: random.Random) -> list[dict[str, Any]]:
    providers = []
    for spec in PROVIDERS:
        scores = dict(KIND_SCORES[spec["kind"]])
        scores.update(spec.get("scores", {}))
        provider: dict[str, Any] = {
            "id": spec["id"],
            "name": spec["name"],
            "kind": spec["kind"],
            "models": MODELS[spec["kind"]],
            "functions": spec["functions"],
            "therapeutic_areas": spec["ta"],
            "regions": spec["regions"],
        }
        if spec.get("capacity"):
            provider["capacity_fte"] = spec["capacity"]
        provider["rates_usd_per_fte_month"] = make_rates(rng, spec)
        provider["scores"] = scores
        providers.append(provider)
    return providers


# --------------------------------------------------------------------------------------------
# Writing
# --------------------------------------------------------------------------------------------

HEADER = """\
# Large sponsor: Aurelian Pharmaceuticals (fictional), a commercial-stage company with eleven
# programs in seven therapeutic areas and {studies} studies (phases 1-4) starting 2026-2030, strong
# in-house functions (maturity 3-4) and {providers} candidate providers for a hybrid FSO/FSP model.
# Generated by scripts/make_large_example.py (seed {seed}); edit the script, not this file.
"""


def scalar(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    text = str(value)
    plain = yaml.safe_load(text) == text if text else False
    special = any(ch in text for ch in ":#{}[],&*!|>'\"%@`")
    return text if plain and not special else json.dumps(text)


def flow(value: Any) -> str:
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {flow(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(flow(v) for v in value) + "]"
    return scalar(value)


def wrapped(prefix: str, value: Any, width: int = 100) -> list[str]:
    """`prefix` followed by the flow form of `value`, broken after commas to fit `width`."""
    line = prefix + flow(value)
    if len(line) <= width or not isinstance(value, dict | list):
        return [line]
    items = (
        [f"{k}: {flow(v)}" for k, v in value.items()]
        if isinstance(value, dict)
        else [flow(v) for v in value]
    )
    opening, closing = ("{", "}") if isinstance(value, dict) else ("[", "]")
    indent = " " * (len(prefix) + 1)
    lines, current = [], prefix + opening
    for i, item in enumerate(items):
        piece = item + (closing if i == len(items) - 1 else ",")
        if len(current) + len(piece) + 1 > width and current != prefix + opening:
            lines.append(current.rstrip())
            current = indent
        current += piece if current.endswith((opening, " ")) else " " + piece
    lines.append(current)
    return lines


def render(studies: list[dict[str, Any]], providers: list[dict[str, Any]], seed: int) -> str:
    lines = [HEADER.format(studies=len(studies), providers=len(providers), seed=seed).rstrip()]
    lines += ["schema: crosource/portfolio@1", "currency: USD", "", "sponsor:"]
    for key in ("name", "stage"):
        lines.append(f"  {key}: {scalar(SPONSOR[key])}")
    lines.append("  internal:")
    for function, capability in SPONSOR["internal"].items():
        lines.append(f"    {function}: {flow(capability)}")
    for key in ("internal_cost_per_fte_month", "oversight_fte"):
        lines.append(f"  {key}: {scalar(SPONSOR[key])}")
    lines.append("  preferences:")
    for key, value in SPONSOR["preferences"].items():
        lines.append(f"    {key}: {scalar(value)}")

    lines += ["", "programs:"]
    for program in PROGRAMS:
        lines += [
            f"  - id: {program['id']}",
            f"    name: {scalar(program['name'])}",
            f"    therapeutic_area: {program['ta']}",
            f"    rare_disease: {scalar(bool(program.get('rare')))}",
            f"    modality: {program['modality']}",
            "    commercial_intent: true",
            "    value_of_a_day_usd: null",
        ]

    lines += ["", "studies:"]
    for study in studies:
        lines.append(f"  - id: {study['id']}")
        for key in (
            "program",
            "phase",
            "start",
            "regions",
            "patients",
            "enrollment_rate",
            "treatment_followup_months",
            "complexity",
            "adaptive_design",
            "pivotal",
            "feasibility_only",
        ):
            value = study[key]
            text = f'"{value}"' if key == "phase" else flow(value)
            lines += [f"    {key}: {text}"] if key == "phase" else wrapped(f"    {key}: ", value)
        lines.append("    demand:")
        for function in FUNCTIONS:
            if function in study["demand"]:
                lines.append(f"      {function}: {scalar(study['demand'][function])}")

    lines += ["", "providers:"]
    for provider in providers:
        lines.append(f"  - id: {provider['id']}")
        for key in ("name", "kind"):
            lines.append(f"    {key}: {scalar(provider[key])}")
        for key in ("models", "functions", "therapeutic_areas", "regions", "capacity_fte"):
            if key in provider:
                lines += wrapped(f"    {key}: ", provider[key])
        lines.append("    rates_usd_per_fte_month:")
        for function, by_region in provider["rates_usd_per_fte_month"].items():
            lines += wrapped(f"      {function}: ", by_region)
        lines += wrapped("    scores: ", provider["scores"])

    lines += ["", "assumptions: {}", ""]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    studies = make_studies(rng)
    providers = make_providers(rng)
    text = render(studies, providers, args.seed)
    yaml.safe_load(text)  # fail here, not in the user's hands, if the text is not YAML
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text, encoding="utf-8")
    print(f"wrote {args.out}: {len(studies)} studies, {len(providers)} providers")


if __name__ == "__main__":
    main()
