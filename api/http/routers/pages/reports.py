"""«Signaler une erreur»: reports from the finder's cards, queued for coordinators."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from api.bootstrap import Relais
from api.http.auth import HttpCaller

router = APIRouter(include_in_schema=False)


def open_reports(relais: Relais, who: HttpCaller, organisation_id: str, lang: str) -> dict[str, Any]:
    """What templates/forms/open_reports.html shows on an organisation's page: its open reports."""
    return {"open_reports": []}
