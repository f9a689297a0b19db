"""The agenda and the news as a member reads and subscribes to them: /v1/events(.ics), /v1/news(.atom), the
/agenda and /actualites pages, and registering one's organisation by head count.

The calendar is parsed back with `icalendar` and the Atom feed with the standard library's XML parser, as a
calendar client or a feed reader would. A shelter's address is never in any of them, for anybody.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from fastapi.testclient import TestClient
from icalendar import Calendar

from api.http.app import create_app
from graph.memory_store import MemoryStore
from graph.models import EventStatus, NewsPost, Training
from graph.reference import Reference
from graph.referral import Role
from graph.usecases import Caller
from tests.api.conftest import auth, csrf_of, demo_store, settings, signed_in

COORDINATOR = Caller(Role.COORDINATOR, key_id="test", route="test")
SOON = date.today() + timedelta(days=30)
HOSTILE = '<script>alert(1)</script> "><img src=x onerror=alert(1)>'
SHELTER_ADDRESS = "Adresse secrète fictive shelter-v-1"
NETWORK_ADDRESS = "Rue de l'Exemple 109"
ATOM = "{http://www.w3.org/2005/Atom}"


def _event(**fields: object) -> Training:
    return Training.model_validate({"held_on": SOON, "source": "test (fictional)"} | fields)


EVENTS = (
    _event(
        id="e1-grossesse",
        title="Grossesse et post-partum : repérer les violences",
        starts_at=time(9, 30),
        ends_at=time(12, 0),
        terms=("pregnancy-postpartum",),
        divisions=("verviers",),
        audience_types=("hospital",),
        location_id="hosp-v-1-site",
        capacity=4,
        registration_deadline=SOON - timedelta(days=5),
    ),
    _event(id="e1-membres", title="Réunion de plateforme (membres)", terms=("partner-violence",), members_only=True),
    _event(id="e1-refuge", title="Visite d'un refuge", divisions=("verviers",), location_id="shelter-v-1-site"),
    _event(id="e1-reseau", title="Rencontre police", divisions=("verviers",), location_id="pva-v-1-site"),
    _event(id="e1-annule", title="Journée annulée", divisions=("liege",), status=EventStatus.CANCELLED),
    _event(id="e1-clos", title="Inscriptions closes", registration_deadline=date.today() - timedelta(days=1)),
    _event(id="e1-hostile", title=HOSTILE, divisions=("huy",), description=HOSTILE),
)
NEWS = (
    NewsPost(
        id="e1-traduite",
        title="Un nouveau service à Huy",
        body="Texte en français.",
        title_nl="Een nieuwe dienst in Hoei",
        body_nl="Tekst in het Nederlands.",
        published_on=date.today(),
        terms=("partner-violence",),
        divisions=("huy",),
        source="test (fictional)",
    ),
    NewsPost(
        id="e1-francais",
        title="Campagne de novembre",
        body="Seulement en français.",
        published_on=date.today() - timedelta(days=3),
        source="test (fictional)",
    ),
    NewsPost(
        id="e1-membres-news",
        title="Note aux membres",
        body="Réservé.",
        published_on=date.today() - timedelta(days=1),
        members_only=True,
        source="test (fictional)",
    ),
    NewsPost(
        id="e1-hostile-news",
        title=HOSTILE,
        body=HOSTILE,
        published_on=date.today() - timedelta(days=2),
        source="test (fictional)",
    ),
)


@pytest.fixture
def client(reference: Reference) -> Iterator[TestClient]:
    """The demo with this module's events and news, written as the coordination writes them."""
    app = create_app(settings(), demo_store(MemoryStore(), reference))
    with TestClient(app) as c:
        for record in (*EVENTS, *NEWS):
            app.state.relais.events.save(COORDINATOR, record)
        yield c


