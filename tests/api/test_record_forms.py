"""The record forms of /organisation through HTTP: organisations, services and locations created, changed and
deleted in words; a refused form keeps every typed value and says what is wrong next to the field, in the
page's language, and writes nothing; rights stay in the use cases."""

from __future__ import annotations

import html
import re
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.http.app import create_app
from api.i18n import UI
from graph.errors import NotFound
from graph.memory_store import MemoryStore
from graph.models import Location, Organisation, Service, Visibility
from graph.reference import Reference
from graph.referral import Role
from graph.store import REDACTED
from graph.usecases import Caller
from graph.usecases.directory import DirectoryCases
from tests.api.conftest import csrf_of, demo_store, settings, signed_in

SOURCE = "Relais — réseau de démonstration FICTIF (fictional demo network)"


@pytest.fixture
def store(reference: Reference) -> MemoryStore:
    return demo_store(MemoryStore(), reference)  # type: ignore[return-value]


@pytest.fixture
def web(store: MemoryStore) -> Any:
    with TestClient(create_app(settings(), store)) as client:
        yield client


def version_in(page: str, action: str) -> str:
    form = page[page.index(f'action="{action}') :]
    found = re.search(r'name="version" value="([^"]*)"', form)
    assert found
    return found.group(1)


def text(page: str) -> str:
    return html.unescape(page)


def said(key: str, lang: str) -> str:
    return UI[key][lang]


def new_service(csrf: str, **changes: Any) -> dict[str, Any]:
    form: dict[str, Any] = {
        "csrf": csrf,
        "name": "Permanence juridique (fictive)",
        "description": "Conseils juridiques pour les victimes de violences.",
        "situations": ["partner-violence", "forced-marriage"],
        "needs": [],
        "audiences": ["victim"],
        "languages": ["fr", "ar"],
        "access": "walk-in",
        "cost": "gratuit",
        "slot-0-days": ["MO", "WE"],
        "slot-0-opens": "09:00",
        "slot-0-closes": "12:30",
        "closure-0-start": "2026-07-15",
        "closure-0-end": "2026-08-15",
        "closure-0-label": "congés d'été",
        "contact-0-kind": "phone",
        "contact-0-value": "+32 4 000 00 00",
        "contact-0-label": "accueil",
        "contact-0-visibility": "professional",
        "area_scope": "local",
        "area_divisions": ["huy"],
    }
    return form | changes


# --- organisations ---------------------------------------------------------------------------------------


def test_a_coordinator_creates_an_organisation_in_words(web: TestClient, store: MemoryStore) -> None:
    signed_in(web)
    page = web.get("/coordination/organisations/new?lang=nl").text
    assert "Opvanghuis" in page or "Shelter" in page  # types in words
    assert 'name="type" type="text"' not in page
    form = {
        "csrf": csrf_of(page),
        "name": "Maison d'accueil Les Tilleuls (fictive)",
        "type": "shelter",
        "status": "active",
        "website": "https://www.tilleuls.example.be",
        "description": "Hébergement pour femmes et enfants.",
        "source": "Réunion de plateforme (fictive)",
        "parent": "",
    }
    saved = web.post("/coordination/organisations", data=form, follow_redirects=False)
    assert saved.status_code == 303
    assert saved.headers["location"].startswith("/organisation?lang=")
    org = store.get(Organisation, "maison-d-accueil-les-tilleuls-fictive")
    assert org.sector == "associative" and org.website == "https://www.tilleuls.example.be"
    shown = text(web.get(saved.headers["location"]).text)
    assert (
        "Maison d'accueil Les Tilleuls (fictive)" in shown and said("rec_done_organisation_created", "nl") in shown
    )  # the language chosen stays


