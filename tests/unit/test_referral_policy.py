"""The safety policy on its own: which services may be proposed for which question."""

from __future__ import annotations

import pytest

from graph.models import Contact, ContactKind, ContactVisibility, Service
from graph.reference import Reference
from graph.referral import Exclusion, Question, ReferralQuery, Role, allowed, exclusion, visible_contacts


def service(needs: tuple[str, ...] = (), audiences: tuple[str, ...] = (), situations: tuple[str, ...] = ()) -> Service:
    return Service(
        id="svc",
        organisation_id="org",
        name="Service",
        needs=needs,
        audiences=audiences,
        situations=situations or ("partner-violence",),
        source="test",
    )


def question(reference: Reference, role: Role = Role.PROFESSIONAL, **asked: str) -> Question:
    return Question.of(ReferralQuery(**asked), role, reference.taxonomy)


SHELTER = service(needs=("shelter",), audiences=("victim.woman",))
PROGRAMME = service(needs=("perpetrator-programme",), audiences=("perpetrator",))
MEDIATION = service(needs=("mediation",))
CASE_CONFERENCE = service(needs=("case-conference",), audiences=("professional",))


def test_victim_and_perpetrator_services_are_never_mixed(reference: Reference) -> None:
    victim_side = question(reference, situation="partner-violence")
    perpetrator_side = question(reference, situation="partner-violence", audience="perpetrator")
    assert exclusion(PROGRAMME, victim_side) is Exclusion.PERPETRATOR_SERVICE
    assert exclusion(SHELTER, perpetrator_side) is Exclusion.VICTIM_SERVICE
    assert allowed(SHELTER, victim_side) and allowed(PROGRAMME, perpetrator_side)
    programme_asked = question(reference, need="perpetrator-programme")
    assert allowed(PROGRAMME, programme_asked) and not allowed(SHELTER, programme_asked)


def test_a_service_for_both_sides_stays_for_the_perpetrator_side(reference: Reference) -> None:
    both = service(needs=("psychological-support",), audiences=("victim", "perpetrator"))
    assert allowed(both, question(reference, situation="partner-violence", audience="perpetrator"))
    assert exclusion(both, question(reference, situation="partner-violence")) is Exclusion.PERPETRATOR_SERVICE


def test_mediation_asked_comes_though_it_serves_both_parties(reference: Reference) -> None:
    """A mediation service lists victims and perpetrators (that is mediation): asked for, it may come; never unasked."""
    two_party = service(needs=("mediation",), audiences=("victim", "perpetrator"))
    victim_side = question(reference, situation="partner-violence", need="mediation")
    assert allowed(two_party, victim_side)
    assert allowed(two_party, question(reference, need="mediation", audience="perpetrator"))
    assert exclusion(two_party, question(reference, situation="partner-violence")) is Exclusion.PERPETRATOR_SERVICE
    programme = service(needs=("mediation", "perpetrator-programme"), audiences=("perpetrator",))
    assert exclusion(programme, victim_side) is Exclusion.PERPETRATOR_SERVICE  # a programme stays on its side


def test_mediation_only_on_explicit_request(reference: Reference) -> None:
    assert exclusion(MEDIATION, question(reference, situation="intrafamily-violence")) is Exclusion.MEDIATION_NOT_ASKED
    assert exclusion(MEDIATION, question(reference, need="psychological-support")) is Exclusion.MEDIATION_NOT_ASKED
    assert allowed(MEDIATION, question(reference, need="mediation"))


@pytest.mark.parametrize("role", list(Role))
def test_professional_only_services_are_not_for_the_public(reference: Reference, role: Role) -> None:
    asked = question(reference, role, need="case-conference")
    assert allowed(CASE_CONFERENCE, asked) is (role is not Role.PUBLIC)
    if role is Role.PUBLIC:
        assert exclusion(CASE_CONFERENCE, asked) is Exclusion.PROFESSIONALS_ONLY


def test_the_need_asked_must_be_met(reference: Reference) -> None:
    asked = question(reference, situation="partner-violence", need="shelter")
    assert allowed(SHELTER, asked)
    legal = service(needs=("legal-representation",))
    assert exclusion(legal, asked) is Exclusion.NEED_NOT_MET
    assert allowed(legal, question(reference, situation="partner-violence"))  # no need asked: any need will do


def test_the_audience_asked_must_be_served_when_the_service_names_one(reference: Reference) -> None:
    for_men = question(reference, situation="partner-violence", audience="victim.man")
    assert exclusion(SHELTER, for_men) is Exclusion.AUDIENCE_NOT_SERVED
    assert allowed(service(needs=("psychological-support",)), for_men)  # names no audience: open to all
    assert allowed(service(audiences=("victim",)), for_men)  # the broader audience includes men
    assert allowed(SHELTER, question(reference, situation="partner-violence", audience="victim"))


def test_professional_lines_only_for_professionals() -> None:
    public = Contact(kind=ContactKind.PHONE, value="04 000 00 00")
    professional = Contact(kind=ContactKind.PHONE, value="04 000 00 01", visibility=ContactVisibility.PROFESSIONAL)
    assert visible_contacts((public, professional), Role.PUBLIC) == (public,)
    for role in (Role.PROFESSIONAL, Role.EDITOR, Role.COORDINATOR):
        assert visible_contacts((public, professional), role) == (public, professional)
