"""The applicant's view of an application, in French and English."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine

from grants.db import unit_of_work
from grants.errors import NotFound
from grants.screening import screen_call
from grants.status import application_status
from tests.factories import application_row, create_example_call, take_in


def _screened(engine: Engine, tmp_path: Path, rows: list[dict[str, str]]) -> None:
    create_example_call(engine)
    take_in(engine, tmp_path / "a.csv", rows)
    with unit_of_work(engine) as session:
        screen_call(session, call_code="csf-2026")


def test_application_status_late_application_explains_why_in_french(engine: Engine, tmp_path: Path) -> None:
    _screened(engine, tmp_path, [application_row(1, submitted_at="2026-03-14T09:30:00", language="fr")])

    with unit_of_work(engine) as session:
        view = application_status(session, reference="CSF-2026-00001")

    assert (view.language, view.stage, view.stream) == ("fr", "non admissible", "Fonds de soutien communautaire")
    assert view.explanation == "Votre demande ne satisfait pas aux critères d'admissibilité pour la raison suivante."
    assert view.reasons == [
        (
            "Date limite",
            "La demande a été reçue le 14 mars 2026 à 9 h 30, après la date limite (13 mars 2026 à 17 h 00).",
        )
    ]
    first = view.history[0]
    assert (first.at, first.stage, first.note) == (
        "14 mars 2026 à 9 h 30",
        "soumise",
        "Demande reçue",
    )
    assert [(h.stage, h.note) for h in view.history][1] == ("non admissible", "Admissibilité vérifiée")


def test_application_status_english_view_of_a_french_applicant(engine: Engine, tmp_path: Path) -> None:
    _screened(engine, tmp_path, [application_row(1, language="fr", organization_type="other")])

    with unit_of_work(engine) as session:
        view = application_status(session, reference="CSF-2026-00001", lang="en")

    assert (view.stage, view.explanation) == (
        "submitted",
        "The fund office needs to look at one point before deciding on eligibility.",
    )
    assert view.reasons == [
        ("Organization type", "The fund office must confirm that this type of organization (other) is eligible.")
    ]


def test_application_status_unknown_reference_is_not_found(engine: Engine) -> None:
    with pytest.raises(NotFound) as raised, unit_of_work(engine) as session:
        application_status(session, reference="CSF-2026-99999")

    assert raised.value.fr == "aucune demande portant la référence 'CSF-2026-99999'"
