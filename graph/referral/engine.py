"""Who to refer to: the referral engine. Pure domain code over the `GraphStore` interface.

The answer is ranked by an explainable score and never a silent empty list: when nothing matches
in the division, it says so and offers the nearest alternatives; the helplines (and, when urgent,
the emergency numbers) always come with it. Safety rules are enforced here, not in the UI:
victim- and perpetrator-facing services are never mixed, mediation only on explicit request and
with a warning, hidden addresses never, network addresses and professional lines only for
professionals.
"""

from __future__ import annotations

import csv
import threading
from bisect import insort
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum
from functools import cache, cached_property
from importlib import resources

from graph.errors import InvalidInput
from graph.models import (
    AreaScope,
    Contact,
    ContactVisibility,
    Organisation,
    ServiceCandidate,
    TermKind,
    Visibility,
)
from graph.reference import Reference
from graph.store import GraphStore

LANGUAGES = ("fr", "nl", "de", "en")
STALE_AFTER = timedelta(days=365)
PERPETRATOR_AUDIENCE = "perpetrator"
PERPETRATOR_NEED = "perpetrator-programme"
VICTIM_AUDIENCES = frozenset({"victim", "victim.woman", "victim.man", "child"})
VICTIM_NEEDS = frozenset({"shelter", "emergency-shelter"})
MEDIATION = "mediation"
PARTNER_VIOLENCE_SITUATIONS = ("partner-violence", "high-risk")
RANKING_CACHE_SIZE = 256
"""Ranked candidate lists kept per directory version: (term, division, clearance, urgent, day)."""
EXTRA = {"also_situation": 1.0, "for_audience": 1.5, "speaks": 1.5, "partner": 1.5}
"""The most each point of the question itself can add."""
REASON_ORDER = (
    "term_exact",
    "term_narrower",
    "term_broader",
    "also_situation",
    "in_division",
    "serves_division",
    "province",
    "region",
    "national",
    "elsewhere",
    "for_audience",
    "speaks",
    "not_speaks",
    "open_24_7",
    "places",
    "full",
    "partner",
    "path",
    "verified",
    "stale",
    "never_verified",
)
Part = tuple[float, str, dict[str, object]]
"""Points, the reason's text key, and the values of its text."""


class Role(StrEnum):
    PUBLIC = "public"
    PROFESSIONAL = "professional"
    EDITOR = "editor"
    COORDINATOR = "coordinator"

    @property
    def clearance(self) -> Visibility:
        """Hidden addresses are for nobody through the referral path; network ones for professionals."""
        return Visibility.PUBLIC if self is Role.PUBLIC else Visibility.NETWORK


