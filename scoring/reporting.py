"""Reports for fund managers: an XLSX workbook and PNG charts, with small counts suppressed.

Pure over plain data: the caller builds a ``ReportData`` of pandas frames from the database; ``write_workbook``
and ``write_charts`` write files (each atomically: a temporary file in the same folder, then ``os.replace``);
``draw_chart`` gives one chart's PNG bytes.
``suppress`` is the disclosure control both of them use, and ``KEY_RESULTS`` / ``INDICATORS`` name the
strategy's results framework (milestone reports are validated against ``INDICATORS``).

Suppression rules (``suppress``; threshold t = 5 by default)
- Primary: a count from 1 to t-1 is shown as ``"<5"``. Zero is published as ``0``: it tells nothing about
  anyone, and every other cell is shown as its number.
- A *line* is a row or a column that has a published total (its cell in ``total_column`` / ``total_row``);
  the total row and the total column are lines too (the column totals add up to the grand total). The
  line's equation is: its cells add up to its total.
- Complementary: a line in which exactly one cell (its total included) is suppressed would give that cell
  away (total minus the others), so its next smallest positive published cell is suppressed too, shown as
  ``"x"``; this repeats until no line has exactly one suppressed cell. Ties go to a cell whose other line
  already has a suppressed cell (fewer cells lost), then to the first in reading order. Complements are
  taken among the line's cells first and among totals only when no cell is left: totals stay published
  unless they are small themselves, or a small total needs a complement (a small column total in the total
  row is protected by suppressing another column total, never the grand total unless nothing else is left).
- Zero is never a complement: a reader who knows the rules knows an ``"x"`` is at least t (the counts below
  t are ``"<t"``), so an ``"x"`` that could be 0 would be told apart from one that could not.
- Audit: a line rule alone is not enough (two protected blocks joined by a single suppressed cell give that
  cell away through sums of lines; ``"<5" + "<5" = 8`` gives both as 4). So the result is checked the way a
  careful attacker would read it: each suppressed cell's smallest and largest possible value, by linear
  programming over every published figure and equation, with ``"<t"`` in [1, t-1] and ``"x"`` in [t, ∞).
  (The tables are network flows, so these bounds are whole numbers and attained.) A cell whose bounds meet
  is protected by suppressing one more cell of its lines (the first, smallest first, that frees it; a
  total when no cell is left), and the whole procedure repeats until no suppressed cell can be pinned.
  Limit: a line made only of small counts, whose total is small too, can give itself away through the labels
  alone (four cells ``"<5"`` adding up to ``"<5"`` can only be 1+1+1+1); no suppression changes that, so
  such a cell is left as it is (it is rare: four counts of 1 in one row or column and nothing else).
- ``suppress`` protects one table. The workbook's tables are protected each on its own; a figure that two
  tables share (a stream's funded count in both the stages and the decisions sheets, before any agreement
  is signed) is suppressed in both when it is small, but a complement chosen in one is not carried over.

Money
- Money is never suppressed for its size (a small amount is not a small count of anything). But an amount
  sits beside a count of the same things (the money funded in a stream and region, the money of the
  milestones of a kind and status); where that count is suppressed (``"<5"`` or ``"x"``) the amount is shown
  as ``"—"``, since one award's amount, or an amount divided by the smallest possible request, would give
  the count back. The hidden amounts follow the counts' pattern, so their totals cannot be differenced
  either (they can only be bounded, e.g. by the call's minimum and maximum request).
- In the workbook amounts are numbers (dollars) with an Excel currency format; counts are whole numbers.

Charts
- Charts are drawn from the suppressed tables only (the true values never reach the plotting code): a
  ``"<5"`` is a hatched bar of height t labelled ``"<5"`` (whatever the value), an ``"x"`` or ``"—"`` draws
  no bar, only its label; a note under the chart explains the marks.
"""

from __future__ import annotations

import io
import math
import os
import textwrap
import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Patch
from matplotlib.ticker import FuncFormatter
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet
from scipy.optimize import linprog

from grants.i18n import format_money

Lang = Literal["fr", "en"]
Cell = tuple[int, int]

SECONDARY = "x"  # a count suppressed so that a small count cannot be recovered from a total
HIDDEN_MONEY = "—"  # an amount hidden because its count is suppressed
TOTAL = "__total__"  # the code of total rows and columns in the tables built here

# The strategy's six key results: code -> (French, English). French wording from the strategy's overview.
KEY_RESULTS: dict[str, tuple[str, str]] = {
    "accountability": (
        "Les délinquants sont tenus responsables",
        "Offenders are held accountable",
    ),
    "awareness": (
        "Connaissance et compréhension accrues, parmi les groupes à risque et ciblés, des signes et des "
        "tendances liés à la traite des personnes",
        "Increased awareness and understanding, among at-risk and targeted groups, of the signs and patterns "
        "of human trafficking",
    ),
    "integrated_services": (
        "Services intégrés pour les personnes survivantes allant du soutien aux services policiers et aux poursuites",
        "Integrated services for survivors, from support to policing and prosecution",
    ),
    "frontline_skills": (
        "Compétences et outils pour les professionnels de première ligne pour identifier les victimes de la "
        "traite des personnes et les activités qui y sont liées",
        "Skills and tools for front-line professionals to identify victims of human trafficking and related activities",
    ),
    "information_research": (
        "Amélioration et partage de l’information et de la recherche qui respectent l’autonomie et les droits "
        "des personnes survivantes pour tous les fournisseurs de services et les provinces ou les territoires",
        "Improved and shared information and research that respect survivors' autonomy and rights, for all "
        "service providers, provinces and territories",
    ),
    "public_attitudes": (
        "Changements d’attitudes et de comportements du public à l’égard de la traite des personnes",
        "Changes in public attitudes and behaviours toward human trafficking",
    ),
}

