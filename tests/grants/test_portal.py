"""What the API shows applicants and reviewers, and one application through the API (SQLite and PostgreSQL)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, col, select

from grants.access import authenticate
from grants.assignment import store_assignment
from grants.awards import DecisionRow, approve_round, inputs_fingerprint, record_round, resolve_policy
from grants.calls import get_call
from grants.conflicts import ConflictRow, store_declared
from grants.db import unit_of_work
from grants.errors import InvalidInput, NotFound
from grants.i18n import format_datetime
from grants.models import Application, AwardRound, Notice, Reviewer, TokenRole
from grants.notice_records import NoticeJob, WrittenNotice, dedupe_key, record_notices
from grants.portal import (
    ApplicationExists,
    AssignmentInfo,
    CallClosed,
    DecisionInfo,
    NoticeInfo,
    PeerReview,
    applicant_view,
    assigned_application_id,
    notice_file,
    own_application,
    proposal_for_reviewer,
    reviewer_assignments,
    submit_application,
)
from grants.reviews import NotAssigned, ReviewSubmission, record_review
from tests.factories import (
    FUNDED_REFERENCE,
    add_reviewers,
    application_row,
    create_example_call,
    example_spec,
    funded_application,
    reviewed_applications,
    reviewer_row,
    take_in,
)

REF1, REF2 = "CSF-2026-00001", "CSF-2026-00002"
CRITERIA = [c.code for c in example_spec().rubric]
BEFORE_DEADLINE = dt.datetime(2026, 5, 15, 20, 59, tzinfo=dt.UTC)  # 4:59 p.m. in Toronto
IN_WINDOW = dt.datetime(2026, 2, 17, 19, 5, 30, tzinfo=dt.UTC)  # 2:05:30 p.m. in Toronto
TITLE2 = "Housing first for young survivors"


def _application_ids(engine: Engine) -> list[int]:
    with unit_of_work(engine) as session:
        return [i or 0 for i in session.exec(select(Application.id).order_by(col(Application.id)))]


def _two_applications(engine: Engine, tmp_path: Path) -> tuple[int, int]:
    create_example_call(engine)
    take_in(engine, tmp_path / "apps.csv", [application_row(1), application_row(2, project_title=TITLE2)])
    first, second = _application_ids(engine)
    return first, second


def _assigned(engine: Engine, tmp_path: Path) -> dict[str, int]:
    """Application 1 assigned to reviewers 1, 2 and 3, application 2 to reviewer 1; ids by short name."""
    app1, app2 = _two_applications(engine, tmp_path)
    add_reviewers(engine, tmp_path / "rev.csv", [reviewer_row(n) for n in (1, 2, 3)])
    with unit_of_work(engine) as session:
        for app in session.exec(select(Application)):
            app.status = "eligible"  # type: ignore[assignment]
            session.add(app)
        ids = {r.email.split("@")[0]: r.id or 0 for r in session.exec(select(Reviewer))}
    with unit_of_work(engine) as session:
        pairs = [(app1, ids["reviewer1"], 1.0), (app1, ids["reviewer2"], 1.0), (app1, ids["reviewer3"], 1.0),
                 (app2, ids["reviewer1"], 1.0)]  # fmt: skip
        store_assignment(session, call_code="csf-2026", pairs=pairs, actor="t")
    return {"app1": app1, "app2": app2, **ids}


def _scores(score: int) -> dict[str, int | None]:
    return dict.fromkeys(CRITERIA, score)


def _review(engine: Engine, reviewer_id: int, score: int, recommendation: str = "fund", reference: str = REF1) -> None:
    submission = ReviewSubmission(_scores(score), dict.fromkeys(CRITERIA, "Clear and well argued."), recommendation)
    with unit_of_work(engine) as session:
        record_review(session, reference=reference, reviewer_id=reviewer_id, submission=submission, actor="reviewer",
                      now=BEFORE_DEADLINE)  # fmt: skip


# --- applicants -------------------------------------------------------------------------


def test_applicant_view_of_a_funded_application_in_the_applicants_language(engine: Engine, tmp_path: Path) -> None:
    funded_application(engine, tmp_path)
    with unit_of_work(engine) as session:
        app = session.exec(select(Application).where(Application.reference == FUNDED_REFERENCE)).one()
        app.language = "fr"  # type: ignore[assignment]
        session.add(app)
    app_id = app.id or 0

    with unit_of_work(engine) as session:
        view = applicant_view(session, application_id=app_id)
        english = applicant_view(session, application_id=app_id, lang="en")

    assert (view.status_code, view.status.language, view.status.stage, view.requested) == (
        "funded", "fr", "financée", "125\u202f000,00\u00a0$",
    )  # fmt: skip
    assert view.decision == DecisionInfo("funded", "financé", 12_500_000, "125\u202f000,00\u00a0$", None, "Financée.")
    assert [
        (m.sequence, m.kind_label, m.due, m.amount_cents, m.status_label, m.report_id) for m in view.milestones
    ] == [
        (1, "signature de l'entente", "1er juillet 2026", 5_000_000, "prévu", None),
        (2, "rapport d'étape", "1er janvier 2027", 2_083_334, "prévu", None),
        (3, "rapport d'étape", "1er juillet 2027", 2_083_333, "prévu", None),
        (4, "rapport d'étape", "1er janvier 2028", 2_083_333, "prévu", None),
        (5, "rapport final", "30 août 2028", 1_250_000, "prévu", None),
    ]
    assert english.decision is not None and (english.decision.outcome_label, english.decision.rationale) == (
        "funded", "Funded.",
    )  # fmt: skip
    assert [(m.kind_label, m.due, m.status_label) for m in english.milestones] == [
        ("signing of the agreement", "July 1, 2026", "scheduled"),
        ("interim report", "January 1, 2027", "scheduled"),
        ("interim report", "July 1, 2027", "scheduled"),
        ("interim report", "January 1, 2028", "scheduled"),
        ("final report", "August 30, 2028", "scheduled"),
    ]


def _draft_round(session: Session, decisions: list[DecisionRow], *, dry_run: bool) -> AwardRound:
    return record_round(
        session, call_code="csf-2026", policy=resolve_policy(example_spec(), None, seed=1), decisions=decisions,
        report={}, inputs_hash=inputs_fingerprint(session, call=get_call(session, "csf-2026")), dry_run=dry_run,
        run_by="A", kind="initial",
    )  # fmt: skip


def test_applicant_view_shows_a_decision_only_once_its_round_is_approved(engine: Engine, tmp_path: Path) -> None:
    reviewed_applications(engine, tmp_path)
    app_id = _application_ids(engine)[0]
    funded = [DecisionRow(app_id, "funded", 12_500_000, None, "rank", "Funded.", "Financée.")]
    declined = [DecisionRow(app_id, "declined", 0, None, "rank", "Declined.", "Refusée.")]
    with unit_of_work(engine) as session:
        draft = _draft_round(session, funded, dry_run=False)
        _draft_round(session, declined, dry_run=True)
    with unit_of_work(engine) as session:
        before = applicant_view(session, application_id=app_id)
    with unit_of_work(engine) as session:
        approve_round(session, round_id=draft.id or 0, manager="B")
    with unit_of_work(engine) as session:
        after = applicant_view(session, application_id=app_id)

    assert (before.status_code, before.decision, before.milestones) == ("reviewed", None, [])
    assert (after.status_code, after.decision) == (
        "funded", DecisionInfo("funded", "funded", 12_500_000, "$125,000.00", None, "Funded."),
    )  # fmt: skip
    assert len(after.milestones) == 5


def _record_receipts(engine: Engine, tmp_path: Path, app_ids: tuple[int, int]) -> list[int]:
    """A receipt letter for each application, its file written; the notice ids."""
    written = []
    for app_id, reference in zip(app_ids, (REF1, REF2), strict=True):
        path = tmp_path / f"{reference}-receipt-en.docx"
        path.write_bytes(b"PK letter")
        job = NoticeJob(dedupe_key(app_id, "receipt"), app_id, "receipt", None, None, "en", path.name, {})
        written.append(WrittenNotice(job, str(path), "0" * 64))
    with unit_of_work(engine) as session:
        record_notices(session, written=written, actor="notices.test")
        return [n.id or 0 for n in session.exec(select(Notice).order_by(col(Notice.id)))]


def test_applicant_view_lists_the_applications_own_letters(engine: Engine, tmp_path: Path) -> None:
    app_ids = _two_applications(engine, tmp_path)
    first, _ = _record_receipts(engine, tmp_path, app_ids)

    with unit_of_work(engine) as session:
        view = applicant_view(session, application_id=app_ids[0], lang="fr")
        created = session.exec(select(Notice.created_at).where(Notice.id == first)).one()

    assert view.notices == [NoticeInfo(first, "receipt", "accusé de réception", "en", format_datetime(created, "fr"))]
    assert (view.status_code, view.decision, view.milestones) == ("submitted", None, [])


def test_notice_file_gives_only_the_applications_own_stored_letter(engine: Engine, tmp_path: Path) -> None:
    app_ids = _two_applications(engine, tmp_path)
    first, second = _record_receipts(engine, tmp_path, app_ids)

    with unit_of_work(engine) as session:
        found = notice_file(session, application_id=app_ids[0], notice_id=first)
    refusals = []
    for notice_id in (second, second + 100):
        with pytest.raises(NotFound) as raised, unit_of_work(engine) as session:
            notice_file(session, application_id=app_ids[0], notice_id=notice_id)
        refusals.append((raised.value.field, raised.value.en))
    found[0].unlink()
    with pytest.raises(NotFound) as gone, unit_of_work(engine) as session:
        notice_file(session, application_id=app_ids[0], notice_id=first)

    assert found == (tmp_path / "CSF-2026-00001-receipt-en.docx", "CSF-2026-00001-receipt-en.docx")
    assert refusals == [("notice_id", f"no letter {second}"), ("notice_id", f"no letter {second + 100}")]
    assert gone.value.en == f"letter {first} is no longer stored; ask the fund office for a copy"


def test_own_application_is_found_only_under_its_own_reference() -> None:
    own = own_application(own_reference=REF1, application_id=7, reference=" csf-2026-00001")
    refusals = []
    for reference in (REF2, "CSF-2026-00099"):
        with pytest.raises(NotFound) as raised:
            own_application(own_reference=REF1, application_id=7, reference=reference)
        refusals.append((raised.value.field, raised.value.en))

    assert own == 7
    assert refusals == [
        ("reference", "no application with reference 'CSF-2026-00002'"),
        ("reference", "no application with reference 'CSF-2026-00099'"),
    ]


def test_reviewer_assignments_list_open_assignments_and_whether_reviewed(engine: Engine, tmp_path: Path) -> None:
    ids = _assigned(engine, tmp_path)
    _review(engine, ids["reviewer1"], 4)
    title = application_row(1)["project_title"]

    with unit_of_work(engine) as session:
        first = reviewer_assignments(session, reviewer_id=ids["reviewer1"])
        second = reviewer_assignments(session, reviewer_id=ids["reviewer2"], lang="fr")

    assert first == [
        AssignmentInfo(REF1, title, "Community Support Fund", "en", "submitted", BEFORE_DEADLINE),
        AssignmentInfo(REF2, TITLE2, "Community Support Fund", "en", "to do", None),
    ]
    assert second == [AssignmentInfo(REF1, title, "Fonds de soutien communautaire", "en", "to do", None)]


def test_assigned_application_id_only_for_an_open_assignment(engine: Engine, tmp_path: Path) -> None:
    ids = _assigned(engine, tmp_path)

    with unit_of_work(engine) as session:
        found = assigned_application_id(session, reviewer_id=ids["reviewer1"], reference=" csf-2026-00002 ")
    with pytest.raises(NotAssigned) as raised, unit_of_work(engine) as session:
        assigned_application_id(session, reviewer_id=ids["reviewer2"], reference=REF2)

    assert found == ids["app2"]
    assert (raised.value.field, raised.value.en) == ("reference", "CSF-2026-00002 is not among your assignments")


def test_proposal_for_reviewer_shows_peer_reviews_only_after_their_own(engine: Engine, tmp_path: Path) -> None:
    ids = _assigned(engine, tmp_path)
    _review(engine, ids["reviewer2"], 3, "consider")
    _review(engine, ids["reviewer3"], 5)
    with unit_of_work(engine) as session:
        before = proposal_for_reviewer(session, reviewer_id=ids["reviewer1"], reference=REF1)
    _review(engine, ids["reviewer1"], 4)

    with unit_of_work(engine) as session:
        after = proposal_for_reviewer(session, reviewer_id=ids["reviewer1"], reference=REF1)
        in_french = proposal_for_reviewer(session, reviewer_id=ids["reviewer1"], reference=REF1, lang="fr")
        people = [text for r in session.exec(select(Reviewer)) for text in (r.name, r.email, r.email.split("@")[0])]

    assert (before.own_review, before.peer_reviews) == (None, [])
    assert after.peer_reviews == [
        PeerReview("Reviewer 1", _scores(3), "consider"),
        PeerReview("Reviewer 2", _scores(5), "fund"),
    ]
    assert [p.reviewer for p in in_french.peer_reviews] == ["Évaluateur 1", "Évaluateur 2"]
    assert [text for text in people if text in repr(after.peer_reviews)] == []
    assert after.own_review is not None and (after.own_review["scores"], after.own_review["recommendation"]) == (
        _scores(4), "fund",
    )  # fmt: skip
    assert (after.reference, after.organization, after.requested, after.review_deadline) == (
        REF1, "Safe Harbour Community Services 1", "$125,000.00", "May 15, 2026 at 5:00 p.m.",
    )  # fmt: skip
    assert [c.code for c in after.rubric] == CRITERIA


def test_declared_conflict_takes_the_application_away_and_hides_its_review(engine: Engine, tmp_path: Path) -> None:
    ids = _assigned(engine, tmp_path)
    for reviewer, score in (("reviewer1", 4), ("reviewer2", 2), ("reviewer3", 5)):
        _review(engine, ids[reviewer], score)
    with unit_of_work(engine) as session:
        conflict = ConflictRow(ids["reviewer2"], ids["app1"], "declared", "Sits on the board", "Siège au conseil")
        store_declared(session, call=get_call(session, "csf-2026"), rows=[conflict], actor="reviewer2")

    with pytest.raises(NotAssigned) as raised, unit_of_work(engine) as session:
        proposal_for_reviewer(session, reviewer_id=ids["reviewer2"], reference=REF1)
    with pytest.raises(NotAssigned), unit_of_work(engine) as session:
        assigned_application_id(session, reviewer_id=ids["reviewer2"], reference=REF1)
    with unit_of_work(engine) as session:
        listed = reviewer_assignments(session, reviewer_id=ids["reviewer2"])
        peers = proposal_for_reviewer(session, reviewer_id=ids["reviewer1"], reference=REF1).peer_reviews

    assert raised.value.en == "CSF-2026-00001 is not among your assignments"
    assert listed == []
    assert peers == [PeerReview("Reviewer 1", _scores(5), "fund")]


# --- one application through the API ---------------------------------------------------


def _submit(engine: Engine, cells: dict[str, str], now: dt.datetime = IN_WINDOW) -> tuple[str | None, int, str]:
    with unit_of_work(engine) as session:
        issued, app = submit_application(session, call_code="csf-2026", cells=cells, actor="applicant", now=now)
        return (issued.token if issued else None), app.id or 0, app.reference


def test_submit_application_stores_it_once_and_its_token_speaks_for_it(engine: Engine) -> None:
    create_example_call(engine)
    cells = application_row(1, external_id="API-1", submitted_at="ignored")

    token, app_id, reference = _submit(engine, cells)
    again = _submit(engine, cells)

    assert token is not None and again == (None, app_id, REF1) and reference == REF1
    with unit_of_work(engine) as session:
        principal = authenticate(session, token)
        app = session.get(Application, app_id)
    assert principal is not None and (principal.role, principal.name, principal.application_id) == (
        TokenRole.applicant, REF1, app_id,
    )  # fmt: skip
    assert app is not None and (app.status, app.submitted_at) == ("submitted", IN_WINDOW)


def test_submit_application_same_external_id_with_other_content_is_refused(engine: Engine) -> None:
    create_example_call(engine)
    _submit(engine, application_row(1, external_id="API-1"))

    with pytest.raises(ApplicationExists) as raised, unit_of_work(engine) as session:
        submit_application(session, call_code="csf-2026", cells=application_row(1, external_id="API-1",
                           requested_amount="150000"), actor="applicant", now=IN_WINDOW)  # fmt: skip

    assert (raised.value.code, raised.value.field) == ("application_exists", "external_id")
    assert raised.value.en == (
        "already imported as CSF-2026-00001 with other content; a submitted application is not changed"
    )
    assert len(_application_ids(engine)) == 1


def test_submit_application_same_cells_a_minute_later_is_the_same_application(engine: Engine) -> None:
    create_example_call(engine)
    cells = application_row(1, external_id="API-1")
    _, app_id, _ = _submit(engine, cells)

    assert _submit(engine, cells, now=IN_WINDOW + dt.timedelta(minutes=1)) == (None, app_id, REF1)


def test_submit_application_outside_the_call_window_is_refused(engine: Engine) -> None:
    create_example_call(engine)
    with unit_of_work(engine) as session:
        call = get_call(session, "csf-2026")
    second = dt.timedelta(seconds=1)

    refusals = []
    for now in (call.opens_at - second, call.closes_at + second):
        with pytest.raises(CallClosed) as raised, unit_of_work(engine) as session:
            submit_application(session, call_code="csf-2026", cells=application_row(1), actor="a", now=now)
        refusals.append(raised.value.code)
    at_closing = _submit(engine, application_row(1), now=call.closes_at)

    assert refusals == ["call_closed", "call_closed"]
    assert raised.value.en == (
        "the call csf-2026 takes applications from January 12, 2026 at 9:00 a.m. to March 13, 2026 at 5:00 p.m."
    )
    assert at_closing[2] == REF1


def test_submit_application_invalid_cell_names_its_column(engine: Engine) -> None:
    create_example_call(engine)
    bad = [{"requested_amount": "lots"}, {"language": "de"}, {"stream": "arts"}, {"external_id": "has spaces!"}]

    fields = []
    for change in bad:
        with pytest.raises(InvalidInput) as raised, unit_of_work(engine) as session:
            submit_application(session, call_code="csf-2026", cells=application_row(1, **change), actor="a",
                               now=IN_WINDOW)  # fmt: skip
        fields.append(raised.value.field)

    assert fields == ["requested_amount", "language", "stream", "external_id"]
    assert _application_ids(engine) == []
