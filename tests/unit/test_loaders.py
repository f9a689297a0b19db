"""`relais load`: every validation rule names file, sheet, row and column, exits non-zero and writes nothing."""

from __future__ import annotations

import csv
import shutil
from collections.abc import Iterator
from datetime import time
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from api.cli import app
from api.settings import get_settings
from graph.errors import InvalidInput
from graph.memory_store import MemoryStore
from graph.models import (
    Cooperation,
    CooperationKind,
    EventStatus,
    LinkStatus,
    Location,
    NewsPost,
    Organisation,
    Project,
    Registration,
    Service,
    Training,
    Visibility,
)
from graph.reference import Reference
from graph.sqlite_store import SqliteStore
from graph.usecases import import_directory
from loaders.directory import Directory, read_directory
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
    ("events", "ev-premiers-gestes-huy", {"kind": "colloque"}, "column kind", "Input should be", None),
    ("events", "ev-premiers-gestes-huy", {"starts_at": "13h30"}, "column starts_at", "is not a time of day", None),
    ("events", "ev-premiers-gestes-huy", {"ends_at": "12:00"}, "column ends_at", "an event ends after it starts", None),
    (
        "events",
        "ev-premiers-gestes-huy",
        {"registration_deadline": "2027-03-01"},
        "column registration_deadline",
        "registrations close on the day of the event at the latest",
        None,
    ),
    (
        "events",
        "ev-premiers-gestes-huy",
        {"location_id": "amb-h-9-site"},
        "column location_id",
        "unknown location",
        "amb-h-1-site",
    ),
    (
        "events",
        "ev-premiers-gestes-huy",
        {"audience_types": "hopital"},
        "column audience_types",
        "unknown organisation type",
        "hospital",
    ),
    (
        "events",
        "ev-premiers-gestes-huy",
        {"audience_sectors": "medicale"},
        "column audience_sectors",
        "unknown sector",
        "medical",
    ),
    ("events", "ev-premiers-gestes-huy", {"divisions": "namur"}, "column divisions", "unknown division «namur»", None),
    ("events", "ev-premiers-gestes-huy", {"project_id": "proj-x"}, "column project_id", "unknown project", None),
    ("events", "ev-premiers-gestes-huy", {"capacity": "six"}, "column capacity", "is not a whole number", None),
    ("events", "ev-premiers-gestes-huy", {"members_only": "peut-être"}, "column members_only", "is not yes/no", None),
    (
        "events",
        "ev-premiers-gestes-huy",
        {"terms": "sexual-violense"},
        "column terms",
        "unknown taxonomy code",
        "sexual-violence",
    ),
    (
        "events",
        "ev-premiers-gestes-huy",
        {"title": "Formation de Madame Dupont, née le 03/04/1980"},
        "column title",
        "",
        None,
    ),
    ("registrations", "gp-h-2", {"waiting": "4"}, "column waiting", "4 waiting is more than the 3 registered", None),
    ("registrations", "gp-h-2", {"participants": "0"}, "column participants", "greater than or equal to 1", None),
    (
        "registrations",
        "gp-h-2",
        {"event_id": "ev-premiers-gestes"},
        "column event_id",
        "unknown training",
        "ev-premiers-gestes-huy",
    ),
    ("registrations", "gp-h-2", {"organisation_id": "gp-h-99"}, "column organisation_id", "unknown organisation", None),
    ("projects", "proj-urgences-verviers", {"partners": "hosp-v-1"}, "column partners", "two partners or more", None),
    (
        "projects",
        "proj-urgences-verviers",
        {"partners": "hosp-v-1;hosp-v-1"},
        "column partners",
        "each partner once",
        None,
    ),
    (
        "projects",
        "proj-urgences-verviers",
        {"partners": "hosp-v-1;pva-v-9"},
        "column partners",
        "unknown organisation «pva-v-9»",
        "pva-v-1",
    ),
    (
        "projects",
        "proj-urgences-verviers",
        {"ends_on": "2025-01-01"},
        "column ends_on",
        "a project ends after it starts",
        None,
    ),
    ("projects", "proj-urgences-verviers", {"status": "ongoing"}, "column status", "Input should be", None),
    ("news", "news-ecoute-verviers", {"link": "example.org/x"}, "column link", "is not a web address", None),
    ("news", "news-ecoute-verviers", {"published_on": "20/11/2026"}, "column published_on", "is not a date", None),
    (
        "news",
        "news-ecoute-verviers",
        {"body_nl": "Bel 0470 12 34 56 voor mevrouw Janssens"},
        "column body_nl",
        "",
        None,
    ),
    ("news", "news-ecoute-verviers", {"body": ""}, "column body", "required cell is empty", None),
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


