"""Counts that close the loop, through the use cases: what a coordinator would read after professionals and
a shelter recorded their figures, and what is never kept (graph.usecases.outcomes, graph.outcomes)."""

from __future__ import annotations

from datetime import date

import pytest

from api.bootstrap import Relais, build
from graph.errors import Forbidden, InvalidInput, Stale, StoreUnavailable, TooMany
from graph.memory_store import MemoryStore
from graph.models import OutcomeReason, OutcomeTally, ReferralTally, Service, Status, UnmetDemand
from graph.outcomes import SMALL, months_back
from graph.reference import load_reference
from graph.referral import ReferralQuery, Role
from graph.usecases import Caller
from graph.usecases.outcomes import ORIENTATIONS_PER_HOUR
from tests.api.conftest import demo_store, settings

SHELTER, SHELTER_SERVICE = "shelter-h-1", "shelter-h-1-svc"
OTHER_SHELTER_SERVICE = "shelter-h-2-svc"
PROFESSIONAL = Caller(Role.PROFESSIONAL, key_id="pro", organisation_id="amb-h-1")
SHELTER_EDITOR = Caller(Role.EDITOR, key_id="ed", organisation_id=SHELTER)
COORDINATOR = Caller(Role.COORDINATOR, key_id="coord")


@pytest.fixture
def relais() -> Relais:
    return build(settings(), demo_store(MemoryStore(), load_reference()))


def enter(relais: Relais, who: Caller, service: str, counts: dict[OutcomeReason, int]) -> None:
    current = relais.outcomes.outcomes(who, service)
    relais.outcomes.set_outcomes(who, service, current.month, counts, current.version)


def test_five_referrals_and_three_without_place_make_a_refusal_rate_in_the_shelters_division(relais: Relais) -> None:
    for _ in range(5):
        relais.outcomes.record_referral(PROFESSIONAL, SHELTER_SERVICE, "partner-violence")
    enter(relais, SHELTER_EDITOR, SHELTER_SERVICE, {OutcomeReason.NO_PLACE: 3})
    other = Caller(Role.EDITOR, key_id="ed2", organisation_id="shelter-h-2")
    enter(relais, other, OTHER_SHELTER_SERVICE, {OutcomeReason.ACCEPTED: 1, OutcomeReason.DECLINED: 1})

    loop = relais.outcomes.loop(COORDINATOR, division="huy")

    shelter = next(r for r in loop["refusals_by_service"] if r["service"] == SHELTER_SERVICE)
    assert (shelter["requests"], shelter["refused"], shelter["refusal_rate"]) == (5, 3, 0.6)
    assert shelter["main_reason"] == "no-place"
    huy = loop["refusals_by_division"][0]
    assert huy["division"] == "huy" and huy["main_reason"] == "no-place"
    other_row = next(r for r in loop["refusals_by_service"] if r["service"] == OTHER_SHELTER_SERVICE)
    assert other_row["reasons"]["accepted"] == other_row["reasons"]["declined"] == SMALL
    assert other_row["refusal_rate"] is None  # a rate of 1 in 2 would name the figures
    assert [g["service"] for g in loop["capacity_gaps"]] == [SHELTER_SERVICE]
    assert {"from": "amb-h-1", "to": SHELTER, "division": "huy", "referrals": 5} in loop["flows_without_agreement"]


def test_a_total_with_a_small_part_is_only_a_lower_bound_so_subtraction_gives_nothing_back(relais: Relais) -> None:
    for _ in range(5):
        relais.outcomes.record_referral(PROFESSIONAL, SHELTER_SERVICE, "partner-violence")
    enter(relais, SHELTER_EDITOR, SHELTER_SERVICE, {OutcomeReason.NO_PLACE: 3, OutcomeReason.DECLINED: 1})
    other = Caller(Role.EDITOR, key_id="ed2", organisation_id="shelter-h-2")
    enter(relais, other, OTHER_SHELTER_SERVICE, {OutcomeReason.ACCEPTED: 1, OutcomeReason.DECLINED: 3})

    loop = relais.outcomes.loop(COORDINATOR, division="huy")

    shelter = next(r for r in loop["refusals_by_service"] if r["service"] == SHELTER_SERVICE)
    assert (shelter["reasons"]["no-place"], shelter["reasons"]["declined"]) == (3, SMALL)
    assert shelter["refused"] == "≥ 4" and shelter["refusal_rate"] is None  # 4 − 3 would give the 1 back
    assert shelter["requests"] == "≥ 5"  # exact, it would bound the small one: 5 − 3 − 1 ≥ …
    (huy,) = loop["refusals_by_division"]
    assert huy["reasons"]["declined"] == "≥ 4"  # 4 − the other shelter's 3 would give it back too
    assert huy["reasons"]["no-place"] == 3 and huy["refusal_rate"] is None
    for row in (*loop["refusals_by_service"], huy):
        assert 1 not in row["reasons"].values() and 2 not in row["reasons"].values()


