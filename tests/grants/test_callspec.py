"""The call file: loading the example, and one clear bilingual error per kind of mistake."""

from __future__ import annotations

import datetime as dt
import tomllib
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from grants.callspec import CallSpec, load_call_spec, parse_call_spec, to_cents
from grants.errors import InvalidInput, UnreadableFile

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "csf-2026.toml"
TORONTO = ZoneInfo("America/Toronto")


def example_data() -> dict[str, Any]:
    """The example call file decoded, ready to be changed by a test."""
    return tomllib.loads(EXAMPLE.read_text(encoding="utf-8"))


def refused(data: dict[str, Any]) -> InvalidInput:
    with pytest.raises(InvalidInput) as caught:
        parse_call_spec(data, source="call.toml")
    return caught.value


# --- the example --------------------------------------------------------------------------


def test_load_call_spec_example_has_two_streams_and_six_criteria() -> None:
    spec = load_call_spec(EXAMPLE)

    assert isinstance(spec, CallSpec)
    assert (spec.code, spec.reference_prefix, spec.timezone) == ("csf-2026", "CSF-2026", "America/Toronto")
    assert [(s.code, s.envelope, s.min_request, s.max_request, s.indigenous_led_required) for s in spec.streams] == [
        ("csf", Decimal("4650000"), Decimal("25000"), Decimal("300000"), False),
        ("iif", Decimal("3300000"), Decimal("25000"), Decimal("300000"), True),
    ]
    assert [(c.code, c.weight) for c in spec.rubric] == [
        ("need_alignment", Decimal("20")),
        ("survivor_centred", Decimal("20")),
        ("cultural_accessibility", Decimal("15")),
        ("capacity_partnerships", Decimal("15")),
        ("budget_value", Decimal("15")),
        ("evaluation_outcomes", Decimal("15")),
    ]
    assert sum(c.weight for c in spec.rubric) == Decimal("100")


def test_load_call_spec_local_times_read_in_toronto_with_daylight_saving() -> None:
    spec = load_call_spec(EXAMPLE)

    assert spec.opens_at == dt.datetime(2026, 1, 12, 9, 0, tzinfo=TORONTO)
    assert spec.opens_at.utcoffset() == dt.timedelta(hours=-5)
    assert spec.opens_at.isoformat() == "2026-01-12T09:00:00-05:00"
    # Daylight saving time starts on 8 March 2026, before the call closes.
    assert spec.closes_at.isoformat() == "2026-03-13T17:00:00-04:00"
    assert spec.review.deadline.isoformat() == "2026-05-15T17:00:00-04:00"


def test_load_call_spec_example_award_policy_and_eligibility() -> None:
    spec = load_call_spec(EXAMPLE)

    assert spec.award.region_floors == {"northeast": Decimal("0.08"), "northwest": Decimal("0.08")}
    assert (spec.award.max_per_organization, spec.award.min_partial_share, spec.award.near_tie) == (
        Decimal("400000"),
        Decimal("0.75"),
        "lottery",
    )
    assert spec.eligibility.organization_types == [
        "nonprofit",
        "charity",
        "indigenous_organization",
        "indigenous_community",
    ]
    assert spec.eligibility.review_organization_types == ["municipality", "other"]
    assert (spec.eligibility.summary_min_chars, spec.eligibility.good_standing) == (80, True)
    assert [level.score for level in spec.review.scale] == [0, 1, 2, 3, 4, 5]


def test_call_spec_helpers_find_streams_and_regions() -> None:
    spec = load_call_spec(EXAMPLE)

    iif = spec.stream("iif")
    missing = spec.stream("arts")

    assert iif is not None
    assert iif.name_en == "Indigenous Initiatives Fund"
    assert missing is None
    assert spec.region_codes == frozenset({"toronto", "central", "east", "west", "northeast", "northwest"})
    assert spec.zone == TORONTO


