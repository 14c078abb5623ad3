"""Intake files: reading CSV and XLSX, and row-by-row validation with spreadsheet row numbers."""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import openpyxl
import pytest

from grants.callspec import load_call_spec
from grants.errors import InvalidInput, UnreadableFile
from grants.i18n import format_money
from grants.intake import (
    COLUMNS,
    IntakeRow,
    RowError,
    ValidatedFile,
    check_columns,
    neutralize_formula,
    parse_amount,
    parse_local_datetime,
    read_table,
    validate_rows,
    write_error_report,
)

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "csf-2026.toml"
SPEC = load_call_spec(EXAMPLE)
TORONTO = ZoneInfo("America/Toronto")
HEADER = [name for name, _ in COLUMNS]
SUMMARY = (
    "Un refuge de transition et un accompagnement par des pairs pour les personnes survivantes "
    "de la traite dans le Nord-Est de l'Ontario."
)
FORMULA = '=HYPERLINK("http://x","y")'
XLSX_FORMULA = '=HYPERLINK("http://example.org","Cliquez ici")'
REGIONS_MESSAGE = "central, east, northeast, northwest, toronto, west"


def row(**overrides: str) -> dict[str, str]:
    """One valid application row with all 23 columns; keyword arguments replace cells."""
    cells = {
        "external_id": "PORTAL-000001",
        "submitted_at": "2026-02-17T14:05:00",
        "organization_name": "Centre communautaire Horizon",
        "organization_type": "nonprofit",
        "registration_number": "123456789RR0001",
        "organization_region": "northeast",
        "province": "ON",
        "indigenous_led": "non",
        "contact_name": "Marie Tremblay",
        "contact_email": "marie.tremblay@horizon.example.org",
        "board_members": "Alice Martin; Bob Chen",
        "key_staff": "Chantal Roy",
        "partner_organizations": "Service de police du Grand Sudbury",
        "project_title": "Parcours sûrs dans le Nord",
        "project_summary": SUMMARY,
        "stream": "csf",
        "regions_served": "northeast; northwest",
        "populations_served": "jeunes; femmes",
        "requested_amount": "125000",
        "total_budget": "180000",
        "start_date": "2026-06-01",
        "duration_months": "24",
        "language": "fr",
    }
    unknown = set(overrides) - set(cells)
    assert not unknown, f"not an intake column: {unknown}"
    return cells | overrides


def expected_row(**changes: Any) -> IntakeRow:
    """The IntakeRow that ``row()`` parses to, on spreadsheet row 2."""
    values: dict[str, Any] = {
        "row": 2,
        "external_id": "PORTAL-000001",
        "submitted_at": dt.datetime(2026, 2, 17, 14, 5, tzinfo=TORONTO),
        "organization_name": "Centre communautaire Horizon",
        "organization_type": "nonprofit",
        "registration_number": "123456789RR0001",
        "organization_region": "northeast",
        "province": "ON",
        "indigenous_led": False,
        "contact_name": "Marie Tremblay",
        "contact_email": "marie.tremblay@horizon.example.org",
        "board_members": ("Alice Martin", "Bob Chen"),
        "key_staff": ("Chantal Roy",),
        "partner_organizations": ("Service de police du Grand Sudbury",),
        "project_title": "Parcours sûrs dans le Nord",
        "project_summary": SUMMARY,
        "stream": "csf",
        "regions_served": ("northeast", "northwest"),
        "populations_served": ("jeunes", "femmes"),
        "requested_cents": 12_500_000,
        "total_budget_cents": 18_000_000,
        "start_date": dt.date(2026, 6, 1),
        "duration_months": 24,
        "language": "fr",
    }
    return IntakeRow(**(values | changes))


def write_csv(path: Path, rows: list[dict[str, str]], header: list[str] | None = None) -> Path:
    columns = header or HEADER
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    return path


def validate_csv(tmp_path: Path, rows: list[dict[str, str]]) -> ValidatedFile:
    return validate_rows(read_table(write_csv(tmp_path / "applications.csv", rows)), SPEC)


