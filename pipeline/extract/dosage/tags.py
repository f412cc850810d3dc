"""Semantic tagging of dosage text (MedEx-style): the first layer of the dosage grammar.

A sentence is read into typed tags, each found by one small tagger:

========== ==================================================================
AMOUNT     an amount a patient takes: ``20 mg``, ``500 mg to 1 g``, ``25 mg/kg/day``
STRENGTH   an amount that is a form's strength or a concentration, not a dose:
           ``10 mg tablets``, ``a 4 mg sachet``, ``1 mg/mL``, ``available in 5 mg``
FREQUENCY  how often: ``once daily``, ``every 8 hours``, ``three times a day``
PERIOD     that an amount is a daily total: ``daily dose``, ``per day``, ``a day``
INTERVAL   the least time between steps: ``every 2 weeks``, ``at intervals of 7 days``
DURATION   how long a step lasts: ``for 7 days``, ``for two weeks``
ROUTE      ``orally``, ``intravenously``, ``by mouth``, ``subcutaneous``
FORM       a dosage form: ``tablet``, ``capsule``, ``solution``, ``patch``
POPULATION ``adults``, ``children``, ``elderly``, ``adolescents aged 12 to 17``
CONDITION  ``for hypertension``: the indication a rule is for (a ``for`` phrase)
TRIGGER    the word that starts a rule, with its rule type: start -> initial,
           increase -> titration, maximum -> maximum, target/usual -> maintenance,
           reduce -> adjustment, avoid/not recommended -> not_recommended
RENAL      a creatinine-clearance band or renal-impairment words
HEPATIC    hepatic-impairment words
========== ==================================================================

Rules over the tag sequence then build dosage rules (see ``dose_amounts`` and
``amount_is_daily``): a STRENGTH is never a dose, a PERIOD before or after an
AMOUNT makes it a daily total unless a FREQUENCY says how it is split.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from pipeline.contract.vocabularies import RuleType
from pipeline.extract.quantities import (
    Amount,
    crcl_bounds,
    doses_per_day,
    duration_days,
    find_amounts,
    interval_days,
)


class TagKind(StrEnum):
    AMOUNT = "AMOUNT"
    STRENGTH = "STRENGTH"
    FREQUENCY = "FREQUENCY"
    PERIOD = "PERIOD"
    INTERVAL = "INTERVAL"
    DURATION = "DURATION"
    ROUTE = "ROUTE"
    FORM = "FORM"
    POPULATION = "POPULATION"
    CONDITION = "CONDITION"
    TRIGGER = "TRIGGER"
    RENAL = "RENAL"
    HEPATIC = "HEPATIC"


@dataclass(frozen=True)
class Tag:
    kind: TagKind
    start: int
    end: int
    text: str
    value: object = None  # Amount, doses a day, days, route, rule type, (crcl_min, crcl_max)


_FORM_WORDS = (
    r"tablets?|capsules?|caplets?|sachets?|solution|suspension|syrup|drops|patch(?:es)?|"
    r"injection|vials?|ampoules?|inhaler|sprays?|suppositor(?:y|ies)|lozenges?|granules|"
    r"chewable tablets?|oral solution|oral suspension|pens?|cream|gel|ointment|strengths?"
)
_FORM = re.compile(rf"\b(?:{_FORM_WORDS})\b", re.I)
# An amount directly followed by a form ("10 mg tablets", "5 mg/5 mL syrup") or preceded by
# an article and followed by one ("a 4 mg sachet"), or a concentration ("1 mg/mL").
_STRENGTH_AFTER = re.compile(
    rf"^\s*(?:(?:film-coated|extended-release|modified-release|orally disintegrating|oral|"
    rf"chewable|dispersible|effervescent|scored)\s+)*(?:{_FORM_WORDS})\b",
    re.I,
)
_CONCENTRATION = re.compile(r"^\s*/\s*(?:\d+(?:\.\d+)?\s*)?(?:ml|millilit(?:er|re)s?|l)\b", re.I)
_STRENGTH_BEFORE = re.compile(
    r"\b(?:comes?\s+(?:as|in)|available\s+(?:as|in)|strengths?(?:\s+of)?|contains?|containing"
    r"|each\s+(?:tablet|capsule|sachet|vial)\s+(?:contains|has))\s*(?:[\w-]+\s+){0,2}$",
    re.I,
)
_FREQUENCY = re.compile(
    r"\b(?:once|twice|thrice|(?:one|two|three|four|five|six|\d+)\s+times)\s+(?:a|per|each|every)?\s*"
    r"(?:day|daily|week|weekly)\b|\b(?:once|twice)\s+(?:daily|weekly)\b|\bevery\s+(?:other\s+day|"
    r"\d+(?:\s*(?:-|to)\s*\d+)?\s+hours?|(?:morning|evening|night|day))\b"
    r"|\b(?:daily(?!\s+(?:dose|amount|total|maximum))|nightly|at bedtime)\b",
    re.I,
)
_PERIOD = re.compile(
    r"\b(?:(?:total\s+)?daily\s+(?:dose|amount|total|maximum)|per\s+day|a\s+day|each\s+day"
    r"|in\s+24\s+hours|/\s*day|in\s+(?:\w+\s+)?divided\s+doses)\b",
    re.I,
)
_INTERVAL = re.compile(
    r"\b(?:at\s+(?:weekly\s+)?intervals?\s+of\s+|(?:after|every)\s+(?:at\s+least\s+)?)"
    r"(?:\d+|one|two|three|four|five|six|seven|ten|fourteen)\s*(?:-|to)?\s*\d*(?:\s+or\s+more)?"
    r"\s*(?:days?|weeks?|months?)\b"
    r"|\b(?:weekly|every\s+week)\s+(?:increments?|intervals?)\b",
    re.I,
)
_DURATION = re.compile(
    r"\bfor\s+(?:(?:the\s+)?(?:first|next)\s+)?(?:\d+|one|two|three|four|five|six|seven|eight|nine|ten|fourteen)"
    r"\s*(?:-|to)?\s*\d*\s*(?:days?|weeks?|months?)\b",
    re.I,
)
_ROUTES = [
    ("intravenous", r"intravenous(?:ly)?|\biv\b|i\.v\.|by infusion"),
    ("intramuscular", r"intramuscular(?:ly)?|\bim\b|i\.m\."),
    ("subcutaneous", r"subcutaneous(?:ly)?|under the skin"),
    ("oral", r"orally|by mouth|\boral\b"),
    ("topical", r"topical(?:ly)?|to the skin|to the affected area"),
    ("inhaled", r"inhal(?:ed|ation)|by inhalation"),
]
_POPULATION = re.compile(
    r"\b(?:adults?|adolescents?|children|child|infants?|neonates?|pediatric|paediatric"
    r"|elderly|older\s+(?:adults|patients|people)|geriatric)\b(?:\s+(?:aged|over|under)\s+\d+"
    r"(?:\s*(?:-|to)\s*\d+)?(?:\s+years)?(?:\s+(?:and\s+)?(?:older|over|above))?)?",
    re.I,
)
_CONDITION = re.compile(
    r"\bfor\s+(?:the\s+)?(?:treatment|prevention|management)\s+of\s+([a-z][\w' -]{2,60}?)(?=[,.;:]|\s+(?:is|in|at|the)\b|$)"
    r"|\bfor\s+([a-z][\w' -]{2,40}?(?:ia|itis|osis|ension|ease|order|pain|infections?|ulcers?|seizures?|syndrome))\b",
    re.I,
)
_TRIGGERS: list[tuple[str, str]] = [
    (
        RuleType.MAXIMUM,
        r"\b(?:maximum|max\.?|up to|not (?:to )?exceed|no more than|do not (?:take|use|give) more than|at most|should not exceed)\b",
    ),
    (
        RuleType.INITIAL,
        r"\b(?:start(?:ing)?|initial(?:ly)?|begin(?:ning)?|first dose|loading dose)\b",
    ),
    (RuleType.TITRATION, r"\b(?:increas(?:e|ed|ing)|titrat\w+|raised?|stepp?ed up|increments?)\b"),
    (
        RuleType.MAINTENANCE,
        r"\b(?:target|maintenance|usual(?:ly)?|recommended dose|effective dose|continue[ds]?)\b",
    ),
    (
        RuleType.ADJUSTMENT,
        r"\b(?:reduc(?:e|ed|ing|tion)|decreas(?:e|ed)|lower(?:ed)? dose|halve)\b",
    ),
    (
        RuleType.NOT_RECOMMENDED,
        r"\b(?:avoid(?:ed)?|not recommended|contraindicated|should not be used)\b",
    ),
]
_RENAL_WORDS = re.compile(
    r"\b(?:renal|kidney)\s+(?:impairment|insufficiency|function|disease|failure)\b|\bcr\s*cl\b"
    r"|\bcreatinine clearance\b|\bdialysis\b|\begfr\b|\bend-stage renal\b",
    re.I,
)
_HEPATIC_WORDS = re.compile(
    r"\b(?:hepatic|liver)\s+(?:impairment|insufficiency|function|disease|failure)\b|\bchild-pugh\b|\bcirrhosis\b",
    re.I,
)


def tag_amounts(text: str) -> list[Tag]:
    """AMOUNT or STRENGTH for every amount: a strength is followed by a form or a volume,
    or follows words that present a product ("comes in", "each tablet contains")."""
    tags: list[Tag] = []
    for amount in find_amounts(text):
        kind = TagKind.STRENGTH if is_strength(text, amount) else TagKind.AMOUNT
        tags.append(Tag(kind, amount.start, amount.end, text[amount.start : amount.end], amount))
    return tags


def is_strength(text: str, amount: Amount) -> bool:
    if _FORM.fullmatch(amount.unit):
        return False  # "one capsule", "2 tablets": a count of units is a dose
    own = text[amount.start : amount.end]
    form_inside = _FORM.search(own)
    # "10 mg tablets": the amount's own words may end with the form.
    after = (own[form_inside.start() :] if form_inside else "") + text[amount.end :]
    if _CONCENTRATION.match(after):
        return True
    if _STRENGTH_BEFORE.search(text[: amount.start]):
        return True
    if _STRENGTH_AFTER.match(after):
        # "take one 10 mg tablet" names the dose by its tablet: an amount preceded by a
        # count of units is the dose ("one", "a", "two"), otherwise a strength.
        before = text[max(0, amount.start - 12) : amount.start].lower()
        return not re.search(r"\b(?:one|two|a|an|single|take|give)\s*$", before)
    return False


def _pattern_tagger(
    kind: TagKind, pattern: re.Pattern[str], value: Callable[[str], object] | None = None
) -> Callable[[str], list[Tag]]:
    def tagger(text: str) -> list[Tag]:
        return [
            Tag(kind, m.start(), m.end(), m.group(0), value(m.group(0)) if value else None)
            for m in pattern.finditer(text)
        ]

    tagger.__name__ = f"tag_{kind.lower()}"
    return tagger


tag_frequency = _pattern_tagger(TagKind.FREQUENCY, _FREQUENCY, doses_per_day)
tag_period = _pattern_tagger(TagKind.PERIOD, _PERIOD, lambda _: "day")
tag_interval = _pattern_tagger(TagKind.INTERVAL, _INTERVAL, interval_days)
tag_duration = _pattern_tagger(TagKind.DURATION, _DURATION, duration_days)
tag_form = _pattern_tagger(TagKind.FORM, _FORM, str.lower)
tag_population = _pattern_tagger(TagKind.POPULATION, _POPULATION)
tag_hepatic = _pattern_tagger(TagKind.HEPATIC, _HEPATIC_WORDS)


def tag_route(text: str) -> list[Tag]:
    tags = []
    for route, pattern in _ROUTES:
        for m in re.finditer(pattern, text, re.I):
            tags.append(Tag(TagKind.ROUTE, m.start(), m.end(), m.group(0), route))
    return tags


def tag_condition(text: str) -> list[Tag]:
    tags = []
    for m in _CONDITION.finditer(text):
        name = (m.group(1) or m.group(2) or "").strip().lower()
        tags.append(Tag(TagKind.CONDITION, m.start(), m.end(), m.group(0), name))
    return tags


def tag_trigger(text: str) -> list[Tag]:
    tags = []
    for rule_type, pattern in _TRIGGERS:
        for m in re.finditer(pattern, text, re.I):
            tags.append(Tag(TagKind.TRIGGER, m.start(), m.end(), m.group(0), str(rule_type)))
    return tags


def tag_renal(text: str) -> list[Tag]:
    tags = [Tag(TagKind.RENAL, m.start(), m.end(), m.group(0)) for m in _RENAL_WORDS.finditer(text)]
    band = crcl_bounds(text)
    if tags and band != (None, None):
        first = tags[0]
        tags[0] = Tag(TagKind.RENAL, first.start, first.end, first.text, band)
    return tags


TAGGERS: tuple[Callable[[str], list[Tag]], ...] = (
    tag_amounts,
    tag_frequency,
    tag_period,
    tag_interval,
    tag_duration,
    tag_route,
    tag_form,
    tag_population,
    tag_condition,
    tag_trigger,
    tag_renal,
    tag_hepatic,
)


def tag(text: str) -> list[Tag]:
    """Every tag of the text, in reading order (longer first where two start together)."""
    tags = [t for tagger in TAGGERS for t in tagger(text)]
    return sorted(tags, key=lambda t: (t.start, -(t.end - t.start), t.kind))


# ---- rules over the tags ----------------------------------------------------------------


def dose_amounts(text: str) -> list[Amount]:
    """The amounts of the text that are doses: every AMOUNT, no STRENGTH."""
    return [t.value for t in tag_amounts(text) if t.kind == TagKind.AMOUNT]  # type: ignore[misc]


def amount_is_daily(text: str, amount: Amount) -> bool:
    """A PERIOD tag next to an AMOUNT makes it a daily total ("the maximum daily dose is
    4 mg", "4 mg per day"), unless a FREQUENCY splits it ("20 mg once a day")."""
    if amount.per_day:
        return True
    window_before = text[max(0, amount.start - 40) : amount.start]
    window_after = text[amount.end : amount.end + 30]
    near = [t for t in tag(window_before) + tag(window_after)]
    if any(t.kind == TagKind.FREQUENCY and t.value not in (None, 1.0) for t in near):
        return False
    if any(t.kind == TagKind.FREQUENCY and re.search(r"\bonce\b", t.text, re.I) for t in near):
        return False
    return any(t.kind == TagKind.PERIOD for t in near)


def daily_before(text_before: str) -> bool:
    """A PERIOD in the words just before an amount, with no FREQUENCY between them:
    "the maximum daily dose is" 4 mg, "up to a total daily dose of" 2 g."""
    window = text_before[-45:]
    tags = tag_period(window) + tag_frequency(window)
    return any(t.kind == TagKind.PERIOD for t in tags) and not any(
        t.kind == TagKind.FREQUENCY for t in tags
    )
