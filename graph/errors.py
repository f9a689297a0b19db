"""One error tree for the whole project.

    RelaisError                 root of every error Relais raises on purpose
    ├── InvalidInput            a bad value from a file, a form or a request; names where and suggests fixes
    ├── NotFound                an id that does not exist (or that the caller may not see)
    ├── Conflict                a write that contradicts what is stored (duplicate id, dangling reference)
    │   └── Stale               a write from a version that is no longer the stored one (If-Match)
    ├── Unauthorized            no API key, or one that is unknown or revoked
    ├── Forbidden               the caller's role may not do this
    ├── TooMany                 more than one caller may do in a while (counting referrals): later
    ├── StoreUnavailable        the database cannot be reached, refused our credentials, is busy or timed out:
    │                           nothing wrong with the request, try again later
    └── StoreError              the database refused what we sent (a query or a value it cannot take): our bug

Classes say what happened, not how to answer it: the API maps each class to an HTTP status and a title in
`api/http/errors.py` (RFC 9457 problem+json, one handler), the CLI to a message and an exit code
(`api/cli.py`). Catch `RelaisError` for everything, a subclass for one case.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from pydantic import ValidationError


@dataclass(frozen=True)
class Problem:
    """One located problem: where (file, sheet, row, column or parameter) and what."""

    message: str
    file: str | None = None
    sheet: str | None = None
    row: int | None = None
    column: str | None = None
    suggestions: tuple[str, ...] = field(default_factory=tuple)
    code: str = ""
    """What is wrong as a code (pydantic's error type or ours, e.g. `person_data`), for a page to say it in
    its own language (`api.forms`); `message` is the English (or French/English) sentence for logs and APIs."""
    context: tuple[tuple[str, object], ...] = ()
    """The code's parameters (`max_length`, `reason`…)."""

    def __str__(self) -> str:
        where = [
            part
            for part in (
                self.file,
                f"sheet {self.sheet}" if self.sheet else None,
                f"row {self.row}" if self.row is not None else None,
                f"column {self.column}" if self.column else None,
            )
            if part
        ]
        hint = f" (did you mean: {', '.join(self.suggestions)}?)" if self.suggestions else ""
        return f"{', '.join(where)}: {self.message}{hint}" if where else f"{self.message}{hint}"


class RelaisError(Exception):
    """Root of every error Relais raises on purpose."""


class NotFound(RelaisError):
    """An id that does not exist, or that the caller may not see (hidden locations look absent)."""


class Conflict(RelaisError):
    """A write that contradicts what is stored: a duplicate id, a reference to a missing record."""


class Stale(Conflict):
    """A write based on a version of the record that is no longer the stored one (someone saved meanwhile).

    Carries the stored record, so a form can show what changed while keeping what the user typed.
    """

    def __init__(self, message: str, current: object = None) -> None:
        super().__init__(message)
        self.current = current


class Unauthorized(RelaisError):
    """No credentials, or credentials that are unknown or revoked."""


class Forbidden(RelaisError):
    """Known credentials whose role may not do this."""


class TooMany(RelaisError):
    """More of something than one caller may do in a while (counting referrals): try again later."""


class StoreUnavailable(RelaisError):
    """The store cannot answer now (unreachable, credentials refused, busy, timed out): try again later."""


class StoreError(RelaisError):
    """The store refused what an adapter sent (a malformed query, a value it cannot hold): a bug of ours.

    The message names the store's error code, never the query text or the values; the store's own exception
    is chained (`__cause__`) for the log.
    """


class InvalidInput(RelaisError):
    """Carries every problem found, so a coordinator fixes a file in one pass."""

    def __init__(self, problems: Sequence[Problem] | str, *, parameter: str | None = None, code: str = "") -> None:
        if isinstance(problems, str):
            problems = [Problem(problems, column=parameter, code=code)]
        self.problems: tuple[Problem, ...] = tuple(problems)
        self.parameter = parameter
        super().__init__("\n".join(str(p) for p in self.problems))

    @classmethod
    def of(cls, exc: ValidationError, default: str | None = None) -> InvalidInput:
        """Every problem of a pydantic validation error, each naming its field (the first one names the error)."""
        problems = [
            Problem(
                e["msg"],
                column=".".join(str(x) for x in e["loc"]) or default,
                code=e["type"],
                context=tuple(sorted((k, v) for k, v in (e.get("ctx") or {}).items() if k != "error")),
            )
            for e in exc.errors(include_url=False)
        ]
        return cls(problems, parameter=problems[0].column if problems else default)
