"""Synthetic call generator: same seed same bytes, file shapes, and planted problems recounted from the files."""

from __future__ import annotations

import csv
import datetime as dt
import re
import tomllib
import unicodedata
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

import pytest

from grants.synth import SynthSummary, generate

EXAMPLE_CALL = Path(__file__).resolve().parents[2] / "examples" / "csf-2026.toml"
APPLICATION_HEADER = [
    "external_id", "submitted_at", "organization_name", "organization_type", "registration_number",
    "organization_region", "province", "indigenous_led", "contact_name", "contact_email", "board_members",
    "key_staff", "partner_organizations", "project_title", "project_summary", "stream", "regions_served",
    "populations_served", "requested_amount", "total_budget", "start_date", "duration_months", "language",
]  # fmt: skip
REVIEWER_HEADER = [
    "name", "email", "affiliation", "expertise", "languages", "indigenous_expertise", "max_load", "regions",
]  # fmt: skip
CONFLICT_HEADER = ["reviewer_email", "external_id", "reason"]
EXPERTISE = {
    "survivor_services", "youth", "housing", "legal", "health", "indigenous_healing", "labour_trafficking",
    "training", "evaluation", "awareness",
}  # fmt: skip
WEBMAIL = {"gmail.com", "outlook.com", "hotmail.com", "yahoo.ca"}
AMOUNT = re.compile(r"\d+(\.\d{2})?")
REQUIRED_COLUMN = {"summary": "project_summary"}

Row = dict[str, str]


