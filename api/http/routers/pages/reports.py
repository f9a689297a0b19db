"""«Signaler une erreur»: reports from the finder's cards, queued for coordinators.

Anyone may report (the public finder too), so the form carries no session token: the origin check and
the CSP's `form-action 'self'` keep other sites from posting it, and a token bucket per client address
(kept in memory, never stored with the report) keeps one device from filling the queue. The report names
the record, never who sent it. Coordinators handle the queue here (`/coordination/reports`), on the
dashboard (`pages.upkeep`) and on the organisation's page (`open_reports`).
"""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import parse_qsl, urlencode

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from api.bootstrap import Relais
from api.forms import field_errors
from api.http.auth import PUBLIC, SESSION_COOKIE, HttpCaller, check_csrf, identify
from api.http.deps import CallerDep, RelaisDep
from api.http.guards import Buckets
from api.http.routers.pages import upkeep
from api.http.routers.pages.common import page_language, render, same_origin
from api.i18n import t
from graph.errors import Conflict, InvalidInput, NotFound
from graph.referral import Role

router = APIRouter(include_in_schema=False)
router.include_router(upkeep.router)  # the dashboard's upkeep forms ride with the pages' list of routers

REPORTS_PER_HOUR = 10
"""Reports one client address may send in an hour (bursts included): enough for a professional going
through a list of cards, too few to flood the coordinators' queue."""
BACK_FIELDS = ("situation", "need", "place", "language", "audience", "urgent", "from_org", "lang")
"""What a report's «back to the results» link may carry: the finder's own fields, nothing else."""
DONE = {"accepted": "upkeep_accepted_msg", "dismissed": "upkeep_dismissed_msg", "handled": "upkeep_handled_already"}
"""Messages after handling a report, by the code the redirect carries (never text from the URL)."""


def reason_label(code: str, lang: str) -> str:
    return t(f"upkeep_reason_{code}", lang)


def _bucket(request: Request) -> Buckets:
    """One bucket per app (so that each test's app starts afresh), made at the first report."""
    state = request.app.state
    if not hasattr(state, "report_buckets"):
        state.report_buckets = Buckets(REPORTS_PER_HOUR, per_s=3600)
    bucket: Buckets = state.report_buckets
    return bucket


def _back(query: str) -> str:
    """The finder's query string to go back to, keeping only its own fields."""
    return urlencode([(k, v) for k, v in parse_qsl(query) if k in BACK_FIELDS])


def _record(relais: Relais, service_id: str, organisation_id: str) -> tuple[str, str]:
    """(service name, organisation name) of what is reported; `NotFound` when it is gone."""
    if service_id:
        service = relais.directory.service(PUBLIC, service_id)
        return service.name, relais.directory.organisation(service.organisation_id).name
    return "", relais.directory.organisation(organisation_id).name


def _organisation_of(relais: Relais, typed: dict[str, str]) -> str:
    if typed["service"]:
        return relais.directory.service(PUBLIC, typed["service"]).organisation_id
    return typed["organisation"]


def _form(
    request: Request, relais: Relais, who: HttpCaller, typed: dict[str, str], status: int, **context: Any
) -> Response:
    """The report form on a page of its own: after a refusal (typed text kept, errors by field) or from a link."""
    lang = page_language(request)
    try:
        names = _record(relais, typed["service"], typed["organisation"])
    except NotFound:
        return render(request, "reports/sent.html", who, status=404, gone=True, back=_back(typed["back"]))
    return render(
        request,
        "reports/form.html",
        who,
        status=status,
        typed=typed,
        names=names,
        reasons=relais.upkeep.reasons(_organisation_of(relais, typed)),
        reason=lambda code: reason_label(code, lang),
        back=_back(typed["back"]),
        errors=context.pop("errors", {}),
        **context,
    )


@router.get("/report", response_class=HTMLResponse, response_model=None)
def report_form(
    request: Request, relais: RelaisDep, who: CallerDep, service: str = "", organisation: str = "", back: str = ""
) -> Response:
    typed = {"service": service, "organisation": organisation, "reason": "", "text": "", "back": back}
    return _form(request, relais, who, typed, 200)


