"""Expert cases: what a coordinator of the platforms would sign, written from the field rules of actors.md.

Each case asks the demo directory (data/demo, fictional) through the API and checks what a professional would
notice: who comes first, who never comes, what the answer says about the person's language, which numbers it
offers. The rules they come from:
- a service specialised in the situation ranks before a generalist that merely lists it, when not urgent;
  police and hospitals (and the CPVS) first when urgent, for a complaint or for medical care;
- mediation is contra-indicated in partner violence (Istanbul Convention art. 48): only when asked, with the
  warning — and then the mediation services come, though they serve both parties;
- victim-facing and perpetrator-facing services are never mixed in one answer;
- within the place, services speaking the person's language first; when none of the division speaks it, the
  answer says so and offers interpreting and the helpline in that language (108 German, 1712 Dutch,
  0800 30 030 French: Écoute Violences Conjugales, sourced in actors.md);
- shelter addresses are secret.
Run on the memory, SQLite and Neo4j stores, with identical answers.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.http.app import create_app
from graph.memory_store import MemoryStore
from graph.reference import Reference
from graph.sqlite_store import SqliteStore
from graph.store import GraphStore
from tests.api.conftest import auth, demo_store, settings

Body = dict[str, Any]
SPECIALISED_PV = ("amb-", "shelter-")
"""The demo's services specialised in partner violence located in a division (ambulatory services, shelters)."""
VICTIM_FACING = ("shelter-", "amb-", "vss-", "pva-", "mj-", "mf-", "elder-")
PERPETRATOR_FACING = ("perp-",)


def ids(body: Body) -> list[str]:
    return [r["organisation"]["id"] for r in body["results"]]


def codes(result: Body) -> set[str]:
    return {c["code"] for c in result["reason_codes"]}


def first_index(body: Body, prefixes: tuple[str, ...]) -> int:
    return next(i for i, org in enumerate(ids(body)) if org.startswith(prefixes))


def last_index(body: Body, prefixes: tuple[str, ...]) -> int:
    return max(i for i, org in enumerate(ids(body)) if org.startswith(prefixes))


def numbers(body: Body) -> list[str]:
    return [f["number"] for f in body["fallbacks"]]


@dataclass(frozen=True)
class Case:
    name: str
    params: str
    check: Callable[[Body], None]
    role: str = "public"


# --- specialised before generalist, emergency services first when they should be -----------------------------


def specialised_first_in_verviers(body: Body) -> None:
    """Partner violence, not urgent: the specialised services before the hospitals and police that list it."""
    assert first_index(body, ("hosp-", "pz-")) > last_index(body, SPECIALISED_PV), ids(body)[:8]
    assert "specialised" in codes(body["results"][0])
    assert "service spécialisé en «Violence entre partenaires»" in body["results"][0]["reasons"]


def police_and_hospitals_first_when_urgent(body: Body) -> None:
    head = ids(body)[:4]
    assert sorted(head) == ["hosp-v-1", "hosp-v-2", "pz-v-1", "pz-v-2"], head
    assert ids(body)[4] == "shelter-v-1"  # the specialised shelter right after them
    assert numbers(body)[:2] == ["112", "101"]
    assert all("specialised" not in codes(r) for r in body["results"])  # no specialist bonus in danger


def police_first_for_a_complaint(body: Body) -> None:
    assert [org[:3] for org in ids(body)[:4]] == ["pz-"] * 4, ids(body)[:6]
    assert "emergency_service" in codes(body["results"][0])


def hospital_first_for_a_certificate(body: Body) -> None:
    assert ids(body)[0] == "hosp-h-1" and ids(body)[1] == "cpvs-p-1", ids(body)[:4]
    assert first_index(body, ("gp-",)) == 2  # the GPs after the emergency services


def emergency_services_first_for_a_forensic_exam(body: Body) -> None:
    assert sorted(ids(body)[:3]) == ["cpvs-p-1", "hosp-l-1", "hosp-l-2"], ids(body)[:5]
    assert all(r["alternative"] for r in body["results"][3:])  # GPs only through «medical care», broader


def cpvs_first_for_recent_sexual_violence(body: Body) -> None:
    assert ids(body)[0] == "cpvs-p-1", ids(body)[:4]  # a province-wide specialist before the local hospitals
    assert {"province", "specialised"} <= codes(body["results"][0])


def hospitals_and_cpvs_first_when_urgent(body: Body) -> None:
    assert sorted(ids(body)[:3]) == ["cpvs-p-1", "hosp-v-1", "hosp-v-2"], ids(body)[:5]
    assert all(r["service"]["open_24_7"] for r in body["results"][:3])


