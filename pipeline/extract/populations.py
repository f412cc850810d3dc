"""Which population a piece of text restricts itself to: adult, pediatric or geriatric.

Shared by indications and dosage rules so that "children 6 to 12 years",
"older adults" and "adults and children" mean the same thing everywhere.
"""

from __future__ import annotations

import re
from functools import lru_cache

from pipeline.contract.vocabularies import Population

_GERIATRIC = re.compile(
    r"\b(older adults?|elderly|geriatric|older people|older patients|aged 65|65 years (?:and|or) older"
    # an age, said to be one: "people over 75", "over 70 years" (not "CrCl above 80")
    r"|(?:people|patients|adults|those|aged|age)\s+(?:over|above|older than)\s+(?:6[5-9]|[7-9]\d)"
    r"|(?:over|above|older than)\s+(?:6[5-9]|[7-9]\d)\s+years)\b",
    re.IGNORECASE,
)
_PEDIATRIC = re.compile(
    r"\b(child|children|paediatric|pediatric|adolescents?|infants?|neonates?|newborns?|kids|juvenile"
    r"|aged \d+ to \d+|\d+ (?:to|-) \d+ years)\b",
    re.IGNORECASE,
)
_ADULT = re.compile(r"\badults?\b", re.IGNORECASE)
_UPPER_AGE = re.compile(r"\b(younger than|under|below|less than)\b", re.IGNORECASE)


@lru_cache(maxsize=65536)
def population_of(text: str) -> str | None:
    """``None`` when the text names no population, or names adults and children alike
    ("adults and children 6 years and older" restricts nothing).

    Kept per text: indications and dosage ask about the same phrases and clauses
    (half the calls repeat one), and each call runs four patterns."""
    if _GERIATRIC.search(text):
        return Population.GERIATRIC
    if _PEDIATRIC.search(text):
        if _ADULT.search(text) and not _UPPER_AGE.search(text):
            return None
        return Population.PEDIATRIC
    if _ADULT.search(text):
        return Population.ADULT
    return None
