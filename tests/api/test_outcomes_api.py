"""The counts that close the loop over HTTP and the command line: who may record, enter and read them, and
what a coordinator reads (small counts «< 3»). Every value here is a month, a code or a count."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from api import cli
from api.bootstrap import Relais, build
from api.http.app import create_app
from api.keys import key_digest
from api.settings import DEV_SECRET, ApiKey, Settings
from graph.memory_store import MemoryStore
from graph.models import OutcomeReason, OutcomeTally, ReferralTally, UnmetDemand
from graph.reference import Reference
from graph.usecases.outcomes import this_month
from tests.api.conftest import KEYS, TOKENS, demo_store, settings

SHELTER, SHELTER_SVC = "shelter-h-1", "shelter-h-1-svc"
OTHER_SHELTER_SVC = "shelter-h-2-svc"
MORE_KEYS = {
    "pro_cpas": ApiKey(
        id="k-pro-cpas", role="professional", digest=key_digest("pro-cpas-token", DEV_SECRET), organisation_id="amb-h-2"
    ),
    "shelter": ApiKey(
        id="k-shelter", role="editor", digest=key_digest("shelter-token", DEV_SECRET), organisation_id=SHELTER
    ),
    "shelter_2": ApiKey(
        id="k-shelter-2", role="editor", digest=key_digest("shelter-2-token", DEV_SECRET), organisation_id="shelter-h-2"
    ),
}
MORE_TOKENS = {"pro_cpas": "pro-cpas-token", "shelter": "shelter-token", "shelter_2": "shelter-2-token"}
NOW = this_month()


def as_(role: str, lang: str | None = None) -> dict[str, str]:
    """The headers of a role's key (the shared ones and this module's), with a language when asked."""
    token = MORE_TOKENS.get(role) or TOKENS.get(role)
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return headers | ({"Accept-Language": lang} if lang else {})


def counting_settings(**changes: Any) -> Settings:
    return settings().model_copy(update={"api_keys": [*KEYS.values(), *MORE_KEYS.values()], **changes})


@pytest.fixture
def api(reference: Reference) -> Iterator[TestClient]:
    with TestClient(create_app(counting_settings(), demo_store(MemoryStore(), reference))) as c:
        yield c


def orientation(service_id: str = SHELTER_SVC, **more: str) -> dict[str, str]:
    return {"service_id": service_id, "situation": "partner-violence", **more}


def enter(api: TestClient, role: str, service_id: str, counts: dict[str, int], month: str = NOW) -> Any:
    """An editor's month as a whole, from the version it just read."""
    read = api.get(f"/v1/services/{service_id}/outcomes?month={month}", headers=as_(role))
    assert read.status_code == 200, read.text
    body = {"month": month, "counts": counts, "version": read.json()["version"]}
    return api.put(f"/v1/services/{service_id}/outcomes", json=body, headers=as_(role))


def test_five_referrals_and_three_no_place_make_a_refusal_rate_and_two_ones_show_as_small(api: TestClient) -> None:
    for _ in range(5):
        assert api.post("/v1/orientations", json=orientation(), headers=as_("pro_cpas")).status_code == 201
    assert enter(api, "shelter", SHELTER_SVC, {"no-place": 3}).status_code == 200
    assert enter(api, "shelter_2", OTHER_SHELTER_SVC, {"accepted": 1, "declined": 1}).status_code == 200

    loop = api.get("/v1/outcomes?division=huy", headers=as_("coordinator")).json()
    shelter = next(r for r in loop["refusals_by_service"] if r["service"] == SHELTER_SVC)
    assert (shelter["requests"], shelter["refused"], shelter["refusal_rate"]) == (5, 3, 0.6)
    assert shelter["main_reason"] == "no-place"
    other = next(r for r in loop["refusals_by_service"] if r["service"] == OTHER_SHELTER_SVC)
    assert other["reasons"]["accepted"] == other["reasons"]["declined"] == "< 3"
    assert other["refusal_rate"] is None
    assert [g["service"] for g in loop["capacity_gaps"]] == [SHELTER_SVC]
    division = next(r for r in loop["refusals_by_division"] if r["month"] == NOW)
    assert division["division"] == "huy" and division["main_reason"] == "no-place"


