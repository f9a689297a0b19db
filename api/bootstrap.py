"""The composition root: settings → store → reference data → engine → use cases → analysis cache.

The app, the CLI and the benchmark build Relais here and nowhere else.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import yaml

from api.settings import Settings, get_settings, open_store, store_label
from graph.errors import InvalidInput, Problem
from graph.reference import Reference, load_reference
from graph.referral import ReferralEngine
from graph.store import GraphStore
from graph.usecases import (
    AnalysisCache,
    DirectoryCases,
    EventCases,
    ImportReport,
    NetworkCases,
    OutcomeCases,
    PlatformCases,
    ReferralCases,
    UpkeepCases,
    import_directory,
)
from loaders.directory import Directory, read_directory

MARKER = "directory.yaml"
"""A directory folder may say what it is in this file: `name:` (shown on every page and in the console)
and `fictional: true` (data/demo: the pages then say «Données fictives de démonstration»)."""


@dataclass(frozen=True)
class Served:
    """Which directory a process serves and from which store: the console says it at start-up, every page
    shows it (a fictional directory marked as such)."""

    name: str
    fictional: bool
    store: str
    """«SQLite var/relais.db», «Neo4j bolt://…»."""


def directory_meta(path: Path) -> dict[str, str]:
    """What a store records about a directory loaded from `path`: its name (the folder's `directory.yaml`,
    else the folder's or file's name), whether it is fictional (only when the marker says so), where from.

    >>> from api.settings import PROJECT_ROOT
    >>> directory_meta(PROJECT_ROOT / "data" / "demo")["fictional"]
    'true'
    >>> directory_meta(PROJECT_ROOT / "data" / "liege")["fictional"]
    'false'
    """
    marker = path / MARKER
    said: dict[str, Any] = {}
    if path.is_dir() and marker.is_file():
        try:
            loaded = yaml.safe_load(marker.read_text(encoding="utf-8"))
        except (yaml.YAMLError, UnicodeDecodeError) as exc:
            raise InvalidInput([Problem(f"not readable YAML: {exc}", file=str(marker))]) from exc
        if not isinstance(loaded, dict):
            raise InvalidInput([Problem("expected `name:` and `fictional:` lines", file=str(marker))])
        said = loaded
    return {
        "name": str(said.get("name") or path.stem or path.name),
        "fictional": "true" if said.get("fictional") is True else "false",
        "source": str(path),
        "loaded_at": datetime.now(UTC).isoformat(timespec="seconds"),
    }


@dataclass
class Relais:
    """Everything one process needs, wired once."""

    settings: Settings
    store: GraphStore
    reference: Reference
    engine: ReferralEngine
    directory: DirectoryCases
    network: NetworkCases
    platforms: PlatformCases
    referrals: ReferralCases
    analysis: AnalysisCache
    upkeep: UpkeepCases
    outcomes: OutcomeCases
    events: EventCases
    owns_store: bool
    store_label: str = ""

    @property
    def served(self) -> Served:
        """Read from the store each time: a `relais load` into a running server's file shows at once."""
        meta = self.store.meta()
        return Served(name=meta.get("name") or "", fictional=meta.get("fictional") == "true", store=self.store_label)

    def load(self, directory: Directory, *, source: Path | None = None, **options: Any) -> ImportReport:
        """Write a directory the loaders read (options: `batch_size`, `prune`, `progress`); with `source`,
        the store then remembers which directory it holds (`directory_meta`)."""
        report = import_directory(directory, self.store, reference=self.reference, **options)
        if source is not None:
            self.store.set_meta(directory_meta(source))
        return report

    def close(self) -> None:
        try:
            self.outcomes.unmet.close()  # the counts decided, written
        finally:
            if self.owns_store:
                self.store.close()


def build(settings: Settings | None = None, store: GraphStore | None = None, *, seed: bool = True) -> Relais:
    """Relais over `store` (or the configured one, which it then closes). An embedded store that is empty —
    never written to — is seeded with `RELAIS_DATA_DIR` when `seed` is set; one holding anything (a
    directory the user loaded, edits) is served as it is."""
    settings = settings or get_settings()
    reference = load_reference()
    owns_store = store is None
    store = store or open_store(settings)
    engine = ReferralEngine(store, reference, capacity_fresh_days=settings.capacity_fresh_days)
    analysis = AnalysisCache(store, reference)
    outcomes = OutcomeCases(store, reference, analysis, settings.counts_kept_months)
    relais = Relais(
        settings=settings,
        store=store,
        reference=reference,
        engine=engine,
        directory=DirectoryCases(store, reference),
        network=NetworkCases(store),
        platforms=PlatformCases(store, reference),
        referrals=ReferralCases(engine, outcomes),
        analysis=analysis,
        upkeep=UpkeepCases(store),
        outcomes=outcomes,
        events=EventCases(store, reference),
        owns_store=owns_store,
        store_label=store_label(settings, store),
    )
    if seed and owns_store and not settings.neo4j_uri and is_empty(store):
        try:
            relais.load(read_directory(settings.data_dir, reference), source=settings.data_dir)
        except BaseException:
            relais.close()
            raise
    return relais


def is_empty(store: GraphStore) -> bool:
    """Nothing was ever written: no organisation and no change logged."""
    return store.version() == 0 and not store.counts().get("Organisation")