# Aggregate indicators a milestone report may carry: code -> (key result, French, English). Every one is a
# whole count of activities or of people reached, never a record about a person; all are suppressed as counts.
INDICATORS: dict[str, tuple[str, str, str]] = {
    "justice_sector_trainings": (
        "accountability",
        "Séances de formation offertes au secteur de la justice",
        "Training sessions delivered to the justice sector",
    ),
    "justice_professionals_trained": (
        "accountability",
        "Professionnels de la justice et des services policiers formés",
        "Justice and police professionals trained",
    ),
    "awareness_sessions_held": (
        "awareness",
        "Séances de sensibilisation tenues auprès de groupes à risque",
        "Awareness sessions held with at-risk groups",
    ),
    "people_reached_awareness": (
        "awareness",
        "Personnes jointes par les activités de sensibilisation",
        "People reached by awareness activities",
    ),
    "survivors_referred": (
        "integrated_services",
        "Orientations de personnes survivantes vers des services (nombre)",
        "Referrals of survivors to services (count)",
    ),
    "partnerships_formed": (
        "integrated_services",
        "Partenariats de services établis",
        "Service partnerships formed",
    ),
    "frontline_workers_trained": (
        "frontline_skills",
        "Intervenantes et intervenants de première ligne formés",
        "Front-line workers trained",
    ),
    "tools_distributed": (
        "frontline_skills",
        "Outils et ressources distribués aux professionnels de première ligne",
        "Tools and resources provided to front-line professionals",
    ),
    "research_products_shared": (
        "information_research",
        "Produits de recherche et d’information partagés",
        "Research and information products shared",
    ),
    "information_sharing_agreements": (
        "information_research",
        "Ententes d’échange d’information respectant les droits des personnes survivantes",
        "Information-sharing agreements that respect survivors' rights",
    ),
    "public_events_held": (
        "public_attitudes",
        "Activités publiques tenues",
        "Public events held",
    ),
    "people_reached_public_campaigns": (
        "public_attitudes",
        "Personnes jointes par les campagnes publiques",
        "People reached by public campaigns",
    ),
}

MILESTONE_KIND_NAMES: dict[str, tuple[str, str]] = {
    "signing": ("Versement initial (signature)", "Initial payment (signing)"),
    "interim": ("Rapport intermédiaire", "Interim report"),
    "final": ("Rapport final", "Final report"),
}
MILESTONE_STATUS_NAMES: dict[str, tuple[str, str]] = {
    "scheduled": ("Prévu", "Scheduled"),
    "due": ("Exigible", "Due"),
    "overdue": ("En retard", "Overdue"),
    "submitted": ("Rapport reçu", "Report received"),
    "accepted": ("Accepté", "Accepted"),
    "paid": ("Versé", "Paid"),
    "held": ("Retenu", "Held"),
}


def primary_mark(threshold: int = 5) -> str:
    """How a count from 1 to ``threshold - 1`` is shown: ``"<5"``."""
    return f"<{threshold}"


# --- suppression ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Line:
    members: tuple[Cell, ...]
    total: Cell


def suppress(
    table: pd.DataFrame, *, threshold: int = 5, total_row: str | None, total_column: str | None
) -> pd.DataFrame:
    """The table of counts as published strings: ``"<5"`` for small counts, ``"x"`` for their complements.

    ``total_row`` / ``total_column`` name the table's total row and column (None when it has none; they are
    not optional, since a total the rule does not know about would give suppressed cells away). The totals
    must add up. See the module's docstring for the rules.
    """
    if threshold < 1:
        raise ValueError("the suppression threshold is at least 1")
    values = _count_matrix(table)
    lines = _lines(table, total_row=total_row, total_column=total_column)
    for line in lines:
        if sum(int(values[cell]) for cell in line.members) != int(values[line.total]):
            raise ValueError("the table's totals do not add up to its cells")
    marks = _Suppression(values, lines, threshold).run()
    shown = [
        [marks.get((i, j), str(int(values[i, j]))) for j in range(values.shape[1])] for i in range(values.shape[0])
    ]
    return pd.DataFrame(shown, index=table.index.copy(), columns=table.columns.copy(), dtype=object)


def _count_matrix(table: pd.DataFrame) -> np.ndarray:
    if table.index.has_duplicates or table.columns.has_duplicates:
        raise ValueError("a table's row and column labels must be unique")
    try:
        numbers = table.to_numpy(dtype="float64")
    except (TypeError, ValueError) as exc:
        raise ValueError("counts must be numbers") from exc
    if numbers.size and (np.isnan(numbers).any() or (numbers < 0).any() or (numbers != np.round(numbers)).any()):
        raise ValueError("counts must be whole numbers, zero or more")
    return numbers.astype("int64")


def _lines(table: pd.DataFrame, *, total_row: str | None, total_column: str | None) -> list[_Line]:
    rows, columns = list(table.index), list(table.columns)
    if total_row is not None and total_row not in rows:
        raise ValueError(f"no total row {total_row!r} in the table")
    if total_column is not None and total_column not in columns:
        raise ValueError(f"no total column {total_column!r} in the table")
    lines: list[_Line] = []
    if total_column is not None:
        tc = columns.index(total_column)
        for i in range(len(rows)):
            lines.append(_Line(tuple((i, j) for j in range(len(columns)) if j != tc), (i, tc)))
    if total_row is not None:
        tr = rows.index(total_row)
        for j in range(len(columns)):
            lines.append(_Line(tuple((i, j) for i in range(len(rows)) if i != tr), (tr, j)))
    return lines