@pytest.fixture(scope="module")
def call() -> dict[str, Any]:
    return tomllib.loads(EXAMPLE_CALL.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def synth(tmp_path_factory: pytest.TempPathFactory) -> SynthSummary:
    return generate(tmp_path_factory.mktemp("synth"), applications=400, reviewers=60, seed=2026)


@pytest.fixture(scope="module")
def applications(synth: SynthSummary) -> list[Row]:
    return _read(synth.applications_file)


@pytest.fixture(scope="module")
def valid(applications: list[Row], call: dict[str, Any]) -> list[Row]:
    return _valid_rows(applications, call)


def _read(path: Path) -> list[Row]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _header(path: Path) -> list[str]:
    with path.open(encoding="utf-8", newline="") as handle:
        return next(csv.reader(handle))


def _items(value: str) -> list[str]:
    return [item for item in value.split("; ") if item]


def _malformed(row: Row, call: dict[str, Any]) -> bool:
    regions = {r["code"] for r in call["regions"]}
    streams = {s["code"] for s in call["streams"]}
    email = row["contact_email"]
    return (
        not row["external_id"]
        or email.count("@") != 1
        or "." not in email.split("@")[-1]
        or row["organization_region"] not in regions
        or not set(_items(row["regions_served"])) <= regions
        or not AMOUNT.fullmatch(row["requested_amount"])
        or not AMOUNT.fullmatch(row["total_budget"])
        or row["stream"] not in streams
        or row["language"] not in {"en", "fr"}
        or not row["duration_months"].isdigit()
        or int(row["duration_months"]) < 1
    )


def _valid_rows(rows: list[Row], call: dict[str, Any]) -> list[Row]:
    seen: set[str] = set()
    out = []
    for row in rows:
        if _malformed(row, call) or row["external_id"] in seen:
            continue
        seen.add(row["external_id"])
        out.append(row)
    return out


def _ineligible(row: Row, call: dict[str, Any]) -> bool:
    rules = call["eligibility"]
    stream = next(s for s in call["streams"] if s["code"] == row["stream"])
    submitted = dt.datetime.fromisoformat(row["submitted_at"])
    requested = float(row["requested_amount"])
    missing = any(not row[REQUIRED_COLUMN.get(f, f)].strip() for f in rules["required_fields"])
    return (
        row["organization_type"] not in rules["organization_types"] + rules["review_organization_types"]
        or row["province"] != rules["province"]
        or not call["opens_at"] <= submitted <= call["closes_at"]
        or not stream["min_request"] <= requested <= stream["max_request"]
        or (stream["indigenous_led_required"] and row["indigenous_led"] in {"no", "non"})
        or missing
        or len(row["project_summary"].strip()) < rules["summary_min_chars"]
    )


def _normalized(name: str) -> str:
    folded = unicodedata.normalize("NFKD", name.replace("’", "'")).encode("ascii", "ignore").decode().casefold()
    words = re.findall(r"[a-z0-9']+", folded)
    return " ".join(w for w in words if w not in {"inc", "the"})


def test_generate_same_seed_writes_identical_bytes(tmp_path: Path) -> None:
    first = generate(tmp_path / "a", applications=120, reviewers=20, seed=7)
    second = generate(tmp_path / "b", applications=120, reviewers=20, seed=7)

    for name in ("call.toml", "applications.csv", "reviewers.csv", "conflicts.csv"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()
    assert (first.planted_invalid, first.planted_ineligible) == (second.planted_invalid, second.planted_ineligible)


def test_generate_different_seed_writes_different_files(tmp_path: Path) -> None:
    generate(tmp_path / "a", applications=120, reviewers=20, seed=7)
    generate(tmp_path / "b", applications=120, reviewers=20, seed=8)

    for name in ("applications.csv", "reviewers.csv"):
        assert (tmp_path / "a" / name).read_bytes() != (tmp_path / "b" / name).read_bytes()


def test_generate_negative_count_raises(tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        generate(tmp_path, applications=-1, reviewers=5, seed=1)


def test_applications_file_has_header_and_requested_rows(synth: SynthSummary) -> None:
    lines = synth.applications_file.read_text(encoding="utf-8").splitlines()
    records = _read(synth.applications_file)

    assert lines[0] == ",".join(APPLICATION_HEADER)
    assert len(records) == 400
    assert synth.applications == 400


def test_reviewers_file_has_requested_rows(synth: SynthSummary) -> None:
    assert len(_read(synth.reviewers_file)) == 60
    assert synth.reviewers == 60


def test_files_have_the_documented_columns(synth: SynthSummary) -> None:
    assert _header(synth.applications_file) == APPLICATION_HEADER
    assert _header(synth.reviewers_file) == REVIEWER_HEADER
    assert _header(synth.conflicts_file) == CONFLICT_HEADER


def test_files_use_newline_endings_and_utf8(synth: SynthSummary) -> None:
    for path in (synth.applications_file, synth.reviewers_file, synth.conflicts_file):
        data = path.read_bytes()
        assert b"\r" not in data
        assert data.endswith(b"\n")
        assert data.decode("utf-8").count("\n") >= 1


def test_call_file_equals_the_example_call(synth: SynthSummary) -> None:
    assert synth.call_file.read_bytes() == EXAMPLE_CALL.read_bytes()


def test_planted_invalid_matches_recount(synth: SynthSummary, applications: list[Row], valid: list[Row]) -> None:
    assert synth.planted_invalid == len(applications) - len(valid)
    assert synth.planted_invalid == 12  # 3% of 400


def test_planted_ineligible_matches_recount(synth: SynthSummary, valid: list[Row], call: dict[str, Any]) -> None:
    assert synth.planted_ineligible == sum(_ineligible(row, call) for row in valid)
    assert synth.planted_ineligible == 48  # 12% of 400


def test_each_malformed_value_is_planted(applications: list[Row]) -> None:
    found = {
        "bad_email": any(r["contact_email"] == "info@@example" for r in applications),
        "bad_region": any("yukon" in _items(r["regions_served"]) for r in applications),
        "bad_amount": any(r["requested_amount"] == "cent mille" for r in applications),
        "bad_stream": any(r["stream"] == "xyz" for r in applications),
        "bad_language": any(r["language"] == "es" for r in applications),
        "no_external_id": any(r["external_id"] == "" for r in applications),
        "bad_duration": any(r["duration_months"] == "0" for r in applications),
    }

    assert found == dict.fromkeys(found, True)


def test_duplicate_rows_repeat_an_earlier_row_exactly(applications: list[Row], call: dict[str, Any]) -> None:
    first: dict[str, Row] = {}
    duplicates = 0
    for row in applications:
        if _malformed(row, call):
            continue
        if row["external_id"] in first:
            duplicates += 1
            assert row == first[row["external_id"]]
        else:
            first[row["external_id"]] = row

    assert duplicates == 4  # 1% of 400


def test_valid_rows_use_the_call_codes(valid: list[Row], call: dict[str, Any]) -> None:
    regions = {r["code"] for r in call["regions"]}
    streams = {s["code"] for s in call["streams"]}
    rules = call["eligibility"]
    known_types = {*rules["organization_types"], *rules["review_organization_types"], "for_profit", "individual"}

    assert {r["stream"] for r in valid} == streams
    assert {r["language"] for r in valid} == {"en", "fr"}
    assert {r["organization_region"] for r in valid} <= regions
    assert {region for r in valid for region in _items(r["regions_served"])} == regions
    assert {r["organization_type"] for r in valid} == known_types


def test_valid_rows_follow_the_formats(valid: list[Row]) -> None:
    problems = []
    for row in valid:
        checks = {
            "external_id": re.fullmatch(r"PORTAL-\d{6}", row["external_id"]),
            "submitted_at": re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d", row["submitted_at"]),
            "registration_number": re.fullmatch(r"\d{9}RR0001|\d{7}", row["registration_number"]),
            "indigenous_led": row["indigenous_led"] in {"yes", "no", "oui", "non"},
            "start_date": "2026-06-01" <= row["start_date"] <= "2027-01-01",
            "duration_months": 12 <= int(row["duration_months"]) <= 36,
            "total_budget": float(row["total_budget"]) >= float(row["requested_amount"]),
            "lists": all(
                "" not in row[c].split("; ") for c in ("board_members", "key_staff", "regions_served") if row[c]
            ),
        }
        problems += [(row["external_id"], name) for name, ok in checks.items() if not ok]

    assert problems == []


def test_valid_rows_have_unique_external_ids(valid: list[Row]) -> None:
    counts = Counter(row["external_id"] for row in valid)

    assert [external_id for external_id, n in counts.items() if n > 1] == []


def test_repeat_applicants_keep_one_organization(valid: list[Row]) -> None:
    by_number: dict[str, set[tuple[str, str, str]]] = defaultdict(set)
    projects: dict[str, int] = Counter()
    for row in valid:
        by_number[row["registration_number"]].add(
            (row["organization_name"], row["organization_type"], row["organization_region"])
        )
        projects[row["registration_number"]] += 1

    assert [number for number, orgs in by_number.items() if len(orgs) > 1] == []
    assert sum(n - 1 for n in projects.values()) == 20  # 5% of 400


def test_formula_text_rows_are_valid_and_eligible(valid: list[Row], call: dict[str, Any]) -> None:
    starts = ("=", "+", "-", "@")
    formula = [r for r in valid if r["project_title"].startswith(starts) or r["project_summary"].startswith(starts)]

    assert len(formula) == 2
    assert [_ineligible(r, call) for r in formula] == [False, False]


def test_needs_review_types_are_planted(valid: list[Row]) -> None:
    review = [r for r in valid if r["organization_type"] in {"municipality", "other"}]

    assert len(review) == 12  # 3% of 400


def test_shares_of_french_and_iif_are_realistic(valid: list[Row]) -> None:
    french = sum(r["language"] == "fr" for r in valid) / len(valid)
    iif = sum(r["stream"] == "iif" for r in valid) / len(valid)

    assert 0.18 <= french <= 0.32
    assert 0.22 <= iif <= 0.38


def test_conflicts_name_real_reviewers_and_valid_applications(synth: SynthSummary, valid: list[Row]) -> None:
    conflicts = _read(synth.conflicts_file)
    reviewer_emails = {r["email"] for r in _read(synth.reviewers_file)}
    external_ids = {r["external_id"] for r in valid}
    pairs = [(c["reviewer_email"], c["external_id"]) for c in conflicts]

    assert len(conflicts) == 12
    assert synth.conflicts == 12
    assert {email for email, _ in pairs} <= reviewer_emails
    assert {external_id for _, external_id in pairs} <= external_ids
    assert len(set(pairs)) == len(pairs)
    assert all(c["reason"] for c in conflicts)


def test_reviewer_fields_stay_in_their_vocabulary(synth: SynthSummary, call: dict[str, Any]) -> None:
    reviewers = _read(synth.reviewers_file)
    regions = {r["code"] for r in call["regions"]}

    assert {r["languages"] for r in reviewers} <= {"en", "fr", "en; fr"}
    assert {r["indigenous_expertise"] for r in reviewers} == {"yes", "no"}
    assert all(8 <= int(r["max_load"]) <= 40 for r in reviewers)
    assert {tag for r in reviewers for tag in _items(r["expertise"])} <= EXPERTISE
    assert {region for r in reviewers for region in _items(r["regions"])} <= regions
    assert len({r["email"] for r in reviewers}) == len(reviewers)


def test_reviewers_include_ties_to_applicants(synth: SynthSummary, valid: list[Row]) -> None:
    reviewers = _read(synth.reviewers_file)
    names = {r["organization_name"] for r in valid}
    normalized = {_normalized(name) for name in names}
    domains = {r["contact_email"].split("@")[1] for r in valid} - WEBMAIL
    board = {person for r in valid for person in _items(r["board_members"])}

    exact = [r for r in reviewers if r["affiliation"] in names]
    near = [r for r in reviewers if r["affiliation"] not in names and _normalized(r["affiliation"]) in normalized]
    same_domain = [r for r in reviewers if r["email"].split("@")[1] in domains]
    on_board = [r for r in reviewers if r["name"] in board]

    # 4% of 60 reviewers for each kind of tie
    assert [len(exact), len(near), len(same_domain), len(on_board)] == [2, 2, 2, 2]


def test_small_call_still_plants_each_problem_family(tmp_path: Path, call: dict[str, Any]) -> None:
    summary = generate(tmp_path, applications=50, reviewers=10, seed=3)
    rows = _read(summary.applications_file)
    valid = _valid_rows(rows, call)
    duplicated = len({r["external_id"] for r in rows if not _malformed(r, call)}) < len(
        [r for r in rows if not _malformed(r, call)]
    )

    assert len(rows) == 50
    assert summary.planted_invalid == len(rows) - len(valid) == 2
    assert duplicated is True
    assert summary.planted_ineligible == sum(_ineligible(r, call) for r in valid) == 6
    assert sum(r["organization_type"] in {"municipality", "other"} for r in valid) >= 1


def test_tiny_call_plants_nothing(tmp_path: Path, call: dict[str, Any]) -> None:
    summary = generate(tmp_path, applications=3, reviewers=3, seed=1)
    rows = _read(summary.applications_file)

    assert len(rows) == 3
    assert (summary.planted_invalid, summary.planted_ineligible) == (0, 0)
    assert len(_valid_rows(rows, call)) == 3
    assert sum(_ineligible(r, call) for r in rows) == 0
    assert summary.conflicts == len(_read(summary.conflicts_file)) == 1


def test_empty_call_writes_headers_only(tmp_path: Path) -> None:
    summary = generate(tmp_path, applications=0, reviewers=0, seed=1)

    assert summary.applications_file.read_text(encoding="utf-8") == ",".join(APPLICATION_HEADER) + "\n"
    assert summary.reviewers_file.read_text(encoding="utf-8") == ",".join(REVIEWER_HEADER) + "\n"
    assert summary.conflicts_file.read_text(encoding="utf-8") == ",".join(CONFLICT_HEADER) + "\n"
    assert (summary.applications, summary.reviewers, summary.conflicts) == (0, 0, 0)
