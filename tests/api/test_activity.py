"""Targeting from the gaps and the year's activity report (issue 21, items 4-6): the dashboard's «Formations à
proposer» in sentences and links, /coordination/activity's figures (on the demo and on a small fixture of
`viz.activity`), joint projects on the map and in the gap list, escaping and rights."""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterator
from datetime import UTC, date, datetime, time
from urllib.parse import parse_qs, urlsplit

import networkx as nx
import pytest
from fastapi.testclient import TestClient

from api.bootstrap import Relais
from api.http.app import create_app
from graph.memory_store import MemoryStore
from graph.models import (
    Attendance,
    Change,
    Cooperation,
    CooperationKind,
    EventKind,
    EventStatus,
    NewsPost,
    Project,
    ProjectStatus,
    Training,
)
from graph.reference import Reference
from graph.referral import Role
from graph.usecases import Caller
from tests.api.conftest import auth, demo_store, settings, signed_in
from tests.api.test_four_languages import french_in
from viz.activity import Sources, activity

COORDINATOR = Caller(Role.COORDINATOR, key_id="coord", route="test")
YEAR = date.today().year
TOPIC = "pregnancy-postpartum"
HOSTILE = '<script>alert(1)</script>"><img src=x onerror=alert(2)>'
SOURCE = "test (fictional)"


@pytest.fixture
def client(reference: Reference) -> Iterator[TestClient]:
    with TestClient(create_app(settings(), demo_store(MemoryStore(), reference))) as c:
        yield c


def relais_of(client: TestClient) -> Relais:
    found: Relais = client.app.state.relais  # type: ignore[attr-defined]
    return found


def held_training(relais: Relais, counts: dict[str, int], **fields: object) -> None:
    """A training on pregnancy and post-partum for Verviers held early this year, its attendance confirmed."""
    base: dict[str, object] = {
        "id": "grossesse-verviers",
        "title": "Grossesse et post-partum : repérer les violences",
        "held_on": date(YEAR, 1, 1),
        "terms": (TOPIC,),
        "divisions": ("verviers",),
        "audience_types": ("hospital",),
        "source": SOURCE,
    }
    relais.events.save(COORDINATOR, Training.model_validate(base | fields))
    relais.events.confirm_attendance(COORDINATOR, str((base | fields)["id"]), counts)


def targets_of(page: str, division: str) -> str:
    return page.split(f'id="targets-{division}"')[1].split("</details>")[0]


def text_of(fragment: str) -> str:
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", fragment)))


# --- «Formations à proposer» -----------------------------------------------------------------------------


def test_the_dashboard_says_no_hospital_of_verviers_was_trained_on_pregnancy_and_links_to_the_training(
    client: TestClient,
) -> None:
    page = signed_in(client).get("/coordination?lang=fr").text
    verviers = targets_of(page, "verviers")
    sentence = (
        "Aucune formation sur «Grossesse et post-partum» n'a été suivie par les hôpitaux de la division de "
        "Verviers (0 sur 2)."
    )
    assert sentence in text_of(verviers)
    (href,) = [
        html.unescape(h)
        for h in re.findall(r'href="([^"]+)"', verviers)
        if "audience_type=hospital" in h and f"topic={TOPIC}" in h
    ]
    link = urlsplit(href)
    assert link.path == "/coordination/events/new"
    assert parse_qs(link.query) == {
        "topic": [TOPIC],
        "division": ["verviers"],
        "audience_type": ["hospital"],
        "lang": ["fr"],
    }
    assert "Aucune organisation de la division de Verviers n'a suivi de formation sur" in text_of(verviers)


def test_the_proposals_speak_dutch_with_no_code_shown(client: TestClient) -> None:
    page = signed_in(client).get("/coordination?lang=nl").text
    said = text_of(targets_of(page, "verviers"))
    assert "gevolgd door de ziekenhuizen van de afdeling Verviers (0 van 2)." in said
    assert "Zwangerschap" in said and "Deze opleiding aanmaken" in said
    for code in (TOPIC, "hospital", "verviers ", "public-social-welfare"):
        assert code not in said
    section = page.split('id="targets"')[1].split("</section>")[0]
    assert french_in(section, []) == []


def test_after_the_training_the_hospitals_of_verviers_are_no_longer_proposed(client: TestClient) -> None:
    relais = relais_of(client)
    held_training(relais, {"hosp-v-1": 2, "hosp-v-2": 1})
    said = text_of(targets_of(signed_in(client).get("/coordination?lang=fr").text, "verviers"))
    assert "suivie par les hôpitaux de la division de Verviers" in said  # on other topics
    assert "«Grossesse et post-partum» n'a été suivie par les hôpitaux" not in said