def test_a_question_that_found_nothing_in_huy_is_counted_as_unmet_demand(api: TestClient) -> None:
    question = "/v1/referrals?situation=forced-marriage&commune=Huy&language=ar"
    assert api.get(question).status_code == 200
    unmet = api.get("/v1/outcomes?division=huy", headers=as_("coordinator")).json()["unmet_demand"]
    forced = [u for u in unmet if u["term"] == "forced-marriage"]
    assert forced and forced[0]["division"] == "huy" and forced[0]["language"] is None  # once: not named
    assert forced[0]["total"] == "< 3" and forced[0]["months"] == {NOW: "< 3"}
    api.get(question)  # the same client again: not a second question
    for role in ("professional", "editor", "coordinator"):  # three more askers
        assert api.get(question, headers=as_(role)).status_code == 200
    unmet = api.get("/v1/outcomes?division=huy", headers=as_("coordinator")).json()["unmet_demand"]
    forced = [u for u in unmet if u["term"] == "forced-marriage"]
    assert forced[0]["language"] == "ar" and forced[0]["total"] == 4 and forced[0]["months"] == {NOW: 4}


def test_the_editor_reads_its_own_exact_figures_and_what_was_referred(api: TestClient) -> None:
    api.post("/v1/orientations", json=orientation(), headers=as_("pro_cpas"))
    assert enter(api, "shelter", SHELTER_SVC, {"accepted": 1}).status_code == 200
    own = api.get(f"/v1/services/{SHELTER_SVC}/outcomes", headers=as_("shelter")).json()
    assert own["counts"]["accepted"] == 1 and own["referred"] == 1 and own["month"] == NOW
    assert set(own["counts"]) == {r.value for r in OutcomeReason}


@pytest.mark.parametrize(
    ("role", "status"), [("public", 401), ("professional", 422), ("coordinator", 422), ("pro_cpas", 201)]
)
def test_who_may_count_a_referral(api: TestClient, role: str, status: int) -> None:
    """A referral is counted for the key's organisation: a key without one is told so."""
    response = api.post("/v1/orientations", json=orientation(), headers=as_(role, "fr"))
    assert response.status_code == status, response.text
    if status == 422:
        assert "organisation" in response.json()["errors"][0]["detail"]
        assert api.get("/v1/outcomes", headers=as_("coordinator")).json()["refusals_by_service"] == []


def test_a_professional_s_malformed_count_is_a_422_and_the_public_s_a_401(api: TestClient) -> None:
    assert api.post("/v1/orientations", json={"victim": "x"}, headers=as_("pro_cpas")).status_code == 422
    assert api.post("/v1/orientations", content=b"{not json", headers=as_("public")).status_code == 401


@pytest.mark.parametrize(
    ("body", "parameter", "words"),
    [
        (orientation("amb-h-2-svc"), "service_id", "propre organisation"),
        (orientation(month="2026-11-03"), "month", "AAAA-MM"),
        (orientation(month="2999-01"), "month", "mois"),
        (orientation(situation="shelter"), "situation", ""),
    ],
)
def test_a_count_that_is_refused_says_why_and_writes_nothing(
    api: TestClient, body: dict[str, str], parameter: str, words: str
) -> None:
    response = api.post("/v1/orientations", json=body, headers=as_("pro_cpas", "fr"))
    assert response.status_code == 422, response.text
    error = response.json()["errors"][0]
    assert error["parameter"] == parameter and words in error["detail"]
    assert api.get("/v1/outcomes", headers=as_("coordinator")).json()["refusals_by_service"] == []


