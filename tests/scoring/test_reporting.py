"""Managers' reports: small-count suppression against three attacks, the workbook and the charts."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import openpyxl
import pandas as pd
import pytest
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle
from scipy.optimize import linprog

from scoring.reporting import (
    CHART_FILES,
    INDICATORS,
    KEY_RESULTS,
    ReportData,
    suppress,
    write_charts,
    write_workbook,
)

T = "T"  # the total row and column of the hand-made tables
NBSP, NNBSP = "\u00a0", "\u202f"
Cell = tuple[int, int]


def with_totals(rows: Sequence[Sequence[int]], *, total_row: bool = True) -> pd.DataFrame:
    """Rows r1, r2, ... and columns a, b, ... with a total column T (and a total row T)."""
    table = pd.DataFrame(
        [list(row) for row in rows],
        index=[f"r{i}" for i in range(1, len(rows) + 1)],
        columns=[chr(ord("a") + j) for j in range(len(rows[0]))],
    )
    table[T] = table.sum(axis=1)
    if total_row:
        table.loc[T] = table.sum(axis=0)
    return table


def published(rows: Sequence[str]) -> list[list[str]]:
    """An expected table written as one string per row: ``"<5 x 12 25"``."""
    return [row.split() for row in rows]


# --- the attacks --------------------------------------------------------------------------------------------


def equations(table: pd.DataFrame) -> list[tuple[list[Cell], Cell]]:
    """Each line (cells, total) of a table whose total row and column, when present, are labelled T."""
    rows, columns = list(table.index), list(table.columns)
    lines = []
    if T in columns:
        tc = columns.index(T)
        lines += [([(i, j) for j in range(len(columns)) if j != tc], (i, tc)) for i in range(len(rows))]
    if T in rows:
        tr = rows.index(T)
        lines += [([(i, j) for i in range(len(rows)) if i != tr], (tr, j)) for j in range(len(columns))]
    return lines


def text(table: pd.DataFrame, cell: Cell) -> str:
    return str(table.iat[cell])


def suppressed_cells(shown: pd.DataFrame) -> list[Cell]:
    return [(i, j) for i in range(shown.shape[0]) for j in range(shown.shape[1]) if not text(shown, (i, j)).isdigit()]


def differencing_attack(shown: pd.DataFrame) -> dict[Cell, int]:
    """The classic attack: a line with one unknown gives it (total minus the others); repeat with what it found."""
    cells = [(i, j) for i in range(shown.shape[0]) for j in range(shown.shape[1])]
    known = {cell: int(text(shown, cell)) for cell in cells if text(shown, cell).isdigit()}
    found: dict[Cell, int] = {}
    progress = True
    while progress:
        progress = False
        for members, total in equations(shown):
            unknown = [cell for cell in (*members, total) if cell not in known]
            if len(unknown) != 1:
                continue
            (cell,) = unknown
            rest = sum(known[m] for m in members if m != cell)
            known[cell] = found[cell] = (known[total] - rest) if cell != total else rest
            progress = True
    return found


def _system(shown: pd.DataFrame, unknown: list[Cell]) -> tuple[np.ndarray, np.ndarray]:
    index = {cell: k for k, cell in enumerate(unknown)}
    a, b = [], []
    for members, total in equations(shown):
        row, constant = np.zeros(len(unknown)), 0.0
        for cell in members:
            if cell in index:
                row[index[cell]] += 1
            else:
                constant -= int(text(shown, cell))
        if total in index:
            row[index[total]] -= 1
        else:
            constant += int(text(shown, total))
        if row.any():
            a.append(row)
            b.append(constant)
    return np.array(a).reshape(len(a), len(unknown)), np.array(b)


def linear_attack(shown: pd.DataFrame) -> list[Cell]:
    """Cells that some combination of lines (sums and differences of rows and columns) determines exactly."""
    unknown = suppressed_cells(shown)
    a, _b = _system(shown, unknown)
    rank = np.linalg.matrix_rank(a) if a.size else 0
    determined = []
    for k, cell in enumerate(unknown):
        unit = np.zeros((1, len(unknown)))
        unit[0, k] = 1
        if (np.linalg.matrix_rank(np.vstack([a, unit])) if a.size else 1) == rank:
            determined.append(cell)
    return determined


def bounds_attack(shown: pd.DataFrame, truth: pd.DataFrame, threshold: int = 5) -> list[Cell]:
    """Cells pinned by the lines and what the marks say: "<5" is 1..4, "x" is at least 5 (zeros are published).

    Also checks that the true value lies within the bounds found (the attacker's model is right).
    """
    unknown = suppressed_cells(shown)
    a, b = _system(shown, unknown)
    bounds = [(1, threshold - 1) if text(shown, cell) == f"<{threshold}" else (threshold, None) for cell in unknown]
    pinned = []
    for k, cell in enumerate(unknown):
        objective = np.zeros(len(unknown))
        objective[k] = 1
        kwargs: dict[str, Any] = {"A_eq": a, "b_eq": b} if len(a) else {}
        low = linprog(objective, bounds=bounds, method="highs", **kwargs)
        high = linprog(-objective, bounds=bounds, method="highs", **kwargs)
        assert low.status == 0
        top = np.inf if high.status == 3 else -high.fun
        assert low.fun - 1e-6 <= float(text(truth, cell)) <= top + 1e-6
        if top - low.fun < 0.5:
            pinned.append(cell)
    return pinned


def labels_alone(truth: pd.DataFrame, threshold: int = 5) -> pd.DataFrame:
    """Every positive cell suppressed: what the "<5" labels give away on their own (1+1+1+1 = "<5")."""
    return truth.map(lambda v: "0" if v == 0 else f"<{threshold}" if v < threshold else "x")


def assert_no_attack_recovers(shown: pd.DataFrame, truth: pd.DataFrame) -> None:
    assert differencing_attack(shown) == {}
    assert linear_attack(shown) == []
    assert bounds_attack(shown, truth) == []


# --- suppression --------------------------------------------------------------------------------------------


def test_suppress_one_small_cell_in_a_row_hides_a_two_by_two_block() -> None:
    truth = with_totals([[3, 10, 12], [8, 9, 20]])

    shown = suppress(truth, total_row=T, total_column=T)

    assert shown.values.tolist() == published(["<5 x 12 25", "x x 20 37", "11 19 32 62"])
    assert_no_attack_recovers(shown, truth)


def test_suppress_two_small_cells_in_a_row_complements_their_columns() -> None:
    truth = with_totals([[2, 3, 15], [6, 7, 9]])

    shown = suppress(truth, total_row=T, total_column=T)

    assert shown.values.tolist() == published(["<5 <5 15 20", "x x 9 22", "8 10 24 42"])
    assert_no_attack_recovers(shown, truth)


def test_suppress_complement_in_a_column_already_suppressed_protects_both_lines() -> None:
    # Small cells on the diagonal: row r1's complement (b) lands in column b, which r2 already opened.
    truth = with_totals([[2, 30, 40], [20, 3, 50], [25, 35, 4]])

    shown = suppress(truth, total_row=T, total_column=T)

    assert shown.values.tolist() == published(["<5 x x 72", "x <5 50 73", "x 35 <5 64", "47 68 94 209"])
    assert_no_attack_recovers(shown, truth)


def test_suppress_small_column_total_is_protected_by_another_column_total() -> None:
    truth = with_totals([[1, 12], [2, 15], [0, 20]])

    shown = suppress(truth, total_row=T, total_column=T)

    # Column a adds up to 3: its total is small too; the total row then needs a complement (b's total).
    assert shown.values.tolist() == published(["<5 x 13", "<5 x 17", "0 20 20", "<5 x 50"])
    assert_no_attack_recovers(shown, truth)


def test_suppress_small_cells_that_fill_their_row_total_hide_the_total() -> None:
    # "<5" + "<5" = 8 would say both are 4: the row total goes too (and one more row total to protect it).
    truth = with_totals([[4, 4, 0], [6, 7, 9]])
    line_rule_only = pd.DataFrame(published(["<5 <5 0 8", "x x 9 22", "10 11 9 30"]), truth.index, truth.columns)
    assert bounds_attack(line_rule_only, truth) != []

    shown = suppress(truth, total_row=T, total_column=T)

    assert shown.values.tolist() == published(["<5 <5 0 x", "x x 9 x", "10 11 9 30"])
    assert_no_attack_recovers(shown, truth)


def test_suppress_two_blocks_joined_by_one_cell_cannot_be_solved_by_summing_lines() -> None:
    # Every line holds two or more small cells, yet r1 + r2 - a - b isolates the cell (r2, c) joining the blocks.
    truth = with_totals([[1, 2, 10, 11], [3, 4, 2, 12], [13, 14, 1, 2], [15, 16, 3, 4]])
    primary_only = truth.map(lambda v: "<5" if 1 <= v < 5 else str(v))
    assert differencing_attack(primary_only) == {}
    assert (1, 2) in linear_attack(primary_only)

    shown = suppress(truth, total_row=T, total_column=T)

    assert shown.values.tolist() == published(
        ["<5 <5 x 11 24", "<5 <5 <5 12 21", "x 14 <5 <5 30", "15 16 <5 <5 38", "32 36 16 29 113"]
    )
    assert_no_attack_recovers(shown, truth)


def test_suppress_zero_is_published_and_never_a_complement() -> None:
    truth = with_totals([[3, 0, 9], [0, 0, 0]], total_row=False)

    shown = suppress(truth, total_row=None, total_column=T)

    assert shown.values.tolist() == published(["<5 0 x 12", "0 0 0 0"])
    assert_no_attack_recovers(shown, truth)


def test_suppress_rows_with_only_a_total_column_are_protected_row_by_row() -> None:
    truth = with_totals([[3, 12, 20], [2, 0, 0], [1, 1, 1]], total_row=False)

    shown = suppress(truth, total_row=None, total_column=T)

    assert shown.values.tolist() == published(["<5 x 20 35", "<5 0 0 <5", "<5 <5 <5 <5"])
    assert_no_attack_recovers(shown, truth)


def test_suppress_without_totals_only_marks_small_counts() -> None:
    truth = pd.DataFrame([[0, 4, 5], [1, 30, 2]], index=["r1", "r2"], columns=["a", "b", "c"])

    shown = suppress(truth, total_row=None, total_column=None)

    assert shown.values.tolist() == published(["0 <5 5", "<5 30 <5"])


def test_suppress_threshold_changes_the_mark() -> None:
    truth = with_totals([[9, 40], [12, 50]])

    shown = suppress(truth, threshold=10, total_row=T, total_column=T)

    assert shown.values.tolist() == published(["<10 x 49", "x x 62", "21 90 111"])


def test_suppress_line_of_ones_under_a_small_total_stays_as_the_labels_give_it() -> None:
    # Four "<5" adding up to "<5" can only be 1 + 1 + 1 + 1: no suppression changes that, and the rest is kept.
    truth = with_totals([[1, 1, 1, 1], [5, 6, 7, 8]], total_row=False)

    shown = suppress(truth, total_row=None, total_column=T)

    assert shown.values.tolist() == published(["<5 <5 <5 <5 <5", "5 6 7 8 26"])
    assert bounds_attack(shown, truth) == bounds_attack(labels_alone(truth), truth)


def test_suppress_random_tables_resist_every_attack() -> None:
    rng = np.random.default_rng(20260515)
    for _ in range(40):
        rows, columns = int(rng.integers(1, 5)), int(rng.integers(1, 6))
        inner = rng.choice([0, 1, 2, 3, 4, 5, 6, 9, 14, 30], size=(rows, columns))
        truth = with_totals(inner.tolist(), total_row=bool(rng.random() < 0.7))
        total_row = T if T in truth.index else None

        shown = suppress(truth, total_row=total_row, total_column=T)

        small = (truth >= 1) & (truth < 5)
        assert (shown[small] == "<5").sum().sum() == small.sum().sum()
        assert (shown[truth == 0] == "0").sum().sum() == (truth == 0).sum().sum()
        assert differencing_attack(shown) == {}
        assert linear_attack(shown) == []
        pinned = bounds_attack(shown, truth)
        assert not pinned or set(pinned) <= set(bounds_attack(labels_alone(truth), truth))


def test_suppress_totals_that_do_not_add_up_are_refused() -> None:
    truth = with_totals([[3, 10], [8, 9]])
    truth.loc["r1", T] = 14

    with pytest.raises(ValueError, match="do not add up"):
        suppress(truth, total_row=T, total_column=T)


def test_suppress_negative_or_fractional_counts_are_refused() -> None:
    for bad in (-1, 2.5):
        table = pd.DataFrame([[bad, 3]], index=["r1"], columns=["a", "b"])
        with pytest.raises(ValueError, match="whole numbers"):
            suppress(table, total_row=None, total_column=None)


# --- the results framework ----------------------------------------------------------------------------------


def test_key_results_are_the_strategys_six_in_both_languages() -> None:
    assert list(KEY_RESULTS) == [
        "accountability",
        "awareness",
        "integrated_services",
        "frontline_skills",
        "information_research",
        "public_attitudes",
    ]
    assert KEY_RESULTS["accountability"] == (
        "Les délinquants sont tenus responsables",
        "Offenders are held accountable",
    )
    assert KEY_RESULTS["public_attitudes"][0] == (
        "Changements d’attitudes et de comportements du public à l’égard de la traite des personnes"
    )


def test_indicators_each_belong_to_a_key_result_and_cover_all_six() -> None:
    assert {key_result for key_result, _fr, _en in INDICATORS.values()} == set(KEY_RESULTS)
    assert INDICATORS["survivors_referred"][0] == "integrated_services"
    assert INDICATORS["frontline_workers_trained"][0] == "frontline_skills"
    assert all(fr and en and fr != en for _key, fr, en in INDICATORS.values())


# --- the workbook -------------------------------------------------------------------------------------------

STREAMS = {"csf": ("Fonds de soutien communautaire", "Community Support Fund"),
           "iif": ("Fonds d'initiatives autochtones", "Indigenous Initiatives Fund")}  # fmt: skip
REGIONS = {"toronto": ("Toronto", "Toronto"), "east": ("Est", "East"), "north": ("Nord", "North")}
STAGES = {"submitted": ("soumise", "submitted"), "ineligible": ("non admissible", "ineligible"),
          "funded": ("financée", "funded")}  # fmt: skip


def report_data() -> ReportData:
    stages = pd.DataFrame(
        [("csf", "submitted", 20), ("csf", "ineligible", 3), ("csf", "funded", 12),
         ("iif", "submitted", 8), ("iif", "funded", 2)],
        columns=["stream", "stage", "count"],
    )  # fmt: skip
    decisions = pd.DataFrame(
        [("csf", "toronto", 12, 1_200_000_50, 3, 20), ("csf", "east", 9, 900_000_00, 0, 15),
         ("csf", "north", 7, 700_000_00, 0, 10), ("iif", "toronto", 6, 600_000_00, 0, 8),
         ("iif", "east", 5, 500_000_00, 0, 6), ("iif", "north", 2, 200_000_00, 0, 5)],
        columns=["stream", "region", "funded_count", "funded_amount_cents", "waitlisted_count", "declined_count"],
    )  # fmt: skip
    payments = pd.DataFrame(
        [("signing", "paid", 20, 500_000_00), ("interim", "paid", 6, 200_000_00),
         ("interim", "overdue", 2, 60_000_00), ("interim", "scheduled", 20, 800_000_00),
         ("final", "scheduled", 20, 400_000_00)],
        columns=["kind", "status", "count", "amount_cents"],
    )  # fmt: skip
    outcomes = pd.DataFrame(
        [("csf", "people_reached_awareness", 120), ("iif", "people_reached_awareness", 30),
         ("csf", "frontline_workers_trained", 3), ("iif", "frontline_workers_trained", 14),
         ("csf", "survivors_referred", 40), ("iif", "survivors_referred", 2),
         ("csf", "partnerships_formed", 2), ("iif", "partnerships_formed", 2),
         ("csf", "public_events_held", 0)],
        columns=["stream", "indicator", "value"],
    )  # fmt: skip
    return ReportData(
        stages=stages,
        decisions=decisions,
        payments=payments,
        outcomes=outcomes,
        stream_names=STREAMS,
        region_names=REGIONS,
        stage_names=STAGES,
        call_code="csf-2026",
    )


def block(sheet: Any, title: str, *, label_columns: int = 1) -> dict[str, dict[str, Any]]:
    """The table under ``title`` in column A: {row label: {column header: value}}."""
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    start = next(i for i, row in enumerate(rows) if row[0] == title)
    header = rows[start + 1]
    table = {}
    for row in rows[start + 2 :]:
        if row[0] is None:
            break
        label = row[label_columns - 1]
        table[label] = {header[j]: row[j] for j in range(label_columns, len(header)) if header[j] is not None}
    return table


@pytest.fixture(scope="module")
def workbooks(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    folder = tmp_path_factory.mktemp("workbooks")
    data = report_data()
    return {lang: openpyxl.load_workbook(write_workbook(folder / f"report-{lang}.xlsx", data, lang=lang))
            for lang in ("fr", "en")}  # fmt: skip


def test_write_workbook_sheets_are_titled_in_the_requested_language(workbooks: dict[str, Any]) -> None:
    assert workbooks["fr"].sheetnames == [
        "Demandes par étape",
        "Décisions par volet et région",
        "Jalons et versements",
        "Résultats",
    ]
    assert workbooks["en"].sheetnames == [
        "Applications by stage",
        "Decisions by stream and region",
        "Milestones and payments",
        "Outcomes",
    ]
    assert workbooks["fr"]["Résultats"]["A1"].value == "Résultats"
    assert workbooks["en"]["Outcomes"]["A2"].value == "Call csf-2026"


def test_write_workbook_stages_are_suppressed_with_totals(workbooks: dict[str, Any]) -> None:
    stages = block(workbooks["en"]["Applications by stage"], "Applications by stream and stage (number)")

    assert stages == {
        "Community Support Fund": {"Submitted": "x", "Ineligible": "<5", "Funded": "x", "Total": 35},
        "Indigenous Initiatives Fund": {"Submitted": "x", "Ineligible": 0, "Funded": "<5", "Total": 10},
        "Total": {"Submitted": 28, "Ineligible": "<5", "Funded": "x", "Total": 45},
    }


def test_write_workbook_decisions_hide_money_beside_suppressed_counts(workbooks: dict[str, Any]) -> None:
    sheet = workbooks["fr"]["Décisions par volet et région"]
    funded = block(sheet, "Projets financés (nombre)")
    money = block(sheet, "Montant accordé")

    assert funded == {
        "Fonds de soutien communautaire": {"Toronto": 12, "Est": "x", "Nord": "x", "Total": 28},
        "Fonds d'initiatives autochtones": {"Toronto": 6, "Est": "x", "Nord": "<5", "Total": 13},
        "Total": {"Toronto": 18, "Est": 14, "Nord": 9, "Total": 41},
    }
    assert money == {
        "Fonds de soutien communautaire": {"Toronto": 1_200_000.50, "Est": "—", "Nord": "—", "Total": 2_800_000.50},
        "Fonds d'initiatives autochtones": {"Toronto": 600_000, "Est": "—", "Nord": "—", "Total": 1_300_000},
        "Total": {"Toronto": 1_800_000.50, "Est": 1_400_000, "Nord": 900_000, "Total": 4_100_000.50},
    }
    assert block(sheet, "Demandes en liste d’attente (nombre)")["Total"] == {
        "Toronto": "<5", "Est": 0, "Nord": 0, "Total": "<5"
    }  # fmt: skip
    assert block(sheet, "Demandes refusées (nombre)")["Total"] == {"Toronto": 28, "Est": 21, "Nord": 15, "Total": 64}


def test_write_workbook_money_cells_are_numbers_with_a_currency_format(workbooks: dict[str, Any]) -> None:
    for lang, sheet_name, title in (
        ("fr", "Décisions par volet et région", "Montant accordé"),
        ("en", "Decisions by stream and region", "Amount funded"),
    ):
        sheet = workbooks[lang][sheet_name]
        row = next(r for r in range(1, sheet.max_row + 1) if sheet.cell(r, 1).value == title) + 2
        cell = sheet.cell(row, 2)
        assert cell.value == 1_200_000.50
        assert "$" in cell.number_format and "0.00" in cell.number_format
        count = sheet.cell(6, 2)  # funded projects, first stream, Toronto
        assert count.value == 12 and "$" not in count.number_format


def test_write_workbook_payments_by_kind_and_status(workbooks: dict[str, Any]) -> None:
    sheet = workbooks["en"]["Milestones and payments"]

    counts = block(sheet, "Milestones by type and status (number)")
    amounts = block(sheet, "Milestone amounts by type and status")

    assert counts == {
        "Initial payment (signing)": {"Scheduled": 0, "Overdue": 0, "Paid": 20, "Total": 20},
        "Interim report": {"Scheduled": 20, "Overdue": "<5", "Paid": "x", "Total": 28},
        "Final report": {"Scheduled": 20, "Overdue": 0, "Paid": 0, "Total": 20},
        "Total": {"Scheduled": 40, "Overdue": "<5", "Paid": "x", "Total": 68},
    }
    assert amounts["Interim report"] == {"Scheduled": 800_000, "Overdue": "—", "Paid": "—", "Total": 1_060_000}
    assert amounts["Total"] == {"Scheduled": 1_200_000, "Overdue": "—", "Paid": "—", "Total": 1_960_000}


def test_write_workbook_outcomes_by_key_result_and_stream(workbooks: dict[str, Any]) -> None:
    sheet = workbooks["en"]["Outcomes"]

    outcomes = block(sheet, "Indicators by key result and stream", label_columns=2)

    assert outcomes == {
        "People reached by awareness activities": {
            "Community Support Fund": 120, "Indigenous Initiatives Fund": 30, "Total": 150
        },
        "Referrals of survivors to services (count)": {
            "Community Support Fund": "x", "Indigenous Initiatives Fund": "<5", "Total": 42
        },
        "Service partnerships formed": {
            "Community Support Fund": "<5", "Indigenous Initiatives Fund": "<5", "Total": "<5"
        },
        "Front-line workers trained": {"Community Support Fund": "<5", "Indigenous Initiatives Fund": "x", "Total": 17},
        "Public events held": {"Community Support Fund": 0, "Indigenous Initiatives Fund": 0, "Total": 0},
    }  # fmt: skip
    key_results = [sheet.cell(r, 1).value for r in range(6, 11)]
    assert key_results[0] == KEY_RESULTS["awareness"][1]
    assert key_results[1] == KEY_RESULTS["integrated_services"][1]
    assert key_results[3] == KEY_RESULTS["frontline_skills"][1]


def test_write_workbook_notes_explain_the_marks_in_the_language(workbooks: dict[str, Any]) -> None:
    texts = [c for row in workbooks["fr"]["Demandes par étape"].iter_rows(values_only=True) for c in row if c]
    assert "« <5 » : nombre de 1 à 4, masqué pour protéger la vie privée. 0 : aucun." in texts


def test_write_workbook_replaces_an_existing_file_without_leaving_temporary_files(tmp_path: Path) -> None:
    path = tmp_path / "out" / "report.xlsx"
    path.parent.mkdir()
    path.write_bytes(b"an old report")

    returned = write_workbook(path, report_data(), lang="en")

    assert returned == path
    assert openpyxl.load_workbook(path).sheetnames[0] == "Applications by stage"
    assert sorted(p.name for p in path.parent.iterdir()) == ["report.xlsx"]


def test_write_workbook_unknown_codes_are_refused(tmp_path: Path) -> None:
    data = report_data()
    bad = replace(data, stages=pd.DataFrame([("csf", "lost", 3)], columns=["stream", "stage", "count"]))

    with pytest.raises(ValueError, match="no name for stage lost"):
        write_workbook(tmp_path / "r.xlsx", bad, lang="fr")
    assert not (tmp_path / "r.xlsx").exists()


def test_write_workbook_outcomes_without_streams_are_one_column_of_totals(tmp_path: Path) -> None:
    outcomes = pd.DataFrame(
        [("survivors_referred", "integrated_services", 9), ("public_events_held", "public_attitudes", 3),
         ("survivors_referred", "integrated_services", 4)],
        columns=["indicator", "key_result", "value"],
    )  # fmt: skip
    data = replace(report_data(), outcomes=outcomes)

    book = openpyxl.load_workbook(write_workbook(tmp_path / "r.xlsx", data, lang="fr"))

    assert block(book["Résultats"], "Indicateurs par résultat principal et par volet", label_columns=2) == {
        "Orientations de personnes survivantes vers des services (nombre)": {"Total": 13},
        "Activités publiques tenues": {"Total": "<5"},
    }


def test_write_workbook_indicator_under_the_wrong_key_result_is_refused(tmp_path: Path) -> None:
    data = report_data()
    outcomes = pd.DataFrame([("survivors_referred", "awareness", 9)], columns=["indicator", "key_result", "value"])

    with pytest.raises(ValueError, match="survivors_referred belongs to integrated_services"):
        write_workbook(tmp_path / "r.xlsx", replace(data, outcomes=outcomes), lang="en")


# --- the charts ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def charts(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """Both languages' charts, with the figures as they were saved (to read what was drawn)."""
    folder = tmp_path_factory.mktemp("charts")
    figures: list[Figure] = []
    save = Figure.savefig

    def keep(figure: Figure, *args: Any, **kwargs: Any) -> None:
        figures.append(figure)
        save(figure, *args, **kwargs)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(Figure, "savefig", keep)
        paths = {lang: write_charts(folder, report_data(), lang=lang) for lang in ("fr", "en")}
    yield {
        "folder": folder,
        "paths": paths,
        "figures": dict(zip(["fr", "en"], [figures[:4], figures[4:]], strict=True)),
    }


def drawn(figure: Figure, *, horizontal: bool = False) -> list[tuple[list[tuple[float, str | None]], list[str]]]:
    """Per plot: its bars (height, or length when horizontal, and hatch) and the labels written on it."""
    plots = []
    for ax in figure.axes:
        rectangles = [p for p in ax.patches if isinstance(p, Rectangle)]
        bars: list[tuple[float, str | None]] = [
            (round(p.get_width() if horizontal else p.get_height(), 2), p.get_hatch()) for p in rectangles
        ]
        plots.append((bars, [t.get_text() for t in ax.texts]))
    return plots


def test_write_charts_writes_one_png_per_chart_and_language(charts: dict[str, Any]) -> None:
    names = [[p.name for p in charts["paths"][lang]] for lang in ("fr", "en")]

    assert names == [[f"{stem}-{lang}.png" for stem in CHART_FILES] for lang in ("fr", "en")]
    assert list(CHART_FILES) == ["applications-by-stage", "funding-by-region", "payments-by-status",
                                 "outcomes-by-key-result"]  # fmt: skip
    for path in charts["paths"]["fr"] + charts["paths"]["en"]:
        assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert sorted(p.name for p in charts["folder"].iterdir()) == sorted(name for per_lang in names for name in per_lang)


def test_write_charts_titles_and_axes_are_in_the_language(charts: dict[str, Any]) -> None:
    fr, en = charts["figures"]["fr"], charts["figures"]["en"]

    assert fr[0].get_suptitle() == "Demandes par étape et par volet"
    assert en[0].get_suptitle() == "Applications by stage and stream"
    assert fr[1].axes[0].get_xlabel() == "Région" and en[1].axes[0].get_ylabel() == "Amount funded"
    assert en[3].get_suptitle() == "Outcomes by key result"
    assert [t.get_text() for t in fr[1].axes[0].get_xticklabels()] == ["Toronto", "Est", "Nord"]


def test_write_charts_draw_suppressed_counts_only_as_marks(charts: dict[str, Any]) -> None:
    stages, _funding, payments, outcomes = charts["figures"]["en"]

    # csf: x, <5, x; iif: x, 0, <5; all streams: 28, <5, x. "<5" is a hatched bar of height 5 whatever the count.
    assert drawn(stages) == [
        ([(5.0, "///"), (0.0, None), (5.0, "///"), (28.0, None), (5.0, "///")],
         ["x", "<5", "x", "x", "<5", "28", "<5", "x"])
    ]  # fmt: skip
    counts, amounts = drawn(payments)
    assert counts[1] == ["20", "20", "<5", "x", "20", "40", "<5", "x"]
    assert "—" in amounts[1] and not any(text in amounts[1] for text in ("$60,000", "$200,000"))
    assert drawn(outcomes, horizontal=True) == [
        ([(150.0, None), (42.0, None), (5.0, "///"), (17.0, None), (0.0, None)], ["150", "42", "<5", "17", "0"])
    ]


def test_write_charts_never_plot_a_hidden_amount(charts: dict[str, Any]) -> None:
    _stages, funding, _payments, _outcomes = charts["figures"]["fr"]

    ((bars, labels),) = drawn(funding)

    # Only Toronto (both streams) and the all-streams totals are published; east and north are hidden per stream.
    assert sorted(height for height, _hatch in bars) == sorted(
        [1_200_000.50, 600_000, 1_800_000.50, 1_400_000, 900_000]
    )
    assert labels.count("—") == 4
    assert f"900{NNBSP}000{NBSP}$" in labels  # the north total, published
    assert not any(f"{k}{NNBSP}000{NBSP}$" in labels for k in (700, 500, 200))  # hidden per stream
