"""Intake files (CSV or XLSX): reading and row-by-row validation. Pure; no database.

Row numbers are the file's own line numbers as a spreadsheet shows them: the
header is row 1, the first application row 2.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

import pandas as pd

from grants.callspec import ORGANIZATION_TYPES, CallSpec
from grants.eligibility import PROVINCE_NAMES
from grants.tabular import (
    RowCheck,
    RowError,
    neutralize_formula,
    parse_amount,
    read_table,
    records,
    require_columns,
    write_csv_atomically,
)
from grants.tabular import write_error_report as _write_error_report

__all__ = [
    "COLUMNS",
    "EXPECTED_COLUMNS",
    "IntakeRow",
    "RowError",
    "ValidatedFile",
    "check_columns",
    "neutralize_formula",
    "parse_amount",
    "parse_local_datetime",
    "read_table",
    "validate_rows",
    "write_error_report",
    "write_token_file",
]

# (column, required) in the order the README documents them.
COLUMNS: tuple[tuple[str, bool], ...] = (
    ("external_id", True),
    ("submitted_at", True),
    ("organization_name", True),
    ("organization_type", True),
    ("registration_number", True),
    ("organization_region", True),
    ("province", True),
    ("indigenous_led", True),
    ("contact_name", True),
    ("contact_email", True),
    ("board_members", False),
    ("key_staff", False),
    ("partner_organizations", False),
    ("project_title", True),
    ("project_summary", False),
    ("stream", True),
    ("regions_served", True),
    ("populations_served", False),
    ("requested_amount", True),
    ("total_budget", True),
    ("start_date", True),
    ("duration_months", True),
    ("language", True),
)
REQUIRED_COLUMNS = tuple(name for name, required in COLUMNS if required)
# Columns that must be present in the file even when a row may leave them empty.
EXPECTED_COLUMNS = tuple(name for name, _ in COLUMNS)

PROVINCES = frozenset(PROVINCE_NAMES)
_EXTERNAL_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._/-]{0,63}$")
_REGISTRATION = re.compile(r"^[A-Z0-9][A-Z0-9 -]{2,31}$")
_TEXT_LIMITS = {
    "organization_name": 200,
    "contact_name": 120,
    "project_title": 250,
    "project_summary": 5000,
}


@dataclass(frozen=True)
class IntakeRow:
    """One valid application row, parsed into domain values."""

    row: int
    external_id: str
    submitted_at: dt.datetime
    organization_name: str
    organization_type: str
    registration_number: str
    organization_region: str
    province: str
    indigenous_led: bool
    contact_name: str
    contact_email: str
    board_members: tuple[str, ...]
    key_staff: tuple[str, ...]
    partner_organizations: tuple[str, ...]
    project_title: str
    project_summary: str
    stream: str
    regions_served: tuple[str, ...]
    populations_served: tuple[str, ...]
    requested_cents: int
    total_budget_cents: int
    start_date: dt.date
    duration_months: int
    language: str

    def source_hash(self) -> str:
        """Fingerprint of the submitted content, to tell a re-import from a changed row."""
        content = [getattr(self, f.name) for f in fields(self) if f.name != "row"]
        blob = json.dumps(content, default=str, ensure_ascii=False)
        return hashlib.sha256(blob.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class ValidatedFile:
    rows: list[IntakeRow]
    errors: list[RowError]
    total_rows: int

    @property
    def rejected_rows(self) -> int:
        return len({e.row for e in self.errors})


def check_columns(frame: pd.DataFrame, *, source: str) -> None:
    """Refuse a file that lacks any documented column (nothing is imported)."""
    require_columns(frame, EXPECTED_COLUMNS, source=source)


# --- validation -----------------------------------------------------------------------


def parse_local_datetime(raw: str, zone: dt.tzinfo) -> dt.datetime | None:
    """ISO 8601 date and time; without an offset it is read in the call's time zone."""
    text = raw.strip().replace(" ", "T", 1)
    if not text:
        return None
    try:
        value = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    if len(text) <= 10:  # a bare date is not a submission time
        return None
    return value.replace(tzinfo=zone) if value.tzinfo is None else value


