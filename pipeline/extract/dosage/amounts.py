"""Amounts, frequencies and routes: how much, how often, by which route."""

from __future__ import annotations

import re
from dataclasses import dataclass

from pipeline.contract.vocabularies import DosePeriod
from pipeline.extract.dosage.model import DosageRule
from pipeline.extract.dosage.tags import ROUTES, dose_amounts
from pipeline.extract.quantities import COUNT_UNITS, doses_per_day


def route_of(text: str) -> str | None:
    for name, pattern in ROUTES:
        if pattern.search(text):
            return name
    return None


def default_route_of(texts: list[str]) -> str | None:
    found = {name for text in texts for name, p in ROUTES if p.search(text)}
    if len(found) == 1:
        return found.pop()
    if "oral" in found:
        return "oral"
    return None


COMBINATION_DOSE = re.compile(r"\b\d+(?:\.\d+)?\s*/\s*\d+(?:\.\d+)?\s*(?:mg|mcg|g)\b", re.I)


@dataclass(frozen=True)
class _AmountGroup:
    low: float
    high: float
    unit: str
    per_day: bool
    text: str  # the words from this amount to the next group


def amount_groups(text: str) -> list[_AmountGroup]:
    """Amounts in a rule's text, one group per separately qualified amount.

    "500 mg twice daily or 850 mg once daily" is two regimens; "10 mg or 20 mg
    once daily" is one range.
    """
    amounts = dose_amounts(text)
    groups: list[_AmountGroup] = []
    for index, amount in enumerate(amounts):
        stop = amounts[index + 1].start if index + 1 < len(amounts) else len(text)
        own = text[amount.start : stop]
        if groups:
            between = text[amounts[index - 1].end : amount.start]
            previous = groups[-1]
            bare = re.fullmatch(r"\s*(?:or|to|-|–|,)\s*", between) is not None
            if bare and previous.unit == amount.unit:
                groups[-1] = _AmountGroup(
                    min(previous.low, amount.low),
                    max(previous.high, amount.high),
                    amount.unit,
                    amount.per_day or previous.per_day,
                    previous.text + own,
                )
                continue
            if re.fullmatch(r"\s*/\s*", between):
                # "500 mg/125 mg every 12 hours": a combination's second component; the
                # first-named amount is the dose, and the schedule after both is its own.
                groups[-1] = _AmountGroup(
                    previous.low,
                    previous.high,
                    previous.unit,
                    previous.per_day,
                    previous.text + own,
                )
                continue
            if (
                re.fullmatch(r"\s*\(\s*", between)
                and re.match(r"\s*\)", text[amount.end :])
                and previous.unit in COUNT_UNITS
                and amount.unit not in COUNT_UNITS
            ):
                # "one spray (500 mcg)": the amount of drug a counted unit holds is the dose.
                groups[-1] = _AmountGroup(
                    amount.low, amount.high, amount.unit, amount.per_day, previous.text + own
                )
                continue
            if re.match(r"\s*\(", between) or not re.search(
                r"\b(?:or|and)\b|;|\b(?:on|at|from)\s+(?:days?|weeks?)\s+\d", between, re.I
            ):
                # "1,500 mg twice daily (3,000 mg/day)": the same amount restated; but
                # "0.5 mg on day 3, 0.75 mg on day 4": each amount dated is a step of its own.
                continue
            if (amount.low, amount.high, amount.unit) == (
                previous.low,
                previous.high,
                previous.unit,
            ):
                continue  # "one 4 mg tablet or a 4 mg sachet": one amount in two forms
        groups.append(_AmountGroup(amount.low, amount.high, amount.unit, amount.per_day, own))
    return groups


# Words just before an amount that make it a daily total: "the maximum daily dose is" 4 mg,
# "a total daily dose of" 2 g, "per day," 400 mg.
_DAILY_LEAD = re.compile(
    r"\b(?:(?:total\s+)?daily\s+(?:dose|amount|total|maximum)|per\s+day|a\s+day|in\s+24\s+hours)\b"
    r"(?![^.;]*\b(?:once|twice|times|every)\b)[^.;]{0,30}$",
    re.I,
)


def daily_before(text_before: str) -> bool:
    """A daily-total phrase in the words just before an amount, with no frequency after it."""
    return _DAILY_LEAD.search(text_before[-60:]) is not None


def period_of(group: _AmountGroup, freq: float | None, lead: str = "") -> str:
    """``day`` when the amount is a daily total; ``lead`` is the text before the amount
    ("the maximum daily dose is" 4 mg)."""
    if group.per_day:
        return DosePeriod.DAY
    if freq is not None and group.unit in COUNT_UNITS and group.low == group.high == 1:
        return DosePeriod.DOSE  # "one tablet daily": one administration
    if freq is None and lead and daily_before(lead):
        return DosePeriod.DAY
    head = group.text[:60]
    # "20 mg once a day" is per administration; "150 mg a day in 2 doses" is a daily total.
    once = re.search(r"\b(?:once|twice|times)\s+(?:a|per|each)\s+day\b", head, re.I)
    if not once and re.search(
        r"\b(?:per day|a day|/day|daily dose|in 24 hours|total daily|divided)\b", head, re.I
    ):
        return DosePeriod.DAY
    if (
        freq is None
        and re.search(r"\bdaily\b", head, re.I)
        and not re.search(r"\b(once|twice|times)\b", head, re.I)
    ):
        return DosePeriod.DAY
    return DosePeriod.DOSE


_UNIT_DAILY = re.compile(r"^\S+\s+\S+\s+(?:daily|a day|per day|each day)\b", re.I)


def one_unit_daily(group: _AmountGroup) -> float | None:
    """'one tablet daily', 'one inhalation a day': one administration a day (1), where a
    count of milligrams 'daily' would be a daily total of unknown schedule."""
    if group.unit in COUNT_UNITS and group.low == group.high == 1 and _UNIT_DAILY.match(group.text):
        return 1.0
    return None


def fill_amount(rule: DosageRule, groups: list[_AmountGroup], clause: str) -> None:
    if groups:
        group = groups[0]
        rule.dose_min, rule.dose_max, rule.dose_unit = group.low, group.high, group.unit
        rule.dose_period = period_of(group, doses_per_day(clause))
    rule.doses_per_day = doses_per_day(clause)
