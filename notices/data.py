"""What a notice says, as plain frozen data that pickles and round-trips through JSON."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, fields
from typing import Any, Literal, get_args

from grants.errors import Lang

Kind = Literal["receipt", "ineligible", "funded", "waitlisted", "declined", "reminder"]
KINDS: tuple[Kind, ...] = get_args(Kind)
LANGUAGES: tuple[Lang, ...] = get_args(Lang)
MilestoneKind = Literal["signing", "interim", "final"]
# Why a scored application was declined: under the fundable line, or above it but the money ran out.
DeclineBasis = Literal["below_line", "envelope", "not_scored"]


@dataclass(frozen=True)
class Office:
    """The fund office that signs the letters; its name and letterhead lines in both languages."""

    name_fr: str = "Bureau provincial de coordination de la lutte contre la traite des personnes"
    name_en: str = "Provincial Anti-Human Trafficking Coordination Office"
    letterhead_fr: tuple[str, ...] = ("Toronto (Ontario)",)
    letterhead_en: tuple[str, ...] = ("Toronto, Ontario",)
    city: str = "Toronto"  # where the letter is dated from
    contact_email: str | None = None  # shown where the letter says how to reach the office
    status_url: str | None = None  # where applicants check their status with their token

    def __post_init__(self) -> None:
        object.__setattr__(self, "letterhead_fr", tuple(self.letterhead_fr))
        object.__setattr__(self, "letterhead_en", tuple(self.letterhead_en))


@dataclass(frozen=True)
class ScheduleRow:
    """One milestone of a funded project: a payment, the report it waits for, or both."""

    kind: MilestoneKind
    due_date: dt.date
    amount_cents: int
    report_required: bool
    number: int | None = None  # the interim report's ordinal (1, 2, ...); None for signing and final

    def __post_init__(self) -> None:
        if self.kind not in get_args(MilestoneKind):
            raise ValueError(f"unknown milestone kind {self.kind!r}")


@dataclass(frozen=True)
class NoticeData:
    """Everything one letter needs; texts that vary (reasons, feedback) are already in ``language``.

    Fields a kind does not use stay ``None`` or empty. A kind's template reading a field that is
    ``None`` fails (``NoticeError``) rather than print a placeholder.
    """

    kind: Kind
    language: Lang
    reference: str  # e.g. "CSF-2026-00042"
    call_title_fr: str
    call_title_en: str
    stream_name_fr: str
    stream_name_en: str
    organization: str
    contact_name: str
    project_title: str
    issue_date: dt.date  # the letter's date, in America/Toronto
    office: Office = field(default_factory=Office)
    # funded
    amount_cents: int | None = None
    requested_cents: int | None = None
    conditions: Sequence[str] = ()
    schedule: Sequence[ScheduleRow] = ()
    # funded: sign the agreement by; ineligible: ask for a review by (both optional)
    reply_by: dt.date | None = None
    # waitlisted
    waitlist_position: int | None = None
    # ineligible: (rule name, reason), in the applicant's language
    reasons: Sequence[tuple[str, str]] = ()
    # declined
    decline_basis: DeclineBasis | None = None
    feedback: Sequence[str] = ()  # short summary lines of the reviewers' comments
    # receipt
    access_token: str | None = None
    # reminder: the overdue milestone whose payment is held
    milestone: ScheduleRow | None = None

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown notice kind {self.kind!r}; expected one of {', '.join(KINDS)}")
        if self.language not in LANGUAGES:
            raise ValueError(f"unknown language {self.language!r}; expected 'fr' or 'en'")
        if self.decline_basis is not None and self.decline_basis not in get_args(DeclineBasis):
            raise ValueError(f"unknown decline basis {self.decline_basis!r}")
        # Sequences are stored as tuples so that the value is immutable and hashable.
        object.__setattr__(self, "conditions", tuple(self.conditions))
        object.__setattr__(self, "schedule", tuple(self.schedule))
        object.__setattr__(self, "reasons", tuple((str(rule), str(why)) for rule, why in self.reasons))
        object.__setattr__(self, "feedback", tuple(self.feedback))

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (dates as ISO strings); ``from_dict`` reads it back."""
        return {f.name: _to_json(getattr(self, f.name)) for f in fields(self)}

    @classmethod
    def from_dict(cls, raw: Mapping[str, Any]) -> NoticeData:
        """The notice described by ``to_dict``'s output (after a JSON round trip)."""
        values = dict(raw)
        values["issue_date"] = dt.date.fromisoformat(values["issue_date"])
        if values.get("reply_by") is not None:
            values["reply_by"] = dt.date.fromisoformat(values["reply_by"])
        if values.get("office") is not None:
            values["office"] = Office(**values["office"])
        values["schedule"] = tuple(_row(r) for r in values.get("schedule", ()))
        if values.get("milestone") is not None:
            values["milestone"] = _row(values["milestone"])
        values["reasons"] = tuple((rule, why) for rule, why in values.get("reasons", ()))
        return cls(**values)


def _row(raw: Mapping[str, Any]) -> ScheduleRow:
    return ScheduleRow(**{**raw, "due_date": dt.date.fromisoformat(raw["due_date"])})


def _to_json(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Office | ScheduleRow):
        return {f.name: _to_json(getattr(value, f.name)) for f in fields(value)}
    if isinstance(value, tuple | list):
        return [_to_json(v) for v in value]
    return value