def problems(result: ValidatedFile) -> list[tuple[int, str, str, str]]:
    return [(e.row, e.column, e.value, e.reason_en) for e in result.errors]


# --- reading --------------------------------------------------------------------------------


def test_read_table_csv_cells_are_text_and_header_normalized(tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    path.write_text(" External_ID ,Requested_Amount\nPORTAL-1,00125000\nPORTAL-2,\n", encoding="utf-8")

    frame = read_table(path)

    assert list(frame.columns) == ["external_id", "requested_amount"]
    assert frame.to_dict(orient="records") == [
        {"external_id": "PORTAL-1", "requested_amount": "00125000"},
        {"external_id": "PORTAL-2", "requested_amount": ""},
    ]


def test_read_table_csv_with_byte_order_mark(tmp_path: Path) -> None:
    path = tmp_path / "excel.csv"
    path.write_bytes("external_id,language\nPORTAL-1,fr\n".encode("utf-8-sig"))

    frame = read_table(path)

    assert list(frame.columns) == ["external_id", "language"]


def test_read_table_csv_invalid_utf8_unreadable(tmp_path: Path) -> None:
    path = tmp_path / "latin1.csv"
    path.write_bytes(b"external_id,organization_name\nPORTAL-1,Soci\xe9t\xe9 \xff\xfe\n")

    with pytest.raises(UnreadableFile) as caught:
        read_table(path)

    assert caught.value.en == "latin1.csv: not UTF-8 text; save the file as CSV UTF-8"
    assert caught.value.fr == "latin1.csv : le texte n'est pas en UTF-8; enregistrez le fichier en CSV UTF-8"


def test_read_table_damaged_xlsx_unreadable(tmp_path: Path) -> None:
    path = tmp_path / "damaged.xlsx"
    path.write_bytes(bytes(range(256)) * 4)

    with pytest.raises(UnreadableFile) as caught:
        read_table(path)

    assert caught.value.en == "damaged.xlsx: cannot be read as XLSX (BadZipFile)"
    assert caught.value.fr == "damaged.xlsx : lecture impossible en XLSX (BadZipFile)"


def test_read_table_empty_csv_unreadable(tmp_path: Path) -> None:
    path = tmp_path / "empty.csv"
    path.write_bytes(b"")

    with pytest.raises(UnreadableFile) as caught:
        read_table(path)

    assert caught.value.en == "empty.csv: cannot be read as CSV (EmptyDataError)"


def test_read_table_unsupported_suffix_unreadable(tmp_path: Path) -> None:
    path = tmp_path / "applications.pdf"
    path.write_bytes(b"%PDF-1.7\n")

    with pytest.raises(UnreadableFile) as caught:
        read_table(path)

    assert caught.value.en == "applications.pdf: unsupported file type .pdf; use .csv or .xlsx"
    assert caught.value.fr == "applications.pdf : type de fichier .pdf non pris en charge; utilisez .csv ou .xlsx"


def test_read_table_no_suffix_unreadable(tmp_path: Path) -> None:
    path = tmp_path / "applications"
    path.write_text("external_id\n", encoding="utf-8")

    with pytest.raises(UnreadableFile) as caught:
        read_table(path)

    assert caught.value.en == "applications: unsupported file type (none); use .csv or .xlsx"


@pytest.mark.parametrize("name", ["missing.csv", "missing.xlsx"])
def test_read_table_missing_file_unreadable(tmp_path: Path, name: str) -> None:
    path = tmp_path / name

    with pytest.raises(UnreadableFile) as caught:
        read_table(path)

    assert (caught.value.en, caught.value.fr) == (f"{path}: file not found", f"{path} : fichier introuvable")


def test_read_table_xlsx_formula_kept_as_text_and_typed_cells_as_text(tmp_path: Path) -> None:
    path = tmp_path / "applications.xlsx"
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(HEADER)
    cells: dict[str, Any] = row()
    cells.update(
        submitted_at=dt.datetime(2026, 2, 17, 14, 5),
        requested_amount=125000,
        total_budget=180000.0,
        start_date=dt.datetime(2026, 6, 1),
        duration_months=24,
    )
    sheet.append([cells[name] for name in HEADER])
    title = sheet.cell(row=2, column=HEADER.index("project_title") + 1)
    title.value = XLSX_FORMULA
    assert title.data_type == "f"
    book.save(path)

    result = validate_rows(read_table(path), SPEC)

    assert result.errors == []
    assert result.rows == [expected_row(project_title=XLSX_FORMULA)]


def test_read_table_xlsx_decimal_amount_and_empty_cells(tmp_path: Path) -> None:
    path = tmp_path / "applications.xlsx"
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(HEADER)
    cells: dict[str, Any] = row(partner_organizations="")
    cells["requested_amount"] = 12500.5
    sheet.append([cells[name] or None for name in HEADER])
    book.save(path)

    result = validate_rows(read_table(path), SPEC)

    assert result.errors == []
    assert result.rows == [expected_row(requested_cents=1_250_050, partner_organizations=())]


# --- columns --------------------------------------------------------------------------------


def test_check_columns_missing_columns_listed_in_documented_order(tmp_path: Path) -> None:
    header = [c for c in HEADER if c not in {"language", "total_budget", "external_id"}]
    frame = read_table(write_csv(tmp_path / "a.csv", [row()], header))

    with pytest.raises(InvalidInput) as caught:
        check_columns(frame, source="a.csv")

    assert caught.value.en == "a.csv: missing column(s): external_id, total_budget, language"
    assert caught.value.fr == "a.csv : colonne(s) manquante(s) : external_id, total_budget, language"
    assert caught.value.field == "external_id"


def test_check_columns_optional_column_must_still_be_present(tmp_path: Path) -> None:
    header = [c for c in HEADER if c != "partner_organizations"]
    frame = read_table(write_csv(tmp_path / "a.csv", [row()], header))

    with pytest.raises(InvalidInput) as caught:
        check_columns(frame, source="a.csv")

    assert caught.value.en == "a.csv: missing column(s): partner_organizations"


def test_check_columns_all_present_accepted(tmp_path: Path) -> None:
    frame = read_table(write_csv(tmp_path / "a.csv", [row()]))

    result = check_columns(frame, source="a.csv")

    assert result is None


# --- a good row -----------------------------------------------------------------------------


def test_validate_rows_good_row_parsed_to_exact_values(tmp_path: Path) -> None:
    result = validate_csv(tmp_path, [row()])

    assert result.errors == []
    assert result.rows == [expected_row()]
    assert (result.total_rows, result.rejected_rows) == (1, 0)
    assert result.rows[0].submitted_at.utcoffset() == dt.timedelta(hours=-5)


def test_validate_rows_cells_are_normalized(tmp_path: Path) -> None:
    cells = row(
        organization_name="  Centre \u00a0communautaire   Horizon ",
        organization_type="NonProfit",
        registration_number=" 123456789rr0001 ",
        organization_region="NorthEast",
        province="on",
        indigenous_led="Oui",
        contact_email="Marie.Tremblay@Horizon.Example.ORG",
        board_members="Alice Martin;  Bob Chen ; ;Alice Martin",
        regions_served="NorthEast;Northwest",
        stream="CSF",
        language="FR",
    )

    result = validate_csv(tmp_path, [cells])

    assert result.errors == []
    assert result.rows == [expected_row(indigenous_led=True, contact_email="Marie.Tremblay@horizon.example.org")]


def test_validate_rows_optional_columns_may_be_empty(tmp_path: Path) -> None:
    cells = row(board_members="", key_staff="", partner_organizations="", project_summary="", populations_served="")

    result = validate_csv(tmp_path, [cells])

    assert result.errors == []
    assert result.rows == [
        expected_row(
            board_members=(), key_staff=(), partner_organizations=(), project_summary="", populations_served=()
        )
    ]


def test_validate_rows_regions_served_differing_in_case_kept_once(tmp_path: Path) -> None:
    result = validate_csv(tmp_path, [row(regions_served="Toronto; toronto; east")])

    assert result.rows == [expected_row(regions_served=("toronto", "east"))]


def test_validate_rows_formula_text_kept_exactly_as_plain_text(tmp_path: Path) -> None:
    result = validate_csv(tmp_path, [row(project_title=FORMULA)])

    assert result.errors == []
    assert result.rows == [expected_row(project_title=FORMULA)]


# --- bad rows -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "column", "reason_en"),
    [
        # wrong type
        ({"duration_months": "douze"}, "duration_months", "not a whole number"),
        (
            {"requested_amount": "cent mille"},
            "requested_amount",
            "not an amount in dollars (for example 125000 or 125000.50)",
        ),
        ({"start_date": "2026-13-01"}, "start_date", "not a date (YYYY-MM-DD)"),
        ({"submitted_at": "yesterday"}, "submitted_at", "not a date and time (for example 2026-02-17T14:05)"),
        ({"submitted_at": "2026-02-17"}, "submitted_at", "not a date and time (for example 2026-02-17T14:05)"),
        ({"submitted_at": ""}, "submitted_at", "not a date and time (for example 2026-02-17T14:05)"),
        ({"indigenous_led": "peut-être"}, "indigenous_led", "answer yes or no"),
        # out of range
        ({"requested_amount": "0"}, "requested_amount", "must be greater than zero"),
        ({"total_budget": "0,00"}, "total_budget", "must be greater than zero"),
        # A negative amount is read as a number, then refused as not positive.
        ({"requested_amount": "-5000"}, "requested_amount", "must be greater than zero"),
        ({"requested_amount": "100000000000"}, "requested_amount", "amount too large"),
        ({"requested_amount": "180000.01"}, "requested_amount", "greater than the project's total budget"),
        ({"duration_months": "0"}, "duration_months", "must be between 1 and 60"),
        ({"duration_months": "61"}, "duration_months", "must be between 1 and 60"),
        # unknown choices
        ({"stream": "arts"}, "stream", "unknown value; expected one of: csf, iif"),
        (
            {"organization_region": "yukon"},
            "organization_region",
            f"unknown value; expected one of: {REGIONS_MESSAGE}",
        ),
        (
            {"regions_served": "northeast; yukon; nunavik"},
            "regions_served",
            f"unknown region 'yukon'; expected: {REGIONS_MESSAGE}",
        ),
        ({"regions_served": " ; "}, "regions_served", "name at least one region"),
        ({"language": "es"}, "language", "unknown value; expected one of: en, fr"),
        (
            {"organization_type": "club"},
            "organization_type",
            "unknown value; expected one of: charity, for_profit, indigenous_community, indigenous_organization, "
            "individual, municipality, nonprofit, other",
        ),
        (
            {"province": "Ontario"},
            "province",
            "unknown value; expected one of: AB, BC, MB, NB, NL, NS, NT, NU, ON, PE, QC, SK, YT",
        ),
        # formats
        ({"contact_email": "marie.tremblay.horizon.org"}, "contact_email", "not a valid e-mail address"),
        ({"contact_email": FORMULA}, "contact_email", "not a valid e-mail address"),
        (
            {"registration_number": "12"},
            "registration_number",
            "not a charity or corporation number (for example 123456789RR0001)",
        ),
        (
            {"external_id": "PORTAL 1?"},
            "external_id",
            "use up to 64 letters, digits, '.', '_', '/' or '-'",
        ),
        # empty required text
        ({"organization_name": "   "}, "organization_name", "required value is empty"),
        ({"contact_name": ""}, "contact_name", "required value is empty"),
        ({"project_title": "\u00a0"}, "project_title", "required value is empty"),
        ({"external_id": ""}, "external_id", "required value is empty"),
        # too long
        ({"project_title": "x" * 251}, "project_title", "longer than 250 characters"),
        ({"key_staff": "y" * 201}, "key_staff", "an entry is longer than 200 characters"),
        (
            {"partner_organizations": "; ".join(f"Partner {n}" for n in range(51))},
            "partner_organizations",
            "more than 50 entries",
        ),
    ],
)
def test_validate_rows_bad_cell_rejected_with_exact_error(
    tmp_path: Path, overrides: dict[str, str], column: str, reason_en: str
) -> None:
    result = validate_csv(tmp_path, [row(**overrides)])

    assert result.rows == []
    assert problems(result) == [(2, column, overrides[column], reason_en)]
    assert result.rejected_rows == 1


