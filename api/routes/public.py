"""Routes anyone may call: health, the open calls, and submitting an application."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import Annotated, Literal

from fastapi import APIRouter, Path
from pydantic import BaseModel, ConfigDict, Field
from sqlmodel import select

from grants.db import unit_of_work
from grants.models import Call, Stream, utcnow
from grants.portal import submit_application

router = APIRouter(tags=["public"])
CallCode = Annotated[str, Path(pattern=r"^[a-z0-9][a-z0-9-]{0,63}$", description="The call's code.")]


class Health(BaseModel):
    status: Literal["ok"]


@router.get("/health", response_model=Health, summary="The service answers")
def health() -> Health:
    return Health(status="ok")


class StreamOut(BaseModel):
    code: str
    name_fr: str
    name_en: str
    min_request_cents: int
    max_request_cents: int
    indigenous_led_required: bool


class OpenCall(BaseModel):
    code: str
    title_fr: str
    title_en: str
    opens_at: dt.datetime
    closes_at: dt.datetime
    streams: list[StreamOut]


@router.get("/calls/open", response_model=list[OpenCall], summary="Calls taking applications now")
def open_calls() -> list[OpenCall]:
    now = utcnow()
    with unit_of_work() as session:
        calls = session.exec(select(Call).where(Call.opens_at <= now, Call.closes_at >= now).order_by(Call.code)).all()
        return [
            OpenCall(
                code=c.code,
                title_fr=c.title_fr,
                title_en=c.title_en,
                opens_at=c.opens_at,
                closes_at=c.closes_at,
                streams=[
                    StreamOut.model_validate(s, from_attributes=True)
                    for s in session.exec(select(Stream).where(Stream.call_id == c.id).order_by(Stream.code)).all()
                ],
            )
            for c in calls
        ]


Names = Annotated[list[Annotated[str, Field(max_length=200)]], Field(max_length=50)]


class ApplicationIn(BaseModel):
    """One application; the same rules as a row of an intake file (see the README)."""

    model_config = ConfigDict(extra="forbid")

    external_id: str | None = Field(
        default=None,
        max_length=64,
        description="Your own identifier; sending the same application again with it changes nothing.",
    )
    organization_name: str = Field(max_length=300)
    organization_type: str = Field(max_length=40)
    registration_number: str = Field(max_length=40)
    organization_region: str = Field(max_length=40)
    province: str = Field(max_length=2)
    indigenous_led: bool
    contact_name: str = Field(max_length=200)
    contact_email: str = Field(max_length=254)
    board_members: Names = []
    key_staff: Names = []
    partner_organizations: Names = []
    project_title: str = Field(max_length=300)
    project_summary: str = Field(default="", max_length=10_000)
    stream: str = Field(max_length=16)
    regions_served: Annotated[list[Annotated[str, Field(max_length=40)]], Field(min_length=1, max_length=20)]
    populations_served: Annotated[list[Annotated[str, Field(max_length=40)]], Field(max_length=20)] = []
    requested_amount: Decimal = Field(ge=0, le=100_000_000, decimal_places=2)
    total_budget: Decimal = Field(ge=0, le=1_000_000_000, decimal_places=2)
    start_date: dt.date
    duration_months: int = Field(ge=1, le=120)
    language: Literal["fr", "en"]

    def cells(self, fallback_id: str) -> dict[str, str]:
        """The application as intake cells (lists joined with ``;``)."""
        joined = lambda items: "; ".join(i.replace(";", ",") for i in items)  # noqa: E731
        return {
            "external_id": self.external_id or fallback_id,
            "organization_name": self.organization_name,
            "organization_type": self.organization_type,
            "registration_number": self.registration_number,
            "organization_region": self.organization_region,
            "province": self.province,
            "indigenous_led": "yes" if self.indigenous_led else "no",
            "contact_name": self.contact_name,
            "contact_email": self.contact_email,
            "board_members": joined(self.board_members),
            "key_staff": joined(self.key_staff),
            "partner_organizations": joined(self.partner_organizations),
            "project_title": self.project_title,
            "project_summary": self.project_summary,
            "stream": self.stream,
            "regions_served": joined(self.regions_served),
            "populations_served": joined(self.populations_served),
            "requested_amount": str(self.requested_amount),
            "total_budget": str(self.total_budget),
            "start_date": self.start_date.isoformat(),
            "duration_months": str(self.duration_months),
            "language": self.language,
        }


class Submitted(BaseModel):
    reference: str
    access_token: str | None = Field(
        description="Shown once: keep it to follow the application. Absent when the same application was sent before."
    )
    status: str


@router.post(
    "/calls/{call_code}/applications",
    status_code=201,
    response_model=Submitted,
    summary="Submit an application to an open call",
)
def submit(call_code: CallCode, body: ApplicationIn) -> Submitted:
    with unit_of_work() as session:
        issued, app = submit_application(
            session, call_code=call_code, cells=body.cells(f"API-{uuid.uuid4().hex[:24]}"), actor="applicant"
        )
        return Submitted(reference=app.reference, access_token=issued.token if issued else None, status=app.status)
