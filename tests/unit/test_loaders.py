"""`relais load`: every validation rule names file, sheet, row and column, exits non-zero and writes nothing."""

from __future__ import annotations

import csv
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from api.cli import app
from api.settings import get_settings
from graph.memory_store import MemoryStore
from graph.models import Cooperation, CooperationKind, LinkStatus, Location, Organisation, Service, Visibility
from graph.reference import Reference
from graph.sqlite_store import SqliteStore
from graph.usecases import import_directory
from loaders.directory import read_directory
from loaders.export import directory_rows, write_csv_folder, write_workbook

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "data" / "demo"
runner = CliRunner()


@pytest.fixture
def store_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    path = tmp_path / "store.db"
    monkeypatch.setenv("RELAIS_STORE_FILE", str(path))
    monkeypatch.delenv("RELAIS_NEO4J_URI", raising=False)
    get_settings.cache_clear()
    yield path
    get_settings.cache_clear()


def nothing_stored(path: Path) -> bool:
    """No store file, or one holding no organisation (a refused load opens the store, writes nothing)."""
    if not path.exists():
        return True
    store = SqliteStore(path)
    try:
        return store.counts()["Organisation"] == 0
    finally:
        store.close()


def load(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, ["load", *args])
    return result.exit_code, result.output


def demo_copy(tmp_path: Path) -> Path:
    folder = tmp_path / "directory"
    shutil.copytree(DEMO, folder)
    return folder


def edit(folder: Path, sheet: str, row_id: str, **cells: str) -> int:
    """Change cells of the row whose first column is `row_id`; return its spreadsheet row number."""
    path = folder / f"{sheet}.csv"
    with path.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    fields = list(rows[0])
    number = next(i for i, r in enumerate(rows, start=2) if r[fields[0]] == row_id)
    rows[number - 2].update(cells)
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fields)
        writer.writeheader()
        writer.writerows(rows)
    return number


def test_demo_dry_run_exits_zero_with_summary(store_file: Path) -> None:
    code, out = load(str(DEMO), "--dry-run")
    assert code == 0, out
    assert "organisations" in out and "146" in out
    assert nothing_stored(store_file)


def test_loading_twice_changes_nothing_the_second_time(store_file: Path) -> None:
    code, first = load(str(DEMO))
    assert code == 0, first
    assert "│ Organisation    │ 146     │ 0" in first
    code, second = load(str(DEMO))
    assert code == 0
    assert "│ Organisation    │ 0       │ 0       │ 146" in second
    assert "│ COOPERATES_WITH │ 0       │ 0       │ 600" in second


BAD_CELLS = [
    ("locations", "amb-h-1-site", {"commune": "Huyy"}, "column commune", "unknown commune «Huyy»", "Huy"),
    ("locations", "amb-h-1-site", {"postcode": "4800"}, "column postcode", "postcode 4800 is not in Anthisnes", "4160"),
    (
        "services",
        "amb-h-1-svc",
        {"situations": "forced-mariage"},
        "column situations",
        "unknown situation code «forced-mariage»",
        "forced-marriage",
    ),
    ("services", "amb-h-1-svc", {"needs": "partner-violence"}, "column needs", "unknown need code", None),
    ("organisations", "amb-h-1", {"name": ""}, "column name", "required cell is empty", None),
    (
        "services",
        "shelter-h-1-svc",
        {"capacity_total": "beaucoup"},
        "column capacity_total",
        "is not a whole number",
        None,
    ),
    ("organisations", "amb-h-2", {"id": "amb-h-1"}, "column id", "duplicate of organisations row", None),
    ("services", "amb-h-1-svc", {"phone": "appelez-nous"}, "column phone", "is not a valid phone", None),
    ("services", "amb-h-1-svc", {"email": "contact-at-example"}, "column email", "is not a valid email", None),
    ("organisations", "amb-h-1", {"website": "example.org"}, "column website", "is not a web address", None),
    (
        "locations",
        "shelter-h-1-site",
        {"visibility": "public"},
        "column visibility",
        "a shelter's street address must never be public",
        None,
    ),
    ("organisations", "amb-h-1", {"verified_at": "2999-01-01"}, "column verified_at", "is in the future", None),
    ("organisations", "amb-h-1", {"verified_at": "31/12/2025"}, "column verified_at", "is not a date", None),
    ("organisations", "amb-h-1", {"type": "shelterr"}, "column type", "unknown organisation type", "shelter"),
    ("locations", "amb-h-1-site", {"visibility": "secret"}, "column visibility", "Input should be", None),
    ("services", "amb-h-1-svc", {"area_divisions": "namur"}, "column area_divisions", "unknown division", None),
]


