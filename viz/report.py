"""The printable one-page gap report of a division, for a platform meeting (HTML, print stylesheet).

Every value from the directory is escaped for HTML text (names are written by editors); the page has
no script at all.
"""

from __future__ import annotations

import html

from graph.analysis import GapReport
from graph.reference import Reference

KIND_FR = {
    "coverage-gap": "Aucun service",
    "fragile": "Un seul prestataire (fragile)",
    "isolated": "Organisation isolée",
    "single-point-of-failure": "Point unique de rupture",
    "missing-link": "Lien attendu manquant",
    "outside-platform": "Hors de la plateforme",
    "training-gap": "Aucune formation suivie",
    "stale": "Fiche non vérifiée depuis plus d'un an",
}


def describe_gap(gap: dict[str, object], ref: Reference, names: dict[str, str]) -> str:
    kind = str(gap["kind"])
    code = str(gap.get("term") or gap.get("topic") or "")
    label = ref.taxonomy.terms[code].label_fr if code in ref.taxonomy.terms else code
    org = names.get(str(gap.get("organisation", "")), str(gap.get("organisation", "")))
    match kind:
        case "coverage-gap":
            return f"«{label}» : aucun service actif."
        case "fragile":
            provider = names.get(str(gap["provider"]), str(gap["provider"]))
            return f"«{label}» : seulement {provider}."
        case "single-point-of-failure":
            cut = ", ".join(names.get(str(x), str(x)) for x in gap.get("cut_off", []))  # type: ignore[attr-defined]
            return f"si {org} s'arrête, ces partenaires perdent leur seul lien : {cut}."
        case "missing-link":
            return f"{gap['label']} — {gap['why']}."
        case "training-gap":
            return f"aucune organisation de la division n'a suivi de formation sur «{label}»."
        case "stale":
            return f"{org} (vérifiée le {gap['verified_at']})."
        case _:
            return f"{org}."


def render_report(
    report: GapReport, division: str, ref: Reference, names: dict[str, str], banner: str = "", geomap: str = ""
) -> str:
    """The report page; `banner` is ready HTML from `viz.network_map.banner_html` (which directory, fictional);
    `geomap` is the coverage map's SVG from `viz.geomap.coverage_map` (escaped there), shown under the figures."""
    label = ref.geography.divisions[division].label_fr
    s = report.structure_by_division[division]
    rows = (
        "".join(
            f"<tr><th scope='row'>{html.escape(KIND_FR[g['kind']])}</th>"
            f"<td>{html.escape(describe_gap(g, ref, names))}</td></tr>"
            for g in report.for_division(division)
        )
        or "<tr><td colspan='2'>Aucune lacune détectée.</td></tr>"
    )
    return f"""<!doctype html>
<html lang="fr"><head><meta charset="utf-8"><title>Lacunes du réseau — division de {html.escape(label)}</title>
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
{banner}
<h1>Plateforme Violences — division de {html.escape(label)} : lacunes du réseau</h1>
<p class="figures"><span>{s["organisations"]} organisations</span><span>{s["links"]} liens de coopération</span>
<span>densité {s["density"]}</span><span>{s["components"]} composante(s)</span></p>
{f'<figure class="geomap">{geomap}</figure>' if geomap else ""}
<table><tbody>{rows}</tbody></table>
<p><small>Source : annuaire Relais, fiches au {html.escape(report.freshness["as_of"])}.
Aucune donnée sur des personnes.</small></p>
</body></html>"""