def test_a_question_in_huy_for_forced_marriage_is_counted_as_unmet_demand(relais: Relais) -> None:
    query = ReferralQuery.of(situation="forced-marriage", commune="Huy", language="ar", urgent=True)
    asking = [Caller(Role.PROFESSIONAL, key_id=k, client=k) for k in ("k1", "k2", "k3")]
    answer = relais.referrals.refer(asking[0], query)
    assert answer.results and all(r.alternative for r in answer.results)  # nothing local, only elsewhere
    relais.referrals.refer(asking[1], query)
    relais.referrals.refer(asking[2], query)
    relais.referrals.refer(asking[2], query)  # the same client reloading: not a fourth person
    relais.referrals.refer(asking[0], query, count=False)  # the shortlist sheet asking again

    unmet = relais.outcomes.loop(COORDINATOR)["unmet_demand"]

    month = date.today().strftime("%Y-%m")
    assert unmet[0] == {
        "term": "forced-marriage",
        "division": "huy",
        "language": "ar",
        "urgent": True,
        "total": 3,
        "months": {month: 3},
    }
    (cell,) = relais.store.tallies(UnmetDemand)
    assert set(cell.model_dump()) == {"month", "count", "term", "division", "language", "urgent"}


def test_a_question_answered_in_its_division_is_not_unmet(relais: Relais) -> None:
    relais.referrals.refer(PROFESSIONAL, ReferralQuery.of(situation="partner-violence", commune="Huy"))
    relais.outcomes.unmet.flush()
    assert relais.store.tallies(UnmetDemand) == []


def test_counts_hold_the_month_and_nothing_finer(relais: Relais) -> None:
    tally = relais.outcomes.record_referral(PROFESSIONAL, SHELTER_SERVICE, "partner-violence")
    enter(relais, SHELTER_EDITOR, SHELTER_SERVICE, {OutcomeReason.ACCEPTED: 1})
    for kind in (ReferralTally, OutcomeTally):
        for cell in relais.store.tallies(kind):
            assert len(cell.month) == 7
            assert not any(isinstance(v, date) for v in cell.model_dump().values())
    assert tally.month == date.today().strftime("%Y-%m")
    assert not [c for c in relais.store.changes(1000) if "Tally" in c.entity or c.entity in ("referral", "outcome")]


def test_who_may_record_enter_and_read(relais: Relais) -> None:
    with pytest.raises(Forbidden):
        relais.outcomes.record_referral(Caller(Role.PUBLIC), SHELTER_SERVICE, "partner-violence")
    with pytest.raises(InvalidInput) as own:
        relais.outcomes.record_referral(SHELTER_EDITOR, SHELTER_SERVICE, "partner-violence")
    assert own.value.problems[0].code == "own_organisation"
    with pytest.raises(InvalidInput) as keyless:
        relais.outcomes.record_referral(Caller(Role.PROFESSIONAL), SHELTER_SERVICE, "partner-violence")
    assert keyless.value.problems[0].code == "no_organisation"
    with pytest.raises(Forbidden):  # another organisation's editor
        relais.outcomes.outcomes(Caller(Role.EDITOR, organisation_id="amb-h-1"), SHELTER_SERVICE)
    for who in (PROFESSIONAL, SHELTER_EDITOR):
        with pytest.raises(Forbidden):
            relais.outcomes.loop(who)


