"""Reasons in words: every code in four languages, languages by their names, dates as people write them."""

from __future__ import annotations

import csv
import re
import string
from datetime import date
from pathlib import Path

import pytest

from api.i18n import LANGUAGE_NAMES, SPOKEN
from api.reasons import TEXT, Words, readable_date
from graph.reference import Reference
from graph.referral import LANGUAGES, fallbacks
from graph.referral.scoring import weights

ROOT = Path(__file__).resolve().parents[2]
NOTICES = (
    "none_here",
    "none_at_all",
    "mediation_warning",
    "language_not_here",
    "language_not_spoken",
    "language_helpline",
)


def languages_in_data() -> set[str]:
    """Every language code a service, a helpline or the finder's list uses."""
    codes = set(SPOKEN) | {code for f in fallbacks() for code in f.languages}
    for folder in ("demo", "liege"):
        with (ROOT / "data" / folder / "services.csv").open(encoding="utf-8") as f:
            codes |= {c.strip() for row in csv.DictReader(f) for c in (row["languages"] or "").split(";") if c.strip()}
    return codes


def sample_values(reference: Reference, code: str, language: str = "ar") -> dict[str, object]:
    """Values of the kinds the engine gives, for every placeholder of a code's templates."""
    values: dict[str, object] = {
        "term": "shelter",
        "audience": "child",
        "division": "verviers",
        "where": ("huy", "liege"),
        "language": language,
        "on": date(2026, 11, 3),
        "available": 2,
        "total": 8,
        "hops": 2,
        "number": "108",
    }
    wanted = {name for text in TEXT[code].values() for _, name, _, _ in string.Formatter().parse(text) if name}
    return {k: v for k, v in values.items() if k in wanted}


def test_every_reason_and_notice_has_a_sentence_in_every_language() -> None:
    codes = {w.reason for w in weights().rows} | set(NOTICES)
    assert codes == set(TEXT)
    for code in codes:
        assert set(TEXT[code]) == set(LANGUAGES), code


@pytest.mark.parametrize("lang", LANGUAGES)
def test_no_rendered_reason_shows_a_raw_language_code(reference: Reference, lang: str) -> None:
    words = Words(reference, lang)
    codes = languages_in_data()
    assert {"ar", "tr", "de", "nl", "en", "fr"} <= codes
    assert codes <= set(LANGUAGE_NAMES), sorted(codes - set(LANGUAGE_NAMES))
    for language in sorted(codes):
        for code in TEXT:
            text = words.say(code, sample_values(reference, code, language))
            bare = TEXT[code][lang]  # a word of the template itself («de» in «division de») is not a code shown
            raw = re.compile(rf"\b{re.escape(language)}\b", re.IGNORECASE)
            assert len(raw.findall(text)) <= len(raw.findall(bare)), (lang, code, language, text)


def test_languages_are_named_in_words(reference: Reference) -> None:
    said = {
        lang: Words(reference, lang).say("speaks", {"language": code})
        for lang, code in [("fr", "de"), ("nl", "ar"), ("de", "tr"), ("en", "ar")]
    }
    assert said == {"fr": "parle allemand", "nl": "spreekt Arabisch", "de": "spricht Türkisch", "en": "speaks Arabic"}
    assert Words(reference, "fr").say("not_speaks", {"language": "nl"}) == "n'indique pas parler néerlandais"


def test_an_unknown_language_code_appears_only_inside_a_neutral_phrase(reference: Reference) -> None:
    assert Words(reference, "fr").say("speaks", {"language": "xyz"}) == "parle la langue «xyz»"
    assert Words(reference, "en").say("not_speaks", {"language": "xyz"}) == "does not list the language «xyz»"


def test_dates_are_readable(reference: Reference) -> None:
    assert readable_date(date(2026, 11, 3), "fr") == "3 novembre 2026"
    assert readable_date(date(2026, 11, 3), "nl") == "3 november 2026"
    assert Words(reference, "en").say("full", {"on": date(2026, 2, 28)}) == "full on 28 February 2026"
    for lang in LANGUAGES:
        text = Words(reference, lang).say("verified", {"on": date(2026, 11, 3)})
        assert "2026-11-03" not in text and "2026" in text


def test_labels_come_from_the_reference_data_in_the_callers_language(reference: Reference) -> None:
    de = Words(reference, "de")
    assert de.say("in_division", {"division": "verviers"}) == "in der Abteilung Verviers ansässig"
    term = reference.taxonomy.terms["shelter"]
    assert de.say("term_exact", {"term": "shelter"}) == f"entspricht genau «{term.label('de')}»"
    where = Words(reference, "fr").say("elsewhere", {"division": "huy", "where": ("liege", "verviers")})
    assert where == "hors de votre division (Liège, Verviers)"
