"""Care pathways: ordered steps per situation, kept as data the coordination edits (data/pathways.csv).

Each step names a need; it is resolved to the best organisations of the division by the referral engine.
A step without a need is the emergency numbers.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from importlib import resources

from graph.errors import NotFound
from graph.referral import LANGUAGES, Answer, ReferralEngine, ReferralQuery
from graph.roles import Role


@dataclass(frozen=True)
class Step:
    number: int
    need: str | None
    labels: dict[str, str]


@dataclass(frozen=True)
class Pathway:
    id: str
    situation: str
    steps: tuple[Step, ...]
    source: str


@cache
def pathways() -> dict[str, Pathway]:
    text = resources.files("graph").joinpath("data", "pathways.csv").read_text(encoding="utf-8")
    steps: dict[str, list[Step]] = {}
    meta: dict[str, tuple[str, str]] = {}
    for r in csv.DictReader(text.splitlines()):
        steps.setdefault(r["pathway"], []).append(
            Step(int(r["step"]), r["need"] or None, {lang: r[f"label_{lang}"] for lang in LANGUAGES})
        )
        meta[r["pathway"]] = (r["situation"], r["source"])
    return {
        pid: Pathway(pid, meta[pid][0], tuple(sorted(s, key=lambda x: x.number)), meta[pid][1])
        for pid, s in steps.items()
    }


def pathway_for(situation: str, engine: ReferralEngine) -> Pathway:
    """The pathway of a situation, or of its nearest ancestor that has one."""
    for code in [situation, *engine.ref.taxonomy.ancestors(situation)]:
        for p in pathways().values():
            if p.situation == code:
                return p
    raise NotFound(f"no care pathway for «{situation}» yet (pathways: {', '.join(sorted(pathways()))})")


def resolve(
    pathway: Pathway, engine: ReferralEngine, division: str | None, role: Role, lang: str = "fr", per_step: int = 3
) -> list[tuple[Step, Answer | None]]:
    """Each step with the best organisations in the division (None: the emergency numbers).

    Every step is one referral question (the pathway's situation, the step's need), answered with
    reason codes like any other; the caller renders them in `lang`.
    """
    return [
        (step, engine.refer(_question(pathway, step.need, division, per_step, lang), role) if step.need else None)
        for step in pathway.steps
    ]


def _question(pathway: Pathway, need: str, division: str | None, limit: int, lang: str) -> ReferralQuery:
    return ReferralQuery(situation=pathway.situation, need=need, division=division, limit=limit, lang=lang)
