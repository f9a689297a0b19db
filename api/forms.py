"""Form errors in plain words: each problem said next to its field, in the page's language.

The use cases and the models name what is wrong with a code (`graph.errors.Problem.code`: pydantic's error
type such as `string_too_long`, or ours such as `person_data`, `in_future`, `no_terms`); this module is the
only place that turns a code into a sentence for a person (texts in `api/texts/errors.toml`). A pattern,
a Python type or an English sentence never reaches a form.
"""

from __future__ import annotations

from collections.abc import Mapping

from pydantic import ValidationError

from api.i18n import UI, t
from graph import privacy
from graph.errors import InvalidInput, Problem

ALIASES = {
    "date_from_datetime_parsing": "date_parsing",
    "date_from_datetime_inexact": "date_parsing",
    "date_type": "date_parsing",
    "time_type": "time_parsing",
    "int_type": "int_parsing",
    "int_from_float": "int_parsing",
    "float_type": "float_parsing",
    "literal_error": "enum",
    "string_type": "string_too_short",
    "too_long": "list_too_long",
    "too_short": "list_too_short",
}
"""pydantic codes that read the same to a person."""

PATTERNS = {"website": "not_web_address", "value": "not_web_address", "commune": "commune_code", "id": "slug"}
"""What a refused pattern means, by the field's last name (a pattern itself is never shown)."""


def say(problem: Problem, lang: str) -> str:
    """The sentence a person reads for one problem.

    >>> say(Problem("String should have at most 300 characters", column="name", code="string_too_long",
    ...             context=(("max_length", 300),)), "nl")
    'Te lang: hoogstens 300 tekens.'
    >>> say(Problem("…", column="website", code="string_pattern_mismatch"), "fr")
    'Une adresse web complète, par exemple https://www.exemple.be.'
    """
    code = ALIASES.get(problem.code, problem.code)
    context = dict(problem.context)
    if code == "person_data":
        return privacy.explain(str(context.get("reason", "")), lang)
    if code == "string_pattern_mismatch":
        code = PATTERNS.get((problem.column or "").rsplit(".", 1)[-1], "pattern")
    if code == "value_error" and "character U+" in problem.message:
        code = "bad_character"
    key = f"err_{code}"
    if key not in UI:
        return t("err_other", lang)
    return t(key, lang).format(**{k: v for k, v in context.items() if isinstance(v, str | int | float)})


def field_errors(
    exc: InvalidInput | ValidationError, lang: str, fields: Mapping[str, str] | None = None
) -> dict[str, str]:
    """{form field: sentence} for every field with a problem (its first problem), in the page's language.

    `fields` renames a record's field path to the form's field where they differ (`capacity.available` →
    `available`); a problem without a field goes under "".
    """
    problems = InvalidInput.of(exc).problems if isinstance(exc, ValidationError) else exc.problems
    found: dict[str, str] = {}
    for problem in problems:
        field = problem.column or ""
        field = (fields or {}).get(field, field)
        found.setdefault(field, say(problem, lang))
    return found