def test_to_cents_exact_decimal_dollars() -> None:
    assert [to_cents(Decimal(v)) for v in ("300000", "12500.5", "0.01", "4650000.00")] == [
        30_000_000,
        1_250_050,
        1,
        465_000_000,
    ]


# --- refused call files ---------------------------------------------------------------------


def test_parse_call_spec_missing_envelope_names_the_stream_and_field() -> None:
    data = example_data()
    del data["streams"][1]["envelope"]

    error = refused(data)

    assert error.en == "call.toml: streams[2].envelope: Field required"
    assert error.fr == "call.toml : streams[2].envelope : champ obligatoire manquant"
    assert error.field == "streams[2].envelope"
    assert error.message("fr") == error.fr
    assert error.message("en") == error.en


def test_load_call_spec_missing_envelope_uses_the_file_name(tmp_path: Path) -> None:
    text = EXAMPLE.read_text(encoding="utf-8").replace("envelope = 3_300_000\n", "")
    path = tmp_path / "call.toml"
    path.write_text(text, encoding="utf-8")

    with pytest.raises(InvalidInput) as caught:
        load_call_spec(path)

    assert caught.value.en == "call.toml: streams[2].envelope: Field required"


def test_parse_call_spec_wrong_type_amount_refused_in_both_languages() -> None:
    data = example_data()
    data["streams"][0]["envelope"] = "lots"

    error = refused(data)

    assert error.en == "call.toml: streams[1].envelope: Input should be a valid decimal"
    assert error.fr == "call.toml : streams[1].envelope : doit être un montant"


def test_load_call_spec_invalid_toml_is_one_line(tmp_path: Path) -> None:
    path = tmp_path / "call.toml"
    path.write_text('code = "csf-2026"\ntitle_fr = \n', encoding="utf-8")

    with pytest.raises(InvalidInput) as caught:
        load_call_spec(path)

    assert caught.value.en == f"{path.name}: invalid TOML: Invalid value (at line 2, column 12)"
    assert caught.value.fr == f"{path.name} : TOML non valide : Invalid value (at line 2, column 12)"
    assert "\n" not in caught.value.en


def test_load_call_spec_missing_file_unreadable(tmp_path: Path) -> None:
    path = tmp_path / "nowhere.toml"

    with pytest.raises(UnreadableFile) as caught:
        load_call_spec(path)

    assert caught.value.en == f"{path}: cannot be read (No such file or directory)"


def test_load_call_spec_not_utf8_unreadable(tmp_path: Path) -> None:
    path = tmp_path / "call.toml"
    path.write_bytes(b'title_fr = "Fonds de soutien"\nname = "\xe9t\xe9"\n')

    with pytest.raises(UnreadableFile) as caught:
        load_call_spec(path)

    assert (caught.value.en, caught.value.fr) == (
        f"{path}: not UTF-8 text",
        f"{path} : le texte n'est pas en UTF-8",
    )


def test_parse_call_spec_closes_before_opens_refused() -> None:
    data = example_data()
    data["closes_at"] = dt.datetime(2026, 1, 5, 17, 0)

    error = refused(data)

    assert (error.en, error.field) == ("call.toml: closes_at: closes_at must come after opens_at", "closes_at")


def test_parse_call_spec_closes_at_equal_to_opens_at_refused() -> None:
    data = example_data()
    data["closes_at"] = data["opens_at"]

    error = refused(data)

    assert (error.en, error.field) == ("call.toml: closes_at: closes_at must come after opens_at", "closes_at")


def test_parse_call_spec_review_deadline_before_close_refused() -> None:
    data = example_data()
    data["review"]["deadline"] = dt.datetime(2026, 3, 1, 17, 0)

    error = refused(data)

    assert (error.en, error.fr, error.field) == (
        "call.toml: review.deadline: review.deadline must come after closes_at",
        "call.toml : review.deadline : review.deadline doit être postérieur à closes_at",
        "review.deadline",
    )


