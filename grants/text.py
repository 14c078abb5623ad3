"""Text normalization shared by intake and conflict detection."""

from __future__ import annotations

import re
import unicodedata

_LEGAL_SUFFIXES = re.compile(
    r"\b(inc|incorporated|incorporee|ltd|limited|ltee|limitee|corp|corporation|co|llc|"
    r"association|assn|society|societe|the|le|la|les|l|of|de|du|des|d)\b"
)
_NON_WORD = re.compile(r"[\W_]+")
_LIGATURES = str.maketrans({"œ": "oe", "Œ": "oe", "æ": "ae", "Æ": "ae", "ß": "ss"})


def fold(text: str) -> str:
    """Lower case without accents: ``Côté`` -> ``cote``."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_LIGATURES))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def normalize_org_name(name: str) -> str:
    """A comparable key for an organization's name: ``Centre X Inc.`` and ``centre x`` agree."""
    words = _NON_WORD.sub(" ", fold(name))
    return " ".join(_LEGAL_SUFFIXES.sub(" ", words).split())