@pytest.mark.parametrize("lang", ["fr", "nl"])
def test_a_typo_keeps_every_typed_value_and_is_said_next_to_the_field(
    web: TestClient, store: MemoryStore, lang: str
) -> None:
    signed_in(web)
    before = len(store.list(Organisation))
    form = {
        "csrf": csrf_of(web.get("/coordination/organisations/new").text),
        "name": "Centre Exemple à garder",
        "type": "helpline",
        "status": "active",
        "website": "pas une url",
        "description": "Texte tapé à garder",
        "source": "Source tapée à garder",
    }
    refused = web.post(f"/coordination/organisations?lang={lang}", data=form)
    assert refused.status_code == 422
    page = text(refused.text)
    error = re.search(r'id="new-org-website-error"[^>]*>([^<]*)<', page)
    assert error and error.group(1) == said("err_not_web_address", lang)
    assert 'value="pas une url"' in page and 'value="Centre Exemple à garder"' in page
    assert "Texte tapé à garder</textarea>" in page and 'value="helpline" selected' in page
    assert "pattern" not in page.lower() and "String should" not in page
    assert len(store.list(Organisation)) == before


def test_a_verification_date_in_the_future_is_refused_in_words(web: TestClient, store: MemoryStore) -> None:
    signed_in(web)
    page = web.get("/organisation?organisation=amb-h-1").text
    form = {
        "csrf": csrf_of(page),
        "version": version_in(page, "/coordination/organisations/amb-h-1"),
        "name": "Service d'aide Exemple-Mehaigne 1",
        "type": "specialised-ambulatory",
        "status": "active",
        "source": SOURCE,
        "verified_at": "2099-01-01",
    }
    refused = web.post("/coordination/organisations/amb-h-1", data=form)
    assert refused.status_code == 422
    assert said("err_in_future", "fr") in text(refused.text)
    assert store.get(Organisation, "amb-h-1").verified_at != "2099-01-01"


def test_deactivate_then_delete_after_a_confirmation_that_counts(
    web: TestClient, store: MemoryStore, reference: Reference
) -> None:
    signed_in(web)
    page = web.get("/organisation?organisation=shelter-h-1").text
    form = {
        "csrf": csrf_of(page),
        "version": version_in(page, "/coordination/organisations/shelter-h-1"),
        "name": "Maison d'accueil Exemple-Mehaigne 1",
        "type": "shelter",
        "status": "inactive",
        "source": SOURCE,
    }
    assert web.post("/coordination/organisations/shelter-h-1", data=form, follow_redirects=False).status_code == 303
    assert store.get(Organisation, "shelter-h-1").status == "inactive"
    confirm = web.get("/coordination/organisations/shelter-h-1/delete?lang=nl")
    owned = DirectoryCases(store, reference).owned(Caller(Role.COORDINATOR), "shelter-h-1")
    assert owned.services == 1 and owned.locations == 1 and owned.links > 3  # its hidden site counted
    counted = said("rec_delete_organisation_goes", "nl").format(**owned.__dict__)
    assert counted in text(confirm.text) and "Adresse secrète" not in text(confirm.text)
    token = csrf_of(confirm.text)
    gone = web.post(
        "/coordination/organisations/shelter-h-1/delete",
        data={"csrf": token, "version": version_in(confirm.text, "/coordination/organisations/shelter-h-1/delete")},
        follow_redirects=False,
    )
    assert gone.status_code == 303
    assert not store.list(Organisation, ids=["shelter-h-1"])
    assert not store.list(Location, ids=["shelter-h-1-site"], clearance=Visibility.HIDDEN)


# --- services --------------------------------------------------------------------------------------------


def test_a_service_with_every_field(web: TestClient, store: MemoryStore) -> None:
    signed_in(web)
    page = web.get("/organisation?organisation=amb-h-1").text
    saved = web.post("/coordination/organisations/amb-h-1/services", data=new_service(csrf_of(page)))
    assert saved.status_code == 200 and said("rec_done_service_created", "fr") in text(saved.text)
    service = store.get(Service, "amb-h-1-permanence-juridique-fictive", clearance=Visibility.HIDDEN)
    assert service.situations == ("partner-violence", "forced-marriage") and service.languages == ("fr", "ar")
    assert [(s.days, s.opens.isoformat(), s.closes.isoformat()) for s in service.schedule] == [
        (("MO", "WE"), "09:00:00", "12:30:00")
    ]
    assert service.closures[0].label == "congés d'été" and service.access == "walk-in"
    assert service.contacts[0].visibility == "professional" and service.area_divisions == ("huy",)
    shown = text(saved.text)
    assert "Mariage forcé" in shown and "congés d'été" in shown  # as labels and typed values, on the page


