"""api/forms.py: every problem a record form can meet is said in words, in each language, next to its field;
never a pattern, a Python type or pydantic's English."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from pydantic import ValidationError

from api.forms import field_errors, say
from api.i18n import UI
from graph.errors import InvalidInput, Problem
from graph.models import Closure, Contact, Location, OpeningHours, Organisation, Service

ORG = {"id": "o", "name": "Centre", "type": "helpline", "sector": "associative", "source": "Plateforme"}
SERVICE = {"id": "s", "organisation_id": "o", "name": "Accueil", "source": "Plateforme", "situations": ["x"]}
LOCATION = {"id": "l", "organisation_id": "o", "commune": "61003", "visibility": "public", "source": "Plateforme"}
FUTURE = (date.today() + timedelta(days=3)).isoformat()

CASES: list[tuple[type[Any], dict[str, Any], str, str]] = [
    (Organisation, ORG | {"website": "pas une url"}, "website", "err_not_web_address"),
    (Organisation, ORG | {"name": "x" * 301}, "name", "err_string_too_long"),
    (Organisation, ORG | {"name": ""}, "name", "err_string_too_short"),
    (Organisation, ORG | {"verified_at": FUTURE}, "verified_at", "err_in_future"),
    (Organisation, ORG | {"verified_at": "demain"}, "verified_at", "err_date_parsing"),
    (Organisation, ORG | {"status": "fermée"}, "status", "err_enum"),
    (Service, SERVICE | {"access": "libre"}, "access", "err_enum"),
    (
        Service,
        SERVICE | {"schedule": [{"days": ["MO"], "opens": "17:00", "closes": "09:00"}]},
        "schedule.0",
        "err_closes_before_opens",
    ),
    (
        Service,
        SERVICE | {"schedule": [{"days": ["MO"], "opens": "neuf heures", "closes": "12:00"}]},
        "schedule.0.opens",
        "err_time_parsing",
    ),
    (
        Service,
        SERVICE | {"schedule": [{"days": [], "opens": "09:00", "closes": "12:00"}]},
        "schedule.0.days",
        "err_list_too_short",
    ),
    (
        Service,
        SERVICE | {"closures": [{"start": "2026-08-15", "end": "2026-07-01"}]},
        "closures.0",
        "err_closure_before_start",
    ),
    (
        Service,
        SERVICE | {"contacts": [{"kind": "email", "value": "pas un courriel"}]},
        "contacts.0.value",
        "err_not_email",
    ),
    (
        Service,
        SERVICE | {"contacts": [{"kind": "website", "value": "javascript:alert(1)"}]},
        "contacts.0.value",
        "err_unsafe_address",
    ),
    (Service, SERVICE | {"description": "Né le 12/03/1980"}, "description", ""),
    (Location, LOCATION | {"latitude": "nord"}, "latitude", "err_float_parsing"),
    (Location, LOCATION | {"latitude": "200"}, "latitude", "err_less_than_equal"),
    (Location, LOCATION | {"commune": ""}, "commune", "err_commune_code"),
]


@pytest.mark.parametrize(
    ("kind", "data", "field", "key"), CASES, ids=[f"{c[0].__name__}-{c[3] or c[2]}" for c in CASES]
)
@pytest.mark.parametrize("lang", ["fr", "nl", "de", "en"])
def test_each_problem_is_said_in_words_next_to_its_field(
    kind: type[Any], data: dict[str, Any], field: str, key: str, lang: str
) -> None:
    with pytest.raises(ValidationError) as refused:
        kind.model_validate(data)
    errors = field_errors(refused.value, lang)
    assert field in errors, errors
    sentence = errors[field]
    if key:
        assert sentence.startswith(UI[key][lang].split("{")[0]), sentence
    assert sentence != UI["err_other"][lang]
    for leak in ("pattern", "String should", "Input should", "^", "Value error", "{"):
        assert leak not in sentence


def test_a_code_of_our_own_goes_under_its_parameter() -> None:
    refused = InvalidInput("no situation nor need", parameter="situations", code="no_terms")
    assert field_errors(refused, "nl") == {"situations": UI["err_no_terms"]["nl"]}


def test_fields_are_renamed_and_the_first_problem_of_a_field_is_kept() -> None:
    problems = [
        Problem("…", column="capacity.available", code="int_parsing"),
        Problem("…", column="capacity.available", code="greater_than_equal", context=(("ge", 0),)),
        Problem("…", column=None, code="whatever"),
    ]
    errors = field_errors(InvalidInput(problems), "fr", {"capacity.available": "available"})
    assert errors == {"available": UI["err_int_parsing"]["fr"], "": UI["err_other"]["fr"]}


def test_an_unknown_code_reads_as_a_general_sentence_never_as_english() -> None:
    assert say(Problem("Something odd happened", column="x", code="odd_code"), "de") == UI["err_other"]["de"]


def test_models_of_a_slot_a_closure_and_a_contact_refuse_alone_too() -> None:
    for kind, data in (
        (OpeningHours, {"days": ["MO"], "opens": "10:00", "closes": "10:00"}),
        (Closure, {"start": "2026-02-02", "end": "2026-02-01"}),
        (Contact, {"kind": "chat", "value": "pas une url"}),
    ):
        with pytest.raises(ValidationError) as refused:
            kind.model_validate(data)
        assert all(s != UI["err_other"]["fr"] for s in field_errors(refused.value, "fr").values())
