"""The referral engine: who to refer to, for this situation or need, here."""

from graph.referral.engine import (
    LANGUAGES,
    Answer,
    Fallback,
    ReferralEngine,
    ReferralQuery,
    Result,
    Role,
    fallbacks,
    visible_contacts,
)

__all__ = [
    "LANGUAGES",
    "Answer",
    "Fallback",
    "ReferralEngine",
    "ReferralQuery",
    "Result",
    "Role",
    "fallbacks",
    "visible_contacts",
]
