"""Semantic tagging of a dosage sentence (MedEx-style): text -> typed tags.

Each tagger is a small pure function that finds one kind of tag with its
span and typed value; ``tag_sentence`` runs them all and resolves overlaps
(a form's strength is not a dose: its amount tag is dropped).  The rule
builder reads the tag sequence instead of re-matching words, so the
grammar of a dosage sentence lives in one place:

- AMOUNT: a number or range with a unit (``10 mg``, ``25 mg/kg/day``)
- STRENGTH: the strength of a dosage form (``available as 250 mg tablets``)
- FREQUENCY: doses a day (``twice daily`` 2, ``every 4 to 6 hours`` None)
- INTERVAL: least days between steps (``after at least one week`` 7)
- DURATION: how long a step lasts (``for 7 days`` 7)
- ROUTE, POPULATION, CONDITION, INDICATION, TRIGGER, NEGATION
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache

from pipeline.contract.vocabularies import Condition
from pipeline.extract.dosage.triggers import find_triggers
from pipeline.extract.populations import population_of
from pipeline.extract.quantities import (
    NUM,
    Amount,
    crcl_bounds,
    duration_days,
    find_amounts,
    find_frequencies,
    interval_days,
)


class TagKind(StrEnum):
    AMOUNT = "AMOUNT"
    STRENGTH = "STRENGTH"
    FREQUENCY = "FREQUENCY"
    INTERVAL = "INTERVAL"
    INCREMENT = "INCREMENT"
    DURATION = "DURATION"
    ROUTE = "ROUTE"
    POPULATION = "POPULATION"
    CONDITION = "CONDITION"
    INDICATION = "INDICATION"
    TRIGGER = "TRIGGER"
    NEGATION = "NEGATION"


@dataclass(frozen=True)
class Tag:
    kind: TagKind
    start: int
    end: int
    text: str
    value: object = None  # Amount, float | None, a vocabulary string, or (low, high)


def _tag(kind: TagKind, text: str, start: int, end: int, value: object = None) -> Tag:
    return Tag(kind, start, end, text[start:end], value)


def tag_amounts(text: str) -> list[Tag]:
    """Amounts with a unit; the value is the :class:`Amount`."""
    return [_tag(TagKind.AMOUNT, text, a.start, a.end, a) for a in find_amounts(text)]


_FORM = (
    r"(?:film-coated |extended-release |modified-release |delayed-release |chewable |dispersible "
    r"|oral |orally disintegrating )?"
    r"(?:tablets?|capsules?|caplets?|solution|suspension|syrup|elixir|liquid|drops|patch(?:es)?"
    r"|sachets?|granules|vials?|ampoules?|pens?|suppositor(?:y|ies)|lozenges?|strengths?"
    r"|(?:prefilled |pre-filled )?syringes?|tubes?|bottles?|cartridges?|inhalers?)"
)
# A list of amounts: "250 mg and 500 mg", "25, 50 and 100 mg".
_AMOUNT_LIST = rf"{NUM}\s*(?:mg|mcg|micrograms?|g|units?|mL)?(?:\s*(?:,|and|or|/)\s*{NUM}\s*(?:mg|mcg|micrograms?|g|units?|mL)?)*"
# "taken as 10 mg tablets", "available as 250 mg and 500 mg tablets", "comes in 5 mg capsules"
_STRENGTH_LIST = re.compile(
    rf"\b(?:as|in|comes?|available|supplied|marketed|of)\s+(?:an?\s+|the\s+)?(?P<list>{_AMOUNT_LIST})\s*{_FORM}\b",
    re.I,
)
# "1 mg/mL", "250 mg/5 mL": a concentration is a strength whatever its place.
_CONCENTRATION = re.compile(
    rf"\b{NUM}\s*(?:mg|mcg|micrograms?|g|units?)\s*(?:/|per|in(?: each)?)\s*{NUM}?\s*mL\b", re.I
)
# "It is supplied as 10 mg and 20 mg tablets and as an oral solution": a clause about what a
# product is supplied as lists strengths, unless it also states a dose.
_SUPPLY = re.compile(r"\b(?:supplied|available|comes? (?:as|in)|marketed|presented as)\b", re.I)
_CLAUSE = re.compile(r"(?:[^;.!?]|[.](?=\d))+")
# "Strengths: 5 mg, 10 mg", "Tablets: 25 mg, 50 mg": a product's list after a label.
_STRENGTH_LABEL = re.compile(
    r"^\s*(?:available\s+)?(?:strengths?|tablets?|capsules?|forms?|oral (?:solution|suspension)|available)\s*:",
    re.I,
)


# "The capsules are modified-release 0.4 mg", "Each tablet contains 5 mg": what a form holds.
_FORM_HOLDS = re.compile(
    rf"\b(?:the |each |one )?{_FORM}\s+(?:are|is|contains?|hold|holds)\s+"
    r"(?:(?:modified|extended|prolonged|delayed|immediate|sustained|controlled)[- ]release\s+)?"
    rf"(?P<list>{_AMOUNT_LIST})",
    re.I,
)


# "(containing 2.5 mcg tiotropium and 2.5 mcg olodaterol)": what one unit holds.
_CONTAINING = re.compile(
    rf"\bcontaining\s+(?P<list>{NUM}\s*(?:mg|mcg|micrograms?|g|units?|IU)\b[^.;()]{{0,80}})", re.I
)


def tag_strengths(text: str) -> list[Tag]:
    """Amounts that name the strength of a dosage form, not a dose to give.

    Kept per text (tags are frozen, the list is fresh): the tagger and the dose filter
    ask for the strengths of the same clause, and six patterns scan it each time."""
    return list(_strengths(text))


@lru_cache(maxsize=65536)
def _strengths(text: str) -> tuple[Tag, ...]:
    spans: list[tuple[int, int]] = []
    for m in _STRENGTH_LIST.finditer(text):
        if re.search(r"\d\s*(?:mg|mcg|micrograms?|g|units?)\b", m.group("list"), re.I):
            spans.append((m.start("list"), m.end()))
    for m in _CONTAINING.finditer(text):
        spans.append((m.start("list"), m.end()))
    for m in _FORM_HOLDS.finditer(text):
        if re.search(r"\d\s*(?:mg|mcg|micrograms?|g|units?)\b", m.group("list"), re.I):
            spans.append((m.start("list"), m.end()))
    for m in _CONCENTRATION.finditer(text):
        spans.append((m.start(), m.end()))
    if _STRENGTH_LABEL.match(text):
        spans.append((0, len(text)))
    for clause in _CLAUSE.finditer(text):
        if _SUPPLY.search(clause.group()) and not find_triggers(clause.group()):
            spans.append((clause.start(), clause.end()))
    return tuple(_tag(TagKind.STRENGTH, text, s, e) for s, e in _merge(spans))


def tag_frequencies(text: str) -> list[Tag]:
    """Schedules; the value is doses a day, None where it gives no one number."""
    return [_tag(TagKind.FREQUENCY, text, s, e, v) for s, e, v in find_frequencies(text)]


_PERIOD = r"(?:days?|weeks?|months?)"
_DURATION = re.compile(
    rf"\bfor (?:the first |a further |another |the next )?(?:at least )?(?:{NUM}(?:\s*(?:to|-|–)\s*{NUM})?|a|one)?\s*{_PERIOD}\b",
    re.I,
)
_INTERVAL = re.compile(
    rf"\bat intervals of (?:at least |no less than |not less than |a minimum of )?{NUM}(?:\s*(?:or more|to {NUM}))?\s*{_PERIOD}"
    rf"|\b(?:after|every|each) (?:at least |a minimum of )?{NUM}(?:\s*(?:to|-|–|or)\s*{NUM})?\s*{_PERIOD}"
    rf"|\bno (?:more often|sooner|more frequently) than (?:once )?(?:every )?(?:{NUM})?\s*(?:a |per )?{_PERIOD}"
    rf"|\b{NUM}(?:\s*(?:to|-|–)\s*{NUM})?\s*-?{_PERIOD}\s+(?:apart|intervals?)"
    rf"|\bafter the first (?:{NUM}\s*)?{_PERIOD}"
    r"|\b(?:once a week|every week|each week|weekly|once a month|monthly|every month|each month)\b",
    re.I,
)


_AMOUNT_TOKEN = rf"{NUM}\s*(?:mg|mcg|micrograms?|g|units?|mL)(?:/kg)?(?:/day)?"
_INCREMENT = re.compile(
    rf"\bin (?:{_AMOUNT_TOKEN})\s+(?:(?:weekly|daily|monthly)\s+)?(?:increments|steps)\b"
    rf"|\b(?:in )?(?:increments|steps) of (?:{_AMOUNT_TOKEN})",
    re.I,
)


def tag_increments(text: str) -> list[Tag]:
    """'in 0.6 mg weekly increments', 'in steps of 5 mg': the size of each titration step."""
    return [_tag(TagKind.INCREMENT, text, m.start(), m.end()) for m in _INCREMENT.finditer(text)]


def tag_durations(text: str) -> list[Tag]:
    """'for 7 days', 'for the first week': how long a step lasts, in days."""
    return [
        _tag(TagKind.DURATION, text, m.start(), m.end(), duration_days(m.group()))
        for m in _DURATION.finditer(text)
    ]


def tag_intervals(text: str) -> list[Tag]:
    """'after at least one week', 'every 2 weeks': least days between steps."""
    return [
        _tag(TagKind.INTERVAL, text, m.start(), m.end(), interval_days(m.group()))
        for m in _INTERVAL.finditer(text)
    ]


ROUTES: list[tuple[str, re.Pattern[str]]] = [
    ("intravenous", re.compile(r"\b(intravenous(?:ly)?|iv infusion|by infusion|i\.v\.)", re.I)),
    ("intramuscular", re.compile(r"\b(intramuscular(?:ly)?|i\.m\.)", re.I)),
    ("subcutaneous", re.compile(r"\b(subcutaneous(?:ly)?|under the skin)", re.I)),
    (
        "oral",
        re.compile(r"\b(orally|by mouth|oral(?! concentrate)|tablets?|capsules?|swallow)", re.I),
    ),
    ("topical", re.compile(r"\b(topical(?:ly)?|apply to the skin)", re.I)),
    ("inhaled", re.compile(r"\b(inhal\w+)", re.I)),
]


def tag_routes(text: str) -> list[Tag]:
    return [
        _tag(TagKind.ROUTE, text, m.start(), m.end(), name)
        for name, pattern in ROUTES
        for m in pattern.finditer(text)
    ]


_POPULATION = re.compile(
    r"\b(?:older adults?|older people|older patients|elderly|geriatric|adults?|children"
    r"|child|paediatric|pediatric|adolescents?|infants?|neonates?|newborns?)"
    r"(?:\s+(?:aged|from|over|under|(?:\d+\s*)?(?:years?|months?))?\s*\d+(?:\s*(?:to|-|–)\s*\d+)?"
    r"(?:\s*(?:years?|months?)(?:\s+(?:of age|and (?:older|over)|or older))?)?)?"
    r"|\b(?:weighing|weigh)\s+(?:less than |under |over |more than |at least )?\d+\s*kg"
    r"(?:\s*(?:or more|and over|or above|or less))?",
    re.I,
)


def tag_populations(text: str) -> list[Tag]:
    """Who a regimen is for; the value is adult, pediatric, geriatric or None (a weight band)."""
    return [
        _tag(TagKind.POPULATION, text, m.start(), m.end(), population_of(m.group()))
        for m in _POPULATION.finditer(text)
    ]


_CONDITIONS: list[tuple[str, re.Pattern[str]]] = [
    (
        Condition.RENAL_IMPAIRMENT,
        re.compile(
            r"\b(?:(?:mild|moderate|severe)\s+)?(?:renal|kidney)\s+(?:impairment|disease|failure|problems?)"
            r"|\b(?:creatinine clearance|crcl|clcr|e?gfr)\b[^.;,]*?\d+(?:\s*(?:-|–|to)\s*\d+)?(?:\s*ml/min(?:/1\.73\s*m2)?)?"
            r"|\b(?:haemo|hemo|peritoneal )?dialysis\b|\besrd\b|\bend[- ]stage renal disease\b",
            re.I,
        ),
    ),
    (
        Condition.HEPATIC_IMPAIRMENT,
        re.compile(
            r"\b(?:(?:mild|moderate|severe)\s+)?(?:hepatic|liver)\s+(?:impairment|disease|failure|problems?)"
            r"|\bchild[- ]pugh(?: class)?(?: [abc])?\b|\bcirrhosis\b",
            re.I,
        ),
    ),
    (
        Condition.DRUG_INTERACTION,
        re.compile(
            r"\b(?:strong |moderate |potent )?(?:cyp\s*\w+\s+)?(?:inhibitors?|inducers?)(?: of cyp\s*\w+)?\b"
            r"|\bmaois?\b|\bmonoamine oxidase inhibitors?\b",
            re.I,
        ),
    ),
]


def tag_conditions(text: str) -> list[Tag]:
    """Renal, hepatic and interaction conditions; a renal tag's value is (condition, crcl band)."""
    out: list[Tag] = []
    for condition, pattern in _CONDITIONS:
        for m in pattern.finditer(text):
            value: object = condition
            if condition == Condition.RENAL_IMPAIRMENT:
                value = (condition, crcl_bounds(m.group()))
            out.append(_tag(TagKind.CONDITION, text, m.start(), m.end(), value))
    return out


