"""Referral outcomes and unmet demand in words: the coordinators' tables, the division report's section, the CSV.

Everything here renders the dict of `graph.usecases.outcomes.OutcomeCases.loop`, whose figures are already
suppressed («< 3», totals with a small part as «≥ n»): nothing is counted again at the edge, so no view can
show more than the loop allows. Codes become words through `Words`, which the api fills with its catalogue
(viz does not import it).
"""

from __future__ import annotations

import csv
import html
import io
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from graph.cells import spreadsheet_safe
from graph.models import OutcomeReason
from graph.outcomes import AT_LEAST, SMALL

Loop = Mapping[str, Any]
"""What `OutcomeCases.loop` returns."""


@dataclass(frozen=True)
class Words:
    """One language's words for the loop's codes; each function gets a code and gives text for people."""

    say: Callable[[str], str]
    """A catalogue key → its sentence (api/texts/loop.toml, outcomes.toml)."""
    name: Callable[[str], str]
    """An organisation's or a service's id → its name."""
    term: Callable[[str], str]
    division: Callable[[str | None], str]
    language: Callable[[str | None], str]
    month: Callable[[str], str]
    """«2026-11» → «novembre 2026»: a month, never a day."""

    def figure(self, value: object) -> str:
        """A count as the loop lets it be shown: «< 3» and «au moins 4» in words, numbers as they are."""
        if value == SMALL:
            return self.say("outcome_small")
        if isinstance(value, str) and value.startswith(AT_LEAST):
            return self.say("outcome_at_least").format(n=value.removeprefix(AT_LEAST))
        return str(value)

    def heads(self, *keys: str) -> tuple[str, ...]:
        return tuple(self.say(k) for k in keys)

    def pair(self, label: str, value: str) -> str:
        """«Pas de place : 3» (the French space before the colon is the catalogue's)."""
        return self.say("loop_pair").format(label=label, value=value)

    def rate(self, value: float | None) -> str:
        return self.say("loop_no_rate") if value is None else self.say("loop_percent").format(n=round(value * 100))

    def reason(self, code: str | None) -> str:
        return self.say(f"outcome_reason_{code}") if code else "—"

    def main_reason(self, code: str | None) -> str:
        """The main reason; «no place» called out as what it is, a capacity gap."""
        if code == OutcomeReason.NO_PLACE.value:
            return f"{self.reason(code)} — {self.say('loop_capacity_gap')}"
        return self.reason(code)

    def outcomes(self, reasons: Mapping[str, object]) -> str:
        """Every outcome that happened, «Pas de place : 3 · Accepté·e : < 3»; none when nothing was entered."""
        said = [self.pair(self.reason(code), self.figure(n)) for code, n in reasons.items() if n != 0]
        return " · ".join(said) or "—"


@dataclass(frozen=True)
class Table:
    """One of the loop's tables in words: `marked` rows are capacity gaps («Pas de place» first)."""

    id: str
    title: str
    intro: str
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    marked: tuple[bool, ...] = ()


def _refusal_rows(rows: Sequence[Mapping[str, Any]], w: Words, services: bool) -> tuple[tuple[str, ...], ...]:
    def cells(r: Mapping[str, Any]) -> tuple[str, ...]:
        who = (w.name(r["service"]), w.name(r["organisation"])) if services else ()
        return (
            *who,
            w.division(r["division"]),
            w.month(r["month"]),
            w.figure(r["requests"]),
            w.figure(r["refused"]),
            w.rate(r["refusal_rate"]),
            w.main_reason(r["main_reason"]),
            w.outcomes(r["reasons"]),
        )

    return tuple(cells(r) for r in rows)


def _is_capacity_gap(row: Mapping[str, Any]) -> bool:
    return bool(row["main_reason"] == OutcomeReason.NO_PLACE.value)


def refusal_tables(loop: Loop, w: Words) -> list[Table]:
    """Refusal rates per division and per service, with their reasons; capacity gaps."""
    head = w.heads("col_division", "loop_col_month", "loop_col_requests", "loop_col_refused", "loop_col_rate")
    head += w.heads("loop_col_main", "loop_col_outcomes")
    divisions, services = loop["refusals_by_division"], loop["refusals_by_service"]
    gaps = loop["capacity_gaps"]
    return [
        Table(
            "by-division",
            w.say("loop_by_division"),
            "",
            head,
            _refusal_rows(divisions, w, services=False),
            tuple(_is_capacity_gap(r) for r in divisions),
        ),
        Table(
            "by-service",
            w.say("loop_by_service"),
            "",
            (w.say("service"), w.say("organisation"), *head),
            _refusal_rows(services, w, services=True),
            tuple(_is_capacity_gap(r) for r in services),
        ),
        Table(
            "capacity",
            w.say("loop_capacity"),
            w.say("loop_capacity_intro"),
            w.heads("service", "organisation", "col_division", "loop_col_month", "loop_col_no_place"),
            tuple(_gap_row(g, w) for g in gaps),
            tuple(True for _ in gaps),
        ),
    ]


