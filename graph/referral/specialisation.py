"""Which organisation types are specialised in which situations, and when the emergency services lead.

Read from graph/data/specialisation.csv, one row per organisation type with its reason and source:
the scorer gives `specialised` to a service whose type is specialised in the situation asked (or a
broader one), and `emergency_service` to a type in the cases of its `leads_when` (urgent, or a need:
the `when` values of the `emergency_service` weights in graph/data/scoring.csv). A type missing from
the file is a generalist.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from importlib import resources


@dataclass(frozen=True)
class TypeRole:
    """One row of graph/data/specialisation.csv."""

    type: str
    specialised_in: frozenset[str]
    """Situation codes (their narrower cases included) the type is specialised in; empty: a generalist."""
    leads_when: frozenset[str]
    """The cases in which it comes first (police: urgent, need:complaint; hospitals: urgent, need:medical-care)."""
    why: str
    source: str


@cache
def type_roles() -> dict[str, TypeRole]:
    """The rows by organisation type, checked: each says why and where it comes from."""
    text = resources.files("graph").joinpath("data", "specialisation.csv").read_text(encoding="utf-8")
    roles = {
        r["type"]: TypeRole(
            r["type"],
            frozenset(code for code in r["specialised_in"].split(";") if code),
            frozenset(case for case in r["leads_when"].split(";") if case),
            r["why"].strip(),
            r["source"].strip(),
        )
        for r in csv.DictReader(text.splitlines())
    }
    if any(not role.why or not role.source for role in roles.values()):
        raise ValueError("specialisation.csv: a row without why or source")
    return roles