# --- the activity report -----------------------------------------------------------------------------------


def test_a_training_held_this_year_moves_verviers_coverage_from_before_to_after(client: TestClient) -> None:
    relais = relais_of(client)
    held_training(relais, {"hosp-v-1": 2, "hosp-v-2": 3})
    page = signed_in(client).get(f"/coordination/activity?year={YEAR}&division=verviers&lang=fr")
    assert page.status_code == 200
    coverage = text_of(page.text.split('id="act-coverage"')[1].split("</section>")[0])
    # the demo's 2025 training reached 8 of Verviers' 40 organisations; this one 2 hospitals more
    assert "Grossesse et post-partum 8 sur 40 (20 %) 10 sur 40 (25 %)" in coverage
    events = text_of(page.text.split('id="act-events"')[1].split("</section>")[0])
    assert "Formations 1 2 5" in events  # one training, two organisations, five participants
    assert "Grossesse et post-partum : repérer les violences" in events
    brief = text_of(page.text.split('id="act-brief"')[1].split("</section>")[0])
    assert "5 participants" in brief and "2 organisations atteintes sur 40" in brief
    last_year = text_of(client.get(f"/coordination/activity?year={YEAR - 1}&division=verviers&lang=fr").text)
    assert "repérer les violences" not in last_year and "Violences et périnatalité (démo)" in last_year


def test_a_link_created_this_year_is_counted_by_its_sectors_and_a_pending_one_is_not(client: TestClient) -> None:
    relais = relais_of(client)

    def medical_justice() -> int:
        page = signed_in(client).get(f"/coordination/activity?year={YEAR}&division=verviers&lang=fr").text
        found = re.search(r"Médical ↔ Justice (\d+)|Justice ↔ Médical (\d+)", text_of(page))
        return int(next(g for g in found.groups() if g)) if found else 0

    before = medical_justice()
    relais.network.add_link(
        COORDINATOR, Cooperation(a="hosp-v-2", b="court-v-1", cooperation=CooperationKind.PROTOCOL, source=SOURCE)
    )
    assert medical_justice() == before + 1
    editor = Caller(Role.EDITOR, key_id="k", organisation_id="hosp-v-1", route="test")
    relais.network.add_link(
        editor, Cooperation(a="hosp-v-1", b="mj-v-1", cooperation=CooperationKind.INFORMAL, source=SOURCE)
    )
    assert medical_justice() == before + 1  # waits for the justice house: not a link yet
    page = text_of(client.get(f"/coordination/activity?year={YEAR}&division=verviers&lang=fr").text)
    assert re.search(r"S'y ajoutent \d+ liens apportés dans l'année par le chargement d'un fichier", page)  # the demo


def test_the_report_in_dutch_names_kinds_sectors_and_topics_in_words(client: TestClient) -> None:
    held_training(relais_of(client), {"hosp-v-1": 2}, event_kind=EventKind.STUDY_DAY)
    page = signed_in(client).get(f"/coordination/activity?year={YEAR}&division=verviers&lang=nl").text
    said = text_of(page)
    assert f"Activiteitenverslag {YEAR}" in said and "Platform Geweld van de afdeling Verviers" in said
    assert "Studiedagen" in said and "Medisch" in said and "Zwangerschap" in said
    assert "Accueillir les victimes aux urgences (démo)" in said  # the demo's running project
    for code in ("study-day", "medical", TOPIC, "proj-urgences-verviers", "hosp-v-1"):
        assert code not in said
    names = [
        "Grossesse et post-partum : repérer les violences",
        "Accueillir les victimes aux urgences (démo)",
        "(démo)",
    ]
    assert french_in(page, names) == []


def test_hostile_names_are_shown_as_text(client: TestClient) -> None:
    relais = relais_of(client)
    held_training(relais, {"hosp-v-1": 1}, title=f"Formation {HOSTILE}")
    relais.events.save(
        COORDINATOR,
        NewsPost(
            id="hostile", title=f"Actualité {HOSTILE}", body="Texte.", published_on=date(YEAR, 1, 1), source=SOURCE
        ),
    )
    relais.events.save(
        COORDINATOR,
        Project(
            id="hostile-project",
            name=f"Projet {HOSTILE}",
            partner_ids=("hosp-v-1", "court-v-1"),
            starts_on=date(YEAR, 1, 1),
            source=SOURCE,
        ),
    )
    page = signed_in(client).get(f"/coordination/activity?year={YEAR}&lang=fr").text
    assert "<script>alert(1)" not in page and "<img src=x" not in page
    assert page.count("&lt;script&gt;alert(1)&lt;/script&gt;&#34;&gt;&lt;img src=x onerror=alert(2)&gt;") == 3


