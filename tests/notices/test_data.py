"""The notice data: validated, immutable and JSON-friendly."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from notices import NoticeData, Office, ScheduleRow
from notices.text import context


def funded(**changes: object) -> NoticeData:
    values: dict[str, object] = {
        "kind": "funded",
        "language": "en",
        "reference": "CSF-2026-00042",
        "call_title_fr": "Appel 2026",
        "call_title_en": "2026 call",
        "stream_name_fr": "Fonds de soutien communautaire",
        "stream_name_en": "Community Support Fund",
        "organization": "Bridges Centre",
        "contact_name": "Jordan Smith",
        "project_title": "Bridges to Safety",
        "issue_date": dt.date(2026, 5, 15),
        "amount_cents": 1_250_000,
        "requested_cents": 1_250_000,
        "conditions": ["Sign by June 15."],
        "schedule": [ScheduleRow("signing", dt.date(2026, 7, 1), 1_250_000, False)],
        "reply_by": dt.date(2026, 6, 15),
        "office": Office(contact_email="csf@example.org"),
    }
    return NoticeData(**{**values, **changes})  # type: ignore[arg-type]


def test_notice_data_json_round_trip_gives_equal_data() -> None:
    data = funded(kind="reminder", milestone=ScheduleRow("interim", dt.date(2027, 1, 1), 500, True, 2))

    assert NoticeData.from_dict(json.loads(json.dumps(data.to_dict()))) == data


def test_notice_data_lists_become_tuples() -> None:
    data = funded(reasons=[["Rule", "Reason"]])

    assert data.conditions == ("Sign by June 15.",)
    assert data.reasons == (("Rule", "Reason"),)
    assert hash(data) == hash(funded(reasons=[("Rule", "Reason")]))


@pytest.mark.parametrize(("field", "value"), [("kind", "award"), ("language", "de"), ("decline_basis", "luck")])
def test_notice_data_unknown_code_raises(field: str, value: str) -> None:
    with pytest.raises(ValueError, match=value):
        funded(**{field: value})


def test_schedule_row_unknown_kind_raises() -> None:
    with pytest.raises(ValueError, match="midterm"):
        ScheduleRow("midterm", dt.date(2026, 1, 1), 1, True)  # type: ignore[arg-type]


def test_context_leaves_out_missing_and_empty_values() -> None:
    names = context(funded(conditions=(), reply_by=None))

    assert "conditions" not in names
    assert "reply_by" not in names
    assert "waitlist_position" not in names
    assert names["contact_email"] == "csf@example.org"
    assert names["call_title"] == "2026 call"