@pytest.mark.parametrize("lang", ["fr", "nl"])
def test_a_service_without_situation_nor_need_is_refused_next_to_the_pickers(
    web: TestClient, store: MemoryStore, lang: str
) -> None:
    signed_in(web)
    page = web.get("/organisation?organisation=amb-h-1").text
    form = new_service(csrf_of(page), situations=[], needs=[], **{"slot-0-closes": "18:00"})
    refused = web.post(f"/coordination/organisations/amb-h-1/services?lang={lang}", data=form)
    assert refused.status_code == 422
    shown = text(refused.text)
    assert said("err_no_terms", lang) in shown and said("rec_refused", lang) in shown
    assert re.search(r'id="svc-new-situations-error"', shown)
    # every typed value is back: texts, ticked pickers, the slot, the closure and the contact
    new_form = shown[shown.index('id="svc-new-form"') :]
    for kept in (
        'value="Permanence juridique (fictive)"',
        'name="audiences" value="victim" checked',
        'name="languages" value="ar" checked',
        'name="slot-0-days" value="WE" checked',
        'value="09:00"',
        'value="18:00"',
        'value="congés d\'été"',
        'value="+32 4 000 00 00"',
        '<option value="professional" selected>',
    ):
        assert kept in new_form, kept
    assert not store.list(Service, ids=["amb-h-1-permanence-juridique-fictive"])


@pytest.mark.parametrize("lang", ["fr", "nl"])
def test_a_closing_time_before_the_opening_is_said_at_its_slot(web: TestClient, lang: str) -> None:
    signed_in(web)
    page = web.get("/organisation?organisation=amb-h-1").text
    form = new_service(csrf_of(page), **{"slot-0-opens": "17:00", "slot-0-closes": "09:00"})
    refused = web.post(f"/coordination/organisations/amb-h-1/services?lang={lang}", data=form)
    assert refused.status_code == 422
    error = re.search(r'id="svc-new-schedule-0-error"[^>]*>([^<]*)<', text(refused.text))
    assert error and error.group(1) == said("err_closes_before_opens", lang)


def test_the_gap_list_opens_the_new_service_with_its_situation_ticked(web: TestClient) -> None:
    signed_in(web)
    page = web.get("/organisation?organisation=amb-h-1&new_service_situation=forced-marriage").text
    new_form = page[page.index('id="new-service"') :]
    assert new_form.startswith('id="new-service" class="svc" open')
    assert 'name="situations" value="forced-marriage" checked' in new_form


def test_edit_and_delete_a_service(web: TestClient, store: MemoryStore) -> None:
    signed_in(web)
    page = web.get("/organisation?organisation=amb-h-1").text
    old = store.get(Service, "amb-h-1-svc", clearance=Visibility.HIDDEN)
    form = new_service(
        csrf_of(page), version=version_in(page, "/coordination/services/amb-h-1-svc"), name="Accueil renommé"
    )
    assert web.post("/coordination/services/amb-h-1-svc", data=form, follow_redirects=False).status_code == 303
    changed = store.get(Service, "amb-h-1-svc", clearance=Visibility.HIDDEN)
    assert changed.name == "Accueil renommé" and changed.capacity == old.capacity
    confirm = web.get("/coordination/services/amb-h-1-svc/delete")
    assert "Accueil renommé" in text(confirm.text)
    data = {"csrf": csrf_of(confirm.text), "version": version_in(confirm.text, "/coordination/services/amb-h-1-svc")}
    assert web.post("/coordination/services/amb-h-1-svc/delete", data=data, follow_redirects=False).status_code == 303
    assert not store.list(Service, ids=["amb-h-1-svc"])


