"""Apply one counterfactual input to a portfolio: the "what if" behind each counterfactual.

Paths are the ones counterfactuals name: `sponsor.oversight_fte`, `sponsor.stage`,
`preferences.<name>`, `sponsor.internal.<function>.fte|maturity`, `programs.<id>.<field>`.
"""

from __future__ import annotations

from typing import Any

from crosource.domain.portfolio import InternalCapability, Portfolio


def apply_input(portfolio: Portfolio, path: str, value: Any) -> Portfolio:
    """A copy of the portfolio with one input changed; the original is left as it was."""
    changed = portfolio.model_copy(deep=True)
    parts = path.split(".")
    sponsor = changed.sponsor
    if parts[0] == "preferences" and len(parts) == 2:
        setattr(sponsor.preferences, parts[1], value)
    elif parts[:2] == ["sponsor", "internal"] and len(parts) == 4:
        function, field = parts[2], parts[3]
        own = sponsor.internal.get(function)  # type: ignore[call-overload]
        current = own or InternalCapability(fte=0.0, maturity=0)
        updated = current.model_copy(update={field: value})
        sponsor.internal = {**sponsor.internal, function: updated}  # type: ignore[dict-item]
    elif parts[0] == "sponsor" and len(parts) == 2:
        setattr(sponsor, parts[1], value)
    elif parts[0] == "programs" and len(parts) == 3:
        program = changed.program(parts[1])
        setattr(program, parts[2], value)
    else:
        raise ValueError(f"not a counterfactual input: {path}")
    return changed
