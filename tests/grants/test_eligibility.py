"""Eligibility rules on the example call: each rule's pass, fail and needs-review, then the verdict."""

from __future__ import annotations

import dataclasses
import datetime as dt
import tomllib
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from grants.callspec import CallSpec, load_call_spec, parse_call_spec
from grants.eligibility import (
    RULE_NAMES,
    RULES,
    RuleResult,
    ScreeningInput,
    deadline,
    good_standing,
    indigenous_led,
    ontario_presence,
    organization_type,
    request_range,
    required_fields,
    screen,
    verdict,
)
from grants.models import ApplicationStatus, RuleOutcome

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "csf-2026.toml"
CALL = load_call_spec(EXAMPLE)
TORONTO = ZoneInfo("America/Toronto")
PASS, FAIL, REVIEW = RuleOutcome.passed, RuleOutcome.failed, RuleOutcome.needs_review
CLOSES = dt.datetime(2026, 3, 13, 17, 0, tzinfo=TORONTO)
OPENS = dt.datetime(2026, 1, 12, 9, 0, tzinfo=TORONTO)
SECOND = dt.timedelta(seconds=1)
SUMMARY_80 = "a" * 80
NNBSP, NBSP = "\u202f", "\u00a0"


def app(**changes: Any) -> ScreeningInput:
    """An application that passes every rule of the example call."""
    base = ScreeningInput(
        application_id=1,
        stream="csf",
        organization_type="nonprofit",
        province="ON",
        indigenous_led=False,
        requested_cents=12_500_000,
        submitted_at=dt.datetime(2026, 2, 17, 14, 5, tzinfo=TORONTO),
        summary="Un refuge de transition et un accompagnement par des pairs pour les personnes survivantes.",
        board_members=("Alice Martin", "Bob Chen"),
        key_staff=("Chantal Roy",),
        partner_organizations=(),
        populations_served=("jeunes",),
        in_good_standing=True,
    )
    return dataclasses.replace(base, **changes)


def call_with(section: str, **changes: Any) -> CallSpec:
    """The example call with some settings of one section changed, validated like a real file."""
    data = tomllib.loads(EXAMPLE.read_text(encoding="utf-8"))
    data[section].update(changes)
    return parse_call_spec(data)


# --- organization_type ----------------------------------------------------------------------


def test_organization_type_listed_type_passes() -> None:
    result = organization_type(app(organization_type="charity"), CALL)

    assert result == RuleResult(
        "organization_type",
        PASS,
        "Type d'organisme admissible (organisme de bienfaisance enregistré).",
        "Eligible organization type (registered charity).",
    )


@pytest.mark.parametrize(
    ("kind", "fr", "en"), [("municipality", "municipalité", "municipality"), ("other", "autre", "other")]
)
def test_organization_type_review_type_needs_review(kind: str, fr: str, en: str) -> None:
    result = organization_type(app(organization_type=kind), CALL)

    assert result == RuleResult(
        "organization_type",
        REVIEW,
        f"Le bureau du fonds doit confirmer l'admissibilité de ce type d'organisme ({fr}).",
        f"The fund office must confirm that this type of organization ({en}) is eligible.",
    )


def test_organization_type_for_profit_fails() -> None:
    result = organization_type(app(organization_type="for_profit"), CALL)

    assert result == RuleResult(
        "organization_type",
        FAIL,
        "Ce fonds finance les organismes communautaires sans but lucratif et autochtones; "
        "le type d'organisme déclaré (entreprise à but lucratif) n'est pas admissible.",
        "This fund supports not-for-profit and Indigenous community organizations; "
        "the declared type of organization (for-profit business) is not eligible.",
    )


def test_organization_type_individual_fails() -> None:
    result = organization_type(app(organization_type="individual"), CALL)

    assert (result.outcome, result.reason_en) == (
        FAIL,
        "This fund supports not-for-profit and Indigenous community organizations; "
        "the declared type of organization (individual) is not eligible.",
    )