@router.post("/report", response_model=None)
def send_report(
    request: Request,
    relais: RelaisDep,
    who: CallerDep,
    service: Annotated[str, Form()] = "",
    organisation: Annotated[str, Form()] = "",
    reason: Annotated[str, Form()] = "",
    text: Annotated[str, Form()] = "",
    back: Annotated[str, Form()] = "",
) -> Response:
    """Checked, rate-limited, queued; refused forms come back with what was typed and why. The cookie never
    authorises a write here (`who` is public), but the page still shows who is signed in."""
    lang = page_language(request)
    who = identify(None, request.app.state.settings, request.cookies.get(SESSION_COOKIE))
    typed = {"service": service, "organisation": organisation, "reason": reason, "text": text, "back": back}
    try:
        same_origin(request)
    except InvalidInput:
        return _form(request, relais, who, typed, 403, notice=t("upkeep_report_foreign", lang))
    client = request.client.host if request.client else "?"
    if not _bucket(request).allow(client):
        return _form(request, relais, who, typed, 429, notice=t("upkeep_report_too_many", lang))
    try:
        relais.upkeep.report(reason, text, service_id=service or None, organisation_id=organisation or None)
    except NotFound:
        return render(request, "reports/sent.html", who, status=404, gone=True, back=_back(back))
    except InvalidInput as exc:
        errors = field_errors(exc, lang)
        return _form(request, relais, who, typed, 422, errors=errors)
    return RedirectResponse(f"/report/sent?{urlencode({'lang': lang, 'back': _back(back)})}", status_code=303)


@router.get("/report/sent", response_class=HTMLResponse)
def report_sent(request: Request, who: CallerDep, back: str = "") -> HTMLResponse:
    return render(request, "reports/sent.html", who, gone=False, back=_back(back))


# --- the coordinators' side ------------------------------------------------------------------------------


def open_reports(relais: Relais, who: HttpCaller, organisation_id: str, lang: str) -> dict[str, Any]:
    """What templates/forms/open_reports.html shows on an organisation's page: its open reports (coordinators)."""
    if who.role is not Role.COORDINATOR:
        return {"open_reports": []}
    return {
        "open_reports": relais.upkeep.open_reports(who, organisation_id),
        "reason": lambda code: reason_label(code, lang),
    }


@router.get("/coordination/reports", response_class=HTMLResponse, response_model=None)
def queue(request: Request, relais: RelaisDep, who: CallerDep, done: str = "") -> Response:
    """Every open report, when the dashboard's first ones are not all."""
    lang = page_language(request)
    if who.role is not Role.COORDINATOR:
        return RedirectResponse(f"/login?lang={lang}", status_code=303)
    return render(
        request,
        "reports/queue.html",
        who,
        reports=relais.upkeep.open_reports(who),
        reason=lambda code: reason_label(code, lang),
        back="queue",
        message=t(DONE[done], lang) if done in DONE else "",
    )


@router.post("/coordination/reports/{report_id}/{verdict}", response_model=None)
def handle(
    report_id: str,
    verdict: str,
    request: Request,
    relais: RelaisDep,
    who: CallerDep,
    csrf: Annotated[str, Form()] = "",
    back: Annotated[str, Form()] = "",
) -> Response:
    """«Corrigé» (accept) or «Rejeter» (dismiss); back where the coordinator clicked, saying what happened."""
    check_csrf(who, csrf, request.app.state.settings)
    if verdict not in ("accept", "dismiss"):
        raise NotFound(f"no verdict «{verdict}»")
    try:
        handled = (relais.upkeep.accept if verdict == "accept" else relais.upkeep.dismiss)(who, report_id)
        done = handled.status.value
    except Conflict:
        done, handled = "handled", relais.store.report(report_id)
    return _after(handled.organisation_id, back, done, page_language(request))


def _after(organisation_id: str, back: str, done: str, lang: str) -> RedirectResponse:
    if back == "organisation":
        return RedirectResponse(
            f"/organisation?{urlencode({'organisation': organisation_id, 'lang': lang})}#reports", 303
        )
    if back == "queue":
        return RedirectResponse(f"/coordination/reports?{urlencode({'lang': lang, 'done': done})}", 303)
    query = urlencode({"lang": lang, "message": t(DONE[done], lang)})
    return RedirectResponse(f"/coordination?{query}#reports", 303)
