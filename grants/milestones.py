"""Milestones of funded projects: signing, amendments, reports, payments and overdue checks.

Statuses: ``scheduled`` (not yet due), ``due`` (payment owed: the signing payment once the
agreement is signed), ``submitted`` (its report is in), ``overdue`` (report late; the
payment is held), ``paid`` (payment released), ``cancelled`` (award withdrawn).
Reports hold aggregate indicators only: nothing that looks like a person's record.
"""

from __future__ import annotations

import datetime as dt
import random
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, select

from grants import audit
from grants.applications import get_application
from grants.calls import get_call
from grants.db import lock
from grants.errors import DomainError, InvalidInput, NotFound
from grants.i18n import format_money
from grants.lifecycle import check_transition
from grants.models import Application, ApplicationStatus, Call, Milestone, MilestoneReport, utcnow
from grants.payments import add_months

OPEN = ("scheduled", "due", "overdue")  # a report may still come for these
NARRATIVE_LIMIT = 8000
INDICATOR_TEXT_LIMIT = 0  # indicator slots hold numbers only: no free text at all
_DATE = re.compile(
    r"\b(19|20)\d\d[-/.](0?[1-9]|1[0-2])[-/.](0?[1-9]|[12]\d|3[01])\b|\b([12]?\d|3[01])[/.-](0?[1-9]|1[0-2])[/.-](19|20)\d\d\b"
)
_BIRTH = re.compile(r"\b(date of birth|born on|dob|date de naissance|né le|née le|né\(e\) le)\b", re.IGNORECASE)
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.]+")
_PHONE = re.compile(r"\b(\+?1[ .-]?)?\(?\d{3}\)?[ .-]?\d{3}[ .-]?\d{4}\b")


class MilestoneRefused(DomainError):
    code = "milestone_refused"


def _milestones(session: Session, application_id: int) -> list[Milestone]:
    return list(
        session.exec(
            select(Milestone).where(Milestone.application_id == application_id).order_by(col(Milestone.sequence))
        )
    )


def sign_agreement(session: Session, *, reference: str, actor: str, now: dt.datetime | None = None) -> Application:
    """The organization signed: the project becomes active and its signing payment is due."""
    now = now or utcnow()
    app = get_application(session, reference)
    lock(session, Application, app.id or 0)  # signed twice at once: the second finds it active
    session.refresh(app)
    check_transition(ApplicationStatus(app.status), ApplicationStatus.active, reference=app.reference)
    milestones = _milestones(session, app.id or 0)
    for milestone in milestones:
        if milestone.kind == "signing" and milestone.status == "scheduled":
            milestone.status = "due"
            session.add(milestone)
    app.status = ApplicationStatus.active
    app.updated_at = now
    session.add(app)
    audit.record(
        session,
        [audit.EventDraft(actor=actor, action="agreement.signed", entity="application", entity_id=app.id,
                          call_id=app.call_id, from_state="funded", to_state="active")],
        at=now,
    )  # fmt: skip
    return app


@dataclass(frozen=True)
class Amendment:
    sequence: int
    due_date: dt.date | None = None
    amount_cents: int | None = None


def amend(
    session: Session, *, reference: str, changes: Sequence[Amendment], reason: str, manager: str
) -> list[Milestone]:
    """A manager's new dates or amounts for unpaid milestones; the total must stay exactly the award."""
    if not reason.strip():
        raise InvalidInput(en="a reason is required", fr="une raison est obligatoire", field="reason")
    app = get_application(session, reference)
    milestones = {m.sequence: m for m in _milestones(session, app.id or 0) if m.status != "cancelled"}
    total_before = sum(m.amount_cents for m in milestones.values())
    before = {s: (m.due_date.isoformat(), m.amount_cents) for s, m in milestones.items()}
    for change in changes:
        milestone = milestones.get(change.sequence)
        if milestone is None:
            raise NotFound(en=f"{app.reference} has no milestone {change.sequence}",
                           fr=f"{app.reference} n'a pas de jalon {change.sequence}", field="sequence")  # fmt: skip
        if milestone.status == "paid":
            raise MilestoneRefused(
                en=f"milestone {change.sequence} of {app.reference} is paid; it can no longer change",
                fr=f"le jalon {change.sequence} de {app.reference} est versé; il ne peut plus changer",
            )
        if change.amount_cents is not None:
            if change.amount_cents < 0:
                raise InvalidInput(en="an amount cannot be negative", fr="un montant ne peut être négatif",
                                   field="amount")  # fmt: skip
            milestone.amount_cents = change.amount_cents
        if change.due_date is not None:
            milestone.due_date = change.due_date
    total_after = sum(m.amount_cents for m in milestones.values())
    if total_after != total_before:
        raise MilestoneRefused(
            en=f"the milestones would add up to {format_money(total_after, 'en')}, not the award of "
            f"{format_money(total_before, 'en')}; change amounts so the total stays the same",
            fr=f"les jalons totaliseraient {format_money(total_after, 'fr')} et non le montant accordé de "
            f"{format_money(total_before, 'fr')}; modifiez les montants pour que le total reste le même",
        )
    for milestone in milestones.values():
        session.add(milestone)
    after = {s: (m.due_date.isoformat(), m.amount_cents) for s, m in milestones.items()}
    audit.record(
        session,
        [audit.EventDraft(actor=manager, action="milestones.amended", entity="application", entity_id=app.id,
                          call_id=app.call_id, reason=reason.strip(),
                          data={"before": {str(k): v for k, v in before.items() if after[k] != v},
                                "after": {str(k): v for k, v in after.items() if before[k] != v}})],
    )  # fmt: skip
    return sorted(milestones.values(), key=lambda m: m.sequence)