def test_a_stale_save_names_the_fields_changed_in_words_and_keeps_the_typed(
    web: TestClient, store: MemoryStore
) -> None:
    signed_in(web)
    page = web.get("/organisation?organisation=amb-h-1").text
    action = "/coordination/organisations/amb-h-1"
    first = {
        "csrf": csrf_of(page),
        "version": version_in(page, action),
        "name": "Service d'aide Exemple-Mehaigne 1",
        "type": "specialised-ambulatory",
        "status": "active",
        "source": SOURCE,
    }
    second = dict(first)
    first["description"] = "Permanence le mardi matin (saisie A)"
    assert web.post(action, data=first, follow_redirects=False).status_code == 303
    second["description"] = "Permanence le jeudi soir (saisie B)"
    refused = web.post(f"{action}?lang=nl", data=second)
    assert refused.status_code == 412
    shown = text(refused.text)
    assert said("rec_stale", "nl").format(fields="Beschrijving") in shown
    assert "Permanence le jeudi soir (saisie B)</textarea>" in shown and "description" not in said("rec_stale", "nl")
    assert store.get(Organisation, "amb-h-1").description == "Permanence le mardi matin (saisie A)"
    again = dict(second, version=version_in(refused.text, action))
    assert web.post(action, data=again, follow_redirects=False).status_code == 303
    assert store.get(Organisation, "amb-h-1").description == "Permanence le jeudi soir (saisie B)"


# --- locations -------------------------------------------------------------------------------------------


def test_a_hidden_location_is_kept_and_never_shown(web: TestClient, store: MemoryStore) -> None:
    signed_in(web)
    page = web.get("/organisation?organisation=amb-h-1").text
    assert "Personne ne voit" in page or said("rec_visibility_hidden_hint", "fr") in text(page)
    form = {
        "csrf": csrf_of(page),
        "name": "Refuge rue Cachée",
        "address": "Rue Cachée 7",
        "commune": "61003",
        "postcode": "",
        "visibility": "hidden",
    }
    saved = web.post("/coordination/organisations/amb-h-1/locations", data=form)
    assert saved.status_code == 200
    stored = store.get(Location, "amb-h-1-lieu", clearance=Visibility.HIDDEN)
    assert stored.postcode == "4540" and stored.address == "Rue Cachée 7"  # the commune's only postcode
    shown = text(saved.text)
    assert "Rue Cachée" not in shown and re.search(said("rec_masked_n", "fr").format(n=r"\d"), shown)
    log = web.get("/coordination").text
    assert "Rue Cachée" not in text(log)
    assert REDACTED in text(log) or "amb-h-1-lieu" in log
    # a service ticks it; saving the service again without it takes it off
    page = web.get("/organisation?organisation=amb-h-1").text
    data = new_service(
        csrf_of(page),
        version=version_in(page, "/coordination/services/amb-h-1-svc"),
        location_ids=["amb-h-1-site", "amb-h-1-lieu"],
    )
    assert web.post("/coordination/services/amb-h-1-svc", data=data, follow_redirects=False).status_code == 303
    assert "amb-h-1-lieu" in store.get(Service, "amb-h-1-svc", clearance=Visibility.HIDDEN).location_ids
    page = web.get("/organisation?organisation=amb-h-1").text
    assert 'name="location_ids" value="amb-h-1-lieu" checked' in page
    data |= {"version": version_in(page, "/coordination/services/amb-h-1-svc"), "location_ids": ["amb-h-1-site"]}
    assert web.post("/coordination/services/amb-h-1-svc", data=data, follow_redirects=False).status_code == 303
    assert store.get(Service, "amb-h-1-svc", clearance=Visibility.HIDDEN).location_ids == ("amb-h-1-site",)