# --- ontario_presence -----------------------------------------------------------------------


def test_ontario_presence_ontario_passes() -> None:
    result = ontario_presence(app(), CALL)

    assert result == RuleResult(
        "ontario_presence", PASS, "L'organisme est établi en Ontario.", "The organization is based in Ontario."
    )


def test_ontario_presence_other_province_fails() -> None:
    result = ontario_presence(app(province="QC"), CALL)

    assert result == RuleResult(
        "ontario_presence",
        FAIL,
        "L'organisme doit être établi en Ontario; l'adresse déclarée se trouve au Québec.",
        "The organization must be based in Ontario; the declared address is in Quebec.",
    )


def test_ontario_presence_territory_named_with_article() -> None:
    result = ontario_presence(app(province="NT"), CALL)

    assert (result.outcome, result.reason_fr, result.reason_en) == (
        FAIL,
        "L'organisme doit être établi en Ontario; l'adresse déclarée se trouve dans les Territoires du Nord-Ouest.",
        "The organization must be based in Ontario; the declared address is in the Northwest Territories.",
    )


# --- request_range --------------------------------------------------------------------------


def test_request_range_exactly_minimum_passes() -> None:
    result = request_range(app(requested_cents=2_500_000), CALL)

    assert result == RuleResult(
        "request_range",
        PASS,
        f"Le montant demandé (25{NNBSP}000,00{NBSP}$) respecte la fourchette du volet "
        f"(de 25{NNBSP}000,00{NBSP}$ à 300{NNBSP}000,00{NBSP}$).",
        "The amount requested ($25,000.00) is within the stream's range ($25,000.00 to $300,000.00).",
    )


def test_request_range_exactly_maximum_passes() -> None:
    result = request_range(app(requested_cents=30_000_000), CALL)

    assert (result.outcome, result.reason_en) == (
        PASS,
        "The amount requested ($300,000.00) is within the stream's range ($25,000.00 to $300,000.00).",
    )


def test_request_range_one_cent_below_minimum_fails() -> None:
    result = request_range(app(requested_cents=2_499_999), CALL)

    assert result == RuleResult(
        "request_range",
        FAIL,
        f"Le montant demandé (24{NNBSP}999,99{NBSP}$) est hors de la fourchette du volet "
        f"Fonds de soutien communautaire (de 25{NNBSP}000,00{NBSP}$ à 300{NNBSP}000,00{NBSP}$).",
        "The amount requested ($24,999.99) is outside the Community Support Fund range ($25,000.00 to $300,000.00).",
    )


def test_request_range_one_cent_above_maximum_fails() -> None:
    result = request_range(app(stream="iif", requested_cents=30_000_001), CALL)

    assert (result.outcome, result.reason_en) == (
        FAIL,
        "The amount requested ($300,000.01) is outside the Indigenous Initiatives Fund range "
        "($25,000.00 to $300,000.00).",
    )


# --- deadline -------------------------------------------------------------------------------


def test_deadline_exactly_at_close_passes() -> None:
    result = deadline(app(submitted_at=CLOSES), CALL)

    assert result == RuleResult(
        "deadline",
        PASS,
        "La demande a été reçue avant la date limite (13 mars 2026 à 17 h 00).",
        "The application was received before the deadline (March 13, 2026 at 5:00 p.m.).",
    )


def test_deadline_same_moment_in_utc_passes() -> None:
    result = deadline(app(submitted_at=dt.datetime(2026, 3, 13, 21, 0, tzinfo=dt.UTC)), CALL)

    assert result.outcome == PASS


def test_deadline_one_second_after_close_fails() -> None:
    result = deadline(app(submitted_at=CLOSES + SECOND), CALL)

    assert result == RuleResult(
        "deadline",
        FAIL,
        "La demande a été reçue le 13 mars 2026 à 17 h 00 min 01 s, après la date limite (13 mars 2026 à 17 h 00).",
        "The application was received on March 13, 2026 at 5:00:01 p.m., after the deadline "
        "(March 13, 2026 at 5:00 p.m.).",
    )


