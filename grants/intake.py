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
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import pandas as pd
from email_validator import EmailNotValidError, validate_email

from grants.callspec import ORGANIZATION_TYPES, CallSpec, to_cents
from grants.eligibility import PROVINCE_NAMES
from grants.errors import InvalidInput, UnreadableFile

LIST_SEPARATOR = ";"

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
_YES = frozenset({"yes", "y", "oui", "o", "true", "vrai", "1"})
_NO = frozenset({"no", "n", "non", "false", "faux", "0"})
_EXTERNAL_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._/-]{0,63}$")
_REGISTRATION = re.compile(r"^[A-Z0-9][A-Z0-9 -]{2,31}$")
_TEXT_LIMITS = {
    "organization_name": 200,
    "contact_name": 120,
    "project_title": 250,
    "project_summary": 5000,
}
_LIST_ITEM_LIMIT = 200
_LIST_LIMIT = 50
_ATOM = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
_PLAIN_EMAIL = re.compile(rf"^(?=.{{3,254}}$){_ATOM}(?:\.{_ATOM})*@(?:{_LABEL}\.)+[A-Za-z]{{2,63}}$")
_SPACES = re.compile(r"[\s\u00a0\u202f]+")


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    value: str
    reason_en: str
    reason_fr: str


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


# --- reading ------------------------------------------------------------------------


def read_table(path: Path) -> pd.DataFrame:
    """Read a CSV or XLSX file as text cells; formulas are kept as their text."""
    suffix = path.suffix.lower()
    try:
        if suffix == ".csv":
            frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig", skip_blank_lines=False)
        elif suffix in {".xlsx", ".xlsm"}:
            frame = pd.read_excel(
                path, dtype=object, engine="openpyxl", engine_kwargs={"data_only": False}, keep_default_na=False
            )
            frame = frame.map(_cell_text)
        else:
            raise UnreadableFile(
                en=f"{path.name}: unsupported file type {suffix or '(none)'}; use .csv or .xlsx",
                fr=f"{path.name} : type de fichier {suffix or '(aucun)'} non pris en charge; utilisez .csv ou .xlsx",
            )
    except UnreadableFile:
        raise
    except FileNotFoundError:
        raise UnreadableFile(en=f"{path}: file not found", fr=f"{path} : fichier introuvable") from None
    except UnicodeDecodeError:
        raise UnreadableFile(
            en=f"{path.name}: not UTF-8 text; save the file as CSV UTF-8",
            fr=f"{path.name} : le texte n'est pas en UTF-8; enregistrez le fichier en CSV UTF-8",
        ) from None
    except Exception as exc:  # pandas and openpyxl raise many kinds for a damaged file
        raise UnreadableFile(
            en=f"{path.name}: cannot be read as {suffix.lstrip('.').upper()} ({type(exc).__name__})",
            fr=f"{path.name} : lecture impossible en {suffix.lstrip('.').upper()} ({type(exc).__name__})",
        ) from None
    frame.columns = [str(c).strip().lower() for c in frame.columns]
    return frame


def _cell_text(value: Any) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    if isinstance(value, dt.datetime):
        midnight = (value.hour, value.minute, value.second) == (0, 0, 0)
        return value.date().isoformat() if midnight else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def check_columns(frame: pd.DataFrame, *, source: str) -> None:
    """Refuse a file that lacks any documented column (nothing is imported)."""
    present = set(frame.columns)
    missing = [c for c in EXPECTED_COLUMNS if c not in present]
    if missing:
        raise InvalidInput(
            en=f"{source}: missing column(s): {', '.join(missing)}",
            fr=f"{source} : colonne(s) manquante(s) : {', '.join(missing)}",
            field=missing[0],
        )


# --- validation -----------------------------------------------------------------------


class _RowCheck:
    """Collects the problems of one row while parsing its cells."""

    def __init__(self, row: int, cells: dict[str, str]) -> None:
        self.row = row
        self.cells = cells
        self.errors: list[RowError] = []

    def fail(self, column: str, en: str, fr: str) -> None:
        self.errors.append(RowError(self.row, column, self.cells.get(column, ""), en, fr))

    def text(self, column: str, *, required: bool) -> str:
        value = _SPACES.sub(" ", self.cells.get(column, "")).strip()
        if required and not value:
            self.fail(column, "required value is empty", "valeur obligatoire manquante")
        limit = _TEXT_LIMITS.get(column)
        if limit and len(value) > limit:
            self.fail(column, f"longer than {limit} characters", f"dépasse {limit} caractères")
        return value

    def items(self, column: str) -> tuple[str, ...]:
        raw = self.cells.get(column, "")
        parts = (_SPACES.sub(" ", p).strip() for p in raw.split(LIST_SEPARATOR))
        items = tuple(dict.fromkeys(p for p in parts if p))
        if len(items) > _LIST_LIMIT:
            self.fail(column, f"more than {_LIST_LIMIT} entries", f"plus de {_LIST_LIMIT} éléments")
        if any(len(i) > _LIST_ITEM_LIMIT for i in items):
            self.fail(
                column,
                f"an entry is longer than {_LIST_ITEM_LIMIT} characters",
                f"un élément dépasse {_LIST_ITEM_LIMIT} caractères",
            )
        return items

    def choice(self, column: str, allowed: frozenset[str] | dict[str, Any], *, lower: bool = True) -> str:
        value = self.cells.get(column, "").strip()
        value = value.lower() if lower else value.upper()
        if value not in allowed:
            shown = ", ".join(sorted(allowed))
            self.fail(
                column, f"unknown value; expected one of: {shown}", f"valeur inconnue; valeurs permises : {shown}"
            )
        return value

    def money(self, column: str) -> int:
        raw = self.cells.get(column, "")
        amount = parse_amount(raw)
        if amount is None:
            self.fail(
                column,
                "not an amount in dollars (for example 125000 or 125000.50)",
                "n'est pas un montant en dollars (par exemple 125000 ou 125000,50)",
            )
            return 0
        if amount <= 0:
            self.fail(column, "must be greater than zero", "doit être supérieur à zéro")
        if amount >= Decimal("1e11"):
            self.fail(column, "amount too large", "montant trop élevé")
            return 0
        return to_cents(amount)