def elder_abuse_service_first(body: Body) -> None:
    assert ids(body)[0] == "elder-p-5", ids(body)[:4]


def fgm_service_before_family_planning(body: Body) -> None:
    assert ids(body)[0] == "mf-p-13" and first_index(body, ("fp-h-",)) == 1, ids(body)[:4]


def forced_marriage_specialists_in_liege(body: Body) -> None:
    assert sorted(ids(body)[:2]) == ["mf-l-1", "mf-l-2"], ids(body)[:4]
    assert not [org for org in ids(body) if org.startswith("mf-v-")]


def child_protection_and_specialists_for_children(body: Body) -> None:
    head = ids(body)[:3]
    assert sorted(head) == ["amb-v-1", "amb-v-2", "child-v-1"], head
    assert first_index(body, ("mhs-", "gp-", "cpas-")) > 2


def divico_first_for_a_high_risk_case(body: Body) -> None:
    assert ids(body)[0] == "divico-p-10", ids(body)
    assert {"specialised", "also_situation"} <= codes(body["results"][0])


def perpetrator_programme_first_and_alone_on_its_side(body: Body) -> None:
    assert ids(body)[0] == "perp-v-1", ids(body)[:4]
    assert not [org for org in ids(body) if org.startswith(VICTIM_FACING)], ids(body)


def victim_question_gets_no_perpetrator_service(body: Body) -> None:
    assert ids(body)[0].startswith(SPECIALISED_PV), ids(body)[:4]
    assert not [org for org in ids(body) if org.startswith((*PERPETRATOR_FACING, "med-"))], ids(body)


# --- mediation -------------------------------------------------------------------------------------------------


def mediation_services_with_the_warning(body: Body) -> None:
    assert sorted(ids(body)) == ["med-l-1", "med-p-6"], ids(body)
    assert len(body["warnings"]) == 1 and "Istanbul" in body["warnings"][0]
    assert "contre-indiquée" in body["warnings"][0]


def mediation_warning_in_dutch(body: Body) -> None:
    assert sorted(ids(body)) == ["med-l-1", "med-p-6"]
    assert body["warnings"] == [
        "Let op: bemiddeling is tegenaangewezen bij partnergeweld (Verdrag van Istanbul, art. 48)."
    ]


def mediation_never_unasked(body: Body) -> None:
    assert body["results"] and not [org for org in ids(body) if org.startswith("med-")]
    assert body["warnings"] == []


# --- the person's language -------------------------------------------------------------------------------------


def german_speaker_in_verviers(body: Body) -> None:
    """The German-speaking specialised service first, every German speaker of the place before the others."""
    results = body["results"]
    assert ids(body)[0] in ("amb-v-1", "amb-v-2"), ids(body)[:3]
    speaks = ["de" in r["service"]["languages"] for r in results if "in_division" in codes(r)]
    assert speaks == sorted(speaks, reverse=True) and speaks[0] and not all(speaks), speaks
    assert "parle allemand" in results[0]["reasons"]
    language = body["language"]
    assert language["code"] == "de" and language["name"] == "allemand" and language["spoken_here"] is True
    assert [h["number"] for h in language["helplines"]] == ["108"]
    assert numbers(body)[0] == "108"  # the helpline in the person's language first
    assert language["interpreting"] == [] and body["notices"] == []


def german_speaker_needing_a_shelter_in_verviers(body: Body) -> None:
    """The only shelter speaks French: the answer says so, offers interpreting and 108."""
    assert ids(body) == ["shelter-v-1"]
    language = body["language"]
    assert language["spoken_here"] is False
    assert body["notices"] == [
        "Aucun service de la division de Verviers qui répond à cette demande n'indique parler allemand : "
        "faites appel à un·e interprète.",
        "Ligne d'écoute en allemand : 108.",
    ]
    interpreting = language["interpreting"]
    assert interpreting and len(interpreting) <= 3
    for r in interpreting:
        assert r["divisions"] == ["verviers"] or "province" in codes(r), r["organisation"]["id"]
        assert {"term_exact"} <= codes(r)
    assert any("de" in r["service"]["languages"] for r in interpreting[:1])  # a German-speaking interpreter first


def dutch_speaker_in_huy(body: Body) -> None:
    language = body["language"]
    assert language["spoken_here"] is False and [h["number"] for h in language["helplines"]] == ["1712"]
    assert numbers(body)[0] == "1712"
    assert language["interpreting"], "interpreting offered"
    assert "Ligne d'écoute en néerlandais : 1712." in body["notices"]