@pytest.mark.parametrize("role", ["professional", "editor"])
def test_the_report_is_for_coordinators_only(client: TestClient, role: str) -> None:
    page = signed_in(client, role).get(f"/coordination/activity?year={YEAR}&lang=fr")
    assert page.status_code == 403 and "Formées au 1er janvier" not in page.text


def test_the_public_and_the_api_keys_of_others_get_nothing(client: TestClient) -> None:
    assert client.get("/coordination/activity").status_code == 403
    assert client.get("/coordination/activity", headers=auth("professional")).status_code == 403


def test_odd_parameters_show_the_current_year_of_the_whole_arrondissement(client: TestClient) -> None:
    page = signed_in(client).get("/coordination/activity?year=1999x&division=%3Cscript%3E&lang=fr")
    assert page.status_code == 200
    said = text_of(page.text)
    assert f"Rapport d'activité {YEAR}" in said and "arrondissement judiciaire de Liège" in said
    assert "<script>" not in page.text.split("<main")[1]


# --- the figures on a small fixture --------------------------------------------------------------------------


def _fixture() -> Sources:
    """Three organisations of Huy (medical, police, social) and one of Liège; one training before the year,
    one in it, one cancelled; links entered in the year, before it, one since removed, one imported."""
    snapshot = nx.MultiDiGraph()
    for n, sector, division in (
        ("hosp", "medical", "huy"),
        ("police", "police", "huy"),
        ("cpas", "social", "huy"),
        ("far", "medical", "liege"),
    ):
        snapshot.add_node(n, sector=sector, type="x", status="active", divisions=[division], name=n)
    snapshot.add_edge("hosp", "police", key="cooperation:protocol", kind="cooperation")
    snapshot.add_edge("cpas", "police", key="cooperation:informal", kind="cooperation")
    snapshot.add_edge("far", "hosp", key="cooperation:convention", kind="cooperation")
    snapshot.add_edge("far", "police", key="cooperation:informal", kind="cooperation")

    def event(id_: str, day: date, **fields: object) -> Training:
        return Training.model_validate(
            {"id": id_, "title": id_, "held_on": day, "terms": (TOPIC,), "source": SOURCE} | fields
        )

    def created(entity_id: str, at: datetime, action: str = "create", route: str = "POST /v1/links") -> Change:
        return Change(at=at, key_id="k", action=action, entity="COOPERATES_WITH", entity_id=entity_id, route=route)

    this_year = datetime(YEAR, 3, 1, tzinfo=UTC)
    return Sources(
        events=[
            event("before", date(YEAR - 1, 6, 1), status=EventStatus.HELD),
            event("within", date(YEAR, 5, 1), divisions=("huy",), status=EventStatus.HELD),
            event("cancelled", date(YEAR, 6, 1), status=EventStatus.CANCELLED),
            event("liege-only", date(YEAR, 7, 1), divisions=("liege",), status=EventStatus.HELD),
            event(
                "meeting",
                date(YEAR, 5, 1),
                starts_at=time(9),  # the same day as «within», which has no time
                event_kind=EventKind.PLATFORM_MEETING,
                status=EventStatus.HELD,
            ),
        ],
        attendances=[
            Attendance(organisation_id="hosp", training_id="before", participants=2, source=SOURCE),
            Attendance(organisation_id="police", training_id="within", participants=3, source=SOURCE),
            Attendance(organisation_id="far", training_id="within", participants=4, source=SOURCE),
            Attendance(organisation_id="cpas", training_id="cancelled", participants=1, source=SOURCE),
            Attendance(organisation_id="far", training_id="liege-only", participants=5, source=SOURCE),
        ],
        changes=[
            created("hosp/police/protocol", this_year),
            created("cpas/police/informal", this_year),
            created("cpas/police/informal", this_year, action="update"),
            created("far/hosp/convention", datetime(YEAR - 1, 12, 31, tzinfo=UTC)),
            created("cpas/hosp/informal", this_year),  # deleted since: no longer in the snapshot
            created("far/police/informal", this_year, route=""),  # a directory file brought it
        ],
        projects=[
            Project(id="p", name="P", partner_ids=("hosp", "cpas"), starts_on=date(YEAR - 2, 1, 1), source=SOURCE),
            Project(
                id="old",
                name="Old",
                partner_ids=("hosp", "cpas"),
                starts_on=date(YEAR - 3, 1, 1),
                ends_on=date(YEAR - 1, 12, 31),
                status=ProjectStatus.ENDED,
                source=SOURCE,
            ),
        ],
        news=[
            NewsPost(id="n1", title="N", body="B", published_on=date(YEAR, 2, 1), divisions=("huy",), source=SOURCE),
            NewsPost(id="n2", title="N", body="B", published_on=date(YEAR, 2, 1), divisions=("liege",), source=SOURCE),
            NewsPost(id="n3", title="N", body="B", published_on=date(YEAR - 1, 2, 1), source=SOURCE),
        ],
        snapshot=snapshot,
    )