TEXT: dict[str, dict[str, str]] = {
    "term_exact": {
        "fr": "répond exactement à «{term}»",
        "nl": "beantwoordt precies «{term}»",
        "de": "entspricht genau «{term}»",
        "en": "matches «{term}» exactly",
    },
    "term_narrower": {
        "fr": "répond à «{term}» (cas particulier)",
        "nl": "beantwoordt «{term}» (specifiek geval)",
        "de": "entspricht «{term}» (Sonderfall)",
        "en": "matches «{term}» (a narrower case)",
    },
    "term_broader": {
        "fr": "répond à «{term}» (terme plus large)",
        "nl": "beantwoordt «{term}» (ruimer begrip)",
        "de": "entspricht «{term}» (Oberbegriff)",
        "en": "matches «{term}» via its parent term",
    },
    "also_situation": {
        "fr": "connaît aussi «{term}»",
        "nl": "kent ook «{term}»",
        "de": "kennt auch «{term}»",
        "en": "also addresses «{term}»",
    },
    "in_division": {
        "fr": "situé dans la division de {division}",
        "nl": "gevestigd in de afdeling {division}",
        "de": "in der Abteilung {division} ansässig",
        "en": "located in the {division} division",
    },
    "serves_division": {
        "fr": "dessert la division de {division}",
        "nl": "bedient de afdeling {division}",
        "de": "ist für die Abteilung {division} zuständig",
        "en": "serves the {division} division",
    },
    "province": {
        "fr": "couvre tout l'arrondissement / la province",
        "nl": "werkt provinciebreed",
        "de": "provinzweit tätig",
        "en": "province-wide",
    },
    "region": {
        "fr": "couvre toute la Wallonie / la Fédération",
        "nl": "werkt gewestbreed",
        "de": "regionsweit tätig",
        "en": "region-wide",
    },
    "national": {
        "fr": "service national",
        "nl": "nationale dienst",
        "de": "landesweiter Dienst",
        "en": "national service",
    },
    "elsewhere": {
        "fr": "hors de votre division ({where})",
        "nl": "buiten uw afdeling ({where})",
        "de": "außerhalb Ihrer Abteilung ({where})",
        "en": "outside your division ({where})",
    },
    "for_audience": {
        "fr": "s'adresse à ce public ({audience})",
        "nl": "richt zich tot deze doelgroep ({audience})",
        "de": "richtet sich an diese Zielgruppe ({audience})",
        "en": "meant for this audience ({audience})",
    },
    "speaks": {
        "fr": "parle {language}",
        "nl": "spreekt {language}",
        "de": "spricht {language}",
        "en": "speaks {language}",
    },
    "not_speaks": {
        "fr": "n'indique pas la langue {language}",
        "nl": "vermeldt de taal {language} niet",
        "de": "Sprache {language} nicht angegeben",
        "en": "does not list {language}",
    },
    "open_24_7": {
        "fr": "joignable 24h/24, 7j/7",
        "nl": "24/7 bereikbaar",
        "de": "rund um die Uhr erreichbar",
        "en": "open 24/7",
    },
    "places": {
        "fr": "{available} place(s) libre(s) sur {total} (au {on})",
        "nl": "{available} vrije plaats(en) op {total} (op {on})",
        "de": "{available} freie(r) Platz/Plätze von {total} (am {on})",
        "en": "{available} of {total} places available (on {on})",
    },
    "full": {"fr": "complet au {on}", "nl": "volzet op {on}", "de": "voll belegt am {on}", "en": "full on {on}"},
    "partner": {
        "fr": "coopère déjà avec vous",
        "nl": "werkt al met u samen",
        "de": "arbeitet bereits mit Ihnen",
        "en": "already cooperates with you",
    },
    "path": {
        "fr": "joignable via vos partenaires ({hops} étapes)",
        "nl": "bereikbaar via uw partners ({hops} stappen)",
        "de": "über Ihre Partner erreichbar ({hops} Schritte)",
        "en": "reachable through your partners ({hops} hops)",
    },
    "verified": {
        "fr": "vérifié le {on}",
        "nl": "gecontroleerd op {on}",
        "de": "geprüft am {on}",
        "en": "last verified on {on}",
    },
    "stale": {
        "fr": "information ancienne : vérifiée le {on}",
        "nl": "verouderd: gecontroleerd op {on}",
        "de": "veraltet: geprüft am {on}",
        "en": "old information: last verified on {on}",
    },
    "never_verified": {
        "fr": "jamais vérifié auprès de l'organisation",
        "nl": "nooit gecontroleerd",
        "de": "nie überprüft",
        "en": "never verified with the organisation",
    },
    "none_here": {
        "fr": "Aucun service pour «{term}» dans la division de {division} : voici les alternatives les plus proches.",
        "nl": "Geen dienst voor «{term}» in de afdeling {division}: dit zijn de dichtstbijzijnde alternatieven.",
        "de": "Kein Dienst für «{term}» in der Abteilung {division}: hier die nächsten Alternativen.",
        "en": "No service for «{term}» in the {division} division: here are the nearest alternatives.",
    },
    "none_at_all": {
        "fr": "Aucun service du répertoire ne répond à «{term}» : appelez une ligne d'écoute.",
        "nl": "Geen enkele dienst beantwoordt «{term}»: bel een hulplijn.",
        "de": "Kein Dienst entspricht «{term}»: rufen Sie eine Hilfelinie an.",
        "en": "No service in the directory matches «{term}»: call a helpline.",
    },
    "mediation_warning": {
        "fr": "Attention : la médiation est contre-indiquée en cas de violence entre partenaires (Convention "
        "d'Istanbul, art. 48 : pas de médiation obligatoire). Proposée uniquement parce qu'elle est demandée.",
        "nl": "Let op: bemiddeling is tegenaangewezen bij partnergeweld (Verdrag van Istanbul, art. 48).",
        "de": "Achtung: Mediation ist bei Partnerschaftsgewalt kontraindiziert (Istanbul-Konvention, Art. 48).",
        "en": "Warning: mediation is contra-indicated in partner violence (Istanbul Convention art. 48 bans "
        "mandatory mediation). Shown only because it was asked for explicitly.",
    },
}


