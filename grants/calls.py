"""Call setup: create a call from its file, or update it before it opens."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from sqlmodel import Session, select

from grants import audit
from grants.callspec import CallSpec, to_cents
from grants.errors import CallLocked, NotFound
from grants.i18n import format_datetime
from grants.models import Application, Call, Stream, utcnow

CallChange = Literal["created", "updated", "unchanged"]


def get_call(session: Session, code: str) -> Call:
    call = session.exec(select(Call).where(Call.code == code)).first()
    if call is None:
        raise NotFound(en=f"no call with code {code!r}", fr=f"aucun appel avec le code {code!r}", field="call")
    return call


def call_spec(call: Call) -> CallSpec:
    """The validated call file stored with a call."""
    return CallSpec.model_validate(call.spec)


def streams_by_code(session: Session, call: Call) -> dict[str, Stream]:
    return {s.code: s for s in session.exec(select(Stream).where(Stream.call_id == call.id))}


def save_call(
    session: Session, *, spec: CallSpec, actor: str, now: dt.datetime | None = None
) -> tuple[Call, CallChange]:
    """Create the call, or replace its settings while it has not opened yet."""
    now = now or utcnow()
    call = session.exec(select(Call).where(Call.code == spec.code).with_for_update()).first()
    digest = spec.content_hash()
    if call is not None and call.spec_hash == digest:
        return call, "unchanged"
    if call is not None:
        first_application = session.exec(select(Application.id).where(Application.call_id == call.id)).first()
        if now >= call.opens_at or first_application is not None:
            raise CallLocked(
                en=f"call {spec.code} opened on {format_datetime(call.opens_at, 'en')}; "
                "its settings can no longer change",
                fr=f"l'appel {spec.code} est ouvert depuis le {format_datetime(call.opens_at, 'fr')}; "
                "ses paramètres ne peuvent plus changer",
            )
    change: CallChange = "created" if call is None else "updated"
    if call is None:
        call = Call(code=spec.code, created_at=now, reference_prefix="", title_fr="", title_en="", spec_hash="")
    call.reference_prefix = spec.reference_prefix
    call.title_fr, call.title_en = spec.title_fr, spec.title_en
    call.timezone = spec.timezone
    call.opens_at, call.closes_at = spec.opens_at, spec.closes_at
    call.review_deadline = spec.review.deadline
    call.reviewers_per_application = spec.review.reviewers_per_application
    call.spec = spec.canonical_json()
    call.spec_hash = digest
    call.updated_at = now
    session.add(call)
    session.flush()
    _sync_streams(session, call, spec)
    event = audit.EventDraft(
        actor=actor,
        action=f"call.{change}",
        entity="call",
        entity_id=call.id,
        call_id=call.id,
        data={"spec_hash": digest},
    )
    audit.record(session, [event], at=now)
    return call, change


def _sync_streams(session: Session, call: Call, spec: CallSpec) -> None:
    existing = streams_by_code(session, call)
    for stream_spec in spec.streams:
        stream = existing.pop(stream_spec.code, None) or Stream(
            call_id=call.id or 0, code=stream_spec.code, name_fr="", name_en=""
        )
        stream.name_fr, stream.name_en = stream_spec.name_fr, stream_spec.name_en
        stream.envelope_cents = to_cents(stream_spec.envelope)
        stream.min_request_cents = to_cents(stream_spec.min_request)
        stream.max_request_cents = to_cents(stream_spec.max_request)
        stream.indigenous_led_required = stream_spec.indigenous_led_required
        session.add(stream)
    for stale in existing.values():
        session.delete(stale)
    session.flush()