def test_a_location_without_commune_keeps_what_was_typed(web: TestClient, store: MemoryStore) -> None:
    signed_in(web)
    page = web.get("/organisation?organisation=amb-h-1&lang=nl").text
    form = {"csrf": csrf_of(page), "address": "Rue Tapée 3", "latitude": "200", "visibility": "network"}
    refused = web.post("/coordination/organisations/amb-h-1/locations?lang=nl", data=form)
    assert refused.status_code == 422
    shown = text(refused.text)
    new_form = shown[shown.index('id="loc-new-form"') :]
    assert 'value="Rue Tapée 3"' in new_form and 'value="network" checked' in new_form
    assert re.search(r'id="loc-new-latitude-error"', new_form) and re.search(r'id="loc-new-commune-error"', new_form)
    assert len(store.list(Location, organisation_id="amb-h-1", clearance=Visibility.HIDDEN)) == 1


def test_delete_a_location_takes_it_off_its_services(web: TestClient, store: MemoryStore) -> None:
    signed_in(web)
    confirm = web.get("/coordination/locations/amb-h-1-site/delete?lang=de")
    assert said("rec_delete_location_goes", "de").format(n=1) in text(confirm.text)
    data = {"csrf": csrf_of(confirm.text), "version": version_in(confirm.text, "/coordination/locations/amb-h-1-site")}
    assert web.post("/coordination/locations/amb-h-1-site/delete", data=data, follow_redirects=False).status_code == 303
    assert store.get(Service, "amb-h-1-svc", clearance=Visibility.HIDDEN).location_ids == ()
    assert not store.list(Location, ids=["amb-h-1-site"], clearance=Visibility.HIDDEN)


def test_location_use_cases_keep_to_their_organisation(store: MemoryStore, reference: Reference) -> None:
    cases = DirectoryCases(store, reference)
    editor = Caller(Role.EDITOR, key_id="k-edit", organisation_id="amb-h-1", route="test")
    assert [loc.id for loc in cases.locations(editor, "amb-h-1")] == ["amb-h-1-site"]
    with pytest.raises(NotFound) as other:
        cases.location(editor, "shelter-h-1-site")  # another's hidden site: like an unknown id
    with pytest.raises(NotFound) as unknown:
        cases.location(editor, "nowhere-site")
    assert str(other.value).replace("shelter-h-1-site", "x") == str(unknown.value).replace("nowhere-site", "x")
    shelter = Caller(Role.EDITOR, key_id="k-s", organisation_id="shelter-h-1", route="test")
    (masked,) = cases.locations(shelter, "shelter-h-1")
    assert masked.address == "" and masked.name == "" and masked.commune == ""  # its own, masked too
    stolen = store.get(Location, "amb-h-1-site").model_copy(update={"organisation_id": "shelter-h-1"})
    with pytest.raises(NotFound):
        cases.save_location(shelter, stolen)  # another organisation's id cannot be taken over
    assert cases.delete_location(editor, "amb-h-1-site") == 1
    assert store.changes(limit=2)[0].route == "test"


# --- rights and safety -----------------------------------------------------------------------------------


def test_an_editor_edits_its_own_records_only(web: TestClient, store: MemoryStore) -> None:
    signed_in(web, "editor")
    page = web.get("/organisation?organisation=amb-l-1").text
    assert 'action="/coordination/services/amb-h-1-svc' in page and "amb-l-1-svc" not in page  # its own, still
    assert 'name="parent"' not in page and "/coordination/organisations/amb-h-1/delete" not in page
    data = new_service(csrf_of(page), version=version_in(page, "/coordination/services/amb-h-1-svc"))
    assert web.post("/coordination/services/amb-h-1-svc", data=data, follow_redirects=False).status_code == 303
    assert web.post("/coordination/services/amb-l-1-svc", data=new_service(csrf_of(page))).status_code == 403
    assert web.post("/coordination/organisations/amb-l-1/services", data=new_service(csrf_of(page))).status_code == 403
    assert web.get("/coordination/organisations/new").status_code == 403
    assert web.get("/coordination/locations/shelter-h-1-site/delete").status_code == 404
    assert store.get(Service, "amb-l-1-svc").name != "Permanence juridique (fictive)"