class _Suppression:
    """Primary suppression, then complements until every line and the linear-programming audit are safe."""

    def __init__(self, values: np.ndarray, lines: list[_Line], threshold: int) -> None:
        self.values = values
        self.lines = lines
        self.threshold = threshold
        self.primary = primary_mark(threshold)
        self.lines_of: dict[Cell, list[_Line]] = {}
        for line in lines:
            for cell in (*line.members, line.total):
                self.lines_of.setdefault(cell, []).append(line)
        self._inherent: dict[Cell, bool] = {}

    def run(self) -> dict[Cell, str]:
        rows, columns = self.values.shape
        marks = {
            (i, j): self.primary for i in range(rows) for j in range(columns) if 1 <= self.values[i, j] < self.threshold
        }
        while True:
            self._complete_lines(marks)
            exposed = [cell for cell in self._pinned(marks) if not self._inherently_pinned(cell)]
            if not exposed or not self._free(exposed[0], marks):
                return marks

    def _complete_lines(self, marks: dict[Cell, str]) -> None:
        """Until no line has exactly one suppressed cell: suppress that line's next smallest cell."""
        changed = True
        while changed:
            changed = False
            for line in self.lines:
                if sum(cell in marks for cell in (*line.members, line.total)) != 1:
                    continue
                candidates = self._open(line.members, marks) or self._open((line.total,), marks)
                if candidates:
                    best = min(candidates, key=lambda cell: self._key(cell, line, marks))
                    marks[best] = SECONDARY
                    changed = True

    def _open(self, cells: Sequence[Cell], marks: Mapping[Cell, str]) -> list[Cell]:
        return [cell for cell in cells if cell not in marks and self.values[cell] > 0]

    def _key(self, cell: Cell, line: _Line, marks: Mapping[Cell, str]) -> tuple[int, int, Cell]:
        # Smallest first; among equals, one whose other line is already broken into costs no further cell.
        crossing = [other for other in self.lines_of.get(cell, []) if other is not line]
        touched = any(c in marks for other in crossing for c in (*other.members, other.total))
        return int(self.values[cell]), 0 if touched else 1, cell

    def _free(self, cell: Cell, marks: dict[Cell, str]) -> bool:
        """Suppress one more cell so that ``cell`` can no longer be pinned (its lines' first, then any);
        False when no cell is left to suppress."""
        lines = self.lines_of.get(cell, [])
        totals = {line.total for line in lines}
        rows, columns = self.values.shape
        near = set(self._open([c for line in lines for c in (*line.members, line.total)], marks))
        far = set(self._open([(i, j) for i in range(rows) for j in range(columns)], marks)) - near
        # The cell's own lines first (their cells before their totals), smallest first, then the rest.
        ordered = sorted(near, key=lambda c: (c in totals, int(self.values[c]), c))
        ordered += sorted(far, key=lambda c: (int(self.values[c]), c))
        for candidate in ordered:
            if not _is_pinned(cell, {**marks, candidate: SECONDARY}, self.values, self.lines, self.threshold):
                marks[candidate] = SECONDARY
                return True
        if ordered:  # no single cell frees it: take the first and look again
            marks[ordered[0]] = SECONDARY
            return True
        return False

    def _pinned(self, marks: Mapping[Cell, str]) -> list[Cell]:
        return [cell for cell in sorted(marks) if _is_pinned(cell, marks, self.values, self.lines, self.threshold)]

    def _inherently_pinned(self, cell: Cell) -> bool:
        """Pinned even with every positive cell suppressed: the labels alone give it (1+1+1+1 = "<5")."""
        if cell not in self._inherent:
            everything = {
                (i, j): self.primary if self.values[i, j] < self.threshold else SECONDARY
                for i, j in zip(*np.nonzero(self.values), strict=True)
            }
            self._inherent[cell] = _is_pinned(cell, everything, self.values, self.lines, self.threshold)
        return self._inherent[cell]


def _is_pinned(
    cell: Cell, marks: Mapping[Cell, str], values: np.ndarray, lines: Sequence[_Line], threshold: int
) -> bool:
    """Whether what is published fixes the suppressed ``cell`` to one value (its LP bounds meet)."""
    lo, hi = _bounds(cell, marks, values, lines, threshold)
    return hi - lo < 0.5


def _bounds(
    cell: Cell, marks: Mapping[Cell, str], values: np.ndarray, lines: Sequence[_Line], threshold: int
) -> tuple[float, float]:
    """The smallest and largest value ``cell`` can take, given the published cells and the lines' equations."""
    unknown = sorted(marks)
    index = {c: k for k, c in enumerate(unknown)}
    rows_eq: list[np.ndarray] = []
    rhs: list[float] = []
    for line in lines:
        coefficients = np.zeros(len(unknown))
        constant = 0.0
        for member in line.members:
            if member in index:
                coefficients[index[member]] += 1
            else:
                constant -= float(values[member])
        if line.total in index:
            coefficients[index[line.total]] -= 1
        else:
            constant += float(values[line.total])
        if coefficients.any():
            rows_eq.append(coefficients)
            rhs.append(constant)
    bounds = [(1.0, float(threshold - 1)) if marks[c] != SECONDARY else (float(threshold), None) for c in unknown]
    objective = np.zeros(len(unknown))
    objective[index[cell]] = 1.0
    a_eq = np.array(rows_eq) if rows_eq else None
    b_eq = np.array(rhs) if rows_eq else None
    low = linprog(objective, A_eq=a_eq, b_eq=b_eq, bounds=bounds, method="highs")
    high = linprog(-objective, A_eq=a_eq, b_eq=b_eq, bounds=bounds, method="highs")
    if low.status != 0 or high.status not in (0, 3):  # the true values are always a solution
        raise RuntimeError(f"suppression audit failed: {low.message} / {high.message}")
    return float(low.fun), (math.inf if high.status == 3 else -float(high.fun))


