"""The referral question, `ReferralQuery`: validated once, when it is built.

Every check that needs no reference data is a constraint of the model; the checks against the
taxonomy and the geography (does the term exist, which division is this postcode) are in
`graph.referral.resolve`. Whatever builds a query — the API route, the finder page, the CLI,
the care pathways — gets the same `graph.errors.InvalidInput` naming the parameter.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ModelWrapValidatorHandler,
    StringConstraints,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from graph.errors import InvalidInput

LANGUAGES = ("fr", "nl", "de", "en")
"""The languages of the answers."""
MAX_LIMIT = 50

Code = Annotated[str, StringConstraints(strip_whitespace=True)]
"""A taxonomy code, a division id, a commune, a postcode or an organisation id: checked against data later."""


class ReferralQuery(BaseModel):
    """Who to refer to, for this situation or need, here: one question, immutable once valid.

    Build it with `ReferralQuery.of(...)` from raw form or query values (blank means absent), or
    with keywords; either way an invalid value raises `InvalidInput` naming the parameter:

    >>> q = ReferralQuery.of(need="shelter", division="huy", language=" ", limit="3", lang=None)
    >>> q.need, q.division, q.language, q.limit, q.lang
    ('shelter', 'huy', None, 3, 'fr')
    >>> ReferralQuery(need="shelter", lang="es")
    Traceback (most recent call last):
    ...
    graph.errors.InvalidInput: column lang: lang must be one of fr, nl, de, en
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    situation: Code | None = None
    need: Code | None = None
    division: Code | None = None
    commune: Code | None = None
    postcode: Code | None = None
    audience: Code | None = None
    language: str | None = Field(None, description="language the person speaks (ISO 639 code: fr, ar, tr…)")
    urgent: bool = False
    from_org: Code | None = Field(None, description="the asking organisation: paths through its partners")
    limit: int = 10
    lang: str = Field("fr", description="language of the explanations (fr, nl, de, en)")

    @classmethod
    def of(cls, **values: Any) -> ReferralQuery:
        """A query from raw values, where None or a blank string means «not given» (the default)."""
        return cls(**{k: v for k, v in values.items() if v is not None and not (isinstance(v, str) and not v.strip())})

    @field_validator(
        "situation", "need", "division", "commune", "postcode", "audience", "language", "from_org", mode="before"
    )
    @classmethod
    def _blank_is_absent(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("language")
    @classmethod
    def _language_code(cls, value: str | None) -> str | None:
        if value is not None and not (2 <= len(value) <= 3 and value.isalpha()):
            raise PydanticCustomError(
                "language", "«{value}» is not a language code (fr, nl, de, en, ar, tr…)", {"value": value}
            )
        return value

    @field_validator("limit")
    @classmethod
    def _limit(cls, value: int) -> int:
        if not 1 <= value <= MAX_LIMIT:
            raise PydanticCustomError("limit", "limit must be between 1 and {most}", {"most": MAX_LIMIT})
        return value

    @field_validator("lang")
    @classmethod
    def _lang(cls, value: str) -> str:
        if value not in LANGUAGES:
            raise PydanticCustomError("lang", "lang must be one of {choices}", {"choices": ", ".join(LANGUAGES)})
        return value

    @model_validator(mode="wrap")
    @classmethod
    def _as_invalid_input(cls, data: Any, handler: ModelWrapValidatorHandler[ReferralQuery]) -> ReferralQuery:
        """Pydantic's errors become the project's one error, with the parameter they are about."""
        try:
            return handler(data)
        except ValidationError as exc:
            raise InvalidInput.of(exc) from None
