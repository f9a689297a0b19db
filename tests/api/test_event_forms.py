"""The coordination's events, news and projects forms through HTTP, as a signed-in browser sends them.

What a coordinator or an organiser's editor notices: the proposal of the gaps pre-fills the form in words; a
created event is listed with its status, divisions and places in words; a refused form keeps every typed value
and says what is wrong next to the field (never a code or a pattern); a stale save writes nothing and names
what changed; another organisation's event is refused; attendance confirmed after the day moves the training
coverage of /v1/gaps; a hidden place is never named nor located; hostile strings come back escaped.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from markupsafe import escape

from api.http.app import create_app
from api.i18n import UI
from graph.memory_store import MemoryStore
from graph.models import Attendance, EventStatus, NewsPost, Project, Training
from graph.reference import Reference
from graph.referral import Role
from graph.usecases import Caller
from graph.usecases.events import EventCases
from tests.api.conftest import auth, csrf_of, demo_store, settings, signed_in
from tests.api.test_four_languages import french_in, names_of

HOSTILE = '<script>alert(1)</script>"><img src=x onerror=alert(2)>'
PERSON = "Mme Dupont, née le 12/03/1980"
TOMORROW = (date.today() + timedelta(days=30)).isoformat()
TICKED = r'type="checkbox" name="[^"]*" value="[^"]*" checked'
COORDINATOR = Caller(Role.COORDINATOR, key_id="k-test", route="test")


@pytest.fixture
def store(reference: Reference) -> MemoryStore:
    found = demo_store(MemoryStore(), reference)
    assert isinstance(found, MemoryStore)
    return found


@pytest.fixture
def web(store: MemoryStore) -> Iterator[TestClient]:
    with TestClient(create_app(settings(), store)) as client:
        yield client


def said(key: str, lang: str = "fr") -> str:
    """A catalogue sentence as the page writes it (HTML-escaped)."""
    return str(escape(UI[key][lang]))


def read(page: str) -> str:
    """What a person reads: tags and attribute values left out (they may hold codes)."""
    return re.sub(r"<[^>]*>", " ", re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S))


def event_form(csrf: str, **changes: Any) -> dict[str, Any]:
    return {
        "csrf": csrf,
        "title": "Grossesse et violences : repérer à la maternité",
        "event_kind": "training",
        "status": "planned",
        "held_on": TOMORROW,
        "starts_at": "09:00",
        "ends_at": "12:30",
        "divisions": ["verviers"],
        "terms": ["pregnancy-postpartum"],
        "audience_sectors": ["medical"],
        "audience_types": ["hospital"],
        "location_id": "",
        "organiser_id": "",
        "capacity": "20",
        "registration_deadline": "",
        "description": "Une matinée pour le personnel des maternités.",
    } | changes


def created_id(answer: Any) -> str:
    assert answer.status_code == 303, answer.text[:3000]
    found = re.match(r"/coordination/(?:events|news|projects)/([^/?]+)\?", answer.headers["location"])
    assert found, answer.headers["location"]
    return found[1]


# --- events ------------------------------------------------------------------------------------------------


def test_the_gaps_proposal_prefills_the_form_in_words(web: TestClient) -> None:
    signed_in(web)
    page = web.get(
        "/coordination/events/new?topic=pregnancy-postpartum&division=verviers&audience_type=hospital"
        "&topic=no-such-topic&lang=nl"
    ).text
    for name, value in (("terms", "pregnancy-postpartum"), ("divisions", "verviers"), ("audience_types", "hospital")):
        assert re.search(rf'name="{name}" value="{value}" checked', page), name
    assert len(re.findall(TICKED, page)) == 3  # nothing else ticked, the unknown topic left out
    assert said("ev_prefilled", "nl") in page and 'value="no-such-topic"' not in page
    text = read(page)
    assert "Zwangerschap en postpartum" in text and "Ziekenhuis" in text
    assert "pregnancy-postpartum" not in text and "hospital" not in text.lower().replace("ziekenhuis", "")
    plain = web.get("/coordination/events/new").text
    assert said("ev_prefilled") not in plain and not re.findall(TICKED, plain)


def test_a_coordinator_creates_an_event_listed_in_words(web: TestClient, store: MemoryStore) -> None:
    signed_in(web)
    csrf = csrf_of(web.get("/coordination/events/new").text)
    answer = web.post("/coordination/events/new?lang=fr", data=event_form(csrf), follow_redirects=False)
    event_id = created_id(answer)
    stored = store.get(Training, event_id)
    assert stored.divisions == ("verviers",) and stored.audience_types == ("hospital",) and stored.capacity == 20
    assert str(stored.starts_at) == "09:00:00" and stored.status is EventStatus.PLANNED
    page = web.get(answer.headers["location"]).text
    assert said("ev_done_events_created") in page and "de 09:00 à 12:30" in page
    assert said("ev_places_left").format(n=20, capacity=20) in page
    listed = web.get("/coordination/events?lang=nl").text
    upcoming = listed[listed.index('id="upcoming"') : listed.index('id="past"')]
    card = upcoming[upcoming.index(f'id="event-{event_id}"') :]
    card = card[: card.index("</article>")]
    assert "Verviers" in card and said("ev_kind_training", "nl") in card and said("ev_status_planned", "nl") in card
    assert "verviers" not in read(card) and "planned" not in read(card)


def test_a_refused_event_keeps_every_value_and_says_why_by_the_field(web: TestClient, store: MemoryStore) -> None:
    signed_in(web)
    before = len(store.list(Training))
    csrf = csrf_of(web.get("/coordination/events/new").text)
    typed = event_form(csrf, title=HOSTILE, description=PERSON, capacity="vingt", audience_sectors=["police"])
    refused = web.post("/coordination/events/new?lang=nl", data=typed)
    assert refused.status_code == 422
    page = refused.text
    for name in ("description", "capacity"):
        assert f'id="event-{name}-error"' in page, name
    assert said("err_int_parsing", "nl") in page and said("net_refused", "nl") in page
    assert f'value="{escape(HOSTILE)}"' in page and HOSTILE not in page and "<img src=x" not in page
    assert escape(PERSON) in page and 'value="vingt"' in page
    assert re.search(r'name="audience_sectors" value="police" checked', page)
    assert "string_pattern" not in page and "pydantic" not in page and "^" not in read(page)
    times = web.post(
        "/coordination/events/new?lang=fr", data=event_form(csrf, ends_at="08:00", registration_deadline="2099-01-01")
    )
    assert times.status_code == 422
    assert said("ev_err_times") in times.text and 'id="event-ends_at-error"' in times.text
    assert 'value="08:00"' in times.text
    assert len(store.list(Training)) == before


def test_hostile_strings_come_back_escaped_on_every_page(web: TestClient) -> None:
    signed_in(web)
    csrf = csrf_of(web.get("/coordination/events/new").text)
    typed = event_form(csrf, title=HOSTILE, description=HOSTILE)
    event_id = created_id(web.post("/coordination/events/new?lang=fr", data=typed, follow_redirects=False))
    for path in ("/coordination/events", f"/coordination/events/{event_id}", f"/coordination/events/{event_id}/delete"):
        page = web.get(path).text
        assert HOSTILE not in page and "<img src=x" not in page, path
        assert str(escape(HOSTILE)) in page, path


def test_an_organisers_editor_keeps_its_own_events_only(web: TestClient, store: MemoryStore) -> None:
    signed_in(web, "editor")  # amb-h-1
    assert 'href="/coordination/events?lang=fr"' in web.get("/organisation?lang=fr").text  # the way there
    page = web.get("/coordination/events").text
    assert 'id="event-t-medecins"' not in page  # organised by another
    form = web.get("/coordination/events/new").text
    assert re.findall(r'name="organiser_id" value="([^"]*)"', form) == ["amb-h-1"]
    csrf = csrf_of(form)
    own = created_id(
        web.post("/coordination/events/new", data=event_form(csrf, organiser_id="amb-h-1"), follow_redirects=False)
    )
    assert store.get(Training, own).organiser_id == "amb-h-1"
    assert f'id="event-{own}"' in web.get("/coordination/events").text
    assert web.get("/coordination/events/t-medecins").status_code == 403
    version = store.get(Training, "t-medecins").content_hash()
    taken = web.post("/coordination/events/t-medecins", data=event_form(csrf, version=version, title="Pris"))
    assert taken.status_code == 403 and store.get(Training, "t-medecins").title != "Pris"
    forged = web.post("/coordination/events/new", data=event_form(csrf, organiser_id="amb-l-1", title="Forgé"))
    assert forged.status_code == 422 and 'id="event-organiser_id-error"' in forged.text
    assert said("ev_err_choose") in forged.text
    assert not [x for x in store.list(Training) if x.title == "Forgé"]
    for path in ("/coordination/news", "/coordination/projects/new"):
        assert web.get(path).status_code == 403, path
    confirmed = web.post(f"/coordination/events/{own}/attendance", data={"csrf": csrf, "n-amb-h-1": "2"})
    assert confirmed.status_code == 403 and all(a.training_id != own for a in store.links(Attendance))


def test_another_editor_and_a_professional_are_refused(
    web: TestClient, store: MemoryStore, reference: Reference
) -> None:
    EventCases(store, reference).save(
        Caller(Role.EDITOR, key_id="k-edit", organisation_id="amb-h-1"),
        Training(
            id="ev-amb", title="Réunion", held_on=date.fromisoformat(TOMORROW), organiser_id="amb-h-1", source="test"
        ),
    )
    signed_in(web, "editor_b")
    assert web.get("/coordination/events/ev-amb").status_code == 403
    assert web.get("/coordination/events/ev-amb/delete").status_code == 403
    signed_in(web, "professional")
    assert web.get("/coordination/events").status_code == 403


def test_a_stale_save_writes_nothing_and_names_what_changed(
    web: TestClient, store: MemoryStore, reference: Reference
) -> None:
    signed_in(web)
    page = web.get("/coordination/events/t-medecins?lang=nl").text
    version = re.search(r'name="version" value="([^"]+)"', page)
    assert version
    EventCases(store, reference).save(
        COORDINATOR,
        store.get(Training, "t-medecins").model_copy(update={"title": "Meanwhile"}),
        expected=version[1],
    )
    mine = event_form(csrf_of(page), version=version[1], title="Mijn titel", held_on="2025-10-14")
    stale = web.post("/coordination/events/t-medecins?lang=nl", data=mine)
    assert stale.status_code == 412
    assert said("ev_f_title", "nl") in stale.text and 'value="Mijn titel"' in stale.text
    assert store.get(Training, "t-medecins").title == "Meanwhile"
    fresh = re.search(r'name="version" value="([^"]+)"', stale.text)
    assert fresh and fresh[1] == store.get(Training, "t-medecins").content_hash()
    again = web.post(
        "/coordination/events/t-medecins?lang=nl", data=mine | {"version": fresh[1]}, follow_redirects=False
    )
    assert again.status_code == 303 and store.get(Training, "t-medecins").title == "Mijn titel"


def test_a_form_without_its_csrf_token_writes_nothing(web: TestClient, store: MemoryStore) -> None:
    signed_in(web)
    answer = web.post("/coordination/events/new", data=event_form("", title="Sans jeton"))
    assert answer.status_code == 403 and not [x for x in store.list(Training) if x.title == "Sans jeton"]
    answer = web.post("/coordination/news/new", data={"title": "Sans jeton", "body": "x", "published_on": "2026-01-01"})
    assert answer.status_code == 403 and not store.list(NewsPost, ids=["sans-jeton"])


def test_a_hidden_place_is_never_named_nor_offered_to_an_editor(
    web: TestClient, store: MemoryStore, reference: Reference
) -> None:
    signed_in(web)
    coordinator = web.get("/coordination/events/new").text
    assert 'value="shelter-h-1-site"' in coordinator  # a coordinator may hold an event there …
    assert "Adresse secrète" not in coordinator and "Site Maison d'accueil Exemple-Mehaigne 1" not in coordinator
    assert said("ev_location_hidden") in coordinator and said("ev_location_network") in coordinator
    csrf = csrf_of(coordinator)
    event_id = created_id(
        web.post(
            "/coordination/events/new", data=event_form(csrf, location_id="shelter-h-1-site"), follow_redirects=False
        )
    )
    page = web.get(f"/coordination/events/{event_id}").text
    assert "Adresse secrète" not in page and re.search(r'name="location_id" value="shelter-h-1-site" checked', page)
    signed_in(web, "editor")
    editor = web.get("/coordination/events/new").text
    assert 'value="shelter-h-1-site"' not in editor  # … an editor never sees it offered
    refused = web.post(
        "/coordination/events/new",
        data=event_form(csrf_of(editor), organiser_id="amb-h-1", location_id="shelter-h-1-site"),
    )
    assert refused.status_code == 422 and 'id="event-location_id-error"' in refused.text
    coordinator = Caller(Role.COORDINATOR, key_id="k", route="test")
    at_shelter = store.get(Training, event_id).model_copy(update={"organiser_id": "amb-h-1"})
    EventCases(store, reference).save(coordinator, at_shelter, expected=store.get(Training, event_id).content_hash())
    own = web.get(f"/coordination/events/{event_id}").text  # the editor's event, placed there by the coordination
    assert 'value="shelter-h-1-site"' not in own and "Adresse secrète" not in own
    version = re.search(r'name="version" value="([^"]+)"', own)
    assert version
    kept = event_form(csrf_of(own), version=version[1], organiser_id="amb-h-1", location_id="")
    saved = web.post(f"/coordination/events/{event_id}", data=kept | {"title": "Gardé"}, follow_redirects=False)
    assert saved.status_code == 409  # refused as an unknown place: the editor's save never drops it unseen
    assert store.get(Training, event_id).location_id == "shelter-h-1-site"


def test_attendance_confirmed_after_the_day_moves_the_coverage(
    web: TestClient, store: MemoryStore, reference: Reference
) -> None:
    """The must-show: a training on pregnancy for Verviers' hospitals, two hospitals registered (head counts),
    attendance confirmed → the training coverage of /v1/gaps for that topic and division grows."""

    def coverage() -> dict[str, Any]:
        gaps = web.get("/v1/gaps", headers=auth("coordinator")).json()
        found: dict[str, Any] = gaps["participation"]["training_coverage"]["verviers"]["pregnancy-postpartum"]
        return found

    before = coverage()
    assert "hospital" in before["missing_types"]
    cases = EventCases(store, reference)
    today = date.today()
    event = Training(
        id="ev-today",
        title="Grossesse",
        held_on=today,
        terms=("pregnancy-postpartum",),
        divisions=("verviers",),
        capacity=5,
        source="test",
    )
    cases.save(COORDINATOR, event)
    cases.register(Caller(Role.EDITOR, key_id="k1", organisation_id="hosp-v-1"), "ev-today", 3)
    cases.register(Caller(Role.EDITOR, key_id="k2", organisation_id="hosp-v-2"), "ev-today", 4)
    signed_in(web)
    page = web.get("/coordination/events/ev-today?lang=fr").text
    assert 'name="n-hosp-v-1" type="number" min="0" inputmode="numeric" value="3"' in page
    assert 'name="n-hosp-v-2" type="number" min="0" inputmode="numeric" value="2"' in page  # 2 placed, 2 waiting
    assert said("ev_waiting_list") in page and said("ev_waiting").format(n=2) in page
    csrf = csrf_of(page)
    wrong = web.post(
        "/coordination/events/ev-today/attendance?lang=nl",
        data={"csrf": csrf, "n-hosp-v-1": "drie", "n-hosp-v-2": "2", "extra_org": "no-such-org", "extra_n": "1"},
    )
    assert wrong.status_code == 422 and 'value="drie"' in wrong.text
    assert 'id="attendance-hosp-v-1-error"' in wrong.text and said("err_int_parsing", "nl") in wrong.text
    assert said("ev_err_choose", "nl") in wrong.text and not [
        a for a in store.links(Attendance) if a.training_id == "ev-today"
    ]
    done = web.post(
        "/coordination/events/ev-today/attendance?lang=fr",
        data={"csrf": csrf, "n-hosp-v-1": "3", "n-hosp-v-2": "2", "extra_org": "gp-v-1", "extra_n": "1"},
        follow_redirects=False,
    )
    assert done.status_code == 303
    counted = {a.organisation_id: a.participants for a in store.links(Attendance) if a.training_id == "ev-today"}
    assert counted == {"hosp-v-1": 3, "hosp-v-2": 2, "gp-v-1": 1}
    assert store.get(Training, "ev-today").status is EventStatus.HELD
    after = coverage()
    assert after["trained"] >= before["trained"] + 2 and "hospital" not in after["missing_types"]
    shown = web.get(done.headers["location"]).text
    assert said("ev_done_attendance") in shown and said("ev_attended").format(n=6, orgs=3) in shown
    zero = web.post(
        "/coordination/events/ev-today/attendance",
        data={"csrf": csrf, "n-hosp-v-1": "3", "n-hosp-v-2": "2", "n-gp-v-1": "0"},
    )
    assert zero.status_code == 200
    assert {a.organisation_id for a in store.links(Attendance) if a.training_id == "ev-today"} == {
        "hosp-v-1",
        "hosp-v-2",
    }


def test_attendance_waits_for_the_day(web: TestClient) -> None:
    signed_in(web)
    csrf = csrf_of(web.get("/coordination/events/new").text)
    event_id = created_id(web.post("/coordination/events/new", data=event_form(csrf), follow_redirects=False))
    page = web.get(f"/coordination/events/{event_id}").text
    assert 'id="attendance-form"' not in page and said("ev_attendance_later") in page


def test_deleting_an_event_asks_first_and_a_stale_confirmation_deletes_nothing(
    web: TestClient, store: MemoryStore
) -> None:
    signed_in(web)
    asked = web.get("/coordination/events/ev-premiers-gestes-huy/delete?lang=nl")
    assert asked.status_code == 200 and said("ev_delete_events_goes", "nl").split("(")[0] in asked.text
    csrf = csrf_of(asked.text)
    kept = web.post("/coordination/events/ev-premiers-gestes-huy/delete?lang=nl", data={"csrf": csrf, "version": "old"})
    assert said("net_delete_stale", "nl") in kept.text and store.list(Training, ids=["ev-premiers-gestes-huy"])
    version = re.search(r'name="version" value="([^"]+)"', asked.text)
    assert version
    gone = web.post(
        "/coordination/events/ev-premiers-gestes-huy/delete?lang=fr", data={"csrf": csrf, "version": version[1]}
    )
    assert said("ev_done_events_deleted") in gone.text and not store.list(Training, ids=["ev-premiers-gestes-huy"])


def test_the_old_trainings_address_leads_to_the_events(web: TestClient) -> None:
    signed_in(web)
    answer = web.get("/coordination/trainings?lang=nl", follow_redirects=False)
    assert answer.status_code == 303 and answer.headers["location"] == "/coordination/events?lang=nl"
    assert 'href="/coordination/events?lang=fr"' in web.get("/coordination").text


# --- news ----------------------------------------------------------------------------------------------------


def news_form(csrf: str, **changes: Any) -> dict[str, Any]:
    return {
        "csrf": csrf,
        "title": "Nouveau service à Verviers",
        "body": "Un nouveau service d'écoute ouvre ses portes.",
        "title_nl": "Nieuwe dienst in Verviers",
        "body_nl": "",
        "title_de": "",
        "body_de": "",
        "title_en": "",
        "body_en": "",
        "published_on": date.today().isoformat(),
        "divisions": ["verviers"],
        "terms": ["partner-violence"],
        "link": "https://example.org/nouveau",
    } | changes


def test_news_is_written_edited_and_deleted_by_the_coordination(web: TestClient, store: MemoryStore) -> None:
    signed_in(web)
    csrf = csrf_of(web.get("/coordination/news/new").text)
    refused = web.post("/coordination/news/new?lang=de", data=news_form(csrf, body=PERSON, link="javascript:alert(1)"))
    assert refused.status_code == 422
    assert 'id="news-body-error"' in refused.text and 'id="news-link-error"' in refused.text
    assert escape(PERSON) in refused.text and 'value="Nieuwe dienst in Verviers"' in refused.text
    news_id = created_id(
        web.post("/coordination/news/new", data=news_form(csrf, title=HOSTILE), follow_redirects=False)
    )
    post = store.get(NewsPost, news_id)
    assert post.title_nl == "Nieuwe dienst in Verviers" and post.body_nl is None and post.divisions == ("verviers",)
    listed = web.get("/coordination/news?lang=nl").text
    assert "Nieuwe dienst in Verviers" in listed and HOSTILE not in listed
    assert said("ev_n_translated", "nl").format(languages="Nederlands") in listed
    page = web.get(f"/coordination/news/{news_id}").text
    assert escape(HOSTILE) in page and HOSTILE not in page
    version = re.search(r'name="version" value="([^"]+)"', page)
    assert version
    saved = web.post(f"/coordination/news/{news_id}?lang=fr", data=news_form(csrf, version=version[1], title="Corrigé"))
    assert said("ev_done_news_saved") in saved.text and store.get(NewsPost, news_id).title == "Corrigé"
    stale = web.post(f"/coordination/news/{news_id}", data=news_form(csrf, version=version[1], title="Encore"))
    assert stale.status_code == 412 and said("ev_n_title") in stale.text and 'value="Encore"' in stale.text
    asked = web.get(f"/coordination/news/{news_id}/delete")
    fresh = re.search(r'name="version" value="([^"]+)"', asked.text)
    assert fresh
    gone = web.post(f"/coordination/news/{news_id}/delete", data={"csrf": csrf, "version": fresh[1]})
    assert said("ev_done_news_deleted") in gone.text and not store.list(NewsPost, ids=[news_id])


# --- projects ------------------------------------------------------------------------------------------------


def test_a_project_needs_two_partners_and_is_kept_in_words(web: TestClient, store: MemoryStore) -> None:
    signed_in(web)
    csrf = csrf_of(web.get("/coordination/projects/new").text)
    project = {
        "csrf": csrf,
        "name": "Maternités et refuges",
        "status": "running",
        "starts_on": "2026-01-01",
        "ends_on": "",
        "partner_ids": ["hosp-v-1"],
        "terms": ["pregnancy-postpartum"],
        "description": PERSON,
    }
    refused = web.post("/coordination/projects/new?lang=nl", data=project)
    assert refused.status_code == 422 and 'id="project-partner_ids-error"' in refused.text
    assert 'id="project-description-error"' in refused.text and escape(PERSON) in refused.text
    assert re.search(r'name="partner_ids" value="hosp-v-1" checked', refused.text)
    backwards = web.post(
        "/coordination/projects/new",
        data=project | {"partner_ids": ["hosp-v-1", "amb-v-1"], "description": "", "ends_on": "2025-01-01"},
    )
    assert backwards.status_code == 422 and 'id="project-ends_on-error"' in backwards.text
    good = project | {"partner_ids": ["hosp-v-1", "amb-v-1"], "description": "Un protocole commun."}
    project_id = created_id(web.post("/coordination/projects/new", data=good, follow_redirects=False))
    assert set(store.get(Project, project_id).partner_ids) == {"hosp-v-1", "amb-v-1"}
    listed = web.get("/coordination/projects?lang=nl").text
    card = listed[listed.index(f'id="project-{project_id}"') :]
    card = card[: card.index("</article>")]
    assert (
        said("ev_pstatus_running", "nl") in card and "Hôpital Exemple-Vesdre 1" in card and "hosp-v-1" not in read(card)
    )


@pytest.mark.parametrize("lang", ["nl", "de", "en"])
def test_the_coordinations_pages_have_no_french_in_other_languages(web: TestClient, lang: str) -> None:
    signed_in(web)
    names = names_of(web)
    for path in (
        "/coordination/events",
        "/coordination/events/new?topic=pregnancy-postpartum&division=verviers&audience_type=hospital",
        "/coordination/events/ev-premiers-gestes-huy",
        "/coordination/events/t-medecins",
        "/coordination/events/t-medecins/delete",
        "/coordination/news",
        "/coordination/news/new",
        "/coordination/projects",
        "/coordination/projects/new",
    ):
        page = web.get(f"{path}{'&' if '?' in path else '?'}lang={lang}")
        assert page.status_code == 200, path
        assert french_in(page.text, names) == [], path


def test_a_cancelled_event_asks_for_no_attendance(web: TestClient, store: MemoryStore, reference: Reference) -> None:
    cancelled = Training(
        id="ev-cancelled", title="Annulée", held_on=date.today(), status=EventStatus.CANCELLED, source="test"
    )
    EventCases(store, reference).save(COORDINATOR, cancelled)
    signed_in(web)
    page = web.get("/coordination/events/ev-cancelled?lang=fr").text
    assert said("ev_status_cancelled") in page and 'id="attendance"' not in page
