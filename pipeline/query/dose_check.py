"""Check a prescription against the published dosage rules.

Reads ``dosage_rules`` (one row per rule per page, with its sentence) and
answers whether a dose breaks any stated rule that applies to the patient
described: population, creatinine clearance, co-prescribed drugs.  Rules the
caller gives no information for (hepatic impairment, weight-based doses
without a weight) are listed as not checked rather than silently ignored.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from pipeline.contract.vocabularies import Condition, DosePeriod, Population, RuleType
from pipeline.extract.quantities import canonical_amount, normalise_unit
from pipeline.ingest.identity import drug_id_for


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

    def render(self) -> str:
        if self.error:
            return self.error
        lines = []
        verdict = "BREAKS a stated rule" if self.breaks else "within every stated rule that applies"
        lines.append(f"{self.drug_id}: {verdict}")
        for line in self.most_allowed:
            lines.append(f"  most allowed: {line}")
        for line in self.assumptions:
            lines.append(f"  assumed: {line}")
        order = {"breaks": 0, "warning": 1, "ok": 2, "not_checked": 3}
        for finding in sorted(self.findings, key=lambda f: (order[f.verdict], f.message)):
            lines.append(f"- [{finding.verdict}] {finding.message}")
            lines.append(f'    "{finding.sentence}"')
            lines.append(f"    source: {', '.join(finding.page_ids)}")
        return "\n".join(lines)


def parse_dose(text: str) -> tuple[float, str]:
    """'120', '120mg', '1 g', '15 mg/kg' -> (amount, unit)."""
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([A-Za-zµμ/0-9]*)\s*", text)
    if not match:
        raise ValueError(f"cannot read a dose from {text!r}: write it like 120 or 120mg")
    unit = match.group(2) or "mg"
    return float(match.group(1)), normalise_unit(unit)[0]


def _missing(value: object) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def _text(value: object) -> str:
    return "" if _missing(value) else str(value)


def check_dose(rx: Prescription, rules: pd.DataFrame) -> DoseCheck:
    drug_id, _ = drug_id_for(rx.drug)
    if drug_id is None or drug_id not in set(rules["drug_id"]):
        known = ", ".join(sorted(set(rules["drug_id"]))[:20])
        return DoseCheck(
            drug_id,
            error=f"unknown drug {rx.drug!r}: no dosage rules are published for it (known: {known})",
        )
    mine = rules[rules["drug_id"] == drug_id]
    mine = mine[mine["population"].isin([rx.population, Population.ALL])]
    result = DoseCheck(drug_id)
    if mine.empty:
        result.error = f"{drug_id}: no dosage rules are stated for the {rx.population} population"
        return result
    amount_mg, family = canonical_amount(rx.dose, rx.unit)
    per_dose, per_day = _both_periods(amount_mg, rx)
    if rx.per == DosePeriod.DOSE and rx.doses_per_day is None:
        result.assumptions.append("one dose a day (pass --doses-per-day to change)")
    grouped = _group_rules(mine)
    limits: list[tuple[float, str]] = []
    for rule, page_ids in grouped:
        applies, why_not = _applies(rule, rx)
        condition = _text(rule["condition"]) or None
        label = _describe(rule)
        if not applies:
            if why_not:
                result.findings.append(
                    Finding(
                        "not_checked",
                        f"{label}: {why_not}",
                        rule["rule_type"],
                        condition,
                        rule["raw_text"],
                        page_ids,
                    )
                )
            continue
        if rule["rule_type"] == RuleType.MAXIMUM and not _missing(rule["dose_max"]):
            limit, limit_family = canonical_amount(
                float(rule["dose_max"]), _text(rule["dose_unit"])
            )
            if limit_family != family:
                result.findings.append(
                    Finding(
                        "not_checked",
                        f"{label}: the limit is in {rule['dose_unit']}, the dose in {rx.unit}",
                        RuleType.MAXIMUM,
                        condition,
                        rule["raw_text"],
                        page_ids,
                    )
                )
                continue
            period = _text(rule["dose_period"]) or DosePeriod.DOSE
            given = per_day if period == DosePeriod.DAY else per_dose
            if given is None:
                result.findings.append(
                    Finding(
                        "not_checked",
                        f"{label}: pass --doses-per-day to compare with a per-{period} limit",
                        RuleType.MAXIMUM,
                        condition,
                        rule["raw_text"],
                        page_ids,
                    )
                )
                continue
            shown = f"{rule['dose_max']:g} {rule['dose_unit']} per {period}"
            limits.append((limit, f"{shown} ({label}; {', '.join(page_ids)})"))
            if given > limit + 1e-9:
                result.findings.append(
                    Finding(
                        "breaks",
                        f"{_fmt(given)} mg per {period} exceeds the maximum of {shown} ({label})",
                        RuleType.MAXIMUM,
                        condition,
                        rule["raw_text"],
                        page_ids,
                    )
                )
            else:
                result.findings.append(
                    Finding(
                        "ok",
                        f"{_fmt(given)} mg per {period} is within the maximum of {shown} ({label})",
                        RuleType.MAXIMUM,
                        condition,
                        rule["raw_text"],
                        page_ids,
                    )
                )
        elif rule["rule_type"] == RuleType.NOT_RECOMMENDED:
            result.findings.append(
                Finding(
                    "breaks",
                    f"not recommended: {label}",
                    RuleType.NOT_RECOMMENDED,
                    condition,
                    rule["raw_text"],
                    page_ids,
                )
            )
        elif rule["rule_type"] in (RuleType.WASHOUT, RuleType.ADJUSTMENT):
            result.findings.append(
                Finding(
                    "warning",
                    f"{rule['rule_type']}: {label}",
                    rule["rule_type"],
                    condition,
                    rule["raw_text"],
                    page_ids,
                )
            )
    if limits:
        strictest = min(limits)[0]
        result.most_allowed = [text for value, text in sorted(limits) if value == strictest]
    if not any(f.verdict in ("breaks", "ok") for f in result.findings):
        result.findings.append(
            Finding(
                "not_checked",
                "no stated maximum or restriction applies to this prescription",
                "",
                None,
                "",
                [],
            )
        )
    return result


def _fmt(value: float) -> str:
    return f"{value:g}"


def _both_periods(amount: float, rx: Prescription) -> tuple[float | None, float | None]:
    if rx.per == DosePeriod.DAY:
        per_dose = amount / rx.doses_per_day if rx.doses_per_day else None
        return per_dose, amount
    per_day = amount * rx.doses_per_day if rx.doses_per_day else None
    if per_day is None:
        # A single stated dose with no schedule: once daily, the common case (reported
        # to the user as an assumption).
        per_day = amount
    return amount, per_day


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