def test_a_stale_entry_is_refused_and_nothing_is_written(relais: Relais) -> None:
    first = relais.outcomes.outcomes(SHELTER_EDITOR, SHELTER_SERVICE)
    relais.outcomes.set_outcomes(
        SHELTER_EDITOR, SHELTER_SERVICE, first.month, {OutcomeReason.NO_PLACE: 2}, first.version
    )
    with pytest.raises(Stale):
        relais.outcomes.set_outcomes(
            COORDINATOR, SHELTER_SERVICE, first.month, {OutcomeReason.ACCEPTED: 9}, first.version
        )
    assert relais.outcomes.outcomes(COORDINATOR, SHELTER_SERVICE).counts == {OutcomeReason.NO_PLACE: 2}


@pytest.mark.parametrize(
    ("month", "code"), [("2026-13", "month_format"), ("next", "month_format"), ("2999-01", "month_future")]
)
def test_a_bad_month_is_named(relais: Relais, month: str, code: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        relais.outcomes.record_referral(PROFESSIONAL, SHELTER_SERVICE, "partner-violence", month)
    assert (refused.value.problems[0].column, refused.value.problems[0].code) == ("month", code)
    assert relais.store.tallies(ReferralTally) == []


def test_counts_older_than_the_months_kept_are_dropped(relais: Relais) -> None:
    kept = months_back(date.today(), relais.outcomes.keep_months)
    relais.store.add_tallies(
        [
            UnmetDemand(month="2001-01", term="fgm", division="huy"),
            UnmetDemand(month=kept[0], term="fgm", division="huy"),
        ]
    )
    with pytest.raises(Forbidden):
        relais.outcomes.prune(PROFESSIONAL)
    assert relais.outcomes.prune(COORDINATOR) == 1
    assert [c.month for c in relais.store.tallies(UnmetDemand)] == [kept[0]]
    with pytest.raises(InvalidInput) as dropped:
        relais.outcomes.record_referral(PROFESSIONAL, SHELTER_SERVICE, "partner-violence", "2001-01")
    assert dropped.value.problems[0].code == "month_dropped"


def test_recorded_referrals_join_the_referral_flows_the_analysis_reads(relais: Relais) -> None:
    relais.analysis.get()  # computed once before: the cache must follow the new count
    relais.outcomes.record_referral(PROFESSIONAL, SHELTER_SERVICE, "partner-violence")
    _, snapshot = relais.analysis.get()
    month = date.today().strftime("%Y-%m")
    edge = snapshot.get_edge_data("amb-h-1", SHELTER)[f"referral:{month}:recorded"]
    assert (edge["kind"], edge["count"], edge["period"]) == ("referral", 1, month)


def test_a_store_refusing_the_count_does_not_cost_the_answer(relais: Relais, monkeypatch: pytest.MonkeyPatch) -> None:
    def busy(_: object) -> None:
        raise StoreUnavailable("busy")

    monkeypatch.setattr(relais.store, "add_tallies", busy)
    answer = relais.referrals.refer(PROFESSIONAL, ReferralQuery.of(situation="forced-marriage", commune="Huy"))
    assert answer.results and answer.fallbacks


def test_one_organisation_cannot_inflate_anothers_figures(relais: Relais) -> None:
    for _ in range(ORIENTATIONS_PER_HOUR):
        relais.outcomes.record_referral(PROFESSIONAL, SHELTER_SERVICE, "partner-violence")
    with pytest.raises(TooMany):
        relais.outcomes.record_referral(PROFESSIONAL, SHELTER_SERVICE, "partner-violence")
    assert sum(t.count for t in relais.store.tallies(ReferralTally)) == ORIENTATIONS_PER_HOUR


def test_a_referral_to_an_inactive_service_is_not_counted(relais: Relais) -> None:
    service = relais.store.get(Service, SHELTER_SERVICE)
    relais.store.upsert([service.model_copy(update={"status": Status.INACTIVE})])
    with pytest.raises(InvalidInput) as refused:
        relais.outcomes.record_referral(PROFESSIONAL, SHELTER_SERVICE, "partner-violence")
    assert refused.value.problems[0].code == "inactive_service"
