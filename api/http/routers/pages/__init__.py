"""The pages: the referral finder at /, sign-in, the coordinators' dashboard, «Mon organisation», keys.

Server-rendered (Jinja2), with small progressive JavaScript; no CDN, no build step. The pages call
the same use cases as the API, so they give the same answers and the same messages. One module per page.
"""

from fastapi import APIRouter

from api.http.routers.pages import (
    common,
    dashboard,
    events_admin,
    finder,
    keys,
    links,
    loop,
    organisation,
    organisations_public,
    orientations,
    platforms,
    records,
    reports,
    session,
)
from api.http.routers.pages.activity import router as activity_router
from api.http.routers.pages.agenda import router as agenda_router
from api.http.routers.pages.common import page_language

router = APIRouter(include_in_schema=False)
for _page in (
    common,
    finder,
    organisations_public,
    session,
    dashboard,
    links,
    platforms,
    events_admin,
    records,
    organisation,
    orientations,
    keys,
    reports,
    loop,
):
    router.include_router(_page.router)
router.include_router(activity_router)
router.include_router(agenda_router)

__all__ = ["page_language", "router"]
