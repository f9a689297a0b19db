"""What the engine answers: results with reason codes and their values, never sentences.

The presentation layer (`api.reasons`) turns each code into a sentence in the caller's language;
the values stay raw (taxonomy codes, division ids, language codes, dates, numbers) so a machine
reading the API gets them as they are.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import NamedTuple

from graph.models import Contact, Organisation, ServiceCandidate
from graph.referral.fallbacks import Fallback
from graph.referral.query import ReferralQuery

_NOTHING: Mapping[str, object] = MappingProxyType({})


class Reason(NamedTuple):
    """Why a candidate gets some of its points: a code of graph/data/scoring.csv, its values, the points.

    A named tuple: every candidate of a ranked list gets five or six, made twice as fast as a frozen dataclass.

    >>> Reason("speaks", {"language": "ar"}, 1.5)
    Reason(code='speaks', values={'language': 'ar'}, points=1.5)
    """

    code: str
    values: Mapping[str, object] = _NOTHING
    points: float = 0.0


@dataclass(frozen=True)
class Notice:
    """Something the answer as a whole must say: «none_here», «none_at_all», «mediation_warning»,
    «language_not_here», «language_helpline»…"""

    code: str
    values: Mapping[str, object] = field(default_factory=lambda: _NOTHING)


@dataclass(frozen=True)
class Result:
    """One service to refer to, with the score, the reasons that make it, and how to get there."""

    organisation: Organisation
    candidate: ServiceCandidate
    score: float
    """The sum of the points of `reasons`, rounded to 2 decimals."""
    reasons: tuple[Reason, ...]
    contacts: tuple[Contact, ...]
    """The contacts the caller's role may see."""
    divisions: tuple[str, ...]
    path: tuple[str, ...]
    """Organisation ids from the asking organisation to this one through cooperation links (≤ 3 hops)."""
    alternative: bool
    """True when it answers from outside the division or with a broader term."""


@dataclass(frozen=True)
class LanguageHelp:
    """What the answer offers for the person's language (asked with `language`)."""

    language: str
    spoken_here: bool
    """A service of the division (or anywhere, without a place) that answers the term asked speaks it."""
    helplines: tuple[Fallback, ...]
    """The helplines in that language (108 for German, 1712 for Dutch, 0800 30 030 for French)."""
    interpreting: tuple[Result, ...] = ()
    """When nobody there speaks it: the best services of the place that interpret."""


@dataclass(frozen=True)
class Answer:
    """The engine's whole answer: never a silent empty list (notices say why, fallbacks always come)."""

    query: ReferralQuery
    division: str | None
    terms: tuple[str, ...]
    results: tuple[Result, ...]
    notices: tuple[Notice, ...] = ()
    warnings: tuple[Notice, ...] = ()
    fallbacks: tuple[Fallback, ...] = ()
    names: dict[str, str] = field(default_factory=dict)
    """Organisation names for the ids on referral paths."""
    language: LanguageHelp | None = None
    """Asked with a language: whether it is spoken here, its helplines, interpreting when it is not."""
