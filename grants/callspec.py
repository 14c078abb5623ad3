"""The call file (TOML): parsing and validation into a typed :class:`CallSpec`.

Local datetimes in the file are read in the call's time zone (America/Toronto by
default); amounts are dollars, kept as exact decimals.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import tomllib
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from grants.errors import InvalidInput, UnreadableFile

ORGANIZATION_TYPES: dict[str, tuple[str, str]] = {
    "nonprofit": ("organisme sans but lucratif", "not-for-profit organization"),
    "charity": ("organisme de bienfaisance enregistré", "registered charity"),
    "indigenous_organization": ("organisation autochtone", "Indigenous organization"),
    "indigenous_community": (
        "communauté des Premières Nations, des Inuits ou des Métis",
        "First Nations, Inuit or Métis community",
    ),
    "municipality": ("municipalité", "municipality"),
    "for_profit": ("entreprise à but lucratif", "for-profit business"),
    "individual": ("particulier", "individual"),
    "other": ("autre", "other"),
}

RequiredField = Literal["summary", "board_members", "key_staff", "partner_organizations", "populations_served"]
Code = Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=32)


class SpecProblem(ValueError):
    """A rule of the call file broken across fields; carries both languages and the field."""

    def __init__(self, *, en: str, fr: str, field: str = "") -> None:
        super().__init__(en)
        self.en, self.fr, self.field = en, fr, field


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class RegionSpec(_Strict):
    code: str = Code
    name_fr: str = Field(min_length=1)
    name_en: str = Field(min_length=1)


class StreamSpec(_Strict):
    code: str = Code
    name_fr: str = Field(min_length=1)
    name_en: str = Field(min_length=1)
    envelope: Decimal = Field(gt=0, decimal_places=2)
    min_request: Decimal = Field(gt=0, decimal_places=2)
    max_request: Decimal = Field(gt=0, decimal_places=2)
    indigenous_led_required: bool = False

    @model_validator(mode="after")
    def _range(self) -> StreamSpec:
        if self.min_request > self.max_request:
            raise SpecProblem(
                en="min_request is greater than max_request",
                fr="min_request est supérieur à max_request",
                field="min_request",
            )
        if self.max_request > self.envelope:
            raise SpecProblem(
                en="max_request is greater than the envelope",
                fr="max_request est supérieur à l'enveloppe (envelope)",
                field="max_request",
            )
        return self


class EligibilitySpec(_Strict):
    organization_types: list[str] = Field(min_length=1)
    review_organization_types: list[str] = Field(default_factory=list)
    province: str = "ON"
    required_fields: list[RequiredField] = Field(default_factory=list)
    summary_min_chars: int = Field(default=0, ge=0)
    good_standing: bool = True

    @field_validator("organization_types", "review_organization_types")
    @classmethod
    def _known_types(cls, value: list[str]) -> list[str]:
        unknown = [t for t in value if t not in ORGANIZATION_TYPES]
        if unknown:
            known = ", ".join(ORGANIZATION_TYPES)
            raise SpecProblem(
                en=f"unknown organization type {unknown[0]!r}; known: {known}",
                fr=f"type d'organisme inconnu {unknown[0]!r}; types connus : {known}",
            )
        return value


class CriterionSpec(_Strict):
    code: str = Code
    name_fr: str = Field(min_length=1)
    name_en: str = Field(min_length=1)
    weight: Decimal = Field(gt=0)
    description_fr: str = ""
    description_en: str = ""


class ScaleLevel(_Strict):
    score: int = Field(ge=0, le=5)
    label_fr: str
    label_en: str


class ReviewSpec(_Strict):
    reviewers_per_application: int = Field(default=3, ge=1, le=10)
    deadline: dt.datetime
    outlier_sd: float = Field(default=2.0, gt=0)
    total_spread_threshold: float = Field(default=1.5, gt=0)
    criterion_spread_threshold: int = Field(default=3, ge=1, le=5)
    scale: list[ScaleLevel] = Field(default_factory=list)


class PaymentPlanSpec(_Strict):
    initial_share: Decimal = Field(default=Decimal("0.4"), ge=0, le=1)
    interim_every_months: int = Field(default=6, ge=1, le=24)
    holdback_share: Decimal = Field(default=Decimal("0.1"), ge=0, le=1)


class AwardSpec(_Strict):
    fundable_line: float = Field(default=3.0, ge=0, le=5)
    max_per_organization: Decimal | None = Field(default=None, gt=0)
    partial_funding: bool = True
    min_partial_share: Decimal = Field(default=Decimal("0.75"), gt=0, le=1)
    near_tie: Literal["rank_order", "lottery"] = "rank_order"
    region_floors: dict[str, Decimal] = Field(default_factory=dict)
    payment_plan: PaymentPlanSpec = Field(default_factory=PaymentPlanSpec)


class RoundPolicySpec(_Strict):
    """A policy file for one award round: any ``[award]`` setting, stream envelopes, method and seed."""

    fundable_line: float | None = Field(default=None, ge=0, le=5)
    max_per_organization: Decimal | None = Field(default=None, gt=0)
    partial_funding: bool | None = None
    min_partial_share: Decimal | None = Field(default=None, gt=0, le=1)
    near_tie: Literal["rank_order", "lottery"] | None = None
    region_floors: dict[str, Decimal] | None = None
    envelopes: dict[str, Decimal] | None = None  # stream code -> dollars
    method: Literal["rank_order", "optimal"] | None = None
    seed: int | None = Field(default=None, ge=0)


def load_round_policy(path: Path) -> RoundPolicySpec:
    """Read and validate a round's policy file (TOML); problems are one line naming the field."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise UnreadableFile(
            en=f"{path}: cannot be read ({exc.strerror})", fr=f"{path} : lecture impossible ({exc.strerror})"
        ) from None
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise InvalidInput(
            en=f"{path.name}: invalid TOML: {exc}", fr=f"{path.name} : TOML non valide : {exc}"
        ) from None
    try:
        return RoundPolicySpec.model_validate(data.get("award", data))
    except ValidationError as exc:
        err = exc.errors()[0]
        where = _location(tuple(err["loc"])) or "(file)"
        msg_en = str(err["msg"]).removeprefix("Value error, ")
        raise InvalidInput(
            en=f"{path.name}: {where}: {msg_en}",
            fr=f"{path.name} : {where} : {_FR_MESSAGES.get(err['type'], msg_en)}",
            field=where,
        ) from None