def say(key: str, lang: str, **values: object) -> str:
    return TEXT[key].get(lang, TEXT[key]["fr"]).format(**values)


@dataclass(frozen=True)
class Fallback:
    id: str
    kind: str
    number: str
    languages: tuple[str, ...]
    labels: dict[str, str]
    urgent_only: bool
    source: str


@cache
def fallbacks() -> tuple[Fallback, ...]:
    text = resources.files("graph").joinpath("data", "fallbacks.csv").read_text(encoding="utf-8")
    return tuple(
        Fallback(
            r["id"],
            r["kind"],
            r["number"],
            tuple(r["languages"].split(";")),
            {lang: r[f"label_{lang}"] for lang in LANGUAGES},
            r["urgent_only"] == "yes",
            r["source"],
        )
        for r in csv.DictReader(text.splitlines())
    )


@dataclass(frozen=True)
class ReferralQuery:
    situation: str | None = None
    need: str | None = None
    division: str | None = None
    commune: str | None = None
    postcode: str | None = None
    audience: str | None = None
    language: str | None = None
    urgent: bool = False
    from_org: str | None = None
    limit: int = 10
    lang: str = "fr"
    """Language of the explanations (fr, nl, de, en)."""


@dataclass(frozen=True)
class Result:
    organisation: Organisation
    candidate: ServiceCandidate
    score: float
    reasons: tuple[str, ...]
    contacts: tuple[Contact, ...]
    divisions: tuple[str, ...]
    path: tuple[str, ...]
    alternative: bool
    """True when it answers from outside the division or with a broader term."""


@dataclass(frozen=True)
class Answer:
    query: ReferralQuery
    division: str | None
    terms: tuple[str, ...]
    results: tuple[Result, ...]
    notices: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()
    fallbacks: tuple[Fallback, ...] = ()
    names: dict[str, str] = field(default_factory=dict)
    """Organisation names for the ids on referral paths."""