def test_an_unknown_or_hostile_service_is_refused_without_echoing_markup(api: TestClient) -> None:
    assert api.post("/v1/orientations", json=orientation("no-such-svc"), headers=as_("pro_cpas")).status_code == 404
    hostile = api.post("/v1/orientations", json=orientation('"><img onerror=alert(1)>'), headers=as_("pro_cpas"))
    assert hostile.status_code == 422 and hostile.headers["content-type"] == "application/problem+json"


@pytest.mark.parametrize(("role", "status"), [("public", 403), ("professional", 403), ("editor_b", 403)])
def test_another_organisation_may_not_read_a_service_s_outcomes(api: TestClient, role: str, status: int) -> None:
    assert api.get(f"/v1/services/{SHELTER_SVC}/outcomes", headers=as_(role)).status_code == status


def test_another_organisation_s_editor_may_not_enter_them(api: TestClient) -> None:
    version = api.get(f"/v1/services/{SHELTER_SVC}/outcomes", headers=as_("coordinator")).json()["version"]
    body = {"month": NOW, "counts": {"no-place": 9}, "version": version}
    assert api.put(f"/v1/services/{SHELTER_SVC}/outcomes", json=body, headers=as_("editor")).status_code == 403
    assert api.put(f"/v1/services/{SHELTER_SVC}/outcomes", json=body, headers=as_("pro_cpas")).status_code == 403
    assert api.put(f"/v1/services/{SHELTER_SVC}/outcomes", json=body).status_code == 401
    after = api.get(f"/v1/services/{SHELTER_SVC}/outcomes", headers=as_("shelter")).json()
    assert after["counts"]["no-place"] == 0


def test_a_stale_entry_is_a_409_with_the_current_counts_and_writes_nothing(api: TestClient) -> None:
    first = api.get(f"/v1/services/{SHELTER_SVC}/outcomes", headers=as_("shelter")).json()
    assert enter(api, "coordinator", SHELTER_SVC, {"no-place": 4}).status_code == 200
    late = {"month": NOW, "counts": {"accepted": 7}, "version": first["version"]}
    response = api.put(f"/v1/services/{SHELTER_SVC}/outcomes", json=late, headers=as_("shelter", "nl"))
    assert response.status_code == 409
    assert response.json()["current"]["counts"]["no-place"] == 4
    assert "niets" in response.json()["detail"]  # said in the caller's language
    again = api.get(f"/v1/services/{SHELTER_SVC}/outcomes", headers=as_("shelter")).json()
    assert again["counts"]["accepted"] == 0 and again["version"] == response.json()["current"]["version"]


@pytest.mark.parametrize(
    ("counts", "parameter"),
    [({"no-place": -1}, "counts.no-place"), ({"no-place": 1_000_001}, "counts.no-place"), ({"lost": 2}, "counts")],
)
def test_a_bad_count_names_its_field_and_writes_nothing(
    api: TestClient, counts: dict[str, int], parameter: str
) -> None:
    response = enter(api, "shelter", SHELTER_SVC, counts)
    assert response.status_code == 422, response.text
    assert any(e["parameter"].startswith(parameter) for e in response.json()["errors"])
    assert api.get(f"/v1/services/{SHELTER_SVC}/outcomes", headers=as_("shelter")).json()["counts"]["no-place"] == 0


@pytest.mark.parametrize("role", ["public", "professional", "editor", "shelter"])
def test_only_coordinators_read_the_loop(api: TestClient, role: str) -> None:
    assert api.get("/v1/outcomes", headers=as_(role)).status_code == 403


@pytest.mark.parametrize("query", ["months=0", "months=61", "division=atlantis"])
def test_the_loop_refuses_a_bad_window_or_division(api: TestClient, query: str) -> None:
    assert api.get(f"/v1/outcomes?{query}", headers=as_("coordinator")).status_code == 422


