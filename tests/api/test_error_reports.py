"""«Signaler une erreur» (issue 17, item 7): anyone reports from a finder card; coordinators handle the queue.

A report names the record, the choice, the text and the day — never who sent it — and never reaches the
directory's outputs (HSDS, exports, the public API, the network snapshot, the analyses).
"""

from __future__ import annotations

import html
import re
from datetime import date

import pytest
from fastapi.testclient import TestClient

from api.http.auth import PUBLIC, HttpCaller
from api.http.routers.pages.common import templates
from api.http.routers.pages.reports import REPORTS_PER_HOUR, open_reports
from api.i18n import t
from graph.models import ReportStatus
from graph.referral import Role
from graph.store import GraphStore
from tests.api.conftest import TOKENS, auth, csrf_of

SERVICE, ORG = "gp-h-1-svc", "gp-h-1"
SEARCH = "/?situation=partner-violence&place=Huy&lang=fr"


def store_of(client: TestClient) -> GraphStore:
    store: GraphStore = client.app.state.relais.store  # type: ignore[attr-defined]
    return store


def send(client: TestClient, lang: str = "fr", **form: str) -> tuple[int, str, str]:
    fields = {"service": SERVICE, "reason": "hours", "text": "", "back": "situation=partner-violence&place=Huy"}
    answer = client.post(f"/report?lang={lang}", data=fields | form, follow_redirects=False)
    return answer.status_code, answer.text, answer.headers.get("location", "")


def field_errors(page: str) -> list[str]:
    return [html.unescape(e) for e in re.findall(r'class="field-error"[^>]*>([^<]*)<', page)]


def textarea(page: str) -> str:
    found = re.search(r"<textarea[^>]*>([^<]*)</textarea>", page)
    assert found, "the report form is shown again"
    return html.unescape(found.group(1))


def sign_in(client: TestClient, role: str) -> None:
    assert client.post("/login", data={"key": TOKENS[role]}, follow_redirects=False).status_code == 303


def test_every_card_of_the_public_finder_opens_the_short_report_form(client: TestClient) -> None:
    page = client.get(SEARCH).text
    cards = len(re.findall(r"<li class=\"card[\" ]", page))
    links = re.findall(r'<p class="report-error"[^>]*><a href="([^"]+)"[^>]*>Signaler une erreur</a>', page)
    assert cards > 0 and len(links) == cards
    assert "<textarea" not in page, "the finder itself never holds a free-text field"
    form = client.get(html.unescape(next(link for link in links if "shelter" not in link)))
    assert form.status_code == 200
    for choice in (
        "Téléphone ou e-mail erroné",
        "Adresse erronée",
        "Horaires erronés",
        "Service fermé ou plus proposé",
    ):
        assert choice in form.text
    assert 'action="/report?lang=fr"' in form.text and "<textarea" in form.text
    back = re.search(r'name="back" value="([^"]*)"', form.text)
    assert back and html.unescape(back.group(1)) == "situation=partner-violence&place=Huy&lang=fr"


def test_a_public_report_is_queued_naming_the_record_never_the_reporter(client: TestClient) -> None:
    status, _, location = send(client, lang="nl", reason="contact", text="Le numéro ne répond plus depuis octobre.")
    assert status == 303 and location.startswith("/report/sent?lang=nl")
    thanks = client.get(location).text
    assert t("upkeep_report_sent_title", "nl") in thanks
    assert 'href="/?situation=partner-violence&amp;place=Huy"' in thanks, "back to the same search"
    [kept] = store_of(client).reports()
    stored = kept.model_dump(mode="json")
    assert set(stored) == {
        "id",
        "organisation_id",
        "service_id",
        "reason",
        "text",
        "reported_on",
        "status",
        "closed_on",
    }
    assert (kept.organisation_id, kept.service_id, kept.reason.value) == (ORG, SERVICE, "contact")
    assert kept.reported_on == date.today()
    assert "testclient" not in repr(stored) and "anonymous" not in repr(stored)


