"""The safety policy: which services may be proposed for a question, and which contacts shown.

Enforced here, not in the pages: victim- and perpetrator-facing services are never mixed,
mediation only on explicit request (it comes with a warning, see the engine) — and then the
mediation services come although they serve both parties, which is what mediation is; services for
professionals only are not proposed to the public, and a need or an audience asked must be met.
Hidden addresses never leave the store on the referral path (the store filters locations by
the role's clearance); professional phone lines only for professionals (`visible_contacts`).
"""

from __future__ import annotations

from enum import StrEnum

from graph.models import Contact, ContactVisibility, Service
from graph.referral.question import MEDIATION, PERPETRATOR_AUDIENCE, PERPETRATOR_NEED, Question
from graph.roles import Role

VICTIM_AUDIENCES = frozenset({"victim", "victim.woman", "victim.man", "child"})
VICTIM_NEEDS = frozenset({"shelter", "emergency-shelter"})
PROFESSIONAL_AUDIENCE = "professional"


class Exclusion(StrEnum):
    """Why a service is not proposed for a question."""

    VICTIM_SERVICE = "victim_service"
    """A victim-facing service, asked for someone who uses violence."""
    PERPETRATOR_SERVICE = "perpetrator_service"
    """A perpetrator-facing service, asked for anyone else."""
    MEDIATION_NOT_ASKED = "mediation_not_asked"
    NEED_NOT_MET = "need_not_met"
    AUDIENCE_NOT_SERVED = "audience_not_served"
    PROFESSIONALS_ONLY = "professionals_only"


def exclusion(service: Service, question: Question) -> Exclusion | None:
    """The first safety rule the service breaks for this question, or None when it may be proposed."""
    q = question.query
    audiences = set(service.audiences)
    needs = set(service.needs)
    for_perpetrators = PERPETRATOR_AUDIENCE in audiences or PERPETRATOR_NEED in needs
    for_victims = bool(audiences & VICTIM_AUDIENCES) or bool(needs & VICTIM_NEEDS)
    if q.need == MEDIATION and MEDIATION in needs and PERPETRATOR_NEED not in needs and not needs & VICTIM_NEEDS:
        for_perpetrators = for_victims = False  # a mediation service serves both parties: asked for, it may come
    if question.perpetrator_side and for_victims and not for_perpetrators:
        return Exclusion.VICTIM_SERVICE
    if not question.perpetrator_side and for_perpetrators:
        return Exclusion.PERPETRATOR_SERVICE
    if MEDIATION in needs and q.need != MEDIATION:
        return Exclusion.MEDIATION_NOT_ASKED
    if q.need and not needs & question.needs:
        return Exclusion.NEED_NOT_MET
    if q.audience and audiences and not audiences & question.audiences:
        return Exclusion.AUDIENCE_NOT_SERVED
    if audiences == {PROFESSIONAL_AUDIENCE} and question.role is Role.PUBLIC:
        return Exclusion.PROFESSIONALS_ONLY
    return None


def allowed(service: Service, question: Question) -> bool:
    """True when the service may be proposed for this question (it breaks no safety rule)."""
    return exclusion(service, question) is None


def visible_contacts(contacts: tuple[Contact, ...], role: Role) -> tuple[Contact, ...]:
    """Professional lines only for professional callers."""
    if role is Role.PUBLIC:
        return tuple(c for c in contacts if c.visibility is ContactVisibility.PUBLIC)
    return contacts
