"""Who to refer to: the referral engine. Pure domain code over the `GraphStore` protocol.

The answer is ranked by an explainable score and never a silent empty list: when nothing matches
in the division, it says so and offers the nearest alternatives; the helplines (and, when urgent,
the emergency numbers) always come with it. Safety rules are enforced here, not in the UI:
victim- and perpetrator-facing services are never mixed, mediation only on explicit request and
with a warning, hidden addresses never, network addresses and professional lines only for
professionals.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum
from functools import cache
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
        tax = self.ref.taxonomy
        asked = q.need or q.situation or ""
        ctx = _Context(
            q=q,
            role=role,
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
        terms = sorted(ctx.wanted | ctx.broader)
        here = self._allowed_candidates(terms, [division] if division else None, ctx)
        notices: list[str] = []
        term_label = tax.terms[asked].label(q.lang)
        chosen = here
        if not any(c.service.terms() & ctx.wanted for c in here):
            seen = {c.service.id for c in here}
            elsewhere = (
                [
                    c
                    for c in self._allowed_candidates(terms, None, ctx)
                    if c.service.id not in seen and c.service.terms() & ctx.wanted
                ]
                if division
                else []
            )
            if elsewhere or (here and division):
                division_label = self.ref.geography.divisions[division].label(q.lang) if division else "—"
                notices.append(say("none_here", q.lang, term=term_label, division=division_label))
            chosen = here + elsewhere
        if not chosen:
            notices.append(say("none_at_all", q.lang, term=term_label))
        assessed = [(self._assess(c, ctx), c) for c in chosen]
        assessed.sort(key=lambda x: (not (q.urgent and x[1].service.open_24_7), -x[0][0], x[1].organisation.name))
        results = [self._result(c, score, reasons, ctx) for (score, reasons), c in assessed[: q.limit]]
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

    def _allowed_candidates(
        self, terms: list[str], divisions: list[str] | None, ctx: _Context
    ) -> list[ServiceCandidate]:
        found = self.store.candidate_services(terms, divisions=divisions, clearance=ctx.role.clearance)
        return [c for c in found if self._allowed(c, ctx)]

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

    def _assess(self, c: ServiceCandidate, ctx: _Context) -> tuple[float, list[tuple[str, dict[str, object]]]]:
        """The score and its reasons (as text keys): every point added comes with the reason for it."""
        s, q, lang = c.service, ctx.q, ctx.q.lang
        tax = self.ref.taxonomy
        asked = q.need or q.situation or ""
        reasons: list[tuple[str, dict[str, object]]] = []
        score = 0.0
        terms = s.terms()
        label = tax.terms[asked].label(lang)
        if asked in terms:
            score += 3.0
            reasons.append(("term_exact", {"term": label}))
        elif terms & ctx.wanted:
            score += 2.5
            reasons.append(("term_narrower", {"term": label}))
        else:
            score += 1.5
            reasons.append(("term_broader", {"term": tax.terms[sorted(terms & ctx.broader)[0]].label(lang)}))
        if q.need and q.situation and set(s.situations) & ctx.situations:
            score += 1.0
            reasons.append(("also_situation", {"term": tax.terms[q.situation].label(lang)}))
        if ctx.division:
            points, key, values = self._locality(c, ctx.division, lang)
            score += points
            reasons.append((key, {"division": self.ref.geography.divisions[ctx.division].label(lang), **values}))
        if q.audience and set(s.audiences) & ctx.audiences:
            score += 1.5
            reasons.append(("for_audience", {"audience": tax.terms[q.audience].label(lang)}))
        if q.language:
            if q.language in s.languages:
                score += 1.5
                reasons.append(("speaks", {"language": q.language}))
            else:
                score -= 1.0
                reasons.append(("not_speaks", {"language": q.language}))
        if s.open_24_7:
            score += 2.0 if q.urgent else 0.5
            reasons.append(("open_24_7", {}))
        if s.capacity is not None:
            on = s.capacity.updated_at.isoformat()
            if s.capacity.available > 0:
                score += 1.0
                reasons.append(("places", {"available": s.capacity.available, "total": s.capacity.total, "on": on}))
            else:
                score -= 1.0
                reasons.append(("full", {"on": on}))
        hops = ctx.partners.get(c.organisation.id) if c.organisation.id != q.from_org else None
        if hops == 1:
            score += 1.5
            reasons.append(("partner", {}))
        elif hops is not None:
            score += 0.5
            reasons.append(("path", {"hops": hops}))
        verified = s.verified_at or c.organisation.verified_at
        if verified is None:
            reasons.append(("never_verified", {}))
        elif ctx.today - verified > STALE_AFTER:
            score -= 0.5
            reasons.append(("stale", {"on": verified.isoformat()}))
        else:
            score += 0.5
            reasons.append(("verified", {"on": verified.isoformat()}))
        return round(score, 2), reasons

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
    division: str | None
    wanted: frozenset[str]
    broader: frozenset[str]
    needs: frozenset[str]
    situations: frozenset[str]
    audiences: frozenset[str]
    perpetrator_side: bool
    partners: dict[str, int]
    today: date


def visible_contacts(contacts: tuple[Contact, ...], role: Role) -> tuple[Contact, ...]:
    """Professional lines only for professional callers."""
    if role is Role.PUBLIC:
        return tuple(c for c in contacts if c.visibility is ContactVisibility.PUBLIC)
    return contacts
