"""The application lifecycle (DESIGN.md section 2), enforced here and only here."""

from __future__ import annotations

from grants.errors import IllegalTransition
from grants.models import ApplicationStatus as S

TRANSITIONS: dict[S, frozenset[S]] = {
    S.draft: frozenset({S.submitted}),
    # A manager's screening override may also correct an earlier automatic verdict,
    # as long as review has not started.
    S.submitted: frozenset({S.eligible, S.ineligible}),
    S.eligible: frozenset({S.in_review, S.ineligible}),
    S.ineligible: frozenset({S.eligible}),
    S.in_review: frozenset({S.reviewed}),
    S.reviewed: frozenset({S.funded, S.waitlisted, S.declined}),
    S.waitlisted: frozenset({S.funded, S.declined}),
    # An organization may withdraw before signing (grants award withdraw): its money goes
    # back to the waitlist. The award issue asks for it; DESIGN.md's diagram predates it.
    S.funded: frozenset({S.active, S.terminated}),
    S.active: frozenset({S.completed, S.terminated}),
    S.declined: frozenset(),
    S.completed: frozenset(),
    S.terminated: frozenset(),
}

# The corrections above exist only for a manager's override, never for automatic steps.
OVERRIDE_ONLY: frozenset[tuple[S, S]] = frozenset({(S.eligible, S.ineligible), (S.ineligible, S.eligible)})


def can_transition(current: S, target: S, *, override: bool = False) -> bool:
    if target not in TRANSITIONS[current]:
        return False
    return override or (current, target) not in OVERRIDE_ONLY


def check_transition(current: S, target: S, *, reference: str = "", override: bool = False) -> None:
    """Raise :class:`IllegalTransition` unless ``current -> target`` is allowed."""
    if can_transition(current, target, override=override):
        return
    raise IllegalTransition(
        en=f"{reference + ': ' if reference else ''}an application cannot go from "
        f"“{STATUS_NAMES[current][1]}” to “{STATUS_NAMES[target][1]}”",
        fr=f"{reference + ' : ' if reference else ''}une demande ne peut pas passer de l'état "
        f"« {STATUS_NAMES[current][0]} » à l'état « {STATUS_NAMES[target][0]} »",
    )


# (French, English) names of each stage, as applicants read them.
STATUS_NAMES: dict[S, tuple[str, str]] = {
    S.draft: ("brouillon", "draft"),
    S.submitted: ("soumise", "submitted"),
    S.eligible: ("admissible", "eligible"),
    S.ineligible: ("non admissible", "ineligible"),
    S.in_review: ("en évaluation", "in review"),
    S.reviewed: ("évaluée", "reviewed"),
    S.funded: ("financée", "funded"),
    S.waitlisted: ("en liste d'attente", "waitlisted"),
    S.declined: ("refusée", "declined"),
    S.active: ("en cours (entente signée)", "active (agreement signed)"),
    S.completed: ("terminée", "completed"),
    S.terminated: ("résiliée", "terminated"),
}
