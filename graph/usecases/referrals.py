"""The questions a professional asks: who to refer to, and the care pathway of a situation."""

from __future__ import annotations

import time
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from graph.errors import InvalidInput
from graph.models import (
    AreaScope,
    Commune,
    Location,
    Organisation,
    Service,
    Status,
    TermKind,
    UnmetDemand,
    Visibility,
)
from graph.pathways import Pathway, Step, pathway_for, resolve
from graph.reference import JudicialArrondissement, Reference
from graph.referral import Answer, Fallback, ReferralEngine, ReferralQuery
from graph.referral.policy import visible_contacts
from graph.referral.query import MAX_LIMIT
from graph.roles import Role
from graph.usecases.caller import Caller
from graph.usecases.outcomes import OutcomeCases
from graph.waiting import WouldWait, without_waiting

if TYPE_CHECKING:
    from belgica.types import Municipality  # belgica's data is read on first use, not at start

PROVINCE_OF_LIEGE = "60000"
"""The province's REFNIS code: a province-wide service of the platforms reaches every commune in it (Eupen too)."""
WALLONIA, FLANDERS, BRUSSELS = "03000", "02000", "04000"
GERMAN_SPEAKING = "eupen"
"""The judicial arrondissement of Eupen is the German-speaking Community's nine communes."""
HELPLINE_LANGUAGES = {FLANDERS: ("nl",), BRUSSELS: ("fr", "nl"), WALLONIA: ("fr",)}


@dataclass(frozen=True)
class Elsewhere:
    """A Belgian place outside the platforms' arrondissement: its own judicial arrondissement, the services
    of the directory that still reach it (by their area), and the languages of its helplines."""

    names: tuple[tuple[str, str], ...]
    """The place's municipalities, in French and in Dutch."""
    arrondissement: JudicialArrondissement
    scopes: frozenset[AreaScope]
    languages: tuple[str, ...]

    def name(self, lang: str) -> str:
        return ", ".join(nl if lang == "nl" else fr for fr, nl in self.names)


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c)).replace("-", " ").strip()


def _municipalities(place: str) -> list[Municipality]:
    """Belgium's municipalities for a postcode or a name (belgica's official data, read on first use)."""
    import belgica

    if place.isdigit():
        return list(belgica.get_municipalities_for_postal_code(place))
    wanted = _fold(place)
    return [m for m in belgica.municipalities() if wanted in {_fold(m["name"]["fr"]), _fold(m["name"]["nl"])}]


def elsewhere(reference: Reference, place: str) -> Elsewhere | None:
    """The place outside the arrondissement of Liège a postcode or commune name is; None when it is inside
    (or unknown to Belgium: the question's own checks then say so, with suggestions)."""
    value = place.strip()
    if value.isdigit():
        try:
            if reference.geography.place(value).inside:
                return None
        except InvalidInput:
            return None  # not a Belgian postcode: the question's own check says so, with suggestions
        found = _municipalities(value)
    else:
        local = _local(reference, value)
        if local is not None and local.division is not None:
            return None
        found = _municipalities(local.postcodes[0] if local is not None and local.postcodes else value)
    if not found:
        return None
    import belgica

    arrondissement = belgica.get_arrondissement_for_municipality(found[0]["id"])
    if arrondissement is None:
        return None
    region = found[0]["region"]
    scopes = {AreaScope.NATIONAL}
    if region == WALLONIA:
        scopes.add(AreaScope.REGION)
    if found[0]["province"] == PROVINCE_OF_LIEGE:
        scopes.add(AreaScope.PROVINCE)
    languages = ("de",) if arrondissement["id"] == GERMAN_SPEAKING else HELPLINE_LANGUAGES.get(region, ("fr",))
    names = tuple(dict.fromkeys((m["name"]["fr"], m["name"]["nl"]) for m in found))
    return Elsewhere(names, reference.geography.arrondissements[arrondissement["id"]], frozenset(scopes), languages)


def _local(reference: Reference, name: str) -> Commune | None:
    """A commune of the geography by name or NIS code (the arrondissement's, and Eupen's neighbours)."""
    try:
        return reference.geography.commune(name)
    except InvalidInput:
        return None


