"""Checks the API and the pages' forms share, so a coordinator gets the same message either way."""

from __future__ import annotations

from graph.errors import InvalidInput, Problem
from graph.models import Organisation, Service, TermKind, Visibility
from graph.reference import Reference, suggest
from graph.store import GraphStore


def check_organisation(reference: Reference, org: Organisation) -> None:
    known = reference.organisation_types.get(org.type)
    if known is None:
        suggestions = suggest(org.type, reference.organisation_types)
        raise InvalidInput(
            [Problem(f"unknown organisation type «{org.type}»", column="type", suggestions=suggestions)],
            parameter="type",
        )
    if known.sector != org.sector:
        raise InvalidInput(
            f"type «{org.type}» belongs to sector «{known.sector}», not «{org.sector}»", parameter="sector"
        )


def check_service_terms(reference: Reference, service: Service) -> None:
    for field, kind in (("situations", TermKind.SITUATION), ("needs", TermKind.NEED), ("audiences", TermKind.AUDIENCE)):
        for code in getattr(service, field):
            reference.taxonomy.get(code, kind, parameter=field)


def keep_unseen_locations(store: GraphStore, service: Service, clearance: Visibility) -> Service:
    """A writer never sees a shelter's hidden location, so saving what they saw must not unlink it."""
    stored = store.list(Service, ids=[service.id], clearance=Visibility.HIDDEN)
    if not stored:
        return service
    seen = set(store.get(Service, service.id, clearance=clearance).location_ids)
    unseen = [i for i in stored[0].location_ids if i not in seen and i not in service.location_ids]
    return service.model_copy(update={"location_ids": (*service.location_ids, *unseen)}) if unseen else service
