"""Quantities in dosage text: amounts with units, frequencies, durations, intervals, CrCl bands.

Pure functions over one clause of text.  Units are normalised through pint
(so "milligrams", "mg" and "MG" agree, and "micrograms"/"µg" become "mcg");
numbers may be written as words ("two days").
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import lru_cache

import pint

WORD_NUMBERS = {
    "zero": 0,
    "one": 1,
    "a": 1,
    "an": 1,
    "single": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "fourteen": 14,
    "fifteen": 15,
    "twenty": 20,
    "thirty": 30,
    "half": 0.5,
}
_WORD_NUM = (
    r"(?:"
    + "|".join(sorted((w for w in WORD_NUMBERS if w not in ("a", "an")), key=len, reverse=True))
    + r")"
)
NUM = rf"(?:\d+(?:[.,]\d+)?|{_WORD_NUM})"

# Display unit per pint unit (contract spellings).
_UNIT_NAMES = {
    "milligram": "mg",
    "microgram": "mcg",
    "gram": "g",
    "kilogram": "kg",
    "milliliter": "mL",
    "liter": "L",
    "nanogram": "ng",
}
_UNIT_TOKEN = (
    r"(?:mg|mcg|µg|μg|ug|micrograms?|milligrams?|grams?|g|ml|mL|millilit(?:er|re)s?|units?|IU|iu"
    r"|international units|mmol|meq|mEq|ng|drops?|puffs?|sprays?|inhalations?|tablets?|capsules?|sachets?)"
)
_PER = r"(?:\s*/\s*|\s+per\s+)"
UNIT = rf"{_UNIT_TOKEN}(?:{_PER}(?:kg|m2|m²|m\^2)(?:\s*(?:of\s+)?body\s*weight)?)?(?:{_PER}(?:day|d|24\s*h(?:ours)?))?"

AMOUNT = re.compile(
    rf"(?P<a>{NUM})\s*(?P<unit_a>{UNIT})?\s*(?:(?:-|–|—|to|or)\s*(?P<b>{NUM})\s*)?(?P<unit>{UNIT})\b",
    re.IGNORECASE,
)

# Factors to the base unit of each family, for comparing maxima across sources.
_MASS_TO_MG = {"mg": 1.0, "g": 1000.0, "mcg": 0.001, "ng": 0.000001, "kg": 1_000_000.0}


@lru_cache(maxsize=1)
def _registry() -> pint.UnitRegistry:
    return pint.UnitRegistry()


_DIGITS = re.compile(r"\d+(?:[.,]\d+)?|\d{1,3}(?:,\d{3})+")


def to_number(text: str) -> float | None:
    """The number a token states, or None when it states none.

    Never raises: a word it does not know ("multiple", "several", "appropriate"), an
    empty or malformed token, or a number too large to be finite is no number, and the
    caller leaves its field empty rather than failing the page.
    """
    text = text.strip().lower()
    if text in WORD_NUMBERS:
        return float(WORD_NUMBERS[text])
    if not _DIGITS.fullmatch(text):
        return None
    value = (
        float(text.replace(",", ""))
        if re.fullmatch(r"\d{1,3}(,\d{3})+", text)
        else float(text.replace(",", "."))
    )
    return value if math.isfinite(value) else None


@lru_cache(maxsize=256)
def normalise_unit(token: str) -> tuple[str, bool]:
    """(unit for dose_unit, per_day) from a unit token such as 'mg/kg/day'."""
    text = token.strip().replace("μ", "µ").replace("²", "2").replace("^2", "2")
    per_day = bool(re.search(r"(?:/|per)\s*(?:day|d|24\s*h)", text, re.IGNORECASE))
    text = re.sub(
        r"(?:\s*/\s*|\s+per\s+)(?:day|d|24\s*h(?:ours)?)\s*$", "", text, flags=re.IGNORECASE
    )
    parts = re.split(r"\s*/\s*|\s+per\s+", text)
    base = parts[0].strip()
    per = [p.strip().lower() for p in parts[1:]]
    base_unit = _base_unit(base)
    suffix = ""
    for p in per:
        if p.startswith("kg"):
            suffix += "/kg"
        elif p.startswith("m2"):
            suffix += "/m2"
    return base_unit + suffix, per_day


def _base_unit(token: str) -> str:
    low = token.lower()
    if low in ("units", "unit", "iu", "international units"):
        return "units"
    if low in ("mmol", "meq"):
        return "mmol" if low == "mmol" else "mEq"
    if re.fullmatch(r"(drops?|puffs?|sprays?|inhalations?|tablets?|capsules?|sachets?)", low):
        return low.rstrip("s") if low.endswith("s") else low
    if low in ("µg", "ug"):
        return "mcg"
    try:
        unit = _registry().parse_units(low.replace("millilitre", "milliliter"))
    except Exception:
        return token
    name = str(unit)
    return _UNIT_NAMES.get(name, token)


@dataclass(frozen=True)
class Amount:
    low: float
    high: float
    unit: str
    per_day: bool
    start: int
    end: int


def canonical_amount(value: float, unit: str | None) -> tuple[float, str]:
    """(value, unit) in the base unit of its family: mass to mg, mass/kg to mg/kg, ..."""
    if not unit:
        return value, ""
    base, _, per = unit.partition("/")
    factor = _MASS_TO_MG.get(base)
    if factor is None:
        return value, unit
    return round(value * factor, 9), "mg" + (f"/{per}" if per else "")


_COMBINATION = re.compile(r"\d+(?:\.\d+)?\s*/\s*$")

# Units that count administrations ("one tablet", "two sprays"), not an amount of drug.
COUNT_UNITS = ("tablet", "capsule", "drop", "puff", "spray", "inhalation", "sachet")


def find_amounts(text: str) -> list[Amount]:
    """Every amount with a unit in the text, in reading order (a fresh list each call).

    Kept per text: the tagger, the trigger reader and the dose filter ask for the
    amounts of the same clause (Amount is frozen, the list is copied)."""
    return list(_amounts(text))


@lru_cache(maxsize=65536)
def _amounts(text: str) -> tuple[Amount, ...]:
    out: list[Amount] = []
    for m in AMOUNT.finditer(text):
        if _COMBINATION.search(text[: m.start()]):
            continue  # "2.5/10 mg": a fixed-combination strength, not an amount of one drug
        if re.match(r"\s*/\s*(?:min|minute|hour|h)\b", text[m.end() :], re.I):
            continue  # "60 mL/min": a clearance or rate, not a dose
        if re.match(r"\s*/\s*(?:dl|l)\b", text[m.end() :], re.I):
            continue  # "serum creatinine 1.5 mg/dL": a lab value, not a dose
        a = to_number(m.group("a"))
        b = to_number(m.group("b")) if m.group("b") else a
        if a is None or b is None:
            continue
        unit, per_day = normalise_unit(m.group("unit"))
        if m.group("unit_a") and not m.group("b"):
            # "a 4 mg sachet", "one 5 mg tablet": the form follows the amount's own unit.
            unit, per_day = normalise_unit(m.group("unit_a"))
        if m.group("unit_a") and m.group("b"):
            # "500 mg to 1 g": bring the lower end into the upper end's unit.
            unit_a, per_day_a = normalise_unit(m.group("unit_a"))
            low_value, low_unit = canonical_amount(a, unit_a)
            high_value, high_unit = canonical_amount(1.0, unit)
            if low_unit != high_unit:
                # "1.4 mg/kg or 100 mg": two amounts in different units, not a range.
                out.append(Amount(a, a, unit_a, per_day_a, m.start(), m.end("unit_a")))
                out.append(Amount(b, b, unit, per_day, m.start("b"), m.end()))
                continue
            if high_value:
                a = round(low_value / high_value, 9)
        if unit in COUNT_UNITS and not m.group("b") and a > 20:
            continue
        out.append(Amount(min(a, b), max(a, b), unit, per_day, m.start(), m.end()))
    return tuple(out)


_FREQUENCIES: list[tuple[re.Pattern[str], float | None]] = [
    (re.compile(r"\bevery other day\b|\bon alternate days\b", re.I), 0.5),
    (re.compile(r"\bevery \d+\s*(?:to|-|–)\s*\d+\s*hours\b", re.I), None),
    (
        re.compile(
            r"\b(?:once|one time)\s+(?:a\s+|per\s+|each\s+)?(?:day|daily)\b|\bonce-daily\b|\bqd\b|\bod\b|\bdaily dose\b(?=.*\bsingle\b)",
            re.I,
        ),
        1.0,
    ),
    (
        re.compile(
            r"\b(?:twice|two times)\s+(?:a\s+|per\s+|each\s+)?(?:day|daily)\b|\btwice-daily\b|\bbid\b|\bb\.i\.d\.?",
            re.I,
        ),
        2.0,
    ),
    (
        re.compile(
            r"\b(?:three times)\s+(?:a\s+|per\s+|each\s+)?(?:day|daily)\b|\btid\b|\bt\.i\.d\.?",
            re.I,
        ),
        3.0,
    ),
    (
        re.compile(
            r"\b(?:four times)\s+(?:a\s+|per\s+|each\s+)?(?:day|daily)\b|\bqid\b|\bq\.i\.d\.?", re.I
        ),
        4.0,
    ),
    (re.compile(r"\bin (\w+) divided doses\b|\bdivided into (\w+) doses\b", re.I), -1.0),
    (re.compile(r"\bevery (\d+) hours\b|\bq(\d+)h\b", re.I), -2.0),
    (re.compile(r"\bonce (?:a|per) week\b|\bweekly\b", re.I), 1 / 7),
]


def find_frequencies(text: str) -> list[tuple[int, int, float | None]]:
    """Every schedule phrase in the text as (start, end, doses a day or None)."""
    found = [
        (m.start(), m.end(), _frequency_value(m, value))
        for pattern, value in _FREQUENCIES
        for m in pattern.finditer(text)
    ]
    return sorted(found, key=lambda f: (f[0], f[1]))


def doses_per_day(text: str) -> float | None:
    """One number of doses a day, or None where the schedule gives several ("BID or TID")."""
    found = _all_frequencies(text)
    return found[0] if len(set(found)) == 1 else None


def _all_frequencies(text: str) -> list[float | None]:
    found: list[float | None] = []
    for pattern, value in _FREQUENCIES:
        for m in pattern.finditer(text):
            found.append(_frequency_value(m, value))
    # "every 4 to 6 hours" also contains "6 hours": a range pattern that matched says no number.
    if None in found:
        return [None]
    return [f for f in found if f is not None]


def _frequency_value(m: re.Match[str], value: float | None) -> float | None:
    if value == -1.0:
        count = to_number(m.group(1) or m.group(2))
        return count if count else None  # "in 0 divided doses" states no schedule
    if value == -2.0:
        hours = to_number(m.group(1) or m.group(2))
        if not hours:  # "every 0 hours" states no schedule (and no division by zero)
            return None
        per_day = 24 / hours
        return per_day if per_day == int(per_day) or hours in (48, 72) else None
    return value


_DAYS_PER = {
    "day": 1,
    "days": 1,
    "week": 7,
    "weeks": 7,
    "month": 30,
    "months": 30,
    "hour": 1 / 24,
    "hours": 1 / 24,
}
_PERIOD = r"(day|days|week|weeks|month|months)"


def _days(number: str, unit: str) -> float | None:
    value = to_number(number)
    if value is None:
        return None
    days = value * _DAYS_PER[unit.lower()]
    return days if math.isfinite(days) else None


def duration_days(text: str) -> float | None:
    """'for two days', 'for 7 to 10 days' (the lower bound), 'for 1 week'."""
    m = re.search(
        rf"\bfor (?:the first |a further |another )?(?:at least )?({NUM})(?:\s*(?:to|-|–)\s*{NUM})?\s*{_PERIOD}\b",
        text,
        re.I,
    )
    if m:
        return _days(m.group(1), m.group(2))
    m = re.search(rf"\bfor (?:the first |a |one )(?:{_PERIOD})\b", text, re.I)
    if m:
        return _days("1", m.group(1))
    # "0.25 mg once daily on days 1 and 2", "on days 1 to 5": the days the step covers.
    m = re.search(r"\bon days\s+(\d+)\s*(?:and|to|-|–|through)\s*(\d+)\b", text, re.I)
    if m and int(m.group(2)) > int(m.group(1)):
        return float(int(m.group(2)) - int(m.group(1)) + 1)
    return None


def interval_days(text: str) -> float | None:
    """Least days between steps: 'at intervals of two or more days', 'after at least one week'."""
    patterns = [
        rf"\bat intervals of (?:at least |no less than |not less than |a minimum of )?({NUM})(?:\s*(?:or more|to {NUM}))?\s*{_PERIOD}",
        rf"\b(?:after|every|each|over) (?:at least |a minimum of )?({NUM})(?:\s*(?:to|-|–|or)\s*{NUM})?\s*{_PERIOD}",
        rf"\bno (?:more often|sooner|more frequently) than (?:once )?(?:every )?({NUM})?\s*(?:a |per )?{_PERIOD}",
        rf"\b({NUM})(?:\s*(?:to|-|–)\s*{NUM})?\s*-?{_PERIOD}\s+(?:apart|intervals?)",
        rf"\b(?:at least|a minimum of) ({NUM})\s*{_PERIOD}\b",
        # "after the first week", "after the first two weeks"
        rf"\bafter the first ({NUM})?\s*{_PERIOD}\b",
    ]
    for pattern in patterns:
        m = re.search(pattern, text, re.I)
        if m:
            number = m.group(1) or "1"
            return _days(number, m.group(2))
    if re.search(r"\b(?:once a week|weekly|every week|each week|a week)\b", text, re.I):
        return 7.0
    if re.search(r"\b(?:once a month|monthly|every month|each month)\b", text, re.I):
        return 30.0
    return None


_WEEKS_APART = re.compile(rf"\bevery\s+({NUM})\s+weeks?\b", re.I)


def weeks_apart_per_day(text: str) -> float | None:
    """'every 8 weeks' on a regimen: one dose in 56 days (1/56), as 'once weekly' is 1/7.

    Only the first such phrase counts, and only where the text names one; on an increase
    the same words are its interval, so the caller asks this of regimens only."""
    m = _WEEKS_APART.search(text)
    if not m:
        return None
    weeks = to_number(m.group(1))
    return 1 / (7 * weeks) if weeks else None


def _finite(digits: str) -> float | None:
    value = float(digits)
    return value if math.isfinite(value) else None


def crcl_bounds(text: str) -> tuple[float | None, float | None]:
    """Creatinine-clearance band in mL/min; only CrCl fills these (not eGFR)."""
    m = re.search(
        r"(?:creatinine clearance|crcl|clcr)[^.;]*?(?=\d|[<>≤≥]|above|below|over|under|less|more|greater)",
        text,
        re.I,
    )
    if not m:
        # "do not use if it is below 30 mL/min": mL/min is the unit of a clearance.
        bare = re.search(r"(?:≤|<=|<|below|under|less than)\s*(\d+(?:\.\d+)?)\s*ml/min", text, re.I)
        if bare:
            return None, _finite(bare.group(1))
        return None, None
    rest = text[m.end() : m.end() + 60]
    rng = re.match(
        r"(?:of\s+|between\s+)?(\d+(?:\.\d+)?)\s*(?:-|–|—|to|and)\s*(\d+(?:\.\d+)?)", rest
    )
    if rng:
        return _finite(rng.group(1)), _finite(rng.group(2))
    low = re.match(
        r"(?:≥|>=|>|above|over|greater than|more than|at least)\s*(\d+(?:\.\d+)?)", rest, re.I
    )
    if low:
        return _finite(low.group(1)), None
    high = re.match(r"(?:≤|<=|<|below|under|less than)\s*(\d+(?:\.\d+)?)", rest, re.I)
    if high:
        return None, _finite(high.group(1))
    single = re.match(
        r"(\d+(?:\.\d+)?)\s*(?:ml/min)?\s*(or (?:less|lower|below)|or (?:more|higher|above|greater))?",
        rest,
        re.I,
    )
    if single:
        value = _finite(single.group(1))
        if single.group(2) and re.search(r"less|lower|below", single.group(2)):
            return None, value
        if single.group(2):
            return value, None
    return None, None


def taper_days(text: str) -> float | None:
    """'over at least a week', 'over 1 to 2 weeks': how long a taper lasts (the lower bound)."""
    m = re.search(
        rf"\bover (?:a period of )?(?:at least |a minimum of )?({NUM}|a|one)?(?:\s*(?:to|-|–)\s*{NUM})?\s*{_PERIOD}\b",
        text,
        re.I,
    )
    if not m:
        return None
    return _days(m.group(1) or "1", m.group(2))


def washout_days(text: str) -> float | None:
    """The first span of days, weeks or hours in a washout sentence ('36 hours' is 1.5)."""
    m = re.search(rf"\b({NUM})\s*(days?|weeks?|months?|hours?)\b", text, re.I)
    if not m:
        return None
    return _days(m.group(1), m.group(2))
