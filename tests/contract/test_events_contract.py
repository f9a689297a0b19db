"""The platforms' events, registrations, news and projects on every store (memory, SQLite, Neo4j): the same
records read back, the same links, the same counts, the same snapshot edges — and, through the use case, a
members-only event and a non-public place kept from the public whatever the store.

These run through the `store` fixture of tests/conftest.py, built from the contract suite's `BACKENDS`.
"""

from __future__ import annotations

from datetime import date, time
from pathlib import Path

import pytest

from graph.errors import Conflict, NotFound
from graph.models import (
    Attendance,
    EventKind,
    EventStatus,
    Location,
    NewsPost,
    Organisation,
    Project,
    ProjectStatus,
    Registration,
    Training,
    Visibility,
)
from graph.reference import Reference
from graph.referral import Role
from graph.sqlite_store import SqliteStore
from graph.store import GraphStore
from graph.usecases import Caller, EventCases
from tests.contract.store_contract import SRC, loc, org

COORDINATOR = Caller(Role.COORDINATOR, key_id="k-coord", route="contract")
PUBLIC = Caller(Role.PUBLIC)
MEMBER = Caller(Role.PROFESSIONAL, key_id="k-pro", organisation_id="a")
KINDS = ("Training", "NewsPost", "Project", "REGISTERED_FOR", "ATTENDED")


def event(id: str = "ev-1", **fields: object) -> Training:
    base: dict[str, object] = {
        "title": "Journée d'étude fictive",
        "held_on": date(2027, 3, 11),
        "event_kind": EventKind.STUDY_DAY,
        "starts_at": time(9, 30),
        "ends_at": time(16, 0),
        "organiser_id": "a",
        "terms": ("partner-violence",),
        "divisions": ("huy", "verviers"),
        "audience_sectors": ("medical",),
        "audience_types": ("hospital", "general-practice"),
        "location_id": "a-public",
        "capacity": 30,
        "registration_deadline": date(2027, 3, 1),
        "members_only": False,
        "description": "Programme fictif.",
        "project_id": "p-1",
        "source": SRC,
    }
    return Training(id=id, **(base | fields))


def news(id: str = "n-1", **fields: object) -> NewsPost:
    base: dict[str, object] = {
        "title": "Actualité fictive",
        "body": "Texte fictif pour les membres.",
        "title_nl": "Fictief nieuws",
        "body_nl": "Fictieve tekst voor de leden.",
        "published_on": date(2026, 11, 20),
        "terms": ("partner-violence",),
        "divisions": ("liege",),
        "link": "https://example.org/actualite",
        "source": SRC,
    }
    return NewsPost(id=id, **(base | fields))


def project(status: ProjectStatus = ProjectStatus.RUNNING, partners: tuple[str, ...] = ("a", "b", "c")) -> Project:
    return Project(
        id="p-1",
        name="Projet fictif",
        partner_ids=partners,
        terms=("partner-violence",),
        starts_on=date(2026, 1, 15),
        ends_on=date(2027, 6, 30),
        status=status,
        description="Projet fictif du contrat.",
        source=SRC,
    )


@pytest.fixture
def filled(store: GraphStore) -> GraphStore:
    return fill(store)


def fill(store: GraphStore) -> GraphStore:
    """Three organisations, a place of each visibility, one event, one news post, one project."""
    store.upsert([org("a"), org("b"), org("c")])
    store.upsert(
        [
            loc("a-public", "a", Visibility.PUBLIC),
            loc("a-network", "a", Visibility.NETWORK),
            loc("a-hidden", "a", Visibility.HIDDEN),
        ]
    )
    store.upsert([project()])  # before the event that names it
    store.upsert([event()])
    store.upsert([news()])
    return store


def counted(store: GraphStore) -> dict[str, int]:
    found = store.counts()
    return {k: found.get(k, 0) for k in KINDS}


def test_every_field_of_an_event_a_news_post_and_a_project_reads_back(filled: GraphStore) -> None:
    for kind, record in ((Training, event()), (NewsPost, news()), (Project, project())):
        stored = filled.get(kind, record.id)
        assert stored.content_hash() == record.content_hash(), (kind.kind, stored)
        assert filled.list(kind, ids=[record.id]) == [stored]
    assert filled.get(Training, "ev-1").starts_at == time(9, 30)
    assert filled.get(NewsPost, "n-1").title_in("nl") == "Fictief nieuws"
    assert filled.get(NewsPost, "n-1").title_in("de") == "Actualité fictive"  # French when not translated


def test_an_unchanged_record_is_not_written_again_and_a_change_is(filled: GraphStore) -> None:
    assert filled.upsert([news()]).unchanged == 1
    assert filled.upsert([project(partners=("a", "b"))]).updated == 1
    assert filled.get(Project, "p-1").partner_ids == ("a", "b")
    assert filled.upsert([event(status=EventStatus.CANCELLED)]).updated == 1
    assert filled.get(Training, "ev-1").status is EventStatus.CANCELLED


def test_news_and_projects_are_deleted(filled: GraphStore) -> None:
    filled.delete(NewsPost, "n-1")
    filled.delete(Project, "p-1")
    for kind, record_id in ((NewsPost, "n-1"), (Project, "p-1")):
        with pytest.raises(NotFound):
            filled.get(kind, record_id)
        assert filled.list(kind) == []
    assert counted(filled) == {"Training": 1, "NewsPost": 0, "Project": 0, "REGISTERED_FOR": 0, "ATTENDED": 0}


