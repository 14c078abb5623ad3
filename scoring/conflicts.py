"""Automatic conflict-of-interest detection between a call's reviewers and its applications.

Every rule is a hash join (``pandas.merge``) on a normalized key, so the cost grows with the
number of names and e-mails, never with reviewers x applications. Normalizers are public so
declared ties and the intake can share them.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Final

import pandas as pd

from grants.text import fold

COLUMNS: Final = ["reviewer_id", "application_id", "rule", "reason_en", "reason_fr"]

SAME_ORGANIZATION: Final = "same_organization"
SAME_EMAIL_DOMAIN: Final = "same_email_domain"
NAMED_ON_APPLICATION: Final = "named_on_application"
PARTNER_ORGANIZATION: Final = "partner_organization"

MIN_KEY_LENGTH: Final = 3  # letters and digits in an organization key; shorter keys are too ambiguous

# Domains shared by many unrelated people: webmail, Canadian ISPs, government umbrellas.
# A domain is ignored when it is one of these or a subdomain of one.
SHARED_EMAIL_DOMAINS: Final = frozenset(
    {
        # webmail
        "gmail.com", "googlemail.com", "outlook.com", "outlook.fr", "hotmail.com", "hotmail.ca", "hotmail.fr",
        "live.com", "live.ca", "live.fr", "msn.com", "yahoo.com", "yahoo.ca", "yahoo.fr", "ymail.com",
        "rocketmail.com", "icloud.com", "me.com", "mac.com", "aol.com", "protonmail.com", "protonmail.ch",
        "proton.me", "pm.me", "gmx.com", "gmx.net", "mail.com", "zoho.com", "fastmail.com", "hey.com",
        "tutanota.com", "yandex.com", "qq.com",
        # Canadian ISPs
        "videotron.ca", "videotron.qc.ca", "globetrotter.net", "sympatico.ca", "bell.net", "bellnet.ca",
        "rogers.com", "shaw.ca", "telus.net", "cogeco.ca", "cogeco.net", "eastlink.ca", "sasktel.net", "mts.net",
        "tbaytel.net", "execulink.com", "xplornet.com", "xplornet.ca", "teksavvy.com", "distributel.ca",
        "start.ca", "primus.ca", "vianet.ca", "nexicom.net", "persona.ca",
        # government and umbrella domains
        "ontario.ca", "gov.on.ca", "gc.ca", "canada.ca", "gouv.qc.ca", "quebec.ca",
    }
)  # fmt: skip

# Second-level labels under .ca (provinces, territories, federal government): "x.centre.on.ca" -> "centre.on.ca".
_CA_SECOND_LEVEL: Final = frozenset(
    {"ab", "bc", "mb", "nb", "nf", "nl", "ns", "nt", "nu", "on", "pe", "qc", "sk", "yk", "yt", "gc"}
)

# Organization names --------------------------------------------------------------------------

# Alias separators of bilingual names: "A / B", "A | B", "A – B", "A - B", "A (B)".
_ALIAS_SPLIT = re.compile(r"\s+[/–—-]\s+|\s*\|\s*|[()\[\]]")
_APOSTROPHES = re.compile(r"[’‘ʼ`´']")
_POSSESSIVE = re.compile(r"(?<=\w)[’‘ʼ`´']s\b")
_NON_WORD = re.compile(r"[\W_]+")
_LEADING_ARTICLES: Final = frozenset({"the", "le", "la", "les", "l"})
_LEGAL_SUFFIXES: Final = frozenset(
    {"inc", "incorporated", "incorporee", "ltd", "limited", "ltee", "limitee", "corp", "corporation", "llc",
     "co", "llp", "lp", "ulc"}
)  # fmt: skip
_CONNECTIVES: Final = frozenset({"and", "et"})
_ALIAS_PREFIXES: Final = (
    ("also", "known", "as"), ("doing", "business", "as"), ("operating", "as"), ("formerly",), ("anciennement",),
    ("aka",), ("dba",),
)  # fmt: skip
# Placeholders people type when they have no affiliation; they must never match each other.
_NO_ORGANIZATION: Final = frozenset(
    {"none", "nil", "null", "n a", "s o", "not applicable", "sans objet", "aucun", "aucune", "independent",
     "independant", "independante", "self employed", "retired", "retraite", "retraitee", "consultant", "consultante",
     "unaffiliated", "travailleur autonome", "travailleuse autonome", "autonome", "unknown", "inconnu", "other",
     "autre"}
)  # fmt: skip

# A segment after a dash or in parentheses is often a branch's place ("Centre X - Ottawa"), not a name of
# the organization; such a segment alone must not make "Food Bank - Ottawa" match "Youth Centre - Ottawa".
_PLACE_SEGMENTS: Final = frozenset(
    {"canada", "ontario", "quebec", "manitoba", "saskatchewan", "alberta", "british columbia",
     "colombie britannique", "nova scotia", "nouvelle ecosse", "new brunswick", "nouveau brunswick",
     "prince edward island", "ile du prince edouard", "newfoundland and labrador", "terre neuve et labrador",
     "yukon", "northwest territories", "territoires du nord ouest", "nunavut",
     "north", "south", "east", "west", "nord", "sud", "est", "ouest", "central", "centre", "northern", "southern",
     "eastern", "western", "northeastern", "northwestern", "southwestern", "southeastern", "national", "provincial",
     "regional", "head office", "siege social", "national office", "bureau national", "branch", "chapter",
     "ontario region", "region de l ontario", "gta", "greater toronto area", "ncr", "national capital region",
     "region de la capitale nationale", "northern ontario", "nord de l ontario", "eastern ontario", "est de l ontario",
     "southwestern ontario", "sud ouest de l ontario", "toronto", "ottawa", "mississauga", "brampton", "hamilton",
     "london", "markham", "vaughan", "kitchener", "windsor", "richmond hill", "oakville", "burlington",
     "greater sudbury", "sudbury", "grand sudbury", "oshawa", "barrie", "st catharines", "cambridge", "kingston",
     "guelph", "whitby", "thunder bay", "waterloo", "brantford", "pickering", "niagara falls", "peterborough",
     "sault ste marie", "sarnia", "norfolk", "welland", "belleville", "north bay", "cornwall", "timmins",
     "chatham kent", "orillia", "stratford", "kenora", "pembroke", "owen sound", "woodstock", "brockville",
     "hawkesbury", "kapuskasing", "hearst", "elliot lake", "york region", "region of york", "peel", "peel region",
     "region of peel", "durham", "durham region", "halton", "halton region", "niagara", "niagara region",
     "waterloo region", "region of waterloo", "simcoe", "simcoe county", "muskoka", "prescott russell",
     "prescott et russell", "stormont dundas and glengarry", "renfrew county", "algoma", "nipissing", "cochrane",
     "timiskaming", "manitoulin", "parry sound", "rainy river", "kenora district", "grey bruce", "huron perth",
     "essex", "essex county", "lambton", "middlesex", "elgin", "oxford", "haldimand", "northumberland",
     "hastings", "lennox and addington", "frontenac", "leeds and grenville", "lanark", "haliburton",
     "kawartha lakes", "dufferin", "wellington", "montreal", "gatineau", "vancouver", "calgary", "edmonton",
     "winnipeg", "halifax"}
)  # fmt: skip


def _fold(text: str) -> str:
    # Most names are plain ASCII; skipping Unicode decomposition for them halves the run time.
    return text.lower() if text.isascii() else fold(text)


def _org_tokens(folded: str) -> list[str]:
    text = _APOSTROPHES.sub(" ", _POSSESSIVE.sub("s", folded).replace("&", " and "))
    tokens = [t for t in _NON_WORD.sub(" ", text).split() if t not in _CONNECTIVES]
    for prefix in _ALIAS_PREFIXES:
        if tuple(tokens[: len(prefix)]) == prefix:
            tokens = tokens[len(prefix) :]
            break
    if tokens and tokens[0] in _LEADING_ARTICLES:
        tokens = tokens[1:]
    while tokens and tokens[-1] in _LEGAL_SUFFIXES:
        tokens.pop()
    return tokens


def organization_keys(name: str) -> tuple[str, ...]:
    """Comparable keys for an organization: the whole name and each alias of a bilingual name, sorted.

    ``Havre sûr (Safe Harbour) Inc.`` -> ``('havre sur', 'havre sur safe harbour', 'safe harbour')``.
    """
    if not isinstance(name, str):
        return ()
    folded = _fold(name)
    aliases = {" ".join(_org_tokens(part)) for part in _ALIAS_SPLIT.split(folded)} - _PLACE_SEGMENTS
    keys = aliases | {" ".join(_org_tokens(folded))}
    return tuple(sorted(k for k in keys if len(k.replace(" ", "")) >= MIN_KEY_LENGTH and k not in _NO_ORGANIZATION))


# Person names --------------------------------------------------------------------------------

_TITLES: Final = frozenset(
    {"dr", "dre", "doctor", "docteur", "docteure", "mr", "mrs", "ms", "mx", "miss", "mister", "m", "mme", "mlle",
     "madame", "mademoiselle", "monsieur", "prof", "professor", "professeur", "professeure", "rev", "reverend",
     "hon", "honourable", "honorable", "sir", "chief", "elder"}
)  # fmt: skip
_POST_NOMINALS: Final = frozenset(
    {"jr", "sr", "ii", "iii", "iv", "phd", "md", "msw", "rsw", "cpa", "ca", "cga", "cma", "mba", "ma", "ba", "bsc",
     "msc", "llb", "jd", "pmp", "peng", "p", "eng", "rn", "cfre", "fcpa", "qc", "kc", "ll", "b", "m", "d", "s",
     "c", "a", "ph", "o", "ont", "cm", "oc", "om", "edd", "fils", "pere"}
)  # fmt: skip
_PARENTHESES = re.compile(r"\([^)]*\)|\[[^\]]*\]")


def _person_tokens(text: str) -> list[str]:
    text = _APOSTROPHES.sub("", _fold(_PARENTHESES.sub(" ", text)))
    return _NON_WORD.sub(" ", text).split()


def person_key(name: str) -> str:
    """A comparable key for a person: ``Dr. Marie-Claude Tremblay`` -> ``marie claude tremblay``.

    Titles, middle initials and post-nominals after a comma go; ``Tremblay, Marie-Claude`` is reordered.
    A name of fewer than two words gives ``""`` (a first name or a surname alone is not a person).
    """
    if not isinstance(name, str):
        return ""
    head, *rest = name.split(",")
    tokens = _person_tokens(head)
    tail = [t for part in rest for t in _person_tokens(part)]
    if tail and not all(t in _POST_NOMINALS for t in tail):
        tokens = tail + tokens  # "Surname, Given names"
    while tokens and tokens[0] in _TITLES:
        tokens = tokens[1:]
    tokens = [t for t in tokens if len(t) > 1]  # initials are written inconsistently
    return " ".join(tokens) if len(tokens) >= 2 else ""


# E-mail domains ------------------------------------------------------------------------------


def email_domain(email: str, *, shared: Iterable[str] = SHARED_EMAIL_DOMAINS) -> str:
    """The registrable domain of an e-mail address, or ``""`` if absent or shared by unrelated people.

    ``j.doe@ottawa.safeharbour.ca`` -> ``safeharbour.ca``; ``x@mail.centre.on.ca`` -> ``centre.on.ca``.
    """
    if not isinstance(email, str) or "@" not in email:
        return ""
    domain = email.rsplit("@", 1)[1].strip().strip("<>").rstrip(".").casefold()
    labels = domain.split(".")
    if len(labels) < 2 or not all(labels):
        return ""
    shared_set = shared if isinstance(shared, frozenset | set) else frozenset(shared)
    if any(".".join(labels[i:]) in shared_set for i in range(len(labels) - 1)):
        return ""
    size = 3 if labels[-1] == "ca" and labels[-2] in _CA_SECOND_LEVEL else 2
    return ".".join(labels[-size:]) if len(labels) >= size else ""


# Inputs --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReviewerRecord:
    """One reviewer as conflict detection sees them."""

    reviewer_id: int
    name: str
    email: str
    affiliation: str


@dataclass(frozen=True)
class ApplicationRecord:
    """One application as conflict detection sees it."""

    application_id: int
    organization_name: str
    contact_email: str
    board_members: Sequence[str] = ()
    key_staff: Sequence[str] = ()
    partner_organizations: Sequence[str] = ()


Reviewers = Sequence[ReviewerRecord] | pd.DataFrame
Applications = Sequence[ApplicationRecord] | pd.DataFrame

_REVIEWER_COLUMNS: Final = ["reviewer_id", "name", "email", "affiliation"]
_APPLICATION_COLUMNS: Final = ["application_id", "organization_name", "contact_email"]
_LIST_COLUMNS: Final = ["board_members", "key_staff", "partner_organizations"]


def _reviewer_frame(reviewers: Reviewers) -> pd.DataFrame:
    if isinstance(reviewers, pd.DataFrame):
        frame = reviewers[_REVIEWER_COLUMNS].copy()
    else:
        frame = pd.DataFrame(
            [(r.reviewer_id, r.name, r.email, r.affiliation) for r in reviewers], columns=_REVIEWER_COLUMNS
        )
    return frame.astype({"reviewer_id": "int64"})


def _as_list(cell: object) -> list[object]:
    if isinstance(cell, str):
        return [cell]
    return list(cell) if isinstance(cell, Iterable) else []


def _application_frames(applications: Applications) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(one row per application, one row per listed board member, staff member or partner)."""
    if isinstance(applications, pd.DataFrame):
        apps = applications[_APPLICATION_COLUMNS].copy()
        listed = (
            applications[["application_id", *_LIST_COLUMNS]]
            .melt(id_vars="application_id", var_name="role", value_name="listed")
            .assign(listed=lambda f: f["listed"].map(_as_list))
            .explode("listed")
            .dropna(subset=["listed"])
        )
    else:
        apps = pd.DataFrame(
            [(a.application_id, a.organization_name, a.contact_email) for a in applications],
            columns=_APPLICATION_COLUMNS,
        )
        listed = pd.DataFrame(
            [
                (a.application_id, role, entry)
                for a in applications
                for role in _LIST_COLUMNS
                for entry in getattr(a, role)
            ],
            columns=["application_id", "role", "listed"],
        )
    # Position keeps the first listing of a person or partner when one appears twice.
    listed = listed.reset_index(drop=True).rename_axis("position").reset_index()
    return apps.astype({"application_id": "int64"}), listed.astype({"application_id": "int64"})