def test_person_data_is_refused_with_the_reason_and_the_typed_text_kept(client: TestClient) -> None:
    typed = "Mme Dupont, née le 12/03/1980, y a été mal reçue"
    status, page, _ = send(client, lang="nl", text=typed)
    assert status == 422
    assert field_errors(page) == [
        "Dit veld beschrijft de organisatie: geen gegevens over een geholpen persoon (geboortedatum)."
    ]
    assert textarea(page) == typed
    assert 'value="hours" required checked' in page, "the choice is kept too"
    assert store_of(client).reports() == []


def test_no_choice_and_too_long_a_text_are_said_next_to_the_field(client: TestClient) -> None:
    status, page, _ = send(client, reason="", text="Quelque chose cloche")
    assert (status, field_errors(page), textarea(page)) == (422, ["Choisissez dans la liste."], "Quelque chose cloche")
    status, page, _ = send(client, text="x" * 501)
    assert (status, field_errors(page)) == (422, ["Trop long : 500 caractères au plus."])
    assert store_of(client).reports() == []


def test_reports_are_limited_per_client_with_a_message_in_the_pages_language(client: TestClient) -> None:
    for _ in range(REPORTS_PER_HOUR):
        assert send(client)[0] == 303
    status, page, _ = send(client, lang="de", text="Noch eine Meldung")
    assert status == 429
    assert t("upkeep_report_too_many", "de") in html.unescape(page)
    assert textarea(page) == "Noch eine Meldung"
    assert len(store_of(client).reports()) == REPORTS_PER_HOUR


def test_a_report_posted_from_another_site_or_about_nothing_writes_nothing(client: TestClient) -> None:
    answer = client.post(
        "/report?lang=fr",
        data={"service": SERVICE, "reason": "hours", "text": "x"},
        headers={"Origin": "https://evil.example"},
    )
    assert answer.status_code == 403 and t("upkeep_report_foreign", "fr") in html.unescape(answer.text)
    status, page, _ = send(client, service="no-such-service")
    assert status == 404 and t("upkeep_report_gone", "fr") in html.unescape(page)
    status, page, _ = send(client, service="")
    assert status == 404 and t("upkeep_report_gone", "fr") in html.unescape(page)
    assert store_of(client).reports() == []


def test_the_queue_is_for_coordinators_only(client: TestClient) -> None:
    send(client)
    [report] = store_of(client).reports()
    for role in ("professional", "editor"):
        sign_in(client, role)
        assert client.get("/coordination/reports", follow_redirects=False).status_code == 303
        page = client.get("/organisation?organisation=" + ORG).text if role == "editor" else ""
        assert "Horaires erronés" not in page
        client.post("/logout", data={"csrf": csrf_of(client.get("/").text)})
    with pytest.raises(Exception, match="coordinator"):
        client.app.state.relais.upkeep.dismiss(PUBLIC, report.id)  # type: ignore[attr-defined]
    editor_post = client.post(f"/coordination/reports/{report.id}/dismiss", headers=auth("editor"))
    assert editor_post.status_code in (401, 403)
    assert [r.id for r in store_of(client).reports()] == [report.id]