def check_report(narrative: str, indicators: Mapping[str, Any], known: Mapping[str, Any]) -> dict[str, int]:
    """Refuse what looks like an individual's record; returns the indicators as whole numbers.

    Indicators are aggregate counts: each must be a known code and a whole number of 0 or
    more (no text at all in an indicator slot). The narrative may not hold a date of birth,
    an e-mail address or a telephone number, and has a length limit.
    """
    values: dict[str, int] = {}
    for code, raw in indicators.items():
        field = f"indicators.{code}"
        if code not in known:
            raise InvalidInput(en=f"unknown indicator {code!r}", fr=f"indicateur inconnu {code!r}", field=field)
        if isinstance(raw, bool) or not isinstance(raw, int | str) or not str(raw).strip().isdigit():
            raise InvalidInput(
                en="an indicator is a count (a whole number of 0 or more), never a name or a description of a person",
                fr="un indicateur est un nombre (entier de 0 ou plus), jamais un nom ni la description d'une personne",
                field=field,
            )
        values[code] = int(str(raw).strip())
    text = narrative.strip()
    if not text:
        raise InvalidInput(en="a narrative is required", fr="un récit est obligatoire", field="narrative")
    if len(text) > NARRATIVE_LIMIT:
        raise InvalidInput(en=f"longer than {NARRATIVE_LIMIT} characters", fr=f"dépasse {NARRATIVE_LIMIT} caractères",
                           field="narrative")  # fmt: skip
    for pattern, what_en, what_fr in (
        (_BIRTH, "a date of birth", "une date de naissance"),
        (
            _DATE,
            "a full date, which could be a date of birth",
            "une date complète, qui pourrait être une date de naissance",
        ),
        (_EMAIL, "an e-mail address", "une adresse courriel"),
        (_PHONE, "a telephone number", "un numéro de téléphone"),
    ):
        if pattern.search(text):
            raise InvalidInput(
                en=f"the narrative seems to contain {what_en}; reports hold aggregate results only, never "
                "information about an individual",
                fr=f"le récit semble contenir {what_fr}; les rapports ne contiennent que des résultats agrégés, "
                "jamais de renseignements sur une personne",
                field="narrative",
            )
    return values


def submit_report(
    session: Session,
    *,
    reference: str,
    narrative: str,
    indicators: Mapping[str, Any],
    known_indicators: Mapping[str, Any],
    actor: str,
    now: dt.datetime | None = None,
) -> MilestoneReport:
    """Record the report for the project's next milestone that waits for one."""
    now = now or utcnow()
    app = get_application(session, reference)
    if app.status != ApplicationStatus.active.value:
        raise MilestoneRefused(
            en=f"{app.reference} is not an active project (its agreement must be signed first)",
            fr=f"{app.reference} n'est pas un projet en cours (l'entente doit d'abord être signée)",
        )
    values = check_report(narrative, indicators, known_indicators)
    waiting = [m for m in _milestones(session, app.id or 0) if m.report_required and m.status in OPEN]
    if not waiting:
        raise MilestoneRefused(en=f"{app.reference} has no report to submit",
                               fr=f"{app.reference} n'a aucun rapport à remettre")  # fmt: skip
    milestone = waiting[0]
    report = MilestoneReport(milestone_id=milestone.id or 0, narrative=narrative.strip(), indicators=values,
                             submitted_at=now)  # fmt: skip
    previous = milestone.status
    milestone.status = "submitted"
    session.add_all([report, milestone])
    session.flush()
    audit.record(
        session,
        [audit.EventDraft(actor=actor, action="report.submitted", entity="milestone", entity_id=milestone.id,
                          call_id=app.call_id, from_state=previous, to_state="submitted",
                          data={"report_id": report.id, "indicators": values})],
        at=now,
    )  # fmt: skip
    return report


