"""Realistic referral questions on the demo, through the API, on both stores with identical rankings.

Each scenario says who must be in the top results and who must never appear (ids of data/demo).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import pytest
from fastapi.testclient import TestClient

from graph.reference import Reference
from graph.store import GraphStore
from tests.api.conftest import auth


@dataclass(frozen=True)
class Scenario:
    name: str
    params: str
    top: tuple[str, ...] = ()
    """ids that must all be within the first len(top) + `slack` results."""
    slack: int = 0
    never: tuple[str, ...] = ()
    """id prefixes that must not appear anywhere in the answer (asked with limit=50)."""
    role: str = "public"
    notice: bool = False
    emergency: bool = False
    checks: tuple[str, ...] = field(default_factory=tuple)


SPEAKS_FR = {"ar": "parle arabe", "de": "parle allemand"}
SHELTERS = ("shelter-",)
PERPETRATOR = ("perp-",)
MEDIATION = ("med-",)

SCENARIOS = [
    Scenario(
        "forced marriage in Huy: none here, alternatives from Liège and Verviers",
        "situation=forced-marriage&division=huy",
        top=("mf-l-1", "mf-l-2", "mf-v-1", "mf-v-2"),
        notice=True,
        checks=("all_alternative",),
    ),
    Scenario(
        "forced marriage in Liège",
        "situation=forced-marriage&division=liege",
        top=("mf-l-1", "mf-l-2"),
        never=("mf-v-",),
        checks=("none_alternative",),
    ),
    Scenario(
        "shelter in Verviers: the only one", "need=shelter&division=verviers", top=("shelter-v-1",), never=PERPETRATOR
    ),
    Scenario("shelter in Huy", "need=shelter&division=huy", top=("shelter-h-1", "shelter-h-2"), never=PERPETRATOR),
    Scenario("shelter by postcode of Liège", "need=shelter&postcode=4020", top=("shelter-l-1", "shelter-l-2"), slack=1),
    Scenario(
        "perpetrator programme in Liège",
        "need=perpetrator-programme&division=liege",
        top=("perp-l-1", "perp-p-2"),
        never=(*SHELTERS, "amb-", "vss-"),
    ),
    Scenario(
        "perpetrator-facing question never gets victim services",
        "situation=partner-violence&audience=perpetrator&division=verviers",
        top=("perp-v-1",),
        slack=12,
        never=(*SHELTERS, "amb-", "vss-", "pva-"),
    ),
    Scenario(
        "victim-facing question never gets perpetrator programmes",
        "situation=partner-violence&division=huy",
        top=("shelter-h-1", "shelter-h-2"),
        slack=3,
        never=PERPETRATOR + MEDIATION,
    ),
    Scenario(
        "mediation is not proposed unless asked",
        "situation=intrafamily-violence&division=liege",
        never=MEDIATION,
        top=("amb-l-1",),
        slack=20,
    ),
    Scenario(
        "mediation asked explicitly comes with a warning",
        "need=mediation&division=liege",
        top=("med-l-1", "med-p-6"),
        checks=("mediation_warning",),
    ),
    Scenario(
        "urgent partner violence in Verviers: 24/7 first, police and hospitals before the shelter, 112 and 101",
        "situation=partner-violence&division=verviers&urgent=true",
        top=("hosp-v-1", "hosp-v-2", "pz-v-1", "pz-v-2", "shelter-v-1"),
        emergency=True,
        checks=("urgent_24_7_first",),
        never=PERPETRATOR,
    ),
    Scenario(
        "recent sexual violence by postcode 4800",
        "situation=sexual-violence.recent&postcode=4800",
        top=("hosp-v-1", "hosp-v-2", "cpvs-p-1"),
    ),
    Scenario(
        "recent sexual violence in Huy", "situation=sexual-violence.recent&commune=Huy", top=("hosp-h-1", "cpvs-p-1")
    ),
    Scenario(
        "forensic examination in Liège", "need=forensic-exam&division=liege", top=("cpvs-p-1", "hosp-l-1", "hosp-l-2")
    ),
    Scenario(
        "pregnancy and post-partum in Huy",
        "situation=pregnancy-postpartum&division=huy",
        top=("hosp-h-1",),
        never=PERPETRATOR,
    ),
    Scenario(
        "children exposed in Verviers", "situation=children-exposed&division=verviers", top=("child-v-1",), slack=5
    ),
    Scenario("elder abuse in Huy", "situation=elder-abuse&division=huy", top=("elder-p-5",), slack=20),
    Scenario(
        "FGM in Huy: family planning and the province-wide service",
        "situation=fgm&division=huy",
        top=("fp-h-1", "fp-h-2", "mf-p-13"),
        slack=2,
    ),
    Scenario(
        "honour-related violence in Huy", "situation=honour-related-violence&division=huy", top=("mf-p-13",), slack=2
    ),
    Scenario(
        "Arabic speakers rank first",
        "situation=partner-violence&division=liege&language=ar",
        checks=("speakers_first",),
    ),
    Scenario(
        "German speakers rank first in Verviers",
        "need=psychological-support&division=verviers&language=de",
        checks=("speakers_first",),
    ),
    Scenario(
        "path through known partners",
        "need=shelter&division=verviers&from_org=gp-v-1",
        role="professional",
        top=("shelter-v-1",),
        checks=("has_path",),
    ),
    Scenario(
        "case conference for a professional",
        "need=case-conference&division=liege",
        role="professional",
        top=("divico-p-10", "pole-p-9"),
    ),
    Scenario(
        "case conference is not a public service: helplines instead",
        "need=case-conference&division=liege",
        notice=True,
        checks=("no_results",),
    ),
    Scenario(
        "legal representation in Verviers",
        "need=legal-representation&division=verviers",
        top=("baj-v-1", "court-v-1", "baj-p-3"),
    ),
    Scenario("residence rights in Liège", "need=residence-rights&division=liege", top=("baj-l-1", "baj-p-3"), slack=8),
    Scenario("interpreting in Huy", "need=interpreting&division=huy", top=("cpas-h-1",), slack=5),
    Scenario("filing a complaint in Liège by postcode", "need=complaint&postcode=4000", top=("pz-l-1",), slack=4),
    Scenario("housing in Huy", "need=housing&division=huy", top=("shelter-h-1", "shelter-h-2"), slack=4),
    Scenario(
        "psychological support for a child in Verviers",
        "need=psychological-support&division=verviers&audience=child",
        top=("mhs-v-1", "mhs-v-2"),
        slack=2,
        never=("amb-", "vss-"),
    ),
    Scenario(
        "past sexual violence in Liège", "situation=sexual-violence.past&division=liege", top=("cpvs-p-1",), slack=10
    ),
    Scenario(
        "economic violence in Huy",
        "situation=partner-violence.economic&division=huy",
        top=("cpas-h-1", "baj-h-1"),
        slack=6,
    ),
    Scenario(
        "a man victim is never sent to a women's shelter",
        "situation=partner-violence&division=liege&audience=victim.man",
        never=SHELTERS + PERPETRATOR,
        top=("amb-l-1",),
        slack=30,
    ),
    Scenario(
        "physical violence matched through the parent term",
        "situation=partner-violence.physical&division=huy",
        top=("hosp-h-1",),
        slack=3,
        checks=("some_broader",),
    ),
    Scenario("answer in German", "need=shelter&division=verviers&lang=de", top=("shelter-v-1",), checks=("german",)),
]


def ask(client: TestClient, s: Scenario, limit: int = 50) -> dict[str, Any]:
    response = client.get(f"/v1/referrals?{s.params}&limit={limit}", headers=auth(s.role))
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


@pytest.mark.parametrize("scenario", SCENARIOS, ids=[s.name for s in SCENARIOS])
def test_scenario(demo_client: TestClient, scenario: Scenario) -> None:
    body = ask(demo_client, scenario)
    ids = [r["organisation"]["id"] for r in body["results"]]
    head = ids[: len(scenario.top) + scenario.slack]
    for expected in scenario.top:
        assert expected in head, (expected, head)
    for prefix in scenario.never:
        assert not [i for i in ids if i.startswith(prefix)], (prefix, ids)
    assert bool(body["notices"]) == scenario.notice, body["notices"]
    numbers = [f["number"] for f in body["fallbacks"]]
    assert "0800 30 030" in numbers
    assert ("112" in numbers and "101" in numbers) == scenario.emergency
    assert body["results"] or body["notices"], "never a silent empty list"
    results = body["results"]
    for check in scenario.checks:
        match check:
            case "all_alternative":
                assert all(r["alternative"] for r in results)
            case "none_alternative":
                assert not any(r["alternative"] for r in results)
            case "mediation_warning":
                assert "Istanbul" in body["warnings"][0]
            case "urgent_24_7_first":
                flags = [r["service"]["open_24_7"] for r in results]
                assert flags == sorted(flags, reverse=True) and flags[0]
            case "speakers_first":
                lang = scenario.params.split("language=")[1][:2]
                speaks = [lang in r["service"]["languages"] for r in results]
                assert speaks[0] and not all(speaks)
                assert {"code": "speaks", "values": {"language": lang}} in results[0]["reason_codes"]
                assert SPEAKS_FR[lang] in results[0]["reasons"]  # the language named in words, not its code
            case "has_path":
                path = [p["id"] for p in results[0]["path"]]
                assert path[0] == "gp-v-1" and path[-1] == "shelter-v-1" and len(path) <= 4
            case "no_results":
                assert results == []
            case "some_broader":
                assert any("terme plus large" in " ".join(r["reasons"]) for r in results)
                assert any(c["code"] == "term_broader" for r in results for c in r["reason_codes"])
            case "german":
                assert "Abteilung" in " ".join(results[0]["reasons"])
                assert re.search(r"geprüft am \d{1,2}\. \w+ \d{4}", " ".join(results[0]["reasons"]))
            case _:
                raise AssertionError(check)


@pytest.mark.parametrize("lang", ["fr", "nl", "de", "en"])
def test_reasons_come_as_codes_and_as_words_without_raw_language_codes(demo_client: TestClient, lang: str) -> None:
    for language in ("ar", "tr", "de", "nl", "en", "fr"):
        params = f"need=psychological-support&division=verviers&language={language}&lang={lang}&from_org=gp-v-1"
        response = demo_client.get(f"/v1/referrals?{params}&limit=20", headers=auth("professional"))
        assert response.status_code == 200, response.text
        results = response.json()["results"]
        assert results
        raw = re.compile(rf"\b{language}\b", re.IGNORECASE)
        for r in results:
            assert len(r["reasons"]) == len(r["reason_codes"])
            for text, coded in zip(r["reasons"], r["reason_codes"], strict=True):
                if coded["code"] in ("speaks", "not_speaks"):
                    assert coded["values"] == {"language": language}
                    assert not raw.search(text), (lang, text)
                if "on" in coded["values"]:
                    assert coded["values"]["on"] not in text  # ISO in the codes, readable in the words


@pytest.mark.neo4j
def test_rankings_identical_on_both_stores(demo_neo4j: GraphStore, reference: Reference) -> None:
    from api.http.app import create_app
    from graph.memory_store import MemoryStore
    from tests.api.conftest import demo_store, settings

    with (
        TestClient(create_app(settings(), demo_store(MemoryStore(), reference))) as memory,
        TestClient(create_app(settings(), demo_neo4j)) as neo4j,
    ):
        for s in SCENARIOS:
            assert ask(memory, s) == ask(neo4j, s), s.name