def test_validate_rows_bad_cell_reason_also_in_french(tmp_path: Path) -> None:
    result = validate_csv(tmp_path, [row(duration_months="61", language="es")])

    assert result.errors == [
        RowError(2, "duration_months", "61", "must be between 1 and 60", "doit être entre 1 et 60"),
        RowError(
            2, "language", "es", "unknown value; expected one of: en, fr", "valeur inconnue; valeurs permises : en, fr"
        ),
    ]


def test_validate_rows_every_problem_of_a_row_reported(tmp_path: Path) -> None:
    cells = row(submitted_at="yesterday", contact_email="nobody", requested_amount="cent mille", start_date="bientôt")

    result = validate_csv(tmp_path, [cells])

    assert problems(result) == [
        (2, "submitted_at", "yesterday", "not a date and time (for example 2026-02-17T14:05)"),
        (2, "contact_email", "nobody", "not a valid e-mail address"),
        (2, "requested_amount", "cent mille", "not an amount in dollars (for example 125000 or 125000.50)"),
        (2, "start_date", "bientôt", "not a date (YYYY-MM-DD)"),
    ]
    assert result.rejected_rows == 1


def test_validate_rows_bad_row_does_not_stop_good_rows(tmp_path: Path) -> None:
    rows = [row(), row(external_id="PORTAL-000002", language="es"), row(external_id="PORTAL-000003")]

    result = validate_csv(tmp_path, rows)

    assert [(r.row, r.external_id) for r in result.rows] == [(2, "PORTAL-000001"), (4, "PORTAL-000003")]
    assert problems(result) == [(3, "language", "es", "unknown value; expected one of: en, fr")]
    assert (result.total_rows, result.rejected_rows) == (3, 1)


