"""No record can hold data about a person who is helped: the models have no field for it."""

from __future__ import annotations

import re

from pydantic import BaseModel

from graph.models import ENTITY_TYPES, LINK_TYPES, TALLY_TYPES, Capacity, Change, Contact, ErrorReport

FORBIDDEN = re.compile(
    r"(note|comment|remark|victim|perpetrator|client|case|person|patient|beneficiar|firstname|surname|"
    r"birth|gender|(^|_)age$|nationality|story|situation_text|free_text)",
    re.IGNORECASE,
)


def all_models() -> list[type[BaseModel]]:
    return [*ENTITY_TYPES, *LINK_TYPES, *TALLY_TYPES, Capacity, Contact, Change, ErrorReport]


def test_no_model_has_a_field_about_a_person() -> None:
    offenders = [
        f"{model.__name__}.{name}" for model in all_models() for name in model.model_fields if FORBIDDEN.search(name)
    ]
    assert offenders == []


def test_the_walk_would_catch_a_person_field() -> None:
    class Sneaky(BaseModel):
        victim_name: str

    assert any(FORBIDDEN.search(name) for name in Sneaky.model_fields)


def test_models_refuse_unknown_fields() -> None:
    for model in all_models():
        assert model.model_config.get("extra") == "forbid", model.__name__