def calendar_of(client: TestClient, url: str, role: str = "") -> Calendar:
    answer = client.get(url, headers=auth(role))
    assert answer.status_code == 200
    assert answer.headers["content-type"] == "text/calendar; charset=utf-8"
    return Calendar.from_ical(answer.content)


def by_uid(cal: Calendar) -> dict[str, object]:
    return {str(e["UID"]): e for e in cal.walk("VEVENT")}


# --- the calendar ------------------------------------------------------------------------------------------


def test_the_verviers_calendar_parses_back_with_its_event_in_brussels_time(client: TestClient) -> None:
    cal = calendar_of(client, "/v1/events.ics?division=verviers&lang=nl")
    assert str(cal["VERSION"]) == "2.0" and str(cal["PRODID"])
    assert "Afdeling Verviers" in str(cal["X-WR-CALNAME"])  # the asked language
    assert [str(z["TZID"]) for z in cal.walk("VTIMEZONE")] == ["Europe/Brussels"]
    events = by_uid(cal)
    grossesse = events["e1-grossesse@relais"]
    start = grossesse["DTSTART"]  # type: ignore[index]
    assert start.params["TZID"] == "Europe/Brussels"
    assert start.dt == datetime.combine(SOON, time(9, 30), ZoneInfo("Europe/Brussels"))
    assert grossesse["DTEND"].dt.time() == time(12, 0)  # type: ignore[index]
    assert str(grossesse["SUMMARY"]) == "Grossesse et post-partum : repérer les violences"  # type: ignore[index]
    described = str(grossesse["DESCRIPTION"])  # type: ignore[index]
    assert "Zwangerschap en postpartum" in described and "4 plaatsen over" in described
    assert "Rue de l'Exemple 111" in str(grossesse["LOCATION"])  # type: ignore[index]
    assert str(grossesse["URL"]).endswith("/agenda/e1-grossesse?lang=nl")  # type: ignore[index]
    assert "e1-annule@relais" not in events  # Liège's
    assert "e1-clos@relais" in events  # the whole arrondissement's is in every division's


def test_an_event_without_hours_is_a_whole_day_and_a_cancelled_one_says_so(client: TestClient) -> None:
    events = by_uid(calendar_of(client, "/v1/events.ics"))
    whole_day = events["e1-clos@relais"]
    assert whole_day["DTSTART"].dt == SOON and whole_day["DTEND"].dt == SOON + timedelta(days=1)  # type: ignore[index]
    assert str(events["e1-annule@relais"]["STATUS"]) == "CANCELLED"  # type: ignore[index]
    assert str(events["e1-grossesse@relais"]["STATUS"]) == "CONFIRMED"  # type: ignore[index]


def test_a_topic_calendar_carries_only_that_topic(client: TestClient) -> None:
    events = by_uid(calendar_of(client, "/v1/events.ics?topic=pregnancy-postpartum&lang=fr"))
    assert "e1-grossesse@relais" in events and "e1-clos@relais" not in events


@pytest.mark.parametrize("role", ["", "professional", "editor", "coordinator"])
def test_a_shelter_address_reaches_nobody(client: TestClient, role: str) -> None:
    """Not in the calendar, the JSON or the pages — for the public, a member or the coordination."""
    headers = auth(role)
    for url in ("/v1/events.ics", "/v1/events", "/v1/events/e1-refuge", "/v1/events/e1-refuge.ics"):
        assert SHELTER_ADDRESS not in client.get(url, headers=headers).text, url
    refuge = client.get("/v1/events/e1-refuge", headers=headers).json()
    assert refuge["place"] is None and refuge["place_private"] is True
    assert "LOCATION" not in by_uid(calendar_of(client, "/v1/events.ics", role))["e1-refuge@relais"]  # type: ignore[operator]
    if role:
        signed_in(client, role)
    for url in ("/agenda?lang=fr", "/agenda/e1-refuge?lang=fr"):
        page = client.get(url).text
        assert SHELTER_ADDRESS not in page and "Lieu communiqué aux inscrits" in page


