"""Reading and checking tabular files (CSV or XLSX) row by row. Pure; no database.

Shared by every import (applications, reviewers, conflicts). Row numbers are the
file's rows as a spreadsheet shows them: the header is row 1, the first record row 2.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import pandas as pd
from email_validator import EmailNotValidError, validate_email

from grants.callspec import to_cents
from grants.errors import InvalidInput, UnreadableFile

LIST_SEPARATOR = ";"
YES = frozenset({"yes", "y", "oui", "o", "true", "vrai", "1"})
NO = frozenset({"no", "n", "non", "false", "faux", "0"})
_LIST_ITEM_LIMIT = 200
_LIST_LIMIT = 50
_SPACES = re.compile(r"[\s\u00a0\u202f]+")
_ATOM = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
_PLAIN_EMAIL = re.compile(rf"^(?=.{{3,254}}$){_ATOM}(?:\.{_ATOM})*@(?:{_LABEL}\.)+[A-Za-z]{{2,63}}$")


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    value: str
    reason_en: str
    reason_fr: str


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


def require_columns(frame: pd.DataFrame, expected: Sequence[str], *, source: str) -> None:
    """Refuse a file that lacks any of the expected columns (nothing is imported)."""
    present = set(frame.columns)
    missing = [c for c in expected if c not in present]
    if missing:
        raise InvalidInput(
            en=f"{source}: missing column(s): {', '.join(missing)}",
            fr=f"{source} : colonne(s) manquante(s) : {', '.join(missing)}",
            field=missing[0],
        )


def records(frame: pd.DataFrame) -> Iterator[tuple[int, dict[str, str]]]:
    """(spreadsheet row number, cells) for each non-blank row; blank rows keep their numbers."""
    names = [str(c) for c in frame.columns]
    columns = [[str(v) for v in frame[c].tolist()] for c in frame.columns]
    for index, record in enumerate(zip(*columns, strict=True)):
        if any(cell.strip() for cell in record):
            yield index + 2, dict(zip(names, record, strict=True))


# --- checking ------------------------------------------------------------------------


class RowCheck:
    """Collects the problems of one row while parsing its cells."""

    def __init__(self, row: int, cells: dict[str, str], *, text_limits: Mapping[str, int] | None = None) -> None:
        self.row = row
        self.cells = cells
        self.errors: list[RowError] = []
        self._limits = text_limits or {}

    def fail(self, column: str, en: str, fr: str) -> None:
        self.errors.append(RowError(self.row, column, self.cells.get(column, ""), en, fr))

    def text(self, column: str, *, required: bool) -> str:
        value = _SPACES.sub(" ", self.cells.get(column, "")).strip()
        if required and not value:
            self.fail(column, "required value is empty", "valeur obligatoire manquante")
        limit = self._limits.get(column)
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

    def codes(
        self, column: str, allowed: frozenset[str], *, required: bool, noun: tuple[str, str] = ("value", "valeur")
    ) -> tuple[str, ...]:
        """A list of codes from a fixed set (regions, languages...), lower-cased, each once.

        ``noun`` names one code in English and French for the messages, e.g. ("region", "région").
        """
        values = tuple(dict.fromkeys(v.lower() for v in self.items(column)))
        en, fr = noun
        if required and not values:
            self.fail(column, f"name at least one {en}", f"indiquez au moins une {fr}")
        unknown = [v for v in values if v not in allowed]
        if unknown:
            shown = ", ".join(sorted(allowed))
            self.fail(
                column,
                f"unknown {en} {unknown[0]!r}; expected: {shown}",
                f"{fr} inconnue {unknown[0]!r}; valeurs permises : {shown}",
            )
        return values

    def choice(self, column: str, allowed: frozenset[str] | Mapping[str, Any], *, lower: bool = True) -> str:
        value = self.cells.get(column, "").strip()
        value = value.lower() if lower else value.upper()
        if value not in allowed:
            shown = ", ".join(sorted(allowed))
            self.fail(
                column, f"unknown value; expected one of: {shown}", f"valeur inconnue; valeurs permises : {shown}"
            )
        return value

    def yes_no(self, column: str) -> bool:
        raw = self.cells.get(column, "").strip().lower()
        if raw not in YES | NO:
            self.fail(column, "answer yes or no", "répondez oui ou non")
        return raw in YES

    def email(self, column: str) -> str:
        raw = self.cells.get(column, "").strip()
        if _PLAIN_EMAIL.match(raw):  # the common case, checked without the full parser
            local, _, domain = raw.rpartition("@")
            return f"{local}@{domain.lower()}"
        try:
            return validate_email(raw, check_deliverability=False).normalized
        except EmailNotValidError:
            self.fail(column, "not a valid e-mail address", "adresse courriel non valide")
            return ""

    def money(self, column: str) -> int:
        amount = parse_amount(self.cells.get(column, ""))
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

    def date(self, column: str) -> dt.date | None:
        raw = self.cells.get(column, "").strip()
        try:
            return dt.date.fromisoformat(raw)
        except ValueError:
            self.fail(column, "not a date (YYYY-MM-DD)", "n'est pas une date (AAAA-MM-JJ)")
            return None

    def integer(self, column: str, low: int, high: int) -> int:
        raw = self.cells.get(column, "").strip()
        try:
            value = int(raw)
        except ValueError:
            self.fail(column, "not a whole number", "n'est pas un nombre entier")
            return 0
        if not low <= value <= high:
            self.fail(column, f"must be between {low} and {high}", f"doit être entre {low} et {high}")
        return value


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


# --- writing ------------------------------------------------------------------------


def neutralize_formula(value: str) -> str:
    """Text for a CSV a spreadsheet will open: a leading =, +, - or @ is never run."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def write_error_report(path: Path, errors: Sequence[RowError], columns: Sequence[str]) -> Path:
    """CSV of rejected rows: row, column, value, reason (English and French), in file order."""
    order = {name: i for i, name in enumerate(columns)}
    frame = pd.DataFrame(
        [
            {
                "row": e.row,
                "column": e.column,
                "value": neutralize_formula(e.value),
                "reason_en": e.reason_en,
                "reason_fr": e.reason_fr,
            }
            for e in sorted(errors, key=lambda e: (e.row, order.get(e.column, len(order))))
        ],
        columns=["row", "column", "value", "reason_en", "reason_fr"],
    )
    return write_csv_atomically(path, frame)


def write_csv_atomically(path: Path, frame: pd.DataFrame, *, private: bool = False) -> Path:
    """Write to a temporary name, then replace: a crash never leaves half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    frame.to_csv(partial, index=False, encoding="utf-8-sig")
    if private:
        partial.chmod(0o600)
    partial.replace(path)
    return path
