"""The taxonomy found from the words of the field (#18 item 1): what a social worker, a midwife or a police
officer types — in fr/nl/de/en, with typos and without accents — finds the right term first."""

from __future__ import annotations

import doctest

import pytest

import graph.vocabulary
from graph.models import TermKind
from graph.reference import load_reference
from graph.vocabulary import search

TAXONOMY = load_reference().taxonomy

EVERYDAY = [
    # French
    ("fr", "violences conjugales", "partner-violence"),
    ("fr", "violance conjugale", "partner-violence"),
    ("fr", "violence dans le couple", "partner-violence"),
    ("fr", "viol", "sexual-violence"),
    ("fr", "agression sexuelle", "sexual-violence"),
    ("fr", "inceste", "sexual-violence"),
    ("fr", "excision", "fgm"),
    ("fr", "MGF", "fgm"),
    ("fr", "mariag forcé", "forced-marriage"),
    ("fr", "mariage force", "forced-marriage"),
    ("fr", "personne âgée", "elder-abuse"),
    ("fr", "personne agee maltraitee", "elder-abuse"),
    ("fr", "harcèlement", "partner-violence.post-separation"),
    ("fr", "harcelement sexuel", "sexual-violence"),
    ("fr", "violence économique", "partner-violence.economic"),
    ("fr", "violence economique", "partner-violence.economic"),
    ("fr", "viol conjugal", "partner-violence.sexual"),
    ("fr", "emprise", "partner-violence.psychological"),
    ("fr", "crime d'honneur", "honour-related-violence"),
    ("fr", "femme enceinte", "pregnancy-postpartum"),
    ("fr", "enfants témoins", "children-exposed"),
    ("fr", "menaces de mort", "high-risk"),
    ("fr", "étranglement", "high-risk"),
    ("fr", "hébergement d'urgence", "emergency-shelter"),
    ("fr", "maison d'accueil", "shelter"),
    ("fr", "avocat pro deo", "legal-representation"),
    ("fr", "porter plainte", "complaint"),
    ("fr", "interdiction de residence", "protection-measures"),
    ("fr", "certificat medical", "medical-certificate"),
    ("fr", "psychologue", "psychological-support"),
    ("fr", "interprete", "interpreting"),
    ("fr", "titre de sejour", "residence-rights"),
    ("fr", "sans papiers", "undocumented"),
    ("fr", "loverboy", "sexual-violence"),
    ("fr", "groupe de parole", "support-group"),
    ("fr", "assistante sociale", "social-support"),
    ("fr", "viole", "sexual-violence"),
    ("fr", "coups du conjoint", "partner-violence.physical"),
    ("fr", "mutilation genitale feminine", "fgm"),
    ("fr", "mediation familiale", "mediation"),
    ("fr", "concertation de cas", "case-conference"),
    ("fr", "ligne d'ecoute", "listening-orientation"),
    # Dutch
    ("nl", "verkrachting", "sexual-violence"),
    ("nl", "verkrachtng", "sexual-violence"),
    ("nl", "partnergeweld", "partner-violence"),
    ("nl", "partner geweld", "partner-violence"),
    ("nl", "huiselijk geweld", "partner-violence"),
    ("nl", "gedwongen huwelijk", "forced-marriage"),
    ("nl", "meisjesbesnijdenis", "fgm"),
    ("nl", "ouderenmishandeling", "elder-abuse"),
    ("nl", "belaging", "partner-violence.post-separation"),
    ("nl", "eerwraak", "honour-related-violence"),
    ("nl", "vluchthuis", "shelter"),
    ("nl", "aangifte doen", "complaint"),
    ("nl", "tijdelijk huisverbod", "protection-measures"),
    ("nl", "advocaat", "legal-representation"),
    ("nl", "tolk", "interpreting"),
    ("nl", "zwanger", "pregnancy-postpartum"),
    ("nl", "seksueel misbruik", "sexual-violence"),
    ("nl", "financieel geweld", "partner-violence.economic"),
    ("nl", "hulplijn", "listening-orientation"),
    ("nl", "leefloon", "financial-aid"),
    ("nl", "kinderbescherming", "child-protection"),
    # German
    ("de", "Zwangsheirat", "forced-marriage"),
    ("de", "zwangsehe", "forced-marriage"),
    ("de", "häusliche Gewalt", "partner-violence"),
    ("de", "hausliche gewalt", "partner-violence"),
    ("de", "Vergewaltigung", "sexual-violence"),
    ("de", "Vergewaltigung in der Ehe", "partner-violence.sexual"),
    ("de", "Genitalverstümmelung", "fgm"),
    ("de", "Frauenhaus", "shelter"),
    ("de", "Stalking", "partner-violence.post-separation"),
    ("de", "Kontaktverbot", "protection-measures"),
    ("de", "Anzeige erstatten", "complaint"),
    ("de", "Dolmetscher", "interpreting"),
    ("de", "Senioren", "elder-abuse"),
    ("de", "schwanger", "pregnancy-postpartum"),
    ("de", "Rechtsanwalt", "legal-representation"),
    ("de", "gewalt gegen altere menschen", "elder-abuse"),
    ("de", "Notunterkunft", "emergency-shelter"),
    # English
    ("en", "domestic violence", "partner-violence"),
    ("en", "rape", "sexual-violence"),
    ("en", "sexual assault", "sexual-violence"),
    ("en", "forced marriage", "forced-marriage"),
    ("en", "female genital mutilation", "fgm"),
    ("en", "elderly", "elder-abuse"),
    ("en", "coercive control", "partner-violence.psychological"),
    ("en", "restraining order", "protection-measures"),
    ("en", "lawyer", "legal-representation"),
    ("en", "interpreter", "interpreting"),
    ("en", "pregnant", "pregnancy-postpartum"),
    ("en", "honour killing", "honour-related-violence"),
    ("en", "stalking", "partner-violence.post-separation"),
    ("en", "financial abuse", "partner-violence.economic"),
    ("en", "child abuse", "intrafamily-violence"),
    ("en", "ex-partner stalking", "partner-violence.post-separation"),
    ("en", "forensic exam", "forensic-exam"),
]