class ReferralEngine:
    def __init__(self, store: GraphStore, reference: Reference, today: date | None = None) -> None:
        self.store = store
        self.ref = reference
        self.today = today
        self._lock = threading.Lock()
        self._version: int | None = None
        self._cache: dict[tuple[str, str | None, Visibility, bool, date], list[_Ranked]] = {}

    # --- resolution --------------------------------------------------------------------------------

    def resolve_division(self, q: ReferralQuery) -> str | None:
        geo = self.ref.geography
        if q.division:
            return geo.division(q.division).id
        if q.commune:
            return geo.division_of(geo.commune(q.commune)).id
        if q.postcode:
            communes = geo.communes_for_postcode(q.postcode)
            divisions = {geo.division_of(c, "postcode").id for c in communes}
            if len(divisions) > 1:
                raise InvalidInput(
                    f"postcode {q.postcode} spans divisions {sorted(divisions)}: give the commune", parameter="postcode"
                )
            return divisions.pop()
        return None

    def _validate(self, q: ReferralQuery) -> None:
        tax = self.ref.taxonomy
        if not q.situation and not q.need:
            raise InvalidInput("give a situation or a need (taxonomy code)", parameter="situation")
        if q.situation:
            tax.get(q.situation, TermKind.SITUATION, parameter="situation")
        if q.need:
            tax.get(q.need, TermKind.NEED, parameter="need")
        if q.audience:
            tax.get(q.audience, TermKind.AUDIENCE, parameter="audience")
        if q.language and not (2 <= len(q.language) <= 3 and q.language.isalpha()):
            raise InvalidInput(f"«{q.language}» is not a language code (fr, nl, de, en, ar, tr…)", parameter="language")
        if not 1 <= q.limit <= 50:
            raise InvalidInput("limit must be between 1 and 50", parameter="limit")
        if q.lang not in LANGUAGES:
            raise InvalidInput(f"lang must be one of {', '.join(LANGUAGES)}", parameter="lang")

    # --- the question ---------------------------------------------------------------------------------

    def refer(self, q: ReferralQuery, role: Role = Role.PUBLIC) -> Answer:
        self._validate(q)
        division = self.resolve_division(q)
        if q.from_org:
            self.store.get(Organisation, q.from_org)
        ctx = self._context(q, role, division)
        asked = ctx.asked
        tax = self.ref.taxonomy
        ranked = self._ranked(ctx)
        top = self._top(ranked, ctx)
        notices: list[str] = []
        term_label = tax.terms[asked].label(q.lang)
        if not any(r.wanted for r in top) and not any(r.wanted and self._allowed(r.candidate, ctx) for r in ranked):
            here = {r.candidate.service.id for r in ranked}
            elsewhere = (
                [
                    c
                    for c in self.store.candidate_services(ctx.terms, clearance=role.clearance)
                    if c.service.id not in here and c.service.terms() & ctx.wanted
                ]
                if division
                else []
            )
            if division and (top or any(self._allowed(c, ctx) for c in elsewhere)):
                division_label = self.ref.geography.divisions[division].label(q.lang)
                notices.append(say("none_here", q.lang, term=term_label, division=division_label))
            if elsewhere:
                top = self._top(sorted([*ranked, *self._rank(elsewhere, ctx)]), ctx)
        if not top:
            notices.append(say("none_at_all", q.lang, term=term_label))
        results = [self._result(r.candidate, *self._assess(r.candidate, ctx), ctx) for r in top]
        warnings = [say("mediation_warning", q.lang)] if q.need == MEDIATION else []
        names = {}
        path_ids = {i for r in results for i in r.path}
        if path_ids:
            names = {o.id: o.name for o in self.store.list(Organisation, ids=sorted(path_ids))}
        helplines = [f for f in fallbacks() if (q.urgent or not f.urgent_only)]
        return Answer(
            q,
            division,
            tuple(sorted(ctx.wanted)),
            tuple(results),
            tuple(notices),
            tuple(warnings),
            tuple(helplines),
            names,
        )

    def _context(self, q: ReferralQuery, role: Role, division: str | None) -> _Context:
        tax = self.ref.taxonomy
        asked = q.need or q.situation or ""
        return _Context(
            q=q,
            role=role,
            asked=asked,
            division=division,
            wanted=tax.descendants(asked),
            broader=frozenset(tax.ancestors(asked)),
            needs=tax.descendants(q.need) | set(tax.ancestors(q.need)) if q.need else frozenset(),
            situations=tax.descendants(q.situation) | set(tax.ancestors(q.situation)) if q.situation else frozenset(),
            audiences=tax.descendants(q.audience) | set(tax.ancestors(q.audience)) if q.audience else frozenset(),
            perpetrator_side=q.audience == PERPETRATOR_AUDIENCE or q.need == PERPETRATOR_NEED,
            partners=self.store.partners(q.from_org, hops=3) if q.from_org else {},
            today=self.today or date.today(),
        )

    # --- ranking --------------------------------------------------------------------------------------

    def _ranked(self, ctx: _Context) -> list[_Ranked]:
        """The candidates for the question's term in its division, best static score first.

        Kept per directory version: a question costs one version check and a scan of the head of
        this list, not a store query over every service of a broad term.
        """
        version = self.store.version()
        key = (ctx.asked, ctx.division, ctx.role.clearance, ctx.q.urgent, ctx.today)
        with self._lock:
            if version != self._version:
                self._cache.clear()
                self._version = version
            ranked = self._cache.get(key)
        if ranked is None:
            divisions = [ctx.division] if ctx.division else None
            ranked = sorted(
                self._rank(
                    self.store.candidate_services(ctx.terms, divisions=divisions, clearance=ctx.role.clearance), ctx
                )
            )
            with self._lock:
                if version == self._version:
                    if len(self._cache) >= RANKING_CACHE_SIZE:
                        self._cache.pop(next(iter(self._cache)))
                    self._cache[key] = ranked
        return ranked

    def _rank(self, candidates: list[ServiceCandidate], ctx: _Context) -> list[_Ranked]:
        out = []
        for c in candidates:
            static = sum(points for points, _, _ in self._static_parts(c, ctx))
            first = not ctx.q.urgent or c.service.open_24_7
            out.append(
                _Ranked(
                    (not first, -static, c.organisation.name, c.service.id),
                    static,
                    c,
                    bool(c.service.terms() & ctx.wanted),
                )
            )
        return out

    def _top(self, ranked: list[_Ranked], ctx: _Context) -> list[_Ranked]:
        """The `limit` best allowed candidates, in answer order (24/7 first when urgent, score, name).

        `ranked` is sorted by the static part of the score; the question's own points can add at most
        `ctx.best_extra`, so the scan stops at the first candidate that could not enter the top.
        """
        best: list[tuple[tuple[bool, float, str, str], _Ranked]] = []
        limit = ctx.q.limit
        for r in ranked:
            after, minus_static, name, sid = r.order
            if len(best) == limit and (after, minus_static - ctx.best_extra, name, sid) > best[-1][0]:
                break
            if not self._allowed(r.candidate, ctx):
                continue
            score = r.static + sum(points for points, _, _ in self._question_parts(r.candidate, ctx))
            insort(best, ((after, -score, name, sid), r))
            del best[limit:]
        return [r for _, r in best]

    def _allowed(self, c: ServiceCandidate, ctx: _Context) -> bool:
        """The safety rules: never mix victim- and perpetrator-facing services, mediation only on request."""
        s = c.service
        q = ctx.q
        audiences = set(s.audiences)
        is_perpetrator_service = PERPETRATOR_AUDIENCE in audiences or PERPETRATOR_NEED in s.needs
        is_victim_service = bool(audiences & VICTIM_AUDIENCES) or bool(set(s.needs) & VICTIM_NEEDS)
        if ctx.perpetrator_side and is_victim_service and not is_perpetrator_service:
            return False
        if not ctx.perpetrator_side and is_perpetrator_service:
            return False
        if MEDIATION in s.needs and q.need != MEDIATION:
            return False
        if q.need and not set(s.needs) & ctx.needs:
            return False
        if q.audience and audiences and not audiences & ctx.audiences:
            return False
        return not ("professional" in audiences and len(audiences) == 1 and ctx.role is Role.PUBLIC)

    def _locality(self, c: ServiceCandidate, division: str, lang: str) -> tuple[float, str, dict[str, object]]:
        s = c.service
        geo = self.ref.geography
        if division in c.located_in:
            return 3.0, "in_division", {}
        served = set(s.area_divisions) | {d for x in s.area_communes if (d := geo.communes[x].division)}
        if division in served:
            return 2.5, "serves_division", {}
        wide: dict[AreaScope, tuple[float, str]] = {
            AreaScope.PROVINCE: (2.0, "province"),
            AreaScope.REGION: (1.5, "region"),
            AreaScope.NATIONAL: (1.0, "national"),
        }
        if s.area_scope in wide:
            return *wide[s.area_scope], {}
        where = [geo.divisions[d].label(lang) for d in sorted(set(c.located_in) | served)]
        return 0.0, "elsewhere", {"where": ", ".join(where) or "?"}

    def _static_parts(self, c: ServiceCandidate, ctx: _Context) -> list[Part]:
        """The points that depend on the service, the term asked, the division and the day only."""
        s, q, lang = c.service, ctx.q, ctx.q.lang
        tax = self.ref.taxonomy
        parts: list[Part] = []
        terms = s.terms()
        label = tax.terms[ctx.asked].label(lang)
        if ctx.asked in terms:
            parts.append((3.0, "term_exact", {"term": label}))
        elif terms & ctx.wanted:
            parts.append((2.5, "term_narrower", {"term": label}))
        else:
            parts.append((1.5, "term_broader", {"term": tax.terms[sorted(terms & ctx.broader)[0]].label(lang)}))
        if ctx.division:
            points, key, values = self._locality(c, ctx.division, lang)
            parts.append((points, key, {"division": self.ref.geography.divisions[ctx.division].label(lang), **values}))
        if s.open_24_7:
            parts.append((2.0 if q.urgent else 0.5, "open_24_7", {}))
        if s.capacity is not None:
            on = s.capacity.updated_at.isoformat()
            if s.capacity.available > 0:
                parts.append((1.0, "places", {"available": s.capacity.available, "total": s.capacity.total, "on": on}))
            else:
                parts.append((-1.0, "full", {"on": on}))
        verified = s.verified_at or c.organisation.verified_at
        if verified is None:
            parts.append((0.0, "never_verified", {}))
        elif ctx.today - verified > STALE_AFTER:
            parts.append((-0.5, "stale", {"on": verified.isoformat()}))
        else:
            parts.append((0.5, "verified", {"on": verified.isoformat()}))
        return parts

    def _question_parts(self, c: ServiceCandidate, ctx: _Context) -> list[Part]:
        """The points that depend on who asks and how: situation, audience, language, partners.

        Their most favourable sum is `_Context.best_extra`; keep the two in step.
        """
        s, q = c.service, ctx.q
        terms = self.ref.taxonomy.terms
        parts: list[Part] = []
        if q.need and q.situation and set(s.situations) & ctx.situations:
            parts.append((EXTRA["also_situation"], "also_situation", {"term": terms[q.situation].label(q.lang)}))
        if q.audience and set(s.audiences) & ctx.audiences:
            parts.append((EXTRA["for_audience"], "for_audience", {"audience": terms[q.audience].label(q.lang)}))
        if q.language:
            if q.language in s.languages:
                parts.append((EXTRA["speaks"], "speaks", {"language": q.language}))
            else:
                parts.append((-1.0, "not_speaks", {"language": q.language}))
        hops = ctx.partners.get(c.organisation.id) if c.organisation.id != q.from_org else None
        if hops == 1:
            parts.append((EXTRA["partner"], "partner", {}))
        elif hops is not None:
            parts.append((0.5, "path", {"hops": hops}))
        return parts

    def _assess(self, c: ServiceCandidate, ctx: _Context) -> tuple[float, list[tuple[str, dict[str, object]]]]:
        """The score and its reasons (as text keys): every point added comes with the reason for it."""
        parts = sorted(
            self._static_parts(c, ctx) + self._question_parts(c, ctx), key=lambda p: REASON_ORDER.index(p[1])
        )
        return round(sum(points for points, _, _ in parts), 2), [(key, values) for _, key, values in parts]

    def _result(
        self, c: ServiceCandidate, score: float, reasons: list[tuple[str, dict[str, object]]], ctx: _Context
    ) -> Result:
        """A ranked answer, with its reasons in words and the path through partners (top results only)."""
        q = ctx.q
        path: tuple[str, ...] = ()
        if q.from_org and c.organisation.id in ctx.partners:
            found = self.store.paths(q.from_org, c.organisation.id, max_hops=3, limit=1)
            path = tuple(found[0]) if found else ()
        outside = ctx.division is not None and any(key == "elsewhere" for key, _ in reasons)
        return Result(
            organisation=c.organisation,
            candidate=c,
            score=score,
            reasons=tuple(say(key, q.lang, **values) for key, values in reasons),
            contacts=visible_contacts(c.service.contacts, ctx.role),
            divisions=c.located_in,
            path=path,
            alternative=not (c.service.terms() & ctx.wanted) or outside,
        )


