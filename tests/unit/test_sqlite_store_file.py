"""The embedded store's SQLite file: what is not a Relais store is refused and left as it was; the former
JSON store file is converted once; what SQLite cannot hold becomes a project error."""

from __future__ import annotations

import json
import logging
import sqlite3
from pathlib import Path

import pytest

from api.settings import Settings, open_store, store_label
from graph.errors import InvalidInput, RelaisError
from graph.models import Cooperation, Organisation
from graph.reference import Reference
from graph.sqlite_store import JSON_FORMAT, SqliteStore
from tests.contract.test_store_contract import coop, org


def test_a_text_file_is_refused_and_untouched(tmp_path: Path) -> None:
    path = tmp_path / "relais.db"
    path.write_text("des notes, pas une base de données", encoding="utf-8")
    before = path.read_bytes()
    with pytest.raises(InvalidInput, match="not a Relais store") as refused:
        SqliteStore(path)
    assert str(path) in str(refused.value)
    assert path.read_bytes() == before


def test_another_applications_database_is_refused_and_untouched(tmp_path: Path) -> None:
    path = tmp_path / "relais.db"
    with sqlite3.connect(path) as other:
        other.execute("CREATE TABLE notes (body TEXT)")
    before = path.read_bytes()
    with pytest.raises(InvalidInput, match="another application") as refused:
        SqliteStore(path)
    assert str(path) in str(refused.value)
    assert path.read_bytes() == before


def test_a_damaged_row_is_refused_naming_the_file(tmp_path: Path, reference: Reference) -> None:
    path = tmp_path / "relais.db"
    store = SqliteStore(path)
    store.upsert([*reference.records(), org("a")])
    store.close()
    with sqlite3.connect(path) as raw:
        raw.execute("UPDATE records SET data = '{\"id\": 3}' WHERE id = 'a'")
    raw.close()
    before = path.read_bytes()
    with pytest.raises(InvalidInput, match="not a valid record") as refused:
        SqliteStore(path)
    assert str(path) in str(refused.value)
    assert path.read_bytes() == before


def test_writes_survive_and_an_unchanged_reopening_writes_nothing(tmp_path: Path, reference: Reference) -> None:
    path = tmp_path / "relais.db"
    first = SqliteStore(path)
    first.upsert([*reference.records(), org("a"), org("b")])
    first.add_links([coop("a", "b")])
    first.set_meta({"name": "Annuaire fictif", "fictional": "true"})
    first.close()
    before = path.read_bytes()
    again = SqliteStore(path)
    assert again.get(Organisation, "a").name == "Organisation fictive a"
    assert [(x.a, x.b) for x in again.links(Cooperation)] == [("a", "b")]
    assert again.meta() == {"name": "Annuaire fictif", "fictional": "true"}
    again.close()
    assert path.read_bytes() == before, "opening and reading must not write"


def test_a_huge_integer_is_a_project_error_never_a_crash(tmp_path: Path, reference: Reference) -> None:
    """Values are JSON text, so SQLite never sees them as integers; whatever the models let through is
    either stored or refused with a RelaisError."""
    store = SqliteStore(tmp_path / "relais.db")
    store.upsert([*reference.records(), org("a"), org("b")])
    from graph.models import ReferralFlow

    try:
        flow = ReferralFlow(from_id="a", to_id="b", period="2025", count=2**63, source="test (fictional)")
    except ValueError:
        return  # refused by the models: nothing reaches the store
    try:
        store.add_links([flow])
    except RelaisError:
        return
    assert store.links(ReferralFlow)[0].count == 2**63
    store.close()


def legacy_json(path: Path, reference: Reference) -> None:
    """A store file as the embedded store wrote it before SQLite (format 1)."""
    records: dict[str, list[object]] = {}
    for r in [*reference.records(), org("a"), org("b")]:
        records.setdefault(type(r).kind, []).append(r.model_dump(mode="json"))
    change = {"at": "2026-01-05T10:00:00Z", "key_id": "k-1", "action": "create", "entity": "Organisation"}
    data = {
        "format": JSON_FORMAT,
        "records": records,
        "links": {"COOPERATES_WITH": [coop("a", "b").model_dump(mode="json")]},
        "changes": [{**change, "entity_id": "a", "route": "", "diff": {}}],
    }
    path.write_text(json.dumps(data), encoding="utf-8")