def test_the_platforms_events_news_and_projects_round_trip(tmp_path: Path, reference: Reference) -> None:
    directory = read_directory(DEMO, reference)
    by_id = {r.id: r for r in directory.records}
    full = by_id["ev-premiers-gestes-huy"]
    assert isinstance(full, Training)
    assert (full.starts_at, full.capacity, full.status, full.location_id) == (
        time(13, 30),
        6,
        EventStatus.FULL,
        "amb-h-1-site",
    )
    assert isinstance(meeting := by_id["ev-plateforme-verviers-mars"], Training) and meeting.members_only
    assert all(t.status is EventStatus.HELD for t in directory.records if isinstance(t, Training) and t.id[:2] == "t-")
    news = by_id["news-loi-et-plateformes"]
    assert isinstance(news, NewsPost) and news.title_in("nl").startswith("Een nieuwe wet")
    assert isinstance(project := by_id["proj-urgences-verviers"], Project) and project.partner_ids == (
        "hosp-v-1",
        "pva-v-2",
    )
    waiting = [(r.organisation_id, r.waiting) for r in directory.links if isinstance(r, Registration) and r.waiting]
    assert waiting == [("gp-h-2", 3)]

    store = MemoryStore()
    import_directory(directory, store, reference=reference)
    write_workbook(directory_rows(store), tmp_path / "annuaire.xlsx")
    again = read_directory(tmp_path / "annuaire.xlsx", reference)
    for kind in (Training, NewsPost, Project):
        assert sorted(r.content_hash() for r in again.records if isinstance(r, kind)) == sorted(
            r.content_hash() for r in directory.records if isinstance(r, kind)
        )

    def registrations(found: Directory) -> list[tuple[object, ...]]:
        return sorted((*r.key(), r.participants, r.waiting) for r in found.links if isinstance(r, Registration))

    assert registrations(again) == registrations(directory)


def test_the_former_trainings_sheet_is_still_read(tmp_path: Path, reference: Reference) -> None:
    rows = {
        "organisations": [{"id": "org-a", "name": "Organisation fictive A", "type": "helpline", "source": "fictif"}],
        "trainings": [
            {"id": "t-passee", "title": "Formation passée (fictive)", "held_on": "2024-05-02", "source": "fictif"},
            {"id": "t-a-venir", "title": "Formation à venir (fictive)", "held_on": "2099-05-02", "source": "fictif"},
        ],
        "attendances": [{"organisation_id": "org-a", "training_id": "t-passee", "participants": 2, "source": "fictif"}],
    }
    (tmp_path / "d.yaml").write_text(yaml.safe_dump(rows, allow_unicode=True), encoding="utf-8")
    trainings = {r.id: r for r in read_directory(tmp_path / "d.yaml", reference).records if isinstance(r, Training)}
    assert (trainings["t-passee"].status, trainings["t-a-venir"].status) == (EventStatus.HELD, EventStatus.PLANNED)

    rows["events"] = [{"id": "t-passee", "title": "Doublon fictif", "held_on": "2024-05-02", "source": "fictif"}]
    (tmp_path / "d.yaml").write_text(yaml.safe_dump(rows, allow_unicode=True), encoding="utf-8")
    with pytest.raises(InvalidInput) as twice:
        read_directory(tmp_path / "d.yaml", reference)
    assert [(p.sheet, p.column, p.message) for p in twice.value.problems] == [
        ("events", "id", "duplicate of trainings row 1")
    ]


def test_a_partial_file_may_name_a_project_the_store_holds(tmp_path: Path, reference: Reference) -> None:
    store = MemoryStore()
    import_directory(read_directory(DEMO, reference), store, reference=reference)
    rows: dict[str, list[dict[str, str | int]]] = {
        "events": [
            {
                "id": "ev-seance-projet",
                "title": "Séance du projet (fictive)",
                "kind": "project-session",
                "held_on": "2027-01-20",
                "project_id": "proj-urgences-verviers",
                "location_id": "hosp-v-1-site",
                "source": "fictif",
            }
        ],
        "registrations": [{"organisation_id": "pva-v-2", "event_id": "ev-premiers-gestes-huy", "participants": 1}],
    }
    (tmp_path / "d.yaml").write_text(yaml.safe_dump(rows, allow_unicode=True), encoding="utf-8")
    with pytest.raises(InvalidInput) as unsourced:
        read_directory(tmp_path / "d.yaml", reference, store)
    assert [(p.sheet, p.column) for p in unsourced.value.problems] == [("registrations", "source")]
    rows["registrations"][0]["source"] = "fictif"
    (tmp_path / "d.yaml").write_text(yaml.safe_dump(rows, allow_unicode=True), encoding="utf-8")
    partial = read_directory(tmp_path / "d.yaml", reference, store)
    assert [type(x).__name__ for x in [*partial.records, *partial.links]] == ["Training", "Registration"]
    with pytest.raises(InvalidInput) as alone:
        read_directory(tmp_path / "d.yaml", reference)  # without the store: the project is unknown
    assert {p.column for p in alone.value.problems} == {"project_id", "location_id", "organisation_id", "event_id"}


def test_the_empty_template_has_the_platforms_sheets(tmp_path: Path) -> None:
    assert runner.invoke(app, ["template", "-o", str(tmp_path / "modele.xlsx")]).exit_code == 0
    from openpyxl import load_workbook

    wb = load_workbook(tmp_path / "modele.xlsx")
    assert {"events", "registrations", "news", "projects"} <= set(wb.sheetnames)
    assert [c.value for c in wb["registrations"][1]] == [
        "organisation_id",
        "event_id",
        "participants",
        "waiting",
        "source",
        "verified_at",
    ]  # a head count, no column for a name
    assert wb["events"]["B1"].comment is not None and "Intitulé" in wb["events"]["B1"].comment.text
