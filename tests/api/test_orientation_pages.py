"""«Orientation faite» on a finder card and the outcome counts on «Mon organisation», through the pages.

What a user notices: the button only where a count makes sense, the same results after it with the
confirmation next to the card, refusals as pages in the page's language; the editor's counts saved, refused
with the error next to the field and the typed values kept, or stale. And what is stored: counts of a month,
nothing finer, no person, never in the change log.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from datetime import date
from urllib.parse import parse_qs, urlsplit

import pytest
from fastapi.testclient import TestClient

from api.http.app import create_app
from api.http.routers.pages.orientations import month_words
from api.keys import key_digest
from api.settings import DEV_SECRET, ApiKey, Settings
from graph.memory_store import MemoryStore
from graph.models import OutcomeReason, OutcomeTally, ReferralTally, UnmetDemand
from graph.reference import Reference
from graph.store import GraphStore
from tests.api.conftest import KEYS, TOKENS, csrf_of, demo_store, settings, signed_in

PRO_ORG = "cpas-h-1"
"""The organisation of the professional's key below (a CPAS of the Huy division)."""
ROLE_TOKENS = TOKENS | {"pro_org": "pro-org-secret-token"}
HUY = "/?situation=partner-violence&place=Huy&lang=fr"
EDITOR_SERVICE = "amb-h-1-svc"
"""The one service of the conftest editor's organisation (amb-h-1)."""
OTHER_SERVICE = "amb-l-1-svc"
"""A service of another organisation (amb-l-1, editor_b's)."""
THIS_MONTH = date.today().strftime("%Y-%m")
ORIENTATION_FORM = 'action="/coordination/orientations'


def with_pro_org() -> Settings:
    """The tests' settings with one more key: a professional of a CPAS (the conftest professional has no
    organisation, so it has no «Orientation faite» button)."""
    pro = ApiKey(
        id="k-pro-org",
        role="professional",
        digest=key_digest(ROLE_TOKENS["pro_org"], DEV_SECRET),
        organisation_id=PRO_ORG,
    )
    return settings().model_copy(update={"api_keys": [*KEYS.values(), pro]})


@pytest.fixture
def client(reference: Reference) -> Iterator[TestClient]:
    with TestClient(create_app(with_pro_org(), demo_store(MemoryStore(), reference))) as c:
        yield c


def sign_in(client: TestClient, role: str) -> TestClient:
    if role in TOKENS:
        return signed_in(client, role)
    assert client.post("/login", data={"key": ROLE_TOKENS[role]}, follow_redirects=False).status_code == 303
    return client


def store_of(client: TestClient) -> GraphStore:
    store: GraphStore = client.app.state.relais.store  # type: ignore[attr-defined]
    return store


def cards(page: str) -> dict[str, str]:
    """Each result card's HTML by its service (the card's pick box names it)."""
    found = re.findall(r'<li class="card[^"]*"[^>]*>(.*?)</li>\s*(?=<li class="card|</ol>)', page, re.S)
    return {re.search(r'name="s" value="([^"]+)"', c).group(1): c for c in found}  # type: ignore[union-attr]


def orientation_form(card: str) -> dict[str, str]:
    form = card[card.index(ORIENTATION_FORM) :]
    form = form[: form.index("</form>")]
    return {k: html.unescape(v) for k, v in re.findall(r'name="([^"]+)" value="([^"]*)"', form)}


