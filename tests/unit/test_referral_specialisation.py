"""Specialised before generalist, emergency services first when they should be: the type table and its use."""

from __future__ import annotations

from datetime import date

import pytest

from graph.models import Organisation, Service, ServiceCandidate, TermKind
from graph.reference import Reference
from graph.referral import Question, ReferralQuery, Role, Scorer, weights
from graph.referral.specialisation import TypeRole, type_roles

TODAY = date(2026, 11, 26)


def candidate(kind: str, situations: tuple[str, ...], needs: tuple[str, ...] = ()) -> ServiceCandidate:
    return ServiceCandidate(
        organisation=Organisation(id="org", name="Org", type=kind, sector="social", source="test"),
        service=Service(
            id="svc", organisation_id="org", name="Service", situations=situations, needs=needs, source="test"
        ),
        locations=(),
        located_in=("huy",),
    )


def codes(reference: Reference, c: ServiceCandidate, **asked: object) -> set[str]:
    q = Question.of(
        ReferralQuery(division="huy", **asked), Role.PUBLIC, reference.taxonomy, division="huy", today=TODAY
    )
    return {r.code for r in Scorer(reference.geography).static(c, q)}


def test_every_organisation_type_has_a_row_with_its_reason(reference: Reference) -> None:
    roles = type_roles()
    assert set(roles) == set(reference.organisation_types)
    situations = {t.id for t in reference.taxonomy.of_kind(TermKind.SITUATION)}
    cases = set(weights().cases("emergency_service"))
    for role in roles.values():
        assert role.why.endswith(".") and role.source, role.type
        assert role.specialised_in <= situations, role.type
        assert role.leads_when <= cases, role.type
    assert roles["police-zone"].leads_when == {"urgent", "need:complaint"}
    assert roles["hospital"].leads_when == {"urgent", "need:medical-care"}


def test_a_case_without_a_weight_is_refused_at_once(reference: Reference) -> None:
    stray = {"police-zone": TypeRole("police-zone", frozenset(), frozenset({"need:housing"}), "why.", "test")}
    with pytest.raises(ValueError, match="need:housing"):
        Scorer(reference.geography, roles=stray)


def test_a_specialist_of_the_situation_or_a_broader_one(reference: Reference) -> None:
    shelter = candidate("shelter", ("partner-violence.physical",), ("shelter",))
    assert "specialised" in codes(reference, shelter, situation="partner-violence")
    assert "specialised" in codes(reference, shelter, situation="partner-violence.physical")
    assert "specialised" in codes(reference, shelter, need="shelter", situation="partner-violence")
    assert "specialised" not in codes(reference, shelter, need="shelter")  # no situation asked
    listing_only_the_parent = candidate("shelter", ("partner-violence",), ("shelter",))
    assert "specialised" not in codes(reference, listing_only_the_parent, situation="partner-violence.physical")
    assert "specialised" not in codes(
        reference, candidate("general-practice", ("partner-violence",)), situation="partner-violence"
    )
    assert "specialised" not in codes(
        reference, candidate("sexual-violence-centre", ("partner-violence.sexual",)), situation="partner-violence"
    )


def test_emergency_services_lead_when_urgent_and_for_their_needs(reference: Reference) -> None:
    police = candidate("police-zone", ("partner-violence",), ("complaint",))
    hospital = candidate("hospital", ("partner-violence",), ("medical-care", "forensic-exam"))
    shelter = candidate("shelter", ("partner-violence",), ("shelter",))
    assert "emergency_service" in codes(reference, police, situation="partner-violence", urgent=True)
    assert "emergency_service" in codes(reference, police, need="complaint")
    assert "emergency_service" not in codes(reference, police, situation="partner-violence")
    assert "emergency_service" in codes(reference, hospital, need="forensic-exam")  # a narrower need of medical care
    police_with_a_doctor = candidate("police-zone", ("partner-violence",), ("complaint", "medical-care"))
    assert "emergency_service" not in codes(reference, police_with_a_doctor, need="medical-care")  # hospitals' case
    urgent = codes(reference, shelter, situation="partner-violence", urgent=True)
    assert not urgent & {"specialised", "emergency_service"}  # in danger, no specialist bonus above the police