def test_parse_call_spec_closes_before_opens_french_message_is_french() -> None:
    data = example_data()
    data["closes_at"] = dt.datetime(2026, 1, 5, 17, 0)

    error = refused(data)

    assert error.fr == "call.toml : closes_at : closes_at doit être postérieur à opens_at"
    assert error.message("fr") == error.fr


def test_parse_call_spec_unknown_top_level_key_refused() -> None:
    data = example_data()
    data["surprise"] = True

    error = refused(data)

    assert (error.en, error.fr, error.field) == (
        "call.toml: surprise: Extra inputs are not permitted",
        "call.toml : surprise : champ inconnu",
        "surprise",
    )


def test_parse_call_spec_unknown_key_in_stream_refused() -> None:
    data = example_data()
    data["streams"][0]["colour"] = "red"

    error = refused(data)

    assert (error.en, error.fr) == (
        "call.toml: streams[1].colour: Extra inputs are not permitted",
        "call.toml : streams[1].colour : champ inconnu",
    )


def test_parse_call_spec_region_floor_for_unknown_region_refused() -> None:
    data = example_data()
    data["award"]["region_floors"]["far_north"] = 0.1

    error = refused(data)

    assert (error.en, error.fr, error.field) == (
        "call.toml: award.region_floors.far_north: unknown region 'far_north'",
        "call.toml : award.region_floors.far_north : région inconnue 'far_north'",
        "award.region_floors.far_north",
    )


def test_parse_call_spec_unknown_time_zone_refused() -> None:
    data = example_data()
    data["timezone"] = "Mars/Olympus"

    error = refused(data)

    assert (error.en, error.field) == ("call.toml: timezone: unknown time zone 'Mars/Olympus'", "timezone")


def test_parse_call_spec_duplicate_stream_code_refused() -> None:
    data = example_data()
    data["streams"][1]["code"] = "csf"

    error = refused(data)

    assert (error.en, error.fr, error.field) == (
        "call.toml: streams: code 'csf' appears twice",
        "call.toml : streams : le code 'csf' figure deux fois",
        "streams",
    )


def test_parse_call_spec_min_request_above_max_refused() -> None:
    data = example_data()
    data["streams"][0]["min_request"] = 400_000

    error = refused(data)

    assert (error.en, error.fr, error.field) == (
        "call.toml: streams[1].min_request: min_request is greater than max_request",
        "call.toml : streams[1].min_request : min_request est supérieur à max_request",
        "streams[1].min_request",
    )


def test_parse_call_spec_unknown_organization_type_refused() -> None:
    data = example_data()
    data["eligibility"]["organization_types"].append("club")

    error = refused(data)

    assert error.en == (
        "call.toml: eligibility.organization_types: unknown organization type 'club'; known: nonprofit, charity, "
        "indigenous_organization, indigenous_community, municipality, for_profit, individual, other"
    )


def test_parse_call_spec_default_source_named_call_file() -> None:
    data = example_data()
    del data["code"]

    with pytest.raises(InvalidInput) as caught:
        parse_call_spec(data)

    assert caught.value.en == "call file: code: Field required"


# --- content hash ---------------------------------------------------------------------------


def test_content_hash_same_file_same_hash() -> None:
    first = load_call_spec(EXAMPLE)

    second = parse_call_spec(example_data())

    assert first.content_hash() == second.content_hash()
    assert len(first.content_hash()) == 64


def test_content_hash_changes_when_a_value_changes() -> None:
    data = example_data()
    data["streams"][0]["max_request"] = 299_999

    changed = parse_call_spec(data)

    assert changed.content_hash() != load_call_spec(EXAMPLE).content_hash()


def test_content_hash_same_moment_written_with_offset_same_hash() -> None:
    data = example_data()
    data["opens_at"] = dt.datetime(2026, 1, 12, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=-5)))

    with_offset = parse_call_spec(data)

    assert with_offset.content_hash() == load_call_spec(EXAMPLE).content_hash()