def test_a_network_place_is_for_members_only(client: TestClient) -> None:
    public = by_uid(calendar_of(client, "/v1/events.ics"))["e1-reseau@relais"]
    assert "LOCATION" not in public  # type: ignore[operator]
    assert "Lieu communiqué aux inscrits" in str(public["DESCRIPTION"])  # type: ignore[index]
    member = by_uid(calendar_of(client, "/v1/events.ics", "professional"))["e1-reseau@relais"]
    assert NETWORK_ADDRESS in str(member["LOCATION"])  # type: ignore[index]


def test_members_only_events_need_a_key_or_a_session(client: TestClient) -> None:
    assert "e1-membres@relais" not in by_uid(calendar_of(client, "/v1/events.ics"))
    assert "e1-membres@relais" in by_uid(calendar_of(client, "/v1/events.ics", "professional"))
    assert client.get("/v1/events/e1-membres").status_code == 404
    assert client.get("/v1/events/e1-membres.ics").status_code == 404
    assert client.get("/agenda/e1-membres", headers={"accept": "text/html"}).status_code == 404
    assert client.get("/v1/events/e1-membres", headers=auth("professional")).json()["members_only"] is True
    assert "private" in client.get("/v1/events.ics", headers=auth("professional")).headers["cache-control"]
    signed_in(client, "professional")
    assert "e1-membres@relais" in by_uid(calendar_of(client, "/v1/events.ics"))  # the session cookie reads


def test_events_json_gives_places_left_and_refuses_an_unknown_division(client: TestClient) -> None:
    found = {e["id"]: e for e in client.get("/v1/events?division=verviers&lang=de").json()}
    grossesse = found["e1-grossesse"]
    assert (grossesse["capacity"], grossesse["places_left"], grossesse["full"]) == (4, 4, False)
    assert grossesse["topics"] == [{"id": "pregnancy-postpartum", "label": "Schwangerschaft und Wochenbett"}]
    assert grossesse["when"].endswith("9:30 Uhr – 12:00 Uhr")
    assert "e1-annule" not in found
    refused = client.get("/v1/events?division=namur")
    assert refused.status_code == 422 and refused.json()["errors"][0]["parameter"] == "division"
    assert client.get("/v1/events.ics?topic=nothing").status_code == 422
    later = client.get(f"/v1/events?since={(SOON + timedelta(days=1)).isoformat()}").json()
    assert not [e for e in later if e["id"].startswith("e1-")]


def test_a_hostile_title_stays_text_in_the_calendar_and_the_json(client: TestClient) -> None:
    events = by_uid(calendar_of(client, "/v1/events.ics"))
    assert str(events["e1-hostile@relais"]["SUMMARY"]) == HOSTILE  # type: ignore[index]
    assert client.get("/v1/events/e1-hostile").json()["title"] == HOSTILE


# --- the news --------------------------------------------------------------------------------------------


def atom_of(client: TestClient, url: str, role: str = "") -> ET.Element:
    answer = client.get(url, headers=auth(role))
    assert answer.status_code == 200
    assert answer.headers["content-type"] == "application/atom+xml; charset=utf-8"
    return ET.fromstring(answer.content)


def test_the_atom_feed_has_what_rfc_4287_requires_in_the_asked_language(client: TestClient) -> None:
    feed = atom_of(client, "/v1/news.atom?lang=nl")
    assert feed.tag == f"{ATOM}feed"
    for required in ("id", "title", "updated"):
        assert (feed.findtext(f"{ATOM}{required}") or "").strip(), required
    assert feed.findtext(f"{ATOM}author/{ATOM}name") == "Coördinatie van de Platforms Geweld — Provincie Luik"
    entries = feed.findall(f"{ATOM}entry")
    for entry in entries:
        for required in ("id", "title", "updated"):
            assert (entry.findtext(f"{ATOM}{required}") or "").strip(), required
        datetime.fromisoformat(entry.findtext(f"{ATOM}updated") or "")
    titles = [e.findtext(f"{ATOM}title") for e in entries]
    assert titles[0] == "Een nieuwe dienst in Hoei"  # latest first, translated
    assert "Campagne de novembre (in het Frans)" in titles  # the French fallback said
    assert "Note aux membres" not in titles
    ids = [e.findtext(f"{ATOM}id") for e in entries]
    assert len(set(ids)) == len(ids)


