"""`relais load` of other directories' HSDS 3.0 / 3.1 data: the specification's own examples, ndjson and
`Page`s, the coordination's mapping file, and one clear line per problem — never a Python exception."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from api.cli import app
from api.settings import get_settings
from graph.errors import InvalidInput
from graph.memory_store import MemoryStore
from graph.models import Location, Organisation, Service, Visibility
from graph.reference import Reference
from graph.usecases import import_directory
from loaders.directory import read_directory
from loaders.hsds import read_hsds

HSDS = Path(__file__).resolve().parents[1] / "hsds"
MAPPING = """[organisation]
type = "resource-centre"
[terms]
"taxonomy:code" = "partner-violence"
[communes]
"ABC 1234" = "62063"
"""
runner = CliRunner()


@pytest.fixture
def store_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    path = tmp_path / "store.db"
    monkeypatch.setenv("RELAIS_STORE_FILE", str(path))
    monkeypatch.delenv("RELAIS_NEO4J_URI", raising=False)
    monkeypatch.delenv("RELAIS_HSDS_MAPPING", raising=False)
    get_settings.cache_clear()
    yield path
    get_settings.cache_clear()


def example(tmp_path: Path, version: str, name: str, mapping: str | None = None) -> Path:
    folder = tmp_path / version
    folder.mkdir(exist_ok=True)
    path = folder / f"{name}.json"
    shutil.copy(HSDS / version / "examples" / f"{name}.json", path)
    if mapping is not None:
        (folder / "hsds-mapping.toml").write_text(mapping, encoding="utf-8")
    return path


@pytest.mark.parametrize("version", ["3.0", "3.1"])
@pytest.mark.parametrize("name", ["organization_full", "service_full"])
def test_specification_examples_name_what_the_mapping_lacks(
    store_file: Path, tmp_path: Path, version: str, name: str
) -> None:
    result = runner.invoke(app, ["load", str(example(tmp_path, version, name))])
    assert result.exit_code == 1, result.output
    lines = [line for line in result.output.splitlines() if line.strip().startswith("•")]
    assert len(lines) == 3, result.output  # organisation type, commune, term: one line each
    assert any("[organisation] type" in line for line in lines)
    assert any("postal_code = «ABC 1234 MyCity»: no commune: add it to [communes]" in line for line in lines)
    assert any("attributes[0].taxonomy_term = «taxonomy:code»: no Relais term in [terms]" in line for line in lines)
    assert all("document 1 (organization «Example Organization Inc.»)" in line for line in lines)
    assert "Traceback" not in result.output and "KeyError" not in result.output


@pytest.mark.parametrize("version", ["3.0", "3.1"])
@pytest.mark.parametrize("name", ["organization_full", "service_full"])
def test_specification_examples_load_with_a_mapping(store_file: Path, tmp_path: Path, version: str, name: str) -> None:
    result = runner.invoke(app, ["load", str(example(tmp_path, version, name, MAPPING))])
    assert result.exit_code == 0, result.output
    again = runner.invoke(app, ["load", str(example(tmp_path, version, name, MAPPING))])
    assert again.exit_code == 0 and "unchanged" in again.output  # the source's ids: an update, not a copy


def test_source_ids_terms_capacity_and_schedule_come_in(reference: Reference, tmp_path: Path) -> None:
    path = example(tmp_path, "3.1", "organization_full", MAPPING)
    source = json.loads(path.read_text(encoding="utf-8"))
    store = MemoryStore()
    import_directory(read_directory(path, reference), store, reference=reference)
    org = store.list(Organisation)[0]
    service = store.list(Service, clearance=Visibility.HIDDEN)[0]
    location = store.list(Location, clearance=Visibility.HIDDEN)[0]
    assert org.id == f"hsds-{source['id']}" and source["id"] in org.source
    assert service.id == f"hsds-{source['services'][0]['id']}" and service.situations == ("partner-violence",)
    assert service.capacity and (service.capacity.available, service.capacity.total) == (12, 12)
    assert [(s.days, s.opens.isoformat()) for s in service.schedule] == [(("TH", "FR"), "10:00:00")]
    assert location.visibility is Visibility.NETWORK and location.commune == "62063" and location.latitude is None
    everything = json.dumps([r.model_dump(mode="json") for r in (org, service, location)])
    assert "Ann Persona" not in everything and "A. Persona" not in everything  # the source's people stay out


def test_ndjson_page_and_service_at_location_documents(reference: Reference, tmp_path: Path) -> None:
    doc = json.loads((HSDS / "3.1" / "examples" / "service_at_location_full.json").read_text(encoding="utf-8"))
    (tmp_path / "hsds-mapping.toml").write_text(MAPPING, encoding="utf-8")
    page = tmp_path / "page.json"
    page.write_text(json.dumps({"total_items": 1, "page_number": 1, "contents": [doc]}), encoding="utf-8")
    lines = tmp_path / "lines.ndjson"
    lines.write_text(json.dumps(doc) + "\n\n", encoding="utf-8")
    kinds = [sorted(type(r).__name__ for r in read_hsds(p, reference)) for p in (page, lines)]
    assert kinds[0] == kinds[1] == ["Location", "Organisation", "Service"]


@pytest.mark.parametrize(
    ("content", "said"),
    [
        ("{not json", "not an HSDS JSON or ndjson file"),
        ("[1, 2]", "no HSDS organization, service or service_at_location document"),
        (
            json.dumps({"id": "o1", "name": "<script>x</script>", "description": "d", "services": [{"id": "s1"}]}),
            "services[0].name = null",
        ),
        (
            json.dumps(
                {
                    "id": "o1",
                    "name": "Org",
                    "description": "d",
                    "services": [
                        {
                            "id": "s1",
                            "name": "S",
                            "status": "active",
                            "capacities": [{"available": "many", "updated": "yesterday"}],
                            "languages": [{"code": "français"}],
                        }
                    ],
                }
            ),
            "services[0].capacities[0].updated = «yesterday»: not an ISO 8601 date-time",
        ),
    ],
)
def test_bad_data_is_one_clear_line_each(reference: Reference, tmp_path: Path, content: str, said: str) -> None:
    (tmp_path / "hsds-mapping.toml").write_text(MAPPING, encoding="utf-8")
    path = tmp_path / "bad.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(InvalidInput) as caught:
        read_hsds(path, reference)
    messages = [p.message for p in caught.value.problems]
    assert any(said in m for m in messages), messages
    assert all("\n" not in m and "Traceback" not in m for m in messages)
