"""A seeded synthetic directory in the template's CSV format, for benchmarks and scale tests.

Everything it writes is fictional and says so. Rows are streamed to disk; links follow a
preferential-attachment pattern (a few hubs, many small partners), mostly inside a division.
"""

from __future__ import annotations

import csv
import random
from collections.abc import Iterator
from pathlib import Path

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


def _writer(folder: Path, sheet: str) -> tuple[object, csv.DictWriter[str]]:
    f = (folder / f"{sheet}.csv").open("w", encoding="utf-8", newline="")
    w = csv.DictWriter(f, [c.name for c in SHEETS[sheet]])
    w.writeheader()
    return f, w


def generate_directory(folder: Path, *, orgs: int, seed: int = 1, links_per_org: float = 10.0) -> dict[str, int]:
    """Write organisations, locations, services and links CSV files; return the row counts."""
    rng = random.Random(seed)
    geo = load_reference().geography
    communes = [c for c in geo.communes.values() if c.division]
    types = list(PROFILES)
    weights = [WEIGHTS.get(t, 1) for t in types]
    folder.mkdir(parents=True, exist_ok=True)
    counts = dict.fromkeys(("organisations", "locations", "services", "links"), 0)
    division_of: list[str] = []
    files = {s: _writer(folder, s) for s in counts}
    try:
        for i in range(orgs):
            org_id = f"gen-{i:06d}"
            org_type = rng.choices(types, weights)[0]
            commune = rng.choice(communes)
            division_of.append(commune.division or "")
            files["organisations"][1].writerow(
                {
                    "id": org_id,
                    "name": f"Organisation fictive n°{i}",
                    "type": org_type,
                    "source": SOURCE,
                    "verified_at": f"20{rng.randint(22, 26)}-0{rng.randint(1, 9)}-15",
                }
            )
            hidden = org_type == "shelter"
            files["locations"][1].writerow(
                {
                    "id": f"{org_id}-l",
                    "organisation_id": org_id,
                    "commune": commune.id,
                    "postcode": commune.postcodes[0],
                    "address": f"Rue Fictive {i}",
                    "visibility": "hidden" if hidden else "public",
                    "source": SOURCE,
                }
            )
            situations, needs, audiences = PROFILES[org_type]
            files["services"][1].writerow(
                {
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
            )
            for sheet in ("organisations", "locations", "services"):
                counts[sheet] += 1
        for a, b in _links(rng, division_of, int(orgs * links_per_org)):
            files["links"][1].writerow(
                {
                    "kind": "cooperation",
                    "from": f"gen-{a:06d}",
                    "to": f"gen-{b:06d}",
                    "cooperation": rng.choice(("informal", "convention", "protocol")),
                    "source": SOURCE,
                }
            )
            counts["links"] += 1
    finally:
        for f, _ in files.values():
            f.close()  # type: ignore[attr-defined]
    return counts


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
