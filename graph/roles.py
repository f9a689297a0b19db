"""Who is asking: the caller's role, and what it may see."""

from __future__ import annotations

from enum import StrEnum

from graph.models import Visibility


class Role(StrEnum):
    """The role of a caller (an API key's, or the public's when there is none)."""

    PUBLIC = "public"
    PROFESSIONAL = "professional"
    EDITOR = "editor"
    COORDINATOR = "coordinator"

    @property
    def clearance(self) -> Visibility:
        """Hidden addresses are for nobody through the referral path; network ones for professionals."""
        return Visibility.PUBLIC if self is Role.PUBLIC else Visibility.NETWORK