def _hide_money(money_cents: pd.DataFrame, counts_shown: pd.DataFrame) -> pd.DataFrame:
    """Amounts in dollars, or ``"—"`` where the matching count is suppressed."""
    hidden = counts_shown.map(lambda shown: not str(shown).isdigit())
    dollars = money_cents.astype(object).map(lambda cents: int(cents) / 100)
    return dollars.where(~hidden, HIDDEN_MONEY).astype(object)


# --- the report's data and tables ----------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class ReportData:
    """What the caller gathers for one call; rows with the same keys are added up.

    - ``stages``: stream, stage, count (applications by current stage).
    - ``decisions``: stream, region, funded_count, funded_amount_cents, waitlisted_count, declined_count;
      each decision counted in one region (e.g. the first the project serves), so that regions add up.
    - ``payments``: kind, status, count, amount_cents (milestones).
    - ``outcomes``: indicator, value, and optionally stream and key_result (checked against ``INDICATORS``).
    - names: code -> (French, English). Streams and regions are listed in full (a region with nothing is
      shown with zeros); stages, milestone kinds and statuses and indicators appear when the data has them,
      in the order of their names.
    """

    stages: pd.DataFrame
    decisions: pd.DataFrame
    payments: pd.DataFrame
    outcomes: pd.DataFrame
    stream_names: Mapping[str, tuple[str, str]]
    region_names: Mapping[str, tuple[str, str]]
    stage_names: Mapping[str, tuple[str, str]]
    key_result_names: Mapping[str, tuple[str, str]] = field(default_factory=lambda: dict(KEY_RESULTS))
    kind_names: Mapping[str, tuple[str, str]] = field(default_factory=lambda: dict(MILESTONE_KIND_NAMES))
    status_names: Mapping[str, tuple[str, str]] = field(default_factory=lambda: dict(MILESTONE_STATUS_NAMES))
    call_code: str = ""
    threshold: int = 5


@dataclass(frozen=True)
class _Block:
    """One table of the report: its counts (with totals) and what is published of them."""

    title: tuple[str, str]
    counts: pd.DataFrame  # codes on both axes, TOTAL for totals; money blocks hold cents
    shown: pd.DataFrame  # published: "<5"/"x"/digits for counts, dollars or "—" for money
    money: bool = False


@dataclass(frozen=True)
class _Tables:
    stages: _Block
    funded: _Block
    funded_amount: _Block
    waitlisted: _Block
    declined: _Block
    milestones: _Block
    milestone_amount: _Block
    outcomes: _Block


_TEXT: dict[str, tuple[str, str]] = {
    "stages": ("Demandes par étape", "Applications by stage"),
    "decisions": ("Décisions par volet et région", "Decisions by stream and region"),
    "payments": ("Jalons et versements", "Milestones and payments"),
    "outcomes": ("Résultats", "Outcomes"),
    "stages_block": ("Demandes par volet et par étape (nombre)", "Applications by stream and stage (number)"),
    "funded": ("Projets financés (nombre)", "Funded projects (number)"),
    "funded_amount": ("Montant accordé", "Amount funded"),
    "waitlisted": ("Demandes en liste d’attente (nombre)", "Waitlisted applications (number)"),
    "declined": ("Demandes refusées (nombre)", "Declined applications (number)"),
    "milestones": ("Jalons par type et par état (nombre)", "Milestones by type and status (number)"),
    "milestone_amount": ("Montant des jalons par type et par état", "Milestone amounts by type and status"),
    "outcomes_block": ("Indicateurs par résultat principal et par volet", "Indicators by key result and stream"),
    "stream": ("Volet", "Stream"),
    "kind": ("Type de jalon", "Milestone type"),
    "key_result": ("Résultat principal", "Key result"),
    "indicator": ("Indicateur", "Indicator"),
    "total": ("Total", "Total"),
    "call": ("Appel", "Call"),
}


def _text(key: str, lang: Lang) -> str:
    return _TEXT[key][0 if lang == "fr" else 1]


def _notes(lang: Lang, threshold: int) -> list[str]:
    mark = primary_mark(threshold)
    if lang == "fr":
        return [
            f"« {mark} » : nombre de 1 à {threshold - 1}, masqué pour protéger la vie privée. 0 : aucun.",
            f"« {SECONDARY} » : nombre masqué pour qu’un petit nombre ne puisse pas être retrouvé en le "
            "soustrayant d’un total.",
            f"« {HIDDEN_MONEY} » : montant masqué avec le nombre correspondant.",
        ]
    return [
        f"“{mark}”: a count from 1 to {threshold - 1}, not shown to protect privacy. 0: none.",
        f"“{SECONDARY}”: a count not shown so that a small count cannot be worked out by subtraction from a total.",
        f"“{HIDDEN_MONEY}”: an amount not shown along with its count.",
    ]


def _name(names: Mapping[str, tuple[str, str]], code: str, lang: Lang) -> str:
    if code == TOTAL:
        return _text("total", lang)
    label = names[code][0 if lang == "fr" else 1]
    return label[:1].upper() + label[1:]