def test_members_read_the_members_news(client: TestClient) -> None:
    titles = [e.findtext(f"{ATOM}title") for e in atom_of(client, "/v1/news.atom", "editor").findall(f"{ATOM}entry")]
    assert "Note aux membres" in titles
    assert client.get("/v1/news/e1-membres-news").status_code == 404
    assert client.get("/v1/news/e1-membres-news", headers=auth("editor")).status_code == 200


def test_a_hostile_news_title_is_escaped_in_the_feed(client: TestClient) -> None:
    raw = client.get("/v1/news.atom").text
    assert "<script>" not in raw and "<img" not in raw
    entries = atom_of(client, "/v1/news.atom").findall(f"{ATOM}entry")
    assert HOSTILE in [e.findtext(f"{ATOM}title") for e in entries]  # escaped, so it reads back as it was typed


def test_news_json_says_which_language_it_is_written_in(client: TestClient) -> None:
    found = {p["id"]: p for p in client.get("/v1/news?lang=nl").json()}
    assert (found["e1-traduite"]["title"], found["e1-traduite"]["language"]) == ("Een nieuwe dienst in Hoei", "nl")
    assert (found["e1-francais"]["title"], found["e1-francais"]["language"]) == ("Campagne de novembre", "fr")
    assert next(p["id"] for p in client.get("/v1/news?division=huy").json()) == "e1-traduite"


# --- the pages ---------------------------------------------------------------------------------------------


def test_the_agenda_says_day_hours_places_and_deadline_in_the_page_language(client: TestClient) -> None:
    page = client.get("/agenda?lang=fr&division=verviers").text
    weekday = ["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"][SOON.weekday()]
    assert f"{weekday} {SOON.day}" in page and "9 h 30 – 12 h" in page
    assert "4 places restantes" in page and "<dd>jusqu&#39;au " in page
    assert "Journée annulée" not in page  # Liège's
    assert "webcal://testserver/v1/events.ics?division=verviers&amp;lang=fr" in page
    assert "http://testserver/v1/events.ics?lang=fr" in page
    assert "l&#39;agenda public" in page  # a subscription carries the public agenda, and the page says it
    dutch = client.get("/agenda?lang=nl&division=verviers").text
    assert "9.30 uur – 12.00 uur" in dutch and "4 plaatsen over" in dutch and "Afdeling Verviers" in dutch
    assert client.get("/agenda?division=nowhere&topic=%3Cscript%3E").status_code == 200  # read as «all»


def test_the_pages_escape_hostile_titles(client: TestClient) -> None:
    for url in ("/agenda?lang=fr", "/agenda/e1-hostile?lang=fr", "/actualites?lang=fr", "/actualites/e1-hostile-news"):
        page = client.get(url).text
        assert "<script>alert" not in page and "<img src=x" not in page, url
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page, url


def test_news_pages_fall_back_to_french_and_say_so(client: TestClient) -> None:
    page = client.get("/actualites?lang=nl").text
    assert "Een nieuwe dienst in Hoei" in page and "Campagne de novembre" in page
    said = re.findall(r'<h2><a href="/actualites/([\w-]+)\?lang=nl"[^>]*>[^<]*</a>( <span class="in-french">)?', page)
    marked = {post: bool(marker) for post, marker in said}
    assert marked["e1-francais"] and not marked["e1-traduite"]
    assert "Note aux membres" not in page and "/v1/news.atom?lang=nl" in page
    post = client.get("/actualites/e1-francais?lang=nl").text
    assert "Seulement en français." in post and "(in het Frans)" in post
    assert client.get("/actualites/e1-membres-news", headers={"accept": "text/html"}).status_code == 404


