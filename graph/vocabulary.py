"""The taxonomy searched in everyday words: labels and field synonyms in fr/nl/de/en, ranked.

A professional types what the field says («violences conjugales», «verkrachting», «mariag forcé»),
not our codes nor our labels. Each term's labels and its synonyms (data/taxonomy.csv) are folded
(case, accents, punctuation) into words; a query is matched word by word with rapidfuzz, so a typo
or a missing accent still finds the term, and a word being typed finds the words it begins.
A whole word beats a word it begins: «viol» finds the sexual-violence terms before «violence entre
partenaires». The API (`GET /v1/taxonomy/search`) and the finder call `search`.

>>> from graph.reference import load_reference
>>> [m.code for m in search(load_reference().taxonomy, "viol", "fr").matches][:1]
['sexual-violence']
>>> search(load_reference().taxonomy, "violances conjugale", "nl").matches[0].label
'Partnergeweld'
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from statistics import fmean

from rapidfuzz import fuzz, process

from graph.models import TermKind
from graph.reference import Taxonomy

LANGUAGES = ("fr", "nl", "de", "en")
MAX_QUERY = 100
"""Characters of a query that are read; the API refuses longer ones."""
MAX_WORDS = 8
MATCH_FROM = 80.0
"""The score from which a term is an answer; below, the best few are offered as suggestions."""
SUGGEST_FROM = 60.0
SUGGESTIONS = 3
WORD_FROM = 50.0
"""Below this, a word of the query does not count as meeting a word of the vocabulary."""
PREFIX_FROM = 3
"""A query word of at least this many letters also meets the words it begins (typing in progress)."""
_SMALL_WORDS = """
a au aux d de des du en et l la le les par pour sa ses son un une dans sur avec j je il elle me ma mon mes
het een van op met door voor te ik mij mijn hij zij
der die das den dem ein eine und im mit von vom zu zur zum fur ich mich mein meine er sie
the an of and in by to with on i my he she
"""
STOPWORDS = frozenset(_SMALL_WORDS.split())
_NOT_WORD = re.compile(r"[^0-9a-z]+")


def fold(text: str) -> str:
    """Lower case, no accents, no punctuation: «Mariage forcé», «mariage-force» and «MARIAGE FORCE» meet."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _NOT_WORD.sub(" ", bare).strip()


def words(folded: str) -> tuple[str, ...]:
    """The words that carry meaning (all of them when the text is only small words)."""
    every = tuple(folded.split())
    content = tuple(w for w in every if w not in STOPWORDS)
    return content or every


@dataclass(frozen=True)
class Entry:
    """One label or synonym of a term, as written and as words."""

    code: str
    lang: str
    text: str
    words: tuple[str, ...]
    joined: str


@dataclass(frozen=True)
class Match:
    """A term found: its label in the asked language, the words that found it, and a score out of 100."""

    code: str
    kind: TermKind
    label: str
    score: float
    matched: str


@dataclass(frozen=True)
class Found:
    """The terms that answer the query, best first; when none does, the closest few as suggestions."""

    matches: tuple[Match, ...]
    suggestions: tuple[Match, ...]


