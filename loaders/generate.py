"""A seeded synthetic directory in the template's CSV format, for benchmarks and scale tests.

Everything it writes is fictional and says so. Rows are streamed to disk; links follow a
preferential-attachment pattern (a few hubs, many small partners), mostly inside a division.
"""

from __future__ import annotations

import csv
import random
from collections.abc import Iterator
from pathlib import Path
from typing import TextIO

from graph.models import Commune
from graph.reference import load_reference
from loaders.template import SHEETS

SOURCE = "données fictives générées par relais generate (fictional)"

PROFILES: dict[str, tuple[str, str, str]] = {
    # type: (situations, needs, audiences)
    "helpline": ("partner-violence;sexual-violence", "listening-orientation", "victim;professional"),
    "specialised-ambulatory": (
        "partner-violence;children-exposed",
        "psychological-support;social-support;legal-advice",
        "victim",
    ),
    "shelter": ("partner-violence", "shelter;emergency-shelter;social-support", "victim.woman;child"),
    "perpetrator-service": ("partner-violence", "perpetrator-programme", "perpetrator"),
    "sexual-violence-centre": (
        "sexual-violence.recent",
        "medical-care;forensic-exam;psychological-support;complaint",
        "victim",
    ),
    "hospital": ("partner-violence;pregnancy-postpartum", "medical-care;medical-certificate", "victim"),
    "general-practice": ("partner-violence", "medical-care;medical-certificate", "victim"),
    "mental-health-service": ("partner-violence;intrafamily-violence", "psychological-support", "victim;child"),
    "family-planning": (
        "partner-violence;pregnancy-postpartum;sexual-violence",
        "psychological-support;medical-care",
        "victim",
    ),
    "police-zone": ("partner-violence;high-risk", "complaint;protection-measures", ""),
    "police-victim-assistance": ("partner-violence", "listening-orientation", "victim"),
    "justice-house": ("partner-violence", "legal-advice", "victim"),
    "victim-support-service": ("partner-violence;sexual-violence", "psychological-support;legal-advice", "victim"),
    "public-social-welfare": ("partner-violence", "social-support;financial-aid;housing", ""),
    "legal-aid-office": ("partner-violence", "legal-representation;legal-advice", ""),
    "child-protection": ("children-exposed", "child-protection", "child"),
    "fgm-forced-marriage-service": (
        "forced-marriage;fgm;honour-related-violence",
        "listening-orientation;legal-advice",
        "victim",
    ),
    "elder-abuse-service": ("elder-abuse", "listening-orientation", "victim"),
    "mediation-service": ("intrafamily-violence", "mediation", ""),
    "municipality": ("partner-violence", "listening-orientation", ""),
}
WEIGHTS = {
    "general-practice": 20,
    "public-social-welfare": 8,
    "police-zone": 3,
    "police-victim-assistance": 3,
    "municipality": 8,
    "mental-health-service": 5,
    "family-planning": 4,
    "specialised-ambulatory": 4,
}
LANGS = ["fr", "fr", "fr", "fr", "fr;nl", "fr;de", "fr;en", "fr;ar", "fr;tr"]


class _SheetWriters:
    """One open CSV writer per sheet of the template, counting the rows written to each."""

    def __init__(self, folder: Path, sheets: tuple[str, ...]) -> None:
        self.counts = dict.fromkeys(sheets, 0)
        self._files: list[TextIO] = []
        self._writers: dict[str, csv.DictWriter[str]] = {}
        try:
            for sheet in sheets:
                f = (folder / f"{sheet}.csv").open("w", encoding="utf-8", newline="")
                self._files.append(f)
                self._writers[sheet] = csv.DictWriter(f, [c.name for c in SHEETS[sheet]])
                self._writers[sheet].writeheader()
        except BaseException:
            self.close()
            raise

    def write(self, sheet: str, row: dict[str, str]) -> None:
        self._writers[sheet].writerow(row)
        self.counts[sheet] += 1

    def close(self) -> None:
        for f in self._files:
            f.close()


def _organisation_row(rng: random.Random, i: int, org_type: str) -> dict[str, str]:
    return {
        "id": f"gen-{i:06d}",
        "name": f"Organisation fictive n°{i}",
        "type": org_type,
        "source": SOURCE,
        "verified_at": f"20{rng.randint(22, 26)}-0{rng.randint(1, 9)}-15",
    }


