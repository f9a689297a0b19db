"""«Mon organisation»: an editor signs in, sees its own records, updates its places in one tap; an old figure
of places says it is old, in the API and on the pages."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from datetime import date, timedelta

import pytest
from fastapi.testclient import TestClient

from api.http.app import create_app
from api.i18n import UI
from api.keys import key_digest
from api.reasons import day_month
from api.settings import DEV_SECRET, ApiKey, Settings
from graph.memory_store import MemoryStore
from graph.models import Capacity, Organisation, Service, Visibility
from graph.reference import Reference
from tests.api.conftest import TOKENS, auth, csrf_of, demo_store, settings

SHELTER_TOKEN = "shelter-h-1-secret-token"
SHELTER_KEY = ApiKey(
    id="k-shelter", role="editor", digest=key_digest(SHELTER_TOKEN, DEV_SECRET), organisation_id="shelter-h-1"
)
OWN = "shelter-h-1-svc"
OTHER = "shelter-h-2-svc"
TODAY = date.today()


def fresh_days_settings(days: int = 7) -> Settings:
    base = settings()
    return base.model_copy(update={"api_keys": [*base.api_keys, SHELTER_KEY], "capacity_fresh_days": days})


@pytest.fixture
def store(reference: Reference) -> MemoryStore:
    """The demo, with shelter-h-2's places reported 30 days ago (stale) and shelter-h-1's today (fresh)."""
    s = MemoryStore()
    demo_store(s, reference)
    for service_id, days_old in ((OTHER, 30), (OWN, 0)):
        old = s.get(Service, service_id, clearance=Visibility.HIDDEN)
        assert old.capacity is not None
        places = Capacity(available=2, total=old.capacity.total, updated_at=TODAY - timedelta(days=days_old))
        s.upsert([old.model_copy(update={"capacity": places})])
    return s


@pytest.fixture
def app_client(store: MemoryStore) -> Iterator[TestClient]:
    with TestClient(create_app(fresh_days_settings(), store)) as c:
        yield c


def sign_in(client: TestClient, token: str = SHELTER_TOKEN, lang: str = "fr") -> str:
    """Signs in; the page it lands on."""
    answer = client.post(f"/login?lang={lang}", data={"key": token}, follow_redirects=False)
    assert answer.status_code == 303, answer.text
    return str(answer.headers["location"])


def capacity(store: MemoryStore, service_id: str) -> Capacity | None:
    return store.get(Service, service_id, clearance=Visibility.HIDDEN).capacity


# --- the API ------------------------------------------------------------------------------------------


def test_the_api_says_whether_a_figure_is_fresh(app_client: TestClient) -> None:
    body = app_client.get("/v1/referrals?need=shelter&division=huy&limit=10").json()
    by_service = {r["service"]["id"]: r for r in body["results"]}
    own, other = by_service[OWN], by_service[OTHER]
    assert own["service"]["capacity"] == {"available": 2, "total": 8, "updated_at": TODAY.isoformat(), "fresh": True}
    assert other["service"]["capacity"]["fresh"] is False
    assert other["service"]["capacity"]["updated_at"] == (TODAY - timedelta(days=30)).isoformat()
    codes = {c["code"]: c["values"] for c in other["reason_codes"]}
    assert "places" not in codes and codes["capacity_unconfirmed"]["available"] == 2
    assert any(r.startswith("places à confirmer") for r in other["reasons"])
    assert "places" in {c["code"] for c in own["reason_codes"]}
    assert own["rank"] < other["rank"], "the fresh figure keeps its bonus, the old one lost it"


def test_the_threshold_comes_from_the_settings(store: MemoryStore) -> None:
    with TestClient(create_app(fresh_days_settings(60), store)) as c:
        results = c.get("/v1/referrals?need=shelter&division=huy").json()["results"]
    assert all(r["service"]["capacity"]["fresh"] for r in results if r["service"]["capacity"])


# --- the editor's page --------------------------------------------------------------------------------


def test_an_editor_lands_on_its_own_page(app_client: TestClient) -> None:
    assert sign_in(app_client, lang="nl") == "/organisation?lang=nl"
    page = app_client.get("/organisation?lang=nl")
    assert page.status_code == 200
    assert "Mijn organisatie" in page.text and "Vrije plaatsen vandaag" in page.text
    assert "Maison d&#39;accueil Exemple-Mehaigne 1" in page.text
    assert f'id="svc-{OWN}"' in page.text
    assert OTHER not in page.text and "Exemple-Mehaigne 2" not in page.text, "only its own records"
    assert f"op {day_month(TODAY, 'nl')}" in page.text
    again = app_client.get("/coordination", follow_redirects=False)
    assert again.status_code == 303 and again.headers["location"].startswith("/organisation")
    # another organisation asked for: still its own page
    assert OTHER not in app_client.get("/organisation?organisation=shelter-h-2").text


def test_no_french_left_on_the_page_in_other_languages(app_client: TestClient) -> None:
    sign_in(app_client)
    new_keys = ("my_organisation", "places_today", "verified_today", "our_services", "verified_hint")
    for lang in ("nl", "de", "en"):
        page = html.unescape(app_client.get(f"/organisation?lang={lang}").text)
        for key in new_keys:
            french = UI[key]["fr"].split("{")[0].strip()
            assert french not in page, (lang, key)
            assert UI[key][lang].split("{")[0].strip() in page, (lang, key)


def test_one_tap_update_stamps_today_and_keeps_the_total(app_client: TestClient, store: MemoryStore) -> None:
    sign_in(app_client)
    page = app_client.get("/organisation").text
    answer = app_client.post(
        f"/coordination/places/{OWN}", data={"csrf": csrf_of(page), "available": "5"}, follow_redirects=False
    )
    assert answer.status_code == 303
    assert capacity(store, OWN) == Capacity(available=5, total=8, updated_at=TODAY)
    shown = app_client.get(answer.headers["location"]).text
    assert "Enregistré : 5 place(s) libre(s) sur 8" in shown
    assert f"5/8 places libres — au {day_month(TODAY, 'fr')}" in re.sub(r"\s+", " ", shown)


def test_a_service_without_places_gets_them(app_client: TestClient, store: MemoryStore) -> None:
    sign_in(app_client, TOKENS["editor"])  # amb-h-1: a service with no places yet
    page = app_client.get("/organisation").text
    assert "Indiquer des places" in page
    form = {"csrf": csrf_of(page), "available": "2", "total": "5"}
    assert app_client.post("/coordination/places/amb-h-1-svc", data=form, follow_redirects=False).status_code == 303
    assert capacity(store, "amb-h-1-svc") == Capacity(available=2, total=5, updated_at=TODAY)


@pytest.mark.parametrize(
    ("typed", "lang", "message"),
    [
        ("12", "fr", "Plus de places libres que de places au total (8)"),
        ("12", "nl", "Meer vrije plaatsen dan plaatsen in totaal (8)"),
        ("trois", "de", "Geben Sie eine ganze Zahl von 0 bis 100 000 an."),
        ("-1", "en", "Enter a whole number from 0 to 100 000."),
    ],
)
def test_an_error_is_said_next_to_the_field_and_keeps_what_was_typed(
    app_client: TestClient, store: MemoryStore, typed: str, lang: str, message: str
) -> None:
    sign_in(app_client)
    page = app_client.get(f"/organisation?lang={lang}").text
    before = capacity(store, OWN)
    answer = app_client.post(
        f"/coordination/places/{OWN}?lang={lang}", data={"csrf": csrf_of(page), "available": typed}
    )
    assert answer.status_code == 422
    field = re.search(rf'<input type="number" id="available-{OWN}"[^>]*>', answer.text)
    assert field and f'value="{typed}"' in field.group(0) and 'aria-invalid="true"' in field.group(0)
    error = re.search(rf'<p class="field-error" id="error-{OWN}"[^>]*>([^<]*)</p>', answer.text)
    assert error and message in html.unescape(error.group(1))
    assert capacity(store, OWN) == before, "nothing written"


def test_another_organisations_places_are_refused(app_client: TestClient, store: MemoryStore) -> None:
    sign_in(app_client)
    token = csrf_of(app_client.get("/organisation").text)
    before = capacity(store, OTHER)
    answer = app_client.post(f"/coordination/places/{OTHER}", data={"csrf": token, "available": "1"})
    assert answer.status_code == 403
    assert app_client.post("/coordination/verified/shelter-h-2", data={"csrf": token}).status_code == 403
    assert capacity(store, OTHER) == before
    assert store.get(Organisation, "shelter-h-2").verified_at != TODAY


def test_csrf_is_required(app_client: TestClient, store: MemoryStore) -> None:
    sign_in(app_client)
    before = capacity(store, OWN)
    for form in ({"available": "4"}, {"available": "4", "csrf": "forged"}):
        assert app_client.post(f"/coordination/places/{OWN}", data=form).status_code == 403
    assert app_client.post("/coordination/verified/shelter-h-1", data={"csrf": "forged"}).status_code == 403
    assert capacity(store, OWN) == before
    # a bearer key alone (no session, so no form) cannot post the page's form either
    bare = app_client.post(f"/coordination/places/{OWN}", data={"available": "4"}, headers=auth("coordinator"))
    assert bare.status_code == 403


def test_verified_today(app_client: TestClient, store: MemoryStore) -> None:
    sign_in(app_client)
    token = csrf_of(app_client.get("/organisation").text)
    answer = app_client.post("/coordination/verified/shelter-h-1", data={"csrf": token}, follow_redirects=False)
    assert answer.status_code == 303
    assert store.get(Organisation, "shelter-h-1").verified_at == TODAY
    assert "Merci : fiche vérifiée" in app_client.get(answer.headers["location"]).text


def test_who_else_goes_where(app_client: TestClient) -> None:
    public = app_client.get("/organisation", follow_redirects=False)
    assert public.status_code == 303 and public.headers["location"].startswith("/login")
    sign_in(app_client, TOKENS["coordinator"])
    alone = app_client.get("/organisation", follow_redirects=False)
    assert alone.headers["location"].startswith("/coordination")
    chosen = app_client.get("/organisation?organisation=shelter-h-2")
    assert chosen.status_code == 200 and f'id="svc-{OTHER}"' in chosen.text


def test_the_dashboard_lists_the_expired_figures(app_client: TestClient) -> None:
    sign_in(app_client, TOKENS["coordinator"])
    page = app_client.get("/coordination").text
    section = page[page.index('id="expired-places"') : page.index('id="edit"')]
    assert "Places à confirmer (chiffre de plus de 7 jours)" in section
    assert OTHER in section and OWN not in section
    assert f"à confirmer (au {day_month(TODAY - timedelta(days=30), 'fr')})" in section


def test_a_finder_card_says_an_old_figure_is_old(app_client: TestClient) -> None:
    old = day_month(TODAY - timedelta(days=30), "nl")
    page = re.sub(r"\s+", " ", app_client.get("/?need=shelter&place=Huy&lang=nl").text)
    assert f"2/10 vrije plaatsen — te bevestigen (op {old})" in page
    assert f"2/8 vrije plaatsen (op {day_month(TODAY, 'nl')})" in page