def _with_old_counts(reference: Reference, keep: int) -> tuple[Relais, Settings]:
    chosen = counting_settings(counts_kept_months=keep)
    relais = build(chosen, demo_store(MemoryStore(), reference))
    old = ReferralTally(month="2020-01", from_id="amb-h-2", to_id=SHELTER, service_id=SHELTER_SVC, situation="fgm")
    relais.store.add_tallies([old, UnmetDemand(month=NOW, term="fgm", division="huy")])
    return relais, chosen


@pytest.mark.parametrize(("keep", "left"), [(36, 0), (0, 1)])
def test_the_server_drops_months_older_than_those_kept_when_it_starts(
    reference: Reference, keep: int, left: int
) -> None:
    relais, _ = _with_old_counts(reference, keep)
    with TestClient(create_app(relais=relais)):
        assert len(relais.store.tallies(ReferralTally)) == left
        assert len(relais.store.tallies(UnmetDemand)) == 1


@pytest.fixture
def cli_relais(reference: Reference, monkeypatch: pytest.MonkeyPatch) -> Relais:
    """The command line over a memory copy of the demo holding a 2020 count and this month's."""
    relais, _ = _with_old_counts(reference, 36)
    relais.store.add_tallies(
        [OutcomeTally(month=NOW, organisation_id=SHELTER, service_id=SHELTER_SVC, reason=OutcomeReason.NO_PLACE)] * 4
    )
    monkeypatch.setattr(cli, "_relais", lambda *_, **__: relais)
    return relais


def test_counts_show_reads_as_a_coordinator_with_small_counts_suppressed(cli_relais: Relais) -> None:
    shown = CliRunner().invoke(cli.app, ["counts", "show", "--division", "huy", "--json"])
    assert shown.exit_code == 0, shown.output
    assert '"no-place": 4' in shown.output and '"total": "< 3"' in shown.output
    table = CliRunner().invoke(cli.app, ["counts", "show", "--months", "3"])
    assert table.exit_code == 0 and "Pas de place" in table.output and "Mutilations" in table.output
    assert CliRunner().invoke(cli.app, ["counts", "show", "--division", "atlantis"]).exit_code == 1


def test_counts_prune_drops_the_months_no_longer_kept(cli_relais: Relais) -> None:
    pruned = CliRunner().invoke(cli.app, ["counts", "prune"])
    assert pruned.exit_code == 0 and "1 compte" in pruned.output
    assert cli_relais.store.tallies(ReferralTally) == []
    assert {t.month for k in (OutcomeTally, UnmetDemand) for t in cli_relais.store.tallies(k)} == {NOW}


def test_a_signed_in_browser_cannot_count_through_the_api(api: TestClient) -> None:
    """A session cookie never writes to /v1 (a cross-site form could): the pages post under /coordination/."""
    assert api.post("/login", data={"key": MORE_TOKENS["pro_cpas"]}, follow_redirects=False).status_code == 303
    assert api.post("/v1/orientations", json=orientation()).status_code == 401
    assert api.get("/v1/outcomes", headers=as_("coordinator")).json()["refusals_by_service"] == []


@pytest.mark.parametrize(
    ("month", "words"), [("2020-01", "nicht mehr"), ("2999-12", "noch nicht"), ("11-2026", "JJJJ-MM")]
)
def test_outcomes_of_a_month_not_kept_or_to_come_are_refused(api: TestClient, month: str, words: str) -> None:
    read = api.get(f"/v1/services/{SHELTER_SVC}/outcomes?month={month}", headers=as_("shelter", "de"))
    assert read.status_code == 422
    assert read.json()["errors"][0]["parameter"] == "month" and words in read.json()["detail"]
    body = {"month": month, "counts": {"accepted": 3}, "version": "accepted=0"}
    assert api.put(f"/v1/services/{SHELTER_SVC}/outcomes", json=body, headers=as_("shelter")).status_code == 422
    assert api.get(f"/v1/services/{SHELTER_SVC}/outcomes", headers=as_("shelter")).json()["counts"]["accepted"] == 0
