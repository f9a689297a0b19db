"""The referral question is validated once, when built, and its errors name the parameter."""

from __future__ import annotations

import itertools

import pytest
from pydantic import ValidationError

from graph.errors import InvalidInput
from graph.reference import Reference
from graph.referral import ReferralQuery, weights
from graph.referral.resolve import resolve
from graph.referral.scoring import QUESTION_GROUPS


@pytest.mark.parametrize(
    ("values", "parameter"),
    [
        ({"limit": 0}, "limit"),
        ({"limit": 51}, "limit"),
        ({"lang": "es"}, "lang"),
        ({"language": "x1"}, "language"),
        ({"language": "arabic"}, "language"),
        ({"urgent": "maybe"}, "urgent"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_a_bad_value_is_invalid_input_naming_its_parameter(values: dict[str, object], parameter: str) -> None:
    for build in (ReferralQuery, ReferralQuery.of):
        with pytest.raises(InvalidInput) as caught:
            build(situation="partner-violence", **values)
        assert caught.value.parameter == parameter
        assert caught.value.problems[0].column == parameter


def test_of_takes_raw_form_values_blank_meaning_absent() -> None:
    q = ReferralQuery.of(situation="partner-violence", need="", commune="  ", language=None, limit="5", lang=None)
    assert (q.need, q.commune, q.language, q.limit, q.lang, q.urgent) == (None, None, None, 5, "fr", False)
    assert q == ReferralQuery(situation="partner-violence", limit=5)


def test_a_query_is_immutable_and_hashable() -> None:
    q = ReferralQuery(need="shelter")
    with pytest.raises(ValidationError, match="frozen"):
        q.need = "housing"  # type: ignore[misc]
    assert hash(q) == hash(ReferralQuery(need="shelter"))


@pytest.mark.parametrize(
    ("values", "parameter"),
    [
        ({}, "situation"),
        ({"situation": "shelter"}, "situation"),  # a need given as a situation
        ({"need": "no-such-need"}, "need"),
        ({"need": "shelter", "audience": "martians"}, "audience"),
        ({"need": "shelter", "division": "bruxelles"}, "division"),
        ({"need": "shelter", "commune": "Atlantis"}, "commune"),
    ],
)
def test_checks_against_the_reference_data_name_the_parameter(
    reference: Reference, values: dict[str, str], parameter: str
) -> None:
    with pytest.raises(InvalidInput) as caught:
        resolve(ReferralQuery(**values), reference)
    assert parameter in (caught.value.parameter, caught.value.problems[0].column)


def test_place_resolves_to_its_division(reference: Reference) -> None:
    assert resolve(ReferralQuery(need="shelter", postcode="4800"), reference) == "verviers"
    assert resolve(ReferralQuery(need="shelter", commune="Huy"), reference) == "huy"
    assert resolve(ReferralQuery(need="shelter"), reference) is None


def test_the_weights_file_explains_every_weight_and_bounds_the_question_points() -> None:
    table = weights()
    assert all(w.why and w.why[-1] in ".)" for w in table.rows)
    assert {w.part for w in table.rows} == {"static", "question"}
    assert table.points("open_24_7", "urgent") > table.points("open_24_7", "not urgent")
    questions = sorted({w.group for w in table.rows if w.part == "question"})
    assert set(questions) == QUESTION_GROUPS
    for n in range(len(questions) + 1):
        for groups in itertools.combinations(questions, n):
            # the best sum with at most one reason per group, found by brute force over the rows
            options = [[0.0] + [w.points for w in table.rows if w.group == g] for g in groups]
            brute = max((sum(pick) for pick in itertools.product(*options)), default=0.0)
            assert table.best_extra(groups) == brute, groups
