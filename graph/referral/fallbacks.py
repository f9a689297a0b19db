"""The helplines and emergency numbers that come with every answer (graph/data/fallbacks.csv)."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from importlib import resources

from graph.referral.query import LANGUAGES


@dataclass(frozen=True)
class Fallback:
    """A number to call whatever the directory holds: a helpline, or (when urgent) an emergency number."""

    id: str
    kind: str
    number: str
    languages: tuple[str, ...]
    labels: dict[str, str]
    urgent_only: bool
    source: str


@cache
def fallbacks() -> tuple[Fallback, ...]:
    text = resources.files("graph").joinpath("data", "fallbacks.csv").read_text(encoding="utf-8")
    return tuple(
        Fallback(
            r["id"],
            r["kind"],
            r["number"],
            tuple(r["languages"].split(";")),
            {lang: r[f"label_{lang}"] for lang in LANGUAGES},
            r["urgent_only"] == "yes",
            r["source"],
        )
        for r in csv.DictReader(text.splitlines())
    )
