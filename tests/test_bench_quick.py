"""`relais bench --quick` runs in `make test`: it must produce its figures, not meet times."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from api.bench import TARGETS, question_mix
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
        after_edit = run[store]["after_edit"]
        assert (
            after_edit["capacity_update"]["n"] > 0 and after_edit["any_edit"]["n"] > after_edit["capacity_update"]["n"]
        )
        assert "http" not in run[store]  # HTTP only in a full run
    assert run["sqlite"]["write_all"]["p95_ms"] > 0 and run["sqlite"]["referral_alone"]["n"] > 0
    assert run["per_row_vs_batched"]["ratio"] > 0
    assert data["maps"]["1000"]["bytes"] < 500_000
    assert data["analysis"]["1000"]["centrality_s"] > 0 and data["analysis"]["1000"]["betweenness_sample"] is None
    targets = data["targets"]
    assert set(targets) == set(TARGETS)
    assert targets["map_1000_s"]["status"] in {"met", "missed"} and targets["map_1000_s"]["measured"] > 0
    not_done = {  # a quick run does 1k only, without HTTP
        "referral_p95_neo4j_100k_ms",
        "after_capacity_update_p95_neo4j_100k_ms",
        "after_any_edit_p95_neo4j_100k_ms",
        "restart_first_20s_p99_neo4j_10k_ms",
        "http_rps_100k",
        "http_p99_100k_ms",
        "worker_rss_100k_mb",
        "sqlite_write_p95_10k_ms",
        "sqlite_write_p95_100k_ms",
        "gap_analysis_5k_s",
    }
    assert {key: targets[key]["status"] for key in not_done} == dict.fromkeys(not_done, "not measured")
    assert (
        targets["gap_analysis_5k_s"]["target"] == "≤ 1 s"
        and targets["referral_p95_neo4j_100k_ms"]["target"] == "≤ 5 ms"
    )
    assert "a second identical load changes nothing" in result.output
    assert "first question after a capacity update" in result.output and "sqlite 1000: load" in result.output