def test_validate_rows_row_numbers_are_spreadsheet_rows(tmp_path: Path) -> None:
    rows = [row(external_id=f"PORTAL-{n}") for n in range(1, 5)]
    rows[3]["contact_name"] = ""

    result = validate_csv(tmp_path, rows)

    assert [r.row for r in result.rows] == [2, 3, 4]
    assert problems(result) == [(5, "contact_name", "", "required value is empty")]


def test_validate_rows_blank_line_in_csv_keeps_spreadsheet_row_numbers(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "a.csv", [row()])
    with path.open("a", newline="", encoding="utf-8") as handle:
        handle.write("\r\n")
        csv.DictWriter(handle, fieldnames=HEADER).writerow(row(external_id="PORTAL-2", language="es"))

    result = validate_rows(read_table(path), SPEC)

    assert problems(result) == [(4, "language", "es", "unknown value; expected one of: en, fr")]
    assert (result.total_rows, result.rejected_rows) == (2, 1)


def test_validate_rows_row_of_empty_cells_keeps_spreadsheet_row_numbers(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "a.csv", [row(), dict.fromkeys(HEADER, ""), row(external_id="PORTAL-2", language="es")])

    result = validate_rows(read_table(path), SPEC)

    assert [r.row for r in result.rows] == [2]
    assert problems(result) == [(4, "language", "es", "unknown value; expected one of: en, fr")]
    assert (result.total_rows, result.rejected_rows) == (2, 1)


