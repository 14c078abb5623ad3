"""The application lifecycle of DESIGN.md section 2: allowed steps, refused steps, manager overrides."""

from __future__ import annotations

import itertools

import pytest

from grants.errors import IllegalTransition
from grants.lifecycle import STATUS_NAMES, can_transition, check_transition
from grants.models import ApplicationStatus as S

# Written out from DESIGN.md section 2, not copied from the code under test.
DESIGN_TRANSITIONS = [
    (S.draft, S.submitted),
    (S.submitted, S.eligible),
    (S.submitted, S.ineligible),
    (S.eligible, S.in_review),
    (S.in_review, S.reviewed),
    (S.reviewed, S.funded),
    (S.reviewed, S.waitlisted),
    (S.reviewed, S.declined),
    (S.waitlisted, S.funded),
    (S.waitlisted, S.declined),
    (S.funded, S.active),
    (S.funded, S.terminated),  # withdrawal before signing (award issue)
    (S.active, S.completed),
    (S.active, S.terminated),
]
OVERRIDES = [(S.eligible, S.ineligible), (S.ineligible, S.eligible)]


@pytest.mark.parametrize(("current", "target"), DESIGN_TRANSITIONS)
def test_check_transition_design_step_allowed(current: S, target: S) -> None:
    result = check_transition(current, target)

    assert result is None
    assert can_transition(current, target) is True


def test_can_transition_only_design_steps_allowed() -> None:
    allowed = [(a, b) for a, b in itertools.product(S, S) if can_transition(a, b)]

    assert sorted(allowed) == sorted(DESIGN_TRANSITIONS)


def test_can_transition_with_override_adds_only_screening_corrections() -> None:
    allowed = [(a, b) for a, b in itertools.product(S, S) if can_transition(a, b, override=True)]

    assert sorted(allowed) == sorted(DESIGN_TRANSITIONS + OVERRIDES)


@pytest.mark.parametrize(
    ("current", "target", "message_en", "message_fr"),
    [
        (
            S.eligible,
            S.ineligible,
            "an application cannot go from “eligible” to “ineligible”",
            "une demande ne peut pas passer de l'état « admissible » à l'état « non admissible »",
        ),
        (
            S.ineligible,
            S.eligible,
            "an application cannot go from “ineligible” to “eligible”",
            "une demande ne peut pas passer de l'état « non admissible » à l'état « admissible »",
        ),
    ],
)
def test_check_transition_screening_correction_refused_without_override(
    current: S, target: S, message_en: str, message_fr: str
) -> None:
    with pytest.raises(IllegalTransition) as caught:
        check_transition(current, target)

    assert (caught.value.en, caught.value.fr) == (message_en, message_fr)


@pytest.mark.parametrize(("current", "target"), OVERRIDES)
def test_check_transition_screening_correction_allowed_with_override(current: S, target: S) -> None:
    result = check_transition(current, target, override=True)

    assert result is None


def test_check_transition_submitted_to_funded_refused_in_both_languages() -> None:
    with pytest.raises(IllegalTransition) as caught:
        check_transition(S.submitted, S.funded, reference="CSF-2026-00042")

    assert caught.value.en == "CSF-2026-00042: an application cannot go from “submitted” to “funded”"
    assert caught.value.fr == (
        "CSF-2026-00042 : une demande ne peut pas passer de l'état « soumise » à l'état « financée »"
    )
    assert caught.value.code == "illegal_transition"


def test_check_transition_declined_to_funded_refused() -> None:
    with pytest.raises(IllegalTransition) as caught:
        check_transition(S.declined, S.funded)

    assert (caught.value.en, caught.value.fr) == (
        "an application cannot go from “declined” to “funded”",
        "une demande ne peut pas passer de l'état « refusée » à l'état « financée »",
    )


def test_check_transition_draft_to_eligible_refused() -> None:
    with pytest.raises(IllegalTransition) as caught:
        check_transition(S.draft, S.eligible)

    assert (caught.value.en, caught.value.fr) == (
        "an application cannot go from “draft” to “eligible”",
        "une demande ne peut pas passer de l'état « brouillon » à l'état « admissible »",
    )


def test_check_transition_override_does_not_open_other_steps() -> None:
    with pytest.raises(IllegalTransition) as caught:
        check_transition(S.in_review, S.ineligible, override=True)

    assert (caught.value.en, caught.value.fr) == (
        "an application cannot go from “in review” to “ineligible”",
        "une demande ne peut pas passer de l'état « en évaluation » à l'état « non admissible »",
    )


@pytest.mark.parametrize(
    ("current", "target"),
    [
        (S.submitted, S.in_review),
        (S.eligible, S.funded),
        (S.reviewed, S.active),
        (S.funded, S.declined),
        (S.completed, S.active),
        (S.terminated, S.active),
        (S.submitted, S.submitted),
        (S.funded, S.draft),
    ],
)
def test_check_transition_other_steps_refused(current: S, target: S) -> None:
    with pytest.raises(IllegalTransition):
        check_transition(current, target)

    assert can_transition(current, target, override=True) is False


@pytest.mark.parametrize("final", [S.declined, S.completed, S.terminated])
def test_can_transition_final_state_has_no_way_out(final: S) -> None:
    exits = [target for target in S if can_transition(final, target, override=True)]

    assert exits == []


def test_status_names_cover_every_status() -> None:
    assert set(STATUS_NAMES) == set(S)
    assert STATUS_NAMES[S.active] == ("en cours (entente signée)", "active (agreement signed)")