def test_a_form_without_its_csrf_token_writes_nothing(web: TestClient, store: MemoryStore) -> None:
    signed_in(web)
    form = new_service("")
    assert web.post("/coordination/organisations/amb-h-1/services", data=form).status_code == 403
    assert not store.list(Service, ids=["amb-h-1-permanence-juridique-fictive"])


def test_hostile_strings_are_text(web: TestClient) -> None:
    signed_in(web)
    page = web.get("/organisation?organisation=amb-h-1").text
    hostile = '"><img src=x onerror=alert(1)><script>alert(2)</script>'
    form = new_service(csrf_of(page), name=hostile, situations=[hostile], **{"contact-0-value": "javascript:alert(3)"})
    refused = web.post("/coordination/organisations/amb-h-1/services", data=form)
    assert refused.status_code == 422
    assert "<script>alert(2)" not in refused.text and "<img src=x" not in refused.text
    assert said("err_unsafe_address", "fr") in text(refused.text)


def test_no_form_asks_for_a_taxonomy_code_as_text(web: TestClient) -> None:
    """Situations, needs, audiences, languages, divisions and communes are only ever ticked in a picker."""
    signed_in(web)
    pages = [web.get(u).text for u in ("/coordination", "/organisation?organisation=shelter-h-1")]
    pages.append(web.get("/coordination/organisations/new").text)
    coded = ("situations", "needs", "audiences", "languages", "area_divisions", "area_communes", "location_ids")
    for page in pages:
        for tag in re.findall(r"<(?:input|textarea|select)\b[^>]*>", page):
            name = re.search(r'name="([^"]*)"', tag)
            if name and name.group(1) in (*coded, "commune", "type"):
                assert 'type="checkbox"' in tag or 'type="radio"' in tag or tag.startswith("<select"), tag
    assert 'name="situations" value="partner-violence"' in pages[1]


@pytest.mark.parametrize("lang", ["nl", "de", "en"])
def test_the_record_pages_hold_no_french_in_other_languages(web: TestClient, lang: str) -> None:
    from tests.api.test_four_languages import french_in, names_of

    signed_in(web)
    names = names_of(web)
    for path in (
        "/organisation?organisation=amb-h-1&new_service_situation=forced-marriage",
        "/coordination/organisations/new",
        "/coordination/organisations/amb-h-1/delete",
        "/coordination/services/amb-h-1-svc/delete",
        "/coordination/locations/amb-h-1-site/delete",
    ):
        page = web.get(f"{path}{'&' if '?' in path else '?'}lang={lang}")
        assert page.status_code == 200 and french_in(page.text, names) == [], (path, lang)
    page = web.get(f"/organisation?organisation=amb-h-1&lang={lang}").text
    form = new_service(csrf_of(page), situations=[], **{"slot-0-closes": "08:00", "contact-0-value": "x@"})
    refused = web.post(f"/coordination/organisations/amb-h-1/services?lang={lang}", data=form)
    assert refused.status_code == 422 and french_in(refused.text, names) == []


def test_a_stale_service_names_its_changed_fields_in_the_page_language(web: TestClient, store: MemoryStore) -> None:
    signed_in(web)
    page = web.get("/organisation?organisation=amb-h-1").text
    version = version_in(page, "/coordination/services/amb-h-1-svc")
    first = new_service(csrf_of(page), version=version)
    assert web.post("/coordination/services/amb-h-1-svc", data=first, follow_redirects=False).status_code == 303
    second = first | {"name": "Accueil (saisie B)", "slot-0-opens": "10:00"}  # opened before the first save
    refused = web.post("/coordination/services/amb-h-1-svc?lang=de", data=second)
    assert refused.status_code == 412
    shown = text(refused.text)
    changed = re.search(
        r'id="svc-amb-h-1-svc-form".*?class="field-error form-error" role="alert">([^<]*)<', shown, re.S
    )
    assert changed and "Name" in changed.group(1) and "Wöchentliche Öffnungszeiten" in changed.group(1)
    assert "schedule" not in changed.group(1) and 'value="Accueil (saisie B)"' in shown
    assert store.get(Service, "amb-h-1-svc").name == "Permanence juridique (fictive)"