def test_the_list_is_long_enough_in_every_language() -> None:
    assert len(EVERYDAY) >= 60
    assert {lang for lang, _, _ in EVERYDAY} == {"fr", "nl", "de", "en"}
    assert all(code in TAXONOMY.terms for _, _, code in EVERYDAY)


def test_the_first_suggestion_is_right_for_nine_queries_in_ten() -> None:
    misses = []
    for lang, query, expected in EVERYDAY:
        found = search(TAXONOMY, query, lang).matches
        first = found[0].code if found else None
        if first != expected:
            misses.append(f"«{query}» ({lang}): {first} instead of {expected}")
    rate = 1 - len(misses) / len(EVERYDAY)
    assert rate >= 0.9, f"{rate:.0%} right first; misses:\n" + "\n".join(misses)


@pytest.mark.parametrize(
    ("query", "expected"),
    [("viol", "sexual-violence"), ("verkrachting", "sexual-violence"), ("rape", "sexual-violence")],
)
def test_a_short_word_is_not_swallowed_by_a_longer_one(query: str, expected: str) -> None:
    """«viol» is rape: no «violence entre partenaires» before a sexual-violence term."""
    codes = [m.code for m in search(TAXONOMY, query, "fr").matches]
    assert codes[0] == expected
    assert "partner-violence" not in codes[:4]


def test_labels_come_in_the_asked_language_whatever_the_language_typed() -> None:
    assert search(TAXONOMY, "verkrachting", "fr").matches[0].label == "Violence sexuelle"
    assert search(TAXONOMY, "violences conjugales", "de").matches[0].label == "Gewalt in der Partnerschaft"
    assert search(TAXONOMY, "excision", "nl").matches[0].label == "Vrouwelijke genitale verminking"
    assert search(TAXONOMY, "Frauenhaus", "en").matches[0].label == "Refuge (shelter)"


def test_the_kind_narrows_the_answer() -> None:
    audiences = search(TAXONOMY, "enfant", "fr", kind=TermKind.AUDIENCE).matches
    assert audiences[0].code == "child"
    assert {m.kind for m in audiences} == {TermKind.AUDIENCE}
    assert search(TAXONOMY, "enfant", "fr", kind=TermKind.NEED).matches[0].code == "child-protection"


def test_no_match_gives_an_empty_list_and_the_closest_terms() -> None:
    found = search(TAXONOMY, "violences policières", "fr")
    assert found.matches == ()
    assert found.suggestions and all(s.code.startswith(("partner-violence", "honour")) for s in found.suggestions)


@pytest.mark.parametrize(
    "query", ["", "   ", "xyzzy qwrtp", "<script>alert(1)</script>", '"><img onerror=x>', "é" * 5000]
)
def test_nonsense_and_hostile_text_find_nothing(query: str) -> None:
    found = search(TAXONOMY, query, "fr")
    assert found.matches == ()
    assert all(s.score < 80 for s in found.suggestions)


def test_every_term_is_found_by_its_own_label_in_every_language() -> None:
    for term in TAXONOMY.terms.values():
        for lang in ("fr", "nl", "de", "en"):
            found = search(TAXONOMY, term.label(lang), lang).matches
            assert found and found[0].code == term.id, (term.id, lang, [m.code for m in found[:3]])


def test_the_module_examples_run() -> None:
    result = doctest.testmod(graph.vocabulary)
    assert result.attempted >= 2
    assert result.failed == 0