def _long(frame: pd.DataFrame, keys: Sequence[str], values: Sequence[str], what: str) -> pd.DataFrame:
    """The frame's key and value columns, values checked as whole numbers >= 0, same keys added up."""
    missing = [column for column in (*keys, *values) if column not in frame.columns]
    if missing:
        raise ValueError(f"{what}: missing column(s) {', '.join(missing)}")
    out = frame[list(keys) + list(values)].copy()
    for column in keys:
        out[column] = out[column].astype(str)
    for column in values:
        numbers = pd.to_numeric(out[column], errors="coerce")
        if numbers.isna().any() or (numbers < 0).any() or (numbers != numbers.round()).any():
            raise ValueError(f"{what}: {column} must be whole numbers, zero or more")
        out[column] = numbers.astype("int64")
    if out.empty:
        return out
    return out.groupby(list(keys), as_index=False, sort=False)[list(values)].sum()


def _axis(codes: Sequence[str], names: Mapping[str, object], what: str, *, every: bool) -> list[str]:
    """The codes of one axis, in the order of ``names``: all of them, or those in ``codes``."""
    unknown = sorted(set(codes) - set(names))
    if unknown:
        raise ValueError(f"no name for {what} {', '.join(unknown)}")
    present = set(codes)
    return [str(code) for code in names if every or code in present]  # str(): a StrEnum key is its code


def _pivot(frame: pd.DataFrame, row: str, column: str, value: str, rows: list[str], columns: list[str]) -> pd.DataFrame:
    table = pd.DataFrame(0, index=pd.Index(rows, dtype=object), columns=pd.Index(columns, dtype=object), dtype="int64")
    for r, c, v in zip(frame[row], frame[column], frame[value], strict=True):
        table.loc[r, c] += int(v)
    return table


def _with_totals(table: pd.DataFrame, *, total_row: bool = True) -> pd.DataFrame:
    out = table.copy()
    out[TOTAL] = out.sum(axis=1).astype("int64")
    if total_row:
        out.loc[TOTAL] = out.sum(axis=0).astype("int64")
    return out.astype("int64")


def _count_block(title: str, table: pd.DataFrame, threshold: int) -> _Block:
    counts = _with_totals(table)
    shown = suppress(counts, threshold=threshold, total_row=TOTAL, total_column=TOTAL)
    return _Block(_TEXT[title], counts, shown)


def _money_block(title: str, table: pd.DataFrame, count: _Block) -> _Block:
    cents = _with_totals(table)
    return _Block(_TEXT[title], cents, _hide_money(cents, count.shown), money=True)


def _tables(data: ReportData) -> _Tables:
    """Every table of the report, built and suppressed once, for both the workbook and the charts."""
    t = data.threshold
    streams = _axis([], data.stream_names, "stream", every=True)

    stages = _long(data.stages, ["stream", "stage"], ["count"], "stages")
    _axis(list(stages["stream"]), data.stream_names, "stream", every=True)
    stage_axis = _axis(list(stages["stage"]), data.stage_names, "stage", every=False)
    stage_block = _count_block("stages_block", _pivot(stages, "stream", "stage", "count", streams, stage_axis), t)

    value_columns = ["funded_count", "funded_amount_cents", "waitlisted_count", "declined_count"]
    decisions = _long(data.decisions, ["stream", "region"], value_columns, "decisions")
    _axis(list(decisions["stream"]), data.stream_names, "stream", every=True)
    regions = _axis(list(decisions["region"]), data.region_names, "region", every=True)

    def by_region(value: str) -> pd.DataFrame:
        return _pivot(decisions, "stream", "region", value, streams, regions)

    funded = _count_block("funded", by_region("funded_count"), t)

    payments = _long(data.payments, ["kind", "status"], ["count", "amount_cents"], "payments")
    kinds = _axis(list(payments["kind"]), data.kind_names, "milestone kind", every=False)
    statuses = _axis(list(payments["status"]), data.status_names, "milestone status", every=False)
    milestones = _count_block("milestones", _pivot(payments, "kind", "status", "count", kinds, statuses), t)

    return _Tables(
        stages=stage_block,
        funded=funded,
        funded_amount=_money_block("funded_amount", by_region("funded_amount_cents"), funded),
        waitlisted=_count_block("waitlisted", by_region("waitlisted_count"), t),
        declined=_count_block("declined", by_region("declined_count"), t),
        milestones=milestones,
        milestone_amount=_money_block(
            "milestone_amount", _pivot(payments, "kind", "status", "amount_cents", kinds, statuses), milestones
        ),
        outcomes=_outcome_block(data),
    )


def _outcome_block(data: ReportData) -> _Block:
    """Indicators (rows, in ``INDICATORS`` order) by stream; indicators measure different things, so no total row."""
    frame = data.outcomes.copy()
    if "stream" not in frame.columns:
        frame["stream"] = TOTAL
    outcomes = _long(frame, ["indicator", "stream"], ["value"], "outcomes")
    indicators = _axis(list(outcomes["indicator"]), INDICATORS, "indicator", every=False)
    if "key_result" in data.outcomes.columns:
        for indicator, key_result in zip(data.outcomes["indicator"], data.outcomes["key_result"], strict=True):
            if INDICATORS[str(indicator)][0] != str(key_result):
                raise ValueError(f"indicator {indicator} belongs to {INDICATORS[str(indicator)][0]}, not {key_result}")
    if "stream" in data.outcomes.columns:
        streams = _axis(list(outcomes["stream"]), data.stream_names, "stream", every=True)
        table = _with_totals(_pivot(outcomes, "indicator", "stream", "value", indicators, streams), total_row=False)
        shown = suppress(table, threshold=data.threshold, total_row=None, total_column=TOTAL)
    else:  # one column of totals, with nothing to add up to it
        table = _pivot(outcomes, "indicator", "stream", "value", indicators, [TOTAL])
        shown = suppress(table, threshold=data.threshold, total_row=None, total_column=None)
    return _Block(_TEXT["outcomes_block"], table, shown)


