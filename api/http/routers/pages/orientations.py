"""«Orientation faite» from a finder card, and the receiving organisation's outcome counts on «Mon organisation».

Counts only (`graph.usecases.outcomes`): the card's button adds one referral of the caller's organisation to
a service, for the question's situation, this month; the organisation's editors enter what became of the
referrals each service received, per month and reason. Nothing finer than a month is kept — no day, no
person, no text. Both forms post under /coordination/ (the only page paths where the session may write)
with the session's CSRF token; a refusal is a page in the page's language, never JSON.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Annotated, Any
from urllib.parse import parse_qsl, urlencode, urlsplit

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import TypeAdapter, ValidationError
from starlette.concurrency import run_in_threadpool

from api.bootstrap import Relais
from api.forms import field_errors
from api.http.auth import HttpCaller, check_csrf
from api.http.deps import CallerDep, RelaisDep
from api.http.errors import page_answer, status_of
from api.http.routers.pages.common import page_language
from api.http.routers.pages.reports import BACK_FIELDS
from api.i18n import t
from api.reasons import MONTHS
from graph.errors import Conflict, InvalidInput, RelaisError
from graph.models import Count, OutcomeReason, Service
from graph.outcomes import months_back
from graph.referral import Role
from graph.usecases.outcomes import DEFAULT_MONTHS, ServiceOutcomes

router = APIRouter(include_in_schema=False)

MONTH = re.compile(r"\d{4}-(0[1-9]|1[0-2])")
COUNT: TypeAdapter[int] = TypeAdapter(Count)


def month_words(month: str, lang: str) -> str:
    """A month as people say it.

    >>> month_words("2026-11", "fr"), month_words("2026-03", "de")
    ('novembre 2026', 'März 2026')
    """
    year, number = month.split("-")
    return f"{MONTHS.get(lang, MONTHS['fr']).split()[int(number) - 1]} {year}"


def refused(request: Request, exc: RelaisError) -> Response:
    """A refusal as a page in the page's language, whatever the client accepts (a form post is never JSON)."""
    status, _ = status_of(exc)
    return page_answer(request, status, exc.problems if isinstance(exc, InvalidInput) else ())


# --- «Orientation faite» on a finder card -----------------------------------------------------------------


@dataclass(frozen=True)
class Counted:
    """The confirmation next to the card just counted."""

    service: str
    sentence: str


def finder_back(back: str, lang: str) -> str:
    """The finder's results to go back to: the finder's own fields of a local finder address, never
    another site (anything else goes back to the empty finder).

    >>> finder_back("/?situation=stalking&place=Huy&x=1", "nl")
    '/?situation=stalking&place=Huy&lang=nl'
    >>> finder_back("//evil.example/?situation=stalking", "fr"), finder_back("https://evil.example/", "fr")
    ('/?lang=fr', '/?lang=fr')
    """
    parts = urlsplit(back)
    local = not parts.scheme and not parts.netloc and parts.path == "/"
    kept = [(k, v) for k, v in parse_qsl(parts.query) if k in BACK_FIELDS and k != "lang"] if local else []
    return "/?" + urlencode([*kept, ("lang", lang)])


def counted(params: Mapping[str, str], lang: str) -> Counted | None:
    """What the finder says next to a card after «Orientation faite» (its redirect names the service and the
    month, never a sentence); the finder asks the question again without counting it as unmet demand."""
    service, month = params.get("counted", ""), params.get("counted_month", "")
    if not service or not MONTH.fullmatch(month):
        return None
    return Counted(service, t("orient_counted", lang).format(month=month_words(month, lang)))


@router.post("/coordination/orientations", response_model=None)
def orientation_made(
    request: Request,
    relais: RelaisDep,
    who: CallerDep,
    csrf: Annotated[str, Form()] = "",
    service: Annotated[str, Form()] = "",
    situation: Annotated[str, Form()] = "",
    back: Annotated[str, Form()] = "",
) -> Response:
    """One more referral from the caller's organisation to the card's service this month; back to the same
    results, with the confirmation next to that card."""
    try:
        check_csrf(who, csrf, request.app.state.settings)
        tally = relais.outcomes.record_referral(who, service, situation)
    except RelaisError as exc:
        return refused(request, exc)
    said = urlencode({"counted": tally.service_id, "counted_month": tally.month})
    to = f"{finder_back(back, page_language(request))}&{said}#counted-{tally.service_id}"
    return RedirectResponse(to, status_code=303)


# --- the receiving organisation's outcome counts ----------------------------------------------------------


@dataclass(frozen=True)
class Typed:
    """An outcome form as it was sent: its service and month, the counts as typed, and (after a refusal) the
    errors by reason (under "" for the form) and the version to send again."""

    service: str
    month: str
    values: dict[str, str]
    errors: dict[str, str] = field(default_factory=dict)
    version: str | None = None


@dataclass(frozen=True)
class OutcomeForm:
    """One service's form in the section: what is stored (or what was typed), and what to say about it."""

    service: Service
    referred: str
    values: dict[str, str]
    errors: dict[str, str]
    version: str
    notice: str = ""


@dataclass(frozen=True)
class OutcomeSection:
    month: str
    month_words: str
    months: list[tuple[str, str]]
    reasons: list[tuple[str, str]]
    forms: list[OutcomeForm]