@dataclass(frozen=True)
class _Context:
    """What one question needs while assessing each candidate, computed once."""

    q: ReferralQuery
    role: Role
    asked: str
    division: str | None
    wanted: frozenset[str]
    broader: frozenset[str]
    needs: frozenset[str]
    situations: frozenset[str]
    audiences: frozenset[str]
    perpetrator_side: bool
    partners: dict[str, int]
    today: date

    @property
    def terms(self) -> list[str]:
        return sorted(self.wanted | self.broader)

    @cached_property
    def best_extra(self) -> float:
        """The most `ReferralEngine._question_parts` can add to a candidate's static score."""
        q = self.q
        return (
            (EXTRA["also_situation"] if q.need and q.situation else 0.0)
            + (EXTRA["for_audience"] if q.audience else 0.0)
            + (EXTRA["speaks"] if q.language else 0.0)
            + (EXTRA["partner"] if self.partners else 0.0)
        )


@dataclass(frozen=True, slots=True, order=True)
class _Ranked:
    """A candidate with the part of its score that does not depend on who asks."""

    order: tuple[bool, float, str, str]
    """(after the 24/7 services when urgent, minus the static score, organisation name, service id)."""
    static: float = field(compare=False)
    candidate: ServiceCandidate = field(compare=False)
    wanted: bool = field(compare=False)
    """It answers the term asked (or a narrower one), not only a broader term."""


def visible_contacts(contacts: tuple[Contact, ...], role: Role) -> tuple[Contact, ...]:
    """Professional lines only for professional callers."""
    if role is Role.PUBLIC:
        return tuple(c for c in contacts if c.visibility is ContactVisibility.PUBLIC)
    return contacts