# --- registering one's organisation --------------------------------------------------------------------------


def register(client: TestClient, event: str, participants: str, **extra: str) -> object:
    token = csrf_of(client.get(f"/agenda/{event}?lang=fr").text)
    data = {"csrf": token, "event": event, "participants": participants, **extra}
    return client.post("/coordination/registrations?lang=fr", data=data, follow_redirects=True)


def test_an_editor_registers_a_head_count_changes_it_and_cancels(client: TestClient) -> None:
    signed_in(client, "editor")
    done = register(client, "e1-grossesse", "3", organisation_id="amb-l-1")  # another's id is not read
    assert done.url.path == "/agenda/e1-grossesse"  # type: ignore[attr-defined]
    page = done.text  # type: ignore[attr-defined]
    assert (
        "Inscription enregistrée." in page and "Votre organisation : 3 participants inscrits — 1 place restante" in page
    )
    registered = client.app.state.relais.events.registrations("e1-grossesse")  # type: ignore[attr-defined]
    assert [(r.organisation_id, r.participants) for r in registered] == [("amb-h-1", 3)]

    page = register(client, "e1-grossesse", "6").text  # type: ignore[attr-defined]
    assert "6 participants inscrits, dont 2 sur liste d&#39;attente" in page and "Complet — liste d&#39;attente" in page

    token = csrf_of(page)
    data = {"csrf": token, "event": "e1-grossesse"}
    page = client.post("/coordination/registrations/cancel?lang=fr", data=data, follow_redirects=True).text
    assert "Inscription annulée." in page and "4 places restantes" in page


def test_a_refused_number_is_said_next_to_the_field_and_kept(client: TestClient) -> None:
    signed_in(client, "editor")
    for typed, said in (("trois", "Un nombre entier"), ("0", "Au moins 1")):
        answer = register(client, "e1-grossesse", typed)
        assert answer.status_code == 422  # type: ignore[attr-defined]
        error = re.search(r'id="register-participants-error"[^>]*>([^<]+)<', answer.text)  # type: ignore[attr-defined]
        assert error and said in error.group(1)
        assert f'value="{typed}"' in answer.text  # type: ignore[attr-defined]
    assert client.app.state.relais.events.registrations("e1-grossesse") == []  # type: ignore[attr-defined]


def test_a_closed_event_takes_no_registration(client: TestClient) -> None:
    signed_in(client, "editor")
    page = client.get("/agenda/e1-clos?lang=fr").text
    assert "Cet événement ne prend plus d&#39;inscriptions." in page and 'name="participants"' not in page
    token = csrf_of(page)
    answer = client.post(
        "/coordination/registrations?lang=fr", data={"csrf": token, "event": "e1-clos", "participants": "2"}
    )
    assert answer.status_code == 422 and "Les inscriptions à cet événement sont clôturées." in answer.text
    assert client.app.state.relais.events.registrations("e1-clos") == []  # type: ignore[attr-defined]


def test_no_registration_without_the_form_s_token_or_a_session(client: TestClient) -> None:
    data = {"event": "e1-grossesse", "participants": "2"}
    assert client.post("/coordination/registrations", data=data).status_code == 403  # the public
    assert client.post("/coordination/registrations", data=data, headers=auth("editor")).status_code == 403
    signed_in(client, "editor")
    assert client.post("/coordination/registrations", data=data).status_code == 403  # no CSRF token
    assert client.post("/coordination/registrations", data=data | {"csrf": "forged"}).status_code == 403
    assert client.app.state.relais.events.registrations("e1-grossesse") == []  # type: ignore[attr-defined]