def test_validate_rows_duplicate_external_id_second_row_rejected(tmp_path: Path) -> None:
    rows = [row(), row(external_id="PORTAL-000002"), row(project_title="Une autre version")]

    result = validate_csv(tmp_path, rows)

    assert [(r.row, r.external_id) for r in result.rows] == [(2, "PORTAL-000001"), (3, "PORTAL-000002")]
    assert result.errors == [
        RowError(
            4,
            "external_id",
            "PORTAL-000001",
            "duplicate of row 2 (same external id)",
            "doublon de la ligne 2 (même identifiant externe)",
        )
    ]


def test_validate_rows_duplicate_of_a_rejected_row_accepted(tmp_path: Path) -> None:
    rows = [row(language="es"), row()]

    result = validate_csv(tmp_path, rows)

    assert [(r.row, r.external_id) for r in result.rows] == [(3, "PORTAL-000001")]
    assert problems(result) == [(2, "language", "es", "unknown value; expected one of: en, fr")]


# --- amounts and times ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "cents"),
    [
        ("12500", 1_250_000),
        ("12,500.00", 1_250_000),
        ("12 500,00 $", 1_250_000),
        ("$12500.5", 1_250_050),
        ("12\u202f500,00\u00a0$", 1_250_000),
        ("1,234,567.89", 123_456_789),
        ("12500,5", 1_250_050),
    ],
)
def test_validate_rows_amount_written_english_or_french_parsed_to_cents(
    tmp_path: Path, written: str, cents: int
) -> None:
    result = validate_csv(tmp_path, [row(requested_amount=written, total_budget="2000000")])

    assert result.errors == []
    assert [(r.requested_cents, r.total_budget_cents) for r in result.rows] == [(cents, 200_000_000)]


