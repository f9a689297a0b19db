"""`relais bench --quick` runs in `make test`: it must produce its figures, not meet times."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from api.bench import question_mix
from api.cli import app


def test_quick_bench_writes_every_figure(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["bench", "--quick", "-o", str(tmp_path)], env={"COLUMNS": "160"})
    assert result.exit_code == 0, result.output
    (report,) = tmp_path.glob("bench-quick-*.json")
    data = json.loads(report.read_text())
    run = data["runs"]["1000"]
    asked = len(question_mix(50))  # every term in every division, then 50 of the profiles' questions
    for store in [s for s in ("memory", "neo4j") if s in run]:
        assert run[store]["second_load_changes"] == 0
        assert run[store]["load_rows_per_s"] > 0
        assert run[store]["referral_raw"]["n"] == asked and run[store]["referral_api"]["p95_ms"] > 0
        assert run[store]["referral_cold"]["n"] == asked and run[store]["gap_analysis_s"] > 0
    assert run["per_row_vs_batched"]["ratio"] > 0
    assert data["maps"]["1000"]["bytes"] < 500_000
    assert data["analysis"]["1000"]["centrality_s"] > 0 and data["analysis"]["1000"]["betweenness_sample"] is None
    assert set(data["targets"]) >= {"load_100k_s", "referral_p95_memory_10k_ms", "map_1000_s"}
    assert "a second identical load changes nothing" in result.output
