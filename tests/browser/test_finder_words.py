"""The everyday-words list through the finder's situation box in Chromium (issue 18, «Must show»): every query
of tests/unit/test_everyday_words.py whose answer is a situation, typed as a person would, in the page of its
language; the situation the box then selects must be right for at least 90 % of them."""

from __future__ import annotations

from typing import Any

import pytest

from graph.models import TermKind
from graph.reference import load_reference
from tests.unit.test_everyday_words import EVERYDAY

pytestmark = pytest.mark.browser


def situation_queries() -> list[tuple[str, str, str]]:
    taxonomy = load_reference().taxonomy
    return [q for q in EVERYDAY if taxonomy.terms[q[2]].term_kind is TermKind.SITUATION]


def test_the_first_suggestion_is_right_for_nine_queries_in_ten(page: Any, server: str) -> None:
    queries = situation_queries()
    assert len(queries) >= 60, "the list must hold at least 60 everyday queries"
    misses: list[str] = []
    for lang in sorted({lang for lang, _, _ in queries}):
        page.goto(f"{server}/?lang={lang}")
        for _, typed, expected in (q for q in queries if q[0] == lang):
            page.evaluate("document.getElementById('situation-matches').textContent = ''")
            page.fill("#situation-search", typed)  # the box asks the search, then lists what it found
            page.locator("#situation-matches li").first.wait_for()
            chosen = page.input_value("#situation")
            if chosen != expected:
                misses.append(f"{lang} «{typed}» → {chosen or 'nothing'} (expected {expected})")
    rate = 1 - len(misses) / len(queries)
    assert rate >= 0.9, f"{rate:.0%} right first; misses: {misses}"