def french_speaker_everywhere(body: Body) -> None:
    language = body["language"]
    assert language["spoken_here"] is True and [h["number"] for h in language["helplines"]] == ["0800 30 030"]
    assert body["notices"] == []


def turkish_speaker_without_a_helpline(body: Body) -> None:
    """No helpline in Turkish in the data: nothing invented, interpreting offered."""
    language = body["language"]
    assert language["spoken_here"] is False and language["helplines"] == []
    assert len(body["notices"]) == 1 and "turc" in body["notices"][0]
    assert language["interpreting"]


def perpetrator_side_interpreting_stays_on_its_side(body: Body) -> None:
    language = body["language"]
    assert language["spoken_here"] is False
    offered = [r["organisation"]["id"] for r in language["interpreting"]]
    assert offered and not [org for org in offered if org.startswith(VICTIM_FACING)], offered
    assert not [org for org in ids(body) if org.startswith(VICTIM_FACING)]


def arabic_speakers_first_in_liege(body: Body) -> None:
    direct = [r for r in body["results"] if not r["alternative"]]
    speaks = ["ar" in r["service"]["languages"] for r in direct]
    assert speaks == sorted(speaks, reverse=True) and speaks[0], speaks
    assert body["language"]["spoken_here"] is True


def language_notice_in_german(body: Body) -> None:
    assert body["notices"][0].startswith("Kein Dienst der Abteilung Verviers")
    assert "Dolmetscher" in body["notices"][0] and body["notices"][1] == "Hilfelinie auf Deutsch: 108."
    assert body["language"]["name"] == "Deutsch"


def urgent_german_speaker_gets_112_and_108(body: Body) -> None:
    assert numbers(body)[:3] == ["112", "101", "108"]
    assert all(r["service"]["open_24_7"] for r in body["results"][:4])


# --- secrets ---------------------------------------------------------------------------------------------------


def shelter_addresses_stay_secret(body: Body) -> None:
    shown = [*body["results"], *body["language"]["interpreting"]]
    shelters = [r for r in shown if r["organisation"]["id"].startswith("shelter-")]
    assert shelters
    for r in shelters:
        assert all(loc["visibility"] == "public" for loc in r["locations"]), r["locations"]
    assert "Adresse secrète" not in str(body)