def min_clearance(caller: Caller) -> Visibility:
    """What a page may show of addresses: the role's clearance, and never a hidden one whoever asks."""
    clearance = caller.role.clearance
    return Visibility.NETWORK if clearance is Visibility.HIDDEN else clearance


def helplines_first(items: tuple[Fallback, ...], languages: tuple[str, ...]) -> tuple[Fallback, ...]:
    """Emergency numbers first, then the helplines in these languages, then the others."""
    return tuple(sorted(items, key=lambda f: (f.kind != "emergency", not set(f.languages) & set(languages))))


@dataclass(frozen=True)
class OrganisationView:
    """One organisation as a referrer sees it: its active services with the lines and addresses the caller's
    role may see (a hidden address never), and its confirmed partners."""

    organisation: Organisation
    services: tuple[Service, ...]
    locations: dict[str, Location]
    partners: tuple[Organisation, ...]


URGENT_EARLY = frozenset(
    {
        "high-risk",
        "partner-violence",
        "partner-violence.physical",
        "sexual-violence",
        "sexual-violence.recent",
        "emergency-shelter",
        "shelter",
        "medical-care",
        "medical-certificate",
        "forensic-exam",
        "complaint",
        "protection-measures",
    }
)
"""The terms whose urgent question is warmed right after the situations: danger now, a recent sexual
assault (an exam within days), a place for tonight, care, a certificate, a complaint or protection — where
the police and the hospitals lead when urgent (graph/data/specialisation.csv). Every other urgent question
is warmed last."""
WARMING = (Caller(Role.PROFESSIONAL, key_id="warm-up", route="warm-up"), Caller(Role.PUBLIC, route="warm-up"))
"""Who the warm-up asks as: professionals first (most users are signed in; editors and coordinators see what
they see), then the public. Hidden addresses are nobody's clearance on the referral path."""


@dataclass(frozen=True)
class Warmth:
    """What a warm-up did: questions asked, ranked lists it added to the engine's cache, and whether it asked
    them all before its deadline."""

    questions: int
    lists: int
    seconds: float
    finished: bool


def warm_questions(reference: Reference) -> list[ReferralQuery]:
    """Every situation and need of the taxonomy in every division, non-urgent and urgent, most asked first:
    the situations (what a professional starts from), the urgent questions of `URGENT_EARLY`, the needs,
    then every other urgent question."""
    situations = reference.taxonomy.of_kind(TermKind.SITUATION)
    needs = reference.taxonomy.of_kind(TermKind.NEED)
    terms = [*situations, *needs]
    steps = (
        [(t, False) for t in situations],
        [(t, True) for t in terms if t.id in URGENT_EARLY],
        [(t, False) for t in needs],
        [(t, True) for t in terms if t.id not in URGENT_EARLY],
    )
    return [
        ReferralQuery(
            situation=term.id if term.term_kind is TermKind.SITUATION else None,
            need=term.id if term.term_kind is TermKind.NEED else None,
            division=division,
            urgent=urgent,
        )
        for step in steps
        for term, urgent in step
        for division in sorted(reference.geography.divisions)
    ]


