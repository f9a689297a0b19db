"""Files to rows: a workbook, a folder of CSV files, or YAML/JSON `{sheet: [rows]}`.

Rows are produced lazily and the source can be read twice (validate everything first, then import),
so a large CSV folder never sits whole in memory. A cell Relais neutralised on export (`'+32 4 …`,
see `graph.cells`) is read back as it was.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from graph.cells import restored
from graph.errors import InvalidInput, Problem
from loaders.template import MULTI_SEPARATOR, SHEETS

MAX_WHOLE_FILE_BYTES = 25 * 1024 * 1024
"""Workbooks and YAML/JSON are read whole; beyond this size the coordinator is asked for CSV files."""


@dataclass(frozen=True)
class Row:
    """One data row with where it came from (row 1 of a sheet is its header)."""

    file: str
    sheet: str
    number: int
    cells: dict[str, str]

    def problem(self, message: str, column: str | None = None, suggestions: tuple[str, ...] = ()) -> Problem:
        return Problem(
            message, file=self.file, sheet=self.sheet, row=self.number, column=column, suggestions=suggestions
        )


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return MULTI_SEPARATOR.join(_cell(v) for v in value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    if hasattr(value, "isoformat"):
        return str(value.isoformat())[:10] if not hasattr(value, "hour") or not value.hour else value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return restored(str(value).strip())


class DirectorySource:
    """A directory on disk, in any of the accepted formats; iterate `rows(sheet)` as often as needed."""

    def __init__(self, path: Path) -> None:
        self.path = path
        if not path.exists():
            raise InvalidInput([Problem("file or folder not found", file=str(path))])
        if path.is_dir():
            self.format = "csv"
            present = {p.stem: p for p in path.glob("*.csv")}
            unknown = sorted(set(present) - set(SHEETS))
            if unknown:
                raise InvalidInput(
                    [
                        Problem(
                            f"unknown sheet file {u}.csv (expected: {', '.join(SHEETS)})", file=str(path / f"{u}.csv")
                        )
                        for u in unknown
                    ]
                )
            if "organisations" not in present and not present:
                raise InvalidInput(
                    [Problem("no directory CSV files here (expected organisations.csv, …)", file=str(path))]
                )
            self._csv = present
            return
        suffix = path.suffix.lower()
        size = path.stat().st_size
        if size == 0:
            raise InvalidInput([Problem("the file is empty", file=str(path))])
        if suffix in {".xlsx", ".yaml", ".yml", ".json"} and size > MAX_WHOLE_FILE_BYTES:
            raise InvalidInput(
                [
                    Problem(
                        f"the file is {size // (1024 * 1024)} MB, over the {MAX_WHOLE_FILE_BYTES // (1024 * 1024)} MB "
                        "limit for workbooks and YAML/JSON; save the sheets as a folder of CSV files instead",
                        file=str(path),
                    )
                ]
            )
        if suffix == ".xlsx":
            self.format = "xlsx"
            self._sheets = self._read_xlsx()
        elif suffix in {".yaml", ".yml", ".json"}:
            self.format = "json" if suffix == ".json" else "yaml"
            self._sheets = self._read_mapping()
        else:
            raise InvalidInput(
                [
                    Problem(
                        f"unsupported format «{suffix or path.name}»: give a .xlsx workbook, a folder of .csv files, "
                        "or a .yaml/.json file",
                        file=str(path),
                    )
                ]
            )

    def _read_xlsx(self) -> dict[str, list[Row]]:
        from openpyxl import load_workbook

        try:
            workbook = load_workbook(self.path, read_only=True, data_only=True)
        except Exception as exc:  # openpyxl raises many types for a damaged file
            raise InvalidInput(
                [Problem(f"not a readable .xlsx workbook ({type(exc).__name__})", file=str(self.path))]
            ) from exc
        sheets: dict[str, list[Row]] = {}
        problems = []
        try:
            for ws in workbook.worksheets:
                if ws.title.startswith("_"):
                    continue
                if ws.title not in SHEETS:
                    problems.append(
                        Problem(f"unknown sheet (expected: {', '.join(SHEETS)})", file=str(self.path), sheet=ws.title)
                    )
                    continue
                values = ws.iter_rows(values_only=True)
                header = [_cell(h) for h in next(values, ())]
                rows = []
                for number, raw in enumerate(values, start=2):
                    cells = {h: _cell(v) for h, v in zip(header, raw, strict=False) if h}
                    if any(cells.values()):
                        rows.append(Row(str(self.path), ws.title, number, cells))
                problems += self._check_header(ws.title, header)
                sheets[ws.title] = rows
        finally:
            workbook.close()
        if problems:
            raise InvalidInput(problems)
        return sheets

    def _read_mapping(self) -> dict[str, list[Row]]:
        text = self.path.read_text(encoding="utf-8")
        try:
            data = json.loads(text) if self.format == "json" else yaml.safe_load(text)
        except (json.JSONDecodeError, yaml.YAMLError) as exc:
            raise InvalidInput([Problem(f"not valid {self.format.upper()}: {exc}", file=str(self.path))]) from exc
        if not isinstance(data, dict):
            raise InvalidInput([Problem("expected a mapping {sheet: [rows]}", file=str(self.path))])
        sheets: dict[str, list[Row]] = {}
        problems = []
        for sheet, items in data.items():
            if sheet not in SHEETS:
                problems.append(
                    Problem(f"unknown sheet (expected: {', '.join(SHEETS)})", file=str(self.path), sheet=str(sheet))
                )
                continue
            if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
                problems.append(Problem("expected a list of rows (mappings)", file=str(self.path), sheet=sheet))
                continue
            header = sorted({str(k) for item in items for k in item})
            problems += self._check_header(sheet, header)
            sheets[sheet] = [
                Row(str(self.path), sheet, n, {str(k): _cell(v) for k, v in item.items()})
                for n, item in enumerate(items, start=1)
            ]
        if problems:
            raise InvalidInput(problems)
        return sheets

    def _check_header(self, sheet: str, header: list[str], file: str | None = None) -> list[Problem]:
        known = {c.name for c in SHEETS[sheet]}
        return [
            Problem("unknown column", file=file or str(self.path), sheet=sheet, column=h)
            for h in header
            if h and h not in known
        ]

    def sheet_names(self) -> list[str]:
        present = self._csv if self.format == "csv" else self._sheets
        return [s for s in SHEETS if s in present]

    def rows(self, sheet: str) -> Iterator[Row]:
        if self.format != "csv":
            yield from self._sheets.get(sheet, [])
            return
        path = self._csv.get(sheet)
        if path is None:
            return
        with path.open(encoding="utf-8-sig", newline="") as f:
            reader = csv.reader(f)
            header = [h.strip() for h in next(reader, [])]
            problems = self._check_header(sheet, header, file=str(path))
            if problems:
                raise InvalidInput(problems)
            for number, raw in enumerate(reader, start=2):
                cells = {h: restored(v.strip()) for h, v in zip(header, raw, strict=False) if h}
                if any(cells.values()):
                    yield Row(str(path), sheet, number, cells)
