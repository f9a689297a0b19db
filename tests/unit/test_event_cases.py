"""The platforms' events through the use cases: a training aimed at a gap, registrations by head count,
attendances that move the training coverage (graph.usecases.events, graph.analysis.training_targets)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from api.bootstrap import Relais, build
from graph.errors import Forbidden, InvalidInput, NotFound, Stale
from graph.memory_store import MemoryStore
from graph.models import EventStatus, NewsPost, Organisation, Project, ProjectStatus, Training
from graph.reference import load_reference
from graph.referral import Role
from graph.usecases import Caller
from tests.api.conftest import demo_store, settings

COORDINATOR = Caller(Role.COORDINATOR, key_id="coord", route="test")
PUBLIC = Caller(Role.PUBLIC)
TOPIC = "pregnancy-postpartum"


@pytest.fixture
def relais() -> Relais:
    return build(settings(), demo_store(MemoryStore(), load_reference()))


def hospitals(relais: Relais, division: str) -> list[str]:
    _, snapshot = relais.analysis.get()
    return sorted(
        o.id
        for o in relais.store.list(Organisation)
        if o.type == "hospital" and division in snapshot.nodes[o.id]["divisions"][:1]
    )


def training(**fields: object) -> Training:
    base: dict[str, object] = {
        "id": "grossesse-verviers",
        "title": "Grossesse et post-partum : repérer les violences",
        "held_on": date.today() + timedelta(days=30),
        "terms": (TOPIC,),
        "divisions": ("verviers",),
        "audience_types": ("hospital",),
        "capacity": 10,
        "source": "test (fictional)",
    }
    return Training.model_validate(base | fields)


def coverage(relais: Relais, division: str) -> dict[str, object]:
    report, _ = relais.analysis.get()
    return dict(report.participation["training_coverage"][division][TOPIC])


def test_a_training_aimed_at_verviers_hospitals_closes_their_gap_once_attendance_is_confirmed(relais: Relais) -> None:
    before = coverage(relais, "verviers")
    assert "hospital" in before["missing_types"]  # type: ignore[operator]  # «no hospital of Verviers trained»

    relais.events.save(COORDINATOR, training(held_on=date.today()))  # today: registrations open, attendance too
    first, second = hospitals(relais, "verviers")[:2]
    for org in (first, second):
        relais.events.register(Caller(Role.PROFESSIONAL, key_id=org, organisation_id=org), "grossesse-verviers", 3)
    view = relais.events.event(PUBLIC, "grossesse-verviers")
    assert (view.registered, view.places_left, view.waiting) == (6, 4, 0)
    assert coverage(relais, "verviers") == before  # registering is not attending

    relais.events.confirm_attendance(COORDINATOR, "grossesse-verviers", {first: 2, second: 3})

    after = coverage(relais, "verviers")
    assert after["trained"] == before["trained"] + 2  # type: ignore[operator]
    assert "hospital" not in after["missing_types"]  # type: ignore[operator]
    assert coverage(relais, "huy")["missing_types"] == coverage(relais, "huy")["missing_types"]
    assert relais.store.get(Training, "grossesse-verviers").status is EventStatus.HELD


def test_beyond_the_places_left_an_organisation_waits(relais: Relais) -> None:
    relais.events.save(COORDINATOR, training(capacity=4))
    a, b = "hosp-v-1", "amb-v-1"
    relais.events.register(Caller(Role.EDITOR, organisation_id=a), "grossesse-verviers", 3)
    late = relais.events.register(Caller(Role.PROFESSIONAL, organisation_id=b), "grossesse-verviers", 3)
    assert late.waiting == 2
    view = relais.events.event(PUBLIC, "grossesse-verviers")
    assert (view.places_left, view.waiting, view.full) == (0, 2, True)
    smaller = relais.events.register(Caller(Role.EDITOR, organisation_id=a), "grossesse-verviers", 1)
    assert smaller.waiting == 0  # changing one's own count does not count it twice


def test_registrations_close_with_the_deadline_and_need_an_organisation(relais: Relais) -> None:
    relais.events.save(COORDINATOR, training(registration_deadline=date.today() - timedelta(days=1)))
    with pytest.raises(InvalidInput) as closed:
        relais.events.register(Caller(Role.PROFESSIONAL, organisation_id="hosp-v-1"), "grossesse-verviers", 1)
    assert closed.value.problems[0].code == "registration_closed"
    with pytest.raises(Forbidden):
        relais.events.register(PUBLIC, "grossesse-verviers", 1)


def test_members_only_events_and_news_do_not_exist_for_the_public(relais: Relais) -> None:
    relais.events.save(COORDINATOR, training(members_only=True))
    news = NewsPost(
        id="loi-2026",
        title="Nouvelle loi",
        body="La loi du 13 juillet 2023 (#StopFeminicide) s'applique.",
        published_on=date.today(),
        members_only=True,
        source="test",
    )
    relais.events.save(COORDINATOR, news)
    assert "grossesse-verviers" not in [v.event.id for v in relais.events.events(PUBLIC)]
    assert "loi-2026" not in [n.id for n in relais.events.news(PUBLIC)]
    with pytest.raises(NotFound):
        relais.events.event(PUBLIC, "grossesse-verviers")
    member = Caller(Role.PROFESSIONAL, organisation_id="hosp-v-1")
    found = relais.events.events(member, division="verviers", term="pregnancy-postpartum", since=date.today())
    assert [v.event.id for v in found] == ["grossesse-verviers"]
    assert next(n.id for n in relais.events.news(member)) == "loi-2026"


def test_an_organisers_editor_keeps_its_own_events_only(relais: Relais) -> None:
    editor = Caller(Role.EDITOR, organisation_id="hosp-v-1")
    relais.events.save(editor, training(organiser_id="hosp-v-1"))
    with pytest.raises(Forbidden):
        relais.events.save(Caller(Role.EDITOR, organisation_id="amb-v-1"), training(id="x", organiser_id="hosp-v-1"))
    with pytest.raises(Stale):
        relais.events.save(editor, training(organiser_id="hosp-v-1", title="Autre"), expected="0" * 24)
    with pytest.raises(Forbidden):
        relais.events.save(editor, NewsPost(id="n", title="t", body="b", published_on=date.today(), source="s"))


def test_a_running_project_links_its_partners_and_is_shown_where_it_bridges_two_sectors(relais: Relais) -> None:
    def project(status: ProjectStatus) -> Project:
        return Project(
            id="projet-mediation",
            name="Médiation et coordination",
            partner_ids=("med-h-1", "pole-p-9", "hosp-v-1"),
            starts_on=date.today() - timedelta(days=10),
            status=status,
            source="test",
        )

    relais.events.save(COORDINATOR, project(ProjectStatus.PLANNED))
    report, snapshot = relais.analysis.get()
    assert not snapshot.has_edge("med-h-1", "pole-p-9") and report.cross_sector["bridged_by_projects"] == []

    relais.events.save(
        COORDINATOR, project(ProjectStatus.RUNNING), expected=relais.events.version(Project, "projet-mediation")
    )
    report, snapshot = relais.analysis.get()
    edge = snapshot.get_edge_data("med-h-1", "pole-p-9")["project:projet-mediation"]
    assert (edge["kind"], edge["cooperation"]) == ("cooperation", "project")
    assert report.cross_sector["bridged_by_projects"] == [
        {"sectors": ["coordination", "mediation"], "projects": ["projet-mediation"]}
    ]


def test_the_first_to_register_keeps_its_places_and_those_waiting_move_up_when_it_withdraws(relais: Relais) -> None:
    relais.events.save(COORDINATOR, training(capacity=2))
    first, second = Caller(Role.EDITOR, organisation_id="pz-v-1"), Caller(Role.EDITOR, organisation_id="amb-v-1")
    relais.events.register(first, "grossesse-verviers", 2)
    assert relais.events.register(second, "grossesse-verviers", 1).waiting == 1  # «amb» sorts first: time rules
    relais.events.unregister(first, "grossesse-verviers")
    (moved,) = relais.events.registrations("grossesse-verviers")
    assert (moved.organisation_id, moved.waiting) == ("amb-v-1", 0)
    assert relais.events.register(first, "grossesse-verviers", 2).waiting == 1  # back of the queue now


def test_an_event_said_full_or_to_come_takes_no_more_seats_nor_attendance(relais: Relais) -> None:
    relais.events.save(COORDINATOR, training(status=EventStatus.FULL, capacity=50))
    assert relais.events.register(Caller(Role.EDITOR, organisation_id="hosp-v-1"), "grossesse-verviers", 3).waiting == 3
    with pytest.raises(InvalidInput) as too_soon:
        relais.events.confirm_attendance(COORDINATOR, "grossesse-verviers", {"hosp-v-1": 3})
    assert too_soon.value.problems[0].code == "event_not_yet"
