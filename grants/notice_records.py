"""Notices, database side: what each letter says, stored once per application, kind and round.

Rendering is pure and lives in the ``notices`` package; ``workflows.notices`` joins the
two. Here: the letters a round or a call still owes (``NoticeJob``: the facts, in the
applicant's language), recording written files with their SHA-256, the manifest, and
marking letters as sent (once, audited).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pandas as pd
from sqlalchemy import select as sa_select
from sqlalchemy import update
from sqlmodel import Session, col, select

from grants import audit
from grants.awards import RoundRefused, get_round
from grants.calls import call_spec, get_call
from grants.db import in_chunks, insert_new
from grants.eligibility import RULE_NAMES
from grants.models import (
    Application,
    Assignment,
    AwardRound,
    Call,
    Decision,
    EligibilityResult,
    Milestone,
    Notice,
    Organization,
    Review,
    Stream,
    utcnow,
)
from grants.settings import get_settings
from grants.tabular import write_csv_atomically

ROUND_KINDS = {"funded": "funded", "waitlisted": "waitlisted", "declined": "declined"}
# The conditions every funded project accepts, as the letter lists them.
CONDITIONS: dict[str, tuple[str, ...]] = {
    "fr": (
        "Signer l'entente de financement dans les 30 jours suivant la présente lettre.",
        "Utiliser les fonds uniquement pour le projet décrit dans la demande et selon le budget approuvé.",
        "Remettre les rapports d'étape aux dates prévues, avec des indicateurs agrégés seulement : aucun "
        "renseignement permettant d'identifier une personne survivante.",
        "Informer le bureau sans délai de tout changement important au projet.",
    ),
    "en": (
        "Sign the funding agreement within 30 days of this letter.",
        "Use the funds only for the project described in the application and within the approved budget.",
        "Submit the progress reports on the dates set, with aggregate indicators only: no information that "
        "could identify a survivor.",
        "Tell the office promptly of any significant change to the project.",
    ),
}


@dataclass(frozen=True)
class NoticeJob:
    """One letter still owed: its unique key, where it goes, and the facts it states."""

    dedupe_key: str
    application_id: int
    kind: str
    round_id: int | None
    milestone_id: int | None
    language: str
    file_name: str
    fields: dict[str, Any]  # the notices.NoticeData fields (JSON-friendly; office left to the renderer)


def dedupe_key(application_id: int, kind: str, *, round_id: int | None = None, milestone_id: int | None = None) -> str:
    scope = f"r{round_id}" if round_id is not None else (f"m{milestone_id}" if milestone_id is not None else "-")
    return f"{application_id}:{kind}:{scope}"


def _today(call: Call) -> dt.date:
    return dt.datetime.now(ZoneInfo(call.timezone)).date()


def _base(call: Call, app: Application, org: Organization, stream: Stream, kind: str) -> dict[str, Any]:
    return {
        "kind": kind,
        "language": app.language,
        "reference": app.reference,
        "call_title_fr": call.title_fr,
        "call_title_en": call.title_en,
        "stream_name_fr": stream.name_fr,
        "stream_name_en": stream.name_en,
        "organization": org.legal_name,
        "contact_name": app.contact_name,
        "project_title": app.title,
        "issue_date": _today(call).isoformat(),
    } | _office()


def _office() -> dict[str, Any]:
    """The office's status page on the letters, once the web pages have a public address."""
    portal = get_settings().portal_url
    return {"office": {"status_url": f"{portal.rstrip('/')}/applicant/sign-in"}} if portal else {}


def _stored_keys(session: Session, keys: Sequence[str]) -> set[str]:
    found: set[str] = set()
    for chunk in in_chunks(keys):
        found.update(session.exec(select(Notice.dedupe_key).where(col(Notice.dedupe_key).in_(chunk))).all())
    return found