def _gap_row(g: Mapping[str, Any], w: Words) -> tuple[str, ...]:
    names = (w.name(g["service"]), w.name(g["organisation"]))
    return (*names, w.division(g["division"]), w.month(g["month"]), w.figure(g["no_place"]))


def _unmet_row(u: Mapping[str, Any], w: Words) -> tuple[str, ...]:
    what = (w.term(u["term"]), w.division(u["division"]), w.language(u["language"]))
    by_month = " · ".join(w.pair(w.month(m), w.figure(n)) for m, n in u["months"].items())
    return (*what, _urgent(w, u["urgent"]), w.figure(u["total"]), by_month)


def network_tables(loop: Loop, w: Words) -> list[Table]:
    """Flows without an agreement (agreements to propose), agreements without flows, unmet demand ranked."""
    flows, idle, unmet = loop["flows_without_agreement"], loop["agreements_without_flows"], loop["unmet_demand"]
    return [
        Table(
            "flows",
            w.say("loop_flows"),
            w.say("loop_flows_intro"),
            w.heads("loop_col_from", "loop_col_to", "col_division", "loop_col_referrals"),
            tuple(
                (w.name(f["from"]), w.name(f["to"]), w.division(f["division"]), w.figure(f["referrals"])) for f in flows
            ),
        ),
        Table(
            "idle",
            w.say("loop_idle"),
            w.say("loop_idle_intro"),
            w.heads("organisation", "loop_col_partner", "col_division"),
            tuple((w.name(a["a"]), w.name(a["b"]), w.division(a["division"])) for a in idle),
        ),
        Table(
            "unmet",
            w.say("loop_unmet"),
            w.say("loop_unmet_intro"),
            w.heads("loop_col_term", "col_division", "loop_col_language", "loop_col_urgent", "loop_col_total")
            + w.heads("loop_col_by_month"),
            tuple(_unmet_row(u, w) for u in unmet),
        ),
    ]


def tables(loop: Loop, w: Words) -> list[Table]:
    """Every table of the coordinators' page and of the report's section, in this order."""
    return refusal_tables(loop, w) + network_tables(loop, w)


def period(loop: Loop, w: Words) -> str:
    months = loop["months"]
    return w.say("loop_period").format(first=w.month(months[0]), last=w.month(months[-1]))


def _html_table(table: Table, w: Words) -> str:
    if not table.rows:
        return f"<p>{html.escape(w.say('loop_nothing'))}</p>"
    head = "".join(f"<th scope='col'>{html.escape(h)}</th>" for h in table.header)
    labels = [html.escape(h, quote=True) for h in table.header]
    body = "".join(
        f"<tr{' class=capacity-gap' if table.marked and table.marked[i] else ''}>"
        + "".join(f'<td data-label="{label}">{html.escape(c)}</td>' for label, c in zip(labels, row, strict=True))
        + "</tr>"
        for i, row in enumerate(table.rows)
    )
    return f"<table class='loop'><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


REPORT_STYLE = """<style>
 table.loop th{width:auto} tr.capacity-gap{background:#fff4e5} .loop .pairs,.loop .intro{font-size:.85rem}
 .loop h2{font-size:1.15rem;margin-top:1.2rem} .loop h3{font-size:1rem;margin:.8rem 0 .2rem}
 table.loop td,table.loop th{font-size:.78rem;padding:.25rem .2rem;overflow-wrap:normal;hyphens:auto}
 @media screen and (max-width:40rem){
  table.loop td{overflow-wrap:anywhere}
  table.loop,table.loop tbody,table.loop tr,table.loop td{display:block;width:auto}
  table.loop thead{position:absolute;left:-9999px}
  table.loop td{border:0;padding:.1rem .3rem} table.loop tr{border-bottom:1px solid #ccc;padding:.3rem 0}
  table.loop td::before{content:attr(data-label) ": ";font-weight:600}
  html:lang(fr) table.loop td::before{content:attr(data-label) " : "}
 }
</style>"""
"""The section's own style (no script): on a phone each table row stacks, every cell saying its column."""


def _html_pairs(table: Table, w: Words) -> str:
    """Agreements without flows: their number, then the pairs in one paragraph (a printed page shows the number)."""
    if not table.rows:
        return f"<p>{html.escape(w.say('loop_nothing'))}</p>"
    pairs = html.escape(" · ".join(f"{row[0]} ↔ {row[1]}" for row in table.rows))
    count = html.escape(w.say("loop_idle_count").format(n=len(table.rows)))
    return f"<details><summary>{count}</summary><p class='pairs'>{pairs}</p></details>"


def without_column(table: Table, header: str) -> Table:
    """The table without one column (the division's, in a report about one division)."""
    if header not in table.header:
        return table
    i = table.header.index(header)
    rows = tuple(row[:i] + row[i + 1 :] for row in table.rows)
    return replace(table, header=table.header[:i] + table.header[i + 1 :], rows=rows)