# --- the workbook --------------------------------------------------------------------------------------------

_MONEY_FORMAT = {"fr": "#,##0.00\\ [$$-C0C]", "en": "[$$-1009]#,##0.00"}  # fr-CA / en-CA currency
_COUNT_FORMAT = "#,##0"


def write_workbook(path: Path, data: ReportData, *, lang: Lang) -> Path:
    """Write the managers' XLSX workbook in ``lang`` to ``path`` (atomically) and return ``path``."""
    tables = _tables(data)
    book = Workbook()
    for default in list(book.worksheets):
        book.remove(default)
    stream_label = _text("stream", lang)

    sheet = _sheet(book, "stages", data, lang)
    row = _write_block(sheet, 4, tables.stages, data, lang, stream_label, data.stream_names, data.stage_names)
    _write_notes(sheet, row, data, lang)

    sheet = _sheet(book, "decisions", data, lang)
    row = 4
    for block in (tables.funded, tables.funded_amount, tables.waitlisted, tables.declined):
        row = _write_block(sheet, row, block, data, lang, stream_label, data.stream_names, data.region_names)
    _write_notes(sheet, row, data, lang)

    sheet = _sheet(book, "payments", data, lang)
    row = 4
    for block in (tables.milestones, tables.milestone_amount):
        row = _write_block(sheet, row, block, data, lang, _text("kind", lang), data.kind_names, data.status_names)
    _write_notes(sheet, row, data, lang)

    sheet = _sheet(book, "outcomes", data, lang)
    row = _write_outcomes(sheet, 4, tables.outcomes, data, lang)
    _write_notes(sheet, row, data, lang)

    path = Path(path)
    with _atomic(path) as temporary:
        book.save(temporary)
    return path


def _sheet(book: Workbook, key: str, data: ReportData, lang: Lang) -> Worksheet:
    sheet = book.create_sheet(_text(key, lang))
    sheet["A1"] = _text(key, lang)
    sheet["A1"].font = Font(bold=True, size=14)
    if data.call_code:
        sheet["A2"] = f"{_text('call', lang)} {data.call_code}"
    sheet.column_dimensions["A"].width = 34
    return sheet


def _display(value: object) -> int | float | str:
    """A published value as Excel should hold it: digits as a whole number, dollars as a number, marks as text."""
    if isinstance(value, (int, float)):
        return value
    text = str(value)
    return int(text) if text.isdigit() else text


def _write_block(
    sheet: Worksheet,
    row: int,
    block: _Block,
    data: ReportData,
    lang: Lang,
    corner: str,
    row_names: Mapping[str, tuple[str, str]],
    column_names: Mapping[str, tuple[str, str]],
) -> int:
    """A titled table with its header row, starting at ``row``; returns the row after it and a blank line."""
    sheet.cell(row, 1, block.title[0 if lang == "fr" else 1]).font = Font(bold=True)
    header = [corner] + [_name(column_names, code, lang) for code in block.shown.columns]
    for j, label in enumerate(header, start=1):
        cell = sheet.cell(row + 1, j, label)
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="left" if j == 1 else "right", wrap_text=True)
        if j > 1:
            sheet.column_dimensions[get_column_letter(j)].width = 18
    for i, code in enumerate(block.shown.index, start=row + 2):
        is_total = code == TOTAL
        sheet.cell(i, 1, _name(row_names, code, lang)).font = Font(bold=is_total)
        for j, column in enumerate(block.shown.columns, start=2):
            cell = sheet.cell(i, j, _display(block.shown.loc[code, column]))
            cell.font = Font(bold=is_total or column == TOTAL)
            cell.alignment = Alignment(horizontal="right")
            if isinstance(cell.value, (int, float)):
                cell.number_format = _MONEY_FORMAT[lang] if block.money else _COUNT_FORMAT
    return row + 2 + len(block.shown.index) + 1


def _write_outcomes(sheet: Worksheet, row: int, block: _Block, data: ReportData, lang: Lang) -> int:
    k = 0 if lang == "fr" else 1
    sheet.cell(row, 1, block.title[k]).font = Font(bold=True)
    header = [_text("key_result", lang), _text("indicator", lang)]
    header += [_name(data.stream_names, code, lang) for code in block.shown.columns]
    for j, label in enumerate(header, start=1):
        cell = sheet.cell(row + 1, j, label)
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="left" if j <= 2 else "right", wrap_text=True)
    sheet.column_dimensions["A"].width = 50
    sheet.column_dimensions["B"].width = 44
    for j in range(3, len(header) + 1):
        sheet.column_dimensions[get_column_letter(j)].width = 18
    for i, indicator in enumerate(block.shown.index, start=row + 2):
        key_result = INDICATORS[indicator][0]
        sheet.cell(i, 1, _name(data.key_result_names, key_result, lang)).alignment = Alignment(wrap_text=True)
        sheet.cell(i, 2, INDICATORS[indicator][1 + k]).alignment = Alignment(wrap_text=True)
        for j, column in enumerate(block.shown.columns, start=3):
            cell = sheet.cell(i, j, _display(block.shown.loc[indicator, column]))
            cell.alignment = Alignment(horizontal="right")
            cell.font = Font(bold=column == TOTAL)
            if isinstance(cell.value, int):
                cell.number_format = _COUNT_FORMAT
    return row + 2 + len(block.shown.index) + 1