class ReferralCases:
    def __init__(self, engine: ReferralEngine, outcomes: OutcomeCases | None = None) -> None:
        self.engine = engine
        self.outcomes = outcomes
        """Where unmet demand is decided and counted: what found nothing."""

    def refer(self, caller: Caller, query: ReferralQuery, *, count: bool = True) -> Answer:
        """Ranked, explained, never a silent empty list; what the caller's role may see. A question asked for
        a person (`count`; not a benchmark's, not a page shown again) that found nothing adds to unmet demand."""
        answer = self.engine.refer(query, caller.role)
        unmet = self.unmet_of(caller, answer) if count else None
        if unmet is not None:
            self.count_unmet(unmet)
        return answer

    def refer_without_waiting(self, caller: Caller, query: ReferralQuery) -> tuple[Answer, UnmetDemand | None] | None:
        """`refer`'s answer when the engine has it without waiting on the store or another thread (`graph.waiting`),
        with the unmet demand it adds (for `count_unmet`, which writes); None: nothing was done, ask `refer`
        where waiting is fine."""
        try:
            with without_waiting():
                answer = self.engine.refer(query, caller.role)
        except WouldWait:
            return None
        return answer, self.unmet_of(caller, answer)

    def unmet_of(self, caller: Caller, answer: Answer) -> UnmetDemand | None:
        return None if self.outcomes is None else self.outcomes.unmet_of(answer, caller.client)

    def count_unmet(self, unmet: UnmetDemand) -> None:
        if self.outcomes is not None:
            self.outcomes.count_unmet(unmet)

    def warm(
        self, deadline_s: float, stopped: Callable[[], bool] = lambda: False, languages: Sequence[str] = ()
    ) -> Warmth:
        """Ask `warm_questions` as each of `WARMING`, then again for a person speaking each of `languages` (the
        order of each list for that language, and the interpreting services where nobody speaks it), until
        `deadline_s` seconds have passed (or `stopped`: the process ends), so that the ranked lists — and the
        alternatives of the questions that fall back — are in the engine's cache before people ask. Never
        counted as unmet demand: nobody asked."""
        start = time.monotonic()
        before = len(self.engine.cache)
        plain = [(caller, query) for query in warm_questions(self.engine.ref) for caller in WARMING]
        spoken = [(c, q.model_copy(update={"language": language})) for language in languages for c, q in plain]
        asked = [*plain, *spoken]
        done = 0
        with self.engine.searching_once():
            for caller, query in asked:
                if time.monotonic() - start >= deadline_s or stopped():
                    break
                self.refer(caller, query, count=False)
                done += 1
        lists = max(0, len(self.engine.cache) - before)
        return Warmth(done, lists, round(time.monotonic() - start, 3), done == len(asked))

    def refer_anywhere(
        self, caller: Caller, query: ReferralQuery, *, count: bool = True
    ) -> tuple[Answer, Elsewhere | None]:
        """The answer for a place inside the arrondissement, or — for any other Belgian place — the services
        of the directory whose area reaches it (province-, region- or nation-wide), with its helplines first.

        A place outside is not an error for someone who must refer a person now; the engine itself stays
        about the platforms' divisions (its files are the ranking's), so the widening is done here.
        """
        place = query.postcode or query.commune
        outside = elsewhere(self.engine.ref, place) if place else None
        if outside is None:
            return self.refer(caller, query, count=count), None
        wide = query.model_copy(update={"commune": None, "postcode": None, "limit": MAX_LIMIT})
        answer = self.engine.refer(wide, caller.role)
        reaching = tuple(r for r in answer.results if r.candidate.service.area_scope in outside.scopes)
        return replace(
            answer,
            query=query,
            results=reaching[: query.limit],
            notices=(),
            fallbacks=helplines_first(answer.fallbacks, outside.languages),
        ), outside

    def organisation(self, caller: Caller, organisation_id: str) -> OrganisationView:
        """The organisation's page (`NotFound` for an unknown id)."""
        store = self.engine.store
        org = store.get(Organisation, organisation_id)
        clearance = min_clearance(caller)
        services = tuple(
            s.model_copy(update={"contacts": visible_contacts(s.contacts, caller.role)})
            for s in store.list(Service, organisation_id=organisation_id, clearance=clearance)
            if s.status is Status.ACTIVE
        )
        wanted = sorted({i for s in services for i in s.location_ids})
        locations = {loc.id: loc for loc in store.list(Location, ids=wanted, clearance=clearance)} if wanted else {}
        near = sorted(store.partners(organisation_id, 1))
        partners = tuple(sorted(store.list(Organisation, ids=near), key=lambda o: o.name)) if near else ()
        return OrganisationView(org, services, locations, partners)

    def pathway(
        self, caller: Caller, situation: str, division: str | None, lang: str
    ) -> tuple[Pathway, list[tuple[Step, Answer | None]], str | None]:
        """The pathway of a situation (or its nearest ancestor's), each step resolved in the division."""
        reference = self.engine.ref
        reference.taxonomy.get(situation, TermKind.SITUATION, parameter="situation")
        division_id = reference.geography.division(division).id if division else None
        found = pathway_for(situation, self.engine)
        return found, resolve(found, self.engine, division_id, caller.role, lang), division_id
