"""Short and long names of ids for display."""

from __future__ import annotations

from crosource import catalog

MODEL_LABELS = {
    "in_house": "In-house",
    "fso": "Full-service CRO",
    "fsp": "FSP",
    "boutique": "Boutique",
    "hybrid": "Hybrid",
    "strategic": "Strategic",
    "tactical": "Tactical",
}
# The cost components of cost-model.md, as a sponsor reads them.
COMPONENT_LABELS = {
    "fees": "Fees",
    "oversight": "Sponsor oversight",
    "vendor_management": "Vendor management",
    "coordination": "Coordination",
    "transitions": "Transitions",
    "quality": "Quality events",
    "amendments": "Amendments",
    "value_of_time": "Value of time",
}
MODEL_ORDER = ("in_house", "fsp", "fso", "boutique")
MODEL_SHORT = {"in_house": "IH", "fso": "FSO", "fsp": "FSP", "boutique": "BTQ"}
MODEL_COLOURS = {
    "in_house": "#2e7d32",
    "fso": "#1565c0",
    "fsp": "#ef6c00",
    "boutique": "#6a1b9a",
    "hybrid": "#00838f",
    "strategic": "#283593",
    "tactical": "#8d6e63",
}


def model(option: str) -> str:
    return MODEL_LABELS.get(option, option)


def function(function_id: str) -> str:
    return catalog.label("functions", function_id)
