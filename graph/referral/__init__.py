"""The referral engine: who to refer to, for this situation or need, here.

query.py      ReferralQuery — the question, a pydantic model validated once (InvalidInput names the parameter)
resolve.py    the checks that need reference data: terms, division / commune / postcode
question.py   Question — the query with what follows from it (terms around, partner tree), computed once
policy.py     the safety policy: `allowed(service, question)`, `exclusion(...)`, `visible_contacts`
scoring.py    Scorer — reasons and points, the weights from graph/data/scoring.csv
cache.py      RankingCache — ranked lists per directory version
engine.py     ReferralEngine — `refer(query, role) -> Answer`
answer.py     Answer, Result, Reason, Notice, LanguageHelp — codes and raw values (api.reasons says them)
fallbacks.py  the helplines and emergency numbers (graph/data/fallbacks.csv)
specialisation.py  which organisation types are specialised in which situations, which are emergency services
"""

from graph.referral.answer import Answer, LanguageHelp, Notice, Reason, Result
from graph.referral.cache import RankingCache, RankingKey
from graph.referral.engine import ReferralEngine
from graph.referral.fallbacks import Fallback, fallbacks
from graph.referral.policy import Exclusion, allowed, exclusion, visible_contacts
from graph.referral.query import LANGUAGES, ReferralQuery
from graph.referral.question import Question
from graph.referral.scoring import CAPACITY_FRESH_DAYS, Scorer, capacity_fresh, weights
from graph.roles import Role

__all__ = [
    "CAPACITY_FRESH_DAYS",
    "LANGUAGES",
    "Answer",
    "Exclusion",
    "Fallback",
    "LanguageHelp",
    "Notice",
    "Question",
    "RankingCache",
    "RankingKey",
    "Reason",
    "ReferralEngine",
    "ReferralQuery",
    "Result",
    "Role",
    "Scorer",
    "allowed",
    "capacity_fresh",
    "exclusion",
    "fallbacks",
    "visible_contacts",
    "weights",
]
