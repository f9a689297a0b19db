"""The `relais` command line."""

from __future__ import annotations

import typer
from rich.console import Console
from rich.table import Table

from api.settings import get_settings, open_store
from graph.errors import RelaisError
from graph.reference import load_reference

app = typer.Typer(
    help="Relais — annuaire et graphe d'orientation des Plateformes Violences (Liège).", no_args_is_help=True
)
console = Console()


def fail(exc: RelaisError) -> typer.Exit:
    console.print(f"[bold red]Erreur / error:[/] {exc}")
    return typer.Exit(2)


@app.command()
def summary() -> None:
    """Count what the configured store holds (loads the reference data into an empty store)."""
    settings = get_settings()
    try:
        store = open_store(settings)
        try:
            if store.counts().get("Division", 0) == 0:
                store.upsert(load_reference().records())
            table = Table("kind", "count", title="Relais store")
            for kind, n in store.counts().items():
                table.add_row(kind, str(n))
            console.print(table)
        finally:
            store.close()
    except RelaisError as exc:
        raise fail(exc) from exc


@app.command()
def serve(host: str = "127.0.0.1", port: int = 8000) -> None:
    """Serve Relais (until the HTTP API lands, prints the store summary)."""
    summary()