def test_a_coordinator_sees_the_queue_in_words_and_dismisses_with_the_form(client: TestClient) -> None:
    send(client, reason="closed", text='<script>alert(1)</script> "><img src=x onerror=alert(2)>')
    send(client, reason="address", text="Ils ont déménagé rue Neuve")
    sign_in(client, "coordinator")
    dashboard = client.get("/coordination?lang=fr").text
    assert (
        "<strong>Accueil Cabinet médical Exemple-Mehaigne 1</strong> — Cabinet médical Exemple-Mehaigne 1" in dashboard
    )
    assert "Service fermé ou plus proposé" in dashboard and "Adresse erronée" in dashboard
    assert "<script>alert(1)" not in dashboard and "<img src=x" not in dashboard
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in dashboard
    assert f'href="/organisation?organisation={ORG}&amp;lang=fr#svc-{SERVICE}">Accepter</a>' in dashboard
    by_reason = {r.reason.value: r for r in store_of(client).reports()}
    first, second = by_reason["closed"], by_reason["address"]
    missing = client.post(f"/coordination/reports/{first.id}/dismiss", data={"back": "dashboard"})
    assert missing.status_code == 403, "no CSRF token, nothing written"
    token = csrf_of(dashboard)
    done = client.post(
        f"/coordination/reports/{first.id}/dismiss?lang=nl",
        data={"csrf": token, "back": "queue"},
        follow_redirects=False,
    )
    assert done.headers["location"] == "/coordination/reports?lang=nl&done=dismissed"
    queue = client.get(done.headers["location"]).text
    assert t("upkeep_dismissed_msg", "nl") in queue and "Ils ont déménagé" in queue and "alert(1)" not in queue
    again = client.post(f"/coordination/reports/{first.id}/accept?lang=fr", data={"csrf": token, "back": "queue"})
    assert t("upkeep_handled_already", "fr") in html.unescape(again.text)
    assert store_of(client).report(first.id).status is ReportStatus.DISMISSED
    accepted = client.post(
        f"/coordination/reports/{second.id}/accept?lang=fr",
        data={"csrf": token, "back": "organisation"},
        follow_redirects=False,
    )
    assert accepted.headers["location"] == f"/organisation?organisation={ORG}&lang=fr#reports"
    log = [(c.action, c.entity, c.entity_id, c.key_id) for c in store_of(client).changes(limit=2)]
    assert log == [("accept", "ErrorReport", second.id, "k-coord"), ("dismiss", "ErrorReport", first.id, "k-coord")]
    assert "déménagé" not in repr(store_of(client).changes(limit=5)), "the change log never holds the text"
    assert store_of(client).reports() == []


def test_the_organisations_page_lists_its_open_reports_with_fixed_and_dismiss(client: TestClient) -> None:
    send(client, reason="hours", text="Fermé le mercredi")
    send(client, service="gp-h-2-svc", reason="other", text="Autre organisation")
    relais = client.app.state.relais  # type: ignore[attr-defined]
    assert open_reports(relais, PUBLIC, ORG, "fr") == {"open_reports": []}
    who = HttpCaller(Role.COORDINATOR, key_id="k-coord", session="s")
    context = open_reports(relais, who, ORG, "nl")
    shown = templates.get_template("forms/open_reports.html").render(
        t=lambda key: t(key, "nl"), lang="nl", csrf="tok", long_day=str, **context
    )
    assert "Fermé le mercredi" in shown and "Autre organisation" not in shown
    assert t("upkeep_reason_hours", "nl") in shown
    assert ">Verbeterd</button>" in shown and ">Afwijzen</button>" in shown
    assert "Aanvaarden" not in shown, "on the organisation's page the report is fixed there, not opened again"


def test_reports_never_reach_hsds_exports_the_public_api_the_snapshot_or_the_analyses(client: TestClient) -> None:
    marker = "Signalement-traceur-unique"
    assert send(client, text=f"{marker} horaires faux")[0] == 303
    for path in ("/hsds/services", "/hsds/organizations", "/v1/export?format=json", "/v1/organisations", "/v1/gaps"):
        answer = client.get(path, headers=auth("coordinator"))
        assert marker not in answer.text, path
    answer = client.get("/v1/referrals?situation=partner-violence&commune=Huy")
    assert answer.status_code == 200 and marker not in answer.text
    relais = client.app.state.relais  # type: ignore[attr-defined]
    report, snapshot = relais.analysis.get()
    assert marker not in repr(snapshot.nodes(data=True)) and marker not in repr(report)
    assert "ErrorReport" not in store_of(client).counts()


def test_a_report_may_give_the_right_number_but_never_a_shelters_address(client: TestClient) -> None:
    """The right phone number is what a reporter most often gives; a shelter's address is secret, so its card
    offers no «wrong address» and the route refuses one."""
    form = client.get("/report?organisation=amb-h-1").text
    assert 'value="address"' in form
    sent = client.post(
        "/report",
        data={"organisation": "amb-h-1", "reason": "contact", "text": "Le bon numéro est le 04 223 45 67"},
        follow_redirects=False,
    )
    assert sent.status_code == 303
    assert 'value="address"' not in client.get("/report?organisation=shelter-h-1").text
    refused = client.post(
        "/report", data={"organisation": "shelter-h-1", "reason": "address", "text": "Ils ont déménagé"}
    )
    assert refused.status_code == 422