def round_jobs(session: Session, *, round_id: int) -> list[NoticeJob]:
    """The decision letters of an approved round that have not been generated yet."""
    award_round = get_round(session, round_id)
    if award_round.status != "approved":
        raise RoundRefused(
            en=f"round {round_id} is not approved; its letters go out after approval",
            fr=f"la ronde {round_id} n'est pas approuvée; ses lettres partent après l'approbation",
        )
    call = session.get(Call, award_round.call_id)
    assert call is not None
    spec = call_spec(call)
    rows = session.exec(
        select(Decision, Application, Organization, Stream)
        .join(Application, col(Application.id) == col(Decision.application_id))
        .join(Organization, col(Organization.id) == col(Application.organization_id))
        .join(Stream, col(Stream.id) == col(Application.stream_id))
        .where(Decision.round_id == round_id)
        .order_by(col(Application.reference))
    ).all()
    keys = [dedupe_key(d.application_id, d.outcome, round_id=round_id) for d, _, _, _ in rows]
    done = _stored_keys(session, keys)
    schedules = _schedules(session, round_id)
    feedback = _feedback(session, [a.id or 0 for d, a, _, _ in rows if d.outcome == "declined"], spec)
    jobs: list[NoticeJob] = []
    for (decision, app, org, stream), key in zip(rows, keys, strict=True):
        if key in done:
            continue
        fields = _base(call, app, org, stream, decision.outcome)
        if decision.outcome == "funded":
            fields |= {
                "amount_cents": decision.amount_cents,
                "requested_cents": app.requested_cents,
                "conditions": list(CONDITIONS["fr" if app.language == "fr" else "en"]),
                "schedule": schedules.get(app.id or 0, []),
            }
        elif decision.outcome == "waitlisted":
            fields["waitlist_position"] = decision.waitlist_position
        else:
            basis = decision.rule if decision.rule in ("below_line", "not_scored") else "envelope"
            fields |= {"decline_basis": basis, "feedback": feedback.get(app.id or 0, [])}
        jobs.append(
            NoticeJob(key, app.id or 0, decision.outcome, round_id, None, app.language,
                      f"{app.reference}-{decision.outcome}-{app.language}.docx", fields)
        )  # fmt: skip
    return jobs


def _schedules(session: Session, round_id: int) -> dict[int, list[dict[str, Any]]]:
    schedules: dict[int, list[dict[str, Any]]] = defaultdict(list)
    interim: dict[int, int] = defaultdict(int)
    for m in session.exec(
        select(Milestone)
        .where(Milestone.round_id == round_id)
        .order_by(col(Milestone.application_id), col(Milestone.sequence))
    ):
        number = None
        if m.kind == "interim":
            interim[m.application_id] += 1
            number = interim[m.application_id]
        schedules[m.application_id].append(
            {"kind": m.kind, "due_date": m.due_date.isoformat(), "amount_cents": m.amount_cents,
             "report_required": m.report_required, "number": number}
        )  # fmt: skip
    return schedules