def test_deadline_a_day_late_names_the_receipt_time() -> None:
    result = deadline(app(submitted_at=dt.datetime(2026, 3, 14, 8, 30, tzinfo=TORONTO)), CALL)

    assert (result.outcome, result.reason_en) == (
        FAIL,
        "The application was received on March 14, 2026 at 8:30 a.m., after the deadline "
        "(March 13, 2026 at 5:00 p.m.).",
    )


def test_deadline_exactly_at_opening_passes() -> None:
    result = deadline(app(submitted_at=OPENS), CALL)

    assert result.outcome == PASS


def test_deadline_before_opening_fails() -> None:
    result = deadline(app(submitted_at=OPENS - SECOND), CALL)

    assert result == RuleResult(
        "deadline",
        FAIL,
        "La demande a été reçue avant l'ouverture de l'appel (12 janvier 2026 à 9 h 00).",
        "The application was received before the call opened (January 12, 2026 at 9:00 a.m.).",
    )


# --- required_fields ------------------------------------------------------------------------


def test_required_fields_all_present_passes() -> None:
    result = required_fields(app(summary=SUMMARY_80), CALL)

    assert result == RuleResult(
        "required_fields",
        PASS,
        "Tous les renseignements requis sont fournis.",
        "All required information is provided.",
    )


def test_required_fields_summary_too_short_fails_naming_project_summary() -> None:
    result = required_fields(app(summary="a" * 79), CALL)

    assert result == RuleResult(
        "required_fields",
        FAIL,
        "Renseignements requis manquants : résumé du projet (le résumé doit compter au moins 80 caractères).",
        "Required information is missing: project summary (the summary must be at least 80 characters).",
    )


def test_required_fields_summary_padded_with_spaces_counts_only_text() -> None:
    result = required_fields(app(summary=f"   {'a' * 79}   "), CALL)

    assert result.outcome == FAIL


def test_required_fields_several_missing_named_in_order() -> None:
    result = required_fields(app(board_members=(), key_staff=(), populations_served=()), CALL)

    assert (result.outcome, result.reason_fr, result.reason_en) == (
        FAIL,
        "Renseignements requis manquants : membres du conseil d'administration, personnel clé, populations servies.",
        "Required information is missing: board members, key staff, populations served.",
    )


def test_required_fields_partners_not_required_by_example_call() -> None:
    result = required_fields(app(partner_organizations=()), CALL)

    assert result.outcome == PASS


def test_required_fields_partners_required_when_call_says_so() -> None:
    call = call_with("eligibility", required_fields=["partner_organizations"], summary_min_chars=0)

    result = required_fields(app(partner_organizations=()), call)

    assert (result.outcome, result.reason_en) == (FAIL, "Required information is missing: partner organizations.")


def test_required_fields_empty_summary_fails_without_minimum() -> None:
    call = call_with("eligibility", summary_min_chars=0)

    result = required_fields(app(summary="  "), call)

    assert (result.outcome, result.reason_en) == (FAIL, "Required information is missing: project summary.")


# --- indigenous_led -------------------------------------------------------------------------


def test_indigenous_led_iif_not_declared_fails() -> None:
    result = indigenous_led(app(stream="iif", indigenous_led=False), CALL)

    assert result == RuleResult(
        "indigenous_led",
        FAIL,
        "Le volet Fonds d'initiatives autochtones est réservé aux organismes dirigés par des Autochtones; "
        "l'organisme n'a pas déclaré l'être.",
        "The Indigenous Initiatives Fund stream is reserved for Indigenous-led organizations; "
        "the organization did not declare that it is Indigenous-led.",
    )


def test_indigenous_led_iif_declared_passes() -> None:
    result = indigenous_led(app(stream="iif", indigenous_led=True), CALL)

    assert result == RuleResult(
        "indigenous_led",
        PASS,
        "L'organisme a déclaré être dirigé par des Autochtones.",
        "The organization declared that it is Indigenous-led.",
    )