@pytest.mark.parametrize(
    ("written", "amount"),
    [
        ("12500", Decimal("12500")),
        ("12,500.00", Decimal("12500.00")),
        ("12 500,00 $", Decimal("12500.00")),
        ("$12500.5", Decimal("12500.5")),
        ("  300000  ", Decimal("300000")),
        ("0", Decimal("0")),
        ("-5000", Decimal("-5000")),
        ("-12 500,50 $", Decimal("-12500.50")),
    ],
)
def test_parse_amount_valid_forms(written: str, amount: Decimal) -> None:
    assert parse_amount(written) == amount


@pytest.mark.parametrize("written", ["cent mille", "", "-", "12.500,00", "12,5000", "1.234", "12500$$a"])
def test_parse_amount_invalid_forms_none(written: str) -> None:
    assert parse_amount(written) is None


def test_parse_amount_reads_french_format_money_output() -> None:
    written = format_money(1_250_050, "fr")

    assert parse_amount(written) == Decimal("12500.50")


@pytest.mark.parametrize(
    ("written", "offset"),
    [
        ("2026-02-17T14:05", dt.timedelta(hours=-5)),
        ("2026-02-17 14:05:00", dt.timedelta(hours=-5)),
        ("2026-07-15T10:00:00", dt.timedelta(hours=-4)),
    ],
)
def test_parse_local_datetime_without_offset_read_in_toronto(written: str, offset: dt.timedelta) -> None:
    moment = parse_local_datetime(written, TORONTO)

    assert moment is not None
    assert moment.utcoffset() == offset
    assert moment.replace(tzinfo=None) == dt.datetime.fromisoformat(written.replace(" ", "T"))


def test_parse_local_datetime_with_offset_kept() -> None:
    moment = parse_local_datetime("2026-03-13T21:00:00Z", TORONTO)

    assert moment == dt.datetime(2026, 3, 13, 17, 0, tzinfo=TORONTO)
    assert moment is not None
    assert moment.utcoffset() == dt.timedelta(0)


@pytest.mark.parametrize("written", ["", "   ", "yesterday", "2026-02-17", "2026-02-30T10:00"])
def test_parse_local_datetime_not_a_moment_none(written: str) -> None:
    assert parse_local_datetime(written, TORONTO) is None


def test_validate_rows_summer_submission_read_as_eastern_daylight_time(tmp_path: Path) -> None:
    result = validate_csv(tmp_path, [row(submitted_at="2026-07-15T10:00")])

    assert [r.submitted_at.isoformat() for r in result.rows] == ["2026-07-15T10:00:00-04:00"]