def _feedback(session: Session, application_ids: list[int], spec: Any) -> dict[int, list[str]]:
    """Per declined application, each criterion's mean score and the reviewers' comments on its weakest one."""
    if not application_ids:
        return {}
    names = {c.code: (c.name_fr, c.name_en) for c in spec.rubric}
    languages = dict(
        session.execute(
            sa_select(col(Application.id), col(Application.language)).where(col(Application.id).in_(application_ids))
        ).all()
    )
    scores: dict[int, dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
    comments: dict[int, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for chunk in in_chunks(application_ids):
        for app_id, review_scores, review_comments in session.execute(
            sa_select(col(Assignment.application_id), col(Review.scores), col(Review.comments))
            .join(Assignment, col(Assignment.id) == col(Review.assignment_id))
            .where(col(Assignment.application_id).in_(chunk), col(Assignment.status) == "active")
        ):
            for code, score in review_scores.items():
                if score is not None:
                    scores[app_id][code].append(int(score))
                text = str(review_comments.get(code, "")).strip()
                if text:
                    comments[app_id][code].append(text)
    summary: dict[int, list[str]] = {}
    for app_id in application_ids:
        pick = 0 if languages.get(app_id) == "fr" else 1
        lines = []
        for code, (fr, en) in names.items():
            values = scores[app_id].get(code)
            if not values:
                continue
            mean = sum(values) / len(values)
            shown = f"{mean:.1f}".replace(".", ",") if pick == 0 else f"{mean:.1f}"
            lines.append(f"{fr} : {shown} sur 5" if pick == 0 else f"{en}: {shown} out of 5")
        weakest = min(
            (c for c in names if scores[app_id].get(c)), key=lambda c: sum(scores[app_id][c]) / len(scores[app_id][c]),
            default=None,
        )  # fmt: skip
        if weakest is not None:
            label = names[weakest][pick]
            lines += [f"{label} — {text}" for text in list(dict.fromkeys(comments[app_id].get(weakest, [])))[:2]]
        summary[app_id] = lines
    return summary


def ineligible_jobs(session: Session, *, call_code: str) -> list[NoticeJob]:
    """Letters for the call's ineligible applications that have not been generated yet."""
    call = get_call(session, call_code)
    rows = session.exec(
        select(Application, Organization, Stream)
        .join(Organization, col(Organization.id) == col(Application.organization_id))
        .join(Stream, col(Stream.id) == col(Application.stream_id))
        .where(Application.call_id == call.id, Application.status == "ineligible")
        .order_by(col(Application.reference))
    ).all()
    keys = [dedupe_key(a.id or 0, "ineligible") for a, _, _ in rows]
    done = _stored_keys(session, keys)
    reasons: dict[int, list[EligibilityResult]] = defaultdict(list)
    ids = [a.id or 0 for a, _, _ in rows]
    for chunk in in_chunks(ids):
        for result in session.exec(
            select(EligibilityResult)
            .where(
                col(EligibilityResult.application_id).in_(chunk),
                col(EligibilityResult.outcome) == "fail",
            )
            .order_by(col(EligibilityResult.id))
        ):
            reasons[result.application_id].append(result)
    jobs = []
    for (app, org, stream), key in zip(rows, keys, strict=True):
        if key in done:
            continue
        pick = 0 if app.language == "fr" else 1
        fields = _base(call, app, org, stream, "ineligible")
        fields["reasons"] = [
            [RULE_NAMES[r.rule][pick], r.reason_fr if pick == 0 else r.reason_en] for r in reasons[app.id or 0]
        ]
        jobs.append(NoticeJob(key, app.id or 0, "ineligible", None, None, app.language,
                              f"{app.reference}-ineligible-{app.language}.docx", fields))  # fmt: skip
    return jobs


@dataclass(frozen=True)
class WrittenNotice:
    job: NoticeJob
    path: str
    sha256: str


def record_notices(session: Session, *, written: Sequence[WrittenNotice], actor: str) -> int:
    """Record letters whose files are written; a letter already recorded is left as it is."""
    now = utcnow()
    # A letter recorded by another worker in the meantime (the same batch run twice) is skipped, not an error.
    inserted = insert_new(
        session,
        Notice,
        [{"dedupe_key": w.job.dedupe_key, "application_id": w.job.application_id, "kind": w.job.kind,
          "round_id": w.job.round_id, "milestone_id": w.job.milestone_id, "language": w.job.language,
          "file_path": w.path, "sha256": w.sha256, "created_at": now} for w in written],
        "dedupe_key",
    )  # fmt: skip
    fresh = [w for w in written if w.job.dedupe_key in inserted]
    audit.record(
        session,
        [audit.EventDraft(actor=actor, action="notice.generated", entity="application", entity_id=w.job.application_id,
                          data={"kind": w.job.kind, "round_id": w.job.round_id, "sha256": w.sha256}) for w in fresh],
        at=now,
    )  # fmt: skip
    return len(fresh)


def write_manifest(
    session: Session, *, path: Path, round_id: int | None = None, call_code: str | None = None, kind: str | None = None
) -> tuple[str, int]:
    """manifest.csv: reference, kind, language, file, SHA-256 of every letter of the round (or call)."""
    stmt = sa_select(
        col(Application.reference), col(Notice.kind), col(Notice.language), col(Notice.file_path), col(Notice.sha256)
    ).join(Application, col(Application.id) == col(Notice.application_id))
    if round_id is not None:
        stmt = stmt.where(col(Notice.round_id) == round_id)
    else:
        call = get_call(session, call_code or "")
        stmt = stmt.where(col(Application.call_id) == call.id, col(Notice.round_id).is_(None))
    if kind is not None:
        stmt = stmt.where(col(Notice.kind) == kind)
    rows = session.execute(stmt.order_by(col(Application.reference), col(Notice.kind))).all()
    frame = pd.DataFrame(
        [(ref, kind, lang, Path(file).name, sha) for ref, kind, lang, file, sha in rows],
        columns=["reference", "kind", "language", "file", "sha256"],
    )
    return str(write_csv_atomically(path, frame)), len(frame)


def mark_sent(session: Session, *, round_id: int, actor: str) -> int:
    """Record that a round's letters were sent; each letter is marked once, and audited."""
    get_round(session, round_id)
    now = utcnow()
    pending = session.exec(
        select(Notice).where(Notice.round_id == round_id, col(Notice.sent_at).is_(None)).with_for_update()
    ).all()
    ids = [n.id for n in pending]
    if ids:
        session.execute(
            update(Notice)
            .where(col(Notice.id).in_(ids))
            .values(sent_at=now)
            .execution_options(synchronize_session=False)
        )
    audit.record(
        session,
        [audit.EventDraft(actor=actor, action="notice.sent", entity="application", entity_id=n.application_id,
                          data={"kind": n.kind, "round_id": round_id, "notice_id": n.id}) for n in pending],
        at=now,
    )  # fmt: skip
    return len(pending)


def call_of_round(session: Session, round_id: int) -> Call:
    award_round = session.get(AwardRound, round_id)
    call = session.get(Call, award_round.call_id) if award_round else None
    if call is None:
        get_round(session, round_id)
        raise AssertionError("unreachable")
    return call


def receipt_jobs(session: Session, *, call_code: str, tokens: Sequence[Any]) -> list[NoticeJob]:
    """Receipt letters for applications just taken in, each with its reference and access token.

    ``tokens``: the ``IssuedToken`` records intake returned; only then is a token known in clear.
    """
    call = get_call(session, call_code)
    by_reference = {t.reference: t.token for t in tokens}
    references = list(by_reference)
    rows: list[tuple[Application, Organization, Stream]] = []
    for chunk in in_chunks(references):
        rows.extend(
            session.exec(
                select(Application, Organization, Stream)
                .join(Organization, col(Organization.id) == col(Application.organization_id))
                .join(Stream, col(Stream.id) == col(Application.stream_id))
                .where(Application.call_id == call.id, col(Application.reference).in_(chunk))
            ).all()
        )
    rows.sort(key=lambda r: r[0].reference)
    keys = [dedupe_key(a.id or 0, "receipt") for a, _, _ in rows]
    done = _stored_keys(session, keys)
    jobs = []
    for (app, org, stream), key in zip(rows, keys, strict=True):
        if key in done:
            continue
        fields = _base(call, app, org, stream, "receipt") | {"access_token": by_reference[app.reference]}
        jobs.append(NoticeJob(key, app.id or 0, "receipt", None, None, app.language,
                              f"{app.reference}-receipt-{app.language}.docx", fields))  # fmt: skip
    return jobs


def reminder_jobs(session: Session) -> list[NoticeJob]:
    """A reminder for each overdue milestone that has not had one: its report is late, its payment held."""
    rows = session.exec(
        select(Milestone, Application, Organization, Stream)
        .join(Application, col(Application.id) == col(Milestone.application_id))
        .join(Organization, col(Organization.id) == col(Application.organization_id))
        .join(Stream, col(Stream.id) == col(Application.stream_id))
        .where(col(Milestone.status) == "overdue")
        .order_by(col(Milestone.id))
    ).all()
    keys = [dedupe_key(m.application_id, "reminder", milestone_id=m.id) for m, _, _, _ in rows]
    calls = {c.id: c for c in session.exec(select(Call))}
    done = _stored_keys(session, keys)
    jobs = []
    for (milestone, app, org, stream), key in zip(rows, keys, strict=True):
        if key in done:
            continue
        call = calls[app.call_id]
        number = None
        if milestone.kind == "interim":
            number = sum(
                1 for m in session.exec(select(Milestone.sequence).where(
                    Milestone.application_id == app.id, Milestone.kind == "interim",
                    col(Milestone.sequence) <= milestone.sequence))
            )  # fmt: skip
        fields = _base(call, app, org, stream, "reminder") | {
            "milestone": {"kind": milestone.kind, "due_date": milestone.due_date.isoformat(),
                          "amount_cents": milestone.amount_cents, "report_required": True, "number": number}
        }  # fmt: skip
        name = f"{app.reference}-reminder-{milestone.sequence}-{app.language}.docx"
        jobs.append(NoticeJob(key, app.id or 0, "reminder", None, milestone.id, app.language, name, fields))
    return jobs
