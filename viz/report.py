"""The printable one-page gap report of a division, for a platform meeting (HTML, print stylesheet).

Every value from the directory is escaped for HTML text (names are written by editors); the page has
no script at all.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from datetime import date

from graph.analysis import GapReport
from graph.reference import Reference
from viz.texts import GAP_DETAILS, GAP_KINDS, Table, organisation_type, say, sector

Dated = Callable[[date], str]
"""Writes a date for people (the api gives its readable date in the page's language)."""

KIND_FR = {kind: texts["fr"] for kind, texts in GAP_KINDS.items()}
"""The gap kinds' French names (kept for callers that only speak French; see `kind_label`)."""

REPORT: Table = {
    "title": {
        "fr": "Lacunes du réseau — division de {label}",
        "nl": "Leemten in het netwerk — afdeling {label}",
        "de": "Lücken im Netzwerk — Abteilung {label}",
        "en": "Network gaps — division of {label}",
    },
    "heading": {
        "fr": "Plateforme Violences — division de {label} : lacunes du réseau",
        "nl": "Platform Geweld — afdeling {label}: leemten in het netwerk",
        "de": "Plattform Gewalt — Abteilung {label}: Lücken im Netzwerk",
        "en": "Violence platform — division of {label}: network gaps",
    },
    "figures": {
        "fr": "<span>{organisations} organisations</span><span>{links} liens de coopération</span>"
        "<span>densité {density}</span><span>{components} composante(s)</span>",
        "nl": "<span>{organisations} organisaties</span><span>{links} samenwerkingsbanden</span>"
        "<span>dichtheid {density}</span><span>{components} component(en)</span>",
        "de": "<span>{organisations} Organisationen</span><span>{links} Kooperationsverbindungen</span>"
        "<span>Dichte {density}</span><span>{components} Komponente(n)</span>",
        "en": "<span>{organisations} organisations</span><span>{links} cooperation links</span>"
        "<span>density {density}</span><span>{components} component(s)</span>",
    },
    "no_gap": {
        "fr": "Aucune lacune détectée.",
        "nl": "Geen leemte gevonden.",
        "de": "Keine Lücke gefunden.",
        "en": "No gap found.",
    },
    "source": {
        "fr": "Source : annuaire Relais, fiches au {on}. Aucune donnée sur des personnes.",
        "nl": "Bron: Relais-gids, fiches op {on}. Geen gegevens over personen.",
        "de": "Quelle: Relais-Verzeichnis, Einträge Stand {on}. Keine Angaben zu Personen.",
        "en": "Source: Relais directory, records as of {on}. No data about persons.",
    },
}


OUTCOMES_SLOT = "<!-- referral outcomes -->"
"""Where a coordinator's copy gets the referral outcomes (`viz.loop.report_section`): they change without the
directory's version, so the cached page keeps the slot and the api fills it for each coordinator's request
(escaped names can never contain it)."""


def kind_label(kind: str, lang: str = "fr") -> str:
    """A gap kind in words: «Aucun service», «Geen dienst» …; an unknown kind as it comes."""
    return say(GAP_KINDS, kind, lang) if kind in GAP_KINDS else kind


def describe_gap(
    gap: dict[str, object], ref: Reference, names: dict[str, str], lang: str = "fr", when: Dated = date.isoformat
) -> str:
    """One gap as a sentence in the language, with labels and names (never codes); `when` writes a date."""
    kind = str(gap["kind"])
    code = str(gap.get("term") or gap.get("topic") or "")
    label = ref.taxonomy.terms[code].label(lang) if code in ref.taxonomy.terms else code
    org = names.get(str(gap.get("organisation", "")), str(gap.get("organisation", "")))
    if kind not in GAP_DETAILS:
        return f"{org}."
    values: dict[str, object] = {"label": label, "org": org}
    if kind == "fragile":
        values["provider"] = names.get(str(gap["provider"]), str(gap["provider"]))
    elif kind == "single-point-of-failure":
        values["cut"] = ", ".join(names.get(str(x), str(x)) for x in gap.get("cut_off", []))  # type: ignore[attr-defined]
    elif kind == "missing-link":
        values["label"] = gap["label"] if lang == "fr" else _pair(ref, gap, lang)
        values["why"] = gap.get("why", "")
    elif kind == "stale":
        values["on"] = when(date.fromisoformat(str(gap["verified_at"])))
    elif kind == "bridged-by-project":
        values["sectors"] = " ↔ ".join(sector(str(s), lang) for s in gap["sectors"])  # type: ignore[attr-defined]
        values["projects"] = ", ".join(f"«{n}»" for n in gap["names"])  # type: ignore[attr-defined]
    return say(GAP_DETAILS, kind, lang).format(**values)


def _pair(ref: Reference, gap: dict[str, object], lang: str) -> str:
    a, b = (organisation_type(ref, str(gap.get(k, "")), lang) for k in ("type_a", "type_b"))
    return f"{a} ↔ {b}"


def render_report(
    report: GapReport,
    division: str,
    ref: Reference,
    names: dict[str, str],
    banner: str = "",
    geomap: str = "",
    lang: str = "fr",
    when: Dated = date.isoformat,
) -> str:
    """The report page; `banner` is ready HTML from `viz.network_map.banner_html` (which directory, fictional);
    `geomap` is the coverage map's SVG from `viz.geomap.coverage_map` (escaped there), shown under the figures."""
    label = html.escape(ref.geography.divisions[division].label(lang))
    s = report.structure_by_division[division]
    as_of = date.fromisoformat(str(report.freshness["as_of"]))
    rows = (
        "".join(
            f"<tr><th scope='row'>{html.escape(kind_label(str(g['kind']), lang))}</th>"
            f"<td>{html.escape(describe_gap(g, ref, names, lang, when))}</td></tr>"
            for g in report.for_division(division)
        )
        or f"<tr><td colspan='2'>{say(REPORT, 'no_gap', lang)}</td></tr>"
    )
    return f"""<!doctype html>
<html lang="{lang}"><head><meta charset="utf-8"><title>{say(REPORT, "title", lang).format(label=label)}</title>
<style>
 body{{font-family:system-ui,sans-serif;max-width:48rem;margin:1rem auto;color:#111;line-height:1.35}}
 h1{{font-size:1.3rem}} table{{border-collapse:collapse;width:100%}} th,td{{border-bottom:1px solid #ccc;
 padding:.3rem;text-align:left;vertical-align:top;font-size:.9rem}} th{{width:14rem}}
 .figures span{{display:inline-block;margin-right:1.2rem}}
 figure.geomap{{margin:.5rem 0}} figure.geomap svg{{width:100%;height:auto;max-height:12cm}}
 .banner{{padding:.3rem .5rem;background:#eef3f8;border-left:4px solid #2166ac}}
 .banner strong{{margin-left:.6rem;color:#7a3b00}}
 @media print{{body{{margin:0;max-width:none;font-size:10pt}} @page{{size:A4;margin:1.2cm}}}}
</style></head><body>
<header>{banner}</header>
<main>
<h1>{say(REPORT, "heading", lang).format(label=label)}</h1>
<p class="figures">{say(REPORT, "figures", lang).format(**s)}</p>
{f'<figure class="geomap">{geomap}</figure>' if geomap else ""}
<table><tbody>{rows}</tbody></table>
{OUTCOMES_SLOT}
<p><small>{say(REPORT, "source", lang).format(on=html.escape(when(as_of)))}</small></p>
</main>
</body></html>"""