def offered_months(relais: Relais, today: date | None = None) -> list[str]:
    """This month and the ones before it that the chooser offers, newest first (never a dropped one)."""
    kept = relais.outcomes.keep_months
    return list(reversed(months_back(today or date.today(), min(DEFAULT_MONTHS, kept or DEFAULT_MONTHS))))


def referred_sentence(n: int, lang: str) -> str:
    if n == 0:
        return t("orient_referred_none", lang)
    return t("orient_referred_one", lang) if n == 1 else t("orient_referred", lang).format(n=n)


def outcome_section(
    request: Request, relais: Relais, who: HttpCaller, services: Sequence[Service], typed: Typed | None = None
) -> dict[str, Any]:
    """What templates/outcomes/section.html shows on «Mon organisation»: the chosen month and, for each
    service, the referrals recorded towards it and its outcome counts — exact: they are its own figures."""
    lang = page_language(request)
    months = offered_months(relais)
    month = typed.month if typed else request.query_params.get("month", "")
    if month not in months:
        month = typed.month if typed else months[0]
        months += [month] if typed else []
    saved = request.query_params.get("outcomes_saved")
    forms = []
    for service in services:
        current = relais.outcomes.outcomes(who, service.id, month)
        mine = typed if typed and typed.service == service.id else None
        notice = t("orient_saved", lang).format(month=month_words(month, lang), name=service.name)
        forms.append(_form(current, mine, notice if saved == service.id else "", lang))
    section = OutcomeSection(
        month=month,
        month_words=month_words(month, lang),
        months=[(m, month_words(m, lang)) for m in months],
        reasons=[(r.value, t(f"outcome_reason_{r.value}", lang)) for r in OutcomeReason],
        forms=forms,
    )
    return {"outcomes": section}


def _form(current: ServiceOutcomes, typed: Typed | None, notice: str, lang: str) -> OutcomeForm:
    stored = {r.value: str(current.counts[r]) if current.counts.get(r) else "" for r in OutcomeReason}
    return OutcomeForm(
        service=current.service,
        referred=referred_sentence(current.referred, lang),
        values=typed.values if typed else stored,
        errors=typed.errors if typed else {},
        version=(typed.version or current.version) if typed else current.version,
        notice=notice,
    )


def read_counts(values: Mapping[str, str], lang: str) -> tuple[dict[OutcomeReason, int], dict[str, str]]:
    """The counts typed (an empty field is 0), and the error next to each field that is not a count."""
    counts: dict[OutcomeReason, int] = {}
    errors: dict[str, str] = {}
    for reason in OutcomeReason:
        try:
            counts[reason] = COUNT.validate_python(values.get(reason.value) or "0")
        except ValidationError as exc:
            errors[reason.value] = next(iter(field_errors(exc, lang).values()))
    return counts, errors


def stored_words(current: ServiceOutcomes, lang: str) -> str:
    """The counts saved meanwhile, in words («Pas de place 4, Accepté·e 2»)."""
    said = [f"{t(f'outcome_reason_{r.value}', lang)} {n}" for r, n in current.counts.items() if n]
    return ", ".join(said) or t("orient_stale_empty", lang)


@router.post("/coordination/outcomes", response_model=None)
async def save_outcomes(request: Request, relais: RelaisDep, who: CallerDep) -> Response:
    """A service's month as a whole; a refused form comes back with what was typed and the error by its field."""
    form = await request.form()
    sent = {name: str(form.get(name, "")).strip() for name in ("csrf", "service", "month", "version")}
    values = {r.value: str(form.get(f"count-{r.value}", "")).strip() for r in OutcomeReason}
    typed = Typed(sent["service"], sent["month"], values, version=sent["version"])
    try:
        check_csrf(who, sent["csrf"], request.app.state.settings)
        return await run_in_threadpool(_save, request, relais, who, typed)
    except RelaisError as exc:
        return refused(request, exc)


def _save(request: Request, relais: Relais, who: HttpCaller, typed: Typed) -> Response:
    lang = page_language(request)
    current = relais.outcomes.outcomes(who, typed.service, typed.month)  # the caller's right, the month's
    counts, errors = read_counts(typed.values, lang)
    if errors:
        return _again(request, relais, who, current, replace(typed, errors=errors), 422)
    try:
        relais.outcomes.set_outcomes(who, current.service.id, current.month, counts, typed.version or "")
    except Conflict:  # saved meanwhile (Stale), or between reading and writing
        now = relais.outcomes.outcomes(who, current.service.id, current.month)
        said = t("orient_stale", lang).format(stored=stored_words(now, lang))
        return _again(request, relais, who, now, replace(typed, errors={"": said}, version=now.version), 412)
    query = {"lang": lang, "month": current.month, "outcomes_saved": current.service.id}
    if who.role is Role.COORDINATOR:
        query["organisation"] = current.service.organisation_id
    return RedirectResponse(f"/organisation?{urlencode(query)}#outcomes-{current.service.id}", status_code=303)


def _again(
    request: Request, relais: Relais, who: HttpCaller, current: ServiceOutcomes, typed: Typed, status: int
) -> Response:
    """The organisation's page again, this form with what was typed and why it was not saved."""
    from api.http.routers.pages.organisation import organisation_page  # it imports this module

    return organisation_page(request, relais, who, current.service.organisation_id, status, outcomes_typed=typed)
