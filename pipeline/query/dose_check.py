"""Check a prescription against the published dosage rules.

Reads ``dosage_rules`` (one row per rule per page, with its sentence) and
answers whether a dose breaks any stated rule that applies to the patient
described: population, creatinine clearance, weight, co-prescribed drugs.

It never reassures falsely: a maximum limits each dose and the daily total
(a per-dose maximum on a schedule is a daily limit too), weight-based limits
are compared only through a stated weight, rules the caller gives no
information for are listed as not checked, and when no rule could be compared
at all the answer says so instead of "within".  Input that describes no
patient (0 mg, a negative clearance, a weight given as the dose) is refused.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from pipeline.contract.vocabularies import Condition, DosePeriod, Population, RuleType
from pipeline.extract.quantities import canonical_amount, normalise_unit
from pipeline.ingest.identity import drug_id_choices


@dataclass(frozen=True)
class Prescription:
    drug: str
    dose: float
    unit: str = "mg"
    per: str = DosePeriod.DOSE  # DosePeriod.DOSE or DosePeriod.DAY
    doses_per_day: float | None = None
    crcl: float | None = None
    population: str = Population.ADULT
    with_drugs: tuple[str, ...] = ()
    weight_kg: float | None = None


class InputRefused(ValueError):
    """A prescription that describes no patient (0 mg, a negative clearance, '10kg' as a
    dose): refused with one line before any rule is read, so nonsense is never checked."""


@dataclass
class Finding:
    verdict: str  # "breaks", "ok", "warning", "not_checked"
    message: str
    rule_type: str
    condition: str | None
    sentence: str
    page_ids: list[str]


@dataclass
class DoseCheck:
    drug_id: str | None
    findings: list[Finding] = field(default_factory=list)
    error: str | None = None
    most_allowed: list[str] = field(default_factory=list)
    assumptions: list[str] = field(default_factory=list)

    @property
    def breaks(self) -> bool:
        return any(f.verdict == "breaks" for f in self.findings)

    @property
    def checked(self) -> bool:
        """True when at least one stated rule was compared with the prescription."""
        return any(f.verdict in ("breaks", "ok") for f in self.findings)

    @property
    def not_checked(self) -> int:
        return sum(f.verdict == "not_checked" for f in self.findings)

    @property
    def verdict(self) -> str:
        """'breaks', 'within' (every rule that could be checked) or 'nothing_checked'."""
        if self.breaks:
            return "breaks"
        return "within" if self.checked else "nothing_checked"

    def headline(self) -> str:
        if self.breaks:
            return "BREAKS a stated rule"
        if not self.checked:
            return "NOTHING CHECKED: no stated limit could be compared with this prescription"
        if self.not_checked:
            return (
                f"within every rule that could be checked; {self.not_checked} not checked"
                " (listed below)"
            )
        return "within every stated rule that applies"

    def render(self) -> str:
        if self.error:
            return self.error
        lines = [f"{self.drug_id}: {self.headline()}"]
        for line in self.most_allowed:
            lines.append(f"  most allowed: {line}")
        for line in self.assumptions:
            lines.append(f"  assumed: {line}")
        order = {"breaks": 0, "warning": 1, "ok": 2, "not_checked": 3}
        for finding in sorted(self.findings, key=lambda f: (order[f.verdict], f.message)):
            lines.append(f"- [{finding.verdict}] {finding.message}")
            if finding.sentence:
                lines.append(f'    "{finding.sentence}"')
            if finding.page_ids:
                lines.append(f"    source: {', '.join(finding.page_ids)}")
        return "\n".join(lines)


# Plausible ranges, wide on purpose: they refuse typing mistakes, not unusual patients.
MAX_DOSES_PER_DAY = 24.0  # more often than hourly is an infusion rate, not a schedule
MAX_CRCL = 250.0  # mL/min
MAX_WEIGHT_KG = 400.0
_DOSE_UNITS = frozenset(
    {"mg", "mcg", "g", "ng", "units", "mL", "mmol", "mEq", "tablet", "capsule", "sachet"}
)
_NOT_A_DOSE = {
    "kg": "a weight (pass it as --weight-kg)",
    "lb": "a weight (pass it in kg as --weight-kg)",
    "lbs": "a weight (pass it in kg as --weight-kg)",
    "ml/min": "a clearance (pass it as --crcl)",
}


def read_number(
    text: str | float | None,
    what: str,
    *,
    allow_zero: bool = False,
    upper: float | None = None,
) -> float | None:
    """A positive finite number (None stays None), or InputRefused naming the option."""
    if text is None:
        return None
    if isinstance(text, str):
        try:
            value = float(text.strip())
        except ValueError:
            raise InputRefused(f"{what} must be a number, not {text!r}") from None
    else:
        value = float(text)
    if not math.isfinite(value):
        raise InputRefused(f"{what} must be a finite number, not {text!r}")
    if value < 0 or (value == 0 and not allow_zero):
        bound = "0 or more" if allow_zero else "more than 0"
        raise InputRefused(f"{what} must be {bound}, not {text!r}")
    if upper is not None and value > upper:
        raise InputRefused(f"{what} of {value:g} is not plausible (at most {upper:g})")
    return value


_DOSE_TEXT = re.compile(r"\s*([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)\s*([^\d\s].*?)?\s*")


def parse_dose_spec(text: str) -> tuple[float, str, bool]:
    """'120', '120mg', '1 g', '15 mg/kg', '25 mg/kg/day' -> (amount, unit, per_day).

    Refuses what is not a dose: no number, 0 or less, a weight or a clearance."""
    match = _DOSE_TEXT.fullmatch(text)
    if not match:
        raise InputRefused(f"cannot read a dose from {text!r}: write it like 120 or 120mg")
    unit_text = (match.group(2) or "").strip()
    if unit_text.lower().replace(" ", "") in _NOT_A_DOSE:
        raise InputRefused(
            f"{text.strip()!r} is {_NOT_A_DOSE[unit_text.lower().replace(' ', '')]}, not a dose"
        )
    amount = read_number(match.group(1), "the dose")
    assert amount is not None
    unit, per_day = normalise_unit(unit_text or "mg")
    base, _, per = unit.partition("/")
    if base not in _DOSE_UNITS or per not in ("", "kg", "m2"):
        raise InputRefused(
            f"cannot read a dose unit from {text.strip()!r}: use mg, mcg, g, mg/kg, units or mL"
        )
    return amount, unit, per_day


def parse_dose(text: str) -> tuple[float, str]:
    """'120', '120mg', '1 g', '15 mg/kg' -> (amount, unit)."""
    amount, unit, _ = parse_dose_spec(text)
    return amount, unit


def validate(rx: Prescription) -> None:
    """Raise InputRefused when a field of the prescription cannot describe a patient."""
    read_number(rx.dose, "the dose")
    read_number(rx.doses_per_day, "--doses-per-day", upper=MAX_DOSES_PER_DAY)
    read_number(rx.crcl, "--crcl", allow_zero=True, upper=MAX_CRCL)
    read_number(rx.weight_kg, "--weight-kg", upper=MAX_WEIGHT_KG)
    if rx.per not in ("dose", "day"):
        raise InputRefused(f"--per must be dose or day, not {rx.per!r}")
    if rx.population not in _POPULATIONS:
        raise InputRefused(
            f"--population must be adult, pediatric or geriatric, not {rx.population!r}"
        )


def _missing(value: object) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def _text(value: object) -> str:
    return "" if _missing(value) else str(value)


# The rules that bind a patient of each population: an older adult is held to the adult
# limits as well as to those stated for older adults.
_POPULATIONS = {
    "adult": ("adult", "all"),
    "pediatric": ("pediatric", "all"),
    "geriatric": ("geriatric", "adult", "all"),
}

AddFinding = Callable[[str, str], None]


def check_dose(rx: Prescription, rules: pd.DataFrame) -> DoseCheck:
    """Every applicable rule compared with the prescription (InputRefused on nonsense)."""
    validate(rx)
    published = set(rules["drug_id"])
    choices = drug_id_choices(rx.drug)
    drug_id = next((d for d in choices if d in published), choices[0] if choices else None)
    if drug_id is None or drug_id not in published:
        known = ", ".join(sorted(set(rules["drug_id"]))[:20])
        return DoseCheck(
            drug_id,
            error=f"unknown drug {rx.drug!r}: no dosage rules are published for it (known: {known})",
        )
    mine = rules[rules["drug_id"] == drug_id]
    mine = mine[mine["population"].isin(_POPULATIONS[rx.population])]
    result = DoseCheck(drug_id)
    if mine.empty:
        result.error = f"{drug_id}: no dosage rules are stated for the {rx.population} population"
        return result
    amounts = _amounts(rx)
    if rx.per == "dose" and rx.doses_per_day is None:
        result.assumptions.append("one dose a day (pass --doses-per-day to change)")
    strictest: dict[str, tuple[float, str]] = {}
    for rule, page_ids in _group_rules(mine):
        applies, why_not = _applies(rule, rx)
        label = _describe(rule)

        def add(verdict: str, message: str, rule: pd.Series = rule, ids: list[str] = page_ids):
            result.findings.append(
                Finding(
                    verdict,
                    message,
                    rule["rule_type"],
                    _text(rule["condition"]) or None,
                    rule["raw_text"],
                    ids,
                )
            )

        if not applies:
            if why_not:
                add("not_checked", f"{label}: {why_not}")
            continue
        if rule["rule_type"] == "maximum" and not _missing(rule["dose_max"]):
            for limit in rule_limits(rule):
                bound = _compare(limit, amounts, rx, label, add)
                if bound is not None:
                    text = f"{limit.shown()} ({label}; {', '.join(page_ids)})"
                    if limit.period not in strictest or bound < strictest[limit.period][0]:
                        strictest[limit.period] = (bound, text)
        elif rule["rule_type"] == "maximum":
            add("not_checked", f"{label}: the rule states no amount")
        elif rule["rule_type"] == "not_recommended":
            add("breaks", f"not recommended: {label}")
        elif rule["rule_type"] in ("washout", "adjustment"):
            add("warning", f"{rule['rule_type']}: {label}")
    if "dose" in strictest and "day" in strictest and strictest["dose"][0] >= strictest["day"][0]:
        del strictest["dose"]  # no dose can be more than the day allows
    result.most_allowed = [strictest[p][1] for p in ("day", "dose") if p in strictest]
    return result


@dataclass(frozen=True)
class Limit:
    """One upper bound a maximum rule sets: per administration or per day, in its unit."""

    value: float
    unit: str  # as published: mg, mg/kg, units, ...
    period: str  # "dose" or "day"
    why: str = ""  # how a daily limit was read from a per-dose statement

    def shown(self) -> str:
        text = f"{self.value:g} {self.unit} per {self.period}"
        return f"{text} ({self.why})" if self.why else text


# A maximum that speaks of one administration only ("maximum single dose 1 g").
_SINGLE_DOSE = re.compile(
    r"\b(?:single|each|per|one|individual)\s+(?:dose|administration|injection|application)\b"
    r"|\bat\s+(?:a|one)\s+time\b",
    re.IGNORECASE,
)
# A sentence that says its maximum is a daily total ("the maximum daily dose is 4 mg").
_DAILY_WORDS = re.compile(
    r"\b(?:daily|a\s+day|per\s+day|each\s+day|every\s+day|in\s+24\s+hours)\b|/\s*day\b",
    re.IGNORECASE,
)


def rule_limits(rule: pd.Series) -> list[Limit]:
    """Every limit a maximum rule sets.

    A per-day maximum limits the daily total.  A per-dose maximum limits each dose and,
    because a patient takes it on the rule's schedule, the daily total too: "a maximum of
    120 mg once daily" is also 120 mg a day, "1500 mg twice daily" 3000 mg a day.  A
    per-dose maximum with no schedule is read as a daily limit as well unless its sentence
    speaks of a single dose: reading it per dose only would let any number of doses a day
    pass, a false reassurance."""
    value = float(rule["dose_max"])
    unit = _text(rule["dose_unit"])
    if (_text(rule["dose_period"]) or "dose") == "day":
        return [Limit(value, unit, "day")]
    out = [Limit(value, unit, "dose")]
    schedule = rule["doses_per_day"]
    sentence = _text(rule["raw_text"])
    if not _missing(schedule) and float(schedule) >= 1:
        times = float(schedule)
        out.append(Limit(value * times, unit, "day", f"{value:g} {unit} x {times:g} a day"))
    elif _DAILY_WORDS.search(sentence):
        out.append(Limit(value, unit, "day", "the sentence states a daily amount"))
    elif not _SINGLE_DOSE.search(sentence):
        out.append(Limit(value, unit, "day", "no schedule stated: read as a daily limit too"))
    return out


@dataclass(frozen=True)
class _Amounts:
    """The prescription per dose and per day in its own unit family (None: unknown)."""

    per_dose: float | None
    per_day: float
    family: str


def _amounts(rx: Prescription) -> _Amounts:
    amount, family = _canonical(rx.dose, rx.unit)
    if rx.per == "day":
        per_dose = amount / rx.doses_per_day if rx.doses_per_day else None
        return _Amounts(per_dose, amount, family)
    # A single stated dose with no schedule is taken once a day (reported as an assumption).
    return _Amounts(amount, amount * (rx.doses_per_day or 1.0), family)


def _canonical(value: float, unit: str) -> tuple[float, str]:
    """An amount in its family's base unit (mg, mg/kg), unrounded: a dose a hair above a
    tiny maximum must still be above it."""
    _, family = canonical_amount(1.0, unit)
    factor, _ = canonical_amount(1.0, unit)
    return value * factor, family


def _above(given: float, bound: float) -> bool:
    """More than the bound, beyond float noise (relative, so it holds for mcg and g alike)."""
    return given > bound * (1 + 1e-12)


def _convert(value: float, family: str, target: str, weight: float | None) -> float | None:
    """An amount of one family (mg, mg/kg) in another, through the weight; None if it cannot."""
    if family == target:
        return value
    if weight and family + "/kg" == target:
        return value / weight
    if weight and family == target + "/kg":
        return value * weight
    return None


def _compare(
    limit: Limit, amounts: _Amounts, rx: Prescription, label: str, add: AddFinding
) -> float | None:
    """Add the finding of one limit; return the limit in the prescription's unit when compared."""
    bound, bound_family = _canonical(limit.value, limit.unit)
    shown = limit.shown()
    weight_based = bound_family.endswith("/kg") != amounts.family.endswith("/kg")
    if weight_based and rx.weight_kg is None:
        add("not_checked", f"{label}: the limit is {shown}; pass --weight-kg to check it")
        return None
    total = _convert(amounts.per_day, amounts.family, bound_family, rx.weight_kg)
    if total is None:
        add("not_checked", f"{label}: the limit is in {limit.unit}, the dose in {rx.unit}")
        return None
    at = f" (at {rx.weight_kg:g} kg)" if weight_based else ""
    if limit.period == "day":
        given = total
    elif amounts.per_dose is None:
        # A daily total in unknown doses: no single dose can be more than the total.
        if _above(total, bound):
            add("not_checked", f"{label}: the limit is {shown}; pass --doses-per-day to check it")
            return None
        given = total
        what = f"{total:g} {bound_family} a day{at}, so no single dose more,"
    else:
        given = _convert(amounts.per_dose, amounts.family, bound_family, rx.weight_kg) or 0.0
    if limit.period == "day" or amounts.per_dose is not None:
        what = f"{given:g} {bound_family} per {limit.period}{at}"
    if _above(given, bound):
        add("breaks", f"{what} exceeds the maximum of {shown} ({label})")
    else:
        add("ok", f"{what} is within the maximum of {shown} ({label})")
    return _convert(bound, bound_family, amounts.family, rx.weight_kg)


