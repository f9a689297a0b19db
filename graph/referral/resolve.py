"""The checks of a query that need reference data: its terms exist and are of the right kind, its place is known."""

from __future__ import annotations

from graph.errors import InvalidInput
from graph.models import TermKind
from graph.reference import Reference
from graph.referral.query import ReferralQuery


def resolve(q: ReferralQuery, reference: Reference) -> str | None:
    """Check the query against the taxonomy and the geography; the division it is about (None: anywhere).

    Raises `InvalidInput` naming the parameter (with suggestions for a mistyped term or commune).
    A query without a term is well formed (an empty search form) but cannot be answered.
    """
    tax = reference.taxonomy
    if not q.situation and not q.need:
        raise InvalidInput("give a situation or a need (taxonomy code)", parameter="situation")
    if q.situation:
        tax.get(q.situation, TermKind.SITUATION, parameter="situation")
    if q.need:
        tax.get(q.need, TermKind.NEED, parameter="need")
    if q.audience:
        tax.get(q.audience, TermKind.AUDIENCE, parameter="audience")
    return division_of(q, reference)


def division_of(q: ReferralQuery, reference: Reference) -> str | None:
    """The division a query is about: given, or the one of its commune or postcode."""
    geo = reference.geography
    if q.division:
        return geo.division(q.division).id
    if q.commune:
        return geo.division_of(geo.commune(q.commune)).id
    if q.postcode:
        divisions = {geo.division_of(c, "postcode").id for c in geo.communes_for_postcode(q.postcode)}
        if len(divisions) > 1:
            raise InvalidInput(
                f"postcode {q.postcode} spans divisions {sorted(divisions)}: give the commune", parameter="postcode"
            )
        return divisions.pop()
    return None
