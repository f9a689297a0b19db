"""Builds data/demo/: a FICTIONAL network of the three divisions with deliberate, documented gaps.

Run: .venv/bin/python scripts/build_demo.py   (deterministic; rewrites data/demo/*.csv)

Every organisation, phone number (04 000 …), e-mail (@example.org) and address here is invented.
Communes and taxonomy codes are the real reference data. The planted gaps are listed in
data/demo/README.md and checked at the end of this script; tests/analysis checks them again.
"""

from __future__ import annotations

import itertools
import random
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import networkx as nx  # noqa: E402

from graph.analysis import expected_links  # noqa: E402
from graph.reference import load_reference  # noqa: E402
from loaders.export import write_csv_folder  # noqa: E402

SRC = "Relais — réseau de démonstration FICTIF (fictional demo network)"
FRESH = ["2026-06-10", "2026-07-02", "2026-08-21", "2026-09-15", "2026-10-05", "2026-11-03"]
STALE = {
    "gp-l-3": "2024-02-11",
    "cpas-v-2": "2025-03-30",
    "muni-h-1": "2024-09-01",
    "mhs-l-1": "2025-06-14",
    "pva-v-1": "2025-01-20",
}
"""Planted: five organisations not verified for more than 12 months (as of 2026-11-26)."""

PV = "partner-violence"
PROFILES: dict[str, dict[str, str]] = {
    "specialised-ambulatory": dict(
        sit=f"{PV};{PV}.physical;{PV}.psychological;{PV}.economic;{PV}.sexual;{PV}.post-separation;children-exposed;"
        "intrafamily-violence;sexual-violence.past",
        needs="psychological-support;support-group;social-support;legal-advice;listening-orientation",
        aud="victim",
        name="Service d'aide Exemple",
    ),
    "shelter": dict(
        sit=f"{PV};high-risk;intrafamily-violence",
        needs="shelter;emergency-shelter;social-support;housing",
        aud="victim.woman;child",
        name="Maison d'accueil Exemple",
    ),
    "perpetrator-service": dict(
        sit=f"{PV};{PV}.physical;{PV}.psychological",
        needs="perpetrator-programme",
        aud="perpetrator",
        name="Programme auteurs Exemple",
    ),
    "sexual-violence-centre": dict(
        sit=f"sexual-violence;sexual-violence.recent;sexual-violence.past;{PV}.sexual",
        needs="medical-care;forensic-exam;medical-certificate;psychological-support;complaint",
        aud="victim",
        name="Centre violences sexuelles Exemple",
    ),
    "hospital": dict(
        sit=f"{PV};{PV}.physical;pregnancy-postpartum;sexual-violence.recent;elder-abuse",
        needs="medical-care;medical-certificate;forensic-exam",
        aud="",
        name="Hôpital Exemple",
    ),
    "general-practice": dict(
        sit=f"{PV};{PV}.physical;{PV}.psychological;elder-abuse;pregnancy-postpartum",
        needs="medical-care;medical-certificate",
        aud="",
        name="Cabinet médical Exemple",
    ),
    "mental-health-service": dict(
        sit=f"{PV}.psychological;intrafamily-violence;children-exposed;sexual-violence.past;sexual-violence",
        needs="psychological-support;support-group",
        aud="",
        name="Service de santé mentale Exemple",
    ),
    "family-planning": dict(
        sit=f"pregnancy-postpartum;sexual-violence;sexual-violence.past;fgm;{PV}.sexual;{PV}",
        needs="psychological-support;medical-care;listening-orientation",
        aud="",
        name="Planning familial Exemple",
    ),
    "police-zone": dict(
        sit=f"{PV};{PV}.physical;{PV}.post-separation;high-risk;intrafamily-violence",
        needs="complaint;protection-measures",
        aud="",
        name="Zone de police Exemple",
    ),
    "police-victim-assistance": dict(
        sit=f"{PV};high-risk;intrafamily-violence;sexual-violence",
        needs="listening-orientation;complaint;protection-measures",
        aud="victim",
        name="Assistance policière aux victimes Exemple",
    ),
    "justice-house": dict(
        sit=f"{PV};intrafamily-violence;{PV}.post-separation",
        needs="legal-advice;protection-measures",
        aud="victim",
        name="Maison de justice Exemple",
    ),
    "victim-support-service": dict(
        sit=f"{PV};sexual-violence;sexual-violence.past;intrafamily-violence;{PV}.economic",
        needs="psychological-support;legal-advice;complaint;support-group",
        aud="victim",
        name="Aide aux victimes Exemple",
    ),
    "public-social-welfare": dict(
        sit=f"{PV};{PV}.economic;elder-abuse",
        needs="social-support;financial-aid;housing;emergency-shelter;residence-rights;interpreting",
        aud="",
        name="CPAS Exemple",
    ),
    "legal-aid-office": dict(
        sit=f"{PV};{PV}.economic;{PV}.post-separation",
        needs="legal-representation;legal-advice;residence-rights;protection-measures",
        aud="",
        name="Bureau d'aide juridique Exemple",
    ),
    "child-protection": dict(
        sit="children-exposed;intrafamily-violence",
        needs="child-protection",
        aud="child",
        name="Protection de l'enfance Exemple",
    ),
    "fgm-forced-marriage-service": dict(
        sit="forced-marriage;honour-related-violence;fgm",
        needs="listening-orientation;legal-advice;interpreting;residence-rights",
        aud="victim",
        name="Service mariage forcé Exemple",
    ),
    "elder-abuse-service": dict(
        sit="elder-abuse", needs="listening-orientation", aud="victim", name="Écoute aîné·es Exemple"
    ),
    "mediation-service": dict(
        sit="intrafamily-violence", needs="mediation", aud="victim;perpetrator", name="Médiation Exemple"
    ),
    "helpline": dict(
        sit=f"{PV};sexual-violence;honour-related-violence;high-risk;intrafamily-violence;elder-abuse;"
        "children-exposed;fgm",
        needs="listening-orientation;interpreting",
        aud="",
        name="Ligne d'écoute Exemple",
    ),
    "resource-centre": dict(
        sit=f"{PV};honour-related-violence;high-risk",
        needs="training;case-conference",
        aud="professional",
        name="Pôle ressources Exemple",
    ),
    "case-conference": dict(
        sit="high-risk", needs="case-conference", aud="professional", name="Concertation de cas Exemple"
    ),
    "coordination": dict(sit=PV, needs="training", aud="professional", name="Coordination provinciale Exemple"),
    "prosecutor": dict(
        sit=f"{PV};high-risk;intrafamily-violence",
        needs="complaint;protection-measures",
        aud="",
        name="Parquet Exemple",
    ),
    "court": dict(
        sit=f"{PV};{PV}.post-separation",
        needs="protection-measures;legal-representation",
        aud="",
        name="Tribunal Exemple",
    ),
    "municipality": dict(sit=PV, needs="listening-orientation;housing", aud="", name="Commune Exemple"),
}