def _group_rules(rules: pd.DataFrame) -> list[tuple[pd.Series, list[str]]]:
    """Identical rules stated by several pages are one rule with several sources."""
    keys = [
        "rule_type",
        "condition",
        "condition_detail",
        "crcl_min_ml_min",
        "crcl_max_ml_min",
        "dose_max",
        "dose_unit",
        "dose_period",
        "indication",
    ]
    groups: dict[tuple[str, ...], tuple[pd.Series, list[str]]] = {}
    for _, rule in rules.sort_values(["page_id", "rule_index"]).iterrows():
        key = tuple(_text(rule[k]) for k in keys)
        if key in groups:
            groups[key][1].append(rule["page_id"])
        else:
            groups[key] = (rule, [rule["page_id"]])
    return list(groups.values())


def _applies(rule: pd.Series, rx: Prescription) -> tuple[bool, str | None]:
    condition = _text(rule["condition"])
    if rule["rule_type"] not in (
        RuleType.MAXIMUM,
        RuleType.NOT_RECOMMENDED,
        RuleType.WASHOUT,
        RuleType.ADJUSTMENT,
    ):
        return False, None
    if condition == Condition.RENAL_IMPAIRMENT:
        low, high = rule["crcl_min_ml_min"], rule["crcl_max_ml_min"]
        if _missing(low) and _missing(high):
            low, high = severity_band(_text(rule["condition_detail"]))
        if low is None and high is None:
            return (
                False,
                "renal rule without a creatinine-clearance band" if rx.crcl is not None else None,
            )
        if rx.crcl is None:
            return False, "pass --crcl to check renal rules"
        if not _missing(low) and rx.crcl < float(low):
            return False, None
        if not _missing(high) and rx.crcl > float(high):
            return False, None
        return True, None
    if condition == Condition.HEPATIC_IMPAIRMENT:
        return False, "hepatic impairment is not described by this check"
    if condition == Condition.DRUG_INTERACTION:
        if not rx.with_drugs:
            return False, None
        haystack = f"{_text(rule['condition_detail'])} {_text(rule['raw_text'])}".lower()
        return any(d.lower() in haystack for d in rx.with_drugs), None
    if condition in (Condition.DISCONTINUATION,):
        return False, None
    if condition:
        return False, None
    if not _missing(rule["indication"]) and rule["rule_type"] == RuleType.MAXIMUM:
        # Indication-specific maxima apply too: the strictest stated one is reported.
        return True, None
    return True, None


