"""The routes' dependencies, defined once: Relais (the composition root), the caller, the answer's language."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Header, Query, Request
from fastapi.responses import Response

from api.bootstrap import Relais
from api.http import errors
from api.http.auth import HttpCaller, caller, who_is
from graph.errors import Forbidden, InvalidInput, RelaisError, Unauthorized
from graph.referral import LANGUAGES, Role


async def get_relais(request: Request) -> Relais:
    return request.app.state.relais  # type: ignore[no-any-return]


RelaisDep = Annotated[Relais, Depends(get_relais)]
CallerDep = Annotated[HttpCaller, Depends(caller)]


MEMBER_WRITES = frozenset({"/v1/orientations"})
"""Writes any member's key may make (counting a referral it made): a professional's too."""
MEMBER_WRITE_ENDS = ("/registrations",)
"""…and registering its organisation for an event (/v1/events/{id}/registrations)."""


def check_write_access(who: HttpCaller, *, members: bool = False) -> None:
    """Writes need an editor or coordinator key (any member's for `members`): 401 without one, 403 with a
    key of another role."""
    if who.role is Role.PUBLIC:
        raise Unauthorized("writing needs an API key: «Authorization: Bearer <key>»")
    if who.role is Role.PROFESSIONAL and not members:
        raise Forbidden("writing needs an editor or coordinator key")


async def writer(request: Request) -> None:
    """Router dependency of every write: resolved before the body is validated."""
    check_write_access(who_is(request))


async def member_writer(request: Request) -> None:
    """The dependency of `MEMBER_WRITES`: any member's key, resolved before the body is validated."""
    check_write_access(who_is(request), members=True)


async def validation_error(request: Request, exc: Exception) -> Response:
    """A write's body is judged only after its key: an anonymous write answers 401 whatever it sent."""
    if request.method not in ("GET", "HEAD") and request.url.path.startswith("/v1/"):
        try:
            path = request.url.path
            check_write_access(who_is(request), members=path in MEMBER_WRITES or path.endswith(MEMBER_WRITE_ENDS))
        except RelaisError as refused:
            return await errors.relais_error(request, refused)
    return await errors.validation_error(request, exc)


def answer_language(lang: str | None, accept_language: str | None) -> str:
    """`lang` wins, then the first supported language of Accept-Language, then French."""
    if lang:
        if lang not in LANGUAGES:
            raise InvalidInput(f"lang must be one of {', '.join(LANGUAGES)}", parameter="lang")
        return lang
    for part in (accept_language or "").split(","):
        code = part.split(";")[0].strip().lower()[:2]
        if code in LANGUAGES:
            return code
    return "fr"


async def language(
    lang: Annotated[str | None, Query(description="language of the answer (fr, nl, de, en)")] = None,
    accept_language: Annotated[str | None, Header()] = None,
) -> str:
    return answer_language(lang, accept_language)


LangDep = Annotated[str, Depends(language)]