def _keyed(frame: pd.DataFrame, column: str, keyer: Callable[[str], str | tuple[str, ...]]) -> pd.DataFrame:
    """``frame`` with a ``key`` column (one row per key when ``keyer`` gives several), keyless rows dropped."""
    values = frame[column]
    mapping = {value: keyer(value) for value in pd.unique(values)}  # each distinct string normalized once
    keyed = frame.assign(key=values.map(mapping)).explode("key")
    keyed = keyed[keyed["key"].notna()].astype({"key": "str"})  # "str" even when nothing is left
    return keyed[keyed["key"] != ""]


def _empty() -> pd.DataFrame:
    return _typed(pd.DataFrame({column: [] for column in COLUMNS}))


def _typed(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.astype(
        {"reviewer_id": "int64", "application_id": "int64", "rule": "str", "reason_en": "str", "reason_fr": "str"}
    )


# Rules ---------------------------------------------------------------------------------------


def _same_organization(reviewer_orgs: pd.DataFrame, apps: pd.DataFrame) -> pd.DataFrame:
    app_orgs = _keyed(apps, "organization_name", organization_keys)
    pairs = reviewer_orgs.merge(app_orgs, on="key").drop_duplicates(["reviewer_id", "application_id"])
    return pairs.assign(
        rule=SAME_ORGANIZATION,
        reason_en="Reviewer's affiliation (" + pairs["affiliation"] + ") is the applicant organization ("
        + pairs["organization_name"] + ")",
        reason_fr="L'organisme d'attache de l'évaluateur (" + pairs["affiliation"] + ") est l'organisme demandeur ("
        + pairs["organization_name"] + ")",
    )  # fmt: skip


def _partner_organization(reviewer_orgs: pd.DataFrame, listed: pd.DataFrame) -> pd.DataFrame:
    partners = _keyed(listed[listed["role"] == "partner_organizations"], "listed", organization_keys)
    pairs = (
        reviewer_orgs.merge(partners, on="key")
        .sort_values("position", kind="stable")
        .drop_duplicates(["reviewer_id", "application_id"])
    )
    return pairs.assign(
        rule=PARTNER_ORGANIZATION,
        reason_en="Reviewer's affiliation (" + pairs["affiliation"]
        + ") is a partner organization of the project (listed as " + pairs["listed"] + ")",
        reason_fr="L'organisme d'attache de l'évaluateur (" + pairs["affiliation"]
        + ") est un organisme partenaire du projet (nom inscrit : " + pairs["listed"] + ")",
    )  # fmt: skip


def _same_email_domain(reviewers: pd.DataFrame, apps: pd.DataFrame, shared: frozenset[str]) -> pd.DataFrame:
    def domain(email: str) -> str:
        return email_domain(email, shared=shared)

    pairs = _keyed(reviewers, "email", domain).merge(_keyed(apps, "contact_email", domain), on="key")
    pairs = pairs.drop_duplicates(["reviewer_id", "application_id"])
    return pairs.assign(
        rule=SAME_EMAIL_DOMAIN,
        reason_en="Same e-mail domain (" + pairs["key"] + ")",
        reason_fr="Même domaine de courriel (" + pairs["key"] + ")",
    )


_ROLE_EN: Final = {
    "board_members": "Reviewer is on the application's board of directors",
    "key_staff": "Reviewer is on the application's key staff",
}
_ROLE_FR: Final = {
    "board_members": "L'évaluateur siège au conseil d'administration de l'organisme demandeur",
    "key_staff": "L'évaluateur fait partie du personnel clé de l'organisme demandeur",
}


def _named_on_application(reviewers: pd.DataFrame, listed: pd.DataFrame) -> pd.DataFrame:
    people = _keyed(listed[listed["role"].isin(list(_ROLE_EN))], "listed", person_key)
    pairs = (
        _keyed(reviewers, "name", person_key)
        .merge(people, on="key")
        .sort_values("position", kind="stable")  # board members are listed before key staff
        .drop_duplicates(["reviewer_id", "application_id", "role"])
    )
    pairs = pairs.assign(
        reason_en=pairs["role"].map(_ROLE_EN) + " (listed as " + pairs["listed"] + ")",
        reason_fr=pairs["role"].map(_ROLE_FR) + " (nom inscrit : " + pairs["listed"] + ")",
    )
    # A reviewer both on the board and on staff gets one row that gives both reasons.
    both = pairs.duplicated(["reviewer_id", "application_id"], keep=False)
    if both.any():
        joined = pairs[both].groupby(["reviewer_id", "application_id"], as_index=False)[["reason_en", "reason_fr"]]
        pairs = pd.concat([pairs[~both], joined.agg("; ".join)], ignore_index=True)
    return pairs.assign(rule=NAMED_ON_APPLICATION)


def detect_conflicts(
    reviewers: Reviewers,
    applications: Applications,
    *,
    shared_email_domains: Iterable[str] = SHARED_EMAIL_DOMAINS,
) -> pd.DataFrame:
    """One row per (reviewer_id, application_id, rule) with bilingual reasons, sorted by those three columns.

    Inputs are records or DataFrames with the records' field names as columns.
    """
    reviewer_frame = _reviewer_frame(reviewers)
    apps, listed = _application_frames(applications)
    if reviewer_frame.empty or apps.empty:
        return _empty()
    reviewer_orgs = _keyed(reviewer_frame, "affiliation", organization_keys)
    found = [
        _same_organization(reviewer_orgs, apps),
        _same_email_domain(reviewer_frame, apps, frozenset(d.casefold() for d in shared_email_domains)),
        _named_on_application(reviewer_frame, listed),
        _partner_organization(reviewer_orgs, listed),
    ]
    found = [frame[COLUMNS] for frame in found if not frame.empty]
    if not found:
        return _empty()
    result = pd.concat(found, ignore_index=True)
    result = result.sort_values(["reviewer_id", "application_id", "rule"], kind="stable", ignore_index=True)
    return _typed(result)