def test_the_years_figures_for_a_division() -> None:
    huy = activity(YEAR, "huy", _fixture())
    # not the cancelled one, not Liège's, not last year's; by kind, then by day and hour
    assert [e.event.id for e in huy.events] == ["within", "meeting"]
    assert (huy.events[0].organisations, huy.events[0].participants) == (1, 3)  # Huy's own: the police
    assert (huy.reached, huy.organisations) == (1, 3)
    assert [(s.sector, s.reached, s.of) for s in huy.sectors] == [("police", 1, 1), ("medical", 0, 1), ("social", 0, 1)]
    (row,) = huy.coverage
    assert (row.topic, row.before, row.after, row.of) == (TOPIC, 1, 2, 3)  # the hospital before, the police after
    assert huy.new_links == [("medical", "police", 1), ("police", "social", 1)]  # the update counts once
    assert (huy.links_created, huy.links_imported) == (2, 1)  # the convention came last year, one link is gone
    assert [p.id for p in huy.projects] == ["p"] and [n.id for n in huy.news] == ["n1"]


def test_the_years_figures_for_the_arrondissement() -> None:
    everyone = activity(YEAR, None, _fixture())
    assert [e.event.id for e in everyone.events] == ["within", "liege-only", "meeting"]
    assert (everyone.reached, everyone.organisations, everyone.participants) == (2, 4, 12)
    assert [(k.kind, k.events, k.organisations, k.participants) for k in everyone.by_kind] == [
        (EventKind.TRAINING, 2, 2, 12),
        (EventKind.PLATFORM_MEETING, 1, 0, 0),
    ]
    assert [n.id for n in everyone.news] == ["n1", "n2"]
    assert activity(YEAR - 1, None, _fixture()).links_created == 1


# --- projects on the map and in the gap list ----------------------------------------------------------------


def test_a_joint_project_is_drawn_dashed_in_its_colour_with_its_name_and_a_legend_entry(client: TestClient) -> None:
    page = client.get("/v1/map?lang=nl", headers=auth("coordinator")).text
    data = json.loads(re.search(r'id="relais-map-data">(.*?)</script>', page, re.S).group(1))  # type: ignore[union-attr]
    kinds = data["kinds"]
    (named,) = [
        i
        for i, k in enumerate(kinds)
        if k["words"] == "Gezamenlijk project «Accueillir les victimes aux urgences (démo)»"
    ]
    assert kinds[named]["id"] == "project" and kinds[named]["dashes"] is True
    assert kinds[named]["color"] not in {k["color"] for k in kinds if k["id"] != "project"}
    index = {n["id"]: i for i, n in enumerate(data["nodes"])}
    ends = sorted((index["hosp-v-1"], index["pva-v-2"]))
    assert any(sorted(link[:2]) == ends and named in link[2:] for link in data["edges"])
    assert 'name="kind" value="project"' in page and "Gezamenlijk project</label>" in page


def test_a_project_that_alone_links_two_sectors_is_said_in_the_gap_list(client: TestClient) -> None:
    relais_of(client).events.save(
        COORDINATOR,
        Project(
            id="projet-mediation",
            name=f"Médiation et ressources {HOSTILE}",
            partner_ids=("med-h-1", "pole-p-9"),
            starts_on=date(YEAR, 1, 1),
            source=SOURCE,
        ),
    )
    page = signed_in(client).get("/coordination?lang=fr&gap_kind=bridged-by-project").text
    said = text_of(page.split('id="gaps"')[1].split("</section>")[0])
    assert "Secteurs reliés par un projet seulement" in said
    assert "Coordination ↔ Médiation : aucun autre lien que le projet commun «Médiation et ressources" in said
    assert "<script>alert(1)" not in page
    report = client.get("/v1/report?division=huy&lang=de", headers=auth("coordinator")).text
    assert "Sektoren nur durch ein Projekt verbunden" in report and "Koordination ↔ Mediation" in report
    assert "<script>alert(1)" not in report
    drawn = client.get("/v1/map?lang=en", headers=auth("coordinator")).text
    assert "<script>alert(1)" not in drawn and "<img src=x" not in drawn
    data = json.loads(re.search(r'id="relais-map-data">(.*?)</script>', drawn, re.S).group(1))  # type: ignore[union-attr]
    assert f"Joint project «Médiation et ressources {HOSTILE}»" in [k["words"] for k in data["kinds"]]