def decide_report(
    session: Session, *, report_id: int, accept: bool, reason: str, manager: str, now: dt.datetime | None = None
) -> MilestoneReport:
    """Accept a report (its payment is released) or return it with a reason (the milestone waits again)."""
    now = now or utcnow()
    lock(session, MilestoneReport, report_id)  # decided twice at once: the payment is released once
    report = session.get(MilestoneReport, report_id, populate_existing=True)
    if report is None:
        raise NotFound(en=f"no report {report_id}", fr=f"aucun rapport {report_id}", field="report")
    if report.status != "submitted":
        raise MilestoneRefused(en=f"report {report_id} was already {report.status}",
                               fr=f"le rapport {report_id} a déjà été traité")  # fmt: skip
    if not accept and not reason.strip():
        raise InvalidInput(en="a reason is required", fr="une raison est obligatoire", field="reason")
    milestone = session.get(Milestone, report.milestone_id)
    assert milestone is not None
    report.status = "accepted" if accept else "returned"
    report.decided_by, report.decided_at, report.decision_reason = manager, now, reason.strip() or None
    application = session.get(Application, milestone.application_id)
    assert application is not None
    if accept:
        milestone.status, milestone.paid_at = "paid", now
    else:
        milestone.status = "overdue" if milestone.due_date < _local_today(session, application, now) else "due"
    session.add_all([report, milestone])
    events = [
        audit.EventDraft(actor=manager, action=f"report.{report.status}", entity="milestone", entity_id=milestone.id,
                         call_id=application.call_id, from_state="submitted", to_state=milestone.status,
                         reason=reason.strip() or None, data={"report_id": report.id})
    ]  # fmt: skip
    if accept:
        events.append(
            audit.EventDraft(actor=manager, action="payment.released", entity="milestone", entity_id=milestone.id,
                             call_id=application.call_id, data={"amount_cents": milestone.amount_cents})
        )  # fmt: skip
    if accept and milestone.kind == "final":
        check_transition(ApplicationStatus.active, ApplicationStatus.completed, reference=application.reference)
        application.status = ApplicationStatus.completed
        session.add(application)
        events.append(audit.EventDraft(actor=manager, action="application.completed", entity="application",
                                       entity_id=application.id, call_id=application.call_id,
                                       from_state="active", to_state="completed"))  # fmt: skip
    audit.record(session, events, at=now)
    return report


def _local_today(session: Session, application: Application, now: dt.datetime) -> dt.date:
    call = session.get(Call, application.call_id)
    return now.astimezone(ZoneInfo(call.timezone if call else "America/Toronto")).date()


def check_overdue(session: Session, *, today: dt.date, actor: str = "system") -> list[int]:
    """Mark reports past their due date (a date in Toronto) as overdue and hold their payments.

    A report due on day D is overdue from D + 1. Returns the milestones newly overdue.
    """
    late = session.exec(
        select(Milestone)
        .join(Application, col(Application.id) == col(Milestone.application_id))
        .where(
            col(Milestone.report_required),
            col(Milestone.status).in_(["scheduled", "due"]),
            col(Milestone.due_date) < today,
            col(Application.status) == ApplicationStatus.active.value,
        )
        .order_by(col(Milestone.id))
    ).all()
    events = []
    for milestone in late:
        events.append(
            audit.EventDraft(actor=actor, action="milestone.overdue", entity="milestone", entity_id=milestone.id,
                             from_state=milestone.status, to_state="overdue",
                             data={"due_date": milestone.due_date.isoformat(), "held_cents": milestone.amount_cents})
        )  # fmt: skip
        milestone.status = "overdue"
        session.add(milestone)
    audit.record(session, events)
    return [m.id or 0 for m in late]


def simulate_reporting(
    session: Session, *, call_code: str, indicators: Sequence[str], seed: int, actor: str, late_share: float = 0.2
) -> tuple[dt.date, int, int]:
    """A year of reporting for demos: every funded project signs, and reports due in its first year come in
    (accepted, payment released) except a ``late_share`` that stays late. Returns the simulated date
    (a year after the latest start), the reports submitted and the reports left late.
    """
    call = get_call(session, call_code)
    rng = random.Random(seed)
    funded = session.exec(
        select(Application)
        .where(Application.call_id == call.id, Application.status == ApplicationStatus.funded.value)
        .order_by(col(Application.id))
    ).all()
    if not funded:
        return dt.date.today(), 0, 0
    as_of = max(add_months(a.start_date, 12) for a in funded)
    submitted = late = 0
    for app in funded:
        sign_agreement(session, reference=app.reference, actor=actor)
        for milestone in _milestones(session, app.id or 0):
            if not milestone.report_required or milestone.due_date >= as_of:
                continue
            if rng.random() < late_share:
                late += 1
                break  # a late report holds this project's later ones too
            values = {code: rng.randint(5, 400) for code in rng.sample(list(indicators), k=3)}
            report = submit_report(
                session, reference=app.reference, known_indicators=dict.fromkeys(indicators, 1), actor=actor,
                narrative="Activities went ahead as planned with our partners; results are aggregate counts.",
                indicators=values, now=dt.datetime.combine(milestone.due_date, dt.time(12), tzinfo=dt.UTC),
            )  # fmt: skip
            decide_report(session, report_id=report.id or 0, accept=True, reason="", manager=actor)
            submitted += 1
    return as_of, submitted, late
