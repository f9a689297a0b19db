"""One error tree for the whole project.

    RelaisError
    ├── NotFound            an id that does not exist (or that the caller may not see)
    ├── Conflict            a write that contradicts what is stored (duplicate id, dangling reference)
    ├── InvalidInput        a bad value from a file, a form or a request; names where and suggests fixes
    ├── Forbidden           the caller's role may not do this
    └── StoreUnavailable    the database cannot be reached or timed out

The API maps it to RFC 9457 problem+json in one handler; the CLI prints the message and exits non-zero.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Problem:
    """One located problem: where (file, sheet, row, column or parameter) and what."""

    message: str
    file: str | None = None
    sheet: str | None = None
    row: int | None = None
    column: str | None = None
    suggestions: tuple[str, ...] = field(default_factory=tuple)

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

    status = 500
    title = "Relais error"


class NotFound(RelaisError):
    status = 404
    title = "Not found"


class Conflict(RelaisError):
    status = 409
    title = "Conflict"


class Forbidden(RelaisError):
    status = 403
    title = "Forbidden"


class StoreUnavailable(RelaisError):
    status = 503
    title = "Store unavailable"


class InvalidInput(RelaisError):
    """Carries every problem found, so a coordinator fixes a file in one pass."""

    status = 422
    title = "Invalid input"

    def __init__(self, problems: Sequence[Problem] | str, *, parameter: str | None = None) -> None:
        if isinstance(problems, str):
            problems = [Problem(problems, column=parameter)]
        self.problems: tuple[Problem, ...] = tuple(problems)
        self.parameter = parameter
        super().__init__("\n".join(str(p) for p in self.problems))