@pytest.mark.parametrize(
    ("sheet", "row_id", "cells", "column", "message", "suggestion"),
    BAD_CELLS,
    ids=[f"{b[0]}-{next(iter(b[2]))}-{i}" for i, b in enumerate(BAD_CELLS)],
)
def test_bad_cell_is_named_and_nothing_written(
    tmp_path: Path,
    store_file: Path,
    sheet: str,
    row_id: str,
    cells: dict[str, str],
    column: str,
    message: str,
    suggestion: str | None,
) -> None:
    assert load(str(DEMO))[0] == 0
    before = store_file.read_bytes()
    folder = demo_copy(tmp_path)
    edit(folder, "organisations", "gp-h-1", name="Nom modifié fictif")  # a valid change that must not land
    number = edit(folder, sheet, row_id, **cells)
    code, out = load(str(folder))
    assert code == 1, out
    flat = " ".join(out.split())
    where = f"{folder / (sheet + '.csv')}, sheet {sheet}, row {number}, {column}: "
    assert where in flat, flat
    said = flat.split(where, 1)[1].split(" • ")[0]
    assert message in said
    if suggestion:
        assert suggestion in said.split(message, 1)[1]
    assert out.count(" • ") == 1
    assert store_file.read_bytes() == before


def test_link_to_unknown_organisation(tmp_path: Path, store_file: Path) -> None:
    folder = demo_copy(tmp_path)
    with (folder / "links.csv").open("a", encoding="utf-8") as f:
        f.write("cooperation,amb-h-1,amb-h-99,informal,,,,,,fictional,\n")
    code, out = load(str(folder))
    assert code == 1
    assert "sheet links, row 611, column to: refers to unknown organisation «amb-h-99»" in " ".join(out.split())
    assert nothing_stored(store_file)


def test_secret_address_reused_publicly_is_flagged(tmp_path: Path, store_file: Path) -> None:
    folder = demo_copy(tmp_path)
    edit(folder, "locations", "amb-h-1-site", address="Adresse secrète fictive shelter-h-1")
    code, out = load(str(folder))
    assert code == 1
    assert "this address is the secret address of location «shelter-h-1-site»" in " ".join(out.split())


def test_every_problem_reported_at_once(tmp_path: Path, store_file: Path) -> None:
    folder = demo_copy(tmp_path)
    edit(folder, "organisations", "amb-h-1", type="nope")
    edit(folder, "services", "amb-l-1-svc", needs="nope")
    edit(folder, "locations", "amb-v-1-site", commune="Nowhere")
    code, out = load(str(folder), "--dry-run")
    assert code == 1
    assert "3 problème(s)" in out


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("missing.xlsx", None, "file or folder not found"),
        ("directory.txt", b"hello", "unsupported format"),
        ("empty.xlsx", b"", "the file is empty"),
        ("broken.xlsx", b"not a zip", "not a readable .xlsx workbook"),
        ("broken.json", b"{", "not valid JSON"),
        ("list.yaml", b"- a\n- b\n", "expected a mapping"),
        ("sheet.yaml", b"people: []\n", "unknown sheet"),
        ("column.yaml", b"organisations:\n  - {id: a, victim_name: x}\n", "unknown column"),
        ("nothing.yaml", b"organisations: []\n", "no data rows"),
    ],
)
def test_bad_files_give_clear_errors(
    tmp_path: Path, store_file: Path, name: str, content: bytes | None, message: str
) -> None:
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    code, out = load(str(path))
    assert code == 1
    assert message in " ".join(out.split())
    assert "Traceback" not in out
    assert nothing_stored(store_file)