def test_who_may_not_register_is_told_why(client: TestClient) -> None:
    assert "Connectez-vous pour inscrire votre organisation." in client.get("/agenda/e1-grossesse?lang=fr").text
    signed_in(client, "coordinator")  # the coordination's key belongs to no organisation
    page = client.get("/agenda/e1-grossesse?lang=fr").text
    assert "aucune organisation" in page and 'name="participants"' not in page
    token = csrf_of(page)
    refused = client.post(
        "/coordination/registrations?lang=fr", data={"csrf": token, "event": "e1-membres", "participants": "1"}
    )
    assert refused.status_code == 422 and "aucune organisation" in refused.text


def test_the_public_cannot_register_for_a_members_only_event_it_cannot_see(client: TestClient) -> None:
    signed_in(client, "editor")
    token = csrf_of(client.get("/agenda/e1-grossesse?lang=fr").text)
    client.post("/logout", data={"csrf": token})
    answer = client.post(
        "/coordination/registrations", data={"csrf": token, "event": "e1-membres", "participants": "1"}
    )
    assert answer.status_code == 403


def test_one_subscribes_to_a_topic_before_its_first_event(client: TestClient) -> None:
    page = client.get("/agenda?lang=fr&topic=elder-abuse").text
    coming, other = page.index("Thèmes des événements à venir"), page.index("Autres thèmes")
    assert coming < page.index(">Grossesse et post-partum</option>") < other  # a topic with an event to come
    assert other < page.index('value="elder-abuse" selected>')
    assert "Aucun événement à venir pour ce choix." in page
    assert "webcal://testserver/v1/events.ics?topic=elder-abuse&amp;lang=fr" in page
    assert "Thème « Maltraitance des aîné·es »" in page


def test_a_calendar_with_nothing_announced_yet_is_still_a_valid_one(client: TestClient) -> None:
    cal = calendar_of(client, "/v1/events.ics?topic=elder-abuse")
    assert cal.walk("VEVENT") == [] and [str(z["TZID"]) for z in cal.walk("VTIMEZONE")] == ["Europe/Brussels"]


def test_the_demo_s_verviers_calendar_has_its_platform_meeting_for_members(client: TestClient) -> None:
    """The must-show of issue 21 on the bundled demo: its Verviers platform meeting is members-only."""
    assert "ev-plateforme-verviers-mars@relais" in by_uid(
        calendar_of(client, "/v1/events.ics?division=verviers", "editor")
    )
    assert "ev-plateforme-verviers-mars@relais" not in by_uid(calendar_of(client, "/v1/events.ics?division=verviers"))
    assert atom_of(client, "/v1/news.atom").findall(f"{ATOM}entry")


def test_a_polling_calendar_gets_304_until_something_changes(client: TestClient) -> None:
    first = client.get("/v1/events.ics?division=verviers")
    tag = first.headers["etag"]
    again = client.get("/v1/events.ics?division=verviers", headers={"if-none-match": tag})
    assert again.status_code == 304 and again.content == b""
    assert client.get("/v1/events.ics?division=verviers&lang=nl", headers={"if-none-match": tag}).status_code == 200
    member = client.get("/v1/events.ics?division=verviers", headers={"if-none-match": tag} | auth("editor"))
    assert member.status_code == 200  # a member's calendar is another one (members-only events, network places)
    editor = Caller(Role.EDITOR, key_id="k-edit", organisation_id="amb-h-1", route="test")
    client.app.state.relais.events.register(editor, "e1-grossesse", 3)  # type: ignore[attr-defined]
    changed = client.get("/v1/events.ics?division=verviers", headers={"if-none-match": tag})
    assert changed.status_code == 200 and "1 place restante" in changed.text
    news = client.get("/v1/news.atom").headers["etag"]
    assert client.get("/v1/news.atom", headers={"if-none-match": news}).status_code == 304