def _write_notes(sheet: Worksheet, row: int, data: ReportData, lang: Lang) -> None:
    for offset, note in enumerate(_notes(lang, data.threshold)):
        sheet.cell(row + offset, 1, note).font = Font(italic=True)


@contextmanager
def _atomic(path: Path) -> Iterator[Path]:
    """A temporary path beside ``path``, moved onto it once written (never a half-written report)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    # A fresh name rather than mkstemp, so that the file gets the usual permissions (mkstemp's are 0600).
    temporary = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    try:
        yield temporary
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)


# --- the charts ----------------------------------------------------------------------------------------------

_COLOURS = ("#1f5fa8", "#d9822b", "#3a8f5c", "#b8403a", "#7b5ea7", "#8c6d31", "#c75f9e", "#2a9fa8")
_TOTAL_COLOUR = "#8a8f94"
_CHART_TEXT: dict[str, tuple[str, str]] = {
    "stages_title": ("Demandes par étape et par volet", "Applications by stage and stream"),
    "stages_y": ("Nombre de demandes", "Number of applications"),
    "stages_x": ("Étape", "Stage"),
    "funding_title": ("Montant accordé par région et par volet", "Money funded by region and stream"),
    "funding_y": ("Montant accordé", "Amount funded"),
    "funding_x": ("Région", "Region"),
    "payments_title": ("Jalons et versements par état", "Milestones and payments by status"),
    "payments_count_y": ("Nombre de jalons", "Number of milestones"),
    "payments_amount_y": ("Montant", "Amount"),
    "payments_x": ("État", "Status"),
    "outcomes_title": ("Résultats par résultat principal", "Outcomes by key result"),
    "outcomes_x": ("Total déclaré (tous les volets)", "Total reported (all streams)"),
    "no_data": ("Aucune donnée", "No data"),
}
CHART_FILES = (
    "applications-by-stage",
    "funding-by-region",
    "payments-by-status",
    "outcomes-by-key-result",
)


def write_charts(folder: Path, data: ReportData, *, lang: Lang) -> list[Path]:
    """Write the report's PNG bar charts in ``lang`` into ``folder``; the paths, always in the same order.

    Files are named ``<chart>-<lang>.png`` (see ``CHART_FILES``), so both languages can share a folder. The
    charts are drawn from the suppressed tables only.
    """
    tables = _tables(data)
    paths = []
    for stem in CHART_FILES:
        figure = _chart_figure(stem, tables, data, lang)
        path = Path(folder) / f"{stem}-{lang}.png"
        with _atomic(path) as temporary:
            figure.savefig(temporary, format="png", metadata={"Software": None})
        paths.append(path)
    return paths


def draw_chart(data: ReportData, stem: str, *, lang: Lang) -> bytes:
    """One chart of ``CHART_FILES`` as PNG bytes, drawn as ``write_charts`` draws it (a page shows one at a time)."""
    if stem not in CHART_FILES:
        raise ValueError(f"no chart {stem!r}")
    figure = _chart_figure(stem, _tables(data), data, lang)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", metadata={"Software": None})
    return buffer.getvalue()


def _chart_figure(stem: str, tables: _Tables, data: ReportData, lang: Lang) -> Figure:
    drawers: dict[str, Callable[[Figure], None]] = {
        "applications-by-stage": lambda fig: _chart_by_stream(fig, tables.stages.shown, data, lang, "stages"),
        "funding-by-region": lambda fig: _chart_by_stream(fig, tables.funded_amount.shown, data, lang, "funding"),
        "payments-by-status": lambda fig: _chart_payments(fig, tables, data, lang),
        "outcomes-by-key-result": lambda fig: _chart_outcomes(fig, tables.outcomes.shown, data, lang),
    }
    figure = Figure(figsize=(11, 6.5), dpi=100, layout="constrained")
    drawers[stem](figure)
    # As the figure's x label, so that the layout keeps room for the notes on the marks under everything.
    figure.supxlabel("\n".join(_notes(lang, data.threshold)), fontsize=7, x=0.01, ha="left", multialignment="left")
    return figure


def _chart_text(key: str, lang: Lang) -> str:
    return _CHART_TEXT[key][0 if lang == "fr" else 1]


def _whole_dollars(dollars: float, lang: Lang) -> str:
    text = format_money(round(dollars) * 100, lang)
    return text.replace(",00\u00a0$", "\u00a0$") if lang == "fr" else text.removesuffix(".00")


def _number(value: object) -> float | None:
    """A published value as a number, or None for a mark ("<5", "x", "—")."""
    if isinstance(value, (int, float)):
        return float(value)
    return float(str(value)) if str(value).isdigit() else None


def _bars(
    ax: Axes,
    categories: Sequence[str],
    series: Sequence[tuple[str, str, Sequence[object]]],
    *,
    threshold: int,
    money: bool,
    lang: Lang,
) -> None:
    """Grouped bars of published values only: numbers as bars, "<5" as a hatched bar of fixed height, other
    marks ("x", "—") as a label without a bar. Each series is (legend label, colour, one value per category)."""
    width = 0.8 / max(len(series), 1)
    primary = primary_mark(threshold)
    for s, (_label, colour, values) in enumerate(series):
        for c, value in enumerate(values):
            position = c - 0.4 + width * (s + 0.5)
            number = _number(value)
            if number is not None:
                ax.bar(position, number, width, color=colour)
                text = "" if number == 0 else _whole_dollars(number, lang) if money else str(int(number))
                anchor, rotation = number, 90 if money else 0
            elif value == primary:
                ax.bar(position, threshold, width, color="white", edgecolor=colour, hatch="///")
                text, anchor, rotation = primary, float(threshold), 0
            else:
                text, anchor, rotation = str(value), 0.0, 0
            if text:
                ax.annotate(
                    text,
                    (position, anchor),
                    xytext=(0, 2),
                    textcoords="offset points",
                    ha="center",
                    va="bottom",
                    fontsize=7,
                    rotation=rotation,
                )
    ax.set_xticks(list(range(len(categories))), [textwrap.fill(name, 16) for name in categories])
    ax.set_ylim(bottom=0)
    ax.margins(y=0.12)
    if money:
        ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _pos: _whole_dollars(v, lang)))
    if not any(_number(value) for _label, _colour, values in series for value in values):
        ax.set_yticks([])  # nothing published to scale
    if not categories or not series:
        ax.text(0.5, 0.5, _chart_text("no_data", lang), transform=ax.transAxes, ha="center")


def _series(
    shown: pd.DataFrame, names: Mapping[str, tuple[str, str]], lang: Lang
) -> list[tuple[str, str, Sequence[object]]]:
    """One series per row of a published table (its total row last, in grey, when it has more than one row)."""
    inner = shown.drop(columns=TOTAL, errors="ignore")
    rows = [code for code in inner.index if code != TOTAL]
    series: list[tuple[str, str, Sequence[object]]] = [
        (_name(names, code, lang), _COLOURS[k % len(_COLOURS)], list(inner.loc[code])) for k, code in enumerate(rows)
    ]
    if TOTAL in inner.index and len(rows) > 1:
        series.append((_text("total", lang), _TOTAL_COLOUR, list(inner.loc[TOTAL])))
    return series


def _legend(fig: Figure, title: str, entries: Sequence[tuple[str, str]]) -> None:
    """One legend for the figure, right of its plots (never over a bar): (label, colour) entries."""
    if entries:
        handles = [Patch(facecolor=colour, label=label) for label, colour in entries]
        fig.legend(handles=handles, title=title, loc="outside right upper", fontsize=8, title_fontsize=9)


def _chart_by_stream(fig: Figure, shown: pd.DataFrame, data: ReportData, lang: Lang, key: str) -> None:
    """The table's columns (stages or regions) on the x axis, one bar per stream and one for all streams."""
    money = key == "funding"
    ax = fig.subplots()
    category_names = data.region_names if money else data.stage_names
    categories = [_name(category_names, code, lang) for code in shown.columns if code != TOTAL]
    series = _series(shown, data.stream_names, lang)
    _bars(ax, categories, series, threshold=data.threshold, money=money, lang=lang)
    fig.suptitle(_chart_text(f"{key}_title", lang))
    ax.set_xlabel(_chart_text(f"{key}_x", lang))
    ax.set_ylabel(_chart_text(f"{key}_y", lang))
    _legend(fig, _text("stream", lang), [(label, colour) for label, colour, _values in series])