def validate_rows(frame: pd.DataFrame, spec: CallSpec) -> ValidatedFile:
    """Check every row; good rows become :class:`IntakeRow`, bad ones :class:`RowError`."""
    zone = spec.zone
    streams = {s.code: s for s in spec.streams}
    regions = spec.region_codes
    seen: dict[str, int] = {}
    rows: list[IntakeRow] = []
    errors: list[RowError] = []
    total = 0
    for line, cells in records(frame):
        total += 1
        check = RowCheck(line, cells, text_limits=_TEXT_LIMITS)
        parsed = _validate_row(check, zone, streams, regions)
        if parsed is not None:
            first = seen.get(parsed.external_id)
            if first is not None:
                check.fail(
                    "external_id",
                    f"duplicate of row {first} (same external id)",
                    f"doublon de la ligne {first} (même identifiant externe)",
                )
            else:
                seen[parsed.external_id] = line
        if check.errors:
            errors.extend(check.errors)
        elif parsed is not None:
            rows.append(parsed)
    return ValidatedFile(rows=rows, errors=errors, total_rows=total)


def _validate_row(
    check: RowCheck, zone: dt.tzinfo, streams: dict[str, Any], regions: frozenset[str]
) -> IntakeRow | None:
    external_id = check.text("external_id", required=True)
    if external_id and not _EXTERNAL_ID.match(external_id):
        check.fail(
            "external_id",
            "use up to 64 letters, digits, '.', '_', '/' or '-'",
            "utilisez au plus 64 lettres, chiffres, « . », « _ », « / » ou « - »",
        )
    submitted_at = parse_local_datetime(check.cells.get("submitted_at", ""), zone)
    if submitted_at is None:
        check.fail(
            "submitted_at",
            "not a date and time (for example 2026-02-17T14:05)",
            "n'est pas une date et une heure (par exemple 2026-02-17T14:05)",
        )
    org_name = check.text("organization_name", required=True)
    org_type = check.choice("organization_type", ORGANIZATION_TYPES)
    registration = check.cells.get("registration_number", "").strip().upper()
    if not _REGISTRATION.match(registration):
        check.fail(
            "registration_number",
            "not a charity or corporation number (for example 123456789RR0001)",
            "n'est pas un numéro d'organisme de bienfaisance ou de société (par exemple 123456789RR0001)",
        )
    org_region = check.choice("organization_region", regions)
    province = check.choice("province", PROVINCES, lower=False)
    indigenous = check.yes_no("indigenous_led")
    contact_name = check.text("contact_name", required=True)
    contact_email = check.email("contact_email")
    board = check.items("board_members")
    staff = check.items("key_staff")
    partners = check.items("partner_organizations")
    title = check.text("project_title", required=True)
    summary = check.text("project_summary", required=False)
    stream = check.choice("stream", streams)
    served = check.codes("regions_served", regions, required=True, noun=("region", "région"))
    populations = check.items("populations_served")
    requested = check.money("requested_amount")
    budget = check.money("total_budget")
    if requested and budget and requested > budget:
        check.fail("requested_amount", "greater than the project's total budget", "supérieur au budget total du projet")
    start = check.date("start_date")
    duration = check.integer("duration_months", 1, 60)
    language = check.choice("language", {"fr": 1, "en": 1})
    if check.errors or submitted_at is None or start is None:
        return None
    return IntakeRow(
        row=check.row,
        external_id=external_id,
        submitted_at=submitted_at,
        organization_name=org_name,
        organization_type=org_type,
        registration_number=registration,
        organization_region=org_region,
        province=province,
        indigenous_led=indigenous,
        contact_name=contact_name,
        contact_email=contact_email,
        board_members=board,
        key_staff=staff,
        partner_organizations=partners,
        project_title=title,
        project_summary=summary,
        stream=stream,
        regions_served=served,
        populations_served=populations,
        requested_cents=requested,
        total_budget_cents=budget,
        start_date=start,
        duration_months=duration,
        language=language,
    )


def write_error_report(path: Path, errors: list[RowError]) -> Path:
    """CSV of rejected application rows: row, column, value, reason (English and French)."""
    return _write_error_report(path, errors, EXPECTED_COLUMNS)


def write_token_file(path: Path, tokens: list[dict[str, str]]) -> Path:
    """The applicants' access tokens, readable by the file's owner only: the one copy in clear."""
    frame = pd.DataFrame(tokens, columns=["reference", "external_id", "contact_email", "language", "access_token"])
    return write_csv_atomically(path, frame, private=True)