# (type, code, division, scope, extra) — division-local organisations; scope 'province' serves the arrondissement.
LOCAL_COUNTS = {
    "huy": {
        "general-practice": 8,
        "public-social-welfare": 4,
        "police-zone": 2,
        "police-victim-assistance": 2,
        "hospital": 1,
        "shelter": 2,
        "specialised-ambulatory": 2,
        "perpetrator-service": 1,
        "mental-health-service": 2,
        "family-planning": 2,
        "justice-house": 1,
        "victim-support-service": 2,
        "legal-aid-office": 1,
        "child-protection": 1,
        "mediation-service": 1,
        "municipality": 4,
        "court": 1,
    },
    "liege": {
        "general-practice": 14,
        "public-social-welfare": 7,
        "police-zone": 4,
        "police-victim-assistance": 4,
        "hospital": 2,
        "shelter": 3,
        "specialised-ambulatory": 3,
        "perpetrator-service": 1,
        "mental-health-service": 3,
        "family-planning": 2,
        "justice-house": 1,
        "victim-support-service": 2,
        "legal-aid-office": 1,
        "child-protection": 1,
        "mediation-service": 1,
        "municipality": 4,
        "court": 1,
        "fgm-forced-marriage-service": 2,
    },
    "verviers": {
        "general-practice": 9,
        "public-social-welfare": 4,
        "police-zone": 2,
        "police-victim-assistance": 2,
        "hospital": 2,
        "shelter": 1,
        "specialised-ambulatory": 2,
        "perpetrator-service": 1,
        "mental-health-service": 2,
        "family-planning": 2,
        "justice-house": 1,
        "victim-support-service": 2,
        "legal-aid-office": 1,
        "child-protection": 1,
        "mediation-service": 1,
        "municipality": 4,
        "court": 1,
        "fgm-forced-marriage-service": 2,
    },
}
PROVINCE_WIDE = [
    "sexual-violence-centre",
    "perpetrator-service",
    "legal-aid-office",
    "child-protection",
    "elder-abuse-service",
    "mediation-service",
    "helpline",
    "helpline",
    "resource-centre",
    "case-conference",
    "coordination",
    "prosecutor",
    "fgm-forced-marriage-service",
]
PREFIX = {
    "general-practice": "gp",
    "public-social-welfare": "cpas",
    "police-zone": "pz",
    "police-victim-assistance": "pva",
    "hospital": "hosp",
    "shelter": "shelter",
    "specialised-ambulatory": "amb",
    "perpetrator-service": "perp",
    "mental-health-service": "mhs",
    "family-planning": "fp",
    "justice-house": "mj",
    "victim-support-service": "vss",
    "legal-aid-office": "baj",
    "child-protection": "child",
    "mediation-service": "med",
    "municipality": "muni",
    "court": "court",
    "fgm-forced-marriage-service": "mf",
    "sexual-violence-centre": "cpvs",
    "elder-abuse-service": "elder",
    "helpline": "line",
    "resource-centre": "pole",
    "case-conference": "divico",
    "coordination": "coord",
    "prosecutor": "parquet",
}
PROVINCE_OVERRIDES = {
    "fgm-forced-marriage-service": dict(
        sit="fgm;honour-related-violence",
        needs="listening-orientation;legal-advice;interpreting",
        aud="victim",
        name="Service MGF Exemple",
    )
}
"""The province-wide FGM service does not handle forced marriage: planted, Huy has no forced-marriage service."""
LETTER = {"huy": "h", "liege": "l", "verviers": "v"}
PLACE = {"huy": "Mehaigne", "liege": "Ourthe", "verviers": "Vesdre"}
LANGS = {
    "huy": ["fr", "fr;nl", "fr;en", "fr;ar", "fr;tr"],
    "liege": ["fr", "fr;en", "fr;ar", "fr;tr", "fr;nl"],
    "verviers": ["fr", "fr;de", "fr;de;nl", "fr;en", "fr;tr"],
}
BROKER = "cpas-v-4"
"""Planted: the only link between four organisations of the Hautes Fagnes and the rest of Verviers."""
CLUSTER = ["gp-v-6", "gp-v-7", "muni-v-3", "fp-v-2"]
ISOLATED = "gp-h-6"
"""Planted: a GP practice in Huy with no link and no platform membership."""
EXPECTED_PAIRS = [(e.type_a, e.type_b) for e in expected_links()]


