"""A mixed-integer linear program, independent of any solver: named variables, and rows in
named constraint groups so that an infeasible model can say which group is to blame."""

from __future__ import annotations

from dataclasses import dataclass, field

INF = float("inf")


@dataclass
class Row:
    group: str
    label: str  # what a person reads: "clinical_monitoring capacity of atlas in 2027-09"
    coefficients: dict[int, float]
    lower: float
    upper: float
    unit: str = ""  # of the row's value: "FTE", "USD", "providers"


@dataclass
class Problem:
    names: list[str] = field(default_factory=list)
    cost: list[float] = field(default_factory=list)
    lower: list[float] = field(default_factory=list)
    upper: list[float] = field(default_factory=list)
    integer: list[bool] = field(default_factory=list)
    rows: list[Row] = field(default_factory=list)
    constant: float = 0.0  # added to the objective

    def variable(
        self,
        name: str,
        cost: float = 0.0,
        lower: float = 0.0,
        upper: float = 1.0,
        integer: bool = True,
    ) -> int:
        self.names.append(name)
        self.cost.append(cost)
        self.lower.append(lower)
        self.upper.append(upper)
        self.integer.append(integer)
        return len(self.names) - 1

    def add(
        self,
        group: str,
        label: str,
        coefficients: dict[int, float],
        lower: float = -INF,
        upper: float = INF,
        unit: str = "",
    ) -> None:
        if 0.0 in coefficients.values():
            coefficients = {k: v for k, v in coefficients.items() if v != 0.0}
        self.rows.append(Row(group, label, coefficients, lower, upper, unit))

    @property
    def groups(self) -> list[str]:
        return list(dict.fromkeys(r.group for r in self.rows))

    @property
    def binaries(self) -> int:
        return sum(
            1
            for i, lo, hi in zip(self.integer, self.lower, self.upper, strict=True)
            if i and lo == 0 and hi == 1
        )