def tag_indications(text: str, indications: Iterable[str]) -> list[Tag]:
    """'for X' or a label naming one of the page's conditions; the value is its name."""
    out: list[Tag] = []
    for name in sorted(set(indications), key=len, reverse=True):
        for m in re.finditer(rf"\b{re.escape(name)}\b", text, re.I):
            if not any(t.start <= m.start() < t.end for t in out):
                out.append(_tag(TagKind.INDICATION, text, m.start(), m.end(), name))
    return out


def tag_triggers(text: str) -> list[Tag]:
    """Words that start a rule; the value is the rule type they start."""
    return [_tag(TagKind.TRIGGER, text, s, e, rule_type) for s, e, rule_type in find_triggers(text)]


_NEGATION = re.compile(
    r"\b(?:not|no|never|without|none|neither|nor|cannot|can't|don't|doesn't|shouldn't)\b", re.I
)


def tag_negations(text: str) -> list[Tag]:
    return [_tag(TagKind.NEGATION, text, m.start(), m.end()) for m in _NEGATION.finditer(text)]


def tag_sentence(text: str, indications: Iterable[str] = ()) -> list[Tag]:
    """All tags of a sentence in reading order; amounts inside a strength are dropped."""
    strengths = tag_strengths(text)
    amounts = [
        t for t in tag_amounts(text) if not any(s.start <= t.start < s.end for s in strengths)
    ]
    tags = [
        *amounts,
        *strengths,
        *tag_frequencies(text),
        *tag_intervals(text),
        *tag_increments(text),
        *tag_durations(text),
        *tag_routes(text),
        *tag_populations(text),
        *tag_conditions(text),
        *tag_indications(text, indications),
        *tag_triggers(text),
        *tag_negations(text),
    ]
    return sorted(tags, key=lambda t: (t.start, t.end, t.kind))


def dose_amounts(text: str) -> list[Amount]:
    """The amounts of a text that are doses (not the strength of a form)."""
    strengths = tag_strengths(text)
    return [a for a in find_amounts(text) if not any(s.start <= a.start < s.end for s in strengths)]


def _merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if out and start <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], end))
        else:
            out.append((start, end))
    return out