def build() -> dict[str, list[dict[str, str]]]:
    rng = random.Random(2026)
    geo = load_reference().geography
    communes = {
        d: sorted((c for c in geo.communes.values() if c.division == d), key=lambda c: c.id) for d in LOCAL_COUNTS
    }
    rows: dict[str, list[dict[str, str]]] = defaultdict(list)
    org_div: dict[str, str] = {}
    org_type: dict[str, str] = {}

    def add_org(org_id: str, typ: str, division: str, scope: str, n: int) -> None:
        prof = PROVINCE_OVERRIDES.get(typ, PROFILES[typ]) if scope == "province" else PROFILES[typ]
        commune = communes[division][(n * 7 + len(org_id)) % len(communes[division])]
        if org_id in CLUSTER or org_id == BROKER:
            commune = geo.commune(["Malmedy", "Waimes", "Stavelot", "Trois-Ponts", "Stoumont"][n % 5])
        name = f"{prof['name']}-{PLACE[division]} {n}" if scope == "local" else f"{prof['name']}-Province {n}"
        org_div[org_id], org_type[org_id] = division, typ
        rows["organisations"].append(
            {
                "id": org_id,
                "name": name,
                "type": typ,
                "website": f"https://example.org/{org_id}",
                "description": "Organisation fictive du réseau de démonstration.",
                "status": "active",
                "source": SRC,
                "verified_at": STALE.get(org_id, FRESH[n % len(FRESH)]),
            }
        )
        hidden = typ == "shelter"
        visibility = "hidden" if hidden else ("network" if typ == "police-victim-assistance" else "public")
        rows["locations"].append(
            {
                "id": f"{org_id}-site",
                "organisation_id": org_id,
                "name": f"Site {name}",
                "address": f"Adresse secrète fictive {org_id}" if hidden else f"Rue de l'Exemple {len(rows['locations']) + 1}",
                "postcode": commune.postcodes[0],
                "commune": commune.id,
                "visibility": visibility,
                "source": SRC,
            }
        )
        full_day = typ in {"shelter", "police-zone", "helpline", "sexual-violence-centre", "hospital"}
        languages = "fr;nl;de;en" if typ == "helpline" and n == 2 else rng.choice(LANGS[division])
        service = {
            "id": f"{org_id}-svc",
            "organisation_id": org_id,
            "name": f"Accueil {name}",
            "situations": prof["sit"],
            "needs": prof["needs"],
            "audiences": prof["aud"],
            "languages": languages,
            "access": "walk-in"
            if typ in {"police-zone", "hospital", "helpline"}
            else ("referral-only" if typ in {"case-conference", "perpetrator-service"} else "appointment"),
            "open_24_7": "yes" if full_day else "no",
            "hours": "24h/24" if full_day else "lun.–ven. 9h–17h",
            "phone": f"04 000 {10 + len(rows['services']) // 90:02d} {10 + len(rows['services']) % 90:02d}",
            "email": f"contact@{org_id}.example.org",
            "area_scope": "province" if scope == "province" else "local",
            "area_divisions": "" if scope == "province" else division,
            "location_ids": f"{org_id}-site",
            "source": SRC,
            "verified_at": STALE.get(org_id, FRESH[n % len(FRESH)]),
        }
        if typ == "shelter":
            total = 6 + 2 * n
            service.update(
                {
                    "capacity_available": str(n % 3),
                    "capacity_total": str(total),
                    "capacity_updated_at": FRESH[-1],
                    "phone_professional": f"04 000 99 {10 + n:02d}",
                }
            )
        if typ == "police-victim-assistance":
            service["phone_professional"] = f"04 000 98 {10 + n:02d}"
        rows["services"].append(service)

    for division, counts in LOCAL_COUNTS.items():
        for typ, count in counts.items():
            for n in range(1, count + 1):
                add_org(f"{PREFIX[typ]}-{LETTER[division]}-{n}", typ, division, "local", n)
    for n, typ in enumerate(PROVINCE_WIDE, start=1):
        add_org(f"{PREFIX[typ]}-p-{n}", typ, "liege", "province", n)

    links: set[tuple[str, str]] = set()

    def forbidden(a: str, b: str) -> bool:
        """Planted structure: the isolated GP, the Hautes Fagnes cluster, no hospital–shelter link in Huy."""
        if ISOLATED in (a, b):
            return True
        if (a in CLUSTER) != (b in CLUSTER) and BROKER not in (a, b):
            return True
        huy = org_div[a] == org_div[b] == "huy" and not a.endswith(tuple(f"-p-{i}" for i in range(20)))
        return huy and {org_type[a], org_type[b]} == {"hospital", "shelter"}

    def link(a: str, b: str) -> bool:
        pair = (min(a, b), max(a, b))
        if a == b or pair in links or forbidden(a, b):
            return False
        links.add(pair)
        return True

    local = {
        d: [o for o in org_div if org_div[o] == d and "-p-" not in o and o != ISOLATED and o not in CLUSTER]
        for d in LOCAL_COUNTS
    }
    for members in local.values():  # a ring per division: 2-connected, no articulation point
        ring = members[:]
        rng.shuffle(ring)
        for a, b in itertools.pairwise([*ring, ring[0]]):
            if not link(a, b):
                link(a, rng.choice([m for m in ring if m not in (a, b)]))
    for a, b in itertools.pairwise([*CLUSTER, CLUSTER[0]]):
        link(a, b)
    link(BROKER, CLUSTER[0])
    link(BROKER, CLUSTER[2])
    for members in local.values():  # expected cross-sector pairs, at least one each per division
        for t1, t2 in EXPECTED_PAIRS:
            firsts = [m for m in members if org_type[m] == t1]
            seconds = [m for m in members if org_type[m] == t2]
            for a, b in itertools.product(firsts, seconds):
                if link(a, b) or (min(a, b), max(a, b)) in links:
                    break
    province = [o for o in org_div if "-p-" in o]
    for p in province:  # province-wide organisations work with every division
        for members in local.values():
            for m in rng.sample(members, 3):
                link(p, m)
    everyone = [o for o in org_div if o != ISOLATED and o not in CLUSTER]
    while len(links) < 600:
        a = rng.choice(everyone)
        same = [m for m in everyone if org_div[m] == org_div[a]]
        link(a, rng.choice(same))
    kinds = ["informal", "informal", "convention", "protocol"]
    for a, b in sorted(links):
        kind = "case-conference" if "divico" in a or "divico" in b else rng.choice(kinds)
        rows["links"].append(
            {
                "kind": "cooperation",
                "from": a,
                "to": b,
                "cooperation": kind,
                "since": f"20{rng.randint(12, 25)}-0{rng.randint(1, 9)}-01",
                "confidence": "1" if kind != "informal" else "0.8",
                "source": SRC,
            }
        )
    flows = [
        ("gp-l-1", "amb-l-1", 14),
        ("amb-l-1", "gp-l-1", 3),
        ("pva-l-1", "vss-l-1", 22),
        ("hosp-h-1", "amb-h-1", 9),
        ("pz-v-1", "shelter-v-1", 17),
        ("cpas-h-1", "shelter-h-1", 6),
        ("shelter-h-1", "cpas-h-1", 2),
        ("gp-v-1", "amb-v-1", 5),
        ("pz-l-1", "divico-p-10", 8),
    ]
    for a, b, count in flows:
        rows["links"].append(
            {"kind": "referral", "from": a, "to": b, "period": "2025", "count": str(count), "source": SRC}
        )

    for d in LOCAL_COUNTS:
        rows["platforms"].append(
            {
                "id": f"plateforme-{d}",
                "name": f"Plateforme Violences {d.capitalize()} (démo)",
                "kind": "division-platform",
                "division": d,
                "source": SRC,
            }
        )
    for o, d in org_div.items():
        if o == ISOLATED:
            continue
        rows["memberships"].append(
            {
                "organisation_id": o,
                "platform_id": f"plateforme-{d}",
                "since": "2019-01-01",
                "role": "coordinator" if o.startswith("coord") else "member",
                "source": SRC,
            }
        )
    trainings = [
        (
            "t-mariage-force",
            "Mariage forcé et violences liées à l'honneur (démo)",
            "forced-marriage;honour-related-violence",
        ),
        ("t-perinatalite", "Violences et périnatalité (démo)", "pregnancy-postpartum"),
        ("t-violences-sexuelles", "Accueillir après une violence sexuelle (démo)", "sexual-violence"),
        ("t-medecins", "Repérage en médecine générale (démo)", "partner-violence"),
    ]
    for tid, title, terms in trainings:
        rows["trainings"].append(
            {
                "id": tid,
                "title": title,
                "held_on": "2025-10-14",
                "organiser_id": "pole-p-9",
                "terms": terms,
                "source": SRC,
            }
        )
    for tid, _, _ in trainings:
        for d, members in local.items():
            if tid == "t-mariage-force" and d == "huy":
                continue  # planted: nobody in the Huy division trained on forced marriage
            for m in sorted(members)[::5]:
                rows["attendances"].append(
                    {"organisation_id": m, "training_id": tid, "participants": str(1 + len(m) % 3), "source": SRC}
                )
    return rows