def _chart_payments(fig: Figure, tables: _Tables, data: ReportData, lang: Lang) -> None:
    """Milestones by status, one bar per kind: their number (left) and amount (right)."""
    count_ax, amount_ax = fig.subplots(1, 2)
    for ax, block, money, ylabel in (
        (count_ax, tables.milestones, False, "payments_count_y"),
        (amount_ax, tables.milestone_amount, True, "payments_amount_y"),
    ):
        categories = [_name(data.status_names, code, lang) for code in block.shown.columns if code != TOTAL]
        series = _series(block.shown, data.kind_names, lang)
        _bars(ax, categories, series, threshold=data.threshold, money=money, lang=lang)
        ax.set_xlabel(_chart_text("payments_x", lang))
        ax.set_ylabel(_chart_text(ylabel, lang))
    fig.suptitle(_chart_text("payments_title", lang))
    _legend(fig, _text("kind", lang), [(label, colour) for label, colour, _values in series])


def _chart_outcomes(fig: Figure, shown: pd.DataFrame, data: ReportData, lang: Lang) -> None:
    """One horizontal bar per indicator (its total over streams), coloured by key result."""
    ax = fig.subplots()
    k = 0 if lang == "fr" else 1
    primary = primary_mark(data.threshold)
    colours = {code: _COLOURS[n % len(_COLOURS)] for n, code in enumerate(data.key_result_names)}
    for c, indicator in enumerate(shown.index):
        colour = colours[INDICATORS[indicator][0]]
        value = shown.loc[indicator, TOTAL]
        number = _number(value)
        if number is not None:
            ax.barh(c, number, 0.7, color=colour)
            text, anchor = str(value), number
        elif value == primary:
            ax.barh(c, data.threshold, 0.7, color="white", edgecolor=colour, hatch="///")
            text, anchor = primary, float(data.threshold)
        else:
            text, anchor = str(value), 0.0
        ax.annotate(text, (anchor, c), xytext=(3, 0), textcoords="offset points", va="center", fontsize=7)
    ax.set_yticks(
        list(range(len(shown.index))), [textwrap.fill(INDICATORS[i][1 + k], 48) for i in shown.index], fontsize=7
    )
    ax.invert_yaxis()
    ax.margins(x=0.08)
    fig.suptitle(_chart_text("outcomes_title", lang))
    ax.set_xlabel(_chart_text("outcomes_x", lang))
    shown_results = {INDICATORS[indicator][0] for indicator in shown.index}
    entries = [
        (textwrap.fill(_name(data.key_result_names, code, lang), 44), colours[code])
        for code in data.key_result_names
        if code in shown_results
    ]
    _legend(fig, _text("key_result", lang), entries)
    if not entries:
        ax.text(0.5, 0.5, _chart_text("no_data", lang), transform=ax.transAxes, ha="center")