class CallSpec(_Strict):
    code: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$", max_length=64)
    reference_prefix: str = Field(pattern=r"^[A-Z0-9][A-Z0-9-]*$", max_length=24)
    title_fr: str = Field(min_length=1)
    title_en: str = Field(min_length=1)
    timezone: str = "America/Toronto"
    opens_at: dt.datetime
    closes_at: dt.datetime
    regions: list[RegionSpec] = Field(min_length=1)
    streams: list[StreamSpec] = Field(min_length=1)
    eligibility: EligibilitySpec
    rubric: list[CriterionSpec] = Field(min_length=1)
    review: ReviewSpec
    award: AwardSpec = Field(default_factory=AwardSpec)

    @field_validator("timezone")
    @classmethod
    def _zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise SpecProblem(en=f"unknown time zone {value!r}", fr=f"fuseau horaire inconnu {value!r}") from None
        return value

    @model_validator(mode="after")
    def _coherent(self) -> CallSpec:
        zone = ZoneInfo(self.timezone)
        for name in ("opens_at", "closes_at"):
            object.__setattr__(self, name, _aware(getattr(self, name), zone))
        object.__setattr__(self.review, "deadline", _aware(self.review.deadline, zone))
        if self.closes_at <= self.opens_at:
            raise SpecProblem(
                en="closes_at must come after opens_at",
                fr="closes_at doit être postérieur à opens_at",
                field="closes_at",
            )
        if self.review.deadline <= self.closes_at:
            raise SpecProblem(
                en="review.deadline must come after closes_at",
                fr="review.deadline doit être postérieur à closes_at",
                field="review.deadline",
            )
        for field, codes in (
            ("regions", [r.code for r in self.regions]),
            ("streams", [s.code for s in self.streams]),
            ("rubric", [c.code for c in self.rubric]),
        ):
            dupes = sorted({c for c in codes if codes.count(c) > 1})
            if dupes:
                raise SpecProblem(
                    en=f"code {dupes[0]!r} appears twice",
                    fr=f"le code {dupes[0]!r} figure deux fois",
                    field=field,
                )
        regions = {r.code for r in self.regions}
        for region in self.award.region_floors:
            if region not in regions:
                raise SpecProblem(
                    en=f"unknown region {region!r}",
                    fr=f"région inconnue {region!r}",
                    field=f"award.region_floors.{region}",
                )
        return self

    # -- helpers used across the engine ---------------------------------------

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def stream(self, code: str) -> StreamSpec | None:
        return next((s for s in self.streams if s.code == code), None)

    @property
    def region_codes(self) -> frozenset[str]:
        return frozenset(r.code for r in self.regions)

    def canonical_json(self) -> dict[str, Any]:
        return json.loads(self.model_dump_json())

    def content_hash(self) -> str:
        blob = json.dumps(self.canonical_json(), sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(blob.encode()).hexdigest()


def _aware(value: dt.datetime, zone: ZoneInfo) -> dt.datetime:
    return value.replace(tzinfo=zone) if value.tzinfo is None else value


_FR_MESSAGES = {
    "missing": "champ obligatoire manquant",
    "extra_forbidden": "champ inconnu",
    "string_type": "doit être du texte",
    "int_type": "doit être un nombre entier",
    "int_parsing": "doit être un nombre entier",
    "decimal_parsing": "doit être un montant",
    "decimal_type": "doit être un montant",
    "bool_type": "doit être true ou false",
    "bool_parsing": "doit être true ou false",
    "datetime_type": "doit être une date et une heure",
    "datetime_parsing": "doit être une date et une heure",
    "greater_than": "valeur trop petite",
    "greater_than_equal": "valeur trop petite",
    "less_than_equal": "valeur trop grande",
    "string_pattern_mismatch": "format non valide",
    "too_short": "ne doit pas être vide",
    "literal_error": "valeur non permise",
}


def _location(loc: tuple[int | str, ...]) -> str:
    out = ""
    for part in loc:
        out += f"[{part + 1}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def parse_call_spec(data: dict[str, Any], *, source: str = "call file") -> CallSpec:
    """Validate a decoded call file; the first problem is a one-line error naming the field."""
    try:
        return CallSpec.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        where = _location(tuple(err["loc"]))
        problem = (err.get("ctx") or {}).get("error")
        if isinstance(problem, SpecProblem):
            where = ".".join(p for p in (where, problem.field) if p)
            msg_en, msg_fr = problem.en, problem.fr
        else:
            msg_en = str(err["msg"]).removeprefix("Value error, ")
            msg_fr = _FR_MESSAGES.get(err["type"], msg_en)
        where = where or "(file)"
        raise InvalidInput(
            en=f"{source}: {where}: {msg_en}",
            fr=f"{source} : {where} : {msg_fr}",
            field=where,
        ) from None


def parse_call_text(text: str, *, source: str = "call file") -> CallSpec:
    """Validate a call file given as TOML text."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise InvalidInput(
            en=f"{source}: invalid TOML: {exc}", fr=f"{source} : TOML non valide : {exc}", field="toml"
        ) from None
    return parse_call_spec(data, source=source)


def load_call_spec(path: Path) -> CallSpec:
    """Read and validate a call TOML file."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise UnreadableFile(
            en=f"{path}: cannot be read ({exc.strerror})",
            fr=f"{path} : lecture impossible ({exc.strerror})",
        ) from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise UnreadableFile(en=f"{path}: not UTF-8 text", fr=f"{path} : le texte n'est pas en UTF-8") from None
    return parse_call_text(text, source=path.name)


def to_cents(amount: Decimal) -> int:
    return int((amount * 100).to_integral_exact())