def parse_amount(raw: str) -> Decimal | None:
    """Dollars as written in English or French: 12500, 12,500.00, 12 500,00 $, $12500.5."""
    text = _SPACES.sub("", raw.strip()).replace("$", "")
    negative = text.startswith("-")
    text = text.removeprefix("-")
    if re.fullmatch(r"\d+(\.\d{1,2})?", text):
        normalized = text
    elif re.fullmatch(r"\d{1,3}(,\d{3})+(\.\d{1,2})?", text):
        normalized = text.replace(",", "")
    elif re.fullmatch(r"\d+,\d{1,2}", text):
        normalized = text.replace(",", ".")
    else:
        return None
    try:
        return -Decimal(normalized) if negative else Decimal(normalized)
    except InvalidOperation:
        return None


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
    names = [str(c) for c in frame.columns]
    columns = [[str(v) for v in frame[c].tolist()] for c in frame.columns]
    records = list(zip(*columns, strict=True)) if columns else []
    total = 0
    for index, record in enumerate(records):
        line = index + 2
        if not any(cell.strip() for cell in record):
            continue  # a blank line keeps its number but is no application
        total += 1
        check = _RowCheck(line, dict(zip(names, record, strict=True)))
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
    check: _RowCheck, zone: dt.tzinfo, streams: dict[str, Any], regions: frozenset[str]
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
    indigenous_raw = check.cells.get("indigenous_led", "").strip().lower()
    if indigenous_raw not in _YES | _NO:
        check.fail("indigenous_led", "answer yes or no", "répondez oui ou non")
    contact_name = check.text("contact_name", required=True)
    contact_email = _email(check)
    board = check.items("board_members")
    staff = check.items("key_staff")
    partners = check.items("partner_organizations")
    title = check.text("project_title", required=True)
    summary = check.text("project_summary", required=False)
    stream = check.choice("stream", streams)
    served = tuple(dict.fromkeys(r.lower() for r in check.items("regions_served")))
    if not served:
        check.fail("regions_served", "name at least one region", "indiquez au moins une région")
    unknown = [r for r in served if r not in regions]
    if unknown:
        check.fail(
            "regions_served",
            f"unknown region {unknown[0]!r}; expected: {', '.join(sorted(regions))}",
            f"région inconnue {unknown[0]!r}; valeurs permises : {', '.join(sorted(regions))}",
        )
    populations = check.items("populations_served")
    requested = check.money("requested_amount")
    budget = check.money("total_budget")
    if requested and budget and requested > budget:
        check.fail("requested_amount", "greater than the project's total budget", "supérieur au budget total du projet")
    start = _date(check, "start_date")
    duration = _int(check, "duration_months", 1, 60)
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
        indigenous_led=indigenous_raw in _YES,
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


def _email(check: _RowCheck) -> str:
    raw = check.cells.get("contact_email", "").strip()
    if _PLAIN_EMAIL.match(raw):  # the common case, checked without the full parser
        local, _, domain = raw.rpartition("@")
        return f"{local}@{domain.lower()}"
    try:
        return validate_email(raw, check_deliverability=False).normalized
    except EmailNotValidError:
        check.fail("contact_email", "not a valid e-mail address", "adresse courriel non valide")
        return ""


def _date(check: _RowCheck, column: str) -> dt.date | None:
    raw = check.cells.get(column, "").strip()
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        check.fail(column, "not a date (YYYY-MM-DD)", "n'est pas une date (AAAA-MM-JJ)")
        return None


def _int(check: _RowCheck, column: str, low: int, high: int) -> int:
    raw = check.cells.get(column, "").strip()
    try:
        value = int(raw)
    except ValueError:
        check.fail(column, "not a whole number", "n'est pas un nombre entier")
        return 0
    if not low <= value <= high:
        check.fail(column, f"must be between {low} and {high}", f"doit être entre {low} et {high}")
    return value


def neutralize_formula(value: str) -> str:
    """Text for a CSV a spreadsheet will open: a leading =, +, - or @ is never run."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def write_error_report(path: Path, errors: list[RowError]) -> Path:
    """CSV of rejected rows: row, column, value, reason (English and French)."""
    frame = pd.DataFrame(
        [
            {
                "row": e.row,
                "column": e.column,
                "value": neutralize_formula(e.value),
                "reason_en": e.reason_en,
                "reason_fr": e.reason_fr,
            }
            for e in sorted(errors, key=lambda e: (e.row, EXPECTED_COLUMNS.index(e.column)))
        ],
        columns=["row", "column", "value", "reason_en", "reason_fr"],
    )
    return _write_csv_atomically(path, frame)


def _write_csv_atomically(path: Path, frame: pd.DataFrame, *, private: bool = False) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    frame.to_csv(partial, index=False, encoding="utf-8-sig")
    if private:
        partial.chmod(0o600)
    partial.replace(path)
    return path


def write_token_file(path: Path, tokens: list[dict[str, str]]) -> Path:
    """The applicants' access tokens, readable by the file's owner only: the one copy in clear."""
    frame = pd.DataFrame(tokens, columns=["reference", "external_id", "contact_email", "language", "access_token"])
    return _write_csv_atomically(path, frame, private=True)