def _location_row(i: int, org_type: str, commune: Commune) -> dict[str, str]:
    """The organisation's one location; a shelter's address is hidden, as the loader demands."""
    org_id = f"gen-{i:06d}"
    return {
        "id": f"{org_id}-l",
        "organisation_id": org_id,
        "commune": commune.id,
        "postcode": commune.postcodes[0],
        "address": f"Rue Fictive {i}",
        "visibility": "hidden" if org_type == "shelter" else "public",
        "source": SOURCE,
    }


def _service_row(rng: random.Random, i: int, org_type: str) -> dict[str, str]:
    """The organisation's one service, with the situations, needs and audiences of its type's profile."""
    org_id = f"gen-{i:06d}"
    situations, needs, audiences = PROFILES[org_type]
    return {
        "id": f"{org_id}-s",
        "organisation_id": org_id,
        "name": f"Service fictif n°{i}",
        "situations": situations,
        "needs": needs,
        "audiences": audiences,
        "languages": rng.choice(LANGS),
        "open_24_7": "yes" if org_type in {"shelter", "police-zone", "helpline"} else "no",
        "phone": f"04 000 {rng.randint(10, 99)} {rng.randint(10, 99)}",
        "location_ids": f"{org_id}-l",
        "source": SOURCE,
    }


def _link_row(rng: random.Random, a: int, b: int) -> dict[str, str]:
    return {
        "kind": "cooperation",
        "from": f"gen-{a:06d}",
        "to": f"gen-{b:06d}",
        "cooperation": rng.choice(("informal", "convention", "protocol")),
        "source": SOURCE,
    }


def _write_organisations(rng: random.Random, out: _SheetWriters, orgs: int) -> list[str]:
    """Organisations with one location and one service each; returns the division of each organisation.

    Types are drawn by `WEIGHTS`, communes uniformly among those with a division. The order of the
    random draws is what makes a seed reproducible: keep it.
    """
    communes = [c for c in load_reference().geography.communes.values() if c.division]
    types = list(PROFILES)
    weights = [WEIGHTS.get(t, 1) for t in types]
    division_of: list[str] = []
    for i in range(orgs):
        org_type = rng.choices(types, weights)[0]
        commune = rng.choice(communes)
        division_of.append(commune.division or "")
        out.write("organisations", _organisation_row(rng, i, org_type))
        out.write("locations", _location_row(i, org_type, commune))
        out.write("services", _service_row(rng, i, org_type))
    return division_of


def generate_directory(folder: Path, *, orgs: int, seed: int = 1, links_per_org: float = 10.0) -> dict[str, int]:
    """Write organisations, locations, services and links CSV files; return the row counts.

    The same seed writes the same files, byte for byte.

    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     generate_directory(Path(folder), orgs=3, seed=1, links_per_org=1)
    {'organisations': 3, 'locations': 3, 'services': 3, 'links': 3}
    """
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    out = _SheetWriters(folder, ("organisations", "locations", "services", "links"))
    try:
        division_of = _write_organisations(rng, out, orgs)
        for a, b in _links(rng, division_of, int(orgs * links_per_org)):
            out.write("links", _link_row(rng, a, b))
    finally:
        out.close()
    return out.counts


def _links(rng: random.Random, division_of: list[str], wanted: int) -> Iterator[tuple[int, int]]:
    """Distinct undirected pairs: endpoints drawn by degree (hubs emerge), 80 % inside the division."""
    n = len(division_of)
    if n < 2:
        return
    wanted = min(wanted, n * (n - 1) // 2)
    by_division: dict[str, list[int]] = {}
    for i, d in enumerate(division_of):
        by_division.setdefault(d, []).append(i)
    ends: list[int] = list(range(n))
    seen: set[tuple[int, int]] = set()
    attempts = 0
    while len(seen) < wanted and attempts < wanted * 20:
        attempts += 1
        a = rng.choice(ends)
        peers = by_division[division_of[a]] if rng.random() < 0.8 else None
        b = rng.choice(ends) if peers is None or rng.random() < 0.5 else rng.choice(peers)
        if peers is not None and division_of[b] != division_of[a]:
            b = rng.choice(peers)
        pair = (min(a, b), max(a, b))
        if a == b or pair in seen:
            continue
        seen.add(pair)
        ends += pair
        yield pair