class Vocabulary:
    """Every label and synonym of a taxonomy, folded once."""

    def __init__(self, taxonomy: Taxonomy) -> None:
        self.taxonomy = taxonomy
        self.order = {code: i for i, code in enumerate(taxonomy.terms)}
        self.entries = tuple(
            Entry(term.id, lang, text, words(fold(text)), "".join(words(fold(text))))
            for term in taxonomy.terms.values()
            for lang in LANGUAGES
            for text in (term.label(lang), *taxonomy.synonyms.get(term.id, {}).get(lang, ()))
        )
        self.joined = [e.joined for e in self.entries]
        self.lexicon = sorted({w for e in self.entries for w in e.words})
        self.with_word: dict[str, list[int]] = {}
        for i, entry in enumerate(self.entries):
            for w in set(entry.words):
                self.with_word.setdefault(w, []).append(i)

    def closeness(self, word: str) -> dict[str, float]:
        """How near each vocabulary word is to a query word (0–100): edits counted by rapidfuzz, and a
        word the query word begins scoring high but below the word itself."""
        found = process.extract(word, self.lexicon, scorer=fuzz.ratio, limit=None, score_cutoff=WORD_FROM)
        near = {w: s for w, s, _ in found}
        if len(word) >= PREFIX_FROM:
            for w in self.lexicon:
                if w != word and w.startswith(word):
                    near[w] = max(near.get(w, 0.0), 80 + 19 * len(word) / len(w))
        return near

    @staticmethod
    def met(near: list[dict[str, float]], entry: Entry) -> list[float]:
        """How well each query word is met by a word of the entry."""
        return [max((n.get(w, 0.0) for w in entry.words), default=0.0) for n in near]

    @staticmethod
    def by_words(near: list[dict[str, float]], met: list[float], entry: Entry) -> float:
        """Mostly how well each query word is met, a little how much of the entry is met (so «viol»
        prefers «viol» to «viol conjugal»)."""
        covered = sum(1 for w in entry.words if any(n.get(w, 0.0) >= 80 for n in near)) / len(entry.words)
        return 0.9 * fmean(met) + 10 * covered

    def scored(self, asked: tuple[str, ...]) -> tuple[dict[int, float], dict[str, float]]:
        """The entries that meet the query with their score, by words or whole (a compound typed apart:
        «partner geweld», «Zwangs heirat»); and each term's score when its words are met by several of
        its entries («coups du conjoint»: «coups», «frappée par son conjoint»)."""
        near = [self.closeness(w) for w in asked]
        whole = process.extract("".join(asked), self.joined, scorer=fuzz.ratio, limit=None, score_cutoff=SUGGEST_FROM)
        out = {i: s for _, s, i in whole}
        bags: dict[str, list[float]] = {}
        for i in {i for n in near for w in n for i in self.with_word[w]}:
            entry = self.entries[i]
            met = self.met(near, entry)
            out[i] = max(out.get(i, 0.0), self.by_words(near, met, entry))
            bags[entry.code] = [max(a, b) for a, b in zip(bags.get(entry.code, met), met, strict=True)]
        return out, {code: 0.9 * fmean(bag) for code, bag in bags.items()}

    def search(self, query: str, lang: str, kind: TermKind | None = None, limit: int = 10) -> Found:
        """The terms whose labels or synonyms meet `query`, labelled in `lang`, best first."""
        asked = words(fold(query[:MAX_QUERY]))[:MAX_WORDS]
        if not asked:
            return Found((), ())
        by_entry, by_term = self.scored(asked)
        best: dict[str, tuple[float, bool, Entry]] = {}
        for i, score in by_entry.items():
            entry = self.entries[i]
            if kind is not None and self.taxonomy.terms[entry.code].term_kind != kind:
                continue
            found = (round(max(score, by_term.get(entry.code, 0.0)), 1), entry.lang == lang, entry)
            if found[:2] > best.get(entry.code, (-1.0, False, entry))[:2]:
                best[entry.code] = found
        ranked = sorted(best.values(), key=lambda f: (-f[0], not f[1], self.order[f[2].code]))
        out = [self._match(score, entry, lang) for score, _, entry in ranked]
        matches = tuple(m for m in out if m.score >= MATCH_FROM)[:limit]
        suggestions = () if matches else tuple(m for m in out if m.score >= SUGGEST_FROM)[:SUGGESTIONS]
        return Found(matches, suggestions)

    def _match(self, score: float, entry: Entry, lang: str) -> Match:
        term = self.taxonomy.terms[entry.code]
        return Match(term.id, term.term_kind, term.label(lang), score, entry.text)


@cache
def vocabulary(taxonomy: Taxonomy) -> Vocabulary:
    """The vocabulary of a taxonomy, built once (the shipped taxonomy is loaded once)."""
    return Vocabulary(taxonomy)


def search(taxonomy: Taxonomy, query: str, lang: str = "fr", kind: TermKind | None = None, limit: int = 10) -> Found:
    """Terms for everyday words, in `lang`: what the finder and `GET /v1/taxonomy/search` call."""
    return vocabulary(taxonomy).search(query, lang, kind, limit)
