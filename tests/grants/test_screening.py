"""Screening a call's applications and manager overrides (SQLite and PostgreSQL)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlmodel import col, select

from grants.db import unit_of_work
from grants.errors import IllegalTransition, InvalidInput
from grants.models import Application, AuditEvent, EligibilityResult, Milestone
from grants.screening import override_screening, screen_call
from tests.factories import application_row, create_example_call, take_in


def _statuses(engine: Engine) -> dict[str, str]:
    with unit_of_work(engine) as session:
        return {a.reference: a.status for a in session.exec(select(Application))}


def _failed_rules(engine: Engine) -> dict[str, list[str]]:
    with unit_of_work(engine) as session:
        rows = session.exec(
            select(Application.reference, EligibilityResult.rule)
            .join(Application, col(Application.id) == col(EligibilityResult.application_id))
            .where(EligibilityResult.outcome != "pass")
            .order_by(Application.reference, EligibilityResult.rule)
        ).all()
    failed: dict[str, list[str]] = {}
    for reference, rule in rows:
        failed.setdefault(reference, []).append(rule)
    return failed


def test_screen_call_each_rule_decides_exactly_its_applications(engine: Engine, tmp_path: Path) -> None:
    create_example_call(engine)
    rows = [
        application_row(1),
        application_row(2, organization_type="for_profit"),
        application_row(3, submitted_at="2026-03-13T17:00:01"),
        application_row(4, requested_amount="24999.99"),
        application_row(5, stream="iif", indigenous_led="no"),
        application_row(6, project_summary="Too short."),
        application_row(7, province="QC"),
        application_row(8, organization_type="municipality"),
        application_row(9, stream="iif", indigenous_led="yes", submitted_at="2026-03-13T17:00:00"),
    ]
    take_in(engine, tmp_path / "a.csv", rows)

    with unit_of_work(engine) as session:
        summary = screen_call(session, call_code="csf-2026", actor="screening.test")

    assert (summary.screened, summary.eligible, summary.ineligible, summary.needs_review) == (9, 2, 6, 1)
    assert summary.failures_by_rule == {
        "deadline": 1,
        "indigenous_led": 1,
        "ontario_presence": 1,
        "organization_type": 1,
        "request_range": 1,
        "required_fields": 1,
    }
    assert _statuses(engine) == {
        "CSF-2026-00001": "eligible",
        "CSF-2026-00002": "ineligible",
        "CSF-2026-00003": "ineligible",
        "CSF-2026-00004": "ineligible",
        "CSF-2026-00005": "ineligible",
        "CSF-2026-00006": "ineligible",
        "CSF-2026-00007": "ineligible",
        "CSF-2026-00008": "submitted",
        "CSF-2026-00009": "eligible",
    }
    assert _failed_rules(engine) == {
        "CSF-2026-00002": ["organization_type"],
        "CSF-2026-00003": ["deadline"],
        "CSF-2026-00004": ["request_range"],
        "CSF-2026-00005": ["indigenous_led"],
        "CSF-2026-00006": ["required_fields"],
        "CSF-2026-00007": ["ontario_presence"],
        "CSF-2026-00008": ["organization_type"],
    }


def test_screen_call_records_seven_verdicts_and_an_audit_event_per_decision(engine: Engine, tmp_path: Path) -> None:
    create_example_call(engine)
    take_in(engine, tmp_path / "a.csv", [application_row(1), application_row(2, organization_type="other")])

    with unit_of_work(engine) as session:
        screen_call(session, call_code="csf-2026", actor="screening.test")

    with unit_of_work(engine) as session:
        assert len(session.exec(select(EligibilityResult)).all()) == 14
        events = session.exec(select(AuditEvent).where(AuditEvent.action == "application.screened")).all()
        assert [(e.actor, e.from_state, e.to_state) for e in events] == [("screening.test", "submitted", "eligible")]


def test_screen_call_twice_leaves_decided_applications_alone(engine: Engine, tmp_path: Path) -> None:
    create_example_call(engine)
    take_in(engine, tmp_path / "a.csv", [application_row(1), application_row(2, organization_type="other")])
    with unit_of_work(engine) as session:
        screen_call(session, call_code="csf-2026")

    with unit_of_work(engine) as session:
        again = screen_call(session, call_code="csf-2026")

    assert (again.screened, again.eligible, again.ineligible, again.needs_review) == (1, 0, 0, 1)
    with unit_of_work(engine) as session:
        assert len(session.exec(select(EligibilityResult)).all()) == 14


def test_screen_call_overdue_report_on_an_earlier_award_fails_good_standing(engine: Engine, tmp_path: Path) -> None:
    create_example_call(engine)
    take_in(engine, tmp_path / "a.csv", [application_row(1)])
    with unit_of_work(engine) as session:
        earlier = session.exec(select(Application)).one()
        session.add(Milestone(application_id=earlier.id or 0, sequence=1, kind="interim",
                              due_date=dt.date(2026, 1, 31), amount_cents=100, status="overdue"))  # fmt: skip
    same_org = application_row(2, registration_number=application_row(1)["registration_number"])
    take_in(engine, tmp_path / "b.csv", [same_org, application_row(3)])

    with unit_of_work(engine) as session:
        screen_call(session, call_code="csf-2026")

    assert _failed_rules(engine) == {"CSF-2026-00001": ["good_standing"], "CSF-2026-00002": ["good_standing"]}
    assert _statuses(engine)["CSF-2026-00003"] == "eligible"


def test_override_screening_decides_a_held_application_and_is_audited(engine: Engine, tmp_path: Path) -> None:
    create_example_call(engine)
    take_in(engine, tmp_path / "a.csv", [application_row(1, organization_type="municipality")])
    with unit_of_work(engine) as session:
        screen_call(session, call_code="csf-2026")

    with unit_of_work(engine) as session:
        override_screening(
            session, reference="csf-2026-00001", result="eligible", reason="Municipal shelter run with a non-profit",
            actor="manager.a",
        )  # fmt: skip

    assert _statuses(engine) == {"CSF-2026-00001": "eligible"}
    with unit_of_work(engine) as session:
        event = session.exec(select(AuditEvent).where(AuditEvent.action == "application.screening_override")).one()
        assert (event.actor, event.from_state, event.to_state, event.reason) == (
            "manager.a",
            "submitted",
            "eligible",
            "Municipal shelter run with a non-profit",
        )
        override = session.exec(select(EligibilityResult).where(EligibilityResult.rule == "override")).one()
        assert (override.outcome, override.decided_by) == ("pass", "manager.a")


def test_override_screening_can_correct_an_automatic_verdict_before_review(engine: Engine, tmp_path: Path) -> None:
    create_example_call(engine)
    take_in(engine, tmp_path / "a.csv", [application_row(1, submitted_at="2026-03-13T17:20:00")])
    with unit_of_work(engine) as session:
        screen_call(session, call_code="csf-2026")

    with unit_of_work(engine) as session:
        override_screening(session, reference="CSF-2026-00001", result="eligible",
                           reason="Portal outage at the deadline", actor="manager.a")  # fmt: skip

    assert _statuses(engine) == {"CSF-2026-00001": "eligible"}


def test_override_screening_without_a_reason_is_refused(engine: Engine, tmp_path: Path) -> None:
    create_example_call(engine)
    take_in(engine, tmp_path / "a.csv", [application_row(1)])

    with pytest.raises(InvalidInput) as raised, unit_of_work(engine) as session:
        override_screening(session, reference="CSF-2026-00001", result="eligible", reason="  ", actor="m")

    assert (raised.value.field, raised.value.en, raised.value.fr) == (
        "reason",
        "a reason is required",
        "une raison est obligatoire",
    )


def test_override_screening_after_review_started_is_an_illegal_transition(engine: Engine, tmp_path: Path) -> None:
    create_example_call(engine)
    take_in(engine, tmp_path / "a.csv", [application_row(1)])
    with unit_of_work(engine) as session:
        app = session.exec(select(Application)).one()
        app.status = "in_review"  # type: ignore[assignment]
        session.add(app)

    with pytest.raises(IllegalTransition) as raised, unit_of_work(engine) as session:
        override_screening(session, reference="CSF-2026-00001", result="ineligible", reason="late", actor="m")

    assert (raised.value.en, raised.value.fr) == (
        "CSF-2026-00001: an application cannot go from “in review” to “ineligible”",
        "CSF-2026-00001 : une demande ne peut pas passer de l'état « en évaluation » à l'état « non admissible »",
    )
    assert _statuses(engine) == {"CSF-2026-00001": "in_review"}
