"""Eligibility rules (DESIGN.md section 5). Pure: plain data in, verdicts out.

Each rule is a function of one application's facts and the call's settings and
returns pass, fail or needs-review with a reason in French and in English, written
for the applicant. The call file turns rules on and sets their parameters.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from grants.callspec import ORGANIZATION_TYPES, CallSpec
from grants.i18n import format_datetime, format_money
from grants.models import ApplicationStatus, RuleOutcome

_FIELD_NAMES: dict[str, tuple[str, str]] = {
    "summary": ("résumé du projet", "project summary"),
    "board_members": ("membres du conseil d'administration", "board members"),
    "key_staff": ("personnel clé", "key staff"),
    "partner_organizations": ("organismes partenaires", "partner organizations"),
    "populations_served": ("populations servies", "populations served"),
}


PROVINCE_NAMES: dict[str, tuple[str, str]] = {
    "AB": ("en Alberta", "Alberta"),
    "BC": ("en Colombie-Britannique", "British Columbia"),
    "MB": ("au Manitoba", "Manitoba"),
    "NB": ("au Nouveau-Brunswick", "New Brunswick"),
    "NL": ("à Terre-Neuve-et-Labrador", "Newfoundland and Labrador"),
    "NS": ("en Nouvelle-Écosse", "Nova Scotia"),
    "NT": ("dans les Territoires du Nord-Ouest", "the Northwest Territories"),
    "NU": ("au Nunavut", "Nunavut"),
    "ON": ("en Ontario", "Ontario"),
    "PE": ("à l'Île-du-Prince-Édouard", "Prince Edward Island"),
    "QC": ("au Québec", "Quebec"),
    "SK": ("en Saskatchewan", "Saskatchewan"),
    "YT": ("au Yukon", "Yukon"),
}


@dataclass(frozen=True)
class ScreeningInput:
    """What the rules need to know about one application."""

    application_id: int
    stream: str
    organization_type: str
    province: str
    indigenous_led: bool
    requested_cents: int
    submitted_at: dt.datetime
    summary: str
    board_members: Sequence[str]
    key_staff: Sequence[str]
    partner_organizations: Sequence[str]
    populations_served: Sequence[str]
    in_good_standing: bool


@dataclass(frozen=True)
class RuleResult:
    rule: str
    outcome: RuleOutcome
    reason_fr: str
    reason_en: str


Rule = Callable[[ScreeningInput, CallSpec], RuleResult]


def _passed(rule: str, fr: str, en: str) -> RuleResult:
    return RuleResult(rule, RuleOutcome.passed, fr, en)


def _failed(rule: str, fr: str, en: str) -> RuleResult:
    return RuleResult(rule, RuleOutcome.failed, fr, en)


def organization_type(app: ScreeningInput, call: CallSpec) -> RuleResult:
    fr, en = ORGANIZATION_TYPES[app.organization_type]
    rules = call.eligibility
    if app.organization_type in rules.organization_types:
        return _passed(
            "organization_type", f"Type d'organisme admissible ({fr}).", f"Eligible organization type ({en})."
        )
    if app.organization_type in rules.review_organization_types:
        return RuleResult(
            "organization_type",
            RuleOutcome.needs_review,
            f"Le bureau du fonds doit confirmer l'admissibilité de ce type d'organisme ({fr}).",
            f"The fund office must confirm that this type of organization ({en}) is eligible.",
        )
    return _failed(
        "organization_type",
        f"Ce fonds finance les organismes communautaires sans but lucratif et autochtones; "
        f"le type d'organisme déclaré ({fr}) n'est pas admissible.",
        f"This fund supports not-for-profit and Indigenous community organizations; "
        f"the declared type of organization ({en}) is not eligible.",
    )


def ontario_presence(app: ScreeningInput, call: CallSpec) -> RuleResult:
    wanted = call.eligibility.province
    if app.province == wanted:
        return _passed(
            "ontario_presence", "L'organisme est établi en Ontario.", "The organization is based in Ontario."
        )
    where_fr, where_en = PROVINCE_NAMES.get(app.province, (app.province, app.province))
    return _failed(
        "ontario_presence",
        f"L'organisme doit être établi en Ontario; l'adresse déclarée se trouve {where_fr}.",
        f"The organization must be based in Ontario; the declared address is in {where_en}.",
    )


def request_range(app: ScreeningInput, call: CallSpec) -> RuleResult:
    stream = call.stream(app.stream)
    assert stream is not None  # intake only accepts the call's streams
    low, high = int(stream.min_request * 100), int(stream.max_request * 100)
    amount_fr, amount_en = format_money(app.requested_cents, "fr"), format_money(app.requested_cents, "en")
    range_fr = f"de {format_money(low, 'fr')} à {format_money(high, 'fr')}"
    range_en = f"{format_money(low, 'en')} to {format_money(high, 'en')}"
    if low <= app.requested_cents <= high:
        return _passed(
            "request_range",
            f"Le montant demandé ({amount_fr}) respecte la fourchette du volet ({range_fr}).",
            f"The amount requested ({amount_en}) is within the stream's range ({range_en}).",
        )
    return _failed(
        "request_range",
        f"Le montant demandé ({amount_fr}) est hors de la fourchette du volet {stream.name_fr} ({range_fr}).",
        f"The amount requested ({amount_en}) is outside the {stream.name_en} range ({range_en}).",
    )


def deadline(app: ScreeningInput, call: CallSpec) -> RuleResult:
    zone = call.zone
    closes_fr, closes_en = format_datetime(call.closes_at, "fr", zone), format_datetime(call.closes_at, "en", zone)
    if app.submitted_at < call.opens_at:
        opens_fr, opens_en = format_datetime(call.opens_at, "fr", zone), format_datetime(call.opens_at, "en", zone)
        return _failed(
            "deadline",
            f"La demande a été reçue avant l'ouverture de l'appel ({opens_fr}).",
            f"The application was received before the call opened ({opens_en}).",
        )
    if app.submitted_at > call.closes_at:
        got_fr, got_en = format_datetime(app.submitted_at, "fr", zone), format_datetime(app.submitted_at, "en", zone)
        return _failed(
            "deadline",
            f"La demande a été reçue le {got_fr}, après la date limite ({closes_fr}).",
            f"The application was received on {got_en}, after the deadline ({closes_en}).",
        )
    return _passed(
        "deadline",
        f"La demande a été reçue avant la date limite ({closes_fr}).",
        f"The application was received before the deadline ({closes_en}).",
    )


def required_fields(app: ScreeningInput, call: CallSpec) -> RuleResult:
    rules = call.eligibility
    missing: list[str] = []
    for name in rules.required_fields:
        if name == "summary":
            if len(app.summary.strip()) < max(rules.summary_min_chars, 1):
                missing.append(name)
        elif not getattr(app, name):
            missing.append(name)
    if not missing:
        return _passed(
            "required_fields", "Tous les renseignements requis sont fournis.", "All required information is provided."
        )
    names_fr = ", ".join(_FIELD_NAMES[m][0] for m in missing)
    names_en = ", ".join(_FIELD_NAMES[m][1] for m in missing)
    extra_fr = extra_en = ""
    if "summary" in missing and rules.summary_min_chars:
        extra_fr = f" (le résumé doit compter au moins {rules.summary_min_chars} caractères)"
        extra_en = f" (the summary must be at least {rules.summary_min_chars} characters)"
    return _failed(
        "required_fields",
        f"Renseignements requis manquants : {names_fr}{extra_fr}.",
        f"Required information is missing: {names_en}{extra_en}.",
    )


def indigenous_led(app: ScreeningInput, call: CallSpec) -> RuleResult:
    stream = call.stream(app.stream)
    assert stream is not None
    if not stream.indigenous_led_required:
        return _passed(
            "indigenous_led",
            f"Le volet {stream.name_fr} n'exige pas d'organisme dirigé par des Autochtones.",
            f"The {stream.name_en} stream does not require an Indigenous-led organization.",
        )
    if app.indigenous_led:
        return _passed(
            "indigenous_led",
            "L'organisme a déclaré être dirigé par des Autochtones.",
            "The organization declared that it is Indigenous-led.",
        )
    return _failed(
        "indigenous_led",
        f"Le volet {stream.name_fr} est réservé aux organismes dirigés par des Autochtones; "
        "l'organisme n'a pas déclaré l'être.",
        f"The {stream.name_en} stream is reserved for Indigenous-led organizations; "
        "the organization did not declare that it is Indigenous-led.",
    )


def good_standing(app: ScreeningInput, call: CallSpec) -> RuleResult:
    if app.in_good_standing or not call.eligibility.good_standing:
        return _passed(
            "good_standing",
            "Aucun rapport d'étape en retard sur un financement antérieur.",
            "No overdue milestone report on an earlier award.",
        )
    return _failed(
        "good_standing",
        "Un rapport d'étape sur un financement antérieur est en retard; l'organisme pourra être "
        "admissible une fois ce rapport remis.",
        "A milestone report on an earlier award is overdue; the organization can become eligible "
        "once that report is submitted.",
    )


RULES: tuple[tuple[str, Rule], ...] = (
    ("organization_type", organization_type),
    ("ontario_presence", ontario_presence),
    ("request_range", request_range),
    ("deadline", deadline),
    ("required_fields", required_fields),
    ("indigenous_led", indigenous_led),
    ("good_standing", good_standing),
)
RULE_NAMES: dict[str, tuple[str, str]] = {
    "organization_type": ("Type d'organisme", "Organization type"),
    "ontario_presence": ("Présence en Ontario", "Ontario presence"),
    "request_range": ("Montant demandé", "Amount requested"),
    "deadline": ("Date limite", "Deadline"),
    "required_fields": ("Renseignements requis", "Required information"),
    "indigenous_led": ("Organisme dirigé par des Autochtones", "Indigenous-led organization"),
    "good_standing": ("Bonne situation", "Good standing"),
    "override": ("Décision du bureau du fonds", "Fund office decision"),
}


def screen(app: ScreeningInput, call: CallSpec) -> list[RuleResult]:
    """Every rule's verdict on one application."""
    return [rule(app, call) for _, rule in RULES]


def verdict(results: Sequence[RuleResult]) -> ApplicationStatus | None:
    """Eligible if every rule passes, ineligible if any fails, else None (a manager decides)."""
    outcomes = {r.outcome for r in results}
    if RuleOutcome.failed in outcomes:
        return ApplicationStatus.ineligible
    if RuleOutcome.needs_review in outcomes:
        return None
    return ApplicationStatus.eligible
