"""Text folding and organization-name keys used by intake and conflict detection."""

from __future__ import annotations

import pytest

from grants.text import fold, normalize_org_name


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Côté", "cote"),
        ("ÉCOLE Française", "ecole francaise"),
        ("Ontario", "ontario"),
        ("Straße", "strasse"),
        ("", ""),
    ],
)
def test_fold_lower_case_without_accents(text: str, folded: str) -> None:
    assert fold(text) == folded


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("Centre X Inc.", "centre x"),
        ("centre x", "centre x"),
        ("Société d'aide à l'enfance de Sudbury", "aide a enfance sudbury"),
        ("The Safe Harbour Society of Thunder Bay", "safe harbour thunder bay"),
        ("Maison Interlude Ltée", "maison interlude"),
        ("  CENTRE   COMMUNAUTAIRE-HORIZON, LTD. ", "centre communautaire horizon"),
        ("Women's Shelter Corp", "women s shelter"),
    ],
)
def test_normalize_org_name_drops_case_accents_punctuation_and_legal_words(name: str, key: str) -> None:
    assert normalize_org_name(name) == key


def test_normalize_org_name_same_organization_written_two_ways_agrees() -> None:
    english = normalize_org_name("Centre Horizon Incorporated")

    french = normalize_org_name("Le Centre Horizon Incorporée")

    assert english == french == "centre horizon"


def test_normalize_org_name_different_organizations_differ() -> None:
    first = normalize_org_name("Centre Horizon Inc.")

    second = normalize_org_name("Centre Horizons Inc.")

    assert (first, second) == ("centre horizon", "centre horizons")


def test_normalize_org_name_legal_word_inside_a_word_kept() -> None:
    assert normalize_org_name("Colibri Collective") == "colibri collective"


def test_normalize_org_name_oe_ligature_same_as_oe() -> None:
    assert normalize_org_name("Les Œuvres du Cœur") == normalize_org_name("Les Oeuvres du Coeur") == "oeuvres coeur"


def test_normalize_org_name_syllabics_name_keeps_a_distinct_key() -> None:
    first = normalize_org_name("ᐃᓄᐃᑦ ᑲᑎᒪᔨᖏᑦ")

    second = normalize_org_name("ᓄᓇᕗᑦ ᑐᙵᕕᒃ")

    assert (first, second) == ("ᐃᓄᐃᑦ ᑲᑎᒪᔨᖏᑦ", "ᓄᓇᕗᑦ ᑐᙵᕕᒃ")
