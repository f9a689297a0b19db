"""The composition root: settings → store → reference data → engine → use cases → analysis cache.

The app, the CLI and the benchmark build Relais here and nowhere else.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from api.settings import PROJECT_ROOT, Settings, get_settings, open_store
from graph.reference import Reference, load_reference
from graph.referral import ReferralEngine
from graph.store import GraphStore
from graph.usecases import (
    AnalysisCache,
    DirectoryCases,
    ImportReport,
    NetworkCases,
    ReferralCases,
    import_directory,
)
from loaders.directory import Directory, read_directory

DEFAULT_STORE_FILE = PROJECT_ROOT / "var" / "relais-store.json"


@dataclass
class Relais:
    """Everything one process needs, wired once."""

    settings: Settings
    store: GraphStore
    reference: Reference
    engine: ReferralEngine
    directory: DirectoryCases
    network: NetworkCases
    referrals: ReferralCases
    analysis: AnalysisCache
    owns_store: bool

    def load(self, directory: Directory, **options: Any) -> ImportReport:
        """Write a directory the loaders read (options: `batch_size`, `prune`, `progress`)."""
        return import_directory(directory, self.store, reference=self.reference, **options)

    def close(self) -> None:
        if self.owns_store:
            self.store.close()


def build(settings: Settings | None = None, store: GraphStore | None = None, *, seed: bool = True) -> Relais:
    """Relais over `store` (or the configured one, which it then closes). An empty embedded store is
    seeded with `RELAIS_DATA_DIR` when `seed` is set."""
    settings = settings or get_settings()
    reference = load_reference()
    owns_store = store is None
    store = store or open_store(settings)
    engine = ReferralEngine(store, reference)
    relais = Relais(
        settings=settings,
        store=store,
        reference=reference,
        engine=engine,
        directory=DirectoryCases(store, reference),
        network=NetworkCases(store),
        referrals=ReferralCases(engine),
        analysis=AnalysisCache(store, reference),
        owns_store=owns_store,
    )
    if seed and owns_store and not settings.neo4j_uri and not store.counts().get("Organisation"):
        relais.load(read_directory(settings.data_dir, reference))
    return relais


def with_store_file(settings: Settings, path: Path | None = None) -> Settings:
    """The settings with the embedded store persisted to a file (the CLI's loads and exports)."""
    return settings.model_copy(update={"store_file": settings.store_file or path or DEFAULT_STORE_FILE})
