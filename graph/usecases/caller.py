"""Who asks, and what their role lets them do: the authorisation rules, written once."""

from __future__ import annotations

from dataclasses import dataclass

from graph.errors import Forbidden, InvalidInput
from graph.referral import Role


@dataclass(frozen=True)
class Caller:
    """The person's role and organisation as the key or session says; never a name."""

    role: Role
    key_id: str = "anonymous"
    organisation_id: str | None = None
    route: str = ""
    """Method and path (or CLI command) of the request, for the change log."""
    client: str = ""
    """Who asks, as an opaque salted digest of the client's address (or the key id): only for forgetting
    counters kept in memory a few minutes (a page reloaded counts once); never stored, never logged."""

    def require_writer(self, organisation_id: str) -> None:
        """Coordinators write everything; editors only their own organisation's records."""
        if self.role is Role.COORDINATOR:
            return
        if self.role is Role.EDITOR and self.organisation_id == organisation_id:
            return
        if self.role is Role.EDITOR:
            raise Forbidden(f"this key edits «{self.organisation_id}» only, not «{organisation_id}»")
        raise Forbidden("writing needs an editor or coordinator key")

    def require_professional(self) -> None:
        """Network analyses and maps are for the network's members, not the public."""
        if self.role is Role.PUBLIC:
            raise Forbidden("this needs a professional, editor or coordinator key")

    def require_member_of_an_organisation(self, what: str) -> str:
        """Counting a referral or registering staff is done for an organisation: the key's (its id)."""
        self.require_professional()
        if self.organisation_id is None:
            raise InvalidInput(
                f"{what} is for the organisation of a key; this key has none", parameter="from", code="no_organisation"
            )
        return self.organisation_id

    def require_coordinator(self, what: str = "this") -> None:
        if self.role is not Role.COORDINATOR:
            raise Forbidden(f"{what} needs a coordinator key")

    def may_see_pending(self, ends: tuple[str, str]) -> bool:
        """A link waiting for confirmation is shown to its two ends and to coordinators only."""
        return self.role is Role.COORDINATOR or (self.role is Role.EDITOR and self.organisation_id in ends)


ANONYMOUS = Caller(Role.PUBLIC)
LOADER = Caller(Role.COORDINATOR, key_id="loader", route="relais load")
"""The coordination's bulk import (`relais load`, start-up seeding)."""
