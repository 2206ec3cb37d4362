"""The evaluation file (`crosource/evaluation@1`, evaluate.md): criteria with their direction,
weights given directly or as pairwise judgments of one or more evaluators, gates, and the
alternatives' scores. Checks that relate parts of the file live in `evaluation_checks`."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated, Any, Literal

from pydantic import Field

from crosource import catalog
from crosource.domain.portfolio import Id, Model

Method = Literal["weighted_sum", "topsis", "smaa"]
Finite = Annotated[float, Field(allow_inf_nan=False)]
METHODS: tuple[Method, ...] = ("weighted_sum", "topsis", "smaa")


class Criterion(Model):
    id: Id
    direction: Literal["benefit", "cost"] = "benefit"


class Evaluator(Model):
    evaluator: Id
    judgments: dict[str, Annotated[float, Field(gt=0, allow_inf_nan=False)]] = Field(min_length=1)


class Gate(Model):
    id: Id
    description: str = ""


class Alternative(Model):
    id: Id
    scores: dict[str, Finite]
    gates: dict[str, bool] = Field(default_factory=dict)


class SmaaSettings(Model):
    samples: Annotated[int, Field(ge=100, le=10_000_000)] = 10_000
    seed: Annotated[int, Field(ge=0)] = 1
    spread: Annotated[float, Field(ge=0, le=1)] = 0.0


class Evaluation(Model):
    schema_: Literal["crosource/evaluation@1"] = Field("crosource/evaluation@1", alias="schema")
    criteria: list[Criterion] = Field(min_length=1)
    weights: dict[str, Annotated[float, Field(ge=0, allow_inf_nan=False)]] | None = None
    # Swing weights: 100 points to the criterion whose swing from worst to best matters most,
    # 0-100 to the others for the importance of their swing relative to it.
    swing: dict[str, Annotated[float, Field(ge=0, le=100, allow_inf_nan=False)]] | None = None
    pairwise: list[Evaluator] | None = None
    gates: list[Gate] = Field(default_factory=list)
    alternatives: list[Alternative] = Field(min_length=2)
    methods: list[Method] = Field(default_factory=lambda: list(METHODS))
    smaa: SmaaSettings = Field(default_factory=SmaaSettings)

    @property
    def criterion_ids(self) -> list[str]:
        return [c.id for c in self.criteria]


def _items(data: Any, key: str) -> list[tuple[int, dict[str, Any]]]:
    value = data.get(key) if isinstance(data, dict) else None
    return (
        [(i, v) for i, v in enumerate(value) if isinstance(v, dict)]
        if isinstance(value, list)
        else []
    )


def evaluation_checks(data: Any) -> list[tuple[tuple[str | int, ...], str]]:
    return list(_checks(data))


def _checks(data: Any) -> Iterator[tuple[tuple[str | int, ...], str]]:
    known = catalog.by_id("criteria")
    criteria = [str(c.get("id")) for _, c in _items(data, "criteria") if c.get("id")]
    for i, item in _items(data, "criteria"):
        if item.get("id") and str(item["id"]) not in known:
            yield (
                ("criteria", i, "id"),
                (f"unknown criterion {item['id']!r}; expected one of: {', '.join(known)}"),
            )
    seen: set[str] = set()
    for i, criterion in enumerate(criteria):
        if criterion in seen:
            yield ("criteria", i, "id"), f"criterion {criterion!r} is listed twice"
        seen.add(criterion)
    given = [k for k in ("weights", "swing", "pairwise") if data.get(k) is not None]
    if len(given) != 1:
        yield (
            ("weights",),
            (
                "give exactly one of `weights`, `swing` or `pairwise` judgments"
                + (f" (the file gives {', '.join(given)})" if given else "")
            ),
        )
    for key_name in ("weights", "swing"):
        weights = data.get(key_name)
        if not isinstance(weights, dict):
            continue
        for key in weights:
            if key not in criteria:
                yield (key_name, str(key)), f"{key!r} is not one of the file's criteria"
        missing = [c for c in criteria if c not in weights]
        if missing:
            yield (
                (key_name,),
                f"no {'weight' if key_name == 'weights' else 'points'} for {', '.join(missing)}",
            )
    swing = data.get("swing")
    if (
        isinstance(swing, dict)
        and swing
        and all(isinstance(v, int | float) for v in swing.values())
        and max(swing.values()) != 100
    ):
        yield ("swing",), "give 100 points to the criterion whose swing matters most"
    gates = {str(g.get("id")) for _, g in _items(data, "gates")}
    for i, alternative in _items(data, "alternatives"):
        scores = alternative.get("scores")
        if isinstance(scores, dict):
            for key in scores:
                if key not in criteria:
                    yield (
                        ("alternatives", i, "scores", str(key)),
                        (f"{key!r} is not one of the file's criteria"),
                    )
            for criterion in criteria:
                if criterion not in scores:
                    yield ("alternatives", i, "scores"), f"no score for {criterion}"
                elif (
                    criterion != "cost"
                    and isinstance(scores[criterion], int | float)
                    and not (0 <= scores[criterion] <= 4)
                ):
                    yield (
                        ("alternatives", i, "scores", criterion),
                        (f"scores run from 0 to 4, got {scores[criterion]!r}"),
                    )
        answers = alternative.get("gates")
        if isinstance(answers, dict):
            for key in answers:
                if key not in gates:
                    yield ("alternatives", i, "gates", str(key)), f"unknown gate {key!r}"
