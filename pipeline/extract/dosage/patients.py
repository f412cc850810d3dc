"""Who a rule is for beyond the population: stated ages and body weights."""

from __future__ import annotations

import re

from pipeline.contract.vocabularies import Population
from pipeline.extract.populations import population_of


def ages_of(text: str) -> tuple[float | None, float | None]:
    m = re.search(r"\b(?:ages?|aged)\s*(\d+)\s*(?:-|–|to)\s*(\d+)", text, re.I) or re.search(
        r"\b(\d+)\s*(?:-|–|to)\s*(\d+)\s*years", text, re.I
    )
    if m:
        return float(m.group(1)), float(m.group(2))
    m = re.search(r"\b(\d+)\s*years?(?: of age)? (?:and|or) (?:older|over|above)\b", text, re.I)
    if m:
        return float(m.group(1)), None
    m = re.search(r"\b(?:under|younger than|below|less than)\s*(\d+)\s*years?\b", text, re.I)
    if m:
        return None, float(m.group(1))
    m = re.search(
        r"\b(\d+)\s*months?\s*(?:of age\s*)?(?:to|-|–)\s*(?:under\s*)?(\d+)\s*years?\b", text, re.I
    )
    if m:
        return round(float(m.group(1)) / 12, 3), float(m.group(2))
    return None, None


def weights_of(text: str) -> tuple[float | None, float | None]:
    m = re.search(r"\bweigh(?:ing|s)?\s*(\d+)\s*kg\s*(?:or more|and over|or above)", text, re.I)
    if m:
        return float(m.group(1)), None
    m = re.search(r"\bweigh(?:ing|s)?\s*(?:less than|under|below)\s*(\d+)\s*kg", text, re.I)
    if m:
        return None, float(m.group(1))
    return None, None


_EVERYONE = re.compile(
    r"\b(?:adults?|adolescents?)(?:,\s*\w+)?\s+(?:and|&)\s+(?:children|child|paediatric|pediatric)\b"
    r"|\b(?:children|child)\s+(?:and|&)\s+adults?\b",
    re.I,
)
_UPPER = re.compile(r"\b(?:younger than|under|below|less than)\b", re.I)


def population_in(text: str) -> str | None:
    """The population a dosage text names: ``all`` where it names adults and children alike
    ("for adults and children aged 10 years and older" restricts nothing), else as
    :func:`population_of`."""
    if (
        _EVERYONE.search(text)
        and not _UPPER.search(text)
        and not re.search(r"\b(?:older adults|elderly)\b", text, re.I)
    ):
        return Population.ALL
    return population_of(text)