def text_of(page: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", " ", page))


# --- the button on the cards ---------------------------------------------------------------------------


def test_no_button_for_the_public_nor_a_key_without_organisation(client: TestClient) -> None:
    public = client.get(HUY)
    assert public.status_code == 200 and cards(public.text)
    assert ORIENTATION_FORM not in public.text
    sign_in(client, "professional")  # a professional key without an organisation
    assert ORIENTATION_FORM not in client.get(HUY).text
    sign_in(client, "coordinator")  # the coordinators' key has none either
    assert ORIENTATION_FORM not in client.get(HUY).text


def test_button_on_the_other_organisations_cards_only_and_only_when_a_situation_was_asked(client: TestClient) -> None:
    sign_in(client, "pro_org")
    found = cards(client.get("/?situation=partner-violence&need=social-support&place=Huy&lang=fr").text)
    own = [s for s in found if s.startswith(PRO_ORG + "-")]
    others = [s for s in found if s not in own]
    assert own and others, "the Huy answer has the CPAS's own service and others"
    assert all(ORIENTATION_FORM in found[s] for s in others)
    assert all(ORIENTATION_FORM not in found[s] for s in own)
    assert "Orientation faite" in found[others[0]]
    need_only = client.get("/?need=shelter&place=Huy&lang=fr").text
    assert cards(need_only) and ORIENTATION_FORM not in need_only


def test_orientation_faite_counts_one_of_this_month_and_lands_on_the_same_results(client: TestClient) -> None:
    sign_in(client, "pro_org")
    asked = "/?situation=partner-violence&place=Huy&language=tr&urgent=true&lang=nl"
    first = client.get(asked)
    service = next(s for s in cards(first.text) if not s.startswith(PRO_ORG + "-"))
    form = orientation_form(cards(first.text)[service])
    changes = len(store_of(client).changes(limit=10_000))
    sent = client.post("/coordination/orientations?lang=nl", data=form, follow_redirects=False)
    assert sent.status_code == 303
    to = urlsplit(sent.headers["location"])
    assert (to.scheme, to.netloc, to.path, to.fragment) == ("", "", "/", f"counted-{service}")
    back = parse_qs(to.query)
    assert {k: back[k] for k in ("situation", "place", "language", "urgent", "lang")} == {
        "situation": ["partner-violence"],
        "place": ["Huy"],
        "language": ["tr"],
        "urgent": ["true"],
        "lang": ["nl"],
    }
    again = client.get(sent.headers["location"])
    assert again.status_code == 200
    assert list(cards(again.text)) == list(cards(first.text)), "the same results, in the same order"
    said = f"Doorverwijzing geteld voor {month_words(THIS_MONTH, 'nl')} — bedankt"
    assert said in text_of(cards(again.text)[service])
    assert sum(said in text_of(c) for c in cards(again.text).values()) == 1, "next to that card only"
    (tally,) = store_of(client).tallies(ReferralTally)
    assert tally == ReferralTally(
        month=THIS_MONTH, from_id=PRO_ORG, to_id=service.removesuffix("-svc"), service_id=service,
        situation="partner-violence", count=1,
    )  # fmt: skip
    assert len(store_of(client).changes(limit=10_000)) == changes, "a count is never in the change log"


def test_the_month_in_words_in_each_language() -> None:
    assert [month_words("2026-11", lang) for lang in ("fr", "nl", "de", "en")] == [
        "novembre 2026",
        "november 2026",
        "November 2026",
        "November 2026",
    ]


@pytest.mark.parametrize(
    "back",
    [
        "https://evil.example/?situation=partner-violence",
        "//evil.example/?situation=partner-violence",
        "/\\evil.example/",
        "javascript:alert(1)",
        "/coordination/keys?situation=partner-violence",
        "http:/evil.example",
        "",
    ],
)
def test_back_never_leaves_the_finder(client: TestClient, back: str) -> None:
    sign_in(client, "pro_org")
    form = orientation_form(cards(client.get(HUY).text)[EDITOR_SERVICE]) | {"back": back}
    sent = client.post("/coordination/orientations", data=form, follow_redirects=False)
    assert sent.status_code == 303
    to = urlsplit(sent.headers["location"])
    assert (to.scheme, to.netloc, to.path) == ("", "", "/")
    assert "evil" not in sent.headers["location"] and "coordination" not in sent.headers["location"]


def unmet_counted(client: TestClient) -> int:
    """The unmet demand counted, once this process has written what it decided (`UnmetWriter.flush`)."""
    client.app.state.relais.outcomes.unmet.flush()  # type: ignore[attr-defined]
    return sum(t.count for t in store_of(client).tallies(UnmetDemand))


def test_the_redirect_does_not_count_the_question_twice_as_unmet_demand(client: TestClient) -> None:
    sign_in(client, "pro_org")
    asked = "/?situation=forced-marriage&place=Huy&lang=fr"  # nothing local in Huy on the demo
    first = client.get(asked)
    assert unmet_counted(client) == 1
    service = next(s for s, c in cards(first.text).items() if ORIENTATION_FORM in c)
    sent = client.post("/coordination/orientations", data=orientation_form(cards(first.text)[service]))
    assert sent.status_code == 200 and "Orientation comptée" in sent.text
    assert unmet_counted(client) == 1


def refused_page(response: object, status: int) -> str:
    assert response.status_code == status  # type: ignore[attr-defined]
    assert response.headers["content-type"].startswith("text/html")  # type: ignore[attr-defined]
    return str(response.text)  # type: ignore[attr-defined]


def test_refusals_are_pages_in_the_page_language_and_count_nothing(client: TestClient) -> None:
    sign_in(client, "pro_org")
    form = orientation_form(cards(client.get(HUY).text)[EDITOR_SERVICE])
    post = "/coordination/orientations?lang=nl"
    page = refused_page(client.post(post, data=form | {"csrf": ""}), 403)
    assert '<html lang="nl">' in page
    page = refused_page(client.post(post, data=form | {"csrf": "forged"}), 403)
    own = refused_page(client.post(post, data=form | {"service": "cpas-h-1-svc"}), 422)
    assert "Een doorverwijzing binnen de eigen organisatie wordt niet geteld." in text_of(own)
    refused_page(client.post(post, data=form | {"service": "no-such-service"}), 404)
    hostile = refused_page(client.post(post, data=form | {"situation": '"><img src=x onerror=alert(1)><script>'}), 422)
    assert "<script>" not in hostile and "<img" not in hostile
    refused_page(client.post(post, data=form | {"situation": "shelter"}), 422)  # a need, not a situation
    client.cookies.clear()
    refused_page(client.post(post, data=form), 403)  # no session: the public counts nothing
    refused_page(
        client.post(post, data=form, headers={"Authorization": f"Bearer {ROLE_TOKENS['pro_org']}"}), 403
    )  # a bearer key has no CSRF token: the API route is for it
    assert store_of(client).tallies(ReferralTally) == []


def test_a_hostile_counted_parameter_shows_nothing_of_itself(client: TestClient) -> None:
    sign_in(client, "pro_org")
    page = client.get(HUY + "&counted=<script>alert(1)</script>&counted_month=<b>2026-11</b>").text
    assert "<script>alert(1)" not in page and "Orientation comptée" not in page


# --- the outcome counts on «Mon organisation» -----------------------------------------------------------


def outcome_article(page: str, service: str) -> str:
    start = page.index(f'id="outcomes-{service}"')
    return page[start : page.index("</article>", start)]


def outcome_form(page: str, service: str) -> dict[str, str]:
    article = outcome_article(page, service)
    return {k: html.unescape(v) for k, v in re.findall(r'name="([^"]+)" value="([^"]*)"', article)}


def test_the_section_shows_the_month_the_referrals_received_and_one_field_per_reason(client: TestClient) -> None:
    sign_in(client, "pro_org")
    form = orientation_form(cards(client.get(HUY).text)[EDITOR_SERVICE])
    client.post("/coordination/orientations", data=form, follow_redirects=False)
    client.cookies.clear()
    sign_in(client, "editor")
    one = text_of(outcome_article(client.get("/organisation?lang=fr").text, EDITOR_SERVICE))
    assert "1 orientation enregistrée via Relais." in one, "its own figures exactly, even below 3"
    client.cookies.clear()
    sign_in(client, "pro_org")
    form = orientation_form(cards(client.get(HUY).text)[EDITOR_SERVICE])  # the new session's token
    for _ in range(4):
        client.post("/coordination/orientations", data=form, follow_redirects=False)
    client.cookies.clear()
    sign_in(client, "editor")
    page = client.get("/organisation?lang=fr").text
    article = text_of(outcome_article(page, EDITOR_SERVICE))
    assert "Suites des orientations reçues" in text_of(page)
    assert "5 orientations enregistrées via Relais." in article
    assert "Ce sont des nombres seulement, jamais des informations sur une personne" in text_of(page)
    for reason in (
        "Accepté·e",
        "Pas de place",
        "Hors de nos missions",
        "La personne n'est pas venue",
        "Pas de réponse",
    ):
        assert reason in article
    months = re.findall(r'<option value="(\d{4}-\d{2})"[^>]*>([^<]+)</option>', page)
    assert len(months) == 12 and months[0] == (THIS_MONTH, month_words(THIS_MONTH, "fr"))
    assert re.findall(r'class="svc outcome" id="outcomes-([^"]+)"', page) == [EDITOR_SERVICE], "its own services only"


def save(client: TestClient, page: str, service: str, lang: str = "fr", month: str = "", **counts: str) -> object:
    """The service's form of `page` sent with `counts` typed (and another `month`, as a forged form would)."""
    form = outcome_form(page, service) | {f"count-{k.replace('_', '-')}": v for k, v in counts.items()}
    form |= {"month": month} if month else {}
    return client.post(f"/coordination/outcomes?lang={lang}", data=form, follow_redirects=False)


def test_an_editor_saves_three_no_place_and_sees_them_after_reload(client: TestClient) -> None:
    sign_in(client, "editor")
    page = client.get("/organisation?lang=fr").text
    sent = save(client, page, EDITOR_SERVICE, no_place="3")
    assert sent.status_code == 303  # type: ignore[attr-defined]
    assert sent.headers["location"].endswith(f"#outcomes-{EDITOR_SERVICE}")  # type: ignore[attr-defined]
    shown = client.get(sent.headers["location"]).text  # type: ignore[attr-defined]
    assert outcome_form(shown, EDITOR_SERVICE)["count-no-place"] == "3"
    saved = f"Chiffres de {month_words(THIS_MONTH, 'fr')} enregistrés"
    assert saved in text_of(outcome_article(shown, EDITOR_SERVICE))
    assert outcome_form(client.get("/organisation?lang=fr").text, EDITOR_SERVICE)["count-no-place"] == "3"
    (cell,) = store_of(client).tallies(OutcomeTally)
    assert cell == OutcomeTally(
        month=THIS_MONTH, organisation_id="amb-h-1", service_id=EDITOR_SERVICE, reason=OutcomeReason.NO_PLACE, count=3
    )


def test_nothing_finer_than_a_month_is_stored(client: TestClient) -> None:
    sign_in(client, "pro_org")
    client.post("/coordination/orientations", data=orientation_form(cards(client.get(HUY).text)[EDITOR_SERVICE]))
    client.cookies.clear()
    sign_in(client, "editor")
    save(client, client.get("/organisation").text, EDITOR_SERVICE, accepted="4", declined="1")
    stored = [*store_of(client).tallies(ReferralTally), *store_of(client).tallies(OutcomeTally)]
    assert len(stored) == 3
    fields = {"month", "count", "from_id", "to_id", "service_id", "situation", "organisation_id", "reason"}
    for tally in stored:
        dumped = tally.model_dump(mode="json")
        assert set(dumped) <= fields
        assert re.fullmatch(r"\d{4}-\d{2}", dumped["month"])
        assert not any(re.search(r"\d{4}-\d{2}-\d{2}|\d{1,2}:\d{2}", str(v)) for v in dumped.values())


@pytest.mark.parametrize(
    ("typed", "said"),
    [("-1", "Au moins 0."), ("trois", "Un nombre entier, par exemple 3."), ("1000001", "Au plus 1000000.")],
)
def test_a_bad_number_is_refused_next_to_its_field_with_everything_kept(
    client: TestClient, typed: str, said: str
) -> None:
    sign_in(client, "editor")
    page = client.get("/organisation?lang=fr").text
    answer = save(client, page, EDITOR_SERVICE, accepted="2", no_place=typed)
    refused = refused_page(answer, 422)
    article = outcome_article(refused, EDITOR_SERVICE)
    field = article[article.index('name="count-no-place"') :]
    assert said in text_of(field[: field.index("</div>")]), "the error under its own field"
    assert said not in text_of(article[: article.index('name="count-no-place"')])
    kept = outcome_form(refused, EDITOR_SERVICE)
    assert (kept["count-accepted"], kept["count-no-place"]) == ("2", typed)
    assert store_of(client).tallies(OutcomeTally) == []


def test_a_hostile_count_comes_back_escaped(client: TestClient) -> None:
    sign_in(client, "editor")
    hostile = '"><img src=x onerror=alert(1)><script>alert(2)</script>'
    refused = refused_page(save(client, client.get("/organisation").text, EDITOR_SERVICE, declined=hostile), 422)
    assert "<script>alert(2)" not in refused and "<img src=x" not in refused
    assert outcome_form(refused, EDITOR_SERVICE)["count-declined"] == hostile


def test_a_stale_save_says_so_keeps_what_was_typed_and_writes_nothing(client: TestClient) -> None:
    sign_in(client, "editor")
    opened = client.get("/organisation?lang=nl").text
    assert save(client, opened, EDITOR_SERVICE, no_place="4").status_code == 303  # type: ignore[attr-defined]
    late = refused_page(save(client, opened, EDITOR_SERVICE, lang="nl", accepted="7"), 412)
    article = text_of(outcome_article(late, EDITOR_SERVICE))
    assert "Deze cijfers zijn intussen gewijzigd; nu opgeslagen: Geen plaats 4." in article
    kept = outcome_form(late, EDITOR_SERVICE)
    assert kept["count-accepted"] == "7" and kept["count-no-place"] == ""
    assert [(c.reason, c.count) for c in store_of(client).tallies(OutcomeTally)] == [(OutcomeReason.NO_PLACE, 4)]
    again = client.post("/coordination/outcomes?lang=nl", data=kept, follow_redirects=False)
    assert again.status_code == 303, "saved on purpose, over the counts just shown"
    assert [(c.reason, c.count) for c in store_of(client).tallies(OutcomeTally)] == [(OutcomeReason.ACCEPTED, 7)]


def test_a_form_without_version_or_csrf_writes_nothing(client: TestClient) -> None:
    sign_in(client, "editor")
    page = client.get("/organisation").text
    form = outcome_form(page, EDITOR_SERVICE) | {"count-no-place": "3"}
    refused_page(client.post("/coordination/outcomes", data=form | {"version": ""}), 412)
    refused_page(client.post("/coordination/outcomes", data=form | {"csrf": ""}), 403)
    refused_page(client.post("/coordination/outcomes", data=form | {"csrf": "forged"}), 403)
    assert store_of(client).tallies(OutcomeTally) == []


def test_an_editor_cannot_enter_another_organisations_counts(client: TestClient) -> None:
    sign_in(client, "editor")
    page = client.get("/organisation?organisation=amb-l-1").text
    assert re.findall(r'class="svc outcome" id="outcomes-([^"]+)"', page) == [EDITOR_SERVICE], (
        "an editor's page is its own"
    )
    form = outcome_form(page, EDITOR_SERVICE) | {"service": OTHER_SERVICE, "count-no-place": "3"}
    refused_page(client.post("/coordination/outcomes?lang=de", data=form), 403)
    refused_page(client.post("/coordination/outcomes", data=form | {"service": "no-such-service"}), 404)
    assert store_of(client).tallies(OutcomeTally) == []


def test_a_professional_has_no_outcome_form_and_cannot_post_one(client: TestClient) -> None:
    sign_in(client, "pro_org")
    finder = client.get(HUY).text
    form = {"csrf": csrf_of(finder), "service": "cpas-h-1-svc", "month": THIS_MONTH, "count-no-place": "3"}
    refused_page(client.post("/coordination/outcomes", data=form | {"version": "x"}), 403)
    assert store_of(client).tallies(OutcomeTally) == []


def test_a_coordinator_enters_any_organisations_counts_and_comes_back_to_it(client: TestClient) -> None:
    sign_in(client, "coordinator")
    page = client.get("/organisation?organisation=amb-l-1&lang=fr").text
    sent = save(client, page, OTHER_SERVICE, did_not_come="5")
    location = sent.headers["location"]  # type: ignore[attr-defined]
    assert "organisation=amb-l-1" in location and location.endswith(f"#outcomes-{OTHER_SERVICE}")
    assert outcome_form(client.get(location).text, OTHER_SERVICE)["count-did-not-come"] == "5"


def test_the_month_chooser_reads_another_month_and_refuses_a_forged_one(client: TestClient) -> None:
    previous = date.today().replace(day=1).toordinal() - 1
    last_month = date.fromordinal(previous).strftime("%Y-%m")
    sign_in(client, "editor")
    page = client.get(f"/organisation?lang=fr&month={last_month}").text
    assert outcome_form(page, EDITOR_SERVICE)["month"] == last_month
    assert save(client, page, EDITOR_SERVICE, accepted="3").status_code == 303  # type: ignore[attr-defined]
    this = client.get("/organisation?lang=fr&month=nonsense").text
    assert outcome_form(this, EDITOR_SERVICE)["month"] == THIS_MONTH
    assert outcome_form(this, EDITOR_SERVICE)["count-accepted"] == "", "this month's counts are their own"
    assert [c.month for c in store_of(client).tallies(OutcomeTally)] == [last_month]
    future = f"{date.today().year + 1}-01"
    refused = refused_page(save(client, this, EDITOR_SERVICE, month=future, accepted="1"), 422)
    assert "Ce mois n'est pas encore là" in text_of(refused)
    refused_page(save(client, this, EDITOR_SERVICE, month="2026-13", accepted="1"), 422)
    assert len(store_of(client).tallies(OutcomeTally)) == 1