def report_section(loop: Loop, w: Words) -> str:
    """The division report's section: the same tables as the coordinators' page (less the division's column),
    escaped, with no script."""
    parts = [
        f"{REPORT_STYLE}<section class='loop'><h2>{html.escape(w.say('loop_title'))}</h2>",
        f"<p>{html.escape(period(loop, w))}. {html.escape(w.say('outcome_small_why'))}</p>",
    ]
    for table in (without_column(t, w.say("col_division")) for t in tables(loop, w)):
        parts.append(f"<h3>{html.escape(table.title)}</h3>")
        if table.intro:
            parts.append(f"<p class='intro'>{html.escape(table.intro)}</p>")
        parts.append(_html_pairs(table, w) if table.id == "idle" else _html_table(table, w))
    parts.append(f"<p><small>{html.escape(w.say('loop_report_source'))}</small></p></section>")
    return "\n".join(parts)


CSV_COLUMNS = (
    "loop_col_section",
    "col_division",
    "loop_col_month",
    "organisation",
    "loop_col_partner",
    "loop_col_term",
    "loop_col_language",
    "loop_col_urgent",
    "loop_col_measure",
    "loop_col_value",
)
"""One table for a spreadsheet: each figure on its own row, its table and what it counts beside it."""


def _row(section: str, division: str, month: str, measure: str, value: str, **more: str) -> tuple[str, ...]:
    """A CSV row in the order of CSV_COLUMNS; `more` fills organisation, partner, term, language, urgent."""
    extra = (more.get(k, "") for k in ("org", "partner", "term", "language", "urgent"))
    return (section, division, month, *extra, measure, value)


def _csv_refusals(loop: Loop, w: Words) -> Iterator[tuple[str, ...]]:
    for key, rows in (
        ("loop_by_division", loop["refusals_by_division"]),
        ("loop_by_service", loop["refusals_by_service"]),
    ):
        for r in rows:
            where = (w.say(key), w.division(r["division"]), w.month(r["month"]))
            who = {"org": w.name(r["organisation"]), "partner": w.name(r["service"])} if "service" in r else {}
            measures = [
                (w.say("loop_col_requests"), w.figure(r["requests"])),
                (w.say("loop_col_refused"), w.figure(r["refused"])),
                (w.say("loop_col_rate"), w.rate(r["refusal_rate"])),
                (w.say("loop_col_main"), w.main_reason(r["main_reason"])),
                *((w.reason(code), w.figure(n)) for code, n in r["reasons"].items()),
            ]
            for measure, value in measures:
                yield _row(*where, measure, value, **who)


def _csv_network(loop: Loop, w: Words) -> Iterator[tuple[str, ...]]:
    referrals, span = w.say("loop_col_referrals"), period(loop, w)
    for g in loop["capacity_gaps"]:
        who = {"org": w.name(g["organisation"]), "partner": w.name(g["service"])}
        yield _row(
            w.say("loop_capacity"),
            w.division(g["division"]),
            w.month(g["month"]),
            w.say("loop_col_no_place"),
            w.figure(g["no_place"]),
            **who,
        )
    for f in loop["flows_without_agreement"]:
        who = {"org": w.name(f["from"]), "partner": w.name(f["to"])}
        yield _row(w.say("loop_flows"), w.division(f["division"]), span, referrals, w.figure(f["referrals"]), **who)
    for a in loop["agreements_without_flows"]:
        who = {"org": w.name(a["a"]), "partner": w.name(a["b"])}
        yield _row(w.say("loop_idle"), w.division(a["division"]), span, referrals, "0", **who)
    for u in loop["unmet_demand"]:
        what = {"term": w.term(u["term"]), "language": w.language(u["language"])}
        what["urgent"] = _urgent(w, u["urgent"])
        for month, n in [*u["months"].items(), (None, u["total"])]:
            when = w.month(month) if month else span
            yield _row(
                w.say("loop_unmet"),
                w.division(u["division"]),
                when,
                w.say("loop_col_by_month" if month else "loop_col_total"),
                w.figure(n),
                **what,
            )


def csv_table(loop: Loop, w: Words) -> bytes:
    """The loop as one CSV table: a header row in the language, values as shown, every cell spreadsheet-safe
    (a name starting with «=» stays text), months only; UTF-8 with a BOM so that spreadsheets read accents."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([spreadsheet_safe(w.say(c)) for c in CSV_COLUMNS])
    for row in (*_csv_refusals(loop, w), *_csv_network(loop, w)):
        writer.writerow([spreadsheet_safe(c) for c in row])
    return out.getvalue().encode("utf-8-sig")


def _urgent(w: Words, urgent: bool | None) -> str:
    """Yes, no, or «—» for the merged row of rarely asked languages (their urgency is not said either)."""
    return "—" if urgent is None else w.say("loop_yes" if urgent else "loop_no")
