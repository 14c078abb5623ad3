"""The managers' report from a call's data: workbook sheets and charts."""

from __future__ import annotations

from pathlib import Path

import openpyxl
from sqlalchemy import Engine

from tests.factories import funded_application
from workflows.report import report_flow
from workflows.runtime import run_flow


def test_report_flow_writes_the_workbook_and_charts_in_french(sqlite_engine: Engine, tmp_path: Path) -> None:
    funded_application(sqlite_engine, tmp_path)

    files = run_flow(report_flow, call_code="csf-2026", out_dir=str(tmp_path / "report"), lang="fr")

    assert files.problem_en is None
    assert Path(files.workbook).name == "csf-2026-rapport.xlsx"
    book = openpyxl.load_workbook(files.workbook)
    assert book.sheetnames == ["Demandes par étape", "Décisions par volet et région", "Jalons et versements",
                               "Résultats"]  # fmt: skip
    assert [Path(c).name for c in files.charts] == [
        "applications-by-stage-fr.png",
        "funding-by-region-fr.png",
        "payments-by-status-fr.png",
        "outcomes-by-key-result-fr.png",
    ]
    assert all(Path(c).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" for c in files.charts)
    cells = [str(c.value) for row in book["Demandes par étape"].iter_rows() for c in row if c.value is not None]
    assert "<5" in cells  # one funded and four reviewed applications: every count is small
    assert "1" not in cells and "4" not in cells
