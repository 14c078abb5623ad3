"""How well each reviewer fits each application: expertise, region knowledge, language.

Pure and vectorized: applications and reviewers become 0/1 matrices over the expertise
tags and the regions, and the affinity of every pair comes from two matrix products.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np

from grants.reviewers import EXPERTISE
from grants.text import fold

TAGS: tuple[str, ...] = tuple(EXPERTISE)
WEIGHTS = {"expertise": 0.6, "region": 0.3, "language": 0.1}
# The expertise overlap counts at most this many shared tags as a perfect fit.
FULL_OVERLAP = 2

# Words (folded: lower case, no accents) that show an application's subject, French and English.
KEYWORDS: dict[str, tuple[str, ...]] = {
    "survivor_services": ("survivor", "survivant", "victim", "victime", "navigation", "accompagnement", "support",
                          "soutien", "case management", "gestion de cas"),
    "youth": ("youth", "jeune", "adolescent", "teen", "girls", "filles", "student", "eleve", "school", "ecole"),
    "housing": ("housing", "logement", "shelter", "hebergement", "transitional", "transition", "maison", "home"),
    "legal": ("legal", "juridique", "court", "tribunal", "justice", "law", "droit", "police"),
    "health": ("health", "sante", "mental", "trauma", "clinic", "clinique", "addiction", "dependance", "wellness",
               "mieux-etre"),
    "indigenous_healing": ("indigenous", "autochtone", "first nation", "premieres nations", "metis", "inuit",
                           "friendship centre", "centre d'amitie", "land-based", "traditional", "traditionnel",
                           "elder", "aine", "ceremony", "ceremonie", "anishinaabe", "cree", "oji-cree"),
    "labour_trafficking": ("labour", "labor", "travail", "migrant", "worker", "travailleur", "farm", "agricole",
                           "temporary foreign", "etranger temporaire"),
    "training": ("training", "formation", "front-line", "frontline", "premiere ligne", "workshop", "atelier",
                 "curriculum", "toolkit", "outils"),
    "evaluation": ("evaluation", "research", "recherche", "data", "donnees", "indicator", "indicateur",
                   "measurement", "mesure"),
    "awareness": ("awareness", "sensibilisation", "campaign", "campagne", "prevention", "outreach", "education",
                  "public", "signs", "signes"),
}  # fmt: skip
POPULATION_TAGS: dict[str, str] = {
    "youth": "youth",
    "youth_in_care": "youth",
    "girls": "youth",
    "indigenous_youth": "indigenous_healing",
    "indigenous_women_and_girls": "indigenous_healing",
    "migrant_workers": "labour_trafficking",
    "newcomers": "labour_trafficking",
}
_PATTERNS = {tag: re.compile(r"\b(" + "|".join(re.escape(w) for w in words) + r")") for tag, words in KEYWORDS.items()}


def application_tags(title: str, summary: str, populations: Sequence[str]) -> set[str]:
    """The expertise an application calls for, read from its text and the populations it serves."""
    text = fold(f"{title} {summary}")
    tags = {tag for tag, pattern in _PATTERNS.items() if pattern.search(text)}
    tags.update(POPULATION_TAGS[p] for p in (fold(p).strip() for p in populations) if p in POPULATION_TAGS)
    return tags


def _indicator(items: Sequence[Sequence[str]], vocabulary: Sequence[str]) -> np.ndarray:
    index = {v: i for i, v in enumerate(vocabulary)}
    matrix = np.zeros((len(items), len(vocabulary)), dtype=np.float32)
    for row, values in enumerate(items):
        for value in values:
            column = index.get(value)
            if column is not None:
                matrix[row, column] = 1.0
    return matrix


def affinity_matrix(
    app_tags: Sequence[Sequence[str]],
    app_regions: Sequence[Sequence[str]],
    reviewer_expertise: Sequence[Sequence[str]],
    reviewer_regions: Sequence[Sequence[str]],
    regions: Sequence[str],
) -> np.ndarray:
    """Affinity in [0, 1] of every (application, reviewer) pair.

    0.6 x shared expertise (two shared tags or more is a full match) + 0.3 if the
    reviewer knows a region the project serves + 0.1 for reading the application's
    language (pairs that cannot read it are excluded separately, by ``language_mask``).
    """
    a = _indicator(app_tags, TAGS)
    r = _indicator(reviewer_expertise, TAGS)
    overlap = np.minimum(a @ r.T, FULL_OVERLAP) / FULL_OVERLAP
    knows_region = (_indicator(app_regions, regions) @ _indicator(reviewer_regions, regions).T) > 0
    affinity = WEIGHTS["expertise"] * overlap + WEIGHTS["region"] * knows_region + WEIGHTS["language"]
    return np.round(affinity.astype(np.float64), 6)


def language_mask(app_languages: Sequence[str], reviewer_languages: Sequence[Sequence[str]]) -> np.ndarray:
    """True where the reviewer reads the application's language."""
    reads = _indicator(reviewer_languages, ("fr", "en")) > 0
    wants = np.array([0 if lang == "fr" else 1 for lang in app_languages], dtype=np.intp)
    return reads[:, wants].T if len(app_languages) else np.zeros((0, len(reviewer_languages)), dtype=bool)