# Creatinine-clearance bands (mL/min) conventionally meant by severity words, used only
# when a renal rule names a severity but no CrCl numbers.
_SEVERITY_CRCL: list[tuple[str, float | None, float | None]] = [
    ("end-stage", None, 14.999),
    ("esrd", None, 14.999),
    ("dialysis", None, 14.999),
    ("mild to moderate", 30, 89.999),
    ("moderate to severe", 15, 59.999),
    ("moderate or severe", 15, 59.999),
    ("mild", 60, 89.999),
    ("moderate", 30, 59.999),
    ("severe", 15, 29.999),
]


def severity_band(detail: str) -> tuple[float | None, float | None]:
    low = detail.lower()
    for word, lower, upper in _SEVERITY_CRCL:
        if word in low:
            return lower, upper
    return None, None


def _describe(rule: pd.Series) -> str:
    parts = [rule["rule_type"].replace("_", " "), rule["population"]]
    condition = _text(rule["condition"])
    if condition:
        parts.append(condition.replace("_", " "))
    detail = _text(rule["condition_detail"])
    if detail:
        parts.append(detail)
    low, high = rule["crcl_min_ml_min"], rule["crcl_max_ml_min"]
    if not (_missing(low) and _missing(high)):
        parts.append(
            f"CrCl {'' if _missing(low) else f'{low:g}'}-{'' if _missing(high) else f'{high:g}'} mL/min"
        )
    indication = _text(rule["indication"])
    if indication:
        parts.append(f"for {indication}")
    return ", ".join(parts)


def load_rules(out_dir: Path) -> pd.DataFrame:
    """The published dosage rules; ``TablesUnavailable`` (one line) when missing or unreadable."""
    from pipeline.contract.tables import load_published

    return load_published(out_dir, ["dosage_rules"])["dosage_rules"]