def check(rows: dict[str, list[dict[str, str]]]) -> None:
    """The planted gaps and nothing else: every situation/need cell has ≥ 2 providers but the planted ones."""
    ref = load_reference()
    org_div = {}
    for loc in rows["locations"]:
        org_div[loc["organisation_id"]] = ref.geography.communes[loc["commune"]].division
    cover: dict[tuple[str, str], set[str]] = defaultdict(set)
    for s in rows["services"]:
        divisions = list(LOCAL_COUNTS) if s["area_scope"] == "province" else [s["area_divisions"]]
        for code in (s["situations"] + ";" + s["needs"]).split(";"):
            if not code:
                continue
            for term in [code, *ref.taxonomy.ancestors(code)]:
                for d in divisions:
                    cover[(term, d)].add(s["organisation_id"])
    cells = [(t.id, d) for t in ref.taxonomy.terms.values() if t.term_kind.value != "audience" for d in LOCAL_COUNTS]
    weak = {cell: len(cover[cell]) for cell in cells if len(cover[cell]) < 2}
    assert weak == {("forced-marriage", "huy"): 0, ("shelter", "verviers"): 1}, weak
    graph = nx.Graph()
    graph.add_nodes_from(org_div)
    graph.add_edges_from((r["from"], r["to"]) for r in rows["links"] if r["kind"] == "cooperation")
    cut = {
        d: sorted(nx.articulation_points(graph.subgraph([o for o in org_div if org_div[o] == d]))) for d in LOCAL_COUNTS
    }
    assert cut == {"huy": [], "liege": [], "verviers": [BROKER]}, cut
    assert sorted(nx.isolates(graph)) == [ISOLATED]
    assert sorted(nx.articulation_points(graph)) == [BROKER]
    print(
        f"{len(rows['organisations'])} organisations, {sum(r['kind'] == 'cooperation' for r in rows['links'])} "
        f"cooperation links; weak cells: {weak}"
    )


if __name__ == "__main__":
    built = build()
    check(built)
    write_csv_folder(built, ROOT / "data" / "demo")
