"""The finder page as a front-line professional reads it (issue 18): urgent first whatever happens, places
outside the arrondissement answered, cards that answer the next question, the organisation page, the sheet."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from datetime import time

import pytest
from fastapi.testclient import TestClient

from api.http.app import create_app
from graph.memory_store import MemoryStore
from graph.models import Access, OpeningHours, Service, Weekday
from graph.reference import Reference
from tests.api.conftest import TOKENS, demo_store, settings

EVERY_DAY = tuple(Weekday)


@pytest.fixture(scope="module")
def client(reference: Reference) -> Iterator[TestClient]:
    store = demo_store(MemoryStore(), reference)
    svc = store.get(Service, "amb-v-2-svc")
    hours = (OpeningHours(days=EVERY_DAY, opens=time(0, 0), closes=time(23, 59)),)
    store.upsert([svc.model_copy(update={"schedule": hours, "cost": "Gratuit", "access": Access.WALK_IN})])
    with TestClient(create_app(settings(), store)) as c:
        yield c


def text(page: str) -> str:
    """What a person reads: no tags, entities decoded, spaces collapsed."""
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", page)))


def main(html: str) -> str:
    return html[html.index("<main") :]


def test_urgent_without_situation_shows_the_numbers_first(client: TestClient) -> None:
    r = client.get("/?urgent=true&lang=nl")
    page = main(r.text)
    assert r.status_code == 200
    assert page.index('href="tel:112"') < page.index('id="finder"')
    assert 'href="tel:101"' in page and "Acuut gevaar" in page
    assert "Kies een situatie of een behoefte" in text(page)


def test_urgent_with_an_error_still_shows_the_numbers_first(client: TestClient) -> None:
    r = client.get("/?situation=partner-violence&place=Vervier&urgent=true&lang=de")
    page = main(r.text)
    assert r.status_code == 422
    assert page.index('href="tel:112"') < page.index('class="error"')
    assert "Unbekannter Ort: «Vervier». Meinten Sie:" in text(page)
    assert 'aria-describedby="place-error"' in page and '<p class="field-error" id="place-error">' in page
    link = re.search(r'<a href="(/\?[^"]*place=Verviers[^"]*)">Verviers</a>', page)
    assert link is not None, "the suggestion is not a link"
    follow = client.get(link.group(1).replace("&amp;", "&"))
    assert follow.status_code == 200 and "Ergebnisse — Verviers" in text(follow.text)
    assert 'href="tel:112"' in follow.text, "following the suggestion dropped «urgent»"


@pytest.mark.parametrize(
    ("place", "lang", "said"),
    [
        ("4700", "fr", "Eupen est hors des Plateformes Violences de Liège (arrondissement judiciaire : Eupen)"),
        ("Eupen", "de", "Eupen liegt außerhalb der Plattformen Gewalt von Lüttich (Gerichtsbezirk: Eupen)"),
        ("5000", "nl", "Namen ligt buiten de Platforms Geweld van Luik (gerechtelijk arrondissement: Namen)"),
        ("Bruxelles", "en", "Bruxelles is outside the Liège Violence Platforms (judicial arrondissement: Brussels)"),
    ],
)
def test_a_place_outside_gets_an_answer(client: TestClient, place: str, lang: str, said: str) -> None:
    r = client.get(f"/?situation=partner-violence&place={place}&urgent=true&lang={lang}")
    assert r.status_code == 200
    page = main(r.text)
    assert said in text(page)
    assert 'class="error"' not in page and 'href="tel:112"' in page


def test_eupen_offers_108_first_and_the_province_wide_services(client: TestClient) -> None:
    page = main(client.get("/?situation=partner-violence&place=4700&urgent=true&lang=fr").text)
    urgent = page[: page.index("</section>")]
    assert urgent.index('href="tel:108"') < urgent.index('href="tel:080030030"')
    cards = re.findall(r'<li class="card[^"]*" data-traits="[^"]*" data-org="([^"]+)"', page)
    assert cards and all("-p-" in org for org in cards), "only services that reach the whole province"
    brussels = main(client.get("/?situation=partner-violence&place=1000&lang=fr").text)
    assert "Aucun service de l'annuaire ne couvre ce lieu" in text(brussels)
    assert 'href="tel:1712"' in brussels


def test_cards_answer_the_next_question(client: TestClient) -> None:
    page = main(client.get("/?situation=partner-violence&place=Verviers&language=de&lang=fr").text)
    card = page[page.index('data-org="amb-v-2"') :]  # the card's attributes end with its organisation
    card = card[: card.index("</li>")]
    words = text(card)
    assert "<mark>allemand</mark>" in card
    assert ("Ouvert maintenant" in words and "ferme à 23 h 59" in words) or "Fermé maintenant" in words
    assert "Sans rendez-vous" in words and "Coût : Gratuit" in words
    assert 'href="/organisations/amb-v-2?lang=fr"' in card
    assert 'data-traits="open walkin free speaks" data-org="amb-v-2"' in page
    assert "résultats" in text(page[: page.index("<ol")])
    for label in ("Ouvert maintenant", "Sans rendez-vous", "Gratuit", "Parle allemand"):
        assert label in text(page[page.index('id="filters"') : page.index("</fieldset>")])


def test_the_two_badges_are_distinct(client: TestClient) -> None:
    outside = main(client.get("/?situation=forced-marriage&place=4500&lang=fr").text)
    assert "hors de votre division" in outside and "terme plus large" not in outside
    broader = main(client.get("/?situation=sexual-violence.recent&place=Huy&lang=nl").text)
    assert "ruimere term" in broader and "buiten uw afdeling" not in broader


def test_organisation_page_never_shows_a_hidden_address(client: TestClient) -> None:
    for role in ("", "professional", "coordinator"):
        headers = {"Authorization": f"Bearer {TOKENS[role]}"} if role else {}
        r = client.get("/organisations/shelter-h-1?lang=fr", headers=headers)
        assert r.status_code == 200 and "Maison d'accueil Exemple-Mehaigne 1" in text(r.text)
        assert "Adresse secrète" not in r.text
    public = client.get("/organisations/shelter-h-1?lang=fr").text
    pro = client.get(
        "/organisations/shelter-h-1?lang=fr", headers={"Authorization": f"Bearer {TOKENS['professional']}"}
    )
    assert "réservé aux professionnels" not in text(public) and "réservé aux professionnels" in text(pro.text)


def test_organisation_page_lists_services_and_partners(client: TestClient) -> None:
    page = text(client.get("/organisations/amb-v-1?lang=nl").text)
    assert "Diensten" in page and "Partners" in page and "Hôpital Exemple-Vesdre 1" in page
    missing = client.get("/organisations/nope?lang=nl")
    assert missing.status_code == 404 and "Deze organisatie staat niet meer in de gids" in missing.text


def test_the_sheet_has_the_chosen_services_only(client: TestClient) -> None:
    r = client.get("/fiche?situation=partner-violence&place=Verviers&lang=fr&s=amb-v-1-svc&s=gp-v-1-svc")
    page = text(main(r.text))
    assert r.headers["cache-control"] == "no-store"
    assert "Service d'aide Exemple-Vesdre 1" in page and "Cabinet médical Exemple-Vesdre 1" in page
    assert "Service d'aide Exemple-Vesdre 2" not in page
    assert "Situation Violence entre partenaires" in page and re.search(r"Établie le \d+ \w+ 20\d\d", page)
    assert "no_person" not in page and "aucune donnée sur la personne" in page


HOSTILE = '"><img src=x onerror=alert(1)><script>alert(1)</script>'


def test_hostile_values_are_not_markup(client: TestClient) -> None:
    for url in (
        f"/?situation=partner-violence&place={HOSTILE}&urgent=true",
        f"/?words={HOSTILE}",
        f"/fiche?situation=x&place={HOSTILE}&s=a",
    ):
        r = client.get(url)
        assert "<script>alert" not in r.text and "<img src=x" not in r.text


def test_hostile_records_are_not_markup(reference: Reference) -> None:
    """A service's name, hours and cost typed with markup: text on the card, the sheet and the organisation page."""
    store = demo_store(MemoryStore(), reference)
    svc = store.get(Service, "amb-h-1-svc")
    store.upsert([svc.model_copy(update={"name": HOSTILE, "hours": HOSTILE, "cost": HOSTILE, "eligibility": HOSTILE})])
    with TestClient(create_app(settings(), store)) as c:
        for url in (
            "/?situation=partner-violence&place=Huy",
            "/fiche?situation=partner-violence&place=Huy&s=amb-h-1-svc",
            "/organisations/amb-h-1",
        ):
            r = c.get(url)
            assert r.status_code == 200 and "&lt;script&gt;alert(1)" in r.text, url
            assert "<script>alert" not in r.text and "<img src=x" not in r.text, url