def test_a_deletion_confirmed_after_a_change_deletes_nothing_and_says_so(web: TestClient, store: MemoryStore) -> None:
    signed_in(web)
    confirm = web.get("/coordination/services/amb-h-1-svc/delete").text
    page = web.get("/organisation?organisation=amb-h-1").text
    data = new_service(csrf_of(page), version=version_in(page, "/coordination/services/amb-h-1-svc"))
    assert web.post("/coordination/services/amb-h-1-svc", data=data, follow_redirects=False).status_code == 303
    stale = {"csrf": csrf_of(confirm), "version": version_in(confirm, "/coordination/services/amb-h-1-svc")}
    answer = web.post("/coordination/services/amb-h-1-svc/delete?lang=nl", data=stale)
    assert answer.status_code == 200 and said("rec_delete_stale", "nl") in text(answer.text)
    assert store.list(Service, ids=["amb-h-1-svc"])
    fresh = {"csrf": csrf_of(answer.text), "version": version_in(answer.text, "/coordination/services/amb-h-1-svc")}
    assert web.post("/coordination/services/amb-h-1-svc/delete", data=fresh, follow_redirects=False).status_code == 303
    assert not store.list(Service, ids=["amb-h-1-svc"])


def test_a_new_location_publishes_nothing_by_default(web: TestClient) -> None:
    """Nobody publishes an address by leaving a default: a shelter's new site is hidden unless changed, and
    another organisation's has no visibility until one is chosen (refused, typed values kept)."""
    signed_in(web)
    shelter = text(web.get("/organisation?organisation=shelter-h-1").text)
    new_form = shelter[shelter.index('id="loc-new-form"') :]
    assert 'value="hidden" checked' in new_form and 'value="public" checked' not in new_form
    page = web.get("/organisation?organisation=amb-h-1").text
    new_form = text(page)[text(page).index('id="loc-new-form"') :]
    assert " checked" not in new_form[: new_form.index("</form>")]
    form = {"csrf": csrf_of(page), "name": "Antenne", "address": "Rue Neuve 1", "commune": "61003"}
    refused = web.post("/coordination/organisations/amb-h-1/locations", data=form)
    assert refused.status_code == 422 and 'id="loc-new-visibility-error"' in refused.text
    assert 'value="Rue Neuve 1"' in text(refused.text)


def test_an_address_made_secret_leaves_the_change_log(web: TestClient, store: MemoryStore) -> None:
    signed_in(web)
    page = web.get("/organisation?organisation=amb-h-1").text
    form = {"csrf": csrf_of(page), "name": "Antenne", "address": "Rue Bientôt Secrète 5", "commune": "61003"}
    web.post("/coordination/organisations/amb-h-1/locations", data=form | {"visibility": "public"})
    assert any("Rue Bientôt Secrète 5" in str(c.diff) for c in store.changes(limit=50))
    page = web.get("/organisation?organisation=amb-h-1").text
    version = version_in(page, "/coordination/locations/amb-h-1-lieu")
    form |= {"csrf": csrf_of(page), "version": version, "visibility": "hidden"}
    assert web.post("/coordination/locations/amb-h-1-lieu", data=form, follow_redirects=False).status_code == 303
    assert store.get(Location, "amb-h-1-lieu", clearance=Visibility.HIDDEN).visibility is Visibility.HIDDEN
    assert not any("Rue Bientôt Secrète" in str(c.diff) for c in store.changes(limit=500))