def test_registrations_are_written_changed_and_removed_and_counted_alike(filled: GraphStore) -> None:
    first = Registration(organisation_id="a", training_id="ev-1", participants=3, source=SRC)
    second = Registration(organisation_id="b", training_id="ev-1", participants=2, waiting=2, source=SRC)
    assert filled.add_links([first, second]).created == 2
    assert sorted(filled.links(Registration), key=lambda r: r.organisation_id) == [first, second]
    assert filled.links(Registration, organisation_id="b") == [second]
    fewer = first.model_copy(update={"participants": 1})
    assert filled.add_links([fewer]).updated == 1
    assert counted(filled) == {"Training": 1, "NewsPost": 1, "Project": 1, "REGISTERED_FOR": 2, "ATTENDED": 0}
    filled.remove_link(second)
    assert filled.links(Registration) == [fewer]
    with pytest.raises(NotFound):
        filled.remove_link(second)


def test_a_registration_for_an_unknown_event_is_refused_before_anything_is_written(filled: GraphStore) -> None:
    before = filled.version()
    with pytest.raises(Conflict) as refused:
        filled.add_links(
            [
                Registration(organisation_id="a", training_id="ev-1", source=SRC),
                Registration(organisation_id="b", training_id="ev-inconnu", source=SRC),
            ]
        )
    assert "ev-inconnu" in str(refused.value)
    assert filled.links(Registration) == [] and filled.version() == before


def test_a_running_project_joins_its_partners_in_the_snapshot(filled: GraphStore) -> None:
    def project_edges() -> set[tuple[str, str]]:
        return {
            (a, b)
            for a, b, data in filled.snapshot().edges(data=True)
            if data.get("project") == "p-1" and data["kind"] == "cooperation" and data["cooperation"] == "project"
        }

    assert project_edges() == {("a", "b"), ("a", "c"), ("b", "c")}
    filled.upsert([project(ProjectStatus.PLANNED)])
    assert project_edges() == set()  # planned: they do not work together yet
    filled.upsert([project(ProjectStatus.ENDED)])
    filled.delete(Organisation, "c")
    assert project_edges() == {("a", "b")}  # none to an organisation no longer there


def test_deleting_an_event_through_the_use_case_takes_its_registrations_and_attendances(
    filled: GraphStore, reference: Reference
) -> None:
    cases = EventCases(filled, reference)
    filled.add_links(
        [
            Registration(organisation_id="a", training_id="ev-1", participants=2, source=SRC),
            Attendance(organisation_id="b", training_id="ev-1", participants=1, source=SRC),
        ]
    )
    cases.delete(COORDINATOR, Training, "ev-1", cases.version(Training, "ev-1"))
    assert filled.list(Training) == [] and filled.links(Registration) == [] and filled.links(Attendance) == []
    assert counted(filled)["REGISTERED_FOR"] == counted(filled)["ATTENDED"] == 0


@pytest.mark.parametrize(
    ("place", "public_reads", "member_reads"),
    [("a-public", True, True), ("a-network", False, True), ("a-hidden", False, False)],
)
def test_an_events_place_is_read_only_by_whom_its_visibility_allows(
    filled: GraphStore, reference: Reference, place: str, public_reads: bool, member_reads: bool
) -> None:
    cases = EventCases(filled, reference)
    cases.save(COORDINATOR, event(location_id=place), expected=cases.version(Training, "ev-1"))
    for caller, reads in ((PUBLIC, public_reads), (MEMBER, member_reads)):
        seen = cases.event(caller, "ev-1").location
        assert (seen is not None) == reads, (caller.role, place)
        listed = [v.location for v in cases.events(caller)]
        assert listed == [seen]
        if seen is not None:
            assert isinstance(seen, Location) and seen.visibility is not Visibility.HIDDEN


def test_a_members_only_event_and_its_place_do_not_exist_for_the_public(
    filled: GraphStore, reference: Reference
) -> None:
    cases = EventCases(filled, reference)
    secret = event(location_id="a-network", members_only=True)
    cases.save(COORDINATOR, secret, expected=cases.version(Training, "ev-1"))
    cases.save(COORDINATOR, news("n-2", members_only=True, published_on=date(2026, 11, 25)))
    with pytest.raises(NotFound):
        cases.event(PUBLIC, "ev-1")
    assert cases.events(PUBLIC) == [] and [n.id for n in cases.news(PUBLIC)] == ["n-1"]
    seen = cases.event(MEMBER, "ev-1")
    assert seen.location is not None and seen.location.id == "a-network"
    assert [n.id for n in cases.news(MEMBER)] == ["n-2", "n-1"]  # latest first


def test_an_organisation_deleted_takes_its_registrations_with_it(filled: GraphStore) -> None:
    filled.add_links(
        [
            Registration(organisation_id="a", training_id="ev-1", participants=2, source=SRC),
            Registration(organisation_id="c", training_id="ev-1", participants=1, source=SRC),
        ]
    )
    filled.delete(Organisation, "c")
    assert [r.organisation_id for r in filled.links(Registration)] == ["a"]
    assert counted(filled)["REGISTERED_FOR"] == 1


def test_the_sqlite_file_keeps_them_for_the_next_process(tmp_path: Path, reference: Reference) -> None:
    first = SqliteStore(tmp_path / "relais.db")
    first.upsert(reference.records())
    fill(first)
    first.add_links([Registration(organisation_id="b", training_id="ev-1", participants=4, waiting=1, source=SRC)])
    again = SqliteStore(tmp_path / "relais.db")
    try:
        assert (
            counted(again)
            == counted(first)
            == {
                "Training": 1,
                "NewsPost": 1,
                "Project": 1,
                "REGISTERED_FOR": 1,
                "ATTENDED": 0,
            }
        )
        for kind in (Training, NewsPost, Project):
            assert again.list(kind) == first.list(kind)
        assert again.links(Registration) == first.links(Registration)
    finally:
        first.close()
        again.close()