def test_api_errors_in_the_callers_language(client: TestClient) -> None:
    r = client.get("/v1/referrals?situation=partner-violence&language=xxxx&lang=nl")
    assert r.status_code == 422 and r.json()["detail"] == "Een taalcode van twee of drie letters (fr, nl, ar, tr…)."
    r = client.get("/v1/referrals?situation=partner-violence&limit=0", headers={"Accept-Language": "de-BE,de;q=0.9"})
    assert r.status_code == 422 and "1" in r.json()["errors"][0]["detail"]
    assert "Input should" not in r.json()["errors"][0]["detail"]


def test_words_without_a_choice_are_searched(client: TestClient) -> None:
    found = client.get("/?words=violences+conjugales&place=Huy&lang=fr")
    assert found.status_code == 200 and "Violence entre partenaires" in text(main(found.text))
    assert '<li class="card' in found.text
    none = client.get("/?words=qqqqzzzz&place=Huy&lang=de")
    assert none.status_code == 422 and "Keine Situation entspricht «qqqqzzzz»." in text(main(none.text))
    near = client.get("/?words=violense+conjugal&place=Huy&lang=fr")
    assert near.status_code in (200, 422) and "Traceback" not in near.text


def test_a_german_speaker_is_offered_108(client: TestClient) -> None:
    page = main(client.get("/?situation=partner-violence&place=Verviers&language=de&lang=de").text)
    help_ = page[page.index('class="language-help"') :]
    assert "Hilfetelefon auf Deutsch" in text(help_[: help_.index("</div>")]) and 'href="tel:108"' in help_
