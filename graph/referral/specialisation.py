"""Which organisation types are specialised in which situations, and which are emergency services.

Read from graph/data/specialisation.csv, one row per organisation type with its reason and source:
the scorer gives `specialised` to a service whose type is specialised in the situation asked (or a
broader one), and `emergency_service` to the emergency types when urgent or for the needs the weights
name (graph/data/scoring.csv). A type missing from the file is a generalist.
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
    emergency: bool
    """Police, hospitals, the CPVS: first when urgent, for a complaint or for medical care."""
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
            r["emergency"] == "yes",
            r["why"].strip(),
            r["source"].strip(),
        )
        for r in csv.DictReader(text.splitlines())
    }
    if any(not role.why or not role.source for role in roles.values()):
        raise ValueError("specialisation.csv: a row without why or source")
    return roles
