"""Eligibility screening of a call's submitted applications, and manager overrides."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Literal

from sqlalchemy import delete, insert, update
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from grants import audit
from grants.applications import get_application
from grants.calls import call_spec, get_call
from grants.db import in_chunks, table
from grants.eligibility import RuleResult, ScreeningInput, screen, verdict
from grants.errors import InvalidInput
from grants.lifecycle import check_transition
from grants.models import (
    Application,
    ApplicationStatus,
    EligibilityResult,
    Milestone,
    Organization,
    RuleOutcome,
    Stream,
    utcnow,
)

OVERRIDE_RULE = "override"


@dataclass
class ScreeningSummary:
    screened: int = 0
    eligible: int = 0
    ineligible: int = 0
    needs_review: int = 0
    failures_by_rule: dict[str, int] = field(default_factory=dict)
    letters: str | None = None  # folder of the ineligibility letters, when the flow wrote them


def organizations_not_in_good_standing(session: Session, organization_ids: set[int]) -> set[int]:
    """Organizations with an overdue milestone report on any award."""
    stmt = (
        select(Application.organization_id)
        .join(Milestone, col(Milestone.application_id) == col(Application.id))
        .where(Milestone.status == "overdue")
        .distinct()
    )
    return {org_id for org_id in session.exec(stmt) if org_id in organization_ids}


def screen_call(session: Session, *, call_code: str, actor: str = "system") -> ScreeningSummary:
    """Apply every rule to each submitted application of the call and record the verdicts.

    All rules pass: eligible. Any rule fails: ineligible. Otherwise the application stays
    submitted until a manager decides (``override``). Re-screening replaces earlier verdicts.
    """
    call = get_call(session, call_code)
    spec = call_spec(call)
    facts = _screening_facts(session, call_id=call.id or 0)
    summary = ScreeningSummary(screened=len(facts))
    if not facts:
        return summary
    now = utcnow()
    results: list[dict[str, Any]] = []
    moves: dict[ApplicationStatus, list[int]] = {ApplicationStatus.eligible: [], ApplicationStatus.ineligible: []}
    failures: Counter[str] = Counter()
    for app in facts:
        verdicts = screen(app, spec)
        results.extend(_result_row(app.application_id, v, now) for v in verdicts)
        failures.update(v.rule for v in verdicts if v.outcome is RuleOutcome.failed)
        outcome = verdict(verdicts)
        if outcome is None:
            summary.needs_review += 1
        else:
            moves[outcome].append(app.application_id)
    ids = [app.application_id for app in facts]
    for chunk in in_chunks(ids):
        session.execute(
            delete(EligibilityResult).where(
                col(EligibilityResult.application_id).in_(chunk), col(EligibilityResult.rule) != OVERRIDE_RULE
            )
        )
    session.connection().execute(insert(table(EligibilityResult)), results)
    events: list[audit.EventDraft] = []
    for status, app_ids in moves.items():
        check_transition(ApplicationStatus.submitted, status)  # the whole batch moves from submitted
        for chunk in in_chunks(app_ids):
            session.execute(
                update(Application)
                .where(col(Application.id).in_(chunk))
                .values(status=status.value, updated_at=now)
                .execution_options(synchronize_session=False)
            )
        events.extend(
            audit.EventDraft(
                actor=actor,
                action="application.screened",
                entity="application",
                entity_id=app_id,
                call_id=call.id,
                from_state=ApplicationStatus.submitted.value,
                to_state=status.value,
            )
            for app_id in app_ids
        )
    audit.record(session, events, at=now)
    summary.eligible = len(moves[ApplicationStatus.eligible])
    summary.ineligible = len(moves[ApplicationStatus.ineligible])
    summary.failures_by_rule = dict(sorted(failures.items()))
    return summary


def override_screening(
    session: Session, *, reference: str, result: Literal["eligible", "ineligible"], reason: str, actor: str
) -> Application:
    """A manager's eligibility decision, with a reason; recorded as rule ``override`` and audited."""
    reason = reason.strip()
    if not reason:
        raise InvalidInput(en="a reason is required", fr="une raison est obligatoire", field="reason")
    app = get_application(session, reference)
    target = ApplicationStatus(result)
    current = ApplicationStatus(app.status)
    check_transition(current, target, reference=app.reference, override=True)
    now = utcnow()
    session.execute(
        delete(EligibilityResult).where(
            col(EligibilityResult.application_id) == app.id, col(EligibilityResult.rule) == OVERRIDE_RULE
        )
    )
    outcome = RuleOutcome.passed if target is ApplicationStatus.eligible else RuleOutcome.failed
    session.add(
        EligibilityResult(
            application_id=app.id or 0,
            rule=OVERRIDE_RULE,
            outcome=outcome,
            reason_fr=reason,
            reason_en=reason,
            decided_by=actor,
            decided_at=now,
        )
    )
    app.status = target
    app.updated_at = now
    session.add(app)
    audit.record(
        session,
        [
            audit.EventDraft(
                actor=actor,
                action="application.screening_override",
                entity="application",
                entity_id=app.id,
                call_id=app.call_id,
                from_state=current.value,
                to_state=target.value,
                reason=reason,
            )
        ],
        at=now,
    )
    session.flush()
    return app


def _screening_facts(session: Session, *, call_id: int) -> list[ScreeningInput]:
    """The rules' inputs for every submitted application of the call, in one query."""
    columns = [
        col(Application.id),
        col(Stream.code),
        col(Organization.id),
        col(Organization.org_type),
        col(Organization.province),
        col(Organization.indigenous_led),
        col(Application.requested_cents),
        col(Application.submitted_at),
        col(Application.summary),
        col(Application.board_members),
        col(Application.key_staff),
        col(Application.partner_organizations),
        col(Application.populations_served),
    ]
    stmt = (
        sa_select(*columns)
        .join(Organization, col(Organization.id) == col(Application.organization_id))
        .join(Stream, col(Stream.id) == col(Application.stream_id))
        .where(col(Application.call_id) == call_id, col(Application.status) == ApplicationStatus.submitted.value)
        .order_by(col(Application.id))
    )
    rows = session.execute(stmt).all()
    blocked = organizations_not_in_good_standing(session, {row[2] for row in rows if row[2] is not None})
    return [
        ScreeningInput(
            application_id=app_id or 0,
            stream=stream,
            organization_type=org_type,
            province=province,
            indigenous_led=indigenous,
            requested_cents=requested,
            submitted_at=submitted,
            summary=summary,
            board_members=board,
            key_staff=staff,
            partner_organizations=partners,
            populations_served=populations,
            in_good_standing=org_id not in blocked,
        )
        for (app_id, stream, org_id, org_type, province, indigenous, requested, submitted, summary, board, staff,
             partners, populations) in rows
    ]  # fmt: skip


def _result_row(application_id: int, result: RuleResult, now: Any) -> dict[str, Any]:
    return {
        "application_id": application_id,
        "rule": result.rule,
        "outcome": result.outcome.value,
        "reason_fr": result.reason_fr,
        "reason_en": result.reason_en,
        "decided_by": "system",
        "decided_at": now,
    }