def test_a_50_mb_workbook_is_refused_clearly(tmp_path: Path, store_file: Path) -> None:
    path = tmp_path / "huge.xlsx"
    with path.open("wb") as f:
        f.truncate(50 * 1024 * 1024)
    code, out = load(str(path))
    assert code == 1
    assert "over the 25 MB limit" in " ".join(out.split())


def test_template_round_trip_changes_nothing(tmp_path: Path, reference: Reference) -> None:
    first = MemoryStore()
    import_directory(read_directory(DEMO, reference), first, reference=reference)
    pending = Cooperation(
        a="amb-h-1",
        b="gp-h-6",
        cooperation=CooperationKind.INFORMAL,
        status=LinkStatus.PENDING,
        requested_by="amb-h-1",
        source="test (fictional)",
    )
    first.add_links([pending])  # a cooperation declared by one end stays pending through an export
    rows = directory_rows(first)
    write_workbook(rows, tmp_path / "annuaire.xlsx")
    write_csv_folder(rows, tmp_path / "csv")
    for exported in (tmp_path / "annuaire.xlsx", tmp_path / "csv"):
        second = MemoryStore()
        import_directory(read_directory(exported, reference), second, reference=reference)
        assert directory_rows(second) == rows
        again = import_directory(read_directory(exported, reference), first, reference=reference)
        assert again.total.created == again.total.updated == 0


def test_yaml_and_json_are_accepted(tmp_path: Path, reference: Reference) -> None:
    import json

    rows = {
        "organisations": [
            {"id": "org-a", "name": "Organisation fictive A", "type": "helpline", "source": "test (fictional)"}
        ],
        "services": [
            {
                "id": "org-a-line",
                "organisation_id": "org-a",
                "name": "Ligne fictive",
                "situations": ["partner-violence"],
                "languages": ["fr", "nl"],
                "open_24_7": True,
                "source": "test (fictional)",
            }
        ],
    }
    (tmp_path / "d.json").write_text(json.dumps(rows), encoding="utf-8")
    directory = read_directory(tmp_path / "d.json", reference)
    service = next(r for r in directory.records if isinstance(r, Service))
    assert service.languages == ("fr", "nl") and service.open_24_7


def test_empty_template_is_written_and_reads_back(tmp_path: Path) -> None:
    result = runner.invoke(app, ["template", "-o", str(tmp_path / "modele.xlsx")])
    assert result.exit_code == 0
    from openpyxl import load_workbook

    wb = load_workbook(tmp_path / "modele.xlsx")
    assert wb.sheetnames[:3] == ["organisations", "locations", "services"]
    assert [c.value for c in wb["links"][1]][:3] == ["kind", "from", "to"]


def test_docs_match_the_template() -> None:
    from loaders.template import template_markdown

    assert (ROOT / "docs" / "directory-template.md").read_text(encoding="utf-8") == template_markdown()


def test_generator_is_seeded_and_loads(tmp_path: Path, reference: Reference) -> None:
    for out in ("a", "b"):
        result = runner.invoke(app, ["generate", "--orgs", "300", "--seed", "7", "-o", str(tmp_path / out)])
        assert result.exit_code == 0
    assert (tmp_path / "a" / "links.csv").read_bytes() == (tmp_path / "b" / "links.csv").read_bytes()
    directory = read_directory(tmp_path / "a", reference)
    assert len(directory.links) == 3000
    degrees = sorted(
        (sum(1 for x in directory.links if o.id in x.key()) for o in directory.records if isinstance(o, Organisation)),
        reverse=True,
    )
    assert degrees[0] > 2 * degrees[len(degrees) // 2]  # hubs exist
    assert all("fictive" in o.name for o in directory.records if isinstance(o, Organisation))


def test_shelter_locations_in_bundled_data_are_hidden(reference: Reference) -> None:
    for folder in (DEMO, ROOT / "data" / "liege"):
        directory = read_directory(folder, reference)
        orgs = {r.id: r for r in directory.records if isinstance(r, Organisation)}
        for loc in (r for r in directory.records if isinstance(r, Location)):
            if orgs[loc.organisation_id].type == "shelter":
                assert loc.visibility is Visibility.HIDDEN, loc.id