def test_validate_rows_winter_submission_read_as_eastern_standard_time(tmp_path: Path) -> None:
    result = validate_csv(tmp_path, [row(submitted_at="2026-02-17 14:05")])

    assert [r.submitted_at.isoformat() for r in result.rows] == ["2026-02-17T14:05:00-05:00"]


# --- source hash ----------------------------------------------------------------------------


def test_source_hash_ignores_row_number(tmp_path: Path) -> None:
    alone = validate_csv(tmp_path, [row()]).rows[0]
    later = validate_csv(tmp_path, [row(external_id="PORTAL-000009"), row()]).rows[1]

    assert (alone.row, later.row) == (2, 3)
    assert alone.source_hash() == later.source_hash()


def test_source_hash_changes_when_content_changes() -> None:
    original = expected_row()

    changed = [
        dataclasses.replace(original, requested_cents=12_500_001),
        dataclasses.replace(original, project_title="Parcours sûrs dans le Nord "),
        dataclasses.replace(original, regions_served=("northwest", "northeast")),
        dataclasses.replace(original, submitted_at=original.submitted_at + dt.timedelta(seconds=1)),
    ]

    hashes = {original.source_hash(), *(c.source_hash() for c in changed)}
    assert len(hashes) == 5


# --- formulas and the error report ----------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (FORMULA, "'" + FORMULA),
        ("+1+1", "'+1+1"),
        ("-5000", "'-5000"),
        ("@SUM(A1:A2)", "'@SUM(A1:A2)"),
        ("\tcmd", "'\tcmd"),
        ("\rcmd", "'\rcmd"),
        ("Centre Horizon", "Centre Horizon"),
        ("a=b", "a=b"),
        ("", ""),
    ],
)
def test_neutralize_formula_leading_trigger_gets_apostrophe(value: str, shown: str) -> None:
    assert neutralize_formula(value) == shown


def test_write_error_report_formula_neutralized_and_rows_sorted(tmp_path: Path) -> None:
    result = validate_csv(
        tmp_path,
        [
            row(language="es", contact_email=FORMULA),
            row(external_id="PORTAL-000002", requested_amount="-5000"),
        ],
    )
    errors = list(reversed(result.errors))

    report = write_error_report(tmp_path / "out" / "errors.csv", errors)

    assert report == tmp_path / "out" / "errors.csv"
    with report.open(encoding="utf-8-sig", newline="") as handle:
        lines = list(csv.reader(handle))
    assert lines == [
        ["row", "column", "value", "reason_en", "reason_fr"],
        ["2", "contact_email", "'" + FORMULA, "not a valid e-mail address", "adresse courriel non valide"],
        ["2", "language", "es", "unknown value; expected one of: en, fr", "valeur inconnue; valeurs permises : en, fr"],
        [
            "3",
            "requested_amount",
            "'-5000",
            "must be greater than zero",
            "doit être supérieur à zéro",
        ],
    ]
    assert not (tmp_path / "out" / "errors.csv.partial").exists()


def test_write_error_report_formula_in_project_title_neutralized(tmp_path: Path) -> None:
    long_title = FORMULA + "x" * 250
    result = validate_csv(tmp_path, [row(project_title=long_title)])
    assert result.errors == [
        RowError(2, "project_title", long_title, "longer than 250 characters", "dépasse 250 caractères")
    ]

    report = write_error_report(tmp_path / "errors.csv", result.errors)

    with report.open(encoding="utf-8-sig", newline="") as handle:
        lines = list(csv.reader(handle))
    assert lines[1:] == [
        ["2", "project_title", "'" + long_title, "longer than 250 characters", "dépasse 250 caractères"]
    ]


def test_write_error_report_no_errors_header_only(tmp_path: Path) -> None:
    report = write_error_report(tmp_path / "errors.csv", [])

    assert report.read_text(encoding="utf-8-sig").splitlines() == ["row,column,value,reason_en,reason_fr"]
