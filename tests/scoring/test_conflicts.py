"""Automatic conflict-of-interest detection: each rule, its look-alikes, and a labelled table of tricky cases."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd
import pytest

from scoring.conflicts import (
    COLUMNS,
    ApplicationRecord,
    ReviewerRecord,
    detect_conflicts,
    email_domain,
    organization_keys,
    person_key,
)


def reviewer(reviewer_id: int, *, name: str = "", email: str = "", affiliation: str = "Independent") -> ReviewerRecord:
    return ReviewerRecord(
        reviewer_id=reviewer_id,
        name=name or f"Reviewer Number{reviewer_id}",
        email=email or f"reviewer{reviewer_id}@rev{reviewer_id}.org",
        affiliation=affiliation,
    )


def application(
    application_id: int,
    *,
    organization_name: str = "",
    contact_email: str = "",
    board_members: tuple[str, ...] = (),
    key_staff: tuple[str, ...] = (),
    partner_organizations: tuple[str, ...] = (),
) -> ApplicationRecord:
    return ApplicationRecord(
        application_id=application_id,
        organization_name=organization_name or f"Applicant Organization {application_id}",
        contact_email=contact_email or f"info@app{application_id}.org",
        board_members=board_members,
        key_staff=key_staff,
        partner_organizations=partner_organizations,
    )


def rows(frame: pd.DataFrame) -> list[tuple[object, ...]]:
    return list(frame.itertuples(index=False, name=None))


def found(frame: pd.DataFrame) -> set[tuple[int, int, str]]:
    return {(int(r), int(a), str(rule)) for r, a, rule in frame[["reviewer_id", "application_id", "rule"]].to_numpy()}


# Each rule, with its exact reasons -----------------------------------------------------------


def test_detect_conflicts_same_organization_gives_both_names() -> None:
    # Arrange
    reviewers = [reviewer(1, affiliation="Havre sûr (Safe Harbour) Inc.")]
    applications = [application(7, organization_name="The Safe Harbour / Havre sûr")]

    # Act
    conflicts = detect_conflicts(reviewers, applications)

    # Assert
    assert rows(conflicts) == [
        (
            1,
            7,
            "same_organization",
            "Reviewer's affiliation (Havre sûr (Safe Harbour) Inc.) is the applicant organization "
            "(The Safe Harbour / Havre sûr)",
            "L'organisme d'attache de l'évaluateur (Havre sûr (Safe Harbour) Inc.) est l'organisme demandeur "
            "(The Safe Harbour / Havre sûr)",
        )
    ]


def test_detect_conflicts_same_email_domain_names_the_registrable_domain() -> None:
    reviewers = [reviewer(1, email="j.doe@ottawa.safeharbour.ca")]
    applications = [application(7, contact_email="info@safeharbour.ca")]

    conflicts = detect_conflicts(reviewers, applications)

    assert rows(conflicts) == [
        (1, 7, "same_email_domain", "Same e-mail domain (safeharbour.ca)", "Même domaine de courriel (safeharbour.ca)")
    ]


def test_detect_conflicts_named_on_board_gives_listed_name() -> None:
    reviewers = [reviewer(1, name="Dr. Marie-Claude Tremblay")]
    applications = [application(7, board_members=("Nadia Roy", "marie claude  tremblay"))]

    conflicts = detect_conflicts(reviewers, applications)

    assert rows(conflicts) == [
        (
            1,
            7,
            "named_on_application",
            "Reviewer is on the application's board of directors (listed as marie claude  tremblay)",
            "L'évaluateur siège au conseil d'administration de l'organisme demandeur "
            "(nom inscrit : marie claude  tremblay)",
        )
    ]


def test_detect_conflicts_named_on_key_staff_gives_listed_name() -> None:
    reviewers = [reviewer(1, name="Samuel Okafor")]
    applications = [application(7, key_staff=("Mr. Samuel Okafor",))]

    conflicts = detect_conflicts(reviewers, applications)

    assert rows(conflicts) == [
        (
            1,
            7,
            "named_on_application",
            "Reviewer is on the application's key staff (listed as Mr. Samuel Okafor)",
            "L'évaluateur fait partie du personnel clé de l'organisme demandeur (nom inscrit : Mr. Samuel Okafor)",
        )
    ]


def test_detect_conflicts_named_on_board_and_staff_gives_one_row_with_both_reasons() -> None:
    reviewers = [reviewer(1, name="Lina Haddad")]
    applications = [application(7, board_members=("Lina Haddad",), key_staff=("Mme Lina Haddad",))]

    conflicts = detect_conflicts(reviewers, applications)

    assert rows(conflicts) == [
        (
            1,
            7,
            "named_on_application",
            "Reviewer is on the application's board of directors (listed as Lina Haddad); "
            "Reviewer is on the application's key staff (listed as Mme Lina Haddad)",
            "L'évaluateur siège au conseil d'administration de l'organisme demandeur (nom inscrit : Lina Haddad); "
            "L'évaluateur fait partie du personnel clé de l'organisme demandeur (nom inscrit : Mme Lina Haddad)",
        )
    ]


def test_detect_conflicts_partner_organization_gives_affiliation_and_listed_partner() -> None:
    reviewers = [reviewer(1, affiliation="Ottawa Food Bank")]
    applications = [application(7, partner_organizations=("City Arts", "The Ottawa Food Bank Inc."))]

    conflicts = detect_conflicts(reviewers, applications)

    assert rows(conflicts) == [
        (
            1,
            7,
            "partner_organization",
            "Reviewer's affiliation (Ottawa Food Bank) is a partner organization of the project "
            "(listed as The Ottawa Food Bank Inc.)",
            "L'organisme d'attache de l'évaluateur (Ottawa Food Bank) est un organisme partenaire du projet "
            "(nom inscrit : The Ottawa Food Bank Inc.)",
        )
    ]


def test_detect_conflicts_partner_listed_twice_gives_one_row_naming_the_first() -> None:
    reviewers = [reviewer(1, affiliation="Phare du Nord")]
    applications = [application(7, partner_organizations=("Northern Light (Phare du Nord)", "Phare du Nord Inc."))]

    conflicts = detect_conflicts(reviewers, applications)

    assert found(conflicts) == {(1, 7, "partner_organization")}
    assert conflicts["reason_en"].tolist() == [
        "Reviewer's affiliation (Phare du Nord) is a partner organization of the project "
        "(listed as Northern Light (Phare du Nord))"
    ]


def test_detect_conflicts_several_rules_give_one_row_each_sorted() -> None:
    reviewers = [
        reviewer(2, name="Ava Chen", email="ava@centrex.on.ca", affiliation="Centre X Inc."),
        reviewer(1, affiliation="Centre X"),
    ]
    applications = [
        application(
            9,
            organization_name="centre x",
            contact_email="info@mail.centrex.on.ca",
            board_members=("Ava Chen",),
            partner_organizations=("Centre X Incorporated",),
        ),
        application(8, organization_name="Centre X"),
    ]

    conflicts = detect_conflicts(reviewers, applications)

    assert rows(conflicts[["reviewer_id", "application_id", "rule"]]) == [
        (1, 8, "same_organization"),
        (1, 9, "partner_organization"),
        (1, 9, "same_organization"),
        (2, 8, "same_organization"),
        (2, 9, "named_on_application"),
        (2, 9, "partner_organization"),
        (2, 9, "same_email_domain"),
        (2, 9, "same_organization"),
    ]


# Labelled tricky cases -----------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    label: str
    reviewer: ReviewerRecord
    application: ApplicationRecord
    conflicts: frozenset[str]


def _case(
    number: int, label: str, conflicts: set[str], *, reviewer_fields: dict[str, str], **application_fields: Any
) -> Case:
    return Case(
        label,
        reviewer(number, **reviewer_fields),
        application(number, **application_fields),
        frozenset(conflicts),
    )


SAME_ORG, DOMAIN = "same_organization", "same_email_domain"
NAMED, PARTNER = "named_on_application", "partner_organization"

CASES = [
    _case(1, "subdomain of an on.ca domain", {DOMAIN},
          reviewer_fields={"email": "ana@mail.centrex.on.ca"}, contact_email="info@centrex.on.ca"),
    _case(2, "city subdomain", {DOMAIN},
          reviewer_fields={"email": "j.doe@ottawa.safeharbour.ca"}, contact_email="Info@SafeHarbour.ca"),
    _case(3, "other names under on.ca", set(),
          reviewer_fields={"email": "a@riverside.on.ca"}, contact_email="b@lakeside.on.ca"),
    _case(4, ".ca versus .com", set(),
          reviewer_fields={"email": "a@beacon.ca"}, contact_email="b@beacon.com"),
    _case(5, "domain that ends like another", set(),
          reviewer_fields={"email": "a@harbourlight.ca"}, contact_email="b@light.ca"),
    _case(6, "gmail", set(), reviewer_fields={"email": "a.b@gmail.com"}, contact_email="c.d@gmail.com"),
    _case(7, "ISP domain", set(), reviewer_fields={"email": "a@videotron.ca"}, contact_email="b@videotron.ca"),
    _case(8, "government umbrella", set(),
          reviewer_fields={"email": "a@tbs-sct.gc.ca"}, contact_email="b@tbs-sct.gc.ca"),
    _case(9, "Ontario public service", set(), reviewer_fields={"email": "a@ontario.ca"}, contact_email="b@ontario.ca"),
    _case(10, "Inc. and Incorporated", {SAME_ORG},
          reviewer_fields={"affiliation": "Riverside Literacy Council Incorporated"},
          organization_name="Riverside Literacy Council, Inc."),
    _case(11, "accents, elision and Incorporée", {SAME_ORG},
          reviewer_fields={"affiliation": "Centre d'entraide Côte-Nord Incorporée"},
          organization_name="CENTRE D’ENTRAIDE COTE NORD INC"),
    _case(12, "curly apostrophe and leading The", {SAME_ORG},
          reviewer_fields={"affiliation": "Children’s Aid Society of Algoma"},
          organization_name="The Children's Aid Society of Algoma"),
    _case(13, "French name of a bilingual organization", {SAME_ORG},
          reviewer_fields={"affiliation": "Services communautaires Phare du Nord"},
          organization_name="Northern Lighthouse Community Services / Services communautaires Phare du Nord"),
    _case(14, "English name in parentheses, French and English swapped", {SAME_ORG},
          reviewer_fields={"affiliation": "Maison Bleue (Blue House) Inc."},
          organization_name="The Blue House – Maison Bleue"),
    _case(15, "name with a longer tail", set(),
          reviewer_fields={"affiliation": "Centre Lumière"}, organization_name="Centre Lumière North"),
    _case(16, "shorter name of another organization", set(),
          reviewer_fields={"affiliation": "Safe Harbour"}, organization_name="Safe Harbour Housing"),
    _case(17, "only a legal suffix", set(), reviewer_fields={"affiliation": "Inc."}, organization_name="Incorporated"),
    _case(18, "same place, different organizations", set(),
          reviewer_fields={"affiliation": "Food Share - Toronto"}, organization_name="Youth Arts - Toronto"),
    _case(19, "hyphenated given name", {NAMED},
          reviewer_fields={"name": "Marie-Claude Tremblay"}, board_members=("Luc Pilon", "marie claude tremblay")),
    _case(20, "titles and accents", {NAMED},
          reviewer_fields={"name": "Dre Hélène Côté"}, key_staff=("Mme Helene Cote",)),
    _case(21, "surname-first listing", {NAMED},
          reviewer_fields={"name": "Dr. Samuel Okafor, PhD"}, board_members=("Okafor, Samuel",)),
    _case(22, "same surname only", set(),
          reviewer_fields={"name": "Jean Gagnon"}, board_members=("Pierre Gagnon",), key_staff=("Gagnon",)),
    _case(23, "same first name only", set(),
          reviewer_fields={"name": "Priya Sharma"}, key_staff=("Priya Patel", "Priya")),
    _case(24, "partner under its other language name", {PARTNER},
          reviewer_fields={"affiliation": "Banque alimentaire de Sudbury"},
          partner_organizations=("Sudbury Food Bank | Banque alimentaire de Sudbury",)),
    _case(25, "partner look-alike", set(),
          reviewer_fields={"affiliation": "Hamilton Arts Council"},
          partner_organizations=("Hamilton Arts Council Foundation",)),
    _case(26, "placeholder affiliation", set(),
          reviewer_fields={"affiliation": "None"}, partner_organizations=("none",)),
    _case(27, "everything at once", {SAME_ORG, DOMAIN, NAMED, PARTNER},
          reviewer_fields={"name": "Kofi Mensah", "email": "kofi@staff.kingstonyouth.org",
                           "affiliation": "Kingston Youth Services"},
          organization_name="Kingston Youth Services Inc.", contact_email="hello@kingstonyouth.org",
          key_staff=("Kofi Mensah",), partner_organizations=("Kingston Youth Services",)),
]  # fmt: skip


def test_detect_conflicts_labelled_cases_find_exactly_the_true_conflicts() -> None:
    # Every reviewer against every application: no misses, and no false alarm even across cases.
    expected = {(c.reviewer.reviewer_id, c.application.application_id, rule) for c in CASES for rule in c.conflicts}

    conflicts = detect_conflicts([c.reviewer for c in CASES], [c.application for c in CASES])

    assert found(conflicts) == expected


@pytest.mark.parametrize("case", CASES, ids=[c.label for c in CASES])
def test_detect_conflicts_labelled_case_gives_its_rules(case: Case) -> None:
    conflicts = detect_conflicts([case.reviewer], [case.application])

    assert set(conflicts["rule"]) == set(case.conflicts)


# Normalizers ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "keys"),
    [
        ("Centre X Inc.", ("centre x",)),
        ("Havre sûr (Safe Harbour)", ("havre sur", "havre sur safe harbour", "safe harbour")),
        ("Safe Harbour / Havre sûr", ("havre sur", "safe harbour", "safe harbour havre sur")),
        ("Centre X - Ottawa", ("centre x", "centre x ottawa")),
        ("The Children’s Aid Society", ("childrens aid society",)),
        ("Family & Children's Services", ("family childrens services",)),
        ("Inc.", ()),
        ("AB", ()),
        ("N/A", ()),
        ("", ()),
    ],
)
def test_organization_keys_normalize_suffixes_accents_and_aliases(name: str, keys: tuple[str, ...]) -> None:
    assert organization_keys(name) == keys


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("Dr. Marie-Claude Tremblay", "marie claude tremblay"),
        ("  MARIE   CLAUDE TREMBLAY ", "marie claude tremblay"),
        ("Tremblay, Marie-Claude", "marie claude tremblay"),
        ("Jane A. Doe, Ph.D.", "jane doe"),
        ("Seán O’Brien", "sean obrien"),
        ("M. Tremblay", ""),
        ("Priya", ""),
    ],
)
def test_person_key_drops_titles_initials_and_punctuation(name: str, key: str) -> None:
    assert person_key(name) == key


@pytest.mark.parametrize(
    ("email", "domain"),
    [
        ("j.doe@ottawa.safeharbour.ca", "safeharbour.ca"),
        ("x@a.b.centre.on.ca", "centre.on.ca"),
        ("x@centre.qc.ca", "centre.qc.ca"),
        ("X@SafeHarbour.CA.", "safeharbour.ca"),
        ("x@mail.yahoo.ca", ""),
        ("x@nb.sympatico.ca", ""),
        ("x@on.ca", ""),
        ("no-at-sign", ""),
        ("", ""),
    ],
)
def test_email_domain_gives_registrable_domain_or_nothing(email: str, domain: str) -> None:
    assert email_domain(email) == domain


# Shapes and order ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("reviewers", "applications"),
    [([], []), ([reviewer(1)], []), ([], [application(1)]), ([reviewer(1)], [application(1)])],
    ids=["both empty", "no applications", "no reviewers", "no conflict"],
)
def test_detect_conflicts_empty_inputs_give_empty_frame_with_columns(
    reviewers: list[ReviewerRecord], applications: list[ApplicationRecord]
) -> None:
    conflicts = detect_conflicts(reviewers, applications)

    assert list(conflicts.columns) == COLUMNS
    assert conflicts.empty
    assert [str(t) for t in conflicts.dtypes] == ["int64", "int64", "str", "str", "str"]


def test_detect_conflicts_input_order_gives_same_frame() -> None:
    reviewers = [c.reviewer for c in CASES]
    applications = [c.application for c in CASES]

    forward = detect_conflicts(reviewers, applications)
    backward = detect_conflicts(reviewers[::-1], applications[::-1])

    pd.testing.assert_frame_equal(forward, backward)
    keys = rows(forward[["reviewer_id", "application_id", "rule"]])
    assert keys == sorted(set(keys))


def test_detect_conflicts_dataframe_inputs_give_same_frame_as_records() -> None:
    reviewers = [c.reviewer for c in CASES]
    applications = [c.application for c in CASES]
    reviewer_frame = pd.DataFrame([vars(r) for r in reviewers])
    application_frame = pd.DataFrame([{**vars(a), "board_members": list(a.board_members)} for a in applications])

    from_frames = detect_conflicts(reviewer_frame, application_frame)

    pd.testing.assert_frame_equal(from_frames, detect_conflicts(reviewers, applications))