CASES = [
    Case(
        "specialised before generalists, not urgent",
        "situation=partner-violence&division=verviers",
        specialised_first_in_verviers,
    ),
    Case(
        "urgent: police and hospitals first, then the shelter",
        "situation=partner-violence&division=verviers&urgent=true",
        police_and_hospitals_first_when_urgent,
    ),
    Case("a complaint goes to the police first", "need=complaint&division=liege", police_first_for_a_complaint),
    Case(
        "a certificate of injuries: hospital first",
        "need=medical-certificate&division=huy",
        hospital_first_for_a_certificate,
    ),
    Case(
        "forensic examination: CPVS and hospitals",
        "need=forensic-exam&division=liege",
        emergency_services_first_for_a_forensic_exam,
    ),
    Case(
        "recent sexual violence: the CPVS first",
        "situation=sexual-violence.recent&division=verviers",
        cpvs_first_for_recent_sexual_violence,
    ),
    Case(
        "recent sexual violence, urgent: hospitals and CPVS",
        "situation=sexual-violence.recent&division=verviers&urgent=true",
        hospitals_and_cpvs_first_when_urgent,
    ),
    Case("elder abuse: the specialised line first", "situation=elder-abuse&division=huy", elder_abuse_service_first),
    Case(
        "FGM: the specialised service before family planning",
        "situation=fgm&division=huy",
        fgm_service_before_family_planning,
    ),
    Case(
        "forced marriage in Liège: its specialists",
        "situation=forced-marriage&division=liege",
        forced_marriage_specialists_in_liege,
    ),
    Case(
        "children exposed: child protection and specialists",
        "situation=children-exposed&division=verviers",
        child_protection_and_specialists_for_children,
    ),
    Case(
        "high-risk case conference: DIViCo",
        "need=case-conference&situation=high-risk&division=liege",
        divico_first_for_a_high_risk_case,
        role="professional",
    ),
    Case(
        "perpetrator: the programme, never victim services",
        "situation=partner-violence&audience=perpetrator&division=verviers",
        perpetrator_programme_first_and_alone_on_its_side,
    ),
    Case(
        "victim: no perpetrator service, no mediation",
        "situation=partner-violence&division=huy",
        victim_question_gets_no_perpetrator_service,
    ),
    Case(
        "mediation asked for partner violence: mediation services and the warning",
        "situation=partner-violence&need=mediation&division=liege",
        mediation_services_with_the_warning,
    ),
    Case(
        "mediation asked on the perpetrator side: the same two-party services",
        "situation=partner-violence&need=mediation&audience=perpetrator&division=liege&lang=nl",
        mediation_warning_in_dutch,
    ),
    Case("mediation never unasked", "situation=intrafamily-violence&division=verviers", mediation_never_unasked),
    Case(
        "German speaker in Verviers: German-speaking specialist first, 108 offered",
        "situation=partner-violence&commune=Verviers&language=de",
        german_speaker_in_verviers,
    ),
    Case(
        "German speaker needing a shelter in Verviers: interpreting and 108",
        "need=shelter&division=verviers&language=de",
        german_speaker_needing_a_shelter_in_verviers,
    ),
    Case("Dutch speaker needing a shelter in Huy: 1712", "need=shelter&division=huy&language=nl", dutch_speaker_in_huy),
    Case(
        "French speaker: 0800 30 030, spoken everywhere",
        "situation=partner-violence&division=huy&language=fr",
        french_speaker_everywhere,
    ),
    Case(
        "Turkish speaker: no helpline invented",
        "need=shelter&division=verviers&language=tr",
        turkish_speaker_without_a_helpline,
    ),
    Case(
        "perpetrator in a language nobody speaks: interpreting on the same side",
        "need=perpetrator-programme&division=verviers&language=tr",
        perpetrator_side_interpreting_stays_on_its_side,
    ),
    Case(
        "Arabic speakers first in Liège",
        "situation=partner-violence&division=liege&language=ar",
        arabic_speakers_first_in_liege,
    ),
    Case(
        "the language notice in German", "need=shelter&division=verviers&language=de&lang=de", language_notice_in_german
    ),
    Case(
        "urgent German speaker: 112, 101, then 108",
        "situation=partner-violence&division=verviers&language=de&urgent=true",
        urgent_german_speaker_gets_112_and_108,
    ),
    Case("shelter addresses stay secret", "need=shelter&division=huy&language=nl", shelter_addresses_stay_secret),
]


def ask(client: TestClient, case: Case) -> Body:
    response = client.get(f"/v1/referrals?{case.params}&limit=20", headers=auth(case.role))
    assert response.status_code == 200, response.text
    body: Body = response.json()
    assert body["results"] or body["notices"], "never a silent empty list"
    return body


@pytest.fixture(scope="module", params=["memory", "sqlite", pytest.param("neo4j", marks=pytest.mark.neo4j)])
def expert_client(
    request: pytest.FixtureRequest, reference: Reference, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[TestClient]:
    """A read-only client over the demo, once per store kind."""
    store: GraphStore
    if request.param == "memory":
        store = demo_store(MemoryStore(), reference)
    elif request.param == "sqlite":
        store = demo_store(SqliteStore(Path(tmp_path_factory.mktemp("expert")) / "relais.db"), reference)
    else:
        store = request.getfixturevalue("demo_neo4j")
    with TestClient(create_app(settings(), store)) as client:
        yield client


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_expert_case(expert_client: TestClient, case: Case) -> None:
    case.check(ask(expert_client, case))


def test_at_least_twenty_expert_cases() -> None:
    assert len(CASES) >= 20


def test_the_same_answers_on_every_store(reference: Reference, tmp_path: Path) -> None:
    """The embedded store answers exactly as the memory store (Neo4j: see `test_neo4j_answers_the_same`)."""
    sqlite = demo_store(SqliteStore(tmp_path / "relais.db"), reference)
    with (
        TestClient(create_app(settings(), demo_store(MemoryStore(), reference))) as memory,
        TestClient(create_app(settings(), sqlite)) as embedded,
    ):
        for case in CASES:
            assert ask(memory, case) == ask(embedded, case), case.name


@pytest.mark.neo4j
def test_neo4j_answers_the_same(demo_neo4j: GraphStore, reference: Reference) -> None:
    with (
        TestClient(create_app(settings(), demo_store(MemoryStore(), reference))) as memory,
        TestClient(create_app(settings(), demo_neo4j)) as neo4j,
    ):
        for case in CASES:
            assert ask(memory, case) == ask(neo4j, case), case.name