def test_the_json_store_is_converted_once(
    tmp_path: Path, reference: Reference, caplog: pytest.LogCaptureFixture
) -> None:
    legacy = tmp_path / "store.json"
    legacy_json(legacy, reference)
    settings = Settings(store_file=legacy, neo4j_uri=None)
    with caplog.at_level(logging.WARNING, logger="relais"):
        store = open_store(settings)
    try:
        assert isinstance(store, SqliteStore) and store.path == tmp_path / "store.db"
        assert store_label(settings, store) == f"SQLite {tmp_path / 'store.db'}"
        assert {o.id for o in store.list(Organisation)} == {"a", "b"}
        assert store.partners("a") == {"b": 1}
        assert [c.action for c in store.changes(limit=2)] == ["convert", "create"]
    finally:
        store.close()
    assert "converted the JSON store" in caplog.text and "store.json.converted" in caplog.text
    assert not legacy.exists() and (tmp_path / "store.json.converted").exists()
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="relais"):
        again = open_store(settings)
    assert again.counts()["Organisation"] == 2 and "converted" not in caplog.text
    again.close()


def test_a_corrupt_json_store_is_refused_and_kept(tmp_path: Path) -> None:
    legacy = tmp_path / "store.json"
    legacy.write_text('{"format": 1, "records": {"Organisation": [{"id": 3}]}', encoding="utf-8")
    with pytest.raises(InvalidInput, match="corrupt") as refused:
        open_store(Settings(store_file=legacy, neo4j_uri=None))
    assert str(legacy) in str(refused.value)
    assert legacy.exists() and not (tmp_path / "store.db").exists()


def test_relative_store_file_is_under_the_project_root(monkeypatch: pytest.MonkeyPatch) -> None:
    from api.settings import PROJECT_ROOT

    monkeypatch.delenv("RELAIS_STORE_FILE", raising=False)
    assert Settings(store_file=Path("var/x.db")).store_file == PROJECT_ROOT / "var" / "x.db"
    assert Settings().store_file == PROJECT_ROOT / "var" / "relais.db"


def test_the_store_and_the_master_copy_are_readable_by_their_owner_only(tmp_path: Path) -> None:
    """Both hold the shelters' hidden addresses: no other local user may read them."""
    from loaders.export import directory_rows, write_csv_folder, write_workbook

    store = SqliteStore(tmp_path / "relais.db")
    store.upsert(
        [Organisation(id="org-a", name="Organisation fictive", type="helpline", sector="associative", source="test")]
    )
    rows = directory_rows(store)
    write_workbook(rows, tmp_path / "copie.xlsx")
    write_csv_folder(rows, tmp_path / "csv")
    written = [tmp_path / "relais.db", tmp_path / "copie.xlsx", *(tmp_path / "csv").glob("*.csv")]
    written += list(tmp_path.glob("relais.db-*"))
    assert len(written) > 3
    assert all(p.stat().st_mode & 0o077 == 0 for p in written), [(p.name, oct(p.stat().st_mode)) for p in written]


def test_a_text_saved_before_a_rule_existed_still_loads(tmp_path: Path) -> None:
    """Records are read back without the input rules (a phone number in an old description, a control
    character): the store opens; the next save of that record is refused until it is corrected."""
    store = SqliteStore(tmp_path / "relais.db")
    org = Organisation(id="org-a", name="Organisation fictive", type="helpline", sector="associative", source="test")
    store.upsert([org])
    old = org.model_dump(mode="json") | {"description": "Permanence au 0470 12 34 56\x0b"}
    with sqlite3.connect(tmp_path / "relais.db") as db:  # as an older version of Relais would have saved it
        db.execute("UPDATE records SET data = ? WHERE kind = 'Organisation' AND id = 'org-a'", (json.dumps(old),))
    again = SqliteStore(tmp_path / "relais.db")
    assert again.get(Organisation, "org-a").description.startswith("Permanence au 0470")
    with pytest.raises(ValueError):
        Organisation.model_validate(old)