def test_indigenous_led_csf_not_required_passes() -> None:
    result = indigenous_led(app(stream="csf", indigenous_led=False), CALL)

    assert result == RuleResult(
        "indigenous_led",
        PASS,
        "Le volet Fonds de soutien communautaire n'exige pas d'organisme dirigé par des Autochtones.",
        "The Community Support Fund stream does not require an Indigenous-led organization.",
    )


# --- good_standing --------------------------------------------------------------------------


def test_good_standing_no_overdue_report_passes() -> None:
    result = good_standing(app(in_good_standing=True), CALL)

    assert result == RuleResult(
        "good_standing",
        PASS,
        "Aucun rapport d'étape en retard sur un financement antérieur.",
        "No overdue milestone report on an earlier award.",
    )


def test_good_standing_overdue_report_fails() -> None:
    result = good_standing(app(in_good_standing=False), CALL)

    assert result == RuleResult(
        "good_standing",
        FAIL,
        "Un rapport d'étape sur un financement antérieur est en retard; l'organisme pourra être "
        "admissible une fois ce rapport remis.",
        "A milestone report on an earlier award is overdue; the organization can become eligible "
        "once that report is submitted.",
    )


def test_good_standing_rule_turned_off_passes() -> None:
    call = call_with("eligibility", good_standing=False)

    result = good_standing(app(in_good_standing=False), call)

    assert result.outcome == PASS


# --- screen and verdict ---------------------------------------------------------------------


def test_screen_good_application_passes_all_seven_rules_in_order() -> None:
    results = screen(app(), CALL)

    assert [(r.rule, r.outcome) for r in results] == [
        ("organization_type", PASS),
        ("ontario_presence", PASS),
        ("request_range", PASS),
        ("deadline", PASS),
        ("required_fields", PASS),
        ("indigenous_led", PASS),
        ("good_standing", PASS),
    ]
    assert verdict(results) == ApplicationStatus.eligible


def test_screen_each_rule_has_an_english_and_french_name() -> None:
    names = [RULE_NAMES[name] for name, _ in RULES]

    assert [en for _, en in names] == [
        "Organization type",
        "Ontario presence",
        "Amount requested",
        "Deadline",
        "Required information",
        "Indigenous-led organization",
        "Good standing",
    ]
    assert [fr for fr, _ in names] == [
        "Type d'organisme",
        "Présence en Ontario",
        "Montant demandé",
        "Date limite",
        "Renseignements requis",
        "Organisme dirigé par des Autochtones",
        "Bonne situation",
    ]


def test_screen_late_iif_application_fails_two_rules() -> None:
    results = screen(app(stream="iif", submitted_at=CLOSES + SECOND), CALL)

    assert [(r.rule, r.outcome) for r in results if r.outcome != PASS] == [
        ("deadline", FAIL),
        ("indigenous_led", FAIL),
    ]
    assert verdict(results) == ApplicationStatus.ineligible


def test_screen_municipality_needs_a_manager() -> None:
    results = screen(app(organization_type="municipality"), CALL)

    assert [(r.rule, r.outcome) for r in results if r.outcome != PASS] == [("organization_type", REVIEW)]
    assert verdict(results) is None


def _result(outcome: RuleOutcome) -> RuleResult:
    return RuleResult("rule", outcome, "raison", "reason")


@pytest.mark.parametrize(
    ("outcomes", "expected"),
    [
        ([PASS, PASS, PASS], ApplicationStatus.eligible),
        ([PASS, FAIL, PASS], ApplicationStatus.ineligible),
        ([REVIEW, FAIL], ApplicationStatus.ineligible),
        ([FAIL, REVIEW], ApplicationStatus.ineligible),
        ([PASS, REVIEW, PASS], None),
        ([REVIEW], None),
    ],
)
def test_verdict_combines_outcomes(outcomes: list[RuleOutcome], expected: ApplicationStatus | None) -> None:
    results = [_result(o) for o in outcomes]

    assert verdict(results) == expected
